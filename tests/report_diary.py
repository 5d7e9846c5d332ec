"""A one-year diary for the doctor report's tests and benchmark: the demo story's first
year (flare, magnesium, potassium, the switch to calcium and routines) with what makes a
report long: two cramp-associated medicines (a thiazide started during the year, a
statin), an ACE inhibitor beside the potassium supplement (a safety finding), a potassium
result above the lab's range and a red flag answered yes."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crampwise.demo import demo_document

__all__ = ["LAST_NIGHT", "NOW", "one_year_document"]

FIRST_NIGHT = "2024-11-01"
LAST_NIGHT = "2025-10-31"
#: "now" for this diary: a fortnight after its last night.
NOW = dt.datetime(2025, 11, 15, 9, 0, tzinfo=dt.UTC)

_DATED = {"nights": "date", "episodes": "night", "adherence": "date", "factors": "date"}


def one_year_document() -> dict[str, Any]:
    """The one-year diary as a ``crampwise-diary`` document."""
    doc = demo_document()
    for section, key in _DATED.items():
        doc[section] = [r for r in doc[section] if r[key] <= LAST_NIGHT]
    for tp in doc["trigger_points"]:
        tp["ratings"] = [r for r in tp.get("ratings", []) if r["date"] <= LAST_NIGHT]
        if tp["released"] and tp["released"] > LAST_NIGHT:
            tp["released"] = None
    doc["medications"] += [
        {
            "name": "hydrochlorothiazide",
            "dose": 12.5,
            "unit": "mg",
            "times": ["morning"],
            "start": "2025-04-01",
            "end": None,
        },
        {
            "name": "atorvastatin",
            "dose": 20,
            "unit": "mg",
            "times": ["evening"],
            "start": "2023-05-01",
            "end": None,
        },
        {
            "name": "lisinopril",
            "dose": 10,
            "unit": "mg",
            "times": ["morning"],
            "start": "2022-01-10",
            "end": None,
        },
    ]
    doc["labs"].append(
        {
            "date": "2025-10-20",
            "test": "potassium",
            "value": 5.4,
            "unit": "mmol/L",
            "range_low": 3.5,
            "range_high": 5.1,
        }
    )
    doc["red_flags"].append({"date": "2025-10-25", "flag": "leg-swelling", "present": True})
    return doc
