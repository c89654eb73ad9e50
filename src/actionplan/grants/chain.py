"""The approval chain as a state machine, and what waits on whom.

An application (a :class:`Dossier` here) goes through the program's chain of bodies
in order — for the Alliance: selection committee → MRC council → table des préfets.
Each body recommends (or, last, approves); an unfavourable decision ends it, a deferred
one leaves it waiting on the same body. The last body's favourable decision commits the
money in the :class:`~actionplan.grants.ledger.Ledger`; then the agreement is signed,
payments are made and the required reports come in.

Every operation returns a new dossier or raises
:class:`~actionplan.grants.criteria.GrantRefusal` saying, in French and English, why the
transition is illegal; nothing changes then. :func:`replay` runs a whole
``type: applications`` document through it, date by date.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Iterator
from decimal import Decimal
from typing import Any

import attrs

from ..errors import Issue
from ..i18n import Message, Verbatim
from ..model.grants import (
    Agreement,
    Application,
    ApplicationsDocument,
    ApprovalStep,
    Decision,
    GrantProgram,
    Payment,
    ReportReceipt,
    ReportRequirement,
    total_of,
)
from ..schedules import ScheduleContext
from .criteria import GrantRefusal
from .ledger import Ledger
from .money import Amount

#: Where a dossier stands, by name: waiting on a body of the chain, approved (awaiting its
#: agreement), rejected, or under a signed agreement (payments and reports).
STAGE_NAMES = {
    "review": Message("grants.stage.review"),
    "approved": Message("grants.stage.approved"),
    "rejected": Message("grants.stage.rejected"),
    "agreement": Message("grants.stage.agreement"),
}


@attrs.frozen
class Dossier:
    """One application's file: where it stands and every event recorded so far."""

    application: Application
    stage: str = "review"
    step: int = 0  # index of the chain step awaited, while in review
    since: dt.date | None = None  # date of the last event (the deposit at first)
    decisions: tuple[Decision, ...] = ()
    granted: dict[str, Decimal] = attrs.field(factory=dict, eq=True, hash=False)
    agreement: Agreement | None = None
    payments: tuple[Payment, ...] = ()
    reports: tuple[ReportReceipt, ...] = ()

    @property
    def granted_total(self) -> Decimal:
        return total_of(self.granted)

    @property
    def paid(self) -> Decimal:
        return sum((p.amount for p in self.payments), Decimal(0))

    def last_event(self, day: dt.date) -> dt.date:
        """``since`` after an event on ``day``: the later of the two."""
        return day if self.since is None or day > self.since else self.since


@attrs.frozen
class Waiting:
    """Something an application waits for: who must act, what, since when, by when."""

    application: str
    kind: str  # "decision", "agreement", "payment" or "report"
    who: str  # an organisation id, or a step id when the step names no organisation
    who_title: str
    what: Message
    since: dt.date | None = None
    due: dt.date | None = None
    overdue: bool = False


