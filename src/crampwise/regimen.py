"""Regimen (supplements, foods, routines, therapies), adherence and prescription medicines.

An entry runs from ``start`` to ``end`` (the first day *without* it; None = ongoing).
A *switch* ends the current entry and starts a changed one on the same day, so the
history of forms and doses stays visible.
"""

from __future__ import annotations

import datetime as dt

from crampwise import validate as v
from crampwise import vocab
from crampwise._record import Record, replace
from crampwise.errors import ConflictError, InputError, NotFoundError
from crampwise.medications import MedicationMethods
from crampwise.records import Adherence, RegimenEntry
from crampwise.rules import regimen_clashes, span_text
from crampwise.saltdose import SaltDose, as_element, salt_dose, without_label

TYPE_CHECKING = False  # the project's one convention (docs/architecture.md)
if TYPE_CHECKING:
    from crampwise.clock import Clock
    from crampwise.storage.store import Store

__all__ = ["RegimenModule", "Took", "check_regimen_entry"]


class Took(Record):
    """A dose recorded by ``took``: ``already`` when that dose was recorded before (it is
    not recorded twice), ``changed`` when it turned taken into missed or back."""

    record: Adherence
    already: bool = False
    changed: bool = False
    every: tuple[str, ...] = ()  # no time was given and all these doses were recorded


def _not_due_note(active: list[RegimenEntry], day: str, time: str | None) -> str:
    """ "; vitamin-d is next due on 2026-12-06 (once a week)" for the items that are in
    force but not due on ``day`` (at ``time``): why nothing is due."""
    from crampwise.schedule import describe, next_due

    waiting = [
        e for e in active if not e.due_on(day) and (time is None or not e.times or time in e.times)
    ]
    return "".join(
        f"; {e.item} is next due on {next_due(e.every, e.start, day)} ({describe(e.every)})"
        for e in waiting
    )


def _added_note(notes: str, note: str | None) -> str:
    """``notes`` with ``note`` added (why an item was stopped)."""
    if note is None:
        return notes
    text = v.text(note, "notes")
    return f"{notes}; {text}" if notes and text else notes or text


def _carried(current: RegimenEntry, dose: object, form: object) -> str:
    """The notes a switch carries over: without the old label's words if the dose changes."""
    return current.notes if dose is None and form is None else without_label(current.notes)


class _Typed(Record):
    name: str
    dose: float | None
    unit: str | None
    form: str | None


def _typed(
    name: str, dose: float | None, unit: str | None, form: str | None, kind: str, field: str
) -> _Typed:
    """What a typed name says merged with the given fields: "magnesium 400mg" is magnesium,
    400 mg; "magnesium bisglycinate" is in the glycinate form (unless a form is given);
    "K-Tab 10 mEq" taken as 2 tablets is 20 mEq. A name and a dose that disagree are
    refused."""
    from crampwise.knowledge import parse_typed_name

    typed = parse_typed_name(name, kind)
    if typed.dose is not None and typed.unit is not None:
        if dose is None:
            dose, unit = typed.dose, typed.unit
        elif unit is not None and vocab.UNITS[unit].kind == "count":
            dose, unit = dose * typed.dose, typed.unit  # 2 tablets of a 10 mEq tablet
        elif (dose, unit) != (typed.dose, typed.unit):
            raise InputError(
                f"{field}dose",
                f"{dose:g} {unit or ''} differs from the {typed.dose:g} {typed.unit} in the "
                f"name {name!r}; give the dose once",
                code="conflict-with-field",
            )
        name = typed.name
    if typed.form is not None and form is None:
        form = typed.form
    return _Typed(name, dose, unit, form)


def check_regimen_entry(entry: RegimenEntry, field: str, today: dt.date | None) -> RegimenEntry:
    """Validate and normalise a regimen entry; ``field`` prefixes error names.

    A supplement's name may carry its dose and form ("magnesium 400mg", "calcium carbonate
    600", "magnesium bisglycinate"): the dose moves into ``dose``/``unit`` and the form is
    filled in, the same for the API and the importer.
    """
    kind = v.choice(entry.kind, f"{field}kind", vocab.REGIMEN_KINDS)
    start = v.iso_date(entry.start, f"{field}start", today)
    end = None if entry.end is None else v.iso_date(entry.end, f"{field}end")
    if end is not None and end <= start:
        raise InputError(
            f"{field}end", f"{end} is not after the start {start}", code="conflict-with-field"
        )
    dose = None if entry.dose is None else v.number(entry.dose, f"{field}dose")
    unit = None
    if entry.unit is not None:
        unit = v.unit(entry.unit, f"{field}unit")
    name = entry.item
    form = entry.form or None
    if kind == "supplement" and isinstance(name, str):
        typed = _typed(name, dose, unit, form, kind, field)
        name, dose, unit, form = typed.name, typed.dose, typed.unit, typed.form
    if kind == "food":  # foods are named as people say them: "coconut water"
        item = v.free_text_name(name, f"{field}item")
    else:
        item = v.name_slug(name, f"{field}item")
    if dose is not None and unit is None:
        raise InputError(
            f"{field}unit",
            f"needed with a dose; allowed: {', '.join(vocab.REGIMEN_UNITS)}",
            code="required",
        )
    times = v.choices(entry.times, f"{field}times", vocab.DOSE_TIMES)
    from crampwise.schedule import parse_every

    every = parse_every(entry.every, f"{field}every")  # None: every day
    if form:
        form = v.name_slug(form, f"{field}form")
    return replace(
        entry,
        item=item,
        kind=kind,
        start=start,
        end=end,
        dose=dose,
        unit=unit,
        times=times,
        every=every,
        form=form,
        notes=v.text(entry.notes, f"{field}notes"),
    )


