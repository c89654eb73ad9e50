"""The year's cycle on the command line: ``review`` (updates waiting for a reviewer), ``close`` and
``reopen`` (closed periods), ``bilan`` (two periods compared).

They work on the store named by ``--store URL`` (or ``$ACTIONPLAN_STORE``), else on
``sqlite:actionplan.db``, through the same store methods the web plugin's review queue uses
(:meth:`~actionplan.storage.Store.updates`, :meth:`~actionplan.storage.Store.review_update`):
every check (unknown update, already reviewed, return without a note, self-review where the
plan forbids it) is the store's, made in the transaction that records the decision.
"""

from __future__ import annotations

import datetime as dt

import click

import actionplan

from ..errors import ActionplanError, NotFoundError
from ..i18n import N_, Message, t, tn
from ..model import ActionPlan
from ..reports.labels import localizer
from ..reports.view import PlanView, measurement_text, territory_namer
from ..snapshots import compare_periods, thaw
from ..storage import open_store, redact_url
from .common import STDOUT, check_output, output_option, parse_date_option, write_output
from .report_commands import _TEXT_FORMATS
from .store_commands import _console, author_of, escape, store_url, worded

#: The columns of ``actionplan review PLAN``.
REVIEW_COLUMNS = (N_("cli.review.col.id"), N_("cli.review.col.indicator"), N_("cli.review.col.action"),
                  N_("cli.review.col.value"), N_("cli.review.col.date"), N_("cli.review.col.by"),
                  N_("cli.review.col.note"))


def stored_plan(store, plan_id: str) -> ActionPlan:
    """The plan ``plan_id`` of ``store`` (without its measurements); a clear error for another document."""
    plan = store.get(plan_id).document
    if not isinstance(plan, ActionPlan):
        raise ActionplanError(Message("cli.store.not_plan", id=plan_id, type=store.info(plan_id).type))
    return plan


def waiting_rows(plan: ActionPlan, updates, lang: str) -> list[tuple[str, ...]]:
    """One row per update: id, indicator, action, value, date, submitter, note (as the reader reads them)."""
    loc, names = localizer(lang), territory_namer(plan)
    where = {indicator.id: (indicator, action) for _, _, action, indicator in plan.iter_indicators()}
    rows: list[tuple[str, ...]] = []
    for update in updates:
        m = update.measurement
        if (m.indicator or "") not in where:  # of an indicator removed from the plan: it can no longer count
            continue
        indicator, action = where[m.indicator or ""]
        rows.append((update.id or "", f"{indicator.label} ({indicator.id})", action.title,
                     measurement_text(indicator, m, loc, names), loc.date(m.date, "medium"), update.submitted_by or "",
                     m.note or ""))
    return rows


@actionplan.hookimpl
def actionplan_register_commands(cli):
    @cli.command(help=N_("cli.review.help"))
    @click.argument("plan_id", metavar="PLAN")
    @click.argument("update_id", metavar="ID", required=False)
    @click.option("--approve", is_flag=True, help=N_("cli.review.option.approve"))
    @click.option("--return", "return_note", metavar="NOTE", default=None, help=N_("cli.review.option.return_note"))
    @click.option("--by", "--author", "author", default=None, help=N_("cli.review.option.author"))
    @click.option("--date", "day", callback=parse_date_option, default=None, help=N_("cli.review.option.day"))
    @click.pass_obj
    def review(state, plan_id, update_id, approve, return_note, author, day):
        """List the updates waiting for review, or approve / return one."""
        lang = state.lang
        decided = approve or return_note is not None
        if update_id is None and decided:
            raise click.UsageError(t("cli.review.needs_id", lang))
        if update_id is not None and approve == (return_note is not None):
            raise click.UsageError(t("cli.review.needs_decision", lang, id=update_id))
        with worded(state), open_store(store_url(state)) as store:
            plan = stored_plan(store, plan_id)
            if update_id is None:
                waiting = store.updates(plan_id, status="submitted")
                _print_waiting(plan, waiting, lang, redact_url(store_url(state)))
                return
            decision = "approve" if approve else "return"
            try:
                update = store.review_update(plan_id, update_id, decision, note=return_note, author=author_of(author),
                                             date=day or dt.date.today())
            except NotFoundError as exc:
                if getattr(exc, "doc_id", None) != update_id:
                    raise
                raise ActionplanError(Message("cli.review.unknown_update", id=update_id, plan=plan_id)) from None
        indicator = plan.find_indicator(update.measurement.indicator or "")
        code = N_("cli.review.approved") if decision == "approve" else N_("cli.review.returned")
        click.echo(t(code, lang, id=update_id, label=indicator.label if indicator else update.measurement.indicator,
                     by=update.reviewed_by or "—"))

    register_period_commands(cli)
    register_status_command(cli)


