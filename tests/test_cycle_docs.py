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


def test_the_close_example_runs(tmp_path):
    [done] = run_example("close", tmp_path)
    assert done.returncode == 0, done.stderr
    assert "Période 2026-T2 du plan concertation-horizon-2026 clôturée (version 1, du 1er avril 2026 au 30 juin 2026)" \
        in done.stdout
    assert "la période 2026-T2 du plan 'concertation-horizon-2026' est clôturée" in done.stderr  # the refused track
    assert "rouverte par Coordination" in done.stdout and "(version 2," in done.stdout
    assert "period-reopened 2026-T2 v1" in done.stdout and "period-closed 2026-T2 v2" in done.stdout
    assert "Chiffres figés" in (tmp_path / "t2.md").read_text(encoding="utf-8")
    assert "Traceback" not in done.stderr


def test_the_bilan_example_runs(tmp_path):
    [done] = run_example("bilan", tmp_path)
    assert done.returncode == 0, done.stderr
    html = (tmp_path / "bilan.html").read_text(encoding="utf-8")
    markdown = (tmp_path / "bilan.md").read_text(encoding="utf-8")
    assert "Bilan de 2026-T1 à 2026-T2" in html and "Ce qui a été atteint" in html and "Ce qui a reculé" in html
    assert "## Bilan de 2026-T1 à 2026-T2" in markdown
    assert "Avancement du plan\xa0: 31\xa0% → 63\xa0% (+32 points)." in markdown  # French spacing, Babel percentages
    assert "period not closed, figures computed as of September 30, 2026" in done.stdout
    assert "Traceback" not in done.stderr
