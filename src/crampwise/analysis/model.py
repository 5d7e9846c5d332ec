"""The one adjusted model behind every effect (stats-methods §2.4, §2.5, §2.7b).

log E[y] = log(nights) + α + f(t) [+ s(t)] + Σ β_k·x_k on week × state cells, where

* the cells are calendar weeks split wherever the set of regimen items, medications (or
  the sensitivity column in use) changes, with the observed nights as exposure;
* f(t) is a natural cubic spline in calendar time *shared by the whole diary*, one degree
  of freedom per 6 months (at least a straight line), so an item's β is its step net of
  the slow drift, with the uncertainty the drift adds (not a slope centred per period);
* s(t) = a·sin(2πd/365.25) + b·cos(2πd/365.25) on day of year d, with two years or more;
* x_k are regimen items and medications (0/1 per night); identical columns are merged by
  the caller and then reported as confounded, never as separate effects.

Priors (one set, used by every path): N(0, 1²) on each log rate ratio β_k, N(0, 2²) per
standard deviation of each trend column, N(0, 1²) on the seasonal terms, flat on α. The
posterior is the Laplace approximation (mode and inverse Hessian, Newton–Raphson).

Variance (§2.2, §2.5): a sandwich H⁻¹(XᵀΣX)H⁻¹ with a working covariance for clustered
and lasting bad weeks — a latent weekly AR(1) multiplier on the rate, Cov(Y_w, Y_v) =
U_w·[w = v] + τ²·U_w·U_v·ρ^|w−v| (U = expected weekly count), τ² and ρ estimated from the
weekly residuals by moments. Each coefficient's Laplace variance is widened by the ratio,
never narrowed; t reference with rows − columns df. Weekly φ̂ alone left 13–18 % false
`benefit` with lasting spells: spells that last move a before/after estimate far more
than independent bad weeks do.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np

from crampwise._record import Record
from crampwise.analysis.arrays import distinct, quantiles
from crampwise.analysis.series import BoolArray, DiarySeries, FloatArray, IntArray
from crampwise.analysis.special import chi2_sf
from crampwise.analysis.stats import PoissonFit, fit_poisson

__all__ = [
    "EFFECT_PRIOR_SD",
    "Cells",
    "ModelFit",
    "fit_model",
    "seasonal_basis",
    "state_cells",
    "trend_basis",
    "trend_df",
    "within_period_slope",
]

EFFECT_PRIOR_SD = 1.0  # N(0, 1²) on every log rate ratio, in every path (issue 10 item 9)
TREND_PRIOR_SD = 2.0
SEASON_PRIOR_SD = 1.0
NIGHTS_PER_TREND_DF = 182.625  # one spline degree of freedom per 6 months
SEASON_MIN_NIGHTS = 730  # sin/cos of the day of year with two years or more
YEAR = 365.25


class Cells(Record):
    """Observed nights summed by (calendar week of the diary × state)."""

    counts: FloatArray
    exposure: FloatArray
    mean_night: FloatArray
    first_night: IntArray  # a night of the cell (the state is constant inside a cell)
    week: IntArray


def _state_ids(states: BoolArray) -> IntArray:
    """One integer per distinct row of ``states`` (the bits of the row, when they fit)."""
    k = states.shape[1]
    if k == 0:
        return np.zeros(states.shape[0], dtype=np.int64)
    if k <= 40:
        return np.asarray(states.astype(np.int64) @ (np.int64(1) << np.arange(k, dtype=np.int64)))
    _, ids = np.unique(states, axis=0, return_inverse=True)
    return np.asarray(ids, dtype=np.int64).reshape(-1)


def state_cells(states: BoolArray, use: BoolArray, counts: FloatArray, week_len: int = 7) -> Cells:
    """Sum the nights in ``use`` by (week, row of ``states``)."""
    nights = np.nonzero(use)[0]
    seg = _state_ids(states)[nights]
    week = nights // week_len
    key = week * (int(seg.max(initial=0)) + 1) + seg if seg.size else week
    uniq, first_pos, inverse = np.unique(key, return_index=True, return_inverse=True)
    size = uniq.shape[0]
    exposure = np.bincount(inverse, minlength=size).astype(np.float64)
    return Cells(
        counts=np.asarray(np.bincount(inverse, weights=counts[nights], minlength=size)),
        exposure=exposure,
        mean_night=np.bincount(inverse, weights=nights.astype(np.float64), minlength=size)
        / np.maximum(exposure, 1.0),
        first_night=nights[first_pos].astype(np.int64),
        week=week[first_pos].astype(np.int64),
    )


def trend_df(span_nights: int) -> int:
    """Spline degrees of freedom: one per 6 months of diary, at least 1 (a line)."""
    return max(1, round(span_nights / NIGHTS_PER_TREND_DF))


def _spline(x: FloatArray, knots: FloatArray) -> FloatArray:
    """ESL (5.4–5.5) natural cubic spline columns X, d_k(X) − d_{K−1}(X), where
    d_k(X) = ((X − ξ_k)₊³ − (X − ξ_K)₊³) / (ξ_K − ξ_k); every d_k in one broadcast."""
    if knots.shape[0] <= 2:
        return np.column_stack([x])
    last = knots[-1]
    ks = knots[:-1]  # ξ_1 … ξ_{K−1}; the last of them gives d_{K−1}
    tail = np.maximum(x - last, 0.0) ** 3
    d = (np.maximum(x[:, None] - ks[None, :], 0.0) ** 3 - tail[:, None]) / (last - ks)
    return np.column_stack([x, d[:, :-1] - d[:, -1:]])


_TREND_SETUP: dict[tuple[int, int, int, int], tuple[float, float, FloatArray, FloatArray]] = {}


def _trend_setup(knots_from: FloatArray, df: int) -> tuple[float, float, FloatArray, FloatArray]:
    """Centre, half-range, knots and column scale of a trend basis (cached: every fit of
    one diary asks for the same few)."""
    key = (hash(knots_from.tobytes()), int(knots_from.shape[0]), df, int(knots_from[0]))
    found = _TREND_SETUP.get(key)
    if found is not None:
        return found
    lo, hi = float(knots_from.min()), float(knots_from.max())
    centre, half = 0.5 * (lo + hi), max(0.5 * (hi - lo), 1.0)
    ref_x = (knots_from - centre) / half
    knots = quantiles(ref_x, np.linspace(0.0, 1.0, max(df, 1) + 1))
    if df >= 2 and np.any(np.diff(knots) <= 0):
        knots = np.linspace(-1.0, 1.0, df + 1)
    sd = _spline(ref_x[:: max(1, ref_x.shape[0] // 2000)], knots).std(axis=0)
    if len(_TREND_SETUP) > 64:
        _TREND_SETUP.clear()
    _TREND_SETUP[key] = (centre, half, knots, sd)
    return centre, half, knots, sd


def trend_basis(t: FloatArray, knots_from: FloatArray, df: int) -> FloatArray:
    """Natural cubic spline basis (without intercept) in ``t``, ``df`` columns.

    Knots at quantiles of ``knots_from`` (the observed nights); linear beyond the
    boundary knots, so the drift is never extrapolated as a curve. Columns are scaled by
    their standard deviation over ``knots_from`` (the prior is per standard deviation).
    """
    centre, half, knots, sd = _trend_setup(knots_from, df)
    basis = _spline((t - centre) / half, knots)
    return np.asarray(basis / np.where(sd > 0, sd, 1.0), dtype=np.float64)


def seasonal_basis(day_of_year: FloatArray) -> FloatArray:
    angle = 2.0 * math.pi * day_of_year / YEAR
    return np.column_stack([np.sin(angle), np.cos(angle)])


class ModelFit(Record):
    """A fitted adjusted model with its widened covariance."""

    coef: FloatArray
    cov: FloatArray  # final: Laplace widened per coefficient by the spells sandwich
    trend_cov: FloatArray  # the same, widened by the spells left around the full model
    laplace_cov: FloatArray  # inverse Hessian (Poisson)
    effect_labels: tuple[tuple[str, ...], ...]
    effect_cols: tuple[int, ...]
    trend_cols: tuple[int, ...]
    dispersion: float | None  # weekly Pearson φ̂
    long_run_dispersion: float  # φ̂ including the autocorrelation of weekly residuals (≥ 1)
    df: float | None  # t reference df (None = normal)
    cells: int
    cramps: float
    trend_vif: tuple[float, ...]  # variance added by the trend, per effect column
    trend_spec: tuple[FloatArray, int, int]  # observed nights, spline df, nights in span

    def trend_curve(self) -> FloatArray:
        """The fitted drift f(t) on every night of the span (log scale; 0 without one)."""
        knots_from, df, n = self.trend_spec
        if not self.trend_cols:
            return np.zeros(n)
        basis = trend_basis(np.arange(n, dtype=np.float64), knots_from, df)
        return np.asarray(basis @ self.coef[list(self.trend_cols)], dtype=np.float64)

    def column_of(self, label: str) -> int | None:
        for j, labels in enumerate(self.effect_labels):
            if label in labels:
                return self.effect_cols[j]
        return None

    def vif_of(self, label: str) -> float:
        for j, labels in enumerate(self.effect_labels):
            if label in labels:
                return self.trend_vif[j]
        return 1.0

    def contrast(self, cols: Sequence[int]) -> tuple[float, float]:
        """Estimate and SE of the sum of coefficients ``cols``."""
        w = np.zeros(self.coef.shape[0])
        w[list(cols)] = 1.0
        return float(w @ self.coef), math.sqrt(max(float(w @ self.cov @ w), 0.0))

    def trend_p(self) -> float | None:
        """Wald test of the whole drift (all spline columns), widened covariance."""
        idx = list(self.trend_cols)
        if not idx:
            return None
        b = self.coef[idx]
        v = self.trend_cov[np.ix_(idx, idx)]
        try:
            stat = float(b @ np.linalg.solve(v, b))
        except np.linalg.LinAlgError:
            return None
        return chi2_sf(stat, len(idx))


class Spells(Record):
    """Lasting bad spells as a latent weekly AR(1) multiplier on the rate:
    Cov(Y_w, Y_v) = U_w·[w = v] + τ²·U_w·U_v·ρ^|w−v| for weekly expected counts U."""

    tau2: float
    rho: float

    def window_dispersion(self, weekly_mean: float, weeks: int = 4) -> float:
        """Variance / mean of a ``weeks``-week total (1 = Poisson)."""
        lags = np.arange(weeks)
        r = self.rho ** np.abs(lags[:, None] - lags[None, :])
        return 1.0 + self.tau2 * weekly_mean * float(r.sum()) / weeks


def _spells(week: IntArray, resid: FloatArray, mu: FloatArray, k: int) -> Spells:
    """Moment estimates of τ² and ρ from weekly residuals (ρ bias-corrected, in [0, 0.95])."""
    n_weeks = int(week.max()) + 1
    e = np.bincount(week, weights=resid, minlength=n_weeks)
    u = np.bincount(week, weights=mu, minlength=n_weeks)
    present = np.bincount(week, minlength=n_weeks) > 0
    tau2 = max(0.0, float((e @ e - u.sum()) / max(float(u @ u), 1e-12)))
    if tau2 <= 0.0:
        return Spells(0.0, 0.0)
    both = present[1:] & present[:-1]
    cross = float((e[1:] * e[:-1])[both].sum())
    norm = tau2 * float((u[1:] * u[:-1])[both].sum())
    rho = cross / norm if norm > 0 else 0.0
    t = max(int(present.sum()), 2)
    rho = min(max(rho + (1.0 + 3.0 * max(rho, 0.0)) / t, 0.0), 0.95)  # Kendall's bias of ρ̂
    # Residuals around k fitted levels lose about k·(1 + ρ)/(1 − ρ) weeks of variance.
    lost = min(k * (1.0 + rho) / (1.0 - rho) / t, 0.5)
    return Spells(tau2 / (1.0 - lost), float(rho))


def _widen(cov: FloatArray, meat: FloatArray) -> FloatArray:
    """The Laplace covariance widened per coefficient by the sandwich (never narrowed)."""
    robust = cov @ meat @ cov
    scale = np.maximum(np.diag(robust) / np.clip(np.diag(cov), 1e-300, None), 1.0)
    root = np.sqrt(scale)
    return np.asarray(cov * np.outer(root, root), dtype=np.float64)


def _ar1_weights(rho: float, size: int) -> tuple[FloatArray, FloatArray]:
    """The triangular Toeplitz block ρ^(a−b) (a ≥ b) and the carry's decay ρ^(a+1)."""
    lags = np.arange(size)
    diff = lags[:, None] - lags[None, :]
    tri = np.where(diff >= 0, rho ** np.maximum(diff, 0), 0.0)
    return np.asarray(tri, dtype=np.float64), np.asarray(rho ** (lags + 1.0), dtype=np.float64)


