"""The document-level incident decision (nlp/incident.py) and victims by salience (nlp/salience.py)."""

import datetime as dt

import pytest

pytestmark = pytest.mark.model


def run(nlp, text: str, url: str | None = None, published: str = "2024-03-12"):
    doc = nlp.make_doc(text)
    doc._.ie_published = dt.date.fromisoformat(published)
    doc._.ie_url = url
    return nlp(doc)


@pytest.mark.parametrize(
    ("text", "url", "rule"),
    [
        (  # the headline names the attack; no role rule knows « à l'arrêt à cause d'un virus »
            "Les ateliers de la biscuiterie Vannier à l'arrêt après une cyberattaque\n"
            "Depuis mardi, les trois ateliers de la biscuiterie Vannier ne produisent plus rien. "
            "Les serveurs ont été chiffrés par un rançongiciel et la direction a porté plainte.",
            None,
            "incident.headline",
        ),
        (  # no title: the URL slug says what happened
            "Depuis lundi, impossible pour les agents de la communauté de communes du Val d'Orge d'ouvrir "
            "leurs dossiers. Un rançongiciel a chiffré les serveurs, une rançon a été demandée.",
            "https://www.journal-exemple.fr/2024/03/12/le-val-d-orge-frappe-par-une-cyberattaque/",
            "incident.headline",
        ),
        (  # an attacker group of the vocabulary is an incident word: « publie les données » says it happened
            "Akira publie les données des Transports Roubinet\n"
            "Le transporteur drômois, touché à la fin de l'été, voit ses contrats et les fiches de ses "
            "chauffeurs mis à disposition de tous.",
            None,
            "incident.headline",
        ),
        (  # « d'origine malveillante », « mode dégradé »: a hospital down with no attack word in the headline
            "Une panne informatique d'origine malveillante : la clinique bascule en mode dégradé\n"
            "Les consultations sont reportées. Un logiciel malveillant a été trouvé sur les serveurs.",
            None,
            "incident.headline",
        ),
    ],
)
def test_headline_or_slug_decides_an_incident(nlp, text, url, rule):
    doc = run(nlp, text, url)
    assert doc._.ie_is_incident
    assert doc._.ie_incident_rule in (rule, "incident.victim_cue", "incident.lead")


@pytest.mark.parametrize(
    "text",
    [
        "Cyberattaques : dix conseils pour protéger votre commerce\n"
        "Les rançongiciels visent de plus en plus les petites entreprises. Sauvegardez vos données "
        "chaque semaine et ne cliquez jamais sur un lien inconnu.",
        "Cyberattaques : le signalement devient obligatoire pour les opérateurs d'eau\n"
        "À partir de juin, toute attaque par rançongiciel devra être déclarée sous 24 heures.",
        "Des pirates abordent un pétrolier au large du golfe de Guinée\n"
        "L'équipage a été pris en otage et une rançon est réclamée à l'armateur.",
        "La ligue de football fait la chasse au piratage des matchs\n"
        "Des sites illégaux retransmettent les rencontres sans payer les droits de diffusion.",
        # advice and an observatory's figures with a narrated example: no incident of their own
        "Faux livreur : six réflexes pour ne pas se faire piéger\n"
        "Un habitant de Vannes a été escroqué de 800 euros après un faux SMS de livraison.",
        "Rançongiciels : les hôpitaux toujours plus visés, selon un observatoire\n"
        "Un établissement sur dix a été touché par une cyberattaque l'an dernier.",
        # a trend headline over a yearly report
        "Cyberattaques : les communes du Morbihan de plus en plus visées\n"
        "Le centre de réponse aux incidents publie son bilan : 140 signalements en 2025. Une mairie "
        "a été piratée en mars et une autre a perdu ses fichiers.",
    ],
)
def test_advice_law_and_other_senses_of_piracy_are_no_incident(nlp, text):
    doc = run(nlp, text)
    assert not doc._.ie_is_incident


