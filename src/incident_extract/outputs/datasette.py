"""The store for datasette: the shipped ``metadata.yml`` (canned queries, facets, full-text
search), under the name datasette gives the database (its file name without suffix)."""

from __future__ import annotations

from importlib import resources
from pathlib import Path
from typing import Any

import yaml

TEMPLATE_DATABASE = "incidents"


def datasette_metadata(store: str | Path) -> dict[str, Any]:
    """The metadata for ``datasette STORE -m metadata.yml``: datasette keys a database's tables
    and queries by the file's stem, so the shipped file's ``incidents`` is renamed to it."""
    text = resources.files(__package__).joinpath("datasette_metadata.yml").read_text(encoding="utf-8")
    metadata = yaml.safe_load(text)
    databases = metadata["databases"]
    databases[Path(store).stem] = databases.pop(TEMPLATE_DATABASE)
    return metadata


def datasette_metadata_yaml(store: str | Path) -> str:
    return yaml.safe_dump(datasette_metadata(store), allow_unicode=True, sort_keys=False, width=110)
