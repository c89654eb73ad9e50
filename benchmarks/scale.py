"""Regional scale: ``show`` and ``report`` on a plan with a million measurements, and loading them.

Targets (issue 13):

* ``actionplan show PLAN`` and ``actionplan report PLAN --format html`` on a plan with 10⁶
  measurements within 2× of the same plan with 10³, on SQLite and on PostgreSQL, in time and in
  peak memory (``tracemalloc``, one call of each, apart from the timed ones);
* ``actionplan track PLAN --from FILE.csv`` of 10⁶ measurements into PostgreSQL: the rate;
* ``actionplan track`` of one measurement in a fresh process on ``dir:`` within 3× of SQLite.

Both stores hold the sample plan (one indicator of every kind) with measurements recorded the
way a busy table records them: every week of the year, on each indicator, for the whole
region and for two MRC, many per week (10³ at first: about one per indicator, week and place;
10⁶: about a thousand). The commands run in this process through the command line's own entry
(``click`` testing runner), the small and the large store in turns; they read the plan through
:meth:`Store.progress_facts`, so their cost follows the number of (indicator, day, place) groups,
not the number of measurements. PostgreSQL runs on a throwaway, durable server (``fsync`` on).

Run alone: ``python benchmarks/scale.py [--quick]`` (quick: 10⁵ instead of 10⁶, fewer repeats).
"""

from __future__ import annotations

import csv
import datetime as dt
import statistics
import subprocess
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _table import Row, Timing, measure_side_by_side, ratio_row, timing_row  # noqa: E402
from click.testing import CliRunner  # noqa: E402

import actionplan  # noqa: E402
from actionplan.cli import make_lazy_cli  # noqa: E402
from actionplan.model import Measurement  # noqa: E402
from actionplan.testing import sample_plan  # noqa: E402

GROUP = "scale"
SMALL = 1_000
TIME_TARGET = 2.0
MEMORY_TARGET = 2.0
TRACK_TARGET = 3.0
AS_OF = "2026-12-31"
WEEKS = [dt.date(2026, 1, 5) + dt.timedelta(weeks=w) for w in range(52)]
PLACES = (None, "mrc:roussillon", "mrc:les-maskoutains")
LEVELS = ("partiel", "satisfaisant", "excellent")