def test_a_warning_headline_over_a_dated_attack_is_an_incident(nlp):
    text = (
        "La mairie de Pontivy met en garde contre des courriels envoyés en son nom\n"
        "Les services municipaux appellent les habitants à la prudence. Dans un communiqué publié "
        "jeudi 12 juin, la commune indique que la messagerie d'une élue a été piratée dans la nuit."
    )
    doc = run(nlp, text)
    assert doc._.ie_is_incident
    # the same warning with no dated attack of its own stays advice
    advice = (
        "La mairie de Pontivy met en garde contre les faux courriels\nNe cliquez jamais sur un lien inconnu."
    )
    assert not run(nlp, advice)._.ie_is_incident


@pytest.mark.parametrize(
    "text",
    [
        # a follow-up: the headline names the attack, the lead tells what followed (no attack type asserted:
        # the ransom is refused)
        "Un mois après la cyberattaque, la communauté de communes du Haut-Quercy refuse de payer\n"
        "Les guichets rouvrent peu à peu. Aucune rançon ne sera versée, répète le président. "
        "Les serveurs chiffrés en octobre sont reconstruits un à un.",
        # a witness's account: « raconte la cyberattaque », then what stopped
        "« Plus rien ne répondait » : la gérante de la boulangerie Fournival raconte la cyberattaque\n"
        "Un lundi de novembre, les caisses et l'ordinateur du fournil se sont bloqués d'un coup.",
        # a transfer fraud told with « délestée de »
        "Fraude au président : une coopérative de Cognac délestée de 480 000 euros\n"
        "La coopérative Vignal a viré la somme après un faux courriel de son directeur.",
        # a brief: no incident word in the headline, a claim by a known group in the lead
        "Les sites de la ville de Tarbes inaccessibles\n"
        "Depuis jeudi, le portail de la ville ne répond plus. "
        "Le groupe NoName057(16) a revendiqué l'attaque sur sa messagerie.",
        # a live blog: « incident de sécurité informatique » confirmed
        "EN DIRECT - Les entrepôts du logisticien Transbreiz à l'arrêt : ce que l'on sait\n"
        "9h05 : la direction confirme un « incident de sécurité informatique ». Les camions restent à quai.",
    ],
)
def test_new_wordings_of_an_incident(nlp, text):
    assert run(nlp, text)._.ie_is_incident


@pytest.mark.parametrize(
    "text",
    [
        # a trapped e-mail paralysed the care home: « courriel piégé » is an incident word
        "Huit jours sans ordinateurs : la directrice de la résidence Les Glycines raconte\n"
        "Le 4 mai, un courriel piégé ouvert au secrétariat a paralysé l'informatique de la résidence.",
        # a wave of sextortion e-mails; the singular « hacktiviste »
        "Courriels de sextorsion : une vague vise les habitants de Liège\n"
        "Des centaines de messages réclament 500 euros en bitcoins.",
        "Les sites de trois mairies du Jura saturés : un collectif hacktiviste revendique\n"
        "Les portails sont restés hors ligne toute la matinée.",
        # « attaque » alone in a headline that says what happened, a ransomware named further down
        "Caisses, badges, messagerie : la coopérative Vallerand paralysée, la direction confirme une attaque\n"
        "Depuis lundi, les magasins de la coopérative fonctionnent au ralenti. "
        "Les serveurs ont été chiffrés par un rançongiciel.",
        # the attack is told in the fourth paragraph, dated, after a story on the harvest
        "Au domaine Castelnau, une récolte précoce et une rentrée difficile\n"
        "Les vendanges ont commencé dès le 20 août. Le chef de culture se réjouit de la qualité des raisins. "
        "La chaleur a pourtant fait souffrir les vieilles vignes. "
        "Le 9 septembre, un logiciel malveillant a bloqué tous les ordinateurs du domaine et réclamé une rançon.",
        # a live blog whose headline comes after five lines of the page
        "L'Écho du Cher > Bourges > Économie\n"
        "EN DIRECT | Mis à jour à 16h10\n"
        "Par la rédaction\n"
        "Suivez notre direct · Activer les alertes\n"
        "DIRECT.\n"
        "Les chaînes de l'usine Fonderel à l'arrêt après une cyberattaque\n"
        "Depuis la nuit de dimanche, aucune pièce ne sort de l'usine.",
    ],
)
def test_more_wordings_of_an_incident(nlp, text):
    assert run(nlp, text)._.ie_is_incident


