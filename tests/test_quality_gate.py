"""Quality gate: dev-corpus F1 per field must not fall below the floors kept in the repo.

Floors (``quality_floors.json``) are set from measured figures and only ever raised.
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest

from incident_extract.records import process_inputs
from incident_extract.store import write_jsonl

from .conftest import DEV_CORPUS, SCORER

pytestmark = pytest.mark.model
FLOORS = json.loads((Path(__file__).parent / "quality_floors.json").read_text(encoding="utf-8"))


@pytest.fixture(scope="module")
def dev_scores(nlp, tmp_path_factory):
    if not (DEV_CORPUS / "articles").is_dir() or not SCORER.is_file():
        pytest.skip("../shared/corpus/dev is not beside the checkout")
    out = tmp_path_factory.mktemp("eval") / "dev.jsonl"
    for _ in write_jsonl(process_inputs([DEV_CORPUS / "articles"], nlp=nlp), out):
        pass
    result = subprocess.run(
        [sys.executable, str(SCORER), "--gold", str(DEV_CORPUS / "gold"), "--pred", str(out), "--json"],
        check=True,
        capture_output=True,
        text=True,
    )
    return json.loads(result.stdout)


@pytest.mark.parametrize("field", sorted(FLOORS["fields"]))
def test_field_f1_not_below_floor(dev_scores, field):
    assert dev_scores["fields"][field]["f1"] >= FLOORS["fields"][field], dev_scores["fields"][field]


def test_micro_f1_and_evidence(dev_scores):
    assert dev_scores["micro"]["f1"] >= FLOORS["micro_f1"]
    assert dev_scores["evidence_valid"] == 1.0
    assert dev_scores["missing_outputs"] == 0


def test_non_incidents_taken_for_incidents(dev_scores):
    assert dev_scores["fields"]["is_incident"]["fp"] <= FLOORS["max_false_incidents"]
