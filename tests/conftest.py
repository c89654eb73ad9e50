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
def local_plugins(tmp_path, monkeypatch):
    """``tmp_path`` as the cwd for local plugin modules (``--plugin``), all forgotten afterwards.

    Whatever the test registers on the process-wide manager, imports from ``tmp_path`` or
    puts on ``sys.path`` is removed at the end.
    """
    import sys

    from actionplan import plugins

    monkeypatch.chdir(tmp_path)
    monkeypatch.setattr(sys, "path", list(sys.path))
    monkeypatch.delenv(plugins.ENV_PLUGINS, raising=False)
    pm = plugins.get_plugin_manager()
    before = set(pm.get_plugins())
    yield tmp_path
    for plugin in set(pm.get_plugins()) - before:
        pm.unregister(plugin)
    for name, module in list(sys.modules.items()):  # only the local modules: libraries stay imported
        if str(getattr(module, "__file__", None) or "").startswith(str(tmp_path)):
            del sys.modules[name]
    plugins.refresh()


@pytest.fixture
def minimal_plan_text() -> str:
    """A small valid plan document (YAML)."""
    from test_documents import MINIMAL

    return MINIMAL
