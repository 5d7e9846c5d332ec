"""The one exception tree of crampwise.

Every error a user can cause derives from :class:`CrampwiseError`; the CLI and the web
app turn these into one-line messages (never tracebacks)::

    CrampwiseError
    ├── InputError            a value the user gave is not allowed (names field + allowed values)
    │   ├── ImportFormatError a crampwise-diary document is malformed (names the JSON path)
    │   └── UnknownNameError  an unknown food, drug, nutrient, unit … (lists the closest names)
    ├── ConflictError         data already stored disagrees with what was given
    ├── NotFoundError         a record that was asked for does not exist
    ├── ConfirmationRequired  a destructive action needs confirmation
    ├── StorageError          the database cannot be opened or used
    │   └── MigrationError    the database schema is older/newer than this crampwise
    └── AnalysisError         an analysis cannot be computed from the data given
"""

from __future__ import annotations

__all__ = [
    "ACTIONS",
    "HINT_CODES",
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
    """Base class of every error crampwise raises on purpose.

    ``action`` (one of :data:`ACTIONS`) names, neutrally, what would help next, and
    ``subject`` what it applies to (an item, a record id); each face words it in its own
    terms (the CLI as a command to type, the web app as a button). Messages themselves
    never name a CLI command or option.
    """

    def __init__(
        self, message: str = "", *, action: str | None = None, subject: str | None = None
    ) -> None:
        super().__init__(message)
        if action is not None and action not in ACTIONS:
            raise ValueError(f"unknown action {action!r}")  # a bug in crampwise, not input
        self.action = action
        self.subject = subject


#: Hint codes an :class:`InputError` may carry: what kind of problem, so that each face
#: (CLI, web form, JSON API) can word it, highlight it or translate it in one place.
HINT_CODES: tuple[str, ...] = (
    "invalid",  # not readable as the kind of value wanted (a date, a number, a time …)
    "out-of-range",  # a number or date outside what is allowed
    "not-allowed",  # not one of a fixed list of values
    "required",  # missing
    "future",  # a date or time that has not happened yet
    "too-long",  # text or a list over its limit
    "unknown-name",  # a food, drug, nutrient … crampwise does not know
    "conflict-with-field",  # two values given together that cannot both hold
)


#: What may help next, for :attr:`CrampwiseError.action` (``subject`` in brackets).
ACTIONS: tuple[str, ...] = (
    "switch-regimen",  # change the ongoing entry instead of starting another [item]
    "start-regimen",  # start the item first [item]
    "delete-regimen",  # remove a regimen entry [entry id]
    "delete-medication",  # remove a medication [medication id]
    "edit-episode",  # change the stored episode [episode id]
    "log-now",  # log the cramp as it happens (the night is not over yet)
    "give-night",  # name the night, for a time on an earlier day
    "give-count",  # give the night's count (0 = cramp-free)
    "replace",  # let the incoming version win (import)
    "choose-another-db",  # use another (empty) database
    "plan-experiment",  # plan (and start) an experiment first
    "stop-experiment",  # stop the experiment [experiment id]
    "stop-regimen-for-experiment",  # let the experiment end the ongoing regimen entry [item]
    "accept-low-power",  # start an experiment that is unlikely to give a clear answer
)


class InputError(CrampwiseError, ValueError):
    """A value given by the user is not allowed.

    ``field`` is a *neutral* field name - the record's own field or JSON key
    (``severity``, ``duration_min``, ``regimen[2].start``), never a CLI option - and the
    message says what is allowed without naming commands or options. ``code`` is one of
    :data:`HINT_CODES`. Each face maps fields to its own words in one place (the CLI:
    ``crampwise.cli._fields``).
    """

    def __init__(
        self,
        field: str,
        message: str,
        *,
        code: str = "invalid",
        action: str | None = None,
        subject: str | None = None,
    ) -> None:
        if code not in HINT_CODES:
            raise ValueError(f"unknown hint code {code!r}")  # a bug in crampwise, not input
        self.field = field
        self.detail = message
        self.code = code
        super().__init__(
            f"{field}: {message}" if field else message, action=action, subject=subject
        )


class ImportFormatError(InputError):
    """A ``crampwise-diary`` document is malformed; ``field`` is the JSON path."""


class UnknownNameError(InputError):
    """A name (food, drug, nutrient, unit …) is unknown; ``suggestions`` lists close names."""

    def __init__(self, field: str, name: str, kind: str, suggestions: list[str]) -> None:
        self.name = name
        self.suggestions = suggestions
        hint = f"; did you mean: {', '.join(suggestions)}?" if suggestions else ""
        shown = repr(name) if len(name) <= 60 else f"{name[:60]!r}… ({len(name):,} characters)"
        super().__init__(field, f"unknown {kind} {shown}{hint}", code="unknown-name")


class ConflictError(CrampwiseError):
    """Stored data disagrees with new data; nothing was written."""

    def __init__(
        self,
        message: str,
        conflicts: list[str] | None = None,
        *,
        action: str | None = None,
        subject: str | None = None,
    ) -> None:
        self.conflicts = conflicts or []
        super().__init__(message, action=action, subject=subject)


class NotFoundError(CrampwiseError, LookupError):
    """A requested record does not exist."""


class ConfirmationRequired(CrampwiseError):
    """A destructive action was not confirmed."""


class StorageError(CrampwiseError):
    """The database cannot be opened or used. ``about`` is ``"db"`` when the database's
    address is what to check (a typo in a path, a server that does not answer): each face
    words it in its own terms, the CLI as ``--db``."""

    def __init__(
        self,
        message: str = "",
        *,
        about: str = "",
        action: str | None = None,
        subject: str | None = None,
    ) -> None:
        super().__init__(message, action=action, subject=subject)
        self.about = about


class MigrationError(StorageError):
    """The database schema does not match this version of crampwise."""


class AnalysisError(CrampwiseError):
    """An analysis cannot be computed from the data given."""
