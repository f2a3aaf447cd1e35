"""What every command reading a scenario shares: the SCENARIO argument and ``--set
PATH=VALUE`` (repeatable), an overlay without a file validated like one
(:mod:`sim.settings`), every problem located at the option that caused it."""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from . import options

if TYPE_CHECKING:  # the simulator is imported by the commands that load a scenario
    from rules.pack import RulePack
    from sim.scenario import Scenario
    from sim.settings import Setting

SET_HELP = (
    "set a value of the scenario without a file, e.g. demand.scale=1.15 or "
    "level_one.staffing.shifts[09:30].headcount=4 (a list's item by name or index); "
    "repeatable, applied in order over the file"
)


def setting(text: str) -> Setting:
    """An argument type: ``PATH=VALUE`` read by :func:`sim.settings.parse_setting`."""
    from sim.settings import parse_setting

    try:
        return parse_setting(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


@dataclass(frozen=True)
class ScenarioSpec:
    """A scenario as a command names it: a file, and settings of its own over it."""

    file: str
    settings: tuple[Setting, ...] = ()

    @property
    def label(self) -> str:
        """How tables name it: the file's stem and its own settings, their paths cut to
        their last keys (``shifts[09:30].headcount=5``)."""
        return " + ".join([Path(self.file).stem, *(short(s.text) for s in self.settings)])


def short(text: str) -> str:
    """A setting's text with the leading keys of its path dropped while it is long."""
    path, _, value = text.partition("=")
    return f"{short_path(path)}={value}"


def short_path(path: str, width: int = 24) -> str:
    """A path with its leading keys dropped while it is long: ``shifts[09:30].headcount``."""
    while len(path) > width and "." in path.split("[", 1)[0]:
        path = path.split(".", 1)[1]
    return path


def scenario_spec(text: str) -> ScenarioSpec:
    """An argument type: ``FILE`` or ``FILE+PATH=VALUE[+PATH=VALUE…]`` (settings of this
    scenario alone; a "+" inside a value stays in it)."""
    file, *rest = text.split("+")
    parts: list[str] = []
    for piece in rest:
        if parts and not _starts_setting(piece):
            parts[-1] += "+" + piece
        else:
            parts.append(piece)
    return ScenarioSpec(file, tuple(setting(part) for part in parts))


def _starts_setting(piece: str) -> bool:
    from sim.settings import parse_path

    path, equals, _ = piece.partition("=")
    try:
        return bool(equals) and bool(parse_path(path.strip()))
    except ValueError:
        return False


def add_scenario(parser: argparse.ArgumentParser, *, many: bool = False) -> None:
    """SCENARIO (or SCENARIO… with ``many``), ``--allow DIR`` and ``--set PATH=VALUE``."""
    if many:
        parser.add_argument(
            "scenarios", nargs="+", type=scenario_spec, metavar="SCENARIO",
            help="scenario YAML files, the first the reference; FILE+PATH=VALUE sets a "
            "value of that scenario alone (several: FILE+P=V+P=V); --set sets it in all")
    else:
        parser.add_argument("scenario", metavar="SCENARIO", help="scenario YAML file")
    options.add_allow(parser)
    add_settings(parser)


def add_settings(parser: argparse.ArgumentParser) -> None:
    """``--set PATH=VALUE``, repeatable (``args.settings``)."""
    parser.add_argument("--set", dest="settings", type=setting, action="append", default=[],
                        metavar="PATH=VALUE", help=SET_HELP)


def load(path: str, args: argparse.Namespace, own: tuple[Setting, ...] = ()
         ) -> tuple[Scenario, RulePack]:
    """The scenario at ``path`` with the command's ``--set`` values over it (then ``own``,
    the scenario's own settings), and its pack."""
    from sim.scenario_loader import load_scenario

    return load_scenario(path, args.allow, settings=[*args.settings, *own])
