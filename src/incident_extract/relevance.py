"""A cheap pre-filter on a feed item's title and lead: is it worth fetching and parsing?

spaCy costs far more than a regular expression, and a general-news feed is mostly about
other things. The filter keeps an item when one word of ``rules/relevance.yaml`` occurs in
its title or lead, accents and case ignored. It is tuned to lose no incident (see
``tests/test_relevance.py``): a kept advice article costs a little time, a dropped incident
is lost for good.
"""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from typing import Literal, NamedTuple

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

from .errors import RulesError
from .rules_io import fold

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
]


class RelevanceEntry(BaseModel):
    """Same shape as a ``rules_io.VocabularyEntry``, so one tool can check every rule file."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    id: str = Field(pattern=r"^[\w.$()-]+$")
    value: RelevanceCategory
    terms: list[str] = Field(min_length=1)

    @field_validator("terms")
    @classmethod
    def _no_blank(cls, terms: list[str]) -> list[str]:
        if any(not term.strip("* ") for term in terms):
            raise ValueError("blank term")
        return terms


class RelevanceFile(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    field: Literal["relevance"]
    entries: list[RelevanceEntry] = Field(min_length=1)


class RelevanceDecision(NamedTuple):
    keep: bool
    reason: str


@cache
def load_relevance(name: str = "relevance") -> RelevanceFile:
    """Read and validate ``rules/<name>.yaml`` from the installed package."""
    resource = resources.files("incident_extract") / "rules" / f"{name}.yaml"
    try:
        rules = RelevanceFile.model_validate(yaml.safe_load(resource.read_text(encoding="utf-8")))
    except FileNotFoundError as exc:
        raise RulesError(f"no rule file named {name!r}") from exc
    except (yaml.YAMLError, ValidationError) as exc:
        raise RulesError(f"invalid rule file {name}.yaml: {exc}") from exc
    ids = [entry.id for entry in rules.entries]
    if len(set(ids)) != len(ids):
        raise RulesError(f"invalid rule file {name}.yaml: duplicate entry ids")
    return rules


def term_regex(term: str) -> str:
    """``cyber attaque*`` -> a regex on folded text: words apart by spaces or hyphens, open end."""
    prefix = term.strip().endswith("*")
    words = re.split(r"[\s-]+", fold(term.strip().rstrip("*").strip()))
    body = r"[\s-]+".join(re.escape(word) for word in words if word)
    return rf"(?<!\w){body}" + (r"\w*" if prefix else r"(?!\w)")


@cache
def _matcher(name: str = "relevance") -> tuple[re.Pattern[str], dict[str, str]]:
    """One alternation over all terms; each group name says which entry matched."""
    groups: dict[str, str] = {}
    parts = []
    for entry in load_relevance(name).entries:
        for term in entry.terms:
            group = f"t{len(groups)}"
            groups[group] = f"{term} ({entry.id})"
            parts.append(f"(?P<{group}>{term_regex(term)})")
    return re.compile("|".join(parts)), groups


def is_relevant(title: str | None, lead: str | None) -> RelevanceDecision:
    """Keep the item when a cyber-incident word is in its title or lead; say which one."""
    pattern, groups = _matcher()
    for label, text in (("title", title), ("lead", lead)):
        if not text:
            continue
        found = pattern.search(fold(text))
        if found:
            return RelevanceDecision(True, f"{label} has {groups[found.lastgroup or '']}")
    return RelevanceDecision(False, "no cyber-incident word in the title or lead")
