"""Implementation indicators, their targets and their measurements.

One :class:`Indicator` class serves every kind written in the plans; ``kind`` says
which fields matter (see :data:`INDICATOR_KINDS`). Plan-level checks
(:mod:`actionplan.checks`) report a kind whose required fields are missing,
with the document path, rather than failing deep inside a constructor.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs

from .reporting import Reporting
from .base import (
    check_decimal,
    check_id,
    check_ids,
    check_optional_decimal,
    check_optional_id,
    check_text,
    to_decimal,
)

#: kind → (what it is, fields it needs)
INDICATOR_KINDS: dict[str, tuple[str, tuple[str, ...]]] = {
    "count": ("a count with a target: « 4 rencontres »", ("target",)),
    "tracked": ("a count tracked with no target: « Nombre de participants »", ()),
    "rate": ("a rate from numerator/denominator: « Taux de participation »", ()),
    "milestone": ("a dated milestone: AGA on « 31 mars 2026 »", ("due",)),
    "deliverable": ("a deliverable, done or not: « Fiche synthèse réalisée »", ()),
    "coverage": ("territories covered: « couvrir ultimement les 5 MRC »", ("target_territories",)),
    "minimum": ("a minimum to reach: « au moins 1 projet »", ("target",)),
    "qualitative": ("judged on a scale (the default one unless given): « Pertinence pour les partenaires »", ()),
}

DIRECTIONS = ("increase", "decrease")

#: How the values of an indicator with per-period targets are counted against the judged period's target:
#: ``per_period``, only the measurements of that period; ``cumulative``, everything up to its end.
PERIOD_VALUES = ("per_period", "cumulative")

#: The scale used by qualitative indicators when a plan gives none of its own.
DEFAULT_SCALE = ("insuffisant", "partiel", "satisfaisant", "excellent")


@attrs.frozen
class Target:
    """A target value for one period and/or one territory (``None`` means the whole)."""

    value: Decimal = attrs.field(converter=to_decimal, validator=check_decimal)
    period: str | None = None  # "2026", "2025-2026", "2026-T1"…: free label matched to measurements
    territory: str | None = attrs.field(default=None, validator=check_optional_id)


@attrs.frozen
class Measurement:
    """One recorded value of an indicator.

    Which value field is used depends on the indicator's kind: ``value`` for counts,
    ``numerator``/``denominator`` for rates, ``level`` for qualitative indicators,
    ``done`` for deliverables and milestones, ``territories`` for coverage.
    ``territory`` and ``dimensions`` disaggregate a value (per MRC, per age group…).
    ``indicator`` is set in tracking files and stores, where the measurement stands alone.
    ``id`` names an update for its review (a store gives one to every submitted update);
    ``submitted`` says the measurement waits for a reviewer before it counts
    (see :mod:`actionplan.model.review`).
    """

    date: dt.date
    value: Decimal | None = attrs.field(default=None, converter=to_decimal, validator=check_optional_decimal)
    numerator: Decimal | None = attrs.field(default=None, converter=to_decimal, validator=check_optional_decimal)
    denominator: Decimal | None = attrs.field(default=None, converter=to_decimal, validator=check_optional_decimal)
    level: str | None = None
    done: bool | None = None
    territories: tuple[str, ...] = attrs.field(default=(), validator=check_ids)
    territory: str | None = attrs.field(default=None, validator=check_optional_id)
    dimensions: dict[str, str] = attrs.field(factory=dict, eq=True, hash=False)
    period: str | None = None
    note: str | None = None
    evidence: str | None = None
    recorded_by: str | None = None
    indicator: str | None = attrs.field(default=None, validator=check_optional_id)
    id: str | None = attrs.field(default=None, validator=check_optional_id)
    submitted: bool = False


@attrs.frozen
class Indicator:
    """An implementation indicator of an action."""

    id: str = attrs.field(validator=check_id)
    label: str = attrs.field(validator=check_text)
    kind: str = attrs.field(default="qualitative", validator=attrs.validators.in_(tuple(INDICATOR_KINDS)))
    unit: str | None = None  # "rencontres", "infolettres", "%"…
    target: Decimal | None = attrs.field(default=None, converter=to_decimal, validator=check_optional_decimal)
    targets: tuple[Target, ...] = ()  # per period / per territory
    baseline: Decimal | None = attrs.field(default=None, converter=to_decimal, validator=check_optional_decimal)
    due: dt.date | None = None  # milestones
    target_territories: tuple[str, ...] = attrs.field(default=(), validator=check_ids)  # coverage
    scale: tuple[str, ...] = ()  # qualitative: ordered levels, lowest first
    target_level: str | None = None  # qualitative: the level that counts as achieved
    cumulative: bool = True  # counts add up over measurements; False: the latest value stands
    direction: str = attrs.field(default="increase", validator=attrs.validators.in_(DIRECTIONS))
    per: str | None = None  # "year", "territory", "community of practice": how the target repeats
    note: str | None = None
    measurements: tuple[Measurement, ...] = ()
    period_values: str = attrs.field(default="per_period", validator=attrs.validators.in_(PERIOD_VALUES))  # per-period targets: per_period or cumulative values
    reporting: Reporting | None = None  # this indicator's own cadence, reporter, stale delay or on-track band
