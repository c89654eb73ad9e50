"""Starting the command line: ``actionplan --help`` and ``actionplan validate`` in a fresh process.

Targets (issue 13):

* ``actionplan --help`` within 1.5× of ``python -c "import attrs, cattrs"`` (the two libraries
  every command needs), both timed as whole fresh processes;
* ``actionplan validate`` of the seed plan (``examples/concertation-horizon-2026.yaml``) within 3×.

Each round starts the three processes in turn (baseline, help, validate), so a busy moment of
the machine slows all of them alike; the figures are the best of the rounds, the median is in
the note. The processes run with the interpreter running the benchmark, the installed plugins
and the default environment (``ACTIONPLAN_*`` variables removed); bytecode caches are warm
(a first, untimed round writes them). The last row lists what ``--help`` imports, from
``python -X importtime``: none of schedules, grants, storage, reports, documents or a plugin.

Run alone: ``python benchmarks/startup.py [--quick]``.
"""

from __future__ import annotations

import os
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _table import Row, Timing, ratio_row, timing_row  # noqa: E402

GROUP = "startup"
ROOT = HERE.parent
SEED_PLAN = ROOT / "examples" / "concertation-horizon-2026.yaml"
HELP_TARGET = 1.5
VALIDATE_TARGET = 3.0
#: Modules ``actionplan --help`` must not import (each costs tens of milliseconds, or is a plugin).
HEAVY = ("actionplan.schedules", "actionplan.grants", "actionplan.storage", "actionplan.reports",
         "actionplan.documents", "actionplan.convert", "actionplan.plugins", "actionplan_")

CLI = "import sys; from actionplan.cli import main; sys.argv[0] = 'actionplan'; main()"
COMMANDS = {
    "baseline": [sys.executable, "-c", "import attrs, cattrs"],
    "help": [sys.executable, "-c", CLI, "--help"],
    "validate": [sys.executable, "-c", CLI, "validate", str(SEED_PLAN)],
}


def _environment() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if not k.startswith("ACTIONPLAN_")}


def _run(argv: list[str], env: dict[str, str]) -> float:
    start = time.perf_counter()
    done = subprocess.run(argv, env=env, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(argv[-2:])} exited with {done.returncode}: {done.stderr.decode()[-300:]}")
    return elapsed


def time_processes(rounds: int) -> dict[str, Timing]:
    """Best and median wall time of each command, started in turns."""
    env = _environment()
    for argv in COMMANDS.values():  # untimed: bytecode caches written, files in the page cache
        _run(argv, env)
    samples: dict[str, list[float]] = {name: [] for name in COMMANDS}
    for _ in range(rounds):
        for name, argv in COMMANDS.items():
            samples[name].append(_run(argv, env))
    return {name: Timing(min(times), statistics.median(times), len(times)) for name, times in samples.items()}


def help_imports() -> list[str]:
    """The modules ``actionplan --help`` imports (from ``python -X importtime``)."""
    done = subprocess.run([sys.executable, "-X", "importtime", "-c", CLI, "--help"], env=_environment(), cwd=ROOT,
                          stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=True)
    return [m.group(1) for m in re.finditer(r"^import time:\s+\d+ \|\s+\d+ \|\s*(\S+)$",
                                            done.stderr.decode(), re.MULTILINE)]


def rows(quick: bool) -> list[Row]:
    timings = time_processes(7 if quick else 21)
    imported = help_imports()
    heavy = sorted(m for m in imported if m.startswith(HEAVY))
    ours = sorted(m for m in imported if m.startswith("actionplan"))
    return [
        timing_row(GROUP, 'python -c "import attrs, cattrs"', timings["baseline"]),
        timing_row(GROUP, "actionplan --help", timings["help"]),
        timing_row(GROUP, "actionplan validate (seed plan)", timings["validate"]),
        ratio_row(GROUP, "--help / import attrs, cattrs", timings["help"], timings["baseline"], HELP_TARGET),
        ratio_row(GROUP, "validate / import attrs, cattrs", timings["validate"], timings["baseline"],
                  VALIDATE_TARGET),
        Row(GROUP, "--help imports heavy modules", len(heavy), "modules", target="= 0", ok=not heavy,
            note=(", ".join(heavy[:6]) if heavy else f"none; {len(imported)} modules in all, ours: "
                  + ", ".join(ours))),
    ]


if __name__ == "__main__":
    from _table import main

    raise SystemExit(main(rows, GROUP))
