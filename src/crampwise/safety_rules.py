"""The safety rules: pure functions ``SafetyContext -> list[Finding]``.

Each rule looks at one kind of risk and says it plainly, with its sources. The interaction
rules are driven by ``knowledge/data/interactions.csv`` (one row per supplement x drug
class/drug/condition/lab), so adding a row adds a check. Rules never recommend a treatment;
they say what is known and who to ask. Severity policy: docs/knowledge.md.
"""

from __future__ import annotations

__all__ = [
    "RULES",
    "above_upper_limit",
    "cramp_associated_drugs",
    "hypercalcemia_risk",
    "hyperkalemia_risk",
    "hypermagnesemia_risk",
    "labs_out_of_range",
    "not_counted",
    "quinine",
    "red_flags",
    "spacing",
    "unknown_medications",
    "unknown_supplements",
    "vitamin_k_warfarin",
]

from collections.abc import Callable
from datetime import timedelta

from crampwise import knowledge as kb
from crampwise.nutrition import NutrientTotal
from crampwise.safety_context import Finding, LabValue, MedicationUse, SafetyContext

Rule = Callable[[SafetyContext], list[Finding]]

#: What exceeding each upper limit risks, in plain words (from the limit's source).
_UL_RISK: dict[str, str] = {
    "magnesium": "above it, diarrhoea becomes likely",
    "calcium": "above it, the risk of kidney stones rises",
    "vitamin-d": "above it, the risk of harm rises",
}


def _fmt(amount: float, unit: str) -> str:
    return f"{amount:,.0f} {unit}"


# --------------------------------------------------------------------------- limits


def above_upper_limit(ctx: SafetyContext) -> list[Finding]:
    """Supplemental magnesium, total calcium (food + supplements), vitamin D over the UL."""
    return [
        _ul_finding(ctx, total, total.upper_limit)
        for total in ctx.nutrition.nutrients.values()
        if total.upper_limit is not None and total.over_upper_limit
    ]


def _ul_finding(ctx: SafetyContext, t: NutrientTotal, upper_limit: float) -> Finding:
    counted = [c for c in t.contributions if t.ul_scope != "supplements" or c.kind != "food"]
    parts = ", ".join(c.describe(t.unit) for c in counted)
    if t.ul_scope == "supplements":
        what = f"Your supplements give {_fmt(t.compared, t.unit)} of {t.nutrient} a day ({parts})"
        scope = "from supplements and medicines (magnesium in food does not count)"
    else:
        what = f"Food and supplements give {_fmt(t.compared, t.unit)} of {t.nutrient} a day"
        what += f" ({parts})"
        scope = "from all sources"
    who = "at your age" if ctx.age_known else "for older adults (your birth year is unknown)"
    message = (
        f"{what}. The upper limit {who} is {_fmt(upper_limit, t.unit)} a day {scope}; "
        f"{_UL_RISK.get(t.nutrient, 'above it, the risk of harm rises')}. "
        "Ask your doctor or pharmacist before staying above it."
    )
    return Finding(
        "above-upper-limit", "warning", message, [c.item for c in counted], kb.cite(t.sources)
    )


def not_counted(ctx: SafetyContext) -> list[Finding]:
    """Entries whose nutrients could not be added up (unknown food, dose in tablets …)."""
    return [
        Finding(
            "not-counted",
            "info",
            f"crampwise could not count {item!r} in your daily totals: {reason}. "
            "The upper-limit checks leave it out.",
            [item],
            [],
        )
        for item, reason in ctx.nutrition.uncounted
        if not _is_unknown_supplement(ctx, item)  # reported by unknown_supplements instead
    ]


def _is_unknown_supplement(ctx: SafetyContext, item: str) -> bool:
    return any(s.nutrient is None and s.intake.item == item for s in ctx.supplements)


# --------------------------------------------------------------------------- interactions


def _targets(ctx: SafetyContext, ix: kb.Interaction) -> list[tuple[str, list[str]]]:
    """(text for {drug}, item names) for everything in the diary this rule row applies to."""
    if ix.target_kind == "class":
        return [(m.name, [m.name]) for m in ctx.medications if m.has_class(ix.target)]
    if ix.target_kind == "drug":
        return [(m.name, [m.name]) for m in ctx.medications if m.has_drug(ix.target)]
    if ix.target_kind == "condition" and ix.target == "kidney-disease":
        return [("kidney disease", [])] if ctx.kidney_disease else []
    if ix.target_kind == "lab-high":
        lab = ctx.labs.get(ix.target)
        return [(lab.describe(), [])] if lab is not None and lab.is_high else []
    return []


