"""The safety engine: run every rule over a diary and report the findings.

>>> report = check(doc, date(2026, 3, 12))        # doc: a crampwise-diary v1 dict
>>> report.to_dict()["findings"][0]["code"]
'above-upper-limit'

Rules are pure functions of a :class:`SafetyContext` (see :mod:`crampwise.safety.rules`);
findings are sorted most serious first. crampwise is not medical advice: it checks a diary
against a small shipped reference, and no finding does not mean "safe".

Severity policy (also in docs/knowledge.md):

* ``urgent``  get care today: red flags such as a cramp over 10 minutes, a swollen warm
  calf, bleeding on quinine; serum potassium above 5.5 mmol/L.
* ``warning`` see or ask a clinician soon: any lab value outside its range, over an upper
  limit, hyperkalaemia risk with an ACE inhibitor/ARB/potassium-sparing diuretic/kidney
  disease/high potassium, magnesium with kidney disease, vitamin K with warfarin, any
  quinine, the same medicine listed twice, "see a doctor" red flags.
* ``caution`` worth acting on: dose spacing, calcium with thiazides/digoxin/lithium, weaker
  potassium interactions, "discuss" red flags.
* ``info``    to know: cramp-associated medicines (with evidence grade), unknown medicines,
  supplements or supplement forms, entries that could not be counted.
"""

from __future__ import annotations

__all__ = [
    "DISCLAIMER",
    "RULES",
    "SEVERITIES",
    "Finding",
    "SafetyContext",
    "SafetyReport",
    "check",
    "check_new_item",
]

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from crampwise.safety.context import SEVERITIES, Finding, SafetyContext
from crampwise.safety.rules import RULES

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
    """All findings for one diary on one day, most serious first."""

    today: date
    findings: tuple[Finding, ...]

    def to_dict(self) -> dict[str, Any]:
        return {
            "date": self.today.isoformat(),
            "findings": [f.to_dict() for f in self.findings],
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
        lines += ["", DISCLAIMER]
        return "\n".join(lines)


def check(doc: Mapping[str, Any], today: date) -> SafetyReport:
    """Run every rule in :data:`RULES` over a crampwise-diary v1 document on ``today``."""
    context = SafetyContext.from_diary(doc, today)
    findings = [finding for rule in RULES for finding in rule(context)]
    return SafetyReport(today, tuple(sorted(findings, key=_sort_key)))


def check_new_item(doc: Mapping[str, Any], today: date, item_name: str) -> list[Finding]:
    """Findings that involve ``item_name`` (a just-added regimen item or medication).

    Used for the hint after ``crampwise regimen start`` and ``crampwise med add``; matching
    is case-insensitive on the name as entered.
    """
    key = item_name.strip().casefold()
    return [
        finding
        for finding in check(doc, today).findings
        if any(item.strip().casefold() == key for item in finding.items)
    ]
