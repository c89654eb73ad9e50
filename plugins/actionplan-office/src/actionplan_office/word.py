"""DOCX: the plan in its own table, the way round tables hand it to their board.

Each theme is a heading with its general objective (« ⇒ Objectif général : … ») and the
source document's four-column table: *Objectifs spécifiques* · *Moyens / Actions* ·
*Indicateurs de mise en œuvre* · *Échéancier*. An objective's cell spans its actions'
rows, sub-headings (« Communication d'influence ») span the table, indicators are
listed with « → » as in the source. With the ``progress`` option (on by default) each
indicator also says where it stands at the report date, in words and colour.
"""

from __future__ import annotations

import io

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt, RGBColor

from actionplan.api import SHOW_SOURCE, PlanView, ReportContext, ReportFormat, ReportOption, xml_text

from .reproducible import reproducible

ACCENT = RGBColor(0x1F, 0x4E, 0x79)
MUTED = RGBColor(0x59, 0x62, 0x75)
STATUS_COLOURS = {
    "achieved": RGBColor(0x15, 0x5D, 0x34), "on_track": RGBColor(0x1A, 0x4F, 0x8A),
    "at_risk": RGBColor(0x6E, 0x47, 0x00), "late": RGBColor(0x9B, 0x24, 0x18), "not_started": RGBColor(0x4A, 0x52, 0x63),
}
COLUMN_WIDTHS = (Cm(5.6), Cm(7.6), Cm(7.6), Cm(3.6))  # landscape Letter, 2 cm margins
HEADER_SHADE = "DCE6F0"
SUBHEADING_SHADE = "F1F4F8"


def render_docx(plan, ctx: ReportContext) -> bytes:
    view, loc = PlanView(plan, ctx.progress, ctx.loc), ctx.loc
    document = Document()
    _page(document, loc)
    _styles(document)
    document.add_heading(xml_text(plan.title), level=0)
    subtitle = document.add_paragraph()
    _run(subtitle, loc("report.period", start=loc.date(plan.period.start), end=loc.date(plan.period.end)), colour=MUTED)
    if ctx.options["progress"]:
        _run(subtitle, " · " + loc("report.as_of", date=loc.date(ctx.as_of)), bold=True, colour=ACCENT)
    if ctx.illustrative:
        _run(document.add_paragraph(), loc("report.illustrative"), italic=True, colour=STATUS_COLOURS["at_risk"])
    if plan.mission and ctx.options["mission"]:
        document.add_heading(loc("report.mission"), level=1)
        document.add_paragraph(xml_text(plan.mission))

    heading = None
    for theme in ctx.progress.themes:
        t = theme.theme
        if t.heading and t.heading != heading:
            document.add_heading(xml_text(t.heading), level=1)
        heading = t.heading or heading
        document.add_heading(xml_text(t.title), level=2 if t.heading else 1)
        if t.general_objective:
            paragraph = document.add_paragraph()
            _run(paragraph, "⇒ " + loc("doc.general_objective", text=""), bold=True)
            _run(paragraph, t.general_objective)
        if ctx.options["progress"] and theme.rollup.total:
            paragraph = document.add_paragraph()
            _run(paragraph, loc.status(theme.rollup.status), bold=True, colour=STATUS_COLOURS[theme.rollup.status])
            _run(paragraph, " · " + view.status_summary(theme.rollup), colour=MUTED)
        _plan_table(document, view, theme, ctx)

    program = ctx.program
    if program is not None:
        _program(document, program, ctx)
    if plan.source and ctx.options["show-source"]:
        _run(document.add_paragraph(), loc("report.source", source=plan.source), italic=True, colour=MUTED, size=8)
    properties = document.core_properties
    properties.title = xml_text(plan.title)[:255]
    properties.author, properties.comments, properties.last_modified_by = "actionplan", "", ""
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible(buffer.getvalue(), ctx.as_of)