def _interaction_findings(ctx: SafetyContext, code: str) -> list[Finding]:
    found: list[Finding] = []
    for ix in kb.interactions():
        if ix.code != code:
            continue
        for supplement in ctx.supplements_of(ix.nutrient):
            for drug_text, items in _targets(ctx, ix):
                message = ix.message.format(drug=drug_text, supplement=supplement.intake.item)
                message += _same_time_note(ctx, ix, supplement.intake.times, items)
                found.append(
                    Finding(
                        code,
                        ix.severity,
                        message,
                        [supplement.intake.item, *items],
                        kb.cite(ix.sources),
                    )
                )
    return found


def _same_time_note(
    ctx: SafetyContext, ix: kb.Interaction, times: tuple[str, ...], items: list[str]
) -> str:
    """For spacing rules: point out intakes the diary lists at the same time of day."""
    if ix.code != "spacing":
        return ""
    drug_times = {t for m in ctx.medications if m.name in items for t in m.intake.times}
    shared = [t for t in times if t in drug_times]
    if shared:
        return f" Your diary lists both at the same time ({', '.join(shared)})."
    return ""


def hyperkalemia_risk(ctx: SafetyContext) -> list[Finding]:
    """Potassium supplement with ACE inhibitor/ARB/K-sparing diuretic, kidney disease, high K."""
    return _interaction_findings(ctx, "hyperkalemia-risk")


def hypercalcemia_risk(ctx: SafetyContext) -> list[Finding]:
    """Calcium supplement with a thiazide-type diuretic, digoxin or lithium."""
    return _interaction_findings(ctx, "hypercalcemia-risk")


def hypermagnesemia_risk(ctx: SafetyContext) -> list[Finding]:
    """Magnesium supplement with kidney disease."""
    return _interaction_findings(ctx, "hypermagnesemia-risk")


def spacing(ctx: SafetyContext) -> list[Finding]:
    """Calcium/magnesium with tetracyclines, quinolones, bisphosphonates, levothyroxine, iron …"""
    return _interaction_findings(ctx, "spacing")


def vitamin_k_warfarin(ctx: SafetyContext) -> list[Finding]:
    """Vitamin K supplement with warfarin or another vitamin K antagonist."""
    return _interaction_findings(ctx, "vitamin-k-warfarin")


# --------------------------------------------------------------------------- medications


def quinine(ctx: SafetyContext) -> list[Finding]:
    """Any quinine (medication or 'supplement'): never recommended for cramps (FDA)."""
    return [
        Finding(
            "quinine",
            "warning",
            f"{_quinine_intro(m.name)}Quinine is not recommended for leg cramps: the US FDA warns "
            "that it can cause serious and life-threatening blood problems (very low platelets, "
            "HUS/TTP) and kidney damage, and that for cramps the risk outweighs the benefit. "
            "crampwise never suggests it. Talk to your prescriber about it; if you notice "
            "bleeding, bruising, blood in urine or stool, or purple spots, stop it and get "
            "medical help today.",
            [m.name],
            kb.cite(["fda-quinine"]),
        )
        for m in ctx.medications
        if m.has_class("quinine")
    ]


def cramp_associated_drugs(ctx: SafetyContext) -> list[Finding]:
    """Each medication linked with cramps, with the strength of that evidence."""
    found: list[Finding] = []
    for med in ctx.medications:
        for drug in med.match.drugs:
            evidence = drug.cramp_evidence()
            if not evidence:
                continue
            links = "; ".join(f"{label}: {ev.describe()}" for label, ev in evidence)
            message = f"{med.name} ({drug.generic}) is linked with leg cramps. {links}"
            message = message if message.endswith(".") else message + "."
            if any("garrison-2012" in ev.sources for _, ev in evidence):
                message += _recent_start(ctx, med)
            message += (
                " A link is not proof that it causes your cramps. Do not stop a prescribed "
                "medicine on your own; ask your prescriber whether it could play a part."
            )
            sources = [key for _, ev in evidence for key in ev.sources]
            found.append(Finding("cramp-associated-drug", "info", message, [med.name],
                                 kb.cite(sources)))
    return found


def _recent_start(ctx: SafetyContext, med: MedicationUse) -> str:
    start = med.intake.start
    if start is not None and ctx.today - start <= timedelta(days=365):
        return (
            f" You started it on {start.isoformat()}, within the past year: the time in which "
            "the population study (Garrison 2012) saw new cramp treatment begin."
        )
    return ""


