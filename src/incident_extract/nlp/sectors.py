"""Component ``incident_extract_sectors``: what the victims do (health, local government, retail...).

A victim's organisation noun tells its sector (« la clinique » : santé); a victim without a telling
noun (« le groupe X ») takes the sector words of its sentence or the next one (« ... paralysant la
distribution pharmaceutique »); when no victim tells it, the first organisation noun or sector
word of the headline, the lead or an incident sentence. Each sector is a span of
``doc.spans["ie_sectors"]``: its label the sector id, its ``id_`` the rule, its offsets those of
the words that tell it. Runs after the incident decision (the salient victim is a victim too).
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from ..rules_io import fold, load_vocabulary
from .cues import cues_by_value
from .decision import ACTIVE_STATUSES
from .extensions import SPAN_KEYS, guarded
from .framing import headline_index, is_furniture, lead_indices
from .rule_component import RuleComponent
from .sentences import sentence_index, sentence_text
from .terms import longest_terms

SECTOR_STATUSES = (*ACTIVE_STATUSES, "negated")
"""A sector word tells what the victim does, even in a denial: « sa production n'était pas affectée »."""
NO_SECTOR = "none"
"""The value of an organisation noun that tells no sector (« la structure »)."""
FALLBACK_SENTENCES = 3
"""The headline and lead sentences, where the fallback reads any organisation noun or sector word."""


class SectorFinder(RuleComponent):
    """Writes ``doc.spans["ie_sectors"]``: one span per sector, the first that tells it."""

    rule_files = ("organisations", "sectors", "incident_cues")

    factory_name = "incident_extract_sectors"

    def load_rules(self, rules: str) -> None:
        self.vocabularies = {field: load_vocabulary(field, rules) for field in ("organisations", "sectors")}
        self.incident = cues_by_value("incident_cues", rules)["incident"]

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        self.ensure_initialized()
        found: list[Span] = []
        if doc._.ie_incident_rule is not None:  # no incident, no sector to report
            found = self.from_victims(doc) or self.fallback(doc)
        doc.spans[SPAN_KEYS["sectors"]] = found
        return doc

    def value_of(self, span: Span) -> str:
        return self.vocabularies[span.label_].entry(span.id_).value

    def from_victims(self, doc: Doc) -> list[Span]:
        """The sectors of the victims' nouns, then the sector words next to a victim without one."""
        found, seen = [], set()
        kinds = [t for t in doc.spans.get(SPAN_KEYS["terms"], []) if t.label_ == "organisations"]
        victims = doc.spans.get(SPAN_KEYS["victims"], [])
        for span in victims:
            sector = span._.ie_sector or next(  # an organisation noun inside a name the model found
                (
                    value
                    for t in kinds
                    if span.start <= t.start
                    and t.end <= span.end
                    and (value := self.value_of(t)) != NO_SECTOR
                ),
                None,
            )
            if sector and sector not in seen and span._.ie_status in ACTIVE_STATUSES:
                seen.add(sector)
                found.append(
                    Span(doc, span.start, span.end, label=sector, span_id=f"sectors.from_victim.{span.id_}")
                )
        own, next_ones = set(), set()
        for span in victims:
            if span._.ie_status in ACTIVE_STATUSES and not span._.ie_sector:
                own.add(sentence_index(span))
                next_ones.add(sentence_index(span) + 1)
        for span in longest_terms(doc).get("sectors", []):
            if any(t.start <= span.start and span.end <= t.end for t in kinds):
                continue  # « Chambre de commerce et d'industrie »: words of an organisation's noun
            n = sentence_index(span)
            # the victim's sentence, or the next one when it still speaks of the attack
            near = n in own or (n in next_ones and self.incident.search(fold(sentence_text(span))))
            if not near or span._.ie_status not in SECTOR_STATUSES:
                continue
            value = self.value_of(span)
            if value != NO_SECTOR and value not in seen:
                seen.add(value)
                found.append(
                    Span(doc, span.start, span.end, label=value, span_id=f"sectors.sectors.{span.id_}")
                )
        return found

    def fallback(self, doc: Doc) -> list[Span]:
        """Every incident has a sector: when no victim tells it, the first organisation noun or sector
        word of the headline, lead or an incident sentence (« des pharmacies », « le transporteur »),
        never of the page's lines before or around the story (the medium's name)."""
        lede = set(lead_indices(doc, FALLBACK_SENTENCES + 1))
        first = headline_index(doc)
        for span in sorted(doc.spans.get(SPAN_KEYS["terms"], []), key=lambda s: s.start):
            if span.label_ not in ("organisations", "sectors") or span._.ie_status not in SECTOR_STATUSES:
                continue
            n, sentence = sentence_index(span), sentence_text(span)
            if n < first or is_furniture(sentence):
                continue  # « Corse Info Matin › Bastia »: the medium's name on a line of the page
            if n not in lede and not self.incident.search(fold(sentence)):
                continue
            value = self.value_of(span)
            if value != NO_SECTOR:
                rule = f"sectors.fallback.{span.label_}.{span.id_}"
                return [Span(doc, span.start, span.end, label=value, span_id=rule)]
        return []  # no « other » by default: on articles no rule saw it cost more than it gave
