"""Nights and episodes: recording them (``log``, ``night``) and the diary summary; reading
episodes back, after-effects, edits and deletes are in :mod:`crampwise.diary_changes`.

Nights are the unit. A night is *observed* once checked in (0 cramps is data) and
*missing* otherwise; a missing night is never counted as zero. This module is on the CLI
hot path (``log``, ``night``): stdlib imports only.
"""

from __future__ import annotations

import datetime as dt

from crampwise import validate as v
from crampwise import vocab
from crampwise._record import Record, replace
from crampwise.errors import ConflictError, InputError
from crampwise.nights import NightBook, NightStatus, Summary, streaks
from crampwise.plainwords import Unread, read_details
from crampwise.plainwords import unread as refused
from crampwise.records import AfterEffect, Episode, Relief
from crampwise.timeparse import format_utc, night_of, parse_at, parse_date, relative, to_local

TYPE_CHECKING = False  # not typing.TYPE_CHECKING: importing typing costs ~8 ms on this path
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any

    from crampwise.clock import Clock
    from crampwise.storage.store import Store

__all__ = [
    "MAX_DURATION_MIN",
    "NEAR_MINUTES",
    "DiaryModule",
    "LoggedEpisode",
    "NightStatus",
    "Summary",
    "check_episode",
    "plain_value",
    "streaks",
]


class _AlreadyStored(Exception):
    """Rolls back a write whose client id turned out to be stored already."""


class LoggedEpisode(Record):
    """What ``log`` stored, and the night's total afterwards."""

    episode: Episode
    night_total: int
    duplicate: bool = False  # True when a retried submission was already stored
    #: Other cramps of the night within minutes of this one (or, for a cramp without a
    #: time, every other cramp of its night): perhaps the same cramp logged twice.
    near: tuple[Episode, ...] = ()
    #: What was typed but not read into the cramp (:meth:`DiaryModule.log_plainly`).
    unread: tuple[Unread, ...] = ()


#: The longest cramp crampwise accepts (minutes): anything longer is a typo or an
#: emergency, and a duration of 10²⁹ minutes must not reach the statistics.
MAX_DURATION_MIN = 24 * 60.0


def check_episode(e: Episode, field: str, today: dt.date | None) -> Episode:
    """Validate and normalise an episode: the one rule for the API and the import format.

    ``field`` prefixes error names (``""`` for the API, ``".``" inside a document, where
    list items are then named by index: ``.muscles[2]``).
    """
    night = v.iso_date(e.night, f"{field}night", today)
    reliefs: list[Relief] = []
    for j, relief in enumerate(e.reliefs):
        method_field = f"{field}reliefs[{j}].method" if field else "reliefs"
        helped_field = f"{field}reliefs[{j}].helped" if field else "reliefs"
        checked = Relief(
            v.choice(relief.method, method_field, vocab.RELIEF_METHODS),
            None
            if relief.helped is None
            else v.choice(relief.helped, helped_field, vocab.RELIEF_HELPED),
        )
        if any(r.method == checked.method for r in reliefs):
            raise InputError(
                method_field,
                f"{checked.method} is given twice; rate each relief once",
                code="conflict-with-field",
            )
        reliefs.append(checked)
    effects: list[AfterEffect] = []
    for j, effect in enumerate(e.after_effects):
        where = f"{field}after_effects[{j}]" if field else "after_effects"
        day = v.iso_date(effect.date, f"{where}.date", today)
        if day < night:
            raise InputError(
                f"{where}.date", f"{day} is before the night {night}", code="out-of-range"
            )
        checked_effect = AfterEffect(
            date=day,
            kind=v.choice(effect.kind, f"{where}.kind", vocab.AFTER_EFFECT_KINDS),
            rating=v.int_range(effect.rating, f"{where}.rating", 0, 10),
            id=effect.id,
        )
        if any((a.date, a.kind) == (day, checked_effect.kind) for a in effects):
            raise InputError(
                f"{where}.date",
                f"{checked_effect.kind} on {day} is rated twice; rate it once a day",
                code="conflict-with-field",
            )
        effects.append(checked_effect)
    if e.woke is not None and not isinstance(e.woke, bool):
        raise InputError(f"{field}woke", f"{e.woke!r} is not true/false")
    if not isinstance(e.approximate, bool):
        raise InputError(f"{field}approximate", f"{e.approximate!r} is not true/false")
    duration = e.duration_min
    if duration is not None:
        duration = v.number(duration, f"{field}duration_min")
        if duration > MAX_DURATION_MIN:
            raise InputError(
                f"{field}duration_min",
                f"{duration:g} minutes is longer than a day; give the cramp's length in minutes",
                code="out-of-range",
            )
    side = None if e.side is None else v.choice(e.side, f"{field}side", vocab.SIDES)
    muscles = v.choices(e.muscles, f"{field}muscles", vocab.MUSCLES, indexed=bool(field))
    severity = None if e.severity is None else v.int_range(e.severity, f"{field}severity", 0, 10)
    waves = None if e.waves is None else v.int_range(e.waves, f"{field}waves", 1, 100)
    notes = v.text(e.notes, f"{field}notes")
    if (  # already in normal form (as a rule): the episode itself, not a copy of it
        night is e.night
        and (side is e.side or (type(e.side) is str and side == e.side))
        and type(e.muscles) is tuple
        and muscles == e.muscles
        and severity is e.severity
        and duration is e.duration_min
        and waves is e.waves
        and e.reliefs == ()  # none to compare (a list is never equal to ())
        and e.after_effects == ()
        and notes is e.notes
    ):
        return e
    return replace(
        e,
        night=night,
        side=side,
        muscles=muscles,
        severity=severity,
        duration_min=duration,
        waves=waves,
        reliefs=tuple(reliefs),
        after_effects=tuple(effects),
        notes=notes,
    )


