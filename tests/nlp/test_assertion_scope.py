"""Rule changes made while the components were being moved (issue 11): scope of cues, new terms."""

from tests.nlp.test_terms import ids


def test_advice_to_the_members_in_a_relative_clause_leaves_the_attacked_system_a_fact(run_blank):
    doc = run_blank(
        "L'association a subi une cyberattaque dans son système informatique, touchant ses adhérents, "
        "à qui elle conseille de changer leur mot de passe."
    )
    assert "information_system" in ids(doc, "systems", "confirmed")
    assert "credentials" in ids(doc, "data_leaked", "hypothetical")


def test_darknet_is_a_place_data_are_sold_like_the_dark_web(run_blank):
    doc = run_blank("Sur le darknet, des pirates proposent les adresses et les noms des abonnés du club.")
    assert "data_theft" in ids(doc, "attack_types")


def test_the_purpose_of_a_measure_is_hypothetical_but_the_measure_is_a_fact(run_blank):
    doc = run_blank(
        "Par précaution, le portail a été mis en maintenance afin d'éviter toute fuite de données des usagers."
    )
    assert "online_platform" in ids(doc, "systems", "confirmed")
    assert "data_theft" in ids(doc, "attack_types", "hypothetical")


def test_a_platform_put_in_maintenance_is_a_system_hit(run_blank):
    doc = run_blank(
        "La mairie de Verchamps a été visée par une cyberattaque. "
        "Sa plateforme de réservation reste en maintenance depuis lundi."
    )
    systems = {s.category for incident in doc._.ie_incidents for s in incident.systems}
    assert "online_platform" in systems


def _incident_attack_types(doc) -> set[str]:
    return {a.id for incident in doc._.ie_incidents for a in incident.attack_types}


def test_a_hackers_message_shown_on_the_home_page_is_a_defacement(run_blank):
    doc = run_blank(
        "Le site du club de Verchamps a été piraté. Dimanche soir, un texte signé par les pirates "
        "s'affichait sur la page d'accueil."
    )
    assert "defacement" in _incident_attack_types(doc)


def test_the_town_halls_own_notice_on_its_site_is_no_defacement(run_blank):
    doc = run_blank(
        "La mairie de Verchamps a subi une cyberattaque. Un message affiché sur son site invite les "
        "habitants à se rendre au guichet."
    )
    assert "defacement" not in _incident_attack_types(doc)


def test_a_breach_at_our_provider_is_a_supply_chain_attack(run_blank):
    doc = run_blank(
        "La fuite provient d'une faille de sécurité chez notre prestataire chargé des inscriptions."
    )
    assert "supply_chain" in ids(doc, "attack_types")


def _incident_data(doc) -> set[str]:
    return {d.id for incident in doc._.ie_incidents for d in incident.data_leaked}


def test_an_email_and_postal_address_are_two_categories(run_blank):
    doc = run_blank(
        "La boutique Verchamps Mode a été piratée : les noms, adresses mail et postales de ses clients "
        "ont été dérobés."
    )
    assert {"email", "address", "name"} <= _incident_data(doc)


def test_the_swiss_and_quebec_social_security_numbers(run_blank):
    doc = run_blank(
        "La caisse de pension de Verchamps a été piratée : les numéros AVS de ses assurés ont été volés, "
        "comme les numéros d'assurance sociale de ses retraités au Québec."
    )
    assert "social_security_number" in _incident_data(doc)


def _incident_sectors(doc) -> set[str]:
    return {s.id for incident in doc._.ie_incidents for s in incident.sectors}


def test_a_shipping_company_hit_is_in_transport(run_blank):
    doc = run_blank(
        "L'armateur Verchamps Lines a été visé par une cyberattaque qui a bloqué ses réservations."
    )
    assert "transport" in _incident_sectors(doc)


def test_a_news_channel_hit_is_in_media(run_blank):
    doc = run_blank("La chaîne d'information Verchamps Info a été victime d'un rançongiciel ce week-end.")
    assert "media" in _incident_sectors(doc)


def test_the_address_of_a_site_or_of_a_bitcoin_wallet_is_no_postal_address(run_blank):
    doc = run_blank(
        "Le compte de la mairie de Verchamps a été piraté : des messages invitaient à envoyer des bitcoins "
        "à des adresses spécifiques, puis l'adresse du site a changé."
    )
    assert "address" not in _incident_data(doc)


def test_what_is_not_yet_clear_is_not_a_fact(run_blank):
    doc = run_blank("Il n'est pas encore clair s'il s'agit d'un rançongiciel.")
    assert "ransomware" in ids(doc, "attack_types", "hypothetical")
    doc = run_blank("On ignore encore s'il y a eu un vol de données.")
    assert "data_theft" in ids(doc, "attack_types", "hypothetical")


def test_a_denial_reaches_the_second_verb_of_a_pair(run_blank):
    doc = run_blank("La société assure qu'aucune donnée de ses clients n'a été compromise ou exfiltrée.")
    assert "data_theft" in ids(doc, "attack_types", "negated")
