"""iCalendar: the plan's dates in the calendars where people plan their meetings.

Only what has a real date becomes an event (all-day, one day, marked *free* so it never
blocks a real meeting):

* a milestone's due date (« Jalon : Tenue de l'AGA (31 mars 2026) »);
* a schedule's date (« 31 mars 2026 »), deadline (« d'ici juin 2026 », « avant le 15 mai
  2026 »: the last day allowed), dated start (« à partir du 15 mai 2026 ») or the dates of
  a named event the plan gives;
* a regular phrase (« 2 fois par année », « Annuellement Automne », « Chaque mois ») as *one*
  recurring event (RRULE) on the last day of each of its periods, the day each occurrence is
  due by; a series no rule can say exactly is given as its dates (RDATE);
* with a grant program: the opening of each call, each deposit deadline (its postponements
  in the description) and each report due on a date.

A window (« Hiver 2026 », « 2026 », « 2025-2026 ») is no day: it becomes a to-do (VTODO)
from the window's first day, due on its last day, with the action's status — never an event
spanning weeks. So does a count of meetings (« 4 rencontres »): one to-do due at the end of its
action's schedule, with how many were held; no date is invented for them. Option
``windows=omit`` leaves every to-do out. « En continu », « Au besoin », « À déterminer » give
nothing: they name no time.

Every date is a whole day (``VALUE=DATE``): plans give no times, so no time zone applies.
UIDs are stable (plan id, action or indicator id, schedule part), so importing a newer file
updates events instead of duplicating them.
"""

from __future__ import annotations

import datetime as dt
import itertools

from dateutil.rrule import MONTHLY, YEARLY, rrule
from icalendar import Calendar, Event, Todo

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
#: Counts with a larger target are not meetings (newsletters, participants…).
MAX_MEETINGS = 24
#: Schedule parts that name a day.
_DATED = ("date", "deadline", "relative")
#: Schedule parts that name a window of time, due by its last day.
_WINDOWS = ("month", "season", "year", "year_span", "fiscal_year", "quarter", "semester", "portion", "range")
#: An action's rollup status → (VTODO STATUS, PERCENT-COMPLETE when known).
_TODO_STATUS = {"achieved": ("COMPLETED", 100), "not_started": ("NEEDS-ACTION", 0)}


class _Writer:
    """Adds components to a calendar, each UID once."""

    def __init__(self, calendar: Calendar, plan_id: str, stamp: dt.datetime):
        self.calendar, self.plan_id, self.stamp = calendar, plan_id, stamp
        self.seen: set[str] = set()

    def _component(self, kind, uid: str, summary: str, description: str, category: str | None):
        uid = f"{self.plan_id}.{uid}@actionplan"
        if uid in self.seen:
            return None
        self.seen.add(uid)
        component = kind()
        component.add("uid", uid)
        component.add("dtstamp", self.stamp)
        component.add("summary", printable(summary))  # RFC 5545 forbids control characters
        component.add("description", printable(description))
        if category:
            component.add("categories", [printable(category)])
        return component

    def event(self, uid: str, summary: str, days: list[dt.date], description: str, category: str | None) -> None:
        """A one-day event on ``days[0]``, repeated on the other days by a rule or as dates."""
        event = self._component(Event, uid, summary, description, category)
        if event is None or not days:
            return
        event.add("dtstart", days[0])
        event.add("dtend", days[0] + _ONE_DAY)  # all-day events end the day after (exclusive)
        if len(days) > 1:
            rule = _rule(days)
            if rule is not None:
                event.add("rrule", rule)
            else:
                event.add("rdate", days[1:])
        event.add("transp", "TRANSPARENT")
        self.calendar.add_component(event)

    def todo(self, uid: str, summary: str, window: Period, description: str, category: str | None,
             status: tuple[str, int | None] | None = None) -> None:
        """A to-do from the window's first day, due on its last day."""
        todo = self._component(Todo, uid, summary, description, category)
        if todo is None:
            return
        if window.start < window.end:  # DUE must come after DTSTART
            todo.add("dtstart", window.start)
        todo.add("due", window.end)
        if status is not None:
            todo.add("status", status[0])
            if status[1] is not None:
                todo.add("percent-complete", status[1])
        self.calendar.add_component(todo)


