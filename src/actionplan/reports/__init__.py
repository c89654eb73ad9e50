"""Reports and exports of plans, every format a plugin.

A format is a :class:`ReportFormat` registered through the
``actionplan_register_report_formats`` hook: a name, a file extension, a description,
the options it accepts and ``render(subject, context) -> bytes``. The built-in HTML
dashboard, Markdown, CSV and JSON are registered by :mod:`actionplan.reports.builtin`
exactly as a third-party plugin would; XLSX, DOCX and iCalendar come with the
``actionplan-office`` distribution.

    >>> from actionplan.reports import render_report
    >>> html = render_report(plan, "html", as_of=dt.date(2026, 10, 1), lang="fr")

:func:`render_report` computes the plan's progress once (``actionplan.progress``), checks
the options against what the format declares, and hands the format a :class:`ReportContext`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable, Iterable, Mapping
from types import MappingProxyType
from typing import Any

import attrs

from ..errors import ActionplanError
from ..plugins import registry
from ..progress import plan_progress
from .labels import LOCALES, Localizer, localizer
from ..i18n import Message

__all__ = [
    "OPTION_TYPES", "SHOW_SOURCE", "ReportContext", "ReportFormat", "ReportOption", "build_context", "get_format",
    "render_bilan", "render_report", "report_formats",
]

#: Types an option may declare; values given as text (from the command line) are parsed to them.
OPTION_TYPES = ("str", "bool", "int", "choice")

_NAME = re.compile(r"^[a-z][a-z0-9_-]{0,39}$")
_TRUE = {"true", "yes", "oui", "1", "on", "vrai"}
_FALSE = {"false", "no", "non", "0", "off", "faux"}


def _check_name(instance: Any, attribute: attrs.Attribute, value: object) -> None:
    if not isinstance(value, str) or not _NAME.match(value):
        raise ValueError(
            f"{type(instance).__name__}.{attribute.name} must be a short lowercase name "
            f"(letters, digits, '-', '_'), not {value!r}"
        )


def _check_extension(instance: Any, attribute: attrs.Attribute, value: object) -> None:
    if not isinstance(value, str) or not re.match(r"^\.[A-Za-z0-9][A-Za-z0-9.]{0,15}$", value):
        raise ValueError(f"ReportFormat.extension must look like '.html', not {value!r}")


@attrs.frozen
class ReportOption:
    """One option of a format: ``actionplan report … --option name=value``.

    ``type`` is one of :data:`OPTION_TYPES`; a ``choice`` option lists its ``choices``.
    ``default`` is used when the option is not given (it may depend on the language:
    give a mapping ``{"fr": …, "en": …}``).
    """

    name: str = attrs.field(validator=_check_name)
    description: str
    default: Any = None
    type: str = attrs.field(default="str", validator=attrs.validators.in_(OPTION_TYPES))
    choices: tuple[str, ...] = ()

    def __attrs_post_init__(self) -> None:
        if self.type == "choice" and not self.choices:
            raise ValueError(f"ReportOption {self.name!r} is a choice but lists no choices")

    def default_for(self, lang: str) -> Any:
        if isinstance(self.default, Mapping):
            return self.default.get(lang)
        return self.default

    def parse(self, value: Any, format_name: str) -> Any:
        """``value`` (text from the command line, or a Python value) as this option's type."""
        where = Message("reports.option_of_format", option=repr(self.name), format=repr(format_name))
        if self.type == "bool":
            if isinstance(value, bool):
                return value
            text = str(value).strip().lower()
            if text in _TRUE:
                return True
            if text in _FALSE:
                return False
            raise ActionplanError(Message("reports.option_expected_boolean", where=where, value=value))
        if self.type == "int":
            if isinstance(value, int) and not isinstance(value, bool):
                return value
            try:
                return int(str(value).strip())
            except ValueError:
                raise ActionplanError(Message("reports.option_expected_whole_number", where=where, value=value)) from None
        text = str(value)
        if self.type == "choice" and text not in self.choices:
            raise ActionplanError(Message("reports.option_expected_one_of", where=where,
                                          choices=", ".join(self.choices), value=value))
        return text


