"""The store conformance suite on the built-in backends: ``dir:`` and ``sqlite:``."""

from __future__ import annotations

import itertools

import pytest

from actionplan.testing import StoreConformance


class TestDirStore(StoreConformance):
    @pytest.fixture
    def make_store_url(self, tmp_path):
        numbers = itertools.count()
        return lambda: f"dir:{tmp_path}/store-{next(numbers)}"


class TestSqliteStore(StoreConformance):
    @pytest.fixture
    def make_store_url(self, tmp_path):
        numbers = itertools.count()
        return lambda: f"sqlite:{tmp_path}/store-{next(numbers)}.db"
