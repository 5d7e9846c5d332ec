"""The person's context: profile, lab results, daily factors, trigger points, red flags."""

from __future__ import annotations

import datetime as dt
from typing import Any

from crampwise import validate as v
from crampwise import vocab
from crampwise._record import Record, replace
from crampwise.errors import ConfirmationRequired, ConflictError, InputError, NotFoundError
from crampwise.records import (
    Factor,
    Lab,
    Profile,
    RedFlagAnswer,
    TriggerPoint,
    TriggerPointRating,
)
from crampwise.rules import same_trigger_point
from crampwise.timeparse import zone

TYPE_CHECKING = False  # the project's one convention (docs/architecture.md)
if TYPE_CHECKING:
    from crampwise.clock import Clock
    from crampwise.storage.store import Store

__all__ = [
    "ContextModule",
    "RedFlagStatus",
    "check_bedtime",
    "check_lab",
    "check_profile",
    "check_trigger_point",
]


class RedFlagStatus(Record):
    """A red-flag question with the latest answer to it (``answer`` None: not answered)."""

    flag: str
    question: str
    urgency: str
    message: str
    answer: bool | None = None
    answered_on: str | None = None


def _shown(value: float | bool | str, unit: str | None) -> str:
    """A factor value as a person wrote it: 2000 ml, yes, heels."""
    if isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, float):
        text = f"{value:g}"
    else:
        text = str(value)
    return f"{text} {unit}" if unit else text


def check_profile(profile: Profile, field: str, today: dt.date) -> Profile:
    """Validate a profile."""
    birth_year = profile.birth_year
    if birth_year is not None:
        birth_year = v.int_range(birth_year, f"{field}birth_year", 1900, today.year)
    sex = None if profile.sex is None else v.choice(profile.sex, f"{field}sex", vocab.SEXES)
    for name in ("kidney_disease", "pregnant", "breastfeeding"):
        flag = getattr(profile, name)
        if flag is not None and not isinstance(flag, bool):
            raise InputError(f"{field}{name}", f"{v.shown(flag)} is not true/false")
    tz = profile.timezone
    if tz is not None:
        if not isinstance(tz, str):
            raise InputError(f"{field}timezone", f"{v.shown(tz)} is not a time zone name")
        if not tz.strip():
            raise InputError(
                f"{field}timezone", "is empty; give a name such as Europe/Berlin", code="required"
            )
        zone(tz, f"{field}timezone")
    bedtime = None if profile.bedtime is None else check_bedtime(profile.bedtime, f"{field}bedtime")
    return Profile(
        birth_year=birth_year,
        sex=sex,
        kidney_disease=profile.kidney_disease,
        timezone=tz,
        bedtime=bedtime,
        pregnant=profile.pregnant,
        breastfeeding=profile.breastfeeding,
    )


def check_bedtime(value: Any, field: str) -> str:
    """A local clock time ``HH:MM`` (``21:30``; ``9:30`` is read as 09:30)."""
    hours, colon, minutes = value.partition(":") if isinstance(value, str) else ("", "", "")
    if (
        colon
        and hours.isdecimal()
        and minutes.isdecimal()
        and len(hours) <= 2
        and len(minutes) == 2
        and int(hours) < 24
        and int(minutes) < 60
    ):
        return f"{int(hours):02d}:{minutes}"
    raise InputError(field, f"{v.shown(value)} is not a time of day; use HH:MM, e.g. 22:30")


def check_lab(lab: Lab, field: str, today: dt.date | None) -> Lab:
    """Validate a lab result."""
    test = v.lab_test(lab.test, f"{field}test")
    low = None if lab.range_low is None else v.number(lab.range_low, f"{field}range_low")
    high = None if lab.range_high is None else v.number(lab.range_high, f"{field}range_high")
    if low is not None and high is not None and low > high:
        raise InputError(
            f"{field}range_high",
            f"{high:g} is below the range's lower end {low:g}",
            code="conflict-with-field",
        )
    value = v.number(lab.value, f"{field}value")
    unit = v.lab_unit(test, lab.unit, f"{field}unit")
    from crampwise.knowledge import plausible_lab

    problem = plausible_lab(test, value, unit)  # catches unit mix-ups, not health limits
    if problem is not None:
        raise InputError(f"{field}value", problem, code="out-of-range")
    return replace(
        lab,
        date=v.iso_date(lab.date, f"{field}date", today),
        test=test,
        value=value,
        unit=unit,
        range_low=low,
        range_high=high,
    )


