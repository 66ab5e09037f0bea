"""Long texts go through the pipeline in pieces, batches are capped in characters: memory stays
bounded whatever the inputs within the caps, and the record is the same shape as for a short
article (evidence offsets point into the full text)."""

from __future__ import annotations

import itertools

import pytest

from incident_extract.records import _batches, extract_article, piece_spans
from incident_extract.settings import DEFAULT_SETTINGS

PARAGRAPH = (
    "Le conseil municipal s'est réuni jeudi soir pour voter le budget de la piscine et parler des "
    "travaux de la rue principale, qui dureront jusqu'à l'été."
)
INCIDENT = (
    "La mairie de Plouguerneau a été victime lundi d'une cyberattaque par rançongiciel : les "
    "serveurs de la commune sont chiffrés et l'ANSSI a été prévenue."
)


def test_pieces_cover_the_text_and_end_at_paragraphs():
    text = "\n\n".join([PARAGRAPH] * 30)
    spans = piece_spans(text, 1000)
    assert spans[0][0] == 0 and spans[-1][1] == len(text)
    assert all(end == next_start for (_, end), (next_start, _) in itertools.pairwise(spans))
    assert all(0 < end - start <= 1000 for start, end in spans)
    assert all(text[end - 2 : end] == "\n\n" for _, end in spans[:-1])


def test_a_text_without_any_break_is_still_cut():
    text = "x" * 2500
    assert piece_spans(text, 1000) == [(0, 1000), (1000, 2000), (2000, 2500)]


def test_a_short_text_is_one_piece():
    assert piece_spans(PARAGRAPH, DEFAULT_SETTINGS.piece_chars) == [(0, len(PARAGRAPH))]


def test_batches_are_capped_in_tokens_and_count(blank_nlp):
    docs = [blank_nlp.make_doc("un mot " * n) for n in (20, 20, 20, 100, 5, 5, 5, 5)]  # 2 tokens each
    groups = _batches(iter((doc, None) for doc in docs), size=3, tokens=100)
    assert [[len(doc) for doc, _ in group] for group in groups] == [[40, 40], [40], [200], [10, 10, 10], [10]]


@pytest.mark.model
def test_an_incident_in_a_later_piece_has_offsets_into_the_full_text(nlp):
    text = "\n\n".join([PARAGRAPH] * 12 + [INCIDENT] + [PARAGRAPH] * 3)
    settings = DEFAULT_SETTINGS.model_copy(update={"piece_chars": 800})
    assert len(piece_spans(text, 800)) > 2
    record = extract_article(text, nlp=nlp, settings=settings)  # validation checks every offset
    assert record.errors == [] and record.is_incident
    victims = [victim for incident in record.incidents for victim in incident.victims]
    assert victims and all(v.evidence.start > len(text) // 2 for v in victims)
    assert record.text[victims[0].evidence.start : victims[0].evidence.end] == victims[0].evidence.text
    whole = extract_article(text, nlp=nlp)  # one piece: the same incident
    assert [v.name for i in whole.incidents for v in i.victims] == [v.name for v in victims]
