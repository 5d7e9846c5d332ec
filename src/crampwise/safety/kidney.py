"""Kidney function for the safety rules: from the profile, an eGFR result or a creatinine.

KDIGO grades an eGFR below 60 mL/min/1.73 m² as decreased kidney function and below 30 as
severely decreased. A creatinine result is turned into an eGFR with the CKD-EPI 2021
equation (Inker 2021; no race term). The diary keeps only the birth year and maybe no sex,
so the estimate is made for every age and sex the person may have and the *lowest* is used:
the rules then err on the side of caution. The estimate is shown as an estimate; the lab's
own eGFR, when entered, is the better number.
"""

from __future__ import annotations

__all__ = ["REDUCED_BELOW", "SEVERE_BELOW", "KidneyStatus", "egfr_ckd_epi_2021", "kidney_status"]

from dataclasses import dataclass
from datetime import date

from crampwise.records import Lab, Profile

#: eGFR (mL/min/1.73 m²) below which kidney function counts as reduced / severely reduced.
REDUCED_BELOW = 60.0
SEVERE_BELOW = 30.0

_UMOL_PER_MG_DL = 88.4  # creatinine: 1 mg/dL = 88.4 µmol/L


def egfr_ckd_epi_2021(creatinine_mg_dl: float, age: int, female: bool) -> float:
    """eGFR (mL/min/1.73 m²) by the CKD-EPI 2021 creatinine equation (Inker 2021)."""
    kappa, alpha = (0.7, -0.241) if female else (0.9, -0.302)
    ratio = creatinine_mg_dl / kappa
    egfr: float = 142.0 * min(ratio, 1.0) ** alpha * max(ratio, 1.0) ** -1.200 * 0.9938**age
    return egfr * 1.012 if female else egfr


@dataclass(frozen=True)
class KidneyStatus:
    """How well the kidneys work as far as the diary tells: ``level`` is None (nothing
    says reduced), ``reduced`` or ``severe``; ``detail`` says how we know."""

    level: str | None
    detail: str
    egfr: float | None = None
    sources: tuple[str, ...] = ()

    @property
    def reduced(self) -> bool:
        return self.level is not None

    @property
    def severe(self) -> bool:
        return self.level == "severe"


def _level(egfr: float) -> str | None:
    if egfr < SEVERE_BELOW:
        return "severe"
    return "reduced" if egfr < REDUCED_BELOW else None


def _latest(labs: tuple[Lab, ...], test: str, today: date) -> Lab | None:
    found = [lab for lab in labs if lab.test == test and lab.date <= today.isoformat()]
    return max(found, key=lambda lab: lab.date) if found else None


def kidney_status(
    profile: Profile, labs: tuple[Lab, ...], ages: tuple[int, ...], today: date
) -> KidneyStatus:
    """The worst of: the profile's kidney disease, the latest eGFR, the latest creatinine."""
    candidates: list[KidneyStatus] = []
    if profile.kidney_disease:
        candidates.append(
            KidneyStatus("reduced", "Your profile says you have kidney disease", None, ())
        )
    egfr_lab = _latest(labs, "egfr", today)
    if egfr_lab is not None:
        level = _level(egfr_lab.value)
        text = f"Your eGFR was {egfr_lab.value:g} mL/min/1.73m2 on {egfr_lab.date}"
        candidates.append(KidneyStatus(level, text, egfr_lab.value, ("kdigo-2012",)))
    creatinine = _latest(labs, "creatinine", today)
    if creatinine is not None:
        candidates.append(_from_creatinine(creatinine, profile.sex, ages))
    rank = {None: 0, "reduced": 1, "severe": 2}
    worst = max(candidates, key=lambda k: rank[k.level], default=None)
    if worst is None or worst.level is None:
        return KidneyStatus(None, "")
    return worst


def _from_creatinine(lab: Lab, sex: str | None, ages: tuple[int, ...]) -> KidneyStatus:
    mg_dl = lab.value if lab.unit == "mg/dL" else lab.value / _UMOL_PER_MG_DL
    sexes = [sex == "female"] if sex in ("female", "male") else [True, False]
    adult_ages = [max(age, 18) for age in ages]  # the equation is for adults
    egfr = min(egfr_ckd_epi_2021(mg_dl, age, female) for age in adult_ages for female in sexes)
    who = "for your age and sex" if sex in ("female", "male") else "for your age (sex unknown)"
    text = (
        f"Your creatinine was {lab.value:g} {lab.unit} on {lab.date}, an estimated GFR of about "
        f"{egfr:.0f} mL/min/1.73m2 {who} (CKD-EPI 2021; muscle mass and diet shift this "
        "estimate, so your lab's eGFR is the better number)"
    )
    return KidneyStatus(_level(egfr), text, egfr, ("ckd-epi-2021", "kdigo-2012"))
