"""Output formats: write records as JSONL, CSV, SQLite or STIX, and read them back.

:func:`write_records` picks the writer from the file's suffix (or an explicit format) and
yields each record once written, so a caller can count and show progress. :func:`read_records`
loads JSONL, CSV and SQLite back into the same :class:`~incident_extract.models.ArticleRecord`.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import InputError, OutputError
from ..models import ArticleRecord
from ..store import check_writable, read_jsonl, write_jsonl
from .csv_files import check_delimiter, items_path, read_csv, write_csv
from .dataframe import to_dataframe
from .sqlite_store import SQLiteStore, read_sqlite, write_sqlite
from .stix_bundle import stix_bundle, write_stix
from .tables import article_key, canonical_url


class OutputFormat(enum.StrEnum):
    JSONL = "jsonl"
    CSV = "csv"
    SQLITE = "sqlite"
    STIX = "stix"


SUFFIX_FORMATS = {
    ".jsonl": OutputFormat.JSONL,
    ".csv": OutputFormat.CSV,
    ".sqlite": OutputFormat.SQLITE,
    ".sqlite3": OutputFormat.SQLITE,
    ".db": OutputFormat.SQLITE,
}
"""Formats chosen by suffix. STIX (``.json``) is only written when asked for by name."""


def resolve_format(path: str | Path, format: OutputFormat | str | None = None) -> OutputFormat:
    """The explicit format if given, else the one the suffix says."""
    if format is not None:
        try:
            return OutputFormat(format)
        except ValueError:
            raise OutputError(
                f"unknown output format {format!r}; use one of {', '.join(OutputFormat)}"
            ) from None
    suffix = Path(path).suffix.lower()
    if suffix not in SUFFIX_FORMATS:
        raise OutputError(
            f"cannot tell the format of {Path(path).name!r}: use a suffix among "
            f"{', '.join(SUFFIX_FORMATS)} or --format ({', '.join(OutputFormat)})"
        )
    return SUFFIX_FORMATS[suffix]


def output_paths(path: str | Path, format: OutputFormat) -> list[Path]:
    """The files a format writes: CSV writes ``OUT.items.csv`` beside ``OUT.csv``."""
    path = Path(path)
    return [path, items_path(path)] if format is OutputFormat.CSV else [path]


def check_output(path: str | Path, format: OutputFormat, *, csv_delimiter: str = ",") -> list[Path]:
    """Fail before any work when the output cannot be written; returns the files to be written."""
    paths = output_paths(path, format)
    for output in paths:
        check_writable(output)
    if format is OutputFormat.CSV:
        check_delimiter(csv_delimiter)
    elif format is OutputFormat.SQLITE:
        SQLiteStore(path).close()  # a file that is not a database, or from a newer version, fails here
    elif format is OutputFormat.STIX:
        stix_bundle([])  # fails when stix2 is not installed
    return paths


def write_records(
    records: Iterable[ArticleRecord],
    path: str | Path,
    format: OutputFormat | str | None = None,
    *,
    excel: bool = False,
    csv_delimiter: str = ",",
) -> Iterator[ArticleRecord]:
    """Write records in the format of ``path`` (or ``format``); yields each once written.

    JSONL, CSV and STIX files are written to a temporary file and renamed at the end; a SQLite
    database is updated in place, one transaction per article (see :class:`SQLiteStore`).
    """
    format = resolve_format(path, format)
    if format is OutputFormat.CSV:
        return write_csv(records, path, excel=excel, delimiter=csv_delimiter)
    if format is OutputFormat.SQLITE:
        return write_sqlite(records, path)
    if format is OutputFormat.STIX:
        return write_stix(records, path)
    return write_jsonl(records, path)


def read_records(path: str | Path, format: OutputFormat | str | None = None) -> Iterator[ArticleRecord]:
    """Records back from a JSONL file, a CSV pair (give ``OUT.csv``) or a SQLite database."""
    try:
        format = resolve_format(path, format)
    except OutputError as exc:
        raise InputError(str(exc)) from None
    if format is OutputFormat.CSV:
        return read_csv(path)
    if format is OutputFormat.SQLITE:
        return read_sqlite(path)
    if format is OutputFormat.STIX:
        raise InputError("STIX is an export format: records cannot be read back from it")
    return read_jsonl(path)


__all__ = [
    "OutputFormat",
    "SQLiteStore",
    "article_key",
    "canonical_url",
    "check_output",
    "output_paths",
    "read_records",
    "resolve_format",
    "stix_bundle",
    "to_dataframe",
    "write_records",
]
