"""The site: a Starlette application on one store, every page rendered on the server.

:func:`create_app` builds it for a store URL. Each worker thread opens its own store (a
store object is meant for one thread); nothing else is kept between requests: who is
logged in travels in a signed session cookie, and everything else (accounts, invitations,
failed attempts, the signing secret) is read from the store, so that several processes on
one PostgreSQL serve the same site.
"""

from __future__ import annotations

import datetime as dt
import functools
import secrets
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any
from urllib.parse import quote

import attrs
import jinja2
from markupsafe import Markup
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.datastructures import FormData
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.sessions import SessionMiddleware
from starlette.requests import Request
from starlette.responses import HTMLResponse, PlainTextResponse, RedirectResponse, Response
from starlette.routing import Route
from starlette.types import ASGIApp, Message as AsgiMessage, Receive, Scope, Send

from actionplan.api import (
    STATUS_KEYS,
    N_,
    ActionplanError,
    ActionPlan,
    ApplicationsDocument,
    Evaluator,
    NotFoundError,
    PlanView,
    ReportContext,
    Store,
    StoreError,
    check_store_id,
    dashboard_parts,
    fold,
    open_store,
    plan_progress,
    printable,
    render_report,
    replay,
    report_formats,
    t,
    tn,
)

from . import records
from .security import Signer, check_password, new_csrf_token, same_token

HERE = Path(__file__).parent
LANGUAGES = ("fr", "en")
SESSION_COOKIE = "actionplan_session"
#: A session lasts a working day; an invitation's session ends with the invitation.
SESSION_MAX_AGE = 8 * 3600
#: Longest text a form field may hold (a note, an evidence link), and the largest form accepted.
MAX_FIELD = 2000
MAX_BODY = 64 * 1024


# -- the store of each worker thread -----------------------------------------------------------


class Stores:
    """One store per thread, opened on first use (store objects are not shared between threads)."""

    def __init__(self, url: str):
        self.url = url
        self._local = threading.local()
        self._all: list[Store] = []
        self._lock = threading.Lock()

    def get(self) -> Store:
        store = getattr(self._local, "store", None)
        if store is None:
            store = open_store(self.url)
            self._local.store = store
            with self._lock:
                self._all.append(store)
        return store

    def close(self) -> None:
        with self._lock:
            for store in self._all:
                store.close()
            self._all.clear()


# -- who is asking -----------------------------------------------------------------------------


@attrs.frozen
class Visitor:
    """A coordinator (an account) or a partner (an organisation's invitation to one plan)."""

    role: str
    name: str
    organisation: str | None = None
    plan: str | None = None
    organisation_name: str | None = None

    @property
    def coordinator(self) -> bool:
        return self.role == "coordinator"

    @property
    def author(self) -> str:
        """What every write records as its author."""
        return self.name if self.coordinator else f"{self.organisation} ({self.name})"

    def may_read(self, plan_id: str) -> bool:
        return self.coordinator or self.plan == plan_id


def visitor_of(request: Request, store: Store) -> Visitor | None:
    """The visitor the session names, checked against the store (a removed account, a revoked invitation: nobody)."""
    session = request.session
    if isinstance(session.get("user"), str):
        account = records.find_account(store, session["user"])
        if account is not None and same_token(records.password_mark(account), session.get("mark")):
            return Visitor("coordinator", account.name)
    elif isinstance(session.get("invitation"), str):
        invitation = records.find_invitation(store, session["invitation"])
        if invitation is not None and invitation.is_valid():
            return Visitor("partner", invitation.id, invitation.organisation, invitation.plan,
                           invitation.organisation_name)
    for key in ("user", "mark", "invitation"):
        session.pop(key, None)
    return None


# -- pages ---------------------------------------------------------------------------------------


@functools.cache
def environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(HERE / "templates"),
        autoescape=True,  # every value is text, never markup, whatever the template's name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.finalize = lambda value: printable(value) if isinstance(value, str) and not isinstance(value, Markup) else value
    return env


