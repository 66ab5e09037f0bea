"""Backfill on a real LocalCluster of 2 worker processes: the same records as ``run``, every
article exactly once when a worker process is killed mid-run, reruns that skip finished shards."""

from __future__ import annotations

import json
import os
import signal

import pytest
from typer.testing import CliRunner

from incident_extract.backfill import (
    Shard,
    connect,
    finished_shards,
    plan_shards,
    process_shard,
    read_backfill,
    read_shard,
    run_backfill,
)
from incident_extract.cli import app
from incident_extract.outputs import read_records, write_records
from incident_extract.store import record_json

pytestmark = pytest.mark.model

INCIDENTS = [
    "La mairie de Plouzané a été victime d'une cyberattaque au rançongiciel dans la nuit de lundi à mardi. "
    "Les services d'état civil sont à l'arrêt et la commune a porté plainte auprès de la gendarmerie.",
    "Le centre hospitalier de Vire a subi une intrusion informatique : les données de 4 000 patients, dont "
    "leurs noms et adresses, ont été dérobées. L'hôpital a prévenu la CNIL et l'ANSSI.",
    "Une attaque par déni de service a rendu inaccessible le site internet de la communauté de communes du "
    "Pays de Landivisiau pendant toute la journée de mercredi, indique la collectivité.",
    "Le transporteur Cars du Léon a été la cible d'un piratage de sa messagerie. Des courriels frauduleux "
    "ont été envoyés à ses clients pour leur réclamer un paiement, prévient l'entreprise.",
    "Les ordinateurs du collège Jean-Moulin de Quimperlé ont été paralysés par un logiciel malveillant, "
    "contraignant les enseignants à revenir au papier pendant une semaine.",
    "La clinique vétérinaire des Abers a découvert qu'un pirate avait chiffré ses serveurs et réclamait "
    "une rançon en bitcoins. Les rendez-vous sont pris par téléphone en attendant.",
]
OFFTOPIC = (
    "Le festival de musique de Landerneau revient cet été avec trois soirées de concerts sur les quais. "
    "Les organisateurs attendent plus de dix mille spectateurs et promettent une programmation variée."
)


def article(number: int, text: str) -> dict:
    return {"id": f"a{number}", "url": f"https://www.journal-exemple.fr/article-{number}",
            "title": None, "published": "2024-05-1" + str(number % 10), "text": text}  # fmt: skip


@pytest.fixture(scope="module")
def client():
    """Two single-threaded worker processes, as ``backfill`` starts without ``--scheduler``."""
    with connect(workers=2, dashboard=":0") as client:
        yield client


@pytest.fixture
def archive(tmp_path):
    """Loose files, a JSONL shard larger than one task, an off-topic article and a broken file."""
    folder = tmp_path / "archive"
    folder.mkdir()
    for number, text in enumerate(INCIDENTS[:3]):
        (folder / f"article-{number}.json").write_text(json.dumps(article(number, text)), encoding="utf-8")
    (folder / "festival.txt").write_text(OFFTOPIC, encoding="utf-8")
    (folder / "vide.txt").write_bytes(b"")
    lines = [json.dumps(article(10 + n, text)) for n, text in enumerate(INCIDENTS[3:] + INCIDENTS[:2])]
    (folder / "lot.jsonl").write_text("\n".join([*lines[:2], "", *lines[2:]]) + "\n", encoding="utf-8")
    return folder


def sorted_json(records) -> list[str]:
    return sorted(record_json(record) for record in records)


def run_cli_records(inputs, out, *options):
    result = CliRunner().invoke(app, ["run", *map(str, inputs), "-o", str(out), "--no-progress", *options])
    assert result.exit_code == 0, result.output
    return list(read_records(out))


@pytest.mark.parametrize("relevance", [True, False])
def test_records_equal_those_of_run(client, archive, tmp_path, relevance):
    options = [] if relevance else ["--no-relevance-filter"]
    expected = run_cli_records([archive], tmp_path / "run.jsonl", *options)
    out = tmp_path / "backfill"
    summary = run_backfill([archive], out, client=client, shard_size=2, relevance=relevance)
    assert summary.shards == len(plan_shards([archive], 2)) >= 4
    assert summary.articles == len(expected) == 10
    assert sorted_json(read_backfill(out)) == sorted_json(expected)
    pids = {report.worker_pid for report in finished_shards(out).values()}
    assert len(pids) == 2  # both workers took shards


