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
    "MAX_AMOUNT",
    "MAX_ID",
    "MIN_DATE",
    "check_day",
    "choice",
    "choices",
    "date_range",
    "dose_and_unit",
    "factor_limit",
    "factor_value",
    "free_text_name",
    "int_range",
    "iso_date",
    "item_name",
    "lab_test",
    "lab_unit",
    "lookup_name",
    "name_slug",
    "number",
    "record_id",
    "shown",
    "text",
    "unit",
]

#: The earliest date the diary accepts (a birth year in the profile moves it later): a
#: typo such as 0206-11-30 must not become a night 1,800 years ago.
MIN_DATE = dt.date(1900, 1, 1)

#: The largest amount any number may have unless a field says less: keeps sums and
#: products (dose × times × days) finite.
MAX_AMOUNT = 1_000_000.0

#: The largest record id the databases store (a signed 64-bit integer).
MAX_ID = 2**63 - 1

#: How much of a bad value an error repeats (a 120 KB argument is not echoed back).
_SHOWN = 60

# A set, not a regular expression: importing ``re`` costs ~5 ms on the ``log`` path.
_ASCII_NAME = frozenset("abcdefghijklmnopqrstuvwxyz0123456789")
#: Punctuation a name may contain besides letters, digits and symbols (a slug turns
#: spaces into dashes; free-text names such as foods and medicines keep them).
_SLUG_PUNCT = frozenset("-'.+")
_TEXT_PUNCT = frozenset("-'.+ ,()/&%’")


def shown(value: Any) -> str:
    """A bad value as an error repeats it: ``repr``, cut to about 60 characters."""
    if isinstance(value, str) and len(value) > _SHOWN:
        return f"{value[:_SHOWN]!r}… ({len(value):,} characters)"
    text = repr(value)
    return text if len(text) <= _SHOWN + 2 else text[:_SHOWN] + "…"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool)


def int_range(value: Any, field: str, low: int, high: int) -> int:
    """A whole number in ``low..high``."""
    allowed = f"{low}..{high}"
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            raise InputError(field, f"is empty; give a whole number in {allowed}", code="required")
        try:
            # int() reads at most 4,300 digits and raises ValueError beyond that.
            value = int(stripped) if len(stripped) <= 40 else _too_big(stripped, field, allowed)
        except ValueError:
            raise InputError(field, f"{shown(value)} is not a whole number in {allowed}") from None
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise InputError(field, f"{shown(value)} is not a whole number in {allowed}")
    if value < low or value > high:
        raise InputError(field, f"{shown(value)} is not in {allowed}", code="out-of-range")
    return value


def _too_big(digits: str, field: str, allowed: str) -> int:
    if digits.lstrip("+-").isdecimal():
        raise InputError(field, f"{shown(digits)} is not in {allowed}", code="out-of-range")
    raise ValueError(digits)


def record_id(value: Any, field: str = "id") -> int:
    """A record id as typed (``12``): a whole number the database can hold."""
    return int_range(value, field, 1, MAX_ID)


def dose_and_unit(dose: Any, unit: str | None, field: str = "dose") -> tuple[Any, str | None]:
    """A dose typed with its unit ("99mg", "20 mEq", "5,000 IU") split into the number and
    the unit; a unit given separately too must agree. Anything else is returned as it is
    (:func:`number` judges it)."""
    if not isinstance(dose, str):
        return dose, unit
    try:
        float(dose)  # a plain number ("1e3" too) has no unit in it
        return dose, unit
    except ValueError:
        pass
    import re

    found = re.fullmatch(
        r"\s*(\d{1,3}(?:,\d{3})+|\d+(?:\.\d+)?|\.\d+)\s*([^\W\d_][\w/.]*)\s*", dose
    )
    if found is None:
        return dose, unit
    amount, typed = found[1].replace(",", ""), found[2]
    if unit is not None and unit.strip().casefold() != typed.casefold():
        raise InputError(
            field,
            f"{shown(dose)} says {typed} but the unit given is {shown(unit)}; give the unit once",
            code="conflict-with-field",
        )
    return amount, typed


