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
    return attach_tracking(actionplan.load(path), tracking)


def attach_tracking(plan, tracking=()):
    """``plan`` with the measurements of tracking files, each checked against it first."""
    from ..checks import check_tracking
    from ..model import TrackingLog, with_measurements

    for tracking_path in tracking:
        log = actionplan.load(tracking_path, TrackingLog)
        issues = [i for i in check_tracking(log, plan) if i.severity == "error"]
        if issues:
            raise ValidationError(issues, str(tracking_path))
        plan = with_measurements(plan, log.measurements)
    return plan


def resolve_plan(state, ref: str, tracking=()):
    """The plan a command names: a document file when ``ref`` is a path that exists, else a plan id
    in the store (``--store``, else ``sqlite:actionplan.db``) with its recorded measurements attached.
    """
    from ..errors import ActionplanError, NotFoundError
    from ..model.base import is_valid_id
    from ..storage import DEFAULT_URL, open_store, redact_url

    if os.path.exists(ref) or not is_valid_id(ref):
        return load_plan_with_tracking(ref, tracking)
    url = getattr(state, "store_url", None) or DEFAULT_URL
    try:
        with open_store(url) as store:
            plan = store.plan_with_measurements(ref)
    except NotFoundError:
        template = {"fr": "{ref} : aucun fichier de ce nom, ni de plan {ref!r} dans le dépôt {url}",
                    "en": "{ref}: no such file, and no plan {ref!r} in the store {url}"}
        lang = getattr(state, "lang", "fr")
        raise ActionplanError(template.get(lang, template["fr"]).format(ref=ref, url=redact_url(url))) from None
    return attach_tracking(plan, tracking)