def measurement(i: int) -> Measurement:
    """The ``i``-th measurement: indicator, week and place turn over, so 10³ already meet most groups."""
    kind, week, place = i % 9, WEEKS[(i // 9) % 52], PLACES[(i // (9 * 52)) % 3]
    if kind == 0:
        return Measurement(date=week, value=Decimal(1), indicator="rencontres-tp", territory=place)
    if kind == 1:
        return Measurement(date=week, numerator=Decimal(i % 20), denominator=Decimal(20),
                           indicator="taux-participation", territory=place)
    if kind == 2:
        return Measurement(date=week, level=LEVELS[(i // 7) % 3], indicator="qualite-collaborations", territory=place)
    if kind == 3:
        return Measurement(date=week, done=(i // 9) % 2 == 0, indicator="fiche-synthese")
    if kind == 4:
        return Measurement(date=week, done=True, indicator="aga")
    if kind == 5:
        return Measurement(date=week, territories=(PLACES[1 + (i // 9) % 2],), indicator="couverture-mrc")
    if kind == 6:
        return Measurement(date=week, value=Decimal(i % 40 + 1), indicator="participants", territory=place)
    if kind == 7:
        return Measurement(date=week, value=Decimal(i % 2), indicator="projets")
    return Measurement(date=week, value=Decimal(i % 100_000) / 100, indicator="sommes-engagees")


def fill(url: str, count: int, batch: int = 20_000) -> float:
    """A store with the sample plan and ``count`` measurements; returns measurements per second."""
    with actionplan.open_store(url) as store:
        plan = sample_plan()
        store.save(plan)
        started = time.perf_counter()
        for start in range(0, count, batch):
            store.append_measurements(plan.id, [measurement(i) for i in range(start, min(count, start + batch))])
        return count / (time.perf_counter() - started)


def command(url: str, *args: str):
    cli_args = ["--store", url, *args]

    def run():
        result = CliRunner().invoke(make_lazy_cli(), cli_args, catch_exceptions=False)
        if result.exit_code != 0:
            raise RuntimeError(f"actionplan {' '.join(args)} exited with {result.exit_code}: {result.output[-300:]}")
        return result.output

    return run


def peak_memory(fn) -> int:
    tracemalloc.start()
    try:
        fn()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def backend_rows(name: str, small_url: str, large_url: str, large: int, repeats: int) -> list[Row]:
    plan_id = sample_plan().id
    rows: list[Row] = []
    for label, args in (("show", ("show", plan_id, "--as-of", AS_OF)),
                        ("report --format html", ("report", plan_id, "--format", "html", "-o", "-", "--as-of", AS_OF))):
        small, big = command(small_url, *args), command(large_url, *args)
        timings = measure_side_by_side({"small": small, "large": big}, repeats=repeats)
        memory = {"small": peak_memory(small), "large": peak_memory(big)}
        rows += [
            timing_row(GROUP, f"{name}: {label}, {SMALL:,} measurements", timings["small"]),
            timing_row(GROUP, f"{name}: {label}, {large:,} measurements", timings["large"]),
            ratio_row(GROUP, f"{name}: {label} time, {large:,} / {SMALL:,}", timings["large"], timings["small"],
                      TIME_TARGET),
            Row(GROUP, f"{name}: {label} peak memory, {large:,} / {SMALL:,}", memory["large"] / memory["small"], "×",
                ratio=memory["large"] / memory["small"], target=f"≤ {MEMORY_TARGET}",
                ok=memory["large"] / memory["small"] <= MEMORY_TARGET,
                note=f"tracemalloc peak {memory['small'] / 1e6:.1f} MB / {memory['large'] / 1e6:.1f} MB"),
        ]
    return rows


def write_csv(path: Path, count: int) -> None:
    """A file for ``track --from``: indicator, date, value, territory (the columns it reads)."""
    with path.open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(["indicator", "date", "value", "territory"])
        for i in range(count):
            m = measurement(i)
            value = (f"{m.numerator}/{m.denominator}" if m.numerator is not None else m.level
                     or ("oui" if m.done else "non" if m.done is not None else None)
                     or (",".join(m.territories) if m.territories else str(m.value)))
            writer.writerow([m.indicator, m.date.isoformat(), value, m.territory or ""])


CLI = "import sys; from actionplan.cli import main; sys.argv[0] = 'actionplan'; main()"


def _process(*args: str) -> float:
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", CLI, *args], capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if done.returncode != 0:
        raise RuntimeError(f"actionplan {' '.join(args[:4])} exited with {done.returncode}: {done.stderr[-300:]}")
    return elapsed


def track_rows(folder: Path, repeats: int) -> list[Row]:
    """``actionplan track`` of one measurement in a fresh process, ``dir:`` against SQLite, in turns."""
    plan_id = sample_plan().id
    urls = {"sqlite": f"sqlite:{folder}/track.db", "dir": f"dir:{folder}/track-dir"}
    for url in urls.values():
        fill(url, SMALL)
    args = ("track", plan_id, "participants", "12", "--date", "2026-06-01", "--by", "benchmark")
    for url in urls.values():  # untimed: bytecode caches, page cache
        _process("--store", url, *args)
    samples: dict[str, list[float]] = {name: [] for name in urls}
    for _ in range(repeats):
        for name, url in urls.items():
            samples[name].append(_process("--store", url, *args))
    timings = {name: Timing(min(t), statistics.median(t), len(t)) for name, t in samples.items()}
    return [timing_row(GROUP, "track 1 measurement, fresh process: sqlite:", timings["sqlite"]),
            timing_row(GROUP, "track 1 measurement, fresh process: dir:", timings["dir"]),
            ratio_row(GROUP, "track in a fresh process, dir: / sqlite:", timings["dir"], timings["sqlite"],
                      TRACK_TARGET)]


def bulk_rows(url: str, folder: Path, count: int) -> list[Row]:
    """``actionplan track PLAN --from FILE.csv`` of ``count`` rows into a new store, in a fresh process."""
    with actionplan.open_store(url) as store:
        store.save(sample_plan())
    path = folder / "measurements.csv"
    write_csv(path, count)
    elapsed = _process("--store", url, "track", sample_plan().id, "--from", str(path), "--by", "benchmark")
    with actionplan.open_store(url) as store:
        kept = store.progress_facts(sample_plan().id).counted
    if kept != count:
        raise AssertionError(f"track --from kept {kept} of {count} measurements")
    return [Row(GROUP, f"postgresql: track --from a CSV of {count:,} measurements", count / elapsed, "rows/s",
                note=f"{elapsed:.1f} s in one transaction (COPY), fresh process; {path.stat().st_size / 1e6:.0f} MB")]


def rows(quick: bool) -> list[Row]:
    from storage import postgres

    large = 100_000 if quick else 1_000_000
    repeats = 3 if quick else 7
    result: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="actionplan-scale-") as tmp, postgres() as (server, why_not):
        folder = Path(tmp)
        result += track_rows(folder, repeats)
        small_url, large_url = f"sqlite:{folder}/small.db", f"sqlite:{folder}/large.db"
        fill(small_url, SMALL)
        rate = fill(large_url, large)
        result.append(Row(GROUP, f"sqlite: record {large:,} measurements (append_measurements, batches of 20 000)",
                          rate, "rows/s"))
        result += backend_rows("sqlite", small_url, large_url, large, repeats)
        if server is None:
            result.append(Row(GROUP, "postgresql: show and report", None, "", note=f"skipped: {why_not}"))
            return result
        pg_small, pg_large = server.new_store_url(), server.new_store_url()
        fill(pg_small, SMALL)
        rate = fill(pg_large, large)
        result.append(Row(GROUP, f"postgresql: record {large:,} measurements (append_measurements, batches of 20 000)",
                          rate, "rows/s"))
        result += backend_rows("postgresql", pg_small, pg_large, large, repeats)
        result += bulk_rows(server.new_store_url(), folder, large)
    return result


if __name__ == "__main__":
    from _table import main

    raise SystemExit(main(rows, GROUP))
