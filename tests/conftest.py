"""Shared fixtures: paths to the examples and a fresh plugin manager per test that asks."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
SHARED = ROOT.parent / "shared"


@pytest.fixture
def examples() -> Path:
    return EXAMPLES


@pytest.fixture
def register_plugin():
    """Register plugin objects on the process-wide manager for one test, then remove them."""
    from actionplan import plugins

    registered = []

    def register(plugin, name=None):
        pm = plugins.get_plugin_manager()
        pm.register(plugin, name=name)
        registered.append(plugin)
        plugins.refresh()
        return plugin

    yield register
    pm = plugins.get_plugin_manager()
    for plugin in registered:
        pm.unregister(plugin)
    plugins.refresh()


@pytest.fixture
def minimal_plan_text() -> str:
    """A small valid plan document (YAML)."""
    from test_documents import MINIMAL

    return MINIMAL
