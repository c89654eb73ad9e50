"""The text importer: plans extracted from Word or PDF as plain text (seed 000's shape).

Table rows are lines whose cells are separated by tabs; every other non-blank line is a
paragraph. Consecutive rows (blank lines between them allowed) form one table. The
layout itself is read by :class:`actionplan.importers.layout.LayoutReader`, shared with
the Word importer.
"""

from __future__ import annotations

from ..hookspecs import hookimpl
from . import ImportContext, Importer, ImportResult, SourceError
from .layout import Block, LayoutReader, Paragraph, Row, Table

#: Plans are tens of kilobytes; a text file of more than 5 MB is not a plan.
MAX_TEXT_BYTES = 5 * 1024 * 1024


def decode(raw: bytes, ctx: ImportContext) -> str:
    """UTF-8 text (a BOM is allowed); anything binary is refused with a hint."""
    if raw.startswith(b"PK\x03\x04"):
        raise SourceError(ctx.source, ctx.t("importers.text.zip"))
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise SourceError(ctx.source, ctx.t("importers.text.old_office"))
    if b"\x00" in raw[:8192]:
        raise SourceError(ctx.source, ctx.t("importers.text.binary"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(ctx.source, ctx.t("importers.text.not_utf8"),
                          location=ctx.t("importers.text.line", line=line),
                          expected=ctx.t("importers.text.utf8_expected"),
                          found=ctx.t("importers.text.byte", byte=raw[exc.start])) from None


def blocks_from_text(text: str, ctx: ImportContext) -> list[Block]:
    """Lines → paragraphs and tables, each located by its line number."""
    blocks: list[Block] = []
    rows: list[Row] = []

    def close_table() -> None:
        if rows:
            blocks.append(Table(tuple(rows), rows[0].where))
            rows.clear()

    for number, line in enumerate(text.splitlines(), start=1):
        where = ctx.t("importers.text.line", line=number)
        if "\t" in line:
            rows.append(Row(tuple(cell.strip() for cell in line.split("\t")), where))
        elif line.strip():
            close_table()
            blocks.append(Paragraph(line.strip(), where))
    close_table()
    return blocks


def read_text(raw: bytes, ctx: ImportContext) -> ImportResult:
    return LayoutReader(blocks_from_text(decode(raw, ctx), ctx), ctx).read()


TEXT_IMPORTER = Importer(
    name="text",
    extensions=(".txt", ".text"),
    description="Texte extrait d'un plan Word/PDF : sections, « ⇒ Objectif général », tableaux à tabulations",
    read=read_text,
    max_bytes=MAX_TEXT_BYTES,
)


@hookimpl
def actionplan_register_importers(register):
    register(TEXT_IMPORTER)
