"""The fiscal-year ledger: envelopes, commitments, payments, carry-over and lapse.

The rules (see ``docs/grants.md``):

* A program has an envelope per fiscal year (1 April → 31 March).
* A commitment charges amounts to fiscal years (those of the project's spending). It
  may use the year's envelope and whatever earlier years left uncommitted (carried
  over), never money of a later year: for every fiscal year Y, what is committed to Y
  and the years before it never exceeds the envelopes of Y and the years before it.
* A fiscal year that has ended cannot be charged any more: its uncommitted money has
  carried over to the next one. Nothing can be committed before the program starts or
  after it ends; what is uncommitted when it ends lapses.
* Payments are made against commitments, never beyond what an application was granted,
  within the program's period.
* Amounts are :class:`~decimal.Decimal` with at most cents; anything else is refused.

Invariant, at any date: committed + available + lapsed = total of the envelopes.
Refused operations raise :class:`~actionplan.grants.criteria.GrantRefusal` (a
``GrantError``) and leave the ledger unchanged.
"""

from __future__ import annotations

import datetime as dt
import itertools
from collections import defaultdict
from collections.abc import Mapping
from decimal import Decimal

import attrs

from ..errors import GrantRefusal
from ..i18n import Message
from ..model.grants import GrantProgram, fiscal_year_of, fiscal_year_period, fiscal_year_start
from .money import Amount

_ZERO = Decimal(0)
_CENT = Decimal("0.01")


@attrs.frozen
class Commitment:
    """Money committed to an application, charged to one fiscal year, on a date."""

    application: str
    fiscal_year: str
    amount: Decimal
    date: dt.date


@attrs.frozen
class LedgerPayment:
    """Money paid to an application on a date (counted in the fiscal year of that date)."""

    application: str
    amount: Decimal
    date: dt.date


@attrs.frozen
class LedgerTransfer:
    """Money moved out of a fiscal year's envelope into another envelope (``to``), on a date."""

    fiscal_year: str
    to: str
    amount: Decimal
    date: dt.date
    reference: str | None = None


@attrs.frozen
class LedgerRow:
    """One fiscal year of the table.

    ``carried_in`` is what earlier years left uncommitted; ``balance`` = envelope +
    carried in − committed; it is ``carried_out`` to the next year, or ``lapsed`` after
    the last one once the program has ended (before that it is still available).
    """

    fiscal_year: str
    status: str  # "closed" (the fiscal year has ended), "current" or "future" (as of the table's date)
    envelope: Decimal
    carried_in: Decimal
    committed: Decimal
    paid: Decimal
    carried_out: Decimal
    lapsed: Decimal
    transferred: Decimal = _ZERO  # moved out to another envelope

    @property
    def balance(self) -> Decimal:
        return self.envelope + self.carried_in - self.committed - self.transferred


@attrs.frozen
class LedgerTotals:
    """The whole program as of a date: ``committed + transferred + available + lapsed == total``."""

    total: Decimal
    committed: Decimal
    paid: Decimal
    available: Decimal
    lapsed: Decimal
    transferred: Decimal = _ZERO


def _check_decimal(amount: object, what: str) -> Decimal:
    if not isinstance(amount, Decimal):
        raise GrantRefusal(Message("grants.ledger.not_decimal",
                                   what=what, type=type(amount).__name__, amount=repr(amount)))
    if not amount.is_finite() or amount <= 0:
        raise GrantRefusal(Message("grants.ledger.not_positive", what=what, amount=amount))
    if amount != amount.quantize(_CENT):
        raise GrantRefusal(Message("grants.ledger.fraction_of_cent", what=what, amount=amount))
    return amount


