"""``actionplan due PLAN --format ics``: what the organisations owe, as to-dos in their calendars.

One VTODO per item of :func:`actionplan.api.plan_due`: a late or due update is due (``DUE``) on
its due date and starts the day after its period ends; a stale indicator is due on the day of the
report. UIDs are stable (plan, organisation, item key), so importing a newer file updates the
to-dos instead of duplicating them; ``DTSTAMP`` is the report's date, so the same report gives the
same bytes. Every word comes from the plugin's catalogue, in the report's language.
"""

from __future__ import annotations

import datetime as dt

from icalendar import Calendar, Todo

from actionplan.api import DueReport, Localizer, printable, t, tn

_ONE_DAY = dt.timedelta(days=1)


def _uid(report: DueReport, organisation: str, key: str) -> str:
    return f"{report.plan.id}.due.{organisation}.{key.replace('/', '.')}@actionplan"


def _todo(report: DueReport, uid: str, summary: str, description: str, category: str, due: dt.date,
          start: dt.date | None, priority: int) -> Todo:
    todo = Todo()
    todo.add("uid", uid)
    todo.add("dtstamp", dt.datetime.combine(report.as_of, dt.time(), tzinfo=dt.UTC))
    todo.add("summary", printable(summary))
    todo.add("description", printable(description))
    todo.add("categories", [printable(category)])
    if start is not None and start < due:
        todo.add("dtstart", start)
    todo.add("due", due)
    todo.add("status", "NEEDS-ACTION")
    todo.add("priority", priority)
    return todo


def render_due_ics(report: DueReport, lang: str) -> bytes:
    """The calendar of ``report`` (see the module's docstring)."""
    calendar = Calendar()
    calendar.add("prodid", "-//actionplan//actionplan-office due//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", printable(t("office.due.calendar", lang, title=report.plan.title)))
    for org in report.organisations:
        for item in (*org.late, *org.due):
            where = t("office.due.where", lang, action=item.action.title, theme=item.theme.title)
            state = (tn("office.due.late", item.days_late, lang) if item.state == "late"
                     else t("office.due.due", lang))
            lines = [where, state] + ([t("office.due.returned", lang, note=item.returned)] if item.returned else [])
            calendar.add_component(_todo(
                report, _uid(report, org.organisation, item.key),
                t("office.due.summary", lang, period=item.period, label=item.indicator.label, organisation=org.name),
                "\n".join(lines), org.name, item.due, item.bounds.end + _ONE_DAY, 1 if item.state == "late" else 5))
        for stale in org.stale:
            where = t("office.due.where", lang, action=stale.action.title, theme=stale.theme.title)
            calendar.add_component(_todo(
                report, _uid(report, org.organisation, stale.key),
                t("office.due.stale_summary", lang, label=stale.indicator.label, organisation=org.name),
                "\n".join([where, tn("office.due.stale", stale.days, lang, date=Localizer(lang).date(stale.since))]),
                org.name, report.as_of, None, 5))
    return calendar.to_ical()


def render(report: DueReport, format: str, lang: str) -> bytes | None:
    """The ``actionplan_render_due`` answer: ``ics`` only."""
    if format != "ics":
        return None
    return render_due_ics(report, lang)


__all__ = ["render", "render_due_ics"]
