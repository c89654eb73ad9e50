"""Progress that means what people mean: per-period targets, baselines, the on-track band, weights,
manual statuses (docs/progress.md, « Periods, baselines, bands and weights », « Manual status »)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import actionplan
from actionplan.checks import check_plan
from actionplan.errors import ValidationError
from actionplan.model import Action, ActionPlan, Indicator, Measurement, Objective, Period, Reporting, Target, Theme
from actionplan.progress import indicator_progress, manual_statuses, period_targets, plan_progress
from actionplan.schedules import ScheduleContext, parse_schedule
from actionplan.schedules.periods import period_label, period_of_label, reporting_periods
from actionplan.storage import Event

D = Decimal
date = dt.date
YEAR = ScheduleContext(date(2026, 1, 1), date(2026, 12, 31))
FISCAL = ScheduleContext(date(2025, 4, 1), date(2027, 3, 31), fiscal_years=True)


def count(*measurements, **fields) -> Indicator:
    return Indicator(id=fields.pop("id", "ind"), label="Rencontres", kind=fields.pop("kind", "count"),
                     measurements=measurements, **fields)


def m(when: dt.date, value, **fields) -> Measurement:
    return Measurement(date=when, value=D(value), **fields)


# -- period labels ---------------------------------------------------------------------------------


@pytest.mark.parametrize(("label", "fiscal", "start", "end"), [
    ("2026", False, date(2026, 1, 1), date(2026, 12, 31)),
    ("2025-2026", True, date(2025, 4, 1), date(2026, 3, 31)),
    ("2025-2026", False, date(2025, 1, 1), date(2026, 12, 31)),
    ("2026-T2", False, date(2026, 4, 1), date(2026, 6, 30)),
    ("2026-q4", False, date(2026, 10, 1), date(2026, 12, 31)),
    ("2025-2026-T1", True, date(2025, 4, 1), date(2025, 6, 30)),
    ("2025-2026-T4", True, date(2026, 1, 1), date(2026, 3, 31)),
    ("2026-S2", False, date(2026, 7, 1), date(2026, 12, 31)),
    ("2025-2026-S2", True, date(2025, 10, 1), date(2026, 3, 31)),
    ("2026-02", False, date(2026, 2, 1), date(2026, 2, 28)),
    ("2026-01-15..2026-06-30", False, date(2026, 1, 15), date(2026, 6, 30)),
])
def test_period_labels(label, fiscal, start, end):
    assert period_of_label(label, fiscal_years=fiscal) == Period(start, end)


@pytest.mark.parametrize("label", ["2026-T5", "2026-13", "2025-2027", "T2", "2025-2026-T1", "2026-06-31..2026-07-01",
                                   "printemps"])
def test_unreadable_period_labels(label):
    with pytest.raises(ValueError, match="not a period"):
        period_of_label(label)  # 2025-2026-T1 needs a plan keeping fiscal years


def test_reporting_periods_are_whole_and_labelled_as_targets_are():
    quarters = reporting_periods("quarterly", Period(date(2026, 2, 10), date(2026, 8, 1)))
    assert [label for label, _ in quarters] == ["2026-T1", "2026-T2", "2026-T3"]
    assert quarters[0][1] == Period(date(2026, 1, 1), date(2026, 3, 31))
    fiscal = reporting_periods("half_yearly", Period(date(2026, 1, 1), date(2026, 12, 31)), fiscal_years=True)
    assert [label for label, _ in fiscal] == ["2025-2026-S2", "2026-2027-S1", "2026-2027-S2"]
    assert [period_of_label(label, fiscal_years=True) for label, _ in fiscal] == [p for _, p in fiscal]
    years = reporting_periods("yearly", Period(date(2026, 1, 1), date(2027, 3, 31)), fiscal_years=True)
    assert [label for label, _ in years] == ["2025-2026", "2026-2027"]
    months = reporting_periods("monthly", Period(date(2026, 11, 5), date(2027, 1, 2)))
    assert [label for label, _ in months] == ["2026-11", "2026-12", "2027-01"]
    assert period_label(date(2026, 7, 1), 6) == "2026-S2"


# -- per-period targets ----------------------------------------------------------------------------


QUARTERLY = (Target(D(2), period="2026-T1"), Target(D(3), period="2026-T2"), Target(D(3), period="2026-T3"))


def test_per_period_targets_judge_the_period_of_as_of():
    i = count(m(date(2026, 2, 1), 2), m(date(2026, 4, 20), 1), targets=QUARTERLY)
    t1 = indicator_progress(i, date(2026, 3, 31), ctx=YEAR)
    assert (t1.period, t1.target, t1.value, t1.status) == ("2026-T1", D(2), D(2), "achieved")
    assert t1.bounds == Period(date(2026, 1, 1), date(2026, 3, 31))
    assert t1.reason.startswith("2026-T1: ")
    t2 = indicator_progress(i, date(2026, 5, 10), ctx=YEAR)  # 1 of 3 in T2, 40/91 of the quarter elapsed
    assert (t2.period, t2.target, t2.value) == ("2026-T2", D(3), D(1))
    assert t2.status == "on_track"
    assert indicator_progress(i, date(2026, 6, 20), ctx=YEAR).status == "at_risk"


def test_per_period_targets_before_the_first_and_after_the_last_period():
    i = count(targets=QUARTERLY)
    before = indicator_progress(i, date(2025, 12, 1), ctx=YEAR)
    assert (before.period, before.status) == ("2026-T1", "not_started")
    after = indicator_progress(count(m(date(2026, 8, 1), 1), targets=QUARTERLY), date(2026, 11, 1), ctx=YEAR)
    assert (after.period, after.status, after.value) == ("2026-T3", "late", D(1))


def test_a_whole_target_applies_outside_the_target_periods():
    i = count(m(date(2026, 2, 1), 2), target=D(8), targets=(Target(D(3), period="2026-T2"),))
    assert indicator_progress(i, date(2026, 2, 2), ctx=YEAR).target == D(8)
    assert indicator_progress(i, date(2026, 5, 2), ctx=YEAR).target == D(3)


def test_measurements_naming_their_period_count_for_it():
    i = count(m(date(2026, 4, 2), 2, period="2026-T1"), targets=QUARTERLY)  # the T1 update, recorded in April
    assert indicator_progress(i, date(2026, 4, 5), ctx=YEAR).value is None
    assert indicator_progress(i, date(2026, 4, 5), ctx=YEAR).status in ("on_track", "at_risk")
    # as of the end of T1 the April update does not count yet (only what is dated on or before as_of counts)
    assert indicator_progress(i, date(2026, 3, 31), ctx=YEAR).value is None


def test_cumulative_period_values_count_everything_up_to_the_period_end():
    targets = (Target(D(5), period="2026-S1"), Target(D(10), period="2026-S2"))
    i = count(m(date(2026, 3, 1), 4), m(date(2026, 8, 1), 3), targets=targets, period_values="cumulative")
    s2 = indicator_progress(i, date(2026, 9, 1), ctx=YEAR)
    assert (s2.period, s2.value, s2.target) == ("2026-S2", D(7), D(10))
    per_period = indicator_progress(attrs_evolve(i, period_values="per_period"), date(2026, 9, 1), ctx=YEAR)
    assert per_period.value == D(3)


def attrs_evolve(indicator, **changes):
    import attrs

    return attrs.evolve(indicator, **changes)


def test_fiscal_year_targets():
    targets = (Target(D(4), period="2025-2026"), Target(D(4), period="2026-2027"))
    i = count(m(date(2026, 2, 1), 4), m(date(2026, 5, 1), 1), targets=targets)
    first = indicator_progress(i, date(2026, 3, 31), ctx=FISCAL)
    assert (first.period, first.status) == ("2025-2026", "achieved")
    second = indicator_progress(i, date(2026, 5, 2), ctx=FISCAL)
    assert (second.period, second.value, second.target, second.status) == ("2026-2027", D(1), D(4), "on_track")


def test_per_period_territory_targets():
    targets = (Target(D(1), period="2026-T1", territory="mrc:roussillon"),
               Target(D(1), period="2026-T1", territory="mrc:vaudreuil-soulanges"))
    i = count(m(date(2026, 2, 1), 1, territory="mrc:roussillon"), targets=targets)
    p = indicator_progress(i, date(2026, 3, 1), ctx=YEAR)
    assert p.target == D(2) and p.value == D(1)
    assert p.by_territory["mrc:vaudreuil-soulanges"].target == D(1)
    assert p.by_territory["mrc:vaudreuil-soulanges"].fraction == 0


def test_period_targets_lists_readable_whole_targets_in_period_order():
    i = count(targets=(Target(D(3), period="2026-T2"), Target(D(2), period="2026-T1"), Target(D(9), period="bof"),
                       Target(D(1), period="2026-T1", territory="mrc:roussillon")))
    assert [(label, t) for label, _, t in period_targets(i)] == [("2026-T1", D(2)), ("2026-T2", D(3))]


def test_an_unreadable_target_period_is_reported_with_its_path():
    plan = small_plan(Indicator(id="i1", label="Rencontres", kind="count",
                                targets=(Target(D(2), period="2026-T7"),)))
    issues = [i for i in check_plan(plan) if i.severity == "error"]
    assert [i.path for i in issues] == ["themes[0].objectives[0].actions[0].indicators[0].targets[0].period"]
    assert "2026-T2" in issues[0].render("en")


# -- baselines ---------------------------------------------------------------------------------------


def test_the_baseline_counts_for_increasing_indicators():
    """The issue's own figures: 350 of 600 from a baseline of 100 is half the way (not 58 %)."""
    i = count(m(date(2026, 6, 1), 350), target=D(600), baseline=D(100), cumulative=False)
    p = indicator_progress(i, date(2026, 7, 2), ctx=YEAR)
    assert p.fraction == D("0.5")
    assert p.status == "on_track"
    assert indicator_progress(count(target=D(600), baseline=D(100)), date(2026, 7, 2), ctx=YEAR).fraction == 0
    below = count(m(date(2026, 6, 1), 80), target=D(600), baseline=D(100), cumulative=False)
    assert indicator_progress(below, date(2026, 7, 2), ctx=YEAR).fraction == 0


