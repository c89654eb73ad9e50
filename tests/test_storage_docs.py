"""docs/storage.md stays true: its Python example runs, and it names every command and method."""

from __future__ import annotations

import re
import shutil
import tomllib
from pathlib import Path

import pytest

from actionplan.storage import Store

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "storage.md"


def blocks(language: str) -> list[str]:
    return re.findall(rf"```{language}\n(.*?)```", DOC.read_text(encoding="utf-8"), flags=re.S)


def test_the_python_example_runs(tmp_path, monkeypatch, capsys, examples):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "examples").mkdir()
    shutil.copy(examples / "concertation-horizon-2026.yaml", tmp_path / "examples")
    [example] = [b for b in blocks("python") if "open_store(" in b and "ConflictError" in b]
    exec(compile(example, str(DOC), "exec"), {"__name__": "storage_doc"})  # noqa: S102 - our own docs
    assert "1 2" in capsys.readouterr().out
    assert (tmp_path / "sauvegarde.json").is_file()


@pytest.mark.parametrize("name", sorted(set(Store.__abstractmethods__) | {
    "info", "version", "append_measurement", "measurements", "append_event", "events", "plan_with_measurements",
    "history", "is_empty", "backup", "restore", "close"}))
def test_every_store_method_is_documented(name):
    assert f"`{name}" in DOC.read_text(encoding="utf-8") or f"{name}`" in DOC.read_text(encoding="utf-8")


@pytest.mark.parametrize("command", ["save", "list", "show", "track", "history", "dump", "delete", "backup",
                                     "restore"])
def test_every_store_command_is_documented(command):
    from actionplan.cli import make_cli

    assert command in make_cli().commands
    assert f"`{command} " in DOC.read_text(encoding="utf-8")


def test_the_plugin_steps_match_the_real_plugin():
    project = tomllib.loads((ROOT / "plugins" / "actionplan-postgresql" / "pyproject.toml").read_text())
    entry = project["project"]["entry-points"]["actionplan"]["postgresql"]
    assert f'postgresql = "{entry}"' in DOC.read_text(encoding="utf-8")
    plugin = (ROOT / "plugins" / "actionplan-postgresql" / "src" / "actionplan_postgresql" / "plugin.py").read_text()
    assert "def actionplan_open_store(url):" in plugin and "def actionplan_open_store(url):" in DOC.read_text()
    for attribute in ("PLACEHOLDER", "FOR_UPDATE", "FOR_SHARE", "ORDER_IDS", "_transaction", "_schema_statements",
                      "_existing_tables"):
        assert attribute in DOC.read_text(encoding="utf-8")
