"""Helpers shared by commands: resolving the plan a command talks about, parsing options."""

from __future__ import annotations

import contextlib
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
    from ..i18n import current_language, t
    from ..model.base import MAX_YEAR, MIN_YEAR

    if value is None:
        return None
    try:
        day = dt.date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter(t("cli.date.bad", current_language(), value=value)) from None
    if not MIN_YEAR <= day.year <= MAX_YEAR:  # schedules look a year beyond the dates they are given
        raise click.BadParameter(t("cli.date.out_of_range", current_language(), value=value,
                                   first=MIN_YEAR, last=MAX_YEAR))
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
    """``plan`` with the measurements of tracking files that count (not those waiting for a reviewer,
    nor returned ones: :meth:`~actionplan.model.TrackingLog.counted`), each file checked against it first."""
    from ..model import with_measurements

    for log in checked_logs(plan, tracking):
        plan = with_measurements(plan, log.counted())
    return plan


def checked_logs(plan, tracking=()) -> list:
    """The tracking logs at the paths ``tracking``, each checked against ``plan`` (a :class:`ValidationError` else)."""
    from ..checks import check_tracking
    from ..model import TrackingLog

    logs = []
    for tracking_path in tracking:
        log = load_document_of(tracking_path, TrackingLog)
        issues = [i for i in check_tracking(log, plan) if i.severity == "error"]
        if issues:
            raise ValidationError(issues, str(tracking_path))
        logs.append(log)
    return logs


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


def cycle_of(state, ref: str, plan, tracking=(), *, as_of) -> tuple[list, dict]:
    """What the year's cycle adds to the progress of ``plan`` (what :func:`resolve_plan` gave for ``ref``
    and ``tracking``): the updates waiting for review, and the statuses set by hand that stand at
    ``as_of`` (:func:`actionplan.progress.manual_statuses`) — the store's for a stored plan, and the
    tracking logs'. Reports show the first apart and the second next to the computed statuses."""
    from ..model import TrackingLog
    from ..model.base import is_valid_id
    from ..progress import MANUAL_STATUS_CLEAR_EVENT, MANUAL_STATUS_EVENT, manual_statuses
    from ..storage import DEFAULT_URL, open_store

    pending: list = []
    entries: list = []
    if not (os.path.exists(ref) or not is_valid_id(ref)):
        with open_store(getattr(state, "store_url", None) or DEFAULT_URL) as store:
            pending = store.updates(ref, status="submitted")
            records = [r for kind in (MANUAL_STATUS_EVENT, MANUAL_STATUS_CLEAR_EVENT)
                       for r in store.event_records(ref, kind=kind)]
            entries = [r.event for r in sorted(records, key=lambda r: r.recorded_at)]
    for path in tracking:
        log = load_document_of(path, TrackingLog)  # checked against the plan by resolve_plan already
        pending += log.pending()
        entries += log.manual_statuses
    return pending, manual_statuses(plan, entries, as_of=as_of)


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


# -- where a command writes ------------------------------------------------------------------------

#: ``-o -``: the document goes to standard output.
STDOUT = "-"


def output_option(help_code: str, *, required: bool = False):
    """``-o/--output OUT`` and ``--force``: what every command that writes a document takes.

    ``-`` is standard output; an existing file is replaced only with ``--force`` (see
    :func:`write_output`).
    """
    def decorate(function):
        function = click.option("--force", is_flag=True, help=N_("cli.common.option.force"))(function)
        return click.option("-o", "--output", default=None, required=required, metavar="OUT",
                            help=help_code)(function)
    return decorate


def check_output(output, *, inputs=(), state=None, force: bool | None = None) -> None:
    """Refuse, before any work, an output that would destroy an input of the command or its store,
    or that cannot be written (a folder, no such folder).

    With ``force=False`` an existing file is refused here too (commands whose document differs
    each time: a backup, an import); else only when the document is written
    (:func:`write_output`), where one holding the very same bytes is no loss.
    """
    from pathlib import Path

    from ..errors import ActionplanError

    if output is None or str(output) == STDOUT:
        return
    refuse_overwriting_inputs(output, inputs, state)
    path = Path(output)
    if path.is_dir():
        raise ActionplanError(Message("cli.common.output_is_folder", path=path))
    folder = path.parent if str(path.parent) else Path(".")
    if not folder.is_dir():  # as writing would say it, before the work
        reason = (Message("documents.write.not_a_folder", folder=str(folder)) if folder.exists()
                  else Message("documents.write.no_folder", folder=str(folder)))
        raise ActionplanError(Message("documents.write.failed", path=str(path), reason=reason))
    if force is False and os.path.lexists(path):
        raise ActionplanError(Message("cli.common.exists", path=path))


