"""The Word importer: a plan kept as Word tables (the layout of seed 000, for real).

The document body is read in order into the paragraphs and tables the shared
:class:`~actionplan.importers.layout.LayoutReader` understands. In a table, each cell's
paragraphs are joined by line breaks and list paragraphs (Word bullets) become ``→``
items, as in the text extractions; a cell spanning several grid columns is followed by
empty cells so columns line up; a vertically merged cell is empty below its first row,
which the layout reads as "same objective". Content controls (``w:sdt``) are read through;
an unfilled one (« Choisissez un élément. ») is reported, not imported.
"""

from __future__ import annotations

import io

from actionplan.api import (
    BULLETS,
    Block,
    ImportContext,
    Importer,
    ImportResult,
    LayoutReader,
    Paragraph,
    Row,
    SourceError,
    Table,
)

from .safety import check_package

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MAX_DOCX_BYTES = 20 * 1024 * 1024


def read_docx(raw: bytes, ctx: ImportContext) -> ImportResult:
    return LayoutReader(blocks_from_docx(raw, ctx), ctx).read()


def blocks_from_docx(raw: bytes, ctx: ImportContext) -> list[Block]:
    check_package(raw, ctx, required="word/document.xml", kind="Word")
    import docx

    try:
        document = docx.Document(io.BytesIO(raw))
        body = document.element.body
    except Exception as exc:  # noqa: BLE001 - any failure of the parser on untrusted input is a user error
        error = f"{type(exc).__name__}: {exc}"
        raise SourceError(ctx.source, ctx.t("word.docx.unreadable", error=error)) from None
    reader = _BodyReader(ctx)
    reader.read(body)
    return reader.blocks


class _BodyReader:
    def __init__(self, ctx: ImportContext):
        self.ctx = ctx
        self.blocks: list[Block] = []
        self.paragraphs = 0
        self.tables = 0

    def read(self, container) -> None:
        for child in container.iterchildren():
            tag = child.tag
            if tag == f"{W}p":
                self.paragraphs += 1
                text = paragraph_text(child)
                if text.strip():
                    where = self.ctx.t("word.docx.paragraph", number=self.paragraphs)
                    self.blocks.append(Paragraph(text.strip(), where))
            elif tag == f"{W}tbl":
                self.tables += 1
                self.blocks.append(self._table(child))
            elif tag == f"{W}sdt":
                content = child.find(f"{W}sdtContent")
                if content is not None:
                    self.read(content)

    def _table(self, table) -> Table:
        number = self.tables
        rows = []
        for index, tr in enumerate(_rows(table), start=1):
            where = self.ctx.t("word.docx.table_row", table=number, row=index)
            rows.append(Row(tuple(_row_cells(tr)), where))
        return Table(tuple(rows), self.ctx.t("word.docx.table", table=number))


def _rows(table):
    for child in table.iterchildren():
        if child.tag == f"{W}tr":
            yield child
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from (tr for tr in content.iterchildren() if tr.tag == f"{W}tr")


def _row_cells(tr) -> list[str]:
    cells: list[str] = []
    for tc in _cells(tr):
        cells.append(cell_text(tc))
        span = tc.find(f"{W}tcPr/{W}gridSpan")
        extra = int(span.get(f"{W}val", "1")) - 1 if span is not None and span.get(f"{W}val", "1").isdigit() else 0
        cells.extend([""] * max(0, min(extra, 60)))
    return cells


def _cells(tr):
    for child in tr.iterchildren():
        if child.tag == f"{W}tc":
            yield child
        elif child.tag == f"{W}sdt":
            content = child.find(f"{W}sdtContent")
            if content is not None:
                yield from (tc for tc in content.iterchildren() if tc.tag == f"{W}tc")


def cell_text(tc) -> str:
    """A cell's paragraphs (nested tables included), one per line; list paragraphs become ``→`` items."""
    lines = []
    for p in tc.iter(f"{W}p"):
        text = paragraph_text(p).strip()
        if not text:
            continue
        if _is_list(p) and text[0] not in BULLETS:
            text = f"→ {text}"
        lines.append(text)
    return "\n".join(lines)


def paragraph_text(p) -> str:
    """The visible text of a paragraph: runs, hyperlinks and content controls; not deletions or field codes."""
    parts = []
    for element in p.iter():
        tag = element.tag
        if tag == f"{W}t":
            parts.append(element.text or "")
        elif tag in (f"{W}tab", f"{W}ptab"):
            parts.append(" ")
        elif tag in (f"{W}br", f"{W}cr"):
            parts.append("\n")
        elif tag == f"{W}noBreakHyphen":
            parts.append("-")
        elif tag == f"{W}sym":
            parts.append("")
    return "".join(parts)


def _is_list(p) -> bool:
    properties = p.find(f"{W}pPr")
    if properties is None:
        return False
    if properties.find(f"{W}numPr") is not None:
        return True
    style = properties.find(f"{W}pStyle")
    value = (style.get(f"{W}val") or "") if style is not None else ""
    return value.lower().startswith(("list", "liste"))


DOCX_IMPORTER = Importer(
    name="docx",
    extensions=(".docx",),
    description="Plan tenu dans des tableaux Word (.docx) : sections, « ⇒ Objectif général », tableaux à 4 colonnes",
    read=read_docx,
    max_bytes=MAX_DOCX_BYTES,
)
