"""Structured schedules (« échéanciers »): periods, the context that resolves them, and parts.

A schedule written in a plan is a small sentence ("Hiver 2026", "En continu",
"2 fois par année et en continu pour ajouts"). The parser turns it into a
:class:`Schedule` made of one or more *parts*; each part knows how to say which
days it covers, given a :class:`ScheduleContext` (the plan's period, whether
spans of years are fiscal years, the dates of named events, the season
convention). Everything here is a frozen value without I/O, so schedules can be
hashed, compared, cached and shared between plans.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable, Iterator, Mapping
from typing import Any, ClassVar, TypeAlias

import attrs
from dateutil.relativedelta import relativedelta
from dateutil.rrule import MONTHLY, YEARLY, rrule

SEASONS = ("spring", "summer", "autumn", "winter")
#: The month a fiscal year starts (Quebec government: 1 April → 31 March), for spans, fiscal years and quarters.
FISCAL_YEAR_START_MONTH = 4

_ONE_DAY = dt.timedelta(days=1)


# -- small helpers ------------------------------------------------------------------


class _FrozenMap(Mapping[Any, Any]):
    """A read-only, hashable mapping, so that frozen attrs values holding one stay hashable."""

    __slots__ = ("_data",)

    def __init__(self, data: Mapping[Any, Any] | Iterable[tuple[Any, Any]] = ()):
        self._data = dict(data)

    def __getitem__(self, key: Any) -> Any:
        return self._data[key]

    def __iter__(self) -> Iterator[Any]:
        return iter(self._data)

    def __len__(self) -> int:
        return len(self._data)

    def __hash__(self) -> int:
        return hash(frozenset(self._data.items()))

    def __repr__(self) -> str:
        return repr(self._data)


def _plain_date(value: Any) -> dt.date:
    """Dates only: a ``datetime`` would make comparisons with plain dates raise ``TypeError``."""
    if isinstance(value, dt.datetime):
        return value.date()
    return value


def _is_date(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    if not isinstance(value, dt.date) or isinstance(value, dt.datetime):
        raise TypeError(f"{type(instance).__name__}.{attribute.name} must be a date, not {value!r}")


def _is_year(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    """Years leave one year of margin each side, since winters and fiscal years cross into the next."""
    if not isinstance(value, int) or isinstance(value, bool) or not dt.MINYEAR < value < dt.MAXYEAR:
        raise ValueError(
            f"{type(instance).__name__}.{attribute.name} must be a year between "
            f"{dt.MINYEAR + 1} and {dt.MAXYEAR - 1}, not {value!r}"
        )


def _is_season(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    if value not in SEASONS:
        raise ValueError(f"{type(instance).__name__}.{attribute.name} must be one of {SEASONS}, not {value!r}")


def _is_month(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 12:
        raise ValueError(f"{type(instance).__name__}.{attribute.name} must be a month 1–12, not {value!r}")


_optional_str = attrs.validators.optional(attrs.validators.instance_of(str))
_optional_year = attrs.validators.optional(_is_year)
_optional_season = attrs.validators.optional(_is_season)
_optional_month = attrs.validators.optional(_is_month)


def _month_day(year: int, month: int, day: int) -> dt.date:
    """A day of a season convention; 29 February becomes the 28th in common years."""
    return dt.date(year, month, min(day, calendar.monthrange(year, month)[1]))


def _months(year: int, first: int, count: int) -> Period:
    """``count`` whole months from month ``first`` of ``year`` (``first`` may pass 12: next year)."""
    start = dt.date(year, 1, 1) + relativedelta(months=first - 1)
    return Period(start, start + relativedelta(months=count) - _ONE_DAY)


def _month_period(year: int, month: int) -> Period:
    return Period(dt.date(year, month, 1), dt.date(year, month, calendar.monthrange(year, month)[1]))


# -- periods --------------------------------------------------------------------------


@attrs.frozen(order=True)
class Period:
    """An inclusive range of days, ``start`` to ``end``; a single date is a one-day period.

    Inclusive bounds match how people write deadlines ("31 mars 2026" is due *on* that day).
    """

    start: dt.date = attrs.field(converter=_plain_date, validator=_is_date)
    end: dt.date = attrs.field(converter=_plain_date, validator=_is_date)

    @end.validator
    def _check_order(self, attribute: attrs.Attribute, value: dt.date) -> None:
        if value < self.start:
            raise ValueError(f"Period.end ({value}) is before Period.start ({self.start})")

    @classmethod
    def day(cls, day: dt.date) -> Period:
        """The one-day period of a date."""
        return cls(day, day)

    @property
    def days(self) -> int:
        """Number of days covered, both ends included."""
        return (self.end - self.start).days + 1

    def contains(self, day: dt.date) -> bool:
        return self.start <= _plain_date(day) <= self.end

    def overlaps(self, other: Period) -> bool:
        return self.start <= other.end and other.start <= self.end

    def intersection(self, other: Period) -> Period | None:
        """The days both periods cover, or ``None`` when they do not meet."""
        if not self.overlaps(other):
            return None
        return Period(max(self.start, other.start), min(self.end, other.end))

    def __str__(self) -> str:
        return str(self.start) if self.start == self.end else f"{self.start}..{self.end}"


def _clip_all(periods: Iterable[Period | None], window: Period) -> list[Period]:
    """Keep what falls inside ``window`` (cut to it), sorted: what "due between" returns."""
    clipped = {period.intersection(window) for period in periods if period is not None}
    return sorted(period for period in clipped if period is not None)


def _envelope(periods: Iterable[Period | None]) -> Period | None:
    """First day to last day of several periods, ``None`` when none is known."""
    known = [period for period in periods if period is not None]
    if not known:
        return None
    return Period(min(p.start for p in known), max(p.end for p in known))


# -- the context ------------------------------------------------------------------------

#: Astronomical seasons (the default convention): each season → ((start month, day), (end month, day)).
#: Winter crosses the new year; "Hiver 2026" is the winter that *ends* in 2026.
ASTRONOMICAL_SEASONS: Mapping[str, tuple[tuple[int, int], tuple[int, int]]] = _FrozenMap({
    "spring": ((3, 21), (6, 20)),
    "summer": ((6, 21), (9, 22)),
    "autumn": ((9, 23), (12, 20)),
    "winter": ((12, 21), (3, 20)),
})

#: Meteorological seasons (whole months), an alternative convention to pass as ``ScheduleContext.seasons``.
#: 29 February is read as the last day of February in common years.
METEOROLOGICAL_SEASONS: Mapping[str, tuple[tuple[int, int], tuple[int, int]]] = _FrozenMap({
    "spring": ((3, 1), (5, 31)),
    "summer": ((6, 1), (8, 31)),
    "autumn": ((9, 1), (11, 30)),
    "winter": ((12, 1), (2, 29)),
})


def _freeze_events(value: Mapping[str, Any]) -> Mapping[str, tuple[dt.date, ...]]:
    """Event dates sorted and deduplicated, a lone date accepted as a one-date tuple."""
    frozen = {}
    for name, dates in dict(value).items():
        if isinstance(dates, dt.date):
            dates = (dates,)
        frozen[name] = tuple(sorted({_plain_date(day) for day in dates}))
    return _FrozenMap(frozen)


def _check_events(instance: Any, attribute: attrs.Attribute, value: Mapping[str, tuple[dt.date, ...]]) -> None:
    for name, dates in value.items():
        if not isinstance(name, str):
            raise TypeError(f"ScheduleContext.events keys must be event names (str), not {name!r}")
        for day in dates:
            _is_date(instance, attribute, day)


def _freeze_seasons(value: Mapping[str, Any]) -> Mapping[str, tuple[tuple[int, int], tuple[int, int]]]:
    return _FrozenMap({name: (tuple(bounds[0]), tuple(bounds[1])) for name, bounds in dict(value).items()})


def _check_seasons(instance: Any, attribute: attrs.Attribute, value: Mapping[str, Any]) -> None:
    """A convention names the four seasons, each by real days of the year (checked in a leap year)."""
    if set(value) != set(SEASONS):
        raise ValueError(f"ScheduleContext.seasons must define exactly {SEASONS}, not {tuple(value)}")
    for name, ((start_month, start_day), (end_month, end_day)) in value.items():
        for month, day in ((start_month, start_day), (end_month, end_day)):
            try:
                dt.date(2000, month, day)
            except (TypeError, ValueError):
                raise ValueError(f"ScheduleContext.seasons[{name!r}] has no day {month}/{day}") from None


@attrs.frozen
class ScheduleContext:
    """What a schedule needs to become dates: the plan's (or program's) period and its conventions.

    ``fiscal_years``: a span "2025-2026" is the fiscal year 1 April 2025 → 31 March 2026
    (Quebec government programs) instead of the calendar years 2025 and 2026.
    ``events``: dates of named events for relative schedules ("project_end" for
    « À la fin de chaque projet »). ``seasons``: the season convention, astronomical by
    default; pass :data:`METEOROLOGICAL_SEASONS` or your own mapping to change it.
    """

    start: dt.date = attrs.field(converter=_plain_date, validator=_is_date)
    end: dt.date = attrs.field(converter=_plain_date, validator=_is_date)
    fiscal_years: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))
    events: Mapping[str, tuple[dt.date, ...]] = attrs.field(
        factory=dict, converter=_freeze_events, validator=_check_events
    )
    seasons: Mapping[str, tuple[tuple[int, int], tuple[int, int]]] = attrs.field(
        default=ASTRONOMICAL_SEASONS, converter=_freeze_seasons, validator=_check_seasons
    )

    @end.validator
    def _check_order(self, attribute: attrs.Attribute, value: dt.date) -> None:
        if value < self.start:
            raise ValueError(f"ScheduleContext.end ({value}) is before ScheduleContext.start ({self.start})")

    @property
    def period(self) -> Period:
        return Period(self.start, self.end)

    def season_wraps(self, season: str) -> bool:
        """Whether a season crosses the new year (winter, in both provided conventions)."""
        (start_month, start_day), (end_month, end_day) = self.seasons[season]
        return (start_month, start_day) > (end_month, end_day)

    def season_period(self, season: str, year: int) -> Period:
        """The season *ending* in ``year``: "Hiver 2026" is 21 Dec 2025 → 20 Mar 2026 (astronomical)."""
        (start_month, start_day), (end_month, end_day) = self.seasons[season]
        start_year = year - 1 if self.season_wraps(season) else year
        return Period(_month_day(start_year, start_month, start_day), _month_day(year, end_month, end_day))


# -- parts ------------------------------------------------------------------------------


class _Part:
    """Behaviour shared by parts that cover one fixed block of time (a date, a month, a year…).

    Subclasses override :meth:`bounds`; parts that repeat or depend on events also
    override :meth:`occurrences`.
    """

    __slots__ = ()
    kind: ClassVar[str]

    def bounds(self, ctx: ScheduleContext) -> Period | None:
        raise NotImplementedError

    def occurrences(self, start: dt.date, end: dt.date, ctx: ScheduleContext) -> list[Period]:
        """The part's block cut to ``[start, end]``: a deadline in the window is due in it."""
        return _clip_all([self.bounds(ctx)], Period(start, end))


