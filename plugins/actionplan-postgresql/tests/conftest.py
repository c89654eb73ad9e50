"""A throwaway PostgreSQL server for the session (skipped only where PostgreSQL is not installed)."""

from __future__ import annotations

import pytest

from actionplan.testing.postgres import postgres_server  # noqa: F401 - the session fixture


@pytest.fixture
def make_store_url(postgres_server):  # noqa: F811
    """A new, empty store (a schema of its own) at each call."""
    return postgres_server.new_store_url
