"""Criteria as plugins: the generic ones, dated parameters, errors with paths, ranking."""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal

import pytest

import actionplan
from actionplan.errors import GrantError, PluginError, ValidationError
from actionplan.grants.criteria import Criterion, Param, Text, Verdict, criteria_registry
from actionplan.grants.evaluation import Evaluator, as_data
from actionplan.model.grants import Application
from actionplan.model import Participation

D = Decimal

PLAN = """
schema_version: 1
id: programme-test
title: Programme de test
period: {start: 2019-04-01, end: 2023-03-31}
fiscal_years: true
territories: [mrc:les-maskoutains]
organisations:
  - {id: mrc, name: MRC des Maskoutains}
themes:
  - {id: p1, title: Sécurité alimentaire, kind: priorite, number: 1}
  - {id: p2, title: Insertion socioprofessionnelle, kind: priorite, number: 2}
  - {id: p3, title: Habitation, kind: priorite, number: 3}
  - {id: p4, title: Prévention du décrochage scolaire, kind: priorite, number: 4}
  - {id: vie, title: Vie associative, kind: vie_associative}
program:
  id: prog
  title: Programme de test
  period: {start: 2019-04-01, end: 2023-03-31}
  territories: [mrc:les-maskoutains]
  budget: {2019-2020: 0, 2020-2021: 1000}
  criteria:
"""


def plan_with(criteria: str):
    return actionplan.loads(PLAN + textwrap.indent(textwrap.dedent(criteria), "    "))


def issues_of(criteria: str) -> list[str]:
    with pytest.raises(ValidationError) as info:
        plan_with(criteria)
    return [str(issue) for issue in info.value.issues]


def app(id="a", priorities=("p1",), deposited=dt.date(2020, 2, 1), **kw) -> Application:
    kw.setdefault("lead", "org")
    return Application(id=id, title=f"Projet {id}", priorities=tuple(priorities), deposited=deposited, **kw)


# -- the generic criteria ------------------------------------------------------------------------


def test_generic_criteria_are_registered_by_a_default_plugin():
    registry = criteria_registry()
    for name in ("min_priorities", "addresses_any_priority", "weighted_grid", "max_amount"):
        assert registry.owner(name) == "actionplan.grants.rules"


def test_min_priorities_counts_program_priorities_once():
    plan = plan_with("- {criterion: min_priorities, params: {minimum: 2}}")
    evaluator = Evaluator(plan.program, plan)
    passing = evaluator.assess(app(priorities=("p1", "p2")))
    assert passing.eligible and passing.verdicts[0].facts["count"] == 2
    failing = evaluator.assess(app(priorities=("p1", "p1", "vie")))  # a repeat and a non-priority theme
    assert not failing.eligible
    assert failing.verdicts[0].facts == {"priorities": ("p1",), "count": 1, "minimum": 2}
    reason, advice = failing.explain("min_priorities")
    assert reason == "Le projet agit sur 1 priorité du programme (minimum 2)."
    assert advice == ("agir sur 1 priorité de plus parmi : Insertion socioprofessionnelle, Habitation, "
                      "Prévention du décrochage scolaire")
    reason, advice = failing.explain("min_priorities", "en")
    assert reason == "The project acts on 1 priority of the program (minimum 2)."
    assert advice.startswith("act on 1 more priority among: Insertion")
    assert passing.explain("min_priorities")[1] is None


def test_addresses_any_of_four_priorities():
    plan = plan_with("""
        - criterion: addresses_any_priority
          params: {priorities: [p1, p2, p3, p4]}
    """)
    evaluator = Evaluator(plan.program, plan)
    assert evaluator.assess(app(priorities=("p3",))).eligible
    failing = evaluator.assess(app(priorities=("vie",)))
    assert not failing.eligible
    reason, advice = failing.explain(0, "fr")
    assert "n'agit sur aucune des priorités exigées" in reason
    assert advice == ("agir sur au moins une de ces priorités : Sécurité alimentaire, Insertion socioprofessionnelle, "
                      "Habitation, Prévention du décrochage scolaire")


def test_addresses_any_priority_refuses_a_priority_the_program_lacks():
    found = issues_of("""
        - criterion: addresses_any_priority
          params: {priorities: [p1, vie]}
    """)
    assert any(i.startswith("program.criteria[0].params.priorities[1]: not a priority of the program") for i in found)