@attrs.frozen
class OnDate(_Part):
    """A single day: « 31 mars 2026 », "March 31, 2026", "2026-03-31".

    « d'ici le 31 mars 2023 » is a :class:`Deadline` on that day.
    """

    kind: ClassVar[str] = "date"
    date: dt.date = attrs.field(converter=_plain_date, validator=_is_date)

    def bounds(self, ctx: ScheduleContext) -> Period:
        return Period.day(self.date)


@attrs.frozen
class InMonth(_Part):
    """A whole month: « Juillet 2019 », "2026-03" (« mi-mars 2026 » is a :class:`Portion` of it)."""

    kind: ClassVar[str] = "month"
    year: int = attrs.field(validator=_is_year)
    month: int = attrs.field(validator=_is_month)

    def bounds(self, ctx: ScheduleContext) -> Period:
        return _month_period(self.year, self.month)


@attrs.frozen
class InSeason(_Part):
    """A season of a year: « Hiver 2026 », « Hiver 2019-2020 ».

    ``year`` is the year written; ``end_year`` is the second year of the two-year
    form (always ``year + 1``). The season meant is the one *ending* in
    ``end_year or year``, resolved with the context's convention.
    """

    kind: ClassVar[str] = "season"
    season: str = attrs.field(validator=_is_season)
    year: int = attrs.field(validator=_is_year)
    end_year: int | None = attrs.field(default=None, validator=_optional_year)

    @end_year.validator
    def _check_consecutive(self, attribute: attrs.Attribute, value: int | None) -> None:
        if value is not None and value != self.year + 1:
            raise ValueError(f"InSeason.end_year must be the year after {self.year}, not {value}")

    def bounds(self, ctx: ScheduleContext) -> Period:
        return ctx.season_period(self.season, self.end_year or self.year)


