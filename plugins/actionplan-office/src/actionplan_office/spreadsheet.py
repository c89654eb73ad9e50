"""XLSX: a workbook people filter and sort in Excel or LibreOffice.

A summary sheet (one row per theme, counts by status, shares as real percentages), one
sheet per theme (one row per indicator: targets and values as numbers, dates as dates,
status in words on its colour), and a sheet for the grant program when the plan carries
one (envelopes by fiscal year in dollars, deposit deadlines). Every sheet has a frozen
header row and an auto-filter. Text is always stored as text: a cell starting with
``=``, ``+``, ``-``, ``@``… is written as a string with Excel's quote prefix, never as a
formula.

Printed, every sheet is landscape Letter, one page wide, its header row repeated on each page,
with narrow margins, grid lines and a footer naming the sheet and the page. Theme sheets are
numbered and named at a word (« 3. Accessibilité des services »). Whole numbers show no decimal
separator. The workbook is streamed (openpyxl's write-only mode) and every cell takes one of a
few named styles, so the time grows with the plan's size and no faster.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Alignment, Font, NamedStyle, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.page import PageMargins
from openpyxl.worksheet.worksheet import Worksheet

from actionplan.api import (
    SHOW_SOURCE,
    STATUS_KEYS,
    PlanView,
    ReportContext,
    ReportFormat,
    display_fraction,
    is_formula_like,
    t,
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
TOP_WRAPPED = Alignment(vertical="top", wrap_text=True)  # shared by the plan workbook's cells: styles are pooled
#: Number formats; the locale prefix makes Excel write French month names whatever the user's settings.
DATE_FORMATS = {"fr": "[$-C0C]d mmmm yyyy", "en": "[$-1009]mmmm d, yyyy"}
#: French writes the first of a month « 1er octobre 2026 »: those cells get their own format.
FIRST_DAY_FORMATS = {"fr": '[$-C0C]d"er" mmmm yyyy', "en": DATE_FORMATS["en"]}
MONEY_FORMATS = {"fr": '#,##0.00\\ "$"', "en": '"$"#,##0.00'}
PERCENT_FORMAT = "0%"
#: Whole numbers show no decimal separator (« 4 », never « 4, »); the others show one or two decimals.
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0#"

INDICATOR_COLUMNS = (
    ("col.objective", 26), ("col.action", 30), ("col.indicator_id", 12), ("col.indicator", 28), ("col.kind", 14),
    ("col.unit", 11), ("col.target_num", 9), ("col.target", 16), ("col.value_num", 9), ("col.value", 16),
    ("col.progress", 12), ("col.expected_pct", 12), ("col.status", 12), ("col.schedule", 16), ("col.start", 17),
    ("col.end", 17), ("col.last_measured", 17), ("col.partners", 28), ("col.territories", 20),
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
    """The board workbook, streamed: openpyxl's write-only mode, every cell given one of the named styles."""
    view, loc = PlanView(plan, ctx.progress, ctx.loc), ctx.loc
    workbook = Workbook(write_only=True)
    styles = _Styles(workbook, ctx.lang)
    used: set[str] = set()
    summary = workbook.create_sheet(_sheet_name(loc("report.overview"), used))
    used.add(summary.title.casefold())
    _summary_sheet(summary, view, ctx, styles)
    for number, theme in enumerate(ctx.progress.themes, start=1):
        ws = workbook.create_sheet(numbered_sheet_name(number, theme.theme.title, used))
        used.add(ws.title.casefold())
        _theme_sheet(ws, view, theme, ctx, styles)
    program = ctx.program
    if program is not None:
        ws = workbook.create_sheet(_sheet_name(loc("report.program"), used))
        _program_sheet(ws, program, ctx, styles)
    workbook.properties.title = xml_text(plan.title)[:255]
    workbook.properties.creator = "actionplan"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return reproducible(buffer.getvalue(), ctx.as_of)