def _plan_table(document, view: PlanView, theme, ctx: ReportContext) -> None:
    loc = ctx.loc
    table = document.add_table(rows=1, cols=4)
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    table.autofit = False
    titles = (loc("doc.objectives"), loc("doc.means"), loc("doc.indicators"), loc("doc.schedule"))
    for cell, title in zip(table.rows[0].cells, titles):
        cell.text = ""
        _run(cell.paragraphs[0], title, bold=True)
        _shade(cell, HEADER_SHADE)
    _repeat_header(table.rows[0])
    for objective in theme.objectives:
        o = objective.objective
        if o.subheading:
            row = table.add_row()
            merged = row.cells[0].merge(row.cells[3])
            _run(merged.paragraphs[0], o.subheading, bold=True, colour=ACCENT)
            _shade(merged, SUBHEADING_SHADE)
        first = None
        for action in objective.actions or (None,):
            row = table.add_row()
            cells = row.cells
            if first is None:
                first = cells[0]
                _run(first.paragraphs[0], o.title)
            if action is not None:
                _action_cell(cells[1], view, action.action)
                _indicators_cell(cells[2], view, action, ctx)
                if action.action.schedule is not None:
                    _run(cells[3].paragraphs[0], action.action.schedule.text)
            last = cells[0]
        if first is not None and last is not first:
            first.merge(last)
    for row in table.rows:
        for cell, width in zip(row.cells, COLUMN_WIDTHS):
            cell.width = width
    document.add_paragraph()


def _action_cell(cell, view: PlanView, action) -> None:
    paragraph = cell.paragraphs[0]
    if action.description:
        _run(paragraph, action.description, italic=True, colour=MUTED)
        paragraph = cell.add_paragraph()
    _run(paragraph, "→ " + action.title)
    partners = [p for p in action.partners if action.indicators or p.role != "responsible"]  # else in column 3
    if partners:
        names = ", ".join(f"{view.organisation_name(p.organisation)} ({view.loc.role(p.role)})" for p in partners)
        _run(cell.add_paragraph(), view.loc.pair(view.loc("col.partners"), names), size=8, colour=MUTED)


def _indicators_cell(cell, view: PlanView, action, ctx: ReportContext) -> None:
    loc = ctx.loc
    paragraph = cell.paragraphs[0]
    responsible = [view.organisation_name(p.organisation) for p in action.action.partners if p.role == "responsible"]
    if not action.indicators and responsible:  # the source writes the actors in this column
        _run(paragraph, loc("doc.responsible", names=", ".join(responsible)), italic=True)
        return
    for index, ip in enumerate(action.indicators):
        if index:
            paragraph = cell.add_paragraph()
        _run(paragraph, "→ " + ip.indicator.label)
        if ctx.options["progress"]:
            _run(paragraph, " — ", colour=MUTED)
            _run(paragraph, loc.status(ip.status), bold=True, colour=STATUS_COLOURS[ip.status], size=8)
            detail = view.value_text(ip)
            if ip.indicator.kind not in ("qualitative", "deliverable", "milestone") and ip.target is not None:
                detail = loc("value.of", value=detail, target=view.target_text(ip))
            _run(paragraph, f" ({detail})", colour=MUTED, size=8)


def _program(document, program, ctx: ReportContext) -> None:
    """The grant program: envelopes by fiscal year (« 195 007 $ »), then deposit deadlines."""
    loc = ctx.loc
    document.add_heading(loc("report.program") + " — " + xml_text(program.title), level=1)
    table = document.add_table(rows=1, cols=2)
    table.style = "Table Grid"
    for cell, title in zip(table.rows[0].cells, (loc("col.fiscal_year"), loc("col.amount"))):
        _run(cell.paragraphs[0], title, bold=True)
        _shade(cell, HEADER_SHADE)
    for year, amount in [*program.budget.items(), (loc("total"), program.budget_total)]:
        cells = table.add_row().cells
        _run(cells[0].paragraphs[0], year)
        _run(cells[1].paragraphs[0], loc.money(amount))
    for call in program.calls:
        for deadline in call.deadlines:
            paragraph = document.add_paragraph(style="List Bullet")
            _run(paragraph, loc.pair(deadline.label or call.title, loc.date(deadline.date)))


# -- small helpers --------------------------------------------------------------------------


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


def _page(document, loc) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(27.94), Cm(21.59)  # Letter, landscape
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    footer = section.footer.paragraphs[0]
    _run(footer, loc("doc.page") + " ", colour=MUTED, size=8)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    footer._p.append(field)


def _styles(document) -> None:
    normal = document.styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(9.5)
    for name in ("Title", "Heading 1", "Heading 2"):
        document.styles[name].font.color.rgb = ACCENT


DOCX_FORMAT = ReportFormat(
    name="docx",
    extension=".docx",
    description="Word document: the plan's own four-column tables by theme, with each indicator's status",
    render=render_docx,
    media_type="application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    options=(
        ReportOption("progress", "say where each indicator stands (off: the plan alone, as adopted)", default=True,
                     type="bool"),
        ReportOption("mission", "include the plan's mission", default=True, type="bool"),
        SHOW_SOURCE,
    ),
)