#: The option of the board-facing formats (HTML, Markdown, XLSX, DOCX) that shows the plan's
#: ``source`` note (where its text was transcribed from): a working note, not shown unless asked
#: (``--option show-source=yes``).
SHOW_SOURCE = ReportOption("show-source", "show the plan's source note (where its text comes from)", default=False,
                           type="bool")


def _options_tuple(options: Iterable[ReportOption]) -> tuple[ReportOption, ...]:
    return tuple(options)


@attrs.frozen
class ReportFormat:
    """A report or export format, as a plugin registers it.

    ``render(subject, context)`` returns the file's bytes; ``subject`` is an
    :class:`~actionplan.model.ActionPlan`. ``subjects`` lists the kinds of subject the format
    renders (``("plan",)``); it is there so formats for other documents (grant programs on
    their own) can be added without changing this class. A plan's grant program is shown
    with the plan, through ``context.program``.
    """

    name: str = attrs.field(validator=_check_name)
    extension: str = attrs.field(validator=_check_extension)
    description: str
    render: Callable[[Any, ReportContext], bytes]
    options: tuple[ReportOption, ...] = attrs.field(default=(), converter=_options_tuple)
    media_type: str = "application/octet-stream"
    subjects: tuple[str, ...] = ("plan",)

    @options.validator
    def _check_options(self, attribute: attrs.Attribute, value: tuple) -> None:
        names = [option.name for option in value]
        if len(names) != len(set(names)):
            raise ValueError(f"ReportFormat {self.name!r} declares an option twice: {names}")

    def option(self, name: str) -> ReportOption | None:
        return next((option for option in self.options if option.name == name), None)

    def resolve_options(self, given: Mapping[str, Any] | None, lang: str) -> Mapping[str, Any]:
        """Every declared option with its value: the given ones parsed, the others defaulted.

        An option the format does not declare is an error naming the ones it has.
        """
        values = {option.name: option.default_for(lang) for option in self.options}
        for name, raw in (given or {}).items():
            option = self.option(name)
            if option is None:
                known = ", ".join(o.name for o in self.options)
                raise ActionplanError(Message("reports.format_has_no_option", format=self.name, option=name,
                                              known=known or Message("reports.no_options")))
            values[name] = option.parse(raw, self.name)
        return MappingProxyType(values)


@attrs.frozen
class ReportContext:
    """What a format needs besides the subject: the date, the language, options and progress.

    ``progress`` is the :class:`~actionplan.progress.PlanProgress` of the plan at ``as_of``
    (computed once by :func:`render_report`). ``illustrative`` says the data is made up and
    must be said so. ``program`` is the grant program shown with the plan: the one given to
    :func:`render_report`, else the plan's own (``ActionPlan.program``), else ``None``.
    ``pending`` holds the plan's updates still waiting for review (a store's
    :class:`~actionplan.storage.Update` records, ``status="submitted"``, or a tracking log's
    :meth:`~actionplan.model.TrackingLog.pending` measurements) dated on or before ``as_of``: they do
    not count in ``progress``, and the formats that can show them do so apart. The statuses set by
    hand are in ``progress`` (each ``IndicatorProgress.manual`` and ``ActionProgress.manual``). ``closed`` is the
    :class:`~actionplan.snapshots.PeriodSnapshot` the progress was thawed from when the report
    shows a closed period (``actionplan report PLAN --period 2026-T2``): the formats say so.
    ``grants`` is the money of a grant program by theme and fiscal year beside the plan's
    progress (a :class:`~actionplan.grants.results.MoneyTable`; ``report --grants``), else ``None``.
    """

    as_of: dt.date
    lang: str = attrs.field(default="fr", validator=attrs.validators.in_(tuple(LOCALES)))
    options: Mapping[str, Any] = attrs.field(factory=lambda: MappingProxyType({}))
    progress: Any = None
    illustrative: bool = False
    program: Any = None
    pending: tuple[Any, ...] = attrs.field(default=(), converter=tuple)
    closed: Any = None
    grants: Any = None

    @property
    def loc(self) -> Localizer:
        """Labels and Babel formatting in the report's language."""
        return localizer(self.lang)


