"""The bedtime reminder as an iCalendar file (RFC 5545): what ``crampwise reminders --ics``
writes and what the web app serves as a subscribable feed (call :func:`bedtime_calendar`).

One daily event at the person's bedtime (``profile.bedtime``, default 22:00) lists what is
due at bedtime - regimen items and medicines taken at ``bedtime``, and tonight's condition
of a running experiment - with an alarm. Times are
*floating* (no zone): bedtime is 22:00 wherever the person sleeps, and no VTIMEZONE is
needed. When a bedtime item is planned to start or stop, the series is split there, so each
night's event lists that night's items; the UIDs stay the same from one export to the next,
so a calendar that re-reads the feed updates its events instead of doubling them.
"""

from __future__ import annotations

import datetime as dt

from crampwise.formats.jsonrecords import number
from crampwise.records import DiaryData, Medication, RegimenEntry

__all__ = ["DEFAULT_BEDTIME", "bedtime_calendar", "bedtime_items"]

#: The reminder's time when the profile has no bedtime.
DEFAULT_BEDTIME = "22:00"

_DISCLAIMER = "crampwise is not medical advice; ask your clinician before changing medicines."


def _label(entry: RegimenEntry | Medication) -> str:
    name = entry.item if isinstance(entry, RegimenEntry) else entry.name
    if isinstance(entry, RegimenEntry) and entry.form:
        name = f"{name} ({entry.form})"
    if entry.dose is not None and entry.unit:
        name = f"{name} {number(entry.dose)} {entry.unit}"
    return name


def _at_bedtime(data: DiaryData) -> list[RegimenEntry | Medication]:
    entries: list[RegimenEntry | Medication] = [*data.regimen, *data.medications]
    return [e for e in entries if "bedtime" in e.times]


def _experiment_items(data: DiaryData, iso: str) -> list[str]:
    """Tonight's condition of a running experiment: what to take, or to leave out."""
    out: list[str] = []
    for exp in data.experiments:
        period = exp.period_on(iso)
        if period is None:
            continue
        item = exp.item.replace("-", " ")
        dose = f" {number(exp.dose)} {exp.unit}" if exp.dose is not None and exp.unit else ""
        other = exp.comparator.replace("-", " ") if exp.comparator else None
        if period.condition == "B":
            out.append(f"{item}{dose} (experiment)")
            if other:
                out.append(f"no {other} tonight (experiment)")
        else:
            if other:
                out.append(f"{other} (experiment)")
            out.append(f"no {item} tonight (experiment)")
    return out


def _every_day(entry: RegimenEntry | Medication) -> bool:
    return entry.every == "day"


def bedtime_items(data: DiaryData, day: dt.date, *, daily_only: bool = False) -> list[str]:
    """What is due at bedtime on ``day``: regimen items and medicines, in start order, then
    tonight's condition of a running experiment. An item taken once a week (or every N
    days or months) is listed on its own days; ``daily_only``: not at all (the calendar
    gives it an event of its own)."""
    iso = day.isoformat()
    due = [e for e in _at_bedtime(data) if e.due_on(iso) and (not daily_only or _every_day(e))]
    return [_label(e) for e in sorted(due, key=lambda e: e.start)] + _experiment_items(data, iso)


def _changes(data: DiaryData) -> list[dt.date]:
    """Days on which the bedtime list changes (an item starts or stops, an experiment's
    condition switches)."""
    days: set[dt.date] = set()
    for e in _at_bedtime(data):
        if _every_day(e):
            days.update(dt.date.fromisoformat(d) for d in (e.start, e.end) if d is not None)
    for exp in data.experiments:
        for i, p in enumerate(exp.design):
            if p.start > exp.last_night:
                break
            if i == 0 or p.condition != exp.design[i - 1].condition:
                days.add(dt.date.fromisoformat(p.start))
        days.add(dt.date.fromisoformat(exp.last_night) + dt.timedelta(days=1))
    return sorted(days)


