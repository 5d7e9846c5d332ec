"""Field validators shared by the CLI, the Python API and the importer.

Each raises :class:`~crampwise.errors.InputError` naming the field (a CLI option or a
JSON path) and the allowed values. Stdlib only: used on the CLI hot path.
"""

from __future__ import annotations

import datetime as dt
import math

from crampwise import vocab
from crampwise.errors import InputError

TYPE_CHECKING = False  # not typing's: importing typing costs ~8 ms on the ``log`` path
if TYPE_CHECKING:
    from collections.abc import Iterable, Sequence
    from typing import Any

__all__ = [
    "choice",
    "choices",
    "factor_value",
    "free_text_name",
    "int_range",
    "iso_date",
    "item_name",
    "lab_unit",
    "name_slug",
    "number",
    "text",
    "unit",
]

# A set, not a regular expression: importing ``re`` costs ~5 ms on the ``log`` path.
_SLUG_CHARS = frozenset("abcdefghijklmnopqrstuvwxyz0123456789-")


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def int_range(value: Any, field: str, low: int, high: int | None = None) -> int:
    """A whole number in ``low..high``."""
    allowed = f"{low}..{high}" if high is not None else f"{low} or more"
    if isinstance(value, str):
        try:
            value = int(value.strip())
        except ValueError:
            raise InputError(field, f"{value!r} is not a whole number in {allowed}") from None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InputError(field, f"{value!r} is not a whole number in {allowed}")
    if value < low or (high is not None and value > high):
        raise InputError(field, f"{value} is not in {allowed}")
    return value


def number(value: Any, field: str, low: float | None = 0.0) -> float:
    """A finite number, at least ``low`` (None = any sign)."""
    if isinstance(value, str):
        try:
            value = float(value.strip())
        except ValueError:
            raise InputError(field, f"{value!r} is not a number") from None
    if not _is_number(value) or not math.isfinite(value):
        raise InputError(field, f"{value!r} is not a number")
    if low is not None and value < low:
        raise InputError(field, f"{value:g} is negative; must be {low:g} or more")
    return float(value)


def choice(value: Any, field: str, allowed: Sequence[str]) -> str:
    """One of the allowed values (case-insensitive, spaces read as dashes)."""
    if not isinstance(value, str):
        raise InputError(field, f"{value!r} is not allowed; allowed: {', '.join(allowed)}")
    normal = value.strip().lower().replace(" ", "-").replace("_", "-")
    lookup = {a.lower(): a for a in allowed}
    if normal not in lookup:
        raise InputError(field, f"{value!r} is not allowed; allowed: {', '.join(allowed)}")
    return lookup[normal]


def choices(
    values: Iterable[Any], field: str, allowed: Sequence[str], *, indexed: bool = True
) -> tuple[str, ...]:
    """Several allowed values, each checked, duplicates dropped, order kept.

    ``indexed`` names a bad value by its JSON index (``muscles[2]``) rather than the field.
    """
    out: list[str] = []
    for i, value in enumerate(values):
        item = choice(value, f"{field}[{i}]" if indexed else field, allowed)
        if item not in out:
            out.append(item)
    return tuple(out)


