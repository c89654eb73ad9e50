"""The domain model: small frozen attrs classes, no I/O."""

from .indicators import DEFAULT_SCALE, DIRECTIONS, INDICATOR_KINDS, Indicator, Measurement, Target
from .organisations import ROLES, Organisation, Participation
from .reporting import FREQUENCIES, Reporting
from .plan import SCHEMA_VERSION, THEME_KINDS, Action, ActionPlan, Objective, Section, Task, Theme
from .review import UPDATE_STATES, ReviewPolicy
from .schedules import Period, Schedule
from .territory import LEVELS, Gazetteer, Territory
from .tracking import TrackingLog, with_measurements

__all__ = [
    "DEFAULT_SCALE", "DIRECTIONS", "FREQUENCIES", "INDICATOR_KINDS", "LEVELS", "ROLES", "SCHEMA_VERSION", "THEME_KINDS",
    "UPDATE_STATES", "Action", "ActionPlan", "Gazetteer", "Indicator", "Measurement", "Objective", "Organisation",
    "Participation", "Period", "Reporting", "ReviewPolicy", "Schedule", "Section", "Target", "Task", "Territory", "Theme",
    "TrackingLog", "with_measurements",
]
