"""Grant programs: eligibility, ranking and French reasons of many applications, against a hand-written loop.

``python benchmarks/grants.py [--quick]`` runs it alone; ``benchmarks/run.py`` runs it with the others.

100 000 applications are generated once (seeded, so every run judges the same ones): a lead,
0–4 partners executing or supporting (sometimes the same organisation twice), an MRC or
1–8 municipalities (some outside the program's territory), 1–3 priorities, deposit dates
over two years on both sides of a dated threshold. Timed, side by side (in turns, so a busy
moment of the machine slows both alike):

* **actionplan**: the evaluator (built in the timing) judges and ranks them against the
  Alliance's three criteria (with their dated parameters, each verdict recording the
  parameters it read), then writes the reason and advice of every criterion of every
  application in French (``Ranking.explained``);
* **a hand-written loop** computing the same verdicts, the same order and the same French
  sentences for these three rules, with the thresholds written in it — what a table would
  write without actionplan. Its output is checked equal to the library's, text for text,
  before anything is timed. Target: actionplan within 1.5× of the loop.

Under one collector policy for both sides, each in turn (docs/benchmarks.md): ``GC on`` (the
collector runs; actionplan's own pause of it while it judges is switched off) and ``GC
paused`` (paused around each timed call of either). Then, without a target since it is not
like for like, as a program gets it: actionplan pausing the collector itself, the loop not.

Also: judging and ranking alone (reasons written on demand) in applications per second, and
the fiscal-year ledger committing and paying for 1 000 approved applications.

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

from _table import GC_POLICIES, Row, gc_policy_for_all, main, measure, measure_side_by_side, ratio_row, timing_row

GROUP = "grants"
TARGET = 100_000  # applications per second
LIMIT = 1.5  # actionplan's time / the hand-written loop's, for verdicts, ranking and French texts
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


def _plural(n: int, one: str, many: str) -> str:
    return one if n <= 1 else many  # French: 0 and 1 take the singular


def hand_written(applications, reach_of, territory_name: str, known_priorities: frozenset[str]) -> list[tuple]:
    """The Alliance's three rules, the ranking and the French sentences, written out by hand.

    ``reach_of`` maps a territory id to the municipalities it reaches inside and outside the
    program's territory (what any implementation computes once from the gazetteer). Returns
    ``(id, eligible, rank, ((passed, reason, advice) per criterion))``: the ranked applications
    best first, then the others in their order.
    """
    executing_min, priorities_min = 2, 2
    thresholds = ((dt.date(2021, 4, 1), 4), (dt.date(2019, 4, 1), 5))  # the municipalities' dated minimum
    named = f" ({territory_name})"
    eligible_rows, ineligible_rows = [], []
    for app in applications:
        executing = {app.lead}
        listed = 1
        supporting = set()
        for partner in app.partners:
            if partner.role == "executing":
                executing.add(partner.organisation)
                listed += 1
            elif partner.role == "support":
                supporting.add(partner.organisation)
        count = len(executing)
        letters = len(supporting - executing)
        once = listed - count
        ok1 = count >= executing_min
        r1 = f"{count} {_plural(count, 'organisme impliqué', 'organismes impliqués')} dans l'exécution (minimum {executing_min})"
        if letters:
            r1 += f"; {letters} {_plural(letters, 'lettre', 'lettres')} d'appui {_plural(letters, 'non comptée', 'non comptées')}"
        if once:
            r1 += f"; {once} {_plural(once, 'organisme nommé deux fois compte', 'organismes nommés deux fois comptent')} une fois"
        r1 += "."
        a1 = None
        if not ok1:
            missing = executing_min - count
            a1 = f"ajouter {missing} {_plural(missing, 'organisme impliqué', 'organismes impliqués')} dans l'exécution"
            if letters:
                a1 += _plural(letters, "; la lettre d'appui ne compte pas", "; les lettres d'appui ne comptent pas")
        day = app.deposited
        minimum = next(value for start, value in thresholds if day >= start)
        territories = app.territories
        if len(territories) == 1:
            inside, outside = reach_of[territories[0]]
        else:
            inside, outside = set(), set()
            for territory in territories:
                reached_inside, reached_outside = reach_of[territory]
                inside |= reached_inside
                outside |= reached_outside
        n, out = len(inside), len(outside)
        ok2 = n >= minimum
        r2 = f"Le projet rejoint {n} {_plural(n, 'municipalité', 'municipalités')} du territoire{named}, minimum {minimum}"
        if out:
            r2 += (f"; {out} {_plural(out, 'municipalité hors du territoire ne compte', 'municipalités hors du territoire ne comptent')}"
                   " pas")
        r2 += "."
        a2 = None
        if not ok2:
            missing = minimum - n
            a2 = f"rejoindre {missing} {_plural(missing, 'municipalité', 'municipalités')} de plus sur le territoire{named}"
        k = len(known_priorities.intersection(app.priorities))
        ok3 = k >= priorities_min
        eligible = ok1 and ok2
        a3 = None
        if ok3:
            r3 = f"Le projet agit sur {k} {_plural(k, 'priorité', 'priorités')} : il est priorisé."
        else:
            r3 = (f"Le projet agit sur {k} {_plural(k, 'priorité', 'priorités')}; les projets qui agissent sur au moins "
                  f"{priorities_min} priorités passent d'abord.")
            if eligible:  # no advice on ranking to an application that is not ranked
                missing = priorities_min - k
                a3 = f"agir sur {missing} {_plural(missing, 'priorité', 'priorités')} de plus pour être priorisé"
        texts = ((ok1, r1, a1), (ok2, r2, a2), (ok3, r3, a3))
        if eligible:
            eligible_rows.append((0 if ok3 else 1, day, app.id, texts))
        else:
            ineligible_rows.append((app.id, False, None, texts))
    eligible_rows.sort(key=lambda row: row[:3])
    ranked = [(app_id, True, rank, texts) for rank, (_, _, app_id, texts) in enumerate(eligible_rows, start=1)]
    return ranked + ineligible_rows


def library_rows(explained) -> list[tuple]:
    """``Ranking.explained("fr")`` in the hand-written loop's shape, to compare them (not timed)."""
    return [(a.application.id, a.eligible, rank, tuple((verdict.passed, reason, advice) for _, verdict, reason, advice in reasons))
            for a, rank, reasons in explained]


