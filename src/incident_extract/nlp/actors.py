"""Component ``incident_extract_actors``: attackers and responders the vocabularies do not list.

The press introduces a new attacker the same few ways (« le groupe de hackers X », « revendiquée par
X, un collectif prorusse », « HACKED BY X ») and a responder by its trade (« le cabinet X », in a
sentence saying it helps). Those patterns are rule data in ``rules/actor_patterns.yaml``; each name
found records the id of the pattern that found it in ``span._.ie_rule``.
"""

from __future__ import annotations

import re

from spacy.tokens import Doc, Span

from ..rules_io import fold
from .extensions import SPAN_KEYS, guarded
from .regex_rules import load_regex_rules
from .rule_component import RuleComponent
from .sentences import sentence_text, text_of

RESPONDER_PATTERN = "responders.firm_noun"
RESPONDER_CONTEXT = "responders.help_context"


class ActorFinder(RuleComponent):
    """Component ``incident_extract_actors``: attacker and responder names the vocabularies do not
    list yet, found by how the press introduces them (labels ``threat_actors`` and ``responders``)."""

    rule_files = ("actor_patterns",)

    factory_name = "incident_extract_actors"

    def load_rules(self, rules: str) -> None:
        patterns = load_regex_rules("actor_patterns", rules)
        self.actor_patterns = patterns.on_side("text", "actors.")
        self.responder_pattern = patterns.pattern(RESPONDER_PATTERN)
        self.responder_context = patterns.pattern(RESPONDER_CONTEXT)
        self.not_actor = patterns.words("not_actor")

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        self.ensure_initialized()
        spans = []
        for rule, pattern in self.actor_patterns:
            for m in pattern.finditer(text_of(doc)):
                name = m["name"].rstrip(".,")
                if name.split()[0] in self.not_actor or name.isdigit():
                    continue
                span = _name_span(doc, m, name, "threat_actors")
                if span is None or any((span.start, span.end) == (s.start, s.end) for s in spans):
                    continue  # one name, several patterns: the first rule speaks for it
                span._.ie_rule = rule
                spans.append(span)
        spans.extend(self._responders(doc))
        doc.spans[SPAN_KEYS["actors"]] = spans
        return doc

    def _responders(self, doc: Doc) -> list[Span]:
        """Firms named after « la société », « le cabinet »... in a sentence saying they help."""
        found = []
        for m in self.responder_pattern.finditer(text_of(doc)):
            name = m["name"].rstrip(".,")
            span = _name_span(doc, m, name, "responders")
            if span is None or name.split()[0] in self.not_actor:
                continue
            if not self.responder_context.search(fold(sentence_text(span))):
                continue
            span._.ie_rule = RESPONDER_PATTERN
            found.append(span)
        return found


def _name_span(doc: Doc, match: re.Match, name: str, label: str) -> Span | None:
    """The tokens of ``name``, found by the ``name`` group of ``match`` (None off token bounds)."""
    start = match.start("name")
    return doc.char_span(start, start + len(name), label=label, alignment_mode="contract")