def test_the_relevance_filter_skips_off_topic_articles_and_lists_them(client, archive, tmp_path):
    import pandas

    expected = run_cli_records([archive], tmp_path / "run.jsonl")
    out = tmp_path / "backfill"
    summary = run_backfill([archive], out, client=client, shard_size=3, jsonl=True)
    assert (summary.articles, summary.skipped, summary.failed) == (10, 1, 1)
    articles = pandas.read_parquet(out / "articles")
    (skipped,) = articles[articles.status == "skipped"].itertuples()
    assert skipped.source_path.endswith("festival.txt") and "no cyber-incident word" in skipped.reason
    assert json.loads(skipped.record)["is_incident"] is False  # its record, as run writes it
    assert sorted_json(read_backfill(out)) == sorted_json(expected)
    jsonl = [record for path in sorted((out / "jsonl").glob("*.jsonl")) for record in read_records(path)]
    assert sorted_json(jsonl) == sorted_json(expected)


def test_the_readme_duckdb_recipe_reads_the_parquet_shards(client, archive, tmp_path):
    import duckdb

    out = tmp_path / "backfill"
    run_backfill([archive], out, client=client, shard_size=4)
    health = duckdb.sql(f"""
        SELECT attack_date, victims[1] AS victim, attack_types, sectors, url
        FROM read_parquet('{out}/incidents/*.parquet')
        WHERE list_contains(sectors, 'health') ORDER BY attack_date""").fetchall()
    expected = sorted(
        (incident.attack_date and incident.attack_date.value, incident.victims[0].name, record.source.url)
        for record in read_backfill(out)
        for incident in record.incidents
        if "health" in [sector.id for sector in incident.sectors]
    )
    assert sorted((row[0], row[1], row[4]) for row in health) == expected
    assert ("centre hospitalier de Vire" in [row[1] for row in health]) and len(health) >= 2
    statuses = duckdb.sql(f"""
        SELECT status, count(*) FROM read_parquet('{out}/articles/*.parquet') GROUP BY status""").fetchall()
    assert dict(statuses) == {"processed": 8, "failed": 1, "skipped": 1}


def test_a_rerun_skips_finished_shards_and_does_the_rest(client, archive, tmp_path):
    out = tmp_path / "backfill"
    first = run_backfill([archive], out, client=client, shard_size=2)
    (out / "manifest" / f"{plan_shards([archive], 2)[0].id}.json").unlink()  # as if it never finished
    second = run_backfill([archive], out, client=client, shard_size=2)
    assert (second.shards, second.already_done) == (first.shards, first.shards - 1)
    third = run_backfill([archive], out, client=client, shard_size=2)
    assert third.already_done == third.shards and third.articles == 0
    assert len(list(read_backfill(out))) == 10
    other_size = CliRunner().invoke(app, ["backfill", str(archive), "-o", str(out), "--shard-size", "3"])
    assert other_size.exit_code == 2 and "--shard-size 2" in other_size.output  # else articles twice


def test_jsonl_shards_split_by_lines_read_like_run(archive):
    shards = [s for s in plan_shards([archive], 2) if s.kind == "jsonl"]
    assert [(s.first_line, s.end_line) for s in shards] == [(1, 3), (3, 5), (5, 7)]
    paths = [raw.path for shard in shards for raw in read_shard(shard)]
    assert paths == [f"{archive / 'lot.jsonl'}:{n}" for n in (1, 2, 4, 5, 6)]  # line 3 is blank


def test_a_shard_run_twice_leaves_one_copy(archive, tmp_path, nlp):
    (shard,) = [s for s in plan_shards([archive], 100) if s.kind == "files"]
    out = tmp_path / "backfill"
    first = process_shard(shard, out)
    second = process_shard(shard, out)  # as when Dask reruns the task of a worker that died after writing
    assert first.files == second.files and first.articles == second.articles == 5
    assert len(list(read_backfill(out))) == 5


CLUSTERS = "SELECT victim, victims, earliest_date, attack_types, sources, articles FROM cluster_summary ORDER BY sources"


