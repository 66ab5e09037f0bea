"""Victims by role, on the blank pipeline (no NER: organisation nouns and capitalised names)."""

import pytest


def victims(doc):
    return [s.text for s in doc.spans["ie_victims"]]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "La clinique Saint-Roch, victime d'une cyberattaque, fonctionne en mode dégradé.",
            ["clinique Saint-Roch"],
        ),
        ("Une cyberattaque a touché le groupe Pharmadis Ouest et ses filiales.", ["groupe Pharmadis Ouest"]),
        ("Le centre hospitalier de Vernon a été piraté dans la nuit.", ["centre hospitalier de Vernon"]),
        (
            "Les données de la Mutuelle Générale des Cheminots ont été dérobées.",
            ["Mutuelle Générale des Cheminots"],
        ),
        ("Des pirates ont paralysé la mairie de Saint-Brieuc lundi.", ["mairie de Saint-Brieuc"]),
        ("La cyberattaque contre l'université de Rennes a duré une semaine.", ["université de Rennes"]),
        ("La Fédération française de voile a été piratée.", ["Fédération française de voile"]),
        (
            "La mairie de Lunel et la communauté de communes du Pays de Lunel ont été ciblées par des pirates.",
            ["mairie de Lunel", "communauté de communes du Pays de Lunel"],
        ),
        ("Le groupe Transalp Logistique a été victime d'un rançongiciel.", ["groupe Transalp Logistique"]),
    ],
)
def test_victims_by_role(run_blank, text, expected):
    assert victims(run_blank(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "La mairie de Lunel a renforcé ses défenses après la vague d'attaques.",
        "Selon la société Cyberveille, les attaques augmentent de 30 %.",
        "L'ANSSI a été saisie de l'incident.",
        "Le groupe Lockbit a revendiqué l'attaque.",
        "Le lycée Jean-Moulin organise une journée portes ouvertes samedi.",
        "« Tout est chiffré. » Aucun pirate n'est pourtant à l'œuvre à la clinique.",  # a capital by position
        "Depuis samedi, son compte Instagram a été piraté par un escroc.",  # the platform, not the victim
    ],
)
def test_not_victims(run_blank, text):
    assert victims(run_blank(text)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Cyberattaque au collège Jean-Jaurès de Pontarlier : l'ENT inaccessible.",
            ["collège Jean-Jaurès de Pontarlier"],
        ),
        (
            "Fuite de données à la Mutuelle des Marins du Nord : 80 000 adhérents concernés.",
            ["Mutuelle des Marins du Nord"],
        ),
        (
            "La production est stoppée à la Manufacture Berthier après une cyberattaque.",
            ["Manufacture Berthier"],
        ),
        (
            "L'enseigne de prêt-à-porter Lin & Coton a informé ses clients que leurs données avaient été dérobées.",
            ["enseigne de prêt-à-porter Lin & Coton"],
        ),
        (
            "La région Occitanie a porté plainte à la suite d'une « cyberattaque de grande ampleur ».",
            ["région Occitanie"],
        ),
    ],
)
def test_victims_in_press_phrasings(run_blank, text, expected):
    assert victims(run_blank(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Le régulateur a frappé fort contre trois sites de streaming illégaux.",  # active voice: not a victim
        "Selon le quotidien La Gazette du Centre, une cyberattaque a visé plusieurs communes.",
        "Un troupeau de brebis a été attaqué à la Salvetat par un loup.",
    ],
)
def test_more_non_victims(run_blank, text):
    assert victims(run_blank(text)) == []


def test_short_name_links_to_the_full_name_written_first(run_blank):
    doc = run_blank(
        "Le centre d'oncologie Saint-Yves accueille 2 000 patients. "
        "Les pirates ont chiffré les fichiers du centre Saint-Yves."
    )
    (victim,) = doc.spans["ie_victims"]
    assert victim.text == "centre Saint-Yves"
    assert victim._.ie_value == "centre d'oncologie Saint-Yves" and victim._.ie_sector == "health"


