"""Build the incident pipeline: the trained French model's useful parts plus our components.

The pipeline definition is this module: which components of ``fr_core_news_md`` are kept
(the lemmatizer is not: no rule reads lemmas), then the term ruler (the built-in
``span_ruler``, fed from the vocabularies) and the project's components. ``save_pipeline``
writes it under ``models/`` so ``spacy.load("models/incident_fr")`` gives the same pipeline.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import spacy
from spacy.language import Language

from ..rules_io import ruler_patterns
from . import factories  # noqa: F401  (registers the factories)
from .extensions import SPAN_KEYS
from .rule_component import RuleComponent

MODEL_EXCLUDE = ("lemmatizer", "attribute_ruler")
TERMS_RULER = "incident_extract_terms"
OWN_COMPONENTS = (
    "incident_extract_actors",  # before the victims: a named attacker or responder is never a victim
    "incident_extract_victims",
    "incident_extract_dates",
    "incident_extract_counts",
    "incident_extract_assertion",
    "incident_extract_assembler",
)


def add_components(nlp: Language) -> Language:
    """Add the term ruler and the project's components to a French pipeline (blank or trained)."""
    ruler = nlp.add_pipe(
        "span_ruler",
        name=TERMS_RULER,
        first=True,  # reads only the text: its phrase patterns then need no tagging or parsing
        config={
            "spans_key": SPAN_KEYS["terms"],
            "overwrite": False,
            "validate": True,
            "phrase_matcher_attr": "LOWER",
        },
    )
    ruler.add_patterns(ruler_patterns(nlp.tokenizer))
    nlp.add_pipe("incident_extract_prefix_terms", after=TERMS_RULER).initialize(nlp=nlp)
    for factory in OWN_COMPONENTS:
        component = nlp.add_pipe(factory)
        if isinstance(component, RuleComponent):
            component.initialize(nlp=nlp)  # only ours: nlp.initialize() would reset the trained pipes
    return nlp


def build_pipeline(model: str = "fr_core_news_md") -> Language:
    """A fresh pipeline from the installed trained model."""
    nlp = spacy.load(model, exclude=list(MODEL_EXCLUDE))
    return add_components(nlp)


@lru_cache(maxsize=2)
def load_pipeline(model: str = "fr_core_news_md") -> Language:
    """The pipeline, loaded once per process (a saved pipeline directory works too)."""
    if Path(model).is_dir():
        return spacy.load(model)
    return build_pipeline(model)


def blank_pipeline() -> Language:
    """``spacy.blank("fr")`` with a sentencizer and our components: rule tests without the model."""
    nlp = spacy.blank("fr")
    nlp.add_pipe("sentencizer")
    return add_components(nlp)


def save_pipeline(path: str | Path, model: str = "fr_core_news_md") -> Path:
    path = Path(path)
    build_pipeline(model).to_disk(path)
    return path
