"""Importers: bring plans that live in other documents (Word tables, text extractions,
spreadsheets) into actionplan, saying what could not be placed instead of guessing.

An :class:`Importer` turns the bytes of a source document into *plain data* (the dict a
YAML plan file would hold) plus two lists of :class:`~actionplan.errors.Issue`:
``unplaced`` (source text that found no home in the plan, with its location in the
source) and ``warnings`` (choices the importer made that a person should check).
:func:`import_file` then validates that data with the core
(:func:`actionplan.documents.from_data`), so an importer can never produce an invalid
plan: the caller gets a :class:`~actionplan.errors.ValidationError` instead.

Importers are registered by plugins through ``actionplan_register_importers``; the
text importer is built in (:mod:`actionplan.importers.text`), the Word and Excel ones
come with the ``actionplan-word`` distribution.
"""

from __future__ import annotations

import os
import re
import stat
import warnings
from collections.abc import Callable, Mapping
from decimal import ROUND_HALF_EVEN, Decimal
from pathlib import Path
from typing import Any

import attrs
from babel.numbers import format_decimal

from ..documents import from_data
from ..errors import ActionplanError, Issue, SourceError, UnknownFormatError
from ..i18n import Message, Verbatim, t
from ..model import ActionPlan, TrackingLog
from ..plugins import registry
from ..territories import default_gazetteer
from .cells import strip_article

#: What an importer produces: a plan document, or a tracking log of measurements.
PRODUCES = ("plan", "tracking")

#: Default limit on the size of a source file. Real plans are tens of kilobytes; a file
#: of many megabytes is a mistake (a video, a database dump) and is refused up front.
DEFAULT_MAX_BYTES = 10 * 1024 * 1024


@attrs.frozen
class ImportContext:
    """What an importer knows besides the bytes.

    ``source`` names the file in messages. ``options`` carries what the document cannot
    say (``organisation``, ``territories``, ``title``, ``id``, ``year``). ``plan`` is set
    for importers that produce measurements, which must refer to its indicators.
    ``lang`` is the language of unplaced/warning messages (``fr`` or ``en``).
    """

    source: str = "<source>"
    options: Mapping[str, Any] = attrs.field(factory=dict)
    plan: Any = None
    lang: str = "fr"

    def t(self, code: str, /, **params: Any) -> str:
        """The catalogue text of ``code`` in the context's language, parameters filled."""
        return t(code, self.lang, **params)

    def say(self, fr: str, en: str) -> str:
        """Deprecated: the French or English text, by the context's language; use :meth:`t` with a code."""
        warnings.warn("ImportContext.say(fr, en) is deprecated: use ctx.t(code, **params) with a code of the "
                      "plugin's catalogue (docs/i18n.md); say is removed in the next release",
                      DeprecationWarning, stacklevel=2)
        return en if self.lang == "en" else fr


@attrs.frozen
class ImportResult:
    """What an importer read: the document's plain data and what it could not place."""

    data: dict
    unplaced: tuple[Issue, ...] = ()
    warnings: tuple[Issue, ...] = ()


@attrs.frozen
class Importer:
    """A registered importer.

    ``read(source: bytes, ctx: ImportContext) -> ImportResult`` must not write anything,
    must raise :class:`SourceError` (naming the place in the source) for input it cannot
    read, and must refuse anything larger than ``max_bytes`` before reading it.
    """

    name: str
    extensions: tuple[str, ...]
    description: str
    read: Callable[[bytes, ImportContext], ImportResult]
    produces: str = attrs.field(default="plan", validator=attrs.validators.in_(PRODUCES))
    max_bytes: int = DEFAULT_MAX_BYTES


def resolve_territory(value: str, gazetteer=None) -> str | None:
    """A gazetteer id from an id or a name (« Roussillon », « MRC des Maskoutains »); ``None`` if unknown.

    When a name fits several places, the MRC wins over the region and the municipality
    (« Roussillon » is the MRC).
    """
    if gazetteer is None:
        gazetteer = default_gazetteer()
    value = value.strip()
    if value in gazetteer:
        return value
    name = strip_article(re.sub(r"^mrc\s+(?:de\s+|du\s+|des\s+|d['’])?", "", value, flags=re.IGNORECASE) or value)
    found = gazetteer.find(value) or gazetteer.find(name) or tuple(
        t for t in gazetteer.values() if strip_article(t.name).casefold() == name.casefold())
    if not found:
        return None
    order = ("mrc", "region", "municipality")
    return min(found, key=lambda t: order.index(t.level) if t.level in order else len(order)).id


