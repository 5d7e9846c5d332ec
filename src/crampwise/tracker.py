"""The one facade the CLI, the web app and Python users talk to.

``Tracker`` opens the diary database and composes the domain modules::

    tracker = Tracker()               # the personal diary (platform data dir)
    tracker.diary.log_episode(at="around 3am", muscles=["calf"], severity=7)
    tracker.summary()

Opening the diary, the time and ``tracker.diary`` are its hot half,
:class:`~crampwise.tracker_core.TrackerCore`: all that ``crampwise log`` and ``night``
load. Heavy modules (analysis, safety, knowledge) are imported only when used.
"""

from __future__ import annotations

import datetime as dt
import os
from functools import cached_property

from crampwise.errors import InputError
from crampwise.tracker_core import TrackerCore

# Regimen, context and the rest load on first use. TYPE_CHECKING is our own constant:
# importing typing costs ~8 ms.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Callable
    from typing import Any

    from crampwise.analysis import AnalysisResult
    from crampwise.calendarfeed import CalendarFeedModule
    from crampwise.context import ContextModule
    from crampwise.devices import DevicesModule
    from crampwise.diary_changes import DiaryChanges
    from crampwise.experiments.cohort import CohortResult
    from crampwise.experiments.power import PowerResult
    from crampwise.experiments.runner import ExperimentsModule
    from crampwise.formats.diaryformat import ImportReport, ParsedDiary
    from crampwise.nights import Summary
    from crampwise.records import DiaryData
    from crampwise.regimen import RegimenModule
    from crampwise.reports.context import ExperimentRow, ReportContext
    from crampwise.safety import Finding, SafetyReport
    from crampwise.safety.nutrition import NutritionTotals
    from crampwise.storage.groupcommit import GroupCommit
    from crampwise.storage.migrations import MigrationStatus
    from crampwise.weeks import Week

__all__ = ["Tracker"]


