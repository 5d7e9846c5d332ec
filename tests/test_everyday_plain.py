"""Issue 11, item 4 (analysis): plain words first, statistics only with ``--details``.

Through the CLI as a person types it. The analysis itself is tested elsewhere; here: the
headline a worried person reads, "can't tell yet" for intervals that run from much better
to much worse, no statistic in the default view, and no sentence said twice.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from typing import Any

import pytest

from crampwise.analysis.result import Interval, PeriodResult
from crampwise.plainreport import cannot_tell, weeks_to_tell

#: 09:00 in Berlin on Sat 14 Nov 2026: last night is the 13th.
NOW = dt.datetime(2026, 11, 14, 8, 0, tzinfo=dt.UTC)

#: Words of the statistics that the default view must not show.
STATISTICS = ("95 %", "range:", "dispersion", "ratio", "p_", "CI", "interval", "grade")


def _nights(cli: Any, first: str, last: str, cramp_nights: list[str]) -> None:
    assert cli("night", "--none", "--from", first, "--to", last, now=NOW)[0] == 0
    for night in cramp_nights:
        assert cli("night", night, "--cramps", "1", "--yes", now=NOW)[0] == 0


def _story(cli: Any) -> None:
    """30 nights without anything (12 with a cramp), then 14 with magnesium (3 cramps)."""
    _nights(cli, "2026-10-01", "2026-10-30", [f"2026-10-{d:02d}" for d in range(2, 26, 2)])
    args = ("regimen", "start", "magnesium", "--dose", "200", "--unit", "mg")
    assert cli(*args, "--date", "2026-10-31", now=NOW)[0] == 0
    _nights(cli, "2026-10-31", "2026-11-13", ["2026-11-02", "2026-11-06", "2026-11-11"])


def _sentences(text: str) -> list[str]:
    flat = " ".join(text.split())
    return [s.strip() for s in flat.replace("? ", ". ").split(". ") if len(s.strip()) > 25]


def test_a_few_nights_are_too_early_to_tell(cli: Any) -> None:
    _nights(cli, "2026-11-09", "2026-11-13", ["2026-11-10"])
    code, out, _ = cli("analyze", now=NOW)
    assert code == 0
    assert out.splitlines()[:3] == [
        "Too early to tell.",
        "Keep checking in every night; 9 more nights are needed before crampwise can say",
        "how often your cramps come.",
    ]


def test_the_headline_comes_first_and_says_how_long(cli: Any) -> None:
    _story(cli)
    code, out, err = cli("analyze", now=NOW)
    assert (code, err) == (0, "")
    lines = out.splitlines()
    assert lines[:3] == [
        "Too early to tell whether magnesium helped.",
        "Keep checking in every night; about 12 more weeks are needed to see whether",
        "your cramps halve with it.",
    ]
    assert "  - Magnesium: can't tell yet." in lines
    assert "  crampwise analyze --details" in lines
    assert not [word for word in STATISTICS if word in out]
    assert len(lines) < 25  # not the ~60 lines of the issue


def test_details_show_the_statistics_under_the_same_headline(cli: Any) -> None:
    _story(cli)
    plain = cli("analyze", now=NOW)[1]
    code, out, _ = cli("analyze", "--details", now=NOW)
    assert code == 0
    assert out.splitlines()[:3] == plain.splitlines()[:3]
    assert "95 % range" in out and "Why we are careful:" in out


@pytest.mark.parametrize("args", [(), ("--details",)], ids=["plain", "details"])
def test_no_sentence_is_printed_twice(cli: Any, args: tuple[str, ...]) -> None:
    from .conftest import AFTER_DEMO

    assert cli("demo", "--yes", now=AFTER_DEMO)[0] == 0
    code, out, _ = cli("analyze", *args, now=AFTER_DEMO)
    assert code == 0
    sentences = _sentences(out)
    repeated = {s for s in sentences if sentences.count(s) > 1}
    assert repeated == set()


def test_the_demo_headline_does_not_credit_calcium(cli: Any) -> None:
    from .conftest import AFTER_DEMO

    assert cli("demo", "--yes", now=AFTER_DEMO)[0] == 0
    code, out, _ = cli("analyze", now=AFTER_DEMO)
    assert code == 0
    assert out.splitlines()[0] == "Your diary cannot tell whether anything you tried helped."
    flat = " ".join(out.split())
    assert "Calcium: changed together with stretching and trigger-point massage; can't be" in flat


def test_json_carries_the_headline_and_the_plain_lines(cli: Any) -> None:
    _story(cli)
    data = json.loads(cli("analyze", "--json", now=NOW)[1])
    assert data["headline"][0] == "Too early to tell whether magnesium helped."
    assert "Magnesium: can't tell yet." in data["plain"]
    assert data["effects"][0]["item"] == "magnesium"  # the analysis itself, unchanged


def test_cannot_tell_is_an_interval_from_much_better_to_much_worse() -> None:
    assert cannot_tell(Interval(0.74, 0.016, 33.8))  # the 3½-week diary
    assert cannot_tell(Interval(None, None, None))
    assert not cannot_tell(Interval(0.3, 0.1, 0.9))  # clearly fewer
    assert not cannot_tell(Interval(0.8, 0.55, 1.9))  # neither much better nor much worse


def _period(start: str, active: tuple[str, ...], nights: int, cramps: int) -> PeriodResult:
    none = Interval(None, None, None)
    return PeriodResult(start, start, active, nights, 0, cramps, none, None, None)


def test_weeks_to_tell_by_hand() -> None:
    """Wald variance of a log rate ratio: var = 1/c_on + 1/c_off (Rothman, Modern
    Epidemiology, ch. 14). Halved cramps show when 1.96·sd ≤ ln 2: var ≤ (0.693147 /
    1.959964)² = 0.125070. With 12 cramps off: c_on ≥ 1 / (0.125070 − 1/12) = 23.96.
    With 3 cramps in 14 nights on (3.5 / 14 = 0.25 a night with the half-cramp
    correction): 23.96 / 0.25 = 95.84 nights, 81.84 more, 11.7 weeks → 12."""
    periods = [_period("2026-10-01", (), 30, 12), _period("2026-10-31", ("magnesium",), 14, 3)]
    assert weeks_to_tell("magnesium", periods) == 12
    assert math.ceil((23.96 / 0.25 - 14) / 7) == 12
    # With 7 cramps off or fewer (1/7 > 0.125070), more nights on can never get there.
    periods[0] = _period("2026-10-01", (), 30, 7)
    assert weeks_to_tell("magnesium", periods) is None