def test_the_baseline_counts_for_rates_and_is_ignored_at_or_above_the_target():
    rate = Indicator(id="r", label="Taux de participation", kind="rate", unit="%", target=D(80), baseline=D(60),
                     measurements=(Measurement(date=date(2026, 3, 1), numerator=D(7), denominator=D(10)),))
    assert indicator_progress(rate, date(2026, 3, 2), ctx=YEAR).fraction == D("0.5")
    above = count(m(date(2026, 6, 1), 300), target=D(600), baseline=D(700), cumulative=False)
    assert indicator_progress(above, date(2026, 7, 2), ctx=YEAR).fraction == D("0.5")


def test_the_baseline_counts_for_decreasing_indicators_as_before():
    i = count(m(date(2026, 6, 1), 15), target=D(10), baseline=D(20), cumulative=False, direction="decrease")
    assert indicator_progress(i, date(2026, 7, 1), ctx=YEAR).fraction == D("0.5")


# -- the on-track band ---------------------------------------------------------------------------------


def test_tolerance_band_plan_default_and_indicator_override():
    # 2 July: 183/365 expected (≈ 50 %); 30 % done
    i = count(m(date(2026, 3, 1), 3), target=D(10))
    judged = date(2026, 7, 2)
    assert indicator_progress(i, judged, ctx=YEAR).status == "at_risk"  # default band, 15 %
    wide = Reporting(tolerance=D("0.25"))
    assert indicator_progress(i, judged, ctx=YEAR, reporting=wide).status == "on_track"
    narrow = attrs_evolve(i, reporting=Reporting(tolerance=D("0.05")))
    assert indicator_progress(narrow, judged, ctx=YEAR, reporting=wide).status == "at_risk"
    exact = count(m(date(2026, 3, 1), 5), target=D(10), reporting=Reporting(tolerance=D(0)))
    assert indicator_progress(exact, date(2026, 7, 1), ctx=YEAR).status == "on_track"  # 182/365 < 0.5


