"""XLSX: a workbook people filter and sort in Excel or LibreOffice.

A summary sheet (one row per theme, counts by status, shares as real percentages), one
sheet per theme (one row per indicator: targets and values as numbers, dates as dates,
status in words on its colour), and a sheet for the grant program when the plan carries
one (envelopes by fiscal year in dollars, deposit deadlines). Every sheet has a frozen
header row and an auto-filter. Text is always stored as text: a cell starting with
``=``, ``+``, ``-``, ``@``… is written as a string with Excel's quote prefix, never as a
formula.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from actionplan.api import (
    SHOW_SOURCE,
    STATUS_KEYS,
    PlanView,
    ReportContext,
    ReportFormat,
    display_fraction,
    is_formula_like,
    theme_fraction,
    xml_text,
)

from .reproducible import reproducible

MAX_CELL = 32767  # Excel's limit on the characters of a cell
HEADER_FILL = PatternFill("solid", fgColor="1F4E79")
HEADER_FONT = Font(name="Calibri", bold=True, color="FFFFFF")
STATUS_FILLS = {
    status: PatternFill("solid", fgColor=colour) for status, colour in
    {"achieved": "DCF3E4", "on_track": "E1ECFA", "at_risk": "FCEFCB", "late": "FDE3E0", "not_started": "ECEEF2"}.items()
}
TOP, TOP_WRAPPED = Alignment(vertical="top"), Alignment(vertical="top", wrap_text=True)  # shared: styles are pooled
#: Number formats; the locale prefix makes Excel write French month names whatever the user's settings.
DATE_FORMATS = {"fr": "[$-C0C]d mmmm yyyy", "en": "[$-1009]mmmm d, yyyy"}
#: French writes the first of a month « 1er octobre 2026 »: those cells get their own format.
FIRST_DAY_FORMATS = {"fr": '[$-C0C]d"er" mmmm yyyy', "en": DATE_FORMATS["en"]}
MONEY_FORMATS = {"fr": '#,##0.00\\ "$"', "en": '"$"#,##0.00'}
PERCENT_FORMAT = "0%"
NUMBER_FORMAT = "#,##0.##"

INDICATOR_COLUMNS = (
    ("col.objective", 38), ("col.action", 44), ("col.indicator_id", 14), ("col.indicator", 40), ("col.kind", 20),
    ("col.unit", 14), ("col.target_num", 12), ("col.target", 22), ("col.value_num", 12), ("col.value", 22),
    ("col.progress", 13), ("col.expected_pct", 13), ("col.status", 15), ("col.schedule", 22), ("col.start", 16),
    ("col.end", 16), ("col.last_measured", 16), ("col.partners", 40), ("col.territories", 30),
)


def put(ws, row: int, column: int, value, number_format: str | None = None):
    """Write one cell: text always as text (formula-safe), numbers and dates as themselves."""
    cell = ws.cell(row=row, column=column)
    if isinstance(value, str):
        text = xml_text(value)[:MAX_CELL]
        cell.value = text
        cell.data_type = "s"  # never a formula, whatever the first character
        if is_formula_like(text):
            cell.quotePrefix = True  # and Excel keeps it text even when the cell is edited
    else:
        cell.value = value
        if number_format:
            if isinstance(value, dt.date) and value.day == 1 and number_format in _FIRST_DAY:
                number_format = _FIRST_DAY[number_format]
            cell.number_format = number_format
    return cell


_FIRST_DAY = {DATE_FORMATS[lang]: FIRST_DAY_FORMATS[lang] for lang in DATE_FORMATS}


def render_xlsx(plan, ctx: ReportContext) -> bytes:
    view, loc = PlanView(plan, ctx.progress, ctx.loc), ctx.loc
    workbook = Workbook()
    summary = workbook.worksheets[0]  # a new workbook holds one worksheet
    summary.title = _sheet_name(loc("report.overview"), set())
    _summary_sheet(summary, view, ctx)
    used = {summary.title}
    for theme in ctx.progress.themes:
        ws = workbook.create_sheet(_sheet_name(theme.theme.title, used))
        used.add(ws.title)
        _theme_sheet(ws, view, theme, ctx)
    program = ctx.program
    if program is not None:
        ws = workbook.create_sheet(_sheet_name(loc("report.program"), used))
        _program_sheet(ws, program, ctx)
    workbook.properties.title = xml_text(plan.title)[:255]
    workbook.properties.creator = "actionplan"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return reproducible(buffer.getvalue(), ctx.as_of)


def _summary_sheet(ws, view: PlanView, ctx: ReportContext) -> None:
    loc, progress = ctx.loc, ctx.progress
    put(ws, 1, 1, view.plan.title).font = Font(name="Calibri", bold=True, size=14)
    put(ws, 2, 1, loc("report.as_of", date=loc.date(ctx.as_of)))
    if ctx.illustrative:
        put(ws, 2, 3, loc("report.illustrative")).font = Font(italic=True, color="6E4700")
    if view.plan.source and ctx.options["show-source"]:
        put(ws, 3, 1, loc("report.source", source=view.plan.source)).font = Font(italic=True, color="596275")
    headers = [loc("col.theme"), loc("col.indicators"), *map(loc.status, STATUS_KEYS), loc("kpi.achieved"),
               loc("kpi.targets")]
    _header(ws, 4, headers, [48, 13, *[14] * len(STATUS_KEYS), 20, 20])
    row = 5
    for theme in [*progress.themes, None]:
        rollup = progress.rollup if theme is None else theme.rollup
        put(ws, row, 1, loc("total") if theme is None else theme.theme.title)
        put(ws, row, 2, rollup.total, "0")
        for offset, status in enumerate(STATUS_KEYS):
            put(ws, row, 3 + offset, rollup.counts.get(status, 0), "0")
        achieved = (Decimal(rollup.counts.get("achieved", 0)) / rollup.total) if rollup.total else None
        put(ws, row, 3 + len(STATUS_KEYS), achieved if theme is None else theme_fraction(theme), PERCENT_FORMAT)
        put(ws, row, 4 + len(STATUS_KEYS), rollup.fraction, PERCENT_FORMAT)
        if theme is None:
            for cell in ws[row]:
                cell.font = Font(name="Calibri", bold=True)
        row += 1
    ws.freeze_panes = "B5"
    ws.auto_filter.ref = f"A4:{get_column_letter(len(headers))}{row - 2}"  # the total row stays out of sorts
    _page_setup(ws)


def _theme_sheet(ws, view: PlanView, theme, ctx: ReportContext) -> None:
    loc = ctx.loc
    date_format = DATE_FORMATS[ctx.lang]
    _header(ws, 1, [loc(key) for key, _ in INDICATOR_COLUMNS], [width for _, width in INDICATOR_COLUMNS])
    row = 2
    for objective in theme.objectives:
        for action in objective.actions:
            a = action.action
            for ip in action.indicators:
                indicator, bounds = ip.indicator, ip.bounds
                values = [
                    (objective.objective.title, None), (a.title, None), (indicator.id, None), (indicator.label, None),
                    (loc.kind(indicator.kind), None), (indicator.unit or "", None),
                    (ip.target if ip.target is not None else indicator.target, NUMBER_FORMAT),
                    (view.target_text(ip), None), (ip.value, NUMBER_FORMAT), (view.value_text(ip), None),
                    (display_fraction(ip), PERCENT_FORMAT), (ip.expected, PERCENT_FORMAT),
                    (loc.status(ip.status), None), (a.schedule.text if a.schedule else "", None),
                    (bounds.start if bounds else None, date_format), (bounds.end if bounds else None, date_format),
                    (ip.latest.date if ip.latest is not None else None, date_format),
                    (view.partners_text(a), None), (view.territories_text(a), None),
                ]
                lines = 1
                for column, (value, number_format) in enumerate(values, start=1):
                    cell = put(ws, row, column, value, number_format)
                    wrapped = column in WRAPPED
                    cell.alignment = TOP_WRAPPED if wrapped else TOP
                    if wrapped and isinstance(value, str):
                        lines = max(lines, _lines(value, INDICATOR_COLUMNS[column - 1][1]))
                ws.row_dimensions[row].height = 15 * min(lines, 8)  # spreadsheets do not size wrapped rows
                status_cell = ws.cell(row=row, column=13)
                status_cell.fill = STATUS_FILLS[ip.status]
                row += 1
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(INDICATOR_COLUMNS))}{max(row - 1, 1)}"
    _page_setup(ws, fit=False)


def _program_sheet(ws, program, ctx: ReportContext) -> None:
    """The grant program: its envelopes by fiscal year, then its calls' deposit deadlines."""
    loc = ctx.loc
    money = MONEY_FORMATS[ctx.lang]
    date_format = DATE_FORMATS[ctx.lang]
    _header(ws, 1, [loc("col.fiscal_year"), loc("col.amount"), loc("col.item"), loc("col.due")], [18, 18, 50, 20])
    row = 2
    for year, amount in program.budget.items():
        put(ws, row, 1, year)
        put(ws, row, 2, amount, money)
        row += 1
    put(ws, row, 1, loc("total")).font = Font(name="Calibri", bold=True)
    put(ws, row, 2, program.budget_total, money).font = Font(name="Calibri", bold=True)
    row += 1
    for call in program.calls:
        for deadline in call.deadlines:
            put(ws, row, 3, deadline.label or call.title)
            put(ws, row, 4, deadline.date, date_format)
            row += 1
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:D{max(row - 1, 1)}"
    _page_setup(ws)