class RegimenModule(MedicationMethods):
    """Start, stop and switch regimen items; adherence; medications (``tracker.regimen``)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    # -- regimen -------------------------------------------------------------------------
    def entries(self, *, active_on: str | None = None) -> list[RegimenEntry]:
        """All regimen entries, or those active on a date."""
        found = self._store.list_regimen()
        return [e for e in found if active_on is None or e.active_on(active_on)]

    def _find_item(self, name: str) -> str:
        """The stored item a typed name means: "Vitamin D" finds ``vitamin-d``; foods keep
        their spaces ("coconut water"). An unknown name comes back normalised."""
        text = v.lookup_name(name, "item")
        stored = {e.item for e in self._store.list_regimen()}
        if text in stored:
            return text
        from crampwise.knowledge import parse_typed_name

        bare = parse_typed_name(text).name  # "magnesium 400mg" is the item magnesium
        for candidate in ("-".join(text.split()), "-".join(bare.split())):
            if candidate in stored:
                return candidate
        return text

    def current(self, item: str) -> RegimenEntry | None:
        """The ongoing entry of an item, if any."""
        ongoing = [e for e in self._store.list_regimen(item) if e.end is None]
        return ongoing[-1] if ongoing else None

    def start(
        self,
        item: str,
        *,
        kind: str = "supplement",
        form: str | None = None,
        dose: float | str | None = None,
        unit: str | None = None,
        times: list[str] | tuple[str, ...] = (),
        date: str | None = None,
        end: str | None = None,
        notes: str = "",
        dose_of: str | None = None,
        every: str | None = None,
    ) -> RegimenEntry:
        """Start taking or doing an item from ``date`` (default today). ``dose_of="salt"``:
        the dose is the weight of the salt on the label, stored as the element. ``every``:
        how often (``week``, ``2 days``, ``month`` …; default every day), counted from
        ``date``; ``times`` are the intakes on a day it is taken."""
        entry = self._checked(item, kind, form, dose, unit, times, date, end, notes, every)
        entry = as_element(entry, dose_of)
        with self._store.write():
            self._refuse_overlap(entry)
            new_id = self._store.insert_regimen(entry)
        return replace(entry, id=new_id)

    def _checked(
        self,
        item: str,
        kind: str,
        form: str | None,
        dose: float | str | None,
        unit: str | None,
        times: list[str] | tuple[str, ...],
        date: str | None,
        end: str | None = None,
        notes: str = "",
        every: str | None = None,
    ) -> RegimenEntry:
        dose, unit = v.dose_and_unit(dose, unit)
        return check_regimen_entry(
            RegimenEntry(
                item=item,
                kind=kind,
                form=form,
                dose=None if dose is None else v.number(dose, "dose"),
                unit=unit,
                times=tuple(times),
                start=self._day(date, "start"),
                end=end,
                notes=notes,
                every=every or "day",  # checked below with the rest
            ),
            "",
            self._clock.today(),
        )

    def salt_dose(
        self,
        item: str,
        *,
        kind: str = "supplement",
        form: str | None = None,
        dose: float | str | None = None,
        unit: str | None = None,
        date: str | None = None,
    ) -> SaltDose | None:
        """How a dose about to be started reads against its salt form (see
        :mod:`crampwise.saltdose`); None without a known salt. Raises what :meth:`start`
        would raise for the same values."""
        return salt_dose(self._checked(item, kind, form, dose, unit, (), date))

    def _refuse_overlap(self, entry: RegimenEntry, ignore_id: int | None = None) -> None:
        clashes = regimen_clashes(self._store.list_regimen(entry.item), entry, ignore_id=ignore_id)
        if clashes:
            other = clashes[0]
            raise ConflictError(
                f"{entry.item} is already in your regimen for {span_text(other.start, other.end)}; "
                "stop it first, or change its form, dose or times from a date instead",
                action="switch-regimen",
                subject=entry.item,
            )

    def stop(self, item: str, *, date: str | None = None, notes: str | None = None) -> RegimenEntry:
        """Stop an ongoing item; ``date`` is the first day without it (default today);
        ``notes`` (why it stopped) is added to the entry's notes."""
        name = self._find_item(item)
        entry = self.current(name)
        if entry is None:
            raise NotFoundError(f"{name} is not an ongoing regimen item")
        day = self._day(date, "end")
        if day == entry.start:
            raise InputError(
                "end",
                f"{name} started on {day}, so stopping it the same day means it never happened; "
                f"delete regimen entry {entry.id} instead",
                code="conflict-with-field",
                action="delete-regimen",
                subject=str(entry.id),
            )
        if day < entry.start:
            raise InputError("end", f"{day} is before its start {entry.start}", code="out-of-range")
        note = _added_note(entry.notes, notes)
        with self._store.write():
            assert entry.id is not None
            self._store.set_regimen_end(entry.id, day)
            if note != entry.notes:
                self._store.set_regimen_notes(entry.id, note)
        return replace(entry, end=day, notes=note)

    def switch(
        self,
        item: str,
        *,
        form: str | None = None,
        dose: float | str | None = None,
        unit: str | None = None,
        times: list[str] | tuple[str, ...] | None = None,
        date: str | None = None,
        notes: str | None = None,
        dose_of: str | None = None,
        every: str | None = None,
    ) -> tuple[RegimenEntry, RegimenEntry]:
        """Change form, dose, unit, times or schedule (``every``) of an ongoing item from
        ``date``; (old, new). ``dose_of="salt"``: the new dose is the salt's weight (see
        :meth:`start`). A schedule other than every day counts from ``date``.

        On the item's start day a switch corrects the entry in place (nothing was taken in
        the old form yet); ``old`` is then the entry as it was.
        """
        dose, unit = v.dose_and_unit(dose, unit)
        name = self._find_item(item)
        current = self.current(name)
        if current is None:
            raise NotFoundError(
                f"{name} is not an ongoing regimen item", action="start-regimen", subject=name
            )
        day = self._day(date, "start")
        if day < current.start:
            raise InputError(
                "start", f"{day} is before its start {current.start}", code="out-of-range"
            )
        changed = check_regimen_entry(
            replace(
                current,
                id=None,
                start=day,
                end=None,
                form=form if form is not None else current.form,
                dose=v.number(dose, "dose") if dose is not None else current.dose,
                unit=unit if unit is not None else current.unit,
                times=tuple(times) if times is not None else current.times,
                every=every if every is not None else current.every,
                notes=notes if notes is not None else _carried(current, dose, form),
            ),
            "",
            self._clock.today(),
        )
        changed = as_element(changed, dose_of)
        if (changed.form, changed.dose, changed.unit, changed.times, changed.every) == (
            current.form,
            current.dose,
            current.unit,
            current.times,
            current.every,
        ):
            raise InputError(
                "",
                "nothing changes; give a new form, dose, unit, times or schedule",
                code="required",
            )
        assert current.id is not None
        with self._store.write():
            if day == current.start:
                self._store.delete_regimen(current.id)
            else:
                self._store.set_regimen_end(current.id, day)
            new_id = self._store.insert_regimen(changed)
        old = current if day == current.start else replace(current, end=day)
        return old, replace(changed, id=new_id)

    def delete_entry(self, entry_id: int, *, confirm: bool = False) -> RegimenEntry:
        """Delete a regimen entry by id (needs ``confirm``)."""
        from crampwise.errors import ConfirmationRequired

        entry = next((e for e in self._store.list_regimen() if e.id == entry_id), None)
        if entry is None:
            raise NotFoundError(f"regimen entry {entry_id} does not exist")
        if not confirm:
            raise ConfirmationRequired(
                f"delete regimen entry {entry_id} ({entry.item} from {entry.start})?"
            )
        with self._store.write():
            self._store.delete_regimen(entry_id)
        return entry

    # -- adherence -----------------------------------------------------------------------
    def took(
        self, item: str, *, date: str | None = None, time: str | None = None, taken: bool = True
    ) -> Adherence:
        """Record that an item was taken (or missed) on a date, optionally one dose time;
        the record (see :meth:`take`)."""
        return self.take(item, date=date, time=time, taken=taken).record

    def take(
        self, item: str, *, date: str | None = None, time: str | None = None, taken: bool = True
    ) -> Took:
        """Record that an item was taken (or missed) on a date, optionally one dose time.

        Without a time, an item taken at several times a day counts its next dose not yet
        recorded that day. A dose recorded already is not recorded twice: the answer says
        so (``already``).
        """
        name = self._find_item(item)
        day = self._day(date, "date")
        known = [e for e in self._store.list_regimen(name) if e.active_on(day)]
        if not known and self._in_experiment(name, day):
            when = "" if time is None else v.choice(time, "time", vocab.DOSE_TIMES)
            record = Adherence(date=day, item=name, taken=taken, time=when)
            with self._store.write():
                self._store.put_adherence(record)
            return Took(record)
        if not known:
            items = sorted({e.item for e in self._store.list_regimen() if e.active_on(day)})
            raise InputError(
                "item",
                f"{v.shown(name)} is not in your regimen on {day}; "
                f"active: {', '.join(items) if items else 'none'}",
                code="unknown-name",
                action="start-regimen",
                subject=name,
            )
        dose_time = "" if time is None else v.choice(time, "time", vocab.DOSE_TIMES)
        scheduled = [t for entry in known for t in entry.times]
        if dose_time and scheduled and dose_time not in scheduled:
            raise InputError(
                "time",
                f"{name} is taken at {', '.join(sorted(set(scheduled)))}, not {dose_time}",
                code="not-allowed",
            )
        every: tuple[str, ...] = ()
        with self._store.write():
            recorded = {a.time: a for a in self._store.list_adherence(name, day, day)}
            if not dose_time and scheduled:  # the next dose of the day not yet recorded
                dose_time = next((t for t in scheduled if t not in recorded), scheduled[-1])
                if all(t in recorded for t in scheduled):
                    every = tuple(scheduled)
            record = Adherence(date=day, item=name, taken=taken, time=dose_time)
            before = recorded.get(dose_time)
            if before is not None and before.taken == taken:
                return Took(before, already=True, every=every)
            self._store.put_adherence(record)
        return Took(record, changed=before is not None)

    def took_due(
        self, when: str, *, date: str | None = None, time: str | None = None, taken: bool = True
    ) -> list[Took]:
        """Record every dose due: ``when`` a dose time (``bedtime``: every item taken at
        bedtime) or ``all`` (every dose of the day, or of ``time``). In one write."""
        day = self._day(date, "date")
        wanted = when.strip().lower()
        if wanted != "all":
            if time is not None:
                raise InputError(
                    "time",
                    f"{wanted} is already a time of day; give one",
                    code="conflict-with-field",
                )
            time = v.choice(wanted, "time", vocab.DOSE_TIMES)
        elif time is not None:
            time = v.choice(time, "time", vocab.DOSE_TIMES)
        active = [e for e in self._store.list_regimen() if e.active_on(day)]
        # an item taken once a week (or every N days) is due on its own days only
        due = [
            (e.item, t)
            for e in active
            if e.due_on(day)
            for t in (e.times or ("",))
            if time is None or t == time
        ]
        due += self._experiment_due(day, time)
        if not due:
            at = f" at {time}" if time else ""
            scheduled = sorted({t for e in active for t in e.times})
            trial = next((e.item for e in self._store.list_experiments() if e.period_on(day)), None)
            raise InputError(
                "time" if time else "item",
                f"nothing in your regimen is taken{at} on {day} (times in use: "
                f"{', '.join(scheduled) if scheduled else 'none'})"
                + (f"; the {trial} experiment has no {trial} that night" if trial else "")
                + _not_due_note(active, day, time),
                code="not-allowed",
            )
        out: list[Took] = []
        with self._store.write():
            for item, dose_time in dict.fromkeys(due):
                recorded = {a.time: a for a in self._store.list_adherence(item, day, day)}
                before = recorded.get(dose_time)
                record = Adherence(date=day, item=item, taken=taken, time=dose_time)
                if before is not None and before.taken == taken:
                    out.append(Took(before, already=True))
                    continue
                self._store.put_adherence(record)
                out.append(Took(record, changed=before is not None))
        return out

    def _experiment_due(self, day: str, time: str | None) -> list[tuple[str, str]]:
        """Tonight's dose of a running experiment (the item on its nights, the comparator on
        the others): due with every dose of the day and at the evening times."""
        if time not in (None, "evening", "bedtime", "night"):
            return []
        out = []
        for exp in self._store.list_experiments():
            period = exp.period_on(day)
            if period is None:
                continue
            item = exp.item if period.condition == "B" else exp.comparator
            if item is not None:
                out.append((item, time or ""))
        return out

    def _in_experiment(self, name: str, day: str) -> bool:
        """Whether an experiment tests ``name`` (or gives it in its other periods) that night:
        its doses are recorded like a regimen item's."""
        return any(
            name in (exp.item, exp.comparator) and exp.period_on(day) is not None
            for exp in self._store.list_experiments()
        )

    def adherence(self, item: str | None = None) -> list[Adherence]:
        """Adherence records."""
        return self._store.list_adherence(item)
