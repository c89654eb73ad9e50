"""Progress of a plan as of a date: per indicator, then rolled up to actions, objectives, themes.

Pure functions over the model: no I/O, no floats (every number is a :class:`~decimal.Decimal`).
The rules are written out, with French examples, in ``docs/progress.md``; in short:

* only measurements dated on or before ``as_of`` count;
* each indicator kind has its own value (a sum, the latest value, a ratio of sums, the
  number of territories covered, a level of a scale, done or not);
* a status among :data:`STATUSES` compares what was done with the share of the schedule
  already elapsed (``expected``);
* rollups never turn qualitative levels into numbers and never average averages.

Entry points: :func:`plan_progress`, :func:`indicator_progress`, :func:`schedule_context`.
"""

from __future__ import annotations

import datetime as dt
import decimal
from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal
from typing import overload

import attrs

from .model.indicators import DEFAULT_SCALE, Indicator, Measurement
from .model.plan import Action, ActionPlan, Objective, Theme
from .model.reporting import DEFAULT_TOLERANCE, Reporting
from .model.review import MANUAL_STATUSES, ManualStatus
from .schedules import Period, Schedule, ScheduleContext
from .schedules.periods import period_of_label

__all__ = [
    "AT_RISK_GRACE", "MANUAL_STATUSES", "MILESTONE_WARNING_DAYS", "ON_TRACK_TOLERANCE", "QUANTITATIVE_KINDS",
    "STATUSES", "ActionProgress", "IndicatorProgress", "ManualStatus", "ObjectiveProgress", "PlanProgress", "Rollup",
    "TerritoryProgress", "ThemeProgress", "expected_fraction", "indicator_progress", "manual_statuses",
    "period_targets", "plan_progress", "rollup", "schedule_context",
]

#: Every status, in the order of display.
STATUSES = ("not_started", "on_track", "at_risk", "late", "achieved")

#: A numeric indicator is on track while its fraction is at least ``expected − ON_TRACK_TOLERANCE``
#: (the default band; a plan's or an indicator's ``reporting.tolerance`` replaces it).
ON_TRACK_TOLERANCE = DEFAULT_TOLERANCE

assert MANUAL_STATUSES[: len(STATUSES)] == STATUSES  # a person may set any computed status, and two more

#: The store event kinds of manual statuses: one sets a status on an indicator or action, the other clears it.
MANUAL_STATUS_EVENT = "manual-status"
MANUAL_STATUS_CLEAR_EVENT = "manual-status-clear"
#: An indicator with nothing recorded is at risk once more than this share of its schedule has elapsed.
AT_RISK_GRACE = Decimal("0.25")
#: An unfinished deliverable is at risk once this share of its schedule has elapsed.
DELIVERABLE_AT_RISK = Decimal("0.5")
#: A milestone not done is at risk this many days (or fewer) before it is due.
MILESTONE_WARNING_DAYS = 30

#: Kinds whose fraction (when they have a numeric target) feeds a rollup's mean fraction.
QUANTITATIVE_KINDS = ("count", "minimum", "rate", "coverage")

_ZERO = Decimal(0)
_ONE = Decimal(1)
_HUNDRED = Decimal(100)
#: One fixed arithmetic context, so results do not depend on the caller's decimal settings.
_CTX = decimal.Context(prec=28, rounding=decimal.ROUND_HALF_EVEN)


# -- results -----------------------------------------------------------------------------------


@attrs.frozen
class TerritoryProgress:
    """One territory's share of an indicator: its value (or rate, or level) and its own target.

    For coverage, ``value`` is 1 when the territory is covered and 0 when not, ``target`` 1 when it
    is one of the indicator's target territories. For milestones and deliverables, ``value`` is 1
    when the territory reported it done.
    """

    territory: str
    value: Decimal | None = None
    target: Decimal | None = None
    fraction: Decimal | None = None
    level: str | None = None


@attrs.frozen
class IndicatorProgress:
    """Where one indicator stands at ``as_of``."""

    indicator: Indicator
    status: str
    value: Decimal | None = None
    target: Decimal | None = None
    fraction: Decimal | None = None
    expected: Decimal | None = None
    latest: Measurement | None = None
    level: str | None = None
    by_territory: Mapping[str, TerritoryProgress] = attrs.field(factory=dict, hash=False)
    reason: str = ""
    bounds: Period | None = None  # the period the status was judged against (schedule, else plan period)
    as_of: dt.date | None = None
    period: str | None = None  # the label of the target period judged (« 2026-T3 »), for per-period targets
    weight: Decimal = _ONE  # its weight in rollups: its action's, objective's and theme's weights multiplied
    manual: ManualStatus | None = None  # a status set by hand, shown next to ``status``

    @property
    def quantitative(self) -> bool:
        """Whether ``fraction`` counts in rollups: a count, minimum, rate or coverage with a numeric target."""
        return self.indicator.kind in QUANTITATIVE_KINDS and self.fraction is not None


