"""Places as articles name them -> French regions, for the review's region chart."""

import pytest
import yaml

from incident_extract.review.regions import fold, region_of, regions_of


@pytest.mark.parametrize(
    ("place", "region"),
    [
        ("Morbihan", "Bretagne"),
        ("Saint-Lô", "Normandie"),
        ("l'Hérault", "Occitanie"),
        ("le département du Nord", "Hauts-de-France"),
        ("la région Grand Est", "Grand Est"),
        ("Côte-d’Or", "Bourgogne-Franche-Comté"),
        ("ÎLE-DE-FRANCE", "Île-de-France"),
        ("La Réunion", "La Réunion"),
        ("Fort-de-France", "Martinique"),
        ("France", None),  # the country is not a region
        ("Bruxelles", None),
        ("Vienne", None),  # also Vienna: left out on purpose
    ],
)
def test_region_of_a_place(place, region):
    assert region_of(place) == region


def test_regions_of_an_incident_once_each_in_order():
    assert regions_of(["Lorient", "Vannes", "Nantes", "Genève"]) == ["Bretagne", "Pays de la Loire"]


def test_no_name_is_listed_in_two_regions():
    from importlib.resources import files

    listed = yaml.safe_load(files("incident_extract").joinpath("review", "regions.yaml").read_text("utf-8"))
    seen: dict[str, str] = {}
    for region, names in listed.items():
        for name in names:
            assert seen.setdefault(fold(name), region) == region, (name, region, seen[fold(name)])
    assert len(listed) == 19 and len(seen) > 300
