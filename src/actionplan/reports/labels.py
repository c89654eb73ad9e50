"""Report labels in Canadian French and English, and Babel formatting of dates, numbers and money.

A report speaks one language: every word it adds around the plan's own data comes from the
gettext catalogues (codes ``report.label.<key>``, see :data:`LABEL_KEYS` and ``docs/i18n.md``)
through a :class:`Localizer` (``loc("status.late")`` → « En retard »), and every date,
number, amount and percentage goes through Babel with the ``fr_CA`` or ``en_CA`` locale,
so « 31 mars 2026 » and « 390 013 $ » are written the way readers expect (with the no-break
spaces Babel uses). The plan's data (titles, units, scale levels of custom scales) stays as
written; the levels of the built-in scale are translated, since they are the core's words.
"""

from __future__ import annotations

import datetime as dt
import functools
import re
from decimal import Decimal

from babel import Locale
from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from ..errors import ActionplanError
from ..i18n import N_, Message, lookup

#: Report language → Babel locale.
LOCALES: dict[str, str] = {"fr": "fr_CA", "en": "en_CA"}

#: The catalogue codes of the report labels: ``report.label.<key>`` (``report.label.status.late``).
#: The texts are in the catalogues (``locale/<lang>/LC_MESSAGES/actionplan.po``); ``{name}``
#: placeholders are filled by :meth:`Localizer.__call__`.
LABEL_PREFIX = "report.label."
_LABEL_CODES = (
    # -- page and sections
    N_("report.label.report.title"),
    N_("report.label.report.as_of"),
    N_("report.label.report.period"),
    N_("report.label.report.generated"),
    N_("report.label.report.source"),
    N_("report.label.report.illustrative"),
    N_("report.label.total"),
    N_("report.label.pair"),
    N_("report.label.report.skip"),
    N_("report.label.report.contents"),
    N_("report.label.report.mission"),
    N_("report.label.report.overview"),
    N_("report.label.report.attention"),
    N_("report.label.report.attention_none"),
    N_("report.label.report.timeline"),
    N_("report.label.report.details"),
    N_("report.label.report.unpack"),
    N_("report.label.report.legend"),
    N_("report.label.report.program"),
    N_("report.label.report.funding"),
    N_("report.label.caption.funding"),
    N_("report.label.funding.note"),
    N_("report.label.funding.paid"),
    N_("report.label.funding.projects"),
    N_("report.label.funding.unlinked"),
    N_("report.label.funding.total"),
    N_("report.label.funding.shared"),
    N_("report.label.report.pending"),
    N_("report.label.report.pending_note"),
    N_("report.label.report.frozen"),
    N_("report.label.bilan.eyebrow"),
    N_("report.label.bilan.title"),
    N_("report.label.bilan.span"),
    N_("report.label.bilan.live"),
    N_("report.label.bilan.frozen"),
    N_("report.label.bilan.overall"),
    N_("report.label.bilan.points"),
    N_("report.label.bilan.no_points"),
    N_("report.label.bilan.nothing_moved"),
    N_("report.label.bilan.level_moved"),
    N_("report.label.bilan.level_new"),
    N_("report.label.bilan.row.reached"),
    N_("report.label.bilan.row.slipped"),
    N_("report.label.bilan.row.moved"),
    N_("report.label.bilan.row.unchanged"),
    N_("report.label.bilan.row.new"),
    N_("report.label.bilan.row.gone"),
    N_("report.label.bilan.no_share"),
    N_("report.label.bilan.status_only"),
    N_("report.label.bilan.kind.reached"),
    N_("report.label.bilan.kind.slipped"),
    N_("report.label.bilan.kind.moved"),
    N_("report.label.bilan.kind.unchanged"),
    N_("report.label.bilan.kind.new"),
    N_("report.label.bilan.kind.gone"),
    N_("report.label.bilan.col.moved"),
    N_("report.label.bilan.col.kind"),
    N_("report.label.bilan.section.summary"),
    N_("report.label.bilan.section.reached"),
    N_("report.label.bilan.section.reached_none"),
    N_("report.label.bilan.section.slipped"),
    N_("report.label.bilan.section.slipped_none"),
    N_("report.label.bilan.section.themes"),
    # -- filters
    N_("report.label.filter.title"),
    N_("report.label.filter.theme"),
    N_("report.label.filter.partner"),
    N_("report.label.filter.territory"),
    N_("report.label.filter.status"),
    N_("report.label.filter.all_themes"),
    N_("report.label.filter.all_partners"),
    N_("report.label.filter.all_territories"),
    N_("report.label.filter.all_statuses"),
    N_("report.label.filter.reset"),
    N_("report.label.filter.shown"),
    N_("report.label.filter.none"),
    N_("report.label.filter.active"),
    # -- counts and figures
    N_("report.label.kpi.indicators"),
    N_("report.label.kpi.actions"),
    N_("report.label.kpi.achieved"),
    N_("report.label.kpi.attention"),
    N_("report.label.kpi.targets"),
    N_("report.label.kpi.targets_none"),
    N_("report.label.summary.achieved_share"),
    N_("report.label.summary.targets"),
    N_("report.label.summary.no_indicator"),
    N_("report.label.summary.breakdown"),
    # -- tables
    N_("report.label.col.theme"),
    N_("report.label.col.objective"),
    N_("report.label.col.general_objective"),
    N_("report.label.col.action"),
    N_("report.label.col.indicator"),
    N_("report.label.col.kind"),
    N_("report.label.col.target"),
    N_("report.label.col.value"),
    N_("report.label.col.progress"),
    N_("report.label.col.progress_pct"),
    N_("report.label.col.expected_pct"),
    N_("report.label.col.status"),
    N_("report.label.col.schedule"),
    N_("report.label.col.start"),
    N_("report.label.col.end"),
    N_("report.label.col.due"),
    N_("report.label.col.last_measured"),
    N_("report.label.col.partners"),
    N_("report.label.col.territories"),
    N_("report.label.col.unit"),
    N_("report.label.col.why"),
    N_("report.label.col.indicators"),
    N_("report.label.col.count"),
    N_("report.label.col.note"),
    N_("report.label.col.theme_id"),
    N_("report.label.col.objective_id"),
    N_("report.label.col.action_id"),
    N_("report.label.col.indicator_id"),
    N_("report.label.col.value_num"),
    N_("report.label.col.target_num"),
    N_("report.label.col.level"),
    N_("report.label.col.done"),
    N_("report.label.col.item"),
    N_("report.label.col.fiscal_year"),
    N_("report.label.col.amount"),
    N_("report.label.col.date"),
    N_("report.label.col.submitted_by"),
    N_("report.label.col.submitted_value"),
    N_("report.label.caption.indicators"),
    N_("report.label.caption.themes"),
    N_("report.label.caption.attention"),
    N_("report.label.caption.pending"),
    N_("report.label.caption.budget"),
    N_("report.label.program.calls"),
    N_("report.label.program.postponed"),
    N_("report.label.caption.timeline"),
    # -- the source document's table (DOCX)
    N_("report.label.doc.objectives"),
    N_("report.label.doc.means"),
    N_("report.label.doc.indicators"),
    N_("report.label.doc.schedule"),
    N_("report.label.doc.general_objective"),
    N_("report.label.doc.responsible"),
    N_("report.label.doc.page"),
    N_("report.label.doc.organisations"),
    N_("report.label.doc.organisation"),
    N_("report.label.doc.short_name"),
    N_("report.label.doc.organisation_id"),
    N_("report.label.kpi.late_at_risk"),
    N_("report.label.summary.stack"),
    # -- legends
    N_("report.label.legend.span"),
    N_("report.label.legend.occurrence"),
    N_("report.label.legend.marker"),
    N_("report.label.legend.measure"),
    N_("report.label.legend.achieved"),
    N_("report.label.legend.on_track"),
    N_("report.label.legend.at_risk"),
    N_("report.label.legend.late"),
    N_("report.label.legend.not_started"),
    # -- kinds of theme (model.THEME_KINDS), shown when a theme has no heading of its own
    N_("report.label.theme_kind.enjeu_federateur"),
    N_("report.label.theme_kind.visee_transversale"),
    N_("report.label.theme_kind.vie_associative"),
    N_("report.label.theme_kind.mobilisation"),
    N_("report.label.theme_kind.communications"),
    N_("report.label.theme_kind.priorite"),
    N_("report.label.theme_kind.autre"),
    # -- timeline
    N_("report.label.timeline.today"),
    N_("report.label.timeline.undated"),
    N_("report.label.timeline.no_schedule"),
    N_("report.label.timeline.span"),
    N_("report.label.timeline.occurrence"),
    N_("report.label.timeline.continuous"),
    N_("report.label.timeline.measure"),
    N_("report.label.timeline.milestone"),
    N_("report.label.timeline.before"),
    N_("report.label.timeline.after"),
    N_("report.label.timeline.quarter"),
    N_("report.label.timeline.quarter_short"),
    N_("report.label.timeline.out_of_period"),
    # -- statuses (progress.STATUSES)
    N_("report.label.status.not_started"),
    N_("report.label.status.on_track"),
    N_("report.label.status.at_risk"),
    N_("report.label.status.late"),
    N_("report.label.status.achieved"),
    N_("report.label.status.postponed"),
    N_("report.label.status.abandoned"),
    N_("report.label.manual.label"),
    N_("report.label.manual.by"),
    N_("report.label.col.manual"),
    # -- indicator kinds (model.INDICATOR_KINDS)
    N_("report.label.kind.count"),
    N_("report.label.kind.tracked"),
    N_("report.label.kind.rate"),
    N_("report.label.kind.milestone"),
    N_("report.label.kind.deliverable"),
    N_("report.label.kind.coverage"),
    N_("report.label.kind.minimum"),
    N_("report.label.kind.qualitative"),
    # -- partner roles (model.ROLES)
    N_("report.label.role.lead"),
    N_("report.label.role.collaborator"),
    N_("report.label.role.funder"),
    N_("report.label.role.support"),
    N_("report.label.role.responsible"),
    N_("report.label.role.executing"),
    N_("report.label.role.participant"),
    # -- levels of the built-in qualitative scale (model.DEFAULT_SCALE)
    N_("report.label.level.insuffisant"),
    N_("report.label.level.partiel"),
    N_("report.label.level.satisfaisant"),
    N_("report.label.level.excellent"),
    # -- values
    N_("report.label.value.none"),
    N_("report.label.value.no_target"),
    N_("report.label.value.at_least"),
    N_("report.label.value.at_most"),
    N_("report.label.value.done"),
    N_("report.label.value.done_on"),
    N_("report.label.value.not_done"),
    N_("report.label.value.to_do"),
    N_("report.label.value.due_on"),
    N_("report.label.value.level_goal"),
    N_("report.label.value.territory_one"),
    N_("report.label.value.territory_many"),
    N_("report.label.value.covered"),
    N_("report.label.value.of"),
    N_("report.label.value.nothing"),
    N_("report.label.value.yes"),
    N_("report.label.value.no"),
    # -- why an indicator is late or at risk
    N_("report.label.why.due_passed"),
    N_("report.label.why.due_passed_nothing"),
    N_("report.label.why.due_soon"),
    N_("report.label.unit.day.one"),
    N_("report.label.unit.day.other"),
    N_("report.label.why.ended_nothing"),
    N_("report.label.why.ended_value"),
    N_("report.label.why.ended_not_done"),
    N_("report.label.why.behind"),
    N_("report.label.why.elapsed_nothing"),
    N_("report.label.why.elapsed_not_done"),
    N_("report.label.why.lowest_level"),
    N_("report.label.why.other"),
    # -- calendar (iCalendar)
    N_("report.label.ics.milestone"),
    N_("report.label.ics.deadline"),
    N_("report.label.ics.start"),
    N_("report.label.ics.recurrence"),
    N_("report.label.ics.recurrence_due"),
    N_("report.label.ics.span"),
    N_("report.label.ics.separator"),
    N_("report.label.ics.todo"),
    N_("report.label.ics.opens"),
    N_("report.label.ics.report"),
    N_("report.label.ics.window"),
    N_("report.label.ics.deposit"),
    N_("report.label.ics.postponed"),
    N_("report.label.ics.call"),
    N_("report.label.ics.calendar"),
)

