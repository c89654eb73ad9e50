"""The plan workbook: a plan as an editable XLSX workbook (``report --format xlsx-plan``), read back by
``actionplan import FILE.xlsx``; and the same indicator rows as CSV (``csv-plan``) for scripted sources.

Sheets, in order (names in the plan's language; French or English are read):

* « Plan » — one field a row (id, title, period, organisation, language…);
* « Thèmes » — one theme a row, with the name of its sheet;
* one sheet per theme in the four-column layout of round tables' plans (« Objectifs
  spécifiques · Moyens / Actions · Indicateurs de mise en œuvre · Échéancier »), one row per
  indicator, the objective's and the action's cells merged down their rows, ids beside;
* « Indicateurs » — each indicator's kind (a list to pick from), unit, target, baseline, due date…;
* « Cibles » — targets by period or territory; « Partenaires » — who does what in each action
  (organisations and roles from lists); « Organisations »; « Territoires »; « Contexte »; « Tâches ».

Values are typed: numbers are numbers, dates dates, text text (never a formula). Reading is
strict: a renamed sheet, a missing column, a kind outside the list, a merged cell outside the
objective and action columns, a formula, a number written as text: each is reported with
its sheet and cell and what was expected, and nothing is imported.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

from actionplan.api import (
    ActionPlan,
    ImportContext,
    Importer,
    ImportResult,
    Issue,
    N_,
    ReportContext,
    ReportFormat,
    SourceError,
    ValidationError,
    fold,
    is_formula_like,
    neutralise_formula,
    plan_gazetteer,
    slugify,
)

#: The indicator kinds and partner roles the lists offer (the model's own).
KINDS = ("count", "tracked", "rate", "milestone", "deliverable", "coverage", "minimum", "qualitative")
ROLES = ("lead", "collaborator", "funder", "support", "responsible", "executing", "participant")
MAX_ROWS = 20_000

# sheet key → (French name, English name)
SHEETS = {
    "plan": ("Plan", "Plan"),
    "themes": ("Thèmes", "Themes"),
    "indicators": ("Indicateurs", "Indicators"),
    "targets": ("Cibles", "Targets"),
    "partners": ("Partenaires", "Partners"),
    "organisations": ("Organisations", "Organisations"),
    "territories": ("Territoires", "Territories"),
    "context": ("Contexte", "Context"),
    "tasks": ("Tâches", "Tasks"),
}
_HIDDEN_LISTS = "Listes"

# column key → (French header, English header, type): text, number, date, bool, list (;-separated), kind, role
Column = tuple[str, str, str, str]
#: The reporting settings (the plan's, and each indicator's own): ``reporting.KEY`` columns.
REPORTING_COLUMNS: tuple[Column, ...] = (
    ("reporting.frequency", "Fréquence du suivi", "Reporting frequency", "text"),
    ("reporting.due_days", "Délai de remise (jours)", "Days to report", "number"),
    ("reporting.stale_after", "Sans nouvelles après (jours)", "Stale after (days)", "number"),
    ("reporting.tolerance", "Marge de tolérance", "On-track band", "number"),
    ("reporting.reporter", "Organisation qui rend compte", "Reporter", "text"),
)
_REPORTING_DAYS = ("due_days", "stale_after")
PLAN_FIELDS: tuple[Column, ...] = (
    ("id", "Identifiant", "Id", "text"), ("title", "Titre", "Title", "text"),
    ("start", "Début", "Start", "date"), ("end", "Fin", "End", "date"),
    ("organisation", "Organisation", "Organisation", "text"), ("language", "Langue", "Language", "text"),
    ("fiscal_years", "Années financières", "Fiscal years", "bool"),
    ("free_text_schedules", "Échéanciers en texte libre", "Free-text schedules", "bool"),
    ("mission", "Mission", "Mission", "text"), ("source", "Source", "Source", "text"),
    ("illustrative", "Données fictives", "Illustrative data", "bool"),
    *REPORTING_COLUMNS,
)
THEME_COLUMNS: tuple[Column, ...] = (
    ("id", "Identifiant", "Id", "text"), ("title", "Titre", "Title", "text"), ("kind", "Genre", "Kind", "text"),
    ("heading", "Rubrique", "Heading", "text"), ("general_objective", "Objectif général", "General objective", "text"),
    ("number", "Numéro", "Number", "number"), ("note", "Note", "Note", "text"), ("sheet", "Feuille", "Sheet", "text"),
)
LAYOUT_COLUMNS: tuple[Column, ...] = (
    ("objective", "Objectifs spécifiques", "Specific objectives", "text"),
    ("action", "Moyens / Actions", "Means / Actions", "text"),
    ("indicator", "Indicateurs de mise en œuvre", "Implementation indicators", "text"),
    ("schedule", "Échéancier", "Schedule", "text"),
    ("objective_id", "Id objectif", "Objective id", "text"),
    ("action_id", "Id action", "Action id", "text"),
    ("indicator_id", "Id indicateur", "Indicator id", "text"),
    ("subheading", "Sous-titre", "Subheading", "text"),
    ("objective_note", "Note de l'objectif", "Objective note", "text"),
    ("description", "Description de l'action", "Action description", "text"),
    ("scale", "Échelle", "Scale", "text"), ("population", "Population ciblée", "Target population", "text"),
    ("territories", "Territoires de l'action", "Action territories", "list"),
    ("action_note", "Note de l'action", "Action note", "text"),
)
#: Columns that belong to the objective (merged down its rows) and to the action.
OBJECTIVE_KEYS = ("objective", "objective_id", "subheading", "objective_note")
ACTION_KEYS = ("action", "schedule", "action_id", "description", "scale", "population", "territories", "action_note")
INDICATOR_COLUMNS: tuple[Column, ...] = (
    ("id", "Id indicateur", "Indicator id", "text"), ("label", "Libellé", "Label", "text"),
    ("kind", "Genre", "Kind", "kind"), ("unit", "Unité", "Unit", "text"), ("target", "Cible", "Target", "number"),
    ("baseline", "Valeur de départ", "Baseline", "number"), ("due", "Échéance", "Due", "date"),
    ("target_territories", "Territoires visés", "Target territories", "list"), ("per", "Par", "Per", "text"),
    ("cumulative", "Cumulatif", "Cumulative", "bool"), ("direction", "Sens", "Direction", "text"),
    ("scale", "Échelle de niveaux", "Levels", "list"), ("target_level", "Niveau visé", "Target level", "text"),
    ("note", "Note", "Note", "text"),
    *REPORTING_COLUMNS,
)
TARGET_COLUMNS: tuple[Column, ...] = (
    ("indicator", "Id indicateur", "Indicator id", "text"), ("period", "Période", "Period", "text"),
    ("territory", "Territoire", "Territory", "text"), ("value", "Valeur", "Value", "number"),
)
PARTNER_COLUMNS: tuple[Column, ...] = (
    ("action", "Id action", "Action id", "text"), ("organisation", "Organisation", "Organisation", "text"),
    ("role", "Rôle", "Role", "role"), ("note", "Note", "Note", "text"),
)
ORGANISATION_COLUMNS: tuple[Column, ...] = (
    ("id", "Identifiant", "Id", "text"), ("name", "Nom", "Name", "text"),
    ("short_name", "Abréviation", "Short name", "text"), ("kind", "Genre", "Kind", "text"),
    ("territory", "Territoire", "Territory", "text"), ("website", "Site web", "Website", "text"),
    ("contact", "Contact", "Contact", "text"), ("email", "Courriel", "Email", "text"),
)
TERRITORY_COLUMNS: tuple[Column, ...] = (("id", "Identifiant", "Id", "text"), ("name", "Nom", "Name", "text"))
CONTEXT_COLUMNS: tuple[Column, ...] = (("title", "Titre", "Title", "text"), ("body", "Texte", "Text", "text"))
TASK_COLUMNS: tuple[Column, ...] = (
    ("id", "Identifiant", "Id", "text"), ("objective", "Objectif", "Objective", "text"),
    ("tasks", "Tâches à réaliser", "Tasks", "text"), ("responsible", "Responsable", "Responsible", "text"),
    ("responsible_organisations", "Organisations responsables", "Responsible organisations", "list"),
    ("start", "Début", "Start", "text"), ("deadline", "Échéance", "Deadline", "text"),
)
#: The CSV's columns: one row per indicator, the theme sheet's columns then the indicator's details (but the
#: reporter: the CSV names no organisation it could refer to).
CSV_COLUMNS: tuple[Column, ...] = (
    ("theme_id", "Id thème", "Theme id", "text"), ("theme", "Thème", "Theme", "text"),
    *LAYOUT_COLUMNS, *(c for c in INDICATOR_COLUMNS[2:] if c[0] != "reporting.reporter"),
)


def _header(column: Column, lang: str) -> str:
    return column[1] if lang == "fr" else column[2]


def _sheet_title(key: str, lang: str) -> str:
    return SHEETS[key][0 if lang == "fr" else 1]


# == writing ==================================================================================


def _text(value: Any, lang: str = "fr") -> Any:
    if value is None or value == () or value == "":
        return None
    if isinstance(value, tuple | list):
        return "; ".join(str(v) for v in value)
    if isinstance(value, bool):
        return ("oui" if value else "non") if lang == "fr" else ("yes" if value else "no")
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def plan_rows(plan: ActionPlan) -> Iterator[tuple[Any, Any, Any, dict[str, Any]]]:
    """(theme, objective, action, row) for every indicator of the plan (and every action without one)."""
    for theme in plan.themes:
        for objective in theme.objectives:
            for action in objective.actions or (None,):
                for indicator in (action.indicators if action is not None else ()) or (None,):
                    row: dict[str, Any] = {
                        "objective": objective.title, "objective_id": objective.id, "subheading": objective.subheading,
                        "objective_note": objective.note,
                    }
                    if action is not None:
                        row.update(action=action.title, action_id=action.id, description=action.description,
                                   schedule=action.schedule.text if action.schedule else None, scale=action.scale,
                                   population=action.population, territories=action.territories,
                                   action_note=action.note)
                    if indicator is not None:
                        row.update(indicator=indicator.label, indicator_id=indicator.id)
                    yield theme, objective, action, row


def _reporting_values(reporting) -> dict[str, Any]:
    """``reporting.KEY`` → value of a plan's or an indicator's reporting settings (``None`` left out)."""
    return {c[0]: getattr(reporting, c[0].partition(".")[2]) if reporting is not None else None
            for c in REPORTING_COLUMNS}


def _nested(values: dict[str, Any]) -> dict[str, Any]:
    """Read ``reporting.KEY`` values back into a ``reporting`` mapping (days as whole numbers)."""
    reporting = {key.partition(".")[2]: values.pop(key) for key in [k for k in values if k.startswith("reporting.")]}
    reporting = {k: (int(v) if k in _REPORTING_DAYS and v == int(v) else v) for k, v in reporting.items()
                 if v is not None}
    if reporting:
        values["reporting"] = reporting
    return values


def _indicator_values(indicator) -> dict[str, Any]:
    values = {key: getattr(indicator, key) for key, *_ in INDICATOR_COLUMNS if not key.startswith("reporting.")}
    values.update(_reporting_values(indicator.reporting))
    values["cumulative"] = None if indicator.cumulative else False
    values["direction"] = None if indicator.direction == "increase" else indicator.direction
    return values


def render_plan_workbook(plan: ActionPlan, ctx: ReportContext) -> bytes:
    """The plan as an editable workbook (see the module's docstring)."""
    from openpyxl import Workbook
    from openpyxl.worksheet.datavalidation import DataValidation

    from .reproducible import reproducible
    from .spreadsheet import DATE_FORMATS, HEADER_FILL, HEADER_FONT, TOP_WRAPPED, _sheet_name, put

    lang = ctx.lang
    workbook = Workbook()
    used: set[str] = set()

    def sheet(key: str, columns: tuple[Column, ...], rows: Iterable[dict[str, Any]], title: str | None = None):
        ws = workbook.create_sheet(title or _sheet_title(key, lang))
        used.add(ws.title)
        for index, column in enumerate(columns, start=1):
            cell = put(ws, 1, index, _header(column, lang))
            cell.font, cell.fill = HEADER_FONT, HEADER_FILL
            ws.column_dimensions[cell.column_letter].width = 14 if column[3] != "text" else 30
        ws.freeze_panes = "A2"
        for number, values in enumerate(rows, start=2):
            for index, column in enumerate(columns, start=1):
                value = _text(values.get(column[0]), lang)
                if value is not None:
                    cell = put(ws, number, index, value, DATE_FORMATS[lang] if column[3] == "date" else None)
                    cell.alignment = TOP_WRAPPED
        return ws

    workbook.remove(workbook.worksheets[0])
    fields = {"id": plan.id, "title": plan.title, "start": plan.period.start, "end": plan.period.end,
              "organisation": plan.organisation, "language": plan.language, "fiscal_years": plan.fiscal_years,
              "free_text_schedules": plan.free_text_schedules, "mission": plan.mission, "source": plan.source,
              "illustrative": plan.illustrative, **_reporting_values(plan.reporting)}
    ws = sheet("plan", (("field", "Champ", "Field", "text"), ("value", "Valeur", "Value", "text")),
               [{"field": _header(f, lang), "value": fields[f[0]]} for f in PLAN_FIELDS])
    for row in range(2, len(PLAN_FIELDS) + 2):
        if PLAN_FIELDS[row - 2][3] == "date":
            ws.cell(row=row, column=2).number_format = DATE_FORMATS[lang]
    ws.column_dimensions["B"].width = 80
    names: dict[str, str] = {}
    taken = used | {s[0] for s in SHEETS.values()} | {s[1] for s in SHEETS.values()} | {_HIDDEN_LISTS}
    for theme in plan.themes:
        names[theme.id] = _sheet_name(theme.title, taken)
        taken.add(names[theme.id])
    sheet("themes", THEME_COLUMNS, [{**{k: getattr(th, k) for k, *_ in THEME_COLUMNS[:-1]}, "sheet": names[th.id]}
                                    for th in plan.themes])
    rows_of: dict[int, list[dict[str, Any]]] = {id(theme): [] for theme in plan.themes}
    for th, _, _, values in plan_rows(plan):  # once for the whole plan, not once per theme
        rows_of[id(th)].append(values)
    for theme in plan.themes:
        rows = rows_of[id(theme)]
        ws = sheet("theme", LAYOUT_COLUMNS, rows, names[theme.id])
        ws.freeze_panes = "C2"
        _merge_down(ws, rows)
    indicators = [i for *_, i in plan.iter_indicators()]
    ws = sheet("indicators", INDICATOR_COLUMNS, [_indicator_values(i) for i in indicators])
    lists = workbook.create_sheet(_HIDDEN_LISTS)
    lists.sheet_state = "hidden"
    for index, kind in enumerate(KINDS, start=1):
        put(lists, index, 1, kind)
    for index, role in enumerate(ROLES, start=1):
        put(lists, index, 2, role)
    for index, organisation in enumerate(plan.organisations, start=1):
        put(lists, index, 3, organisation.id)
    last = max(len(indicators) + 200, 500)
    kinds = DataValidation(type="list", formula1=f"{_HIDDEN_LISTS}!$A$1:$A${len(KINDS)}", allow_blank=True,
                           showErrorMessage=True)
    kinds.add(f"C2:C{last}")
    ws.add_data_validation(kinds)
    sheet("targets", TARGET_COLUMNS, [{"indicator": i.id, "period": target.period, "territory": target.territory,
                                       "value": target.value} for i in indicators for target in i.targets])
    partners = [{"action": None, "organisation": p.organisation, "role": p.role, "note": p.note} for p in plan.partners]
    partners += [{"action": a.id, "organisation": p.organisation, "role": p.role, "note": p.note}
                 for *_, a in plan.iter_actions() for p in a.partners]
    ws = sheet("partners", PARTNER_COLUMNS, partners)
    roles = DataValidation(type="list", formula1=f"{_HIDDEN_LISTS}!$B$1:$B${len(ROLES)}", allow_blank=True,
                           showErrorMessage=True)
    roles.add(f"C2:C{len(partners) + 500}")
    ws.add_data_validation(roles)
    if plan.organisations:
        organisations = DataValidation(type="list", formula1=f"{_HIDDEN_LISTS}!$C$1:$C${len(plan.organisations) + 100}",
                                       allow_blank=True, showErrorMessage=False)
        organisations.add(f"B2:B{len(partners) + 500}")
        ws.add_data_validation(organisations)
    sheet("organisations", ORGANISATION_COLUMNS, [{k: getattr(o, k) for k, *_ in ORGANISATION_COLUMNS}
                                                  for o in plan.organisations])
    gazetteer = plan_gazetteer(plan)
    sheet("territories", TERRITORY_COLUMNS, [{"id": tid, "name": gazetteer[tid].name if tid in gazetteer else None}
                                             for tid in plan.territories])
    sheet("context", CONTEXT_COLUMNS, [{"title": s.title, "body": s.body} for s in plan.context])
    sheet("tasks", TASK_COLUMNS, [{
        "id": task.id, "objective": task.objective, "tasks": task.tasks, "responsible": task.responsible,
        "responsible_organisations": task.responsible_organisations,
        "start": task.start.text if task.start else None, "deadline": task.deadline.text if task.deadline else None,
    } for task in plan.tasks])
    workbook.move_sheet(lists, offset=len(workbook.worksheets))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return reproducible(buffer.getvalue(), ctx.as_of)


def _merge_down(ws, rows: list[dict[str, Any]]) -> None:
    """Merge each objective's and each action's cells down the rows they span."""
    keys = [c[0] for c in LAYOUT_COLUMNS]

    def spans(key: str) -> Iterator[tuple[int, int]]:
        start = 0
        for index in range(1, len(rows) + 1):
            if index == len(rows) or rows[index].get(key) != rows[start].get(key) or rows[index].get(key) is None:
                if index - start > 1 and rows[start].get(key) is not None:
                    yield start + 2, index + 1
                start = index

    for owner, group in (("objective_id", OBJECTIVE_KEYS), ("action_id", ACTION_KEYS)):
        for first, last in spans(owner):
            for key in group:
                column = keys.index(key) + 1
                ws.merge_cells(start_row=first, start_column=column, end_row=last, end_column=column)


PLAN_WORKBOOK_FORMAT = ReportFormat(
    name="xlsx-plan",
    extension=".xlsx",
    description="The plan as an editable workbook (one sheet per theme, indicators, organisations…), "
                "read back by « actionplan import »",
    render=render_plan_workbook,
    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
)


def render_plan_csv(plan: ActionPlan, ctx: ReportContext) -> bytes:
    """One row per indicator (and per action without one): the theme sheets' columns and the indicator's details."""
    lang = ctx.lang
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_header(c, lang) for c in CSV_COLUMNS])
    for theme, _objective, action, row in plan_rows(plan):
        indicator = next((i for i in (action.indicators if action else ()) if i.id == row.get("indicator_id")), None)
        values = {"theme_id": theme.id, "theme": theme.title, **row, **(_indicator_values(indicator) if indicator else {})}
        writer.writerow([_csv_cell(values.get(c[0]), lang) for c in CSV_COLUMNS])
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def _csv_cell(value: Any, lang: str) -> str:
    value = _text(value, lang)
    if value is None:
        return ""
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, str):
        return neutralise_formula(value)  # « '=… »: a spreadsheet opening the file shows text, runs nothing
    return str(value)


