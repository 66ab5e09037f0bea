import datetime as dt

import pytest

from incident_extract.nlp.dates import anchor_year_of, dateline_date, find_dates, year_from_weekday

PUBLISHED = dt.date(2024, 10, 21)  # a Monday


@pytest.mark.parametrize(
    ("text", "expected_text", "expected"),
    [
        ("L'attaque a eu lieu le 1er février 2024 au matin.", "1er février 2024", "2024-02-01"),
        ("Les serveurs ont été chiffrés jeudi 3 octobre.", "jeudi 3 octobre", "2024-10-03"),
        ("Tout a commencé dans la nuit du 4 au 5 octobre.", "dans la nuit du 4 au 5 octobre", "2024-10-04"),
        ("Le site a été saturé ce week-end par des requêtes.", "ce week-end", "2024-10-19"),
        ("La clinique a détecté l'intrusion samedi dernier.", "samedi dernier", "2024-10-19"),
        ("La mairie a été piratée samedi.", "samedi", "2024-10-19"),
        ("Les faits remontent à il y a deux semaines.", "il y a deux semaines", "2024-10-07"),
        ("Le réseau est tombé hier, selon la direction.", "hier", "2024-10-20"),
        ("Une plainte a été déposée le 12/03/2024.", "12/03/2024", "2024-03-12"),
        ("Le 28 décembre, l'hôpital a été attaqué.", "28 décembre", "2023-12-28"),
        ("Les données ont été publiées lundi 14 octobre.", "lundi 14 octobre", "2024-10-14"),
    ],
)
def test_dates_resolved_against_publication(text, expected_text, expected):
    found = find_dates(text, PUBLISHED)
    assert [(d.text, d.value.isoformat()) for d in found] == [(expected_text, expected)]


@pytest.mark.parametrize(
    "text",
    [
        "La mairie a été piratée samedi.",
        "Les faits remontent à il y a deux semaines.",
        "Le réseau est tombé hier.",
    ],
)
def test_relative_dates_need_a_publication_date(text):
    assert find_dates(text, None) == []


def test_day_and_month_without_year_stay_unresolved_without_anchor():
    (found,) = find_dates("L'attaque a débuté le 26 juin.", None)
    assert found.value is None


def test_weekday_fixes_the_only_recent_year():
    today = dt.date(2026, 11, 25)
    assert year_from_weekday(10, 7, 3, today) == 2025  # jeudi 10 juillet
    assert anchor_year_of("ont rapporté, jeudi 10 juillet, à l'AFP", today) == 2025


def test_weekday_that_fits_no_recent_year_gives_nothing():
    assert year_from_weekday(31, 2, 0, dt.date(2026, 11, 25)) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "Papeete, le 11 juillet 2024 – Trois ordinateurs du service des eaux ont été piratés mardi.",
            "2024-07-11",
        ),
        (
            "Alerte aux faux SMS\n\nPar la rédaction\nPublié le 13/01/2022\nDes assurés ont reçu...",
            "2022-01-13",
        ),
    ],
)
def test_dateline_gives_the_article_date(text, expected):
    assert dateline_date(text).value.isoformat() == expected


def test_no_dateline_in_running_text():
    assert dateline_date("Le 3 mars, la mairie de Lunel a été piratée.") is None


@pytest.mark.parametrize(
    ("text", "role"),
    [
        ("La clinique a été piratée le 3 mars.", "attack"),
        ("L'intrusion a été détectée le 4 mars.", "discovery"),
        ("La direction a porté plainte le 6 mars.", "complaint"),
        ("Les services ont été rétablis le 10 mars.", "restoration"),
        ("Les données ont été publiées sur le dark web le 12 mars.", "leak"),
        ("Comme celles de Lunel le 2 février, les villes sont visées.", "other"),
        ("Tout a commencé le 3 mars.", "attack"),
        ("Impossible, pendant toute la journée du 4 mars, de consulter le site.", "attack"),
        ("Le procès a commencé le 4 mars.", "other"),
    ],
)
def test_date_roles_from_the_nearest_cue(run_blank, text, role):
    doc = run_blank(text, "2024-03-20")
    (span,) = doc.spans["ie_dates"]
    assert span._.ie_kind == role


def test_weekday_in_a_future_clause_is_not_resolved(run_blank):
    doc = run_blank("L'usine sera à l'arrêt lundi en raison de la cyberattaque.", "2017-05-14")
    (span,) = doc.spans["ie_dates"]
    assert span._.ie_value is None


