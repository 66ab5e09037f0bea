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
