"""Who owes which update by when: the due, late and stale updates of a plan, per organisation.

Pure functions over the model (no I/O, no clock: you pass the date). The rules are written out,
with examples, in ``docs/progress.md`` ("Who owes what: due, late, stale"); in short:

* an indicator's cadence is its ``reporting.frequency``, else the plan's; without one nothing
  is due on a calendar (it may still be *stale*);
* its reporting window is the plan's period, narrowed to its action's schedule when that can be
  dated; the reporting periods (:func:`actionplan.schedules.periods.reporting_periods`) that
  overlap the window and have ended before ``as_of`` each want one update;
* an update is *for* a period when its ``period`` names it, or it names none and is dated within
  the period; a returned update does not count (its author owes a corrected one), a submitted
  one does (it waits for the reviewer, not for the partner);
* a period without an update is **due** on its last day + ``due_days`` (30), **late** after that;
* an indicator is **stale** when nothing was reported for more than ``stale_after`` days (from its
  window's start when nothing was ever reported);
* a deliverable or milestone whose latest counted update says done owes nothing more;
* the organisation that owes an update is ``reporting.reporter``, else the action's ``lead``
  partners, else its ``responsible`` partners, else the plan's own organisation.

Entry point: :func:`plan_due`. What it reads of the updates is asked as a :class:`DueQuery`
(:func:`due_query`) and answered per indicator as :class:`Reported`, by one pass over the updates
(:func:`reported_from_updates`) or by a store's indexed queries (:meth:`actionplan.storage.Store.due_facts`).
"""

from __future__ import annotations

import bisect
import datetime as dt
import difflib
import itertools
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs

from .errors import ActionplanError
from .i18n import Message
from .model.indicators import Indicator, Measurement
from .model.plan import Action, ActionPlan, Theme
from .model.reporting import DEFAULT_DUE_DAYS, Reporting
from .model.review import COUNTED_STATES
from .schedules import Period, ScheduleContext
from .schedules.periods import reporting_periods

__all__ = ["DUE_FORMAT", "DUE_FORMAT_VERSION", "DUE_STATES", "REPORTER_ROLES", "DueItem", "DueQuery", "DueReport",
           "OrganisationDue", "Reported", "StaleItem", "done_value", "due_query", "plan_due", "reported_from_updates",
           "reporters"]

#: The states of an update owed for a period: ``due`` (not yet past its due date) or ``late``.
DUE_STATES = ("due", "late")

#: The roles of an action's partners that owe its updates, first found first (then the plan's organisation).
REPORTER_ROLES = ("lead", "responsible")

#: The name and version of the JSON layout of ``actionplan due --format json`` (:meth:`DueReport.to_data`).
DUE_FORMAT = "actionplan-due"
DUE_FORMAT_VERSION = 1

_DONE_KINDS = ("deliverable", "milestone")


@attrs.frozen
class DueItem:
    """An update an organisation owes for one reporting period of one indicator.

    ``state`` is ``due`` (``as_of`` is on or before ``due``) or ``late``; ``days_late`` counts
    the days since ``due`` (0 when due). ``returned`` is the reviewer's note when the update given
    for this period was sent back (the partner owes a corrected one), else ``None``.
    """

    organisation: str
    theme: Theme
    action: Action
    indicator: Indicator
    period: str
    bounds: Period
    due: dt.date
    state: str
    days_late: int = 0
    returned: str | None = None

    @property
    def key(self) -> str:
        """A stable id of the item within its plan: indicator id and period label (``va-o1-a1-i1/2026-T3``)."""
        return f"{self.indicator.id}/{self.period}"


@attrs.frozen
class StaleItem:
    """An indicator without any update for more than ``stale_after`` days.

    ``last_update`` is the date of its latest update (``None``: never reported), ``since`` the day
    the count of ``days`` starts from (the latest update, else the start of its reporting window).
    """

    organisation: str
    theme: Theme
    action: Action
    indicator: Indicator
    last_update: dt.date | None
    since: dt.date
    days: int
    stale_after: int

    @property
    def key(self) -> str:
        """A stable id of the item: ``va-o1-a1-i1/stale/2026-03-12`` (a new update makes a new one)."""
        return f"{self.indicator.id}/stale/{self.since.isoformat()}"


@attrs.frozen
class OrganisationDue:
    """What one organisation owes: its ``due``, ``late`` and ``stale`` items, in plan order."""

    organisation: str
    name: str
    email: str | None = None
    contact: str | None = None
    due: tuple[DueItem, ...] = ()
    late: tuple[DueItem, ...] = ()
    stale: tuple[StaleItem, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.due or self.late or self.stale)

    def items(self) -> Iterator[DueItem | StaleItem]:
        """Every item: late first, then due, then stale."""
        yield from self.late
        yield from self.due
        yield from self.stale


