"""A scenario in a few lines (French or English) and its capacity warnings, as
``cau validate`` prints them: enough to see that the file says what the planner meant."""

from __future__ import annotations

from rules.pack import RulePack
from sim.demand import horizon_bounds
from sim.scenario import Scenario, ScenarioWarning

from .formats import number
from .i18n import message, register

register({
    "scenario": {"fr": "Scénario « {name} » (paquet de règles {pack})",
                 "en": 'Scenario "{name}" (rule pack {pack})'},
    "scenario_horizon": {"fr": "Horizon : {days} jours dès le {start}",
                         "en": "Horizon: {days} days from {start}"},
    "scenario_warmup": {"fr": "mise en route de {days} jours", "en": "{days}-day warm-up"},
    "scenario_backlog": {"fr": "{count} billets ouverts au départ",
                         "en": "{count} tickets open at the start"},
    "scenario_demand": {"fr": "Demande par mois ({month}) :", "en": "Demand per month ({month}):"},
    "scenario_level_one": {
        "fr": "Niveau 1 ({group}) : jusqu'à {peak} agents en service, {hours} heures-agents "
              "par semaine",
        "en": "Level 1 ({group}): up to {peak} agents on duty, {hours} agent-hours a week",
    },
    "scenario_groups": {"fr": "Groupes de résolution :", "en": "Resolver groups:"},
    "scenario_group": {"fr": "{name} (niveau {level}, {headcount} pers., {on_call} de garde)",
                       "en": "{name} (level {level}, {headcount} people, {on_call} on call)"},
    "scenario_warnings": {"fr": "{warnings} avertissement(s), {notes} note(s) de capacité",
                          "en": "{warnings} capacity warning(s), {notes} note(s)"},
})


def summarise_scenario(scenario: Scenario, pack: RulePack, lang: str) -> str:
    """Horizon, monthly volumes, level-1 staffing, resolver groups, then every warning."""
    horizon = scenario.horizon
    when = [message("scenario_horizon", lang, days=horizon.days, start=horizon.start)]
    if horizon.warmup_days:
        when.append(message("scenario_warmup", lang, days=horizon.warmup_days))
    if horizon.initial_backlog is not None:
        count = sum(n for counts in horizon.initial_backlog.tickets.values()
                    for n in counts.values())
        when.append(message("scenario_backlog", lang, count=count))
    month = f"{horizon.start.year:04d}-{horizon.start.month:02d}"
    scale = scenario.demand.scale
    volumes = " · ".join(f"{s.name} {number(s.volume(month) * scale, lang)}"
                         for s in scenario.demand.streams)
    level_one = scenario.level_one
    _, start, _ = horizon_bounds(scenario, pack.zone)
    end = start + 7 * 86400.0  # a typical week: the shifts as declared, holidays aside
    agents = level_one.staffing.steps(start, end, pack.zone).half_hourly(start, end)["agents"]
    groups = " · ".join(
        message("scenario_group", lang, name=g.name, level=g.level, headcount=g.headcount,
                on_call=g.on_call)
        for g in scenario.escalation.groups.values())
    warnings = [w for w in scenario.warnings if w.severity == "warning"]
    lines = [
        message("scenario", lang, name=scenario.name, pack=pack.id),
        "  " + ", ".join(when),
        f"  {message('scenario_demand', lang, month=month)} {volumes}",
        "  " + message("scenario_level_one", lang, group=level_one.group,
                       peak=number(agents.max(), lang),
                       hours=number(agents.sum() / 2, lang)),
        f"  {message('scenario_groups', lang)} {groups}",
        "  " + message("scenario_warnings", lang, warnings=len(warnings),
                       notes=len(scenario.warnings) - len(warnings)),
        *(f"  {_mark(w)} {w}" for w in scenario.warnings),
    ]
    return "\n".join(lines)


def _mark(warning: ScenarioWarning) -> str:
    return "!" if warning.severity == "warning" else "·"
