"""Charts as SVG, drawn in Python: the web dashboard's and the doctor report's (no
JavaScript library, no CDN, no font files).

Each function returns markup (``markupsafe.Markup``) with its text escaped; colours come
from CSS classes in one stylesheet, ``charts.css`` beside this module, so the dashboard
and the report look alike. The web app links that stylesheet (its themes set the colour
variables; the CSP allows no inline styles); the PDF renderer does not apply a page's CSS
inside an SVG, so the report embeds the same rules in each chart with :func:`styled`.
Every chart has a ``<title>`` and an ``aria-label`` with what it shows in words; the
pages put the numbers in text too.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from functools import cache
from importlib.resources import files

from markupsafe import Markup, escape

from crampwise.diary import NightStatus

__all__ = [
    "BODY_REGIONS",
    "Band",
    "bodymap_svg",
    "calendar_svg",
    "chart_css",
    "nights_svg",
    "palette_css",
    "rates_svg",
    "side_muscle_counts",
    "styled",
    "timeline_svg",
    "trend_svg",
]

Band = tuple[str, str, float | None, float | None, float | None]  # start, end, est, low, high


def _e(text: object) -> str:
    return str(escape(str(text)))


def _svg(width: float, height: float, label: str, body: Iterable[str], cls: str) -> Markup:
    inner = "".join(body)
    return Markup(
        f'<svg class="chart {cls}" viewBox="0 0 {width:g} {height:g}" role="img" '
        f'aria-label="{_e(label)}" xmlns="http://www.w3.org/2000/svg">'
        f"<title>{_e(label)}</title>{inner}</svg>"
    )


# -- nights calendar ----------------------------------------------------------------------
def calendar_svg(statuses: Sequence[NightStatus], label: str = "") -> Markup:
    """One row per month, one cell per night: cramp-free, cramps (darker = more) or
    missing (hatched). Cells carry ``data-date`` and ``data-cramps`` for scripts/tests."""
    if not statuses:
        return _svg(
            320,
            30,
            "No nights recorded yet",
            ['<text x="4" y="20">No nights yet</text>'],
            "calendar",
        )
    by_month: dict[str, list[NightStatus]] = {}
    for s in statuses:
        by_month.setdefault(s.date[:7], []).append(s)
    cell, gap, left, top = 10, 2, 52, 14
    rows = []
    for i, (month, nights) in enumerate(sorted(by_month.items())):
        y = top + i * (cell + gap)
        name = dt.date.fromisoformat(month + "-01").strftime("%b %Y")
        rows.append(f'<text class="axis" x="0" y="{y + cell - 1}">{_e(name)}</text>')
        for s in nights:
            day = int(s.date[8:])
            x = left + (day - 1) * (cell + gap)
            if not s.observed:
                kind, words = "missing", "missing (not counted)"
            elif not s.cramps:
                kind, words = "free", "no cramps"
            else:
                kind = f"cramp c{min(s.cramps, 3)}"
                words = f"{s.cramps} cramp{'s' if s.cramps != 1 else ''}"
            cramps = "" if s.cramps is None else str(s.cramps)
            rows.append(
                f'<rect class="night {kind}" x="{x}" y="{y}" width="{cell}" height="{cell}" '
                f'rx="2" data-date="{s.date}" data-cramps="{cramps}">'
                f"<title>{s.date}: {_e(words)}</title></rect>"
            )
    head = "".join(
        f'<text class="axis" x="{left + (d - 1) * (cell + gap)}" y="9">{d}</text>'
        for d in (1, 10, 20, 31)
    )
    height = top + len(by_month) * (cell + gap) + 2
    width = left + 31 * (cell + gap)
    text = label or (
        f"Nights from {statuses[0].date} to {statuses[-1].date}: "
        f"{sum(1 for s in statuses if s.observed and s.cramps)} with cramps, "
        f"{sum(1 for s in statuses if s.observed and not s.cramps)} cramp-free, "
        f"{sum(1 for s in statuses if not s.observed)} missing"
    )
    return _svg(width, height, text, [head, *rows], "calendar")


# -- a shared time axis for rates and the regimen timeline ---------------------------------
class _Axis:
    def __init__(self, first: str, last: str, x0: float, x1: float) -> None:
        self.first = dt.date.fromisoformat(first)
        self.days = max(1, (dt.date.fromisoformat(last) - self.first).days + 1)
        self.x0, self.x1 = x0, x1

    def x(self, day: str) -> float:
        offset = (dt.date.fromisoformat(day) - self.first).days
        offset = min(max(offset, 0), self.days)
        return round(self.x0 + (self.x1 - self.x0) * offset / self.days, 1)

    def ticks(self, y: float, labels: bool = True) -> str:
        """Month grid lines down to ``y`` (less room for) their labels, written at ``y``."""
        out = []
        day = self.first.replace(day=1)
        months = self.days / 30.4
        step = 1 if months <= 8 else 3 if months <= 24 else 6
        while day <= self.first + dt.timedelta(days=self.days):
            if day >= self.first and (day.month - 1) % step == 0:
                x = self.x(day.isoformat())
                out.append(
                    f'<line class="grid" x1="{x}" x2="{x}" y1="0" y2="{y - 10 if labels else y}"/>'
                )
                label = day.strftime("%b %y") if day.month == 1 or step == 1 else day.strftime("%b")
                if labels:
                    out.append(f'<text class="axis" x="{x + 2}" y="{y}">{_e(label)}</text>')
            day = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
        return "".join(out)


WIDTH = 360.0
LEFT = 34.0


def rates_svg(
    bands: Sequence[Band],
    first: str,
    last: str,
    *,
    width: float = WIDTH,
    height: float = 150.0,
    ticks: bool = True,
) -> Markup:
    """Cramps per week in each period: a line at the estimate over the period, a shaded
    band from the interval's low to high (95 %). ``ticks``: month names under the axis
    (a chart stacked above another on the same axis can leave them to that one)."""
    if not bands:
        return _svg(
            width,
            30,
            "No periods to show yet",
            ['<text x="4" y="20">Not enough nights yet</text>'],
            "rates",
        )
    top, bottom = 8.0, height - (22 if ticks else 4)
    axis = _Axis(first, last, LEFT, width - 4)
    peak = max((b[4] if b[4] is not None else (b[2] or 0.0)) for b in bands) or 1.0
    peak = min(peak, 14.0)

    def y(rate: float) -> float:
        return round(bottom - (bottom - top) * min(rate, peak) / peak, 1)

    parts = [axis.ticks(height - 6, ticks)]
    for frac in (0.0, 0.5, 1.0):
        value = peak * frac
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{width - 4}" y1="{y(value)}" y2="{y(value)}"/>'
        )
        tick = f"{value:.2f}" if peak < 1 else f"{value:.1f}"
        parts.append(f'<text class="axis" x="0" y="{y(value) + 3}">{tick}</text>')
    for start, end, est, low, high in bands:
        x0 = axis.x(start)
        x1 = max(axis.x((dt.date.fromisoformat(end) + dt.timedelta(days=1)).isoformat()), x0 + 1)
        words = f"{start} to {end}: " + (
            "not enough nights"
            if est is None
            else f"{est:.2f} per week (95 % interval {low or 0:.2f} to {high or 0:.2f})"
        )
        if low is not None and high is not None:
            parts.append(
                f'<rect class="band" x="{x0}" y="{y(high)}" width="{x1 - x0:.1f}" '
                f'height="{max(y(low) - y(high), 1):.1f}"><title>{_e(words)}</title></rect>'
            )
        if est is not None:
            parts.append(
                f'<line class="estimate" x1="{x0}" x2="{x1}" y1="{y(est)}" y2="{y(est)}">'
                f"<title>{_e(words)}</title></line>"
            )
    label = "Cramps per week in each period, with 95 % intervals"
    return _svg(width, height, label, parts, "rates")


def timeline_svg(
    items: Sequence[tuple[str, str, str | None]],
    first: str,
    last: str,
    *,
    width: float = WIDTH,
    doses: Sequence[str] | None = None,
    ticks: bool = True,
) -> Markup:
    """The regimen under the rates, on the same time axis: one row per item. With
    ``doses`` (one text per entry of ``items``) each bar is labelled with its dose, so a
    change of dose shows where it happened."""
    # by first start, then name: items started the same day keep one order in every run
    names = sorted({i[0] for i in items}, key=lambda n: (min(s for m, s, _ in items if m == n), n))
    if not names:
        return _svg(
            width,
            30,
            "No regimen recorded",
            ['<text x="4" y="20">No regimen yet</text>'],
            "timeline",
        )
    row, top = 16.0, 4.0
    height = top + row * len(names) + (18 if ticks else 4)
    axis = _Axis(first, last, LEFT, width - 4)
    parts = [axis.ticks(height - 4, ticks)]
    for i, name in enumerate(names):
        y = top + i * row
        if doses is None:
            parts.append(f'<text class="axis item" x="{LEFT + 2}" y="{y + 11}">{_e(name)}</text>')
        labelled = False
        for k, (item, start, end) in enumerate(items):
            if item != name:
                continue
            x0 = axis.x(start)
            x1 = axis.x(end) if end else width - 4
            words = f"{name}: {start} to {end or 'now'}"
            if doses is not None:
                text = f"{name} {doses[k]}" if not labelled else doses[k]
                labelled = True
                words = f"{name} {doses[k]}: {start} to {end or 'now'}".replace("  ", " ")
                # a label that would run off the right edge goes before the bar instead
                if x0 < LEFT + (width - LEFT) * 0.55:
                    place = f'x="{x0 + 2}" y="{y + 11}"'
                else:
                    place = f'x="{x0 - 3}" y="{y + 16}" text-anchor="end"'
                parts.append(f'<text class="axis item" {place}>{_e(text)}</text>')
            parts.append(
                f'<rect class="bar" x="{x0}" y="{y + 13}" width="{max(x1 - x0, 2):.1f}" '
                f'height="3" rx="1"><title>{_e(words)}</title></rect>'
            )
    return _svg(width, height, "Regimen over time: when each item was taken", parts, "timeline")


# -- the nights, one after the other -------------------------------------------------------
def nights_svg(
    statuses: Sequence[NightStatus],
    first: str,
    last: str,
    *,
    width: float = WIDTH,
    ticks: bool = True,
) -> Markup:
    """Every night on the shared time axis: a bar as tall as its cramps (3 or more: full
    height), a thin mark under the base line for a cramp-free night, a grey mark for a
    missing one (not counted as cramp-free). Runs of alike nights are drawn as one shape."""
    if not statuses:
        return _svg(
            width,
            30,
            "No nights recorded yet",
            ['<text x="4" y="20">No nights yet</text>'],
            "nights",
        )
    height, top, base = (64.0 if ticks else 52.0), 4.0, 40.0
    axis = _Axis(first, last, LEFT, width - 4)
    day_width = (width - 4 - LEFT) / axis.days
    parts = [axis.ticks(height - 4, ticks)]
    parts.append(f'<line class="grid" x1="{LEFT}" x2="{width - 4}" y1="{base}" y2="{base}"/>')
    parts.append(f'<text class="axis" x="0" y="{top + 6}">3+</text>')
    parts.append(f'<text class="axis" x="0" y="{base}">0</text>')
    run_kind, run_start, run_len = "", "", 0

    def flush() -> None:
        if not run_len:
            return
        x = axis.x(run_start)
        w = max(run_len * day_width, 0.6)
        y, h = (base + 2, 3.0) if run_kind == "free" else (base + 6, 3.0)
        words = f"{run_start}: {run_len} night{'s' if run_len != 1 else ''} " + (
            "without cramps" if run_kind == "free" else "missing (not counted)"
        )
        parts.append(
            f'<rect class="{run_kind}" x="{x}" y="{y}" width="{w:.2f}" height="{h}">'
            f"<title>{_e(words)}</title></rect>"
        )

    for s in statuses:
        kind = "missing" if not s.observed else "free" if not s.cramps else "cramp"
        if kind == run_kind and kind != "cramp":
            run_len += 1
            continue
        flush()
        run_kind, run_start, run_len = kind, s.date, 1
        if kind == "cramp":
            run_len = 0
            n = s.cramps or 0
            h = (base - top) * min(n, 3) / 3
            parts.append(
                f'<rect class="cramp c{min(n, 3)}" x="{axis.x(s.date)}" y="{base - h:.1f}" '
                f'width="{max(day_width, 0.8):.2f}" height="{h:.1f}" data-date="{s.date}">'
                f"<title>{s.date}: {n} cramp{'s' if n != 1 else ''}</title></rect>"
            )
    flush()
    observed = [s for s in statuses if s.observed]
    label = (
        f"Each night from {statuses[0].date} to {statuses[-1].date}: "
        f"{sum(1 for s in observed if s.cramps)} with cramps, "
        f"{sum(1 for s in observed if not s.cramps)} without, "
        f"{len(statuses) - len(observed)} missing"
    )
    return _svg(width, height, label, parts, "nights")


# -- severity / duration trend -------------------------------------------------------------
def trend_svg(
    points: Sequence[tuple[str, float]],
    first: str,
    last: str,
    what: str,
    top_value: float,
    *,
    width: float = WIDTH,
    height: float = 120.0,
    ticks: bool = True,
) -> Markup:
    """Each cramp as a dot (x: night, y: severity or duration) and each month's mean."""
    if not points:
        return _svg(
            width,
            30,
            f"No {what} recorded",
            [f'<text x="4" y="20">No {_e(what)} yet</text>'],
            "trend",
        )
    top, bottom = 6.0, height - (20 if ticks else 4)
    axis = _Axis(first, last, LEFT, width - 4)
    peak = max(top_value, *(v for _, v in points))

    def y(value: float) -> float:
        return round(bottom - (bottom - top) * value / peak, 1)

    parts = [axis.ticks(height - 4, ticks)]
    for value in (0.0, peak / 2, peak):
        parts.append(
            f'<line class="grid" x1="{LEFT}" x2="{width - 4}" y1="{y(value)}" y2="{y(value)}"/>'
        )
        parts.append(f'<text class="axis" x="0" y="{y(value) + 3}">{value:g}</text>')
    for night, value in points:
        parts.append(f'<circle class="dot" cx="{axis.x(night)}" cy="{y(value)}" r="2"/>')
    months: dict[str, list[float]] = {}
    for night, value in points:
        months.setdefault(night[:7], []).append(value)
    path = " ".join(
        f"{'M' if i == 0 else 'L'}{axis.x(m + '-15')},{y(sum(v) / len(v))}"
        for i, (m, v) in enumerate(sorted(months.items()))
    )
    parts.append(f'<path class="mean" d="{path}"/>')
    label = f"{what.capitalize()} of each cramp over time (dots) and each month's mean (line)"
    return _svg(width, height, label, parts, "trend")


