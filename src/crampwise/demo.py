"""The demo story: two years of one person's diary, generated deterministically.

It replays DESIGN.md §1: cramps begin after a holiday in a hot place (tracking starts in
a flare, about four a week), then about one a week; magnesium 200 mg morning + bedtime
brings it to about one a month; potassium 99 mg is added; then both stop and calcium
1000 mg/day, nightly trigger-point massage and stretching all start on the same day, and
months pass without a cramp. Labs are normal; no cramp-causing drugs.

The same seed always gives the same document, so tests and screenshots are stable.
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
from typing import Any

__all__ = ["DEMO_SEED", "demo_database_path", "demo_document", "load_demo", "shift_dates"]


def demo_database_path() -> str:
    """Where ``crampwise demo`` puts the demo diary (beside the personal one)."""
    from crampwise.storage import default_database_path

    return str(default_database_path("demo.sqlite"))


DEMO_SEED = 1958
FIRST_NIGHT = dt.date(2024, 11, 1)
LAST_NIGHT = dt.date(2026, 10, 31)
MAGNESIUM_START = dt.date(2025, 2, 15)
POTASSIUM_START = dt.date(2025, 6, 1)
SWITCH_DAY = dt.date(2025, 10, 1)
_ABROAD = (dt.date(2025, 8, 9), dt.date(2025, 8, 14))  # a trip with no check-ins


def _rate_per_night(day: dt.date) -> float:
    """The story's underlying cramp rate (cramps per night)."""
    if day < FIRST_NIGHT + dt.timedelta(days=21):
        return 4 / 7  # the flare that made her start a diary
    if day < MAGNESIUM_START:
        return 1 / 7
    if day < SWITCH_DAY:
        return 1 / 40
    if day < dt.date(2025, 12, 15):
        return 1 / 60
    return 0.0  # months without a cramp


def _poisson(rng: random.Random, lam: float) -> int:
    # Knuth's method: exact and fast for the small rates used here.
    if lam <= 0:
        return 0
    limit, k, p = math.exp(-lam), 0, 1.0
    while True:
        p *= rng.random()
        if p <= limit:
            return k
        k += 1


def _episode(rng: random.Random, night: dt.date) -> dict[str, Any]:
    late = night >= SWITCH_DAY
    early = night < MAGNESIUM_START
    hour = rng.choice([1, 2, 2, 3, 3, 3, 4, 4, 5])
    side = rng.choices(["left", "right", "both"], weights=[4, 3, 3])[0]
    muscles = ["inner-thigh"] if rng.random() < 0.8 else ["inner-thigh", "hamstring"]
    if late:
        severity, duration, waves = rng.randint(3, 5), rng.choice([0.5, 1, 1]), 1
    elif early:
        severity, duration, waves = rng.randint(7, 9), rng.choice([2, 2.5, 3]), rng.randint(2, 4)
    else:
        severity, duration, waves = rng.randint(6, 8), rng.choice([1.5, 2, 2.5]), rng.randint(1, 3)
    episode: dict[str, Any] = {
        "night": night.isoformat(),
        "time": f"{hour:02d}:{rng.randrange(0, 60, 5):02d}",
        "side": side,
        "muscles": muscles,
        "severity": severity,
        "duration_min": duration,
        "waves": waves,
        "woke": True,
        "reliefs": [
            {"method": "stretch", "helped": rng.choice(["somewhat", "somewhat", "a-lot"])},
            {"method": "massage", "helped": rng.choice(["somewhat", "a-lot"])},
        ],
    }
    if rng.random() < 0.3:
        episode["approximate"] = True
    if severity >= 7:  # the knot that lasts for days after a bad one
        episode["after_effects"] = [
            {
                "date": (night + dt.timedelta(days=d)).isoformat(),
                "kind": "knot",
                "rating": max(1, severity - 2 - 2 * (d - 1)),
            }
            for d in (1, 2, 3)
        ]
    if side == "both" and severity >= 8:
        episode["notes"] = "Both inner thighs, in waves; had to stand up to stop it."
    return episode


