"""The bilan's rules: what counts as reached, slipped, moved, unchanged, new, gone (docs/progress.md)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

from actionplan.api import Measurement, PeriodSide, compare_periods, plan_progress, render_bilan, with_measurements
from actionplan.model.schedules import Period
from actionplan.snapshots import change_kind, freeze, thaw
from actionplan.testing import sample_plan

T1, T2 = Period(dt.date(2026, 1, 1), dt.date(2026, 3, 31)), Period(dt.date(2026, 4, 1), dt.date(2026, 6, 30))


def side(plan, label, bounds, measurements=()):
    return PeriodSide(label, bounds, plan_progress(with_measurements(plan, measurements), bounds.end))


def progress_of(status, value=None, fraction=None, level=None):
    indicator = sample_plan().find_indicator("rencontres-tp")
    from actionplan.api import IndicatorProgress

    return IndicatorProgress(indicator, status, value=value, fraction=fraction, level=level)


@pytest.mark.parametrize(("before", "after", "kind"), [
    (("on_track", 1), ("achieved", 4), "reached"),
    (("late", 1), ("achieved", 4), "reached"),
    (("on_track", 1), ("at_risk", 1), "slipped"),
    (("on_track", 2), ("late", 2), "slipped"),
    (("at_risk", 1), ("late", 1), "slipped"),
    (("achieved", 4), ("on_track", 4), "slipped"),
    (("on_track", 1), ("on_track", 2), "moved"),
    (("at_risk", 1), ("at_risk", 2), "moved"),
    (("late", 1), ("at_risk", 2), "moved"),  # better, not reached
    (("on_track", 1), ("on_track", 1), "unchanged"),
    (("achieved", 4), ("achieved", 4), "unchanged"),
])
def test_change_kinds(before, after, kind):
    assert change_kind(progress_of(*before), progress_of(*after)) == kind


def test_new_and_gone_indicators():
    assert change_kind(None, progress_of("on_track")) == "new"
    assert change_kind(progress_of("on_track"), None) == "gone"


def test_the_bilan_follows_the_later_plan_and_keeps_what_left_at_the_end():
    plan = sample_plan()
    themes = plan.themes
    extra = attrs.evolve(themes[0].objectives[0].actions[0].indicators[0], id="nouvel-indicateur", label="Nouveau")
    action = themes[0].objectives[0].actions[0]
    later = attrs.evolve(plan, themes=(attrs.evolve(themes[0], objectives=(attrs.evolve(
        themes[0].objectives[0], actions=(attrs.evolve(action, indicators=(*action.indicators[1:], extra)),
                                          *themes[0].objectives[0].actions[1:])), *themes[0].objectives[1:])),
        *themes[1:]))
    gone_id = action.indicators[0].id
    one = Measurement(date=dt.date(2026, 2, 1), value=Decimal(1), indicator=gone_id)
    bilan = compare_periods(side(plan, "2026-T1", T1, [one]), side(later, "2026-T2", T2))
    kinds = {c.indicator.id: c.kind for t in bilan.themes for c in t.indicators}
    assert kinds["nouvel-indicateur"] == "new" and kinds[gone_id] == "gone"
    last = [c.indicator.id for c in bilan.themes[0].indicators][-1]
    assert last == gone_id  # an indicator only in the earlier plan comes last
    assert sum(bilan.counts().values()) == len(kinds)


def test_what_moved_in_words_with_french_numbers():
    plan = sample_plan()
    t1 = [Measurement(date=dt.date(2026, 2, 1), value=Decimal(1), indicator="rencontres-tp")]
    t2 = [*t1, Measurement(date=dt.date(2026, 5, 1), value=Decimal(2), indicator="rencontres-tp")]
    bilan = compare_periods(side(plan, "2026-T1", T1, t1), side(plan, "2026-T2", T2, t2))
    change = next(c for c in bilan.themes[0].indicators if c.indicator.id == "rencontres-tp")
    assert change.value_change == 2 and change.relative_change == 2 and change.fraction_change == Decimal("0.5")
    from actionplan.api import BilanView
    from actionplan.reports.labels import localizer

    moved = BilanView(bilan, localizer("fr")).moved_text(change)
    assert moved == "+2\xa0rencontres (+200\xa0%) · +50 points"
    assert BilanView(bilan, localizer("en")).moved_text(change) == "+2\xa0rencontres (+200%) · +50 pts"
    markdown = render_bilan(bilan, "bilan-markdown").decode()
    assert "Bilan de 2026-T1 à 2026-T2" in markdown and "+2\xa0rencontres (+200\xa0%)" in markdown


def test_a_snapshot_thaws_to_the_same_progress_without_its_measurements():
    plan = sample_plan()
    measured = with_measurements(plan, [Measurement(date=dt.date(2026, 2, 1), value=Decimal(3),
                                                    indicator="rencontres-tp")])
    live = plan_progress(measured, T1.end)
    frozen = thaw(freeze(measured, "2026-T1"))
    assert [(p.indicator.id, p.status, p.value, p.fraction, p.expected, p.reason) for p in frozen.iter_indicators()] \
        == [(p.indicator.id, p.status, p.value, p.fraction, p.expected, p.reason) for p in live.iter_indicators()]
    assert frozen.rollup.fraction == live.rollup.fraction and frozen.rollup.counts == live.rollup.counts
    assert all(not i.measurements for *_, i in frozen.plan.iter_indicators())
    with pytest.raises(ValueError, match="newer"):
        thaw({**freeze(measured, "2026-T1"), "format": 99})
