"""The web app in a real browser: Playwright driving Debian's Chromium (never a browser
that Playwright downloads) at a phone's viewport, against ``crampwise serve`` running in
its own process on a real SQLite diary, with the clock pinned on both sides.

Every test also checks that no request left the app's origin.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from crampwise.cli import main
from tests.conftest import AFTER_DEMO, NOW

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    # stops Chromium from resolving Google's hosts on its own (stack notes §4)
    "--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1, EXCLUDE localhost",
]

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(
        not os.path.exists(CHROMIUM),
        reason=f"{CHROMIUM} is missing (scripts/test.sh installs Debian's chromium)",
    ),
]

PHONE = {"width": 360, "height": 780}
SCREENSHOTS = os.environ.get("CRAMPWISE_SCREENSHOTS")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {
        **browser_context_args,
        "viewport": PHONE,
        "is_mobile": True,
        "has_touch": True,
        "device_scale_factor": 1,
        "timezone_id": "Europe/Berlin",
    }


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Server:
    """``crampwise serve`` in a subprocess on a diary file."""

    def __init__(self, db: Path, now: str, *args: str) -> None:
        self.db = db
        self.now = now
        port = _free_port()
        self.url = f"http://127.0.0.1:{port}"
        env = {**os.environ, "CRAMPWISE_NOW": now, "TZ": "Europe/Berlin"}
        env.pop("CRAMPWISE_DB", None)
        self.log = db.parent / f"{db.stem}-server.log"
        with self.log.open("w") as log:  # the child keeps its own copy of the descriptor
            self.process = subprocess.Popen(
                [
                    sys.executable,
                    "-m",
                    "crampwise",
                    "--db",
                    str(db),
                    "serve",
                    "--port",
                    str(port),
                    *args,
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + 90
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(self.log.read_text())
            try:
                urllib.request.urlopen(self.url + "/static/app.css", timeout=2).close()
                return
            except OSError:
                time.sleep(0.2)
        raise RuntimeError("the server did not start: " + self.log.read_text())

    def cli(self, *args: str) -> Any:
        """Run the CLI in-process on the same diary (JSON output parsed)."""
        import contextlib
        import io

        out = io.StringIO()
        old = os.environ.get("CRAMPWISE_NOW")
        os.environ["CRAMPWISE_NOW"] = self.now
        try:
            with contextlib.redirect_stdout(out):
                code = main(["--db", str(self.db), *args])
        finally:
            if old is None:
                os.environ.pop("CRAMPWISE_NOW", None)
            else:
                os.environ["CRAMPWISE_NOW"] = old
        assert code == 0, out.getvalue()
        return json.loads(out.getvalue()) if "--json" in args else out.getvalue()

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


@pytest.fixture
def serve(tmp_path: Path) -> Iterator[Callable[..., Server]]:
    servers: list[Server] = []

    def start(*args: str, now: str = NOW.isoformat(), setup: tuple[str, ...] = ()) -> Server:
        db = tmp_path / f"diary{len(servers)}.sqlite"
        assert main(["--db", str(db), "profile", "set", "--timezone", "Europe/Berlin"]) == 0
        server = Server(db, now, *args)
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def phone(page: Any) -> Any:
    """A page whose clock shows the tests' "now", recording every request it makes."""
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.clock.set_fixed_time(NOW)
    page.requests = requests
    return page


def _same_origin(page: Any, server: Server) -> None:
    outside = [u for u in page.requests if not u.startswith(server.url + "/")]
    assert outside == [], "requests left the app's origin"


def _shot(page: Any, name: str, element: str = "") -> None:
    """Save a screenshot (of the page, or of one element without the bottom bar over it)
    when CRAMPWISE_SCREENSHOTS names a folder (docs/screenshots)."""
    if not SCREENSHOTS:
        return
    Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
    path = str(Path(SCREENSHOTS) / f"{name}.png")
    if not element:
        page.screenshot(path=path)
        return
    page.evaluate("document.querySelector('nav.bottom').style.display = 'none'")
    page.locator(element).screenshot(path=path)
    page.evaluate("document.querySelector('nav.bottom').style.display = ''")


