"""CSV for spreadsheets: ``OUT.csv`` (one row per incident) and ``OUT.items.csv`` (one row per item).

The first file is for reading in Excel or LibreOffice; the second keeps every item with its
status, rule and evidence, so that :func:`read_csv` rebuilds the exact records. Both files are
written atomically, together. Cells that a spreadsheet would run as a formula get a leading
``'``; lists are joined with ``"; "``, or ``" | "`` when the cells are separated by ``;``.
"""

from __future__ import annotations

import contextlib
import csv
import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Iterable, Iterator
from pathlib import Path

from ..errors import InputError, OutputError
from ..models import ArticleRecord, Source
from ..store import atomic_writer
from .tables import (
    INCIDENT_COLUMNS,
    ITEM_COLUMNS,
    ITEM_ROW_COLUMNS,
    LABEL_COLUMNS,
    ItemRow,
    incident_from_item_rows,
    incident_rows,
    item_rows,
)

LIST_SEPARATOR = "; "
ALTERNATE_LIST_SEPARATOR = " | "
"""Lists inside cells when ``;`` separates the cells (a French Excel): the two never look alike."""
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
"""Cell starts that spreadsheets treat as a formula (CSV injection, OWASP)."""
ESCAPE = "'"


def items_path(path: str | Path) -> Path:
    """``out.csv`` -> ``out.items.csv``: the long file written beside the wide one."""
    return Path(path).with_suffix(".items.csv")


def list_separator(delimiter: str) -> str:
    """The separator of lists inside cells: never the cell delimiter."""
    return ALTERNATE_LIST_SEPARATOR if delimiter == LIST_SEPARATOR.strip() else LIST_SEPARATOR


def check_delimiter(delimiter: str) -> None:
    if len(delimiter) != 1 or delimiter in "\"'\r\n" or delimiter.isalnum():
        raise OutputError(f"CSV delimiter must be one punctuation character, not {delimiter!r}")


def write_csv(
    records: Iterable[ArticleRecord], path: str | Path, *, excel: bool = False, delimiter: str = ","
) -> Iterator[ArticleRecord]:
    """Write both CSV files as records come; yields each record once written.

    ``excel`` adds a UTF-8 byte order mark, without which Excel reads UTF-8 as Windows-1252.
    ``delimiter=";"`` suits a French Excel, which expects semicolons when a file is double-clicked.
    """
    check_delimiter(delimiter)
    return _write_csv(records, Path(path), encoding="utf-8-sig" if excel else "utf-8", delimiter=delimiter)


def _write_csv(
    records: Iterable[ArticleRecord], path: Path, *, encoding: str, delimiter: str
) -> Iterator[ArticleRecord]:
    with (
        atomic_writer(path, encoding=encoding) as incidents_file,
        atomic_writer(items_path(path), encoding=encoding) as items_file,
    ):
        incidents = csv.writer(incidents_file, delimiter=delimiter)
        items = csv.writer(items_file, delimiter=delimiter)
        incidents.writerow(INCIDENT_COLUMNS)
        items.writerow(ITEM_COLUMNS)
        separator = list_separator(delimiter)
        for article_index, record in enumerate(records):
            incidents.writerows(
                _cells(row, INCIDENT_COLUMNS, separator) for row in incident_rows(record, article_index)
            )
            items.writerows(_cells(row, ITEM_COLUMNS, separator) for row in item_rows(record, article_index))
            yield record


def _cells(row: dict[str, object], columns: tuple[str, ...], separator: str) -> list[str]:
    return [format_cell(row[column], separator) for column in columns]


def format_cell(value: object, separator: str = LIST_SEPARATOR) -> str:
    """A typed value as a safe CSV cell: ISO dates, ``true``/``false``, lists joined, formulas escaped."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, list):
        return escape_formula(join_list(value, separator))
    return escape_formula(str(value))


def escape_formula(cell: str) -> str:
    """Prefix ``'`` to a cell a spreadsheet would evaluate; cells already starting with ``'`` too,
    so that :func:`unescape_formula` can always remove exactly one."""
    return ESCAPE + cell if cell.startswith((*FORMULA_STARTS, ESCAPE)) else cell


def unescape_formula(cell: str) -> str:
    return cell[1:] if cell.startswith(ESCAPE) else cell


def join_list(values: Iterable[object], separator: str = LIST_SEPARATOR) -> str:
    """``["a", "b;c"]`` -> ``a; b\\;c``: readable, and :func:`split_list` gets the list back.
    The separator's character inside a value is escaped with a backslash."""
    mark = separator.strip()
    return separator.join(str(value).replace("\\", "\\\\").replace(mark, "\\" + mark) for value in values)


