"""A scenario in a few lines (French or English) and its capacity warnings, as
``cau validate`` prints them: enough to see that the file says what the planner meant.
``cau simulate`` prints the warnings the same way (:func:`warning_text`)."""

from __future__ import annotations

from rules.pack import RulePack
from rules.units import format_duration
from sim.capacity import TEXTS, WEEKS, WHERE, wording
from sim.demand import horizon_bounds
from sim.scenario import (
    ANY_CALL,
    AgentGroup,
    CallType,
    LevelOne,
    ResolverGroup,
    Scenario,
    ScenarioWarning,
)

from .formats import number, percent
from .i18n import message, register

# French words of the capacity warnings; the English ones are sim.capacity's own.
FRENCH: dict[str, tuple[str, str]] = {
    "calls_overload": (
        "les appels offrent jusqu'à {erlangs} erlangs (taux d'arrivée × {handling} min de "
        "traitement moyen, travail après appel compris) pour {agents:~agent|agents} en service : "
        "utilisation {utilisation} ({weeks})",
        "la file grandit sans limite à ces heures : mettre plus de {floor:~agent|agents} en "
        "service",
    ),
    "answer_short": (
        "Erlang C répond à {level} des appels en {threshold} s ou moins avec "
        "{agents:~agent|agents} pour {erlangs} erlangs, sous l'objectif de {goal} de la "
        "cible {target} ({weeks})",
        "{needed:~agent|agents} en service l'atteindraient (Erlang C ignore les abandons : c'est "
        "une première réponse pessimiste, simuler pour voir le mois)",
    ),
    "agent_time": (
        "les appels et les courriels offrent {work} h de travail d'agent en {month} pour "
        "{time:~heure-agent|heures-agents} en service (utilisation {utilisation})",
        "la réserve de courriels grandit sans limite : ajouter des agents ou des quarts",
    ),
    "group_overload": (
        "{offered} h de travail offertes en {month} (billets acheminés × temps de travail "
        "effectif moyen, attentes exclues) pour {headcount:~personne|personnes} × {hours} heures "
        "d'ouverture = {capacity} h (utilisation {utilisation})",
        "sa réserve grandit sans limite : au moins {people:~personne|personnes} la porteraient",
    ),
}
FRENCH["calls_no_agent"] = (
    "les appels offrent jusqu'à {erlangs} erlangs sans aucun agent en service ({weeks})",
    FRENCH["calls_overload"][1],
)
FRENCH["calls_overload_abandon"] = (
    FRENCH["calls_overload"][0],
    "les appelants raccrochent plutôt que d'attendre : Erlang A (patience moyenne "
    "{patience} min) en prévoit {abandon} qui abandonnent ; mettre plus de {floor:~agent|agents} "
    "en service",
)
FRENCH["calls_no_agent_abandon"] = (
    FRENCH["calls_no_agent"][0],
    "tous les appelants raccrochent après avoir attendu en vain : mettre des agents en "
    "service",
)
register({
    **{f"capacity_{kind}": {"fr": FRENCH[kind][0], "en": what}
       for kind, (what, _) in TEXTS.items()},
    **{f"capacity_{kind}_suggestion": {"fr": FRENCH[kind][1], "en": suggestion}
       for kind, (_, suggestion) in TEXTS.items()},
    "capacity_where": {"fr": WHERE, "en": WHERE},
    "capacity_weeks": {"fr": "{count:~{day}|{day}s} sur {out_of}", "en": WEEKS},
    "capacity_warning": {"fr": "avertissement", "en": "warning"},
    "capacity_note": {"fr": "note", "en": "note"},
    "capacity_line": {"fr": "{severity} : {where} : {what}. {suggestion}",
                      "en": "{severity}: {where}: {what}. {suggestion}"},
})

