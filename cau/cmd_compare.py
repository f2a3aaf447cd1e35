"""``cau compare SCENARIO…``: scenarios side by side on one set of random numbers.

Every scenario runs ``--replications`` replications from the same ``--seed``, so
replication ``i`` of each draws the same arrivals, durations and patiences wherever the
models agree (common random numbers, :mod:`sim.comparison`); the report gives, per month
and target, each scenario's predicted compliance, P(goal met), and its difference to the
first with a paired interval, then the operational figures side by side. A scenario may
carry settings of its own (``FILE+PATH=VALUE``); ``--set`` sets a value in all. With
``--out DIR``: CSV, JSON, one plot per target, and one results store per scenario (an
interrupted comparison resumes, and ``cau simulate --out DIR`` shares them).
"""

from __future__ import annotations

import argparse
from typing import Any

from . import cli, i18n, replication_options, results, scenario_options

PREFIX = "replications"  # of the stores' names in --out: shared with cau simulate
TABLES: tuple[str, ...] = ("compare", "compare-operations")

def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "compare",
        help=cli.summary("compare"),
        description="Simulate several scenarios on the same random numbers (one seed) and "
        "print, per month and target, each one's predicted compliance (mean, 95 %% CI), "
        "P(goal met), and its difference to the first scenario with a paired 95 %% "
        "interval; then the operational figures side by side.",
    )
    replication_options.add_run_options(parser, "CSV, JSON and a plot per target", many=True)
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from sim.comparison import compare_compliance, compare_operations

    from . import compare_report
    from .workbook import NUMBER, is_workbook

    specs = args.scenarios
    loaded = [scenario_options.load(spec.file, args, spec.settings) for spec in specs]
    labels = unique_labels([spec.label for spec in specs])
    first = loaded[0][1]
    names = results.file_names(args.format, list(TABLES), "compare.json",
                               [f"compare-{t.id}" for t in first.targets])
    hashes = [replication_options.run_fingerprint(scenario, pack) for scenario, pack in loaded]
    for spec, (scenario, _), run_hash in zip(specs, loaded, hashes, strict=True):
        replication_options.prepare_run(args, scenario, run_hash, PREFIX, names, spec.file)
    done, metas = [], []
    for label, (scenario, pack), run_hash in zip(labels, loaded, hashes, strict=True):
        result, store_path = replication_options.run_with_progress(
            args, scenario, pack, run_hash, PREFIX)
        print(i18n.message("cmp_run", args.lang, label=label, replications=args.replications,
                           seed=args.seed, computed=result.computed, reused=result.reused,
                           store=store_path))
        done.append(result)
        metas.append({"label": label,
                      **replication_options.run_meta(args, scenario, pack, run_hash)})
    print()
    comparison = compare_compliance([r.monthly for r in done], labels)
    operations = compare_operations([r.forecast.operations for r in done], labels)
    target_names = {t.id: t.name.get(args.lang) for t in first.targets}
    if args.out is not None:  # the files first: a reader that stops early loses none
        figures = {} if is_workbook(args.out) else compare_report.plots_by_target(
            comparison, target_names, args.lang, [t.id for t in first.targets])
        meta = {"seed": args.seed, "replications": args.replications, "scenarios": metas}
        results.write(args.out, dict(zip(TABLES, (comparison, operations), strict=True)),
                      meta, figures, "compare.json", lang=args.lang, form=args.format,
                      kinds={"compare-operations": {label: NUMBER for label in labels}})
    print(compare_report.comparison_tables(comparison, operations, args.lang,
                                           lambda t: target_names.get(t, t), args.seed))
    if args.out is not None:
        print()
        print(i18n.message("sim_written", args.lang, out=args.out))
    return 0


def unique_labels(labels: list[str]) -> list[str]:
    """Labels made distinct: a repeated one gets " (2)", " (3)"…"""
    seen: dict[str, int] = {}
    unique = []
    for label in labels:
        seen[label] = seen.get(label, 0) + 1
        unique.append(label if seen[label] == 1 else f"{label} ({seen[label]})")
    return unique
