"""PostgreSQL store for actionplan (``postgresql://`` URLs). See README.md."""

from __future__ import annotations

__version__ = "0.1.0"


def __getattr__(name: str):
    if name == "PostgresStore":  # psycopg is imported only when a store is opened
        from .store import PostgresStore

        return PostgresStore
    raise AttributeError(name)


__all__ = ["PostgresStore", "__version__"]
