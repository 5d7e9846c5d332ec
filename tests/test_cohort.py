"""Pooling many people's trials (stats-methods §2.11): the two-stage model against
DerSimonian–Laird (statsmodels ``combine_effects``), exact integration over τ against a
brute-force double integral (scipy), and ``crampwise cohort analyze`` as a clinic types it.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
import pytest
from scipy import integrate, stats

from crampwise.experiments.cohort import dersimonian_laird, pool, stage_one
from crampwise.experiments.design import make_design


def _people(k: int, mu: float, tau: float, weeks: int, seed: int) -> tuple[np.ndarray, ...]:
    """Each person: a baseline rate (1–4 a week), their own log RR ~ N(mu, tau²), Poisson
    cramps over ``weeks`` weeks per arm."""
    rng = np.random.default_rng(seed)
    base = rng.uniform(1.0, 4.0, k) / 7
    beta = rng.normal(mu, tau, k)
    nights = np.full(k, 7.0 * weeks)
    s_a = rng.poisson(base * nights)
    s_b = rng.poisson(base * np.exp(beta) * nights)
    return s_a, nights, s_b, nights, beta


def test_dersimonian_laird_matches_statsmodels() -> None:
    from statsmodels.stats.meta_analysis import combine_effects

    s_a, n_a, s_b, n_b, _ = _people(30, -0.3, 0.5, 8, seed=1)
    y, v = stage_one(s_a, n_a, s_b, n_b)
    ours = dersimonian_laird(y, v)
    ref = combine_effects(y, v, method_re="dl")
    assert ref.tau2 > 0  # a heterogeneous example, so truncation plays no part
    assert ours.mu == pytest.approx(ref.mean_effect_re, rel=1e-10)
    assert ours.se == pytest.approx(ref.sd_eff_w_re, rel=1e-10)
    assert ours.tau2 == pytest.approx(ref.tau2, rel=1e-10)
    assert ours.q == pytest.approx(ref.q, rel=1e-10)


def test_cohort_estimate_matches_dersimonian_laird_on_the_same_data() -> None:
    """stats-methods §2.11's scenario (30 people, 8 weeks per arm, μ = −0.3, τ = 0.3): the
    grid-Bayes population effect and DL agree (the reference's own run: −0.202 vs −0.204),
    here within 0.05 on the log scale, with a τ of the same size."""
    s_a, n_a, s_b, n_b, beta = _people(30, -0.3, 0.3, 8, seed=7)
    y, v = stage_one(s_a, n_a, s_b, n_b)
    result = pool(y, v)
    assert result.mu_mean == pytest.approx(result.dl.mu, abs=0.05)
    assert abs(result.mu_median - result.dl.mu) < 0.05
    assert result.mu_low < result.dl.mu < result.mu_high
    assert abs(result.tau_mean - np.sqrt(result.dl.tau2)) < 0.2
    assert result.p_below_1 > 0.9
    # shrinkage pulls people towards the population and closer to their true effects
    own = np.array([p.log_rr for p in result.people])
    shrunk = np.array([p.shrunken for p in result.people])
    assert np.sqrt(np.mean((shrunk - beta) ** 2)) < np.sqrt(np.mean((own - beta) ** 2))
    # the predictive interval for a new person is wider than the population's
    assert result.predictive_high - result.predictive_low > result.mu_high - result.mu_low


def test_exact_integration_over_tau_matches_a_double_integral() -> None:
    """Posterior mean of μ, P(μ < 0) and the mean of τ under a flat prior on μ and
    half-normal(0.5) on τ, by brute force: the joint likelihood (scipy normal densities,
    no marginalising over μ) summed over a fine (μ, τ) grid, on six people."""
    y = np.array([-0.6, -0.1, -0.45, 0.2, -0.3, -0.8])
    v = np.array([0.09, 0.12, 0.2, 0.15, 0.08, 0.3])
    mu = np.linspace(-4.0, 4.0, 3201)
    tau = np.linspace(0.0, 3.0, 1501)
    m, t = np.meshgrid(mu, tau, indexing="ij")
    log_joint = stats.halfnorm.logpdf(t, 0, 0.5)
    for yi, vi in zip(y, v, strict=True):
        log_joint = log_joint + stats.norm.logpdf(yi, m, np.sqrt(vi + t**2))
    joint = np.exp(log_joint - log_joint.max())
    total = integrate.trapezoid(integrate.trapezoid(joint, tau, axis=1), mu)

    def expect(f: np.ndarray) -> float:
        return float(integrate.trapezoid(integrate.trapezoid(joint * f, tau, axis=1), mu) / total)

    result = pool(y, v)
    assert result.mu_mean == pytest.approx(expect(m), abs=1e-3)
    assert result.p_below_1 == pytest.approx(expect((m < 0).astype(float)), abs=2e-3)
    assert result.tau_mean == pytest.approx(expect(t), abs=2e-3)


def _person_file(folder: Path, i: int, rate_ratio: float, rng: np.random.Generator) -> Path:
    """A person's diary: an 8-period calcium trial (4-week periods, 7 washout nights),
    every night recorded, Poisson cramps at 2.5 a week."""
    start = dt.date(2025, 1, 6)
    design = make_design(100 + i, start, 4, 28, 7, first_washout=True)
    nights = []
    for p in design:
        day = dt.date.fromisoformat(p.start)
        while day <= dt.date.fromisoformat(p.end):
            lam = 2.5 / 7 * (rate_ratio if p.condition == "B" else 1.0)
            nights.append({"date": day.isoformat(), "cramps": int(rng.poisson(lam))})
            day += dt.timedelta(days=1)
    doc: dict[str, Any] = {
        "format": "crampwise-diary",
        "version": 1,
        "nights": nights,
        "experiments": [
            {
                "item": "calcium",
                "start": start.isoformat(),
                "period_days": 28,
                "washout_days": 7,
                "seed": 100 + i,
                "design": [
                    {"start": p.start, "end": p.end, "condition": p.condition}
                    | ({"washout_until": p.washout_until} if p.washout_until else {})
                    for p in design
                ],
            }
        ],
    }
    path = folder / f"person{i}.json"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


def test_cohort_analyze_from_files(
    cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    rng = np.random.default_rng(3)
    files = [str(_person_file(tmp_path, i, 0.5, rng)) for i in range(8)]
    empty = tmp_path / "no-trial.json"
    empty.write_text(
        json.dumps({"format": "crampwise-diary", "version": 1, "nights": []}), encoding="utf-8"
    )
    code, out, err = cli("cohort", "analyze", *files, str(empty), "--item", "calcium", "--json")
    assert code == 0, err
    doc = json.loads(out)
    assert doc["n_people"] == 8
    pop = doc["population_rate_ratio"]
    assert pop["low"] < 0.5 < pop["high"]  # the truth is inside
    assert doc["p_population_effect_below_1"] > 0.99
    assert set(doc["heterogeneity_tau"]) == {"estimate", "low", "high"}
    assert {"estimate", "low", "high", "p_below_1"} <= set(doc["predictive_rate_ratio"])
    assert len(doc["people"]) == 8 and "shrunken_rate_ratio" in doc["people"][0]
    assert doc["dersimonian_laird"]["rate_ratio"]["estimate"] == pytest.approx(
        pop["estimate"], abs=0.1
    )
    assert any("no-trial.json" in s for s in doc["skipped"])
    code, out, _ = cli("cohort", "analyze", *files)
    assert code == 0 and "population rate ratio" in out


def test_cohort_bad_input(cli: Callable[..., tuple[int, str, str]], tmp_path: Path) -> None:
    rng = np.random.default_rng(4)
    one = str(_person_file(tmp_path, 1, 1.0, rng))
    code, _, err = cli("cohort", "analyze", one)
    assert code == 1 and "at least 2 people" in err and "Traceback" not in err
    broken = tmp_path / "broken.json"
    broken.write_text("{not json", encoding="utf-8")
    code, _, err = cli("cohort", "analyze", one, str(broken))
    assert code == 1 and "broken.json" in err and "malformed JSON" in err
    code, _, err = cli("cohort", "analyze", one, str(tmp_path / "missing.json"))
    assert code == 1 and "missing.json" in err


def test_cohort_reports_progress_and_reads_the_pinned_clock(
    cli: Callable[..., tuple[int, str, str]], tmp_path: Path
) -> None:
    """The progress callback sees every file (0 … n of n), and the files are read as of
    the pinned day (CRAMPWISE_NOW): the clock is the command's, not the machine's."""
    from crampwise.tracker import Tracker

    rng = np.random.default_rng(5)
    files = [str(_person_file(tmp_path, i, 0.5, rng)) for i in range(3)]
    seen: list[tuple[int, int]] = []
    result = Tracker.cohort(
        files, item="calcium", today=dt.date(2025, 9, 1), progress=lambda d, t: seen.append((d, t))
    )
    assert seen == [(0, 3), (1, 3), (2, 3), (3, 3)]
    assert len(result.people) == 3
    # on 1 Feb 2025 (pinned) the files hold nights that have not happened yet
    code, _, err = cli(
        "cohort", "analyze", *files, "--item", "calcium", now=dt.datetime(2025, 2, 1, tzinfo=dt.UTC)
    )
    assert code != 0 and "is in the future (today is 2025-02-01)" in err
