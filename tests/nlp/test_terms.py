"""Vocabulary matches on the blank pipeline: the span ruler plus the assertion component."""

import pytest


def terms(doc, label):
    return {
        (s.text, doc.vocab.strings[s.id] if isinstance(s.id, int) else s.id_, s._.ie_status)
        for s in doc.spans["ie_terms"]
        if s.label_ == label
    }


def ids(doc, label, status=None):
    return {
        s.id_.split(".")[0]
        for s in doc.spans["ie_terms"]
        if s.label_ == label and (status is None or s._.ie_status == status)
    }


@pytest.mark.parametrize(
    ("text", "label", "expected"),
    [
        ("Les serveurs ont été chiffrés par un rançongiciel.", "attack_types", {"ransomware"}),
        ("Une vaste campagne d'hameçonnage a visé les agents.", "attack_types", {"phishing"}),
        ("Le site a subi une attaque par déni de service (DDoS).", "attack_types", {"ddos"}),
        (
            "Les sites de la ville sont inaccessibles, des hackers prorusses revendiquent.",
            "attack_types",
            {"ddos"},
        ),
        ("Le site de la ville est inaccessible pour maintenance.", "attack_types", set()),
        ("La page d'accueil a été défigurée par des hacktivistes.", "attack_types", {"defacement"}),
        # a ransom note asks for bitcoins without the word « rançon »
        (
            "Sur l'écran, un message indique que les fichiers ont été chiffrés et réclame 2 bitcoins.",
            "attack_types",
            {"ransomware"},
        ),
        ("Les fichiers de la thèse ont été chiffrés avec un mot de passe.", "attack_types", set()),
        (
            "Un intrus a pris la main à distance sur l'interface qui pilote les vannes.",
            "attack_types",
            {"intrusion"},
        ),
        (
            "La base des profils restait consultable par n'importe qui pendant trois semaines.",
            "attack_types",
            {"data_theft"},
        ),
        (
            "Les pirates ont remplacé la page d'accueil du club par leur logo.",
            "attack_types",
            {"defacement"},
        ),
        ("Le cabinet a viré 12 000 euros à un faux grossiste.", "attack_types", {"fraud"}),
        ("L'ANSSI et la Cnil ont été prévenues.", "authorities", {"ANSSI", "CNIL"}),
        ("Une plainte a été déposée auprès de la gendarmerie.", "authorities", {"GENDARMERIE"}),
        ("Le parquet de Paris a ouvert une enquête confiée à l'OFAC.", "authorities", {"PARQUET", "POLICE"}),
        ("L'Agence régionale de santé suit la situation.", "authorities", {"ARS"}),
        ("La commune a informé l'Office fédéral de la cybersécurité (OFCS).", "authorities", {"OTHER"}),
        ("Le ministère de la Culture a dépêché deux experts au musée.", "authorities", {"MINISTRY"}),
        ("Le club a été piraté sur les réseaux sociaux.", "systems", set()),
        ("Les pirates ont utilisé les identifiants d'un salarié pour entrer.", "data_leaked", set()),
        ("Les mots de passe de 3 000 clients ont été dérobés.", "data_leaked", {"credentials"}),
        ("Après la cyberattaque, les factures d'eau sont suspendues.", "data_leaked", set()),
        ("Des factures de clients ont été publiées sur le darknet.", "data_leaked", {"financial_documents"}),
        ("Le réseau de bus a été touché par la cyberattaque.", "systems", set()),
        ("Le réseau informatique du club a été touché.", "systems", {"information_system"}),
        ("Tous les fichiers étaient chiffrés après l'attaque.", "systems", set()),
        ("Le fichier des adhérents a été copié lors de l'attaque.", "systems", {"database"}),
        ("Une capture d'écran de la page piratée circule.", "systems", set()),
        ("Le Ministère public du canton a ouvert une procédure.", "authorities", {"PARQUET"}),
        ("La Sûreté du Québec a ouvert une enquête.", "authorities", {"POLICE"}),
        ("Le musée est placé sous la tutelle du ministère de la Culture.", "authorities", set()),
        ("Le ministère de la Culture a publié son budget pour 2025.", "authorities", set()),
        (
            "Un bénévole a cliqué sur un lien prétendument envoyé par l'hébergeur.",
            "attack_types",
            {"phishing"},
        ),
        (
            "Les pirates ont écrit aux donateurs pour les escroquer avec un faux IBAN.",
            "attack_types",
            {"fraud"},
        ),
        (
            "La cyberattaque a chiffré le logiciel de planification des blocs opératoires.",
            "systems",
            {"business_software"},
        ),
        ("Après le piratage, l'espace locataire a été fermé par précaution.", "systems", {"online_platform"}),
        (
            "Des pirates ont pris la main sur la télégestion des réservoirs.",
            "systems",
            {"industrial"},
        ),
        ("Un courriel piégé a été ouvert par une secrétaire de la mairie.", "attack_types", {"phishing"}),
        ("Une vague de sextorsion par courriel vise les lycéens de Brive.", "attack_types", {"fraud"}),
    ],
)
def test_vocabulary_ids(run_blank, text, label, expected):
    assert ids(run_blank(text), label) == expected


