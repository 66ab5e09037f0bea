"""Component ``incident_extract_assembler``: spans of the earlier components -> pydantic incidents.

Filters vocabulary matches by their context words, drops denied items into ``denied``,
links victim aliases (acronyms, short names), decides ``is_incident`` and orders everything
by first mention. Every item records the rule that produced it.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span

from .. import models
from ..rules_io import fold, load_vocabulary
from .cues import cue_regex, cues_by_entry, cues_by_value
from .extensions import SPAN_KEYS, guarded
from .incident import decide_from_text, framed_as_no_incident
from .salience import PLACE_LEFT, salient_victim
from .sentences import (
    all_sentences,
    paragraph_of,
    sentence_bounds,
    sentence_index,
    sentence_of,
    sentence_text,
    text_of,
)
from .victims import STOP_NAMES, _proper_run

LOCATION_STOP = {
    "france",
    "europe",
    "internet",
    "monde",
    "hexagone",
    "metropole",
    "outre-mer",
    "web",
    "dark web",
    "darkweb",
    "etat",
    "union europeenne",
    "cnil",
    "anssi",
    "ile",
}
VERSION = re.compile(r"^\s*(\d+(?:\.\d+)*|Black|Green|2\.0|3\.0)\b")
ARTICLE_PREFIX = re.compile(r"^(?:le|la|les|l['’]|du|des|de|d['’])\s*", re.IGNORECASE)
GENERIC_KIND_IDS = {"org.generique", "org.commerce"}
ACTIVE_STATUSES = ("confirmed", "possible", "claimed")
SECTOR_STATUSES = (*ACTIVE_STATUSES, "negated")
"""A sector word tells what the victim does, even in a denial: « sa production n'était pas affectée »."""
LIST_CONTEXT_FIELDS = ("data_leaked",)
BULLET = re.compile(r"\s*[-•*–—·▪]\s")
"""A line that is one item of a bulleted list."""
"""Fields whose items come in lists that may take their context from the sentence before; for
systems it made « accédez à nos articles sur l'application mobile » a system hit."""


class Assembler:
    def __init__(self, nlp: Language, name: str = "incident_extract_assembler") -> None:
        self.name = name
        self.vocabularies = {
            field: load_vocabulary(field)
            for field in (
                "attack_types",
                "systems",
                "data_leaked",
                "authorities",
                "threat_actors",
                "responders",
                "sectors",
                "organisations",
            )
        }
        self.context = {
            (field, entry.id): cue_regex(ctx, prefixes=True)
            for field, vocabulary in self.vocabularies.items()
            for entry in vocabulary.entries
            if (ctx := vocabulary.context_of(entry))
        }
        self.windows = {
            (field, entry.id): entry.context_window
            for field, vocabulary in self.vocabularies.items()
            for entry in vocabulary.entries
            if entry.context_window
        }
        self.not_followed = {
            (field, entry.id): cue_regex(entry.not_followed_by)
            for field, vocabulary in self.vocabularies.items()
            for entry in vocabulary.entries
            if entry.not_followed_by
        }
        self.not_preceded = {
            (field, entry.id): re.compile(
                r"(?:"
                + "|".join(re.escape(fold(t)).replace(r"\ ", r"\s+") for t in entry.not_preceded_by)
                + r")\s*$"
            )
            for field, vocabulary in self.vocabularies.items()
            for entry in vocabulary.entries
            if entry.not_preceded_by
        }
        self.incident_cues = cues_by_value("incident_cues")

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        _drop_dates_taken_for_names(doc)
        builder = _IncidentBuilder(doc, self)
        incidents = builder.build()
        doc._.ie_is_incident = bool(incidents)
        doc._.ie_incidents = incidents
        return doc

    def term_applies(self, doc: Doc, span: Span) -> bool:
        key = (span.label_, span.id_)
        context = self.context.get(key)
        window = self.windows.get(key)
        if window:
            start, end = sentence_of(span)
            scope = text_of(doc)[max(start, span.start_char - window) : min(end, span.end_char + window)]
        else:
            scope = sentence_text(span)
        if (
            context is not None
            and not context.search(fold(scope))
            and not self.previous_sentence_says(doc, span, context)
        ):
            return False
        after = self.not_followed.get(key)
        if after is not None:
            following = fold(text_of(doc)[span.end_char : span.end_char + 25]).lstrip()
            if after.match(following):
                return False
        before = self.not_preceded.get(key)
        preceding = fold(text_of(doc)[max(0, span.start_char - 30) : span.start_char])
        return before is None or not before.search(preceding)

    @staticmethod
    def previous_sentence_says(doc: Doc, span: Span, context: re.Pattern) -> bool:
        """« Les mots de passe ne sont pas concernés. Le sont en revanche les noms et prénoms »: the
        context of a list of data may be in the sentence before."""
        n = sentence_index(span)
        if n == 0 or span.label_ not in LIST_CONTEXT_FIELDS:
            return False
        sentences = all_sentences(doc)
        # a bulleted list (« Les données concernées : », then « - Date de naissance » on each line):
        # the context is the sentence that introduces the list, above every bullet
        while n > 1 and BULLET.match(text_of(doc)[slice(*sentences[n - 1])]):
            n -= 1
        previous = fold(text_of(doc)[slice(*sentences[n - 1])])
        return bool(context.search(previous))


