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

from .criteria import _refusal
from ..model.grants import GrantProgram, fiscal_year_of, fiscal_year_period, fiscal_year_start
from .money import format_amount

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

    @property
    def balance(self) -> Decimal:
        return self.envelope + self.carried_in - self.committed


@attrs.frozen
class LedgerTotals:
    """The whole program as of a date: ``committed + available + lapsed == total``."""

    total: Decimal
    committed: Decimal
    paid: Decimal
    available: Decimal
    lapsed: Decimal


def _money(amount: Decimal, lang: str) -> str:
    return format_amount(amount, lang, cents=amount != amount.to_integral_value())


def _check_decimal(amount: object, what: str) -> Decimal:
    if not isinstance(amount, Decimal):
        raise _refusal(f"{what} : un montant doit être un Decimal, pas {type(amount).__name__} ({amount!r})",
                     f"{what}: an amount must be a Decimal, not {type(amount).__name__} ({amount!r})")
    if not amount.is_finite() or amount <= 0:
        raise _refusal(f"{what} : un montant doit être positif, pas {amount}", f"{what}: an amount must be positive, not {amount}")
    if amount != amount.quantize(_CENT):
        raise _refusal(f"{what} : {amount} a des fractions de cent", f"{what}: {amount} has fractions of a cent")
    return amount