@attrs.frozen
class Rollup:
    """Progress of a group of indicators (an action, an objective, a theme, the plan)."""

    status: str
    fraction: Decimal | None
    counts: Mapping[str, int] = attrs.field(hash=False)
    levels: Mapping[str, int] = attrs.field(hash=False)
    late: tuple[IndicatorProgress, ...] = ()

    @property
    def total(self) -> int:
        return sum(self.counts.values())


@attrs.frozen
class ActionProgress:
    """An action's indicators judged at a date, with their :class:`Rollup`."""

    action: Action
    rollup: Rollup
    indicators: tuple[IndicatorProgress, ...] = ()
    manual: ManualStatus | None = None

    def iter_indicators(self) -> Iterable[IndicatorProgress]:
        yield from self.indicators


@attrs.frozen
class ObjectiveProgress:
    """An objective's actions judged at a date, with the :class:`Rollup` of their indicators."""

    objective: Objective
    rollup: Rollup
    actions: tuple[ActionProgress, ...] = ()

    def iter_indicators(self) -> Iterable[IndicatorProgress]:
        for action in self.actions:
            yield from action.indicators


@attrs.frozen
class ThemeProgress:
    """A theme's objectives judged at a date, with the :class:`Rollup` of their indicators."""

    theme: Theme
    rollup: Rollup
    objectives: tuple[ObjectiveProgress, ...] = ()

    def iter_indicators(self) -> Iterable[IndicatorProgress]:
        for objective in self.objectives:
            yield from objective.iter_indicators()


@attrs.frozen
class PlanProgress:
    """A whole plan judged ``as_of`` a date: its themes, down to each indicator, and the plan's :class:`Rollup`."""

    plan: ActionPlan
    as_of: dt.date
    rollup: Rollup
    themes: tuple[ThemeProgress, ...] = ()
    ctx: ScheduleContext | None = None

    def iter_indicators(self) -> Iterable[IndicatorProgress]:
        for theme in self.themes:
            yield from theme.iter_indicators()

    def indicator(self, indicator_id: str) -> IndicatorProgress | None:
        return next((p for p in self.iter_indicators() if p.indicator.id == indicator_id), None)


# -- entry points ------------------------------------------------------------------------------


def schedule_context(plan: ActionPlan) -> ScheduleContext:
    """The context a plan's schedules are read in: its period and its fiscal-year convention."""
    return ScheduleContext(start=plan.period.start, end=plan.period.end, fiscal_years=plan.fiscal_years)


def plan_progress(plan: ActionPlan, as_of: dt.date, *, ctx: ScheduleContext | None = None,
                  manual: Mapping[str, ManualStatus] | None = None) -> PlanProgress:
    """Progress of every indicator of ``plan`` at ``as_of``, rolled up to actions, objectives, themes, plan.

    ``manual`` maps indicator and action ids to the statuses set by hand (:func:`manual_statuses`);
    they are attached to the results, next to the computed statuses.
    """
    as_of = _plain_date(as_of)
    if ctx is None:
        ctx = schedule_context(plan)
    manual = manual or {}
    # An action's schedule judged once per distinct schedule (texts are parsed once each, so actions that
    # read « 2026 » share one): the bounds and their elapsed share, not recomputed for each indicator.
    judged: dict[int, tuple[Schedule | None, Period | None, Decimal | None]] = {}
    themes = []
    for theme in plan.themes:
        objectives = []
        for objective in theme.objectives:
            actions = []
            for action in objective.actions:
                weight = _weight(theme.weight) * _weight(objective.weight) * _weight(action.weight)
                found = []
                known = judged.get(id(action.schedule))
                if known is None or known[0] is not action.schedule:
                    bounds = _schedule_bounds(action.schedule, ctx)
                    known = judged[id(action.schedule)] = (action.schedule, bounds, expected_fraction(bounds, as_of))
                for indicator in action.indicators:
                    item = _indicator_progress(indicator, as_of, ctx, plan.reporting, known[1], known[2])
                    if weight != _ONE or indicator.id in manual:
                        item = attrs.evolve(item, weight=weight, manual=manual.get(indicator.id))
                    found.append(item)
                items = tuple(found)
                actions.append(ActionProgress(action, rollup(items), items, manual.get(action.id)))
            objective_items = [p for a in actions for p in a.indicators]
            objectives.append(ObjectiveProgress(objective, rollup(objective_items), tuple(actions)))
        theme_items = [p for o in objectives for p in o.iter_indicators()]
        themes.append(ThemeProgress(theme, rollup(theme_items), tuple(objectives)))
    plan_items = [p for t in themes for p in t.iter_indicators()]
    return PlanProgress(plan, as_of, rollup(plan_items), tuple(themes), ctx)


