"""Stores: recording a measurement as history grows, and loading a plan with 100 000 of them.

Targets (issue 3):

* recording one measurement costs the same with 100 and with 100 000 earlier measurements
  (ratio ≤ 1.3) on SQLite and PostgreSQL — appends touch indexes, never the whole history
  and never the plan;
* loading a plan with its 100 000 measurements from SQLite is within 2× of loading the same
  plan from its JSON file (``actionplan.load``).

Each recording is a whole transaction (checked against the plan's indicator, committed,
on SQLite fsynced). The small and the large store are timed in turns so that a busy moment
of the machine slows both alike. PostgreSQL runs on a throwaway server started from the
installed binaries (skipped, with a row saying so, where there are none). ``dir:`` figures
are shown without targets.

Run alone: ``python benchmarks/storage.py [--quick]`` (quick: 20 000 measurements).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _table import Row, measure, measure_side_by_side, ratio_row, timing_row  # noqa: E402

import actionplan  # noqa: E402
from actionplan.model import Measurement  # noqa: E402
from actionplan.testing import sample_plan  # noqa: E402

GROUP = "storage"
SMALL = 100
APPENDS_PER_CALL = 20
#: Untimed rounds first: a new file grows and the caches fill during the first appends.
WARMUP = 3
RECORD_TARGET = 1.3
LOAD_TARGET = 2.0


def measurements(count: int, start: int = 0) -> list[Measurement]:
    """``count`` valid measurements spread over the year and two indicators."""
    first = dt.date(2026, 1, 1)
    return [
        Measurement(date=first + dt.timedelta(days=i % 365), value=Decimal(i % 7 + 1),
                    indicator="participants" if i % 2 else "rencontres-tp", note=f"mesure {i}")
        for i in range(start, start + count)
    ]


def filled_store(url: str, count: int):
    store = actionplan.open_store(url)
    plan = sample_plan()
    store.save(plan)
    for start in range(0, count, 10_000):
        store.append_measurements(plan.id, measurements(min(10_000, count - start), start))
    return store


def recording_rows(name: str, make_url, large: int, repeats: int, target: float | None) -> list[Row]:
    """Time single-measurement transactions on a store with SMALL and with ``large`` earlier ones."""
    plan_id = sample_plan().id
    small_store, large_store = filled_store(make_url(), SMALL), filled_store(make_url(), large)
    one = Measurement(date=dt.date(2026, 6, 1), value=Decimal(1), indicator="participants", note="nouvelle")

    def record(store):
        def run():
            for _ in range(APPENDS_PER_CALL):
                store.append_measurement(plan_id, one, author="benchmark")
        return run

    try:
        timings = measure_side_by_side({"small": record(small_store), "large": record(large_store)},
                                       repeats=repeats, warmup=WARMUP)
    finally:
        small_store.close()
        large_store.close()
    per = {k: v.best / APPENDS_PER_CALL * 1000 for k, v in timings.items()}
    grown = SMALL + APPENDS_PER_CALL * (WARMUP + timings["small"].repeats)
    rows = [Row(GROUP, f"{name}: record 1 measurement, {SMALL} before", per["small"], "ms",
                note=f"median {timings['small'].median_ms / APPENDS_PER_CALL:.2f} ms; one transaction each; "
                     f"{grown} at the end"),
            Row(GROUP, f"{name}: record 1 measurement, {large:,} before", per["large"], "ms",
                note=f"median {timings['large'].median_ms / APPENDS_PER_CALL:.2f} ms")]
    ratio = ratio_row(GROUP, f"{name}: recording cost, {large:,} / {SMALL} before", timings["large"],
                      timings["small"], target)
    return [*rows, ratio]


def loading_rows(count: int, folder: Path, repeats: int, pg_url=None) -> list[Row]:
    """Loading the plan with ``count`` measurements: from its JSON file, from SQLite (and others)."""
    store = filled_store(f"sqlite:{folder}/load.db", count)
    plan_id = sample_plan().id
    full = store.plan_with_measurements(plan_id)
    json_path = folder / "plan-with-measurements.json"
    actionplan.dump(full, json_path)
    size = json_path.stat().st_size
    assert actionplan.load(json_path) == full  # both sides load the very same plan
    timings = measure_side_by_side({"json": lambda: actionplan.load(json_path),
                                    "sqlite": lambda: store.plan_with_measurements(plan_id)}, repeats=repeats)
    rows = [timing_row(GROUP, f"load plan + {count:,} measurements from its JSON file", timings["json"], size),
            timing_row(GROUP, f"load plan + {count:,} measurements from sqlite:", timings["sqlite"]),
            ratio_row(GROUP, "sqlite: load / JSON file load", timings["sqlite"], timings["json"], LOAD_TARGET)]
    backup = folder / "backup.json"
    with actionplan.open_store(f"dir:{folder}/load-dir") as folder_store:
        store.backup(backup)
        folder_store.restore(backup)
        timing = measure(lambda: folder_store.plan_with_measurements(plan_id), repeats=repeats)
        rows.append(timing_row(GROUP, f"load plan + {count:,} measurements from dir:", timing))
    if pg_url is not None:
        with actionplan.open_store(pg_url) as pg_store:
            pg_store.restore(backup)
            timing = measure(lambda: pg_store.plan_with_measurements(plan_id), repeats=repeats)
            rows.append(timing_row(GROUP, f"load plan + {count:,} measurements from postgresql:", timing))
    store.close()
    return rows


@contextlib.contextmanager
def postgres():
    """A throwaway PostgreSQL server, or ``None`` where PostgreSQL is not installed."""
    try:
        import actionplan_postgresql  # noqa: F401
    except ImportError:
        yield None, "the actionplan-postgresql plugin is not installed"
        return
    from actionplan.testing.postgres import PostgresServer, find_pg_bin

    bindir = find_pg_bin()
    if bindir is None:
        yield None, "no PostgreSQL server binaries (initdb, pg_ctl) on this machine"
        return
    with PostgresServer(bindir, durable=True) as server:  # fsync on: figures a real server gives
        yield server, None


def rows(quick: bool) -> list[Row]:
    large = 20_000 if quick else 100_000
    repeats = 5 if quick else 9
    result: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="actionplan-bench-") as tmp, postgres() as (server, why_not):
        folder = Path(tmp)
        numbers = iter(range(1000))
        result += recording_rows("sqlite", lambda: f"sqlite:{folder}/record-{next(numbers)}.db", large, repeats,
                                 RECORD_TARGET)
        if server is not None:
            result += recording_rows("postgresql", server.new_store_url, large, repeats, RECORD_TARGET)
        else:
            result.append(Row(GROUP, "postgresql: recording cost", None, "", note=f"skipped: {why_not}"))
        result += recording_rows("dir", lambda: f"dir:{folder}/record-{next(numbers)}", large, repeats, None)
        result += loading_rows(large, folder, repeats, server.new_store_url() if server else None)
    return result


if __name__ == "__main__":
    from _table import main

    raise SystemExit(main(rows, GROUP))
