"""Regression to the mean: bad spells just before a start, and the nights left out.

People start a diary, and start a remedy, when cramps are at their worst; a bad spell
eases by itself, so a "before" that ends in a flare makes anything look like it helped.

* **Check** (stats-methods §2.7b): at the diary's start and before every start of a
  regimen item, windows of w ∈ {7, 14, 28, 42, 56} nights are compared with the longer run
  of the same regimen before them (or, when the diary opened only shortly before the
  start, with the nights after it); the exact Gamma–Poisson probability that the window's
  rate is higher, on effective counts S/φ, n/φ with the long-run dispersion φ ≥ 1 (spells
  that last make windows noisier), Bonferroni over all windows and starts, and a ratio ≥ 1.5.
* **Sensitivity** (every time, flagged or not: a flare too short or too noisy to be
  flagged still inflates the "before"): the first 28 nights of the diary and, before every
  start, half the regimen period before it (at least 14 nights, at most 42; or the
  flagged spell, if longer) are left out. The exclusion never
  removes all of a diary's cramps: then there is no sensitivity result, and the verdict
  cannot rest on it.
"""

from __future__ import annotations

import numpy as np

from crampwise._record import Record
from crampwise.analysis.series import BoolArray, DiarySeries, IntArray, memo
from crampwise.analysis.stats import JEFFREYS_SHAPE, prob_rate_ratio_below

__all__ = [
    "LEAVE_OUT_AT_DIARY_START",
    "LEAVE_OUT_BEFORE_START",
    "Flare",
    "find_flares",
    "leave_out_before",
    "period_starts",
    "sensitivity_mask",
]

WINDOWS = (7, 14, 28, 42, 56)
LEAVE_OUT_BEFORE_START = 14
LEAVE_OUT_MAX = 42
LEAVE_OUT_AT_DIARY_START = 28
MIN_REFERENCE = 28  # observed nights in the longer run the window is compared with
AFTER_REFERENCE = 182  # at most this many nights after a start, when that is the reference
FLARE_ALPHA = 0.01  # family-wise, over all windows and starts of a diary
FLARE_RATIO = 1.5
AFTER_RATIO = 2.5  # against the nights after a start, a working item alone gives a ratio


class Flare(Record):
    """A window that ran well above the longer run around it."""

    item: str | None  # None = the diary's start
    start: int  # night the item started (0 for the diary's start)
    first: int  # first night of the window
    end: int  # first night after the window
    events: float
    nights: float
    ref_events: float
    ref_nights: float
    p_higher: float
    reference: str  # "before", "after" or "rest" (diary start: the rest of its first period)

    @property
    def ratio(self) -> float:
        return (self.events / max(self.nights, 1.0)) / max(
            self.ref_events / max(self.ref_nights, 1.0), 1e-9
        )


def period_starts(series: DiarySeries) -> IntArray:
    """Night index of the start of the regimen/medication period of every night."""
    states = series.state_matrix()
    start = np.zeros(series.n, dtype=np.int64)
    if series.n > 1 and states.shape[1]:
        flips = np.any(states[1:] != states[:-1], axis=1)
        marks = np.concatenate([[0], np.nonzero(flips)[0] + 1])
        idx = np.zeros(series.n, dtype=np.int64)
        idx[marks[1:]] = 1
        start = marks[np.cumsum(idx)]
    return start


def _sums(series: DiarySeries, lo: int, hi: int) -> tuple[float, float]:
    lo, hi = max(lo, 0), min(hi, series.n)
    if hi <= lo:
        return 0.0, 0.0
    running = _running(series)
    if running is None:
        return float(series.counts[lo:hi].sum()), float(series.observed[lo:hi].sum())
    cramps, nights = running
    return cramps[hi] - cramps[lo], nights[hi] - nights[lo]


def _running(series: DiarySeries) -> tuple[list[float], list[float]] | None:
    """Running totals of cramps and recorded nights, when counts are whole numbers: sums
    of whole numbers below 2⁵³ are exact in any order, so a difference of two running
    totals is the slice's sum, the same number (hundreds of windows are summed)."""
    found = memo(series).get("rtm_running", _running)
    if found is _running:
        counts = series.counts
        exact = bool(np.all(counts == np.floor(counts))) and float(np.abs(counts).sum()) < 2.0**52
        found = (
            (
                [0.0, *np.cumsum(counts, dtype=np.float64).tolist()],
                [0.0, *np.cumsum(series.observed, dtype=np.float64).tolist()],
            )
            if exact
            else None
        )
        memo(series)["rtm_running"] = found
    return found  # type: ignore[return-value]