def test_max_amount_in_total_and_per_fiscal_year():
    plan = plan_with("""
        - {criterion: max_amount, id: plafond, params: {maximum: 50000}}
        - {criterion: max_amount, id: plafond-annuel, params: {maximum: 30000, per: fiscal_year}}
    """)
    evaluator = Evaluator(plan.program, plan)
    over = evaluator.assess(app(requested={"2020-2021": D(35000), "2021-2022": D(20000)}))
    total, yearly = over.verdicts
    assert not total.passed and total.facts["excess"] == D(5000)
    assert not yearly.passed and yearly.facts["fiscal_year"] == "2020-2021"
    assert over.explain("plafond") == ("Montant demandé : 55\xa0000\xa0$ (maximum 50\xa0000\xa0$).",
                                       "réduire la demande de 5\xa0000\xa0$")
    assert over.explain("plafond-annuel", "en")[1] == "reduce the request by $5,000"
    assert evaluator.assess(app(requested={"2020-2021": D(30000), "2021-2022": D(20000)})).eligible


GRID = """
- criterion: weighted_grid
  id: grille
  params:
    scale: 10
    min_score: 60
    items:
      - {id: pertinence, label: Pertinence, weight: 40}
      - {id: impact, label: Impact, weight: 35}
      - {id: partenariat, label: Partenariat, weight: 25}
"""


def test_weighted_grid_scores_out_of_100_and_ranks_by_score():
    plan = plan_with(GRID)
    evaluator = Evaluator(plan.program, plan)
    marks = {"a": (8, 6, 10), "b": (9, 9, 9), "c": (5, 5, 5)}
    applications = [app(id, scores={"pertinence": D(p), "impact": D(i), "partenariat": D(t)})
                    for id, (p, i, t) in marks.items()]
    ranking = evaluator.rank(applications)
    # a: 32 + 21 + 25 = 78; b: 90; c: 50 (below the minimum, still ranked: the grid is a ranking criterion here)
    assert [a.application.id for a in ranking.ranked] == ["b", "a", "c"]
    assert [a.verdicts[0].score for a in ranking.ranked] == [D("90.00"), D("78.00"), D("50.00")]
    c = ranking.ranked[2]
    assert not c.verdicts[0].passed
    assert c.explain("grille") == ("Score de 50 / 100 (minimum 60).", "obtenir 10 points de plus sur 100")


def test_weighted_grid_as_eligibility_and_missing_marks():
    plan = plan_with(GRID.replace("  id: grille", "  id: grille\n  role: eligibility"))
    evaluator = Evaluator(plan.program, plan)
    incomplete = evaluator.assess(app(scores={"pertinence": D(8)}))
    assert not incomplete.eligible
    assert incomplete.verdicts[0].facts["missing"] == ("impact", "partenariat")
    assert incomplete.explain(0)[1] == "le comité de sélection doit noter : impact, partenariat"
    over = evaluator.assess(app(scores={"pertinence": D(11), "impact": D(1), "partenariat": D(1)}))
    assert over.explain(0, "en")[1] == "correct the marks of pertinence (0 to 10)"


def test_weights_that_do_not_sum_to_100_are_refused_with_their_path():
    found = issues_of(GRID.replace("weight: 25", "weight: 20"))
    assert ("program.criteria[0].params.items: the weights of a grid must sum to 100; expected 100, found 95"
            in found)


def test_weights_of_dated_grids_are_checked_per_value():
    found = issues_of("""
        - criterion: weighted_grid
          params:
            items:
              values:
                - {from: 2019-04-01, value: [{id: a, label: A, weight: 100}]}
                - {from: 2021-04-01, value: [{id: a, label: A, weight: 60}, {id: b, label: B, weight: 30}]}
    """)
    assert found == ["program.criteria[0].params.items.values[1].value: the weights of a grid must sum to 100; "
                     "expected 100, found 90"]


# -- dated parameters ---------------------------------------------------------------------------


DATED = """
- criterion: min_priorities
  params:
    minimum: {values: [{from: 2019-07-01, value: 3}, {from: 2021-04-01, value: 2}]}
"""


def test_parameters_are_resolved_at_the_deposit_date():
    plan = plan_with(DATED)
    evaluator = Evaluator(plan.program, plan)
    two = ("p1", "p2")
    assert not evaluator.assess(app(priorities=two, deposited=dt.date(2021, 3, 31))).eligible
    later = evaluator.assess(app(priorities=two, deposited=dt.date(2021, 4, 1)))
    assert later.eligible and later.verdicts[0].facts["minimum"] == 2
    assert evaluator.values_at(dt.date(2020, 1, 1))[0]["minimum"] == 3


def test_a_parameter_not_yet_defined_fails_and_says_why():
    plan = plan_with(DATED)
    early = Evaluator(plan.program, plan).assess(app(priorities=("p1", "p2", "p3"), deposited=dt.date(2019, 6, 30)))
    assert not early.eligible
    reason, advice = early.explain(0)
    assert "n'est défini qu'à partir du 2019-07-01" in reason
    assert "2019-06-30" in advice