PLAN_CSV_FORMAT = ReportFormat(
    name="csv-plan",
    extension=".csv",
    description="The plan as CSV, one row per indicator (the plan workbook's columns), read back by « actionplan import »",
    render=render_plan_csv,
    media_type="text/csv",
)


# == reading ==================================================================================


_BOOLEAN_FORMULAS = {"=TRUE()", "=FALSE()", "=TRUE", "=FALSE"}


class _Formula(str):
    """The text of a formula cell (a text cell that starts with « = » is text, not this)."""


def _cell_values(cells: Iterable[Any]) -> tuple[Any, ...]:
    return tuple(_Formula(c.value) if c.data_type == "f" else c.value for c in cells)


class _Cells:
    """Reads a workbook's cells, collecting every problem (sheet, cell, what was expected)."""

    def __init__(self, ctx: ImportContext):
        self.ctx = ctx
        self.issues: list[Issue] = []
        self.warnings: list[Issue] = []

    def where(self, sheet: str, row: int, column: int | None = None) -> str:
        from openpyxl.utils import get_column_letter

        if column is None:
            return self.ctx.t("office.plan.where_row", sheet=sheet, row=row)
        return self.ctx.t("office.plan.where_cell", sheet=sheet, cell=f"{get_column_letter(column)}{row}")

    def error(self, where: str, code: str, *, expected: str | None = None, found: Any = None, **params: Any) -> None:
        self.issues.append(Issue(where, self.ctx.t(code, **params), expected=expected,
                                 found=None if found is None else repr(found)))

    def value(self, sheet: str, row: int, column: int, raw: Any, kind: str) -> Any:
        """A cell's value as ``kind`` wants it; ``None`` for an empty cell (errors are collected)."""
        where = self.where(sheet, row, column)
        if isinstance(raw, _Formula) and raw.replace(" ", "").upper() in _BOOLEAN_FORMULAS:
            raw = raw.replace(" ", "").upper().startswith("=TRUE")  # how LibreOffice saves a boolean cell
        if isinstance(raw, _Formula):
            self.error(where, N_("office.plan.formula"), expected=self.ctx.t("office.plan.formula.expected"),
                       found=str(raw))
            return None
        if isinstance(raw, str):
            raw = raw.strip() or None
        if raw is None:
            return None
        if kind == "number":
            if isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
                self.error(where, N_("office.plan.number_expected"), expected=self.ctx.t("office.plan.number.expected"),
                           found=raw)
                return None
            return Decimal(str(raw)) if isinstance(raw, float) else Decimal(raw)
        if kind == "date":
            if isinstance(raw, dt.datetime):
                return raw.date()
            if isinstance(raw, dt.date):
                return raw
            if isinstance(raw, str) and re.fullmatch(r"\d{4}-\d{2}-\d{2}", raw):
                try:
                    return dt.date.fromisoformat(raw)
                except ValueError:
                    pass
            self.error(where, N_("office.plan.date_expected"), expected=self.ctx.t("office.plan.date.expected"), found=raw)
            return None
        if kind == "bool":
            if isinstance(raw, bool):
                return raw
            folded = fold(str(raw))
            if folded in ("oui", "yes", "vrai", "true", "1"):
                return True
            if folded in ("non", "no", "faux", "false", "0"):
                return False
            self.error(where, N_("office.plan.bool_expected"), expected="oui | non", found=raw)
            return None
        if isinstance(raw, dt.datetime | dt.date):
            raw = raw.date().isoformat() if isinstance(raw, dt.datetime) else raw.isoformat()
        elif isinstance(raw, float) and raw.is_integer():
            raw = int(raw)
        text = str(raw)
        if kind == "list":
            return [part.strip() for part in text.split(";") if part.strip()]
        if kind in ("kind", "role"):
            allowed = KINDS if kind == "kind" else ROLES
            if text not in allowed:
                self.error(where, N_("office.plan.not_in_list"), expected=" | ".join(allowed), found=text)
                return None
        return text


