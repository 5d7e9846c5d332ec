"""One JSON shape per record: what ``export`` writes and what every ``--json`` prints.

Two flavours of the same shape:

* ``compact`` (the ``crampwise-diary`` document): empty fields are left out, whole numbers
  are written as integers, no database ids - so a document round-trips byte for byte;
* full (the CLI's ``--json`` and the web API): every key is present (``null`` when unknown)
  and the record's ``id`` comes first, so scripts can rely on the keys.
"""

from __future__ import annotations

import datetime as dt

from crampwise.records import (
    Adherence,
    AfterEffect,
    Episode,
    Experiment,
    Factor,
    Lab,
    Medication,
    Night,
    Profile,
    RedFlagAnswer,
    RegimenEntry,
    Relief,
    TriggerPoint,
)
from crampwise.timeparse import to_local

# ``log --json`` prints through here: no typing import (~8 ms) at 3 a.m.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

__all__ = [
    "adherence_json",
    "after_effect_json",
    "episode_json",
    "experiment_json",
    "factor_json",
    "lab_json",
    "local_clock",
    "medication_json",
    "night_json",
    "number",
    "offset_text",
    "profile_json",
    "red_flag_json",
    "regimen_json",
    "trigger_point_json",
]


def number(value: float | None) -> float | int | None:
    """Whole numbers as integers, so documents stay tidy and round-trip equal."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _is_empty(value: Any) -> bool:
    # Identity, not equality: 0 == False, and a severity or dose of 0 is data.
    return value is None or value is False or value in ("", [])


def _shape(
    obj: dict[str, Any], compact: bool, record_id: int | None, keep: tuple[str, ...] = ()
) -> dict[str, Any]:
    if compact:
        return {k: v for k, v in obj.items() if k in keep or not _is_empty(v)}
    return {"id": record_id, **obj}


def offset_text(offset: dt.timedelta | None) -> str:
    """``+01:00`` / ``-05:00`` (ISO 8601) for a UTC offset."""
    minutes = round((offset or dt.timedelta()).total_seconds() / 60)
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def local_clock(e: Episode, zone_name: str) -> tuple[str, str] | None:
    """An episode's local ``HH:MM`` and UTC offset in the zone it was logged in."""
    if e.occurred_at is None:
        return None
    local = to_local(e.occurred_at, e.tz or zone_name)
    return local.strftime("%H:%M"), offset_text(local.utcoffset())


def profile_json(p: Profile, *, compact: bool = True) -> dict[str, Any]:
    """The profile (``timezone`` only when the person set it)."""
    obj = {
        "birth_year": p.birth_year,
        "sex": p.sex,
        "kidney_disease": p.kidney_disease,
        "timezone": p.timezone,
        "bedtime": p.bedtime,
        "pregnant": p.pregnant,
        "breastfeeding": p.breastfeeding,
    }
    # an answered "no" is kept: false is data, unlike unknown
    keep = tuple(k for k in ("kidney_disease", "pregnant", "breastfeeding") if obj[k] is not None)
    return {k: v for k, v in obj.items() if k in keep or not _is_empty(v)} if compact else obj


def night_json(n: Night, *, compact: bool = True) -> dict[str, Any]:
    """An observed night with its total (``undetailed_cramps`` in the full shape)."""
    obj: dict[str, Any] = {
        "date": n.date,
        "cramps": n.cramps,
        "sleep_quality": n.sleep_quality,
        "notes": n.notes,
    }
    if compact:
        return _shape(obj, True, None, keep=("cramps",))
    return {**obj, "undetailed_cramps": n.undetailed_cramps}


def relief_json(r: Relief) -> dict[str, Any]:
    """A relief: method and (when rated) how well it helped."""
    return {"method": r.method, "helped": r.helped} if r.helped else {"method": r.method}


def after_effect_json(a: AfterEffect) -> dict[str, Any]:
    """Soreness or a knot on a day."""
    return {"date": a.date, "kind": a.kind, "rating": a.rating}


def episode_json(
    e: Episode, zone_name: str, *, compact: bool = True, document_zone: str | None = None
) -> dict[str, Any]:
    """A cramp. ``time`` is local to the zone it was logged in and ``utc_offset`` pins the
    instant (the repeated hour of a DST change is otherwise ambiguous).

    ``zone_name`` is the zone for episodes logged without one; in the compact shape the
    episode's ``timezone`` is written only when it differs from ``document_zone``.
    """
    clock = local_clock(e, zone_name)
    tz = e.tz if e.occurred_at is not None else None
    obj: dict[str, Any] = {
        "night": e.night,
        "time": clock[0] if clock else None,
        "utc_offset": clock[1] if clock else None,
        "approximate": e.approximate,
        "timezone": tz if (not compact or (tz and tz != document_zone)) else None,
        "side": e.side,
        "muscles": list(e.muscles),
        "severity": e.severity,
        "duration_min": number(e.duration_min) if compact else e.duration_min,
        "waves": e.waves,
        "woke": e.woke,
        "reliefs": [relief_json(r) for r in e.reliefs],
        "after_effects": [after_effect_json(a) for a in e.after_effects],
        "notes": e.notes,
    }
    if not compact:
        obj["reliefs"] = [{"method": r.method, "helped": r.helped} for r in e.reliefs]
    return _shape(obj, compact, e.id, keep=("woke",) if e.woke is not None else ())


