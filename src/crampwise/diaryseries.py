"""From the typed diary snapshot to the nightly arrays the analysis takes.

:func:`build_series` turns a :class:`~crampwise.records.DiaryData` (what
``Tracker.snapshot()`` returns, or a validated document via
``formats.diaryformat.load_diary_data``) into an :class:`~crampwise.analysis.DiarySeries`,
adding the one knowledge-base fact the analysis needs (whether a medicine is linked with
cramps). The analysis package itself never reads documents, databases or the tracker.

:func:`analyze` is the public ``crampwise.analyze(path_or_dict)``: it validates the
document where it enters, then goes the same way as ``Tracker.analyze()``.

Experiments (stored, or a document's ``experiments`` section) become blocks of the
series (:func:`experiment_blocks`): their nights override the regimen, washout nights are
not counted, and only a design drawn from a recorded seed and counterbalanced is marked
randomized.
"""

from __future__ import annotations

import datetime as dt
import os
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import numpy as np

from crampwise.analysis.series import (
    AdherenceSeries,
    Block,
    DiarySeries,
    MedicationSeries,
    make_series,
)
from crampwise.errors import InputError

TYPE_CHECKING = False  # the project's convention (mypy treats any such name as true)
if TYPE_CHECKING:
    from crampwise.analysis import AnalysisResult
    from crampwise.records import DiaryData, Experiment
    from crampwise.tracker import Tracker

__all__ = [
    "SECTIONS",
    "ExperimentBlock",
    "analyze",
    "build_series",
    "cramp_note",
    "experiment_blocks",
]

#: Evidence grades that make a medicine "cramp-associated" here: A (population study),
#: B (named by a clinical review) and C (case-level reports); D is a lay article only.
CRAMP_GRADES = ("A", "B", "C")


class ExperimentBlock:
    """One block of an experiment on ``item``: ``[start, end)`` ISO dates, ``condition``
    ``on``/``off``; the first ``washout`` nights are not counted. ``randomized`` says the
    order came from a recorded seed and is counterbalanced (given by hand, it is not)."""

    __slots__ = ("condition", "end", "item", "randomized", "rule", "start", "washout")

    def __init__(
        self,
        item: str,
        start: str,
        end: str,
        condition: str,
        *,
        washout: int = 0,
        randomized: bool = False,
        rule: tuple[float, float, float] = (0.25, 0.95, 0.8),
    ) -> None:
        self.item, self.start, self.end, self.condition = item, start, end, condition
        self.washout, self.randomized = washout, randomized
        self.rule = rule  # the experiment's decision rule: (mcid, p_benefit, p_meaningful)

    def __repr__(self) -> str:
        return (
            f"ExperimentBlock({self.item!r}, {self.start!r}, {self.end!r}, {self.condition!r}, "
            f"washout={self.washout}, randomized={self.randomized})"
        )


def experiment_blocks(experiments: Iterable[Experiment]) -> list[ExperimentBlock]:
    """The stored experiments' periods as blocks, each up to its last night (a stopped
    experiment ends at its stop)."""
    from crampwise.experiments.design import is_randomized

    out: list[ExperimentBlock] = []
    for exp in experiments:
        randomized = is_randomized(exp)
        last = exp.last_night
        for p in exp.design:
            if p.start > last:
                break
            end = dt.date.fromisoformat(min(p.end, last)) + dt.timedelta(days=1)
            washout = 0
            if p.washout_until is not None:
                until = dt.date.fromisoformat(p.washout_until)
                washout = (until - dt.date.fromisoformat(p.start)).days + 1
            out.append(
                ExperimentBlock(
                    exp.item,
                    p.start,
                    end.isoformat(),
                    "on" if p.condition == "B" else "off",
                    washout=washout,
                    randomized=randomized,
                    rule=(exp.mcid, exp.p_benefit_min, exp.p_meaningful_min),
                )
            )
    return out


def cramp_note(name: str) -> str:
    """Why the knowledge base links a medicine with cramps ('' when it does not)."""
    from crampwise.knowledge import match_medication

    notes: list[str] = []
    for drug in match_medication(name).drugs:
        for label, evidence in drug.cramp_evidence():
            if evidence.grade in CRAMP_GRADES:
                kind = "" if label == drug.generic else f"is a {label}, "
                notes.append(
                    f"{drug.generic} {kind}a medicine linked with leg cramps "
                    f"(evidence grade {evidence.grade})"
                )
    return "; ".join(dict.fromkeys(notes))


_EARLIEST, _LATEST = np.datetime64("0001-01-01", "D"), np.datetime64("9999-12-31", "D")


def _night_indices(days: list[str], first: dt.date) -> np.ndarray[Any, np.dtype[np.int64]]:
    """Nights since ``first`` of ISO dates, parsed by numpy in one go (ten years of nights
    one by one took milliseconds); dates numpy does not read go one by one."""
    try:
        parsed = np.array(days, dtype="datetime64[D]")
    except ValueError:
        parsed = None
    # numpy reads "20200105" as the year 20200105 (Python: 5 Jan 2020): out of range
    if parsed is None or not (parsed.min() >= _EARLIEST and parsed.max() <= _LATEST):
        return np.array([(dt.date.fromisoformat(d) - first).days for d in days], dtype=np.int64)
    start = np.datetime64(first.isoformat(), "D")
    return np.asarray((parsed - start).astype(np.int64), dtype=np.int64)


def _index(day: str, first: dt.date, n: int) -> int:
    return min(max((dt.date.fromisoformat(day) - first).days, 0), n)


