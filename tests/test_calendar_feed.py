"""The bedtime calendar feed: a private address a phone's calendar subscribes to.

Made with ``crampwise reminders --feed`` (or the web page ``/calendar``), served by the
web app to a client that is not paired (a calendar app sends no cookie), parsed with the
``icalendar`` library; revoked or replaced, the old address answers exactly like an
address that never existed, and the open path shows nothing else of the diary.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import icalendar
import pytest

from crampwise.tracker import Tracker
from tests.conftest import AFTER_DEMO, NOW
from tests.web_helpers import REMOTE, client_for, csrf_of

CLI = Callable[..., tuple[int, str, str]]
BASE = "http://192.0.2.1:8000"  # documentation address (RFC 5737): never contacted


@pytest.fixture
def web_tracker(db_url: str) -> Iterator[Tracker]:
    t = Tracker(db_url, clock=lambda: NOW)
    yield t
    t.close()


def _regimen(cli: CLI) -> None:
    code, _, err = cli(
        "regimen", "start", "magnesium", "--form", "glycinate", "--dose", "200", "--unit", "mg",
        "--times", "morning,bedtime", "--date", "2026-02-01",
    )  # fmt: skip
    assert code == 0, err
    assert cli("profile", "set", "--bedtime", "21:45")[0] == 0


def _feed(cli: CLI) -> str:
    code, out, err = cli("reminders", "--feed", "--url", BASE + "/", "--json")
    assert code == 0, err
    url = json.loads(out)["feed"]
    assert re.fullmatch(re.escape(BASE) + r"/feed/[A-Za-z0-9_-]{43}\.ics", url), url
    return str(url[len(BASE) :])


def test_a_phone_calendar_subscribes_without_pairing(cli: CLI, web_tracker: Tracker) -> None:
    """The feed is the same calendar as ``reminders --ics``: daily at bedtime, the alarm,
    tonight's items; the phone needs no pairing for it and gets nothing else."""
    _regimen(cli)
    path = _feed(cli)
    code, written, _ = cli("reminders", "--ics", "-")  # the calendar as a file holds it
    assert code == 0
    with client_for(web_tracker, client=REMOTE) as phone:  # not paired, not on this computer
        r = phone.get(path)
        assert r.status_code == 200, r.text
        assert r.headers["content-type"] == "text/calendar; charset=utf-8"
        assert "set-cookie" not in r.headers
        assert "no-cache" in r.headers["cache-control"]
        assert "public" not in r.headers["cache-control"]
        calendar = icalendar.Calendar.from_ical(r.content)
        (event,) = calendar.walk("VEVENT")
        assert event.decoded("DTSTART").time() == dt.time(21, 45)
        assert event["RRULE"]["FREQ"] == ["DAILY"]
        assert "magnesium (glycinate) 200 mg" in str(event["SUMMARY"])
        (alarm,) = event.walk("VALARM")
        assert str(alarm["ACTION"]) == "DISPLAY"
        assert r.text == written
        assert phone.head(path).status_code == 200
        # the address opens the feed only: the diary stays shut to an unpaired phone
        for other in ("/", "/dashboard", "/report.pdf", "/calendar", "/api/episodes"):
            assert phone.get(other).status_code == 401, other
        for sneaky in (
            path.replace(".ics", "/../../report.pdf"),
            "/feed/../report.pdf",
            "/feed/%2e%2e/report.pdf",
            "/feed/",
            path[:-4],
        ):
            r = phone.get(sneaky)
            assert r.status_code in (401, 404), sneaky
            assert "%PDF" not in r.text and "magnesium" not in r.text


def test_revoked_replaced_and_guessed_addresses_answer_alike(
    cli: CLI, web_tracker: Tracker
) -> None:
    _regimen(cli)
    first = _feed(cli)
    second = _feed(cli)  # a new address stops the old one
    assert first != second
    with client_for(web_tracker, client=REMOTE) as phone:
        assert phone.get(second).status_code == 200
        never = "/feed/" + "A" * 43 + ".ics"
        answers = [
            phone.get(p) for p in (first, never, "/feed/x.ics", "/feed/" + "é" * 60 + ".ics")
        ]
        assert {(r.status_code, r.text) for r in answers} == {(404, "Not found.")}
        code, out, _ = cli("reminders", "--feed-off", "--json")
        assert code == 0 and json.loads(out) == {"feed": None, "revoked": True}
        r = phone.get(second)
        assert (r.status_code, r.text) == (404, "Not found.")
    code, out, _ = cli("reminders", "--feed-off")
    assert code == 0 and "no calendar feed to turn off" in out


