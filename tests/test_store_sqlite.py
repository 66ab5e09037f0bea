"""The SQLite store: lossless round trip, idempotent writes, crash safety, schema, view and indexes."""

import os
import sqlite3
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from incident_extract.errors import InputError, OutputError
from incident_extract.models import ArticleRecord, Source
from incident_extract.outputs import read_records, sqlite_store, write_records
from incident_extract.outputs.sqlite_store import SQLiteStore, read_sqlite, write_sqlite
from incident_extract.outputs.tables import article_key
from incident_extract.store import read_jsonl, write_jsonl

from .store_samples import LONG_EVIDENCE, hospital_record, odd_record, sample_records

ROOT = Path(__file__).resolve().parents[1]
SAMPLE_COUNTS = {"articles": 5, "incidents": 3, "items": 26}


@pytest.fixture
def db(tmp_path):
    return tmp_path / "incidents.sqlite"


def test_round_trip_jsonl_sqlite_models_jsonl(tmp_path, db):
    first, second = tmp_path / "first.jsonl", tmp_path / "second.jsonl"
    list(write_jsonl(sample_records(), first))
    list(write_sqlite(read_jsonl(first), db))
    list(write_jsonl(read_sqlite(db), second))
    assert second.read_bytes() == first.read_bytes()
    assert list(read_records(db)) == sample_records()


def test_writing_the_same_input_twice_gives_the_same_rows(db):
    list(write_records(sample_records(), db))
    with SQLiteStore(db) as store:
        assert store.row_counts() == SAMPLE_COUNTS
    list(write_records(sample_records(), db))
    with SQLiteStore(db) as store:
        assert store.row_counts() == SAMPLE_COUNTS
        assert list(store.read_records()) == sample_records()


def test_an_article_written_again_replaces_its_rows(db):
    with SQLiteStore(db) as store:
        store.write(hospital_record())
        changed = hospital_record().model_copy(update={"incidents": hospital_record().incidents[:1]})
        key = store.write(changed)
        assert store.row_counts() == {"articles": 1, "incidents": 1, "items": 19}
        assert store.get(key) == changed
        orphans = store.connection.execute(
            "SELECT count(*) FROM items WHERE incident_id NOT IN (SELECT incident_id FROM incidents)"
        ).fetchone()[0]
        assert orphans == 0


def test_same_text_without_url_is_one_article(db):
    text = "La mairie de Lunel a été victime d'une cyberattaque."
    with SQLiteStore(db) as store:
        store.write(ArticleRecord(source=Source(path="flux/a.json"), text=text))
        store.write(ArticleRecord(source=Source(path="dossier/a.txt"), text=text))
        assert store.row_counts()["articles"] == 1
        (record,) = store.read_records()
        assert record.source.path == "dossier/a.txt"


def test_an_exception_inside_an_article_leaves_the_previous_version(db, monkeypatch):
    with SQLiteStore(db) as store:
        store.write(hospital_record())
        before = store.row_counts()
        calls = []

        def failing_rows(incident):
            calls.append(incident)
            if len(calls) == 2:  # the first incident's items are already inserted
                raise RuntimeError("boom")
            return real_rows(incident)

        real_rows = sqlite_store.incident_item_rows
        monkeypatch.setattr(sqlite_store, "incident_item_rows", failing_rows)
        changed = hospital_record()
        changed.source.title = "Titre modifié"
        with pytest.raises(RuntimeError, match="boom"):
            store.write(changed)
        assert store.row_counts() == before
        assert list(store.read_records()) == [hospital_record()]
        assert not store.connection.in_transaction
        monkeypatch.setattr(sqlite_store, "incident_item_rows", real_rows)
        store.write(changed)  # the store is still usable
        assert store.get(article_key(changed)).source.title == "Titre modifié"


