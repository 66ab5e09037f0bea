"""Regex rules as data: named fragments, cue entries with ids, and word lists, from YAML.

Some linguistic cues are regular expressions on accent-folded lowercase text (« X a été piratée »,
« victime d'une cyberattaque »): they are too free for spaCy's token patterns. They still are rule
data, as medspaCy keeps its ConText rules: a YAML file of ``fragments`` (named pieces a pattern
reuses as ``{name}``, e.g. ``{aux_etre}``), ``cues`` (one record per cue: ``id``, ``side``,
``window``, ``pattern``, a French ``description`` with an example) and ``lists`` (word sets with a
description). The file is validated by pydantic models that reject unknown keys, every fragment
reference is checked, every pattern is compiled at load, and a file is compiled once per process.

A component asks for the cues it needs by id or by side and gets back which cue matched, so the
rule that made an item is recorded (``+cue:<id>``)::

    cues = load_regex_rules("victim_cues")
    match = cues.first_match("right", "a ete piratee samedi")   # -> (cue id, re.Match) or None
"""

from __future__ import annotations

import re
from functools import cache
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from ..errors import RulesError
from ..rules_io import DEFAULT_RULES, rule_file_text

FRAGMENT_REFERENCE = re.compile(r"\{([a-z][a-z0-9_]*)\}")
"""``{aux_etre}``; quantifiers such as ``{0,2}`` are never names, so they are left alone."""

Side = Literal["left", "right", "next", "sentence", "text", "slug"]
"""Where a cue is looked for: just before the candidate (``left``), just after it (``right``), at
the start of the next sentence (``next``), in the sentence (``sentence``), anywhere in the text
(``text``) or in the URL slug (``slug``)."""

FLAGS = {"ignorecase": re.IGNORECASE, "multiline": re.MULTILINE, "dotall": re.DOTALL}


class RegexCue(BaseModel):
    """One cue: a regular expression with an id, where it is looked for and why."""

    model_config = ConfigDict(extra="forbid")

    id: str = Field(pattern=r"^[a-z][a-z0-9_.-]*$")
    description: str = Field(min_length=1)
    pattern: str = Field(min_length=1)
    side: Side = "text"
    window: int | None = Field(default=None, gt=0)
    """How many characters next to the candidate are read (None: the whole side)."""
    flags: list[Literal["ignorecase", "multiline", "dotall"]] = []


class WordList(BaseModel):
    """A named set of words (stop names, articles...), with what it is for."""

    model_config = ConfigDict(extra="forbid")

    description: str = Field(min_length=1)
    words: list[str] = Field(min_length=1)
    folded: bool = False
    """True: the words are compared accent-folded and lowercased (``rules_io.fold``)."""


class RegexRuleFile(BaseModel):
    """A rule file: fragments, cues and word lists. Ids are unique; references resolve."""

    model_config = ConfigDict(extra="forbid")

    description: str = ""
    fragments: dict[str, str] = {}
    cues: list[RegexCue] = []
    lists: dict[str, WordList] = {}

    @model_validator(mode="after")
    def _check(self) -> RegexRuleFile:
        ids = [cue.id for cue in self.cues]
        duplicates = sorted({cue_id for cue_id in ids if ids.count(cue_id) > 1})
        if duplicates:
            raise ValueError(f"duplicate cue ids: {duplicates}")
        bad_names = [name for name in self.fragments if not FRAGMENT_REFERENCE.fullmatch("{" + name + "}")]
        if bad_names:
            raise ValueError(f"fragment names must be lowercase identifiers: {bad_names}")
        return self


class CompiledRules:
    """The compiled form of one rule file: patterns by cue id, in file order, and word sets."""

    def __init__(self, name: str, rule_file: RegexRuleFile) -> None:
        self.name = name
        self.description = rule_file.description
        self.cues = {cue.id: cue for cue in rule_file.cues}
        self.patterns: dict[str, re.Pattern] = {}
        self.fragments = {
            key: expand(name, key, text, rule_file.fragments) for key, text in rule_file.fragments.items()
        }
        for cue in rule_file.cues:
            source = expand(name, cue.id, cue.pattern, rule_file.fragments)
            flags = 0
            for flag in cue.flags:
                flags |= FLAGS[flag]
            try:
                self.patterns[cue.id] = re.compile(source, flags)
            except re.error as exc:
                raise RulesError(
                    f"{name}.yaml: cue {cue.id!r} is not a valid regular expression: {exc}"
                ) from exc
        self.lists = {key: frozenset(word_list.words) for key, word_list in rule_file.lists.items()}

    def pattern(self, cue_id: str) -> re.Pattern:
        try:
            return self.patterns[cue_id]
        except KeyError:
            raise RulesError(f"{self.name}.yaml has no cue {cue_id!r}") from None

    def words(self, list_name: str) -> frozenset[str]:
        try:
            return self.lists[list_name]
        except KeyError:
            raise RulesError(f"{self.name}.yaml has no list {list_name!r}") from None

    def on_side(self, side: str, prefix: str = "") -> list[tuple[str, re.Pattern]]:
        """The cues looked for on ``side`` whose id starts with ``prefix``, in file order."""
        return [
            (cue_id, self.patterns[cue_id])
            for cue_id, cue in self.cues.items()
            if cue.side == side and cue_id.startswith(prefix)
        ]

    def first_match(self, side: str, text: str, prefix: str = "") -> tuple[str, re.Match] | None:
        """The first cue of ``side`` (in file order) that matches ``text``, with its match."""
        for cue_id, pattern in self.on_side(side, prefix):
            match = pattern.search(text)
            if match:
                return cue_id, match
        return None


def expand(
    file_name: str, owner: str, pattern: str, fragments: dict[str, str], seen: tuple[str, ...] = ()
) -> str:
    """``{name}`` -> the fragment's own expansion, recursively; unknown names and cycles are errors."""

    def replace(match: re.Match) -> str:
        name = match.group(1)
        if name not in fragments:
            raise RulesError(f"{file_name}.yaml: {owner!r} uses the unknown fragment {{{name}}}")
        if name in seen:
            raise RulesError(f"{file_name}.yaml: fragment cycle {' -> '.join((*seen, name))}")
        return expand(file_name, name, fragments[name], fragments, (*seen, name))

    return FRAGMENT_REFERENCE.sub(replace, pattern)


@cache
def load_regex_rules(name: str, rules: str = DEFAULT_RULES) -> CompiledRules:
    """Read, validate and compile ``<name>.yaml`` once per process (``rules``: "default" or a folder)."""
    text = rule_file_text(name, rules)
    try:
        rule_file = RegexRuleFile.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise RulesError(f"invalid rule file {name}.yaml: {exc}") from exc
    return CompiledRules(name, rule_file)
