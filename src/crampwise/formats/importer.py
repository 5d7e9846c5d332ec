"""Merging a parsed ``crampwise-diary`` document into a diary, record by record, atomically.

The merge first *plans*: it compares every record of the file with the diary's, field by
field, and queues writes. A record the diary does not have is added; one it has with empty
fields the file fills in is updated; one that says something else is a **conflict**,
listed record by record. Only when there is no conflict (or ``replace`` is given, and the
file's version wins for the conflicting records) are the queued writes run - inside the
one transaction that also did the reading, so the import is all or nothing.

The cross-record rules (one regimen entry per item at a time, one medication entry per
name at a time, one trigger point per spot and day) are the same functions the API uses
(:mod:`crampwise.rules`), so an import can never make a diary that its own export cannot
restore.

Nights: episodes are matched to the diary's episodes of the same night by their instant
(untimed ones in order); a cramp the diary does not have is added (it details a cramp the
night counted without details, as ``log`` does); counts without details are compared as
the night's count. Merging never removes a cramp the diary has.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import partial
from typing import Any

from crampwise._record import replace as with_fields
from crampwise.errors import ConflictError
from crampwise.formats.diaryformat import ImportReport, NightEntry, ParsedDiary
from crampwise.records import (
    AfterEffect,
    Episode,
    Night,
    Profile,
    TriggerPoint,
    TriggerPointRating,
)
from crampwise.rules import (
    medication_clashes,
    regimen_clashes,
    span_text,
    trigger_point_key,
)

TYPE_CHECKING = False  # the project's one convention (docs/architecture.md)
if TYPE_CHECKING:
    from crampwise.storage.store import Store

__all__ = ["Merger"]

#: Episode fields compared when the same cramp is in both (time, night, zone are identity).
_EPISODE_FIELDS = (
    "approximate",
    "side",
    "muscles",
    "severity",
    "duration_min",
    "waves",
    "woke",
    "reliefs",
    "notes",
)


def _empty(value: Any) -> bool:
    return value is None or value in ("", ())


def _shown(value: Any) -> str:
    if isinstance(value, tuple):
        return ", ".join(_shown(v) for v in value) or "none"
    if hasattr(value, "method"):
        return f"{value.method}:{value.helped}" if value.helped else str(value.method)
    if isinstance(value, float):
        return f"{value:g}"
    return "none" if value is None else str(value)


def _compare(old: Any, new: Any, fields: Sequence[str]) -> tuple[dict[str, Any], list[str]]:
    """(fills, clashes): fields the file fills in where the diary has nothing, and
    ``"field a in your diary, b in the file"`` for fields that disagree."""
    fills: dict[str, Any] = {}
    clashes: list[str] = []
    for name in fields:
        before, after = getattr(old, name), getattr(new, name)
        if before == after or _empty(after):
            continue
        if _empty(before) or (name == "approximate" and before is False):
            fills[name] = after
        else:
            label = name.replace("_", " ")
            clashes.append(f"{label} {_shown(before)} in your diary, {_shown(after)} in the file")
    return fills, clashes


def _is_bare(e: Episode) -> bool:
    """A cramp with nothing known but its night (how the format writes counts)."""
    details = [getattr(e, f) for f in _EPISODE_FIELDS if f != "approximate"]
    return (
        e.occurred_at is None
        and not e.approximate
        and all(_empty(value) for value in details)
        and not e.after_effects
    )


def _clock(e: Episode) -> str:
    return f" {e.occurred_at[11:16]} UTC" if e.occurred_at else " (no time)"


class Merger:
    """Plan and apply one import."""

    def __init__(self, store: Store, parsed: ParsedDiary, *, replace: bool) -> None:
        self.store = store
        self.doc = parsed
        self.replace = replace
        self.report = ImportReport()
        self.ops: list[Callable[[], object]] = []

    def run(self, *, apply: bool = True) -> ImportReport:
        """Check everything, then write everything (or nothing).

        With ``apply`` False nothing is written and the report says what would happen,
        conflicts included (a dry run).
        """
        with self.store.write():
            self._plan_profile()
            self._plan_nights()
            self._plan_spans()
            self._plan_keyed_sections()
            self._plan_trigger_points()
            conflicts = self.report.conflicts
            if not apply:
                self.report.applied = False
                return self.report
            if conflicts and not self.replace:
                more = f" (and {len(conflicts) - 1} more)" if len(conflicts) > 1 else ""
                raise ConflictError(
                    f"{len(conflicts)} record(s) in the file differ from your diary, e.g. "
                    f"{conflicts[0]}{more}; nothing was imported",
                    list(conflicts),
                    action="replace",
                )
            for op in self.ops:
                op()
        return self.report

    # -- bookkeeping ---------------------------------------------------------------------
    def _conflict(self, message: str) -> None:
        """A record the file and the diary disagree on (``replace`` decides who wins)."""
        self.report.conflicts.append(message)

    def _add(self, section: str, op: Callable[[], object], n: int = 1) -> None:
        self.ops.append(op)
        self.report.count(self.report.added, section, n)

    def _update(self, section: str, op: Callable[[], object]) -> None:
        self.ops.append(op)
        self.report.count(self.report.updated, section)

    def _skip(self, section: str) -> None:
        self.report.count(self.report.skipped, section)

    # -- profile -------------------------------------------------------------------------
    def _plan_profile(self) -> None:
        incoming = self.doc.profile
        if incoming is None:
            return
        stored = self.store.get_profile()
        fields = ("birth_year", "sex", "kidney_disease", "timezone", "bedtime")
        fills, clashes = _compare(stored, incoming, fields)
        for clash in clashes:
            self.report.conflicts.append(f"profile: {clash}")
        changes = dict(fills)
        if clashes and self.replace:
            changes.update(
                {f: getattr(incoming, f) for f in fields if getattr(incoming, f) is not None}
            )
        if not changes:
            self._skip("profile")
            return
        result: Profile = with_fields(stored, **changes)
        self.ops.append(lambda: self.store.put_profile(result))
        bucket = self.report.replaced if clashes and self.replace else self.report.updated
        if stored == Profile():
            bucket = self.report.added
        self.report.count(bucket, "profile")

    # -- nights and episodes -------------------------------------------------------------
    def _plan_nights(self) -> None:
        by_night: dict[str, list[Episode]] = {}
        for ep in self.doc.episodes:
            by_night.setdefault(ep.night, []).append(ep)
        stored_nights = {n.date: n for n in self.store.list_nights()}
        stored_episodes: dict[str, list[Episode]] = {}
        for ep in self.store.list_episodes():
            stored_episodes.setdefault(ep.night, []).append(ep)
        for date in sorted(set(self.doc.nights) | set(by_night)):
            entry = self.doc.nights.get(date, NightEntry(date=date))
            episodes = by_night.get(date, [])
            old = stored_nights.get(date)
            if old is None:
                self._add_night(entry, episodes)
            else:
                self._merge_night(old, stored_episodes.get(date, []), entry, episodes)

    def _add_night(self, entry: NightEntry, episodes: list[Episode]) -> None:
        detailed = [e for e in episodes if not _is_bare(e)]
        undetailed = len(episodes) - len(detailed) if episodes else (entry.cramps or 0)

        def write() -> None:
            self.store.put_night(
                entry.date,
                undetailed_cramps=undetailed,
                sleep_quality=entry.sleep_quality,
                notes=entry.notes,
            )
            for ep in detailed:
                self.store.insert_episode(ep)

        self._add("nights", write)
        self.report.count(self.report.added, "episodes", len(episodes))

    def _merge_night(
        self, old: Night, stored: list[Episode], entry: NightEntry, episodes: list[Episode]
    ) -> None:
        date = old.date
        detailed = [e for e in episodes if not _is_bare(e)]
        file_undetailed = len(episodes) - len(detailed) if episodes else entry.cramps
        new_episodes = self._merge_episodes(date, stored, detailed)
        undetailed = old.undetailed_cramps
        consumed = min(undetailed, len(new_episodes))  # new details of counted cramps
        undetailed -= consumed
        count_changed = False
        if file_undetailed is not None:
            if not stored and not detailed and old.undetailed_cramps != file_undetailed:
                message = (
                    f"night {date}: {old.cramps} cramp(s) in your diary, "
                    f"{file_undetailed} in the file"
                )
                self._conflict(message)
                if self.replace:
                    undetailed, count_changed = file_undetailed, True
                    self.report.count(self.report.replaced, "nights")
            else:
                diary_total = len(stored) + len(new_episodes) + undetailed
                file_total = len(detailed) + file_undetailed
                if file_total > diary_total:  # the file knows of cramps the diary lacks
                    undetailed += file_total - diary_total
                    count_changed = True
        fills, clashes = _compare(
            old,
            Night(date, 0, 0, entry.sleep_quality, entry.notes),
            (
                "sleep_quality",
                "notes",
            ),
        )
        for clash in clashes:
            self._conflict(f"night {date}: {clash}")
        changes = dict(fills)
        if clashes and self.replace:
            changes.update({"sleep_quality": entry.sleep_quality, "notes": entry.notes})
        if changes or consumed or count_changed:
            quality = changes.get("sleep_quality", old.sleep_quality)
            notes = changes.get("notes", old.notes)
            self.ops.append(
                lambda: self.store.put_night(
                    date, undetailed_cramps=undetailed, sleep_quality=quality, notes=notes
                )
            )
            self.report.count(self.report.updated, "nights")
        elif not new_episodes:
            self._skip("nights")

    def _merge_episodes(
        self, date: str, stored: list[Episode], incoming: list[Episode]
    ) -> list[Episode]:
        """Match the file's detailed cramps of a night to the diary's; plan what differs.
        Returns the cramps the diary does not have (planned as additions)."""
        unmatched = list(stored)
        new: list[Episode] = []
        pending: list[Episode] = []
        for ep in incoming:  # the same instant is the same cramp
            twin = next(
                (s for s in unmatched if ep.occurred_at and s.occurred_at == ep.occurred_at), None
            )
            if twin is None:
                pending.append(ep)
                continue
            unmatched.remove(twin)
            self._merge_episode(twin, ep)
        untimed_stored = [s for s in unmatched if s.occurred_at is None and not _is_bare(s)]
        for ep in pending:
            if ep.occurred_at is None and untimed_stored:
                self._merge_episode(untimed_stored.pop(0), ep)
            else:
                new.append(ep)
        for ep in new:
            self._add("episodes", partial(self.store.insert_episode, ep))
        return new

    def _merge_episode(self, old: Episode, new: Episode) -> None:
        assert old.id is not None
        fills, clashes = _compare(old, new, _EPISODE_FIELDS)
        effects = {(a.date, a.kind): a for a in old.after_effects}
        added_effects: list[AfterEffect] = []
        for effect in new.after_effects:
            mine = effects.get((effect.date, effect.kind))
            if mine is None:
                added_effects.append(effect)
            elif mine.rating != effect.rating:
                clashes.append(
                    f"{effect.kind} on {effect.date} rated {mine.rating} in your diary, "
                    f"{effect.rating} in the file"
                )
        label = f"cramp of night {old.night}{_clock(old)}"
        if clashes:
            merged = with_fields(new, id=old.id, client_id=old.client_id, tz=old.tz or new.tz)
            kept = [
                a
                for a in old.after_effects
                if (a.date, a.kind) not in {(b.date, b.kind) for b in new.after_effects}
            ]
            merged = with_fields(
                merged,
                after_effects=tuple(
                    sorted((*kept, *new.after_effects), key=lambda a: (a.date, a.kind))
                ),
            )
            for clash in clashes:
                self._conflict(f"{label}: {clash}")
            if self.replace:
                self.ops.append(lambda: self.store.update_episode(old.id, merged))  # type: ignore[arg-type]
                self.report.count(self.report.replaced, "episodes")
            return
        if not fills and not added_effects:
            self._skip("episodes")
            return
        updated = with_fields(old, **fills)
        episode_id = old.id

        merged = with_fields(updated, after_effects=(*old.after_effects, *added_effects))
        self._update("episodes", lambda: self.store.update_episode(episode_id, merged))

    # -- regimen and medications: one entry per name at a time ----------------------------
    def _plan_spans(self) -> None:
        self._plan_span_section(
            "regimen",
            self.doc.regimen,
            self.store.list_regimen(),
            name=lambda e: e.item,
            fields=("kind", "form", "dose", "unit", "times", "end", "notes"),
            clashes=regimen_clashes,
            insert=self.store.insert_regimen,
            delete=self.store.delete_regimen,
        )
        self._plan_span_section(
            "medications",
            self.doc.medications,
            self.store.list_medications(),
            name=lambda m: m.name,
            fields=("dose", "unit", "times", "end", "notes"),
            clashes=medication_clashes,
            insert=self.store.insert_medication,
            delete=self.store.delete_medication,
        )

    def _plan_span_section(
        self,
        section: str,
        incoming: Sequence[Any],
        stored: list[Any],
        *,
        name: Callable[[Any], str],
        fields: tuple[str, ...],
        clashes: Callable[..., list[Any]],
        insert: Callable[[Any], int],
        delete: Callable[[int], int],
    ) -> None:
        for entry in incoming:
            same = next(
                (s for s in stored if (name(s), s.start) == (name(entry), entry.start)), None
            )
            label = f"{section} {name(entry)} from {entry.start}"
            if same is not None:
                # An ongoing entry the file shows ended is a real difference, not a fill.
                fills, differences = _compare(same, entry, fields)
                if same.end is None and entry.end is not None:
                    fills.pop("end", None)
                    differences.append(f"end ongoing in your diary, {entry.end} in the file")
                if not fills and not differences:
                    self._skip(section)
                    continue
            others = [s for s in clashes(stored, entry) if s is not same]
            old = [s for s in (same, *others) if s is not None]

            def write(e: Any = entry, gone: list[Any] = old) -> None:
                for s in gone:
                    delete(s.id)
                insert(e)

            if same is not None and not differences and not others:
                merged = with_fields(same, **fills, id=None)

                def update(e: Any = merged, s: Any = same) -> None:
                    delete(s.id)
                    insert(e)

                self._update(section, update)
                continue
            problems = [f"{label}: {d}" for d in (differences if same is not None else [])]
            problems += [
                f"{label} ({span_text(entry.start, entry.end)}) overlaps "
                f"{span_text(s.start, s.end)} in your diary"
                for s in others
            ]
            if not problems:
                self._add(section, write)
                continue
            for problem in problems:
                self._conflict(problem)
            if self.replace:
                self.ops.append(write)
                self.report.count(self.report.replaced, section)

    # -- simple keyed sections -----------------------------------------------------------
    def _plan_keyed_sections(self) -> None:
        s = self.store
        sections: list[
            tuple[
                str,
                Sequence[Any],
                list[Any],
                Callable[[Any], tuple[Any, ...]],
                tuple[str, ...],
                Callable[[Any], object],
            ]
        ] = [
            (
                "adherence",
                self.doc.adherence,
                s.list_adherence(),
                lambda a: (a.date, a.item, a.time),
                ("taken",),
                s.put_adherence,
            ),
            (
                "labs",
                self.doc.labs,
                s.list_labs(),
                lambda lab: (lab.date, lab.test),
                ("value", "unit", "range_low", "range_high"),
                s.put_lab,
            ),
            (
                "factors",
                self.doc.factors,
                s.list_factors(),
                lambda f: (f.date, f.name),
                ("value", "unit"),
                s.put_factor,
            ),
            (
                "red_flags",
                self.doc.red_flags,
                s.list_red_flags(),
                lambda r: (r.date, r.flag),
                ("present",),
                s.put_red_flag,
            ),
        ]
        for section, incoming, existing, key, fields, put in sections:
            stored = {key(r): r for r in existing}
            for record in incoming:
                old = stored.get(key(record))
                if old is None:
                    self._add(section, partial(put, record))
                    continue
                fills, clashes = _compare(old, record, fields)
                if not fills and not clashes:
                    self._skip(section)
                elif not clashes:
                    merged = with_fields(old, **fills)
                    if hasattr(merged, "id"):
                        merged = with_fields(merged, id=None)
                    self._update(section, partial(put, merged))
                else:
                    label = " ".join(str(k) for k in key(record) if k)
                    for clash in clashes:
                        self._conflict(f"{section} {label}: {clash}")
                    if self.replace:
                        self.ops.append(partial(put, record))
                        self.report.count(self.report.replaced, section)

    # -- trigger points ------------------------------------------------------------------
    def _plan_trigger_points(self) -> None:
        stored = {trigger_point_key(t): t for t in self.store.list_trigger_points()}
        for tp in self.doc.trigger_points:
            old = stored.get(trigger_point_key(tp))
            if old is None:
                self._add("trigger_points", partial(self.store.insert_trigger_point, tp))
                continue
            self._merge_trigger_point(old, tp)

    def _merge_trigger_point(self, old: TriggerPoint, new: TriggerPoint) -> None:
        fills, clashes = _compare(old, new, ("released", "notes"))
        mine = {r.date: r for r in old.ratings}
        ratings = dict(mine)
        for rating in new.ratings:
            had = mine.get(rating.date)
            if had is None:
                ratings[rating.date] = rating
            elif had.tenderness != rating.tenderness:
                clashes.append(
                    f"tenderness on {rating.date} {had.tenderness} in your diary, "
                    f"{rating.tenderness} in the file"
                )
                if self.replace:
                    ratings[rating.date] = rating
        label = f"trigger point {new.muscle} {new.side} found {new.found}"
        if not fills and not clashes and len(ratings) == len(mine):
            self._skip("trigger_points")
            return
        for clash in clashes:
            self._conflict(f"{label}: {clash}")
        if clashes and not self.replace:
            return
        changes: dict[str, Any] = dict(fills)
        if clashes:
            changes.update(released=new.released, notes=new.notes)
        merged = with_fields(
            old,
            **changes,
            id=None,
            ratings=tuple(
                TriggerPointRating(r.date, r.tenderness) for _, r in sorted(ratings.items())
            ),
        )
        assert old.id is not None
        old_id = old.id

        def write() -> None:
            self.store.delete_trigger_point(old_id)
            self.store.insert_trigger_point(merged)

        if clashes:
            self.ops.append(write)
            self.report.count(self.report.replaced, "trigger_points")
        else:
            self._update("trigger_points", write)