def test_a_killed_writer_leaves_whole_articles_only(db):
    """The process dies (no cleanup, no rollback) in the middle of its second article."""
    script = textwrap.dedent(
        """
        import os, sys
        from incident_extract.outputs import sqlite_store
        from tests.store_samples import hospital_record, odd_record

        store = sqlite_store.SQLiteStore(sys.argv[1])
        store.write(hospital_record())

        def die(incident):
            os._exit(9)

        sqlite_store.incident_item_rows = die
        store.write(odd_record())
        """
    )
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-c", script, str(db)], cwd=ROOT, env=env, timeout=60, check=False)
    assert done.returncode == 9
    with SQLiteStore(db) as store:
        assert store.connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert store.connection.execute("PRAGMA foreign_key_check").fetchall() == []
        assert list(store.read_records()) == [hospital_record()]
        assert store.get(article_key(odd_record())) is None
        assert store.row_counts() == {"articles": 1, "incidents": 2, "items": 22}
        store.write(odd_record())  # the next run completes the work
        assert list(store.read_records()) == [hospital_record(), odd_record()]


def test_odd_text_survives(db):
    with SQLiteStore(db) as store:
        store.write(odd_record())
        (back,) = store.read_records()
    assert back == odd_record()
    assert back.incidents[0].victims[1].evidence.text == LONG_EVIDENCE
    assert back.source.title == '+"Titre" ; avec\nretour 🔐'


def test_incident_summary_view(db):
    list(write_sqlite(sample_records(), db))
    with SQLiteStore(db) as store:
        rows = [
            dict(row)
            for row in store.connection.execute("SELECT * FROM incident_summary ORDER BY incident_id")
        ]
    assert len(rows) == 3
    main, second, odd = rows
    assert main["title"] == "Cyberattaque : l'hôpital de Pontivy paralysé"
    assert main["published"] == "2024-03-12"
    assert main["victim"] == "centre hospitalier de Pontivy" and main["victim_count"] == 2
    assert main["attack_date"] == "2024-03-09"
    assert main["attack_types"] == "ransomware; data_theft"
    assert main["sectors"] == "health"
    assert main["data_leaked"] == "health_data"  # the denied bank details are not listed
    assert main["authorities"] == "ARS; GENDARMERIE; ANSSI; CNIL"
    assert main["threat_actors"] == "LockBit 3.0"
    assert main["people_affected"] == 300000
    assert (second["incident_index"], second["victim"], second["attack_types"]) == (
        1,
        "mairie de Lorient",
        "ddos",
    )
    assert odd["victim"].startswith("=HYPERLINK")


@pytest.mark.parametrize(
    ("where", "index"),
    [
        ("field = 'victims' AND id_or_name = 'MAIRIE DE LORIENT'", "items_field_id_or_name"),
        ("field = 'sectors' AND id_or_name = 'health'", "items_field_id_or_name"),
        ("field = 'attack_types' AND id_or_name = 'ransomware'", "items_field_id_or_name"),
        ("field = 'authorities' AND id_or_name = 'anssi'", "items_field_id_or_name"),
    ],
)
def test_analyst_questions_use_an_index(db, where, index):
    list(write_sqlite(sample_records(), db))
    with SQLiteStore(db) as store:
        plan = " ".join(
            row[3]
            for row in store.connection.execute(f"EXPLAIN QUERY PLAN SELECT * FROM items WHERE {where}")
        )
        assert index in plan
        assert store.connection.execute(f"SELECT count(*) FROM items WHERE {where}").fetchone()[0] == 1


def test_attack_date_query_uses_an_index(db):
    list(write_sqlite(sample_records(), db))
    with SQLiteStore(db) as store:
        query = "SELECT incident_id FROM incidents WHERE attack_date BETWEEN '2024-01-01' AND '2024-12-31'"
        plan = " ".join(row[3] for row in store.connection.execute(f"EXPLAIN QUERY PLAN {query}"))
        assert "incidents_attack_date" in plan
        assert len(store.connection.execute(query).fetchall()) == 1