@attrs.frozen
class DueReport:
    """The result of :func:`plan_due`: one :class:`OrganisationDue` per organisation owing something."""

    plan: ActionPlan
    as_of: dt.date
    organisations: tuple[OrganisationDue, ...] = ()

    def organisation(self, organisation_id: str) -> OrganisationDue | None:
        return next((o for o in self.organisations if o.organisation == organisation_id), None)

    def counts(self) -> dict[str, int]:
        """How many items are due, late and stale in all."""
        return {"due": sum(len(o.due) for o in self.organisations),
                "late": sum(len(o.late) for o in self.organisations),
                "stale": sum(len(o.stale) for o in self.organisations)}

    def to_data(self) -> dict[str, Any]:
        """Plain data (the JSON of ``actionplan due --format json``, layout :data:`DUE_FORMAT_VERSION`)."""
        def where(item) -> dict[str, Any]:
            return {"indicator": item.indicator.id, "label": item.indicator.label, "action": item.action.id,
                    "action_title": item.action.title, "theme": item.theme.id, "theme_title": item.theme.title}

        def owed(item: DueItem) -> dict[str, Any]:
            return {"key": item.key, "period": item.period, "start": item.bounds.start.isoformat(),
                    "end": item.bounds.end.isoformat(), "due": item.due.isoformat(), "state": item.state,
                    "days_late": item.days_late, "returned": item.returned, **where(item)}

        def stale(item: StaleItem) -> dict[str, Any]:
            return {"key": item.key, "last_update": item.last_update.isoformat() if item.last_update else None,
                    "since": item.since.isoformat(), "days": item.days, "stale_after": item.stale_after,
                    **where(item)}

        return {
            "format": DUE_FORMAT, "version": DUE_FORMAT_VERSION, "plan": self.plan.id,
            "as_of": self.as_of.isoformat(), "counts": self.counts(),
            "organisations": [{"id": o.organisation, "name": o.name, "email": o.email, "contact": o.contact,
                               "late": [owed(i) for i in o.late], "due": [owed(i) for i in o.due],
                               "stale": [stale(i) for i in o.stale]} for o in self.organisations],
        }


def reporters(plan: ActionPlan, action: Action, settings: Reporting | None) -> tuple[str, ...]:
    """The organisations that owe an action's updates: ``settings.reporter``, else its partners of the
    first role of :data:`REPORTER_ROLES` it has, else the plan's organisation (none when it has none)."""
    if settings is not None and settings.reporter:
        return (settings.reporter,)
    for role in REPORTER_ROLES:
        found = tuple(dict.fromkeys(p.organisation for p in action.partners if p.role == role))
        if found:
            return found
    return (plan.organisation,) if plan.organisation else ()


@attrs.frozen
class DueQuery:
    """What :func:`plan_due` asks of a plan's updates (:func:`due_query`), so a store can answer it alone.

    ``periods`` maps each indicator that may owe something at ``as_of`` to its reporting periods
    that ended before ``as_of`` (label, days), in order (empty for an indicator only watched for
    staleness); ``done`` names those of them that are deliverables or milestones, whose latest
    counted « done » ends what they owe.
    """

    as_of: dt.date
    periods: Mapping[str, tuple[tuple[str, Period], ...]] = attrs.field(factory=dict)
    done: frozenset[str] = frozenset()


@attrs.frozen
class Reported:
    """What was reported for one indicator up to the query's ``as_of`` (updates dated later left out).

    ``covered``: the labels of the asked periods that an update stands for (one naming the period,
    or naming none and dated within it) that was not returned (counted, approved or waiting for
    review); ``latest``: the date of the latest such update; ``done``: for a deliverable or a
    milestone, the « done » of its latest counted update that says (``None``: none says);
    ``returned``: for an asked period not covered, the note of the latest returned update for it
    (``""`` when the reviewer wrote none).
    """

    covered: frozenset[str] = frozenset()
    latest: dt.date | None = None
    done: bool | None = None
    returned: Mapping[str, str] = attrs.field(factory=dict)


def done_value(m: Measurement) -> bool | None:
    """What a measurement says of « done »: its ``done``, else whether its value is positive (``None``: nothing)."""
    if m.done is not None:
        return m.done
    if m.value is not None:
        return m.value > 0
    return None