def check_trigger_point(tp: TriggerPoint, field: str, today: dt.date | None) -> TriggerPoint:
    """Validate a trigger point with its ratings."""
    found = v.iso_date(tp.found, f"{field}found", today)
    released = None if tp.released is None else v.iso_date(tp.released, f"{field}released", today)
    if released is not None and released < found:
        raise InputError(
            f"{field}released", f"{released} is before it was found ({found})", code="out-of-range"
        )
    seen: dict[str, int] = {}
    for i, r in enumerate(tp.ratings):
        day = v.iso_date(r.date, f"{field}ratings[{i}].date", today)
        if day < found:
            raise InputError(
                f"{field}ratings[{i}].date",
                f"{day} is before it was found ({found})",
                code="out-of-range",
            )
        if day in seen:
            raise InputError(
                f"{field}ratings[{i}].date",
                f"{day} is rated twice (see ratings[{seen[day]}])",
                code="not-allowed",
            )
        seen[day] = i
    ratings = tuple(  # stored and exported in date order, so keep them that way here too
        sorted(
            (
                TriggerPointRating(
                    date=r.date,
                    tenderness=v.int_range(r.tenderness, f"{field}ratings[{i}].tenderness", 0, 10),
                )
                for i, r in enumerate(tp.ratings)
            ),
            key=lambda rating: rating.date,
        )
    )
    return replace(
        tp,
        muscle=v.choice(tp.muscle, f"{field}muscle", vocab.MUSCLES),
        side=v.choice(tp.side, f"{field}side", vocab.SIDES),
        spot=v.text(tp.spot, f"{field}spot", 200),
        found=found,
        released=released,
        notes=v.text(tp.notes, f"{field}notes"),
        ratings=ratings,
    )


