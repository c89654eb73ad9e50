"""``actionplan due``: who owes which update by when (:func:`actionplan.due.plan_due`)."""

from __future__ import annotations

import datetime as dt
import os

import click
import orjson

import actionplan

from ..due import DueItem, DueReport, StaleItem, plan_due
from ..errors import ActionplanError
from ..i18n import N_, Message, Plural, t, tn
from .common import load_plan_with_tracking, parse_date_option

#: The formats ``due`` writes itself; any other comes from a plugin (``actionplan_render_due``).
CORE_FORMATS = ("text", "json")
FORMATS = ("text", "json", "ics")


def due_report(state, ref: str, as_of: dt.date, *, organisation: str | None = None) -> tuple[DueReport, bool]:
    """What the plan ``ref`` names owes at ``as_of``, and whether it came from the store: a file (its
    measurements, no review events), else a plan id in the store (``Store.due``: the store answers what
    due reads with indexed queries, not every update)."""
    from ..model.base import is_valid_id
    from ..errors import NotFoundError
    from ..storage import DEFAULT_URL, open_store, redact_url

    if os.path.exists(ref) or not is_valid_id(ref):
        return plan_due(load_plan_with_tracking(ref), as_of, organisation=organisation), False
    url = getattr(state, "store_url", None) or DEFAULT_URL
    try:
        with open_store(url) as store:
            info = store.info(ref)
            if info.type != "plan":
                raise ActionplanError(Message("cli.store.not_plan", id=ref, type=info.type))
            return store.due(ref, as_of, organisation=organisation), True
    except NotFoundError:
        raise ActionplanError(Message("cli.common.no_such_file_no_plan", ref=ref, shown=redact_url(url))) from None


def day_text(day: dt.date, lang: str) -> str:
    from ..reports.labels import format_day

    return format_day(day, lang)


def _where(item: DueItem | StaleItem) -> str:
    return f"{item.indicator.label} [{item.indicator.id}] — {item.action.title} ({item.theme.title})"


def owed_line(item: DueItem, lang: str) -> str:
    """One owed update: period, indicator, action, theme, and by when (how late)."""
    if item.state == "late":
        when = tn("cli.due.item_late", item.days_late, lang, date=day_text(item.due, lang))
    else:
        when = t("cli.due.item_due", lang, date=day_text(item.due, lang))
    line = f"{item.period} · {_where(item)} — {when}"
    if item.returned is not None:
        line += " — " + t("cli.due.item_returned", lang, note=item.returned or "—")
    return line


def stale_line(item: StaleItem, lang: str) -> str:
    """One stale indicator: since when nothing was reported."""
    if item.last_update is None:
        since = tn("cli.due.stale_never", item.days, lang, date=day_text(item.since, lang))
    else:
        since = tn("cli.due.stale_since", item.days, lang, date=day_text(item.since, lang))
    return f"{_where(item)} — {since}"


def render_text(report: DueReport, lang: str) -> str:
    """The text of ``actionplan due``: a title, the counts, then each organisation's late, due, stale items."""
    counts = report.counts()
    lines = [t("cli.due.title", lang, plan=report.plan.title, date=day_text(report.as_of, lang)),
             t("cli.due.counts", lang, due=counts["due"], late=counts["late"], stale=counts["stale"])]
    if not report.organisations:
        lines += ["", t("cli.due.nothing", lang)]
    for org in report.organisations:
        who = [org.name + (f" ({org.organisation})" if org.name != org.organisation else "")]
        who += [x for x in (org.contact, org.email) if x]
        lines += ["", " — ".join(who)]
        if org.empty:
            lines.append("  " + t("cli.due.nothing_for", lang))
        if org.late:
            lines.append("  " + tn("cli.due.late", len(org.late), lang))
            lines += ["    " + owed_line(item, lang) for item in org.late]
        if org.due:
            lines.append("  " + tn("cli.due.due", len(org.due), lang))
            lines += ["    " + owed_line(item, lang) for item in org.due]
        if org.stale:
            lines.append("  " + tn("cli.due.stale", len(org.stale), lang))
            lines += ["    " + stale_line(item, lang) for item in org.stale]
    return "\n".join(lines) + "\n"


def render_due(report: DueReport, fmt: str, lang: str) -> bytes:
    """``report`` in ``fmt``: ``text`` and ``json`` here, any other through ``actionplan_render_due``."""
    from ..plugins import get_plugin_manager

    if fmt == "text":
        return render_text(report, lang).encode("utf-8")
    if fmt == "json":
        return orjson.dumps(report.to_data(), option=orjson.OPT_INDENT_2) + b"\n"
    payload = get_plugin_manager().hook.actionplan_render_due(report=report, format=fmt, lang=lang)
    if payload is None:
        raise ActionplanError(Message("cli.due.no_format", format=fmt))
    return payload


