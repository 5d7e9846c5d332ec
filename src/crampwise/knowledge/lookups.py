"""Reference look-ups a person asks for directly: a drug's link with cramps, and stretches.

Both return plain JSON-ready dicts (the CLI prints them or renders them as text); the
citations come from the shipped source registry.
"""

from __future__ import annotations

from typing import Any

from crampwise import vocab
from crampwise.knowledge import cite, lookup_medication, match_medication, stretches
from crampwise.validate import choice, text

__all__ = ["drug_report", "drug_report_text", "stretch_report", "stretch_report_text"]


#: Warnings shown with a medicine of these classes, whatever is asked about it.
_CLASS_WARNINGS: dict[str, tuple[str, tuple[str, ...]]] = {
    "quinine": (
        "The US FDA warns that quinine can cause serious and life-threatening blood problems "
        "(very low platelets, HUS/TTP) and kidney damage, and that for leg cramps the risk "
        "outweighs the benefit: it is not to be used for cramps.",
        ("fda-quinine",),
    ),
    "cinchona": (
        "Cinchona is the bark quinine comes from; the product's label says to ask a doctor "
        "before use if you are sensitive to quinine. Quinine is not to be used for cramps "
        "(US FDA).",
        ("label-hylands", "fda-quinine"),
    ),
}


def drug_report(name: str) -> dict[str, Any]:
    """What crampwise knows about a medicine: its ingredients, classes, any link with cramps,
    and warnings (quinine).

    Raises :class:`~crampwise.errors.UnknownNameError` (with close names) for a name it does
    not know: an unknown drug is never reported as "not linked".
    """
    from crampwise.knowledge import drug_classes

    text(name, "drug", 200)  # a 120 KB argument is refused, not searched (it took seconds)
    classes = drug_classes()
    match = match_medication(name)
    if not match.drugs:
        mineral = _mineral_report(name)
        if mineral is not None:
            return mineral
    warnings = [
        {"text": words, "sources": cite(list(keys))}
        for cls, (words, keys) in _CLASS_WARNINGS.items()
        if cls in match.classes
    ]
    drugs = []
    for drug in lookup_medication(name, field="drug"):
        evidence = [
            {
                "from": label,
                "grade": ev.grade,
                "effect_measure": ev.effect_measure,
                "effect": ev.effect,
                "ci_low": ev.ci_low,
                "ci_high": ev.ci_high,
                "note": ev.note,
                "sources": cite(list(ev.sources)),
            }
            for label, ev in drug.cramp_evidence()
        ]
        drugs.append(
            {
                "generic": drug.generic,
                "classes": [classes[c].name for c in drug.classes],
                "brands": list(drug.brands),
                "cramp_associated": bool(evidence),
                "evidence": evidence,
                "notes": [
                    {
                        "from": classes[c].name,
                        "text": classes[c].note,
                        "sources": cite(list(classes[c].sources)),
                    }
                    for c in drug.classes
                    if classes[c].note
                ],
            }
        )
    return {
        "query": name,
        "products": [p.name for p in match.products],
        "not_reviewed": list(match.unknown_parts),
        "warnings": warnings,
        "drugs": drugs,
    }


#: What a supplement's interaction rows are about, in plain words.
_RISK_WORDS = {
    "hyperkalemia-risk": "can raise blood potassium too far",
    "hypermagnesemia-risk": "can raise blood magnesium too far",
    "hypercalcemia-risk": "can raise blood calcium too far",
    "spacing": "must be taken hours apart from it",
    "vitamin-k-warfarin": "works against it",
}


def _mineral_report(name: str) -> dict[str, Any] | None:
    """K-Tab, Klor-Con, Slow-Mag, Tums …: a mineral product, checked as its nutrient."""
    from crampwise.knowledge import (
        drug_classes,
        drugs,
        interactions,
        is_prescription_mineral,
        match_nutrient,
    )

    found = match_nutrient(name)
    if found is None:
        return None
    nutrient = found.nutrient
    classes, table = drug_classes(), drugs()
    checks: list[dict[str, Any]] = []
    for ix in interactions():
        if ix.nutrient != nutrient.id:
            continue
        if ix.target_kind == "class":
            with_what = classes[ix.target].name
        elif ix.target_kind == "drug":
            with_what = table[ix.target].generic
        elif ix.target_kind == "lab-high":
            with_what = f"a high blood {ix.target}"
        else:
            with_what = "reduced" if ix.target == "kidney-reduced" else "severely reduced"
            with_what += " kidney function"
        checks.append(
            {
                "with": with_what,
                "code": ix.code,
                "severity": ix.severity,
                "sources": cite(list(ix.sources)),
            }
        )
    return {
        "query": name,
        "nutrient": nutrient.name,
        "form": found.form.form if found.form is not None else None,
        "prescription": is_prescription_mineral(name),
        "checks": checks,
        "products": [],
        "not_reviewed": [],
        "warnings": [],
        "drugs": [],
    }