# -- the leg body map ----------------------------------------------------------------------
#: (view, muscle, shape) in a 100 x 240 box per leg, drawn for both legs. Front view
#: regions first, then back view. Shapes are simple so each is a big enough target.
BODY_REGIONS: tuple[tuple[str, str, str], ...] = (
    # front: the leg drawn on the left (its inner side towards the middle, on the right)
    ("front", "hip", "M16,2 H84 L85,24 H15 Z"),
    ("front", "outer-thigh", "M15,26 H29 L33,92 H25 Z"),
    ("front", "quadriceps", "M31,26 H63 L62,92 H35 Z"),
    ("front", "inner-thigh", "M65,26 H85 L73,92 H64 Z"),
    ("front", "knee", "M27,94 H73 L70,114 H30 Z"),
    ("front", "shin", "M31,116 H69 C70,150 64,180 61,196 H41 C37,180 31,150 31,116 Z"),
    ("front", "ankle", "M41,198 H61 V210 H41 Z"),
    ("front", "foot", "M37,212 H65 L70,226 H32 Z"),
    ("front", "toes", "M32,228 H70 L68,238 H34 Z"),
    # back
    ("back", "glute", "M15,2 H85 C87,20 84,30 80,34 H20 C16,30 13,20 15,2 Z"),
    ("back", "hamstring", "M20,36 H80 L73,94 H27 Z"),
    ("back", "knee", "M27,96 H73 L71,108 H29 Z"),
    ("back", "calf", "M29,110 H71 C78,135 70,170 61,196 H41 C32,170 22,135 29,110 Z"),
    ("back", "ankle", "M41,198 H61 V210 H41 Z"),
    ("back", "foot", "M38,212 H62 C66,222 64,234 58,238 H42 C36,234 34,222 38,212 Z"),
)


