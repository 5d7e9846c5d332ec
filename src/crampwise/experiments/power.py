"""Power by simulation: what a trial of this length is likely to conclude.

Two calculations, both vectorised over simulated trials with fixed seeds (the same
question gives the same figures every time):

* :func:`design_power` simulates a planned design period by period (analysed nights per
  period after washouts; period totals Poisson, or gamma-Poisson with variance φ·mean
  when the person's weeks are clustered) and applies the *whole* pre-registered rule
  (:func:`crampwise.analysis.crossover.crossover`: estimated dispersion, the block-effect
  model, "inconclusive when they disagree"). This is what a plan reports.
* :func:`power` is the textbook question of ``crampwise experiment power``: equal weeks
  per arm, no design, the dispersion known; P(posterior P(RR < 1) > 0.95) agrees with
  the table of stats-methods §2.9 (20,000 trials there; tests check within 3 points).
"""

from __future__ import annotations

import math

import numpy as np

from crampwise._record import Record
from crampwise.analysis.crossover import (
    BENEFIT,
    INCONCLUSIVE,
    DecisionRule,
    Specials,
    crossover,
)
from crampwise.errors import InputError

__all__ = [
    "DESIGN_TRIALS",
    "POWER_TRIALS",
    "DesignPower",
    "PowerResult",
    "design_power",
    "nights_per_arm_needed",
    "power",
    "scipy_specials",
]

POWER_TRIALS = 20_000
DESIGN_TRIALS = 4_000
_SEED = 20_260_512  # fixed: the same plan always shows the same figures


def scipy_specials() -> Specials:
    """scipy's ufuncs for the simulations (thousands of trials at once)."""
    from scipy import special

    return Specials(special.betainc, special.ndtr)


def _counts(
    rng: np.random.Generator, mean: np.ndarray, dispersion: float, trials: int
) -> np.ndarray:
    """Totals with mean ``mean`` (any shape) and variance dispersion·mean, per trial."""
    shape = (trials, *np.shape(mean))
    mean = np.broadcast_to(np.asarray(mean, dtype=np.float64), shape)
    if dispersion > 1.0:
        k = np.maximum(mean, 1e-12) / (dispersion - 1.0)
        mean = rng.gamma(k, np.maximum(mean, 1e-12) / k)
    return rng.poisson(mean).astype(np.float64)


class PowerResult(Record):
    """``crampwise experiment power``."""

    baseline_per_week: float
    rate_ratio: float
    weeks_per_arm: float
    dispersion: float
    p_benefit_verdict: float
    p_conclusive: float
    p_rr_below_1_at_95: float
    trials: int

    def to_dict(self) -> dict[str, float | int]:
        return {
            "baseline_per_week": self.baseline_per_week,
            "rate_ratio": self.rate_ratio,
            "weeks_per_arm": self.weeks_per_arm,
            "dispersion": self.dispersion,
            "p_benefit_verdict": round(self.p_benefit_verdict, 4),
            "p_conclusive": round(self.p_conclusive, 4),
            "p_rr_below_1_at_95": round(self.p_rr_below_1_at_95, 4),
            "trials": self.trials,
        }

    def to_text(self) -> str:
        return (
            f"At {self.baseline_per_week:g} cramps a week, {self.weeks_per_arm:g} weeks with "
            f"and {self.weeks_per_arm:g} without, if the item's true effect is a rate ratio "
            f"of {self.rate_ratio:g}:\n"
            f"  chance of a 'benefit' verdict        {100 * self.p_benefit_verdict:5.1f} %\n"
            f"  chance of any clear verdict          {100 * self.p_conclusive:5.1f} %\n"
            f"  chance that P(fewer cramps) > 95 %   {100 * self.p_rr_below_1_at_95:5.1f} %\n"
            f"({self.trials:,} simulated trials; dispersion {self.dispersion:g}; every night "
            "recorded; no washout.)"
        )


