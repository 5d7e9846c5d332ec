"""The safety engine: run every rule over a diary and report the findings.

>>> report = check(tracker.snapshot(), date(2026, 3, 12))   # a typed DiaryData
>>> report.to_dict()["findings"][0]["code"]
'above-upper-limit'

Rules are pure functions of a :class:`SafetyContext` (see :mod:`crampwise.safety.rules`);
findings are sorted most serious first. The report also lists the red-flag questions the
person has not answered (or answered "yes" long ago), so that no sign is missed silently.
crampwise is not medical advice: it checks a diary against a small shipped reference, and
no finding does not mean "safe".

Severity policy (also in docs/knowledge.md):

* ``urgent``  get care today (or call an ambulance): red flags such as a cramp over 10
  minutes, signs of a blood clot, a cold pale leg, dark urine with muscle pain, bleeding on
  quinine; lab values beyond the same-day thresholds (potassium below 2.5 or above 5.5,
  sodium below 125, calcium below 1.9 or above 3.0, magnesium below 0.5 mmol/L).
* ``warning`` see or ask a clinician soon: any lab value outside its range, over an upper
  limit, hyperkalaemia risk with an ACE inhibitor/ARB/potassium-sparing diuretic/other
  potassium-raising drug, reduced kidney function or high potassium, magnesium with reduced
  kidney function, calcium or magnesium with a high blood level, vitamin K with warfarin,
  any quinine, HIV integrase inhibitors with calcium/magnesium, the same medicine listed
  twice, "see a doctor" red flags.
* ``caution`` worth acting on: dose spacing, calcium with thiazides/digoxin/lithium/
  calcitriol, weaker potassium interactions, "discuss" red flags, over the sodium
  risk-reduction intake, a misspelt medicine that would interact, a profile under 18.
* ``info``    to know: cramp-associated medicines (with evidence grade), unknown medicines,
  supplements or supplement forms, entries that could not be counted, pregnancy.
"""

from __future__ import annotations

__all__ = [
    "DISCLAIMER",
    "RULES",
    "SEVERITIES",
    "Finding",
    "Question",
    "SafetyContext",
    "SafetyReport",
    "check",
    "check_new_item",
    "open_questions",
]

from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

from crampwise import knowledge as kb
from crampwise.records import DiaryData
from crampwise.safety.context import (
    RED_FLAG_WINDOW_DAYS,
    SEVERITIES,
    Finding,
    Question,
    SafetyContext,
)
from crampwise.safety.rules import DVT_CONTEXT, DVT_SIGNS, RULES

DISCLAIMER = (
    "crampwise is not medical advice and does not diagnose. It checks your entries against a "
    "small reference shipped with the app; no finding does not mean safe. Ask your doctor or "
    "pharmacist before starting, stopping or changing any medicine or supplement."
)

_LABEL = {"urgent": "URGENT", "warning": "WARNING", "caution": "CAUTION", "info": "INFO"}


def _sort_key(finding: Finding) -> tuple[int, str, list[str]]:
    return (-SEVERITIES.index(finding.severity), finding.code, finding.items)


@dataclass(frozen=True)
class SafetyReport:
    """All findings for one diary on one day, most serious first, and the open questions."""

    today: date
    findings: tuple[Finding, ...]
    questions: tuple[Question, ...] = field(default=())

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.today.isoformat(),
            "findings": [f.to_dict() for f in self.findings],
            "questions": [q.to_dict() for q in self.questions],
            "disclaimer": DISCLAIMER,
        }

    def to_text(self) -> str:
        if not self.findings:
            lines = [f"No safety findings for {self.today.isoformat()}."]
        else:
            lines = [f"Safety check for {self.today.isoformat()}: {len(self.findings)} finding(s)"]
            for finding in self.findings:
                lines.append("")
                lines.append(f"{_LABEL[finding.severity]}  {finding.code}")
                lines.append(f"  {finding.message}")
                for source in finding.sources:
                    lines.append(f"  source: {source}")
        if self.questions:
            lines += ["", f"Questions to answer ({len(self.questions)}):"]
            lines += [f"  {q.flag.id}: {q.flag.question} ({q.why})" for q in self.questions]
        lines += ["", DISCLAIMER]
        return "\n".join(lines)


def check(data: DiaryData, today: date) -> SafetyReport:
    """Run every rule in :data:`RULES` over a diary snapshot on ``today``.

    The snapshot needs the episodes of the :data:`RED_FLAG_WINDOW_DAYS` days before
    ``today`` (long cramps, cramps outside the legs); the rest it holds whole.
    """
    context = SafetyContext.from_data(data, today)
    findings = [finding for rule in RULES for finding in rule(context)]
    return SafetyReport(
        today, tuple(sorted(findings, key=_sort_key)), tuple(open_questions(context))
    )


def check_new_item(data: DiaryData, today: date, item_name: str) -> list[Finding]:
    """Findings that involve ``item_name`` (a just-added regimen item or medication).

    Used for the hint after ``crampwise regimen start`` and ``crampwise med add``; matching
    is case-insensitive on the name as stored.
    """
    key = item_name.strip().casefold()
    return [
        finding
        for finding in check(data, today).findings
        if any(item.strip().casefold() == key for item in finding.items)
    ]


def open_questions(ctx: SafetyContext) -> list[Question]:
    """Red-flag questions to ask: never answered, or a passing sign answered "yes" more than
    :data:`RED_FLAG_WINDOW_DAYS` days ago (still so?); with a sign of a blood clot, also the
    questions about its risk context (long journeys, recent surgery)."""
    since = (ctx.today - timedelta(days=RED_FLAG_WINDOW_DAYS)).isoformat()
    found = {hit.flag.id for hit in ctx.red_flags}
    dvt = any(flag in found for flag in DVT_SIGNS)
    quinine = any(m.has_class("quinine") or m.has_class("cinchona") for m in ctx.medications)
    questions: list[Question] = []
    for flag in kb.red_flags().values():
        answer = ctx.answers.get(flag.id)
        if flag.id == "quinine-bleeding" and not quinine and answer is None:
            continue  # asked of people who take quinine
        if flag.is_context:
            if dvt and flag.id in DVT_CONTEXT and (answer is None or answer.date < since):
                questions.append(Question(flag, "it helps judge the signs in your leg"))
        elif answer is None and flag.id not in found:
            questions.append(Question(flag, "not answered yet"))
        elif answer is not None and answer.present and flag.id not in found:
            questions.append(Question(flag, f"you answered yes on {answer.date}; is it still so?"))
    return questions