@attrs.frozen
class InYear(_Part):
    """A calendar year: « 2026 »; ``continuing`` for « Poursuite en 2026 » (work carried on from before)."""

    kind: ClassVar[str] = "year"
    year: int = attrs.field(validator=_is_year)
    continuing: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))

    def bounds(self, ctx: ScheduleContext) -> Period:
        return Period(dt.date(self.year, 1, 1), dt.date(self.year, 12, 31))


@attrs.frozen
class YearSpan(_Part):
    """Years written « 2025-2026 »: fiscal years when the context keeps them, else calendar years.

    Fiscal: 1 April ``start_year`` → 31 March ``end_year``; calendar: 1 January
    ``start_year`` → 31 December ``end_year``. The same text means different days in
    a municipal plan and in a government program, hence the context decides.
    """

    kind: ClassVar[str] = "year_span"
    start_year: int = attrs.field(validator=_is_year)
    end_year: int = attrs.field(validator=_is_year)

    @end_year.validator
    def _check_increasing(self, attribute: attrs.Attribute, value: int) -> None:
        if value <= self.start_year:
            raise ValueError(f"YearSpan.end_year ({value}) must come after start_year ({self.start_year})")

    def bounds(self, ctx: ScheduleContext) -> Period:
        if ctx.fiscal_years:
            return _months(self.start_year, FISCAL_YEAR_START_MONTH, 12 * (self.end_year - self.start_year))
        return Period(dt.date(self.start_year, 1, 1), dt.date(self.end_year, 12, 31))


