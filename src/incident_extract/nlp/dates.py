"""French dates: their grammar, their resolution against a publication date, and their role.

The grammar is pure functions over text, so it is tested without spaCy. Named groups, in the
manner of edsnlp's date patterns: ``weekday``, ``day``, ``month``, ``year``; relative expressions
(``samedi``, ``ce week-end``, ``hier``, ``il y a deux semaines``) are resolved against the
publication date only, never guessed. The component ``incident_extract_dates``
(:class:`DateFinder`) gives each date a role from the words of its clause (``rules/date_roles.yaml``)
and reads the tense of that clause (``rules/date_cues.yaml``).
"""

from __future__ import annotations

import datetime as dt
import re
from bisect import bisect_right
from dataclasses import dataclass

from spacy.tokens import Doc, Span

from ..rules_io import DEFAULT_RULES, fold
from .clauses import clause_bounds
from .cues import cues_by_entry, cues_by_value, scope_breaker_regex
from .extensions import SPAN_KEYS, guarded
from .regex_rules import CompiledRules, load_regex_rules
from .rule_component import RuleComponent
from .sentences import all_sentences, sentence_of, sentence_starts, text_of

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

DATE_RULES = "date_cues"
"""The rule file of the date grammar (patterns ``dates.*``) and of the role cues."""


def date_grammar(rules: str = DEFAULT_RULES) -> CompiledRules:
    """The compiled date patterns of ``rules/date_cues.yaml`` (once per process and rules folder)."""
    return load_regex_rules(DATE_RULES, rules)


def dateline_date(text: str, head: int = 600, grammar: CompiledRules | None = None) -> DateMatch | None:
    """The article's own date (« Publié le 09/02/2024 », « Tahiti, le 11 juillet 2024 – ») near its top."""
    grammar = grammar or date_grammar()
    for m in grammar.pattern("dates.dateline").finditer(text[:head]):
        rest = text[m.end() : m.end() + 40]
        for rule in ("dates.numeric", "dates.absolute"):
            d = grammar.pattern(rule).match(rest)
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


def find_dates(
    text: str, published: dt.date | None, anchor_year: int | None = None, grammar: CompiledRules | None = None
) -> list[DateMatch]:
    """Every date expression in ``text``, with its value when the text (or ``published``) fixes it.

    ``anchor_year`` is used for day-and-month dates when there is no publication date but the
    text fixes the year elsewhere. The first pattern to cover some text keeps it.
    """
    grammar = grammar or date_grammar()
    found: list[DateMatch] = []
    taken: list[tuple[int, int]] = []

    def add(match: re.Match, value: dt.date | None, rule: str) -> None:
        start, end = match.span()
        if any(s < end and start < e for s, e in taken):
            return
        taken.append((start, end))
        found.append(DateMatch(start, end, text[start:end], value, rule))

    def each(rule: str):
        return grammar.pattern(rule).finditer(text)

    for m in each("dates.absolute"):
        add(m, resolve_absolute(m, published, anchor_year), "dates.absolute")
    for m in each("dates.vague"):
        add(m, None, "dates.vague")
    for m in each("dates.numeric"):
        add(m, _safe_date(int(m["year"]), int(m["month"]), int(m["day"])), "dates.numeric")
    if published is not None:
        for m in each("dates.night"):
            add(m, previous_weekday(published, WEEKDAYS[m["weekday"].lower()], strict=False), "dates.night")
        for m in each("dates.weekend"):
            add(m, previous_weekday(published, 5, strict=bool(m["last"])), "dates.weekend")
        for m in each("dates.day_word"):
            add(m, _day_word(m["word"].lower(), published), "dates.day_word")
        for m in each("dates.ago"):
            add(m, _ago(m, published), "dates.ago")
        for m in each("dates.weekday"):
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


def anchor_year_of(
    text: str, today: dt.date | None = None, grammar: CompiledRules | None = None
) -> int | None:
    """When there is no publication date: a year the text itself fixes (weekday + date, or a year)."""
    for m in (grammar or date_grammar()).pattern("dates.absolute").finditer(text):
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


