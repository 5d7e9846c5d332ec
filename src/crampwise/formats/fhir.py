"""Export a diary as a FHIR R4 ``Bundle`` of type ``collection`` (docs/format.md, "FHIR").

The bundle holds one ``Patient`` (sex and birth year only: crampwise keeps no name), a
``Condition`` coded ICD-10-CM G47.62 (sleep-related leg cramps) with verification status
*unconfirmed* - the person recorded it; crampwise does not diagnose - one ``Observation``
per observed night (its cramp count), one per cramp (SNOMED CT *Cramp*, with severity,
duration, waves, side and muscles), one per lab result (LOINC, in the unit of that code),
and one ``MedicationStatement`` per supplement and per prescription medicine.

Every code comes from ``knowledge/data/fhir_codes.csv``, which cites its source; where no
code could be confirmed (the shin, foot, toes, glute or hand as body sites, a lab with
only a mass-unit code) the element carries text only. Resource ids are name-based UUIDs
under the bundle's own id, so two exports of the same diary with the same ``bundle_id``
are identical.
"""

from __future__ import annotations

import datetime as dt
import uuid
from functools import cache
from typing import Any

from crampwise.formats.jsonrecords import local_clock, number
from crampwise.records import DiaryData, Episode, Lab, Medication, Night, RegimenEntry

TYPE_CHECKING = False  # the project's one convention (docs/architecture.md)
if TYPE_CHECKING:
    from crampwise.knowledge import LabTest

__all__ = ["fhir_bundle", "fhir_codes"]

_UCUM = "http://unitsofmeasure.org"

#: crampwise regimen units → UCUM codes (units without a UCUM code are written as text only).
_UCUM_UNITS = {"mg": "mg", "g": "g", "mcg": "ug", "IU": "[IU]", "ml": "mL", "l": "L"}


@cache
def fhir_codes() -> dict[tuple[str, str], dict[str, str]]:
    """``(use, key)`` → ``{system, code, display, unit}`` from ``fhir_codes.csv``."""
    from crampwise.knowledge import read_table

    return {(r["use"], r["key"]): r for r in read_table("fhir_codes")}


def _coding(use: str, key: str) -> dict[str, str] | None:
    row = fhir_codes().get((use, key))
    if row is None:
        return None
    return {"system": row["system"], "code": row["code"], "display": row["display"]}


def _concept(use: str, key: str, text: str) -> dict[str, Any]:
    coding = _coding(use, key)
    return {"coding": [coding], "text": text} if coding else {"text": text}


def _next_day(day: str) -> str:
    return (dt.date.fromisoformat(day) + dt.timedelta(days=1)).isoformat()


def _last_day(end: str | None) -> str | None:
    """Our ``end`` is the first day without the item; a FHIR period ends on its last day."""
    return None if end is None else (dt.date.fromisoformat(end) - dt.timedelta(days=1)).isoformat()