def manual_statuses(plan: ActionPlan, events: Iterable, *, as_of: dt.date | None = None) -> dict[str, ManualStatus]:
    """The statuses set by hand that still stand: subject id (an indicator or an action) → :class:`ManualStatus`.

    ``events`` are the plan's store events (:class:`actionplan.storage.Event`, oldest recorded first)
    or a tracking log's :class:`ManualStatus` entries (``TrackingLog.manual_statuses``): events of kind
    ``manual-status`` set a status (``data``: ``status``, ``reason``; ``recorded_by``: the author),
    ``manual-status-clear`` clears it. Those dated after ``as_of`` do not count yet. A status no
    longer stands once the plan holds a measurement dated after it, of the indicator or of one of
    the action's indicators (dated on or before ``as_of``).
    """
    standing: dict[str, ManualStatus] = {}
    chosen = [e for e in map(_manual_entry, events) if e is not None and (as_of is None or e[1].date <= as_of)]
    for cleared, entry in sorted(chosen, key=lambda e: e[1].date):  # stable: same-day entries keep their order
        if cleared:
            standing.pop(entry.subject, None)
        else:
            standing[entry.subject] = entry
    if not standing:
        return standing
    latest: dict[str, dt.date] = {}
    for _theme, _objective, action, indicator in plan.iter_indicators():
        days = [m.date for m in indicator.measurements if as_of is None or m.date <= as_of]
        if days:
            latest[indicator.id] = max(days)
            latest[action.id] = max(latest.get(action.id, latest[indicator.id]), latest[indicator.id])
    return {subject: manual for subject, manual in standing.items()
            if subject not in latest or latest[subject] <= manual.date}


def _manual_entry(event) -> tuple[bool, ManualStatus] | None:
    """(cleared, the status) of a manual-status event or entry; ``None`` for anything else."""
    if isinstance(event, ManualStatus):
        return False, event
    if event.kind not in (MANUAL_STATUS_EVENT, MANUAL_STATUS_CLEAR_EVENT) or not event.subject:
        return None
    if event.kind == MANUAL_STATUS_CLEAR_EVENT:
        return True, ManualStatus(event.subject, "not_started", "", event.recorded_by or "", event.date)
    status = event.data.get("status")
    if status not in MANUAL_STATUSES:
        return None
    return False, ManualStatus(event.subject, status, event.data.get("reason", ""), event.recorded_by or "", event.date)


def expected_fraction(bounds: Period | None, as_of: dt.date) -> Decimal | None:
    """Share of ``bounds`` elapsed at the end of day ``as_of``, days counted inclusively, clamped to 0..1.

    ``2026-01-01..2026-12-31`` at ``2026-07-02`` → 183/365. ``None`` without bounds.
    """
    if bounds is None:
        return None
    span = (bounds.end - bounds.start).days + 1
    elapsed = (as_of - bounds.start).days + 1
    return _clamp(_CTX.divide(Decimal(elapsed), Decimal(span)))


#: ``Indicator.per`` values meaning the target repeats every year of the judged period.
PER_YEAR = frozenset({"year", "année", "annee", "an", "annuel", "annual", "yearly"})


def indicator_progress(
    indicator: Indicator,
    as_of: dt.date,
    *,
    schedule: Schedule | None = None,
    ctx: ScheduleContext | None = None,
    reporting: Reporting | None = None,
) -> IndicatorProgress:
    """Where ``indicator`` stands at ``as_of``.

    ``schedule`` is its action's schedule and ``ctx`` the plan's schedule context. The status is
    judged against ``schedule.bounds(ctx)``, else (no schedule, or one that cannot be dated) the
    context's period (the plan's); with neither, or an unscheduled schedule (« Au besoin »,
    « À déterminer »), there is no expected fraction and nothing is late. An indicator with
    per-period targets is judged against the target period of ``as_of`` instead
    (:func:`period_targets`). ``reporting`` is the plan's (its on-track band); the indicator's
    own ``reporting`` overrides it.
    """
    as_of = _plain_date(as_of)
    bounds = _schedule_bounds(schedule, ctx)
    return _indicator_progress(indicator, as_of, ctx, reporting, bounds, expected_fraction(bounds, as_of))


def _schedule_bounds(schedule: Schedule | None, ctx: ScheduleContext | None) -> Period | None:
    """What an indicator of an action with ``schedule`` is judged against (see :func:`indicator_progress`)."""
    bounds: Period | None = None
    if schedule is not None:
        if ctx is None:
            raise ValueError("indicator_progress needs ctx (the plan's ScheduleContext) to read a schedule")
        bounds = schedule.bounds(ctx)
    if bounds is None and ctx is not None and not (schedule is not None and schedule.unscheduled):
        bounds = Period(ctx.start, ctx.end)
    return bounds


