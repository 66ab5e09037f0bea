"""Sentences as the rules see them: cut at strong punctuation and at line breaks.

The trained parser's sentence boundaries wander on press text (headlines without a full stop,
lists, quotes), and the blank pipeline has none; every rule uses these boundaries instead, so
rules behave the same with or without the trained model.
"""

from __future__ import annotations

import bisect
import re
import weakref

from spacy.tokens import Doc, Span

BOUNDARY = re.compile(r"(?<=[.!?…])[»\"”)]?\s+(?=[«\"“(]?\s?[A-ZÀ-Ý0-9])|\n\s*")
_CACHE = "ie_sentence_starts"
_ALL_CACHE = "ie_sentence_bounds"
_TEXTS: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def text_of(doc: Doc) -> str:
    """``doc.text``, computed once per doc: spaCy rebuilds the string at every access, and the
    rules read it thousands of times per article."""
    text = _TEXTS.get(doc)
    if text is None:
        text = _TEXTS[doc] = doc.text
    return text


def sentence_starts(doc: Doc) -> list[int]:
    starts = doc.user_data.get(_CACHE)
    if starts is None:
        starts = [0] + [m.end() for m in BOUNDARY.finditer(text_of(doc))]
        doc.user_data[_CACHE] = starts
    return starts


def sentence_bounds(doc: Doc, start_char: int, end_char: int | None = None) -> tuple[int, int]:
    """Character bounds of the sentence holding ``start_char`` (extended to ``end_char``)."""
    starts = sentence_starts(doc)
    k = bisect.bisect_right(starts, start_char) - 1
    start = starts[max(k, 0)]
    end_char = start_char if end_char is None else end_char
    j = bisect.bisect_right(starts, max(end_char - 1, start_char))
    end = starts[j] if j < len(starts) else len(text_of(doc))
    while end > start and text_of(doc)[end - 1].isspace():
        end -= 1
    return start, max(end, end_char)


def sentence_of(span: Span) -> tuple[int, int]:
    return sentence_bounds(span.doc, span.start_char, span.end_char)


def sentence_text(span: Span) -> str:
    start, end = sentence_of(span)
    return text_of(span.doc)[start:end]


def sentence_index(span: Span) -> int:
    return bisect.bisect_right(sentence_starts(span.doc), span.start_char) - 1


def all_sentences(doc: Doc) -> list[tuple[int, int]]:
    """Bounds of every sentence, computed once per doc (several components walk them all)."""
    bounds = doc.user_data.get(_ALL_CACHE)
    if bounds is None:
        length = len(text_of(doc))
        bounds = [sentence_bounds(doc, s) for s in sentence_starts(doc) if s < length]
        doc.user_data[_ALL_CACHE] = bounds
    return list(bounds)


def starts_sentence(token) -> bool:
    """True for the first token of a sentence (a capital there says nothing about a name)."""
    doc = token.doc
    starts = sentence_starts(doc)
    k = bisect.bisect_left(starts, token.idx)
    if k < len(starts) and starts[k] == token.idx:
        return True
    text = text_of(doc)
    before = token.idx  # the last character before the token that is not a space
    while before > 0 and text[before - 1].isspace():
        before -= 1
    return before == 0 or text[before - 1] in '.!?\n:«"“—–-'


def paragraph_of(doc: Doc, char: int) -> str:
    """The paragraph (text between line breaks) holding character ``char``."""
    text = text_of(doc)
    start = text.rfind("\n", 0, char) + 1
    end = text.find("\n", char)
    return text[start : end if end != -1 else len(text)]
