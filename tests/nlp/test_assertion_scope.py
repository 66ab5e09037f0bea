"""Where a modality cue stops: rule changes made while the assertion component was being moved."""

from tests.nlp.test_terms import ids


def test_advice_to_the_members_in_a_relative_clause_leaves_the_attacked_system_a_fact(run_blank):
    doc = run_blank(
        "L'association a subi une intrusion dans son système informatique, touchant ses adhérents, "
        "à qui elle conseille de changer leur mot de passe."
    )
    assert "information_system" in ids(doc, "systems", "confirmed")
    assert "credentials" in ids(doc, "data_leaked", "hypothetical")
