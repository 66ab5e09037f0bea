"""The exports on real records: the dev corpus, extracted once, as OpenCTI-shaped STIX, MISP
events and a datasette-ready store."""

import asyncio
import json
from importlib import resources

import pytest

from incident_extract.outputs import write_records
from incident_extract.outputs.datasette import datasette_metadata
from incident_extract.records import process_inputs

from .conftest import DEV_CORPUS

pytestmark = pytest.mark.model


@pytest.fixture(scope="module")
def dev_records(nlp):
    if not (DEV_CORPUS / "articles").is_dir():
        pytest.skip("../shared/corpus/dev is not beside the checkout")
    records = list(process_inputs([DEV_CORPUS / "articles"], nlp=nlp))
    assert sum(record.is_incident for record in records) >= 30
    return records


def test_dev_corpus_stix_bundle_validates_for_opencti(dev_records, tmp_path):
    validator = pytest.importorskip("stix2validator")
    out = tmp_path / "dev.json"
    list(write_records(dev_records, out))
    bundle = json.loads(out.read_text(encoding="utf-8"))
    result = validator.validate_instance(bundle, validator.ValidationOptions(version="2.1"))
    assert result.is_valid, [str(error) for error in result.errors][:5]
    codes = {str(warning).split("{", 1)[1].split("}", 1)[0] for warning in result.warnings}
    assert codes <= {"103", "202", "401"}, codes
    objects = {obj["id"]: obj for obj in bundle["objects"]}
    reports = [obj for obj in objects.values() if obj["type"] == "report"]
    assert len(reports) == sum(record.is_incident for record in dev_records)
    assert all(ref in objects for report in reports for ref in report["object_refs"])
    incidents = [obj for obj in objects.values() if obj["type"] == "incident"]
    assert len(incidents) == sum(len(record.incidents) for record in dev_records)
    # first_seen is the attack date, never the publication day: every dated incident has one, and
    # only those (since attack dates stopped defaulting to the disclosure day, about 2 in 5 are dated)
    dated = sum(incident.attack_date is not None for record in dev_records for incident in record.incidents)
    assert sum("first_seen" in incident for incident in incidents) == dated
    assert dated >= len(incidents) // 3
    assert any(obj["type"] == "location" for obj in objects.values())


def test_dev_corpus_misp_events_load_back(dev_records, tmp_path):
    pytest.importorskip("pymisp")
    from incident_extract.outputs.misp_events import read_misp_events

    out = tmp_path / "dev-misp.json"
    list(write_records(dev_records, out, "misp"))
    events = read_misp_events(out)
    assert len(events) == sum(len(record.incidents) for record in dev_records)
    jsonschema = pytest.importorskip("jsonschema")
    schema = json.loads(resources.files("pymisp").joinpath("data/schema.json").read_text(encoding="utf-8"))
    for entry in json.loads(out.read_text(encoding="utf-8"))["response"]:
        jsonschema.validate(entry, schema)  # MISP's event schema, as pymisp ships it
    assert all(event.tags[0].name == "tlp:clear" for event in events)
    assert all(event.attributes for event in events)
    tags = {tag.name for event in events for tag in event.tags}
    assert 'misp-galaxy:sector="Health"' in tags
    assert len({event.uuid for event in events}) == len(events)


def test_dev_corpus_store_opens_in_datasette_with_facets_and_search(dev_records, tmp_path):
    datasette_app = pytest.importorskip("datasette.app")
    store = tmp_path / "dev.sqlite"
    list(write_records(dev_records, store))

    async def get(path):
        app = datasette_app.Datasette([str(store)], metadata=datasette_metadata(store))
        response = await app.client.get(path)
        return response.status_code, response.json()

    status, data = asyncio.run(get("/dev/incident_facets.json?_facet_array=sectors&_shape=objects"))
    assert status == 200
    sectors = {row["value"] for row in data["facet_results"]["sectors"]["results"]}
    assert {"health", "public_administration"} <= sectors and not any(";" in value for value in sectors)
    status, data = asyncio.run(get("/dev/articles.json?_search=rancongiciel&_shape=objects"))
    assert status == 200 and len(data["rows"]) >= 5
