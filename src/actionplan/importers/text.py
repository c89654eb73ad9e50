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
        raise SourceError(ctx.source, ctx.say(
            "c'est un fichier compressé (Word .docx ?), pas du texte : utiliser --from docx",
            "this is a zip file (a Word .docx?), not text: use --from docx"))
    if raw.startswith(b"\xd0\xcf\x11\xe0"):
        raise SourceError(ctx.source, ctx.say(
            "c'est un ancien document Office (.doc) ou un fichier chiffré, pas du texte : l'enregistrer en .docx "
            "sans mot de passe", "this is an old Office document (.doc) or an encrypted file, not text: save it as "
            ".docx without a password"))
    if b"\x00" in raw[:8192]:
        raise SourceError(ctx.source, ctx.say("fichier binaire, pas du texte", "a binary file, not text"))
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise SourceError(ctx.source, ctx.say("texte qui n'est pas en UTF-8", "text that is not UTF-8"),
                          location=ctx.say(f"ligne {line}", f"line {line}"),
                          expected=ctx.say("un fichier texte UTF-8 (l'enregistrer en UTF-8)",
                                           "a UTF-8 text file (save it as UTF-8)"),
                          found=ctx.say(f"l'octet 0x{raw[exc.start]:02x}", f"byte 0x{raw[exc.start]:02x}")) from None


def blocks_from_text(text: str, ctx: ImportContext) -> list[Block]:
    """Lines → paragraphs and tables, each located by its line number."""
    blocks: list[Block] = []
    rows: list[Row] = []

    def close_table() -> None:
        if rows:
            blocks.append(Table(tuple(rows), rows[0].where))
            rows.clear()

    for number, line in enumerate(text.splitlines(), start=1):
        where = ctx.say(f"ligne {number}", f"line {number}")
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
