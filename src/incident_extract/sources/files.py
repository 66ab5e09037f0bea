"""Read articles from files and folders: one :class:`RawArticle` per article, never an exception.

A file that cannot be read still yields a RawArticle with ``error`` set, so the run writes
its line and goes on. :class:`RawArticle` is also what :mod:`.web` and :mod:`..warc` give.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from ..errors import ArticleError, InputError
from ..sanitize import safe_text
from ..settings import DEFAULT_SETTINGS, INPUT_SUFFIXES, Settings


@dataclass
class RawArticle:
    """What a source gives, before cleaning: text or HTML, plus whatever metadata came with it."""

    path: str | None = None
    id: str | None = None
    url: str | None = None
    title: str | None = None
    published: dt.date | None = None
    text: str | None = None
    html: str | None = None
    data: bytes | None = None
    """Undecoded bytes of a .txt/.html file; ``clean`` detects their encoding."""
    kind: str = "text"
    """``text`` or ``html``: how ``data`` is to be read."""
    error: str | None = None
    fallback_title: str | None = None
    """A feed item's title: used only when the page has none of its own."""
    fallback_published: dt.date | None = None
    """A feed item's date: used only when the page has none of its own."""
    notes: list[str] = field(default_factory=list)
    """Problems with one field (an unreadable date): the article is still read, the record says them."""


def iter_paths(inputs: Iterable[str | Path]) -> Iterator[Path]:
    """Expand inputs into article files, folders recursively, in a stable order.

    Raises InputError for an input that does not exist: the run cannot do what was asked.
    """
    for path, _root in iter_files(inputs):
        yield path


def iter_files(inputs: Iterable[str | Path]) -> Iterator[tuple[Path, Path | None]]:
    """Like :func:`iter_paths`, with the folder each file was found in (None for a file named
    on the command line): :func:`read_path` refuses a symlink that leads out of that folder."""
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            for found in sorted(
                p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in INPUT_SUFFIXES
            ):
                yield found, path
        elif path.is_file():
            yield path, None
        else:
            raise InputError(f"input not found: {raw}")


def unsupported_files(inputs: Iterable[str | Path]) -> list[Path]:
    """Files inside the input folders that :func:`iter_paths` leaves out (``.pdf``, ``.md``...),
    so that the run can say so instead of skipping them silently. Hidden files are not counted."""
    skipped: list[Path] = []
    for raw in inputs:
        path = Path(raw)
        if path.is_dir():
            skipped.extend(
                sorted(
                    p
                    for p in path.rglob("*")
                    if p.is_file()
                    and p.suffix.lower() not in INPUT_SUFFIXES
                    and not any(part.startswith(".") for part in p.relative_to(path).parts)
                )
            )
    return skipped


def read_input_list(path: str | Path) -> list[str]:
    """``-i urls.txt``: one URL or path per line; blank lines and ``#`` comments are skipped."""
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read input list {path}: {exc}") from exc
    return [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]


def check_inputs(inputs: Iterable[str | Path]) -> None:
    """Fail early, before any model is loaded, when an input is missing."""
    for raw in inputs:
        if not Path(raw).exists():
            raise InputError(f"input not found: {raw}")


def read_path(
    path: Path, settings: Settings = DEFAULT_SETTINGS, root: Path | None = None
) -> Iterator[RawArticle]:
    """Yield the articles of one file (several for ``.jsonl``).

    ``root``: the input folder the file was found in; a symlink leading outside it (``x.txt ->
    /etc/passwd``) is not followed but reported, so that a folder cannot smuggle in other files.
    """
    shown = safe_text(str(path))  # a name that is not UTF-8 holds surrogates (``caf\udce9.txt``)
    suffix = path.suffix.lower()
    try:
        if root is not None and not _inside(path, root):
            raise ArticleError("symlink leading outside the input folder (not followed)")
        size = path.stat().st_size
        if size > settings.max_input_bytes:
            raise ArticleError(f"file too large ({size} bytes > {settings.max_input_bytes})")
        data = path.read_bytes()
    except (OSError, ArticleError) as exc:
        yield RawArticle(path=shown, id=safe_text(path.stem), error=_message(exc))
        return
    if suffix == ".jsonl":
        yield from _read_jsonl(data, shown, settings)
    elif suffix == ".json":
        yield read_json_object(data, shown, safe_text(path.stem))
    elif suffix in (".html", ".htm"):
        yield RawArticle(path=shown, id=safe_text(path.stem), data=data, kind="html")
    elif suffix and suffix not in INPUT_SUFFIXES:
        supported = ", ".join(INPUT_SUFFIXES)
        yield RawArticle(
            path=shown, id=safe_text(path.stem), error=f"unsupported file type {suffix} (use {supported})"
        )
    else:
        yield RawArticle(path=shown, id=safe_text(path.stem), data=data, kind="text")