def split_list(cell: str, separator: str = LIST_SEPARATOR) -> list[str]:
    if not cell:
        return []
    mark = separator.strip()
    values: list[str] = []
    current: list[str] = []
    chars = iter(cell)
    for char in chars:
        if char == "\\":
            current.append(next(chars, ""))
        elif char == mark:
            values.append("".join(current).removesuffix(separator[: separator.index(mark)]))
            current = []
            for _ in separator[separator.index(mark) + 1 :]:
                next(chars, None)  # the spaces after the separator's character
        else:
            current.append(char)
    values.append("".join(current))
    return values


def read_csv(path: str | Path) -> Iterator[ArticleRecord]:
    """Records back from ``OUT.csv`` and ``OUT.items.csv``, exactly as they were written.

    Empty and missing values both come back as null (CSV cannot tell them apart).
    """
    path = Path(path)
    _allow_long_cells()
    items: defaultdict[tuple[str, str], list[ItemRow]] = defaultdict(list)
    with _open_table(items_path(path), ITEM_COLUMNS) as (rows, _):
        for row in rows:
            items[row["article_index"], row["incident_index"]].append(_item_row(row))
    with _open_table(path, INCIDENT_COLUMNS) as (rows, delimiter):
        separator = list_separator(delimiter)
        for article_index, article_rows in itertools.groupby(rows, key=lambda row: row["article_index"]):
            article_rows = list(article_rows)
            first = article_rows[0]
            incidents = [
                incident_from_item_rows(items[article_index, row["incident_index"]])
                for row in article_rows
                if row["incident_index"]
            ]
            yield ArticleRecord(
                source=Source(
                    path=first["source_path"] or None,
                    id=first["source_id"] or None,
                    url=first["url"] or None,
                    title=first["title"] or None,
                    site=first["site"] or None,
                    published=first["published"] or None,
                ),
                text=first["text"],
                is_incident=first["is_incident"] == "true",
                incidents=incidents,
                errors=split_list(first["errors"], separator),
            )


@contextlib.contextmanager
def _open_table(path: Path, columns: tuple[str, ...]) -> Iterator[tuple[Iterator[dict[str, str]], str]]:
    try:
        handle = path.open(encoding="utf-8-sig", newline="")
    except FileNotFoundError as exc:
        raise InputError(f"CSV file not found: {path}") from exc
    with handle:
        header = handle.readline()
        if not header.startswith(columns[0]) or len(header) <= len(columns[0]):
            raise InputError(f"{path} is not an incident-extract CSV (its first column is not {columns[0]})")
        delimiter = header[len(columns[0])]
        handle.seek(0)
        reader = csv.DictReader(handle, delimiter=delimiter)
        found = tuple(reader.fieldnames or ())
        if found not in (
            columns,
            tuple(c for c in columns if c not in LABEL_COLUMNS),
        ):  # files written before labels
            raise InputError(f"{path}: unexpected columns {reader.fieldnames}")
        yield ({name: unescape_formula(cell) for name, cell in row.items()} for row in reader), delimiter


def _item_row(row: dict[str, str]) -> ItemRow:
    cells: dict[str, object] = {name: row[name] or None for name in ITEM_ROW_COLUMNS}
    for name in ("position", "evidence_start", "evidence_end"):
        cells[name] = int(row[name])
    cells["denied"] = row["denied"] == "true"
    cells["rule"] = row["rule"]
    cells["evidence_text"] = row["evidence_text"]
    return ItemRow(**cells)  # type: ignore[arg-type]


def _allow_long_cells() -> None:
    """Articles (up to 200,000 characters) are longer than the csv module's default cell limit."""
    csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))
