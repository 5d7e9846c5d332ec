"""The warnings about how the diary was kept and what else changed: missing nights,
adherence, seasons and medicines (issue 10 items 4–7). Part of
:mod:`crampwise.analysis.warnings`, which orders them with the others."""

from __future__ import annotations

from collections.abc import Sequence

from crampwise.analysis.checks import MISSING_PERIOD_SHARE, MissingFinding, seasonality
from crampwise.analysis.effects import LOW_ADHERENCE, Fits
from crampwise.analysis.result import Caveat, EffectResult, Interval
from crampwise.analysis.series import DiarySeries, fmt_date, item_label

__all__ = [
    "MONTHS",
    "low_adherence_caveats",
    "medication_caveats",
    "missing_caveats",
    "seasonal_caveats",
]

MISSING_SHARE = 0.20  # of the whole diary
MONTHS = ("", "January", "February", "March", "April", "May", "June", "July", "August",
          "September", "October", "November", "December")  # fmt: skip


def _cap(text: str) -> str:
    return str(text[:1].upper() + text[1:])


def missing_caveats(
    series: DiarySeries, fits: Fits, effects: Sequence[EffectResult]
) -> list[Caveat]:
    out: list[Caveat] = []
    missing = series.n - series.n_observed
    first, last = fmt_date(series.date(0)), fmt_date(series.date(series.n - 1))
    if series.n and missing / series.n > MISSING_SHARE:
        text = (
            f"{missing} of the {series.n} nights between {first} and {last} "
            f"{'was' if missing == 1 else 'were'} not recorded "
            f"({100 * missing / series.n:.0f} %). Missing nights are left out, never counted "
            "as cramp-free, but if the nights you skipped differ from the ones you recorded, "
            "the rates can be off."
        )
        out.append(Caveat("missing-nights", text, (), (series.iso(0), series.iso(series.n - 1))))
    for f in fits.missing:
        out.append(_missing_finding(series, f, effects))
    return out


def _missing_finding(
    series: DiarySeries, f: MissingFinding, effects: Sequence[EffectResult]
) -> Caveat:
    span = f"{fmt_date(series.date(f.start))} to {fmt_date(series.date(f.end - 1))}"
    if f.item is None:
        text = (
            f"{100 * f.share:.0f} % of the nights from {span} were not recorded (over "
            f"{100 * MISSING_PERIOD_SHARE:.0f} %; {100 * f.other_share:.0f} % in the rest of "
            "the diary). If the nights you skipped were calmer (or worse) than the ones you "
            "recorded, this period's rate is off."
        )
        return Caveat("missing-nights", text, (), (series.iso(f.start), series.iso(f.end - 1)))
    name = item_label(f.item)
    text = (
        f"Nights without {name} were left unrecorded more often than nights with it "
        f"({100 * f.share:.0f} % against {100 * f.other_share:.0f} %)."
    )
    if f.share < f.other_share:
        text = (
            f"Nights with {name} were left unrecorded more often than nights without it "
            f"({100 * f.other_share:.0f} % against {100 * f.share:.0f} %)."
        )
    eff = next((e for e in effects if e.item == f.item), None)
    bound = (
        None
        if eff is None
        else next((x for x in eff.sensitivity if x.name == "missing-as-cramp-free"), None)
    )
    if eff is not None and eff.rate_ratio.estimate is not None and bound is not None:
        text += (
            f" Counting the missing nights as cramp-free gives {_rr_words(bound.rate_ratio)}; "
            f"counting them at their period's own rate gives {_rr_words(eff.rate_ratio)} "
            "(the main estimate). The truth depends on what those nights were like."
        )
    else:
        text += " Skipped nights that differ from recorded ones would bias the comparison."
    return Caveat("missing-nights", text, (f.item,), (series.iso(f.start), series.iso(f.end - 1)))


def _rr_words(rr: Interval) -> str:
    if rr.estimate is None or rr.low is None or rr.high is None:
        return "no estimate"
    change = 100.0 * (1.0 - rr.estimate)
    head = f"{change:.0f} % fewer" if change >= 0 else f"{-change:.0f} % more"
    return f"{head} cramps with it (95 % range {rr.low:.2f} to {rr.high:.2f} times the rate)"


def low_adherence_caveats(effects: Sequence[EffectResult]) -> list[Caveat]:
    out: list[Caveat] = []
    for eff in effects:
        if eff.adherence is None or eff.adherence >= LOW_ADHERENCE:
            continue
        pp = next((x for x in eff.sensitivity if x.name == "per-protocol"), None)
        text = (
            f"{_cap(item_label(eff.item))} was recorded as taken on only "
            f"{100 * eff.adherence:.0f} % of the nights it was meant to be (below 80 %). The "
            "main numbers compare the weeks you were on it with the weeks you were not "
            "(intention to treat)"
        )
        if pp is not None and pp.rate_ratio.estimate is not None:
            text += (
                "; comparing the nights you took it with the rest gives "
                f"{_rr_words(pp.rate_ratio)}."
            )
        else:
            text += "; the nights you took it are too few to compare on their own."
        out.append(Caveat("low-adherence", text, (eff.item,)))
    return out


def seasonal_caveats(series: DiarySeries, effects: Sequence[EffectResult]) -> list[Caveat]:
    out: list[Caveat] = []
    for eff in effects:
        if "seasonal" not in eff.held_back:
            continue
        season = seasonality(series, eff.item)
        if season is None or not season.caps:
            continue
        months = ", ".join(MONTHS[m] for m in season.months)
        text = (
            f"You used {item_label(eff.item)} at the same time of year, year after year "
            f"(mostly {months}). Cramps change with the seasons, so its on and off nights "
            "mostly compare seasons: no verdict stronger than 'cannot tell' is possible. "
            "Trying it in the other half of the year too would tell them apart."
        )
        out.append(Caveat("seasonal", text, (eff.item,)))
    return out


def medication_caveats(series: DiarySeries) -> list[Caveat]:
    out: list[Caveat] = []
    for med in series.medications:
        changes = [c for c in series.changes if c.item == med.name and c.source == "medication"]
        if not changes:
            continue
        what = "; ".join(
            f"{'started' if c.kind == 'start' else 'stopped'} on {fmt_date(series.date(c.night))}"
            for c in changes
        )
        text = f"Your medicine {med.name} {what}, inside this diary."
        if med.cramp_note:
            text += f" {_cap(med.cramp_note)}."
        text += (
            " Its change is part of the model, so it is not credited to (or blamed on) your "
            "supplements or routines; never stop a prescribed medicine without your "
            "clinician."
        )
        out.append(
            Caveat(
                "medication-change", text, (med.name,), tuple(series.iso(c.night) for c in changes)
            )
        )
    return out