def test_tolerance_and_delays_are_checked():
    with pytest.raises(ValueError, match="tolerance"):
        Reporting(tolerance=D("1.5"))
    with pytest.raises(ValueError, match="stale_after"):
        Reporting(stale_after=-1)
    with pytest.raises(ValueError, match="frequency"):
        Reporting(frequency="weekly")
    with pytest.raises(ValidationError) as caught:
        actionplan.loads("id: p\ntitle: P\nperiod: {start: 2026-01-01, end: 2026-12-31}\n"
                         "reporting: {frequency: quarterly, tolerance: 2}\n", format="yaml")
    assert [i.path for i in caught.value.issues] == ["reporting.tolerance"]


# -- weights ---------------------------------------------------------------------------------------------


def small_plan(*indicators, weights=(None, None), **plan_fields) -> ActionPlan:
    a1 = Action(id="a1", title="Rencontres", indicators=indicators[:1], weight=weights[0])
    a2 = Action(id="a2", title="Formations", indicators=indicators[1:], weight=weights[1])
    theme = Theme(id="t", title="Vie associative", objectives=(Objective(id="o", title="Mobiliser", actions=(a1, a2)),))
    return ActionPlan(id="plan", title="Plan d'action 2026", period=Period(date(2026, 1, 1), date(2026, 12, 31)),
                      themes=(theme,), **plan_fields)