class Site:
    """What every request handler reads: the stores, the signer, the settings."""

    def __init__(self, store_url: str, *, secure_cookies: bool = True):
        self.stores = Stores(store_url)
        self.secure_cookies = secure_cookies
        self.signer = Signer(records.site_secret(self.stores.get()))

    @property
    def store(self) -> Store:
        return self.stores.get()


def language(request: Request) -> str:
    lang = request.session.get("lang")
    return lang if lang in LANGUAGES else "fr"


def csrf_token(request: Request) -> str:
    token = request.session.get("csrf")
    if not isinstance(token, str):
        token = new_csrf_token()
        request.session["csrf"] = token
    return token


def render(request: Request, template_name: str, /, status: int = 200, visitor: Visitor | None = None, **values: Any) -> HTMLResponse:
    lang = language(request)
    loc = ReportContext(as_of=dt.date.today(), lang=lang).loc
    page = environment().get_template(template_name).render(
        _=lambda code, **params: t(code, lang, **params),
        _n=lambda code, count, **params: tn(code, count, lang, **params),
        lang=lang,
        loc=loc,
        visitor=visitor,
        csrf=csrf_token(request),
        nonce=request.scope.get("state", {}).get("csp_nonce", ""),
        here=_here(request),
        other_lang="en" if lang == "fr" else "fr",
        **values,
    )
    return HTMLResponse(page, status_code=status)


def _here(request: Request) -> str:
    path = request.url.path
    return path + ("?" + request.url.query if request.url.query else "")


def refuse(status: int, code: str) -> HTTPException:
    return HTTPException(status_code=status, detail=code)


Handler = Callable[[Site, Request, FormData | None], Response]


def page(handler: Handler) -> Callable[[Request], Awaitable[Response]]:
    """An endpoint: the form read (and its CSRF token checked) here, the handler run in a worker thread."""

    @functools.wraps(handler)
    async def endpoint(request: Request) -> Response:
        site: Site = request.app.state.site
        form = None
        if request.method == "POST":
            if int(request.headers.get("content-length") or 0) > MAX_BODY:
                raise refuse(413, "web.error.too_long")
            try:
                form = await request.form(max_files=0, max_fields=50, max_part_size=MAX_BODY)
            except Exception:  # noqa: BLE001 - a malformed body is the client's mistake, said plainly
                raise refuse(400, "web.error.bad_request") from None
            if not same_token(request.session.get("csrf"), form.get("csrf")):
                raise refuse(403, "web.error.csrf")
        return await run_in_threadpool(handler, site, request, form)

    return endpoint


def require(site: Site, request: Request) -> Visitor:
    visitor = visitor_of(request, site.store)
    if visitor is None:
        raise refuse(401, "web.error.login_required")
    return visitor


def require_coordinator(site: Site, request: Request) -> Visitor:
    visitor = require(site, request)
    if not visitor.coordinator:
        raise refuse(403, "web.error.coordinators_only")
    return visitor


def load_plan(site: Site, visitor: Visitor, plan_id: str, *, measurements: bool = True) -> ActionPlan:
    """The plan (with its counted measurements), if ``visitor`` may read it; else 404 (nothing said of others)."""
    if not _safe_id(plan_id) or not visitor.may_read(plan_id):
        raise refuse(404, "web.error.not_found")
    try:
        plan = site.store.plan_with_measurements(plan_id) if measurements else site.store.get(plan_id).document
    except (NotFoundError, StoreError):
        raise refuse(404, "web.error.not_found") from None
    if not isinstance(plan, ActionPlan):
        raise refuse(404, "web.error.not_found")
    return plan


def _safe_id(value: object) -> bool:
    try:
        check_store_id(value)
    except StoreError:
        return False
    return True


def field(form: FormData, name: str) -> str:
    value = form.get(name)
    if not isinstance(value, str):
        return ""
    if len(value) > MAX_FIELD:
        raise refuse(400, "web.error.too_long")
    return value.strip()


