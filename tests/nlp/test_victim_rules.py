"""The victim cues and stop lists are data (rules/victim_cues.yaml, rules/stoplists.yaml): valid,
readable, carried by a saved pipeline, and named in each victim's rule."""

from __future__ import annotations

import pytest
import spacy

from incident_extract.errors import RulesError
from incident_extract.nlp.pipeline import blank_pipeline
from incident_extract.nlp.regex_rules import load_regex_rules
from incident_extract.nlp.victims import first_cue, victim_rules
from incident_extract.rules_io import fold, rule_file_text


def test_every_cue_says_what_it_finds_with_an_example():
    cues = load_regex_rules("victim_cues")
    assert len(cues.cues) >= 30
    for cue in cues.cues.values():
        assert "«" in cue.description and "»" in cue.description, cue.id


def test_folded_lists_are_written_folded():
    stoplists = load_regex_rules("stoplists")
    for name, words in stoplists.lists.items():
        if name in ("not_names", "stop_names", "slug_stop"):
            assert all(fold(word) == word for word in words), name
    assert "CHU" in stoplists.words("needs_complement") and "chu" not in stoplists.words("needs_complement")


def _context(text: str):
    return lambda window: fold(text if window is None else text[:window])


def _left_context(text: str):
    return lambda window: fold(text if window is None else text[-window:])


@pytest.mark.parametrize(
    ("following", "cue_id"),
    [
        (" a été piratée dans la nuit de samedi", "right.passive"),
        (", elle aussi touchée par l'attaque", "right.passive"),
        (" a subi une attaque informatique", "right.with_avoir"),
        (", victime d'un rançongiciel, a fermé ses guichets", "right.victim_noun"),
        (" a déposé plainte à la suite d'une cyberattaque", "event.after"),
        (" dit avoir été touchée par une intrusion", "event.hit_by"),
        (" a détecté mardi une intrusion dans ses serveurs", "detection.own_attack"),
        (" a elle aussi vu ses postes de travail chiffrés", "right.saw_own"),
        (", installée à Tulle, voit ses fichiers de clients dérobés", "right.saw_own"),
        (" a également été « impactée », confirme une salariée", "right.passive"),
        (" a prévenu ses adhérents qu'une partie de leurs informations avait été volée", "event.data_stolen"),
        (" a vu ses ventes progresser de 4 %", None),  # not an attack participle
        (" a publié ses résultats trimestriels", None),
        (" a frappé fort contre les contrefacteurs", None),  # active voice
    ],
)
def test_right_cues_name_the_role_that_follows(following, cue_id):
    rules = victim_rules()
    found = first_cue(rules.right_role, _context(following))
    if found is None:
        found = first_cue(rules.right_event, _context(following))
    assert found == cue_id


@pytest.mark.parametrize(
    ("preceding", "cue_id"),
    [
        ("La cyberattaque contre la ", "left.attack_on"),
        ("Rançongiciel au ", "left.attack_at"),
        ("Un virus a paralysé la ", "left.has_hit"),
        ("Les fichiers clients de la ", "left.belongings"),
        ("Les pirates s'en sont pris à la ", "left.attackers"),
        ("Ils s'en sont pris à la ", "left.s_en_prendre"),
        ("Le maire de la commune a inauguré la ", None),
    ],
)
def test_left_cues_name_the_role_that_precedes(preceding, cue_id):
    assert first_cue(victim_rules().left_role, _left_context(preceding)) == cue_id


@pytest.mark.parametrize(
    ("preceding", "cue_id"),
    [
        ("D'après le quotidien ", "not_victim.medium"),
        ("selon ", "not_victim.source"),
        ("L'enquête est menée avec l'aide de la ", "not_victim.helper"),
        ("L'attaque a été revendiquée par ", "not_victim.claimer"),
    ],
)
def test_a_source_a_helper_or_a_claimer_is_no_victim(preceding, cue_id):
    assert first_cue(victim_rules().not_victim_left, _left_context(preceding)) == cue_id


def test_an_unknown_fragment_is_refused_with_the_file_and_cue(tmp_path):
    text = rule_file_text("victim_cues").replace("^{role_lead}{role_passive}", "^{role_lead}{role_pasive}", 1)
    (tmp_path / "victim_cues.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(RulesError, match=r"victim_cues\.yaml.*'right\.passive'.*\{role_pasive\}"):
        load_regex_rules("victim_cues", str(tmp_path))


def test_a_victim_rule_names_the_cue_that_made_it_a_victim(blank_nlp):
    from incident_extract import extract_article

    record = extract_article(
        "La clinique Sainte-Odile a été piratée dans la nuit de dimanche.",
        published="2024-05-06",
        nlp=blank_nlp,
    )
    victims = [v for incident in record.incidents for v in incident.victims]
    assert [(v.name, v.rule) for v in victims] == [
        ("clinique Sainte-Odile", "victims.org.sante+cue:right.passive")
    ]


RANSOM = "La société Berthier a payé une rançon aux pirates."
NEW_CUE = """cues:
  - id: right.paid_ransom
    side: right
    window: 170
    description: >-
      « X a payé une rançon » : qui paie la rançon a été attaqué
    pattern: |-
      ^{role_lead}{aux_avoir}\\s+paye\\s+une\\s+rancon
"""


def _victim_rules_of(nlp, text: str) -> list[str]:
    doc = nlp(text)
    return [span._.ie_rule for span in doc.spans["ie_victims"]]


def test_a_saved_pipeline_keeps_its_own_victim_cues(tmp_path):
    nlp = blank_pipeline()
    assert _victim_rules_of(nlp, RANSOM) == [
        "victims.salience|victims.org.generique"
    ]  # no role: salience only
    nlp.to_disk(tmp_path / "pipeline")
    folder = tmp_path / "pipeline" / "incident_extract_victims"
    for name in ("victim_cues", "stoplists", "organisations", "victim_roles"):
        assert (folder / f"{name}.yaml").is_file()
    saved = folder / "victim_cues.yaml"
    # an analyst adds a cue to the saved copy: in that pipeline only, paying a ransom makes a victim
    saved.write_text(saved.read_text(encoding="utf-8").replace("cues:\n", NEW_CUE, 1), encoding="utf-8")
    reloaded = spacy.load(tmp_path / "pipeline")
    assert _victim_rules_of(reloaded, RANSOM) == ["victims.org.generique+cue:right.paid_ransom"]
    assert _victim_rules_of(nlp, RANSOM) == ["victims.salience|victims.org.generique"]
