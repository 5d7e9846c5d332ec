"""The doctor report, as people make it: ``crampwise report --pdf/--html`` on both
backends, read back with poppler (pdftotext, pdfinfo, pdftoppm) the way a clinician's
PDF viewer would, and the web app's download.

Reference values: the overall weekly rate's interval is checked against scipy's Gamma
quantiles (posterior Gamma(0.5 + S/φ, n/φ), docs/analysis.md), and each period's rate
against ``crampwise analyze --json`` of the same diary, printed as the report prints it.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest
from scipy import stats

from crampwise.reports import charts
from crampwise.reports.render import PACKAGE_DIR, PackageFetcher
from crampwise.tracker import Tracker
from tests import report_diary
from tests.web_helpers import client_for

CLI = Callable[..., tuple[int, str, str]]


def _tool(name: str) -> str:
    found = shutil.which(name)
    assert found, f"{name} is missing: scripts/test.sh installs poppler-utils"
    return found


def pdf_text(path: Path) -> str:
    """The PDF's text as pdftotext reads it (in drawing order, so a table cell's lines
    stay together), whitespace made single spaces."""
    out = subprocess.run(
        [_tool("pdftotext"), "-raw", str(path), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    return " ".join(out.split())


def pdf_pages(path: Path) -> int:
    out = subprocess.run(
        [_tool("pdfinfo"), str(path)], capture_output=True, text=True, check=True
    ).stdout
    found = re.search(r"^Pages:\s+(\d+)", out, re.M)
    assert found, out
    return int(found.group(1))


def page_pixels(path: Path, tmp: Path) -> tuple[int, int, bytes]:
    """Page 1 rendered by pdftoppm (PNG kept beside it, RGB pixels returned)."""
    subprocess.run(
        [_tool("pdftoppm"), "-r", "40", "-f", "1", "-l", "1", "-png", str(path), str(tmp / "p")],
        check=True,
    )
    assert (tmp / "p-1.png").stat().st_size > 5000
    subprocess.run(
        [_tool("pdftoppm"), "-r", "40", "-f", "1", "-l", "1", str(path), str(tmp / "raw")],
        check=True,
    )
    data = (tmp / "raw-1.ppm").read_bytes()
    header = re.match(rb"P6\s+(\d+)\s+(\d+)\s+255\s", data)
    assert header, data[:20]
    width, height = int(header.group(1)), int(header.group(2))
    return width, height, data[header.end() :]


def near(pixels: bytes, rgb: tuple[int, int, int], tolerance: int = 40) -> int:
    """How many pixels are within ``tolerance`` of a colour (per channel)."""
    r0, g0, b0 = rgb
    return sum(
        1
        for i in range(0, len(pixels) - 2, 3)
        if abs(pixels[i] - r0) <= tolerance
        and abs(pixels[i + 1] - g0) <= tolerance
        and abs(pixels[i + 2] - b0) <= tolerance
    )


def _rate(estimate: float, low: float, high: float) -> str:
    return f"{estimate:.2f} ({low:.2f}–{high:.2f})"


@pytest.fixture
def year(cli: CLI, tmp_path: Path) -> Path:
    """The one-year diary imported into the test database (through the CLI)."""
    source = tmp_path / "year.json"
    source.write_text(json.dumps(report_diary.one_year_document()))
    code, _, err = cli("import", str(source), now=report_diary.NOW)
    assert code == 0, err
    return tmp_path


def test_the_pdf_of_a_one_year_diary(cli: CLI, year: Path) -> None:
    """Two pages with the code, the rates and their intervals, the flagged medicines with
    Garrison's numbers, the high potassium, the red flag and the not-advice line; page 1
    draws its charts."""
    pdf, html = year / "report.pdf", year / "report.html"
    code, out, err = cli(
        "report", "--pdf", str(pdf), "--html", str(html), "--json", now=report_diary.NOW
    )
    assert code == 0, err
    summary = json.loads(out)
    assert summary["pages"] == 2 == pdf_pages(pdf)
    assert (summary["start"], summary["end"]) == ("2024-11-01", report_diary.LAST_NIGHT)
    text = pdf_text(pdf)
    assert "ICD-10-CM G47.62 Sleep related leg cramps" in text
    assert "age 67 (born 1958), female" in text

    nights = json.loads(cli("nights", "--json", now=report_diary.NOW)[1])
    observed = [n for n in nights if n["observed"]]
    cramps = sum(n["cramps"] for n in observed)
    missing = len(nights) - len(observed)
    assert f"{len(observed)} observed" in text and f"{missing} missing" in text
    assert (summary["nights_observed"], summary["nights_missing"]) == (len(observed), missing)

    analysis = json.loads(cli("analyze", "--json", now=report_diary.NOW)[1])
    for period in analysis["periods"]:
        r = period["rate_per_week"]
        assert _rate(r["estimate"], r["low"], r["high"]) in text, period
    # the whole year's rate: the Gamma posterior of docs/analysis.md, computed by scipy
    phi = max(1.0, analysis["dispersion"] or 1.0)
    post = stats.gamma(0.5 + cramps / phi, scale=phi / len(observed))
    overall = _rate(*(7 * post.ppf(q) for q in (0.5, 0.025, 0.975)))
    assert f"overall {overall} per week" in text

    # cramp-associated medicines flagged, with Garrison 2012's sequence ratios
    assert "FLAGGED: cramp-associated. hydrochlorothiazide" in text
    assert "adjusted sequence ratio 1.48 (95% CI 1.29-1.68)" in text
    assert "FLAGGED: cramp-associated. atorvastatin (statin)" in text
    assert "adjusted sequence ratio 1.16 (95% CI 1.04-1.29)" in text
    assert "Garrison SR" in text
    assert text.count("FLAGGED") == 2  # lisinopril (a lay article only) is not flagged
    assert "lisinopril" in text and "not flagged: only a weak link" in text

    assert "potassium 2025-10-20 5.4 mmol/L HIGH 3.5–5.1 mmol/L (lab's range)" in text
    assert "YES (2025-10-25): Is a leg swollen?" in text
    # the safety check as of the last night, as ``crampwise safety`` words it then
    safety = text.split("Safety check of the current regimen and medicines")[1]
    safety = safety.split("What the diary says")[0]
    findings = json.loads(cli("safety", "--json", now=report_diary.NOW)[1])["findings"]
    shown = [f for f in findings if f["code"] != "cramp-associated-drug"]
    assert shown
    for f in shown:
        assert f"{f['severity'].upper()} {f['message'][:60]}" in safety, f
    for verdict in analysis["effects"]:
        assert verdict["item"] in text
    assert "cannot tell yet before/after (uncontrolled)" in text
    assert "randomized N-of-1 trial" in text
    assert "Not medical advice." in text and "It is not medical advice" in text

    width, height, pixels = page_pixels(pdf, year)
    assert (width, height) == (331, 468)  # A4 at 40 dpi
    assert near(pixels, (11, 79, 168)) > 60  # the regimen bars (charts.css --link)
    assert near(pixels, (138, 60, 0)) > 30  # the rate estimates (--accent)
    assert near(pixels, (63, 154, 114)) > 30  # the cramp-free nights (--free)

    page = html.read_text(encoding="utf-8")
    assert "G47.62" in page and page.count("<svg") == 6
    assert not re.search(r"(src|href)=|url\(|<link", page)  # one file, nothing linked


def test_an_empty_diary_gets_a_short_report(cli: CLI, tmp_path: Path) -> None:
    pdf = tmp_path / "empty.pdf"
    code, out, err = cli("report", "--pdf", str(pdf))
    assert code == 0, err
    assert "no nights for it yet" in out
    assert pdf_pages(pdf) == 1
    text = pdf_text(pdf)
    assert "No data yet" in text and "no night has been checked in" in text
    assert "G47.62" in text and "Not medical advice." in text
    assert "FLAGGED" not in text and "Rate per period" not in text


def test_a_span_of_nights(cli: CLI, year: Path) -> None:
    """--from/--to: the nights, rates and regimen of that span only."""
    pdf = year / "summer.pdf"
    code, out, err = cli(
        "report",
        "--from",
        "2025-06-01",
        "--to",
        "2025-09-30",
        "--pdf",
        str(pdf),
        "--json",
        now=report_diary.NOW,
    )
    assert code == 0, err
    summary = json.loads(out)
    nights = json.loads(cli("nights", "--json", now=report_diary.NOW)[1])
    inside = [n for n in nights if "2025-06-01" <= n["date"] <= "2025-09-30"]
    assert summary["nights_observed"] == sum(1 for n in inside if n["observed"])
    assert summary["nights_missing"] == sum(1 for n in inside if not n["observed"])
    text = pdf_text(pdf)
    assert "nights 2025-06-01 to 2025-09-30" in text
    assert "2025-06-01 – 2025-09-30 magnesium, potassium" in text
    assert "calcium" not in text.split("Supplements and routines")[1].split("Lab results")[0]


def test_a_finished_randomized_trial_is_in_the_report(cli: CLI, tmp_path: Path) -> None:
    """The demo's calcium trial: its verdict, each condition's rate (as ``experiment
    result --json`` gives them) and the rule fixed before the start, on two pages."""
    from tests.conftest import AFTER_DEMO

    assert cli("demo", "--yes", "--trial", now=AFTER_DEMO)[0] == 0
    result = json.loads(cli("experiment", "result", "--json", now=AFTER_DEMO)[1])
    pdf = tmp_path / "trial.pdf"
    code, out, err = cli("report", "--pdf", str(pdf), "--json", now=AFTER_DEMO)
    assert code == 0, err
    assert json.loads(out)["pages"] == 2 == pdf_pages(pdf)
    text = pdf_text(pdf)
    section = text.split("Randomized N-of-1 experiments")[1].split("Red-flag questions")[0]
    section = section.replace("– ", "–")  # a line may break after an interval's dash
    assert result["verdict"] == "no-meaningful-benefit"
    assert "calcium finished, 2025-12-27 to 2026-11-27 no meaningful benefit" in section
    assert result["summary"] in section
    for key, c in result["conditions"].items():
        r = c["rate_per_week"]
        rate = _rate(r["estimate"], r["low"], r["high"])
        assert f"{key} ({c['label']}): {c['cramps']} cramps on {c['nights']} nights, " in section
        assert f"{rate} per week" in section
    assert f"{result['washout_nights_excluded']} washout nights not counted" in section
    assert "8 periods of 42 nights (ABBAABBA)" in section
    assert "fixed before the start" in section


def test_a_running_trial_without_interim_looks_shows_no_numbers(cli: CLI, tmp_path: Path) -> None:
    """Looking early would break the plan: the report says when the answer comes."""
    code, _, err = cli(
        "experiment", "start", "--item", "magnesium", "--dose", "200mg",
        "--baseline-per-week", "2", "--dispersion", "1", "--seed", "7", "--anyway",
    )  # fmt: skip
    assert code == 0, err
    pdf = tmp_path / "running.pdf"
    assert cli("report", "--pdf", str(pdf))[0] == 0
    section = pdf_text(pdf).split("Randomized N-of-1 experiments")[1]
    assert "magnesium planned, from 2026-03-06 not yet" in section
    assert "The plan allows no look before its last night." in section
    assert "rate ratio" not in section.split("Not medical advice")[0]


def test_a_trial_stopped_before_any_comparison_says_so(cli: CLI, tmp_path: Path) -> None:
    """A trial stopped before its first pair of periods ended has no result: the report
    says it was stopped before a comparison was possible, not that one is coming."""
    code, _, err = cli(
        "experiment", "start", "--item", "magnesium", "--dose", "200mg", "--start", "2026-03-01",
        "--baseline-per-week", "2", "--dispersion", "1", "--seed", "7", "--anyway",
    )  # fmt: skip
    assert code == 0, err
    assert cli("experiment", "stop")[0] == 0
    assert cli("experiment", "result")[0] != 0  # no pair of periods is over
    html = tmp_path / "stopped.html"
    assert cli("report", "--html", str(html))[0] == 0
    text = " ".join(re.sub(r"<[^>]+>", " ", html.read_text()).split())
    section = text.split("Randomized N-of-1 experiments")[1].split("Red-flag questions")[0]
    assert "magnesium stopped early, 2026-03-01 to 2026-03-04 none" in section
    assert "Stopped before any comparison was possible." in section
    assert "not yet" not in section


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ((), "--pdf: give a file to write the report to (PDF or HTML)"),
        (("--pdf", "{tmp}/missing/r.pdf"), "--pdf: the folder"),
        (("--html", "{tmp}"), "--html: '{tmp}' is a folder; give a file name"),
        (("--pdf", "{tmp}/r.pdf", "--from", "2030-01-01"), "--from: 2030-01-01 is in the future"),
        (
            ("--pdf", "{tmp}/r.pdf", "--from", "2026-02-01", "--to", "2026-01-01"),
            "--to: 2026-01-01 is before 2026-02-01",
        ),
        (("--pdf", "{tmp}/r.pdf", "--to", "someday"), "--to: 'someday' is not a date"),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(
    cli: CLI, tmp_path: Path, args: tuple[str, ...], message: str
) -> None:
    code, out, err = cli("report", *(a.format(tmp=tmp_path) for a in args))
    assert code != 0 and out == ""
    assert err.startswith("crampwise: error: ") and message.format(tmp=tmp_path) in err
    assert err.count("\n") == 1
    assert not (tmp_path / "r.pdf").exists()
    assert not list(tmp_path.glob(".crampwise-*"))


def test_an_existing_file_is_replaced_only_with_yes(cli: CLI, tmp_path: Path) -> None:
    target = tmp_path / "r.html"
    target.write_text("keep me")
    code, _, err = cli("report", "--html", str(target))
    assert code == 1 and "--yes" in err
    assert target.read_text() == "keep me"
    code, _, err = cli("report", "--html", str(target), "--yes")
    assert code == 0, err
    assert "No data yet" in target.read_text()


def test_without_weasyprint_the_pdf_says_why_and_html_still_works(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A machine without Pango/HarfBuzz: one clear line, not a traceback."""
    import sys

    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import now raises ImportError
    code, _, err = cli("report", "--pdf", str(tmp_path / "r.pdf"))
    assert code == 1
    assert "the PDF report needs WeasyPrint and its system libraries" in err
    assert "HTML report works without them" in err and err.count("\n") == 1
    assert not (tmp_path / "r.pdf").exists()
    code, _, err = cli("report", "--html", str(tmp_path / "r.html"))
    assert code == 0, err


