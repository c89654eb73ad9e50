"""Whole-document checks that types alone cannot express.

Unique ids, references that must resolve (organisations, territories, indicators),
the fields each indicator kind needs, values that fit their indicator. Every problem
is an :class:`~actionplan.errors.Issue` with its document path; the caller gets them
all at once. Plugins add organisation-specific checks through ``actionplan_plan_checks``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from .errors import Issue
from .model.base import MAX_PERIOD_YEARS, MAX_YEAR, MIN_YEAR, NUMBER_EXPECTED, is_reasonable_number
from .model.indicators import DEFAULT_SCALE, INDICATOR_KINDS, Indicator
from .model.plan import ActionPlan
from .model.territory import Gazetteer
from .model.tracking import TrackingLog


def plan_gazetteer(plan: ActionPlan, base: Gazetteer | None = None) -> Gazetteer:
    """The gazetteer a plan is checked against: the installed one plus the plan's own territories."""
    if base is None:
        from .territories import default_gazetteer

        base = default_gazetteer()
    return base.extended(plan.custom_territories) if plan.custom_territories else base


def check_plan(plan: ActionPlan, gazetteer: Gazetteer | None = None, *, plugins: bool = True) -> list[Issue]:
    """Every issue of ``plan`` (errors and warnings), in document order."""
    try:
        places = plan_gazetteer(plan, gazetteer)
    except ValueError as exc:
        return [Issue("custom_territories", str(exc))]
    issues = list(_check_plan(plan, places))
    if plugins:
        from .plugins import get_plugin_manager

        for result in get_plugin_manager().hook.actionplan_plan_checks(plan=plan, gazetteer=places):
            issues.extend(result or ())
    return issues


def _check_plan(plan: ActionPlan, places: Gazetteer) -> Iterator[Issue]:
    organisations = {o.id for o in plan.organisations}
    seen_orgs: set[str] = set()
    for i, organisation in enumerate(plan.organisations):
        if organisation.id in seen_orgs:
            yield Issue(f"organisations[{i}].id", "duplicate organisation id", found=repr(organisation.id))
        seen_orgs.add(organisation.id)
        if organisation.territory is not None and organisation.territory not in places:
            yield _unknown_territory(f"organisations[{i}].territory", organisation.territory)
    if plan.organisation is not None and plan.organisation not in organisations:
        yield _unknown_org("organisation", plan.organisation, organisations)
    for p, participation in enumerate(plan.partners):
        if participation.organisation not in organisations:
            yield _unknown_org(f"partners[{p}].organisation", participation.organisation, organisations)
    for i, territory in enumerate(plan.territories):
        if territory not in places:
            yield _unknown_territory(f"territories[{i}]", territory)
    if plan.period.end < plan.period.start:  # pragma: no cover - Period refuses it already
        yield Issue("period", "the period ends before it starts")
    yield from check_period_range(plan.period, "period")

    ids: dict[str, str] = {}

    def unique(path: str, kind: str, value: str) -> Iterator[Issue]:
        key = f"{kind}:{value}"
        if key in ids:
            yield Issue(f"{path}.id", f"duplicate {kind} id (first used at {ids[key]})", found=repr(value))
        else:
            ids[key] = path

    indicator_ids: dict[str, str] = {}
    for t, theme in enumerate(plan.themes):
        tp = f"themes[{t}]"
        yield from unique(tp, "theme", theme.id)
        for o, objective in enumerate(theme.objectives):
            op = f"{tp}.objectives[{o}]"
            yield from unique(op, "objective", objective.id)
            for a, action in enumerate(objective.actions):
                ap = f"{op}.actions[{a}]"
                yield from unique(ap, "action", action.id)
                for p, participation in enumerate(action.partners):
                    if participation.organisation not in organisations:
                        yield _unknown_org(f"{ap}.partners[{p}].organisation", participation.organisation, organisations)
                for k, territory in enumerate(action.territories):
                    if territory not in places:
                        yield _unknown_territory(f"{ap}.territories[{k}]", territory)
                yield from _free_text_warning(f"{ap}.schedule", action.schedule)
                for n, indicator in enumerate(action.indicators):
                    ip = f"{ap}.indicators[{n}]"
                    if indicator.id in indicator_ids:
                        yield Issue(f"{ip}.id", f"duplicate indicator id (first used at {indicator_ids[indicator.id]})",
                                    found=repr(indicator.id))
                    else:
                        indicator_ids[indicator.id] = ip
                    yield from check_indicator(indicator, ip, places)
    for k, task in enumerate(plan.tasks):
        yield from unique(f"tasks[{k}]", "task", task.id)
        yield from _free_text_warning(f"tasks[{k}].start", task.start)
        yield from _free_text_warning(f"tasks[{k}].deadline", task.deadline)
        for r, org_id in enumerate(task.responsible_organisations):
            if org_id not in organisations:
                yield _unknown_org(f"tasks[{k}].responsible_organisations[{r}]", org_id, organisations)