def number(value: Any, field: str, low: float | None = 0.0, high: float = MAX_AMOUNT) -> float:
    """A finite number in ``low..high`` (``low`` None: at least ``-high``)."""
    if isinstance(value, str):
        stripped = value.strip()
        if not stripped:
            raise InputError(field, "is empty; give a number", code="required")
        try:
            value = float(stripped) if len(stripped) <= 40 else float("nan")
        except ValueError:
            raise InputError(field, f"{shown(value)} is not a number") from None
        if stripped.lower().lstrip("+-") in ("nan", "inf", "infinity"):
            raise InputError(field, f"{shown(stripped)} is not a number")
        if not math.isfinite(value):
            raise InputError(field, f"{shown(stripped)} is not a number (too long)")
    if isinstance(value, int) and not isinstance(value, bool) and abs(value) > high:
        raise InputError(field, f"is over {high:g}; at most {high:g} allowed", code="out-of-range")
    if not _is_number(value) or not math.isfinite(value):
        raise InputError(field, f"{shown(value)} is not a number")
    floor = -high if low is None else low
    if value < floor:
        if low == 0:
            raise InputError(
                field, f"{value:g} is negative; must be 0 or more", code="out-of-range"
            )
        raise InputError(field, f"{value:g} is below {floor:g}", code="out-of-range")
    if value > high:
        raise InputError(
            field, f"{value:g} is over {high:g}, the most allowed", code="out-of-range"
        )
    return float(value)


def choice(value: Any, field: str, allowed: Sequence[str]) -> str:
    """One of the allowed values (case-insensitive, spaces read as dashes)."""
    exact, lookup = _lookup(allowed)
    if type(value) is str and value in exact:  # written as in ``allowed``: one look-up
        return lookup[value]
    if isinstance(value, str) and not value.strip():
        raise InputError(field, f"is empty; allowed: {', '.join(allowed)}", code="required")
    if not isinstance(value, str):
        raise InputError(
            field,
            f"{shown(value)} is not allowed; allowed: {', '.join(allowed)}",
            code="not-allowed",
        )
    normal = _normal(value)
    if normal not in lookup:
        raise InputError(
            field,
            f"{shown(value)} is not allowed; allowed: {', '.join(allowed)}",
            code="not-allowed",
        )
    return lookup[normal]


def _normal(value: str) -> str:
    return value.strip().lower().replace(" ", "-").replace("_", "-")


#: Per list of allowed values (by identity; the list is kept so its id stays its own): the
#: normal forms → the value, and the values that are their own normal form. Building the
#: map for every call was a third of validating a diary's episodes.
_LOOKUPS: dict[int, tuple[Sequence[str], frozenset[str], dict[str, str]]] = {}


def _lookup(allowed: Sequence[str]) -> tuple[frozenset[str], dict[str, str]]:
    found = _LOOKUPS.get(id(allowed))
    if found is not None and found[0] is allowed:
        return found[1], found[2]
    lookup = {a.lower(): a for a in allowed}
    exact = frozenset(k for k in lookup if k and _normal(k) == k)
    if isinstance(allowed, tuple):  # immutable: safe to remember
        if len(_LOOKUPS) > 256:
            _LOOKUPS.clear()
        _LOOKUPS[id(allowed)] = (allowed, exact, lookup)
    return exact, lookup


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


def iso_date(
    value: Any, field: str, today: dt.date | None = None, earliest: dt.date = MIN_DATE
) -> str:
    """An ISO ``YYYY-MM-DD`` date from ``earliest`` (1900-01-01) to ``today`` (when given)."""
    if isinstance(value, str) and not value.strip():
        raise InputError(field, "is empty; give a date as YYYY-MM-DD", code="required")
    if not isinstance(value, str):
        raise InputError(field, f"{shown(value)} is not a date; use YYYY-MM-DD")
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise InputError(field, f"{shown(value)} is not a date; use YYYY-MM-DD") from None
    if len(value) != 10:
        raise InputError(field, f"{shown(value)} is not a date; use YYYY-MM-DD")
    check_day(day, field, today, earliest)
    return value


def check_day(
    day: dt.date, field: str, today: dt.date | None = None, earliest: dt.date = MIN_DATE
) -> dt.date:
    """``day`` itself when it lies from ``earliest`` to ``today`` (when given)."""
    if day < earliest:
        since = "1900" if earliest == MIN_DATE else "the birth year in the profile"
        raise InputError(
            field,
            f"{day.isoformat()} is before {earliest.isoformat()}; dates from {since} on "
            "are accepted (a typo in the year?)",
            code="out-of-range",
        )
    if today is not None and day > today:
        raise InputError(
            field,
            f"{day.isoformat()} is in the future (today is {today.isoformat()})",
            code="future",
        )
    return day


