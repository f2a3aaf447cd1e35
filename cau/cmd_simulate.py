"""``cau simulate SCENARIO``: replications of a scenario and the forecast they make.

Runs ``--replications`` replications seeded from ``--seed`` (in this process, a pool of
``--workers`` processes, or on Dask), keeps each finished replication in a SQLite store
so that an interrupted run resumes, and reports per month and target the predicted
compliance (mean, 95 % CI), the goal and the probability of meeting it, plus the
operational figures. With ``--out DIR`` it also writes CSV, JSON and plots.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

import rules
import sim
from rules.eventlog import make_directory
from rules.pack import RulePack
from sim.replications import Cluster, run_replications
from sim.scenario import Scenario
from sim.scenario_loader import load_scenario
from sim.store import ResultStore, fingerprint

from . import forecast_report, i18n, options, plots
from .scenario_summary import warning_text


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "simulate",
        help="simulate a scenario and forecast compliance with every target",
        description="Simulate a scenario N times and print, per month and target, the "
        "predicted compliance (mean and 95 % confidence interval over replications), the "
        "goal and the probability of meeting it, plus operational figures.",
    )
    parser.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    parser.add_argument(
        "--replications",
        "-n",
        type=options.whole_number(1),
        default=20,
        metavar="N",
        help="number of replications (default: 20)",
    )
    parser.add_argument(
        "--seed",
        type=options.whole_number(0, "a seed"),
        default=1,
        metavar="S",
        help="seed of the run; the same seed gives the same numbers (default: 1)",
    )
    parser.add_argument(
        "--workers",
        type=options.whole_number(1),
        default=os.cpu_count() or 1,
        metavar="K",
        help="worker processes (default: one per CPU)",
    )
    parser.add_argument(
        "--out", type=Path, metavar="DIR", help="write CSV, JSON and plots into DIR"
    )
    parser.add_argument(
        "--store",
        metavar="FILE",
        help="SQLite file keeping finished replications, to resume an "
        "interrupted run (default: one per scenario version and seed in "
        "DIR, or none without --out)",
    )
    options.add_lang(parser, "the report and the warnings")
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--scheduler",
        metavar="ADDRESS",
        help="run on the Dask cluster of this scheduler (tcp://host:8786)",
    )
    where.add_argument(
        "--dask-local", action="store_true", help="run on a local Dask cluster of K workers"
    )
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    parser.set_defaults(func=run)


def run_fingerprint(scenario: Scenario, pack: RulePack) -> str:
    """What stored numbers depend on: the scenario file and those it extends, the pack
    file, and the code itself (so a store never serves replications that an older model
    or an edited base produced)."""
    code = sorted(
        path
        for package in (rules, sim)
        for path in Path(package.__file__ or "").parent.glob("*.py")
    )
    return fingerprint(scenario.source, *scenario.bases, pack.source, *code)


def run(args: argparse.Namespace) -> int:
    scenario, pack = load_scenario(args.scenario)
    for warning in scenario.warnings:  # capacity checks: a valid scenario, but a risky one
        print(f"{args.scenario}: {warning_text(warning, args.lang)}", file=sys.stderr)
    if args.out is not None:  # before running: a bad --out must not waste the run
        make_directory(args.out)
    scenario_hash = run_fingerprint(scenario, pack)
    store_path = args.store
    if store_path is None:
        store_path = (
            args.out / f"replications-{scenario_hash[:12]}-seed{args.seed}.sqlite"
            if args.out is not None
            else ":memory:"
        )
    cluster = Cluster(workers=args.workers, scheduler=args.scheduler, dask_local=args.dask_local)
    with ResultStore(store_path, scenario_hash=scenario_hash, seed=args.seed) as store:
        already = len(store.finished() & set(range(args.replications)))
        with tqdm(
            total=args.replications,
            initial=already,
            unit=" rép" if args.lang == "fr" else " rep",
            file=sys.stderr,
            disable=args.quiet or not sys.stderr.isatty(),
        ) as bar:
            result = run_replications(
                scenario,
                pack,
                replications=args.replications,
                seed=args.seed,
                store=store,
                cluster=cluster,
                on_finished=lambda _: bar.update(),
            )
    lang = args.lang
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
    print()
    names = {t.id: t.name.get(lang) for t in pack.targets}
    forecast_report.print_report(result.forecast, lang, lambda t: names.get(t, t), sys.stdout)
    if args.out is not None:
        meta = {
            "scenario": scenario.name,
            "scenario_file": scenario.source,
            "rule_pack": pack.source,
            "seed": args.seed,
            "replications": args.replications,
            "scenario_hash": scenario_hash,
        }
        answer = pack.targets_of("answer_time")
        figures = {
            "compliance": plots.compliance_forecast(result.forecast.compliance, names, lang),
            "service_level_by_halfhour": plots.service_level_by_halfhour(
                result.forecast.halfhours, answer[0].goal if answer else None, lang
            ),
        }
        forecast_report.write_report(args.out, result.forecast, meta, figures)
        print()
        print(i18n.message("sim_written", lang, out=args.out))
    return 0
