"""The year's cycle on the site: a partner's update form, the coordinator's review queue, the calendar feed."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Iterable, Mapping
from decimal import Decimal, InvalidOperation

import attrs
import icalendar
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import RedirectResponse, Response
from starlette.routing import Route

from actionplan.api import (
    DEFAULT_SCALE,
    N_,
    ActionPlan,
    Indicator,
    Localizer,
    Measurement,
    NotFoundError,
    ReportContext,
    Reported,
    StoreError,
    ValidationError,
    due_query,
    measurement_text,
    plan_due,
    t,
    plan_progress,
    territory_namer,
)

from . import records
from .app import (
    Site,
    Visitor,
    _safe_id,
    field,
    language,
    load_plan,
    refuse,
    render,
    require,
    require_coordinator,
    token_attempts,
)

#: The review page's notice after each decision.
REVIEW_DONE = {"approve": N_("web.review.done.approve"), "return": N_("web.review.done.return")}
#: How the pages name each state of an update (``web.update.state.<state>`` in the templates).
UPDATE_STATE_CODES = (N_("web.update.state.counted"), N_("web.update.state.submitted"),
                      N_("web.update.state.approved"), N_("web.update.state.returned"))

#: What a number field accepts: digits, one decimal comma or point, spaces as thousands separators.
_SPACES = str.maketrans("", "", " \u00a0\u202f")


# -- who may report what ---------------------------------------------------------------------------


def reported_by(plan: ActionPlan, indicator_id: str) -> tuple[Indicator | None, set[str]]:
    """The indicator and the organisations its action lists."""
    for _, _, action in plan.iter_actions():
        for indicator in action.indicators:
            if indicator.id == indicator_id:
                return indicator, {p.organisation for p in action.partners}
    return None, set()


def may_submit(visitor: Visitor, plan: ActionPlan, organisations: set[str]) -> bool:
    """A coordinator reports for any indicator; a partner for those whose action lists its organisation."""
    if visitor.coordinator:
        return True
    return visitor.plan == plan.id and visitor.organisation in organisations


# -- updates as the pages show them ------------------------------------------------------------------


@attrs.frozen
class UpdateView:
    id: str | None
    status: str
    indicator: Indicator
    date: dt.date
    summary: str
    note: str | None
    evidence: str | None
    by: str | None
    recorded_at: dt.datetime
    review_note: str | None


def update_views(site: Site, plan: ActionPlan, loc: Localizer, *, status: str | None = None,
                 indicators: Iterable[str] | None = None) -> list[UpdateView]:
    wanted = set(indicators) if indicators is not None else None
    names = territory_namer(plan)
    by_id = {i.id: i for *_, i in plan.iter_indicators()}
    found = []
    for update in site.store.updates(plan.id, status=status):
        m = update.measurement
        indicator = by_id.get(m.indicator or "")
        if indicator is None or (wanted is not None and indicator.id not in wanted):
            continue
        found.append(UpdateView(update.id, update.status, indicator, m.date,
                                measurement_text(indicator, m, loc, names), m.note,
                                m.evidence, update.submitted_by, update.recorded_at, update.review_note))
    return found


# -- the organisation page's lists --------------------------------------------------------------------


@attrs.frozen
class DueItem:
    """A line of the organisation page's « À remettre » list (and of the calendar feed).

    ``period`` names the reporting period an update is owed for (``2026-T3``), ``None`` for a
    milestone's own date; ``stale`` marks an indicator with no news for too long (``since`` is the
    day its silence started); ``returned`` is the reviewer's note when the update was sent back.
    """

    label: str
    due: dt.date
    late: bool
    indicator: str | None = None
    may_submit: bool = False
    period: str | None = None
    action: str | None = None
    stale: bool = False
    returned: str | None = None


def due_items(plan: ActionPlan, organisation: str, as_of: dt.date, submit: bool,
              updates: Iterable | None = None, *, reported: Mapping[str, Reported] | None = None) -> list[DueItem]:
    """What ``organisation`` owes at ``as_of``, earliest first.

    The reporting cadence's due, late and stale updates come from the core's :func:`plan_due`
    (the same rules as ``actionplan due``, given the store's answer to its query, ``reported``:
    ``Store.due_facts``, or else the plan's ``updates`` with their review state);
    the milestones of the organisation's actions that carry their own date and are not yet done
    are added, so the calendar feed keeps them.
    """
    items: list[DueItem] = []
    report = plan_due(plan, as_of, updates=updates, organisation=organisation, reported=reported)
    owed = report.organisation(organisation)
    if owed is not None:
        for item in (*owed.late, *owed.due):
            items.append(DueItem(item.indicator.label, item.due, item.state == "late", item.indicator.id, submit,
                                 period=item.period, action=item.action.title, returned=item.returned))
        for stale in owed.stale:
            items.append(DueItem(stale.indicator.label, stale.since, True, stale.indicator.id, submit,
                                 action=stale.action.title, stale=True))
    listed = {item.indicator for item in items}
    progress = plan_progress(plan, as_of)
    for theme in progress.themes:
        for objective in theme.objectives:
            for action in objective.actions:
                if organisation not in {p.organisation for p in action.action.partners}:
                    continue
                for ip in action.indicators:
                    if (ip.indicator.due is not None and ip.status != "achieved"
                            and ip.indicator.id not in listed):
                        items.append(DueItem(ip.indicator.label, ip.indicator.due, ip.indicator.due < as_of,
                                             ip.indicator.id, submit, action=action.action.title))
    return sorted(items, key=lambda item: (item.due, item.label))


def organisation_extras(site: Site, visitor: Visitor, plan: ActionPlan, organisation: str, loc: Localizer,
                        as_of: dt.date, indicator_ids: list[str]) -> dict:
    """The organisation page's due items and updates waiting for (or sent back by) review."""
    submit = visitor.coordinator or visitor.organisation == organisation
    pending: dict[str, list[UpdateView]] = {}
    waiting = [*update_views(site, plan, loc, status="submitted", indicators=indicator_ids),
               *update_views(site, plan, loc, status="returned", indicators=indicator_ids)]  # by the status index
    for update in sorted(waiting, key=lambda u: u.recorded_at):
        pending.setdefault(update.indicator.id, []).append(update)
    reported = site.store.due_facts(plan.id, due_query(plan, as_of, organisation=organisation))
    return {"due": due_items(plan, organisation, as_of, submit, reported=reported), "pending": pending,
            "may_submit": submit}


# -- the update form ------------------------------------------------------------------------------------


def _number(text: str) -> Decimal | None:
    if not text:
        return None
    try:
        value = Decimal(text.translate(_SPACES).replace(",", "."))
    except InvalidOperation:
        raise _FormError("web.update.not_a_number") from None
    if not value.is_finite():
        raise _FormError("web.update.not_a_number")
    return value


class _FormError(Exception):
    def __init__(self, code: str):
        super().__init__(code)
        self.code = code


def measurement_from(form: FormData, indicator: Indicator, author: str) -> Measurement:
    """The form's fields as a measurement of ``indicator``; :class:`_FormError` names what is wrong."""
    try:
        day = dt.date.fromisoformat(field(form, "date"))
    except ValueError:
        raise _FormError("web.update.bad_date") from None
    evidence = field(form, "evidence") or None
    if evidence is not None and (not evidence.startswith(("https://", "http://")) or any(c.isspace() for c in evidence)
                                 or len(evidence) > 500):
        raise _FormError("web.update.bad_evidence")
    values: dict = {}
    kind = indicator.kind
    if kind == "rate":
        values["numerator"], values["denominator"] = _number(field(form, "numerator")), _number(field(form, "denominator"))
        if values["numerator"] is None or values["denominator"] is None:
            raise _FormError("web.update.rate_needs_both")
    elif kind == "qualitative":
        values["level"] = field(form, "level") or None
    elif kind in ("deliverable", "milestone"):
        done = field(form, "done")
        if done not in ("yes", "no"):
            raise _FormError("web.update.choose_done")
        values["done"] = done == "yes"
    elif kind == "coverage":
        values["territories"] = tuple(dict.fromkeys(v for v in form.getlist("territories") if isinstance(v, str)))
    else:
        values["value"] = _number(field(form, "value"))
        if values["value"] is None:
            raise _FormError("web.update.value_needed")
    try:
        return Measurement(date=day, note=field(form, "note") or None, evidence=evidence, recorded_by=author,
                           indicator=indicator.id, **values)
    except (ValueError, TypeError, ValidationError):
        raise _FormError("web.update.not_a_number") from None


def _form_page(request: Request, visitor: Visitor, plan: ActionPlan, indicator: Indicator, *, status: int = 200,
               errors: list[str] | None = None, values: dict | None = None) -> Response:
    names = territory_namer(plan)
    places = [(t, names(t)) for t in indicator.target_territories]
    return render(request, "update.html.j2", status=status, visitor=visitor, plan=plan, indicator=indicator,
                  scale=indicator.scale or DEFAULT_SCALE, places=places, errors=errors or [],
                  values=values or {"date": dt.date.today().isoformat()}, today=dt.date.today().isoformat())


def update_form(site: Site, request: Request, form: FormData | None) -> Response:
    visitor = require(site, request)
    plan = load_plan(site, visitor, request.path_params["plan_id"], measurements=False)
    indicator_id = request.path_params["indicator_id"]
    indicator, organisations = reported_by(plan, indicator_id) if _safe_id(indicator_id) else (None, set())
    if indicator is None:
        raise refuse(404, "web.error.not_found")
    if not may_submit(visitor, plan, organisations):
        raise refuse(403, "web.error.not_your_indicator")
    if form is None:
        return _form_page(request, visitor, plan, indicator)
    given = {key: value for key, value in form.multi_items() if key != "csrf" and isinstance(value, str)}
    try:
        measurement = measurement_from(form, indicator, visitor.author)
    except _FormError as error:
        return _form_page(request, visitor, plan, indicator, status=422, errors=[error.code], values=given)
    try:
        site.store.submit_measurements(plan.id, [measurement], author=visitor.author)
    except ValidationError as error:
        lang = language(request)
        return _form_page(request, visitor, plan, indicator, status=422, values=given,
                          errors=[issue.render(lang) for issue in error.issues])
    except StoreError as error:
        return _form_page(request, visitor, plan, indicator, status=422, values=given,
                          errors=[error.message(language(request))])
    if visitor.coordinator:
        return RedirectResponse(f"/plans/{plan.id}/review", status_code=303)
    return RedirectResponse(f"/plans/{plan.id}/organisations/{visitor.organisation}?sent=1", status_code=303)


# -- the review queue ---------------------------------------------------------------------------------


def review_queue(site: Site, request: Request, form: FormData | None) -> Response:
    visitor = require_coordinator(site, request)
    plan = load_plan(site, visitor, request.path_params["plan_id"], measurements=False)
    return _queue_page(site, request, visitor, plan)


def _queue_page(site: Site, request: Request, visitor: Visitor, plan: ActionPlan, *, status: int = 200,
                error: str | None = None, notice: str | None = None) -> Response:
    loc = ReportContext(as_of=dt.date.today(), lang=language(request)).loc
    waiting = update_views(site, plan, loc, status="submitted")
    done = request.query_params.get("done")
    if notice is None and done in ("approve", "return"):
        notice = REVIEW_DONE[done]
    return render(request, "review.html.j2", status=status, visitor=visitor, plan=plan, updates=waiting,
                  error=error, notice=notice)


def review_decision(site: Site, request: Request, form: FormData | None) -> Response:
    visitor = require_coordinator(site, request)
    plan = load_plan(site, visitor, request.path_params["plan_id"], measurements=False)
    assert form is not None
    update_id = request.path_params["update_id"]
    decision = field(form, "decision")
    note = field(form, "note") or None
    if not _safe_id(update_id) or decision not in ("approve", "return"):
        raise refuse(404, "web.error.not_found")
    if decision == "return" and not note:
        return _queue_page(site, request, visitor, plan, status=422, error=N_("web.review.note_needed"))
    try:
        site.store.review_update(plan.id, update_id, decision, note=note, author=visitor.author)
    except NotFoundError:
        raise refuse(404, "web.error.not_found") from None
    except StoreError as exc:
        return _queue_page(site, request, visitor, plan, status=409, error=exc.message(language(request)))
    return RedirectResponse(f"/plans/{plan.id}/review?done={decision}", status_code=303)


# -- the calendar feed -------------------------------------------------------------------------------


def calendar_events(plan: ActionPlan, organisation: str | None, lang: str, as_of: dt.date,
                    updates: Iterable | None = None, *,
                    reported: Mapping[str, Reported] | None = None) -> list[tuple[dt.date, str, str]]:
    """(date, summary, uid seed) of the feed: the updates owed (due and late, by the core's
    :func:`plan_due`, one per indicator and period), the dated milestones not yet done, and the
    grant program's deadlines. ``organisation`` keeps that organisation's items (a partner's feed).
    ``reported`` is the store's answer to :func:`due_query` for every organisation (``Store.due_facts``),
    else the plan's ``updates`` are read."""
    events: list[tuple[dt.date, str, str]] = []
    organisations = [organisation] if organisation else [o.id for o in plan.organisations]
    updates = list(updates) if updates is not None else None
    seen = set()
    for org in organisations:
        for item in due_items(plan, org, as_of, False, updates, reported=reported):
            if item.stale:
                continue  # a silence has no date to keep in a calendar
            key = (item.indicator, item.period, item.due)
            if key in seen:
                continue
            seen.add(key)
            if item.period is None:
                events.append((item.due, t("web.calendar.milestone", lang, label=item.label), f"due-{item.indicator}"))
            else:
                events.append((item.due, t("web.calendar.update", lang, label=item.label, period=item.period),
                               f"due-{item.indicator}-{item.period}"))
    if plan.program is not None:
        for call in plan.program.calls:
            for deadline in call.deadlines:
                events.append((deadline.date, t("web.calendar.deadline", lang, title=call.title),
                               f"deadline-{call.id}-{deadline.date.isoformat()}"))
    return sorted(events)


def calendar_feed(site: Site, request: Request, form: FormData | None) -> Response:
    store = site.store
    key = token_attempts(site, request)
    subject = site.signer.feed_subject(request.path_params["token"])
    visitor = None
    if subject is not None and len(subject) == 3:
        plan_id, role, name = subject
        if role == "coordinator" and records.find_account(store, name) is not None:
            visitor = Visitor("coordinator", name)
        elif role == "partner":
            invitation = records.find_invitation(store, name)
            if invitation is not None and invitation.is_valid() and invitation.plan == plan_id:
                visitor = Visitor("partner", invitation.id, invitation.organisation, invitation.plan)
    if visitor is None:
        records.record_failure(store, "token-failed", key)
        raise refuse(403, "web.join.invalid")
    plan = load_plan(site, visitor, plan_id)
    lang = language(request)
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//actionplan//actionplan-web//FR")
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    calendar.add("method", "PUBLISH")
    calendar.add("x-wr-calname", plan.title)
    stamp = dt.datetime.now(dt.timezone.utc)
    today = dt.date.today()
    for day, summary, seed in calendar_events(plan, visitor.organisation, lang, today,
                                              reported=store.due_facts(plan.id, due_query(plan, today))):
        event = icalendar.Event()
        event.add("uid", f"{hashlib.sha256(f'{plan.id}/{seed}'.encode()).hexdigest()[:24]}@{plan.id}")
        event.add("dtstamp", stamp)
        event.add("dtstart", day)
        event.add("dtend", day + dt.timedelta(days=1))
        event.add("summary", summary)
        event.add("transp", "TRANSPARENT")
        calendar.add_component(event)
    body = calendar.to_ical()
    return Response(body, media_type="text/calendar; charset=utf-8",
                    headers={"Content-Disposition": f'inline; filename="{plan.id}.ics"', "Cache-Control": "private, max-age=300"})


def routes(page) -> list[Route]:
    return [
        Route("/plans/{plan_id}/indicators/{indicator_id}/update", page(update_form), methods=["GET", "POST"]),
        Route("/plans/{plan_id}/review", page(review_queue)),
        Route("/plans/{plan_id}/review/{update_id}", page(review_decision), methods=["POST"]),
        Route("/calendar/{token}.ics", page(calendar_feed)),
    ]
