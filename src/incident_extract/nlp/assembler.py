"""Component ``incident_extract_assembler``: span groups of the earlier components -> pydantic incidents.

It runs last and only maps: the terms were filtered by their context (:mod:`.terms`), the statuses
set (assertion), the incident decided and the salient victim added (:mod:`.decision`), the places
found (:mod:`.locations`), the sectors told (:mod:`.sectors`). Here each span becomes an item with its evidence sentence and the rule
that produced it; denied items go to ``denied``; victim aliases (acronyms, short names) are linked;
an earlier incident named in a comparison gets a record of its own. Name rules: ``rules/names.yaml``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from spacy.tokens import Doc, Span

from .. import models
from ..rules_io import fold, load_vocabulary
from .cues import cues_by_entry
from .decision import ACTIVE_STATUSES
from .extensions import SPAN_KEYS, guarded
from .names import distinct_victims, is_salient, victim_name
from .regex_rules import load_regex_rules
from .rule_component import RuleComponent
from .sentences import sentence_bounds, sentence_of, text_of
from .terms import FILTERED_FIELDS, longest_terms
from .victims import VictimFinder, proper_run, victim_rules


class Assembler(RuleComponent):
    """Sets ``doc._.ie_incidents`` (the main incident first) and ``doc._.ie_is_incident``."""

    rule_files = ("names", "date_roles", *FILTERED_FIELDS, *VictimFinder.rule_files)

    factory_name = "incident_extract_assembler"

    def load_rules(self, rules: str) -> None:
        self.vocabularies = {field: load_vocabulary(field, rules) for field in FILTERED_FIELDS}
        self.comparison = next(
            cue[2] for cue in cues_by_entry("date_roles", rules) if cue[0] == "role.comparison"
        )
        self.version = load_regex_rules("names", rules).pattern("version")
        self.complement_links = load_regex_rules("names", rules).words("complement_links")
        self.victim_lexicon = victim_rules(rules)  # how a name runs, and the stop names

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        self.ensure_initialized()
        incidents = _IncidentBuilder(doc, self).build() if doc._.ie_incident_rule is not None else []
        doc._.ie_is_incident = bool(incidents)
        doc._.ie_incidents = incidents
        return doc


class _IncidentBuilder:
    """Builds one article's incidents; a class only to share the doc and its denied items."""

    def __init__(self, doc: Doc, assembler: Assembler) -> None:
        self.doc = doc
        self.assembler = assembler
        self.denied: list[models.DeniedItem] = []
        self.terms = longest_terms(doc)

    # -- helpers -------------------------------------------------------------------------
    def evidence(self, span: Span) -> models.Evidence:
        """The sentence stating the fact, cut at line breaks around the span."""
        text = text_of(self.doc)
        sent_start, sent_end = sentence_of(span)
        start = max(sent_start, text.rfind("\n", 0, span.start_char) + 1)
        newline = text.find("\n", span.end_char)
        end = min(sent_end, newline if newline != -1 else len(text))
        if end < span.end_char:
            end = span.end_char
        while start < span.start_char and text[start].isspace():
            start += 1
        while end > span.end_char and text[end - 1].isspace():
            end -= 1
        return models.Evidence(start=start, end=end, text=text[start:end])

    def active(self, spans: Iterable[Span], field: str, key=lambda s: s.id_) -> list[Span]:
        """Spans not denied; denied ones go to the audit list."""
        kept = []
        for span in spans:
            if span._.ie_status in ACTIVE_STATUSES:
                kept.append(span)
            elif span._.ie_status == "negated":
                self.denied.append(
                    models.DeniedItem(
                        field=field,
                        id=key(span),
                        name=span.text,
                        evidence=self.evidence(span),
                        rule=f"{self._rule(span)}|assertion.negated",
                    )
                )
        return kept

    def _rule(self, span: Span) -> str:
        return span._.ie_rule or f"{span.label_}.{span.id_}"

    def _status(self, span: Span) -> str:
        return span._.ie_status if span._.ie_status in ACTIVE_STATUSES else "confirmed"

    def value_of(self, field: str, span: Span) -> str:
        return self.assembler.vocabularies[field].entry(span.id_).value

    # -- fields --------------------------------------------------------------------------
    def build(self) -> list[models.Incident]:
        """The article's incidents, the main one first (see ``split_earlier_incidents``)."""
        victims = self.victims()
        attack_spans = self.specific_attacks(
            self.active(
                self.terms.get("attack_types", []),
                "attack_types",
                key=lambda s: self.value_of("attack_types", s),
            )
        )
        main = models.Incident(
            victims=victims,
            attack_types=self.vocabulary_items("attack_types", attack_spans, models.AttackTypeItem),
            systems=self.systems(),
            data_leaked=self.named_vocabulary_items("data_leaked", models.DataItem),
            authorities=self.authorities(victims),
            threat_actors=self.threat_actors(victims),
            responders=self.responders(victims),
            locations=self.locations(),
            sectors=self.sectors(),
            **self.dates(),
            people_affected=self.people_affected(),
            denied=self.denied,
        )
        return self.split_earlier_incidents(main)

    def split_earlier_incidents(self, main: models.Incident) -> list[models.Incident]:
        """« après l'hôpital de Corbeil-Essonnes en août », « X avait lui aussi été victime le 18 »:
        a victim named in a comparison sentence is another, earlier incident of its own, with the
        dates and attack types of that sentence. The article's main incident stays first."""
        keep: list[models.Victim] = []
        others: list[models.Incident] = []
        for position, victim in enumerate(main.victims):
            start, end = sentence_bounds(self.doc, victim.evidence.start)
            sentence = fold(text_of(self.doc)[start:end])
            if position == 0 or not self.assembler.comparison.search(sentence):
                keep.append(victim)
                continue

            def inside(items, start=start, end=end):
                return [item for item in items if start <= item.evidence.start < end]

            dates = inside(main.dates)
            attack = next((d for d in dates if d.value is not None), None)
            others.append(
                models.Incident(
                    victims=[victim],
                    attack_date=models.AttackDate(
                        value=attack.value,
                        text=attack.text,
                        evidence=attack.evidence,
                        rule=f"attack_date.earlier_incident|{attack.rule}",
                    )
                    if attack
                    else None,
                    dates=dates,
                    attack_types=inside(main.attack_types),
                    locations=inside(main.locations),
                )
            )
        if not others or not keep:
            return [main]
        return [main.model_copy(update={"victims": keep}), *others]

    def specific_attacks(self, spans: list[Span]) -> list[Span]:
        """Without the generic words (« piratage ») that yield to a type the article names."""
        vocabulary = self.assembler.vocabularies["attack_types"]
        named = {vocabulary.entry(span.id_).value for span in spans}
        return [span for span in spans if not named.intersection(vocabulary.entry(span.id_).yields_to)]

    def victims(self) -> list[models.Victim]:
        """One victim per name; the salient candidate (added by the decision) when none is named."""
        spans = self.active(self.doc.spans.get(SPAN_KEYS["victims"], []), "victims", key=lambda s: None)
        found = distinct_victims(spans, self.assembler.rules)
        if not found:
            found = [
                (s, victim_name(s, self.assembler.rules))
                for s in self.doc.spans.get(SPAN_KEYS["victims"], [])
                if is_salient(s)
            ][-1:]
        return [self.victim_model(span, name) for span, name in found]

    def victim_model(self, span: Span, name: str) -> models.Victim:
        return models.Victim(
            name=name,
            kind=span._.ie_kind or "organization",
            evidence=self.evidence(span),
            rule=self._rule(span),
            status=self._status(span),
        )

    def vocabulary_items(self, field: str, spans: list[Span], model, key: str = "id", name=None) -> list:
        """One item per vocabulary value, from its first mention; with ``name``, the words as
        written (a function can widen them: ``ARS`` -> ``ARS Bretagne``)."""
        items, seen = [], set()
        for span in spans:
            value = self.value_of(field, span)
            if value in seen:
                continue
            seen.add(value)
            named = {"name": name(span)} if name else {}
            rule = f"{field}.{span.id_}"
            items.append(
                model(
                    **{key: value},
                    **named,
                    evidence=self.evidence(span),
                    rule=rule,
                    status=self._status(span),
                )
            )
        return items

    def named_vocabulary_items(self, field: str, model, key: str = "id", name=lambda span: span.text) -> list:
        """The items of the active mentions of ``field``, with the words as written."""
        spans = self.active(self.terms.get(field, []), field, key=lambda s: self.value_of(field, s))
        return self.vocabulary_items(field, spans, model, key, name)

    def systems(self) -> list[models.SystemItem]:
        return self.named_vocabulary_items("systems", models.SystemItem, key="category")

    def authorities(self, victims: list[models.Victim]) -> list[models.AuthorityItem]:
        """The authorities involved; a body that may be hit (« ministère ») is none where a victim's
        name holds its words: the ministry hacked is the victim, not the authority."""
        named = [fold(v.name) for v in victims]
        vocabulary = self.assembler.vocabularies["authorities"]
        spans = [
            span
            for span in self.active(
                self.terms.get("authorities", []),
                "authorities",
                key=lambda s: self.value_of("authorities", s),
            )
            if not (vocabulary.entry(span.id_).may_be_victim and any(fold(span[0].text) in n for n in named))
        ]
        return self.vocabulary_items("authorities", spans, models.AuthorityItem, name=self._extend_name)

    def _extend_name(self, span: Span) -> str:
        """``ARS`` -> ``ARS Bretagne``, ``parquet`` -> ``parquet de Paris``."""
        doc = self.doc
        i = span.end
        if i < len(doc) and doc[i].lower_ in self.assembler.complement_links:
            end = proper_run(doc, i + 1, self.assembler.victim_lexicon)
            if end > i + 1:
                return doc[span.start : end].text
        end = proper_run(doc, i, self.assembler.victim_lexicon)
        return doc[span.start : end].text if end > i else span.text

    def threat_actors(self, victims: list[models.Victim]) -> list[models.NamedItem]:
        victim_names = {fold(v.name) for v in victims}
        found = [s for s in self.doc.spans.get(SPAN_KEYS["actors"], []) if s.label_ == "threat_actors"]
        spans = list(self.terms.get("threat_actors", [])) + found
        spans = self.active(sorted(spans, key=lambda s: s.start_char), "threat_actors", key=lambda s: None)
        items, seen = [], set()
        for span in spans:
            name = span.text
            version = self.assembler.version.match(text_of(self.doc)[span.end_char : span.end_char + 12])
            if version and span.label_ == "threat_actors" and not name.endswith(version.group(1)):
                name = text_of(self.doc)[span.start_char : span.end_char + version.end()].strip()
            key = fold(name)
            if key in seen or key in victim_names or key in self.assembler.victim_lexicon.stop_names:
                continue
            if any(key.startswith(s) or s.startswith(key) for s in seen):
                continue
            seen.add(key)
            rule = span._.ie_rule or f"threat_actors.{span.id_}"
            items.append(
                models.NamedItem(
                    name=name, evidence=self.evidence(span), rule=rule, status=self._status(span)
                )
            )
        return items

    def responders(self, victims: list[models.Victim]) -> list[models.NamedItem]:
        victim_names = [fold(v.name) for v in victims]
        found = [s for s in self.doc.spans.get(SPAN_KEYS["actors"], []) if s.label_ == "responders"]
        spans = self.active(
            sorted([*self.terms.get("responders", []), *found], key=lambda s: s.start_char),
            "responders",
            key=lambda s: None,
        )
        places = {fold(e.text) for e in self.doc.ents if e.label_ == "LOC"}
        actors = {fold(s.text) for s in self.terms.get("threat_actors", [])}
        items, seen = [], set()
        for span in spans:
            value = span.text if span._.ie_rule else self.value_of("responders", span)
            key = fold(value)
            if key in seen or any(key in v or v in key for v in victim_names):
                continue
            if span._.ie_rule and (
                key in places or key in actors or key in self.assembler.victim_lexicon.stop_names
            ):
                continue
            seen.add(key)
            items.append(
                models.NamedItem(
                    name=span.text,
                    evidence=self.evidence(span),
                    rule=span._.ie_rule or f"responders.{span.id_}",
                    status=self._status(span),
                )
            )
        return items

    def locations(self) -> list[models.NamedItem]:
        """The places the location finder kept, with the rule that kept each."""
        return [
            models.NamedItem(name=span.text, evidence=self.evidence(span), rule=span.id_)
            for span in self.doc.spans.get(SPAN_KEYS["locations"], [])
        ]

    def sectors(self) -> list[models.SectorItem]:
        """The sectors the sector finder kept, with the rule that kept each."""
        return [
            models.SectorItem(id=span.label_, evidence=self.evidence(span), rule=span.id_)
            for span in self.doc.spans.get(SPAN_KEYS["sectors"], [])
        ]

    def dates(self) -> dict:
        published: dt.date | None = self.doc._.ie_published
        spans = [s for s in self.doc.spans.get(SPAN_KEYS["dates"], []) if s._.ie_value is not None]
        spans = self.active(spans, "dates", key=lambda s: None)
        mentions = []
        for span in spans:
            value = dt.date.fromisoformat(span._.ie_value)
            role = span._.ie_kind or "other"
            if published is not None and value > published:
                continue
            mentions.append(
                models.DateMention(
                    role=role,
                    value=value,
                    text=span.text,
                    evidence=self.evidence(span),
                    rule=self._rule(span),
                    status=self._status(span),
                )
            )
        attack = None
        # the day it started or was first noticed: the earliest attack or discovery date (an attack is
        # not noticed before it starts); else the day the data leaked. The day the victim or the press
        # spoke (disclosure) is neither (spec): it stays in ``dates``. Other incidents' dates: « other ».
        for roles in (("attack", "discovery"), ("leak",)):
            candidates = sorted((m for m in mentions if m.role in roles), key=lambda m: m.value)
            if candidates:
                first = candidates[0]
                role = first.role
                attack = models.AttackDate(
                    value=first.value,
                    text=first.text,
                    evidence=first.evidence,
                    rule=f"attack_date.{role}|{first.rule}",
                    status=first.status,
                )
                break
        return {"attack_date": attack, "dates": mentions}

    def people_affected(self) -> models.PeopleAffected | None:
        spans = self.active(
            self.doc.spans.get(SPAN_KEYS["counts"], []), "people_affected", key=lambda s: None
        )
        for kind in ("affected",):
            for span in spans:
                if span._.ie_kind == kind:
                    return models.PeopleAffected(
                        value=span._.ie_value,
                        text=span.text,
                        evidence=self.evidence(span),
                        rule=self._rule(span),
                        status=self._status(span),
                    )
        return None