def _print_waiting(plan: ActionPlan, waiting, lang: str, where: str) -> None:
    from rich.table import Table

    console = _console()
    present = {i.id for *_, i in plan.iter_indicators()}
    removed = [u for u in waiting if (u.measurement.indicator or "") not in present]
    waiting = [u for u in waiting if (u.measurement.indicator or "") in present]
    if removed:
        console.print(escape(tn("cli.review.of_removed_indicators", len(removed), lang, plan=plan.id)))
    if not waiting:
        console.print(escape(t("cli.review.none", lang, plan=plan.id, store=where)))
        return
    table = Table(title=escape(tn("cli.review.title", len(waiting), lang, plan=plan.id)))
    for code in REVIEW_COLUMNS:
        table.add_column(t(code, lang), no_wrap=code in ("cli.review.col.id", "cli.review.col.date"),
                         overflow="fold")
    for row in waiting_rows(plan, waiting, lang):
        table.add_row(*map(escape, row))
    console.print(table)
    console.print(escape(t("cli.review.how", lang, plan=plan.id)))


# -- closing periods ------------------------------------------------------------------------------


def register_period_commands(cli):
    @cli.command("close", help=N_("cli.close.help"))
    @click.argument("plan_id", metavar="PLAN")
    @click.argument("period", metavar="PERIOD")
    @click.option("--by", "--author", "author", default=None, help=N_("cli.close.option.author"))
    @click.pass_obj
    def close_command(state, plan_id, period, author):
        """Close a period of a stored plan: freeze its progress as of the period's end."""
        lang = state.lang
        with worded(state), open_store(store_url(state)) as store:
            stored_plan(store, plan_id)
            snapshot = store.close_period(plan_id, period, author=author_of(author))
        loc = localizer(lang)
        progress = thaw(snapshot.data)
        counts = " · ".join(loc.pair(loc.status(s), loc.number(n)) for s, n in
                            PlanView(progress.plan, progress, loc).status_counts(progress.rollup) if n)
        click.echo(tn("cli.close.closed", progress.rollup.total, lang, plan=plan_id, period=snapshot.period,
                      version=snapshot.version, start=loc.date(snapshot.start), end=loc.date(snapshot.end),
                      by=snapshot.closed_by or "—", counts=counts or "—"))

    @cli.command("reopen", help=N_("cli.reopen.help"))
    @click.argument("plan_id", metavar="PLAN")
    @click.argument("period", metavar="PERIOD")
    @click.option("--reason", required=True, help=N_("cli.reopen.option.reason"))
    @click.option("--by", "--author", "author", default=None, help=N_("cli.close.option.author"))
    @click.pass_obj
    def reopen_command(state, plan_id, period, reason, author):
        """Reopen a closed period, with a reason: measurements dated inside it are accepted again."""
        lang = state.lang
        with worded(state), open_store(store_url(state)) as store:
            stored_plan(store, plan_id)
            snapshot = store.reopen_period(plan_id, period, reason=reason, author=author_of(author))
        click.echo(t("cli.reopen.reopened", lang, plan=plan_id, period=snapshot.period, version=snapshot.version,
                     by=snapshot.reopened_by or "—", reason=snapshot.reopen_reason))

    @cli.command("bilan", help=N_("cli.bilan.help"))
    @click.argument("plan_id", metavar="PLAN")
    @click.argument("before", metavar="PERIOD1")
    @click.argument("after", metavar="PERIOD2")
    @click.option("--format", "-f", "format_name", default="html", show_default=True, metavar="html|markdown|docx",
                  help=N_("cli.bilan.option.format_name"))
    @output_option(N_("cli.bilan.option.output"))
    @click.option("--lang", "report_lang", type=click.Choice(["fr", "en"]), default=None,
                  help=N_("cli.report.option.report_lang"))
    @click.pass_obj
    def bilan_command(state, plan_id, before, after, format_name, output, force, report_lang):
        """The bilan of a plan between two periods: what moved, what was reached, what slipped."""
        from ..reports import render_bilan

        lang = report_lang or state.lang
        fmt = bilan_format(format_name)
        target = output or f"{plan_id}-bilan-{after}{fmt.extension}"
        check_output(target, state=state)
        with worded(state), open_store(store_url(state)) as store:
            stored_plan(store, plan_id)
            sides = store.period_progress(plan_id, before), store.period_progress(plan_id, after)
        payload = render_bilan(compare_periods(*sides), fmt, lang=lang)
        where = write_output(payload, target, force=force, binary=not fmt.media_type.startswith(_TEXT_FORMATS),
                             format_name=fmt.name, state=state)
        if where != STDOUT:
            click.echo(t("cli.report.written", state.lang, path=where, format=fmt.name, size=len(payload)))