class _Builder:
    def __init__(self, data: DiaryData, bundle_id: uuid.UUID, today: dt.date) -> None:
        self.data = data
        self.space = bundle_id
        self.today = today.isoformat()
        self.entries: list[dict[str, Any]] = []
        self.patient = self._url("Patient", "patient")

    def _id(self, kind: str, key: str) -> str:
        return str(uuid.uuid5(self.space, f"{kind}/{key}"))

    def _url(self, kind: str, key: str) -> str:
        return f"urn:uuid:{self._id(kind, key)}"

    def add(self, kind: str, key: str, resource: dict[str, Any]) -> None:
        body = {"resourceType": kind, "id": self._id(kind, key), **resource}
        self.entries.append({"fullUrl": self._url(kind, key), "resource": body})

    @property
    def subject(self) -> dict[str, str]:
        return {"reference": self.patient}

    # -- resources -----------------------------------------------------------------------
    def patient_resource(self) -> None:
        p = self.data.profile
        resource: dict[str, Any] = {}
        if p.sex in ("female", "male", "other"):
            resource["gender"] = p.sex
        if p.birth_year is not None:
            resource["birthDate"] = f"{p.birth_year:04d}"  # FHIR dates may be a year alone
        self.add("Patient", "patient", resource)

    def condition(self) -> None:
        cramp_nights = [n.date for n in self.data.nights if n.cramps]
        resource: dict[str, Any] = {
            "clinicalStatus": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-clinical",
                        "code": "active",
                    }
                ]
            },
            "verificationStatus": {
                "coding": [
                    {
                        "system": "http://terminology.hl7.org/CodeSystem/condition-ver-status",
                        "code": "unconfirmed",
                    }
                ]
            },
            "code": _concept(
                "condition", "sleep-related-leg-cramps", "Night-time leg cramps (self-recorded)"
            ),
            "subject": self.subject,
            "asserter": self.subject,
            "note": [
                {
                    "text": "Recorded by the person in a crampwise diary; "
                    "not a diagnosis and not medical advice."
                }
            ],
        }
        if cramp_nights:
            resource["onsetDateTime"] = cramp_nights[0]
        self.add("Condition", "cramps", resource)

    def night(self, n: Night) -> None:
        resource: dict[str, Any] = {
            "status": "final",
            "code": _concept("finding", "cramp", "Leg cramps in the night (count)"),
            "subject": self.subject,
            "effectivePeriod": {"start": n.date, "end": _next_day(n.date)},
            "valueInteger": n.cramps,
        }
        notes = []
        if n.undetailed_cramps:
            notes.append(f"{n.undetailed_cramps} of them counted without details")
        if n.sleep_quality is not None:
            notes.append(f"sleep quality {n.sleep_quality}/10")
        if n.notes:
            notes.append(n.notes)
        if notes:
            resource["note"] = [{"text": "; ".join(notes)}]
        self.add("Observation", f"night/{n.date}", resource)

    def episode(self, e: Episode, index: int) -> None:
        resource: dict[str, Any] = {
            "status": "final",
            "code": _concept("finding", "cramp", "Leg cramp"),
            "subject": self.subject,
        }
        clock = local_clock(e, self.data.timezone)
        if clock is None:
            resource["effectivePeriod"] = {"start": e.night, "end": _next_day(e.night)}
        else:
            day = e.night if clock[0] >= "12:00" else _next_day(e.night)
            resource["effectiveDateTime"] = f"{day}T{clock[0]}:00{clock[1]}"
        if e.muscles or e.side:
            where = ", ".join(m.replace("-", " ") for m in e.muscles) or "leg"
            side = {"both": "both legs", None: ""}.get(e.side, f"{e.side} leg")
            site: dict[str, Any] = {"text": f"{where} ({side})" if side else where}
            # bodySite holds one concept: coded when every muscle lies in one coded region
            # (hamstring and inner thigh are both the thigh); the side is a component
            codings = [_coding("body-site", m) for m in e.muscles]
            if codings and None not in codings and len({c["code"] for c in codings if c}) == 1:
                site = {"coding": [codings[0]], **site}
            resource["bodySite"] = site
        components = []
        if e.severity is not None:
            components.append(
                {
                    "code": {"text": "Severity, self-rated 0-10"},
                    "valueInteger": e.severity,
                }
            )
            band = _severity_band(e.severity)
            if band:
                components.append(
                    {
                        "code": {"text": "Severity grade"},
                        "valueCodeableConcept": _concept("severity", band, band),
                    }
                )
        if e.duration_min is not None:
            components.append(
                {
                    "code": {"text": "Duration"},
                    "valueQuantity": {
                        "value": number(e.duration_min),
                        "unit": "min",
                        "system": _UCUM,
                        "code": "min",
                    },
                }
            )
        if e.waves is not None:
            components.append({"code": {"text": "Waves"}, "valueInteger": e.waves})
        if e.side is not None:
            components.append(
                {
                    "code": {"text": "Laterality"},
                    "valueCodeableConcept": _concept("laterality", e.side, e.side),
                }
            )
        if e.woke is not None:
            components.append({"code": {"text": "Woke from sleep"}, "valueBoolean": e.woke})
        if components:
            resource["component"] = components
        notes = []
        if e.approximate:
            notes.append("time approximate")
        if e.reliefs:
            tried = ", ".join(
                f"{r.method} (helped: {r.helped})" if r.helped else r.method for r in e.reliefs
            )
            notes.append(f"tried: {tried}")
        notes += [f"{a.kind} {a.rating}/10 on {a.date}" for a in e.after_effects]
        if e.notes:
            notes.append(e.notes)
        if notes:
            resource["note"] = [{"text": "; ".join(notes)}]
        self.add("Observation", f"episode/{e.night}/{e.occurred_at or ''}/{index}", resource)

    def lab(self, lab: Lab) -> None:
        from crampwise.knowledge import convert_lab, labs

        known = labs().get(lab.test)
        row = fhir_codes().get(("lab", lab.test))
        value, unit, ucum = lab.value, lab.unit, lab.unit
        low, high = lab.range_low, lab.range_high
        if known is not None and lab.unit in known.units:
            # Written in the unit of its code: the canonical one (molar for the electrolytes),
            # or, where no molar code is confirmed (25-OH vitamin D, zinc), the mass unit.
            unit = _coded_unit(known, row["code"] if row else "")
            factor = known.units[unit]
            value = convert_lab(lab.test, lab.value, lab.unit) / factor
            low = None if low is None else convert_lab(lab.test, low, lab.unit) / factor
            high = None if high is None else convert_lab(lab.test, high, lab.unit) / factor
            ucum = row["unit"] if row else unit
        name = known.name if known else lab.test
        resource: dict[str, Any] = {
            "status": "final",
            "category": [
                {
                    "coding": [
                        {
                            "system": "http://terminology.hl7.org/CodeSystem/observation-category",
                            "code": "laboratory",
                        }
                    ]
                }
            ],
            "code": _concept("lab", lab.test, name),
            "subject": self.subject,
            "effectiveDateTime": lab.date,
            "valueQuantity": _quantity(value, unit, ucum),
        }
        if low is not None or high is not None:
            ref: dict[str, Any] = {}
            if low is not None:
                ref["low"] = _quantity(low, unit, ucum)
            if high is not None:
                ref["high"] = _quantity(high, unit, ucum)
            resource["referenceRange"] = [ref]
        if lab.unit != unit:
            resource["note"] = [{"text": f"reported as {number(lab.value)} {lab.unit}"}]
        self.add("Observation", f"lab/{lab.date}/{lab.test}", resource)

    def statement(self, key: str, name: str, entry: RegimenEntry | Medication) -> None:
        active = entry.end is None or entry.end > self.today
        period: dict[str, str] = {"start": entry.start}
        last = _last_day(entry.end)
        if last is not None:
            period["end"] = last
        resource: dict[str, Any] = {
            "status": "active" if active else "completed",
            "medicationCodeableConcept": {"text": name},
            "subject": self.subject,
            "effectivePeriod": period,
            "informationSource": self.subject,
        }
        dosage = _dosage(entry)
        if dosage:
            resource["dosage"] = [dosage]
        if entry.notes:
            resource["note"] = [{"text": entry.notes}]
        self.add("MedicationStatement", key, resource)


