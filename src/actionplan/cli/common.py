"""Helpers shared by commands: resolving the plan a command talks about, parsing options."""

from __future__ import annotations

import datetime as dt
import os

import click

import actionplan

from ..errors import ValidationError


def parse_date_option(ctx, param, value):
    """click callback: an ISO date option."""
    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date YYYY-MM-DD, found {value!r}") from None


def load_plan_with_tracking(path: str | os.PathLike, tracking=()):
    """Load a plan file and attach the measurements of tracking files (checked against the plan)."""
    from ..checks import check_tracking
    from ..model import TrackingLog, with_measurements

    plan = actionplan.load(path)
    for tracking_path in tracking:
        log = actionplan.load(tracking_path, TrackingLog)
        issues = [i for i in check_tracking(log, plan) if i.severity == "error"]
        if issues:
            raise ValidationError(issues, str(tracking_path))
        plan = with_measurements(plan, log.measurements)
    return plan


def resolve_plan(state, ref: str, tracking=()):
    """The plan a command names: a document file when ``ref`` is a path that exists.

    (Store ids are resolved here too once a store is configured: see ``actionplan.storage``.)
    """
    return load_plan_with_tracking(ref, tracking)
