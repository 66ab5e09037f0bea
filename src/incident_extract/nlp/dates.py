"""French date grammar and its resolution against a publication date.

Pure functions over text, so they are tested without spaCy. Named groups, in the manner of
edsnlp's date patterns: ``weekday``, ``day``, ``month``, ``year``; relative expressions
(``samedi``, ``ce week-end``, ``hier``, ``il y a deux semaines``) are resolved against the
publication date only, never guessed.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

MONTHS = {
    "janvier": 1,
    "janv": 1,
    "février": 2,
    "fevrier": 2,
    "févr": 2,
    "fév": 2,
    "mars": 3,
    "avril": 4,
    "avr": 4,
    "mai": 5,
    "juin": 6,
    "juillet": 7,
    "juil": 7,
    "août": 8,
    "aout": 8,
    "septembre": 9,
    "sept": 9,
    "octobre": 10,
    "oct": 10,
    "novembre": 11,
    "nov": 11,
    "décembre": 12,
    "decembre": 12,
    "déc": 12,
    "dec": 12,
}
WEEKDAYS = {"lundi": 0, "mardi": 1, "mercredi": 2, "jeudi": 3, "vendredi": 4, "samedi": 5, "dimanche": 6}
NUMBER_WORDS = {
    "un": 1,
    "une": 1,
    "deux": 2,
    "trois": 3,
    "quatre": 4,
    "cinq": 5,
    "six": 6,
    "sept": 7,
    "huit": 8,
    "neuf": 9,
    "dix": 10,
    "quinze": 15,
    "quelques": None,
}

_MONTH = r"(?P<month>" + "|".join(sorted(MONTHS, key=len, reverse=True)) + r")\.?"
_WEEKDAY = r"(?P<weekday>lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)"
_DAY = r"(?P<day>1er|premier|[0-3]?\d)"
_YEAR = r"(?P<year>(?:19|20)\d\d)"

ABSOLUTE = re.compile(
    r"(?:\b(?:dans\s+|pendant\s+|durant\s+)?la\s+nuit\s+d[ue]\s+)?"
    r"(?:\b" + _WEEKDAY + r"\s+)?"
    r"\b" + _DAY + r"(?:\s*(?:au|à|et)\s*(?:(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\s+)?"
    r"(?P<day2>1er|[0-3]?\d))?"
    r"\s+" + _MONTH + r"(?:\s+" + _YEAR + r")?\b",
    re.IGNORECASE,
)
NUMERIC = re.compile(r"\b(?P<day>[0-3]?\d)[/.](?P<month>[01]?\d)[/.](?P<year>(?:19|20)\d\d)\b")
NIGHT_WEEKDAY = re.compile(
    r"\b(?:dans\s+|pendant\s+|durant\s+)?la\s+nuit\s+d[ue]\s+"
    + _WEEKDAY
    + r"\s+(?:au|à)\s+(?:lundi|mardi|mercredi|jeudi|vendredi|samedi|dimanche)\b",
    re.IGNORECASE,
)
RELATIVE_WEEKDAY = re.compile(
    r"\b(?:(?P<this>ce)\s+)?" + _WEEKDAY + r"(?:\s+(?P<part>matin|soir|midi|après-midi|dans\s+la\s+nuit))?"
    r"(?:\s+(?P<last>dernier))?\b(?!\s+(?:[0-3]?\d|1er)\b)",
    re.IGNORECASE,
)
WEEKEND = re.compile(
    r"\b(?:ce|le|du|au\s+cours\s+du|pendant\s+le|lors\s+du)\s+(?:week-end|weekend|week\s+end)(?P<last>\s+dernier)?\b",
    re.I,
)
# Spans of time the text names without fixing a day: recognised (so they are not misread as
# something else and a notebook sees them) but given no value: a record never invents a day.
VAGUE = re.compile(
    r"\b(?:(?:mi|début|fin)[- ]" + _MONTH.replace("?P<month>", "?:") + r"(?:\s+(?:19|20)\d\d)?"
    r"|(?:la|cette)\s+semaine\s+(?:dernière|passée)|le\s+mois\s+(?:dernier|passé)|ces\s+derniers\s+jours)\b",
    re.IGNORECASE,
)
DAY_WORDS = re.compile(
    r"\b(?P<word>avant-hier|hier|aujourd'hui|aujourd’hui|ce\s+matin|cette\s+nuit|la\s+nuit\s+dernière)\b",
    re.I,
)
AGO = re.compile(
    r"\bil\s+y\s+a\s+(?P<count>\d+|un|une|deux|trois|quatre|cinq|six|sept|huit|neuf|dix|quinze)\s+(?P<unit>jours?|semaines?)\b",
    re.IGNORECASE,
)


DATELINE = re.compile(
    r"(?:^|\n)\s*(?:(?:publi[ée]e?|mis\s+à\s+jour|modifi[ée]e?|actualis[ée]e?)\s+le\s+|"
    r"[A-ZÀ-Ý][\w' -]{1,40},\s+(?:le\s+)?(?=[^\n]{0,40}[–—-]))",
    re.IGNORECASE,
)


def dateline_date(text: str, head: int = 600) -> DateMatch | None:
    """The article's own date (« Publié le 09/02/2024 », « Tahiti, le 11 juillet 2024 – ») near its top."""
    for m in DATELINE.finditer(text[:head]):
        rest = text[m.end() : m.end() + 40]
        for grammar in (NUMERIC, ABSOLUTE):
            d = grammar.match(rest)
            if d and d["year"]:
                value = _safe_date(int(d["year"]), _month_number(d["month"]), _day_number(d["day"]))
                if value:
                    start = m.end() + d.start()
                    return DateMatch(
                        start, m.end() + d.end(), text[start : m.end() + d.end()], value, "dates.dateline"
                    )
    return None


