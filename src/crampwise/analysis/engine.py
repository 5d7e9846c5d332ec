"""``analyze``: from a diary (path, dict or tracker) to an :class:`AnalysisResult`."""

from __future__ import annotations

import dataclasses
import json
import os
from collections.abc import Mapping, Sequence
from datetime import date
from typing import Any, cast

import numpy as np

from crampwise.analysis.changepoints import detect_changepoints
from crampwise.analysis.checks import (
    OVERDISPERSED,
    period_dispersion,
    rtm_check,
    within_period_trend,
)
from crampwise.analysis.effects import compute_effects, fit_adjusted_model
from crampwise.analysis.periods import compute_periods
from crampwise.analysis.result import (
    AnalysisResult,
    Caveat,
    EffectResult,
    NightsSummary,
    PeriodResult,
    Streaks,
)
from crampwise.analysis.series import (
    DiarySeries,
    build_series,
    count_noun,
    fmt_date,
    fmt_rate,
    item_label,
)
from crampwise.analysis.trends import slope_per_year, streaks
from crampwise.analysis.warnings import (
    N_OF_1,
    build_warnings,
    join_names,
    prior_shift_sentences,
)
from crampwise.errors import ImportFormatError, InputError

__all__ = ["MIN_RATE_NIGHTS", "analyze", "analyze_series", "load_diary"]

# Below this many recorded nights the text gives no rate (the JSON keeps the numbers, with
# their honest, very wide interval): one cramp-free night reading "1.6 a week" alarms.
MIN_RATE_NIGHTS = 7


def _validate(doc: Mapping[str, Any]) -> None:
    if doc.get("format") != "crampwise-diary":
        raise ImportFormatError("format", "expected 'crampwise-diary'")
    if doc.get("version") != 1:
        raise ImportFormatError("version", f"expected 1, got {doc.get('version')!r}")
    try:
        from crampwise.formats.diaryformat import validate  # type: ignore[import-not-found,unused-ignore]
    except ImportError:  # the format module is optional for the analysis
        return
    # ``experiments`` is read by the analysis but not (yet) part of format v1.
    validate({k: v for k, v in doc.items() if k != "experiments"})


def load_diary(diary: str | os.PathLike[str] | Mapping[str, Any] | object) -> Mapping[str, Any]:
    """The ``crampwise-diary`` dict behind a tracker, a dict, or a JSON file path."""
    export = getattr(diary, "export_diary", None)
    if callable(export):
        doc: Any = export()  # the tracker's own export is valid by construction
        if not isinstance(doc, Mapping):
            raise InputError("diary", "export_diary() did not return a crampwise-diary dict")
        return doc
    if isinstance(diary, Mapping):
        doc = diary
    elif isinstance(diary, str | os.PathLike):
        path = os.fspath(diary)
        try:
            with open(path, encoding="utf-8") as fh:
                doc = json.load(fh)
        except OSError as exc:
            raise InputError(str(path), f"cannot read the diary file: {exc.strerror}") from exc
        except json.JSONDecodeError as exc:
            raise ImportFormatError(
                str(path), f"not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"
            ) from exc
        if not isinstance(doc, Mapping):
            raise ImportFormatError(str(path), "expected a JSON object (a crampwise-diary)")
    else:
        raise InputError("diary", "expected a path to a crampwise-diary file, a dict, or a tracker")
    _validate(doc)
    return cast("Mapping[str, Any]", doc)


def analyze(diary: str | os.PathLike[str] | Mapping[str, Any] | object) -> AnalysisResult:
    """Analyse a ``crampwise-diary`` (file path, dict, or object with ``export_diary()``).

    Returns rates per period, effects of each regimen item with their uncertainty and
    verdicts, warnings in plain words, changepoints, trends and streaks. Never returns NaN
    or infinite numbers; thin data give wide ranges, ``inconclusive`` and warnings.
    """
    return analyze_series(build_series(load_diary(diary)))


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


def analyze_series(series: DiarySeries) -> AnalysisResult:
    """The analysis proper, on nightly arrays (see :func:`build_series`)."""
    if series.n_observed == 0:
        return _empty_result(series)
    everything = np.ones(series.n, dtype=np.bool_)
    rtm = rtm_check(series, period_dispersion(series, everything))
    mask = everything.copy()
    if rtm is not None and rtm.exclude_run_in:
        mask[: rtm.run_in_end] = False  # a flare is not a fair "before" (regression to mean)
    trend = within_period_trend(series, mask)
    model = fit_adjusted_model(series, mask, trend=trend)
    phi = None if model is None else model.dispersion
    trend_flagged = trend is not None and trend.flagged
    effects = compute_effects(series, model, mask=mask, trend_flagged=trend_flagged)
    widen = phi if phi is not None and phi > OVERDISPERSED else 1.0
    periods = compute_periods(series, widen)
    changepoints = detect_changepoints(series, max(phi or 1.0, 1.0))
    effects = [
        dataclasses.replace(
            e, summary=_effect_summary(e, prior_shift_sentences(series, changepoints, e.item))
        )
        for e in effects
    ]
    warnings = build_warnings(
        series,
        periods=periods,
        effects=effects,
        changepoints=changepoints,
        trend=trend,
        rtm=rtm,
        phi=phi,
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
    return f"{span} ({who}): about {fmt_rate(r.estimate)} cramps a week ({rng}); {counted}."


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
    observed = (
        f"{_pct_fewer(rr.estimate)} cramps on nights with it "
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
    return " ".join([f"{_cap(name)}: {observed}{caveat}", *prior_shifts])


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
