"""The year's cycle: listing the updates waiting for review, and closing a period.

Targets (issue 9):

* ``review`` — listing the updates waiting for review (``store.updates(status="submitted")``
  and the rows ``actionplan review PLAN`` prints) on a plan with 100 000 measurements takes
  within 2× of the same on 1 000; both stores hold the same 20 updates waiting, the rest
  counted (SQLite: the listing reads the status index, never the counted rows);
* ``close`` vs indicators — closing a period of a plan with 10× the indicators (same
  measurements per indicator) takes at most 10 × 1.5 the time: linear in the indicators;
* ``close`` vs measurements — closing the same period of the same plan with 100 000
  measurements instead of 1 000, recorded on the same days (100 indicators, ten days each): the
  target is "flat" (≤ 2×). Closing builds its snapshot from the store's aggregates
  (``progress_facts`` as of the period's end: one group per indicator, day and place, whatever
  the number of measurements in it), not from every measurement. Shown beside without a target:
  the 100 000 spread over every day of the year, where the groups themselves grow (7 300 instead
  of 1 000: the cost follows indicators × days × places, bounded by the calendar, not the history);
* reading a closed period back (``store.period_progress``, what ``report --period`` and
  ``bilan`` do) is flat in the measurements (≤ 2×): the snapshot holds figures, not measurements.

Each run closes another period ending on 31 December (``2026-01-01..2026-12-31``, then from
2 January…), timed in turns with its peer, best of the repeats; nothing is closed twice. Run alone: ``python benchmarks/cycle.py [--quick]``
(quick: 20 000 measurements).
"""

from __future__ import annotations

import datetime as dt
import itertools
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _table import Row, measure_side_by_side, ratio_row, timing_row  # noqa: E402

import actionplan  # noqa: E402
from actionplan.documents import from_data  # noqa: E402
from actionplan.model import Measurement  # noqa: E402
from actionplan.testing import sample_plan_data  # noqa: E402

GROUP = "cycle"
WAITING = 20
REVIEW_TARGET = 2.0
LINEAR_SLACK = 1.5
FLAT_TARGET = 2.0
PLAN_ID = "table-exemple-2026"


def plan_with(indicators: int, *, review: bool = False):
    """The sample plan with ``indicators`` more counts (« N rencontres », a target of 10 each)."""
    extra = tuple({"id": f"compte-{i}", "label": f"{i} rencontres", "kind": "count", "unit": "rencontres",
                   "target": 10} for i in range(indicators))
    data = sample_plan_data(extra_indicators=extra)
    if review:
        data["review"] = {"required": True}
    return from_data(data)


