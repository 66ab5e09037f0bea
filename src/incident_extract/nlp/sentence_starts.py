"""Component ``incident_extract_sentences``: the rules' sentences, given to the trained model.

Every rule reads the sentences of :mod:`.sentences` (strong punctuation and line breaks). This
component marks their first tokens as sentence starts before the trained components run, so
the named-entity recogniser, which never lets an entity cross a sentence start, sees the same
sentences: a place ends at its line (« Nice » and not « Nice - @AFP » across a dateline), with
or without the dependency parser (which keeps preset starts when it is in the pipeline).
"""

from __future__ import annotations

import bisect

from spacy.language import Language
from spacy.tokens import Doc

from .extensions import guarded
from .sentences import sentence_starts, text_of


class SentenceStarts:
    """Sets ``token.is_sent_start = True`` on the first token of every rule sentence; the other
    tokens stay unset, so a parser may still cut inside a long sentence."""

    factory_name = "incident_extract_sentences"

    def __init__(self, nlp: Language | None = None, name: str | None = None) -> None:
        self.name = name or self.factory_name

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        if not len(doc):
            return doc
        offsets = [token.idx for token in doc]
        length = len(text_of(doc))
        for start in sentence_starts(doc):
            if start >= length:
                continue
            i = bisect.bisect_left(offsets, start)
            if i < len(doc):
                doc[i].is_sent_start = True
        return doc
