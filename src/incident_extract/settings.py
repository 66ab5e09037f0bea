"""Tunables, in one place, with their reasons."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

INPUT_SUFFIXES = (".html", ".htm", ".txt", ".json", ".jsonl")


class Settings(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    max_input_bytes: int = 5_000_000
    """A news article is rarely above 300 kB of HTML; past this it is a dump, not an article."""
    max_text_chars: int = 200_000
    """Cleaned text above this is refused before spaCy, whose cost grows with length."""
    min_text_chars: int = 40
    """Below this there is no article to read (an empty page, a title alone)."""
    language: str = "fr"
    min_language_confidence: float = 0.90
    """Only a confident non-French verdict rejects an article; short or mixed texts pass."""
    batch_size: int = 16
    piece_chars: int = 20_000
    """Longer texts go through the pipeline in pieces of at most this many characters (cut at
    paragraph, then sentence ends), their incidents merged with offsets into the full text:
    the pipeline's memory grows faster than linearly with a Doc's length (one 190,000-character
    Doc took 3.2 GB), pieces keep it flat. News articles are far shorter (dev corpus: < 4,000)."""
    batch_tokens: int = 12_000
    """An ``nlp.pipe`` batch holds at most this many tokens (and ``batch_size`` articles or
    pieces): the neural components' memory follows the tokens of a whole batch, so eight long
    articles in one batch no longer sum it (16 news articles are about 6,000 tokens)."""
    workers: int = 1
    """Processes: a fork pool of workers sharing the loaded model, fed chunks of articles."""
    model: str = "fr_core_news_md"
    relevance_filter: bool = False
    """Skip the spaCy pipeline for a cleaned text with no cyber-incident word (``relevance.py``):
    its record says ``is_incident: false``. On for ``run`` and the batch, off in the library."""


DEFAULT_SETTINGS = Settings()