def _ar1_filter(
    g: FloatArray, rho: float, block: int = 64, weights: tuple[FloatArray, FloatArray] | None = None
) -> FloatArray:
    """f_a = g_a + ρ·f_(a−1) for every row, in blocks (a triangular Toeplitz product per
    block plus the carried row), so a 10-year diary needs ten small matrix products."""
    n = g.shape[0]
    size = min(block, n)
    tri, decay = _ar1_weights(rho, size) if weights is None else weights
    out = np.empty_like(g)
    carry = np.zeros(g.shape[1])
    for lo in range(0, n, size):
        hi = min(lo + size, n)
        m = hi - lo
        out[lo:hi] = tri[:m, :m] @ g[lo:hi] + np.outer(decay[:m], carry)
        carry = out[hi - 1]
    return out


def _ar1_smooth(g: FloatArray, rho: float, block: int = 64) -> FloatArray:
    """R·g for R_ab = ρ^|a−b|: a forward and a backward AR(1) filter (one set of weights)."""
    if rho <= 0.0:
        return g
    weights = _ar1_weights(rho, min(block, g.shape[0]))
    forward = _ar1_filter(g, rho, block, weights)
    backward = _ar1_filter(g[::-1], rho, block, weights)[::-1]
    return np.asarray(forward + backward - g, dtype=np.float64)


