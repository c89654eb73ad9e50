"""docs/progress.md's worked examples of due items run and print what the guide says."""

from __future__ import annotations

import contextlib
import io
import shlex
import shutil
from pathlib import Path

import pytest

from docblocks import worked_example

TEXT = (Path(__file__).resolve().parent.parent / "docs" / "progress.md").read_text(encoding="utf-8")


def printed_as_documented(name: str) -> None:
    code = worked_example(TEXT, name, "docs/progress.md")
    expected = [line[2:] for line in code.splitlines() if line.startswith("# ")]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        exec(compile(code, f"docs/progress.md:{name}", "exec"), {})
    assert out.getvalue().splitlines() == expected


def test_the_due_example_prints_what_the_guide_says():
    printed_as_documented("due")


def test_the_due_command_prints_what_the_guide_says(tmp_path, examples, monkeypatch, capsys):
    from actionplan.cli import main

    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ACTIONPLAN_STORE", raising=False)
    monkeypatch.delenv("ACTIONPLAN_LANG", raising=False)
    for name in ("concertation-horizon-2026.yaml", "concertation-horizon-2026-suivi.yaml"):
        shutil.copy(examples / name, tmp_path / name)
    with pytest.raises(SystemExit):
        main(["save", "concertation-horizon-2026.yaml", "concertation-horizon-2026-suivi.yaml"])
    capsys.readouterr()
    block = worked_example(TEXT, "due-cli", "docs/progress.md").splitlines()
    command, expected = block[0].removeprefix("$ actionplan "), block[1:]
    with pytest.raises(SystemExit) as stopped:
        main(shlex.split(command))
    assert stopped.value.code == 0
    assert capsys.readouterr().out.splitlines() == expected
