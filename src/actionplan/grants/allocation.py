"""Allocation: fund ranked applications in order from what a fiscal year has left, then record it.

:func:`allocate` takes the applications in rank order (the committee's, or the program's
ranking) and the ledger as the document's events left it, and for one fiscal year:

* an application still under review that requests money in that year (or later years) is
  **funded** when the whole of its request fits the ledger (carry-over included: a year may use
  what earlier years left, never money of a later year);
* otherwise, when the program allows ``partial_funding``, it gets what is left, year by year
  (**partial**); else it goes on the **waiting list** (later, smaller requests may still fit);
* what the year has left at the end is the **remainder**, carried to the next fiscal year.

Nothing is recorded by :func:`allocate`. :func:`decisions_for` turns a proposal into the
decisions of the program's approval chain (favourable with the amounts for funded ones, through
every remaining body or up to ``through``; ``deferred`` by the awaited body for the waiting
list); :func:`record` checks them through the chain and the ledger — all of them or none.
"""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Iterable, Sequence
from decimal import Decimal

import attrs

from ..errors import GrantRefusal
from ..i18n import Message
from ..model.grants import Application, ApplicationsDocument, Decision, GrantProgram, fiscal_year_period, fiscal_year_start, total_of
from .chain import Replay, replay
from .ledger import Ledger

_ZERO = Decimal(0)
#: What an allocation proposes for an application.
STATUSES = ("funded", "partial", "waitlisted")


@attrs.frozen
class Proposal:
    """One application in the allocation: its rank, score, request and what is proposed."""

    application: Application
    rank: int
    score: Decimal | None
    requested: dict[str, Decimal] = attrs.field(eq=True, hash=False)
    proposed: dict[str, Decimal] = attrs.field(eq=True, hash=False)  # empty on the waiting list
    status: str = "waitlisted"

    @property
    def requested_total(self) -> Decimal:
        return total_of(self.requested)

    @property
    def proposed_total(self) -> Decimal:
        return total_of(self.proposed)


@attrs.frozen
class Allocation:
    """A proposal for one fiscal year: what was available, each application's fate, what remains."""

    fiscal_year: str
    day: dt.date
    available: Decimal  # what the fiscal year could still be charged before the allocation
    proposals: tuple[Proposal, ...]
    remainder: Decimal  # the fiscal year's balance after it (carried to the next year)
    next_year: str | None  # where the remainder carries to (None: the last year, it lapses at the end)
    ledger: Ledger = attrs.field(eq=False, repr=False)  # the ledger with the proposal committed

    @property
    def funded(self) -> tuple[Proposal, ...]:
        return tuple(p for p in self.proposals if p.status != "waitlisted")

    @property
    def waitlisted(self) -> tuple[Proposal, ...]:
        return tuple(p for p in self.proposals if p.status == "waitlisted")

    def committed(self, fiscal_year: str | None = None) -> Decimal:
        """What the proposal charges to ``fiscal_year`` (default: the allocation's year)."""
        year = fiscal_year or self.fiscal_year
        return sum((p.proposed.get(year, _ZERO) for p in self.proposals), _ZERO)


def check_fiscal_year(program: GrantProgram, fiscal_year: str, day: dt.date) -> None:
    """Refuse a fiscal year the program has no envelope for, or one that ended before ``day``."""
    try:
        fiscal_year_start(fiscal_year)
    except ValueError:
        raise GrantRefusal(Message("allocation.bad_fiscal_year", year=fiscal_year)) from None
    if fiscal_year not in program.budget:
        raise GrantRefusal(Message("allocation.no_envelope", year=fiscal_year, years=", ".join(program.budget) or "-"))
    end = fiscal_year_period(fiscal_year).end
    if end < day:
        raise GrantRefusal(Message("allocation.year_ended", year=fiscal_year, end=end, day=day))


