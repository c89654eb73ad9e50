"""Whole-document checks of grant programs and applications, every issue with its path.

* :func:`check_program` — a plan's ``program:`` section against the plan (organisations,
  priorities = themes of kind ``priorite``), the gazetteer and the installed criteria.
  Run on every plan load through ``actionplan_plan_checks`` (this module is a default plugin).
* :func:`check_applications_document` — references inside a ``type: applications``
  document (the checks of its registered document type).
* :func:`check_applications` — the same document against its program, including a replay
  of the approval chain and the ledger (illegal transitions, over-commitments).
"""

from __future__ import annotations

import difflib
import itertools
from collections.abc import Callable, Iterable, Iterator

from ..documents import DocumentType
from ..errors import Issue
from ..hookspecs import hookimpl
from ..model.grants import ApplicationsDocument, GrantProgram, fiscal_year_period, fiscal_year_start, total_of
from ..i18n import N_, Message
from ..territories import default_gazetteer

# the criteria, the committee's grid and the chain's replay are imported by the checks of a program
# or of applications, not when the document types are registered (``actionplan validate`` of a plan)


def applications_store_id(document: ApplicationsDocument) -> str:
    """Stores keep a program's applications beside it, under ``<program>.applications``."""
    return f"{document.program}.applications"


@hookimpl
def actionplan_register_document_types(register: Callable[[DocumentType], None]) -> None:
    register(APPLICATIONS_TYPE)


@hookimpl
def actionplan_plan_checks(plan, gazetteer):
    if plan.program is not None:
        return list(check_program(plan, gazetteer))
    return None


#: What ``_unknown`` names → the codes of « unknown … » and of « a … id ».
_KINDS = {
    'organisation': (N_("validation.unknown_organisation"), N_("grants.expect.organisation_id")),
    "priority (a theme of kind 'priorite')": (N_("grants.unknown_priority_theme"), N_("grants.expect.priority_theme_id")),
    'application': (N_("grants.unknown_application"), N_("grants.expect.application_id")),
    'call for projects': (N_("grants.unknown_call"), N_("grants.expect.call_id")),
    'priority of the program': (N_("grants.unknown_priority"), N_("grants.expect.priority_id")),
    'step of the approval chain': (N_("grants.unknown_step"), N_("grants.expect.step_id")),
    'report required by the program': (N_("grants.unknown_report"), N_("grants.expect.report_id")),
}
#: What ``_unique`` names → the code of « duplicate … id ».
_DUPLICATES = {
    'report': N_("grants.duplicate_id.report"),
    'step': N_("grants.duplicate_id.step"),
    'call': N_("grants.duplicate_id.call"),
    'application': N_("grants.duplicate_id.application"),
    'criterion': N_("grants.duplicate_id.criterion"),
    'organisation': N_("grants.duplicate_id.organisation"),
}


def _unknown(path: str, kind: str, value: str, known: Iterable[str], severity: str = "error") -> Issue:
    known = list(known)
    close = difflib.get_close_matches(str(value), known, n=1)
    unknown, an_id = _KINDS[kind]
    return Issue(path, Message(unknown), expected=", ".join(sorted(known)) or Message(an_id), found=repr(value),
                 hint=Message("validation.did_you_mean", name=repr(close[0])) if close else None, severity=severity)


def _unique(items: Iterable, path: str, what: str, key=lambda x: x.id) -> Iterator[Issue]:
    seen: dict[str, int] = {}
    for i, item in enumerate(items):
        value = key(item)
        if value in seen:
            yield Issue(f"{path}[{i}].id", Message(_DUPLICATES[what], first=f"{path}[{seen[value]}]"),
                        found=repr(value))
        seen.setdefault(value, i)