def power(
    baseline_per_week: float,
    rate_ratio: float,
    weeks_per_arm: float,
    dispersion: float = 1.0,
    *,
    rule: DecisionRule | None = None,
    trials: int = POWER_TRIALS,
    specials: Specials | None = None,
) -> PowerResult:
    """Chance of each outcome for equal weeks per arm, the dispersion known."""
    from crampwise import validate as v

    base = v.number(baseline_per_week, "baseline_per_week", 0.0, 50.0)
    rr = v.number(rate_ratio, "rate_ratio", 0.0, 10.0)
    weeks = v.number(weeks_per_arm, "weeks_per_arm", 0.0, 520.0)
    phi = v.number(dispersion, "dispersion", 1.0, 20.0)
    for name, value in (("baseline_per_week", base), ("rate_ratio", rr), ("weeks_per_arm", weeks)):
        if value <= 0:
            raise InputError(name, f"{value:g} must be above 0", code="out-of-range")
    rule = rule or DecisionRule()
    sp = specials or scipy_specials()
    rng = np.random.default_rng(_SEED)
    mean = np.array([base * weeks, base * rr * weeks])
    counts = _counts(rng, mean, phi, trials)
    s_a, s_b = counts[:, 0], counts[:, 1]
    a_a, a_b = 0.5 + s_a / phi, 0.5 + s_b / phi  # equal nights: q = c
    p_any = np.asarray(sp.betainc(a_b, a_a, np.full(trials, 0.5)))
    cut = 1.0 - rule.mcid
    p_meaningful = np.asarray(sp.betainc(a_b, a_a, np.full(trials, cut / (1.0 + cut))))
    benefit = (p_meaningful >= rule.p_meaningful_min) & (p_any >= rule.p_benefit_min)
    no_gain = 1.0 - p_meaningful >= 0.9
    sparse = (s_a + s_b) < 5
    conclusive = (benefit | no_gain) & ~sparse
    return PowerResult(
        baseline_per_week=base,
        rate_ratio=rr,
        weeks_per_arm=weeks,
        dispersion=phi,
        p_benefit_verdict=float(np.mean(benefit & ~sparse)),
        p_conclusive=float(np.mean(conclusive)),
        p_rr_below_1_at_95=float(np.mean(p_any > 0.95)),
        trials=trials,
    )


class DesignPower(Record):
    """Chance of a `benefit` verdict for one design at true rate ratios 0.5 and 0.75, and
    of a false `benefit` at 1.0; plus how often the trial ends inconclusive at 0.5."""

    rr_0_5: float
    rr_0_75: float
    false_benefit: float
    inconclusive_at_0_5: float
    trials: int

    def to_dict(self) -> dict[str, float | int]:
        return {
            "rr_0_5": round(self.rr_0_5, 4),
            "rr_0_75": round(self.rr_0_75, 4),
            "false_benefit": round(self.false_benefit, 4),
            "inconclusive_at_0_5": round(self.inconclusive_at_0_5, 4),
            "trials": self.trials,
        }


def simulate_design(
    rate_per_night: float,
    rate_ratio: float,
    nights: np.ndarray,
    is_b: np.ndarray,
    dispersion: float,
    trials: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Simulated period totals (trials, periods) for analysed ``nights`` per period."""
    mean = rate_per_night * nights * np.where(is_b, rate_ratio, 1.0)
    return _counts(rng, mean, dispersion, trials)


def design_power(
    rate_per_week: float,
    nights: np.ndarray,
    is_b: np.ndarray,
    dispersion: float,
    rule: DecisionRule,
    *,
    trials: int = DESIGN_TRIALS,
    specials: Specials | None = None,
    only_half: bool = False,
) -> DesignPower:
    """The pre-registered rule applied to simulated trials of this design (``only_half``:
    just RR 0.5, for the search of a recommended length; the other figures are NaN)."""
    sp = specials or scipy_specials()
    nights = np.asarray(nights, dtype=np.float64)
    is_b = np.asarray(is_b, dtype=np.bool_)
    out = {}
    for k, rr in enumerate((0.5,) if only_half else (0.5, 0.75, 1.0)):
        rng = np.random.default_rng(_SEED + k)
        counts = simulate_design(rate_per_week / 7.0, rr, nights, is_b, dispersion, trials, rng)
        out[rr] = crossover(counts, np.broadcast_to(nights, counts.shape), is_b, rule, sp)
    nan = float("nan")
    return DesignPower(
        rr_0_5=out[0.5].share(BENEFIT),
        rr_0_75=out[0.75].share(BENEFIT) if 0.75 in out else nan,
        false_benefit=out[1.0].share(BENEFIT) if 1.0 in out else nan,
        inconclusive_at_0_5=out[0.5].share(INCONCLUSIVE),
        trials=trials,
    )


def nights_per_arm_needed(
    rate_per_week: float, rate_ratio: float = 0.5, dispersion: float = 1.0, power: float = 0.8
) -> float:
    """Large-sample nights per arm (stats-methods §2.9's formula, one-sided 5 %): a rough
    figure for trials longer than the simulation searches."""
    from crampwise.analysis.special import ndtri

    lam_a = rate_per_week / 7.0
    lam_b = lam_a * rate_ratio
    z = ndtri(0.95) + ndtri(power)
    return z * z * dispersion * (1.0 / lam_a + 1.0 / lam_b) / math.log(rate_ratio) ** 2
