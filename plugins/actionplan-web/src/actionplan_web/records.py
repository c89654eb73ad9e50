"""What the site keeps, all of it in the store: its secret, accounts, invitations, failed attempts.

Nothing lives in a server process: several ``actionplan serve`` processes on one PostgreSQL
share every record below, so any of them can answer any request.

- ``web-site`` (one document, id ``web-site``): the secret that signs sessions, invitation
  links and calendar links. It is made by the first process that needs it; a second one
  racing it loses the save (``ConflictError``) and reads the winner's.
- ``web-account`` (``web-account.NAME``): a coordinator's account and its argon2 hash.
- ``web-invitation`` (``web-invitation.ID``): an organisation's invitation to one plan, with
  its expiry and, once revoked, who revoked it and when.
- failed logins and failed invitation links are *events* of the ``web-site`` document
  (``login-failed``, ``token-failed``), keyed by a hash of the account name or the address;
  counting the recent ones is the throttle every process sees.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import secrets

from typing import TYPE_CHECKING

import attrs

from actionplan.api import ActionplanError, ConflictError, DocumentType, Message, NotFoundError

if TYPE_CHECKING:  # the stores are imported when a command opens one, not when the document types are registered
    from actionplan.api import Store

SITE_ID = "web-site"
ACCOUNT_PREFIX = "web-account."
INVITATION_PREFIX = "web-invitation."

#: Account names: short, lowercase, safe in an id.
ACCOUNT_NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,62}")

#: Failed attempts counted over this window; past the limit, attempts are refused until it slides.
THROTTLE_WINDOW = dt.timedelta(minutes=15)
LOGIN_LIMIT_PER_ACCOUNT = 5
LOGIN_LIMIT_PER_ADDRESS = 20
TOKEN_LIMIT_PER_ADDRESS = 10


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc)


def when(text: str) -> dt.datetime:
    """A stored ISO timestamp as an aware UTC datetime."""
    value = dt.datetime.fromisoformat(text)
    return value if value.tzinfo else value.replace(tzinfo=dt.timezone.utc)


@attrs.frozen
class WebSite:
    """The site's signing secret (``type: web-site``)."""

    secret: str
    created: str
    id: str = SITE_ID
    schema_version: int = 1


@attrs.frozen
class WebAccount:
    """A coordinator's account (``type: web-account``): the name people log in with, an argon2 hash."""

    id: str
    name: str
    password_hash: str
    created: str
    role: str = "coordinator"
    schema_version: int = 1


@attrs.frozen
class WebInvitation:
    """An organisation invited to report on one plan (``type: web-invitation``)."""

    id: str
    organisation: str
    plan: str
    created: str
    expires: str
    created_by: str | None = None
    revoked: str | None = None
    revoked_by: str | None = None
    organisation_name: str | None = None  # as the plan names it when the invitation was made
    schema_version: int = 1

    def is_revoked(self) -> bool:
        return self.revoked is not None

    def is_expired(self, now: dt.datetime | None = None) -> bool:
        return (now or utcnow()) >= when(self.expires)

    def is_valid(self, now: dt.datetime | None = None) -> bool:
        return not self.is_revoked() and not self.is_expired(now)


DOCUMENT_TYPES = (
    DocumentType("web-site", WebSite),
    DocumentType("web-account", WebAccount),
    DocumentType("web-invitation", WebInvitation),
)


# -- the secret -------------------------------------------------------------------------------


def site_secret(store: Store) -> str:
    """The site's secret, made and saved by the first process that asks."""
    try:
        return store.get(SITE_ID).document.secret
    except NotFoundError:
        pass
    try:
        store.save(WebSite(secrets.token_hex(32), utcnow().isoformat()), author="actionplan-web",
                   comment="site secret")
    except ConflictError:  # another process made it first: use theirs
        pass
    return store.get(SITE_ID).document.secret


# -- accounts -----------------------------------------------------------------------------------


def account_id(name: str) -> str:
    if not isinstance(name, str) or not ACCOUNT_NAME.fullmatch(name):
        raise ActionplanError(Message("web.account.bad_name", name=name))
    return ACCOUNT_PREFIX + name


def password_mark(account: WebAccount) -> str:
    """A short digest of the account's hash, kept in its sessions: a new password changes it."""
    return hashlib.sha256(account.password_hash.encode("utf-8")).hexdigest()[:16]


def find_account(store: Store, name: str) -> WebAccount | None:
    """The account named ``name``, or ``None`` (a name that cannot be one is ``None`` too)."""
    if not isinstance(name, str) or not ACCOUNT_NAME.fullmatch(name):
        return None
    try:
        document = store.get(ACCOUNT_PREFIX + name).document
    except NotFoundError:
        return None
    return document if isinstance(document, WebAccount) else None


# -- invitations --------------------------------------------------------------------------------


def new_invitation(organisation: str, plan: str, days: int, created_by: str | None,
                   organisation_name: str | None = None) -> WebInvitation:
    now = utcnow()
    return WebInvitation(
        id=INVITATION_PREFIX + secrets.token_hex(8), organisation=organisation, plan=plan,
        created=now.isoformat(), expires=(now + dt.timedelta(days=days)).isoformat(), created_by=created_by,
        organisation_name=organisation_name,
    )


def find_invitation(store: Store, invitation_id: object) -> WebInvitation | None:
    if not isinstance(invitation_id, str) or not re.fullmatch(r"web-invitation\.[0-9a-f]{16}", invitation_id):
        return None
    try:
        document = store.get(invitation_id).document
    except NotFoundError:
        return None
    return document if isinstance(document, WebInvitation) else None


def invitations(store: Store) -> list[WebInvitation]:
    found = []
    for info in store.list(type="web-invitation"):
        document = store.get(info.id).document
        if isinstance(document, WebInvitation):
            found.append(document)
    return found


# -- throttling -------------------------------------------------------------------------------


def attempt_key(*parts: str) -> str:
    """What a failed attempt is filed under: a hash, so no name or address is kept in clear."""
    return hashlib.sha256("\x1f".join(parts).encode("utf-8")).hexdigest()[:32]


def recent_failures(store: Store, kind: str, key: str, now: dt.datetime | None = None) -> int:
    """How many ``kind`` failures were filed under ``key`` within the throttle window."""
    now = now or utcnow()
    since = now - THROTTLE_WINDOW
    records = store.event_records(SITE_ID, kind=kind, start=since.date())
    return sum(1 for r in records if r.recorded_at >= since and r.event.data.get("key") == key)


def record_failure(store: Store, kind: str, key: str) -> None:
    from actionplan.api import Event

    store.append_event(SITE_ID, Event(kind=kind, date=utcnow().date(), data={"key": key}), author="actionplan-web")
