"""One term syntax, two back-ends: the same French terms and texts through both."""

from __future__ import annotations

import re

import pytest
import spacy
from spacy.matcher import Matcher, PhraseMatcher

from incident_extract.term_syntax import Term, fold, is_acronym, terms_regex

NLP = spacy.blank("fr")


def regex_finds(term: str, text: str) -> bool:
    return re.search(Term.parse(term).regex(), fold(text)) is not None


def spacy_finds(term: str, text: str) -> bool:
    """As the span ruler does: phrase patterns on ``LOWER``, token patterns for prefixes and acronyms."""
    parsed = Term.parse(term)
    doc = NLP(text)
    words = parsed.tokens(NLP.tokenizer)
    if parsed.needs_token_pattern(words):
        matcher = Matcher(NLP.vocab, validate=True)
        matcher.add("t", [parsed.token_pattern(NLP.tokenizer)])
        return bool(matcher(doc))
    phrases = PhraseMatcher(NLP.vocab, attr="LOWER")
    phrases.add("t", [NLP.make_doc(phrase) for phrase in parsed.phrases()])
    return bool(phrases(doc))


AGREED = [
    ("cyberattaque", "Une Cyberattaque a frappé la mairie.", True),
    ("rançongiciel*", "Deux rançongiciels ont chiffré les serveurs.", True),
    ("piraté*", "Les serveurs ont été PIRATÉS cette nuit.", True),
    ("rançon", "Le rançonnage des automobilistes continue.", False),
    ("fuite de données", "Une fuite de données touche la clinique.", True),
    ("fuite de données", "Une fuite de gaz, puis des données perdues.", False),
    ("logiciel de rançon*", "Un logiciel de rançongiciels inconnu.", True),
    ("logiciel de rançon", "Des logiciels de rançon circulent.", False),
    ("d'après", "D’après la gendarmerie, rien n'a fuité.", True),
    ("d’après", "D'après la gendarmerie, rien n'a fuité.", True),
    ("pas d'", "Il n'y a pas d'impact sur les patients.", True),
    ("ANSSI", "L'ANSSI a été saisie.", True),
    ("cyber-attaque", "Une cyber-attaque vise le port.", True),
    ("cyber-attaque", "Une cyber attaque vise le port.", False),
    ("cyber attaque", "Une cyber-attaque vise le port.", False),
    ("cyberattaque", "Une cyber-attaque vise le port.", False),
    ("peut-être", "Le réseau peut être coupé ce soir.", False),
    ("rançongiciel", "Un outil anti-rançongiciel est proposé.", False),
]


@pytest.mark.parametrize(("term", "text", "found"), AGREED)
def test_both_back_ends_agree(term, text, found):
    assert regex_finds(term, text) is found
    assert spacy_finds(term, text) is found


@pytest.mark.parametrize(
    ("term", "text", "by_spacy", "by_regex"),
    [
        ("ANS", "Depuis trois ans, la clinique se protège.", False, True),  # acronym case: spaCy only
        ("données", "Des donnees exposees.", False, True),  # accents: folded text only
    ],
)
def test_the_documented_differences(term, text, by_spacy, by_regex):
    assert spacy_finds(term, text) is by_spacy
    assert regex_finds(term, text) is by_regex


def test_parse_keeps_the_words_and_the_star():
    term = Term.parse("  logiciel   de rançon* ")
    assert term == Term("logiciel de rançon", prefix=True)
    assert term.words == ("logiciel", "de", "rançon")
    assert Term.parse("concern", prefix=True).prefix


def test_several_terms_prefer_the_longest():
    found = terms_regex(["attaque", "attaque informatique"]).search(fold("une attaque informatique"))
    assert found is not None and found.group() == "attaque informatique"


@pytest.mark.parametrize(
    ("word", "acronym"), [("ARS", True), ("C3N", True), ("Ars", False), ("ANSSIXYZ", False)]
)
def test_acronyms_are_short_capitals(word, acronym):
    assert is_acronym(word) is acronym