def _nights_and_episodes(rng: random.Random) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    nights: list[dict[str, Any]] = []
    episodes: list[dict[str, Any]] = []
    day = FIRST_NIGHT
    week_factor = 1.0
    while day <= LAST_NIGHT:
        if day.weekday() == 0:  # cramps cluster: some weeks are worse than others
            week_factor = rng.gammavariate(4.0, 1 / 4.0)
        abroad = _ABROAD[0] <= day <= _ABROAD[1]
        forgot = rng.random() < 0.015 and day not in (FIRST_NIGHT, LAST_NIGHT)
        count = min(3, _poisson(rng, _rate_per_night(day) * week_factor))
        if not abroad and not forgot:
            quality = max(1, min(10, rng.randint(5, 8) - 2 * count))
            nights.append({"date": day.isoformat(), "cramps": count, "sleep_quality": quality})
            episodes.extend(_episode(rng, day) for _ in range(count))
        day += dt.timedelta(days=1)
    return nights, episodes


def _adherence(rng: random.Random, regimen: list[dict[str, Any]]) -> list[dict[str, Any]]:
    rows = []
    for entry in regimen:
        start = dt.date.fromisoformat(entry["start"])
        end = dt.date.fromisoformat(entry["end"]) if entry["end"] else LAST_NIGHT + dt.timedelta(1)
        day = start
        while day < end:
            rows.append(
                {"date": day.isoformat(), "item": entry["item"], "taken": rng.random() > 0.05}
            )
            day += dt.timedelta(days=1)
    rows.sort(key=lambda r: (r["date"], r["item"]))
    return rows


def _trigger_point(
    muscle: str, side: str, spot: str, found: dt.date, start: int, released: dt.date
) -> dict[str, Any]:
    ratings = []
    day, tenderness = found, start
    while day < released and tenderness > 0:
        ratings.append({"date": day.isoformat(), "tenderness": tenderness})
        day += dt.timedelta(days=7)
        tenderness -= 1
    return {
        "muscle": muscle,
        "side": side,
        "spot": spot,
        "found": found.isoformat(),
        "released": released.isoformat(),
        "ratings": ratings,
    }


