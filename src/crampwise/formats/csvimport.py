"""Reading CSV into a ``crampwise-diary`` document: the CSV export's folder (and, in
:mod:`crampwise.formats.nightscsv`, a plain table of nights from any spreadsheet).

Both build the document the JSON import reads, then validate it with the same strict
:func:`~crampwise.formats.diaryformat.parse_document`, so CSV and JSON follow one set of
rules. Every value remembers where it came from: an error names the file, the row (as a
spreadsheet numbers it: the header is row 1) and the column, in one line::

    nights.csv, row 7, column Count: 'x' is not a whole number

Cells: booleans ``true``/``false`` (``yes``/``no``), lists separated by ``;``, reliefs
``method:helped``, empty = unknown. The export's ids only link its files to each other
(an after-effect to its cramp, a rating to its trigger point); the diary gives new ids.
"""

from __future__ import annotations

import csv
import io
import math
import os
import re
from dataclasses import dataclass, field
from typing import Any

from crampwise import vocab
from crampwise.errors import ImportFormatError, InputError
from crampwise.formats.csvfiles import COLUMNS
from crampwise.formats.diaryformat import FORMAT, VERSION, ParsedDiary, parse_document
from crampwise.formats.jsonrecords import number

TYPE_CHECKING = False  # the project's one convention (docs/architecture.md)
if TYPE_CHECKING:
    import datetime as dt

__all__ = ["CsvDocument", "read_csv_folder"]

#: Columns each file of the export folder must have when it is present.
_REQUIRED: dict[str, tuple[str, ...]] = {
    "nights": ("date", "cramps"),
    "episodes": ("night",),
    "after_effects": ("episode_id", "date", "kind", "rating"),
    "regimen": ("item", "kind", "start"),
    "adherence": ("date", "item", "taken"),
    "medications": ("name", "start"),
    "labs": ("date", "test", "value", "unit"),
    "factors": ("date", "name", "value"),
    "trigger_points": ("muscle", "side", "found"),
    "trigger_point_ratings": ("trigger_point_id", "date", "tenderness"),
    "red_flags": ("date", "flag", "present"),
    "experiments": ("id", "item", "start"),
    "experiment_periods": ("experiment_id", "start", "end", "condition"),
    "profile": (),
}

_TRUE = ("true", "yes")
_FALSE = ("false", "no")
_INDEX = re.compile(r"\[\d+\]")


@dataclass
class _Origin:
    file: str
    row: int
    columns: dict[str, str] = field(default_factory=dict)  # JSON key -> CSV column


@dataclass
class CsvDocument:
    """A ``crampwise-diary`` document read from CSV, with where each record came from."""

    document: dict[str, Any]
    origins: dict[str, _Origin] = field(default_factory=dict)  # JSON path prefix -> origin

    def parse(self, *, today: dt.date, default_tz: str) -> ParsedDiary:
        """Validate like a JSON import; errors name the file, row and column."""
        try:
            return parse_document(self.document, today=today, default_tz=default_tz)
        except ImportFormatError as exc:
            raise ImportFormatError(self.locate(exc.field), exc.detail, code=exc.code) from None

    def locate(self, path: str) -> str:
        """A JSON path of the document → ``file, row N, column C``."""
        prefix = path
        while prefix:
            origin = self.origins.get(prefix)
            if origin is not None:
                rest = path[len(prefix) :].lstrip(".")
                parts = _INDEX.split(rest, maxsplit=1)[0].split(".")
                # a nested object's key is a column of its own (decision_rule.mcid: mcid)
                key = parts[-1] if len(parts) > 1 else parts[0]
                where = f"{origin.file}, row {origin.row}"
                column = origin.columns.get(key, key)
                return f"{where}, column {column}" if column else where
            cut = max(prefix.rfind("."), prefix.rfind("["))
            prefix = prefix[:cut] if cut > 0 else ""
        return path