def _week_sums(x: FloatArray, mu: FloatArray, week: IntArray) -> FloatArray:
    """Σ over the cells of each week of x·μ (one row per week), added in the cells' order
    from 0.0 as ``np.add.at`` adds them (the same bits), without its per-element dispatch."""
    g = np.zeros((int(week.max()) + 1, x.shape[1]))
    rows = x * mu[:, None]
    if not bool(np.all(week[1:] >= week[:-1])):
        np.add.at(g, week, rows)
        return g
    # Cells come week by week, a few per week: the k-th cell of every week is added in
    # pass k (no week twice in a pass, so each pass is one plain vector addition).
    n = week.shape[0]
    starts = np.flatnonzero(np.concatenate([[True], week[1:] != week[:-1]]))
    position = np.arange(n) - np.repeat(starts, np.diff(np.append(starts, n)))
    for k in range(int(position.max()) + 1):
        at = position == k
        g[week[at]] += rows[at]
    return g


def _meat(info: FloatArray, weekly: FloatArray | None, spells: Spells) -> FloatArray:
    """Xᵀ Σ X for the working covariance of :class:`Spells` (cells of a week share it):
    ``info`` = Xᵀ diag(μ) X, ``weekly`` = :func:`_week_sums` (needed when τ² > 0)."""
    if spells.tau2 <= 0.0 or weekly is None:
        return np.asarray(info, dtype=np.float64)
    smooth = _ar1_smooth(weekly, spells.rho)
    return np.asarray(info + spells.tau2 * (weekly.T @ smooth), dtype=np.float64)


