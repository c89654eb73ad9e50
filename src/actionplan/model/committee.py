"""A selection committee's scoring, as data: the program's grid and the committee's document.

* :class:`ScoringGrid` — ``program.scoring``: the analysis grid (« grille d'analyse ») whose
  ``items`` (its criteria) carry weights summing to 100, the scale every mark is on (``min``–``max``), how the
  members' marks are aggregated (``mean`` or ``median``), how their spread is shown (``range``
  or ``stdev``) and the tie-breaks between equal scores.
* :class:`CommitteeDocument` — ``type: committee``: the members of a committee, the conflicts
  of interest they declared, and each member's marks per application and criterion; a mark may
  be ``N/A`` (the criterion does not apply: it is left out of that criterion's mean).

The arithmetic (aggregates, spread, ranking) is in :mod:`actionplan.grants.committee`.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import attrs

from .base import check_id, check_optional_id, check_text

#: How the members' marks of one criterion are combined.
AGGREGATES = ("mean", "median")
#: How the spread of the members' scores is shown: lowest–highest, or the (population) standard deviation.
SPREADS = ("range", "stdev")
#: What orders applications whose committee scores are equal, in the order listed:
#: ``priorities`` (more of the program's priorities first), ``deposited`` (earlier first),
#: ``requested`` (smaller total request first), ``criteria`` (the program's ranking criteria).
TIE_BREAKS = ("priorities", "deposited", "requested", "criteria")
#: What a member writes for a criterion that does not apply to an application.
NOT_APPLICABLE = "N/A"


@attrs.frozen
class GridCriterion:
    """A line of the analysis grid: what is marked (« Pertinence ») and its weight out of 100."""

    id: str = attrs.field(validator=check_id)
    label: str = attrs.field(validator=check_text)
    weight: Decimal = Decimal(0)
    description: str | None = None


@attrs.frozen
class Scale:
    """The marks a member may give: from ``min`` to ``max`` (both included)."""

    max: Decimal
    min: Decimal = Decimal(0)


@attrs.frozen
class ScoringGrid:
    """The selection committee's analysis grid (``program.scoring``).

    An application's score is out of 100: Σ weight × (aggregate mark − min) / (max − min), over
    the criteria that apply to it (a criterion every member marked N/A is left out and the
    weights of the others are scaled back to 100).
    """

    items: tuple[GridCriterion, ...]
    scale: Scale
    aggregate: str = attrs.field(default="mean", validator=attrs.validators.in_(AGGREGATES))
    spread: str = attrs.field(default="range", validator=attrs.validators.in_(SPREADS))
    tie_breaks: tuple[str, ...] = ("priorities", "deposited")
    note: str | None = None

    def criterion(self, criterion_id: str) -> GridCriterion | None:
        return next((c for c in self.items if c.id == criterion_id), None)


@attrs.frozen
class CommitteeMember:
    """A member of the selection committee."""

    id: str = attrs.field(validator=check_id)
    name: str = attrs.field(validator=check_text)
    organisation: str | None = None  # the body the member sits for, as written
    role: str | None = None  # « présidente », « représentant du milieu »
    note: str | None = None


@attrs.frozen
class Conflict:
    """A conflict of interest a member declared on an application: the member withdraws from it."""

    member: str = attrs.field(validator=check_id)
    application: str = attrs.field(validator=check_id)
    declared: dt.date | None = None
    reason: str | None = None


@attrs.frozen
class MemberScores:
    """One member's marks on one application: criterion id → a mark on the scale, or ``N/A``."""

    member: str = attrs.field(validator=check_id)
    application: str = attrs.field(validator=check_id)
    marks: dict[str, Any] = attrs.field(factory=dict, eq=True, hash=False)
    note: str | None = None


@attrs.frozen
class CommitteeDocument:
    """A selection committee's work on a program's applications (``type: committee``).

    ``program`` is the id of the plan carrying the program; ``call`` the call for projects the
    committee met for (optional); ``illustrative`` marks made-up members and marks.
    """

    program: str = attrs.field(validator=check_id)
    schema_version: int = 1
    call: str | None = attrs.field(default=None, validator=check_optional_id)
    title: str | None = None
    meeting: dt.date | None = None
    illustrative: bool = False
    note: str | None = None
    members: tuple[CommitteeMember, ...] = ()
    conflicts: tuple[Conflict, ...] = ()
    scores: tuple[MemberScores, ...] = ()

    def member(self, member_id: str) -> CommitteeMember | None:
        return next((m for m in self.members if m.id == member_id), None)
