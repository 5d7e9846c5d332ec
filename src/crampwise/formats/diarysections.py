"""The sections of a ``crampwise-diary`` document after its nights and episodes: regimen,
adherence, medications, labs, factors, trigger points and red flags.

Each row is read into its record and checked by the domain's own rule (the same
function the API uses), and the rules across rows are applied (entries of one name may
not overlap; no key may repeat). The JSON-shape checks shared with
:mod:`crampwise.formats.diaryformat` are here too.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from crampwise import validate as v
from crampwise import vocab
from crampwise.context import check_lab, check_trigger_point
from crampwise.errors import ImportFormatError
from crampwise.medications import check_medication
from crampwise.records import (
    Adherence,
    Factor,
    Lab,
    Medication,
    RedFlagAnswer,
    RegimenEntry,
    TriggerPoint,
    TriggerPointRating,
)
from crampwise.regimen import check_regimen_entry
from crampwise.rules import spans_overlap, trigger_point_key

TYPE_CHECKING = False  # the project's one convention (tests/test_conventions.py)
if TYPE_CHECKING:
    from crampwise.formats.diaryformat import ParsedDiary

__all__ = [
    "check_keys",
    "check_overlaps",
    "check_red_flag",
    "check_unique",
    "list_value",
    "parse_adherence",
    "parse_factor",
    "parse_lab",
    "parse_medication",
    "parse_red_flag",
    "parse_regimen",
    "parse_trigger_point",
]


def check_keys(obj: Any, path: str, required: tuple[str, ...], optional: tuple[str, ...]) -> None:
    """``obj`` is an object with every ``required`` key and no key but those and the
    ``optional`` ones (errors name the JSON path)."""
    if not isinstance(obj, dict):
        raise ImportFormatError(path, f"must be an object, got {type(obj).__name__}")
    allowed = required + optional
    if not _allowed_set(allowed).issuperset(obj):
        for key in obj:
            if key not in allowed:
                raise ImportFormatError(
                    f"{path}.{key}", f"unknown key; allowed: {', '.join(allowed)}"
                )
    for key in required:
        if key not in obj:
            raise ImportFormatError(f"{path}.{key}", "is required")


#: The allowed keys of each kind of object as a set (one C-level check per row rather
#: than a loop over its keys: ten years of nights are 3,650 rows).
_ALLOWED_SETS: dict[tuple[str, ...], frozenset[str]] = {}


def _allowed_set(allowed: tuple[str, ...]) -> frozenset[str]:
    found = _ALLOWED_SETS.get(allowed)
    if found is None:
        found = _ALLOWED_SETS[allowed] = frozenset(allowed)
    return found


def list_value(value: Any, path: str) -> list[Any]:
    """A list (absent or null: empty), else an error naming ``path``."""
    if value is None:
        return []
    if not isinstance(value, list):
        raise ImportFormatError(path, f"must be a list, got {type(value).__name__}")
    return value


def parse_regimen(raw: Any, path: str, today: dt.date) -> RegimenEntry:
    """A ``regimen`` row, checked as the API checks an entry."""
    check_keys(
        raw,
        path,
        ("item", "kind", "start"),
        ("form", "dose", "unit", "times", "every", "end", "notes"),
    )
    return check_regimen_entry(
        RegimenEntry(
            item=raw["item"],
            kind=raw["kind"],
            form=raw.get("form"),
            dose=raw.get("dose"),
            unit=raw.get("unit"),
            times=tuple(list_value(raw.get("times"), f"{path}.times")),
            every=raw.get("every"),  # checked (absent: every day) with the rest of it
            start=raw["start"],
            end=raw.get("end"),
            notes=raw.get("notes") or "",
        ),
        f"{path}.",
        today,
    )


def check_overlaps(entries: list[tuple[str, str, str | None]], section: str) -> None:
    """Entries (name, start, end) of the same name may not overlap in time (the rule of
    :func:`crampwise.rules.regimen_clashes` and ``medication_clashes``)."""
    by_name: dict[str, list[tuple[int, str, str | None]]] = {}
    for i, (name, start, end) in enumerate(entries):
        for j, other_start, other_end in by_name.get(name, []):
            if spans_overlap(start, end, other_start, other_end):
                raise ImportFormatError(
                    f"{section}[{i}].start",
                    f"{name} from {start} overlaps {section}[{j}] ({other_start} – "
                    f"{other_end or 'ongoing'})",
                )
        by_name.setdefault(name, []).append((i, start, end))


def parse_adherence(raw: Any, path: str, today: dt.date) -> Adherence:
    """An ``adherence`` row (a dose taken or not on a date)."""
    check_keys(raw, path, ("date", "item", "taken"), ("time",))
    taken = raw["taken"]
    if not isinstance(taken, bool):
        raise ImportFormatError(f"{path}.taken", f"{taken!r} is not true/false")
    time = raw.get("time")
    return Adherence(
        date=v.iso_date(raw["date"], f"{path}.date", today),
        item=v.item_name(raw["item"], f"{path}.item"),
        taken=taken,
        time="" if time is None else v.choice(time, f"{path}.time", vocab.DOSE_TIMES),
    )


def parse_medication(raw: Any, path: str, today: dt.date) -> Medication:
    """A ``medications`` row, checked as the API checks a medicine."""
    check_keys(raw, path, ("name", "start"), ("dose", "unit", "times", "every", "end", "notes"))
    return check_medication(
        Medication(
            name=raw["name"],
            dose=raw.get("dose"),
            unit=raw.get("unit"),
            times=tuple(list_value(raw.get("times"), f"{path}.times")),
            every=raw.get("every"),  # checked (absent: every day) with the rest of it
            start=raw["start"],
            end=raw.get("end"),
            notes=raw.get("notes") or "",
        ),
        f"{path}.",
        today,
    )


def parse_lab(raw: Any, path: str, today: dt.date) -> Lab:
    """A ``labs`` row, checked as the API checks a result."""
    check_keys(raw, path, ("date", "test", "value", "unit"), ("range_low", "range_high"))
    return check_lab(
        Lab(
            date=raw["date"],
            test=raw["test"],
            value=raw["value"],
            unit=raw["unit"],
            range_low=raw.get("range_low"),
            range_high=raw.get("range_high"),
        ),
        f"{path}.",
        today,
    )


def parse_factor(raw: Any, path: str, today: dt.date) -> Factor:
    """A ``factors`` row (a day's value of a named factor)."""
    check_keys(raw, path, ("date", "name", "value"), ("unit",))
    name = v.name_slug(raw["name"], f"{path}.name")
    value, unit = v.factor_value(name, raw["value"], raw.get("unit"), f"{path}.")
    return Factor(
        date=v.iso_date(raw["date"], f"{path}.date", today), name=name, value=value, unit=unit
    )


def parse_trigger_point(raw: Any, path: str, today: dt.date) -> TriggerPoint:
    """A ``trigger_points`` row with its ratings, checked as the API checks one."""
    check_keys(raw, path, ("muscle", "side", "found"), ("spot", "released", "notes", "ratings"))
    ratings = []
    for j, rating in enumerate(list_value(raw.get("ratings"), f"{path}.ratings")):
        check_keys(rating, f"{path}.ratings[{j}]", ("date", "tenderness"), ())
        ratings.append(TriggerPointRating(rating["date"], rating["tenderness"]))
    return check_trigger_point(
        TriggerPoint(
            muscle=raw["muscle"],
            side=raw["side"],
            found=raw["found"],
            spot=raw.get("spot") or "",
            released=raw.get("released"),
            notes=raw.get("notes") or "",
            ratings=tuple(ratings),
        ),
        f"{path}.",
        today,
    )


def parse_red_flag(raw: Any, path: str, today: dt.date) -> RedFlagAnswer:
    """A ``red_flags`` row: an answer to a shipped red-flag question."""
    check_keys(raw, path, ("date", "flag", "present"), ())
    present = raw["present"]
    if not isinstance(present, bool):
        raise ImportFormatError(f"{path}.present", f"{present!r} is not true/false")
    return RedFlagAnswer(
        date=v.iso_date(raw["date"], f"{path}.date", today),
        flag=check_red_flag(raw["flag"], f"{path}.flag"),
        present=present,
    )


def check_red_flag(flag: Any, field: str) -> str:
    """A red-flag question id from the shipped knowledge base."""
    from crampwise.knowledge import red_flags

    known = red_flags()
    return v.choice(flag, field, tuple(known))


def check_unique(out: ParsedDiary) -> None:
    """No two rows of a section share their key (a day's lab test, a medicine's start …)."""
    keyed: list[tuple[str, list[tuple[Any, ...]]]] = [
        ("adherence", [(a.date, a.item, a.time) for a in out.adherence]),
        ("medications", [(m.name, m.start) for m in out.medications]),
        ("labs", [(lab.date, lab.test) for lab in out.labs]),
        ("factors", [(f.date, f.name) for f in out.factors]),
        ("red_flags", [(r.date, r.flag) for r in out.red_flags]),
        ("trigger_points", [trigger_point_key(t) for t in out.trigger_points]),
    ]
    for section, keys in keyed:
        seen: dict[tuple[Any, ...], int] = {}
        for i, key in enumerate(keys):
            if key in seen:
                raise ImportFormatError(
                    f"{section}[{i}]",
                    f"repeats {section}[{seen[key]}] ({', '.join(map(str, key))})",
                )
            seen[key] = i
