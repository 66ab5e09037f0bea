"""All custom ``._.`` attributes of the pipeline, declared in one table."""

from __future__ import annotations

import functools
import logging

from spacy.tokens import Doc, Span

DOC_EXTENSIONS = {
    "ie_published": None,  # datetime.date of publication, set before the pipeline runs
    "ie_anchor_year": None,  # a year the text fixes when there is no publication date
    "ie_incidents": None,  # list[models.Incident], set by the assembler
    "ie_is_incident": False,
    "ie_errors": None,  # list[str]: a component that failed on this doc (see guarded)
}
SPAN_EXTENSIONS = {
    "ie_value": None,  # normalised value: a date, an int, a vocabulary id
    "ie_status": "confirmed",  # confirmed | possible | claimed | negated | exercise
    "ie_rule": None,  # the rule id that produced the span
    "ie_kind": None,  # victims: organization | person | group
    "ie_sector": None,  # victims: sector implied by the organisation noun
}

log = logging.getLogger(__name__)

SPAN_KEYS = {
    "terms": "ie_terms",
    "victims": "ie_victims",
    "dates": "ie_dates",
    "counts": "ie_counts",
    "actors": "ie_actors",
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


def register_extensions() -> None:
    for name, default in DOC_EXTENSIONS.items():
        if not Doc.has_extension(name):
            Doc.set_extension(name, default=default)
    for name, default in SPAN_EXTENSIONS.items():
        if not Span.has_extension(name):
            Span.set_extension(name, default=default)
