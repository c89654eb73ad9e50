"""Reviewed updates: whether a plan's measurements wait for a reviewer before they count.

A partner's measurement is an *update*. When the plan's :class:`ReviewPolicy` says
``required``, a store records every new update as *submitted*; a reviewer then *approves*
it (it counts from then on) or *returns* it with a note (it never counts; the partner
submits a corrected one). Without a policy, or with ``required: false``, updates count the
moment they are recorded, as they always did: their state is *counted*.

The states are derived from append-only records (the measurement, then one review event);
see docs/storage.md, "Reviewed updates".
"""

from __future__ import annotations

import datetime as dt

import attrs

from .base import check_id

#: Every state an update can be in, in the order of the cycle.
UPDATE_STATES = ("counted", "submitted", "approved", "returned")

#: States whose measurements move progress.
COUNTED_STATES = ("counted", "approved")

#: What a reviewer decides → the state it leads to.
REVIEW_DECISIONS = {"approve": "approved", "return": "returned"}


#: Statuses a person may set by hand (``actionplan status``, a tracking log's ``manual_statuses``): the
#: computed ones (:data:`actionplan.progress.STATUSES`), « reporté », « abandonné ».
MANUAL_STATUSES = ("not_started", "on_track", "at_risk", "late", "achieved", "postponed", "abandoned")


def update_state(submitted: bool, decision: str | None) -> str:
    """The state of an update: ``counted`` unless ``submitted``; then ``submitted`` until a reviewer's
    ``decision`` (a key of :data:`REVIEW_DECISIONS`) makes it ``approved`` or ``returned``."""
    if not submitted:
        return "counted"
    return "submitted" if decision is None else REVIEW_DECISIONS[decision]


@attrs.frozen
class Review:
    """A reviewer's decision on a submitted update, as a tracking log records it (``reviews:``).

    ``update`` is the update's id (a measurement of the log with ``submitted: true`` and that ``id``),
    ``decision`` ``approve`` (it counts from then on) or ``return`` (it never counts; ``note`` says
    what to correct), ``reviewer`` who decided and ``date`` the day. A store records it as the event
    :meth:`actionplan.storage.Store.review_update` writes.
    """

    update: str = attrs.field(validator=check_id)  # the id of the update reviewed
    decision: str = attrs.field(validator=attrs.validators.in_(tuple(REVIEW_DECISIONS)))  # approve or return
    reviewer: str  # who decided
    date: dt.date  # the day of the decision
    note: str | None = None  # what to correct (required to return an update)


@attrs.frozen
class ManualStatus:
    """A status set by a person on an indicator or an action, with the reason and who set it.

    Shown next to the computed status (it does not replace it in rollups) until a newer
    measurement of the indicator (of one of the action's indicators) or an explicit clear.
    A tracking log lists them under ``manual_statuses:``; a store keeps them as ``manual-status``
    events (:func:`actionplan.progress.manual_statuses` reads both).
    """

    subject: str = attrs.field(validator=check_id)  # an indicator or action id
    status: str = attrs.field(validator=attrs.validators.in_(MANUAL_STATUSES))  # one of MANUAL_STATUSES
    reason: str  # why (« reporté à 2027 faute de financement »), required
    author: str  # who set it
    date: dt.date  # the day it was set


@attrs.frozen
class ReviewPolicy:
    """A plan's rule for its updates (``review:`` in a plan file).

    ``required``: new measurements wait for a reviewer's approval before they count.
    ``distinct_reviewer``: the reviewer may not be the person who submitted the update.
    """

    required: bool = False
    distinct_reviewer: bool = False


def review_required(plan: object) -> bool:
    """Whether ``plan`` (an :class:`~actionplan.model.ActionPlan`) wants its new updates reviewed."""
    policy = getattr(plan, "review", None)
    return bool(policy is not None and policy.required)


__all__ = ["COUNTED_STATES", "MANUAL_STATUSES", "REVIEW_DECISIONS", "UPDATE_STATES", "ManualStatus", "Review",
           "ReviewPolicy", "review_required", "update_state"]