def _indicator_progress(indicator: Indicator, as_of: dt.date, ctx: ScheduleContext | None,
                        reporting: Reporting | None, bounds: Period | None,
                        expected: Decimal | None) -> IndicatorProgress:
    """:func:`indicator_progress` with its schedule's ``bounds`` and their ``expected`` share already known."""
    measurements = _counted(indicator.measurements, as_of)
    fiscal = bool(ctx is not None and ctx.fiscal_years)
    settings = indicator.reporting.over(reporting) if indicator.reporting is not None else reporting
    tolerance = settings.tolerance if settings is not None and settings.tolerance is not None else ON_TRACK_TOLERANCE
    label = None
    judged = _judged_period(indicator, as_of, fiscal) if indicator.kind in _PERIOD_KINDS else None
    if judged is not None:
        label, bounds = judged
        if indicator.period_values == "per_period":
            measurements = [m for m in measurements if _in_period(m, label, bounds)]
        else:
            measurements = [m for m in measurements if m.date <= bounds.end]
        expected = expected_fraction(bounds, as_of)
    judge = _Judge(indicator, as_of, bounds, expected, fiscal, tolerance, label)
    result = _KINDS[indicator.kind](judge, measurements)
    return attrs.evolve(result, period=label, reason=f"{label}: {result.reason}") if label is not None else result


def rollup(items: Sequence[IndicatorProgress]) -> Rollup:
    """The rollup of indicator progresses (flat: whatever action or objective they come from).

    status: ``late`` if any is late, else ``at_risk`` if any is at risk, else ``achieved`` if all are
    (and there is at least one), else ``not_started`` if all are, else ``on_track``; ``not_started``
    when empty. fraction: mean of the capped fractions of the quantitative ones, weighted by their
    ``weight`` (``None`` if none, or if every weight is 0).
    """
    counts = {status: 0 for status in STATUSES}
    for item in items:
        counts[item.status] += 1
    if not items:
        status = "not_started"
    elif counts["late"]:
        status = "late"
    elif counts["at_risk"]:
        status = "at_risk"
    elif counts["achieved"] == len(items):
        status = "achieved"
    elif counts["not_started"] == len(items):
        status = "not_started"
    else:
        status = "on_track"
    weighted = [(item.fraction, item.weight) for item in items if item.fraction is not None and item.quantitative]
    total_weight = sum((weight for _, weight in weighted), _ZERO)
    fraction = None
    if weighted and total_weight > 0:
        fraction = _CTX.divide(sum((_CTX.multiply(f, w) for f, w in weighted), _ZERO), total_weight)
    levels: dict[str, int] = {}
    order: list[str] = []
    for item in items:
        if item.indicator.kind == "qualitative":
            for name in _scale(item.indicator):
                if name not in order:
                    order.append(name)
    for name in order:
        n = sum(1 for item in items if item.indicator.kind == "qualitative" and item.level == name)
        if n:
            levels[name] = n
    late = tuple(item for item in items if item.status in ("late", "at_risk"))
    return Rollup(status, fraction, counts, levels, late)


# -- helpers -----------------------------------------------------------------------------------


def _plain_date(value: dt.date) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    if not isinstance(value, dt.date):
        raise TypeError(f"as_of must be a date, not {value!r}")
    return value


def _weight(value: Decimal | None) -> Decimal:
    return _ONE if value is None else value


#: Kinds whose targets may be given per period (the others have a due date, territories or a level).
_PERIOD_KINDS = ("count", "minimum", "rate")


def period_targets(indicator: Indicator, *, fiscal_years: bool = False) -> list[tuple[str, Period, Decimal | None]]:
    """The target periods of an indicator: (label, the days it covers, its whole target), in period order.

    The whole target of a period is its target without territory, else the sum of its per-territory
    ones. Unreadable labels are left out (:mod:`actionplan.checks` reports them).
    """
    found: dict[str, Period] = {}
    for target in indicator.targets:
        if target.period is None or target.period in found:
            continue
        try:
            found[target.period] = period_of_label(target.period, fiscal_years=fiscal_years)
        except ValueError:
            continue
    return sorted(((label, bounds, _whole_target(indicator, label)) for label, bounds in found.items()),
                  key=lambda item: (item[1].start, item[1].end))


def _judged_period(indicator: Indicator, as_of: dt.date, fiscal_years: bool) -> tuple[str, Period] | None:
    """The target period an indicator is judged against at ``as_of``: the one that contains it (the
    shortest if several do); else, when the indicator has a target for its whole schedule, none (that
    target applies); else the last one ended, else the first to come. ``None`` without per-period targets."""
    periods = period_targets(indicator, fiscal_years=fiscal_years)
    if not periods:
        return None
    containing = [p for p in periods if p[1].contains(as_of)]
    if containing:
        label, bounds, _ = min(containing, key=lambda p: p[1].days)
    elif indicator.target is not None or any(t.period is None for t in indicator.targets):
        return None  # outside every target period, a target for the whole schedule applies
    else:
        ended = [p for p in periods if p[1].end < as_of]
        label, bounds, _ = max(ended, key=lambda p: p[1].end) if ended else periods[0]
    return label, bounds


