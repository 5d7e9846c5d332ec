"""The ``crampwise-diary`` v1 JSON format: strict validation, export and atomic import.

See ``docs/format.md``. :func:`parse_document` turns a document into typed records or
raises :class:`~crampwise.errors.ImportFormatError` naming the JSON path of the first bad
value (``episodes[3].severity: 11 is not in 0..10``). :func:`import_document` merges the
records into a diary inside one transaction: all or nothing.
"""

from __future__ import annotations

import datetime as dt
import json
import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple, TypeVar

from crampwise import validate as v
from crampwise._gcpause import paused_gc
from crampwise.context import check_profile
from crampwise.diary import check_episode
from crampwise.errors import ImportFormatError, InputError
from crampwise.formats.diaryformat_fast import plain_episode
from crampwise.formats.diarysections import (
    check_keys,
    check_overlaps,
    check_unique,
    list_value,
    parse_adherence,
    parse_factor,
    parse_lab,
    parse_medication,
    parse_red_flag,
    parse_regimen,
    parse_trigger_point,
)
from crampwise.formats.experimentformat import parse_experiments
from crampwise.records import (
    Adherence,
    AfterEffect,
    DiaryData,
    Episode,
    Experiment,
    Factor,
    Lab,
    Medication,
    Night,
    Profile,
    RedFlagAnswer,
    RegimenEntry,
    Relief,
    TriggerPoint,
)
from crampwise.timeparse import NIGHT_BOUNDARY_HOUR, format_utc, zone

T = TypeVar("T")

__all__ = [
    "FORMAT",
    "VERSION",
    "ImportReport",
    "ParsedDiary",
    "load_diary_data",
    "load_document",
    "parse_document",
    "parse_json",
    "to_diary_data",
    "validate",
]

FORMAT = "crampwise-diary"
VERSION = 1

_SECTIONS = (
    "profile",
    "nights",
    "episodes",
    "regimen",
    "adherence",
    "medications",
    "labs",
    "factors",
    "trigger_points",
    "red_flags",
    "experiments",
)


class NightEntry(NamedTuple):
    """A night as given in a document: ``cramps`` None when only episodes name it (a named
    tuple: made 3,650 times for ten years, at half the cost of a frozen dataclass)."""

    date: str
    cramps: int | None = None
    sleep_quality: int | None = None
    notes: str = ""


@dataclass
class ParsedDiary:
    """A validated document as typed records."""

    profile: Profile | None = None
    nights: dict[str, NightEntry] = field(default_factory=dict)
    episodes: list[Episode] = field(default_factory=list)
    regimen: list[RegimenEntry] = field(default_factory=list)
    adherence: list[Adherence] = field(default_factory=list)
    medications: list[Medication] = field(default_factory=list)
    labs: list[Lab] = field(default_factory=list)
    factors: list[Factor] = field(default_factory=list)
    trigger_points: list[TriggerPoint] = field(default_factory=list)
    red_flags: list[RedFlagAnswer] = field(default_factory=list)
    experiments: list[Experiment] = field(default_factory=list)