@pytest.mark.parametrize(
    "text",
    [
        # an expert's interview: a question in the lead asserts nothing
        "Paul Verdier : « Une petite entreprise sur deux ne survivrait pas à une cyberattaque »\n"
        "Consultant à Tours, Paul Verdier conseille des artisans. Il prône des gestes simples. "
        "Les artisans sont-ils vraiment visés ?",
        # a students' contest, « pour de faux »
        "Lorient : une nuit à « pirater » des serveurs, pour de faux\n"
        "Quatre-vingts étudiants ont concouru ce week-end à un capture the flag. "
        "Les équipes devaient s'introduire dans des serveurs piégés.",
        # a book review: the attacked hospital is a novel's
        "Livres : un thriller au cœur d'une cyberattaque\n"
        "Dans son roman, l'autrice imagine un hôpital pris en otage par des pirates. "
        "Le groupe a été attaqué un soir d'hiver, raconte le récit.",
    ],
)
def test_interviews_contests_and_fiction_are_no_incident(nlp, text):
    assert not run(nlp, text)._.ie_is_incident


@pytest.mark.parametrize(
    "text",
    [
        # the fraud is named by its impostor (« un faux dirigeant »); « piégée par » says it happened
        "Aurillac : la mutuelle des artisans piégée par un faux dirigeant\n"
        "La trésorière a ordonné deux virements demandés par un courriel signé du président.",
        # a person « perd » money to a fake banker
        "À 81 ans, Marcel perd 12 000 euros face à un faux banquier\n"
        "Le retraité de Tulle croyait parler à sa conseillère. Son épargne est partie en une soirée.",
        # an exposure: records « en libre accès », then « consultables par n'importe qui »
        "Des bulletins scolaires en libre accès sur Internet : comment est-ce arrivé ?\n"
        "Pendant deux mois, les notes de 3 000 collégiens de Vichy étaient consultables par n'importe qui. "
        "Une enseignante a prévenu le rectorat.",
        # « expose les » in a headline that names a misconfigured server
        "Un serveur mal configuré expose les ordonnances de 5 000 clients d'une pharmacie de Roanne\n"
        "La pharmacie a coupé l'accès mardi soir.",
        # an infostealer; the lead says where the files went
        "Un infostealer livre les dossiers d'une agence immobilière de Nevers\n"
        "Un logiciel gratuit, un mot de passe gardé par le navigateur, et les baux de 600 locataires "
        "se retrouvent entre de mauvaises mains.",
        # a quote headline with stolen credentials; the interviewer's line is page furniture
        "Propos recueillis par Lina Morel\n"
        "Marc Olier, expert-comptable : « Des identifiants volés ont ouvert notre messagerie aux escrocs »\n"
        "Installé à Moulins, Marc Olier a découvert en juin qu'un inconnu lisait ses courriels.",
    ],
)
def test_impostors_exposures_and_stolen_credentials_are_incidents(nlp, text):
    assert run(nlp, text)._.ie_is_incident


@pytest.mark.parametrize(
    "text",
    [
        # a barometer under page lines (« Cet article vous est offert », a picture credit)
        "Cybermétrie : hôpitaux et mairies, cibles privilégiées des rançongiciels\n"
        "Cet article vous est offert.\n"
        "Illustration : Adobe Stock\n"
        "L'éditeur Cybermétrie publie son baromètre annuel de la menace. "
        "Le nombre d'organisations revendiquées par les groupes a crû de 20 % en un an.",
        # a sentence at a trial over scams of earlier years
        "Tulle : quatre ans de prison pour un escroc au faux conseiller bancaire\n"
        "Le tribunal correctionnel de Tulle a jugé mardi un homme pour des escroqueries commises en 2021 et 2022. "
        "Une trentaine de retraités avaient été escroqués.",
        # a trend cited by an MP: the public services of the sentence are a class, not a victim
        "Cloud : le député Paul Armand veut imposer des hébergeurs qualifiés aux mairies\n"
        "Le député dépose un texte en ce sens. Selon lui, la multiplication des cyberattaques contre "
        "les services publics ces dernières années montre la fragilité des systèmes.",
    ],
    ids=["barometer", "old-trial", "trend"],
)
def test_barometers_sentences_and_trends_are_no_incident(nlp, text):
    assert not run(nlp, text)._.ie_is_incident


