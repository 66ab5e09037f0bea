"""Hostile and careless files given to ``run``: each bad one gets its own error line, the good
ones around it are written, nothing crashes (../shared/reviews/reliability.md, cases 1-45).

Every file is made on the fly; the French sentences are written for these tests.
"""

from __future__ import annotations

import gzip
import io
import json
import os
import sqlite3
import sys
import zipfile
from pathlib import Path

import pytest
from typer.testing import CliRunner

from incident_extract.cli import app
from incident_extract.models import ArticleRecord
from incident_extract.outputs import article_key

pytestmark = pytest.mark.model

FRENCH = (
    "La clinique des Tilleuls, à Vannes, a été victime jeudi d'une attaque par rançongiciel. "
    "Les équipes ont dû revenir au papier et l'hôpital a prévenu l'ANSSI ainsi que la gendarmerie. "
    "Les pirates réclament une rançon pour rendre les données chiffrées. "
)
ENGLISH = (
    "The regional hospital was hit by a ransomware attack on Thursday. Staff went back to paper "
    "records while the national agency investigated the intrusion and the stolen files. "
)
CHINESE = "医院的信息系统遭到勒索软件攻击，所有病历都无法访问，黑客要求支付赎金。" * 10
TITLE = "Cyberattaque à l'hôpital de Vannes"


ODD_NAMES = [
    "ligne\nnouvelle.txt",
    "tab\tulation.txt",
    "-o.txt",
    "=cmd|' 0'!A0.txt",
    "$(id).txt",
    "🔒 rançon.txt",
    "\u202etxt.exe.txt",
    "é" * 120 + ".txt",
]
"""File names a shell or a spreadsheet would misread; each is just a name here."""


