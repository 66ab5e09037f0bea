"""The CLI through typer's CliRunner: exit codes, files written, bad files among good ones."""

import json

import pytest
from typer.testing import CliRunner

from incident_extract.cli import app

pytestmark = pytest.mark.model

GOOD = (
    "Le centre hospitalier de Pontivy a été victime d'une cyberattaque au rançongiciel dans la nuit "
    "de dimanche à lundi. Les dossiers patients informatisés sont inaccessibles et la messagerie est "
    "coupée. L'établissement a porté plainte auprès de la gendarmerie et prévenu l'ANSSI."
)
ADVICE = (
    "Comment reconnaître un courriel d'hameçonnage ? Vérifiez toujours l'adresse de l'expéditeur, "
    "ne cliquez pas sur les liens inattendus et méfiez-vous des messages qui réclament une action urgente."
)


@pytest.fixture
def corpus(tmp_path, nlp):  # nlp: loads the pipeline once for the whole session
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "hopital.json").write_text(
        json.dumps({"id": "hopital", "url": None, "title": None, "published": "2024-03-12", "text": GOOD}),
        encoding="utf-8",
    )
    (folder / "conseils.txt").write_text(ADVICE, encoding="utf-8")
    (folder / "vide.txt").write_bytes(b"")
    (folder / "casse.html").write_bytes(b"\x00\xff\x00binary" * 100)
    return folder


def run(*args):
    return CliRunner().invoke(app, ["run", *args, "--no-progress"])


def test_run_writes_one_line_per_article_and_goes_on_after_bad_files(corpus, tmp_path):
    out = tmp_path / "out" / "records.jsonl"
    result = run(str(corpus), "-o", str(out))
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    by_name = {line["source"]["path"].rsplit("/", 1)[-1]: line for line in lines}
    assert set(by_name) == {"hopital.json", "conseils.txt", "vide.txt", "casse.html"}
    assert by_name["hopital.json"]["is_incident"] is True
    assert by_name["hopital.json"]["source"]["id"] == "hopital"
    assert by_name["conseils.txt"]["is_incident"] is False
    assert by_name["vide.txt"]["errors"] == ["empty file"]
    assert "binary" in by_name["casse.html"]["errors"][0]
    assert "4 articles, 1 incidents, 2 errors" in result.output


def test_missing_input_exits_2_with_one_line(tmp_path):
    result = run(str(tmp_path / "absent"), "-o", str(tmp_path / "o.jsonl"))
    assert result.exit_code == 2
    assert "input not found" in result.output
    assert not (tmp_path / "o.jsonl").exists()


def test_unwritable_output_exits_2(corpus, tmp_path):
    blocker = tmp_path / "file"
    blocker.write_text("x")
    result = run(str(corpus), "-o", str(blocker / "sub" / "o.jsonl"))
    assert result.exit_code == 2
    assert "cannot create output folder" in result.output


def test_previous_output_survives_a_failed_run(corpus, tmp_path, monkeypatch):
    out = tmp_path / "o.jsonl"
    out.write_text("previous\n", encoding="utf-8")

    def explode(*_args, **_kwargs):
        yield from ()
        raise KeyboardInterrupt

    monkeypatch.setattr("incident_extract.cli.extract_many", explode)
    result = run(str(corpus), "-o", str(out))
    assert result.exit_code != 0
    assert out.read_text(encoding="utf-8") == "previous\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".o.jsonl")] == []


def test_version():
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.output.startswith("incident-extract ")


def test_two_workers_give_the_same_records(corpus, tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    assert run(str(corpus), "-o", str(one)).exit_code == 0
    result = run(str(corpus), "-o", str(two), "--workers", "2")
    assert result.exit_code == 0, result.output

    def records(path):
        return sorted(path.read_text(encoding="utf-8").splitlines())

    assert records(one) == records(two)


def test_build_model_with_the_parser_saves_a_pipeline_run_takes(tmp_path):
    """``build-model --parser``: a self-contained pipeline with the dependency parser, which
    ``run --model`` uses (the victims' dependency patterns then apply)."""
    import spacy

    saved = tmp_path / "incident_fr"
    result = CliRunner().invoke(app, ["build-model", str(saved), "--parser"])
    assert result.exit_code == 0, result.output
    assert "parser" in spacy.load(saved).pipe_names
    article = tmp_path / "a.txt"
    article.write_text(
        "La société Granitex, spécialisée depuis trente ans dans la taille de pierres, "
        "a été touchée par une cyberattaque.",
        encoding="utf-8",
    )
    out = tmp_path / "out.jsonl"
    result = CliRunner().invoke(
        app, ["run", str(article), "-o", str(out), "--model", str(saved), "--no-progress"]
    )
    assert result.exit_code == 0, result.output
    record = json.loads(out.read_text(encoding="utf-8"))
    rules = [v["rule"] for incident in record["incidents"] for v in incident["victims"]]
    assert any("+role.sujet_passif" in rule for rule in rules), rules