def test_a_product_for_a_class_of_victims_is_no_incident(nlp):
    """« les PME touchées » under a product headline is a class of organisations, not a victim."""
    doc = run(
        nlp,
        "La jeune pousse Archivia lance une sauvegarde inviolable pour les PME\n"
        "Selon l'agence nationale, les attaques par rançongiciel ont doublé, les PME étant les plus touchées.",
    )
    assert not doc._.ie_is_incident


def test_lead_with_an_attack_type_and_an_event_is_an_incident(nlp):
    doc = run(
        nlp,
        "Saint-Fulgent, France\n\n"
        "Les ateliers de la conserverie Marvanne ont été arrêtés jeudi à cause d'un virus dans le système "
        "informatique de l'entreprise, selon un salarié. La direction de Marvanne ne confirme pas.",
    )
    assert doc._.ie_incident_rule == "incident.lead"
    assert [v.name for incident in doc._.ie_incidents for v in incident.victims][:1] == ["Marvanne"]


def test_files_left_open_online_are_a_leak_incident(nlp):
    """An exposed server is a leak though nobody « attacked » it; the byline does not hide the lead."""
    doc = run(
        nlp,
        "Fichiers de paie des agents de Vierzon exposés en ligne\n"
        "Par Paul Mériel\n"
        "Publié le 4 mars\n"
        "Un serveur mal configuré a laissé en accès libre les fichiers de paie de 900 agents municipaux. "
        "Les données exposées comprennent leurs numéros de sécurité sociale.",
    )
    assert doc._.ie_is_incident
    assert doc._.ie_incident_rule in ("incident.headline", "incident.lead", "incident.victim_cue")


def test_stolen_cars_are_no_cyber_incident(nlp):
    doc = run(
        nlp,
        "Deux voitures ont été volées samedi sur le parking de la gare de Dax.\n"
        "Les enquêteurs ont retrouvé les véhicules volés dimanche ; deux hommes sont poursuivis pour recel de vol.",
    )
    assert not doc._.ie_is_incident


def test_a_cyberattack_on_a_shipowner_stays_an_incident(nlp):
    doc = run(
        nlp,
        "L'armateur Navimer victime d'une cyberattaque\n"
        "Un rançongiciel a paralysé les systèmes informatiques de l'armateur Navimer, dont les navires "
        "restent à quai depuis samedi.",
    )
    assert doc._.ie_is_incident


def test_salient_victim_when_no_role_rule_fires(nlp):
    doc = run(
        nlp,
        "Fuite de données chez Maisonnelle : les fichiers de clients en vente\n"
        "Un pirate propose sur un forum les fichiers de 40 000 clients de Maisonnelle. "
        "L'enseigne Maisonnelle a prévenu la CNIL. À Lyon, des clients de Maisonnelle s'inquiètent.",
    )
    assert doc._.ie_is_incident
    victims = [v for incident in doc._.ie_incidents for v in incident.victims]
    assert [v.name for v in victims][:1] == ["Maisonnelle"]
    assert all(v.name not in ("CNIL", "Lyon") for v in victims)


def test_salient_victim_is_never_the_medium_or_a_place(nlp):
    doc = run(
        nlp,
        "Cyberattaque : les ordinateurs du lycée paralysés\n"
        "Selon Ouest-Matin, les ordinateurs ont été bloqués par un rançongiciel à Quimperlé. "
        "À Quimperlé, les cours continuent sur papier, confie un professeur à Ouest-Matin.",
    )
    victims = [v for incident in doc._.ie_incidents for v in incident.victims]
    assert all(v.name not in ("Ouest-Matin", "Quimperlé") for v in victims)
    assert all(v.status == "possible" for v in victims if v.rule.startswith("victims.salience"))


