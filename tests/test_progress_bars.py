"""Progress bars (rich) on work that can take seconds: drawn on a terminal, never in a pipe or a CI log."""

from __future__ import annotations

import io
import os
import pty
import select
import shutil
import subprocess
import sys

import pytest

from actionplan.cli.common import progress_bar, progress_enabled

PLAN = "concertation-horizon-2026"
#: Each command, and the words its bar shows (French, the default language).
COMMANDS = [
    (("report", PLAN, "-f", "html", "-o", "r.html", "--force"), "Rapport html de concertation-horizon-2026"),
    (("backup", "-o", "b.json", "--force"), "Sauvegarde en cours\u00a0: sqlite:actionplan.db"),
    (("import", "examples/plan.txt", "-o", "importe.yaml", "--force"), "Lecture de examples/plan.txt"),
    (("--store", "dir:copie", "restore", "b.json"), "Restauration de b.json dans dir:copie"),
]


@pytest.fixture
def folder(tmp_path, examples):
    """The seed plan and its tracking log in the default store, a backup of it, a plan text to import."""
    from test_import_text import SMALL_PLAN

    shutil.copytree(examples, tmp_path / "examples")
    (tmp_path / "examples" / "plan.txt").write_text(SMALL_PLAN, encoding="utf-8")
    env = environment()
    for args in (("save", f"examples/{PLAN}.yaml", f"examples/{PLAN}-suivi.yaml"), ("backup", "-o", "b.json")):
        subprocess.run([sys.executable, "-m", "actionplan", *args], cwd=tmp_path, env=env, check=True,
                       capture_output=True, timeout=120)
    return tmp_path


def environment(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("CI", "ACTIONPLAN_STORE", "ACTIONPLAN_LANG")}
    return {**env, "COLUMNS": "100", **extra}


def on_terminal(args, cwd, env) -> tuple[int, bytes]:
    """Run the command line with standard error on a pseudo-terminal; its exit code and what the terminal got."""
    main, secondary = pty.openpty()
    proc = subprocess.Popen([sys.executable, "-m", "actionplan", *args], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                            stdout=subprocess.DEVNULL, stderr=secondary)
    os.close(secondary)
    seen = b""
    try:
        while True:
            ready, _, _ = select.select([main], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(main, 65536)
                except OSError:  # the other end closed
                    chunk = b""
                seen += chunk
                if not chunk and proc.poll() is not None:
                    break
            elif proc.poll() is not None:
                break
    finally:
        os.close(main)
    return proc.wait(timeout=120), seen


@pytest.mark.parametrize("args, words", COMMANDS)
def test_a_bar_is_drawn_on_a_terminal(folder, args, words):
    code, seen = on_terminal(args, folder, environment())
    assert code == 0, seen
    text = seen.decode("utf-8", "replace")
    assert words in text and "━" in text  # the description, then the bar
    assert "\x1b[?25l" in text  # rich hides the cursor while it draws


@pytest.mark.parametrize("args, words", COMMANDS)
def test_no_bar_text_reaches_a_pipe(folder, args, words):
    result = subprocess.run([sys.executable, "-m", "actionplan", *args], cwd=folder, env=environment(),
                            capture_output=True, timeout=120)
    assert result.returncode == 0, result.stderr
    for stream in (result.stdout, result.stderr):
        assert words.encode() not in stream and b"\x1b" not in stream and "━".encode() not in stream


def test_no_bar_in_a_ci_log_even_on_a_terminal(folder):
    args, words = COMMANDS[0]
    code, seen = on_terminal(args, folder, environment(CI="true"))
    assert code == 0 and words.encode() not in seen and "━".encode() not in seen


def test_the_helper_draws_nothing_off_a_terminal(monkeypatch):
    monkeypatch.delenv("CI", raising=False)
    assert progress_enabled(io.StringIO()) is False
    monkeypatch.setattr(sys, "stderr", io.StringIO())
    with progress_bar("Travail", total=3) as advance:
        advance()
        advance(2)
    assert sys.stderr.getvalue() == ""
    monkeypatch.setenv("CI", "false")

    class Terminal(io.StringIO):
        def isatty(self):
            return True

    assert progress_enabled(Terminal()) is True
    monkeypatch.setenv("CI", "1")
    assert progress_enabled(Terminal()) is False
