"""Reminders: one RFC 5322 message per organisation saying what it owes, and sending them once.

:func:`build_reminders` turns a :class:`~actionplan.due.DueReport` into
:class:`email.message.EmailMessage` objects (standard library), in the plan's language: what is
late, due and stale, and how to report (the organisation's page on the table's site when
``ACTIONPLAN_WEB_URL`` is set, else the ``actionplan track`` line). :func:`send_reminders`
delivers them through SMTP configured from the environment only (:func:`smtp_settings`) and
records a ``reminder-sent`` event in the store after each message the server accepted, so the
same reminder is never sent twice (see ``docs/progress.md``, "Reminders").
"""

from __future__ import annotations

import datetime as dt
import email.policy
import smtplib
import ssl
from collections.abc import Iterable, Mapping
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid
from urllib.parse import quote

import attrs

from .due import DueItem, DueReport, OrganisationDue, StaleItem
from .errors import ActionplanError
from .i18n import Message, t, tn
from .reports.labels import format_day
from .storage import Event, Store

__all__ = ["REMINDER_EVENT", "SMTP_ENV", "Reminder", "SmtpSettings", "build_reminders", "reminded_keys",
           "reminder_key", "send_reminders", "smtp_settings"]

#: The kind of the store event recording a sent reminder: ``subject`` the organisation id, ``data``
#: ``items`` (the reminder keys, space-separated), ``to`` and ``message_id``.
REMINDER_EVENT = "reminder-sent"

#: The environment variables SMTP is configured from (never the command line).
SMTP_ENV = ("ACTIONPLAN_SMTP_HOST", "ACTIONPLAN_SMTP_PORT", "ACTIONPLAN_SMTP_USER", "ACTIONPLAN_SMTP_PASSWORD",
            "ACTIONPLAN_SMTP_FROM", "ACTIONPLAN_SMTP_STARTTLS")

#: RFC 5322 lines (CRLF); headers folded only past 998 characters, since folding between encoded
#: words loses the space there (« 1 mise » read back as « 1mise »).
POLICY = email.policy.SMTP.clone(max_line_length=998)

#: ``ACTIONPLAN_SMTP_STARTTLS``: ``auto`` (when the server offers it, the default), ``required``, ``off``.
STARTTLS_MODES = ("auto", "required", "off")


@attrs.frozen
class SmtpSettings:
    """Where and how reminders are sent; ``password`` is never shown (``repr`` hides it)."""

    host: str
    port: int = 587
    user: str | None = None
    password: str | None = attrs.field(default=None, repr=False)
    sender: str | None = None
    starttls: str = "auto"


def smtp_settings(environ: Mapping[str, str]) -> SmtpSettings | None:
    """The SMTP settings of ``environ`` (``ACTIONPLAN_SMTP_*``); ``None`` when no host is set.

    A port that is not a number, a STARTTLS mode outside :data:`STARTTLS_MODES`, a user without a
    password or no sender (``_FROM``, else the user) raise :class:`ActionplanError` naming the variable.
    """
    host = (environ.get("ACTIONPLAN_SMTP_HOST") or "").strip()
    if not host:
        return None
    port_text = (environ.get("ACTIONPLAN_SMTP_PORT") or "587").strip()
    if not port_text.isdigit() or not 0 < int(port_text) < 65536:
        raise ActionplanError(Message("reminders.bad_setting", name="ACTIONPLAN_SMTP_PORT", found=port_text,
                                      expected="1…65535"))
    mode = (environ.get("ACTIONPLAN_SMTP_STARTTLS") or "auto").strip().lower()
    if mode not in STARTTLS_MODES:
        raise ActionplanError(Message("reminders.bad_setting", name="ACTIONPLAN_SMTP_STARTTLS", found=mode,
                                      expected=" | ".join(STARTTLS_MODES)))
    user = environ.get("ACTIONPLAN_SMTP_USER") or None
    password = environ.get("ACTIONPLAN_SMTP_PASSWORD") or None
    if user and not password:
        raise ActionplanError(Message("reminders.bad_setting", name="ACTIONPLAN_SMTP_PASSWORD", found="—",
                                      expected=t("reminders.password_expected")))
    sender = environ.get("ACTIONPLAN_SMTP_FROM") or (user if user and "@" in user else None)
    if not sender:
        raise ActionplanError(Message("reminders.bad_setting", name="ACTIONPLAN_SMTP_FROM", found="—",
                                      expected=t("reminders.sender_expected")))
    return SmtpSettings(host, int(port_text), user, password, sender, mode)


