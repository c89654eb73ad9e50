"""The one import surface for plugin authors.

A report format, a store, an importer, a grant criterion, a territory set, a document
format or a command needs nothing but the names below::

    from actionplan.api import Criterion, Param, Verdict, hookimpl

**The rule.** The public, documented modules are ``actionplan`` (the top level:
``load``, ``dump``, ``open_store``…), ``actionplan.api`` (this module),
``actionplan.hookspecs`` (the hooks and their contracts) and ``actionplan.testing``
(fixtures and conformance kits for plugin tests). **Everything else is internal**:
``actionplan.reports.view``, ``actionplan.storage.sql``, ``actionplan.grants.criteria``
and every other module may be renamed, split or moved without notice. A name that
leaves this list, or moves, keeps working with a :class:`DeprecationWarning` for one
release.

The names are grouped by the kind of plugin that needs them; every one has a docstring
(a test keeps it so) and appears in ``docs/plugins.md``.
"""

from __future__ import annotations

from . import dump, dumps, load, loads, open_store
from . import hookimpl as _hookimpl
from . import schedules as _schedules
from .checks import plan_gazetteer
from .cli import CliState, echo_issues
from .cli.common import load_document_of, resolve_plan
from .documents import DocumentFormat, DocumentType, write_atomic
from .due import DueItem, DueQuery, DueReport, OrganisationDue, Reported, StaleItem, due_query, plan_due, reported_from_updates
from .i18n import N_, Catalogue, Message, Plural, Verbatim, current_language, t, tn
from .errors import (
    ActionplanError,
    ConflictError,
    GrantError,
    Issue,
    NotFoundError,
    PluginError,
    ScheduleError,
    StoreError,
    UnknownFormatError,
    ValidationError,
)
from .grants.chain import Dossier, Replay, replay
from .grants.criteria import (
    Criterion,
    GrantRefusal,
    Param,
    ProgramContext,
    Sentences,
    Text,
    Values,
    Verdict,
    criteria_registry,
    plural,
    refuse,
)
from .grants.committee import ApplicationScore, Committee, check_committee
from .grants.evaluation import Assessment, Evaluator, Ranking
from .grants.scoresheet import ScoreSheet, SheetEntry
from .grants.ledger import Ledger
from .model.grants import (
    Agreement,
    Application,
    ApplicationsDocument,
    ApprovalChain,
    ApprovalStep,
    CallForProjects,
    CriterionConfig,
    Deadline,
    Decision,
    GrantProgram,
    Payment,
    Postponement,
    ReportReceipt,
    ReportRequirement,
    fiscal_year_of,
    fiscal_year_period,
    total_of,
)
from .model.committee import CommitteeDocument, ScoringGrid
from .reports.score_sheet import ScoreSheetFormat, score_sheet_formats
from .importers import ImportContext, Importer, ImportResult, SourceError, resolve_territory
from .importers import cells as _cells
from .importers import layout as _layout
from .importers.layout import LayoutReader, Paragraph, Row, Table
from .importers.wording import french_date
from .model import (
    Action,
    ActionPlan,
    Gazetteer,
    Indicator,
    Measurement,
    Objective,
    Organisation,
    Participation,
    Section,
    Target,
    Task,
    Territory,
    Theme,
    TrackingLog,
    with_measurements,
)
from .model import indicators as _indicators
from .model.base import fold, slugify
from .model import review as _review
from .model.reporting import Reporting
from .model.review import ReviewPolicy
from .progress import (
    ActionProgress,
    IndicatorProgress,
    ObjectiveProgress,
    PlanProgress,
    Rollup,
    TerritoryProgress,
    ThemeProgress,
    indicator_progress,
    plan_progress,
    schedule_context,
)
from .reports import ReportContext, ReportFormat, ReportOption, render_report, report_formats
from .reports import SHOW_SOURCE as _SHOW_SOURCE
from .reports import labels as _labels
from .reports.html import DashboardParts, dashboard_parts
from .reports.labels import Localizer
from .reports.safety import is_formula_like, markdown_text, neutralise_formula, printable, xml_text
from .reports.bilan import BilanView, ChangeRow, bilan_context, render_bilan
from . import snapshots as _snapshots
from .snapshots import (
    Bilan,
    IndicatorChange,
    PeriodSide,
    PeriodSnapshot,
    ThemeChange,
    compare_periods,
    freeze,
    thaw,
)
from .reports.view import IndicatorRow, PlanView, display_fraction, measurement_text, territory_namer, theme_fraction
from .schedules import Period, Recurrence, Schedule, ScheduleContext, parse_schedule
from .storage import (
    Backup,
    DocumentInfo,
    DocumentRecord,
    Event,
    EventRecord,
    HistoryEntry,
    MeasurementRecord,
    Store,
    StoredDocument,
    Update,
    redact_url,
    url_path,
)
from .storage.backends import (
    INDICATOR_REMOVED_EVENT as _INDICATOR_REMOVED_EVENT,
    PlanCache,
    PreparedDocument,
    changed_paths,
    check_kept_indicators,
    removal_events,
    removed_indicators,
    check_store_id,
    decode_document,
    json_bytes,
    next_version,
    parse_time,
    prepare_document,
    structure_records,
    validate_measurements,
)
from .storage import sql as _sql
from .storage.sql import snapshot_statements
from .storage.sql import SqlStore
from .storage.facts import FactGroup, ProgressFacts, Totals, fact_key, facts_for, group_measurements, merge_groups
from . import storage as _storage
from .territories import default_gazetteer
from .territories.table import TableOptions as TerritoryTableOptions
from .territories.table import read_table as read_territory_table

