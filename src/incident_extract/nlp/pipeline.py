"""Build the incident pipeline: the trained French model's useful parts plus our components.

The pipeline definition is this module: which components of ``fr_core_news_md`` are kept
(the lemmatizer is not: no rule reads lemmas), then the term ruler (the built-in
``span_ruler``, fed from the vocabularies) and the project's components. ``save_pipeline``
writes it under ``models/`` so ``spacy.load("models/incident_fr")`` gives the same pipeline.

The dependency parser is optional (``parser=True``): its only reader is the victims'
``DependencyMatcher`` (``rules/victim_roles.yaml``), and the surface cues of
``rules/victim_cues.yaml`` find the same victims on the dev and held-out sets but a handful
(README, "Speed"), while the parser is a quarter of the pipeline's time. Without it, the
sentences are the rules' own (``incident_extract_sentences``), which the NER also respects.
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
PARSER = "parser"
"""Left out unless asked for (``parser=True``): see the module's docstring."""
TERMS_RULER = "incident_extract_terms"
OWN_COMPONENTS = (
    "incident_extract_entity_bounds",  # right after the NER: every later component reads its entities
    "incident_extract_actors",  # before the victims: a named attacker or responder is never a victim
    "incident_extract_victims",
    "incident_extract_dates",
    "incident_extract_counts",
    "incident_extract_assertion",
    "incident_extract_incident",  # decides the incident; adds the salient victim when none is named
    "incident_extract_locations",  # after the decision: no incident, no places
    "incident_extract_sectors",  # after the decision: the salient victim tells a sector too
    "incident_extract_assembler",  # last: only maps the span groups to records
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
    nlp.add_pipe("incident_extract_sentences", first=True)  # the rules' sentences, before the NER
    nlp.add_pipe("incident_extract_prefix_terms", after=TERMS_RULER)
    nlp.add_pipe("incident_extract_term_filter", after="incident_extract_prefix_terms")
    for factory in OWN_COMPONENTS:
        nlp.add_pipe(factory)
    for _, component in nlp.pipeline:
        if isinstance(component, RuleComponent):
            component.initialize(nlp=nlp)  # only ours: nlp.initialize() would reset the trained pipes
    return nlp


def build_pipeline(model: str = "fr_core_news_md", *, parser: bool = False) -> Language:
    """A fresh pipeline from the installed trained model; ``parser`` keeps its dependency parser
    (the victims' dependency patterns then apply too)."""
    exclude = [*MODEL_EXCLUDE] if parser else [*MODEL_EXCLUDE, PARSER]
    nlp = spacy.load(model, exclude=exclude)
    return add_components(nlp)


@lru_cache(maxsize=4)
def load_pipeline(model: str = "fr_core_news_md", *, parser: bool = False) -> Language:
    """The pipeline, loaded once per process. A saved pipeline directory works too: it has the
    parser when it was saved with one (``incident-extract build-model --parser``)."""
    if Path(model).is_dir():
        return spacy.load(model)
    return build_pipeline(model, parser=parser)


def blank_pipeline() -> Language:
    """``spacy.blank("fr")`` with a sentencizer and our components: rule tests without the model."""
    nlp = spacy.blank("fr")
    nlp.add_pipe("sentencizer")
    return add_components(nlp)


def save_pipeline(path: str | Path, model: str = "fr_core_news_md", *, parser: bool = False) -> Path:
    path = Path(path)
    build_pipeline(model, parser=parser).to_disk(path)
    return path