def test_the_renderer_fetches_only_data_and_its_own_files(tmp_path: Path) -> None:
    """No network and no other file of the machine, whatever the HTML asks for."""
    import weasyprint

    font = PACKAGE_DIR / "fonts" / "DejaVuSansCondensed.ttf"
    fetcher = PackageFetcher()
    assert fetcher.fetch(font.as_uri()).read()[:4] == b"\x00\x01\x00\x00"  # TrueType
    assert fetcher.fetch("data:text/plain,hello").read() == b"hello"
    secret = tmp_path / "secret.txt"
    secret.write_text("private")
    for url in (
        "http://127.0.0.1:9/x.png",
        "https://example.org/x.css",
        secret.as_uri(),
        (PACKAGE_DIR / ".." / "tracker.py").as_uri(),  # outside the package, by ..
        "ftp://127.0.0.1/x",
    ):
        with pytest.raises(ValueError, match="may not load"):
            fetcher.fetch(url)
    page = (
        '<img src="http://127.0.0.1:9/x.png"><img src="file:///etc/hostname">'
        '<link rel="stylesheet" href="https://example.org/a.css"><p>text</p>'
    )
    fetcher = PackageFetcher()
    pdf = weasyprint.HTML(string=page, url_fetcher=fetcher).write_pdf()
    assert pdf.startswith(b"%PDF")
    assert set(fetcher.refused) == {
        "http://127.0.0.1:9/x.png",
        "file:///etc/hostname",
        "https://example.org/a.css",
    }