def check_program(plan, gazetteer=None, *, registry=None) -> Iterator[Issue]:
    """Issues of ``plan.program`` (paths start with ``program``)."""
    from .committee import check_scoring
    from .criteria import ProgramContext, check_criteria

    program: GrantProgram = plan.program
    ctx = ProgramContext(program, plan, gazetteer)
    places = ctx.gazetteer
    organisations = {o.id for o in plan.organisations}
    for field in ("funder", "fund", "administered_by"):
        value = getattr(program, field)
        if value is not None and value not in organisations:
            yield _unknown(f"program.{field}", "organisation", value, organisations)
    for i, territory in enumerate(program.territories):
        if territory not in places:
            yield Issue(f"program.territories[{i}]", Message("validation.unknown_territory"),
                        expected=Message("grants.expect.gazetteer_id", example="'mrc:les-maskoutains'"),
                        found=repr(territory))
    if not ctx.territories:
        yield Issue("program.territories", Message("grants.no_territory"),
                    expected=Message("expect.territory_ids"), found=Message("found.nothing"), severity="warning")
    priorities = {t.id for t in plan.themes if t.kind == "priorite"}
    for i, priority in enumerate(program.priorities):
        if priority not in priorities:
            yield _unknown(f"program.priorities[{i}]", "priority (a theme of kind 'priorite')", priority, priorities)
    if not ctx.priorities:
        yield Issue("program.priorities", Message("grants.no_priorities"), severity="warning")
    yield from check_criteria(program, ctx, "program", registry)
    yield from check_scoring(program)
    yield from _check_chain(program, organisations)
    yield from _check_budget(program)
    yield from _check_calls(program)
    yield from _unique(program.reports, "program.reports", "report")
    for i, report in enumerate(program.reports):
        if report.approved_by is not None and report.approved_by not in organisations:
            yield _unknown(f"program.reports[{i}].approved_by", "organisation", report.approved_by, organisations)


def _check_chain(program: GrantProgram, organisations: set[str]) -> Iterator[Issue]:
    chain = program.chain
    yield from _unique(chain.steps, "program.chain.steps", "step")
    if not chain.steps:
        yield Issue("program.chain.steps", Message("grants.no_chain"), severity="warning")
    for i, step in enumerate(chain.steps):
        where = f"program.chain.steps[{i}]"
        if step.organisation is not None and step.organisation not in organisations:
            yield _unknown(f"{where}.organisation", "organisation", step.organisation, organisations)
        last = i == len(chain.steps) - 1
        if last and step.decides != "approve":
            yield Issue(f"{where}.decides", Message("grants.last_body_approves"), expected="approve",
                        found=repr(step.decides))
        if not last and step.decides != "recommend":
            yield Issue(f"{where}.decides", Message("grants.others_recommend"), expected="recommend",
                        found=repr(step.decides))
    for field in ("agreements_by", "payments_by"):
        value = getattr(chain, field)
        if value is not None and value not in organisations:
            yield _unknown(f"program.chain.{field}", "organisation", value, organisations)


def _check_budget(program: GrantProgram) -> Iterator[Issue]:
    if not program.budget:
        yield Issue("program.budget", Message("grants.no_budget"), expected=Message("grants.expect.envelopes"),
                    found=Message("found.nothing"), severity="warning")
        return
    years = sorted(program.budget, key=fiscal_year_start)
    for previous, following in itertools.pairwise(years):
        if fiscal_year_start(following) != fiscal_year_start(previous) + 1:
            yield Issue(f"program.budget.{following}", Message("grants.budget_years_follow"),
                        expected=f"{fiscal_year_start(previous) + 1}-{fiscal_year_start(previous) + 2}", found=following)
    for year in years:
        if not fiscal_year_period(year).overlaps(program.period):
            yield Issue(f"program.budget.{year}", Message("grants.year_outside_period"),
                        expected=Message("grants.expect.year_meeting", start=program.period.start,
                                         end=program.period.end), found=year)
    if program.total is not None and program.total != total_of(program.budget):
        yield Issue("program.total", Message("grants.total_differs"),
                    expected=str(total_of(program.budget)), found=str(program.total))


def _check_calls(program: GrantProgram) -> Iterator[Issue]:
    yield from _unique(program.calls, "program.calls", "call")
    for i, call in enumerate(program.calls):
        for k, deadline in enumerate(call.deadlines):
            where = f"program.calls[{i}].deadlines[{k}]"
            history = deadline.history()
            for j, (before, after) in enumerate(itertools.pairwise(history)):
                if after <= before:
                    yield Issue(f"{where}.postponements[{j}]", Message("grants.postponement_later"),
                                expected=Message("grants.expect.date_after", date=before), found=str(after))
            if call.opens is not None and deadline.original < call.opens:
                yield Issue(f"{where}.date", Message("grants.deadline_before_opening"),
                            expected=Message("grants.expect.on_or_after", date=call.opens),
                            found=str(deadline.original))
            if not program.period.contains(deadline.date):
                yield Issue(f"{where}.date", Message("grants.deadline_outside_period"), severity="warning",
                            expected=f"{program.period.start} → {program.period.end}", found=str(deadline.date))


# -- applications -------------------------------------------------------------------------


