"""The web app's words for the domain's neutral errors: the ONE place that maps them.

Domain errors name record fields (``severity``, ``duration_min``, ``reliefs[1].helped``)
with a hint ``code`` (:data:`crampwise.errors.HINT_CODES`), and may name an ``action``
that would help next (:data:`crampwise.errors.ACTIONS`) with its ``subject``. The web app
shows a field's error next to that form field (:func:`form_field`), in the JSON API as a
``detail`` entry whose ``loc`` is the JSON path (:func:`json_detail`), and an action as a
link to the page that does it (:func:`action_link`). The CLI does the same in its own
words in ``cli/_fields.py``.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from crampwise.errors import CrampwiseError, InputError

__all__ = [
    "ACTION_LINKS",
    "action_json",
    "action_link",
    "error_text",
    "form_field",
    "json_detail",
    "json_loc",
]

#: Action → (link text, page); ``{subject}`` is filled in. Actions the web app has no page
#: for (importing files, choosing a database) are not linked.
ACTION_LINKS: dict[str, tuple[str, str]] = {
    "switch-regimen": ("Switch {subject} to the new form or dose", "/regimen"),
    "start-regimen": ("Start {subject} first", "/regimen"),
    "delete-regimen": ("Delete regimen entry #{subject}", "/delete/regimen-entries/{subject}"),
    "delete-medication": ("Delete medicine #{subject}", "/delete/medications/{subject}"),
    "edit-episode": ("Change cramp #{subject}", "/episodes/{subject}/edit"),
    "log-now": ("Log the cramp now", "/"),
    "give-night": ("Log it with its night", "/log"),
    "give-count": ("Check in the night", "/night"),
    "plan-experiment": ("Plan an experiment", "/experiments/plan"),
    "stop-experiment": ("See experiment {subject}", "/experiments/{subject}"),
}

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def json_loc(error: InputError, where: str = "body") -> list[str | int]:
    """The JSON path of an error: ``reliefs[1].helped`` → ``["body", "reliefs", 1, "helped"]``."""
    loc: list[str | int] = [where]
    for name, index in _PART.findall(error.field.strip().lstrip(".")):
        loc.append(int(index) if index else name)
    return loc


def json_detail(error: InputError, where: str = "body") -> list[dict[str, Any]]:
    """The API's 422 ``detail``: one entry with the path, the message and the hint code."""
    return [{"loc": json_loc(error, where), "msg": error.detail, "type": error.code}]


def action_json(error: CrampwiseError) -> dict[str, Any]:
    """``action`` and ``subject`` for an API error body (empty when there is none)."""
    action = getattr(error, "action", None)
    if not action:
        return {}
    return {"action": action, "subject": getattr(error, "subject", None)}


def action_link(error: CrampwiseError) -> tuple[str, str] | None:
    """(text, href) of the page that does what the error suggests, if the app has one."""
    action = getattr(error, "action", None)
    found = ACTION_LINKS.get(action or "")
    if found is None:
        return None
    subject = str(getattr(error, "subject", None) or "")
    if "{subject}" in found[1] and not subject.isdigit():
        return None  # a record link needs the record's id
    text, href = found
    return text.format(subject=subject or "it").replace("  ", " "), href.format(subject=subject)


def form_field(error: InputError, fields: Iterable[str]) -> str | None:
    """The form field an error belongs to (its first path part when that is one of the
    form's ``fields``), else None: the message is then shown above the form."""
    names = set(fields)
    field = error.field.strip()
    if field in names:
        return field
    first = _PART.findall(field.lstrip("."))
    if first and first[0][0] in names:
        return str(first[0][0])
    for part in (p.strip() for p in field.split(",")):  # "a, b cannot be edited"
        if part in names:
            return part
    return None


def error_text(error: CrampwiseError) -> str:
    """The message a person reads: the detail of an input error (the field is shown by
    where the message stands), else the whole message."""
    if isinstance(error, InputError):
        return error.detail
    return str(error)
