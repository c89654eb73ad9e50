"""Organisations and the roles they play on an action."""

from __future__ import annotations

import attrs

from .base import check_id, check_optional_id, check_text

#: Roles an organisation can hold on an action. ``responsible`` is what the plans
#: write in their indicator column ("Équipe CH", "Table des partenaires").
ROLES = ("lead", "collaborator", "funder", "support", "responsible", "executing", "participant")


@attrs.frozen
class Organisation:
    """A partner, member, funder or body named in a plan or grant program."""

    id: str = attrs.field(validator=check_id)
    name: str = attrs.field(validator=check_text)
    short_name: str | None = None
    kind: str | None = None  # "table de concertation", "MRC", "organisme communautaire", "comité"…
    territory: str | None = attrs.field(default=None, validator=check_optional_id)
    website: str | None = None
    contact: str | None = None  # who reports for it: « Marie Tremblay, coordonnatrice »
    email: str | None = None  # where reminders go (actionplan remind)


@attrs.frozen
class Participation:
    """An organisation's role on an action (or an application)."""

    organisation: str = attrs.field(validator=check_id)
    role: str = attrs.field(default="collaborator", validator=attrs.validators.in_(ROLES))
    note: str | None = None
