"""The words of reports and command output, in French (default) and English.

A message is looked up by key and filled with ``str.format`` fields; a count agrees with
its noun through ``{count:~dossier|dossiers}`` (:func:`rules.text.format_words`). Modules add their
own messages with :func:`register` rather than editing this table.
"""

from __future__ import annotations

from collections.abc import Mapping

from rules.errors import CauError
from rules.text import format_words

LANGUAGES: tuple[str, ...] = ("fr", "en")
DEFAULT_LANGUAGE = "fr"

MESSAGES: dict[str, dict[str, str]] = {
    "ok": {"fr": "OK", "en": "OK"},
    "errors_in": {"fr": "{count:~erreur|erreurs} dans {file} :",
                  "en": "{count:~error|errors} in {file}:"},
    "pack": {"fr": "Paquet de règles", "en": "Rule pack"},
    "version": {"fr": "version", "en": "version"},
    "priorities": {"fr": "Priorités :", "en": "Priorities:"},
    "classification": {"fr": "Classification :", "en": "Classification:"},
    "decision_table": {
        "fr": "table de décision, {rules:~règle|règles} dans l'ordre, défaut {default}",
        "en": "decision table, {rules:~rule|rules} in order, default {default}",
    },
    "matrix": {
        "fr": "matrice impact ({impact}) × urgence ({urgency})",
        "en": "impact ({impact}) × urgency ({urgency}) matrix",
    },
    "targets": {"fr": "Cibles :", "en": "Targets:"},
    "provisional": {"fr": "cible en ajustement", "en": "target under adjustment"},
    "within": {"fr": "en {threshold} ou moins dans {goal} des cas",
               "en": "within {threshold} in {goal} of cases"},
    "first_contact_goal": {"fr": "{goal} résolus au premier contact",
                           "en": "{goal} resolved at first contact"},
    "calendar_of": {"fr": "calendrier {calendar}", "en": "calendar {calendar}"},
    "pauses": {"fr": "horloge arrêtée en attente de l'utilisateur",
               "en": "clock stopped while waiting on the user"},
    "calendars": {"fr": "Calendriers :", "en": "Calendars:"},
    "always_open": {"fr": "24 h/24, 7 j/7", "en": "24/7"},
    "holidays_in": {"fr": "{count:~jour férié|jours fériés} en {year}",
                    "en": "{count:~holiday|holidays} in {year}"},
    "weekdays": {"fr": "lun,mar,mer,jeu,ven,sam,dim", "en": "Mon,Tue,Wed,Thu,Fri,Sat,Sun"},
    "weekdays_long": {
        "fr": "lundi,mardi,mercredi,jeudi,vendredi,samedi,dimanche",
        "en": "Monday,Tuesday,Wednesday,Thursday,Friday,Saturday,Sunday",
    },
    "semantics": {"fr": "Règles de calcul :", "en": "Counting rules:"},
}


def message(key: str, lang: str = DEFAULT_LANGUAGE, **values: object) -> str:
    """The message ``key`` in ``lang`` (French when the language lacks it)."""
    if lang not in LANGUAGES:
        raise CauError(f'unknown language "{lang}"; choose one of {", ".join(LANGUAGES)}')
    texts = MESSAGES[key]
    return format_words(texts.get(lang, texts[DEFAULT_LANGUAGE]), lang, **values)


def register(messages: Mapping[str, Mapping[str, str]]) -> None:
    """Add messages (key → {fr: …, en: …}); a key already defined differently is an error."""
    for key, texts in messages.items():
        if DEFAULT_LANGUAGE not in texts:
            raise ValueError(f'message "{key}" has no French text')
        if key in MESSAGES and MESSAGES[key] != dict(texts):
            raise ValueError(f'message "{key}" is already defined differently')
        MESSAGES[key] = dict(texts)
