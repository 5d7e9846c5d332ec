"""The demo story has the shape DESIGN.md §1 tells, and is deterministic."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from crampwise.demo import MAGNESIUM_START, SWITCH_DAY, demo_document
from crampwise.tracker import Tracker


def _rate(nights: list[dict[str, object]], start: dt.date, end: dt.date) -> float:
    inside = [n for n in nights if start.isoformat() <= str(n["date"]) < end.isoformat()]
    return 7 * sum(int(n["cramps"]) for n in inside) / len(inside)  # type: ignore[call-overload]


def test_demo_is_deterministic() -> None:
    assert demo_document() == demo_document()
    assert demo_document(seed=1) != demo_document()


def test_demo_story_shape() -> None:
    doc = demo_document()
    nights = doc["nights"]
    first, last = (
        dt.date.fromisoformat(nights[0]["date"]),
        dt.date.fromisoformat(nights[-1]["date"]),
    )
    assert (last - first).days > 700  # about two years
    baseline = _rate(nights, first + dt.timedelta(days=21), MAGNESIUM_START)
    magnesium = _rate(nights, MAGNESIUM_START, SWITCH_DAY)
    flare = _rate(nights, first, first + dt.timedelta(days=21))
    after = _rate(nights, dt.date(2026, 1, 1), last + dt.timedelta(days=1))
    assert 0.6 <= baseline <= 1.6  # about one a week
    assert magnesium < baseline / 2  # about one a month
    assert flare > baseline  # tracking began in a flare
    assert after == 0  # months cramp-free
    items = {(r["item"], r["start"]) for r in doc["regimen"]}
    switch = SWITCH_DAY.isoformat()
    assert {("calcium", switch), ("trigger-point-massage", switch), ("stretching", switch)} <= items
    magnesium_entry = next(r for r in doc["regimen"] if r["item"] == "magnesium")
    assert (magnesium_entry["dose"], magnesium_entry["times"]) == (200, ["morning", "bedtime"])
    potassium_entry = next(r for r in doc["regimen"] if r["item"] == "potassium")
    assert (potassium_entry["dose"], potassium_entry["end"]) == (99, switch)
    calcium = next(r for r in doc["regimen"] if r["item"] == "calcium")
    assert calcium["dose"] * len(calcium["times"]) == 1000
    episodes = doc["episodes"]
    assert all("inner-thigh" in e["muscles"] for e in episodes)
    assert any(e["side"] == "both" for e in episodes)
    early = [e for e in episodes if e["night"] < MAGNESIUM_START.isoformat()]
    late = [e for e in episodes if e["night"] >= SWITCH_DAY.isoformat()]
    assert min(e["severity"] for e in early) > max(e["severity"] for e in late)
    assert max(e["duration_min"] for e in late) < min(e["duration_min"] for e in early)
    all_labs_normal = all(
        lab["range_low"] <= lab["value"] <= lab["range_high"] for lab in doc["labs"]
    )
    assert all_labs_normal


def test_demo_has_missing_nights_that_are_not_zeros(demo_tracker: Tracker) -> None:
    demo_tracker.import_diary(demo_document())
    summary = demo_tracker.summary()
    assert 5 <= summary.nights_missing <= 40
    missing = [n for n in demo_tracker.diary.nights() if not n.observed]
    assert all(n.cramps is None for n in missing)
    assert summary.current_streak > 14


def test_on_an_earlier_clock_the_story_moves_back_to_end_last_night(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A machine whose clock is before the story's end still gets a valid demo."""
    from crampwise.demo import load_demo

    monkeypatch.setenv("CRAMPWISE_NOW", "2026-06-01T09:00:00+00:00")
    result = load_demo(tmp_path / "demo.sqlite")
    assert result["summary"]["last_night"] == "2026-05-31"
    assert result["summary"]["nights_observed"] == len(demo_document()["nights"])
