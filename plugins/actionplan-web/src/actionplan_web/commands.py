"""``actionplan serve`` and ``actionplan web invite | revoke | invitations | user add | user remove``."""

from __future__ import annotations

import socket
import sys

import attrs
import click

from actionplan.api import (
    ActionplanError,
    ActionPlan,
    CliState,
    Localizer,
    Message,
    N_,
    NotFoundError,
    Store,
    StoreError,
    open_store,
    t,
)

from . import records
from .security import Signer, hash_password

#: Where the site is reached when ``--base-url`` is not given.
DEFAULT_BASE_URL = "http://127.0.0.1:8000"


def _store(state: CliState | None, url: str | None = None) -> Store:
    return open_store(url or (state.store_url if state else None))


def _lang(state: CliState | None) -> str:
    return state.lang if state else "fr"


def _plan(store: Store, plan_id: str) -> ActionPlan:
    try:
        plan = store.get(plan_id).document
    except NotFoundError:
        raise ActionplanError(Message("web.cli.no_plan", plan=plan_id, url=store.url)) from None
    if not isinstance(plan, ActionPlan):
        raise ActionplanError(Message("web.cli.no_plan", plan=plan_id, url=store.url))
    return plan


def check_listening(host: str, port: int) -> None:
    """Refuse, in words, an address the site cannot listen on (taken, or not this machine's)."""
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
        with socket.socket(infos[0][0], socket.SOCK_STREAM) as probe:
            probe.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
            probe.bind(infos[0][4])
    except OSError as error:
        raise ActionplanError(Message("web.cli.cannot_listen", host=host, port=port,
                                      reason=error.strerror or str(error))) from None


def invitation_url(base_url: str, signer: Signer, invitation_id: str) -> str:
    return f"{base_url.rstrip('/')}/join/{signer.invitation_token(invitation_id)}"


