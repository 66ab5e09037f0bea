"""Victims by salience: the organisation an incident article is about, when no role rule names it.

New wordings (« les usines de X à l'arrêt à cause d'un virus », « X : les données de clients en
vente ») defeat the role rules, yet the victim is plain to a reader: the name in the headline, the
one most often mentioned in the sentences about the attack. Such a victim is kept with
``status: possible`` and the rule ``victims.salience``, so an analyst sees its support is weaker.
Never a place, an authority, a responder, an attacker (the victims component excludes their tokens)
or the medium that reports the story. The cues that tell a medium or a place are the ``salience.*``
entries of ``rules/victim_cues.yaml``.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from spacy.tokens import Doc, Span

from ..rules_io import fold
from .cues import cues_by_value
from .extensions import SPAN_KEYS
from .framing import headline, headline_index, looks_like_furniture
from .regex_rules import load_regex_rules
from .sentences import all_sentences, sentence_index, sentence_text, text_of

HEADLINE_ONLY_RULES = ("victims.ner_per",)
MIN_SCORE = 3
SCORER_FILE = "victim_scorer.json"


def _cue(cue_id: str) -> tuple[re.Pattern, int | None]:
    """A cue of ``rules/victim_cues.yaml`` (``salience.*``) and its window, as shipped."""
    cues = load_regex_rules("victim_cues")
    return cues.pattern(cue_id), cues.cues[cue_id].window


def __getattr__(name: str) -> re.Pattern:
    """``PLACE_LEFT``, the « à Marigny » cue, for modules that import it (the assembler)."""
    if name == "PLACE_LEFT":
        return _cue("salience.place_before")[0]
    raise AttributeError(name)


def _key(span: Span) -> frozenset[str]:
    """The capitalised words of the name, folded (« entreprise Fleury Michon » -> fleury, michon)."""
    name = span._.ie_value or span.text
    proper = [w for w in re.findall(r"[\w'’-]+", name) if w[:1].isupper() or w.isupper()]
    words = " ".join(proper) if proper else name
    return frozenset(w for w in re.findall(r"[a-z0-9]{2,}", fold(words)))


def _without_place(span: Span) -> Span:
    """« l'entreprise X en Vendée » -> « l'entreprise X »: the place is not part of the name."""
    tail = _cue("salience.place_after")[0].search(span.text)
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
    if (
        rule.startswith("victims.anaphor")
        or _is_description(span)
        or looks_like_furniture(sentence_text(span))
    ):
        return False  # « Suivez notre direct · Activer les notifications »: a line of the page
    medium, window = _cue("salience.medium")
    left = fold(text_of(span.doc)[max(0, span.start_char - window) : span.start_char])
    return not medium.search(left)


def _is_description(span: Span) -> bool:
    """« Établissement d'hébergement pour personnes âgées » opening a sentence: a capital by position only."""
    sentence_start = span.sent.start if span.doc.has_annotation("SENT_START") else 0
    first_words = span.start - sentence_start <= 2
    return first_words and not span.text.isupper() and not any(t.text[:1].isupper() for t in span[1:])


def _place_keys(doc: Doc) -> set[frozenset[str]]:
    """Names written as places somewhere (« à Marigny », « en Moselle »): never the salient victim,
    unless an organisation noun is part of them (« hôpital de X »)."""
    keys = set()
    place, window = _cue("salience.place_before")
    of_unnamed, of_window = _cue("salience.place_of_unnamed")
    for span in doc.spans.get("ie_victim_candidates", []):
        is_place = (span._.ie_rule or "").startswith("victims.ner_loc") or any(
            e.label_ == "LOC" and e.start <= span.start and span.end <= e.end for e in doc.ents
        )
        left = fold(text_of(doc)[max(0, span.start_char - window) : span.start_char])
        if is_place and not span.id_.startswith("org.") and place.search(left):
            keys.add(_key(span))
        elif not span.id_.startswith("org.") and _after_unnamed_kind(span, of_unnamed, of_window):
            keys.add(_key(span))  # « un hôpital du Gers »: the place of an organisation left unnamed
    return keys


def _after_unnamed_kind(span: Span, cue: re.Pattern, window: int) -> bool:
    """« un hôpital du Gers », not « un salarié d'Optival »: the words the cue spans hold an
    organisation noun of the vocabulary."""
    start = max(0, span.start_char - window)
    match = cue.search(fold(text_of(span.doc)[start : span.start_char]))
    if match is None:
        return False
    kinds = (t for t in span.doc.spans.get(SPAN_KEYS["terms"], []) if t.label_ == "organisations")
    return any(start + match.start() <= t.start_char and t.end_char <= span.start_char for t in kinds)


def _in(key: frozenset[str], head: str) -> bool:
    return all(re.search(rf"(?<![a-z0-9]){re.escape(w)}(?![a-z0-9])", head) for w in key)


