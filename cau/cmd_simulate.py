"""``cau simulate SCENARIO``: replications of a scenario and the forecast they make.

Runs ``--replications`` replications seeded from ``--seed`` (in this process, a pool of
``--workers`` processes, or on Dask), keeps each finished replication in a SQLite store
so that an interrupted run resumes, and reports per month and target the predicted
compliance (mean, 95 % CI), the goal and the probability of meeting it, plus the
operational figures. With ``--out DIR`` it also writes CSV, JSON and plots.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from sim.scenario_loader import load_scenario

from . import cli, forecast_report, i18n, replication_options


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help=cli.summary("simulate"),
        description="Simulate a scenario N times and print, per month and target, the "
        "predicted compliance (mean and 95 % confidence interval over replications), the "
        "goal and the probability of meeting it, plus operational figures.",
    )
    replication_options.add_run_options(parser, "CSV, JSON and plots")
    parser.set_defaults(func=run)


PREFIX = "replications"  # of the store's name in --out


def run(args: argparse.Namespace) -> int:
    scenario, pack = load_scenario(args.scenario, args.allow)
    run_hash = replication_options.run_fingerprint(scenario, pack)
    replication_options.prepare_run(args, scenario, run_hash, PREFIX,
                                    forecast_report.file_names())
    result, store_path = replication_options.run_with_progress(
        args, scenario, pack, run_hash, PREFIX
    )
    lang = args.lang
    names = {t.id: t.name.get(lang) for t in pack.targets}
    if args.out is not None:  # the files first: a reader that stops early loses none
        from . import plots  # matplotlib only when plots are written

        meta = replication_options.run_meta(args, scenario, pack, run_hash)
        answer = pack.targets_of("answer_time")
        figures = {
            "compliance": plots.compliance_forecast(result.forecast.compliance, names, lang),
            "service_level_by_halfhour": plots.service_level_by_halfhour(
                result.forecast.halfhours, answer[0].goal if answer else None, lang,
                names[answer[0].id] if answer else None,  # the first: a pack may have several
            ),
        }
        forecast_report.write_report(args.out, result.forecast, meta, figures)
    print(
        i18n.message(
            "sim_run",
            lang,
            scenario=scenario.name,
            replications=args.replications,
            seed=args.seed,
            computed=result.computed,
            reused=result.reused,
            store=store_path,
        )
    )
    print(i18n.message("sim_engine", lang,
                       engine=i18n.message(f"engine_{scenario.level_one.engine}", lang)))
    print()
    forecast_report.print_report(result.forecast, lang, lambda t: names.get(t, t), sys.stdout)
    if args.out is not None:
        print()
        print(i18n.message("sim_written", lang, out=args.out))
    return 0