@pytest.mark.parametrize(
    "text",
    [
        "La caisse ne demande jamais vos coordonnées bancaires ni votre numéro de sécurité sociale par SMS.",
        "Le faux message vise à récupérer les identifiants et les coordonnées bancaires des victimes.",
    ],
)
def test_data_an_impostor_asks_for_is_not_leaked(run_blank, text):
    doc = run_blank(text)
    assert ids(doc, "data_leaked", "confirmed") == set()


@pytest.mark.parametrize(
    "text",
    [
        "La plateforme a été mise en maintenance afin d'éviter toute fuite de données.",
        "Par précaution, les serveurs ont été coupés pour empêcher une intrusion.",
    ],
)
def test_what_a_precaution_prevents_did_not_happen(run_blank, text):
    doc = run_blank(text)
    assert ids(doc, "attack_types", "confirmed") == set()


@pytest.mark.parametrize(
    ("text", "actors"),
    [
        ("Le logiciel gère l'agenda médical et la messagerie.", set()),
        ("L'attaque est revendiquée par le groupe Agenda, aussi connu sous le nom de Qilin.", {"Qilin"}),
    ],
)
def test_actor_names_that_are_common_words_need_a_qualifier(run_blank, text, actors):
    doc = run_blank(text)
    found = {s.id_ for s in doc.spans["ie_terms"] if s.label_ == "threat_actors"}
    assert {f.split(".")[1].capitalize() for f in found} == actors


@pytest.mark.parametrize(
    ("text", "insurance"),
    [
        ("Les données de 40 000 assurés ont fuité.", True),
        ("Les assurées de la caisse ont reçu un courrier.", True),
        ("Le groupe a assuré que les données étaient intactes.", False),
    ],
)
def test_insured_people_not_the_verb_assurer(run_blank, text, insurance):
    doc = run_blank(text)
    found = {s.id_ for s in doc.spans["ie_terms"] if s.label_ == "sectors"}
    assert ("sector.assurance" in found) is insurance


def test_acronym_keeps_its_case(run_blank):
    doc = run_blank("Cette fuite concerne des patients âgés de 10 ans et plus.")
    assert ids(doc, "authorities") == set()


@pytest.mark.parametrize(
    ("text", "label", "value"),
    [
        ("Aucune donnée bancaire n'est concernée, assure la direction.", "data_leaked", "bank_details"),
        ("Les coordonnées bancaires ne sont pas concernées par la fuite.", "data_leaked", "bank_details"),
        ("Il ne s'agit pas d'un rançongiciel, précise le directeur.", "attack_types", "ransomware"),
        ("Les sauvegardes sont restées intactes.", "systems", "backups"),
        ("Le site internet n'a pas été touché par l'attaque.", "systems", "website"),
        ("En aucun cas des données de santé n'ont été exposées.", "data_leaked", "health_data"),
        (
            "Les fichiers clients ont fuité, mais les mots de passe n'étaient pas inclus.",
            "data_leaked",
            "credentials",
        ),
    ],
)
def test_denied_items_are_negated(run_blank, text, label, value):
    assert value in ids(run_blank(text), label, status="negated")


