"""STIX 2.1 export: the bundle validates, carries the Incident Core extension, and ids are stable."""

import datetime as dt
import json
import sys

import pytest

pytest.importorskip("stix2")
stix2validator = pytest.importorskip("stix2validator")

from incident_extract.errors import MissingExtraError  # noqa: E402
from incident_extract.outputs import write_records  # noqa: E402
from incident_extract.outputs.stix_bundle import INCIDENT_CORE_EXTENSION, stix_bundle, write_stix  # noqa: E402

from .store_samples import hospital_record, sample_records  # noqa: E402

CREATED = dt.datetime(2024, 3, 12, 8, 30, tzinfo=dt.UTC)
EXPECTED_WARNINGS = {
    "103",  # ids are UUIDv5 (stable across exports) where STIX suggests UUIDv4
    "202",  # incident -> impacts/attributed-to come from the Incident Core extension, not core STIX
    "302",  # the article reference has a URL but no hash of the page
}


def bundle_json(records=None):
    bundle = stix_bundle(sample_records() if records is None else records, created=CREATED)
    return json.loads(bundle.serialize(ensure_ascii=False))


def by_type(bundle, kind):
    return [obj for obj in bundle["objects"] if obj["type"] == kind]


def test_bundle_validates():
    result = stix2validator.validate_instance(bundle_json(), stix2validator.ValidationOptions(version="2.1"))
    assert result.is_valid, [str(error) for error in result.errors]
    codes = {str(warning).split("{", 1)[1].split("}", 1)[0] for warning in result.warnings}
    assert codes <= EXPECTED_WARNINGS, [str(warning) for warning in result.warnings]


def test_objects_and_relationships():
    bundle = bundle_json()
    assert len(by_type(bundle, "incident")) == 3
    identities = {obj["name"]: obj for obj in by_type(bundle, "identity")}
    assert set(identities) == {
        "centre hospitalier de Pontivy",
        "patients",
        "mairie de Lorient",
        '=HYPERLINK("http://evil.example/x","cliquez")',
        "syndicat « mixte » ; 🚨",
    }
    assert identities["patients"]["identity_class"] == "group"
    assert identities["mairie de Lorient"]["sectors"] == ["government"]  # the only victim of its incident
    assert "sectors" not in identities["centre hospitalier de Pontivy"]  # two victims: sector is ambiguous
    actors = {obj["name"]: obj["id"] for obj in by_type(bundle, "threat-actor")}
    assert set(actors) == {"LockBit 3.0", "-moins @arobase"}
    relations = {
        (rel["source_ref"].split("--")[0], rel["relationship_type"], rel["target_ref"].split("--")[0])
        for rel in by_type(bundle, "relationship")
    }
    assert relations == {
        ("incident", "impacts", "identity"),
        ("incident", "attributed-to", "threat-actor"),
        ("threat-actor", "targets", "identity"),
    }
    targets = [
        rel["target_ref"]
        for rel in by_type(bundle, "relationship")
        if rel["source_ref"] == actors["LockBit 3.0"]
    ]
    assert sorted(targets) == sorted(
        identities[name]["id"] for name in ("centre hospitalier de Pontivy", "patients")
    )
    assert all(rel["description"] for rel in by_type(bundle, "relationship"))  # the evidence sentence


def test_incident_carries_the_incident_core_extension_and_the_article():
    main = by_type(bundle_json([hospital_record()]), "incident")[0]
    assert main["name"] == "Cyberattaque : centre hospitalier de Pontivy et 1 autre"
    assert main["created"] == main["modified"] == "2024-03-12T08:30:00.000Z"
    extension = main["extensions"][INCIDENT_CORE_EXTENSION]
    assert extension == {
        "extension_type": "property-extension",
        "determination": "successful-attempt",
        "investigation_status": "new",
        "incident_types": ["compromised-system", "unauthorized-release"],
        "impacted_entity_counts": {"individual": 300000},
    }
    assert main["labels"] == ["ransomware", "data_theft"]
    (reference,) = main["external_references"]
    assert reference["url"].startswith("https://www.ouest-france.fr/bretagne/pontivy/")
    assert reference["source_name"] == "ouest-france.fr"
    assert "Date de l'attaque : 2024-03-09" in main["description"]
    assert "Données : données de santé (health_data)" in main["description"]
    assert "bank_details" not in main["description"]  # denied


def test_an_incident_with_only_possible_items_is_suspected():
    record = hospital_record()
    incident = record.incidents[0]
    for item in [*incident.victims, *incident.attack_types]:
        item.status = "possible"
    main = by_type(bundle_json([record]), "incident")[0]
    assert main["extensions"][INCIDENT_CORE_EXTENSION]["determination"] == "suspected"


def test_ids_are_the_same_on_every_export():
    ids = lambda bundle: sorted(obj["id"] for obj in bundle["objects"])  # noqa: E731
    assert ids(bundle_json()) == ids(bundle_json())


def test_articles_without_incident_give_an_empty_bundle():
    assert bundle_json(sample_records()[1:4]).get("objects", []) == []


def test_write_stix_through_the_dispatcher(tmp_path):
    out = tmp_path / "bundle.json"
    assert list(write_records(sample_records(), out, "stix")) == sample_records()
    bundle = json.loads(out.read_text(encoding="utf-8"))
    assert bundle["type"] == "bundle" and len(by_type(bundle, "incident")) == 3
    assert "hôpital" in out.read_text(encoding="utf-8")  # not \\u-escaped


def test_missing_stix2_is_a_clear_error(tmp_path, monkeypatch):
    monkeypatch.setitem(sys.modules, "stix2", None)
    with pytest.raises(MissingExtraError, match=r"incident-extract\[stix\]"):
        write_stix(sample_records(), tmp_path / "bundle.json")
    assert list(tmp_path.iterdir()) == []