class _IncidentBuilder:
    """Builds one article's incident; a class only to share the doc and its derived data."""

    def __init__(self, doc: Doc, assembler: Assembler) -> None:
        self.doc = doc
        self.a = assembler
        self.denied: list[models.DeniedItem] = []
        self.terms: dict[str, list[Span]] = {}
        for span in sorted(doc.spans.get(SPAN_KEYS["terms"], []), key=lambda s: s.start_char):
            if assembler.term_applies(doc, span):
                self.terms.setdefault(span.label_, []).append(span)
        for label, spans in self.terms.items():
            # « identité » inside « carte d'identité », « adresses » inside « adresses mail »: the
            # longest match of a field speaks for the words it covers
            self.terms[label] = [
                s
                for s in spans
                if not any(
                    o is not s
                    and o.start <= s.start
                    and s.end <= o.end
                    and (o.end - o.start) > (s.end - s.start)
                    for o in spans
                )
            ]

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
        return self.a.vocabularies[field].entry(span.id_).value

    # -- fields --------------------------------------------------------------------------
    def build(self) -> list[models.Incident]:
        """The article's incidents, the main one first (see ``split_earlier_incidents``)."""
        victims = self.victims()
        attack_spans = self.active(
            self.terms.get("attack_types", []), "attack_types", key=lambda s: self.value_of("attack_types", s)
        )
        rule = self.incident_rule(victims, attack_spans)
        if rule is None:
            return []
        self.doc._.ie_incident_rule = rule
        if not victims and (salient := salient_victim(self.doc, attack_spans)) is not None:
            self.doc.spans[SPAN_KEYS["victims"]] = [*self.doc.spans.get(SPAN_KEYS["victims"], []), salient]
            victims = [self.victim_model(salient, self.victim_name(salient))]
        main = models.Incident(
            victims=victims,
            attack_types=self.vocabulary_items("attack_types", attack_spans, models.AttackTypeItem),
            systems=self.systems(),
            data_leaked=self.named_vocabulary_items("data_leaked", models.DataItem),
            authorities=self.authorities(),
            threat_actors=self.threat_actors(victims),
            responders=self.responders(victims),
            locations=self.locations(),
            sectors=self.sectors(victims),
            **self.dates(),
            people_affected=self.people_affected(),
            denied=self.denied,
        )
        return self.split_earlier_incidents(main)

    def split_earlier_incidents(self, main: models.Incident) -> list[models.Incident]:
        """« après l'hôpital de Corbeil-Essonnes en août », « X avait lui aussi été victime le 18 »:
        a victim named in a comparison sentence is another, earlier incident of its own, with the
        dates and attack types of that sentence. The article's main incident stays first."""
        comparison = next(cue[2] for cue in cues_by_entry("date_roles") if cue[0] == "role.comparison")
        keep: list[models.Victim] = []
        others: list[models.Incident] = []
        for position, victim in enumerate(main.victims):
            start, end = sentence_bounds(self.doc, victim.evidence.start)
            sentence = fold(text_of(self.doc)[start:end])
            if position == 0 or not comparison.search(sentence):
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

    def incident_rule(self, victims: list[models.Victim], attack_spans: list[Span]) -> str | None:
        """The rule that makes this article an incident report, or None (see :mod:`.incident`)."""
        if framed_as_no_incident(self.doc):
            return None
        if victims and self.victim_has_incident_cue():
            return "incident.victim_cue"
        return decide_from_text(self.doc, attack_spans)

    def victim_has_incident_cue(self) -> bool:
        """A victim with, in its sentence, an incident cue that is not part of an exercise."""
        exercise = cues_by_value("assertion")["exercise"]
        incident = self.a.incident_cues["incident"]
        sentences = all_sentences(self.doc)
        for span in self.doc.spans.get(SPAN_KEYS["victims"], []):
            if span._.ie_status not in ACTIVE_STATUSES:
                continue
            if "headline_slug" in (span._.ie_rule or "") and incident.search(fold(text_of(self.doc))):
                return True  # the headline says what happened to it; the body confirms an attack
            n = sentence_index(span)
            # the victim's sentence, or the one before (« Une cyberattaque a eu lieu jeudi. Elle touche X. »);
            # for a group that received a message, its paragraph (« ... ont reçu un SMS : « Votre carte
            # est prête » ... Il s'agit d'hameçonnage. »)
            scopes = [text_of(self.doc)[slice(*sentences[k])] for k in (n, n - 1) if 0 <= k < len(sentences)]
            if span._.ie_kind == "group":
                scopes.append(paragraph_of(self.doc, span.start_char))
            for sentence in map(fold, scopes):
                if incident.search(sentence) and not exercise.search(sentence):
                    return True
        return False

    def victims(self) -> list[models.Victim]:
        spans = self.active(self.doc.spans.get(SPAN_KEYS["victims"], []), "victims", key=lambda s: None)
        spans = [s for s in spans if s._.ie_status != "exercise"]
        out: list[models.Victim] = []
        seen: list[tuple[set[str], str]] = []
        for span in spans:
            name = self.victim_name(span)
            if not name or fold(name) in STOP_NAMES:
                continue
            tokens = _name_tokens(name)
            acronym = _acronym(name)
            if any(_same_victim(tokens, name, other_tokens, other_name) for other_tokens, other_name in seen):
                continue
            seen.append((tokens, name))
            if acronym:
                seen.append(({fold(acronym)}, acronym))
            out.append(self.victim_model(span, name))
        return out

    def victim_model(self, span: Span, name: str) -> models.Victim:
        return models.Victim(
            name=name,
            kind=span._.ie_kind or "organization",
            evidence=self.evidence(span),
            rule=self._rule(span),
            status=self._status(span),
        )

    def victim_name(self, span: Span) -> str:
        if span._.ie_value:  # the fuller name written first
            return ARTICLE_PREFIX.sub("", span._.ie_value.strip())
        text = span.text.strip()
        if span.id_ in GENERIC_KIND_IDS:
            # « le groupe cosmétique français Nuxe » -> « Nuxe »: a generic noun and its adjectives are
            # not part of the name; « l'enseigne de prêt-à-porter Lin & Coton » keeps the whole phrase
            proper = next((t for t in span[1:] if t.text[:1].isupper()), None)
            between = self.doc[span.start + 1 : proper.i] if proper is not None else None
            if proper is not None and all(t.pos_ in ("ADJ", "") and t.is_lower for t in between):
                text = self.doc[proper.i : span.end].text
        return ARTICLE_PREFIX.sub("", text) if text[:1].islower() else text

    def vocabulary_items(self, field: str, spans: list[Span], model) -> list:
        items, seen = [], set()
        for span in spans:
            value = self.value_of(field, span)
            if value in seen:
                continue
            seen.add(value)
            items.append(
                model(
                    id=value,
                    evidence=self.evidence(span),
                    rule=f"{field}.{span.id_}",
                    status=self._status(span),
                )
            )
        return items

    def named_vocabulary_items(self, field: str, model, key: str = "id", name=None) -> list:
        """One item per vocabulary value, from its first active mention, with the words as written
        (``name`` can widen them: ``ARS`` -> ``ARS Bretagne``)."""
        spans = self.active(self.terms.get(field, []), field, key=lambda s: self.value_of(field, s))
        items, seen = [], set()
        for span in spans:
            value = self.value_of(field, span)
            if value in seen:
                continue
            seen.add(value)
            items.append(
                model(
                    **{key: value},
                    name=name(span) if name else span.text,
                    evidence=self.evidence(span),
                    rule=f"{field}.{span.id_}",
                    status=self._status(span),
                )
            )
        return items

    def systems(self) -> list[models.SystemItem]:
        return self.named_vocabulary_items("systems", models.SystemItem, key="category")

    def authorities(self) -> list[models.AuthorityItem]:
        return self.named_vocabulary_items("authorities", models.AuthorityItem, name=self._extend_name)

    def _extend_name(self, span: Span) -> str:
        """``ARS`` -> ``ARS Bretagne``, ``parquet`` -> ``parquet de Paris``."""
        doc = self.doc
        i = span.end
        if i < len(doc) and doc[i].lower_ in ("de", "du", "d'", "d’"):
            end = _proper_run(doc, i + 1)
            if end > i + 1:
                return doc[span.start : end].text
        end = _proper_run(doc, i)
        return doc[span.start : end].text if end > i else span.text

    def threat_actors(self, victims: list[models.Victim]) -> list[models.NamedItem]:
        victim_names = {fold(v.name) for v in victims}
        found = [s for s in self.doc.spans.get(SPAN_KEYS["actors"], []) if s.label_ == "threat_actors"]
        spans = list(self.terms.get("threat_actors", [])) + found
        spans = self.active(sorted(spans, key=lambda s: s.start_char), "threat_actors", key=lambda s: None)
        items, seen = [], set()
        for span in spans:
            name = span.text
            version = VERSION.match(text_of(self.doc)[span.end_char : span.end_char + 12])
            if version and span.label_ == "threat_actors" and not name.endswith(version.group(1)):
                name = text_of(self.doc)[span.start_char : span.end_char + version.end()].strip()
            key = fold(name)
            if key in seen or key in victim_names or key in STOP_NAMES:
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
            if span._.ie_rule and (key in places or key in actors or key in STOP_NAMES):
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
        """Places of the victims or of the impact: the model's LOC entities, filtered.

        Kept when inside a victim's name after « de » (``mairie de Chaville``) or in a sentence
        about a victim or the incident; dropped when they overlap an organisation, authority or
        attacker term, or look like a common noun or an acronym the model mislabelled.
        """
        victim_spans = list(self.doc.spans.get(SPAN_KEYS["victims"], []))
        victim_sents = {sentence_index(v) for v in victim_spans}
        text = text_of(self.doc)
        blocked = set()
        authority_ends = set()
        kind_spans: dict[int, int] = {}  # organisation nouns: start -> end
        impact_sents = set()
        for span in self.doc.spans.get(SPAN_KEYS["terms"], []):
            if span.label_ == "organisations":
                if text[span.end_char : span.end_char + 1] == "-":
                    continue  # « Centre-Val de Loire » is a region, not a « centre »
                kind_spans[span.start] = span.end
            if span.label_ in ("organisations", "threat_actors", "authorities", "responders", "attack_types"):
                blocked.update(range(span.start, span.end))
            if span.label_ == "authorities":
                authority_ends.add(span.end)
            if span.label_ in ("systems", "attack_types", "data_leaked"):
                impact_sents.add(sentence_index(span))
        kind_ends = set(kind_spans.values())
        victim_names = [
            fold(v._.ie_value or v.text)
            for v in victim_spans
            if "ner_loc" not in (v._.ie_rule or "") or _salient(v)
        ]
        items, seen = [], set()
        for ent in self.doc.ents:
            after_de = False  # the capitalised name after « de la » in an entity the model called a place
            if ent.label_ == "LOC" and kind_spans.get(ent.start, ent.end) < ent.end:
                # « région Guadeloupe », « hôpital de Cannes »: the place after the organisation noun
                start = kind_spans[ent.start]
                while start < ent.end - 1 and self.doc[start].lower_ in FILLERS:
                    start += 1
                ent = Span(self.doc, start, ent.end, label="LOC")
            elif (
                ent.label_ == "LOC"
                and ent[0].is_lower
                and (ent[0].lower_ in FILLERS or ent[0].lower_ in GEOGRAPHIC_NOUNS)
            ):
                # « de la Sarthe », « vallée de l'Ariège »: the proper name after the last « de »
                name = _town_after_de(ent, FILLERS, include_first=True)
                if name is None:
                    continue
                ent = name
                after_de = True
            elif ent.label_ == "LOC" and ent.start in kind_ends:
                # « le groupe Hospi Grand Ouest » is a name; « centre Saint-Jean de Saint-Doulchard » ends with a town
                town = _town_after_de(ent)
                if town is None:
                    continue
                ent = town
            if (
                ent.label_ != "LOC"
                or not (after_de or _looks_like_place(ent))
                or blocked.intersection(range(ent.start, ent.end))
                or ent.end in kind_spans  # « Bonlieu scène nationale »: a name, not a place
                or PERSON_TITLE_BEFORE.search(fold(text[max(0, ent.start_char - 60) : ent.start_char]))
                or NOT_IMPACT_BEFORE.search(fold(text[max(0, ent.start_char - 30) : ent.start_char]))
                or MEDIUM_BEFORE.search(fold(text[max(0, ent.start_char - 40) : ent.start_char]))
            ):
                continue
            name = (
                ARTICLE_PREFIX.sub("", ent.text.strip())
                if ent[0].lower_ in ("le", "l'", "l’")
                else ent.text.strip()
            )
            key = fold(name)
            if key in seen or key in LOCATION_STOP or "\n" in name:
                continue
            inside = [v for v in victim_spans if v.start <= ent.start < v.end or v.start < ent.end <= v.end]
            if ent.start - 1 in authority_ends or ent.start - 2 in authority_ends:
                continue  # « parquet de Paris », « ARS Bretagne »: where the authority sits, not the impact
            before = self.doc[ent.start - 1].lower_ if ent.start else ""
            after_kind = any(
                v.id_.startswith("org.")
                and v.start < ent.start
                and (before in ("de", "du", "d'", "d’", "des") or v._.ie_sector == "public_administration")
                for v in inside
            )
            if not inside and any(_is_own_name(fold(ent.text), name) for name in victim_names):
                continue  # « Akka » for « Akka Technologies », not « Gien » in « Faïencerie de Gien »
            if inside and all(_is_the_place(v, ent) for v in inside):
                inside = []  # « Parmi les villes touchées, il y a Angers »: the town hit is a place too
            if inside and not after_kind:
                # « centre d'oncologie Saint-Jean de Saint-Doulchard »: the town after the last « de »
                town = _town_after_de(ent)
                if town is None:
                    continue  # part of an organisation's own name (« Courrier de l'Ouest » is not a place here)
                ent = town
                name = ent.text.strip()
                key = fold(name)
                if key in seen:
                    continue
            if not inside and any(
                name.startswith(key + " ")
                or (name == key and ("ner_loc" not in (v._.ie_rule or "") or _salient(v)))
                for v in victim_spans
                for name in (fold(v.text), fold(v._.ie_value or ""))
            ):
                continue  # « Akka » for « Akka Technologies »; « Weda », a victim the model took for a place
            if self.a.incident_cues["incident"].fullmatch(key):
                continue
            if (
                not inside
                and self.doc._.ie_incident_rule != "incident.victim_cue"
                and not PLACE_LEFT.search(fold(text[max(0, ent.start_char - 20) : ent.start_char]))
            ):
                continue  # no role rule read this article: a place is one only where written as one (« à Caen »)
            sentence = fold(sentence_text(ent))
            in_lede = sentence_index(ent) <= 2  # headline and first sentences are about the incident
            if not (
                inside
                or in_lede
                or sentence_index(ent) in victim_sents
                or sentence_index(ent) in impact_sents
                or self.a.incident_cues["incident"].search(sentence)
            ):
                continue
            seen.add(key)
            rule = "locations.victim_name" if inside else "locations.ner_loc"
            items.append(models.NamedItem(name=name, evidence=self.evidence(ent), rule=rule))
        return items

    def sectors(self, victims: list[models.Victim]) -> list[models.SectorItem]:
        items, seen = [], set()
        kinds = [t for t in self.doc.spans.get(SPAN_KEYS["terms"], []) if t.label_ == "organisations"]
        for span in self.doc.spans.get(SPAN_KEYS["victims"], []):
            sector = span._.ie_sector or next(  # an organisation noun inside a name the model found
                (
                    value
                    for t in kinds
                    if span.start <= t.start
                    and t.end <= span.end
                    and (value := self.value_of("organisations", t)) != "none"
                ),
                None,
            )
            if sector and sector not in seen and span._.ie_status in ACTIVE_STATUSES:
                seen.add(sector)
                items.append(
                    models.SectorItem(
                        id=sector, evidence=self.evidence(span), rule=f"sectors.from_victim.{span.id_}"
                    )
                )
        # a victim without a telling noun (« le groupe X ») takes the sector words of its sentence or
        # the next one (« ... paralysant la distribution pharmaceutique »)
        near_victims = set()
        for span in self.doc.spans.get(SPAN_KEYS["victims"], []):
            if span._.ie_status in ACTIVE_STATUSES and not span._.ie_sector:
                near_victims.update((sentence_index(span), sentence_index(span) + 1))
        for span in self.terms.get("sectors", []):
            if sentence_index(span) not in near_victims or span._.ie_status not in SECTOR_STATUSES:
                continue
            value = self.value_of(span.label_, span)
            if value in ("none",) or value in seen:
                continue
            seen.add(value)
            items.append(
                models.SectorItem(
                    id=value, evidence=self.evidence(span), rule=f"sectors.{span.label_}.{span.id_}"
                )
            )
        return items or self.sector_fallback()

    def sector_fallback(self) -> list[models.SectorItem]:
        """Every incident has a sector: when no victim tells it, the first organisation noun or sector
        word of the headline, lead or an incident sentence (« des pharmacies », « le transporteur »)."""
        incident = self.a.incident_cues["incident"]
        for span in sorted(self.doc.spans.get(SPAN_KEYS["terms"], []), key=lambda s: s.start):
            if span.label_ not in ("organisations", "sectors") or span._.ie_status not in SECTOR_STATUSES:
                continue
            if sentence_index(span) > 3 and not incident.search(fold(sentence_text(span))):
                continue
            if span.label_ == "sectors" and not self.a.term_applies(self.doc, span):
                continue
            value = self.value_of(span.label_, span)
            if value != "none":
                rule = f"sectors.fallback.{span.label_}.{span.id_}"
                return [models.SectorItem(id=value, evidence=self.evidence(span), rule=rule)]
        return []  # no « other » by default: on articles no rule saw it cost more than it gave

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


