"""First-use frictions of the CLI, each with its test: stdout, .json, -i lists, the failure
summary, unsupported files, help texts, unwritable outputs, the web options. Prepared records,
no model."""

import json

import pytest
from typer.testing import CliRunner

from incident_extract.cli import app
from incident_extract.models import ArticleRecord, Source

from .store_samples import sample_records
from .web_server import local_web

RECORDS = sample_records()


@pytest.fixture
def pipeline(monkeypatch):
    """No model: the CLI gets the prepared records, and we keep what it was given to read."""
    given: dict = {}

    def extract(raws, nlp, settings, **options):
        given["raws"] = list(raws)
        given["options"] = options
        return iter(given.get("records", RECORDS))

    monkeypatch.setattr("incident_extract.cli.load_pipeline", lambda name: object())
    monkeypatch.setattr("incident_extract.cli.extract_many", extract)
    return given


@pytest.fixture
def folder(tmp_path):
    articles = tmp_path / "articles"
    articles.mkdir()
    (articles / "a.txt").write_text("La mairie de Lunel a été victime d'une cyberattaque.", encoding="utf-8")
    (articles / "rapport.pdf").write_bytes(b"%PDF-1.4 pas un article")
    (articles / "notes.md").write_text("# Notes de veille\n", encoding="utf-8")
    (articles / ".cache").mkdir()
    (articles / ".cache" / "x.bin").write_bytes(b"\x00")
    return articles


def invoke(*args):
    return CliRunner().invoke(app, [*map(str, args)])


def test_dash_writes_jsonl_to_stdout_and_the_summary_to_stderr(pipeline, folder):
    result = invoke("run", folder, "-o", "-", "--no-progress")
    assert result.exit_code == 0, result.output
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [ArticleRecord.model_validate(line) for line in lines] == RECORDS
    assert "5 articles, 3 incidents" in result.stderr and "wrote stdout" in result.stderr
    assert pipeline["options"] == {"progress": False}  # the CLI has its own bar


def test_json_output_is_a_stix_bundle(pipeline, folder, tmp_path):
    pytest.importorskip("stix2")
    out = tmp_path / "bundle.json"
    assert invoke("run", folder, "-o", out, "--no-progress").exit_code == 0
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert bundle["type"] == "bundle" and any(obj["type"] == "report" for obj in bundle["objects"])


def test_misp_format_and_tlp_option(pipeline, folder, tmp_path):
    pytest.importorskip("pymisp")
    out = tmp_path / "events.json"
    result = invoke("run", folder, "-o", out, "-f", "misp", "--tlp", "green", "--no-progress")
    assert result.exit_code == 0, result.output
    events = json.loads(out.read_text(encoding="utf-8"))["response"]
    assert len(events) == 3
    assert all({"name": "tlp:green"} in event["Event"]["Tag"] for event in events)


def test_unknown_tlp_is_refused_before_the_model(pipeline, folder, tmp_path):
    result = invoke("run", folder, "-o", tmp_path / "b.json", "--tlp", "orange", "--no-progress")
    assert result.exit_code == 2 and "unknown TLP level 'orange'" in result.output
    assert "raws" not in pipeline


def test_input_list_reads_urls_and_paths(pipeline, folder, tmp_path):
    listing = tmp_path / "urls.txt"
    listing.write_text(f"# veille du jour\n\n{folder / 'a.txt'}\n", encoding="utf-8")
    result = invoke("run", "-i", listing, "-o", tmp_path / "out.jsonl", "--no-progress")
    assert result.exit_code == 0, result.output
    assert [raw.path for raw in pipeline["raws"]] == [str(folder / "a.txt")]


def test_no_input_at_all_is_a_one_line_error(pipeline, tmp_path):
    result = invoke("run", "-o", tmp_path / "out.jsonl", "--no-progress")
    assert result.exit_code == 2 and "no input" in result.output


def test_summary_names_failed_inputs_and_unsupported_files(pipeline, folder, tmp_path):
    result = invoke("run", folder, "-o", tmp_path / "out.jsonl", "--no-progress")
    assert result.exit_code == 0, result.output
    assert "inputs with errors (3):" in result.stderr
    assert "articles/vide.txt: empty file" in result.stderr
    assert "articles/casse.html: binary content" in result.stderr
    assert "unsupported files skipped (2):" in result.stderr
    assert "notes.md" in result.stderr and "rapport.pdf" in result.stderr and "x.bin" not in result.stderr


