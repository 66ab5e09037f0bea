"""The review page and the notebook displays, read as HTML (no browser, no model).

The browser tests (``test_review_browser.py``) check the same page as a person uses it.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest
from lxml import html as lxml_html
from typer.testing import CliRunner

from incident_extract.cli import app
from incident_extract.models import (
    ArticleRecord,
    AttackTypeItem,
    Incident,
    NamedItem,
    SectorItem,
    Source,
    Victim,
)
from incident_extract.outputs import to_dataframe, write_records
from incident_extract.records import extract_article
from incident_extract.review import (
    RecordsIndex,
    display_records,
    read_review_input,
    review_html,
    write_review,
)
from incident_extract.review.highlight import highlight_text, record_spans
from incident_extract.review.render import record_rows
from incident_extract.store import record_json

from .store_samples import evidence, hospital_record, sample_records

CROSSING = "Le groupe Akira a chiffré les serveurs de la communauté de communes du Val de Sèvre mardi."


def crossing_record() -> ArticleRecord:
    """Two spans that cross (neither holds the other), one inside both, two with the same evidence."""
    text = CROSSING

    def ev(phrase: str):
        return evidence(text, phrase)

    incident = Incident(
        victims=[
            Victim(
                name="communauté de communes du Val de Sèvre",
                evidence=ev("les serveurs de la communauté de communes du Val de Sèvre"),
                rule="victims.test",
            )
        ],
        attack_types=[
            AttackTypeItem(id="ransomware", evidence=ev("Akira a chiffré les serveurs"), rule="terms.test")
        ],
        threat_actors=[NamedItem(name="Akira", evidence=ev("Akira"), rule="actors.test", status="claimed")],
        sectors=[
            SectorItem(
                id="public_administration",
                evidence=ev("les serveurs de la communauté de communes du Val de Sèvre"),
                rule="sectors.test",
            )
        ],
    )
    return ArticleRecord(source=Source(path="val.txt"), text=text, is_incident=True, incidents=[incident])


def segments_by_item(fragment: str) -> tuple[str, dict[str, list[tuple[int, str]]]]:
    """The text of a highlighted fragment and, per item id, its segments (offset, text) in order."""
    root = lxml_html.fragment_fromstring(f"<div>{fragment}</div>")
    found: dict[str, list[tuple[int, str]]] = {}
    for mark in root.iter("mark"):
        for item_id in mark.get("data-items").split():
            found.setdefault(item_id, []).append((int(mark.get("data-start")), mark.text_content()))
    return root.text_content(), found


@pytest.mark.parametrize("record", [crossing_record(), *sample_records()], ids=lambda r: r.source.path)
def test_every_span_is_highlighted_where_its_offsets_say(record):
    spans = record_spans(record)
    text, found = segments_by_item(highlight_text(record.text, spans))
    assert text == record.text
    for span in spans:
        pieces = found[span.item_id]
        assert pieces[0][0] == span.start
        assert "".join(piece for _, piece in pieces) == record.text[span.start : span.end]
    assert set(found) == {span.item_id for span in spans}


def test_crossing_spans_keep_their_own_bar_and_say_field_value_status_rule():
    record = crossing_record()
    root = lxml_html.fragment_fromstring(f"<div>{highlight_text(record.text, record_spans(record))}</div>")
    akira = next(mark for mark in root.iter("mark") if mark.text_content() == "Akira")
    assert akira.get("data-items").split() == ["i0-attack_types-0", "i0-threat_actors-0"]
    # the actor is claimed: dotted bar; the attack type confirmed: solid bar, one level down
    style = akira.get("style")
    assert "repeating-linear-gradient(90deg,#111111 0px 2px,transparent 2px 4px) 0 calc(100% - 4px)" in style
    assert "linear-gradient(#9467bd,#9467bd) 0 calc(100% - 0px)" in style
    assert "Threat actor: Akira · claimed · rule actors.test · incident 1" in akira.get("data-tip")
    # the victim and its sector cite the same words: one bar, dashes alternating their two colours
    shared = [mark for mark in root.iter("mark") if mark.get("data-items") == "i0-victims-0 i0-sectors-0"]
    assert "".join(mark.text_content() for mark in shared) == " de la communauté de communes du Val de Sèvre"
    assert "repeating-linear-gradient(90deg,#1f77b4 0px 10px,#3949ab 10px 20px)" in shared[0].get("style")
    assert shared[0].get("style").count("calc(100%") == 1


def test_denied_items_are_struck_through_and_possible_ones_dashed():
    record = hospital_record()
    root = lxml_html.fragment_fromstring(f"<div>{highlight_text(record.text, record_spans(record))}</div>")
    denied = [mark for mark in root.iter("mark") if "denied" in mark.get("data-items")]
    assert denied and all("ie-denied" in mark.get("class") for mark in denied)
    assert "Aucune donnée bancaire" in "".join(mark.text_content() for mark in denied)
    possible = next(mark for mark in root.iter("mark") if mark.text_content() == "auraient été dérobées")
    assert "possible" in possible.get("data-tip")
    assert "repeating-linear-gradient(90deg,#9467bd 0px 6px,transparent 6px 9px)" in possible.get("style")


def page_data(page: str) -> dict:
    match = re.search(r'<script type="application/json" id="review-data">(.*?)</script>', page, re.S)
    assert match, "no data block"
    return json.loads(match.group(1))


def test_page_is_offline_and_escapes_what_comes_from_the_web():
    text = "Piratage </script><script>alert(1)</script> de la mairie de Cholet <!-- fin"
    record = ArticleRecord(source=Source(title="<b>Titre</b>", url="https://exemple.test/a"), text=text)
    page = review_html([record])
    assert "<script>alert(1)" not in page and "<b>Titre</b>" not in page
    assert page_data(page)["articles"][0]["text"] == text
    # no address the page could load: no src, no stylesheet link, a policy that forbids fetching
    assert not re.search(r"<(script|img|link|iframe)[^>]+(src|href)=", page)
    assert "default-src 'none'" in page


def test_only_web_addresses_become_links():
    for url, linked in [("javascript:alert(1)", False), ("HTTPS://exemple.test/a", True)]:
        record = ArticleRecord(source=Source(url=url), text="La mairie de Cholet a été piratée.")
        root = lxml_html.fragment_fromstring(record._repr_html_())
        assert [a.get("href") for a in root.iter("a")] == ([url] if linked else [])
        assert url in root.text_content()


def test_index_rows_one_per_incident_with_status():
    records = sample_records()
    rows = [row for index, record in enumerate(records) for row in record_rows(record, index)]
    assert len(rows) == sum(max(1, len(record.incidents)) for record in records)
    hospital = [row for row in rows if row["article"] == 0]
    assert hospital[0]["victims"][0] == "centre hospitalier de Pontivy"
    assert hospital[0]["types"] == ["ransomware", "data_theft"]
    assert hospital[0]["attack_date"] == "2024-03-09"
    assert hospital[0]["status"] == "confirmed"
    assert {row["status"] for row in rows} >= {"none", "error"}


def write_jsonl_with_a_bad_line(path):
    good = [record_json(record) for record in sample_records()]
    lines = [good[0], '{"source": {}, "text": "Texte", "is_incident": true}', "pas du JSON", *good[1:]]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


def test_bad_lines_are_reported_and_the_others_reviewed(tmp_path):
    path = tmp_path / "records.jsonl"
    write_jsonl_with_a_bad_line(path)
    records, problems = read_review_input(path)
    assert len(records) == len(sample_records())
    assert [problem.split(":")[0] for problem in problems] == ["line 2", "line 3"]
    assert "is_incident must be true exactly when there are incidents" in problems[0]
    summary = write_review(records, tmp_path / "review.html", load_errors=problems)
    page = summary.path.read_text(encoding="utf-8")
    assert "2 input lines could not be read" in page and "line 3: Invalid JSON" in page
    assert summary.unreadable == 2 and summary.articles == len(records)


def test_cli_review_of_jsonl_and_sqlite(tmp_path):
    jsonl = tmp_path / "records.jsonl"
    write_jsonl_with_a_bad_line(jsonl)
    result = CliRunner().invoke(app, ["review", str(jsonl), "-o", str(tmp_path / "out" / "review.html")])
    assert result.exit_code == 0, result.output
    assert "skipped" in result.output and "line 2" in result.output
    assert "5 articles, 3 incidents, 3 with errors, 2 unreadable lines" in result.output
    store = tmp_path / "store.sqlite"
    for _ in write_records(sample_records(), store):
        pass
    result = CliRunner().invoke(app, ["review", str(store), "-o", str(tmp_path / "store.html")])
    assert result.exit_code == 0, result.output
    data = page_data((tmp_path / "store.html").read_text(encoding="utf-8"))
    assert sorted(article["text"] for article in data["articles"]) == sorted(r.text for r in sample_records())


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [("absent.jsonl", None, "no records file"), ("notes.txt", "des notes", "cannot tell the format")],
)
def test_cli_review_bad_input_exits_2(tmp_path, name, content, message):
    if content is not None:
        (tmp_path / name).write_text(content, encoding="utf-8")
    result = CliRunner().invoke(app, ["review", str(tmp_path / name), "-o", str(tmp_path / "r.html")])
    assert result.exit_code == 2
    assert message in result.output
    assert not (tmp_path / "r.html").exists()


def test_run_writes_the_review_of_its_records(monkeypatch, tmp_path):
    monkeypatch.setattr("incident_extract.cli.load_pipeline", lambda name: object())
    monkeypatch.setattr(
        "incident_extract.cli.extract_many", lambda raws, nlp, settings, **_: iter(sample_records())
    )
    folder = tmp_path / "articles"
    folder.mkdir()
    (folder / "a.txt").write_text("La mairie de Lunel a été victime d'une cyberattaque.", encoding="utf-8")
    args = ["run", str(folder), "-o", str(tmp_path / "r.jsonl"), "--review", str(tmp_path / "r.html")]
    result = CliRunner().invoke(app, [*args, "--no-progress"])
    assert result.exit_code == 0, result.output
    assert "r.html" in result.output
    data = page_data((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert len(data["articles"]) == len(sample_records())


def test_notebook_displays():
    record = hospital_record()
    shown = record._repr_html_()
    assert type(shown) is str and shown.startswith('<div class="ie-review"><style>')
    root = lxml_html.fragment_fromstring(shown)
    text_box = root.find_class("ie-text")[0]
    assert text_box.text_content() == record.text
    assert len(text_box.findall(".//mark")) > 0
    incident = record.incidents[0]._repr_html_()
    assert "terms.attack.ransomware" in incident and "rançongiciel" in incident and "possible" in incident
    assert "<script" not in shown and "<script" not in incident


def test_display_records_from_a_list_or_a_dataframe():
    records = sample_records()
    index = display_records(records)  # IPython is not installed here: the index comes back
    assert isinstance(index, RecordsIndex)
    rows = sum(max(1, len(record.incidents)) for record in records)
    assert len(index) == rows
    table = lxml_html.fragment_fromstring(index._repr_html_()).find_class("ie-index")[0]
    assert len(table.findall(".//tbody/tr")) == rows
    assert "centre hospitalier de Pontivy" in table.text_content()
    from_frame = display_records(to_dataframe(records))
    assert len(from_frame) == rows
    assert [row["victims"] for row in from_frame.rows] == [row["victims"] for row in index.rows]
    assert [row["attack_date"] for row in from_frame.rows] == [row["attack_date"] for row in index.rows]


@pytest.mark.model
def test_notebook_display_of_extract_article(nlp):
    record = extract_article(
        "La mairie de Saint-Lô a été victime d'un rançongiciel dimanche. Les services en ligne sont coupés.",
        published="2024-10-21",
        nlp=nlp,
    )
    assert record.incidents
    root = lxml_html.fragment_fromstring(record._repr_html_())
    text_box = root.find_class("ie-text")[0]
    assert text_box.text_content() == record.text
    _, found = segments_by_item(lxml_html.tostring(text_box, encoding="unicode"))
    for span in record_spans(record):
        assert "".join(piece for _, piece in found[span.item_id]) == span.row.evidence_text
    assert "ransomware" in record.incidents[0]._repr_html_()


def test_article_view_says_which_rule_decided_it_is_an_incident():
    record = hospital_record().model_copy(update={"incident_rule": "incident.victim_cue"})
    root = lxml_html.fragment_fromstring(record._repr_html_())
    assert "decided by rule incident.victim_cue" in root.find_class("ie-meta")[0].text_content()


def test_cli_review_to_an_unwritable_output_exits_2(tmp_path):
    records = tmp_path / "records.jsonl"
    records.write_text(record_json(hospital_record()) + "\n", encoding="utf-8")
    result = CliRunner().invoke(app, ["review", str(records), "-o", str(tmp_path)])
    assert result.exit_code == 2
    assert "is a folder" in " ".join(result.output.split())


def dated_records() -> list[ArticleRecord]:
    """An attack on 5 October published in November, an article of 20 October, an undated one."""
    attacked = hospital_record()
    attacked = attacked.model_copy(
        update={
            "source": Source(path="attaque.txt", published="2024-11-02"),
            "incidents": [
                incident.model_copy(
                    update={
                        "attack_date": incident.attack_date.model_copy(update={"value": dt.date(2024, 10, 5)})
                    }
                )
                if incident.attack_date
                else incident
                for incident in attacked.incidents
            ],
        }
    )
    advice = ArticleRecord(source=Source(path="conseils.txt", published="2024-10-20"), text="Des conseils.")
    undated = ArticleRecord(source=Source(path="sans-date.txt"), text="Un article sans date.")
    return [attacked, advice, undated]


@pytest.mark.parametrize(
    ("since", "until", "kept"),
    [
        (None, None, ["attaque.txt", "conseils.txt", "sans-date.txt"]),
        ("2024-10-01", "2024-10-31", ["attaque.txt", "conseils.txt"]),  # attack date, not publication
        ("2024-11-01", None, []),
        (None, "2024-10-10", ["attaque.txt"]),
    ],
)
def test_review_of_a_period(tmp_path, since, until, kept):
    records = tmp_path / "records.jsonl"
    records.write_text("".join(record_json(record) + "\n" for record in dated_records()), encoding="utf-8")
    options = [*(["--since", since] if since else []), *(["--until", until] if until else [])]
    result = CliRunner().invoke(app, ["review", str(records), "-o", str(tmp_path / "r.html"), *options])
    assert result.exit_code == 0, result.output
    data = page_data((tmp_path / "r.html").read_text(encoding="utf-8"))
    assert sorted({row["title"] for row in data["rows"]}) == sorted(kept)
