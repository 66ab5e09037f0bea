"""Locations on the blank pipeline with the model's LOC entities set by hand (its usual mistakes included)."""

import datetime as dt

import pytest


@pytest.fixture
def run_with_places(blank_nlp):
    def run(text: str, places: list[str]):
        doc = blank_nlp.make_doc(text)
        doc._.ie_published = dt.date(2024, 10, 21)
        ents = []
        for place in places:
            start = text.index(place)
            span = doc.char_span(start, start + len(place), label="LOC")
            assert span is not None, place
            ents.append(span)
        doc.ents = ents
        doc = blank_nlp(doc)
        return [loc.name for incident in doc._.ie_incidents for loc in incident.locations]

    return run


@pytest.mark.parametrize(
    ("text", "places", "expected"),
    [
        (
            "Le grossiste CERP Nord a été victime d'une cyberattaque. Le système de commande en ligne des "
            "officines des régions suivantes est perturbé : Bretagne, Centre-Val de Loire et Normandie.",
            ["Bretagne", "Centre-Val de Loire", "Normandie"],
            ["Bretagne", "Centre-Val de Loire", "Normandie"],
        ),
        (
            "La région Martinique a porté plainte à la suite d'une cyberattaque.",
            ["région Martinique"],
            ["Martinique"],
        ),
        (
            "Le centre de radiothérapie Saint-Luc de Vierzon a été victime d'une cyberattaque.",
            ["Saint-Luc de Vierzon"],
            ["Vierzon"],
        ),
        (
            "Installé au siège du groupe à Quimper, le serveur de messagerie a été touché dans la nuit. "
            "La société Breizh Print a été victime d'un rançongiciel.",
            ["Quimper"],
            ["Quimper"],
        ),
        (
            "Depuis lundi, des centaines d'habitants du sud de la Mayenne reçoivent un faux SMS.",
            ["de la Mayenne"],
            ["Mayenne"],
        ),
        (
            "Les données de la clinique du Lac, à Vichy (Allier), ont été piratées.",
            ["Vichy", "Allier"],
            ["Vichy", "Allier"],
        ),
    ],
)
def test_places_of_the_impact(run_with_places, text, places, expected):
    assert run_with_places(text, places) == expected


@pytest.mark.parametrize(
    ("text", "places"),
    [
        # a person after a title
        (
            "La mairie de Faaa a été piratée. Le maire de la commune, Tehei Manu, a porté plainte.",
            ["Tehei Manu"],
        ),
        # the organisation's own name, and a name followed by its organisation noun
        (
            "Le groupe d'ingénierie Alto Technologies a été frappé par un rançongiciel. Alto a coupé ses serveurs.",
            ["Alto"],
        ),
        ("Le théâtre Bellevue scène nationale a été victime d'une fuite de données.", ["Bellevue"]),
        # a name right after an organisation noun
        (
            "La clinique Sainte-Anne a été piratée. Elle appartient au groupe Soins Grand Est.",
            ["Soins Grand Est"],
        ),
        # the medium that reports it
        (
            "La mairie de Lunel a été piratée, a expliqué le maire au micro de Radio Hérault.",
            ["Radio Hérault"],
        ),
        # the backdrop of a hacktivist attack
        (
            "Le site de la mairie de Lens a été visé par des pirates prorusses opposés au soutien à l'Ukraine.",
            ["Ukraine"],
        ),
    ],
)
def test_names_persons_and_backdrops_are_no_places(run_with_places, text, places):
    assert not set(run_with_places(text, places)) & set(places)


def _places_group(blank_nlp, text: str, places: list[str]):
    doc = blank_nlp.make_doc(text)
    doc._.ie_published = dt.date(2024, 10, 21)
    doc.ents = [doc.char_span(text.index(p), text.index(p) + len(p), label="LOC") for p in places]
    return [(span.text, span.id_) for span in blank_nlp(doc).spans["ie_locations"]]


def test_the_finder_writes_a_span_group_named_by_rule(blank_nlp):
    text = "La mairie de Vernelle a été victime d'une cyberattaque, à Tours, samedi."
    group = _places_group(blank_nlp, text, ["Vernelle", "Tours"])
    assert group == [
        ("Vernelle", "locations.victim_name"),
        ("Tours", "locations.ner_loc"),
    ]


def test_the_leading_article_is_not_part_of_the_place(blank_nlp):
    text = "La clinique des Ormes a été victime d'une cyberattaque. Le Finistère compte d'autres cliniques visées."
    assert _places_group(blank_nlp, text, ["Le Finistère"]) == [("Finistère", "locations.ner_loc")]


def test_an_article_without_incident_has_no_places(blank_nlp):
    text = "Le festival de Vernelle accueille cette année 20 000 visiteurs à Tours."
    assert _places_group(blank_nlp, text, ["Vernelle", "Tours"]) == []


def test_the_backdrop_and_the_medium_are_no_places(blank_nlp):
    text = (
        "La mairie de Vernelle a été piratée par des hacktivistes en soutien à l'Ukraine, "
        "a indiqué à Ouest-France le maire."
    )
    assert _places_group(blank_nlp, text, ["Ukraine", "Ouest-France"]) == []


def test_a_saved_pipeline_reads_its_own_copy_of_the_place_rules(tmp_path):
    import spacy

    from incident_extract.nlp.pipeline import blank_pipeline

    text = "La mairie de Vernelle a été victime d'une cyberattaque, à Tours, samedi."
    nlp = blank_pipeline()
    assert ("Tours", "locations.ner_loc") in _places_group(nlp, text, ["Vernelle", "Tours"])
    nlp.to_disk(tmp_path / "pipeline")
    saved = tmp_path / "pipeline" / "incident_extract_locations" / "locations.yaml"
    # an analyst adds « Tours » to the places too wide to report, in that pipeline only
    saved.write_text(saved.read_text(encoding="utf-8").replace("words: [france,", "words: [tours, france,"))
    reloaded = spacy.load(tmp_path / "pipeline")
    assert _places_group(reloaded, text, ["Vernelle", "Tours"]) == [("Vernelle", "locations.victim_name")]
    assert ("Tours", "locations.ner_loc") in _places_group(nlp, text, ["Vernelle", "Tours"])


