"""DOCX: the plan in its own table, the way round tables hand it to their board.

Each theme is a heading with its general objective (« ⇒ Objectif général : … ») and the
source document's four-column table: *Objectifs spécifiques* · *Moyens / Actions* ·
*Indicateurs de mise en œuvre* · *Échéancier*. An objective's cell spans its actions'
rows, sub-headings (« Communication d'influence ») span the table, indicators are
listed with « → » as in the source. With the ``progress`` option (on by default) each
indicator also says where it stands at the report date, in words and colour.
"""

from __future__ import annotations

import functools
import io
import re
from typing import Any
from xml.sax.saxutils import escape

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.style import WD_STYLE_TYPE
from docx.oxml import OxmlElement, parse_xml
from docx.oxml.ns import nsdecls, qn
from docx.shared import Cm, Pt, RGBColor

from actionplan.api import SHOW_SOURCE, PlanView, ReportContext, ReportFormat, ReportOption, t, xml_text

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
#: Character styles the runs take by name (defined once in the document's styles, not run by run).
CHARACTER_STYLES: dict[str, dict[str, Any]] = {
    "AP Muted": {"colour": MUTED},
    "AP Muted Small": {"colour": MUTED, "size": 8},
    "AP Accent Bold": {"colour": ACCENT, "bold": True},
    "AP Warning": {"colour": STATUS_COLOURS["at_risk"], "italic": True},
    **{f"AP Status {status}": {"colour": colour, "bold": True} for status, colour in STATUS_COLOURS.items()},
    **{f"AP Status Small {status}": {"colour": colour, "bold": True, "size": 8} for status, colour in STATUS_COLOURS.items()},
}


def render_docx(plan, ctx: ReportContext) -> bytes:
    """The document's body is written as WordprocessingML in one pass and parsed once (no per-run API calls)."""
    view, loc = PlanView(plan, ctx.progress, ctx.loc), ctx.loc
    document = Document()
    _page(document, loc)
    ids = _styles(document)
    out = _Body(ids)
    out.paragraph([(plan.title, None)], style="Title")
    period = loc("report.period", start=loc.date(plan.period.start), end=loc.date(plan.period.end))
    runs = [(period, "AP Muted")]
    if ctx.options["progress"]:
        runs.append((" · " + loc("report.as_of", date=loc.date(ctx.as_of)), "AP Accent Bold"))
    out.paragraph(runs)
    if ctx.illustrative:
        out.paragraph([(loc("report.illustrative"), "AP Warning")])
    if plan.mission and ctx.options["mission"]:
        out.paragraph([(loc("report.mission"), None)], style="Heading 1")
        out.paragraph([(plan.mission, None)])

    heading = None
    for theme in ctx.progress.themes:
        th = theme.theme
        if th.heading and th.heading != heading:
            out.paragraph([(th.heading, None)], style="Heading 1")
        heading = th.heading or heading
        out.paragraph([(th.title, None)], style="Heading 2" if th.heading else "Heading 1")
        if th.general_objective:
            out.paragraph([("⇒ " + loc("doc.general_objective", text=""), "bold"), (th.general_objective, None)])
        if ctx.options["progress"] and theme.rollup.total:
            out.paragraph([(loc.status(theme.rollup.status), f"AP Status {theme.rollup.status}"),
                           (" · " + view.status_summary(theme.rollup), "AP Muted")])
        _plan_table(out, view, theme, ctx)

    program = ctx.program
    if program is not None:
        _program(out, program, ctx)
    if plan.organisations and ctx.options["organisations"]:
        _organisations(out, plan, ctx)
    if plan.source and ctx.options["show-source"]:
        out.paragraph([(loc("report.source", source=plan.source), "AP Muted Small italic")])
    out.insert_into(document)
    properties = document.core_properties
    properties.title = xml_text(plan.title)[:255]
    properties.author, properties.comments, properties.last_modified_by = "actionplan", "", ""
    buffer = io.BytesIO()
    document.save(buffer)
    return reproducible(buffer.getvalue(), ctx.as_of)


