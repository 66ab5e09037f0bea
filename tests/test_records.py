"""Library entry points on the trained pipeline."""

import pytest

from incident_extract import extract_article, extract_many
from incident_extract.models import ArticleRecord
from incident_extract.sources import RawArticle

pytestmark = pytest.mark.model

TEXT = (
    "Saint-Malo : la clinique de la Rance victime d'un rançongiciel\n\n"
    "La clinique de la Rance, à Saint-Malo, a été victime samedi d'une cyberattaque au rançongiciel. "
    "Les données de près de 12 000 patients, dont leurs noms, dates de naissance et numéros de sécurité "
    "sociale, ont été dérobées. Aucune donnée bancaire n'est concernée, assure la direction, qui a "
    "porté plainte auprès de la gendarmerie et notifié la CNIL. L'attaque a été revendiquée par LockBit 3.0."
)


def test_extract_article_returns_a_validated_record(nlp):
    record = extract_article(TEXT, published="2024-10-21", nlp=nlp)
    assert isinstance(record, ArticleRecord) and record.is_incident
    (incident,) = record.incidents
    assert incident.victims[0].name == "clinique de la Rance"
    assert incident.attack_date.value.isoformat() == "2024-10-19"
    assert {a.id for a in incident.attack_types} >= {"ransomware"}
    assert {d.id for d in incident.data_leaked} >= {"name", "birth_date", "social_security_number"}
    assert "bank_details" not in {d.id for d in incident.data_leaked}
    assert [d.field for d in incident.denied if d.id == "bank_details"] == ["data_leaked"]
    assert {a.id for a in incident.authorities} >= {"GENDARMERIE", "CNIL"}
    assert [a.name for a in incident.threat_actors] == ["LockBit 3.0"]
    assert incident.people_affected.value == 12_000
    assert {s.id for s in incident.sectors} == {"health"}
    assert "Saint-Malo" in {loc.name for loc in incident.locations}
    for item in [*incident.victims, *incident.data_leaked, incident.attack_date]:
        assert record.text[item.evidence.start : item.evidence.end] == item.evidence.text
        assert item.rule


def test_extract_article_from_html(nlp):
    html = (
        f"<html><head><title>Cyberattaque</title></head><body><article><p>{TEXT}</p></article></body></html>"
    )
    record = extract_article(html=html, nlp=nlp)
    assert record.is_incident and not record.errors


def test_without_publication_date_relative_dates_stay_unresolved(nlp):
    record = extract_article(TEXT, nlp=nlp)
    assert record.incidents[0].attack_date is None


def test_extract_many_keeps_going_after_bad_articles(nlp):
    raws = [RawArticle(id="ok", text=TEXT), RawArticle(id="vide", text=""), RawArticle(id="ok2", text=TEXT)]
    records = {r.source.id: r for r in extract_many(raws, nlp=nlp)}
    assert set(records) == {"ok", "vide", "ok2"}
    assert records["vide"].errors == ["empty article text"] and records["ok2"].is_incident


def test_an_exception_in_a_rule_is_an_error_for_that_article_only(nlp, monkeypatch):
    from incident_extract.nlp.victims import VictimFinder

    def broken(self, doc, span, roles):
        if "Malo" in doc.text:
            raise RuntimeError("rule bug")
        return False

    monkeypatch.setattr(VictimFinder, "_has_role", broken)
    other = TEXT.replace("Saint-Malo", "Dinan")
    records = list(extract_many([RawArticle(id="a", text=TEXT), RawArticle(id="b", text=other)], nlp=nlp))
    assert "rule bug" in records[0].errors[0] and not records[0].incidents
    assert records[1].errors == []


def test_not_an_incident_gives_no_incident(nlp):
    record = extract_article(
        "Les conseils de la gendarmerie pour se protéger de l'hameçonnage : ne cliquez "
        "jamais sur un lien reçu par SMS et vérifiez l'adresse de l'expéditeur.",
        nlp=nlp,
    )
    assert record.is_incident is False and record.incidents == []


@pytest.mark.parametrize(
    ("text", "victim"),
    [
        (
            "La société Berthier Industries, qui emploie 300 personnes dans la Sarthe, a été lourdement "
            "touchée mardi par un rançongiciel.",
            "société Berthier Industries",
        ),
        ("Une cyberattaque a durement et durablement touché la mairie de Plouay.", "mairie de Plouay"),
        ("Le laboratoire Biomédica a subi samedi une cyberattaque d'ampleur.", "laboratoire Biomédica"),
    ],
)
def test_victims_by_syntactic_role(nlp, text, victim):
    doc = nlp(text)
    assert victim in [v.text for v in doc.spans["ie_victims"]]


def test_an_earlier_incident_named_for_comparison_is_split_off(nlp):
    text = (
        "Le quotidien La Voix du Morbihan a été victime d'une cyberattaque samedi 21 novembre 2020. "
        "Trois jours avant, le mercredi 18 novembre, le quotidien L'Écho de Bretagne avait lui aussi "
        "été victime d'un rançongiciel."
    )
    record = extract_article(text, nlp=nlp)
    assert [[v.name for v in incident.victims] for incident in record.incidents] == [
        ["quotidien La Voix du Morbihan"],
        ["quotidien L'Écho de Bretagne"],
    ]
    assert [i.attack_date.value.isoformat() for i in record.incidents] == ["2020-11-21", "2020-11-18"]


def test_the_url_slug_frames_an_exercise(nlp):
    text = TEXT.replace("Saint-Malo : la clinique de la Rance victime d'un rançongiciel\n\n", "")
    url = "https://www.ouest-journal.fr/2024/10/21/une-cyberattaque-simulee-a-la-clinique-de-la-rance/"
    assert extract_article(text, published="2024-10-21", nlp=nlp).is_incident
    assert not extract_article(text, published="2024-10-21", url=url, nlp=nlp).is_incident


@pytest.mark.parametrize(("word", "place"), [("Saint-Malo", True), ("LeMagIT", False), ("ARS", False)])
def test_brands_and_acronyms_are_not_places(nlp, word, place):
    from spacy.tokens import Span

    finder = nlp.get_pipe("incident_extract_locations")
    doc = nlp.make_doc(f"Le site {word} a été visé.")
    assert finder.looks_like_place(Span(doc, 2, 3, label="LOC")) is place


@pytest.mark.model
def test_an_attacker_keeps_the_rule_of_the_pattern_that_found_it(nlp):
    # the model also tags « Nox Team » as a name, and the victims component writes its candidate rule
    # on a span of the same bounds: the record must still name the actor pattern
    record = extract_article(
        "La mairie de Vernelle a été piratée samedi. L'attaque a été revendiquée par le groupe de "
        "hackers Nox Team, qui réclame une rançon.",
        published="2024-03-04",
        nlp=nlp,
    )
    (incident,) = record.incidents
    assert [(actor.name, actor.rule) for actor in incident.threat_actors] == [
        ("Nox Team", "actors.groupe_de_hackers")
    ]