def zipped(data: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.txt", data)
    return buffer.getvalue()


def json_line(**fields) -> str:
    return json.dumps({"text": FRENCH, **fields})


# name -> bytes of the file; the expected outcome is in OUTCOMES
CASES: dict[str, bytes] = {
    "vide.txt": b"",
    "aleatoire.txt": os.urandom(3000).replace(b"\x00", b"\x01") + b"\x00",
    "image.html": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(200),
    "bombe.html": gzip.compress(bytes(2_000_000)),
    "un-octet-invalide.txt": (TITLE + "\n" + FRENCH).encode() + b"\xff" + FRENCH.encode(),
    "utf16.txt": (TITLE + "\n" + FRENCH).encode("utf-16"),
    "utf16.html": f"<html><head><title>{TITLE}</title></head><body><p>{FRENCH}</p></body></html>".encode(
        "utf-16"
    ),
    "utf32.txt": (TITLE + "\n" + FRENCH).encode("utf-32"),
    "latin1.txt": (TITLE + "\n" + FRENCH).encode("latin-1"),
    "cp1252.html": (
        f"<html><head><title>{TITLE}</title></head><body><article><p>{FRENCH} « L’hôpital » "
        f"</p></article></body></html>"
    ).encode("cp1252"),
    "trop-gros.txt": b"a" * 5_000_001,
    "profond.json": b"[" * 200_000 + b"]" * 200_000,
    "tronque.json": json_line(id="t").encode()[:-20],
    "tableau.json": b"[1, 2, 3]",
    "date-fausse.json": json_line(published="2024-13-45").encode(),
    "nan.json": b'{"title": NaN, "text": ' + json.dumps(FRENCH).encode() + b"}",
    "infini.json": b'{"title": -Infinity, "text": ' + json.dumps(FRENCH).encode() + b"}",
    "surrogat.json": b'{"title": "Alerte \\ud800", "text": ' + json.dumps(FRENCH).encode() + b"}",
    "nul.json": b'{"title": "Alerte\\u0000 rouge", "text": ' + json.dumps(FRENCH + "\u0000").encode() + b"}",
    "melange.jsonl": "\n".join(
        ["[" * 50_000, json_line(id="bon-1"), "{pas du json", json_line(id="bon-2"), json_line(id="bon-3")]
    ).encode(),
    "document.html": b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<< /Type /Catalog >>\nendobj\n" * 20,
    "archive.html": zipped(bytes(2_000_000)),
    "divs-fermees.html": b"<html><body>" + b"<div>" * 100_000 + b"</div>" * 100_000 + b"</body></html>",
    "divs-ouvertes.html": b"<html><body>" + b"<div>" * 100_000,
    "melange-langues.txt": (ENGLISH * 4 + FRENCH).encode(),
    "math.html": b"<math><tr><tr>",  # trips an assertion in lxml under trafilatura (found by fuzzing)
    "anglais.txt": ENGLISH.encode(),
    "chinois.txt": CHINESE.encode(),
}

ERROR = "error"
INCIDENT = "incident"
OUTCOMES: dict[str, tuple[str, str]] = {
    # name -> (what the record must be, a substring of its error or of its title)
    "vide.txt": (ERROR, "empty"),
    "aleatoire.txt": (ERROR, "binary"),
    "image.html": (ERROR, "binary"),
    "bombe.html": (ERROR, ""),
    "un-octet-invalide.txt": (INCIDENT, TITLE),
    "utf16.txt": (INCIDENT, TITLE),
    "utf16.html": (INCIDENT, TITLE),
    "utf32.txt": (INCIDENT, TITLE),
    "latin1.txt": (INCIDENT, TITLE),
    "cp1252.html": (INCIDENT, TITLE),
    "trop-gros.txt": (ERROR, "too large"),
    "profond.json": (ERROR, "nested too deeply"),
    "tronque.json": (ERROR, "invalid JSON"),
    "tableau.json": (ERROR, "expected an object"),
    "date-fausse.json": (ERROR, "invalid published date"),
    "nan.json": (ERROR, "NaN is not valid JSON"),
    "infini.json": (ERROR, "-Infinity is not valid JSON"),
    "surrogat.json": (INCIDENT, "Alerte \ufffd"),
    "nul.json": (INCIDENT, "Alerte rouge"),
    "document.html": (ERROR, "no article text"),
    "archive.html": (ERROR, "binary"),
    "divs-fermees.html": (ERROR, "no article text"),
    "divs-ouvertes.html": (ERROR, "no article text"),
    "melange-langues.txt": (INCIDENT, "Vannes"),  # a fifth in French: processed
    "math.html": (ERROR, "unreadable HTML page"),
    "anglais.txt": (ERROR, "not a French article"),
    "chinois.txt": (ERROR, "not a French article"),
}


@pytest.fixture(scope="module")
def hostile_folder(tmp_path_factory, nlp) -> Path:  # nlp: the pipeline once for the session
    folder = tmp_path_factory.mktemp("hostile") / "articles"
    folder.mkdir()
    for name, data in CASES.items():
        (folder / name).write_bytes(data)
    (folder / "bon.txt").write_text(TITLE + "\n" + FRENCH, encoding="utf-8")
    for name in ODD_NAMES:
        (folder / name).write_text(FRENCH, encoding="utf-8")
    if sys.platform == "linux":  # a name that is not UTF-8 (its bytes reach Python as surrogates)
        with open(os.path.join(os.fsencode(folder), b"caf\xe9.txt"), "wb") as handle:
            handle.write(FRENCH.encode())
    outside = folder.parent / "secret.txt"
    outside.write_text("Ce fichier est hors du dossier d'entrée et ne doit jamais être lu. " * 3)
    (folder / "lien-sortant.txt").symlink_to(outside)
    (folder / "lien-interne.txt").symlink_to(folder / "bon.txt")
    (folder / "boucle.txt").symlink_to(folder / "boucle.txt")
    (folder / "pendant.txt").symlink_to(folder / "absent.txt")
    return folder


def run(*args: str):
    return CliRunner().invoke(app, ["run", *args, "--no-progress"])


def by_name(records: list[dict]) -> dict[str, dict]:
    return {r["source"]["path"].rsplit("/", 1)[-1]: r for r in records}


@pytest.fixture(scope="module")
def jsonl_records(hostile_folder, tmp_path_factory) -> dict[str, dict]:
    out = tmp_path_factory.mktemp("out") / "records.jsonl"
    result = run(str(hostile_folder), "-o", str(out))
    assert result.exit_code == 0, result.output
    return by_name([json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()])


@pytest.mark.parametrize("name", sorted(OUTCOMES))
def test_each_hostile_file_gets_its_own_outcome(jsonl_records, name):
    expected, words = OUTCOMES[name]
    record = jsonl_records[name]
    if expected == ERROR:
        assert record["errors"] and words in record["errors"][0]
        return
    assert record["errors"] == []
    assert record["is_incident"] is True
    assert words in record["text"]
    assert "ŕ" not in record["text"] and "Ã" not in record["text"]  # no Central European or mojibake reading


def test_a_bad_line_in_jsonl_costs_only_that_line(jsonl_records):
    lines = {name: r for name, r in jsonl_records.items() if name.startswith("melange.jsonl:")}
    assert len(lines) == 5
    assert [r["source"]["id"] for r in lines.values() if not r["errors"]] == ["bon-1", "bon-2", "bon-3"]
    assert "nested too deeply" in lines["melange.jsonl:1"]["errors"][0]


def test_symlinks_leaving_the_folder_are_refused_and_others_kept(jsonl_records):
    assert "outside the input folder" in jsonl_records["lien-sortant.txt"]["errors"][0]
    assert "hors du dossier" not in json.dumps(jsonl_records, ensure_ascii=False)
    assert jsonl_records["lien-interne.txt"]["is_incident"] is True
    assert "boucle.txt" not in jsonl_records and "pendant.txt" not in jsonl_records


@pytest.mark.skipif(sys.platform != "linux", reason="file names as bytes")
def test_a_name_that_is_not_utf8_is_written_with_a_replacement_character(jsonl_records):
    assert jsonl_records["caf\ufffd.txt"]["is_incident"] is True


def test_no_control_character_reaches_the_output(jsonl_records):
    record = jsonl_records["nul.json"]
    assert "\u0000" not in record["text"] and "\u0000" not in record["source"]["title"]


def test_sqlite_output_keeps_every_article_after_a_hostile_one(hostile_folder, jsonl_records, tmp_path):
    out = tmp_path / "records.sqlite"
    result = run(str(hostile_folder), "-o", str(out))
    assert result.exit_code == 0, result.output
    with sqlite3.connect(out) as connection:
        stored = {row[0] for row in connection.execute("SELECT article_key FROM articles")}
    # the store keeps one row per article key (URL or text hash): the same text read from
    # several files is one article
    expected = {article_key(ArticleRecord.model_validate(record)) for record in jsonl_records.values()}
    assert stored == expected


def test_odd_file_names_are_read_like_any_other(jsonl_records):
    for name in ODD_NAMES:
        key = name.rsplit("/", 1)[-1]
        assert jsonl_records[key]["is_incident"] is True, name


@pytest.mark.skipif(not Path("/proc/self/mem").exists(), reason="needs /proc/self/mem to fail a read")
def test_an_unreadable_file_is_an_error_line_and_the_others_are_kept(tmp_path, nlp):
    unreadable = tmp_path / "illisible.txt"
    unreadable.symlink_to("/proc/self/mem")  # reading it fails with EIO (chmod 000 means nothing to root)
    good = tmp_path / "bon.txt"
    good.write_text(TITLE + "\n" + FRENCH, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    result = run(str(unreadable), str(good), "-o", str(out))
    assert result.exit_code == 0, result.output
    records = by_name([json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()])
    assert "cannot read file" in records["illisible.txt"]["errors"][0]
    assert records["bon.txt"]["is_incident"] is True


def test_a_fifo_given_as_input_is_refused_before_any_work(tmp_path):
    fifo = tmp_path / "tube.txt"
    os.mkfifo(fifo)
    result = run(str(fifo), "-o", str(tmp_path / "out.jsonl"))
    assert result.exit_code == 2
    assert "input not found" in result.output


HUGE_COUNT = (
    "La mairie de Morlaix a été victime d'une cyberattaque par rançongiciel. Les données de "
    "100000000000000000000000 personnes auraient été volées, selon la commune, qui a prévenu l'ANSSI."
)


def test_a_record_sqlite_cannot_hold_is_stored_as_an_error_and_the_run_goes_on(tmp_path, nlp):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a-enorme.txt").write_text(HUGE_COUNT, encoding="utf-8")  # past SQLite's 64-bit integers
    (folder / "b-bon.txt").write_text(TITLE + "\n" + FRENCH, encoding="utf-8")
    out = tmp_path / "records.sqlite"
    result = run(str(folder), "-o", str(out))
    assert result.exit_code == 0, result.output
    with sqlite3.connect(out) as connection:
        rows = dict(connection.execute("SELECT source_id, errors_json FROM articles"))
    assert set(rows) == {"a-enorme", "b-bon"}
    assert "cannot store this record: OverflowError" in rows["a-enorme"]
    assert rows["b-bon"] == "[]"
