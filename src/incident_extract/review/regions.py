"""Which French region a place named in a record is in, for the review's region chart.

Records keep places as the article names them (a town, a département, a region); the monthly
bulletin counts by region. ``regions.yaml`` lists, per region, the names that certainly belong to
it; a place not listed (abroad, a small town) has no region and is counted apart.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Iterable
from importlib.resources import files

import yaml

_LEADING = re.compile(
    r"^(?:(?:la |le |les |l )?(?:region|departement|ville|commune)(?: de la| des| du| de| d)? )?(?:la |le |les |l )?"
)


def fold(name: str) -> str:
    """Case, accents, hyphens and apostrophes ignored: ``L'Hérault`` -> ``herault``."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    text = re.sub(r"[-'’ʼ.\s]+", " ", text).strip()
    return _LEADING.sub("", text, count=1).strip()


@functools.cache
def _regions() -> dict[str, str]:
    listed = yaml.safe_load(files("incident_extract").joinpath("review", "regions.yaml").read_text("utf-8"))
    return {fold(name): region for region, names in listed.items() for name in names}


def region_of(place: str) -> str | None:
    return _regions().get(fold(place))


def regions_of(places: Iterable[str]) -> list[str]:
    """The regions of the places, each once, in the order of the places."""
    return list(dict.fromkeys(region for region in map(region_of, places) if region))
