"""The review page: one self-contained HTML file (styles, script and data inline; no network).

The records travel as one JSON block: the index rows, and per article its text (for the search)
and its article view, already rendered by :func:`record_fragment`. The page's script draws only
the rows of the current page and the article that is opened, so a store of thousands of
articles opens quickly.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import get_args

from markupsafe import Markup
from pydantic import ValidationError

from ..errors import InputError
from ..models import ArticleRecord, AttackType, SectorId
from ..outputs import OutputFormat, read_records, resolve_format
from ..store import atomic_writer
from ..version import __version__
from .render import INDEX_COLUMNS, STATUSES, asset, environment, record_fragment, record_rows

TYPE_COLOURS = {
    "ransomware": "#d62728",
    "phishing": "#1f77b4",
    "intrusion": "#9467bd",
    "data_theft": "#e377c2",
    "ddos": "#ff7f0e",
    "defacement": "#8c564b",
    "malware": "#2ca02c",
    "account_takeover": "#17becf",
    "fraud": "#bcbd22",
    "supply_chain": "#393b79",
    "unknown": "#9e9e9e",
}
"""Colour of each attack type in the monthly chart; ``unknown``: an incident with no type."""


@dataclasses.dataclass(frozen=True, slots=True)
class ReviewSummary:
    path: Path
    articles: int
    incidents: int
    errors: int
    """Articles whose record carries errors."""
    unreadable: int
    """Input lines or rows that could not be read back as records."""


def review_html(
    records: Iterable[ArticleRecord], *, title: str = "Incident review", load_errors: Iterable[str] = ()
) -> str:
    """The whole page as a string."""
    return _page(list(records), title=title, load_errors=list(load_errors))[0]


def write_review(
    records: Iterable[ArticleRecord],
    path: str | Path,
    *,
    title: str = "Incident review",
    load_errors: Iterable[str] = (),
) -> ReviewSummary:
    """Write the page atomically (a temporary file renamed at the end, like every output)."""
    load_errors = list(load_errors)
    page, summary = _page(list(records), title=title, load_errors=load_errors)
    with atomic_writer(path) as handle:
        handle.write(page)
    return dataclasses.replace(summary, path=Path(path))


def _page(records: list[ArticleRecord], *, title: str, load_errors: list[str]) -> tuple[str, ReviewSummary]:
    rows = [row for index, record in enumerate(records) for row in record_rows(record, index)]
    articles = [
        {"text": record.text, "detail": record_fragment(record, anchor=str(index))}
        for index, record in enumerate(records)
    ]
    incidents = sum(len(record.incidents) for record in records)
    errors = sum(bool(record.errors) for record in records)
    data = {"rows": rows, "articles": articles, "type_colours": TYPE_COLOURS}
    summary = ReviewSummary(Path(), len(records), incidents, errors, len(load_errors))
    page = (
        environment()
        .get_template("page.html.j2")
        .render(
            title=title,
            summary=f"{len(records)} articles, {incidents} incidents, {errors} with errors",
            generated=dt.datetime.now().astimezone().strftime("%Y-%m-%d %H:%M %Z"),
            version=__version__,
            load_errors=load_errors,
            columns=INDEX_COLUMNS,
            attack_types=get_args(AttackType),
            sectors=get_args(SectorId),
            statuses=STATUSES,
            css=Markup(asset("review.css")),
            page_css=Markup(asset("page.css")),
            js=Markup(asset("review.js")),
            data_json=Markup(_script_json(data)),
        )
    )
    return page, summary


def _script_json(data: object) -> str:
    """JSON safe inside ``<script>``: no ``<`` can close the element or open a comment."""
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).replace("<", "\\u003c")


def in_period(
    records: Iterable[ArticleRecord], since: dt.date | None = None, until: dt.date | None = None
) -> Iterator[ArticleRecord]:
    """The records with an attack date or, when none, a publication date between the bounds.

    An article without any date is left out once a bound is given: the period cannot say it is in.
    """
    for record in records:
        dates = [incident.attack_date.value for incident in record.incidents if incident.attack_date]
        if not dates and record.source.published:
            dates = [record.source.published]
        unbounded = since is None and until is None
        if unbounded or any(
            (since is None or since <= day) and (until is None or day <= until) for day in dates
        ):
            yield record


def read_review_input(path: str | Path) -> tuple[list[ArticleRecord], list[str]]:
    """Records from a JSONL file or a SQLite store (or a CSV pair), and why any line was not read.

    A JSONL line that is not a valid record is reported (``line 12: ...``) and the others are
    kept: one bad line does not hide the rest of a night's records.
    """
    path = Path(path)
    if not path.is_file():
        raise InputError(f"no records file at {path}")
    if resolve_format(path) is not OutputFormat.JSONL:
        return list(read_records(path)), []
    return _read_jsonl_leniently(path)


def _read_jsonl_leniently(path: Path) -> tuple[list[ArticleRecord], list[str]]:
    records, problems = [], []
    for number, line in _lines(path):
        try:
            records.append(ArticleRecord.model_validate_json(line))
        except ValidationError as exc:
            first = exc.errors()[0]
            where = ".".join(str(part) for part in first["loc"])
            problems.append(f"line {number}: {first['msg']}" + (f" at {where}" if where else ""))
    return records, problems


def _lines(path: Path) -> Iterator[tuple[int, str]]:
    with path.open(encoding="utf-8", errors="replace") as handle:
        for number, line in enumerate(handle, 1):
            if line.strip():
                yield number, line
