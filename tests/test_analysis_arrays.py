"""The analysis' numpy-only unique and quantile equal numpy's own, bit for bit (they exist
only to keep ``numpy.ma`` out of ``crampwise analyze``: see ``analysis/arrays.py``)."""

from __future__ import annotations

import numpy as np
import pytest

from crampwise.analysis.arrays import distinct, quantiles


@pytest.mark.parametrize("seed", range(20))
def test_quantiles_equal_numpy_linear_method(seed: int) -> None:
    """Reference: ``np.quantile`` (method "linear", the default), on random lengths and
    values, ties and the knot grids the trend spline asks for (seeds 0-19)."""
    rng = np.random.default_rng(seed)
    n = int(rng.integers(1, 4000))
    values = rng.normal(size=n) * 10.0 ** int(rng.integers(-3, 4))
    if seed % 3 == 0:
        values = np.round(values)  # ties
    for q in (
        np.linspace(0.0, 1.0, int(rng.integers(2, 22))),
        rng.uniform(size=7),
        np.array([0.0, 0.5, 1.0]),
    ):
        np.testing.assert_array_equal(quantiles(values, q), np.quantile(values, q))


def test_quantiles_of_observed_nights() -> None:
    """As the trend basis calls it: nights with gaps, scaled to [-1, 1], 21 knots."""
    nights = np.delete(np.arange(3650.0), np.arange(3, 3650, 29))
    scaled = (nights - 1824.5) / 1824.5
    q = np.linspace(0.0, 1.0, 21)
    np.testing.assert_array_equal(quantiles(scaled, q), np.quantile(scaled, q))
    assert quantiles(np.array([4.0]), q).tolist() == [4.0] * 21


@pytest.mark.parametrize("seed", range(10))
def test_distinct_equals_numpy_unique(seed: int) -> None:
    rng = np.random.default_rng(100 + seed)
    values = rng.integers(-50, 50, size=int(rng.integers(0, 500)))
    np.testing.assert_array_equal(distinct(values), np.unique(values))
    floats = rng.normal(size=40).round(1)
    np.testing.assert_array_equal(distinct(floats), np.unique(floats))


def test_series_adherence_and_nights_from_records() -> None:
    """build_series indexes nights and dose records by date (numpy's date parser, with a
    fallback for dates it reads otherwise): a night is taken only if every dose recorded
    that day was taken; records outside the span are left out; items come in the order of
    their first record inside the span. Expected arrays worked out by hand."""
    from crampwise.diaryseries import build_series
    from crampwise.records import Adherence, DiaryData, Night, Profile

    nights = tuple(Night(f"2026-03-0{d}", c) for d, c in ((1, 0), (2, 1), (4, 2), (5, 0)))
    doses = (
        Adherence("2026-02-27", "zinc", True),  # before the first night: left out
        Adherence("2026-03-02", "magnesium", True, "08:00"),
        Adherence("2026-03-02", "magnesium", False, "20:00"),  # one of two missed
        Adherence("2026-03-03", "magnesium", True),
        Adherence("2026-03-05", "zinc", True),
        Adherence("2026-03-09", "potassium", True),  # after the last night: left out
    )
    data = DiaryData("UTC", Profile(), nights, (), (), doses, (), (), (), (), (), None, None, ())
    series = build_series(data)
    assert series.observed.tolist() == [True, True, False, True, True]
    assert series.counts.tolist() == [0.0, 1.0, 0.0, 2.0, 0.0]
    assert list(series.adherence) == ["magnesium", "zinc"]
    mg, zinc = series.adherence["magnesium"], series.adherence["zinc"]
    assert mg.recorded.tolist() == [False, True, True, False, False]
    assert mg.taken.tolist() == [False, False, True, False, False]
    assert zinc.recorded.tolist() == zinc.taken.tolist() == [False] * 4 + [True]