def test_the_subject_of_an_incident_article_is_its_victim_when_no_attack_sentence_names_it(nlp):
    """The mairie is named in the headline and around the attack, never in the attack sentence."""
    doc = run(
        nlp,
        "Plus d'inscriptions à la cantine en ligne à la mairie de Kervalec\n"
        "Depuis lundi, les agents de la mairie de Kervalec reçoivent les familles au guichet. "
        "Dimanche soir, un rançongiciel a chiffré les serveurs. "
        "Le secrétaire général de la mairie de Kervalec espère un retour à la normale vendredi.",
    )
    assert doc._.ie_is_incident
    victims = [v for incident in doc._.ie_incidents for v in incident.victims]
    assert [(v.name, v.status) for v in victims] == [("mairie de Kervalec", "possible")]
    assert victims[0].rule.startswith("victims.salience.subject")


def test_the_subject_of_an_incident_article_is_never_a_place_or_a_class(nlp):
    doc = run(
        nlp,
        "Nouvelle-Aquitaine : les collectivités de Nouvelle-Aquitaine sous pression\n"
        "Les collectivités de Nouvelle-Aquitaine ont rouvert leurs guichets lundi. "
        "Dimanche soir, un rançongiciel a chiffré les serveurs. "
        "En Nouvelle-Aquitaine, on attend la fin de la semaine.",
    )
    victims = [v.name for incident in doc._.ie_incidents for v in incident.victims]
    assert all("Nouvelle-Aquitaine" not in name for name in victims)


def test_salient_victim_of_the_kind_the_headline_names(nlp):
    """« un hôpital bascule… »: the hospital the body names next to the attack, not the one « qui n'est
    pas touché »."""
    doc = run(
        nlp,
        "Cyberattaque : un hôpital du Gers bascule en mode dégradé\n"
        "Les soignants ont ressorti les dossiers papier. "
        "Le Centre hospitalier des Trois-Vallons a reconnu mardi la gravité de la situation. "
        "Un logiciel malveillant a chiffré plusieurs serveurs. "
        "Les urgences sont réorientées vers le centre hospitalier d'Auch, qui n'est pas touché.",
    )
    victims = [v.name for incident in doc._.ie_incidents for v in incident.victims]
    assert victims == ["Centre hospitalier des Trois-Vallons"]


def test_an_anaphor_in_the_attack_sentence_counts_for_the_name_before_it(nlp):
    doc = run(
        nlp,
        "Le collège Simone-Veil retrouve son espace numérique\n"
        "Les cours ont repris normalement mardi au collège Simone-Veil. "
        "L'établissement avait été visé par un rançongiciel le 3 février.",
    )
    victims = [v.name for incident in doc._.ie_incidents for v in incident.victims]
    assert victims == ["collège Simone-Veil"]


def test_the_live_blog_tag_and_the_platform_are_no_victims(nlp):
    doc = run(
        nlp,
        "EN DIRECT - Les entrepôts du logisticien Transbreiz à l'arrêt : ce que l'on sait\n"
        "9h05 : la direction confirme un « incident de sécurité informatique ». Les camions restent à quai.",
    )
    victims = [v.name for incident in doc._.ie_incidents for v in incident.victims]
    assert "DIRECT" not in " ".join(victims)
    assert victims == ["logisticien Transbreiz"]


def test_record_says_which_rule_decided(nlp):
    from incident_extract import extract_article

    record = extract_article(
        "La mutuelle Solvia visée par une cyberattaque\n"
        "Des pirates ont dérobé les fichiers d'adhérents de la mutuelle Solvia, qui a porté plainte.",
        published="2024-03-12",
    )
    assert record.is_incident
    assert record.incident_rule in ("incident.victim_cue", "incident.headline", "incident.lead")
    assert extract_article("Le marché de Noël ouvre samedi place du Capitole.").incident_rule is None


def test_sector_from_the_lead_when_no_victim_tells_it(nlp):
    doc = run(
        nlp,
        "Brindal paralysé par un rançongiciel\n"
        "Un rançongiciel a chiffré lundi les serveurs de Brindal. Les équipes travaillent jour et nuit. "
        "Un expert est venu de Paris. Depuis la cyberattaque, la production reste arrêtée.",
    )
    sectors = [s for incident in doc._.ie_incidents for s in incident.sectors]
    assert [s.id for s in sectors] == ["industry"]
    assert sectors[0].rule.startswith("sectors.fallback.")


