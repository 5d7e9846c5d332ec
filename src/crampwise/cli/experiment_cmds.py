"""Experiment and cohort commands: experiment plan|power|start|today|status|stop|result|list,
cohort analyze. Thin: parse, call the Tracker, print (heavy modules load inside)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from crampwise.cli._app import App

__all__ = ["register"]


def _plan_options(args: argparse.Namespace) -> dict[str, Any]:
    return {
        "dose": args.dose,
        "unit": args.unit,
        "comparator": args.vs,
        "period_weeks": args.period_weeks,
        "washout_days": args.washout_days,
        "pairs": args.blocks,
        "seed": args.seed,
        "start": args.start,
        "baseline_per_week": args.baseline_per_week,
        "dispersion": args.dispersion,
        "interim_looks": args.interim_looks,
        "mcid": args.mcid,
    }


def _single_thread() -> None:
    from crampwise._blas import single_thread_blas

    single_thread_blas()


def cmd_experiment_plan(args: argparse.Namespace, app: App) -> int:
    """Plan an experiment from your own baseline (nothing is stored)."""
    _single_thread()
    plan = app.tracker.experiments.plan(args.item, **_plan_options(args))
    if args.json:
        app.json(plan.to_dict())
        return 0
    app.echo(plan.to_text())
    app.echo("")
    app.echo(
        f"To run exactly this plan: crampwise experiment start --item {plan.item} "
        f"--seed {plan.seed} --start {plan.start} --period-weeks {plan.period_weeks} "
        f"--blocks {plan.pairs}"
        + (f" --dose {plan.dose:g}{plan.unit}" if plan.dose else "")
        + (f" --vs {plan.comparator}" if plan.comparator else "")
        + (f" --mcid {100 * plan.rule.mcid:g}%" if plan.rule.mcid != 0.25 else "")
        + (f" --washout-days {plan.washout_days}" if plan.washout_basis == "given" else "")
        + (
            f" --baseline-per-week {plan.baseline_per_week:g}"
            if plan.baseline_source == "given"
            else ""
        )
        + (" --interim-looks" if plan.interim_looks else "")
    )
    return 0


def cmd_experiment_power(args: argparse.Namespace, app: App) -> int:
    """Chance of each verdict for a trial of equal weeks per arm (no diary needed)."""
    _single_thread()
    from crampwise.tracker import Tracker

    result = Tracker.experiment_power(
        args.baseline_per_week, args.rate_ratio, args.weeks_per_arm, args.dispersion
    )
    if args.json:
        app.json(result.to_dict())
    else:
        app.echo(result.to_text())
    return 0


def cmd_experiment_start(args: argparse.Namespace, app: App) -> int:
    """Plan and start an experiment (stored in the diary)."""
    _single_thread()
    plan, exp = app.tracker.experiments.start(
        args.item,
        stop_regimen=args.stop_regimen,
        accept_low_power=args.anyway,
        **_plan_options(args),
    )
    app.saved = f"the {exp.item} experiment"
    if args.json:
        app.json({"experiment": app.tracker.experiments.to_json(exp), "plan": plan.to_dict()})
        return 0
    app.echo(f"Started experiment {exp.id}.")
    app.echo(plan.to_text())
    app.echo("")
    app.echo(
        "Each evening 'crampwise experiment today' says what to do; record each night as "
        f"usual and 'crampwise took {exp.item}' on the nights you take it."
    )
    return 0


def cmd_experiment_today(args: argparse.Namespace, app: App) -> int:
    """What to do tonight for the experiment."""
    tonight = app.tracker.experiments.tonight(args.date)
    if args.json:
        app.json(tonight.to_dict())
        return 0
    app.echo(tonight.to_text())
    missing = tonight.unrecorded_last_night
    if missing is not None:
        import datetime as dt

        night = (dt.date.fromisoformat(tonight.date) - dt.timedelta(days=1)).isoformat()
        app.echo(
            f"Last night's {missing.replace('-', ' ')} is not recorded yet: "
            f"crampwise took {missing} --date {night} (or --missed)"
        )
    return 0


def cmd_experiment_status(args: argparse.Namespace, app: App) -> int:
    """Progress, counted nights per condition and adherence."""
    _single_thread()
    status = app.tracker.experiments.status(args.id)
    if args.json:
        app.json(status.to_dict())
    else:
        app.echo(status.to_text())
    return 0


def cmd_experiment_stop(args: argparse.Namespace, app: App) -> int:
    """Stop an experiment early."""
    exp = app.tracker.experiments.stop(args.id, reason=args.reason or "", date=args.date)
    app.saved = f"the stop of the {exp.item} experiment"
    if args.json:
        app.json(app.tracker.experiments.to_json(exp))
    else:
        app.echo(
            f"Stopped experiment {exp.id} ({exp.item}) from the night of {exp.stopped_on}; "
            "'crampwise experiment result' concludes on the nights before."
        )
    return 0


def cmd_experiment_result(args: argparse.Namespace, app: App) -> int:
    """The pre-registered verdict."""
    _single_thread()
    result = app.tracker.experiments.result(args.id)
    if args.json:
        app.json(result.to_dict())
    else:
        app.echo(result.to_text())
    return 0


def cmd_experiment_list(args: argparse.Namespace, app: App) -> int:
    """Every experiment of the diary."""
    from crampwise.experiments.runner import experiment_state

    found = app.tracker.experiments.list()
    today = app.tracker.today()
    if args.json:
        app.json(
            [
                {**app.tracker.experiments.to_json(e), "state": experiment_state(e, today)}
                for e in found
            ]
        )
        return 0
    if not found:
        app.echo("No experiments yet; plan one with 'crampwise experiment plan --item ITEM'.")
        return 0
    app.table(
        ["id", "item", "start", "end", "order", "seed", "status"],
        [
            (
                e.id,
                e.item,
                e.start,
                e.end,
                "".join(p.condition for p in e.design),
                "by hand" if e.seed is None else e.seed,
                experiment_state(e, today) if e.stopped_on is None else f"stopped {e.stopped_on}",
            )
            for e in found
        ],
    )
    return 0


def cmd_cohort_analyze(args: argparse.Namespace, app: App) -> int:
    """Pool many people's trials (two-stage model; DerSimonian–Laird beside it)."""
    _single_thread()
    from crampwise.tracker import Tracker

    show = sys.stderr is not None and sys.stderr.isatty() and len(args.files) >= 20

    def progress(done: int, total: int) -> None:
        if show:
            end = "\n" if done == total else ""
            sys.stderr.write(f"\rreading diaries: {done}/{total}{end}")
            sys.stderr.flush()

    result = Tracker.cohort(list(args.files), item=args.item, progress=progress)
    if args.json:
        app.json(result.to_dict())
    else:
        app.echo(result.to_text())
    return 0