@dataclass
class Candidate:
    """One name the article may be about, all its mentions merged, with what the scorer reads."""

    span: Span  # the first mention: evidence and name
    in_head: bool = False
    head_says_incident: bool = False
    incident_mentions: int = 0
    other_mentions: int = 0
    head_kind: bool = False  # « un hôpital bascule en mode dégradé »: the headline names its kind
    near_mentions: int = 0  # of the other mentions, those next to an incident sentence
    spared: bool = False  # « …, qui n'est pas touché »: the text says it was not hit

    @property
    def hand_score(self) -> int:
        """Headline 3, its kind in an incident headline 2, each incident-sentence mention 2, each
        other mention 1 (2 next to an incident sentence)."""
        kind = self.head_kind and self.head_says_incident
        return (
            3 * self.in_head
            + 2 * kind
            + 2 * self.incident_mentions
            + self.other_mentions
            + self.near_mentions
        )

    @property
    def eligible(self) -> bool:
        """Named in an incident headline or in an incident sentence, or next to one when the
        incident headline names its kind; never one the text says was spared."""
        kind = self.head_kind and self.head_says_incident
        return not self.spared and (
            self.incident_mentions > 0
            or (self.in_head and self.head_says_incident)
            or (kind and self.near_mentions > 0)
        )

    def features(self) -> dict[str, float]:
        """What the learned scorer (``victim_scorer.json``) weighs."""
        rule = (self.span._.ie_rule or "").split("|")[-1]  # the candidate's own rule, not the salience
        first_sentence = sentence_index(self.span)
        return {
            "in_head": float(self.in_head),
            "head_says_incident": float(self.in_head and self.head_says_incident),
            "incident_mentions": min(self.incident_mentions, 5) / 5,
            "other_mentions": min(self.other_mentions, 5) / 5,
            "first_sentence": min(first_sentence, 10) / 10,
            "organisation_noun": float(self.span.id_.startswith("org.")),
            "head_kind": float(self.head_kind and self.head_says_incident),
            "near_mentions": min(self.near_mentions, 5) / 5,
            "ner_org": float(rule.startswith("victims.ner_org")),
            "ner_loc": float(rule.startswith("victims.ner_loc")),
            "ner_misc": float(rule.startswith("victims.ner_misc")),
            "ner_per": float(rule.startswith("victims.ner_per")),
            "proper_noun": float(rule.startswith("victims.proper_noun")),
            "all_capitals": float(self.span.text.isupper()),
            "words": min(len(self.span), 6) / 6,
        }


def attack_sentences(doc: Doc, attack_spans: list[Span] = ()) -> set[int]:
    """Sentences with an asserted attack type or an incident cue: the sentences about the attack."""
    incident = cues_by_value("incident_cues")["incident"]
    text = text_of(doc)
    return {sentence_index(span) for span in attack_spans} | {
        n for n, bounds in enumerate(all_sentences(doc)) if incident.search(fold(text[slice(*bounds)]))
    }


def candidates(doc: Doc, attack_spans: list[Span] = ()) -> list[Candidate]:
    """Every candidate name of the article, mentions merged by their capitalised words; places
    (« à Marigny »), media, anaphors and descriptions left out."""
    incident = cues_by_value("incident_cues")["incident"]
    incident_sentences = attack_sentences(doc, attack_spans)
    head = headline(doc)
    head_says_incident = bool(incident.search(head))
    found: dict[frozenset[str], Candidate] = {}
    places = _place_keys(doc)
    head_kinds = _kinds_in_sentence(doc, headline_index(doc))
    mentions: list[tuple[Span, frozenset[str]]] = []  # every mention kept so far, in text order
    for span in map(_without_place, doc.spans.get("ie_victim_candidates", [])):
        key = _key(span)
        if (span._.ie_rule or "").startswith("victims.anaphor"):
            _credit_anaphor(span, mentions, found, incident_sentences)
        if not key or key in places or not _is_candidate(span):
            continue
        key = next((k for k in found if key <= k or k <= key), key)
        if key not in found:
            if (span._.ie_rule or "").startswith(HEADLINE_ONLY_RULES) and not _in(key, head):
                continue
            in_head = _in(key, head)
            head_kind = not in_head and bool(_kinds_of(span) & head_kinds)
            found[key] = Candidate(span, in_head, head_says_incident, head_kind=head_kind)
        found[key].spared |= _is_spared(span)
        mentions.append((span, key))
        n = sentence_index(span)
        if n in incident_sentences:
            found[key].incident_mentions += 1
        else:
            found[key].other_mentions += 1
            found[key].near_mentions += bool({n - 1, n + 1} & incident_sentences)
    return list(found.values())


def _credit_anaphor(
    anaphor: Span, mentions: list[tuple[Span, frozenset[str]]], found: dict, incident_sentences: set[int]
) -> None:
    """« Le lycée Jules-Ferry … l'établissement a été attaqué »: an anaphor in an attack sentence
    counts for the last organisation named before it of its kind (any kind for « l'établissement »)."""
    if sentence_index(anaphor) not in incident_sentences:
        return
    generic = anaphor.id_ in load_regex_rules("names").words("generic_kinds")
    for span, key in reversed(mentions):
        kinds = _kinds_of(span)
        person = (span._.ie_rule or "").startswith("victims.ner_per")
        if (generic and not person) or anaphor.id_ in kinds:
            found[key].incident_mentions += 1
            return


