"""The article's framing: URL slugs as headlines, and stories that turn out to be exercises."""

import pytest

from incident_extract.nlp.framing import framed_as_exercise, url_slug


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        (
            "https://www.exemple-presse.fr/2023/05/12/la-clinique-du-parc-visee-par-une-cyberattaque/",
            "la clinique du parc visee par une cyberattaque",
        ),
        (
            "https://www.journal.fr/actualites/4412345/rancongiciel-a-la-mairie-de-brest_8876.html",
            "rancongiciel la mairie de brest",
        ),
        ("https://www.journal.fr/economie/article.php?id=3", ""),
        ("https://www.journal.fr/", ""),
        (None, ""),
    ],
)
def test_url_slug_words(url, expected):
    assert url_slug(url).lower() == expected


NARRATED_ATTACK = (
    "Le téléphone sonne à 8 heures. La clinique des Tilleuls a été piratée dans la nuit et les dossiers "
    "des patients sont inaccessibles. Le directeur décide de passer en mode dégradé. "
)


@pytest.mark.parametrize(
    ("text", "url"),
    [
        (NARRATED_ATTACK + "Heureusement, ce n'était qu'un exercice organisé par l'agence régionale.", None),
        (NARRATED_ATTACK + "Il ne s'agissait pas de la « vraie » clinique, mais d'une maquette.", None),
        (
            NARRATED_ATTACK,
            "https://www.ouest-journal.fr/2022/03/01/une-cyberattaque-simulee-au-lycee-technique/",
        ),
        ("Exercice de cyberattaque à la clinique des Tilleuls\n" + NARRATED_ATTACK, None),
        ("La clinique des Tilleuls s'entraîne à affronter un rançongiciel\n" + NARRATED_ATTACK, None),
        # the lead sets the scene in a demonstration, the reveal comes later
        (
            "Rançongiciel sur une moissonneuse : les gendarmes montrent l'attaque aux exploitants\n"
            "Dans la grange qui accueillait la démonstration, l'écran affiche « vos fichiers sont chiffrés ». "
            + NARRATED_ATTACK,
            None,
        ),
        (NARRATED_ATTACK + "L'attaque est fausse, le serveur sert de maquette aux formateurs.", None),
    ],
)
def test_story_framed_as_exercise_is_no_incident(run_blank, text, url):
    doc = run_blank(text, "2022-03-01", url=url)
    assert framed_as_exercise(doc)
    assert not doc._.ie_is_incident


@pytest.mark.parametrize(
    ("text", "url"),
    [
        (NARRATED_ATTACK + "L'établissement avait mené un exercice de crise l'an dernier.", None),
        (NARRATED_ATTACK + "Ce n'est pas la première fois que la clinique est visée.", None),
        (NARRATED_ATTACK, "https://www.ouest-journal.fr/2022/03/01/la-clinique-des-tilleuls-piratee/"),
    ],
)
def test_real_attack_mentioning_an_exercise_stays_an_incident(run_blank, text, url):
    doc = run_blank(text, "2022-03-01", url=url)
    assert not framed_as_exercise(doc)
    assert doc._.ie_is_incident


@pytest.mark.parametrize(
    ("text", "published", "incident"),
    [
        (
            "Piratage de la clinique des Tilleuls en 2019 : trois ans de prison requis contre deux hackers\n"
            "Les deux prévenus comparaissaient mardi. La clinique des Tilleuls avait été piratée en 2019.",
            "2023-06-01",
            False,
        ),
        (
            "Procès des pirates de la mairie de Lunel : le tribunal correctionnel rendra sa décision en mai\n"
            "La mairie de Lunel avait été victime d'une cyberattaque en 2020.",
            "2022-03-01",
            False,
        ),
        # a trial named in passing does not hide a new attack
        (
            "La clinique des Tilleuls victime d'une cyberattaque\n"
            "La clinique des Tilleuls a été piratée samedi. En 2019, un autre établissement avait porté plainte.",
            "2023-06-01",
            True,
        ),
    ],
)
def test_trial_over_an_old_attack_is_no_incident(run_blank, text, published, incident):
    assert run_blank(text, published)._.ie_is_incident is incident


