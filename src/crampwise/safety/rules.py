"""The safety rules: pure functions ``SafetyContext -> list[Finding]``, and :data:`RULES`.

Each rule looks at one kind of risk and says it plainly, with its sources. This module holds
the limits and the interactions; :mod:`~crampwise.safety.medicines` the rules about
medicines, :mod:`~crampwise.safety.flags` those about labs, red flags and the profile. The
interaction rules are driven by ``knowledge/data/interactions.csv`` (one row per supplement
x drug class/drug/kidney function/high lab), so adding a row adds a check; a drug's own row
(its label's spacing times) takes the place of its class's. Rules never recommend a
treatment; they say what is known and who to ask; a prescribed medicine is never to be
stopped on the person's own. Severity policy: docs/knowledge.md.
"""

from __future__ import annotations

__all__ = [
    "DVT_CONTEXT",
    "DVT_SIGNS",
    "RULES",
    "Rule",
    "above_upper_limit",
    "hypercalcemia_risk",
    "hyperkalemia_risk",
    "hypermagnesemia_risk",
    "not_counted",
    "spacing",
    "vitamin_k_warfarin",
]

from collections.abc import Callable

from crampwise import knowledge as kb
from crampwise.safety.context import Finding, SafetyContext, SupplementUse
from crampwise.safety.flags import (
    DVT_CONTEXT,
    DVT_SIGNS,
    labs_out_of_range,
    life_stage_notes,
    meant_for_adults,
    red_flags,
)
from crampwise.safety.medicines import (
    cinchona,
    cramp_associated_drugs,
    duplicate_medications,
    magnesium_lowering_drugs,
    quinine,
    unknown_forms,
    unknown_medications,
    unknown_supplements,
)
from crampwise.safety.nutrition import NutrientTotal

Rule = Callable[[SafetyContext], list[Finding]]