def date_range(
    start: str | None, end: str | None, today: dt.date, earliest: dt.date = MIN_DATE
) -> tuple[str | None, str | None]:
    """A from/to filter (fields ``start`` and ``end``): each an ISO date, ``today`` or
    ``yesterday``, not after today, and in order."""

    def one(value: str | None, field: str) -> str | None:
        if value is None:
            return None
        word = value.strip().lower()
        if word == "today":
            return today.isoformat()
        if word == "yesterday":
            return (today - dt.timedelta(days=1)).isoformat()
        return iso_date(value.strip() if word else value, field, today, earliest)

    first, last = one(start, "start"), one(end, "end")
    if first and last and first > last:
        raise InputError(
            "end", f"{last} is before {first}, where the range starts", code="conflict-with-field"
        )
    return first, last


def text(value: Any, field: str, limit: int = 2000) -> str:
    """Free text (notes), up to ``limit`` characters."""
    if value is None:
        return ""
    if not isinstance(value, str):
        raise InputError(field, f"{shown(value)} is not text")
    if len(value) > limit:
        raise InputError(
            field, f"is {len(value):,} characters long; at most {limit:,} allowed", code="too-long"
        )
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
    refused = f"{shown(value)} is not allowed; allowed: {', '.join(vocab.REGIMEN_UNITS)}"
    if not isinstance(value, str):
        raise InputError(field, refused, code="not-allowed")
    key = " ".join(value.strip().lower().replace("_", " ").split())
    found = vocab.UNIT_SPELLINGS.get(key) or vocab.UNIT_SPELLINGS.get(key.rstrip("."))
    if found is None:
        raise InputError(field, refused, code="not-allowed")
    return found


def _name_chars_ok(name: str, punct: frozenset[str]) -> bool:
    """Letters, digits and symbols (any script, emoji too), joined by ``punct``.

    Control, format (except the emoji joiner), private-use and unassigned characters are
    refused, and so is punctuation outside ``punct`` (quotes, semicolons, brackets …).
    """
    if not (name[0] in _ASCII_NAME or not name[0].isascii()):
        return False
    ascii_only = name.isascii()
    if ascii_only:
        return all(c in _ASCII_NAME or c in punct for c in name)
    import unicodedata  # only for names outside ASCII: not on the usual `log` path

    for c in name:
        if c in _ASCII_NAME or c in punct:
            continue
        if c.isascii():
            return False
        category = unicodedata.category(c)
        if category[0] in "LMNS" or c == "\u200d":  # ZWJ joins emoji sequences
            continue
        return False
    return unicodedata.category(name[0])[0] in "LNS"


def name_slug(value: Any, field: str) -> str:
    """A kebab-case name such as ``magnesium``, ``trigger-point-massage``, ``ωmega-3-🐟``."""
    if not isinstance(value, str):
        raise InputError(field, f"{shown(value)} is not a name")
    if not value.strip():
        raise InputError(field, "is empty; give a name", code="required")
    if len(value) > 200:
        raise InputError(
            field, f"is {len(value):,} characters long; at most 80 allowed", code="too-long"
        )
    normal = "-".join(value.strip().lower().replace("_", " ").split())
    if len(normal) > 80:
        raise InputError(
            field, f"is {len(normal)} characters long; at most 80 allowed", code="too-long"
        )
    if not _name_chars_ok(normal, _SLUG_PUNCT):
        raise InputError(
            field,
            f"{shown(value)} is not a usable name; use letters, digits, symbols and "
            "dashes (no control characters, quotes or semicolons)",
        )
    return normal


def free_text_name(value: Any, field: str) -> str:
    """A free-text name such as a food (``coconut water``): lower case, spaces collapsed."""
    if not isinstance(value, str):
        raise InputError(field, f"{shown(value)} is not a name")
    if not value.strip():
        raise InputError(field, "is empty; give a name", code="required")
    if len(value) > 200:
        raise InputError(
            field, f"is {len(value):,} characters long; at most 80 allowed", code="too-long"
        )
    normal = " ".join(value.strip().lower().split())
    if len(normal) > 80:
        raise InputError(
            field, f"is {len(normal)} characters long; at most 80 allowed", code="too-long"
        )
    if not _name_chars_ok(normal, _TEXT_PUNCT):
        raise InputError(
            field,
            f"{shown(value)} is not a usable name; use letters, digits, symbols, spaces and "
            "- ' . , + ( ) / & % (no control characters, quotes or semicolons)",
        )
    return normal


def lookup_name(value: Any, field: str) -> str:
    """A name typed to find a stored record: lower case, spaces collapsed. Lenient (names
    stored before the name rules must stay reachable); only empty and overlong are refused,
    so that an error never repeats 120 KB."""
    if not isinstance(value, str) or not value.strip():
        raise InputError(field, "is empty; give a name", code="required")
    return " ".join(text(value, field, 200).strip().lower().split())


