"""The CLI's words for the domain's neutral field names, in one place.

Domain errors name record fields (``severity``, ``duration_min``, ``reliefs``); the person
typed options (``--severity``, ``--duration``, ``--relief``). :func:`cli_message` turns an
:class:`~crampwise.errors.InputError` into the one line the CLI prints. Stdlib only: it is
on the ``log`` path.
"""

from __future__ import annotations

from crampwise.errors import InputError

__all__ = ["OPTIONS", "cli_message", "option_for"]

#: Neutral field → the option a person types (when the option's name differs, or to add
#: the dashes). Fields not listed (positional arguments such as ``date``) are shown as is.
OPTIONS: dict[str, str] = {
    "at": "--at",
    "night": "--night",
    "side": "--side",
    "muscles": "--muscle",
    "severity": "--severity",
    "duration_min": "--duration",
    "waves": "--waves",
    "woke": "--woke",
    "reliefs": "--relief",
    "notes": "--note",
    "client_id": "--client-id",
    "sleep_quality": "--sleep",
    "cramps": "--cramps",
    "out": "--out",
    "emptied_night": "--then",
}


def option_for(field: str) -> str:
    """The option for a neutral field (``muscles`` → ``--muscle``), else the field."""
    return OPTIONS.get(field, field)


def cli_message(error: InputError) -> str:
    """The error as the CLI says it: ``--severity: 11 is not in 0..10``."""
    field = option_for(error.field)
    return f"{field}: {error.detail}" if field else error.detail
