"""Issue 11, item 3: the morning check-in, through the CLI as a person types it.

``crampwise`` alone, ``summary`` and ``nights`` list the nights not checked in since the
last entry and offer the one command that checks them in; ``night`` takes ranges;
streaks never run across unknown nights; no weekly rate from under 14 observed nights.
"""

from __future__ import annotations

import datetime as dt
import json
import shlex
from typing import Any

import pytest

#: A morning five days after the last entry: 08:00 in Berlin on Sun 29 Nov 2026.
MORNING = dt.datetime(2026, 11, 29, 7, 0, tzinfo=dt.UTC)
NIGHT_OF_23 = dt.datetime(2026, 11, 24, 2, 0, tzinfo=dt.UTC)  # 03:00, night of Mon 23rd


def _week_then_silence(cli: Any) -> None:
    """Nights 17th-22nd cramp-free, a cramp in the night of the 23rd, then nothing."""
    assert cli("night", "--none", "--from", "2026-11-17", "--to", "2026-11-22", now=MORNING)[0] == 0
    assert cli("log", "calf", now=NIGHT_OF_23)[0] == 0


def test_bare_crampwise_lists_the_nights_not_checked_in(cli: Any, db_url: str) -> None:
    _week_then_silence(cli)
    code, out, err = cli(now=MORNING)
    assert (code, err) == (0, "")
    assert out.splitlines()[:2] == [
        "5 nights since your last entry are not checked in: Tue 24 Nov 2026 – Sat 28 Nov 2026.",
        f"  All without cramps?  crampwise --db {shlex.quote(db_url)} night --none "
        "--from 2026-11-24 --to 2026-11-28",
    ]
    assert "All commands: crampwise --help" in out


def test_the_offered_command_checks_them_in(cli: Any) -> None:
    _week_then_silence(cli)
    code, out, _ = cli("night", "--none", "--from", "2026-11-24", "--to", "2026-11-28", now=MORNING)
    assert code == 0
    assert out.strip() == ("Checked in 5 nights without cramps: Tue 24 Nov 2026 – Sat 28 Nov 2026.")
    code, out, _ = cli(now=MORNING)
    assert code == 0
    assert out.startswith(
        "Every night up to last night is checked in (last: Sat 28 Nov 2026, no cramps)."
    )
    nights = json.loads(cli("nights", "--json", now=MORNING)[1])
    assert [(n["date"], n["cramps"]) for n in nights[-6:]] == [
        ("2026-11-23", 1),
        ("2026-11-24", 0),
        ("2026-11-25", 0),
        ("2026-11-26", 0),
        ("2026-11-27", 0),
        ("2026-11-28", 0),
    ]


def test_last_night_alone_gets_the_short_command(cli: Any, db_url: str) -> None:
    assert cli("night", "--none", "2026-11-27", now=MORNING)[0] == 0
    code, out, _ = cli(now=MORNING)
    assert code == 0
    assert out.splitlines()[:2] == [
        "Last night (Sat 28 Nov 2026) is not checked in yet.",
        f"  No cramps?  crampwise --db {shlex.quote(db_url)} night --none",
    ]
    assert cli("night", "--none", now=MORNING)[0] == 0
    assert cli(now=MORNING)[1].startswith("Every night up to last night is checked in")


def test_an_empty_diary_says_how_to_start(cli: Any) -> None:
    code, out, _ = cli(now=MORNING)
    assert code == 0 and out.startswith("The diary is empty. At night: 'crampwise log'")