def test_the_web_app_offers_the_report(demo_tracker: Tracker, tmp_path: Path) -> None:
    from crampwise.demo import demo_document

    with client_for(demo_tracker) as web:
        assert 'href="/report.pdf"' in web.get("/more").text
        assert web.get("/dashboard").text.count('href="/report.pdf"') == 0  # empty diary
        demo_tracker.import_diary(demo_document())
        assert 'href="/report.pdf" download' in web.get("/dashboard").text
        r = web.get("/report.pdf")
        assert r.status_code == 200
        assert r.headers["content-type"] == "application/pdf"
        assert r.headers["content-disposition"] == (
            'attachment; filename="crampwise-report-2026-11-28.pdf"'
        )
        (tmp_path / "web.pdf").write_bytes(r.content)
        text = pdf_text(tmp_path / "web.pdf")
        assert "G47.62" in text and "nights 2024-11-01 to 2026-10-31" in text
        assert pdf_pages(tmp_path / "web.pdf") == 2
        r = web.get("/report.pdf?start=2025-10-01&end=2025-12-31")
        (tmp_path / "q.pdf").write_bytes(r.content)
        assert "nights 2025-10-01 to 2025-12-31" in pdf_text(tmp_path / "q.pdf")
        bad = web.get("/report.pdf?start=2099-01-01")
        assert bad.status_code == 422 and "text/html" in bad.headers["content-type"]