def demo_document(seed: int = DEMO_SEED) -> dict[str, Any]:
    """The demo story as a ``crampwise-diary`` v1 document (deterministic for a seed)."""
    rng = random.Random(seed)
    nights, episodes = _nights_and_episodes(rng)
    regimen = [
        {
            "item": "magnesium",
            "kind": "supplement",
            "form": "glycinate",
            "dose": 200,
            "unit": "mg",
            "times": ["morning", "bedtime"],
            "start": MAGNESIUM_START.isoformat(),
            "end": SWITCH_DAY.isoformat(),
        },
        {
            "item": "potassium",
            "kind": "supplement",
            "form": "citrate",
            "dose": 99,
            "unit": "mg",
            "times": ["bedtime"],
            "start": POTASSIUM_START.isoformat(),
            "end": SWITCH_DAY.isoformat(),
            "notes": "Added; the doctor was worried about heart rhythm.",
        },
        {
            "item": "calcium",
            "kind": "supplement",
            "form": "carbonate",
            "dose": 500,
            "unit": "mg",
            "times": ["morning", "evening"],
            "start": SWITCH_DAY.isoformat(),
            "end": None,
        },
        {
            "item": "trigger-point-massage",
            "kind": "routine",
            "form": "massage-device",
            "dose": 5,
            "unit": "min",
            "times": ["bedtime"],
            "start": SWITCH_DAY.isoformat(),
            "end": None,
        },
        {
            "item": "stretching",
            "kind": "routine",
            "dose": 3,
            "unit": "min",
            "times": ["bedtime"],
            "start": SWITCH_DAY.isoformat(),
            "end": None,
            "notes": "Inner-thigh, calf and hamstring stretches before bed.",
        },
    ]
    labs = [
        {
            "date": "2025-01-20",
            "test": t,
            "value": val,
            "unit": u,
            "range_low": lo,
            "range_high": hi,
        }
        for t, val, u, lo, hi in (
            ("potassium", 4.1, "mmol/L", 3.5, 5.1),
            ("magnesium", 0.82, "mmol/L", 0.7, 1.0),
            ("calcium", 2.35, "mmol/L", 2.15, 2.55),
            ("sodium", 140, "mmol/L", 135, 145),
            ("creatinine", 68, "umol/L", 45, 90),
            ("tsh", 1.8, "mIU/L", 0.4, 4.0),
        )
    ] + [
        {
            "date": "2025-09-15",
            "test": "potassium",
            "value": 4.4,
            "unit": "mmol/L",
            "range_low": 3.5,
            "range_high": 5.1,
        },
        {
            "date": "2025-09-15",
            "test": "magnesium",
            "value": 0.91,
            "unit": "mmol/L",
            "range_low": 0.7,
            "range_high": 1.0,
        },
    ]
    factors = []
    for offset in range(-12, 3):  # the holiday in a hot place, just before the diary starts
        day = (FIRST_NIGHT + dt.timedelta(days=offset)).isoformat()
        factors.append({"date": day, "name": "heat", "value": True})
        if offset in (-12, 1):
            factors.append({"date": day, "name": "travel", "value": True})
    for offset in range(28):
        day = (FIRST_NIGHT + dt.timedelta(days=offset)).isoformat()
        factors.append(
            {"date": day, "name": "fluids", "value": rng.randrange(1300, 2300, 100), "unit": "ml"}
        )
    factors.sort(key=lambda f: (f["date"], f["name"]))
    return {
        "format": "crampwise-diary",
        "version": 1,
        "profile": {
            "birth_year": 1958,
            "sex": "female",
            "kidney_disease": False,
            "timezone": "Europe/Berlin",
        },
        "nights": nights,
        "episodes": episodes,
        "regimen": regimen,
        "adherence": _adherence(rng, regimen),
        "medications": [
            {
                "name": "levothyroxine",
                "dose": 50,
                "unit": "mcg",
                "times": ["morning"],
                "start": "2019-03-01",
                "end": None,
            }
        ],
        "labs": labs,
        "factors": factors,
        "trigger_points": [
            _trigger_point(
                "inner-thigh",
                "left",
                "mid-thigh, a hand above the knee",
                SWITCH_DAY,
                7,
                dt.date(2025, 12, 15),
            ),
            _trigger_point(
                "inner-thigh",
                "right",
                "upper third, near the groin",
                SWITCH_DAY + dt.timedelta(days=2),
                5,
                dt.date(2025, 11, 20),
            ),
        ],
        "red_flags": [
            {"date": "2024-11-10", "flag": flag, "present": False}
            for flag in (
                "leg-swelling",
                "muscle-weakness",
                "leg-numbness",
                "one-sided-calf-swelling-warmth",
            )
        ],
    }


_DATE_KEYS = frozenset({"date", "night", "start", "end", "found", "released"})


def shift_dates(doc: Any, days: int) -> Any:
    """A copy of a diary document with every date moved by ``days`` (times unchanged)."""
    if isinstance(doc, list):
        return [shift_dates(item, days) for item in doc]
    if not isinstance(doc, dict):
        return doc
    out: dict[str, Any] = {}
    for key, value in doc.items():
        if key in _DATE_KEYS and isinstance(value, str):
            out[key] = (dt.date.fromisoformat(value) + dt.timedelta(days=days)).isoformat()
        else:
            out[key] = shift_dates(value, days)
    return out


def load_demo(db: str | os.PathLike[str] | None = None, *, reset: bool = False) -> dict[str, Any]:
    """Load the demo story. Without ``db`` it goes into a separate demo database (replaced
    each time); a given ``db`` must be empty unless ``reset`` is true."""
    from crampwise.errors import ConflictError
    from crampwise.tracker import Tracker

    target = db if db is not None else demo_database_path()
    with Tracker(target) as tracker:
        if not tracker.is_empty() and db is not None and not reset:
            raise ConflictError(
                f"{tracker.database_url} already holds data; the demo only loads into an "
                "empty database unless you confirm replacing its contents",
                action="choose-another-db",
            )
        doc = demo_document()
        # On a machine whose clock is before the story's end, move the story back so that
        # it ends last night: a diary may not hold nights in the future.
        lag = (tracker.today() - dt.timedelta(days=1) - LAST_NIGHT).days
        if lag < 0:
            doc = shift_dates(doc, lag)
        tracker.import_diary(doc, wipe=True)
        summary = tracker.summary().to_dict()
        url = tracker.database_url
    return {"db": url, "db_arg": os.fspath(target), "summary": summary}