# -- home, login, invitations, language ----------------------------------------------------------


@page
def home(site: Site, request: Request, form: FormData | None) -> Response:
    visitor = visitor_of(request, site.store)
    if visitor is None:
        return RedirectResponse("/login", status_code=303)
    if not visitor.coordinator:
        return RedirectResponse(f"/plans/{visitor.plan}/organisations/{visitor.organisation}", status_code=303)
    plans = site.store.list(type="plan")
    programs = []
    for info in plans:
        try:
            plan = site.store.get(info.id).document
        except (NotFoundError, StoreError):
            continue
        if getattr(plan, "program", None) is not None:
            programs.append(plan)
    return render(request, "home.html.j2", visitor=visitor, plans=plans, programs=programs)


@page
def login(site: Site, request: Request, form: FormData | None) -> Response:
    if form is None:
        return render(request, "login.html.j2", name="", error=None)
    name, password = field(form, "name").lower(), form.get("password")
    address = request.client.host if request.client else "-"
    by_name = records.attempt_key("name", name)
    by_address = records.attempt_key("address", address)
    store = site.store
    if (records.recent_failures(store, "login-failed", by_name) >= records.LOGIN_LIMIT_PER_ACCOUNT
            or records.recent_failures(store, "login-failed", by_address) >= records.LOGIN_LIMIT_PER_ADDRESS):
        return render(request, "login.html.j2", status=429, name=name, error=N_("web.login.throttled"))
    account = records.find_account(store, name)
    if (not isinstance(password, str) or not check_password(account.password_hash if account else None, password)
            or account is None):
        records.record_failure(store, "login-failed", by_name)
        records.record_failure(store, "login-failed", by_address)
        return render(request, "login.html.j2", status=401, name=name, error=N_("web.login.wrong"))
    lang = language(request)
    request.session.clear()  # a new session: a new CSRF token, nothing carried over
    # the mark ties the session to this password: a replaced password ends the sessions it opened
    request.session.update({"user": name, "mark": records.password_mark(account), "lang": lang,
                            "csrf": new_csrf_token()})
    return RedirectResponse("/", status_code=303)


@page
def logout(site: Site, request: Request, form: FormData | None) -> Response:
    lang = language(request)
    request.session.clear()
    request.session["lang"] = lang
    return RedirectResponse("/login", status_code=303)


def token_attempts(site: Site, request: Request) -> str:
    """The key this client's failed link attempts are filed under; 429 once it has failed too often."""
    address = request.client.host if request.client else "-"
    key = records.attempt_key("address", address)
    if records.recent_failures(site.store, "token-failed", key) >= records.TOKEN_LIMIT_PER_ADDRESS:
        raise refuse(429, "web.error.throttled")
    return key


@page
def join(site: Site, request: Request, form: FormData | None) -> Response:
    """An invitation link: checked, then the session is the organisation's until the invitation ends."""
    store = site.store
    key = token_attempts(site, request)
    invitation_id = site.signer.invitation_id(request.path_params["token"])
    invitation = records.find_invitation(store, invitation_id) if invitation_id else None
    if invitation is None or not invitation.is_valid():
        records.record_failure(store, "token-failed", key)
        code = (N_("web.join.revoked") if invitation is not None and invitation.is_revoked()
                else N_("web.join.expired") if invitation is not None else N_("web.join.invalid"))
        raise refuse(403, code)
    lang = language(request)
    request.session.clear()
    request.session.update({"invitation": invitation.id, "lang": lang, "csrf": new_csrf_token()})
    return RedirectResponse(f"/plans/{invitation.plan}/organisations/{invitation.organisation}", status_code=303)


@page
def switch_language(site: Site, request: Request, form: FormData | None) -> Response:
    lang = request.path_params["lang"]
    if lang in LANGUAGES:
        request.session["lang"] = lang
    target = request.query_params.get("next", "/")
    if not target.startswith("/") or target.startswith("//") or "\\" in target:
        target = "/"
    return RedirectResponse(target, status_code=303)


