"""Deprecated: the schedule values now live in :mod:`actionplan.model.schedules`."""

from ..deprecation import moved_module

__getattr__ = moved_module(__name__, "actionplan.model.schedules")
