"""The store conformance suite, against a real PostgreSQL server."""

from __future__ import annotations

import pytest

from actionplan.testing import StoreConformance

pytestmark = pytest.mark.postgres


class TestPostgresStore(StoreConformance):
    """``make_store_url`` comes from conftest.py: a schema of its own per store."""

    @pytest.fixture
    def make_store_url(self, make_store_url):
        return make_store_url
