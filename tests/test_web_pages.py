"""Every page on the two-year demo diary (both backends), what the API says about it
matching the CLI, and the one map from neutral error fields to the web's words."""

from __future__ import annotations

import json
import re
from collections.abc import Callable

import pytest

from crampwise.errors import InputError
from crampwise.tracker import Tracker
from crampwise.web.fields import action_link, form_field, json_loc
from tests.conftest import AFTER_DEMO
from tests.web_helpers import client_for

CLI = Callable[..., tuple[int, str, str]]

PAGES = (
    "/",
    "/log",
    "/night",
    "/dashboard",
    "/diary",
    "/diary?month=2025-02",
    "/regimen",
    "/medications",
    "/labs",
    "/factors",
    "/trigger-points",
    "/red-flags",
    "/lookup?food=banana&claim=moringa+has+4+times+the+calcium+of+milk",
    "/lookup?food=unobtainium",
    "/safety?date=2025-07-01",
    "/analysis",
    "/more",
    "/episodes/1/edit",
    "/episodes/1/after-effects",
    "/episodes/1/delete",
    "/delete/regimen-entries/1",
    "/experiments",
    "/experiments/plan",
    "/experiments/plan?item=calcium&dose=1000mg&baseline_per_week=1&seed=7",
    "/profile",
    "/nutrition",
    "/nutrition?date=2025-07-01",
    "/devices",
    "/pair",
    "/offline",
)


def test_every_page_of_the_demo_diary(demo_tracker: Tracker, cli: CLI) -> None:
    from crampwise.demo import demo_document

    demo_tracker.import_diary(demo_document())
    with client_for(demo_tracker, demo=True) as web:
        for path in PAGES:
            r = web.get(path)
            assert r.status_code == 200, (path, r.text[:300])
            assert "Demo diary" in r.text
            # nothing on a page is fetched from another host
            assert not re.search(r'(src|href)="(https?:)?//', r.text), path
        dashboard = web.get("/dashboard").text
        nights = json.loads(cli("nights", "--json", now=AFTER_DEMO)[1])
        assert dashboard.count('class="night ') == len(nights)
        missing = sum(1 for n in nights if not n["observed"])
        assert dashboard.count('class="night missing"') == missing
        assert "Cramps per week, by period" in dashboard
        assert web.get("/api/analysis").json() == json.loads(
            cli("analyze", "--json", now=AFTER_DEMO)[1]
        )
        assert web.get("/lookup?food=unobtainium").text.count('id="food-error"') == 1
        assert web.get("/episodes/999999/edit").status_code == 404


def test_an_empty_diary_has_pages_too(tracker: Tracker) -> None:
    with client_for(tracker) as web:
        for path in ("/", "/dashboard", "/diary", "/analysis", "/regimen", "/more"):
            assert web.get(path).status_code == 200, path


@pytest.mark.parametrize(
    ("field", "loc", "form"),
    [
        ("severity", ["body", "severity"], "severity"),
        ("duration_min", ["body", "duration_min"], "duration_min"),
        ("muscles", ["body", "muscles"], "muscles"),
        ("reliefs[1].helped", ["body", "reliefs", 1, "helped"], "reliefs"),
        (".episodes[3].side", ["body", "episodes", 3, "side"], None),
        ("switch", ["body", "switch"], None),
    ],
)
def test_one_map_from_neutral_fields(field: str, loc: list[object], form: str | None) -> None:
    error = InputError(field, "not allowed", code="not-allowed")
    assert json_loc(error) == loc
    assert form_field(error, ("severity", "duration_min", "muscles", "reliefs")) == form


def test_actions_become_links() -> None:
    from crampwise.errors import ACTIONS, ConflictError

    switch = ConflictError("already taken", action="switch-regimen", subject="magnesium")
    assert action_link(switch) == ("Switch magnesium to the new form or dose", "/regimen")
    edit = InputError("night", "already logged", action="edit-episode", subject="12")
    assert action_link(edit) == ("Change cramp #12", "/episodes/12/edit")
    assert action_link(ConflictError("x", action="replace")) is None  # no page for it
    assert all(a in ACTIONS for a in __import__("crampwise.web.fields").web.fields.ACTION_LINKS)