def register(cli: click.Group) -> None:
    @cli.command(help=N_("web.cli.serve.help"))
    @click.option("--store", "store_url", metavar="URL", default=None, help=N_("web.cli.serve.store"))
    @click.option("--host", default="127.0.0.1", show_default=True, help=N_("web.cli.serve.host"))
    @click.option("--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help=N_("web.cli.serve.port"))
    @click.option("--proxy", "proxies", metavar="ADDRESS", default=None, help=N_("web.cli.serve.proxy"))
    @click.option("--insecure-cookies", is_flag=True, help=N_("web.cli.serve.insecure_cookies"))
    @click.pass_obj
    def serve(state, store_url, host, port, proxies, insecure_cookies):
        import uvicorn

        from .app import create_app

        url = store_url or (state.store_url if state else None)
        check_listening(host, port)
        app = create_app(url or "sqlite:actionplan.db", secure_cookies=not insecure_cookies)
        address = f"http://{host}:{port}"
        click.echo(t("web.cli.serving", _lang(state), url=address), err=True)
        uvicorn.run(app, host=host, port=port, log_level="warning", server_header=False, date_header=True,
                    proxy_headers=proxies is not None, forwarded_allow_ips=proxies or "127.0.0.1")

    @cli.group(help=N_("web.cli.web.help"))
    def web():
        pass

    @web.command(help=N_("web.cli.invite.help"))
    @click.argument("organisation")
    @click.option("--plan", "plan_id", required=True, help=N_("web.cli.invite.plan"))
    @click.option("--days", default=30, show_default=True, type=click.IntRange(1, 366), help=N_("web.cli.invite.days"))
    @click.option("--base-url", envvar="ACTIONPLAN_WEB_URL", default=DEFAULT_BASE_URL, show_default=True,
                  help=N_("web.cli.invite.base_url"))
    @click.pass_obj
    def invite(state, organisation, plan_id, days, base_url):
        lang = _lang(state)
        with _store(state) as store:
            plan = _plan(store, plan_id)
            if organisation not in {o.id for o in plan.organisations}:
                known = ", ".join(o.id for o in plan.organisations)
                raise ActionplanError(Message("web.cli.no_organisation", organisation=organisation, plan=plan_id,
                                              known=known))
            name = next(o.name for o in plan.organisations if o.id == organisation)
            invitation = records.new_invitation(organisation, plan.id, days, created_by=None, organisation_name=name)
            signer = Signer(records.site_secret(store))
            store.save(invitation, author="actionplan web invite", comment="invitation")
        click.echo(invitation_url(base_url, signer, invitation.id))
        expires = records.when(invitation.expires)
        click.echo(t("web.cli.invited", lang, id=invitation.id, organisation=organisation,
                     day=Localizer(lang).date(expires.date()),
                     time=t("web.cli.time", lang, hours=expires.hour, minutes=f"{expires.minute:02d}")), err=True)

    @web.command(help=N_("web.cli.revoke.help"))
    @click.argument("invitation")
    @click.pass_obj
    def revoke(state, invitation):
        lang = _lang(state)
        with _store(state) as store:
            invitation_id = invitation
            if "/" in invitation or not invitation.startswith(records.INVITATION_PREFIX):
                token = invitation.rstrip("/").rsplit("/", 1)[-1]
                invitation_id = Signer(records.site_secret(store)).invitation_id(token) or invitation
            found = records.find_invitation(store, invitation_id)
            if found is None:
                raise ActionplanError(Message("web.cli.no_invitation", invitation=invitation))
            if found.is_revoked():
                raise ActionplanError(Message("web.cli.already_revoked", invitation=found.id))
            revoked = attrs.evolve(found, revoked=records.utcnow().isoformat(), revoked_by="actionplan web revoke")
            store.save(revoked, expected_version=store.version(found.id), author="actionplan web revoke",
                       comment="revoked")
        click.echo(t("web.cli.revoked", lang, id=found.id, organisation=found.organisation))

    @web.command(help=N_("web.cli.invitations.help"))
    @click.pass_obj
    def invitations(state):
        lang = _lang(state)
        with _store(state) as store:
            found = records.invitations(store)
        for invitation in sorted(found, key=lambda i: i.created):
            status = (N_("web.cli.status.revoked") if invitation.is_revoked() else
                      N_("web.cli.status.expired") if invitation.is_expired() else N_("web.cli.status.valid"))
            click.echo(f"{invitation.id}  {invitation.plan}  {invitation.organisation}  "
                       f"{invitation.expires[:10]}  {t(status, lang)}")

    @web.group(help=N_("web.cli.user.help"))
    def user():
        pass

    @user.command("add", help=N_("web.cli.user_add.help"))
    @click.argument("name")
    @click.option("--password-stdin", is_flag=True, help=N_("web.cli.user_add.password_stdin"))
    @click.option("--replace", is_flag=True, help=N_("web.cli.user_add.replace"))
    @click.pass_obj
    def user_add(state, name, password_stdin, replace):
        lang = _lang(state)
        doc_id = records.account_id(name)
        if password_stdin:
            password = sys.stdin.readline().rstrip("\r\n")
        else:
            password = click.prompt(t("web.cli.password_prompt", lang), hide_input=True,
                                    confirmation_prompt=t("web.cli.password_again", lang), err=True,
                                    prompt_suffix=t("web.cli.prompt_suffix", lang))
        account = records.WebAccount(id=doc_id, name=name, password_hash=hash_password(password),
                                     created=records.utcnow().isoformat())
        with _store(state) as store:
            records.site_secret(store)
            current = store.version(doc_id)
            if current is not None and not replace:
                raise ActionplanError(Message("web.cli.user_exists", name=name))
            try:
                store.save(account, expected_version=current, author="actionplan web user add",
                           comment="account")
            except StoreError as error:
                raise ActionplanError(Message("web.cli.user_not_saved", name=name, error=error.message(lang))) from None
        click.echo(t("web.cli.user_added", lang, name=name))

    @user.command("remove", help=N_("web.cli.user_remove.help"))
    @click.argument("name")
    @click.pass_obj
    def user_remove(state, name):
        lang = _lang(state)
        doc_id = records.account_id(name)
        with _store(state) as store:
            current = store.version(doc_id)
            if current is None:
                raise ActionplanError(Message("web.cli.no_user", name=name))
            store.delete(doc_id, expected_version=current, author="actionplan web user remove")
        click.echo(t("web.cli.user_removed", lang, name=name))