def test_first_ten_failures_without_verbose_all_with_it(pipeline, folder, tmp_path):
    pipeline["records"] = [
        ArticleRecord(source=Source(path=f"articles/casse{n}.html"), text="", errors=["binary content"])
        for n in range(12)
    ]
    short = invoke("run", folder, "-o", tmp_path / "out.jsonl", "--no-progress")
    assert "casse9.html" in short.stderr and "casse10.html" not in short.stderr
    assert "and 2 more (-v lists them all)" in short.stderr
    for args in (["run", "-v"], ["-v", "run"]):  # as an option of run or of the program
        full = invoke(*args, folder, "-o", tmp_path / "out.jsonl", "--no-progress")
        assert "casse11.html" in full.stderr and "more" not in full.stderr


def test_a_file_of_unsupported_type_named_directly_says_so(tmp_path):
    from incident_extract.sources import read_path

    pdf = tmp_path / "rapport.pdf"
    pdf.write_bytes(b"%PDF-1.4")
    (article,) = read_path(pdf)
    assert article.error.startswith("unsupported file type .pdf")


@pytest.mark.parametrize("output", ["/proc/sortie.jsonl", "/proc/self/sortie.csv", "/proc/x/y/z.sqlite"])
def test_unwritable_output_is_one_line_without_traceback(pipeline, folder, output):
    result = invoke("run", folder, "-o", output, "--no-progress")
    assert result.exit_code == 2
    assert result.output.count("\n") == 1 and "Traceback" not in result.output
    assert "raws" not in pipeline


def test_help_texts_show_brackets_and_urls():
    batch_help = invoke("batch", "--help").output
    assert "[[feeds]]" in batch_help and "[store]" in batch_help
    run_help = " ".join(invoke("run", "--help").output.split())
    assert "URLs" in run_help and "feed" in run_help and "--input-list" in run_help


def test_datasette_metadata_command(tmp_path):
    result = invoke("datasette-metadata", tmp_path / "veille.sqlite")
    assert result.exit_code == 0
    assert "veille:" in result.stdout and "incidents_par_mois" in result.stdout


@pytest.fixture(scope="module")
def web():
    with local_web() as server:
        yield server


QUICK = ["--per-host-delay", "0", "--retries", "0"]


def test_web_options_reach_the_fetcher(pipeline, web, tmp_path):
    web.reset_log()
    page, slow = web.url("/articles/clinique-tilleuls.html"), web.url("/lent.html")
    result = invoke("run", page, slow, "-o", tmp_path / "o.jsonl", "--no-progress", *QUICK,
                    "--timeout", "0.3", "--user-agent", "veille-mairie/2.0 (+mailto:rssi@exemple.fr)")  # fmt: skip
    assert result.exit_code == 0, result.output
    fetched, timed_out = pipeline["raws"]
    assert fetched.error is None and "clinique des Tilleuls" in fetched.html
    assert timed_out.error.startswith("fetch failed (timeout)")  # the server answers after 2 s
    assert {hit.headers["user-agent"] for hit in web.hits} == {"veille-mairie/2.0 (+mailto:rssi@exemple.fr)"}


def test_retries_option(pipeline, web, tmp_path):
    down = web.url("/toujours-en-panne/article.html?essai=cli")
    result = invoke("run", down, "-o", tmp_path / "o.jsonl", "--no-progress", *QUICK, "--retries", "1")
    assert result.exit_code == 0, result.output
    assert web.attempts["/toujours-en-panne/article.html?essai=cli"] == 2
    assert pipeline["raws"][0].error.startswith("fetch failed (server_error)")


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("--timeout", "0", "invalid --timeout: Input should be greater than 0"),
        ("--url-deadline", "-1", "invalid --url-deadline: Input should be greater than 0"),
        (
            "--per-host-concurrency",
            "0",
            "invalid --per-host-concurrency: Input should be greater than or equal to 1",
        ),
        (
            "--user-agent",
            "veille\nX-Injecte: 1",
            "invalid --user-agent: Value error, the User-Agent must be one line",
        ),
    ],
)
def test_a_web_option_out_of_range_is_one_line_before_the_model(
    pipeline, folder, tmp_path, option, value, message
):
    result = invoke("run", folder, "-o", tmp_path / "o.jsonl", "--no-progress", option, value)
    assert result.exit_code == 2 and result.output.count("\n") == 1
    assert message in result.output
    assert "raws" not in pipeline


def test_help_shows_the_web_options():
    run_help = " ".join(invoke("run", "--help").output.split())
    for option in ("--timeout", "--url-deadline", "--retries", "--per-host-delay", "--user-agent"):
        assert option in run_help
