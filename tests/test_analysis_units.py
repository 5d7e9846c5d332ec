"""Unit checks of the analysis' decision pieces, each against an external reference or the
rule's own text (added after the mutation run of docs/testing.md showed them untested)."""

from __future__ import annotations

import math
from datetime import date

import numpy as np
import pytest

from crampwise.analysis import make_series
from crampwise.analysis.checks import seasonality
from crampwise.analysis.effects import unadjusted, verdict
from crampwise.analysis.model import within_period_slope


@pytest.mark.parametrize(
    ("p_benefit", "p_meaningful", "expected"),
    [
        (0.95, 0.80, "benefit"),  # both bars met exactly (stats-methods §2.8)
        (0.9499, 0.99, "inconclusive"),
        (0.99, 0.7999, "inconclusive"),
        (0.5, 0.10, "no-meaningful-benefit"),  # P(RR ≥ 0.75) = 0.90 exactly
        (0.5, 0.1001, "inconclusive"),
        (0.02, 0.0, "no-meaningful-benefit"),
    ],
)
def test_decision_rule_boundaries(p_benefit: float, p_meaningful: float, expected: str) -> None:
    """Reference: stats-methods §2.8 — benefit if P(RR < 0.75) ≥ 0.8 and P(RR < 1) ≥ 0.95;
    no meaningful benefit if P(RR ≥ 0.75) ≥ 0.9; otherwise inconclusive."""
    assert verdict(p_benefit, p_meaningful) == expected


@pytest.mark.parametrize(("s_on", "s_off"), [(3, 20), (40, 40), (120, 300)])
def test_unadjusted_ratio_matches_scipy(s_on: int, s_off: int) -> None:
    """Reference: with λ_on ~ Ga(0.5 + S_on, n_on), λ_off ~ Ga(0.5 + S_off, n_off), the
    ratio's quantiles are (n_off/n_on)·x/(1 − x), x = scipy.stats.beta.ppf(p, a_on, a_off)
    (stats-methods §2.3); above 50 per side the log-normal form, within 2 %."""
    from scipy import stats

    n_on, n_off = 150, 210
    on = np.zeros(n_on + n_off, dtype=bool)
    on[n_off:] = True
    counts = np.zeros(on.shape[0])
    counts[0], counts[n_off] = s_off, s_on  # only the totals matter
    series = make_series(date(2025, 1, 1), np.ones(on.shape[0], bool), counts, {"m": on})
    got = unadjusted(series, on)
    a_on, a_off = 0.5 + s_on, 0.5 + s_off
    for value, p in ((got.estimate, 0.5), (got.low, 0.025), (got.high, 0.975)):
        x = stats.beta.ppf(p, a_on, a_off)
        want = (n_off / n_on) * x / (1 - x)
        tol = 0.02 if min(a_on, a_off) >= 50 else 1e-7
        assert value == pytest.approx(want, rel=tol)


def test_within_period_slope_matches_statsmodels() -> None:
    """Reference: statsmodels GLM(Poisson, offset) with one level per period and a common
    slope per 4 weeks on the same week × period cells; the SE may only be widened."""
    import statsmodels.api as sm

    rng = np.random.default_rng(4)
    n = 280
    on = np.arange(n) >= 140
    rate = 0.5 * np.exp(-np.arange(n) / 200) * np.where(on, 0.7, 1.0)
    counts = rng.poisson(rate).astype(float)
    series = make_series(date(2025, 1, 1), np.ones(n, bool), counts, {"m": on})
    got = within_period_slope(series, series.observed)
    assert got is not None
    nights = np.arange(n)
    key = (nights // 7) * 2 + on
    cells = sorted(set(key.tolist()))
    y = np.array([counts[key == k].sum() for k in cells])
    expo = np.array([(key == k).sum() for k in cells], dtype=float)
    t = np.array([nights[key == k].mean() for k in cells])
    per = np.array([k % 2 for k in cells], dtype=float)
    x = np.column_stack([1 - per, per, (t - t.mean()) / 28.0])
    ref = sm.GLM(y, x, family=sm.families.Poisson(), offset=np.log(expo)).fit()
    assert got[0] == pytest.approx(ref.params[2], abs=1e-4)
    assert got[1] >= ref.bse[2] * (1 - 1e-6)
    assert got[1] <= 3 * ref.bse[2]


def test_seasonality_r2_matches_least_squares() -> None:
    """Reference: the R² of numpy.linalg.lstsq of the on/off column on [1, sin, cos,
    sin 2·, cos 2·] of the day of the year; 'recurring' needs two separate winters."""
    first = date(2023, 1, 1)
    n = 3 * 365
    days = np.arange(n)
    month = np.array([(np.datetime64("2023-01-01") + d).astype(object).month for d in days])
    winter = (month >= 10) | (month <= 3)
    on = winter & (days >= 273)
    series = make_series(first, np.ones(n, bool), np.zeros(n), {"m": on})
    got = seasonality(series, "m")
    assert got is not None
    ang = 2 * math.pi * days / 365.25
    basis = np.column_stack(
        [np.ones(n), np.sin(ang), np.cos(ang), np.sin(2 * ang), np.cos(2 * ang)]
    )
    y = on.astype(float)
    coef, *_ = np.linalg.lstsq(basis, y)
    r2 = 1 - ((y - basis @ coef) ** 2).sum() / ((y - y.mean()) ** 2).sum()
    assert got.r2 == pytest.approx(r2, rel=1e-9)
    assert got.recurring and got.caps
    assert set(got.months) <= {1, 2, 3, 10, 11, 12}
    once = on & (days < 500)  # a single winter: not recurring, whatever its R²
    single = seasonality(make_series(first, np.ones(n, bool), np.zeros(n), {"m": once}), "m")
    assert single is not None and not single.recurring and not single.caps


def test_only_a_flagged_drift_is_named_as_what_holds_an_item_back() -> None:
    """A stationary diary (no drift) with an inert item: the verdict is inconclusive, but
    nothing says a drift made the change impossible to judge."""
    from crampwise.analysis import analyze_series

    n = 365
    on = np.arange(n) >= 182
    counts = np.random.default_rng(1).poisson(1.5 / 7, n).astype(float)
    series = make_series(date(2025, 1, 1), np.ones(n, bool), counts, {"m": on})
    result = analyze_series(series)
    e = result.effect("m")
    assert e.verdict == "inconclusive"
    assert "trend" not in result.warning_codes()
    assert "trend" not in e.held_back
    assert "impossible to judge" not in e.summary