def report_formats():
    """The :class:`~actionplan.plugins.Registry` of every installed report format."""
    return registry("actionplan_register_report_formats", "report format", _format_name)


def _format_name(fmt: object) -> str:
    if not isinstance(fmt, ReportFormat):
        raise ActionplanError(Message("reports.report_format_plugin_registered_not", fmt=fmt))
    return fmt.name


def get_format(name: str) -> ReportFormat:
    """The installed format ``name`` (``UnknownFormatError`` lists the installed ones)."""
    return report_formats()[name]


def build_context(plan, *, as_of: dt.date | None = None, lang: str = "fr", options: Mapping[str, Any] | None = None,
                  fmt: ReportFormat | None = None, illustrative: bool = False, program: Any = None,
                  pending: Iterable[Any] = (), progress: Any = None, closed: Any = None,
                  manual: Mapping[str, Any] | None = None, grants: Any = None) -> ReportContext:
    """The context of a report of ``plan``: progress computed at ``as_of`` (default today).

    ``progress`` given (a closed period's, thawed from its snapshot) is used as it is, as of its own date.
    ``manual``: the statuses set by hand that stand (:func:`actionplan.progress.manual_statuses`).
    ``pending`` dated after ``as_of`` are left out.
    """
    if lang not in LOCALES:
        raise ActionplanError(Message("reports.unknown_report_language_expected_one", lang=lang,
                                      LOCALES=', '.join(LOCALES)))
    as_of = progress.as_of if progress is not None else as_of or dt.date.today()
    resolved = fmt.resolve_options(options, lang) if fmt is not None else MappingProxyType(dict(options or {}))
    return ReportContext(
        as_of=as_of, lang=lang, options=resolved,
        progress=progress if progress is not None else plan_progress(plan, as_of, manual=manual),
        illustrative=illustrative or bool(getattr(plan, "illustrative", False)),
        program=program if program is not None else getattr(plan, "program", None),
        pending=tuple(p for p in pending if getattr(p, "measurement", p).date <= as_of), closed=closed,
        grants=grants,
    )


def render_report(plan, format: str | ReportFormat, *, as_of: dt.date | None = None, lang: str = "fr",
                  options: Mapping[str, Any] | None = None, illustrative: bool = False, program: Any = None,
                  pending: Iterable[Any] = (), progress: Any = None, closed: Any = None,
                  manual: Mapping[str, Any] | None = None, grants: Any = None) -> bytes:
    """Render ``plan`` in ``format`` (a name or a :class:`ReportFormat`) and return the file's bytes.

    ``pending``: updates waiting for review (see :class:`ReportContext`), shown apart by the formats that can.
    ``manual``: the statuses set by hand that stand (:func:`actionplan.progress.manual_statuses`), shown next
    to the computed ones.
    ``progress`` and ``closed``: a closed period's frozen progress and its snapshot (see :func:`build_context`).
    ``grants``: the money by theme and fiscal year shown beside progress (see :class:`ReportContext`).
    """
    fmt = format if isinstance(format, ReportFormat) else get_format(format)
    if "plan" not in fmt.subjects:
        raise ActionplanError(Message("reports.report_format_does_not_render", name=fmt.name,
                                      value=', '.join(fmt.subjects)))
    ctx = build_context(plan, as_of=as_of, lang=lang, options=options, fmt=fmt, illustrative=illustrative,
                        program=program, pending=pending, progress=progress, closed=closed, manual=manual,
                        grants=grants)
    payload = fmt.render(plan, ctx)
    if isinstance(payload, str):
        raise ActionplanError(Message("reports.report_format_returned_text_not", name=fmt.name))
    if not isinstance(payload, (bytes, bytearray)):
        raise ActionplanError(Message("reports.report_format_returned_not_bytes", name=fmt.name,
                                      name2=type(payload).__name__))
    return bytes(payload)


def render_bilan(bilan, format, *, lang: str = "fr", options: Mapping[str, Any] | None = None) -> bytes:
    """Render a bilan (:func:`actionplan.snapshots.compare_periods`) in a bilan format (``"bilan-html"``…)."""
    from .bilan import render_bilan as render

    return render(bilan, format, lang=lang, options=options)