def reminder_key(item: DueItem | StaleItem) -> str:
    """What a reminder is about, once: ``va-o1-a1-i1/2026-T3#due``, ``…#late`` (one each), a stale
    indicator's ``va-o1-a1-i1/stale/2026-03-12`` (a new update makes a new one)."""
    if isinstance(item, DueItem):
        return f"{item.key}#{item.state}"
    return item.key


def reminded_keys(events: Iterable[Event], organisation: str) -> set[str]:
    """The reminder keys already sent to ``organisation``, from a plan's store events."""
    found: set[str] = set()
    for event in events:
        if event.kind == REMINDER_EVENT and event.subject == organisation:
            found.update(event.data.get("items", "").split())
    return found


@attrs.frozen
class Reminder:
    """One organisation's reminder: the message (``None`` when it has no address: skipped), its items'
    keys, and how many of its items were already reminded (left out)."""

    organisation: OrganisationDue
    message: EmailMessage | None
    keys: tuple[str, ...]
    already: int = 0

    @property
    def skipped(self) -> bool:
        return self.message is None


def _where(item: DueItem | StaleItem) -> str:
    return f"{item.indicator.label} [{item.indicator.id}] — {item.action.title}"


def _body(report: DueReport, org: OrganisationDue, lang: str, web_url: str | None) -> str:
    plan = report.plan
    day = format_day(report.as_of, lang)
    lines = [t("reminders.greeting", lang, name=org.contact or org.name), "",
             t("reminders.intro", lang, plan=plan.title, date=day), ""]
    if org.late:
        lines.append(tn("reminders.late", len(org.late), lang))
        lines += [f"  - {i.period} · {_where(i)} — " + tn("reminders.late_item", i.days_late, lang,
                                                          date=format_day(i.due, lang)) for i in org.late]
        lines += ["    " + t("reminders.returned", lang, note=i.returned) for i in org.late if i.returned]
        lines.append("")
    if org.due:
        lines.append(tn("reminders.due", len(org.due), lang))
        lines += [f"  - {i.period} · {_where(i)} — " + t("reminders.due_item", lang, date=format_day(i.due, lang))
                  for i in org.due]
        lines += ["    " + t("reminders.returned", lang, note=i.returned) for i in org.due if i.returned]
        lines.append("")
    if org.stale:
        lines.append(tn("reminders.stale", len(org.stale), lang))
        lines += [f"  - {_where(i)} — " + tn("reminders.stale_item", i.days, lang, date=format_day(i.since, lang))
                  for i in org.stale]
        lines.append("")
    lines.append(t("reminders.how", lang))
    if web_url:
        lines.append("  " + f"{web_url.rstrip('/')}/plans/{quote(plan.id)}/organisations/{quote(org.organisation)}")
    else:
        first = next(iter(org.items()))
        example = first.indicator.id
        lines.append(f"  actionplan track {plan.id} {example} " + t("reminders.track_args", lang))
        lines.append("  " + t("reminders.track_hint", lang))
    lines += ["", t("reminders.closing", lang), "", t("reminders.signature", lang, plan=plan.title)]
    return "\n".join(lines) + "\n"


