"""``analyze_series``: from nightly arrays to an :class:`AnalysisResult`.

The series is built outside this package (``crampwise.diaryseries`` from the typed
snapshot); ``crampwise.analyze(path_or_dict)`` and ``Tracker.analyze()`` go that way.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from datetime import date

import numpy as np

from crampwise._gcpause import paused_gc
from crampwise._record import replace
from crampwise.analysis.changepoints import detect_changepoints
from crampwise.analysis.checks import OVERDISPERSED, missing_findings
from crampwise.analysis.effects import (
    LOW_ADHERENCE,
    Fits,
    compute_effects,
    effect_columns,
    estimate,
    medication_effects,
    verdict,
)
from crampwise.analysis.model import ModelFit, fit_model
from crampwise.analysis.periods import compute_periods
from crampwise.analysis.result import (
    AnalysisResult,
    Caveat,
    EffectResult,
    NightsSummary,
    PeriodResult,
    Streaks,
)
from crampwise.analysis.rtm import find_flares, sensitivity_mask
from crampwise.analysis.series import (
    BoolArray,
    DiarySeries,
    count_noun,
    fmt_date,
    fmt_rate,
    item_label,
)
from crampwise.analysis.trends import slope_per_year, streaks
from crampwise.analysis.warnings import (
    N_OF_1,
    build_warnings,
    explanations,
    join_names,
    prior_shift_sentences,
    trend_flagged,
)

__all__ = ["MIN_RATE_NIGHTS", "analyze_series", "fit_all"]

# Below this many recorded nights the text gives no rate (the JSON keeps the numbers, with
# their honest, very wide interval): one cramp-free night reading "1.6 a week" alarms.
MIN_RATE_NIGHTS = 7


def _empty_result(series: DiarySeries) -> AnalysisResult:
    msg = (
        "No nights are recorded yet, so there is nothing to analyse. Record every night, "
        "including nights without cramps: they count as much as the bad ones."
    )
    return AnalysisResult(
        nights=NightsSummary(0, 0, None, None),
        periods=(),
        effects=(),
        warnings=(Caveat("no-observed-nights", msg),),
        changepoints=(),
        streaks=Streaks(0, 0),
        cannot_say=(msg,),
        how_to_find_out=(N_OF_1,),
    )


def _names(series: DiarySeries) -> list[str]:
    items = [i for i in series.items if i not in series.experiments]
    return items + [m.name for m in series.medications]


def _fit(
    series: DiarySeries, use: BoolArray, counts: np.ndarray | None = None, *, lean: bool = True
) -> ModelFit | None:
    cols = effect_columns(series, use, _names(series))
    return fit_model(series, use, cols, counts=counts, lean=lean)


def _per_protocol(series: DiarySeries, item: str) -> ModelFit | None:
    """Nights it was taken against nights it was not (on-nights without a record left out)."""
    rec = series.adherence[item]
    on = series.active[:, series.items.index(item)]
    use = series.observed & ~(on & ~rec.recorded)
    taken = rec.recorded & rec.taken
    others = [n for n in _names(series) if n != item]
    cols = effect_columns(series, use, others)
    if taken[use].any() and not taken[use].all():
        cols.append(((item,), taken))
    return fit_model(series, use, cols)


def fit_all(series: DiarySeries) -> Fits:
    """The main fit and every sensitivity fit the verdicts are checked against."""
    main = _fit(series, series.observed, lean=False)
    flares = find_flares(series, 1.0 if main is None else main.long_run_dispersion)
    without: dict[str, ModelFit | None] = {}
    nothing_left: set[str] = set()
    by_mask: dict[bytes, ModelFit | None] = {}
    flagged = {f.item for f in flares}
    for item in series.items:
        if item in series.experiments or main is None:
            continue
        est = estimate(main, item)
        # Needed where a verdict rests on it (a `benefit`) or a flare was flagged before a
        # start of this item (then it is shown beside the main result).
        if est is None or (
            verdict(est.p_benefit, est.p_meaningful) != "benefit"
            and item not in flagged
            and None not in flagged  # a flare at the diary's start: shown for every item
        ):
            continue
        mask = sensitivity_mask(series, flares, item)
        if mask is None:
            nothing_left.add(item)
            without[item] = None
            continue
        key = mask.tobytes()
        if key not in by_mask:
            by_mask[key] = _fit(series, mask)
        without[item] = by_mask[key]
    missing = missing_findings(series)
    zero = None
    if any(f.item is not None for f in missing):
        everything = np.ones(series.n, dtype=np.bool_)
        zero = _fit(series, everything, np.where(series.observed, series.counts, 0.0))
    per_protocol: dict[str, ModelFit | None] = {}
    for item, rec in series.adherence.items():
        if item not in series.items or item in series.experiments:
            continue
        on = series.active[:, series.items.index(item)]
        recorded = int((rec.recorded & on).sum())
        if recorded and int((rec.taken & rec.recorded & on).sum()) / recorded < LOW_ADHERENCE:
            per_protocol[item] = _per_protocol(series, item)
    return Fits(
        main=main,
        without_flares=without,
        flares_all_there_was=nothing_left,
        flares=flares,
        zero_missing=zero,
        missing=missing,
        per_protocol=per_protocol,
        trend_flagged=trend_flagged(series, main),
    )


def analyze_series(series: DiarySeries) -> AnalysisResult:
    """The analysis proper, on nightly arrays (see :class:`DiarySeries`)."""
    with paused_gc():  # no cycles made here (see crampwise._gcpause)
        return _analyze_series(series)


def _analyze_series(series: DiarySeries) -> AnalysisResult:
    if series.n_observed == 0:
        return _empty_result(series)
    fits = fit_all(series)
    effects = compute_effects(series, fits)
    phi = None if fits.main is None else fits.main.dispersion
    widen = phi if phi is not None and phi > OVERDISPERSED else 1.0
    periods = compute_periods(series, widen)
    changepoints = detect_changepoints(series, max(phi or 1.0, 1.0))
    effects = [
        replace(
            e,
            summary=_effect_summary(
                e,
                [
                    *prior_shift_sentences(series, changepoints, e.item),
                    *explanations(series, e.item, fits),
                ],
            ),
        )
        for e in effects
    ]
    warnings = build_warnings(
        series, periods=periods, effects=effects, changepoints=changepoints, fits=fits, phi=phi
    )
    runs = streaks(series)
    return AnalysisResult(
        nights=NightsSummary(
            observed=series.n_observed,
            missing=series.n - series.n_observed,
            first=series.iso(0),
            last=series.iso(series.n - 1),
        ),
        periods=tuple(periods),
        effects=tuple(effects),
        warnings=tuple(warnings),
        changepoints=tuple(changepoints),
        streaks=runs,
        medications=tuple(medication_effects(series, fits)),
        severity_trend=slope_per_year(series, series.ep_severity),
        duration_trend=slope_per_year(series, series.ep_duration),
        dispersion=phi,
        can_say=tuple(_can_say(series, periods, effects, runs)),
        cannot_say=tuple(_cannot_say(effects)),
        how_to_find_out=tuple(_how_to_find_out(effects)),
    )


def _fmt_iso(iso: str | None) -> str:
    return "?" if iso is None else fmt_date(date.fromisoformat(iso))


def _fmt_span(first: str | None, last: str | None) -> str:
    return _fmt_iso(first) if first == last else f"{_fmt_iso(first)} to {_fmt_iso(last)}"


def _pct_fewer(rr: float) -> str:
    change = 100.0 * (1.0 - rr)
    return f"{change:.0f} % fewer" if change >= 0 else f"{-change:.0f} % more"


def _pct_range(rr_low: float, rr_high: float) -> str:
    """The 95 % range of a rate ratio as ``3 % to 81 % fewer`` / ``67 % more to 78 % fewer``."""
    least, most = 100.0 * (1.0 - rr_high), 100.0 * (1.0 - rr_low)  # % fewer
    if least >= 0:
        return f"{least:.0f} % to {most:.0f} % fewer"
    if most < 0:
        return f"{-most:.0f} % to {-least:.0f} % more"
    return f"{-least:.0f} % more to {most:.0f} % fewer"


def _period_sentence(p: PeriodResult) -> str:
    who = f"with {join_names(p.active)}" if p.active else "with no regimen items"
    start, end = fmt_date(date.fromisoformat(p.start)), fmt_date(date.fromisoformat(p.end))
    span = start if p.start == p.end else f"{start} to {end}"
    r = p.rate_per_week
    counted = f"{count_noun(p.cramps, 'cramp')} in {count_noun(p.nights, 'recorded night')}"
    if r.estimate is None or r.low is None or r.high is None:
        return f"{span} ({who}): no recorded nights."
    if p.nights < MIN_RATE_NIGHTS:
        return f"{span} ({who}): {counted}; too few nights to estimate a rate yet — keep recording."
    if r.low < 0.01:
        rng = f"95 % range: at most {fmt_rate(r.high)}"
    else:
        rng = f"95 % range {fmt_rate(r.low)} to {fmt_rate(r.high)}"
    about = "fewer than 0.01" if r.estimate < 0.01 else f"about {fmt_rate(r.estimate)}"
    return f"{span} ({who}): {about} cramps a week ({rng}); {counted}."


def _effect_summary(e: EffectResult, prior_shifts: Sequence[str] = ()) -> str:
    """One plain sentence per item (``effects[].summary``; the text prints it for items with
    an estimate). "Likely helped" is said only of randomized evidence: a before/after
    comparison is described as an observation, never as a cause."""
    name = item_label(e.item)
    rr = e.rate_ratio
    if rr.estimate is None or rr.low is None or rr.high is None or e.p_benefit is None:
        if e.verdict == "not-identifiable":
            return f"{_cap(name)}: its own effect cannot be estimated. {e.note}".strip()
        return f"{_cap(name)}: cannot tell yet. {e.note or 'Not enough data.'}".strip()
    if min(e.nights_on, e.nights_off) < MIN_RATE_NIGHTS:
        return (
            f"{_cap(name)}: too few recorded nights with and without it to compare yet "
            "— keep recording."
        )
    where = "on nights with it"
    if e.adherence is not None and e.adherence < 1.0:
        where = f"in the weeks you were on it (taken on {100 * e.adherence:.0f} % of those nights)"
    observed = (
        f"{_pct_fewer(rr.estimate)} cramps {where} (95 % range: {_pct_range(rr.low, rr.high)})"
    )
    raw = e.unadjusted.estimate
    if (
        e.evidence == "uncontrolled"
        and raw is not None
        and abs(math.log(raw / rr.estimate)) > _DIFFERS
    ):
        observed = (
            f"{_pct_fewer(raw)} cramps {where} than without, comparing the rates as they "
            f"were; but allowing for the slow drift of your cramps over the diary and the "
            f"other changes, {_pct_fewer(rr.estimate)} at its own start or stop "
            f"(95 % range: {_pct_range(rr.low, rr.high)})"
        )
    if e.evidence == "randomized":
        assert e.p_meaningful is not None
        head = {
            "benefit": "likely helped",
            "no-meaningful-benefit": "no worthwhile benefit",
            "inconclusive": "cannot tell yet",
        }[e.verdict]
        return (
            f"{_cap(name)}: {head} (randomized trial): {observed}; chance of any benefit "
            f"{100 * e.p_benefit:.0f} %, of a worthwhile one (at least 25 % fewer) "
            f"{100 * e.p_meaningful:.0f} %."
        )
    caveat = {
        "benefit": (
            f"; this is a before/after comparison, so it cannot show that {name} caused the change."
        ),
        "no-meaningful-benefit": (
            f": no worthwhile drop on those nights (a before/after comparison, which cannot "
            f"show what {name} itself did)."
        ),
        "inconclusive": (
            f": too uncertain to say whether your cramps changed at all, and a before/after "
            f"comparison could not show that {name} caused a change."
        ),
    }[e.verdict]
    if e.held_back:
        caveat = (
            "; this is a before/after comparison, and the diary cannot say more: "
            + "; ".join(_HELD_BACK[r].format(name=name) for r in e.held_back)
            + "."
        )
    return " ".join([f"{_cap(name)}: {observed}{caveat}", *prior_shifts])


_DIFFERS = math.log(1.5)  # a plain and an adjusted rate ratio this far apart are both shown

_HELD_BACK = {
    "too-few-cramps": "with fewer than 5 cramps recorded there is too little to judge",
    "models-disagree": (
        "the plain comparison and the one allowing for a steady change over the blocks disagree"
    ),
    "trend": (
        "your cramps were drifting all along, and the drift and this change cannot be told "
        "apart, so the change is impossible to judge"
    ),
    "seasonal": "you used {name} at the same time each year, so its nights compare seasons",
    "regression-to-mean": (
        "the drop does not hold without the weeks before you started {name} (a bad spell "
        "eases by itself)"
    ),
    "missing-nights": "the drop does not hold if the nights you skipped were cramp-free",
    "low-adherence": (
        "you took {name} on too few of those nights, and the nights you took it show no clear drop"
    ),
}


def _cap(text: str) -> str:
    return text[:1].upper() + text[1:]


def _or_names(items: Sequence[str]) -> str:
    """``a or b``, ``a, b or c``."""
    labels = [item_label(i) for i in items]
    return ", ".join(labels[:-1]) + " or " + labels[-1] if len(labels) > 1 else "".join(labels)


def _can_say(
    series: DiarySeries,
    periods: Sequence[PeriodResult],
    effects: Sequence[EffectResult],
    runs: Streaks,
) -> list[str]:
    missing = series.n - series.n_observed
    first, last = fmt_date(series.date(0)), fmt_date(series.date(series.n - 1))
    out = [
        f"You recorded {count_noun(series.n_observed, 'night')} "
        + (f"on {first}" if series.n == 1 else f"from {first} to {last}")
        + (
            f" ({count_noun(missing, 'night')} missing, left out rather than counted as "
            "cramp-free)."
            if missing
            else "."
        )
    ]
    out += [_period_sentence(p) for p in periods]
    out += [e.summary for e in effects if e.rate_ratio.estimate is not None and e.summary]
    if runs.longest:
        out.append(
            f"Longest run of recorded cramp-free nights: {runs.longest} "
            f"({_fmt_span(runs.longest_start, runs.longest_end)}); "
            f"current run: {runs.current}."
        )
    return out


def _cannot_say(effects: Sequence[EffectResult]) -> list[str]:
    out: list[str] = []
    seen: set[tuple[str, ...]] = set()
    before_after: list[str] = []
    for e in effects:
        if e.verdict == "not-identifiable":
            group = e.joint.items if e.joint is not None else (e.item,)
            if group in seen:
                continue
            seen.add(group)
            if len(group) > 1:
                out.append(
                    f"Which of {join_names(group)} helped, if any: they always changed "
                    "together, so their effects cannot be told apart."
                )
            else:
                out.append(f"What {item_label(e.item)} did: {e.note}")
        elif e.evidence == "uncontrolled" and e.rate_ratio.estimate is not None:
            before_after.append(e.item)
        elif e.verdict == "inconclusive" and e.rate_ratio.estimate is None:
            out.append(f"What {item_label(e.item)} did: {e.note or 'not enough data.'}")
    if len(before_after) == 1:
        out.append(
            f"Whether {item_label(before_after[0])} itself caused the change seen with it: "
            "it is a before/after comparison, and cramps also change by themselves."
        )
    elif before_after:
        out.append(
            f"Whether {_or_names(before_after)} caused the changes "
            "seen with them: these are before/after comparisons, and cramps also change by "
            "themselves."
        )
    return out


def _how_to_find_out(effects: Sequence[EffectResult]) -> list[str]:
    out = [N_OF_1]
    # A before/after "benefit" is not established either: only randomized evidence is.
    unsure = [e.item for e in effects if e.evidence != "randomized"]
    if unsure:
        out.append(
            f"Test one item at a time, for example {item_label(unsure[0])} first. The rarer "
            "your cramps, the more weeks it takes."
        )
    out.append("Talk to your clinician before starting or stopping anything.")
    return out
