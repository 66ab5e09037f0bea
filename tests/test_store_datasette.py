"""The store for analysts' tools: French labels, JSON-array facets, FTS5, and datasette opening it."""

import asyncio
import json
import typing

import pytest

from incident_extract import models
from incident_extract.labels import LABELS, label
from incident_extract.outputs import SQLiteStore, write_records
from incident_extract.outputs.datasette import datasette_metadata, datasette_metadata_yaml

from .store_samples import hospital_record, sample_records

VOCABULARIES = {
    "attack_types": models.AttackType,
    "systems": models.SystemCategory,
    "data_leaked": models.DataCategory,
    "authorities": models.AuthorityId,
    "sectors": models.SectorId,
    "date_roles": models.DateRole,
    "status": models.Status,
    "victim_kinds": models.VictimKind,
}


@pytest.fixture
def store_path(tmp_path):
    path = tmp_path / "veille.sqlite"
    list(write_records(sample_records(), path))
    return path


def test_every_vocabulary_id_has_a_french_label():
    for vocabulary, literal in VOCABULARIES.items():
        assert set(LABELS[vocabulary]) == set(typing.get_args(literal)), vocabulary
    assert label("sectors", "public_administration") == "administration publique"
    assert label("authorities", "PARQUET") == "parquet"
    assert label("sectors", "inconnu") == "inconnu"  # an id without label stays readable


def test_labels_table_holds_every_label(store_path):
    with SQLiteStore(store_path) as store:
        rows = store.connection.execute("SELECT vocabulary, id, label FROM labels").fetchall()
    assert len(rows) == sum(len(labels) for labels in LABELS.values())
    assert ("data_leaked", "health_data", "données de santé") in {tuple(row) for row in rows}


def test_incident_facets_has_json_arrays_and_labels(store_path):
    with SQLiteStore(store_path) as store:
        row = store.connection.execute(
            "SELECT * FROM incident_facets WHERE title LIKE 'Cyberattaque%' ORDER BY incident_index"
        ).fetchone()
    assert json.loads(row["victims"]) == ["centre hospitalier de Pontivy", "patients"]
    assert json.loads(row["attack_types"]) == ["ransomware", "data_theft"]
    assert json.loads(row["attack_types_label"]) == ["rançongiciel", "vol de données"]
    assert json.loads(row["authorities"]) == ["ARS", "GENDARMERIE", "ANSSI", "CNIL"]
    assert json.loads(row["authorities_label"])[0] == "agence régionale de santé"
    assert json.loads(row["data_leaked"]) == ["health_data"]  # the denied bank details are left out
    assert json.loads(row["systems_label"]) == ["bases de données", "messagerie"]
    assert json.loads(row["locations"]) == ["Pontivy"]
    assert row["attack_date"] == "2024-03-09" and row["people_affected"] == 300000


def search(store_path, query):
    with SQLiteStore(store_path) as store:
        return [
            row[0]
            for row in store.connection.execute(
                "SELECT a.title FROM articles_fts JOIN articles AS a ON a.article_id = articles_fts.rowid "
                "WHERE articles_fts MATCH ? ORDER BY rank",
                (query,),
            )
        ]


def test_full_text_search_over_text_and_victims_ignores_accents(store_path):
    assert search(store_path, "rancongiciel") == ["Cyberattaque : l'hôpital de Pontivy paralysé"]
    assert search(store_path, 'victims:"mairie de Lorient"') == [
        "Cyberattaque : l'hôpital de Pontivy paralysé"
    ]
    assert search(store_path, "victims:Orange") == []  # a responder, not a victim
    assert len(search(store_path, "hameconnage")) == 1  # the advice article: its text is indexed too


def test_rewriting_an_article_replaces_its_index_row(store_path):
    record = hospital_record()
    record.incidents[0].victims[0].name = "hôpital de Pontivy"
    with SQLiteStore(store_path) as store:
        store.write(record)
        assert store.connection.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 5
        store.connection.execute("DELETE FROM articles WHERE article_key LIKE 'https://%'")
        assert store.connection.execute("SELECT count(*) FROM articles_fts").fetchone()[0] == 4
    assert search(store_path, "rancongiciel") == []


def test_a_first_version_store_is_indexed_when_opened(tmp_path):
    path = tmp_path / "ancienne.sqlite"
    list(write_records(sample_records(), path))
    with SQLiteStore(path) as store:  # back to the first schema, as a store written before labels and FTS
        for statement in (
            "DROP VIEW incident_facets",
            "DROP TRIGGER articles_fts_delete",
            "DROP TABLE articles_fts",
            "DROP TABLE labels",
        ):
            store.connection.execute(statement)
        store.connection.execute("DELETE FROM schema_version WHERE version > 1")
    assert search(path, 'victims:"centre hospitalier"') == ["Cyberattaque : l'hôpital de Pontivy paralysé"]


def test_metadata_is_named_after_the_store(tmp_path):
    metadata = datasette_metadata(tmp_path / "veille.sqlite")
    assert list(metadata["databases"]) == ["veille"]
    assert "incidents_par_mois" in metadata["databases"]["veille"]["queries"]
    assert "veille:" in datasette_metadata_yaml("veille.sqlite")


datasette_app = pytest.importorskip("datasette.app")


def datasette_get(store_path, path):
    async def get():
        app = datasette_app.Datasette([str(store_path)], metadata=datasette_metadata(store_path))
        response = await app.client.get(path)
        return response.status_code, response.json()

    return asyncio.run(get())


def test_datasette_facets_split_json_arrays(store_path):
    status, data = datasette_get(
        store_path, "/veille/incident_facets.json?_facet_array=sectors&_shape=objects"
    )
    assert status == 200
    facets = {row["value"]: row["count"] for row in data["facet_results"]["sectors"]["results"]}
    assert facets == {"health": 1, "public_administration": 1}
    labelled = {row["value"] for row in data["facet_results"]["sectors_label"]["results"]}  # from metadata
    assert labelled == {"santé", "administration publique"}


def test_datasette_full_text_search_and_canned_queries(store_path):
    status, data = datasette_get(store_path, "/veille/articles.json?_search=pontivy&_shape=objects")
    assert status == 200 and [row["title"] for row in data["rows"]] == [
        "Cyberattaque : l'hôpital de Pontivy paralysé"
    ]
    status, data = datasette_get(store_path, "/veille/incident_facets.json?_search=lorient&_shape=objects")
    assert status == 200 and {row["incident_index"] for row in data["rows"]} == {0, 1}
    for name, query in datasette_metadata(store_path)["databases"]["veille"]["queries"].items():
        params = "&victime=centre&depuis=2024-01-01&recherche=pontivy" if ":" in query["sql"] else ""
        status, data = datasette_get(store_path, f"/veille/{name}.json?_shape=objects{params}")
        assert status == 200, (name, data)
        assert data["rows"], name
