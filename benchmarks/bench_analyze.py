"""Benchmark: ``analyze`` on a 10-year diary, and the adjusted model vs statsmodels / PyMC.

Run: ``PYTHONPATH=src python benchmarks/bench_analyze.py``. Targets (issue 3): warm
in-process ``analyze`` ≤ 50 ms and ≤ 150 MB peak on 3,650 nights, 8 items, 20 regimen changes.
statsmodels (dev extra) and PyMC (``bench`` extra) are optional; missing ones are skipped.
"""

from __future__ import annotations

import platform
import resource
import statistics
import sys
import time
import tracemalloc
from datetime import date
from typing import Any

import numpy as np

from crampwise.analysis import analyze, analyze_series, build_series
from crampwise.analysis.checks import within_period_trend
from crampwise.analysis.effects import _period_centred_time, fit_adjusted_model
from crampwise.analysis.periods import period_bounds, period_index, weekly_cells
from crampwise.analysis.simulate import simulate_diary
from crampwise.analysis.stats import fit_poisson, prob_below

ITEMS = [
    "magnesium",
    "potassium",
    "calcium",
    "stretching",
    "massage",
    "fluids",
    "coconut",
    "vitamin-d",
]


def ten_year_diary(seed: int = 1) -> dict[str, Any]:
    """3,650 nights, 8 items, 20 regimen changes (12 starts + 8 stops), some missing."""
    rng = np.random.default_rng(seed)
    change_nights = sorted(rng.choice(np.arange(60, 3600, 30), size=20, replace=False).tolist())
    regimen: list[tuple[str, int, int | None]] = []
    # Items 0–3 start and stop (8 changes); items 4–7 start twice, stopping once (12 changes).
    it = iter(change_nights)
    for item in ITEMS[:4]:
        s, e = next(it), next(it)
        regimen.append((item, s, e))
    for item in ITEMS[4:]:
        s, e, s2 = next(it), next(it), next(it)
        regimen += [(item, s, e), (item, s2, None)]
    return simulate_diary(
        3650,
        1.0,
        regimen,
        rate_ratios={"magnesium": 0.6, "stretching": 0.8},
        weekly_shape=3.0,
        missing=0.03,
        seed=seed,
        start=date(2015, 1, 1),
    )


def _time(fn: Any, repeat: int) -> float:
    fn()  # warm
    runs = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t0)
    return statistics.median(runs)


def _design(doc: dict[str, Any]) -> tuple[Any, ...]:
    """The adjusted model's design as plain arrays, to fit it with other libraries."""
    series = build_series(doc)
    trend = within_period_trend(series, np.ones(series.n, dtype=np.bool_))
    cells = weekly_cells(series, period_index(period_bounds(series), series.n))
    pidx = period_index(period_bounds(series), series.n)
    z = _period_centred_time(series.observed, pidx, cells.mean_night, cells.segment)
    k = series.items.index("magnesium")
    cols = [np.ones_like(z)] + [
        series.active[cells.first_night, j].astype(float) for j in range(len(series.items))
    ]
    x = np.column_stack(cols)
    offset = np.log(cells.exposure) + (trend.estimate if trend else 0.0) * z
    return x, cells.counts, offset, 1 + k


def main() -> None:
    doc = ten_year_diary()
    print(f"python {sys.version.split()[0]}, {platform.machine()}, numpy {np.__version__}")
    n_changes = sum(1 for r in doc["regimen"] for k in ("start", "end") if r[k])
    print(
        f"diary: {len(doc['nights'])} observed nights, {len(ITEMS)} items, "
        f"{n_changes} regimen changes"
    )

    t_analyze = _time(lambda: analyze(doc), 20)
    t_pure = _time(lambda: analyze_series(build_series(doc)), 20)
    tracemalloc.start()
    analyze(doc)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"analyze(dict) incl. format validation (warm, median of 20): {1000 * t_analyze:.1f} ms")
    print(
        f"analysis proper, as on a tracker export (warm, median of 20): "
        f"{1000 * t_pure:.1f} ms  [target ≤ 50 ms]"
    )
    print(
        f"analyze peak Python allocations: {peak / 2**20:.1f} MB; process max RSS "
        f"{rss_mb:.0f} MB  [target ≤ 150 MB]"
    )

    x, y, offset, col = _design(doc)
    flat = np.zeros(x.shape[1])
    t_ours = _time(lambda: fit_poisson(x, y, offset, flat), 50)
    ours = fit_poisson(x, y, offset, flat)
    se = float(ours.se(max(ours.dispersion or 1.0, 1.0))[col])
    df = float(ours.df_resid)
    p_ours = prob_below(0.0, float(ours.coef[col]), se, df)
    print(
        f"\nadjusted model ({x.shape[0]} week×period cells, {x.shape[1]} columns), "
        "magnesium P(RR<1):"
    )
    print(f"  crampwise IRLS + Laplace : {1000 * t_ours:8.2f} ms   p_benefit {p_ours:.4f}")
    prod = fit_adjusted_model(build_series(doc))
    if prod is not None:
        c = prod.column_of("magnesium")
        if c is not None:
            est, sep = prod.contrast([c])
            print(
                f"  (production: N(0,1) item prior, trend variance propagated: p_benefit "
                f"{prob_below(0.0, est, sep, prod.df):.4f})"
            )
    try:
        import statsmodels.api as sm
    except ImportError:
        print("  statsmodels: not installed (pip install 'crampwise[dev]')")
    else:

        def sm_fit() -> Any:
            return sm.GLM(y, x, family=sm.families.Poisson(), offset=offset).fit(scale="X2")

        t_sm = _time(sm_fit, 20)
        ref = sm_fit()
        p_sm = prob_below(0.0, float(ref.params[col]), float(ref.bse[col]), df)
        print(
            f"  statsmodels GLM (X2)     : {1000 * t_sm:8.2f} ms   p_benefit {p_sm:.4f}   "
            f"speed ratio {t_sm / t_ours:.1f}×, |Δp| {abs(p_sm - p_ours):.2e}"
        )
    try:
        import pymc as pm
    except ImportError:
        print("  PyMC: not installed (pip install 'crampwise[bench]')")
    else:

        def pymc_fit() -> float:
            with pm.Model():
                beta = pm.Normal("beta", 0, 10, shape=x.shape[1])
                pm.Poisson("y", mu=pm.math.exp(pm.math.dot(x, beta) + offset), observed=y)
                trace = pm.sample(1000, tune=1000, chains=2, progressbar=False, random_seed=1)
            draws = trace.posterior["beta"].values[..., col].ravel()
            return float(np.mean(draws < 0))

        t0 = time.perf_counter()
        p_pm = pymc_fit()
        t_pm = time.perf_counter() - t0
        print(
            f"  PyMC NUTS 2×1000         : {1000 * t_pm:8.0f} ms   p_benefit {p_pm:.4f}   "
            f"speed ratio {t_pm / t_ours:.0f}×, |Δp| {abs(p_pm - p_ours):.3f} "
            "(PyMC is pure Poisson: compare with the unscaled SE)"
        )


if __name__ == "__main__":
    main()