def test_a_range_never_overwrites_what_is_in_the_diary(cli: Any) -> None:
    assert cli("night", "2026-11-20", "--cramps", "2", now=MORNING)[0] == 0
    assert cli("log", "--night", "2026-11-22", now=MORNING)[0] == 0
    code, out, _ = cli("night", "--none", "--from", "2026-11-19", "--to", "yesterday", now=MORNING)
    assert code == 0
    assert out.splitlines() == [
        "Checked in 8 nights without cramps: Thu 19 Nov 2026 – Sat 28 Nov 2026.",
        "2 nights already in the diary were left as they were "
        "(2026-11-20: 2 cramps; 2026-11-22: 1 cramp).",
    ]
    code, out, _ = cli("night", "--none", "--from", "2026-11-19", "--json", now=MORNING)
    assert code == 0
    data = json.loads(out)
    assert data["checked_in"] == []
    assert data["already_in_diary"][:2] == [
        {"date": "2026-11-19", "cramps": 0},
        {"date": "2026-11-20", "cramps": 2},
    ]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--none", "--from", "2026-11-25", "--to", "2026-11-29"), "--to: the night of 2026-11-29"),
        (("--none", "--from", "2026-11-27", "--to", "2026-11-25"), "--from: 2026-11-27 is after"),
        (("--none", "--from", "2025-01-01"), "--from: 697 nights from 2025-01-01 to 2026-11-28"),
        (("--cramps", "2", "--from", "2026-11-25"), "--cramps: a range of nights is checked in"),
        (("--from", "2026-11-25"), "--cramps: a range of nights is checked in as cramp-free"),
        (("--none", "--to", "2026-11-25"), "--from: is missing; give the first night"),
        (("2026-11-25", "--none", "--from", "2026-11-24"), "date: give one night, or a range"),
        (("--none", "--sleep", "7", "--from", "2026-11-24"), "--sleep: is given one night at"),
        (("--none", "--from", "2026-11-31"), "--from: '2026-11-31' is not a date"),
    ],
)
def test_a_bad_range_is_refused_and_writes_nothing(
    cli: Any, args: tuple[str, ...], message: str
) -> None:
    code, out, err = cli("night", *args, now=MORNING)
    assert (code, out) == (1, "")
    assert message in err and len(err.splitlines()) == 1
    assert json.loads(cli("nights", "--json", now=MORNING)[1]) == []


def test_summary_lists_them_too_and_streaks_stop_at_unknown_nights(cli: Any, db_url: str) -> None:
    _week_then_silence(cli)
    code, out, _ = cli("summary", now=MORNING)
    assert code == 0
    lines = out.splitlines()
    assert lines[0].startswith("7 nights checked in so far: too early to tell")
    assert "7 more nights are needed for a weekly rate" in lines[0]
    assert lines[1] == (
        "5 nights since your last entry are not checked in: Tue 24 Nov 2026 – Sat 28 Nov 2026."
    )
    assert lines[2].endswith("night --none --from 2026-11-24 --to 2026-11-28")
    assert (
        "  streaks     cramp-free streak: none: the last night in the diary (Mon 23 Nov 2026) "
        in (out)
    )
    assert "per observed week" not in out and "a week" not in out.replace("weekly", "")
    data = json.loads(cli("summary", "--json", now=MORNING)[1])
    assert data["unchecked"] == {"from": "2026-11-24", "to": "2026-11-28", "nights": 5}
    assert (data["cramps_per_week"], data["nights_needed"]) == (None, 7)


def test_a_missing_night_breaks_a_streak(cli: Any) -> None:
    """3 cramp-free nights, one unknown, 2 cramp-free: the longest streak is 3, not 6."""
    for first, last in (("2026-11-20", "2026-11-22"), ("2026-11-24", "2026-11-25")):
        assert cli("night", "--none", "--from", first, "--to", last, now=MORNING)[0] == 0
    data = json.loads(cli("summary", "--json", now=MORNING)[1])
    assert (data["longest_streak"], data["current_streak"], data["nights_missing"]) == (3, 2, 1)
    code, out, _ = cli("summary", now=MORNING)
    assert code == 0
    assert (
        "cramp-free streak: 2 nights without cramps, up to Wed 25 Nov 2026 (the nights since "
        "are not checked in); longest 3"
    ) in out


