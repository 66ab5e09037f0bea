"""How the article frames itself: its headline, and whether the whole story is an exercise.

The headline is the first line of the text (the title, put there by ``clean.with_headline``)
and, for pages fetched without a title, the words of the URL's slug
(``/une-cyberattaque-simulee-pour-tester-de-futurs-ingenieurs/``): press URLs spell out the
headline, and it is the one place where a narrated simulation says it is one.
"""

from __future__ import annotations

import re
from urllib.parse import unquote, urlparse

from spacy.tokens import Doc

from ..clean import DATELINE
from ..rules_io import fold
from .cues import cues_by_value
from .regex_rules import load_regex_rules
from .sentences import all_sentences, text_of

SLUG_WORD = re.compile(r"[^\W\d_]{2,}")
ID_LIKE = re.compile(r"^(?:[0-9a-f]{8,}|\d+|[a-z]\d+)$")


def url_slug(url: str | None) -> str:
    """The words of the URL path's most wordy segment: ``cyberattaque ministere sports``.

    Segments with fewer than three hyphenated words (``actualites``, ``2017``) are not slugs.
    """
    if not url:
        return ""
    path = unquote(urlparse(url).path)
    best: list[str] = []
    for segment in path.split("/"):
        segment = re.sub(r"\.\w{2,5}$", "", segment)
        parts = [p for p in re.split(r"[-_+]+", segment) if p and not ID_LIKE.match(p.lower())]
        words = [p for p in parts if SLUG_WORD.fullmatch(p)]
        if len(words) >= 3 and len(words) > len(best):
            best = words
    return " ".join(best)


HEADLINE_WORDS = 4


def is_content(sentence: str) -> bool:
    """A sentence that can be a headline: four words or more, not page furniture, not a dateline
    (« SAINT-AURÈLE-SUR-CREUSE » has four words by the slug's count)."""
    return (
        len(SLUG_WORD.findall(sentence)) >= HEADLINE_WORDS
        and not is_furniture(sentence)
        and not DATELINE.match(sentence.strip())
    )


def headline_index(doc: Doc, within: int = 8) -> int:
    """Index of the headline sentence: the first content sentence of the first ``within``
    (crawled texts often open on a breadcrumb or a site name)."""
    text = text_of(doc)
    for n, bounds in enumerate(all_sentences(doc)[:within]):
        if is_content(text[slice(*bounds)]):
            return n
    return 0


def headline(doc: Doc) -> str:
    """Accent-folded headline: the page's title when known, the headline sentence, then the URL
    slug's words."""
    sentences = all_sentences(doc)
    first = text_of(doc)[slice(*sentences[headline_index(doc)])] if sentences else ""
    title = doc._.ie_title or ""
    return fold(f"{title}\n{first}\n{url_slug(doc._.ie_url)}")


QUOTES = re.compile(r"[«»\"“”]")
QUOTED = re.compile(r"[«“\"]\s*([^«»“”\"]{1,40}?)\s*[»”\"]")
"""A short quotation: « hacké », “virus”."""


def quoted_metaphor(doc: Doc) -> bool:
    """« Handball : Épinal « pirate » la défense adverse »: a piracy word in quotes in the headline of
    a sports story (a sports word in the headline or lead). Whether nothing is unambiguously cyber
    is for the caller to check."""
    cues = cues_by_value("incident_cues")
    head = headline(doc)
    quoted = any(cues["metaphor_word"].fullmatch(q.strip()) for q in QUOTED.findall(head))
    return quoted and bool(cues["sport"].search(" ".join([head, *lead_sentences(doc)])))


