"""Nightly arrays: the validated data the analysis works on.

:class:`DiarySeries` has one row per night of the diary's span (first to last observed
night), an *observed* mask (missing nights are never zeros), the cramp count per night,
which regimen items and medications were in use each night, what adherence records say,
and randomized experiment blocks. It is built outside this package
(:mod:`crampwise.diaryseries` turns the typed snapshot ``DiaryData`` into it; the
simulations build it from arrays): the statistics take data, not documents or databases.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, timedelta
from typing import Literal

import numpy as np

from crampwise._record import Record

TYPE_CHECKING = False  # mypy treats any name TYPE_CHECKING as true
if TYPE_CHECKING:
    import numpy.typing as npt

__all__ = [
    "AdherenceSeries",
    "Block",
    "BoolArray",
    "Change",
    "DiarySeries",
    "FloatArray",
    "IntArray",
    "MedicationSeries",
    "count_noun",
    "fmt_date",
    "fmt_rate",
    "item_label",
    "make_series",
    "memo",
]

# Array types for annotations only: at run time they are plain ``np.ndarray``, so that
# ``crampwise analyze`` does not import ``numpy.typing`` (~1 ms of a cold start).
if TYPE_CHECKING:
    FloatArray = npt.NDArray[np.float64]
    BoolArray = npt.NDArray[np.bool_]
    IntArray = npt.NDArray[np.int64]
else:
    FloatArray = BoolArray = IntArray = np.ndarray


class Block(Record):
    """One block (period) of an experiment, as night indices ``[start, end)``; its first
    ``washout`` nights are not counted (carry-over). ``randomized``: the experiment's
    order came from a recorded seed and is counterbalanced (otherwise its evidence is
    uncontrolled, however neat the order). ``rule``: the decision rule stored with the
    experiment (MCID, P(benefit) and P(meaningful) thresholds)."""

    start: int
    end: int
    on: bool
    washout: int = 0
    randomized: bool = False
    rule: tuple[float, float, float] = (0.25, 0.95, 0.8)


class Change(Record):
    """A start or stop of a regimen item or medication inside the diary's span."""

    night: int  # index of the first night in the new state
    item: str
    kind: Literal["start", "stop"]
    source: Literal["regimen", "medication"]


class MedicationSeries(Record):
    """A medicine's use over the span; ``cramp_note`` says why it is linked with cramps
    (from the knowledge base), or is empty when it is not known to be."""

    name: str
    active: BoolArray
    cramp_note: str = ""


class AdherenceSeries(Record):
    """Adherence records of one item: nights with a record, and nights it was taken."""

    recorded: BoolArray
    taken: BoolArray


class DiarySeries(Record):
    """Nightly arrays over the diary's span; see the module docstring."""

    first: date | None
    observed: BoolArray
    counts: FloatArray  # cramps per night; 0 on missing nights (use ``observed``)
    items: tuple[str, ...]
    active: BoolArray  # (nights, items)
    ep_night: IntArray  # night index of every episode
    ep_severity: FloatArray  # NaN where not recorded
    ep_duration: FloatArray  # minutes; NaN where not recorded
    experiments: Mapping[str, tuple[Block, ...]]
    changes: tuple[Change, ...]
    medications: tuple[MedicationSeries, ...]
    adherence: Mapping[str, AdherenceSeries]

    @property
    def n(self) -> int:
        """Nights in the span, observed or not."""
        return int(self.observed.shape[0])

    @property
    def n_observed(self) -> int:
        return int(self.observed.sum())

    def date(self, night: int) -> date:
        if self.first is None:
            raise IndexError("empty diary has no nights")
        return self.first + timedelta(days=int(night))

    def iso(self, night: int) -> str:
        return self.date(night).isoformat()

    def item_changes(self, item: str) -> list[Change]:
        return [c for c in self.changes if c.item == item and c.source == "regimen"]

    def medication(self, name: str) -> MedicationSeries | None:
        return next((m for m in self.medications if m.name == name), None)

    def state_matrix(self) -> BoolArray:
        """Regimen items and medications in use, one column each (periods split on both)."""
        if not self.medications:
            return self.active
        meds = np.column_stack([m.active for m in self.medications])
        return np.asarray(np.hstack([self.active, meds]), dtype=np.bool_)


