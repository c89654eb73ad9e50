"""What progress needs from a plan's measurements, without loading them all: :class:`ProgressFacts`.

Progress reads a measurement through a few of its fields only: its date, where it applies
(territory, dimensions, period), the shape of its value (which fields are set; the level, the
« done », the territories covered) and its numbers, which it adds up (a cumulative count, the
numerators and denominators of a rate) or takes the latest of. Measurements of one indicator
that agree on all of that but their numbers form a **group** (:class:`FactGroup`): the group
keeps how many they are, the sums of their numbers and the last one recorded, whole. Two
measurements stand for a group in progress — the sums of the others, then the last one — and
give exactly the progress, the statuses, the latest dates and the territories that all of them
give (``docs/storage.md``, "Regional scale"). Rates given as bare values are averaged, so each
of those is a group of its own.

A plan with a million measurements has a few thousand groups: the SQL stores keep them in a
table updated in the transaction that records (or approves) a measurement, and answer
:meth:`actionplan.storage.Store.progress_facts` from it; the base class computes the same from
the measurements themselves (:func:`group_measurements`), so every store has it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal

import attrs
import orjson

from ..model.indicators import Measurement
from ..model.plan import ActionPlan
from ..model.tracking import with_measurements


@attrs.frozen
class Totals:
    """How many measurements, and the sums of their values, numerators and denominators (``None``: none set)."""

    count: int = 0
    value: Decimal | None = None
    numerator: Decimal | None = None
    denominator: Decimal | None = None


@attrs.frozen
class FactGroup:
    """Measurements of one indicator, on one day, alike for progress but for their numbers.

    ``key`` names what they share (:func:`fact_key`); ``last`` is the one recorded last, whole;
    ``last_seq`` orders groups as their last measurements were recorded.
    """

    indicator: str
    date: dt.date
    key: str
    totals: Totals
    last: Measurement
    last_seq: int

    def measurements(self) -> list[Measurement]:
        """The one or two measurements standing for the group in progress: the others' sums, then the last."""
        if self.totals.count == 1:
            return [self.last]
        rest = attrs.evolve(self.last, value=_minus(self.totals.value, self.last.value),
                            numerator=_minus(self.totals.numerator, self.last.numerator),
                            denominator=_minus(self.totals.denominator, self.last.denominator),
                            note=None, evidence=None, recorded_by=None, id=None)
        return [rest, self.last]


@attrs.frozen
class ProgressFacts:
    """What progress needs of a plan's counted measurements (dated on or before ``as_of``, if given).

    ``plan`` is the plan with two measurements at most per group attached (:meth:`FactGroup.measurements`):
    :func:`actionplan.progress.plan_progress` and the reports give on it what they give on the plan
    with every measurement. ``counted``, ``submitted`` and ``returned`` count the plan's updates in
    each state (approved ones are counted; whatever their date).
    """

    plan: ActionPlan
    groups: tuple[FactGroup, ...]
    as_of: dt.date | None = None
    counted: int = 0
    submitted: int = 0
    returned: int = 0

    def latest(self, indicator: str, territory: str | None = None) -> Measurement | None:
        """The measurement of ``indicator`` (in ``territory``, if given) recorded last on its latest day."""
        found = [g for g in self.groups if g.indicator == indicator
                 and (territory is None or g.last.territory == territory)]
        return max(found, key=lambda g: (g.date, g.last_seq)).last if found else None

    def totals(self, indicator: str, *, start: dt.date | None = None, end: dt.date | None = None,
               territory: str | None = None) -> Totals:
        """Count and sums of ``indicator``'s measurements dated from ``start`` to ``end`` (inclusive)."""
        found = [g.totals for g in self.groups if g.indicator == indicator
                 and (start is None or g.date >= start) and (end is None or g.date <= end)
                 and (territory is None or g.last.territory == territory)]
        return Totals(sum(t.count for t in found), *(_sum(getattr(t, name) for t in found)
                                                      for name in ("value", "numerator", "denominator")))


def indicator_kinds(plan: ActionPlan) -> dict[str, str]:
    """Indicator id → kind."""
    return {indicator.id: indicator.kind for *_, indicator in plan.iter_indicators()}