# -- the dashboard ----------------------------------------------------------------------------------

FILTERS = ("theme", "partner", "territory", "status")


def _filter_choices(plan: ActionPlan, view: PlanView) -> dict[str, list[tuple[str, str]]]:
    partners: dict[str, None] = {}
    territories: dict[str, None] = {}
    for _, _, action in plan.iter_actions():
        partners.update(dict.fromkeys(p.organisation for p in action.partners))
        territories.update(dict.fromkeys(view.territories(action)))
    return {
        "theme": [(theme.id, theme.title) for theme in plan.themes],
        "partner": sorted(((i, view.organisation_name(i)) for i in partners), key=lambda c: fold(c[1])),
        "territory": sorted(((i, view.territory_name(i)) for i in territories), key=lambda c: fold(c[1])),
        "status": [(status, view.loc.status(status)) for status in STATUS_KEYS],
    }


def filtered_plan(plan: ActionPlan, view: PlanView, chosen: dict[str, str]) -> ActionPlan:
    """The plan with only the actions every chosen filter keeps (themes and objectives left empty are dropped)."""
    statuses: dict[str, set[str]] = {}
    for theme_progress in view.progress.themes:
        for objective_progress in theme_progress.objectives:
            for action_progress in objective_progress.actions:
                statuses[action_progress.action.id] = {p.status for p in action_progress.indicators}

    def keep(theme, action) -> bool:
        if chosen.get("theme") and theme.id != chosen["theme"]:
            return False
        if chosen.get("partner") and chosen["partner"] not in {p.organisation for p in action.partners}:
            return False
        if chosen.get("territory") and chosen["territory"] not in view.territory_keys(view.territories(action)):
            return False
        return not (chosen.get("status") and chosen["status"] not in statuses.get(action.id, set()))

    themes = []
    for theme in plan.themes:
        objectives = []
        for objective in theme.objectives:
            actions = tuple(a for a in objective.actions if keep(theme, a))
            if actions:
                objectives.append(attrs.evolve(objective, actions=actions))
        if objectives:
            themes.append(attrs.evolve(theme, objectives=tuple(objectives)))
    return attrs.evolve(plan, themes=tuple(themes))


def report_context(plan: ActionPlan, lang: str, as_of: dt.date | None = None) -> ReportContext:
    as_of = as_of or dt.date.today()
    html = report_formats().get("html")  # the dashboard's own options, defaulted
    options = html.resolve_options(None, lang) if html is not None else {}
    return ReportContext(as_of=as_of, lang=lang, options=options, progress=plan_progress(plan, as_of),
                         illustrative=bool(plan.illustrative), program=plan.program)


@page
def dashboard(site: Site, request: Request, form: FormData | None) -> Response:
    visitor = require(site, request)
    plan = load_plan(site, visitor, request.path_params["plan_id"])
    lang = language(request)
    ctx = report_context(plan, lang)
    view = PlanView(plan, ctx.progress, ctx.loc)
    choices = _filter_choices(plan, view)
    chosen = {}
    for name in FILTERS:
        value = request.query_params.get(name, "")
        if value and value in {v for v, _ in choices[name]}:
            chosen[name] = value
    shown = plan
    if chosen:
        shown = filtered_plan(plan, view, chosen)
        ctx = report_context(shown, lang, ctx.as_of)
    parts = dashboard_parts(shown, ctx)
    formats = sorted(report_formats(), key=lambda f: f.name)
    return render(request, "dashboard.html.j2", visitor=visitor, plan=plan, sections=parts.html, as_of=ctx.as_of,
                  dashboard_css=parts.css, choices=choices, chosen=chosen, formats=formats,
                  shown=sum(1 for _ in shown.iter_actions()), total=sum(1 for _ in plan.iter_actions()))