def test_load_brings_a_backfill_into_the_store(client, archive, tmp_path):
    from incident_extract.outputs import SQLiteStore

    out = tmp_path / "backfill"
    run_backfill([archive], out, client=client, shard_size=4)
    runner = CliRunner()
    for _ in range(2):  # loading again replaces, never doubles
        result = runner.invoke(app, ["load", str(out), "--into", str(tmp_path / "store.sqlite")])
        assert result.exit_code == 0, result.output
    with SQLiteStore(tmp_path / "store.sqlite") as store:
        # the store keeps what write_records(..., "x.sqlite") keeps (not the record's incident_rule)
        stored = sorted(r.model_dump_json(exclude={"incident_rule"}) for r in store.read_records())
        assert stored == sorted(r.model_dump_json(exclude={"incident_rule"}) for r in read_backfill(out))
        assert store.row_counts()["articles"] == 10
        clusters = store.connection.execute(CLUSTERS).fetchall()
    # the store's incident clusters are rebuilt as when run writes records into a store
    for _ in write_records(read_backfill(out), tmp_path / "run-like.sqlite"):
        pass
    with SQLiteStore(tmp_path / "run-like.sqlite") as same:
        assert [tuple(row) for row in clusters] == [tuple(row) for row in same.connection.execute(CLUSTERS)]
    assert clusters  # the same hospital reported twice at least
    empty = runner.invoke(app, ["load", str(tmp_path), "--into", str(tmp_path / "other.sqlite")])
    assert empty.exit_code == 2 and "no finished backfill shard" in empty.output


def test_a_shard_that_fails_is_reported_and_retried_by_the_next_run(client, archive, tmp_path):
    out = tmp_path / "backfill"
    blocked = plan_shards([archive], 4)[0]
    (out / "articles" / f"{blocked.id}.parquet").mkdir(parents=True)  # its file cannot be written
    result = CliRunner().invoke(app, ["backfill", str(archive), "-o", str(out), "--shard-size", "4",
                                      "--no-progress", "--scheduler", client.scheduler.address])  # fmt: skip
    assert result.exit_code == 1, result.output
    assert f"shard failed: {blocked.id}" in result.output and "run the same command again" in result.output
    assert "Dask dashboard: http://" in result.output  # the link is printed at start
    assert blocked.id not in finished_shards(out)
    assert len(finished_shards(out)) == len(plan_shards([archive], 4)) - 1
    (out / "articles" / f"{blocked.id}.parquet").rmdir()
    again = run_backfill([archive], out, client=client, shard_size=4)
    assert (again.shards - again.already_done, again.failed_shards) == (1, {})
    assert len(list(read_backfill(out))) == 10


def test_missing_input_is_a_clear_error(tmp_path):
    result = CliRunner().invoke(app, ["backfill", str(tmp_path / "absent"), "-o", str(tmp_path / "out")])
    assert result.exit_code == 2 and "input not found" in result.output


def test_shard_ids_are_stable_and_distinct(archive):
    first, again = plan_shards([archive], 2), plan_shards([archive], 2)
    assert [s.id for s in first] == [s.id for s in again]
    assert len({s.id for s in first}) == len(first)
    assert Shard("jsonl", ("a.jsonl",), 1, 3).id != Shard("jsonl", ("a.jsonl",), 3, 5).id


def test_a_killed_worker_s_shard_is_retried_and_written_once(client, tmp_path):
    folder = tmp_path / "archive"
    folder.mkdir()
    lines = [json.dumps(article(n, INCIDENTS[n % len(INCIDENTS)])) for n in range(24)]
    (folder / "lot.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    out = tmp_path / "backfill"
    pids = client.run(os.getpid)
    killed: list[int] = []

    def kill_a_busy_worker(report) -> None:
        if killed:
            return
        busy = [address for address, keys in client.processing().items() if keys]
        if busy:
            killed.append(pids[busy[0]])
            os.kill(pids[busy[0]], signal.SIGKILL)  # the process, not the task

    summary = run_backfill([folder], out, client=client, shard_size=2, on_shard=kill_a_busy_worker)
    assert killed and killed[0] not in client.run(os.getpid).values()  # a new process took its place
    records = list(read_backfill(out))
    assert sorted(r.source.path for r in records) == sorted(
        f"{folder / 'lot.jsonl'}:{n}" for n in range(1, 25)
    )
    assert summary.articles == 24 and len(finished_shards(out)) == 12
    leftover = out / "articles" / f".{plan_shards([folder], 2)[0].id}.parquet.12345.tmp"
    leftover.write_bytes(b"PAR1 half a file")  # what a worker killed while writing leaves
    again = run_backfill([folder], out, client=client, shard_size=2)
    assert again.already_done == 12 and not leftover.exists()
    assert len(list(read_backfill(out))) == 24
