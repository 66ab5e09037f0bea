"""French number expressions tied to the people they count (``plus de 33 millions de Français``).

The grammar (``rules/count_cues.yaml``, fragments ``qualifier``, ``number``, ``noun_lead``, and
the counted nouns of ``rules/counts.yaml``) is read by pure functions over text; the component
``incident_extract_counts`` (:class:`CountFinder`) decides which count is the number of people
affected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ..rules_io import DEFAULT_RULES, fold, load_vocabulary
from .clauses import clause_bounds
from .cues import cues_by_value, scope_breaker_regex
from .extensions import SPAN_KEYS, guarded
from .regex_rules import load_regex_rules
from .rule_component import RuleComponent
from .sentences import sentence_of, sentence_text, text_of

SCALES = {
    "million": 1_000_000,
    "millions": 1_000_000,
    "milliard": 10**9,
    "milliards": 10**9,
    "millier": 1_000,
    "milliers": 1_000,
    "mille": 1_000,
    "k": 1_000,
}


@dataclass(frozen=True)
class CountMatch:
    start: int
    end: int
    text: str
    value: int
    noun: str


def count_pattern(nouns: list[str], rules: str = DEFAULT_RULES) -> re.Pattern:
    """A regex for ``[qualifier] number [scale] [de|d'] [adjective]? noun`` (fragments of ``count_cues``)."""
    grammar = load_regex_rules("count_cues", rules).fragments
    alternatives = "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True))
    head = grammar["qualifier"] + grammar["number"] + grammar["noun_lead"]
    return re.compile(r"\b" + head + r"(?P<noun>" + alternatives + r")\b", re.IGNORECASE)


def parse_number(number: str, scale: str | None) -> int | None:
    """``33`` + ``millions`` -> 33000000; ``500.000`` -> 500000; ``1,5 million`` -> 1500000."""
    digits = re.sub(r"[ .\u00a0\u202f]", "", number)
    try:
        value = float(digits.replace(",", "."))
    except ValueError:
        return None
    if scale:
        value *= SCALES[scale.lower()]
    elif "," in digits:
        return None  # a decimal without scale is not a head count
    return round(value)


def find_counts(text: str, pattern: re.Pattern) -> list[CountMatch]:
    found = []
    for m in pattern.finditer(text):
        value = parse_number(m["number"], m["scale"])
        if value is None or value <= 0:
            continue
        if 1900 <= value <= 2100 and not m["scale"] and not m["qualifier"]:
            continue  # a year followed by a noun (« 2024 patients » is rare, « en 2024 clients » noise)
        found.append(CountMatch(m.start(), m.end(), m.group(0).strip(), value, m["noun"]))
    return found


class CountFinder(RuleComponent):
    """Component ``incident_extract_counts``: numbers of people, marked affected or client base."""

    rule_files = ("counts", "count_cues", "assertion")
    """``assertion.yaml`` for the scope breakers that cut a sentence into clauses."""

    factory_name = "incident_extract_counts"

    def load_rules(self, rules: str) -> None:
        values = {e.value: e for e in load_vocabulary("counts", rules).entries}
        self.pattern = count_pattern(values["people"].terms, rules)
        cues = cues_by_value("counts", rules)
        self.base, self.affected, self.earlier = cues["base"], cues["affected"], cues["earlier"]
        grammar = load_regex_rules("count_cues", rules)
        self.data_of = grammar.pattern("counts.data_of")
        self.pluperfect = grammar.pattern("counts.pluperfect")
        self.breakers = scope_breaker_regex("assertion", rules)

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        self.ensure_initialized()
        spans = []
        for match in find_counts(text_of(doc), self.pattern):
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
        """``affected`` when the clause says these people were hit, ``base`` for a mere size.

        A count in a sentence about an earlier incident (« avaient été dérobées », « comme en
        2020 ») is ``earlier``; a noun that usually sizes an organisation (``habitants``,
        ``salariés``) counts as affected only with an explicit cue after it.
        """
        start, end = clause_bounds(doc, span, self.breakers)
        before = fold(text_of(doc)[max(start, span.start_char - 40) : span.start_char])
        after = fold(text_of(doc)[span.end_char : end])
        if self._about_earlier_incident(doc, span):
            return "earlier"
        if self.base.search(before[-45:]):
            return "base"
        if self.data_of.search(before):
            return "affected"  # « les coordonnées bancaires de 1.996.026 salariés »: their data were hit
        noun = fold(text_of(doc)[span.start_char : span.end_char].split()[-1])
        if self.base.fullmatch(noun):
            # « commune de 52 habitants », « (21 000 salariés) »: a size, unless a cue follows at once
            tied = self.affected.search(after[:30]) and ")" not in after[:30]
            return "affected" if tied and not before.endswith(("de ", "d'")) else "base"
        if self.affected.search(after) or self.affected.search(before):
            return "affected"
        return "base"

    def _about_earlier_incident(self, doc: Doc, span: Span) -> bool:
        """The sentence tells of an earlier incident, or goes on with the one of the sentence before.

        « X avait déjà été victime en 2020. Les données de 1,4 million de personnes avaient été
        dérobées. »: the pluperfect goes on with the earlier incident of the sentence before.
        """
        sentence = fold(sentence_text(span))
        if self.earlier.search(sentence):
            return True
        if not self.pluperfect.search(sentence):
            return False
        sent_start, _ = sentence_of(span)
        previous = text_of(doc)[max(0, sent_start - 300) : sent_start]
        return bool(
            self.earlier.search(fold(previous.rsplit(".", 2)[-2] if previous.count(".") >= 2 else previous))
        )
