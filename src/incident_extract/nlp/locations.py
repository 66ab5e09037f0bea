"""Component ``incident_extract_locations``: places of the victims or of the impact.

The trained model's LOC entities, filtered: kept when inside a victim's name after « de »
(« mairie de Chaville ») or in a sentence about a victim or the incident; dropped when they
overlap an organisation, authority or attacker term, or look like a common noun or an acronym
the model mislabelled. A sentence that names a victim again gives the places written as such
(« à Menton »), and a place listed after a kept one (« à Menton, Èze et Antibes ») is kept with it.
Each place found is a span of ``doc.spans["ie_locations"]`` covering the name as the record writes
it, its ``id_`` the rule that kept it (``locations.victim_name``, ``locations.ner_loc`` or
``locations.listed``). The word lists and regexes are rule data: ``rules/locations.yaml``.

It runs after the incident decision: an article that reports no incident needs no places, and
where no role rule found the victim a place counts only where written as one (« à Caen »).
"""

from __future__ import annotations

import re
from bisect import bisect_right
from dataclasses import dataclass, field

from spacy.tokens import Doc, Span

from ..rules_io import fold
from .cues import cues_by_value
from .extensions import SPAN_KEYS, guarded
from .framing import lead_indices, looks_like_furniture
from .names import is_salient, name_tokens
from .regex_rules import load_regex_rules
from .rule_component import RuleComponent
from .salience import PLACE_LEFT
from .sentences import all_sentences, sentence_index, sentence_starts, sentence_text, text_of
from .terms import IMPACT_FIELDS

BLOCKING_FIELDS = ("organisations", "threat_actors", "authorities", "responders", "attack_types")
"""Terms a place cannot overlap: « Hospi Grand Ouest » is a name, « parquet » an authority."""
"""Terms that make their sentence one about the impact."""
LEDE_SENTENCES = 2
"""The headline and first sentences are about the incident."""
PLACE_LEFT_CHARS = 20


@dataclass
class ArticleFacts:
    """What the filters need to know of one article, derived once per doc (never kept on the component)."""

    doc: Doc
    victims: list[Span]
    victim_sentences: set[int] = field(default_factory=set)
    victim_names: list[str] = field(default_factory=list)
    blocked: set[int] = field(default_factory=set)  # token indices inside a blocking term
    authority_ends: set[int] = field(default_factory=set)
    kind_spans: dict[int, int] = field(default_factory=dict)  # organisation nouns: start -> end
    impact_sentences: set[int] = field(default_factory=set)
    seen: set[str] = field(default_factory=set)  # folded names already kept
    lede: set[int] = field(default_factory=set)  # the headline and first sentences past the page's furniture
    mention_sentences: set[int] = field(default_factory=set)  # the other sentences naming a victim
    last_place_end: int = -1  # where the last place kept ends (characters): the next may be listed with it

    @classmethod
    def of(cls, doc: Doc) -> ArticleFacts:
        victims = list(doc.spans.get(SPAN_KEYS["victims"], []))
        facts = cls(
            doc,
            victims,
            victim_sentences={sentence_index(v) for v in victims},
            lede=set(lead_indices(doc, LEDE_SENTENCES + 1)),
        )
        facts.victim_names = [
            fold(v._.ie_value or v.text)
            for v in victims
            if "ner_loc" not in (v._.ie_rule or "") or is_salient(v)
        ]
        text = text_of(doc)
        facts.mention_sentences = mention_sentences(doc, facts.victim_names) - facts.victim_sentences
        for span in doc.spans.get(SPAN_KEYS["all_terms"], []):
            if span.label_ == "organisations":
                if text[span.end_char : span.end_char + 1] == "-":
                    continue  # « Centre-Val de Loire » is a region, not a « centre »
                facts.kind_spans[span.start] = span.end
            if span.label_ in BLOCKING_FIELDS:
                facts.blocked.update(range(span.start, span.end))
            if span.label_ == "authorities":
                facts.authority_ends.add(span.end)
            if span.label_ in IMPACT_FIELDS:
                facts.impact_sentences.add(sentence_index(span))
        for span in doc.spans.get(SPAN_KEYS["actors"], []):  # « le collectif de pirates Montblanc »
            facts.blocked.update(range(span.start, span.end))
        return facts

    @property
    def kind_ends(self) -> set[int]:
        return set(self.kind_spans.values())


