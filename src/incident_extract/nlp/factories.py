"""Every ``Language.factory`` of the project, in one place (as in spaCy's ``pipeline/factories.py``).

Names are namespaced (``incident_extract_*``; spaCy forbids dots in factory names) and also listed under
``[project.entry-points.spacy_factories]``, so a pipeline saved under ``models/`` loads with
``spacy.load`` without importing this package first.
"""

from __future__ import annotations

from spacy.language import Language

from ..rules_io import DEFAULT_RULES
from .actors import ActorFinder
from .assembler import Assembler
from .assertion import AssertionDetector
from .counts import CountFinder
from .dates import DateFinder
from .decision import IncidentDecision
from .extensions import register_extensions
from .locations import LocationFinder
from .prefix_terms import PrefixTerms
from .sectors import SectorFinder
from .terms import FILTERED_FIELDS, TermFilter
from .victims import VictimFinder

register_extensions()


@Language.factory("incident_extract_prefix_terms", default_config={"rules": DEFAULT_RULES})
def make_prefix_terms(nlp: Language, name: str, rules: str) -> PrefixTerms:
    return PrefixTerms(nlp, name, rules=rules)


@Language.factory(
    "incident_extract_term_filter", default_config={"rules": DEFAULT_RULES, "fields": list(FILTERED_FIELDS)}
)
def make_term_filter(nlp: Language, name: str, rules: str, fields: list[str]) -> TermFilter:
    return TermFilter(nlp, name, rules=rules, fields=fields)


@Language.factory("incident_extract_victims", default_config={"rules": DEFAULT_RULES})
def make_victims(nlp: Language, name: str, rules: str) -> VictimFinder:
    return VictimFinder(nlp, name, rules=rules)


@Language.factory("incident_extract_dates", default_config={"rules": DEFAULT_RULES})
def make_dates(nlp: Language, name: str, rules: str) -> DateFinder:
    return DateFinder(nlp, name, rules=rules)


@Language.factory("incident_extract_counts", default_config={"rules": DEFAULT_RULES})
def make_counts(nlp: Language, name: str, rules: str) -> CountFinder:
    return CountFinder(nlp, name, rules=rules)


@Language.factory("incident_extract_actors", default_config={"rules": DEFAULT_RULES})
def make_actors(nlp: Language, name: str, rules: str) -> ActorFinder:
    return ActorFinder(nlp, name, rules=rules)


@Language.factory(
    "incident_extract_assertion",
    default_config={"window_before": 40, "window_after": 45, "rules": DEFAULT_RULES},
)
def make_assertion(
    nlp: Language, name: str, window_before: int, window_after: int, rules: str
) -> AssertionDetector:
    return AssertionDetector(nlp, name, window_before=window_before, window_after=window_after, rules=rules)


@Language.factory("incident_extract_incident", default_config={"rules": DEFAULT_RULES})
def make_incident_decision(nlp: Language, name: str, rules: str) -> IncidentDecision:
    return IncidentDecision(nlp, name, rules=rules)


@Language.factory("incident_extract_locations", default_config={"rules": DEFAULT_RULES})
def make_locations(nlp: Language, name: str, rules: str) -> LocationFinder:
    return LocationFinder(nlp, name, rules=rules)


@Language.factory("incident_extract_sectors", default_config={"rules": DEFAULT_RULES})
def make_sectors(nlp: Language, name: str, rules: str) -> SectorFinder:
    return SectorFinder(nlp, name, rules=rules)


@Language.factory("incident_extract_assembler", default_config={"rules": DEFAULT_RULES})
def make_assembler(nlp: Language, name: str, rules: str) -> Assembler:
    return Assembler(nlp, name, rules=rules)
