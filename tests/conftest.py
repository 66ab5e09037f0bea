"""Shared fixtures: a blank French pipeline for rule tests, the trained one loaded once."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

os.environ.setdefault("TZ", "Europe/Paris")

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
DEV_CORPUS = SHARED / "corpus" / "dev"
SCORER = SHARED / "eval" / "score.py"


@pytest.fixture(scope="session")
def blank_nlp():
    """spacy.blank("fr") + sentencizer + the project's rules: no trained model needed."""
    from incident_extract.nlp.pipeline import blank_pipeline

    return blank_pipeline()


@pytest.fixture(scope="session")
def nlp():
    """The full pipeline on fr_core_news_md, loaded once per test session."""
    from incident_extract.nlp.pipeline import load_pipeline

    return load_pipeline()


@pytest.fixture
def run_blank(blank_nlp):
    """Run the blank pipeline on a text with an optional publication date."""
    import datetime as dt

    def run(text: str, published: str | None = None, url: str | None = None):
        doc = blank_nlp.make_doc(text)
        doc._.ie_published = dt.date.fromisoformat(published) if published else None
        doc._.ie_url = url
        return blank_nlp(doc)

    return run
