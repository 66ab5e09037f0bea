"""The flat tables under CSV, SQLite and pandas: article keys, item rows, the wide table."""

import pytest

from incident_extract.models import ArticleRecord, Source
from incident_extract.outputs.tables import (
    INCIDENT_COLUMNS,
    ITEM_COLUMNS,
    article_key,
    canonical_url,
    incident_from_item_rows,
    incident_item_rows,
    incident_table,
    item_table,
)

from .store_samples import hospital_record, odd_record, sample_records


@pytest.mark.parametrize(
    ("url", "canonical"),
    [
        ("https://www.ouest-france.fr/a/b/?utm_source=rss&utm_medium=x#c", "https://www.ouest-france.fr/a/b"),
        ("HTTPS://Example.FR:443/Article?b=2&a=1&xtor=RSS-3", "https://example.fr/Article?a=1&b=2"),
        ("http://example.fr:8080", "http://example.fr:8080"),
        ("  https://example.fr/x?fbclid=abc  ", "https://example.fr/x"),
        ("urn:isbn:123", "urn:isbn:123"),
    ],
)
def test_canonical_url_drops_what_does_not_identify_the_article(url, canonical):
    assert canonical_url(url) == canonical


def test_article_key_is_the_url_else_a_text_hash_else_the_source():
    with_url = hospital_record()
    assert article_key(with_url) == "https://www.ouest-france.fr/bretagne/pontivy/cyberattaque-hopital"
    same_text = ArticleRecord(source=Source(path="a.txt"), text="Un texte.")
    assert article_key(same_text) == article_key(ArticleRecord(source=Source(path="b.txt"), text="Un texte."))
    assert article_key(same_text).startswith("sha256:")
    empty_a = ArticleRecord(source=Source(path="a.txt"), text="", errors=["empty file"])
    empty_b = ArticleRecord(source=Source(path="b.txt"), text="", errors=["empty file"])
    assert article_key(empty_a) != article_key(empty_b)
    assert article_key(empty_a) == article_key(empty_a.model_copy())


@pytest.mark.parametrize("record", [hospital_record(), odd_record()], ids=["hospital", "odd"])
def test_item_rows_rebuild_the_same_incidents(record):
    for incident in record.incidents:
        rows = incident_item_rows(incident)
        assert incident_from_item_rows(reversed(rows)) == incident  # order comes from positions


def test_item_rows_keep_denied_items_apart():
    rows = incident_item_rows(hospital_record().incidents[0])
    denied = [row for row in rows if row.denied]
    assert [(row.field, row.vocab_id, row.status) for row in denied] == [
        ("data_leaked", "bank_details", None)
    ]
    assert {row.field for row in rows if not row.denied} >= {"attack_date", "people_affected", "victims"}


def test_wide_table_has_one_row_per_incident_and_one_per_article_without():
    rows = list(incident_table(sample_records()))
    assert all(tuple(row) == INCIDENT_COLUMNS for row in rows)
    assert [(row["article_index"], row["incident_index"]) for row in rows] == [
        (0, 0),
        (0, 1),
        (1, None),
        (2, None),
        (3, None),
        (4, 0),
    ]
    main = rows[0]
    assert main["victims"] == ["centre hospitalier de Pontivy", "patients"]
    assert main["authorities"] == ["ARS", "GENDARMERIE", "ANSSI", "CNIL"]
    assert main["denied"] == ["data_leaked: bank_details"]
    assert main["dates"] == ["discovery 2024-03-11"]
    assert str(main["attack_date"]) == "2024-03-09" and main["people_affected"] == 300000


def test_long_table_has_one_row_per_item():
    records = sample_records()
    rows = list(item_table(records))
    assert all(tuple(row) == ITEM_COLUMNS for row in rows)
    expected = sum(len(incident_item_rows(i)) for record in records for i in record.incidents)
    assert len(rows) == expected == 19 + 3 + 4  # hospital main and second incidents, odd record
