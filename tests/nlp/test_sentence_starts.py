"""The rules' sentences given to the trained model (``incident_extract_sentences``)."""

import spacy

from incident_extract.nlp.sentence_starts import SentenceStarts


def test_every_rule_sentence_starts_a_model_sentence():
    nlp = spacy.blank("fr")
    doc = SentenceStarts(nlp)(nlp("Les joueurs à Brest - @Agence\nLe club a été piraté. Il porte plainte."))
    starts = [t.text for t in doc if t.is_sent_start]
    assert starts == ["Les", "Le", "Il"]
    assert doc[1].is_sent_start is None  # inside a sentence: left to a parser, if there is one


def test_the_ner_does_not_run_an_entity_over_a_line(nlp):
    doc = nlp("Les supporters réunis samedi à Montpellier\nAFP Le stade a été piraté.")
    assert all("\n" not in ent.text for ent in doc.ents)
    after_line = next(t for t in doc if t.text == "AFP")
    assert after_line.is_sent_start