class _Body:
    """WordprocessingML for the document's body, gathered as text: paragraphs, runs and tables by style id."""

    def __init__(self, style_ids: dict[str, str]):
        self.ids = style_ids
        self.parts: list[str] = []

    def runs(self, runs) -> str:
        """``(text, look)`` pairs; ``look`` is None, « bold », « italic », a character style's name, or « <name> italic »."""
        xml = []
        for text, look in runs:
            xml.append(f'<w:r>{self._run_properties(look)}<w:t xml:space="preserve">{escape(xml_text(text))}</w:t></w:r>')
        return "".join(xml)

    def _run_properties(self, look: str | None) -> str:
        if look is None:
            return ""
        if look == "bold":
            return "<w:rPr><w:b/></w:rPr>"
        name, italic = (look[: -len(" italic")], True) if look.endswith("italic") else (look, False)
        style = f'<w:rStyle w:val="{self.ids[name]}"/>' if name else ""
        return f"<w:rPr>{style}{'<w:i/>' if italic else ''}</w:rPr>"

    def paragraph_xml(self, runs, style: str | None = None) -> str:
        properties = f'<w:pPr><w:pStyle w:val="{self.ids[style]}"/></w:pPr>' if style else ""
        return f"<w:p>{properties}{self.runs(runs)}</w:p>"

    def paragraph(self, runs, style: str | None = None) -> None:
        self.parts.append(self.paragraph_xml(runs, style))

    def insert_into(self, document) -> None:
        """Parse the gathered body once and put it before the section properties, in order."""
        body = document.element.body
        parsed = parse_xml(f"<w:body {nsdecls('w')}>{''.join(self.parts)}</w:body>")
        section = body.find(qn("w:sectPr"))
        for child in list(parsed):
            section.addprevious(child)


def _twips(length) -> int:
    return int(round(length.twips))


GRID = "".join(f'<w:gridCol w:w="{_twips(width)}"/>' for width in COLUMN_WIDTHS)


def _cell(paragraphs: list[str], width, *, span: int = 1, merge: str | None = None, shade: str | None = None) -> str:
    """A table cell: its width, span, vertical merge (« restart » / « continue ») and shading, then its paragraphs."""
    properties = f'<w:tcW w:w="{width}" w:type="dxa"/>'
    if span > 1:
        properties += f'<w:gridSpan w:val="{span}"/>'
    if merge == "restart":
        properties += '<w:vMerge w:val="restart"/>'
    elif merge == "continue":
        properties += "<w:vMerge/>"
    if shade:
        properties += f'<w:shd w:val="clear" w:color="auto" w:fill="{shade}"/>'
    return f"<w:tc><w:tcPr>{properties}</w:tcPr>{''.join(paragraphs) or '<w:p/>'}</w:tc>"


WIDTHS = tuple(_twips(width) for width in COLUMN_WIDTHS)


def _table(rows: list[str], grid: str, style_id: str, *, centred: bool = True) -> str:
    centre = '<w:jc w:val="center"/>' if centred else ""
    look = ('<w:tblLook w:val="04A0" w:firstRow="1" w:lastRow="0" w:firstColumn="1" w:lastColumn="0" w:noHBand="0" '
            'w:noVBand="1"/>')
    properties = f'<w:tblStyle w:val="{style_id}"/><w:tblW w:w="0" w:type="auto"/>{centre}<w:tblLayout w:type="fixed"/>'
    return f"<w:tbl><w:tblPr>{properties}{look}</w:tblPr><w:tblGrid>{grid}</w:tblGrid>{''.join(rows)}</w:tbl>"


def _plan_table(out: _Body, view: PlanView, theme, ctx: ReportContext) -> None:
    loc = ctx.loc
    titles = (loc("doc.objectives"), loc("doc.means"), loc("doc.indicators"), loc("doc.schedule"))
    header = "".join(_cell([out.paragraph_xml([(title, "bold")])], width, shade=HEADER_SHADE)
                     for title, width in zip(titles, WIDTHS))
    rows = [f'<w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>{header}</w:tr>']
    for objective in theme.objectives:
        o = objective.objective
        if o.subheading:
            paragraph = out.paragraph_xml([(o.subheading, "AP Accent Bold")])
            rows.append(f"<w:tr>{_cell([paragraph], sum(WIDTHS), span=4, shade=SUBHEADING_SHADE)}</w:tr>")
        actions = objective.actions or (None,)
        for index, action in enumerate(actions):
            merge = None if len(actions) == 1 else ("restart" if index == 0 else "continue")
            first = _cell([out.paragraph_xml([(o.title, None)])] if index == 0 else [], WIDTHS[0], merge=merge)
            if action is None:
                rest = "".join(_cell([], width) for width in WIDTHS[1:])
            else:
                schedule = [out.paragraph_xml([(action.action.schedule.text, None)])] if action.action.schedule else []
                rest = (_cell(_action_cell(out, view, action.action), WIDTHS[1])
                        + _cell(_indicators_cell(out, view, action, ctx), WIDTHS[2]) + _cell(schedule, WIDTHS[3]))
            rows.append(f"<w:tr>{first}{rest}</w:tr>")
    out.parts.append(_table(rows, GRID, out.ids["Table Grid"]))
    out.paragraph([])


