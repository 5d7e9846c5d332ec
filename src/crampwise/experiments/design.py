"""The order of an experiment's periods: drawn from a recorded seed, counterbalanced.

The periods come in pairs, each pair holding both conditions (A = the comparator, B = the
item tested). Pairs are grouped two by two into ``ABBA`` or ``BAAB`` (counterbalanced:
orthogonal to a linear trend, stats-methods §2.4), the pattern of each group drawn from
the seed; an odd last pair is ``AB`` or ``BA``, drawn the same way.

The draw is specified so that anyone can repeat it without crampwise: the bit for group
``g`` is the lowest bit of the first byte of SHA-256(``"crampwise-experiment-v1:{seed}:{g}"``)
(UTF-8); 0 gives ``ABBA`` (or ``AB``), 1 gives ``BAAB`` (or ``BA``). A stored design whose
order does not follow from its seed is refused where it enters.

Washout: the first ``washout_days`` nights of a period are not analysed when the condition
changed at its start (carry-over, stats-methods §2.6a), and in the first period unless it
is A and the item was not being taken before.
"""

from __future__ import annotations

import datetime as dt

from crampwise.records import Experiment, ExperimentPeriod

__all__ = [
    "MAX_SEED",
    "design_matches_seed",
    "draw_order",
    "is_counterbalanced",
    "is_randomized",
    "make_design",
]

MAX_SEED = 2**31 - 1  # fits every database's INTEGER
_SALT = "crampwise-experiment-v1"


def _bit(seed: int, group: int) -> int:
    import hashlib  # here: the analysis reads designs (is_randomized) but draws none

    digest = hashlib.sha256(f"{_SALT}:{seed}:{group}".encode()).digest()
    return digest[0] & 1


def draw_order(seed: int, pairs: int) -> str:
    """The conditions of ``2·pairs`` periods, e.g. ``ABBABAAB``."""
    out = []
    for group in range((pairs + 1) // 2):
        flip = _bit(seed, group)
        if 2 * group + 1 < pairs:
            out.append("BAAB" if flip else "ABBA")
        else:
            out.append("BA" if flip else "AB")
    return "".join(out)


def make_design(
    seed: int,
    start: dt.date,
    pairs: int,
    period_days: int,
    washout_days: int,
    *,
    first_washout: bool = True,
    order: str | None = None,
) -> tuple[ExperimentPeriod, ...]:
    """Dates of every period (``end`` inclusive) and the washout nights left out.

    ``order`` overrides the drawn order (for hand-entered designs and tests)."""
    conditions = order if order is not None else draw_order(seed, pairs)
    periods = []
    for i, condition in enumerate(conditions):
        first = start + dt.timedelta(days=i * period_days)
        last = first + dt.timedelta(days=period_days - 1)
        switched = first_washout if i == 0 else condition != conditions[i - 1]
        washout = None
        if switched and washout_days > 0:
            washout = (first + dt.timedelta(days=washout_days - 1)).isoformat()
        periods.append(ExperimentPeriod(first.isoformat(), last.isoformat(), condition, washout))
    return tuple(periods)


def is_counterbalanced(design: tuple[ExperimentPeriod, ...]) -> bool:
    """Every pair of periods (1–2, 3–4, …) holds both conditions."""
    if not design or len(design) % 2:
        return False
    return all(
        {design[i].condition, design[i + 1].condition} == {"A", "B"}
        for i in range(0, len(design), 2)
    )


def design_matches_seed(exp: Experiment) -> bool:
    """Whether the stored order, dates and washouts follow from the seed and the plan."""
    if exp.seed is None or not exp.design or len(exp.design) % 2:
        return False
    first_washout = exp.design[0].washout_until is not None
    expected = make_design(
        exp.seed,
        dt.date.fromisoformat(exp.start),
        len(exp.design) // 2,
        exp.period_days,
        exp.washout_days,
        first_washout=first_washout,
    )
    return expected == exp.design


def is_randomized(exp: Experiment) -> bool:
    """Evidence may be called randomized: a recorded seed that reproduces a counterbalanced
    design. A hand-entered order (no seed) is an uncontrolled comparison, however neat."""
    return design_matches_seed(exp) and is_counterbalanced(exp.design)