#: The keys of the report labels (``status.late``): a :class:`Localizer` call takes one.
LABEL_KEYS: frozenset[str] = frozenset(code.removeprefix(LABEL_PREFIX) for code in _LABEL_CODES)

_SPACE_BEFORE = re.compile(r"[ \u202f]([:;!?»])")
_NO_SPACE_BEFORE = re.compile(r"(?<=[^\s\u00a0\u202f])([;!?»])")
_SPACE_AFTER = re.compile(r"«[ \u00a0\u202f]?")


def french_spacing(text: str) -> str:
    """French typography of a text written by the project (a label, not the plan's data): a
    no-break space before « : ; ! ? » and inside « », so a line never starts with a colon or a
    closing guillemet. « Période : {start} » → « Période\u00a0: {start} ».
    """
    text = _SPACE_BEFORE.sub("\u00a0\\1", text)
    text = _NO_SPACE_BEFORE.sub("\u00a0\\1", text)
    return _SPACE_AFTER.sub("«\u00a0", text)


#: Language → key → raw text, filled as labels are read (a report reads them per cell).
_texts: dict[str, dict[str, str]] = {}


def label_text(key: str, lang: str) -> str:
    """The raw text (placeholders unfilled) of the report label ``key`` in ``lang``.

    ``key`` is a core label (``status.late`` → code ``report.label.status.late``) or the full
    catalogue code of a plugin's own label (``office.sheet.summary``). French texts get their
    no-break spaces (:func:`french_spacing`). Raises :class:`KeyError` when no catalogue has it.
    """
    table = _texts.setdefault(lang, {})
    text = table.get(key)
    if text is None:
        text = lookup(LABEL_PREFIX + key if key in LABEL_KEYS else key, lang)
        if text is None:
            raise KeyError(key)
        if lang == "fr":
            text = french_spacing(text)
        table[key] = text
    return text

