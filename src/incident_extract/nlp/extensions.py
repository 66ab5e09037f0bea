"""All custom ``._.`` attributes of the pipeline, declared in one table."""

from __future__ import annotations

import datetime as dt
import functools
import logging

from spacy.tokens import Doc, Span

# Values kept in ``doc.user_data`` must survive msgpack (``nlp.pipe(n_process=2)`` ships docs
# between processes): dates are stored as ISO strings, incidents as JSON-ready dicts, behind
# getters and setters that give notebooks the real objects.
DOC_PROPERTIES = ("ie_published", "ie_incidents")
DOC_EXTENSIONS = {
    "ie_anchor_year": None,  # a year the text fixes when there is no publication date
    "ie_is_incident": False,
    "ie_incident_rule": None,  # the rule that decided the article reports an incident (nlp/incident.py)
    "ie_url": None,  # the article's URL: its slug is a headline when the page has no title
    "ie_title": None,  # the page's or feed item's title, when known: the headline
    "ie_errors": None,  # list[str]: a component that failed on this doc (see guarded)
}
SPAN_EXTENSIONS = {
    "ie_value": None,  # normalised value: an ISO date string, an int, a fuller name
    "ie_status": "confirmed",  # confirmed | possible | claimed | negated | exercise
    "ie_rule": None,  # the rule id that produced the span
    "ie_kind": None,  # victims: organization | person | group
    "ie_sector": None,  # victims: sector implied by the organisation noun
}

log = logging.getLogger(__name__)

SPAN_KEYS = {
    "terms": "ie_terms",  # vocabulary matches whose context holds (nlp/terms.py)
    "all_terms": "ie_terms_all",  # every match, filtered or not: read by the victims and the locations
    "locations": "ie_locations",  # places of the victims or of the impact (nlp/locations.py)
    "sectors": "ie_sectors",  # label: the sector id; id_: the rule (nlp/sectors.py)
    "victims": "ie_victims",
    "dates": "ie_dates",
    "counts": "ie_counts",
    "actors": "ie_actors",
    "candidates": "ie_victim_candidates",  # names that could be victims, for the salience fallback
}


def guarded(call):
    """Wrap a component's ``__call__``: an exception in a rule becomes an error on that doc only.

    The article's record then carries the error and the run goes on with the next article.
    """

    @functools.wraps(call)
    def wrapper(self, doc: Doc) -> Doc:
        if doc._.ie_errors:
            return doc
        try:
            return call(self, doc)
        except Exception as exc:  # a rule bug must not stop a batch of thousands
            log.warning("component %s failed: %r", getattr(self, "name", self), exc)
            doc._.ie_errors = [f"extraction failed in {getattr(self, 'name', self)}: {exc!r}"]
            return doc

    return wrapper


def _get_published(doc: Doc) -> dt.date | None:
    """datetime.date of publication, set before the pipeline runs (or from the dateline)."""
    raw = doc.user_data.get("ie_published_iso")
    return dt.date.fromisoformat(raw) if raw else None


def _set_published(doc: Doc, value: dt.date | None) -> None:
    doc.user_data["ie_published_iso"] = value.isoformat() if value else None


def _get_incidents(doc: Doc) -> list:
    """list[models.Incident], set by the assembler."""
    from ..models import Incident

    return [Incident.model_validate(raw) for raw in doc.user_data.get("ie_incidents_json") or []]


def _set_incidents(doc: Doc, incidents: list) -> None:
    doc.user_data["ie_incidents_json"] = [i.model_dump(mode="json") for i in incidents]


def _span_attribute(name: str, default):
    """A span attribute keyed by the span's offsets *and its label*, with getter and setter.

    spaCy keys a span's ``._`` values by its character offsets alone, so two spans with the same
    bounds share them: an attacker found by an actor pattern (label ``threat_actors``) took the
    rule id the victims component wrote on a name candidate with the same bounds (no label).
    Spans of one kind still share their values across span groups, as the components expect.
    """

    def key(span: Span) -> tuple:
        return ("ie._", name, span.start_char, span.end_char, span.label)

    def getter(span: Span):
        return span.doc.user_data.get(key(span), default)

    def setter(span: Span, value) -> None:
        span.doc.user_data[key(span)] = value

    return getter, setter


def register_extensions() -> None:
    if not Doc.has_extension("ie_published"):
        Doc.set_extension("ie_published", getter=_get_published, setter=_set_published)
    if not Doc.has_extension("ie_incidents"):
        Doc.set_extension("ie_incidents", getter=_get_incidents, setter=_set_incidents)
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name, default in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            getter, setter = _span_attribute(name, default)
            Span.set_extension(name, getter=getter, setter=setter)
