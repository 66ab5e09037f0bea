"""MISP export: one event per incident, built with pymisp, loaded back by pymisp."""

import json

import pytest

pymisp = pytest.importorskip("pymisp")

from incident_extract.errors import InputError, OutputError  # noqa: E402
from incident_extract.outputs import read_records, write_records  # noqa: E402
from incident_extract.outputs.misp_events import (  # noqa: E402
    galaxy_cluster,
    misp_events,
    read_misp_events,
)

from .store_samples import hospital_record, sample_records  # noqa: E402


@pytest.fixture
def events(tmp_path):
    out = tmp_path / "misp.json"
    assert list(write_records(sample_records(), out, "misp")) == sample_records()
    return out, read_misp_events(out)


def attributes(event, kind):
    return [attribute for attribute in event.attributes if attribute.type == kind]


def test_one_event_per_incident_loads_back_with_pymisp(events):
    out, loaded = events
    assert [type(event) for event in loaded] == [pymisp.MISPEvent] * 3
    assert [event.info for event in loaded] == [
        "Cyberattaque : centre hospitalier de Pontivy (Cyberattaque : l'hôpital de Pontivy paralysé)",
        "Cyberattaque : mairie de Lorient (Cyberattaque : l'hôpital de Pontivy paralysé)",
        'Cyberattaque : =HYPERLINK("http://evil.example/x","cliquez") (+"Titre" ; avec retour 🔐)',
    ]
    assert "hôpital" in out.read_text(encoding="utf-8")  # not \\u-escaped
    with pytest.raises(InputError, match="export"):
        list(read_records(out, "misp"))


def test_attributes_tags_and_galaxies(events):
    _, (hospital, lorient, _odd) = events
    assert hospital.date.isoformat() == "2024-03-09"  # the attack date
    assert [a.value for a in attributes(hospital, "target-org")] == ["centre hospitalier de Pontivy"]
    assert [a.value for a in attributes(hospital, "target-external")] == ["patients"]  # a group of people
    assert [a.value for a in attributes(hospital, "target-location")] == ["Pontivy"]
    assert [a.value for a in attributes(hospital, "threat-actor")] == ["LockBit 3.0"]
    (link,) = attributes(hospital, "link")
    assert link.value.startswith("https://www.ouest-france.fr/") and link.category == "External analysis"
    dates = {a.comment.split(" (")[0]: a.value for a in attributes(hospital, "datetime")}
    assert {name: value.date().isoformat() for name, value in dates.items()} == {
        "date de l'attaque": "2024-03-09",
        "découverte": "2024-03-11",
    }
    assert [int(a.value) for a in attributes(hospital, "counter")] == [300000]
    texts = {a.value for a in attributes(hospital, "text")}
    assert {"rançongiciel", "données de santé", "ARS Bretagne"} <= texts
    assert "coordonnées bancaires" not in texts  # denied
    assert not any(a.to_ids for a in hospital.attributes)  # press facts, not detection indicators
    assert [tag.name for tag in hospital.tags] == [
        "tlp:clear",
        'misp-galaxy:sector="Health"',
        'misp-galaxy:ransomware="LockBit"',
    ]
    assert [tag.name for tag in lorient.tags] == [
        "tlp:clear",
        'misp-galaxy:sector="Government, Administration"',
    ]


def test_galaxy_names_known_and_unknown():
    assert galaxy_cluster("ransomware", "LockBit 3.0") == "LockBit"
    assert galaxy_cluster("ransomware", "lockbit") == "LockBit"
    assert galaxy_cluster("threat-actor", "APT28") == "APT28"
    assert galaxy_cluster("threat-actor", "Fancy Bear") == "APT28"  # a synonym
    assert galaxy_cluster("threat-actor", "le collectif des Pirates de Brocéliande") is None


def test_uuids_are_stable_across_exports():
    first = [(e.uuid, sorted(a.uuid for a in e.attributes)) for e in misp_events([hospital_record()])]
    again = [(e.uuid, sorted(a.uuid for a in e.attributes)) for e in misp_events([hospital_record()])]
    assert first == again


def test_tlp_level_and_bad_level(tmp_path):
    (event, _) = misp_events([hospital_record()], tlp="amber")
    assert event.tags[0].name == "tlp:amber"
    with pytest.raises(OutputError, match="unknown TLP level"):
        misp_events([], tlp="blanc")


def test_the_file_has_misp_search_shape(events):
    out, _ = events
    data = json.loads(out.read_text(encoding="utf-8"))
    assert list(data) == ["response"] and all(list(entry) == ["Event"] for entry in data["response"])