_WIDTHS = ("short", "medium", "long", "full")
_DAY_TOKEN = re.compile(r"(?<![d'])d(?![d'])")
_QUOTED = re.compile(r"('[^']*')")


@functools.cache
def _date_pattern(locale: str, format: str, first: bool) -> str:
    """The Babel pattern of ``format`` (a width or a pattern) in ``locale``; for the first of a
    month in French, its day number takes the ordinal: ``d MMMM y`` → ``d'er' MMMM y``."""
    pattern = Locale.parse(locale).date_formats[format].pattern if format in _WIDTHS else format
    if not (first and locale.startswith("fr")):
        return pattern
    parts = _QUOTED.split(pattern)  # the odd parts are quoted literals, left alone
    return "".join(part if index % 2 else _DAY_TOKEN.sub("d'er'", part) for index, part in enumerate(parts))


def format_day(day: dt.date, lang: str = "fr", format: str = "long") -> str:
    """A date as its readers write it: « 1er octobre 2026 », « 1er oct. 2026 », « 31 mars 2026 »;
    "October 1, 2026" in English. ``format`` is a Babel width (``short``, ``medium``, ``long``,
    ``full``) or a Babel pattern. Every output of a date in words goes through this function, so
    French always writes the first of a month « 1er » (the numeric ``short`` width has no ordinal).
    """
    locale = LOCALES.get(lang, lang)
    return format_date(day, _date_pattern(locale, format, day.day == 1), locale=locale)


