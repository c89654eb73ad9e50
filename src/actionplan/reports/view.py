"""What every report shows, computed once from a plan and its progress.

Formats differ in layout, not in content: the target of « 4 rencontres », the latest value
of a rate, why an indicator is late, who the partners of an action are. :class:`PlanView`
answers those questions in the report's language so that the HTML dashboard, Markdown,
CSV, XLSX and DOCX say the same thing. Lookups are dictionaries built once, so a view of
a plan ten times larger costs ten times as much.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

import attrs

from ..checks import plan_gazetteer
from ..model import DEFAULT_SCALE, Action, ActionPlan, Indicator, Measurement
from ..progress import (
    ActionProgress,
    IndicatorProgress,
    ObjectiveProgress,
    PlanProgress,
    ThemeProgress,
    schedule_context,
)
from ..territories import default_gazetteer
from .labels import STATUS_KEYS, Localizer

_HUNDRED = Decimal(100)


@attrs.frozen
class PendingRow:
    """An update waiting for review, as a report lists it apart: it does not count yet."""

    id: str
    indicator: Indicator
    action: Action
    value: str
    date: str
    by: str
    note: str


@attrs.frozen
class IndicatorRow:
    """One indicator with where it sits in the plan: the unit of CSV and spreadsheet rows."""

    theme: ThemeProgress
    objective: ObjectiveProgress
    action: ActionProgress
    progress: IndicatorProgress

    @property
    def indicator(self) -> Indicator:
        return self.progress.indicator


class PlanView:
    """A plan, its progress at a date and a :class:`Localizer`, ready to be laid out."""

    def __init__(self, plan: ActionPlan, progress: PlanProgress, loc: Localizer):
        self.plan = plan
        self.progress = progress
        self.loc = loc
        self.schedule_ctx = progress.ctx or schedule_context(plan)
        self.organisations = {o.id: o for o in plan.organisations}
        self.places = _gazetteer(plan)

    # -- structure ----------------------------------------------------------------------
    def rows(self) -> Iterator[IndicatorRow]:
        for theme in self.progress.themes:
            for objective in theme.objectives:
                for action in objective.actions:
                    for indicator in action.indicators:
                        yield IndicatorRow(theme, objective, action, indicator)

    def attention(self) -> list[IndicatorRow]:
        """Indicators late or at risk, late first, in plan order within each status."""
        rows = [row for row in self.rows() if row.progress.status in ("late", "at_risk")]
        return sorted(rows, key=lambda row: row.progress.status != "late")

    def pending_rows(self, pending: Iterable[Any]) -> list[PendingRow]:
        """The updates waiting for review (a store's ``Update`` records, or a tracking log's submitted
        measurements) of this plan's indicators, in order."""
        where = {i.id: (i, a) for _, _, a, i in self.plan.iter_indicators()}
        names = self.territory_name
        rows = []
        for update in pending:
            m = update if isinstance(update, Measurement) else update.measurement
            if m.indicator not in where:
                continue
            indicator, action = where[m.indicator]
            rows.append(PendingRow(m.id or "", indicator, action, measurement_text(indicator, m, self.loc, names),
                                   self.loc.date(m.date), m.recorded_by or "", m.note or ""))
        return rows

    def manual_text(self, manual) -> str:
        """A status set by hand, in words: « Fixé à la main : Reporté — « raison » — Coordination, 2 avril 2026 »."""
        if manual is None:
            return ""
        return (self.loc.pair(self.loc("manual.label"), self.loc.status(manual.status)) + " — "
                + self.loc("manual.by", reason=manual.reason, author=manual.author, date=self.loc.date(manual.date)))

    def status_text(self, item) -> str:
        """The computed status of an indicator's or action's progress, and the one set by hand next to it."""
        status = item.status if isinstance(item, IndicatorProgress) else item.rollup.status
        if item.manual is None:
            return self.loc.status(status)
        return f"{self.loc.status(status)} · {self.manual_text(item.manual)}"

    def status_counts(self, rollup) -> list[tuple[str, int]]:
        """(status, count) in display order, zero counts included."""
        return [(status, rollup.counts.get(status, 0)) for status in STATUS_KEYS]

    def status_summary(self, rollup) -> str:
        """« 5 Atteint, 3 En bonne voie »: the non-zero counts, for screen readers."""
        parts = [f"{self.loc.number(n)} {self.loc.status(s)}" for s, n in self.status_counts(rollup) if n]
        return ", ".join(parts) or self.loc("summary.no_indicator")

    def scale(self, indicator: Indicator) -> tuple[str, ...]:
        """The levels of a qualitative indicator, lowest first (the built-in scale by default)."""
        return tuple(indicator.scale or DEFAULT_SCALE)

    # -- names ----------------------------------------------------------------------------
    def organisation_name(self, organisation_id: str, *, short: bool = False) -> str:
        organisation = self.organisations.get(organisation_id)
        if organisation is None:
            return organisation_id
        return (organisation.short_name or organisation.name) if short else organisation.name

    def partners(self, action: Action) -> list[tuple[str, str, str]]:
        """(id, name, role label) of each partner of ``action``, in the plan's order."""
        return [(p.organisation, self.organisation_name(p.organisation), self.loc.role(p.role)) for p in action.partners]

    def partners_text(self, action: Action) -> str:
        return ", ".join(f"{name} ({role})" for _, name, role in self.partners(action))

    def territory_name(self, territory_id: str) -> str:
        territory = self.places.get(territory_id)
        return territory.name if territory is not None else territory_id

    def territories(self, action: Action) -> list[str]:
        """Territory ids an action names: its own, its indicators' targets and measurements."""
        found: dict[str, None] = dict.fromkeys(action.territories)
        for indicator in action.indicators:
            found.update(dict.fromkeys(indicator.target_territories))
            for measurement in indicator.measurements:
                found.update(dict.fromkeys(measurement.territories))
                if measurement.territory is not None:
                    found[measurement.territory] = None
        return list(found)

    def territories_text(self, action: Action) -> str:
        return ", ".join(self.territory_name(t) for t in action.territories)

    def territory_keys(self, territory_ids) -> list[str]:
        """The ids and everything containing them: a municipality matches a filter on its MRC."""
        keys: dict[str, None] = {}
        for territory_id in territory_ids:
            keys[territory_id] = None
            if territory_id in self.places:
                keys.update(dict.fromkeys(t.id for t in self.places.ancestors(territory_id)))
        return list(keys)

    # -- indicator texts ------------------------------------------------------------------
    def target_text(self, progress: IndicatorProgress) -> str:
        loc, indicator = self.loc, progress.indicator
        kind = indicator.kind
        if kind == "tracked":
            return loc("value.no_target")
        if kind == "milestone":
            return loc.date(indicator.due)
        if kind == "deliverable":
            return loc("value.to_do")
        if kind == "qualitative":
            return loc("value.level_goal", level=loc.level(_goal_level(indicator)))
        if kind == "coverage":
            count = len(indicator.target_territories)
            return self._territory_count(count) if count else loc("value.no_target")
        target = progress.target if progress.target is not None else indicator.target
        if target is None:
            return loc("value.no_target")
        text = self._rate(target, indicator) if kind == "rate" else loc.quantity(target, indicator.unit)
        if kind == "minimum":
            return loc("value.at_least", value=text)
        if indicator.direction == "decrease":
            return loc("value.at_most", value=text)
        return text

    def value_text(self, progress: IndicatorProgress) -> str:
        loc, indicator = self.loc, progress.indicator
        kind = indicator.kind
        if kind in ("milestone", "deliverable"):
            latest = progress.latest
            if progress.status == "achieved" and latest is not None:
                return loc("value.done_on", date=loc.date(_done_date(progress)))
            return loc("value.not_done") if latest is not None else loc("value.nothing")
        if kind == "qualitative":
            return loc.level(progress.level) if progress.level else loc("value.nothing")
        if progress.value is None:
            return loc("value.nothing")
        if kind == "rate":
            return self._rate(progress.value, indicator)
        if kind == "coverage":
            if progress.target is None:
                return self._territory_count(int(progress.value))
            return loc("value.covered", covered=loc.number(progress.value), total=loc.number(progress.target))
        return loc.quantity(progress.value, indicator.unit)

    def progress_text(self, progress: IndicatorProgress) -> str:
        """The fraction done as a percentage, when the indicator has one."""
        fraction = display_fraction(progress)
        return self.loc.percent(fraction) if fraction is not None else self.loc("value.none")

    def last_measured(self, progress: IndicatorProgress):
        return progress.latest.date if progress.latest is not None else None

    def why(self, progress: IndicatorProgress) -> str:
        """Why an indicator is late or at risk, in words a board member reads."""
        loc, indicator = self.loc, progress.indicator
        bounds, status = progress.bounds, progress.status
        recorded = progress.latest is not None
        if indicator.kind == "milestone":
            due = indicator.due or (bounds.end if bounds else None)
            if status == "late":
                return loc("why.due_passed" if recorded else "why.due_passed_nothing", date=loc.date(due))
            if due is not None and progress.as_of is not None:
                return loc("why.due_soon", date=loc.date(due), days=loc.count((due - progress.as_of).days, "day"))
        if indicator.kind == "qualitative" and status == "at_risk" and progress.level:
            return loc("why.lowest_level", level=loc.level(progress.level))
        if status == "late" and bounds is not None:
            end = loc.date(bounds.end)
            if indicator.kind == "deliverable" and recorded:
                return loc("why.ended_not_done", date=end)
            if not recorded or progress.value is None:
                return loc("why.ended_nothing", date=end)
            if progress.target is not None:
                return loc("why.ended_value", date=end, value=self.value_text(progress),
                           target=self.target_text(progress))
        if status == "at_risk" and progress.expected is not None:
            expected = loc.percent(progress.expected)
            if indicator.kind == "deliverable" and recorded:
                return loc("why.elapsed_not_done", expected=expected)
            if not recorded:
                return loc("why.elapsed_nothing", expected=expected)
            if progress.fraction is not None:
                return loc("why.behind", done=loc.percent(progress.fraction), expected=expected)
        return loc("why.other")

    def _rate(self, value: Decimal, indicator: Indicator) -> str:
        if indicator.unit == "%":
            return self.loc.percent(value / _HUNDRED)
        if indicator.unit is None:
            return self.loc.percent(value)
        return self.loc.quantity(value, indicator.unit)

    def _territory_count(self, count: int) -> str:
        key = "value.territory_one" if count == 1 else "value.territory_many"
        return self.loc(key, count=self.loc.number(count))


