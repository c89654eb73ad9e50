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
BODY_FONT = Font(name="Calibri", size=11)
STATUS_FILLS = {
    status: PatternFill("solid", fgColor=colour) for status, colour in
    {"achieved": "DCF3E4", "on_track": "E1ECFA", "at_risk": "FCEFCB", "late": "FDE3E0", "not_started": "ECEEF2"}.items()
}
TOP_WRAPPED = Alignment(vertical="top", wrap_text=True)  # shared by the plan workbook's cells: styles are pooled
#: Number formats; the locale prefix makes Excel write French month names whatever the user's settings.
DATE_FORMATS = {"fr": "[$-C0C]d mmmm yyyy", "en": "[$-1009]mmmm d, yyyy"}
#: French writes the first of a month « 1er octobre 2026 »: those cells get their own format.
FIRST_DAY_FORMATS = {"fr": '[$-C0C]d"er" mmmm yyyy', "en": DATE_FORMATS["en"]}
#: The board workbook's dates, months abbreviated (« 17 sept. 2026 », « 1er janv. 2026 »): three date columns
#: of a theme sheet then leave the page's width to the texts.
SHORT_DATE_FORMATS = {"fr": "[$-C0C]d mmm yyyy", "en": "[$-1009]mmm d, yyyy"}
SHORT_FIRST_DAY_FORMATS = {"fr": '[$-C0C]d"er" mmm yyyy', "en": SHORT_DATE_FORMATS["en"]}
MONEY_FORMATS = {"fr": '#,##0.00\\ "$"', "en": '"$"#,##0.00'}
PERCENT_FORMAT = "0%"
#: Whole numbers show no decimal separator (« 4 », never « 4, »); the others show one or two decimals.
INTEGER_FORMAT = "#,##0"
DECIMAL_FORMAT = "#,##0.0#"

#: The theme sheets' columns: header key and what the column holds, which says how it is sized (see
#: :func:`fitted_widths`): ``text`` wraps at words and shrinks to fit the page (the number is its share of
#: the room: the action's title gets more than the schedule's), ``word`` holds a few words and wraps to its
#: longest, ``fixed`` (ids, numbers, percentages, dates) is as wide as its widest value.
INDICATOR_COLUMNS = (
    ("col.objective", "text", 1.0), ("col.action", "text", 1.2), ("col.indicator_id", "fixed", 0),
    ("col.indicator", "text", 1.1), ("col.kind", "word", 0), ("col.unit", "word", 0), ("col.target_num", "fixed", 0),
    ("col.target", "text", 0.7), ("col.value_num", "fixed", 0), ("col.value", "text", 0.7),
    ("col.progress", "fixed", 0), ("col.expected_pct", "fixed", 0), ("col.status", "word", 0),
    ("col.schedule", "text", 0.7), ("col.start", "fixed", 0), ("col.end", "fixed", 0), ("col.last_measured", "fixed", 0),
    ("col.partners", "text", 0.9), ("col.territories", "text", 0.7),
)

