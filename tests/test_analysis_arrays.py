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
