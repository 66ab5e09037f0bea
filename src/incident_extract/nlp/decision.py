"""Component ``incident_extract_incident``: does the article report an incident, and whose?

Runs after the assertion component, before the location finder and the assembler. It sets
``doc._.ie_incident_rule`` to the rule that makes the article an incident report (None: it
reports none, and the record has no incident), and when no victim is named it adds the most
salient candidate to the victims (:mod:`.salience`). The rules themselves are in
:mod:`.incident` (article framing, lead sentences) and in ``incident_cues.yaml``.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from ..rules_io import fold
from .cues import cues_by_value
from .extensions import SPAN_KEYS, guarded
from .framing import headline
from .incident import decide_from_text, framed_as_no_incident
from .names import distinct_victims
from .regex_rules import load_regex_rules
from .rule_component import RuleComponent
from .salience import salient_victim
from .sentences import all_sentences, paragraph_of, sentence_index, text_of
from .terms import longest_terms

ACTIVE_STATUSES = ("confirmed", "possible", "claimed")
"""Statuses of the items a record keeps (negated ones go to ``denied``, the others are dropped)."""


class IncidentDecision(RuleComponent):
    """Sets ``doc._.ie_incident_rule`` and, for an incident without a named victim, the salient one."""

    rule_files = ("incident_cues", "assertion", "names", "stoplists", "victim_cues")

    factory_name = "incident_extract_incident"

    def load_rules(self, rules: str) -> None:
        self.incident = cues_by_value("incident_cues", rules)["incident"]
        self.exercise = cues_by_value("assertion", rules)["exercise"]
        self.trend = load_regex_rules("victim_cues", rules).pattern("incident.trend")

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        self.ensure_initialized()
        drop_dates_taken_for_names(doc)
        victims = active(doc.spans.get(SPAN_KEYS["victims"], []))
        named = bool(distinct_victims(victims, self.rules))
        attack_spans = active(longest_terms(doc).get("attack_types", []))
        rule = self.incident_rule(doc, named, attack_spans)
        doc._.ie_incident_rule = rule
        if rule is not None and not named and (salient := salient_victim(doc, attack_spans)) is not None:
            doc.spans[SPAN_KEYS["victims"]] = [*doc.spans.get(SPAN_KEYS["victims"], []), salient]
        return doc

    def incident_rule(self, doc: Doc, named: bool, attack_spans: list[Span]) -> str | None:
        """The rule that makes this article an incident report, or None (see :mod:`.incident`)."""
        if framed_as_no_incident(doc):
            return None
        if named and self.victim_has_incident_cue(doc):
            return "incident.victim_cue"
        return decide_from_text(doc, attack_spans)

    def victim_has_incident_cue(self, doc: Doc) -> bool:
        """A victim with, in its sentence, an incident cue that is not part of an exercise."""
        sentences = all_sentences(doc)
        advice_headline = bool(cues_by_value("incident_cues")["not_event_headline"].search(headline(doc)))
        for span in active(doc.spans.get(SPAN_KEYS["victims"], [])):
            if advice_headline and (
                is_bare_kind(span) or (span._.ie_rule or "").startswith("victims.anaphor")
            ):
                continue  # « lance une sauvegarde pour les PME » … « les PME étant touchées »: a class
            if "headline_slug" in (span._.ie_rule or "") and self.incident.search(fold(text_of(doc))):
                return True  # the headline says what happened to it; the body confirms an attack
            n = sentence_index(span)
            # the victim's sentence, or the one before (« Une cyberattaque a eu lieu jeudi. Elle touche X. »);
            # for a group that received a message, its paragraph (« ... ont reçu un SMS : « Votre carte
            # est prête » ... Il s'agit d'hameçonnage. »)
            scopes = [text_of(doc)[slice(*sentences[k])] for k in (n, n - 1) if 0 <= k < len(sentences)]
            if span._.ie_kind == "group":
                scopes.append(paragraph_of(doc, span.start_char))
            for sentence in map(fold, scopes):
                if self.trend.search(sentence):
                    continue  # « la multiplication des cyberattaques contre les hôpitaux ces dernières années »
                if self.incident.search(sentence) and not self.exercise.search(sentence):
                    return True
        return False


def active(spans) -> list[Span]:
    """The spans the record keeps: not denied, not an exercise, not hypothetical."""
    return [span for span in spans if span._.ie_status in ACTIVE_STATUSES]


def drop_dates_taken_for_names(doc: Doc) -> None:
    """« Fin mai » opening a line is a capitalised run, hence a victim candidate, and a date: a date
    is never a victim."""
    dates = {
        (s.start_char, s.end_char) for key in ("dates", "counts") for s in doc.spans.get(SPAN_KEYS[key], [])
    }
    for key in ("victims", "candidates"):
        if key_spans := doc.spans.get(SPAN_KEYS[key]):
            doc.spans[SPAN_KEYS[key]] = [s for s in key_spans if (s.start_char, s.end_char) not in dates]


def is_bare_kind(span: Span) -> bool:
    """A victim that is only a generic organisation noun of the vocabulary (« PME », « entreprises »)."""
    return any(
        term.label_ == "organisations"
        and term.id_ == "org.generique"
        and (term.start, term.end) == (span.start, span.end)
        for term in span.doc.spans.get(SPAN_KEYS["terms"], [])
    )