def read_files(inputs: Iterable[str | Path], settings: Settings = DEFAULT_SETTINGS) -> Iterator[RawArticle]:
    """Lazily read every article under ``inputs`` (files, folders); URLs are
    :func:`~incident_extract.sources.read_inputs`' business."""
    for path, root in iter_files(inputs):
        yield from read_path(path, settings, root)


def _read_jsonl(data: bytes, shown: str, settings: Settings) -> Iterator[RawArticle]:
    lines = data.split(b"\n")
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        yield read_json_object(line, f"{shown}:{number}", None)


def read_json_object(data: bytes, shown: str, default_id: str | None) -> RawArticle:
    """One JSON article (a ``.json`` file, a ``.jsonl`` line) -> a RawArticle, its error said in it."""
    try:
        obj = json.loads(data.decode("utf-8-sig"), parse_constant=_refuse_constant)
    except (UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
        return RawArticle(path=shown, id=default_id, error=f"invalid JSON: {exc}")
    except RecursionError:  # ``[[[[...`` nested deeper than the parser's stack
        return RawArticle(path=shown, id=default_id, error="invalid JSON: nested too deeply")
    if not isinstance(obj, dict):
        return RawArticle(path=shown, id=default_id, error="invalid JSON: expected an object")
    return article_from_mapping(obj, shown, default_id)


def article_from_mapping(obj: dict, shown: str | None, default_id: str | None = None) -> RawArticle:
    """Build a RawArticle from the spec's JSON object ``{id, url, title, published, text|html}``."""
    article = RawArticle(
        path=shown,
        id=_str_or_none(obj.get("id")) or default_id,
        url=_str_or_none(obj.get("url")),
        title=_str_or_none(obj.get("title")),
    )
    try:
        article.published = parse_published(obj.get("published"))
    except ValueError as exc:  # the article is still read, without its date
        article.notes.append(f"invalid published date: {exc}")
    text, html = obj.get("text"), obj.get("html")
    if isinstance(text, str):
        article.text = text
    elif isinstance(html, str):
        article.html, article.kind = html, "html"
    else:
        article.error = "JSON article has neither 'text' nor 'html'"
    return article


def parse_published(value: object) -> dt.date | None:
    """A publication date as people write it: ISO (``2024-10-21``, a full timestamp too),
    ``21/10/2024`` (day first, as in France), ``lundi 21 octobre 2024``, RFC 822
    (``Mon, 21 Oct 2024 08:00:00 +0200``), read by dateparser; null stays None.

    Raises ValueError with the value when no date can be read from it.
    """
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"{value!r} is not a date string")
    text = value.strip()
    try:
        return dt.date.fromisoformat(text[:10])
    except ValueError:
        pass
    parsed = _dateparser().parse(
        text,
        languages=["fr", "en"],
        settings={
            "DATE_ORDER": "DMY",
            "REQUIRE_PARTS": ["day", "month", "year"],
            "PARSERS": ["timestamp", "custom-formats", "absolute-time"],  # « demain » is no publication date
        },
    )
    if parsed is None:
        raise ValueError(f"no date in {text[:60]!r}")
    return parsed.date()


@cache
def _dateparser() -> Any:
    """dateparser, imported on first use: it takes about a second to load its languages."""
    import dateparser

    return dateparser


def _refuse_constant(name: str) -> float:
    raise ValueError(f"{name} is not valid JSON")


def _inside(path: Path, root: Path) -> bool:
    try:
        return path.resolve().is_relative_to(root.resolve())
    except (OSError, RuntimeError):  # a symlink loop: not inside anything
        return False


def _str_or_none(value: object) -> str | None:
    return str(value) if value not in (None, "") else None


def _message(exc: Exception) -> str:
    return str(exc) if isinstance(exc, ArticleError) else f"cannot read file: {exc.__class__.__name__}: {exc}"