def _sandwich_parts(
    fit: PoissonFit, x: FloatArray, week: IntArray, *spells: Spells
) -> tuple[FloatArray, FloatArray | None]:
    """The meat's shared parts for ``fit``: its Xᵀ diag(μ) X and, when any of ``spells``
    has τ² > 0, the weekly sums (the same for every working covariance)."""
    info = fit.info if fit.info is not None else (x.T * fit.mu) @ x
    weekly = _week_sums(x, fit.mu, week) if any(s.tau2 > 0.0 for s in spells) else None
    return info, weekly


def fit_model(
    series: DiarySeries,
    use: BoolArray,
    effects: Sequence[tuple[tuple[str, ...], BoolArray]],
    *,
    counts: FloatArray | None = None,
    trend: int | None = None,
    seasonal: bool | None = None,
    lean: bool = False,
) -> ModelFit | None:
    """Fit the adjusted model on the nights ``use`` (observed nights to analyse).

    ``effects``: (labels, nightly 0/1) per effect column. ``counts`` overrides the
    nightly counts (sensitivity analyses). ``trend``: spline df (default by span).
    ``lean`` skips what only the main fit reports (the drift's own test and how much the
    drift widens each effect). None when there are no cramps or no nights.
    """
    y_night = series.counts if counts is None else counts
    nights = np.nonzero(use)[0]
    if nights.shape[0] == 0 or float(y_night[nights].sum()) <= 0.0:
        return None
    states = (
        np.column_stack([col for _, col in effects])
        if effects
        else np.zeros((series.n, 0), dtype=np.bool_)
    )
    cells = state_cells(states, use, y_night)
    span = int(nights[-1] - nights[0]) + 1
    k_trend = trend_df(span) if trend is None else trend
    obs_t = nights.astype(np.float64)
    blocks: list[FloatArray] = [np.ones((cells.counts.shape[0], 1))]
    prec: list[float] = [0.0]
    trend_cols: tuple[int, ...] = ()
    if k_trend > 0 and span > 1:
        tb = trend_basis(cells.mean_night, obs_t, k_trend)
        trend_cols = tuple(range(1, 1 + tb.shape[1]))
        blocks.append(tb)
        prec += [1.0 / TREND_PRIOR_SD**2] * tb.shape[1]
    use_season = span >= SEASON_MIN_NIGHTS if seasonal is None else seasonal
    if use_season and series.first is not None:
        doy = (series.first.timetuple().tm_yday - 1) + cells.mean_night
        blocks.append(seasonal_basis(doy))
        prec += [1.0 / SEASON_PRIOR_SD**2] * 2
    first_effect = sum(b.shape[1] for b in blocks)
    for _, col in effects:
        blocks.append(col[cells.first_night].astype(np.float64)[:, None])
        prec.append(1.0 / EFFECT_PRIOR_SD**2)
    x = np.hstack(blocks)
    fit = fit_poisson(x, cells.counts, np.log(cells.exposure), np.array(prec))
    p = x.shape[1]
    phi = fit.dispersion
    # Spells around the regimen alone (no drift) widen the effects: a smooth drift absorbs
    # most of a slow wander, yet the one step of a single switch still rides on it. The
    # drift itself is judged with the spells left around the full model.
    plain = fit_poisson(
        x[:, [0, *range(first_effect, p)]],
        cells.counts,
        np.log(cells.exposure),
        np.array([prec[0], *prec[first_effect:]]),
    )
    spells = _spells(cells.week, cells.counts - plain.mu, plain.mu, 1 + p - first_effect)
    full_spells = _spells(cells.week, cells.counts - fit.mu, fit.mu, p)
    info, weekly = _sandwich_parts(fit, x, cells.week, spells, *(() if lean else (full_spells,)))
    cov = _widen(fit.cov, _meat(info, weekly, spells))
    trend_cov = cov if lean else _widen(fit.cov, _meat(info, weekly, full_spells))
    df = float(max(fit.df_resid, 2))
    lr = full_spells.window_dispersion(
        float(fit.mu.sum()) / max(int(distinct(cells.week).shape[0]), 1)
    )
    effect_cols = tuple(range(first_effect, p))
    vif = (
        tuple(1.0 for _ in effect_cols)
        if lean
        else _trend_vif(info, np.array(prec), effect_cols, trend_cols, fit.cov)
    )
    return ModelFit(
        coef=fit.coef,
        cov=cov,
        trend_cov=trend_cov,
        laplace_cov=fit.cov,
        effect_labels=tuple(labels for labels, _ in effects),
        effect_cols=effect_cols,
        trend_cols=trend_cols,
        dispersion=phi,
        long_run_dispersion=max(lr, 1.0),
        df=df,
        cells=int(cells.counts.shape[0]),
        cramps=float(cells.counts.sum()),
        trend_vif=vif,
        trend_spec=(obs_t, k_trend, series.n),
    )


