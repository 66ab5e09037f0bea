"""Pydantic models of the output contract (``shared/spec/RECORD.md``).

Every line written is one :class:`ArticleRecord`, validated before it is written.
Items carry ``rule`` (the rule or component that produced them) and ``status``;
the scorer ignores both, analysts audit with them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import typing
from collections.abc import Callable
from operator import attrgetter
from typing import Any, Literal

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


HTML_VIEWS: dict[str, Callable[[Any], str]] = {}
"""Notebook views by model class name (``Incident``, ``ArticleRecord``), registered by the
``review`` package when ``incident_extract`` is imported: the models sit below the review and
never import it."""


def html_view(model: BaseModel) -> str:
    """The registered notebook view of ``model``; its escaped ``repr`` if none is registered."""
    view = HTML_VIEWS.get(type(model).__name__)
    if view is None:
        import html

        return f"<pre>{html.escape(repr(model))}</pre>"
    return view(model)


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
        return html_view(self)


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
        return html_view(self)


@dataclasses.dataclass(frozen=True)
class FieldSpec:
    """One field of :class:`Incident`: what its items are, and what the rules and writers need.

    :data:`FIELDS` holds one row per field; the rule loader, the tables (CSV, DataFrame, Parquet,
    SQLite) and the checks iterate over it, so a new field is one model, one rule file, one row.
    """

    name: str
    item: type[BaseModel]
    column_rank: int
    """Position of the field's column in the wide table (CSV, DataFrame, Parquet): the
    headline fields (victims, date, types, sectors, count) first."""
    key: str | None = None
    """The item attribute that says what it is (``id``, ``category``, ``name``, ``value``)."""
    vocabulary: str | None = None
    """The rule file of its terms, matched by the span ruler (``rules/<vocabulary>.yaml``)."""
    single: bool = False
    """One item or none (``attack_date``), rather than a list."""
    audit: bool = False
    """Not extracted: kept for audit (the denied items)."""
    cell: Callable[[Any], object] | None = None
    """The wide table's value of one item; by default its ``key``."""

    @property
    def has_ids(self) -> bool:
        """Its items carry a vocabulary id (``Literal``), with a French label (``labels.py``)."""
        return self.key in ("id", "category")

    def allowed_values(self) -> set[str] | None:
        """The ids a rule may give (the item model's ``Literal``); None for free names."""
        if not self.has_ids:
            return None
        return set(typing.get_args(self.item.model_fields[self.key].annotation))

    def items_of(self, incident: Incident) -> list[BaseModel]:
        value = getattr(incident, self.name)
        return [] if value is None else [value] if self.single else list(value)

    def cell_of(self, item: BaseModel) -> object:
        return self.cell(item) if self.cell else attrgetter(str(self.key))(item)


FIELDS: dict[str, FieldSpec] = {
    spec.name: spec
    for spec in (
        FieldSpec("victims", Victim, 0, key="name"),
        FieldSpec("attack_date", AttackDate, 1, key="value", single=True),
        FieldSpec(
            "dates", DateMention, 11, key="value", cell=lambda item: f"{item.role} {item.value.isoformat()}"
        ),
        FieldSpec("attack_types", AttackTypeItem, 2, key="id", vocabulary="attack_types"),
        FieldSpec("systems", SystemItem, 5, key="category", vocabulary="systems"),
        FieldSpec("data_leaked", DataItem, 6, key="id", vocabulary="data_leaked"),
        FieldSpec("authorities", AuthorityItem, 7, key="id", vocabulary="authorities"),
        FieldSpec("threat_actors", NamedItem, 8, key="name", vocabulary="threat_actors"),
        FieldSpec("responders", NamedItem, 9, key="name", vocabulary="responders"),
        FieldSpec("locations", NamedItem, 10, key="name"),
        FieldSpec("sectors", SectorItem, 3, key="id", vocabulary="sectors"),
        FieldSpec("people_affected", PeopleAffected, 4, key="value", single=True),
        FieldSpec(
            "denied", DeniedItem, 12, audit=True, cell=lambda item: f"{item.field}: {item.id or item.name}"
        ),
    )
}
"""Every field of :class:`Incident`, in the record's order (``tests/test_models.py`` checks it)."""
FIELDS_WITH_ITEMS = tuple(name for name, spec in FIELDS.items() if not spec.single and not spec.audit)
"""The list fields of extracted items (every field but the single ones and ``denied``)."""


def _evidences(incident: Incident):
    for spec in FIELDS.values():
        for item in spec.items_of(incident):
            yield item.evidence