def test_log_a_cramp_with_details_and_see_it(phone: Any, serve: Callable[..., Server]) -> None:
    from playwright.sync_api import expect

    server = serve()
    phone.goto(server.url + "/")
    phone.get_by_role("button", name="Cramp now").click()
    result = phone.locator("#log-result")
    expect(result).to_contain_text("Logged cramp #1 at 03:30")
    result.get_by_role("link", name="Add details").click()
    expect(phone.get_by_role("heading", name="Cramp details")).to_be_visible()
    phone.locator(".bodymap.back .region[data-side='left'][data-muscle='calf']").click()
    expect(phone.locator("input[name=side][value=left]")).to_be_checked()
    expect(phone.locator("input[name=muscles][value=calf]")).to_be_checked()
    _shot(phone, "log-map", "fieldset.bodymaps")  # at night: the dark theme
    phone.locator("#f-severity").fill("8")
    expect(phone.locator("#f-severity-set")).to_be_checked()
    phone.get_by_label("How long (minutes)").fill("2")
    phone.locator("label.chip", has_text="stretch").first.click()
    phone.locator("#helped-stretch").select_option("a-lot")
    phone.get_by_role("button", name="Save details").click()
    expect(phone.locator("#flash")).to_contain_text("Details saved")
    phone.goto(server.url + "/dashboard")
    cell = phone.locator("rect.night[data-date='2026-03-04']")
    expect(cell).to_have_attribute("data-cramps", "1")
    expect(cell).to_have_class("night cramp c1")
    (episode,) = server.cli("episodes", "--json")
    assert (episode["side"], episode["muscles"], episode["severity"], episode["duration_min"]) == (
        "left",
        ["calf"],
        8,
        2.0,
    )
    assert episode["reliefs"] == [{"method": "stretch", "helped": "a-lot"}]
    assert server.cli("nights", "--json") == [{"date": "2026-03-04", "observed": True, "cramps": 1}]
    _same_origin(phone, server)


def test_check_in_a_cramp_free_night(phone: Any, serve: Callable[..., Server]) -> None:
    from playwright.sync_api import expect

    server = serve()
    phone.goto(server.url + "/")
    phone.get_by_role("button", name="No cramps last night").click()
    expect(phone.locator("#flash")).to_contain_text("Night checked in")
    expect(phone.locator("p.checked")).to_contain_text("0 cramps")
    assert server.cli("nights", "--json") == [{"date": "2026-03-04", "observed": True, "cramps": 0}]
    phone.goto(server.url + "/dashboard")
    expect(phone.locator("rect.night[data-date='2026-03-04']")).to_have_class("night free")
    _same_origin(phone, server)


def test_offline_cramps_are_queued_and_sent_once(phone: Any, serve: Callable[..., Server]) -> None:
    from playwright.sync_api import expect

    server = serve()
    phone.goto(server.url + "/")
    phone.context.set_offline(True)
    button = phone.get_by_role("button", name="Cramp now")
    button.click()
    expect(phone.locator("#pending-list li")).to_have_count(1)
    phone.wait_for_timeout(900)  # the button is held for a moment against double taps
    button.click()
    expect(phone.locator("#pending-list li")).to_have_count(2)
    expect(phone.locator("#queue-status")).to_have_text("2 waiting to be sent")
    _shot(phone, "offline-queue")
    assert server.cli("episodes", "--json") == []
    phone.context.set_offline(False)
    expect(phone.locator("#pending")).to_be_hidden(timeout=15000)
    episodes = server.cli("episodes", "--json")
    assert len(episodes) == 2
    assert {e["time"] for e in episodes} == {"03:30"}  # the time of the taps, kept
    phone.reload()  # nothing is sent twice when the page comes back
    phone.wait_for_timeout(500)
    assert len(server.cli("episodes", "--json")) == 2
    _same_origin(phone, server)


def test_pairing_unpaired_paired_revoked(phone: Any, serve: Callable[..., Server]) -> None:
    from playwright.sync_api import expect

    server = serve("--require-pairing")
    response = phone.goto(server.url + "/")
    assert response.status == 401
    expect(phone.get_by_role("heading", name="Pair this device first")).to_be_visible()
    code = server.cli("devices", "pair", "--json")["code"]
    phone.goto(f"{server.url}/pair?code={code}")
    phone.get_by_label("A name for this device").fill("bedside phone")
    phone.get_by_role("button", name="Pair this device").click()
    expect(phone.locator("#flash")).to_contain_text("now paired")
    assert phone.goto(server.url + "/").status == 200
    phone.get_by_role("button", name="Cramp now").click()
    expect(phone.locator("#log-result")).to_contain_text("Logged cramp #1")
    (device,) = server.cli("devices", "list", "--json")
    assert (device["name"], device["active"]) == ("bedside phone", True)
    server.cli("devices", "revoke", str(device["id"]))
    assert phone.goto(server.url + "/").status == 401
    assert phone.goto(server.url + "/api/nights").status == 401
    _same_origin(phone, server)


def _tab_to(page: Any, selector: str, limit: int = 80) -> None:
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate(
            "s => document.activeElement && document.activeElement.matches(s)", selector
        ):
            return
    raise AssertionError(f"Tab never reached {selector}")