class Ledger:
    """Envelopes by fiscal year and what was committed and paid against them."""

    def __init__(self, budget: Mapping[str, Decimal], start: dt.date, end: dt.date):
        if not budget:
            raise GrantRefusal(Message("grants.ledger.no_budget"))
        years = sorted(budget, key=fiscal_year_start)
        for previous, following in itertools.pairwise(years):
            if fiscal_year_start(following) != fiscal_year_start(previous) + 1:
                raise GrantRefusal(Message("grants.ledger.years_not_consecutive",
                                           previous=previous, following=following))
        for year in years:
            amount = budget[year]
            if not isinstance(amount, Decimal) or amount < 0:
                raise GrantRefusal(Message("grants.ledger.bad_envelope", year=year, amount=repr(amount)))
        self.years: tuple[str, ...] = tuple(years)
        self.envelopes: dict[str, Decimal] = {year: budget[year] for year in years}
        self.start = start
        self.end = end
        self.commitments: list[Commitment] = []
        self.payments: list[LedgerPayment] = []
        self.transfers: list[LedgerTransfer] = []
        self._committed = dict.fromkeys(years, _ZERO)
        self._transferred = dict.fromkeys(years, _ZERO)
        self._by_application: dict[str, Decimal] = defaultdict(lambda: _ZERO)
        self._paid: dict[str, Decimal] = defaultdict(lambda: _ZERO)
        self._events: dict[str, tuple[list[Commitment], list[LedgerPayment]]] = defaultdict(lambda: ([], []))

    @classmethod
    def for_program(cls, program: GrantProgram) -> Ledger:
        return cls(program.budget, program.period.start, program.period.end)

    # -- queries ---------------------------------------------------------------------------

    @property
    def total(self) -> Decimal:
        return sum(self.envelopes.values(), _ZERO)

    def committed_to(self, application: str) -> Decimal:
        return self._by_application.get(application, _ZERO)

    def paid_to(self, application: str) -> Decimal:
        return self._paid.get(application, _ZERO)

    def _slack(self, committed: Mapping[str, Decimal]) -> list[Decimal]:
        """For each year Y: envelopes of Y and before, minus commitments charged to Y and before."""
        slack, envelopes, spent = [], _ZERO, _ZERO
        for year in self.years:
            envelopes += self.envelopes[year]
            spent += committed[year]
            slack.append(envelopes - spent)
        return slack

    def available(self, fiscal_year: str) -> Decimal:
        """The most that can still be charged to ``fiscal_year`` (its envelope plus what was carried in)."""
        index = self.years.index(fiscal_year)
        return min(self._slack(self._charged())[index:])

    def _charged(self, committed: Mapping[str, Decimal] | None = None) -> dict[str, Decimal]:
        """What each year's envelope has given: its commitments and what was transferred out of it."""
        committed = self._committed if committed is None else committed
        return {year: committed[year] + self._transferred[year] for year in self.years}

    # -- operations ------------------------------------------------------------------------

    def commit(self, application: str, amounts: Mapping[str, Decimal], on: dt.date) -> tuple[Commitment, ...]:
        """Commit ``amounts`` (fiscal year → amount) to ``application`` on ``on``: all of it, or nothing."""
        if not amounts:
            raise GrantRefusal(Message("grants.ledger.nothing_to_commit", application=application))
        if on < self.start:
            raise GrantRefusal(Message("grants.ledger.commit_before_start",
                                       application=application, day=on, start=self.start))
        if on > self.end:
            raise GrantRefusal(Message("grants.ledger.commit_after_end", application=application, day=on, end=self.end))
        wanted = dict.fromkeys(self.years, _ZERO)
        for year, amount in amounts.items():
            _check_decimal(amount, f"{application} {year}")
            if year not in self.envelopes:
                raise GrantRefusal(Message("grants.ledger.unknown_year", application=application, year=year,
                                           first=self.years[0], last=self.years[-1]))
            if fiscal_year_period(year).end < on:
                raise GrantRefusal(Message("grants.ledger.year_ended", application=application, year=year, day=on))
            wanted[year] += amount
        after = {year: self._committed[year] + wanted[year] for year in self.years}
        for index, slack in enumerate(self._slack(self._charged(after))):
            if slack < 0:
                year = self.years[index]
                first = next(y for y in self.years if wanted[y])
                asked = sum((wanted[y] for y in self.years[: index + 1]), _ZERO)
                short = -slack
                raise GrantRefusal(Message("grants.ledger.over_commitment",
                                           application=application, asked=Amount(asked), year=year,
                                           available=Amount(asked - short), first=first))
        made = tuple(Commitment(application, year, wanted[year], on) for year in self.years if wanted[year])
        self._committed = after
        self._by_application[application] += sum((c.amount for c in made), _ZERO)
        self.commitments.extend(made)
        self._events[application][0].extend(made)
        return made

    def pay(self, application: str, amount: Decimal, on: dt.date) -> LedgerPayment:
        """Pay ``amount`` to ``application``: never more than it was granted and not yet paid."""
        _check_decimal(amount, f"{application}")
        granted = self.committed_to(application)
        if not granted:
            raise GrantRefusal(Message("grants.ledger.nothing_committed", application=application))
        first = min(c.date for c in self._events[application][0])
        if on < first:
            raise GrantRefusal(Message("grants.ledger.payment_before_commitment",
                                       application=application, day=on, committed=first))
        if not self.start <= on <= self.end:
            raise GrantRefusal(Message("grants.ledger.payment_outside_period", application=application, day=on,
                                       start=self.start, end=self.end))
        if fiscal_year_of(on) not in self.envelopes:
            raise GrantRefusal(Message("grants.ledger.payment_no_envelope",
                                       application=application, day=on, year=fiscal_year_of(on)))
        remaining = self._payable(application, on)
        if amount > remaining:
            raise GrantRefusal(Message("grants.ledger.over_payment", application=application, amount=Amount(amount),
                                       remaining=Amount(remaining), granted=Amount(granted)))
        payment = LedgerPayment(application, amount, on)
        self.payments.append(payment)
        self._events[application][1].append(payment)
        self._paid[application] += amount
        return payment

    def transfer(self, fiscal_year: str, to: str, amount: Decimal, on: dt.date,
                 reference: str | None = None) -> LedgerTransfer:
        """Move ``amount`` out of ``fiscal_year``'s envelope into the envelope ``to`` on ``on``.

        Refused: a year without an envelope or already ended on ``on``, a date outside the
        program, an envelope with nothing left (« empty »), more than it has left.
        """
        _check_decimal(amount, f"{fiscal_year} → {to}")
        if fiscal_year not in self.envelopes:
            raise GrantRefusal(Message("grants.ledger.transfer_unknown_year", year=fiscal_year,
                                       first=self.years[0], last=self.years[-1]))
        if not self.start <= on <= self.end:
            raise GrantRefusal(Message("grants.ledger.transfer_outside_period", year=fiscal_year, day=on,
                                       start=self.start, end=self.end))
        if fiscal_year_period(fiscal_year).end < on:
            raise GrantRefusal(Message("grants.ledger.transfer_year_ended", year=fiscal_year, day=on))
        available = self.available(fiscal_year)
        if available <= 0:
            raise GrantRefusal(Message("grants.ledger.transfer_empty", year=fiscal_year, day=on, to=to))
        if amount > available:
            raise GrantRefusal(Message("grants.ledger.transfer_beyond", year=fiscal_year, amount=Amount(amount),
                                       available=Amount(available), to=to))
        made = LedgerTransfer(fiscal_year, to, amount, on, reference)
        self._transferred[fiscal_year] += amount
        self.transfers.append(made)
        return made

    def _payable(self, application: str, on: dt.date) -> Decimal:
        """The most that can be paid on ``on``: at that date and every later one, paid ≤ committed."""
        commitments, payments = self._events[application]
        checkpoints = sorted({on, *(c.date for c in commitments if c.date > on), *(p.date for p in payments if p.date > on)})
        return min(
            sum((c.amount for c in commitments if c.date <= day), _ZERO)
            - sum((p.amount for p in payments if p.date <= day), _ZERO)
            for day in checkpoints
        )

    # -- the table -------------------------------------------------------------------------

    def rows(self, as_of: dt.date) -> tuple[LedgerRow, ...]:
        """The fiscal-year table with what was recorded on or before ``as_of``."""
        committed = dict.fromkeys(self.years, _ZERO)
        for c in self.commitments:
            if c.date <= as_of:
                committed[c.fiscal_year] += c.amount
        transferred = dict.fromkeys(self.years, _ZERO)
        for m in self.transfers:
            if m.date <= as_of:
                transferred[m.fiscal_year] += m.amount
        paid = dict.fromkeys(self.years, _ZERO)
        for p in self.payments:
            if p.date <= as_of:
                paid[fiscal_year_of(p.date)] += p.amount
        ended = as_of > self.end
        rows, carried_in = [], _ZERO
        for index, year in enumerate(self.years):
            period = fiscal_year_period(year)
            status = "closed" if period.end < as_of else ("future" if period.start > as_of else "current")
            balance = self.envelopes[year] + carried_in - committed[year] - transferred[year]
            last = index == len(self.years) - 1
            carried_out = balance if not last else _ZERO
            lapsed = balance if last and ended else _ZERO
            rows.append(LedgerRow(year, status, self.envelopes[year], carried_in, committed[year], paid[year],
                                  carried_out, lapsed, transferred[year]))
            carried_in = carried_out
        return tuple(rows)

    def totals(self, as_of: dt.date) -> LedgerTotals:
        rows = self.rows(as_of)
        total = sum((r.envelope for r in rows), _ZERO)
        committed = sum((r.committed for r in rows), _ZERO)
        lapsed = sum((r.lapsed for r in rows), _ZERO)
        paid = sum((r.paid for r in rows), _ZERO)
        transferred = sum((r.transferred for r in rows), _ZERO)
        return LedgerTotals(total, committed, paid, total - committed - transferred - lapsed, lapsed, transferred)
