"""The pipeline's own components (factories are registered in ``factories.py``).

Each one reads the spans of the components before it and writes its own span group, so a
notebook can inspect every stage: ``doc.spans["ie_dates"]``, ``span._.ie_status``...
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..rules_io import fold, load_vocabulary
from . import counts as count_grammar
from . import dates as date_grammar
from .cues import cues_by_entry, cues_by_value, scope_breaker_regex
from .extensions import SPAN_KEYS, guarded

ASSERTED_GROUPS = ("terms", "victims", "dates", "counts", "actors")


def clause_bounds(doc: Doc, span: Span) -> tuple[int, int]:
    """Character bounds of the clause holding ``span``: its sentence cut at scope breakers."""
    sent = span.sent
    breakers = scope_breaker_regex()
    before = fold(doc.text[sent.start_char : span.start_char])
    after = fold(doc.text[span.end_char : sent.end_char])
    start = sent.start_char
    for m in breakers.finditer(before):
        start = sent.start_char + m.end()
    end = sent.end_char
    m = breakers.search(after)
    if m:
        end = span.end_char + m.start()
    return start, end


class AssertionDetector:
    """Component ``incident_extract_assertion``: sets ``span._.ie_status`` on every extracted span.

    ``negated`` items are dropped from the record (kept under ``denied``); ``exercise`` marks
    simulations; ``claimed`` and ``possible`` are kept with their status.
    """

    def __init__(
        self,
        nlp: Language,
        name: str = "incident_extract_assertion",
        window_before: int = 40,
        window_after: int = 45,
    ) -> None:
        self.name = name
        self.window_before = window_before
        self.window_after = window_after
        self.entries = cues_by_entry("assertion")
        self.values = cues_by_value("assertion")

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        for group in ASSERTED_GROUPS:
            for span in doc.spans.get(SPAN_KEYS[group], []):
                span._.ie_status = self.status(doc, span)
        return doc

    def status(self, doc: Doc, span: Span) -> str:
        start, end = clause_bounds(doc, span)
        before = self._strip_pseudo(
            fold(doc.text[max(start, span.start_char - self.window_before) : span.start_char])
        )
        after = self._strip_pseudo(
            fold(doc.text[span.end_char : min(end, span.end_char + self.window_after)])
        )
        sentence = self._strip_pseudo(fold(span.sent.text))
        for entry_id, value, terms, context in self.entries:
            if value != "negated":
                continue
            if entry_id == "negated.before":
                if any(m.end() >= len(before.rstrip()) - 25 for m in terms.finditer(before)):
                    return "negated"
            elif context is not None:
                for m in terms.finditer(after):
                    if m.start() <= 30 and _predicate_follows(after[m.end() :], context):
                        return "negated"
        if self.values["exercise"].search(sentence):
            return "exercise"
        if self.values["claimed"].search(sentence):
            return "claimed"
        clause = self._strip_pseudo(fold(doc.text[start:end]))
        if self.values["possible"].search(clause):
            return "possible"
        return "confirmed"

    def _strip_pseudo(self, text: str) -> str:
        return self.values["pseudo"].sub(" ", text)


def _predicate_follows(text: str, predicate: re.Pattern, max_words: int = 3) -> bool:
    """True when ``predicate`` starts within the first ``max_words`` words of ``text``."""
    words = text.split()
    return any(predicate.match(" ".join(words[k:])) for k in range(min(max_words, len(words))))


class DateFinder:
    """Component ``incident_extract_dates``: French dates, resolved, with a role from their clause."""

    def __init__(self, nlp: Language, name: str = "incident_extract_dates") -> None:
        self.name = name
        self.roles = cues_by_entry("date_roles")

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        published = doc._.ie_published
        anchor = None if published else date_grammar.anchor_year_of(doc.text)
        doc._.ie_anchor_year = anchor
        spans = []
        for match in date_grammar.find_dates(doc.text, published, anchor):
            span = doc.char_span(match.start, match.end, label="date", alignment_mode="expand")
            if span is None:
                continue
            span._.ie_value = match.value
            span._.ie_rule = match.rule
            span._.ie_kind = self.role(doc, span)
            spans.append(span)
        doc.spans[SPAN_KEYS["dates"]] = spans
        return doc

    def role(self, doc: Doc, span: Span) -> str:
        start, end = clause_bounds(doc, span)
        clause = fold(doc.text[start:end])
        for _entry_id, value, terms, _context in self.roles:
            if terms.search(clause):
                return value
        sentence = fold(span.sent.text)
        for _entry_id, value, terms, _context in self.roles:
            if terms.search(sentence):
                return value
        return "other"


class CountFinder:
    """Component ``incident_extract_counts``: numbers of people, marked affected or client base."""

    def __init__(self, nlp: Language, name: str = "incident_extract_counts") -> None:
        self.name = name
        values = {e.value: e for e in load_vocabulary("counts").entries}
        self.pattern = count_grammar.count_pattern(values["people"].terms)
        cues = cues_by_value("counts")
        self.base, self.affected = cues["base"], cues["affected"]

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for match in count_grammar.find_counts(doc.text, self.pattern):
            span = doc.char_span(match.start, match.end, label="people", alignment_mode="expand")
            if span is None:
                continue
            span._.ie_value = match.value
            span._.ie_kind = self.kind(doc, span)
            span._.ie_rule = f"counts.{span._.ie_kind}"
            spans.append(span)
        doc.spans[SPAN_KEYS["counts"]] = spans
        return doc

    def kind(self, doc: Doc, span: Span) -> str:
        """``affected`` when the clause says these people were hit, ``base`` for a mere size."""
        start, end = clause_bounds(doc, span)
        before = fold(doc.text[max(start, span.start_char - 40) : span.start_char])
        after = fold(doc.text[span.end_char : end])
        if self.base.search(before[-25:]):
            return "base"
        if self.affected.search(after) or self.affected.search(before):
            return "affected"
        if INCIDENT_CUE.search(fold(span.sent.text)):
            return "mentioned"
        return "base"


INCIDENT_CUE = re.compile(r"cyber|attaqu|pirat|hack|fuite|vol|derob|donnees|rancon|intrusion|compromi")

_ACTOR_NAME = r"(?P<name>[A-Z0-9][\w$@.()-]*[\w$)](?:\s+(?:[A-Z0-9][\w$@.()-]*|\d+(?:\.\d+)?))?)"
ACTOR_PATTERNS = [
    (
        "actors.groupe_de_hackers",
        re.compile(
            r"\b(?:groupe|gang|collectif|groupuscule|clan|organisation)\s+(?:de\s+(?:hackers|pirates|cybercriminels|"
            r"hacktivistes|ransomware|rançongiciel)\s+)?(?:(?:pro-?russes?|prorusses?|russes?|russophones?|"
            r"islamistes?|pro-palestiniens?|chinois|iraniens?|nord-coréens?|criminels?|cybercriminels?|"
            r"hacktivistes?|de\s+pirates)\s+)?(?:baptisé\s+|nommé\s+|appelé\s+|connu\s+sous\s+le\s+nom\s+de\s+)?"
            r"[«\"“]?\s*" + _ACTOR_NAME
        ),
    ),
    (
        "actors.revendique_par",
        re.compile(
            r"\brevendiqu\w*\s+par\s+(?:le\s+(?:groupe|gang|collectif)\s+(?:de\s+\w+\s+)?)?[«\"“]?\s*"
            + _ACTOR_NAME
        ),
    ),
    (
        "actors.hackers_de",
        re.compile(
            r"\b(?:hackers|pirates|cybercriminels|hacktivistes)\s+(?:du\s+groupe\s+|de\s+)[«\"“]?\s*"
            + _ACTOR_NAME
        ),
    ),
]
NOT_ACTOR = {"Le", "La", "Les", "Un", "Une", "Ce", "Cette", "En", "Il", "Elle", "Selon", "Depuis", "Ces"}


class ActorFinder:
    """Component ``incident_extract_actors``: attacker names the vocabulary does not list yet."""

    def __init__(self, nlp: Language, name: str = "incident_extract_actors") -> None:
        self.name = name

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        spans = []
        for rule, pattern in ACTOR_PATTERNS:
            for m in pattern.finditer(doc.text):
                name = m["name"].rstrip(".,")
                if name.split()[0] in NOT_ACTOR or name.isdigit():
                    continue
                start = m.start("name")
                span = doc.char_span(
                    start, start + len(name), label="threat_actors", alignment_mode="contract"
                )
                if span is None:
                    continue
                span._.ie_rule = rule
                spans.append(span)
        doc.spans[SPAN_KEYS["actors"]] = spans
        return doc