@attrs.frozen
class FiscalYear(_Part):
    """An explicit Quebec fiscal year (« exercice 2020-2021 », "FY 2020-2021"): 1 April → 31 March.

    Unlike :class:`YearSpan` it ignores ``ctx.fiscal_years``: the words say it is fiscal.
    The X-marks matrix of grant plans has one column per fiscal year.
    """

    kind: ClassVar[str] = "fiscal_year"
    start_year: int = attrs.field(validator=_is_year)

    @property
    def end_year(self) -> int:
        return self.start_year + 1

    def bounds(self, ctx: ScheduleContext) -> Period:
        return _months(self.start_year, FISCAL_YEAR_START_MONTH, 12)


@attrs.frozen
class Continuous(_Part):
    """Ongoing over the whole period of the plan (« En continu »); ``note`` keeps « pour ajouts »…"""

    kind: ClassVar[str] = "continuous"
    note: str | None = attrs.field(default=None, validator=_optional_str)

    def bounds(self, ctx: ScheduleContext) -> Period:
        return ctx.period


@attrs.frozen
class Recurrence(_Part):
    """Something repeated within the plan's period.

    * ``times_per_year``: « 2 fois par année », « Une rencontre », "twice a year".
      Each year of the context (counted from ``ctx.start``) is cut into that many
      equal slots; each slot is one occurrence, due any day within it. When the
      count divides 12 the slots are whole months (``rrule(MONTHLY, interval=12 // n)``
      from the first of ``ctx.start``'s month: twice a year is January–June and
      July–December in a calendar plan); otherwise they are runs of days.
    * ``season``: « Annuellement Automne », « chaque automne »: each such season
      meeting the plan's period.
    * ``month``: « chaque mois de juin »: each such month meeting the plan's period.

    A season or month wins over ``times_per_year`` when both are given. Occurrences
    never leave the plan's period (they are cut to it).
    """

    kind: ClassVar[str] = "recurrence"
    times_per_year: int | None = attrs.field(default=None)
    season: str | None = attrs.field(default=None, validator=_optional_season)
    month: int | None = attrs.field(default=None, validator=_optional_month)
    note: str | None = attrs.field(default=None, validator=_optional_str)

    @times_per_year.validator
    def _check_times(self, attribute: attrs.Attribute, value: int | None) -> None:
        if value is not None and (not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 366):
            raise ValueError(f"Recurrence.times_per_year must be between 1 and 366, not {value!r}")

    def __attrs_post_init__(self) -> None:
        if self.times_per_year is None and self.season is None and self.month is None:
            raise ValueError("Recurrence needs times_per_year, a season or a month")
        if self.season is not None and self.month is not None:
            raise ValueError("Recurrence takes a season or a month, not both")

    def _instances(self, ctx: ScheduleContext) -> list[Period]:
        if self.season is not None:
            instances = _season_instances(self.season, ctx)
        elif self.month is not None:
            instances = _month_instances(self.month, ctx)
        elif self.times_per_year is not None:
            instances = _slots(self.times_per_year, ctx)
        else:  # refused at construction
            instances = []
        return _clip_all(instances, ctx.period)

    def bounds(self, ctx: ScheduleContext) -> Period | None:
        return _envelope(self._instances(ctx))

    def occurrences(self, start: dt.date, end: dt.date, ctx: ScheduleContext) -> list[Period]:
        return _clip_all(self._instances(ctx), Period(start, end))


