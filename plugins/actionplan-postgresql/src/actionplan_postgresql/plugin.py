"""The entry point: claims ``postgresql://`` and ``postgres://`` store URLs (psycopg loads only then)."""

from __future__ import annotations

from pathlib import Path

import actionplan
from actionplan.api import Catalogue

#: The plugin's own message catalogue (``locale/<lang>/LC_MESSAGES/actionplan_postgresql.po``).
CATALOGUE = Catalogue("actionplan_postgresql", Path(__file__).parent / "locale")

SCHEMES = ("postgresql://", "postgres://")


@actionplan.hookimpl
def actionplan_open_store(url):
    if not url.startswith(SCHEMES):
        return None
    from .store import PostgresStore

    return PostgresStore(url)


@actionplan.hookimpl
def actionplan_register_catalogues(register):
    register(CATALOGUE)