def _in_period(m: Measurement, label: str, bounds: Period) -> bool:
    """Whether a measurement is for the period: it names it, or names none and is dated within it."""
    return m.period == label if m.period is not None else bounds.contains(m.date)


def _dec(value: object) -> Decimal:
    """A Decimal from a Decimal or an int; floats are refused (amounts and counts must be exact)."""
    if isinstance(value, Decimal):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    raise TypeError(f"expected a Decimal, not {value!r} ({type(value).__name__})")


def _clamp(value: Decimal) -> Decimal:
    return min(max(value, _ZERO), _ONE)


def _pct(fraction: Decimal) -> str:
    return f"{_CTX.multiply(fraction, _HUNDRED).quantize(_ONE, rounding=decimal.ROUND_HALF_EVEN)} %"


def _fmt(value: Decimal | None) -> str:
    if value is None:
        return "nothing"
    if value == value.to_integral_value():
        return f"{value.quantize(_ONE):f}"
    return f"{value.quantize(Decimal('0.01'), rounding=decimal.ROUND_HALF_EVEN).normalize(_CTX):f}"


def _counted(measurements: Iterable[Measurement], as_of: dt.date) -> list[Measurement]:
    """Measurements dated on or before ``as_of``, oldest first (ties keep their recorded order)."""
    return sorted((m for m in measurements if m.date <= as_of), key=lambda m: m.date)


def _parts(measurements: list[Measurement]) -> list[Measurement]:
    """The measurements a whole value is computed from (the least disaggregated ones present).

    Territory and dimensions break a value down: when whole measurements (neither) exist, breakdowns
    do not add to them; else the per-territory ones (without dimensions) are the parts of the whole;
    else all of them.
    """
    whole = [m for m in measurements if m.territory is None and not m.dimensions]
    if whole:
        return whole
    territorial = [m for m in measurements if m.territory is not None and not m.dimensions]
    return territorial or measurements


def _for_territory(measurements: list[Measurement], territory: str) -> list[Measurement]:
    mine = [m for m in measurements if m.territory == territory]
    plain = [m for m in mine if not m.dimensions]
    return plain or mine


def _scale(indicator: Indicator) -> tuple[str, ...]:
    return tuple(indicator.scale) or DEFAULT_SCALE


def _territory_target(indicator: Indicator, territory: str, period: str | None = None) -> Decimal | None:
    """The target of one territory: its target for the judged period (the last listed one wins)."""
    found = [t.value for t in indicator.targets if t.territory == territory and t.period == period]
    return _dec(found[-1]) if found else None


def _whole_target(indicator: Indicator, period: str | None = None) -> Decimal | None:
    """For the judged target period: its whole target, else the sum of its per-territory ones.

    Without a judged period: ``indicator.target``; else a target with neither territory nor period;
    else, for counts, the sum of the per-territory targets (one per territory)."""
    if period is None and indicator.target is not None:
        return _dec(indicator.target)
    whole = [t.value for t in indicator.targets if t.territory is None and t.period == period]
    if whole:
        return _dec(whole[-1])
    if indicator.kind in ("count", "minimum"):
        per = {t.territory: _dec(t.value) for t in indicator.targets if t.territory is not None and t.period == period}
        if per:
            return sum(per.values(), _ZERO)
    return None


# -- values per kind ---------------------------------------------------------------------------


def _count_value(indicator: Indicator, measurements: list[Measurement]) -> Decimal | None:
    """Sum of the values (cumulative), else the latest value; ``None`` when nothing is recorded.

    When not cumulative and only per-territory values exist, the whole is the sum of each
    territory's latest value.
    """
    usable = [m for m in measurements if m.value is not None]
    if not usable:
        return None
    parts = _parts(usable)
    if indicator.cumulative:
        return sum((_dec(m.value) for m in parts), _ZERO)
    if any(m.territory is None for m in parts):
        return _dec(parts[-1].value)
    latest: dict[tuple, Decimal] = {}
    for m in parts:  # oldest first: the latest per territory (and dimensions) stays
        latest[(m.territory, tuple(sorted(m.dimensions.items())))] = _dec(m.value)
    return sum(latest.values(), _ZERO)


def _rate_measurements(indicator: Indicator, measurements: list[Measurement]) -> list[Measurement]:
    usable = [m for m in measurements
              if (m.numerator is not None and m.denominator is not None) or m.value is not None]
    if not usable or indicator.cumulative:
        return usable
    last = usable[-1].date  # not cumulative: the latest date's measurements (all territories) stand
    return [m for m in usable if m.date == last]


