"""Property-based tests of the ``crampwise-diary`` v1 format (docs/format.md).

Hypothesis generates valid documents - every section, dated in 2025 to February 2026 (the
test clock is 5 March 2026 in Europe/Berlin), with spellings the importer normalises - and
checks, on every backend, that the export is canonical, that re-importing an export adds
nothing, that one bad value is named by its JSON path and changes nothing, and that the
nights of a diary are observed or missing, never silently counted as zero.

Every example runs on a freshly emptied diary: the ``tracker`` fixture is function scoped,
so it is wiped (and given its Berlin profile again) at the start of each example.
"""

from __future__ import annotations

import copy
import datetime as dt
import math
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from crampwise import vocab
from crampwise.errors import ImportFormatError
from crampwise.knowledge import red_flags
from crampwise.tracker import Tracker
from crampwise.validate import factor_limit

from .conftest import NOW, PG_URL, _pg_admin

TZ = "Europe/Berlin"
TODAY = dt.date(2026, 3, 5)  # conftest.NOW in Berlin
FIRST_DAY = dt.date(2025, 1, 1)
LAST_DAY = dt.date(2026, 2, 28)
#: Windows that straddle Berlin's daylight-saving switches (30 Mar and 26 Oct 2025).
DST_WINDOWS = (dt.date(2025, 3, 20), dt.date(2025, 10, 16))
RED_FLAGS = tuple(red_flags())
#: A typical result of each lab test in each of its units (imports reject implausible ones).
TYPICAL_LABS: dict[str, dict[str, float]] = {
    "potassium": {"mmol/L": 4.1, "mEq/L": 4.1, "mg/dL": 16},
    "sodium": {"mmol/L": 140, "mEq/L": 140, "mg/dL": 322},
    "magnesium": {"mmol/L": 0.85, "mg/dL": 2.0, "mEq/L": 1.7},
    "calcium": {"mmol/L": 2.35, "mg/dL": 9.4},
    "calcium-ionized": {"mmol/L": 1.2, "mg/dL": 4.8},
    "creatinine": {"umol/L": 80, "mg/dL": 0.9},
    "egfr": {"mL/min/1.73m2": 85},
    "vitamin-d": {"nmol/L": 75, "ng/mL": 30},
    "tsh": {"mIU/L": 2.0},
    "glucose": {"mmol/L": 5.5, "mg/dL": 99},
    "ck": {"U/L": 120},
    "ferritin": {"ng/mL": 100, "ug/L": 100},
    "zinc": {"umol/L": 13, "ug/dL": 85},
    "albumin": {"g/L": 42, "g/dL": 4.2},
    "phosphate": {"mmol/L": 1.1, "mg/dL": 3.4},
}
assert {t: set(u) for t, u in TYPICAL_LABS.items()} == {
    t: set(u) for t, u in vocab.LAB_TESTS.items()
}

SUPPLEMENTS = ("magnesium", "vitamin-d", "potassium-citrate", "b-complex", "calcium")
ROUTINES = ("calf-stretch", "trigger-point-massage", "yoga")
THERAPIES = ("physio", "acupuncture")
FOODS = ("coconut water", "banana", "pickle juice", "tonic water")
FORMS = ("glycinate", "citrate", "oxide", "malate", "d3")
MEDICATIONS = ("lisinopril", "amlodipine", "hydrochlorothiazide", "atorvastatin", "metformin")
CUSTOM_FACTORS = ("stress", "poor-sleep", "long-drive", "sauna", "cold-room", "bike-km")
assert not set(CUSTOM_FACTORS) & set(vocab.BUILTIN_FACTORS)

