"""Whole-document checks that types alone cannot express.

Unique ids, references that must resolve (organisations, territories, indicators),
the fields each indicator kind needs, values that fit their indicator. Every problem
is an :class:`~actionplan.errors.Issue` with its document path; the caller gets them
all at once. Plugins add organisation-specific checks through ``actionplan_plan_checks``.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterator
from typing import Any

from .errors import Issue
from .i18n import N_, Message
from .model.base import MAX_NUMBER, MAX_PERIOD_YEARS, MAX_YEAR, MIN_YEAR, NUMBER_EXPECTED, is_reasonable_number
from .model.indicators import DEFAULT_SCALE, INDICATOR_KINDS, Indicator, Measurement
from .model.plan import ActionPlan
from .model.territory import Gazetteer
from .model.tracking import TrackingLog
from .plugins import get_plugin_manager
from .schedules.periods import PERIOD_LABEL_FORMS, period_of_label
from .territories import default_gazetteer


#: Kinds of things with an id → the code of « duplicate … id (first used at …) ».
DUPLICATE_CODES = {
    "theme": N_("validation.duplicate_id.theme"), "objective": N_("validation.duplicate_id.objective"),
    "action": N_("validation.duplicate_id.action"), "task": N_("validation.duplicate_id.task"),
    "indicator": N_("validation.duplicate_id.indicator"),
}
#: Kinds of references → the codes of « unknown … » and of what was expected.
UNKNOWN_CODES = {
    "organisation": (N_("validation.unknown_organisation"), N_("expect.plan_organisation_id")),
    "indicator": (N_("validation.unknown_indicator"), N_("expect.plan_indicator_id")),
}
#: Indicator kinds → their name in messages, and what each is (INDICATOR_KINDS in words).
KIND_NAMES = {
    "count": N_("indicator_kind.count"), "tracked": N_("indicator_kind.tracked"), "rate": N_("indicator_kind.rate"),
    "milestone": N_("indicator_kind.milestone"), "deliverable": N_("indicator_kind.deliverable"),
    "coverage": N_("indicator_kind.coverage"), "minimum": N_("indicator_kind.minimum"),
    "qualitative": N_("indicator_kind.qualitative"),
}
KIND_DESCRIPTIONS = {
    "count": N_("indicator_kind.count.description"), "tracked": N_("indicator_kind.tracked.description"),
    "rate": N_("indicator_kind.rate.description"), "milestone": N_("indicator_kind.milestone.description"),
    "deliverable": N_("indicator_kind.deliverable.description"),
    "coverage": N_("indicator_kind.coverage.description"), "minimum": N_("indicator_kind.minimum.description"),
    "qualitative": N_("indicator_kind.qualitative.description"),
}
#: Deliverables and milestones → the code of « a … measurement says whether it is done ».
DONE_CODES = {"deliverable": N_("validation.deliverable_says_done"), "milestone": N_("validation.milestone_says_done")}
YEARS_EXPECTED = Message("expect.year_from_to", first=MIN_YEAR, last=MAX_YEAR)


def kind_name(kind: str) -> Message:
    return Message(KIND_NAMES[kind])


def kind_description(kind: str) -> Message:
    return Message(KIND_DESCRIPTIONS[kind])


def plan_gazetteer(plan: ActionPlan, base: Gazetteer | None = None) -> Gazetteer:
    """The gazetteer a plan is checked against: the installed one plus the plan's own territories."""
    if base is None:
        base = default_gazetteer()
    return base.extended(plan.custom_territories) if plan.custom_territories else base


def check_plan(plan: ActionPlan, gazetteer: Gazetteer | None = None, *, plugins: bool = True) -> list[Issue]:
    """Every issue of ``plan`` (errors and warnings), in document order."""
    try:
        places = plan_gazetteer(plan, gazetteer)
    except ValueError as exc:
        first = exc.args[0] if exc.args else None
        return [Issue("custom_territories", first if isinstance(first, Message) else str(exc))]
    issues = list(_check_plan(plan, places))
    if plugins:
        for result in get_plugin_manager().hook.actionplan_plan_checks(plan=plan, gazetteer=places):
            issues.extend(result or ())
    return issues


