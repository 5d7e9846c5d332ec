"""The web app's words for the domain's neutral errors: the ONE place that maps them.

Domain errors name record fields (``severity``, ``duration_min``, ``reliefs[1].helped``)
with a hint ``code`` (:data:`crampwise.errors.HINT_CODES`). The web app shows them in
two ways: next to a form field (:func:`form_field`) and, in the JSON API, as a FastAPI-
style ``detail`` entry whose ``loc`` is the JSON path (:func:`json_detail`). The CLI does
the same for its options in ``cli/_fields.py``.

Older domain code still names some fields by their CLI option (``--severity``);
:data:`LEGACY` turns those into the neutral name so neither face shows an option.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

from crampwise.errors import CrampwiseError, InputError

__all__ = ["LEGACY", "error_text", "form_field", "json_detail", "json_loc", "neutral_field"]

#: CLI option (as some domain errors still name a field) → the neutral field name.
LEGACY: dict[str, str] = {
    "--at": "at",
    "--night": "night",
    "--side": "side",
    "--muscle": "muscles",
    "--severity": "severity",
    "--duration": "duration_min",
    "--waves": "waves",
    "--woke": "woke",
    "--relief": "reliefs",
    "--note": "notes",
    "--client-id": "client_id",
    "--sleep": "sleep_quality",
    "--cramps": "cramps",
    "--none": "cramps",
    "--date": "date",
    "--dose": "dose",
    "--unit": "unit",
    "--form": "form",
    "--times": "times",
    "--time": "time",
    "--low": "range_low",
    "--high": "range_high",
    "--tenderness": "tenderness",
    "--start": "start",
    "--then": "emptied_night",
    "--from": "start",
    "--to": "end",
}

_PART = re.compile(r"([^.\[\]]+)|\[(\d+)\]")


def neutral_field(field: str) -> str:
    """The neutral name of an error's field (legacy ``--option`` names translated)."""
    field = field.strip()
    return LEGACY.get(field, field)


def json_loc(error: InputError, where: str = "body") -> list[str | int]:
    """The JSON path of an error: ``reliefs[1].helped`` → ``["body", "reliefs", 1, "helped"]``."""
    loc: list[str | int] = [where]
    for name, index in _PART.findall(neutral_field(error.field).lstrip(".")):
        loc.append(int(index) if index else name)
    return loc


def json_detail(error: InputError, where: str = "body") -> list[dict[str, Any]]:
    """The API's 422 ``detail``: one entry with the path, the message and the hint code."""
    return [{"loc": json_loc(error, where), "msg": error.detail, "type": error.code}]


def form_field(error: InputError, fields: Iterable[str]) -> str | None:
    """The form field an error belongs to (its first path part when that is one of the
    form's ``fields``), else None: the message is then shown above the form."""
    names = set(fields)
    neutral = neutral_field(error.field)
    if neutral in names:
        return neutral
    first = _PART.findall(neutral.lstrip("."))
    if first and first[0][0] in names:
        return str(first[0][0])
    for part in (p.strip() for p in neutral.split(",")):  # "a, b cannot be edited"
        if part in names:
            return part
    return None


def error_text(error: CrampwiseError) -> str:
    """The message a person reads: the detail of an input error (the field is shown by
    where the message stands), else the whole message."""
    if isinstance(error, InputError):
        return error.detail
    return str(error)