def reported_from_updates(query: DueQuery, updates: Iterable[Any]) -> dict[str, Reported]:
    """The answer to ``query`` from a plan's updates in recording order: one pass over them.

    Each update has ``measurement`` (naming its indicator), ``status`` and ``review_note``
    (:class:`actionplan.storage.Update`). What a store answers without reading every update must
    equal this (the store conformance kit compares them). The loop is the only part that grows with
    the number of updates, so it does as little as it can per update.
    """
    as_of, asked, done_kinds = query.as_of, query.periods, query.done
    labels: dict[str, set[str]] = {}
    dates: dict[str, list[dt.date]] = {}
    latest: dict[str, dt.date] = {}
    returned: dict[str, list[tuple[Measurement, str]]] = {}
    done: dict[str, tuple[dt.date, Measurement]] = {}
    for update in updates:
        m = update.measurement
        day = m.date
        indicator_id = m.indicator
        if day > as_of or indicator_id not in asked:
            continue
        status = update.status
        if status == "returned":
            returned.setdefault(indicator_id, []).append((m, getattr(update, "review_note", None) or ""))
            continue
        if m.period is None:
            dates.setdefault(indicator_id, []).append(day)
        else:
            labels.setdefault(indicator_id, set()).add(m.period)
        if indicator_id not in latest or day > latest[indicator_id]:
            latest[indicator_id] = day
        if indicator_id in done_kinds and status in COUNTED_STATES and (m.done is not None or m.value is not None):
            known = done.get(indicator_id)
            if known is None or day >= known[0]:
                done[indicator_id] = (day, m)
    found: dict[str, Reported] = {}
    for indicator_id, periods in asked.items():
        named, days = labels.get(indicator_id, set()), sorted(dates.get(indicator_id, ()))
        covered = set()
        for label, bounds in periods:
            at = bisect.bisect_left(days, bounds.start)
            if label in named or (at < len(days) and days[at] <= bounds.end):
                covered.add(label)
        notes = {}
        for label, bounds in periods:
            if label in covered:
                continue
            for m, note in reversed(returned.get(indicator_id, ())):
                if (m.period == label) if m.period is not None else bounds.contains(m.date):
                    notes[label] = note
                    break
        last = done.get(indicator_id)
        found[indicator_id] = Reported(frozenset(covered), latest.get(indicator_id),
                                       done_value(last[1]) if last is not None else None, notes)
    return found


def _attached(plan: ActionPlan) -> list[Any]:
    """The measurements attached to a plan as updates (no review events: counted or submitted)."""
    return [_Attached(m if m.indicator is not None else attrs.evolve(m, indicator=indicator.id),
                      "submitted" if m.submitted else "counted")
            for *_, indicator in plan.iter_indicators() for m in indicator.measurements]


@attrs.frozen
class _Attached:
    """A measurement attached to a plan, seen as an update (no review events: counted or submitted)."""

    measurement: Measurement
    status: str


def _window(plan: ActionPlan, action: Action, ctx: ScheduleContext) -> Period | None:
    """The days an indicator of ``action`` is reported over: the plan's period, narrowed to the action's
    schedule when it can be dated; ``None`` for an unscheduled action or a schedule outside the plan."""
    whole = Period(plan.period.start, plan.period.end)
    if action.schedule is None:
        return whole
    if action.schedule.unscheduled:
        return None
    bounds = action.schedule.bounds(ctx)
    if bounds is None:
        return whole
    return whole.intersection(bounds)


def _check_organisation(plan: ActionPlan, organisation: str | None) -> None:
    known = {o.id for o in plan.organisations}
    if organisation is not None and organisation not in known and organisation != plan.organisation:
        close = difflib.get_close_matches(organisation, list(known), n=1)
        raise ActionplanError(Message("due.unknown_organisation", organisation=organisation, plan=plan.id,
                                      hint=close[0] if close else "—", known=len(known)))


def _owing(plan: ActionPlan, as_of: dt.date, organisation: str | None) -> Iterator[tuple]:
    """Each indicator that may owe something at ``as_of``: (theme, action, indicator, settings, owners,
    window, its periods ended before ``as_of``)."""
    ctx = ScheduleContext(plan.period.start, plan.period.end, fiscal_years=plan.fiscal_years)
    grids: dict[tuple[str, Period], list[tuple[str, Period]]] = {}
    for theme, _objective, action, indicator in plan.iter_indicators():
        settings = indicator.reporting.over(plan.reporting) if indicator.reporting is not None else plan.reporting
        if settings is None or (settings.frequency is None and settings.stale_after is None):
            continue
        owners = reporters(plan, action, settings)
        if organisation is not None:
            owners = tuple(o for o in owners if o == organisation)
        if not owners:
            continue
        window = _window(plan, action, ctx)
        if window is None or window.start >= as_of:
            continue
        ended: tuple[tuple[str, Period], ...] = ()
        if settings.frequency is not None:
            key = (settings.frequency, window)
            grid = grids.get(key)
            if grid is None:
                grid = grids[key] = reporting_periods(settings.frequency, window, fiscal_years=plan.fiscal_years)
            ended = tuple(itertools.takewhile(lambda period: period[1].end < as_of, grid))
        yield theme, action, indicator, settings, owners, window, ended


