"""Text made safe once, at the edge, so that no writer can fail on it later.

Python strings can hold what no UTF-8 file, SQLite column or JSON line can: lone surrogates
(from a JSON ``"\\ud800"``, a feed's ``&#xD800;``, a file name that is not UTF-8) and control
characters (NUL, escape codes). Every string that enters from outside (file, JSON, feed, page,
path) passes through :func:`safe_text`: a lone surrogate becomes U+FFFD (the reader sees that
something was there), a control character other than tab and newlines is dropped.
"""

from __future__ import annotations

import dataclasses
import re
from typing import TypeVar

_UNSAFE = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")
REPLACEMENT = "\ufffd"
T = TypeVar("T")


def safe_text(value: str) -> str:
    """``value`` with lone surrogates replaced by U+FFFD and control characters removed."""
    return _UNSAFE.sub(_replacement, value)


def safe_optional(value: str | None) -> str | None:
    return None if value is None else safe_text(value)


def safe_fields(obj: T) -> T:
    """A copy of a dataclass instance with every string field sanitised (the same object when
    nothing needed it, the common case)."""
    changes = {
        item.name: safe_text(value)
        for item in dataclasses.fields(obj)  # type: ignore[arg-type]
        if isinstance(value := getattr(obj, item.name), str) and _UNSAFE.search(value)
    }
    return dataclasses.replace(obj, **changes) if changes else obj  # type: ignore[type-var]


def _replacement(match: re.Match[str]) -> str:
    return REPLACEMENT if "\ud800" <= match.group() <= "\udfff" else ""


_CHARACTER_REFERENCE = re.compile(rb"&#(?:[xX]([0-9a-fA-F]{1,8})|([0-9]{1,10}));")


def safe_character_references(markup: bytes) -> bytes:
    """XML/HTML bytes with numeric references to impossible characters (``&#xD800;``, ``&#0;``,
    past U+10FFFF) replaced by ``&#xFFFD;``: feedparser crashes on them instead of failing the item."""
    if b"&#" not in markup:
        return markup
    return _CHARACTER_REFERENCE.sub(_safe_reference, markup)


def _safe_reference(match: re.Match[bytes]) -> bytes:
    hexadecimal, decimal = match.groups()
    code = int(hexadecimal, 16) if hexadecimal else int(decimal)
    unsafe = code > 0x10FFFF or 0xD800 <= code <= 0xDFFF or (code < 0x20 and code not in (9, 10, 13))
    return b"&#xFFFD;" if unsafe else match.group()
