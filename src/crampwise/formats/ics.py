"""The bedtime reminder as an iCalendar file (RFC 5545): what ``crampwise reminders --ics``
writes and what the web app serves as a subscribable feed (call :func:`bedtime_calendar`).

One daily event at the person's bedtime (``profile.bedtime``, default 22:00) lists what is
due at bedtime - regimen items and medicines taken at ``bedtime`` - with an alarm. Times are
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


def bedtime_items(data: DiaryData, day: dt.date) -> list[str]:
    """What is due at bedtime on ``day``: regimen items and medicines, in start order."""
    iso = day.isoformat()
    due = [e for e in _at_bedtime(data) if e.active_on(iso)]
    return [_label(e) for e in sorted(due, key=lambda e: e.start)]


def _changes(data: DiaryData) -> list[dt.date]:
    """Days on which the bedtime list changes (an item starts or stops)."""
    days: set[dt.date] = set()
    for e in _at_bedtime(data):
        days.update(dt.date.fromisoformat(d) for d in (e.start, e.end) if d is not None)
    return sorted(days)


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


def _event(
    uid: str,
    start: dt.date,
    until: dt.date | None,
    clock: dt.time,
    items: list[str],
    *,
    now: dt.datetime,
    uid_domain: str,
) -> list[str]:
    first = dt.datetime.combine(start, clock).strftime("%Y%m%dT%H%M%S")
    rule = "FREQ=DAILY"
    if until is not None:  # floating start, so a floating UNTIL (RFC 5545 3.3.10)
        rule += ";UNTIL=" + dt.datetime.combine(until, clock).strftime("%Y%m%dT%H%M%S")
    summary = "Bedtime: " + ", ".join(items) if items else "Bedtime"
    lines = ["At bedtime tonight:", *[f"- {item}" for item in items]] if items else []
    lines += [
        "In the morning, record last night in your cramp diary (a night without cramps counts "
        "too).",
        _DISCLAIMER,
    ]
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
        items = bedtime_items(data, start)
        lines += _event(uid, start, until, clock, items, now=now, uid_domain=uid_domain)
    lines.append("END:VCALENDAR")
    return "".join(_fold(line) + "\r\n" for line in lines)
