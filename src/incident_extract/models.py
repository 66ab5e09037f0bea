"""Pydantic models of the output contract (``shared/spec/RECORD.md``).

Every line written is one :class:`ArticleRecord`, validated before it is written.
Items carry ``rule`` (the rule or component that produced them) and ``status``;
the scorer ignores both, analysts audit with them.
"""

from __future__ import annotations

import datetime as dt
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

AttackType = Literal[
    "ransomware",
    "phishing",
    "intrusion",
    "data_theft",
    "ddos",
    "defacement",
    "malware",
    "account_takeover",
    "fraud",
    "supply_chain",
]
SystemCategory = Literal[
    "information_system",
    "website",
    "online_platform",
    "email",
    "telephony",
    "business_software",
    "database",
    "workstations",
    "backups",
    "industrial",
    "payment",
    "other",
]
DataCategory = Literal[
    "name",
    "birth_date",
    "civil_status",
    "social_security_number",
    "address",
    "email",
    "phone",
    "contact",
    "bank_details",
    "payment_card",
    "health_data",
    "id_document",
    "insurance_info",
    "credentials",
    "financial_documents",
    "other",
]
AuthorityId = Literal[
    "ANSSI",
    "CNIL",
    "ARS",
    "PARQUET",
    "JUSTICE",
    "GENDARMERIE",
    "POLICE",
    "DGS",
    "HFDS",
    "ANS",
    "CYBERMALVEILLANCE",
    "CSIRT",
    "PREFECTURE",
    "MINISTRY",
    "EU",
    "OTHER",
]
SectorId = Literal[
    "health",
    "insurance",
    "finance",
    "public_administration",
    "education",
    "research",
    "industry",
    "retail",
    "transport",
    "energy",
    "telecom",
    "media",
    "defense",
    "legal",
    "other",
]
DateRole = Literal["attack", "discovery", "disclosure", "leak", "restoration", "complaint", "other"]
Status = Literal["confirmed", "claimed", "possible"]
VictimKind = Literal["organization", "person", "group"]

FIELDS_WITH_ITEMS = (
    "victims",
    "dates",
    "attack_types",
    "systems",
    "data_leaked",
    "authorities",
    "threat_actors",
    "responders",
    "locations",
    "sectors",
)


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class Evidence(Strict):
    """Character offsets into the record's ``text``; ``text == record.text[start:end]``."""

    start: int = Field(ge=0)
    end: int = Field(ge=0)
    text: str

    @model_validator(mode="after")
    def _ordered(self) -> Evidence:
        if self.end < self.start or self.end - self.start != len(self.text):
            raise ValueError("evidence offsets do not match its text")
        return self


class Item(Strict):
    evidence: Evidence
    rule: str
    status: Status = "confirmed"


class Victim(Item):
    name: str
    kind: VictimKind = "organization"


class AttackDate(Item):
    value: dt.date
    text: str


class DateMention(AttackDate):
    role: DateRole


class AttackTypeItem(Item):
    id: AttackType


class SystemItem(Item):
    category: SystemCategory
    name: str


class DataItem(Item):
    id: DataCategory
    name: str


class AuthorityItem(Item):
    id: AuthorityId
    name: str


class NamedItem(Item):
    name: str


class SectorItem(Item):
    id: SectorId


class PeopleAffected(Item):
    value: int = Field(gt=0)
    text: str


class DeniedItem(Strict):
    """An item the article denies, kept for audit only (``aucune donnée bancaire n'est concernée``)."""

    field: str
    id: str | None = None
    name: str | None = None
    evidence: Evidence
    rule: str


class Incident(Strict):
    victims: list[Victim] = []
    attack_date: AttackDate | None = None
    dates: list[DateMention] = []
    attack_types: list[AttackTypeItem] = []
    systems: list[SystemItem] = []
    data_leaked: list[DataItem] = []
    authorities: list[AuthorityItem] = []
    threat_actors: list[NamedItem] = []
    responders: list[NamedItem] = []
    locations: list[NamedItem] = []
    sectors: list[SectorItem] = []
    people_affected: PeopleAffected | None = None
    denied: list[DeniedItem] = []

    def _repr_html_(self) -> str:
        """Notebooks: the items with status, rule and evidence, one colour per field."""
        from .review import incident_html

        return incident_html(self)


class Source(Strict):
    path: str | None = None
    id: str | None = None
    url: str | None = None
    title: str | None = None
    site: str | None = None
    published: dt.date | None = None


class ArticleRecord(Strict):
    """One output line: an article and the incidents it reports."""

    source: Source
    text: str
    is_incident: bool = False
    incident_rule: str | None = None
    """The rule that decided the article reports an incident (``incident.victim_cue``,
    ``incident.headline``, ``incident.lead``: see ``nlp/incident.py``); None when it does not."""
    incidents: list[Incident] = []
    errors: list[str] = []

    @model_validator(mode="after")
    def _consistent(self) -> ArticleRecord:
        if self.is_incident != bool(self.incidents):
            raise ValueError("is_incident must be true exactly when there are incidents")
        for incident in self.incidents:
            for evidence in _evidences(incident):
                if self.text[evidence.start : evidence.end] != evidence.text:
                    raise ValueError(f"evidence {evidence.text!r} does not point into the text")
        return self

    def _repr_html_(self) -> str:
        """Notebooks: the text with every evidence span highlighted, and the items of each incident."""
        from .review import record_html

        return record_html(self)


def _evidences(incident: Incident):
    for name in (*FIELDS_WITH_ITEMS, "denied"):
        for item in getattr(incident, name):
            yield item.evidence
    for single in (incident.attack_date, incident.people_affected):
        if single is not None:
            yield single.evidence