def item_name(value: Any, field: str) -> str:
    """A regimen item named elsewhere (adherence): a kebab-case id, or a food's free text."""
    if isinstance(value, str) and len(value.split()) > 1:
        return free_text_name(value, field)
    return name_slug(value, field)


def lab_test(value: Any, field: str) -> str:
    """A lab test as people write it: "K", "eGFR", "ionized calcium", "25-OH vitamin D"."""
    if isinstance(value, str):
        key = " ".join(value.strip().lower().replace("-", " ").replace("_", " ").split())
        alias = vocab.LAB_TEST_ALIASES.get(key)
        if alias is not None:
            return alias
    return choice(value, field, tuple(vocab.LAB_TESTS))


def _unit_key(unit: str) -> str:
    """ "mL/min/1.73 m²" and "ml/min/1.73m2" are one unit; µ is u."""
    return "".join(unit.lower().replace("µ", "u").replace("²", "2").split())


#: Units written short: an eGFR is always per 1.73 m² of body surface.
_LAB_UNIT_ALIASES: dict[tuple[str, str], str] = {("egfr", "ml/min"): "mL/min/1.73m2"}


def lab_unit(test: str, unit: Any, field: str) -> str:
    """A unit the given lab test may be reported in."""
    units = vocab.LAB_TESTS[test]
    if isinstance(unit, str) and not unit.strip():
        raise InputError(
            field, f"is empty; allowed for {test}: {', '.join(units)}", code="required"
        )
    message = f"{shown(unit)} is not allowed for {test}; allowed: {', '.join(units)}"
    if not isinstance(unit, str):
        raise InputError(field, message, code="not-allowed")
    lookup = {_unit_key(u): u for u in units}
    key = _unit_key(unit)
    if (test, key) in _LAB_UNIT_ALIASES:
        return _LAB_UNIT_ALIASES[(test, key)]
    if key not in lookup:
        raise InputError(field, message, code="not-allowed")
    return lookup[key]


#: The most a built-in factor may be per day, by unit (a day has 24 hours).
_FACTOR_MAX = {"ml": 20_000.0, "l": 20.0, "cup": 100.0, "h": 24.0, "min": 1440.0}
_FACTOR_MAX_OTHER = 1000.0  # drinks, cups, mg of caffeine per day …


def factor_limit(unit: str | None) -> float:
    """The most a built-in numeric factor may be in ``unit`` (per day)."""
    return _FACTOR_MAX.get(unit or "", _FACTOR_MAX_OTHER)


def factor_value(
    name: str, value: Any, unit: Any, prefix: str = ""
) -> tuple[float | bool | str, str | None]:
    """Check a factor's value (and unit) against its built-in spec, or accept a custom one.

    Errors name ``{prefix}value`` and ``{prefix}unit`` (``prefix`` such as ``factors[3].``).
    """
    spec = vocab.BUILTIN_FACTORS.get(name)
    if unit is not None and not isinstance(unit, str):
        raise InputError(f"{prefix}unit", f"{shown(unit)} is not a unit")
    if spec is None:
        if unit is not None and unit.strip():
            unit = text(unit.strip(), f"{prefix}unit", 20)
        return _custom_factor_value(value, f"{prefix}value"), unit or None
    if spec.kind == "bool":
        return _bool_value(value, f"{prefix}value"), None
    if spec.kind == "text":
        return text(value, f"{prefix}value", 200), None
    if spec.units:
        unit = choice(spec.units[0] if unit is None else unit, f"{prefix}unit", spec.units)
    return number(value, f"{prefix}value", high=factor_limit(unit)), unit


def _bool_value(value: Any, field: str) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("yes", "true", "1", "y"):
        return True
    if isinstance(value, str) and value.strip().lower() in ("no", "false", "0", "n"):
        return False
    raise InputError(
        field, f"{shown(value)} is not yes/no; allowed: yes, no, true, false", code="not-allowed"
    )


def _custom_factor_value(value: Any, field: str) -> float | bool | str:
    if isinstance(value, bool):
        return value
    if _is_number(value):
        return number(value, field, low=None)
    if isinstance(value, str):
        stripped = value.strip()  # empty text stays text: valid in v1 files, as for shoes
        lowered = stripped.lower()
        if lowered in ("yes", "true", "no", "false"):
            return lowered in ("yes", "true")
        try:
            as_float = float(stripped)
        except ValueError:
            return text(stripped, field, 200)
        return number(as_float, field, low=None)
    raise InputError(field, f"{shown(value)} is not a number, yes/no or text")
