"""The one exception tree of crampwise.

Every error a user can cause derives from :class:`CrampwiseError`; the CLI and the web
app turn these into one-line messages (never tracebacks)::

    CrampwiseError
    ├── InputError            a value the user gave is not allowed (names field + allowed values)
    │   ├── ImportFormatError a crampwise-diary document is malformed (names the JSON path)
    │   └── UnknownNameError  an unknown food, drug, nutrient, unit … (lists the closest names)
    ├── ConflictError         data already stored disagrees with what was given
    ├── NotFoundError         a record that was asked for does not exist
    ├── ConfirmationRequired  a destructive action needs confirmation (``--yes``)
    ├── StorageError          the database cannot be opened or used
    │   └── MigrationError    the database schema is older/newer than this crampwise
    └── AnalysisError         an analysis cannot be computed from the data given
"""

from __future__ import annotations

__all__ = [
    "AnalysisError",
    "ConfirmationRequired",
    "ConflictError",
    "CrampwiseError",
    "ImportFormatError",
    "InputError",
    "MigrationError",
    "NotFoundError",
    "StorageError",
    "UnknownNameError",
]


class CrampwiseError(Exception):
    """Base class of every error crampwise raises on purpose."""


class InputError(CrampwiseError, ValueError):
    """A value given by the user is not allowed.

    ``field`` names the offending field (or JSON path); the message says what is allowed.
    """

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.detail = message
        super().__init__(f"{field}: {message}" if field else message)


class ImportFormatError(InputError):
    """A ``crampwise-diary`` document is malformed; ``field`` is the JSON path."""


class UnknownNameError(InputError):
    """A name (food, drug, nutrient, unit …) is unknown; ``suggestions`` lists close names."""

    def __init__(self, field: str, name: str, kind: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
        super().__init__(field, f"unknown {kind} {name!r}{hint}")


class ConflictError(CrampwiseError):
    """Stored data disagrees with new data; nothing was written."""

    def __init__(self, message: str, conflicts: list[str] | None = None) -> None:
        self.conflicts = conflicts or []
        super().__init__(message)


class NotFoundError(CrampwiseError, LookupError):
    """A requested record does not exist."""


class ConfirmationRequired(CrampwiseError):
    """A destructive action was not confirmed."""


class StorageError(CrampwiseError):
    """The database cannot be opened or used."""


class MigrationError(StorageError):
    """The database schema does not match this version of crampwise."""


class AnalysisError(CrampwiseError):
    """An analysis cannot be computed from the data given."""
