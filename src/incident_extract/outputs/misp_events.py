"""MISP export: one MISP event per incident, built with pymisp, for a CERT's MISP instance.

Each event carries the victims (``target-org``, or ``text`` for persons and groups), the places
(``target-location``), the attack and other dates (``datetime``), the threat actors
(``threat-actor``), the article's URL (``link``), the leaked data, systems, authorities and
number of people affected (``text``/``counter``, with French labels), each with the sentence
it came from as its comment. Tags: the TLP level (``tlp:clear`` by default) and the MISP galaxy
clusters the names are known in (sector, threat actor, ransomware family), looked up in the
galaxies pymispgalaxies ships, so nothing is fetched at run time.

The file is ``{"response": [{"Event": ...}, ...]}``, the shape of MISP's own search results,
which MISP imports. Event UUIDs are UUIDv5 of the article key and incident index: exporting
again updates the same events. Export only, like STIX.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid
from collections.abc import Iterable, Iterator
from functools import cache
from importlib import resources
from pathlib import Path
from typing import Any

from ..errors import MissingExtraError
from ..labels import label
from ..models import ArticleRecord, Incident
from ..store import atomic_writer
from .stix_bundle import DEFAULT_TLP, check_tlp
from .tables import article_key

ID_NAMESPACE = uuid.UUID("2f0f8a52-0d6c-4c1e-9d59-6f6ad1d0e4a7")
MISP_SECTORS = {
    "health": "Health",
    "insurance": "Insurance",
    "finance": "Finance",
    "public_administration": "Government, Administration",
    "education": "Education",
    "research": "Research - Innovation",
    "industry": "Industrial",
    "retail": "Retail",
    "transport": "Transport",
    "energy": "Energy",
    "telecom": "Telecoms",
    "media": "News - Media",
    "defense": "Defense",
    "legal": "Legal",
    "other": "Other",
}
"""Our sectors -> values of MISP's ``sector`` galaxy."""
_VERSION_SUFFIX = re.compile(r"\s*(?:v?\d+(?:\.\d+)*|black|red|green)$", re.IGNORECASE)
"""``LockBit 3.0``, ``LockBit Black``: the family is the name without its version."""


def _pymisp() -> Any:
    try:
        import pymisp
    except ImportError as exc:
        raise MissingExtraError("MISP export needs pymisp: pip install 'incident-extract[misp]'") from exc
    return pymisp


@cache
def galaxy_names(galaxy: str) -> dict[str, str]:
    """Folded value or synonym -> cluster value, for one galaxy of pymispgalaxies (loaded alone:
    loading every galaxy takes seconds)."""
    try:
        data = resources.files("pymispgalaxies").joinpath(f"data/misp-galaxy/clusters/{galaxy}.json")
        clusters = json.loads(data.read_text(encoding="utf-8"))
    except (ImportError, FileNotFoundError) as exc:
        raise MissingExtraError(
            "MISP export needs pymispgalaxies: pip install 'incident-extract[misp]'"
        ) from exc
    names: dict[str, str] = {}
    for value in clusters["values"]:
        for name in [value["value"], *value.get("meta", {}).get("synonyms", [])]:
            names.setdefault(_folded(name), value["value"])
    return names


def galaxy_cluster(galaxy: str, name: str) -> str | None:
    """The cluster value ``name`` is known by in ``galaxy`` (without a version suffix if need be)."""
    names = galaxy_names(galaxy)
    folded = _folded(name)
    while folded:
        if folded in names:
            return names[folded]
        shorter = _VERSION_SUFFIX.sub("", folded)
        if shorter == folded:
            return None
        folded = shorter
    return None


def galaxy_tag(galaxy: str, value: str) -> str:
    return f'misp-galaxy:{galaxy}="{value}"'