#: What a retried submission (same client id) must repeat to be the same cramp; the time
#: only when it was given as a clock time ("30 min ago" moves on between two tries).
_DETAILS = (
    "side",
    "muscles",
    "severity",
    "duration_min",
    "waves",
    "woke",
    "reliefs",
    "notes",
)


#: A cramp logged within this many minutes of another is perhaps the same one (when
#: either time is approximate, three times as many).
NEAR_MINUTES = 10


def _near(episode: Episode, others: list[Episode]) -> tuple[Episode, ...]:
    """The other cramps of the night that may be ``episode`` logged twice."""
    others = [o for o in others if o.id != episode.id]
    if episode.occurred_at is None:
        return tuple(others)
    at = dt.datetime.fromisoformat(episode.occurred_at.rstrip("Z"))
    found = []
    for other in others:
        if other.occurred_at is None:
            continue
        gap = abs((dt.datetime.fromisoformat(other.occurred_at.rstrip("Z")) - at).total_seconds())
        window = NEAR_MINUTES * (3 if episode.approximate or other.approximate else 1)
        if gap <= window * 60:
            found.append(other)
    return tuple(found)


def _shown_value(value: Any) -> str:
    if isinstance(value, tuple):
        return ", ".join(_shown_value(v) for v in value)
    if isinstance(value, Relief):
        return f"{value.method}:{value.helped}" if value.helped else value.method
    return "" if value is None else str(value)


def _differences(stored: Episode, new: Episode, fields: tuple[str, ...]) -> list[str]:
    """The fields in which a retried submission differs from what is stored, "a → b"."""
    return [
        f"{name.replace('_', ' ')} {plain_value(getattr(stored, name))} → "
        f"{plain_value(getattr(new, name))}"
        for name in fields
        if getattr(stored, name) != getattr(new, name)
    ]


def plain_value(value: Any) -> str:
    """A recorded value in a sentence ("none", "calf, foot", "stretch:a-lot", "2.5")."""
    if isinstance(value, tuple):
        return ", ".join(plain_value(v) for v in value) or "none"
    if hasattr(value, "method"):
        return f"{value.method}:{value.helped}" if value.helped else str(value.method)
    return "none" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


