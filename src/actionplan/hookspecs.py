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

from collections.abc import Callable, Iterable
from typing import TYPE_CHECKING

import pluggy

if TYPE_CHECKING:  # only for the annotations: the hook specs sit below every module they name
    import click

    from .documents import DocumentFormat, DocumentType
    from .due import DueReport
    from .errors import Issue
    from .i18n import Catalogue
    from .grants.criteria import Criterion
    from .importers import Importer
    from .model import ActionPlan, Gazetteer, Territory
    from .reports import ReportFormat
    from .reports.score_sheet import ScoreSheetFormat
    from .storage import Store

PROJECT = "actionplan"

#: Marks the hook specifications below.
hookspec = pluggy.HookspecMarker(PROJECT)
#: Marks a plugin's hook implementations: ``@actionplan.hookimpl`` (re-exported by the package).
hookimpl = pluggy.HookimplMarker(PROJECT)

# -- documents ---------------------------------------------------------------------------


@hookspec
def actionplan_register_document_formats(register: Callable[[DocumentFormat], None]) -> None:
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
def actionplan_register_document_types(register: Callable[[DocumentType], None]) -> None:
    """Register document types: what a document's ``type:`` key may name.

    Call ``register(doc_type)`` once per type, with an :class:`actionplan.documents.DocumentType`:

    - ``name``: the ``type:`` value (``"plan"``, the default when a document has no ``type``,
      ``"tracking"``, ``"applications"``); unique among document types;
    - ``cls``: the frozen attrs class the one converter structures the document into (and
      unstructures it from); a class belongs to one type only. A field ``schema_version``
      makes the loader refuse documents written by a newer actionplan;
    - ``store_id(document) -> str | None``: the id a store keeps the document under (default:
      its ``id`` attribute; ``None`` when it has none, then ``save`` needs the id given);
    - ``checks(document, gazetteer) -> Iterable[Issue]``: the checks types alone cannot express
      (unique ids, references), each issue with its document path; ``gazetteer`` is the
      :class:`actionplan.model.Gazetteer` in force or ``None`` for the installed one. Default:
      no checks. Loading refuses a document with an issue of severity ``"error"``.

    Every type is loadable with :func:`actionplan.load`, writable with :func:`actionplan.dump`
    (its ``type:`` written first, except for plans) and storable in any store. A name or a class
    registered by two plugins is an error naming both. Return value is ignored.
    """


@hookspec
def actionplan_register_territories(register: Callable[[Territory], None]) -> None:
    """Register territories for the gazetteer.

    Call ``register(territory)`` with :class:`actionplan.model.Territory` objects
    (region → MRC → municipality, each pointing at its ``parent`` id). Registering the
    same id twice with a different definition is an error. Return value is ignored.
    """


@hookspec
def actionplan_plan_checks(plan: ActionPlan, gazetteer: Gazetteer) -> Iterable[Issue] | None:
    """Check a loaded plan against rules of an organisation or a territory.

    ``plan`` is an :class:`actionplan.model.ActionPlan`, ``gazetteer`` the
    :class:`actionplan.model.Gazetteer` in force. Return an iterable of
    :class:`actionplan.errors.Issue` (severity ``"error"`` or ``"warning"``) with
    document paths, or ``None``. Must not modify anything.
    """


# -- storage -----------------------------------------------------------------------------


@hookspec(firstresult=True)
def actionplan_open_store(url: str) -> Store | None:
    """Open a store for ``url`` (``"sqlite:plans.db"``, ``"dir:plans/"``, ``"postgresql://…"``).

    Return an object implementing :class:`actionplan.storage.Store` when this plugin
    handles the URL's scheme, else ``None``. Stops at the first non-``None`` result.
    Raise :class:`actionplan.errors.StoreError` when the scheme is yours but the
    store cannot be opened.
    """


# -- reports ----------------------------------------------------------------------------