class DateFinder(RuleComponent):
    """Component ``incident_extract_dates``: French dates, resolved, with a role from their clause."""

    rule_files = ("date_roles", "date_cues", "assertion", "incident_cues")
    """``assertion.yaml`` for the scope breakers that cut a sentence into clauses."""

    factory_name = "incident_extract_dates"

    def load_rules(self, rules: str) -> None:
        roles = cues_by_entry("date_roles", rules)
        self.roles = [cue for cue in roles if cue[0] != "role.future"]
        self.future = next(cue[2] for cue in roles if cue[0] == "role.future")
        self.grammar = date_grammar(rules)
        self.past_tense = self.grammar.pattern("tense.past")
        self.night = self.grammar.pattern("role.night_attack")
        self.breakers = scope_breaker_regex("assertion", rules)
        self.incident_word = cues_by_value("incident_cues", rules)["incident"]

    @guarded
    def __call__(self, doc: Doc) -> Doc:
        self.ensure_initialized()
        dateline = dateline_date(text_of(doc), grammar=self.grammar)
        if doc._.ie_published is None and dateline is not None:
            doc._.ie_published = dateline.value  # the article's own dateline anchors « mardi », « hier »
        published = doc._.ie_published
        anchor = None if published else anchor_year_of(text_of(doc), grammar=self.grammar)
        doc._.ie_anchor_year = anchor
        spans = []
        matches = list(find_dates(text_of(doc), published, anchor, self.grammar))
        starts = sentence_starts(doc)
        dated = {bisect_right(starts, m.start) - 1 for m in matches}
        for match in matches:
            span = doc.char_span(match.start, match.end, label="date", alignment_mode="expand")
            if span is None:
                continue
            is_dateline = dateline is not None and match.start <= dateline.start < match.end
            span._.ie_kind = "other" if is_dateline else self.role(doc, span)
            if span._.ie_kind == "none":
                span._.ie_kind = "attack" if self._sets_the_scene(doc, span, dated) else "other"
            relative = match.rule not in ("dates.absolute", "dates.numeric")
            future = relative and self._in_future_clause(doc, span)
            span._.ie_value = match.value.isoformat() if match.value and not future else None
            span._.ie_rule = match.rule
            spans.append(span)
        doc.spans[SPAN_KEYS["dates"]] = spans
        return doc

    def _in_future_clause(self, doc: Doc, span: Span) -> bool:
        """« sera à l'arrêt lundi »: a weekday in a future clause, or in one with no past tense at
        all (a headline « l'usine à l'arrêt lundi »), is not resolved to the past one."""
        start, end = clause_bounds(doc, span, self.breakers)
        clause = text_of(doc)[start : span.start_char] + " " + text_of(doc)[span.end_char : end]
        return bool(self.future.search(fold(clause))) or not self.past_tense.search(clause.lower())

    def role(self, doc: Doc, span: Span) -> str:
        """The role of the cue nearest to the date in its clause (else its sentence).

        A comparison cue (« comme celles des Mureaux le 24 septembre ») makes it another
        incident's date: role ``other``.
        """
        for start, end in (clause_bounds(doc, span, self.breakers), sentence_of(span)):
            text = fold(text_of(doc)[start:end])
            date_start, date_end = span.start_char - start, span.end_char - start
            best: tuple[int, int, str] | None = None
            for order, (entry_id, value, terms, _context) in enumerate(self.roles):
                for m in terms.finditer(text):
                    if m.start() < date_end and date_start < m.end():
                        continue  # the cue is inside the date expression itself
                    if entry_id == "role.comparison":
                        return "other"
                    distance = date_start - m.end() if m.end() <= date_start else m.start() - date_end
                    if best is None or (distance, order) < best[:2]:
                        best = (distance, order, value)
            if best is not None:
                if (
                    best[2] in ("disclosure", "discovery")
                    and self.night.match(fold(span.text))
                    and self._attack_cue(text)
                ):
                    return "attack"  # « attaqué dans la nuit du lundi 23 au mardi 24 mai, a indiqué... »
                return best[2]
        return "none"  # no cue at all: :meth:`_sets_the_scene` may still make it the attack's

    def _sets_the_scene(self, doc: Doc, span: Span, dated: set[int]) -> bool:
        """« Le lundi 8 juillet, à l'aube, les camions arrivent au silo. Dans la nuit, un rançongiciel
        avait chiffré les serveurs. »: a date with no cue of its own, just before an undated sentence
        that tells the attack, is the attack's day."""
        sentences = all_sentences(doc)
        n = bisect_right(sentence_starts(doc), span.start_char) - 1
        if n + 1 >= len(sentences) or n + 1 in dated:
            return False
        following = fold(text_of(doc)[slice(*sentences[n + 1])])
        return bool(self.incident_word.search(following)) and self._attack_cue(following)

    def _attack_cue(self, text: str) -> bool:
        return any(value == "attack" and terms.search(text) for _id, value, terms, _ctx in self.roles)
