"""Errors of the library. The CLI alone turns them into exit codes."""


class IncidentExtractError(Exception):
    """Base class: something the user can act on, with a one-line message."""


class InputError(IncidentExtractError):
    """An input path or URL cannot be read at all (missing, unreadable)."""


class ArticleError(IncidentExtractError):
    """One article cannot be processed (empty, binary, not French, too large...). The run goes on."""


class RulesError(IncidentExtractError):
    """A shipped or user rule file is invalid."""


class OutputError(IncidentExtractError):
    """The output cannot be written."""


class MissingExtraError(IncidentExtractError):
    """An optional dependency is not installed (``pip install 'incident-extract[pandas]'``)."""
