"""Pooling many people's N-of-1 trials (clinic and research use; stats-methods §2.11).

Two stages. First, each person's log rate ratio (B over A) and its variance from their
own counted nights: ŷ_i = log((S_B + ½)/n_B) − log((S_A + ½)/n_A), v_i = (1/(S_A + ½) +
1/(S_B + ½))·φ_i, φ_i the dispersion their own result used. Second, a normal-normal
random-effects model ŷ_i ~ N(β_i, v_i), β_i ~ N(μ, τ²), flat prior on μ and a half-normal
(0.5) prior on τ, integrated exactly over τ on a grid of 2,000 values: the posterior of μ
is then a mixture of normals. Reported: the population rate ratio exp(μ) with its 95 %
interval and P(μ < 0), the heterogeneity τ, each person's shrunken estimate, and the
predictive effect for a new person, exp(μ + τ·z). DerSimonian–Laird is computed beside it
as a frequentist cross-check.
"""

from __future__ import annotations

import datetime as dt
import math
import os
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from crampwise._record import Record
from crampwise.errors import ConflictError, InputError
from crampwise.records import DiaryData

__all__ = [
    "TAU_GRID",
    "CohortResult",
    "PersonEstimate",
    "cohort_from_files",
    "dersimonian_laird",
    "pool",
    "stage_one",
]

TAU_GRID = 2000
TAU_MAX = 3.0  # six prior standard deviations of the half-normal(0.5)
TAU_PRIOR_SD = 0.5
_CHUNK_CELLS = 1 << 16  # τ values × distinct variances per block (bounds memory, fits caches)


def stage_one(
    cramps_a: np.ndarray,
    nights_a: np.ndarray,
    cramps_b: np.ndarray,
    nights_b: np.ndarray,
    dispersion: np.ndarray | float = 1.0,
) -> tuple[np.ndarray, np.ndarray]:
    """Per-person log rate ratio and its variance (½ continuity correction, × φ)."""
    s_a, s_b = np.asarray(cramps_a, float) + 0.5, np.asarray(cramps_b, float) + 0.5
    y = np.log(s_b / np.asarray(nights_b, float)) - np.log(s_a / np.asarray(nights_a, float))
    var = (1.0 / s_a + 1.0 / s_b) * np.asarray(dispersion, float)
    return y, var


class DerSimonianLaird(Record):
    mu: float
    se: float
    tau2: float
    q: float
    i2: float

    def to_dict(self) -> dict[str, Any]:
        return {
            "rate_ratio": {
                "estimate": math.exp(self.mu),
                "low": math.exp(self.mu - 1.959963984540054 * self.se),
                "high": math.exp(self.mu + 1.959963984540054 * self.se),
            },
            "log_rate_ratio": self.mu,
            "se": self.se,
            "tau": math.sqrt(self.tau2),
            "q": self.q,
            "i2": self.i2,
        }


def dersimonian_laird(y: np.ndarray, var: np.ndarray) -> DerSimonianLaird:
    """The method-of-moments random-effects estimate (DerSimonian & Laird 1986)."""
    w = 1.0 / var
    mean_fixed = float(np.sum(w * y) / np.sum(w))
    q = float(np.sum(w * (y - mean_fixed) ** 2))
    k = y.shape[0]
    c = float(np.sum(w) - np.sum(w**2) / np.sum(w))
    tau2 = max(0.0, (q - (k - 1)) / c) if c > 0 else 0.0
    w_star = 1.0 / (var + tau2)
    mu = float(np.sum(w_star * y) / np.sum(w_star))
    i2 = max(0.0, (q - (k - 1)) / q) if q > 0 else 0.0
    return DerSimonianLaird(mu, float(1.0 / math.sqrt(np.sum(w_star))), tau2, q, i2)


def _ndtr(z: np.ndarray) -> np.ndarray:
    from scipy.special import ndtr

    return np.asarray(ndtr(z), dtype=np.float64)