def test_an_unnamed_mairie_takes_the_headline_town(run_blank):
    doc = run_blank(
        "Plounévez-Quintin : le site de la mairie paralysé par une attaque\n\n"
        "Depuis vendredi, les téléservices sont indisponibles."
    )
    assert [(v.text, v._.ie_value) for v in doc.spans["ie_victims"]] == [
        ("mairie", "mairie de Plounévez-Quintin")
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "La société Transalp a détecté samedi une intrusion dans son système d'information.",
            ["société Transalp"],
        ),
        (
            "La mutuelle Harmonia a constaté un accès non autorisé à son portail adhérents.",
            ["mutuelle Harmonia"],
        ),
        (
            "(AFP) - La société Berthier a intercepté dans la nuit de vendredi une cyberattaque ciblée sur ses usines.",
            ["société Berthier"],
        ),
        (
            "PARIS (Reuters) — Le groupe Vallon indique avoir détecté une activité suspecte sur ses serveurs.",
            ["groupe Vallon"],
        ),
    ],
)
def test_victim_that_detected_the_attack_on_itself(run_blank, text, expected):
    assert victims(run_blank(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "L'éditeur Check Point a détecté une campagne de piratage visant les hôpitaux européens.",
        "Le groupe Dumont a détecté une cyberattaque contre un de ses sous-traitants.",
        "La société Transalp a détecté une hausse des demandes de devis.",
    ],
)
def test_detecting_an_attack_on_others_is_no_victim(run_blank, text):
    assert victims(run_blank(text)) == []


BODY_WITHOUT_ROLE = (
    "Les équipes du ministère de la Culture travaillent depuis lundi à rétablir les services. "
    "Une enquête a été ouverte après l'exfiltration de fichiers."
)


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://www.journal.fr/actualites/cyberattaque-ministere-culture-donnees-4411", True),
        ("https://www.journal.fr/eco/ministere-de-la-culture-services-coupes-apres-une-cyberattaque", True),
        ("https://www.journal.fr/eco/le-ministere-de-la-culture-alerte-sur-une-cyberattaque", False),
        ("https://www.journal.fr/eco/budget-2024-le-ministere-de-la-culture-recrute", False),
        (None, False),
    ],
)
def test_victim_named_by_the_url_slug(run_blank, url, expected):
    doc = run_blank(BODY_WITHOUT_ROLE, "2024-03-01", url=url)
    assert (victims(doc) == ["ministère de la Culture"]) is expected
    assert doc._.ie_is_incident is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Une cyberattaque a visé les sites des services publics maliens : même la présidence a été touchée.",
            ["services publics maliens", "présidence"],
        ),
        ("Le site du gouvernement béninois a été piraté mardi.", ["gouvernement béninois"]),
    ],
)
def test_institution_named_by_its_noun_alone(run_blank, text, expected):
    assert victims(run_blank(text)) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Le gouvernement a annoncé un plan contre les cyberattaques.",
        "Un service public a été visé, sans plus de précision.",
        "La présidence du club a changé après l'assemblée générale.",
    ],
)
def test_institution_noun_without_role_or_with_indefinite_article(run_blank, text):
    assert victims(run_blank(text)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Depuis lundi, des Français ont reçu un SMS qui semble venir de leur banque. "
            "Il s'agit d'une tentative d'hameçonnage.",
            ["des Français"],
        ),
        (
            "Des milliers d'usagers ont été victimes d'une escroquerie au faux conseiller.",
            ["Des milliers d'usagers"],
        ),
        (
            "De nombreux contribuables ont reçu un faux courriel des impôts leur promettant un remboursement.",
            ["De nombreux contribuables"],
        ),
    ],
)
def test_the_public_hit_by_a_fraud_campaign(run_blank, text, expected):
    doc = run_blank(text)
    assert victims(doc) == expected
    assert {s._.ie_kind for s in doc.spans["ie_victims"]} == {"group"}
    assert doc._.ie_is_incident