class DiaryModule(NightBook):
    """Record and read nights and episodes (``tracker.diary``)."""

    def __init__(self, store: Store, clock: Clock) -> None:
        self._store = store
        self._clock = clock

    # -- recording -----------------------------------------------------------------------
    def log_episode(
        self,
        *,
        at: str | None = None,
        night: str | None = None,
        side: str | None = None,
        muscles: list[str] | tuple[str, ...] = (),
        severity: int | str | None = None,
        duration_min: float | str | None = None,
        waves: int | str | None = None,
        woke: bool | None = None,
        reliefs: list[tuple[str, str | None]] | tuple[tuple[str, str | None], ...] = (),
        notes: str = "",
        client_id: str | None = None,
        find_near: bool = True,
    ) -> LoggedEpisode:
        """Record one cramp. Defaults: now, and the night that ``now`` belongs to.

        With ``night`` and no ``at`` the time is left unknown (a backfilled bare episode).
        A retried submission with the same ``client_id`` is stored once. ``find_near``:
        look for cramps of the night logged close in time (``near``; perhaps the same
        cramp twice) - reading the night's cramps, which a caller that does not show them
        (the web API, where retries carry a client id) can skip.
        """
        self._check_client_id(client_id)
        episode = self._build_episode(
            at=at,
            night=night,
            side=side,
            muscles=muscles,
            severity=severity,
            duration_min=duration_min,
            waves=waves,
            woke=woke,
            reliefs=reliefs,
            notes=notes,
            client_id=client_id,
        )
        return self._store_episode(episode, at=at, night=night, find_near=find_near)

    def _check_client_id(self, client_id: str | None) -> None:
        if client_id is not None and not client_id.strip():
            raise InputError(
                "client_id", "is empty; give a unique id for this submission", code="required"
            )
        if client_id is not None and len(client_id) > 200:
            raise InputError(
                "client_id",
                f"is {len(client_id):,} characters long; at most 200 allowed",
                code="too-long",
            )

    def _store_episode(
        self, episode: Episode, *, at: str | None, night: str | None, find_near: bool = True
    ) -> LoggedEpisode:
        """Store a checked episode in one committed write (its night becomes observed)."""
        client_id = episode.client_id
        try:
            with self._store.write():
                # A retry (its client id stored) is found by the insert below, which then
                # stores nothing, and this unit is rolled back: no read for it up front.
                stored_night = self._store.get_night(episode.night)
                # The night's total afterwards, worked out rather than read again: this
                # write holds the diary's write lock, so nothing else changes the night.
                total = 1
                if stored_night is None:
                    self._store.put_night(
                        episode.night, undetailed_cramps=0, sleep_quality=None, notes=""
                    )
                elif stored_night.undetailed_cramps > 0:
                    # The night was counted without details: this episode details one of them.
                    self._store.put_night(
                        episode.night,
                        undetailed_cramps=stored_night.undetailed_cramps - 1,
                        sleep_quality=stored_night.sleep_quality,
                        notes=stored_night.notes,
                    )
                    total = stored_night.cramps
                else:
                    total = stored_night.cramps + 1
                new_id = self._store.insert_episode_once(episode)
                if new_id is None:  # stored before (a retry): undo our night change
                    raise _AlreadyStored
                stored = replace(episode, id=new_id)
                # The first detailed cramp of a night has nothing to repeat: no read.
                had_episodes = stored_night is not None and (
                    stored_night.cramps > stored_night.undetailed_cramps
                )
                near = (
                    _near(stored, self._store.list_episodes(episode.night, episode.night))
                    if find_near and had_episodes
                    else ()
                )
        except _AlreadyStored:
            assert client_id is not None
            return self._retried(client_id, episode, at=at, night=night)
        return LoggedEpisode(stored, total, near=near)

    def _retried(
        self, client_id: str, episode: Episode, *, at: str | None, night: str | None
    ) -> LoggedEpisode:
        """A submission whose client id is stored: the same cramp again, or a conflict."""
        existing = self._store.episode_by_client_id(client_id)
        if existing is None:
            # On a server's writer thread the first submission may still be in the open
            # batch, which only the batch's connection sees: read through a unit of work
            # (it joins that batch; the answer then waits for its commit).
            with self._store.write():
                return self._compare_retry(client_id, episode, at=at, night=night)
        return self._compare_retry(client_id, episode, at=at, night=night, existing=existing)

    def _compare_retry(
        self,
        client_id: str,
        episode: Episode,
        *,
        at: str | None,
        night: str | None,
        existing: Episode | None = None,
    ) -> LoggedEpisode:
        if existing is None:
            existing = self._store.episode_by_client_id(client_id)
        assert existing is not None
        fields: tuple[str, ...] = _DETAILS
        clock_time = at is not None and not relative(at)
        if night is not None or clock_time:
            fields = ("night", *fields)
        if clock_time:
            fields = ("occurred_at", "approximate", *fields)
        differ = _differences(existing, episode, fields)
        if differ:
            raise ConflictError(
                f"client id {v.shown(client_id)} was already used for cramp #{existing.id} "
                f"with other details ({'; '.join(differ)}); nothing was changed",
                action="edit-episode",
                subject=str(existing.id),
            )
        night_now = self._store.get_night(existing.night)
        return LoggedEpisode(existing, night_now.cramps if night_now else 1, duplicate=True)

    def _build_episode(
        self,
        *,
        at: str | None,
        night: str | None,
        side: str | None,
        muscles: list[str] | tuple[str, ...],
        severity: int | str | None,
        duration_min: float | str | None,
        waves: int | str | None,
        woke: bool | None,
        reliefs: list[tuple[str, str | None]] | tuple[tuple[str, str | None], ...],
        notes: str,
        client_id: str | None,
    ) -> Episode:
        now = self._clock.now()  # one instant for the time and the date checks
        night_date, occurred, approximate = self._when(at, night, now)
        if isinstance(duration_min, str):
            from crampwise.timeparse import parse_duration

            duration_min = parse_duration(duration_min)
        raw = Episode(
            night=night_date.isoformat(),
            occurred_at=occurred,
            tz=self._clock.timezone if occurred else None,
            approximate=approximate,
            side=side,
            muscles=tuple(muscles),
            severity=severity,  # type: ignore[arg-type]  # checked (and converted) below
            duration_min=duration_min,
            waves=waves,  # type: ignore[arg-type]
            woke=woke,
            reliefs=tuple(Relief(method, helped) for method, helped in reliefs),
            notes=notes,
            client_id=client_id,
        )
        return check_episode(raw, "", now.date())

    def _when(
        self, at: str | None, night: str | None, now: dt.datetime | None = None
    ) -> tuple[dt.date, str | None, bool]:
        """The night, the UTC instant (None: unknown) and whether it is approximate, from
        a time phrase and/or a night; neither: now (``now``: the clock's, when not given)."""
        if now is None:
            now = self._clock.now()
        earliest = self._clock.earliest()
        night_date = None if night is None else parse_date(night, "night", now.date(), earliest)
        if at is None and night_date is not None:
            return night_date, None, False
        when, approximate = parse_at("now" if at is None else at, now, night_date, earliest)
        derived = night_of(when)
        if night_date is not None and derived != night_date:
            raise InputError(
                "at",
                f"{v.shown(at)} falls in the night of {derived}, not {night_date}",
                code="conflict-with-field",
            )
        return derived, format_utc(when), approximate

    def log_plainly(
        self, given: Iterable[tuple[str | None, str]], *, client_id: str | None = None
    ) -> LoggedEpisode:
        """Record one cramp from what a person typed, read leniently; the cramp is saved
        whatever else cannot be read.

        ``given`` holds ``(field, text)`` pairs in the order typed - fields of
        :data:`crampwise.plainwords.DETAIL_FIELDS`, ``None`` for plain words ("calf left 8
        3min"); see :func:`crampwise.plainwords.read_details`. A time or night that cannot
        be used leaves the cramp on the night it can tell (the one given, else the one now
        belongs to) without a time; a detail that cannot be used is left out. Everything
        left out is in :attr:`LoggedEpisode.unread`, with what it may have meant. Only a
        bad ``client_id`` (a program's mistake, not a person's) is refused.
        """
        self._check_client_id(client_id)
        details = read_details(given)
        unread = list(details.unread)
        night_date, occurred, approximate = self._usable_when(details.at, details.night, unread)
        values: dict[str, Any] = {
            "side": details.side,
            "muscles": details.muscles,
            "severity": details.severity,
            "duration_min": details.duration_min,
            "waves": details.waves,
            "woke": details.woke,
            "reliefs": tuple(Relief(m, h) for m, h in details.reliefs),
            "notes": details.notes,
        }
        base = Episode(
            night=night_date.isoformat(),
            occurred_at=occurred,
            tz=self._clock.timezone if occurred else None,
            approximate=approximate,
            client_id=client_id,
        )
        while True:  # the reader checked each value; this is the last word, field by field
            try:
                episode = check_episode(replace(base, **values), "", self._clock.today())
                break
            except InputError as error:
                name = error.field.split("[", 1)[0].split(".", 1)[0]
                if name not in values:
                    raise
                unread.append(refused(name, _shown_value(values[name]), error.detail, error.code))
                values[name] = Episode.__record_defaults__[name]
        logged = self._store_episode(episode, at=details.at, night=details.night)
        return replace(logged, unread=tuple(unread))

    def _usable_when(
        self, at: str | None, night: str | None, unread: list[Unread]
    ) -> tuple[dt.date, str | None, bool]:
        """:meth:`_when`, falling back to what can be used: the night without the time,
        the time without the night, else the night now belongs to (without a time)."""
        try:
            return self._when(at, night)
        except InputError as error:
            typed = night if error.field == "night" else at
            unread.append(refused(error.field, typed or "", error.detail, error.code))
        tries = ([(None, night)] if night is not None else []) + (
            [(at, None)] if at is not None else []
        )
        for try_at, try_night in tries:
            try:
                return self._when(try_at, try_night)
            except InputError:
                continue
        return night_of(self._clock.now()), None, False

    def local_time(self, episode: Episode) -> dt.datetime | None:
        """An episode's time in the zone it was recorded in."""
        if episode.occurred_at is None:
            return None
        return to_local(episode.occurred_at, episode.tz or self._clock.timezone)
