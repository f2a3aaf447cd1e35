"""``cau staff SCENARIO``: the fewest level-1 agents per half-hour of the week meeting the
answer-time target, against the scenario's current staffing.

Prints, per weekday, the half-hours where anyone is on duty or needed (offered Erlangs,
agents now, agents needed, the difference marked), the agent-hours per week, and with
``--out FILE.yaml`` writes a scenario overlay (``extends`` the scenario, the needed table
as ``level_one.staffing``) that ``cau simulate`` runs as it is: Erlang A per half-hour is
a first answer, the simulation is the judge.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rules import outputs
from rules.errors import InputFileError
from rules.units import format_duration
from sim.overlay import outside, reading_roots
from sim.scenario import ANY_CALL
from sim.staff_search import SLOTS_PER_DAY, StaffPlan, staff_plan

from . import cli, i18n, options, scenario_options, workbook
from .formats import goal_percent, number, text_table
from .results import readable

if TYPE_CHECKING:
    import pandas as pd

i18n.register(
    {
        "stf_title": {
            "fr": "{scenario} : agents de niveau 1 requis par demi-heure ({model}, {targets})",
            "en": "{scenario}: level-1 agents needed per half-hour ({model}, {targets})",
        },
        "stf_target": {"fr": "{goal} en {threshold} ou moins", "en": "{goal} within {threshold}"},
        "stf_erlang_a": {"fr": "Erlang A, patience moyenne {patience}",
                         "en": "Erlang A, mean patience {patience}"},
        "stf_erlang_c": {"fr": "Erlang C", "en": "Erlang C"},
        "stf_days": {"fr": "lundi,mardi,mercredi,jeudi,vendredi,samedi,dimanche",
                     "en": "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday"},
        "stf_headers": {"fr": "demi-heure,erlangs,actuels,requis,écart",
                        "en": "half-hour,Erlangs,current,needed,difference"},
        "stf_totals": {
            "fr": "Heures-agents par semaine : {current} actuelles, {needed} requises ({diff})",
            "en": "Agent-hours per week: {current} current, {needed} needed ({diff})",
        },
        "stf_caveat": {
            "fr": "Erlang A par demi-heure ignore le travail des courriels et l'attente "
                  "reportée d'une demi-heure à l'autre : la simulation tranche.",
            "en": "Erlang A per half-hour ignores e-mail work and the queue carried from "
                  "one half-hour to the next: the simulation is the judge.",
        },
        "stf_written": {
            "fr": "Variante écrite : {path} ; vérifiez le mois avec : cau simulate {path}{allow}",
            "en": "Overlay written: {path}; check the month with: cau simulate {path}{allow}",
        },
        "stf_table_written": {"fr": "Tableau écrit : {path}", "en": "Table written: {path}"},
        "stf_name": {"fr": "{scenario} — effectifs de cau staff",
                     "en": "{scenario} — staffing from cau staff"},
        "stf_group": {"fr": "Groupe {group} (appels qui lui sont acheminés en premier)",
                      "en": "Group {group} (the calls routed to it first)"},
        "stf_groups_caveat": {
            "fr": "Chaque groupe est dimensionné pour les appels qui lui sont acheminés en "
                  "premier, sans le débordement entre groupes, qui aide.",
            "en": "Each group is staffed for the calls routed to it first, without the "
                  "overflow between groups, which helps.",
        },
    }
)
MARK = "*"  # beside a difference: the half-hour's staffing changes


def register(subparsers: Any) -> None:
    parser = subparsers.add_parser(
        "staff", help=cli.summary("staff"),
        description="The fewest level-1 agents per half-hour of the week meeting the rule "
        "pack's answer-time target (threshold and goal) by Erlang A with the scenario's mean "
        "patience, at each half-hour's busiest occurrence over the horizon, against the "
        "scenario's current staffing. With --out, a scenario overlay to check with "
        "'cau simulate'.",
    )
    scenario_options.add_scenario(parser)
    parser.add_argument("--out", metavar="FILE.yaml",
                        help="write a scenario overlay with the needed staffing table; or, "
                        "with --out FILE.xlsx, the table per half-hour as a workbook")
    options.add_lang(parser, "the output")
    parser.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    scenario, pack = scenario_options.load(args.scenario, args)
    if args.out is not None:  # after loading: the scenario's files are known inputs then
        outputs.claim(args.out, "xlsx" if workbook.is_workbook(args.out) else "yaml", "--out")
    groups = scenario.level_one.groups
    one_pool = len(groups) == 1 and scenario.level_one.routing[0].name == ANY_CALL
    plans: dict[str | None, StaffPlan] = ({None: staff_plan(scenario, pack)} if one_pool
             else {name: staff_plan(scenario, pack, name) for name in groups})
    lang = args.lang
    if args.out is not None:  # written before anything is printed
        try:  # a new folder for the variants, as other commands create theirs
            Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise InputFileError(f"{args.out}: cannot be written ({exc})") from None
        if workbook.is_workbook(args.out):
            meta = {"scenario": scenario.name, "scenario_file": scenario.source,
                    "settings": list(scenario.settings)}
            sheets = {("staff" if group is None else f"staff {group}")[:31]:
                      workbook.Sheet(plan_table(plan, lang)) for group, plan in plans.items()}
            workbook.write(args.out, sheets, lang, meta)
        else:
            options.write_text(args.out, overlay_text(plans, scenario.source, scenario.name,
                                                      args.out, lang))
    first = next(iter(plans.values()))
    model = (i18n.message("stf_erlang_a", lang, patience=format_duration(first.patience))
             if first.patience is not None else i18n.message("stf_erlang_c", lang))
    targets = ", ".join(i18n.message("stf_target", lang, goal=goal_percent(t.goal, lang),
                                     threshold=format_duration(t.threshold))
                        for t in first.targets)
    print(i18n.message("stf_title", lang, scenario=scenario.name, model=model,
                       targets=targets))
    for group, plan in plans.items():
        if group is not None:
            print("\n" + i18n.message("stf_group", lang, group=group))
        for day, name in enumerate(i18n.message("stf_days", lang).split(",")):
            rows = _day_rows(plan, day, lang)
            if rows:
                print(f"\n{name}")
                print(text_table(i18n.message("stf_headers", lang).split(","), rows))
        print()
        print(i18n.message("stf_totals", lang, current=number(plan.current_hours, lang, 1),
                           needed=number(plan.needed_hours, lang, 1),
                           diff=_signed(plan.needed_hours - plan.current_hours, lang, 1)))
    print(i18n.message("stf_caveat", lang))
    if not one_pool:
        print(i18n.message("stf_groups_caveat", lang))
    if args.out is not None:
        print(i18n.message("stf_table_written", lang, path=args.out)
              if workbook.is_workbook(args.out) else
              i18n.message("stf_written", lang, path=args.out,
                           allow=_allow(scenario.source, args.out, args.allow)))
    return 0


def _allow(base: str, out: str, allowed: list[str]) -> str:
    """`` --allow FOLDER`` when the overlay at ``out`` may not read its ``base`` by default
    (outside its folder and the working directory, :func:`sim.overlay.reading_roots`)."""
    if not outside(Path(base), reading_roots(out, allowed)):
        return ""
    return f" --allow {shlex.quote(str(Path(base).resolve().parent))}"


def plan_table(plan: StaffPlan, lang: str) -> pd.DataFrame:
    """The half-hours with anyone on duty, needed or called: offered Erlangs, agents now,
    agents needed and the difference (a half-hour as "lun 07:30")."""
    import numpy as np
    import pandas as pd

    slots = np.flatnonzero((plan.current != 0) | (plan.needed != 0) | (plan.erlangs != 0))
    return readable(pd.DataFrame({
        "halfhour": slots, "erlangs": plan.erlangs[slots], "on_duty": plan.current[slots],
        "needed": plan.needed[slots], "change": plan.needed[slots] - plan.current[slots],
    }), lang)


def _day_rows(plan: StaffPlan, day: int, lang: str) -> list[list[str]]:
    """One row per half-hour of ``day`` with anyone on duty, needed or called."""
    rows = []
    for slot in range(day * SLOTS_PER_DAY, (day + 1) * SLOTS_PER_DAY):
        current, needed = float(plan.current[slot]), int(plan.needed[slot])
        if not (current or needed or plan.erlangs[slot]):
            continue
        diff = needed - current
        clock = f"{slot % SLOTS_PER_DAY // 2:02d}:{30 * (slot % 2):02d}"
        rows.append([clock, number(float(plan.erlangs[slot]), lang, 1),
                     number(current, lang, 0 if current.is_integer() else 1),
                     number(needed, lang), _signed(diff, lang) + (f" {MARK}" if diff else "")])
    return rows


def _signed(value: float, lang: str, digits: int = 0) -> str:
    text = number(abs(value), lang, digits if not float(value).is_integer() else 0)
    return ("+" if value > 0 else "−" if value < 0 else "") + text


def overlay_text(plans: Mapping[str | None, StaffPlan], base: str, name: str, out: str,
                 lang: str = "fr") -> str:
    """A scenario file extending ``base`` (path written relative to ``out``'s folder) whose
    level-1 staffing is each plan's needed table: the one pool's (key None) or each
    group's."""
    extends = Path(os.path.relpath(Path(base).resolve(), Path(out).resolve().parent))
    lines = [
        "# Written by cau staff: the fewest level-1 agents per half-hour meeting the",
        "# answer-time target by Erlang A, which ignores e-mail work and the queue carried",
        "# from one half-hour to the next. Check the month with cau simulate.",
        f"extends: {json.dumps(extends.as_posix(), ensure_ascii=False)}",
        f"name: {json.dumps(i18n.message('stf_name', lang, scenario=name), ensure_ascii=False)}",
        "level_one:",
    ]
    if None not in plans:
        lines.append("  groups:")
    for group, plan in plans.items():
        indent = "  " if group is None else "      "
        if group is not None:
            lines.append(f"    {json.dumps(group, ensure_ascii=False)}:")
        lines += [f"{indent}staffing:", f"{indent}  table:"]
        for days, row in plan.table().items():
            cells = ", ".join(f'"{at}": {count}' for at, count in row.items())
            lines.append(f"{indent}    {days}: {{{cells}}}")
    return "\n".join(lines) + "\n"
