"""Render the doctor report: HTML with Jinja2, PDF with WeasyPrint, all offline.

The PDF renderer may open only ``data:`` URLs and the files of this package (its fonts):
:class:`PackageFetcher` refuses everything else, so a report can never reach the network
or read another file on the machine, whatever ended up in the diary. The HTML file is
self-contained (styles and charts inline; fonts named, not linked).
"""

from __future__ import annotations

import contextlib
import os
import re
from base64 import b64encode
from dataclasses import replace
from functools import cache
from importlib.resources import files
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import Environment, FileSystemLoader, select_autoescape
from jinja2.bccache import Bucket, FileSystemBytecodeCache
from markupsafe import Markup

from crampwise.errors import CrampwiseError
from crampwise.reports.charts import palette_css
from crampwise.reports.context import ReportContext
from crampwise.reports.weasy import import_weasyprint

__all__ = ["PACKAGE_DIR", "PackageFetcher", "render_html", "render_pdf"]

PACKAGE_DIR = Path(str(files("crampwise.reports"))).resolve()


class _TemplateCache(FileSystemBytecodeCache):
    """The report's template compiled once and kept in the user's cache (Jinja2's own
    bytecode cache, checked against the template's text): compiling it is ~50 ms of
    every cold report. Keyed also by Jinja2's version and this environment's options,
    which change the code but not the text; a cache that cannot be read or written
    only means compiling again."""

    def __init__(self) -> None:
        from crampwise.reports.ffi_cache import cache_dir

        super().__init__(os.path.join(cache_dir(), "templates"))

    def get_cache_key(self, name: str, filename: str | None = None) -> str:
        return super().get_cache_key(f"{name}|jinja2 {jinja2.__version__}|{_OPTIONS}", filename)

    def load_bytecode(self, bucket: Bucket) -> None:
        try:
            super().load_bytecode(bucket)
        except Exception:  # a damaged entry (pickle, marshal): compile as if none
            bucket.reset()

    def dump_bytecode(self, bucket: Bucket) -> None:
        with contextlib.suppress(OSError):
            os.makedirs(self.directory, exist_ok=True)
            super().dump_bytecode(bucket)


_OPTIONS = "autoescape html, trim_blocks, lstrip_blocks"


@cache
def _env() -> Environment:
    return Environment(
        loader=FileSystemLoader(str(PACKAGE_DIR / "templates")),
        autoescape=select_autoescape(["html"]),
        trim_blocks=True,
        lstrip_blocks=True,
        bytecode_cache=_TemplateCache(),
    )


def render_html(context: ReportContext, *, for_pdf: bool = False) -> str:
    """The report as one HTML document. ``for_pdf`` links the shipped fonts (which the
    PDF embeds) and gives the charts as images (see :func:`_chart_image`); the standalone
    HTML file names the fonts only, so it links nothing, and draws its charts inline."""
    # our own stylesheets, shipped in the package: inserted as they are, not escaped
    styles = Markup((PACKAGE_DIR / "report.css").read_text(encoding="utf-8"))
    template = _env().get_template("report.html")
    if for_pdf:
        charts = context.charts
        context = replace(
            context,
            charts=replace(
                charts, **{name: _chart_image(getattr(charts, name)) for name in _CHARTS}
            ),
        )
    return template.render(
        page=context, styles=styles, charts_css=Markup(palette_css()), for_pdf=for_pdf
    )


_CHARTS = ("rates", "timeline", "nights", "severity", "bodymap_front", "bodymap_back")


def _chart_image(chart: Markup) -> Markup:
    """An inline SVG chart as an ``<img>`` of the same SVG (a ``data:`` URL), without its
    ``<title>`` tooltips. The PDF draws it alike (pixel for pixel), but the renderer no
    longer cascades the page's styles over each of its hundreds of shapes: about a tenth
    of the PDF's time. The chart carries its own ``<style>`` (:func:`charts.styled`)."""
    svg = str(chart)
    if not svg.startswith("<svg"):
        return chart
    head = svg[: svg.index(">")]
    cls = re.search(r'class="([^"]*)"', head)
    label = re.search(r'aria-label="([^"]*)"', head)
    data = b64encode(re.sub(r"<title>[^<]*</title>", "", svg).encode()).decode("ascii")
    # the attributes come from our own markup, already escaped
    return Markup(
        f'<img class="{cls.group(1) if cls else "chart"}" '
        f'alt="{label.group(1) if label else ""}" src="data:image/svg+xml;base64,{data}">'
    )


def _weasyprint() -> Any:
    """WeasyPrint, or a clear error when it or its system libraries are missing."""
    try:
        weasyprint = import_weasyprint()
    except (ImportError, OSError) as exc:  # OSError: Pango/HarfBuzz could not be loaded
        raise CrampwiseError(
            "the PDF report needs WeasyPrint and its system libraries (Pango, HarfBuzz, "
            "fontconfig; on Debian or Ubuntu: apt-get install libpango-1.0-0 "
            f"libpangoft2-1.0-0); the HTML report works without them ({exc})"
        ) from None
    return weasyprint


def _fetcher_class() -> type:
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class Fetcher(URLFetcher):  # type: ignore[misc]
        """``data:`` URLs and files inside the crampwise.reports package; nothing else."""

        def __init__(self) -> None:
            super().__init__(allowed_protocols={"data"}, allow_redirects=False)
            self.refused: list[str] = []

        def fetch(self, url: str, headers: Any = None) -> Any:
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = _package_file(url)
            if path is None:
                self.refused.append(url)
                raise ValueError(f"the report may not load {url!r}")
            return URLFetcherResponse(path.as_uri(), path.read_bytes(), status=200)

    return Fetcher


def PackageFetcher() -> Any:  # noqa: N802 - a factory standing for the class
    """A WeasyPrint URL fetcher that allows only ``data:`` and this package's files;
    refused URLs are listed in its ``refused`` attribute."""
    return _fetcher_class()()


def _package_file(url: str) -> Path | None:
    """The file a ``file:`` URL names if it lies inside this package, else None."""
    from urllib.parse import unquote, urlsplit

    parts = urlsplit(url)
    if parts.scheme != "file" or parts.netloc not in ("", "localhost"):
        return None
    path = Path(unquote(parts.path)).resolve()
    if not path.is_file() or not path.is_relative_to(PACKAGE_DIR):
        return None
    return path


def render_pdf(context: ReportContext) -> tuple[bytes, int]:
    """The report as PDF bytes (A4), and its number of pages."""
    weasyprint = _weasyprint()
    html = weasyprint.HTML(
        string=render_html(context, for_pdf=True),
        base_url=PACKAGE_DIR.as_uri() + "/",
        url_fetcher=PackageFetcher(),
    )
    document = html.render()
    pdf: bytes = document.write_pdf()
    return pdf, len(document.pages)
