"""Every hook of actionplan. Each docstring is the hook's contract.

Plugins implement these with ``@actionplan.hookimpl`` and are found through the
``actionplan`` entry-point group. The built-in formats, stores, territories and
commands are plugins too, registered through these same hooks (see
:mod:`actionplan.plugins`). Hooks are called with keyword arguments, so an
implementation may accept fewer arguments than the spec lists.

The ``register_*`` hooks hand the implementation a ``register`` callback owned by the
core: it checks each registration at once (a name registered twice is an error that
names both plugins) and remembers which plugin registered what.
"""

from __future__ import annotations

import pluggy

hookspec = pluggy.HookspecMarker("actionplan")

# -- documents ---------------------------------------------------------------------------


@hookspec
def actionplan_register_document_formats(register):
    """Register document formats: how plan files are read and written.

    Call ``register(fmt)`` once per format, where ``fmt`` is a
    :class:`actionplan.documents.DocumentFormat`: a ``name`` (``"yaml"``), the file
    ``extensions`` it claims (``(".yaml", ".yml")``), ``loads(data: bytes) -> object``
    returning plain data (dicts, lists, str, int, Decimal-compatible numbers, dates)
    and ``dumps(data: object) -> bytes``. ``loads`` must raise
    :class:`actionplan.errors.ValidationError` for malformed input, and must never
    execute anything found in the document. Return value is ignored.
    """


@hookspec
def actionplan_register_territories(register):
    """Register territories for the gazetteer.

    Call ``register(territory)`` with :class:`actionplan.model.Territory` objects
    (region → MRC → municipality, each pointing at its ``parent`` id). Registering the
    same id twice with a different definition is an error. Return value is ignored.
    """


@hookspec
def actionplan_plan_checks(plan, gazetteer):
    """Check a loaded plan against rules of an organisation or a territory.

    ``plan`` is an :class:`actionplan.model.ActionPlan`, ``gazetteer`` the
    :class:`actionplan.model.Gazetteer` in force. Return an iterable of
    :class:`actionplan.errors.Issue` (severity ``"error"`` or ``"warning"``) with
    document paths, or ``None``. Must not modify anything.
    """


# -- storage -----------------------------------------------------------------------------


@hookspec(firstresult=True)
def actionplan_open_store(url):
    """Open a store for ``url`` (``"sqlite:plans.db"``, ``"dir:plans/"``, ``"postgresql://…"``).

    Return an object implementing :class:`actionplan.storage.Store` when this plugin
    handles the URL's scheme, else ``None``. Stops at the first non-``None`` result.
    Raise :class:`actionplan.errors.StoreError` when the scheme is yours but the
    store cannot be opened.
    """


# -- reports ----------------------------------------------------------------------------


@hookspec
def actionplan_register_report_formats(register):
    """Register report and export formats.

    Call ``register(fmt)`` with a :class:`actionplan.reports.ReportFormat`: a ``name``
    (``"html"``), a file ``extension``, a ``description``, its ``options`` and a
    ``render(subject, context) -> bytes`` function. Return value is ignored.
    """


# -- importers --------------------------------------------------------------------------


@hookspec
def actionplan_register_importers(register):
    """Register importers that turn other documents into plans.

    Call ``register(importer)`` with a :class:`actionplan.importers.Importer`: a
    ``name``, the ``extensions`` it reads, and ``read(path_or_bytes, context)``
    returning an import result (the plan's plain data plus what could not be placed).
    Return value is ignored.
    """


# -- grant programs ----------------------------------------------------------------------


@hookspec
def actionplan_register_criteria(register):
    """Register eligibility and ranking criteria for grant programs.

    Call ``register(criterion)`` with a :class:`actionplan.grants.Criterion` class or
    factory: a ``name`` that program files refer to, and an ``evaluate`` that returns a
    verdict with machine-readable facts, reasons in French and English and, on
    failure, what would make it pass. Return value is ignored.
    """


# -- command line ------------------------------------------------------------------------


@hookspec
def actionplan_register_commands(cli):
    """Add commands to the ``actionplan`` command line.

    ``cli`` is the root :class:`click.Group`; add commands with ``@cli.command()`` or
    ``cli.add_command(...)``. Errors meant for users must be raised as
    :class:`actionplan.errors.ActionplanError` so the CLI prints them cleanly.
    Return value is ignored.
    """