@actionplan.hookimpl
def actionplan_register_commands(cli):
    @cli.command(help=N_("cli.due.help"))
    @click.argument("ref", metavar="PLAN")
    @click.option("--as-of", callback=parse_date_option, default=None, help=N_("cli.due.option.as_of"))
    @click.option("--organisation", default=None, metavar="ORG", help=N_("cli.due.option.organisation"))
    @click.option("--format", "-f", "fmt", type=click.Choice(FORMATS), default="text",
                  help=N_("cli.due.option.format"))
    @click.option("--lang", "report_lang", type=click.Choice(["fr", "en"]), default=None,
                  help=N_("cli.report.option.report_lang"))
    @click.pass_obj
    def due(state, ref, as_of, organisation, fmt, report_lang):
        """Who owes which update by when: due, late and stale updates, per organisation."""
        from .common import write_stdout

        report, _stored = due_report(state, ref, as_of or dt.date.today(), organisation=organisation)
        write_stdout(render_due(report, fmt, report_lang or state.lang))


    @cli.command(help=N_("cli.remind.help"))
    @click.argument("ref", metavar="PLAN")
    @click.option("--as-of", callback=parse_date_option, default=None, help=N_("cli.due.option.as_of"))
    @click.option("-o", "--output", "folder", required=True, metavar="FOLDER", type=click.Path(file_okay=False),
                  help=N_("cli.remind.option.folder"))
    @click.option("--send", is_flag=True, help=N_("cli.remind.option.send"))
    @click.option("--force", is_flag=True, help=N_("cli.remind.option.force"))
    @click.option("--lang", "message_lang", type=click.Choice(["fr", "en"]), default=None,
                  help=N_("cli.remind.option.lang"))
    @click.option("--by", "author", default=None, help=N_("cli.track.option.author"))
    @click.pass_obj
    def remind(state, ref, as_of, folder, send, force, message_lang, author):
        """One message per organisation: what it owes, by when, and how to report; --send delivers them once."""
        remind_command(state, ref, as_of or dt.date.today(), folder, send=send, force=force, lang=message_lang,
                       author=author)


def remind_command(state, ref: str, as_of: dt.date, folder: str, *, send: bool, force: bool, lang: str | None,
                   author: str | None) -> None:
    """``actionplan remind``: check everything first (SMTP settings, files to replace), then write, then send."""
    from pathlib import Path

    from ..documents import write_atomic
    from ..reminders import build_reminders, reminded_keys, send_reminders, smtp_settings
    from ..storage import DEFAULT_URL, open_store
    from .store_commands import author_of

    settings = smtp_settings(os.environ)
    if send and settings is None:
        raise ActionplanError(Message("cli.remind.no_smtp"))
    report, stored = due_report(state, ref, as_of)
    if send and not stored:
        raise ActionplanError(Message("cli.remind.send_needs_store", ref=ref))
    plan = report.plan
    lang = lang or plan.language
    already: dict[str, set[str]] = {}
    url = getattr(state, "store_url", None) or DEFAULT_URL
    if stored:
        with open_store(url) as store:
            events = store.events(plan.id, kind="reminder-sent")
        already = {o.organisation: reminded_keys(events, o.organisation) for o in report.organisations}
    table = plan.organisation_by_id(plan.organisation) if plan.organisation else None
    sender = settings.sender if settings is not None else (table.email if table is not None else None)
    reminders = build_reminders(report, lang, sender=sender, web_url=os.environ.get("ACTIONPLAN_WEB_URL") or None,
                                already=already)
    out = Path(folder)
    targets = [(out / f"{r.organisation.organisation}.eml", r) for r in reminders if r.message is not None]
    if out.exists() and not out.is_dir():
        raise ActionplanError(Message("cli.remind.not_a_folder", folder=folder))
    existing = [str(path) for path, _ in targets if path.exists()]
    if existing and not force:
        raise ActionplanError(Plural("cli.remind.exists", len(existing), path=existing[0]))
    out.mkdir(parents=True, exist_ok=True)
    for path, reminder in targets:
        assert reminder.message is not None
        write_atomic(path, reminder.message.as_bytes())
    ui = state.lang
    for path, reminder in targets:
        click.echo(tn("cli.remind.written", len(reminder.keys), ui, path=str(path), organisation=reminder.organisation.name,
                      to=str(reminder.message["To"] if reminder.message is not None else "")))
    for reminder in reminders:
        if reminder.message is None and reminder.keys:
            click.echo(tn("cli.remind.skipped", len(reminder.keys), ui, organisation=reminder.organisation.name,
                          id=reminder.organisation.organisation))
        if reminder.already:
            click.echo(tn("cli.remind.already", reminder.already, ui, organisation=reminder.organisation.name))
    if not targets:
        click.echo(t("cli.remind.nothing", ui))
    if send and settings is not None and targets:
        with open_store(url) as store:
            sent = send_reminders([r for _, r in targets], settings, store, plan.id, author=author_of(author))
        click.echo(tn("cli.remind.sent", len(sent), ui, server=f"{settings.host}:{settings.port}"))


__all__ = ["due_report", "remind_command", "render_due", "render_text"]
