"""A command line that starts fast: ``import actionplan`` and ``actionplan --help`` import little.

The console script's root group (:class:`actionplan.cli.LazyRootGroup`) imports a command's
module when the command is used and lists commands from tables; these tests hold the tables
to what the modules really register, and check in fresh processes what gets imported.
"""

from __future__ import annotations

import importlib
import json
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from click.testing import CliRunner

import actionplan
from actionplan.cli import BUILTIN_COMMANDS, COMMANDS_ENTRY_POINTS, declared_commands, make_cli, make_lazy_cli
from actionplan.plugins import DEFAULT_PLUGINS

ROOT = Path(__file__).resolve().parent.parent
SEED = str(ROOT / "examples" / "concertation-horizon-2026.yaml")
#: What neither ``import actionplan`` nor ``actionplan --help`` may import.
HEAVY = ("actionplan.schedules", "actionplan.grants", "actionplan.storage", "actionplan.reports",
         "actionplan.documents", "actionplan.plugins", "actionplan_web")


def fresh_modules(code: str) -> list[str]:
    """The modules a fresh interpreter has imported after running ``code`` (its output ignored)."""
    script = (f"import sys, json, contextlib, io\nwith contextlib.redirect_stdout(io.StringIO()):\n"
              f"    try:\n        {code}\n    except SystemExit:\n        pass\n"
              f"print(json.dumps(sorted(sys.modules)))")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    return json.loads(done.stdout.strip().splitlines()[-1])


def heavy_among(modules: list[str]) -> list[str]:
    return [m for m in modules if m.startswith(HEAVY)]


def test_import_actionplan_imports_no_heavy_module():
    assert heavy_among(fresh_modules("import actionplan")) == []


def test_the_public_names_resolve_on_first_use():
    from actionplan import documents, errors, hookspecs, model, storage

    assert actionplan.load is documents.load and actionplan.dumps is documents.dumps
    assert actionplan.open_store is storage.open_store and actionplan.ActionPlan is model.ActionPlan
    assert actionplan.ValidationError is errors.ValidationError and actionplan.hookimpl is hookspecs.hookimpl
    assert set(actionplan.__all__) <= set(dir(actionplan))
    with pytest.raises(AttributeError, match="no attribute 'not_a_name'"):
        actionplan.not_a_name  # noqa: B018


def test_help_imports_no_command_schedule_store_or_plugin():
    modules = fresh_modules("from actionplan.cli import main; main(['--help'])")
    assert heavy_among(modules) == []
    assert "importlib.metadata" not in modules  # the declared commands are read without it
    assert not [m for m in modules if m.startswith("actionplan.cli.") and m != "actionplan.cli"]


def test_validate_does_not_import_the_plugins_commands():
    modules = fresh_modules(f"from actionplan.cli import main; main(['validate', {SEED!r}])")
    assert "actionplan.cli.plan_commands" in modules
    assert "actionplan_web.commands" not in modules  # the site's commands (and their password hashing) stay out


def test_builtin_command_table_matches_what_the_modules_register():
    cli = make_cli()
    for name, (module_name, help_code) in BUILTIN_COMMANDS.items():
        command = cli.commands[name]
        assert command.callback.__module__.startswith(module_name), name
        assert command.help == help_code, name
    registered_by_builtins = {name for name, command in cli.commands.items()
                              if command.callback.__module__ in DEFAULT_PLUGINS}
    assert registered_by_builtins == set(BUILTIN_COMMANDS), "add the new built-in command to BUILTIN_COMMANDS"


def test_web_plugin_declares_every_command_it_adds():
    declared = tomllib.loads((ROOT / "plugins/actionplan-web/pyproject.toml").read_text())["project"]["entry-points"]
    cli = make_cli()
    plugin_commands = {name for name, command in cli.commands.items()
                       if command.callback.__module__.startswith("actionplan_web")}
    assert set(declared[COMMANDS_ENTRY_POINTS]) == plugin_commands == {"serve", "web"}


def test_lazy_help_lists_every_command_with_the_same_help():
    installed = declared_commands()
    if "serve" not in installed:
        pytest.skip("the installed actionplan-web metadata predates its actionplan.commands entry points: "
                    "pip install -e plugins/actionplan-web")
    eager = CliRunner().invoke(make_cli(), ["--lang", "en", "--help"]).output
    lazy = CliRunner().invoke(make_lazy_cli(), ["--lang", "en", "--help"]).output
    assert lazy.splitlines()[:-4] != []
    eager_lines = {line.split()[0]: line for line in eager.split("Commands:")[1].splitlines() if line.strip()}
    lazy_lines = {line.split()[0]: line for line in lazy.split("Commands:")[1].splitlines() if line.strip()}
    assert set(lazy_lines) == set(eager_lines)
    for name in BUILTIN_COMMANDS:
        assert lazy_lines[name] == eager_lines[name]
    assert "A command of the actionplan-web plugin" in lazy_lines["serve"]


