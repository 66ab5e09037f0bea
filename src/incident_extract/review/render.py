"""HTML of records: the article view with its evidence, the index rows, the incident table.

Templates and styles are package files (``assets/``) rendered with Jinja2, which escapes every
value from the records (article text, titles and URLs come from the web).
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from importlib.resources import files
from typing import Any

import jinja2
from markupsafe import Markup

from ..models import ArticleRecord, Incident
from .highlight import FIELD_STYLES, field_css, highlight_text, incident_spans
from .regions import regions_of

INDEX_COLUMNS = (
    ("victims", "Victims"),
    ("attack_date", "Attack date"),
    ("types", "Attack types"),
    ("sectors", "Sectors"),
    ("places", "Places"),
    ("people", "People affected"),
    ("status", "Status"),
    ("title", "Source"),
    ("published", "Published"),
    ("errors", "Errors"),
)
STATUSES = ("confirmed", "claimed", "possible", "none", "error")
"""An index row's status: the incident's, ``none`` for an article without incident, ``error``."""


@functools.cache
def environment() -> jinja2.Environment:
    return jinja2.Environment(
        loader=jinja2.PackageLoader("incident_extract", "review/assets"),
        autoescape=True,
        trim_blocks=False,
        undefined=jinja2.StrictUndefined,
    )


@functools.cache
def asset(name: str) -> str:
    text = files("incident_extract").joinpath("review", "assets", name).read_text(encoding="utf-8")
    return text + "\n" + field_css() if name == "review.css" else text


def incident_status(incident: Incident) -> str:
    """Confirmed when an attack type or a victim is confirmed, else claimed, else possible."""
    statuses = {item.status for item in (*incident.attack_types, *incident.victims)}
    for status in ("confirmed", "claimed", "possible"):
        if status in statuses:
            return status
    return "confirmed"


def article_status(record: ArticleRecord) -> str:
    if record.errors:
        return "error"
    if not record.incidents:
        return "none"
    return incident_status(record.incidents[0])


def record_title(record: ArticleRecord) -> str:
    source = record.source
    return source.title or source.id or source.path or source.url or "(untitled article)"


def record_fragment(record: ArticleRecord, anchor: str = "0") -> str:
    """The article view: header, legend, one item table per incident, the highlighted text."""
    incidents = []
    all_spans = []
    for index, incident in enumerate(record.incidents):
        spans = incident_spans(incident, index)
        all_spans.extend(spans)
        incidents.append({"status": incident_status(incident), "spans": spans})
    return (
        environment()
        .get_template("record.html.j2")
        .render(
            record=record,
            source=record.source,
            title=record_title(record),
            anchor=anchor,
            article_status=article_status(record),
            incidents=incidents,
            fields=FIELD_STYLES,
            highlighted=Markup(highlight_text(record.text, all_spans)),
        )
    )


def record_html(record: ArticleRecord) -> str:
    """A record for a notebook: the article view with its own styles, no script needed."""
    page = Markup('<div class="ie-review"><style>{}</style>{}</div>').format(
        Markup(asset("review.css")), Markup(record_fragment(record, anchor=str(id(record))))
    )
    return str(page)  # a plain str: Markup would escape whatever a caller adds to it


def incident_html(incident: Incident) -> str:
    """An incident for a notebook: its items with status, rule and evidence (it holds no text)."""
    return (
        environment()
        .get_template("incident.html.j2")
        .render(
            css=Markup(asset("review.css")),
            status=incident_status(incident),
            spans=incident_spans(incident),
            fields=FIELD_STYLES,
        )
    )


def record_rows(record: ArticleRecord, article_index: int) -> list[dict[str, Any]]:
    """The record's index rows: one per incident, or one for an article without incident."""
    source = record.source
    article = {
        "article": article_index,
        "title": record_title(record),
        "site": source.site,
        "published": source.published.isoformat() if source.published else None,
        "errors": list(record.errors),
    }
    if not record.incidents:
        status = "error" if record.errors else "none"
        return [{**article, **_empty_incident(), "status": status}]
    return [
        {**article, **_incident_cells(incident), "incident": index, "status": incident_status(incident)}
        for index, incident in enumerate(record.incidents)
    ]


def _incident_cells(incident: Incident) -> dict[str, Any]:
    def unique(values: Iterable[str]) -> list[str]:
        return list(dict.fromkeys(values))

    return {
        "victims": unique(victim.name for victim in incident.victims),
        "attack_date": incident.attack_date.value.isoformat() if incident.attack_date else None,
        "types": unique(item.id for item in incident.attack_types),
        "sectors": unique(item.id for item in incident.sectors),
        "places": unique(item.name for item in incident.locations),
        "regions": regions_of(item.name for item in incident.locations),
        "people": incident.people_affected.value if incident.people_affected else None,
    }


def _empty_incident() -> dict[str, Any]:
    return {"incident": None, "victims": [], "attack_date": None, "types": [], "sectors": [], "places": [],
            "regions": [], "people": None}  # fmt: skip


def frame_rows(frame: Any) -> list[dict[str, Any]]:
    """Index rows from :func:`~incident_extract.to_dataframe`'s incident table (no item statuses there)."""
    rows = []
    for row in frame.to_dict("records"):

        def listed(key: str, row: Mapping[str, Any] = row) -> list[str]:
            value = row.get(key)
            return [str(item) for item in value] if isinstance(value, list | tuple) else []

        def scalar(key: str, row: Mapping[str, Any] = row) -> Any:
            value = row.get(key)
            return None if value is None or _missing(value) else value

        errors = listed("errors")
        incident = scalar("incident_index")
        rows.append(
            {
                "article": scalar("article_index"),
                "title": scalar("title")
                or scalar("source_id")
                or scalar("source_path")
                or scalar("url")
                or "",
                "site": scalar("site"),
                "published": _iso_day(scalar("published")),
                "errors": errors,
                "incident": incident,
                "victims": listed("victims"),
                "attack_date": _iso_day(scalar("attack_date")),
                "types": listed("attack_types"),
                "sectors": listed("sectors"),
                "places": listed("locations"),
                "regions": regions_of(listed("locations")),
                "people": scalar("people_affected"),
                "status": "error" if errors else "none" if incident is None else "incident",
            }
        )
    return rows


def _missing(value: Any) -> bool:
    try:
        return bool(value != value)  # NaN, NaT and pandas.NA are not equal to themselves
    except TypeError:  # pandas.NA refuses to be a bool
        return True


def _iso_day(value: Any) -> str | None:
    if value is None:
        return None
    return value.date().isoformat() if hasattr(value, "date") else str(value)[:10]


def index_html(rows: list[dict[str, Any]]) -> str:
    """The index as a static table (notebooks: no script, no sorting)."""
    return (
        environment()
        .get_template("index.html.j2")
        .render(css=Markup(asset("review.css")), rows=rows, columns=INDEX_COLUMNS)
    )