@pytest.mark.parametrize(
    ("text", "incident"),
    [
        (
            "Cybersécurité : une PME sur trois a subi une attaque en 2024\n"
            "Selon le baromètre annuel de la chambre de commerce, 34 % des dirigeants interrogés déclarent avoir été "
            "victimes. La société Transalp a ainsi été piratée l'an dernier.",
            False,
        ),
        (
            "La société Transalp victime d'un rançongiciel\n"
            "La société Transalp a été piratée samedi. Selon une étude, une PME sur trois a déjà été attaquée.",
            True,
        ),
        # « étude » of lawyers is no study
        (
            "Sion, le 12 mars 2025 – L'étude d'avocats Morel & Associés a été victime d'une cyberattaque samedi.",
            True,
        ),
    ],
)
def test_statistics_article_is_no_incident(run_blank, text, incident):
    assert run_blank(text, "2025-01-20")._.ie_is_incident is incident


def test_headline_skips_the_breadcrumb_and_lead_skips_the_byline(run_blank):
    """A crawled page opens on its breadcrumb; bylines and dates sit between headline and body."""
    from incident_extract.nlp.framing import headline, lead_sentences

    doc = run_blank(
        "Accueil › Normandie › Évreux\n"
        "La médiathèque d'Évreux privée de son catalogue en ligne\n"
        "Par Jeanne Vautier\n"
        "Publié le 3 mars 2025 à 18h02\n"
        "Le catalogue de la médiathèque ne répond plus depuis samedi. Les bibliothécaires prêtent à la main."
    )
    assert headline(doc).startswith("\nla mediatheque d'evreux privee")
    lead = lead_sentences(doc, 2)
    assert lead[0].startswith("la mediatheque") and lead[1].startswith("le catalogue de la mediatheque")


def test_the_page_title_is_part_of_the_headline(run_blank):
    from incident_extract.nlp.framing import headline

    doc = run_blank("Le Courrier du Vexin\nLes écoles du canton ont fermé leur portail numérique.")
    doc._.ie_title = "Cyberattaque : le portail des écoles du Vexin fermé"
    assert headline(doc).startswith("cyberattaque : le portail des ecoles du vexin ferme")


def test_a_byline_with_its_date_and_the_share_buttons_are_furniture(run_blank):
    from incident_extract.nlp.framing import lead_sentences

    doc = run_blank(
        "Le laboratoire Biomérande privé de ses automates d'analyse\n"
        "Hugo Lestrade, publié le 12 février 2026\n"
        "Partager : Facebook X Mail\n"
        "Les automates du laboratoire sont à l'arrêt depuis vendredi. Les prélèvements partent à Niort."
    )
    lead = lead_sentences(doc, 2)
    assert lead[1].startswith("les automates du laboratoire")


@pytest.mark.parametrize(
    "line",
    [
        "Jeudi 13 novembre 2025 - 07:10",
        "mercredi 9 avril 2025, 18h20",
        "Le Courrier d'Auvergne · 5 juin 2025 · 3 min de lecture",
        "Suivez-nous sur Facebook et Instagram",
        "Temps de lecture : 4 min",
        "Écouter l'article",
        "Coup de cœur de la rédaction ★★★★☆",
        "Cet article vous est offert. Pour lire nos enquêtes, abonnez-vous.",
        "Illustration : Getty Images",
        "Essai gratuit de 30 jours, sans engagement.",
        "À lire également : la piscine municipale rouvre ses portes",
        "Propos recueillis par Hugo Lenoir",
        "Le Journal du Limousin — Rubrique Corrèze",
        "Le podcast Octet : écoutez le dernier épisode",
    ],
)
def test_more_lines_of_the_page_are_furniture(line):
    from incident_extract.nlp.framing import is_furniture

    assert is_furniture(line)


def test_a_dated_sentence_is_not_furniture():
    from incident_extract.nlp.framing import is_furniture

    assert not is_furniture("Le 3 mars 2025, la mairie de Lunel a été piratée.")
    assert not is_furniture("La rubrique des sports du journal a été piratée dimanche soir.")
