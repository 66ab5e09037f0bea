"""Component ``incident_extract_prefix_terms``: the vocabularies' one-word prefixes and acronyms.

A term such as ``rançongiciel*`` or ``piraté*`` covers every ending of one word, and an acronym
such as ``ANSSI`` keeps its case. As token patterns of the span ruler they cost most of its time
(a REGEX per prefix, a set per acronym, tried on every token); this component looks each word up
in two tables built once from the vocabularies (its first letters for the prefixes, the word as
written for the acronyms), and adds its matches to ``doc.spans["ie_terms"]`` beside the ruler's.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..rules_io import DEFAULT_RULES, TERM_FIELDS, word_terms
from .extensions import SPAN_KEYS, guarded
from .rule_component import RuleComponent

KEY = 3
"""Length of the word start the table is keyed on."""


class PrefixTerms(RuleComponent):
    """Component ``incident_extract_prefix_terms``: one-word prefix and acronym terms added to ``ie_terms``."""

    rule_files = TERM_FIELDS

    factory_name = "incident_extract_prefix_terms"

    def __init__(self, nlp: Language, name: str | None = None, rules: str = DEFAULT_RULES) -> None:
        super().__init__(nlp, name, rules)
        self.tokenizer = nlp.tokenizer  # to cut terms into words as the documents are

    def load_rules(self, rules: str) -> None:
        prefixes, acronyms = word_terms(self.tokenizer, rules=rules)
        self.table: dict[str, list[tuple[str, str, str]]] = {}
        for prefix, label, entry_id in prefixes:
            self.table.setdefault(prefix[:KEY], []).append((prefix, label, entry_id))
        self.acronyms: dict[str, list[tuple[str, str]]] = {}
        for word, label, entry_id in acronyms:
            entries = self.acronyms.setdefault(word, [])
            if (label, entry_id) not in entries:  # « ANS » and « Ans » in one entry: one match
                entries.append((label, entry_id))

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        self.ensure_initialized()
        group = doc.spans.setdefault(SPAN_KEYS["terms"], [])
        found = []
        for token in doc:
            for label, entry_id in self.acronyms.get(token.text, ()):
                found.append(Span(doc, token.i, token.i + 1, label=label, span_id=entry_id))
            word = token.lower_.replace("’", "'")
            for prefix, label, entry_id in self.table.get(word[:KEY], ()):
                if word.startswith(prefix):
                    found.append(Span(doc, token.i, token.i + 1, label=label, span_id=entry_id))
        if found:
            group.extend(found)
        return doc
