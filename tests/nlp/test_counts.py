import pytest

from incident_extract.nlp.counts import count_pattern, find_counts, parse_number

NOUNS = ["personnes", "patients", "Français", "adhérents", "clients", "assurés"]


@pytest.mark.parametrize(
    ("text", "value", "noun"),
    [
        ("Les données de plus de 33 millions de Français ont fuité.", 33_000_000, "Français"),
        ("Au total, 300.000 patients sont concernés.", 300_000, "patients"),
        ("près de 2 000 personnes ont reçu un courriel", 2_000, "personnes"),
        ("plus de 750 000 patients ont vu leurs données exposées", 750_000, "patients"),
        ("1,5 million d'assurés seraient touchés", 1_500_000, "assurés"),
        ("500 000 de ses adhérents", 500_000, "adhérents"),
    ],
)
def test_counts_tied_to_people(text, value, noun):
    (match,) = find_counts(text, count_pattern(NOUNS))
    assert (match.value, match.noun) == (value, noun)


@pytest.mark.parametrize(
    "text", ["En 2024 clients et fournisseurs", "Le 12 octobre, la mairie", "3,5 % des patients"]
)
def test_no_count_without_a_head_count(text):
    assert find_counts(text, count_pattern(NOUNS)) == []


@pytest.mark.parametrize(
    ("number", "scale", "value"), [("33", "millions", 33_000_000), ("2 500", None, 2500), ("1,2", None, None)]
)
def test_parse_number(number, scale, value):
    assert parse_number(number, scale) == value


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        # reported speech in the pluperfect is this incident
        ("L'enseigne a confirmé qu'environ 4 300 comptes clients avaient été piratés.", "affected"),
        # an earlier incident, named in the sentence before
        (
            "La clinique avait déjà été victime d'une cyberattaque en 2020. Les données de 1,4 million de "
            "personnes avaient été dérobées.",
            "earlier",
        ),
        ("Le groupe emploie 3 000 salariés.", "base"),
        ("L'association accompagne près de 900 familles chaque année.", "base"),
        ("Au moins 23 donateurs ont effectué un virement vers le faux compte.", "affected"),
        # the data of a size noun's people: they were hit
        ("Le fichier contient les coordonnées bancaires de 48.512 salariés du groupe.", "affected"),
        ("Les 140 employés sont dans l'impossibilité de travailler depuis lundi.", "affected"),
        ("L'usine compte 140 employés.", "base"),
        # « d'environ » before the number, and people the list did not know
        ("La base contenait les informations d'environ 6 200 supporters du club.", "affected"),
        ("Au total, les comptes de 910 locataires ont été débités à tort.", "affected"),
        # a possessive or « fiches » between the data and the number
        ("Le club pense que les coordonnées de ses 2 300 licenciés figurent dans la base.", "affected"),
        ("Les pirates disent avoir extrait les fiches des 84 résidents du foyer.", "affected"),
    ],
)
def test_count_kinds(run_blank, text, kind):
    doc = run_blank(text, "2024-03-01")
    (span,) = doc.spans["ie_counts"]
    assert span._.ie_kind == kind


def test_thousands_may_be_split_by_a_non_breaking_space():
    # the grammar of rules/count_cues.yaml writes these spaces as \u00a0 and \u202f escapes
    text = "Près de 12\u00a0000 patients et 3\u202f500 clients."
    assert [m.value for m in find_counts(text, count_pattern(NOUNS))] == [12_000, 3_500]