def _rate_value(indicator: Indicator, measurements: list[Measurement]) -> Decimal | None:
    """Σnumerator / Σdenominator (× 100 when the unit is "%"), a ratio of sums, never a mean of ratios.

    Measurements given only as a ``value`` (already a rate, in the indicator's unit) are averaged
    only when no measurement has a numerator and denominator.
    """
    if not measurements:
        return None
    parts = _parts(measurements)
    pairs = [m for m in parts if m.numerator is not None and m.denominator is not None]
    if pairs:
        numerator = sum((_dec(m.numerator) for m in pairs), _ZERO)
        denominator = sum((_dec(m.denominator) for m in pairs), _ZERO)
        if denominator == 0:
            return None
        if indicator.unit == "%":
            numerator = _CTX.multiply(numerator, _HUNDRED)
        return _CTX.divide(numerator, denominator)
    values = [_dec(m.value) for m in parts if m.value is not None]
    if not values:
        return None
    return _CTX.divide(sum(values, _ZERO), Decimal(len(values)))


@overload
def _fraction(value: Decimal | None, target: Decimal, indicator: Indicator, *, decrease: bool,
              whole: bool = True) -> Decimal: ...
@overload
def _fraction(value: Decimal | None, target: None, indicator: Indicator, *, decrease: bool,
              whole: bool = True) -> None: ...
@overload
def _fraction(value: Decimal | None, target: Decimal | None, indicator: Indicator, *, decrease: bool,
              whole: bool = True) -> Decimal | None: ...
def _fraction(value: Decimal | None, target: Decimal | None, indicator: Indicator, *, decrease: bool,
              whole: bool = True) -> Decimal | None:
    """value/target capped to 0..1, the way done from the baseline when there is one (``whole``: the
    indicator's baseline applies; a territory's share has none); for a ceiling (``decrease``), from the
    baseline down to it."""
    if target is None:
        return None
    if value is None:
        return _ZERO
    baseline = _dec(indicator.baseline) if indicator.baseline is not None and whole else None
    if not decrease:
        if baseline is not None and baseline < target:  # 350 of 600 from a baseline of 100: 250/500
            return _clamp(_CTX.divide(value - baseline, target - baseline))
        if target <= 0:
            return _ONE
        return _clamp(_CTX.divide(value, target))
    if baseline is not None and baseline > target:
        return _clamp(_CTX.divide(baseline - value, baseline - target))
    if value <= target:
        return _ONE
    return _clamp(_CTX.divide(target, value))


def _is_done(m: Measurement) -> bool | None:
    """``done``; when it is missing, a positive ``value`` means done (1 = done, 0 = not)."""
    if m.done is not None:
        return bool(m.done)
    if m.value is not None:
        return _dec(m.value) > 0
    return None


# -- statuses ----------------------------------------------------------------------------------


@attrs.frozen
class _Judge:
    indicator: Indicator
    as_of: dt.date
    bounds: Period | None
    expected: Decimal | None
    fiscal_years: bool = False
    tolerance: Decimal = ON_TRACK_TOLERANCE
    period: str | None = None  # the target period judged, for per-period targets

    @property
    def years(self) -> int:
        """How many years (fiscal, 1 April → 31 March, or calendar) the judged period touches."""
        if self.bounds is None:
            return 1

        def year_of(day: dt.date) -> int:
            return day.year - 1 if self.fiscal_years and day.month < 4 else day.year

        return year_of(self.bounds.end) - year_of(self.bounds.start) + 1

    @property
    def start_ahead(self) -> dt.date | None:
        """The schedule's start while it is still to come, else ``None``."""
        return self.bounds.start if self.bounds is not None and self.as_of < self.bounds.start else None

    @property
    def end_passed(self) -> dt.date | None:
        """The schedule's end once it has passed (the end day itself is still within it), else ``None``."""
        return self.bounds.end if self.bounds is not None and self.as_of > self.bounds.end else None

    def result(self, status: str, reason: str, **fields) -> IndicatorProgress:
        return IndicatorProgress(self.indicator, status, expected=self.expected, reason=reason,
                                 bounds=self.bounds, as_of=self.as_of, **fields)

    def nothing_recorded(self) -> tuple[str, str]:
        """Status of an indicator with nothing recorded, judged by its schedule alone."""
        if self.bounds is None:
            return "not_started", "nothing recorded"
        if self.as_of < self.bounds.start:
            return "not_started", f"starts {self.bounds.start}, nothing recorded"
        if (end := self.end_passed) is not None:
            return "late", f"ended {end}, nothing recorded"
        if self.expected is not None and self.expected > AT_RISK_GRACE:
            return "at_risk", f"{_pct(self.expected)} of the schedule elapsed, nothing recorded"
        return "on_track", f"started {self.bounds.start}, nothing recorded yet"

    def numeric(self, value: Decimal | None, target: Decimal, fraction: Decimal, *, recorded: bool,
                decrease: bool = False, reached: bool | None = None) -> tuple[str, str]:
        """Status of an indicator with a numeric target."""
        if not recorded and self.bounds is None:
            return "not_started", "nothing recorded"
        if not recorded and (start := self.start_ahead) is not None:
            return "not_started", f"starts {start}, nothing recorded"
        if decrease:
            at_end = self.bounds is None or self.as_of >= self.bounds.end
            if recorded and value is not None and value <= target and at_end:
                return "achieved", f"{_fmt(value)} within the ceiling of {_fmt(target)}"
        elif reached if reached is not None else fraction >= 1:
            return "achieved", f"{_fmt(value)} of {_fmt(target)}"
        if (end := self.end_passed) is not None:
            return "late", f"ended {end}, {_fmt(value)} of {_fmt(target)}"
        if self.expected is None:
            return "on_track", f"{_fmt(value)} of {_fmt(target)}, unscheduled"
        if fraction >= self.expected - self.tolerance:
            return "on_track", f"{_pct(fraction)} done, {_pct(self.expected)} expected"
        return "at_risk", f"{_pct(fraction)} done, {_pct(self.expected)} expected"