def _free_text_warning(path: str, schedule) -> Iterator[Issue]:
    """A schedule kept as free text (``free_text_schedules: true``) cannot be dated: say so, with its path."""
    if schedule is not None and "free_text" in schedule.kinds:
        yield Issue(path, f"schedule {schedule.text!r} kept as free text", severity="warning")


def check_indicator(indicator: Indicator, path: str, places: Gazetteer) -> Iterator[Issue]:
    """The fields ``indicator.kind`` needs, and measurements that fit the indicator."""
    description, required = INDICATOR_KINDS[indicator.kind]
    for field in required:
        if getattr(indicator, field) in (None, ()):  # a target of 0 is a target
            yield Issue(f"{path}.{field}", f"a {indicator.kind!r} indicator needs {field}",
                        expected=description, found="nothing")
    if not (_fits(indicator.target) and _fits(indicator.baseline) and all(_fits(t.value) for t in indicator.targets)):
        numbers = [(f"{path}.target", indicator.target), (f"{path}.baseline", indicator.baseline)]
        numbers += [(f"{path}.targets[{k}].value", target.value) for k, target in enumerate(indicator.targets)]
        yield from check_numbers(numbers)
    scale = indicator.scale or DEFAULT_SCALE
    if indicator.scale and len(set(scale)) != len(scale):
        yield Issue(f"{path}.scale", "scale levels must be distinct", found=repr(list(scale)))
    if indicator.target_level is not None and indicator.target_level not in scale:
        yield Issue(f"{path}.target_level", "not a level of the scale", expected=" | ".join(scale),
                    found=repr(indicator.target_level))
    for k, territory in enumerate(indicator.target_territories):
        if territory not in places:
            yield _unknown_territory(f"{path}.target_territories[{k}]", territory)
    for k, target in enumerate(indicator.targets):
        if target.territory is not None and target.territory not in places:
            yield _unknown_territory(f"{path}.targets[{k}].territory", target.territory)
    scale_set = frozenset(scale)
    for m, measurement in enumerate(indicator.measurements):
        if not _measurement_is_plain(indicator, measurement, scale_set, places):  # only then build paths
            yield from check_measurement(indicator, measurement, f"{path}.measurements[{m}]", places)


def _measurement_is_plain(indicator: Indicator, measurement, scale: frozenset, places: Gazetteer) -> bool:
    """True when ``check_measurement`` would find nothing: the common case, tested without a generator.

    A plan holds thousands of measurements; building a path and a generator for each costs more
    than the checks themselves. Anything unusual falls through to the full check.
    """
    kind = indicator.kind
    if measurement.indicator is not None and measurement.indicator != indicator.id:
        return False
    value, numerator, denominator = measurement.value, measurement.numerator, measurement.denominator
    if kind == "rate":
        if value is None and (numerator is None or denominator is None):
            return False
        if denominator is not None and (denominator <= 0 or (numerator is not None and numerator > denominator)):
            return False
    elif kind == "qualitative":
        if measurement.level not in scale:
            return False
    elif kind in ("deliverable", "milestone"):
        if measurement.done is None and value is None:
            return False
    elif kind == "coverage":
        if not measurement.territories and measurement.territory is None:
            return False
    elif value is None or (value < 0 and kind in ("count", "tracked", "minimum")):
        return False
    return (
        MIN_YEAR <= measurement.date.year <= MAX_YEAR
        and _fits(value) and _fits(numerator) and _fits(denominator)
        and all(territory in places for territory in measurement.territories)
        and (measurement.territory is None or measurement.territory in places)
    )