# -- values documented here, where the reference reads them --------------------------------

hookimpl = _hookimpl
"""The decorator of hook implementations: ``@hookimpl def actionplan_register_criteria(register): …``.

The same marker as ``actionplan.hookimpl``; the hooks and their contracts are in :mod:`actionplan.hookspecs`.
"""

Part = _schedules.Part
"""One piece of a :class:`Schedule` (a date, a month, a season, a fiscal year, « en continu »…)."""

ASTRONOMICAL_SEASONS = _schedules.ASTRONOMICAL_SEASONS
"""The default season convention: each season → ((start month, day), (end month, day)), winter from 21 December."""

METEOROLOGICAL_SEASONS = _schedules.METEOROLOGICAL_SEASONS
"""Whole-month seasons (winter from 1 December to the end of February), for ``ScheduleContext(seasons=…)``."""

DEFAULT_SCALE: tuple[str, ...] = _indicators.DEFAULT_SCALE
"""The levels of a qualitative indicator without its own ``scale``, lowest first."""

STATUS_KEYS: tuple[str, ...] = _labels.STATUS_KEYS
"""The progress statuses in the order reports show them, done first."""

SHOW_SOURCE: ReportOption = _SHOW_SOURCE
"""The ``show-source`` option (default off) of the formats a board reads: show the plan's ``source`` note."""

BULLETS: str = _cells.BULLETS
"""The bullet and arrow characters that start an item of a list in a plan's cells (« → », « • »…)."""

Block = _layout.Block
"""What :class:`LayoutReader` reads: a :class:`Paragraph` or a :class:`Table`."""

UPDATE_STATES: tuple[str, ...] = _review.UPDATE_STATES
"""The states of an update in the review cycle: counted, submitted, approved, returned."""

COUNTED_STATES: tuple[str, ...] = _review.COUNTED_STATES
"""The update states whose measurements move progress (counted, approved)."""

REVIEW_EVENT_KINDS: dict[str, str] = _storage.REVIEW_EVENT_KINDS
"""A review decision (approve, return) → the kind of the store event that records it, its subject the update id."""

INDICATOR_REMOVED_EVENT: str = _INDICATOR_REMOVED_EVENT
"""The event a plan's save records for each indicator removed while it had measurements (``allow_removal``)."""

REVIEW_INDEXES: tuple[str, ...] = _sql.REVIEW_INDEXES
"""The SQL indexes of the review columns (schema 2), which a SqlStore backend adds to its ``CREATE`` statements."""

CHANGE_KINDS: tuple[str, ...] = _snapshots.CHANGE_KINDS
"""What a bilan says of an indicator from one period to the next: reached, slipped, moved, unchanged, new, gone."""

del _cells, _hookimpl, _schedules, _indicators, _labels, _layout, _review, _snapshots, _sql, _storage