def rate_kinds_changed(old_data: Mapping | None, plan: ActionPlan) -> bool:
    """Whether an indicator became a rate or stopped being one between a plan's stored data and ``plan``
    (bare rate values are grouped apart: the groups must then be computed again)."""
    if not isinstance(old_data, Mapping):
        return False
    before = {i.get("id") for theme in old_data.get("themes", ()) for objective in theme.get("objectives", ())
              for action in objective.get("actions", ()) for i in action.get("indicators", ())
              if i.get("kind") == "rate"}
    now = {indicator.id for *_, indicator in plan.iter_indicators() if indicator.kind == "rate"}
    return before != now


def fact_key(measurement: Measurement, kind: str | None, seq: int) -> str:
    """What a measurement shares with those it may be grouped with (its date and indicator aside)."""
    if kind == "rate" and (measurement.numerator is None or measurement.denominator is None):
        return f"seq:{seq}"  # bare rate values are averaged: how many there are matters, each stays alone
    m = measurement
    return orjson.dumps([m.territory, sorted(m.dimensions.items()), m.period, m.level, m.done, list(m.territories),
                         m.value is not None, m.numerator is not None, m.denominator is not None]).decode()


def group_measurements(kinds: Mapping[str, str], records: Iterable[tuple[int, Measurement]]) -> list[FactGroup]:
    """Group ``(seq, measurement)`` records (in recording order), in the order of their last members."""
    found: dict[tuple[str, dt.date, str], list] = {}
    for seq, m in records:
        indicator = m.indicator or ""
        key = (indicator, m.date, fact_key(m, kinds.get(indicator), seq))
        acc = found.get(key)
        if acc is None:
            found[key] = [1, m.value, m.numerator, m.denominator, m, seq]
            continue
        acc[0] += 1
        acc[1], acc[2], acc[3] = _add(acc[1], m.value), _add(acc[2], m.numerator), _add(acc[3], m.denominator)
        if seq > acc[5]:
            acc[4], acc[5] = m, seq
    groups = [FactGroup(key[0], key[1], key[2], Totals(count, value, numerator, denominator), last, seq)
              for key, (count, value, numerator, denominator, last, seq) in found.items()]
    return sorted(groups, key=lambda g: g.last_seq)


def merge_groups(a: FactGroup, b: FactGroup) -> FactGroup:
    """Two parts of one group as one: counts and sums added, the later last member kept."""
    totals = Totals(a.totals.count + b.totals.count, _add(a.totals.value, b.totals.value),
                    _add(a.totals.numerator, b.totals.numerator), _add(a.totals.denominator, b.totals.denominator))
    later = b if b.last_seq > a.last_seq else a
    return attrs.evolve(later, totals=totals)


def facts_for(plan: ActionPlan, groups: Iterable[FactGroup], *, as_of: dt.date | None = None, counted: int = 0,
              submitted: int = 0, returned: int = 0) -> ProgressFacts:
    """The facts of ``plan`` from its groups (those dated after ``as_of`` left out), in recording order."""
    present = {indicator.id for *_, indicator in plan.iter_indicators()}  # not those of removed indicators
    kept = tuple(sorted((g for g in groups if (as_of is None or g.date <= as_of) and g.indicator in present),
                        key=lambda g: g.last_seq))
    standing = with_measurements(plan, [m for g in kept for m in g.measurements()])
    return ProgressFacts(standing, kept, as_of, counted, submitted, returned)


def _add(a: Decimal | None, b: Decimal | None) -> Decimal | None:
    if a is None:
        return b
    return a if b is None else a + b


def _minus(total: Decimal | None, last: Decimal | None) -> Decimal | None:
    if total is None:
        return None
    return total - last if last is not None else total


def _sum(values: Iterable[Decimal | None]) -> Decimal | None:
    result: Decimal | None = None
    for value in values:
        result = _add(result, value)
    return result


__all__ = ["FactGroup", "ProgressFacts", "Totals", "facts_for", "fact_key", "group_measurements",
           "indicator_kinds", "merge_groups", "rate_kinds_changed"]
