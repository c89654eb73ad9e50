"""``actionplan grants allocate``: fund ranked applications in order within the fiscal year, then --commit."""

from __future__ import annotations

import datetime as dt
import json
import shutil
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from cli_runs import run

import actionplan
from actionplan.grants.allocation import allocate, decisions_for, record
from actionplan.grants.chain import replay
from actionplan.grants.committee import Committee, committee_order
from actionplan.grants.evaluation import Assessment, Evaluator

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NAMES = ("alliance-maskoutains-2019-2023.yaml", "alliance-maskoutains-appel-2020.yaml", "alliance-maskoutains-comite-2020.yaml")
DAY = dt.date(2020, 3, 26)


@pytest.fixture
def files(tmp_path):
    for name in NAMES:
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return tuple(str(tmp_path / name) for name in NAMES)



def allocate_args(files, *extra):
    plan, apps, committee = files
    return ("grants", "allocate", plan, apps, "--committee", committee, "--fiscal-year", "2020-2021",
            "--as-of", "2020-03-26", *extra)


def test_allocate_funds_in_rank_order_and_waitlists_the_rest_within_the_envelope(capsys, files):
    before = Path(files[1]).read_bytes()
    code, out, err = run(capsys, *allocate_args(files))
    assert code == 0, err
    assert "Disponible pour 2020-2021 (enveloppe et report reçu, moins ce qui est déjà engagé) : 195\u00a0007\u00a0$" in out
    rows = [line.split() for line in out.splitlines() if line.strip()[:1].isdigit() and " a-0" in line]
    assert [(r[0], r[1]) for r in rows] == [("1", "a-01"), ("2", "a-03"), ("3", "a-04"), ("4", "a-02"),
                                            ("5", "a-05"), ("6", "a-06")]
    assert [r[-1] for r in rows[:4]] == ["financée"] * 4
    assert all(" ".join(r[-2:]) == "liste d'attente" for r in rows[4:])
    assert "Reste en 2020-2021 : 10\u00a0007\u00a0$, reporté à 2021-2022." in out
    assert "Liste d'attente (prochain appel) : a-05, a-06" in out
    assert "rien n'est enregistré sans --commit" in out
    assert Path(files[1]).read_bytes() == before


def test_commit_records_the_chain_and_the_ledger_carries_the_rest(capsys, files):
    code, out, err = run(capsys, *allocate_args(files, "--commit"))
    assert code == 0, err
    assert "14 décisions enregistrées" in out
    document = actionplan.load(files[1])
    assert len(document.decisions) == 14
    assert [(d.body, d.outcome) for d in document.decisions if d.application == "a-01"] == [
        ("comite-selection", "favourable"), ("conseil-mrc", "favourable"), ("table-prefets", "favourable")]
    assert [(d.body, d.outcome) for d in document.decisions if d.application == "a-05"] == [
        ("comite-selection", "deferred")]
    assert "&id" not in Path(files[1]).read_text(encoding="utf-8")  # no YAML anchors for the shared date
    assert "# ILLUSTRATIVE DATA." in Path(files[1]).read_text(encoding="utf-8")  # comments kept
    code, out, _ = run(capsys, "grants", "ledger", files[0], files[1], "--as-of", "2021-04-01", "--format", "json")
    rows = {r["fiscal_year"]: r for r in json.loads(out)["rows"]}
    assert rows["2020-2021"]["committed"] == "185000" and rows["2020-2021"]["carried_out"] == "10007"
    assert rows["2021-2022"]["carried_in"] == "10007" and rows["2021-2022"]["committed"] == "90000"
    # a second run finds only the waiting list, and 10 007 $ left
    code, out, _ = run(capsys, *allocate_args(files, "--format", "json"))
    data = json.loads(out)
    assert data["available"] == "10007" and [p["application"] for p in data["proposals"]] == ["a-05", "a-06"]


def test_through_a_step_records_only_the_recommendations(capsys, files):
    code, out, err = run(capsys, *allocate_args(files, "--commit", "--through", "comite-selection"))
    assert code == 0, err
    document = actionplan.load(files[1])
    assert {d.body for d in document.decisions} == {"comite-selection"} and len(document.decisions) == 6
    code, out, _ = run(capsys, "grants", "ledger", files[0], files[1], "--as-of", "2021-04-01", "--format", "json")
    assert json.loads(out)["totals"]["committed"] == "0"


