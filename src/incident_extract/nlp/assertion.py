"""Component ``incident_extract_assertion``: is each extracted item asserted, denied, doubted?

In the manner of ConText (medspaCy) and edsnlp's negation pipes: word cues from
``rules/assertion.yaml`` (with their scope), clause structure from ``rules/assertion_cues.yaml``.
It sets ``span._.ie_status`` on the spans of every earlier component.
"""

from __future__ import annotations

import re

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..rules_io import DEFAULT_RULES, fold
from .clauses import clause_bounds
from .cues import cues_by_entry, cues_by_value, scope_breaker_regex
from .extensions import SPAN_KEYS, guarded
from .regex_rules import load_regex_rules
from .rule_component import RuleComponent
from .sentences import sentence_text, text_of

ASSERTED_GROUPS = ("terms", "victims", "dates", "counts", "actors")
HYPOTHETICAL_LABELS = ("attack_types", "data_leaked", "systems")
"""A future risk or a piece of advice (« risquent d'être victimes d'hameçonnage ») is not a fact of the
incident; victims and places are not affected by it."""
LISTED_LABELS = ("data_leaked", "systems")
"""Labels whose items come in lists that one denial before the first item reaches."""


class AssertionDetector(RuleComponent):
    """Component ``incident_extract_assertion``: sets ``span._.ie_status`` on every extracted span.

    ``negated`` items are dropped from the record (kept under ``denied``); ``exercise`` marks
    simulations and ``hypothetical`` future risks or advice (both dropped); ``claimed`` and
    ``possible`` are kept with their status.
    """

    rule_files = ("assertion", "assertion_cues")

    factory_name = "incident_extract_assertion"

    def __init__(
        self,
        nlp: Language,
        name: str | None = None,
        window_before: int = 40,
        window_after: int = 45,
        rules: str = DEFAULT_RULES,
    ) -> None:
        super().__init__(nlp, name, rules)
        self.window_before = window_before
        self.window_after = window_after

    def load_rules(self, rules: str) -> None:
        self.entries = cues_by_entry("assertion", rules)
        self.values = cues_by_value("assertion", rules)
        self.breakers = scope_breaker_regex("assertion", rules)
        # cues that only reach what follows them (« clients désormais exposés à des tentatives d'arnaque »)
        self.hypothetical_before = self.values["hypothetical_before"]
        cues = load_regex_rules("assertion_cues", rules)
        self.finite_verb = cues.pattern("assertion.finite_verb")
        self.list_join = cues.pattern("assertion.list_join")
        self.list_gap = cues.cues["assertion.list_join"].window
        self.attack_target = cues.pattern("assertion.attack_target")
        self.attack_gap = cues.cues["assertion.attack_target"].window

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        self.ensure_initialized()
        for group in ASSERTED_GROUPS:
            for span in doc.spans.get(SPAN_KEYS[group], []):
                span._.ie_status = self.status(doc, span)
        self._negate_attacked_systems(doc)
        self._negate_listed_items(doc)
        return doc

    def _joins_list_items(self, gap: str) -> bool:
        """Between two items of one list: a comma or « et »/« ou (encore) », and at most a short item the
        vocabularies do not know (« références bancaires »), never a verb or a clause break."""
        return (
            len(gap) <= self.list_gap
            and bool(self.list_join.search(gap))
            and not self.finite_verb.search(gap)
            and not self.breakers.search(gap)
        )

    def _negate_listed_items(self, doc: Doc) -> None:
        """« En aucun cas des données de type RIB, IBAN, téléphone ou encore des données de santé n'ont
        été exposées »: a denial before the first item of a list reaches every item of that list."""
        previous = None
        for span in sorted(doc.spans.get(SPAN_KEYS["terms"], []), key=lambda s: s.start_char):
            if span.label_ not in LISTED_LABELS:
                continue
            if previous is not None and previous.label_ == span.label_ and previous._.ie_status == "negated":
                nested = span.start_char < previous.end_char  # « téléphone » in « numéro de téléphone »
                if nested or self._joins_list_items(fold(text_of(doc)[previous.end_char : span.start_char])):
                    span._.ie_status = "negated"
            if previous is None or span.start_char >= previous.end_char:
                previous = span

    def _negate_attacked_systems(self, doc: Doc) -> None:
        """« aucune preuve d'une intrusion dans l'infrastructure informatique »: the system an attack is
        denied on is denied too, however far the negation cue is from it."""
        terms = doc.spans.get(SPAN_KEYS["terms"], [])
        denied_attacks = [s for s in terms if s.label_ == "attack_types" and s._.ie_status == "negated"]
        for span in terms:
            if span.label_ != "systems" or span._.ie_status != "confirmed":
                continue
            for attack in denied_attacks:
                between = fold(text_of(doc)[attack.end_char : span.start_char])
                near = 0 <= span.start_char - attack.end_char <= self.attack_gap
                if near and self.attack_target.match(between):
                    span._.ie_status = "negated"
                    break

    def status(self, doc: Doc, span: Span) -> str:
        """The status of ``span`` from the cues of its clause and sentence (``confirmed`` without any)."""
        start, end = clause_bounds(doc, span, self.breakers)
        if self._negated(doc, span, start, end):
            return "negated"
        sentence = self._strip_pseudo(fold(sentence_text(span)))
        if self.values["exercise"].search(sentence):
            return "exercise"
        clause = self._strip_pseudo(fold(text_of(doc)[start:end]))
        if span.label_ in HYPOTHETICAL_LABELS:
            if self.values["hypothetical"].search(clause):
                return "hypothetical"
            clause_before = self._strip_pseudo(fold(text_of(doc)[start : span.start_char]))
            if self.hypothetical_before.search(clause_before):
                return "hypothetical"
        if self.values["claimed"].search(sentence):
            return "claimed"
        if self.values["possible"].search(clause):
            return "possible"
        return "confirmed"

    def _negated(self, doc: Doc, span: Span, start: int, clause_end: int) -> bool:
        """A negation cue just before the item, or one after it followed by its predicate."""
        before = self._strip_pseudo(
            fold(text_of(doc)[max(start, span.start_char - self.window_before) : span.start_char])
        )
        for entry_id, value, terms, context in self.entries:
            if value != "negated":
                continue
            if entry_id == "negated.before":
                if any(m.end() >= len(before.rstrip()) - 25 for m in terms.finditer(before)):
                    return True
            elif context is not None:
                clause_after = self._strip_pseudo(fold(text_of(doc)[span.end_char : clause_end]))
                for m in terms.finditer(clause_after):
                    near = m.start() <= self.window_after
                    # « les informations bancaires, médicales, ainsi que les adresses ne sont pas
                    # concernées »: a list may stand between the item and its negated verb
                    listed = not near and not self.finite_verb.search(clause_after[: m.start()])
                    if (near or listed) and _predicate_follows(clause_after[m.end() :], context):
                        return True
        return False

    def _strip_pseudo(self, text: str) -> str:
        return self.values["pseudo"].sub(" ", text)


def _predicate_follows(text: str, predicate: re.Pattern, max_words: int = 3) -> bool:
    """True when ``predicate`` starts within the first ``max_words`` words of ``text``."""
    words = text.split()
    return any(predicate.match(" ".join(words[k:])) for k in range(min(max_words, len(words))))
