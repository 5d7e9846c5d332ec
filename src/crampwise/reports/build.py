"""Build the doctor report's context from what the Tracker already computes.

Inputs are the typed diary snapshot (limited to the report's span), the nights of that
span, the analysis of the same snapshot and the safety report: nothing here reads a
database or a document, and nothing is computed twice in two ways.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Sequence

from crampwise import knowledge as kb
from crampwise.analysis.result import AnalysisResult, EffectResult, Interval
from crampwise.diary import NightStatus
from crampwise.records import DiaryData, Lab, Medication, RegimenEntry
from crampwise.reports import charts
from crampwise.reports.context import (
    Charts,
    Diagnosis,
    ExperimentRow,
    FindingRow,
    LabRow,
    MedicationRow,
    NightsFigures,
    Patient,
    RateRow,
    RedFlags,
    RegimenRow,
    ReportContext,
    VerdictRow,
)
from crampwise.safety import SafetyReport

__all__ = ["CHART_WIDTH", "DISCLAIMER", "build_report", "experiment_row", "interval_text"]

TYPE_CHECKING = False
if TYPE_CHECKING:
    from crampwise.experiments.result import ExperimentResult
    from crampwise.records import Experiment

DISCLAIMER = (
    "This report was made by crampwise from the person's own diary. It is not medical "
    "advice and makes no diagnosis; the numbers describe this diary only, with their "
    "uncertainty. crampwise never recommends quinine."
)

#: The report's charts are wider than the phone's (the page is), so their text stays small.
CHART_WIDTH = 520.0

_VERDICTS = {
    "benefit": "likely helps",
    "no-meaningful-benefit": "no meaningful benefit",
    "inconclusive": "cannot tell yet",
    "not-identifiable": "cannot be separated",
}
_EVIDENCE = {
    "randomized": "randomized",
    "uncontrolled": "before/after (uncontrolled)",
    "confounded": "confounded (changed together)",
}
#: Grades that flag a medicine in the report: A population study, B clinical review,
#: C case reports (D, a lay article, is listed by the safety check but not flagged here).
FLAG_GRADES = ("A", "B", "C")


def _num(x: float) -> str:
    return f"{x:.1f}" if x >= 10 else f"{x:.2f}"


def interval_text(i: Interval, unit: str = "") -> str:
    """``0.93 (0.61–1.36)`` and a unit; "not enough data" when the diary cannot say."""
    if i.estimate is None:
        return "not enough data"
    text = _num(i.estimate)
    if i.low is not None and i.high is not None:
        text += f" ({_num(i.low)}–{_num(i.high)})"
    return f"{text} {unit}".rstrip()


def _last_day(end: str | None) -> str:
    """An exclusive ``end`` as the last day taken (records keep the first day without)."""
    if end is None:
        return ""
    return (dt.date.fromisoformat(end) - dt.timedelta(days=1)).isoformat()


def _overlaps(start: str, end: str | None, first: str | None, last: str | None) -> bool:
    """Whether [start, end) touches the report's nights [first, last]."""
    if first is None or last is None:
        return end is None
    return start <= last and (end is None or end > first)


def _dose(
    dose: float | None,
    unit: str | None,
    times: Sequence[str],
    form: str | None,
    every: str = "day",
) -> str:
    parts = []
    if dose is not None:
        amount = f"{dose:g} {unit or ''}".strip()
        if len(times) > 1:
            amount += f" × {len(times)} a day"
        parts.append(amount)
    if times:
        parts.append(f"({', '.join(times)})" if parts else ", ".join(times))
    if form:
        parts.insert(0, form)
    if every != "day":
        from crampwise.schedule import describe

        return ", ".join([" ".join(parts), describe(every)]) if parts else describe(every)
    return " ".join(parts)


def _regimen(
    entries: Sequence[RegimenEntry], first: str | None, last: str | None
) -> list[RegimenEntry]:
    return [e for e in entries if _overlaps(e.start, e.end, first, last)]


def _patient(data: DiaryData, today: dt.date) -> Patient:
    p = data.profile
    age = today.year - p.birth_year if p.birth_year else None
    return Patient(age=age, birth_year=p.birth_year, sex=p.sex, kidney_disease=p.kidney_disease)