def display_fraction(progress: IndicatorProgress) -> Decimal | None:
    """The share done: the computed fraction, or all-or-nothing for milestones and deliverables."""
    if progress.fraction is not None:
        return progress.fraction
    if progress.indicator.kind in ("milestone", "deliverable"):
        return Decimal(1) if progress.status == "achieved" else Decimal(0)
    return None


def theme_fraction(theme: ThemeProgress) -> Decimal | None:
    """Share of a theme's indicators achieved (every kind counts), ``None`` when it has none."""
    total = theme.rollup.total
    return Decimal(theme.rollup.counts.get("achieved", 0)) / Decimal(total) if total else None


def _goal_level(indicator: Indicator) -> str:
    scale = indicator.scale or DEFAULT_SCALE
    if indicator.target_level is not None and indicator.target_level in scale:
        return indicator.target_level
    return scale[max(len(scale) - 2, 0)]


def _done_date(progress: IndicatorProgress):
    """Since when a milestone or deliverable is done: the first 'done' after the last 'not done'."""
    since = None
    for measurement in sorted(progress.indicator.measurements, key=lambda m: m.date):
        if progress.as_of is not None and measurement.date > progress.as_of:
            break
        done = measurement.done if measurement.done is not None else (
            measurement.value > 0 if measurement.value is not None else None)
        if done is None:
            continue
        if not done:
            since = None
        elif since is None:
            since = measurement.date
    return since or (progress.latest.date if progress.latest is not None else None)