__all__ = [
    # -- every plugin: hook markers, documents, errors ------------------------------------
    "hookimpl",
    "load", "loads", "dump", "dumps", "open_store", "write_atomic",
    "ActionplanError", "Issue", "ValidationError", "ScheduleError", "PluginError", "UnknownFormatError",
    "StoreError", "NotFoundError", "ConflictError", "GrantError", "GrantRefusal", "SourceError",
    # -- messages: catalogue codes, a plugin's own catalogue (actionplan_register_catalogues) --
    "Message", "Plural", "Verbatim", "N_", "t", "tn", "current_language", "Catalogue",
    # -- the model: plans, tracking, organisations, territories ----------------------------
    "ActionPlan", "Theme", "Objective", "Action", "Indicator", "Target", "Measurement", "Task", "Section",
    "Organisation", "Participation", "TrackingLog", "with_measurements", "DEFAULT_SCALE",
    "Territory", "Gazetteer", "default_gazetteer", "plan_gazetteer", "read_territory_table", "TerritoryTableOptions",
    "fold", "slugify",
    # -- the model: grant programs and applications ----------------------------------------
    "GrantProgram", "CriterionConfig", "ApprovalChain", "ApprovalStep", "CallForProjects", "Deadline",
    "Postponement", "ReportRequirement", "ApplicationsDocument", "Application", "Decision", "Agreement",
    "Payment", "ReportReceipt", "total_of", "fiscal_year_of", "fiscal_year_period",
    # -- schedules ---------------------------------------------------------------------------
    "Schedule", "Part", "Period", "Recurrence", "ScheduleContext", "parse_schedule", "ASTRONOMICAL_SEASONS",
    "METEOROLOGICAL_SEASONS",
    # -- progress ----------------------------------------------------------------------------
    "plan_progress", "indicator_progress", "schedule_context", "PlanProgress", "ThemeProgress",
    "ObjectiveProgress", "ActionProgress", "IndicatorProgress", "TerritoryProgress", "Rollup",
    # -- who owes what: due, late and stale updates (actionplan due / remind, actionplan_render_due) --
    "plan_due", "DueReport", "OrganisationDue", "DueItem", "StaleItem", "Reporting",
    "due_query", "DueQuery", "Reported", "reported_from_updates",
    # -- report formats (actionplan_register_report_formats) -------------------------------
    "ReportFormat", "ReportContext", "ReportOption", "SHOW_SOURCE", "render_report", "report_formats",
    "PlanView", "IndicatorRow", "Localizer", "STATUS_KEYS", "display_fraction", "theme_fraction",
    "measurement_text", "territory_namer",
    "xml_text", "printable", "is_formula_like", "neutralise_formula", "markdown_text",
    "dashboard_parts", "DashboardParts",
    # -- document formats (actionplan_register_document_formats) ---------------------------
    "DocumentFormat",
    # -- document types (actionplan_register_document_types) -------------------------------
    "DocumentType",
    # -- importers (actionplan_register_importers) -----------------------------------------
    "Importer", "ImportContext", "ImportResult", "LayoutReader", "Block", "Paragraph", "Table", "Row",
    "BULLETS", "french_date", "resolve_territory",
    # -- stores (actionplan_open_store) ------------------------------------------------------
    "Store", "SqlStore", "DocumentInfo", "StoredDocument", "DocumentRecord", "HistoryEntry",
    "MeasurementRecord", "Event", "EventRecord", "Backup", "redact_url", "url_path", "json_bytes", "parse_time",
    "prepare_document", "PreparedDocument", "decode_document", "next_version", "check_store_id",
    "check_kept_indicators", "removed_indicators", "removal_events", "INDICATOR_REMOVED_EVENT", "PlanCache", "validate_measurements", "changed_paths", "structure_records",
    "REVIEW_INDEXES", "snapshot_statements",
    # -- progress from aggregates (Store.progress_facts) -------------------------------------
    "ProgressFacts", "FactGroup", "Totals", "facts_for", "group_measurements", "merge_groups", "fact_key",
    # -- reviewed updates (a plan's ``review`` policy; Store.updates / review_update) ----------
    "ReviewPolicy", "Update", "UPDATE_STATES", "COUNTED_STATES", "REVIEW_EVENT_KINDS",
    # -- closed periods and bilans (Store.close_period, actionplan bilan; bilan-* report formats) ---
    "PeriodSnapshot", "PeriodSide", "freeze", "thaw", "Bilan", "ThemeChange", "IndicatorChange", "CHANGE_KINDS",
    "compare_periods", "BilanView", "ChangeRow", "bilan_context", "render_bilan",
    # -- grant criteria, evaluation and money (actionplan_register_criteria) ---------------
    "Criterion", "Param", "Values", "ProgramContext", "Verdict", "Text", "Sentences", "plural", "refuse",
    "criteria_registry", "Evaluator", "Assessment", "Ranking", "replay", "Replay", "Dossier", "Ledger",
    # -- committee scores (program.scoring, type: committee) ---------------------------------
    "ScoringGrid", "CommitteeDocument", "Committee", "ApplicationScore", "check_committee",
    # -- score sheets (actionplan_register_score_sheet_formats) ------------------------------
    "ScoreSheetFormat", "ScoreSheet", "SheetEntry", "score_sheet_formats",
    # -- commands (actionplan_register_commands) -------------------------------------------
    "CliState", "resolve_plan", "load_document_of", "echo_issues",
]
