"""Cue lists from the rule files, compiled to regexes over accent-folded lowercase text."""

from __future__ import annotations

import re
from functools import cache

from ..rules_io import DEFAULT_RULES, load_vocabulary
from ..term_syntax import fold, terms_regex


def cue_regex(terms: list[str] | tuple[str, ...], prefixes: bool = False) -> re.Pattern:
    """Word-bounded alternatives over folded text (:func:`.term_syntax.terms_regex`).

    With ``prefixes`` every term is a word start (context words: ``concern`` finds ``concernés``).
    """
    return terms_regex(terms, prefixes)


@cache
def cues_by_value(name: str, rules: str = DEFAULT_RULES) -> dict[str, re.Pattern]:
    """``{value: regex}`` of a cue file, all entries of one value joined."""
    grouped: dict[str, list[str]] = {}
    for entry in load_vocabulary(name, rules).entries:
        grouped.setdefault(entry.value, []).extend(entry.terms)
    return {value: cue_regex(terms) for value, terms in grouped.items()}


@cache
def cues_by_entry(
    name: str, rules: str = DEFAULT_RULES
) -> list[tuple[str, str, re.Pattern, re.Pattern | None]]:
    """``[(entry id, value, terms regex, context regex or None)]`` in file order."""
    vocabulary = load_vocabulary(name, rules)
    out = []
    for entry in vocabulary.entries:
        context = vocabulary.context_of(entry)
        out.append((entry.id, entry.value, cue_regex(entry.terms), cue_regex(context) if context else None))
    return out


@cache
def scope_breaker_regex(name: str = "assertion", rules: str = DEFAULT_RULES) -> re.Pattern:
    breakers = load_vocabulary(name, rules).scope_breakers
    words = [re.escape(fold(b)) for b in breakers if b[:1].isalpha()]
    marks = [re.escape(b) for b in breakers if not b[:1].isalpha()]
    return re.compile(r"(?:" + "|".join(marks) + r")|(?<![\w-])(?:" + "|".join(words) + r")(?![\w-])")
