"""Funded projects and the plan: what they contribute to, what they report, and the money per theme.

An application (or its agreement) names the plan indicators it contributes to
(:class:`~actionplan.model.grants.Contribution`); its reports received
(:class:`~actionplan.model.grants.ReportReceipt`) carry the measurements the project reports.

* :func:`check_results` — those links against the plans they name, every issue with its path.
* :func:`plan_feed` — which reported measurements are new to a plan, given the updates it
  already holds (``actionplan grants feed`` records them through the plan's review policy):
  each is named after its source, ``<application>.<report>.<n>``, so feeding twice records
  nothing new, and the history says where every value came from.
* :func:`money_by_theme` — granted and paid by theme and fiscal year, beside the plan's progress.

This module reads stores' updates through their attributes only (``id``, ``measurement``,
``status``): the command line does the writing.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable, Iterator, Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..checks import check_measurement, plan_gazetteer
from ..errors import Issue
from ..i18n import N_, Message
from ..model import ActionPlan, Measurement
from ..model.grants import ApplicationsDocument, Contribution, GrantProgram, ReportReceipt, fiscal_year_of, fiscal_year_start

#: The fields of a measurement that say what was reported (compared when a report is fed again).
REPORTED_FIELDS = ("indicator", "date", "value", "numerator", "denominator", "level", "done", "territories",
                   "territory", "period")


def contribution_of(document: ApplicationsDocument, application_id: str) -> Contribution | None:
    """What ``application_id`` contributes to: its agreement's ``contributes``, else its own."""
    agreement = next((a for a in document.agreements if a.application == application_id and a.contributes), None)
    if agreement is not None:
        return agreement.contributes
    application = document.application(application_id)
    return application.contributes if application is not None else None


def _contribution_paths(document: ApplicationsDocument) -> dict[str, str]:
    """application id → the path of the contribution in force (its agreement's, else its own)."""
    paths = {a.id: f"applications[{i}].contributes" for i, a in enumerate(document.applications) if a.contributes}
    for i, agreement in enumerate(document.agreements):
        if agreement.contributes is not None:
            paths[agreement.application] = f"agreements[{i}].contributes"
    return paths


def _unknown(path: str, code: str, value: str, known: Iterable[str], expected: Message | str | None = None) -> Issue:
    known = list(known)
    close = difflib.get_close_matches(str(value), known, n=1)
    return Issue(path, Message(code), expected=expected if expected is not None else (", ".join(sorted(known)) or None),
                 found=repr(value), hint=Message("validation.did_you_mean", name=repr(close[0])) if close else None)


def check_results(document: ApplicationsDocument, plans: Mapping[str, ActionPlan], gazetteer=None) -> list[Issue]:
    """Issues of the plan links of ``document``: contributions and reported measurements.

    ``plans`` maps plan ids to the plans a contribution may name; a plan it names that is not
    there is an issue (``applications[0].contributes.plan``). Checked: each indicator is one of
    the plan's; each territory of a contribution lies within the application's territories (an
    MRC holds its municipalities); each reported measurement names an indicator the
    application contributes to, on one of its territories, with a value that fits the
    indicator's kind (as a tracking log's). Reports of applications that are not funded are the
    approval chain's to refuse (:func:`actionplan.grants.checks.check_applications`).
    """
    issues: list[Issue] = []
    contributions = _contribution_paths(document)
    applications = {a.id: a for a in document.applications}
    for application_id, path in contributions.items():
        application = applications.get(application_id)
        contribution = contribution_of(document, application_id)
        if application is None or contribution is None:
            continue  # an agreement of an unknown application: the document checks say so
        plan = plans.get(contribution.plan)
        if plan is None:
            issues.append(_unknown(f"{path}.plan", N_("grants.results.unknown_plan"), contribution.plan, plans))
            continue
        places = plan_gazetteer(plan, gazetteer)
        indicators = {i.id for *_, i in plan.iter_indicators()}
        for j, indicator in enumerate(contribution.indicators):
            if indicator not in indicators:
                issues.append(_unknown(f"{path}.indicators[{j}]", N_("grants.results.unknown_indicator"), indicator,
                                       indicators))
        for j, territory in enumerate(contribution.territories):
            if territory not in places:
                issues.append(Issue(f"{path}.territories[{j}]", Message("validation.unknown_territory"),
                                    expected=Message("expect.gazetteer_id", example="'mrc:les-maskoutains'"),
                                    found=repr(territory)))
            elif not _within(places, territory, application.territories):
                issues.append(Issue(f"{path}.territories[{j}]", Message("grants.results.territory_outside"),
                                    expected=", ".join(application.territories) or Message("found.nothing"),
                                    found=repr(territory)))
    for k, receipt in enumerate(document.reports):
        issues.extend(_check_receipt(document, k, receipt, plans, gazetteer))
    return issues


