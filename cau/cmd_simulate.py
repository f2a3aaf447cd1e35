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

from . import (
    cli,
    forecast_report,
    i18n,
    replication_options,
    scenario_options,
    simulated_logs,
    workbook,
)

i18n.register(
    {
        "sim_events": {
            "fr": "Journal d'événements simulé (réplication {index}) écrit : {path}",
            "en": "Simulated event log (replication {index}) written: {path}",
        },
    }
)


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help=cli.summary("simulate"),
        description="Simulate a scenario N times and print, per month and target, the "
        "predicted compliance (mean and 95 % confidence interval over replications), the "
        "goal and the probability of meeting it, plus operational figures.",
    )
    replication_options.add_run_options(parser, "CSV, JSON and plots")
    parser.add_argument(
        "--events", metavar="FILE",
        help="write the simulated event log of the first replication to FILE (.csv, "
        ".csv.gz, .parquet), or of each with {rep} in the name (events-{rep}.csv); "
        "cau dashboard on it gives the predicted month's dashboard")
    parser.set_defaults(func=run)


PREFIX = "replications"  # of the store's name in --out


def run(args: argparse.Namespace) -> int:
    scenario, pack = scenario_options.load(args.scenario, args)
    run_hash = replication_options.run_fingerprint(scenario, pack)
    replication_options.prepare_run(args, scenario, run_hash, PREFIX,
                                    forecast_report.file_names(args.format))
    logs = _Logs(args, scenario, pack, run_hash) if args.events else None
    result, store_path = replication_options.run_with_progress(
        args, scenario, pack, run_hash, PREFIX,
        replicate=None if logs is None else logs.replicate,
        on_finished=None if logs is None else logs.finished,
    )
    if logs is not None:
        logs.write_missing()
    lang = args.lang
    names = {t.id: t.name.get(lang) for t in pack.targets}
    if args.out is not None:  # the files first: a reader that stops early loses none
        meta = replication_options.run_meta(args, scenario, pack, run_hash)
        figures = {} if workbook.is_workbook(args.out) else _figures(result, pack, names, lang)
        forecast_report.write_report(args.out, result.forecast, meta, figures,
                                     lang=lang, form=args.format)
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


class _Logs:
    """--events: each wanted replication's log written as it comes back from a worker;
    those the store already held are simulated again here (the same seed, the same log)."""

    def __init__(self, args: argparse.Namespace, scenario: Any, pack: Any, run_hash: str):
        from functools import partial

        from sim.replications import replicate_keeping_logs

        simulated_logs.check_target(args.events)
        self.pattern, self.scenario, self.pack = args.events, scenario, pack
        self.seed, self.lang = args.seed, args.lang
        self.keep = simulated_logs.wanted(args.events, args.replications)
        self.meta = replication_options.run_meta(args, scenario, pack, run_hash)
        self.replicate = partial(replicate_keeping_logs, self.keep)
        self.written: set[int] = set()

    def finished(self, outcome: Any) -> None:
        if outcome.figures.log is not None:
            self._write(outcome.figures.log, outcome.index)

    def write_missing(self) -> None:
        from sim.model import simulate_replication
        from sim.replications import child_seeds

        seeds = child_seeds(self.seed, max(self.keep) + 1)
        for index in sorted(self.keep - self.written):
            log = simulate_replication(self.scenario, self.pack, seeds[index]).log
            self._write(log, index)

    def _write(self, log: Any, index: int) -> None:
        path = simulated_logs.write(log, self.pattern, index, self.pack.zone, self.meta)
        self.written.add(index)
        print(i18n.message("sim_events", self.lang, index=index, path=path), file=sys.stderr)


def _figures(result: Any, pack: Any, names: dict[str, str], lang: str) -> dict[str, Any]:
    from . import plots  # matplotlib only when plots are written

    answer = pack.targets_of("answer_time")
    return {
        "compliance": plots.compliance_forecast(result.forecast.compliance, names, lang),
        "service_level_by_halfhour": plots.service_level_by_halfhour(
            result.forecast.halfhours, answer[0].goal if answer else None, lang
        ),
    }
