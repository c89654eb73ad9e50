"""Schedules (« échéanciers »): free French or English text read into structured, dated values.

    >>> from actionplan.schedules import parse_schedule, ScheduleContext
    >>> import datetime as dt
    >>> schedule = parse_schedule("Hiver 2026")
    >>> schedule.bounds(ScheduleContext(dt.date(2026, 1, 1), dt.date(2026, 12, 31)))
    Period(start=datetime.date(2025, 12, 21), end=datetime.date(2026, 3, 20))

See ``docs/schedules.md`` for every accepted form and the season convention.
"""

from __future__ import annotations

from ..model.schedules import (
    ASTRONOMICAL_SEASONS,
    FISCAL_YEAR_START_MONTH,
    METEOROLOGICAL_SEASONS,
    PART_TYPES,
    PORTIONS,
    SEASONS,
    UNSCHEDULED_REASONS,
    Continuous,
    Deadline,
    FiscalYear,
    FreeText,
    InMonth,
    InQuarter,
    InSeason,
    InSemester,
    InYear,
    OnDate,
    Part,
    Period,
    Portion,
    Range,
    Recurrence,
    Relative,
    Schedule,
    ScheduleContext,
    Start,
    Unscheduled,
    YearSpan,
)
from .parser import ACCEPTED_FORMS, parse_schedule

__all__ = [
    "ACCEPTED_FORMS", "ASTRONOMICAL_SEASONS", "FISCAL_YEAR_START_MONTH", "METEOROLOGICAL_SEASONS", "PART_TYPES",
    "PORTIONS", "SEASONS", "UNSCHEDULED_REASONS",
    "Continuous", "Deadline", "FiscalYear", "FreeText", "InMonth", "InQuarter", "InSeason", "InSemester", "InYear",
    "OnDate", "Part", "Period", "Portion", "Range", "Recurrence", "Relative", "Schedule", "ScheduleContext", "Start",
    "Unscheduled", "YearSpan", "parse_schedule",
]
