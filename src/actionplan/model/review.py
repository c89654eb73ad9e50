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

import attrs

#: Every state an update can be in, in the order of the cycle.
UPDATE_STATES = ("counted", "submitted", "approved", "returned")

#: States whose measurements move progress.
COUNTED_STATES = ("counted", "approved")

#: What a reviewer decides → the state it leads to.
REVIEW_DECISIONS = {"approve": "approved", "return": "returned"}


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


__all__ = ["COUNTED_STATES", "REVIEW_DECISIONS", "UPDATE_STATES", "ReviewPolicy", "review_required"]
