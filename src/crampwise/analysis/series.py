"""Turn a ``crampwise-diary`` v1 document into nightly arrays.

Everything downstream works on :class:`DiarySeries`: one row per night of the diary's span
(first to last observed night), an *observed* mask (missing nights are never zeros), the
cramp count per night, and which regimen items were active each night. A regimen entry is
active from its ``start`` (inclusive) to its ``end`` (exclusive, the first day without it);
randomized experiment blocks (optional top-level ``experiments`` key, not yet in format v1)
override the regimen for the nights they cover.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any, Literal

import numpy as np
import numpy.typing as npt

from crampwise.errors import InputError

__all__ = [
    "Block",
    "BoolArray",
    "Change",
    "DiarySeries",
    "FloatArray",
    "IntArray",
    "build_series",
    "count_noun",
    "fmt_date",
    "fmt_rate",
    "item_label",
]

FloatArray = npt.NDArray[np.float64]
BoolArray = npt.NDArray[np.bool_]
IntArray = npt.NDArray[np.int64]


@dataclass(frozen=True)
class Block:
    """One block of a randomized experiment, as night indices ``[start, end)``."""

    start: int
    end: int
    on: bool


@dataclass(frozen=True)
class Change:
    """A start or stop of a regimen item or medication inside the diary's span."""

    night: int  # index of the first night in the new state
    item: str
    kind: Literal["start", "stop"]
    source: Literal["regimen", "medication"]


@dataclass(frozen=True, eq=False)
class DiarySeries:
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


def _parse_date(value: Any, path: str) -> date:
    try:
        return date.fromisoformat(value)
    except (TypeError, ValueError):
        raise InputError(path, f"expected a date YYYY-MM-DD, got {value!r}") from None


def _optional_float(value: Any) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        return float("nan")
    return float(value)


def _observed_counts(doc: Mapping[str, Any]) -> tuple[dict[date, int], list[tuple[date, Any]]]:
    """Cramp count per observed night, plus the episodes with their nights."""
    episodes: list[tuple[date, Any]] = []
    per_night: dict[date, int] = {}
    for i, ep in enumerate(doc.get("episodes") or []):
        night = _parse_date(ep.get("night"), f"episodes[{i}].night")
        episodes.append((night, ep))
        per_night[night] = per_night.get(night, 0) + 1
    counts = dict(per_night)
    for i, rec in enumerate(doc.get("nights") or []):
        night = _parse_date(rec.get("date"), f"nights[{i}].date")
        given = rec.get("cramps")
        if given is None:
            counts.setdefault(night, 0)
            continue
        if isinstance(given, bool) or not isinstance(given, int) or given < 0:
            raise InputError(f"nights[{i}].cramps", f"expected a whole number ≥ 0, got {given!r}")
        if night in per_night and per_night[night] != given:
            raise InputError(
                f"nights[{i}].cramps",
                f"{given} cramps but {per_night[night]} episodes recorded for {night}",
            )
        counts[night] = given
    return counts, episodes


def _span_index(d: date | None, first: date, n: int, default: int) -> int:
    if d is None:
        return default
    return min(max((d - first).days, 0), n)


def _regimen_activity(
    doc: Mapping[str, Any], first: date, n: int
) -> tuple[tuple[str, ...], BoolArray]:
    entries = doc.get("regimen") or []
    items = tuple(sorted({str(e.get("item")) for e in entries}))
    active = np.zeros((n, len(items)), dtype=np.bool_)
    col = {item: k for k, item in enumerate(items)}
    for i, e in enumerate(entries):
        start = e.get("start")
        end = e.get("end")
        s = _span_index(
            _parse_date(start, f"regimen[{i}].start") if start is not None else None, first, n, 0
        )
        t = _span_index(
            _parse_date(end, f"regimen[{i}].end") if end is not None else None, first, n, n
        )
        if t > s:
            active[s:t, col[str(e.get("item"))]] = True
    return items, active