@hookspec
def actionplan_register_report_formats(register: Callable[[ReportFormat], None]) -> None:
    """Register report and export formats (``actionplan report --format NAME``).

    Call ``register(fmt)`` once per format, with an :class:`actionplan.reports.ReportFormat`:
    a ``name`` (lowercase: ``"html"``), a file ``extension`` (``".html"``), a one-line
    ``description``, the ``options`` it accepts (:class:`actionplan.reports.ReportOption`:
    name, description, default, type ``str``/``bool``/``int``/``choice``) and
    ``render(subject, ctx) -> bytes``. ``subject`` is an :class:`actionplan.model.ActionPlan`
    (``subjects`` lists what else the format accepts, e.g. ``"program"``); ``ctx`` is an
    :class:`actionplan.reports.ReportContext` with ``as_of``, ``lang`` (``"fr"`` or
    ``"en"``), ``options`` (every declared option, parsed and defaulted), ``progress`` (the
    plan's :class:`actionplan.progress.PlanProgress` at ``as_of``), ``illustrative``,
    ``program`` and ``loc`` (labels and Babel formatting in ``lang``).

    ``render`` must return bytes, write nothing itself (the caller writes atomically), use
    ``ctx.loc`` for every word it adds so a report never mixes languages, and keep the plan's
    text inert in its syntax (escaped HTML, formula-safe cells…). Raise
    :class:`actionplan.errors.ActionplanError` for a problem the user can fix. A name
    registered by two plugins is an error naming both. Return value is ignored.
    """


@hookspec(firstresult=True)
def actionplan_render_due(report: DueReport, format: str, lang: str) -> bytes | None:
    """Render what a plan's organisations owe (``actionplan due PLAN --format FORMAT``) in a format
    the core does not write itself (it writes ``text`` and ``json``); ``actionplan-office`` answers
    ``ics``: one VTODO per due, late or stale item, ``DUE`` on its due date, a stable UID.

    ``report`` is an :class:`actionplan.due.DueReport` (``plan``, ``as_of``, ``organisations``, each
    an :class:`actionplan.due.OrganisationDue` with its ``due``, ``late`` and ``stale`` items, already
    filtered by ``--organisation``); ``lang`` is ``"fr"`` or ``"en"``. Return the file's bytes, written
    nowhere (the caller writes atomically or prints), every word in ``lang``; return ``None`` for a
    format you do not write, so another plugin may. The first non-``None`` answer wins; with none,
    the command says which plugin to install and exits with code 2.
    """


# -- score sheets -------------------------------------------------------------------------


@hookspec
def actionplan_register_score_sheet_formats(register: Callable[[ScoreSheetFormat], None]) -> None:
    """Register score-sheet formats (``actionplan grants scores -f NAME``).

    Call ``register(fmt)`` once per format with an :class:`actionplan.api.ScoreSheetFormat`: a
    ``name`` (``"xlsx"``), a file ``extension`` (``".xlsx"``), a ``description``, a
    ``media_type`` and ``render(sheet, lang) -> bytes``. ``sheet`` is an
    :class:`actionplan.api.ScoreSheet`: the program's and the call's titles, the meeting date,
    ``illustrative``, the ``grid`` (criteria, weights, scale), the committee's ``members`` and
    one :class:`actionplan.api.SheetEntry` per application in rank order (``rank`` is ``None``
    for an ineligible one), whose ``cell(member, criterion)`` gives ``("mark", 4)``,
    ``("na", None)``, ``("recused", None)`` or ``("none", None)`` and ``member_score(member)``
    the member's own score; ``entry.score`` holds the aggregate per criterion, the score out
    of 100 and its spread. ``render`` takes every word from ``sheet.labels(lang)``,
    ``sheet.number``, ``sheet.spread`` and ``sheet.recusal`` (so a sheet never mixes
    languages), writes nothing itself (the command writes atomically, and replaces a file only
    with ``--force``) and keeps every text inert in its syntax (escaped HTML, formula-safe
    cells). A name registered twice is an error naming both plugins. Return value is ignored.
    """


# -- importers --------------------------------------------------------------------------