def test_the_logging_form_by_keyboard_alone(phone: Any, serve: Callable[..., Server]) -> None:
    from playwright.sync_api import expect

    server = serve()
    phone.goto(server.url + "/log")
    _tab_to(phone, "input[name=at]")
    phone.keyboard.press("ArrowRight")  # now → 30 min ago
    phone.keyboard.press("ArrowRight")  # → around 3 a.m.
    _tab_to(phone, "input[name=side]")
    phone.keyboard.press("Space")  # left
    _tab_to(phone, "input[name=muscles][value='inner-thigh']")
    phone.keyboard.press("Space")
    _tab_to(phone, "#f-severity")
    for _ in range(3):
        phone.keyboard.press("ArrowRight")  # 5 → 8
    expect(phone.locator("#severity-out")).to_have_text("8")
    _tab_to(phone, "#f-duration_min")
    phone.keyboard.type("3")
    _tab_to(phone, "input[name=woke]")
    phone.keyboard.press("Space")  # yes
    _tab_to(phone, "#save-details")
    phone.keyboard.press("Enter")
    expect(phone.locator("#flash")).to_contain_text("Logged")
    (episode,) = server.cli("episodes", "--json")
    assert (episode["time"], episode["approximate"], episode["side"]) == ("03:00", True, "left")
    assert (episode["muscles"], episode["severity"], episode["duration_min"], episode["woke"]) == (
        ["inner-thigh"],
        8,
        3.0,
        True,
    )
    _same_origin(phone, server)


PAGES = (
    ("home", "/"),
    ("log", "/log"),
    ("night", "/night"),
    ("dashboard", "/dashboard"),
    ("diary", "/diary"),
    ("regimen", "/regimen"),
    ("medications", "/medications"),
    ("labs", "/labs"),
    ("factors", "/factors"),
    ("trigger-points", "/trigger-points"),
    ("red-flags", "/red-flags"),
    ("lookup", "/lookup?food=coconut+water&claim=moringa+has+4+times+the+calcium+of+milk"),
    ("safety", "/safety?date=2025-07-01"),
    ("analysis", "/analysis"),
    ("more", "/more"),
    ("edit", "/episodes/1/edit"),
    ("after-effects", "/episodes/1/after-effects"),
    ("delete-cramp", "/episodes/1/delete"),
    ("delete-record", "/delete/regimen-entries/1"),
    ("experiments", "/experiments"),
    ("experiment-plan", "/experiments/plan?item=calcium&dose=1000mg&baseline_per_week=1&seed=7"),
    ("experiment-plan-error", "/experiments/plan?item=calcium&period_weeks=0"),
    ("experiment", "/experiments/1"),
    ("profile", "/profile"),
    ("nutrition", "/nutrition"),
    ("devices", "/devices"),
    ("pair", "/pair"),
    ("offline", "/offline"),
    ("not-found", "/no-such-page"),
)


def test_every_page_passes_axe_and_stays_on_its_origin(
    phone: Any, serve: Callable[..., Server]
) -> None:
    """axe-core (via axe-playwright-python): no serious or critical violation on any page,
    on the two-year demo diary, at night (dark theme) on a phone."""
    from axe_playwright_python.sync_playwright import Axe

    server = serve("--demo", now=AFTER_DEMO.isoformat())
    server.cli(  # an experiment running, for its pages
        "experiment", "start", "--item", "pickle-juice", "--seed", "3",
        "--baseline-per-week", "1", "--start", "2026-11-20", "--anyway",
    )  # fmt: skip
    phone.clock.set_fixed_time(AFTER_DEMO)
    axe = Axe()
    problems = {}
    for name, path in PAGES:
        phone.goto(server.url + path)
        results = axe.run(phone)
        bad = [
            f"{v['id']} ({v['impact']}): {len(v['nodes'])} node(s): "
            + "; ".join(str(n.get("target")) for n in v["nodes"][:3])
            for v in results.response["violations"]
            if v["impact"] in ("serious", "critical")
        ]
        if bad:
            problems[path] = bad
        if name in (
            "home",
            "regimen",
            "analysis",
            "safety",
            "experiments",
            "experiment-plan",
            "nutrition",
        ):
            _shot(phone, name)
        if name == "dashboard":
            for section in ("cal", "rate", "where"):
                _shot(phone, f"dashboard-{section}", f"section:has(#{section})")
    assert problems == {}
    _same_origin(phone, server)


