"""French number expressions tied to the people they count (``plus de 33 millions de Français``).

Pure functions over text; the ``incident_extract_counts`` component decides which count is the
number of people affected.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_SPACES = "[ \u00a0\u202f]"
NUMBER = (
    r"(?P<number>\d{1,3}(?:(?:" + _SPACES + r"|\.)\d{3})+|\d+(?:,\d+)?)"
    r"(?:" + _SPACES + r"*(?P<scale>millions?|milliards?|milliers|mille|k)\b)?"
)
QUALIFIER = r"(?P<qualifier>plus\s+de|près\s+de|pr[eè]s\s+d'|environ|quelque|au\s+moins|pas\s+moins\s+de|jusqu'à|quasiment|presque|un\s+peu\s+plus\s+de|moins\s+de|entre)?\s*"
SCALES = {
    "million": 1_000_000,
    "millions": 1_000_000,
    "milliard": 10**9,
    "milliards": 10**9,
    "millier": 1_000,
    "milliers": 1_000,
    "mille": 1_000,
    "k": 1_000,
}


@dataclass(frozen=True)
class CountMatch:
    start: int
    end: int
    text: str
    value: int
    noun: str


def count_pattern(nouns: list[str]) -> re.Pattern:
    """A regex for ``[qualifier] number [scale] [de|d'] [adjective]? noun``."""
    alternatives = "|".join(re.escape(n) for n in sorted(nouns, key=len, reverse=True))
    return re.compile(
        r"\b" + QUALIFIER + NUMBER + r"\s*(?:de\s+|d['’]\s*)?(?:(?:nos|ses|leurs|leur|des)\s+)?"
        r"(?:[a-zéèêàç-]+\s+){0,1}?(?P<noun>" + alternatives + r")\b",
        re.IGNORECASE,
    )


def parse_number(number: str, scale: str | None) -> int | None:
    """``33`` + ``millions`` -> 33000000; ``500.000`` -> 500000; ``1,5 million`` -> 1500000."""
    digits = re.sub(r"[ .\u00a0\u202f]", "", number)
    try:
        value = float(digits.replace(",", "."))
    except ValueError:
        return None
    if scale:
        value *= SCALES[scale.lower()]
    elif "," in digits:
        return None  # a decimal without scale is not a head count
    return round(value)


def find_counts(text: str, pattern: re.Pattern) -> list[CountMatch]:
    found = []
    for m in pattern.finditer(text):
        value = parse_number(m["number"], m["scale"])
        if value is None or value <= 0:
            continue
        if 1900 <= value <= 2100 and not m["scale"] and not m["qualifier"]:
            continue  # a year followed by a noun (« 2024 patients » is rare, « en 2024 clients » noise)
        found.append(CountMatch(m.start(), m.end(), m.group(0).strip(), value, m["noun"]))
    return found