def _table(cells: _Cells, ws, columns: tuple[Column, ...], *, check_merges: bool = True) -> list[tuple[int, dict]]:
    """The rows of a sheet under its header, as dicts by column key; a missing column is an error."""
    sheet = ws.title
    if check_merges and ws.merged_cells.ranges:
        for merged in ws.merged_cells.ranges:
            cells.error(cells.where(sheet, merged.min_row, merged.min_col), N_("office.plan.merged_here"),
                        expected=cells.ctx.t("office.plan.merged.expected"), found=str(merged.coord))
    rows = [_cell_values(row) for row in ws.iter_rows()]
    if len(rows) > MAX_ROWS:
        raise SourceError(cells.ctx.source, cells.ctx.t("office.plan.too_many_rows", sheet=sheet, limit=MAX_ROWS))
    header = [fold(str(v)).strip(" :*") if v is not None else "" for v in (rows[0] if rows else ())]
    positions: dict[str, int] = {}
    for column in columns:
        names = {fold(column[1]), fold(column[2])}
        index = next((i for i, h in enumerate(header) if h in names), None)
        if index is None:
            cells.error(cells.where(sheet, 1), N_("office.plan.missing_column"), expected=_header(column, cells.ctx.lang),
                        found=" | ".join(str(v) for v in (rows[0] if rows else ()) if v is not None) or None)
        else:
            positions[column[0]] = index
    found = []
    for number, values in enumerate(rows[1:], start=2):
        if not any(v is not None and str(v).strip() for v in values):
            continue
        row = {}
        for column in columns:
            index = positions.get(column[0])
            if index is not None and index < len(values):
                row[column[0]] = cells.value(sheet, number, index + 1, values[index], column[3])
        found.append((number, row))
    return found


