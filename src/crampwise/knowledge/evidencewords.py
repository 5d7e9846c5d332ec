"""How strongly a medicine is linked with cramps, in words a worried person reads.

The knowledge base grades each link (``drug_classes.csv``, ``drugs.csv``): A a population
study with an effect size (Garrison 2012), B a clinical review naming it among the drugs most
strongly associated (trial adverse-event data), C a clinical review listing it as a reported
cause (case-level), D only a lay article. The plain view says that in words; the grade, the
ratio with its interval and the sources are details (``--details``).
"""

from __future__ import annotations

from typing import Any

from crampwise.knowledge import CrampEvidence, drug_classes, match_medication

__all__ = ["GRADE_WORDS", "cramp_link_in_words", "drug_report_plain", "evidence_in_words"]

#: Who says so, per grade.
GRADE_WORDS = {
    "A": "a large study",
    "B": "a medical review of trials",
    "C": "a medical review of single cases",
    "D": "only a magazine article",
}


def evidence_in_words(grade: str, effect: float | None, ci_low: float | None) -> str:
    """``a large study found a small link`` / ``only a magazine article lists it; no study
    has tested it``."""
    who = GRADE_WORDS.get(grade, "a source")
    if grade == "A" and effect is not None:
        if ci_low is not None and ci_low <= 1:
            return f"{who} found at most a weak link (it may be chance)"
        size = "small" if effect < 1.5 else "clear"
        return f"{who} found a {size} link"
    if grade == "A":
        return f"{who} found a link"
    if grade == "B":
        return f"{who} names it among the medicines most often linked with cramps"
    if grade == "C":
        return f"{who} reports it as a cause"
    return f"{who} lists it; no study has tested it"


def _capital(label: str) -> str:
    return label[:1].upper() + label[1:]


def _in_words(ev: CrampEvidence) -> str:
    return evidence_in_words(ev.grade, ev.effect, ev.ci_low)


def cramp_link_in_words(name: str) -> str | None:
    """A medicine's link with cramps in a sentence per source (None when it has none):
    "lisinopril may be linked with leg cramps. ACE inhibitor: only a magazine article lists
    it; no study has tested it."."""
    match = match_medication(name)
    table = drug_classes()
    links: list[tuple[str, CrampEvidence]] = [
        (d.generic, d.cramp) for d in match.drugs if d.cramp is not None
    ]
    links += [(table[c].name, ev) for c in match.classes if (ev := table[c].cramp) is not None]
    if not links:
        return None
    strongest = min(links, key=lambda link: link[1].grade)
    verb = "is" if strongest[1].grade in ("A", "B") else "may be"
    return f"{name} {verb} linked with leg cramps. " + " ".join(
        f"{_capital(label)}: {_in_words(ev)}." for label, ev in links
    )


def drug_report_plain(report: dict[str, Any]) -> str:
    """``crampwise drug NAME`` in plain words (the report of
    :func:`crampwise.knowledge.lookups.drug_report`); grades, ratios and sources are left
    to the detailed view."""
    if "nutrient" in report:  # K-Tab, Slow-Mag, Tums: a mineral product, already in words
        from crampwise.knowledge.lookups import drug_report_text

        return drug_report_text(report)
    lines = [f"{report['query']} contains: {p}" for p in report.get("products", [])]
    for part in report.get("not_reviewed", []):
        lines.append(f"  crampwise does not know {part!r}: not known to be safe; ask a pharmacist.")
    lines += [f"WARNING: {w['text']}" for w in report.get("warnings", [])]
    for drug in report["drugs"]:
        if not drug["evidence"]:
            if not report.get("warnings"):
                lines.append(f"{drug['generic']}: crampwise's sources do not link it with cramps.")
            lines += [f"  {_capital(note['text'])}." for note in drug.get("notes", [])]
            continue
        strongest = min(ev["grade"] for ev in drug["evidence"])
        verb = "is" if strongest in ("A", "B") else "may be"
        lines.append(f"{drug['generic']} {verb} linked with leg cramps.")
        for ev in drug["evidence"]:
            words = evidence_in_words(ev["grade"], ev["effect"], ev["ci_low"])
            lines.append(f"  {_capital(ev['from'])}: {words}.")
    lines.append(
        "A link is not proof that a medicine causes your cramps. Never stop a prescribed "
        "medicine on your own; ask your prescriber. crampwise is not medical advice."
    )
    return "\n".join(lines)
