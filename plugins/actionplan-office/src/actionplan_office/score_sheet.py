"""The score sheet of a call as an XLSX workbook (``actionplan grants scores -f xlsx``).

Two sheets: a summary (one row per application in rank order: score, spread, number of
members who scored, recusals) and the marks (per application, one row per criterion of the
grid with each member's mark, « N/A », or the member's recusal, then the aggregate, and a row
of each member's own score out of 100). Marks and scores are numbers, text is always text
(formula-safe), and the words are the score sheet's own (``sheet.labels(lang)``).
"""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter

from actionplan.api import Localizer, Message, ScoreSheetFormat

from .reproducible import reproducible
from .spreadsheet import DECIMAL_FORMAT, HEADER_FILL, HEADER_FONT, INTEGER_FORMAT, put

TITLE_FONT = Font(name="Calibri", bold=True, size=14)
BOLD = Font(name="Calibri", bold=True)
MUTED = Font(name="Calibri", italic=True, color="4B5563")
RECUSED_FILL = PatternFill("solid", fgColor="EEF0F3")
WRAPPED = Alignment(vertical="top", wrap_text=True)
#: The date a workbook's package is stamped with when the committee has no meeting date.
EPOCH = dt.date(1980, 1, 1)


def _format(value) -> str:
    """Whole numbers without a decimal separator (« 4 »), the others with one or two decimals (« 88,67 »)."""
    return INTEGER_FORMAT if isinstance(value, int | Decimal) and value == int(value) else DECIMAL_FORMAT


def _header(ws, row: int, values) -> None:
    for column, value in enumerate(values, start=1):
        cell = put(ws, row, column, value)
        cell.fill, cell.font, cell.alignment = HEADER_FILL, HEADER_FONT, WRAPPED


def _mark(ws, row: int, column: int, cell_value: tuple, labels) -> None:
    kind, value = cell_value
    if kind == "mark":
        put(ws, row, column, value, _format(value))
        return
    cell = put(ws, row, column, labels[kind])
    cell.font = MUTED
    cell.alignment = Alignment(horizontal="center")
    if kind == "recused":
        cell.fill = RECUSED_FILL


def _intro(ws, sheet, labels, lang: str) -> int:
    put(ws, 1, 1, labels["title"]).font = TITLE_FONT
    row = 2
    for text in (labels["call"], labels["scale"], labels["illustrative"]):
        if text:
            put(ws, row, 1, text)
            row += 1
    if sheet.meeting:
        put(ws, row, 1, f"{labels['meeting']} {Localizer(lang).date(sheet.meeting)}")
        row += 1
    return row + 1


def _printable(ws) -> None:
    """Landscape, one page wide: a committee prints its sheet."""
    ws.page_setup.orientation = "landscape"
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def render_xlsx(sheet, lang: str = "fr") -> bytes:
    """The score sheet as a workbook: a summary sheet and a sheet of every member's marks."""
    labels = sheet.labels(lang)
    book = Workbook()
    summary = book.worksheets[0]  # a new workbook holds one worksheet
    summary.title = labels["summary"][:31]
    row = _intro(summary, sheet, labels, lang)
    spread = [labels["low"], labels["high"]] if sheet.grid.spread == "range" else [labels["stdev"]]
    _header(summary, row, [labels["rank"], labels["application"], labels["lead"], labels["score"], *spread,
                           labels["scorers"], labels["recusals"]])
    summary.freeze_panes = f"A{row + 1}"
    first = row
    for entry in sheet.entries:
        row += 1
        scored = entry.score
        values = [entry.rank if entry.rank is not None else labels["not_eligible"],
                  f"{entry.application.id} — {entry.application.title}", entry.lead, scored.score]
        values += [scored.low, scored.high] if sheet.grid.spread == "range" else [scored.stdev]
        values += [scored.scorers, ", ".join(r.name for r in scored.recusals)]
        for column, value in enumerate(values, start=1):
            put(summary, row, column, value if value is not None else labels["none"], _format(value))
    summary.auto_filter.ref = f"A{first}:{get_column_letter(len(values))}{row}"
    for column, width in enumerate((8, 54, 44, 14, 16, 16, 18, 40), start=1):
        summary.column_dimensions[get_column_letter(column)].width = width

    marks = book.create_sheet(labels["marks"][:31])
    row = _intro(marks, sheet, labels, lang)
    members = sheet.members
    for entry in sheet.entries:
        app = entry.application
        heading = (f"{entry.rank}. " if entry.rank is not None else "") + f"{app.id} — {app.title} ({entry.lead})"
        put(marks, row, 1, heading).font = BOLD
        if entry.rank is None:
            put(marks, row, 2 + len(members) + 1, labels["not_eligible"]).font = MUTED
        row += 1
        _header(marks, row, [labels["criterion"], labels["weight"], *(m.name for m in members), labels["aggregate"]])
        by_criterion = {c.criterion.id: c for c in entry.score.criteria}
        for criterion in sheet.grid.items:
            row += 1
            put(marks, row, 1, criterion.label)
            put(marks, row, 2, criterion.weight, _format(criterion.weight))
            for column, member in enumerate(members, start=3):
                _mark(marks, row, column, entry.cell(member.id, criterion.id), labels)
            aggregate = by_criterion[criterion.id].aggregate
            _mark(marks, row, 3 + len(members), ("mark", aggregate) if aggregate is not None else ("na", None),
                  labels)
        row += 1
        put(marks, row, 1, labels["total"]).font = BOLD
        put(marks, row, 2, 100, INTEGER_FORMAT).font = BOLD
        for column, member in enumerate(members, start=3):
            _mark(marks, row, column, entry.member_score(member.id), labels)
        total = put(marks, row, 3 + len(members), entry.score.score if entry.score.score is not None
                    else labels["not_scored"], _format(entry.score.score))
        total.font = BOLD
        for line in [sheet.spread(entry, lang), *sheet.recusal(entry, lang)]:
            if line:
                row += 1
                put(marks, row, 1, line).alignment = Alignment(vertical="top")
        row += 2
    marks.column_dimensions["A"].width = 40
    for column in range(2, 4 + len(members)):
        marks.column_dimensions[get_column_letter(column)].width = 22 if column > 2 else 9
    _printable(summary)
    _printable(marks)
    buffer = io.BytesIO()
    book.save(buffer)
    return reproducible(buffer.getvalue(), sheet.meeting or EPOCH)


XLSX_SCORE_SHEET = ScoreSheetFormat("xlsx", ".xlsx", Message("office.scoresheet.format.xlsx"), render_xlsx,
                                    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