SETTINGS = settings(
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,  # the diaries are emptied per example
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


# -- diaries ---------------------------------------------------------------------------------
def _reset(t: Tracker) -> None:
    """Empty a diary and give it the ``tracker`` fixture's profile (Berlin)."""
    t.import_diary({"format": "crampwise-diary", "version": 1}, wipe=True)
    t.context.set_profile(timezone=TZ)


@pytest.fixture
def other_tracker(tracker: Tracker, tmp_path: Path) -> Iterator[Tracker]:
    """A second, empty diary on the same backend as ``tracker``, set up like it."""
    schema = None
    if tracker.database_url.startswith("sqlite"):
        url = str(tmp_path / "other.sqlite")
    else:
        schema = f"t_{uuid.uuid4().hex[:12]}"
        _pg_admin(f"CREATE SCHEMA {schema}")
        url = f"{PG_URL}?options=-csearch_path%3D{schema}"
    t = Tracker(url, clock=lambda: NOW)
    t.context.set_profile(timezone=TZ)
    try:
        yield t
    finally:
        t.close()
        if schema is not None:
            _pg_admin(f"DROP SCHEMA {schema} CASCADE")


# -- strategies ------------------------------------------------------------------------------
def _iso(day: dt.date) -> str:
    return day.isoformat()


ratings = st.integers(0, 10)
past_dates = st.dates(min_value=FIRST_DAY, max_value=LAST_DAY)
texts = st.text(
    alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\x00"),
    max_size=12,
)
amounts = st.one_of(
    st.just(0),  # zero is data (a severity or dose of 0), not an empty field
    st.integers(min_value=0, max_value=5000),
    st.floats(min_value=0, max_value=5000, allow_nan=False, allow_infinity=False),
)

#: Cramp lengths: up to a day (``diary.MAX_DURATION_MIN``), whole or fractional minutes.
durations = st.one_of(
    st.integers(min_value=0, max_value=1440),
    st.floats(min_value=0, max_value=1440, allow_nan=False, allow_infinity=False),
)


def _spelling(draw: st.DrawFn, word: str) -> str:
    """The word, or a spelling the importer normalises (case, spaces, underscores)."""
    return draw(
        st.sampled_from((word, word, word.upper(), f" {word.title()} ", word.replace("-", " ")))
    )


def _maybe(draw: st.DrawFn, obj: dict[str, Any], key: str, strategy: st.SearchStrategy) -> None:
    """Set ``obj[key]`` to a drawn value, to ``None`` or leave it out (all are valid)."""
    choice = draw(st.sampled_from(("set", "set", "null", "absent")))
    if choice == "set":
        obj[key] = draw(strategy)
    elif choice == "null":
        obj[key] = None


@st.composite
def episodes_of(draw: st.DrawFn, night: dt.date) -> dict[str, Any]:
    """One episode of a night; every detail optional."""
    ep: dict[str, Any] = {"night": _iso(night)}
    if draw(st.booleans()):
        hour, minute = draw(st.integers(0, 23)), draw(st.integers(0, 59))
        ep["time"] = f"{hour:02d}:{minute:02d}"
    _maybe(draw, ep, "approximate", st.booleans())
    if draw(st.booleans()):
        ep["side"] = _spelling(draw, draw(st.sampled_from(vocab.SIDES)))
    muscles = draw(st.lists(st.sampled_from(vocab.MUSCLES), max_size=3))
    if muscles or draw(st.booleans()):
        ep["muscles"] = [_spelling(draw, m) for m in muscles]
    _maybe(draw, ep, "severity", st.integers(0, 10))
    _maybe(draw, ep, "duration_min", durations)
    _maybe(draw, ep, "waves", st.integers(1, 100))
    _maybe(draw, ep, "woke", st.booleans())
    methods = draw(st.lists(st.sampled_from(vocab.RELIEF_METHODS), max_size=3, unique=True))
    if methods:
        reliefs = []
        for method in methods:
            relief: dict[str, Any] = {"method": _spelling(draw, method)}
            _maybe(draw, relief, "helped", st.sampled_from(vocab.RELIEF_HELPED))
            reliefs.append(relief)
        ep["reliefs"] = reliefs
    last = min((TODAY - night).days, 6)
    keys = draw(
        st.lists(
            st.tuples(st.integers(0, last), st.sampled_from(vocab.AFTER_EFFECT_KINDS)),
            max_size=3,
            unique=True,
        )
    )
    if keys:
        ep["after_effects"] = [
            {"date": _iso(night + dt.timedelta(days=d)), "kind": kind, "rating": draw(ratings)}
            for d, kind in keys
        ]
    _maybe(draw, ep, "notes", texts)
    return ep


@st.composite
def nights_and_episodes(draw: st.DrawFn) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Nights with gaps; each either counted (no details), detailed by episodes, or both."""
    start = draw(
        st.one_of(
            st.sampled_from(DST_WINDOWS),
            st.dates(min_value=FIRST_DAY, max_value=LAST_DAY - dt.timedelta(days=40)),
        )
    )
    offsets = draw(st.lists(st.integers(0, 40), max_size=10, unique=True))
    nights: list[dict[str, Any]] = []
    episodes: list[dict[str, Any]] = []
    for day in sorted(start + dt.timedelta(days=o) for o in offsets):
        n = draw(st.sampled_from((0, 0, 1, 2, 3)))
        episodes.extend(draw(episodes_of(day)) for _ in range(n))
        if n and draw(st.booleans()):
            continue  # named by its episodes only
        night: dict[str, Any] = {"date": _iso(day)}
        if n:
            _maybe(draw, night, "cramps", st.just(n))
        else:
            _maybe(draw, night, "cramps", st.integers(0, 6))
        _maybe(draw, night, "sleep_quality", st.integers(0, 10))
        _maybe(draw, night, "notes", texts)
        nights.append(night)
    return draw(st.permutations(nights)), draw(st.permutations(episodes))


@st.composite
def periods(draw: st.DrawFn, max_periods: int = 3) -> list[tuple[str, str | None]]:
    """Non-overlapping ``(start, end)`` spans in time order; only the last may be ongoing."""
    k = draw(st.integers(1, max_periods))
    bounds = sorted(draw(st.lists(past_dates, min_size=2 * k, max_size=2 * k, unique=True)))
    spans: list[tuple[str, str | None]] = []
    for i in range(k):
        start, end = bounds[2 * i], bounds[2 * i + 1]
        if spans and spans[-1][1] is not None and draw(st.booleans()):
            start = dt.date.fromisoformat(spans[-1][1])  # a switch: ends the day the next begins
        spans.append((_iso(start), _iso(end)))
    if draw(st.booleans()):
        spans[-1] = (spans[-1][0], None)
    return spans


def _dosing(draw: st.DrawFn, entry: dict[str, Any]) -> None:
    if draw(st.booleans()):
        entry["dose"] = draw(amounts)
        entry["unit"] = _spelling(draw, draw(st.sampled_from(vocab.REGIMEN_UNITS)))
    elif draw(st.booleans()):
        entry["unit"] = draw(st.sampled_from(vocab.REGIMEN_UNITS))
    times = draw(st.lists(st.sampled_from(vocab.DOSE_TIMES), max_size=3))
    if times or draw(st.booleans()):
        entry["times"] = times
    _maybe(draw, entry, "notes", texts)


@st.composite
def regimens(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Regimen entries: per item, switches and stops that never overlap."""
    kinds = {**dict.fromkeys(SUPPLEMENTS, "supplement"), **dict.fromkeys(ROUTINES, "routine")}
    kinds |= {**dict.fromkeys(THERAPIES, "therapy"), **dict.fromkeys(FOODS, "food")}
    items = draw(st.lists(st.sampled_from(sorted(kinds)), max_size=4, unique=True))
    out = []
    for item in items:
        for start, end in draw(periods()):
            entry: dict[str, Any] = {"item": _spelling(draw, item), "kind": kinds[item]}
            if draw(st.booleans()):
                entry["form"] = draw(st.sampled_from(FORMS))
            _dosing(draw, entry)
            entry["start"] = start
            if end is not None or draw(st.booleans()):
                entry["end"] = end
            out.append(entry)
    return draw(st.permutations(out))


@st.composite
def medication_lists(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Prescription medicines: per name, periods that never overlap."""
    out = []
    for name in draw(st.lists(st.sampled_from(MEDICATIONS), max_size=3, unique=True)):
        for start, end in draw(periods(2)):
            med: dict[str, Any] = {"name": draw(st.sampled_from((name, name.title())))}
            _dosing(draw, med)
            med["start"] = start
            if end is not None or draw(st.booleans()):
                med["end"] = end
            out.append(med)
    return draw(st.permutations(out))


@st.composite
def adherence_lists(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Taken/not taken per (date, item, time), unique."""
    items = (*SUPPLEMENTS, *FOODS)
    keys = draw(
        st.lists(
            st.tuples(
                past_dates, st.sampled_from(items), st.sampled_from((None, *vocab.DOSE_TIMES))
            ),
            max_size=5,
            unique=True,
        )
    )
    out = []
    for day, item, time in keys:
        row: dict[str, Any] = {"date": _iso(day), "item": item, "taken": draw(st.booleans())}
        if time is not None:
            row["time"] = time
        elif draw(st.booleans()):
            row["time"] = None
        out.append(row)
    return out


@st.composite
def lab_lists(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Lab results, unique per (date, test), each in one of its test's units."""
    keys = draw(
        st.lists(
            st.tuples(past_dates, st.sampled_from(sorted(vocab.LAB_TESTS))), max_size=4, unique=True
        )
    )
    out = []
    for day, test in keys:
        unit = draw(st.sampled_from(vocab.LAB_TESTS[test]))
        lab: dict[str, Any] = {
            "date": _iso(day),
            "test": test,
            "value": TYPICAL_LABS[test][unit] * draw(st.floats(0.9, 1.1)),
            "unit": unit,
        }
        if draw(st.booleans()):
            low, high = sorted(draw(st.lists(amounts, min_size=2, max_size=2)))
            lab["range_low"], lab["range_high"] = low, high
        out.append(lab)
    return out


def _plain_text(value: str) -> bool:
    """Custom factor text that is not a number spelling such as 'nan' or 'inf'."""
    try:
        return math.isfinite(float(value.strip()))
    except ValueError:
        return True


@st.composite
def factor_lists(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Built-in factors with their value types and units, and custom kebab-case factors."""
    names = sorted(vocab.BUILTIN_FACTORS) + list(CUSTOM_FACTORS)
    keys = draw(st.lists(st.tuples(past_dates, st.sampled_from(names)), max_size=5, unique=True))
    out = []
    for day, name in keys:
        factor: dict[str, Any] = {"date": _iso(day), "name": _spelling(draw, name)}
        spec = vocab.BUILTIN_FACTORS.get(name)
        if spec is None:
            factor["value"] = draw(
                st.one_of(
                    st.booleans(),
                    st.floats(-1e6, 1e6, allow_nan=False),
                    st.integers(-1000, 1000),
                    texts.filter(_plain_text),
                )
            )
            if draw(st.booleans()):
                factor["unit"] = draw(st.sampled_from(("km", "score", "h", "°C")))
        elif spec.kind == "bool":
            factor["value"] = draw(st.sampled_from((True, False, "yes", "no")))
        elif spec.kind == "text":
            factor["value"] = draw(st.sampled_from(("flat", "heels", "barefoot", "")))
        else:
            unit = draw(st.sampled_from(spec.units))
            if unit != spec.units[0] or draw(st.booleans()):  # the first unit is the default
                factor["unit"] = unit
            limit = factor_limit(unit)  # a day has 24 hours: amounts have upper bounds
            factor["value"] = draw(st.floats(0, limit) | st.integers(0, int(limit)))
        out.append(factor)
    return out


@st.composite
def trigger_point_lists(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Trigger points, unique per (muscle, side, spot, found), ratings on/after found."""
    keys = draw(
        st.lists(
            st.tuples(
                st.sampled_from(vocab.MUSCLES),
                st.sampled_from(vocab.SIDES),
                st.sampled_from(("", "mid-thigh, 10 cm above knee", "below the knee")),
                st.dates(FIRST_DAY, LAST_DAY - dt.timedelta(days=30)),
            ),
            max_size=3,
            unique=True,
        )
    )
    out = []
    for muscle, side, spot, found in keys:
        tp: dict[str, Any] = {"muscle": _spelling(draw, muscle), "side": side, "found": _iso(found)}
        if spot or draw(st.booleans()):
            tp["spot"] = spot
        if draw(st.booleans()):
            tp["released"] = _iso(found + dt.timedelta(days=draw(st.integers(0, 30))))
        _maybe(draw, tp, "notes", texts)
        days = draw(st.lists(st.integers(0, 30), max_size=4, unique=True))
        if days:
            tp["ratings"] = [
                {"date": _iso(found + dt.timedelta(days=d)), "tenderness": draw(st.integers(0, 10))}
                for d in days
            ]
        out.append(tp)
    return out


@st.composite
def red_flag_lists(draw: st.DrawFn) -> list[dict[str, Any]]:
    """Red-flag answers, unique per (date, flag)."""
    keys = draw(
        st.lists(st.tuples(past_dates, st.sampled_from(RED_FLAGS)), max_size=4, unique=True)
    )
    return [{"date": _iso(d), "flag": f, "present": draw(st.booleans())} for d, f in keys]


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    """A valid ``crampwise-diary`` v1 document (sections present or left out)."""
    doc: dict[str, Any] = {"format": "crampwise-diary", "version": 1}
    profile: dict[str, Any] = {"timezone": TZ}
    _maybe(draw, profile, "birth_year", st.integers(1920, 2005))
    _maybe(draw, profile, "sex", st.sampled_from(vocab.SEXES))
    _maybe(draw, profile, "kidney_disease", st.booleans())
    doc["profile"] = profile
    nights, episodes = draw(nights_and_episodes())
    sections = {
        "nights": st.just(nights),
        "episodes": st.just(episodes),
        "regimen": regimens(),
        "adherence": adherence_lists(),
        "medications": medication_lists(),
        "labs": lab_lists(),
        "factors": factor_lists(),
        "trigger_points": trigger_point_lists(),
        "red_flags": red_flag_lists(),
    }
    for name, strategy in sections.items():
        value = draw(strategy)
        if value or draw(st.booleans()):
            doc[name] = value
    return doc


# -- one invalid value ------------------------------------------------------------------------
Mutation = Callable[[st.DrawFn, dict[str, Any]], str]


def _rows(doc: dict[str, Any], section: str) -> list[tuple[str, dict[str, Any]]]:
    return [(f"{section}[{i}]", row) for i, row in enumerate(doc.get(section, []))]


def _children(doc: dict[str, Any], section: str, child: str) -> list[tuple[str, dict[str, Any]]]:
    return [
        (f"{path}.{child}[{j}]", sub)
        for path, row in _rows(doc, section)
        for j, sub in enumerate(row.get(child) or [])
    ]


def _builtin_kind(name: str) -> str | None:
    """The value kind of a built-in factor (its name normalised like the importer does)."""
    spec = vocab.BUILTIN_FACTORS.get("-".join(name.strip().lower().replace("_", " ").split()))
    return None if spec is None else spec.kind


def _future(draw: st.DrawFn) -> str:
    return _iso(draw(st.dates(TODAY + dt.timedelta(days=1), dt.date(2027, 12, 31))))


def _set(
    key: str, value: Callable[[st.DrawFn, dict[str, Any]], Any], at: str = ""
) -> Callable[..., str]:
    """A mutation setting ``key`` of a picked record to a bad value (``at``: where in the
    value the error is named, e.g. ``[0]`` for a list's first item)."""

    def mutate(draw: st.DrawFn, place: tuple[str, dict[str, Any]]) -> str:
        path, record = place
        record[key] = value(draw, record)
        return f"{path}.{key}{at}"

    return mutate


def _unknown_key(draw: st.DrawFn, place: tuple[str, dict[str, Any]]) -> str:
    path, record = place
    key = draw(st.sampled_from(("severty", "Date", "colour", "extra")))
    record[key] = draw(st.one_of(st.none(), st.integers(), texts))
    return f"{path}.{key}"


def _unknown_muscle(draw: st.DrawFn, place: tuple[str, dict[str, Any]]) -> str:
    path, ep = place
    muscles = ep.get("muscles") or []
    k = draw(st.integers(0, len(muscles)))
    ep["muscles"] = [*muscles[:k], draw(st.sampled_from(("elbow", "calves", ""))), *muscles[k:]]
    return f"{path}.muscles[{k}]"


def _cramps_mismatch(draw: st.DrawFn, place: tuple[str, dict[str, Any]]) -> str:
    path, night = place
    night["cramps"] = draw(st.sampled_from((0, night["_count"] + 1)))
    return f"{path}.cramps"


def _overlap(doc: dict[str, Any]) -> Callable[..., str]:
    def mutate(draw: st.DrawFn, place: tuple[str, dict[str, Any]]) -> str:
        _, entry = place
        doc["regimen"].append(copy.deepcopy(entry))
        return f"regimen[{len(doc['regimen']) - 1}].start"

    return mutate


Places = list[tuple[str, Any]]


def _mutations(doc: dict[str, Any]) -> list[tuple[Callable[..., str], Places]]:
    """Every mutation that can make this valid document invalid, with the places it can hit."""
    bad_date = _future
    counts: dict[str, int] = {}
    for ep in doc.get("episodes", []):
        counts[ep["night"]] = counts.get(ep["night"], 0) + 1
    out: list[tuple[Callable[..., str], Places]] = []

    def add(mutation: Callable[..., str], places: Places) -> None:
        if places:
            out.append((mutation, places))

    records = [("$", doc), ("profile", doc["profile"])]
    for section in (
        "nights",
        "episodes",
        "regimen",
        "adherence",
        "medications",
        "labs",
        "factors",
        "trigger_points",
        "red_flags",
    ):
        records += _rows(doc, section)
    records += _children(doc, "episodes", "reliefs")
    records += _children(doc, "episodes", "after_effects")
    records += _children(doc, "trigger_points", "ratings")
    add(_unknown_key, records)

    episodes = _rows(doc, "episodes")
    add(_set("severity", lambda d, _: d(st.sampled_from((11, -1, 10.5, "high", True)))), episodes)
    add(_set("waves", lambda d, _: d(st.sampled_from((0, 101)))), episodes)
    add(_set("duration_min", lambda d, _: -d(st.floats(0.001, 100))), episodes)
    add(_set("time", lambda d, _: d(st.sampled_from(("25:00", "3am", "03:61", 310)))), episodes)
    add(_set("side", lambda d, _: d(st.sampled_from(("middle", "", 1)))), episodes)
    add(_set("night", lambda d, _: bad_date(d)), episodes)
    add(_set("woke", lambda d, _: d(st.sampled_from(("yes", 1)))), episodes)
    add(_unknown_muscle, episodes)
    add(_set("method", lambda d, _: "prayer"), _children(doc, "episodes", "reliefs"))
    add(_set("helped", lambda d, _: "very"), _children(doc, "episodes", "reliefs"))
    effects = _children(doc, "episodes", "after_effects")
    add(_set("rating", lambda d, _: 11), effects)
    add(_set("date", lambda d, _: bad_date(d)), effects)
    add(_set("kind", lambda d, _: "bruise"), effects)
    add(_set("date", lambda d, _: "2024-12-31"), effects)  # before its night

    nights = _rows(doc, "nights")
    add(_set("date", lambda d, _: bad_date(d)), nights)
    add(_set("sleep_quality", lambda d, _: 11), nights)
    add(_set("cramps", lambda d, _: d(st.sampled_from((-1, 51)))), nights)
    detailed = [(path, night) for path, night in nights if night["date"] in counts]
    for _, night in detailed:
        night["_count"] = counts[night["date"]]
    add(_cramps_mismatch, detailed)

    regimen = _rows(doc, "regimen")
    add(_set("dose", lambda d, _: -d(st.floats(0.001, 1000))), regimen)
    add(_set("start", lambda d, _: bad_date(d)), regimen)
    add(_set("kind", lambda d, _: "drug"), regimen)
    add(_set("unit", lambda d, _: "bucket"), regimen)
    add(_set("times", lambda d, _: ["midnight"], at="[0]"), regimen)
    add(_set("end", lambda d, r: r["start"]), regimen)
    add(_overlap(doc), regimen)
    meds = _rows(doc, "medications")
    add(_set("dose", lambda d, _: -d(st.floats(0.001, 1000))), meds)
    add(_set("start", lambda d, _: bad_date(d)), meds)
    add(_set("name", lambda d, _: " "), meds)
    adherence = _rows(doc, "adherence")
    add(_set("date", lambda d, _: bad_date(d)), adherence)
    add(_set("taken", lambda d, _: "yes"), adherence)
    labs = _rows(doc, "labs")
    add(_set("date", lambda d, _: bad_date(d)), labs)
    add(_set("unit", lambda d, _: "furlongs"), labs)
    add(_set("test", lambda d, _: "cholesterol"), labs)
    add(_set("value", lambda d, _: -1), labs)
    factors = _rows(doc, "factors")
    add(_set("date", lambda d, _: bad_date(d)), factors)
    add(_set("name", lambda d, _: "Not A Slug!"), factors)
    numeric = [(p, f) for p, f in factors if _builtin_kind(f["name"]) == "number"]
    add(_set("unit", lambda d, _: "bucket"), numeric)
    points = _rows(doc, "trigger_points")
    add(_set("found", lambda d, _: bad_date(d)), points)
    add(_set("muscle", lambda d, _: "elbow"), points)
    add(_set("side", lambda d, _: "middle"), points)
    add(
        _set("released", lambda d, r: _iso(dt.date.fromisoformat(r["found"]) - dt.timedelta(1))),
        points,
    )
    ratings = _children(doc, "trigger_points", "ratings")
    add(_set("tenderness", lambda d, _: 11), ratings)
    add(_set("date", lambda d, _: bad_date(d)), ratings)
    flags = _rows(doc, "red_flags")
    add(_set("flag", lambda d, _: "leg-swollen"), flags)
    add(_set("date", lambda d, _: bad_date(d)), flags)
    add(_set("present", lambda d, _: None), flags)
    add(_set("timezone", lambda d, _: "Mars/Olympus"), [("profile", doc["profile"])])
    add(_set("birth_year", lambda d, _: 2027), [("profile", doc["profile"])])
    add(_set("version", lambda d, _: 2), [("", doc)])
    return out


@st.composite
def invalid_documents(draw: st.DrawFn) -> tuple[dict[str, Any], str]:
    """A valid document with one bad value injected, and the JSON path naming it."""
    doc = draw(documents())
    mutation, places = draw(st.sampled_from(_mutations(doc)))
    path = mutation(draw, draw(st.sampled_from(places))).removeprefix(".")
    for night in doc.get("nights", []):
        night.pop("_count", None)
    return doc, path


# -- properties ------------------------------------------------------------------------------
@settings(SETTINGS, max_examples=40)
@given(doc=documents())
def test_export_is_canonical_on_every_backend(
    tracker: Tracker, other_tracker: Tracker, doc: dict[str, Any]
) -> None:
    """import → export → import into an empty diary → export gives an equal document."""
    _reset(tracker)
    _reset(other_tracker)
    tracker.import_diary(copy.deepcopy(doc))
    first = tracker.export_diary()
    other_tracker.import_diary(copy.deepcopy(first))
    assert other_tracker.export_diary() == first


@settings(SETTINGS, max_examples=30)
@given(doc=documents())
def test_reimporting_an_export_into_the_same_diary_adds_nothing(
    tracker: Tracker, doc: dict[str, Any]
) -> None:
    """Exporting then re-importing into the same diary adds and replaces nothing."""
    _reset(tracker)
    tracker.import_diary(copy.deepcopy(doc))
    exported = tracker.export_diary()
    report = tracker.import_diary(copy.deepcopy(exported))
    assert report.added == {}
    assert report.replaced == {}
    assert tracker.export_diary() == exported


@settings(SETTINGS, max_examples=60)
@given(base=documents(), bad=invalid_documents())
def test_one_invalid_value_is_named_by_its_path_and_changes_nothing(
    tracker: Tracker, base: dict[str, Any], bad: tuple[dict[str, Any], str]
) -> None:
    """A single bad value anywhere raises ImportFormatError starting with its JSON path,
    and the diary (holding another document) is unchanged afterwards."""
    doc, path = bad
    _reset(tracker)
    tracker.import_diary(copy.deepcopy(base))
    before = tracker.export_diary()
    with pytest.raises(ImportFormatError) as caught:
        tracker.import_diary(doc)
    assert caught.value.field == path
    assert str(caught.value).startswith(f"{path}: ")
    assert tracker.export_diary() == before


def _streaks(statuses: list[tuple[bool, int | None]]) -> tuple[int, int]:
    longest = run = 0
    for observed, cramps in statuses:
        run = run + 1 if observed and cramps == 0 else 0
        longest = max(longest, run)
    return run, longest


@settings(SETTINGS, max_examples=40)
@given(doc=documents())
def test_nights_are_observed_or_missing_never_counted_as_zero(
    tracker: Tracker, doc: dict[str, Any]
) -> None:
    """Exactly the nights listed or named by episodes are observed, with their counts; every
    other night of the span is missing (cramps None); the summary's counts add up."""
    _reset(tracker)
    tracker.import_diary(copy.deepcopy(doc))
    expected: dict[str, int] = {}
    for night in doc.get("nights", []):
        expected[night["date"]] = night.get("cramps") or 0
    named = [ep["night"] for ep in doc.get("episodes", [])]
    for day in set(named):
        expected[day] = named.count(day)

    statuses = tracker.diary.nights()
    summary = tracker.summary()
    if not expected:
        assert statuses == []
        assert (summary.nights_observed, summary.nights_missing, summary.cramps) == (0, 0, 0)
        return
    first, last = dt.date.fromisoformat(min(expected)), dt.date.fromisoformat(max(expected))
    span = [_iso(first + dt.timedelta(days=i)) for i in range((last - first).days + 1)]
    assert [s.date for s in statuses] == span
    for status in statuses:
        if status.date in expected:
            assert status.observed and status.cramps == expected[status.date]
        else:
            assert not status.observed and status.cramps is None
    assert (summary.first_night, summary.last_night) == (span[0], span[-1])
    assert summary.nights_observed == len(expected)
    assert summary.nights_observed + summary.nights_missing == len(span)
    assert summary.cramps == sum(expected.values())
    assert summary.nights_with_cramps == sum(1 for c in expected.values() if c)
    pairs = [(d in expected, expected.get(d)) for d in span]
    assert (summary.current_streak, summary.longest_streak) == _streaks(pairs)