def _mineral_text(report: dict[str, Any]) -> str:
    form = f" ({report['nutrient']} {report['form']})" if report["form"] else ""
    kind = "a prescription" if report["prescription"] else "a"
    what = f"{report['query']} is {kind} {report['nutrient']} product{form}: crampwise checks it"
    if report["query"].strip().casefold() == report["nutrient"].casefold():
        what = f"{report['nutrient']} is a supplement crampwise checks"
    lines = [f"{what} against its upper limit (if one is set) and these interactions:"]
    by_code: dict[str, list[str]] = {}
    for check in report["checks"]:
        by_code.setdefault(check["code"], []).append(check["with"])
    for code, names in by_code.items():
        lines.append(f"  {_RISK_WORDS.get(code, code)}: {', '.join(dict.fromkeys(names))}")
    if not by_code:
        lines.append("  (no interaction of it is shipped; that does not mean there is none)")
    lines.append(
        "Your own medicines and labs are checked by the safety check. Never stop a prescribed "
        "medicine on your own; ask your prescriber. crampwise is not medical advice."
    )
    return "\n".join(lines)


def drug_report_text(report: dict[str, Any]) -> str:
    """The drug report in plain words."""
    if "nutrient" in report:
        return _mineral_text(report)
    lines = []
    for product in report.get("products", []):
        lines.append(f"{report['query']} contains: {product}")
    for part in report.get("not_reviewed", []):
        lines.append(f"  crampwise does not know {part!r}: not known to be safe; ask a pharmacist.")
    for warning in report.get("warnings", []):
        lines.append(f"WARNING: {warning['text']}")
        lines.extend(f"  source: {s}" for s in warning["sources"])
    for drug in report["drugs"]:
        classes = ", ".join(drug["classes"]) or "no class listed"
        lines.append(f"{drug['generic']} ({classes})")
        if not drug["evidence"] and not report.get("warnings"):
            lines.append("  crampwise's sources do not link it with leg cramps.")
        for note in drug["notes"]:
            lines.append(f"  {note['text']}.")
            lines.extend(f"    source: {s}" for s in note["sources"])
        for ev in drug["evidence"]:
            size = ""
            if ev["effect"] is not None:
                size = f"; {ev['effect_measure']} {ev['effect']:.2f}"
                if ev["ci_low"] is not None and ev["ci_high"] is not None:
                    size += f" (95% CI {ev['ci_low']:.2f}-{ev['ci_high']:.2f})"
            lines.append(f"  linked with cramps ({ev['from']}): evidence grade {ev['grade']}{size}")
            if ev["note"]:
                lines.append(f"    {ev['note']}")
            lines.extend(f"    source: {s}" for s in ev["sources"])
    lines.append(
        "A link is not proof that a medicine causes your cramps. Never stop a prescribed "
        "medicine on your own; ask your prescriber. crampwise is not medical advice."
    )
    return "\n".join(lines)


def stretch_report(muscle: str | None = None) -> list[dict[str, Any]]:
    """The shipped stretches (instructions in our own words), optionally for one muscle."""
    wanted = None if muscle is None else choice(muscle, "muscle", vocab.MUSCLES)
    return [
        {
            "id": s.id,
            "muscle": s.muscle,
            "name": s.name,
            "when": s.when,
            "instructions": s.instructions,
            "hold_seconds": s.hold_seconds,
            "repetitions": s.repetitions,
            "evidence": s.evidence,
            "sources": cite(list(s.sources)),
        }
        for s in stretches()
        if wanted is None or s.muscle == wanted
    ]


def stretch_report_text(rows: list[dict[str, Any]], muscle: str | None = None) -> str:
    """Stretches as readable instructions."""
    if not rows:
        return f"No stretch for {muscle} is shipped yet; ask a physiotherapist."
    lines = []
    for row in rows:
        dose = []
        if row["hold_seconds"]:
            dose.append(f"hold {row['hold_seconds']} s")
        if row["repetitions"]:
            dose.append(f"{row['repetitions']} times")
        when = "at bedtime" if row["when"] == "bedtime" else "during a cramp"
        lines.append(
            f"{row['name']} ({row['muscle']}, {when}{'; ' if dose else ''}{', '.join(dose)})"
        )
        lines.append(f"  {row['instructions']}")
        lines.append(f"  evidence: {row['evidence']}")
    lines.append("Stretch gently: a moderate pull, never pain. crampwise is not medical advice.")
    return "\n".join(lines)
