"""The doctor report as typed data: what the templates show, already worded.

:func:`crampwise.reports.build.build_report` fills a :class:`ReportContext` from the
diary snapshot, the analysis and the safety report; the templates only lay it out. Every
number a reader sees carries its interval where it has one, and every section that has
nothing to show is left out (an empty diary makes a short report).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from markupsafe import Markup

__all__ = [
    "Charts",
    "Diagnosis",
    "ExperimentRow",
    "FindingRow",
    "LabRow",
    "MedicationRow",
    "NightsFigures",
    "Patient",
    "RateRow",
    "RedFlags",
    "RegimenRow",
    "ReportContext",
    "VerdictRow",
]

_NONE = Markup("")


@dataclass(frozen=True)
class Patient:
    """Who the diary is about, as far as the profile says (nothing else is shown)."""

    age: int | None
    birth_year: int | None
    sex: str | None
    kidney_disease: bool | None

    @property
    def line(self) -> str:
        """``age 68 (born 1958), female`` — or what is known of it."""
        parts = []
        if self.age is not None:
            parts.append(f"age {self.age} (born {self.birth_year})")
        if self.sex:
            parts.append(self.sex)
        return ", ".join(parts) or "age and sex not recorded"


@dataclass(frozen=True)
class Diagnosis:
    """The code a clinician files the complaint under (from the knowledge base)."""

    system: str
    code: str
    display: str
    source: str


@dataclass(frozen=True)
class NightsFigures:
    """The report's span: nights observed (checked in, 0 cramps is data) and missing."""

    first: str | None
    last: str | None
    observed: int
    missing: int
    cramps: int
    nights_with_cramps: int
    longest_streak: int

    @property
    def span(self) -> int:
        return self.observed + self.missing

    @property
    def coverage(self) -> str:
        """Share of the span's nights that were checked in, in words."""
        if not self.span:
            return ""
        return f"{100 * self.observed / self.span:.0f} %"


@dataclass(frozen=True)
class RateRow:
    """One period over which the regimen did not change, and its cramp rate."""

    start: str
    end: str
    taking: str
    nights: int
    missing: int
    cramps: int
    rate: str  # "0.93 (0.61–1.36)" per week, or why there is none


@dataclass(frozen=True)
class RegimenRow:
    item: str
    kind: str
    dose: str  # "200 mg × 2 a day (morning, bedtime)"
    start: str
    end: str  # "" = ongoing


@dataclass(frozen=True)
class MedicationRow:
    """A prescription medicine; ``evidence`` says why it is linked with cramps (if so)."""

    name: str
    dose: str
    start: str
    end: str
    evidence: tuple[str, ...] = ()  # grades A-C: flagged
    weak_evidence: tuple[str, ...] = ()  # grade D (a lay article): shown, not flagged
    known: bool = True

    @property
    def flagged(self) -> bool:
        return bool(self.evidence)


@dataclass(frozen=True)
class LabRow:
    """The latest result of one test, its reference range and earlier results."""

    test: str
    date: str
    value: str  # "4.1 mmol/L"
    range: str  # "3.5–5.1 mmol/L (lab's range)"
    flag: str  # "low", "high" or ""
    earlier: tuple[str, ...] = ()


@dataclass(frozen=True)
class FindingRow:
    severity: str
    message: str
    sources: tuple[str, ...] = ()


@dataclass(frozen=True)
class VerdictRow:
    """What the diary says about one regimen item, with how strong that evidence is."""

    item: str
    verdict: str  # in words: "likely helps", "no meaningful benefit", ...
    evidence: str  # randomized / before-after (uncontrolled) / confounded
    rate_ratio: str  # "0.21 (0.09–0.45)"
    p_benefit: str  # "98 %"
    nights: str  # "212 on, 103 off"
    summary: str


@dataclass(frozen=True)
class ExperimentRow:
    """A randomized N-of-1 experiment and its result (when the diary has experiments)."""

    item: str
    state: str
    verdict: str
    detail: str


@dataclass(frozen=True)
class RedFlags:
    """The red-flag questions: answered yes (with what to do), no, and not asked."""

    yes: tuple[tuple[str, str, str], ...] = ()  # (question, date, message)
    no: tuple[str, ...] = ()  # questions, short
    no_date: str = ""
    not_asked: int = 0


@dataclass(frozen=True)
class Charts:
    rates: Markup = _NONE
    timeline: Markup = _NONE
    nights: Markup = _NONE
    severity: Markup = _NONE
    bodymap_front: Markup = _NONE
    bodymap_back: Markup = _NONE
    where: str = ""  # "inner-thigh 50, hamstring 9" (a cramp in both legs counts twice)


@dataclass(frozen=True)
class ReportContext:
    """Everything the doctor report shows."""

    generated: str
    start: str | None  # the span asked for (None: from the diary's first night)
    end: str | None
    patient: Patient
    diagnosis: Diagnosis | None
    nights: NightsFigures
    disclaimer: str
    headline: str = ""
    empty: bool = False
    periods: tuple[RateRow, ...] = ()
    overall_rate: str = ""
    regimen: tuple[RegimenRow, ...] = ()
    medications: tuple[MedicationRow, ...] = ()
    labs: tuple[LabRow, ...] = ()
    findings: tuple[FindingRow, ...] = ()
    verdicts: tuple[VerdictRow, ...] = ()
    warnings: tuple[str, ...] = ()
    how_to_find_out: tuple[str, ...] = ()
    #: None: this version of crampwise has no experiments to show; () : none were run.
    experiments: tuple[ExperimentRow, ...] | None = None
    red_flags: RedFlags = field(default_factory=RedFlags)
    charts: Charts = field(default_factory=Charts)
    sources: tuple[str, ...] = ()  # citations of the medication evidence, numbered

    @property
    def span_text(self) -> str:
        """The nights the report covers, in words."""
        first = self.nights.first or self.start
        last = self.nights.last or self.end
        if first and last:
            return f"{first} to {last}"
        return "no nights yet"