def rows(quick: bool) -> list[Row]:
    from actionplan.grants import evaluation
    from actionplan.grants.evaluation import Evaluator
    from actionplan.grants.ledger import Ledger

    plan = load_plan()
    count = 20_000 if quick else 100_000
    applications = generate(plan, count)
    repeats = 3 if quick else 5
    context = Evaluator(plan.program, plan).ctx
    reach_of = {t: context.reach((t,)) for t in {t for a in applications for t in a.territories}}
    territory_name, known = context.territory_name(), context.priority_ids

    def rank():
        return Evaluator(plan.program, plan).rank(applications)

    def actionplan_explained():
        return Evaluator(plan.program, plan).rank(applications).explained("fr")

    def loop():
        return hand_written(applications, reach_of, territory_name, known)

    ours, theirs = library_rows(actionplan_explained()), loop()
    if ours != theirs:
        first = next(i for i, (a, b) in enumerate(zip(ours, theirs)) if a != b) if len(ours) == len(theirs) else 0
        raise AssertionError(f"the hand-written loop and actionplan differ (row {first}): "
                             f"{theirs[first] if theirs else None!r} != {ours[first] if ours else None!r}")
    del ours, theirs
    result = rank()
    eligible = len(result.ranked)
    timing = measure(rank, repeats=repeats)
    rate = count / timing.best
    operation = f"eligibility + ranking + French reasons, {count:,}"
    note = f"same verdicts, order and {3 * count:,} reasons (checked equal); {eligible:,} eligible"
    found = []
    for policy in GC_POLICIES:  # one collector policy for both sides, each in turn (docs/benchmarks.md)
        group = f"{GROUP}, GC {policy}"
        with gc_policy_for_all(policy, evaluation):
            side = measure_side_by_side({"actionplan": actionplan_explained, "loop": loop}, repeats=repeats,
                                        gc_policy=policy)
        ratio = ratio_row(group, f"{operation}: actionplan / hand-written loop", side["actionplan"], side["loop"], LIMIT)
        found += [
            timing_row(group, f"{operation}: actionplan", side["actionplan"]),
            timing_row(group, f"{operation}: hand-written loop", side["loop"]),
            Row(group, ratio.name, ratio.value, ratio.unit, ratio=ratio.ratio, target=ratio.target, ok=ratio.ok,
                note=note + ("; actionplan's own pause of the collector switched off" if policy == "on" else "")),
        ]
    # As a program gets it: actionplan pauses the collector while it judges and explains (it makes
    # no cycles), the loop runs with it; not like for like, so no target.
    shipped = measure_side_by_side({"actionplan": actionplan_explained, "loop": loop}, repeats=repeats)
    found += [
        timing_row(GROUP, f"{operation} (pausing its own collector): actionplan", shipped["actionplan"]),
        timing_row(GROUP, f"{operation}: hand-written loop", shipped["loop"]),
        ratio_row(GROUP, f"{operation}, actionplan pausing its own collector / loop with it on", shipped["actionplan"],
                  shipped["loop"]),
    ]

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
        *found,
        Row(GROUP, f"eligibility + ranking, {count:,} applications", rate, "apps/s",
            target=f"≥ {TARGET:,}", ok=rate >= TARGET,
            note=f"{timing.best_ms:.0f} ms best, median {timing.median_ms:.0f} ms of {timing.repeats}; "
                 "3 criteria; verdicts with facts and their parameters, reasons written on demand"),
        Row(GROUP, f"ledger: commit + pay, {len(approved):,} applications", ledger_rate, "apps/s",
            note=f"{ledger_timing.best_ms:.1f} ms best; Decimal amounts; every operation checked"),
    ]


if __name__ == "__main__":
    raise SystemExit(main(rows, GROUP))
