"""Helpers shared by commands: resolving the plan a command talks about, parsing options."""

from __future__ import annotations

import datetime as dt
import os

import click

import actionplan

from ..errors import ValidationError
from ..i18n import N_, Message


def lang_option(function):
    """A command's own ``--lang``, which wins over the global one."""
    return click.option("--lang", "lang", type=click.Choice(["fr", "en"]), default=None,
                        help=N_("cli.grants.check.option.lang"))(function)


def parse_date_option(ctx, param, value):
    """click callback: an ISO date option."""
    from ..model.base import MAX_YEAR, MIN_YEAR

    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(f"expected a date YYYY-MM-DD, found {value!r}") from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:  # schedules look a year beyond the dates they are given
        raise click.BadParameter(f"expected a date in the years {MIN_YEAR} to {MAX_YEAR}, found {value!r}")
    return day


def load_plan_with_tracking(path: str | os.PathLike, tracking=()):
    """Load a plan file and attach the measurements of tracking files (checked against the plan)."""
    from ..model import ActionPlan

    return attach_tracking(load_document_of(path, ActionPlan), tracking)


def load_document_of(path: str | os.PathLike, cls: type):
    """The document in ``path``, which must be of type ``cls``: ``show tracking.yaml`` says what it got.

    Loading with ``cls`` forced would read a tracking log as a plan with a dozen unknown keys.
    """
    from ..documents import type_name
    from ..errors import ActionplanError

    document = actionplan.load(path)
    if not isinstance(document, cls):
        expected, found = type_name(cls), type_name(type(document))
        raise ActionplanError(Message("cli.common.expected_document_found_document", path=path, expected=expected,
                                      found=found))
    return document


def attach_tracking(plan, tracking=()):
    """``plan`` with the measurements of tracking files, each checked against it first."""
    from ..checks import check_tracking
    from ..model import TrackingLog, with_measurements

    for tracking_path in tracking:
        log = load_document_of(tracking_path, TrackingLog)
        issues = [i for i in check_tracking(log, plan) if i.severity == "error"]
        if issues:
            raise ValidationError(issues, str(tracking_path))
        plan = with_measurements(plan, log.measurements)
    return plan


def resolve_plan(state, ref: str, tracking=(), *, for_progress: bool = False, as_of=None):
    """The plan a command names: a document file when ``ref`` is a path that exists, else a plan id
    in the store (``--store``, else ``sqlite:actionplan.db``) with its recorded measurements attached.

    ``for_progress``: from a store, the plan carries only what progress reads of its measurements
    (``Store.progress_facts``: the same progress, statuses and reports, however long the history),
    those dated after ``as_of`` (when given) left out.
    """
    from ..errors import ActionplanError, NotFoundError
    from ..model.base import is_valid_id
    from ..storage import DEFAULT_URL, open_store, redact_url

    if os.path.exists(ref) or not is_valid_id(ref):
        return load_plan_with_tracking(ref, tracking)
    url = getattr(state, "store_url", None) or DEFAULT_URL
    try:
        with open_store(url) as store:
            plan = store.progress_facts(ref, as_of=as_of).plan if for_progress else store.plan_with_measurements(ref)
    except NotFoundError:
        shown = redact_url(url)
        raise ActionplanError(Message("cli.common.no_such_file_no_plan", ref=ref, shown=shown)) from None
    return attach_tracking(plan, tracking)


def pending_updates(state, ref: str) -> list:
    """The updates waiting for review of the stored plan ``ref`` (none for a plan file): reports show them apart."""
    from ..model.base import is_valid_id
    from ..storage import DEFAULT_URL, open_store

    if os.path.exists(ref) or not is_valid_id(ref):
        return []
    with open_store(getattr(state, "store_url", None) or DEFAULT_URL) as store:
        return store.updates(ref, status="submitted")


def refuse_overwriting_inputs(output, inputs=(), state=None) -> None:
    """Refuse to write ``output`` over a file the command reads or relies on.

    ``inputs`` are the files the command read (a plan, tracking logs, a source document);
    the store's database (``--store``, else the default one) is always one: ``report plan.yaml
    -o plan.yaml`` or ``-o actionplan.db`` would otherwise replace a person's work with a report.
    """
    from ..errors import ActionplanError

    if output is None or str(output) == "-":
        return
    protected = [(str(path), "input") for path in inputs if path is not None]
    protected += [(str(path), "store") for path in _store_files(state)]
    for path, role in protected:
        if _same_file(output, path) or (role == "store" and os.path.isdir(path) and _inside(output, path)):
            what = {"input": Message("cli.common.an_input"), "store": Message("cli.common.the_store")}[role]
            raise ActionplanError(Message("cli.common.would_destroy", output=output, what=what, path=path))


def _store_files(state) -> list[str]:
    """The files of the store the command line names: a SQLite file (and its journals) or a folder."""
    from ..errors import StoreError
    from ..storage import DEFAULT_URL, url_path

    url = getattr(state, "store_url", None) or DEFAULT_URL
    try:
        sqlite, folder = url_path(url, "sqlite"), url_path(url, "dir")
    except StoreError:
        return []
    if sqlite is not None:
        return [str(sqlite), *(f"{sqlite}{suffix}" for suffix in ("-wal", "-shm", "-journal"))]
    if folder is not None:  # its own files and folders; a report beside them harms nothing
        return [str(folder / name) for name in ("documents", "measurements", "events", "snapshots",
                                                 "actionplan-store.json", ".lock")]
    return []


def _same_file(a, b) -> bool:
    try:
        return os.path.samefile(a, b)
    except OSError:  # one of them does not exist (yet): compare where they would be
        return os.path.realpath(a) == os.path.realpath(b)


def _inside(path, folder) -> bool:
    real, root = os.path.realpath(path), os.path.realpath(folder)
    return os.path.commonpath([real, root]) == root