class Ledger:
    """Envelopes by fiscal year and what was committed and paid against them."""

    def __init__(self, budget: Mapping[str, Decimal], start: dt.date, end: dt.date):
        if not budget:
            raise _refusal("le programme n'a aucune enveloppe budgétaire", "the program has no budget envelope")
        years = sorted(budget, key=fiscal_year_start)
        for previous, following in itertools.pairwise(years):
            if fiscal_year_start(following) != fiscal_year_start(previous) + 1:
                raise _refusal(f"les exercices du budget doivent se suivre : {previous} puis {following}",
                             f"the budget's fiscal years must follow each other: {previous} then {following}")
        for year in years:
            amount = budget[year]
            if not isinstance(amount, Decimal) or amount < 0:
                raise _refusal(f"enveloppe {year} : {amount!r} n'est pas un montant Decimal positif ou nul",
                             f"envelope {year}: {amount!r} is not a Decimal amount of 0 or more")
        self.years: tuple[str, ...] = tuple(years)
        self.envelopes: dict[str, Decimal] = {year: budget[year] for year in years}
        self.start = start
        self.end = end
        self.commitments: list[Commitment] = []
        self.payments: list[LedgerPayment] = []
        self._committed = dict.fromkeys(years, _ZERO)
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
        return min(self._slack(self._committed)[index:])

    # -- operations ------------------------------------------------------------------------

    def commit(self, application: str, amounts: Mapping[str, Decimal], on: dt.date) -> tuple[Commitment, ...]:
        """Commit ``amounts`` (fiscal year → amount) to ``application`` on ``on``: all of it, or nothing."""
        if not amounts:
            raise _refusal(f"{application} : aucun montant à engager", f"{application}: no amount to commit")
        if on < self.start:
            raise _refusal(f"{application} : engagement le {on}, avant le début du programme ({self.start})",
                         f"{application}: commitment on {on}, before the program starts ({self.start})")
        if on > self.end:
            raise _refusal(f"{application} : engagement le {on}, après la fin du programme ({self.end}); "
                         "les sommes non engagées sont périmées",
                         f"{application}: commitment on {on}, after the program's end ({self.end}); "
                         "uncommitted money has lapsed")
        wanted = dict.fromkeys(self.years, _ZERO)
        for year, amount in amounts.items():
            _check_decimal(amount, f"{application} {year}")
            if year not in self.envelopes:
                raise _refusal(f"{application} : {year} n'est pas un exercice du programme ({self.years[0]} à {self.years[-1]})",
                             f"{application}: {year} is not a fiscal year of the program ({self.years[0]} to {self.years[-1]})")
            if fiscal_year_period(year).end < on:
                raise _refusal(f"{application} : l'exercice {year} est terminé le {on}; ses sommes non engagées ont été reportées",
                             f"{application}: fiscal year {year} has ended by {on}; its uncommitted money was carried over")
            wanted[year] += amount
        after = {year: self._committed[year] + wanted[year] for year in self.years}
        for index, slack in enumerate(self._slack(after)):
            if slack < 0:
                year = self.years[index]
                first = next(y for y in self.years if wanted[y])
                asked = sum((wanted[y] for y in self.years[: index + 1]), _ZERO)
                short = -slack
                raise _refusal(
                    f"{application} : engagement refusé; {_money(asked, 'fr')} demandés jusqu'à l'exercice {year}, "
                    f"mais seulement {_money(asked - short, 'fr')} disponibles (reports compris) à partir de {first}",
                    f"{application}: commitment refused; {_money(asked, 'en')} asked up to fiscal year {year}, "
                    f"but only {_money(asked - short, 'en')} available (carry-over included) from {first}",
                )
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
            raise _refusal(f"{application} : aucun montant engagé; un versement suit un engagement",
                         f"{application}: nothing committed; a payment follows a commitment")
        first = min(c.date for c in self._events[application][0])
        if on < first:
            raise _refusal(f"{application} : versement le {on}, avant l'engagement du {first}",
                         f"{application}: payment on {on}, before the commitment of {first}")
        if not self.start <= on <= self.end:
            raise _refusal(f"{application} : versement le {on}, hors de la période du programme ({self.start} au {self.end})",
                         f"{application}: payment on {on}, outside the program's period ({self.start} to {self.end})")
        if fiscal_year_of(on) not in self.envelopes:
            raise _refusal(f"{application} : versement le {on}, dans l'exercice {fiscal_year_of(on)} qui n'a pas d'enveloppe",
                         f"{application}: payment on {on}, in fiscal year {fiscal_year_of(on)} which has no envelope")
        remaining = self._payable(application, on)
        if amount > remaining:
            raise _refusal(f"{application} : versement de {_money(amount, 'fr')} refusé; il reste {_money(remaining, 'fr')} "
                         f"à verser sur {_money(granted, 'fr')} engagés",
                         f"{application}: payment of {_money(amount, 'en')} refused; {_money(remaining, 'en')} remain "
                         f"to be paid of {_money(granted, 'en')} committed")
        payment = LedgerPayment(application, amount, on)
        self.payments.append(payment)
        self._events[application][1].append(payment)
        self._paid[application] += amount
        return payment

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
        paid = dict.fromkeys(self.years, _ZERO)
        for p in self.payments:
            if p.date <= as_of:
                paid[fiscal_year_of(p.date)] += p.amount
        ended = as_of > self.end
        rows, carried_in = [], _ZERO
        for index, year in enumerate(self.years):
            period = fiscal_year_period(year)
            status = "closed" if period.end < as_of else ("future" if period.start > as_of else "current")
            balance = self.envelopes[year] + carried_in - committed[year]
            last = index == len(self.years) - 1
            carried_out = balance if not last else _ZERO
            lapsed = balance if last and ended else _ZERO
            rows.append(LedgerRow(year, status, self.envelopes[year], carried_in, committed[year], paid[year],
                                  carried_out, lapsed))
            carried_in = carried_out
        return tuple(rows)

    def totals(self, as_of: dt.date) -> LedgerTotals:
        rows = self.rows(as_of)
        total = sum((r.envelope for r in rows), _ZERO)
        committed = sum((r.committed for r in rows), _ZERO)
        lapsed = sum((r.lapsed for r in rows), _ZERO)
        paid = sum((r.paid for r in rows), _ZERO)
        return LedgerTotals(total, committed, paid, total - committed - lapsed, lapsed)
