"""Rules about the person: lab results, red flags, and who the diary belongs to (under 18,
pregnant or breastfeeding).

Each rule is a pure function ``SafetyContext -> list[Finding]``; they are run with the
others from :data:`crampwise.safety.rules.RULES`.
"""

from __future__ import annotations

__all__ = [
    "DVT_CONTEXT",
    "DVT_SIGNS",
    "labs_out_of_range",
    "life_stage_notes",
    "meant_for_adults",
    "red_flags",
]

from crampwise import knowledge as kb
from crampwise.safety.context import Finding, LabValue, MedicationUse, SafetyContext

#: Red flags that are signs of a blood clot, and the risk questions asked alongside them.
DVT_SIGNS: tuple[str, ...] = ("one-sided-calf-swelling-warmth", "breathless-or-chest-pain")
DVT_CONTEXT: tuple[str, ...] = ("long-journey", "recent-surgery")
_CONTEXT_WORDS = {
    "long-journey": "a long journey",
    "recent-surgery": "a recent operation or hospital stay",
}


def labs_out_of_range(ctx: SafetyContext) -> list[Finding]:
    """Latest lab results outside their range; same-day thresholds for critical values.

    The lab's own range when entered, else the shipped adult range; very low or high
    potassium, sodium, calcium and magnesium are urgent.
    """
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
    """Red-flag answers, long cramps, cramps outside the legs: see a clinician (how soon varies).

    An ambulance for a cold pale leg or breathlessness; the same day for signs of a clot.
    """
    by_flag: dict[str, list[str]] = {}
    for hit in ctx.red_flags:
        by_flag.setdefault(hit.flag.id, []).append(hit.detail)
    found: list[Finding] = []
    for flag_id, details in by_flag.items():
        flag = kb.red_flags()[flag_id]
        message = f"{flag.message} ({'; '.join(details)}.)"
        sources = list(flag.sources)
        if flag_id in DVT_SIGNS:
            risks = _clot_risks(ctx)
            if risks:
                message += f" Things that make a clot more likely apply to you: {risks}."
        if flag_id == "dark-urine-muscle-pain":
            statins = [m.label for m in ctx.medications if m.has_class("statin")]
            if statins:
                message += (
                    f" You take {', '.join(statins)} (a statin): tell the clinician; "
                    "do not wait for your next appointment."
                )
        found.append(Finding("red-flag", flag.severity, message, [flag_id], kb.cite(sources)))
    return found


def _clot_risks(ctx: SafetyContext) -> str:
    """The clot risk factors the diary shows: answers, pregnancy, oestrogen medicines."""
    risks = [
        _CONTEXT_WORDS[flag]
        for flag in DVT_CONTEXT
        if flag in ctx.answers and ctx.answers[flag].present
    ]
    if ctx.stage == "pregnant":
        risks.append("pregnancy")
    hormones = [m.label for m in ctx.medications if _oestrogen_type(m)]
    if hormones:
        risks.append(f"an oestrogen-type medicine ({', '.join(hormones)})")
    return "; ".join(risks)


def _oestrogen_type(med: MedicationUse) -> bool:
    """An oestrogen, the pill or HRT, or a SERM: each makes a clot more likely."""
    return any(med.has_class(c) for c in ("estrogen", "estrogen-containing", "serm"))


def meant_for_adults(ctx: SafetyContext) -> list[Finding]:
    """A profile under 18: crampwise's limits and rules are for adults."""
    if not ctx.age_known or min(ctx.ages) >= 18:  # born this year 18 years ago: maybe 17
        return []
    return [
        Finding(
            "for-adults",
            "caution",
            "crampwise is meant for adults. Your profile's birth year says you may be under "
            "18: "
            "its interaction rules and red flags are written for adults (only the upper "
            "limits follow your age). Cramps in a child or teenager need a doctor's "
            "assessment, and any supplement needs a doctor's or pharmacist's advice.",
            [],
            [],
        )
    ]


def life_stage_notes(ctx: SafetyContext) -> list[Finding]:
    """Pregnancy and breastfeeding: which reference values are used, and clot risk."""
    if ctx.stage == "pregnant":
        return [
            Finding(
                "pregnancy",
                "info",
                "Your profile says you are pregnant. Leg cramps are common in pregnancy. "
                "Pregnancy makes blood clots in the legs more likely: one swollen, painful, "
                "warm or red leg needs medical advice the same day. The daily totals use the "
                "reference intakes for pregnancy where they differ. Ask your midwife or "
                "doctor before taking any supplement or medicine.",
                [],
                kb.cite(["nhs-leg-cramps", "nhs-dvt", "iom-1997-mg", "nasem-2019-k"]),
            )
        ]
    if ctx.stage == "lactating":
        return [
            Finding(
                "breastfeeding",
                "info",
                "Your profile says you are breastfeeding. The daily totals use the reference "
                "intakes for breastfeeding where they differ. Ask your midwife, doctor or "
                "pharmacist before taking any supplement or medicine.",
                [],
                kb.cite(["iom-1997-mg", "nasem-2019-k"]),
            )
        ]
    return []