def _diagnosis() -> Diagnosis | None:
    for code in kb.diagnosis_codes():
        if code.system == "ICD-10-CM" and code.code == "G47.62":
            return Diagnosis(code.system, code.code, code.display, "; ".join(kb.cite(code.sources)))
    return None


def _medications(
    meds: Sequence[Medication], first: str | None, last: str | None, cited: list[str]
) -> tuple[MedicationRow, ...]:
    rows = []
    for m in meds:
        if not _overlaps(m.start, m.end, first, last):
            continue
        match = kb.match_medication(m.name)
        strong: list[str] = []
        weak: list[str] = []
        for drug in match.drugs:
            for label, ev in drug.cramp_evidence():
                refs = []
                for citation in kb.cite(ev.sources):
                    if citation not in cited:
                        cited.append(citation)
                    refs.append(str(cited.index(citation) + 1))
                named = label if label == drug.generic else f"{drug.generic} ({label})"
                text = f"{named}: {ev.describe()} [{', '.join(refs)}]"
                (strong if ev.grade in FLAG_GRADES else weak).append(text)
        rows.append(
            MedicationRow(
                name=m.name,
                dose=_dose(m.dose, m.unit, m.times, None, m.every),
                start=m.start,
                end=_last_day(m.end),
                evidence=tuple(dict.fromkeys(strong)),
                weak_evidence=tuple(dict.fromkeys(weak)),
                known=match.known,
            )
        )
    return tuple(rows)


def _lab_range(lab: Lab, spec: kb.LabTest | None) -> tuple[float | None, float | None, str]:
    if lab.range_low is not None or lab.range_high is not None:
        return lab.range_low, lab.range_high, "lab's range"
    if spec is None or lab.unit not in spec.units:
        return None, None, ""
    factor = spec.units[lab.unit]
    low = None if spec.range_low is None else spec.range_low / factor
    high = None if spec.range_high is None else spec.range_high / factor
    where = "; ".join(kb.sources()[k].citation.split(".")[0] for k in spec.range_sources)
    return low, high, f"typical adult range{', ' + where if where else ''}"


def _labs(labs: Sequence[Lab], last: str | None) -> tuple[LabRow, ...]:
    table = kb.labs()
    by_test: dict[str, list[Lab]] = {}
    for lab in sorted(labs, key=lambda x: x.date):
        if last is None or lab.date <= last:
            by_test.setdefault(lab.test, []).append(lab)
    rows = []
    for test, results in by_test.items():
        latest = results[-1]
        spec = table.get(test)
        low, high, where = _lab_range(latest, spec)
        flag = ""
        if low is not None and latest.value < low:
            flag = "low"
        elif high is not None and latest.value > high:
            flag = "high"
        if low is not None and high is not None:
            span = f"{low:.3g}–{high:.3g} {latest.unit}"
        elif low is not None:
            span = f"≥ {low:.3g} {latest.unit}"
        elif high is not None:
            span = f"≤ {high:.3g} {latest.unit}"
        else:
            span = "no range shipped"
        rows.append(
            LabRow(
                test=spec.short_name if spec else test,
                date=latest.date,
                value=f"{latest.value:g} {latest.unit}",
                range=f"{span} ({where})" if where else span,
                flag=flag,
                earlier=tuple(f"{r.value:g} ({r.date})" for r in reversed(results[:-1])),
            )
        )
    return tuple(rows)


def _findings(safety: SafetyReport | None) -> tuple[FindingRow, ...]:
    if safety is None:
        return ()
    return tuple(
        FindingRow(f.severity, f.message, tuple(f.sources))
        for f in safety.findings
        # shown with their evidence in the medications table instead
        if f.code != "cramp-associated-drug"
    )


def _verdict(e: EffectResult) -> VerdictRow:
    on_off = f"{e.nights_on} on, {e.nights_off} off"
    p = "" if e.p_benefit is None else f"{100 * e.p_benefit:.0f} %"
    summary = e.summary or e.note
    if e.joint is not None:
        summary = (summary + " " if summary else "") + (
            f"Together with {', '.join(i for i in e.joint.items if i != e.item)}: rate ratio "
            f"{interval_text(e.joint.rate_ratio)}."
        )
    return VerdictRow(
        item=e.item,
        verdict=_VERDICTS.get(e.verdict, e.verdict),
        evidence=_EVIDENCE.get(e.evidence, e.evidence),
        rate_ratio=interval_text(e.rate_ratio),
        p_benefit=p,
        nights=on_off,
        summary=summary,
    )