class _Styles:
    """The workbook's named styles, registered once; a cell takes one by name (no per-cell font or fill objects)."""

    def __init__(self, workbook, lang: str):
        top, wrapped = Alignment(vertical="top"), Alignment(vertical="top", wrap_text=True)
        bold = Font(name="Calibri", bold=True)
        specs: dict[str, dict] = {
            "ap-title": {"font": Font(name="Calibri", bold=True, size=14)},
            "ap-note": {"font": Font(name="Calibri", italic=True, color="596275")},
            "ap-warning": {"font": Font(name="Calibri", italic=True, color="6E4700")},
            "ap-header": {"font": HEADER_FONT, "fill": HEADER_FILL, "alignment": Alignment(vertical="center", wrap_text=True)},
            "ap-text": {"alignment": top},
            "ap-wrap": {"alignment": wrapped},
            "ap-integer": {"alignment": top, "number_format": INTEGER_FORMAT},
            "ap-decimal": {"alignment": top, "number_format": DECIMAL_FORMAT},
            "ap-percent": {"alignment": top, "number_format": PERCENT_FORMAT},
            "ap-date": {"alignment": top, "number_format": DATE_FORMATS[lang]},
            "ap-date-first": {"alignment": top, "number_format": FIRST_DAY_FORMATS[lang]},
            "ap-money": {"number_format": MONEY_FORMATS[lang]},
            "ap-total": {"font": bold},
            "ap-total-integer": {"font": bold, "number_format": INTEGER_FORMAT},
            "ap-total-percent": {"font": bold, "number_format": PERCENT_FORMAT},
            "ap-total-money": {"font": bold, "number_format": MONEY_FORMATS[lang]},
            **{f"ap-status-{status}": {"alignment": top, "fill": fill} for status, fill in STATUS_FILLS.items()},
        }
        for name, attributes in specs.items():
            workbook.add_named_style(NamedStyle(name=name, **attributes))

    def cell(self, ws, value, style: str | None = None):
        """A streamed cell: text always as text (formula-safe), numbers and dates as themselves, in ``style``."""
        if value is None:
            return None if style is None else _styled(WriteOnlyCell(ws), style)
        if isinstance(value, str):
            text = xml_text(value)[:MAX_CELL]
            cell = WriteOnlyCell(ws, text)
            cell.data_type = "s"  # never a formula, whatever the first character
            if style is not None:
                cell.style = style
            if is_formula_like(text):
                cell.quotePrefix = True  # and Excel keeps it text even when the cell is edited
            return cell
        cell = WriteOnlyCell(ws, value)
        if style is None:
            if isinstance(value, dt.date):
                style = "ap-date-first" if value.day == 1 else "ap-date"
            elif isinstance(value, (int, Decimal, float)) and not isinstance(value, bool):
                style = "ap-integer" if _whole(value) else "ap-decimal"
        if style is not None:
            cell.style = style
        return cell


def _styled(cell, style: str):
    cell.style = style
    return cell


def _whole(value) -> bool:
    """Whether a number is whole (« 4 », not « 4, »): it is then shown without a decimal separator."""
    if isinstance(value, Decimal):
        return value.is_finite() and value == value.to_integral_value()
    return float(value).is_integer()


def _summary_sheet(ws, view: PlanView, ctx: ReportContext, styles: _Styles) -> None:
    loc, progress = ctx.loc, ctx.progress
    headers = [loc("col.theme"), loc("col.indicators"), *map(loc.status, STATUS_KEYS),
               t("office.xlsx.col.achieved_share", ctx.lang), t("office.xlsx.col.target_progress", ctx.lang)]
    widths = [50, 12, *[12] * len(STATUS_KEYS), 16, 16]
    last_row = 4 + len(progress.themes) + 1
    _columns(ws, widths)
    ws.freeze_panes = "B5"
    ws.auto_filter.ref = f"A4:{get_column_letter(len(headers))}{last_row - 1}"  # the total row stays out of sorts
    _page_setup(ws, title_rows="4:4")
    cell = styles.cell
    ws.append([cell(ws, view.plan.title, "ap-title")])
    second = [cell(ws, loc("report.as_of", date=loc.date(ctx.as_of)))]
    if ctx.illustrative:
        second += [None, cell(ws, loc("report.illustrative"), "ap-warning")]
    ws.append(second)
    ws.append([cell(ws, loc("report.source", source=view.plan.source), "ap-note")]
              if view.plan.source and ctx.options["show-source"] else [])
    _header(ws, 4, styles, headers, widths)
    for number, theme in enumerate([*progress.themes, None], start=5):
        rollup = progress.rollup if theme is None else theme.rollup
        if theme is not None:
            ws.row_dimensions[number].height = 15 * min(_lines(theme.theme.title, widths[0]), MAX_LINES)
        achieved = (Decimal(rollup.counts.get("achieved", 0)) / rollup.total) if rollup.total else None
        prefix = "ap-total-" if theme is None else "ap-"
        ws.append([
            cell(ws, loc("total") if theme is None else theme.theme.title, "ap-total" if theme is None else "ap-wrap"),
            cell(ws, rollup.total, prefix + "integer"),
            *(cell(ws, rollup.counts.get(status, 0), prefix + "integer") for status in STATUS_KEYS),
            cell(ws, achieved if theme is None else theme_fraction(theme), prefix + "percent"),
            cell(ws, rollup.fraction, prefix + "percent"),
        ])
    ws.close()


