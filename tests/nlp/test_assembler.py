"""The assembler maps the span groups of the earlier components to records (blank pipeline)."""

import pytest

from incident_extract.nlp.names import acronym, distinct_victims, name_tokens, same_victim, without_article


def incident_of(run_blank, text: str):
    doc = run_blank(text, "2024-03-01")
    (incident,) = doc._.ie_incidents
    return incident


def test_an_article_that_reports_no_incident_has_no_record(run_blank):
    doc = run_blank("Comment se protéger des rançongiciels ? Voici nos conseils pour les entreprises.")
    assert doc._.ie_incidents == [] and doc._.ie_is_incident is False
    assert doc._.ie_incident_rule is None


def test_a_denied_item_goes_to_denied_with_the_negation_rule(run_blank):
    incident = incident_of(
        run_blank, "La mairie de Lunel a été piratée. Aucune donnée bancaire n'a été volée."
    )
    assert incident.data_leaked == []
    (denied,) = [d for d in incident.denied if d.field == "data_leaked"]
    assert denied.id == "bank_details"
    assert denied.rule.endswith("|assertion.negated")


def test_one_victim_per_name_and_its_acronym(run_blank):
    incident = incident_of(
        run_blank,
        "Le centre hospitalier de Cannes (CHC) a été victime d'un rançongiciel. Le CHC a porté plainte.",
    )
    assert [v.name for v in incident.victims] == ["centre hospitalier de Cannes"]


def test_an_attacker_name_keeps_its_version(run_blank):
    incident = incident_of(run_blank, "Le groupe Agrivert a été piraté par LockBit 3.0 samedi.")
    assert [a.name for a in incident.threat_actors] == ["LockBit 3.0"]
    assert [v.name for v in incident.victims] == ["Agrivert"]  # « le groupe » is no part of the name


def test_every_item_names_its_rule_and_its_sentence(run_blank):
    text = "La mairie de Lunel a été piratée samedi. Les serveurs de la mairie sont à l'arrêt."
    incident = incident_of(run_blank, text)
    items = [*incident.victims, *incident.attack_types, *incident.systems, *incident.sectors]
    assert items and all(item.rule for item in items)
    assert all(text[item.evidence.start : item.evidence.end] == item.evidence.text for item in items)


@pytest.mark.parametrize(
    ("name", "other", "same"),
    [
        ("Akka", "Akka Technologies", True),
        ("CHC", "Centre Hospitalier de Cannes", True),
        ("Lunel", "mairie de Vernelle", False),
    ],
)
def test_same_victim(name, other, same):
    assert same_victim(name_tokens(name), name, name_tokens(other), other) is same


def test_name_rules():
    assert without_article("la mairie de Lunel") == "mairie de Lunel"
    assert without_article("l'hôpital de Dax") == "hôpital de Dax"
    # the article is a whole word: a name that starts with its letters keeps them
    assert without_article("laboratoire morvandiau Biolys") == "laboratoire morvandiau Biolys"
    assert without_article("département de l'Yonne") == "département de l'Yonne"
    assert without_article("lecteurs de la médiathèque") == "lecteurs de la médiathèque"
    assert acronym("Centre hospitalier de Cannes (CHC)") == "CHC"
    assert name_tokens("Les Jardins des Aulnes") == {"jardins", "aulnes"}
    assert distinct_victims([]) == []


def test_a_ministry_hacked_is_the_victim_not_the_authority(run_blank):
    """« ministère » may name a victim (may_be_victim in authorities.yaml): then it is not its authority."""
    incident = incident_of(
        run_blank, "Le ministère des Sports a été piraté samedi. Le ministère a confirmé l'attaque."
    )
    assert [v.name for v in incident.victims] == ["ministère des Sports"]
    assert incident.authorities == []
    helped = incident_of(
        run_blank, "La mairie de Lunel a été piratée. Le ministère de l'Intérieur a dépêché une équipe."
    )
    assert [a.id for a in helped.authorities] == ["MINISTRY"]


def test_a_generic_piratage_yields_to_the_type_the_article_names(run_blank):
    """« piratage » is everyday French for any attack (yields_to in attack_types.yaml)."""
    defaced = incident_of(
        run_blank, "Le site de la mairie de Lunel a été piraté : sa page d'accueil a été défigurée."
    )
    assert [a.id for a in defaced.attack_types] == ["defacement"]
    hacked = incident_of(run_blank, "Le réseau informatique de la mairie de Lunel a été piraté samedi.")
    assert [a.id for a in hacked.attack_types] == ["intrusion"]
    explicit = incident_of(
        run_blank,
        "La mairie de Lunel a été victime d'un rançongiciel après une intrusion dans son réseau.",
    )
    assert {a.id for a in explicit.attack_types} == {"ransomware", "intrusion"}
