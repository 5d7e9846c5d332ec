"""The pre-registered analysis of an N-of-1 crossover experiment, on period totals.

One function, :func:`crossover`, used three ways: for a person's result (one trial), by
``crampwise analyze`` for a diary's experiment, and by the planner's power simulation
(thousands of simulated trials at once: every input has a leading *trials* axis). So the
power a plan promises is the power of exactly the rule that will judge the trial.

Per period p (in design order) the inputs are the cramps and the analysed nights (recorded
nights outside the washout). The rule (docs/experiments.md, stats-methods §2.2, §2.3, §2.8):

* **Primary** (``exact-gamma-poisson``): cramps S and nights n per condition, Jeffreys
  Gamma(0.5, 0) prior per condition, exact P(RR < c) = I_{q/(1+q)}(a_B, a_A) with
  q = c·b_B/b_A. When the period totals vary more than Poisson counts do (Pearson φ̂ over
  the periods around each condition's rate, > 1.5), counts and nights are divided by φ̂
  (``overdispersion-adjusted``): anyone can recompute the probabilities from S, n and φ.
* **Trend-adjusted** (block-effect model): log E[y_p] = log n_p + α + β·B_p + γ·(p − p̄),
  the same N(0, 1²) prior on β as the diary analysis, N(0, 1²) on γ, flat α; Laplace
  posterior, Pearson dispersion of its own when > 1.5. γ is the **period effect** (log
  rate ratio from one period to the next whatever the condition); it is flagged when
  P(γ < 0) ≥ 0.95 (a one-sided 5 % test).
* **Verdict**: the decision rule on each; when the two disagree, ``inconclusive``; fewer
  than 5 cramps in the analysed nights, ``inconclusive``.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

from crampwise._record import Record
from crampwise.analysis import special
from crampwise.analysis.series import BoolArray, FloatArray

__all__ = [
    "BENEFIT",
    "INCONCLUSIVE",
    "NO_MEANINGFUL",
    "OVERDISPERSION_GUARD",
    "PERIOD_EFFECT_P",
    "SPARSE_CRAMPS",
    "VERDICTS",
    "CrossoverStats",
    "DecisionRule",
    "Specials",
    "crossover",
    "default_specials",
    "rate_ratio_interval",
]

INCONCLUSIVE, BENEFIT, NO_MEANINGFUL = 0, 1, 2
VERDICTS = ("inconclusive", "benefit", "no-meaningful-benefit")
SPARSE_CRAMPS = 5  # fewer cramps than this in the analysed nights: no verdict
OVERDISPERSION_GUARD = 1.5  # stats-methods §0: divide by φ̂ only when it exceeds this
PERIOD_EFFECT_P = 0.95
NO_MEANINGFUL_P = 0.9  # §2.8: "no meaningful benefit" when P(RR ≥ 1 − δ) ≥ 0.9
_PRIOR_PRECISION = np.array([1e-8, 1.0, 1.0])  # α (flat; a whisper keeps H invertible), β, γ
_NEWTON_STEPS = 40


class DecisionRule(Record):
    """Fixed before the trial starts (stats-methods §2.8; MCID from the Cochrane review)."""

    mcid: float = 0.25
    p_benefit_min: float = 0.95
    p_meaningful_min: float = 0.8

    def to_dict(self) -> dict[str, float]:
        return {
            "mcid": self.mcid,
            "p_benefit_min": self.p_benefit_min,
            "p_meaningful_min": self.p_meaningful_min,
        }


class Specials(Record):
    """Array versions of the two special functions the rule needs: I_x(a, b) and Φ(z).

    The default wraps the pure-Python ones (no scipy on ``crampwise analyze``); the power
    simulation passes scipy's ufuncs, which are the same functions (checked in tests)."""

    betainc: Callable[[FloatArray, FloatArray, FloatArray], FloatArray]
    ndtr: Callable[[FloatArray], FloatArray]