def render_ics(plan, ctx: ReportContext) -> bytes:
    view, loc = PlanView(plan, ctx.progress, ctx.loc), ctx.loc
    calendar = Calendar()
    calendar.add("prodid", "-//actionplan//actionplan-office//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", printable(loc("ics.calendar", title=plan.title)))
    writer = _Writer(calendar, plan.id, dt.datetime.combine(ctx.as_of, dt.time(), tzinfo=dt.UTC))
    todos = ctx.options["windows"] == "todo"
    for theme in ctx.progress.themes:
        for objective in theme.objectives:
            for action in objective.actions:
                _action(writer, view, action, ctx, theme.theme.title, todos=todos)
    if ctx.program is not None:
        _program(writer, ctx, ctx.program, todos=todos)
    return calendar.to_ical()


def _action(writer: _Writer, view: PlanView, action, ctx: ReportContext, category: str, *, todos: bool) -> None:
    loc, sctx, plan_period = ctx.loc, view.schedule_ctx, view.plan.period
    a = action.action
    base = [a.title] + ([loc.pair(loc("col.schedule"), a.schedule.text)] if a.schedule else [])
    status = _TODO_STATUS.get(action.rollup.status, ("IN-PROCESS", None))
    for index, part in enumerate(a.schedule.parts if a.schedule else ()):
        uid = f"{a.id}.p{index}"
        if part.kind in _DATED:
            days = [period.end for period in part.occurrences(plan_period.start, plan_period.end, sctx)]
            for n, day in enumerate(days):  # a named event's dates: one event each
                writer.event(uid if n == 0 else f"{uid}.{n}", loc("ics.deadline", label=a.title), [day],
                             "\n".join(base), category)
        elif part.kind == "start" and part.on.kind == "date":
            writer.event(uid, loc("ics.start", label=a.title), [part.date(sctx)], "\n".join(base), category)
        elif part.kind == "recurrence":
            periods = part.occurrences(plan_period.start, plan_period.end, sctx)
            spans = loc("ics.separator").join(loc("ics.span", start=loc.date(p.start), end=loc.date(p.end))
                                              for p in periods)
            writer.event(uid, loc("ics.recurrence", label=a.title), [p.end for p in periods],
                         "\n".join([*base, loc("ics.recurrence_due", periods=spans)]), category)
        elif part.kind in _WINDOWS and todos:
            window = part.bounds(sctx)
            text = "\n".join([*base, loc("ics.window", start=loc.date(window.start), end=loc.date(window.end)),
                              *_indicator_lines(view, action)])
            writer.todo(f"{uid}.todo", loc("ics.todo", label=a.title), window, text, category, status)
    for ip in action.indicators:
        indicator = ip.indicator
        if indicator.kind == "milestone" and indicator.due is not None:
            text = "\n".join([*base, indicator.label, _state(view, ip)])
            writer.event(indicator.id, loc("ics.milestone", label=f"{a.title} ({indicator.label})"),
                         [indicator.due], text, category)
        elif todos and ctx.options["meetings"] and _is_meeting(indicator) and not (a.schedule and a.schedule.unscheduled):
            _meetings(writer, view, action, ip, base, category)


