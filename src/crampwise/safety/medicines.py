"""Rules about the medicines themselves: quinine and its relatives, cramp-associated drugs,
the same medicine twice, and names crampwise does not know (a typo next to an interacting
supplement is raised, not left as a quiet note).

Each rule is a pure function ``SafetyContext -> list[Finding]``; they are run with the
others from :data:`crampwise.safety.rules.RULES`.
"""

from __future__ import annotations

__all__ = [
    "cinchona",
    "cramp_associated_drugs",
    "duplicate_medications",
    "magnesium_lowering_drugs",
    "quinine",
    "unknown_forms",
    "unknown_medications",
    "unknown_supplements",
]

from datetime import timedelta

from crampwise import knowledge as kb
from crampwise.safety.context import Finding, MedicationUse, SafetyContext, SupplementUse
from crampwise.safety.nutrition import Intake

_FDA_QUININE = (
    "Quinine is not recommended for leg cramps: the US FDA warns that it can cause serious "
    "and life-threatening blood problems (very low platelets, HUS/TTP) and kidney damage, and "
    "that for cramps the risk outweighs the benefit. crampwise never suggests it."
)


def quinine(ctx: SafetyContext) -> list[Finding]:
    """Any quinine or hydroquinine (medication or 'supplement'): never recommended (FDA)."""
    return [
        Finding(
            "quinine",
            "warning",
            f"{_quinine_intro(m)}{_FDA_QUININE} Talk to your prescriber about it; if you "
            "notice bleeding, bruising, blood in urine or stool, or purple spots, stop it and "
            "get medical help today.",
            [m.name],
            kb.cite(["fda-quinine", *(["aan-2010"] if m.has_drug("hydroquinine") else [])]),
        )
        for m in ctx.medications
        if m.has_class("quinine")
    ]


def _quinine_intro(med: MedicationUse) -> str:
    """Name a brand as quinine; do not repeat the word when the entry is plain quinine."""
    if med.has_drug("hydroquinine"):
        return (
            f"{med.label} is hydroquinine, a close relative of quinine (guidelines group them "
            "together); crampwise treats it as quinine. "
        )
    return "" if med.name.strip().lower() == "quinine" else f"{med.label} is quinine. "


def cinchona(ctx: SafetyContext) -> list[Finding]:
    """Products with cinchona, the bark quinine comes from (Hyland's Leg Cramps)."""
    return [
        Finding(
            "quinine",
            "caution",
            f"{m.label} contains cinchona, the bark quinine comes from; its label says to ask a "
            "doctor before use if you are sensitive to quinine. If you notice bleeding, "
            "bruising, purple spots or blood in urine or stool, stop it and get medical help "
            "today. crampwise never suggests quinine for cramps.",
            [m.name],
            kb.cite(["label-hylands", "fda-quinine"]),
        )
        for m in ctx.medications
        if m.has_class("cinchona") and not m.has_class("quinine")
    ]


def cramp_associated_drugs(ctx: SafetyContext) -> list[Finding]:
    """Each medication linked with cramps, with the strength of that evidence."""
    found: list[Finding] = []
    for med in ctx.medications:
        evidence = _evidence(med)
        if not evidence:
            continue
        links = "; ".join(f"{label}: {ev.describe()}" for label, ev in evidence)
        generic = med.match.generic
        same = med.name.casefold() == generic.casefold()
        named = med.label if same else f"{med.label} ({generic})"
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


def magnesium_lowering_drugs(ctx: SafetyContext) -> list[Finding]:
    """A proton-pump inhibitor (omeprazole, Nexium …): taken long-term it can lower blood
    magnesium (US FDA 2011), a cause of spasms that the person's cramps could hide."""
    found: list[Finding] = []
    for med in ctx.medications:
        if not med.has_class("proton-pump-inhibitor"):
            continue
        generic = med.match.generic
        named = (
            med.label if med.name.casefold() == generic.casefold() else (f"{med.label} ({generic})")
        )
        message = (
            f"{named} is a proton-pump inhibitor. Taken for a long time (in most cases more "
            "than a year), these medicines can lower blood magnesium (US FDA, 2011), and low "
            "magnesium can cause muscle spasms and cramps."
        )
        start = med.intake.start
        if start is not None and ctx.today - start > timedelta(days=365):
            message += f" You have taken it since {start.isoformat()}, over a year."
        severity = "info"
        magnesium = ctx.labs.get("magnesium")
        if magnesium is not None:
            message += f" Your latest magnesium result: {magnesium.describe()}"
            if magnesium.is_low:
                severity = "caution"
                message += ", below the range: show it to your prescriber soon."
            else:
                message += "."
        else:
            message += " Ask your prescriber whether your magnesium should be checked."
        message += " Do not stop a prescribed medicine on your own."
        found.append(
            Finding(
                "magnesium-lowering-drug",
                severity,
                message,
                [med.name],
                kb.cite(["fda-ppi-magnesium-2011"]),
            )
        )
    return found


