"""Pure numeric functions of the analysis (arrays in, numbers out).

Formulas and the published numbers they are tested against are in
``reference/stats-methods.md`` (§2.1 Gamma–Poisson rates, §2.2 over-dispersion, §2.3 exact
rate-ratio probabilities, §2.4 Poisson GLM with Laplace posterior). The special functions
come from :mod:`crampwise.analysis.special` (no scipy at run time: it costs more to import
than the whole analysis takes).
"""

from __future__ import annotations

import math

import numpy as np

from crampwise._record import Record
from crampwise.analysis import special
from crampwise.analysis.series import FloatArray

__all__ = [
    "JEFFREYS_SHAPE",
    "PoissonFit",
    "Slope",
    "fit_poisson",
    "gamma_quantile",
    "ols_slope",
    "prob_below",
    "prob_rate_ratio_below",
    "rate_interval",
    "rate_intervals",
    "rate_ratio_quantile",
    "wald_interval",
]

#: Jeffreys-type prior Gamma(0.5, 0) on a Poisson rate (stats-methods §2.1).
JEFFREYS_SHAPE = 0.5


def gamma_quantile(shape: float, rate: float, p: float) -> float:
    """Quantile ``p`` of Gamma(shape, rate) (rate = inverse scale)."""
    return special.gammaincinv(shape, p) / rate


def rate_interval(
    events: float,
    exposure: float,
    *,
    dispersion: float = 1.0,
    level: float = 0.95,
    per: float = 7.0,
) -> tuple[float, float, float] | None:
    """Posterior median and equal-tailed interval of a rate, ``per`` nights (default a week).

    Posterior Gamma(0.5 + S/φ, n/φ): the Jeffreys-type prior Gamma(0.5, 0) keeps the upper
    bound honest when S = 0; φ > 1 ("effective counts", §2.2) widens it for clustered weeks.
    Returns None when there is no exposure (the prior alone is improper).
    """
    if exposure <= 0:
        return None
    shape = JEFFREYS_SHAPE + events / dispersion
    rate = exposure / dispersion
    tail = (1.0 - level) / 2.0
    return (
        per * gamma_quantile(shape, rate, 0.5),
        per * gamma_quantile(shape, rate, tail),
        per * gamma_quantile(shape, rate, 1.0 - tail),
    )


def rate_intervals(
    events: FloatArray,
    exposure: FloatArray,
    *,
    dispersion: float = 1.0,
    level: float = 0.95,
    per: float = 7.0,
) -> list[tuple[float, float, float] | None]:
    """:func:`rate_interval` of many counts at once (every quantile found together)."""
    from crampwise.analysis.gammavec import gammaincinv_many

    events = np.asarray(events, dtype=np.float64)
    exposure = np.asarray(exposure, dtype=np.float64)
    shape = JEFFREYS_SHAPE + events / dispersion
    rate = exposure / dispersion
    tail = (1.0 - level) / 2.0
    n = shape.shape[0]
    q = gammaincinv_many(np.tile(shape, 3), np.repeat([0.5, tail, 1.0 - tail], n))
    scaled = (per * q.reshape(3, n) / np.where(rate > 0, rate, 1.0)).T.tolist()
    return [tuple(row) if e > 0 else None for row, e in zip(scaled, exposure.tolist(), strict=True)]


def prob_rate_ratio_below(c: float, a_b: float, b_b: float, a_a: float, b_a: float) -> float:
    """Exact P(λ_B/λ_A < c) for independent λ_B ~ Ga(a_b, b_b), λ_A ~ Ga(a_a, b_a).

    P = I_{q/(1+q)}(a_b, a_a) with q = c·b_b/b_a (regularized incomplete beta, §2.3).
    """
    q = c * b_b / b_a
    return special.betainc(a_b, a_a, q / (1.0 + q))


def rate_ratio_quantile(p: float, a_b: float, b_b: float, a_a: float, b_a: float) -> float:
    """Quantile ``p`` of λ_B/λ_A: (b_a/b_b)·x/(1−x) with x = I⁻¹_p(a_b, a_a) (§2.3)."""
    x = special.betaincinv(a_b, a_a, p)
    if x >= 1.0:
        return math.inf
    return (b_a / b_b) * x / (1.0 - x)


def prob_below(threshold: float, estimate: float, se: float, df: float | None) -> float:
    """P(θ < threshold) for θ ~ estimate + se·T_df (normal when ``df`` is None)."""
    if se <= 0:
        return 1.0 if estimate < threshold else 0.0
    z = (threshold - estimate) / se
    return special.ndtr(z) if df is None else special.stdtr(df, z)


def wald_interval(
    estimate: float, se: float, df: float | None, level: float = 0.95
) -> tuple[float, float]:
    """Equal-tailed ``level`` interval of estimate + se·T_df (normal when ``df`` is None)."""
    p = 0.5 + level / 2.0
    q = special.ndtri(p) if df is None else special.stdtrit(df, p)
    return estimate - q * se, estimate + q * se


class PoissonFit(Record):
    """A (penalized) Poisson GLM fit: mode, inverse Hessian, and goodness of fit."""

    coef: FloatArray
    cov: FloatArray  # inverse of (Fisher information + prior precision); not φ-scaled
    mu: FloatArray
    pearson_chi2: float
    df_resid: int
    converged: bool
    info: FloatArray | None = None  # Xᵀ diag(μ) X at the mode (no prior): the Hessian's data part

    @property
    def dispersion(self) -> float | None:
        """Pearson φ̂ = Σ(y−μ)²/μ / (rows − columns); None when there are no spare rows."""
        if self.df_resid <= 0:
            return None
        return self.pearson_chi2 / self.df_resid

    def se(self, scale: float = 1.0) -> FloatArray:
        return np.sqrt(np.clip(np.diag(self.cov), 0.0, None) * scale)