@pytest.mark.parametrize(
    "text",
    [
        "Les clients ont reçu un courrier les informant d'une hausse des tarifs.",
        "Des Français ont reçu leur nouvelle carte Vitale cette semaine.",
        "Des usagers ont reçu un SMS annonçant des travaux sur la ligne.",
    ],
)
def test_people_receiving_a_message_without_fraud_are_no_victims(run_blank, text):
    assert victims(run_blank(text)) == []


@pytest.mark.parametrize(
    ("text", "expected", "rule"),
    [
        (
            "Le groupe Vallon fabrique des vannes à Lyon. Selon ses dirigeants, la demande est forte. "
            "L'entreprise a été victime d'une cyberattaque lundi.",
            "groupe Vallon",
            "victims.anaphor+cue:right.with_avoir",  # « a été victime »
        ),
        (
            "Le fabricant de logiciels Medisoft compte 200 salariés. Dans un message, l'éditeur indique que, "
            "dans la nuit, ses « équipes ont détecté des tentatives d'accès non autorisés ».",
            "fabricant de logiciels Medisoft",
            "victims.anaphor+cue:detection.own_attack",
        ),
    ],
)
def test_generic_noun_stands_for_the_organisation_named_before(run_blank, text, expected, rule):
    doc = run_blank(text)
    found = doc.spans["ie_victims"]
    assert [s._.ie_value for s in found] == [expected]
    assert found[0]._.ie_rule == rule
    assert doc._.ie_is_incident


@pytest.mark.parametrize(
    "text",
    [
        # « l'hôpital » does not stand for a company
        "Le groupe Vallon fabrique des vannes. L'hôpital a été victime d'une cyberattaque lundi.",
        # the newspaper that reports the story is no antecedent
        "Selon Le Courrier Picard, l'entreprise a été victime d'une cyberattaque lundi.",
        # nothing named before
        "L'entreprise a été victime d'une cyberattaque lundi.",
    ],
)
def test_generic_noun_without_a_fitting_antecedent_is_dropped(run_blank, text):
    assert victims(run_blank(text)) == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Le centre Cyberalpes ciblera aussi les PME de la région.", []),
        ("Les pirates du groupe Nox frappent les hôpitaux.", []),
        ("Le centre Cyberalpes, ciblé par des pirates, a coupé ses serveurs.", ["centre Cyberalpes"]),
    ],
)
def test_only_participles_make_a_passive_role(run_blank, text, expected):
    assert victims(run_blank(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Brest, le 4 mars 2025 – L'université Océane a confirmé qu'environ 2 000 comptes de messagerie "
            "avaient été compromis à la suite d'une campagne d'hameçonnage.",
            ["université Océane"],
        ),
        ("La société Hydrelec a confirmé une intrusion dans son système de pilotage.", ["société Hydrelec"]),
        (
            "La microcentrale est exploitée par la société Hydrelec. L'exploitant a confirmé une intrusion "
            "dans le système de pilotage.",
            ["exploitant"],
        ),
    ],
)
def test_victim_that_confirms_what_happened_to_it(run_blank, text, expected):
    assert victims(run_blank(text)) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "La communauté de communes du Val d'Oise tourne au ralenti depuis la cyberattaque qui l'a frappée jeudi.",
            ["communauté de communes du Val d'Oise"],
        ),
        (
            "L'enseigne de jardinage Verdure, qui exploite 40 magasins, a confirmé qu'environ 2 000 comptes clients "
            "de son site marchand avaient été piratés.",
            ["enseigne de jardinage Verdure"],
        ),
        (
            "Depuis lundi, des centaines d'habitants du nord de la Vienne reçoivent un faux SMS de remboursement.",
            ["des centaines d'habitants"],
        ),
    ],
)
def test_victims_in_longer_press_sentences(run_blank, text, expected):
    assert victims(run_blank(text)) == expected


