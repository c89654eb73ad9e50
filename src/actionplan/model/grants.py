"""Grant programs as data: the program, its calls, applications, decisions, agreements, payments.

Pure frozen attrs values, structured from documents by the one converter
(:mod:`actionplan.convert`). A plan may carry a :class:`GrantProgram` (``ActionPlan.program``);
what happens under it — applications, decisions, agreements, payments, reports received —
lives in a separate document, ``type: applications`` (:class:`ApplicationsDocument`), so the
program stays stable while the year's files grow.

Money is :class:`~decimal.Decimal` (CAD), amounts by fiscal year are mappings
``{"2020-2021": 195007}``; a Quebec government fiscal year runs 1 April → 31 March.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import attrs

from ..errors import GrantError
from ..i18n import Message
from .base import (
    check_decimal,
    check_decimal_values,
    check_id,
    check_ids,
    check_optional_id,
    check_text,
    is_reasonable_number,
    to_decimal,
    to_decimal_values,
)
from .committee import ScoringGrid
from .indicators import Measurement
from .organisations import Organisation, Participation
from .schedules import Period, Schedule

#: Roles an organisation may hold on an application: doing part of the work, or a letter of support.
APPLICATION_ROLES = ("executing", "support")
#: What a step of the approval chain does with an application.
STEP_KINDS = ("recommend", "approve")
#: What a body decided.
OUTCOMES = ("favourable", "unfavourable", "deferred")
#: What a criterion is used for: deciding eligibility, or ordering eligible applications.
CRITERION_ROLES = ("eligibility", "ranking")

_FISCAL_YEAR = re.compile(r"^(\d{4})-(\d{4})$")
_CENT = Decimal("0.01")


# -- fiscal years (1 April → 31 March) ------------------------------------------------------


def fiscal_year_of(day: dt.date) -> str:
    """The fiscal year holding ``day``: 2020-03-31 → ``"2019-2020"``, 2020-04-01 → ``"2020-2021"``."""
    start = day.year if day.month >= 4 else day.year - 1
    return f"{start}-{start + 1}"


def fiscal_year_start(label: str) -> int:
    """``"2020-2021"`` → 2020; ``ValueError`` for anything that is not two consecutive years."""
    match = _FISCAL_YEAR.match(label) if isinstance(label, str) else None
    if not match or int(match[2]) != int(match[1]) + 1:
        raise ValueError(f"a fiscal year is written 'YYYY-YYYY' with consecutive years (2020-2021), not {label!r}")
    return int(match[1])


def fiscal_year_period(label: str) -> Period:
    """``"2020-2021"`` → 1 April 2020 → 31 March 2021."""
    start = fiscal_year_start(label)
    return Period(dt.date(start, 4, 1), dt.date(start + 1, 3, 31))


def fiscal_years_between(start: dt.date, end: dt.date) -> tuple[str, ...]:
    """Every fiscal year meeting ``[start, end]``, in order."""
    first = fiscal_year_start(fiscal_year_of(start))
    last = fiscal_year_start(fiscal_year_of(end))
    return tuple(f"{year}-{year + 1}" for year in range(first, last + 1))


# -- validators -----------------------------------------------------------------------------


def _check_amount(instance: Any, attribute: attrs.Attribute, value: Decimal | None) -> None:
    if value is None:
        return
    check_decimal(instance, attribute, value)
    if not value.is_finite() or value < 0:
        raise ValueError(f"{type(instance).__name__}.{attribute.name} must be an amount of 0 $ or more, not {value}")
    if not is_reasonable_number(value):  # before quantize, which cannot round it
        raise ValueError(f"{type(instance).__name__}.{attribute.name} must be an amount below 10**21 $, not {value:.6E}")
    if value != value.quantize(_CENT):
        raise ValueError(f"{type(instance).__name__}.{attribute.name} has fractions of a cent: {value}")


def _check_amounts_by_year(instance: Any, attribute: attrs.Attribute, value: Mapping[str, Decimal]) -> None:
    check_decimal_values(instance, attribute, value)
    for label, amount in value.items():
        try:
            fiscal_year_start(label)
        except ValueError as exc:
            raise ValueError(f"{type(instance).__name__}.{attribute.name}: {exc}") from None
        _check_amount(instance, attribute, amount)


def _check_scores(instance: Any, attribute: attrs.Attribute, value: Mapping[str, Decimal]) -> None:
    check_decimal_values(instance, attribute, value)
    for key, score in value.items():
        if not isinstance(score, Decimal) or not is_reasonable_number(score) or score < 0:
            raise ValueError(f"{type(instance).__name__}.{attribute.name}[{key!r}] must be a score of 0 or more")


def _amounts_field() -> Any:
    """A mapping fiscal year → amount (compared, but left out of hashes as dicts are)."""
    return attrs.field(factory=dict, converter=to_decimal_values, validator=_check_amounts_by_year, eq=True,
                       hash=False)


def _canonical(value: Any) -> Any:
    """Raw parameter data in one form whatever the file format: dates as ISO text, lists as lists.

    YAML reads ``2019-07-01`` as a date and JSON as text; criteria parse both, and a
    program dumped to JSON and read back compares equal to the original.
    """
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime):
        return value.isoformat()
    if isinstance(value, Mapping):
        return {key: _canonical(item) for key, item in value.items()}
    if isinstance(value, list | tuple):
        return [_canonical(item) for item in value]
    return value


def total_of(amounts: Mapping[str, Decimal]) -> Decimal:
    """The sum of amounts by fiscal year (``{"2025-2026": Decimal("1000")}``), ``Decimal(0)`` for none."""
    return sum(amounts.values(), Decimal(0))


# -- the program ----------------------------------------------------------------------------


@attrs.frozen
class CriterionConfig:
    """One criterion of a program: which registered criterion, its role and its parameters.

    ``params`` maps parameter names to a value (``minimum: 5``) or to dated values
    (``minimum: {values: [{from: 2019-07-01, value: 5}, {from: 2021-04-01, value: 4}]}``);
    the registered criterion declares and checks them (see :mod:`actionplan.grants.criteria`).
    ``role`` overrides the criterion's default: ``eligibility`` (pass or the application is
    not eligible) or ``ranking`` (orders eligible applications, in the order listed).
    """

    criterion: str = attrs.field(validator=check_id)
    id: str | None = attrs.field(default=None, validator=check_optional_id)
    role: str | None = attrs.field(default=None, validator=attrs.validators.optional(attrs.validators.in_(CRITERION_ROLES)))
    label: str | None = None
    params: dict[str, Any] = attrs.field(factory=dict, converter=_canonical, eq=True, hash=False)
    note: str | None = None

    @property
    def key(self) -> str:
        """The id other parts of the files use for this criterion (its ``id``, else its name)."""
        return self.id or self.criterion


@attrs.frozen
class ApprovalStep:
    """A body that decides on applications in turn: it recommends, or (last) approves."""

    id: str = attrs.field(validator=check_id)
    title: str = attrs.field(validator=check_text)
    organisation: str | None = attrs.field(default=None, validator=check_optional_id)
    decides: str = attrs.field(default="recommend", validator=attrs.validators.in_(STEP_KINDS))


@attrs.frozen
class ApprovalChain:
    """Who decides, in order, then who signs agreements and who pays (organisation ids)."""

    steps: tuple[ApprovalStep, ...] = ()
    agreements_by: str | None = attrs.field(default=None, validator=check_optional_id)
    payments_by: str | None = attrs.field(default=None, validator=check_optional_id)


@attrs.frozen
class Postponement:
    """A deadline moved: the date it had before (``previous``), when and why it was moved."""

    previous: dt.date
    decided: dt.date | None = None
    reason: str | None = None


@attrs.frozen
class Deadline:
    """A deposit deadline in force (``date``), with the history of its postponements, oldest first."""

    date: dt.date
    label: str | None = None
    postponements: tuple[Postponement, ...] = ()

    @property
    def original(self) -> dt.date:
        """The date first announced."""
        return self.postponements[0].previous if self.postponements else self.date

    def postpone(self, new_date: dt.date, *, decided: dt.date | None = None, reason: str | None = None) -> Deadline:
        """This deadline moved to ``new_date``, the move recorded in its history."""
        if new_date <= self.date:
            raise GrantError(Message("grants.postponement_moves_deadline_later_not", new_date=new_date, date=self.date))
        return attrs.evolve(self, date=new_date,
                            postponements=(*self.postponements, Postponement(self.date, decided, reason)))

    def history(self) -> tuple[dt.date, ...]:
        """Every date this deadline has had, the one in force last."""
        return (*(p.previous for p in self.postponements), self.date)


@attrs.frozen
class CallForProjects:
    """An « appel de projets »: when it opens, its deposit deadlines (each may be postponed).

    ``params`` overrides criteria parameters for the applications to this call: criterion
    id → parameter → a value or dated values (``{municipalities_in_territory: {minimum: 4}}``).
    """

    id: str = attrs.field(validator=check_id)
    title: str = attrs.field(validator=check_text)
    opens: dt.date | None = None
    schedule: Schedule | None = None  # as the plan writes it: « Hiver 2019-2020 »
    deadlines: tuple[Deadline, ...] = ()
    params: dict[str, Any] = attrs.field(factory=dict, converter=_canonical, eq=True, hash=False)
    note: str | None = None

    def deadline_for(self, deposited: dt.date) -> Deadline | None:
        """The first deadline (in force) on or after ``deposited``; ``None`` when it is late for all."""
        return next((d for d in sorted(self.deadlines, key=lambda d: d.date) if deposited <= d.date), None)


@attrs.frozen
class ReportRequirement:
    """A report every funded project owes: « Reddition de comptes — à la fin de chaque projet ».

    ``due`` is a schedule; « À la fin de chaque projet » is resolved with each project's
    end date, a fixed date (« 31 mars 2023 ») stands as is. ``days_after`` adds a delay.
    """

    id: str = attrs.field(validator=check_id)
    title: str = attrs.field(validator=check_text)
    due: Schedule
    days_after: int = attrs.field(default=0, validator=attrs.validators.ge(0))
    approved_by: str | None = attrs.field(default=None, validator=check_optional_id)


@attrs.frozen
class GrantProgram:
    """A grant program run by an administering body over a territory, within a budget by fiscal year.

    ``priorities`` are ids of the plan's themes of kind ``priorite`` (all of them when
    empty). ``criteria`` are evaluated in order; ranking criteria order eligible
    applications in the order listed. ``budget`` maps fiscal years to envelopes; money
    not committed in a fiscal year carries over to the next ones until ``period.end``,
    then lapses (see :mod:`actionplan.grants.ledger`). ``total``, when given, must equal
    the sum of the envelopes. ``scoring`` is the selection committee's grid; with
    ``partial_funding`` an allocation may fund part of a request when the envelope runs short.
    """

    id: str = attrs.field(validator=check_id)
    title: str = attrs.field(validator=check_text)
    period: Period
    funder: str | None = attrs.field(default=None, validator=check_optional_id)
    fund: str | None = attrs.field(default=None, validator=check_optional_id)
    administered_by: str | None = attrs.field(default=None, validator=check_optional_id)
    territories: tuple[str, ...] = attrs.field(default=(), validator=check_ids)
    priorities: tuple[str, ...] = attrs.field(default=(), validator=check_ids)
    criteria: tuple[CriterionConfig, ...] = ()
    chain: ApprovalChain = attrs.field(factory=ApprovalChain)
    budget: dict[str, Decimal] = _amounts_field()
    total: Decimal | None = attrs.field(default=None, converter=to_decimal, validator=_check_amount)
    calls: tuple[CallForProjects, ...] = ()
    reports: tuple[ReportRequirement, ...] = ()
    currency: str = "CAD"
    note: str | None = None
    scoring: ScoringGrid | None = None  # the selection committee's grid (actionplan.model.committee)
    partial_funding: bool = False  # may an allocation fund part of a request (grants allocate)

    @property
    def budget_total(self) -> Decimal:
        return total_of(self.budget)

    def call(self, call_id: str) -> CallForProjects | None:
        return next((c for c in self.calls if c.id == call_id), None)

    def step(self, step_id: str) -> ApprovalStep | None:
        return next((s for s in self.chain.steps if s.id == step_id), None)


# -- what happens under a program ----------------------------------------------------------


@attrs.frozen
class Contribution:
    """What a funded project contributes to: indicators of a plan, on territories.

    ``plan`` is the id of the plan whose indicators the project moves (the table's plan, which
    need not be the one carrying the program); ``indicators`` are ids of that plan's indicators;
    ``territories`` (MRC or municipality ids) are where the project reports them, within the
    application's own territories (default: all of the application's). The measurements of the
    project's reports (:class:`ReportReceipt`) count toward these indicators once fed into the
    plan (``actionplan grants feed``) and, where the plan requires it, reviewed.
    """

    plan: str = attrs.field(validator=check_id)
    indicators: tuple[str, ...] = attrs.field(default=(), validator=check_ids)
    territories: tuple[str, ...] = attrs.field(default=(), validator=check_ids)
    note: str | None = None


@attrs.frozen
class Application:
    """A project submitted by a lead organisation (« porteur »), with its partners.

    Partners hold a role: ``executing`` (takes part in carrying the project out) or
    ``support`` (a letter of support, which criteria do not count as involvement).
    ``territories`` may name MRC (reaching all their municipalities) or municipalities.
    ``requested`` maps fiscal years to amounts. ``scores`` are the selection committee's
    marks on a weighted grid, by grid item id. ``start``/``end`` bound the project; its
    end dates the reports due « à la fin de chaque projet ».
    """

    id: str = attrs.field(validator=check_id)
    title: str = attrs.field(validator=check_text)
    lead: str = attrs.field(validator=check_id)
    call: str | None = attrs.field(default=None, validator=check_optional_id)
    partners: tuple[Participation, ...] = ()
    territories: tuple[str, ...] = attrs.field(default=(), validator=check_ids)
    priorities: tuple[str, ...] = attrs.field(default=(), validator=check_ids)
    requested: dict[str, Decimal] = _amounts_field()
    deposited: dt.date | None = None
    start: dt.date | None = None
    end: dt.date | None = None
    scores: dict[str, Decimal] = attrs.field(factory=dict, converter=to_decimal_values, validator=_check_scores,
                                             eq=True, hash=False)
    description: str | None = None
    note: str | None = None
    contributes: Contribution | None = None  # the plan indicators the project contributes to, and where

    @property
    def total_requested(self) -> Decimal:
        return total_of(self.requested)


@attrs.frozen
class Decision:
    """A body's decision on an application: a step of the chain, its date, outcome and resolution.

    ``body`` is the id of a step of the program's approval chain. ``amount`` (total) and/or
    ``amounts`` (by fiscal year) say what is recommended or granted; a favourable decision of
    the last step commits it (by default, the amounts requested).
    """

    application: str = attrs.field(validator=check_id)
    body: str = attrs.field(validator=check_id)
    date: dt.date
    outcome: str = attrs.field(validator=attrs.validators.in_(OUTCOMES))
    resolution: str | None = None  # resolution number, « 20-03-112 »
    amount: Decimal | None = attrs.field(default=None, converter=to_decimal, validator=_check_amount)
    amounts: dict[str, Decimal] = _amounts_field()
    note: str | None = None


@attrs.frozen
class Agreement:
    """The agreement (« entente ») signed for an approved application.

    ``contributes``, when given, replaces the application's: what the agreement finally names.
    """

    application: str = attrs.field(validator=check_id)
    signed: dt.date
    reference: str | None = None
    note: str | None = None
    contributes: Contribution | None = None  # the agreement's own plan indicators, replacing the application's


@attrs.frozen
class Payment:
    """A payment (« versement ») made under an agreement."""

    application: str = attrs.field(validator=check_id)
    date: dt.date
    amount: Decimal = attrs.field(converter=to_decimal, validator=_check_amount)
    reference: str | None = None
    note: str | None = None


@attrs.frozen
class ReportReceipt:
    """A required report received for an application (``report`` is a requirement id).

    ``measurements`` are what the project reports (progress or final report), each naming an
    ``indicator`` of the plan the application contributes to, as in tracking logs.
    """

    application: str = attrs.field(validator=check_id)
    report: str = attrs.field(validator=check_id)
    received: dt.date
    note: str | None = None
    measurements: tuple[Measurement, ...] = ()  # what the project reports, counted toward the plan's indicators


def _check_fiscal_year(instance: Any, attribute: attrs.Attribute, value: str) -> None:
    try:
        fiscal_year_start(value)
    except ValueError as exc:
        raise ValueError(f"{type(instance).__name__}.{attribute.name}: {exc}") from None


@attrs.frozen
class Transfer:
    """Money moved out of a fiscal year's envelope into another envelope on a date (« sommes résiduelles »).

    ``fiscal_year`` is the envelope of this program it leaves; ``to`` names the envelope it goes
    to (a regional pool, another program), as the resolution writes it.
    """

    date: dt.date
    fiscal_year: str = attrs.field(validator=_check_fiscal_year)
    to: str = attrs.field(validator=check_text)
    amount: Decimal = attrs.field(converter=to_decimal, validator=_check_amount)
    resolution: str | None = None
    note: str | None = None


@attrs.frozen
class ApplicationsDocument:
    """Applications to a program and what became of them (``type: applications``).

    ``program`` is the id of the plan carrying the program. ``organisations`` are the
    applicants and partners (they are not the plan's). ``illustrative`` marks made-up data.
    """

    program: str = attrs.field(validator=check_id)
    schema_version: int = 1
    illustrative: bool = False
    note: str | None = None
    organisations: tuple[Organisation, ...] = ()
    applications: tuple[Application, ...] = ()
    decisions: tuple[Decision, ...] = ()
    agreements: tuple[Agreement, ...] = ()
    payments: tuple[Payment, ...] = ()
    reports: tuple[ReportReceipt, ...] = ()
    transfers: tuple[Transfer, ...] = ()

    def application(self, application_id: str) -> Application | None:
        return next((a for a in self.applications if a.id == application_id), None)
