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

from typing import TYPE_CHECKING

from . import _lazy_attributes
from .hookspecs import hookimpl as _hookimpl

# The names are imported on first use (the module ``__getattr__`` below), so that a plugin
# importing a few of them does not pay for the stores, reports and grants it does not use.
# Type checkers and IDEs read the same names as ordinary imports:
if TYPE_CHECKING:
    from .checks import plan_gazetteer
    from .cli import CliState, echo_issues
    from .cli.common import load_document_of, resolve_plan
    from .documents import DocumentFormat, DocumentType, dump, dumps, load, loads, write_atomic
    from .due import (
        due_query,
        DueItem,
        DueQuery,
        DueReport,
        OrganisationDue,
        plan_due,
        Reported,
        reported_from_updates,
        StaleItem,
    )
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
    from .grants.committee import ApplicationScore, check_committee, Committee
    from .grants.criteria import (
        criteria_registry,
        Criterion,
        GrantRefusal,
        Param,
        plural,
        ProgramContext,
        refuse,
        Sentences,
        Text,
        Values,
        Verdict,
    )
    from .grants.evaluation import Assessment, Evaluator, Ranking
    from .grants.ledger import Ledger
    from .grants.scoresheet import ScoreSheet, SheetEntry
    from .i18n import Catalogue, current_language, Message, N_, Plural, t, tn, Verbatim
    from .importers import ImportContext, Importer, ImportResult, resolve_territory, SourceError
    from .importers.cells import BULLETS
    from .importers.layout import Block, LayoutReader, Paragraph, Row, Table
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
    from .model.base import fold, slugify
    from .model.committee import CommitteeDocument, ScoringGrid
    from .model.grants import (
        Agreement,
        Application,
        ApplicationsDocument,
        ApprovalChain,
        ApprovalStep,
        CallForProjects,
        Contribution,
        CriterionConfig,
        Deadline,
        Decision,
        fiscal_year_of,
        fiscal_year_period,
        GrantProgram,
        Payment,
        Postponement,
        ReportReceipt,
        ReportRequirement,
        total_of,
    )
    from .model.indicators import DEFAULT_SCALE
    from .model.reporting import Reporting
    from .model.review import COUNTED_STATES, MANUAL_STATUSES, ManualStatus, Review, ReviewPolicy, UPDATE_STATES
    from .progress import (
        ActionProgress,
        indicator_progress,
        IndicatorProgress,
        manual_statuses,
        ObjectiveProgress,
        plan_progress,
        PlanProgress,
        Rollup,
        schedule_context,
        TerritoryProgress,
        ThemeProgress,
    )
    from .reports import (
        render_report,
        report_formats,
        ReportContext,
        ReportFormat,
        ReportOption,
        SHOW_SOURCE,
    )
    from .reports.bilan import bilan_context, BilanView, ChangeRow, render_bilan
    from .reports.html import dashboard_parts, DashboardParts
    from .reports.labels import Localizer, STATUS_KEYS
    from .reports.safety import is_formula_like, markdown_text, neutralise_formula, printable, xml_text
    from .reports.score_sheet import score_sheet_formats, ScoreSheetFormat
    from .reports.view import (
        display_fraction,
        IndicatorRow,
        measurement_text,
        PlanView,
        territory_namer,
        theme_fraction,
    )
    from .schedules import (
        ASTRONOMICAL_SEASONS,
        METEOROLOGICAL_SEASONS,
        parse_schedule,
        Part,
        Period,
        Recurrence,
        Schedule,
        ScheduleContext,
    )
    from .snapshots import (
        Bilan,
        CHANGE_KINDS,
        compare_periods,
        freeze,
        IndicatorChange,
        PeriodSide,
        PeriodSnapshot,
        thaw,
        ThemeChange,
    )
    from .storage import (
        Backup,
        DocumentInfo,
        DocumentRecord,
        Event,
        EventRecord,
        HistoryEntry,
        MeasurementRecord,
        open_store,
        redact_url,
        REVIEW_EVENT_KINDS,
        Store,
        StoredDocument,
        Update,
        url_path,
    )
    from .storage.backends import (
        changed_paths,
        check_kept_indicators,
        check_store_id,
        decode_document,
        INDICATOR_REMOVED_EVENT,
        json_bytes,
        next_version,
        parse_time,
        PlanCache,
        prepare_document,
        PreparedDocument,
        removal_events,
        removed_indicators,
        structure_records,
        validate_measurements,
    )
    from .storage.facts import FactGroup, fact_key, facts_for, group_measurements, merge_groups, ProgressFacts, Totals
    from .storage.sql import REVIEW_INDEXES, snapshot_statements, SqlStore
    from .territories import default_gazetteer
    from .territories.table import read_table as read_territory_table, TableOptions as TerritoryTableOptions