# « le maire de la commune, Damas Teuira, »: a person the model took for a place
PERSON_TITLE_BEFORE = re.compile(
    r"\b(?:maire|president|presidente|directeur|directrice|adjointe?|deputee?|senat(?:eur|rice)|prefete?|"
    r"procureure?|porte-parole|dirigeante?|fondat(?:eur|rice)|pdg|ceo|gerante?|responsable|avocate?|"
    r"expert|experte|chercheur|chercheuse|journaliste)\b[^,.;]{0,40},\s*$"
)
# « la guerre en Ukraine », « en soutien à l'Ukraine »: the backdrop, not where the impact is
NOT_IMPACT_BEFORE = re.compile(
    r"(?:guerre|conflit|invasion|offensive\s+militaire|soutien|solidarite)\s+(?:en|au|aux|a|de|du|contre)?\s*(?:l'|la|le)?\s*$"
)
# « au micro de France Bleu Paris », « a indiqué à Ouest-France »: the medium, not a place
MEDIUM_BEFORE = re.compile(
    r"(?:micro|antenne|colonnes|selon|d'apres|aupres|par|a\s+indique|a\s+declare|a\s+explique|a\s+confie|"
    r"a\s+precise)\s+(?:de\s+|d'|du\s+|a\s+|au\s+)?(?:la\s+|l')?$"
)
CAMEL_CASE = re.compile(r"[a-zà-ÿ][A-ZÀ-Ý]")