def test_a_list_takes_its_context_from_the_sentence_before(nlp):
    doc = run(
        nlp,
        "La mutuelle Orvalis victime d'une fuite de données\n"
        "Les coordonnées bancaires des adhérents ne sont pas concernées. "
        "Le sont en revanche les noms, dates de naissance et numéros de téléphone.",
    )
    leaked = {item.id for incident in doc._.ie_incidents for item in incident.data_leaked}
    denied = {item.id for incident in doc._.ie_incidents for item in incident.denied}
    assert {"name", "birth_date", "phone"} <= leaked
    assert "bank_details" not in leaked
    assert denied


def test_learned_scorer_weights_are_read_from_json(nlp, tmp_path):
    import json

    from incident_extract.nlp.salience import candidates, load_scorer, probability

    doc = run(
        nlp,
        "Fuite de données chez Maisonnelle : les fichiers de clients en vente\n"
        "Un pirate propose les fichiers de 40 000 clients de Maisonnelle. L'enseigne Maisonnelle a porté plainte.",
    )
    found = [c for c in candidates(doc) if c.eligible]
    assert [c.span.text for c in found][:1] == ["Maisonnelle"]
    path = tmp_path / "scorer.json"
    path.write_text(json.dumps({"weights": {"in_head": 4.0}, "intercept": -2.0, "threshold": 0.5}))
    scorer = load_scorer(str(path))
    assert probability(found[0], scorer) > 0.8  # in the headline: -2 + 4
    assert load_scorer(str(tmp_path / "absent.json")) is None


def test_a_date_opening_a_line_is_never_a_victim(blank_nlp):
    """« Fin mai » is a capitalised run and a date: a date is never a victim. (spaCy keys a span's
    ``._`` values by its offsets alone; ours add the label, so the candidate no longer takes the
    date's role « attack » as its kind, which once made the record fail validation.)"""
    from spacy.tokens import Span

    from incident_extract.nlp.decision import drop_dates_taken_for_names

    doc = blank_nlp.make_doc("Fin mai, des fichiers de la commune de Vernelle ont été dérobés.")
    name = Span(doc, 0, 2, label="organization")
    town = Span(doc, 9, 10, label="organization")
    doc.spans["ie_victims"] = [name, town]
    doc.spans["ie_victim_candidates"] = [name, town]
    doc.spans["ie_dates"] = [Span(doc, 0, 2, label="date")]
    doc.spans["ie_dates"][0]._.ie_kind = "attack"
    assert name._.ie_kind is None  # no longer shared with the date span of the same bounds
    drop_dates_taken_for_names(doc)
    assert [s.text for s in doc.spans["ie_victims"]] == ["Vernelle"]
    assert [s.text for s in doc.spans["ie_victim_candidates"]] == ["Vernelle"]


def test_the_town_and_agency_of_a_dispatch_are_no_victim(nlp):
    doc = run(nlp, "MONTREUX (ATS) - La Clinique des Alpes a été frappée par un rançongiciel dans la nuit.")
    victims = [v.name for incident in doc._.ie_incidents for v in incident.victims]
    assert victims == ["Clinique des Alpes"]


@pytest.mark.parametrize(
    "text",
    [
        # the review of a play whose plot is a ransomware attack
        "« Écran noir », un hôpital sous rançongiciel au théâtre du Grand-Mail\n"
        "Dans cette nouvelle création de la troupe rennaise, la mise en scène enferme cinq soignants "
        "dans un service imaginaire dont les serveurs ont été chiffrés.",
        # an outage that was no attack
        "Panne des guichets à la communauté de communes de Lanvollon : la piste d'une cyberattaque écartée\n"
        "Les serveurs ont été bloqués deux jours. Il ne s'agissait pas d'une cyberattaque mais d'un "
        "onduleur défaillant, a précisé le président.",
        # « la piste du piratage écartée »: any wording of the ruled-out « piste »
        "Billetterie muette au parc aquatique Océlia : la piste du piratage écartée\n"
        "Les bornes sont restées bloquées toute la matinée. Un serveur a été piraté par erreur dans "
        "les premiers messages, mais le fournisseur met en cause une mise à jour défaillante.",
        # a sports report with piracy words in quotes
        "Rugby : comment le XV de Lézignan a « piraté » la mêlée adverse\n"
        "Dimanche, les joueurs ont battu Narbonne 24-10. Ils avaient piraté les codes des "
        "lancers et injecté le virus du doute dans la défense.",
    ],
)
def test_fiction_and_outage_ruled_out_are_no_incident(nlp, text):
    doc = run(nlp, text)
    assert not doc._.ie_is_incident


