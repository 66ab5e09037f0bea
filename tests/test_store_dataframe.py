"""to_dataframe: one row per incident (or per item) for notebooks; pandas is an optional extra."""

import sys

import pytest

from incident_extract.errors import MissingExtraError
from incident_extract.outputs import read_records, to_dataframe, write_records
from incident_extract.outputs.tables import INCIDENT_COLUMNS, ITEM_COLUMNS

from .store_samples import sample_records


def test_incidents_frame():
    pandas = pytest.importorskip("pandas")
    frame = to_dataframe(sample_records())
    assert list(frame.columns) == list(INCIDENT_COLUMNS)
    assert len(frame) == 6
    main = frame.iloc[0]
    assert main["attack_date"] == pandas.Timestamp("2024-03-09")
    assert main["people_affected"] == 300000
    assert main["attack_types"] == ["ransomware", "data_theft"]
    assert frame["incident_index"].isna().sum() == 3  # articles without incident keep a row
    assert str(frame["people_affected"].dtype) == "Int64"
    per_type = frame.explode("attack_types").groupby("attack_types").size().to_dict()
    assert per_type == {"data_theft": 1, "ddos": 1, "ransomware": 1}


def test_items_frame_from_a_database(tmp_path):
    pytest.importorskip("pandas")
    db = tmp_path / "base.sqlite"
    list(write_records(sample_records(), db))
    frame = to_dataframe(read_records(db), table="items")
    assert list(frame.columns) == list(ITEM_COLUMNS)
    assert len(frame) == 26
    assert frame.loc[frame["denied"], "vocab_id"].tolist() == ["bank_details"]


def test_unknown_table_is_refused():
    pytest.importorskip("pandas")
    with pytest.raises(ValueError, match="table"):
        to_dataframe(sample_records(), table="articles")


def test_missing_pandas_is_a_clear_error(monkeypatch):
    monkeypatch.setitem(sys.modules, "pandas", None)
    with pytest.raises(MissingExtraError, match=r"incident-extract\[pandas\]"):
        to_dataframe(sample_records())