def _within(places, territory: str, containers: Iterable[str]) -> bool:
    return any(places.is_within(territory, container) for container in containers if container in places)


def _check_receipt(document: ApplicationsDocument, k: int, receipt: ReportReceipt, plans: Mapping[str, ActionPlan],
                   gazetteer) -> Iterator[Issue]:
    if not receipt.measurements:
        return
    application = document.application(receipt.application)
    if application is None:
        return  # the document checks name the unknown application
    contribution = contribution_of(document, receipt.application)
    if contribution is None:
        yield Issue(f"reports[{k}].measurements", Message("grants.results.no_contribution",
                                                          application=receipt.application))
        return
    plan = plans.get(contribution.plan)
    if plan is None:
        return  # reported at the contribution
    places = plan_gazetteer(plan, gazetteer)
    indicators = {i.id: i for *_, i in plan.iter_indicators()}
    where = contribution.territories or application.territories
    for m, measurement in enumerate(receipt.measurements):
        path = f"reports[{k}].measurements[{m}]"
        indicator = indicators.get(measurement.indicator or "")
        if measurement.indicator is None:
            yield Issue(f"{path}.indicator", Message("grants.results.measurement_names_no_indicator"),
                        expected=", ".join(contribution.indicators) or None, found=Message("found.nothing"))
            continue
        if indicator is None:
            yield _unknown(f"{path}.indicator", N_("grants.results.unknown_indicator"), measurement.indicator, indicators)
            continue
        if measurement.indicator not in contribution.indicators:
            yield Issue(f"{path}.indicator", Message("grants.results.not_contributed",
                                                     application=receipt.application),
                        expected=", ".join(contribution.indicators) or Message("found.nothing"),
                        found=repr(measurement.indicator))
            continue
        yield from (i for i in check_measurement(indicator, measurement, path, places) if i.severity == "error")
        named = [(f"{path}.territory", measurement.territory)] if measurement.territory else []
        named += [(f"{path}.territories[{j}]", t) for j, t in enumerate(measurement.territories)]
        for where_path, territory in named:
            if territory in places and not _within(places, territory, where):
                yield Issue(where_path, Message("grants.results.measurement_outside", application=receipt.application),
                            expected=", ".join(where) or Message("found.nothing"), found=repr(territory))


# -- feeding a plan ------------------------------------------------------------------------------


def source_id(receipt: ReportReceipt, index: int) -> str:
    """The update id of the ``index``-th measurement of a report: ``d-02.reddition-finale.1``."""
    return f"{receipt.application}.{receipt.report}.{index + 1}"


@attrs.frozen
class Reported:
    """A measurement a funded project reported, ready to record: its source and the measurement."""

    application: str
    report: str
    path: str  # where in the applications document: ``reports[0].measurements[1]``
    measurement: Measurement  # with ``id`` (its source) and ``indicator`` set