def _sheet(cells: _Cells, workbook, key: str, required: bool = True):
    names = SHEETS[key]
    for name in workbook.sheetnames:
        if fold(name) in (fold(names[0]), fold(names[1])):
            return workbook[name]
    if required:
        cells.error(cells.ctx.t("office.plan.workbook"), N_("office.plan.missing_sheet"), expected=names[0],
                    found=", ".join(workbook.sheetnames))
    return None


def read_plan_workbook(raw: bytes, ctx: ImportContext) -> ImportResult:
    """A plan workbook's plain data; every problem is reported at once, with its sheet and cell."""
    from actionplan_word.safety import check_package

    check_package(raw, ctx, required="xl/workbook.xml", kind="Excel")
    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(raw), data_only=False)
    except Exception as exc:  # noqa: BLE001 - any parser failure on untrusted input is a user error
        raise SourceError(ctx.source, ctx.t("office.plan.unreadable", error=f"{type(exc).__name__}: {exc}")) from None
    try:
        return _read(workbook, ctx)
    finally:
        workbook.close()


def _read(workbook, ctx: ImportContext) -> ImportResult:
    cells = _Cells(ctx)
    plan_ws = _sheet(cells, workbook, "plan")
    themes_ws = _sheet(cells, workbook, "themes")
    others = {key: _sheet(cells, workbook, key, required=key in ("indicators", "organisations"))
              for key in ("indicators", "targets", "partners", "organisations", "territories", "context", "tasks")}
    if cells.issues:
        raise ValidationError(cells.issues, ctx.source)
    data: dict[str, Any] = {"schema_version": 1}
    fields = _plan_fields(cells, plan_ws)
    data.update(_nested({k: v for k, v in fields.items() if k not in ("start", "end") and v is not None}))
    data["period"] = {"start": fields.get("start"), "end": fields.get("end")}
    organisations = [{k: v for k, v in row.items() if v is not None}
                     for _, row in _table(cells, others["organisations"], ORGANISATION_COLUMNS)]
    if organisations:
        data["organisations"] = organisations
    if others["territories"] is not None:
        territories = [row["id"] for _, row in _table(cells, others["territories"], TERRITORY_COLUMNS) if row.get("id")]
        if territories:
            data["territories"] = territories
    if others["context"] is not None:
        context = [{"title": row.get("title") or "", "body": row.get("body") or ""}
                   for _, row in _table(cells, others["context"], CONTEXT_COLUMNS)]
        if context:
            data["context"] = context
    details = {row["id"]: (number, row) for number, row in _table(cells, others["indicators"], INDICATOR_COLUMNS)
               if row.get("id")}
    targets: dict[str, list[dict]] = {}
    if others["targets"] is not None:
        for _, row in _table(cells, others["targets"], TARGET_COLUMNS):
            if row.get("indicator") and row.get("value") is not None:
                targets.setdefault(row["indicator"], []).append(
                    {k: row[k] for k in ("value", "period", "territory") if row.get(k) is not None})
    partners: dict[str | None, list[dict]] = {}
    if others["partners"] is not None:
        for _, row in _table(cells, others["partners"], PARTNER_COLUMNS):
            if row.get("organisation"):
                partners.setdefault(row.get("action"), []).append(
                    {k: row[k] for k in ("organisation", "role", "note") if row.get(k) is not None})
    if partners.get(None):
        data["partners"] = partners.pop(None)
    themes = []
    for number, row in _table(cells, themes_ws, THEME_COLUMNS):
        name = row.get("sheet")
        theme: dict[str, Any] = {k: (int(v) if k == "number" else v) for k, v in row.items()
                                 if k != "sheet" and v is not None}
        ws = next((workbook[n] for n in workbook.sheetnames if name and fold(n) == fold(name)), None)
        if ws is None:
            cells.error(cells.where(themes_ws.title, number, len(THEME_COLUMNS)), N_("office.plan.no_theme_sheet"),
                        expected=", ".join(workbook.sheetnames), found=name)
            continue
        theme_id = str(theme.get("id") or slugify(str(theme.get("title") or ws.title), 50))
        theme["objectives"] = _objectives(cells, ws, theme_id, details, targets, partners)
        themes.append(theme)
    data["themes"] = themes
    if others["tasks"] is not None:
        tasks = [{k: v for k, v in row.items() if v not in (None, [])} for _, row in _table(cells, others["tasks"],
                                                                                             TASK_COLUMNS)]
        if tasks:
            data["tasks"] = tasks
    if cells.issues:
        raise ValidationError(cells.issues, ctx.source)
    return ImportResult(data, (), tuple(cells.warnings))