def _warnings(result: AnalysisResult, names: set[str]) -> tuple[str, ...]:
    """Each warning once, without the sentences another warning (or the "how to find
    out" advice printed after them) already says; warnings only about items not taken
    during the report's span are left out."""
    said = set(result.how_to_find_out)
    out: list[str] = []
    for w in result.warnings:
        if w.items and not names & set(w.items):
            continue
        message = w.message
        for sentence in w.shared:
            if sentence in said or any(sentence in h for h in result.how_to_find_out):
                message = message.replace(sentence, "")
            said.add(sentence)
        message = " ".join(message.split())
        if message and message not in out:
            out.append(message)
    return tuple(out)


_STATES = {
    "scheduled": "planned, from {start}",
    "running": "running, {start} to {end}",
    "finished": "finished, {start} to {end}",
    "stopped": "stopped early, {start} to {last}",
}


def experiment_row(exp: Experiment, state: str, result: ExperimentResult | None) -> ExperimentRow:
    """One experiment as the report shows it: its nights, its pre-registered verdict with
    each condition's rate, or why there is no verdict yet (``result`` None: the plan
    allows no look before its last night)."""
    when = _STATES.get(state, state).format(start=exp.start, end=exp.end, last=exp.last_night)
    design = "".join(p.condition for p in exp.design)
    plan = (
        f"{len(exp.design)} periods of {exp.period_days} nights ({design}), "
        f"washout {exp.washout_days} nights; benefit means P(≥ {100 * exp.mcid:.0f} % fewer "
        f"cramps) ≥ {100 * exp.p_meaningful_min:.0f} % and P(any) ≥ "
        f"{100 * exp.p_benefit_min:.0f} %, fixed before the start"
    )
    if result is None and state == "stopped":  # stopped before a pair of periods was over
        detail = f"Stopped before any comparison was possible. {plan}."
        return ExperimentRow(item=exp.item, state=when, verdict="none", detail=detail)
    if result is None:
        verdict = "not yet"
        detail = f"The plan allows no look before its last night. {plan}."
        return ExperimentRow(item=exp.item, state=when, verdict=verdict, detail=detail)
    conditions = "; ".join(
        f"{key} ({c.label}): {c.cramps} cramps on {c.nights} nights, "
        f"{interval_text(c.rate_per_week, 'per week')}"
        for key, c in sorted(result.conditions.items())
    )
    detail = (
        f"{result.summary} {conditions}; {result.washout_nights_excluded} washout nights not "
        f"counted, {result.missing_nights} not recorded. {plan}."
    )
    if result.warnings:
        detail += " " + " ".join(result.warnings)
    verdict = _VERDICTS.get(result.verdict, result.verdict)
    if not result.final:
        verdict += " (so far)"
    if result.evidence != "randomized":
        verdict += f"; {_EVIDENCE.get(result.evidence, result.evidence)}"
    return ExperimentRow(item=exp.item, state=when, verdict=verdict, detail=detail)


def _red_flags(data: DiaryData) -> RedFlags:
    questions = kb.red_flags()
    latest = {}
    for answer in sorted(data.red_flags, key=lambda a: a.date):
        latest[answer.flag] = answer
    yes = tuple(
        (questions[f].question, a.date, questions[f].message)
        for f, a in latest.items()
        if a.present and f in questions
    )
    no = [a for f, a in latest.items() if not a.present and f in questions]
    return RedFlags(
        yes=yes,
        no=tuple(a.flag.replace("-", " ") for a in no),
        no_date=max((a.date for a in no), default=""),
        not_asked=sum(1 for f in questions if f not in latest),
    )


