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
    "duplicate_medications",
    "hypercalcemia_risk",
    "hyperkalemia_risk",
    "hypermagnesemia_risk",
    "labs_out_of_range",
    "not_counted",
    "quinine",
    "red_flags",
    "spacing",
    "unknown_forms",
    "unknown_medications",
    "unknown_supplements",
    "vitamin_k_warfarin",
]

from collections.abc import Callable
from datetime import timedelta

from crampwise import knowledge as kb
from crampwise.safety.context import (
    Finding,
    LabValue,
    MedicationUse,
    SafetyContext,
    SupplementUse,
)
from crampwise.safety.nutrition import Intake, NutrientTotal

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
    who = "at your age" if ctx.age_known else _unknown_age_band(t.nutrient, upper_limit)
    message = (
        f"{what}. The upper limit {who} is {_fmt(upper_limit, t.unit)} a day {scope}; "
        f"{_UL_RISK.get(t.nutrient, 'above it, the risk of harm rises')}. "
        "Ask your doctor or pharmacist before staying above it."
    )
    return Finding(
        "above-upper-limit", "warning", message, [c.item for c in counted], kb.cite(t.sources)
    )


def _unknown_age_band(nutrient: str, upper_limit: float) -> str:
    """Who ``upper_limit`` applies to, said plainly when the birth year is unknown.

    The magnesium limit of 350 mg applies from age 9, so it is "for adults (it applies from
    age 9)", not "for older adults"; calcium's 2,000 mg is the lowest adult limit (51+).
    """
    starts = [
        row.age_min
        for row in kb.nutrient_limits()
        if row.nutrient == nutrient and row.upper_limit == upper_limit
    ]
    if not starts:
        return "for adults (your birth year is unknown)"
    start = min(starts)
    if start <= 19:
        return f"for adults (it applies from age {start})"
    return (
        f"for adults aged {start} and over (the lowest adult limit, used because your birth "
        "year is unknown)"
    )


def _sentence(text: str) -> str:
    """``text`` ending in exactly one full stop (or its own ? or !)."""
    text = text.rstrip()
    return text if text.endswith((".", "?", "!")) else text + "."