# -- the charts the report adds to the shared module ----------------------------------------
def test_nights_chart_draws_every_night_once() -> None:
    from crampwise.diary import NightStatus

    statuses = [
        NightStatus("2025-01-01", True, 0),
        NightStatus("2025-01-02", True, 2),
        NightStatus("2025-01-03", False, None),
        NightStatus("2025-01-04", False, None),
        NightStatus("2025-01-05", True, 5),
        NightStatus("2025-01-06", True, 0),
        NightStatus("2025-01-07", True, 0),
    ]
    svg = str(charts.nights_svg(statuses, "2025-01-01", "2025-01-07"))
    assert re.findall(r'class="cramp (c\d)"', svg) == ["c2", "c3"]  # 5 cramps: 3+
    assert "2025-01-03: 2 nights missing (not counted)" in svg
    assert "2025-01-06: 2 nights without cramps" in svg
    assert "2 with cramps, 3 without, 2 missing" in svg


def test_styled_charts_carry_their_own_colours() -> None:
    """The PDF draws an SVG with its own style only: the rules it uses, no variables."""
    svg = str(
        charts.styled(
            charts.rates_svg([("2025-01-01", "2025-01-31", 1, 0.5, 2)], "2025-01-01", "2025-01-31")
        )
    )
    style = svg.split("<style>")[1].split("</style>", maxsplit=1)[0]
    assert ".rates .band { fill: rgba(138, 60, 0, .18); }" in style
    assert "var(" not in style and ".bodymap" not in style
    assert svg.index("<style>") < svg.index("<title>")