def iso_date(value: Any, field: str, today: dt.date | None = None) -> str:
    """An ISO ``YYYY-MM-DD`` date, not after ``today`` when given."""
    if not isinstance(value, str):
        raise InputError(field, f"{value!r} is not a date; use YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(field, f"{value!r} is not a date; use YYYY-MM-DD") from None
    if len(value) != 10:
        raise InputError(field, f"{value!r} is not a date; use YYYY-MM-DD")
    if today is not None and day > today:
        raise InputError(field, f"{value} is in the future (today is {today.isoformat()})")
    return value


def text(value: Any, field: str, limit: int = 2000) -> str:
    """Free text (notes), up to ``limit`` characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(field, f"{value!r} is not text")
    if len(value) > limit:
        raise InputError(field, f"is {len(value)} characters long; at most {limit} allowed")
    if "\x00" in value:
        raise InputError(field, "contains a NUL character, which cannot be stored")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise InputError(field, "contains a broken character (a lone surrogate)") from None
    return value


def unit(value: Any, field: str) -> str:
    """A dose unit of :data:`crampwise.vocab.UNITS`, in any of its spellings ("MEQ", "fl. oz",
    "ug", "Tablets"), returned in its canonical spelling ("mEq", "fl oz", "mcg", "tablet")."""
    allowed = ", ".join(vocab.REGIMEN_UNITS)
    if not isinstance(value, str):
        raise InputError(field, f"{value!r} is not allowed; allowed: {allowed}")
    key = " ".join(value.strip().lower().replace("_", " ").split())
    found = vocab.UNIT_SPELLINGS.get(key) or vocab.UNIT_SPELLINGS.get(key.rstrip("."))
    if found is None:
        raise InputError(field, f"{value!r} is not allowed; allowed: {allowed}")
    return found


def name_slug(value: Any, field: str) -> str:
    """A kebab-case name such as ``magnesium`` or ``trigger-point-massage``."""
    if not isinstance(value, str):
        raise InputError(field, f"{value!r} is not a name")
    normal = "-".join(value.strip().lower().replace("_", " ").split())
    if not normal or normal[0] == "-" or not _SLUG_CHARS.issuperset(normal) or len(normal) > 80:
        raise InputError(field, f"{value!r} is not a usable name; use letters, digits and dashes")
    return normal


def free_text_name(value: Any, field: str) -> str:
    """A free-text name such as a food (``coconut water``): lower case, spaces collapsed."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(field, f"{value!r} is not a name")
    normal = " ".join(text(value, field, 200).strip().lower().split())
    if len(normal) > 80:
        raise InputError(field, f"is {len(normal)} characters long; at most 80 allowed")
    return normal


def item_name(value: Any, field: str) -> str:
    """A regimen item named elsewhere (adherence): a kebab-case id, or a food's free text."""
    if isinstance(value, str) and len(value.split()) > 1:
        return free_text_name(value, field)
    return name_slug(value, field)


def lab_unit(test: str, unit: Any, field: str) -> str:
    """A unit the given lab test may be reported in."""
    units = vocab.LAB_TESTS[test]
    if not isinstance(unit, str):
        raise InputError(field, f"{unit!r} is not allowed for {test}; allowed: {', '.join(units)}")
    lookup = {u.lower(): u for u in units}
    key = unit.strip().lower().replace("µ", "u")
    if key not in lookup:
        raise InputError(field, f"{unit!r} is not allowed for {test}; allowed: {', '.join(units)}")
    return lookup[key]


def factor_value(
    name: str, value: Any, unit: Any, field: str
) -> tuple[float | bool | str, str | None]:
    """Check a factor's value (and unit) against its built-in spec, or accept a custom one."""
    spec = vocab.BUILTIN_FACTORS.get(name)
    if unit is not None and not isinstance(unit, str):
        raise InputError(f"{field}.unit", f"{unit!r} is not a unit")
    if spec is None:
        return _custom_factor_value(value, field), unit or None
    if spec.kind == "bool":
        return _bool_value(value, f"{field}.value"), None
    if spec.kind == "text":
        return text(value, f"{field}.value", 200), None
    amount = number(value, f"{field}.value")
    if spec.units:
        if unit is None:
            unit = spec.units[0]
        unit = choice(unit, f"{field}.unit", spec.units)
    return amount, unit


def _bool_value(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("yes", "true", "1", "y"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("no", "false", "0", "n"):
        return False
    raise InputError(field, f"{value!r} is not yes/no; allowed: yes, no, true, false")


def _custom_factor_value(value: Any, field: str) -> float | bool | str:
    if isinstance(value, bool):
        return value
    if _is_number(value):
        return number(value, f"{field}.value", low=None)
    if isinstance(value, str):
        stripped = value.strip()
        lowered = stripped.lower()
        if lowered in ("yes", "true", "no", "false"):
            return lowered in ("yes", "true")
        try:
            return number(float(stripped), f"{field}.value", low=None)
        except ValueError:
            return text(stripped, f"{field}.value", 200)
    raise InputError(f"{field}.value", f"{value!r} is not a number, yes/no or text")
