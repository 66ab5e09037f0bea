"""Choosing the format: suffix, explicit name, and what can be read back."""

import os
import stat

import pytest

from incident_extract.errors import InputError, OutputError
from incident_extract.outputs import OutputFormat, output_paths, read_records, resolve_format, write_records

from .store_samples import sample_records


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("out.jsonl", OutputFormat.JSONL),
        ("OUT.CSV", OutputFormat.CSV),
        ("base.sqlite", OutputFormat.SQLITE),
        ("base.sqlite3", OutputFormat.SQLITE),
        ("base.db", OutputFormat.SQLITE),
        ("bundle.json", OutputFormat.STIX),
        ("-", OutputFormat.JSONL),
    ],
)
def test_format_from_suffix(name, expected):
    assert resolve_format(name) is expected


def test_explicit_format_wins():
    assert resolve_format("bundle.json", "stix") is OutputFormat.STIX
    assert resolve_format("out.jsonl", OutputFormat.CSV) is OutputFormat.CSV


@pytest.mark.parametrize(
    ("name", "format"), [("notes.txt", None), ("out", None), ("out.csv", "xlsx"), ("-", "csv")]
)
def test_unknown_format_is_an_output_error(name, format):
    with pytest.raises(OutputError, match="format"):
        resolve_format(name, format)


def test_output_paths():
    assert [p.name for p in output_paths("d/out.csv", OutputFormat.CSV)] == ["out.csv", "out.items.csv"]
    assert [p.name for p in output_paths("d/base.db", OutputFormat.SQLITE)] == ["base.db"]


def test_stix_cannot_be_read_back(tmp_path):
    pytest.importorskip("stix2")
    out = tmp_path / "bundle.json"
    list(write_records(sample_records(), out, "stix"))
    with pytest.raises(InputError, match="export"):
        read_records(out, "stix")
    with pytest.raises(InputError, match="export"):
        read_records(out)


def test_jsonl_round_trip_through_the_dispatcher(tmp_path):
    out = tmp_path / "out.jsonl"
    assert list(write_records(sample_records(), out)) == sample_records()
    assert list(read_records(out)) == sample_records()


@pytest.mark.parametrize("name", ["out.jsonl", "out.csv"])
def test_files_get_the_usual_permissions_not_owner_only(tmp_path, name):
    old = os.umask(0o022)
    try:
        out = tmp_path / name
        list(write_records(sample_records(), out))
    finally:
        os.umask(old)
    for path in output_paths(out, resolve_format(out)):
        assert stat.S_IMODE(path.stat().st_mode) == 0o644
