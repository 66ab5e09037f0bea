"""The project's own sample articles (written by us, never tuned on): what `make run` shows."""

from pathlib import Path

import pytest

from incident_extract.records import process_inputs

pytestmark = pytest.mark.model
SAMPLES = Path(__file__).resolve().parents[1] / "samples"

EXPECTED = {  # file -> (is_incident, first victim, errors?)
    "hopital-rancongiciel.html": (True, "centre hospitalier de Vernon-sur-Loire", False),
    "industrie-usine.json": (True, "Manufacture Delorme-Aubry", False),
    "latin1-cyberattaque.txt": (True, "collège Paul-Éluard de Sainte-Gemme-la-Forêt", False),
    "lot-du-jour.jsonl:1": (True, "Université de Clairval", False),  # as the headline writes it
    "lot-du-jour.jsonl:2": (True, "enseigne de linge de maison Ambre & Lin", False),
    "mairie-ddos.json": (True, "mairie de Saint-Martin-de-Cressac", False),
    "mutuelle-fuite.txt": (True, "Mutuelle des Cheminots de l'Ouest", False),
    "conseils-phishing.txt": (False, None, False),
    "vide.txt": (False, None, True),
    "illisible.html": (False, None, True),
}


@pytest.fixture(scope="module")
def records(nlp):
    return {Path(r.source.path).name: r for r in process_inputs([SAMPLES], nlp=nlp)}


def test_every_sample_has_its_line(records):
    assert set(records) == set(EXPECTED)


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_sample(records, name):
    is_incident, victim, has_errors = EXPECTED[name]
    record = records[name]
    assert record.is_incident is is_incident
    assert bool(record.errors) is has_errors
    if victim:
        assert record.incidents[0].victims[0].name == victim


def test_denied_bank_data_is_kept_for_audit_only(records):
    incident = records["hopital-rancongiciel.html"].incidents[0]
    assert "bank_details" not in {d.id for d in incident.data_leaked}
    assert any(d.field == "data_leaked" and d.id == "bank_details" for d in incident.denied)
    assert [a.name for a in incident.threat_actors] == ["LockBit 3.0"]