register({
    "scenario": {"fr": "Scénario « {name} » (paquet de règles {pack})",
                 "en": 'Scenario "{name}" (rule pack {pack})'},
    "scenario_horizon": {"fr": "Horizon : {days:~jour|jours} dès le {start}",
                         "en": "Horizon: {days:~day|days} from {start}"},
    "scenario_warmup": {"fr": "mise en route de {days:~jour|jours}", "en": "{days}-day warm-up"},
    "scenario_backlog": {"fr": "{count:~billet ouvert|billets ouverts} au départ",
                         "en": "{count:~ticket|tickets} open at the start"},
    "scenario_demand": {"fr": "Demande par mois ({month}) :", "en": "Demand per month ({month}):"},
    # A stream as the summary names it (its ``Stream.name`` in English).
    "scenario_stream_phone": {"fr": "téléphone option {option}", "en": "phone option {option}"},
    "scenario_stream_email": {"fr": "courriel", "en": "email"},
    "scenario_level_one": {
        "fr": "Niveau 1 ({group}) : jusqu'à {peak:~agent|agents} en service, "
              "{hours:~heure-agent|heures-agents} par semaine ; moteur : {engine}",
        "en": "Level 1 ({group}): up to {peak:~agent|agents} on duty, "
              "{hours:~agent-hour|agent-hours} a week; engine: {engine}",
    },
    "engine_recursion": {
        "fr": "chemin rapide (récursion : un groupe, premier arrivé, premier servi)",
        "en": "fast path (recursion: one group, first come, first served)",
    },
    "engine_simpy": {"fr": "modèle SimPy des groupes d'agents",
                     "en": "SimPy model of the agent groups"},
    "scenario_agent_group": {
        "fr": "{name} : jusqu'à {peak} agents, {hours} heures-agents par semaine ; "
              "compétences : {skills}{emails} ; fin de quart : {policy}",
        "en": "{name}: up to {peak} agents, {hours} agent-hours a week; skills: {skills}"
              "{emails}; at shift end: {policy}",
    },
    "scenario_emails": {"fr": ", courriels", "en": ", e-mails"},
    "policy_finish": {"fr": "terminer le travail en cours", "en": "finish the work in hand"},
    "policy_hand_back": {"fr": "le remettre à la file", "en": "hand it back to the queue"},
    "scenario_routing": {"fr": "Acheminement : {routes}", "en": "Routing: {routes}"},
    "scenario_route": {"fr": "{name} → {first}{extra}", "en": "{name} → {first}{extra}"},
    "scenario_overflow": {"fr": "débordement vers {others} après {after}",
                          "en": "overflow to {others} after {after}"},
    "scenario_overflow_now": {"fr": "débordement vers {others} dès qu'un agent est libre",
                              "en": "overflow to {others} as soon as an agent is idle"},
    "scenario_priority": {"fr": "priorité {rank}", "en": "priority {rank}"},
    "scenario_groups": {"fr": "Groupes de résolution :", "en": "Resolver groups:"},
    "scenario_group": {"fr": "{name} (niveau {level}, {headcount:~personne|personnes}, "
                             "{on_call} de garde{holds})",
                       "en": "{name} (level {level}, {headcount:~person|people}, {on_call} on "
                             "call{holds})"},
    # The share of each priority's tickets put on hold (no one busy, the clock running).
    "scenario_holds": {"fr": ", en attente d'un tiers : {shares}",
                       "en": ", on hold with others: {shares}"},
    "scenario_warnings": {"fr": "{warnings:~avertissement|avertissements}, {notes:~note|notes} "
                                "de capacité",
                          "en": "{warnings:~capacity warning|capacity warnings}, "
                                "{notes:~note|notes}"},
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
    volumes = " · ".join(f"{message(f'scenario_stream_{s.channel}', lang, option=s.option)} "
                         f"{number(s.volume(month) * scale, lang)}"
                         for s in scenario.demand.streams)
    level_one = scenario.level_one
    _, start, _ = horizon_bounds(scenario, pack.zone)
    end = start + 7 * 86400.0  # a typical week: the shifts as declared, holidays aside
    agents = level_one.staffing.steps(start, end, pack.zone).half_hourly(start, end)
    desk = [
        "  " + message("scenario_level_one", lang, group=", ".join(level_one.groups),
                       peak=number(agents.max(), lang), hours=number(agents.sum() / 2, lang),
                       engine=message(f"engine_{level_one.engine}", lang)),
    ]
    if len(level_one.groups) > 1 or level_one.routing[0].name != ANY_CALL:
        desk += [f"    {_agent_group(g, start, end, pack.zone, lang)}"
                 for g in level_one.groups.values()]
        desk.append("    " + message("scenario_routing", lang, routes=" · ".join(
            _route(level_one, t, lang) for t in level_one.routing)))
    groups = " · ".join(
        message("scenario_group", lang, name=g.name, level=g.level, headcount=g.headcount,
                on_call=g.on_call, holds=_holds(g, lang))
        for g in scenario.escalation.groups.values())
    warnings = [w for w in scenario.warnings if w.severity == "warning"]
    lines = [
        message("scenario", lang, name=scenario.name, pack=pack.id),
        "  " + ", ".join(when),
        f"  {message('scenario_demand', lang, month=month)} {volumes}",
        *desk,
        f"  {message('scenario_groups', lang)} {groups}",
        "  " + message("scenario_warnings", lang, warnings=len(warnings),
                       notes=len(scenario.warnings) - len(warnings)),
        *(f"  {_mark(w)} {warning_text(w, lang)}" for w in scenario.warnings),
    ]
    return "\n".join(lines)


def _agent_group(group: AgentGroup, start: float, end: float, zone: str, lang: str) -> str:
    """A level-1 group: its agents over a typical week, skills, e-mails, shift-end policy."""
    agents = group.staffing.steps(start, end, zone).half_hourly(start, end)
    return message("scenario_agent_group", lang, name=group.name,
                   peak=number(agents.max(), lang), hours=number(agents.sum() / 2, lang),
                   skills=", ".join(group.skills),
                   emails=message("scenario_emails", lang) if group.emails else "",
                   policy=message(f"policy_{group.at_shift_end}", lang))


def _route(level_one: LevelOne, call_type: CallType, lang: str) -> str:
    """A call type: its first group, where it overflows and when, its priority."""
    extra = []
    others = ", ".join(level_one.skilled(call_type)[1:])
    if call_type.overflow_after is not None and others:
        extra.append(message("scenario_overflow_now", lang, others=others)
                     if call_type.overflow_after == 0 else
                     message("scenario_overflow", lang, others=others,
                             after=format_duration(call_type.overflow_after)))
    if call_type.priority is not None:
        extra.append(message("scenario_priority", lang, rank=call_type.priority))
    return message("scenario_route", lang, name=call_type.name, first=call_type.first,
                   extra=f" ({(' ; ' if lang == 'fr' else '; ').join(extra)})" if extra else "")


def _holds(group: ResolverGroup, lang: str) -> str:
    """", on hold with others: P3 72 % · P4 66 %", or nothing for a group without holds."""
    shares = [f"{code} {percent(hold.probability, lang, 0)}"
              for code, hold in group.hold.items() if hold.probability > 0]
    return message("scenario_holds", lang, shares=" · ".join(shares)) if shares else ""


def warning_text(warning: ScenarioWarning, lang: str) -> str:
    """One line: severity, place, what and suggestion, in ``lang`` (a warning built without
    a ``kind`` has only its own English words)."""
    if not warning.kind:
        return str(warning)
    words = wording(warning.values, number=lambda v, d: number(v, lang, d),
                    percent=lambda v, d: percent(v, lang, d),
                    days=message("weekdays_long", lang).split(","),
                    weeks=lambda **parts: message("capacity_weeks", lang, **parts))
    where = message("capacity_where", lang, **words) if "span" in words else words["path"]
    return message(
        "capacity_line", lang, severity=message(f"capacity_{warning.severity}", lang),
        where=where, what=message(f"capacity_{warning.kind}", lang, **words),
        suggestion=message(f"capacity_{warning.kind}_suggestion", lang, **words))


def _mark(warning: ScenarioWarning) -> str:
    return "!" if warning.severity == "warning" else "·"
