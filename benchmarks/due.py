"""Who owes what (``actionplan due``): the same plan with 1 000 and with 100 000 measurements.

Target (issue 9): ``due`` on a plan with 100 000 measurements runs within 2× of the same on
1 000 (ratio ≤ 2.0).

The plan: 1 000 indicators (500 actions of two indicators, 25 organisations responsible for
them), reported each quarter, stale after 90 days, as of 15 December (three quarters owed).
The updates are what ``Store.updates`` gives (counted, a few submitted and returned), spread over
the year and the indicators. Two figures:

* ``plan_due`` itself (what ``due`` computes once the updates are read), the small and the large
  set timed in turns — the target;
* the whole command's work from a SQLite store (reading the plan and its updates, then
  ``plan_due``), shown with its ratio and no target: reading 100 000 records is linear in them.

Run alone: ``python benchmarks/due.py [--quick]`` (quick: 20 000 measurements, fewer repeats).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
import tempfile
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _table import Row, measure_side_by_side, ratio_row, timing_row  # noqa: E402

import actionplan  # noqa: E402
from actionplan.api import (  # noqa: E402
    Action,
    ActionPlan,
    Indicator,
    Measurement,
    Objective,
    Organisation,
    Participation,
    Period,
    Reporting,
    Theme,
    Update,
    plan_due,
)

GROUP = "due"
SMALL = 1_000
TARGET = 2.0
AS_OF = dt.date(2026, 12, 15)
ORGANISATIONS = 25


def bench_plan(actions: int = 500) -> ActionPlan:
    """A one-year plan of ``actions`` actions with two indicators each, reported each quarter."""
    organisations = tuple(Organisation(f"org-{k:02d}", f"Organisme {k}", email=f"org-{k:02d}@example.org")
                          for k in range(ORGANISATIONS))
    themes = []
    for t in range(10):
        objectives = []
        for o in range(5):
            acts = []
            for a in range(actions // 50):
                ident = f"t{t}-o{o}-a{a}"
                owner = organisations[(t * 50 + o * 10 + a) % ORGANISATIONS].id
                acts.append(Action(ident, f"Action {ident}", partners=(Participation(owner, "responsible"),),
                                   indicators=(Indicator(f"{ident}-i0", "Rencontres", kind="count", target=4),
                                               Indicator(f"{ident}-i1", "Site à jour", kind="deliverable"))))
            objectives.append(Objective(f"t{t}-o{o}", f"Objectif {t}.{o}", actions=tuple(acts)))
        themes.append(Theme(f"t{t}", f"Thème {t}", objectives=tuple(objectives)))
    return ActionPlan("bench-due", "Plan 2026", Period(dt.date(2026, 1, 1), dt.date(2026, 12, 31)),
                      organisation="org-00", organisations=organisations, themes=tuple(themes),
                      reporting=Reporting(frequency="quarterly", due_days=30, stale_after=90))


def updates(plan: ActionPlan, count: int, seed: int = 9) -> list[Update]:
    """``count`` updates over the year, every indicator in turn; one in 50 submitted, one in 100 returned."""
    rng = random.Random(seed)
    ids = [i.id for *_, i in plan.iter_indicators()]
    recorded = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    found = []
    for k in range(count):
        indicator = ids[rng.randrange(len(ids))]
        day = plan.period.start + dt.timedelta(days=rng.randrange(330))
        value = {"done": False} if indicator.endswith("i1") else {"value": Decimal(1)}
        status = "returned" if k % 100 == 0 else "submitted" if k % 50 == 0 else "counted"
        found.append(Update(plan.id, f"u{k}" if status != "counted" else None,
                            Measurement(day, indicator=indicator, **value), status, recorded,
                            review_note="à corriger" if status == "returned" else None))
    return found


def _store(folder: Path, plan: ActionPlan, count: int) -> str:
    url = f"sqlite:{folder}/due-{count}.db"
    with actionplan.open_store(url) as store:
        store.save(plan)
        measurements = [u.measurement for u in updates(plan, count)]
        for start in range(0, count, 10_000):
            store.append_measurements(plan.id, measurements[start:start + 10_000])
    return url


def rows(quick: bool) -> list[Row]:
    large = 20_000 if quick else 100_000
    repeats = 5 if quick else 9
    plan = bench_plan()
    small_updates, large_updates = updates(plan, SMALL), updates(plan, large)
    counts = plan_due(plan, AS_OF, updates=large_updates).counts()
    pure = measure_side_by_side({
        "small": lambda: plan_due(plan, AS_OF, updates=small_updates),
        "large": lambda: plan_due(plan, AS_OF, updates=large_updates),
    }, repeats=repeats)
    result = [
        timing_row(GROUP, f"plan_due, {SMALL:,} measurements".replace(",", " "), pure["small"]),
        timing_row(GROUP, f"plan_due, {large:,} measurements".replace(",", " "), pure["large"]),
        ratio_row(GROUP, f"plan_due {large // SMALL}× the measurements / {SMALL}", pure["large"], pure["small"],
                  TARGET),
    ]
    with tempfile.TemporaryDirectory(prefix="actionplan-bench-due-") as tmp:
        small_url, large_url = _store(Path(tmp), plan, SMALL), _store(Path(tmp), plan, large)

        def command(url: str):
            def run():
                with actionplan.open_store(url) as store:
                    return plan_due(store.get(plan.id).document, AS_OF, updates=store.updates(plan.id))
            return run

        whole = measure_side_by_side({"small": command(small_url), "large": command(large_url)},
                                     repeats=max(3, repeats // 2))
    result += [
        timing_row(GROUP, f"store + plan_due (SQLite), {SMALL:,}".replace(",", " "), whole["small"]),
        timing_row(GROUP, f"store + plan_due (SQLite), {large:,}".replace(",", " "), whole["large"]),
        ratio_row(GROUP, f"store + plan_due {large // SMALL}× / {SMALL} (reading is linear; no target)",
                  whole["large"], whole["small"]),
        Row(GROUP, "items owed (large)", None, "",
            note=f"{counts['late']} late, {counts['due']} due, {counts['stale']} stale; 1 000 indicators"),
    ]
    return result


if __name__ == "__main__":
    from _table import main

    raise SystemExit(main(rows, GROUP))