def test_only_a_hash_of_the_address_is_stored(cli: CLI, db_url: str, tmp_path: Any) -> None:
    """A copy of the database does not give the feed away (like device tokens)."""
    path = _feed(cli)
    token = path.removeprefix("/feed/").removesuffix(".ics")
    if not db_url.startswith("postgresql"):
        assert token.encode() not in (tmp_path / "diary.sqlite").read_bytes()
    with Tracker(db_url, clock=lambda: NOW) as t:
        assert t.calendar_feed.opens(token)
        assert not t.calendar_feed.opens(token[:-1])
        assert t.calendar_feed.active_since() == "2026-03-05T02:30:00Z"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("--feed", "--url", "ftp://x"), "--url: 'ftp://x' is not the web app's address"),
        (("--feed", "--url", "http://h:1/path"), "is not the web app's address"),
        ((), "--ics: give the .ics file to write"),
        (("--feed", "--ics", "x.ics"), "not allowed with argument"),
    ],
)
def test_bad_reminder_options_are_one_line(
    cli: CLI, db_url: str, args: tuple[str, ...], message: str
) -> None:
    code, out, err = cli("reminders", *args)
    assert code == 2 and out == "" and message in err
    assert err.count("\n") == 1
    with Tracker(db_url, clock=lambda: NOW) as t:
        assert t.calendar_feed.active_since() is None  # nothing was made


def test_the_calendar_page_makes_and_stops_the_address(web_tracker: Tracker) -> None:
    """A paired phone (here: this computer) makes the address on the page, and sees it
    once; turning the feed off stops it."""
    with client_for(web_tracker) as web:
        assert 'href="/calendar"' in web.get("/more").text
        page = web.get("/calendar").text
        assert "No calendar address is in use." in page
        token = csrf_of(web, "/calendar")
        r = web.post("/calendar/feed", data={"csrf": token})
        assert r.status_code == 200
        url = re.search(r'id="feed-url" type="text" readonly value="([^"]+)"', r.text)
        assert url, r.text
        assert url.group(1).startswith("http://testserver/feed/")
        assert f'href="webcal://{url.group(1).split("://")[1]}"' in r.text
        path = url.group(1).removeprefix("http://testserver")
        again = web.get("/calendar").text
        assert "A calendar address is in use (made on 2026-03-05)." in again
        assert path not in again  # shown once only
        assert web.get(path).status_code == 200
        assert web.post("/calendar/feed", data={"csrf": "forged"}).status_code == 403
        assert web.get(path).status_code == 200  # a forged form changed nothing
        r = web.post("/calendar/feed-off", data={"csrf": token})
        assert "The calendar feed is off" in r.text and "No calendar address is in use." in r.text
        assert web.get(path).status_code == 404


def test_restoring_a_backup_never_brings_back_a_revoked_address(
    cli: CLI, web_tracker: Tracker, tmp_path: Any
) -> None:
    """The feed's address belongs to this installation, not to the diary's data: a restore
    (a whole SQLite file, or a JSON document on PostgreSQL) leaves the feeds as they are."""
    _regimen(cli)
    old = _feed(cli)
    backup = tmp_path / "diary.backup"
    assert cli("backup", str(backup))[0] == 0
    new = _feed(cli)  # revokes the address the backup still lists as working
    code, _, err = cli("restore", str(backup), "--yes")
    assert code == 0, err
    with client_for(web_tracker, client=REMOTE) as phone:
        assert phone.get(old).status_code == 404
        assert phone.get(new).status_code == 200
    assert cli("reminders", "--feed-off")[0] == 0
    assert cli("restore", str(backup), "--yes")[0] == 0
    with client_for(web_tracker, client=REMOTE) as phone:
        assert phone.get(old).status_code == 404 and phone.get(new).status_code == 404


def test_migration_0008_gives_an_older_diary_its_feed(db_url: str) -> None:
    """A diary at 0007 (with the demo in it) gets the feed table on open, keeps its
    records, and can serve a feed."""
    from crampwise.demo import demo_document
    from crampwise.storage.engine import open_engine, resolve_url
    from crampwise.storage.migrations import migrate, status

    engine = open_engine(resolve_url(db_url))
    try:
        migrate(engine, target="0007_experiments")
        assert status(engine).pending[0] == "0008_calendar_feeds"
    finally:
        engine.close()
    with Tracker(db_url, clock=lambda: AFTER_DEMO) as t:
        assert t.migration_status().up_to_date
        t.import_diary(demo_document())
        token = t.calendar_feed.create()
        assert t.reminders_feed(token) is not None
        assert t.summary().to_dict()["cramps"] > 0