GEOGRAPHIC_NOUNS = {
    "vallée",
    "région",
    "département",
    "canton",
    "pays",
    "île",
    "côte",
    "massif",
    "plaine",
    "bassin",
    "sud",
    "nord",
    "est",
    "ouest",
    "centre",
}
FILLERS = ("de", "du", "des", "d'", "d’", "la", "l'", "l’")


def _town_after_de(ent: Span, words=("de", "d'", "d’"), include_first: bool = False) -> Span | None:
    """« Saint-Jean de Saint-Doulchard » -> « Saint-Doulchard »: the capitalised name after the last
    « de » (or another of ``words``; with ``include_first`` the entity's first word may be one)."""
    doc = ent.doc
    for k in range(ent.end - 2, ent.start - (1 if include_first else 0), -1):
        if doc[k].lower_ in words and doc[k + 1].text[:1].isupper():
            return Span(doc, k + 1, ent.end, label="LOC")
    return None


def _is_the_place(victim: Span, ent: Span) -> bool:
    """A victim that is exactly a place the model found (a town, a canton), not a name containing one."""
    same = (victim.start, victim.end) == (ent.start, ent.end)
    return same and "ner_loc" in (victim._.ie_rule or "") and not _salient(victim)


def _drop_dates_taken_for_names(doc: Doc) -> None:
    """« Fin mai » opening a line is a capitalised run, hence a victim candidate, and a date. spaCy keys
    a span's ``._`` values by its offsets, so the date component's rule and role overwrote the
    candidate's: a date is never a victim, and leaving it would give a victim of kind « attack »."""
    dates = {
        (s.start_char, s.end_char) for key in ("dates", "counts") for s in doc.spans.get(SPAN_KEYS[key], [])
    }
    for key in ("victims", "candidates"):
        if key_spans := doc.spans.get(SPAN_KEYS[key]):
            doc.spans[SPAN_KEYS[key]] = [s for s in key_spans if (s.start_char, s.end_char) not in dates]