def _setup(files, partial: bool):
    plan = actionplan.load(files[0])
    program = attrs.evolve(plan.program, partial_funding=partial)
    document = actionplan.load(files[1])
    committee = Committee(program, document.applications, actionplan.load(files[2]))
    evaluator = Evaluator(program, plan)
    ranking = evaluator.rank(document.applications)
    ordered = committee_order(ranking, committee, evaluator.ctx.priority_ids)
    state = replay(program, document, as_of=DAY)
    return program, document, state, ordered


def test_partial_funding_when_the_program_allows_it(files):
    program, document, state, ordered = _setup(files, partial=True)
    allocation = allocate(program, state, ordered, "2020-2021", DAY)
    by_id = {p.application.id: p for p in allocation.proposals}
    assert by_id["a-05"].status == "partial" and by_id["a-05"].proposed == {"2020-2021": Decimal(10007)}
    assert by_id["a-06"].status == "waitlisted" and by_id["a-06"].proposed == {}
    assert allocation.committed() == Decimal(195007) and allocation.remainder == 0
    # what is proposed is what the ledger accepts: carry-over aware, every year within its envelopes
    updated = record(program, document, decisions_for(program, state, allocation))
    assert replay(program, updated).ledger.available("2020-2021") == 0


def test_a_smaller_later_request_still_fits_without_partial_funding(files):
    program, document, state, ordered = _setup(files, partial=False)
    a06 = next(a for a in document.applications if a.id == "a-06")
    smaller = attrs.evolve(a06, requested={"2020-2021": Decimal(10000)})
    document = attrs.evolve(document, applications=tuple(smaller if a.id == "a-06" else a for a in document.applications))
    state = replay(program, document, as_of=DAY)
    ordered = [Assessment(smaller, a.verdicts, a.eligible, a.day, a._evaluator) if a.application.id == "a-06" else a
               for a in ordered]
    allocation = allocate(program, state, ordered, "2020-2021", DAY)
    statuses = {p.application.id: p.status for p in allocation.proposals}
    assert statuses["a-05"] == "waitlisted" and statuses["a-06"] == "funded"
    assert allocation.remainder == Decimal(7)


def test_nothing_is_recorded_when_the_chain_or_the_ledger_refuses(capsys, files):
    # a later decision already in the file grants a-07 35 000 $ of 2020-2021: with the allocation,
    # the year would be over-committed; the ledger refuses and the file is left untouched
    path = Path(files[1])
    path.write_text(path.read_text(encoding="utf-8") + """
decisions:
  - {application: a-07, body: comite-selection, date: 2020-04-10, outcome: favourable}
  - {application: a-07, body: conseil-mrc, date: 2020-04-10, outcome: favourable}
  - {application: a-07, body: table-prefets, date: 2020-04-10, outcome: favourable, amounts: {2020-2021: 35000}}
""", encoding="utf-8")
    before = path.read_bytes()
    code, out, err = run(capsys, *allocate_args(files, "--commit"))
    assert code == 2, out
    assert "rien n'est enregistré : la décision decisions[2] serait refusée" in err
    assert "Traceback" not in err
    assert path.read_bytes() == before


@pytest.mark.parametrize(("args", "expected"), [
    (("--fiscal-year", "2030-2031"), "le programme n'a pas d'enveloppe pour l'exercice 2030-2031"),
    (("--fiscal-year", "2020"), "un exercice financier s'écrit AAAA-AAAA"),
    (("--fiscal-year", "2019-2020", "--as-of", "2021-05-01"), "l'exercice 2019-2020 a pris fin le 2020-03-31"),
    (("--call", "appel-ete"), "appel de projets inconnu : appel-ete"),
    (("--commit", "--through", "conseil"), "conseil n'est pas une étape de la chaîne d'approbation"),
])
def test_bad_allocation_requests_are_refused_clearly(capsys, files, args, expected):
    before = Path(files[1]).read_bytes()
    plan, apps, committee = files
    base = ["grants", "allocate", plan, apps, "--committee", committee]
    if "--fiscal-year" not in args:
        base += ["--fiscal-year", "2020-2021"]
    if "--as-of" not in args:
        base += ["--as-of", "2020-03-26"]
    code, out, err = run(capsys, *base, *args)
    assert code == 2, out
    assert expected in err and "Traceback" not in err
    assert Path(files[1]).read_bytes() == before


def test_allocate_in_english(capsys, files):
    code, out, _ = run(capsys, "--lang", "en", *allocate_args(files))
    assert code == 0
    assert "Left in 2020-2021: $10,007, carried over to 2021-2022." in out
    assert "Waiting list (next call): a-05, a-06" in out
