"""CSV for spreadsheets: two files, lossless round trip, formula escaping, BOM, atomic writes."""

import csv

import pytest

from incident_extract.errors import InputError, OutputError
from incident_extract.outputs import read_records, write_records
from incident_extract.outputs.csv_files import (
    escape_formula,
    items_path,
    join_list,
    read_csv,
    split_list,
    unescape_formula,
    write_csv,
)
from incident_extract.outputs.tables import INCIDENT_COLUMNS, ITEM_COLUMNS

from .store_samples import LONG_EVIDENCE, odd_record, sample_records


def write(records, path, **options):
    return list(write_csv(records, path, **options))


def read_rows(path, delimiter=","):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle, delimiter=delimiter))


def test_round_trip_gives_the_same_records(tmp_path):
    records = sample_records()
    out = tmp_path / "out.csv"
    assert write(records, out) == records
    assert list(read_csv(out)) == records
    assert list(read_records(out)) == records


def test_two_files_one_row_per_incident_and_one_per_item(tmp_path):
    out = tmp_path / "out.csv"
    write(sample_records(), out)
    assert items_path(out) == tmp_path / "out.items.csv"
    incidents, items = read_rows(out), read_rows(items_path(out))
    assert tuple(incidents[0]) == INCIDENT_COLUMNS and tuple(items[0]) == ITEM_COLUMNS
    assert len(incidents) == 6  # 2 + 1 + 1 + 1 + 1: articles without incident keep a row
    assert len(items) == 26
    main = incidents[0]
    assert main["published"] == "2024-03-12" and main["attack_date"] == "2024-03-09"
    assert main["victims"] == "centre hospitalier de Pontivy; patients"
    assert main["authorities"] == "ARS; GENDARMERIE; ANSSI; CNIL"
    assert main["is_incident"] == "true" and main["people_affected"] == "300000"
    advice = incidents[2]
    assert advice["incident_index"] == "" and advice["victims"] == "" and advice["is_incident"] == "false"
    denied = [row for row in items if row["denied"] == "true"]
    assert [(row["field"], row["vocab_id"], row["evidence_text"]) for row in denied] == [
        ("data_leaked", "bank_details", "Aucune donnée bancaire n'est concernée.")
    ]


def test_odd_text_survives(tmp_path):
    out = tmp_path / "odd.csv"
    write([odd_record()], out)
    (back,) = read_csv(out)
    assert back == odd_record()
    assert back.incidents[0].victims[1].evidence.text == LONG_EVIDENCE  # longer than csv's default cell limit
    assert back.errors == [
        "avertissement ; avec point-virgule",
        "chemin C:\\dossier\\",
        "-commence par un tiret",
    ]


def test_cells_that_look_like_formulas_are_escaped(tmp_path):
    out = tmp_path / "odd.csv"
    write([odd_record()], out)
    (row,) = read_rows(out)
    assert row["victims"].startswith("'=HYPERLINK(")
    assert row["threat_actors"] == "'-moins @arobase"
    assert row["title"].startswith("'+")
    assert row["site"] == "'@site"
    assert row["text"].startswith("'=HYPERLINK(")
    assert row["locations"] == "''apostrophe"  # so that reading removes exactly one quote
    items = read_rows(items_path(out))
    assert items[0]["name"].startswith("'=") and items[0]["rule"] == "'=1+1"
    for path in (out, items_path(out)):
        with path.open(encoding="utf-8", newline="") as handle:
            cells = [cell for row in csv.reader(handle) for cell in row]
        assert not [cell for cell in cells if cell.startswith(("=", "+", "-", "@", "\t", "\r"))]


@pytest.mark.parametrize("cell", ["=1+1", "+33", "-5", "@SUM(A1)", "\tx", "\rx", "'quoted", "plain", ""])
def test_formula_escaping_is_undone_exactly(cell):
    escaped = escape_formula(cell)
    assert not escaped.startswith(("=", "+", "-", "@", "\t", "\r"))
    assert unescape_formula(escaped) == cell


