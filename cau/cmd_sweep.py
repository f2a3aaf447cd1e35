"""``cau sweep SCENARIO --vary PATH=VALUES [--vary …]``: a scenario over a grid of values.

Each point of the grid is the scenario with one ``--set`` per varied value (so it equals
``cau simulate --set`` with those values, seed for seed), simulated ``--replications``
times on the same ``--seed``; every point is validated before anything runs, and each is
kept in its own results store in ``--out DIR``, so an interrupted sweep resumes. Runs on
the process pool or Dask like ``cau simulate``. Prints, per month and target, compliance
and P(goal met) per point and, for one varied value, where the curve meets the goal;
``--out`` adds CSV, JSON and a plot per target (curves for one value, a heat-map of
P(goal met) for two).
"""

from __future__ import annotations

import argparse
from dataclasses import replace
from typing import Any

from . import cli, i18n, replication_options, results, scenario_options

PREFIX = "replications"  # of the stores' names in --out: shared with cau simulate


def vary(text: str) -> Any:
    """An argument type: ``PATH=VALUES`` read by :func:`sim.sweep.parse_vary`."""
    from sim.sweep import parse_vary

    try:
        return parse_vary(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "sweep",
        help=cli.summary("sweep"),
        description="Simulate a scenario at every point of a grid of values (any value "
        "--set can change: a shift's headcount, demand.scale, a handling time, a target's "
        "threshold or goal) and print, per month and target, the predicted compliance "
        "(mean, 95 %% CI) and P(goal met) per point, and where the curve meets the goal.",
    )
    replication_options.add_run_options(parser, "CSV, JSON, plots and a store per point",
                                        runs=True)
    parser.add_argument(
        "--vary", dest="varies", type=vary, action="append", required=True,
        metavar="PATH=VALUES",
        help="a value and what it takes: shifts[09:30].headcount=1-6, demand.scale="
        "1.0-1.3/0.1, targets.P3.threshold=8h,10h,12h (paths as --set); repeat for a grid")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from rules.errors import CauError
    from sim.sweep import grid, point_settings, sweep_table

    from . import sweep_report
    from .workbook import AUTO, is_workbook

    varies = args.varies
    if len({v.path for v in varies}) < len(varies):
        raise CauError("a path is varied twice: give each --vary once")
    try:
        points = grid(varies)
    except ValueError as exc:
        raise CauError(str(exc)) from None
    base, pack = scenario_options.load(args.scenario, args)
    # Every point is loaded (validated) before anything runs: a bad value fails at once.
    loaded = [scenario_options.load(args.scenario, args, point_settings(varies, point))
              for point in points]
    names = results.file_names(args.format, ["sweep"], "sweep.json",
                               [f"sweep-{t.id}" for t in pack.targets] if len(varies) <= 2
                               else [])
    hashes = [replication_options.run_fingerprint(scenario, point_pack)
              for scenario, point_pack in loaded]
    for k, ((scenario, _), run_hash) in enumerate(zip(loaded, hashes, strict=True)):
        # the base's capacity warnings once; each point's store and the outputs checked
        replication_options.prepare_run(args, base if k == 0 else replace(scenario, warnings=()),
                                        run_hash, PREFIX, names)
    forecasts = []
    for index, (point, (scenario, point_pack), run_hash) in enumerate(
            zip(points, loaded, hashes, strict=True)):
        result, _ = replication_options.run_with_progress(
            args, scenario, point_pack, run_hash, PREFIX)
        print(i18n.message("swp_run", args.lang, index=index + 1, count=len(points),
                           point=", ".join(s.text for s in point_settings(varies, point)),
                           replications=args.replications, seed=args.seed,
                           computed=result.computed, reused=result.reused), flush=True)
        forecasts.append(result.forecast.compliance)
    print()
    table = sweep_table(varies, points, forecasts)
    target_names = {t.id: t.name.get(args.lang) for t in pack.targets}
    if args.out is not None:  # the files first: a reader that stops early loses none
        figures = {} if is_workbook(args.out) else sweep_report.sweep_plots(
            table, varies, target_names, args.lang, [t.id for t in pack.targets])
        meta = {**replication_options.run_meta(args, base, pack, ""),
                "varies": {v.path: list(v.values) for v in varies}}
        results.write(args.out, {"sweep": table}, meta, figures, "sweep.json",
                      lang=args.lang, form=args.format,
                      kinds={"sweep": {v.path: AUTO for v in varies}})
    print(sweep_report.sweep_tables(table, varies, args.lang,
                                    lambda t: target_names.get(t, t)))
    if args.out is not None:
        if len(varies) > 2:
            print(i18n.message("swp_no_plot", args.lang))
        print()
        print(i18n.message("sim_written", args.lang, out=args.out))
    return 0
