"""Merging a parsed ``crampwise-diary`` document into a diary, atomically.

The merge first *plans*: it compares every record with what is stored, collects
conflicts, and queues writes. Only when there is no conflict (or ``replace`` is given)
are the queued writes run, all inside the one transaction that also did the reading.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import TYPE_CHECKING, Any

from crampwise._record import replace as dc_replace
from crampwise.errors import ConflictError
from crampwise.formats.diaryformat import ImportReport, NightEntry, ParsedDiary
from crampwise.records import Episode, Profile

if TYPE_CHECKING:
    from crampwise.storage import Store

__all__ = ["Merger"]

_MAX_LISTED = 20


def _without_id(record: Any) -> Any:
    return dc_replace(record, id=None) if hasattr(record, "id") else record


class Merger:
    """Plan and apply one import."""

    def __init__(self, store: Store, parsed: ParsedDiary, *, replace: bool) -> None:
        self.store = store
        self.doc = parsed
        self.replace = replace
        self.report = ImportReport()
        self.conflicts: list[str] = []
        self.ops: list[Callable[[], object]] = []

    def run(self) -> ImportReport:
        """Check everything, then write everything (or nothing)."""
        with self.store.write():
            self._plan_profile()
            self._plan_nights()
            self._plan_regimen()
            self._plan_keyed_sections()
            self._plan_trigger_points()
            if self.conflicts and not self.replace:
                listed = self.conflicts[:_MAX_LISTED]
                more = len(self.conflicts) - len(listed)
                lines = "\n  ".join(listed) + (f"\n  … and {more} more" if more else "")
                raise ConflictError(
                    f"{len(self.conflicts)} record(s) in the file differ from your diary; "
                    f"nothing was imported:\n  {lines}\n"
                    "Use --replace to let the file's version win.",
                    self.conflicts,
                )
            for op in self.ops:
                op()
        return self.report

    def _conflict(self, section: str, message: str, op: Callable[[], object]) -> None:
        self.conflicts.append(message)
        if self.replace:
            self.ops.append(op)
            self.report.count(self.report.replaced, section)

    def _add(self, section: str, op: Callable[[], object]) -> None:
        self.ops.append(op)
        self.report.count(self.report.added, section)

    def _skip(self, section: str) -> None:
        self.report.count(self.report.skipped, section)

    # -- profile -------------------------------------------------------------------------
    def _plan_profile(self) -> None:
        incoming = self.doc.profile
        if incoming is None:
            return
        stored = self.store.get_profile()
        merged: dict[str, Any] = {}
        clashes: list[str] = []
        for name in Profile.__record_fields__:
            new, old = getattr(incoming, name), getattr(stored, name)
            if new is None:
                merged[name] = old
            elif old is None or old == new:
                merged[name] = new
            else:
                clashes.append(f"profile.{name}: diary has {old!r}, file has {new!r}")
                merged[name] = new if self.replace else old
        self.conflicts.extend(clashes)  # before the no-change shortcut: a clash is never silent
        result = Profile(**merged)
        if result == stored:
            self._skip("profile")
            return
        self.ops.append(partial(self.store.put_profile, result))
        bucket = self.report.replaced if clashes else self.report.added
        self.report.count(bucket, "profile")

    # -- nights and episodes -------------------------------------------------------------
    def _plan_nights(self) -> None:
        by_night: dict[str, list[Episode]] = {}
        for ep in self.doc.episodes:
            by_night.setdefault(ep.night, []).append(ep)
        stored = {n.date: n for n in self.store.list_nights()}
        for date in sorted(set(self.doc.nights) | set(by_night)):
            entry = self.doc.nights.get(date, NightEntry(date=date))
            episodes = by_night.get(date, [])
            total = len(episodes) if episodes else (entry.cramps or 0)
            undetailed = 0 if episodes else total
            old = stored.get(date)

            def write(
                d: str = date,
                e: NightEntry = entry,
                eps: list[Episode] = episodes,
                u: int = undetailed,
                existed: bool = old is not None,
            ) -> None:
                if existed:
                    self.store.delete_night(d)
                self.store.put_night(
                    d, undetailed_cramps=u, sleep_quality=e.sleep_quality, notes=e.notes
                )
                for ep in eps:
                    self.store.insert_episode(ep)

            if old is None:
                self._add("nights", write)
                self.report.count(self.report.added, "episodes", len(episodes))
            elif old.cramps != total:
                self._conflict(
                    "nights",
                    f"night {date}: diary has {old.cramps} cramp(s), file has {total}",
                    write,
                )
            else:
                self._skip("nights")
                if (entry.sleep_quality is not None and old.sleep_quality is None) or (
                    entry.notes and not old.notes
                ):
                    self.ops.append(
                        partial(
                            self.store.put_night,
                            date,
                            undetailed_cramps=old.undetailed_cramps,
                            sleep_quality=old.sleep_quality
                            if old.sleep_quality is not None
                            else entry.sleep_quality,
                            notes=old.notes or entry.notes,
                        )
                    )

    # -- regimen -------------------------------------------------------------------------
    def _plan_regimen(self) -> None:
        stored = self.store.list_regimen()
        for entry in self.doc.regimen:
            same_key = [s for s in stored if (s.item, s.start) == (entry.item, entry.start)]
            if same_key and _without_id(same_key[0]) == entry:
                self._skip("regimen")
                continue
            overlapping = [
                s
                for s in stored
                if s.item == entry.item
                and s.start < (entry.end or "9999-12-31")
                and entry.start < (s.end or "9999-12-31")
            ]

            def write(e: Any = entry, old: list[Any] = overlapping) -> None:
                for s in old:
                    self.store.delete_regimen(s.id)
                self.store.insert_regimen(e)

            if not overlapping:
                self._add("regimen", write)
                continue
            spans = ", ".join(f"{s.start} – {s.end or 'ongoing'}" for s in overlapping)
            self._conflict(
                "regimen",
                f"regimen {entry.item} from {entry.start}: diary has {entry.item} for {spans}",
                write,
            )

    # -- simple keyed sections -----------------------------------------------------------
    def _plan_keyed_sections(self) -> None:
        s = self.store
        sections: list[
            tuple[
                str,
                list[Any],
                list[Any],
                Callable[[Any], tuple[Any, ...]],
                Callable[[Any, Any], object],
            ]
        ] = [
            (
                "adherence",
                self.doc.adherence,
                s.list_adherence(),
                lambda a: (a.date, a.item, a.time),
                lambda new, old: s.put_adherence(new),
            ),
            (
                "medications",
                self.doc.medications,
                s.list_medications(),
                lambda m: (m.name, m.start),
                lambda new, old: (
                    s.delete_medication(old.id) if old else None,
                    s.insert_medication(new),
                ),
            ),
            (
                "labs",
                self.doc.labs,
                s.list_labs(),
                lambda lab: (lab.date, lab.test),
                lambda new, old: s.put_lab(new),
            ),
            (
                "factors",
                self.doc.factors,
                s.list_factors(),
                lambda f: (f.date, f.name),
                lambda new, old: s.put_factor(new),
            ),
            (
                "red_flags",
                self.doc.red_flags,
                s.list_red_flags(),
                lambda r: (r.date, r.flag),
                lambda new, old: s.put_red_flag(new),
            ),
        ]
        for section, incoming, existing, key, put in sections:
            stored = {key(r): r for r in existing}
            for record in incoming:
                old = stored.get(key(record))
                op = partial(put, record, old)
                if old is None:
                    self._add(section, op)
                elif _without_id(old) == record:
                    self._skip(section)
                else:
                    label = " ".join(str(k) for k in key(record) if k)
                    self._conflict(section, f"{section} {label}: differs from your diary", op)

    # -- trigger points ------------------------------------------------------------------
    def _plan_trigger_points(self) -> None:
        stored = {(t.muscle, t.side, t.spot, t.found): t for t in self.store.list_trigger_points()}
        for tp in self.doc.trigger_points:
            key = (tp.muscle, tp.side, tp.spot, tp.found)
            old = stored.get(key)
            if old is None:
                self._add("trigger_points", partial(self.store.insert_trigger_point, tp))
                continue
            if dc_replace(old, id=None) == tp:
                self._skip("trigger_points")
                continue

            def write(t: Any = tp, o: Any = old) -> None:
                self.store.delete_trigger_point(o.id)
                self.store.insert_trigger_point(t)

            self._conflict(
                "trigger_points",
                f"trigger point {tp.muscle} {tp.side} found {tp.found}: differs from your diary",
                write,
            )
