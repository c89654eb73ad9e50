"""The Alliance's three criteria, each on both sides of its threshold, and the whole example."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import actionplan
from actionplan.api import Application, Evaluator, Participation, criteria_registry, replay

EXAMPLES = Path(__file__).resolve().parents[3] / "examples"
D = Decimal
MRC = "mrc:les-maskoutains"
FIVE = ("mun:saint-hyacinthe", "mun:saint-pie", "mun:saint-damase", "mun:la-presentation", "mun:saint-dominique")


@pytest.fixture(scope="module")
def plan():
    return actionplan.load(EXAMPLES / "alliance-maskoutains-2019-2023.yaml")


@pytest.fixture(scope="module")
def evaluator(plan):
    return Evaluator(plan.program, plan)


def application(partners=(("b", "executing"),), territories=(MRC,), priorities=("priorite-1-securite-alimentaire",),
                lead="a", deposited=dt.date(2020, 2, 1)) -> Application:
    return Application(id="x", title="Projet", lead=lead, deposited=deposited, territories=territories,
                       priorities=priorities, partners=tuple(Participation(o, r) for o, r in partners))


def test_the_plugin_registers_through_its_entry_point():
    registry = criteria_registry()
    for name in ("executing_organisations", "municipalities_in_territory", "multiple_priorities_first"):
        assert registry.owner(name) == "alliance"


# -- more than one organisation in the execution --------------------------------------------------


def test_the_lead_and_one_executing_partner_pass(evaluator):
    verdict = evaluator.assess(application()).verdict("executing_organisations")
    assert verdict.passed and verdict.facts["executing"] == ("a", "b") and verdict.facts["count"] == 2


def test_letters_of_support_do_not_count(evaluator):
    result = evaluator.assess(application(partners=(("b", "support"), ("c", "support"))))
    verdict = result.verdict("executing_organisations")
    assert not verdict.passed and not result.eligible
    assert verdict.facts["support_letters"] == 2 and verdict.facts["count"] == 1
    reason, advice = result.explain("executing_organisations")
    assert reason == "1 organisme impliqué dans l'exécution (minimum 2)\u00a0; 2 lettres d'appui non comptées."
    assert advice == "ajouter 1 organisme impliqué dans l'exécution\u00a0; les lettres d'appui ne comptent pas"
    assert result.explain("executing_organisations", "en")[1] == (
        "add 1 organisation involved in carrying out the project; letters of support do not count")


def test_no_word_about_letters_of_support_to_an_application_without_any(evaluator):
    result = evaluator.assess(application(partners=()))
    assert result.explain("executing_organisations") == (
        "1 organisme impliqué dans l'exécution (minimum 2).", "ajouter 1 organisme impliqué dans l'exécution")
    assert result.explain("executing_organisations", "en")[1] == "add 1 organisation involved in carrying out the project"
    one_letter = evaluator.assess(application(partners=(("b", "support"),)))
    assert one_letter.explain("executing_organisations")[1] == (
        "ajouter 1 organisme impliqué dans l'exécution\u00a0; la lettre d'appui ne compte pas")
    assert one_letter.explain("executing_organisations", "en")[1] == (
        "add 1 organisation involved in carrying out the project; the letter of support does not count")


def test_the_same_organisation_twice_counts_once(evaluator):
    twice = evaluator.assess(application(partners=(("a", "executing"), ("b", "executing"), ("b", "executing"))))
    verdict = twice.verdict("executing_organisations")
    assert verdict.passed and verdict.facts["count"] == 2 and verdict.facts["counted_once"] == 2
    alone = evaluator.assess(application(partners=(("a", "executing"), ("a", "support"))))
    assert not alone.verdict("executing_organisations").passed
    assert alone.verdict("executing_organisations").facts["support_letters"] == 0  # it executes: not a mere support


# -- at least 5 municipalities of the territory ----------------------------------------------------


def test_reaching_the_mrc_reaches_its_17_municipalities(evaluator):
    verdict = evaluator.assess(application()).verdict("municipalities_in_territory")
    assert verdict.passed and verdict.facts["municipalities"] == 17


def test_exactly_five_pass_four_fail(evaluator):
    assert evaluator.assess(application(territories=FIVE)).verdict("municipalities_in_territory").passed
    four = evaluator.assess(application(territories=FIVE[:4]))
    assert not four.verdict("municipalities_in_territory").passed
    assert four.explain("municipalities_in_territory")[1] == (
        "rejoindre 1 municipalité de plus sur le territoire (Les Maskoutains)")


def test_municipalities_elsewhere_do_not_count(evaluator):
    elsewhere = FIVE[:3] + ("mun:candiac", "mun:beauharnois", "mrc:roussillon")
    result = evaluator.assess(application(territories=elsewhere))
    verdict = result.verdict("municipalities_in_territory")
    assert not verdict.passed
    assert verdict.facts["municipalities"] == 3 and verdict.facts["outside_territory"] == 12  # 11 of Roussillon + 1
    reason, advice = result.explain("municipalities_in_territory")
    assert reason.endswith("\u00a0; 12 municipalités hors du territoire ne comptent pas.")
    assert advice == "rejoindre 2 municipalités de plus sur le territoire (Les Maskoutains)"
    assert result.explain("municipalities_in_territory", "en")[1] == (
        "reach 2 more municipalities of the territory (Les Maskoutains)")


def test_one_municipality_elsewhere_is_singular(evaluator):
    result = evaluator.assess(application(territories=FIVE[:4] + ("mun:candiac",)))
    assert result.verdict("municipalities_in_territory").facts["outside_territory"] == 1
    assert result.explain("municipalities_in_territory")[0].endswith("\u00a0; 1 municipalité hors du territoire ne compte pas.")
    assert result.explain("municipalities_in_territory", "en")[0].endswith(
        "; 1 municipality outside the territory does not count.")


# -- projects acting on more than one priority come first ---------------------------------------------


def test_multi_priority_projects_rank_first(evaluator):
    single = application(priorities=("priorite-2-insertion-socioprofessionnelle",), deposited=dt.date(2020, 1, 5))
    multi = attrs.evolve(application(priorities=("priorite-3-habitation", "priorite-2-insertion-socioprofessionnelle"),
                                     deposited=dt.date(2020, 2, 10)), id="y")
    ranking = evaluator.rank([single, multi])
    assert [a.application.id for a in ranking.ranked] == ["y", "x"]
    verdict = ranking.ranked[1].verdict("multiple_priorities_first")
    assert not verdict.passed and verdict.facts == {"priorities": 1, "minimum": 2}
    assert ranking.ranked[1].explain("multiple_priorities_first")[1] == "agir sur 1 priorité de plus pour être priorisé"
    assert ranking.ranked[1].eligible  # ranking criteria never make a project ineligible


def test_no_ranking_advice_to_an_application_that_is_not_eligible(evaluator):
    ineligible = evaluator.assess(application(partners=(), priorities=("priorite-3-habitation",)))
    assert not ineligible.eligible
    reason, advice = ineligible.explain("multiple_priorities_first")
    assert reason.startswith("Le projet agit sur 1 priorité") and advice is None
    assert [advice for _, _, _, advice in ineligible.reasons("en")] == [
        "add 1 organisation involved in carrying out the project", None, None]


def test_a_repeated_or_unknown_priority_is_not_a_second_priority(evaluator):
    repeated = application(priorities=("priorite-3-habitation", "priorite-3-habitation", "vie-associative"))
    assert evaluator.assess(repeated).verdict("multiple_priorities_first").facts["priorities"] == 1


# -- dated thresholds ----------------------------------------------------------------------------------


def test_thresholds_can_change_from_a_date(plan):
    text = (EXAMPLES / "alliance-maskoutains-2019-2023.yaml").read_text(encoding="utf-8").replace(
        "minimum: {values: [{from: 2019-04-01, value: 5}]}",
        "minimum: {values: [{from: 2019-07-01, value: 5}, {from: 2021-04-01, value: 4}]}")
    changed = actionplan.loads(text)
    evaluator = Evaluator(changed.program, changed)
    before = evaluator.assess(application(territories=FIVE[:4], deposited=dt.date(2021, 3, 31)))
    after = evaluator.assess(application(territories=FIVE[:4], deposited=dt.date(2021, 4, 1)))
    assert not before.eligible and after.eligible
    assert after.verdict("municipalities_in_territory").facts["minimum"] == 4


# -- the whole example: checks, ranks and balances -------------------------------------------------------


def test_the_alliance_example_checks_ranks_and_balances(plan, evaluator):
    demandes = actionplan.load(EXAMPLES / "alliance-maskoutains-demandes.yaml")
    ranking = evaluator.rank(demandes.applications)
    assert [a.application.id for a in ranking.ranked] == ["d-01", "d-06", "d-08", "d-02"]
    assert sorted(a.application.id for a in ranking.ineligible) == ["d-03", "d-04", "d-05", "d-07"]
    failing = {a.application.id: [c.key for c in a.failed()] for a in ranking.ineligible}
    assert failing == {"d-03": ["executing_organisations"], "d-04": ["municipalities_in_territory"],
                       "d-05": ["executing_organisations", "municipalities_in_territory"],
                       "d-07": ["municipalities_in_territory"]}
    result = replay(plan.program, demandes)
    assert result.issues == ()
    ledger = result.ledger
    assert ledger.total == D(390013) == D(0) + D(195007) + D(97503) + D(97503)
    rows = ledger.rows(dt.date(2023, 4, 1))
    assert [r.carried_out for r in rows] == [D(0), D(45007), D(27510), D(0)]
    totals = ledger.totals(dt.date(2023, 4, 1))
    assert (totals.committed, totals.available, totals.lapsed) == (D(360000), D(0), D(30013))
    assert totals.committed + totals.available + totals.lapsed == totals.total


def test_remembered_sentences_follow_the_language_and_the_territory(plan):
    text = (EXAMPLES / "alliance-maskoutains-2019-2023.yaml").read_text(encoding="utf-8")
    other = actionplan.loads(text.replace("  territories: [mrc:les-maskoutains]\n  priorities:",
                                          "  territories: [mrc:roussillon]\n  priorities:"))
    maskoutains, roussillon = Evaluator(plan.program, plan), Evaluator(other.program, other)
    project = application(territories=FIVE[:4])
    for _ in range(2):  # the second round reads what the first remembered
        assert maskoutains.assess(project).explain("municipalities_in_territory")[1] == (
            "rejoindre 1 municipalité de plus sur le territoire (Les Maskoutains)")
        assert maskoutains.assess(project).explain("municipalities_in_territory", "en")[1] == (
            "reach 1 more municipality of the territory (Les Maskoutains)")
        assert roussillon.assess(project).explain("municipalities_in_territory")[1] == (
            "rejoindre 5 municipalités de plus sur le territoire (Roussillon)")


@pytest.mark.parametrize("sentence, name, params", [
    ("Pour qu'un projet soit admissible, il devra minimalement impliquer plus d'un organisme dans l'exécution du projet.",
     "executing_organisations", {"minimum": 2}),
    ("Le projet devra impliquer au moins trois organismes dans l'exécution.", "executing_organisations", {"minimum": 3}),
    ("Également, le projet devra minimalement toucher un minimum de 5 municipalités sur le territoire.",
     "municipalities_in_territory", {"minimum": 5}),
    ("LES PROJETS QUI CONTIENNENT DES ACTIONS À L'ÉGARD DE PLUS D'UNE PRIORITÉ SERONT PRIORISÉS.",
     "multiple_priorities_first", {"minimum": 2}),
])
def test_each_criterion_recognises_its_rule_as_the_plan_writes_it(sentence, name, params):
    registry = criteria_registry()
    installed = {n: registry[n]() if isinstance(registry[n], type) else registry[n] for n in registry.names()}
    found = {n: criterion.recognise(sentence) for n, criterion in installed.items()}
    assert found[name] == params
    assert [n for n, p in found.items() if p is not None] == [name]