class MispEventBuilder:
    """Builds the MISP events of records, one per incident."""

    def __init__(self, *, tlp: str = DEFAULT_TLP) -> None:
        self.pymisp = _pymisp()
        self.tlp_tag = f"tlp:{check_tlp(tlp)}"
        galaxy_names("sector")  # fails now, not at the end, when pymispgalaxies is missing

    def events(self, record: ArticleRecord) -> list[Any]:
        key = article_key(record)
        return [self._event(record, key, index, incident) for index, incident in enumerate(record.incidents)]

    def _event(self, record: ArticleRecord, key: str, index: int, incident: Incident) -> Any:
        event = self.pymisp.MISPEvent()
        event.uuid = str(uuid.uuid5(ID_NAMESPACE, f"{key}#{index}"))
        event.info = _event_info(record, incident)
        event.date = (
            incident.attack_date.value if incident.attack_date else record.source.published or dt.date.today()
        )
        event.threat_level_id = 4  # undefined: the press does not say how severe it is for you
        event.analysis = 2  # completed: the record is what the article says
        event.add_tag(self.tlp_tag)
        for tag in _galaxy_tags(incident):
            event.add_tag(tag)
        self._attributes(event, record, incident)
        return event

    def _attributes(self, event: Any, record: ArticleRecord, incident: Incident) -> None:
        def add(kind: str, value: object, comment: str, category: str | None = None) -> None:
            extra = {"category": category} if category else {}
            comment = _comment(comment)
            # stable UUIDs, so that importing a new export again updates rather than duplicates
            attribute_id = uuid.uuid5(uuid.UUID(event.uuid), f"{kind}|{value}|{comment}")
            event.add_attribute(
                kind, str(value), comment=comment, to_ids=False, uuid=str(attribute_id), **extra
            )

        if record.source.url:
            add("link", record.source.url, record.source.title or "article")
        for victim in incident.victims:
            kind = "target-org" if victim.kind == "organization" else "target-external"
            add(kind, victim.name, f"victime ({label('status', victim.status)}) : {victim.evidence.text}")
        for place in incident.locations:
            add("target-location", place.name, place.evidence.text)
        if incident.attack_date:
            date = incident.attack_date
            add("datetime", date.value.isoformat(), f"date de l'attaque ({date.text}) : {date.evidence.text}")
        for mention in incident.dates:
            add(
                "datetime",
                mention.value.isoformat(),
                f"{label('date_roles', mention.role)} ({mention.text}) : {mention.evidence.text}",
            )
        for actor in incident.threat_actors:
            add("threat-actor", actor.name, f"{label('status', actor.status)} : {actor.evidence.text}")
        for item in incident.attack_types:
            add("text", label("attack_types", item.id), f"type d'attaque : {item.evidence.text}", "Other")
        for item in incident.data_leaked:
            add("text", label("data_leaked", item.id), f"données : {item.evidence.text}", "Other")
        for item in incident.systems:
            add("text", f"{item.name} ({label('systems', item.category)})", "système touché", "Other")
        for item in incident.authorities:
            add("text", item.name, f"autorité : {label('authorities', item.id)}", "Other")
        for item in incident.responders:
            add("text", item.name, f"intervenant : {item.evidence.text}", "Other")
        if incident.people_affected:
            count = incident.people_affected
            add("counter", count.value, f"personnes touchées ({count.text}) : {count.evidence.text}")


def _galaxy_tags(incident: Incident) -> list[str]:
    tags = [galaxy_tag("sector", MISP_SECTORS[item.id]) for item in incident.sectors]
    for actor in incident.threat_actors:
        for galaxy in ("threat-actor", "ransomware"):
            value = galaxy_cluster(galaxy, actor.name)
            if value:
                tags.append(galaxy_tag(galaxy, value))
    return list(dict.fromkeys(tags))


def _event_info(record: ArticleRecord, incident: Incident) -> str:
    victim = incident.victims[0].name if incident.victims else "victime non nommée"
    title = record.source.title or record.source.url or record.source.path or ""
    return " ".join((f"Cyberattaque : {victim}" + (f" ({title})" if title else "")).split())


def _comment(text: str) -> str:
    """One line of at most 500 characters: MISP shows comments in a table."""
    line = " ".join(text.split())
    return line if len(line) <= 500 else line[:499] + "…"


def misp_events(records: Iterable[ArticleRecord], *, tlp: str = DEFAULT_TLP) -> list[Any]:
    """The pymisp ``MISPEvent`` of every incident of the records."""
    builder = MispEventBuilder(tlp=tlp)
    return [event for record in records for event in builder.events(record)]


def events_json(events: Iterable[Any]) -> str:
    """``{"response": [{"Event": ...}]}``, as MISP's search returns and imports it."""
    response = [{"Event": json.loads(event.to_json())} for event in events]
    return json.dumps({"response": response}, ensure_ascii=False, indent=1)


def write_misp(
    records: Iterable[ArticleRecord], path: str | Path, *, tlp: str = DEFAULT_TLP
) -> Iterator[ArticleRecord]:
    """Collect the events as records come (yielding each), then write the file atomically."""
    builder = MispEventBuilder(tlp=tlp)  # fails now, not at the end, when pymisp is missing

    def collect() -> Iterator[ArticleRecord]:
        events: list[Any] = []
        for record in records:
            events.extend(builder.events(record))
            yield record
        with atomic_writer(path) as handle:
            handle.write(events_json(events) + "\n")

    return collect()


def read_misp_events(path: str | Path) -> list[Any]:
    """The events of a file written by :func:`write_misp`, loaded back by pymisp."""
    pymisp = _pymisp()
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    events = []
    for entry in data["response"]:
        event = pymisp.MISPEvent()
        event.load(entry)
        events.append(event)
    return events


def _folded(name: str) -> str:
    return " ".join(name.casefold().split())
