"""Report labels in Canadian French and English, and Babel formatting of dates, numbers and money.

A report speaks one language: every word it adds around the plan's own data comes from
:data:`LABELS` through a :class:`Localizer` (``loc("status.late")`` → « En retard »), and every
date, number, amount and percentage goes through Babel with the ``fr_CA`` or ``en_CA`` locale,
so « 31 mars 2026 » and « 390 013 $ » are written the way readers expect (with the no-break
spaces Babel uses). The plan's data (titles, units, scale levels of custom scales) stays as
written; the levels of the built-in scale are translated, since they are the core's words.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent

from ..errors import ActionplanError
from ..i18n import Message

#: Report language → Babel locale.
LOCALES: dict[str, str] = {"fr": "fr_CA", "en": "en_CA"}

#: key → {"fr": …, "en": …}. ``{name}`` placeholders are filled by :meth:`Localizer.__call__`.
LABELS: dict[str, dict[str, str]] = {
    # -- page and sections
    "report.title": {"fr": "Tableau de bord", "en": "Dashboard"},
    "report.as_of": {"fr": "Situation au {date}", "en": "Status as of {date}"},
    "report.period": {"fr": "Période : {start} au {end}", "en": "Period: {start} to {end}"},
    "report.generated": {"fr": "Produit avec {tool}.", "en": "Produced with {tool}."},
    "report.source": {"fr": "Source : {source}", "en": "Source: {source}"},
    "report.illustrative": {
        "fr": "Données illustratives : les mesures de ce rapport sont inventées pour la démonstration.",
        "en": "Illustrative data: the measurements in this report are made up for demonstration.",
    },
    "total": {"fr": "Total", "en": "Total"},
    "pair": {"fr": "{label} : {value}", "en": "{label}: {value}"},
    "report.skip": {"fr": "Aller au contenu", "en": "Skip to content"},
    "report.contents": {"fr": "Sommaire", "en": "Contents"},
    "report.mission": {"fr": "Mission", "en": "Mission"},
    "report.overview": {"fr": "Vue d'ensemble", "en": "Overview"},
    "report.attention": {"fr": "En retard ou à risque", "en": "Late or at risk"},
    "report.attention_none": {
        "fr": "Aucun indicateur n'est en retard ni à risque à cette date.",
        "en": "No indicator is late or at risk at this date.",
    },
    "report.timeline": {"fr": "Échéancier", "en": "Timeline"},
    "report.details": {"fr": "Détail par thème", "en": "Details by theme"},
    "report.legend": {"fr": "Légende des statuts", "en": "Status legend"},
    "report.program": {"fr": "Programme de subvention", "en": "Grant program"},
    # -- filters
    "filter.title": {"fr": "Filtrer", "en": "Filter"},
    "filter.theme": {"fr": "Thème", "en": "Theme"},
    "filter.partner": {"fr": "Partenaire", "en": "Partner"},
    "filter.territory": {"fr": "Territoire", "en": "Territory"},
    "filter.status": {"fr": "Statut", "en": "Status"},
    "filter.all_themes": {"fr": "Tous les thèmes", "en": "All themes"},
    "filter.all_partners": {"fr": "Tous les partenaires", "en": "All partners"},
    "filter.all_territories": {"fr": "Tous les territoires", "en": "All territories"},
    "filter.all_statuses": {"fr": "Tous les statuts", "en": "All statuses"},
    "filter.reset": {"fr": "Tout afficher", "en": "Show all"},
    "filter.shown": {"fr": "Actions affichées : {shown} sur {total}", "en": "Actions shown: {shown} of {total}"},
    "filter.none": {
        "fr": "Aucune action ne correspond à ces filtres.",
        "en": "No action matches these filters.",
    },
    "filter.active": {"fr": "Vue filtrée", "en": "Filtered view"},
    # -- counts and figures
    "kpi.indicators": {"fr": "indicateurs suivis", "en": "indicators tracked"},
    "kpi.actions": {"fr": "actions", "en": "actions"},
    "kpi.achieved": {"fr": "indicateurs atteints", "en": "indicators achieved"},
    "kpi.attention": {"fr": "en retard ou à risque", "en": "late or at risk"},
    "kpi.targets": {"fr": "des cibles chiffrées", "en": "of numeric targets"},
    "kpi.targets_none": {"fr": "aucune cible chiffrée", "en": "no numeric target"},
    "summary.achieved_share": {"fr": "Atteints : {achieved} sur {total}", "en": "Achieved: {achieved} of {total}"},
    "summary.targets": {"fr": "Cibles chiffrées : {percent} réalisé", "en": "Numeric targets: {percent} done"},
    "summary.no_indicator": {"fr": "Aucun indicateur", "en": "No indicator"},
    "summary.breakdown": {"fr": "Répartition des statuts", "en": "Breakdown by status"},
    # -- tables
    "col.theme": {"fr": "Thème", "en": "Theme"},
    "col.objective": {"fr": "Objectif spécifique", "en": "Specific objective"},
    "col.general_objective": {"fr": "Objectif général", "en": "General objective"},
    "col.action": {"fr": "Action", "en": "Action"},
    "col.indicator": {"fr": "Indicateur", "en": "Indicator"},
    "col.kind": {"fr": "Type", "en": "Kind"},
    "col.target": {"fr": "Cible", "en": "Target"},
    "col.value": {"fr": "Dernière valeur", "en": "Latest value"},
    "col.progress": {"fr": "Avancement", "en": "Progress"},
    "col.progress_pct": {"fr": "Avancement (%)", "en": "Progress (%)"},
    "col.expected_pct": {"fr": "Attendu à date (%)", "en": "Expected to date (%)"},
    "col.status": {"fr": "Statut", "en": "Status"},
    "col.schedule": {"fr": "Échéancier", "en": "Schedule"},
    "col.start": {"fr": "Début", "en": "Start"},
    "col.end": {"fr": "Fin", "en": "End"},
    "col.due": {"fr": "Échéance", "en": "Due"},
    "col.last_measured": {"fr": "Dernière mesure", "en": "Last measured"},
    "col.partners": {"fr": "Partenaires", "en": "Partners"},
    "col.territories": {"fr": "Territoires", "en": "Territories"},
    "col.unit": {"fr": "Unité", "en": "Unit"},
    "col.why": {"fr": "Pourquoi", "en": "Why"},
    "col.indicators": {"fr": "Indicateurs", "en": "Indicators"},
    "col.count": {"fr": "Nombre", "en": "Count"},
    "col.note": {"fr": "Note", "en": "Note"},
    "col.theme_id": {"fr": "Id thème", "en": "Theme id"},
    "col.objective_id": {"fr": "Id objectif", "en": "Objective id"},
    "col.action_id": {"fr": "Id action", "en": "Action id"},
    "col.indicator_id": {"fr": "Id indicateur", "en": "Indicator id"},
    "col.value_num": {"fr": "Valeur", "en": "Value"},
    "col.target_num": {"fr": "Cible (nombre)", "en": "Target (number)"},
    "col.level": {"fr": "Niveau", "en": "Level"},
    "col.done": {"fr": "Réalisé", "en": "Done"},
    "col.item": {"fr": "Élément", "en": "Item"},
    "col.fiscal_year": {"fr": "Exercice financier", "en": "Fiscal year"},
    "col.amount": {"fr": "Montant", "en": "Amount"},
    "caption.indicators": {"fr": "Indicateurs de l'action « {action} »", "en": "Indicators of the action “{action}”"},
    "caption.themes": {"fr": "Avancement par thème", "en": "Progress by theme"},
    "caption.attention": {
        "fr": "Indicateurs en retard ou à risque au {date}",
        "en": "Indicators late or at risk as of {date}",
    },
    "caption.budget": {"fr": "Enveloppes par exercice financier", "en": "Envelopes by fiscal year"},
    "program.calls": {"fr": "Appels de projets", "en": "Calls for projects"},
    "program.postponed": {"fr": "reportée; date initiale : {date}", "en": "postponed; first announced for {date}"},
    "caption.timeline": {
        "fr": "Échéancier des actions, du {start} au {end}",
        "en": "Schedule of the actions, {start} to {end}",
    },
    # -- the source document's table (DOCX)
    "doc.objectives": {"fr": "Objectifs spécifiques", "en": "Specific objectives"},
    "doc.means": {"fr": "Moyens / Actions", "en": "Means / Actions"},
    "doc.indicators": {"fr": "Indicateurs de mise en œuvre", "en": "Implementation indicators"},
    "doc.schedule": {"fr": "Échéancier", "en": "Schedule"},
    "doc.general_objective": {"fr": "Objectif général : {text}", "en": "General objective: {text}"},
    "doc.responsible": {"fr": "Responsables : {names}", "en": "Responsible: {names}"},
    "doc.page": {"fr": "Page", "en": "Page"},
    "kpi.late_at_risk": {"fr": "En retard : {late} · À risque : {at_risk}", "en": "Late: {late} · At risk: {at_risk}"},
    "summary.stack": {"fr": "{label} : {parts}", "en": "{label}: {parts}"},
    # -- legends
    "legend.span": {"fr": "Période prévue", "en": "Planned period"},
    "legend.occurrence": {"fr": "Occurrence d'une récurrence", "en": "Occurrence of a recurrence"},
    "legend.marker": {"fr": "Date ou jalon", "en": "Date or milestone"},
    "legend.measure": {"fr": "Mesure inscrite", "en": "Measurement recorded"},
    "legend.achieved": {"fr": "cible atteinte ou livrable réalisé", "en": "target reached or deliverable done"},
    "legend.on_track": {"fr": "avance au rythme attendu", "en": "progressing at the expected pace"},
    "legend.at_risk": {"fr": "en deçà du rythme attendu, ou échéance proche", "en": "behind the expected pace, or due soon"},
    "legend.late": {"fr": "échéance passée sans atteinte", "en": "deadline passed without reaching it"},
    "legend.not_started": {"fr": "pas encore commencé, rien d'inscrit", "en": "not begun yet, nothing recorded"},
    # -- kinds of theme (model.THEME_KINDS), shown when a theme has no heading of its own
    "theme_kind.enjeu_federateur": {"fr": "Enjeu fédérateur", "en": "Unifying issue"},
    "theme_kind.visee_transversale": {"fr": "Visée transversale", "en": "Cross-cutting aim"},
    "theme_kind.vie_associative": {"fr": "Vie associative", "en": "Associative life"},
    "theme_kind.mobilisation": {"fr": "Mobilisation", "en": "Mobilisation"},
    "theme_kind.communications": {"fr": "Communications", "en": "Communications"},
    "theme_kind.priorite": {"fr": "Priorité d'action", "en": "Action priority"},
    "theme_kind.autre": {"fr": "Thème", "en": "Theme"},
    # -- timeline
    "timeline.today": {"fr": "Date du rapport : {date}", "en": "Report date: {date}"},
    "timeline.undated": {"fr": "non daté", "en": "undated"},
    "timeline.no_schedule": {"fr": "sans échéancier", "en": "no schedule"},
    "timeline.span": {"fr": "du {start} au {end}", "en": "{start} to {end}"},
    "timeline.occurrence": {"fr": "occurrence du {start} au {end}", "en": "occurrence {start} to {end}"},
    "timeline.measure": {"fr": "mesure inscrite le {date}", "en": "measurement recorded on {date}"},
    "timeline.milestone": {"fr": "jalon le {date}", "en": "milestone on {date}"},
    "timeline.before": {"fr": "commence avant la période", "en": "starts before the period"},
    "timeline.after": {"fr": "se poursuit après la période", "en": "continues after the period"},
    "timeline.quarter": {"fr": "T{n} {year}", "en": "Q{n} {year}"},
    "timeline.quarter_short": {"fr": "T{n}", "en": "Q{n}"},
    "timeline.out_of_period": {
        "fr": "La date du rapport est hors de la période du plan.",
        "en": "The report date is outside the plan's period.",
    },
    # -- statuses (progress.STATUSES)
    "status.not_started": {"fr": "Non commencé", "en": "Not started"},
    "status.on_track": {"fr": "En bonne voie", "en": "On track"},
    "status.at_risk": {"fr": "À risque", "en": "At risk"},
    "status.late": {"fr": "En retard", "en": "Late"},
    "status.achieved": {"fr": "Atteint", "en": "Achieved"},
    # -- indicator kinds (model.INDICATOR_KINDS)
    "kind.count": {"fr": "Nombre avec cible", "en": "Count with a target"},
    "kind.tracked": {"fr": "Nombre suivi", "en": "Tracked count"},
    "kind.rate": {"fr": "Taux", "en": "Rate"},
    "kind.milestone": {"fr": "Jalon daté", "en": "Dated milestone"},
    "kind.deliverable": {"fr": "Livrable", "en": "Deliverable"},
    "kind.coverage": {"fr": "Couverture du territoire", "en": "Territorial coverage"},
    "kind.minimum": {"fr": "Minimum à atteindre", "en": "Minimum to reach"},
    "kind.qualitative": {"fr": "Appréciation qualitative", "en": "Qualitative judgement"},
    # -- partner roles (model.ROLES)
    "role.lead": {"fr": "porteur", "en": "lead"},
    "role.collaborator": {"fr": "collaborateur", "en": "collaborator"},
    "role.funder": {"fr": "bailleur de fonds", "en": "funder"},
    "role.support": {"fr": "appui", "en": "support"},
    "role.responsible": {"fr": "responsable", "en": "responsible"},
    "role.executing": {"fr": "exécution", "en": "executing"},
    "role.participant": {"fr": "participant", "en": "participant"},
    # -- levels of the built-in qualitative scale (model.DEFAULT_SCALE)
    "level.insuffisant": {"fr": "insuffisant", "en": "insufficient"},
    "level.partiel": {"fr": "partiel", "en": "partial"},
    "level.satisfaisant": {"fr": "satisfaisant", "en": "satisfactory"},
    "level.excellent": {"fr": "excellent", "en": "excellent"},
    # -- values
    "value.none": {"fr": "—", "en": "—"},
    "value.no_target": {"fr": "sans cible (suivi)", "en": "no target (tracked)"},
    "value.at_least": {"fr": "au moins {value}", "en": "at least {value}"},
    "value.at_most": {"fr": "au plus {value}", "en": "at most {value}"},
    "value.done": {"fr": "réalisé", "en": "done"},
    "value.done_on": {"fr": "réalisé le {date}", "en": "done on {date}"},
    "value.not_done": {"fr": "non réalisé", "en": "not done"},
    "value.to_do": {"fr": "à réaliser", "en": "to be done"},
    "value.due_on": {"fr": "le {date}", "en": "on {date}"},
    "value.level_goal": {"fr": "niveau « {level} »", "en": "level “{level}”"},
    "value.territory_one": {"fr": "{count} territoire", "en": "{count} territory"},
    "value.territory_many": {"fr": "{count} territoires", "en": "{count} territories"},
    "value.covered": {"fr": "{covered} sur {total}", "en": "{covered} of {total}"},
    "value.of": {"fr": "{value} sur {target}", "en": "{value} of {target}"},
    "value.nothing": {"fr": "rien d'inscrit", "en": "nothing recorded"},
    "value.yes": {"fr": "oui", "en": "yes"},
    "value.no": {"fr": "non", "en": "no"},
    # -- why an indicator is late or at risk
    "why.due_passed": {"fr": "Prévu le {date}, non réalisé", "en": "Due {date}, not done"},
    "why.due_passed_nothing": {"fr": "Prévu le {date}, rien d'inscrit", "en": "Due {date}, nothing recorded"},
    "why.due_soon": {"fr": "Prévu le {date}, dans {days}", "en": "Due {date}, in {days}"},
    "unit.day.one": {"fr": "{n} jour", "en": "{n} day"},
    "unit.day.other": {"fr": "{n} jours", "en": "{n} days"},
    "why.ended_nothing": {
        "fr": "Échéancier terminé le {date}, rien d'inscrit",
        "en": "Schedule ended {date}, nothing recorded",
    },
    "why.ended_value": {
        "fr": "Échéancier terminé le {date} : {value} sur {target}",
        "en": "Schedule ended {date}: {value} of {target}",
    },
    "why.ended_not_done": {
        "fr": "Échéancier terminé le {date}, non réalisé",
        "en": "Schedule ended {date}, not done",
    },
    "why.behind": {
        "fr": "{done} réalisé, {expected} attendu à cette date",
        "en": "{done} done, {expected} expected by now",
    },
    "why.elapsed_nothing": {
        "fr": "{expected} de l'échéancier écoulé, rien d'inscrit",
        "en": "{expected} of the schedule elapsed, nothing recorded",
    },
    "why.elapsed_not_done": {
        "fr": "{expected} de l'échéancier écoulé, non réalisé",
        "en": "{expected} of the schedule elapsed, not done",
    },
    "why.lowest_level": {
        "fr": "Niveau « {level} », le plus bas de l'échelle",
        "en": "Level “{level}”, the lowest of the scale",
    },
    "why.other": {"fr": "Voir le détail de l'indicateur", "en": "See the indicator's details"},
    # -- calendar (iCalendar)
    "ics.milestone": {"fr": "Jalon : {label}", "en": "Milestone: {label}"},
    "ics.deadline": {"fr": "Échéance : {label}", "en": "Deadline: {label}"},
    "ics.meeting": {"fr": "{label} ({n} sur {total})", "en": "{label} ({n} of {total})"},
    "ics.occurrence": {"fr": "{label} — occurrence {n} sur {total}", "en": "{label} — occurrence {n} of {total}"},
    "ics.window": {"fr": "À tenir entre le {start} et le {end}.", "en": "To be held between {start} and {end}."},
    "ics.deposit": {"fr": "Date limite de dépôt : {label}", "en": "Deposit deadline: {label}"},
    "ics.postponed": {"fr": "Reportée; dates précédentes : {dates}", "en": "Postponed; previous dates: {dates}"},
    "ics.call": {"fr": "Appel de projets : {label}", "en": "Call for projects: {label}"},
    "ics.calendar": {"fr": "{title} — échéancier", "en": "{title} — schedule"},
}

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
        text = LABELS[key][self.lang]
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
        return self(key) if key in LABELS else level

    def pair(self, label: str, value: str) -> str:
        """« Échéancier : 2026 » / "Schedule: 2026" (French typography puts a space before the colon)."""
        return self("pair", label=label, value=value)

    def count(self, n: int, unit: str) -> str:
        """« 1 jour », « 12 jours »: CLDR plural rules of the locale (French: 0 and 1 are singular)."""
        from babel import Locale

        form = "one" if Locale.parse(self.locale).plural_form(n) == "one" else "other"
        return self(f"unit.{unit}.{form}", n=self.number(n))

    # -- dates --------------------------------------------------------------------------
    def date(self, day: dt.date | None, format: str = "long") -> str:
        """« 31 mars 2026 » / "March 31, 2026"; ``format`` is a Babel width or pattern."""
        if day is None:
            return self("value.none")
        return format_date(day, format, locale=self.locale)

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