def _theme_sheet(ws, view: PlanView, theme, ctx: ReportContext, styles: _Styles) -> None:
    loc, cell = ctx.loc, styles.cell
    widths = [width for _, width in INDICATOR_COLUMNS]
    rows = sum(len(action.indicators) for objective in theme.objectives for action in objective.actions)
    _columns(ws, widths)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(INDICATOR_COLUMNS))}{rows + 1}"
    _page_setup(ws, title_rows="1:1")
    _header(ws, 1, styles, [loc(key) for key, _ in INDICATOR_COLUMNS], widths)
    number = 2
    for objective in theme.objectives:
        for action in objective.actions:
            a = action.action
            schedule = a.schedule.text if a.schedule else ""
            partners, territories = view.partners_text(a), view.territories_text(a)
            for ip in action.indicators:
                indicator, bounds = ip.indicator, ip.bounds
                texts = (objective.objective.title, a.title, indicator.label, partners, territories)
                lines = max(_lines(text, width) for text, width in zip(texts, WRAPPED_WIDTHS))
                ws.row_dimensions[number].height = 15 * min(lines, MAX_LINES)  # spreadsheets do not size wrapped rows
                ws.append([
                    cell(ws, objective.objective.title, "ap-wrap"), cell(ws, a.title, "ap-wrap"),
                    cell(ws, indicator.id, "ap-text"), cell(ws, indicator.label, "ap-wrap"),
                    cell(ws, loc.kind(indicator.kind), "ap-wrap"), cell(ws, indicator.unit or "", "ap-wrap"),
                    cell(ws, ip.target if ip.target is not None else indicator.target),
                    cell(ws, view.target_text(ip), "ap-wrap"), cell(ws, ip.value), cell(ws, view.value_text(ip), "ap-wrap"),
                    cell(ws, display_fraction(ip), "ap-percent"), cell(ws, ip.expected, "ap-percent"),
                    cell(ws, loc.status(ip.status), f"ap-status-{ip.status}"), cell(ws, schedule, "ap-wrap"),
                    cell(ws, bounds.start if bounds else None), cell(ws, bounds.end if bounds else None),
                    cell(ws, ip.latest.date if ip.latest is not None else None),
                    cell(ws, partners, "ap-wrap"), cell(ws, territories, "ap-wrap"),
                ])
                ws.row_dimensions.pop(number, None)  # written with its row; the streamed sheet keeps no rows
                number += 1
    ws.close()  # the sheet's stream is complete: its temporary file is closed now, not at the save


def _program_sheet(ws, program, ctx: ReportContext, styles: _Styles) -> None:
    """The grant program: its envelopes by fiscal year, then its calls' deposit deadlines."""
    loc, cell = ctx.loc, styles.cell
    widths = [18, 18, 50, 20]
    deadlines = [(deadline.label or call.title, deadline.date) for call in program.calls for deadline in call.deadlines]
    _columns(ws, widths)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:D{len(program.budget) + 2 + len(deadlines)}"
    _page_setup(ws, title_rows="1:1")
    _header(ws, 1, styles, [loc("col.fiscal_year"), loc("col.amount"), loc("col.item"), loc("col.due")], widths)
    for year, amount in program.budget.items():
        ws.append([cell(ws, year), cell(ws, amount, "ap-money")])
    ws.append([cell(ws, loc("total"), "ap-total"), cell(ws, program.budget_total, "ap-total-money")])
    for label, due in deadlines:
        ws.append([None, None, cell(ws, label), cell(ws, due)])
    ws.close()


#: The long text columns (objective, action, indicator, partners, territories) and their widths.
WRAPPED = (1, 2, 4, 18, 19)
WRAPPED_WIDTHS = tuple(INDICATOR_COLUMNS[column - 1][1] for column in WRAPPED)
MAX_LINES = 15


