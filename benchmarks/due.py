"""Who owes what (``actionplan due``) and what waits for review (``actionplan review``): the same
plan with 1 000 and with 100 000 measurements.

Targets (issue 9): ``due`` and ``review`` on a plan with 100 000 measurements run within 2× of
the same on 1 000 (ratio ≤ 2.0), measured as the **command's work from a store**: opening it,
reading what the command needs, computing. ``due`` asks the store what it reads
(``Store.due``: per indicator and ended reporting period, whether an update stands for it, the
latest update's date, the latest counted « done », the returned updates' notes — indexed queries
on SQLite and PostgreSQL); the ``review`` listing reads the updates waiting, through the status
index. Both targets are timed on SQLite, and on PostgreSQL when its binaries are installed (a
throwaway durable server).

The plan: 1 000 indicators (500 actions of two indicators, 25 organisations responsible for
them), reported each quarter, stale after 90 days, as of 15 December (three quarters owed). The
updates are spread over the year and the indicators; one in 100 is returned by a reviewer, and
20 wait for review whatever the size (the review listing's output stays the same). Shown beside,
without a target: ``plan_due`` on the updates already read (a pass over every update, linear by
nature), and the earlier way, reading every update then ``plan_due``.

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
#: Updates waiting for review, whatever the size.
WAITING = 20


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
    """``count`` updates over the year, every indicator in turn; one in 100 returned, 20 waiting for review."""
    rng = random.Random(seed)
    ids = [i.id for *_, i in plan.iter_indicators()]
    recorded = dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    waiting = set(rng.sample(range(count), WAITING))
    found = []
    for k in range(count):
        indicator = ids[rng.randrange(len(ids))]
        day = plan.period.start + dt.timedelta(days=rng.randrange(330))
        value = {"done": False} if indicator.endswith("i1") else {"value": Decimal(1)}
        status = "submitted" if k in waiting else "returned" if k % 100 == 0 else "counted"
        found.append(Update(plan.id, f"u{k}" if status != "counted" else None,
                            Measurement(day, indicator=indicator, id=f"u{k}" if status != "counted" else None,
                                        submitted=status != "counted", **value), status, recorded,
                            review_note="à corriger" if status == "returned" else None))
    return found


def fill(url: str, plan: ActionPlan, count: int) -> str:
    """A store holding ``plan`` and its ``count`` updates (the returned ones returned by a reviewer)."""
    with actionplan.open_store(url) as store:
        store.save(plan)
        made = updates(plan, count)
        for start in range(0, count, 10_000):
            store.append_measurements(plan.id, [u.measurement for u in made[start:start + 10_000]])
        for u in made:
            if u.status == "returned":
                assert u.id is not None
                store.review_update(plan.id, u.id, "return", note=u.review_note, author="coordination")
    return url


def due_command(url: str, plan_id: str):
    """``actionplan due PLAN --as-of …``'s work: open the store, ask it (``Store.due``)."""
    def run():
        with actionplan.open_store(url) as store:
            return store.due(plan_id, AS_OF)
    return run


def review_command(url: str, plan_id: str):
    """``actionplan review PLAN``'s work: open the store, read the plan and the updates waiting, lay out the rows."""
    from actionplan.cli.cycle_commands import waiting_rows

    def run():
        with actionplan.open_store(url) as store:
            plan = store.get(plan_id).document
            return waiting_rows(plan, store.updates(plan_id, status="submitted"), "fr")
    return run


def every_update(url: str, plan: ActionPlan):
    """The earlier way: read every update, then ``plan_due`` on them (shown for comparison)."""
    def run():
        with actionplan.open_store(url) as store:
            return plan_due(store.get(plan.id).document, AS_OF, updates=store.updates(plan.id))
    return run


def _size(n: int) -> str:
    return f"{n:,}".replace(",", " ")