def _season_instances(season: str, ctx: ScheduleContext) -> list[Period]:
    """Every instance of a season meeting the context.

    A loop over years rather than an rrule on the season's first day: conventions may
    use 29 February, which a yearly rrule would only produce in leap years.
    """
    instances = (ctx.season_period(season, year) for year in range(ctx.start.year, ctx.end.year + 2))
    return [period for period in instances if period.overlaps(ctx.period)]


def _month_instances(month: int, ctx: ScheduleContext) -> list[Period]:
    """Every such month meeting the context, from an rrule on the 1st (a day every month has)."""
    first = dt.datetime(ctx.start.year, ctx.start.month, 1)
    starts = rrule(YEARLY, dtstart=first, until=dt.datetime.combine(ctx.end, dt.time()), bymonth=month, bymonthday=1)
    return [_month_period(day.year, day.month) for day in starts]


def _slots(times_per_year: int, ctx: ScheduleContext) -> list[Period]:
    """Cut each year of the context into ``times_per_year`` equal slots (see :class:`Recurrence`)."""
    if 12 % times_per_year == 0:
        return _month_slots(12 // times_per_year, ctx)
    return _day_slots(times_per_year, ctx)


def _month_slots(months: int, ctx: ScheduleContext) -> list[Period]:
    first = dt.datetime(ctx.start.year, ctx.start.month, 1)
    starts = rrule(MONTHLY, interval=months, dtstart=first, until=dt.datetime.combine(ctx.end, dt.time()))
    return [Period(day.date(), day.date() + relativedelta(months=months) - _ONE_DAY) for day in starts]


def _day_slots(count: int, ctx: ScheduleContext) -> list[Period]:
    slots = []
    year = 0
    while (year_start := ctx.start + relativedelta(years=year)) <= ctx.end:
        length = (ctx.start + relativedelta(years=year + 1) - year_start).days
        cuts = [year_start + dt.timedelta(days=index * length // count) for index in range(count + 1)]
        slots += [Period(begin, after - _ONE_DAY) for begin, after in zip(cuts, cuts[1:]) if after > begin]
        year += 1
    return slots


@attrs.frozen
class Relative(_Part):
    """Due at dates of a named event (« À la fin de chaque projet » → ``"project_end"``).

    The dates come from ``ctx.events[event]``; without them nothing can be dated and
    :meth:`bounds` is ``None``, which is honest rather than guessing.
    """

    kind: ClassVar[str] = "relative"
    event: str = attrs.field(validator=attrs.validators.min_len(1))
    note: str | None = attrs.field(default=None, validator=_optional_str)

    def _dates(self, ctx: ScheduleContext) -> tuple[dt.date, ...]:
        return ctx.events.get(self.event, ())

    def bounds(self, ctx: ScheduleContext) -> Period | None:
        dates = self._dates(ctx)
        return Period(dates[0], dates[-1]) if dates else None

    def occurrences(self, start: dt.date, end: dt.date, ctx: ScheduleContext) -> list[Period]:
        return _clip_all((Period.day(day) for day in self._dates(ctx)), Period(start, end))


@attrs.frozen
class FreeText(_Part):
    """Wording the parser did not understand, kept when the caller allows it (it warns instead)."""

    kind: ClassVar[str] = "free_text"
    text: str = attrs.field(validator=attrs.validators.instance_of(str))

    def bounds(self, ctx: ScheduleContext) -> None:
        return None

    def occurrences(self, start: dt.date, end: dt.date, ctx: ScheduleContext) -> list[Period]:
        Period(start, end)  # the window is still checked, as for every other part
        return []


# -- quarters, semesters, parts of a period, ranges, deadlines, starts, unscheduled -------------


def _is_index(highest: int):
    def check(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
        if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= highest:
            raise ValueError(f"{type(instance).__name__}.{attribute.name} must be 1 to {highest}, not {value!r}")
    return check


class _YearDivision(_Part):
    """A quarter or semester of a calendar year, or of a fiscal year (which starts in April)."""

    __slots__ = ()
    months: ClassVar[int]
    year: int
    index: int
    fiscal: bool

    @property
    def end_year(self) -> int | None:
        """The second year of the fiscal year named « 2026-2027 », ``None`` for a calendar year."""
        return self.year + 1 if self.fiscal else None

    def bounds(self, ctx: ScheduleContext) -> Period:
        first = (FISCAL_YEAR_START_MONTH if self.fiscal else 1) + (self.index - 1) * self.months
        return _months(self.year, first, self.months)


@attrs.frozen
class InQuarter(_YearDivision):
    """A quarter: « T2 2026 », "Q3 2026" (calendar: T2 is April–June); « T1 2026-2027 »,
    « 1er trimestre 2026-2027 », "Q1 FY2026-27" (fiscal, named by its two years: T1 is April–June 2026).

    A quarter of one year is a calendar quarter and a quarter of a year named by two years a
    fiscal one, whatever the context, as for :class:`InYear` and :class:`FiscalYear`.
    """

    kind: ClassVar[str] = "quarter"
    months: ClassVar[int] = 3
    year: int = attrs.field(validator=_is_year)
    index: int = attrs.field(validator=_is_index(4))
    fiscal: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))


@attrs.frozen
class InSemester(_YearDivision):
    """A half year: « S1 2026 », « 2e semestre 2026 », 'H2 2026' (calendar: S2 is July–December);
    « S2 2026-2027 » (fiscal: October 2026–March 2027)."""

    kind: ClassVar[str] = "semester"
    months: ClassVar[int] = 6
    year: int = attrs.field(validator=_is_year)
    index: int = attrs.field(validator=_is_index(2))
    fiscal: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))