def test_a_departement_in_the_headline_is_not_the_town_of_an_unnamed_mairie(run_blank):
    text = (
        "Essonne : la mairie paralysée par une cyberattaque\n"
        "La ville de Morsang (Essonne) a été victime d'une cyberattaque. Le site de la mairie a été piraté."
    )
    doc = run_blank(text)
    assert [s._.ie_value or s.text for s in doc.spans["ie_victims"]] == ["ville de Morsang"]


def test_fraud_campaign_named_in_the_headline_makes_the_public_a_victim(run_blank):
    text = (
        "Faux SMS de remboursement : le syndicat des eaux alerte ses abonnés\n"
        "Depuis lundi, des centaines d'habitants reçoivent ce message, accompagné d'un lien vers un site imitant "
        "celui du syndicat."
    )
    doc = run_blank(text)
    assert victims(doc) == ["des centaines d'habitants"]


@pytest.mark.parametrize(
    ("text", "places", "expected"),
    [
        ("Amiens, cible d'une tentative de piratage, a porté plainte.", ["Amiens"], ["Amiens"]),
        (
            "Ce n'est pas la première fois qu'un établissement de santé de l'Oise est visé par des pirates.",
            ["Oise"],
            [],
        ),
    ],
)
def test_a_place_is_a_victim_only_as_the_subject(blank_nlp, text, places, expected):
    doc = blank_nlp.make_doc(text)
    doc.ents = [doc.char_span(text.index(p), text.index(p) + len(p), label="LOC") for p in places]
    doc = blank_nlp(doc)
    assert victims(doc) == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Enfin, la mairie de Lectoure a perdu jeudi le contrôle de sa page Facebook. "
            "La commune a signalé le piratage à Meta.",
            ["mairie de Lectoure"],
        ),
        (
            "Deuxième victime, le collège Saint-Exupéry de Fleurance, dont le site a été défiguré.",
            ["collège Saint-Exupéry de Fleurance"],
        ),
        (
            "La plus grave de ces attaques touche la société Batinord, un négoce de matériaux.",
            ["société Batinord"],
        ),
    ],
)
def test_victims_of_a_series_of_attacks(run_blank, text, expected):
    assert victims(run_blank(text)) == expected


def test_a_departement_written_dans_le_is_not_the_town_of_a_mairie(run_blank):
    text = "Gers : une mairie visée par des pirates\nDans le Gers, le site de la mairie a été piraté jeudi."
    doc = run_blank(text)
    assert [s._.ie_value for s in doc.spans["ie_victims"] if s._.ie_value] == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "L'éditeur nantais de logiciels de paie et de gestion des ressources humaines Paylor a confirmé "
            "avoir été victime d'une attaque par rançongiciel.",
            ["éditeur nantais de logiciels de paie et de gestion des ressources humaines Paylor"],
        ),
        (
            "L'office public de l'habitat Caraïbe Logis, premier bailleur social de l'archipel avec plus de "
            "12.000 logements, a été la cible d'une attaque informatique.",
            ["office public de l'habitat Caraïbe Logis"],
        ),
        (
            "L'étude d'avocats et de notaires Morel & Associés, l'une des plus importantes du canton, a été "
            "victime d'une cyberattaque.",
            ["étude d'avocats et de notaires Morel & Associés"],
        ),
    ],
)
def test_long_organisation_descriptions_before_the_name(run_blank, text, expected):
    assert victims(run_blank(text)) == expected


def test_a_participle_ends_the_description(run_blank):
    doc = run_blank("La société de transport installée à Laval a été piratée.")
    assert victims(doc) != ["société de transport installée à Laval"]


