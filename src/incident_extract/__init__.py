"""incident-extract: French news about cyberattacks -> structured, auditable incident records."""

import logging

from .models import ArticleRecord, Incident
from .nlp.pipeline import load_pipeline
from .outputs import SQLiteStore, read_records, to_dataframe, write_records
from .records import extract_article, extract_many, process_inputs
from .review import display_records  # also gives records and incidents their notebook view
from .version import __version__

__all__ = [
    "ArticleRecord",
    "Incident",
    "SQLiteStore",
    "__version__",
    "display_records",
    "extract_article",
    "extract_many",
    "load_pipeline",
    "process_inputs",
    "read_records",
    "to_dataframe",
    "write_records",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
