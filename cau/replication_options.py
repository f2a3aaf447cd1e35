"""What ``cau simulate`` and ``cau targets`` share: the options of a run of replications,
its scenario loading (with the capacity warnings), its store and its progress bar."""

from __future__ import annotations

import argparse
import hashlib
import os
import sys
from pathlib import Path
from typing import Any

from tqdm import tqdm

import rules
import sim
from rules import outputs
from rules.errors import CauError
from rules.pack import RulePack
from sim.replications import (
    Cluster,
    RunResult,
    Variant,
    check_replications,
    run_replications,
    scheduler_address,
)
from sim.scenario import Scenario
from sim.store import ResultStore, fingerprint

from . import i18n, options, results, scenario_options, workbook
from .scenario_summary import warning_text

i18n.register(
    {
        "run_interrupted": {
            "fr": "interrompu : {kept:~réplication conservée|réplications conservées} sur "
            "{total} dans {store} ; relancer la même commande reprend là où elle s'est arrêtée",
            "en": "interrupted: {kept} of {total:~replication|replications} kept in {store}; "
            "run the same command again to resume where it stopped",
        },
        "run_interrupted_memory": {
            "fr": "interrompu : rien n'est conservé (ni --out ni --store) ; avec --out DOSSIER "
            "ou --store FICHIER, une exécution interrompue reprend où elle s'est arrêtée",
            "en": "interrupted: nothing is kept (neither --out nor --store); with --out DIR "
            "or --store FILE an interrupted run resumes where it stopped",
        },
    }
)


def add_run_options(parser: argparse.ArgumentParser, outputs: str, *, many: bool = False,
                    runs: bool = False) -> None:
    """SCENARIO (SCENARIO… with ``many``), --set, --replications, --seed, --workers, --out,
    --store (not with ``many`` or ``runs``: several runs keep one store each in DIR), Dask,
    --lang, --quiet."""
    scenario_options.add_scenario(parser, many=many)
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
    parser.add_argument("--out", type=Path, metavar="DIR",
                        help=f"write {outputs} into DIR, with a store of the finished "
                        "replications of each run (an interrupted run resumes); or only "
                        "the tables as a workbook: --out FILE.xlsx")
    results.add_format(parser)
    if not (many or runs):
        parser.add_argument(
            "--store",
            metavar="FILE",
            help="SQLite file keeping finished replications, to resume an interrupted run "
            "(default: one per scenario version and seed in DIR, or none without --out)",
        )
    where = parser.add_mutually_exclusive_group()
    where.add_argument(
        "--scheduler",
        type=_scheduler,
        metavar="ADDRESS",
        help="run on the Dask cluster of this scheduler (tcp://host:8786)",
    )
    where.add_argument(
        "--dask-local", action="store_true", help="run on a local Dask cluster of K workers"
    )
    options.add_lang(parser, "the report, the plots and the warnings")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")


def _scheduler(text: str) -> str:
    try:
        return scheduler_address(text)
    except CauError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def prepare_run(
    args: argparse.Namespace, scenario: Scenario, run_hash: str, prefix: str, names: list[str],
    path: str | None = None,
) -> None:
    """Refuse an absurd --replications, print the capacity warnings of the scenario
    (given as ``path``, by default SCENARIO), then check the outputs (the store, and the
    files ``names`` in --out), before running: a bad --out must not waste the run."""
    large = check_replications(args.replications)
    if large is not None:
        print(f"{path or args.scenario}: warning: {large}", file=sys.stderr)
    for warning in scenario.warnings:  # capacity checks: a valid scenario, but a risky one
        print(f"{path or args.scenario}: {warning_text(warning, args.lang)}", file=sys.stderr)
    book = workbook.is_workbook(args.out)
    if args.out is not None:
        if book:
            outputs.claim(args.out, "xlsx", "--out")
        else:
            outputs.claim_folder(args.out, names, "--out")
    store = store_path(args, run_hash, prefix)
    if store != ":memory:":
        given = getattr(args, "store", None) is not None
        outputs.claim(store, "results store", "--store" if given else "--out (store)")
    if args.out is not None:
        outputs.make_directory(args.out.parent if book else args.out)


def store_path(args: argparse.Namespace, run_hash: str, prefix: str) -> str:
    """``--store``, or one per scenario version and seed in --out, or none (in memory)."""
    if getattr(args, "store", None) is not None:  # one run only (not compare, sweep)
        return str(args.store)
    if args.out is None or workbook.is_workbook(args.out):  # a workbook alone: no folder
        return ":memory:"
    return str(args.out / f"{prefix}-{run_hash[:12]}-seed{args.seed}.sqlite")


def run_fingerprint(scenario: Scenario, pack: RulePack, *extra: str) -> str:
    """What stored numbers depend on: the scenario file and those it extends, the pack
    file, the code itself (so a store never serves replications that an older model or
    an edited base produced), the ``--set`` values over it, and ``extra`` (e.g. the target
    levels judged)."""
    code = sorted(
        path
        for package in (rules, sim)
        for path in Path(package.__file__ or "").parent.glob("*.py")
    )
    files = fingerprint(scenario.source, *scenario.bases, pack.source, *code)
    extra = (*(f"--set {s}" for s in scenario.settings), *extra)
    if not extra:
        return files
    return hashlib.sha256("\n".join((files, *extra)).encode()).hexdigest()


def run_with_progress(
    args: argparse.Namespace,
    scenario: Scenario,
    pack: RulePack,
    run_hash: str,
    prefix: str,
    variants: tuple[Variant, ...] = (),
    replicate: Any = None,
    on_finished: Any = None,
) -> tuple[RunResult, Any]:
    """Run (or resume) the replications into their store, with a progress bar on a TTY;
    returns the result and where the store is. ``replicate`` and ``on_finished`` are
    :func:`sim.replications.run_replications`'s (the bar is updated too)."""
    path = store_path(args, run_hash, prefix)
    cluster = Cluster(workers=args.workers, scheduler=args.scheduler, dask_local=args.dask_local)

    def finished(outcome: Any) -> None:
        bar.update()
        if on_finished is not None:
            on_finished(outcome)

    with ResultStore(path, scenario_hash=run_hash, seed=args.seed) as store:
        already = len(store.finished() & set(range(args.replications)))
        with tqdm(
            total=args.replications,
            initial=already,
            unit=" rép" if args.lang == "fr" else " rep",
            file=sys.stderr,
            disable=args.quiet or not sys.stderr.isatty(),
        ) as bar:
            try:
                result = run_replications(
                    scenario,
                    pack,
                    replications=args.replications,
                    seed=args.seed,
                    store=store,
                    cluster=cluster,
                    on_finished=finished,
                    replicate=replicate,
                    variants=variants,
                )
            except KeyboardInterrupt:
                bar.close()
                kept = len(store.finished() & set(range(args.replications)))
                print(i18n.message("run_interrupted", args.lang, kept=kept,
                                   total=args.replications, store=path)
                      if path != ":memory:" else
                      i18n.message("run_interrupted_memory", args.lang), file=sys.stderr)
                raise
    return result, path


def run_meta(
    args: argparse.Namespace, scenario: Scenario, pack: RulePack, run_hash: str
) -> dict[str, Any]:
    """What every written result says about the run that made it."""
    return {
        "scenario": scenario.name,
        "scenario_file": scenario.source,
        "settings": list(scenario.settings),
        "rule_pack": pack.source,
        "seed": args.seed,
        "replications": args.replications,
        "run_hash": run_hash,
        "level_one_engine": scenario.level_one.engine,
    }
