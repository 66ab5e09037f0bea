"""Attackers and responders the vocabularies do not list, found by how the press introduces them."""

import pytest


def found(doc, label):
    return [s.text for s in doc.spans["ie_actors"] if s.label_ == label]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "L'attaque a été revendiquée sur Telegram par Bear Brigade, un collectif de hackers prorusses.",
            ["Bear Brigade"],
        ),
        ("Les données ont été publiées par un groupe se faisant appeler Night Owl.", ["Night Owl"]),
        ("La page affichait un message signé d'un pseudonyme, « Z3r0Cool ».", ["Z3r0Cool"]),
        ("Le groupe de hackers Cyber Wolves a revendiqué l'attaque.", ["Cyber Wolves"]),
        ("Dans la soirée, le groupe Orcus Locker a revendiqué l'attaque sur son site.", ["Orcus Locker"]),
        (
            "Les attaquants, qui se présentent sous le nom de Vortex Syndicate, ont publié les fichiers.",
            ["Vortex Syndicate"],
        ),
        ("Le vendeur, qui se fait appeler « Kr0nos » sur un forum, réclame 3 000 dollars.", ["Kr0nos"]),
        ("Cette vague d'attaques est signée Kr4ken77, un groupe de hackers prorusses.", ["Kr4ken77"]),
        ("BlueViper, un collectif de pirates, menace de publier les fichiers.", ["BlueViper"]),
        ("Le site affichait « HACKED BY Sp3ctr3 et Dark_Lynx » en rouge.", ["Sp3ctr3", "Dark_Lynx"]),
        ("Heureusement, le groupe pro-russe n'a rien publié.", []),
        ("Le contrat a été signé lundi par la mairie.", []),
        ("L'attaque n'a pas été revendiquée par ses auteurs.", []),
        ("Le groupe Dupont a racheté un concurrent.", []),
    ],
)
def test_attackers_by_how_they_are_introduced(run_blank, text, expected):
    assert found(run_blank(text), "threat_actors") == expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "La mairie a fait appel au cabinet de réponse à incident Argos Cyber pour reconstruire ses serveurs.",
            ["Argos Cyber"],
        ),
        ("La société nantaise Vigie Sécurité accompagne l'hôpital dans la remédiation.", ["Vigie Sécurité"]),
        (
            "Le spécialiste lyonnais Cortex Forensics a été mandaté pour analyser l'attaque.",
            ["Cortex Forensics"],
        ),
        # a firm named without a helping verb, and the supplier through which the attack came
        ("La société Garnier Logistique emploie 300 salariés.", []),
        ("Les pirates sont entrés par le prestataire Infogest, dont les accès ont été volés.", []),
    ],
)
def test_responders_named_by_their_trade_and_help(run_blank, text, expected):
    assert found(run_blank(text), "responders") == expected


@pytest.mark.parametrize(
    ("text", "rules"),
    [
        (
            "Le site affichait « HACKED BY Sp3ctr3 et Dark_Lynx » en rouge.",
            ["actors.hacked_by", "actors.hacked_by_second"],
        ),
        ("Le groupe de hackers Cyber Wolves a revendiqué l'attaque.", ["actors.groupe_de_hackers"]),
        (
            "La société nantaise Vigie Sécurité accompagne l'hôpital dans la remédiation.",
            ["responders.firm_noun"],
        ),
    ],
)
def test_each_name_records_the_id_of_the_pattern_that_found_it(blank_nlp, text, rules):
    # the actors component alone: the victims component, later, may write ie_rule on a candidate
    # span with the same bounds and label (« Dark_Lynx »), which shares the actor span's attributes
    with blank_nlp.select_pipes(enable=["sentencizer", "incident_extract_actors"]):
        doc = blank_nlp(text)
    assert [s._.ie_rule for s in doc.spans["ie_actors"]] == rules


def test_every_actor_pattern_is_rule_data_with_a_french_example():
    from incident_extract.nlp.regex_rules import load_regex_rules

    patterns = load_regex_rules("actor_patterns")
    assert len(patterns.on_side("text", "actors.")) >= 10
    assert all("«" in cue.description for cue in patterns.cues.values())
