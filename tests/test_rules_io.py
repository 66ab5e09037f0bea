from importlib import resources

import pytest
import spacy

from incident_extract.errors import RulesError
from incident_extract.rules_io import (
    ALLOWED_VALUES,
    DependencyRuleFile,
    VocabularyFile,
    load_dependency_rules,
    load_vocabulary,
    ruler_patterns,
    term_to_pattern,
)

RULE_FILES = sorted(
    p.name.removesuffix(".yaml")
    for p in (resources.files("incident_extract") / "rules").iterdir()
    if p.name.endswith(".yaml")
)


NOT_VOCABULARIES = ["victim_roles"]  # DependencyMatcher patterns
NOT_VOCABULARIES += ["victim_cues", "stoplists", "terms", "locations", "names"]  # regex rule files
NOT_VOCABULARIES += ["actor_patterns", "assertion_cues", "count_cues", "date_cues"]
RULE_FILES = [name for name in RULE_FILES if name not in NOT_VOCABULARIES]


def test_every_shipped_file_is_known():
    assert set(RULE_FILES) == set(ALLOWED_VALUES)


def test_dependency_rules_are_valid_matcher_patterns():
    from spacy.matcher import DependencyMatcher

    matcher = DependencyMatcher(spacy.blank("fr").vocab, validate=True)
    rules = load_dependency_rules().patterns
    for rule in rules:
        matcher.add(rule.id, [list(rule.pattern)])  # raises on a malformed pattern
    assert len(matcher) == len(rules) >= 5


def test_dependency_rule_needs_a_victim_node():
    with pytest.raises(ValueError, match="no node named 'victim'"):
        DependencyRuleFile.model_validate(
            {
                "field": "victim_roles",
                "patterns": [
                    {
                        "id": "r.x",
                        "description": "d",
                        "pattern": [{"RIGHT_ID": "verb", "RIGHT_ATTRS": {"LOWER": "a"}}],
                    }
                ],
            }
        )


@pytest.mark.parametrize("name", RULE_FILES)
def test_shipped_rule_file_is_valid(name):
    vocabulary = load_vocabulary(name)
    assert vocabulary.field == name
    assert len({e.id for e in vocabulary.entries}) == len(vocabulary.entries)


def test_unknown_key_is_rejected():
    with pytest.raises(ValueError, match="Extra inputs are not permitted"):
        VocabularyFile.model_validate(
            {"field": "attack_types", "entries": [{"id": "a.b", "value": "ddos", "terms": ["x"], "typo": 1}]}
        )


def test_value_outside_the_vocabulary_is_rejected():
    with pytest.raises(ValueError, match="not in the attack_types vocabulary"):
        VocabularyFile.model_validate(
            {"field": "attack_types", "entries": [{"id": "a.b", "value": "virus", "terms": ["x"]}]}
        )


def test_duplicate_ids_are_rejected():
    entry = {"id": "a.b", "value": "ddos", "terms": ["x"]}
    with pytest.raises(ValueError, match="duplicate id"):
        VocabularyFile.model_validate({"field": "attack_types", "entries": [entry, entry]})


def test_missing_rule_file_is_a_rules_error():
    with pytest.raises(RulesError, match="no rule file"):
        load_vocabulary("nope")


@pytest.mark.parametrize(
    ("term", "pattern"),
    [
        ("rançongiciel*", [{"LOWER": {"REGEX": "^rançongiciel"}}]),
        ("ARS", [{"ORTH": {"IN": ["ARS", "Ars"]}}]),
        ("fuite de données", [{"LOWER": "fuite"}, {"LOWER": "de"}, {"LOWER": "données"}]),
    ],
)
def test_term_syntax(term, pattern):
    assert term_to_pattern(term, spacy.blank("fr").tokenizer) == pattern


def test_all_patterns_pass_spacy_validation():
    nlp = spacy.blank("fr")
    ruler = nlp.add_pipe("span_ruler", config={"validate": True})
    ruler.add_patterns(ruler_patterns(nlp.tokenizer))  # raises MatchPatternError on a bad pattern
    assert len(ruler.patterns) > 500
