"""The profile, paired devices, nutrition, after-effects and delete pages, and their API
routes (both backends): what they store is what the CLI shows; bad values come back next
to their field; deleting always asks first, and a night's only cramp asks what the night
becomes; devices are managed only from this computer."""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator
from typing import Any

import pytest
from starlette.testclient import TestClient

from crampwise.tracker import Tracker
from tests.web_helpers import LOCAL, REMOTE, client_for, csrf_of

CLI = Callable[..., tuple[int, str, str]]


@pytest.fixture
def web(tracker: Tracker) -> Iterator[TestClient]:
    with client_for(tracker) as client:
        yield client


def _json(cli: CLI, *args: str) -> Any:
    code, out, err = cli(*args, "--json")
    assert code == 0, err
    return json.loads(out)


def _errors(html: str) -> dict[str, str]:
    return dict(re.findall(r'class="field-error" id="([^"]+)-error">([^<]*)<', html))


def test_the_profile_page(web: TestClient, cli: CLI) -> None:
    token = csrf_of(web, "/profile")
    bad = web.post(
        "/profile", data={"csrf": token, "timezone": "Mars/Olympus", "birth_year": "1958"}
    )
    assert bad.status_code == 422
    assert list(_errors(bad.text)) == ["timezone"]
    assert 'value="Mars/Olympus"' in bad.text and 'aria-invalid="true"' in bad.text
    assert _json(cli, "profile", "show")["birth_year"] is None  # nothing half-saved
    form = {
        "csrf": token,
        "birth_year": "1958",
        "sex": "female",
        "kidney_disease": "no",
        "pregnant": "no",
        "breastfeeding": "",
        "timezone": "Europe/Lisbon",
        "bedtime": "22:30",
    }
    ok = web.post("/profile", data=form)
    assert ok.status_code == 303 and ok.headers["location"] == "/profile?saved=1"
    shown = _json(cli, "profile", "show")
    assert {k: shown[k] for k in ("birth_year", "sex", "kidney_disease", "pregnant")} == {
        "birth_year": 1958,
        "sex": "female",
        "kidney_disease": False,
        "pregnant": False,
    }
    assert (shown["timezone"], shown["bedtime"], shown["breastfeeding"]) == (
        "Europe/Lisbon",
        "22:30",
        None,
    )
    page = web.get("/profile?saved=1").text
    assert "Profile saved" in page and 'value="22:30"' in page
    assert web.post("/profile", data={"csrf": token, "birth_year": "1850"}).status_code == 422
    # the API: a PATCH changes what it names and keeps the rest
    r = web.patch("/api/profile", json={"kidney_disease": True})
    assert r.status_code == 200 and r.json() == {**web.get("/api/profile").json()}
    assert r.json()["kidney_disease"] is True and r.json()["birth_year"] == 1958
    bad_api = web.patch("/api/profile", json={"sex": "robot"})
    assert bad_api.status_code == 422 and bad_api.json()["detail"][0]["loc"] == ["body", "sex"]


def test_after_effects_of_a_cramp(web: TestClient, cli: CLI) -> None:
    logged = web.post("/api/episodes", json={"at": "3am", "muscles": ["inner-thigh"]}).json()
    path = f"/episodes/{logged['id']}/after-effects"
    assert path in web.get(f"/episodes/{logged['id']}/edit").text  # linked from the cramp
    token = csrf_of(web, path)
    bad = web.post(path, data={"csrf": token, "kind": "knot", "rating": "11"})
    assert bad.status_code == 422 and list(_errors(bad.text)) == ["rating"]
    before = web.post(
        path, data={"csrf": token, "kind": "knot", "rating": "3", "date": "2026-03-01"}
    )
    assert before.status_code == 422 and list(_errors(before.text)) == ["date"]
    ok = web.post(path, data={"csrf": token, "kind": "knot", "rating": "6"})
    assert ok.status_code == 303
    api = web.post(
        f"/api/episodes/{logged['id']}/after-effects", json={"kind": "soreness", "rating": 2}
    )
    assert api.status_code == 201, api.text
    (episode,) = _json(cli, "episodes")
    assert episode == api.json()
    assert sorted(episode["after_effects"], key=lambda a: a["kind"]) == [
        {"date": "2026-03-05", "kind": "knot", "rating": 6},
        {"date": "2026-03-05", "kind": "soreness", "rating": 2},
    ]
    assert ">knot<" in web.get(path).text
    missing = web.post("/api/episodes/999/after-effects", json={"kind": "knot", "rating": 1})
    assert missing.status_code == 404


def test_deleting_a_nights_only_cramp_asks_what_the_night_becomes(
    web: TestClient, cli: CLI
) -> None:
    one = web.post("/api/episodes", json={"at": "3am"}).json()
    page = web.get(f"/episodes/{one['id']}/delete")
    assert page.status_code == 200 and "only cramp of the night of 2026-03-04" in page.text
    token = csrf_of(web, f"/episodes/{one['id']}/delete")
    unanswered = web.post(f"/episodes/{one['id']}/delete", data={"csrf": token})
    assert unanswered.status_code == 422 and list(_errors(unanswered.text)) == ["emptied_night"]
    assert len(_json(cli, "episodes")) == 1  # nothing deleted without the answer
    gone = web.post(
        f"/episodes/{one['id']}/delete", data={"csrf": token, "emptied_night": "cramp-free"}
    )
    assert gone.status_code == 303 and gone.headers["location"] == "/?done=deleted"
    assert _json(cli, "episodes") == []
    assert _json(cli, "nights") == [{"date": "2026-03-04", "observed": True, "cramps": 0}]
    assert "Cramp deleted" in web.get("/?done=deleted").text
    # two cramps on a night: no question about the night; "missing" when it is the last
    a = web.post("/api/episodes", json={"night": "2026-03-02", "at": "2am"}).json()
    b = web.post("/api/episodes", json={"night": "2026-03-02", "at": "4am"}).json()
    assert "only cramp" not in web.get(f"/episodes/{a['id']}/delete").text
    assert web.post(f"/episodes/{a['id']}/delete", data={"csrf": token}).status_code == 303
    assert (
        web.post(
            f"/episodes/{b['id']}/delete", data={"csrf": token, "emptied_night": "missing"}
        ).status_code
        == 303
    )
    assert "2026-03-02" not in [n["date"] for n in _json(cli, "nights") if n["observed"]]
    assert web.get("/episodes/999/delete").status_code == 404