def reported_measurements(document: ApplicationsDocument, plan_id: str) -> list[Reported]:
    """Every measurement reported toward ``plan_id``, in document order, named after its source.

    The project's lead organisation is who reported it (``recorded_by``) unless the file says otherwise.
    """
    found: list[Reported] = []
    for k, receipt in enumerate(document.reports):
        contribution = contribution_of(document, receipt.application)
        if contribution is None or contribution.plan != plan_id:
            continue
        application = document.application(receipt.application)
        lead = application.lead if application is not None else None
        for m, measurement in enumerate(receipt.measurements):
            ready = attrs.evolve(measurement, id=measurement.id or source_id(receipt, m),
                                 recorded_by=measurement.recorded_by or lead, submitted=False)
            found.append(Reported(receipt.application, receipt.report, f"reports[{k}].measurements[{m}]", ready))
    return found


def same_report(a: Measurement, b: Measurement) -> bool:
    """Whether two measurements report the same thing (value, date, territory…), whatever their review state."""
    return all(getattr(a, name) == getattr(b, name) for name in REPORTED_FIELDS)


@attrs.frozen
class FeedPlan:
    """What feeding a plan does: the measurements to record, those already there, the conflicts."""

    plan_id: str
    new: tuple[Reported, ...] = ()
    already: tuple[Reported, ...] = ()
    issues: tuple[Issue, ...] = ()


#: An update's state, as the message saying a fed update changed names it.
_STATES = {"counted": N_("grants.feed.state.counted"), "submitted": N_("grants.feed.state.submitted"),
           "approved": N_("grants.feed.state.approved"), "returned": N_("grants.feed.state.returned")}


def plan_feed(plan_id: str, reported: Iterable[Reported], updates: Iterable[Any]) -> FeedPlan:
    """Which of ``reported`` are new to the plan, given its ``updates`` (a store's, any state).

    A measurement whose id the plan already holds with the same report is already fed. One
    whose id it holds with other values is an issue, unless that update was returned by a
    reviewer: the corrected value is then fed as the next version, ``<id>.v2``, ``<id>.v3``…
    """
    held: dict[str, Any] = {u.id: u for u in updates if getattr(u, "id", None)}
    new: list[Reported] = []
    already: list[Reported] = []
    issues: list[Issue] = []
    for item in reported:
        base = item.measurement.id or ""
        latest_id, candidate, version = None, base, 1
        while candidate in held:  # base, base.v2, base.v3…: the latest version and the next free id
            latest_id, version = candidate, version + 1
            candidate = f"{base}.v{version}"
        if latest_id is None:
            new.append(item)
            continue
        latest = held[latest_id]
        if same_report(latest.measurement, item.measurement):
            already.append(attrs.evolve(item, measurement=attrs.evolve(item.measurement, id=latest_id)))
        elif latest.status == "returned":
            new.append(attrs.evolve(item, measurement=attrs.evolve(item.measurement, id=candidate)))
        else:
            issues.append(Issue(item.path, Message("grants.feed.changed", id=latest_id, plan=plan_id,
                                                   status=Message(_STATES[latest.status])),
                                expected=_reported_text(latest.measurement), found=_reported_text(item.measurement)))
    return FeedPlan(plan_id, tuple(new), tuple(already), tuple(issues))


def _reported_text(m: Measurement) -> str:
    parts = [m.date.isoformat()]
    for name in ("value", "numerator", "denominator", "level", "done", "territory", "period"):
        value = getattr(m, name)
        if value is not None:
            parts.append(f"{name}={value}")
    if m.territories:
        parts.append("territories=" + ",".join(m.territories))
    return " ".join(parts)


# -- the money per theme ---------------------------------------------------------------------------


@attrs.frozen
class ThemeMoney:
    """Money granted and paid to projects acting on one theme, by fiscal year.

    ``theme`` is a theme id of the plan (``None``: projects linked to none of its themes);
    ``applications`` the funded projects counted, each in full.
    """

    theme: str | None
    applications: tuple[str, ...]
    granted: dict[str, Decimal] = attrs.field(eq=True, hash=False)
    paid: dict[str, Decimal] = attrs.field(eq=True, hash=False)

    @property
    def granted_total(self) -> Decimal:
        return sum(self.granted.values(), Decimal(0))

    @property
    def paid_total(self) -> Decimal:
        return sum(self.paid.values(), Decimal(0))