def _action_cell(out: _Body, view: PlanView, action) -> list[str]:
    paragraphs = []
    if action.description:
        paragraphs.append(out.paragraph_xml([(action.description, "AP Muted italic")]))
    paragraphs.append(out.paragraph_xml([("→ " + action.title, None)]))
    partners = [p for p in action.partners if action.indicators or p.role != "responsible"]  # else in column 3
    if partners:
        names = ", ".join(f"{view.organisation_name(p.organisation)} ({view.loc.role(p.role)})" for p in partners)
        paragraphs.append(out.paragraph_xml([(view.loc.pair(view.loc("col.partners"), names), "AP Muted Small")]))
    return paragraphs


def _indicators_cell(out: _Body, view: PlanView, action, ctx: ReportContext) -> list[str]:
    loc = ctx.loc
    responsible = [view.organisation_name(p.organisation) for p in action.action.partners if p.role == "responsible"]
    if not action.indicators and responsible:  # the source writes the actors in this column
        return [out.paragraph_xml([(loc("doc.responsible", names=", ".join(responsible)), "italic")])]
    paragraphs = []
    for lead_in, label, items in indicator_lines(action.indicators, loc("col.note"), loc.pair):
        if lead_in is not None:
            paragraphs.append(out.paragraph_xml([(loc.pair(lead_in, "").rstrip(), None)]))  # « … : » in French
            continue
        runs: list[tuple[str, str | None]] = [("→ " + label, None)]
        if ctx.options["progress"]:
            for index, ip in enumerate(items):
                runs.append((" — " if index == 0 else " · ", "AP Muted"))
                detail = view.value_text(ip)
                if ip.indicator.kind not in ("qualitative", "deliverable", "milestone") and ip.target is not None:
                    detail = loc("value.of", value=detail, target=view.target_text(ip))
                runs.append((loc.status(ip.status), f"AP Status Small {ip.status}"))
                runs.append((f" ({detail})", "AP Muted Small"))
        paragraphs.append(out.paragraph_xml(runs))
    return paragraphs


#: « (Ex. : …) », « (p. ex. …) », « (e.g. …) »: the note the source writes after an indicator, and the importer reads there.
_EXAMPLE = re.compile(r"^\((?:ex|p\.\s*ex|e\.g)\b.*\)$", re.IGNORECASE | re.DOTALL)
#: « En collaboration avec le Pôle … », « Avec la TCGFM »: a lead-in the source writes above the indicators it covers.
_WITH = re.compile(r"^(?:en (?:collaboration|partenariat) )?avec\s+[^:()]+$", re.IGNORECASE)


#: The note the core's importer gives indicators split from one cell (a code of the core's catalogue, not this plugin's).
SOURCE_CELL = "importers.layout.source_cell"


@functools.cache
def _source_cell_forms() -> list[tuple[str, str]]:
    """The importer's « Cellule source : « … » » note in each language, as (prefix, suffix)."""
    forms = []
    for lang in ("fr", "en"):
        text = t(SOURCE_CELL, lang, label="\x00")
        prefix, _, suffix = text.partition("\x00")
        forms.append((prefix, suffix))
    return forms


def _source_cell(note: str | None) -> str | None:
    if note:
        for prefix, suffix in _source_cell_forms():
            if note.startswith(prefix) and note.endswith(suffix) and len(note) > len(prefix) + len(suffix):
                return note[len(prefix): len(note) - len(suffix)]
    return None


#: A note the importer reads back from « (Note : …) » after the label: one line, no parentheses.
_PLAIN_NOTE = re.compile(r"^[^()\n]+$")


def indicator_lines(indicators, note_word: str, pair) -> list[tuple[str | None, str, list]]:
    """The lines of an action's indicator cell as the source document writes them, so the Word importer reads them back.

    Each line is ``(lead_in, label, indicators)``: a lead-in line (« En collaboration avec … : »)
    when the indicators that follow, to the cell's end, share it as their note; else one item
    (« → label », an example note « (Ex. : …) » kept after it, any other note as « (Note : …) »)
    for one indicator, or for the indicators split from one source cell (their note « Cellule
    source : « … » »), written as that cell. ``note_word`` is « Note » in the report's language,
    ``pair`` its localiser's ``pair`` (« Note : … » with French spacing).
    """
    lines: list[tuple[str | None, str, list]] = []
    notes = [ip.indicator.note for ip in indicators]
    lead: str | None = None
    index = 0
    while index < len(indicators):
        ip = indicators[index]
        note = notes[index]
        if note and note != lead and _WITH.match(note) and all(n == note for n in notes[index:]):
            lead = note
            lines.append((note, "", []))
        source = _source_cell(note)
        group = [ip]
        while source and index + len(group) < len(indicators) and notes[index + len(group)] == note:
            group.append(indicators[index + len(group)])
        if source and len(group) > 1 and all(g.indicator.label.casefold() in source.casefold() for g in group):
            lines.append((None, source, group))
            index += len(group)
            continue
        label = ip.indicator.label
        if note and _EXAMPLE.match(note):
            label = f"{label} {note}"
        elif note and note != lead and _PLAIN_NOTE.match(note):
            label = f"{label} ({pair(note_word, note)})"
        lines.append((None, label, [ip]))
        index += 1
    return lines


