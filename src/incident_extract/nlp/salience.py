"""Victims by salience: the organisation an incident article is about, when no role rule names it.

New wordings (« les usines de X à l'arrêt à cause d'un virus », « X : les données de clients en
vente ») defeat the role rules, yet the victim is plain to a reader: the name in the headline, the
one most often mentioned in the sentences about the attack. Such a victim is kept with
``status: possible`` and the rule ``victims.salience``, so an analyst sees its support is weaker.
Never a place, an authority, a responder, an attacker (the victims component excludes their tokens)
or the medium that reports the story.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from ..rules_io import fold
from .cues import cues_by_value
from .framing import headline
from .sentences import all_sentences, sentence_index, text_of

MEDIUM_LEFT = re.compile(
    r"(?:selon|d'apres|confreres?\s+(?:de|du|d')|journal|quotidien|site|radio|chaine|magazine|"
    r"(?:affirme|indique|explique|confie|declare|raconte|precise|annonce|rapporte)\s+(?:[\w'-]+\s+){0,4}?a|"
    r"interroge\s+par|contacte\s+par|aupres\s+(?:de|du|d'))\s*(?:la\s+|le\s+|l')?$"
)
PLACE_LEFT = re.compile(r"(?<![\w-])(?:a|au|aux|en|dans|pres\s+de|vers)\s*(?:la\s+|l')?$")
HEADLINE_ONLY_RULES = ("victims.ner_per",)
MIN_SCORE = 3


PLACE_TAIL = re.compile(r"\s+(?:en|à|au|aux|dans)\s+\S.*$", re.DOTALL)


def _key(span: Span) -> frozenset[str]:
    """The capitalised words of the name, folded (« entreprise Fleury Michon » -> fleury, michon)."""
    name = span._.ie_value or span.text
    proper = [w for w in re.findall(r"[\w'’-]+", name) if w[:1].isupper() or w.isupper()]
    words = " ".join(proper) if proper else name
    return frozenset(w for w in re.findall(r"[a-z0-9]{2,}", fold(words)))


def _without_place(span: Span) -> Span:
    """« l'entreprise X en Vendée » -> « l'entreprise X »: the place is not part of the name."""
    tail = PLACE_TAIL.search(span.text)
    if tail is None or span._.ie_value:
        return span
    trimmed = span.doc.char_span(span.start_char, span.start_char + tail.start(), alignment_mode="contract")
    if trimmed is None or not len(trimmed):
        return span
    copy = Span(span.doc, trimmed.start, trimmed.end, label=span.label_, span_id=span.id_)
    for name in ("ie_rule", "ie_sector", "ie_kind"):
        setattr(copy._, name, getattr(span._, name))
    return copy


def _is_candidate(span: Span) -> bool:
    """Not an anaphor, not the medium, and not a place (« à Marigny », « en Vendée »): the model
    tags many organisations as places (« le Grand Palais »), so a place is told by its preposition."""
    rule = span._.ie_rule or ""
    if rule.startswith("victims.anaphor") or _is_description(span):
        return False
    left = fold(text_of(span.doc)[max(0, span.start_char - 60) : span.start_char])
    return not MEDIUM_LEFT.search(left)


def _is_description(span: Span) -> bool:
    """« Établissement d'hébergement pour personnes âgées » opening a sentence: a capital by position only."""
    sentence_start = span.sent.start if span.doc.has_annotation("SENT_START") else 0
    first_words = span.start - sentence_start <= 2
    return first_words and not span.text.isupper() and not any(t.text[:1].isupper() for t in span[1:])


def _place_keys(doc: Doc) -> set[frozenset[str]]:
    """Names written as places somewhere (« à Marigny », « en Moselle »): never the salient victim,
    unless an organisation noun is part of them (« hôpital de X »)."""
    keys = set()
    for span in doc.spans.get("ie_victim_candidates", []):
        is_place = (span._.ie_rule or "").startswith("victims.ner_loc") or any(
            e.label_ == "LOC" and e.start <= span.start and span.end <= e.end for e in doc.ents
        )
        left = fold(text_of(doc)[max(0, span.start_char - 20) : span.start_char])
        if is_place and not span.id_.startswith("org.") and PLACE_LEFT.search(left):
            keys.add(_key(span))
    return keys


def _in(key: frozenset[str], head: str) -> bool:
    return all(re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", head) for w in key)


def salient_victim(doc: Doc, attack_spans: list[Span] = ()) -> Span | None:
    """The candidate name with the most weight: headline (3), each incident sentence it is in (2),
    each other mention (1); named in an incident headline or sentence, and ``MIN_SCORE`` in all.
    An incident sentence has an incident word or an attack type the article asserts."""
    incident = cues_by_value("incident_cues")["incident"]
    text = text_of(doc)
    incident_sentences = {sentence_index(span) for span in attack_spans} | {
        n for n, bounds in enumerate(all_sentences(doc)) if incident.search(fold(text[slice(*bounds)]))
    }
    head = headline(doc)
    scores: dict[frozenset[str], int] = {}
    first: dict[frozenset[str], Span] = {}
    in_incident: set[frozenset[str]] = set()
    places = _place_keys(doc)
    for span in map(_without_place, doc.spans.get("ie_victim_candidates", [])):
        key = _key(span)
        if not key or key in places or not _is_candidate(span):
            continue
        key = next((k for k in first if key <= k or k <= key), key)
        if key not in first:
            if (span._.ie_rule or "").startswith(HEADLINE_ONLY_RULES) and not _in(key, head):
                continue
            first[key] = span
            scores[key] = 3 * _in(key, head)
            if scores[key] and incident.search(head):
                in_incident.add(key)
        if sentence_index(span) in incident_sentences:
            scores[key] += 2
            in_incident.add(key)
        else:
            scores[key] += 1
    ranked = sorted(in_incident, key=lambda k: (-scores[k], first[k].start))
    if not ranked or scores[ranked[0]] < MIN_SCORE:
        return None
    victim = first[ranked[0]]
    victim._.ie_status = "possible"
    victim._.ie_rule = f"victims.salience|{victim._.ie_rule}"
    return victim