class Tracker(TrackerCore):
    """A person's cramp diary: open it, record, read, analyse (the hot half, opening
    and recording, is :class:`~crampwise.tracker_core.TrackerCore`)."""

    def migration_status(self) -> MigrationStatus:
        """Applied and pending schema migrations."""
        return self._store.migration_status()

    def migrate(self) -> list[str]:
        """Apply pending schema migrations; returns their names."""
        return self._store.migrate()

    def is_empty(self) -> bool:
        """True when the diary holds no data at all."""
        return self._store.is_empty()

    def enable_group_commit(self) -> bool:
        """Let concurrent writes (a server's threads) share one commit on SQLite, each
        answered only once its own write is durable; returns whether it is on (see
        ``storage/groupcommit.py``). The CLI leaves it off."""
        return self._store.engine.enable_group_commit()

    @property
    def group_commit(self) -> GroupCommit | None:
        """The group commit in use (a server's dedicated writer settles its batches)."""
        return self._store.engine.group_commit

    # -- modules -------------------------------------------------------------------------
    @cached_property
    def diary(self) -> DiaryChanges:
        """Nights and episodes: record, read back, rate after-effects, edit, delete."""
        from crampwise.diary_changes import DiaryChanges

        return DiaryChanges(self._store, self._clock)

    @cached_property
    def regimen(self) -> RegimenModule:
        """Supplements, foods, routines, therapies, adherence and medications."""
        from crampwise.regimen import RegimenModule

        return RegimenModule(self._store, self._clock)

    @cached_property
    def context(self) -> ContextModule:
        """Profile, labs, factors, trigger points and red flags."""
        from crampwise.context import ContextModule

        return ContextModule(self._store, self._clock)

    @cached_property
    def experiments(self) -> ExperimentsModule:
        """Randomized N-of-1 experiments: plan, start, tonight, status, stop, result."""
        from crampwise.experiments.runner import ExperimentsModule

        return ExperimentsModule(self._store, self._clock)

    @staticmethod
    def experiment_power(
        baseline_per_week: float | str,
        rate_ratio: float | str,
        weeks_per_arm: float | str,
        dispersion: float | str = 1.0,
    ) -> PowerResult:
        """Chance of each verdict for equal weeks per arm (needs no diary)."""
        from crampwise.experiments.power import power

        return power(baseline_per_week, rate_ratio, weeks_per_arm, dispersion)  # type: ignore[arg-type]

    @staticmethod
    def cohort(
        paths: list[str],
        *,
        item: str | None = None,
        today: dt.date | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> CohortResult:
        """Pool many people's trials from their ``crampwise-diary`` files (needs no diary)."""
        from crampwise.experiments.cohort import cohort_from_files

        return cohort_from_files(paths, item=item, today=today, progress=progress)

    @cached_property
    def devices(self) -> DevicesModule:
        """Phones and browsers paired with the diary (the web app's pairing)."""
        from crampwise.devices import DevicesModule

        return DevicesModule(self._store, self._clock)

    @cached_property
    def calendar_feed(self) -> CalendarFeedModule:
        """The private address of the bedtime calendar feed (make, revoke, check)."""
        from crampwise.calendarfeed import CalendarFeedModule

        return CalendarFeedModule(self._store, self._clock)

    # -- whole-diary operations ----------------------------------------------------------
    def snapshot(
        self,
        start: str | None = None,
        end: str | None = None,
        sections: frozenset[str] | None = None,
    ) -> DiaryData:
        """The diary as typed records (nights, episodes, factors, adherence from ``start``
        to ``end``, inclusive ISO dates; the rest whole). What safety, nutrition, analysis
        and the export formats read. ``sections`` limits what is read (others are empty)."""
        return self._store.snapshot(self.timezone, start, end, sections)

    def summary(self, snapshot: DiaryData | None = None) -> Summary:
        """The diary at a glance; its weekly rate with an exact 95 % interval. Of
        ``snapshot`` (a whole-diary one) when the caller has read the diary already."""
        from crampwise._record import replace

        if snapshot is not None and (snapshot.start is not None or snapshot.end is not None):
            raise ValueError("the summary needs a snapshot of the whole diary")
        summary = self.diary.summary(None if snapshot is None else snapshot.nights)
        if summary.cramps_per_week is None:
            return summary
        from crampwise.analysis.special import gammaincinv

        # Garwood's exact Poisson interval: Gamma(c, 1) and Gamma(c + 1, 1) quantiles.
        cramps, weeks = summary.cramps, summary.nights_observed / 7
        low = gammaincinv(cramps, 0.025) / weeks if cramps else 0.0
        high = gammaincinv(cramps + 1, 0.975) / weeks
        return replace(summary, cramps_per_week_low=low, cramps_per_week_high=high)

    def calendar(
        self, start: str | None = None, end: str | None = None, *, to_last_night: bool = False
    ) -> list[Week]:
        """The nights week by week (Monday first), with what started or stopped in the
        regimen each week (``to_last_night``: see :meth:`DiaryModule.nights`)."""
        from crampwise.weeks import weeks

        nights = self.diary.nights(start, end, to_last_night=to_last_night)
        return weeks(nights, self.regimen.entries())

    def export_diary(self) -> dict[str, Any]:
        """The whole diary as a ``crampwise-diary`` v1 document."""
        from crampwise.formats.export import export_document

        return export_document(self.snapshot())

    def export_to_file(self, path: str, *, confirm: bool = False) -> None:
        """Write the ``crampwise-diary`` document to ``path`` (atomically; replacing a file
        needs ``confirm``)."""
        self.write_json(path, self.export_diary(), confirm=confirm)

    def export_csv(self, folder: str, *, confirm: bool = False) -> list[str]:
        """Write the diary as CSV files into ``folder`` (docs/export-csv.md); returns them."""
        from crampwise.formats.csvfiles import write_csv

        return write_csv(self.snapshot(), folder, confirm=confirm)

    def export_fhir(self, *, bundle_id: str | None = None) -> dict[str, Any]:
        """The diary as a FHIR R4 ``Bundle`` of type ``collection`` (docs/format.md).

        ``bundle_id`` (a UUID) makes the resource ids reproducible; default: a new one."""
        import uuid

        from crampwise.formats.fhir import fhir_bundle

        space = None
        if bundle_id is not None:
            try:
                space = uuid.UUID(bundle_id)
            except ValueError:
                raise InputError("bundle_id", f"{bundle_id!r} is not a UUID") from None
        return fhir_bundle(self.snapshot(), now=self.now(), today=self.today(), bundle_id=space)

    def reminders_calendar(self, *, uid_domain: str = "crampwise") -> str:
        """The daily bedtime reminder as iCalendar text (what the web feed serves)."""
        from crampwise.formats.ics import bedtime_calendar

        return bedtime_calendar(
            self.snapshot(), today=self.today(), now=self.now(), uid_domain=uid_domain
        )

    def reminders_feed(self, token: str) -> str | None:
        """The bedtime calendar for the feed address with ``token``; None when the token
        is not the diary's working feed token (unknown or revoked)."""
        if not self.calendar_feed.opens(token):
            return None
        return self.reminders_calendar()

    def bedtime_items(self) -> list[str]:
        """What is due at bedtime tonight (regimen items and medicines)."""
        from crampwise.formats.ics import bedtime_items

        return bedtime_items(self.snapshot(), self.today())

    def write_reminders(self, path: str, *, confirm: bool = False) -> None:
        """Write the bedtime reminder calendar to ``path`` (atomically; replacing a file
        needs ``confirm``)."""
        from crampwise.formats.files import check_targets, write_atomic

        check_targets([path], field="ics", confirm=confirm)
        write_atomic(path, self.reminders_calendar(), field="ics")

    def write_json(self, path: str, document: dict[str, Any], *, confirm: bool = False) -> None:
        """Write a JSON document to ``path`` atomically (replacing a file needs ``confirm``)."""
        import json

        from crampwise.formats.files import check_targets, write_atomic

        check_targets([path], field="out", confirm=confirm)
        text = json.dumps(document, indent=2, ensure_ascii=False) + "\n"
        write_atomic(path, text, field="out")

    def import_diary(
        self,
        source: str | os.PathLike[str] | dict[str, Any],
        *,
        replace: bool = False,
        dry_run: bool = False,
        wipe: bool = False,
    ) -> ImportReport:
        """Import a ``crampwise-diary`` document: validated whole first, then merged record
        by record in one transaction (all or nothing).

        ``replace``: the file's version wins where it differs. ``dry_run``: write nothing,
        report what would happen (conflicts included). ``wipe``: empty the diary first, in
        the same transaction (the demo's reset and ``restore``).
        """
        from crampwise.formats.diaryformat import load_document, parse_document

        doc = source if isinstance(source, dict) else load_document(source)
        parsed = parse_document(doc, today=self.today(), default_tz=self.timezone)
        return self._merge(parsed, replace=replace, dry_run=dry_run, wipe=wipe)

    def import_csv(
        self,
        path: str | os.PathLike[str],
        *,
        columns: dict[str, str] | None = None,
        replace: bool = False,
        dry_run: bool = False,
    ) -> ImportReport:
        """Import CSV: a folder written by :meth:`export_csv`, or a table of nights (a row
        per night with its date and cramp count; ``columns`` maps ``date``, ``cramps``,
        ``sleep_quality``, ``notes`` to the table's column names). Validated whole, then
        merged like a JSON import (all or nothing); errors name file, row and column."""
        from crampwise.formats.csvimport import read_csv_folder
        from crampwise.formats.nightscsv import read_nights_csv

        where = os.fspath(path)
        if os.path.isdir(where):
            if columns:
                raise InputError(
                    "map", "a column map is for a table of nights, not an export folder"
                )
            document = read_csv_folder(where)
        else:
            document = read_nights_csv(where, columns)
        parsed = document.parse(today=self.today(), default_tz=self.timezone)
        return self._merge(parsed, replace=replace, dry_run=dry_run)

    def _merge(
        self, parsed: ParsedDiary, *, replace: bool, dry_run: bool, wipe: bool = False
    ) -> ImportReport:
        from crampwise.formats.importer import Merger

        with self._store.write():
            if wipe and not dry_run:
                self._store.wipe()
            report = Merger(self._store, parsed, replace=replace).run(apply=not dry_run)
        self.forget_timezone()
        return report

    # -- backup and restore ----------------------------------------------------------------
    def backup(self, path: str, *, confirm: bool = False) -> str:
        """Write a consistent backup of the diary to ``path`` while it is in use; returns
        its kind: ``"sqlite"`` (an SQLite diary file, copied whole with SQLite's backup
        API) or ``"json"`` (PostgreSQL: the ``crampwise-diary`` document of this diary,
        read in one snapshot). Replacing a file needs ``confirm``."""
        from crampwise.formats.files import check_targets

        check_targets([path], field="backup", confirm=confirm)
        if self._store.sqlite_file is not None:
            self._store.backup_sqlite(path)
            return "sqlite"
        self.write_json(path, self.export_diary(), confirm=True)
        return "json"

    def restore(self, path: str, *, confirm: bool = False) -> str:
        """Replace the diary with a backup (an SQLite backup file or a ``crampwise-diary``
        JSON document); a diary that holds data is replaced only with ``confirm``. All or
        nothing. Returns how it was restored: ``"sqlite"`` (the whole file copied back) or
        ``"json"`` (the document imported into the emptied diary)."""
        from crampwise.errors import ConfirmationRequired
        from crampwise.formats.diaryformat import load_document, parse_document
        from crampwise.storage.backup import check_sqlite_backup, is_sqlite_file
        from crampwise.storage.migrations import NAMES

        if not os.path.isfile(path):
            raise InputError("FILE", f"{path!r} does not exist")
        document = None
        if is_sqlite_file(path):  # a bad backup is refused before anything is asked
            check_sqlite_backup(path, NAMES)
        else:
            document = load_document(path)
            parse_document(document, today=self.today(), default_tz=self.timezone)
        if not confirm and not self.is_empty():
            raise ConfirmationRequired(
                f"replace everything in the diary {self.database_url} with the backup {path}?"
            )
        if document is not None:
            self.import_diary(document, wipe=True)
            return "json"
        # A whole-file copy keeps everything (ids, devices, retried-submission ids); it is
        # used only where the file holds just this diary.
        if self._store.sqlite_file is not None and len(self._store.list_diaries()) <= 1:
            self._store.restore_sqlite(path)
            self.forget_timezone()
            return "sqlite"
        self.import_diary(_document_of_sqlite_backup(path), wipe=True)
        return "json"

    # -- insight (heavy modules, imported on first use) ------------------------------------
    def analyze(self, snapshot: DiaryData | None = None) -> AnalysisResult:
        """Rates per period, effects with uncertainty, warnings, changepoints, streaks;
        of ``snapshot`` when the caller has read the whole diary already (the dashboard
        reads it once for its charts and the analysis)."""
        from crampwise._gcpause import paused_gc
        from crampwise.analysis import analyze_series
        from crampwise.diaryseries import SECTIONS, build_series

        # Only what the series is built from: labs, factors (each a JSON value to
        # decode), trigger points and red-flag answers play no part in the analysis.
        with paused_gc():  # thousands of records, no cycles (see crampwise._gcpause)
            series = build_series(snapshot or self.snapshot(sections=SECTIONS))
        return analyze_series(series)

    def _safety_snapshot(self, day: dt.date) -> DiaryData:
        """What the safety rules read: the episodes of their red-flag window before ``day``
        (long cramps, cramps outside the legs); regimen, medicines, labs and answers whole."""
        from crampwise.safety.context import RED_FLAG_WINDOW_DAYS, SECTIONS

        start = day - dt.timedelta(days=RED_FLAG_WINDOW_DAYS)
        return self.snapshot(start.isoformat(), day.isoformat(), SECTIONS)

    def safety(self, day: dt.date | None = None) -> SafetyReport:
        """Safety findings for the regimen, medicines, labs and red flags as of ``day``."""
        from crampwise.safety import check

        day = day or self.today()
        return check(self._safety_snapshot(day), day)

    def safety_for_new_item(self, item: str) -> list[Finding]:
        """Today's findings that involve a just-added regimen item or medication."""
        from crampwise.safety import check_new_item

        today = self.today()
        return check_new_item(self._safety_snapshot(today), today, item)

    # -- the doctor report ---------------------------------------------------------------
    def report(self, start: str | None = None, end: str | None = None) -> ReportContext:
        """The doctor report's content for the nights from ``start`` to ``end`` (ISO dates
        or words such as ``yesterday``; default the whole diary): the analysis of those
        nights, the regimen and medicines in force then, labs up to the end, and the
        safety check as of the end (today when it is open)."""
        from crampwise.analysis import analyze_series
        from crampwise.diaryseries import build_series
        from crampwise.reports.build import build_report

        start, end = self.date_range(start, end)
        statuses = self.diary.nights(start, end)
        snapshot = self.snapshot(start, end)
        result = analyze_series(build_series(snapshot)) if statuses else None
        as_of = dt.date.fromisoformat(end) if end is not None else self.today()
        return build_report(
            snapshot,
            statuses,
            result,
            self.safety(min(as_of, self.today())),
            today=self.today(),
            start=start,
            end=end,
            experiments=self._report_experiments(start, end),
        )

    def _report_experiments(
        self, start: str | None, end: str | None
    ) -> tuple[ExperimentRow, ...] | None:
        """The experiments whose nights touch the report's span, each with its verdict
        (over all its nights) where the plan allows one now; None when the diary has no
        experiment (the report leaves its section out)."""
        from crampwise.errors import ConflictError
        from crampwise.experiments.runner import experiment_state
        from crampwise.reports.build import experiment_row

        found = self.experiments.list()
        if not found:
            return None
        rows = []
        for exp in found:
            if (end is not None and exp.start > end) or (
                start is not None and exp.last_night < start
            ):
                continue
            try:
                result = self.experiments.result(exp.id)
            except ConflictError:  # running, and its plan allows no interim look
                result = None
            rows.append(experiment_row(exp, experiment_state(exp, self.today()), result))
        return tuple(rows)

    def write_report(
        self,
        *,
        pdf: str | None = None,
        html: str | None = None,
        start: str | None = None,
        end: str | None = None,
        confirm: bool = False,
    ) -> tuple[ReportContext, int | None]:
        """Write the doctor report as PDF and/or HTML (atomically; replacing a file needs
        ``confirm``). Returns the report's content and the PDF's number of pages."""
        from crampwise.formats.files import check_targets, write_atomic
        from crampwise.reports.render import render_html, render_pdf

        if not pdf and not html:
            raise InputError(
                "pdf", "give a file to write the report to (PDF or HTML)", code="required"
            )
        for field, path in (("pdf", pdf), ("html", html)):
            if path is not None:
                check_targets([path], field=field, confirm=confirm)
        context = self.report(start, end)
        pages = None
        if pdf is not None:
            data, pages = render_pdf(context)
            write_atomic(pdf, data, field="pdf")
        if html is not None:
            write_atomic(html, render_html(context), field="html")
        return context, pages

    def report_pdf(self, start: str | None = None, end: str | None = None) -> bytes:
        """The doctor report as PDF bytes (what the web app offers for download)."""
        from crampwise.reports.render import render_pdf

        return render_pdf(self.report(start, end))[0]

    def nutrition(self, day: dt.date | None = None) -> NutritionTotals:
        """Potassium, magnesium, calcium and sodium from foods and supplements on ``day``."""
        from crampwise.safety.nutrition import daily_totals

        day = day or self.today()
        iso = day.isoformat()
        return daily_totals(self.snapshot(iso, iso, frozenset({"regimen", "medications"})), day)


def _document_of_sqlite_backup(path: str) -> dict[str, Any]:
    """The personal diary of an SQLite backup as a document (for restoring it elsewhere):
    read from a migrated temporary copy, so the backup itself is never changed."""
    import shutil
    import tempfile

    from crampwise.storage.backup import check_sqlite_backup
    from crampwise.storage.migrations import NAMES

    check_sqlite_backup(path, NAMES)
    with tempfile.TemporaryDirectory(prefix="crampwise-restore-") as folder:
        copy = os.path.join(folder, "backup.sqlite")
        shutil.copyfile(path, copy)
        with Tracker(copy) as source:
            return source.export_diary()
