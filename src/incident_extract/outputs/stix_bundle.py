"""STIX 2.1 export: a bundle for threat-intelligence platforms (OpenCTI, MISP...).

One ``incident`` per incident, carrying the OASIS *Incident Core* extension
(``extension-definition--ef765651-680c-498d-9894-99799f2fa126``: determination,
investigation status, incident types, number of people affected); one ``identity`` per victim,
one ``threat-actor`` per named actor, and the relationships the extension lists: incident
``impacts`` identity, incident ``attributed-to`` threat-actor, plus threat-actor ``targets``
identity. The article is an external reference. Fields with no STIX home (dates, leaked data,
systems, authorities, places) are written into the incident's description, in French.

Export only: STIX does not keep evidence offsets, so records cannot be read back from it.
Ids are UUIDv5 of the article key and the names, so exporting again gives the same ids.
"""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from ..errors import MissingExtraError
from ..models import ArticleRecord, Incident, Victim
from ..store import atomic_writer
from .tables import article_key

if TYPE_CHECKING:
    import stix2

INCIDENT_CORE_EXTENSION = "extension-definition--ef765651-680c-498d-9894-99799f2fa126"
ID_NAMESPACE = uuid.UUID("61ce774d-d353-4aaf-867e-343dbf0bb00b")
"""Namespace of the UUIDv5 ids: the same article and names always give the same STIX ids."""

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
IDENTITY_CLASSES = {"organization": "organization", "person": "individual", "group": "group"}


def _stix2() -> Any:
    try:
        import stix2
    except ImportError as exc:
        raise MissingExtraError(
            "STIX export needs the stix2 package: pip install 'incident-extract[stix]'"
        ) from exc
    return stix2


class StixBundleBuilder:
    """Collects records, then builds one bundle; victims and actors named twice are merged."""

    def __init__(self, created: dt.datetime | None = None) -> None:
        self.stix2 = _stix2()
        self.created = created or dt.datetime.now(dt.UTC)
        self._incidents: dict[str, Any] = {}  # an article seen twice keeps its last version
        self._identities: dict[str, dict[str, Any]] = {}
        self._threat_actors: dict[str, str] = {}
        self._relationships: dict[str, Any] = {}

    def add(self, record: ArticleRecord) -> None:
        key = article_key(record)
        for index, incident in enumerate(record.incidents):
            incident_id = _stix_id("incident", f"{key}#{index}")
            victim_ids = [self._identity(victim, incident) for victim in incident.victims]
            self._incidents[incident_id] = self._incident(incident_id, record, key, index, incident)
            for victim, victim_id in zip(incident.victims, victim_ids, strict=True):
                self._relate(incident_id, "impacts", victim_id, victim.evidence.text)
            for actor in incident.threat_actors:
                actor_id = _stix_id("threat-actor", _folded(actor.name))
                self._threat_actors.setdefault(actor_id, actor.name)
                self._relate(incident_id, "attributed-to", actor_id, actor.evidence.text)
                for victim_id in victim_ids:
                    self._relate(actor_id, "targets", victim_id, actor.evidence.text)

    def bundle(self) -> stix2.Bundle:
        stix2 = self.stix2
        times = {"created": self.created, "modified": self.created}
        identities = [
            stix2.Identity(id=identity_id, **data, **times) for identity_id, data in self._identities.items()
        ]
        actors = [
            stix2.ThreatActor(id=actor_id, name=name, **times)
            for actor_id, name in self._threat_actors.items()
        ]
        return stix2.Bundle(
            *self._incidents.values(), *identities, *actors, *self._relationships.values(), allow_custom=False
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
        return self.stix2.Incident(
            id=incident_id,
            created=self.created,
            modified=self.created,
            name=_incident_name(record, incident),
            description=_description(record, key, index, incident),
            external_references=[_article_reference(record, key)],
            extensions={INCIDENT_CORE_EXTENSION: extension},
            **optional,
        )

    def _relate(self, source_id: str, kind: str, target_id: str, evidence: str) -> None:
        relationship_id = _stix_id("relationship", f"{source_id}|{kind}|{target_id}")
        if relationship_id not in self._relationships:
            self._relationships[relationship_id] = self.stix2.Relationship(
                id=relationship_id,
                source_ref=source_id,
                relationship_type=kind,
                target_ref=target_id,
                description=evidence,
                created=self.created,
                modified=self.created,
            )


def stix_bundle(records: Iterable[ArticleRecord], *, created: dt.datetime | None = None) -> stix2.Bundle:
    """All incidents of the records as one STIX 2.1 bundle."""
    builder = StixBundleBuilder(created)
    for record in records:
        builder.add(record)
    return builder.bundle()


def write_stix(
    records: Iterable[ArticleRecord], path: str | Path, *, created: dt.datetime | None = None
) -> Iterator[ArticleRecord]:
    """Collect records as they come (yielding each), then write the bundle atomically."""
    builder = StixBundleBuilder(created)  # fails now, not at the end, when stix2 is missing

    def collect() -> Iterator[ArticleRecord]:
        for record in records:
            builder.add(record)
            yield record
        bundle = builder.bundle()
        with atomic_writer(path) as handle:
            handle.write(bundle.serialize(pretty=True, ensure_ascii=False) + "\n")

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


def _article_reference(record: ArticleRecord, key: str) -> dict[str, str]:
    source = record.source
    reference = {
        "source_name": source.site or (urlsplit(source.url).hostname if source.url else None) or "article"
    }
    if source.url:
        reference["url"] = source.url
    else:
        reference["external_id"] = source.id or source.path or key
    if source.title:
        reference["description"] = source.title
    return reference
