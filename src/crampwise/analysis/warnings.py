"""Plain-language warnings: what the numbers cannot show, and why.

Each warning names the items, medicines and dates involved, so a worried reader can check
it against their own memory. The statistical ones (``trend``, ``regression-to-mean``,
``changepoint-without-change``, ``missing-nights`` on/off) are calibrated on simulated
diaries: ≤ 5 % false alarms each on stationary diaries (tests/test_calibration.py).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

import numpy as np

from crampwise.analysis.caveats import (
    low_adherence_caveats,
    medication_caveats,
    missing_caveats,
    seasonal_caveats,
)
from crampwise.analysis.checks import (
    COINCIDE_NIGHTS,
    OVERDISPERSED,
    block_order_trend,
    coincide,
)
from crampwise.analysis.effects import Fits
from crampwise.analysis.model import ModelFit, within_period_slope
from crampwise.analysis.result import (
    Caveat,
    ChangepointResult,
    EffectResult,
    PeriodResult,
)
from crampwise.analysis.rtm import Flare
from crampwise.analysis.series import (
    Change,
    DiarySeries,
    count_noun,
    fmt_date,
    fmt_rate,
    item_label,
)
from crampwise.analysis.special import chi2_sf, ndtr

__all__ = [
    "N_OF_1",
    "PLACEBO_SENTENCE",
    "PRIOR_SHIFT_NIGHTS",
    "build_warnings",
    "explanations",
    "join_names",
    "prior_shift_sentences",
    "trend_flagged",
]

MIN_NIGHTS = 14  # a period or comparison side with fewer recorded nights says little
TREND_P = 0.02  # the whole drift (Wald, widened covariance) or the slope inside periods
TREND_FACTOR = 1.5  # ... and the fitted drift changes the rate at least 1.5-fold
OVERDISPERSION_P = 0.01  # φ̂ > 1.5 must also be beyond the 1 % tail of Pearson's χ²
# A shift with no regimen change nearby, at most this many nights before an item started,
# is named in that item's line and warning: the "before" already included the shift.
PRIOR_SHIFT_NIGHTS = 56

N_OF_1 = (
    "The way to know is a randomized N-of-1 trial: the item on for some weeks and off for "
    "others, in a balanced random order (on/off blocks), recording every night."
)
PLACEBO_SENTENCE = (
    "Cramps also fade by themselves: in trials of cramp treatments, people taking dummy "
    "pills had about 29 % fewer cramps after 4 weeks (Cochrane magnesium review CD009402, "
    "placebo groups −28.7 %)."
)
NATURAL_SHIFTS = (
    "Shifts like this also happen naturally, which is one more reason to be careful "
    "about crediting (or blaming) a supplement for a change."
)
_NUMBER_WORDS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight")


def join_names(names: Sequence[str]) -> str:
    """``a``, ``a and b``, ``a, b and c``."""
    labels = [item_label(n) for n in names]
    if len(labels) <= 1:
        return "".join(labels)
    return ", ".join(labels[:-1]) + " and " + labels[-1]


def _cap(text: str) -> str:
    return str(text[:1].upper() + text[1:])


def _change_clusters(series: DiarySeries) -> list[list[Change]]:
    """Changes that cannot be told apart (within 14 nights, or no recorded nights between),
    chained; only clusters of two or more different items or medicines."""
    clusters: list[list[Change]] = []
    changes = [c for c in series.changes if c.item not in series.experiments]
    for ch in changes:
        if clusters and any(coincide(series, ch, o) for o in clusters[-1]):
            clusters[-1].append(ch)
        else:
            clusters.append([ch])
    return [c for c in clusters if len({ch.item for ch in c}) >= 2]


def _name(series: DiarySeries, name: str) -> str:
    return f"the medicine {name}" if series.medication(name) is not None else item_label(name)


def _describe_cluster(series: DiarySeries, cluster: Sequence[Change]) -> str:
    parts: list[str] = []
    by_key: dict[tuple[str, int], list[str]] = {}
    for ch in cluster:
        by_key.setdefault((ch.kind, ch.night), []).append(ch.item)
    for (kind, night), items in by_key.items():
        verb = "started" if kind == "start" else "stopped"
        both = " all" if len(items) > 2 else (" both" if len(items) == 2 else "")
        names = [_name(series, i) for i in items]
        joined = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
        parts.append(f"{joined}{both} {verb} on {fmt_date(series.date(night))}")
    return "; ".join(parts)


def _overlapping(series: DiarySeries) -> list[Caveat]:
    out: list[Caveat] = []
    for cluster in _change_clusters(series):
        items = tuple(dict.fromkeys(ch.item for ch in cluster))
        dates = tuple(sorted({series.iso(ch.night) for ch in cluster}))
        when = fmt_date(series.date(cluster[0].night))
        apart = max(ch.night for ch in cluster) - min(ch.night for ch in cluster)
        why = (
            "with no recorded nights to separate them"
            if apart > COINCIDE_NIGHTS
            else "too close together"
        )
        text = (
            f"{_cap(_describe_cluster(series, cluster))}: {why}, so their effects cannot be "
            f"told apart: whatever changed in your cramps after {when} could be due to any "
            "of them, or to none."
        )
        notes = [m.cramp_note for m in series.medications if m.name in items and m.cramp_note]
        if notes:
            text += " " + _cap("; ".join(notes)) + "."
        out.append(Caveat("overlapping-changes", text, items, dates))
    return out


def _gap_words(nights: int) -> str:
    """``10 nights``, ``three weeks``, ``about three weeks``."""
    if nights < 14:
        return count_noun(nights, "night")
    weeks = round(nights / 7)
    word = _NUMBER_WORDS[weeks] if weeks < len(_NUMBER_WORDS) else str(weeks)
    return f"{'' if nights == 7 * weeks else 'about '}{word} weeks"


def prior_shift_sentences(
    series: DiarySeries, changepoints: Sequence[ChangepointResult], item: str
) -> list[str]:
    """Shifts with no regimen change nearby that came shortly before ``item`` started.

    Such a shift means the nights "before" the item were already changing by themselves
    (at most :data:`PRIOR_SHIFT_NIGHTS` nights before a start of the item).
    """
    out: list[str] = []
    starts = [c.night for c in series.item_changes(item) if c.kind == "start"]
    for cp in changepoints:
        if cp.near_change or cp.rate_before is None or cp.rate_after is None:
            continue
        if series.first is None or cp.rate_before == cp.rate_after:
            continue
        night = (_d(cp.night) - series.first).days
        gaps = [s - night for s in starts if 0 < s - night <= PRIOR_SHIFT_NIGHTS]
        if not gaps:
            continue
        direction = "less" if cp.rate_after < cp.rate_before else "more"
        opening = direction == "less" and cp is changepoints[0]
        out.append(
            f"Your cramps had already become {direction} frequent around "
            f"{fmt_date(_d(cp.night))}, {_gap_words(min(gaps))} before you started "
            f"{item_label(item)}"
            + (
                f", when the bad spell your diary opened with (about "
                f"{fmt_rate(cp.rate_before)} a week) eased."
                if opening
                else "."
            )
        )
    return out


def explanations(series: DiarySeries, item: str, fits: Fits) -> list[str]:
    """What else may partly explain a change seen with ``item``: the bad spell the diary
    opened with (when it lies before the item's first start) and a flagged drift."""
    starts = [c.night for c in series.item_changes(item) if c.kind == "start"]
    opening = [f for f in fits.flares if f.item is None]
    parts: list[str] = []
    if opening and starts and opening[0].end <= starts[0]:
        parts.append(
            f"the bad spell your diary opened with ({fmt_date(series.date(opening[0].first))} "
            f"to {fmt_date(series.date(opening[0].end - 1))})"
        )
    if fits.trend_flagged and fits.main is not None:
        curve = fits.main.trend_curve()
        obs = np.nonzero(series.observed)[0]
        fading = curve[int(obs[-1])] < curve[int(obs[0])]
        parts.append(f"the way your cramps {'faded' if fading else 'grew'} over the whole diary")
    if not parts:
        return []
    return [
        f"{_cap(' and '.join(parts))} may partly explain the change seen with {item_label(item)}."
    ]


def _before_after(
    series: DiarySeries,
    effects: Sequence[EffectResult],
    changepoints: Sequence[ChangepointResult],
    fits: Fits,
) -> list[Caveat]:
    out: list[Caveat] = []
    for eff in effects:
        if eff.evidence != "uncontrolled" or eff.rate_ratio.estimate is None:
            continue
        changes = series.item_changes(eff.item)
        what = "; ".join(
            f"{'started' if c.kind == 'start' else 'stopped'} on {fmt_date(series.date(c.night))}"
            for c in changes
        )
        prior = prior_shift_sentences(series, changepoints, eff.item)
        prior += explanations(series, eff.item, fits)
        text = " ".join(
            [
                f"{_cap(item_label(eff.item))} {what}.",
                *prior,
                f"Its numbers compare the nights before and after, which cannot show what "
                f"{item_label(eff.item)} itself did.",
                PLACEBO_SENTENCE,
                N_OF_1,
            ]
        )
        out.append(
            Caveat(
                "uncontrolled-before-after",
                text,
                (eff.item,),
                tuple(series.iso(c.night) for c in changes),
                shared=(*prior, PLACEBO_SENTENCE, N_OF_1),
            )
        )
    return out


def _rtm(
    series: DiarySeries, flares: Sequence[Flare], effects: Sequence[EffectResult]
) -> list[Caveat]:
    out: list[Caveat] = []
    for fl in flares:
        rate1 = 7 * fl.events / max(fl.nights, 1.0)
        rate2 = 7 * fl.ref_events / max(fl.ref_nights, 1.0)
        span = f"{fmt_date(series.date(fl.first))} to {fmt_date(series.date(fl.end - 1))}"
        ref = {"before": "in the months before", "after": "afterwards", "rest": "afterwards"}
        if fl.item is None:
            head = f"Your diary starts with a bad spell: {rate1:.1f} cramps a week ({span})"
        else:
            head = (
                f"The weeks just before you started {item_label(fl.item)} on "
                f"{fmt_date(series.date(fl.start))} were a bad spell: {rate1:.1f} cramps a "
                f"week ({span})"
            )
        text = (
            f"{head}, against {rate2:.1f} a week {ref[fl.reference]}. People usually start "
            "a diary, or a remedy, when cramps are at their worst, and bad spells ease by "
            "themselves ('regression to the mean'), so part of any later improvement would "
            "have happened anyway. Each item's effect is also shown without those weeks; a "
            "'benefit' stands only if it holds there too."
        )
        items = tuple(e.item for e in effects if fl.item is None or e.item == fl.item)
        items = items if fl.item is None else (fl.item,)
        out.append(
            Caveat(
                "regression-to-mean",
                text,
                items if fl.item is not None else (),
                (series.iso(fl.first), series.iso(fl.end - 1)),
            )
        )
    return out


def trend_flagged(series: DiarySeries, model: ModelFit | None) -> bool:
    """A clear (p < 0.01) and sizeable (≥ 1.5-fold over the diary) drift: the shared
    spline of the model, or the slope inside periods of constant regimen."""
    if model is None or not model.trend_cols:
        return False
    obs = np.nonzero(series.observed)[0]
    p = model.trend_p()
    if (
        p is not None
        and p < TREND_P
        and math.exp(float(np.ptp(model.trend_curve()[obs]))) >= TREND_FACTOR
    ):
        return True
    slope = within_period_slope(series, series.observed)
    if slope is None or slope[1] <= 0:
        return False
    est, se = slope
    p_two = 2.0 * ndtr(-abs(est) / se)
    size = math.exp(abs(est) * (obs[-1] - obs[0]) / 28.0)
    return p_two < TREND_P and size >= TREND_FACTOR


def _trend(series: DiarySeries, model: ModelFit | None, flagged: bool) -> list[Caveat]:
    if not flagged or model is None:
        return []
    curve = model.trend_curve()
    obs = np.nonzero(series.observed)[0]
    first, last = int(obs[0]), int(obs[-1])
    change = math.exp(float(curve[last] - curve[first]))
    direction = "less" if change < 1 else "more"
    factor = 1.0 / change if change < 1 else change
    if factor >= 10:
        how = f"more than ten times {direction} frequent by the end than at the start"
    elif factor >= 1.5:
        how = f"about {factor:.1f} times {direction} frequent by the end than at the start"
    else:
        how = "more or less frequent for a while, then changed back"
    text = (
        f"Apart from the changes you made, your cramps drifted over the diary: they became "
        f"{how} ({fmt_date(series.date(first))} to {fmt_date(series.date(last))}). Before "
        "and after comparisons partly measure such a drift; the estimates of what each item "
        "did allow for it (each item is compared with the drift around its own changes, "
        "which makes its range wider)."
    )
    shared: tuple[str, ...] = ()
    if change < 1:
        text += " " + PLACEBO_SENTENCE
        shared = (PLACEBO_SENTENCE,)
    dates = (series.iso(first), series.iso(last))
    return [Caveat("trend", text, (), dates, shared=shared)]


def _period_effect(series: DiarySeries) -> list[Caveat]:
    out: list[Caveat] = []
    for item, blocks in series.experiments.items():
        check = block_order_trend(series, item)
        if check is None or not check.flagged:
            continue
        pct = 100.0 * (1.0 - math.exp(check.estimate))
        text = (
            f"In your {item_label(item)} experiment, later blocks had fewer cramps than earlier "
            f"ones whether {item_label(item)} was on or off (about {pct:.0f} % fewer per block). "
            "Crossover trials of cramp treatments saw the same: everyone improved over time, "
            "whatever they took. Balanced block orders (on-off-off-on) keep the comparison fair, "
            "but the improvement itself is not proof that anything worked."
        )
        out.append(
            Caveat(
                "period-effect",
                text,
                (item,),
                (series.iso(blocks[0].start), series.iso(blocks[-1].end - 1)),
            )
        )
    return out


def _nearest_change(series: DiarySeries, night: int) -> str:
    if not series.changes:
        return ""
    ch = min(series.changes, key=lambda c: abs(c.night - night))
    verb = "started" if ch.kind == "start" else "stopped"
    gap = abs(ch.night - night)
    side = "earlier" if ch.night < night else "later"
    return (
        f" The nearest change was {item_label(ch.item)}, which {verb} on "
        f"{fmt_date(series.date(ch.night))}, {count_noun(gap, 'night')} {side}."
    )


def _changepoints(series: DiarySeries, changepoints: Sequence[ChangepointResult]) -> list[Caveat]:
    out: list[Caveat] = []
    for cp in changepoints:
        if cp.near_change or cp.rate_before is None or cp.rate_after is None:
            continue
        night = (_d(cp.night) - series.date(0)).days
        text = (
            f"Your cramp rate seems to have changed around {fmt_date(_d(cp.night))} (from about "
            f"{fmt_rate(cp.rate_before)} to {fmt_rate(cp.rate_after)} a week), but nothing in "
            f"your regimen changed within a week of it.{_nearest_change(series, night)} "
            f"{NATURAL_SHIFTS}"
        )
        out.append(
            Caveat("changepoint-without-change", text, (), (cp.night,), shared=(NATURAL_SHIFTS,))
        )
    return out


def _overdispersion(phi: float | None, df: float | None) -> list[Caveat]:
    """φ̂ > 1.5 and more than chance: Pearson χ² = φ̂·df beyond its 1 % tail (a short
    diary's φ̂ wanders past 1.5 by itself)."""
    if phi is None or phi <= OVERDISPERSED or df is None or df <= 0:
        return []
    if chi2_sf(phi * df, df) >= OVERDISPERSION_P:
        return []
    text = (
        f"Your cramps come in clusters (bad weeks and quiet weeks; dispersion {phi:.1f}, "
        "where 1 would mean evenly random). The ranges shown are widened to allow for it; "
        "without that they would look more certain than they are."
    )
    return [Caveat("overdispersion", text)]


def _too_few(periods: Sequence[PeriodResult], effects: Sequence[EffectResult]) -> list[Caveat]:
    out: list[Caveat] = []
    for p in periods:
        if p.nights >= MIN_NIGHTS:
            continue
        who = join_names(p.active) if p.active else "no regimen items"
        span = fmt_date(_d(p.start))
        if p.end != p.start:
            span += f" to {fmt_date(_d(p.end))}"
        text = (
            f"The period {span} ({who}) has only {count_noun(p.nights, 'recorded night')}; "
            "its rate is very uncertain."
        )
        out.append(Caveat("too-few-nights", text, p.active, (p.start, p.end)))
    for eff in effects:
        if eff.rate_ratio.estimate is None or min(eff.nights_on, eff.nights_off) >= MIN_NIGHTS:
            continue
        text = (
            f"The estimate for {item_label(eff.item)} rests on "
            f"{count_noun(eff.nights_on, 'recorded night')} with it and {eff.nights_off} "
            f"without; fewer than {MIN_NIGHTS} on either side cannot say much."
        )
        out.append(Caveat("too-few-nights", text, (eff.item,)))
    return out


def _d(iso: str) -> date:
    return date.fromisoformat(iso)


def _no_comparison(effects: Sequence[EffectResult]) -> list[Caveat]:
    out: list[Caveat] = []
    for eff in effects:
        if eff.verdict == "not-identifiable" and eff.joint is None and eff.note:
            out.append(Caveat("not-identifiable", _cap(eff.note), (eff.item,)))
    return out


def build_warnings(
    series: DiarySeries,
    *,
    periods: Sequence[PeriodResult],
    effects: Sequence[EffectResult],
    changepoints: Sequence[ChangepointResult],
    fits: Fits,
    phi: float | None,
) -> list[Caveat]:
    """All warnings, the most important (what misleads most) first."""
    return [
        *_overlapping(series),
        *_no_comparison(effects),
        *medication_caveats(series),
        *_before_after(series, effects, changepoints, fits),
        *_rtm(series, fits.flares, effects),
        *_trend(series, fits.main, fits.trend_flagged),
        *seasonal_caveats(series, effects),
        *missing_caveats(series, fits, effects),
        *low_adherence_caveats(effects),
        *_period_effect(series),
        *_changepoints(series, changepoints),
        *_overdispersion(phi, None if fits.main is None else fits.main.df),
        *_too_few(periods, effects),
    ]
