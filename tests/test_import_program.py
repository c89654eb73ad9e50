"""The text importer builds the grant program an Alliance plan describes (seed 003): priorities,
territory, complementary criteria as configured criteria, approval chain, calls, reports,
the budget by fiscal year with its carry-over rule; compared with the hand-written example."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import actionplan
from actionplan.api import Evaluator
from actionplan.checks import check_plan
from actionplan.importers import import_file
from actionplan.importers.program import amount, read_budget, recognise_criteria

ROOT = Path(__file__).resolve().parent.parent
SEED_003 = ROOT.parent / "shared" / "seeds" / "003_e2afac66dc11d07c.txt"
EXAMPLE_003 = ROOT / "examples" / "alliance-maskoutains-2019-2023.yaml"
needs_seeds = pytest.mark.skipif(not SEED_003.exists(), reason="the seeds are in ../shared/seeds beside the clone")


def warnings_to(found: list):
    def warn(where, code, shown=None, **params):
        found.append((where, code, shown, params))
    return warn


@needs_seeds
def test_seed_003_has_a_program_section_that_validates_and_matches_the_example():
    example = actionplan.load(EXAMPLE_003).program
    imported_plan, result = import_file(SEED_003)
    program = imported_plan.program
    assert program is not None
    assert not [i for i in check_plan(imported_plan) if i.severity == "error"]
    assert program.period == example.period
    assert program.territories == example.territories
    assert program.priorities == example.priorities
    assert program.budget == example.budget and program.total == example.total == Decimal(390013)
    assert program.note.startswith("Il est à noter que les sommes non engagées dans une année se reporte")
    start = example.period.start
    ours = [(c.criterion, {k: v for k, v in c.params.items()}) for c in program.criteria]
    theirs = [(c.criterion, {k: (v["values"][0]["value"] if isinstance(v, dict) else v) for k, v in c.params.items()})
              for c in example.criteria]
    assert ours == theirs == [("executing_organisations", {"minimum": 2}), ("municipalities_in_territory", {"minimum": 5}),
                              ("multiple_priorities_first", {"minimum": 2})]
    assert [s.decides for s in program.chain.steps] == [s.decides for s in example.chain.steps]
    assert [s.title for s in program.chain.steps] == ["Comité de sélection", "Conseil de la MRC", "Table des préfets"]
    assert [(c.title, str(c.schedule)) for c in program.calls] == [
        ("Premier appel de projets", "Hiver 2019-2020"), ("Autres appels de projets", "Annuellement Automne")]
    assert [str(c.schedule) for c in program.calls] == [str(c.schedule) for c in example.calls]
    assert [(r.title, str(r.due)) for r in program.reports] == [("Suivis et redditions", "À la fin de chaque projet")]
    assert "(document) : programme de subvention lu dans le document (à vérifier) : 3 critères, budget de 4 " \
           "exercices" in [w.render("fr") for w in result.warnings]
    # the imported program judges applications as the example does
    example_plan = actionplan.load(EXAMPLE_003)
    apps = actionplan.load(ROOT / "examples" / "alliance-maskoutains-demandes.yaml").applications
    judged = lambda plan: [(a.application.id, a.eligible) for a in Evaluator(plan.program, plan).rank(apps)]
    assert judged(imported_plan) == judged(example_plan)


def test_amounts_as_the_source_writes_them():
    assert [amount(c) for c in ("195 007 $", "- $", "390 013 \\$", "12,50 $", "", "Total")] == [
        Decimal(195007), Decimal(0), Decimal(390013), Decimal("12.50"), None, None]


def test_a_budget_whose_stated_total_differs_is_read_with_a_warning():
    found: list = []
    rows = [["Lignes", "2020-2021", "2021-2022", "Total"], ["Attribué", "100 $", "50 $", "160 $"]]
    budget = read_budget(rows, ["ligne 1", "ligne 2"], warnings_to(found))
    assert budget["budget"] == {"2020-2021": 100, "2021-2022": 50} and "total" not in budget
    assert [(w[0], w[1], w[2]) for w in found] == [("ligne 2", "importers.program.budget_total_differs", "160")]


def test_a_sentence_no_criterion_recognises_is_a_warning():
    found: list = []
    criteria = recognise_criteria("Critères complémentaires : le projet devra être innovant. Également, le projet "
                                  "devra minimalement toucher un minimum de 4 municipalités sur le territoire.",
                                  "ligne 3", warnings_to(found))
    assert criteria == [{"criterion": "municipalities_in_territory", "params": {"minimum": 4},
                         "note": "Également, le projet devra minimalement toucher un minimum de 4 municipalités sur le "
                                 "territoire."}]
    assert [(w[0], w[1], w[2]) for w in found] == [
        ("ligne 3", "importers.program.criterion_not_recognised", "« le projet devra être innovant. »")]
