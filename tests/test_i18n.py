"""The fr/en message catalogue: French by default, English on request, extensible."""

from __future__ import annotations

import importlib

import pytest

from cau import i18n
from cau.cli import COMMAND_MODULES
from rules.errors import CauError


def test_french_by_default_english_on_request() -> None:
    assert i18n.message("holidays_in", count=13, year=2026) == "13 jours fériés en 2026"
    assert i18n.message("holidays_in", "en", count=13, year=2026) == "13 holidays in 2026"


def test_every_message_has_french_and_english() -> None:
    for key, texts in i18n.MESSAGES.items():
        assert set(texts) >= set(i18n.LANGUAGES), key


def test_unknown_language_is_a_cau_error() -> None:
    with pytest.raises(CauError, match="unknown language"):
        i18n.message("ok", "de")


def test_register_adds_messages_and_refuses_conflicts(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "MESSAGES", dict(i18n.MESSAGES))
    i18n.register({"greeting": {"fr": "Bonjour {name}", "en": "Hello {name}"}})
    assert i18n.message("greeting", "en", name="CAU") == "Hello CAU"
    i18n.register({"greeting": {"fr": "Bonjour {name}", "en": "Hello {name}"}})  # same: fine
    with pytest.raises(ValueError, match="already defined"):
        i18n.register({"greeting": {"fr": "Salut", "en": "Hi"}})
    with pytest.raises(ValueError, match="no French"):
        i18n.register({"bye": {"en": "Bye"}})


@pytest.mark.parametrize(("count", "fr", "en"), [
    (0, "0 jour férié en 2026", "0 holidays in 2026"),
    (1, "1 jour férié en 2026", "1 holiday in 2026"),
    ("1\u202f234", "1\u202f234 jours fériés en 2026", "1\u202f234 holidays in 2026"),
])
def test_a_count_agrees_with_its_noun(count: object, fr: str, en: str) -> None:
    assert i18n.message("holidays_in", count=count, year=2026) == fr
    assert i18n.message("holidays_in", "en", count=count, year=2026) == en


def test_no_message_hedges_its_plural_with_parentheses() -> None:
    for module in COMMAND_MODULES:  # each registers its messages when imported
        importlib.import_module(f"cau.{module}")
    hedged = {key for key, texts in i18n.MESSAGES.items()
              for text in texts.values() if "(s)" in text}
    assert not hedged