class Workflow:
    """The program's approval chain, applied to dossiers; commits through ``ledger`` when given."""

    def __init__(self, program: GrantProgram, ledger: Ledger | None = None, organisations: dict[str, str] | None = None):
        self.program = program
        self.steps: tuple[ApprovalStep, ...] = program.chain.steps
        self.ledger = ledger
        #: organisation id → name, to say who is waited on
        self.organisations = organisations or {}
        self._index = {step.id: i for i, step in enumerate(self.steps)}

    # -- transitions -----------------------------------------------------------------------

    def open(self, application: Application) -> Dossier:
        return Dossier(application, since=application.deposited)

    def decide(self, dossier: Dossier, decision: Decision) -> Dossier:
        """Record a body's decision; illegal when it is not that body's turn."""
        app = dossier.application.id
        self._same(dossier, decision.application)
        if not self.steps:
            raise GrantRefusal(Message("grants.chain.no_chain", application=app))
        index = self._index.get(decision.body)
        if index is None:
            known = ", ".join(self._index)
            raise GrantRefusal(Message("grants.chain.unknown_body",
                                       application=app, body=repr(decision.body), known=known))
        step = self.steps[index]
        if dossier.stage != "review":
            last = dossier.decisions[-1] if dossier.decisions else None
            when = Message("grants.chain.on_day", day=last.date) if last else Verbatim("")
            raise GrantRefusal(Message("grants.chain.already_decided",
                                       application=app, stage=STAGE_NAMES[dossier.stage], when=when,
                                       body=step.title))
        awaited = self.steps[dossier.step]
        if index > dossier.step:
            raise GrantRefusal(Message("grants.chain.not_yet", application=app, awaited=awaited.title, body=step.title))
        if index < dossier.step:
            raise GrantRefusal(Message("grants.chain.already_favourable",
                                       application=app, body=step.title, awaited=awaited.title))
        self._not_before(dossier, decision.date, Message("grants.chain.event.decision"))
        if decision.amount is not None and decision.amounts and decision.amount != total_of(decision.amounts):
            raise GrantRefusal(Message("grants.chain.amounts_mismatch", application=app, amount=Amount(decision.amount),
                                       total=Amount(total_of(decision.amounts))))
        decisions = (*dossier.decisions, decision)
        if decision.outcome == "deferred":
            return attrs.evolve(dossier, decisions=decisions, since=decision.date)
        if decision.outcome == "unfavourable":
            return attrs.evolve(dossier, stage="rejected", decisions=decisions, since=decision.date)
        if index + 1 < len(self.steps):
            return attrs.evolve(dossier, step=index + 1, decisions=decisions, since=decision.date)
        granted = self._granted(dossier, decision)
        if self.ledger is not None:
            self.ledger.commit(app, granted, decision.date)
        return attrs.evolve(dossier, stage="approved", decisions=decisions, since=decision.date, granted=granted)

    def sign(self, dossier: Dossier, agreement: Agreement) -> Dossier:
        """Record the signed agreement of an approved application."""
        app = dossier.application.id
        self._same(dossier, agreement.application)
        if dossier.stage == "agreement" and dossier.agreement is not None:
            raise GrantRefusal(Message("grants.chain.already_signed", application=app, signed=dossier.agreement.signed))
        if dossier.stage != "approved":
            raise GrantRefusal(Message("grants.chain.not_approved", application=app, stage=STAGE_NAMES[dossier.stage]))
        self._not_before(dossier, agreement.signed, Message("grants.chain.event.agreement"))
        return attrs.evolve(dossier, stage="agreement", agreement=agreement, since=agreement.signed)

    def pay(self, dossier: Dossier, payment: Payment) -> Dossier:
        """Record a payment under the signed agreement, within what was granted."""
        app = dossier.application.id
        self._same(dossier, payment.application)
        if dossier.stage != "agreement" or dossier.agreement is None:
            raise GrantRefusal(Message("grants.chain.payment_unsigned",
                                       application=app, stage=STAGE_NAMES[dossier.stage]))
        if payment.date < dossier.agreement.signed:
            raise GrantRefusal(Message("grants.chain.payment_before_signature", application=app, day=payment.date,
                                       signed=dossier.agreement.signed))
        remaining = dossier.granted_total - dossier.paid
        if payment.amount > remaining:
            raise GrantRefusal(Message("grants.chain.over_payment", application=app, amount=Amount(payment.amount),
                                       remaining=Amount(remaining)))
        if self.ledger is not None:
            self.ledger.pay(app, payment.amount, payment.date)
        return attrs.evolve(dossier, payments=(*dossier.payments, payment), since=dossier.last_event(payment.date))

    def receive(self, dossier: Dossier, receipt: ReportReceipt) -> Dossier:
        """Record a required report received under the agreement."""
        app = dossier.application.id
        self._same(dossier, receipt.application)
        requirement = self.requirement(receipt.report)
        if requirement is None:
            known: str | Message = ", ".join(r.id for r in self.program.reports) or Message("grants.chain.no_reports")
            raise GrantRefusal(Message("grants.chain.unknown_report",
                                       application=app, report=repr(receipt.report), known=known))
        if dossier.stage != "agreement" or dossier.agreement is None:
            raise GrantRefusal(Message("grants.chain.report_unsigned",
                                       application=app, stage=STAGE_NAMES[dossier.stage]))
        if any(r.report == receipt.report for r in dossier.reports):
            raise GrantRefusal(Message("grants.chain.report_received", application=app, report=repr(requirement.title)))
        if receipt.received < dossier.agreement.signed:
            raise GrantRefusal(Message("grants.chain.report_before_signature", application=app, day=receipt.received,
                                       signed=dossier.agreement.signed))
        return attrs.evolve(dossier, reports=(*dossier.reports, receipt), since=dossier.last_event(receipt.received))

    # -- what waits on whom -------------------------------------------------------------------

    def requirement(self, report_id: str) -> ReportRequirement | None:
        return next((r for r in self.program.reports if r.id == report_id), None)

    def report_due(self, requirement: ReportRequirement, application: Application) -> dt.date | None:
        """When ``requirement`` is due for ``application`` (« à la fin de chaque projet »: its end)."""
        start = self.program.period.start
        end = max(self.program.period.end, application.end or self.program.period.end)
        events = {"project_end": (application.end,)} if application.end else {}
        bounds = requirement.due.bounds(ScheduleContext(start, end, fiscal_years=True, events=events))
        if bounds is None:
            return None
        return bounds.end + dt.timedelta(days=requirement.days_after)

    def awaiting(self, dossier: Dossier, as_of: dt.date) -> tuple[Waiting, ...]:
        """What ``dossier`` waits for on ``as_of``, and from whom."""
        app = dossier.application
        if dossier.stage == "rejected" or (app.deposited is not None and app.deposited > as_of):
            return ()
        if dossier.stage == "review":
            if not self.steps:
                return ()
            step = self.steps[dossier.step]
            what = (Message("grants.waiting.recommendation") if step.decides == "recommend"
                    else Message("grants.waiting.approval"))
            return (Waiting(app.id, "decision", step.organisation or step.id, step.title, what, since=dossier.since),)
        if dossier.stage == "approved":
            who = self.program.chain.agreements_by or self.program.administered_by or ""
            return (Waiting(app.id, "agreement", who, self.organisations.get(who, who),
                            Message("grants.waiting.agreement"), since=dossier.since),)
        found: list[Waiting] = []
        remaining = dossier.granted_total - dossier.paid
        if remaining > 0:
            who = self.program.chain.payments_by or self.program.chain.agreements_by or ""
            found.append(Waiting(app.id, "payment", who, self.organisations.get(who, who),
                                 Message("grants.waiting.payment", amount=Amount(remaining)),
                                 since=dossier.since))
        received = {r.report for r in dossier.reports}
        signed = dossier.agreement.signed if dossier.agreement is not None else None
        for requirement in self.program.reports:
            if requirement.id in received:
                continue
            due = self.report_due(requirement, app)
            found.append(Waiting(app.id, "report", app.lead, self.organisations.get(app.lead, app.lead),
                                 Verbatim(requirement.title), since=signed,
                                 due=due, overdue=due is not None and due < as_of))
        return tuple(found)

    # -- helpers -------------------------------------------------------------------------------

    def _same(self, dossier: Dossier, application: str) -> None:
        if application != dossier.application.id:
            raise GrantRefusal(Message("grants.chain.other_application",
                                       application=application, expected=dossier.application.id))

    def _not_before(self, dossier: Dossier, day: dt.date, what: Message) -> None:
        if dossier.since is not None and day < dossier.since:
            raise GrantRefusal(Message("grants.chain.before_previous_step",
                                       application=dossier.application.id, what=what, day=day,
                                       since=dossier.since))

    def _granted(self, dossier: Dossier, decision: Decision) -> dict[str, Decimal]:
        """What the last body grants, by fiscal year: its amounts, else the latest recommended, else the request."""
        app = dossier.application
        for source in (decision, *reversed(dossier.decisions)):
            if source.outcome != "favourable":
                continue
            if source.amounts:
                granted = dict(source.amounts)
                break
            if source.amount is not None:
                granted = self._split(app, source.amount)
                break
        else:
            granted = dict(app.requested)
        if not granted or not total_of(granted):
            raise GrantRefusal(Message("grants.chain.nothing_granted", application=app.id))
        if total_of(granted) > app.total_requested:
            raise GrantRefusal(Message("grants.chain.over_request",
                                       application=app.id, granted=Amount(total_of(granted)),
                                       requested=Amount(app.total_requested)))
        return {year: amount for year, amount in granted.items() if amount}

    def _split(self, app: Application, amount: Decimal) -> dict[str, Decimal]:
        if amount == app.total_requested:
            return dict(app.requested)
        if len(app.requested) == 1:
            return {next(iter(app.requested)): amount}
        raise GrantRefusal(Message("grants.chain.split_needed", application=app.id, amount=Amount(amount)))