def unknown_medications(ctx: SafetyContext) -> list[Finding]:
    """Medications crampwise does not know: say so, never treat them as safe."""
    found: list[Finding] = []
    for med in ctx.medications:
        if med.match.known:
            continue
        unknown = med.match.unknown_parts or (med.name,)
        close = [s for part in unknown for s in kb.medication_suggestions(part)]
        hint = f" Did you mean: {', '.join(dict.fromkeys(close))}?" if close else ""
        message = (
            f"crampwise does not know {', '.join(repr(u) for u in unknown)} and cannot check it "
            "for interactions or for a link with cramps. That does not mean it is safe: ask "
            f"your pharmacist.{hint}"
        )
        found.append(Finding("unknown-medication", "info", message, [med.name], []))
    return found


def unknown_supplements(ctx: SafetyContext) -> list[Finding]:
    """Supplements crampwise does not know: say so, never treat them as safe."""
    names = [n.name for n in kb.nutrients().values()]
    return [
        Finding(
            "unknown-supplement",
            "info",
            f"crampwise does not know the supplement {s.intake.item!r} and cannot check it for "
            "interactions or limits. That does not mean it is safe: ask your pharmacist. "
            f"Known supplements: {', '.join(names)}.",
            [s.intake.item],
            [],
        )
        for s in ctx.supplements
        if s.nutrient is None
    ]


# --------------------------------------------------------------------------- labs and flags


def labs_out_of_range(ctx: SafetyContext) -> list[Finding]:
    """Latest lab results outside the lab's own range (else our adult range); urgent extremes."""
    return [f for lab in ctx.labs.values() if (f := _lab_finding(lab)) is not None]


def _lab_finding(lab: LabValue) -> Finding | None:
    spec = lab.test
    urgent_high = spec.urgent_high is not None and lab.canonical > spec.urgent_high
    urgent_low = spec.urgent_low is not None and lab.canonical < spec.urgent_low
    if not (urgent_high or urgent_low or lab.is_high or lab.is_low):
        return None
    side = "above" if lab.is_high or urgent_high else "below"
    message = lab.describe()
    if lab.is_high or lab.is_low:
        whose = "the lab's own range" if lab.own_range else "a typical adult range; labs differ"
        message += f" is {side} the range {_range_text(lab)} {lab.unit} ({whose})."
    else:
        message += "."
    if urgent_high or urgent_low:
        limit = spec.urgent_high if urgent_high else spec.urgent_low
        message += (
            f" A value {side} {limit:g} {spec.canonical_unit} needs prompt attention: contact "
            "your clinician today."
        )
        return Finding("lab-out-of-range", "urgent", message, [spec.test], kb.cite(spec.sources))
    message += " Show this result to your clinician."
    sources = [] if lab.own_range else kb.cite(spec.sources)
    return Finding("lab-out-of-range", "caution", message, [spec.test], sources)


def _range_text(lab: LabValue) -> str:
    if lab.low is not None and lab.high is not None:
        return f"{lab.low:.3g}-{lab.high:.3g}"
    return f"at least {lab.low:.3g}" if lab.low is not None else f"up to {lab.high:.3g}"


def red_flags(ctx: SafetyContext) -> list[Finding]:
    """Red-flag answers (and cramps over 10 minutes): see a clinician, how soon depends."""
    by_flag: dict[str, list[str]] = {}
    for hit in ctx.red_flags:
        by_flag.setdefault(hit.flag.id, []).append(hit.detail)
    found: list[Finding] = []
    for flag_id, details in by_flag.items():
        flag = kb.red_flags()[flag_id]
        message = f"{flag.message} ({'; '.join(details)}.)"
        found.append(Finding("red-flag", flag.severity, message, [flag_id], kb.cite(flag.sources)))
    return found


#: Every rule, in the order they are documented; :func:`crampwise.safety.check` runs them all.
RULES: tuple[Rule, ...] = (
    red_flags,
    labs_out_of_range,
    above_upper_limit,
    hyperkalemia_risk,
    hypermagnesemia_risk,
    hypercalcemia_risk,
    vitamin_k_warfarin,
    quinine,
    spacing,
    cramp_associated_drugs,
    unknown_medications,
    unknown_supplements,
    not_counted,
)


def _quinine_intro(name: str) -> str:
    """Name a brand as quinine; do not repeat the word when the entry is plain quinine."""
    return "" if name.strip().lower() == "quinine" else f"{name} is quinine. "
