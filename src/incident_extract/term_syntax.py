"""The term syntax of every rule file, parsed once, with two back-ends that agree on its meaning.

A term is what an analyst writes in a YAML list (``rançongiciel*``, ``fuite de données``,
``ANSSI``, ``pas d'``). :class:`Term` parses it once; :meth:`Term.regex` compiles it to a
regular expression over :func:`fold`-ed text (cues, contexts, relevance) and
:meth:`Term.token_pattern` / :meth:`Term.phrases` to spaCy patterns (the vocabularies' span
ruler). The rules, for both back-ends:

* case is ignored (``cyberattaque`` matches ``Cyberattaque``);
* a final ``*`` matches any ending of the last word (``rançongiciel*``: singular and plural);
* words are whole: ``rançon`` is not found in ``rançonnage``; a word ending with an apostrophe
  (``pas d'``) is glued to the next one;
* words are apart by any whitespace; a hyphen is a letter of its word: ``cyber-attaque``,
  ``cyber attaque`` and ``cyberattaque`` are three terms, listed each where needed (French
  needs it: « peut-être » is a doubt, « il peut être » is not);
* both apostrophes (' and ’) match each other.

Two differences remain, on purpose: the spaCy back-end keeps the case of a short acronym
(``ARS`` matches ``ARS`` and ``Ars``, never ``ans``) and the accents of the term, since it reads
tokens; the regex back-end reads folded text, where case and accents are gone.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import lru_cache

APOSTROPHES = ("'", "’")
WORD_START = r"(?<![\w-])"
"""No letter, digit or hyphen just before: the term starts a word."""


class _FoldTable(dict):
    """``str.translate`` table filled on first sight of each character: its casefolded NFKD form
    without combining marks (``É`` -> ``e``, ``œ`` -> ``œ``, ``’`` -> ``'``)."""

    def __missing__(self, code: int) -> str:
        char = chr(code)
        decomposed = unicodedata.normalize("NFKD", char.casefold().replace("’", "'"))
        self[code] = value = "".join(c for c in decomposed if not unicodedata.combining(c))
        return value


_FOLD_TABLE = _FoldTable()


@lru_cache(maxsize=8192)
def fold(text: str) -> str:
    """Lowercase without accents, for cue and context comparisons (cached: rules fold the same
    sentences again and again; one table lookup per character otherwise)."""
    return text.translate(_FOLD_TABLE)


def is_acronym(word: str) -> bool:
    """A short word in capitals (``ARS``, ``C3N``): its case is part of its meaning."""
    letters = [c for c in word if c.isalpha()]
    return 2 <= len(word) <= 6 and bool(letters) and all(c.isupper() for c in letters)


def apostrophe_variants(text: str) -> list[str]:
    """``text`` with each apostrophe kind, sorted: ``["d'après", "d’après"]``."""
    return sorted({text.replace("’", "'"), text.replace("'", "’")})


Tokenize = Callable[[str], Iterable]
"""A spaCy tokenizer (``nlp.tokenizer``): the spaCy back-end splits a term as it splits texts."""


@dataclass(frozen=True, slots=True)
class Term:
    """One term of a rule file, parsed: its text without the ``*``, and whether it is a prefix."""

    body: str
    """The words as written, apart by single spaces (``fuite de données``)."""
    prefix: bool
    """A final ``*``: the last word may go on (``rançongiciel*``)."""

    @classmethod
    def parse(cls, text: str, prefix: bool = False) -> Term:
        """``prefix`` makes every term a word start (context words: ``concern`` finds ``concernés``)."""
        stripped = text.strip()
        body = " ".join(stripped.rstrip("*").split())
        return cls(body, prefix or stripped.endswith("*"))

    @property
    def words(self) -> tuple[str, ...]:
        return tuple(self.body.split(" "))

    @property
    def glued(self) -> bool:
        """Ends with an apostrophe (``pas d'``): the next word follows without a space."""
        return self.body.endswith(APOSTROPHES)

    # -- regex back-end, on folded text --------------------------------------------------------

    def regex(self) -> str:
        """A regex over :func:`fold`-ed text; whole words, any whitespace between them."""
        return WORD_START + self.words_regex()

    def words_regex(self) -> str:
        """:meth:`regex` without the check that a word starts here (alternations share it)."""
        body = r"\s+".join(re.escape(fold(word)) for word in self.words)
        if self.prefix:
            return body + r"[\w-]*"
        return body + ("" if self.glued else r"(?![\w-])")

    # -- spaCy back-end ------------------------------------------------------------------------

    def tokens(self, tokenize: Tokenize) -> list[str]:
        """The words as spaCy splits them in a text; a glued ``d'`` is split as before a word."""
        if self.glued:
            return [token.text for token in tokenize(self.body + "x")][:-1]
        return [token.text for token in tokenize(self.body)]

    def token_pattern(self, tokenize: Tokenize) -> list[dict]:
        """A spaCy token pattern: ``LOWER`` per word, a ``REGEX`` start for a prefix, ``ORTH``
        (as written or title-cased) for an acronym, both apostrophes where there is one."""
        words = self.tokens(tokenize)
        pattern: list[dict] = []
        for position, word in enumerate(words):
            if self.prefix and position == len(words) - 1:
                pattern.append({"LOWER": {"REGEX": "^" + _any_apostrophe(re.escape(word.lower()))}})
            elif is_acronym(word):
                pattern.append({"ORTH": {"IN": sorted({word, word.title()})}})
            elif any(a in word for a in APOSTROPHES):
                pattern.append({"LOWER": {"IN": apostrophe_variants(word.lower())}})
            else:
                pattern.append({"LOWER": word.lower()})
        return pattern

    def needs_token_pattern(self, words: list[str]) -> bool:
        """A prefix, an acronym (its case) or a glued word cannot be a ``LOWER`` phrase pattern."""
        return self.prefix or self.glued or any(is_acronym(word) for word in words)

    def phrases(self) -> list[str]:
        """Phrase patterns for a ``PhraseMatcher`` on ``LOWER`` (a term with no prefix and no acronym)."""
        lowered = self.body.lower()
        return sorted({lowered, *apostrophe_variants(lowered)})


def _any_apostrophe(escaped: str) -> str:
    return escaped.replace("’", "'").replace("'", "['’]")


def terms_regex(terms: Iterable[str], prefix: bool = False) -> re.Pattern[str]:
    """Word-bounded alternatives of several terms, longest first, over folded text."""
    parsed = {Term.parse(term, prefix) for term in terms}
    ordered = sorted(parsed, key=lambda term: (-len(term.body), term.body, term.prefix))
    return re.compile(WORD_START + "(?:" + "|".join(term.words_regex() for term in ordered) + ")")