def _candidates(series: DiarySeries) -> list[tuple[str | None, int, int, int, str, int, int]]:
    """(item, start, window first, window end, reference kind, ref lo, ref hi) to test."""
    out: list[tuple[str | None, int, int, int, str, int, int]] = []
    pstart = period_starts(series)
    # The diary's start: first w nights against the rest of the first period.
    first_end = int(np.argmax(pstart > 0)) if np.any(pstart > 0) else series.n
    for w in WINDOWS:
        if first_end - w >= MIN_REFERENCE:
            out.append((None, 0, 0, w, "rest", w, first_end))
    for ch in series.changes:
        if ch.kind != "start" or ch.source != "regimen":
            continue
        s = ch.night
        p0 = int(pstart[s - 1])
        for w in WINDOWS:
            lo = s - w
            if lo < p0:
                break
            if _sums(series, p0, lo)[1] >= MIN_REFERENCE:
                out.append((ch.item, s, lo, s, "before", p0, lo))
            elif p0 == 0:  # the diary opened shortly before this start: compare with after
                out.append((ch.item, s, lo, s, "after", s, s + AFTER_REFERENCE))
    return out


def find_flares(series: DiarySeries, phi: float) -> list[Flare]:
    """Windows that ran well above the longer run (one per start: the longest flagged)."""
    cands = _candidates(series)
    f = max(phi, 1.0)
    level = 1.0 - FLARE_ALPHA / max(len(cands), 1)
    best: dict[tuple[str | None, int], Flare] = {}
    for item, start, lo, hi, kind, rlo, rhi in cands:
        s1, n1 = _sums(series, lo, hi)
        s2, n2 = _sums(series, rlo, rhi)
        bar = FLARE_RATIO if kind != "after" else AFTER_RATIO
        if n1 < (hi - lo) / 2 or n2 <= 0 or s1 < 3 or s1 * n2 < bar * s2 * n1:
            continue  # (too few nights or cramps, or not even the ratio: no test needed)
        a1, b1 = JEFFREYS_SHAPE + s1 / f, n1 / f
        a2, b2 = JEFFREYS_SHAPE + s2 / f, n2 / f
        p_higher = 1.0 - prob_rate_ratio_below(1.0, a1, b1, a2, b2)
        flare = Flare(item, start, lo, hi, s1, n1, s2, n2, p_higher, kind)
        if p_higher >= level and flare.ratio >= bar:
            best.setdefault((item, start), flare)
    # Once a start is flagged, leave out the whole spell: the longest window still well
    # above its reference (a significant 4-week window inside a 6-week spell would leave
    # two bad weeks in the "before").
    out: list[Flare] = []
    for key, found in best.items():
        spell = found
        for item, start, lo, hi, kind, rlo, rhi in cands:
            if (item, start) != key or hi - lo <= spell.end - spell.first:
                continue
            s1, n1 = _sums(series, lo, hi)
            s2, n2 = _sums(series, rlo, rhi)
            wider = Flare(item, start, lo, hi, s1, n1, s2, n2, found.p_higher, kind)
            if n1 >= (hi - lo) / 2 and n2 > 0 and wider.ratio >= FLARE_RATIO:
                spell = wider
        out.append(spell)
    return sorted(out, key=lambda fl: (fl.start, fl.item or ""))


def leave_out_before(start: int, period_start: int) -> int:
    """Nights left out before a start: half the regimen period before it, at least 14
    and at most 42 (a long "before" can spare more; a 4-week off block keeps half)."""
    return min(LEAVE_OUT_MAX, max(LEAVE_OUT_BEFORE_START, (start - period_start) // 2))


def sensitivity_mask(series: DiarySeries, flares: list[Flare], item: str) -> BoolArray | None:
    """Observed nights for ``item``'s result "without the weeks before each start": the
    diary's first weeks, the weeks before each start of ``item``, and every flagged spell.

    None when that would leave no cramps (never remove all of a diary's cramps).
    """
    keep = series.observed.copy()
    keep[:LEAVE_OUT_AT_DIARY_START] = False
    pstart = period_starts(series)
    for ch in series.item_changes(item):
        if ch.kind == "start":
            w = leave_out_before(ch.night, int(pstart[ch.night - 1]))
            keep[max(ch.night - w, 0) : ch.night] = False
    for fl in flares:
        keep[fl.first : fl.end] = False
    if float(series.counts[keep].sum()) <= 0.0:
        return None
    return keep