def _plan_fields(cells: _Cells, ws) -> dict[str, Any]:
    by_name = {fold(name): column for column in PLAN_FIELDS for name in column[1:3]}
    found: dict[str, Any] = {}
    for number, values in enumerate((_cell_values(row) for row in ws.iter_rows(min_row=2, max_col=2)), start=2):
        if not values or values[0] is None:
            continue
        column = by_name.get(fold(str(values[0])).strip(" :*"))
        if column is None:
            cells.error(cells.where(ws.title, number, 1), N_("office.plan.unknown_field"),
                        expected=" | ".join(_header(c, cells.ctx.lang) for c in PLAN_FIELDS), found=values[0])
            continue
        found[column[0]] = cells.value(ws.title, number, 2, values[1] if len(values) > 1 else None, column[3])
    for column in PLAN_FIELDS[:4]:
        if found.get(column[0]) is None:
            cells.error(cells.where(ws.title, 1), N_("office.plan.missing_field"), expected=_header(column, cells.ctx.lang))
    return found


def _objectives(cells: _Cells, ws, theme_id: str, details, targets, partners) -> list[dict]:
    """A theme sheet's rows: a row with no objective cell continues the objective above, and so for actions."""
    allowed = {[c[0] for c in LAYOUT_COLUMNS].index(k) + 1 for k in (*OBJECTIVE_KEYS, *ACTION_KEYS)}
    for merged in ws.merged_cells.ranges:
        if merged.min_col != merged.max_col or merged.min_col not in allowed:
            cells.error(cells.where(ws.title, merged.min_row, merged.min_col), N_("office.plan.merged_here"),
                        expected=cells.ctx.t("office.plan.merged.layout_expected"), found=str(merged.coord))
    objectives: list[dict] = []
    objective: dict | None = None
    action: dict | None = None
    prefix = theme_id[:20]
    for number, row in _table(cells, ws, LAYOUT_COLUMNS, check_merges=False):
        if row.get("objective") or row.get("objective_id"):
            objective = {"id": row.get("objective_id") or f"{prefix}-o{len(objectives) + 1}",
                         "title": row.get("objective") or "", "actions": []}
            for key, field in (("subheading", "subheading"), ("objective_note", "note")):
                if row.get(key):
                    objective[field] = row[key]
            objectives.append(objective)
            action = None
        if objective is None:
            cells.error(cells.where(ws.title, number, 1), N_("office.plan.row_without_objective"),
                        expected=cells.ctx.t("office.plan.objective.expected"))
            continue
        if row.get("action") or row.get("action_id"):
            action = {"id": row.get("action_id") or f"{objective['id']}-a{len(objective['actions']) + 1}",
                      "title": row.get("action") or ""}
            for key, field in (("description", "description"), ("scale", "scale"), ("population", "population"),
                               ("territories", "territories"), ("schedule", "schedule"), ("action_note", "note")):
                if row.get(key):
                    action[field] = row[key]
            if partners.get(action["id"]):
                action["partners"] = partners[action["id"]]
            objective["actions"].append(action)
        if row.get("indicator") or row.get("indicator_id"):
            if action is None:
                cells.error(cells.where(ws.title, number, 3), N_("office.plan.indicator_without_action"),
                            expected=cells.ctx.t("office.plan.action.expected"))
                continue
            indicators = action.setdefault("indicators", [])
            indicator_id = row.get("indicator_id") or f"{action['id']}-i{len(indicators) + 1}"
            indicator: dict[str, Any] = {"id": indicator_id, "label": row.get("indicator") or ""}
            detail = details.get(indicator_id)
            if detail is None:
                indicator["kind"] = "deliverable"
                cells.warnings.append(Issue(cells.where(ws.title, number, 3), cells.ctx.t("office.plan.no_details"),
                                            found=f"« {indicator['label']} »", severity="warning"))
            else:
                indicator.update(_nested({k: v for k, v in detail[1].items()
                                          if k not in ("id", "label") and v not in (None, [])}))
            if targets.get(indicator_id):
                indicator["targets"] = targets[indicator_id]
            indicators.append(indicator)
    return objectives