def _count(judge: _Judge, measurements: list[Measurement]) -> IndicatorProgress:
    """count, tracked and minimum."""
    indicator = judge.indicator
    usable = [m for m in measurements if m.value is not None]
    value = _count_value(indicator, usable)
    target = None if indicator.kind == "tracked" else _whole_target(indicator, judge.period)
    if target is not None and judge.period is None and indicator.cumulative and (indicator.per or "").lower() in PER_YEAR:
        target *= judge.years  # « 1 rencontre par année » over 2019-2023: 4 meetings in all
    decrease = indicator.kind == "count" and indicator.direction == "decrease"
    by_territory = _territories_numeric(indicator, usable, _count_value, decrease=decrease, period=judge.period)
    latest = usable[-1] if usable else None
    if target is None:
        status, reason = ("on_track", f"{_fmt(value)} recorded") if usable else judge.nothing_recorded()
        return judge.result(status, reason, value=value, latest=latest, by_territory=by_territory)
    fraction = _fraction(value, target, indicator, decrease=decrease)
    reached = None
    if indicator.kind == "minimum":  # reached once is reached: the best value so far counts
        reached = any((_count_value(indicator, [m for m in usable if m.date <= day]) or _ZERO) >= target
                      for day in {m.date for m in usable})
    status, reason = judge.numeric(value, target, fraction, recorded=bool(usable), decrease=decrease,
                                   reached=reached)
    return judge.result(status, reason, value=value, target=target, fraction=fraction, latest=latest,
                        by_territory=by_territory)


def _rate(judge: _Judge, measurements: list[Measurement]) -> IndicatorProgress:
    indicator = judge.indicator
    usable = _rate_measurements(indicator, measurements)
    value = _rate_value(indicator, usable)
    target = _whole_target(indicator, judge.period)
    decrease = indicator.direction == "decrease"
    by_territory = _territories_numeric(indicator, usable, _rate_value, decrease=decrease, period=judge.period)
    latest = usable[-1] if usable else None
    if target is None:
        status, reason = ("on_track", f"rate {_fmt(value)}") if usable else judge.nothing_recorded()
        return judge.result(status, reason, value=value, latest=latest, by_territory=by_territory)
    fraction = _fraction(value, target, indicator, decrease=decrease)
    status, reason = judge.numeric(value, target, fraction, recorded=value is not None, decrease=decrease)
    return judge.result(status, reason, value=value, target=target, fraction=fraction, latest=latest,
                        by_territory=by_territory)


def _territories_numeric(indicator: Indicator, measurements: list[Measurement], value_of, *,
                         decrease: bool, period: str | None = None) -> dict[str, TerritoryProgress]:
    names = [m.territory for m in measurements if m.territory is not None]
    names += [t.territory for t in indicator.targets if t.territory is not None and t.period == period]
    result = {}
    for territory in dict.fromkeys(names):
        mine = _for_territory(measurements, territory)
        value = value_of(indicator, mine) if mine else None
        target = None if indicator.kind == "tracked" else _territory_target(indicator, territory, period)
        fraction = _fraction(value, target, indicator, decrease=decrease, whole=False)
        result[territory] = TerritoryProgress(territory, value, target, fraction)
    return result


