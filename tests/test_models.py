"""The one table of fields (``models.FIELDS``) against the pydantic model it describes."""

from __future__ import annotations

import datetime as dt
import typing

import pytest
from pydantic import ValidationError

from incident_extract.models import FIELDS, ArticleRecord, Evidence, Incident, PeopleAffected
from incident_extract.rules_io import ALLOWED_VALUES, load_vocabulary

TEXT = "La clinique des Lilas a été visée le 3 mars par un rançongiciel : 1 200 patients sont touchés."


def evidence(words: str) -> Evidence:
    start = TEXT.index(words)
    return Evidence(start=start, end=start + len(words), text=words)


def test_every_field_of_the_model_has_exactly_one_row_in_its_order():
    assert tuple(FIELDS) == tuple(Incident.model_fields)
    assert all(name == spec.name for name, spec in FIELDS.items())


@pytest.mark.parametrize("name", list(FIELDS))
def test_each_row_names_the_items_the_model_holds(name):
    spec = FIELDS[name]
    annotation = Incident.model_fields[name].annotation
    if spec.single:
        assert annotation == spec.item | None
    else:
        assert typing.get_origin(annotation) is list and typing.get_args(annotation) == (spec.item,)
    assert spec.key is None or spec.key in spec.item.model_fields


@pytest.mark.parametrize("spec", [spec for spec in FIELDS.values() if spec.vocabulary])
def test_vocabulary_rows_name_a_shipped_rule_file_of_their_ids(spec):
    vocabulary = load_vocabulary(spec.vocabulary)
    assert vocabulary.field == spec.name
    assert ALLOWED_VALUES[spec.vocabulary] == spec.allowed_values()
    if spec.has_ids:
        assert {entry.value for entry in vocabulary.entries} <= spec.allowed_values()


def test_ids_come_from_the_item_literal():
    assert "ransomware" in FIELDS["attack_types"].allowed_values()
    assert "health" in FIELDS["sectors"].allowed_values()
    assert FIELDS["threat_actors"].allowed_values() is None  # free names


def test_cells_and_items_of_an_incident():
    count = PeopleAffected(
        value=1200, text="1 200 patients", evidence=evidence("1 200 patients"), rule="counts.people"
    )
    incident = Incident.model_validate(
        {
            "victims": [
                {"name": "clinique des Lilas", "evidence": evidence("clinique des Lilas"), "rule": "v"}
            ],
            "dates": [
                {
                    "value": dt.date(2025, 3, 3),
                    "text": "3 mars",
                    "role": "attack",
                    "evidence": evidence("3 mars"),
                    "rule": "d",
                }
            ],
            "people_affected": count,
        }
    )
    assert FIELDS["people_affected"].items_of(incident) == [count]
    assert FIELDS["attack_date"].items_of(incident) == []
    assert FIELDS["people_affected"].cell_of(count) == 1200
    assert FIELDS["dates"].cell_of(incident.dates[0]) == "attack 2025-03-03"
    assert FIELDS["victims"].cell_of(incident.victims[0]) == "clinique des Lilas"


def test_a_single_item_evidence_is_checked_against_the_text():
    wrong = Evidence(start=0, end=14, text="1 200 patients")
    count = PeopleAffected(value=1200, text="1 200 patients", evidence=wrong, rule="counts.people")
    with pytest.raises(ValidationError, match="does not point into the text"):
        ArticleRecord(source={}, text=TEXT, is_incident=True, incidents=[Incident(people_affected=count)])
