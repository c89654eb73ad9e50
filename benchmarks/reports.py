"""Report rendering speed: growth with the plan's size for every format, and the dashboard in a browser.

The seed plan is ``examples/concertation-horizon-2026.yaml`` with its illustrative tracking
log (105 indicators, 144 measurements); the larger plans are 10 and 100 copies of its themes
with unique ids (1 050 and 10 500 indicators, measurements kept). Times are end to end, as
``actionplan report`` does it: progress computed at the report date, then the format's
``render``. The three sizes are timed in turns (``measure_side_by_side``), so a busy moment of
the machine slows them alike and the ratios stay meaningful.

Targets (issue 11):

* every format: the 100× plan takes at most 11 times as long as the 10× plan (linear growth);
* ``docx``: the 100× plan in at most 3 times the ``xlsx`` time of the same plan;
* ``html``: the 100× dashboard weighs at most 5 MB and opens in headless Chromium (load, its
  script run, first layout) within 3 times the seed dashboard's time — measured with Playwright
  driving ``/usr/bin/chromium`` when both are installed, else the rows say why they are missing;
* the seed dashboard renders in under a second (issue 5).

``--quick`` uses 2 and 20 copies instead of 10 and 100 (the growth target is the same: ten
times the plan, at most eleven times the time).

Each timed sample of the seed and 10× plans renders them ten times in a row (the figures are per
render): a sample then lasts about as long as one render of the 100× plan, so on a shared
machine both sides of the growth ratio meet the same bursts of other work. Two rounds, in turns.

Run alone: ``python benchmarks/reports.py [--quick]``.
"""

from __future__ import annotations

import datetime as dt
import shutil
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _table import Row, Timing, main, measure_side_by_side, ratio_row, timing_row  # noqa: E402

GROUP = "reports"
ROOT = HERE.parent
PLAN = ROOT / "examples" / "concertation-horizon-2026.yaml"
TRACKING = ROOT / "examples" / "concertation-horizon-2026-suivi.yaml"
AS_OF = dt.date(2026, 10, 1)
FACTORS = (10, 100)
QUICK_FACTORS = (2, 20)
MAX_GROWTH = 11.0  # ten times the plan: at most eleven times the time
DOCX_OVER_XLSX = 3.0
HTML_MAX_BYTES = 5 * 1000 * 1000
MAX_OPEN_RATIO = 3.0
SEED_HTML_BUDGET_MS = 1000.0
FORMATS = ("html", "markdown", "csv", "json", "xlsx", "docx", "ics", "xlsx-plan")
CHROMIUM = "/usr/bin/chromium"


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

    small, large = FACTORS if not quick else QUICK_FACTORS
    plans = {"seed": seed_plan()}
    plans[f"{small}×"] = scaled(plans["seed"], small)
    plans[f"{large}×"] = scaled(plans["seed"], large)
    sizes = {label: sum(1 for _ in plan.iter_indicators()) for label, plan in plans.items()}
    installed = report_formats()
    result: list[Row] = []
    largest: dict[str, Timing] = {}
    for name in FORMATS:
        if name not in installed:
            result.append(Row(GROUP, f"{name}: not installed", None, "", note="install actionplan-office"))
            continue
        timings = _per_render(measure_side_by_side(
            {label: _renders(render_report, plan, name, RUNS[index]) for index, (label, plan) in enumerate(plans.items())},
            repeats=2, warmup=0,
        ))
        for label, timing in timings.items():
            result.append(timing_row(GROUP, f"{name}: {label} plan ({sizes[label]} indicators)", timing))
        result.append(ratio_row(GROUP, f"{name}: {small}× / seed", timings[f"{small}×"], timings["seed"]))
        result.append(ratio_row(GROUP, f"{name}: {large}× / {small}×", timings[f"{large}×"], timings[f"{small}×"],
                                MAX_GROWTH))
        largest[name] = timings[f"{large}×"]
        if name == "html":
            best = timings["seed"].best_ms
            result.append(Row(GROUP, "html: seed dashboard, end to end", best, "ms",
                              target=f"≤ {SEED_HTML_BUDGET_MS:g} ms", ok=best <= SEED_HTML_BUDGET_MS))
            result.extend(_dashboard_rows(render_report(plans["seed"], "html", as_of=AS_OF),
                                          render_report(plans[f"{large}×"], "html", as_of=AS_OF), large, quick))
    if "docx" in largest and "xlsx" in largest:
        result.append(ratio_row(GROUP, f"docx / xlsx, {large}× plan", largest["docx"], largest["xlsx"], DOCX_OVER_XLSX))
    return result