def framed_as_exercise(doc: Doc) -> bool:
    """A story told as an exercise: the headline says the attack is simulated (« cyberattaque
    simulée », « exercice de cyberattaque »), the lead sets it in an exercise or a demonstration
    (« pendant l'exercice »), or the text says the victim was not the real one
    (« il ne s'agissait pas du « vrai » hôpital », « ce n'était qu'un exercice »). Then nothing in
    the article is an incident, however vivid the narration before the reveal."""
    cues = cues_by_value("incident_cues")
    if cues["exercise_headline"].search(headline(doc)):
        return True
    if cues["exercise_lede"].search(" ".join([headline(doc), *lead_sentences(doc)])):
        return True  # « dans le hangar qui accueillait la démonstration »
    unquoted = re.sub(r"\s+", " ", fold(QUOTES.sub(" ", text_of(doc))))
    return bool(cues["not_real"].search(unquoted))


def is_furniture(sentence: str) -> bool:
    """A byline, a date, a breadcrumb: a line of the page, not of the article."""
    sentence = sentence.strip()
    return len(SLUG_WORD.findall(sentence)) < 2 or looks_like_furniture(sentence)


def looks_like_furniture(text: str) -> bool:
    """The furniture cue alone (``names.yaml`` ``page.furniture``), for a name as well as a line:
    « Accueil > Santé » is no place, « Suivez notre direct · … » no victim."""
    return bool(load_regex_rules("names").pattern("page.furniture").search(text.strip()))


def lead_indices(doc: Doc, count: int = 4) -> list[int]:
    """Indices of the headline and the sentences after it: what the article is about. Bylines,
    dates and breadcrumbs between them do not use up the count."""
    text = text_of(doc)
    sentences = all_sentences(doc)
    first = headline_index(doc)
    after = [n for n in range(first + 1, len(sentences)) if not is_furniture(text[slice(*sentences[n])])]
    return ([first] if sentences else []) + after[: count - 1]


def lead_sentences(doc: Doc, count: int = 4) -> list[str]:
    """The lead sentences (:func:`lead_indices`), folded."""
    text, sentences = text_of(doc), all_sentences(doc)
    return [fold(text[slice(*sentences[n])]) for n in lead_indices(doc, count)]


def _lede(doc: Doc) -> str:
    return " ".join(lead_sentences(doc, 3))


YEAR = re.compile(r"(?<!\d)(19[89]\d|20[0-4]\d)(?!\d)")


def framed_as_old_trial(doc: Doc) -> bool:
    """« Cyberattaque contre le groupe X en 2021 : cinq ans de prison requis »: a trial over an attack
    of an earlier year reports no new incident."""
    cues = cues_by_value("incident_cues")
    head = headline(doc)
    if not cues["trial_headline"].search(head):
        return False
    lede = _lede(doc)
    published = doc._.ie_published
    current = published.year if published else None
    years = [int(y) for y in YEAR.findall(f"{head} {lede}")]
    return any(current is None or year < current for year in years)


def framed_as_statistics(doc: Doc) -> bool:
    """« Une PME sur trois a subi une attaque » over a survey or barometer: statistics, no incident."""
    cues = cues_by_value("incident_cues")
    head = headline(doc)
    if not cues["statistics_headline"].search(head):
        return False
    return bool(cues["statistics_lede"].search(_lede(doc)))


FICTION_CUES = 2
"""Distinct fiction words the headline and lead need: one (« spectacle », « imaginaire ») also
fits a real attack on a theatre's ticketing."""


def framed_as_fiction(doc: Doc) -> bool:
    """« « Chiffré », un huis clos hospitalier sous rançongiciel » followed by « la nouvelle création
    de la compagnie »: the review of a play, film or novel whose plot is an attack."""
    cues = cues_by_value("incident_cues")
    lead = " ".join([headline(doc), *lead_sentences(doc)])
    return len({match.group(0) for match in cues["fiction"].finditer(lead)}) >= FICTION_CUES


def framed_as_ruled_out(doc: Doc) -> bool:
    """« Panne géante au syndicat X : la piste d'une attaque écartée »: the headline or lead says the
    outage was not an attack."""
    cues = cues_by_value("incident_cues")
    piste = load_regex_rules("victim_cues").pattern("incident.ruled_out")  # « la piste du piratage écartée »
    return any(cues["ruled_out"].search(s) or piste.search(s) for s in [headline(doc), *lead_sentences(doc)])
