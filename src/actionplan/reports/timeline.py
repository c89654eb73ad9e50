"""A Gantt timeline of a plan's actions, computed from their parsed schedules.

Each action's schedule (« 2026 », « Hiver 2026 », « 2 fois par année et en continu pour
ajouts ») is read in the plan's :class:`~actionplan.schedules.ScheduleContext`; every part
becomes segments on the plan's period: spans (a year, a season, « En continu »),
occurrences of recurrences (each slot of « 2 fois par année »), and one-day markers
(a date, a milestone's due date), and a dot for each measurement recorded by the report date. Positions are percentages of the period so the HTML
can draw bars without scripts; every segment also carries its dates in words.
"""

from __future__ import annotations

import datetime as dt

import attrs
from dateutil.relativedelta import relativedelta

from ..progress import ActionProgress, ThemeProgress
from ..schedules import Period
from .view import PlanView

#: Up to this many months the timeline has a column per month, beyond it one per quarter.
MONTHLY_UP_TO = 24
_MIN_WIDTH = 0.8  # percent: a one-day segment stays visible


@attrs.frozen
class Column:
    label: str
    start: dt.date
    end: dt.date
    width: float  # percent of the window
    first_of_year: bool


@attrs.frozen
class Segment:
    kind: str  # "span", "occurrence", "backdrop" (ongoing beside occurrences), "marker" (a date, a milestone), "measure"
    start: dt.date
    end: dt.date
    left: float  # percent of the window
    width: float
    text: str  # the dates in words, for screen readers and tooltips


@attrs.frozen
class TimelineRow:
    theme: ThemeProgress
    action: ActionProgress
    segments: tuple[Segment, ...]
    before: bool  # the schedule starts before the window
    after: bool  # the schedule goes on after the window

    @property
    def dated(self) -> bool:
        """Whether the schedule (or a milestone) puts the action on the timeline; measurements do not."""
        return any(segment.kind != "measure" for segment in self.segments)


@attrs.frozen
class Timeline:
    window: Period
    scale: str  # "month" or "quarter"
    columns: tuple[Column, ...]
    rows: tuple[TimelineRow, ...]
    today: float | None  # percent position of the report date, None outside the window


def build_timeline(view: PlanView, scale: str = "auto") -> Timeline:
    """The timeline of every action of ``view``'s plan over the plan's period."""
    frame = timeline_frame(view, scale)
    rows = tuple(row for theme in view.progress.themes for row in theme_rows(view, frame, theme))
    return attrs.evolve(frame, rows=rows)


def timeline_frame(view: PlanView, scale: str = "auto") -> Timeline:
    """The timeline's window, scale, columns and report date, without its rows (:func:`theme_rows` makes them)."""
    window = view.plan.period
    if scale == "auto":
        months = (window.end.year - window.start.year) * 12 + window.end.month - window.start.month + 1
        scale = "month" if months <= MONTHLY_UP_TO else "quarter"
    as_of = view.progress.as_of
    today = _offset(window, as_of, 0.5) if window.contains(as_of) else None
    return Timeline(window, scale, tuple(_columns(view, window, scale)), (), today)


def theme_rows(view: PlanView, timeline: Timeline, theme: ThemeProgress) -> tuple[TimelineRow, ...]:
    """The timeline rows of one theme's actions: a page can draw a large plan's timeline theme by theme,
    never holding every row at once."""
    return tuple(_row(view, timeline.window, theme, action) for objective in theme.objectives
                 for action in objective.actions)


def _row(view: PlanView, window: Period, theme: ThemeProgress, action: ActionProgress) -> TimelineRow:
    ctx, loc = view.schedule_ctx, view.loc
    schedule = action.action.schedule
    segments: list[Segment] = []
    before = after = False
    if schedule is not None:
        repeats = any(part.kind in ("recurrence", "relative") for part in schedule.parts)
        for part in schedule.parts:
            kind = "occurrence" if part.kind in ("recurrence", "relative") else "span"
            if repeats and part.kind == "continuous":
                kind = "backdrop"  # « 2 fois par année et en continu pour ajouts »: the occurrences stand out
            for period in part.occurrences(window.start, window.end, ctx):
                if period.start == period.end:
                    segments.append(_segment(window, "marker", period, loc("timeline.milestone", date=loc.date(period.start))))
                else:
                    key = "timeline.span" if kind == "span" else "timeline.occurrence" if kind == "occurrence" \
                        else "timeline.continuous"
                    text = loc(key, start=loc.date(period.start), end=loc.date(period.end))
                    segments.append(_segment(window, kind, period, text))
        bounds = schedule.bounds(ctx)
        if bounds is not None:
            before, after = bounds.start < window.start, bounds.end > window.end
    for indicator in action.action.indicators:
        if indicator.due is not None and window.contains(indicator.due):
            text = loc("timeline.milestone", date=loc.date(indicator.due))
            segments.append(_segment(window, "marker", Period.day(indicator.due), text))
    as_of = view.progress.as_of
    measured = sorted({m.date for i in action.action.indicators for m in i.measurements
                       if m.date <= as_of and window.contains(m.date)})
    for day in measured:
        segments.append(_segment(window, "measure", Period.day(day), loc("timeline.measure", date=loc.date(day))))
    order = {"backdrop": 0, "span": 0, "occurrence": 1, "marker": 2, "measure": 3}  # small things drawn last, on top
    segments.sort(key=lambda s: (order[s.kind], s.start))
    return TimelineRow(theme, action, tuple(dict.fromkeys(segments)), before, after)


def _segment(window: Period, kind: str, period: Period, text: str) -> Segment:
    left = _offset(window, period.start)
    width = max(_offset(window, period.end, 1.0) - left, _MIN_WIDTH)
    return Segment(kind, period.start, period.end, round(left, 3), round(min(width, 100 - left), 3), text)


def _offset(window: Period, day: dt.date, extra: float = 0.0) -> float:
    """Position of ``day`` (plus ``extra`` of a day) as a percentage of the window."""
    return ((day - window.start).days + extra) * 100.0 / window.days


def _columns(view: PlanView, window: Period, scale: str):
    step = 1 if scale == "month" else 3
    first = dt.date(window.start.year, window.start.month, 1)
    if scale == "quarter":
        first = dt.date(first.year, 3 * ((first.month - 1) // 3) + 1, 1)
    start, index = first, 0
    while start <= window.end:
        following = start + relativedelta(months=step)
        period = Period(max(start, window.start), min(following - dt.timedelta(days=1), window.end))
        if scale == "month":
            label = view.loc.month(start)
        else:
            label = view.loc.quarter(start, with_year=False)  # the years are a header row above
        width = round(period.days * 100.0 / window.days, 3)
        yield Column(label, period.start, period.end, width, start.month == 1 or index == 0)
        start, index = following, index + 1