@page
def download(site: Site, request: Request, form: FormData | None) -> Response:
    visitor = require(site, request)
    plan = load_plan(site, visitor, request.path_params["plan_id"])
    fmt = report_formats().get(request.path_params["format"])
    if fmt is None or "plan" not in fmt.subjects:
        raise refuse(404, "web.error.not_found")
    try:
        payload = render_report(plan, fmt, lang=language(request))
    except ActionplanError:
        raise refuse(422, "web.error.report_failed") from None
    filename = f"{plan.id}{fmt.extension}"
    return Response(payload, media_type=fmt.media_type, headers={
        "Content-Disposition": f"attachment; filename=\"{filename}\"; filename*=UTF-8''{quote(filename)}"})


# -- an organisation's page ---------------------------------------------------------------------------


def organisation_rows(plan: ActionPlan, organisation: str, as_of: dt.date):
    """(theme, action, indicator progress) of every indicator whose action lists ``organisation``."""
    progress = plan_progress(plan, as_of)
    rows: list[tuple[Any, Any, Any]] = []
    for theme in progress.themes:
        for objective in theme.objectives:
            for action in objective.actions:
                if organisation in {p.organisation for p in action.action.partners}:
                    rows.extend((theme.theme, action.action, ip) for ip in action.indicators)
    return rows


@page
def organisation_page(site: Site, request: Request, form: FormData | None) -> Response:
    visitor = require(site, request)
    plan = load_plan(site, visitor, request.path_params["plan_id"])
    organisation = request.path_params["organisation"]
    if organisation not in {o.id for o in plan.organisations} or (
            not visitor.coordinator and organisation != visitor.organisation):
        raise refuse(404, "web.error.not_found")
    lang = language(request)
    ctx = report_context(plan, lang)
    view = PlanView(plan, ctx.progress, ctx.loc)
    rows = organisation_rows(plan, organisation, ctx.as_of)
    from .cycle import organisation_extras  # (the cycle's pages build on this module)

    extras = organisation_extras(site, visitor, plan, organisation, ctx.loc, ctx.as_of,
                                 [ip.indicator.id for *_, ip in rows])
    return render(request, "organisation.html.j2", visitor=visitor, plan=plan, view=view, as_of=ctx.as_of,
                  organisation=organisation, organisation_name=view.organisation_name(organisation), rows=rows,
                  notice=N_("web.update.sent") if request.query_params.get("sent") else None,
                  feed=site.signer.feed_token([plan.id, visitor.role, visitor.name]), **extras)


# -- grant programs (read only) -----------------------------------------------------------------------


@page
def program_page(site: Site, request: Request, form: FormData | None) -> Response:
    visitor = require(site, request)
    plan = load_plan(site, visitor, request.path_params["plan_id"])
    if plan.program is None:
        raise refuse(404, "web.error.not_found")
    lang = language(request)
    try:
        document = site.store.get(f"{plan.id}.applications").document
    except (NotFoundError, StoreError):
        document = None
    if not isinstance(document, ApplicationsDocument):
        document = ApplicationsDocument(plan.id)
    today = dt.date.today()
    evaluator = Evaluator(plan.program, plan, default_day=today)
    ranking = evaluator.rank(document.applications)
    names = {o.id: o.name for o in (*plan.organisations, *document.organisations)}
    assessments = [(a, ranking.rank_of(a.application.id), a.reasons(lang)) for a in ranking]
    result = replay(plan.program, document, as_of=today, organisations=plan.organisations)
    ledger = result.ledger
    return render(request, "program.html.j2", visitor=visitor, plan=plan, program=plan.program, names=names,
                  assessments=assessments, document=document,
                  ledger_rows=ledger.rows(today) if ledger is not None else (),
                  ledger_totals=ledger.totals(today) if ledger is not None else None,
                  dossiers=result.dossiers)


# -- errors -------------------------------------------------------------------------------------------

_STATUS_CODES = {400: N_("web.error.bad_request"), 401: N_("web.error.login_required"), 403: N_("web.error.forbidden"),
                 404: N_("web.error.not_found"), 405: N_("web.error.bad_request"), 413: N_("web.error.too_long"),
                 422: N_("web.error.report_failed"), 429: N_("web.error.throttled")}