def spread(count: int, indicators: int, days: int = 365) -> list[Measurement]:
    """``count`` counted measurements of 2026 on its first ``days`` days (every 36th day when ten), cycling
    over the extra indicators."""
    first, step = dt.date(2026, 1, 1), 365 // days
    return [Measurement(date=first + dt.timedelta(days=step * ((i // indicators) % days)), value=Decimal(1),
                        indicator=f"compte-{i % indicators}", note=f"mesure {i}") for i in range(count)]


def filled(url: str, plan, measurements: list[Measurement]):
    store = actionplan.open_store(url)
    store.save(plan)
    for start in range(0, len(measurements), 10_000):
        store.append_measurements(plan.id, measurements[start:start + 10_000])
    return store


def review_rows(folder: Path, large: int, repeats: int) -> list[Row]:
    from actionplan.cli.cycle_commands import waiting_rows

    stores = {}
    for name, count in (("small", 1_000), ("large", large)):
        plan = plan_with(50)
        store = filled(f"sqlite:{folder}/review-{name}.db", plan, spread(count - WAITING, 50))
        store.save(plan_with(50, review=True), expected_version=1)  # from now on, updates wait for review
        store.append_measurements(plan.id, spread(WAITING, 50), author="partenaire")
        stores[name] = (store, store.get(plan.id).document)

    def listing(name):
        store, plan = stores[name]

        def run():
            waiting = store.updates(PLAN_ID, status="submitted")
            assert len(waiting) == WAITING
            return waiting_rows(plan, waiting, "fr")
        return run

    try:
        timings = measure_side_by_side({"small": listing("small"), "large": listing("large")}, repeats=repeats)
    finally:
        for store, _ in stores.values():
            store.close()
    return [timing_row(GROUP, f"review: list {WAITING} waiting, 1,000 measurements", timings["small"]),
            timing_row(GROUP, f"review: list {WAITING} waiting, {large:,} measurements", timings["large"]),
            ratio_row(GROUP, f"review listing, {large:,} / 1,000 measurements", timings["large"], timings["small"],
                      REVIEW_TARGET)]


def close_timing(folder: Path, label: str, plan, measurements: list[Measurement], repeats: int, other):
    """Time closing a period on a store holding ``plan`` and ``measurements`` (side by side with ``other``).

    Each run closes another period ending on 31 December 2026 (``2026-01-01..2026-12-31``, then
    from 2 January…), so one store per side serves every run and nothing is closed twice.
    """
    stores = {"a": filled(f"sqlite:{folder}/close-{label}-a.db", plan, measurements),
              "b": filled(f"sqlite:{folder}/close-{label}-b.db", *other)}

    def closing(key):
        days = itertools.count(1)

        def run():
            stores[key].close_period(PLAN_ID, f"2026-01-{next(days):02d}..2026-12-31", author="benchmark")
        return run

    try:
        timings = measure_side_by_side({"a": closing("a"), "b": closing("b")}, repeats=repeats, warmup=1)
        # a closed period read back (thawed from its snapshot, as report --period and bilan do)
        frozen = measure_side_by_side({key: (lambda store=store: store.period_progress(PLAN_ID, "2026-01-01..2026-12-31"))
                                       for key, store in stores.items()}, repeats=repeats)
    finally:
        for store in stores.values():
            store.close()
    return timings["a"], timings["b"], frozen["a"], frozen["b"]


def close_rows(folder: Path, large: int, repeats: int) -> list[Row]:
    per_indicator = 10
    many, few, _, _ = close_timing(folder, "indicators", plan_with(1_000), spread(1_000 * per_indicator, 1_000), repeats,
                             (plan_with(100), spread(100 * per_indicator, 100)))
    rows = [timing_row(GROUP, f"close 2026: 100 indicators, {100 * per_indicator:,} measurements", few),
            timing_row(GROUP, f"close 2026: 1,000 indicators, {1_000 * per_indicator:,} measurements", many),
            ratio_row(GROUP, "close vs indicators: 1,000 / 100 (linear: ≤ 10 × 1.5)", many, few, 10 * LINEAR_SLACK)]
    heavy, light, read_heavy, read_light = close_timing(folder, "measurements", plan_with(100),
                                                        spread(large, 100, days=10), repeats,
                                                        (plan_with(100), spread(1_000, 100, days=10)))
    yearly, _, _, _ = close_timing(folder, "year", plan_with(100), spread(large, 100), repeats,
                                   (plan_with(100), spread(1_000, 100)))
    rows += [timing_row(GROUP, "close 2026: 100 indicators, 1,000 measurements (10 days each)", light),
             timing_row(GROUP, f"close 2026: 100 indicators, {large:,} measurements (the same days)", heavy),
             ratio_row(GROUP, f"close vs measurements: {large:,} / 1,000 (flat)", heavy, light, FLAT_TARGET),
             timing_row(GROUP, f"close 2026: 100 indicators, {large:,} measurements over the year", yearly),
             ratio_row(GROUP, f"close, {large:,} over the year / 1,000 (no target: more groups)", yearly, light),
             timing_row(GROUP, f"read a closed period back: 100 indicators, {large:,} measurements", read_heavy),
             ratio_row(GROUP, f"closed period read back, {large:,} / 1,000 measurements", read_heavy, read_light,
                       FLAT_TARGET)]
    return rows


def rows(quick: bool) -> list[Row]:
    large = 20_000 if quick else 100_000
    repeats = 3 if quick else 5
    with tempfile.TemporaryDirectory(prefix="actionplan-bench-cycle-") as tmp:
        folder = Path(tmp)
        return [*review_rows(folder, large, repeats), *close_rows(folder, large, repeats)]


if __name__ == "__main__":
    from _table import main

    raise SystemExit(main(rows, GROUP))
