"""Records as flat tables: the shared layer under CSV, SQLite and pandas.

An article becomes one row per incident (wide, for people) and one :class:`ItemRow` per
extracted item (long, lossless: every value, status, rule and evidence offset). The long rows
turn back into the same pydantic models, which is what makes the CSV and SQLite round trips exact.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Iterable, Iterator

from pydantic import BaseModel

from ..fetch import canonical_url
from ..labels import labels_of
from ..models import FIELDS, ArticleRecord, DeniedItem, Incident

ITEM_MODELS: dict[str, type[BaseModel]] = {name: spec.item for name, spec in FIELDS.items() if not spec.audit}
"""Every field of :class:`Incident` that holds extracted items, in the record's order, with its item model."""
SINGLE_FIELDS = frozenset(name for name, spec in FIELDS.items() if spec.single)

"""Query parameters that only say where the reader came from (``utm_*`` too): dropped from article keys."""


@dataclasses.dataclass(frozen=True, slots=True)
class ItemRow:
    """One extracted item, flattened: enough to rebuild it exactly (see :func:`incident_from_item_rows`)."""

    field: str
    """The incident field (``victims``, ``attack_date``...); for a denied item, the field it was denied in."""
    position: int
    """Index in the field's list (or in ``denied``), so the order of the record is kept."""
    denied: bool
    vocab_id: str | None
    """``id`` of vocabulary items (attack type, data, authority, sector) or ``category`` of a system."""
    name: str | None
    kind: str | None
    """Victims only: organization, person or group."""
    value: str | None
    """ISO date of a date, or the number of people affected."""
    value_text: str | None
    """The words the date or the number was read from (``samedi``, ``300.000 patients``)."""
    role: str | None
    status: str | None
    """confirmed, claimed or possible; empty for denied items."""
    rule: str
    evidence_start: int
    evidence_end: int
    evidence_text: str


ITEM_ROW_COLUMNS = tuple(field.name for field in dataclasses.fields(ItemRow))

SOURCE_COLUMNS = ("source_path", "source_id", "url", "title", "site", "published")
"""The article's :class:`~incident_extract.models.Source`, one column per field."""
_ARTICLE_ONLY_COLUMNS = (
    "article_index",
    "article_key",
    "incident_index",
    *SOURCE_COLUMNS,
    "is_incident",
    "errors",
)
"""The wide table's columns about the article, the same on each of its rows."""
_BY_COLUMN = sorted(FIELDS.values(), key=lambda spec: spec.column_rank)
LABEL_COLUMNS = tuple(f"{spec.name}_label" for spec in _BY_COLUMN if spec.has_ids)
"""French labels of the vocabulary columns (``labels.py``), for people; written, never read back."""
_INCIDENT_ONLY_COLUMNS = (*(spec.name for spec in _BY_COLUMN), *LABEL_COLUMNS)
INCIDENT_COLUMNS = (*_ARTICLE_ONLY_COLUMNS, *_INCIDENT_ONLY_COLUMNS, "text")
"""Columns of the wide table: one row per incident, or one per article that has none."""
ITEM_COLUMNS = ("article_index", "article_key", "incident_index", *ITEM_ROW_COLUMNS)
"""Columns of the long table: one row per extracted item."""


def article_key(record: ArticleRecord) -> str:
    """The identity of an article across runs: its canonical URL, else a hash of its text.

    An article without text (a file that failed) is keyed by its source, so that two failed
    files do not collide while the same failed file run again keeps its key.
    """
    if record.source.url:
        return canonical_url(record.source.url)
    if record.text:
        return "sha256:" + hashlib.sha256(record.text.encode("utf-8")).hexdigest()
    source = json.dumps(record.source.model_dump(mode="json"), sort_keys=True)
    return "source:" + hashlib.sha256(source.encode("utf-8")).hexdigest()


def incident_item_rows(incident: Incident) -> list[ItemRow]:
    """Every item of the incident, denied ones included, in the record's order."""
    rows = []
    for spec in FIELDS.values():
        rows.extend(
            _item_row(item, item.field if spec.audit else spec.name, position, denied=spec.audit)
            for position, item in enumerate(spec.items_of(incident))
        )
    return rows