@hookspec
def actionplan_register_importers(register: Callable[[Importer], None]) -> None:
    """Register importers that turn other documents into plans or tracking logs.

    Call ``register(importer)`` with an :class:`actionplan.importers.Importer`:

    - ``name``: what ``--from`` names (``"text"``, ``"docx"``); unique among importers;
    - ``extensions``: the file extensions it claims (``(".docx",)``);
    - ``description``: one line for listings;
    - ``read(source: bytes, ctx: ImportContext) -> ImportResult``, where ``ctx`` has the
      ``source`` name for messages, the ``options`` the document cannot say
      (``organisation``, ``territories``, ``year``, ``title``, ``id``, ``sheet``), the
      ``plan`` (for measurement importers) and the ``lang`` of messages (``ctx.t(code, **params)``
      renders a catalogue code in it);
    - ``produces``: ``"plan"`` (default) or ``"tracking"`` (measurements for ``ctx.plan``);
    - ``max_bytes``: the largest source it accepts; larger files are refused before reading.

    ``read`` returns an :class:`actionplan.importers.ImportResult`: ``data``, the plain data
    of the document (what a YAML file would hold); ``unplaced``, an
    :class:`~actionplan.errors.Issue` for each piece of source text that found no place,
    its ``path`` being the place in the source (« ligne 145 », « tableau 3, rangée 5 »)
    and ``found`` the text; ``warnings``, choices a person should check. It must not guess
    silently, must not write anything, and must raise
    :class:`actionplan.importers.SourceError` (naming the file and the place) for input it
    cannot read. The caller validates ``data`` with the core before writing anything.
    Return value is ignored.
    """


# -- grant programs ----------------------------------------------------------------------


@hookspec
def actionplan_register_criteria(register: Callable[[Criterion | type[Criterion]], None]) -> None:
    """Register eligibility and ranking criteria for grant programs.

    Call ``register(criterion)`` with an instance of a subclass of
    :class:`actionplan.grants.criteria.Criterion` (a class with a no-argument
    constructor is accepted too). It has a ``name`` that program files refer to
    (``criterion: min_priorities``), a ``role`` (``"eligibility"`` or ``"ranking"``), a
    ``title`` (an :class:`actionplan.api.Message`: a code of the core's or the plugin's
    own catalogue, registered with ``actionplan_register_catalogues``), its
    ``parameters`` (name → :class:`~actionplan.grants.criteria.Param`; program files
    give values, possibly dated ``{values: [{from: DATE, value: V}, …]}``, resolved at
    each application's deposit date), and ``evaluate(application, prepared, ctx)``
    returning a :class:`~actionplan.grants.criteria.Verdict`: ``passed``, machine-readable
    ``facts``, a reason and, on failure, what would make it pass, in the reader's
    language (``Message`` objects in the verdict, or written later by ``explain(verdict, ctx,
    lang)``). ``Text(fr, en)`` in their place is deprecated and goes in the next release.
    Optional: ``check(params, ctx)`` yields issues about the parameters (paths relative
    to ``params``), ``prepare(values, ctx)`` precomputes once per set of values in force.
    ``evaluate`` must not modify anything. A criterion without a name, with an unknown
    role or without ``evaluate``, or a name registered twice, raises ``PluginError``.
    Return value is ignored.
    """


# -- messages ----------------------------------------------------------------------------


@hookspec
def actionplan_register_catalogues(register: Callable[[Catalogue], None]) -> None:
    """Register a plugin's own message catalogue (its texts in every language it speaks).

    Call ``register(Catalogue(domain, directory))`` with an
    :class:`actionplan.i18n.Catalogue`: ``directory/<lang>/LC_MESSAGES/<domain>.mo`` are
    standard gettext catalogues compiled with Babel (``docs/i18n.md``). The plugin's
    codes are then rendered by :func:`actionplan.i18n.t` and :class:`actionplan.i18n.Message`
    like the core's; the core's catalogue is looked up first, then the plugins' in
    registration order, and a code missing in the reader's language falls back to French.
    A language only a plugin's catalogue is written in becomes a choice of ``--lang``.
    Registering something else than a ``Catalogue`` raises ``TypeError``. Return value is
    ignored.
    """


# -- command line ------------------------------------------------------------------------


@hookspec
def actionplan_register_commands(cli: click.Group) -> None:
    """Add commands to the ``actionplan`` command line.

    ``cli`` is the root :class:`click.Group`; add commands with ``@cli.command()`` or
    ``cli.add_command(...)``. Errors meant for users must be raised as
    :class:`actionplan.errors.ActionplanError` so the CLI prints them cleanly.
    Return value is ignored.
    """
