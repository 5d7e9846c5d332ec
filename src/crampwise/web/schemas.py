"""Request bodies of the JSON API (they describe the API in its OpenAPI schema).

Types are kept loose on purpose where the domain has the rule (dates, times, names,
ranges): the domain validates once, with the same neutral messages the CLI shows, and
the API returns them as 422 with the field's JSON path. Unknown keys are refused.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field

from crampwise import vocab

__all__ = [
    "AdherenceIn",
    "AfterEffectIn",
    "EpisodeEdit",
    "EpisodeIn",
    "ExperimentPlanIn",
    "ExperimentStartIn",
    "ExperimentStopIn",
    "FactorIn",
    "LabIn",
    "MedicationIn",
    "NightIn",
    "PairIn",
    "ProfileIn",
    "RedFlagIn",
    "RegimenIn",
    "RegimenSwitchIn",
    "ReliefIn",
    "StopIn",
    "TriggerPointIn",
    "TriggerPointRatingIn",
]

Text = Annotated[str, Field(max_length=2000)]
Name = Annotated[str, Field(max_length=200)]
Day = Annotated[str, Field(max_length=40, description="YYYY-MM-DD, today or yesterday")]


class _In(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ReliefIn(_In):
    """Something tried during the cramp and how well it helped."""

    method: Name = Field(description=", ".join(vocab.RELIEF_METHODS))
    helped: Name | None = Field(None, description="/".join(vocab.RELIEF_HELPED))


class _EpisodeFields(_In):
    side: Name | None = Field(None, description="/".join(vocab.SIDES))
    muscles: Annotated[list[Name], Field(max_length=20)] = Field(
        default_factory=list, description=", ".join(vocab.MUSCLES)
    )
    severity: int | None = Field(None, description="0-10")
    duration_min: float | None = Field(None, description="minutes")
    waves: int | None = Field(None, description="1 or more")
    woke: bool | None = None
    reliefs: Annotated[list[ReliefIn], Field(max_length=20)] = Field(default_factory=list)
    notes: Text | None = None


class EpisodeIn(_EpisodeFields):
    """A cramp: with nothing else, now, in the night now belongs to."""

    at: Name | None = Field(None, description="3am, 03:10, 'around 03:10', '30 min ago'")
    occurred_at: datetime | None = Field(
        None, description="the instant it happened (entries queued offline send this)"
    )
    approximate: bool = Field(False, description="with occurred_at: the time is a guess")
    night: Day | None = Field(None, description="the evening the night began")
    client_id: Annotated[str, Field(min_length=1, max_length=100)] | None = Field(
        None, description="idempotency key: a retried submission is stored once"
    )


class EpisodeEdit(_EpisodeFields):
    """Changes to an episode; only the keys given change. Overwriting a recorded value
    needs ``confirm``; moving a night's only cramp away needs ``emptied_night``."""

    at: Name | None = None
    night: Day | None = None
    confirm: bool = False
    emptied_night: Literal["cramp-free", "missing"] | None = None


class NightIn(_In):
    """A night's check-in: ``none`` (cramp-free) or its total ``cramps``."""

    date: Day | None = Field(None, description="default: last night")
    none: bool = False
    cramps: int | None = None
    sleep_quality: int | None = Field(None, description="0-10")
    notes: Text | None = None
    confirm: bool = False


class RegimenIn(_In):
    """Start a supplement, food, routine or therapy."""

    item: Name
    kind: Name = Field("supplement", description="/".join(vocab.REGIMEN_KINDS))
    form: Name | None = None
    dose: float | None = None
    unit: Name | None = Field(None, description=", ".join(vocab.REGIMEN_UNITS))
    times: Annotated[list[Name], Field(max_length=12)] = Field(
        default_factory=list, description=", ".join(vocab.DOSE_TIMES)
    )
    every: Name | None = Field(
        None, description="how often: day (default), other day, N days, week, N weeks, month"
    )
    date: Day | None = Field(None, description="first day (default today)")
    notes: Text = ""


class RegimenSwitchIn(_In):
    """Change form, dose, unit, times or schedule of an ongoing item from a date."""

    form: Name | None = None
    dose: float | None = None
    unit: Name | None = None
    times: Annotated[list[Name], Field(max_length=12)] | None = None
    every: Name | None = None
    date: Day | None = None
    notes: Text | None = None