def test_deleting_records_after_a_confirmation_page(web: TestClient, cli: CLI) -> None:
    med = web.post("/api/medications", json={"name": "lisinopril", "dose": 10, "unit": "mg"})
    lab = web.post("/api/labs", json={"test": "potassium", "value": 4.1, "unit": "mmol/L"})
    entry = web.post("/api/regimen", json={"item": "magnesium", "dose": 200, "unit": "mg"})
    assert f"/delete/medications/{med.json()['id']}" in web.get("/medications").text
    assert f"/delete/regimen-entries/{entry.json()['id']}" in web.get("/regimen").text
    page = web.get(f"/delete/medications/{med.json()['id']}")
    assert page.status_code == 200 and "lisinopril" in page.text and "No, keep it" in page.text
    assert _json(cli, "med", "list") != []  # looking at the question deletes nothing
    token = csrf_of(web, "/medications")
    done = web.post(f"/delete/medications/{med.json()['id']}", data={"csrf": token})
    assert done.status_code == 303 and done.headers["location"] == "/medications"
    assert _json(cli, "med", "list") == []
    done = web.post(f"/delete/regimen-entries/{entry.json()['id']}", data={"csrf": token})
    assert done.status_code == 303 and _json(cli, "regimen", "list") == []
    assert web.get(f"/delete/medications/{med.json()['id']}").status_code == 404
    assert web.get("/delete/spaceships/1").status_code == 404
    # the API asks too: 409 with confirm, then deletes
    lab_id = lab.json()["id"]
    asked = web.delete(f"/api/records/labs/{lab_id}")
    assert asked.status_code == 409 and asked.json()["confirm"] is True
    ok = web.delete(f"/api/records/labs/{lab_id}", params={"confirm": True})
    assert ok.status_code == 200 and ok.json() == {"deleted": "lab", "id": lab_id}
    assert _json(cli, "lab", "list") == []
    assert web.delete(f"/api/records/labs/{lab_id}?confirm=true").status_code == 404


def test_nutrition_page_shows_the_clis_totals(web: TestClient, cli: CLI) -> None:
    web.post(
        "/api/regimen",
        json={"item": "magnesium", "dose": 250, "unit": "mg", "times": ["morning", "bedtime"]},
    )
    totals = _json(cli, "nutrition")
    assert web.get("/api/nutrition").json() == totals
    page = web.get("/nutrition")
    assert page.status_code == 200
    assert totals["nutrients"]["magnesium"]["over_upper_limit"] is True
    assert "Over the upper limit on 2026-03-05: magnesium." in page.text
    row = re.search(r"<th scope=\"row\">magnesium</th>(.*?)</tr>", page.text, re.S)
    assert row and "<td>500</td>" in row.group(1) and "over the limit" in row.group(1)
    assert web.get("/nutrition?date=2031-01-01").status_code == 422


def test_devices_are_managed_from_this_computer_only(tracker: Tracker, cli: CLI) -> None:
    code = tracker.devices.new_pairing_code()
    device, token = tracker.devices.pair(code, "bedside phone")
    with client_for(tracker, REMOTE) as phone:
        phone.cookies.set("cw_device", token)
        assert phone.get("/").status_code == 200  # paired: the diary opens
        page = phone.get("/devices")
        assert page.status_code == 403 and "only on the computer" in page.text
        assert "bedside phone" not in page.text
        assert phone.get("/api/devices").status_code == 403
        assert phone.post(f"/api/devices/{device.id}/revoke").status_code == 403
        assert phone.post("/api/devices/pairing-code").status_code == 403
    with client_for(tracker, LOCAL) as laptop:
        page = laptop.get("/devices")
        assert page.status_code == 200 and "bedside phone" in page.text
        assert laptop.get("/api/devices").json() == _json(cli, "devices", "list")
        csrf = csrf_of(laptop, "/devices")
        fresh = laptop.post("/devices/pair", data={"csrf": csrf})
        found = re.search(r'id="pairing-code">([A-Z0-9]{5})-([A-Z0-9]{5})<', fresh.text)
        assert found, fresh.text
        newer, _ = tracker.devices.pair(found.group(1) + found.group(2), "tablet")
        revoked = laptop.post(f"/devices/{device.id}/revoke", data={"csrf": csrf})
        assert revoked.status_code == 303
        listed = {d["name"]: d["active"] for d in _json(cli, "devices", "list")}
        assert listed == {"bedside phone": False, "tablet": True}
        api = laptop.post(f"/api/devices/{newer.id}/revoke")
        assert api.status_code == 200 and api.json()["revoked_at"]
        assert laptop.post("/api/devices/999/revoke").status_code == 404
        code_api = laptop.post("/api/devices/pairing-code")
        assert code_api.status_code == 201 and len(code_api.json()["code"]) == 10
    with client_for(tracker, REMOTE) as phone:
        phone.cookies.set("cw_device", token)
        assert phone.get("/").status_code == 401  # revoked from the laptop's page
