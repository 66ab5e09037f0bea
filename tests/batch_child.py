"""Run one batch in a child process, slowly, so that a test can kill it midway.

``python tests/batch_child.py BATCH.toml``: records go to the ``test_records`` table of the
batch's SQLite file (no unique key: a duplicate would show) and to its JSONL journal; the
sink sleeps ``SINK_DELAY`` seconds inside each transaction.
"""

from __future__ import annotations

import os
import sqlite3
import sys
import time

from incident_extract.batch import load_batch_config, run_batch
from incident_extract.models import ArticleRecord
from incident_extract.nlp.pipeline import blank_pipeline

DELAY = float(os.environ.get("SINK_DELAY", "0"))


def slow_sink(record: ArticleRecord, connection: sqlite3.Connection) -> None:
    connection.execute(
        "INSERT INTO test_records (url, record) VALUES (?, ?)", (record.source.url, record.model_dump_json())
    )
    time.sleep(DELAY)


if __name__ == "__main__":
    config = load_batch_config(sys.argv[1])
    nlp = blank_pipeline()
    print("ready", flush=True)
    run_batch(config, nlp=nlp, record_sink=slow_sink)
    print("done", flush=True)