def test_without_a_deposit_date_the_default_day_is_used():
    plan = plan_with(DATED)
    evaluator = Evaluator(plan.program, plan, default_day=dt.date(2022, 1, 1))
    assert evaluator.assess(app(priorities=("p1", "p2"), deposited=None)).eligible


@pytest.mark.parametrize("params, expected", [
    ("{minimum: deux}", "program.criteria[0].params.minimum: wrong type; expected a whole number, found text 'deux'"),
    ("{minimum: 0}", "program.criteria[0].params.minimum: too small; expected at least 1, found 0"),
    ("{minimun: 2}", "program.criteria[0].params.minimun: unknown parameter of criterion 'min_priorities'; "
                     "expected minimum, found 'minimun' (did you mean 'minimum'?)"),
    ("{minimum: {values: [{from: 2021-04-01, value: 2}, {from: 2020-04-01, value: 3}]}}",
     "program.criteria[0].params.minimum.values[1].from: dates must increase from one value to the next; "
     "expected a date after 2021-04-01, found 2020-04-01"),
    ("{minimum: {values: [{start: 2021-04-01, value: 2}]}}",
     "program.criteria[0].params.minimum.values[0]: a dated value has the keys 'from' and 'value', and may have "
     "'until'; expected {from: YYYY-MM-DD, until: YYYY-MM-DD (optional), value: …}, found ['start', 'value']"),
    ("{minimum: {values: [{from: avril, value: 2}]}}",
     "program.criteria[0].params.minimum.values[0].from: wrong type; expected a date (YYYY-MM-DD), found text 'avril'"),
    ("{minimum: {values: [{from: 2021-04-01, value: x}]}}",
     "program.criteria[0].params.minimum.values[0].value: wrong type; expected a whole number, found text 'x'"),
    ("{minimum: {values: []}}", "program.criteria[0].params.minimum.values: dated values are a non-empty list"),
])
def test_parameter_errors_carry_their_path(params, expected):
    found = issues_of(f"- {{criterion: min_priorities, params: {params}}}")
    assert any(issue.startswith(expected) for issue in found), found


def test_a_parameter_that_cannot_change_over_time_refuses_dates():
    found = issues_of("- {criterion: max_amount, params: {maximum: 10, per: {values: [{from: 2020-01-01, value: total}]}}}")
    assert found == ["program.criteria[0].params.per: this parameter cannot change over time; expected text, "
                     "found dated values"]


def test_missing_required_parameter_and_duplicate_ids():
    found = issues_of("""
        - {criterion: max_amount}
        - {criterion: min_priorities}
        - {criterion: min_priorities}
    """)
    assert "program.criteria[0].params.maximum: criterion 'max_amount' needs this parameter; expected a number, found nothing" in found
    assert any(i.startswith("program.criteria[2].id: criterion id used twice") for i in found)


def test_program_dumped_and_loaded_keeps_its_dated_parameters(tmp_path):
    plan = plan_with(DATED)
    for name in ("copy.json", "copy.yaml"):
        actionplan.dump(plan, tmp_path / name)
        again = actionplan.load(tmp_path / name)
        assert again == plan
        assert Evaluator(again.program, again).values_at(dt.date(2021, 5, 1))[0]["minimum"] == 2


# -- third-party criteria and the registry --------------------------------------------------------


class MinPartners(Criterion):
    name = "test_min_partners"
    title = Text("Partenaires", "Partners")
    parameters = {"minimum": Param(int, default=2)}

    def evaluate(self, application, values, ctx):
        count = len({p.organisation for p in application.partners})
        ok = count >= values.minimum
        return Verdict(ok, {"count": count}, Text(f"{count} partenaires", f"{count} partners"),
                       None if ok else Text("ajouter un partenaire", "add a partner"))


class Plugin:
    @actionplan.hookimpl
    def actionplan_register_criteria(self, register):
        register(MinPartners())


def test_a_plugin_criterion_is_used_by_name(register_plugin):
    register_plugin(Plugin())
    plan = plan_with("- {criterion: test_min_partners, params: {minimum: 1}}")
    evaluator = Evaluator(plan.program, plan)
    result = evaluator.assess(app(partners=(Participation("x", "executing"),)))
    assert result.eligible and result.explain(0, "en") == ("1 partners", None)
    failing = evaluator.assess(app())
    assert failing.explain(0) == ("0 partenaires", "ajouter un partenaire")
    assert criteria_registry().owner("test_min_partners") != "actionplan.grants.rules"


