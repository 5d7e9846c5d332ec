"""The plain-row fast path for a document's episodes accepts only what the general checks
accept, and builds the very episode they build (``formats/diaryformat_fast.py``)."""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import numpy as np
import pytest

from crampwise.errors import InputError
from crampwise.formats import diaryformat
from crampwise.formats.diaryformat_fast import plain_episode

TODAY = dt.date(2026, 12, 2)

#: Values each key of an episode row is tried with: good ones, and every kind of bad one.
VALUES: dict[str, list[Any]] = {
    "night": [
        "2026-11-30",
        "2026-12-02",
        "2026-12-03",
        "1899-12-31",
        "1900-01-01",
        "2026-02-30",
        "2026-1-05",
        "20261105",
        "2026-W01-1",
        20261105,
        None,
        "",
        " 2026-11-30",
    ],
    "time": ["03:25", "23:10", "12:00", "25:00", "3:25", "", 325, "02:30:15"],
    "side": ["left", "both", "Left", "left ", "middle", "", 1, ["left"]],
    "muscles": [
        ["calf"],
        ["calf", "hamstring"],
        ["calf", "calf"],
        [],
        ["Calf"],
        ["toe-flexors"],
        ["nope"],
        "calf",
        [["calf"]],
        [{"a": 1}],
        [1],
    ],
    "severity": [0, 10, 7, 11, -1, 7.0, 7.5, "7", True],
    "duration_min": [
        0,
        2,
        2.5,
        1440,
        1440.0,
        1441,
        -1,
        float("nan"),
        float("inf"),
        "3",
        True,
        10**30,
    ],
    "waves": [1, 100, 0, 101, 3.0, False],
    "woke": [True, False, 1, "yes"],
    "approximate": [True, False, 0, "no"],
    "notes": ["", "woke at 3", 0, [], 5],
    "reliefs": [[], [{"method": "stretch"}]],
    "after_effects": [[]],
    "timezone": ["Europe/Berlin", "Nowhere/Zone"],
    "utc_offset": ["+01:00"],
    "colour": ["red"],
}
OPTIONAL = [k for k in VALUES if k != "night"]
#: Keys usually present, others now and then (the general path owns those).
COMMON = ("time", "side", "muscles", "severity", "duration_min", "waves", "woke")


def _rows(seed: int, count: int) -> list[Any]:
    rng = np.random.default_rng(seed)
    rows: list[Any] = [[], "episode", None]
    for _ in range(count):
        row: dict[str, Any] = {}
        if rng.random() < 0.97:
            row["night"] = VALUES["night"][int(rng.integers(0, 2))]
            if rng.random() < 0.3:
                row["night"] = VALUES["night"][int(rng.integers(len(VALUES["night"])))]
        for key in OPTIONAL:
            present = 0.7 if key in COMMON else 0.05
            if rng.random() < present:
                good = VALUES[key][: 2 if key not in ("muscles",) else 3]
                pool = VALUES[key] if rng.random() < 0.25 else good
                row[key] = pool[int(rng.integers(len(pool)))]
        rows.append(row)
    return rows


def _general(raw: Any, zones: dict[str, dt.tzinfo], file_zone: str | None) -> Any:
    try:
        return diaryformat._parse_episode(raw, "", TODAY, "UTC", file_zone, zones)
    except InputError:
        return None


def _instant(time: Any, night: str, zone: str) -> str | None:
    return diaryformat._episode_instant(time, None, night, zone, "", checked_zone=True)


@pytest.mark.parametrize("file_zone", [None, "America/New_York"])
def test_a_plain_row_is_the_episode_the_general_checks_build(file_zone: str | None) -> None:
    """3,000 rows mixing good values with every kind of bad one: where the fast path
    builds an episode, the general checks accept the row and build an equal one; where
    they refuse it, the fast path leaves it to them. It takes most good rows itself."""
    zones: dict[str, dt.tzinfo] = {}
    _general({"night": "2026-11-30"}, zones, file_zone)  # the zone checked, as a document does
    zone = file_zone or "UTC"
    taken = refused = 0
    for raw in _rows(1, 3000):
        fast = plain_episode(raw, TODAY.isoformat(), zone, _instant)
        general = _general(raw, zones, file_zone)
        if general is None:
            refused += 1
            assert fast is None, raw
        elif fast is not None:
            taken += 1
            assert fast == general, raw
            assert type(fast.duration_min) is type(general.duration_min), raw
    assert refused > 500 and taken > 400
    # and with the zone not checked yet, every row goes the general way
    assert plain_episode({"night": "2026-11-30"}, TODAY.isoformat(), None, _instant) is None


def test_a_document_reports_the_first_bad_episode_as_before() -> None:
    """Through the whole document: good plain rows, then a bad one, named by its path."""
    good = {"night": "2026-11-30", "time": "03:10", "side": "left", "muscles": ["calf"]}
    doc = {
        "format": "crampwise-diary",
        "version": 1,
        "nights": [{"date": "2026-11-30", "cramps": 3}],
        "episodes": [good, {**good, "severity": 11}, {**good, "side": "middle"}],
    }
    with pytest.raises(InputError) as err:
        diaryformat.parse_document(json.loads(json.dumps(doc)), today=TODAY)
    assert (err.value.field, err.value.detail) == ("episodes[1].severity", "11 is not in 0..10")
    doc["episodes"] = [good, good, {**good, "duration_min": 2.5, "woke": True}]
    parsed = diaryformat.parse_document(doc, today=TODAY)
    assert [e.occurred_at for e in parsed.episodes] == ["2026-12-01T03:10:00Z"] * 3
    assert parsed.episodes[2].duration_min == 2.5 and parsed.episodes[2].woke is True