def store_rows(backend: str, small_url: str, large_url: str, plan: ActionPlan, large: int,
               repeats: int) -> list[Row]:
    """The targets on one backend: due and the review listing, small and large timed in turns."""
    small_report, large_report = due_command(small_url, plan.id)(), due_command(large_url, plan.id)()
    expected = plan_due(plan, AS_OF, updates=updates(plan, large))
    assert large_report.to_data() == expected.to_data(), f"{backend}: Store.due differs from plan_due"
    assert small_report.to_data() == plan_due(plan, AS_OF, updates=updates(plan, SMALL)).to_data()
    timed = measure_side_by_side({"due small": due_command(small_url, plan.id),
                                  "due large": due_command(large_url, plan.id),
                                  "review small": review_command(small_url, plan.id),
                                  "review large": review_command(large_url, plan.id)}, repeats=repeats)
    times = large // SMALL
    return [
        timing_row(GROUP, f"{backend}: due (Store.due), {_size(SMALL)} measurements", timed["due small"]),
        timing_row(GROUP, f"{backend}: due (Store.due), {_size(large)} measurements", timed["due large"]),
        ratio_row(GROUP, f"{backend}: due, {times}× the measurements", timed["due large"], timed["due small"], TARGET),
        timing_row(GROUP, f"{backend}: review listing, {_size(SMALL)} measurements", timed["review small"]),
        timing_row(GROUP, f"{backend}: review listing, {_size(large)} measurements", timed["review large"]),
        ratio_row(GROUP, f"{backend}: review listing, {times}× the measurements", timed["review large"],
                  timed["review small"], TARGET),
    ]


def rows(quick: bool) -> list[Row]:
    from storage import postgres

    large = 20_000 if quick else 100_000
    repeats = 5 if quick else 9
    plan = bench_plan()
    small_updates, large_updates = updates(plan, SMALL), updates(plan, large)
    owed = {size: plan_due(plan, AS_OF, updates=made).counts()
            for size, made in ((SMALL, small_updates), (large, large_updates))}
    result: list[Row] = []
    with tempfile.TemporaryDirectory(prefix="actionplan-bench-due-") as tmp, postgres() as (server, why_not):
        folder = Path(tmp)
        small_url = fill(f"sqlite:{folder}/due-small.db", plan, SMALL)
        large_url = fill(f"sqlite:{folder}/due-large.db", plan, large)
        result += store_rows("sqlite", small_url, large_url, plan, large, repeats)
        if server is not None:
            result += store_rows("postgresql", fill(server.new_store_url(), plan, SMALL),
                                 fill(server.new_store_url(), plan, large), plan, large, repeats)
        else:
            result.append(Row(GROUP, "postgresql: due and review", None, "", note=f"skipped: {why_not}"))
        before = measure_side_by_side({"small": every_update(small_url, plan), "large": every_update(large_url, plan)},
                                      repeats=max(3, repeats // 3))
        result += [
            timing_row(GROUP, f"sqlite: every update read + plan_due (before), {_size(SMALL)}", before["small"]),
            timing_row(GROUP, f"sqlite: every update read + plan_due (before), {_size(large)}", before["large"]),
            ratio_row(GROUP, f"sqlite: every update read + plan_due, {large // SMALL}× (no target: linear)",
                      before["large"], before["small"]),
        ]
    pure = measure_side_by_side({
        "small": lambda: plan_due(plan, AS_OF, updates=small_updates),
        "large": lambda: plan_due(plan, AS_OF, updates=large_updates),
    }, repeats=repeats)
    result += [
        timing_row(GROUP, f"plan_due on updates already read, {_size(SMALL)}", pure["small"]),
        timing_row(GROUP, f"plan_due on updates already read, {_size(large)}", pure["large"]),
        ratio_row(GROUP, f"plan_due on updates already read, {large // SMALL}× (no target: one pass over them)",
                  pure["large"], pure["small"]),
        Row(GROUP, "items owed (1 000 indicators)", None, "",
            note="; ".join(f"{_size(size)}: {c['late']} late, {c['due']} due, {c['stale']} stale"
                           for size, c in owed.items())),
    ]
    return result


if __name__ == "__main__":
    from _table import main

    raise SystemExit(main(rows, GROUP))
