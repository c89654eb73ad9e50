"""The entry point: claims ``postgresql://`` and ``postgres://`` store URLs (psycopg loads only then)."""

from __future__ import annotations

import actionplan

SCHEMES = ("postgresql://", "postgres://")


@actionplan.hookimpl
def actionplan_open_store(url):
    if not url.startswith(SCHEMES):
        return None
    from .store import PostgresStore

    return PostgresStore(url)