def _evidence(med: MedicationUse) -> list[tuple[str, kb.CrampEvidence]]:
    """(label, evidence) for each ingredient's own link and each class of the medicine (a
    combination inhaler's LABA + corticosteroid class replaces the plain LABA class)."""
    found: list[tuple[str, kb.CrampEvidence]] = [
        (d.generic, d.cramp) for d in med.match.drugs if d.cramp is not None
    ]
    table = kb.drug_classes()
    for cls in med.match.classes:
        evidence = table[cls].cramp
        if evidence is not None:
            found.append((table[cls].name, evidence))
    return found


def _recent_start(ctx: SafetyContext, med: MedicationUse) -> str:
    start = med.intake.start
    if start is not None and ctx.today - start <= timedelta(days=365):
        return (
            f" You started it on {start.isoformat()}, within the past year: the time in which "
            "the population study (Garrison 2012) saw new cramp treatment begin."
        )
    return ""


def duplicate_medications(ctx: SafetyContext) -> list[Finding]:
    """The same medicine twice: a brand and its generic, or a medicine that is a supplement."""
    found: list[Finding] = []
    meds = ctx.medications
    for i, first in enumerate(meds):
        for later in meds[i + 1 :]:
            shared = _ingredients(first) & _ingredients(later)
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


def _ingredients(med: MedicationUse) -> set[str]:
    """The single medicines in an entry: "losartan/hydrochlorothiazide" is two."""
    return {d.generic for d in med.match.drugs}


_DOUBLE_UP = (
    " Taking both would double up on the same medicine. Check with your pharmacist or "
    "prescriber that both entries are meant, or end the one you no longer take."
)


def _duplicate_drug(first: MedicationUse, later: MedicationUse, shared: list[str]) -> Finding:
    a, b = first.label, later.label
    gen_a, gen_b = first.match.generic, later.match.generic
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
    items = list(dict.fromkeys([later.name, first.name]))
    return Finding("duplicate-medication", "warning", text + _DOUBLE_UP, items, sources)


def _duplicate_nutrient(first: SupplementUse, later: SupplementUse) -> Finding:
    nutrient = first.nutrient.name if first.nutrient is not None else "the same nutrient"
    a, b = first.intake, later.intake

    def where(intake: Intake) -> str:
        return "on your medication list" if intake.kind == "medication" else "a supplement"

    name_a, name_b = kb.display_name(a.item), kb.display_name(b.item)
    message = (
        f"{name_b} ({where(b)}) and {name_a} ({where(a)}) are both {nutrient}: you take it "
        "twice over, and the amounts add up. Check with your prescriber or pharmacist before "
        "taking both."
    )
    return Finding("duplicate-medication", "warning", message, [b.item, a.item], [])


def unknown_medications(ctx: SafetyContext) -> list[Finding]:
    """Medications crampwise does not know: never treated as safe; a likely typo is asked about.

    A name close to a medicine that would interact with a supplement taken is raised to
    caution and the person is asked to confirm the name.
    """
    found: list[Finding] = []
    for med in ctx.medications:
        if med.match.known:
            continue
        unknown = med.match.unknown_parts or (med.name,)
        close = list(dict.fromkeys(s for part in unknown for s in kb.medication_suggestions(part)))
        risky = [name for name in close if _interacts(ctx, name)]
        what = ", ".join(repr(u) for u in unknown)
        if med.match.products and med.match.drugs:
            what += f" (in {med.label})"
        if risky:
            supplements = ", ".join(_interacting_supplements(ctx, risky[0]))
            message = (
                f"crampwise does not know {what}. Did you mean {risky[0]}? Please check the "
                f"spelling: {risky[0]} interacts with {supplements}, which you take, so if "
                "that is the medicine, correct the entry to see the warning that applies. "
                "Ask your pharmacist if you are unsure."
            )
            found.append(Finding("unknown-medication", "caution", message, [med.name], []))
            continue
        hint = f" Did you mean: {', '.join(close)}?" if close else ""
        message = (
            f"crampwise does not know {what} and cannot check it for interactions or for a "
            f"link with cramps. That does not mean it is safe: ask your pharmacist.{hint}"
        )
        found.append(Finding("unknown-medication", "info", message, [med.name], []))
    return found


def _interacting_supplements(ctx: SafetyContext, name: str) -> list[str]:
    """The supplements taken that an interaction row links with the medicine ``name``."""
    match = kb.match_medication(name)
    classes = set(match.classes)
    ids = {d.id for d in match.drugs}
    hits: list[str] = []
    for ix in kb.interactions():
        applies = (ix.target_kind == "class" and ix.target in classes) or (
            ix.target_kind == "drug" and ix.target in ids
        )
        if applies:
            hits += [s.label for s in ctx.supplements_of(ix.nutrient)]
    return list(dict.fromkeys(hits))


def _interacts(ctx: SafetyContext, name: str) -> bool:
    return bool(_interacting_supplements(ctx, name))


def unknown_supplements(ctx: SafetyContext) -> list[Finding]:
    """Supplements crampwise does not know: say so, never treat them as safe."""
    names = [n.name for n in kb.nutrients().values()]
    return [
        Finding(
            "unknown-supplement",
            "info",
            f"crampwise does not know the supplement {s.label!r} and cannot check it for "
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
