"""Bytes to text, the parts files (:mod:`.clean`) and pages (:mod:`.fetch`) share.

A byte-order mark settles the encoding; UTF-8 with a few invalid bytes (a cut download, one
stray Latin-1 letter) is still UTF-8, read with U+FFFD for each bad sequence, rather than
re-read whole in another code page as mojibake.
"""

from __future__ import annotations

BOMS = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
"""Byte-order marks, longest first (UTF-32 LE starts like UTF-16 LE)."""


def bom_codec(data: bytes) -> str | None:
    """The codec a byte-order mark at the start of ``data`` names, if any."""
    return next((codec for bom, codec in BOMS if data.startswith(bom)), None)


def mostly_utf8(data: bytes) -> tuple[str, int] | None:
    """The UTF-8 reading with bad sequences replaced, and how many, when the valid multi-byte
    characters outnumber the bad sequences four to one (a Latin-1 file has almost no valid
    ones: its accented letters are each a bad sequence); None otherwise."""
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd") - data.count("\ufffd".encode())
    valid = sum(1 for char in text if ord(char) > 127) - replaced
    return (text, replaced) if valid >= 4 * replaced else None