def allocate(program: GrantProgram, state: Replay, ordered: Sequence, fiscal_year: str, day: dt.date, *,
             call: str | None = None, scores: dict[str, Decimal | None] | None = None) -> Allocation:
    """Propose funding for ``fiscal_year`` in the order of ``ordered`` (eligible assessments, best first).

    ``state`` is the document replayed up to ``day`` (its ledger holds what was already committed);
    ``call`` keeps the applications of one call for projects; ``scores`` are shown with each proposal.
    """
    check_fiscal_year(program, fiscal_year, day)
    if state.ledger is None:
        raise GrantRefusal(Message("grants.ledger.no_budget"))
    ledger = copy.deepcopy(state.ledger)
    available = ledger.available(fiscal_year)
    start = fiscal_year_start(fiscal_year)
    proposals = []
    for rank, assessment in enumerate(ordered, start=1):
        app: Application = assessment.application
        dossier = state.dossiers.get(app.id)
        if dossier is None or dossier.stage != "review" or (call is not None and app.call != call):
            continue
        request = {year: amount for year, amount in app.requested.items()
                   if amount > 0 and fiscal_year_start(year) >= start}
        if not request.get(fiscal_year):
            continue  # nothing asked of this year: another year's allocation
        proposed, status = _fund(ledger, app.id, request, fiscal_year, day, program.partial_funding)
        proposals.append(Proposal(app, rank, (scores or {}).get(app.id), request, proposed, status))
    row = next(r for r in ledger.rows(day) if r.fiscal_year == fiscal_year)
    index = ledger.years.index(fiscal_year)
    following = ledger.years[index + 1] if index + 1 < len(ledger.years) else None
    return Allocation(fiscal_year, day, available, tuple(proposals), row.balance, following, ledger)


def _fund(ledger: Ledger, application: str, request: dict[str, Decimal], fiscal_year: str, day: dt.date,
          partial: bool) -> tuple[dict[str, Decimal], str]:
    """Commit the whole request, or (``partial``) what is left year by year when the year still has some."""
    try:
        ledger.commit(application, request, day)
        return dict(request), "funded"
    except GrantRefusal:
        if not partial or ledger.available(fiscal_year) <= 0:
            return {}, "waitlisted"
    granted: dict[str, Decimal] = {}
    for year in sorted(request, key=fiscal_year_start):
        amount = min(request[year], ledger.available(year))
        if amount > 0:
            ledger.commit(application, {year: amount}, day)
            granted[year] = amount
    return granted, ("partial" if granted else "waitlisted")


def decisions_for(program: GrantProgram, state: Replay, allocation: Allocation, *, through: str | None = None,
                  notes: dict[str, str] | None = None) -> list[Decision]:
    """The decisions that record ``allocation`` through the program's chain, dated ``allocation.day``.

    Funded and partly funded applications get a favourable decision with their amounts from each
    body still to decide, up to ``through`` (default: the last, which commits the money); the
    waiting list gets a ``deferred`` decision from the body it awaits. ``notes`` maps a status to
    the note written on its decisions.
    """
    steps = [s.id for s in program.chain.steps]
    if not steps:
        raise GrantRefusal(Message("allocation.no_chain", program=program.id))
    if through is not None and through not in steps:
        raise GrantRefusal(Message("allocation.unknown_step", step=through, steps=", ".join(steps)))
    last = steps.index(through) if through is not None else len(steps) - 1
    notes = notes or {}
    # a date of its own per decision: a YAML writer would tie one shared object with an anchor (&id001)
    day = lambda: dt.date.fromordinal(allocation.day.toordinal())  # noqa: E731
    decisions = []
    for proposal in allocation.proposals:
        app = proposal.application.id
        awaited = state.dossiers[app].step
        if proposal.status == "waitlisted":
            decisions.append(Decision(app, steps[awaited], day(), "deferred", note=notes.get("waitlisted")))
            continue
        for body in steps[awaited:last + 1]:
            decisions.append(Decision(app, body, day(), "favourable", amounts=dict(proposal.proposed),
                                      note=notes.get(proposal.status)))
    return decisions


def record(program: GrantProgram, document: ApplicationsDocument, decisions: Iterable[Decision], *,
           organisations: Iterable = ()) -> ApplicationsDocument:
    """``document`` with ``decisions`` added, after the chain and the ledger accepted every one of them.

    Raises :class:`~actionplan.errors.GrantRefusal` with the first refusal (the chain's or the
    ledger's words) when any is illegal; the document is then left as it was.
    """
    organisations = tuple(organisations)
    before = {(i.path, i.code) for i in replay(program, document, organisations=organisations).issues}
    updated = attrs.evolve(document, decisions=(*document.decisions, *decisions))
    new = [i for i in replay(program, updated, organisations=organisations).issues if (i.path, i.code) not in before]
    if new:
        raise GrantRefusal(Message("allocation.refused", path=new[0].path, reason=new[0].text))
    return updated