class PersonEstimate(Record):
    label: str
    cramps_a: int
    nights_a: int
    cramps_b: int
    nights_b: int
    log_rr: float
    variance: float
    shrunken: float  # posterior mean of the person's log rate ratio
    shrunken_sd: float
    evidence: str

    def to_dict(self) -> dict[str, Any]:
        z = 1.959963984540054
        return {
            "label": self.label,
            "evidence": self.evidence,
            "conditions": {
                "A": {"nights": self.nights_a, "cramps": self.cramps_a},
                "B": {"nights": self.nights_b, "cramps": self.cramps_b},
            },
            "own_rate_ratio": {
                "estimate": math.exp(self.log_rr),
                "low": math.exp(self.log_rr - z * math.sqrt(self.variance)),
                "high": math.exp(self.log_rr + z * math.sqrt(self.variance)),
            },
            "shrunken_rate_ratio": {
                "estimate": math.exp(self.shrunken),
                "low": math.exp(self.shrunken - z * self.shrunken_sd),
                "high": math.exp(self.shrunken + z * self.shrunken_sd),
            },
        }


class CohortResult(Record):
    """``crampwise cohort analyze`` (``to_dict`` is its ``--json``)."""

    item: str | None
    people: tuple[PersonEstimate, ...]
    mu_median: float
    mu_low: float
    mu_high: float
    mu_mean: float
    mu_sd: float
    p_below_1: float
    tau_mean: float
    tau_low: float
    tau_high: float
    predictive_median: float
    predictive_low: float
    predictive_high: float
    predictive_p_below_1: float
    dl: DerSimonianLaird
    skipped: tuple[str, ...]
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "item": self.item,
            "n_people": len(self.people),
            "method": (
                "two-stage normal-normal random effects on per-person log rate ratios "
                f"(½ continuity correction, × dispersion); flat prior on μ, half-normal("
                f"{TAU_PRIOR_SD}) on τ, exact integration over τ on {TAU_GRID} grid values"
            ),
            "population_rate_ratio": {
                "estimate": math.exp(self.mu_median),
                "low": math.exp(self.mu_low),
                "high": math.exp(self.mu_high),
            },
            "log_rate_ratio": {"mean": self.mu_mean, "sd": self.mu_sd},
            "p_population_effect_below_1": self.p_below_1,
            "heterogeneity_tau": {
                "estimate": self.tau_mean,
                "low": self.tau_low,
                "high": self.tau_high,
            },
            "predictive_rate_ratio": {
                "estimate": math.exp(self.predictive_median),
                "low": math.exp(self.predictive_low),
                "high": math.exp(self.predictive_high),
                "p_below_1": self.predictive_p_below_1,
            },
            "dersimonian_laird": self.dl.to_dict(),
            "people": [p.to_dict() for p in self.people],
            "skipped": list(self.skipped),
            "notes": list(self.notes),
        }

    def to_text(self) -> str:
        name = (self.item or "the item").replace("-", " ")
        lines = [
            f"{len(self.people)} people's trials of {name}:",
            f"  population rate ratio {math.exp(self.mu_median):.2f} (95 % interval "
            f"{math.exp(self.mu_low):.2f} to {math.exp(self.mu_high):.2f}); chance that it "
            f"helps on average {100 * self.p_below_1:.0f} %",
            f"  people differ by τ = {self.tau_mean:.2f} on the log scale (95 % "
            f"{self.tau_low:.2f} to {self.tau_high:.2f})",
            f"  for a new person: rate ratio {math.exp(self.predictive_median):.2f} (95 % "
            f"{math.exp(self.predictive_low):.2f} to {math.exp(self.predictive_high):.2f}); "
            f"chance it helps them {100 * self.predictive_p_below_1:.0f} %",
            f"  DerSimonian–Laird cross-check: {math.exp(self.dl.mu):.2f}, τ "
            f"{math.sqrt(self.dl.tau2):.2f}",
        ]
        lines += [f"  skipped: {s}" for s in self.skipped]
        lines += [f"  note: {s}" for s in self.notes]
        return "\n".join(lines)


def _mixture_quantiles(
    weights: np.ndarray, means: np.ndarray, sds: np.ndarray, probs: Sequence[float]
) -> list[float]:
    """Quantiles of Σ w_k N(m_k, s_k²) by bisection on its CDF."""
    low = float(np.min(means - 10 * sds))
    high = float(np.max(means + 10 * sds))
    out = []
    for p in probs:
        a, b = low, high
        for _ in range(80):
            mid = 0.5 * (a + b)
            if float(np.sum(weights * _ndtr((mid - means) / sds))) < p:
                a = mid
            else:
                b = mid
        out.append(0.5 * (a + b))
    return out