def importers():
    """The registry of installed importers (built-in and plugins), by name."""
    return registry("actionplan_register_importers", "importer", lambda importer: importer.name)


def importer_for(path: str | os.PathLike, name: str | None = None, produces: str = "plan") -> Importer:
    """The importer named ``name``, else the one that claims ``path``'s extension."""
    registry = importers()
    if name:
        importer = registry[name]
        if importer.produces != produces:
            raise UnknownFormatError(Message("importers.importer_produces_documents_not", name=name,
                                             produces=importer.produces, produces2=produces))
        return importer
    suffix = Path(path).suffix.lower()
    candidates = [i for i in registry if i.produces == produces]
    for importer in candidates:
        if suffix in importer.extensions:
            return importer
    known = ", ".join(f"{i.name} ({' '.join(i.extensions)})" for i in candidates) or "none"
    office = suffix in (".docx", ".xlsx")
    hint = Message("importers.office_hint") if office else Verbatim("")
    what = Verbatim(repr(suffix)) if suffix else Message("importers.no_extension")
    raise UnknownFormatError(Message("importers.no_importer", path=str(path), what=what, known=known, hint=hint))


def read_source(path: str | os.PathLike, max_bytes: int, lang: str = "fr") -> bytes:
    """The bytes of ``path``, refusing a file larger than ``max_bytes`` before reading it."""
    path = Path(path)
    try:
        status = path.stat()
        if stat.S_ISDIR(status.st_mode):
            raise IsADirectoryError(str(path))
        if not stat.S_ISREG(status.st_mode):  # a pipe would block, a device never end
            raise SourceError(str(path), t("importers.not_regular_file", lang))
        size = status.st_size
        if size > max_bytes:
            raise SourceError(str(path), _size_message(size, max_bytes, lang))
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)  # the file may have grown since stat()
    except FileNotFoundError:
        raise SourceError(str(path), t("importers.no_such_file", lang)) from None
    except IsADirectoryError:
        raise SourceError(str(path), t("importers.is_folder", lang)) from None
    except PermissionError:
        raise SourceError(str(path), t("importers.permission_denied", lang)) from None
    if len(data) > max_bytes:
        raise SourceError(str(path), _size_message(len(data), max_bytes, lang))
    return data


def _size_message(size: int, limit: int, lang: str) -> str:
    def mb(n: int) -> str:  # megabytes with one decimal, in the language's decimal mark
        return format_decimal(Decimal(n / 1024 / 1024).quantize(Decimal("0.1"), ROUND_HALF_EVEN), "0.0",
                              locale=lang)

    return t("importers.too_large", lang, size=mb(size), limit=mb(limit))


def run_importer(importer: Importer, raw: bytes, ctx: ImportContext) -> ImportResult:
    """Run ``importer`` on ``raw``; enforce its size limit and its result's shape."""
    if len(raw) > importer.max_bytes:
        raise SourceError(ctx.source, _size_message(len(raw), importer.max_bytes, ctx.lang))
    result = importer.read(raw, ctx)
    if not isinstance(result, ImportResult) or not isinstance(result.data, dict):
        raise ActionplanError(Message("importers.importer_returned_not_importresult", name=importer.name,
                                      name2=type(result).__name__))
    return result


def import_file(path: str | os.PathLike, *, format: str | None = None, options: Mapping[str, Any] | None = None,
                lang: str = "fr", plan: Any = None, produces: str = "plan"):
    """Import ``path`` and validate the result: ``(document, ImportResult)``.

    Raises :class:`SourceError` for unreadable input and
    :class:`~actionplan.errors.ValidationError` when the importer's data is not a valid
    document; nothing is written either way (writing is the caller's job).
    """
    importer = importer_for(path, format, produces)
    raw = read_source(path, importer.max_bytes, lang)
    ctx = ImportContext(source=str(path), options=dict(options or {}), plan=plan, lang=lang)
    result = run_importer(importer, raw, ctx)
    cls = ActionPlan if produces == "plan" else TrackingLog
    document = from_data(result.data, cls, source=f"{path} ({importer.name})")
    return document, result


__all__ = [
    "DEFAULT_MAX_BYTES",
    "PRODUCES",
    "ImportContext",
    "ImportResult",
    "Importer",
    "SourceError",
    "import_file",
    "importer_for",
    "importers",
    "read_source",
    "resolve_territory",
    "run_importer",
]
