"""The statistics of an N-of-1 experiment: the design drawn from a seed, the pre-registered
rule, its calibration by fixed-seed simulation, and power against published numbers.

External references: scipy (gamma draws, betainc, optimize), statsmodels (numerical
Hessian), and the operating characteristics of stats-methods §2.9 (single user, Poisson
nights, 20,000 replicates, Jeffreys Gamma(0.5, 0) per arm).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import itertools

import numpy as np
import pytest
from scipy import optimize, special, stats

from crampwise.analysis.crossover import (
    BENEFIT,
    DecisionRule,
    Specials,
    crossover,
    default_specials,
)
from crampwise.experiments.design import (
    design_matches_seed,
    draw_order,
    is_counterbalanced,
    is_randomized,
    make_design,
)
from crampwise.experiments.power import design_power, power
from crampwise.records import Experiment, ExperimentPeriod

SCIPY = Specials(special.betainc, special.ndtr)
RULE = DecisionRule()


# -- the design ---------------------------------------------------------------------------
def test_the_order_follows_the_published_draw_and_is_counterbalanced() -> None:
    """Recomputed here from the specification (SHA-256 of "crampwise-experiment-v1:
    {seed}:{group}", lowest bit of the first byte; 0 → ABBA/AB, 1 → BAAB/BA)."""
    flips = []
    for seed in range(400):
        for pairs in (1, 2, 3, 4, 5):
            order = draw_order(seed, pairs)
            expected = ""
            for g in range((pairs + 1) // 2):
                bit = hashlib.sha256(f"crampwise-experiment-v1:{seed}:{g}".encode()).digest()[0] & 1
                if 2 * g + 1 < pairs:
                    expected += "BAAB" if bit else "ABBA"
                else:
                    expected += "BA" if bit else "AB"
            assert order == expected
            assert len(order) == 2 * pairs
            assert all({order[i], order[i + 1]} == {"A", "B"} for i in range(0, len(order), 2))
        flips.append(draw_order(seed, 2) == "BAAB")
    # a fair coin: 400 draws within 3.5 standard deviations of 200
    assert abs(sum(flips) - 200) < 3.5 * 10


def test_design_dates_and_washouts() -> None:
    design = make_design(5, dt.date(2026, 1, 1), 3, 28, 7, first_washout=False)
    assert design[0].start == "2026-01-01" and design[-1].end == "2026-06-17"
    for a, b in itertools.pairwise(design):
        assert dt.date.fromisoformat(b.start) - dt.date.fromisoformat(a.end) == dt.timedelta(1)
        # washout exactly where the condition switches
        assert (b.washout_until is not None) == (a.condition != b.condition)
    assert design[0].washout_until is None
    switched = next(p for p in design[1:] if p.washout_until)
    assert (
        dt.date.fromisoformat(switched.washout_until) - dt.date.fromisoformat(switched.start)
    ).days == 6


def _experiment(design: tuple[ExperimentPeriod, ...], seed: int | None) -> Experiment:
    return Experiment(
        item="calcium", start=design[0].start, design=design, seed=seed, period_days=28,
        washout_days=7,
    )


def test_only_a_seeded_counterbalanced_design_is_randomized() -> None:
    design = make_design(11, dt.date(2026, 1, 1), 2, 28, 7)
    assert is_randomized(_experiment(design, 11))
    # the same order entered by hand (no seed): uncontrolled
    assert not is_randomized(_experiment(design, None))
    # a seed that draws another order does not reproduce it
    other = next(s for s in range(100) if draw_order(s, 2) != draw_order(11, 2))
    assert not design_matches_seed(_experiment(design, other))
    # baseline first, then on/off/on (ABAB): counterbalanced pairs but not from a seed
    abab = make_design(0, dt.date(2026, 1, 1), 2, 28, 0, order="ABAB")
    assert is_counterbalanced(abab)
    assert not is_randomized(_experiment(abab, None))
    assert not is_counterbalanced(make_design(0, dt.date(2026, 1, 1), 2, 28, 0, order="AABB"))


# -- the rule, against references ---------------------------------------------------------
def test_primary_probabilities_match_gamma_draws() -> None:
    """P(RR < 1) and P(RR < 0.75) from the exact formula vs 10⁶ scipy gamma draws, with
    the Jeffreys prior: 14 cramps in 90 nights (A) against 6 in 84 (B)."""
    counts = np.array([[8.0, 3.0, 3.0, 6.0]])
    nights = np.array([[45.0, 42.0, 42.0, 45.0]])
    is_b = np.array([False, True, True, False])
    out = crossover(counts, nights, is_b, RULE)
    assert out.dispersion[0] == 1.0
    rng = np.random.default_rng(0)
    lam_a = stats.gamma(14.5, scale=1 / 90).rvs(1_000_000, random_state=rng)
    lam_b = stats.gamma(6.5, scale=1 / 84).rvs(1_000_000, random_state=rng)
    rr = lam_b / lam_a
    assert out.p_benefit[0] == pytest.approx(np.mean(rr < 1.0), abs=0.002)
    assert out.p_meaningful[0] == pytest.approx(np.mean(rr < 0.75), abs=0.002)


def test_pure_python_and_scipy_special_functions_give_the_same_rule() -> None:
    rng = np.random.default_rng(3)
    counts = rng.poisson(5.0, (200, 6)).astype(float)
    nights = np.full((200, 6), 21.0)
    is_b = np.array([False, True, True, False, True, False])
    a = crossover(counts, nights, is_b, RULE, default_specials())
    b = crossover(counts, nights, is_b, RULE, SCIPY)
    np.testing.assert_allclose(a.p_benefit, b.p_benefit, rtol=1e-9)
    np.testing.assert_allclose(a.trend_p_benefit, b.trend_p_benefit, rtol=1e-9)
    np.testing.assert_array_equal(a.verdict, b.verdict)


def test_block_effect_model_matches_an_independent_penalized_fit() -> None:
    """Mode of log L + log prior (N(0,1) on β and γ, flat α) by scipy.optimize, and the
    Laplace covariance from statsmodels' numerical Hessian."""
    from statsmodels.tools.numdiff import approx_hess

    counts = np.array([12.0, 7.0, 9.0, 5.0, 4.0, 6.0, 3.0, 5.0])
    nights = np.array([21.0, 21.0, 20.0, 21.0, 19.0, 21.0, 21.0, 21.0])
    is_b = np.array([False, True, True, False, True, False, False, True])
    t = np.arange(8) - 3.5
    x = np.column_stack([np.ones(8), is_b.astype(float), t])

    def negpost(theta: np.ndarray) -> float:
        eta = x @ theta + np.log(nights)
        return float(-(counts @ eta - np.exp(eta).sum()) + 0.5 * (theta[1] ** 2 + theta[2] ** 2))

    fit = optimize.minimize(negpost, np.zeros(3), method="BFGS", options={"gtol": 1e-10})
    cov = np.linalg.inv(approx_hess(fit.x, negpost))
    out = crossover(counts, nights, is_b, RULE, SCIPY)
    if out.trend_dispersion[0] == 1.0:  # Poisson-like here, so no widening applies
        assert out.trend_log_rr[0] == pytest.approx(fit.x[1], abs=1e-6)
        assert out.period_log_ratio[0] == pytest.approx(fit.x[2], abs=1e-6)
        assert out.trend_se[0] == pytest.approx(np.sqrt(cov[1, 1]), rel=1e-4)
        assert out.period_se[0] == pytest.approx(np.sqrt(cov[2, 2]), rel=1e-4)
    else:  # pragma: no cover - the data above are chosen not to be over-dispersed
        pytest.fail("expected no over-dispersion in this example")


# -- calibration (fixed seeds) --------------------------------------------------------------
def _simulate(
    order: str,
    per_week: float,
    rate_ratio: float,
    fade: float,
    *,
    trials: int = 2000,
    period_days: int = 28,
    washout: int = 7,
    seed: int = 0,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Nightly Poisson cramps over the design, fading ``fade``-fold (exponentially) from the
    first night to the last, summed per period over the nights outside the washout."""
    rng = np.random.default_rng(seed)
    periods = len(order)
    n = periods * period_days
    rate = per_week / 7 * np.exp(-np.log(fade) * np.arange(n) / n)
    is_b = np.array([c == "B" for c in order])
    counts = np.zeros((trials, periods))
    nights = np.zeros((trials, periods))
    for p in range(periods):
        w = washout if p == 0 or order[p] != order[p - 1] else 0
        window = rate[p * period_days + w : (p + 1) * period_days]
        mean = window.sum() * (rate_ratio if is_b[p] else 1.0)
        counts[:, p] = rng.poisson(mean, trials)
        nights[:, p] = window.size
    return counts, nights, is_b


@pytest.mark.parametrize("per_week", [1.0, 2.0, 4.0])
@pytest.mark.parametrize("fade", [1.0, 4.0])
def test_false_benefit_at_most_5_percent_with_no_effect(per_week: float, fade: float) -> None:
    """No effect, randomized ABBA/BAAB orders (half each), steady or fading 4-fold over
    the trial: `benefit` in at most 5 % of 4,000 simulated trials."""
    shares = []
    for k, order in enumerate(("ABBABAAB", "BAABABBA")):
        c, n, b = _simulate(order, per_week, 1.0, fade, seed=10 + k)
        shares.append(crossover(c, n, b, RULE, SCIPY).share(BENEFIT))
    assert np.mean(shares) <= 0.05


def test_period_effect_fires_in_most_fading_trials_and_rarely_without() -> None:
    """3 cramps a week, eight 4-week periods: fading 4-fold → flagged in most trials;
    steady → in at most 5 % (one-sided 5 % test on the period order)."""
    fading = crossover(*_simulate("ABBABAAB", 3.0, 1.0, 4.0, seed=21), RULE, SCIPY)
    steady = crossover(*_simulate("ABBABAAB", 3.0, 1.0, 1.0, seed=22), RULE, SCIPY)
    assert fading.period_effect.mean() > 0.5
    assert steady.period_effect.mean() <= 0.05
    # and with an effect of the item but no fading it still stays quiet
    working = crossover(*_simulate("BAABABBA", 3.0, 0.5, 1.0, seed=23), RULE, SCIPY)
    assert working.period_effect.mean() <= 0.05


def test_hand_entered_abab_with_a_fading_baseline_is_rarely_benefit() -> None:
    """Baseline first, then on/off/on (6-week blocks), cramps fading 4-fold, no effect:
    the plain comparison alone says `benefit` in about 10 %; the rule (inconclusive when
    the block-effect model disagrees) stays at most 5 %."""
    c, n, b = _simulate("ABAB", 2.0, 1.0, 4.0, period_days=42, washout=0, seed=31)
    out = crossover(c, n, b, RULE, SCIPY)
    assert (out.primary_verdict == BENEFIT).mean() > 0.06  # the trap is real
    assert out.share(BENEFIT) <= 0.05


# -- power ----------------------------------------------------------------------------------
#: stats-methods §2.9, middle figure of each cell: P(posterior P(RR<1) > 0.95)
PUBLISHED = {
    (1, 0.5): (0.24, 0.32, 0.40, 0.50),
    (1, 0.7): (0.14, 0.16, 0.19, 0.23),
    (2, 0.5): (0.32, 0.50, 0.65, 0.76),
    (2, 0.7): (0.16, 0.23, 0.31, 0.37),
    (3, 0.5): (0.40, 0.65, 0.80, 0.89),
    (3, 0.7): (0.19, 0.31, 0.40, 0.48),
    (5, 0.5): (0.57, 0.83, 0.94, 0.98),
    (5, 0.7): (0.27, 0.42, 0.56, 0.66),
}


@pytest.mark.parametrize(("cell", "published"), sorted(PUBLISHED.items()))
def test_power_agrees_with_the_published_table(
    cell: tuple[float, float], published: tuple[float, ...]
) -> None:
    per_week, rr = cell
    for weeks, expected in zip((4, 8, 12, 16), published, strict=True):
        found = power(per_week, rr, weeks).p_rr_below_1_at_95
        assert abs(found - expected) <= 0.03, (cell, weeks, found, expected)


def test_power_agrees_with_an_independent_simulation() -> None:
    """A loop of its own (another RNG, the posterior as a Beta CDF), 5,000 trials,
    2 cramps a week, 10 weeks per arm, RR 0.6: each figure within 2.5 points."""
    rng = np.random.default_rng(99)
    n = 5000
    benefit = conclusive = strong = 0
    for _ in range(n):
        s_a = rng.poisson(2.0 * 10)
        s_b = rng.poisson(2.0 * 0.6 * 10)
        # X/(X+Y) ~ Beta(a_B, a_A) with equal nights (scipy's scalar incomplete beta)
        p_any = special.betainc(0.5 + s_b, 0.5 + s_a, 0.5)
        p_mean = special.betainc(0.5 + s_b, 0.5 + s_a, 0.75 / 1.75)
        is_benefit = p_mean >= 0.8 and p_any >= 0.95 and s_a + s_b >= 5
        benefit += is_benefit
        conclusive += (is_benefit or 1 - p_mean >= 0.9) and s_a + s_b >= 5
        strong += p_any > 0.95
    ours = power(2.0, 0.6, 10.0)
    assert ours.p_benefit_verdict == pytest.approx(benefit / n, abs=0.025)
    assert ours.p_conclusive == pytest.approx(conclusive / n, abs=0.025)
    assert ours.p_rr_below_1_at_95 == pytest.approx(strong / n, abs=0.025)


def test_design_power_matches_simulating_night_by_night() -> None:
    """The planner's vectorised power (period totals) against the result computed on
    simulated nightly diaries through the real path (night table, washouts, missing
    nights none): within 4 points at RR 0.5 and 1.0."""
    from crampwise.experiments.result import experiment_result
    from crampwise.records import DiaryData, Night, Profile

    start = dt.date(2026, 1, 5)
    design = make_design(4, start, 2, 28, 7, first_washout=True)
    exp = _experiment(design, 4)
    nights = np.array(
        [
            (dt.date.fromisoformat(p.end) - dt.date.fromisoformat(p.washout_until or p.start)).days
            + (0 if p.washout_until else 1)
            for p in design
        ],
        dtype=float,
    )
    is_b = np.array([p.condition == "B" for p in design])
    planned = design_power(3.0, nights, is_b, 1.0, RULE)
    end = dt.date.fromisoformat(design[-1].end)
    span = (end - start).days + 1
    on = np.zeros(span, dtype=bool)
    for p in design:
        if p.condition == "B":
            a = (dt.date.fromisoformat(p.start) - start).days
            on[a : (dt.date.fromisoformat(p.end) - start).days + 1] = True
    rng = np.random.default_rng(5)
    for rr, expected in ((0.5, planned.rr_0_5), (1.0, planned.false_benefit)):
        hits = 0
        trials = 400
        for _ in range(trials):
            counts = rng.poisson(3.0 / 7 * np.where(on, rr, 1.0))
            data = DiaryData(
                timezone="UTC",
                profile=Profile(),
                nights=tuple(
                    Night((start + dt.timedelta(days=i)).isoformat(), int(c))
                    for i, c in enumerate(counts)
                ),
                episodes=(),
                regimen=(),
                adherence=(),
                medications=(),
                labs=(),
                factors=(),
                trigger_points=(),
                red_flags=(),
                experiments=(exp,),
            )
            result = experiment_result(exp, data, end + dt.timedelta(days=2), predict=False)
            hits += result.verdict == "benefit"
        assert hits / trials == pytest.approx(expected, abs=0.04 + 2 * np.sqrt(0.25 / trials))