def test_lazy_group_runs_builtin_and_plugin_commands(tmp_path):
    runner = CliRunner()
    result = runner.invoke(make_lazy_cli(), ["--lang", "en", "validate", SEED])
    assert result.exit_code == 0, result.output
    assert "valid" in result.output
    result = runner.invoke(make_lazy_cli(), ["--lang", "en", "serve", "--help"])
    assert result.exit_code == 0, result.output
    assert "serve" in result.output.splitlines()[0]
    result = runner.invoke(make_lazy_cli(), ["--lang", "en", "no-such-command"])
    assert result.exit_code == 2
    assert "No such command" in result.output


def test_every_builtin_command_module_is_a_default_plugin():
    for module_name, _ in BUILTIN_COMMANDS.values():
        assert module_name in DEFAULT_PLUGINS
        assert hasattr(importlib.import_module(module_name), "actionplan_register_commands")


def test_builtin_hook_table_matches_what_the_modules_implement():
    from actionplan.hookspecs import PROJECT
    from actionplan.plugins import BUILTIN_HOOKS

    assert set(BUILTIN_HOOKS) == set(DEFAULT_PLUGINS), "list the new built-in plugin's hooks in BUILTIN_HOOKS"
    for name in DEFAULT_PLUGINS:
        module = importlib.import_module(name)
        marked = {attr: getattr(getattr(module, attr), f"{PROJECT}_impl") for attr in dir(module)
                  if hasattr(getattr(module, attr), f"{PROJECT}_impl")}
        assert set(BUILTIN_HOOKS[name]) == set(marked), name
        # a stand-in is registered with the default options: the module's implementations use them too
        assert all(not any(opts.get(flag) for flag in ("tryfirst", "trylast", "wrapper", "hookwrapper", "specname"))
                   for opts in marked.values()), name


def test_a_builtin_plugin_is_imported_when_its_hook_is_first_called(tmp_path):
    url = "sqlite:///" + str(tmp_path / "plans.db")
    script = ("import sys\nfrom actionplan import plugins\nplugins.get_plugin_manager()\n"
              "before = 'actionplan.storage.sqlite' in sys.modules\n"
              f"from actionplan import open_store\nstore = open_store({url!r})\n"
              "print('IMPORTED', before, 'actionplan.storage.sqlite' in sys.modules, type(store).__name__)\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True, cwd=ROOT)
    assert "IMPORTED False True SqliteStore" in done.stdout, done.stdout + done.stderr


def test_validate_imports_neither_stores_nor_reports_nor_grant_evaluation():
    modules = fresh_modules(f"from actionplan.cli import main; main(['validate', {SEED!r}])")
    assert "actionplan.schedules" in modules and "actionplan.checks" in modules
    loaded = [m for m in modules if m.startswith((
        "actionplan.storage", "actionplan.reports", "actionplan.importers", "actionplan.snapshots", "jinja2",
        "actionplan.grants.chain", "actionplan.grants.evaluation", "actionplan.grants.ledger", "actionplan.grants.rules",
        "actionplan.cli.store_commands", "actionplan.cli.report_commands", "actionplan.cli.grant_commands"))]
    assert loaded == []


def test_declared_commands_are_those_importlib_metadata_finds():
    from importlib.metadata import entry_points

    expected = {}
    for entry in entry_points(group=COMMANDS_ENTRY_POINTS):
        expected.setdefault(entry.name, entry.dist.name if entry.dist is not None else entry.value)
    assert declared_commands() == expected


def test_declared_commands_are_read_from_entry_points_files(tmp_path, monkeypatch):
    dist = tmp_path / "my_plugin-1.0.dist-info"
    dist.mkdir()
    (dist / "METADATA").write_text("Metadata-Version: 2.1\nName: my-plugin\nVersion: 1.0\n\nbody\n")
    (dist / "entry_points.txt").write_text("[actionplan]\nmine = my_plugin\n\n[actionplan.commands]\n"
                                          "tally = my_plugin.cli\n# a comment\ncount=my_plugin.cli\n")
    shadowed = tmp_path / "later" / "my_plugin-0.9.dist-info"  # the same distribution later on the path
    shadowed.mkdir(parents=True)
    (shadowed / "entry_points.txt").write_text("[actionplan.commands]\nold = my_plugin.cli\n")
    monkeypatch.setattr(sys, "path", [str(tmp_path / "missing"), str(tmp_path), str(tmp_path / "later")])
    assert declared_commands() == {"tally": "my-plugin", "count": "my-plugin"}