def test_the_lede_is_read_past_the_page_furniture(run_with_places):
    """Breadcrumb, byline, date and photo credit do not use up the lede's sentences."""
    text = (
        "Accueil › Grand Est\n"
        "La fromagerie Hollard paralysée par un rançongiciel\n"
        "Par Luc Ferrand\n"
        "Publié le 2 mars 2025\n"
        "Crédit photo : Agence Est\n"
        "Depuis lundi, plus rien ne sort de la fromagerie Hollard. "
        "L'entreprise, installée à Gérardmer, a porté plainte."
    )
    assert "Gérardmer" in run_with_places(text, ["Gérardmer"])


@pytest.mark.parametrize(
    ("text", "places"),
    [
        (  # the medium that reports the story
            "La mairie de Lunel a été victime d'une cyberattaque, selon le site spécialisé Zatox.",
            ["Zatox"],
        ),
        (  # an attacker group the model takes for a place
            "La mairie de Lunel a été piratée. Le groupe de hackers Kilimandjaro a revendiqué l'attaque.",
            ["Kilimandjaro"],
        ),
    ],
)
def test_a_medium_or_an_attacker_is_no_place(run_with_places, text, places):
    assert run_with_places(text, places) == []


def test_the_medium_after_nos_confreres_du_is_no_place(run_with_places):
    text = "La mairie de Lunel a été victime d'une cyberattaque, révèlent nos confrères du Matinal."
    assert run_with_places(text, ["Matinal"]) == []


def test_places_after_de_in_the_salient_victims_sentence(run_with_places):
    """No role rule named the victim: its own sentence still gives its sites (« les sites de X »)."""
    text = (
        "Cyberattaque : une clinique bretonne paralysée\n"
        "La clinique des Pins, qui gère les sites de Loudéac et de Pontivy, a fermé son accueil. "
        "Un rançongiciel a chiffré ses serveurs. Des patients de Rennes attendent."
    )
    assert run_with_places(text, ["Loudéac", "Pontivy", "Rennes"]) == ["Loudéac", "Pontivy"]


def test_places_after_de_in_the_lede_when_no_role_rule_fired(run_with_places):
    text = (
        "Fuite de données : la caisse Prévoyance Bocage écrit à ses adhérents\n"
        "Des lettres sont arrivées cette semaine dans les foyers du Calvados. "
        "Elles détaillent les informations copiées. Une ligne d'écoute est ouverte. "
        "Le standard est saturé depuis lundi. Des adhérents de Rouen ont appelé la caisse."
    )
    assert run_with_places(text, ["Calvados", "Rouen"]) == ["Calvados"]


def test_a_dateline_opening_the_lede_is_a_place(run_with_places):
    text = (
        "Haguenau : plus un seul écran allumé à la médiathèque\n"
        "Depuis lundi, les bibliothécaires prêtent les livres à la main. "
        "Un rançongiciel a chiffré les serveurs dans la nuit de dimanche."
    )
    assert run_with_places(text, ["Haguenau"]) == ["Haguenau"]


def test_a_place_after_d_apostrophe_in_the_lede(run_with_places):
    text = (
        "Cyberattaque : plus aucune borne ne fonctionne\n"
        "Depuis mardi, les voyageurs de la métropole d'Orléans ne peuvent plus acheter de titres. "
        "Un rançongiciel a chiffré les serveurs de billetterie. Plus loin, des usagers de Tours témoignent."
    )
    assert "Orléans" in run_with_places(text, ["Orléans", "Tours"])


def test_a_breadcrumb_the_model_took_for_a_place_is_none(run_with_places):
    text = "Accueil > Santé\nLa clinique des Pins de Vannes a été victime d'une cyberattaque."
    assert run_with_places(text, ["Accueil > Santé", "Vannes"]) == ["Vannes"]


def test_a_place_in_a_later_sentence_naming_the_victim_again(run_with_places):
    """« Le groupe X, qui exploite trois hôtels à Menton » several sentences down is the victim's place."""
    text = (
        "Cyberattaque : les hôtels Azuréa privés de réservations\n"
        "Les hôtels Azuréa ne prennent plus de réservations depuis lundi. "
        "Un rançongiciel a chiffré les serveurs. Le directeur reste discret. "
        "Le groupe Azuréa, qui exploite quatre hôtels à Menton, a porté plainte. "
        "Des clients de Lyon s'inquiètent."
    )
    assert run_with_places(text, ["Menton", "Lyon"]) == ["Menton"]


def test_places_listed_with_a_kept_place_are_kept_too(run_with_places):
    """« à Menton, Èze et Antibes », « dans le Var et les Alpes-Maritimes »: a list shares its context."""
    text = (
        "Cyberattaque : les hôtels Azuréa privés de réservations\n"
        "Les hôtels Azuréa ne prennent plus de réservations depuis lundi. "
        "Un rançongiciel a chiffré les serveurs. Le directeur reste discret. "
        "Le groupe Azuréa, qui exploite des hôtels à Menton, Èze et Antibes, a porté plainte. "
        "Des clients de Lyon et de Dijon s'inquiètent."
    )
    assert run_with_places(text, ["Menton", "Èze", "Antibes", "Lyon", "Dijon"]) == [
        "Menton",
        "Èze",
        "Antibes",
    ]