def _scheduled_events(
    data: DiaryData, today: dt.date, clock: dt.time, *, now: dt.datetime, uid_domain: str
) -> list[str]:
    """An event of its own for each bedtime item not taken every day, on its days only."""
    from crampwise.schedule import describe, next_due

    lines: list[str] = []
    for e in _at_bedtime(data):
        if _every_day(e):
            continue
        first = dt.date.fromisoformat(next_due(e.every, e.start, today.isoformat()))
        last = None if e.end is None else dt.date.fromisoformat(e.end) - dt.timedelta(days=1)
        if last is not None and first > last:
            continue  # over before its next day comes
        name = e.item if isinstance(e, RegimenEntry) else e.name
        lines += _event(
            f"bedtime-{name}-{e.start}",
            first,
            last,
            clock,
            [f"{_label(e)} ({describe(e.every)})"],
            now=now,
            uid_domain=uid_domain,
            every=e.every,
            anchor=dt.date.fromisoformat(e.start),
        )
    return lines


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Lines longer than 75 octets continue on the next line after a space (RFC 5545 3.1),
    never splitting a UTF-8 character."""
    out: list[str] = []
    current, size = "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        if size + width > 75:
            out.append(current)
            current, size = " ", 1
        current += char
        size += width
    out.append(current)
    return "\r\n".join(out)


def _stamp(moment: dt.datetime) -> str:
    return moment.astimezone(dt.UTC).strftime("%Y%m%dT%H%M%SZ")


def _rule(every: str, start: dt.date) -> str:
    """The RRULE of a schedule (crampwise.schedule), counted from ``start``: a monthly item
    started on the 31st falls on the last day of shorter months, as the diary counts it."""
    from crampwise.schedule import fhir_period

    count, unit = fhir_period(every)
    freq = {"d": "DAILY", "wk": "WEEKLY", "mo": "MONTHLY"}[unit]
    rule = f"FREQ={freq}" + (f";INTERVAL={count}" if count > 1 else "")
    if unit == "mo" and start.day > 28:
        days = ",".join(str(d) for d in range(28, start.day + 1))
        rule += f";BYMONTHDAY={days};BYSETPOS=-1"
    return rule


def _event(
    uid: str,
    start: dt.date,
    until: dt.date | None,
    clock: dt.time,
    items: list[str],
    *,
    now: dt.datetime,
    uid_domain: str,
    every: str = "day",
    anchor: dt.date | None = None,
) -> list[str]:
    """A bedtime event from ``start``: every day, or on the days of ``every`` counted from
    ``anchor`` (the entry's start)."""
    first = dt.datetime.combine(start, clock).strftime("%Y%m%dT%H%M%S")
    rule = "FREQ=DAILY" if every == "day" else _rule(every, anchor or start)
    if until is not None:  # floating start, so a floating UNTIL (RFC 5545 3.3.10)
        rule += ";UNTIL=" + dt.datetime.combine(until, clock).strftime("%Y%m%dT%H%M%S")
    summary = "Bedtime: " + ", ".join(items) if items else "Bedtime"
    lines = ["At bedtime tonight:", *[f"- {item}" for item in items]] if items else []
    if every == "day":
        lines.append(
            "In the morning, record last night in your cramp diary (a night without cramps "
            "counts too)."
        )
    lines.append(_DISCLAIMER)
    return [
        "BEGIN:VEVENT",
        f"UID:{uid}@{uid_domain}",
        f"DTSTAMP:{_stamp(now)}",
        f"DTSTART:{first}",
        "DURATION:PT15M",
        f"RRULE:{rule}",
        f"SUMMARY:{_escape(summary)}",
        f"DESCRIPTION:{_escape(chr(10).join(lines))}",
        "TRANSP:TRANSPARENT",
        "BEGIN:VALARM",
        "ACTION:DISPLAY",
        "TRIGGER;RELATED=START:PT0S",
        f"DESCRIPTION:{_escape(summary)}",
        "END:VALARM",
        "END:VEVENT",
    ]


def bedtime_calendar(
    data: DiaryData,
    *,
    today: dt.date,
    now: dt.datetime,
    uid_domain: str = "crampwise",
) -> str:
    """The bedtime reminder as iCalendar text (CRLF line ends), from ``today`` on.

    ``uid_domain`` makes the event UIDs unique per diary when many diaries are served
    (the web feed passes something of its own, e.g. the diary's feed token)."""
    bedtime = data.profile.bedtime or DEFAULT_BEDTIME
    clock = dt.time.fromisoformat(bedtime)
    changes = _changes(data)
    # The series tonight belongs to began at the last change (its UID stays the same from
    # one export to the next until the list changes again); later changes split it.
    begun = [d for d in changes if d <= today]
    starts = [begun[-1] if begun else today, *[d for d in changes if d > today]]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//crampwise//bedtime reminder//EN",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "X-WR-CALNAME:crampwise bedtime",
        "REFRESH-INTERVAL;VALUE=DURATION:PT12H",
    ]
    for i, start in enumerate(starts):
        until = starts[i + 1] - dt.timedelta(days=1) if i + 1 < len(starts) else None
        uid = f"bedtime-{start.isoformat()}" if i or begun else "bedtime"
        items = bedtime_items(data, start, daily_only=True)
        lines += _event(uid, start, until, clock, items, now=now, uid_domain=uid_domain)
    lines += _scheduled_events(data, today, clock, now=now, uid_domain=uid_domain)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
