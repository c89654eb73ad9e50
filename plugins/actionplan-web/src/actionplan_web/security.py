"""Passwords (argon2), signed links (itsdangerous) and the CSRF token of a session."""

from __future__ import annotations

import hmac
import secrets

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from itsdangerous import BadSignature, URLSafeSerializer

from actionplan.api import ActionplanError, Message

#: Shortest password an account accepts.
MIN_PASSWORD = 10

_HASHER = PasswordHasher()
#: Verified against when no account has the name given, so a wrong name costs as long as a wrong password.
_DUMMY_HASH = _HASHER.hash(secrets.token_hex(16))


def hash_password(password: str) -> str:
    if not isinstance(password, str) or len(password) < MIN_PASSWORD:
        raise ActionplanError(Message("web.account.short_password", minimum=MIN_PASSWORD))
    return _HASHER.hash(password)


def check_password(password_hash: str | None, password: str) -> bool:
    """Whether ``password`` matches; ``None`` (no such account) spends the same time and says no."""
    try:
        _HASHER.verify(password_hash or _DUMMY_HASH, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False
    return password_hash is not None


class Signer:
    """Signs and reads the site's links with its secret: invitations and calendar feeds.

    The signature only proves the site made the link; whether it still opens anything (not
    expired, not revoked) is read from the store each time.
    """

    def __init__(self, secret: str):
        self._invitations = URLSafeSerializer(secret, salt="actionplan-web.invitation")
        self._feeds = URLSafeSerializer(secret, salt="actionplan-web.calendar")

    def invitation_token(self, invitation_id: str) -> str:
        return self._invitations.dumps(invitation_id)

    def invitation_id(self, token: str) -> str | None:
        return _loads(self._invitations, token)

    def feed_token(self, subject: list[str]) -> str:
        return self._feeds.dumps(subject)

    def feed_subject(self, token: str) -> list[str] | None:
        found = _loads(self._feeds, token)
        return found if isinstance(found, list) and all(isinstance(x, str) for x in found) else None


def _loads(serializer: URLSafeSerializer, token: object):
    if not isinstance(token, str) or len(token) > 400:
        return None
    try:
        return serializer.loads(token)
    except (BadSignature, UnicodeDecodeError, ValueError):
        return None


def new_csrf_token() -> str:
    return secrets.token_urlsafe(32)


def same_token(expected: object, given: object) -> bool:
    return (isinstance(expected, str) and isinstance(given, str) and bool(expected)
            and hmac.compare_digest(expected.encode(), given.encode()))