@pytest.mark.parametrize(
    "url",
    [
        "https://www.journal.fr/eco/la-start-up-grenobloise-sentinelle-leve-18-millions-contre-les-cyberattaques",
        "https://www.journal.fr/eco/cybersecurite-une-pme-sur-deux-victime-d-une-cyberattaque",
    ],
)
def test_slug_of_a_funding_or_statistics_story_names_no_victim(run_blank, url):
    text = "La start-up grenobloise Sentinelle protège les usines. Une PME sur deux a subi une cyberattaque."
    doc = run_blank(text, "2024-03-01", url=url)
    assert not any("headline_slug" in (s._.ie_rule or "") for s in doc.spans["ie_victims"])


def test_an_attack_word_the_model_calls_a_place_is_no_town(blank_nlp):
    text = "Cyberattaque : la mairie paralysée\nDepuis lundi, le site de la mairie est piraté."
    doc = blank_nlp.make_doc(text)
    doc.ents = [doc.char_span(0, len("Cyberattaque"), label="LOC")]
    doc = blank_nlp(doc)
    assert [s._.ie_value for s in doc.spans["ie_victims"] if s._.ie_value] == []


def test_a_responder_firm_is_no_victim(run_blank):
    text = (
        "La coopérative Ar Maez a été victime d'un rançongiciel. La société rennaise Armor Sécurité, "
        "mandatée pour la remédiation, a été appelée dès samedi."
    )
    doc = run_blank(text)
    assert victims(doc) == ["Ar Maez"]
    assert [s.text for s in doc.spans["ie_actors"] if s.label_ == "responders"] == ["Armor Sécurité"]


def test_first_of_a_list_after_comme(run_blank):
    text = (
        "Mercredi, les hackers s'en sont pris à plusieurs collectivités, comme le conseil régional de Bretagne "
        "et la mairie de Lunel."
    )
    assert victims(run_blank(text)) == ["conseil régional de Bretagne", "mairie de Lunel"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Une attaque par déni de service a visé des sites municipaux. Parmi les villes touchées, il y a "
            "Rouen, mais aussi Brest, Limoges et Dijon.",
            {"Rouen", "Brest", "Limoges", "Dijon"},
        ),
        (
            "Le ver s'est propagé dans une dizaine de pays. Parmi les victimes, on compte notamment :\n\n"
            "Verbanor. Le cimentier a arrêté deux usines.\n\n"
            "Lumatex. Le groupe textile a coupé son réseau informatique par précaution.",
            {"Verbanor", "Lumatex"},
        ),
        (
            "Le rançongiciel s'est propagé dans toute l'Europe. Parmi les victimes, on dénombre notamment :\n\n"
            "Le transporteur Nordlink. Ses camions sont restés au dépôt deux jours.",
            {"transporteur Nordlink"},
        ),
    ],
)
def test_every_name_of_a_list_of_victims(nlp, text, expected):
    doc = nlp(text)
    names = {v.text for v in doc.spans["ie_victims"]}
    assert expected <= names


def test_an_attacker_is_no_victim_at_its_other_mentions(nlp):
    doc = nlp(
        "Le groupe pro-russe Kr4kenOps a lancé une attaque contre des banques suisses. "
        "Depuis l'an dernier, Kr4kenOps cible les pays européens."
    )
    assert "Kr4kenOps" not in {v.text for v in doc.spans["ie_victims"]}


def test_a_town_listed_as_hit_is_a_victim_and_a_place(nlp):
    doc = nlp(
        "Une attaque par déni de service a visé des sites municipaux. Parmi les villes touchées, il y a "
        "Rouen, mais aussi Brest et Limoges."
    )
    places = {item.name for incident in doc._.ie_incidents for item in incident.locations}
    assert {"Brest", "Limoges"} <= places


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Une cyberattaque a touché le groupe Brevex, affectant ses filiales Morval à Lyon et Cophalis à Nantes.",
            ["groupe Brevex", "filiales Morval", "Cophalis"],
        ),
        (
            "Le rançongiciel a paralysé la clinique Saint-Yves à Vannes, ainsi que la clinique Kerlo.",
            ["clinique Saint-Yves", "clinique Kerlo"],
        ),
    ],
)
def test_victims_coordinated_each_with_its_place(run_blank, text, expected):
    # without a parser: the place of each victim (« à Lyon ») does not break the coordination
    assert victims(run_blank(text)) == expected