@dataclass
class ImportReport:
    """What an import added, filled in, skipped as already present, and replaced.

    ``conflicts`` lists, record by record, where the file and the diary disagree (with
    ``replace`` the file's version won there; without, nothing was written).
    """

    added: dict[str, int] = field(default_factory=dict)
    updated: dict[str, int] = field(default_factory=dict)
    skipped: dict[str, int] = field(default_factory=dict)
    replaced: dict[str, int] = field(default_factory=dict)
    conflicts: list[str] = field(default_factory=list)
    applied: bool = True

    def count(self, bucket: dict[str, int], section: str, n: int = 1) -> None:
        """Add ``n`` to a section's count in one bucket."""
        if n:
            bucket[section] = bucket.get(section, 0) + n

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict."""
        return {
            "applied": self.applied,
            "added": self.added,
            "updated": self.updated,
            "skipped": self.skipped,
            "replaced": self.replaced,
            "conflicts": list(self.conflicts),
        }


# -- loading and validating ----------------------------------------------------------------
def load_document(path: str | os.PathLike[str]) -> dict[str, Any]:
    """Read a JSON file (``-`` = standard input); malformed JSON names the line and column.

    A UTF-8 byte-order mark (as some Windows editors write) is skipped.
    """
    name = v.shown(os.fspath(path))
    try:
        if os.fspath(path) == "-":
            import sys

            return parse_json(sys.stdin.read().removeprefix("\ufeff"))
        with open(path, encoding="utf-8-sig") as handle:
            return parse_json(handle.read())
    except FileNotFoundError:
        raise InputError("file", f"{name} does not exist", code="invalid") from None
    except IsADirectoryError:
        raise InputError("file", f"{name} is a folder; give a JSON file") from None
    except UnicodeDecodeError:
        raise ImportFormatError("file", "is not UTF-8 text") from None
    except OSError as exc:
        raise InputError("file", f"cannot read {name}: {exc.strerror or exc}") from None


def parse_json(text: str) -> dict[str, Any]:
    """A JSON object from text, or an :class:`ImportFormatError` naming line and column."""
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ImportFormatError(
            "file", f"malformed JSON at line {exc.lineno}, column {exc.colno}: {exc.msg}"
        ) from None
    except RecursionError:
        raise ImportFormatError("file", "is nested too deeply to be a diary") from None
    except ValueError as exc:  # an integer of more than 4,300 digits
        raise ImportFormatError("file", f"holds a number too long to read ({exc})"[:160]) from None
    if not isinstance(doc, dict):
        raise ImportFormatError("$", "a crampwise-diary document is a JSON object")
    return doc


def validate(doc: dict[str, Any], today: dt.date | None = None) -> None:
    """Raise :class:`ImportFormatError` if ``doc`` is not a valid v1 document."""
    parse_document(doc, today=today)


def _list(doc: dict[str, Any], key: str) -> list[Any]:
    value = doc.get(key, [])
    if not isinstance(value, list):
        raise ImportFormatError(key, f"must be a list, got {type(value).__name__}")
    return value


def _bool_or_none(value: Any, path: str) -> bool | None:
    if value is None or isinstance(value, bool):
        return value
    raise ImportFormatError(path, f"{value!r} is not true/false")


def parse_document(
    doc: dict[str, Any], *, today: dt.date | None = None, default_tz: str = "UTC"
) -> ParsedDiary:
    """Validate a document into typed records (no database access)."""
    try:
        return _parse(doc, today or dt.date.today(), default_tz)
    except ImportFormatError:
        raise
    except InputError as exc:  # validators speak in field names; here they are JSON paths
        raise ImportFormatError(exc.field, exc.detail, code=exc.code) from None


def _parse(doc: dict[str, Any], today: dt.date, default_tz: str) -> ParsedDiary:
    check_keys(doc, "$", ("format", "version"), _SECTIONS)
    if doc["format"] != FORMAT:
        raise ImportFormatError("format", f"{doc['format']!r}; must be {FORMAT!r}")
    if doc["version"] != VERSION or isinstance(doc["version"], bool):
        raise ImportFormatError("version", f"{doc['version']!r}; this crampwise reads version 1")
    out = ParsedDiary()
    file_zone = None
    if "profile" in doc:
        out.profile = _parse_profile(doc["profile"], today)
        file_zone = out.profile.timezone
    out.nights = _nights(doc, today)
    zones: dict[str, dt.tzinfo] = {}  # each zone name checked once per document
    out.episodes = _episodes(doc, today, default_tz, file_zone, zones)
    _check_counts(out, doc)
    out.regimen = _rows(doc, "regimen", parse_regimen, today)
    check_overlaps([(e.item, e.start, e.end) for e in out.regimen], "regimen")
    out.adherence = _rows(doc, "adherence", parse_adherence, today)
    out.medications = _rows(doc, "medications", parse_medication, today)
    check_overlaps([(m.name, m.start, m.end) for m in out.medications], "medications")
    out.labs = _rows(doc, "labs", parse_lab, today)
    out.factors = _rows(doc, "factors", parse_factor, today)
    out.trigger_points = _rows(doc, "trigger_points", parse_trigger_point, today)
    out.red_flags = _rows(doc, "red_flags", parse_red_flag, today)
    out.experiments = parse_experiments(doc, today)
    check_unique(out)
    return out


def _rows(doc: dict[str, Any], section: str, parse: Callable[..., T], *args: Any) -> list[T]:
    """Parse a section's rows; a bad value is named by its full JSON path.

    Rows are parsed with an empty path and the ``section[i]`` prefix is added only when
    one fails: formatting a path for every field of every row was a third of the cost of
    validating a ten-year diary.
    """
    out = []
    for i, raw in enumerate(_list(doc, section)):
        out.append(_row(section, i, parse, raw, *args))
    return out


def _row(section: str, i: int, parse: Callable[..., T], raw: Any, *args: Any) -> T:
    try:
        return parse(raw, "", *args)
    except InputError as exc:
        raise ImportFormatError(f"{section}[{i}]{exc.field}", exc.detail, code=exc.code) from None


def _episodes(
    doc: dict[str, Any],
    today: dt.date,
    default_tz: str,
    file_zone: str | None,
    zones: dict[str, dt.tzinfo],
) -> list[Episode]:
    """The episodes: a plain row built inline (:mod:`diaryformat_fast`), any other row
    (and every row that is wrong) through :func:`_parse_episode` and its errors."""
    latest = today.isoformat()
    tz = file_zone or default_tz

    def instant(time: Any, night: str, zone_name: str) -> str | None:
        return _episode_instant(time, None, night, zone_name, "", checked_zone=True)

    out = []
    for i, raw in enumerate(_list(doc, "episodes")):
        episode = plain_episode(raw, latest, tz if tz in zones else None, instant)
        if episode is None:
            episode = _row("episodes", i, _parse_episode, raw, today, default_tz, file_zone, zones)
        out.append(episode)
    return out


_NIGHT_KEYS = frozenset(("date", "cramps", "sleep_quality", "notes"))


def _nights(doc: dict[str, Any], today: dt.date) -> dict[str, NightEntry]:
    """The nights by date, as :func:`_parse_night` reads them, with the common row checked
    inline: a ``YYYY-MM-DD`` date from 1900 to today, whole numbers in range, no notes.
    Every other row goes through :func:`_parse_night` (and its errors); a date listed
    twice is refused once every row has been read (a bad row is reported first). Ten
    years are 3,650 rows, and the calls per row were most of validating a diary."""
    earliest, latest = v.MIN_DATE.isoformat(), today.isoformat()
    out: dict[str, NightEntry] = {}
    twice, twice_date = -1, ""  # the first row whose date came before
    entry: NightEntry
    for i, raw in enumerate(_list(doc, "nights")):
        if type(raw) is dict and _NIGHT_KEYS.issuperset(raw):
            date = raw.get("date")
            cramps = raw.get("cramps")
            quality = raw.get("sleep_quality")
            if (
                type(date) is str
                and len(date) == 10
                and date[4] == "-" == date[7]  # YYYY-MM-DD: then text order is date order
                and earliest <= date <= latest
                and (cramps is None or (type(cramps) is int and 0 <= cramps <= 50))
                and (quality is None or (type(quality) is int and 0 <= quality <= 10))
                and raw.get("notes") is None
            ):
                try:
                    _fromisoformat(date)
                except ValueError:
                    pass
                else:
                    if twice < 0 and date in out:
                        twice, twice_date = i, date
                    # the tuple made directly: NamedTuple's __new__ is a Python call
                    out[date] = _new_tuple(NightEntry, (date, cramps, quality, ""))
                    continue
        entry = _row("nights", i, _parse_night, raw, today)
        if twice < 0 and entry.date in out:
            twice, twice_date = i, entry.date
        out[entry.date] = entry
    if twice >= 0:
        raise ImportFormatError(f"nights[{twice}].date", f"{twice_date} is listed twice")
    return out


_new_tuple = tuple.__new__
_fromisoformat = dt.date.fromisoformat


_PROFILE_KEYS = (
    "birth_year",
    "sex",
    "kidney_disease",
    "timezone",
    "bedtime",
    "pregnant",
    "breastfeeding",
)


def _parse_profile(raw: Any, today: dt.date) -> Profile:
    check_keys(raw, "profile", (), _PROFILE_KEYS)
    return check_profile(
        Profile(**{key: raw.get(key) for key in _PROFILE_KEYS}),
        "profile.",
        today,
    )


def _parse_night(raw: Any, path: str, today: dt.date) -> NightEntry:
    check_keys(raw, path, ("date",), ("cramps", "sleep_quality", "notes"))
    date = v.iso_date(raw["date"], f"{path}.date", today)
    cramps = raw.get("cramps")
    quality = raw.get("sleep_quality")
    # A count or rating that is already a whole number in range is taken as it is (what
    # int_range would return); anything else gets the full check and its error.
    if cramps is not None and not (type(cramps) is int and 0 <= cramps <= 50):
        cramps = v.int_range(cramps, f"{path}.cramps", 0, 50)
    if quality is not None and not (type(quality) is int and 0 <= quality <= 10):
        quality = v.int_range(quality, f"{path}.sleep_quality", 0, 10)
    return NightEntry(date, cramps, quality, v.text(raw.get("notes"), f"{path}.notes"))


_EPISODE_KEYS = (
    "time",
    "utc_offset",
    "approximate",
    "timezone",
    "side",
    "muscles",
    "severity",
    "duration_min",
    "waves",
    "woke",
    "reliefs",
    "after_effects",
    "notes",
)


def _parse_episode(
    raw: Any,
    path: str,
    today: dt.date,
    default_tz: str,
    file_zone: str | None,
    zones: dict[str, dt.tzinfo] | None = None,
) -> Episode:
    check_keys(raw, path, ("night",), _EPISODE_KEYS)
    night = v.iso_date(raw["night"], f"{path}.night", today)
    own_zone = raw.get("timezone")
    if own_zone is not None and not isinstance(own_zone, str):
        raise ImportFormatError(f"{path}.timezone", f"{own_zone!r} is not a time zone name")
    tz = own_zone or file_zone or default_tz
    if zones is None or tz not in zones:
        checked = zone(tz, f"{path}.timezone")
        if zones is not None:
            zones[tz] = checked
    occurred = _episode_instant(
        raw.get("time"),
        raw.get("utc_offset"),
        night,
        tz,
        path,
        checked_zone=own_zone is not None or file_zone is not None,
    )
    reliefs = []
    for j, relief in enumerate(list_value(raw.get("reliefs"), f"{path}.reliefs")):
        check_keys(relief, f"{path}.reliefs[{j}]", ("method",), ("helped",))
        reliefs.append(Relief(relief["method"], relief.get("helped")))
    effects = []
    for j, effect in enumerate(list_value(raw.get("after_effects"), f"{path}.after_effects")):
        check_keys(effect, f"{path}.after_effects[{j}]", ("date", "kind", "rating"), ())
        effects.append(AfterEffect(effect["date"], effect["kind"], effect["rating"]))
    return check_episode(
        Episode(
            night=night,
            occurred_at=occurred,
            tz=tz if occurred else None,
            approximate=bool(_bool_or_none(raw.get("approximate"), f"{path}.approximate")),
            side=raw.get("side"),
            muscles=tuple(list_value(raw.get("muscles"), f"{path}.muscles")),
            severity=raw.get("severity"),
            duration_min=raw.get("duration_min"),
            waves=raw.get("waves"),
            woke=_bool_or_none(raw.get("woke"), f"{path}.woke"),
            reliefs=tuple(reliefs),
            after_effects=tuple(effects),
            notes=raw.get("notes") or "",
        ),
        f"{path}.",
        today,
    )


def _no_repeats(values: list[str], path: str, key: str) -> None:
    """A value may appear once in a list (one rating per relief, per day and kind)."""
    seen: dict[str, int] = {}
    for j, value in enumerate(values):
        if value in seen:
            raise ImportFormatError(
                f"{path}[{j}].{key}", f"{value} repeats {path.rsplit('.', 1)[-1]}[{seen[value]}]"
            )
        seen[value] = j


def _utc_offset(value: Any, path: str) -> dt.timedelta:
    """``+01:00`` / ``-05:00`` → a timedelta (within ±18 h, whole minutes)."""
    text = value if isinstance(value, str) else ""
    sign = {"+": 1, "-": -1}.get(text[:1])
    hours, colon, minutes = text[1:3], text[3:4], text[4:]
    if (
        sign is None
        or len(text) != 6
        or colon != ":"
        or not (hours.isdecimal() and minutes.isdecimal())
        or int(hours) > 18
        or int(minutes) > 59
    ):
        raise ImportFormatError(path, f"{value!r} is not a UTC offset; use +HH:MM or -HH:MM")
    return sign * dt.timedelta(hours=int(hours), minutes=int(minutes))


def _episode_instant(
    value: Any, offset: Any, night: str, tz: str, path: str, *, checked_zone: bool
) -> str | None:
    """Local ``HH:MM`` within a night → UTC instant (before noon = the next morning).

    With ``utc_offset`` the instant is exact (the repeated hour of a DST change has two
    01:30s); the offset must then be one the zone had at that time, when the file names
    the zone. Without it, an ambiguous time is the first pass and a time that does not
    exist in the zone (the skipped hour) is refused.
    """
    if value is None:
        if offset is not None:
            raise ImportFormatError(f"{path}.utc_offset", "is given without a time")
        return None
    if not isinstance(value, str):
        raise ImportFormatError(f"{path}.time", f"{value!r} is not a time; use HH:MM")
    try:
        clock = dt.time.fromisoformat(value)
    except ValueError:
        raise ImportFormatError(f"{path}.time", f"{value!r} is not a time; use HH:MM") from None
    day = dt.date.fromisoformat(night)
    if clock.hour < NIGHT_BOUNDARY_HOUR:
        day += dt.timedelta(days=1)
    naive = dt.datetime.combine(day, clock)
    place = zone(tz)
    if offset is not None:
        delta = _utc_offset(offset, f"{path}.utc_offset")
        instant = (naive - delta).replace(tzinfo=dt.UTC)
        back = instant.astimezone(place)
        if checked_zone and (back.replace(tzinfo=None) != naive or back.utcoffset() != delta):
            raise ImportFormatError(
                f"{path}.utc_offset",
                f"{offset} is not the offset of {tz} at {value} on {day}",
                code="conflict-with-field",
            )
        return format_utc(instant)
    local = naive.replace(tzinfo=place)
    if local.astimezone(dt.UTC).astimezone(place).replace(tzinfo=None) != naive:
        raise ImportFormatError(
            f"{path}.time",
            f"{value} on {day} does not exist in {tz} (the clocks skipped it); "
            "give the time before or after the change",
        )
    return format_utc(local)


def _check_counts(out: ParsedDiary, doc: dict[str, Any]) -> None:
    per_night: dict[str, int] = {}
    for ep in out.episodes:
        per_night[ep.night] = per_night.get(ep.night, 0) + 1
    bad = set()
    for date, detailed in per_night.items():
        night = out.nights.get(date)
        if night is not None and night.cramps is not None and night.cramps != detailed:
            bad.add(date)
    if not bad:
        return
    for i, raw in enumerate(_list(doc, "nights")):  # the first in the document's order
        if raw["date"] in bad:
            night = out.nights[raw["date"]]
            raise ImportFormatError(
                f"nights[{i}].cramps",
                f"{night.cramps} but {per_night[night.date]} episode(s) name night {night.date}",
            )


def to_diary_data(parsed: ParsedDiary, timezone: str) -> DiaryData:
    """A parsed document as the typed snapshot the analysis and safety read (no database)."""
    per_night: dict[str, int] = {}
    for ep in parsed.episodes:
        per_night[ep.night] = per_night.get(ep.night, 0) + 1
    nights = []
    given = parsed.nights
    # Episodes name listed nights as a rule: then no set of every date is needed (and
    # sorting dates already in order is one pass).
    dates = given.keys() if per_night.keys() <= given.keys() else given.keys() | per_night.keys()
    detailed_on = per_night.get
    for date in sorted(dates):
        entry = given.get(date)
        detailed = detailed_on(date, 0)
        if entry is None:
            nights.append(Night(date, detailed, 0, None, ""))
            continue
        total = detailed if detailed else (entry.cramps or 0)
        nights.append(Night(date, total, total - detailed, entry.sleep_quality, entry.notes))
    profile = parsed.profile or Profile()
    return DiaryData(
        timezone=profile.timezone or timezone,
        profile=profile,
        nights=tuple(nights),
        episodes=tuple(sorted(parsed.episodes, key=lambda e: (e.night, e.occurred_at or "~"))),
        regimen=tuple(sorted(parsed.regimen, key=lambda e: (e.start, e.item))),
        adherence=tuple(sorted(parsed.adherence, key=lambda a: (a.date, a.item, a.time))),
        medications=tuple(sorted(parsed.medications, key=lambda m: (m.start, m.name))),
        labs=tuple(sorted(parsed.labs, key=lambda lab: (lab.date, lab.test))),
        factors=tuple(sorted(parsed.factors, key=lambda f: (f.date, f.name))),
        trigger_points=tuple(parsed.trigger_points),
        red_flags=tuple(sorted(parsed.red_flags, key=lambda r: (r.date, r.flag))),
        experiments=tuple(sorted(parsed.experiments, key=lambda e: e.start)),
    )


def load_diary_data(
    source: str | os.PathLike[str] | dict[str, Any],
    *,
    today: dt.date | None = None,
    timezone: str = "UTC",
) -> DiaryData:
    """A ``crampwise-diary`` file (path, ``-``) or dict, validated, as a :class:`DiaryData`."""
    doc = source if isinstance(source, dict) else load_document(source)
    with paused_gc():  # thousands of records, no cycles (see crampwise._gcpause)
        return to_diary_data(parse_document(doc, today=today, default_tz=timezone), timezone)
