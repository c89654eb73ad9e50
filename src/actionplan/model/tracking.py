"""Tracking logs: measurements kept apart from the plan, and merged into it on demand.

A round table keeps its plan stable and records progress all year. A tracking log
(``type: tracking``) lists measurements, each naming its ``indicator``; a store keeps
them as append-only records. :func:`with_measurements` gives the plan with them attached.

A log carries the year's cycle too: updates a partner submitted (``submitted: true`` with an
``id``), the reviewers' decisions on them (``reviews``) and the statuses set by hand
(``manual_statuses``). :meth:`TrackingLog.counted` gives the measurements that move progress,
:meth:`TrackingLog.pending` the updates still waiting for a reviewer, as a store would.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import attrs

from .base import check_id
from .indicators import Measurement
from .plan import SCHEMA_VERSION, ActionPlan
from .review import COUNTED_STATES, ManualStatus, Review, update_state


@attrs.frozen
class TrackingLog:
    """Measurements recorded for one plan, with the reviews of its submitted updates and the statuses set by hand."""

    plan: str = attrs.field(validator=check_id)
    measurements: tuple[Measurement, ...] = ()
    schema_version: int = SCHEMA_VERSION
    illustrative: bool = False
    note: str | None = None
    reviews: tuple[Review, ...] = ()  # reviewers' decisions on the submitted updates (by update id)
    manual_statuses: tuple[ManualStatus, ...] = ()  # statuses set by hand on indicators or actions

    def states(self) -> list[tuple[Measurement, str]]:
        """Each measurement with its update state (:data:`~actionplan.model.review.UPDATE_STATES`), in order.

        The first review of an update decides it, as in a store (a log checked by
        :func:`actionplan.checks.check_tracking` has at most one per update).
        """
        decided: dict[str, str] = {}
        for review in self.reviews:
            decided.setdefault(review.update, review.decision)
        return [(m, update_state(m.submitted, decided.get(m.id) if m.id is not None else None))
                for m in self.measurements]

    def counted(self) -> tuple[Measurement, ...]:
        """The measurements that move progress: those not submitted for review, and the approved updates."""
        return tuple(m for m, state in self.states() if state in COUNTED_STATES)

    def pending(self) -> tuple[Measurement, ...]:
        """The updates still waiting for a reviewer (submitted, not yet approved or returned)."""
        return tuple(m for m, state in self.states() if state == "submitted")


def with_measurements(plan: ActionPlan, measurements: Iterable[Measurement], *,
                      skip_unknown: bool = False) -> ActionPlan:
    """The plan with ``measurements`` appended to their indicators (by ``indicator`` id).

    Measurements naming an unknown indicator raise ``KeyError``; check a log first with
    :func:`actionplan.checks.check_tracking`. With ``skip_unknown`` they are left out instead:
    a store keeps the measurements of an indicator removed from its plan (``allow_removal``),
    and they no longer count.
    """
    by_indicator: dict[str | None, list[Measurement]] = defaultdict(list)
    for measurement in measurements:
        by_indicator[measurement.indicator].append(measurement)
    if not by_indicator:
        return plan
    known = {i.id for *_, i in plan.iter_indicators()}
    unknown = set(by_indicator) - known
    if unknown and skip_unknown:
        for indicator in unknown:
            del by_indicator[indicator]
        if not by_indicator:
            return plan
    elif unknown:
        raise KeyError(f"unknown indicators: {', '.join(sorted(map(str, unknown)))}")

    def evolve_action(action):
        if not any(i.id in by_indicator for i in action.indicators):
            return action
        indicators = tuple(
            attrs.evolve(i, measurements=i.measurements + tuple(by_indicator[i.id])) if i.id in by_indicator else i
            for i in action.indicators
        )
        return attrs.evolve(action, indicators=indicators)

    themes = tuple(
        attrs.evolve(
            theme,
            objectives=tuple(
                attrs.evolve(objective, actions=tuple(evolve_action(a) for a in objective.actions))
                for objective in theme.objectives
            ),
        )
        for theme in plan.themes
    )
    return attrs.evolve(plan, themes=themes)