@pytest.mark.parametrize(
    "values", [[], ["a"], ["a", "b"], ["a; b", "c;d"], ["back\\slash", "\\;", " espace"], ["🚨", "« x »"]]
)
@pytest.mark.parametrize("separator", ["; ", " | "])
def test_list_cells_are_readable_and_split_back(values, separator):
    values = [*values, "a | b", "fin "]
    cell = join_list(values, separator)
    assert split_list(cell, separator) == values
    assert join_list(["a", "b"], separator) == f"a{separator}b"


def test_lists_never_use_the_cell_delimiter_and_labels_are_french(tmp_path):
    out = tmp_path / "francais.csv"
    write(sample_records(), out, delimiter=";")
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle, delimiter=";"))
    hospital = rows[0]
    assert hospital["authorities"] == "ARS | GENDARMERIE | ANSSI | CNIL"
    assert hospital["attack_types_label"] == "rançongiciel | vol de données"
    assert hospital["sectors_label"] == "santé"
    assert hospital["authorities_label"].startswith("agence régionale de santé | gendarmerie")
    assert list(read_csv(out)) == sample_records()
    comma = tmp_path / "virgules.csv"
    write(sample_records(), comma)
    with comma.open(encoding="utf-8", newline="") as handle:
        assert next(csv.DictReader(handle))["attack_types_label"] == "rançongiciel; vol de données"


def test_a_csv_written_before_the_label_columns_is_still_read(tmp_path):
    out = tmp_path / "ancien.csv"
    write(sample_records(), out)
    with out.open(encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    with out.open("w", encoding="utf-8", newline="") as handle:
        kept = [name for name in rows[0] if not name.endswith("_label")]
        writer = csv.DictWriter(handle, kept, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    assert list(read_csv(out)) == sample_records()


def test_excel_option_writes_a_bom_and_semicolons_suit_french_excel(tmp_path):
    out = tmp_path / "excel.csv"
    write(sample_records(), out, excel=True, delimiter=";")
    for path in (out, items_path(out)):
        data = path.read_bytes()
        assert data.startswith(b"\xef\xbb\xbfarticle_index;article_key;")
    assert "hôpital".encode() in out.read_bytes()
    assert list(read_csv(out)) == sample_records()


def test_plain_csv_has_no_bom(tmp_path):
    out = tmp_path / "plain.csv"
    write(sample_records(), out)
    assert out.read_bytes().startswith(b"article_index,")


@pytest.mark.parametrize("delimiter", ["", ";;", '"', "a", "\n"])
def test_bad_delimiter_is_refused_before_writing(tmp_path, delimiter):
    with pytest.raises(OutputError, match="delimiter"):
        write_csv([], tmp_path / "x.csv", delimiter=delimiter)
    assert list(tmp_path.iterdir()) == []


def test_interrupted_write_keeps_both_previous_files(tmp_path):
    out = tmp_path / "out.csv"
    write(sample_records(), out)
    before = out.read_bytes(), items_path(out).read_bytes()

    def failing():
        yield from sample_records()[:2]
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write(failing(), out)
    assert (out.read_bytes(), items_path(out).read_bytes()) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.csv", "out.items.csv"]  # no temp files left


def test_dispatch_by_suffix_writes_csv(tmp_path):
    out = tmp_path / "out.csv"
    assert list(write_records(sample_records(), out)) == sample_records()
    assert items_path(out).exists()


def test_reading_needs_the_items_file(tmp_path):
    out = tmp_path / "out.csv"
    write(sample_records(), out)
    items_path(out).unlink()
    with pytest.raises(InputError, match=r"items\.csv"):
        list(read_csv(out))


def test_reading_a_foreign_csv_fails_clearly(tmp_path):
    out = tmp_path / "other.csv"
    out.write_text("a,b\n1,2\n", encoding="utf-8")
    items_path(out).write_text("a,b\n", encoding="utf-8")
    with pytest.raises(InputError, match="not an incident-extract CSV"):
        list(read_csv(out))
