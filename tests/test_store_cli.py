"""``incident-extract run -o OUT`` in every format, with prepared records instead of the spaCy model."""

import json

import pytest
from typer.testing import CliRunner

from incident_extract.cli import app
from incident_extract.outputs import SQLiteStore, read_records
from incident_extract.outputs.csv_files import items_path

from .store_samples import sample_records

SUMMARY = "5 articles, 3 incidents, 3 errors"


@pytest.fixture
def pipeline(monkeypatch):
    """No model: ``load_pipeline`` is recorded, ``extract_many`` returns the prepared records."""
    loaded = []
    monkeypatch.setattr("incident_extract.cli.load_pipeline", lambda name: loaded.append(name) or object())
    monkeypatch.setattr(
        "incident_extract.cli.extract_many", lambda raws, nlp, settings, **_: iter(sample_records())
    )
    return loaded


@pytest.fixture
def articles(tmp_path):
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("La mairie de Lunel a été victime d'une cyberattaque.", encoding="utf-8")
    return folder


def run(*args):
    result = CliRunner().invoke(app, ["run", *map(str, args), "--no-progress"])
    return result


@pytest.mark.parametrize("name", ["out.jsonl", "out.csv", "out.sqlite", "out.db"])
def test_format_from_suffix(pipeline, articles, tmp_path, name):
    out = tmp_path / name
    result = run(articles, "-o", out)
    assert result.exit_code == 0, result.output
    assert SUMMARY in result.output
    assert list(read_records(out)) == sample_records()


def test_csv_writes_two_files_and_says_so(pipeline, articles, tmp_path):
    out = tmp_path / "out.csv"
    result = run(articles, "-o", out)
    assert result.exit_code == 0, result.output
    assert items_path(out).exists()
    assert "out.items.csv" in result.output.replace("\n", "")


def test_format_option_overrides_the_suffix(pipeline, articles, tmp_path):
    out = tmp_path / "export.txt"
    result = run(articles, "-o", out, "--format", "csv")
    assert result.exit_code == 0, result.output
    assert out.read_text(encoding="utf-8").startswith("article_index,")
    assert (tmp_path / "export.items.csv").exists()
    assert list(read_records(out, "csv")) == sample_records()


def test_stix_format(pipeline, articles, tmp_path):
    pytest.importorskip("stix2")
    out = tmp_path / "bundle.json"
    result = run(articles, "-o", out, "-f", "stix")
    assert result.exit_code == 0, result.output
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert sum(obj["type"] == "incident" for obj in bundle["objects"]) == 3


def test_excel_bom_and_french_delimiter(pipeline, articles, tmp_path):
    out = tmp_path / "excel.csv"
    result = run(articles, "-o", out, "--excel", "--csv-delimiter", ";")
    assert result.exit_code == 0, result.output
    assert out.read_bytes().startswith(b"\xef\xbb\xbfarticle_index;")
    assert list(read_records(out)) == sample_records()


def test_sqlite_twice_keeps_the_same_rows(pipeline, articles, tmp_path):
    out = tmp_path / "base.sqlite"
    for _ in range(2):
        assert run(articles, "-o", out).exit_code == 0
    with SQLiteStore(out) as store:
        assert store.row_counts() == {"articles": 5, "incidents": 3, "items": 26}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["-o", "{tmp}/out.txt"], "cannot tell the format"),
        (["-o", "/proc/sortie.jsonl"], "cannot write in output folder /proc"),
        (["-o", "{tmp}/out.csv", "--csv-delimiter", "ab"], "delimiter"),
        (["-o", "{tmp}/notes.db"], "notes.db"),
    ],
)
def test_bad_output_exits_2_before_loading_the_model(pipeline, articles, tmp_path, args, message):
    (tmp_path / "notes.db").write_text("pas une base SQLite\n" * 50, encoding="utf-8")
    result = run(articles, *(arg.format(tmp=tmp_path) for arg in args))
    assert result.exit_code == 2
    assert message in result.output.replace("\n", "")
    assert pipeline == []


def test_unknown_format_name_is_a_usage_error(pipeline, articles, tmp_path):
    result = run(articles, "-o", tmp_path / "out.csv", "--format", "xlsx")
    assert result.exit_code == 2
    assert pipeline == []


def test_previous_csv_survives_a_failed_run(pipeline, articles, tmp_path, monkeypatch):
    out = tmp_path / "out.csv"
    assert run(articles, "-o", out).exit_code == 0
    before = out.read_bytes(), items_path(out).read_bytes()

    def explode(*_args, **_kwargs):
        yield from sample_records()[:2]
        raise KeyboardInterrupt

    monkeypatch.setattr("incident_extract.cli.extract_many", explode)
    result = run(articles, "-o", out)
    assert result.exit_code != 0
    assert (out.read_bytes(), items_path(out).read_bytes()) == before
    assert sorted(path.name for path in tmp_path.iterdir() if path.is_file()) == ["out.csv", "out.items.csv"]
