"""incident-extract: French news about cyberattacks -> structured, auditable incident records."""

import logging

from .models import ArticleRecord, Incident
from .nlp.pipeline import load_pipeline
from .outputs import SQLiteStore, read_records, to_dataframe, write_records
from .records import extract_article, extract_many, process_inputs

__version__ = "0.1.0"
__all__ = [
    "ArticleRecord",
    "Incident",
    "SQLiteStore",
    "__version__",
    "extract_article",
    "extract_many",
    "load_pipeline",
    "process_inputs",
    "read_records",
    "to_dataframe",
    "write_records",
]

logging.getLogger(__name__).addHandler(logging.NullHandler())