def _meetings(writer: _Writer, view: PlanView, action, ip, base: list[str], category: str) -> None:
    """A counted meeting (« 4 rencontres »): a to-do due at the end of the action's schedule (each year's end
    when the target is per year), with how many were held; no meeting date is made up."""
    loc, a, indicator = view.loc, action.action, ip.indicator
    window = a.schedule.bounds(view.schedule_ctx) if a.schedule else None
    window = window or view.plan.period
    windows = [window]
    if indicator.per == "year":
        yearly = ScheduleContext(window.start, window.end)
        windows = Recurrence(times_per_year=1).occurrences(window.start, window.end, yearly)
    who = ", ".join(view.organisation_name(p.organisation, short=True) for p in a.partners
                    if p.role in ("participant", "responsible", "lead"))
    summary = f"{indicator.label} — {who}" if who else indicator.label
    held = ip.value if ip.value is not None else 0
    percent = min(100, int(held * 100 // indicator.target))
    status = ("COMPLETED", 100) if ip.status == "achieved" else ("IN-PROCESS" if held else "NEEDS-ACTION", percent)
    for n, period in enumerate(windows):
        text = "\n".join([*base, indicator.label, loc("ics.window", start=loc.date(period.start),
                                                       end=loc.date(period.end)), _state(view, ip)])
        writer.todo(indicator.id if n == 0 else f"{indicator.id}.{n}", summary, period, text, category, status)


def _program(writer: _Writer, ctx: ReportContext, program, *, todos: bool) -> None:
    loc = ctx.loc
    program_ctx = ScheduleContext(program.period.start, program.period.end, fiscal_years=True)
    for call in program.calls:
        if call.opens is not None:
            writer.event(f"{program.id}.{call.id}.opens", loc("ics.opens", label=call.title), [call.opens],
                         call.title, program.title)
        if call.schedule is not None and todos:
            windows = call.schedule.occurrences(program.period.start, program.period.end, program_ctx)
            for n, window in enumerate(windows, start=1):
                text = "\n".join([call.title, call.schedule.text,
                                  loc("ics.window", start=loc.date(window.start), end=loc.date(window.end))])
                writer.todo(f"{program.id}.{call.id}.w{n}", loc("ics.call", label=call.title), window, text,
                            program.title)
        for index, deadline in enumerate(call.deadlines):
            history = [loc.date(day) for day in deadline.history()[:-1]]
            description = call.title + (f"\n{loc('ics.postponed', dates=', '.join(history))}" if history else "")
            writer.event(f"{program.id}.{call.id}.{index}", loc("ics.deposit", label=deadline.label or call.title),
                         [deadline.date], description, program.title)
    for report in program.reports:
        if not all(part.kind in _DATED for part in report.due.parts):
            continue  # « à la fin de chaque projet » without the projects' end dates: no date to give
        periods = report.due.occurrences(program.period.start, program.period.end, program_ctx)
        for n, period in enumerate(periods):
            writer.event(f"{program.id}.{report.id}.{n}", loc("ics.report", label=report.title),
                         [period.end + dt.timedelta(days=report.days_after)],
                         "\n".join([report.title, report.due.text]), program.title)


def _indicator_lines(view: PlanView, action) -> list[str]:
    return [f"→ {ip.indicator.label} — {view.loc.status(ip.status)}" for ip in action.indicators]


def _state(view: PlanView, ip) -> str:
    loc = view.loc
    return loc.pair(loc("col.status"), f"{loc.status(ip.status)} — {view.value_text(ip)}")


def _is_meeting(indicator) -> bool:
    """A count with a whole target, over the schedule or per year: meetings, workshops, trainings."""
    target = indicator.target
    return (indicator.kind == "count" and target is not None and target == target.to_integral_value()
            and 1 <= target <= MAX_MEETINGS and indicator.per in (None, "year") and indicator.direction == "increase")


def _rule(days: list[dt.date]) -> dict | None:
    """The RRULE giving exactly ``days`` from ``days[0]``: every k months on the last day of the month,
    or every year on the same day; ``None`` when no such rule gives them (the days are then listed)."""
    steps = {(later.year - earlier.year) * 12 + later.month - earlier.month
             for earlier, later in itertools.pairwise(days)}
    if len(steps) != 1:
        return None
    months = steps.pop()
    month_ends = all((day + _ONE_DAY).day == 1 for day in days)
    if months == 12 and len({(day.month, day.day) for day in days}) == 1:
        rule: dict = {"freq": "yearly", "count": len(days)}
    elif month_ends and months > 0:
        rule = {"freq": "monthly", "interval": months, "bymonthday": -1, "count": len(days)}
    else:
        return None
    return rule if _expand(days[0], rule) == days else None


def _expand(start: dt.date, rule: dict) -> list[dt.date]:
    """The days a rule gives from ``start`` (dateutil, as calendar applications read it)."""
    begin = dt.datetime.combine(start, dt.time())
    if rule["freq"] == "yearly":
        found = rrule(YEARLY, dtstart=begin, count=rule["count"])
    else:
        found = rrule(MONTHLY, dtstart=begin, interval=rule["interval"], bymonthday=-1, count=rule["count"])
    return [day.date() for day in found]


ICS_FORMAT = ReportFormat(
    name="ics",
    extension=".ics",
    description="iCalendar: milestones, deadlines, recurring dates as rules, windows as to-dos, deposit deadlines",
    render=render_ics,
    media_type="text/calendar; charset=utf-8",
    options=(
        ReportOption("windows", "windows of time (« Hiver 2026 », « 2026 ») as to-dos due at their end, or left out",
                     default="todo", type="choice", choices=("todo", "omit")),
        ReportOption("meetings", "counted meetings (« 4 rencontres ») as to-dos of their own, with how many were held",
                     default=True, type="bool"),
    ),
)