def test_a_verb_after_a_victim_is_no_place_of_a_coordination(run_blank):
    doc = run_blank("La mairie de Vernon a été piratée ; le maire a prévenu Dupont et ses adjoints.")
    assert victims(doc) == ["mairie de Vernon"]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            'Plusieurs journaux dont "Le Courrier des Landes", "La Gazette Bleue" ou "Le Petit Varois" '
            "avaient également été attaqués.",
            ["Courrier des Landes", "Gazette Bleue", "Petit Varois"],
        ),
        ("Le groupe Lumacorp a lui aussi été piraté en mars.", ["groupe Lumacorp"]),
        ("La mairie de Plouzané avait déjà été visée en 2021.", ["mairie de Plouzané"]),
    ],
)
def test_role_after_a_closing_quote_or_an_adverb_before_ete(run_blank, text, expected):
    """« "X" avaient également été attaqués »: the title's closing quote and an adverb between the
    auxiliary and « été » keep the passive role; coordination runs over the quotes of a list."""
    found = victims(run_blank(text))
    assert [name for name in expected if any(name in v for v in found)] == expected


@pytest.fixture(scope="module")
def nlp_with_parser():
    from incident_extract.nlp.pipeline import load_pipeline

    return load_pipeline(parser=True)


def test_the_parser_is_optional(nlp, nlp_with_parser):
    assert "parser" not in nlp.pipe_names
    assert nlp_with_parser.pipe_names.index("parser") < nlp_with_parser.pipe_names.index("ner")


def test_dependency_patterns_apply_with_the_parser(nlp_with_parser):
    """« X, qui … , a été touchée »: the subject of the passive, however far, by ``victim_roles.yaml``."""
    doc = nlp_with_parser(
        "Lundi, la société Granitex, spécialisée depuis trente ans dans la taille de pierres de "
        "Bretagne et le négoce de matériaux, a été touchée par une cyberattaque."
    )
    rules = {s.text: s._.ie_rule for s in doc.spans["ie_victims"]}
    assert any("Granitex" in name and "+role.sujet_passif" in rule for name, rule in rules.items()), rules


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Depuis lundi, la Régie des eaux de Saint-Brévin fonctionne en mode dégradé. "
            "Ses serveurs ont été chiffrés par un rançongiciel.",
            ["Régie des eaux de Saint-Brévin"],
        ),
        (  # no attack in either sentence
            "Depuis lundi, la Régie des eaux de Saint-Brévin fonctionne en mode dégradé. "
            "Ses sites ont été perturbés par la grève.",
            [],
        ),
    ],
)
def test_the_next_sentence_opens_on_the_subjects_belongings(run_blank, text, expected):
    assert victims(run_blank(text, "2024-03-01")) == expected


def test_a_capitalised_run_stops_at_a_spaced_dash(blank_nlp):
    """« EN DIRECT - Panne … »: a dash between spaces separates; « & » inside a name joins."""
    from incident_extract.nlp.victims import proper_run

    doc = blank_nlp.make_doc("Hier, EN DIRECT - Panne géante chez Marks & Spencer")
    words = [t.text for t in doc]
    start = words.index("DIRECT")
    assert doc[start : proper_run(doc, start)].text == "DIRECT"
    shop = words.index("Marks")
    assert doc[shop : proper_run(doc, shop)].text == "Marks & Spencer"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Dans un courriel, l'université Vallée-Bleue y reconnaît qu'un accès frauduleux à son espace "
            "numérique a eu lieu dimanche.",
            ["université Vallée-Bleue"],
        ),
        ("La mairie de Quintin confirme qu'une intrusion a visé ses serveurs mardi.", ["mairie de Quintin"]),
        (
            "La mairie de Quintin confirme qu'une cyberattaque a visé la clinique Saint-Yves.",
            ["clinique Saint-Yves"],
        ),
    ],
)
def test_an_organisation_that_admits_an_attack_on_what_is_its_own(run_blank, text, expected):
    assert victims(run_blank(text)) == expected


