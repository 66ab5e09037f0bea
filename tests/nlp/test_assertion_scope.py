"""Rule changes made while the components were being moved (issue 11): scope of cues, new terms."""

from tests.nlp.test_terms import ids


def test_advice_to_the_members_in_a_relative_clause_leaves_the_attacked_system_a_fact(run_blank):
    doc = run_blank(
        "L'association a subi une intrusion dans son système informatique, touchant ses adhérents, "
        "à qui elle conseille de changer leur mot de passe."
    )
    assert "information_system" in ids(doc, "systems", "confirmed")
    assert "credentials" in ids(doc, "data_leaked", "hypothetical")


def test_darknet_is_a_place_data_are_sold_like_the_dark_web(run_blank):
    doc = run_blank("Sur le darknet, des pirates proposent les adresses et les noms des abonnés du club.")
    assert "data_theft" in ids(doc, "attack_types")
