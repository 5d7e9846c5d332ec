"""The bedtime calendar feed on the web: the feed itself and the page that makes its
address.

``GET /feed/<token>.ics`` is the one path a client without a paired device may read
besides the pairing page (a phone's calendar sends no cookie): it answers the bedtime
calendar for the diary's working token, and the same bare 404 for every other token
(unknown, revoked, malformed), so the answer tells a guesser nothing. The page at
``/calendar`` (paired devices only, like every page) makes a new address - shown once,
built from the address the phone used to reach this page - or turns the feed off.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, Response

from crampwise.calendarfeed import FEED_PREFIX, feed_path
from crampwise.tracker import Tracker
from crampwise.web.api import get_tracker
from crampwise.web.forms import Form, read_form
from crampwise.web.render import render
from crampwise.web.views import Page

__all__ = ["CalendarPage", "router"]

router = APIRouter(include_in_schema=False)
T = Annotated[Tracker, Depends(get_tracker)]
F = Annotated[Form, Depends(read_form)]


@dataclass(frozen=True)
class CalendarPage(Page):
    """The calendar feed: when its address was made, or the new address (shown once)."""

    active_since: str | None = None
    url: str = ""  # the new address, right after it was made
    webcal: str = ""
    turned_off: bool = False


@router.api_route(FEED_PREFIX + "{token}.ics", methods=["GET", "HEAD"])
def feed(token: str, t: T) -> Response:
    calendar = t.reminders_feed(token)
    if calendar is None:
        return Response(
            "Not found.",
            status_code=404,
            media_type="text/plain",
            headers={"Cache-Control": "no-store"},
        )
    return Response(
        calendar.encode("utf-8"),
        media_type="text/calendar; charset=utf-8",
        headers={
            "Content-Disposition": 'inline; filename="crampwise-bedtime.ics"',
            # a private address: no shared cache may keep it, no search engine list it
            "Cache-Control": "private, no-cache",
            "X-Robots-Tag": "noindex, nofollow",
        },
    )


def _page(t: Tracker, **shown: object) -> CalendarPage:
    return CalendarPage(
        title="Bedtime reminders in your calendar",
        nav="more",
        active_since=t.calendar_feed.active_since(),
        **shown,  # type: ignore[arg-type]
    )


@router.get("/calendar", response_class=HTMLResponse)
def calendar_page(request: Request, t: T) -> Response:
    return render(request, "calendar_feed.html", _page(t))


@router.post("/calendar/feed", response_class=HTMLResponse)
def new_feed(request: Request, t: T, form: F) -> Response:
    """A new address, shown on this response only (it is not stored; reloading the page
    asks the browser to send the form again and makes yet another one)."""
    token = t.calendar_feed.create()
    base = str(request.base_url).rstrip("/")
    url = base + feed_path(token)
    webcal = "webcal://" + url.split("://", 1)[1]
    return render(request, "calendar_feed.html", _page(t, url=url, webcal=webcal))


@router.post("/calendar/feed-off", response_class=HTMLResponse)
def feed_off(request: Request, t: T, form: F) -> Response:
    t.calendar_feed.revoke()
    return render(request, "calendar_feed.html", _page(t, turned_off=True))
