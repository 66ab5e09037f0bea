"""Every ``Language.factory`` of the project, in one place (as in spaCy's ``pipeline/factories.py``).

Names are namespaced (``incident_extract_*``; spaCy forbids dots in factory names) and also listed under
``[project.entry-points.spacy_factories]``, so a pipeline saved under ``models/`` loads with
``spacy.load`` without importing this package first.
"""

from __future__ import annotations

from collections.abc import Callable

from spacy.language import Language

from ..rules_io import DEFAULT_RULES
from .actors import ActorFinder
from .assembler import Assembler
from .assertion import AssertionDetector
from .counts import CountFinder
from .dates import DateFinder
from .decision import IncidentDecision
from .entity_bounds import EntityBounds
from .extensions import register_extensions
from .locations import LocationFinder
from .prefix_terms import PrefixTerms
from .rule_component import RuleComponent
from .sectors import SectorFinder
from .sentence_starts import SentenceStarts
from .terms import FILTERED_FIELDS, TermFilter
from .victims import VictimFinder

register_extensions()


def _rule_factory(component: type[RuleComponent]) -> Callable[..., RuleComponent]:
    """Register ``component`` under its ``factory_name`` with the one setting every rule component
    has: where its rules come from (``rules = "default"``, or a folder of rule files)."""
    factory_name = component.factory_name

    def make(nlp: Language, name: str, rules: str) -> RuleComponent:
        return component(nlp, name, rules=rules)

    make.__name__ = make.__qualname__ = f"make_{factory_name.removeprefix('incident_extract_')}"
    make.__doc__ = f"The ``{factory_name}`` component: :class:`{component.__name__}`."
    return Language.factory(factory_name, default_config={"rules": DEFAULT_RULES}, func=make)


make_prefix_terms = _rule_factory(PrefixTerms)
make_victims = _rule_factory(VictimFinder)
make_dates = _rule_factory(DateFinder)
make_counts = _rule_factory(CountFinder)
make_actors = _rule_factory(ActorFinder)
make_incident_decision = _rule_factory(IncidentDecision)
make_locations = _rule_factory(LocationFinder)
make_sectors = _rule_factory(SectorFinder)
make_assembler = _rule_factory(Assembler)
make_entity_bounds = _rule_factory(EntityBounds)


@Language.factory(
    "incident_extract_term_filter", default_config={"rules": DEFAULT_RULES, "fields": list(FILTERED_FIELDS)}
)
def make_term_filter(nlp: Language, name: str, rules: str, fields: list[str]) -> TermFilter:
    return TermFilter(nlp, name, rules=rules, fields=fields)


@Language.factory(
    "incident_extract_assertion",
    default_config={"window_before": 40, "window_after": 45, "rules": DEFAULT_RULES},
)
def make_assertion(
    nlp: Language, name: str, window_before: int, window_after: int, rules: str
) -> AssertionDetector:
    return AssertionDetector(nlp, name, window_before=window_before, window_after=window_after, rules=rules)


@Language.factory("incident_extract_sentences")
def make_sentences(nlp: Language, name: str) -> SentenceStarts:
    return SentenceStarts(nlp, name)
