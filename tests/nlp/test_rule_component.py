"""Rule components load their rules in initialize() and carry them in a saved pipeline."""

from __future__ import annotations

import shutil

import pytest
import spacy

from incident_extract.nlp.pipeline import blank_pipeline
from incident_extract.nlp.rule_component import RuleComponent

TEXT = "Les données bancaires des clients ont été dérobées lors de la cyberattaque."


def _data_status(nlp, text: str) -> str:
    doc = nlp(text)
    (span,) = [s for s in doc.spans["ie_terms"] if s.label_ == "data_leaked"]
    return span._.ie_status


def test_a_saved_pipeline_keeps_its_own_copy_of_the_rules(tmp_path):
    nlp = blank_pipeline()
    assert _data_status(nlp, TEXT) == "confirmed"
    nlp.to_disk(tmp_path / "pipeline")
    saved = tmp_path / "pipeline" / "incident_extract_assertion" / "assertion.yaml"
    assert saved.is_file()
    # an analyst edits the saved copy: « dérobées » now reads as a doubt, in that pipeline only
    text = saved.read_text(encoding="utf-8")
    saved.write_text(
        text.replace(
            "  - id: possible",
            "  - id: possible.test\n    value: possible\n    terms: [dérobées]\n  - id: possible",
            1,
        ),
        encoding="utf-8",
    )
    reloaded = spacy.load(tmp_path / "pipeline")
    assert _data_status(reloaded, TEXT) == "possible"
    assert _data_status(nlp, TEXT) == "confirmed"


def test_a_component_added_by_hand_loads_the_shipped_rules_on_first_use():
    nlp = spacy.blank("fr")
    nlp.add_pipe("sentencizer")
    assertion = nlp.add_pipe("incident_extract_assertion")
    assert not assertion.is_initialized
    nlp("Aucune donnée n'a été volée.")
    assert assertion.is_initialized and assertion.rules == "default"


OWN_RULE_COMPONENTS = {
    "incident_extract_prefix_terms": "PrefixTerms",
    "incident_extract_actors": "ActorFinder",
    "incident_extract_dates": "DateFinder",
    "incident_extract_counts": "CountFinder",
    "incident_extract_assertion": "AssertionDetector",
}


@pytest.fixture(scope="module")
def saved_pipeline(tmp_path_factory):
    """The blank pipeline saved once; each test edits its own copy."""
    path = tmp_path_factory.mktemp("saved") / "pipeline"
    blank_pipeline().to_disk(path)
    return path


@pytest.fixture(scope="module")
def reloaded(saved_pipeline):
    """The saved pipeline loaded back unchanged."""
    return spacy.load(saved_pipeline)


def _found(nlp, text: str, key: str, read=lambda span: span.text) -> list:
    doc = nlp(text)  # kept alive while its span group is read
    return [read(span) for span in doc.spans[key]]


@pytest.mark.parametrize("component", sorted(OWN_RULE_COMPONENTS))
def test_a_saved_pipeline_holds_every_rule_file_of_each_component(blank_nlp, saved_pipeline, component):
    pipe = blank_nlp.get_pipe(component)
    assert type(pipe).__name__ == OWN_RULE_COMPONENTS[component]
    assert isinstance(pipe, RuleComponent) and pipe.rule_files
    for name in pipe.rule_files:
        assert (saved_pipeline / component / f"{name}.yaml").is_file()


def _edited_copy(saved_pipeline, tmp_path, component: str, name: str, old: str, new: str):
    """A copy of the saved pipeline where one rule file of ``component`` has ``old`` -> ``new``."""
    copy = tmp_path / "copy"
    shutil.copytree(saved_pipeline, copy)
    rule_file = copy / component / f"{name}.yaml"
    text = rule_file.read_text(encoding="utf-8")
    assert old in text
    rule_file.write_text(text.replace(old, new, 1), encoding="utf-8")
    return spacy.load(copy)


def test_an_edited_actor_pattern_file_changes_the_actors_found(saved_pipeline, reloaded, tmp_path):
    text = "Le groupe de hackers Cyber Wolves a revendiqué l'attaque."
    nlp = _edited_copy(
        saved_pipeline,
        tmp_path,
        "incident_extract_actors",
        "actor_patterns",
        "words: [Le,",
        "words: [Cyber, Le,",
    )
    assert _found(reloaded, text, "ie_actors") == ["Cyber Wolves"]
    assert _found(nlp, text, "ie_actors") == []


def test_an_edited_date_role_file_changes_the_role(saved_pipeline, reloaded, tmp_path):
    text = "Le 3 mars 2024, la mairie a constaté une attaque."
    nlp = _edited_copy(saved_pipeline, tmp_path, "incident_extract_dates", "date_roles", "constaté*, ", "")
    assert _found(reloaded, text, "ie_dates", lambda span: span._.ie_kind) == ["discovery"]
    assert _found(nlp, text, "ie_dates", lambda span: span._.ie_kind) == ["attack"]


def test_an_edited_count_file_counts_new_people(saved_pipeline, reloaded, tmp_path):
    text = "Les données de 5 000 auditeurs ont été volées."
    nlp = _edited_copy(
        saved_pipeline,
        tmp_path,
        "incident_extract_counts",
        "counts",
        "terms: [donateurs,",
        "terms: [auditeurs, donateurs,",
    )
    assert _found(reloaded, text, "ie_counts") == []
    assert _found(nlp, text, "ie_counts", lambda span: (span._.ie_value, span._.ie_kind)) == [
        (5000, "affected")
    ]


def test_an_edited_vocabulary_copy_changes_the_prefix_terms(saved_pipeline, reloaded, tmp_path):
    text = "La mairie a subi un cyberbraquage."
    nlp = _edited_copy(
        saved_pipeline,
        tmp_path,
        "incident_extract_prefix_terms",
        "attack_types",
        "terms: [",
        "terms: [cyberbraqu*, ",
    )
    assert "cyberbraquage" not in _found(reloaded, text, "ie_terms")
    assert ("cyberbraquage", "attack_types") in _found(
        nlp, text, "ie_terms", lambda span: (span.text, span.label_)
    )


def test_the_window_of_a_cue_comes_from_its_rule_file(saved_pipeline, reloaded, tmp_path):
    # « ou encore des » (15 characters) joins two items of one denied list, within 40 but not 10
    text = "En aucun cas des données de type IBAN, numéro de téléphone ou encore des données de santé n'ont été exposées."
    old, new = "window: 40\n    pattern: ',|", "window: 10\n    pattern: ',|"
    nlp = _edited_copy(saved_pipeline, tmp_path, "incident_extract_assertion", "assertion_cues", old, new)

    def health_data(span):
        return span._.ie_status if span.text == "données de santé" else None

    assert "negated" in _found(reloaded, text, "ie_terms", health_data)
    assert "negated" not in _found(nlp, text, "ie_terms", health_data)
