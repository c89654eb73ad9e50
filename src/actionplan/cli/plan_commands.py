"""Built-in plan commands: ``validate`` and ``show``."""

from __future__ import annotations

import datetime as dt
import sys
from decimal import Decimal

import click

import actionplan

from ..errors import ActionplanError, ValidationError
from ..i18n import N_, t, tn
from .common import parse_date_option, resolve_plan


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
        render_summary(plan, day, state.lang)




def due_between(plan, start: dt.date, end: dt.date, ctx):
    """Actions with a dated part of their schedule falling in [start, end], and the merely continuous ones.

    « En continu » is due every day; listing it every quarter would drown what is really due,
    so continuous-only actions are counted apart, and so are actions started before the window
    (« Dès janvier 2026 »), listed only in the window of their start. Unscheduled ones
    (« Au besoin », « À déterminer ») are never due.
    """
    due, continuous = [], []
    for theme, _objective, action in plan.iter_actions():
        if action.schedule is None:
            continue
        dated = [p for p in action.schedule.parts if p.kind not in ("continuous", "start")]
        starts = [p for p in action.schedule.parts if p.kind == "start"]
        if any(p.occurrences(start, end, ctx) for p in dated) or any(start <= p.date(ctx) <= end for p in starts):
            due.append((theme, action))
        elif action.schedule.is_due_between(start, end, ctx):
            continuous.append((theme, action))
    return due, continuous


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
}


def render_summary(plan, as_of: dt.date, lang: str) -> None:
    from rich.console import Console
    from rich.markup import escape
    from rich.table import Table

    from ..progress import plan_progress, schedule_context
    from ..reports.labels import format_day, localizer

    console = Console(highlight=False, width=None if sys.stdout.isatty() else 110)
    progress = plan_progress(plan, as_of)
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
    due, continuous = due_between(plan, start, end, ctx)
    if not due:
        console.print(t("cli.due_none", lang))
    for theme, action in due:
        console.print(f"• {escape(action.title)} [dim]({escape(theme.title)} — {escape(action.schedule.text)})[/dim]")
    if continuous:
        console.print(tn("cli.due_continuous", len(continuous), lang))
    late = progress.rollup.late
    if late:
        console.print("[bold]" + t("cli.late_title", lang) + "[/bold]")
        for item in late:
            console.print(f"• {escape(item.indicator.label)} — " + t(STATUS_CODES[item.status], lang))