@pytest.mark.parametrize(
    ("text", "label", "value", "status"),
    [
        (
            "Les noms et adresses des patients pourraient avoir été dérobés.",
            "data_leaked",
            "name",
            "possible",
        ),
        (
            "Selon la direction, les numéros de sécurité sociale auraient fuité.",
            "data_leaked",
            "social_security_number",
            "possible",
        ),
        (
            "L'attaque au rançongiciel a été revendiquée par un groupe criminel.",
            "attack_types",
            "ransomware",
            "claimed",
        ),
        (
            "Les noms et prénoms des assurés ont été dérobés lors de l'attaque.",
            "data_leaked",
            "name",
            "confirmed",
        ),
        (
            "Un exercice simulant un piratage a été organisé à la préfecture.",
            "attack_types",
            "intrusion",
            "exercise",
        ),
        (
            "Un piratage sans précédent a paralysé les serveurs.",
            "attack_types",
            "intrusion",
            "confirmed",
        ),
    ],
)
def test_assertion_status(run_blank, text, label, value, status):
    assert value in ids(run_blank(text), label, status=status)


def test_negation_scope_stops_at_the_clause(run_blank):
    doc = run_blank("Aucune donnée bancaire n'a été volée, mais les adresses postales ont été dérobées.")
    assert ids(doc, "data_leaked", "negated") == {"bank_details"}
    assert "address" in ids(doc, "data_leaked", "confirmed")


@pytest.mark.parametrize(
    ("text", "label", "value"),
    [
        (
            "Les clients risquent désormais d'être visés par des campagnes d'hameçonnage.",
            "attack_types",
            "phishing",
        ),
        ("Les usagers sont invités à la vigilance face aux faux SMS.", "attack_types", "phishing"),
        (
            "Après la fuite de données, il est recommandé de modifier son mot de passe.",
            "data_leaked",
            "credentials",
        ),
        ("On ignore en revanche s'il y a eu un vol de données.", "attack_types", "data_theft"),
        ("Les clients sont désormais exposés à des tentatives d'arnaque.", "attack_types", "fraud"),
        # a general statement explains; it reports nothing about this incident
        (
            "Dans le cas d'une attaque par déni de service, il est rarement question de vol de données.",
            "attack_types",
            "data_theft",
        ),
        ("En général, un rançongiciel chiffre les fichiers du serveur.", "attack_types", "ransomware"),
    ],
)
def test_future_risks_and_advice_are_hypothetical(run_blank, text, label, value):
    assert value in ids(run_blank(text), label, status="hypothetical")


def test_negation_after_a_list_reaches_every_listed_item(run_blank):
    doc = run_blank(
        "La Cnil précise que les informations bancaires, les dossiers médicaux, ainsi que les numéros de "
        "sécurité sociale ne sont pas concernés."
    )
    assert {"bank_details", "health_data", "social_security_number"} <= ids(doc, "data_leaked", "negated")


def test_a_verb_between_keeps_the_first_items_affirmed(run_blank):
    doc = run_blank("Les noms et adresses ont été dérobés, les coordonnées bancaires ne sont pas concernées.")
    assert "name" in ids(doc, "data_leaked", "confirmed")
    assert "bank_details" in ids(doc, "data_leaked", "negated")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Les informations ont été récupérées depuis un compte utilisateur usurpé.", True),
        ("La messagerie du club a été piratée en interne.", True),
        ("Le club compte 12 000 licenciés et une messagerie interne très utilisée.", False),
    ],
)
def test_account_takeover_needs_a_nearby_compromise(run_blank, text, expected):
    doc = run_blank(text)
    found = any(s.id_ == "account_takeover.compte_compromis" for s in doc.spans["ie_terms"])
    assert found is expected


@pytest.mark.parametrize(
    ("text", "label", "value"),
    [
        ("Les rançongiciels visent les hôpitaux.", "attack_types", "ransomware"),
        ("La clinique a été piratée.", "attack_types", "intrusion"),
        ("Les dossiers de la mairie ont été encryptés par les pirates.", "attack_types", "ransomware"),
        ("Les sauvegardes ont été chiffrées.", "systems", "backups"),
    ],
)
def test_one_word_prefixes_cover_inflections(run_blank, text, label, value):
    assert value in ids(run_blank(text), label)


def test_a_risk_named_after_an_item_leaves_the_item_affirmed(run_blank):
    doc = run_blank("La fuite de données touche des clients, désormais exposés à des tentatives d'arnaque.")
    assert ids(doc, "attack_types", "confirmed") == {"data_theft"}
    assert ids(doc, "attack_types", "hypothetical") == {"fraud"}


def test_identity_usurpation_is_not_fraud_by_itself(run_blank):
    doc = run_blank("Les pirates ont eu recours à l'usurpation d'identité d'un médecin pour se connecter.")
    assert "fraud" not in ids(doc, "attack_types")