def test_an_experiment_planned_started_and_taken_by_keyboard(
    phone: Any, serve: Callable[..., Server]
) -> None:
    """Plan with the power figures in view, start it, and on its first evening record
    tonight's dose - with the keyboard alone."""
    from playwright.sync_api import expect

    server = serve()
    phone.goto(server.url + "/experiments/plan")
    _tab_to(phone, "#f-item")
    phone.keyboard.type("magnesium")
    _tab_to(phone, "#f-dose")
    phone.keyboard.type("200mg")
    _tab_to(phone, "summary")
    phone.keyboard.press("Enter")  # more options
    _tab_to(phone, "#f-start")
    phone.keyboard.type("03052026")  # the date field as typed (month, day, year in en-US)
    _tab_to(phone, "#f-baseline_per_week")
    phone.keyboard.type("2")
    _tab_to(phone, "#f-seed")
    phone.keyboard.type("11")
    _tab_to(phone, "#make-plan")
    phone.keyboard.press("Enter")
    expect(phone.locator("#power li").first).to_contain_text("If magnesium really halves")
    _tab_to(phone, "#start-experiment")
    phone.keyboard.press("Enter")
    expect(phone.locator("#flash")).to_contain_text("started")
    (exp,) = server.cli("experiment", "list", "--json")
    assert (exp["item"], exp["seed"], exp["start"], exp["dose"]) == (
        "magnesium",
        11,
        "2026-03-05",
        200.0,
    )
    phone.goto(server.url + "/experiments")
    tonight = server.cli("experiment", "today", "--json")
    condition = phone.locator(".condition")
    if tonight["condition"] == "B":
        expect(condition).to_contain_text("with magnesium")
        _tab_to(phone, "button[name=taken][value=yes]")
    else:
        expect(condition).to_contain_text("without magnesium")
        _tab_to(phone, "button[name=taken][value=no]")
    phone.keyboard.press("Enter")
    expect(phone.locator("#flash")).to_contain_text("Recorded")
    export = json.loads(server.cli("export"))
    (dose,) = [a for a in export["adherence"] if a["item"] == "magnesium"]
    assert (dose["date"], dose["taken"]) == ("2026-03-05", tonight["condition"] == "B")
    _same_origin(phone, server)


def test_deleting_the_only_cramp_of_a_night(phone: Any, serve: Callable[..., Server]) -> None:
    from playwright.sync_api import expect

    server = serve()
    phone.goto(server.url + "/")
    phone.get_by_role("button", name="Cramp now").click()
    expect(phone.locator("#log-result")).to_contain_text("Logged cramp #1")
    phone.goto(server.url + "/episodes/1/edit")
    phone.get_by_role("link", name="Delete this cramp").click()
    expect(phone.locator("#what")).to_contain_text("cramp #1")
    phone.get_by_role("button", name="Yes, delete it").click()
    error = phone.locator("#emptied_night-error")
    expect(error).to_contain_text("only cramp of the night")  # asked, next to the choice
    assert len(server.cli("episodes", "--json")) == 1
    phone.get_by_text("Not known (count it as missing)").click()
    phone.get_by_role("button", name="Yes, delete it").click()
    expect(phone.locator("#flash")).to_contain_text("Cramp deleted")
    assert server.cli("episodes", "--json") == []
    assert server.cli("nights", "--json") == []  # the night is missing again, not cramp-free
    _same_origin(phone, server)


#: What a thumb taps: buttons, button-like links, form fields, choice chips, the bottom bar.
TARGETS = (
    "button, a.button, nav.bottom a, select, input:not([type=hidden]):not([type=checkbox])"
    ":not([type=radio]), .chip, label.confirm, summary"
)


def test_targets_are_big_enough_and_nothing_scrolls_sideways(
    phone: Any, serve: Callable[..., Server]
) -> None:
    """At 360 px: no page is wider than the screen, and every tap target is at least 48 px
    high (links inside sentences excepted: they are text)."""
    server = serve("--demo", now=AFTER_DEMO.isoformat())
    phone.clock.set_fixed_time(AFTER_DEMO)
    problems: dict[str, Any] = {}
    for _, path in PAGES:
        if path == "/experiments/1":
            continue  # no experiment in this diary (the axe test starts one)
        phone.goto(server.url + path)
        width = phone.evaluate("document.documentElement.scrollWidth")
        small = phone.evaluate(
            """s => [...document.querySelectorAll(s)]
                .filter(e => e.offsetParent !== null)
                .map(e => [e.outerHTML.slice(0, 60), Math.round(e.getBoundingClientRect().height)])
                .filter(([, h]) => h < 48)""",
            TARGETS,
        )
        if width > PHONE["width"] or small:
            problems[path] = {"width": width, "small": small[:3]}
    assert problems == {}
    _same_origin(phone, server)


def test_the_service_worker_takes_over(phone: Any, serve: Callable[..., Server]) -> None:
    """On localhost (a secure context) the page registers its worker, which becomes active
    for the whole app: what makes it installable and its pages load offline."""
    server = serve()
    phone.goto(server.url + "/")
    scope = phone.evaluate("navigator.serviceWorker.ready.then(r => r.active ? r.scope : null)")
    assert scope == server.url + "/"
    phone.context.set_offline(True)
    phone.reload()  # served by the worker with the connection gone
    assert phone.get_by_role("button", name="Cramp now").is_visible()
    phone.context.set_offline(False)
    _same_origin(phone, server)
