"""Every user-facing message exists in French and in English, with the same placeholders."""

from __future__ import annotations

import string

import pytest

import actionplan.cli.grant_commands  # noqa: F401 - each command module registers its catalogue
import actionplan.cli.import_commands  # noqa: F401
import actionplan.cli.report_commands  # noqa: F401
import actionplan.cli.store_commands  # noqa: F401
from actionplan.i18n import CATALOGUES, LANGUAGES


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("messages", CATALOGUES, ids=lambda c: next(iter(c)))
def test_every_message_in_every_language(messages):
    for key, texts in messages.items():
        assert set(texts) == set(LANGUAGES), f"{key}: {sorted(texts)}"
        assert placeholders(texts["fr"]) == placeholders(texts["en"]), key
