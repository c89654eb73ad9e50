"""The type check documented in the README finds nothing in the core and the plugins' sources."""

from __future__ import annotations

import re
import shlex
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def documented_command() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Checks\n", 1)[1].split("\n## ", 1)[0]
    (command,) = re.findall(r"```sh\n(.*?)\n```", section, flags=re.S)
    words = shlex.split(command)
    assert words[:3] == ["python", "-m", "mypy"], command
    return [sys.executable, *words[1:]]  # this environment's Python, where mypy and the stubs are


def checked_sources() -> int:
    return sum(1 for folder in (ROOT / "src", *ROOT.glob("plugins/*/src")) for _ in folder.rglob("*.py"))


def test_mypy_finds_no_error_in_the_core_and_the_plugins():
    result = subprocess.run(documented_command(), cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert result.returncode == 0, f"mypy reports:\n{result.stdout}{result.stderr}"
    # Every source file was checked: the configuration covers the core and each plugin.
    assert f"no issues found in {checked_sources()} source files" in result.stdout, result.stdout
