import spacy

from incident_extract.nlp.sentences import all_sentences, starts_sentence


def test_sentences_cut_at_full_stops_and_line_breaks():
    doc = spacy.blank("fr")("Titre sans point\nLa mairie a été piratée. Elle a porté plainte ! « Grave. »")
    assert [doc.text[s:e] for s, e in all_sentences(doc)] == [
        "Titre sans point",
        "La mairie a été piratée.",
        "Elle a porté plainte !",
        "« Grave. »",
    ]


def test_first_token_of_a_sentence():
    doc = spacy.blank("fr")("Hier soir. Rennes a été touchée.")
    assert [t.text for t in doc if starts_sentence(t)] == ["Hier", "Rennes"]
