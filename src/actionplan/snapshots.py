"""Closed periods: progress frozen as of a period's end, kept as an immutable, versioned snapshot.

A round table closes a period (« 2026-T2 », « 2025-2026 ») once its numbers are final: the
bilan presented to the board is the one on record. :func:`freeze` turns a plan's progress as
of the period's last day into plain data, and :func:`thaw` gives it back as a
:class:`~actionplan.progress.PlanProgress` that every report format renders, without the
measurements it was computed from:

* the plan as it stood (its document, without measurements), so a report of the closed
  period shows the structure it was judged on;
* every indicator's figures (status, value, target, share done, share expected, the judged
  period, latest counted measurement, per-territory figures, manual status, weight);
* every rollup's status, share and counts (action, objective, theme, plan), frozen too: a later
  version of the rules cannot change the numbers on record.

So a snapshot's size, and the time to thaw it, follow the plan's indicators, not its
measurements. Stores keep snapshots (:meth:`actionplan.storage.Store.close_period`); a
measurement dated inside a closed period is refused until the period is reopened with a reason.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

import attrs

from .convert import converter
from .documents import from_data, to_data
from .model import ActionPlan, Indicator, Measurement
from .model.base import is_valid_id
from .progress import (
    ActionProgress,
    IndicatorProgress,
    ManualStatus,
    ObjectiveProgress,
    PlanProgress,
    Rollup,
    TerritoryProgress,
    ThemeProgress,
    plan_progress,
    schedule_context,
)
from .model.schedules import Period
from .schedules.periods import period_of_label

#: Layout of the snapshot data :func:`freeze` writes; :func:`thaw` refuses a newer one.
SNAPSHOT_FORMAT = 1

#: Event kinds a store records when a period is closed or reopened (subject: none; ``data``: period, version).
PERIOD_CLOSED_EVENT = "period-closed"
PERIOD_REOPENED_EVENT = "period-reopened"
PERIOD_EVENT_KINDS = (PERIOD_CLOSED_EVENT, PERIOD_REOPENED_EVENT)


@attrs.frozen
class PeriodSnapshot:
    """A closed period of a plan as a store keeps it.

    ``version`` counts the closings of this period (1, then 2 after a reopening and a new
    closing); the earlier versions stay readable. ``reopened_at`` / ``reopened_by`` /
    ``reopen_reason`` are set once the period was reopened after this version; a period is
    closed while its latest version is not reopened. ``data`` is what :func:`freeze` gave.
    """

    plan_id: str
    period: str
    version: int
    start: dt.date
    end: dt.date
    closed_at: dt.datetime
    closed_by: str | None = None
    data: Mapping[str, Any] = attrs.field(factory=dict, hash=False, repr=False)
    reopened_at: dt.datetime | None = None
    reopened_by: str | None = None
    reopen_reason: str | None = None

    @property
    def closed(self) -> bool:
        """Whether this version still holds (not reopened)."""
        return self.reopened_at is None

    @property
    def bounds(self) -> Period:
        return Period(self.start, self.end)

    def covers(self, measurement: Measurement) -> bool:
        """Whether ``measurement`` belongs to this period: dated inside it, or reported for it (``period``)."""
        return self.start <= measurement.date <= self.end or measurement.period == self.period


def period_bounds(plan: ActionPlan, label: str) -> Period:
    """The days ``label`` covers for ``plan`` (``2025-2026`` is a fiscal year where the plan keeps them)."""
    return period_of_label(label, fiscal_years=plan.fiscal_years)


def check_period_label(label: object) -> str:
    """A period label a store can keep: one of :data:`~actionplan.schedules.periods.PERIOD_LABEL_FORMS`."""
    if not isinstance(label, str):
        raise ValueError(f"a period label is text, not {type(label).__name__}")
    text = label.strip()
    period_of_label(text, fiscal_years=True)  # the forms; the days depend on the plan
    if not (is_valid_id(text) or ".." in text):
        raise ValueError(f"not a period: {label!r}")
    return text


# -- freezing ---------------------------------------------------------------------------------


def _dec(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _undec(value: Any) -> Decimal | None:
    return None if value is None else Decimal(str(value))


def _rollup_data(rollup: Rollup) -> dict:
    return {"status": rollup.status, "fraction": _dec(rollup.fraction), "counts": dict(rollup.counts),
            "levels": dict(rollup.levels)}


def _manual_data(manual: ManualStatus | None) -> dict | None:
    if manual is None:
        return None
    return {"subject": manual.subject, "status": manual.status, "reason": manual.reason, "author": manual.author,
            "date": manual.date.isoformat()}


def _indicator_data(ip: IndicatorProgress) -> dict:
    return {
        "status": ip.status, "value": _dec(ip.value), "target": _dec(ip.target), "fraction": _dec(ip.fraction),
        "expected": _dec(ip.expected), "level": ip.level, "reason": ip.reason, "period": ip.period,
        "weight": _dec(ip.weight), "as_of": ip.as_of.isoformat() if ip.as_of else None,
        "bounds": [ip.bounds.start.isoformat(), ip.bounds.end.isoformat()] if ip.bounds else None,
        "latest": converter.unstructure(ip.latest) if ip.latest is not None else None,
        "by_territory": {key: {"value": _dec(t.value), "target": _dec(t.target), "fraction": _dec(t.fraction),
                               "level": t.level} for key, t in ip.by_territory.items()},
        "manual": _manual_data(ip.manual),
    }


def bare_plan(plan: ActionPlan) -> ActionPlan:
    """``plan`` without its measurements (what a snapshot keeps of the plan)."""
    def bare(action):
        return attrs.evolve(action, indicators=tuple(attrs.evolve(i, measurements=()) for i in action.indicators))

    themes = tuple(attrs.evolve(t, objectives=tuple(attrs.evolve(o, actions=tuple(bare(a) for a in o.actions))
                                                    for o in t.objectives)) for t in plan.themes)
    return attrs.evolve(plan, themes=themes)


def freeze(plan: ActionPlan, label: str, *, manual: Mapping[str, ManualStatus] | None = None,
           progress: PlanProgress | None = None) -> dict:
    """The snapshot data of ``plan``'s progress as of the last day of period ``label``.

    ``plan`` carries the measurements that count (a store's ``plan_with_measurements``);
    ``manual`` the statuses set by hand standing then. ``progress`` may be given when already
    computed as of that day.
    """
    bounds = period_bounds(plan, label)
    if progress is None:
        progress = plan_progress(plan, bounds.end, manual=manual)
    elif progress.as_of != bounds.end:
        raise ValueError(f"progress is as of {progress.as_of}, not the end of {label} ({bounds.end})")
    indicators, rollups = {}, {"plan": _rollup_data(progress.rollup)}
    actions_manual = {}
    for theme in progress.themes:
        rollups[f"theme:{theme.theme.id}"] = _rollup_data(theme.rollup)
        for objective in theme.objectives:
            rollups[f"objective:{objective.objective.id}"] = _rollup_data(objective.rollup)
            for action in objective.actions:
                rollups[f"action:{action.action.id}"] = _rollup_data(action.rollup)
                if action.manual is not None:
                    actions_manual[action.action.id] = _manual_data(action.manual)
                for ip in action.indicators:
                    indicators[ip.indicator.id] = _indicator_data(ip)
    from .version import __version__

    return {"format": SNAPSHOT_FORMAT, "period": label, "start": bounds.start.isoformat(),
            "end": bounds.end.isoformat(), "as_of": bounds.end.isoformat(), "actionplan": __version__,
            "plan": to_data(bare_plan(plan)), "indicators": indicators, "rollups": rollups,
            "manual_actions": actions_manual}


# -- thawing ----------------------------------------------------------------------------------


def _manual(data: Mapping | None) -> ManualStatus | None:
    if not data:
        return None
    return ManualStatus(data["subject"], data["status"], data["reason"], data["author"],
                        dt.date.fromisoformat(data["date"]))


def _indicator(indicator, data: Mapping) -> IndicatorProgress:
    bounds = data.get("bounds")
    latest = data.get("latest")
    return IndicatorProgress(
        indicator, data["status"], value=_undec(data.get("value")), target=_undec(data.get("target")),
        fraction=_undec(data.get("fraction")), expected=_undec(data.get("expected")),
        latest=converter.structure(latest, Measurement) if latest is not None else None,
        level=data.get("level"),
        by_territory={key: TerritoryProgress(key, _undec(t.get("value")), _undec(t.get("target")),
                                             _undec(t.get("fraction")), t.get("level"))
                      for key, t in (data.get("by_territory") or {}).items()},
        reason=data.get("reason") or "",
        bounds=Period(dt.date.fromisoformat(bounds[0]), dt.date.fromisoformat(bounds[1])) if bounds else None,
        as_of=dt.date.fromisoformat(data["as_of"]) if data.get("as_of") else None, period=data.get("period"),
        weight=_undec(data.get("weight")) or Decimal(1), manual=_manual(data.get("manual")),
    )


def _rollup(data: Mapping, items: Iterable[IndicatorProgress]) -> Rollup:
    late = tuple(item for item in items if item.status in ("late", "at_risk"))
    return Rollup(data["status"], _undec(data.get("fraction")), dict(data["counts"]), dict(data.get("levels") or {}),
                  late)


def snapshot_plan(data: Mapping[str, Any], source: str = "snapshot") -> ActionPlan:
    """The plan a snapshot was taken of (without measurements)."""
    _check_format(data, source)
    return from_data(data["plan"], ActionPlan, source=source, check=False)


def thaw(data: Mapping[str, Any], source: str = "snapshot") -> PlanProgress:
    """The frozen progress of a snapshot, as :func:`~actionplan.progress.plan_progress` gave it then.

    Its ``plan`` is the snapshot's plan (without measurements); its ``as_of`` the period's last day.
    """
    plan = snapshot_plan(data, source)
    as_of = dt.date.fromisoformat(data["as_of"])
    frozen, rollups, manual_actions = data["indicators"], data["rollups"], data.get("manual_actions") or {}
    themes = []
    for theme in plan.themes:
        objectives = []
        for objective in theme.objectives:
            actions = []
            for action in objective.actions:
                items = tuple(_indicator(i, frozen[i.id]) for i in action.indicators)
                actions.append(ActionProgress(action, _rollup(rollups[f"action:{action.id}"], items), items,
                                              _manual(manual_actions.get(action.id))))
            objective_items = [p for a in actions for p in a.indicators]
            objectives.append(ObjectiveProgress(objective, _rollup(rollups[f"objective:{objective.id}"],
                                                                   objective_items), tuple(actions)))
        theme_items = [p for o in objectives for p in o.iter_indicators()]
        themes.append(ThemeProgress(theme, _rollup(rollups[f"theme:{theme.id}"], theme_items), tuple(objectives)))
    plan_items = [p for t in themes for p in t.iter_indicators()]
    return PlanProgress(plan, as_of, _rollup(rollups["plan"], plan_items), tuple(themes), schedule_context(plan))


def _check_format(data: Any, source: str) -> None:
    if not isinstance(data, Mapping) or not isinstance(data.get("format"), int):
        raise ValueError(f"{source}: not a period snapshot")
    if data["format"] > SNAPSHOT_FORMAT:
        raise ValueError(f"{source}: snapshot format {data['format']} is newer than this actionplan reads "
                         f"({SNAPSHOT_FORMAT}); upgrade actionplan")




# -- comparing two periods (the bilan) ----------------------------------------------------------

#: What happened to an indicator from one period to the next, in the order a bilan lists them.
CHANGE_KINDS = ("reached", "slipped", "moved", "unchanged", "new", "gone")

_ATTENTION = ("late", "at_risk")


@attrs.frozen
class PeriodSide:
    """One period of a bilan: its label and days, its progress, and where the figures come from.

    ``snapshot`` is the closed period's snapshot they were thawed from; ``None`` when the period is
    not closed (the figures are then computed from the measurements as of its last day).
    """

    label: str
    bounds: Period
    progress: PlanProgress
    snapshot: PeriodSnapshot | None = None


def _share_change(before: Any, after: Any) -> Decimal | None:
    """``after.fraction − before.fraction`` (indicators or rollups), ``None`` unless both have one."""
    if before is None or after is None or before.fraction is None or after.fraction is None:
        return None
    return after.fraction - before.fraction


@attrs.frozen
class IndicatorChange:
    """One indicator from the earlier period to the later one.

    ``kind``: ``reached`` (achieved in the later period, not in the earlier), ``slipped`` (late or
    at risk now and not before, or achieved before and no longer), ``moved`` (its value or share
    done changed), ``unchanged``, ``new`` (only in the later plan), ``gone`` (only in the earlier).
    """

    indicator: Indicator
    before: IndicatorProgress | None
    after: IndicatorProgress | None
    kind: str

    @property
    def value_change(self) -> Decimal | None:
        """The later value minus the earlier one (both numeric), else ``None``."""
        if self.before is None or self.after is None or self.before.value is None or self.after.value is None:
            return None
        return self.after.value - self.before.value

    @property
    def relative_change(self) -> Decimal | None:
        """The value's change as a share of the earlier value (``None`` from 0 or without values)."""
        change = self.value_change
        if change is None or not self.before or not self.before.value:
            return None
        return change / self.before.value

    @property
    def fraction_change(self) -> Decimal | None:
        """The share done, later minus earlier (a share: 0.25 is 25 percentage points)."""
        return _share_change(self.before, self.after)


@attrs.frozen
class ThemeChange:
    """A theme's rollups in both periods and its indicators' changes, in plan order."""

    theme: Any
    before: Rollup | None
    after: Rollup | None
    indicators: tuple[IndicatorChange, ...] = ()

    @property
    def fraction_change(self) -> Decimal | None:
        """The theme's share done, later minus earlier."""
        return _share_change(self.before, self.after)


@attrs.frozen
class Bilan:
    """Two periods of a plan compared, theme by theme and indicator by indicator."""

    plan: ActionPlan
    before: PeriodSide
    after: PeriodSide
    themes: tuple[ThemeChange, ...]

    def counts(self) -> dict[str, int]:
        """How many indicators each kind of change has (every kind, zeros included)."""
        found = {kind: 0 for kind in CHANGE_KINDS}
        for theme in self.themes:
            for change in theme.indicators:
                found[change.kind] += 1
        return found

    def of_kind(self, kind: str) -> list[IndicatorChange]:
        return [c for theme in self.themes for c in theme.indicators if c.kind == kind]


def _figures(progress: IndicatorProgress) -> tuple:
    """What a bilan compares of an indicator: value, share, level, status, and a milestone's or deliverable's answer."""
    done = progress.latest.done if progress.latest is not None else None
    return progress.value, progress.fraction, progress.level, progress.status, done


def change_kind(before: IndicatorProgress | None, after: IndicatorProgress | None) -> str:
    """The kind of change (see :class:`IndicatorChange`) from ``before`` to ``after``."""
    if before is None:
        return "new"
    if after is None:
        return "gone"
    if after.status == "achieved" and before.status != "achieved":
        return "reached"
    if (after.status in _ATTENTION and before.status not in _ATTENTION) or \
            (before.status == "achieved" and after.status != "achieved") or \
            (before.status == "at_risk" and after.status == "late"):
        return "slipped"
    if _figures(after) != _figures(before):
        return "moved"
    return "unchanged"


def compare_periods(before: PeriodSide, after: PeriodSide) -> Bilan:
    """The bilan from ``before`` to ``after``: the later period's plan, with the earlier's figures beside.

    Themes and indicators follow the later plan; an indicator or theme only in the earlier one
    comes last (``gone``).
    """
    earlier = {ip.indicator.id: ip for ip in before.progress.iter_indicators()}
    earlier_themes = {t.theme.id: t for t in before.progress.themes}
    seen: set[str] = set()
    themes = []
    for theme in after.progress.themes:
        changes = []
        for ip in theme.iter_indicators():
            seen.add(ip.indicator.id)
            old = earlier.get(ip.indicator.id)
            changes.append(IndicatorChange(ip.indicator, old, ip, change_kind(old, ip)))
        old_theme = earlier_themes.get(theme.theme.id)
        themes.append(ThemeChange(theme.theme, old_theme.rollup if old_theme else None, theme.rollup, tuple(changes)))
    for old_theme in before.progress.themes:
        gone = [IndicatorChange(ip.indicator, ip, None, "gone") for ip in old_theme.iter_indicators()
                if ip.indicator.id not in seen]
        if gone:
            current = next((t for t in themes if t.theme.id == old_theme.theme.id), None)
            if current is None:
                themes.append(ThemeChange(old_theme.theme, old_theme.rollup, None, tuple(gone)))
            else:
                themes[themes.index(current)] = attrs.evolve(current, indicators=current.indicators + tuple(gone))
    return Bilan(after.progress.plan, before, after, tuple(themes))


__all__ = [
    "CHANGE_KINDS", "PERIOD_CLOSED_EVENT", "PERIOD_EVENT_KINDS", "PERIOD_REOPENED_EVENT", "SNAPSHOT_FORMAT", "Bilan",
    "IndicatorChange", "PeriodSide", "PeriodSnapshot", "ThemeChange", "bare_plan", "change_kind",
    "check_period_label", "compare_periods", "freeze", "period_bounds", "snapshot_plan", "thaw",
]