def _lines(text: str, width: int) -> int:
    """Lines a wrapped text takes in a column ``width`` wide (an estimate: Calibri's letters average 0.85 of a digit)."""
    per_line = max(int(width * 1.15) - 2, 1)
    return sum(max(1, -(-len(part) // per_line)) for part in text.splitlines() or [""])


def _columns(ws, widths) -> None:
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def _header(ws, row: int, styles: _Styles, titles, widths) -> None:
    """The header row (row ``row``, the next one the stream writes): wrapped titles, as tall as the longest."""
    ws.row_dimensions[row].height = 15 * max(_lines(t, w) for t, w in zip(titles, widths))
    ws.append([styles.cell(ws, title, "ap-header") for title in titles])


def _page_setup(ws, *, title_rows: str) -> None:
    """Landscape Letter, one page wide (as many tall as it takes), the header rows on every page, narrow margins."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_LETTER
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=0.4, right=0.4, top=0.5, bottom=0.6, header=0.3, footer=0.3)
    ws.print_options.gridLines = True
    ws.print_title_rows = title_rows
    ws.oddFooter.center.text = "&A — &P / &N"  # the sheet's name, the page and the page count


_SHEET_FORBIDDEN = re.compile(r"[\[\]:*?/\\]")
SHEET_NAME_MAX = 31  # Excel's limit
#: What a name cut at a word must not end with (a dangling dash, comma, apostrophe, « …).
_DANGLING = " -–—,;.·'’«(&"
#: Words a cut name must not end with: « et », « de », « pour »… (French and English).
_LINKING_WORDS = frozenset("et ou de des du d' d’ la le les l' l’ à au aux en pour par sur avec dans and or of the for to in on "
                           "with a an".split())


def _sheet_name(title: str, used: set[str]) -> str:
    """A valid, unique sheet name: at most 31 characters, none of []:*?/\\, no quote at the ends."""
    base = _sheet_base(title)
    name, n = _cut(base, SHEET_NAME_MAX), 2
    taken = {u.casefold() for u in used}
    while name.casefold() in taken:
        suffix = f" ({n})"
        name, n = _cut(base, SHEET_NAME_MAX - len(suffix)) + suffix, n + 1
    return name


def _cut(base: str, size: int) -> str:
    """The first ``size`` characters of a sheet name, without a space or a quote left at its end
    (a reader that trims the name it finds in a cell must find the sheet again)."""
    return base[:size].rstrip().rstrip("'").rstrip() or "Feuille"


def numbered_sheet_name(number: int, title: str, used: set[str]) -> str:
    """« 3. Accessibilité des services »: the theme's number, then its title cut at a word to fit 31 characters.

    The forbidden characters ``[]:*?/\\`` become dashes; the name never ends on a dangling dash or
    comma. ``used`` holds the names already taken, casefolded (Excel compares them so); a name
    taken is made unique with « (2) », « (3) »…
    """
    prefix = f"{number}. "
    base = _numbered_base(title)
    name = prefix + cut_at_word(base, SHEET_NAME_MAX - len(prefix))
    n = 2
    while name.casefold() in used:
        suffix = f" ({n})"
        name, n = prefix + cut_at_word(base, SHEET_NAME_MAX - len(prefix) - len(suffix)) + suffix, n + 1
    return name


def _sheet_base(title: str) -> str:
    return _SHEET_FORBIDDEN.sub("-", xml_text(title)).replace("\n", " ").strip().strip("'") or "Feuille"


def _numbered_base(title: str) -> str:
    """The title as a sheet name may hold it: brackets, ``*`` and ``?`` dropped, ``/``, ``\\`` and ``:`` as dashes."""
    text = re.sub(r"[\[\]*?]", "", xml_text(title))
    return re.sub(r"[/\\:]", "-", text).strip().strip("'").rstrip(_DANGLING) or "-"


def cut_at_word(text: str, limit: int) -> str:
    """``text`` if it fits ``limit`` characters, else cut at the last word that fits (mid-word only for one long word)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    cut = text[: limit + 1]
    space = cut.rfind(" ")
    kept = cut[:space] if space > 0 else text[:limit]
    words = kept.rstrip(_DANGLING).split(" ")
    while len(words) > 1 and words[-1].casefold() in _LINKING_WORDS:  # « Réussite éducative et » → « Réussite éducative »
        words.pop()
    return " ".join(words).rstrip(_DANGLING) or text[:limit]


XLSX_FORMAT = ReportFormat(
    name="xlsx",
    extension=".xlsx",
    description="Excel workbook: a summary and one sheet per theme, real numbers and dates, frozen headers, filters",
    render=render_xlsx,
    media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    options=(SHOW_SOURCE,),
)
