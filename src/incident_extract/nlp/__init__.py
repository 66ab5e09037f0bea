"""spaCy side of incident-extract: components, their factories and the pipeline loader."""
