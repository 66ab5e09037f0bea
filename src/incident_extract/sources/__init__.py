"""Where articles come from: files and folders (:mod:`.files`), pages and feeds (:mod:`.web`),
both behind one reader (:mod:`.inputs`), and web archives (:mod:`.warc`, for the backfill;
needs the ``dask`` extra). Each gives :class:`RawArticle` s, never an exception for one bad
article: its ``error`` says what went wrong.

The names notebooks use are here: ``from incident_extract.sources import read_inputs``.
"""

from .files import (
    RawArticle,
    article_from_mapping,
    check_inputs,
    iter_files,
    iter_paths,
    parse_published,
    read_files,
    read_input_list,
    read_json_object,
    read_path,
    unsupported_files,
)
from .inputs import ArticleInputs, is_url, read_inputs
from .web import FeedReader, read_urls

__all__ = [
    "ArticleInputs",
    "FeedReader",
    "RawArticle",
    "article_from_mapping",
    "check_inputs",
    "is_url",
    "iter_files",
    "iter_paths",
    "parse_published",
    "read_files",
    "read_input_list",
    "read_inputs",
    "read_json_object",
    "read_path",
    "read_urls",
    "unsupported_files",
]