def _coverage(judge: _Judge, measurements: list[Measurement]) -> IndicatorProgress:
    indicator = judge.indicator
    usable = [m for m in measurements if m.territories or m.territory is not None]
    covered: dict[str, None] = {}
    for m in usable:
        for territory in (*m.territories, *((m.territory,) if m.territory is not None else ())):
            covered[territory] = None
    targets = tuple(dict.fromkeys(indicator.target_territories))
    latest = usable[-1] if usable else None
    by_territory = {
        territory: TerritoryProgress(
            territory,
            value=_ONE if territory in covered else _ZERO,
            target=_ONE if territory in targets else None,
            fraction=(_ONE if territory in covered else _ZERO) if territory in targets else None,
        )
        for territory in (*targets, *(t for t in covered if t not in targets))
    }
    if not targets:
        value = Decimal(len(covered)) if usable else None
        status, reason = ("on_track", f"{len(covered)} territories covered") if usable else judge.nothing_recorded()
        return judge.result(status, reason, value=value, latest=latest, by_territory=by_territory)
    value = Decimal(sum(1 for t in targets if t in covered)) if usable else None
    target = Decimal(len(targets))
    fraction = _fraction(value, target, indicator, decrease=False, whole=False)
    status, reason = judge.numeric(value, target, fraction, recorded=bool(usable))
    if status != "achieved" and usable:
        reason += f"; missing: {', '.join(t for t in targets if t not in covered)}"
    return judge.result(status, reason, value=value, target=target, fraction=fraction, latest=latest,
                        by_territory=by_territory)


def _milestone(judge: _Judge, measurements: list[Measurement]) -> IndicatorProgress:
    indicator = judge.indicator
    usable = [m for m in measurements if _is_done(m) is not None]
    done = [m for m in usable if _is_done(m)]
    latest = usable[-1] if usable else None
    due = indicator.due or (judge.bounds.end if judge.bounds is not None else None)
    by_territory = _territories_done(usable)
    if done:
        status, reason = "achieved", f"done {done[0].date}"
    elif due is None:
        status, reason = _undated(judge, usable)
    elif judge.as_of > due:
        status, reason = "late", f"due {due} passed, not done"
    elif (due - judge.as_of).days <= MILESTONE_WARNING_DAYS:
        status, reason = "at_risk", f"due {due}, in {(due - judge.as_of).days} days, not done"
    elif (start := judge.start_ahead) is not None:
        status, reason = "not_started", f"starts {start}, due {due}"
    else:
        status, reason = "on_track", f"due {due}"
    return judge.result(status, reason, latest=latest, by_territory=by_territory)


def _undated(judge: _Judge, usable: list[Measurement]) -> tuple[str, str]:
    """A milestone or deliverable with nothing to judge its timing against."""
    return ("on_track", "not done yet, unscheduled") if usable else ("not_started", "nothing recorded")


def _deliverable(judge: _Judge, measurements: list[Measurement]) -> IndicatorProgress:
    usable = [m for m in measurements if _is_done(m) is not None]
    latest = usable[-1] if usable else None
    by_territory = _territories_done(usable)
    bounds = judge.bounds
    if latest is not None and _is_done(latest):  # the latest word stands: a deliverable can be withdrawn
        status, reason = "achieved", f"done {latest.date}"
    elif bounds is None:
        status, reason = _undated(judge, usable)
    elif judge.end_passed is not None:
        status, reason = "late", f"due {bounds.end} passed, not done"
    elif judge.as_of < bounds.start:
        status, reason = "not_started", f"starts {bounds.start}"
    elif judge.expected is not None and judge.expected >= DELIVERABLE_AT_RISK:
        status, reason = "at_risk", f"{_pct(judge.expected)} of the schedule elapsed, not done"
    else:
        status, reason = "on_track", f"due {bounds.end}"
    return judge.result(status, reason, latest=latest, by_territory=by_territory)


def _territories_done(usable: list[Measurement]) -> dict[str, TerritoryProgress]:
    result = {}
    for m in usable:
        if m.territory is not None:
            result[m.territory] = TerritoryProgress(m.territory, value=_ONE if _is_done(m) else _ZERO)
    return result


def _qualitative(judge: _Judge, measurements: list[Measurement]) -> IndicatorProgress:
    indicator = judge.indicator
    scale = _scale(indicator)
    usable = [m for m in measurements if m.level is not None and m.level in scale]
    parts = _parts(usable)
    latest = parts[-1] if parts else None
    by_territory = {}
    for territory in dict.fromkeys(m.territory for m in usable if m.territory is not None):
        by_territory[territory] = TerritoryProgress(territory, level=_for_territory(usable, territory)[-1].level)
    if latest is None:
        status, reason = judge.nothing_recorded()
        return judge.result(status, reason, by_territory=by_territory)
    level = latest.level
    if indicator.target_level is not None and indicator.target_level in scale:
        goal = indicator.target_level
    else:
        goal = scale[max(len(scale) - 2, 0)]
    if scale.index(level) >= scale.index(goal):
        status, reason = "achieved", f"« {level} » reaches « {goal} »"
    elif scale.index(level) == 0:
        status, reason = "at_risk", f"« {level} » is the lowest level"
    else:
        status, reason = "on_track", f"« {level} », aiming for « {goal} »"
    return judge.result(status, reason, latest=latest, level=level, by_territory=by_territory)


_KINDS = {
    "count": _count,
    "tracked": _count,
    "minimum": _count,
    "rate": _rate,
    "coverage": _coverage,
    "milestone": _milestone,
    "deliverable": _deliverable,
    "qualitative": _qualitative,
}
