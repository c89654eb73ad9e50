"""Progress as of a date: one test per rule of docs/progress.md, then hypothesis properties."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from actionplan.model import (
    Action, ActionPlan, Indicator, Measurement, Objective, Period, Target, Theme,
)
from actionplan.progress import (
    STATUSES, IndicatorProgress, expected_fraction, indicator_progress, plan_progress, rollup,
    schedule_context,
)
from actionplan.schedules import ScheduleContext, parse_schedule

D = Decimal
date = dt.date

#: The plan's year, 2026.
YEAR = ScheduleContext(date(2026, 1, 1), date(2026, 12, 31))
#: A span of exactly 100 days (1 January → 10 April 2026): day k of it has an expected fraction of k/100.
HUNDRED = ScheduleContext(date(2026, 1, 1), date(2026, 4, 10))

MRC = ("mrc:beauharnois-salaberry", "mrc:le-haut-saint-laurent", "mrc:les-jardins-de-napierville",
       "mrc:roussillon", "mrc:vaudreuil-soulanges")
BS, HSL, JN, ROU, VS = MRC


def day(k: int) -> dt.date:
    """Day k (1-based) of the HUNDRED span."""
    return date(2026, 1, 1) + dt.timedelta(days=k - 1)


def ind(kind: str, *measurements: Measurement, id: str = "ind", **fields) -> Indicator:
    return Indicator(id=id, label=fields.pop("label", "Indicateur"), kind=kind, measurements=measurements, **fields)


def m(when: dt.date, value=None, **fields) -> Measurement:
    return Measurement(date=when, value=None if value is None else D(value), **fields)


def rate(when: dt.date, numerator, denominator, **fields) -> Measurement:
    return Measurement(date=when, numerator=D(numerator), denominator=D(denominator), **fields)


def prog(indicator: Indicator, as_of: dt.date, ctx: ScheduleContext | None = HUNDRED, schedule=None):
    return indicator_progress(indicator, as_of, schedule=schedule, ctx=ctx)


# -- only what is dated on or before as_of counts -------------------------------------------------


def test_measurements_after_as_of_do_not_count():
    i = ind("count", m(day(10), 2), m(day(20), 3), target=D(10))
    assert prog(i, day(19)).value == D(2)
    assert prog(i, day(20)).value == D(5)  # the as_of day itself counts


# -- the expected fraction ---------------------------------------------------------------------


def test_expected_fraction_counts_days_inclusively_and_clamps():
    period = Period(date(2026, 1, 1), date(2026, 12, 31))
    assert expected_fraction(period, date(2026, 7, 2)) == D(183) / D(365)
    assert expected_fraction(period, date(2025, 12, 31)) == 0
    assert expected_fraction(period, date(2026, 12, 31)) == 1
    assert expected_fraction(period, date(2027, 6, 1)) == 1
    assert expected_fraction(None, date(2026, 7, 2)) is None
    assert expected_fraction(Period.day(date(2026, 3, 31)), date(2026, 3, 31)) == 1


def test_expected_fraction_uses_the_action_schedule_else_the_plan_period():
    i = ind("tracked")
    winter = prog(i, date(2026, 2, 4), ctx=YEAR, schedule=parse_schedule("Hiver 2026"))
    assert winter.bounds == Period(date(2025, 12, 21), date(2026, 3, 20))
    assert winter.expected == D(46) / D(90)
    plan = prog(i, date(2026, 2, 4), ctx=YEAR)
    assert plan.bounds == YEAR.period and plan.expected == D(35) / D(365)
    unscheduled = prog(i, date(2026, 2, 4), ctx=None)
    assert unscheduled.expected is None and unscheduled.bounds is None


def test_a_schedule_that_cannot_be_dated_falls_back_on_the_plan_period():
    relative = parse_schedule("À la fin de chaque projet")
    assert relative.bounds(YEAR) is None  # no project end known
    p = prog(ind("tracked"), date(2026, 2, 4), ctx=YEAR, schedule=relative)
    assert p.bounds == YEAR.period


@pytest.mark.parametrize("text", ["Au besoin", "À déterminer", "As needed", "TBD"])
def test_an_unscheduled_action_is_never_late_nor_judged_against_the_plan_period(text):
    unscheduled = parse_schedule(text)
    after_the_plan = date(2027, 6, 1)
    for indicator in (ind("tracked"), ind("count", target=D(4)), ind("milestone"), ind("deliverable"),
                      ind("count", m(date(2026, 3, 1), 1), target=D(4))):
        p = prog(indicator, after_the_plan, ctx=YEAR, schedule=unscheduled)
        assert p.bounds is None and p.expected is None
        assert p.status in ("not_started", "on_track"), (indicator.kind, p.status, p.reason)
    # the same indicators without a schedule are judged against the plan's period, hence late
    assert prog(ind("count", target=D(4)), after_the_plan, ctx=YEAR).status == "late"


def test_a_deadline_is_judged_from_the_plan_start_to_its_day():
    by_june = parse_schedule("D'ici juin 2026")
    p = prog(ind("deliverable"), date(2026, 7, 1), ctx=YEAR, schedule=by_june)
    assert p.bounds == Period(date(2026, 1, 1), date(2026, 6, 30)) and p.status == "late"
    assert prog(ind("deliverable"), date(2026, 6, 30), ctx=YEAR, schedule=by_june).status == "at_risk"
    before = parse_schedule("Avant le 15 mai 2026")
    assert prog(ind("milestone"), date(2026, 5, 15), ctx=YEAR, schedule=before).status == "late"
    assert prog(ind("milestone"), date(2026, 5, 14), ctx=YEAR, schedule=before).status == "at_risk"


def test_a_start_is_judged_from_its_day_to_the_plan_end():
    p = prog(ind("count", target=D(4)), date(2026, 3, 1), ctx=YEAR, schedule=parse_schedule("Dès avril 2026"))
    assert p.bounds == Period(date(2026, 4, 1), date(2026, 12, 31)) and p.status == "not_started"


def test_end_of_the_year_is_its_last_quarter():
    p = prog(ind("deliverable"), date(2026, 9, 30), ctx=YEAR, schedule=parse_schedule("Fin 2026"))
    assert p.bounds == Period(date(2026, 10, 1), date(2026, 12, 31)) and p.status == "not_started"


def test_a_schedule_needs_a_context():
    with pytest.raises(ValueError, match="ctx"):
        indicator_progress(ind("tracked"), date(2026, 1, 1), schedule=parse_schedule("2026"))


def test_floats_are_refused():
    with pytest.raises(TypeError, match=r"Measurement\.value must be a Decimal"):  # when built, before progress
        Measurement(date=day(1), value=1.5)


# -- count / minimum ---------------------------------------------------------------------------


def test_count_cumulative_adds_up_and_latest_stands_otherwise():
    ms = (m(day(1), 2), m(day(5), 1), m(day(9), 3))
    assert prog(ind("count", *ms, target=D(10)), day(10)).value == D(6)
    latest = prog(ind("count", *ms, target=D(10), cumulative=False), day(10))
    assert latest.value == D(3) and latest.latest == ms[2]


def test_count_fraction_is_capped_and_achieved_at_the_target():
    assert prog(ind("count", m(day(1), 6), target=D(4)), day(2)).fraction == 1
    achieved = prog(ind("count", m(day(1), 4), target=D(4)), day(2))
    assert (achieved.status, achieved.fraction) == ("achieved", 1)
    below = prog(ind("count", m(day(1), 3), target=D(4)), day(2))
    assert below.status == "on_track" and below.fraction == D("0.75")


def test_count_on_track_threshold_is_expected_minus_15_points():
    # day 50 of 100: expected 0.5, on track down to 0.35 included
    on = prog(ind("count", m(day(1), 35), target=D(100)), day(50))
    assert on.expected == D("0.5") and on.status == "on_track"
    risk = prog(ind("count", m(day(1), 34), target=D(100)), day(50))
    assert risk.status == "at_risk"


def test_count_late_only_once_the_end_has_passed():
    i = ind("count", m(day(1), 3), target=D(4))
    assert prog(i, day(100)).status == "at_risk"  # the end day itself is still in time
    late = prog(i, day(101))
    assert late.status == "late" and "ended 2026-04-10" in late.reason
    assert prog(ind("count", m(day(1), 4), target=D(4)), day(300)).status == "achieved"


def test_count_late_against_the_plan_end_when_unscheduled():
    i = ind("count", m(date(2026, 3, 1), 1), target=D(4))
    assert prog(i, date(2027, 1, 1), ctx=YEAR).status == "late"
    assert prog(i, date(2027, 1, 1), ctx=None).status == "on_track"  # no period at all: never late


def test_count_not_started_with_nothing_recorded_before_the_start():
    i = ind("count", target=D(4))
    before = prog(i, date(2025, 12, 31))
    assert before.status == "not_started" and before.value is None and before.fraction == 0
    assert prog(i, day(1)).status == "on_track"  # started: 0 ≥ 0.01 − 0.15
    assert prog(i, day(16)).status == "at_risk"  # 0 < 0.16 − 0.15
    assert prog(i, day(15)).status == "on_track"  # 0 ≥ 0.15 − 0.15
    assert prog(i, day(5), ctx=None).status == "not_started"


def test_count_recorded_before_the_start_is_judged_by_its_fraction():
    p = prog(ind("count", m(date(2025, 12, 1), 1), target=D(4)), date(2025, 12, 31))
    assert p.status == "on_track" and p.expected == 0


def test_count_decrease_is_a_ceiling_achieved_at_the_end():
    i = ind("count", m(day(10), 1), target=D(2), direction="decrease")
    before_end = prog(i, day(99))
    assert before_end.status == "on_track" and before_end.fraction == 1
    assert prog(i, day(100)).status == "achieved"
    over = ind("count", m(day(10), 3), target=D(2), direction="decrease")
    assert prog(over, day(100)).fraction == D(2) / D(3)
    assert prog(over, day(101)).status == "late"


def test_count_decrease_from_a_baseline():
    i = ind("count", m(day(1), 15, ), target=D(10), baseline=D(20), direction="decrease", cumulative=False)
    p = prog(i, day(50))
    assert p.fraction == D("0.5") and p.status == "on_track"
    assert prog(i, day(70)).status == "at_risk"  # 0.5 < 0.70 − 0.15


def test_minimum_is_achieved_as_soon_as_reached():
    i = ind("minimum", m(day(3), 1), target=D(1), label="Au moins 1 projet")
    assert prog(i, day(2)).status == "on_track"
    assert prog(i, day(3)).status == "achieved"


def test_minimum_stays_achieved_but_a_count_follows_its_latest_value():
    ms = (m(day(3), 2), m(day(6), 0))
    assert prog(ind("minimum", *ms, target=D(1), cumulative=False), day(7)).status == "achieved"
    p = prog(ind("count", *ms, target=D(1), cumulative=False), day(7))
    assert p.value == 0 and p.status == "on_track"


def test_minimum_ignores_direction():
    i = ind("minimum", m(day(3), 2), target=D(1), direction="decrease")
    assert prog(i, day(4)).status == "achieved"


def test_count_without_a_target_is_tracked():
    p = prog(ind("count", m(day(1), 3)), day(2))
    assert (p.status, p.fraction, p.target, p.value) == ("on_track", None, None, D(3))


# -- tracked -----------------------------------------------------------------------------------


def test_tracked_has_no_fraction_and_is_on_track_once_recorded():
    p = prog(ind("tracked", m(day(1), 7), m(day(2), 5), label="Nombre de représentations"), day(90))
    assert (p.status, p.value, p.fraction, p.target) == ("on_track", D(12), None, None)
    assert prog(ind("tracked", m(day(1), 7)), day(300)).status == "on_track"  # even after the end


def test_tracked_with_nothing_recorded_follows_the_schedule():
    i = ind("tracked")
    assert prog(i, date(2025, 12, 31)).status == "not_started"
    assert prog(i, day(1)).status == "on_track"
    assert prog(i, day(25)).status == "on_track"  # 25 % is not over 25 %
    assert prog(i, day(26)).status == "at_risk"
    assert prog(i, day(100)).status == "at_risk"
    late = prog(i, day(101))
    assert late.status == "late" and late.reason == "ended 2026-04-10, nothing recorded"
    assert prog(i, day(50), ctx=None).status == "not_started"


# -- rate --------------------------------------------------------------------------------------


def test_rate_is_a_ratio_of_sums_not_a_mean_of_ratios():
    assert prog(ind("rate", rate(day(1), 1, 10), rate(day(2), 9, 10)), day(3)).value == D("0.5")
    p = prog(ind("rate", rate(day(1), 1, 2), rate(day(2), 90, 100)), day(3))
    assert p.value == D(91) / D(102)
    assert p.value != (D(1) / D(2) + D(90) / D(100)) / 2


def test_rate_in_percent_when_the_unit_is_percent():
    p = prog(ind("rate", rate(day(1), 1, 2), rate(day(2), 90, 100), unit="%"), day(3))
    assert p.value == D(9100) / D(102)


def test_rate_values_alone_are_averaged_only_without_numerators():
    alone = ind("rate", m(day(1), 40), m(day(2), 60), unit="%")
    assert prog(alone, day(3)).value == D(50)
    mixed = ind("rate", m(day(1), 40), rate(day(2), 3, 4), unit="%")
    assert prog(mixed, day(3)).value == D(75)


def test_rate_with_a_target_in_the_same_unit():
    i = ind("rate", rate(day(1), 30, 100), unit="%", target=D(60))
    p = prog(i, day(50))
    assert (p.value, p.target, p.fraction, p.status) == (D(30), D(60), D("0.5"), "on_track")
    assert prog(ind("rate", rate(day(1), 3, 10), target=D("0.6")), day(50)).fraction == D("0.5")
    assert prog(ind("rate", rate(day(1), 6, 10), target=D("0.6")), day(50)).status == "achieved"
    assert prog(i, day(101)).status == "late"


def test_rate_without_a_target_is_tracked():
    p = prog(ind("rate", rate(day(1), 1, 4)), day(50))
    assert (p.status, p.fraction, p.value) == ("on_track", None, D("0.25"))
    assert prog(ind("rate"), day(101)).status == "late"


def test_rate_by_territory_rolls_up_as_a_ratio_of_sums():
    i = ind("rate", rate(day(1), 1, 2, territory=BS), rate(day(1), 90, 100, territory=ROU),
            targets=(Target(D("0.8"), territory=BS),))
    p = prog(i, day(2))
    assert p.value == D(91) / D(102)
    assert p.by_territory[BS].value == D("0.5") and p.by_territory[BS].fraction == D("0.625")
    assert p.by_territory[ROU].value == D("0.9") and p.by_territory[ROU].target is None


def test_rate_not_cumulative_keeps_the_latest_date():
    i = ind("rate", rate(day(1), 1, 10), rate(day(5), 1, 2, territory=BS), rate(day(5), 3, 4, territory=ROU),
            cumulative=False)
    assert prog(i, day(6)).value == D(4) / D(6)


# -- milestone ---------------------------------------------------------------------------------

AGA = date(2026, 3, 31)


def test_milestone_achieved_when_done_on_or_before_as_of():
    i = ind("milestone", Measurement(date=AGA, done=True), due=AGA, label="AGA")
    assert prog(i, AGA).status == "achieved"
    assert prog(i, AGA - dt.timedelta(days=1)).status == "at_risk"


def test_milestone_late_after_its_due_date():
    i = ind("milestone", Measurement(date=date(2026, 3, 1), done=False), due=AGA)
    assert prog(i, AGA).status == "at_risk"
    late = prog(i, AGA + dt.timedelta(days=1), ctx=YEAR)
    assert late.status == "late" and late.reason == "due 2026-03-31 passed, not done"


def test_milestone_at_risk_within_30_days():
    i = ind("milestone", due=AGA)
    assert prog(i, AGA - dt.timedelta(days=30), ctx=YEAR).status == "at_risk"
    assert prog(i, AGA - dt.timedelta(days=31), ctx=YEAR).status == "on_track"


def test_milestone_not_started_before_its_schedule():
    i = ind("milestone", due=date(2026, 12, 15))
    assert prog(i, date(2025, 10, 1), ctx=YEAR).status == "not_started"
    assert prog(i, date(2026, 1, 1), ctx=YEAR).status == "on_track"


def test_milestone_without_due_is_due_at_the_schedule_end():
    i = ind("milestone")
    assert prog(i, date(2026, 3, 31), ctx=YEAR, schedule=parse_schedule("31 mars 2026")).status == "at_risk"
    assert prog(i, date(2026, 4, 1), ctx=YEAR, schedule=parse_schedule("31 mars 2026")).status == "late"


def test_milestone_done_given_as_a_value():
    assert prog(ind("milestone", m(day(2), 1), due=day(40)), day(3)).status == "achieved"
    assert prog(ind("milestone", m(day(2), 0), due=day(40)), day(3)).status == "on_track"


# -- deliverable -------------------------------------------------------------------------------


def test_deliverable_done_is_achieved():
    i = ind("deliverable", Measurement(date=day(20), done=True), label="Fiche synthèse réalisée")
    assert prog(i, day(20)).status == "achieved"
    assert prog(i, day(200)).status == "achieved"


def test_deliverable_latest_word_stands():
    i = ind("deliverable", Measurement(date=day(20), done=True), Measurement(date=day(30), done=False),
            label="Nouveau site à jour et accessible")
    assert prog(i, day(29)).status == "achieved"
    assert prog(i, day(30)).status == "on_track"


def test_deliverable_judged_by_its_schedule():
    i = ind("deliverable")
    assert prog(i, date(2025, 12, 31)).status == "not_started"
    assert prog(i, day(49)).status == "on_track"
    assert prog(i, day(50)).status == "at_risk"  # expected 0.5 reached
    assert prog(i, day(100)).status == "at_risk"
    assert prog(i, day(101)).status == "late"
    assert prog(i, day(50), ctx=None).status == "not_started"


# -- coverage ----------------------------------------------------------------------------------


def test_coverage_counts_target_territories_covered():
    i = ind("coverage",
            Measurement(date=day(1), territories=(BS, HSL)),
            Measurement(date=day(2), territory=ROU),
            Measurement(date=day(3), territories=(BS, "mrc:les-maskoutains")),
            target_territories=MRC, label="Participation des 5 territoires de MRC")
    p = prog(i, day(50))
    assert (p.value, p.target, p.fraction) == (D(3), D(5), D("0.6"))
    assert p.status == "on_track" and "missing: " + JN in p.reason
    assert p.by_territory[BS].value == 1 and p.by_territory[JN].value == 0
    assert p.by_territory["mrc:les-maskoutains"].target is None
    assert list(p.by_territory)[:5] == list(MRC)


def test_coverage_achieved_when_all_covered():
    i = ind("coverage", Measurement(date=day(1), territories=MRC), target_territories=MRC)
    assert prog(i, day(2)).status == "achieved"
    assert prog(ind("coverage", Measurement(date=day(1), territories=MRC[:4]), target_territories=MRC),
                day(101)).status == "late"


def test_coverage_nothing_recorded():
    p = prog(ind("coverage", target_territories=MRC), date(2025, 6, 1))
    assert (p.status, p.value, p.fraction) == ("not_started", None, 0)


# -- qualitative -------------------------------------------------------------------------------


def q(when, level, **fields):
    return Measurement(date=when, level=level, **fields)


def test_qualitative_latest_level_and_default_goal_is_the_second_highest():
    i = ind("qualitative", q(day(1), "excellent"), q(day(2), "partiel"), label="Qualité des collaborations")
    p = prog(i, day(3))
    assert (p.level, p.status, p.fraction, p.value) == ("partiel", "on_track", None, None)
    assert prog(ind("qualitative", q(day(1), "satisfaisant")), day(3)).status == "achieved"
    assert prog(ind("qualitative", q(day(1), "insuffisant")), day(3)).status == "at_risk"


def test_qualitative_target_level():
    i = ind("qualitative", q(day(1), "satisfaisant"), target_level="excellent")
    assert prog(i, day(2)).status == "on_track"
    j = ind("qualitative", q(day(1), "partiel"), target_level="partiel")
    assert prog(j, day(2)).status == "achieved"


def test_qualitative_custom_scale():
    scale = ("faible", "moyen", "fort")
    assert prog(ind("qualitative", q(day(1), "moyen"), scale=scale), day(2)).status == "achieved"
    assert prog(ind("qualitative", q(day(1), "faible"), scale=scale), day(2)).status == "at_risk"


def test_qualitative_without_measurement_follows_the_schedule_and_ignores_unknown_levels():
    i = ind("qualitative", q(day(1), "génial"))
    assert prog(i, date(2025, 12, 1)).status == "not_started"
    p = prog(i, day(10))
    assert p.status == "on_track" and p.level is None
    assert prog(i, day(26)).status == "at_risk"
    assert prog(i, day(101)).status == "late"


def test_qualitative_by_territory():
    i = ind("qualitative", q(day(1), "partiel", territory=BS), q(day(2), "excellent", territory=ROU),
            q(day(3), "satisfaisant", territory=BS))
    p = prog(i, day(5))
    assert p.by_territory[BS].level == "satisfaisant" and p.by_territory[ROU].level == "excellent"
    assert p.level == "satisfaisant"


# -- disaggregation by territory ---------------------------------------------------------------


def test_count_by_territory_with_targets_per_mrc():
    targets = tuple(Target(D(2), territory=t) for t in MRC)
    i = ind("count", m(day(1), 2, territory=BS), m(day(2), 1, territory=ROU), m(day(3), 1, territory=ROU),
            targets=targets, label="2 rencontres par territoire")
    p = prog(i, day(50))
    assert p.target == D(10) and p.value == D(4)  # the whole target adds the territories' ones
    assert list(p.by_territory) == [BS, ROU, HSL, JN, VS]
    assert p.by_territory[BS].fraction == 1 and p.by_territory[ROU].value == D(2)
    assert p.by_territory[VS].value is None and p.by_territory[VS].fraction == 0


def test_breakdowns_do_not_add_to_a_whole_measurement():
    i = ind("count", m(day(1), 10), m(day(1), 4, territory=BS), m(day(1), 6, territory=ROU), target=D(20))
    p = prog(i, day(2))
    assert p.value == D(10) and p.by_territory[BS].value == D(4)
    dims = ind("count", m(day(1), 3, territory=BS), m(day(1), 1, territory=BS, dimensions={"age": "jeunes"}),
               target=D(20))
    assert prog(dims, day(2)).value == D(3)


def test_latest_per_territory_when_not_cumulative():
    i = ind("tracked", m(day(1), 5, territory=BS), m(day(2), 7, territory=ROU), m(day(3), 2, territory=BS),
            cumulative=False)
    p = prog(i, day(4))
    assert p.value == D(9) and p.by_territory[BS].value == D(2)


# -- rollups -----------------------------------------------------------------------------------


def fake(status: str, fraction=None, kind="count", level=None) -> IndicatorProgress:
    return IndicatorProgress(ind(kind), status, fraction=None if fraction is None else D(fraction), level=level)


@pytest.mark.parametrize(("statuses", "expected"), [
    (("achieved", "late", "at_risk"), "late"),
    (("achieved", "at_risk", "on_track"), "at_risk"),
    (("achieved", "achieved"), "achieved"),
    (("not_started", "not_started"), "not_started"),
    (("achieved", "not_started"), "on_track"),
    (("on_track", "achieved"), "on_track"),
    ((), "not_started"),
])
def test_rollup_status(statuses, expected):
    assert rollup([fake(s) for s in statuses]).status == expected


def test_rollup_fraction_is_a_flat_mean_over_quantitative_indicators():
    items = [fake("achieved", "1"), fake("on_track", "0"), fake("on_track", "0"), fake("on_track", "0"),
             fake("on_track", kind="tracked"), fake("achieved", kind="qualitative", level="excellent")]
    r = rollup(items)
    assert r.fraction == D("0.25")
    assert rollup([fake("on_track", kind="tracked")]).fraction is None
    assert rollup([]).fraction is None


def test_rollup_counts_levels_and_late():
    items = [fake("late", "0.2"), fake("at_risk", "0.1"), fake("achieved", kind="qualitative", level="excellent"),
             fake("on_track", kind="qualitative", level="partiel"), fake("at_risk", kind="qualitative",
                                                                        level="insuffisant"),
             fake("on_track", kind="qualitative", level="partiel")]
    r = rollup(items)
    assert r.counts == {"not_started": 0, "on_track": 2, "at_risk": 2, "late": 1, "achieved": 1}
    assert list(r.counts) == list(STATUSES)
    assert r.levels == {"insuffisant": 1, "partiel": 2, "excellent": 1}
    assert list(r.levels) == ["insuffisant", "partiel", "excellent"]
    assert r.late == (items[0], items[1], items[4])


def small_plan(**plan_fields) -> ActionPlan:
    a1 = Action(id="a1", title="Tenir les rencontres", schedule=parse_schedule("2026"), indicators=(
        ind("count", m(date(2026, 2, 1), 4), id="rencontres", target=D(4), label="4 rencontres"),
    ))
    a2 = Action(id="a2", title="Publier", indicators=(
        ind("count", id="infolettres", target=D(10), label="Publication de 10 Infolettres"),
        ind("count", id="formations", target=D(5), label="5 formations offertes"),
        ind("count", id="projets", target=D(5), label="Projets"),
        ind("qualitative", q(date(2026, 3, 1), "partiel"), id="pertinence", label="Pertinence pour les partenaires"),
    ))
    a3 = Action(id="a3", title="Assemblée", indicators=(
        ind("milestone", id="aga", due=date(2026, 3, 31), label="AGA"),
    ))
    theme = Theme(id="vie-associative", title="Vie associative", objectives=(
        Objective(id="o1", title="Mobiliser", actions=(a1, a2)),
        Objective(id="o2", title="Gouverner", actions=(a3, Action(id="a4", title="Sans indicateur"))),
    ))
    return ActionPlan(id="plan", title="Plan d'action 2026", period=Period(date(2026, 1, 1), date(2026, 12, 31)),
                      themes=(theme,), **plan_fields)


def test_plan_progress_rolls_up_every_level():
    p = plan_progress(small_plan(), date(2026, 4, 15))
    assert p.ctx == YEAR and p.as_of == date(2026, 4, 15)
    theme = p.themes[0]
    o1, o2 = theme.objectives
    a1, a2 = o1.actions
    assert a1.rollup.status == "achieved" and a1.indicators[0].bounds == YEAR.period
    assert a2.rollup.status == "at_risk"  # day 105 of 365: expected 0.29 > 0 + 0.15
    assert o1.rollup.fraction == D("0.25")  # (1 + 0 + 0 + 0) / 4, not (1 + 0) / 2
    assert o1.rollup.levels == {"partiel": 1}
    assert o2.rollup.status == "late" and o2.actions[1].rollup.status == "not_started"
    assert p.rollup.status == theme.rollup.status == "late"
    assert p.rollup.counts == {"not_started": 0, "on_track": 1, "at_risk": 3, "late": 1, "achieved": 1}
    assert [x.indicator.id for x in p.rollup.late] == ["infolettres", "formations", "projets", "aga"]
    assert p.indicator("aga").reason == "due 2026-03-31 passed, not done"


def test_schedule_context_follows_the_plan():
    plan = small_plan(fiscal_years=True)
    ctx = schedule_context(plan)
    assert (ctx.start, ctx.end, ctx.fiscal_years) == (date(2026, 1, 1), date(2026, 12, 31), True)
    assert plan_progress(plan, date(2026, 4, 15)).ctx == ctx


def test_plan_progress_accepts_another_context():
    ctx = ScheduleContext(date(2026, 1, 1), date(2026, 3, 1))
    p = plan_progress(small_plan(), date(2026, 4, 15), ctx=ctx)
    assert p.indicator("formations").status == "late"  # a2 is unscheduled: judged on ctx's period


# -- properties --------------------------------------------------------------------------------

decimals = st.decimals(min_value=0, max_value=1000, places=2, allow_nan=False, allow_infinity=False)
dates = st.dates(min_value=date(2025, 6, 1), max_value=date(2027, 6, 1))
KINDS = ("count", "tracked", "rate", "milestone", "deliverable", "coverage", "minimum", "qualitative")


@st.composite
def measurements(draw, kind: str):
    when = draw(dates)
    territory = draw(st.none() | st.sampled_from(MRC))
    if kind == "rate":
        den = draw(st.integers(min_value=1, max_value=500))
        if draw(st.booleans()):
            return Measurement(date=when, numerator=D(draw(st.integers(0, den))), denominator=D(den),
                               territory=territory)
        return Measurement(date=when, value=draw(decimals), territory=territory)
    if kind in ("milestone", "deliverable"):
        return Measurement(date=when, done=draw(st.booleans()), territory=territory)
    if kind == "coverage":
        return Measurement(date=when, territories=tuple(draw(st.lists(st.sampled_from(MRC), max_size=3))),
                           territory=territory)
    if kind == "qualitative":
        return Measurement(date=when, level=draw(st.sampled_from(("insuffisant", "partiel", "satisfaisant",
                                                                  "excellent", "inconnu"))), territory=territory)
    return Measurement(date=when, value=draw(decimals), territory=territory)


@st.composite
def indicators(draw, kinds=KINDS):
    kind = draw(st.sampled_from(kinds))
    fields = {}
    if kind in ("count", "minimum", "rate"):
        fields["target"] = draw(st.none() | decimals)
        fields["targets"] = tuple(Target(draw(decimals), territory=t)
                                  for t in draw(st.lists(st.sampled_from(MRC), unique=True, max_size=3)))
    if kind in ("count", "rate"):
        fields["direction"] = draw(st.sampled_from(("increase", "decrease")))
        fields["baseline"] = draw(st.none() | decimals)
    if kind == "milestone":
        fields["due"] = draw(st.none() | dates)
    if kind == "coverage":
        fields["target_territories"] = tuple(draw(st.lists(st.sampled_from(MRC), unique=True, max_size=5)))
    if kind == "qualitative":
        fields["target_level"] = draw(st.none() | st.sampled_from(("partiel", "excellent")))
    fields["unit"] = draw(st.sampled_from((None, "%")))
    fields["cumulative"] = draw(st.booleans())
    ms = tuple(draw(st.lists(measurements(kind), max_size=6)))
    return ind(kind, *ms, **fields)


contexts = st.sampled_from((None, YEAR, HUNDRED))
schedules = st.sampled_from((None, "2026", "Hiver 2026", "31 mars 2026", "2025-2026", "En continu"))


def progress_of(indicator, as_of, ctx, schedule):
    if ctx is None:
        schedule = None
    return prog(indicator, as_of, ctx=ctx, schedule=parse_schedule(schedule) if schedule else None)


def _fractions(p: IndicatorProgress):
    yield p.fraction
    yield p.expected
    for t in p.by_territory.values():
        yield t.fraction


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(indicators(), dates, contexts, schedules)
def test_property_fractions_in_0_1_and_status_known(indicator, as_of, ctx, schedule):
    p = progress_of(indicator, as_of, ctx, schedule)
    assert p.status in STATUSES
    for fraction in _fractions(p):
        assert fraction is None or (isinstance(fraction, Decimal) and 0 <= fraction <= 1)
    for value in (p.value, p.target):
        assert value is None or isinstance(value, Decimal)


@settings(max_examples=300, suppress_health_check=[HealthCheck.too_slow])
@given(indicators(), dates, contexts, schedules, st.data())
def test_property_later_measurements_change_nothing(indicator, as_of, ctx, schedule, data):
    later = data.draw(st.lists(measurements(indicator.kind).map(
        lambda x: attrs.evolve(x, date=as_of + dt.timedelta(days=1 + (x.date - date(2025, 6, 1)).days))
    ), min_size=1, max_size=3))
    before = progress_of(indicator, as_of, ctx, schedule)
    after = progress_of(attrs.evolve(indicator, measurements=indicator.measurements + tuple(later)),
                        as_of, ctx, schedule)
    assert attrs.evolve(after, indicator=indicator) == before


@given(st.lists(st.tuples(st.integers(0, 1000), st.integers(1, 1000)).map(lambda t: (min(t), max(t[1], 1))),
                min_size=1, max_size=8),
       st.lists(st.sampled_from((None, *MRC)), min_size=8, max_size=8), st.sampled_from((None, "%")))
def test_property_rate_is_sum_of_numerators_over_sum_of_denominators(pairs, territories, unit):
    everywhere = all(t is not None for t in territories[:len(pairs)]) or all(
        t is None for t in territories[:len(pairs)])
    ms = tuple(rate(day(k + 1), n, d, territory=territories[k] if everywhere else None)
               for k, (n, d) in enumerate(pairs))
    p = prog(ind("rate", *ms, unit=unit), day(50))
    num = sum(D(n) for n, _ in pairs) * (100 if unit == "%" else 1)
    assert p.value == num / sum(D(d) for _, d in pairs)
    for territory, tp in p.by_territory.items():
        mine = [(n, d) for k, (n, d) in enumerate(pairs) if territories[k] == territory]
        assert tp.value == sum(D(n) for n, _ in mine) * (100 if unit == "%" else 1) / sum(D(d) for _, d in mine)


@given(st.lists(st.sampled_from(STATUSES), max_size=10), st.integers(1, 10))
def test_property_rollup_of_all_achieved_is_achieved(others, n):
    items = [fake("achieved", "1")] * n
    assert rollup(items).status == "achieved"
    assert rollup(items).fraction == 1
    mixed = rollup(items + [fake(s) for s in others])
    assert (mixed.status == "achieved") == all(s == "achieved" for s in others)
    assert sum(mixed.counts.values()) == n + len(others)


@settings(max_examples=100, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(indicators(("count", "minimum", "coverage", "rate")), min_size=1, max_size=4))
def test_property_plan_rollup_of_achieved_indicators_is_achieved(items):
    achieved = [p for p in (prog(i, day(50)) for i in items) if p.status == "achieved"]
    if achieved:
        assert rollup(achieved).status == "achieved"


# -- smaller documented rules --------------------------------------------------------------------


def test_doc_example_five_trainings():
    i = ind("count", m(date(2026, 3, 1), 2), target=D(5), label="5 formations offertes")
    s2026 = parse_schedule("2026")
    assert prog(i, date(2026, 7, 1), ctx=YEAR, schedule=s2026).status == "on_track"
    one = ind("count", m(date(2026, 3, 1), 1), target=D(5))
    assert prog(one, date(2026, 7, 1), ctx=YEAR, schedule=s2026).status == "at_risk"
    four = ind("count", m(date(2026, 3, 1), 4), target=D(5))
    assert prog(four, date(2027, 1, 1), ctx=YEAR, schedule=s2026).status == "late"


def test_whole_target_from_a_target_without_territory_or_period():
    i = ind("count", m(day(1), 2), targets=(Target(D(4)), Target(D(9), period="2027")))
    assert prog(i, day(2)).target == D(4)


def test_zero_target_and_zero_denominator():
    assert prog(ind("count", target=D(0)), day(2)).fraction == 0  # nothing recorded: nothing credited
    assert prog(ind("count", m(day(1), 0), target=D(0)), day(2)).status == "achieved"
    p = prog(ind("rate", rate(day(1), 0, 0), target=D("0.5")), day(2))
    assert p.value is None and p.status == "on_track"


def test_deliverable_by_territory_and_done_as_value():
    i = ind("deliverable", m(day(1), 1, territory=BS), m(day(2), 0, territory=ROU))
    p = prog(i, day(3))
    assert p.by_territory[BS].value == 1 and p.by_territory[ROU].value == 0
    assert p.status == "on_track"  # the latest word (0, not done) stands


# -- targets that repeat every year (« 1 rencontre par année ») -----------------------------------

ALLIANCE = ScheduleContext(date(2019, 4, 1), date(2023, 3, 31), fiscal_years=True)


def test_a_per_year_target_counts_once_for_each_fiscal_year_of_the_period():
    meetings = ind("count", m(date(2019, 10, 1), 1), m(date(2020, 10, 1), 1), target=D(1), per="year")
    result = prog(meetings, date(2021, 3, 31), ctx=ALLIANCE, schedule=parse_schedule("En continu"))
    assert result.target == D(4) and result.fraction == D("0.5")
    assert result.status == "on_track"  # two years of four have passed, two meetings held
    without_per = prog(attrs.evolve(meetings, per=None), date(2021, 3, 31), ctx=ALLIANCE,
                       schedule=parse_schedule("En continu"))
    assert without_per.target == D(1) and without_per.status == "achieved"


def test_a_per_year_target_in_a_one_year_plan_is_the_target():
    meetings = ind("count", m(day(10), 1), target=D(1), per="année")
    assert prog(meetings, day(20), ctx=YEAR, schedule=parse_schedule("2026")).target == D(1)


def test_calendar_years_for_a_plan_without_fiscal_years():
    spans = ScheduleContext(date(2025, 1, 1), date(2026, 12, 31))
    minimum = ind("minimum", m(date(2025, 6, 1), 1), target=D(1), per="year")
    result = prog(minimum, date(2025, 12, 31), ctx=spans, schedule=parse_schedule("2025-2026"))
    assert result.target == D(2) and result.status != "achieved"


def test_plan_progress_judges_each_indicator_as_indicator_progress_does():
    """plan_progress reads each distinct schedule once for all the actions sharing it (and their indicators):
    every indicator's result is still the one indicator_progress gives it alone."""
    from pathlib import Path

    from actionplan.cli.common import load_plan_with_tracking
    from actionplan.progress import schedule_context

    examples = Path(__file__).resolve().parent.parent / "examples"
    plan = load_plan_with_tracking(examples / "concertation-horizon-2026.yaml",
                                   [examples / "concertation-horizon-2026-suivi.yaml"])
    as_of = dt.date(2026, 10, 1)
    ctx = schedule_context(plan)
    found = {p.indicator.id: p for p in plan_progress(plan, as_of).iter_indicators()}
    shared: dict[str, dict[str, int]] = {}
    for _theme, _objective, action, indicator in plan.iter_indicators():
        alone = indicator_progress(indicator, as_of, schedule=action.schedule, ctx=ctx, reporting=plan.reporting)
        assert found[indicator.id] == alone, indicator.id
        if action.schedule is not None:
            shared.setdefault(action.schedule.text, {})[action.id] = id(action.schedule)
    # « 2026 » is the schedule of 30 actions, one parsed schedule: what plan_progress reads once
    assert len(shared["2026"]) == 30 and len(set(shared["2026"].values())) == 1