WRAPPED = (1, 2, 4, 18, 19)  # long text columns: objective, action, indicator, partners, territories


def _lines(text: str, width: int) -> int:
    """Lines a wrapped text takes in a column ``width`` characters wide (an estimate, words kept whole)."""
    return sum(max(1, -(-len(part) // max(width - 2, 1))) for part in text.splitlines() or [""])


def _header(ws, row: int, titles, widths) -> None:
    for column, (title, width) in enumerate(zip(titles, widths), start=1):
        cell = put(ws, row, column, title)
        cell.font, cell.fill = HEADER_FONT, HEADER_FILL
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        ws.column_dimensions[get_column_letter(column)].width = width
    ws.row_dimensions[row].height = 15 * max(_lines(t, w) for t, w in zip(titles, widths))


def _page_setup(ws, *, fit: bool = True) -> None:
    """Landscape; the narrow sheets fit the page's width, the wide ones print their header on each page."""
    ws.page_setup.orientation = "landscape"
    if fit:
        ws.page_setup.fitToWidth = 1
        ws.page_setup.fitToHeight = 0
        ws.sheet_properties.pageSetUpPr.fitToPage = True
    else:
        ws.print_title_rows = "1:1"


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")


def _sheet_name(title: str, used: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\, no quote at the ends."""
    base = _SHEET_FORBIDDEN.sub("-", xml_text(title)).strip().strip("'") or "Feuille"
    name, n = base[:31], 2
    while name.casefold() in {u.casefold() for u in used}:
        suffix = f" ({n})"
        name, n = base[: 31 - len(suffix)] + suffix, n + 1
    return name


XLSX_FORMAT = ReportFormat(
    name="xlsx",
    extension=".xlsx",
    description="Excel workbook: a summary and one sheet per theme, real numbers and dates, frozen headers, filters",
    render=render_xlsx,
    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    options=(SHOW_SOURCE,),
)
