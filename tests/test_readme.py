"""The README's SQL examples run as written, against a store and batch state like a user's."""

import re
import sqlite3
from pathlib import Path

import pytest

from incident_extract.batch import BatchState
from incident_extract.outputs import write_records

from .store_samples import sample_records

README = Path(__file__).resolve().parents[1] / "README.md"
SQL_BLOCK = re.compile(r"```sql\n(.*?)```", re.DOTALL)


def readme_statements() -> list[str]:
    statements = []
    for block in SQL_BLOCK.findall(README.read_text(encoding="utf-8")):
        statement = ""
        for line in block.splitlines(keepends=True):
            statement += line
            if sqlite3.complete_statement(statement):
                statements.append(statement.strip())
                statement = ""
        assert not statement.strip() or statement.strip().startswith("--"), statement
    return statements


def test_readme_has_sql_examples():
    assert len(readme_statements()) >= 6


@pytest.mark.parametrize("statement", readme_statements(), ids=lambda sql: " ".join(sql.split())[:50])
def test_readme_sql_runs(tmp_path, statement):
    database = tmp_path / "veille.sqlite"
    list(write_records(sample_records(), database))
    BatchState.open(database).close()  # the nightly batch's tables, as after a first night
    with sqlite3.connect(database) as connection:
        connection.execute(statement).fetchall()
    connection.close()
