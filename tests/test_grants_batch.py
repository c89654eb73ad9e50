"""Judging many applications at once gives what judging them one at a time gives.

``Evaluator.assess_all`` / ``rank`` group the applications by the parameters in force and
hand each group to every criterion at once (``Criterion.evaluate_all``); ``Ranking.explained``
writes every reason criterion by criterion (``Criterion.explain_all``). The reference is the
one-at-a-time path: ``Evaluator.assess`` (one ``evaluate`` per criterion) and
``Assessment.reasons`` (one ``explain`` per criterion), ranked by the documented rule.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal
from pathlib import Path

import attrs
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import actionplan
from actionplan.api import Application, Evaluator, Participation, Verdict
from actionplan.grants.trace import trace
from actionplan.territories import default_gazetteer
from actionplan.testing.samples import edge_applications, grant_samples

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PLAN = EXAMPLES / "alliance-maskoutains-2019-2023.yaml"
APPS = EXAMPLES / "alliance-maskoutains-demandes.yaml"
THRESHOLD = "minimum: {values: [{from: 2019-04-01, value: 5}]}"
#: The municipalities' minimum: undefined before 2019-07-01, then 5, then 4 from 2021-04-01.
DATED = "minimum: {values: [{from: 2019-07-01, value: 5}, {from: 2021-04-01, value: 4}]}"
CALL = ('    - id: appels-automne\n      title: "Autres appels de projets, si des sommes sont toujours disponibles"\n'
        '      schedule: "Annuellement Automne"\n')
#: The autumn calls ask for 3 municipalities and 1 executing organisation more than the lead.
OVERRIDES = "      params:\n        municipalities_in_territory: {minimum: 3}\n        executing_organisations: {minimum: 3}\n"
LANGUAGES = ("fr", "en")


def plan_variant():
    text = PLAN.read_text(encoding="utf-8")
    assert THRESHOLD in text and CALL in text
    return actionplan.loads(text.replace(THRESHOLD, DATED).replace(CALL, CALL + OVERRIDES))


@pytest.fixture(scope="module")
def plan():
    return plan_variant()


def generated(plan, count: int, seed: int) -> list[Application]:
    """Applications of every shape: partners executing or supporting (some twice), the MRC or
    some municipalities (some outside the territory), priorities known or not, deposits over
    three years (across every change of parameters), some to the autumn calls, some undated."""
    rng = random.Random(seed)
    gazetteer = default_gazetteer()
    inside = sorted(gazetteer.municipalities_reached(["mrc:les-maskoutains"]))
    outside = sorted(gazetteer.municipalities_reached(["mrc:roussillon"]))
    priorities = [*plan.program.priorities, "priorite-inconnue"]
    organisations = [f"org-{i:02d}" for i in range(12)]
    found = []
    for i in range(count):
        lead = rng.choice(organisations)
        partners = tuple(Participation(rng.choice(organisations), rng.choice(("executing", "support", "executing")))
                         for _ in range(rng.randrange(5)))
        territories: tuple[str, ...] = ("mrc:les-maskoutains",) if rng.random() < 0.3 else tuple(
            rng.sample(inside, rng.randrange(0, 7)))
        if rng.random() < 0.3:
            territories += tuple(rng.sample(outside, rng.randrange(1, 3)))
        deposited = None if rng.random() < 0.05 else dt.date(2019, 4, 1) + dt.timedelta(days=rng.randrange(1100))
        found.append(Application(
            id=f"g-{i:04d}", title=f"Projet {i}", lead=lead, partners=partners, territories=territories,
            priorities=tuple(rng.sample(priorities, rng.randrange(0, 4))), deposited=deposited,
            call=rng.choice((None, "appel-hiver-2019-2020", "appels-automne")),
            requested={"2020-2021": Decimal(rng.randrange(1, 80) * 1000)}))
    return found


def documented_order(evaluator: Evaluator, assessment) -> tuple:
    """docs/grants.md's ranking: per ranking criterion, scored first (higher first), else passed
    first; then the earlier deposit, then the id."""
    key: list = []
    for compiled, verdict in assessment.results():
        if compiled.role == "ranking":
            key += (0, -verdict.score) if verdict.score is not None else (1, 0 if verdict.passed else 1)
    return (*key, assessment.day, assessment.application.id)


def assert_batch_is_one_by_one(evaluator: Evaluator, applications) -> None:
    alone = [evaluator.assess(application) for application in applications]
    together = evaluator.assess_all(applications)
    assert [a.application for a in together] == list(applications)
    for one, many in zip(alone, together):
        where = one.application.id
        assert many.verdicts == one.verdicts, where
        assert all(type(v) is Verdict for v in many.verdicts), where
        assert (many.eligible, many.day) == (one.eligible, one.day), where
        assert many.binding is one.binding, where  # the same parameter values read, recorded once
    ranking = evaluator.rank(applications)
    expected = sorted((a for a in alone if a.eligible), key=lambda a: documented_order(evaluator, a))
    assert [a.application.id for a in ranking.ranked] == [a.application.id for a in expected]
    assert [a.application.id for a in ranking.ineligible] == [a.application.id for a in alone if not a.eligible]
    by_id = {a.application.id: a for a in alone}
    for lang in LANGUAGES:
        explained = ranking.explained(lang)
        assert [a.application.id for a, _, _ in explained] == [a.application.id for a in ranking]
        for number, (assessment, rank, lines) in enumerate(explained, start=1):
            one = by_id[assessment.application.id]
            assert rank == (number if assessment.eligible else None)
            assert [(c.key, v, reason, advice) for c, v, reason, advice in lines] == [
                (c.key, v, reason, advice) for c, v, reason, advice in one.reasons(lang)], (assessment.application.id, lang)


def test_the_maskoutains_applications(plan):
    document = actionplan.load(APPS)
    evaluator = Evaluator(plan.program, plan)
    assert_batch_is_one_by_one(evaluator, document.applications)
    ranking = evaluator.rank(document.applications)
    alone = {a.id: evaluator.assess(a) for a in document.applications}
    for assessment in ranking:
        for lang in LANGUAGES:  # what `actionplan grants explain` prints
            assert trace(assessment, ranking, lang) == trace(alone[assessment.application.id], ranking, lang)


def test_the_maskoutains_applications_as_shipped():
    plan = actionplan.loads(PLAN.read_text(encoding="utf-8"))
    assert_batch_is_one_by_one(Evaluator(plan.program, plan), actionplan.load(APPS).applications)


def test_generated_applications_across_dates_and_calls(plan):
    applications = generated(plan, 600, seed=12)
    evaluator = Evaluator(plan.program, plan, default_day=dt.date(2020, 6, 1))
    assert {len(a.verdicts) for a in evaluator.assess_all(applications)} == {3}
    assert_batch_is_one_by_one(evaluator, applications)
    keys = set(evaluator._bound)
    assert any(isinstance(k, tuple) for k in keys) and any(not isinstance(k, tuple) for k in keys), keys
    undefined = [a for a in evaluator.assess_all(applications) if "undefined_parameter" in a.verdicts[1].facts]
    assert undefined, "no application deposited before the municipalities' minimum is defined"


def test_the_same_application_twice_and_an_empty_batch(plan):
    evaluator = Evaluator(plan.program, plan)
    [first, *_] = actionplan.load(APPS).applications
    twice = evaluator.assess_all([first, first])
    assert twice[0].verdicts == twice[1].verdicts == evaluator.assess(first).verdicts
    assert evaluator.assess_all([]) == []
    assert evaluator.rank([]).explained("fr") == []


@pytest.mark.parametrize("sample", grant_samples(), ids=lambda s: s.name)
def test_the_samples_with_the_default_batch_methods(sample):
    """The samples' criteria, those of the core included (which keep the default
    ``evaluate_all`` / ``explain_all``), with the applications missing optional data."""
    evaluator = Evaluator(sample.program, sample.plan, default_day=sample.default_day)
    assert_batch_is_one_by_one(evaluator, (*sample.applications, *edge_applications()))


def test_a_criterion_giving_too_few_verdicts_is_named(plan):
    from actionplan.errors import PluginError

    evaluator = Evaluator(plan.program, plan)
    criterion = evaluator.criteria[0].criterion
    original = criterion.evaluate_all
    criterion.evaluate_all = lambda applications, prepared, ctx: original(applications, prepared, ctx)[1:]
    try:
        with pytest.raises(PluginError, match="executing_organisations.*evaluate_all gave 0 verdicts for 1"):
            evaluator.assess_all(actionplan.load(APPS).applications[:1])
    finally:
        del criterion.evaluate_all


_PLAN = plan_variant()
_ORGS = st.sampled_from(["a", "b", "c", "d"])
_GAZ = default_gazetteer()
_PLACES = st.sampled_from(["mrc:les-maskoutains", *sorted(_GAZ.municipalities_reached(["mrc:les-maskoutains"]))[:8],
                           *sorted(_GAZ.municipalities_reached(["mrc:roussillon"]))[:3]])
_APPLICATION = st.builds(
    Application,
    id=st.just("x"), title=st.just("Projet"), lead=_ORGS,
    partners=st.lists(st.builds(Participation, _ORGS, st.sampled_from(["executing", "support"])), max_size=4).map(tuple),
    territories=st.lists(_PLACES, max_size=6).map(tuple),
    priorities=st.lists(st.sampled_from([*_PLAN.program.priorities, "autre"]), max_size=3).map(tuple),
    deposited=st.one_of(st.none(), st.dates(dt.date(2019, 1, 1), dt.date(2023, 6, 30))),
    call=st.sampled_from([None, "appel-hiver-2019-2020", "appels-automne"]),
)


@settings(max_examples=60, deadline=None)
@given(st.lists(_APPLICATION, max_size=12))
def test_any_applications(applications):
    applications = [attrs.evolve(a, id=f"h-{i}") for i, a in enumerate(applications)]
    assert_batch_is_one_by_one(Evaluator(_PLAN.program, _PLAN, default_day=dt.date(2021, 4, 1)), applications)
