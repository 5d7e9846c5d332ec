"""The shortcuts on the paths that read a whole diary (issue 10 item 11: a 10-year diary
analysed in ≤ 50 ms) give what the plain paths give: nights counted from the snapshot's
episodes, documents' nights checked in one pass, records copied by a compiled ``replace``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from crampwise._record import replace
from crampwise.records import AfterEffect, Episode, Night, Relief
from crampwise.tracker import Tracker


def _doc(nights: list[dict[str, Any]], episodes: list[dict[str, Any]] | None = None) -> Any:
    doc = {"format": "crampwise-diary", "version": 1, "nights": nights}
    return {**doc, "episodes": episodes or []}


def test_the_snapshot_counts_each_night_as_the_night_list_does(tracker: Tracker) -> None:
    """A night's total is its episodes plus the cramps counted without details, in the
    whole-diary snapshot (counted from its episodes) as in the nights read alone (counted
    in SQL); a snapshot without episodes still counts them."""
    tracker.import_diary(
        _doc(
            [
                {"date": "2026-02-01", "cramps": 0},
                {"date": "2026-02-02", "cramps": 2},
                {"date": "2026-02-04", "cramps": 3, "sleep_quality": 4},
            ],
            [
                {"night": "2026-02-02", "time": "03:10", "muscles": ["calf"]},
                {"night": "2026-02-02", "muscles": ["foot"], "reliefs": [{"method": "stretch"}]},
                {"night": "2026-02-03", "severity": 6},
            ],
        )
    )
    tracker.diary.record_night("2026-02-05", cramps=1)
    alone = tracker._store.list_nights()  # white-box: the per-night SQL count
    assert [(n.date, n.cramps, n.undetailed_cramps) for n in alone] == [
        ("2026-02-01", 0, 0),
        ("2026-02-02", 2, 0),
        ("2026-02-03", 1, 0),
        ("2026-02-04", 3, 3),
        ("2026-02-05", 1, 1),
    ]
    snapshot = tracker.snapshot()
    assert list(snapshot.nights) == alone
    assert len(snapshot.episodes) == 3
    ranged = tracker.snapshot("2026-02-02", "2026-02-03")
    assert list(ranged.nights) == alone[1:3]
    nights_only = tracker.snapshot(sections=frozenset({"nights"}))
    assert nights_only.episodes == () and list(nights_only.nights) == alone


def test_stored_episodes_read_back_field_by_field(tracker: Tracker) -> None:
    """Every field of an episode, its muscles in order, reliefs and after-effects, read
    back through the positional construction of the snapshot."""
    ep = tracker.diary.log_episode(
        at="yesterday 23:30",
        muscles=["calf", "foot"],
        side="left",
        severity=7,
        duration_min=2.5,
        waves=2,
        woke=True,
        reliefs=[("stretch", "a-lot"), ("walk", None)],
        notes="after the hike",
    ).episode
    assert ep.id is not None
    tracker.diary.add_after_effect(ep.id, "soreness", 4, "2026-03-05")
    (back,) = tracker.snapshot().episodes
    assert back.night == "2026-03-04" and back.side == "left" and back.severity == 7
    assert back.muscles == ("calf", "foot") and back.duration_min == 2.5 and back.waves == 2
    assert back.woke is True and back.approximate is False and back.notes == "after the hike"
    assert back.reliefs == (Relief("stretch", "a-lot"), Relief("walk"))
    assert [(a.date, a.kind, a.rating) for a in back.after_effects] == [
        ("2026-03-05", "soreness", 4)
    ]
    assert back.id == ep.id and back.occurred_at == ep.occurred_at and back.tz == ep.tz
    assert tracker.diary.episodes() == [back]


@pytest.mark.parametrize(
    ("nights", "message"),
    [
        (  # the second row repeats the first
            [{"date": "2026-02-01"}, {"date": "2026-02-01", "cramps": 1}],
            "nights[1].date: 2026-02-01 is listed twice",
        ),
        (  # a repeat through the full check (a row with notes)
            [{"date": "2026-02-01"}, {"date": "2026-02-02"}, {"date": "2026-02-01", "notes": "x"}],
            "nights[2].date: 2026-02-01 is listed twice",
        ),
        (  # a bad row later in the file is reported before the repeat, as before
            [{"date": "2026-02-01"}, {"date": "2026-02-01"}, {"date": "2026-02-02", "cramps": 99}],
            "nights[2].cramps: 99 is not in 0..50",
        ),
        (  # the first repeat is named, not a later one
            [
                {"date": "2026-02-01"},
                {"date": "2026-02-02"},
                {"date": "2026-02-02"},
                {"date": "2026-02-01"},
            ],
            "nights[2].date: 2026-02-02 is listed twice",
        ),
    ],
)
def test_a_night_listed_twice_is_refused_by_import(
    cli: Any, tmp_path: Path, nights: list[dict[str, Any]], message: str
) -> None:
    path = tmp_path / "diary.json"
    path.write_text(json.dumps(_doc(nights)))
    code, out, err = cli("import", str(path))
    assert code != 0 and message in err, err
    assert "Traceback" not in err
    code, out, _ = cli("export", "--format", "json")
    assert code == 0 and json.loads(out).get("nights", []) == []


def test_a_compiled_replace_copies_as_the_generic_one_does() -> None:
    """``replace`` compiles itself for a class copied often; the copies stay equal to
    records built by keyword, any field can change, unknown fields are refused."""
    base = Episode("2026-02-02", muscles=("calf",), severity=5, notes="n")
    copies = [replace(base, severity=i % 11, waves=i % 3 + 1) for i in range(200)]
    assert copies[-1] == Episode("2026-02-02", muscles=("calf",), severity=199 % 11,
                                 waves=199 % 3 + 1, notes="n")  # fmt: skip
    assert all(c.severity == i % 11 for i, c in enumerate(copies))
    every = {
        "night": "2026-01-01",
        "occurred_at": "2026-01-01T02:00:00Z",
        "tz": "UTC",
        "approximate": True,
        "side": "right",
        "muscles": ("foot",),
        "severity": 1,
        "duration_min": 1.0,
        "waves": 4,
        "woke": False,
        "reliefs": (Relief("walk"),),
        "after_effects": (AfterEffect("2026-01-02", "knot", 2),),
        "notes": "m",
        "client_id": "c",
        "id": 9,
    }
    assert replace(base, **every) == Episode(**every)  # type: ignore[arg-type]
    assert replace(base) == base and replace(base) is not base
    with pytest.raises(TypeError, match="Episode has no field"):
        replace(base, colour="red")
    nights = [replace(Night("2026-01-01", 0), cramps=i) for i in range(100)]
    assert nights[-1] == Night("2026-01-01", 99)
    with pytest.raises(TypeError, match="Night has no field"):
        replace(nights[0], cramp=1)


def test_an_episode_not_in_normal_form_is_still_normalised(tracker: Tracker) -> None:
    """Validation hands back an episode as given only when it is in normal form already;
    spellings, a whole-number duration and a float severity are still normalised."""
    tracker.import_diary(
        _doc(
            [{"date": "2026-02-01"}, {"date": "2026-02-02"}],
            [
                {
                    "night": "2026-02-01",
                    "side": "Left",
                    "muscles": ["Calf", "calf"],
                    "duration_min": 3,
                    "severity": 7.0,
                },
                {
                    "night": "2026-02-02",
                    "side": "left",
                    "muscles": ["calf"],
                    "duration_min": 2.5,
                    "severity": 4,
                    "notes": "n",
                },
            ],
        )
    )
    first, second = tracker.snapshot().episodes
    assert (first.side, first.muscles, first.severity) == ("left", ("calf",), 7)
    assert type(first.severity) is int and type(first.duration_min) is float
    assert first.duration_min == 3.0
    assert (second.side, second.muscles, second.duration_min, second.notes) == (
        "left",
        ("calf",),
        2.5,
        "n",
    )


def test_the_analysis_reads_only_what_the_series_is_built_from(demo_tracker: Tracker) -> None:
    """``Tracker.analyze()`` reads the nights, episodes, regimen, doses and medicines
    (not labs, factors, trigger points or red-flag answers): the demo diary, which has
    all of them, gives the analysis of its whole snapshot, number for number."""
    import crampwise
    from crampwise.analysis import analyze_series
    from crampwise.demo import demo_document
    from crampwise.diaryseries import SECTIONS, build_series

    demo_tracker.import_diary(demo_document())
    whole = demo_tracker.snapshot()
    assert whole.labs and whole.factors and whole.red_flags and whole.adherence
    limited = demo_tracker.snapshot(sections=SECTIONS)
    assert limited.labs == () and limited.factors == () and limited.red_flags == ()
    expected = json.dumps(analyze_series(build_series(whole)).to_dict(), sort_keys=True)
    assert json.dumps(demo_tracker.analyze().to_dict(), sort_keys=True) == expected
    assert json.dumps(crampwise.analyze(demo_tracker).to_dict(), sort_keys=True) == expected
