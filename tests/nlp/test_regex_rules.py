"""Regex rule files: fragments expand, ids are checked, the matching cue is named."""

import pytest

from incident_extract.errors import RulesError
from incident_extract.nlp.regex_rules import load_regex_rules

GOOD = """
description: indices de test
fragments:
  aux_etre: "(?:est|a\\\\s+ete)"
  passive: "{aux_etre}\\\\s+(?:piratee?|ciblee?)"
cues:
  - id: right.passive
    side: right
    pattern: "^\\\\s*{passive}"
    description: « La mairie a été piratée »
  - id: right.victime
    side: right
    pattern: "^\\\\s*,?\\\\s*victime d"
    window: 60
    description: « La clinique, victime d'une attaque »
  - id: left.chez
    side: left
    pattern: "chez\\\\s*$"
    description: « une intrusion chez X »
lists:
  articles:
    description: articles qui ne sont jamais un nom
    words: [le, la, les]
"""


def write_rules(tmp_path, text, name="test_cues"):
    (tmp_path / f"{name}.yaml").write_text(text, encoding="utf-8")
    return str(tmp_path)


def test_fragments_expand_and_the_first_matching_cue_is_named(tmp_path):
    rules = load_regex_rules("test_cues", write_rules(tmp_path, GOOD))
    cue_id, match = rules.first_match("right", " a ete piratee samedi")
    assert cue_id == "right.passive" and match.group(0).strip() == "a ete piratee"
    assert rules.first_match("right", ", victime d'un rancongiciel")[0] == "right.victime"
    assert rules.first_match("right", " a porte plainte") is None
    assert rules.first_match("left", "une intrusion chez ")[0] == "left.chez"
    assert rules.cues["right.victime"].window == 60
    assert rules.words("articles") == {"le", "la", "les"}


def test_quantifiers_are_not_fragment_names(tmp_path):
    text = GOOD.replace('"chez\\\\s*$"', '"(?:\\\\w+\\\\s+){0,2}chez\\\\s*$"')
    rules = load_regex_rules("test_cues", write_rules(tmp_path, text))
    assert rules.first_match("left", "une intrusion massive chez ")[0] == "left.chez"


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (('"^\\\\s*{passive}"', '"^\\\\s*{passif}"'), "unknown fragment {passif}"),
        (('"{aux_etre}\\\\s+', '"{passive}\\\\s+'), "fragment cycle"),
        (('"chez\\\\s*$"', '"chez(\\\\s*$"'), "'left.chez' is not a valid regular expression"),
        (("window: 60", "fenetre: 60"), "Extra inputs are not permitted"),
        (("id: left.chez", "id: right.passive"), "duplicate cue ids"),
    ],
)
def test_bad_rule_files_are_refused_with_the_cue_named(tmp_path, change, message):
    with pytest.raises(RulesError, match=message):
        load_regex_rules("test_cues", write_rules(tmp_path, GOOD.replace(*change)))