def test_one_night_gives_no_rate_and_no_longest_zero(cli: Any) -> None:
    """The defect: after one night, 'about 14.00 per observed week' and 'longest 0'."""
    assert cli("log", "--at", "3am", now=NIGHT_OF_23)[0] == 0
    assert cli("log", "--at", "3:40am", now=NIGHT_OF_23 + dt.timedelta(hours=1))[0] == 0
    code, out, _ = cli("summary", now=NIGHT_OF_23 + dt.timedelta(hours=2))
    assert code == 0
    assert "14.00" not in out and "longest 0" not in out
    assert out.splitlines()[0] == (
        "1 night checked in so far: too early to tell how often cramps come. Keep checking "
        "in every night; 13 more nights are needed for a weekly rate."
    )
    assert "no night without cramps yet" in out


def test_fourteen_nights_give_a_weekly_rate_with_its_range(cli: Any) -> None:
    """2 cramps in 14 nights: 1.0 a week. Exact (Garwood) 95 % interval, from scipy:
    chi2.ppf(0.025, 4) / 2 = 0.2422 and chi2.ppf(0.975, 6) / 2 = 7.2247 cramps, over
    2 weeks: 0.121 to 3.61 a week."""
    from scipy.stats import chi2

    assert cli("night", "--none", "--from", "2026-11-15", "--to", "2026-11-27", now=MORNING)[0] == 0
    assert cli("night", "2026-11-28", "--cramps", "2", now=MORNING)[0] == 0
    data = json.loads(cli("summary", "--json", now=MORNING)[1])
    assert data["cramps_per_week"] == pytest.approx(1.0)  # 2 cramps in 14 nights
    assert data["cramps_per_week_low"] == pytest.approx(chi2.ppf(0.025, 4) / 2 / 2, rel=1e-9)
    assert data["cramps_per_week_high"] == pytest.approx(chi2.ppf(0.975, 6) / 2 / 2, rel=1e-9)
    assert data["cramps_per_week_low"] == pytest.approx(0.1211, abs=1e-4)
    assert data["nights_needed"] == 0
    code, out, _ = cli("summary", now=MORNING)
    assert code == 0
    assert out.startswith(
        "About 1.0 cramps a week over the whole diary, between 0.12 and 3.6 (2 on 14 nights"
    )


def test_nights_shows_the_unchecked_nights_and_the_command(cli: Any) -> None:
    _week_then_silence(cli)
    code, out, _ = cli("nights", now=MORNING)
    assert code == 0
    lines = out.splitlines()
    assert lines[7:13] == [
        "2026-11-23  Mon  1",
        "2026-11-24  Tue  not checked in",
        "2026-11-25  Wed  not checked in",
        "2026-11-26  Thu  not checked in",
        "2026-11-27  Fri  not checked in",
        "2026-11-28  Sat  not checked in",
    ]
    assert "night --none --from 2026-11-24 --to 2026-11-28" in out
    nights = json.loads(cli("nights", "--json", now=MORNING)[1])  # the diary's own span
    assert nights[-1] == {"date": "2026-11-23", "observed": True, "cramps": 1}


def test_the_commands_offered_reach_the_same_diary(cli: Any, db_url: str) -> None:
    assert cli("night", "--none", now=MORNING)[0] == 0
    code, out, _ = cli(now=MORNING)
    cw = f"crampwise --db {shlex.quote(db_url)}"
    assert code == 0 and f"Log a cramp: {cw} log; the diary at a glance: {cw} summary." in out


def test_counts_are_said_in_words_not_with_s_in_brackets(cli: Any) -> None:
    assert cli("night", "2026-11-27", "--cramps", "2", now=MORNING)[0] == 0
    code, out, _ = cli("night", "2026-11-28", "--cramps", "1", now=MORNING)
    assert code == 0 and out.strip() == "Night of Sat 28 Nov 2026: 1 cramp."
    code, out, _ = cli(now=MORNING)
    assert code == 0 and "(last: Sat 28 Nov 2026, 1 cramp)" in out
    assert "(s)" not in out
