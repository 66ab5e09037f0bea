"""Component ``incident_extract_prefix_terms``: the vocabularies' one-word prefixes.

A term such as ``rançongiciel*`` or ``piraté*`` covers every ending of one word. A token Matcher
with one REGEX per prefix, tried on every token, cost more than the rest of the term matching
together; this component looks each word's first letters up in a table built once from the
vocabularies, and adds its matches to ``doc.spans["ie_terms"]`` beside the span ruler's.
"""

from __future__ import annotations

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..rules_io import DEFAULT_RULES, TERM_FIELDS, load_vocabulary
from .extensions import SPAN_KEYS, guarded
from .rule_component import RuleComponent

KEY = 3
"""Length of the word start the table is keyed on."""


def one_word_prefixes(rules: str = DEFAULT_RULES) -> list[tuple[str, str, str]]:
    """``(prefix, label, entry id)`` for every one-word term ending in ``*`` of the term vocabularies."""
    return [
        (term.rstrip("*").strip().lower().replace("’", "'"), name, entry.id)
        for name in TERM_FIELDS
        for entry in load_vocabulary(name, rules).entries
        for term in entry.terms
        if term.endswith("*") and " " not in term.rstrip("*").strip()
    ]


class PrefixTerms(RuleComponent):
    """Component ``incident_extract_prefix_terms``: one-word prefix terms added to ``ie_terms``."""

    rule_files = TERM_FIELDS

    def __init__(
        self, nlp: Language, name: str = "incident_extract_prefix_terms", rules: str = DEFAULT_RULES
    ) -> None:
        super().__init__(nlp, name, rules)

    def load_rules(self, rules: str) -> None:
        self.table: dict[str, list[tuple[str, str, str]]] = {}
        for prefix, label, entry_id in one_word_prefixes(rules):
            self.table.setdefault(prefix[:KEY], []).append((prefix, label, entry_id))

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        self.ensure_initialized()
        group = doc.spans.setdefault(SPAN_KEYS["terms"], [])
        found = []
        for token in doc:
            word = token.lower_.replace("’", "'")
            for prefix, label, entry_id in self.table.get(word[:KEY], ()):
                if word.startswith(prefix):
                    found.append(Span(doc, token.i, token.i + 1, label=label, span_id=entry_id))
        if found:
            group.extend(found)
        return doc
