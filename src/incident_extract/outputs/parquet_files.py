"""Parquet files of a backfill: one ``articles`` and one ``incidents`` file per shard (pyarrow).

``articles/SHARD.parquet`` has one row per input article, off-topic ones included, with the
whole record as JSON in ``record`` (lossless: :func:`read_parquet_records` gives back the same
pydantic records). ``incidents/SHARD.parquet`` is the wide table of the CSV export, typed (lists,
dates), one row per incident: what an analyst queries with DuckDB or pandas. Both schemas are
fixed, so every shard's files read as one dataset whatever their content. Files are written
to a temporary name and renamed, so a reader never sees half a file.
"""

from __future__ import annotations

import contextlib
import os
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import MissingExtraError
from ..models import FIELDS, ArticleRecord
from ..store import record_json
from .tables import INCIDENT_COLUMNS, LABEL_COLUMNS, SOURCE_COLUMNS, article_key, incident_rows

if TYPE_CHECKING:
    import pyarrow

ARTICLE_COLUMNS = ("article_key", "status", "reason", *SOURCE_COLUMNS, "is_incident", "incidents", "record")
"""``status``: ``processed``, ``failed`` (the record carries ``errors``) or ``skipped`` by the
relevance filter (``reason`` says why; its record says no incident, as ``run``'s does)."""
LIST_COLUMNS = frozenset(
    {"errors", *(name for name, spec in FIELDS.items() if not spec.single), *LABEL_COLUMNS}
)
"""Columns holding lists: every item field of the model (one table of fields), the errors, the
denied items and the French labels of the id lists."""
PARQUET_INCIDENT_COLUMNS = tuple(c for c in INCIDENT_COLUMNS if c not in ("article_index", "text"))
"""The wide table less the per-file row number and the text (in the article's record)."""


def _pyarrow():
    try:
        import pyarrow
        import pyarrow.parquet
    except ImportError as exc:
        raise MissingExtraError("Parquet needs pyarrow: pip install 'incident-extract[dask]'") from exc
    return pyarrow


def article_schema() -> pyarrow.Schema:
    pa = _pyarrow()
    types = {"published": pa.date32(), "is_incident": pa.bool_(), "incidents": pa.int32()}
    return pa.schema([(name, types.get(name, pa.string())) for name in ARTICLE_COLUMNS])


def incident_schema() -> pyarrow.Schema:
    pa = _pyarrow()
    types = {
        "incident_index": pa.int32(),
        "published": pa.date32(),
        "attack_date": pa.date32(),
        "is_incident": pa.bool_(),
        "people_affected": pa.int64(),
    }
    return pa.schema(
        [
            (name, pa.list_(pa.string()) if name in LIST_COLUMNS else types.get(name, pa.string()))
            for name in PARQUET_INCIDENT_COLUMNS
        ]
    )


def article_row(record: ArticleRecord, status: str, reason: str) -> dict[str, object]:
    source = record.source
    return {
        "article_key": article_key(record),
        "status": status,
        "reason": reason or None,
        "source_path": source.path,
        "source_id": source.id,
        "url": source.url,
        "title": source.title,
        "site": source.site,
        "published": source.published,
        "is_incident": record.is_incident,
        "incidents": len(record.incidents),
        "record": record_json(record),
    }


def incident_table_rows(records: Iterable[ArticleRecord]) -> Iterator[dict[str, object]]:
    for record in records:
        for row in incident_rows(record, 0):
            if row["incident_index"] is not None:
                yield {name: row[name] for name in PARQUET_INCIDENT_COLUMNS}


def write_parquet(rows: list[dict[str, object]], schema: pyarrow.Schema, path: Path) -> None:
    """Write ``rows`` to ``path`` through a temporary file renamed at the end (atomic)."""
    pa = _pyarrow()
    table = pa.Table.from_pylist(rows, schema=schema)
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    try:
        pa.parquet.write_table(table, tmp, compression="zstd")
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(tmp)
        raise


def read_parquet_records(path: str | Path) -> Iterator[ArticleRecord]:
    """The records of one ``articles`` file."""
    pa = _pyarrow()
    table = pa.parquet.read_table(path, columns=["record"])
    for value in table.column("record").to_pylist():
        yield ArticleRecord.model_validate_json(value)
