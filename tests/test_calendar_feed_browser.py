"""The calendar feed in a real browser against ``crampwise serve``: a paired phone
(Debian's Chromium) makes the address on the page, a client without any cookie (a
calendar app) reads the feed from the real server, raw paths that try to climb out of
``/feed/`` get nothing, and turning the feed off stops it."""

from __future__ import annotations

import http.client
import urllib.error
import urllib.request
from collections.abc import Callable
from typing import Any

import icalendar
import pytest

from tests.test_web_browser import (  # noqa: F401 - fixtures, used by name
    Server,
    _same_origin,
    browser_context_args,
    browser_type_launch_args,
    phone,
    pytestmark,
    serve,
)


def _raw(server: Server, path: str) -> tuple[int, bytes]:
    """A GET of ``path`` exactly as written (no client-side ``..`` clean-up), no cookie."""
    host, port = server.url.removeprefix("http://").split(":")
    connection = http.client.HTTPConnection(host, int(port), timeout=30)
    try:
        connection.request("GET", path)
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


def test_a_paired_phone_makes_the_address_and_a_calendar_reads_it(
    phone: Any,  # noqa: F811 - the fixture imported above
    serve: Callable[..., Server],  # noqa: F811
) -> None:
    from playwright.sync_api import expect

    server = serve("--require-pairing")
    server.cli(
        "regimen", "start", "stretching", "--kind", "routine", "--times", "bedtime",
        "--date", "2026-02-01",
    )  # fmt: skip
    code = server.cli("devices", "pair", "--json")["code"]
    phone.goto(f"{server.url}/pair?code={code}")
    phone.get_by_role("button", name="Pair this device").click()
    expect(phone.locator("#flash")).to_contain_text("now paired")

    phone.goto(server.url + "/more")
    phone.get_by_role("link", name="Bedtime reminders").click()
    expect(phone.locator("#feed-state")).to_have_text("No calendar address is in use.")
    phone.get_by_role("button", name="Make a calendar address").click()
    url = phone.locator("#feed-url").input_value()
    assert url.startswith(server.url + "/feed/") and url.endswith(".ics")
    subscribe = phone.get_by_role("link", name="Subscribe on this phone")
    expect(subscribe).to_have_attribute("href", "webcal://" + url.split("://", 1)[1])

    with urllib.request.urlopen(url, timeout=30) as r:  # a calendar app: no cookie
        assert r.headers["Content-Type"] == "text/calendar; charset=utf-8"
        (event,) = icalendar.Calendar.from_ical(r.read()).walk("VEVENT")
    assert str(event["SUMMARY"]) == "Bedtime: stretching"
    assert event["RRULE"]["FREQ"] == ["DAILY"] and event.walk("VALARM")

    path = url.removeprefix(server.url)
    for sneaky in (
        "/feed/../report.pdf",
        "/feed/%2e%2e/report.pdf",
        "/feed/..%2freport.pdf",
        path + "/../../calendar",
        "/feed/../api/nights",
    ):
        status, body = _raw(server, sneaky)
        assert status in (401, 404), (sneaky, status)
        assert b"%PDF" not in body and b"stretching" not in body and b"2026-" not in body

    phone.goto(server.url + "/calendar")
    expect(phone.locator("#feed-state")).to_contain_text("A calendar address is in use")
    assert path not in phone.content()  # shown once only
    phone.get_by_role("button", name="Turn the calendar feed off").click()
    expect(phone.locator("#flash")).to_contain_text("The calendar feed is off")
    with pytest.raises(urllib.error.HTTPError) as gone:
        urllib.request.urlopen(url, timeout=30)
    gone.value.close()
    assert gone.value.code == 404
    _same_origin(phone, server)


def test_the_calendar_page_passes_axe(
    phone: Any,  # noqa: F811 - the fixture imported above
    serve: Callable[..., Server],  # noqa: F811
) -> None:
    """No serious or critical axe-core violation on the calendar page, before and after
    an address is made, at night (dark theme) on a phone."""
    from axe_playwright_python.sync_playwright import Axe

    server = serve()
    axe = Axe()
    problems = {}
    phone.goto(server.url + "/calendar")
    for state in ("none", "made", "in use"):
        if state == "made":
            phone.get_by_role("button", name="Make a calendar address").click()
        elif state == "in use":
            phone.goto(server.url + "/calendar")
        bad = [
            f"{v['id']} ({v['impact']}): {len(v['nodes'])} node(s)"
            for v in axe.run(phone).response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if bad:
            problems[state] = bad
    assert problems == {}
    _same_origin(phone, server)