def _check_plan(plan: ActionPlan, places: Gazetteer) -> Iterator[Issue]:
    organisations = {o.id for o in plan.organisations}
    seen_orgs: set[str] = set()
    for i, organisation in enumerate(plan.organisations):
        if organisation.id in seen_orgs:
            yield Issue(f"organisations[{i}].id", Message("validation.duplicate_organisation_id"),
                        found=repr(organisation.id))
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
        yield Issue("period", Message("validation.period_ends_before_it_starts"))
    yield from check_period_range(plan.period, "period")
    if plan.reporting is not None and plan.reporting.reporter is not None \
            and plan.reporting.reporter not in organisations:
        yield _unknown_org("reporting.reporter", plan.reporting.reporter, organisations)

    ids: dict[str, str] = {}

    def duplicate(path: str, kind: str, value: str) -> Issue | None:
        key = f"{kind}:{value}"
        if key in ids:
            return Issue(f"{path}.id", Message(DUPLICATE_CODES[kind], first=ids[key]), found=repr(value))
        ids[key] = path
        return None

    indicator_ids: dict[str, str] = {}
    for t, theme in enumerate(plan.themes):
        tp = f"themes[{t}]"
        if issue := duplicate(tp, "theme", theme.id):
            yield issue
        for o, objective in enumerate(theme.objectives):
            op = f"{tp}.objectives[{o}]"
            if issue := duplicate(op, "objective", objective.id):
                yield issue
            for a, action in enumerate(objective.actions):
                ap = f"{op}.actions[{a}]"
                if issue := duplicate(ap, "action", action.id):
                    yield issue
                for p, participation in enumerate(action.partners):
                    if participation.organisation not in organisations:
                        yield _unknown_org(f"{ap}.partners[{p}].organisation", participation.organisation, organisations)
                for k, territory in enumerate(action.territories):
                    if territory not in places:
                        yield _unknown_territory(f"{ap}.territories[{k}]", territory)
                if action.schedule is not None and _is_free_text(action.schedule):
                    yield from _free_text_warning(f"{ap}.schedule", action.schedule)
                for n, indicator in enumerate(action.indicators):
                    ip = f"{ap}.indicators[{n}]"
                    if indicator.id in indicator_ids:
                        yield Issue(f"{ip}.id", Message(DUPLICATE_CODES["indicator"], first=indicator_ids[indicator.id]),
                                    found=repr(indicator.id))
                    else:
                        indicator_ids[indicator.id] = ip
                    yield from check_indicator(indicator, ip, places, fiscal_years=plan.fiscal_years)
                    reporter = indicator.reporting.reporter if indicator.reporting is not None else None
                    if reporter is not None and reporter not in organisations:
                        yield _unknown_org(f"{ip}.reporting.reporter", reporter, organisations)
    for k, task in enumerate(plan.tasks):
        if issue := duplicate(f"tasks[{k}]", "task", task.id):
            yield issue
        yield from _free_text_warning(f"tasks[{k}].start", task.start)
        yield from _free_text_warning(f"tasks[{k}].deadline", task.deadline)
        for r, org_id in enumerate(task.responsible_organisations):
            if org_id not in organisations:
                yield _unknown_org(f"tasks[{k}].responsible_organisations[{r}]", org_id, organisations)


def _free_text_warning(path: str, schedule) -> Iterator[Issue]:
    """A schedule kept as free text (``free_text_schedules: true``) cannot be dated: say so, with its path."""
    if schedule is not None and _is_free_text(schedule):
        yield Issue(path, Message("validation.schedule_kept_as_free_text", text=repr(schedule.text)), severity="warning")


def _is_free_text(schedule) -> bool:
    """Whether a part of ``schedule`` is free text (its ``kinds`` without sorting them, for every action)."""
    for part in schedule.parts:
        if part.kind == "free_text":
            return True
    return False


