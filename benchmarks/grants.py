"""Grant programs: eligibility and ranking of many applications against the Alliance's criteria.

``python benchmarks/grants.py [--quick]`` runs it alone; ``benchmarks/run.py`` runs it with the others.

100 000 applications are generated once (seeded, so every run judges the same ones): a lead,
0–4 partners executing or supporting (sometimes the same organisation twice), an MRC or
1–8 municipalities (some outside the program's territory), 1–3 priorities, deposit dates
over two years on both sides of a dated threshold. Timed:

* judging and ranking them (verdicts with their facts; reasons written on demand), building
  the evaluator included — target ≥ 100 000 applications/s;
* the same, then writing the reason and advice of every criterion of every application in
  French — what a full printed report costs; same target;
* the fiscal-year ledger: committing and paying for 1 000 approved applications.

Needs the ``actionplan-alliance`` plugin (``pip install -e plugins/actionplan-alliance``).
"""

from __future__ import annotations

import datetime as dt
import random
import sys
from decimal import Decimal
from pathlib import Path

HERE = Path(__file__).resolve().parent
if str(HERE) not in sys.path:
    sys.path.insert(0, str(HERE))

from _table import Row, main, measure

GROUP = "grants"
TARGET = 100_000  # applications per second
ROOT = HERE.parent
PLAN = ROOT / "examples" / "alliance-maskoutains-2019-2023.yaml"

#: The thresholds change on 2021-04-01, so the evaluator meets two sets of parameters.
DATED = ("minimum: {values: [{from: 2019-04-01, value: 5}]}",
         "minimum: {values: [{from: 2019-04-01, value: 5}, {from: 2021-04-01, value: 4}]}")


def load_plan():
    import actionplan

    text = PLAN.read_text(encoding="utf-8")
    if DATED[0] not in text:
        raise RuntimeError(f"{PLAN.name} has no dated municipality threshold to vary")
    return actionplan.loads(text.replace(DATED[0], DATED[1]))


def generate(plan, count: int, seed: int = 2020) -> list:
    """``count`` applications, the same ones for a given seed."""
    from actionplan.model.grants import Application
    from actionplan.model import Participation
    from actionplan.territories import default_gazetteer

    rng = random.Random(seed)
    gazetteer = default_gazetteer()
    inside = sorted(gazetteer.municipalities_reached(["mrc:les-maskoutains"]))
    outside = sorted(gazetteer.municipalities_reached(["mrc:roussillon", "mrc:beauharnois-salaberry"]))
    priorities = list(plan.program.priorities)
    organisations = [f"org-{i:03d}" for i in range(300)]
    roles = ("executing", "executing", "support")
    start = dt.date(2020, 1, 1)
    applications = []
    for i in range(count):
        lead = rng.choice(organisations)
        partners = tuple(Participation(rng.choice(organisations[:40] + [lead]), rng.choice(roles))
                         for _ in range(rng.randrange(5)))
        if rng.random() < 0.3:
            territories = ("mrc:les-maskoutains",)
        else:
            territories = tuple(rng.sample(inside, rng.randrange(1, 8)))
            if rng.random() < 0.3:
                territories += tuple(rng.sample(outside, rng.randrange(1, 3)))
        chosen = tuple(rng.sample(priorities, rng.choice((1, 1, 2, 3))))
        amount = Decimal(rng.randrange(5, 80) * 1000)
        applications.append(Application(
            id=f"d-{i:06d}", title=f"Projet {i}", lead=lead, partners=partners, territories=territories,
            priorities=chosen, requested={"2020-2021": amount}, deposited=start + dt.timedelta(days=rng.randrange(730)),
        ))
    return applications


def rows(quick: bool) -> list[Row]:
    from actionplan.grants.evaluation import Evaluator
    from actionplan.grants.ledger import Ledger

    plan = load_plan()
    count = 20_000 if quick else 100_000
    applications = generate(plan, count)
    repeats = 3 if quick else 5

    def rank():
        return Evaluator(plan.program, plan).rank(applications)

    def rank_and_explain():
        ranking = Evaluator(plan.program, plan).rank(applications)
        written = 0
        for assessment in ranking:
            for _, _, reason, advice in assessment.reasons("fr"):
                written += len(reason) + (len(advice) if advice else 0)
        return written

    result = rank()
    eligible = len(result.ranked)
    timing = measure(rank, repeats=repeats)
    rate = count / timing.best
    explained = measure(rank_and_explain, repeats=repeats)
    explained_rate = count / explained.best

    approved = [a.application for a in result.ranked[:1000]]

    def ledger_run():
        ledger = Ledger.for_program(plan.program)
        on = dt.date(2020, 3, 26)
        for application in approved:
            amount = Decimal(100)
            ledger.commit(application.id, {"2020-2021": amount}, on)
            ledger.pay(application.id, amount, dt.date(2020, 5, 1))
        return ledger.totals(dt.date(2023, 4, 1))

    ledger_timing = measure(ledger_run, repeats=repeats)
    ledger_rate = len(approved) / ledger_timing.best

    return [
        Row(GROUP, f"eligibility + ranking, {count:,} applications", rate, "apps/s",
            target=f"≥ {TARGET:,}", ok=rate >= TARGET,
            note=f"{timing.best_ms:.0f} ms best, median {timing.median_ms:.0f} ms of {timing.repeats}; "
                 f"{eligible:,} eligible; 3 criteria; verdicts with facts, reasons written on demand"),
        Row(GROUP, f"… and every reason + advice in French, {count:,}", explained_rate, "apps/s",
            target=f"≥ {TARGET:,}", ok=explained_rate >= TARGET,
            note=f"{explained.best_ms:.0f} ms best, median {explained.median_ms:.0f} ms of {explained.repeats}; "
                 "3 reasons and the advice of each failed criterion per application"),
        Row(GROUP, f"ledger: commit + pay, {len(approved):,} applications", ledger_rate, "apps/s",
            note=f"{ledger_timing.best_ms:.1f} ms best; Decimal amounts; every operation checked"),
    ]


if __name__ == "__main__":
    raise SystemExit(main(rows, GROUP))
