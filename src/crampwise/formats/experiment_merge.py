"""Merging the ``experiments`` section, record by record (part of :class:`Merger`).

An experiment is the same record when its item and first night match. One the diary does
not have is added, unless it shares nights with another experiment of the diary (one
experiment at a time): that is a conflict, and with ``replace`` the file's experiment
takes the place of the ones it overlaps. One the diary has is compared field by field:
empty fields the file fills in are filled in; any other difference (design, seed,
decision rule, status …) is a conflict, listed like every other.
"""

from __future__ import annotations

from crampwise._record import replace as with_fields
from crampwise.formats.experimentformat import experiments_overlap
from crampwise.records import Experiment

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crampwise.formats.importer import Merger

__all__ = ["plan_experiments"]

_FIELDS = (
    "comparator",
    "dose",
    "unit",
    "seed",
    "period_days",
    "washout_days",
    "mcid",
    "p_benefit_min",
    "p_meaningful_min",
    "interim_looks",
    "baseline_per_week",
    "dispersion",
    "status",
    "stopped_on",
    "stop_reason",
    "notes",
)
_FILLABLE = ("dose", "unit", "baseline_per_week", "dispersion", "stop_reason", "notes")


def _shown(value: object) -> str:
    if value is None:
        return "none"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _differences(old: Experiment, new: Experiment) -> tuple[dict[str, object], list[str]]:
    fills: dict[str, object] = {}
    clashes: list[str] = []
    if old.design != new.design:
        order_old = "".join(p.condition for p in old.design)
        order_new = "".join(p.condition for p in new.design)
        clashes.append(
            f"design {order_old} to {old.end} in your diary, {order_new} to {new.end} in the file"
        )
    for name in _FIELDS:
        before, after = getattr(old, name), getattr(new, name)
        if before == after:
            continue
        if name in _FILLABLE and (before is None or before == "") and after not in (None, ""):
            fills[name] = after
        elif name in _FILLABLE and after in (None, ""):
            continue  # the file knows less: nothing to change
        else:
            label = name.replace("_", " ")
            clashes.append(f"{label} {_shown(before)} in your diary, {_shown(after)} in the file")
    return fills, clashes


def plan_experiments(merger: Merger) -> None:
    """Queue the writes of the document's experiments (or list their conflicts)."""
    store = merger.store
    stored = store.list_experiments()
    for exp in merger.doc.experiments:
        label = f"experiment {exp.item} from {exp.start}"
        same = next((s for s in stored if (s.item, s.start) == (exp.item, exp.start)), None)
        others = [s for s in stored if s is not same and experiments_overlap(s, exp)]
        problems = [
            f"{label} overlaps experiment {s.item} ({s.start} to {s.last_night}) in your diary"
            for s in others
        ]
        if same is not None:
            fills, clashes = _differences(same, exp)
            problems = [f"{label}: {c}" for c in clashes] + problems
            if not problems:
                if not fills:
                    merger.report.count(merger.report.skipped, "experiments")
                    continue
                merged = with_fields(same, **fills, id=None)
                old_id = same.id or 0

                def update(e: Experiment = merged, gone: int = old_id) -> None:
                    store.delete_experiment(gone)
                    store.insert_experiment(e)

                merger.ops.append(update)
                merger.report.count(merger.report.updated, "experiments")
                continue
        gone = [s.id or 0 for s in (same, *others) if s is not None]

        def write(e: Experiment = exp, ids: list[int] = gone) -> None:
            for experiment_id in ids:
                store.delete_experiment(experiment_id)
            store.insert_experiment(e)

        if not problems:
            merger.ops.append(write)
            merger.report.count(merger.report.added, "experiments")
            continue
        for problem in problems:
            merger.report.conflicts.append(problem)
        if merger.replace:
            merger.ops.append(write)
            merger.report.count(merger.report.replaced, "experiments")