def check_indicator(indicator: Indicator, path: str, places: Gazetteer, *, fiscal_years: bool = False) -> Iterator[Issue]:
    """The fields ``indicator.kind`` needs, readable target periods, and measurements that fit the indicator."""
    _description, required = INDICATOR_KINDS[indicator.kind]
    for field in required:
        if getattr(indicator, field) in (None, ()) and not (field == "target" and indicator.targets):
            # a target of 0 is a target; per-period or per-territory targets are targets too
            yield Issue(f"{path}.{field}", Message("validation.indicator_needs", kind=kind_name(indicator.kind),
                                                   field=field),
                        expected=kind_description(indicator.kind), found=Message("found.nothing"))
    goal, baseline, goals = indicator.target, indicator.baseline, indicator.targets
    if not ((goal is None or is_reasonable_number(goal)) and (baseline is None or is_reasonable_number(baseline))
            and (not goals or all(_fits(t.value) for t in goals))):
        numbers = [(f"{path}.target", indicator.target), (f"{path}.baseline", indicator.baseline)]
        numbers += [(f"{path}.targets[{k}].value", target.value) for k, target in enumerate(indicator.targets)]
        yield from check_numbers(numbers)
    scale = indicator.scale or DEFAULT_SCALE
    if indicator.scale and len(set(scale)) != len(scale):
        yield Issue(f"{path}.scale", Message("validation.scale_levels_distinct"), found=repr(list(scale)))
    if indicator.target_level is not None and indicator.target_level not in scale:
        yield Issue(f"{path}.target_level", Message("validation.not_a_level"), expected=" | ".join(scale),
                    found=repr(indicator.target_level))
    for k, territory in enumerate(indicator.target_territories):
        if territory not in places:
            yield _unknown_territory(f"{path}.target_territories[{k}]", territory)
    for k, target in enumerate(indicator.targets):
        if target.territory is not None and target.territory not in places:
            yield _unknown_territory(f"{path}.targets[{k}].territory", target.territory)
        if target.period is not None:
            try:
                period_of_label(target.period, fiscal_years=fiscal_years)
            except ValueError:
                yield Issue(f"{path}.targets[{k}].period", Message("validation.not_a_period"),
                            expected=PERIOD_LABEL_FORMS, found=repr(target.period))
    measurements, levels = indicator.measurements, frozenset(indicator.scale) if indicator.scale else _DEFAULT_LEVELS
    m = _first_unusual(indicator, levels, places, 0)
    while m < len(measurements):  # paths are built for the unusual measurements only
        yield from check_measurement(indicator, measurements[m], f"{path}.measurements[{m}]", places)
        m = _first_unusual(indicator, levels, places, m + 1)


_DEFAULT_LEVELS = frozenset(DEFAULT_SCALE)


def _first_unusual(indicator: Indicator, scale: frozenset, places: Gazetteer, start: int) -> int:
    """The index of the first measurement from ``start`` on in which ``check_measurement`` may find
    something (``len(indicator.measurements)`` when there is none).

    A plan holds thousands of measurements; building a path and a generator for each costs more
    than the checks themselves, so the common case is tested here, in one loop per indicator.
    Anything unusual is left to the full check.
    """
    kind, own, measurements = indicator.kind, indicator.id, indicator.measurements
    contains, limit = places.ids.__contains__ if isinstance(places, Gazetteer) else places.__contains__, MAX_NUMBER
    for m in range(start, len(measurements)):
        measurement = measurements[m]
        if measurement.indicator is not None and measurement.indicator != own:
            return m
        value, numerator, denominator = measurement.value, measurement.numerator, measurement.denominator
        if kind == "rate":
            if value is None and (numerator is None or denominator is None):
                return m
            if denominator is not None and (denominator <= 0 or (numerator is not None and numerator > denominator)):
                return m
        elif kind == "qualitative":
            if measurement.level not in scale:
                return m
        elif kind in ("deliverable", "milestone"):
            if measurement.done is None and value is None:
                return m
        elif kind == "coverage":
            if not measurement.territories and measurement.territory is None:
                return m
        elif value is None or (value < 0 and kind in ("count", "tracked", "minimum")):
            return m
        if not (MIN_YEAR <= measurement.date.year <= MAX_YEAR
                and (value is None or (value.is_finite() and value.copy_abs() < limit))
                and (numerator is None or (numerator.is_finite() and numerator.copy_abs() < limit))
                and (denominator is None or (denominator.is_finite() and denominator.copy_abs() < limit))
                and (measurement.territory is None or contains(measurement.territory))):
            return m
        if measurement.territories:
            for territory in measurement.territories:
                if not contains(territory):
                    return m
    return len(measurements)


