"""Export a diary as a canonical ``crampwise-diary`` v1 document (docs/format.md).

Canonical means: every observed night with its total, empty fields left out, whole
numbers written as integers, episodes in time order. Importing such a document into an
empty diary and exporting again gives an equal document.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from crampwise.formats.diaryformat import FORMAT, VERSION
from crampwise.timeparse import to_local

if TYPE_CHECKING:
    from crampwise.records import Episode
    from crampwise.tracker import Tracker

__all__ = ["export_document"]


def _num(value: float | None) -> float | int | None:
    """Whole numbers export as integers so documents stay tidy and round-trip equal."""
    if value is None:
        return None
    return int(value) if float(value).is_integer() else value


def _is_empty(value: Any) -> bool:
    # Identity, not equality: 0 == False, and a severity or dose of 0 is data.
    return value is None or value is False or value in ("", [])


def _drop_empty(obj: dict[str, Any], keep: tuple[str, ...] = ()) -> dict[str, Any]:
    return {k: val for k, val in obj.items() if k in keep or not _is_empty(val)}


def _night_order(episode: dict[str, Any]) -> tuple[str, bool, str]:
    """Episodes in the order they happened: 23:00 comes before 01:00 of the same night."""
    time = episode.get("time")
    if time is None:
        return episode["night"], True, ""
    hour = int(time[:2])
    return episode["night"], False, f"{hour + 24 if hour < 12 else hour:02d}{time[2:]}"


def export_document(tracker: Tracker) -> dict[str, Any]:
    """The whole diary as a canonical ``crampwise-diary`` v1 document."""
    store = tracker.store
    profile = store.get_profile()
    tz = profile.timezone or tracker.timezone
    doc: dict[str, Any] = {"format": FORMAT, "version": VERSION}
    doc["profile"] = _drop_empty(
        {
            "birth_year": profile.birth_year,
            "sex": profile.sex,
            "kidney_disease": profile.kidney_disease,
            "timezone": tz,
            "pregnant": profile.pregnant,
            "breastfeeding": profile.breastfeeding,
        },
        keep=tuple(  # an answered "no" is kept: false is data, unlike unknown
            k
            for k in ("kidney_disease", "pregnant", "breastfeeding")
            if getattr(profile, k) is not None
        ),
    )
    nights = store.list_nights()
    doc["nights"] = [
        _drop_empty(
            {
                "date": n.date,
                "cramps": n.cramps,
                "sleep_quality": n.sleep_quality,
                "notes": n.notes,
            },
            keep=("cramps",),
        )
        for n in nights
    ]
    episodes = [_export_episode(e, tz) for e in store.list_episodes()]
    for night in nights:  # cramps counted without details travel as bare episodes
        if night.undetailed_cramps and night.cramps != night.undetailed_cramps:
            episodes.extend({"night": night.date} for _ in range(night.undetailed_cramps))
    doc["episodes"] = sorted(episodes, key=_night_order)
    doc["regimen"] = [
        _drop_empty(
            {
                "item": e.item,
                "kind": e.kind,
                "form": e.form,
                "dose": _num(e.dose),
                "unit": e.unit,
                "times": list(e.times),
                "start": e.start,
                "end": e.end,
                "notes": e.notes,
            },
            keep=("end",),
        )
        for e in store.list_regimen()
    ]
    doc["adherence"] = [
        _drop_empty(
            {"date": a.date, "item": a.item, "taken": a.taken, "time": a.time}, keep=("taken",)
        )
        for a in store.list_adherence()
    ]
    doc["medications"] = [
        _drop_empty(
            {
                "name": m.name,
                "dose": _num(m.dose),
                "unit": m.unit,
                "times": list(m.times),
                "start": m.start,
                "end": m.end,
                "notes": m.notes,
            },
            keep=("end",),
        )
        for m in store.list_medications()
    ]
    doc["labs"] = [
        _drop_empty(
            {
                "date": lab.date,
                "test": lab.test,
                "value": _num(lab.value),
                "unit": lab.unit,
                "range_low": _num(lab.range_low),
                "range_high": _num(lab.range_high),
            },
            keep=("value",),
        )
        for lab in store.list_labs()
    ]
    doc["factors"] = [
        _drop_empty(
            {
                "date": f.date,
                "name": f.name,
                "value": f.value if isinstance(f.value, bool | str) else _num(f.value),
                "unit": f.unit,
            },
            keep=("value",),
        )
        for f in store.list_factors()
    ]
    doc["trigger_points"] = [
        _drop_empty(
            {
                "muscle": t.muscle,
                "side": t.side,
                "spot": t.spot,
                "found": t.found,
                "released": t.released,
                "notes": t.notes,
                "ratings": [{"date": r.date, "tenderness": r.tenderness} for r in t.ratings],
            },
            keep=("released",),
        )
        for t in store.list_trigger_points()
    ]
    doc["red_flags"] = [
        {"date": r.date, "flag": r.flag, "present": r.present} for r in store.list_red_flags()
    ]
    return doc


def _export_episode(e: Episode, tz: str) -> dict[str, Any]:
    time = None
    if e.occurred_at is not None:
        time = to_local(e.occurred_at, e.tz or tz).strftime("%H:%M")
    return _drop_empty(
        {
            "night": e.night,
            "time": time,
            "approximate": e.approximate,
            "timezone": e.tz if e.tz and e.tz != tz else None,
            "side": e.side,
            "muscles": list(e.muscles),
            "severity": e.severity,
            "duration_min": _num(e.duration_min),
            "waves": e.waves,
            "woke": e.woke,
            "reliefs": [_drop_empty({"method": r.method, "helped": r.helped}) for r in e.reliefs],
            "after_effects": [
                {"date": a.date, "kind": a.kind, "rating": a.rating} for a in e.after_effects
            ],
            "notes": e.notes,
        },
        keep=("woke",) if e.woke is not None else (),
    )


