"""docs/plugins.md stays true: its complete small plugin runs with ``--plugin``, using only public names."""

from __future__ import annotations

import re
import shlex
import shutil
import sys
import types
from pathlib import Path

import pytest
from babel.messages.frontend import CommandLineInterface
from click.testing import CliRunner
from docblocks import worked_example
from test_public_surface import private_uses

from actionplan.cli import make_cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = ROOT / "examples"
TEXT = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")


def block(name: str) -> str:
    """The fenced block right after ``<!-- worked-example: name -->``."""
    return worked_example(TEXT, name, "docs/plugins.md")


@pytest.fixture
def guide_dir(local_plugins):
    """The files the guide's commands name: the plugin, a program using it, applications, a plan."""
    (local_plugins / "my_round_table.py").write_text(block("plugin"), encoding="utf-8")
    for name in ("catalogue-fr", "catalogue-en"):
        text = block(name)
        path = local_plugins / text.splitlines()[0].removeprefix("# ")
        path.parent.mkdir(parents=True)
        path.write_text(text, encoding="utf-8")
    words = shlex.split(block("compile"))
    assert words[0] == "pybabel"
    assert CommandLineInterface().run(words) in (0, None)
    assert (local_plugins / "locale" / "fr" / "LC_MESSAGES" / "my_round_table.mo").is_file()
    program = (EXAMPLES / "alliance-maskoutains-2019-2023.yaml").read_text(encoding="utf-8")
    snippet = block("program")
    head = snippet.splitlines(keepends=True)[0]
    assert program.count(head) == 1
    (local_plugins / "program.yaml").write_text(program.replace(head, snippet, 1), encoding="utf-8")
    shutil.copy(EXAMPLES / "alliance-maskoutains-demandes.yaml", local_plugins / "demandes.yaml")
    shutil.copy(EXAMPLES / "concertation-horizon-2026.yaml", local_plugins / "plan.yaml")
    return local_plugins


def commands() -> list[tuple[dict[str, str], list[str]]]:
    """Each line of the commands block as (environment, arguments after ``actionplan``)."""
    found = []
    for line in block("commands").splitlines():
        words = shlex.split(line, comments=True)
        env = {}
        while "=" in words[0]:
            key, value = words.pop(0).split("=", 1)
            env[key] = value
        assert words[0] == "actionplan", line
        found.append((env, words[1:]))
    return found


def test_the_guide_plugin_imports_only_public_names():
    assert "from actionplan.api import" in block("plugin")
    assert private_uses(block("plugin"), "docs/plugins.md") == []


def test_the_guide_commands_run_and_print_what_the_guide_shows(guide_dir, monkeypatch):
    runs = commands()
    assert len(runs) == 3
    outputs = []
    for env, args in runs:
        for key, value in env.items():
            monkeypatch.setenv(key, value)
        result = CliRunner().invoke(make_cli(), args, catch_exceptions=False)
        assert result.exit_code == 0, (args, result.output)
        outputs.append(result.output)
        for key in env:
            monkeypatch.delenv(key)
    check, _, formats = outputs
    for line in block("output").splitlines():
        assert line in check.splitlines()
    assert "8 demandes, 2 admissibles" in check
    assert "✗ Titre court : titre de 47 caractères (maximum 40)" in check
    assert "→ raccourcir le titre de 7 caractères" in check
    late = (guide_dir / "late.txt").read_text(encoding="utf-8").splitlines()
    assert late[0].startswith("Concertation Horizon — Plan d'action 2026 — Situation au ")
    assert 1 < len(late) <= 6 and all(line.startswith("- [") for line in late[1:])
    assert re.search(r"│ late +│ \.txt", formats), formats


def test_the_guide_criterion_speaks_english_from_its_catalogue(guide_dir):
    result = CliRunner().invoke(make_cli(), ["--lang", "en", "--plugin", "my_round_table", "grants", "check",
                                             "program.yaml", "demandes.yaml"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert "✓ Short title: title of 28 characters (maximum 40)" in result.output
    assert "→ shorten the title by 7 characters" in result.output


def test_the_guide_report_is_in_english_too(guide_dir):
    result = CliRunner().invoke(make_cli(), ["--lang", "en", "--plugin", "my_round_table", "report", "plan.yaml",
                                             "--format", "late", "-o", "-"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert result.output.startswith("Concertation Horizon — Plan d'action 2026 — Status as of ")


def test_the_guide_plugin_test_passes_and_leaves_nothing_behind(monkeypatch):
    from actionplan import plugins
    from actionplan.api import default_gazetteer

    estrie = re.search(r"```python\n(# src/actionplan_estrie/plugin\.py.*?)```", TEXT, flags=re.S).group(1)
    package, module = types.ModuleType("actionplan_estrie"), types.ModuleType("actionplan_estrie.plugin")
    exec(compile(estrie, "docs/plugins.md (plugin)", "exec"), module.__dict__)  # noqa: S102 - our own documentation
    package.plugin = module
    monkeypatch.setitem(sys.modules, "actionplan_estrie", package)
    monkeypatch.setitem(sys.modules, "actionplan_estrie.plugin", module)
    namespace: dict = {}
    exec(compile(block("tests"), "docs/plugins.md (tests)", "exec"), namespace)  # noqa: S102
    assert private_uses(block("tests"), "docs/plugins.md") == []
    tests = {name: test for name, test in namespace.items() if name.startswith("test_")}
    assert len(tests) == 2
    for test in tests.values():
        fixture = namespace["estrie"].__wrapped__()  # the generator under @pytest.fixture
        test(next(fixture))
        with pytest.raises(StopIteration):
            next(fixture)
    assert not plugins.get_plugin_manager().is_registered(module)
    assert "mun:magog" not in default_gazetteer()
