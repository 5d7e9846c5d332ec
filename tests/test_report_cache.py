"""What keeps a cold report quick without changing it: the report's template, compiled
once and kept in the user's cache (``reports.render._TemplateCache``; the same HTML from
the cache as from compiling, and compiling again whenever the entry is missing, damaged
or cannot be written), and the garbage collector paused while the command works.

Each "process" is a fresh Jinja2 environment (``_env`` is cached per process).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path

import jinja2
import pytest
from jinja2.bccache import bc_magic

from crampwise.reports import render
from crampwise.reports.context import ReportContext
from crampwise.tracker import Tracker
from tests import report_diary

CLI = Callable[..., tuple[int, str, str]]


@pytest.fixture
def context(cli: CLI, tmp_path: Path, db_url: str) -> ReportContext:
    """The one-year diary's report content (imported through the CLI)."""
    source = tmp_path / "year.json"
    source.write_text(json.dumps(report_diary.one_year_document()))
    code, _, err = cli("import", str(source), now=report_diary.NOW)
    assert code == 0, err
    with Tracker(db_url, clock=lambda: report_diary.NOW) as tracker:
        return tracker.report()


@pytest.fixture
def compiles(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The names of the templates Jinja2 compiles from their text (a cache miss)."""
    seen: list[str] = []
    real = jinja2.Environment.compile

    def watch(
        self: jinja2.Environment, source: object, name: str | None = None, *a: object, **k: object
    ) -> object:
        seen.append(str(name))
        return real(self, source, name, *a, **k)  # type: ignore[arg-type]

    monkeypatch.setattr(jinja2.Environment, "compile", watch)
    render._env.cache_clear()
    yield seen
    render._env.cache_clear()


def _fresh(context: ReportContext, pdf: bool = False) -> str:
    render._env.cache_clear()  # as a new process would
    return render.render_html(context, for_pdf=pdf)


def test_the_template_is_compiled_once_and_read_back_alike(
    context: ReportContext, compiles: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    first, first_pdf = _fresh(context), render.render_html(context, for_pdf=True)
    assert compiles == ["report.html"]
    entries = list((tmp_path / "cache" / "crampwise" / "templates").iterdir())
    assert len(entries) == 1
    second, second_pdf = _fresh(context), render.render_html(context, for_pdf=True)
    assert compiles == ["report.html"]  # not compiled again
    assert second == first and second_pdf == first_pdf
    assert "Night-time leg cramps: diary report" in second and "G47.62" in second
    # a damaged entry: compiled again, the same page, and a good entry in its place
    entries[0].write_bytes(b"j2 not a cache entry")
    assert _fresh(context) == first and compiles == ["report.html"] * 2
    entries[0].write_bytes(bc_magic + b"\x00 not pickle")  # Jinja2's header, then junk
    assert _fresh(context) == first and compiles == ["report.html"] * 3
    assert _fresh(context) == first and compiles == ["report.html"] * 3


def test_an_unwritable_cache_only_means_compiling(
    context: ReportContext, compiles: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    blocker = tmp_path / "cache"
    blocker.write_text("a file where the cache directory would be")
    monkeypatch.setenv("XDG_CACHE_HOME", str(blocker))
    pages = {_fresh(context) for _ in range(2)}
    assert len(pages) == 1 and compiles == ["report.html"] * 2


def test_the_report_command_pauses_the_collector_and_leaves_it_as_found(
    cli: CLI, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import gc

    from crampwise.tracker import Tracker as TrackerClass

    seen: list[bool] = []
    real = TrackerClass.write_report

    def watch(self: Tracker, *args: object, **kwargs: object) -> object:
        seen.append(gc.isenabled())
        return real(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(TrackerClass, "write_report", watch)
    assert gc.isenabled()
    code, out, err = cli("report", "--html", str(tmp_path / "r.html"))
    assert code == 0, err
    assert seen == [False] and gc.isenabled()
    assert out.startswith("Wrote the doctor report: ")
    gc.disable()
    try:
        code, _, err = cli("report", "--html", str(tmp_path / "r.html"), "--yes")
        assert code == 0, err
        assert not gc.isenabled()  # not switched on by the command
    finally:
        gc.enable()