def _trend_vif(
    info: FloatArray,
    prec: FloatArray,
    effect_cols: tuple[int, ...],
    trend_cols: tuple[int, ...],
    cov: FloatArray,
) -> tuple[float, ...]:
    """How much the shared trend widens each effect's variance (1 = not at all): the
    model's Hessian without the trend's rows and columns (cut from the fit's Xᵀ diag(μ) X,
    not made again), inverted."""
    if not trend_cols or not effect_cols:
        return tuple(1.0 for _ in effect_cols)
    keep = [j for j in range(info.shape[0]) if j not in trend_cols]
    hess = info[np.ix_(keep, keep)] + np.diag(prec[keep])
    try:
        sub = np.linalg.inv(hess)
    except np.linalg.LinAlgError:
        sub = np.linalg.pinv(hess)
    if not np.all(np.isfinite(sub)):
        sub = np.linalg.pinv(hess)
    pos = {j: i for i, j in enumerate(keep)}
    return tuple(float(cov[j, j] / max(sub[pos[j], pos[j]], 1e-300)) for j in effect_cols)


def within_period_slope(series: DiarySeries, use: BoolArray) -> tuple[float, float] | None:
    """Log rate change per 4 weeks *inside* periods of constant regimen and medicines
    (each period its own level, one common slope; the interrupted-time-series view), with
    its SE widened for clustered and lasting bad weeks. Unlike the spline, it cannot be
    confused with a single switch, so it notices a drift the switch hides."""
    states = series.state_matrix()
    cells = state_cells(states, use, series.counts)
    if cells.counts.shape[0] < 4 or float(cells.counts.sum()) < 3:
        return None
    seg = _state_ids(states)[cells.first_night]
    # periods are runs of one state: split a state that recurs later into its own runs
    nights = cells.first_night
    run_id = np.cumsum(np.concatenate([[0], np.diff(seg) != 0]))
    del nights
    groups = distinct(run_id)
    x_groups = (run_id[:, None] == groups[None, :]).astype(np.float64)
    active = [g for g in range(groups.shape[0]) if cells.counts[run_id == groups[g]].sum() > 0]
    keep = np.isin(run_id, groups[active])
    if keep.sum() < len(active) + 3:
        return None
    z = (cells.mean_night - cells.mean_night[keep].mean()) / 28.0
    x = np.column_stack([x_groups[keep][:, active], z[keep]])
    if float(np.ptp(z[keep])) == 0.0:
        return None
    prec = np.full(x.shape[1], 1e-6)
    y, off, week = cells.counts[keep], np.log(cells.exposure[keep]), cells.week[keep]
    fit = fit_poisson(x, y, off, prec)
    spells = _spells(week, y - fit.mu, fit.mu, x.shape[1])
    cov = _widen(fit.cov, _meat(*_sandwich_parts(fit, x, week, spells), spells))
    return float(fit.coef[-1]), math.sqrt(max(float(cov[-1, -1]), 0.0))