def _salient(victim: Span) -> bool:
    """A victim chosen by salience: an organisation, even where the model saw a place."""
    return (victim._.ie_rule or "").startswith("victims.salience")


def _is_own_name(place: str, victim: str) -> bool:
    """The model's « place » is a word of the victim's own name, not its town after « de » / « à »."""
    if not _name_tokens(place) or not _name_tokens(place) <= _name_tokens(victim):
        return False
    return not re.search(
        r"(?:\bde|\bdu|\bdes|d'|\ba|\bau|\ben)\s+(?:la\s+|l')?" + re.escape(place) + r"\b", victim
    )


def _looks_like_place(ent: Span) -> bool:
    """Reject the model's frequent LOC mistakes: common nouns, acronyms, lowercase words."""
    text = ent.text.strip()
    if len(text) < 2 or not text[:1].isupper():
        return False
    letters = [c for c in text if c.isalpha()]
    if all(c.isupper() for c in letters):
        return False  # HPL, TPC, AP-HM: organisations' acronyms; ABONNER: a page's button
    if CAMEL_CASE.search(text):
        return False  # LeMagIT, MediBoard: brands, not places
    doc = ent.doc
    in_parentheses = (
        ent.start > 0 and ent.end < len(doc) and doc[ent.start - 1].text == "(" and doc[ent.end].text == ")"
    )
    if len(ent) == 1 and (ent[0].pos_ in ("NOUN", "ADJ", "VERB") or ent[0].is_stop) and not in_parentheses:
        return False  # « Préjudice », « Sports »: common nouns; « Beauvais (Oise) » names a département
    return ent.root.pos_ not in ("VERB",)


def _name_tokens(name: str) -> set[str]:
    return {t for t in fold(name).replace("-", " ").split() if len(t) > 2 and t not in {"les", "des", "aux"}}


def _acronym(name: str) -> str | None:
    m = re.search(r"\(([A-Z][A-Z0-9&-]{1,9})\)", name)
    return m.group(1) if m else None


def _same_victim(tokens: set[str], name: str, other_tokens: set[str], other_name: str) -> bool:
    if fold(name) == fold(other_name):
        return True
    if tokens and other_tokens and (tokens <= other_tokens):
        return True
    initials = "".join(w[0] for w in re.findall(r"[A-Za-zÀ-ÿ]+", other_name) if w[0].isupper())
    return name.isupper() and len(name) >= 2 and name == initials