def check_measurement(indicator: Indicator, measurement, path: str, places: Gazetteer) -> Iterator[Issue]:
    kind = indicator.kind
    if measurement.indicator is not None and measurement.indicator != indicator.id:
        yield Issue(f"{path}.indicator", Message("validation.measurement_names_another_indicator"),
                    expected=repr(indicator.id),
                    found=repr(measurement.indicator))
    if kind == "rate":
        if measurement.value is None and (measurement.numerator is None or measurement.denominator is None):
            yield Issue(path, Message("validation.rate_needs_numerator_and_denominator"),
                        expected=Message("expect.numerator_and_denominator"), found=Message("found.neither"))
        if measurement.denominator is not None and measurement.denominator <= 0:
            yield Issue(f"{path}.denominator", Message("validation.must_be_positive"), found=str(measurement.denominator))
        if (measurement.numerator is not None and measurement.denominator is not None
                and measurement.numerator > measurement.denominator):
            yield Issue(f"{path}.numerator", Message("validation.numerator_exceeds_denominator"),
                        found=f"{measurement.numerator} > {measurement.denominator}")
    elif kind == "qualitative":
        scale = indicator.scale or DEFAULT_SCALE
        if measurement.level is None:
            yield Issue(f"{path}.level", Message("validation.qualitative_needs_level"), expected=" | ".join(scale),
                        found=Message("found.nothing"))
        elif measurement.level not in scale:
            yield Issue(f"{path}.level", Message("validation.not_a_level"), expected=" | ".join(scale),
                        found=repr(measurement.level))
    elif kind in ("deliverable", "milestone"):
        if measurement.done is None and measurement.value is None:
            yield Issue(f"{path}.done", Message(DONE_CODES[kind]), expected=Message("expect.boolean"),
                        found=Message("found.nothing"))
    elif kind == "coverage":
        if not measurement.territories and measurement.territory is None:
            yield Issue(f"{path}.territories", Message("validation.coverage_lists_territories"),
                        expected=Message("expect.territory_ids"), found=Message("found.nothing"))
    elif measurement.value is None:
        yield Issue(f"{path}.value", Message("validation.measurement_needs_value", kind=kind_name(kind)),
                    expected=Message("expect.number"), found=Message("found.nothing"))
    if not MIN_YEAR <= measurement.date.year <= MAX_YEAR:  # a store is given measurements built in Python too
        yield Issue(f"{path}.date", Message("validation.date_out_of_range"), expected=YEARS_EXPECTED,
                    found=measurement.date.isoformat())
    value, numerator, denominator = measurement.value, measurement.numerator, measurement.denominator
    if not (_fits(value) and _fits(numerator) and _fits(denominator)):  # the usual case, tested cheaply
        yield from check_numbers([(f"{path}.value", value), (f"{path}.numerator", numerator),
                                  (f"{path}.denominator", denominator)])
    if measurement.value is not None and measurement.value < 0 and kind in ("count", "tracked", "minimum"):
        yield Issue(f"{path}.value", Message("validation.count_cannot_be_negative"), found=str(measurement.value))
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
            yield Issue(f"{path}.{name}", Message("validation.date_out_of_range"), expected=YEARS_EXPECTED,
                        found=day.isoformat())
    if period.end.year - period.start.year >= MAX_PERIOD_YEARS:
        yield Issue(path, Message("validation.period_too_long"), expected=Message("expect.at_most_years",
                                                                                   years=MAX_PERIOD_YEARS),
                    found=Message("found.span", start=period.start.isoformat(), end=period.end.isoformat()))


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
            yield Issue(path, Message("validation.number_too_large"), expected=NUMBER_EXPECTED,
                        found=text if len(text) <= 40 else Message("found.long_number", start=f"{text[:16]}…",
                                                                    digits=len(value.as_tuple().digits)))


def check_tracking(log: TrackingLog, plan: ActionPlan, gazetteer: Gazetteer | None = None) -> list[Issue]:
    """Issues of a tracking log against the plan it tracks.

    A log of another plan gets that one issue: listing each of its indicators as unknown to
    this plan would bury the cause under a consequence per line.
    """
    if log.plan != plan.id:
        return [Issue("plan", Message("validation.tracking_log_for_another_plan"), expected=repr(plan.id),
                      found=repr(log.plan))]
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
    issues += _check_cycle(log, plan, indicators)
    return issues