def test_an_attack_told_after_a_dated_scene_is_an_incident(nlp):
    text = (
        "« On ne sait plus qui a payé » : au marché de Morlaix, les abonnés dans le brouillard\n"
        "Devant la halle, les commerçants s'impatientent. Les cartes d'abonnement ne passent plus. "
        "Une commerçante soupire devant sa caisse. Un client repart sans ses légumes. "
        "Depuis dimanche, la régie des halles de Morlaix travaille sans informatique. "
        "Un rançongiciel a chiffré les serveurs de facturation."
    )
    assert run(nlp, text)._.ie_incident_rule == "incident.body"


def test_a_fraud_beside_a_complaint_is_an_incident(nlp):
    text = (
        "« Tout semblait normal » : la secrétaire d'une scierie vosgienne témoigne\n"
        "Elle y pense chaque matin. La secrétaire de la Scierie Valtin a vu partir 90 000 euros. "
        "Un courriel imitait celui du patron. Deux virements ont suivi. La banque n'a rien vu. "
        "Le gérant est rentré de congés. Il a découvert la supercherie. Les comptes étaient vides. "
        "Le personnel était choqué. Le comptable a tout vérifié. Rien ne manquait ailleurs. "
        "La scierie a déposé plainte. Les gendarmes parlent d'une escroquerie bien rodée."
    )
    assert run(nlp, text)._.ie_incident_rule == "incident.complaint"


def test_a_complaint_or_a_cnil_notification_far_from_the_attack_tells_an_incident(nlp):
    text = (
        "« Nous avons tout repris à la main » : la fromagerie Bréval raconte ses trois semaines\n"
        "Le directeur nous reçoit dans son bureau, au milieu des classeurs. "
        "Un mardi matin de mars, les écrans de la salle de pesée se sont éteints. "
        "Les techniciens ont trouvé un rançongiciel sur les serveurs. "
        "Les livraisons ont pris du retard. Les éleveurs ont été payés avec une semaine de décalage. "
        "Le personnel a tenu les registres sur papier. Les clients ont été patients. "
        "Aujourd'hui, presque tout fonctionne de nouveau. Il reste à reconstruire la comptabilité. "
        "Le directeur veut désormais des sauvegardes hors ligne. Il a recruté un technicien. "
        "La fromagerie a notifié la CNIL et porté plainte auprès de la gendarmerie de Vire."
    )
    assert run(nlp, text)._.ie_incident_rule in ("incident.reported", "incident.victim_cue", "incident.body")
    assert run(nlp, text)._.ie_is_incident


@pytest.mark.parametrize(
    "text",
    [
        # advice: the complaint is what one should do, not what was done
        "Rançongiciel : les bons réflexes pour les petites entreprises\n"
        "Un rançongiciel peut chiffrer les serveurs d'une entreprise en quelques minutes. "
        "En cas d'attaque, il faut déposer plainte et notifier la CNIL sous 72 heures. "
        "Si une entreprise a porté plainte, elle pourra faire valoir ses droits auprès de l'assureur.",
        # a complaint in a story with no attack asserted
        "Vol de câbles à Guingamp : la commune a porté plainte\n"
        "Des voleurs ont emporté deux cents mètres de câbles de cuivre le long de la voie communale. "
        "L'éclairage public est coupé dans le quartier depuis jeudi.",
    ],
)
def test_a_complaint_without_an_asserted_attack_is_no_incident(nlp, text):
    assert not run(nlp, text)._.ie_is_incident
