"""From the typed diary snapshot to the nightly arrays the analysis takes.

:func:`build_series` turns a :class:`~crampwise.records.DiaryData` (what
``Tracker.snapshot()`` returns, or a validated document via
``formats.diaryformat.load_diary_data``) into an :class:`~crampwise.analysis.DiarySeries`,
adding the one knowledge-base fact the analysis needs (whether a medicine is linked with
cramps). The analysis package itself never reads documents, databases or the tracker.

:func:`analyze` is the public ``crampwise.analyze(path_or_dict)``: it validates the
document where it enters, then goes the same way as ``Tracker.analyze()``.

Randomized experiment blocks (issue 12 will add experiments to the format and storage)
are passed as :class:`ExperimentBlock` records; documents may carry them under an
optional top-level ``experiments`` key, read here.
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
from crampwise.errors import ImportFormatError, InputError

TYPE_CHECKING = False  # the project's convention (mypy treats any such name as true)
if TYPE_CHECKING:
    from crampwise.analysis import AnalysisResult
    from crampwise.records import DiaryData
    from crampwise.tracker import Tracker

__all__ = ["ExperimentBlock", "analyze", "build_series", "cramp_note", "experiments_from_document"]

#: Evidence grades that make a medicine "cramp-associated" here: A (population study),
#: B (named by a clinical review) and C (case-level reports); D is a lay article only.
CRAMP_GRADES = ("A", "B", "C")


class ExperimentBlock:
    """One block of a randomized experiment on ``item``: ``[start, end)`` ISO dates."""

    __slots__ = ("condition", "end", "item", "start")

    def __init__(self, item: str, start: str, end: str, condition: str) -> None:
        self.item, self.start, self.end, self.condition = item, start, end, condition

    def __repr__(self) -> str:
        return f"ExperimentBlock({self.item!r}, {self.start!r}, {self.end!r}, {self.condition!r})"


def _date(value: Any, path: str) -> dt.date:
    try:
        return dt.date.fromisoformat(value)
    except (TypeError, ValueError):
        raise ImportFormatError(path, f"expected a date YYYY-MM-DD, got {value!r}") from None


def experiments_from_document(doc: Mapping[str, Any]) -> list[ExperimentBlock]:
    """The optional ``experiments`` key: ``[{"item", "blocks": [{"start", "end",
    "condition": "on"|"off"}]}]`` (``end`` exclusive, like a regimen ``end``)."""
    raw = doc.get("experiments") or []
    if not isinstance(raw, list):
        raise ImportFormatError("experiments", "must be a list of experiments")
    out: list[ExperimentBlock] = []
    for i, exp in enumerate(raw):
        if not isinstance(exp, Mapping) or not isinstance(exp.get("item"), str):
            raise ImportFormatError(f"experiments[{i}].item", "each experiment names its item")
        blocks = exp.get("blocks")
        if not isinstance(blocks, list):
            raise ImportFormatError(f"experiments[{i}].blocks", "must be a list of blocks")
        for j, b in enumerate(blocks):
            path = f"experiments[{i}].blocks[{j}]"
            if not isinstance(b, Mapping):
                raise ImportFormatError(path, "must be an object with start, end and condition")
            cond = b.get("condition")
            if cond not in ("on", "off"):
                raise ImportFormatError(
                    f"{path}.condition", f"expected 'on' or 'off', got {cond!r}"
                )
            start, end = _date(b.get("start"), f"{path}.start"), _date(b.get("end"), f"{path}.end")
            if end <= start:
                raise ImportFormatError(f"{path}.end", "must be after the block's start")
            out.append(ExperimentBlock(exp["item"], start.isoformat(), end.isoformat(), cond))
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


def build_series(data: DiaryData, experiments: Sequence[ExperimentBlock] = ()) -> DiarySeries:
    """The nightly arrays of a diary snapshot (plus randomized blocks, if any)."""
    counts_by_night = {night.date: night.cramps for night in data.nights}
    for ep in data.episodes:  # an episode's night is observed even if not listed
        counts_by_night.setdefault(ep.night, 0)
    if not counts_by_night:
        return make_series(None, np.zeros(0, dtype=np.bool_), np.zeros(0), {})
    first = dt.date.fromisoformat(min(counts_by_night))
    n = (dt.date.fromisoformat(max(counts_by_night)) - first).days + 1
    observed = np.zeros(n, dtype=np.bool_)
    counts = np.zeros(n)
    for day, c in counts_by_night.items():
        i = (dt.date.fromisoformat(day) - first).days
        observed[i] = True
        counts[i] = c
    regimen = _spans(((e.item, e.start, e.end) for e in data.regimen), first, n)
    med_spans = _spans(((m.name, m.start, m.end) for m in data.medications), first, n)
    # Only medicines started or stopped inside the diary are changes; the knowledge base
    # (slow to load on a cold start) is consulted for those alone.
    medications = [
        MedicationSeries(name, on, cramp_note(name))
        for name, on in med_spans.items()
        if on.any() and not on.all()
    ]
    adherence: dict[str, AdherenceSeries] = {}
    for a in data.adherence:
        i = (dt.date.fromisoformat(a.date) - first).days
        if not 0 <= i < n:
            continue
        rec = adherence.setdefault(
            a.item, AdherenceSeries(np.zeros(n, dtype=np.bool_), np.zeros(n, dtype=np.bool_))
        )
        # several dose times on one day: the night counts as taken only if every
        # recorded dose was taken (a missed dose is a missed night for per-protocol)
        rec.taken[i] = (rec.taken[i] or not rec.recorded[i]) and a.taken
        rec.recorded[i] = True
    blocks: dict[str, list[Block]] = {}
    for b in experiments:
        s, e = _index(b.start, first, n), _index(b.end, first, n)
        if e > s:
            blocks.setdefault(b.item, []).append(Block(s, e, b.condition == "on"))
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

    ``experiments`` defaults to the document's optional ``experiments`` key.
    """
    from crampwise.analysis import analyze_series
    from crampwise.formats.diaryformat import load_diary_data, load_document

    snapshot = getattr(source, "snapshot", None)
    if callable(snapshot):  # a Tracker: its records are valid by construction
        return analyze_series(build_series(snapshot(), experiments or ()))
    if isinstance(source, Mapping):
        doc: dict[str, Any] = dict(source)
    elif isinstance(source, str | os.PathLike):
        doc = load_document(source)
    else:
        raise InputError("diary", "expected a path to a crampwise-diary file or a dict")
    blocks = experiments_from_document(doc) if experiments is None else list(experiments)
    doc.pop("experiments", None)  # not (yet) part of format v1
    data = load_diary_data(doc, today=today, timezone=timezone)
    return analyze_series(build_series(data, blocks))
