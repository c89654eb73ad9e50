"""DOCX bilan: two periods of a plan compared, as a Word document a board reads (``bilan-docx``).

It lays out what :class:`actionplan.api.BilanView` says — the same words and figures as the
core's ``bilan-html`` and ``bilan-markdown`` — in the office plugin's Word style: the two
periods and where their figures come from, the summary (reached, slipped, moved, unchanged),
the lists of what was reached and what slipped, then one table per theme with each
indicator's value, share done and status in both periods and what moved.
"""

from __future__ import annotations

import io

from docx import Document
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from actionplan.api import Bilan, BilanView, ReportContext, ReportFormat, xml_text

from .reproducible import reproducible
from .word import ACCENT, HEADER_SHADE, MUTED, STATUS_COLOURS, _page, _styles

#: Indicator, earlier period, later period, what moved, outcome (landscape Letter, 2 cm margins).
BILAN_WIDTHS = (Cm(6.4), Cm(5.0), Cm(5.0), Cm(5.6), Cm(2.4))
KIND_COLOURS = {"reached": STATUS_COLOURS["achieved"], "slipped": STATUS_COLOURS["late"]}


def _run(paragraph, text: str, *, bold: bool = False, italic: bool = False, colour=None, size: int | None = None):
    run = paragraph.add_run(xml_text(text))
    run.bold, run.italic = bold or None, italic or None
    if colour is not None:
        run.font.color.rgb = colour
    if size is not None:
        run.font.size = Pt(size)
    return run


def _shade(cell, colour: str) -> None:
    shading = OxmlElement("w:shd")
    shading.set(qn("w:val"), "clear")
    shading.set(qn("w:color"), "auto")
    shading.set(qn("w:fill"), colour)
    cell._tc.get_or_add_tcPr().append(shading)


def _repeat_header(row) -> None:
    """The header row repeats at the top of each page the table runs onto."""
    marker = OxmlElement("w:tblHeader")
    marker.set(qn("w:val"), "true")
    row._tr.get_or_add_trPr().append(marker)


def render_bilan_docx(bilan: Bilan, ctx: ReportContext) -> bytes:
    loc = ctx.loc
    view = BilanView(bilan, loc)
    document = Document()
    _page(document, loc)
    _styles(document)
    document.add_heading(xml_text(bilan.plan.title), level=0)
    _run(document.add_paragraph(), view.title(), bold=True, colour=ACCENT, size=13)
    for side in (bilan.before, bilan.after):
        _run(document.add_paragraph(style="List Bullet"), view.side_text(side), colour=MUTED)

    document.add_heading(loc("bilan.section.summary"), level=1)
    before, after, change = view.overall()
    document.add_paragraph(xml_text(loc("bilan.overall", before=before, after=after, change=change)))
    summary = document.add_table(rows=1, cols=2)
    summary.style = "Table Grid"
    for cell, text in zip(summary.rows[0].cells, (loc("bilan.col.kind"), loc("col.count")), strict=True):
        _run(cell.paragraphs[0], text, bold=True)
        _shade(cell, HEADER_SHADE)
    for kind, label, n in view.summary():
        cells = summary.add_row().cells
        _run(cells[0].paragraphs[0], label, bold=kind in KIND_COLOURS, colour=KIND_COLOURS.get(kind))
        _run(cells[1].paragraphs[0], loc.number(n))

    for kind in ("reached", "slipped"):
        document.add_heading(loc(f"bilan.section.{kind}"), level=1)
        rows = view.listed(kind)
        if not rows:
            _run(document.add_paragraph(), loc(f"bilan.section.{kind}_none"), italic=True, colour=MUTED)
        for row in rows:
            paragraph = document.add_paragraph(style="List Bullet")
            _run(paragraph, row.label, bold=True)
            _run(paragraph, f" ({row.action}) — ", colour=MUTED)
            _run(paragraph, f"{view.statuses_text(row)} · {row.moved}")

    document.add_heading(loc("bilan.section.themes"), level=1)
    for theme in bilan.themes:
        document.add_heading(xml_text(theme.theme.title), level=2)
        _run(document.add_paragraph(), loc.pair(loc("col.progress"), view.theme_line(theme)), colour=MUTED)
        table = document.add_table(rows=1, cols=5)
        table.style = "Table Grid"
        table.autofit = False
        headers = (loc("col.indicator"), bilan.before.label, bilan.after.label, loc("bilan.col.moved"),
                   loc("bilan.col.kind"))
        for cell, text in zip(table.rows[0].cells, headers, strict=True):
            _run(cell.paragraphs[0], text, bold=True)
            _shade(cell, HEADER_SHADE)
        _repeat_header(table.rows[0])
        for row in view.rows(theme):
            cells = table.add_row().cells
            _run(cells[0].paragraphs[0], row.label, bold=True)
            if row.action:
                _run(cells[0].add_paragraph(), row.action, colour=MUTED, size=8)
            for cell, value, share, status in ((cells[1], row.before_value, row.before_share, row.before_status),
                                               (cells[2], row.after_value, row.after_share, row.after_status)):
                _run(cell.paragraphs[0], value)
                if status is not None:
                    said = f"{share} · {loc.status(status)}" if share else loc.status(status)
                    _run(cell.add_paragraph(), said, colour=STATUS_COLOURS[status], size=8)
            _run(cells[3].paragraphs[0], row.moved)
            _run(cells[4].paragraphs[0], row.kind_label, bold=True, colour=KIND_COLOURS.get(row.kind))
        for column, width in zip(table.columns, BILAN_WIDTHS, strict=True):
            column.width = width  # the table grid, which LibreOffice reads
        for table_row in table.rows:
            for cell, width in zip(table_row.cells, BILAN_WIDTHS, strict=True):
                cell.width = width
    _run(document.add_paragraph(), loc("report.generated", tool="actionplan"), italic=True, colour=MUTED, size=8)
    properties = document.core_properties
    properties.title = xml_text(f"{bilan.plan.title} — {view.title()}")[:255]
    properties.author, properties.comments, properties.last_modified_by = "actionplan", "", ""
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible(buffer.getvalue(), ctx.as_of)


BILAN_DOCX_FORMAT = ReportFormat(
    name="bilan-docx",
    extension=".docx",
    description="Bilan between two periods as a Word document (actionplan bilan PLAN A B -f docx)",
    render=render_bilan_docx,
    media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    subjects=("bilan",),
)