@attrs.frozen
class Replay:
    """A document run through the workflow: each dossier, the ledger, and every refused event."""

    workflow: Workflow
    dossiers: dict[str, Dossier] = attrs.field(eq=False)
    ledger: Ledger | None = attrs.field(eq=False)  # None when the program has no budget
    issues: tuple[Issue, ...] = ()

    def pending(self, as_of: dt.date) -> list[Waiting]:
        """Everything waiting on someone, by application in document order."""
        return [w for dossier in self.dossiers.values() for w in self.workflow.awaiting(dossier, as_of)]


def _events(document: ApplicationsDocument, steps: dict[str, int]) -> Iterator[tuple]:
    for i, d in enumerate(document.decisions):
        yield (d.date, 0, steps.get(d.body, len(steps)), i), "decisions", i, d
    for i, a in enumerate(document.agreements):
        yield (a.signed, 1, 0, i), "agreements", i, a
    for i, p in enumerate(document.payments):
        yield (p.date, 2, 0, i), "payments", i, p
    for i, r in enumerate(document.reports):
        yield (r.received, 3, 0, i), "reports", i, r
    for i, m in enumerate(document.transfers):
        yield (m.date, 4, 0, i), "transfers", i, m


def replay(program: GrantProgram, document: ApplicationsDocument, *, as_of: dt.date | None = None,
           organisations: Iterable = ()) -> Replay:
    """Run every decision, agreement, payment and report of ``document`` in date order.

    Same-day events go decisions (in chain order) → agreements → payments → reports.
    A refused event becomes an :class:`~actionplan.errors.Issue` at its document path
    and is skipped; the rest goes on, so every problem is reported at once.
    """
    ledger = Ledger.for_program(program) if program.budget else None
    names = {o.id: o.name for o in (*organisations, *document.organisations)}
    workflow = Workflow(program, ledger, names)
    dossiers = {a.id: workflow.open(a) for a in document.applications}
    steps = {s.id: i for i, s in enumerate(program.chain.steps)}
    apply: dict[str, Callable[[Dossier, Any], Dossier]] = {"decisions": workflow.decide, "agreements": workflow.sign, "payments": workflow.pay,
             "reports": workflow.receive}
    issues: list[Issue] = []
    for _key, kind, index, event in sorted(_events(document, steps), key=lambda e: e[0]):
        if as_of is not None and _key[0] > as_of:
            continue
        if kind == "transfers":  # money moved out of an envelope: the ledger's alone
            if ledger is not None:
                try:
                    ledger.transfer(event.fiscal_year, event.to, event.amount, event.date, event.resolution)
                except GrantRefusal as exc:
                    issues.append(Issue(f"{kind}[{index}]", exc.text))
            continue
        dossier = dossiers.get(event.application)
        if dossier is None:
            continue  # reported by the document checks
        try:
            dossiers[event.application] = apply[kind](dossier, event)
        except GrantRefusal as exc:
            issues.append(Issue(f"{kind}[{index}]", exc.text))
    return Replay(workflow, dossiers, ledger, tuple(issues))
