"""Time phrases across daylight-saving changes (issue 8 item 5), through the CLI.

The clock is pinned with ``CRAMPWISE_NOW`` and the zone comes from ``TZ``, as on a
person's machine. Transitions used (tzdata):

* Europe/London 2026-03-29: 01:00 GMT → 02:00 BST (01:00-02:00 does not exist);
  2026-10-25: 02:00 BST → 01:00 GMT (01:00-02:00 happens twice).
* America/New_York 2026-03-08: 02:00 EST → 03:00 EDT (02:00-03:00 does not exist);
  2026-11-01: 02:00 EDT → 01:00 EST (01:00-02:00 happens twice).

Stored times are UTC instants; every expected value below is that instant, worked out
by hand from the offsets (GMT +0, BST +1, EST -5, EDT -4).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from crampwise.tracker import Tracker


def _utc(text: str) -> dt.datetime:
    return dt.datetime.fromisoformat(text).replace(tzinfo=dt.UTC)


@pytest.fixture
def at_zone(cli: Any, db_url: str, monkeypatch: pytest.MonkeyPatch) -> Any:
    """``run(zone, now_utc, *args)`` → (code, out, err, stored instants)."""

    def run(zone: str, now: str, *args: str) -> tuple[int, str, str, list[str]]:
        monkeypatch.setenv("TZ", zone)
        code, out, err = cli(*args, now=_utc(now))
        with Tracker(db_url, clock=lambda: _utc(now)) as t:
            stored = [e.occurred_at or "" for e in t.diary.episodes()]
        return code, out, err, stored

    return run


# -- "30 min ago" is 30 minutes before now, whatever the wall clock did -------------------
@pytest.mark.parametrize(
    ("zone", "now", "expected", "shown"),
    [
        # London, 02:10 BST just after the spring change: 30 min ago was 00:40 GMT.
        ("Europe/London", "2026-03-29T01:10:00", "2026-03-29T00:40:00Z", "00:40"),
        # London, 01:20 GMT (second pass) in autumn: 30 min ago was 01:50 BST.
        ("Europe/London", "2026-10-25T01:20:00", "2026-10-25T00:50:00Z", "01:50 BST"),
        # New York, 03:20 EDT after the spring change: 30 min ago was 01:50 EST.
        ("America/New_York", "2026-03-08T07:20:00", "2026-03-08T06:50:00Z", "01:50"),
        # New York, 01:20 EST (second pass) in autumn: 30 min ago was 01:50 EDT.
        ("America/New_York", "2026-11-01T06:20:00", "2026-11-01T05:50:00Z", "01:50 EDT"),
    ],
)
def test_minutes_ago_counts_real_minutes(
    at_zone: Any, zone: str, now: str, expected: str, shown: str
) -> None:
    code, out, err, stored = at_zone(zone, now, "log", "--at", "30 min ago")
    assert code == 0, err
    assert stored == [expected]
    assert f"at {shown}" in out


# -- a time the clocks skipped does not exist ---------------------------------------------
@pytest.mark.parametrize(
    ("zone", "now", "args", "later"),
    [
        ("Europe/London", "2026-03-29T01:10:00", ("--at", "1:30"), "02:30"),
        (
            "Europe/London",
            "2026-03-30T09:00:00",
            ("--night", "2026-03-28", "--at", "01:30"),
            "02:30",
        ),
        ("America/New_York", "2026-03-08T07:20:00", ("--at", "2:30"), "03:30"),
        (
            "America/New_York",
            "2026-03-09T12:00:00",
            ("--night", "2026-03-07", "--at", "2:30am"),
            "03:30",
        ),
    ],
)
def test_a_skipped_time_is_refused_with_a_hint(
    at_zone: Any, zone: str, now: str, args: tuple[str, ...], later: str
) -> None:
    """``log`` keeps the cramp on its night without the impossible time (issue 11) and
    says why; ``edit`` refuses the time outright."""
    code, out, err, stored = at_zone(zone, now, "log", *args)
    assert code == 0 and err == "" and stored == [""]  # saved, time unknown
    assert "I did not understand --at:" in out and "the clocks went forward" in out
    assert f"such as {later}" in out and "to fix: crampwise --db" in out
    code, out, err, stored = at_zone(zone, now, "edit", "1", *args)
    assert code == 1 and out == "" and stored == [""]
    assert "--at:" in err and "the clocks went forward" in err
    assert f"such as {later}" in err
    assert len(err.splitlines()) == 1


def test_just_after_the_spring_change_the_next_hour_is_a_slip(at_zone: Any) -> None:
    """New York 03:20 EDT: 03:30 is 10 minutes ahead (not 50 minutes or yesterday)."""
    code, out, _, stored = at_zone("America/New_York", "2026-03-08T07:20:00", "log", "--at", "3:30")
    assert code == 0 and stored == [""]  # kept, without the time that has not come yet
    assert "is 10 min in the future (it is 03:20 now)" in out
    code, _, _, stored = at_zone("America/New_York", "2026-03-08T07:20:00", "log", "--at", "3:10")
    assert code == 0 and stored == ["2026-03-08T07:10:00Z", ""]  # untimed last


def test_spring_evening_before_and_morning_after(at_zone: Any) -> None:
    """A night that spans the change: 23:00 GMT and 03:00 BST are 3 hours apart."""
    now = "2026-03-29T10:00:00"
    for at in ("23:00", "03:00"):
        code, _, err, _ = at_zone("Europe/London", now, "log", "--night", "2026-03-28", "--at", at)
        assert code == 0, err
    _, _, _, stored = at_zone("Europe/London", now, "episodes")
    assert stored == ["2026-03-28T23:00:00Z", "2026-03-29T02:00:00Z"]


# -- a repeated time means the most recent one, and says so -------------------------------
@pytest.mark.parametrize(
    ("zone", "now", "at", "expected", "shown"),
    [
        # New York 01:20 EST: 01:50 happened once (EDT), 50 min ago; the EST one is ahead.
        ("America/New_York", "2026-11-01T06:20:00", "1:50", "2026-11-01T05:50:00Z", None),
        # New York 01:20 EST: 01:10 happened twice; the most recent is 01:10 EST.
        ("America/New_York", "2026-11-01T06:20:00", "1:10", "2026-11-01T06:10:00Z", "EST"),
        ("America/New_York", "2026-11-01T06:20:00", "1:10 EDT", "2026-11-01T05:10:00Z", "EDT"),
        # London 01:20 GMT: 01:10 GMT is the most recent 01:10; 01:10 BST was an hour before.
        ("Europe/London", "2026-10-25T01:20:00", "01:10", "2026-10-25T01:10:00Z", "GMT"),
        ("Europe/London", "2026-10-25T01:20:00", "1:10 bst", "2026-10-25T00:10:00Z", "BST"),
    ],
)
def test_a_repeated_time_is_the_most_recent_unless_the_zone_is_named(
    at_zone: Any, zone: str, now: str, at: str, expected: str, shown: str | None
) -> None:
    code, out, err, stored = at_zone(zone, now, "log", "--at", at)
    assert code == 0, err
    assert stored == [expected]
    if shown is not None:
        clock = at.split(maxsplit=1)[0].zfill(5)
        assert f"at {clock} {shown} (the" in out and "the clocks went back" in out


def test_a_repeated_time_in_a_backfilled_night(at_zone: Any) -> None:
    """The next day, night 2026-10-31 at 01:30 means the later 01:30 (EST)."""
    now = "2026-11-02T12:00:00"
    args = ("log", "--night", "2026-10-31", "--at", "01:30")
    code, _, err, stored = at_zone("America/New_York", now, *args)
    assert code == 0, err
    assert stored == ["2026-11-01T06:30:00Z"]
    code, out, _, _ = at_zone("America/New_York", now, "episodes")
    assert "01:30 EST" in out
    code, out, _, stored = at_zone(
        "America/New_York", now, "log", "--night", "2026-10-31", "--at", "1:30 CET"
    )
    assert code == 0 and "CET is not the zone in force then; use EDT or EST" in out
    assert stored == ["2026-11-01T06:30:00Z", ""]  # the second cramp: its night, no time


def test_the_night_of_a_repeated_hour_keeps_its_date(at_zone: Any) -> None:
    code, out, err, _ = at_zone("Europe/London", "2026-10-25T01:20:00", "log", "--at", "01:10")
    assert code == 0, err
    assert "night of Sat 24 Oct 2026" in out
