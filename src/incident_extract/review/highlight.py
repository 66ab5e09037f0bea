"""Evidence spans as HTML: every item's offsets drawn over the article's cleaned text.

One implementation serves the review page and the notebooks. Spans often overlap (a victim
inside the sentence that states the attack type), so the text is cut at every span boundary
into segments; each highlighted segment lists the items covering it (``data-items``) and draws
one coloured bar per item, each item keeping its own level (``track``) along all its segments,
as displaCy's span view does. The text is written verbatim with ``white-space: pre-wrap`` (a
carriage return as ``&#13;``, which HTML parsers keep), so the container's text is exactly
``record.text`` and ``data-start`` is an offset into it.
"""

from __future__ import annotations

import dataclasses
import itertools
from collections.abc import Iterable, Sequence
from html import escape

from ..models import ArticleRecord, Incident
from ..outputs.tables import ItemRow, incident_item_rows

FIELD_STYLES: dict[str, tuple[str, str]] = {
    "victims": ("Victim", "#1f77b4"),
    "attack_date": ("Attack date", "#d62728"),
    "dates": ("Date", "#ff7f0e"),
    "attack_types": ("Attack type", "#9467bd"),
    "systems": ("System", "#8c564b"),
    "data_leaked": ("Data leaked", "#e377c2"),
    "authorities": ("Authority", "#2ca02c"),
    "threat_actors": ("Threat actor", "#111111"),
    "responders": ("Responder", "#17becf"),
    "locations": ("Place", "#0b6e4f"),
    "sectors": ("Sector", "#3949ab"),
    "people_affected": ("People affected", "#b8860b"),
}
"""Label and colour of each incident field, in the record's order (the legend's order)."""
DENIED_COLOUR = "#6b6b6b"
BAR = 3
"""Height in pixels of one item's bar under the text; bars are ``BAR + 1`` pixels apart."""


@dataclasses.dataclass(frozen=True, slots=True)
class Span:
    """One extracted item located in the text."""

    item_id: str
    """``i{incident}-{field}-{position}``, or ``i{incident}-denied-{position}``: unique in the record."""
    incident: int
    row: ItemRow

    @property
    def start(self) -> int:
        return self.row.evidence_start

    @property
    def end(self) -> int:
        return self.row.evidence_end

    @property
    def colour(self) -> str:
        return DENIED_COLOUR if self.row.denied else FIELD_STYLES[self.row.field][1]

    @property
    def colour_class(self) -> str:
        """The CSS class that sets ``--ie-colour`` (see :func:`field_css`)."""
        return "ie-c-denied" if self.row.denied else f"ie-c-{self.row.field}"

    @property
    def value(self) -> str:
        return item_value(self.row)

    @property
    def tip(self) -> str:
        """What hovering or focusing the span tells: field, normalised value, status, rule."""
        row = self.row
        label = FIELD_STYLES.get(row.field, (row.field, ""))[0]
        status = "denied" if row.denied else row.status or "confirmed"
        return f"{label}: {item_value(row)} · {status} · rule {row.rule} · incident {self.incident + 1}"


def field_css() -> str:
    """One rule per field setting ``--ie-colour``, so that tables need no inline style per row."""
    rules = [
        f".ie-review .ie-c-{field}{{--ie-colour:{colour}}}" for field, (_, colour) in FIELD_STYLES.items()
    ]
    return "\n".join([*rules, f".ie-review .ie-c-denied{{--ie-colour:{DENIED_COLOUR}}}"])


def item_value(row: ItemRow) -> str:
    """The item's normalised value as a person reads it (``ransomware``, ``2024-10-19``, ``300000``)."""
    if row.field == "victims":
        return f"{row.name} ({row.kind})"
    if row.field == "dates":
        return f"{row.role} {row.value}"
    if row.value is not None:
        return row.value
    if row.vocab_id and row.name:
        return f"{row.vocab_id}: {row.name}"
    return row.vocab_id or row.name or ""


def incident_spans(incident: Incident, index: int = 0) -> list[Span]:
    rows = incident_item_rows(incident)
    return [
        Span(f"i{index}-{'denied' if row.denied else row.field}-{row.position}", index, row) for row in rows
    ]