def build_reminders(report: DueReport, lang: str, *, sender: str | None = None, web_url: str | None = None,
                    already: Mapping[str, set[str]] | None = None, now: dt.datetime | None = None) -> list[Reminder]:
    """One :class:`Reminder` per organisation of ``report`` owing something, in ``lang``.

    ``already`` maps organisation ids to the reminder keys sent before (:func:`reminded_keys`): those
    items are left out, and an organisation with nothing new gets no message. An organisation without
    an ``email`` is skipped (its reminder has no message). ``sender`` is the ``From`` address
    (``ACTIONPLAN_SMTP_FROM``); ``web_url`` the table's site (``ACTIONPLAN_WEB_URL``).
    """
    now = now or dt.datetime.now(dt.UTC)
    found = []
    for org in report.organisations:
        sent = (already or {}).get(org.organisation, set())
        fresh = attrs.evolve(org, due=tuple(i for i in org.due if reminder_key(i) not in sent),
                             late=tuple(i for i in org.late if reminder_key(i) not in sent),
                             stale=tuple(i for i in org.stale if reminder_key(i) not in sent))
        keys = tuple(reminder_key(i) for i in fresh.items())
        skipped_count = sum(1 for _ in org.items()) - len(keys)
        if not keys:
            if skipped_count:
                found.append(Reminder(fresh, None, (), skipped_count))
            continue
        if not org.email:
            found.append(Reminder(fresh, None, keys, skipped_count))
            continue
        message = EmailMessage(policy=POLICY)
        message["Subject"] = tn("reminders.subject", len(keys), lang, plan=report.plan.title,
                                date=format_day(report.as_of, lang))
        if sender:
            message["From"] = sender
        message["To"] = org.email
        message["Date"] = format_datetime(now)
        message["Message-ID"] = make_msgid(domain=(sender or "actionplan.invalid").rpartition("@")[2] or None)
        message["X-Actionplan-Plan"] = report.plan.id
        message["X-Actionplan-Organisation"] = org.organisation
        message.set_content(_body(report, fresh, lang, web_url))
        message["Content-Language"] = "fr-CA" if lang == "fr" else "en-CA"  # after set_content, which resets Content-*
        found.append(Reminder(fresh, message, keys, skipped_count))
    return found


def send_reminders(reminders: Iterable[Reminder], settings: SmtpSettings, store: Store, plan_id: str, *,
                   author: str | None = None, day: dt.date | None = None) -> list[Reminder]:
    """Send every reminder that has a message through ``settings``' server; record a ``reminder-sent``
    event after each one accepted; return those sent.

    A server that cannot be reached, refuses STARTTLS when it is required, refuses the login or a
    message raises :class:`ActionplanError` naming the server and the organisation; the reminders sent
    before it stay recorded (the error says how many), nothing else is.
    """
    day = day or dt.date.today()
    sent: list[Reminder] = []
    where = f"{settings.host}:{settings.port}"
    current = None
    try:
        with smtplib.SMTP(settings.host, settings.port, timeout=30) as smtp:
            smtp.ehlo()
            if settings.starttls != "off" and smtp.has_extn("starttls"):
                smtp.starttls(context=ssl.create_default_context())
                smtp.ehlo()
            elif settings.starttls == "required":
                raise ActionplanError(Message("reminders.no_starttls", server=where))
            if settings.user:
                smtp.login(settings.user, settings.password or "")
            for reminder in reminders:
                if reminder.message is None:
                    continue
                current = reminder
                if "From" not in reminder.message:
                    reminder.message["From"] = settings.sender
                smtp.send_message(reminder.message)
                store.append_event(plan_id, Event(
                    REMINDER_EVENT, day, subject=reminder.organisation.organisation, recorded_by=author,
                    data={"items": " ".join(reminder.keys), "to": str(reminder.message["To"]),
                          "message_id": str(reminder.message["Message-ID"])}), author=author)
                sent.append(reminder)
    except (smtplib.SMTPException, OSError) as exc:
        name = current.organisation.organisation if current is not None else "—"
        raise ActionplanError(Message("reminders.smtp_failed", server=where, organisation=name,
                                      error=_smtp_error(exc), sent=len(sent))) from None
    return sent


def _smtp_error(exc: BaseException) -> str:
    if isinstance(exc, smtplib.SMTPResponseException):
        text = exc.smtp_error.decode("utf-8", "replace") if isinstance(exc.smtp_error, bytes) else str(exc.smtp_error)
        return f"{exc.smtp_code} {text}"
    if isinstance(exc, smtplib.SMTPRecipientsRefused):
        return "; ".join(f"{to}: {code} {msg.decode('utf-8', 'replace') if isinstance(msg, bytes) else msg}"
                         for to, (code, msg) in exc.recipients.items())
    return str(exc) or type(exc).__name__
