"""Plain-language warnings: what the numbers cannot show, and why.

Each warning names the items and dates involved, so a worried reader can check it against
their own memory. The tests behind ``trend`` and ``regression-to-mean`` inflate their
uncertainty by the over-dispersion φ̂ ≥ 1, so clustered bad weeks do not set them off
(simulation test: ≤ 10 % of stationary diaries).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

from crampwise.analysis.checks import (
    MIN_NIGHTS,
    OVERDISPERSED,
    RtmCheck,
    TrendCheck,
    block_order_trend,
)
from crampwise.analysis.effects import COINCIDE_NIGHTS
from crampwise.analysis.result import Caveat, ChangepointResult, EffectResult, PeriodResult
from crampwise.analysis.series import (
    Change,
    DiarySeries,
    count_noun,
    fmt_date,
    fmt_rate,
    item_label,
)
from crampwise.analysis.stats import prob_below

__all__ = [
    "N_OF_1",
    "PLACEBO_SENTENCE",
    "PRIOR_SHIFT_NIGHTS",
    "build_warnings",
    "join_names",
    "prior_shift_sentences",
]

MISSING_SHARE = 0.20
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


def _change_clusters(changes: Sequence[Change]) -> list[list[Change]]:
    """Changes grouped when they fall within 7 nights of the group's first change."""
    clusters: list[list[Change]] = []
    for ch in changes:
        if clusters and ch.night - clusters[-1][0].night <= COINCIDE_NIGHTS:
            clusters[-1].append(ch)
        else:
            clusters.append([ch])
    return [c for c in clusters if len({ch.item for ch in c}) >= 2]


def _describe_cluster(series: DiarySeries, cluster: Sequence[Change]) -> str:
    parts: list[str] = []
    by_key: dict[tuple[str, int], list[str]] = {}
    for ch in cluster:
        by_key.setdefault((ch.kind, ch.night), []).append(ch.item)
    for (kind, night), items in by_key.items():
        verb = "started" if kind == "start" else "stopped"
        both = " all" if len(items) > 2 else (" both" if len(items) == 2 else "")
        parts.append(f"{join_names(items)}{both} {verb} on {fmt_date(series.date(night))}")
    return "; ".join(parts)


def _overlapping(series: DiarySeries) -> list[Caveat]:
    out: list[Caveat] = []
    for cluster in _change_clusters(series.changes):
        items = tuple(dict.fromkeys(ch.item for ch in cluster))
        dates = tuple(sorted({series.iso(ch.night) for ch in cluster}))
        when = fmt_date(series.date(cluster[0].night))
        text = (
            f"{_cap(_describe_cluster(series, cluster))}, so their effects cannot be told "
            f"apart: whatever changed in your cramps after {when} could be due to any of them, "
            "or to none."
        )
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
        out.append(
            f"Your cramps had already become {direction} frequent around "
            f"{fmt_date(_d(cp.night))}, {_gap_words(min(gaps))} before you started "
            f"{item_label(item)}."
        )
    return out


def _before_after(
    series: DiarySeries,
    effects: Sequence[EffectResult],
    changepoints: Sequence[ChangepointResult],
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


def _rtm(series: DiarySeries, rtm: RtmCheck | None) -> list[Caveat]:
    if rtm is None or not rtm.flagged:
        return []
    end = rtm.run_in_end - 1
    rate1 = 7 * rtm.first_events / rtm.first_nights
    rate2 = 7 * rtm.ref_events / max(rtm.ref_nights, 1.0)
    text = (
        f"Your diary starts with a bad spell: {rate1:.1f} cramps a week in the first "
        f"{int(rtm.first_nights)} recorded nights ({fmt_date(series.date(0))} to "
        f"{fmt_date(series.date(end))}), against {rate2:.1f} a week afterwards. "
        "People usually start a diary when cramps are at their worst, and bad spells ease by "
        "themselves ('regression to the mean'), so part of any later improvement would have "
        "happened anyway."
    )
    if rtm.exclude_run_in:
        text += " Those first nights are left out of the estimates of what each item did."
    return [Caveat("regression-to-mean", text, (), (series.iso(0), series.iso(end)))]


def _trend(series: DiarySeries, check: TrendCheck | None) -> list[Caveat]:
    if check is None or not check.flagged:
        return []
    pct = 100.0 * abs(math.exp(check.estimate) - 1.0)
    direction = "less" if check.estimate < 0 else "more"
    text = (
        f"Even during stretches when nothing in your regimen changed, your cramps became "
        f"{direction} frequent over time (about {pct:.0f} % per 4 weeks). Before and after "
        "comparisons partly measure this drift, not the changes you made; the estimates of "
        "what each item did allow for it."
    )
    shared: tuple[str, ...] = ()
    if check.estimate < 0:
        text += " " + PLACEBO_SENTENCE
        shared = (PLACEBO_SENTENCE,)
    dates = (series.iso(0), series.iso(series.n - 1))
    return [Caveat("trend", text, (), dates, shared=shared)]


def _period_effect(series: DiarySeries) -> list[Caveat]:
    out: list[Caveat] = []
    for item, blocks in series.experiments.items():
        check = block_order_trend(series, item)
        if check is None or check.estimate >= 0:
            continue
        if prob_below(0.0, check.estimate, check.se, check.df) < 0.95:
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


def _overdispersion(phi: float | None) -> list[Caveat]:
    if phi is None or phi <= OVERDISPERSED:
        return []
    text = (
        f"Your cramps come in clusters (bad weeks and quiet weeks; dispersion {phi:.1f}, "
        "where 1 would mean evenly random). The ranges shown are widened to allow for it; "
        "without that they would look more certain than they are."
    )
    return [Caveat("overdispersion", text)]


def _missing(series: DiarySeries) -> list[Caveat]:
    missing = series.n - series.n_observed
    if not series.n or missing / series.n <= MISSING_SHARE:
        return []
    first, last = fmt_date(series.date(0)), fmt_date(series.date(series.n - 1))
    text = (
        f"{missing} of the {series.n} nights between {first} and {last} "
        f"{'was' if missing == 1 else 'were'} not recorded "
        f"({100 * missing / series.n:.0f} %). Missing nights are left out, never counted as "
        "cramp-free, but if the nights you skipped differ from the ones you recorded, the "
        "rates can be off."
    )
    return [Caveat("missing-nights", text, (), (series.iso(0), series.iso(series.n - 1)))]


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
    trend: TrendCheck | None,
    rtm: RtmCheck | None,
    phi: float | None,
) -> list[Caveat]:
    """All warnings, the most important (what misleads most) first."""
    return [
        *_overlapping(series),
        *_no_comparison(effects),
        *_before_after(series, effects, changepoints),
        *_rtm(series, rtm),
        *_trend(series, trend),
        *_period_effect(series),
        *_changepoints(series, changepoints),
        *_overdispersion(phi),
        *_missing(series),
        *_too_few(periods, effects),
    ]