def test_weights_multiply_down_and_default_to_equal():
    done = count(m(date(2026, 2, 1), 4), id="i1", target=D(4))
    half = count(m(date(2026, 2, 1), 1), id="i2", target=D(2))
    none = count(id="i3", target=D(2))
    plan = small_plan(done, half, none)
    assert plan_progress(plan, date(2026, 3, 1)).rollup.fraction == D("0.5")  # (1 + 0.5 + 0) / 3
    weighted = small_plan(done, half, none, weights=(D(4), None))  # i1 counts four times
    p = plan_progress(weighted, date(2026, 3, 1))
    assert p.rollup.fraction == D("0.75")  # (4 + 0.5 + 0) / 6
    assert p.indicator("i1").weight == D(4)
    assert p.themes[0].objectives[0].actions[1].rollup.fraction == D("0.25")  # an action's own indicators alone
    zero = small_plan(done, half, none, weights=(D(0), D(0)))
    assert plan_progress(zero, date(2026, 3, 1)).rollup.fraction is None
    with pytest.raises(ValueError, match="weight"):
        Action(id="a", title="A", weight=D(-1))


# -- manual statuses -------------------------------------------------------------------------------------


def status_event(subject, status, when, reason="reporté à 2027 faute de financement", by="coordination"):
    return Event(kind="manual-status", date=when, subject=subject, data={"status": status, "reason": reason},
                 recorded_by=by)


def test_manual_status_stands_until_a_newer_measurement_or_a_clear():
    i1 = count(m(date(2026, 2, 1), 1), id="i1", target=D(4))
    plan = small_plan(i1, count(id="i2", target=D(2)))
    events = [status_event("i1", "postponed", date(2026, 3, 1)), status_event("a2", "at_risk", date(2026, 3, 2))]
    found = manual_statuses(plan, events)
    assert found["i1"].status == "postponed" and found["i1"].author == "coordination"
    assert found["i1"].reason == "reporté à 2027 faute de financement"
    assert manual_statuses(plan, events, as_of=date(2026, 3, 1)).keys() == {"i1"}  # later events: not yet
    newer = small_plan(attrs_evolve(i1, measurements=(*i1.measurements, m(date(2026, 3, 5), 1))),
                       count(id="i2", target=D(2)))
    assert manual_statuses(newer, events).keys() == {"a2"}
    assert manual_statuses(newer, events, as_of=date(2026, 3, 4)).keys() == {"i1", "a2"}
    cleared = [*events, Event(kind="manual-status-clear", date=date(2026, 3, 3), subject="a2")]
    assert manual_statuses(plan, cleared).keys() == {"i1"}
    progress = plan_progress(plan, date(2026, 3, 10), manual=manual_statuses(plan, events))
    assert progress.indicator("i1").manual.status == "postponed"
    assert progress.indicator("i1").status != "postponed"  # the computed status stays beside it
    assert progress.themes[0].objectives[0].actions[1].manual.status == "at_risk"
    assert progress.indicator("i2").manual is None


def test_unknown_manual_status_values_are_ignored():
    plan = small_plan(count(id="i1", target=D(1)))
    assert manual_statuses(plan, [status_event("i1", "peut-être", date(2026, 1, 5))]) == {}


def test_schedules_still_bound_indicators_without_period_targets():
    i = count(m(date(2026, 3, 1), 1), target=D(2))
    p = indicator_progress(i, date(2026, 4, 1), schedule=parse_schedule("Hiver 2026"), ctx=YEAR)
    assert p.period is None and p.status == "late"
