"""The variance sandwich's shortcuts give the plain computation's numbers bit for bit
(issue 10 item 11: faster, every result unchanged): the fit's own Xᵀ diag(μ) X reused as
the meat's start, weekly sums by runs of weeks instead of ``np.add.at``, one set of AR(1)
weights for both directions. The plain forms are written out here as they were before."""

from __future__ import annotations

import numpy as np
import pytest

from crampwise.analysis.model import (  # white-box: the pieces of the sandwich
    Spells,
    _ar1_filter,
    _ar1_smooth,
    _meat,
    _sandwich_parts,
    _week_sums,
)
from crampwise.analysis.stats import fit_poisson


def _design(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Cells week by week (up to four states in a week, some weeks without cells), an
    intercept, a signed trend-like column, 0/1 columns; counts drawn at a known rate."""
    rng = np.random.default_rng(seed)
    weeks = np.sort(rng.choice(np.arange(300), size=200, replace=False))
    week = np.repeat(weeks, rng.integers(1, 5, size=weeks.shape[0]))
    n = week.shape[0]
    x = np.column_stack(
        [np.ones(n), (week - 150) / 80.0, rng.integers(0, 2, size=(n, 3)).astype(np.float64)]
    )
    x[rng.integers(0, n, size=40), 1] = -0.0  # signed zeros must not change a sum
    exposure = rng.integers(1, 8, size=n).astype(np.float64)
    y = rng.poisson(exposure * 0.3).astype(np.float64)
    return x, y, np.log(exposure), week


def _plain_week_sums(x: np.ndarray, mu: np.ndarray, week: np.ndarray) -> np.ndarray:
    g = np.zeros((int(week.max()) + 1, x.shape[1]))
    np.add.at(g, week, x * mu[:, None])
    return g


@pytest.mark.parametrize("seed", range(6))
def test_week_sums_are_np_add_at_bit_for_bit(seed: int) -> None:
    x, _, _, week = _design(seed)
    mu = np.random.default_rng(seed + 100).gamma(2.0, 0.5, size=week.shape[0])
    assert _week_sums(x, mu, week).tobytes() == _plain_week_sums(x, mu, week).tobytes()
    shuffled = np.random.default_rng(seed).permutation(week.shape[0])  # the fallback
    assert (
        _week_sums(x[shuffled], mu[shuffled], week[shuffled]).tobytes()
        == _plain_week_sums(x[shuffled], mu[shuffled], week[shuffled]).tobytes()
    )


@pytest.mark.parametrize("rho", [0.0, 0.3, 0.8, 0.95])
def test_ar1_smooth_with_shared_weights_is_the_two_filters(rho: float) -> None:
    g = np.random.default_rng(7).normal(size=(300, 5))
    plain = g if rho <= 0 else _ar1_filter(g, rho) + _ar1_filter(g[::-1], rho)[::-1] - g
    assert _ar1_smooth(g, rho).tobytes() == np.asarray(plain).tobytes()
    # and it is R·g for R_ab = ρ^|a−b| (the working correlation it stands for)
    lags = np.arange(300)
    dense = rho ** np.abs(lags[:, None] - lags[None, :])
    np.testing.assert_allclose(_ar1_smooth(g, rho), dense @ g, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("spells", [Spells(0.0, 0.0), Spells(0.4, 0.0), Spells(0.3, 0.6)])
def test_meat_from_the_fits_parts_is_the_plain_meat(seed: int, spells: Spells) -> None:
    x, y, offset, week = _design(seed)
    fit = fit_poisson(x, y, offset, np.array([0.0, 0.25, 1.0, 1.0, 1.0]))
    assert fit.info is not None
    # the fit's Xᵀ diag(μ) X is made as WᵀW (W = diag(√μ) X): the same to the last bits
    np.testing.assert_allclose(fit.info, (x.T * fit.mu) @ x, rtol=1e-12, atol=1e-12)
    plain = fit.info
    if spells.tau2 > 0:
        g = _plain_week_sums(x, fit.mu, week)
        plain = plain + spells.tau2 * (g.T @ _ar1_smooth(g, spells.rho))
    got = _meat(*_sandwich_parts(fit, x, week, spells), spells)
    assert got.tobytes() == np.asarray(plain, dtype=np.float64).tobytes()