#: The series last analysed and its scratch values (see :func:`memo`); one tuple, swapped
#: whole, so that analyses in several threads each keep their own dict.
_MEMO: list[tuple[DiarySeries | None, dict[object, object]]] = [(None, {})]


def memo(series: DiarySeries) -> dict[object, object]:
    """A scratch dict for values computed from ``series`` alone (the same check asked for
    by several parts of one analysis is then computed once). Only the last series keeps
    one: another series gets a fresh dict, which costs a recomputation, never a wrong
    value (the series is compared by identity and held, so its id cannot be reused)."""
    held = _MEMO[0]
    if held[0] is not series:
        held = (series, {})
        _MEMO[0] = held
    return held[1]


def _transitions(
    active: BoolArray, names: Sequence[str], source: Literal["regimen", "medication"]
) -> list[Change]:
    """Starts and stops strictly inside the span (a night before and after exists)."""
    out: list[Change] = []
    if active.shape[0] > 1 and active.shape[1]:
        flips = active[1:] != active[:-1]
        for night0, k in zip(*np.nonzero(flips), strict=True):
            night = int(night0) + 1
            kind: Literal["start", "stop"] = "start" if active[night, k] else "stop"
            out.append(Change(night, names[int(k)], kind, source))
    return out


def make_series(
    first: date | None,
    observed: BoolArray,
    counts: FloatArray,
    regimen: Mapping[str, BoolArray],
    *,
    episodes: tuple[IntArray, FloatArray, FloatArray] | None = None,
    experiments: Mapping[str, Sequence[Block]] | None = None,
    medications: Sequence[MedicationSeries] = (),
    adherence: Mapping[str, AdherenceSeries] | None = None,
) -> DiarySeries:
    """A :class:`DiarySeries` from nightly arrays; experiment blocks override the regimen
    for the nights they cover, and the starts/stops are derived from the arrays."""
    n = int(observed.shape[0])
    exps = {k: tuple(sorted(v, key=lambda b: b.start)) for k, v in (experiments or {}).items()}
    items = tuple(sorted(set(regimen) | set(exps)))
    active = np.zeros((n, len(items)), dtype=np.bool_)
    for k, item in enumerate(items):
        if item in regimen:
            active[:, k] = regimen[item]
        for blk in exps.get(item, ()):
            active[blk.start : blk.end, k] = blk.on
    med_active = (
        np.column_stack([m.active for m in medications])
        if medications
        else np.zeros((n, 0), dtype=np.bool_)
    )
    changes = _transitions(active, items, "regimen") + _transitions(
        med_active, [m.name for m in medications], "medication"
    )
    ep_night, ep_sev, ep_dur = episodes or (
        np.zeros(0, dtype=np.int64),
        np.zeros(0),
        np.zeros(0),
    )
    return DiarySeries(
        first=first,
        observed=observed,
        counts=counts,
        items=items,
        active=active,
        ep_night=ep_night,
        ep_severity=ep_sev,
        ep_duration=ep_dur,
        experiments={k: v for k, v in exps.items() if v},
        changes=tuple(sorted(changes, key=lambda c: (c.night, c.item))),
        medications=tuple(medications),
        adherence=dict(adherence or {}),
    )


def fmt_date(d: date) -> str:
    """``1 Oct 2025`` — unambiguous for readers anywhere (no 10/01 vs 01/10)."""
    return f"{d.day} {d.strftime('%b %Y')}"


def fmt_rate(x: float) -> str:
    """A weekly rate for reading: never a bare "0.00" for a small but non-zero rate."""
    if x < 0.01:
        return "under 0.01"
    return f"{x:.1f}" if x >= 1 else f"{x:.2f}"


def count_noun(n: int, noun: str, plural: str | None = None) -> str:
    """``1 night``, ``2 nights`` (``plural`` for irregular nouns)."""
    return f"{n} {noun if n == 1 else (plural or noun + 's')}"


def item_label(item: str) -> str:
    """Readable item name: ``trigger-point-massage`` → ``trigger-point massage``."""
    parts = item.split("-")
    if len(parts) >= 3:  # keep the first compound together ("trigger-point")
        return "-".join(parts[:2]) + " " + " ".join(parts[2:])
    return item.replace("-", " ")
