"""The criterion conformance kit on the generic criteria of the core (actionplan.grants.rules)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from actionplan.model.grants import Application
from actionplan.model import Participation
from actionplan.testing import CriterionConformance

DATED_MINIMUM = {"values": [{"from": "2019-04-01", "value": 3}, {"from": "2021-04-01", "value": 2}]}


class TestMinPriorities(CriterionConformance):
    criterion_name = "min_priorities"
    valid_params = ({}, {"minimum": 2}, {"minimum": DATED_MINIMUM})
    invalid_params = ({"minimum": 0}, {"minimum": "deux"}, {"minimum": {"values": []}})


class TestAddressesAnyPriority(CriterionConformance):
    criterion_name = "addresses_any_priority"
    valid_params = ({}, {"priorities": ["priorite-3-habitation", "priorite-4-prevention-decrochage-scolaire"]})
    invalid_params = ({"priorities": ["vie-associative"]}, {"priorities": 4})


GRID = [{"id": "pertinence", "label": "Pertinence", "weight": 40}, {"id": "ancrage", "label": "Ancrage territorial",
                                                                   "weight": 35},
        {"id": "partenariat", "label": "Partenariat", "weight": 25}]


class TestWeightedGrid(CriterionConformance):
    criterion_name = "weighted_grid"
    valid_params = ({"items": GRID}, {"items": GRID, "scale": 5, "min_score": 60})
    invalid_params = (
        {"items": [{**GRID[0], "weight": 35}, *GRID[1:]]},  # 95
        {"items": GRID, "scale": 0},
        {"items": GRID, "min_score": 120},
        {"items": [*GRID, {"id": "pertinence", "label": "Encore", "weight": 0}]},
        {"items": GRID, "scale": {"values": [{"from": "2019-04-01", "value": 10}]}},
    )

    def applications(self, sample):
        """The committee's marks: complete, complete and low, incomplete, above the scale."""
        marks = {"note-haute": (5, 5, 4), "note-basse": (1, 2, 0), "note-partielle": (4, None, None),
                 "note-hors-echelle": (11, 3, 3)}
        scored = tuple(
            Application(id=app_id, title=f"Projet {app_id}", lead="porteur", deposited=dt.date(2020, 2, 1),
                        partners=(Participation("partenaire", "executing"),), territories=("mrc:les-maskoutains",),
                        scores={item["id"]: Decimal(mark) for item, mark in zip(GRID, values) if mark is not None})
            for app_id, values in marks.items())
        return (*super().applications(sample), *scored)


class TestMaxAmount(CriterionConformance):
    criterion_name = "max_amount"
    valid_params = ({"maximum": 50000}, {"maximum": "30000.50", "per": "fiscal_year"})
    invalid_params = ({"maximum": -1}, {"maximum": 10, "per": "month"}, {"maximum": "beaucoup"})


# -- the kit fails criteria that break their contract ------------------------------------------------


import pytest  # noqa: E402

import actionplan  # noqa: E402
from actionplan.grants.criteria import Criterion, Param, Text, Verdict  # noqa: E402


class Careless(Criterion):
    """Counts partners; its faults are switched on one by one by the tests."""

    name = "test_careless"
    title = Text("Partenaires", "Partners")
    parameters = {"minimum": Param(int, default=1, minimum=1)}
    faults: frozenset[str] = frozenset()

    def __init__(self):
        self.remembered = None

    def evaluate(self, application, values, ctx):
        if "crash" in self.faults:
            application.deposited.year  # noqa: B018 - fails on an application with no deposit date
        count = len(application.partners)
        return Verdict(count >= values.minimum, {"count": count, "minimum": values.minimum})

    def explain(self, verdict, ctx, lang="fr"):
        count = verdict.facts["count"]
        if "leak" in self.faults:  # remembers the first sentence for everyone
            self.remembered = self.remembered or f"{count} partenaires"
            return self.remembered, None if verdict.passed else "ajouter un partenaire"
        reason = f"{count} partners" if lang == "en" and "french-only" not in self.faults else f"{count} partenaires"
        advice = None if verdict.passed or "no-advice" in self.faults else (
            "add a partner" if lang == "en" else "ajouter un partenaire")
        return reason, advice


@pytest.fixture
def careless(register_plugin):
    criterion = Careless()

    class Plugin:
        @actionplan.hookimpl
        def actionplan_register_criteria(self, register):
            register(criterion)

    register_plugin(Plugin())
    return criterion


@pytest.mark.parametrize(("fault", "test", "message"), [
    (None, "test_reasons_and_advice_in_both_languages", None),
    ("french-only", "test_reasons_and_advice_in_both_languages", "not translated"),
    ("no-advice", "test_reasons_and_advice_in_both_languages", "failed without advice"),
    ("leak", "test_verdicts_are_deterministic_and_independent", "another verdict or sentence"),
    ("crash", "test_an_application_missing_optional_data_is_judged", "'NoneType' object has no attribute 'year'"),
])
def test_the_kit_fails_a_criterion_that_breaks_its_contract(careless, fault, test, message):
    from actionplan.testing.samples import grant_sample

    careless.faults = frozenset({fault} - {None})
    kit = type("TestCareless", (CriterionConformance,), {"criterion_name": "test_careless"})()
    run = getattr(kit, test)
    if message is None:
        run(careless, grant_sample())  # the careful version passes
        return
    with pytest.raises((AssertionError, AttributeError), match=message):
        run(careless, grant_sample())


def test_the_kit_fails_parameters_that_are_not_refused(careless):
    from actionplan.testing.samples import grant_sample

    kit = type("TestCareless", (CriterionConformance,), {"criterion_name": "test_careless"})()
    with pytest.raises(pytest.fail.Exception, match="DID NOT RAISE"):
        kit.test_invalid_parameters_are_refused_naming_the_parameter(careless, grant_sample(), {"minimum": 3})
    with pytest.raises(AssertionError, match="list values it must refuse"):
        kit.test_invalid_parameters_are_refused_naming_the_parameter(careless, grant_sample(), None)


def test_the_kit_fails_facts_that_json_cannot_hold(careless, monkeypatch):
    from actionplan.testing.samples import grant_sample

    evaluate = Careless.evaluate

    def with_an_object(self, application, values, ctx):
        verdict = evaluate(self, application, values, ctx)
        return verdict._replace(facts={**verdict.facts, "lead": object()})

    monkeypatch.setattr(Careless, "evaluate", with_an_object)
    kit = type("TestCareless", (CriterionConformance,), {"criterion_name": "test_careless"})()
    with pytest.raises(pytest.fail.Exception, match="facts that JSON cannot hold"):
        kit.test_every_application_gets_a_verdict(careless, grant_sample(), {})