#: Printed: landscape Letter (11 inches wide) with these side margins (inches), at 96 pixels an inch.
PAGE_WIDTH_INCHES = 11.0
SIDE_MARGIN_INCHES = 0.3
#: The scale the theme sheets are sized to print at, one page wide: the long texts wrap in narrower
#: columns until the sheet fits the page at this scale (fit-to-width then prints it at this scale or above).
PRINT_SCALE = 0.70
#: A column width is counted in widths of a digit of the default font (Calibri 11: 7 pixels).
DIGIT_PIXELS = 7
#: The widest a wrapped text column grows to when the page has room, and the narrowest it shrinks to.
TEXT_WIDTH_MAX = 40.0
TEXT_WIDTH_MIN = 11.0


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
            "ap-date": {"alignment": top, "number_format": SHORT_DATE_FORMATS[lang]},
            "ap-date-first": {"alignment": top, "number_format": SHORT_FIRST_DAY_FORMATS[lang]},
            "ap-money": {"number_format": MONEY_FORMATS[lang]},
            "ap-total": {"font": bold},
            "ap-total-integer": {"font": bold, "number_format": INTEGER_FORMAT},
            "ap-total-percent": {"font": bold, "number_format": PERCENT_FORMAT},
            "ap-total-money": {"font": bold, "number_format": MONEY_FORMATS[lang]},
            **{f"ap-status-{status}": {"alignment": wrapped, "fill": fill} for status, fill in STATUS_FILLS.items()},
        }
        for name, attributes in specs.items():
            # Every style names its font: a style without one is shown in the reader's fallback font (a serif in
            # LibreOffice), wider than the columns are sized for.
            workbook.add_named_style(NamedStyle(name=name, **{"font": BODY_FONT, **attributes}))

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
            ws.row_dimensions[number].height = LINE_HEIGHT * min(wrapped_lines(theme.theme.title, widths[0]), MAX_LINES)
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
    """One row per indicator; the columns sized to their content so the sheet prints readable, one page wide."""
    loc, cell = ctx.loc, styles.cell
    rows = []
    for objective in theme.objectives:
        for action in objective.actions:
            a = action.action
            schedule = a.schedule.text if a.schedule else ""
            partners, territories = view.partners_text(a), view.territories_text(a)
            for ip in action.indicators:
                indicator, bounds = ip.indicator, ip.bounds
                rows.append((
                    (objective.objective.title, "ap-wrap"), (a.title, "ap-wrap"), (indicator.id, "ap-wrap"),
                    (indicator.label, "ap-wrap"), (loc.kind(indicator.kind), "ap-wrap"), (indicator.unit or "", "ap-wrap"),
                    (ip.target if ip.target is not None else indicator.target, None), (view.target_text(ip), "ap-wrap"),
                    (ip.value, None), (view.value_text(ip), "ap-wrap"),
                    (display_fraction(ip), "ap-percent"), (ip.expected, "ap-percent"),
                    (loc.status(ip.status), f"ap-status-{ip.status}"), (schedule, "ap-wrap"),
                    (bounds.start if bounds else None, None), (bounds.end if bounds else None, None),
                    (ip.latest.date if ip.latest is not None else None, None),
                    (partners, "ap-wrap"), (territories, "ap-wrap"),
                ))
    headers = [loc(key) for key, *_ in INDICATOR_COLUMNS]
    shown_rows = [[_shown(value, loc) for value, _ in row] for row in rows]
    measure = _Measure()
    widths = fitted_widths(headers, [(kind, share) for _, kind, share in INDICATOR_COLUMNS], shown_rows, measure=measure)
    _columns(ws, widths)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(INDICATOR_COLUMNS))}{len(rows) + 1}"
    _page_setup(ws, title_rows="1:1")
    _header(ws, 1, styles, headers, widths)
    for number, row in enumerate(rows, start=2):
        # Spreadsheets do not size a row to its wrapped texts when they open a file (LibreOffice keeps the
        # default height): each row is given the height of its tallest wrapped cell.
        lines = max(map(measure.wrapped, shown_rows[number - 2], widths))
        ws.row_dimensions[number].height = LINE_HEIGHT * min(lines, MAX_LINES)
        ws.append([cell(ws, value, style) for value, style in row])
        ws.row_dimensions.pop(number, None)  # written with its row; the streamed sheet keeps no rows
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


