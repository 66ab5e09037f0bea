"""Relevance before NLP: is an article worth the spaCy pipeline?

spaCy costs far more than a regular expression, and a general-news feed is mostly about
other things. Two decisions, both on the words of ``rules/relevance.yaml`` (accents and case
ignored), both tuned to lose no incident (``tests/test_relevance.py``): a kept advice article
costs a little time, a dropped incident is lost for good.

* :func:`is_relevant_text`, the default, reads the **cleaned full text**: a strong word
  (cyberattaque, rançongiciel, fuite de données...) keeps the article; an ambiguous one
  (piratage, rançon, pirates, panne...) keeps it only with a word of the digital context
  (informatique, serveurs, données...) nearby, so that the ransom of a kidnapping, pirates
  at sea or the piracy of a pay-TV channel are skipped.
* :func:`is_relevant` reads only a feed item's title and lead, before the page is fetched:
  an opt-in for bandwidth-limited set-ups, since many feeds carry only the headline and an
  incident reported under a vague headline is then lost.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from functools import cache, lru_cache
from typing import NamedTuple

from .rules_io import load_vocabulary
from .term_syntax import Term, fold


class RelevanceDecision(NamedTuple):
    keep: bool
    reason: str


def term_regex(term: str) -> str:
    """``cyber attaque*`` -> a regex on folded text (:meth:`.term_syntax.Term.regex`)."""
    return Term.parse(term).regex()


CONTEXT_CHARS = 300
"""How far (characters, either side) a context word may be from an ambiguous word."""


class _Term(NamedTuple):
    group: str
    label: str
    """``term (entry id)``, for the decision's reason."""
    regex: str
    first: str
    """The term's first word, folded: the term can only match a text that has this word..."""
    first_is_prefix: bool
    """...or, for a one-word ``term*``, a word starting with it."""


@cache
def _terms(name: str = "relevance", kinds: str = "headline") -> tuple[_Term, ...]:
    """The terms of some entries, in file order; ``kinds``: ``headline`` (every incident word,
    for the title pre-filter), ``strong``, ``ambiguous`` or ``context``."""
    terms = []
    for entry in load_vocabulary(name).entries:
        kind = "context" if entry.value == "context" else ("ambiguous" if entry.ambiguous else "strong")
        if kind != kinds and not (kinds == "headline" and kind != "context"):
            continue
        for text in entry.terms:
            term = Term.parse(text)
            prefix = term.prefix and len(term.words) == 1
            label = f"{text} ({entry.id})"
            terms.append(_Term(f"t{len(terms)}", label, term.regex(), fold(term.words[0]), prefix))
    return tuple(terms)


@lru_cache(maxsize=4096)
def _alternation(terms: tuple[_Term, ...]) -> re.Pattern[str]:
    return re.compile("|".join(f"(?P<{term.group}>{term.regex})" for term in terms))


def _matcher(folded: str, kinds: str) -> tuple[re.Pattern[str] | None, dict[str, str]]:
    """One alternation over the terms that may occur in ``folded``; group name -> label.

    A regex alternation of all the terms tries each one at every character (about 14 ms per
    article); narrowing it first to the terms whose first word is in the text makes it cheap.
    """
    words = sorted(set(re.findall(r"\w+", folded)))
    present = set(words)
    candidates = []
    for term in _terms(kinds=kinds):
        if term.first in present or not re.fullmatch(r"\w+", term.first):
            candidates.append(term)
        elif term.first_is_prefix:
            at = bisect_left(words, term.first)
            if at < len(words) and words[at].startswith(term.first):
                candidates.append(term)
    if not candidates:
        return None, {}
    return _alternation(tuple(candidates)), {term.group: term.label for term in candidates}


def is_relevant(title: str | None, lead: str | None) -> RelevanceDecision:
    """Keep the item when a cyber-incident word is in its title or lead; say which one."""
    for label, text in (("title", title), ("lead", lead)):
        if not text:
            continue
        folded = fold(text)
        pattern, groups = _matcher(folded, "headline")
        found = pattern.search(folded) if pattern else None
        if found:
            return RelevanceDecision(True, f"{label} has {groups[found.lastgroup or '']}")
    return RelevanceDecision(False, "no cyber-incident word in the title or lead")


def is_relevant_text(text: str, title: str | None = None) -> RelevanceDecision:
    """Keep the article when its cleaned text (and title) says it is about a cyber incident.

    A strong word anywhere is enough; an ambiguous word needs a digital-context word within
    :data:`CONTEXT_CHARS` characters. The reason names the word (and its context) or says
    that none was found.
    """
    folded = fold(f"{title}\n{text}" if title and title not in text else text)
    strong, strong_groups = _matcher(folded, "strong")
    found = strong.search(folded) if strong else None
    if found:
        return RelevanceDecision(True, f"text has {strong_groups[found.lastgroup or '']}")
    ambiguous, ambiguous_groups = _matcher(folded, "ambiguous")
    context, context_groups = _matcher(folded, "context")
    first_ambiguous = None
    for found in ambiguous.finditer(folded) if ambiguous else ():
        first_ambiguous = first_ambiguous or ambiguous_groups[found.lastgroup or ""]
        window = folded[max(0, found.start() - CONTEXT_CHARS) : found.end() + CONTEXT_CHARS]
        near = context.search(window) if context else None
        if near:
            word = ambiguous_groups[found.lastgroup or ""]
            return RelevanceDecision(True, f"text has {word} near {context_groups[near.lastgroup or '']}")
    if first_ambiguous:
        return RelevanceDecision(False, f"only {first_ambiguous}, with no digital context near it")
    return RelevanceDecision(False, "no cyber-incident word in the text")