def _item_row(item: BaseModel, field: str, position: int, *, denied: bool) -> ItemRow:
    data = item.model_dump(mode="json")
    evidence = data["evidence"]
    value = data.get("value")
    return ItemRow(
        field=field,
        position=position,
        denied=denied,
        vocab_id=data.get("id", data.get("category")),
        name=data.get("name"),
        kind=data.get("kind"),
        value=None if value is None else str(value),
        value_text=data.get("text"),
        role=data.get("role"),
        status=data.get("status"),
        rule=data["rule"],
        evidence_start=evidence["start"],
        evidence_end=evidence["end"],
        evidence_text=evidence["text"],
    )


def incident_from_item_rows(rows: Iterable[ItemRow]) -> Incident:
    """The inverse of :func:`incident_item_rows`: the same incident, validated again."""
    fields: dict[str, object] = {}
    for row in sorted(rows, key=lambda row: (row.denied, row.position)):
        if row.denied:
            fields.setdefault("denied", []).append(_item_data(row, DeniedItem))  # type: ignore[union-attr]
        elif row.field in SINGLE_FIELDS:
            fields[row.field] = _item_data(row, ITEM_MODELS[row.field])
        elif row.field in ITEM_MODELS:
            fields.setdefault(row.field, []).append(_item_data(row, ITEM_MODELS[row.field]))  # type: ignore[union-attr]
        else:
            raise ValueError(f"unknown incident field {row.field!r}")
    return Incident.model_validate(fields)


def _item_data(row: ItemRow, model: type[BaseModel]) -> dict[str, object]:
    candidates = {
        "field": row.field,
        "id": row.vocab_id,
        "category": row.vocab_id,
        "name": row.name,
        "kind": row.kind,
        "value": row.value,
        "text": row.value_text,
        "role": row.role,
        "status": row.status,
        "rule": row.rule,
        "evidence": {"start": row.evidence_start, "end": row.evidence_end, "text": row.evidence_text},
    }
    return {
        key: value for key, value in candidates.items() if key in model.model_fields and value is not None
    }


def incident_table(records: Iterable[ArticleRecord]) -> Iterator[dict[str, object]]:
    """The wide table, typed (lists, dates, ints): one row per incident, so nothing is dropped."""
    for article_index, record in enumerate(records):
        yield from incident_rows(record, article_index)


def incident_rows(record: ArticleRecord, article_index: int) -> list[dict[str, object]]:
    """The article's rows of the wide table; an article with no incident still gets one row."""
    source = record.source
    article = {
        "article_index": article_index,
        "article_key": article_key(record),
        "incident_index": None,
        "source_path": source.path,
        "source_id": source.id,
        "url": source.url,
        "title": source.title,
        "site": source.site,
        "published": source.published,
        "is_incident": record.is_incident,
        "errors": list(record.errors),
    }
    incidents = [(index, _incident_columns(incident)) for index, incident in enumerate(record.incidents)]
    return [
        {**article, "incident_index": index, **columns, "text": record.text}
        for index, columns in incidents or [(None, dict.fromkeys(_INCIDENT_ONLY_COLUMNS))]
    ]


def _incident_columns(incident: Incident) -> dict[str, object]:
    columns: dict[str, object] = {}
    for spec in _BY_COLUMN:
        cells = [spec.cell_of(item) for item in spec.items_of(incident)]
        columns[spec.name] = (cells[0] if cells else None) if spec.single else _unique(cells)
    for column in LABEL_COLUMNS:
        field = column.removesuffix("_label")
        columns[column] = labels_of(field, columns[field])  # type: ignore[arg-type]
    return columns


def item_table(records: Iterable[ArticleRecord]) -> Iterator[dict[str, object]]:
    """The long table: one row per extracted item, with the article and incident it belongs to."""
    for article_index, record in enumerate(records):
        yield from item_rows(record, article_index)


def item_rows(record: ArticleRecord, article_index: int) -> list[dict[str, object]]:
    key = article_key(record)
    return [
        {
            "article_index": article_index,
            "article_key": key,
            "incident_index": incident_index,
            **dataclasses.asdict(row),
        }
        for incident_index, incident in enumerate(record.incidents)
        for row in incident_item_rows(incident)
    ]


def _unique(values: Iterable[object]) -> list[object]:
    return list(dict.fromkeys(values))