def check_applications_document(document: ApplicationsDocument, gazetteer=None) -> Iterator[Issue]:
    """References inside an applications document: ids, organisations, applications, territories."""
    if gazetteer is None:
        gazetteer = default_gazetteer()
    organisations = {o.id for o in document.organisations}
    yield from _unique(document.organisations, "organisations", "organisation")
    yield from _unique(document.applications, "applications", "application")
    applications = {a.id for a in document.applications}
    for i, app in enumerate(document.applications):
        where = f"applications[{i}]"
        if app.lead not in organisations:
            yield _unknown(f"{where}.lead", "organisation", app.lead, organisations)
        for p, partner in enumerate(app.partners):
            if partner.organisation not in organisations:
                yield _unknown(f"{where}.partners[{p}].organisation", "organisation", partner.organisation, organisations)
            if partner.role not in ("executing", "support"):
                yield Issue(f"{where}.partners[{p}].role", Message("grants.partner_role"),
                            expected="executing | support", found=repr(partner.role),
                            hint=Message("grants.partner_role.hint") if partner.role == "lead" else None)
        for t, territory in enumerate(app.territories):
            if territory not in gazetteer:
                yield Issue(f"{where}.territories[{t}]", Message("grants.territory_not_installed"), severity="warning",
                            expected=Message("grants.expect.gazetteer_or_custom"), found=repr(territory))
        if app.start is not None and app.end is not None and app.end < app.start:
            yield Issue(f"{where}.end", Message("grants.project_ends_before_start"),
                        expected=Message("grants.expect.on_or_after", date=app.start),
                        found=str(app.end))
    for kind in ("decisions", "agreements", "payments", "reports"):
        for i, event in enumerate(getattr(document, kind)):
            if event.application not in applications:
                yield _unknown(f"{kind}[{i}].application", "application", event.application, applications)


#: ``type: applications``: references inside the document are checked on loading; checks against
#: the program need the plan (:func:`check_applications`).
APPLICATIONS_TYPE = DocumentType("applications", ApplicationsDocument, store_id=applications_store_id,
                                 checks=check_applications_document)


def check_applications(document: ApplicationsDocument, plan, gazetteer=None, *, registry=None) -> list[Issue]:
    """Every issue of ``document`` against the program of ``plan``, including the chain's replay."""
    from .chain import replay
    from .criteria import ProgramContext

    program: GrantProgram = plan.program
    ctx = ProgramContext(program, plan, gazetteer)
    issues = list(check_applications_document(document, ctx.gazetteer))
    if document.program != plan.id:
        issues.append(Issue("program", Message("grants.applications_for_another_program"), expected=repr(plan.id),
                            found=repr(document.program)))
    calls = {c.id for c in program.calls}
    steps = {s.id for s in program.chain.steps}
    reports = {r.id for r in program.reports}
    for i, app in enumerate(document.applications):
        where = f"applications[{i}]"
        if app.call is not None and app.call not in calls:
            issues.append(_unknown(f"{where}.call", "call for projects", app.call, calls))
        call = program.call(app.call) if app.call else None
        if call is not None and app.deposited is not None and call.deadlines and call.deadline_for(app.deposited) is None:
            last = max(d.date for d in call.deadlines)
            issues.append(Issue(f"{where}.deposited", Message("grants.deposited_late"), severity="warning",
                                expected=Message("grants.expect.on_or_before", date=last), found=str(app.deposited)))
        for p, priority in enumerate(app.priorities):
            if priority not in ctx.priority_ids:
                issues.append(_unknown(f"{where}.priorities[{p}]", "priority of the program", priority, ctx.priority_ids))
        for year in app.requested:
            if year not in program.budget:
                issues.append(Issue(f"{where}.requested.{year}", Message("grants.no_envelope"),
                                    expected=", ".join(program.budget) or Message("grants.expect.budget_year"),
                                    found=year))
    for i, decision in enumerate(document.decisions):
        if decision.body not in steps:
            issues.append(_unknown(f"decisions[{i}].body", "step of the approval chain", decision.body, steps))
        for year in decision.amounts:
            if year not in program.budget:
                issues.append(Issue(f"decisions[{i}].amounts.{year}", Message("grants.no_envelope"),
                                    expected=", ".join(program.budget), found=year))
    for i, transfer in enumerate(document.transfers):
        if transfer.fiscal_year not in program.budget:
            issues.append(Issue(f"transfers[{i}].fiscal_year", Message("grants.no_envelope"),
                                expected=", ".join(program.budget) or Message("grants.expect.budget_year"),
                                found=transfer.fiscal_year))
    for i, receipt in enumerate(document.reports):
        if receipt.report not in reports:
            issues.append(_unknown(f"reports[{i}].report", "report required by the program", receipt.report, reports))
    if not any(i.severity == "error" for i in issues) and program.budget:
        issues.extend(replay(program, document, organisations=plan.organisations).issues)
    return issues
