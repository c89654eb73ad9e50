"""The README's quick start and Python example work as written."""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def quick_start_commands() -> list[str]:
    blocks = re.findall(r"```sh\n(.*?)```", README.split("## Quick start", 1)[1], flags=re.S)
    lines = [line for block in blocks[:2] for line in block.splitlines() if line and not line.startswith("#")]
    assert len(lines) == 2, "the quick start is two commands"
    return lines


def test_the_test_command_is_the_one_ci_runs():
    test_command = quick_start_commands()[1]
    assert test_command in (ROOT / ".ci" / "run").read_text(encoding="utf-8")


def test_the_main_job_writes_the_dashboard_from_the_default_store(tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    main_job = quick_start_commands()[0]
    steps = [shlex.split(step) for step in main_job.split("&&")]
    assert steps[0][:4] == ["python", "-m", "pip", "install"]
    from actionplan.storage import open_store

    held = []
    for _ in range(2):  # running it again changes nothing and still succeeds
        for step in steps[1:]:
            assert step[0] == "actionplan"
            result = subprocess.run([sys.executable, "-m", "actionplan", *step[1:]], cwd=tmp_path,
                                    capture_output=True, text=True, timeout=120)
            assert result.returncode == 0, result.stderr
        with open_store(f"sqlite:{tmp_path / 'actionplan.db'}") as store:
            held.append(store.export())
    first, second = held
    assert second == first  # the same plan, measurements, review decisions and manual status: nothing added
    assert (len(first.measurements), len(first.events)) == (134, 3)
    dashboard = (tmp_path / "rapport.html").read_text(encoding="utf-8")
    assert "Concertation Horizon" in dashboard and "En retard" in dashboard
    # the seed log's cycle: the updates waiting for review apart, the status set by hand next to the computed one
    pending = dashboard.split('id="pending"', 1)[1].split("</section>", 1)[0]
    assert pending.count("<tr") == 1 + 3 and "Comité régional ADS+" in pending
    assert "Fixé à la main" in dashboard and "AGA reportée au 26 novembre 2026" in dashboard


def test_the_python_example_runs(tmp_path):
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    subprocess.run([sys.executable, "-m", "actionplan", "save", "examples/concertation-horizon-2026.yaml",
                    "examples/concertation-horizon-2026-suivi.yaml"], cwd=tmp_path, check=True,
                   capture_output=True, timeout=120)
    code = re.search(r"## From Python\n\n```python\n(.*?)```", README, flags=re.S).group(1)
    result = subprocess.run([sys.executable, "-c", code], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "Sécurité alimentaire" in result.stdout
    assert (tmp_path / "copy.json").exists()
