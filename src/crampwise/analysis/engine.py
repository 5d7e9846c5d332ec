"""``analyze``: from a diary (path, dict or tracker) to an :class:`AnalysisResult`."""

from __future__ import annotations

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
from crampwise.analysis.series import DiarySeries, build_series, fmt_date, fmt_rate, item_label
from crampwise.analysis.trends import slope_per_year, streaks
from crampwise.analysis.warnings import N_OF_1, build_warnings, join_names
from crampwise.errors import ImportFormatError, InputError

__all__ = ["analyze", "analyze_series", "load_diary"]


def _validate(doc: Mapping[str, Any]) -> None:
    if doc.get("format") != "crampwise-diary":
        raise ImportFormatError("format", "expected 'crampwise-diary'")
    if doc.get("version") != 1:
        raise ImportFormatError("version", f"expected 1, got {doc.get('version')!r}")
    try:
        from crampwise.diaryformat import validate  # type: ignore[import-not-found,unused-ignore]
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


def _pct_fewer(rr: float) -> str:
    change = 100.0 * (1.0 - rr)
    return f"{change:.0f} % fewer" if change >= 0 else f"{-change:.0f} % more"


def _period_sentence(p: PeriodResult) -> str:
    who = f"with {join_names(p.active)}" if p.active else "with no regimen items"
    span = f"{fmt_date(date.fromisoformat(p.start))} to {fmt_date(date.fromisoformat(p.end))}"
    r = p.rate_per_week
    if r.estimate is None or r.low is None or r.high is None:
        return f"{span} ({who}): no recorded nights."
    if r.low < 0.01:
        rng = f"95 % range: at most {fmt_rate(r.high)}"
    else:
        rng = f"95 % range {fmt_rate(r.low)} to {fmt_rate(r.high)}"
    return (
        f"{span} ({who}): about {fmt_rate(r.estimate)} cramps a week ({rng}); "
        f"{p.cramps} cramps in {p.nights} recorded nights."
    )


def _effect_sentence(e: EffectResult) -> str | None:
    rr = e.rate_ratio
    if rr.estimate is None or rr.low is None or rr.high is None or e.p_benefit is None:
        return None
    assert e.p_meaningful is not None
    name = item_label(e.item)
    nums = (
        f"{_pct_fewer(rr.estimate)} cramps on nights with it (95 % range: "
        f"{_pct_fewer(rr.high)} to {_pct_fewer(rr.low)}); chance of any benefit "
        f"{100 * e.p_benefit:.0f} %, of a worthwhile one (at least 25 % fewer) "
        f"{100 * e.p_meaningful:.0f} %"
    )
    head = {
        "benefit": f"{name.capitalize()}: likely helped",
        "no-meaningful-benefit": f"{name.capitalize()}: no worthwhile benefit",
        "inconclusive": f"{name.capitalize()}: cannot tell yet",
    }[e.verdict]
    tail = {
        "randomized": " (randomized trial).",
        "uncontrolled": " (before/after comparison, not proof).",
        "confounded": ".",
    }[e.evidence]
    return f"{head}: {nums}{tail}"


def _can_say(
    series: DiarySeries,
    periods: Sequence[PeriodResult],
    effects: Sequence[EffectResult],
    runs: Streaks,
) -> list[str]:
    missing = series.n - series.n_observed
    out = [
        f"You recorded {series.n_observed} nights from {fmt_date(series.date(0))} to "
        f"{fmt_date(series.date(series.n - 1))}"
        + (
            f" ({missing} nights missing, left out rather than counted as cramp-free)."
            if missing
            else "."
        )
    ]
    out += [_period_sentence(p) for p in periods]
    out += [s for e in effects if (s := _effect_sentence(e)) is not None]
    if runs.longest:
        out.append(
            f"Longest run of recorded cramp-free nights: {runs.longest} "
            f"({_fmt_iso(runs.longest_start)} to {_fmt_iso(runs.longest_end)}); "
            f"current run: {runs.current}."
        )
    return out


def _cannot_say(effects: Sequence[EffectResult]) -> list[str]:
    out: list[str] = []
    seen: set[tuple[str, ...]] = set()
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
            out.append(
                f"Whether {item_label(e.item)} itself caused the change: it is a before/after "
                "comparison, and cramps also change by themselves."
            )
        elif e.verdict == "inconclusive" and e.rate_ratio.estimate is None:
            out.append(f"What {item_label(e.item)} did: {e.note or 'not enough data.'}")
    return out


def _how_to_find_out(effects: Sequence[EffectResult]) -> list[str]:
    out = [N_OF_1]
    unsure = [e.item for e in effects if e.evidence != "randomized" and e.verdict != "benefit"]
    if unsure:
        out.append(
            f"Test one item at a time (for example {item_label(unsure[0])}): a few weeks on, a "
            "few weeks off, in a balanced random order, recording every night. The rarer your "
            "cramps, the more weeks it takes."
        )
    out.append("Talk to your clinician before starting or stopping anything.")
    return out
