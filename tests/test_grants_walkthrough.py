"""docs/grants.md's walkthrough (check with the committee → allocate → --commit → ledger) runs as written."""

from __future__ import annotations

import shlex
import shutil
from pathlib import Path

import pytest
from docblocks import worked_example

from actionplan.cli import main

ROOT = Path(__file__).resolve().parent.parent
TEXT = (ROOT / "docs" / "grants.md").read_text(encoding="utf-8")
#: In the order of the guide: --commit rewrites the applications file the ledger then reads.
STEPS = ("walkthrough-check", "walkthrough-allocate", "walkthrough-commit", "walkthrough-ledger")
SKIP = "…"


def _in_order(expected: list[str], found: list[str]) -> list[str]:
    """The lines of ``expected`` missing from ``found`` in that order (``…`` skips any lines)."""
    missing, position = [], 0
    for line in expected:
        if line == SKIP:
            continue
        try:
            position = found.index(line, position) + 1
        except ValueError:
            missing.append(line)
    return missing


def test_the_walkthrough_of_docs_grants_runs(tmp_path, monkeypatch, capsys):
    (tmp_path / "examples").mkdir()
    for path in (ROOT / "examples").glob("alliance-maskoutains-*.yaml"):
        shutil.copy(path, tmp_path / "examples" / path.name)
    monkeypatch.chdir(tmp_path)
    for step in STEPS:
        block = worked_example(TEXT, step, "docs/grants.md").splitlines()
        assert block[0].startswith("$ actionplan "), step
        with pytest.raises(SystemExit) as info:
            main(shlex.split(block[0][2:])[1:])
        out, err = capsys.readouterr()
        assert info.value.code == 0, (step, err)
        expected, found = block[1:], out.splitlines()
        if SKIP in expected:
            assert _in_order(expected, found) == [], (step, out)
        else:
            assert found == expected, (step, out)
