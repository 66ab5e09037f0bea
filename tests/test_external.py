"""Real pages and feeds from other projects' test suites (``../shared/external``, read in place).

Nothing crashes; a non-French page gets its error; no French general-news page yields an
incident; every feed either parses or gets a FeedError.
"""

from __future__ import annotations

import csv
import gzip
import json

import pytest
from typer.testing import CliRunner

from incident_extract.cli import app
from incident_extract.feeds import FeedError, parse_feed

from .conftest import SHARED

EXTERNAL = SHARED / "external"
pytestmark = pytest.mark.skipif(
    not (EXTERNAL / "MANIFEST.tsv").is_file(), reason="../shared/external not present"
)


def manifest() -> dict[str, dict[str, str]]:
    with (EXTERNAL / "MANIFEST.tsv").open(encoding="utf-8", newline="") as handle:
        return {row["file"]: row for row in csv.DictReader(handle, delimiter="\t")}


def test_every_feed_parses_or_gets_a_feed_error():
    feeds = sorted((EXTERNAL / "feeds").iterdir())
    assert len(feeds) >= 500
    parsed = refused = 0
    for path in feeds:
        try:
            parse_feed(path.read_bytes(), f"http://127.0.0.1/{path.name}")
            parsed += 1
        except FeedError:
            refused += 1
    assert parsed + refused == len(feeds) and parsed > refused


@pytest.mark.model
def test_run_over_every_page(nlp, tmp_path):
    rows = manifest()
    folder = tmp_path / "pages"
    folder.mkdir()
    languages = {}
    for path in sorted((EXTERNAL / "html").iterdir()):
        data = path.read_bytes()
        name = path.name
        if name.endswith(".gz"):  # stored compressed as in their repository
            data, name = gzip.decompress(data), name.removesuffix(".gz")
        (folder / name).write_bytes(data)
        languages[name] = rows[f"html/{path.name}"]["language"]
    output = tmp_path / "external.jsonl"
    result = CliRunner().invoke(app, ["run", str(folder), "-o", str(output), "--no-progress"])
    assert result.exit_code == 0, result.output
    records = {
        line["source"]["path"].rsplit("/", 1)[-1]: line
        for line in map(json.loads, output.read_text(encoding="utf-8").splitlines())
    }
    assert set(records) == set(languages)
    french = [name for name, language in languages.items() if language == "fr"]
    incidents = [name for name in french if records[name]["is_incident"]]
    assert incidents == []
    others = [name for name, language in languages.items() if language != "fr"]
    not_flagged = [
        name
        for name in others
        if not any("not a French article" in error for error in records[name]["errors"])
    ]
    # the edge cases too: lang="fr" with English text, English pages on French domains
    assert not_flagged == []