PLAN_WORKBOOK_IMPORTER = Importer(
    name="xlsx-plan",
    extensions=(".xlsx",),
    description="A plan workbook (as « report --format xlsx-plan » writes it, or filled in from « init --format xlsx »)",
    read=read_plan_workbook,
    max_bytes=20 * 1024 * 1024,
)


def read_plan_csv(raw: bytes, ctx: ImportContext) -> ImportResult:
    """A CSV of one row per indicator (the ``csv-plan`` columns) as a plan's plain data; options give the plan's fields."""
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(ctx.source, ctx.t("office.plan.csv_not_utf8", position=exc.start)) from None
    sample = text[:4096]
    delimiter = ";" if sample.count(";") > sample.count(",") else ","
    rows = list(csv.reader(io.StringIO(text), delimiter=delimiter))
    if len(rows) > MAX_ROWS:
        raise SourceError(ctx.source, ctx.t("office.plan.too_many_rows", sheet=ctx.source, limit=MAX_ROWS))
    cells = _Cells(ctx)
    header = [fold(h).strip(" :*") for h in (rows[0] if rows else [])]
    positions: dict[str, int] = {}
    for column in CSV_COLUMNS:
        index = next((i for i, h in enumerate(header) if h in (fold(column[1]), fold(column[2]))), None)
        if index is None:
            if column[0] in ("theme", "objective", "action", "indicator", "kind"):
                cells.error(ctx.t("office.plan.csv_where", row=1), N_("office.plan.missing_column"),
                            expected=_header(column, ctx.lang), found=" | ".join(rows[0]) if rows else None)
        else:
            positions[column[0]] = index
    if cells.issues:
        raise ValidationError(cells.issues, ctx.source)
    themes: dict[str, dict] = {}
    objectives: dict[tuple[str, str], dict] = {}
    actions: dict[tuple[str, str], dict] = {}
    for number, values in enumerate(rows[1:], start=2):
        if not any(v.strip() for v in values):
            continue
        row: dict[str, Any] = {}
        for column in CSV_COLUMNS:
            index = positions.get(column[0])
            cell_text = values[index] if index is not None and index < len(values) else None
            if cell_text and cell_text.startswith("'") and is_formula_like(cell_text[1:]):
                cell_text = cell_text[1:]  # as csv-plan writes cell_text a spreadsheet would run
            raw_value: Any = cell_text
            if column[3] == "number" and cell_text and re.fullmatch(r"\s*-?\d+(?:[.,]\d+)?\s*", cell_text):
                raw_value = Decimal(cell_text.strip().replace(",", "."))
            row[column[0]] = cells.value(ctx.source, number, (index or 0) + 1, raw_value, column[3])
        title = row.get("theme") or row.get("theme_id")
        if not title or not row.get("objective"):
            cells.error(ctx.t("office.plan.csv_where", row=number), N_("office.plan.csv_row_incomplete"),
                        expected=ctx.t("office.plan.csv_row.expected"))
            continue
        theme_id = row.get("theme_id") or slugify(title, 50)
        theme = themes.setdefault(theme_id, {"id": theme_id, "title": row.get("theme") or theme_id, "objectives": []})
        key = (theme_id, row.get("objective_id") or row["objective"])
        objective = objectives.get(key)
        if objective is None:
            objective = {"id": row.get("objective_id") or f"{theme_id[:20]}-o{len(theme['objectives']) + 1}",
                         "title": row["objective"], "actions": []}
            for source_key, field in (("subheading", "subheading"), ("objective_note", "note")):
                if row.get(source_key):
                    objective[field] = row[source_key]
            objectives[key] = objective
            theme["objectives"].append(objective)
        if not row.get("action"):
            continue
        akey = (objective["id"], row.get("action_id") or row["action"])
        action = actions.get(akey)
        if action is None:
            action = {"id": row.get("action_id") or f"{objective['id']}-a{len(objective['actions']) + 1}",
                      "title": row["action"]}
            for source_key, field in (("description", "description"), ("scale", "scale"), ("population", "population"),
                                      ("territories", "territories"), ("schedule", "schedule"),
                                      ("action_note", "note")):
                if row.get(source_key):
                    action[field] = row[source_key]
            actions[akey] = action
            objective["actions"].append(action)
        if row.get("indicator"):
            indicators = action.setdefault("indicators", [])
            indicator = {"id": row.get("indicator_id") or f"{action['id']}-i{len(indicators) + 1}",
                         "label": row["indicator"], "kind": row.get("kind") or "deliverable"}
            indicator.update(_nested({c[0]: row[c[0]] for c in INDICATOR_COLUMNS[3:] if row.get(c[0]) not in (None, [])}))
            indicators.append(indicator)
    if cells.issues:
        raise ValidationError(cells.issues, ctx.source)
    options = ctx.options
    organisation = options.get("organisation")
    data: dict[str, Any] = {"schema_version": 1, "themes": list(themes.values())}
    year = str(options.get("year") or "")
    match = re.fullmatch(r"(\d{4})(?:-(\d{4}))?", year)
    if not match:
        raise SourceError(ctx.source, ctx.t("office.plan.csv_needs_year"), expected="--year 2026 | --year 2025-2026")
    first, last = int(match[1]), int(match[2] or match[1])
    fiscal = last == first + 1
    data["period"] = ({"start": dt.date(first, 4, 1), "end": dt.date(last, 3, 31)} if fiscal
                      else {"start": dt.date(first, 1, 1), "end": dt.date(last, 12, 31)})
    if fiscal:
        data["fiscal_years"] = True
    data["title"] = options.get("title") or (f"{organisation} — " if organisation else "") + ctx.t(
        "office.plan.csv_title", year=year)
    data["id"] = options.get("id") or slugify(f"{organisation or 'plan'} {year}", 80)
    if organisation:
        data["organisation"] = slugify(organisation)
        data["organisations"] = [{"id": slugify(organisation), "name": organisation}]
    if options.get("territories"):
        data["territories"] = list(options["territories"])
    return ImportResult(data)


PLAN_CSV_IMPORTER = Importer(
    name="csv-plan",
    extensions=(".csv",),
    description="A plan as CSV, one row per indicator (the columns of « report --format csv-plan »)",
    read=read_plan_csv,
    max_bytes=10 * 1024 * 1024,
)


__all__ = ["PLAN_CSV_FORMAT", "PLAN_CSV_IMPORTER", "PLAN_WORKBOOK_FORMAT", "PLAN_WORKBOOK_IMPORTER",
           "read_plan_csv", "read_plan_workbook", "render_plan_csv", "render_plan_workbook"]
