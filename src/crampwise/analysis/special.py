"""The few special functions the analysis needs, in plain Python (``math``).

``scipy.special`` costs about 0.2 s to import (it pulls in ``numpy.f2py`` and array-API
shims), more than the whole analysis of a 10-year diary; ``crampwise analyze`` must start
in well under that. Each function here is checked against scipy in
``tests/test_analysis_special.py`` (relative error ≤ 1e-9 over the ranges the analysis
uses). Algorithms: power series and modified-Lentz continued fractions for the incomplete
gamma and beta functions, Acklam's rational start refined by Halley steps for the normal
quantile, and safeguarded Newton (bisection fallback) for the inverses.
"""

from __future__ import annotations

import math
from functools import lru_cache

__all__ = [
    "betainc",
    "betaincinv",
    "chi2_sf",
    "gammainc",
    "gammaincc",
    "gammaincinv",
    "ndtr",
    "ndtri",
    "stdtr",
    "stdtrit",
]

_EPS = 1e-15
_TINY = 1e-300
_MAX_ITER = 500


def ndtr(z: float) -> float:
    """Standard normal CDF Φ(z)."""
    return 0.5 * math.erfc(-z / math.sqrt(2.0))


# Acklam's rational approximation of the normal quantile (|error| < 1.2e-9), refined below.
_A = (-39.69683028665376, 220.9460984245205, -275.9285104469687, 138.3577518672690,
      -30.66479806614716, 2.506628277459239)  # fmt: skip
_B = (-54.47609879822406, 161.5858368580409, -155.6989798598866, 66.80131188771972,
      -13.28068155288572)  # fmt: skip
_C = (-0.007784894002430293, -0.3223964580411365, -2.400758277161838, -2.549732539343734,
      4.374664141464968, 2.938163982698783)  # fmt: skip
_D = (0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416)


def _acklam(p: float) -> float:
    if p < 0.02425:
        q = math.sqrt(-2.0 * math.log(p))
        num = ((((_C[0] * q + _C[1]) * q + _C[2]) * q + _C[3]) * q + _C[4]) * q + _C[5]
        return num / ((((_D[0] * q + _D[1]) * q + _D[2]) * q + _D[3]) * q + 1.0)
    if p > 1.0 - 0.02425:
        return -_acklam(1.0 - p)
    q = p - 0.5
    r = q * q
    num = (((((_A[0] * r + _A[1]) * r + _A[2]) * r + _A[3]) * r + _A[4]) * r + _A[5]) * q
    return num / (((((_B[0] * r + _B[1]) * r + _B[2]) * r + _B[3]) * r + _B[4]) * r + 1.0)


@lru_cache(maxsize=64, typed=True)  # pure; asked for the same few levels again and again
def ndtri(p: float) -> float:
    """Standard normal quantile Φ⁻¹(p) (±inf at 0 and 1)."""
    if p <= 0.0:
        return -math.inf
    if p >= 1.0:
        return math.inf
    x = _acklam(p)
    for _ in range(2):  # Halley steps: error ~1e-9 → machine precision
        e = ndtr(x) - p
        u = e * math.sqrt(2.0 * math.pi) * math.exp(0.5 * x * x)
        x -= u / (1.0 + 0.5 * x * u)
    return x


def _gamma_series(a: float, x: float) -> float:
    """P(a, x) by its power series (converges fast for x < a + 1)."""
    term = 1.0 / a
    total = term
    ap = a
    eps = _EPS
    for _ in range(_MAX_ITER):
        ap += 1.0
        term *= x / ap
        total += term
        if term < total * eps:  # both ≥ 0 (a, x > 0): the |·| of the test is not needed
            break
    return total * math.exp(-x + a * math.log(x) - math.lgamma(a))


def _gamma_cf(a: float, x: float) -> float:
    """Q(a, x) by its continued fraction (modified Lentz; for x ≥ a + 1)."""
    b = x + 1.0 - a
    c = 1.0 / _TINY
    d = 1.0 / b
    h = d
    tiny, eps = _TINY, _EPS
    # |v| < e written as −e < v < e: the same test without a call per step
    for i in range(1, _MAX_ITER):
        an = -i * (i - a)
        b += 2.0
        d = an * d + b
        if -tiny < d < tiny:
            d = tiny
        c = b + an / c
        if -tiny < c < tiny:
            c = tiny
        d = 1.0 / d
        delta = d * c
        h *= delta
        if -eps < delta - 1.0 < eps:
            break
    return math.exp(-x + a * math.log(x) - math.lgamma(a)) * h


