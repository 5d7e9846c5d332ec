"""Randomized N-of-1 experiments: planner, power, runner, verdict, cohort pooling.

* :mod:`~crampwise.experiments.design` - the counterbalanced order drawn from a seed;
* :mod:`~crampwise.experiments.power` - power by simulation (vectorised, fixed seeds);
* :mod:`~crampwise.experiments.planner` - a plan from the person's own baseline
  (:mod:`~crampwise.experiments.inputs`: the dose and the MCID as people type them);
* :mod:`~crampwise.experiments.runner` - ``Tracker.experiments``: start, tonight, status,
  stop, result;
* :mod:`~crampwise.experiments.result` - the pre-registered verdict;
* :mod:`~crampwise.experiments.cohort` - many people's trials pooled (two-stage model).

Methods and figures: ``docs/experiments.md``. The statistics of one trial live in
:mod:`crampwise.analysis.crossover`, shared with ``crampwise analyze``.
"""

from __future__ import annotations

import sys

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crampwise.experiments.cohort import CohortResult, cohort_from_files, pool
    from crampwise.experiments.planner import Plan, make_plan
    from crampwise.experiments.power import PowerResult, power
    from crampwise.experiments.result import ExperimentResult, experiment_result
    from crampwise.experiments.runner import ExperimentsModule, Status, Tonight

__all__ = [
    "CohortResult",
    "ExperimentResult",
    "ExperimentsModule",
    "Plan",
    "PowerResult",
    "Status",
    "Tonight",
    "cohort_from_files",
    "experiment_result",
    "make_plan",
    "pool",
    "power",
]

_LAZY = {
    "CohortResult": "crampwise.experiments.cohort",
    "cohort_from_files": "crampwise.experiments.cohort",
    "pool": "crampwise.experiments.cohort",
    "Plan": "crampwise.experiments.planner",
    "make_plan": "crampwise.experiments.planner",
    "PowerResult": "crampwise.experiments.power",
    "power": "crampwise.experiments.power",
    "ExperimentResult": "crampwise.experiments.result",
    "experiment_result": "crampwise.experiments.result",
    "ExperimentsModule": "crampwise.experiments.runner",
    "Status": "crampwise.experiments.runner",
    "Tonight": "crampwise.experiments.runner",
}


def __getattr__(name: str) -> object:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'crampwise.experiments' has no attribute {name!r}")
    __import__(module)
    value = getattr(sys.modules[module], name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(__all__)