def _severity_band(severity: int) -> str | None:
    """0-10 → the SNOMED CT severity of the FHIR value set (crampwise's own banding: 1-3
    mild, 4-6 moderate, 7-10 severe, as on common 0-10 rating scales; 0 has none)."""
    if severity <= 0:
        return None
    return "mild" if severity <= 3 else "moderate" if severity <= 6 else "severe"


def _coded_unit(known: LabTest, code: str) -> str:
    """The unit whose results carry ``code``: the canonical unit unless the code is another's."""
    if not code or known.loinc_for(known.canonical_unit) == code:
        return known.canonical_unit
    return next((u for u in known.units if known.loinc_for(u) == code), known.canonical_unit)


def _quantity(value: float, unit: str, ucum: str) -> dict[str, Any]:
    return {"value": number(round(value, 4)), "unit": unit, "system": _UCUM, "code": ucum}


def _dosage(entry: RegimenEntry | Medication) -> dict[str, Any] | None:
    parts = []
    dosage: dict[str, Any] = {}
    if entry.dose is not None and entry.unit:
        parts.append(f"{number(entry.dose)} {entry.unit}")
        quantity: dict[str, Any] = {"value": number(entry.dose), "unit": entry.unit}
        if entry.unit in _UCUM_UNITS:
            quantity.update(system=_UCUM, code=_UCUM_UNITS[entry.unit])
        dosage["doseAndRate"] = [{"doseQuantity": quantity}]
    every = entry.every
    if entry.times or every != "day":
        from crampwise.schedule import describe, fhir_period

        if entry.times:
            parts.append(" and ".join(entry.times))
        if every != "day":
            parts.append(describe(every))
        period, period_unit = fhir_period(every)
        repeat: dict[str, Any] = {
            "frequency": max(1, len(entry.times)),
            "period": period,
            "periodUnit": period_unit,
        }
        when = [c["code"] for t in entry.times if (c := _coding("timing", t))]
        if entry.times and len(set(when)) == len(entry.times):
            repeat["when"] = when
        dosage["timing"] = {"repeat": repeat}
    if not parts:
        return None
    return {"text": ", ".join(parts), **dosage}


def fhir_bundle(
    data: DiaryData,
    *,
    now: dt.datetime,
    today: dt.date | None = None,
    bundle_id: uuid.UUID | None = None,
) -> dict[str, Any]:
    """The diary as a FHIR R4 ``Bundle`` (type ``collection``), as a JSON-ready dict.

    ``now`` stamps the bundle; ``today`` decides which statements are still active;
    ``bundle_id`` (default: a new random one) makes the resource ids reproducible.
    """
    space = bundle_id or uuid.uuid4()
    b = _Builder(data, space, today or now.date())
    b.patient_resource()
    b.condition()
    for night in data.nights:
        b.night(night)
    for index, episode in enumerate(data.episodes):
        b.episode(episode, index)
    for lab in data.labs:
        b.lab(lab)
    for entry in data.regimen:
        if entry.kind == "supplement":
            name = f"{entry.item} ({entry.form})" if entry.form else entry.item
            b.statement(f"regimen/{entry.item}/{entry.start}", name, entry)
    for med in data.medications:
        b.statement(f"medication/{med.name}/{med.start}", med.name, med)
    return {
        "resourceType": "Bundle",
        "id": str(space),
        "meta": {"lastUpdated": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")},
        "type": "collection",
        "timestamp": now.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ"),
        "entry": b.entries,
    }
