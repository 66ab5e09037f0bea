"""See the evidence: an HTML review of records, as one offline page and in notebooks.

- :func:`write_review` writes the page (index with filters and search, charts, each article's
  text with its evidence spans highlighted); the CLI's ``review`` command and ``run --review``.
- ``ArticleRecord`` and ``Incident`` display themselves in notebooks (``_repr_html_``), and
  :func:`display_records` shows the index of a list of records or of a DataFrame.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from ..models import HTML_VIEWS, ArticleRecord
from .page import ReviewSummary, in_period, read_review_input, review_html, write_review
from .render import frame_rows, incident_html, index_html, record_html, record_rows

HTML_VIEWS.update(Incident=incident_html, ArticleRecord=record_html)  # their _repr_html_


class RecordsIndex:
    """The index table of some records; shows itself in a notebook (``_repr_html_``)."""

    def __init__(self, rows: list[dict[str, Any]]) -> None:
        self.rows = rows

    def _repr_html_(self) -> str:
        return index_html(self.rows)

    def __len__(self) -> int:
        return len(self.rows)


def records_index(records: Iterable[ArticleRecord] | Any) -> RecordsIndex:
    """The index of a list of records, or of :func:`~incident_extract.to_dataframe`'s incident table."""
    if hasattr(records, "to_dict") and hasattr(records, "columns"):
        return RecordsIndex(frame_rows(records))
    rows = [row for index, record in enumerate(records) for row in record_rows(record, index)]
    return RecordsIndex(rows)


def display_records(records: Iterable[ArticleRecord] | Any) -> RecordsIndex | None:
    """Show the index in a notebook (a list of records or a DataFrame).

    Without IPython nothing can be shown: the index is returned instead (its ``_repr_html_()``).
    """
    index = records_index(records)
    try:
        from IPython.display import display
    except ImportError:
        return index
    display(index)
    return None


__all__ = [
    "RecordsIndex",
    "ReviewSummary",
    "display_records",
    "in_period",
    "incident_html",
    "read_review_input",
    "record_html",
    "records_index",
    "review_html",
    "write_review",
]