def bodymap_svg(
    counts: Counter[tuple[str, str]] | None = None,
    *,
    interactive: bool = False,
    view: str = "front",
) -> Markup:
    """Both legs from the front or the back. With ``counts`` ((side, muscle) → cramps)
    the regions are shaded by how often cramps hit there (a cramp on both sides counts on
    each). ``interactive`` marks regions for ``app.js`` (tapping toggles the muscle and
    side in the form; the form's checkboxes stay the accessible controls)."""
    counts = counts or Counter()
    peak = max(counts.values(), default=0)
    # From the front the person's right leg is on the viewer's left; from the back, on the
    # right. The shapes are drawn for the leg on the left; the other one is mirrored, so
    # the inner thigh always faces the middle.
    legs = (
        (("right", 0.0), ("left", 110.0)) if view == "front" else (("left", 0.0), ("right", 110.0))
    )
    parts = []
    for side, dx in legs:
        label = "R" if side == "right" else "L"
        parts.append(f'<text class="axis" x="{dx + 52:g}" y="10">{label}</text>')
        place = f"translate({dx + 105:g},14) scale(-1,1)" if dx else "translate(5,14)"
        parts.append(f'<g transform="{place}">')
        for region_view, muscle, shape in BODY_REGIONS:
            if region_view != view:
                continue
            n = counts.get((side, muscle), 0)
            level = 0 if not n or not peak else 1 + min(3, int(3 * n / peak))
            words = f"{side} {muscle}" + (f": {n} cramp{'s' if n != 1 else ''}" if counts else "")
            data = f' data-muscle="{muscle}" data-side="{side}"' if interactive else ""
            parts.append(
                f'<path class="region heat{level}" d="{shape}"{data}>'
                f"<title>{_e(words)}</title></path>"
            )
        parts.append("</g>")
    label = f"Legs seen from the {view}" + (
        ": where cramps hit, darker is more often" if counts else ": tap where it cramps"
    )
    return _svg(220, 256, label, parts, f"bodymap {view}" + (" pick" if interactive else ""))