def record_spans(record: ArticleRecord) -> list[Span]:
    """Every item of every incident, denied ones included."""
    return [
        span for index, incident in enumerate(record.incidents) for span in incident_spans(incident, index)
    ]


def _band(span: Span) -> tuple[int, int, str]:
    """Items with the same evidence and the same status share one bar (striped in their colours):
    a sentence that names the victim, its sector and its place would otherwise stack three bars."""
    return span.start, span.end, "denied" if span.row.denied else span.row.status or "confirmed"


def _tracks(spans: Sequence[Span]) -> dict[tuple[int, int, str], int]:
    """A bar level per band, the lowest one free over its whole extent (longer bands first)."""
    ends: list[int] = []  # ends[level]: where the band last put on that level ends
    levels: dict[tuple[int, int, str], int] = {}
    for band in sorted({_band(span) for span in spans}, key=lambda band: (band[0], -band[1], band[2])):
        level = next((level for level, end in enumerate(ends) if end <= band[0]), len(ends))
        if level == len(ends):
            ends.append(band[1])
        else:
            ends[level] = band[1]
        levels[band] = level
    return levels


def highlight_text(text: str, spans: Iterable[Span]) -> str:
    """The text as HTML, each span's characters wrapped in ``<mark>`` segments (see module doc)."""
    located = [span for span in spans if 0 <= span.start < span.end <= len(text)]
    tracks = _tracks(located)
    cuts = sorted({0, len(text)} | {span.start for span in located} | {span.end for span in located})
    parts = []
    for start, end in itertools.pairwise(cuts):
        covering = [span for span in located if span.start <= start and end <= span.end]
        piece = escape(text[start:end], quote=False).replace("\r", "&#13;")  # parsers turn a bare CR into LF
        if not covering:
            parts.append(piece)
            continue
        covering.sort(key=lambda span: tracks[_band(span)])
        parts.append(_segment(piece, start, covering, tracks))
    return "".join(parts)


def _segment(piece: str, start: int, covering: list[Span], tracks: dict[tuple[int, int, str], int]) -> str:
    innermost = min(covering, key=lambda span: span.end - span.start)
    bands: dict[tuple[int, int, str], list[str]] = {}
    for span in covering:
        colours = bands.setdefault(_band(span), [])
        if span.colour not in colours:
            colours.append(span.colour)
    layers = [_bar(colours, band[2], tracks[band]) for band, colours in bands.items()]
    layers.append(f"linear-gradient({innermost.colour}22,{innermost.colour}22)")  # a light tint
    depth = max(tracks[band] for band in bands) + 1
    style = f"background:{','.join(layers)};padding-bottom:{depth * (BAR + 1)}px"
    classes = "ie-seg ie-denied" if any(span.row.denied for span in covering) else "ie-seg"
    tip = "\n".join(span.tip for span in covering)
    return (
        f'<mark class="{classes}" tabindex="0" data-start="{start}" '
        f'data-items="{" ".join(span.item_id for span in covering)}" '
        f'data-tip="{escape(tip)}" style="{style}">{piece}</mark>'
    )


DASHES = {"confirmed": (10, 0), "possible": (6, 3), "claimed": (2, 2), "denied": (2, 2)}
"""Length drawn and gap, in pixels, of a bar's dashes: solid, dashed (possible) or dotted."""


def _bar(colours: list[str], status: str, track: int) -> str:
    """A CSS background layer: one bar, its dashes cycling through the band's colours."""
    drawn, gap = DASHES.get(status, DASHES["confirmed"])
    offset = track * (BAR + 1)
    if len(colours) == 1 and not gap:
        image = f"linear-gradient({colours[0]},{colours[0]})"
    else:
        period, stops = drawn + gap, []
        for index, colour in enumerate(colours):
            stops.append(f"{colour} {index * period}px {index * period + drawn}px")
            if gap:
                stops.append(f"transparent {index * period + drawn}px {(index + 1) * period}px")
        image = f"repeating-linear-gradient(90deg,{','.join(stops)})"
    return f"{image} 0 calc(100% - {offset}px)/100% {BAR}px no-repeat"
