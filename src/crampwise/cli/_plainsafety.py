"""Safety findings in plain words first: a headline, then each finding; the evidence grades,
ratios and sources on request (``--details``).

The findings themselves (and ``--json``) are the safety layer's; only their text here is
the CLI's. A cramp-associated medicine is said in words ("only a magazine article lists
it") instead of "evidence grade D; adjusted sequence ratio 1.16 (95% CI 1.04-1.29)".
"""

from __future__ import annotations

TYPE_CHECKING = False  # the project's one convention (docs/architecture.md)
if TYPE_CHECKING:
    from crampwise.cli._app import App
    from crampwise.safety import SafetyReport
    from crampwise.safety.context import Finding
    from crampwise.safety.nutrition import NutritionTotals

__all__ = [
    "finding_text",
    "headline",
    "nutrition_headline",
    "safety_text",
    "show_new_item_safety",
]

_LABEL = {"urgent": "URGENT", "warning": "WARNING", "caution": "CAUTION", "info": "INFO"}
_NOT_PROOF = (
    "A link is not proof that it causes your cramps. Do not stop a prescribed medicine on "
    "your own; ask your prescriber whether it could play a part."
)


def finding_text(finding: Finding, details: bool, *, caveat: bool = True) -> str:
    """A finding's message; a cramp-associated medicine's in words unless ``details``
    (``caveat``: end it with "a link is not proof …", said once per report)."""
    if details or finding.code != "cramp-associated-drug" or not finding.items:
        return finding.message
    from crampwise.knowledge.evidencewords import cramp_link_in_words

    words = cramp_link_in_words(finding.items[0])
    if words is None:
        return finding.message
    start = finding.message.find("You started it on ")
    end = finding.message.find(" A link is not proof", start)
    recent = f" {finding.message[start:end]}" if start >= 0 and end > start else ""
    return f"{words}{recent} {_NOT_PROOF}" if caveat else f"{words}{recent}"


def _plural(n: int, word: str) -> str:
    return f"{n} {word}" if n == 1 else f"{n} {word}s"


def headline(report: SafetyReport) -> list[str]:
    """Two lines a worried person understands first."""
    count = {s: sum(f.severity == s for f in report.findings) for s in _LABEL}
    if count["urgent"]:
        lines = ["See a doctor today: read the URGENT finding below first."]
    elif count["warning"]:
        lines = [
            f"{_plural(count['warning'], 'warning')} to talk over with your doctor or "
            "pharmacist soon (below, most serious first)."
        ]
    elif count["caution"]:
        lines = [f"Nothing urgent; {_plural(count['caution'], 'thing')} to keep in mind."]
    elif count["info"]:
        lines = ["Nothing urgent and no warnings; some things to know are below."]
    else:
        lines = ["Nothing found in what crampwise checks (that does not mean it is all safe)."]
    if report.questions:
        lines.append(
            f"{_plural(len(report.questions), 'red-flag question')} not answered yet: "
            "crampwise red-flags --ask goes through them one at a time."
        )
    return lines


def safety_text(report: SafetyReport, details: bool) -> str:
    """The whole report: the headline, the findings, the open questions, the disclaimer."""
    from crampwise.safety import DISCLAIMER

    lines = headline(report)
    linked = 0  # cramp-associated medicines so far: the caveat is said with the first
    for finding in report.findings:
        lines += ["", f"{_LABEL[finding.severity]}  {finding.code}"]
        lines.append(f"  {finding_text(finding, details, caveat=not linked)}")
        linked += finding.code == "cramp-associated-drug"
        if details:
            lines += [f"  source: {source}" for source in finding.sources]
    if report.questions:
        lines += ["", f"Questions to answer ({len(report.questions)}):"]
        lines += [f"  {q.flag.id}: {q.flag.question} ({q.why})" for q in report.questions]
    if report.findings and not details:
        lines += ["", "The sources and evidence behind each finding: crampwise safety --details"]
    lines += ["", DISCLAIMER]
    return "\n".join(lines)


def nutrition_headline(totals: NutritionTotals) -> list[str]:
    """The line before the daily totals: over an upper limit or not (what the totals
    cover is said by the totals themselves)."""
    over = [t for t in totals.nutrients.values() if t.over_upper_limit]
    counted = [t for t in totals.nutrients.values() if t.total > 0]
    if over:
        said = "; ".join(
            f"{t.display_name} {t.compared:,.0f} {t.unit}"
            f"{' from supplements' if t.ul_scope == 'supplements' else ''}, limit "
            f"{t.upper_limit:,.0f} {t.unit}"
            for t in over
        )
        lines = [
            f"Over the upper limit: {said}. Ask your doctor or pharmacist before going on this way."
        ]
    elif counted:
        lines = ["Under every upper limit that applies."]
    else:
        lines = ["Nothing in your regimen on this day adds these minerals."]
    return lines


def show_new_item_safety(app: App, item: str) -> None:
    """After adding an item, show safety findings that involve it (never blocks the write)."""
    findings = app.tracker.safety_for_new_item(item)
    for finding in findings:
        colour = {"urgent": "red", "warning": "red", "caution": "yellow"}.get(finding.severity)
        label = app.style(finding.severity.upper(), "bold", *([colour] if colour else []))
        app.note(f"{label} {finding_text(finding, details=False)}")
    if findings:
        app.note("See all findings: crampwise safety. crampwise is not medical advice.")