def _gazetteer(plan: ActionPlan):
    try:
        return plan_gazetteer(plan)
    except ValueError:  # pragma: no cover - a plan with clashing territories does not load
        return default_gazetteer()


def territory_namer(plan: ActionPlan) -> Callable[[str], str]:
    """A territory's name from its id in ``plan``'s gazetteer (the id itself when it does not know it)."""
    places = _gazetteer(plan)

    def name(territory_id: str) -> str:
        return places[territory_id].name if territory_id in places else territory_id

    return name


def measurement_text(indicator: Indicator, m: Measurement, loc: Localizer,
                     names: Callable[[str], str] | None = None) -> str:
    """One measurement's value as a person reads it: « 12 / 20 », « 4 rencontres », « Satisfaisant », « Fait »."""
    if m.numerator is not None and m.denominator is not None:
        return f"{loc.number(m.numerator)} / {loc.number(m.denominator)}"
    if m.value is not None:
        return loc.number(m.value) + (f" {indicator.unit}" if indicator.unit else "")
    if m.level is not None:
        return loc.level(m.level)
    if m.done is not None:
        return loc("value.done") if m.done else loc("value.not_done")
    if m.territories:
        return ", ".join((names or str)(t) for t in m.territories)
    return loc("value.none")


def frozen_text(ctx) -> str:
    """« Chiffres figés : période 2026-T2 clôturée le 2 juillet 2026 par … (version 1). » for a closed period's report."""
    snapshot, loc = ctx.closed, ctx.loc
    return loc("report.frozen", period=snapshot.period, date=loc.date(snapshot.closed_at.date()),
               by=snapshot.closed_by or "—", version=loc.number(snapshot.version))
