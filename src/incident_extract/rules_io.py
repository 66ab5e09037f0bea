"""Load the rule and vocabulary files shipped in ``incident_extract/rules``.

Each YAML file is validated by :class:`VocabularyFile` (unknown keys are rejected), then
turned into spaCy patterns for the span ruler. The term syntax and its two back-ends (spaCy
patterns, regexes over folded text) live in :mod:`.term_syntax`.
"""

from __future__ import annotations

import typing
from collections.abc import Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from . import models
from .errors import RulesError
from .term_syntax import Term, Tokenize, is_acronym
from .term_syntax import fold as fold  # re-exported: many callers read it from here

RelevanceCategory = Literal[
    "cyber",
    "attack",
    "ransomware",
    "data_breach",
    "ddos",
    "phishing",
    "fraud",
    "malware",
    "outage",
    "attacker",
    "context",
]
"""The kinds of words of ``relevance.yaml`` (``relevance.py``: strong, ambiguous or context)."""

FIELD_VOCABULARIES = {spec.vocabulary: spec for spec in models.FIELDS.values() if spec.vocabulary}
"""The rule files of record fields (``models.FIELDS``), by file name."""
ALLOWED_VALUES: dict[str, set[str] | None] = {
    **{name: spec.allowed_values() for name, spec in FIELD_VOCABULARIES.items()},
    "organisations": {*typing.get_args(models.SectorId), "none"},
    "people_groups": {"group"},
    "assertion": {
        "negated",
        "possible",
        "claimed",
        "exercise",
        "pseudo",
        "hypothetical",
        "hypothetical_before",
    },
    "date_roles": set(typing.get_args(models.DateRole)),
    "counts": {"people", "base", "affected", "earlier"},
    "incident_cues": {
        "incident",
        "victim_trigger",
        "not_incident",
        "attacker",
        "exercise_headline",
        "not_real",
        "exercise_lede",
        "trial_headline",
        "statistics_headline",
        "statistics_lede",
        "event",
        "not_event_headline",
        "attack_word",
        "other_sense",
        "metaphor_word",
        "sport",
        "cyber_sense",
        "fiction",
        "ruled_out",
        "complaint",
        "reported",
    },
    "relevance": set(typing.get_args(RelevanceCategory)),
}
TERM_FIELDS = (*FIELD_VOCABULARIES, "organisations", "people_groups")
"""Vocabularies matched by the span ruler; the others are cue lists read by components."""
CUE_FILES = ("assertion", "date_roles", "counts", "incident_cues")
_ID = r"^[\w.$()-]+$"


class VocabularyEntry(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID, description="unique rule id, recorded on every item it produces")
    value: str = Field(min_length=1, description="the vocabulary id (or name) the terms stand for")
    terms: list[str] = Field(min_length=1)
    context: list[str] | None = None
    """Overrides the file's context: one of these word starts must be in the same sentence."""
    not_followed_by: list[str] = []
    not_preceded_by: list[str] = []
    """« 30 Go de fichiers » is a volume of data, not a file server: the words just before the term."""
    context_window: int | None = Field(default=None, ge=10, le=300)
    """Look for the context words within this many characters of the term, not the whole sentence."""
    standalone: bool = False
    """Organisations: the noun names one institution by itself after a definite article
    (« la présidence », « le gouvernement »), without a proper name after it."""
    ambiguous: bool = False
    """Relevance: the word counts only with a digital-context word near it (« piratage », « rançon »)."""
    yields_to: list[str] = []
    """Attack types: a generic word (« piratage ») says nothing more when the article names one of
    these types: then it gives no item of its own."""
    may_be_victim: bool = False
    """Authorities: the body can itself be hit (« le ministère des Sports piraté »), so its words may
    be part of a victim's name, and it is no authority of an incident where it is the victim."""

    @field_validator("terms")
    @classmethod
    def _no_blank(cls, terms: list[str]) -> list[str]:
        if any(not t.strip("* ") for t in terms):
            raise ValueError("blank term")
        return terms


class VocabularyFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str
    context: list[str] = []
    scope_breakers: list[str] = []
    entries: list[VocabularyEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> VocabularyFile:
        if self.field not in ALLOWED_VALUES:
            raise ValueError(f"unknown field {self.field!r}")
        allowed = ALLOWED_VALUES[self.field]
        seen: set[str] = set()
        for entry in self.entries:
            if entry.id in seen:
                raise ValueError(f"duplicate id {entry.id!r}")
            seen.add(entry.id)
            if allowed is not None and entry.value not in allowed:
                raise ValueError(f"{entry.id}: value {entry.value!r} not in the {self.field} vocabulary")
            if entry.ambiguous and self.field != "relevance":
                raise ValueError(f"{entry.id}: only relevance words can be ambiguous")
        return self

    def entry(self, entry_id: str) -> VocabularyEntry:
        return self._by_id()[entry_id]

    def context_of(self, entry: VocabularyEntry) -> list[str]:
        return self.context if entry.context is None else entry.context

    def _by_id(self) -> dict[str, VocabularyEntry]:
        cached = self.__dict__.get("_index")
        if cached is None:
            cached = {e.id: e for e in self.entries}
            object.__setattr__(self, "_index", cached)
        return cached


class DependencyRule(BaseModel):
    """One DependencyMatcher pattern; the node ``victim`` marks the victim's head word."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=_ID)
    description: str
    pattern: list[dict] = Field(min_length=1)

    @property
    def victim_position(self) -> int:
        return next(n for n, node in enumerate(self.pattern) if node.get("RIGHT_ID") == "victim")

    @model_validator(mode="after")
    def _has_victim_node(self) -> DependencyRule:
        if not any(node.get("RIGHT_ID") == "victim" for node in self.pattern):
            raise ValueError(f"{self.id}: no node named 'victim'")
        return self


class DependencyRuleFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    field: str = Field(pattern="^victim_roles$")
    patterns: list[DependencyRule] = Field(min_length=1)


DEFAULT_RULES = "default"
"""The rule files shipped in the package; any other value is a folder of rule files (a saved pipeline's)."""


def rule_file_text(name: str, rules: str = DEFAULT_RULES) -> str:
    """Raw YAML of ``<name>.yaml``, from the package (``"default"``) or from the folder ``rules``."""
    if rules == DEFAULT_RULES:
        resource = resources.files("incident_extract") / "rules" / f"{name}.yaml"
    else:
        resource = Path(rules) / f"{name}.yaml"
    try:
        return resource.read_text(encoding="utf-8")
    except (FileNotFoundError, NotADirectoryError) as exc:
        raise RulesError(f"no rule file named {name!r} in {rules}") from exc


RuleFileModel = typing.TypeVar("RuleFileModel", bound=BaseModel)


def validated_rule_file(name: str, model: type[RuleFileModel], rules: str = DEFAULT_RULES) -> RuleFileModel:
    """Read ``<name>.yaml`` and validate it with ``model``; any fault is a :class:`RulesError`
    that names the file (the one reader of every kind of rule file)."""
    text = rule_file_text(name, rules)
    try:
        return model.model_validate(yaml.safe_load(text))
    except (yaml.YAMLError, ValidationError) as exc:
        raise RulesError(f"invalid rule file {name}.yaml: {exc}") from exc


@cache
def load_dependency_rules(name: str = "victim_roles", rules: str = DEFAULT_RULES) -> DependencyRuleFile:
    """Read and validate ``<name>.yaml`` (DependencyMatcher patterns)."""
    return validated_rule_file(name, DependencyRuleFile, rules)


@cache
def load_vocabulary(name: str, rules: str = DEFAULT_RULES) -> VocabularyFile:
    """Read and validate ``<name>.yaml`` from the installed package or a rules folder."""
    vocabulary = validated_rule_file(name, VocabularyFile, rules)
    if vocabulary.field != name:
        raise RulesError(f"{name}.yaml declares field {vocabulary.field!r}")
    return vocabulary


def term_to_pattern(term: str, tokenize: Tokenize) -> list[dict]:
    """One term -> one spaCy token pattern (the syntax: :mod:`.term_syntax`)."""
    return Term.parse(term).token_pattern(tokenize)


def ruler_patterns(
    tokenize: Tokenize, names: tuple[str, ...] = TERM_FIELDS, rules: str = DEFAULT_RULES
) -> list[dict]:
    """The span-ruler patterns of the multi-word terms: label = field, id = entry id.

    Plain terms become phrase patterns (the PhraseMatcher on ``LOWER`` is several times faster
    than token patterns); multi-word prefixes (``faux courriel*``) and terms with a case-kept
    acronym (``CERT santé``) need token patterns. One-word prefixes and acronyms are no
    patterns at all: see :func:`word_terms`.
    """
    patterns = []
    for name, entry, term, words in _terms(tokenize, names, rules):
        if len(words) == 1 and (term.prefix or is_acronym(words[0])):
            continue
        if term.needs_token_pattern(words):
            patterns.append({"label": name, "id": entry.id, "pattern": term.token_pattern(tokenize)})
        else:
            patterns.extend({"label": name, "id": entry.id, "pattern": p} for p in term.phrases())
    return patterns


def word_terms(
    tokenize: Tokenize, names: tuple[str, ...] = TERM_FIELDS, rules: str = DEFAULT_RULES
) -> tuple[list[tuple[str, str, str]], list[tuple[str, str, str]]]:
    """The one-word terms the ``incident_extract_prefix_terms`` component looks up in tables:
    ``(prefix, label, entry id)`` for every one-word term ending in ``*`` (``rançongiciel*``),
    and ``(word, label, entry id)`` for every one-word acronym, as written and in title case
    (``ANSSI``, ``Anssi``; never ``anssi``, so ``ans`` is never the agency).

    A token Matcher with one REGEX per prefix tried on every token cost more than the rest of
    the term matching together, and its 32 one-token acronym patterns 80 % of the Matcher's
    time; a dictionary lookup per word costs almost nothing.
    """
    prefixes: list[tuple[str, str, str]] = []
    acronyms: list[tuple[str, str, str]] = []
    for name, entry, term, words in _terms(tokenize, names, rules):
        if len(words) != 1:
            continue
        if term.prefix:
            prefixes.append((term.body.lower().replace("’", "'"), name, entry.id))
        elif is_acronym(words[0]):
            acronyms.extend((form, name, entry.id) for form in sorted({words[0], words[0].title()}))
    return prefixes, acronyms


def _terms(
    tokenize: Tokenize, names: tuple[str, ...], rules: str
) -> Iterator[tuple[str, VocabularyEntry, Term, list[str]]]:
    """Every term of the vocabularies ``names``, parsed, with its words as the tokenizer cuts them."""
    for name in names:
        for entry in load_vocabulary(name, rules).entries:
            for text in entry.terms:
                term = Term.parse(text)
                yield name, entry, term, term.tokens(tokenize)