def _shown(value, loc) -> str:
    """A cell's value as the spreadsheet shows it, to size its column: dates in words, shares in percent."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, dt.date):
        return loc.date(value, "medium")  # « 17 sept. 2026 », « 1er oct. 2026 », as the short formats show them
    if isinstance(value, Decimal) and value <= 1 and not _whole(value):
        return f"{value * 100:.0f} %"
    return f"{value:,}"


#: Advance widths of Calibri's letters, in widths of a digit (the unit of a column's width); others count as one.
_NARROW = dict.fromkeys(" \u00a0\u202f.,:;'’!|", 0.45) | dict.fromkeys("ijlIfJ()[]-–«»", 0.55) | dict.fromkeys("rtsz", 0.75)
_WIDE = dict.fromkeys("mw", 1.5) | dict.fromkeys("MW", 1.75) | dict.fromkeys("ABCDGHKNOQRUVXY&%", 1.2)
_LETTER_WIDTHS = _NARROW | _WIDE | dict.fromkeys("acegknovxy", 0.9)
#: Header cells are bold: a little wider.
_BOLD = 1.08
#: A cell's padding, in digit widths.
_PADDING = 1.4


#: Each width of :data:`_LETTER_WIDTHS` gets a marker character: a text translated to markers is measured by
#: counting them (in C), not by looking its letters up one by one.
_WIDTH_MARKERS = {width: chr(0xE000 + n) for n, width in enumerate(sorted(set(_LETTER_WIDTHS.values())))}
_TO_MARKERS = str.maketrans({letter: _WIDTH_MARKERS[width] for letter, width in _LETTER_WIDTHS.items()})


def text_width(text: str) -> float:
    """The width of ``text`` on one line in Calibri 11, in widths of a digit (an estimate, to size columns)."""
    marked = text.translate(_TO_MARKERS)
    return len(text) + sum((width - 1.0) * marked.count(marker) for width, marker in _WIDTH_MARKERS.items())


#: Where a line may break: spaces, not the no-break spaces of French typography (« 4 rencontres », « 75 % »).
_BREAKS = re.compile(r"[ \t\r\n]+")


def _words(text: str) -> list[str]:
    return [word for word in _BREAKS.split(text) if word]


class _Measure:
    """Widths of texts and words, each distinct one measured once: a sheet repeats its objectives' and actions'
    titles on every indicator's row, and its words (« de », « des », « partenaires ») everywhere."""

    def __init__(self) -> None:
        self.widths: dict[str, float] = {}
        self.lines: dict[tuple[str, float, bool], int] = {}

    def width(self, text: str) -> float:
        try:
            return self.widths[text]
        except KeyError:
            width = self.widths[text] = text_width(text)
            return width

    def longest_word(self, text: str) -> float:
        return max((self.width(word) for word in _words(text)), default=0.0)

    def wrapped(self, text: str, width: float, bold: bool = False) -> int:
        try:
            return self.lines[text, width, bold]
        except KeyError:
            lines = self.lines[text, width, bold] = wrapped_lines(text, width, bold=bold, measure=self)
            return lines


def print_width_budget(scale: float = PRINT_SCALE) -> float:
    """The sum of column widths (in digit widths) that prints one page wide on landscape Letter at ``scale``."""
    printable_pixels = (PAGE_WIDTH_INCHES - 2 * SIDE_MARGIN_INCHES) * 96
    return printable_pixels / scale / DIGIT_PIXELS


def fitted_widths(headers: list[str], kinds: list[tuple[str, float]], rows: list[list[str]],
                  budget: float | None = None, measure: _Measure | None = None) -> list[float]:
    """Column widths sized to their content, the long texts wrapped so the sheet fits ``budget`` (digit widths).

    ``kinds`` gives each column's kind and share (see :data:`INDICATOR_COLUMNS`). Headers wrap at words: a column
    is at least as wide as its header's longest word. A ``fixed`` column is as wide as its widest value, a
    ``word`` column as its longest word; a ``text`` column as its longest text up to :data:`TEXT_WIDTH_MAX`,
    then the ``text`` columns shrink together, each in proportion to its share, until the sheet fits the
    budget — none below its longest word capped at :data:`TEXT_WIDTH_MIN`. When even that does not fit, the
    application's fit-to-width scales the page down further.
    """
    budget = print_width_budget() if budget is None else budget
    measure = measure or _Measure()
    text_width, longest_word = measure.width, measure.longest_word
    columns = list(zip(*rows)) if rows else [() for _ in headers]
    widths, floors, shares = [], [], {}
    for index, (header, (kind, share), values) in enumerate(zip(headers, kinds, columns)):
        least = longest_word(header) * _BOLD
        if kind == "fixed":
            width = floor = max([least, *map(text_width, values)])
        elif kind == "word":
            width = floor = max([least, *map(longest_word, values)])
        else:
            width = max(least, min(max(map(text_width, values), default=0.0), TEXT_WIDTH_MAX))
            floor = min(width, max(least, min(max(map(longest_word, values), default=0.0), TEXT_WIDTH_MIN)))
            shares[index] = share
        widths.append(width + _PADDING)
        floors.append(floor + _PADDING)

    def fitted(level: float) -> list[float]:
        return [max(floors[i], min(widths[i], level * shares[i])) if i in shares else widths[i]
                for i in range(len(widths))]

    if sum(widths) > budget and shares:
        # The level L such that each text column, min(its width, max(its floor, L × its share)), lets the sheet
        # fit: found by bisection (the sum grows with L).
        low, high = 0.0, max(widths[i] / shares[i] for i in shares)
        for _ in range(40):
            level = (low + high) / 2
            low, high = (level, high) if sum(fitted(level)) <= budget else (low, level)
        widths = fitted(low)
    return [round(width, 1) for width in widths]