def write_output(payload: bytes, output, *, force: bool, binary: bool = False, format_name: str = "",
                 inputs=(), state=None) -> str:
    """Write ``payload`` to ``output``: ``-`` is standard output, else a file written atomically.

    An existing file is replaced only with ``force`` (one that already holds exactly ``payload``
    is left as it is: nothing would be lost, and running a command twice still succeeds); a
    file appearing meanwhile is never replaced without it either. ``binary`` documents are
    refused on a terminal. Returns ``"-"`` or the path written.
    """
    import sys
    from pathlib import Path

    from ..documents import write_atomic
    from ..errors import ActionplanError

    if str(output) == STDOUT:
        if binary and sys.stdout.isatty():
            raise ActionplanError(Message("cli.report.terminal", format=format_name))
        write_stdout(payload)
        return STDOUT
    check_output(output, inputs=inputs, state=state)
    path = Path(output)
    if _holds(path, payload):
        return str(path)
    if os.path.lexists(path) and not force:
        raise ActionplanError(Message("cli.common.exists", path=path))
    try:
        write_atomic(path, payload, replace=force)
    except FileExistsError:
        raise ActionplanError(Message("cli.common.exists", path=path)) from None
    return str(path)


def _holds(path, payload: bytes) -> bool:
    """Whether the regular file ``path`` holds exactly ``payload``."""
    if not os.path.isfile(path) or os.path.islink(path) or os.path.getsize(path) != len(payload):
        return False
    with open(path, "rb") as handle:
        return handle.read() == payload


# -- progress on a terminal ------------------------------------------------------------------------


def progress_enabled(stream=None) -> bool:
    """Whether progress may be drawn on ``stream`` (standard error): it is a terminal and this is not a
    CI job (``$CI`` set, other than ``0`` / ``false``). Pipes, files and CI logs never get bar text."""
    import sys

    stream = sys.stderr if stream is None else stream
    ci = os.environ.get("CI", "").strip().lower()
    if ci and ci not in ("0", "false", "no"):
        return False
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):  # a closed or replaced stream
        return False


_ACTIVE_PROGRESS: list = []  # the bar being drawn, so work inside work adds a line to it


@contextlib.contextmanager
def progress_bar(description, total: int | None = None):
    """A progress bar on standard error while the block runs, on a terminal only (:func:`progress_enabled`).

    ``description`` is a :class:`~actionplan.i18n.Message` (or a text); ``total`` the number of
    steps, else the bar pulses and counts the time. Yields ``advance(steps=1)``, which does
    nothing when no bar is drawn. The bar is erased when the block ends::

        with progress_bar(Message("cli.progress.report", format="xlsx", plan=plan.id)):
            payload = render_report(plan, "xlsx")
    """
    if not progress_enabled():
        yield lambda steps=1: None
        return
    from rich.console import Console
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, SpinnerColumn, TextColumn, TimeElapsedColumn

    from ..i18n import current_language

    text = description.render(current_language()) if isinstance(description, Message) else str(description)
    if _ACTIVE_PROGRESS:
        bar = _ACTIVE_PROGRESS[-1]
        task = bar.add_task(text, total=total)
        try:
            yield lambda steps=1: bar.advance(task, steps)
        finally:
            bar.remove_task(task)
        return
    columns = [SpinnerColumn(), TextColumn("{task.description}"), BarColumn()]
    columns += [MofNCompleteColumn()] if total is not None else []
    with Progress(*columns, TimeElapsedColumn(), console=Console(stderr=True), transient=True) as bar:
        _ACTIVE_PROGRESS.append(bar)
        try:
            task = bar.add_task(text, total=total)
            yield lambda steps=1: bar.advance(task, steps)
        finally:
            _ACTIVE_PROGRESS.pop()


def write_stdout(payload: bytes) -> None:
    """``payload`` on standard output as bytes (as text where click's test runner captures it)."""
    import sys

    stream = getattr(sys.stdout, "buffer", None)
    if stream is None:  # click's test runner captures text
        click.echo(payload.decode("utf-8"), nl=False)
    else:
        sys.stdout.flush()
        stream.write(payload)
        stream.flush()
