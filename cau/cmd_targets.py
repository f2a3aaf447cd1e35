"""``cau targets SCENARIO --target P3 --thresholds 8h,10h,12h --goals 80%,85%,90%``.

The manager's question: which target levels can be promised with today's staff? The
scenario is simulated once per replication (seeded as ``cau simulate``), and each
replication's event log is measured against every candidate level; the report gives, per
month, the predicted compliance of each threshold and the probability of meeting each
goal, the current level starred. With ``--out DIR``: CSV, JSON and one heat-map per target.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from rules.errors import CauError
from rules.units import DURATION_EXAMPLE, PERCENT_EXAMPLE, parse_duration, parse_percent
from sim.target_grid import TargetGrid, grid_forecast, grid_variants, target_grid

from . import cli, i18n, replication_options, scenario_options, targets_report

i18n.register(
    {
        "tg_run": {
            "fr": "{scenario} : {replications:~réplication|réplications}, germe {seed}, "
            "{variants:~niveau de cible mesuré|niveaux de cible mesurés} sur chacune "
            "({computed:~calculée|calculées}, {reused:~reprise|reprises} du stockage {store})",
            "en": "{scenario}: {replications:~replication|replications}, seed {seed}, "
            "{variants:~target level|target levels} measured on each "
            "({computed} computed, {reused} taken from the store {store})",
        },
    }
)


PREFIX = "targets"  # of the store's name in --out


def listed(parse: Callable[[str], float], example: str) -> Callable[[str], list[float]]:
    """An argument type: comma-separated values, each read by ``parse``."""

    def read(text: str) -> list[float]:
        values = []
        for part in text.split(","):
            try:
                values.append(parse(part.strip()))
            except ValueError:
                raise argparse.ArgumentTypeError(
                    f'expected a comma-separated list of {example}, found "{part.strip()}"'
                ) from None
        return values

    return read


@dataclass
class Candidates:
    """One ``--target`` and the levels given after it (before the next ``--target``)."""

    key: str
    thresholds: list[float] = field(default_factory=list)
    goals: list[float] = field(default_factory=list)


class TargetAction(argparse.Action):
    """``--target KEY`` opens a group; ``--thresholds`` and ``--goals`` fill the last one."""

    def __call__(
        self,
        parser: argparse.ArgumentParser,
        namespace: argparse.Namespace,
        values: Any,
        option_string: str | None = None,
    ) -> None:
        groups: list[Candidates] = list(getattr(namespace, "groups", None) or [])
        if self.dest == "target":
            groups.append(Candidates(values))
        elif not groups:
            parser.error(f"{option_string} comes after the --target it is for")
        else:
            getattr(groups[-1], self.dest).extend(values)
        namespace.groups = groups


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "targets",
        help=cli.summary("targets"),
        description="Simulate a scenario N times and judge every replication against "
        "candidate thresholds and goals of a target: per month, the predicted compliance "
        "of each threshold (mean, 95 % CI) and the probability of meeting each goal "
        "(share of replications, Wilson interval). Repeat --target, each followed by "
        "its own --thresholds and --goals, to judge several targets.",
    )
    replication_options.add_run_options(parser, "CSV, JSON and heat-maps")
    parser.add_argument(
        "--target",
        action=TargetAction,
        required=True,
        metavar="TARGET",
        help="target id (retablissement-p3) or priority code (P3); may be repeated, "
        "each followed by its own --thresholds and --goals",
    )
    parser.add_argument(
        "--thresholds",
        action=TargetAction,
        type=listed(parse_duration, DURATION_EXAMPLE),
        metavar="LIST",
        help="candidate thresholds of the --target before, e.g. 8h,10h,12h "
        "(the current one is always added)",
    )
    parser.add_argument(
        "--goals",
        action=TargetAction,
        type=listed(parse_percent, PERCENT_EXAMPLE),
        metavar="LIST",
        help="candidate goals of the --target before, e.g. 80%%,85%%,90%% "
        "(the current one is always added)",
    )
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    scenario, pack = scenario_options.load(args.scenario, args)
    grids: list[TargetGrid] = [
        target_grid(pack, group.key, group.thresholds, group.goals) for group in args.groups
    ]
    if len({g.target for g in grids}) < len(grids):
        raise CauError("a target is named twice: give each --target once")
    variants = grid_variants(pack, grids)
    run_hash = replication_options.run_fingerprint(scenario, pack, *(v.name for v in variants))
    replication_options.prepare_run(args, scenario, run_hash, PREFIX,
                                    targets_report.file_names(grids, args.format))
    result, store_path = replication_options.run_with_progress(
        args, scenario, pack, run_hash, PREFIX, tuple(variants)
    )
    lang = args.lang
    grid = grid_forecast(result.variants, grids)
    names = {t.id: t.name.get(lang) for t in pack.targets}
    if args.out is not None:  # the files first: a reader that stops early loses none
        meta = replication_options.run_meta(args, scenario, pack, run_hash)
        targets_report.write_report(args.out, grid, grids, meta, names, lang,
                                    args.format)
    print(
        i18n.message(
            "tg_run",
            lang,
            scenario=scenario.name,
            replications=args.replications,
            seed=args.seed,
            variants=len(variants),
            computed=result.computed,
            reused=result.reused,
            store=store_path,
        )
    )
    print()
    targets_report.print_report(grid, grids, lang, lambda t: names.get(t, t), sys.stdout)
    if args.out is not None:
        print()
        print(i18n.message("sim_written", lang, out=args.out))
    return 0
