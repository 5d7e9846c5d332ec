"""The special functions' loops test |v| < e as −e < v < e (no call per step): the same
numbers, bit for bit, as the loops written with ``abs`` (kept here as the reference), so
every analysis result stays what it was."""

from __future__ import annotations

import math

import numpy as np

from crampwise.analysis import special

_EPS, _TINY, _MAX = 1e-15, 1e-300, 500


def _series_abs(a: float, x: float) -> float:
    term = total = 1.0 / a
    ap = a
    for _ in range(_MAX):
        ap += 1.0
        term *= x / ap
        total += term
        if abs(term) < abs(total) * _EPS:
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _gamma_cf_abs(a: float, x: float) -> float:
    b = x + 1.0 - a
    c, d = 1.0 / _TINY, 1.0 / b
    h = d
    for i in range(1, _MAX):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        d = _TINY if abs(d) < _TINY else d
        c = b + an / c
        c = _TINY if abs(c) < _TINY else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h


def _beta_cf_abs(a: float, b: float, x: float) -> float:
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = _TINY if abs(d) < _TINY else d
    d = 1.0 / d
    h = d
    for m in range(1, _MAX):
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        d = _TINY if abs(d) < _TINY else d
        c = 1.0 + aa / c
        c = _TINY if abs(c) < _TINY else c
        d = 1.0 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        d = _TINY if abs(d) < _TINY else d
        c = 1.0 + aa / c
        c = _TINY if abs(c) < _TINY else c
        d = 1.0 / d
        delta = d * c
        h *= delta
        if abs(delta - 1.0) < _EPS:
            break
    return h


def test_the_loops_give_the_numbers_of_the_abs_versions_bit_for_bit() -> None:
    """Each loop over its whole argument range (outside the range its caller uses it
    in, too: there both give the same nan or inf)."""
    rng = np.random.default_rng(7)
    for _ in range(3000):
        a = float(np.exp(rng.uniform(math.log(0.05), math.log(3000))))
        b = float(np.exp(rng.uniform(math.log(0.05), math.log(3000))))
        x = float(np.exp(rng.uniform(-10, 9)))
        u = float(rng.uniform(1e-9, 1 - 1e-9))
        assert special._gamma_series(a, x).hex() == _series_abs(a, x).hex()
        assert special._gamma_cf(a, x).hex() == _gamma_cf_abs(a, x).hex()
        assert special._beta_cf(a, b, u).hex() == _beta_cf_abs(a, b, u).hex()
    # the shapes and counts the analysis asks for: 0.5 + cramps (over a dispersion)
    for cramps in range(0, 400, 7):
        for p in (0.025, 0.5, 0.975):
            x = special.gammaincinv(0.5 + cramps / 1.3, p)
            assert special._gamma_series(0.5 + cramps, x) == _series_abs(0.5 + cramps, x)
