"""Records as a pandas DataFrame, for notebooks (pandas is the optional extra ``pandas``)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Literal

from ..errors import MissingExtraError
from ..models import ArticleRecord
from .tables import INCIDENT_COLUMNS, ITEM_COLUMNS, incident_table, item_table

if TYPE_CHECKING:
    import pandas


def to_dataframe(
    records: Iterable[ArticleRecord], table: Literal["incidents", "items"] = "incidents"
) -> pandas.DataFrame:
    """One row per incident (the CSV's columns; list columns hold Python lists, dates are
    datetimes), or with ``table="items"`` one row per extracted item with its evidence."""
    try:
        import pandas
    except ImportError as exc:
        raise MissingExtraError("to_dataframe needs pandas: pip install 'incident-extract[pandas]'") from exc
    if table == "items":
        return pandas.DataFrame(list(item_table(records)), columns=list(ITEM_COLUMNS))
    if table != "incidents":
        raise ValueError(f"table must be 'incidents' or 'items', not {table!r}")
    frame = pandas.DataFrame(list(incident_table(records)), columns=list(INCIDENT_COLUMNS))
    for column in ("published", "attack_date"):
        frame[column] = pandas.to_datetime(frame[column])
    for column in ("incident_index", "people_affected"):
        frame[column] = frame[column].astype("Int64")
    return frame