def record_systems(doc):
    return {item.category for incident in doc._.ie_incidents for item in incident.systems}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a denied attack denies the system it was on
        (
            "La mairie de Lunel a été victime d'une cyberattaque. Aucune preuve n'indique une intrusion dans "
            "l'infrastructure informatique, précise la mairie.",
            set(),
        ),
        # an explanation of how such attacks work is not this attack
        (
            "La mairie de Lunel a été victime d'une cyberattaque. Ce type d'attaque consiste à saturer le serveur.",
            set(),
        ),
        # the name of an offence
        (
            "La mairie de Lunel a été piratée. Une enquête est ouverte pour entrave au fonctionnement d'un "
            "système de traitement automatisé de données.",
            set(),
        ),
        # a volume of stolen data, not a file server
        ("La mairie de Lunel a été piratée. Les pirates menacent de publier 30 Go de fichiers.", set()),
        # backups used to restart are not hit; encrypted ones are
        ("La mairie de Lunel a été piratée. Elle utilise ses sauvegardes pour redémarrer.", set()),
        ("La mairie de Lunel a été piratée. Même les sauvegardes ont été chiffrées.", {"backups"}),
        (
            "La mairie de Lunel a été piratée. Les serveurs de la mairie sont à l'arrêt.",
            {"information_system"},
        ),
        # impact told by what no longer works
        (
            "La mairie de Lunel a été piratée. Les agents ne pouvaient plus accéder à leurs ordinateurs.",
            {"workstations"},
        ),
        (
            "La mairie de Lunel a été piratée, bloquant la gestion des stocks et les caisses.",
            {"business_software", "payment"},
        ),
        # the spec puts computerised patient records under database
        (
            "La clinique des Tilleuls a été piratée : le dossier patient informatisé est inaccessible.",
            {"database"},
        ),
        # a paywall line is no impact
        ("La mairie de Lunel a été piratée. Accédez à nos articles sur l'application mobile.", set()),
    ],
)
def test_systems_hit_not_merely_mentioned(run_blank, text, expected):
    assert record_systems(run_blank(text, "2024-03-01")) == expected


@pytest.mark.parametrize(
    ("text", "field", "expected"),
    [
        (
            "Les données de la clinique des Tilleuls sont proposées à la vente. Un échantillon mis en ligne contient "
            "des noms et des numéros de téléphone.",
            "data_leaked",
            {"name", "phone"},
        ),
        (
            "La clinique des Tilleuls a été piratée. Le pirate affirme avoir extrait la base de données du logiciel.",
            "systems",
            {"database"},
        ),
    ],
)
def test_data_and_systems_named_with_the_words_of_a_leak(run_blank, text, field, expected):
    doc = run_blank(text, "2024-03-01")
    (incident,) = doc._.ie_incidents
    items = incident.data_leaked if field == "data_leaked" else incident.systems
    assert {getattr(item, "id", None) or item.category for item in items} == expected


def test_the_hijacked_mailbox_is_an_account_takeover_not_an_intrusion(run_blank):
    doc = run_blank("L'association Toit Commun a été victime d'un piratage de sa messagerie.", "2024-03-01")
    (incident,) = doc._.ie_incidents
    assert {a.id for a in incident.attack_types} == {"account_takeover"}


@pytest.mark.parametrize(
    "text",
    [
        "La mairie de Sélonne a été piratée : ses fichiers ont été volés par un groupe répondant au nom de Nox Team.",
        "La mairie de Sélonne a été piratée. Un escroc appelle les habitants par téléphone pour leur soutirer "
        "des informations.",
        "La mairie de Sélonne a été piratée : ses fichiers ont été volés et le téléphone sonne dans le vide.",
    ],
)
def test_a_name_or_a_phone_that_is_no_leaked_data(blank_nlp, run_blank, text):
    with blank_nlp.select_pipes(disable=["incident_extract_term_filter"]):
        assert ids(run_blank(text, "2024-03-01"), "data_leaked") & {"name", "phone"}  # the word is there…
    doc = run_blank(text, "2024-03-01")
    assert not ids(doc, "data_leaked") & {"name", "phone"}  # …the filter drops it for every component…
    (incident,) = doc._.ie_incidents
    assert not {item.id for item in incident.data_leaked} & {"name", "phone"}  # …and the record