def gammainc(a: float, x: float) -> float:
    """Regularized lower incomplete gamma P(a, x)."""
    if x <= 0.0:
        return 0.0
    if x < a + 1.0:
        return _gamma_series(a, x)
    return 1.0 - _gamma_cf(a, x)


def gammaincc(a: float, x: float) -> float:
    """Regularized upper incomplete gamma Q(a, x) = 1 − P(a, x), accurate in the tail."""
    if x <= 0.0:
        return 1.0
    if x < a + 1.0:
        return 1.0 - _gamma_series(a, x)
    return _gamma_cf(a, x)


def chi2_sf(x: float, k: float) -> float:
    """Upper tail P(χ²_k > x)."""
    return gammaincc(0.5 * k, 0.5 * x)


def gammaincinv(a: float, p: float) -> float:
    """x with P(a, x) = p (the quantile of Gamma(a, 1))."""
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return math.inf
    # Start: Wilson–Hilferty for a ≥ 1, the small-x power law below it.
    if a >= 1.0:
        z = ndtri(p)
        t = 1.0 - 1.0 / (9.0 * a) + z / (3.0 * math.sqrt(a))
        x = max(a * t * t * t, 1e-3 * a)
    else:
        x = math.exp((math.log(p) + math.lgamma(a + 1.0)) / a)
        if x > a + 1.0 or not x > 0.0:
            x = a
    lo, hi = 0.0, math.inf
    log_norm = -math.lgamma(a)
    for _ in range(200):
        f = gammainc(a, x) - p
        if f > 0:
            hi = min(hi, x)
        else:
            lo = max(lo, x)
        dens = math.exp((a - 1.0) * math.log(x) - x + log_norm)
        step = f / dens if dens > 0 else 0.0
        # Halley correction (the density's log-derivative is (a − 1)/x − 1)
        step /= max(1.0 - 0.5 * step * ((a - 1.0) / x - 1.0), 0.5)
        new = x - step
        if not (lo < new < hi) or not math.isfinite(new):
            new = 0.5 * (lo + hi) if math.isfinite(hi) else 2.0 * x
        if abs(new - x) <= 1e-12 * max(x, 1e-300):  # gammainc itself is good to ~1e-13
            return new
        x = new
    return x


def _beta_cf(a: float, b: float, x: float) -> float:
    """Continued fraction of the incomplete beta function (modified Lentz)."""
    qab, qap, qam = a + b, a + 1.0, a - 1.0
    c = 1.0
    d = 1.0 - qab * x / qap
    d = _TINY if abs(d) < _TINY else d
    d = 1.0 / d
    h = d
    tiny, eps = _TINY, _EPS
    for m in range(1, _MAX_ITER):  # |v| < e as −e < v < e, as in _gamma_cf
        m2 = 2 * m
        aa = m * (b - m) * x / ((qam + m2) * (a + m2))
        d = 1.0 + aa * d
        if -tiny < d < tiny:
            d = tiny
        c = 1.0 + aa / c
        if -tiny < c < tiny:
            c = tiny
        d = 1.0 / d
        h *= d * c
        aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2))
        d = 1.0 + aa * d
        if -tiny < d < tiny:
            d = tiny
        c = 1.0 + aa / c
        if -tiny < c < tiny:
            c = tiny
        d = 1.0 / d
        delta = d * c
        h *= delta
        if -eps < delta - 1.0 < eps:
            break
    return h


def _log_beta_front(a: float, b: float, x: float) -> float:
    return (
        math.lgamma(a + b) - math.lgamma(a) - math.lgamma(b) + a * math.log(x) + b * math.log1p(-x)
    )


def betainc(a: float, b: float, x: float) -> float:
    """Regularized incomplete beta I_x(a, b)."""
    if x <= 0.0:
        return 0.0
    if x >= 1.0:
        return 1.0
    front = math.exp(_log_beta_front(a, b, x))
    if x < (a + 1.0) / (a + b + 2.0):
        return front * _beta_cf(a, b, x) / a
    return 1.0 - front * _beta_cf(b, a, 1.0 - x) / b