def test_an_uninstalled_criterion_warns_on_load_and_stops_evaluation():
    from actionplan.checks import check_plan

    plan = plan_with("- {criterion: not_installed_anywhere}")
    warnings = [i for i in check_plan(plan) if i.path == "program.criteria[0].criterion"]
    assert warnings and warnings[0].severity == "warning" and "install the plugin" in warnings[0].hint
    with pytest.raises(GrantError, match="no installed criterion named 'not_installed_anywhere'"):
        Evaluator(plan.program, plan)


def test_the_same_criterion_name_from_two_plugins_is_refused(register_plugin):
    class Clash:
        @actionplan.hookimpl
        def actionplan_register_criteria(self, register):
            class Other(MinPartners):
                name = "min_priorities"
            register(Other())

    register_plugin(Clash())
    with pytest.raises(PluginError, match="'min_priorities' is registered twice"):
        criteria_registry()


@pytest.mark.parametrize("attrs, message", [
    ({"name": ""}, "has no name"),
    ({"role": "bonus"}, "has role 'bonus'"),
    ({"parameters": {"minimum": 3}}, "parameters must map names to Param objects"),
])
def test_a_bad_registration_fails_loudly(register_plugin, attrs, message):
    bad = type("Bad", (MinPartners,), {"name": "test_bad", **attrs})

    class BadPlugin:
        @actionplan.hookimpl
        def actionplan_register_criteria(self, register):
            register(bad())

    register_plugin(BadPlugin())
    with pytest.raises(PluginError, match=message):
        criteria_registry()


# -- ranking --------------------------------------------------------------------------------------


def test_ranking_orders_eligible_first_then_ranking_criteria_then_deposit_then_id():
    plan = plan_with("""
        - {criterion: addresses_any_priority}
        - {criterion: min_priorities, id: plusieurs, role: ranking, params: {minimum: 2}}
    """)
    evaluator = Evaluator(plan.program, plan)
    applications = [
        app("late-single", ("p1",), dt.date(2020, 1, 5)),
        app("b-multi", ("p1", "p2"), dt.date(2020, 1, 20)),
        app("a-multi", ("p3", "p4"), dt.date(2020, 1, 20)),
        app("early-single", ("p2",), dt.date(2020, 1, 1)),
        app("none", ("vie",), dt.date(2019, 12, 1)),
    ]
    ranking = evaluator.rank(applications)
    assert [a.application.id for a in ranking.ranked] == ["a-multi", "b-multi", "early-single", "late-single"]
    assert [a.application.id for a in ranking.ineligible] == ["none"]
    assert ranking.rank_of("early-single") == 3 and ranking.rank_of("none") is None
    data = as_data(ranking, "en")
    assert data[0]["rank"] == 1 and data[-1]["eligible"] is False
    assert data[-1]["criteria"][0]["advice"].startswith("act on at least one of these priorities")
    assert data[0]["criteria"][1]["facts"] == {"priorities": ["p3", "p4"], "count": 2, "minimum": 2}


# -- the wording before the catalogues, kept for one release ------------------------------------


def test_text_still_works_but_is_deprecated():
    import pytest

    from actionplan.api import Message

    with pytest.warns(DeprecationWarning, match="Text is deprecated"):
        text = Text("Partenaires", "Partners")
    assert isinstance(text, Message)
    assert (text.fr, text.en, text.get("en"), text.render("fr"), str(text)) == (
        "Partenaires", "Partners", "Partners", "Partenaires", "Partners")


def test_refuse_takes_a_message_and_the_two_texts_form_is_deprecated():
    import pytest

    from actionplan.api import GrantRefusal, Message, refuse

    refusal = refuse(Message("grants.stage.review"))
    assert isinstance(refusal, GrantRefusal)
    assert (refusal.code, refusal.message("fr"), str(refusal)) == ("grants.stage.review", "en analyse", "under review")
    with pytest.warns(DeprecationWarning, match=r"refuse\(fr, en\) is deprecated"):
        old = refuse("refusé", "refused")
    assert (old.message("fr"), old.message("en")) == ("refusé", "refused")


def test_the_generic_criteria_speak_through_the_catalogue():
    from actionplan.grants.rules import GENERIC_CRITERIA
    from actionplan.i18n import Message

    for criterion in GENERIC_CRITERIA:
        assert isinstance(criterion.title, Message) and criterion.title.code.startswith("grants.")
        assert criterion.title.render("fr") != criterion.title.render("en")
        for param in criterion.parameters.values():
            assert isinstance(param.description, Message) and param.description.code
