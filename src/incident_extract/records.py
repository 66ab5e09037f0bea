"""From articles to validated records: the library's main entry points.

``extract_article`` handles one article (for notebooks); ``extract_many`` streams many through
``nlp.pipe``; ``process_inputs`` reads files, folders and URLs. An article that fails gets a record
with ``errors`` and the stream goes on.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import itertools
import logging
import math
import multiprocessing as mp
import re
from collections import deque
from collections.abc import Iterable, Iterator, Mapping, Sized
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from spacy.language import Language
from spacy.tokens import Doc

from .clean import CleanArticle, clean
from .errors import ArticleError
from .fetch import DEFAULT_FETCH_SETTINGS, FetchSettings
from .models import ArticleRecord, Incident, Source
from .nlp.pipeline import load_pipeline
from .relevance import is_relevant_text
from .sanitize import safe_optional, safe_text
from .settings import DEFAULT_SETTINGS, Settings
from .sources import RawArticle, article_from_mapping, parse_published, read_inputs

log = logging.getLogger(__name__)


def extract_article(
    text: str | None = None,
    *,
    html: str | None = None,
    published: dt.date | str | None = None,
    url: str | None = None,
    title: str | None = None,
    id: str | None = None,
    nlp: Language | None = None,
    settings: Settings = DEFAULT_SETTINGS,
) -> ArticleRecord:
    """One article (plain text or HTML) -> its validated record.

    ``published`` may be a date or a string in any common form (``21/10/2024``, ``lundi 21
    octobre 2024``); one that cannot be read is said in the record's ``errors``.
    """
    raw = RawArticle(
        id=id,
        url=url,
        title=title,
        text=text,
        html=html,
        kind="html" if html is not None and text is None else "text",
    )
    try:
        raw.published = parse_published(published)
    except ValueError as exc:
        raw.notes.append(f"invalid published date: {exc}")
    return next(iter(extract_many([raw], nlp=nlp, settings=settings, progress=False)))


ArticleInput = RawArticle | str | Mapping[str, Any]
"""What ``extract_many`` takes: articles, plain texts, or JSON-like objects
``{"id", "url", "title", "published", "text"|"html"}`` (a DataFrame's rows as dicts)."""


def as_raw_articles(articles: Iterable[ArticleInput] | Any) -> Iterator[RawArticle]:
    """Articles, strings, dicts, a pandas Series of texts or a DataFrame with a ``text`` (or
    ``html``) column, as RawArticles; a Series' or DataFrame's index gives the ids the rows lack.

    Anything else becomes an article with an error, so one bad item never stops the stream.
    (Iterating a DataFrame would give its column names: its rows are read instead.)
    """
    pandas_like = _is_pandas(articles, "Series") or _is_pandas(articles, "DataFrame")
    if _is_pandas(articles, "DataFrame"):
        items = zip(articles.index, articles.to_dict("records"), strict=True)
    elif pandas_like:
        items = articles.items()
    else:
        items = enumerate(articles)
    for position, item in items:
        label = str(position) if pandas_like else None
        if isinstance(item, RawArticle):
            yield item
        elif isinstance(item, str):
            yield RawArticle(id=label, text=item)
        elif isinstance(item, Mapping):
            present = {key: value for key, value in item.items() if not _missing(value)}
            yield article_from_mapping(present, None, label)
        else:
            yield RawArticle(id=label, error=f"cannot read an article from a {type(item).__name__}")


def _missing(value: object) -> bool:
    """None, or what pandas puts in an empty cell (NaN, NA, NaT): a value not given."""
    if value is None or type(value).__name__ in ("NAType", "NaTType"):
        return True
    return isinstance(value, float) and math.isnan(value)


def _is_pandas(value: object, kind: str) -> bool:
    """A pandas Series or DataFrame, told without importing pandas (an optional extra)."""
    return type(value).__name__ == kind and type(value).__module__.startswith("pandas")


def extract_many(
    articles: Iterable[ArticleInput] | Any,
    nlp: Language | None = None,
    settings: Settings = DEFAULT_SETTINGS,
    *,
    progress: bool = True,
) -> Iterator[ArticleRecord]:
    """Stream records for many articles, batching the NLP with ``nlp.pipe``.

    ``articles`` may hold RawArticles, plain texts, dicts (``{"text", "published", ...}``) or be
    a pandas Series of texts or a DataFrame with the same columns as the dicts. ``progress`` shows a tqdm bar (a widget in a notebook) on stderr.
    Records come in input order except that failed and off-topic articles (``settings.relevance_filter``)
    may come a little earlier.
    """
    nlp = nlp or load_pipeline(settings.model)
    total = len(articles) if isinstance(articles, Sized) else None
    raws = as_raw_articles(articles)
    if settings.workers > 1 and "fork" in mp.get_all_start_methods():
        records = _extract_in_processes(raws, nlp, settings)
    else:
        records = extract_piped(raws, nlp, settings)
    if progress:
        from tqdm.auto import tqdm

        records = tqdm(records, total=total, unit="article", desc="incident-extract")
    yield from records


def extract_piped(
    articles: Iterable[RawArticle], nlp: Language, settings: Settings, n_process: int = 1
) -> Iterator[ArticleRecord]:
    """``nlp.pipe`` over the cleaned articles; ``n_process`` is spaCy's own multi-process mode
    (Docs shipped between processes), kept for the benchmark that compares it with the pool.

    Memory stays bounded whatever the inputs within the caps: a long text goes through the
    pipeline in pieces of at most ``settings.piece_chars`` (their incidents merged, evidence
    offsets shifted into the full text), and a batch holds at most ``settings.batch_tokens``.
    """
    failed: deque[ArticleRecord] = deque()

    def pieces() -> Iterator[tuple[Doc, _Piece]]:
        for raw in articles:
            try:
                article = clean(raw, settings)
            except ArticleError as exc:
                failed.append(error_record(raw, str(exc)))
                continue
            except OSError:  # the machine's, not the article's (disk full): the run stops, rc 2
                raise
            except Exception as exc:  # a bug met on one hostile input: that article's error, not the run's
                where = raw.path or raw.url or raw.id
                log.error("cleaning %s failed: %r", where, exc, exc_info=log.isEnabledFor(logging.INFO))
                failed.append(error_record(raw, f"unexpected error while cleaning: {exc.__class__.__name__}"))
                continue
            if settings.relevance_filter and not is_relevant_text(article.text, article.title).keep:
                failed.append(off_topic_record(article))  # no spaCy for an article about other things
                continue
            spans = piece_spans(article.text, settings.piece_chars)
            for number, (start, end) in enumerate(spans, 1):
                whole = start == 0 and end == len(article.text)
                piece = article if whole else dataclasses.replace(article, text=article.text[start:end])
                yield article_doc(nlp, piece), _Piece(article, start, number == len(spans))

    incidents: list[Incident] = []
    errors: list[str] = []
    rule: str | None = None  # the first piece that reports an incident says which rule decided
    for doc, piece in _pipe(nlp, pieces(), settings, n_process):
        while failed:
            yield failed.popleft()
        errors.extend(doc._.ie_errors or [])
        found = doc._.ie_incidents or []
        incidents.extend(shift_evidence(incident, piece.start) for incident in found)
        rule = rule or (doc._.ie_incident_rule if found else None)
        if piece.last:
            yield build_record(piece.article, incidents, errors, rule)
            incidents, errors, rule = [], [], None
    while failed:
        yield failed.popleft()


@dataclass(frozen=True)
class _Piece:
    article: CleanArticle
    start: int
    """Offset of the piece in the article's text."""
    last: bool


def _pipe(
    nlp: Language, items: Iterator[tuple[Doc, _Piece]], settings: Settings, n_process: int
) -> Iterator[tuple[Doc, _Piece]]:
    if n_process > 1:  # spaCy's own processes batch by count only
        yield from nlp.pipe(items, as_tuples=True, batch_size=settings.batch_size, n_process=n_process)
        return
    for group in _batches(items, settings.batch_size, settings.batch_tokens):
        yield from nlp.pipe(group, as_tuples=True, batch_size=len(group))


def _batches(
    items: Iterator[tuple[Doc, _Piece]], size: int, tokens: int
) -> Iterator[list[tuple[Doc, _Piece]]]:
    """Groups of at most ``size`` docs and ``tokens`` tokens (a longer doc alone)."""
    group: list[tuple[Doc, _Piece]] = []
    total = 0
    for item in items:
        length = len(item[0])
        if group and (len(group) >= size or total + length > tokens):
            yield group
            group, total = [], 0
        group.append(item)
        total += length
    if group:
        yield group


_PIECE_ENDS = (re.compile(r"\n\s*\n"), re.compile(r"\n"), re.compile(r"[.!?…»]\s+"), re.compile(r"\s+"))
"""Where a piece may end, best first: a blank line, a line end, a sentence end, any space."""


def piece_spans(text: str, limit: int) -> list[tuple[int, int]]:
    """``(start, end)`` of consecutive pieces covering ``text``, each at most ``limit`` long,
    cut at the best boundary in the second half of the window (a hard cut when none)."""
    spans = []
    start = 0
    while len(text) - start > limit:
        end = start + limit
        window = text[start + limit // 2 : end]
        for boundary in _PIECE_ENDS:
            found = [m.end() for m in boundary.finditer(window)]
            if found:
                end = start + limit // 2 + found[-1]
                break
        spans.append((start, end))
        start = end
    spans.append((start, len(text)))
    return spans


def shift_evidence(incident: Incident, offset: int) -> Incident:
    """The incident with every evidence offset moved by ``offset`` (a piece's place in the text)."""
    if not offset:
        return incident
    data = incident.model_dump(mode="json")
    _shift(data, offset)
    return Incident.model_validate(data)


def _shift(value: object, offset: int) -> None:
    if isinstance(value, dict):
        evidence = value.get("evidence")
        if isinstance(evidence, dict):
            evidence["start"] += offset
            evidence["end"] += offset
        for child in value.values():
            _shift(child, offset)
    elif isinstance(value, list):
        for child in value:
            _shift(child, offset)


def article_doc(nlp: Language, article: CleanArticle) -> Doc:
    """The article's text as a Doc, with what the components read besides the text: the
    publication date (relative dates) and the URL (its slug and date when the page lacks them)."""
    doc = nlp.make_doc(article.text)
    doc._.ie_published = article.published
    doc._.ie_url = article.url
    doc._.ie_title = article.title
    return doc


_WORKER: tuple[Language, Settings] | None = None
"""The pipeline and settings of the parent, inherited by forked workers (not pickled)."""
CHUNK = 32


def _extract_chunk(chunk: list[RawArticle]) -> list[ArticleRecord]:
    nlp, settings = _WORKER
    one_process = settings.model_copy(update={"workers": 1})
    return list(extract_many(chunk, nlp=nlp, settings=one_process, progress=False))


def _extract_in_processes(
    articles: Iterable[RawArticle], nlp: Language, settings: Settings
) -> Iterator[ArticleRecord]:
    """Chunks of articles to a pool of forked workers that share the loaded model's memory.

    Only articles and records cross processes (not Docs, as with ``nlp.pipe(n_process=...)``,
    which measured 1.2x on two cores against 1.7x here); at most two chunks per worker are in
    flight, so reading stays lazy and memory flat however many articles come.
    """
    global _WORKER
    _WORKER = (nlp, settings)
    iterator = iter(articles)
    with mp.get_context("fork").Pool(settings.workers) as pool:
        window: deque = deque()
        while True:
            while len(window) < 2 * settings.workers:
                chunk = list(itertools.islice(iterator, CHUNK))
                if not chunk:
                    break
                window.append(pool.apply_async(_extract_chunk, (chunk,)))
            if not window:
                break
            yield from window.popleft().get()


def process_inputs(
    inputs: Iterable[str | Path],
    nlp: Language | None = None,
    settings: Settings = DEFAULT_SETTINGS,
    fetch_settings: FetchSettings = DEFAULT_FETCH_SETTINGS,
) -> Iterator[ArticleRecord]:
    """Files, folders, page and feed URLs -> records, read lazily by the reader ``run`` uses
    (:func:`~.sources.read_inputs`)."""
    return extract_many(
        read_inputs(inputs, settings, fetch_settings), nlp=nlp, settings=settings, progress=False
    )


def source_of(article: CleanArticle | RawArticle) -> Source:
    """The record's source fields, safe to write whatever the article came with (an article
    that failed before ``clean`` was never sanitised)."""
    return Source(
        path=safe_optional(article.path),
        id=safe_optional(article.id),
        url=safe_optional(article.url),
        title=safe_optional(article.title),
        site=safe_optional(getattr(article, "site", None)),
        published=article.published,
    )


def to_record(doc: Doc, article: CleanArticle) -> ArticleRecord:
    return build_record(article, doc._.ie_incidents or [], doc._.ie_errors or [], doc._.ie_incident_rule)


def build_record(
    article: CleanArticle, incidents: list[Incident], errors: list[str], incident_rule: str | None = None
) -> ArticleRecord:
    """The record of an article from its incidents (of all its pieces) and its errors."""
    if errors:
        return error_record(article, "; ".join(errors))
    try:
        return ArticleRecord(
            source=source_of(article),
            text=article.text,
            is_incident=bool(incidents),
            incident_rule=incident_rule if incidents else None,
            incidents=incidents,
            errors=list(article.notes),
        )
    except ValidationError as exc:
        log.warning("invalid record for %s: %s", article.path, exc)
        return error_record(article, f"invalid record: {exc.errors()[0]['msg']}")


def off_topic_record(article: CleanArticle) -> ArticleRecord:
    """The record of an article the relevance filter kept away from spaCy: no incident."""
    return ArticleRecord(source=source_of(article), text=article.text, errors=list(article.notes))


def error_record(article: CleanArticle | RawArticle, message: str) -> ArticleRecord:
    text = article.text if isinstance(article, CleanArticle) else ""
    return ArticleRecord(
        source=source_of(article),
        text=safe_text(text or ""),
        errors=[safe_text(message), *(safe_text(note) for note in article.notes)],
    )