def _check_cycle(log: TrackingLog, plan: ActionPlan, indicators) -> list[Issue]:
    """A log's updates, reviews and manual statuses: each review decides one submitted update of the
    log, once, with a note to return it and by someone else than its submitter where the plan says
    so; each manual status names an indicator or action of the plan, with a reason and an author."""
    issues: list[Issue] = []
    updates: dict[str, Measurement] = {}
    for m, measurement in enumerate(log.measurements):
        if measurement.id is None:
            continue
        if measurement.id in updates:
            issues.append(Issue(f"measurements[{m}].id", Message("validation.tracking.duplicate_update"),
                                expected=Message("expect.new_update_id"), found=repr(measurement.id)))
        updates.setdefault(measurement.id, measurement)
    policy = plan.review
    reviewed: dict[str, int] = {}
    for r, review in enumerate(log.reviews):
        path = f"reviews[{r}]"
        update = updates.get(review.update)
        if update is None:
            close = difflib.get_close_matches(review.update, list(updates), n=1)
            issues.append(Issue(f"{path}.update", Message("validation.tracking.unknown_update"),
                                expected=Message("expect.log_update_id"), found=repr(review.update),
                                hint=Message("validation.did_you_mean", name=repr(close[0])) if close else None))
        elif not update.submitted:
            issues.append(Issue(f"{path}.update", Message("validation.tracking.review_of_counted", id=review.update),
                                expected=Message("expect.submitted_update"), found=repr(review.update)))
        elif review.update in reviewed:
            issues.append(Issue(f"{path}.update", Message("validation.tracking.reviewed_twice", id=review.update,
                                                          first=f"reviews[{reviewed[review.update]}]"),
                                expected=Message("expect.one_review"), found=repr(review.update)))
        reviewed.setdefault(review.update, r)
        if not review.reviewer.strip():
            issues.append(Issue(f"{path}.reviewer", Message("validation.tracking.needs_reviewer"),
                                expected=Message("expect.non_empty_text"), found=repr(review.reviewer)))
        if review.decision == "return" and not (review.note or "").strip():
            issues.append(Issue(f"{path}.note", Message("validation.tracking.return_needs_note", id=review.update),
                                expected=Message("expect.non_empty_text"), found=repr(review.note)))
        if update is not None and update.submitted:
            if review.date < update.date:
                issues.append(Issue(f"{path}.date", Message("validation.tracking.review_before_update", id=review.update),
                                    expected=Message("expect.on_or_after", date=update.date.isoformat()),
                                    found=review.date.isoformat()))
            if policy is not None and policy.distinct_reviewer and review.reviewer == update.recorded_by:
                issues.append(Issue(f"{path}.reviewer", Message("validation.tracking.self_review", id=review.update),
                                    expected=Message("expect.other_than", name=repr(update.recorded_by)),
                                    found=repr(review.reviewer)))
    subjects = {**indicators, **{a.id: a for _, _, a in plan.iter_actions()}}
    for k, manual in enumerate(log.manual_statuses):
        path = f"manual_statuses[{k}]"
        if manual.subject not in subjects:
            close = difflib.get_close_matches(manual.subject, list(subjects), n=1)
            issues.append(Issue(f"{path}.subject", Message("validation.tracking.unknown_subject"),
                                expected=Message("expect.indicator_or_action_id"), found=repr(manual.subject),
                                hint=Message("validation.did_you_mean", name=repr(close[0])) if close else None))
        if not manual.reason.strip():
            issues.append(Issue(f"{path}.reason", Message("validation.tracking.manual_needs_reason"),
                                expected=Message("expect.non_empty_text"), found=repr(manual.reason)))
        if not manual.author.strip():
            issues.append(Issue(f"{path}.author", Message("validation.tracking.manual_needs_author"),
                                expected=Message("expect.non_empty_text"), found=repr(manual.author)))
    return issues


def _unknown(path: str, kind: str, value: object, known) -> Issue:
    close = difflib.get_close_matches(str(value), list(known), n=1)
    unknown, expected = UNKNOWN_CODES[kind]
    return Issue(path, Message(unknown), expected=Message(expected), found=repr(value),
                 hint=Message("validation.did_you_mean", name=repr(close[0])) if close else None)


def _unknown_org(path: str, value: str, known) -> Issue:
    return _unknown(path, "organisation", value, known)


def _unknown_territory(path: str, value: str) -> Issue:
    return Issue(path, Message("validation.unknown_territory"),
                 expected=Message("expect.gazetteer_id", example="'mrc:roussillon'"), found=repr(value))
