"""Many Gamma quantiles at once (``analysis/gammavec.py``, the per-period rates) against
scipy, and against the one-at-a-time functions they replace in the periods."""

from __future__ import annotations

import numpy as np
import pytest

from crampwise.analysis import special
from crampwise.analysis.gammavec import gammainc_many, gammaincinv_many
from crampwise.analysis.stats import rate_interval, rate_intervals


def test_incomplete_gamma_of_many_points_matches_scipy() -> None:
    """Reference: scipy.special.gammainc, shapes 0.05–5000, points from 1e-6 to far past
    the mean (there the scalar function takes over): relative error ≤ 1e-10, as the scalar function
    (its own test allows 1e-9)."""
    from scipy import special as ref

    rng = np.random.default_rng(3)
    a = np.exp(rng.uniform(np.log(0.05), np.log(5000), 3000))
    x = np.concatenate(
        [
            a[:1000] * np.exp(rng.uniform(-14, 3, 1000)),  # anywhere
            a[1000:] + rng.normal(0, 3, 2000) * np.sqrt(a[1000:]),  # near the mean
        ]
    ).clip(1e-6, None)
    want = ref.gammainc(a, x)
    got = gammainc_many(a, x)
    keep = want > 1e-250
    np.testing.assert_allclose(got[keep], want[keep], rtol=1e-10, atol=0)
    assert np.all(gammainc_many(a[:5], np.zeros(5)) == 0.0)


def test_gamma_quantiles_of_many_shapes_match_scipy() -> None:
    """Reference: scipy.special.gammaincinv, shapes 0.5–5000 (a Jeffreys posterior's
    0.5 + S), levels 1e-6 … 1 − 1e-6 and the interval's 0.025, 0.5, 0.975: relative
    error ≤ 1e-10 (the scalar function's own test allows 1e-9)."""
    from scipy import special as ref

    rng = np.random.default_rng(4)
    a = np.concatenate([[0.5, 0.5, 1.5], 0.5 + np.round(np.exp(rng.uniform(0, np.log(5000), 597)))])
    p = np.concatenate([[0.025, 0.975, 0.5], rng.uniform(1e-6, 1 - 1e-6, 597)])
    p[3:200] = rng.choice([0.025, 0.5, 0.975], 197)
    np.testing.assert_allclose(gammaincinv_many(a, p), ref.gammaincinv(a, p), rtol=1e-10)
    edges = gammaincinv_many(np.array([2.0, 2.0]), np.array([0.0, 1.0]))
    assert edges[0] == 0.0 and edges[1] == np.inf


@pytest.mark.parametrize("dispersion", [1.0, 2.7])
def test_rate_intervals_are_rate_interval_to_the_last_bits(dispersion: float) -> None:
    """The periods' intervals all at once equal the one-at-a-time ones (and scipy's
    gamma.ppf through them) to 1e-10; no exposure gives None, as before."""
    rng = np.random.default_rng(5)
    events = np.concatenate([[0, 0, 3], rng.poisson(rng.uniform(0, 400, 60))]).astype(float)
    exposure = np.concatenate([[14, 0, 1], rng.integers(1, 900, 60)]).astype(float)
    many = rate_intervals(events, exposure, dispersion=dispersion)
    for e, n, got in zip(events, exposure, many, strict=True):
        one = rate_interval(e, n, dispersion=dispersion)
        if one is None:
            assert got is None
        else:
            assert got == pytest.approx(one, rel=1e-10)
    # 0 cramps in 14 nights: the upper bound is 7/14 of Gamma(0.5/φ)'s 97.5 % point, in φ
    bound = special.gammaincinv(0.5, 0.975) / (14 / dispersion) * 7
    assert bound == pytest.approx(many[0][2], rel=1e-10)