class StopIn(_In):
    """Stop an item: ``date`` is the first day without it (default today)."""

    date: Day | None = None


class AdherenceIn(_In):
    """Taken (or missed) on a date, optionally one dose time."""

    item: Name
    date: Day | None = None
    time: Name | None = Field(None, description=", ".join(vocab.DOSE_TIMES))
    taken: bool = True


class MedicationIn(_In):
    """A prescription medicine."""

    name: Name
    dose: float | None = None
    unit: Name | None = None
    times: Annotated[list[Name], Field(max_length=12)] = Field(default_factory=list)
    every: Name | None = Field(
        None, description="how often: day (default), other day, N days, week, N weeks, month"
    )
    start: Day | None = None
    notes: Text = ""


class LabIn(_In):
    """A lab result, with the lab's own reference range when known."""

    test: Name
    value: float
    unit: Name
    date: Day | None = None
    range_low: float | None = None
    range_high: float | None = None
    confirm: bool = False


class FactorIn(_In):
    """A daily context factor (fluids, heat, custom …)."""

    name: Name
    value: float | bool | Name
    unit: Name | None = None
    date: Day | None = None
    confirm: bool = False


class TriggerPointIn(_In):
    """A tender spot found on a muscle."""

    muscle: Name
    side: Name
    spot: Name = ""
    tenderness: int | None = None
    date: Day | None = None
    notes: Text = ""


class TriggerPointRatingIn(_In):
    """Tenderness 0-10 on a date."""

    tenderness: int
    date: Day | None = None
    confirm: bool = False


class RedFlagIn(_In):
    """An answer to a red-flag question."""

    present: bool
    date: Day | None = None


class PairIn(_In):
    """Exchange a one-time pairing code for this device's cookie."""

    code: Name
    name: Name = "phone"


class AfterEffectIn(_In):
    """Soreness or a knot after a cramp, rated 0-10 on a day on or after its night."""

    kind: Name = Field(description="/".join(vocab.AFTER_EFFECT_KINDS))
    rating: int = Field(description="0-10")
    date: Day | None = Field(None, description="default today")


class ProfileIn(_In):
    """Profile fields to change; a field left out (or null) keeps its value."""

    birth_year: int | None = None
    sex: Name | None = Field(None, description="/".join(vocab.SEXES))
    kidney_disease: bool | None = None
    timezone: Name | None = Field(None, description="an IANA name such as Europe/Berlin")
    bedtime: Name | None = Field(None, description="HH:MM")
    pregnant: bool | None = None
    breastfeeding: bool | None = None


Count = Annotated[int, Field(ge=0, le=10**6)]
Amount = Annotated[float, Field(ge=0, le=10**6)]


class ExperimentPlanIn(_In):
    """An N-of-1 experiment's options (the planner checks them and says what is allowed)."""

    item: Name = Field(description="what to test, e.g. calcium, magnesium, stretching")
    dose: Name | float | None = Field(None, description="per intake, e.g. 1000mg or 1000")
    unit: Name | None = None
    comparator: Name | None = Field(None, description="none (default) or another item")
    period_weeks: Count | None = Field(None, description="weeks per period (default 4)")
    washout_days: Count | None = Field(None, description="default: the item's")
    pairs: Count | None = Field(None, description="pairs of periods (default 3)")
    seed: Count | None = Field(None, description="seed of the random order")
    start: Day | None = Field(None, description="first night (default tomorrow)")
    baseline_per_week: Amount | None = Field(None, description="default: from the diary")
    dispersion: Amount | None = Field(None, description="1 = not clustered")
    interim_looks: bool = False


class ExperimentStartIn(ExperimentPlanIn):
    """Plan and start: ``stop_regimen`` ends the item's ongoing regimen entry when the
    experiment starts; ``anyway`` starts it even if no clear answer is in reach."""

    stop_regimen: bool = False
    anyway: bool = False


class ExperimentStopIn(_In):
    """Stop an experiment (default: the current one) from the night ``date`` on."""

    id: Annotated[int, Field(ge=1, le=2**31 - 1)] | None = None
    reason: Text | None = None
    date: Day | None = None
