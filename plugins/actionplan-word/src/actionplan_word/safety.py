"""Opening Office files (zip packages of XML) that come from anyone, safely.

Before any XML parser sees a part, the zip *directory* is checked: a damaged or truncated
archive, an encrypted or legacy (OLE) file, too many parts, parts or a total that would
decompress to more than the limits, or a suspicious compression ratio (a zip bomb) are
refused with a message naming the file. XML parts that declare a DTD (``<!DOCTYPE`` or
``<!ENTITY``: entity-expansion and external-entity tricks) are refused too; Word and Excel
never write one. python-docx's own parser additionally leaves entities unresolved.
"""

from __future__ import annotations

import io
import zipfile

from actionplan.api import ImportContext, SourceError

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
#: Limits of what an Office file may expand to. Real plans are well under a megabyte.
MAX_PARTS = 2000
MAX_PART_BYTES = 50 * 1024 * 1024
MAX_TOTAL_BYTES = 200 * 1024 * 1024
#: Above this, a part compresses too well to be honest XML (text compresses ~10:1).
MAX_RATIO = 100
_RATIO_FLOOR = 1024 * 1024  # small parts may compress very well; only the ratio of big ones matters
_DTD_MARKERS = (b"<!DOCTYPE", b"<!ENTITY", b"<!doctype", b"<!entity")


def check_package(raw: bytes, ctx: ImportContext, *, required: str, kind: str) -> zipfile.ZipFile:
    """The opened zip of an Office file of ``kind`` (« Word », « Excel »), checked; else :class:`SourceError`."""
    if raw.startswith(OLE_SIGNATURE):
        raise SourceError(ctx.source, ctx.t("word.package.encrypted_or_legacy", kind=kind))
    if not raw.startswith(b"PK"):
        raise SourceError(ctx.source, ctx.t("word.package.not_office", kind=kind),
                          expected=ctx.t("word.package.zip_expected"),
                          found=ctx.t("word.package.data_starting", start=repr(raw[:8])))
    try:
        package = zipfile.ZipFile(io.BytesIO(raw))
        infos = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        raise SourceError(ctx.source, ctx.t("word.package.damaged", kind=kind, error=str(exc))) from None
    if len(infos) > MAX_PARTS:
        raise SourceError(ctx.source, ctx.t("word.package.too_many_parts", count=len(infos), limit=MAX_PARTS))
    total = 0
    for info in infos:
        where = ctx.t("word.package.part", name=info.filename)
        if info.flag_bits & 0x1:
            raise SourceError(ctx.source, ctx.t("word.package.encrypted_part"), location=where)
        if info.file_size > MAX_PART_BYTES:
            raise SourceError(ctx.source, ctx.t("word.package.too_big", size=info.file_size, limit=MAX_PART_BYTES),
                              location=where)
        if info.file_size > _RATIO_FLOOR and info.file_size > MAX_RATIO * max(info.compress_size, 1):
            raise SourceError(ctx.source, ctx.t("word.package.zip_bomb",
                                                ratio=info.file_size // max(info.compress_size, 1)), location=where)
        total += info.file_size
    if total > MAX_TOTAL_BYTES:
        raise SourceError(ctx.source, ctx.t("word.package.too_big", size=total, limit=MAX_TOTAL_BYTES))
    names = {info.filename for info in infos}
    if required not in names:
        raise SourceError(ctx.source, ctx.t("word.package.part_missing", kind=kind, part=required))
    for info in infos:
        if info.filename.endswith((".xml", ".rels")):
            _refuse_dtd(package, info, ctx)
    return package


def _refuse_dtd(package: zipfile.ZipFile, info: zipfile.ZipInfo, ctx: ImportContext) -> None:
    where = ctx.t("word.package.part", name=info.filename)
    try:
        with package.open(info) as handle:
            data = handle.read(MAX_PART_BYTES + 1)
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError) as exc:
        raise SourceError(ctx.source, ctx.t("word.package.unreadable_part", error=str(exc)), location=where) from None
    if any(marker in data for marker in _DTD_MARKERS):
        raise SourceError(ctx.source, ctx.t("word.package.dtd"), location=where)
