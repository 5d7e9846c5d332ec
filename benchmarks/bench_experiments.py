"""Benchmark: N-of-1 experiments - the planner's simulation and cohort pooling.

Run: ``PYTHONPATH=src python benchmarks/bench_experiments.py`` (``--no-pymc`` skips the
comparison). Targets (issue 12):

* the planner: a plan with its power figures (4,000 simulated trials at each of RR 0.5,
  0.75 and 1.0) and the search for a recommended length - reported, no fixed target
  (it runs once per ``crampwise experiment plan``);
* a cohort of 10,000 simulated people pooled (both stages, DerSimonian–Laird included)
  ≤ 1 s;
* beside a PyMC hierarchical Poisson model on 30 people (the optional ``bench`` extra:
  ``pip install -e '.[bench]'``): the speed ratio and the difference in the population
  effect. stats-methods §2.11's own run of this comparison: grid-Bayes μ −0.202 against
  PyMC −0.233 (sd 0.09), the ½ continuity correction pulling the two-stage μ towards 0.
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")  # as the CLI does, before numpy loads

import datetime as dt
import platform
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from crampwise.analysis.crossover import DecisionRule
from crampwise.experiments.cohort import pool, stage_one
from crampwise.experiments.planner import make_plan
from crampwise.experiments.power import design_power
from crampwise.records import DiaryData, Profile


def _time(fn: Callable[[], Any], repeat: int) -> tuple[float, float, float]:
    """(best, median, worst) seconds."""
    runs = []
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        runs.append(time.perf_counter() - t)
    return min(runs), statistics.median(runs), max(runs)


def _line(label: str, triple: tuple[float, float, float], target: str = "") -> None:
    best, median, worst = triple
    text = f"{1000 * best:8.1f} {1000 * median:8.1f} {1000 * worst:8.1f} ms"
    print(f"  {label:<52} {text}{'  [' + target + ']' if target else ''}")


def _empty_diary() -> DiaryData:
    return DiaryData(
        timezone="UTC",
        profile=Profile(),
        nights=(),
        episodes=(),
        regimen=(),
        adherence=(),
        medications=(),
        labs=(),
        factors=(),
        trigger_points=(),
        red_flags=(),
    )


def people(k: int, mu: float, tau: float, weeks: int, seed: int) -> tuple[np.ndarray, ...]:
    """Each person: 1-4 cramps a week, their own log RR ~ N(mu, tau²), Poisson cramps over
    ``weeks`` weeks per arm (stats-methods §2.11's scenario)."""
    rng = np.random.default_rng(seed)
    base = rng.uniform(1.0, 4.0, k) / 7
    beta = rng.normal(mu, tau, k)
    nights = np.full(k, 7.0 * weeks)
    s_a = rng.poisson(base * nights)
    s_b = rng.poisson(base * np.exp(beta) * nights)
    return s_a.astype(float), nights, s_b.astype(float), nights, beta


def pymc_population_effect(s_a: np.ndarray, n: np.ndarray, s_b: np.ndarray) -> tuple[float, ...]:
    """Full hierarchical Poisson GLMM (stats-methods §2.11): y ~ Poisson(n·exp(α_i + β_i·B)),
    α_i ~ N(0, 2²), β_i ~ N(μ, τ²) (non-centred), μ ~ N(0, 2²), τ ~ half-normal(0.5).
    Returns (posterior mean of μ, its sd, mean of τ, seconds)."""
    import pymc as pm

    k = s_a.size
    counts = np.concatenate([s_a, s_b])
    exposure = np.concatenate([n, n])
    person = np.concatenate([np.arange(k), np.arange(k)])
    is_b = np.concatenate([np.zeros(k), np.ones(k)])
    t = time.perf_counter()
    with pm.Model():
        mu = pm.Normal("mu", 0.0, 2.0)
        tau = pm.HalfNormal("tau", 0.5)
        alpha = pm.Normal("alpha", 0.0, 2.0, shape=k)
        z = pm.Normal("z", 0.0, 1.0, shape=k)
        beta = mu + tau * z
        rate = exposure * pm.math.exp(alpha[person] + beta[person] * is_b)
        pm.Poisson("y", rate, observed=counts)
        trace = pm.sample(
            1000,
            tune=1000,
            chains=2,
            cores=1,
            random_seed=1,
            progressbar=False,
            target_accept=0.9,
        )
    seconds = time.perf_counter() - t
    mu_draws = trace.posterior["mu"].values.ravel()
    tau_draws = trace.posterior["tau"].values.ravel()
    return float(mu_draws.mean()), float(mu_draws.std()), float(tau_draws.mean()), seconds


def main() -> None:
    print(
        f"python {sys.version.split()[0]}, {platform.machine()}, numpy {np.__version__}, "
        f"{os.cpu_count()} cores, load {os.getloadavg()[0]:.1f}"
    )
    print(f"  {'':<52} {'best':>8} {'median':>8} {'worst':>8}")

    # -- the planner ---------------------------------------------------------------------
    data = _empty_diary()
    today = dt.date(2026, 12, 1)

    def plan() -> None:
        make_plan("magnesium", data, today, seed=7, baseline_per_week=2.0)

    _line("plan: 3 pairs of 4-week periods, 2 a week (CLI work)", _time(plan, 5))
    nights = np.array([21.0, 21.0, 28.0, 21.0, 21.0, 21.0])
    is_b = np.array([True, False, False, True, True, False])
    _line(
        "design power alone: 3 × 4,000 simulated trials",
        _time(lambda: design_power(2.0, nights, is_b, 1.0, DecisionRule()), 5),
    )

    # -- the cohort ---------------------------------------------------------------------
    s_a, n_a, s_b, n_b, _ = people(10_000, -0.3, 0.3, 8, seed=11)

    def cohort() -> None:
        y, v = stage_one(s_a, n_a, s_b, n_b)
        pool(y, v, counts=np.column_stack([s_a, n_a, s_b, n_b]))

    _line("cohort: 10,000 people, both stages", _time(cohort, 5), "≤ 1 s")
    rng = np.random.default_rng(12)
    y, v = stage_one(s_a, n_a, s_b, n_b, rng.uniform(1.0, 2.0, s_a.size))
    _line("cohort: 10,000 people, every variance distinct", _time(lambda: pool(y, v), 3))

    # -- against PyMC ----------------------------------------------------------------------
    if "--no-pymc" in sys.argv:
        return
    try:
        import pymc  # noqa: F401
    except ImportError:
        print("PyMC comparison skipped: pymc is not installed (pip install -e '.[bench]')")
        return
    s_a, n_a, s_b, n_b, beta = people(30, -0.3, 0.3, 8, seed=7)
    y, v = stage_one(s_a, n_a, s_b, n_b)
    ours = pool(y, v)
    ours_s = _time(lambda: pool(*stage_one(s_a, n_a, s_b, n_b)), 5)[1]  # warm median
    mu_pm, sd_pm, tau_pm, pm_s = pymc_population_effect(s_a, n_a, s_b)
    print(
        "30 people, 8 weeks per arm, true μ = −0.3, τ = 0.3 (realized mean of β_i "
        f"{beta.mean():.3f}):"
    )
    print(
        f"  two-stage grid (crampwise): μ {ours.mu_mean:+.3f} (sd {ours.mu_sd:.3f}), "
        f"E[τ] {ours.tau_mean:.3f}, {1000 * ours_s:.1f} ms"
    )
    print(
        f"  PyMC NUTS (2 × 1,000 draws): μ {mu_pm:+.3f} (sd {sd_pm:.3f}), E[τ] {tau_pm:.3f}, "
        f"{pm_s:.1f} s (compilation included)"
    )
    print(
        f"  speed ratio {pm_s / ours_s:,.0f}×; difference in μ {ours.mu_mean - mu_pm:+.3f} "
        f"(population rate ratio {np.exp(ours.mu_median):.3f} vs {np.exp(mu_pm):.3f})"
    )


if __name__ == "__main__":
    main()
