"""Numeric building blocks of the analysis, each checked against an external reference."""

from __future__ import annotations

import math

import numpy as np
import pytest

from crampwise.analysis.changepoints import pelt_poisson, poisson_cost
from crampwise.analysis.stats import (
    fit_poisson,
    gamma_quantile,
    ols_slope,
    prob_below,
    prob_rate_ratio_below,
    rate_interval,
    rate_ratio_quantile,
    wald_interval,
)


def test_rate_interval_matches_scipy_gamma_ppf() -> None:
    """Reference: scipy.stats.gamma.ppf of the Jeffreys posterior Gamma(0.5 + S, rate n)."""
    from scipy import stats

    est, low, high = rate_interval(7, 60) or (0.0, 0.0, 0.0)
    post = stats.gamma(7.5, scale=1 / 60)
    assert est == pytest.approx(7 * post.ppf(0.5), rel=1e-10)
    assert low == pytest.approx(7 * post.ppf(0.025), rel=1e-10)
    assert high == pytest.approx(7 * post.ppf(0.975), rel=1e-10)


def test_zero_events_in_14_nights_bound() -> None:
    """Reference: stats-methods §2.1 / §4 golden test — 0 cramps in 14 nights with the
    Jeffreys-type prior: one-sided 95 % upper bound ≈ 0.96/week (Gamma(0.5,1) 95th pct 1.92/14
    nights), equal-tailed 95 % upper ≈ 1.26/week (2.51/14 nights); the estimate is not 0."""
    assert 7 * gamma_quantile(0.5, 14, 0.95) == pytest.approx(0.96, abs=0.01)
    est, low, high = rate_interval(0, 14) or (0.0, 0.0, 0.0)
    assert high == pytest.approx(1.26, abs=0.01)
    assert est > 0.05
    assert low > 0


def test_rate_interval_without_exposure_is_none() -> None:
    """Gamma(0.5, 0) is improper: no observed nights must give no rate, not 0 or inf."""
    assert rate_interval(0, 0) is None


def test_exact_rate_ratio_probability_vs_monte_carlo() -> None:
    """Reference: Monte Carlo with scipy.stats.gamma draws (10⁶, fixed seed) of λ_B/λ_A."""
    from scipy import stats

    a_b, b_b, a_a, b_a = 4.5, 60.0, 12.5, 55.0
    lam_b = stats.gamma(a_b, scale=1 / b_b).rvs(size=1_000_000, random_state=1)
    lam_a = stats.gamma(a_a, scale=1 / b_a).rvs(size=1_000_000, random_state=2)
    ratio = lam_b / lam_a
    for c in (0.5, 0.75, 1.0, 1.5):
        exact = prob_rate_ratio_below(c, a_b, b_b, a_a, b_a)
        assert exact == pytest.approx(float(np.mean(ratio < c)), abs=0.002)
    for p in (0.025, 0.5, 0.975):
        assert rate_ratio_quantile(p, a_b, b_b, a_a, b_a) == pytest.approx(
            float(np.quantile(ratio, p)), rel=0.01
        )


@pytest.mark.parametrize(
    ("s_b", "n_b", "s_a", "n_a", "published_gt", "published_lt"),
    [
        (262, 98, 40, 14, 19, 40),  # baseline → strict (scd)
        (248, 98, 40, 14, 12, 53),  # baseline → liberalized (mscd)
        (262, 98, 248, 98, 32, 4),  # mscd → scd
    ],
)
def test_nof1_published_poisson_gauges(
    s_b: int, n_b: int, s_a: int, n_a: int, published_gt: int, published_lt: int
) -> None:
    """Reference: MikeJSeo/nof1 (R, JAGS) published result for `sample input.json`, stool
    frequency (Poisson), gauges P(ratio > 1.1) / P(ratio < 0.9) in % = 19/40, 12/53, 32/4
    (stats-methods §1.1, §3.2). Totals after nof1's 7-day washout deletion; flat prior
    Gamma(S, n) per arm; must agree within ±1.5 points (the JAGS output has ±1 MC noise)."""
    p_lt = 100 * prob_rate_ratio_below(0.9, s_b, n_b, s_a, n_a)
    p_gt = 100 * (1 - prob_rate_ratio_below(1.1, s_b, n_b, s_a, n_a))
    assert p_gt == pytest.approx(published_gt, abs=1.5)
    assert p_lt == pytest.approx(published_lt, abs=1.5)