def check_measurement(indicator: Indicator, measurement, path: str, places: Gazetteer) -> Iterator[Issue]:
    kind = indicator.kind
    if measurement.indicator is not None and measurement.indicator != indicator.id:
        yield Issue(f"{path}.indicator", "measurement names another indicator", expected=repr(indicator.id),
                    found=repr(measurement.indicator))
    if kind == "rate":
        if measurement.value is None and (measurement.numerator is None or measurement.denominator is None):
            yield Issue(path, "a rate measurement needs numerator and denominator (or a value)",
                        expected="numerator and denominator", found="neither")
        if measurement.denominator is not None and measurement.denominator <= 0:
            yield Issue(f"{path}.denominator", "must be positive", found=str(measurement.denominator))
        if (measurement.numerator is not None and measurement.denominator is not None
                and measurement.numerator > measurement.denominator):
            yield Issue(f"{path}.numerator", "a rate's numerator cannot exceed its denominator",
                        found=f"{measurement.numerator} > {measurement.denominator}")
    elif kind == "qualitative":
        scale = indicator.scale or DEFAULT_SCALE
        if measurement.level is None:
            yield Issue(f"{path}.level", "a qualitative measurement needs a level", expected=" | ".join(scale),
                        found="nothing")
        elif measurement.level not in scale:
            yield Issue(f"{path}.level", "not a level of the indicator's scale", expected=" | ".join(scale),
                        found=repr(measurement.level))
    elif kind in ("deliverable", "milestone"):
        if measurement.done is None and measurement.value is None:
            yield Issue(f"{path}.done", f"a {kind} measurement says whether it is done", expected="true or false",
                        found="nothing")
    elif kind == "coverage":
        if not measurement.territories and measurement.territory is None:
            yield Issue(f"{path}.territories", "a coverage measurement lists the territories covered",
                        expected="territory ids", found="nothing")
    elif measurement.value is None:
        yield Issue(f"{path}.value", f"a {kind} measurement needs a value", expected="a number", found="nothing")
    if not MIN_YEAR <= measurement.date.year <= MAX_YEAR:  # a store is given measurements built in Python too
        yield Issue(f"{path}.date", "date out of range", expected=f"a year from {MIN_YEAR} to {MAX_YEAR}",
                    found=measurement.date.isoformat())
    value, numerator, denominator = measurement.value, measurement.numerator, measurement.denominator
    if not (_fits(value) and _fits(numerator) and _fits(denominator)):  # the usual case, tested cheaply
        yield from check_numbers([(f"{path}.value", value), (f"{path}.numerator", numerator),
                                  (f"{path}.denominator", denominator)])
    if measurement.value is not None and measurement.value < 0 and kind in ("count", "tracked", "minimum"):
        yield Issue(f"{path}.value", "a count cannot be negative", found=str(measurement.value))
    for k, territory in enumerate(measurement.territories):
        if territory not in places:
            yield _unknown_territory(f"{path}.territories[{k}]", territory)
    if measurement.territory is not None and measurement.territory not in places:
        yield _unknown_territory(f"{path}.territory", measurement.territory)


def check_period_range(period, path: str) -> Iterator[Issue]:
    """A period that schedules can enumerate: years Python's dates reach with a year to spare, at most a century."""
    for name in ("start", "end"):
        day = getattr(period, name)
        if not MIN_YEAR <= day.year <= MAX_YEAR:
            yield Issue(f"{path}.{name}", "date out of range", expected=f"a year from {MIN_YEAR} to {MAX_YEAR}",
                        found=day.isoformat())
    if period.end.year - period.start.year >= MAX_PERIOD_YEARS:
        yield Issue(path, "period too long", expected=f"at most {MAX_PERIOD_YEARS} years",
                    found=f"{period.start.isoformat()} to {period.end.isoformat()}")


def _fits(value) -> bool:
    return value is None or is_reasonable_number(value)


def check_numbers(numbers) -> Iterator[Issue]:
    """``(path, value)`` pairs: each value (when given) small enough for the arithmetic reports do.

    The converter keeps any finite decimal exactly (and stores read back what they hold); the
    limit is checked here, where documents and new measurements come in.
    """
    for path, value in numbers:
        if value is not None and not is_reasonable_number(value):
            text = str(value)
            yield Issue(path, "number too large", expected=NUMBER_EXPECTED,
                        found=text if len(text) <= 40 else f"{text[:16]}… ({len(value.as_tuple().digits)} digits)")


def check_tracking(log: TrackingLog, plan: ActionPlan, gazetteer: Gazetteer | None = None) -> list[Issue]:
    """Issues of a tracking log against the plan it tracks.

    A log of another plan gets that one issue: listing each of its indicators as unknown to
    this plan would bury the cause under a consequence per line.
    """
    if log.plan != plan.id:
        return [Issue("plan", "tracking log is for another plan", expected=repr(plan.id), found=repr(log.plan))]
    places = plan_gazetteer(plan, gazetteer)
    issues: list[Issue] = []
    indicators = {i.id: i for *_, i in plan.iter_indicators()}
    for m, measurement in enumerate(log.measurements):
        path = f"measurements[{m}]"
        indicator = indicators.get(measurement.indicator or "")
        if indicator is None:
            issues.append(_unknown(f"{path}.indicator", "indicator", measurement.indicator, indicators))
            continue
        issues.extend(check_measurement(indicator, measurement, path, places))
    return issues


def _unknown(path: str, kind: str, value: object, known) -> Issue:
    import difflib

    close = difflib.get_close_matches(str(value), list(known), n=1)
    return Issue(path, f"unknown {kind}", expected=f"an id of the plan's {kind}s", found=repr(value),
                 hint=f"did you mean {close[0]!r}?" if close else None)


def _unknown_org(path: str, value: str, known) -> Issue:
    return _unknown(path, "organisation", value, known)


def _unknown_territory(path: str, value: str) -> Issue:
    return Issue(path, "unknown territory", expected="a gazetteer id such as 'mrc:roussillon' or a custom territory",
                 found=repr(value))