async def http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    status = exc.status_code
    code = exc.detail if isinstance(exc.detail, str) and exc.detail.startswith("web.") else _STATUS_CODES.get(
        status, N_("web.error.bad_request"))
    if status == 401:
        return RedirectResponse("/login", status_code=303)
    return render(request, "error.html.j2", status=status, code=code, visitor=None)


async def server_error(request: Request, exc: Exception) -> Response:
    """Whatever went wrong, the browser is told only that it did: no trace, no path."""
    try:
        return render(request, "error.html.j2", status=500, code=N_("web.error.server"), visitor=None)
    except Exception:  # noqa: BLE001 - the page itself failed: plain words, still nothing internal
        return PlainTextResponse("Erreur du serveur / Server error", status_code=500)


async def stylesheet(request: Request) -> Response:
    return Response((HERE / "static" / "web.css").read_bytes(), media_type="text/css; charset=utf-8",
                    headers={"Cache-Control": "public, max-age=3600"})


# -- security headers -----------------------------------------------------------------------------------


class SecurityHeaders:
    """Adds the security headers to every response, error pages included; gives each request a CSP nonce."""

    def __init__(self, app: ASGIApp, *, hsts: bool):
        self.app = app
        self.hsts = hsts

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        nonce = secrets.token_urlsafe(16)
        scope.setdefault("state", {})["csp_nonce"] = nonce
        policy = (f"default-src 'none'; style-src 'self' 'nonce-{nonce}'; style-src-attr 'unsafe-inline'; "
                  "img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'")
        extra = [
            (b"content-security-policy", policy.encode()),
            (b"x-content-type-options", b"nosniff"),
            (b"x-frame-options", b"DENY"),
            (b"referrer-policy", b"no-referrer"),
            (b"cross-origin-opener-policy", b"same-origin"),
            (b"cross-origin-resource-policy", b"same-origin"),
            (b"permissions-policy", b"camera=(), microphone=(), geolocation=(), interest-cohort=()"),
        ]
        if self.hsts:
            extra.append((b"strict-transport-security", b"max-age=31536000"))

        async def send_with_headers(message: AsgiMessage) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if k.lower() != b"server"]
                names = {k.lower() for k, _ in headers}
                headers += [(k, v) for k, v in extra if k not in names]
                if b"cache-control" not in names:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_with_headers)


# -- the application ----------------------------------------------------------------------------------


def routes() -> list[Route]:
    found = [
        Route("/", home),
        Route("/login", login, methods=["GET", "POST"]),
        Route("/logout", logout, methods=["POST"]),
        Route("/join/{token}", join),
        Route("/language/{lang}", switch_language),
        Route("/static/web.css", stylesheet),
        Route("/plans/{plan_id}", dashboard),
        Route("/plans/{plan_id}/download/{format}", download),
        Route("/plans/{plan_id}/organisations/{organisation}", organisation_page),
        Route("/plans/{plan_id}/program", program_page),
    ]
    from . import cycle

    return found + cycle.routes(page)


def create_app(store_url: str, *, secure_cookies: bool = True) -> ASGIApp:
    """The site on the store at ``store_url``; ``secure_cookies=False`` only for plain-HTTP tests."""
    site = Site(store_url, secure_cookies=secure_cookies)
    app = Starlette(
        routes=routes(),
        middleware=[Middleware(SessionMiddleware, secret_key=records.site_secret(site.store) + ":session",
                               session_cookie=SESSION_COOKIE, max_age=SESSION_MAX_AGE, same_site="lax",
                               https_only=secure_cookies)],
        exception_handlers={HTTPException: http_error, Exception: server_error},
    )
    app.state.site = site
    return SecurityHeaders(app, hsts=secure_cookies)


__all__ = ["Site", "Visitor", "create_app", "page", "render", "require", "require_coordinator", "load_plan"]