def side_muscle_counts(
    episodes: Iterable[tuple[str | None, Sequence[str]]],
) -> Counter[tuple[str, str]]:
    """(side, muscle) → cramps, from (side, muscles) of each episode ("both": each side)."""
    counts: Counter[tuple[str, str]] = Counter()
    for side, muscles in episodes:
        sides = ("left", "right") if side == "both" else (side,) if side else ()
        for s in sides:
            for m in muscles:
                counts[(s, m)] += 1
    return counts


# -- one stylesheet for the web and the report ---------------------------------------------
@cache
def chart_css() -> str:
    """``charts.css``: the charts' rules (colours as CSS variables) and, in ``:root``,
    the light palette the report prints with (the web app's themes override it)."""
    return (files("crampwise.reports") / "charts.css").read_text(encoding="utf-8")


@cache
def palette_css() -> str:
    """The ``:root`` palette block of ``charts.css`` alone (for a page that draws its
    charts with :func:`styled` but colours its legends with the same variables)."""
    found = re.search(r":root\s*\{[^}]*\}", chart_css())
    return found.group(0) if found else ""


@cache
def _print_rules() -> tuple[tuple[str, str], ...]:
    """(selectors, declarations) of ``charts.css``, colours resolved to its palette."""
    css = re.sub(r"/\*.*?\*/", "", chart_css(), flags=re.S)
    root = re.search(r":root\s*\{([^}]*)\}", css)
    palette = dict(re.findall(r"(--[\w-]+)\s*:\s*([^;]+);", root.group(1) if root else ""))
    rules = css[root.end() :] if root else css
    resolved = re.sub(r"var\((--[\w-]+)\)", lambda m: palette[m.group(1)].strip(), rules)
    return tuple(
        (" ".join(sel.split()), " ".join(body.split()))
        for sel, body in re.findall(r"([^{}]+)\{([^}]*)\}", resolved)
    )


@cache
def _print_style(kind: str) -> str:
    # only the rules that can match this kind of chart: every SVG parses its own style
    wanted = (".chart ", f".{kind} ", f".{kind}.")
    return " ".join(
        f"{sel} {{ {body} }}" for sel, body in _print_rules() if any(w in f"{sel} " for w in wanted)
    )


def styled(chart: Markup) -> Markup:
    """The chart with the rules of ``charts.css`` it uses inside it, colours resolved to
    the light palette (for the PDF, which draws an SVG with its own styles only; browsers
    show it alike)."""
    head, sep, rest = str(chart).partition("<title>")
    found = re.search(r'class="chart ([\w-]+)', head)
    style = _print_style(found.group(1) if found else "")
    return Markup(f"{head}<style>{style}</style>{sep}{rest}")
