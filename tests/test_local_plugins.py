"""``actionplan --plugin MODULE`` and ``$ACTIONPLAN_PLUGINS``: a local plugin module, no packaging."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from cli_runs import run
from click.testing import CliRunner

from actionplan import plugins
from actionplan.cli import make_cli

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
APPLICATIONS = str(EXAMPLES / "alliance-maskoutains-demandes.yaml")

CRITERION = '''\
"""A local criterion: the project's title fits on one line of the committee's table."""

from actionplan.api import Criterion, Param, ProgramContext, Text, Values, Verdict, hookimpl


class ShortTitle(Criterion):
    """At most ``maximum`` characters in the application's title."""

    name = "short_title"
    title = Text("Titre court", "Short title")
    parameters = {"maximum": Param(int, default=60, minimum=1)}

    def prepare(self, values: Values, ctx: ProgramContext) -> int:
        return values.maximum

    def evaluate(self, application, maximum: int, ctx: ProgramContext) -> Verdict:
        length = len(application.title)
        return Verdict(length <= maximum, {"length": length, "maximum": maximum},
                       Text(f"titre de {length} caractères (maximum {maximum})",
                            f"title of {length} characters (maximum {maximum})"))


@hookimpl
def actionplan_register_criteria(register):
    register(ShortTitle())
'''

COMMAND = '''\
import click

from actionplan.api import hookimpl


@hookimpl
def actionplan_register_commands(cli):
    @cli.command()
    def hello():
        """Say hello from a local plugin."""
        click.echo("bonjour du plugin local")