def _month_number(month: str) -> int:
    return int(month) if month.isdigit() else MONTHS[month.lower().rstrip(".")]


def _day_number(day: str) -> int:
    return 1 if day.lower() in ("1er", "premier") else int(day)


@dataclass(frozen=True)
class DateMatch:
    start: int
    end: int
    text: str
    value: dt.date | None
    rule: str


def find_dates(text: str, published: dt.date | None, anchor_year: int | None = None) -> list[DateMatch]:
    """Every date expression in ``text``, with its value when the text (or ``published``) fixes it.

    ``anchor_year`` is used for day-and-month dates when there is no publication date but the
    text fixes the year elsewhere.
    """
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match, value: dt.date | None, rule: str) -> None:
        start, end = match.span()
        if any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        found.append(DateMatch(start, end, text[start:end], value, rule))

    for m in ABSOLUTE.finditer(text):
        add(m, resolve_absolute(m, published, anchor_year), "dates.absolute")
    for m in VAGUE.finditer(text):
        add(m, None, "dates.vague")
    for m in NUMERIC.finditer(text):
        add(m, _safe_date(int(m["year"]), int(m["month"]), int(m["day"])), "dates.numeric")
    if published is not None:
        for m in NIGHT_WEEKDAY.finditer(text):
            add(m, previous_weekday(published, WEEKDAYS[m["weekday"].lower()], strict=False), "dates.night")
        for m in WEEKEND.finditer(text):
            add(m, previous_weekday(published, 5, strict=bool(m["last"])), "dates.weekend")
        for m in DAY_WORDS.finditer(text):
            add(m, _day_word(m["word"].lower(), published), "dates.day_word")
        for m in AGO.finditer(text):
            add(m, _ago(m, published), "dates.ago")
        for m in RELATIVE_WEEKDAY.finditer(text):
            add(
                m,
                previous_weekday(published, WEEKDAYS[m["weekday"].lower()], strict=bool(m["last"])),
                "dates.weekday",
            )
    return sorted(found, key=lambda d: d.start)


def resolve_absolute(m: re.Match, published: dt.date | None, anchor_year: int | None) -> dt.date | None:
    day = 1 if m["day"].lower() in ("1er", "premier") else int(m["day"])
    month = MONTHS[m["month"].lower().rstrip(".")]
    if m["year"]:
        return _safe_date(int(m["year"]), month, day)
    if published is not None:
        if m["weekday"]:
            for year in (published.year, published.year - 1):
                candidate = _safe_date(year, month, day)
                fits = candidate is not None and candidate <= published + dt.timedelta(days=7)
                if fits and candidate.weekday() == WEEKDAYS[m["weekday"].lower()]:
                    return candidate
        return infer_year(day, month, published)
    if m["weekday"]:
        year = year_from_weekday(day, month, WEEKDAYS[m["weekday"].lower()])
        if year is not None:
            return _safe_date(year, month, day)
    if anchor_year is not None:
        return _safe_date(anchor_year, month, day)
    return None


def infer_year(day: int, month: int, published: dt.date) -> dt.date | None:
    """A day and month without year: the latest such date not after publication (plus a week)."""
    candidate = _safe_date(published.year, month, day)
    if candidate is not None and candidate > published + dt.timedelta(days=7):
        candidate = _safe_date(published.year - 1, month, day)
    return candidate


def year_from_weekday(day: int, month: int, weekday: int, today: dt.date | None = None) -> int | None:
    """The only recent year (six years back) in which this day of month fell on this weekday."""
    today = today or dt.date.today()
    fits = [
        year
        for year in range(today.year - 6, today.year + 1)
        if (d := _safe_date(year, month, day)) is not None and d <= today and d.weekday() == weekday
    ]
    return fits[0] if len(fits) == 1 else None


def anchor_year_of(text: str, today: dt.date | None = None) -> int | None:
    """When there is no publication date: a year the text itself fixes (weekday + date, or a year)."""
    for m in ABSOLUTE.finditer(text):
        if m["year"]:
            return int(m["year"])
        if m["weekday"]:
            day = 1 if m["day"].lower() in ("1er", "premier") else int(m["day"])
            year = year_from_weekday(
                day, MONTHS[m["month"].lower().rstrip(".")], WEEKDAYS[m["weekday"].lower()], today
            )
            if year is not None:
                return year
    return None


def previous_weekday(published: dt.date, weekday: int, strict: bool) -> dt.date:
    """The latest ``weekday`` on or before publication (strictly before with ``dernier``)."""
    delta = (published.weekday() - weekday) % 7
    if delta == 0 and strict:
        delta = 7
    return published - dt.timedelta(days=delta)


def _day_word(word: str, published: dt.date) -> dt.date:
    if word.startswith("avant"):
        return published - dt.timedelta(days=2)
    if word in ("hier", "la nuit dernière"):
        return published - dt.timedelta(days=1)
    return published


def _ago(m: re.Match, published: dt.date) -> dt.date | None:
    raw = m["count"].lower()
    count = int(raw) if raw.isdigit() else NUMBER_WORDS.get(raw)
    if count is None:
        return None
    days = count * (7 if m["unit"].lower().startswith("semaine") else 1)
    return published - dt.timedelta(days=days)


def _safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None