class LocationFinder(RuleComponent):
    """Writes ``doc.spans["ie_locations"]``: the places the record lists, in text order."""

    rule_files = ("locations", "incident_cues", "names")

    factory_name = "incident_extract_locations"

    def load_rules(self, rules: str) -> None:
        self.place_rules = load_regex_rules("locations", rules)
        self.words = {name: self.place_rules.words(name) for name in self.place_rules.lists}
        self.incident = cues_by_value("incident_cues", rules)["incident"]

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        self.ensure_initialized()
        places: list[Span] = []
        if doc._.ie_incident_rule is not None:  # no incident, no places to report
            facts = ArticleFacts.of(doc)
            for ent in doc.ents:
                place = self.place_of(ent, facts)
                if place is not None:
                    facts.seen.add(fold(place.text))
                    facts.last_place_end = place.end_char
                    places.append(place)
        doc.spans[SPAN_KEYS["locations"]] = places
        return doc

    def place_of(self, ent: Span, facts: ArticleFacts) -> Span | None:
        """The place an entity names, as a span of the name, or None."""
        if ent.label_ != "LOC":
            return None
        ent, after_de = self.proper_part(ent, facts)
        if ent is None or not self.may_be_place(ent, after_de, facts):
            return None
        name = self.without_article(ent)
        key = fold(name.text)
        if key in facts.seen or key in self.words["location_stop"] or "\n" in name.text:
            return None
        return self.place_in_context(ent, name, facts)

    def proper_part(self, ent: Span, facts: ArticleFacts) -> tuple[Span | None, bool]:
        """The proper name inside an entity that starts with an organisation noun, a filler or a
        geographic noun; True when it came after « de » (then it is a place by position)."""
        doc = ent.doc
        fillers = self.words["fillers"]
        if facts.kind_spans.get(ent.start, ent.end) < ent.end:
            # « région Guadeloupe », « hôpital de Cannes »: the place after the organisation noun
            start = facts.kind_spans[ent.start]
            while start < ent.end - 1 and doc[start].lower_ in fillers:
                start += 1
            return Span(doc, start, ent.end, label="LOC"), False
        if ent[0].is_lower and (ent[0].lower_ in fillers or ent[0].lower_ in self.words["geographic_nouns"]):
            # « de la Sarthe », « vallée de l'Ariège »: the proper name after the last « de »
            return self.town_after_de(ent, fillers, include_first=True), True
        if ent.start in facts.kind_ends:
            # « le groupe Hospi Grand Ouest » is a name; « centre Saint-Jean de Saint-Doulchard » ends with a town
            return self.town_after_de(ent), False
        return ent, False

    def may_be_place(self, ent: Span, after_de: bool, facts: ArticleFacts) -> bool:
        """Not a common noun, an acronym, a term's words, a person after a title or a medium."""
        if not (after_de or self.looks_like_place(ent)):
            return False
        if facts.blocked.intersection(range(ent.start, ent.end)) or ent.end in facts.kind_spans:
            return False  # « Bonlieu scène nationale »: a name, not a place
        text = text_of(ent.doc)
        for cue_id in ("person_title_before", "not_impact_before", "medium_before"):
            window = self.place_rules.cues[cue_id].window or ent.start_char
            before = fold(text[max(0, ent.start_char - window) : ent.start_char])
            if self.place_rules.pattern(cue_id).search(before):
                return False
        return True

    def without_article(self, ent: Span) -> Span:
        """« le Finistère » -> « Finistère »."""
        if len(ent) > 1 and ent[0].lower_ in self.words["leading_articles"]:
            return ent.doc[ent.start + 1 : ent.end]
        return ent

    def place_in_context(self, ent: Span, name: Span, facts: ArticleFacts) -> Span | None:
        """The place, if the victims and the sentence make it one of the impact (see the module)."""
        doc = ent.doc
        inside = [v for v in facts.victims if v.start <= ent.start < v.end or v.start < ent.end <= v.end]
        if ent.start - 1 in facts.authority_ends or ent.start - 2 in facts.authority_ends:
            return None  # « parquet de Paris », « ARS Bretagne »: where the authority sits, not the impact
        before = doc[ent.start - 1].lower_ if ent.start else ""
        after_kind = any(
            v.id_.startswith("org.")
            and v.start < ent.start
            and (before in self.words["kind_links"] or v._.ie_sector == "public_administration")
            for v in inside
        )
        if not inside and any(self.is_own_name(fold(ent.text), victim) for victim in facts.victim_names):
            return None  # « Akka » for « Akka Technologies », not « Gien » in « Faïencerie de Gien »
        if inside and all(_is_the_place(v, ent) for v in inside):
            inside = []  # « Parmi les villes touchées, il y a Angers »: the town hit is a place too
        if inside and not after_kind:
            # « centre d'oncologie Saint-Jean de Saint-Doulchard »: the town after the last « de »
            town = self.town_after_de(ent)
            if town is None or fold(town.text) in facts.seen:
                return (
                    None  # part of an organisation's own name (« Courrier de l'Ouest » is not a place here)
                )
            ent = name = town
        if not inside and self.victim_named_so(fold(name.text), facts):
            return None
        if self.listed_with_last_place(name, facts):
            return Span(doc, name.start, name.end, label="LOC", span_id="locations.listed")
        if not self.about_the_incident(ent, fold(name.text), bool(inside), facts):
            return None
        rule = "locations.victim_name" if inside else "locations.ner_loc"
        return Span(doc, name.start, name.end, label="LOC", span_id=rule)

    @staticmethod
    def victim_named_so(key: str, facts: ArticleFacts) -> bool:
        """« Akka » for « Akka Technologies »; « Weda », a victim the model took for a place."""
        return any(
            name.startswith(key + " ")
            or (name == key and ("ner_loc" not in (v._.ie_rule or "") or is_salient(v)))
            for v in facts.victims
            for name in (fold(v.text), fold(v._.ie_value or ""))
        )

    def about_the_incident(self, ent: Span, key: str, inside: bool, facts: ArticleFacts) -> bool:
        """A victim's own place, or a place in the lede, a victim's sentence or an impact sentence."""
        doc = ent.doc
        if self.incident.fullmatch(key):
            return False
        if inside:
            return True
        left = fold(text_of(doc)[max(0, ent.start_char - PLACE_LEFT_CHARS) : ent.start_char])
        n = sentence_index(ent)
        if n in facts.lede and self.is_dateline(ent):
            return True  # « Haguenau : … », « RENNES (AFP) - … »: the place the story is told from
        if n in facts.mention_sentences and PLACE_LEFT.search(left):
            return True  # « Le groupe Hôtels Azur, qui exploite trois hôtels à Nice »
        if doc._.ie_incident_rule != "incident.victim_cue" and not PLACE_LEFT.search(left):
            # no role rule read this article: a place is one only where written as one (« à Caen »),
            # or after « de » in the lede or the salient victim's sentence (« les sites de Moissac »)
            town_before = re.compile(self.place_rules.fragments["town_before"] + "$")
            return (n in facts.victim_sentences or n in facts.lede) and bool(town_before.search(left))
        return (
            n <= LEDE_SENTENCES
            or n in facts.lede
            or n in facts.victim_sentences
            or n in facts.impact_sentences
            or bool(self.incident.search(fold(sentence_text(ent))))
        )

    def listed_with_last_place(self, name: Span, facts: ArticleFacts) -> bool:
        """« à Papeete, Moorea et Bora-Bora »: only a comma or « et » since the place kept last."""
        if facts.last_place_end < 0 or name.start_char < facts.last_place_end:
            return False
        gap = fold(text_of(name.doc)[facts.last_place_end : name.start_char])
        return len(gap) <= PLACE_LEFT_CHARS and bool(self.place_rules.pattern("coordinated_after").match(gap))

    def is_dateline(self, ent: Span) -> bool:
        """The place opening its sentence, then a colon, a dash or the agency in parentheses."""
        text = text_of(ent.doc)
        start = all_sentences(ent.doc)[sentence_index(ent)][0]
        if text[start : ent.start_char].strip():
            return False
        after = text[ent.end_char : ent.end_char + 40]
        return bool(self.place_rules.pattern("dateline_after").match(after))

    def town_after_de(
        self, ent: Span, words: frozenset[str] | None = None, include_first: bool = False
    ) -> Span | None:
        """« Saint-Jean de Saint-Doulchard » -> « Saint-Doulchard »: the capitalised name after the last
        « de » (or another of ``words``; with ``include_first`` the entity's first word may be one)."""
        doc = ent.doc
        words = self.words["town_words"] if words is None else words
        for k in range(ent.end - 2, ent.start - (1 if include_first else 0), -1):
            if doc[k].lower_ in words and doc[k + 1].text[:1].isupper():
                return Span(doc, k + 1, ent.end, label="LOC")
        return None

    def looks_like_place(self, ent: Span) -> bool:
        """Reject the model's frequent LOC mistakes: common nouns, acronyms, lowercase words."""
        text = ent.text.strip()
        if len(text) < 2 or not text[:1].isupper() or looks_like_furniture(text):
            return False  # « Accueil > Santé »: a breadcrumb, not a place
        letters = [c for c in text if c.isalpha()]
        if all(c.isupper() for c in letters):
            return False  # HPL, TPC, AP-HM: organisations' acronyms; ABONNER: a page's button
        if self.place_rules.pattern("camel_case").search(text):
            return False  # LeMagIT, MediBoard: brands, not places
        doc = ent.doc
        in_parentheses = (
            ent.start > 0
            and ent.end < len(doc)
            and doc[ent.start - 1].text == "("
            and doc[ent.end].text == ")"
        )
        if (
            len(ent) == 1
            and (ent[0].pos_ in ("NOUN", "ADJ", "VERB") or ent[0].is_stop)
            and not in_parentheses
        ):
            return False  # « Préjudice », « Sports »: common nouns; « Beauvais (Oise) » names a département
        return ent.root.pos_ not in ("VERB",)

    def is_own_name(self, place: str, victim: str) -> bool:
        """The model's « place » is a word of the victim's own name, not its town after « de » / « à »."""
        if not name_tokens(place, self.rules) or not name_tokens(place, self.rules) <= name_tokens(
            victim, self.rules
        ):
            return False
        town_before = self.place_rules.fragments["town_before"]
        return not re.search(town_before + re.escape(place) + r"\b", victim)


MENTION_CHARS = 4
"""Shorter victim names (« SDIS ») are not looked for elsewhere in the text."""


def mention_sentences(doc: Doc, names: list[str]) -> set[int]:
    """The sentences that name a victim again (« Le groupe Hôtels Azur, qui exploite trois hôtels à
    Nice, … »), found in the folded text: a place there is the victim's as much as in its first one."""
    names = sorted({name for name in names if len(name) >= MENTION_CHARS})
    if not names:
        return set()
    pattern = re.compile(r"(?<!\w)(?:" + "|".join(map(re.escape, names)) + r")(?!\w)")
    starts = sentence_starts(doc)
    return {bisect_right(starts, found.start()) - 1 for found in pattern.finditer(fold(text_of(doc)))}


def _is_the_place(victim: Span, ent: Span) -> bool:
    """A victim that is exactly a place the model found (a town, a canton), not a name containing one."""
    same = (victim.start, victim.end) == (ent.start, ent.end)
    return same and "ner_loc" in (victim._.ie_rule or "") and not is_salient(victim)