else:  # what each constant is; resolved on first use, as the other names
    Part: object
    """One piece of a :class:`Schedule` (a date, a month, a season, a fiscal year, « en continu »…)."""

    ASTRONOMICAL_SEASONS: object
    """The default season convention: each season → ((start month, day), (end month, day)), winter from 21 December."""

    METEOROLOGICAL_SEASONS: object
    """Whole-month seasons (winter from 1 December to the end of February), for ``ScheduleContext(seasons=…)``."""

    DEFAULT_SCALE: tuple[str, ...]
    """The levels of a qualitative indicator without its own ``scale``, lowest first."""

    STATUS_KEYS: tuple[str, ...]
    """The progress statuses in the order reports show them, done first."""

    SHOW_SOURCE: ReportOption
    """The ``show-source`` option (default off) of the formats a board reads: show the plan's ``source`` note."""

    BULLETS: str
    """The bullet and arrow characters that start an item of a list in a plan's cells (« → », « • »…)."""

    Block: object
    """What :class:`LayoutReader` reads: a :class:`Paragraph` or a :class:`Table`."""

    UPDATE_STATES: tuple[str, ...]
    """The states of an update in the review cycle: counted, submitted, approved, returned."""

    COUNTED_STATES: tuple[str, ...]
    """The update states whose measurements move progress (counted, approved)."""

    MANUAL_STATUSES: tuple[str, ...]
    """The statuses a person may set by hand: the five computed ones, postponed (« reporté »), abandoned (« abandonné »)."""

    REVIEW_EVENT_KINDS: dict[str, str]
    """A review decision (approve, return) → the kind of the store event that records it, its subject the update id."""

    INDICATOR_REMOVED_EVENT: str
    """The event a plan's save records for each indicator removed while it had measurements (``allow_removal``)."""

    REVIEW_INDEXES: tuple[str, ...]
    """The SQL indexes of the review columns (schema 2), which a SqlStore backend adds to its ``CREATE`` statements."""

    CHANGE_KINDS: tuple[str, ...]
    """What a bilan says of an indicator from one period to the next: reached, slipped, moved, unchanged, new, gone."""

