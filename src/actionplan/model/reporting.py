"""How a plan is reported on: cadence, who reports, when an indicator is stale, the on-track band.

A plan's ``reporting`` gives the defaults; an indicator's own ``reporting`` overrides any of
them for that indicator (a field left out keeps the plan's). See ``docs/progress.md``.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs

from ..errors import FieldValueError
from ..i18n import Message
from .base import check_optional_decimal, check_optional_id, to_decimal

#: Reporting frequencies: how often an update is due (quarters, semesters and years are fiscal
#: ones when the plan keeps fiscal years).
FREQUENCIES = ("yearly", "half_yearly", "quarterly", "monthly")

#: Days after the end of a reporting period by which its update is due, when a plan says nothing.
DEFAULT_DUE_DAYS = 30

#: The on-track band when a plan says nothing: on track while at least ``expected − 0.15`` is done.
DEFAULT_TOLERANCE = Decimal("0.15")


def _check_days(instance: Any, attribute: attrs.Attribute, value: object) -> None:
    if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= 3660):
        raise FieldValueError(type(instance).__name__, attribute.name, Message("expect.days"), value)


def _check_tolerance(instance: Any, attribute: attrs.Attribute, value: object) -> None:
    check_optional_decimal(instance, attribute, value)
    if value is not None and not Decimal(0) <= value <= Decimal(1):  # type: ignore[operator]
        raise FieldValueError(type(instance).__name__, attribute.name, Message("expect.share"), value)


@attrs.frozen
class Reporting:
    """Reporting settings of a plan (or, overriding them, of one indicator)."""

    frequency: str | None = attrs.field(default=None, validator=attrs.validators.optional(
        attrs.validators.in_(FREQUENCIES)))  # how often updates are due; none: no cadence
    due_days: int | None = attrs.field(default=None, validator=_check_days)  # days after a period's end its update is due (30)
    stale_after: int | None = attrs.field(default=None, validator=_check_days)  # days without an update before an indicator is stale
    tolerance: Decimal | None = attrs.field(default=None, converter=to_decimal, validator=_check_tolerance)  # the on-track band, a share (0.15)
    reporter: str | None = attrs.field(default=None, validator=check_optional_id)  # the organisation that reports, instead of the responsible one

    def over(self, base: Reporting | None) -> Reporting:
        """These settings, with the fields left out taken from ``base`` (the plan's)."""
        if base is None:
            return self
        return Reporting(**{field.name: getattr(self, field.name) if getattr(self, field.name) is not None
                            else getattr(base, field.name) for field in attrs.fields(Reporting)})