def not_counted(ctx: SafetyContext) -> list[Finding]:
    """Entries whose nutrients could not be added up (unknown food, dose in tablets …)."""
    return [
        Finding(
            "not-counted",
            "info",
            f"crampwise could not count {item!r} in your daily totals: {_sentence(reason)} "
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
            named = med.name if med.name == drug.generic else f"{med.name} ({drug.generic})"
            message = f"{named} is linked with leg cramps. {links}"
            message = message if message.endswith(".") else message + "."
            if any("garrison-2012" in ev.sources for _, ev in evidence):
                message += _recent_start(ctx, med)
            message += (
                " A link is not proof that it causes your cramps. Do not stop a prescribed "
                "medicine on your own; ask your prescriber whether it could play a part."
            )
            sources = [key for _, ev in evidence for key in ev.sources]
            found.append(
                Finding("cramp-associated-drug", "info", message, [med.name], kb.cite(sources))
            )
    return found


def duplicate_medications(ctx: SafetyContext) -> list[Finding]:
    """The same medicine twice: a brand and its generic, or a medicine that is a supplement."""
    found: list[Finding] = []
    meds = ctx.medications
    for i, first in enumerate(meds):
        for later in meds[i + 1 :]:
            shared = _generics(first) & _generics(later)
            if shared:
                found.append(_duplicate_drug(first, later, sorted(shared)))
    minerals = [s for s in ctx.supplements if s.nutrient is not None]
    for i, use in enumerate(minerals):
        for other in minerals[i + 1 :]:
            same = use.nutrient == other.nutrient
            prescribed = "medication" in (use.intake.kind, other.intake.kind)
            if same and prescribed:
                found.append(_duplicate_nutrient(use, other))
    return found


def _generics(med: MedicationUse) -> set[str]:
    """The single medicines in an entry: "losartan/hydrochlorothiazide" is two."""
    return {part.strip() for d in med.match.drugs for part in d.generic.split("/")}


_DOUBLE_UP = (
    " Taking both would double up on the same medicine. Check with your pharmacist or "
    "prescriber that both entries are meant, or end the one you no longer take."
)


def _duplicate_drug(first: MedicationUse, later: MedicationUse, shared: list[str]) -> Finding:
    a, b = first.name, later.name
    gen_a = " + ".join(d.generic for d in first.match.drugs)
    gen_b = " + ".join(d.generic for d in later.match.drugs)
    if a.casefold() == b.casefold():
        text = f"{b} is on your list twice."
    elif gen_a == gen_b and b.casefold() != gen_b.casefold():
        text = f"{b} is {gen_b}, already on your list as {a}."
    elif gen_a == gen_b:
        text = f"{a} is {gen_a}, so {b} is already on your list (as {a})."
    else:
        named_a = a if a.casefold() == gen_a.casefold() else f"{a} ({gen_a})"
        named_b = b if b.casefold() == gen_b.casefold() else f"{b} ({gen_b})"
        text = f"{named_b} and {named_a} both contain {' and '.join(shared)}."
    generics = {gen_a.casefold(), gen_b.casefold()}
    brand = a.casefold() != b.casefold() and not {a.casefold(), b.casefold()} <= generics
    sources = kb.cite(["label-brands"]) if brand else []
    items = list(dict.fromkeys([b, a]))
    return Finding("duplicate-medication", "warning", text + _DOUBLE_UP, items, sources)


def _duplicate_nutrient(first: SupplementUse, later: SupplementUse) -> Finding:
    nutrient = first.nutrient.name if first.nutrient is not None else "the same nutrient"
    a, b = first.intake, later.intake

    def where(intake: Intake) -> str:
        return "on your medication list" if intake.kind == "medication" else "a supplement"

    message = (
        f"{b.item} ({where(b)}) and {a.item} ({where(a)}) are both {nutrient}: you take it "
        "twice over, and the amounts add up. Check with your prescriber or pharmacist before "
        "taking both."
    )
    return Finding("duplicate-medication", "warning", message, [b.item, a.item], [])


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


def unknown_forms(ctx: SafetyContext) -> list[Finding]:
    """A supplement form crampwise does not know: the dose is taken as the nutrient itself."""
    found: list[Finding] = []
    for s in ctx.supplements:
        if s.nutrient is None or s.unknown_form is None:
            continue
        n = s.nutrient
        known = [f.form for f in kb.supplement_forms_of(n.id)]
        what = f"elemental {n.name}" if n.mg_per_mmol is not None else f"{n.name} itself"
        listing = (
            f"Known forms of {n.name}: {', '.join(known)}."
            if known
            else f"crampwise lists no forms of {n.name}."
        )
        message = (
            f"crampwise does not know the form {s.unknown_form!r} of {n.name}; the dose is "
            f"taken to be {what}. {listing} If the label gives the amount of {n.name} per "
            "tablet, enter that amount."
        )
        found.append(Finding("unknown-form", "info", message, [s.intake.item], []))
    return found


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
    sources: list[str] = []
    if lab.is_high or lab.is_low:
        if lab.own_range:
            whose = "the lab's own range"
        else:
            whose = "a typical adult range; labs differ, so compare with the range on your report"
            sources += spec.range_sources
        message += f" is {side} the range {_range_text(lab)} {lab.range_unit} ({whose})."
    else:
        message += "."
    if urgent_high or urgent_low:
        limit = spec.urgent_high if urgent_high else spec.urgent_low
        unit = spec.canonical_unit
        if lab.range_unit != unit:
            message += f" That is {lab.canonical:.3g} {unit}."
        message += (
            f" A value {side} {limit:g} {unit} needs prompt attention: contact your clinician "
            "today."
        )
        sources += spec.urgent_sources
        return Finding("lab-out-of-range", "urgent", message, [spec.test], kb.cite(sources))
    message += " Show this result to your clinician soon."
    return Finding("lab-out-of-range", "warning", message, [spec.test], kb.cite(sources))


def _range_text(lab: LabValue) -> str:
    if lab.low is not None and lab.high is not None:
        return f"{lab.low:g}-{lab.high:g}"
    return f"at least {lab.low:g}" if lab.low is not None else f"up to {lab.high:g}"


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
    duplicate_medications,
    cramp_associated_drugs,
    unknown_medications,
    unknown_supplements,
    unknown_forms,
    not_counted,
)


def _quinine_intro(name: str) -> str:
    """Name a brand as quinine; do not repeat the word when the entry is plain quinine."""
    return "" if name.strip().lower() == "quinine" else f"{name} is quinine. "