def default_specials() -> Specials:
    beta = np.vectorize(special.betainc, otypes=[np.float64])
    normal = np.vectorize(special.ndtr, otypes=[np.float64])
    return Specials(beta, normal)


class CrossoverStats(Record):
    """Everything the rule computed, one entry per trial (arrays of shape (trials,))."""

    cramps_a: FloatArray
    nights_a: FloatArray
    cramps_b: FloatArray
    nights_b: FloatArray
    dispersion_estimate: FloatArray  # Pearson φ̂ over periods (1 when it cannot be estimated)
    dispersion: FloatArray  # φ used by the primary result (1, or φ̂ when > 1.5)
    p_benefit: FloatArray
    p_meaningful: FloatArray
    primary_verdict: FloatArray  # codes, see VERDICTS
    trend_log_rr: FloatArray
    trend_se: FloatArray
    trend_dispersion: FloatArray
    trend_p_benefit: FloatArray
    trend_p_meaningful: FloatArray
    trend_verdict: FloatArray
    period_log_ratio: FloatArray  # γ: log rate ratio per period, whatever the condition
    period_se: FloatArray
    period_effect: BoolArray
    verdict: FloatArray
    sparse: BoolArray
    disagree: BoolArray

    def share(self, code: int) -> float:
        """Share of trials with this verdict."""
        return float(np.mean(self.verdict == code))


def _rule(p_benefit: FloatArray, p_meaningful: FloatArray, rule: DecisionRule) -> FloatArray:
    out = np.full(p_benefit.shape, INCONCLUSIVE, dtype=np.float64)
    out[1.0 - p_meaningful >= NO_MEANINGFUL_P] = NO_MEANINGFUL
    out[(p_meaningful >= rule.p_meaningful_min) & (p_benefit >= rule.p_benefit_min)] = BENEFIT
    return out


def _pearson_by_condition(
    counts: FloatArray, nights: FloatArray, is_b: BoolArray, used: BoolArray
) -> FloatArray:
    """φ̂ over periods around each condition's own rate (1 when there are no spare periods)."""
    s_b = (counts * is_b).sum(axis=1, keepdims=True)
    s_a = (counts * ~is_b).sum(axis=1, keepdims=True)
    n_b = (nights * is_b).sum(axis=1, keepdims=True)
    n_a = (nights * ~is_b).sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        rate = np.where(is_b, s_b / n_b, s_a / n_a)
        expected = nights * np.nan_to_num(rate)
        terms = np.where(expected > 0, (counts - expected) ** 2 / expected, 0.0)
    df = used.sum(axis=1) - 2
    chi2 = (terms * used).sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(df >= 1, chi2 / np.maximum(df, 1), 1.0)


def _inv3(m: FloatArray) -> FloatArray:
    """Inverses of a stack of symmetric positive-definite 3×3 matrices (adjugate / det):
    far faster than LAPACK called once per matrix."""
    a, b, c = m[:, 0, 0], m[:, 0, 1], m[:, 0, 2]
    d, e, f = m[:, 1, 1], m[:, 1, 2], m[:, 2, 2]
    out = np.empty_like(m)
    out[:, 0, 0] = d * f - e * e
    out[:, 0, 1] = out[:, 1, 0] = c * e - b * f
    out[:, 0, 2] = out[:, 2, 0] = b * e - c * d
    out[:, 1, 1] = a * f - c * c
    out[:, 1, 2] = out[:, 2, 1] = b * c - a * e
    out[:, 2, 2] = a * d - b * b
    det = a * out[:, 0, 0] + b * out[:, 0, 1] + c * out[:, 0, 2]
    return out / det[:, None, None]


