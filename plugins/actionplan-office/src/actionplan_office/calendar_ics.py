"""iCalendar: the plan's dates in the calendars where people plan their meetings.

What becomes an event (all-day, marked *free* so it never blocks a real meeting):

* a milestone's due date (« AGA : 31 mars 2026 »);
* a schedule's dated part (« 31 mars 2026 ») or deadline (« d'ici juin 2026 », « avant le 15 mai
  2026 ») — one event on that day (the last day allowed);
* each occurrence of a recurrence (« 2 fois par année », « Annuellement Automne »), spanning
  the window it is due in;
* each meeting of a count with a target (« 4 rencontres » of the Table des partenaires),
  expanded from the action's schedule: the schedule's window cut into as many slots as the
  target (per year when the target is per year), one event per slot « 1 sur 4 »…;
* with a grant program, each call for projects over the window its schedule gives (« Hiver 2019-2020 »,
  each autumn), and each deposit deadline of its calls (its postponements in the description).

An unscheduled action (« Au besoin », « À déterminer ») has no event from its schedule, nor
meetings expanded over the plan's period: only its milestones' own due dates.

UIDs are stable (plan id, indicator id, slot), so importing a newer file updates events
instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
import itertools

from icalendar import Calendar, Event

from actionplan.api import (
    Period,
    PlanView,
    Recurrence,
    ReportContext,
    ReportFormat,
    ReportOption,
    ScheduleContext,
    printable,
)

_ONE_DAY = dt.timedelta(days=1)
#: Counts with a larger target are not meetings to expand (newsletters, participants…).
MAX_EXPANDED = 24


def render_ics(plan, ctx: ReportContext) -> bytes:
    view, loc = PlanView(plan, ctx.progress, ctx.loc), ctx.loc
    calendar = Calendar()
    calendar.add("prodid", "-//actionplan//actionplan-office//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", printable(loc("ics.calendar", title=plan.title)))
    stamp = dt.datetime.combine(ctx.as_of, dt.time(), tzinfo=dt.UTC)
    seen: set[str] = set()

    def add(uid: str, summary: str, period: Period, description: str, category: str | None) -> None:
        uid = f"{plan.id}.{uid}@actionplan"
        if uid in seen:
            return
        seen.add(uid)
        event = Event()
        event.add("uid", uid)
        event.add("dtstamp", stamp)
        event.add("dtstart", period.start)
        event.add("dtend", period.end + _ONE_DAY)  # all-day events end the day after (exclusive)
        event.add("summary", printable(summary))  # RFC 5545 forbids control characters
        event.add("description", printable(description))
        event.add("transp", "TRANSPARENT")
        if category:
            event.add("categories", [printable(category)])
        calendar.add_component(event)

    for theme in ctx.progress.themes:
        for objective in theme.objectives:
            for action in objective.actions:
                for uid, summary, period, description in _action_events(view, action, ctx):
                    add(uid, summary, period, description, theme.theme.title)
    program = ctx.program
    if program is not None:
        program_ctx = ScheduleContext(program.period.start, program.period.end, fiscal_years=True)
        for call in program.calls:
            if call.schedule is not None:
                windows = call.schedule.occurrences(program.period.start, program.period.end, program_ctx)
                for n, window in enumerate(windows, start=1):
                    text = "\n".join([call.title, call.schedule.text,
                                      loc("ics.window", start=loc.date(window.start), end=loc.date(window.end))])
                    add(f"{program.id}.{call.id}.w{n}", loc("ics.call", label=call.title), window, text, program.title)
            for index, deadline in enumerate(call.deadlines):
                history = [loc.date(day) for day in deadline.history()[:-1]]
                description = call.title + (f"\n{loc('ics.postponed', dates=', '.join(history))}" if history else "")
                add(f"{program.id}.{call.id}.{index}", loc("ics.deposit", label=deadline.label or call.title),
                    Period.day(deadline.date), description, program.title)
    return calendar.to_ical()


def _action_events(view: PlanView, action, ctx: ReportContext):
    """(uid, summary, period, description) of every dated thing of one action."""
    loc, sctx = ctx.loc, view.schedule_ctx
    a = action.action
    base = [a.title] + ([loc.pair(loc("col.schedule"), a.schedule.text)] if a.schedule else [])
    window = a.schedule.bounds(sctx) if a.schedule else None
    window = (window.intersection(view.plan.period) if window else view.plan.period) or view.plan.period
    if a.schedule is not None:
        for index, part in enumerate(a.schedule.parts):
            periods = part.occurrences(view.plan.period.start, view.plan.period.end, sctx)
            if part.kind in ("date", "deadline"):
                for period in periods:
                    yield f"{a.id}.p{index}", loc("ics.deadline", label=a.title), period, "\n".join(base)
            elif part.kind == "recurrence":
                for n, period in enumerate(periods, start=1):
                    summary = loc("ics.occurrence", label=a.title, n=n, total=len(periods))
                    text = "\n".join([*base, loc("ics.window", start=loc.date(period.start), end=loc.date(period.end))])
                    yield f"{a.id}.p{index}.{n}", summary, period, text
    for ip in action.indicators:
        indicator = ip.indicator
        state = loc.pair(loc("col.status"), f"{loc.status(ip.status)} — {view.value_text(ip)}")
        if indicator.kind == "milestone" and indicator.due is not None:
            text = "\n".join([*base, indicator.label, state])
            yield f"{indicator.id}", loc("ics.milestone", label=f"{a.title} ({indicator.label})"), \
                Period.day(indicator.due), text
        elif ctx.options["meetings"] and _expandable(indicator) and not (a.schedule and a.schedule.unscheduled):
            slots = _slots(window, int(indicator.target), per_year=indicator.per == "year")
            who = ", ".join(view.organisation_name(p.organisation, short=True) for p in a.partners
                            if p.role in ("participant", "responsible", "lead")) or a.title
            for n, slot in enumerate(slots, start=1):
                summary = loc("ics.meeting", label=f"{indicator.label} — {who}", n=n, total=len(slots))
                text = "\n".join([*base, indicator.label, loc("ics.window", start=loc.date(slot.start),
                                                               end=loc.date(slot.end)), state])
                yield f"{indicator.id}.{n}", summary, slot, text


def _expandable(indicator) -> bool:
    """A count with a whole target, over the schedule or per year: meetings, workshops, trainings."""
    target = indicator.target
    return (indicator.kind == "count" and target is not None and target == target.to_integral_value()
            and 1 <= target <= MAX_EXPANDED and indicator.per in (None, "year") and indicator.direction == "increase")


def _slots(window: Period, count: int, *, per_year: bool) -> list[Period]:
    """``count`` consecutive windows covering ``window`` (per year: ``count`` in each year of it).

    Counts dividing 12 give whole months (4 → quarters), as the schedules' recurrences do.
    """
    years = max(1, round(window.days / 365.25))
    if per_year or years == 1:
        ctx = ScheduleContext(window.start, window.end)
        return Recurrence(times_per_year=count).occurrences(window.start, window.end, ctx)
    cuts = [window.start + dt.timedelta(days=i * window.days // count) for i in range(count + 1)]
    return [Period(begin, after - _ONE_DAY) for begin, after in itertools.pairwise(cuts) if after > begin]


ICS_FORMAT = ReportFormat(
    name="ics",
    extension=".ics",
    description="iCalendar: milestones, dated deadlines, recurring meetings from the schedules, deposit deadlines",
    render=render_ics,
    media_type="text/calendar; charset=utf-8",
    options=(
        ReportOption("meetings", "expand counted meetings (« 4 rencontres ») into one event per slot", default=True,
                     type="bool"),
    ),
)
