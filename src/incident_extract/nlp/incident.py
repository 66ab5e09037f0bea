"""The document-level incident decision: does this article report an actual cyber incident?

A role rule that names a victim is the strongest evidence, but most articles the rules were not
written for say what happened in their headline or lead (« X visé par une cyberattaque », a ransom
demand, a claim by a group, services down after a piratage) in wordings no role rule knows. So the
decision reads the article as a whole, in this order:

1. framing vetoes the article (an exercise or a demonstration, an old trial, statistics, sea or
   broadcast piracy, a sports report « hacké » in quotes, the
   review of a fiction, an outage ruled not an attack):
   no incident;
2. a victim with an incident word in its sentence: ``incident.victim_cue``;
3. the headline (title or URL slug) names an incident and the headline or lead says it happened
   (an ``event`` cue of ``rules/incident_cues.yaml``), with an attack type the article asserts:
   ``incident.headline``; a headline of advice, law, product or prevention needs rule 2, unless a
   lead sentence dates the attack as a fact;
4. a lead sentence with an incident word or an asserted attack type and an event cue, not
   hypothetical (cue ``incident.hypothetical`` of ``rules/victim_cues.yaml``): ``incident.lead``;
5. a sentence of the body with an asserted attack type and an event cue, dated or just after a
   dated one: ``incident.body``; an attack type beside a complaint or an investigation:
   ``incident.complaint``;
6. the article asserts an attack type and tells, anywhere, a complaint, a CNIL notification or a
   report to the ANSSI as a past fact (cue ``reported``): ``incident.reported``.

A known attacker group counts as an incident word, and « attaque » alone does in a headline that
says what happened when the article asserts an attack type.

The victim is then found by its role, or by salience (:mod:`.salience`) when no role rule fired.
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from ..rules_io import fold
from .cues import cues_by_value
from .extensions import SPAN_KEYS
from .framing import (
    framed_as_exercise,
    framed_as_fiction,
    framed_as_old_trial,
    framed_as_ruled_out,
    framed_as_statistics,
    headline,
    headline_index,
    lead_indices,
    lead_sentences,
    quoted_metaphor,
)
from .regex_rules import load_regex_rules
from .sentences import all_sentences, sentence_index, text_of
from .terms import longest_terms


def framed_as_no_incident(doc: Doc) -> bool:
    """Exercise, trial of an earlier attack, statistics, another sense of « pirate », a fiction, an
    outage that was no attack: nothing in the article is an incident."""
    return (
        framed_as_exercise(doc)
        or framed_as_fiction(doc)
        or framed_as_ruled_out(doc)
        or framed_as_old_trial(doc)
        or framed_as_statistics(doc)
        or framed_as_other_sense(doc)
    )


def framed_as_other_sense(doc: Doc) -> bool:
    """« Des pirates abordent un pétrolier », « la chasse au piratage des matchs »: the headline or
    lead speaks of sea piracy, pirated broadcasts, a kidnapping or a sports match « hacké » in quotes,
    and no word of the lead is
    unambiguously cyber (« cyberattaque », « rançongiciel », « données personnelles »)."""
    cues = cues_by_value("incident_cues")
    lead = " ".join([headline(doc), *lead_sentences(doc)])
    other = cues["other_sense"].search(lead) or quoted_metaphor(doc)
    return bool(other) and not cues["cyber_sense"].search(lead)


def decide_from_text(doc: Doc, attack_spans: list[Span]) -> str | None:
    """Rules 3 and 4 of the module docstring: the rule id, or None."""
    cues = cues_by_value("incident_cues")
    incident, event = cues["incident"], cues["event"]
    head = headline(doc)
    lead = lead_sentences(doc)
    if cues["not_event_headline"].search(head) and not dated_lead_event(doc, lead):
        return None  # advice, law, product, prevention
    attackers = attacker_sentences(doc)
    cyber = any(cues["cyber_sense"].search(s) for s in [head, *lead])
    if not attack_spans and not attackers and not cyber:
        return None  # no attack type asserted, no attacker, nothing unambiguously cyber
    hypothetical = load_regex_rules("victim_cues").pattern("incident.hypothetical")
    named = incident.search(head) or headline_index(doc) in attackers
    if named and (event.search(head) or any(_asserts(event, hypothetical, s) for s in lead[1:])):
        return "incident.headline"
    if attack_spans and cues["attack_word"].search(head) and event.search(head):
        return "incident.headline"  # « le réseau X paralysé, l'exploitant confirme une attaque »
    if (
        not attackers.intersection(lead_indices(doc))
        and not cyber
        and not any(map(incident.search, [head, *lead]))
    ):
        # « des voitures volées »: an attack word in another sense, nothing cyber in the lead; only a
        # dated attack further down can still tell the incident
        return body_rule(doc, attack_spans, attackers)
    attack_sentences = {sentence_index(span) for span in attack_spans}
    for n, sentence in zip(lead_indices(doc), lead, strict=True):
        said = incident.search(sentence) or n in attack_sentences | attackers  # « un virus dans le système »
        if said and event.search(sentence) and not hypothetical.search(sentence):
            return "incident.lead"
    return body_rule(doc, attack_spans, attackers)


def dated_lead_event(doc: Doc, lead: list[str]) -> bool:
    """« La préfecture met en garde contre des courriels » over « Mardi 18 mars, elle indique que la
    boîte d'un agent a été piratée »: a headline of warning, training or a forum may still top a real
    incident, when a lead sentence after it dates the attack as a fact (an incident word, an event
    cue, a date). Advice tells no dated attack of its own."""
    cues = cues_by_value("incident_cues")
    hypothetical = load_regex_rules("victim_cues").pattern("incident.hypothetical")
    dated = {sentence_index(span) for span in doc.spans.get(SPAN_KEYS["dates"], [])}
    return any(
        n in dated and cues["incident"].search(sentence) and _asserts(cues["event"], hypothetical, sentence)
        for n, sentence in list(zip(lead_indices(doc), lead, strict=True))[1:]
    )


def _asserts(event, hypothetical, sentence: str) -> bool:
    """An event told as a fact: not hypothetical, not a question (« Les PME sont-elles visées ? »)."""
    return (
        bool(event.search(sentence))
        and not hypothetical.search(sentence)
        and not sentence.rstrip().endswith("?")
    )


BODY_SENTENCES = 12
"""How far into the article the body rule reads: the incident may be told after some context."""


def body_rule(doc: Doc, attack_spans: list[Span], attackers: set[int]) -> str | None:
    """Rule 5: « Des vendanges compliquées au château X » and, a few paragraphs down, « Le 12
    septembre, un logiciel malveillant a bloqué les ordinateurs »: a sentence of the body with an
    asserted attack type (or a known attacker) and an event cue, not hypothetical, says the attack
    happened when it or the sentence before is dated (« Depuis dimanche, X fonctionne sans
    informatique. Un rançongiciel a chiffré ses serveurs. »): statistics and advice tell no date.
    A complaint or an investigation next to the attack type (« L'entreprise a déposé plainte.
    L'enquête est ouverte pour escroquerie ») is a fact of its own: ``incident.complaint``; told
    anywhere, with an attack type asserted somewhere, so is a complaint or a notification to the
    CNIL (« La clinique a notifié la CNIL »): ``incident.reported``."""
    cues = cues_by_value("incident_cues")
    hypothetical = load_regex_rules("victim_cues").pattern("incident.hypothetical")
    body = lead_indices(doc, BODY_SENTENCES)
    said = {sentence_index(span) for span in attack_spans} | attackers
    dated = {sentence_index(span) for span in doc.spans.get(SPAN_KEYS["dates"], [])}
    text, sentences = text_of(doc), all_sentences(doc)

    def folded(n: int) -> str:
        return fold(text[slice(*sentences[n])]) if 0 <= n < len(sentences) else ""

    for n in body:
        sentence = folded(n)
        if n in said and {n, n - 1} & dated and _asserts(cues["event"], hypothetical, sentence):
            return "incident.body"
    for n in sorted(said):  # the complaint is often told last
        if not hypothetical.search(folded(n)) and any(
            cues["complaint"].search(folded(k)) for k in (n, n - 1)
        ):
            return "incident.complaint"
    if said and any(
        (cues["reported"].search(sentence) or cues["complaint"].search(sentence))
        and not hypothetical.search(sentence)
        and "?" not in sentence
        for sentence in map(folded, range(len(sentences)))
    ):
        return "incident.reported"
    return None


def attacker_sentences(doc: Doc) -> set[int]:
    """Sentences naming an attacker group of the vocabulary (« Rhysida publie les données RH de X »):
    a ransomware gang or hacktivist group is an incident word of its own."""
    spans = longest_terms(doc).get("threat_actors", [])
    return {
        sentence_index(span) for span in spans if span._.ie_status in ("confirmed", "possible", "claimed")
    }