def due_query(plan: ActionPlan, as_of: dt.date, *, organisation: str | None = None) -> DueQuery:
    """What :func:`plan_due` needs to know of ``plan``'s updates at ``as_of`` (for ``organisation`` only, if given)."""
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    _check_organisation(plan, organisation)
    periods, done = {}, set()
    for _theme, _action, indicator, _settings, _owners, _window_, ended in _owing(plan, as_of, organisation):
        periods[indicator.id] = ended
        if indicator.kind in _DONE_KINDS:
            done.add(indicator.id)
    return DueQuery(as_of, periods, frozenset(done))


def plan_due(plan: ActionPlan, as_of: dt.date, *, updates: Iterable[Any] | None = None,
             organisation: str | None = None, reported: Mapping[str, Reported] | None = None) -> DueReport:
    """The updates of ``plan`` due, late and stale at ``as_of``, per organisation (see the module's rules).

    ``updates`` are the plan's updates with their review state, each with ``measurement`` (naming its
    indicator), ``status`` (:data:`~actionplan.model.review.UPDATE_STATES`) and ``review_note`` — what
    :meth:`actionplan.storage.Store.updates` gives; without them, the measurements attached to the plan
    are taken (those marked ``submitted`` as waiting for review). ``reported`` is, instead, a store's
    answer to :func:`due_query` (:meth:`actionplan.storage.Store.due_facts`), which reads no update it
    does not need. ``organisation`` keeps only that organisation's items; an id the plan does not know
    raises :class:`~actionplan.errors.ActionplanError` naming it (and the closest known id).
    Organisations come in the plan's order; ones owing nothing are left out, except the one asked for.
    """
    if isinstance(as_of, dt.datetime):
        as_of = as_of.date()
    _check_organisation(plan, organisation)
    if reported is None:
        reported = reported_from_updates(due_query(plan, as_of, organisation=organisation),
                                         _attached(plan) if updates is None else updates)
    known = {o.id: o for o in plan.organisations}
    nothing = Reported()
    owed_due: dict[str, list[DueItem]] = {}
    owed_late: dict[str, list[DueItem]] = {}
    owed_stale: dict[str, list[StaleItem]] = {}
    for theme, action, indicator, settings, owners, window, ended in _owing(plan, as_of, organisation):
        mine = reported.get(indicator.id, nothing)
        if indicator.kind in _DONE_KINDS and mine.done:
            continue  # delivered: nothing more to report
        due_days = settings.due_days if settings.due_days is not None else DEFAULT_DUE_DAYS
        for label, bounds in ended:
            if label in mine.covered:
                continue
            due = bounds.end + dt.timedelta(days=due_days)
            late = as_of > due
            note = mine.returned.get(label)
            target = owed_late if late else owed_due
            for owner in owners:
                target.setdefault(owner, []).append(DueItem(
                    owner, theme, action, indicator, label, bounds, due, "late" if late else "due",
                    (as_of - due).days if late else 0, note))
        if settings.stale_after is not None:
            since = mine.latest if mine.latest is not None else window.start
            days = (as_of - since).days
            if days > settings.stale_after:
                for owner in owners:
                    owed_stale.setdefault(owner, []).append(
                        StaleItem(owner, theme, action, indicator, mine.latest, since, days, settings.stale_after))
    ids = {*owed_due, *owed_late, *owed_stale, *([organisation] if organisation is not None else [])}
    order = {o.id: n for n, o in enumerate(plan.organisations)}
    results = []
    for org_id in sorted(ids, key=lambda o: (order.get(o, len(order)), o)):
        org = known.get(org_id)
        results.append(OrganisationDue(org_id, org.name if org else org_id, org.email if org else None,
                                       org.contact if org else None, tuple(owed_due.get(org_id, ())),
                                       tuple(owed_late.get(org_id, ())), tuple(owed_stale.get(org_id, ()))))
    return DueReport(plan, as_of, tuple(results))