#: Renders per timed sample, by size (seed, small, large): the 10× plan is rendered ten times in a row, so its
#: sample lasts about as long as one render of the 100× plan and meets the same share of a shared machine's
#: bursts (the best of a few short runs would dodge them, and inflate the growth ratio).
RUNS = (10, 10, 1)


def _renders(render_report, plan, name: str, runs: int):
    def run():
        for _ in range(runs):
            render_report(plan, name, as_of=AS_OF)
    return run


def _per_render(timings: dict[str, Timing]) -> dict[str, Timing]:
    """The samples of :func:`_renders`, divided by their number of renders."""
    result = {}
    for (label, timing), runs in zip(timings.items(), RUNS):
        result[label] = Timing(best=timing.best / runs, median=timing.median / runs, repeats=timing.repeats)
    return result


def _dashboard_rows(seed: bytes, large: bytes, factor: int, quick: bool) -> list[Row]:
    """The dashboard's weight at ``factor``× and its opening time in Chromium against the seed's."""
    megabytes = len(large) / 1e6
    result = [Row(GROUP, f"html: {factor}× dashboard size", megabytes, "MB",
                  target=f"≤ {HTML_MAX_BYTES / 1e6:g} MB", ok=len(large) <= HTML_MAX_BYTES,
                  note=f"seed {len(seed) / 1e3:.0f} kB")]
    reason = _no_browser()
    if reason:
        return [*result, Row(GROUP, "html: open in Chromium", None, "", note=f"not measured: {reason}")]
    opened = open_times({"seed": seed, f"{factor}×": large}, repeats=2 if quick else 3)
    result.append(timing_row(GROUP, "html: open in Chromium, seed", opened["seed"]))
    result.append(timing_row(GROUP, f"html: open in Chromium, {factor}×", opened[f"{factor}×"]))
    result.append(ratio_row(GROUP, f"html: open {factor}× / seed", opened[f"{factor}×"], opened["seed"], MAX_OPEN_RATIO))
    return result


def _no_browser() -> str | None:
    if not Path(CHROMIUM).exists() and not shutil.which("chromium"):
        return "no Chromium (apt-get install chromium)"
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "no Playwright (pip install playwright)"
    return None


#: Resolves once the page has loaded, its scripts have run and a frame has been laid out.
_SETTLED = "() => new Promise(done => requestAnimationFrame(() => setTimeout(done, 0)))"


def open_times(pages: dict[str, bytes], *, repeats: int) -> dict[str, Timing]:
    """Best and median time from navigation to the first laid-out frame, each page opened in turns in a fresh tab."""
    import statistics

    from playwright.sync_api import sync_playwright

    samples: dict[str, list[float]] = {label: [] for label in pages}
    with tempfile.TemporaryDirectory(prefix="actionplan-bench-") as folder, sync_playwright() as p:
        paths = {}
        for index, (label, payload) in enumerate(pages.items()):
            paths[label] = Path(folder) / f"dashboard-{index}.html"
            paths[label].write_bytes(payload)
        browser = p.chromium.launch(executable_path=shutil.which("chromium") or CHROMIUM,
                                    args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            for _ in range(repeats):
                for label, path in paths.items():
                    page = browser.new_page(viewport={"width": 1280, "height": 900})
                    start = time.perf_counter()
                    page.goto(path.as_uri(), wait_until="load", timeout=300_000)
                    page.evaluate(_SETTLED)
                    samples[label].append(time.perf_counter() - start)
                    page.close()
        finally:
            browser.close()
    return {label: Timing(best=min(times), median=statistics.median(times), repeats=len(times))
            for label, times in samples.items()}


if __name__ == "__main__":
    sys.exit(main(rows, GROUP))