def _plan_args(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--item", required=True, help="what to test, e.g. calcium, magnesium, stretching"
    )
    p.add_argument("--dose", help="per intake, e.g. 1000mg (or --dose 1000 --unit mg)")
    p.add_argument("--unit", help="the dose's unit when not written with it")
    p.add_argument("--vs", help="what the other periods get: none (default) or another item")
    p.add_argument("--period-weeks", help="weeks per period (default 4)")
    p.add_argument("--washout-days", help="nights not counted after a switch (default: the item's)")
    p.add_argument("--blocks", help="pairs of periods, one with and one without (default 3)")
    p.add_argument("--seed", help="random seed of the order (default: drawn now and shown)")
    p.add_argument(
        "--start", help="first night (default tomorrow; a past date records a paper trial)"
    )
    p.add_argument(
        "--baseline-per-week", help="your usual cramps a week (default: from your diary)"
    )
    p.add_argument("--dispersion", help="how clustered your weeks are, 1 = not (default: diary)")
    p.add_argument(
        "--mcid",
        help="smallest worthwhile reduction, fixed in advance: 25%% (default) or 0.25",
    )
    p.add_argument(
        "--interim-looks",
        action="store_true",
        help="allow looking at the numbers before the end (raises false positives)",
    )


def register(sub: Any, common: argparse.ArgumentParser) -> None:
    """Add the experiment and cohort commands to the top-level parser."""
    desc = "randomized N-of-1 experiments: find out for sure whether something helps you"
    group = sub.add_parser("experiment", parents=[common], help=desc, description=desc)
    exp = group.add_subparsers(title="actions", metavar="ACTION", required=True)

    p = exp.add_parser(
        "plan", parents=[common], help="plan a trial from your own baseline (stores nothing)"
    )
    _plan_args(p)
    p.add_argument(
        "--json",
        action="store_true",
        help='print {"item", "design", "seed", "baseline_per_week", "dispersion", "power", '
        '"recommended_period_weeks", "decision_rule"}',
    )
    p.set_defaults(handler=cmd_experiment_plan)

    p = exp.add_parser(
        "power", parents=[common], help="chance of a clear answer for equal weeks per arm"
    )
    p.add_argument("--baseline-per-week", required=True, help="cramps a week without the item")
    p.add_argument("--rate-ratio", required=True, help="true effect, e.g. 0.5 = half the cramps")
    p.add_argument("--weeks-per-arm", required=True, help="weeks with and weeks without it")
    p.add_argument("--dispersion", default="1", help="how clustered the weeks are (default 1)")
    p.add_argument(
        "--json",
        action="store_true",
        help='print {"p_benefit_verdict", "p_conclusive", "p_rr_below_1_at_95"}',
    )
    p.set_defaults(handler=cmd_experiment_power)

    p = exp.add_parser("start", parents=[common], help="plan and start a trial")
    _plan_args(p)
    p.add_argument(
        "--stop-regimen",
        action="store_true",
        help="end the item's ongoing regimen entry when the trial starts",
    )
    p.add_argument(
        "--anyway", action="store_true", help="start even if a clear answer is out of reach"
    )
    p.add_argument("--json", action="store_true", help="print the experiment and plan as JSON")
    p.set_defaults(handler=cmd_experiment_start)

    p = exp.add_parser("today", parents=[common], help="what to do tonight")
    p.add_argument("--date", help="another evening (default today)")
    p.add_argument("--json", action="store_true", help="print tonight's condition as JSON")
    p.set_defaults(handler=cmd_experiment_today)

    p = exp.add_parser("status", parents=[common], help="progress, nights and adherence")
    p.add_argument("--id", help="experiment id (default: the current one)")
    p.add_argument("--json", action="store_true", help="print the status as JSON")
    p.set_defaults(handler=cmd_experiment_status)

    p = exp.add_parser("stop", parents=[common], help="stop a trial early")
    p.add_argument("--id", help="experiment id (default: the current one)")
    p.add_argument("--reason", help="why, in a few words")
    p.add_argument("--date", help="first night no longer in the trial (default tonight)")
    p.add_argument("--json", action="store_true", help="print the experiment as JSON")
    p.set_defaults(handler=cmd_experiment_stop)

    p = exp.add_parser("result", parents=[common], help="the verdict decided in advance")
    p.add_argument("--id", help="experiment id (default: the current one)")
    p.add_argument(
        "--json",
        action="store_true",
        help='print {"conditions", "rate_ratio", "p_benefit", "p_meaningful", "verdict", '
        '"period_effect", "per_protocol", "trend_adjusted", "more_weeks_needed", …}',
    )
    p.set_defaults(handler=cmd_experiment_result)

    p = exp.add_parser("list", parents=[common], help="every experiment of the diary")
    p.add_argument("--json", action="store_true", help="print a JSON list")
    p.set_defaults(handler=cmd_experiment_list)

    desc = "pool many people's N-of-1 trials (clinic and research)"
    group = sub.add_parser("cohort", parents=[common], help=desc, description=desc)
    coh = group.add_subparsers(title="actions", metavar="ACTION", required=True)
    p = coh.add_parser(
        "analyze", parents=[common], help="population effect, heterogeneity, each person"
    )
    p.add_argument("files", nargs="+", metavar="FILE", help="crampwise-diary JSON files")
    p.add_argument("--item", help="the item whose trials to pool (default: the only one)")
    p.add_argument(
        "--json",
        action="store_true",
        help='print {"population_rate_ratio", "heterogeneity_tau", '
        '"p_population_effect_below_1", "people", "predictive_rate_ratio", '
        '"dersimonian_laird"}',
    )
    p.set_defaults(handler=cmd_cohort_analyze)
