"""Reporting periods written as labels: ``2026``, ``2025-2026``, ``2026-T2``, ``2026-S1``, ``2026-03``…

A label names the period a target, a measurement or a report is for. The same labels are
written by :func:`reporting_periods` for a reporting cadence, so a measurement whose
``period`` is ``2026-T3`` is the update for that quarter.

=========================  ==============================================================
label                      period
=========================  ==============================================================
``2026``                   the calendar year, 1 January → 31 December
``2025-2026``              the fiscal year 1 April 2025 → 31 March 2026 when the plan keeps
                           fiscal years, else the two calendar years 2025 and 2026
``2026-T2`` / ``2026-Q2``  a calendar quarter (T2 = April → June)
``2025-2026-T1``           a quarter of a fiscal year (T1 = April → June 2025)
``2026-S1`` / ``2026-H1``  a calendar semester (S1 = January → June)
``2025-2026-S2``           a semester of a fiscal year (S2 = October 2025 → March 2026)
``2026-03``                a month
``2026-01-15..2026-06-30`` explicit dates, both included
=========================  ==============================================================
"""

from __future__ import annotations

import datetime as dt
import re

from ..model.schedules import FISCAL_YEAR_START_MONTH, Period

__all__ = ["FREQUENCIES", "PERIOD_LABEL_FORMS", "period_label", "period_of_label", "reporting_periods"]

#: Reporting frequencies → months per reporting period.
FREQUENCIES = {"yearly": 12, "half_yearly": 6, "quarterly": 3, "monthly": 1}

#: The accepted label forms, as shown in error messages.
PERIOD_LABEL_FORMS = "2026 · 2025-2026 · 2026-T2 · 2025-2026-T1 · 2026-S1 · 2026-03 · 2026-01-15..2026-06-30"

_LABEL = re.compile(
    r"^(?P<year>\d{4})(?:-(?P<second>\d{4}))?"
    r"(?:-(?:(?P<division>[TQSH])(?P<index>\d)|(?P<month>\d{2})))?$",
    re.IGNORECASE,
)


def _month_start(year: int, month: int) -> dt.date:
    """First day of the ``month``-th month counted from January of ``year`` (month may exceed 12)."""
    year += (month - 1) // 12
    return dt.date(year, (month - 1) % 12 + 1, 1)


def _months(year: int, first_month: int, count: int) -> Period:
    start = _month_start(year, first_month)
    end = _month_start(year, first_month + count) - dt.timedelta(days=1)
    return Period(start, end)


def period_of_label(label: str, *, fiscal_years: bool = False) -> Period:
    """The days a period label covers (see the module's table); ``ValueError`` for anything else."""
    text = str(label).strip()
    if ".." in text:
        first, _, last = text.partition("..")
        try:
            return Period(dt.date.fromisoformat(first.strip()), dt.date.fromisoformat(last.strip()))
        except ValueError:
            raise ValueError(f"not a period: {label!r} (expected {PERIOD_LABEL_FORMS})") from None
    match = _LABEL.match(text)
    if match is None:
        raise ValueError(f"not a period: {label!r} (expected {PERIOD_LABEL_FORMS})")
    year = int(match["year"])
    second = match["second"]
    if second is not None and int(second) != year + 1:
        raise ValueError(f"not a period: {label!r} (a span of years is written 2025-2026, the second year "
                         f"following the first)")
    if match["month"] is not None:
        month = int(match["month"])
        if second is not None or not 1 <= month <= 12:
            raise ValueError(f"not a period: {label!r} (a month is written 2026-03)")
        return _months(year, month, 1)
    fiscal = second is not None and fiscal_years
    first_month = FISCAL_YEAR_START_MONTH if fiscal else 1
    if match["division"] is not None:
        division, index = match["division"].upper(), int(match["index"])
        size, count = (3, 4) if division in "TQ" else (6, 2)
        if not 1 <= index <= count:
            raise ValueError(f"not a period: {label!r} (a year has {count} {'quarters' if size == 3 else 'semesters'})")
        if second is not None and not fiscal_years:
            raise ValueError(f"not a period: {label!r} (quarters and semesters of 2025-2026 need a plan that keeps "
                             f"fiscal years; write 2026-T2)")
        return _months(year, first_month + size * (index - 1), size)
    if second is None:
        return _months(year, 1, 12)
    if fiscal:
        return _months(year, FISCAL_YEAR_START_MONTH, 12)
    return _months(year, 1, 24)


def period_label(start: dt.date, months: int, *, fiscal_years: bool = False) -> str:
    """The label of the reporting period of ``months`` months starting on ``start`` (see :func:`reporting_periods`)."""
    fiscal_year = start.year - (1 if start.month < FISCAL_YEAR_START_MONTH else 0)
    if months == 1:
        return f"{start.year}-{start.month:02d}"
    if fiscal_years:
        offset = (start.month - FISCAL_YEAR_START_MONTH) % 12
        year_label = f"{fiscal_year}-{fiscal_year + 1}"
    else:
        offset = start.month - 1
        year_label = f"{start.year}"
    if months == 12:
        return year_label
    letter = "T" if months == 3 else "S"
    return f"{year_label}-{letter}{offset // months + 1}"


def reporting_periods(frequency: str, within: Period, *, fiscal_years: bool = False) -> list[tuple[str, Period]]:
    """The reporting periods of ``frequency`` (see :data:`FREQUENCIES`) that overlap ``within``, with their labels.

    Quarters, semesters and years are calendar ones, or fiscal ones (from 1 April) when the plan
    keeps fiscal years. Periods are whole: the first may start before ``within`` and the last end
    after it.
    """
    months = FREQUENCIES[frequency]
    first_month = FISCAL_YEAR_START_MONTH if fiscal_years and months > 1 else 1
    # the first period of the cadence's grid that contains within.start
    offset = (within.start.month - first_month) % months
    start = _month_start(within.start.year, within.start.month - offset)
    periods = []
    while start <= within.end:
        following = _month_start(start.year, start.month + months)
        periods.append((period_label(start, months, fiscal_years=fiscal_years),
                        Period(start, following - dt.timedelta(days=1))))
        start = following
    return periods
