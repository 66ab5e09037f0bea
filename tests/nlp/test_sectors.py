"""Sectors on the blank pipeline: from the victim's noun, the words next to it, or the lead."""

import pytest


def sectors(run_blank, text: str) -> list[tuple[str, str]]:
    doc = run_blank(text, "2024-03-01")
    return [(span.label_, span.id_) for span in doc.spans["ie_sectors"]]


def test_the_victims_noun_tells_its_sector(run_blank):
    found = sectors(run_blank, "La mairie de Vernelle a été victime d'une cyberattaque.")
    assert [label for label, _ in found] == ["public_administration"]
    assert found[0][1].startswith("sectors.from_victim.")


def test_an_article_without_incident_has_no_sector(run_blank):
    assert sectors(run_blank, "La mairie de Vernelle organise un forum de l'emploi samedi.") == []


def test_the_record_takes_the_sectors_of_the_group(run_blank):
    doc = run_blank("La mairie de Vernelle a été victime d'une cyberattaque.", "2024-03-01")
    (incident,) = doc._.ie_incidents
    assert [(s.id, s.rule) for s in incident.sectors] == [
        (span.label_, span.id_) for span in doc.spans["ie_sectors"]
    ]


def test_a_sector_word_after_the_victim_counts_only_while_the_attack_is_told(run_blank):
    """« Le rançongiciel a paralysé la logistique » tells the victim's trade; « hors logistique » in a
    sentence on opening hours does not (only the weaker lead fallback may still read it)."""
    told = sectors(
        run_blank,
        "La société Vernier a été victime d'une cyberattaque. Le rançongiciel a paralysé sa logistique.",
    )
    assert ("transport", "sectors.sectors.sector.transport") in told
    untold = sectors(
        run_blank,
        "La société Vernier a été victime d'une cyberattaque. Les sites ferment le dimanche, hors logistique.",
    )
    assert not [rule for _, rule in untold if rule.startswith("sectors.sectors.")]


def test_the_words_of_an_organisations_noun_are_not_sector_words(run_blank):
    """« Chambre de commerce et d'industrie » is a public body, not retail and industry."""
    found = sectors(
        run_blank,
        "La Chambre de commerce et d'industrie de Vendelle a été piratée lundi.",
    )
    assert [label for label, _ in found] == ["public_administration"]


@pytest.mark.parametrize(
    ("text", "sector"),
    [
        ("La Régie des transports de l'agglomération de Brivelle a été piratée.", "transport"),
        ("La Caisse de prévoyance des enseignants a été victime d'un rançongiciel.", "insurance"),
        ("Le distributeur de gaz de la vallée de l'Orbe a été victime d'un rançongiciel.", "energy"),
        ("Les Fonderies de la Sambre ont été victimes d'un rançongiciel.", "industry"),
        ("La compagnie de ferries Azur Lignes a été victime d'un rançongiciel.", "transport"),
        ("L'entreprise de BTP Lacoste a été victime d'un rançongiciel.", "industry"),
    ],
)
def test_a_specific_organisation_noun_tells_the_trade(run_blank, text, sector):
    assert [label for label, _ in sectors(run_blank, text)][:1] == [sector]


def test_the_fallback_never_reads_the_medium_on_a_page_line(run_blank):
    """No victim tells its trade: the radio's name on the breadcrumb line is no sector of the victim."""
    text = (
        "Radio Vallée › Actualités › Économie\n"
        "Cyberattaque : plus aucune commande ne part depuis lundi\n"
        "Un rançongiciel a chiffré tous les serveurs dans la nuit de dimanche. Les quais restent vides."
    )
    assert "media" not in [label for label, _ in sectors(run_blank, text)]
