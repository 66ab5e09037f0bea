"""Component ``incident_extract_term_filter``: vocabulary matches kept only where their context holds.

The span ruler and ``incident_extract_prefix_terms`` find every vocabulary term; a term only counts
where the words of its entry's ``context`` are in its sentence (or within ``context_window``
characters), and not where ``not_followed_by`` / ``not_preceded_by`` words stand next to it. The
filter runs right after them, so every later component reads filtered terms: a responder's name
outside a response sentence is no responder, and can be a victim. Every match stays under
``ie_terms_all`` for the readers that need them all: the victims, for which a system or attack word
failing its context (« l'ENT ») still names a thing, never a victim on its own, and the location
finder, for which such a word says what a sentence is about (reading the filtered terms lost 5
true places on dev).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from spacy.language import Language
from spacy.tokens import Doc, Span

from ..rules_io import DEFAULT_RULES, TERM_FIELDS, fold, load_vocabulary
from .cues import cue_regex
from .extensions import SPAN_KEYS, guarded
from .regex_rules import load_regex_rules
from .rule_component import RuleComponent
from .sentences import all_sentences, sentence_index, sentence_of, sentence_text, text_of

FILTERED_FIELDS = tuple(field for field in TERM_FIELDS if field != "people_groups")
"""Vocabularies whose terms have context rules; ``people_groups`` is not one: the victims component
reads the context of a campaign itself (« ont reçu un faux SMS »)."""
IMPACT_FIELDS = ("attack_types", "systems", "data_leaked")
"""Vocabularies whose context says whether the thing was hit, not what the word is: their words
name a thing even where the context fails (the victims and locations read them unfiltered)."""
FOLLOWING_CHARS = 25
PRECEDING_CHARS = 30


class TermFilter(RuleComponent):
    """Drops from ``ie_terms`` the terms of ``fields`` whose context fails; the others keep their order."""

    rule_files = ("terms", *FILTERED_FIELDS)

    factory_name = "incident_extract_term_filter"

    def __init__(
        self,
        nlp: Language,
        name: str | None = None,
        rules: str = DEFAULT_RULES,
        fields: Iterable[str] = FILTERED_FIELDS,
    ):
        super().__init__(nlp, name, rules)
        self.fields = frozenset(fields)
        """The vocabularies this filter judges; the terms of the others pass untouched."""

    def load_rules(self, rules: str) -> None:
        own = load_regex_rules("terms", rules)
        self.bullet = own.pattern("bullet")
        self.list_context_fields = own.words("list_context_fields")
        self.context: dict[tuple[str, str], re.Pattern] = {}
        self.windows: dict[tuple[str, str], int] = {}
        self.not_followed: dict[tuple[str, str], re.Pattern] = {}
        self.not_preceded: dict[tuple[str, str], re.Pattern] = {}
        for field in FILTERED_FIELDS:
            vocabulary = load_vocabulary(field, rules)
            for entry in vocabulary.entries:
                key = (field, entry.id)
                if context := vocabulary.context_of(entry):
                    self.context[key] = cue_regex(context, prefixes=True)
                if entry.context_window:
                    self.windows[key] = entry.context_window
                if entry.not_followed_by:
                    self.not_followed[key] = cue_regex(entry.not_followed_by)
                if entry.not_preceded_by:
                    self.not_preceded[key] = words_just_before(entry.not_preceded_by)

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        self.ensure_initialized()
        terms = list(doc.spans.get(SPAN_KEYS["terms"], []))
        if SPAN_KEYS["all_terms"] not in doc.spans:  # the first filter keeps every match
            doc.spans[SPAN_KEYS["all_terms"]] = terms
        doc.spans[SPAN_KEYS["terms"]] = [
            span for span in terms if span.label_ not in self.fields or self.term_applies(doc, span)
        ]
        return doc

    def term_applies(self, doc: Doc, span: Span) -> bool:
        """The term's context words are near it, and no excluded word is next to it."""
        key = (span.label_, span.id_)
        context = self.context.get(key)
        if context is not None and not self.context_holds(doc, span, context):
            return False
        after = self.not_followed.get(key)
        if after is not None:
            following = fold(text_of(doc)[span.end_char : span.end_char + FOLLOWING_CHARS]).lstrip()
            if after.match(following):
                return False
        before = self.not_preceded.get(key)
        preceding = fold(text_of(doc)[max(0, span.start_char - PRECEDING_CHARS) : span.start_char])
        return before is None or not before.search(preceding)

    def context_holds(self, doc: Doc, span: Span, context: re.Pattern) -> bool:
        """A context word in the sentence (or the window) of the term, or above its list."""
        window = self.windows.get((span.label_, span.id_))
        if window:
            start, end = sentence_of(span)
            scope = text_of(doc)[max(start, span.start_char - window) : min(end, span.end_char + window)]
        else:
            scope = sentence_text(span)
        return bool(context.search(fold(scope))) or self.previous_sentence_says(doc, span, context)

    def previous_sentence_says(self, doc: Doc, span: Span, context: re.Pattern) -> bool:
        """« Les mots de passe ne sont pas concernés. Le sont en revanche les noms et prénoms »: the
        context of a list of data may be in the sentence before."""
        n = sentence_index(span)
        if n == 0 or span.label_ not in self.list_context_fields:
            return False
        sentences = all_sentences(doc)
        # a bulleted list (« Les données concernées : », then « - Date de naissance » on each line):
        # the context is the sentence that introduces the list, above every bullet
        while n > 1 and self.bullet.match(text_of(doc)[slice(*sentences[n - 1])]):
            n -= 1
        previous = fold(text_of(doc)[slice(*sentences[n - 1])])
        return bool(context.search(previous))


def words_just_before(words: Iterable[str]) -> re.Pattern:
    """One of ``words`` (accent-folded, any spaces between them) ending right before the term."""
    return re.compile(r"(?:" + "|".join(re.escape(fold(w)).replace(r"\ ", r"\s+") for w in words) + r")\s*$")


def longest_terms(doc: Doc) -> dict[str, list[Span]]:
    """The terms of each field in text order, without those inside a longer term of the same field:
    « identité » inside « carte d'identité », « adresses » inside « adresses mail »."""
    by_field: dict[str, list[Span]] = {}
    for span in sorted(doc.spans.get(SPAN_KEYS["terms"], []), key=lambda s: s.start_char):
        by_field.setdefault(span.label_, []).append(span)
    return {field: [s for s in spans if not _inside_longer(s, spans)] for field, spans in by_field.items()}


def _inside_longer(span: Span, spans: list[Span]) -> bool:
    return any(
        other is not span
        and other.start <= span.start
        and span.end <= other.end
        and (other.end - other.start) > (span.end - span.start)
        for other in spans
    )