def _experiment_blocks(doc: Mapping[str, Any], first: date, n: int) -> dict[str, tuple[Block, ...]]:
    """Read the optional ``experiments`` key; block ``end`` is exclusive like regimen ``end``."""
    out: dict[str, tuple[Block, ...]] = {}
    for i, exp in enumerate(doc.get("experiments") or []):
        item = str(exp.get("item"))
        blocks: list[Block] = []
        for j, b in enumerate(exp.get("blocks") or []):
            path = f"experiments[{i}].blocks[{j}]"
            cond = b.get("condition")
            if cond not in ("on", "off"):
                raise InputError(f"{path}.condition", f"expected 'on' or 'off', got {cond!r}")
            s = _span_index(_parse_date(b.get("start"), f"{path}.start"), first, n, 0)
            t = _span_index(_parse_date(b.get("end"), f"{path}.end"), first, n, n)
            if t > s:
                blocks.append(Block(s, t, cond == "on"))
        if blocks:
            out[item] = tuple(sorted(blocks, key=lambda blk: blk.start))
    return out


def _changes(
    doc: Mapping[str, Any], items: Sequence[str], active: BoolArray, first: date
) -> tuple[Change, ...]:
    """Transitions strictly inside the span: there must be a night before and after."""
    n = active.shape[0]
    changes: list[Change] = []
    if n > 1:
        flips = active[1:] != active[:-1]
        for night0, k in zip(*np.nonzero(flips), strict=True):
            night = int(night0) + 1
            kind: Literal["start", "stop"] = "start" if active[night, k] else "stop"
            changes.append(Change(night, items[int(k)], kind, "regimen"))
    for i, med in enumerate(doc.get("medications") or []):
        name = str(med.get("name"))
        for key, kind2 in (("start", "start"), ("end", "stop")):
            value = med.get(key)
            if value is None:
                continue
            night = (_parse_date(value, f"medications[{i}].{key}") - first).days
            if 0 < night < n:
                changes.append(Change(night, name, kind2, "medication"))  # type: ignore[arg-type]
    return tuple(sorted(changes, key=lambda c: (c.night, c.item)))


def build_series(doc: Mapping[str, Any]) -> DiarySeries:
    """Build the nightly arrays from a (valid) ``crampwise-diary`` v1 dict."""
    counts_by_night, episodes = _observed_counts(doc)
    if not counts_by_night:
        empty_b = np.zeros(0, dtype=np.bool_)
        return DiarySeries(
            first=None,
            observed=empty_b,
            counts=np.zeros(0),
            items=(),
            active=np.zeros((0, 0), dtype=np.bool_),
            ep_night=np.zeros(0, dtype=np.int64),
            ep_severity=np.zeros(0),
            ep_duration=np.zeros(0),
            experiments={},
            changes=(),
        )
    first = min(counts_by_night)
    n = (max(counts_by_night) - first).days + 1
    observed = np.zeros(n, dtype=np.bool_)
    counts = np.zeros(n)
    for night, c in counts_by_night.items():
        observed[(night - first).days] = True
        counts[(night - first).days] = c
    items, active = _regimen_activity(doc, first, n)
    experiments = _experiment_blocks(doc, first, n)
    extra = tuple(sorted(set(experiments) - set(items)))
    if extra:  # an experiment on an item never in the regimen list
        items = items + extra
        active = np.hstack([active, np.zeros((n, len(extra)), dtype=np.bool_)])
    for item, blocks in experiments.items():
        k = items.index(item)
        for blk in blocks:
            active[blk.start : blk.end, k] = blk.on
    return DiarySeries(
        first=first,
        observed=observed,
        counts=counts,
        items=items,
        active=active,
        ep_night=np.array([(d - first).days for d, _ in episodes], dtype=np.int64),
        ep_severity=np.array([_optional_float(ep.get("severity")) for _, ep in episodes]),
        ep_duration=np.array([_optional_float(ep.get("duration_min")) for _, ep in episodes]),
        experiments=experiments,
        changes=_changes(doc, items, active, first),
    )