@attrs.frozen
class MoneyTable:
    """Granted and paid by theme and fiscal year (:func:`money_by_theme`).

    A project acting on several themes is counted in full under each of them (``shared``
    lists those projects): the rows may add up to more than ``total``, which counts every
    project once. ``unlinked`` holds the funded projects linked to none of the plan's themes,
    so that ``total`` is what the program granted and paid, all of it.
    """

    program: str
    years: tuple[str, ...]
    rows: tuple[ThemeMoney, ...]
    total: ThemeMoney
    unlinked: ThemeMoney | None = None
    shared: tuple[str, ...] = ()

    def row(self, theme_id: str) -> ThemeMoney | None:
        return next((r for r in self.rows if r.theme == theme_id), None)


def themes_of(plan: ActionPlan, document: ApplicationsDocument, application_id: str) -> tuple[str, ...]:
    """The themes of ``plan`` a project acts on, in the plan's order.

    Those holding the indicators it contributes to (when it contributes to this plan), and its
    priorities that are themes of this plan (a program's priorities are its plan's themes).
    """
    application = document.application(application_id)
    if application is None:
        return ()
    found = set(application.priorities)
    contribution = contribution_of(document, application_id)
    if contribution is not None and contribution.plan == plan.id:
        wanted = set(contribution.indicators)
        found.update(theme.id for theme, _, _, indicator in plan.iter_indicators() if indicator.id in wanted)
    return tuple(theme.id for theme in plan.themes if theme.id in found)


def money_by_theme(plan: ActionPlan, program: GrantProgram, document: ApplicationsDocument, dossiers: Mapping[str, Any]
                   ) -> MoneyTable:
    """Granted and paid, by theme of ``plan`` and fiscal year, from a replay's ``dossiers``.

    ``dossiers`` are :class:`~actionplan.grants.chain.Dossier` values by application id (a
    :func:`~actionplan.grants.chain.replay`'s): granted is what the last body of the chain
    committed, by fiscal year; paid is each payment, in the fiscal year of its date. The years
    are those of the program's envelopes, and any other holding money; a year with neither an
    envelope nor money (the Alliance's 2019-2020) has no column.
    """
    funded = {app_id: d for app_id, d in dossiers.items() if d.granted_total > 0}
    per_project: dict[str, tuple[dict[str, Decimal], dict[str, Decimal]]] = {}
    years = {year for year, envelope in program.budget.items() if envelope}  # a year without money: no column
    for app_id, dossier in funded.items():
        paid: dict[str, Decimal] = {}
        for payment in dossier.payments:
            year = fiscal_year_of(payment.date)
            paid[year] = paid.get(year, Decimal(0)) + payment.amount
        per_project[app_id] = (dict(dossier.granted), paid)
        years.update(dossier.granted, paid)
    ordered = tuple(sorted(years, key=fiscal_year_start))

    def summed(theme: str | None, ids: list[str]) -> ThemeMoney:
        granted = {y: sum((per_project[i][0].get(y, Decimal(0)) for i in ids), Decimal(0)) for y in ordered}
        paid = {y: sum((per_project[i][1].get(y, Decimal(0)) for i in ids), Decimal(0)) for y in ordered}
        return ThemeMoney(theme, tuple(ids), granted, paid)

    by_theme: dict[str, list[str]] = {theme.id: [] for theme in plan.themes}
    unlinked: list[str] = []
    shared: list[str] = []
    for app_id in (a.id for a in document.applications if a.id in funded):
        themes = themes_of(plan, document, app_id)
        if not themes:
            unlinked.append(app_id)
        if len(themes) > 1:
            shared.append(app_id)
        for theme_id in themes:
            by_theme[theme_id].append(app_id)
    rows = tuple(summed(theme_id, ids) for theme_id, ids in by_theme.items() if ids)
    everyone = [a.id for a in document.applications if a.id in funded]
    return MoneyTable(program.id, ordered, rows, summed(None, everyone), summed(None, unlinked) if unlinked else None,
                      tuple(shared))
