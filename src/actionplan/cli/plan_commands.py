"""Built-in plan commands: ``validate`` and ``show``."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal

import attrs
import click

import actionplan

from ..errors import ActionplanError, ValidationError
from ..i18n import N_, t, tn
from .common import cycle_of, parse_date_option, resolve_plan


def document_issues(document, others=()) -> list:
    """Issues of a loaded document; applications are checked against their program when its plan is
    among ``others`` (the files validated together), so they see the territories of that plan."""
    from ..documents import check_document
    from ..grants.checks import check_applications
    from ..model.grants import ApplicationsDocument
    from ..model import ActionPlan

    if isinstance(document, ApplicationsDocument):
        program = next((d for d in others if isinstance(d, ActionPlan) and d.id == document.program
                        and d.program is not None), None)
        if program is not None:
            return check_applications(document, program)
    return check_document(document)


def quarter_bounds(day: dt.date) -> tuple[dt.date, dt.date]:
    """First and last day of ``day``'s calendar quarter."""
    first_month = 3 * ((day.month - 1) // 3) + 1
    start = dt.date(day.year, first_month, 1)
    end = (dt.date(day.year + (first_month + 3 > 12), (first_month + 2) % 12 + 1, 1)) - dt.timedelta(days=1)
    return start, end


@actionplan.hookimpl
def actionplan_register_commands(cli):
    @cli.command(help=N_("cli.validate.help"))
    @click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
    @click.pass_obj
    def validate(state, files):
        """Check documents; print every error with its path; exit 2 if any is invalid."""
        from . import print_error

        failed = 0
        loaded = {}
        for path in files:
            try:
                loaded[path] = actionplan.load(path)
            except ValidationError as exc:
                failed += 1
                print_error(ValidationError(exc.issues, exc.source or path), state.lang)
            except ActionplanError as exc:
                failed += 1
                click.echo(f"actionplan: {exc.message(state.lang)}", err=True)
        for path, document in loaded.items():
            issues = document_issues(document, loaded.values())
            errors = [issue for issue in issues if issue.severity == "error"]
            if errors:
                failed += 1
                print_error(ValidationError(errors, path), state.lang)
                continue
            for issue in issues:
                click.echo(f"{path}: " + t("cli.warning", state.lang) + f": {issue.render(state.lang)}", err=True)
            click.echo(t("cli.valid", state.lang, source=path))
        if failed:
            raise click.exceptions.Exit(2)

    @cli.command(help=N_("cli.show.help"))
    @click.argument("file", metavar="FILE|ID")
    @click.option("--tracking", "-t", multiple=True, type=click.Path(dir_okay=False),
                  help=N_("cli.report.option.tracking"))
    @click.option("--as-of", callback=parse_date_option, default=None, help=N_("cli.report.option.as_of"))
    @click.pass_obj
    def show(state, file, tracking, as_of):
        """Summarise a plan: themes, counts, progress and what is due this quarter."""
        day = as_of or dt.date.today()
        plan = resolve_plan(state, file, tracking, for_progress=True, as_of=day)
        pending, manual = cycle_of(state, file, plan, tracking, as_of=day)
        render_summary(plan, day, state.lang, pending=[p for p in pending if getattr(p, "measurement", p).date <= day],
                       manual=manual)




#: Schedule parts naming a day (an occurrence is that day).
_DAYS = ("date", "deadline", "relative")
#: Parts covering a whole year or more (« 2026 », « 2025-2026 »): no day of theirs is this quarter's.
_WHOLE_YEARS = ("year", "year_span", "fiscal_year")
#: A block of time this long (1 January → 31 December is 364 days after its start) is a whole year.
_A_YEAR = 364


@attrs.frozen
class Due:
    """An action with something in a quarter: ``when`` is what (``kind``: on, by, from, occurrence, milestone)."""

    theme: object
    action: object
    kind: str
    start: dt.date
    end: dt.date
    label: str = ""


def due_between(plan, start: dt.date, end: dt.date, ctx):
    """What falls in [start, end]: (due items, continuous actions, whole-year actions).

    An action is due when its schedule has a day in the window (a date, a deadline, an event's
    date), an occurrence of a recurrence meeting it (« 2 fois par année », « Chaque mois »), a
    start in it (« Dès janvier 2026 »), a window shorter than a year ending in it (« Hiver
    2026 » is due by its last day), or a milestone due in it. « En continu » is due every day
    and « 2026 » all year: listing those every quarter would drown what is really due, so
    they are only counted. Unscheduled ones (« Au besoin », « À déterminer ») are never due.
    """
    from ..model.schedules import Period

    window = Period(start, end)
    due: list[Due] = []
    continuous: list[tuple] = []
    whole: list[tuple] = []
    for theme, _objective, action in plan.iter_actions():
        found = [Due(theme, action, "milestone", i.due, i.due, i.label) for i in action.indicators
                 if i.kind == "milestone" and i.due is not None and start <= i.due <= end]
        parts = action.schedule.parts if action.schedule is not None else ()
        for part in parts:
            if part.kind in _DAYS:
                found += [Due(theme, action, "by" if part.kind == "deadline" else "on", o.end, o.end)
                          for o in part.occurrences(start, end, ctx)]
            elif part.kind == "start" and start <= part.date(ctx) <= end:
                found.append(Due(theme, action, "from", part.date(ctx), part.date(ctx)))
            elif part.kind == "recurrence":
                found += [Due(theme, action, "occurrence", o.start, o.end)  # « Une rencontre »: any day of
                          for o in part.occurrences(ctx.start, ctx.end, ctx)  # the year, as « 2026 »
                          if o.overlaps(window) and (o.end - o.start).days < _A_YEAR]
            elif part.kind not in (*_WHOLE_YEARS, "continuous", "start", "unscheduled", "free_text"):
                bounds = part.bounds(ctx)
                if bounds is not None and start <= bounds.end <= end and (bounds.end - bounds.start).days < _A_YEAR:
                    found.append(Due(theme, action, "by", bounds.end, bounds.end))
        if found:
            due.extend(dict.fromkeys(found))  # each thing once, in the schedule's order
        elif any(p.kind == "continuous" or p.kind == "start" and p.date(ctx) <= end for p in parts):
            continuous.append((theme, action))  # « En continu », « Dès janvier 2026 » once started
        elif action.schedule is not None and action.schedule.is_due_between(start, end, ctx):
            whole.append((theme, action))
    return due, continuous, whole


def _percent(fraction: Decimal | None) -> str:
    if fraction is None:
        return "—"
    return f"{(fraction * 100).quantize(Decimal('1'))} %"


#: Columns of the summary table → their heading's code.
SUMMARY_COLUMNS = {
    "theme": N_("cli.theme"), "objectives": N_("cli.objectives"), "actions": N_("cli.actions"),
    "indicators": N_("cli.indicators"), "progress": N_("cli.progress"), "status": N_("cli.status"),
}
#: Progress statuses → their code.
STATUS_CODES = {
    "not_started": N_("cli.status.not_started"), "on_track": N_("cli.status.on_track"),
    "at_risk": N_("cli.status.at_risk"), "late": N_("cli.status.late"), "achieved": N_("cli.status.achieved"),
    "postponed": N_("cli.status.postponed"), "abandoned": N_("cli.status.abandoned"),
}


def render_summary(plan, as_of: dt.date, lang: str, *, pending=(), manual=None) -> None:
    """``show``'s summary of ``plan`` at ``as_of``; ``pending`` the updates waiting for review (counted
    apart), ``manual`` the statuses set by hand that stand (listed with the computed ones)."""
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from ..progress import plan_progress, schedule_context
    from ..reports.labels import format_day, localizer

    console = Console(highlight=False, width=None if sys.stdout.isatty() else 110)
    progress = plan_progress(plan, as_of, manual=manual)
    day = lambda d: format_day(d, lang)  # noqa: E731
    console.print(f"[bold]{escape(plan.title)}[/bold] — " + t("cli.as_of", lang, date=day(as_of)))
    console.print(localizer(lang).pair(t("cli.period", lang), f"{day(plan.period.start)} → {day(plan.period.end)}"))
    table = Table(show_lines=False)
    for column in ("theme", "objectives", "actions", "indicators", "progress", "status"):
        table.add_column(t(SUMMARY_COLUMNS[column], lang))
    totals = [0, 0, 0]
    for theme_progress in progress.themes:
        theme = theme_progress.theme
        counts = [
            len(theme.objectives),
            sum(len(o.actions) for o in theme.objectives),
            sum(len(a.indicators) for o in theme.objectives for a in o.actions),
        ]
        totals = [total + c for total, c in zip(totals, counts)]
        rollup = theme_progress.rollup
        table.add_row(escape(theme.title), *map(str, counts), _percent(rollup.fraction), t(STATUS_CODES[rollup.status], lang))
    table.add_row("[bold]" + t("cli.total", lang) + "[/bold]", *map(str, totals), _percent(progress.rollup.fraction),
                  t(STATUS_CODES[progress.rollup.status], lang))
    console.print(table)

    ctx = schedule_context(plan)
    start, end = quarter_bounds(as_of)
    console.print("[bold]" + t("cli.due_title", lang, start=day(start), end=day(end)) + "[/bold]")
    due, continuous, whole = due_between(plan, start, end, ctx)
    if not due:
        console.print(t("cli.due_none", lang))
    listed = Table.grid(padding=(0, 1))
    for item in due:
        schedule = f" — {escape(item.action.schedule.text)}" if item.action.schedule is not None else ""
        listed.add_row("•", f"{escape(item.action.title)} [dim]({escape(item.theme.title)}{schedule} — "
                            f"{escape(_when(item, day, lang))})[/dim]")
    console.print(listed)
    if continuous:
        console.print(tn("cli.due_continuous", len(continuous), lang))
    if whole:
        console.print(tn("cli.due_whole_year", len(whole), lang))
    late = progress.rollup.late
    if late:
        where = {i.id: (theme, action) for theme, _objective, action, i in plan.iter_indicators()}
        console.print("[bold]" + t("cli.late_title", lang) + "[/bold]")
        listed = Table.grid(padding=(0, 1))
        for item in late:
            theme, action = where[item.indicator.id]
            listed.add_row("•", f"{escape(item.indicator.label)} — " + t(STATUS_CODES[item.status], lang)
                           + f"\n[dim]{escape(theme.title)} › {escape(action.title)}[/dim]")
        console.print(listed)
    _print_cycle(console, plan, progress, pending, lang, day)


def _print_cycle(console, plan, progress, pending, lang: str, day) -> None:
    """The statuses set by hand next to the computed ones, and how many updates wait for a reviewer."""
    from rich.markup import escape
    from rich.table import Table

    standing = [(item.indicator.label, item.status, item.manual) for item in progress.iter_indicators()
                if item.manual is not None]
    standing += [(action.action.title, action.rollup.status, action.manual) for theme in progress.themes
                 for objective in theme.objectives for action in objective.actions if action.manual is not None]
    if standing:
        console.print("[bold]" + t("cli.show.manual_title", lang) + "[/bold]")
        listed = Table.grid(padding=(0, 1))
        for label, computed, manual in standing:
            listed.add_row("•", escape(t("cli.show.manual_line", lang, label=label,
                                         manual=t(STATUS_CODES[manual.status], lang),
                                         computed=t(STATUS_CODES[computed], lang), reason=manual.reason,
                                         author=manual.author or "—", date=day(manual.date))))
        console.print(listed)
    if pending:
        console.print(escape(tn("cli.show.pending", len(pending), lang, plan=plan.id)))


def _when(item: Due, day, lang: str) -> str:
    """What of ``item`` falls in the quarter, in words: « d'ici le 20 mars 2026 », « du 1er juillet au … »."""
    if item.kind == "milestone" and item.label != day(item.start):
        return t("cli.due.milestone", lang, label=item.label, day=day(item.start))
    if item.kind == "milestone":  # « 31 mars 2026 » is the whole label
        return t("cli.due.milestone_day", lang, day=day(item.start))
    if item.kind == "occurrence":
        return t("cli.due.occurrence", lang, start=day(item.start), end=day(item.end))
    if item.kind == "by":
        return t("cli.due.by", lang, day=day(item.start))
    if item.kind == "from":
        return t("cli.due.from", lang, day=day(item.start))
    return t("cli.due.on", lang, day=day(item.start))