#: The parts of a period people name: « début », « mi- », « fin »; "early", "mid", "late".
PORTIONS = ("early", "mid", "late")


def _is_portion(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
    if value not in PORTIONS:
        raise ValueError(f"{type(instance).__name__}.{attribute.name} must be one of {PORTIONS}, not {value!r}")


def _is_block(*types: type):
    def check(instance: Any, attribute: attrs.Attribute, value: Any) -> None:
        if not isinstance(value, types):
            names = ", ".join(t.__name__ for t in types)
            raise TypeError(f"{type(instance).__name__}.{attribute.name} must be one of {names}, not {value!r}")
    return check


#: A year's early, mid and late parts, as (first month, number of months).
_YEAR_PORTIONS = {"early": (1, 3), "mid": (5, 4), "late": (10, 3)}
#: A month's: its three « décades » (days 1–10, 11–20, 21 to the end), as (first day, last day or None).
_MONTH_PORTIONS = {"early": (1, 10), "mid": (11, 20), "late": (21, None)}


@attrs.frozen
class Portion(_Part):
    """Part of a month, season or year: « début 2026 », « mi-mars 2026 », « fin de l'hiver 2026 », 'late 2026'.

    * a year: ``early`` is its first quarter (January–March), ``mid`` its four middle months
      (May–August), ``late`` its last quarter (October–December);
    * a month: its three « décades », days 1–10, 11–20 and 21 to the end;
    * a season: the first, middle or last third of its days.
    """

    kind: ClassVar[str] = "portion"
    which: str = attrs.field(validator=_is_portion)
    of: InMonth | InSeason | InYear = attrs.field(validator=_is_block(InMonth, InSeason, InYear))

    def bounds(self, ctx: ScheduleContext) -> Period:
        if isinstance(self.of, InYear):
            first, count = _YEAR_PORTIONS[self.which]
            return _months(self.of.year, first, count)
        whole = self.of.bounds(ctx)
        if isinstance(self.of, InMonth):
            first_day, last_day = _MONTH_PORTIONS[self.which]
            return Period(whole.start.replace(day=first_day), whole.end if last_day is None
                          else whole.start.replace(day=last_day))
        index = PORTIONS.index(self.which)
        cuts = [whole.start + dt.timedelta(days=i * whole.days // 3) for i in range(4)]
        return Period(cuts[index], cuts[index + 1] - _ONE_DAY)


#: What a range, a deadline or a start may be made of: a fixed block of time.
_BLOCKS = (OnDate, InMonth, InSeason, InYear, InQuarter, InSemester, Portion)
#: A deadline may also be a span of years or a fiscal year (« d'ici 2025-2026 »).
_DEADLINE_BLOCKS = (*_BLOCKS, YearSpan, FiscalYear)
#: The context a range is checked in when built (it must go forward with the default season convention).
_CHECK_CTX = ScheduleContext(dt.date(2000, 1, 1), dt.date(2000, 12, 31))


@attrs.frozen
class Range(_Part):
    """From one block of time to another, both included: « janvier à mars 2026 »,
    « printemps-été 2026 », « du 1er au 15 mars 2026 », 'from January to March 2026'.

    The range runs from the first day of ``first`` to the last day of ``last``; ``last``
    must end after ``first`` (checked with the default season convention).
    """

    kind: ClassVar[str] = "range"
    first: OnDate | InMonth | InSeason | InYear | InQuarter | InSemester | Portion = attrs.field(
        validator=_is_block(*_BLOCKS))
    last: OnDate | InMonth | InSeason | InYear | InQuarter | InSemester | Portion = attrs.field(
        validator=_is_block(*_BLOCKS))

    @last.validator
    def _check_forward(self, attribute: attrs.Attribute, value: Any) -> None:
        first, last = self.first.bounds(_CHECK_CTX), value.bounds(_CHECK_CTX)
        if not (first.start < last.start and first.end < last.end):
            raise ValueError(f"Range.last ({last}) must end after Range.first ({first}) begins and ends")

    def bounds(self, ctx: ScheduleContext) -> Period:
        first, last = self.first.bounds(ctx), self.last.bounds(ctx)
        return Period(min(first.start, last.start), max(first.end, last.end))


@attrs.frozen
class Deadline(_Part):
    """Due at the latest on a day, with no start of its own: a deadline is not a window.

    « d'ici juin 2026 », « au plus tard le 15 mai 2026 », 'By fall 2026': the last day of
    ``by`` (30 June 2026, 15 May 2026, 20 December 2026). « avant le 15 mai 2026 »,
    'before June 2026' (``before=True``): the day before ``by`` begins (14 May, 31 May).

    Its occurrence is that one day; its bounds run from the context's start to it, the time
    the work has (the day alone when the context starts later).
    """

    kind: ClassVar[str] = "deadline"
    by: OnDate | InMonth | InSeason | InYear | InQuarter | InSemester | Portion | YearSpan | FiscalYear = attrs.field(
        validator=_is_block(*_DEADLINE_BLOCKS))
    before: bool = attrs.field(default=False, validator=attrs.validators.instance_of(bool))

    def date(self, ctx: ScheduleContext) -> dt.date:
        """The last day it may be done."""
        period = self.by.bounds(ctx)
        return period.start - _ONE_DAY if self.before else period.end

    def bounds(self, ctx: ScheduleContext) -> Period:
        day = self.date(ctx)
        return Period(min(ctx.start, day), day)

    def occurrences(self, start: dt.date, end: dt.date, ctx: ScheduleContext) -> list[Period]:
        return _clip_all([Period.day(self.date(ctx))], Period(start, end))


@attrs.frozen
class Start(_Part):
    """Begins on a day and goes on, with no end of its own: a start is not a window.

    « Dès janvier 2026 », « à partir du 15 mai 2026 », 'starting spring 2026': from the first
    day of ``on`` (1 January 2026…) to the end of the context's period.
    """

    kind: ClassVar[str] = "start"
    on: OnDate | InMonth | InSeason | InYear | InQuarter | InSemester | Portion = attrs.field(
        validator=_is_block(*_BLOCKS))

    def date(self, ctx: ScheduleContext) -> dt.date:
        """The first day."""
        return self.on.bounds(ctx).start

    def bounds(self, ctx: ScheduleContext) -> Period:
        day = self.date(ctx)
        return Period(day, max(day, ctx.end))


#: Why a schedule names no time: « au besoin » (as needed) or « à déterminer » (to be determined).
UNSCHEDULED_REASONS = ("as_needed", "to_be_determined")


@attrs.frozen
class Unscheduled(_Part):
    """Explicitly not scheduled: « Au besoin », « À déterminer », 'As needed', 'TBD'.

    It covers no day: never late, never due in a window, no calendar event. ``note``
    keeps what follows (« Au besoin, selon les demandes »).
    """

    kind: ClassVar[str] = "unscheduled"
    reason: str = attrs.field(validator=attrs.validators.in_(UNSCHEDULED_REASONS))
    note: str | None = attrs.field(default=None, validator=_optional_str)

    def bounds(self, ctx: ScheduleContext) -> None:
        return None

    def occurrences(self, start: dt.date, end: dt.date, ctx: ScheduleContext) -> list[Period]:
        Period(start, end)  # the window is still checked, as for every other part
        return []


#: Any schedule part (for annotations); ``PART_TYPES`` is the same for ``isinstance``.
Part: TypeAlias = (
    OnDate | InMonth | InSeason | InYear | InQuarter | InSemester | Portion | Range | Deadline | Start | YearSpan
    | FiscalYear | Continuous | Recurrence | Relative | Unscheduled | FreeText
)
PART_TYPES: tuple[type, ...] = (
    OnDate, InMonth, InSeason, InYear, InQuarter, InSemester, Portion, Range, Deadline, Start, YearSpan,
    FiscalYear, Continuous, Recurrence, Relative, Unscheduled, FreeText,
)


# -- the schedule ---------------------------------------------------------------------------


def _as_parts(value: Iterable[Part]) -> tuple[Part, ...]:
    return tuple(value)


def _check_parts(instance: Any, attribute: attrs.Attribute, value: tuple[Any, ...]) -> None:
    if not value:
        raise ValueError("Schedule.parts needs at least one part")
    for part in value:
        if not isinstance(part, PART_TYPES):
            raise TypeError(f"Schedule.parts holds schedule parts, not {part!r}")


@attrs.frozen
class Schedule:
    """A schedule as written (``text``, kept verbatim for display) and as understood (``parts``).

    Combinations such as « En continu 2026 » have several parts; the schedule covers
    what any of its parts covers.
    """

    text: str = attrs.field(validator=attrs.validators.instance_of(str))
    parts: tuple[Part, ...] = attrs.field(converter=_as_parts, validator=_check_parts)

    @property
    def kinds(self) -> tuple[str, ...]:
        """The kinds of the parts, sorted and without repeats: a set usable for filtering and display."""
        return tuple(sorted({part.kind for part in self.parts}))

    @property
    def unscheduled(self) -> bool:
        """Whether it says it has no time (« Au besoin », « À déterminer »): never late, never due."""
        return all(part.kind == "unscheduled" for part in self.parts)

    def bounds(self, ctx: ScheduleContext) -> Period | None:
        """First to last day covered by any part; ``None`` when no part can be dated."""
        return _envelope(part.bounds(ctx) for part in self.parts)

    def occurrences(self, start: dt.date, end: dt.date, ctx: ScheduleContext) -> list[Period]:
        """Every period (or one-day period) due in ``[start, end]``, cut to it, sorted, without duplicates."""
        window = Period(start, end)
        found = [period for part in self.parts for period in part.occurrences(window.start, window.end, ctx)]
        return sorted(set(found))

    def is_due_between(self, start: dt.date, end: dt.date, ctx: ScheduleContext) -> bool:
        return bool(self.occurrences(start, end, ctx))

    def __str__(self) -> str:
        return self.text