#: Each module → its public names here, space-separated (``NAME=NAME_THERE`` when renamed).
_SOURCES: dict[str, str] = {
    ".checks": "plan_gazetteer",
    ".cli": "CliState echo_issues",
    ".cli.common": "load_document_of resolve_plan",
    ".documents": "DocumentFormat DocumentType dump dumps load loads write_atomic",
    ".due": "due_query DueItem DueQuery DueReport OrganisationDue plan_due Reported reported_from_updates StaleItem",
    ".errors": (
        "ActionplanError ConflictError GrantError Issue NotFoundError PluginError ScheduleError "
        "StoreError UnknownFormatError ValidationError"
    ),
    ".grants.chain": "Dossier Replay replay",
    ".grants.committee": "ApplicationScore check_committee Committee",
    ".grants.criteria": (
        "criteria_registry Criterion GrantRefusal Param plural ProgramContext refuse Sentences Text "
        "Values Verdict"
    ),
    ".grants.evaluation": "Assessment Evaluator Ranking",
    ".grants.ledger": "Ledger",
    ".grants.scoresheet": "ScoreSheet SheetEntry",
    ".i18n": "Catalogue current_language Message N_ Plural t tn Verbatim",
    ".importers": "ImportContext Importer ImportResult resolve_territory SourceError",
    ".importers.cells": "BULLETS",
    ".importers.layout": "Block LayoutReader Paragraph Row Table",
    ".importers.wording": "french_date",
    ".model": (
        "Action ActionPlan Gazetteer Indicator Measurement Objective Organisation Participation "
        "Section Target Task Territory Theme TrackingLog with_measurements"
    ),
    ".model.base": "fold slugify",
    ".model.committee": "CommitteeDocument ScoringGrid",
    ".model.grants": (
        "Agreement Application ApplicationsDocument ApprovalChain ApprovalStep CallForProjects Contribution "
        "CriterionConfig Deadline Decision fiscal_year_of fiscal_year_period GrantProgram Payment "
        "Postponement ReportReceipt ReportRequirement total_of"
    ),
    ".model.indicators": "DEFAULT_SCALE",
    ".model.reporting": "Reporting",
    ".model.review": "COUNTED_STATES MANUAL_STATUSES ManualStatus Review ReviewPolicy UPDATE_STATES",
    ".progress": (
        "ActionProgress indicator_progress IndicatorProgress manual_statuses ObjectiveProgress plan_progress "
        "PlanProgress Rollup schedule_context TerritoryProgress ThemeProgress"
    ),
    ".reports": "render_report report_formats ReportContext ReportFormat ReportOption SHOW_SOURCE",
    ".reports.bilan": "bilan_context BilanView ChangeRow render_bilan",
    ".reports.html": "dashboard_parts DashboardParts",
    ".reports.labels": "Localizer STATUS_KEYS",
    ".reports.safety": "is_formula_like markdown_text neutralise_formula printable xml_text",
    ".reports.score_sheet": "score_sheet_formats ScoreSheetFormat",
    ".reports.view": "display_fraction IndicatorRow measurement_text PlanView territory_namer theme_fraction",
    ".schedules": (
        "ASTRONOMICAL_SEASONS METEOROLOGICAL_SEASONS parse_schedule Part Period Recurrence Schedule "
        "ScheduleContext"
    ),
    ".snapshots": (
        "Bilan CHANGE_KINDS compare_periods freeze IndicatorChange PeriodSide PeriodSnapshot thaw "
        "ThemeChange"
    ),
    ".storage": (
        "Backup DocumentInfo DocumentRecord Event EventRecord HistoryEntry MeasurementRecord "
        "open_store redact_url REVIEW_EVENT_KINDS Store StoredDocument Update url_path"
    ),
    ".storage.backends": (
        "changed_paths check_kept_indicators check_store_id decode_document json_bytes next_version "
        "INDICATOR_REMOVED_EVENT parse_time PlanCache prepare_document PreparedDocument removal_events "
        "removed_indicators structure_records validate_measurements"
    ),
    ".storage.facts": "FactGroup fact_key facts_for group_measurements merge_groups ProgressFacts Totals",
    ".storage.sql": "REVIEW_INDEXES snapshot_statements SqlStore",
    ".territories": "default_gazetteer",
    ".territories.table": "read_territory_table=read_table TerritoryTableOptions=TableOptions",
}

__getattr__, __dir__ = _lazy_attributes(__name__, _SOURCES, globals())

# -- values documented here, where the reference reads them --------------------------------

hookimpl = _hookimpl
"""The decorator of hook implementations: ``@hookimpl def actionplan_register_criteria(register): …``.

The same marker as ``actionplan.hookimpl``; the hooks and their contracts are in :mod:`actionplan.hookspecs`.
"""

del _hookimpl


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
    "Payment", "ReportReceipt", "Contribution", "total_of", "fiscal_year_of", "fiscal_year_period",
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
    "ReviewPolicy", "Update", "UPDATE_STATES", "COUNTED_STATES", "REVIEW_EVENT_KINDS", "Review",
    # -- statuses set by hand (a tracking log's manual_statuses; manual-status events) ---------
    "ManualStatus", "MANUAL_STATUSES", "manual_statuses",
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