def test_a_place_in_apposition_to_a_listed_victim_is_no_victim(run_blank):
    doc = run_blank(
        "Une vague de rançongiciels a touché plusieurs entreprises. Parmi les victimes figurent la "
        "Fiduciaire Kremer, à Luxembourg, et les Transports Weis."
    )
    assert "Luxembourg" not in victims(doc)
    assert "Fiduciaire Kremer" in " ".join(victims(doc))


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "L'hébergeur Nuagis a été piraté samedi. Le camping Ker Avel ne peut plus prendre de "
            "réservations en ligne.",
            ["Ker Avel"],
        ),
        (
            "Un rançongiciel a chiffré les serveurs du prestataire. Le cabinet Morvan Avocats, installé "
            "près du port, a perdu l'accès à sa messagerie.",
            ["cabinet Morvan Avocats"],
        ),
        (
            "Après la cyberattaque du prestataire, la pharmacie des Remparts est privée de ses logiciels.",
            ["pharmacie des Remparts"],
        ),
    ],
)
def test_a_client_that_lost_the_use_of_its_tools_is_a_victim(run_blank, text, expected):
    """« X ne peut plus », « X a perdu l'accès à », « X est privée de »: hit, often through a provider."""
    assert [v for v in victims(run_blank(text)) if v in expected] == expected


def test_losing_the_use_of_something_without_an_incident_is_no_incident(run_blank):
    """The cue finds whom an incident hit; it does not make an article an incident report."""
    doc = run_blank("Faute de neige, la station Les Airelles ne peut plus ouvrir ses pistes.")
    assert not doc._.ie_is_incident


def test_a_name_on_a_byline_is_no_antecedent(run_blank):
    """« Par L. Caradec · Le 4 mai · Édition de Morlaix »: neither the journalist nor the edition of the
    byline is a candidate an anaphor (« le distributeur ») could stand for."""
    doc = run_blank(
        "Morlaix : après la cyberattaque, les clients écrivent au distributeur\n"
        "Par Lise Caradec · Le 4 mai 2025 à 06:10 · Édition de Morlaix\n"
        "Trois jours après l'attaque par rançongiciel qui a frappé le distributeur d'eau, les abonnés "
        "s'inquiètent pour leurs données."
    )
    candidates = [s.text for s in doc.spans["ie_victim_candidates"]]
    assert "Édition de Morlaix" not in candidates and "Lise Caradec" not in candidates


def test_a_caption_may_name_the_victim(run_blank):
    """« Photo : … », « © … »: a picture's caption is a line of the page, yet it may name the victim."""
    doc = run_blank(
        "Photo : l'accueil de la clinique Ker Heol, mardi matin. © Lise Caradec\n"
        "La clinique Ker Heol a été victime d'un rançongiciel dans la nuit de lundi."
    )
    caption_end = doc.text.index("\n")
    on_caption = [s.text for s in doc.spans["ie_victim_candidates"] if s.end_char <= caption_end]
    assert "clinique Ker Heol" in on_caption


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("L'office notarial Vasseur & Lambert a été piraté samedi.", "office notarial Vasseur & Lambert"),
        # the model often takes « Nom-Nom Avocats » for a person: « cabinet » says it is a firm
        ("Le cabinet Guérin-Lacombe Avocats a été piraté samedi.", "cabinet Guérin-Lacombe Avocats"),
    ],
)
def test_law_offices_and_firms_named_by_their_noun(run_blank, text, expected):
    assert victims(run_blank(text)) == [expected]
