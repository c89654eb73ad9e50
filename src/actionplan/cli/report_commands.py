"""Report commands: ``actionplan report`` writes a report in any installed format; ``formats`` lists them."""

from __future__ import annotations

from pathlib import Path

import click

import actionplan

from ..errors import ActionplanError
from ..i18n import N_, Message, t
from .common import (STDOUT, check_output, cycle_of, output_option, parse_date_option, progress_bar,
                     resolve_plan, write_output)


_TEXT_FORMATS = ("text/", "application/json")




def parse_options(pairs, lang: str) -> dict[str, str]:
    """``("timeline=quarter", "bom=false")`` → ``{"timeline": "quarter", "bom": "false"}``."""
    options = {}
    for text in pairs:
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            raise ActionplanError(Message("cli.report.bad_option", text=text))
        options[name.strip()] = value.strip()
    return options


def _tracking_is_illustrative(paths) -> bool:
    """Whether a tracking log says its measurements are made up (the report then says so)."""
    from ..documents import read_data

    for path in paths:
        data = read_data(path)
        if isinstance(data, dict) and data.get("illustrative") is True:
            return True
    return False


def closed_period(state, ref: str, period: str, as_of, tracking):
    """(the plan as it was, its frozen progress, the snapshot) of a closed period of the stored plan ``ref``."""
    from ..model.base import is_valid_id
    from ..storage import DEFAULT_URL, open_store

    if as_of is not None:
        raise click.UsageError(t("cli.report.period_and_as_of", state.lang))
    if tracking or Path(ref).exists() or not is_valid_id(ref):
        raise ActionplanError(Message("cli.report.period_needs_store", ref=ref))
    with open_store(getattr(state, "store_url", None) or DEFAULT_URL) as store:
        side = store.period_progress(ref, period)
    if side.snapshot is None:
        raise ActionplanError(Message("storage.periods.not_closed_for_report", plan_id=ref, period=side.label,
                                      end=side.bounds.end.isoformat()))
    return side.progress.plan, side.progress, side.snapshot


@actionplan.hookimpl
def actionplan_register_commands(cli):
    @cli.command(help=N_("cli.report.help"))
    @click.argument("ref", metavar="FILE|ID")
    @click.option("--format", "-f", "format_name", required=True, metavar="FORMAT",
                  help=N_("cli.report.option.format_name"))
    @output_option(N_("cli.report.option.output"))
    @click.option("--lang", "report_lang", type=click.Choice(["fr", "en"]), default=None,
                  help=N_("cli.report.option.report_lang"))
    @click.option("--as-of", callback=parse_date_option, default=None, help=N_("cli.report.option.as_of"))
    @click.option("--period", default=None, metavar="PERIOD", help=N_("cli.report.option.period"))
    @click.option("--tracking", "-t", multiple=True, type=click.Path(dir_okay=False),
                  help=N_("cli.report.option.tracking"))
    @click.option("--option", "-O", "options", multiple=True, metavar="NAME=VALUE",
                  help=N_("cli.report.option.options"))
    @click.option("--grants", "grants_file", metavar="APPLICATIONS", type=click.Path(dir_okay=False), default=None,
                  help=N_("cli.report.option.grants"))
    @click.option("--program", "program_ref", metavar="FILE|ID", default=None, help=N_("cli.report.option.program"))
    @click.pass_obj
    def report(state, ref, format_name, output, force, report_lang, as_of, period, tracking, options, grants_file,
               program_ref):
        """Write a report of a plan: a dashboard, a spreadsheet, a Word table, a calendar…"""
        import datetime as dt

        from ..reports import get_format, render_report

        lang = report_lang or state.lang
        fmt = get_format(format_name)  # an unknown format fails before any work
        fmt.resolve_options(parse_options(options, state.lang), lang)  # so do bad options
        manual = None
        if period is not None:
            plan, frozen, snapshot = closed_period(state, ref, period, as_of, tracking)
            pending = []
        else:
            plan, frozen, snapshot = resolve_plan(state, ref, tracking, for_progress=True,
                                                  as_of=as_of or dt.date.today()), None, None
            pending, manual = cycle_of(state, ref, plan, tracking, as_of=as_of or dt.date.today())
        program, money = None, None
        if program_ref is not None and grants_file is None:
            raise click.UsageError(t("cli.report.program_needs_grants", state.lang))
        if grants_file is not None:
            from .grant_results import grant_money

            program, money = grant_money(state, plan, grants_file, program_ref, lang, as_of or dt.date.today())
        read = [ref if Path(ref).exists() else None, *tracking, grants_file]
        output = output or f"{plan.id}{fmt.extension}"
        check_output(output, inputs=read, state=state)
        with progress_bar(Message("cli.progress.report", format=fmt.name, plan=plan.id)):
            payload = render_report(
                plan, fmt, as_of=as_of or dt.date.today(), lang=lang, options=parse_options(options, state.lang),
                illustrative=_tracking_is_illustrative(tracking), pending=pending, progress=frozen, closed=snapshot,
                manual=manual,
                program=program, grants=money,
            )
        where = write_output(payload, output, force=force, binary=not fmt.media_type.startswith(_TEXT_FORMATS),
                             format_name=fmt.name, inputs=read, state=state)
        if where != STDOUT:
            click.echo(t("cli.report.written", state.lang, path=where, format=fmt.name, size=len(payload)))

    @cli.command(help=N_("cli.formats.help"))
    @click.pass_obj
    def formats(state):
        """List the installed report formats: name, extension, description, plugin, options."""
        from rich.console import Console
        from rich.table import Table

        from ..reports import report_formats

        registry = report_formats()
        table = Table(show_lines=False)
        for code in (N_("cli.report.col.name"), N_("cli.report.col.extension"), N_("cli.report.col.description"),
                     N_("cli.report.col.plugin"), N_("cli.report.col.options")):
            table.add_column(t(code, state.lang))
        for name in registry.names():
            fmt = registry[name]
            options = ", ".join(f"{o.name}={o.default_for(state.lang)}" for o in fmt.options) or "—"
            table.add_row(fmt.name, fmt.extension, fmt.description, registry.owner(name), options)
        Console(highlight=False, width=max(Console().width, 140)).print(table)
