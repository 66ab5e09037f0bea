"""Output formats: write records as JSONL, CSV, SQLite, STIX or MISP, and read them back.

:func:`write_records` picks the writer from the file's suffix (or an explicit format) and
yields each record once written, so a caller can count and show progress. :func:`read_records`
loads JSONL, CSV and SQLite back into the same :class:`~incident_extract.models.ArticleRecord`.
"""

from __future__ import annotations

import enum
import sys
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import InputError, OutputError
from ..models import ArticleRecord
from ..store import check_writable, read_jsonl, write_jsonl, write_jsonl_stream
from .csv_files import check_delimiter, items_path, read_csv, write_csv
from .dataframe import to_dataframe
from .misp_events import misp_events, write_misp
from .sqlite_store import SQLiteStore, read_sqlite, write_sqlite
from .stix_bundle import DEFAULT_TLP, check_tlp, stix_bundle, write_stix
from .tables import article_key, canonical_url


class OutputFormat(enum.StrEnum):
    JSONL = "jsonl"
    CSV = "csv"
    SQLITE = "sqlite"
    STIX = "stix"
    MISP = "misp"


SUFFIX_FORMATS = {
    ".jsonl": OutputFormat.JSONL,
    ".csv": OutputFormat.CSV,
    ".sqlite": OutputFormat.SQLITE,
    ".sqlite3": OutputFormat.SQLITE,
    ".db": OutputFormat.SQLITE,
    ".json": OutputFormat.STIX,
}
"""Formats chosen by suffix: ``.json`` is a STIX bundle; MISP (also JSON) is asked for by name."""


STDOUT = "-"
"""``-o -``: JSONL on standard output, for pipes (``| jq``)."""


def resolve_format(path: str | Path, format: OutputFormat | str | None = None) -> OutputFormat:
    """The explicit format if given, else the one the suffix says (``-`` is JSONL on stdout)."""
    if str(path) == STDOUT:
        if format not in (None, OutputFormat.JSONL, "jsonl"):
            raise OutputError(f"standard output takes the JSONL format only, not {format}")
        return OutputFormat.JSONL
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


def check_output(
    path: str | Path, format: OutputFormat, *, csv_delimiter: str = ",", tlp: str = DEFAULT_TLP
) -> list[Path]:
    """Fail before any work when the output cannot be written; returns the files to be written."""
    if str(path) == STDOUT:
        return []
    paths = output_paths(path, format)
    for output in paths:
        check_writable(output)
    if format is OutputFormat.CSV:
        check_delimiter(csv_delimiter)
    elif format is OutputFormat.SQLITE:
        SQLiteStore(path).close()  # a file that is not a database, or from a newer version, fails here
    elif format is OutputFormat.STIX:
        stix_bundle([], tlp=tlp)  # fails when stix2 is not installed or the TLP level is unknown
    elif format is OutputFormat.MISP:
        misp_events([], tlp=tlp)  # fails when pymisp is not installed or the TLP level is unknown
    return paths


def write_records(
    records: Iterable[ArticleRecord],
    path: str | Path,
    format: OutputFormat | str | None = None,
    *,
    excel: bool = False,
    csv_delimiter: str = ",",
    tlp: str = DEFAULT_TLP,
) -> Iterator[ArticleRecord]:
    """Write records in the format of ``path`` (or ``format``); yields each once written.

    JSONL, CSV and STIX files are written to a temporary file and renamed at the end; a SQLite
    database is updated in place, one transaction per article (see :class:`SQLiteStore`).
    """
    format = resolve_format(path, format)
    if str(path) == STDOUT:
        return write_jsonl_stream(records, sys.stdout)
    if format is OutputFormat.CSV:
        return write_csv(records, path, excel=excel, delimiter=csv_delimiter)
    if format is OutputFormat.SQLITE:
        return write_sqlite(records, path)
    if format is OutputFormat.STIX:
        return write_stix(records, path, tlp=tlp)
    if format is OutputFormat.MISP:
        return write_misp(records, path, tlp=tlp)
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
    if format in (OutputFormat.STIX, OutputFormat.MISP):
        raise InputError(f"{format.value.upper()} is an export format: records cannot be read back from it")
    return read_jsonl(path)


__all__ = [
    "DEFAULT_TLP",
    "STDOUT",
    "OutputFormat",
    "SQLiteStore",
    "article_key",
    "canonical_url",
    "check_output",
    "check_tlp",
    "misp_events",
    "output_paths",
    "read_records",
    "resolve_format",
    "stix_bundle",
    "to_dataframe",
    "write_records",
]
