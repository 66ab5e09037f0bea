"""The clause around a span: its sentence cut at the scope breakers of ``assertion.yaml``.

The assertion, date and count components all read a span's clause (« les données ne sont pas
concernées, mais le site est à l'arrêt lundi » has two), so the cut is defined once, here.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from ..rules_io import fold
from .sentences import sentence_of, text_of


def clause_bounds(doc: Doc, span: Span, breakers: re.Pattern) -> tuple[int, int]:
    """Character bounds of the clause holding ``span``: its sentence cut at ``breakers``
    (``cues.scope_breaker_regex`` of the component's rules)."""
    sent_start, sent_end = sentence_of(span)
    before = fold(text_of(doc)[sent_start : span.start_char])
    after = fold(text_of(doc)[span.end_char : sent_end])
    start = sent_start
    for m in breakers.finditer(before):
        start = sent_start + m.end()
    end = sent_end
    m = breakers.search(after)
    if m:
        end = span.end_char + m.start()
    return start, end