def test_pragmas_foreign_keys_and_cascade(db):
    list(write_sqlite(sample_records(), db))
    with SQLiteStore(db) as store:
        connection = store.connection
        assert connection.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert connection.execute("PRAGMA foreign_keys").fetchone()[0] == 1
        connection.execute("DELETE FROM articles WHERE article_key = ?", (article_key(hospital_record()),))
        assert store.row_counts() == {"articles": 4, "incidents": 1, "items": 4}
        with pytest.raises(sqlite3.IntegrityError):
            connection.execute("INSERT INTO incidents (article_id, position) VALUES (9999, 0)")


def test_schema_version_and_migrations_in_order(db, monkeypatch):
    latest = len(sqlite_store.MIGRATIONS)
    with SQLiteStore(db) as store:
        store.write(hospital_record())
        assert store.schema_version == latest
    monkeypatch.setattr(
        sqlite_store,
        "MIGRATIONS",
        [
            *sqlite_store.MIGRATIONS,
            "ALTER TABLE articles ADD COLUMN language TEXT;\nUPDATE articles SET language = 'fr';",
        ],
    )
    with SQLiteStore(db) as store:
        assert store.schema_version == latest + 1
        versions = [
            row[0] for row in store.connection.execute("SELECT version FROM schema_version ORDER BY version")
        ]
        assert versions == list(range(1, latest + 2))
        assert store.connection.execute("SELECT language FROM articles").fetchone()[0] == "fr"
        assert list(store.read_records()) == [hospital_record()]
    with SQLiteStore(db) as store:  # nothing applied twice
        assert store.connection.execute("SELECT count(*) FROM schema_version").fetchone()[0] == latest + 1


def test_a_newer_database_is_refused(db):
    SQLiteStore(db).close()
    with sqlite3.connect(db) as connection:
        connection.execute("INSERT INTO schema_version VALUES (99, '2099-01-01')")
    connection.close()
    with pytest.raises(OutputError, match="newer"):
        SQLiteStore(db)


def test_a_file_that_is_not_a_database_is_refused(tmp_path):
    path = tmp_path / "notes.db"
    path.write_text("ceci n'est pas une base\n" * 100, encoding="utf-8")
    with pytest.raises(OutputError, match=r"notes\.db"):
        SQLiteStore(path)


def test_reading_a_missing_database_does_not_create_it(tmp_path):
    with pytest.raises(InputError, match="not found"):
        list(read_sqlite(tmp_path / "absent.sqlite"))
    assert not (tmp_path / "absent.sqlite").exists()


@pytest.mark.parametrize("suffix", [".sqlite", ".db", ".sqlite3"])
def test_dispatch_by_suffix_writes_sqlite(tmp_path, suffix):
    out = tmp_path / f"base{suffix}"
    assert list(write_records(sample_records(), out)) == sample_records()
    assert out.read_bytes().startswith(b"SQLite format 3")


def test_the_released_views_cover_every_field_of_the_table_of_fields(db):
    """The migrations are frozen text: a new field of ``models.FIELDS`` needs a new migration
    (a view with its column), and this test says so."""
    from incident_extract.models import FIELDS

    with SQLiteStore(db):
        pass
    with sqlite3.connect(db) as connection:
        facets = {row[1] for row in connection.execute("PRAGMA table_info(incident_facets)")}
        incidents = {row[1] for row in connection.execute("PRAGMA table_info(incidents)")}
    for name, spec in FIELDS.items():
        if spec.single:
            assert name in incidents  # a copy of the item's value, for sorting and filtering
        elif not spec.audit and name != "dates":  # dates: one per role, read from the items
            assert name in facets
            assert not spec.has_ids or f"{name}_label" in facets
    assert (
        tuple(
            spec.name for spec in sorted(FIELDS.values(), key=lambda spec: spec.column_rank) if spec.has_ids
        )
        == sqlite_store.VOCABULARY_FIELDS
    )
