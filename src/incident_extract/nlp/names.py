"""How a name found in the text becomes the name of a record, and when two names are one victim.

Read by the incident decision (is there a named victim at all?), the location finder (is this
place a word of the victim's own name?) and the assembler (one victim per name, acronyms
linked). The regexes and word lists are rule data: ``rules/names.yaml``.
"""

from __future__ import annotations

import re

from spacy.tokens import Span

from ..rules_io import DEFAULT_RULES, fold
from .regex_rules import load_regex_rules

WORD = re.compile(r"[A-Za-zÀ-ÿ]+")


def without_article(text: str, rules: str = DEFAULT_RULES) -> str:
    """« la mairie de Lunel » -> « mairie de Lunel »."""
    return load_regex_rules("names", rules).pattern("article_prefix").sub("", text)


def victim_name(span: Span, rules: str = DEFAULT_RULES) -> str:
    """The victim's name as the record writes it: the fuller name written first, without its article
    or, for a generic organisation noun, without the noun and its adjectives."""
    if span._.ie_value:
        return without_article(span._.ie_value.strip(), rules)
    text = span.text.strip()
    if span.id_ in load_regex_rules("names", rules).words("generic_kinds"):
        # « le groupe cosmétique français Nuxe » -> « Nuxe »: a generic noun and its adjectives are
        # not part of the name; « l'enseigne de prêt-à-porter Lin & Coton » keeps the whole phrase
        doc = span.doc
        proper = next((t for t in span[1:] if t.text[:1].isupper()), None)
        between = doc[span.start + 1 : proper.i] if proper is not None else None
        if proper is not None and all(t.pos_ in ("ADJ", "") and t.is_lower for t in between):
            text = doc[proper.i : span.end].text
    return without_article(text, rules) if text[:1].islower() else text


def name_tokens(name: str, rules: str = DEFAULT_RULES) -> set[str]:
    """The words of a name that tell it apart (more than two letters, no « les », « des »)."""
    links = load_regex_rules("names", rules).words("name_link_words")
    return {t for t in fold(name).replace("-", " ").split() if len(t) > 2 and t not in links}


def acronym(name: str, rules: str = DEFAULT_RULES) -> str | None:
    """« Centre hospitalier de Cannes (CHC) » -> « CHC »."""
    match = load_regex_rules("names", rules).pattern("acronym").search(name)
    return match.group(1) if match else None


def same_victim(tokens: set[str], name: str, other_tokens: set[str], other_name: str) -> bool:
    """The same name, a shorter form of it (« Akka » for « Akka Technologies ») or its initials."""
    if fold(name) == fold(other_name):
        return True
    if tokens and other_tokens and (tokens <= other_tokens):
        return True
    initials = "".join(w[0] for w in WORD.findall(other_name) if w[0].isupper())
    return name.isupper() and len(name) >= 2 and name == initials


def is_salient(victim: Span) -> bool:
    """A victim chosen by salience: an organisation, even where the model saw a place."""
    return (victim._.ie_rule or "").startswith("victims.salience")


def distinct_victims(spans: list[Span], rules: str = DEFAULT_RULES) -> list[tuple[Span, str]]:
    """One ``(span, name)`` per victim, in order: a name already given (the same, shorter, its
    acronym or initials) is the same victim; an empty or stop name is none."""
    out: list[tuple[Span, str]] = []
    seen: list[tuple[set[str], str]] = []
    for span in spans:
        name = victim_name(span, rules)
        if not name or fold(name) in load_regex_rules("stoplists", rules).words("stop_names"):
            continue
        tokens = name_tokens(name, rules)
        short = acronym(name, rules)
        if any(same_victim(tokens, name, other_tokens, other_name) for other_tokens, other_name in seen):
            continue
        seen.append((tokens, name))
        if short:
            seen.append(({fold(short)}, short))
        out.append((span, name))
    return out