def _program(out: _Body, program, ctx: ReportContext) -> None:
    """The grant program: envelopes by fiscal year (« 195 007 $ »), then deposit deadlines."""
    loc = ctx.loc
    out.paragraph([(loc("report.program") + " — " + program.title, None)], style="Heading 1")
    widths = (_twips(Cm(6)), _twips(Cm(6)))
    header = "".join(_cell([out.paragraph_xml([(title, "bold")])], width, shade=HEADER_SHADE)
                     for title, width in zip((loc("col.fiscal_year"), loc("col.amount")), widths))
    rows = [f"<w:tr>{header}</w:tr>"]
    for year, amount in [*program.budget.items(), (loc("total"), program.budget_total)]:
        rows.append("<w:tr>" + _cell([out.paragraph_xml([(year, None)])], widths[0])
                    + _cell([out.paragraph_xml([(loc.money(amount), None)])], widths[1]) + "</w:tr>")
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    out.parts.append(_table(rows, grid, out.ids["Table Grid"], centred=False))
    for call in program.calls:
        for deadline in call.deadlines:
            out.paragraph([(loc.pair(deadline.label or call.title, loc.date(deadline.date)), None)], style="List Bullet")


def _organisations(out: _Body, plan, ctx: ReportContext) -> None:
    """« Organisations »: each organisation's name, short name and id, which the Word importer reads back."""
    loc = ctx.loc
    out.paragraph([(loc("doc.organisations"), None)], style="Heading 1")
    widths = (_twips(Cm(13)), _twips(Cm(4)), _twips(Cm(6.9)))
    titles = (loc("doc.organisation"), loc("doc.short_name"), loc("doc.organisation_id"))
    header = "".join(_cell([out.paragraph_xml([(title, "bold")])], width, shade=HEADER_SHADE)
                     for title, width in zip(titles, widths))
    rows = [f'<w:tr><w:trPr><w:tblHeader w:val="true"/></w:trPr>{header}</w:tr>']
    for organisation in plan.organisations:
        values = (organisation.name, organisation.short_name or "", organisation.id)
        rows.append("<w:tr>" + "".join(_cell([out.paragraph_xml([(value, None)])] if value else [], width)
                                       for value, width in zip(values, widths)) + "</w:tr>")
    grid = "".join(f'<w:gridCol w:w="{width}"/>' for width in widths)
    out.parts.append(_table(rows, grid, out.ids["Table Grid"], centred=False))


# -- the page and the styles, set once -------------------------------------------------------


def _page(document, loc) -> None:
    section = document.sections[0]
    section.orientation = WD_ORIENT.LANDSCAPE
    section.page_width, section.page_height = Cm(27.94), Cm(21.59)  # Letter, landscape
    for side in ("left_margin", "right_margin", "top_margin", "bottom_margin"):
        setattr(section, side, Cm(2))
    footer = section.footer.paragraphs[0]
    run = footer.add_run(xml_text(loc("doc.page") + " "))
    run.font.color.rgb, run.font.size = MUTED, Pt(8)
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    footer._p.append(field)


def _styles(document) -> dict[str, str]:
    """The document's styles (Normal, headings, ours), each looked up once: name → style id."""
    styles = document.styles
    normal = styles["Normal"]
    normal.font.name = "Calibri"
    normal.font.size = Pt(9.5)
    ids = {}
    for name in ("Title", "Heading 1", "Heading 2"):
        styles[name].font.color.rgb = ACCENT
    for name in ("Title", "Heading 1", "Heading 2", "List Bullet", "Table Grid"):
        ids[name] = styles[name].style_id
    for name, spec in CHARACTER_STYLES.items():
        style = styles.add_style(name, WD_STYLE_TYPE.CHARACTER)
        style.font.color.rgb = spec["colour"]
        style.font.bold = spec.get("bold")
        style.font.italic = spec.get("italic")
        if "size" in spec:
            style.font.size = Pt(spec["size"])
        ids[name] = style.style_id
    return ids


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
        ReportOption("organisations", "end with the organisations' names, short names and ids (what the Word importer "
                     "reads back to keep the ids)", default=True, type="bool"),
        SHOW_SOURCE,
    ),
)