def test_dateline_anchors_relative_dates(run_blank):
    doc = run_blank(
        "Papeete, le 11 juillet 2024 – Les ordinateurs de la mairie de Faaa ont été piratés mardi."
    )
    assert [(s.text, s._.ie_value) for s in doc.spans["ie_dates"] if s._.ie_kind == "attack"] == [
        ("mardi", "2024-07-09")
    ]


@pytest.mark.parametrize(
    ("text", "resolved"),
    [
        ("Cyberattaque : l'usine à l'arrêt lundi", False),
        ("La mairie piratée samedi", True),
        ("Samedi, une cyberattaque a touché la clinique.", True),
        ("Depuis lundi, plus rien ne fonctionne à la mairie.", True),
    ],
)
def test_bare_weekday_needs_a_past_tense(run_blank, text, resolved):
    doc = run_blank(text, "2017-05-14")
    (span,) = doc.spans["ie_dates"]
    assert (span._.ie_value is not None) is resolved


@pytest.mark.parametrize(
    "text",
    ["L'attaque remonte à mi-janvier.", "Les faits datent de la semaine dernière.", "C'était fin mars 2024."],
)
def test_vague_dates_are_recognised_without_a_value(text):
    (found,) = find_dates(text, PUBLISHED)
    assert found.rule == "dates.vague" and found.value is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # noticed on Saturday, the crisis cell met on Monday: the attack date is the earliest
        (
            "La mairie de Lunel a été victime d'une cyberattaque. L'attaque a été détectée le 1er mars. "
            "La préfecture a réuni le 3 mars une cellule de crise après la cyberattaque.",
            "2024-03-01",
        ),
        # no attack or discovery date: the day the attacker published the data
        (
            "La mairie de Lunel a été victime d'une cyberattaque. Les données ont été publiées le 12 mars.",
            "2024-03-12",
        ),
    ],
)
def test_attack_date_is_the_earliest_sign_of_the_attack(run_blank, text, expected):
    (incident,) = run_blank(text, "2024-03-20")._.ie_incidents
    assert incident.attack_date.value.isoformat() == expected


def test_the_day_a_victim_speaks_is_not_the_day_of_the_attack(run_blank):
    """Spec: the day the attack started or was first noticed; a disclosure date is neither."""
    (incident,) = run_blank(
        "La mutuelle Verchamps Santé a annoncé le 12 mars avoir été victime d'une cyberattaque.", "2024-03-20"
    )._.ie_incidents
    assert incident.attack_date is None
    assert [(d.role, d.value.isoformat()) for d in incident.dates] == [("disclosure", "2024-03-12")]


def test_every_month_name_of_the_grammar_has_a_number():
    from incident_extract.nlp.dates import MONTHS, date_grammar

    assert set(date_grammar().fragments["month_name"].split("|")) == set(MONTHS)


def test_each_date_records_the_id_of_the_pattern_that_found_it():
    found = find_dates("Dans la nuit de dimanche à lundi, puis hier, le 09/02/2024.", dt.date(2024, 2, 14))
    assert [d.rule for d in found] == ["dates.night", "dates.day_word", "dates.numeric"]


def test_a_date_that_sets_the_scene_of_the_attack_told_next(run_blank):
    """« Le lundi 4 mars, à l'aube, … . Dans la nuit, un rançongiciel avait chiffré … »: the date has no
    cue of its own, and the next sentence, undated, tells the attack."""
    (incident,) = run_blank(
        "La coopérative Blés d'Auxois a été victime d'une cyberattaque. "
        "Le lundi 4 mars, à l'aube, les premiers tracteurs attendent devant le silo. "
        "Dans la nuit, un rançongiciel avait chiffré les serveurs de la coopérative.",
        "2024-03-20",
    )._.ie_incidents
    assert incident.attack_date is not None and incident.attack_date.value.isoformat() == "2024-03-04"


def test_a_date_before_an_unrelated_sentence_stays_other(run_blank):
    (incident,) = run_blank(
        "La coopérative Blés d'Auxois a été victime d'une cyberattaque. "
        "Le lundi 4 mars, la coopérative a fêté ses cent ans. Les adhérents étaient nombreux.",
        "2024-03-20",
    )._.ie_incidents
    assert incident.attack_date is None
