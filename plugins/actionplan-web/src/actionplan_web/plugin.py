"""The entry point: the site's document types, its catalogue and its commands."""

from __future__ import annotations

from pathlib import Path

from actionplan.api import Catalogue, hookimpl

#: The plugin's own message catalogue (``locale/<lang>/LC_MESSAGES/actionplan_web.po``).
CATALOGUE = Catalogue("actionplan_web", Path(__file__).parent / "locale")


@hookimpl
def actionplan_register_catalogues(register):
    register(CATALOGUE)


@hookimpl
def actionplan_register_document_types(register):
    from .records import DOCUMENT_TYPES

    for doc_type in DOCUMENT_TYPES:
        register(doc_type)


@hookimpl
def actionplan_register_commands(cli):
    from .commands import register

    register(cli)
