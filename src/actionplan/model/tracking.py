"""Tracking logs: measurements kept apart from the plan, and merged into it on demand.

A round table keeps its plan stable and records progress all year. A tracking log
(``type: tracking``) lists measurements, each naming its ``indicator``; a store keeps
them as append-only records. :func:`with_measurements` gives the plan with them attached.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import attrs

from .base import check_id
from .indicators import Measurement
from .plan import SCHEMA_VERSION, ActionPlan


@attrs.frozen
class TrackingLog:
    """Measurements recorded for one plan."""

    plan: str = attrs.field(validator=check_id)
    measurements: tuple[Measurement, ...] = ()
    schema_version: int = SCHEMA_VERSION
    illustrative: bool = False
    note: str | None = None


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
