"""CSV export for spreadsheets and statistics packages: one file per kind of record.

The files are made from the typed snapshot, not from database tables, so their columns
stay the same whatever the schema does (docs/export-csv.md lists them, generated from
:data:`COLUMNS`). Times are local to where the cramp was logged, with the UTC offset
beside them; ``nights.csv`` has every night of the diary's span, the missing ones too
(``observed`` false, ``cramps`` empty - never zero). The folder imports back
(``formats/csvimport.py``) to the same diary: every section of the JSON format has its
file(s), experiments as ``experiments.csv`` with ``experiment_periods.csv``.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
from collections.abc import Iterable
from typing import Any

from crampwise.errors import InputError
from crampwise.formats.files import check_targets, write_atomic
from crampwise.formats.jsonrecords import local_clock, number
from crampwise.records import DiaryData

__all__ = ["COLUMNS", "csv_tables", "write_csv"]

#: Every file and its columns, in order.
COLUMNS: dict[str, tuple[str, ...]] = {
    "nights": (
        "date",
        "observed",
        "cramps",
        "cramps_without_details",
        "sleep_quality",
        "notes",
    ),
    "episodes": (
        "id",
        "night",
        "date",
        "time",
        "utc_offset",
        "timezone",
        "approximate",
        "side",
        "muscles",
        "severity",
        "duration_min",
        "waves",
        "woke",
        "reliefs",
        "notes",
    ),
    "after_effects": ("episode_id", "night", "date", "kind", "rating"),
    "regimen": (
        "id",
        "item",
        "kind",
        "form",
        "dose",
        "unit",
        "times",
        "start",
        "end",
        "notes",
        "every",
    ),
    "adherence": ("date", "item", "time", "taken"),
    "medications": ("id", "name", "dose", "unit", "times", "start", "end", "notes", "every"),
    "labs": ("id", "date", "test", "value", "unit", "range_low", "range_high"),
    "factors": ("date", "name", "value", "unit"),
    "trigger_points": ("id", "muscle", "side", "spot", "found", "released", "notes"),
    "trigger_point_ratings": ("trigger_point_id", "date", "tenderness"),
    "red_flags": ("date", "flag", "present"),
    "experiments": (
        "id",
        "item",
        "comparator",
        "dose",
        "unit",
        "start",
        "period_days",
        "washout_days",
        "seed",
        "mcid",
        "p_benefit_min",
        "p_meaningful_min",
        "interim_looks",
        "baseline_per_week",
        "dispersion",
        "status",
        "stopped_on",
        "stop_reason",
        "notes",
    ),
    "experiment_periods": ("experiment_id", "period", "start", "end", "condition", "washout_until"),
    "profile": (
        "birth_year",
        "sex",
        "kidney_disease",
        "timezone",
        "bedtime",
        "pregnant",
        "breastfeeding",
    ),
}


def _cell(value: Any) -> Any:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, tuple | list):
        return ";".join(str(v) for v in value)
    if isinstance(value, float):
        return number(value)
    return "" if value is None else value


def _night_rows(data: DiaryData) -> Iterable[tuple[Any, ...]]:
    observed = {n.date: n for n in data.nights}
    if not observed:
        return
    day, last = dt.date.fromisoformat(min(observed)), dt.date.fromisoformat(max(observed))
    while day <= last:
        night = observed.get(day.isoformat())
        if night is None:
            yield (day.isoformat(), False, None, None, None, "")
        else:
            yield (
                night.date,
                True,
                night.cramps,
                night.undetailed_cramps,
                night.sleep_quality,
                night.notes,
            )
        day += dt.timedelta(days=1)


def _episode_rows(data: DiaryData) -> Iterable[tuple[Any, ...]]:
    for e in data.episodes:
        clock = local_clock(e, data.timezone)
        local_date = None
        if clock is not None:
            night = dt.date.fromisoformat(e.night)
            local_date = night if clock[0] >= "12:00" else night + dt.timedelta(days=1)
        yield (
            e.id,
            e.night,
            local_date.isoformat() if local_date else None,
            clock[0] if clock else None,
            clock[1] if clock else None,
            (e.tz or data.timezone) if clock else None,
            e.approximate,
            e.side,
            e.muscles,
            e.severity,
            e.duration_min,
            e.waves,
            e.woke,
            [f"{r.method}:{r.helped}" if r.helped else r.method for r in e.reliefs],
            e.notes,
        )


def csv_tables(data: DiaryData) -> dict[str, list[tuple[Any, ...]]]:
    """The rows of every file (header not included), as cells ready for ``csv``."""
    p = data.profile
    raw: dict[str, Iterable[tuple[Any, ...]]] = {
        "nights": _night_rows(data),
        "episodes": _episode_rows(data),
        "after_effects": (
            (e.id, e.night, a.date, a.kind, a.rating)
            for e in data.episodes
            for a in e.after_effects
        ),
        "regimen": (
            (
                r.id,
                r.item,
                r.kind,
                r.form,
                r.dose,
                r.unit,
                r.times,
                r.start,
                r.end,
                r.notes,
                r.every,
            )
            for r in data.regimen
        ),
        "adherence": ((a.date, a.item, a.time, a.taken) for a in data.adherence),
        "medications": (
            (m.id, m.name, m.dose, m.unit, m.times, m.start, m.end, m.notes, m.every)
            for m in data.medications
        ),
        "labs": (
            (x.id, x.date, x.test, x.value, x.unit, x.range_low, x.range_high) for x in data.labs
        ),
        "factors": ((f.date, f.name, f.value, f.unit) for f in data.factors),
        "trigger_points": (
            (t.id, t.muscle, t.side, t.spot, t.found, t.released, t.notes)
            for t in data.trigger_points
        ),
        "trigger_point_ratings": (
            (t.id, r.date, r.tenderness) for t in data.trigger_points for r in t.ratings
        ),
        "red_flags": ((r.date, r.flag, r.present) for r in data.red_flags),
        "experiments": (
            (
                x.id,
                x.item,
                x.comparator,
                x.dose,
                x.unit,
                x.start,
                x.period_days,
                x.washout_days,
                x.seed,
                x.mcid,
                x.p_benefit_min,
                x.p_meaningful_min,
                x.interim_looks,
                x.baseline_per_week,
                x.dispersion,
                x.status,
                x.stopped_on,
                x.stop_reason,
                x.notes,
            )
            for x in data.experiments
        ),
        "experiment_periods": (
            (x.id, i + 1, p.start, p.end, p.condition, p.washout_until)
            for x in data.experiments
            for i, p in enumerate(x.design)
        ),
        "profile": [
            (
                p.birth_year,
                p.sex,
                p.kidney_disease,
                p.timezone,
                p.bedtime,
                p.pregnant,
                p.breastfeeding,
            )
        ],
    }
    return {name: [tuple(_cell(c) for c in row) for row in rows] for name, rows in raw.items()}


def write_csv(data: DiaryData, folder: str, *, confirm: bool = False) -> list[str]:
    """Write every file into ``folder`` (made if missing); asks before replacing files.
    Returns the paths written."""
    targets = {name: os.path.join(folder, f"{name}.csv") for name in COLUMNS}
    if os.path.isdir(folder):
        check_targets(list(targets.values()), field="out", confirm=confirm)
    elif os.path.exists(folder):
        raise InputError("out", f"{folder!r} is a file; CSV export writes a folder of files")
    else:
        try:
            os.makedirs(folder)
        except OSError as exc:
            raise InputError(
                "out", f"cannot create the folder {folder!r}: {exc.strerror}"
            ) from None
    for name, rows in csv_tables(data).items():
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(COLUMNS[name])
        writer.writerows(rows)
        write_atomic(targets[name], buffer.getvalue(), field="out")
    return list(targets.values())
