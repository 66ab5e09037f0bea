"""The NER's entities cut where a name ends (``incident_extract_entity_bounds``)."""

import pytest
import spacy

from incident_extract.nlp.entity_bounds import EntityBounds


@pytest.fixture(scope="module")
def bounds():
    nlp = spacy.blank("fr")
    component = EntityBounds(nlp)
    component.initialize()
    return nlp, component


def mended(bounds, text: str, entity: str, label: str = "LOC") -> list[str]:
    nlp, component = bounds
    doc = nlp(text)
    start = text.index(entity)
    span = doc.char_span(start, start + len(entity), label=label)
    assert span is not None
    doc.ents = [span]
    return [e.text for e in component(doc).ents]


@pytest.mark.parametrize(
    ("text", "entity", "expected"),
    [
        ("Les supporters dimanche à Brest - @AgenceOuest", "Brest - @AgenceOuest", ["Brest"]),
        ("La FFX - Fédération française de xylophone - a porté plainte.", "FFX - Fédération", ["FFX"]),
        ("Le site de la Ligue de voile | piraté", "Ligue de voile |", ["Ligue de voile"]),
        (
            "La Fédération française de voile piratée lundi",
            "Fédération française de voile piratée",
            ["Fédération française de voile"],
        ),
        ("Les comptes du Syndicat des eaux touchés hier", "Syndicat des eaux touchés", ["Syndicat des eaux"]),
    ],
)
def test_an_entity_ends_where_the_name_ends(bounds, text, entity, expected):
    assert mended(bounds, text, entity) == expected


@pytest.mark.parametrize(
    ("text", "entity"),
    [
        ("La commune de Saint-Martin-de-Ré a été visée.", "Saint-Martin-de-Ré"),  # hyphens inside a name
        ("Le réseau d'Ottignies–Louvain-la-Neuve est touché.", "Ottignies–Louvain-la-Neuve"),  # unspaced dash
        ("Le groupe Touché Production a communiqué.", "Touché Production"),  # a participle opening the name
    ],
)
def test_names_with_dashes_or_participle_words_stay_whole(bounds, text, entity):
    assert mended(bounds, text, entity) == [entity]


def test_an_entity_over_a_line_break_is_left_to_the_later_components(bounds):
    text = "Sport\n\nLe club a été piraté."
    assert mended(bounds, text, "Sport\n\nLe", label="MISC") == ["Sport\n\nLe"]


def test_the_break_words_are_rule_data(tmp_path, bounds):
    """A saved copy of ``names.yaml`` with another break word changes where names end."""
    nlp, component = bounds
    component.to_disk(tmp_path)
    rules = (tmp_path / "names.yaml").read_text(encoding="utf-8")
    (tmp_path / "names.yaml").write_text(
        rules.replace("'^(?:[-–—|]|@\\w+)$'", "'^(?:[-–—|]|@\\w+|/)$'"), "utf-8"
    )
    edited = EntityBounds(nlp).from_disk(tmp_path)
    doc = nlp("Le port de Brest / Agence")
    doc.ents = [doc.char_span(11, len(doc.text), label="LOC")]
    assert [e.text for e in edited(doc).ents] == ["Brest"]
    assert [e.text for e in component(nlp("Le port de Brest / Agence")).ents] == []
