"""The package's layers hold: ``lint-imports`` checks the contracts of pyproject.toml."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "actionplan"
PYPROJECT = ROOT / "pyproject.toml"

#: Top-level modules the layers leave out, each for a reason given in pyproject.toml.
UNLAYERED = {"__init__", "__main__"}

LINT = "import sys; from importlinter.cli import lint_imports_command; sys.exit(lint_imports_command())"


def config() -> dict:
    return tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]


def test_the_import_contracts_hold():
    result = subprocess.run([sys.executable, "-c", LINT, "--no-cache", "--no-logo", str(PYPROJECT)], cwd=ROOT,
                            capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, f"lint-imports found broken contracts:\n{result.stdout}\n{result.stderr}"
    assert re.search(r"Contracts: \d+ kept, 0 broken", result.stdout), result.stdout


def test_every_module_of_the_package_has_a_layer():
    (layers,) = [c["layers"] for c in config()["contracts"] if c["type"] == "layers"]
    layered = {name.strip().removeprefix("actionplan.") for layer in layers for name in re.split(r"[|:]", layer)}
    modules = {path.stem for path in PACKAGE.glob("*.py")} | {path.parent.name for path in PACKAGE.glob("*/__init__.py")}
    assert modules - UNLAYERED - layered == set(), "give these modules a layer in pyproject.toml"
    assert layered - modules == set(), "these layers name no module"


def test_the_core_never_imports_a_first_party_plugin():
    (forbidden,) = [c for c in config()["contracts"] if c["type"] == "forbidden"]
    assert forbidden["source_modules"] == ["actionplan"]
    plugins = {path.name for path in (ROOT / "plugins").glob("*/src/*") if (path / "__init__.py").is_file()}
    assert set(forbidden["forbidden_modules"]) == plugins