class _Cells:
    """One row of a table: typed cells, errors naming file, row and column."""

    def __init__(self, file: str, row: int, values: dict[str, str], names: dict[str, str]):
        self.file = file
        self.row = row
        self.values = values  # our column name -> text
        self.names = names  # our column name -> the file's column name

    def fail(self, column: str, message: str) -> ImportFormatError:
        where = f"{self.file}, row {self.row}, column {self.names.get(column, column)}"
        return ImportFormatError(where, message)

    def text(self, column: str) -> str | None:
        value = self.values.get(column, "").strip()
        return value or None

    def integer(self, column: str) -> int | None:
        value = self.text(column)
        if value is None:
            return None
        try:
            return int(value)
        except ValueError:
            raise self.fail(column, f"{value!r} is not a whole number") from None

    def decimal(self, column: str) -> float | int | None:
        value = self.text(column)
        if value is None:
            return None
        try:
            parsed = float(value.replace(",", ".") if value.count(",") == 1 else value)
        except ValueError:
            raise self.fail(column, f"{value!r} is not a number") from None
        if not math.isfinite(parsed):
            raise self.fail(column, f"{value!r} is not a number")
        return number(parsed)

    def boolean(self, column: str) -> bool | None:
        value = self.text(column)
        if value is None:
            return None
        if value.lower() in _TRUE:
            return True
        if value.lower() in _FALSE:
            return False
        raise self.fail(column, f"{value!r} is not true/false")

    def items(self, column: str) -> list[str]:
        value = self.text(column)
        return [] if value is None else [v.strip() for v in value.split(";") if v.strip()]