def regimen_json(e: RegimenEntry, *, compact: bool = True) -> dict[str, Any]:
    """A regimen entry (``end`` null = ongoing)."""
    obj = {
        "item": e.item,
        "kind": e.kind,
        "form": e.form,
        "dose": number(e.dose) if compact else e.dose,
        "unit": e.unit,
        "times": list(e.times),
        # compact documents leave the default out, so a daily regimen reads as before
        "every": None if compact and e.every == "day" else e.every,
        "start": e.start,
        "end": e.end,
        "notes": e.notes,
    }
    return _shape(obj, compact, e.id, keep=("end",))


def adherence_json(a: Adherence, *, compact: bool = True) -> dict[str, Any]:
    """Whether an item was taken on a date (optionally one dose time)."""
    obj = {"date": a.date, "item": a.item, "taken": a.taken, "time": a.time}
    if compact:
        return _shape(obj, True, None, keep=("taken",))
    return {**obj, "time": a.time or None}


def medication_json(m: Medication, *, compact: bool = True) -> dict[str, Any]:
    """A prescription medicine."""
    obj = {
        "name": m.name,
        "dose": number(m.dose) if compact else m.dose,
        "unit": m.unit,
        "times": list(m.times),
        "every": None if compact and m.every == "day" else m.every,
        "start": m.start,
        "end": m.end,
        "notes": m.notes,
    }
    return _shape(obj, compact, m.id, keep=("end",))


def lab_json(lab: Lab, *, compact: bool = True) -> dict[str, Any]:
    """A lab result with the lab's own range when known; the full shape (CLI, web API) adds
    the test's LOINC code (the molar code where the value is kept molar)."""
    obj = {
        "date": lab.date,
        "test": lab.test,
        "value": number(lab.value) if compact else lab.value,
        "unit": lab.unit,
        "range_low": number(lab.range_low) if compact else lab.range_low,
        "range_high": number(lab.range_high) if compact else lab.range_high,
    }
    if not compact:
        from crampwise.knowledge import labs

        obj["loinc"] = labs()[lab.test].loinc_for(lab.unit) or None
    return _shape(obj, compact, lab.id, keep=("value",))


def factor_json(f: Factor, *, compact: bool = True) -> dict[str, Any]:
    """A daily context factor."""
    value = f.value if isinstance(f.value, bool | str) else number(f.value)
    obj = {"date": f.date, "name": f.name, "value": value, "unit": f.unit}
    return _shape(obj, compact, f.id, keep=("value",))


def trigger_point_json(t: TriggerPoint, *, compact: bool = True) -> dict[str, Any]:
    """A trigger point with its tenderness ratings."""
    obj = {
        "muscle": t.muscle,
        "side": t.side,
        "spot": t.spot,
        "found": t.found,
        "released": t.released,
        "notes": t.notes,
        "ratings": [{"date": r.date, "tenderness": r.tenderness} for r in t.ratings],
    }
    return _shape(obj, compact, t.id, keep=("released",))


def red_flag_json(r: RedFlagAnswer) -> dict[str, Any]:
    """An answer to a red-flag question."""
    return {"date": r.date, "flag": r.flag, "present": r.present}


def experiment_json(e: Experiment, *, compact: bool = True) -> dict[str, Any]:
    """An N-of-1 experiment: plan, seed, design (``end`` inclusive), decision rule, status."""
    obj: dict[str, Any] = {
        "item": e.item,
        "comparator": e.comparator,
        "dose": number(e.dose) if compact else e.dose,
        "unit": e.unit,
        "start": e.start,
        "period_days": e.period_days,
        "washout_days": e.washout_days,
        "seed": e.seed,
        "design": [
            {
                "start": p.start,
                "end": p.end,
                "condition": p.condition,
                "washout_until": p.washout_until,
            }
            for p in e.design
        ],
        "decision_rule": {
            "mcid": number(e.mcid),
            "p_benefit_min": number(e.p_benefit_min),
            "p_meaningful_min": number(e.p_meaningful_min),
        },
        "interim_looks": e.interim_looks,
        "baseline_per_week": number(e.baseline_per_week) if compact else e.baseline_per_week,
        "dispersion": number(e.dispersion) if compact else e.dispersion,
        "status": e.status,
        "stopped_on": e.stopped_on,
        "stop_reason": e.stop_reason,
        "notes": e.notes,
    }
    if compact:
        for p in obj["design"]:
            if p["washout_until"] is None:
                del p["washout_until"]
    return _shape(obj, compact, e.id, keep=("seed", "period_days", "washout_days", "status"))
