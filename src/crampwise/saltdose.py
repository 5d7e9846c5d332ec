"""A mineral dose as the label gives it: the element, or the weight of the salt it is in.

A regimen dose of a mineral is *elemental* (the diary format's rule): "potassium 99 mg".
Labels often print the salt's weight instead ("potassium gluconate 595 mg", about 99 mg
potassium). :func:`salt_dose` says what a dose would be as the element if it were the
salt's weight, and whether it looks like one; :func:`as_element` converts when told to
(``dose_of="salt"``). The salt fractions come from the knowledge base
(``knowledge/data/supplement_forms.csv``, from atomic weights).
"""

from __future__ import annotations

from crampwise import vocab
from crampwise._record import Record, replace
from crampwise.errors import InputError

TYPE_CHECKING = False  # the project's one convention (docs/architecture.md)
if TYPE_CHECKING:
    from crampwise.records import RegimenEntry

__all__ = [
    "DOSE_OF",
    "LOOKS_LIKE_SALT_MG",
    "SaltDose",
    "as_element",
    "label_note",
    "salt_dose",
    "without_label",
]

#: What a dose may be of: the element itself (the default) or the salt's weight.
DOSE_OF: tuple[str, ...] = ("element", "salt")

#: Above this much salt per intake (mg), a dose read as the element is implausible: more
#: than two of the largest tablets weigh (about 1.5 g each), so the dose is more likely the
#: salt's weight printed on the label. 595 mg potassium as the gluconate would be 3.6 g of
#: salt; a usual elemental label is well under it (magnesium 200 mg as the glycinate is
#: 1.4 g; calcium 630 mg as the citrate, two caplets, 3.0 g). Kept high on purpose: a salt
#: weight taken for the element over-counts (the safety rules then err on the safe side),
#: while an element taken for a salt weight would under-count.
LOOKS_LIKE_SALT_MG = 3000.0


class SaltDose(Record):
    """A dose of a mineral given with its salt form; amounts in the dose's unit."""

    nutrient: str  # "potassium"
    salt: str  # "potassium gluconate"
    fraction: float  # the element's share of the salt's weight
    dose: float  # as typed
    unit: str
    element: float  # the element in ``dose`` of the salt, rounded to 0.1
    looks_like_salt: bool  # read as the element, it would need implausibly much salt

    def text(self) -> str:
        """``595 mg potassium gluconate ≈ 99 mg potassium``."""
        shown = f"{self.element:.0f}" if self.element >= 10 else f"{self.element:g}"
        return f"{self.dose:g} {self.unit} {self.salt} ≈ {shown} {self.unit} {self.nutrient}"


def salt_dose(entry: RegimenEntry) -> SaltDose | None:
    """What a checked supplement entry's dose is as the element if it is the salt's weight;
    None when it has no known salt form, no dose, or a unit that is not a weight."""
    if entry.kind != "supplement" or entry.dose is None or entry.unit is None or not entry.form:
        return None
    spec = vocab.UNITS.get(entry.unit)
    if spec is None or spec.kind != "mass" or spec.factor is None:
        return None  # mEq, mmol, IU and tablets count the element (or nothing) already
    from crampwise.knowledge.names import find_supplement_form, match_nutrient

    match = match_nutrient(entry.item, entry.form)
    if match is None:
        return None
    form = match.form or find_supplement_form(match.nutrient.id, entry.form)
    if form is None:
        return None
    salt_mg = entry.dose * spec.factor / form.elemental_fraction
    return SaltDose(
        nutrient=match.nutrient.name,
        salt=f"{match.nutrient.name} {form.form.replace('-', ' ')}",
        fraction=form.elemental_fraction,
        dose=entry.dose,
        unit=entry.unit,
        element=round(entry.dose * form.elemental_fraction, 1),
        looks_like_salt=salt_mg > LOOKS_LIKE_SALT_MG,
    )


def as_element(entry: RegimenEntry, dose_of: str | None, field: str = "") -> RegimenEntry:
    """The entry with its dose as the element: converted when ``dose_of`` is ``salt`` (the
    label's weight is kept in the notes), unchanged otherwise."""
    if dose_of is None:
        return entry
    from crampwise import validate as v

    chosen = v.choice(dose_of, f"{field}dose_of", DOSE_OF)
    if chosen == "element":
        return entry
    if entry.dose is None:
        raise InputError(f"{field}dose", "is needed with a dose of the salt", code="required")
    label = salt_dose(entry)
    if label is None:
        raise InputError(f"{field}dose_of", _why_not(entry), code="conflict-with-field")
    notes = "; ".join([*without_label(entry.notes).split("; "), label_note(label)]).strip("; ")
    return replace(entry, dose=label.element, notes=notes)


def label_note(label: SaltDose) -> str:
    """The note that keeps the label's own words: ``label: 595 mg potassium gluconate``."""
    return f"label: {label.dose:g} {label.unit} {label.salt}"


def without_label(notes: str) -> str:
    """``notes`` without a label note (a new dose makes the old label's words wrong)."""
    return "; ".join(p for p in notes.split("; ") if p and not p.startswith("label: "))


def _why_not(entry: RegimenEntry) -> str:
    """Why a dose cannot be read as a salt's weight (for the error)."""
    from crampwise.knowledge.names import match_nutrient, supplement_forms_of

    spec = vocab.UNITS.get(entry.unit or "")
    if entry.kind != "supplement":
        return f"only a supplement has a salt; {entry.item} is a {entry.kind}"
    match = match_nutrient(entry.item)
    forms = supplement_forms_of(match.nutrient.id) if match is not None else []
    if not forms:
        return f"crampwise knows no salt of {entry.item}; give the dose of the mineral itself"
    if spec is not None and spec.kind != "mass":
        return f"a dose in {entry.unit} counts the mineral itself; a salt's weight is in mg or g"
    known = ", ".join(f.form for f in forms)
    if not entry.form:
        return f"give the form the label names ({known})"
    return f"{entry.form!r} is not a form of {entry.item} crampwise knows; known: {known}"