def _read_table(path: str, label: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header and (row number, cells) of a CSV file: comma, semicolon or tab separated."""
    try:
        with open(path, encoding="utf-8-sig", newline="") as handle:
            text = handle.read()
    except FileNotFoundError:
        raise InputError("FILE", f"{path!r} does not exist") from None
    except UnicodeDecodeError:
        raise ImportFormatError(label, "is not UTF-8 text") from None
    except OSError as exc:
        raise InputError("FILE", f"cannot read {path!r}: {exc.strerror}") from None
    first = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first.count)
    reader = csv.reader(io.StringIO(text), delimiter=delimiter)
    try:
        rows = [(reader.line_num, cells) for cells in reader]
    except csv.Error as exc:
        raise ImportFormatError(f"{label}, row {reader.line_num}", str(exc)) from None
    if not rows:
        raise ImportFormatError(label, "is empty; the first row names the columns")
    header = [h.strip() for h in rows[0][1]]
    body = [(n, cells) for n, cells in rows[1:] if any(c.strip() for c in cells)]
    for n, cells in body:
        if len(cells) > len(header):
            raise ImportFormatError(
                f"{label}, row {n}", f"{len(cells)} cells but the header names {len(header)}"
            )
    return header, body


def _rows(path: str, label: str, names: dict[str, str]) -> list[_Cells]:
    """The rows of a table, keyed by our column names (``names``: ours -> the file's)."""
    header, body = _read_table(path, label)
    where = {h: i for i, h in enumerate(header)}
    index = {ours: where[theirs] for ours, theirs in names.items() if theirs in where}
    return [
        _Cells(
            label,
            n,
            {ours: cells[i] if i < len(cells) else "" for ours, i in index.items()},
            names,
        )
        for n, cells in body
    ]


def _columns(path: str, label: str) -> list[str]:
    return _read_table(path, label)[0]


# -- the export folder ---------------------------------------------------------------------
def read_csv_folder(folder: str) -> CsvDocument:
    """The files of a CSV export (docs/export-csv.md) as one document."""
    present: dict[str, str] = {}
    for entry in sorted(os.listdir(folder)):
        if not entry.lower().endswith(".csv"):
            continue
        name = entry[:-4]
        if name not in COLUMNS:
            raise ImportFormatError(
                entry, f"is not a file of the CSV export; expected: {', '.join(COLUMNS)}"
            )
        present[name] = os.path.join(folder, entry)
    if not present:
        raise InputError("FILE", f"{folder!r} holds no CSV files of a crampwise export")
    tables: dict[str, list[_Cells]] = {}
    for name, path in present.items():
        label = f"{name}.csv"
        header = _columns(path, label)
        for column in header:
            if column not in COLUMNS[name]:
                raise ImportFormatError(
                    f"{label}, row 1, column {column}",
                    f"unknown column; allowed: {', '.join(COLUMNS[name])}",
                )
        for column in _REQUIRED[name]:
            if column not in header:
                raise ImportFormatError(f"{label}, row 1", f"the column {column} is missing")
        tables[name] = _rows(path, label, {c: c for c in header})
    return _FolderReader(tables).document()


class _FolderReader:
    def __init__(self, tables: dict[str, list[_Cells]]) -> None:
        self.tables = tables
        self.doc: dict[str, Any] = {"format": FORMAT, "version": VERSION}
        self.origins: dict[str, _Origin] = {}

    def rows(self, name: str) -> list[_Cells]:
        return self.tables.get(name, [])

    def record(self, section: str, cells: _Cells, obj: dict[str, Any]) -> str:
        """Append ``obj`` to a section, remembering its row; returns its JSON path."""
        items = self.doc.setdefault(section, [])
        path = f"{section}[{len(items)}]"
        items.append({k: v for k, v in obj.items() if v is not None and v != []})
        self.origins[path] = _Origin(cells.file, cells.row)
        return path

    def document(self) -> CsvDocument:
        self.profile()
        self.nights_and_episodes()
        for cells in self.rows("regimen"):
            self.record(
                "regimen",
                cells,
                {
                    **self.span(
                        cells,
                        item=cells.text("item"),
                        kind=cells.text("kind"),
                        form=cells.text("form"),
                    ),
                    "every": cells.text("every"),  # absent from older exports: every day
                },
            )
        for cells in self.rows("adherence"):
            self.record(
                "adherence",
                cells,
                {
                    "date": cells.text("date"),
                    "item": cells.text("item"),
                    "time": cells.text("time"),
                    "taken": cells.boolean("taken"),
                },
            )
        for cells in self.rows("medications"):
            self.record(
                "medications",
                cells,
                {**self.span(cells, name=cells.text("name")), "every": cells.text("every")},
            )
        for cells in self.rows("labs"):
            self.record(
                "labs",
                cells,
                {
                    "date": cells.text("date"),
                    "test": cells.text("test"),
                    "value": cells.decimal("value"),
                    "unit": cells.text("unit"),
                    "range_low": cells.decimal("range_low"),
                    "range_high": cells.decimal("range_high"),
                },
            )
        for cells in self.rows("factors"):
            self.record(
                "factors",
                cells,
                {
                    "date": cells.text("date"),
                    "name": cells.text("name"),
                    "value": _factor_value(cells),
                    "unit": cells.text("unit"),
                },
            )
        self.trigger_points()
        for cells in self.rows("red_flags"):
            self.record(
                "red_flags",
                cells,
                {
                    "date": cells.text("date"),
                    "flag": cells.text("flag"),
                    "present": cells.boolean("present"),
                },
            )
        self.experiments()
        return CsvDocument(self.doc, self.origins)

    def span(self, cells: _Cells, **head: Any) -> dict[str, Any]:
        return {
            **head,
            "dose": cells.decimal("dose"),
            "unit": cells.text("unit"),
            "times": cells.items("times"),
            "start": cells.text("start"),
            "end": cells.text("end"),
            "notes": cells.text("notes"),
        }

    def profile(self) -> None:
        rows = self.rows("profile")
        if len(rows) > 1:
            raise ImportFormatError(f"profile.csv, row {rows[1].row}", "holds one row only")
        if not rows:
            return
        cells = rows[0]
        obj = {
            "birth_year": cells.integer("birth_year"),
            "sex": cells.text("sex"),
            "kidney_disease": cells.boolean("kidney_disease"),
            "timezone": cells.text("timezone"),
            "bedtime": cells.text("bedtime"),
            "pregnant": cells.boolean("pregnant"),
            "breastfeeding": cells.boolean("breastfeeding"),
        }
        self.doc["profile"] = {k: v for k, v in obj.items() if v is not None}
        self.origins["profile"] = _Origin(cells.file, cells.row)

    def nights_and_episodes(self) -> None:
        effects: dict[int, list[_Cells]] = {}
        for cells in self.rows("after_effects"):
            episode_id = cells.integer("episode_id")
            assert episode_id is not None  # a required column; empty cells are caught below
            effects.setdefault(episode_id, []).append(cells)
        detailed: dict[str, int] = {}
        seen_ids: set[int] = set()
        for cells in self.rows("episodes"):
            episode_id = cells.integer("id")
            path = self.record("episodes", cells, self.episode(cells))
            night = cells.text("night")
            if night is not None:
                detailed[night] = detailed.get(night, 0) + 1
            if episode_id is None:
                continue
            if episode_id in seen_ids:
                raise cells.fail("id", f"{episode_id} is listed twice")
            seen_ids.add(episode_id)
            entries = []
            for j, effect in enumerate(effects.pop(episode_id, [])):
                entries.append(
                    {
                        "date": effect.text("date"),
                        "kind": effect.text("kind"),
                        "rating": effect.integer("rating"),
                    }
                )
                self.origins[f"{path}.after_effects[{j}]"] = _Origin(effect.file, effect.row)
            if entries:
                self.doc["episodes"][-1]["after_effects"] = entries
        for orphans in effects.values():
            cells = orphans[0]
            raise cells.fail(
                "episode_id",
                f"no cramp with id {cells.integer('episode_id')} in episodes.csv",
            )
        for cells in self.rows("nights"):
            self.night(cells, detailed)

    def episode(self, cells: _Cells) -> dict[str, Any]:
        reliefs = []
        for item in cells.items("reliefs"):
            method, _, helped = item.partition(":")
            relief = {"method": method.strip()}
            if helped.strip():
                relief["helped"] = helped.strip()
            reliefs.append(relief)
        return {
            "night": cells.text("night"),
            "time": cells.text("time"),
            "utc_offset": cells.text("utc_offset"),
            "timezone": cells.text("timezone") if cells.text("time") else None,
            "approximate": cells.boolean("approximate") or None,
            "side": cells.text("side"),
            "muscles": cells.items("muscles"),
            "severity": cells.integer("severity"),
            "duration_min": cells.decimal("duration_min"),
            "waves": cells.integer("waves"),
            "woke": cells.boolean("woke"),
            "reliefs": reliefs,
            "notes": cells.text("notes"),
        }

    def night(self, cells: _Cells, detailed: dict[str, int]) -> None:
        observed = cells.boolean("observed")
        cramps = cells.integer("cramps")
        if observed is False:
            if cramps is not None:
                raise cells.fail("cramps", "a missing night (observed false) has no count")
            return
        if cramps is None:
            if observed is None:
                return  # an empty count is a missing night, never 0
            raise cells.fail("cramps", "an observed night needs its count (0 is a count)")
        date = cells.text("date")
        with_details = detailed.get(date or "", 0)
        without = cells.integer("cramps_without_details")
        if without is None:
            without = cramps - with_details
        if with_details + without != cramps:
            raise cells.fail(
                "cramps",
                f"{cramps} but episodes.csv has {with_details} cramp(s) of night {date} "
                f"and cramps_without_details is {without}",
            )
        self.record(
            "nights",
            cells,
            {
                "date": date,
                "cramps": cramps,
                "sleep_quality": cells.integer("sleep_quality"),
                "notes": cells.text("notes"),
            },
        )
        if with_details:  # counted cramps travel as bare episodes beside the detailed ones
            for _ in range(without):
                path = self.record("episodes", cells, {"night": date})
                self.origins[path].columns["night"] = "cramps_without_details"

    def trigger_points(self) -> None:
        ratings: dict[int, list[_Cells]] = {}
        for cells in self.rows("trigger_point_ratings"):
            tp_id = cells.integer("trigger_point_id")
            assert tp_id is not None
            ratings.setdefault(tp_id, []).append(cells)
        for cells in self.rows("trigger_points"):
            tp_id = cells.integer("id")
            path = self.record(
                "trigger_points",
                cells,
                {
                    "muscle": cells.text("muscle"),
                    "side": cells.text("side"),
                    "spot": cells.text("spot"),
                    "found": cells.text("found"),
                    "released": cells.text("released"),
                    "notes": cells.text("notes"),
                },
            )
            entries = []
            for j, rating in enumerate(ratings.pop(tp_id, []) if tp_id is not None else []):
                entries.append(
                    {"date": rating.text("date"), "tenderness": rating.integer("tenderness")}
                )
                self.origins[f"{path}.ratings[{j}]"] = _Origin(rating.file, rating.row)
            if entries:
                self.doc["trigger_points"][-1]["ratings"] = entries
        for orphans in ratings.values():
            cells = orphans[0]
            raise cells.fail(
                "trigger_point_id",
                f"no trigger point with id {cells.integer('trigger_point_id')} "
                "in trigger_points.csv",
            )

    def experiments(self) -> None:
        """Experiments with their periods (linked by ``experiment_id``, in ``period``
        order), as the JSON format nests them."""
        periods: dict[int, list[_Cells]] = {}
        for cells in self.rows("experiment_periods"):
            owner = cells.integer("experiment_id")
            assert owner is not None  # a required column; empty cells are caught below
            periods.setdefault(owner, []).append(cells)
        seen: set[int] = set()
        for cells in self.rows("experiments"):
            exp_id = cells.integer("id")
            if exp_id is None:
                raise cells.fail("id", "is empty; it links the experiment to its periods")
            if exp_id in seen:
                raise cells.fail("id", f"{exp_id} is listed twice")
            seen.add(exp_id)
            rule = {
                "mcid": cells.decimal("mcid"),
                "p_benefit_min": cells.decimal("p_benefit_min"),
                "p_meaningful_min": cells.decimal("p_meaningful_min"),
            }
            own = sorted(periods.pop(exp_id, []), key=lambda c: c.integer("period") or 0)
            path = self.record(
                "experiments",
                cells,
                {
                    "item": cells.text("item"),
                    "comparator": cells.text("comparator"),
                    "dose": cells.decimal("dose"),
                    "unit": cells.text("unit"),
                    "start": cells.text("start"),
                    "period_days": cells.integer("period_days"),
                    "washout_days": cells.integer("washout_days"),
                    "seed": cells.integer("seed"),
                    "design": [
                        {
                            k: v
                            for k, v in (
                                ("start", p.text("start")),
                                ("end", p.text("end")),
                                ("condition", p.text("condition")),
                                ("washout_until", p.text("washout_until")),
                            )
                            if v is not None
                        }
                        for p in own
                    ],
                    "decision_rule": {k: v for k, v in rule.items() if v is not None} or None,
                    "interim_looks": cells.boolean("interim_looks"),
                    "baseline_per_week": cells.decimal("baseline_per_week"),
                    "dispersion": cells.decimal("dispersion"),
                    "status": cells.text("status"),
                    "stopped_on": cells.text("stopped_on"),
                    "stop_reason": cells.text("stop_reason"),
                    "notes": cells.text("notes"),
                },
            )
            for j, p in enumerate(own):
                self.origins[f"{path}.design[{j}]"] = _Origin(p.file, p.row)
        for orphans in periods.values():
            cells = orphans[0]
            raise cells.fail(
                "experiment_id",
                f"no experiment with id {cells.integer('experiment_id')} in experiments.csv",
            )


def _factor_value(cells: _Cells) -> float | int | bool | str | None:
    """A factor's value typed by its name (built-in factors have a type; custom ones are
    read as a number or true/false when they look like one, else text)."""
    name = cells.text("name") or ""
    spec = vocab.BUILTIN_FACTORS.get(name)
    kind = spec.kind if spec else None
    if kind == "number":
        return cells.decimal("value")
    if kind == "bool":
        return cells.boolean("value")
    text = cells.text("value")
    if kind == "text" or text is None:
        return text
    if text.lower() in _TRUE + _FALSE:
        return cells.boolean("value")
    try:
        return cells.decimal("value")
    except ImportFormatError:
        return text