def _loglik(
    x: FloatArray, y: FloatArray, offset: FloatArray, beta: FloatArray, prec: FloatArray
) -> tuple[float, FloatArray]:
    eta = x @ beta
    eta += offset
    # clipped to ±700 (exp stays finite) by two in-place passes: np.clip costs 4x more
    np.minimum(eta, 700.0, out=eta)
    np.maximum(eta, -700.0, out=eta)
    mu = np.exp(eta)
    ll = float(y @ eta - mu.sum() - 0.5 * beta @ (prec * beta))
    return ll, mu


def _information(x: FloatArray, mu: FloatArray) -> FloatArray:
    """Xᵀ diag(μ) X as WᵀW with W = diag(√μ) X (a symmetric product, cheaper than a
    general one)."""
    w = x * np.sqrt(mu)[:, None]
    return np.asarray(w.T @ w, dtype=np.float64)


def _start(x: FloatArray, y: FloatArray, offset: FloatArray) -> FloatArray:
    """Every cell at the overall rate: the intercept, or the columns' least-squares
    combination that is constant (by the normal equations; least squares when singular)."""
    n_rows, n_cols = x.shape
    beta = np.zeros(n_cols)
    total = float(y.sum())
    if total <= 0:
        return beta
    level = math.log(total / float(np.exp(offset).sum()))
    if np.all(x[:, 0] == 1.0):  # an intercept: start it at the overall rate
        beta[0] = level
        return beta
    target = np.full(n_rows, level)
    try:
        start = np.linalg.solve(x.T @ x, x.T @ target)
    except np.linalg.LinAlgError:
        start = np.linalg.lstsq(x, target)[0]
    if not np.all(np.isfinite(start)):
        start = np.linalg.lstsq(x, target)[0]
    return np.asarray(start, dtype=np.float64)


def fit_poisson(
    x: FloatArray,
    y: FloatArray,
    offset: FloatArray,
    prior_precision: FloatArray | None = None,
    *,
    max_iter: int = 100,
    tol: float = 1e-10,
) -> PoissonFit:
    """Poisson GLM log E[y] = offset + xβ by Newton–Raphson (= IRLS for the canonical link).

    ``prior_precision`` (one value per column, 0 = flat) adds independent N(0, 1/prec) priors;
    the result is then the posterior mode with its Laplace covariance (§2.4). The priors keep
    the fit finite when a condition has zero cramps (a flat fit would run off to −∞).
    Step-halving guarantees the penalized log-likelihood never decreases.
    """
    n_rows, n_cols = x.shape
    prec = np.zeros(n_cols) if prior_precision is None else prior_precision
    prior = np.diag(prec)
    xt = x.T
    beta = _start(x, y, offset)
    ll, mu = _loglik(x, y, offset, beta, prec)
    converged = False
    for _ in range(max_iter):
        grad = xt @ (y - mu) - prec * beta
        hess = _information(x, mu)
        hess += prior
        try:
            step = np.linalg.solve(hess, grad)
        except np.linalg.LinAlgError:
            step = np.linalg.lstsq(hess, grad)[0]
        for _half in range(30):
            new_beta = beta + step
            new_ll, new_mu = _loglik(x, y, offset, new_beta, prec)
            if new_ll >= ll - 1e-12 * abs(ll):
                break
            step = step / 2.0
        gain = new_ll - ll
        beta, ll, mu = new_beta, new_ll, new_mu
        if abs(gain) <= tol * (abs(ll) + 1.0) and float(np.max(np.abs(step))) < 1e-6:
            converged = True
            break
    info = _information(x, mu)  # kept: the variance sandwich's meat starts from it
    hess = info + prior
    try:
        cov = np.asarray(np.linalg.inv(hess), dtype=np.float64)
    except np.linalg.LinAlgError:
        cov = np.asarray(np.linalg.pinv(hess), dtype=np.float64)
    if not np.all(np.isfinite(cov)):
        cov = np.asarray(np.linalg.pinv(hess), dtype=np.float64)
    safe_mu = np.maximum(mu, 1e-300)
    resid = y - mu
    pearson = float(resid @ (resid / safe_mu))
    return PoissonFit(beta, cov, mu, pearson, n_rows - n_cols, converged, info)


class Slope(Record):
    """Least-squares slope with its equal-tailed 95 % t interval."""

    estimate: float
    low: float
    high: float
    n: int


def ols_slope(t: FloatArray, v: FloatArray, level: float = 0.95) -> Slope | None:
    """Ordinary least-squares slope of ``v`` on ``t`` with a t-based interval (n − 2 df)."""
    n = int(t.shape[0])
    if n < 3:
        return None
    tc = t - t.mean()
    sxx = float(tc @ tc)
    if sxx <= 0:
        return None
    slope = float(tc @ (v - v.mean())) / sxx
    resid = v - v.mean() - slope * tc
    s2 = float(resid @ resid) / (n - 2)
    se = math.sqrt(s2 / sxx)
    low, high = wald_interval(slope, se, float(n - 2), level)
    return Slope(slope, low, high, n)