#: The statuses (:data:`actionplan.progress.STATUSES`) in the order reports show them: done first.
STATUS_KEYS = ("achieved", "on_track", "at_risk", "late", "not_started")


class Localizer:
    """Labels and Babel formatting for one report language (``"fr"`` → fr_CA, ``"en"`` → en_CA)."""

    def __init__(self, lang: str = "fr"):
        if lang not in LOCALES:
            raise ActionplanError(Message("reports.unknown_report_language_expected_one_2", lang=lang,
                                          LOCALES=', '.join(LOCALES)))
        self.lang = lang
        self.locale = LOCALES[lang]

    def __call__(self, key: str, **values: object) -> str:
        """The label ``key`` in this language, placeholders filled."""
        text = label_text(key, self.lang)
        return text.format(**values) if values else text

    def __repr__(self) -> str:
        return f"Localizer({self.lang!r})"

    # -- words ----------------------------------------------------------------------------
    def status(self, status: str) -> str:
        return self(f"status.{status}")

    def kind(self, kind: str) -> str:
        return self(f"kind.{kind}")

    def role(self, role: str) -> str:
        return self(f"role.{role}")

    def level(self, level: str | None) -> str:
        """A qualitative level: the built-in scale's words are translated, a plan's own are data."""
        if level is None:
            return self("value.none")
        key = f"level.{level}"
        return self(key) if key in LABEL_KEYS else level

    def pair(self, label: str, value: str) -> str:
        """« Échéancier : 2026 » / "Schedule: 2026" (French typography puts a space before the colon)."""
        return self("pair", label=label, value=value)

    def count(self, n: int, unit: str) -> str:
        """« 1 jour », « 12 jours »: CLDR plural rules of the locale (French: 0 and 1 are singular)."""
        form = "one" if Locale.parse(self.locale).plural_form(n) == "one" else "other"
        return self(f"unit.{unit}.{form}", n=self.number(n))

    # -- dates --------------------------------------------------------------------------
    def date(self, day: dt.date | None, format: str = "long") -> str:
        """« 31 mars 2026 » / "March 31, 2026"; ``format`` is a Babel width or pattern."""
        if day is None:
            return self("value.none")
        return format_day(day, self.lang, format)

    def month(self, day: dt.date, *, with_year: bool = False) -> str:
        """Abbreviated month name for timeline columns: « janv. », "Jan" (with the year if asked)."""
        text = format_date(day, "LLL", locale=self.locale)
        return f"{text} {day.year}" if with_year else text

    def quarter(self, day: dt.date, *, with_year: bool = True) -> str:
        """« T1 2026 » / "Q1 2026" (calendar quarters), or « T1 » alone."""
        n = (day.month - 1) // 3 + 1
        return self("timeline.quarter", n=n, year=day.year) if with_year else self("timeline.quarter_short", n=n)

    # -- numbers --------------------------------------------------------------------------
    def number(self, value: Decimal | int | None, *, digits: int = 2) -> str:
        """« 1 234,5 » / "1,234.5", at most ``digits`` decimals, never float arithmetic."""
        if value is None:
            return self("value.none")
        value = Decimal(value)
        if value != value.to_integral_value():
            value = value.quantize(Decimal(1).scaleb(-digits)).normalize()
        return format_decimal(value, locale=self.locale, decimal_quantization=False)

    def money(self, amount: Decimal | int | None) -> str:
        """« 390 013 $ » for whole amounts, « 1 234,50 $ » otherwise (CAD)."""
        if amount is None:
            return self("value.none")
        amount = Decimal(amount)
        if amount == amount.to_integral_value():
            pattern = "#,##0\xa0¤" if self.lang == "fr" else "¤#,##0"
            return format_currency(amount, "CAD", format=pattern, locale=self.locale, currency_digits=False)
        return format_currency(amount, "CAD", locale=self.locale)

    def percent(self, fraction: Decimal | None) -> str:
        """A fraction 0..1 as « 75 % » / "75%"."""
        if fraction is None:
            return self("value.none")
        return format_percent(Decimal(fraction), locale=self.locale)

    def quantity(self, value: Decimal | int | None, unit: str | None) -> str:
        """« 4 rencontres »: a number and the plan's own unit (data, kept as written)."""
        text = self.number(value)
        return f"{text}\xa0{unit}" if unit and value is not None else text


@functools.cache
def localizer(lang: str) -> Localizer:
    """A shared :class:`Localizer` per language."""
    return Localizer(lang)