def _fit_trend(
    counts: FloatArray, nights: FloatArray, is_b: BoolArray, used: BoolArray
) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Penalized Poisson fit of [α, β, γ] per trial: (mode, information at φ = 1, Pearson χ²).

    The columns are 1, B and the period order centred on the trial's own used periods;
    the sums the Newton steps need come from one matrix product with [1, B, t, B·t, t²]
    (t uncentred), so thousands of trials cost a few milliseconds."""
    trials, periods = counts.shape
    order = np.arange(periods, dtype=np.float64)
    b = is_b.astype(np.float64)
    basis = np.column_stack([np.ones(periods), b, order, b * order, order * order])
    weight = used.astype(np.float64)
    centre = (weight @ order) / np.maximum(weight.sum(axis=1), 1.0)
    offset = np.log(np.where(used, nights, 1.0))
    total = (counts * weight).sum(axis=1)
    exposure = (nights * weight).sum(axis=1)
    theta = np.zeros((trials, 3))
    theta[:, 0] = np.log((total + 0.5) / np.maximum(exposure, 1e-9))
    prec = np.diag(_PRIOR_PRECISION)

    def info(mu: FloatArray) -> FloatArray:
        s = mu @ basis  # Σμ, Σμb, Σμt, Σμbt, Σμt² per trial
        c = centre
        out = np.empty((trials, 3, 3))
        out[:, 0, 0] = s[:, 0]
        out[:, 0, 1] = out[:, 1, 0] = out[:, 1, 1] = s[:, 1]
        out[:, 0, 2] = out[:, 2, 0] = s[:, 2] - c * s[:, 0]
        out[:, 1, 2] = out[:, 2, 1] = s[:, 3] - c * s[:, 1]
        out[:, 2, 2] = s[:, 4] - 2.0 * c * s[:, 2] + c * c * s[:, 0]
        return out

    def mean(th: FloatArray) -> FloatArray:
        t = order[None, :] - centre[:, None]
        eta = th[:, :1] + th[:, 1:2] * b[None, :] + th[:, 2:3] * t + offset
        return np.asarray(np.exp(np.clip(eta, -50.0, 50.0)) * weight, dtype=np.float64)

    for _ in range(_NEWTON_STEPS):
        mu = mean(theta)
        r = (counts - mu) * weight
        s = r @ basis
        grad = np.column_stack([s[:, 0], s[:, 1], s[:, 2] - centre * s[:, 0]])
        grad -= theta * _PRIOR_PRECISION
        step = np.einsum("tkl,tl->tk", _inv3(info(mu) + prec), grad)
        theta += np.clip(step, -3.0, 3.0)
        if float(np.abs(step).max(initial=0.0)) < 1e-10:
            break
    mu = mean(theta)
    with np.errstate(divide="ignore", invalid="ignore"):
        chi2 = np.where(mu > 0, (counts - mu) ** 2 / mu, 0.0).sum(axis=1)
    return theta, info(mu), chi2


def crossover(
    counts: FloatArray,
    nights: FloatArray,
    is_b: BoolArray,
    rule: DecisionRule,
    specials: Specials | None = None,
) -> CrossoverStats:
    """The rule on period totals ``counts``/``nights`` of shape (trials, periods) (or
    (periods,) for one trial); ``is_b`` marks the periods of the tested item (B)."""
    sp = specials or default_specials()
    counts = np.atleast_2d(np.asarray(counts, dtype=np.float64))
    nights = np.atleast_2d(np.asarray(nights, dtype=np.float64))
    is_b = np.asarray(is_b, dtype=np.bool_)
    used = nights > 0
    counts = np.where(used, counts, 0.0)
    s_b = (counts * is_b).sum(axis=1)
    s_a = (counts * ~is_b).sum(axis=1)
    n_b = (nights * is_b * used).sum(axis=1)
    n_a = (nights * ~is_b * used).sum(axis=1)

    # -- primary: exact Gamma-Poisson on (effective) counts --------------------------------
    phi_hat = _pearson_by_condition(counts, nights, is_b, used)
    phi = np.where(phi_hat > OVERDISPERSION_GUARD, phi_hat, 1.0)
    a_b, a_a = 0.5 + s_b / phi, 0.5 + s_a / phi
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where((n_a > 0) & (n_b > 0), n_b / n_a, np.nan)
    cut = 1.0 - rule.mcid

    def prob(c: float) -> FloatArray:
        q = c * ratio
        x = np.where(np.isfinite(q), q / (1.0 + q), 0.5)
        return np.asarray(sp.betainc(a_b, a_a, x), dtype=np.float64)

    p_benefit, p_meaningful = prob(1.0), prob(cut)
    primary = _rule(p_benefit, p_meaningful, rule)

    # -- block-effect model: condition + period order ---------------------------------------
    theta, info, chi2 = _fit_trend(counts, nights, is_b, used)
    df_t = used.sum(axis=1) - 3
    with np.errstate(divide="ignore", invalid="ignore"):
        phi_t_hat = np.where(df_t >= 1, chi2 / np.maximum(df_t, 1), 1.0)
    phi_t = np.where(phi_t_hat > OVERDISPERSION_GUARD, phi_t_hat, 1.0)
    cov = _inv3(info / phi_t[:, None, None] + np.diag(_PRIOR_PRECISION))
    beta, gamma = theta[:, 1], theta[:, 2]
    se_b = np.sqrt(np.clip(cov[:, 1, 1], 1e-300, None))
    se_g = np.sqrt(np.clip(cov[:, 2, 2], 1e-300, None))
    t_benefit = np.asarray(sp.ndtr(-beta / se_b), dtype=np.float64)
    t_meaningful = np.asarray(sp.ndtr((math.log(cut) - beta) / se_b), dtype=np.float64)
    trend = _rule(t_benefit, t_meaningful, rule)
    later_better = np.asarray(sp.ndtr(-gamma / se_g), dtype=np.float64) >= PERIOD_EFFECT_P

    # -- the verdict ----------------------------------------------------------------------
    sparse = (s_a + s_b) < SPARSE_CRAMPS
    missing_side = (n_a <= 0) | (n_b <= 0)
    disagree = primary != trend
    verdict = np.where(sparse | missing_side | disagree, INCONCLUSIVE, primary)
    return CrossoverStats(
        cramps_a=s_a,
        nights_a=n_a,
        cramps_b=s_b,
        nights_b=n_b,
        dispersion_estimate=phi_hat,
        dispersion=phi,
        p_benefit=np.where(missing_side, np.nan, p_benefit),
        p_meaningful=np.where(missing_side, np.nan, p_meaningful),
        primary_verdict=np.where(missing_side, INCONCLUSIVE, primary),
        trend_log_rr=beta,
        trend_se=se_b,
        trend_dispersion=phi_t,
        trend_p_benefit=t_benefit,
        trend_p_meaningful=t_meaningful,
        trend_verdict=trend,
        period_log_ratio=gamma,
        period_se=se_g,
        period_effect=later_better & ~(sparse | (used.sum(axis=1) < 3)),
        verdict=verdict,
        sparse=sparse,
        disagree=disagree & ~(sparse | missing_side),
    )


def rate_ratio_interval(
    cramps_a: float,
    nights_a: float,
    cramps_b: float,
    nights_b: float,
    dispersion: float = 1.0,
    level: float = 0.95,
) -> tuple[float, float, float] | None:
    """Posterior median and equal-tailed interval of RR = λ_B/λ_A (primary, one trial)."""
    from crampwise.analysis.stats import rate_ratio_quantile

    if nights_a <= 0 or nights_b <= 0:
        return None
    a_b, b_b = 0.5 + cramps_b / dispersion, nights_b / dispersion
    a_a, b_a = 0.5 + cramps_a / dispersion, nights_a / dispersion
    tail = (1.0 - level) / 2.0
    return (
        rate_ratio_quantile(0.5, a_b, b_b, a_a, b_a),
        rate_ratio_quantile(tail, a_b, b_b, a_a, b_a),
        rate_ratio_quantile(1.0 - tail, a_b, b_b, a_a, b_a),
    )