def test_a_denial_before_a_list_reaches_every_item(run_blank):
    doc = run_blank(
        "En aucun cas des données de type IBAN, références bancaires, numéro de téléphone ou encore "
        "des données de santé n'ont été exposées."
    )
    assert {"bank_details", "phone", "health_data"} <= ids(doc, "data_leaked", "negated")
    assert not ids(doc, "data_leaked", "confirmed")


def test_a_denied_item_then_a_clause_keeps_the_next_items_affirmed(run_blank):
    doc = run_blank("Aucune donnée bancaire n'est concernée, mais les noms et adresses ont été dérobés.")
    assert "bank_details" in ids(doc, "data_leaked", "negated")
    assert {"name", "address"} <= ids(doc, "data_leaked", "confirmed")


def test_a_bulleted_list_takes_its_context_from_the_line_that_introduces_it(run_blank):
    doc = run_blank(
        "La mutuelle Verchamps Santé a été victime d'une cyberattaque.\n"
        "Les données dérobées sont les suivantes :\n"
        "- Nom et prénom\n"
        "- Date de naissance\n"
        "- Numéro de sécurité sociale\n"
    )
    data = {d.id for incident in doc._.ie_incidents for d in incident.data_leaked}
    assert {"name", "birth_date", "social_security_number"} <= data


def test_a_term_whose_context_fails_is_gone_for_every_later_component(run_blank):
    # « Advens » is in responders.yaml, a responder only in a response sentence (« a fait appel à »)
    doc = run_blank("L'éditeur Advens a été victime d'une cyberattaque.", "2024-03-01")
    assert "responders" not in {s.label_ for s in doc.spans["ie_terms"]}
    assert "responders" in {s.label_ for s in doc.spans["ie_terms_all"]}  # the ruler found it
    (incident,) = doc._.ie_incidents
    assert [v.name for v in incident.victims] == ["Advens"]  # no longer blocked as a responder
    assert incident.responders == []


def test_a_term_whose_context_holds_stays(run_blank):
    doc = run_blank("La mutuelle Verchamps a été piratée. Elle a fait appel au cabinet Lexfo pour l'enquête.")
    assert {s.text for s in doc.spans["ie_terms"] if s.label_ == "responders"} == {"Lexfo"}


def test_words_just_before_a_term_exclude_it(run_blank):
    # systems.yaml: « 30 Go de fichiers » is a volume of stolen data, not a file server
    doc = run_blank("La mairie de Lunel a été piratée : les pirates menacent de publier 30 Go de fichiers.")
    assert ids(doc, "systems") == set()


def test_the_filter_runs_right_after_the_term_ruler(blank_nlp):
    names = blank_nlp.pipe_names
    assert names.index("incident_extract_term_filter") == names.index("incident_extract_prefix_terms") + 1
    assert names.index("incident_extract_term_filter") < names.index("incident_extract_victims")


def test_an_impact_term_out_of_context_is_filtered_but_kept_among_all_terms(blank_nlp):
    # « Les sauvegardes ont permis de repartir »: backups named, not hit (systems.yaml context);
    # the victims and the locations still read the word under ie_terms_all
    doc = blank_nlp("Les sauvegardes ont permis de repartir.")
    assert "systems" not in {s.label_ for s in doc.spans["ie_terms"]}
    assert "systems" in {s.label_ for s in doc.spans["ie_terms_all"]}


def test_one_word_acronyms_keep_their_case_without_ruler_patterns(blank_nlp):
    ruler = blank_nlp.get_pipe("incident_extract_terms")
    one_token = [p for p in ruler.patterns if isinstance(p["pattern"], list) and len(p["pattern"]) == 1]
    assert one_token == []  # looked up by the word component instead: the Matcher stays small
    doc = blank_nlp("L'ANSSI et la Cnil ont été prévenues ; depuis dix ans, la mairie note les incidents.")
    found = {(s.text, s.label_) for s in doc.spans["ie_terms_all"]}
    assert {("ANSSI", "authorities"), ("Cnil", "authorities")} <= found
    assert not any(text == "ans" for text, _ in found)


def test_a_list_under_a_heading_that_says_the_data_was_copied(run_blank):
    doc = run_blank(
        "Le cabinet comptable Fidalys a subi une intrusion la semaine dernière.\n"
        "Ce qui a été copié\n"
        "La liste : nom, date de naissance et adresse postale des clients."
    )
    data = {d.id for incident in doc._.ie_incidents for d in incident.data_leaked}
    assert {"name", "birth_date", "address"} <= data
