"""Report rendering speed: growth with the plan's size, and the seed plan's dashboard time.

Targets (issue 5): a plan ten times larger takes at most eleven times as long to render,
for the HTML dashboard and the XLSX workbook; the seed plan's dashboard renders in well
under a second. The seed plan is ``examples/concertation-horizon-2026.yaml`` with its
illustrative tracking log (105 indicators, 144 measurements); the large plan is ten copies
of its themes with unique ids (1 050 indicators). Times are end to end, as ``actionplan
report`` does it: progress computed at the report date, then the format's ``render``. The
two sizes are timed in turns (``measure_side_by_side``), so a busy moment of the machine
slows both alike and the ratio stays meaningful.

Run alone: ``python benchmarks/reports.py [--quick]``.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _table import Row, main, measure_side_by_side, ratio_row, timing_row  # noqa: E402

GROUP = "reports"
ROOT = HERE.parent
PLAN = ROOT / "examples" / "concertation-horizon-2026.yaml"
TRACKING = ROOT / "examples" / "concertation-horizon-2026-suivi.yaml"
AS_OF = dt.date(2026, 10, 1)
FACTOR = 10
MAX_RATIO = 11.0
SEED_HTML_BUDGET_MS = 1000.0
TARGETED = ("html", "xlsx")
OTHERS = ("markdown", "csv", "json", "docx", "ics")


def seed_plan():
    from actionplan.cli.common import load_plan_with_tracking

    return load_plan_with_tracking(PLAN, [TRACKING])


def scaled(plan, factor: int):
    """``factor`` copies of every theme (ids suffixed, measurements kept): a plan ``factor`` times larger."""
    from actionplan.documents import from_data, to_data

    data = to_data(plan)
    themes = [theme if copy == 0 else _suffixed(theme, f"-x{copy}") for copy in range(factor) for theme in data["themes"]]
    return from_data({**data, "themes": themes}, check=False)


def _suffixed(node, suffix: str):
    """The theme's subtree with every ``id`` (and measurement ``indicator``) made unique."""
    if isinstance(node, dict):
        return {key: (value + suffix if key in ("id", "indicator") and isinstance(value, str) else _suffixed(value, suffix))
                for key, value in node.items()}
    if isinstance(node, list):
        return [_suffixed(item, suffix) for item in node]
    return node


def rows(quick: bool = False) -> list[Row]:
    from actionplan.reports import render_report, report_formats

    small = seed_plan()
    large = scaled(small, FACTOR)
    n_small = sum(1 for _ in small.iter_indicators())
    n_large = sum(1 for _ in large.iter_indicators())
    installed = report_formats()
    names = [name for name in (*TARGETED, *(() if quick else OTHERS)) if name in installed]
    result = []
    for name in names:
        timings = measure_side_by_side(
            {
                "seed": lambda name=name: render_report(small, name, as_of=AS_OF),
                "large": lambda name=name: render_report(large, name, as_of=AS_OF),
            },
            repeats=3 if quick else 7,
        )
        result.append(timing_row(GROUP, f"{name}: seed plan ({n_small} indicators)", timings["seed"]))
        result.append(timing_row(GROUP, f"{name}: {FACTOR}× plan ({n_large} indicators)", timings["large"]))
        limit = MAX_RATIO if name in TARGETED else None
        result.append(ratio_row(GROUP, f"{name}: {FACTOR}× plan / seed plan", timings["large"], timings["seed"], limit))
        if name == "html":
            best = timings["seed"].best_ms
            result.append(Row(GROUP, "html: seed dashboard, end to end", best, "ms",
                              target=f"≤ {SEED_HTML_BUDGET_MS:g} ms", ok=best <= SEED_HTML_BUDGET_MS))
    return result


if __name__ == "__main__":
    sys.exit(main(rows, GROUP))
