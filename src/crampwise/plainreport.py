"""Reports in plain words first: the two or three lines a worried person reads, then a
few short lines; the statistics only when asked for (``analyze --details``).

Built on what :func:`crampwise.analysis.analyze_series` returns, without computing any
new statistic except one planning figure, :func:`weeks_to_tell`. Nothing here names a
command: each face adds its own way to ask for the details.
"""

from __future__ import annotations

import math
from datetime import date

from crampwise._record import Record
from crampwise.analysis.series import count_noun, fmt_date, fmt_rate, item_label
from crampwise.nights import RATE_MIN_NIGHTS

TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Sequence
    from typing import Any

    from crampwise.analysis.result import AnalysisResult, EffectResult, Interval, PeriodResult

__all__ = [
    "MUCH_BETTER",
    "MUCH_WORSE",
    "Plain",
    "analysis_in_plain_words",
    "analysis_json",
    "cannot_tell",
    "weeks_to_tell",
]

#: A rate ratio below this is "much better" (half the cramps or fewer), above
#: :data:`MUCH_WORSE` "much worse" (twice as many): an interval reaching both says
#: nothing yet, and is read as "can't tell yet".
MUCH_BETTER = 0.5
MUCH_WORSE = 2.0

#: :func:`weeks_to_tell`: the spread of the log rate ratio at which halved cramps would
#: show (the 95 % interval of a rate ratio of 0.5 then ends below 1): (ln 2 / 1.96)².
_TARGET_VARIANCE = (math.log(2) / 1.959964) ** 2

#: Beyond a year of waiting, "keep checking in" is no plan: say what can settle it.
_MOST_WEEKS = 52

#: The fewest nights a period needs for its rate to be shown (as in the analysis).
_RATE_NIGHTS = 7


class Plain(Record):
    """A report in plain words: the headline, then short lines (no statistics)."""

    headline: tuple[str, ...]
    lines: tuple[str, ...] = ()


def cannot_tell(ratio: Interval) -> bool:
    """Whether a rate ratio's interval runs from much better to much worse (or is
    unknown): then the diary cannot tell yet, whatever the middle of it says."""
    if ratio.low is None or ratio.high is None:
        return True
    return ratio.low < MUCH_BETTER and ratio.high > MUCH_WORSE


def _cramps_with(item: str, periods: Sequence[PeriodResult]) -> tuple[int, int, int, int]:
    """(cramps, nights) with the item and without it, over the periods."""
    on = [p for p in periods if item in p.active]
    off = [p for p in periods if item not in p.active]
    return (
        sum(p.cramps for p in on),
        sum(p.nights for p in on),
        sum(p.cramps for p in off),
        sum(p.nights for p in off),
    )


def weeks_to_tell(item: str, periods: Sequence[PeriodResult]) -> int | None:
    """About how many more weeks on ``item`` (still taken) before its before/after
    comparison could show halved cramps, if cramps stay as they were with it; None when
    more nights with it cannot get there (too few cramps without it).

    The spread of a log rate ratio is about 1/c_with + 1/c_without (c: cramps counted);
    halved cramps show once that spread is at most (ln 2 / 1.96)², about 0.125. Only the
    nights with the item grow while it is taken, so c_without must already be 8 or more.
    """
    c_on, n_on, c_off, n_off = _cramps_with(item, periods)
    if c_off == 0 or n_off == 0 or n_on == 0 or 1 / c_off >= _TARGET_VARIANCE:
        return None
    needed = 1 / (_TARGET_VARIANCE - 1 / c_off)  # cramps with the item
    per_night = (c_on + 0.5) / n_on  # half a cramp: a rate that is not zero
    more_nights = max(0.0, needed / per_night - n_on)
    return math.ceil(more_nights / 7)


def _rate(r: Interval) -> str:
    """``about 2.9 a week (between 0.95 and 6.7)``."""
    if r.estimate is None or r.low is None or r.high is None:
        return "not known"
    about = "hardly any" if r.estimate < 0.01 else f"about {fmt_rate(r.estimate)} cramps a week"
    if r.low < 0.01:
        return f"{about} (at most {fmt_rate(r.high)})"
    return f"{about} (between {fmt_rate(r.low)} and {fmt_rate(r.high)})"


def _span(p: PeriodResult) -> str:
    return fmt_date(date.fromisoformat(p.start))


def _names(items: Sequence[str]) -> str:
    labels = [item_label(i) for i in items]
    return labels[0] if len(labels) == 1 else f"{', '.join(labels[:-1])} and {labels[-1]}"