def _is_spared(span: Span) -> bool:
    """« le centre hospitalier de X, qui n'est pas touché », « X a détecté une attaque contre un de ses
    sous-traitants »: this mention says it was not hit, or that another was."""
    text = text_of(span.doc)
    for cue_id in ("salience.spared", "salience.reports_on_others"):
        cue, window = _cue(cue_id)
        if cue.search(fold(text[span.end_char : span.end_char + (window or 60)])):
            return True
    return False


def _kinds_of(span: Span) -> set[str]:
    """The specific organisation kinds a name holds (« Centre hospitalier … des Deux-Rives »: org.sante)."""
    terms = span.doc.spans.get(SPAN_KEYS["terms"], [])
    kinds = {span.id_} if span.id_.startswith("org.") else set()
    kinds |= {
        t.id_ for t in terms if t.label_ == "organisations" and span.start <= t.start and t.end <= span.end
    }
    return kinds - set(load_regex_rules("names").words("generic_kinds"))


def _kinds_in_sentence(doc: Doc, n: int) -> set[str]:
    """The specific organisation kinds named in sentence ``n`` (the headline: « un hôpital »)."""
    terms = doc.spans.get(SPAN_KEYS["terms"], [])
    kinds = {t.id_ for t in terms if t.label_ == "organisations" and sentence_index(t) == n}
    return kinds - set(load_regex_rules("names").words("generic_kinds"))


@cache
def load_scorer(path: str | None = None) -> dict | None:
    """The learned weights (``make train-victims``), or None: then the hand score decides."""
    resource = Path(path) if path else Path(str(resources.files("incident_extract") / "nlp" / SCORER_FILE))
    if not resource.is_file():
        return None
    return json.loads(resource.read_text(encoding="utf-8"))


def probability(candidate: Candidate, scorer: dict) -> float:
    """Logistic regression over the candidate's features: a dot product, no library at run time."""
    features = candidate.features()
    z = scorer["intercept"] + sum(w * features[name] for name, w in scorer["weights"].items())
    return 1 / (1 + math.exp(-z))


SUBJECT_MIN = {"kind": 2, "name": 3}
"""The least hand score of the article's subject: a name with a specific organisation noun (« la
pharmacie du Marché ») once beside the attack; any other name in the headline or three times."""


def article_subject(doc: Doc, found: list[Candidate], attack_spans: list[Span] = ()) -> Candidate | None:
    """« Plus d'état civil en ligne à la mairie de Savenay » … « un rançongiciel a chiffré les
    serveurs »: the article is an incident report (the decision is taken), yet its victim is never
    named in an attack sentence. The organisation the article is about, by the hand score, is then
    the victim, kept ``possible``; never a place (a name the model tags as one, « Limoges », unless it
    holds an organisation noun), nor a class (« les collectivités du Grand Est »)."""
    hit_kinds = set().union(*(_kinds_in_sentence(doc, n) for n in attack_sentences(doc, attack_spans)))
    pool = [
        c
        for c in found
        # « Le groupe X fabrique des vannes. L'hôpital a été attaqué »: another kind was hit
        if (not hit_kinds or _kinds_of(c.span) & hit_kinds)
        and not c.spared
        and not _is_vocabulary_place(c.span)
        and not _is_plural(c.span)
        and (_kinds_of(c.span) or not (c.span._.ie_rule or "").startswith("victims.ner_loc"))
        and c.hand_score >= SUBJECT_MIN["kind" if _kinds_of(c.span) else "name"]
    ]
    return min(pool, key=lambda c: (-c.hand_score, c.span.start), default=None)


def _is_plural(span: Span) -> bool:
    """« collectivités du Grand Est »: a class of organisations, not one."""
    return "Plur" in span[0].morph.get("Number")


def _is_vocabulary_place(span: Span) -> bool:
    """The name is a place of ``rules/locations.yaml`` (a region, a territory, a city)."""
    terms = span.doc.spans.get(SPAN_KEYS["all_terms"], [])
    return any(t.label_ == "locations" and t.start <= span.start and span.end <= t.end for t in terms)


def salient_victim(doc: Doc, attack_spans: list[Span] = ()) -> Span | None:
    """The most salient eligible candidate: by the learned scorer when it is shipped (above its
    threshold), else by the hand score (at least ``MIN_SCORE``)."""
    found = candidates(doc, attack_spans)
    eligible = [c for c in found if c.eligible]
    scorer = load_scorer()
    if scorer is not None:
        scored = sorted(eligible, key=lambda c: (-probability(c, scorer), c.span.start))
        best = scored[0] if scored and probability(scored[0], scorer) >= scorer["threshold"] else None
        rule = "victims.salience.learned"
    else:
        scored = sorted(eligible, key=lambda c: (-c.hand_score, c.span.start))
        best = scored[0] if scored and scored[0].hand_score >= MIN_SCORE else None
        rule = "victims.salience"
    if best is None:
        best, rule = article_subject(doc, found, attack_spans), "victims.salience.subject"
    if best is None:
        return None
    victim = best.span
    victim._.ie_status = "possible"
    victim._.ie_rule = f"{rule}|{victim._.ie_rule}"
    return victim