def test_regimen_items_started_the_same_day_keep_one_order() -> None:
    """Rows by first start, then name: the report is the same in every run (it followed
    set order, which changes with Python's hash seed)."""
    items = [
        ("magnesium", "2025-01-01", None),
        ("stretching", "2025-03-01", None),
        ("calcium", "2025-03-01", "2025-04-01"),
        ("calcium", "2025-05-01", None),
        ("bedtime-snack", "2025-03-01", None),
    ]
    drawn = [
        re.findall(r'class="axis item"[^>]*>([^<]+)<', str(charts.timeline_svg(order, *span)))
        for order, span in (
            (items, ("2025-01-01", "2025-06-01")),
            (items[::-1], ("2025-01-01", "2025-06-01")),
        )
    ]
    assert drawn[0] == drawn[1] == ["magnesium", "bedtime-snack", "calcium", "stretching"]


def test_the_pdf_gets_the_charts_as_images_of_the_same_svg(year: Path, db_url: str) -> None:
    """The PDF's page takes each chart as an ``<img>`` of the very SVG the HTML file
    draws inline (its tooltips left out; a PDF cannot show them); besides the linked
    fonts, nothing else differs."""
    import base64

    from crampwise.reports.render import render_html

    with Tracker(db_url, clock=lambda: report_diary.NOW) as tracker:
        context = tracker.report()
    inline, for_pdf = render_html(context), render_html(context, for_pdf=True)
    svgs = re.findall(r"<svg.*?</svg>", inline, flags=re.S)
    found = r'<img class="([^"]*)" alt="([^"]*)" src="data:image/svg\+xml;base64,([^"]+)">'
    images = re.findall(found, for_pdf)
    assert len(svgs) == len(images) == 6 and "<svg" not in for_pdf
    back = for_pdf
    for svg, (cls, alt, data) in zip(svgs, images, strict=True):
        assert f'<svg class="{cls}"' in svg and f'aria-label="{alt}"' in svg
        assert base64.b64decode(data).decode() == re.sub(r"<title>[^<]*</title>", "", svg)
        back = re.sub(found, lambda _, svg=svg: svg, back, count=1)
    fonts = re.findall(r"@font-face[^}]*\}\n", back)
    assert len(fonts) == 2 and "".join(fonts) in back
    assert back.replace("".join(fonts), "") == inline