def _effect_line(e: EffectResult, effects: Sequence[EffectResult]) -> str:
    """One plain line per item: what the diary can say of it, without numbers it cannot
    stand behind."""
    name = item_label(e.item)
    cap = name[:1].upper() + name[1:]
    rr = e.rate_ratio
    if e.verdict == "not-identifiable":
        together = [x.item for x in effects if x.item != e.item and x.verdict == "not-identifiable"]
        if together:
            return f"{cap}: changed together with {_names(together)}; can't be told apart."
        return f"{cap}: can't tell: there are not enough nights with and without it."
    if e.evidence == "randomized" and e.verdict == "benefit" and rr.estimate is not None:
        return f"{cap}: helped in your randomized trial: about {_fewer(rr.estimate)}."
    if e.evidence == "randomized" and e.verdict == "no-meaningful-benefit":
        return f"{cap}: made no worthwhile difference in your randomized trial."
    if cannot_tell(rr) or e.verdict == "inconclusive" or rr.estimate is None:
        return f"{cap}: can't tell yet."
    if e.verdict == "benefit":
        return (
            f"{cap}: fewer cramps with it (about {_fewer(rr.estimate)}), but only before and "
            f"after: that cannot show {name} caused it."
        )
    return f"{cap}: no clear change with it."


def _fewer(ratio: float) -> str:
    if ratio <= 1:
        return f"{100 * (1 - ratio):.0f} % fewer cramps"
    return f"{100 * (ratio - 1):.0f} % more cramps"


def _headline(result: AnalysisResult) -> tuple[str, ...]:
    observed = result.nights.observed
    if observed == 0:
        return (
            "Nothing to go on yet.",
            "Check in every night, cramp-free ones too; after two weeks crampwise can say "
            "how often your cramps come.",
        )
    if observed < RATE_MIN_NIGHTS:
        more = RATE_MIN_NIGHTS - observed
        return (
            "Too early to tell.",
            f"Keep checking in every night; {count_noun(more, 'more night')} "
            f"{'is' if more == 1 else 'are'} needed before crampwise can say how often your "
            "cramps come.",
        )
    effects = result.effects
    helped = [e for e in effects if e.evidence == "randomized" and e.verdict == "benefit"]
    if helped:
        return (
            f"{_names([e.item for e in helped])[:1].upper()}"
            f"{_names([e.item for e in helped])[1:]} helped in your own randomized trial.",
            "That is the strongest evidence a diary can give; the details say by how much.",
        )
    if not effects:
        return (
            "Nothing you tried can be compared yet.",
            "It takes nights with and without something (and the same habits otherwise) to "
            "see whether it helps.",
        )
    open_items = [e.item for e in effects if e.evidence != "randomized"] or [
        e.item for e in effects
    ]
    names = _names(open_items) if len(open_items) <= 2 else "anything you tried"
    ongoing = result.periods[-1].active if result.periods else ()
    weeks = [
        w
        for e in effects
        if e.item in ongoing and e.verdict != "not-identifiable"
        if (w := weeks_to_tell(e.item, result.periods)) is not None
    ]
    if weeks and max(weeks) <= _MOST_WEEKS:
        more = max(1, *weeks)
        return (
            f"Too early to tell whether {names} helped.",
            f"Keep checking in every night; about {count_noun(more, 'more week')} "
            f"{'is' if more == 1 else 'are'} needed to see whether your cramps halve with it.",
        )
    return (
        f"Your diary cannot tell whether {names} helped.",
        "Comparing before and after cannot settle it, however long you wait: cramps also "
        "come and go by themselves. Trying one thing at a time, on and off in turns (an "
        "N-of-1 trial), can.",
    )


def analysis_in_plain_words(result: AnalysisResult) -> Plain:
    """The analysis for a worried person: a headline, how often cramps come, and one line
    per thing tried; "can't tell yet" wherever the interval reaches from much better to
    much worse."""
    lines: list[str] = []
    periods = [p for p in result.periods if p.nights >= _RATE_NIGHTS]
    if periods:
        last = periods[-1]
        with_what = f" (with {_names(last.active)})" if last.active else ""
        lines.append(f"Since {_span(last)}{with_what}: {_rate(last.rate_per_week)}.")
        if len(periods) > 1:
            first = periods[0]
            lines.append(f"At the start, from {_span(first)}: {_rate(first.rate_per_week)}.")
    lines += [_effect_line(e, result.effects) for e in result.effects]
    for med in result.medications:
        if med.cramp_note:
            lines.append(
                f"You took {item_label(med.name)}, a medicine linked with leg cramps, during part "
                "of the diary: keep it in mind when judging what you tried (and never change a "
                "medicine without your doctor)."
            )
    if result.streaks.longest:
        lines.append(
            f"Longest run of nights without cramps: {result.streaks.longest}; "
            f"now: {result.streaks.current}."
        )
    return Plain(_headline(result), tuple(dict.fromkeys(lines)))


def analysis_json(result: AnalysisResult) -> dict[str, Any]:
    """The analysis as JSON (``analyze --json``, the web API): the analysis's own document
    with the plain words added (``headline``, ``plain``)."""
    plain = analysis_in_plain_words(result)
    return {**result.to_dict(), "headline": list(plain.headline), "plain": list(plain.lines)}
