"""Shortcuts inside one analysis give the numbers of the plain computation, bit for bit
(issue 10 item 11: faster, every result unchanged): window sums from running totals,
coinciding changes grouped with the pair test inlined, the seasonal cap asked once."""

from __future__ import annotations

from datetime import date

import numpy as np
import pytest

from crampwise._record import replace
from crampwise.analysis.checks import (
    _recurring,  # white-box: the cap's first test
    coincide,
    confounded_groups,
    seasonal_cap,
    seasonality,
)
from crampwise.analysis.rtm import _running, _sums
from crampwise.analysis.series import DiarySeries
from crampwise.analysis.simulate import simulate_diary
from crampwise.diaryseries import build_series
from crampwise.formats.diaryformat import load_diary_data

ITEMS = ("magnesium", "calcium", "stretching", "massage")


def _series(seed: int) -> DiarySeries:
    """Three years, four items switched on and off at random (some within 14 nights of
    each other), nights missing, recurring winter spells for one item."""
    rng = np.random.default_rng(seed)
    regimen: list[tuple[str, int, int | None]] = []
    for item in ITEMS[:3]:
        start = int(rng.integers(20, 900))
        regimen.append((item, start, start + int(rng.integers(10, 200))))
    for year in range(3):  # massage every winter
        regimen.append(("massage", 300 + 365 * year, 390 + 365 * year))
    doc = simulate_diary(1095, 2.0, regimen, missing=0.1, weekly_shape=2.0, seed=seed,
                         start=date(2021, 1, 1))  # fmt: skip
    return build_series(load_diary_data(doc, today=date(2030, 1, 1)))


def _groups_by_pairs(series: DiarySeries, names: list[str]) -> dict[str, tuple[str, ...]]:
    """The grouping written with coincide() for every pair (as before the inlining)."""
    changes = [c for c in series.changes if c.item not in series.experiments]
    isolated = {
        c.item
        for c in changes
        if not any(o.item != c.item and coincide(series, c, o) for o in changes)
    }
    stuck = [n for n in names if n not in isolated and any(c.item == n for c in changes)]
    parent = {n: n for n in stuck}

    def root(n: str) -> str:
        while parent[n] != n:
            n = parent[n]
        return n

    for a in changes:
        for b in changes:
            if a.item in parent and b.item in parent and a.item < b.item and coincide(series, a, b):
                parent[root(a.item)] = root(b.item)
    groups: dict[str, list[str]] = {}
    for n in stuck:
        groups.setdefault(root(n), []).append(n)
    return {n: tuple(g) for g in groups.values() for n in g}


@pytest.mark.parametrize("seed", range(8))
def test_window_sums_from_running_totals_are_the_slice_sums(seed: int) -> None:
    series = _series(seed)
    assert _running(series) is not None  # whole counts
    rng = np.random.default_rng(seed)
    for lo, hi in rng.integers(-10, series.n + 10, size=(300, 2)).tolist():
        a, b = max(lo, 0), min(hi, series.n)
        plain = (
            (float(series.counts[a:b].sum()), float(series.observed[a:b].sum()))
            if b > a
            else (0.0, 0.0)
        )
        got = _sums(series, lo, hi)
        assert [v.hex() for v in got] == [v.hex() for v in plain]
    fractional = replace(series, counts=series.counts * 0.37)
    assert _running(fractional) is None  # then every window is summed as a slice
    assert _sums(fractional, 5, 400)[0] == float(fractional.counts[5:400].sum())


@pytest.mark.parametrize("seed", range(8))
def test_groups_of_coinciding_changes_and_the_seasonal_cap(seed: int) -> None:
    series = _series(seed)
    names = list(series.items)
    assert confounded_groups(series, names) == _groups_by_pairs(series, names)
    fresh = replace(series)  # a new object: nothing remembered for it
    for item in series.items:
        on = series.active[:, series.items.index(item)]
        season = seasonality(fresh, item)
        expected = _recurring(fresh, on) and season is not None and season.caps
        assert seasonal_cap(series, item) is expected
        assert seasonal_cap(series, item) is expected  # asked again: remembered