def test_prob_below_and_interval_match_scipy_t_and_normal() -> None:
    """Reference: scipy.stats.t / scipy.stats.norm cdf and ppf."""
    from scipy import stats

    assert prob_below(0.0, 0.4, 0.3, 17.0) == pytest.approx(stats.t.cdf(-0.4 / 0.3, 17))
    assert prob_below(0.0, 0.4, 0.3, None) == pytest.approx(stats.norm.cdf(-0.4 / 0.3))
    low, high = wald_interval(0.4, 0.3, 17.0)
    assert high == pytest.approx(0.4 + stats.t.ppf(0.975, 17) * 0.3)
    assert low == pytest.approx(0.4 - stats.t.ppf(0.975, 17) * 0.3)


def _poisson_data(seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    n = 120
    exposure = rng.integers(3, 8, size=n).astype(float)
    x = np.column_stack(
        [np.ones(n), rng.random(n) < 0.5, rng.random(n) < 0.3, np.linspace(-2, 2, n)]
    ).astype(float)
    mu = exposure * np.exp(x @ np.array([-1.5, -0.4, 0.2, -0.1]))
    return x, rng.poisson(mu).astype(float), np.log(exposure)


def test_poisson_glm_matches_statsmodels() -> None:
    """Reference: statsmodels GLM(Poisson, offset) — coefficients, SEs, Pearson χ², and the
    quasi-Poisson SEs of fit(scale='X2')."""
    import statsmodels.api as sm

    x, y, offset = _poisson_data(3)
    ours = fit_poisson(x, y, offset)
    ref = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit()
    np.testing.assert_allclose(ours.coef, ref.params, rtol=1e-7, atol=1e-9)
    np.testing.assert_allclose(ours.se(), ref.bse, rtol=1e-6)
    assert ours.pearson_chi2 == pytest.approx(ref.pearson_chi2, rel=1e-7)
    assert ours.dispersion == pytest.approx(ref.pearson_chi2 / ref.df_resid, rel=1e-7)
    quasi_ref = sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit(scale="X2")
    np.testing.assert_allclose(ours.se(ours.dispersion or 1.0), quasi_ref.bse, rtol=1e-6)


def test_penalized_poisson_mode_matches_scipy_optimize() -> None:
    """Reference: scipy.optimize.minimize (BFGS) on the same penalized negative
    log-likelihood; and a zero-count column stays finite thanks to the N(0, 1) prior."""
    from scipy import optimize

    x, y, offset = _poisson_data(5)
    y = y.copy()
    y[x[:, 2] == 1] = 0  # separation: no events at all where column 2 is on
    prec = np.array([0.0, 1.0, 1.0, 1e-6])

    def nll(beta: np.ndarray) -> float:
        eta = x @ beta + offset
        return float(-(y @ eta - np.exp(eta).sum()) + 0.5 * beta @ (prec * beta))

    ref = optimize.minimize(nll, np.zeros(4), method="BFGS", options={"gtol": 1e-9})
    ours = fit_poisson(x, y, offset, prec)
    assert ours.converged
    np.testing.assert_allclose(ours.coef, ref.x, atol=1e-4)
    assert np.all(np.isfinite(ours.coef))
    assert np.all(np.isfinite(ours.cov))


def test_ols_slope_matches_scipy_linregress() -> None:
    """Reference: scipy.stats.linregress slope and stderr; t interval with n − 2 df."""
    from scipy import stats

    rng = np.random.default_rng(11)
    t = np.sort(rng.random(40) * 3)
    v = 6 - 0.5 * t + rng.normal(0, 1, 40)
    ours = ols_slope(t, v)
    ref = stats.linregress(t, v)
    assert ours is not None
    assert ours.estimate == pytest.approx(ref.slope)
    q = stats.t.ppf(0.975, 38)
    assert ours.low == pytest.approx(ref.slope - q * ref.stderr)
    assert ours.high == pytest.approx(ref.slope + q * ref.stderr)
    assert ols_slope(t[:2], v[:2]) is None


def _optimal_partition(events: np.ndarray, exposure: np.ndarray, penalty: float) -> list[int]:
    """Jackson et al. (2005) optimal partitioning, O(T²), no pruning — the exact answer PELT
    must reproduce (Killick et al. 2012, theorem 3.2)."""
    t_len = len(events)
    cs = np.concatenate([[0.0], np.cumsum(events)])
    ce = np.concatenate([[0.0], np.cumsum(exposure)])
    best = [-penalty] + [math.inf] * t_len
    last = [0] * (t_len + 1)
    for t in range(1, t_len + 1):
        for s in range(t):
            c = float(poisson_cost(np.array([cs[t] - cs[s]]), np.array([ce[t] - ce[s]]))[0])
            if best[s] + c + penalty < best[t]:
                best[t], last[t] = best[s] + c + penalty, s
    cps, t = [], t_len
    while t > 0:
        t = last[t]
        if t > 0:
            cps.append(t)
    return sorted(cps)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_pelt_equals_optimal_partitioning(seed: int) -> None:
    """Reference: exhaustive optimal partitioning (Jackson 2005) — PELT's pruning is exact."""
    rng = np.random.default_rng(seed)
    rates = np.repeat([2.0, 0.4, 1.5, 0.2], 15)
    events = rng.poisson(rates).astype(float)
    exposure = np.ones_like(events)
    penalty = 3 * math.log(len(events))
    assert pelt_poisson(events, exposure, penalty) == _optimal_partition(events, exposure, penalty)


def _optimal_partition_min(
    events: np.ndarray, exposure: np.ndarray, penalty: float, min_size: int
) -> list[int]:
    """The same exhaustive search with every segment at least ``min_size`` long."""
    t_len = len(events)
    cs = np.concatenate([[0.0], np.cumsum(events)])
    ce = np.concatenate([[0.0], np.cumsum(exposure)])
    best = [-penalty] + [math.inf] * t_len
    last = [0] * (t_len + 1)
    for t in range(min_size, t_len + 1):
        for s in [0, *range(min_size, t - min_size + 1)]:
            c = float(poisson_cost(np.array([cs[t] - cs[s]]), np.array([ce[t] - ce[s]]))[0])
            if best[s] + c + penalty < best[t]:
                best[t], last[t] = best[s] + c + penalty, s
    cps, t = [], t_len
    while t > 0:
        t = last[t]
        if t > 0:
            cps.append(t)
    return sorted(cps)


@pytest.mark.parametrize("seed", range(3, 9))
def test_pelt_equals_optimal_partitioning_with_gaps_and_long_diaries(seed: int) -> None:
    """Reference: exhaustive optimal partitioning, on bins with unrecorded (zero-exposure)
    stretches, weekly bins of up to 7 nights, more bins than one block of the cost matrix
    (160), and segments of at least 1-3 bins."""
    rng = np.random.default_rng(seed)
    n = 160 if seed < 5 else 60
    exposure = rng.integers(0, 8, size=n).astype(float)
    exposure[rng.integers(0, n - 20) :][:15] = 0.0
    rates = np.repeat(rng.uniform(0.05, 0.6, size=4), n // 4)
    events = rng.poisson(rates * exposure).astype(float)
    penalty = 3 * math.log(n)
    min_size = 1 + seed % 3
    assert pelt_poisson(events, exposure, penalty, min_size) == _optimal_partition_min(
        events, exposure, penalty, min_size
    )


def test_pelt_finds_a_clear_step() -> None:
    """A rate dropping from 3 to 0.3 per bin at bin 20 is found within one bin."""
    rng = np.random.default_rng(4)
    events = rng.poisson(np.repeat([3.0, 0.3], 20)).astype(float)
    cps = pelt_poisson(events, np.ones(40), 3 * math.log(40))
    assert len(cps) == 1
    assert abs(cps[0] - 20) <= 1


@pytest.mark.parametrize("seed", range(6))
def test_whole_count_costs_give_the_exhaustive_partitioning(seed: int) -> None:
    """Reference: exhaustive optimal partitioning on the costs divided by φ (as the
    changepoint search of a diary has them), against the search on whole counts with
    tabled logarithms and the penalty scaled by φ; the costs agree to 1e-12."""
    from crampwise.analysis.changepoints import _count_costs, _partition, _segment_costs

    rng = np.random.default_rng(seed)
    n = 160 if seed < 3 else 60
    nights = rng.integers(0, 8, size=n)
    nights[rng.integers(0, n - 20) :][:15] = 0
    rates = np.repeat(rng.uniform(0.05, 0.6, size=4), n // 4)
    counts = rng.poisson(rates * nights)
    phi = 1.0 + seed / 2.0
    penalty = 3 * math.log(n)
    ks = np.concatenate([[0], np.cumsum(counts)]).astype(np.int64)
    ms = np.concatenate([[0], np.cumsum(nights)]).astype(np.int64)
    whole = _count_costs(ks, ms)
    scaled = _segment_costs(ks / phi, ms / phi)
    lower = np.tril_indices(n + 1, -1)
    np.testing.assert_allclose(whole[lower] / phi, scaled[lower], rtol=1e-12, atol=1e-12)
    want = _optimal_partition_min(counts / phi, nights / phi, penalty, 1)
    assert _partition(whole, penalty * phi, 1) == want