#: What exceeding each upper limit risks, in plain words (from the limit's source).
_UL_RISK: dict[str, str] = {
    "magnesium": "above it, diarrhoea becomes likely",
    "calcium": "above it, the risk of kidney stones rises",
    "vitamin-d": "above it, the risk of harm rises",
    "sodium": "eating less than this lowers the risk of high blood pressure and heart disease",
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
    name = t.display_name
    # an item taken once a week still puts its whole dose into the day it is taken
    a_day = "a day" if all(c.every == "day" for c in counted) else "on a day you take them"
    if t.ul_scope == "supplements":
        what = f"Your supplements give {_fmt(t.compared, t.unit)} of {name} {a_day} ({parts})"
        scope = f"from supplements and medicines ({name} in food does not count)"
    else:
        what = f"Food and supplements give {_fmt(t.compared, t.unit)} of {name} {a_day}"
        what += f" ({parts})"
        scope = "from all sources"
    who = "at your age" if ctx.age_known else _unknown_age_band(t.nutrient, upper_limit)
    if t.limit_kind == "CDRR":  # sodium: a risk-reduction intake, not a toxic limit
        message = (
            f"{what}. The chronic-disease risk-reduction intake {who} is "
            f"{_fmt(upper_limit, t.unit)} a day {scope}; {_UL_RISK[t.nutrient]}. Ask your "
            "doctor before cutting down if you take salt on medical advice."
        )
        severity = "caution"
    else:
        message = (
            f"{what}. The upper limit {who} is {_fmt(upper_limit, t.unit)} a day {scope}; "
            f"{_UL_RISK.get(t.nutrient, 'above it, the risk of harm rises')}. "
            "Ask your doctor or pharmacist before staying above it."
        )
        severity = "warning"
    return Finding(
        "above-upper-limit", severity, message, [c.item for c in counted], kb.cite(t.sources)
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
            f"crampwise could not count {kb.display_name(item)!r} in your daily totals: "
            f"{_sentence(reason)} "
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


_NOT_ON_YOUR_OWN = "do not stop or change a prescribed medicine on your own."

#: What to do, by the kind of rule row: (for a supplement, for a prescribed medicine).
_ADVICE: dict[str, tuple[str, str]] = {
    "drug": (
        "Take it only if your doctor agrees and checks your blood {nutrient}.",
        "Check with your prescriber that they know you take both and that your blood "
        "{nutrient} is checked; " + _NOT_ON_YOUR_OWN,
    ),
    "kidney-reduced": (
        "Ask your doctor (or kidney doctor) before taking it.",
        "Check with your prescriber that they know about your kidney function; " + _NOT_ON_YOUR_OWN,
    ),
    "kidney-severe": (
        "Do not take it unless your kidney doctor says so.",
        "Contact your prescriber today; " + _NOT_ON_YOUR_OWN,
    ),
    "lab-high": (
        "Do not take more until you have asked your doctor.",
        "Contact your prescriber today; " + _NOT_ON_YOUR_OWN,
    ),
}


def _advice(ix: kb.Interaction, supplement: SupplementUse) -> str:
    kind = ix.target if ix.target_kind == "condition" else ix.target_kind
    plain, prescribed = _ADVICE.get(kind, _ADVICE["drug"])
    text = prescribed if supplement.prescribed else plain
    return text.format(nutrient=ix.nutrient)


def _targets(ctx: SafetyContext, ix: kb.Interaction) -> list[tuple[str, list[str]]]:
    """(text for {drug}, item names) for everything in the diary this rule row applies to."""
    if ix.target_kind == "class":
        return [(m.label, [m.name]) for m in ctx.medications if m.has_class(ix.target)]
    if ix.target_kind == "drug":
        return [(m.label, [m.name]) for m in ctx.medications if m.has_drug(ix.target)]
    if ix.target_kind == "condition" and ix.target == "kidney-reduced":
        return [(ctx.kidney.detail, [])] if ctx.kidney.reduced else []
    if ix.target_kind == "condition" and ix.target == "kidney-severe":
        return [(ctx.kidney.detail, [])] if ctx.kidney.severe else []
    if ix.target_kind == "lab-high":
        lab = ctx.labs.get(ix.target)
        return [(lab.describe(), [])] if lab is not None and lab.is_high else []
    return []


def _shadowed(ctx: SafetyContext, ix: kb.Interaction, items: list[str]) -> bool:
    """A class row gives way to a drug's own row (ciprofloxacin's label times rather than
    the quinolone class's), and "reduced" kidney function to "severe"."""
    if ix.target_kind == "class" and items:
        meds = [m for m in ctx.medications if m.name in items]
        return any(
            other.code == ix.code and other.nutrient == ix.nutrient and m.has_drug(other.target)
            for other in kb.interactions()
            if other.target_kind == "drug"
            for m in meds
        )
    return ix.target == "kidney-reduced" and ctx.kidney.severe


def _interaction_findings(ctx: SafetyContext, code: str) -> list[Finding]:
    return [finding for _, finding in _interaction_pairs(ctx, code)]


def _interaction_pairs(ctx: SafetyContext, code: str) -> list[tuple[kb.Interaction, Finding]]:
    """(rule row, finding) for every row of ``code`` that applies."""
    found: list[tuple[kb.Interaction, Finding]] = []
    for ix in kb.interactions():
        if ix.code != code:
            continue
        for supplement in ctx.supplements_of(ix.nutrient):
            for drug_text, items in _targets(ctx, ix):
                if _shadowed(ctx, ix, items):
                    continue
                message = ix.message.format(
                    drug=drug_text,
                    supplement=supplement.label,
                    advice=_advice(ix, supplement),
                )
                message += _same_time_note(ctx, ix, supplement.intake.times, items)
                sources = [*ix.sources]
                if ix.target_kind == "condition":
                    sources += ctx.kidney.sources
                finding = Finding(
                    code, ix.severity, message, [supplement.intake.item, *items], kb.cite(sources)
                )
                found.append((ix, finding))
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
    """Potassium with an ACE inhibitor/ARB/K-sparing diuretic, reduced kidney function, high K."""
    return _interaction_findings(ctx, "hyperkalemia-risk")


def hypercalcemia_risk(ctx: SafetyContext) -> list[Finding]:
    """Calcium supplement with high blood calcium, a thiazide, digoxin, lithium, calcitriol.

    With a high blood calcium the thiazide is named in that warning (it makes the kidneys
    keep calcium) instead of a separate "ask whether your calcium should be checked".
    """
    pairs = _interaction_pairs(ctx, "hypercalcemia-risk")
    high = {f.items[0] for ix, f in pairs if ix.target_kind == "lab-high"}
    thiazide_meds = [m for m in ctx.medications if m.has_class("thiazide-diuretic")]
    thiazides = [m.name for m in thiazide_meds]
    found: list[Finding] = []
    for ix, finding in pairs:
        supplement = finding.items[0]
        if ix.target == "thiazide-diuretic" and supplement in high:
            continue  # said in the high-calcium warning below
        if ix.target_kind == "lab-high" and thiazides:
            note = (
                f" {', '.join(m.label for m in thiazide_meds)} (a thiazide-type diuretic) "
                "also makes the kidneys "
                "keep calcium."
            )
            found.append(
                Finding(
                    finding.code,
                    finding.severity,
                    finding.message + note,
                    [*finding.items, *thiazides],
                    finding.sources,
                )
            )
            continue
        found.append(finding)
    return found


def hypermagnesemia_risk(ctx: SafetyContext) -> list[Finding]:
    """Magnesium supplement with reduced kidney function or high blood magnesium."""
    return _interaction_findings(ctx, "hypermagnesemia-risk")


def spacing(ctx: SafetyContext) -> list[Finding]:
    """Calcium/magnesium with tetracyclines, quinolones, bisphosphonates, levothyroxine, iron …"""
    return _interaction_findings(ctx, "spacing")


def vitamin_k_warfarin(ctx: SafetyContext) -> list[Finding]:
    """Vitamin K supplement with warfarin or another vitamin K antagonist."""
    return _interaction_findings(ctx, "vitamin-k-warfarin")


#: Every rule, in the order they are documented; :func:`crampwise.safety.check` runs them all.
RULES: tuple[Rule, ...] = (
    red_flags,
    labs_out_of_range,
    meant_for_adults,
    above_upper_limit,
    hyperkalemia_risk,
    hypermagnesemia_risk,
    hypercalcemia_risk,
    vitamin_k_warfarin,
    quinine,
    cinchona,
    spacing,
    duplicate_medications,
    cramp_associated_drugs,
    magnesium_lowering_drugs,
    unknown_medications,
    unknown_supplements,
    unknown_forms,
    not_counted,
    life_stage_notes,
)
