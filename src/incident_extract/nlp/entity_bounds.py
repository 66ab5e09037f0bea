"""Component ``incident_extract_entity_bounds``: the trained model's entities, cut where a name ends.

The French model sometimes runs an entity over what follows a name: a caption's credit after a
spaced dash (« à Brest - @Agence »), an expanded acronym (« la FFX - Fédération … - »), an attack
participle (« Fédération française de voile piratée »). Every later component (victims, places,
authorities) reads ``doc.ents``, so the bounds are mended once, here, right after the NER. The
words that end a name are rule data in ``rules/names.yaml`` (``entity.*``).
"""

from __future__ import annotations

from spacy.tokens import Doc, Span

from .extensions import guarded
from .regex_rules import load_regex_rules
from .rule_component import RuleComponent

BREAK = "entity.break"
TRAILING_PARTICIPLE = "entity.trailing_participle"


class EntityBounds(RuleComponent):
    """Cuts each entity at its first break word (the part before it is kept) and drops attack
    participles from its end; an entity left empty is removed. An entity over a line break is
    left as it is: the later components refuse it whole, a cut would make a name of a headline."""

    rule_files = ("names",)
    factory_name = "incident_extract_entity_bounds"

    def load_rules(self, rules: str) -> None:
        names = load_regex_rules("names", rules)
        self.name_break = names.pattern(BREAK)
        self.trailing_participle = names.pattern(TRAILING_PARTICIPLE)

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        self.ensure_initialized()
        mended = [span for ent in doc.ents if (span := self.mend(ent)) is not None]
        if len(mended) != len(doc.ents) or any(a != b for a, b in zip(mended, doc.ents, strict=True)):
            doc.set_ents(mended, default="outside")
        return doc

    def mend(self, ent: Span) -> Span | None:
        if "\n" in ent.text:
            return ent  # over a line break: no name at all, which the later components refuse
        doc = ent.doc
        end = ent.end
        for token in ent[1:]:
            spaced = token.whitespace_ and doc[token.i - 1].whitespace_
            if self.name_break.match(token.text) and (spaced or token.text.startswith("@")):
                end = token.i
                break
        while end > ent.start + 1 and self.trailing_participle.match(doc[end - 1].lower_):
            end -= 1
        while end > ent.start and self.name_break.match(doc[end - 1].text):  # « Tir à l'Arc - »
            end -= 1
        if end <= ent.start:
            return None
        if end == ent.end:
            return ent
        return Span(doc, ent.start, end, label=ent.label_, kb_id=ent.kb_id_)