class ContextModule:
    """Profile, labs, factors, trigger points and red flags (``tracker.context``)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    def _day(self, date: str | None, field: str = "date") -> str:
        return self._clock.day(date, field)

    # -- profile -------------------------------------------------------------------------
    def profile(self) -> Profile:
        """The stored profile."""
        return self._store.get_profile()

    def set_profile(self, **changes: Any) -> Profile:
        """Change profile fields (birth_year, sex, kidney_disease, timezone, bedtime,
        pregnant, breastfeeding)."""
        allowed = {
            "birth_year",
            "sex",
            "kidney_disease",
            "timezone",
            "bedtime",
            "pregnant",
            "breastfeeding",
        }
        unknown = set(changes) - allowed
        if unknown:
            raise InputError(
                ", ".join(sorted(unknown)),
                f"unknown; allowed: {', '.join(sorted(allowed))}",
                code="not-allowed",
            )
        merged = replace(self.profile(), **{k: c for k, c in changes.items() if c is not None})
        checked = check_profile(merged, "", self._clock.today())
        with self._store.write():
            self._store.put_profile(checked)
        self._clock.forget_zone()
        return checked

    # -- labs ----------------------------------------------------------------------------
    def add_lab(
        self,
        test: str,
        value: float | str,
        unit: str,
        *,
        date: str | None = None,
        range_low: float | str | None = None,
        range_high: float | str | None = None,
        confirm: bool = False,
    ) -> Lab:
        """Record a lab result; replacing a different result of the same test and date needs
        ``confirm`` (one result per test and day)."""
        lab = check_lab(
            Lab(
                date=self._day(date),
                test=test,
                value=v.number(value, "value"),
                unit=unit,
                range_low=None if range_low is None else v.number(range_low, "range_low"),
                range_high=None if range_high is None else v.number(range_high, "range_high"),
            ),
            "",
            self._clock.today(),
        )
        with self._store.write():
            old = next((x for x in self._store.list_labs(lab.test) if x.date == lab.date), None)
            if old is not None and replace(old, id=None) != lab and not confirm:
                raise ConfirmationRequired(
                    f"{lab.test} on {lab.date} is recorded as {old.value:g} {old.unit}; "
                    f"replace it with {lab.value:g} {lab.unit}?"
                )
            new_id = self._store.put_lab(lab)
        return replace(lab, id=new_id)

    def labs(self, test: str | None = None) -> list[Lab]:
        """Lab results (optionally of one test)."""
        if test is not None:
            test = v.lab_test(test, "test")
        return self._store.list_labs(test)

    # -- factors -------------------------------------------------------------------------
    def add_factor(
        self,
        name: str,
        value: Any,
        unit: str | None = None,
        *,
        date: str | None = None,
        confirm: bool = False,
    ) -> Factor:
        """Record a daily context factor; replacing a different value of the same factor
        and day needs ``confirm``."""
        slug = v.name_slug(name, "name")
        checked_value, checked_unit = v.factor_value(slug, value, unit)
        factor = Factor(date=self._day(date), name=slug, value=checked_value, unit=checked_unit)
        with self._store.write():
            old = next(iter(self._store.list_factors(factor.date, factor.date, slug)), None)
            if old is not None and replace(old, id=None) != factor and not confirm:
                raise ConfirmationRequired(
                    f"{slug} on {factor.date} is recorded as {_shown(old.value, old.unit)}; "
                    f"replace it with {_shown(factor.value, factor.unit)}?"
                )
            new_id = self._store.put_factor(factor)
        return replace(factor, id=new_id)

    def factors(
        self, start: str | None = None, end: str | None = None, name: str | None = None
    ) -> list[Factor]:
        """Daily factors in a date range (ISO dates, today or yesterday)."""
        first, last = self._clock.date_range(start, end)
        return self._store.list_factors(
            first, last, None if name is None else v.name_slug(name, "name")
        )

    # -- trigger points ------------------------------------------------------------------
    def trigger_points(self) -> list[TriggerPoint]:
        """Trigger points with tenderness over time."""
        return self._store.list_trigger_points()

    def _trigger_point(self, tp_id: int) -> TriggerPoint:
        found = next((tp for tp in self.trigger_points() if tp.id == tp_id), None)
        if found is None:
            raise NotFoundError(f"trigger point {tp_id} does not exist")
        return found

    def add_trigger_point(
        self,
        muscle: str,
        *,
        side: str,
        spot: str = "",
        tenderness: int | str | None = None,
        date: str | None = None,
        notes: str = "",
    ) -> TriggerPoint:
        """Record a tender spot found on a muscle (with a first tenderness rating)."""
        day = self._day(date, "found")
        ratings: tuple[TriggerPointRating, ...] = ()
        if tenderness is not None:
            ratings = (TriggerPointRating(day, v.int_range(tenderness, "tenderness", 0, 10)),)
        tp = check_trigger_point(
            TriggerPoint(
                muscle=muscle, side=side, spot=spot, found=day, notes=notes, ratings=ratings
            ),
            "",
            self._clock.today(),
        )
        with self._store.write():
            same = same_trigger_point(self._store.list_trigger_points(), tp)
            if same is not None:
                where = f" at {tp.spot!r}" if tp.spot else ""
                raise ConflictError(
                    f"a trigger point on the {tp.side} {tp.muscle}{where} found on {tp.found} "
                    f"is already recorded (number {same.id}); rate that one, or describe "
                    "where this one is (spot) to tell them apart"
                )
            new_id = self._store.insert_trigger_point(tp)
        return self._trigger_point(new_id)

    def rate_trigger_point(
        self,
        tp_id: int,
        tenderness: int | str,
        *,
        date: str | None = None,
        confirm: bool = False,
    ) -> TriggerPoint:
        """Rate a trigger point's tenderness (0–10) on a date; changing that day's rating
        needs ``confirm``."""
        tp = self._trigger_point(tp_id)
        day = self._day(date)
        if day < tp.found:
            raise InputError(
                "date", f"{day} is before the point was found ({tp.found})", code="out-of-range"
            )
        rating = TriggerPointRating(day, v.int_range(tenderness, "tenderness", 0, 10))
        old = next((r for r in tp.ratings if r.date == day), None)
        if old is not None and old != rating and not confirm:
            raise ConfirmationRequired(
                f"trigger point {tp_id} is rated {old.tenderness}/10 on {day}; "
                f"replace it with {rating.tenderness}/10?"
            )
        with self._store.write():
            self._store.put_trigger_point_rating(tp_id, rating)
        return self._trigger_point(tp_id)

    def release_trigger_point(self, tp_id: int, *, date: str | None = None) -> TriggerPoint:
        """Mark a trigger point released (no longer tender) on a date."""
        tp = self._trigger_point(tp_id)
        day = self._day(date, "released")
        if day < tp.found:
            raise InputError(
                "released", f"{day} is before the point was found ({tp.found})", code="out-of-range"
            )
        with self._store.write():
            self._store.set_trigger_point_released(tp_id, day)
        return self._trigger_point(tp_id)

    # -- red flags -----------------------------------------------------------------------
    def answer_red_flag(
        self, flag: str, present: bool, *, date: str | None = None, confirm: bool = False
    ) -> RedFlagAnswer:
        """Record an answer to a red-flag question (ids: :meth:`red_flag_status`); changing
        that day's other answer needs ``confirm``."""
        from crampwise.formats.diarysections import check_red_flag

        answer = RedFlagAnswer(
            date=self._day(date), flag=check_red_flag(flag, "flag"), present=present
        )
        with self._store.write():
            old = next(
                (
                    a
                    for a in self._store.list_red_flags()
                    if (a.date, a.flag) == (answer.date, answer.flag)
                ),
                None,
            )
            if old is not None and old.present != present and not confirm:
                said = "yes" if old.present else "no"
                raise ConfirmationRequired(
                    f"{answer.flag} on {answer.date} is answered {said}; "
                    f"replace it with {'yes' if present else 'no'}?"
                )
            self._store.put_red_flag(answer)
        return answer

    def red_flags(self) -> list[RedFlagAnswer]:
        """Red-flag answers."""
        return self._store.list_red_flags()

    def red_flag_status(self) -> list[RedFlagStatus]:
        """Every red-flag question with its latest answer."""
        from crampwise.knowledge import red_flags

        latest = {a.flag: a for a in sorted(self.red_flags(), key=lambda a: a.date)}
        return [
            RedFlagStatus(
                flag=q.id,
                question=q.question,
                urgency=q.urgency,
                message=q.message,
                answer=latest[q.id].present if q.id in latest else None,
                answered_on=latest[q.id].date if q.id in latest else None,
            )
            for q in red_flags().values()
        ]

    # -- deleting ------------------------------------------------------------------------
    def delete(self, kind: str, record_id: int, *, confirm: bool = False) -> str:
        """Delete a lab, factor, trigger point or medication by id (needs ``confirm``)."""
        deleters = {
            "lab": self._store.delete_lab,
            "factor": self._store.delete_factor,
            "trigger-point": self._store.delete_trigger_point,
            "med": self._store.delete_medication,
        }
        if kind not in deleters:
            raise InputError(
                "kind", f"{v.shown(kind)}; allowed: {', '.join(deleters)}", code="not-allowed"
            )
        if not confirm:
            raise ConfirmationRequired(f"delete {kind} {record_id}?")
        with self._store.write():
            count = deleters[kind](record_id)
        if not count:
            raise NotFoundError(f"{kind} {record_id} does not exist")
        return f"deleted {kind} {record_id}"