'''


@pytest.fixture
def workdir(local_plugins):
    """A cwd holding ``mymodule.py``, ``mycommand.py`` and a program that uses the local criterion."""
    (local_plugins / "mymodule.py").write_text(CRITERION, encoding="utf-8")
    (local_plugins / "mycommand.py").write_text(COMMAND, encoding="utf-8")
    program = (EXAMPLES / "alliance-maskoutains-2019-2023.yaml").read_text(encoding="utf-8")
    head = "  criteria:\n"
    assert program.count(head) == 1
    program = program.replace(head, head + "    - criterion: short_title\n      params: {maximum: 40}\n")
    (local_plugins / "program.yaml").write_text(program, encoding="utf-8")
    return local_plugins


def invoke(*args: str):
    return CliRunner().invoke(make_cli(), list(args), catch_exceptions=False)



def test_without_the_plugin_the_program_names_the_missing_criterion(workdir, capsys):
    code, _, err = run(capsys, "grants", "check", "program.yaml", APPLICATIONS)
    assert code == 2
    assert "aucun critère installé ne s'appelle 'short_title'" in err


def test_plugin_option_loads_a_module_from_the_current_directory(workdir):
    result = invoke("--plugin", "mymodule", "grants", "check", "program.yaml", APPLICATIONS)
    assert result.exit_code == 0, result.output
    assert "8 demandes, 2 admissibles" in result.output  # 4 without it: d-01 and d-06 now fail
    assert "✓ Titre court : titre de 28 caractères (maximum 40)" in result.output
    assert "✗ Titre court : titre de 47 caractères (maximum 40)" in result.output
    assert plugins.get_plugin_manager().get_plugin("mymodule").__file__ == str(workdir / "mymodule.py")


def test_a_path_to_a_py_file_works_from_anywhere(workdir, tmp_path_factory, monkeypatch):
    elsewhere = tmp_path_factory.mktemp("elsewhere")
    monkeypatch.chdir(elsewhere)
    result = invoke("--lang", "en", "--plugin", str(workdir / "mymodule.py"), "grants", "check",
                    str(workdir / "program.yaml"), APPLICATIONS)
    assert result.exit_code == 0, result.output
    assert "✗ Short title: title of 47 characters (maximum 40)" in result.output


def test_the_environment_variable_loads_comma_separated_modules(workdir, monkeypatch):
    monkeypatch.setenv(plugins.ENV_PLUGINS, " mymodule , ./mycommand.py,")
    result = invoke("grants", "check", "program.yaml", APPLICATIONS)
    assert result.exit_code == 0, result.output
    assert "✗ Titre court : titre de 47 caractères (maximum 40)" in result.output
    assert invoke("hello").output == "bonjour du plugin local\n"


def test_a_local_plugin_adds_commands_and_is_loaded_once(workdir):
    result = invoke("--plugin", "mycommand", "--plugin", "mycommand", "hello")
    assert result.exit_code == 0, result.output
    assert result.output == "bonjour du plugin local\n"
    assert "hello" in invoke("--plugin", "mycommand", "--help").output


def test_the_real_entry_point_uses_a_local_criterion(workdir):
    executable = shutil.which("actionplan", path=str(Path(sys.executable).parent)) or shutil.which("actionplan")
    assert executable, "the actionplan console script is not installed"
    env = {key: value for key, value in os.environ.items() if key not in (plugins.ENV_PLUGINS, "ACTIONPLAN_LANG")}
    result = subprocess.run([executable, "--plugin", "mymodule", "grants", "check", "program.yaml", APPLICATIONS],
                            capture_output=True, text=True, cwd=workdir, env=env, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "✗ Titre court : titre de 47 caractères (maximum 40)" in result.stdout
    result = subprocess.run([executable, "--lang", "en", "grants", "check", "program.yaml", APPLICATIONS],
                            capture_output=True, text=True, cwd=workdir, timeout=120,
                            env={**env, plugins.ENV_PLUGINS: str(workdir / "mymodule.py")})
    assert result.returncode == 0, result.stderr
    assert "✗ Short title: title of 47 characters (maximum 40)" in result.stdout


@pytest.mark.parametrize(("args", "french", "english"), [
    (["--plugin", "nothere"], "plugin 'nothere' : aucun module de ce nom dans",
     "plugin 'nothere': no module of that name in"),
    (["--plugin", "missing.py"], "plugin 'missing.py' : fichier introuvable", "plugin 'missing.py': no such file"),
    (["--plugin", "not a module"], "plugin 'not a module' : attendu un nom de module",
     "plugin 'not a module': expected a module name"),
])
def test_a_module_that_cannot_be_found_is_a_clean_error_naming_it(workdir, capsys, args, french, english):
    code, out, err = run(capsys, *args, "formats")
    assert code == 2 and not out
    assert err.startswith(f"actionplan: {french}") and "Traceback" not in err
    code, _, err = run(capsys, "--lang", "en", *args, "formats")
    assert code == 2 and err.startswith(f"actionplan: {english}")


def test_a_module_that_fails_to_import_names_it_and_its_line(workdir, capsys, monkeypatch):
    (workdir / "broken.py").write_text('import actionplan\n\nraise RuntimeError("boom")\n', encoding="utf-8")
    (workdir / "typo.py").write_text("def f(:\n", encoding="utf-8")
    (workdir / "needs.py").write_text("import not_installed_anywhere\n", encoding="utf-8")
    code, _, err = run(capsys, "--plugin", "broken", "formats")
    assert code == 2
    assert err == "actionplan: le plugin 'broken' n'a pas pu être importé (broken.py, ligne 3) : RuntimeError : boom\n"
    code, _, err = run(capsys, "--lang", "en", "--plugin", "typo.py", "formats")
    assert err == "actionplan: the plugin 'typo.py' failed to import (typo.py, line 1): SyntaxError: invalid syntax\n"
    code, _, err = run(capsys, "--lang", "en", "--plugin", "needs", "formats")
    assert err == ("actionplan: the plugin 'needs' failed to import (needs.py, line 1): ModuleNotFoundError: "
                   "No module named 'not_installed_anywhere'\n")
    monkeypatch.setenv(plugins.ENV_PLUGINS, "broken")
    code, _, err = run(capsys, "--lang", "en", "formats")
    assert code == 2 and err.startswith("actionplan: the plugin 'broken' failed to import (broken.py, line 3)")


def test_a_misspelt_hook_in_a_local_plugin_is_refused_and_not_left_registered(workdir, capsys):
    (workdir / "misspelt.py").write_text(
        "import actionplan\n\n\n@actionplan.hookimpl\ndef actionplan_register_critera(register):\n    pass\n",
        encoding="utf-8")
    code, _, err = run(capsys, "--plugin", "misspelt", "formats")
    assert code == 2
    assert "un plugin implémente un hook qui n'existe pas" in err and "actionplan_register_critera" in err
    assert plugins.get_plugin_manager().get_plugin("misspelt") is None