def pool(
    y: np.ndarray,
    var: np.ndarray,
    labels: Sequence[str] | None = None,
    evidence: Sequence[str] | None = None,
    counts: np.ndarray | None = None,
    *,
    item: str | None = None,
    skipped: Sequence[str] = (),
    notes: Sequence[str] = (),
) -> CohortResult:
    """Stage two on per-person estimates ``y`` with variances ``var``."""
    y = np.asarray(y, dtype=np.float64)
    var = np.asarray(var, dtype=np.float64)
    k = y.shape[0]
    if k < 2:
        raise InputError("files", f"pooling needs at least 2 people's trials, got {k}")
    tau = (np.arange(TAU_GRID) + 0.5) * (TAU_MAX / TAU_GRID)
    # Every sum over people depends on a person only through v_i (and y_i linearly or
    # squared), so people sharing a variance - the same counts - are summed once: exact,
    # and a cohort of 10,000 has a few hundred distinct variances.
    var_u, group = np.unique(var, return_inverse=True)
    size_u = np.bincount(group, minlength=var_u.size).astype(np.float64)
    sum_y = np.bincount(group, weights=y, minlength=var_u.size)
    sum_y2 = np.bincount(group, weights=y * y, minlength=var_u.size)
    log_post = np.empty(TAU_GRID)
    mu_hat = np.empty(TAU_GRID)
    big_w = np.empty(TAU_GRID)
    chunk = max(1, _CHUNK_CELLS // var_u.size)  # τ values per block: stays in cache
    for s in range(0, TAU_GRID, chunk):
        t2 = tau[s : s + chunk, None] ** 2
        total = var_u[None, :] + t2
        w = 1.0 / total
        ww = w @ size_u
        wy = w @ sum_y
        m = wy / ww
        # Σ w_i (y_i − m)² = Σ w_i y_i² − 2 m Σ w_i y_i + m² Σ w_i
        resid = w @ sum_y2 - 2.0 * m * wy + m * m * ww
        log_post[s : s + chunk] = -0.5 * (np.log(total) @ size_u)
        log_post[s : s + chunk] += -0.5 * np.log(ww) - 0.5 * resid
        mu_hat[s : s + chunk] = m
        big_w[s : s + chunk] = ww
    log_post += -0.5 * (tau / TAU_PRIOR_SD) ** 2  # half-normal prior (constant dropped)
    post = np.exp(log_post - log_post.max())
    post /= post.sum()
    sd_mu = 1.0 / np.sqrt(big_w)
    mu_mean = float(np.sum(post * mu_hat))
    mu_var = float(np.sum(post * (sd_mu**2 + mu_hat**2)) - mu_mean**2)
    q = _mixture_quantiles(post, mu_hat, sd_mu, (0.025, 0.5, 0.975))
    p_below = float(np.sum(post * _ndtr(-mu_hat / sd_mu)))
    pred_sd = np.sqrt(sd_mu**2 + tau**2)
    pq = _mixture_quantiles(post, mu_hat, pred_sd, (0.025, 0.5, 0.975))
    pred_below = float(np.sum(post * _ndtr(-mu_hat / pred_sd)))
    cdf_tau = np.cumsum(post)
    tau_low = float(tau[int(np.searchsorted(cdf_tau, 0.025))])
    tau_high = float(tau[min(int(np.searchsorted(cdf_tau, 0.975)), TAU_GRID - 1)])
    # each person's shrunken log rate ratio: E and Var over τ of the normal-normal posterior,
    # m = (1 − B)·y + B·μ̂ and v = (1 − B)·v_i + B²/W with B = v_i/(v_i + τ²); the τ sums
    # are taken per distinct variance, as polynomials in y
    live = np.flatnonzero(post > 1e-16)  # the rest adds under 2,000 × 1e-16 of the weight
    c1, c0, d2, d1, d0 = (np.zeros(var_u.size) for _ in range(5))
    for s in range(0, live.size, chunk):
        at = live[s : s + chunk]
        p = post[at, None]
        shrink = var_u[None, :] / (var_u[None, :] + tau[at, None] ** 2)
        keep = 1.0 - shrink
        mu_l = mu_hat[at, None]
        c1 += (p * keep).sum(axis=0)  # coefficient of y in E[β_i]
        c0 += (p * shrink * mu_l).sum(axis=0)
        d2 += (p * keep * keep).sum(axis=0)  # of y² in E[β_i²]
        d1 += (p * 2.0 * keep * shrink * mu_l).sum(axis=0)
        d0 += (p * (shrink * shrink * (mu_l * mu_l + 1.0 / big_w[at, None]) + keep * var_u)).sum(
            axis=0
        )
    mean_i = c1[group] * y + c0[group]
    second_i = d2[group] * y * y + d1[group] * y + d0[group]
    sd_i = np.sqrt(np.clip(second_i - mean_i**2, 0.0, None))
    names = list(labels) if labels is not None else [f"person {i + 1}" for i in range(k)]
    kinds = list(evidence) if evidence is not None else ["randomized"] * k
    table = counts if counts is not None else np.zeros((k, 4))
    people = tuple(
        PersonEstimate(
            names[i],
            int(table[i, 0]),
            int(table[i, 1]),
            int(table[i, 2]),
            int(table[i, 3]),
            float(y[i]),
            float(var[i]),
            float(mean_i[i]),
            float(sd_i[i]),
            kinds[i],
        )
        for i in range(k)
    )
    return CohortResult(
        item=item,
        people=people,
        mu_median=q[1],
        mu_low=q[0],
        mu_high=q[2],
        mu_mean=mu_mean,
        mu_sd=math.sqrt(max(mu_var, 0.0)),
        p_below_1=p_below,
        tau_mean=float(np.sum(post * tau)),
        tau_low=tau_low,
        tau_high=tau_high,
        predictive_median=pq[1],
        predictive_low=pq[0],
        predictive_high=pq[2],
        predictive_p_below_1=pred_below,
        dl=dersimonian_laird(y, var),
        skipped=tuple(skipped),
        notes=tuple(notes),
    )


def _trial_of(data: DiaryData, item: str | None, today: dt.date) -> tuple[Any, str] | None:
    from crampwise.experiments.result import experiment_result

    chosen = [e for e in data.experiments if item is None or e.item == item]
    for exp in reversed(chosen):
        try:
            return experiment_result(exp, data, today, predict=False), exp.item
        except ConflictError:  # no pair of periods has finished
            continue
    return None


def cohort_from_files(
    paths: Sequence[str | os.PathLike[str]],
    *,
    item: str | None = None,
    today: dt.date | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> CohortResult:
    """Read each person's ``crampwise-diary`` file, take their (latest) experiment of
    ``item`` with at least one finished pair of periods, and pool them."""
    from crampwise.formats.diaryformat import load_diary_data

    if today is None:
        from crampwise.clock import Clock

        today = Clock().today()  # CRAMPWISE_NOW when pinned, like every command
    day = today
    rows: list[tuple[str, float, float, float, float, float, str, str]] = []
    skipped: list[str] = []
    for i, path in enumerate(paths):
        if progress is not None:
            progress(i, len(paths))
        name = os.fspath(path)
        try:
            data = load_diary_data(path, today=day)
        except InputError as exc:
            raise InputError("files", f"{name}: {exc}", code=exc.code) from None
        found = _trial_of(data, item, day)
        if found is None:
            skipped.append(f"{name}: no experiment with a finished pair of periods")
            continue
        result, its_item = found
        a, b = result.conditions["A"], result.conditions["B"]
        rows.append(
            (
                name,
                a.cramps,
                a.nights,
                b.cramps,
                b.nights,
                result.dispersion,
                result.evidence,
                its_item,
            )
        )
    if progress is not None:
        progress(len(paths), len(paths))
    items = sorted({r[7] for r in rows})
    if item is None and len(items) > 1:
        raise InputError(
            "item",
            f"the files hold experiments of {', '.join(items)}; choose one item to pool",
            code="required",
        )
    if not rows:
        raise InputError("files", "none of the files holds an experiment with a finished pair")
    counts = np.array([[r[1], r[2], r[3], r[4]] for r in rows], dtype=np.float64)
    if np.any(counts[:, 1] <= 0) or np.any(counts[:, 3] <= 0):
        bad = [r[0] for r in rows if r[2] <= 0 or r[4] <= 0]
        raise InputError("files", f"{bad[0]}: no counted nights in one condition")
    y, var = stage_one(
        counts[:, 0], counts[:, 1], counts[:, 2], counts[:, 3], np.array([r[5] for r in rows])
    )
    uncontrolled = [r[0] for r in rows if r[6] != "randomized"]
    notes = [f"{name}: included, but its trial was not randomized" for name in uncontrolled]
    return pool(
        y,
        var,
        [r[0] for r in rows],
        [r[6] for r in rows],
        counts,
        item=items[0] if items else item,
        skipped=skipped,
        notes=notes,
    )