def bilan_format(name: str):
    """The bilan format ``name`` names: ``html`` → ``bilan-html`` (the installed ones listed when unknown)."""
    from ..reports import report_formats

    registry = report_formats()
    full = name if name.startswith("bilan-") else f"bilan-{name}"
    if full in registry.names() and "bilan" in registry[full].subjects:
        return registry[full]
    known = [n[len("bilan-"):] for n in registry.names() if n.startswith("bilan-") and "bilan" in registry[n].subjects]
    raise ActionplanError(Message("cli.bilan.unknown_format", format=name, known=", ".join(known)))


# -- statuses set by hand -------------------------------------------------------------------------


def register_status_command(cli):
    from ..model.review import MANUAL_STATUSES

    @cli.command("status", help=N_("cli.manual.help"))
    @click.argument("plan_id", metavar="PLAN")
    @click.argument("subject", metavar="ID")
    @click.option("--set", "status", type=click.Choice(MANUAL_STATUSES), default=None, help=N_("cli.manual.option.set"))
    @click.option("--reason", default=None, help=N_("cli.manual.option.reason"))
    @click.option("--clear", is_flag=True, help=N_("cli.manual.option.clear"))
    @click.option("--by", "--author", "author", default=None, help=N_("cli.manual.option.author"))
    @click.option("--date", "day", callback=parse_date_option, default=None, help=N_("cli.manual.option.day"))
    @click.pass_obj
    def status_command(state, plan_id, subject, status, reason, clear, author, day):
        """Set a status by hand on an indicator or an action of a stored plan (with a reason), or clear it."""
        import difflib

        from ..model.review import ManualStatus
        from ..progress import MANUAL_STATUS_CLEAR_EVENT
        from ..storage import Event
        from ..storage.backends import manual_status_event
        from .plan_commands import STATUS_CODES

        lang = state.lang
        if clear == (status is not None):
            raise click.UsageError(t("cli.manual.needs_one", lang))
        if status is not None and not (reason or "").strip():
            raise ActionplanError(Message("cli.manual.needs_reason", id=subject, status=status))
        day = day or dt.date.today()
        with worded(state), open_store(store_url(state)) as store:
            plan = stored_plan(store, plan_id)
            known = [i.id for *_, i in plan.iter_indicators()] + [a.id for *_, a in plan.iter_actions()]
            if subject not in known:
                close = difflib.get_close_matches(subject, known, n=1)
                raise ActionplanError(Message("cli.manual.unknown_subject", id=subject, plan=plan_id,
                                              hint=close[0] if close else "—"))
            who = author_of(author)
            if clear:
                event = Event(kind=MANUAL_STATUS_CLEAR_EVENT, date=day, subject=subject, recorded_by=who)
            else:
                event = manual_status_event(ManualStatus(subject, status, reason.strip(), who or "", day))
            store.append_event(plan_id, event, author=who)
        if clear:
            click.echo(t("cli.manual.cleared", lang, id=subject, plan=plan_id, by=who or "—"))
        else:
            click.echo(t("cli.manual.set", lang, id=subject, plan=plan_id, status=t(STATUS_CODES[status], lang),
                         reason=reason.strip(), by=who or "—", date=day.isoformat()))


__all__ = ["bilan_format", "stored_plan", "waiting_rows"]
