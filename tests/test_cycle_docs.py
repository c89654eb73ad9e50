"""The worked examples of docs/progress.md about the year's cycle run as written (review, close, bilan)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from docblocks import DOCS, worked_example

ROOT = DOCS.parent
TEXT = (DOCS / "progress.md").read_text(encoding="utf-8")


def run_example(name: str, tmp_path: Path, *, fails: tuple[str, ...] = ()) -> list[subprocess.CompletedProcess]:
    """Run each command line of a worked example with bash in a copy of the examples; results in order."""
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ['PATH']}",
           "ACTIONPLAN_LANG": "fr", "ACTIONPLAN_USER": "Coordination", "COLUMNS": "200"}
    env.pop("ACTIONPLAN_STORE", None)
    script = worked_example(TEXT, name, "docs/progress.md")
    done = subprocess.run(["bash", "-c", "set -u\n" + script.replace("\\\n", "")], cwd=tmp_path, env=env,
                          capture_output=True, text=True, timeout=300)
    return [done]


def test_the_review_example_runs(tmp_path):
    [done] = run_example("review", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "attend et ne compte pas encore" in done.stdout
    assert "1 mise à jour en attente de révision" in done.stdout
    assert "CDP SA a soumis la mise à jour" in done.stderr  # the self-approval refused…
    assert "approuvée (« 4 rencontres ») par Coordination" in done.stdout  # …the coordinator's kept
    assert "Traceback" not in done.stderr
