"""Rule components load their rules in initialize() and carry them in a saved pipeline."""

from __future__ import annotations

import spacy

from incident_extract.nlp.pipeline import blank_pipeline

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