def _beta_start(a: float, b: float, p: float) -> float:
    """Starting value for the inverse (Abramowitz & Stegun 26.5.22 / a power law)."""
    if a >= 1.0 and b >= 1.0:
        pp = p if p < 0.5 else 1.0 - p
        t = math.sqrt(-2.0 * math.log(pp))
        z = (2.30753 + t * 0.27061) / (1.0 + t * (0.99229 + t * 0.04481)) - t
        z = -z if p < 0.5 else z  # z is −Φ⁻¹(p) in this form
        lam = (z * z - 3.0) / 6.0
        h = 2.0 / (1.0 / (2.0 * a - 1.0) + 1.0 / (2.0 * b - 1.0))
        w = z * math.sqrt(h + lam) / h - (1.0 / (2.0 * b - 1.0) - 1.0 / (2.0 * a - 1.0)) * (
            lam + 5.0 / 6.0 - 2.0 / (3.0 * h)
        )
        return a / (a + b * math.exp(min(2.0 * w, 700.0)))
    ta = math.exp(a * math.log(a / (a + b))) / a
    tb = math.exp(b * math.log(b / (a + b))) / b
    total = ta + tb
    if p < ta / total:
        return float((a * total * p) ** (1.0 / a))
    return float(1.0 - (b * total * (1.0 - p)) ** (1.0 / b))


def betaincinv(a: float, b: float, p: float) -> float:
    """x with I_x(a, b) = p."""
    if p <= 0.0:
        return 0.0
    if p >= 1.0:
        return 1.0
    lo, hi = 0.0, 1.0
    x = min(max(_beta_start(a, b, p), 1e-300), 1.0 - 1e-16)
    log_b = math.lgamma(a) + math.lgamma(b) - math.lgamma(a + b)
    for _ in range(300):
        f = betainc(a, b, x) - p
        if f == 0.0:
            return x
        if f > 0:
            hi = x
        else:
            lo = x
        dens = math.exp((a - 1.0) * math.log(x) + (b - 1.0) * math.log1p(-x) - log_b)
        step = f / dens if dens > 0 and math.isfinite(dens) else math.nan
        # Halley correction with the log-derivative of the beta density
        if math.isfinite(step):
            curv = (a - 1.0) / x - (b - 1.0) / (1.0 - x)
            step /= max(1.0 - 0.5 * step * curv, 0.5)
        if math.isfinite(step) and abs(step) <= 1e-12 * x:  # betainc itself is good to ~1e-13
            return x - step
        new = x - step
        if not (lo < new < hi) or not math.isfinite(new):
            new = 0.5 * (lo + hi)
        if hi - lo <= 1e-16 * max(x, 1e-300):
            return new
        x = new
    return x


def stdtr(df: float, t: float) -> float:
    """Student t CDF with ``df`` degrees of freedom."""
    if math.isinf(df):
        return ndtr(t)
    tail = 0.5 * betainc(0.5 * df, 0.5, df / (df + t * t))
    return 1.0 - tail if t > 0 else tail


@lru_cache(maxsize=256)
def stdtrit(df: float, p: float) -> float:
    """Student t quantile."""
    if p <= 0.0:
        return -math.inf
    if p >= 1.0:
        return math.inf
    if p == 0.5:
        return 0.0
    if df > 100.0:  # Cornish–Fisher expansion (error O(df⁻⁴)), then the Newton polish
        z = ndtri(p)
        z2 = z * z
        t = z * (
            1.0
            + (z2 + 1.0) / (4.0 * df)
            + (5.0 * z2 * z2 + 16.0 * z2 + 3.0) / (96.0 * df * df)
            + (3.0 * z2**3 + 19.0 * z2 * z2 + 17.0 * z2 - 15.0) / (384.0 * df**3)
        )
    else:
        tail = 2.0 * min(p, 1.0 - p)
        x = betaincinv(0.5 * df, 0.5, tail)
        t = math.sqrt(df * (1.0 - x) / x) if x > 0 else math.inf
        t = t if p > 0.5 else -t
    if math.isfinite(t):
        # Newton polish on the CDF: 1 − x loses digits when p is near 0.5
        log_c = math.lgamma(0.5 * (df + 1.0)) - math.lgamma(0.5 * df) - 0.5 * math.log(df * math.pi)
        for _ in range(2):
            dens = math.exp(log_c - 0.5 * (df + 1.0) * math.log1p(t * t / df))
            t -= (stdtr(df, t) - p) / dens
    return t