def _spans(
    entries: Iterable[tuple[str, str, str | None]], first: dt.date, n: int
) -> dict[str, np.ndarray[Any, np.dtype[np.bool_]]]:
    out: dict[str, np.ndarray[Any, np.dtype[np.bool_]]] = {}
    for name, start, end in entries:
        on = out.setdefault(name, np.zeros(n, dtype=np.bool_))
        s = _index(start, first, n)
        e = n if end is None else _index(end, first, n)
        on[s:e] = True
    return out


#: The sections of a :class:`DiaryData` that :func:`build_series` reads (experiments are
#: always read): a snapshot of these alone gives the same series and the same analysis.
SECTIONS: frozenset[str] = frozenset({"nights", "episodes", "regimen", "adherence", "medications"})


def build_series(data: DiaryData, experiments: Sequence[ExperimentBlock] = ()) -> DiarySeries:
    """The nightly arrays of a diary snapshot, with its stored experiments (and any
    further ``experiments`` blocks given) overriding the regimen on their nights."""
    experiments = [*experiment_blocks(data.experiments), *experiments]
    counts_by_night = {night.date: night.cramps for night in data.nights}
    for ep in data.episodes:  # an episode's night is observed even if not listed
        counts_by_night.setdefault(ep.night, 0)
    if not counts_by_night:
        return make_series(None, np.zeros(0, dtype=np.bool_), np.zeros(0), {})
    first = dt.date.fromisoformat(min(counts_by_night))
    n = (dt.date.fromisoformat(max(counts_by_night)) - first).days + 1
    observed = np.zeros(n, dtype=np.bool_)
    counts = np.zeros(n)
    index = _night_indices(list(counts_by_night), first)
    observed[index] = True
    counts[index] = np.fromiter(counts_by_night.values(), dtype=np.float64, count=index.shape[0])
    regimen = _spans(((e.item, e.start, e.end) for e in data.regimen), first, n)
    med_spans = _spans(((m.name, m.start, m.end) for m in data.medications), first, n)
    # Only medicines started or stopped inside the diary are changes; the knowledge base
    # (slow to load on a cold start) is consulted for those alone.
    medications = [
        MedicationSeries(name, on, cramp_note(name))
        for name, on in med_spans.items()
        if on.any() and not on.all()
    ]
    adherence = _adherence(data, first, n)
    blocks: dict[str, list[Block]] = {}
    for b in experiments:
        s, e = _index(b.start, first, n), _index(b.end, first, n)
        if e > s:
            blocks.setdefault(b.item, []).append(
                Block(s, e, b.condition == "on", b.washout, b.randomized, b.rule)
            )
    nights = [(dt.date.fromisoformat(ep.night) - first).days for ep in data.episodes]
    episodes = (
        np.array(nights, dtype=np.int64),
        np.array([np.nan if ep.severity is None else ep.severity for ep in data.episodes]),
        np.array([np.nan if ep.duration_min is None else ep.duration_min for ep in data.episodes]),
    )
    return make_series(
        first,
        observed,
        counts,
        {k: v for k, v in regimen.items() if k in {e.item for e in data.regimen}},
        episodes=(episodes[0], episodes[1].astype(np.float64), episodes[2].astype(np.float64)),
        experiments=blocks,
        medications=medications,
        adherence=adherence,
    )


def _adherence(data: DiaryData, first: dt.date, n: int) -> dict[str, AdherenceSeries]:
    """Per item, the nights with a dose record and the nights taken. Several dose times
    on one day: the night counts as taken only if every recorded dose was taken (a missed
    dose is a missed night for per-protocol). Items in the order of their first record
    inside the span."""
    by_item: dict[str, tuple[list[int], list[str], list[bool]]] = {}
    for pos, a in enumerate(data.adherence):
        where, days, taken = by_item.setdefault(a.item, ([], [], []))
        where.append(pos)
        days.append(a.date)
        taken.append(bool(a.taken))
    found: list[tuple[int, str, AdherenceSeries]] = []
    for item, (where, days, taken) in by_item.items():
        index = _night_indices(days, first)
        inside = (index >= 0) & (index < n)
        if not inside.any():
            continue
        index = index[inside]
        rec = AdherenceSeries(np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_))
        rec.recorded[index] = True
        rec.taken[index] = True
        rec.taken[index[~np.array(taken, dtype=np.bool_)[inside]]] = False
        found.append((int(np.array(where)[inside][0]), item, rec))
    return {item: rec for _, item, rec in sorted(found, key=lambda f: f[0])}


def analyze(
    source: str | os.PathLike[str] | Mapping[str, Any] | Tracker,
    *,
    experiments: Sequence[ExperimentBlock] | None = None,
    today: dt.date | None = None,
    timezone: str = "UTC",
) -> AnalysisResult:
    """Analyse a ``crampwise-diary`` document (a file path, ``-`` for standard input, or a
    dict): validated where it enters, then the same analysis as ``Tracker.analyze()``
    (a :class:`~crampwise.tracker.Tracker` may be passed too).

    The document's ``experiments`` section is analysed like a stored one; ``experiments``
    adds blocks given by hand (never called randomized unless they say so).
    """
    from crampwise.analysis import analyze_series
    from crampwise.formats.diaryformat import load_diary_data, load_document

    snapshot = getattr(source, "snapshot", None)
    if callable(snapshot):  # a Tracker: its records are valid by construction
        return analyze_series(build_series(snapshot(sections=SECTIONS), experiments or ()))
    if isinstance(source, Mapping):
        doc: dict[str, Any] = dict(source)
    elif isinstance(source, str | os.PathLike):
        doc = load_document(source)
    else:
        raise InputError("diary", "expected a path to a crampwise-diary file or a dict")
    blocks = list(experiments or ())
    data = load_diary_data(doc, today=today, timezone=timezone)
    return analyze_series(build_series(data, blocks))