def _charts(
    data: DiaryData,
    statuses: Sequence[NightStatus],
    result: AnalysisResult,
    entries: Sequence[RegimenEntry],
) -> Charts:
    first, last = statuses[0].date, statuses[-1].date
    bands = [
        (p.start, p.end, p.rate_per_week.estimate, p.rate_per_week.low, p.rate_per_week.high)
        for p in result.periods
    ]
    counts = charts.side_muscle_counts((e.side, e.muscles) for e in data.episodes)
    where: Counter[str] = Counter()
    for (_, muscle), n in counts.items():
        where[muscle] += n
    width = CHART_WIDTH
    return Charts(
        # one time axis for four charts: only the lowest names the months
        rates=charts.styled(
            charts.rates_svg(bands, first, last, width=width, height=96.0, ticks=False)
        ),
        timeline=charts.styled(
            charts.timeline_svg(
                [(e.item, e.start, e.end) for e in entries],
                first,
                last,
                width=width,
                doses=[_dose(e.dose, e.unit, e.times, None, e.every) for e in entries],
                ticks=False,
            )
        ),
        nights=charts.styled(charts.nights_svg(statuses, first, last, width=width, ticks=False)),
        severity=charts.styled(
            charts.trend_svg(
                [(e.night, float(e.severity)) for e in data.episodes if e.severity is not None],
                first,
                last,
                "severity",
                10.0,
                width=width,
                height=74.0,
            )
        ),
        bodymap_front=charts.styled(charts.bodymap_svg(counts, view="front")),
        bodymap_back=charts.styled(charts.bodymap_svg(counts, view="back")),
        where=", ".join(f"{m} {n}" for m, n in where.most_common()),
    )


def build_report(
    data: DiaryData,
    statuses: Sequence[NightStatus],
    result: AnalysisResult | None,
    safety: SafetyReport | None,
    *,
    today: dt.date,
    start: str | None = None,
    end: str | None = None,
    experiments: tuple[ExperimentRow, ...] | None = None,
    headline: str = "",
) -> ReportContext:
    """The report of ``data`` (a snapshot limited to the span) and ``statuses`` (that
    span's nights). ``result`` is the analysis of the same snapshot (None: no nights),
    ``safety`` the safety report as of the span's last day."""
    observed = [s for s in statuses if s.observed]
    first = statuses[0].date if statuses else None
    last = statuses[-1].date if statuses else None
    figures = NightsFigures(
        first=first,
        last=last,
        observed=len(observed),
        missing=len(statuses) - len(observed),
        cramps=sum(s.cramps or 0 for s in observed),
        nights_with_cramps=sum(1 for s in observed if s.cramps),
        longest_streak=0 if result is None else result.streaks.longest,
    )
    cited: list[str] = []
    entries = _regimen(data.regimen, first, last)
    context = ReportContext(
        generated=today.isoformat(),
        start=start,
        end=end,
        patient=_patient(data, today),
        diagnosis=_diagnosis(),
        nights=figures,
        disclaimer=DISCLAIMER,
        headline=headline,
        empty=not observed,
        regimen=tuple(
            RegimenRow(
                e.item,
                e.kind,
                _dose(e.dose, e.unit, e.times, e.form, e.every),
                e.start,
                _last_day(e.end),
            )
            for e in entries
        ),
        medications=_medications(data.medications, first, last, cited),
        labs=_labs(data.labs, last),
        findings=_findings(safety),
        experiments=experiments,
        red_flags=_red_flags(data),
    )
    if result is None or not observed:
        return _replace(context, sources=tuple(cited))
    from crampwise.analysis.stats import rate_interval

    names = {e.item for e in entries}  # what was taken during the span

    # the whole span's rate, widened like the periods' when the counts are over-dispersed
    dispersion = max(1.0, result.dispersion or 1.0)
    total = Interval.of(rate_interval(figures.cramps, len(observed), dispersion=dispersion))
    return _replace(
        context,
        periods=tuple(
            RateRow(
                start=p.start,
                end=p.end,
                taking=", ".join(p.active) or "nothing",
                nights=p.nights,
                missing=p.missing,
                cramps=p.cramps,
                rate=interval_text(p.rate_per_week),
            )
            for p in result.periods
        ),
        overall_rate=interval_text(total, "per week"),
        verdicts=tuple(_verdict(e) for e in result.effects if e.item in names),
        warnings=_warnings(result, names | {m.name for m in data.medications}),
        how_to_find_out=tuple(result.how_to_find_out),
        charts=_charts(data, statuses, result, entries),
        sources=tuple(cited),
    )


def _replace(context: ReportContext, **changes: object) -> ReportContext:
    import dataclasses

    return dataclasses.replace(context, **changes)  # type: ignore[arg-type]