def _columns(ws, widths) -> None:
    for column, width in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(column)].width = width


def _header(ws, row: int, styles: _Styles, titles, widths) -> None:
    """The header row (row ``row``, the next one the stream writes): wrapped titles, as tall as the longest."""
    ws.row_dimensions[row].height = LINE_HEIGHT * max(wrapped_lines(t, w, bold=True) for t, w in zip(titles, widths))
    ws.append([styles.cell(ws, title, "ap-header") for title in titles])


#: The height of a line of Calibri 11 in points (Excel's; LibreOffice's lines are a little tighter), and the
#: most lines a row is given (Excel's rows are at most 409 points tall).
LINE_HEIGHT = 14.5
MAX_LINES = 28


def wrapped_lines(text: str, width: float, *, bold: bool = False, measure: _Measure | None = None) -> int:
    """The lines ``text`` takes wrapped at words in a column ``width`` wide (digit widths): an estimate."""
    room = max(width - 1.0, 1.0)  # a little more room than the columns were sized with: no row cut short
    factor = _BOLD if bold else 1.0
    width_of = (measure or _Measure()).width
    if "\n" not in text and width_of(text) * factor <= room:
        return 1  # most cells: one line
    space = _LETTER_WIDTHS[" "] * factor
    count = 0
    for paragraph in text.splitlines() or [""]:
        count += 1
        used = 0.0
        for word in _words(paragraph):
            size = width_of(word) * factor
            if used and used + space + size > room:
                count += 1
                used = 0.0
            if size > room:  # a word wider than the column breaks where it must
                extra = int(size // room)
                count += extra
                size -= extra * room
            used += (space if used else 0.0) + size
    return count


def _page_setup(ws, *, title_rows: str) -> None:
    """Landscape Letter, one page wide (as many tall as it takes), the header rows on every page, narrow margins."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = Worksheet.PAPERSIZE_LETTER
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True
    ws.page_margins = PageMargins(left=SIDE_MARGIN_INCHES, right=SIDE_MARGIN_INCHES, top=0.5, bottom=0.6, header=0.3,
                                  footer=0.3)
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
    return _trim_ends(_SHEET_FORBIDDEN.sub("-", xml_text(title)).replace("\n", " ")) or "Feuille"


def _trim_ends(text: str) -> str:
    """Without spaces or quotes at either end, however they alternate (« ' 0 » → « 0 »): a sheet name may
    not start or end with a quote, and a reader trims the name it finds in a cell."""
    return re.sub(r"^[\s']+|[\s']+$", "", text)


def _numbered_base(title: str) -> str:
    """The title as a sheet name may hold it: brackets, ``*`` and ``?`` dropped, ``/``, ``\\`` and ``:`` as dashes."""
    text = re.sub(r"[\[\]*?]", "", xml_text(title))
    return _trim_ends(re.sub(r"[/\\:]", "-", text)).rstrip(_DANGLING) or "-"


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
