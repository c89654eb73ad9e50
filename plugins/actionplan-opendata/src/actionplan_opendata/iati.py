"""IATI activity XML (standard version 2.03): a plan as one activity.

* the activity: identifier (``org-ref`` + the plan's id), reporting organisation, title,
  description (mission, and the themes' general objectives), status and planned dates from
  the plan's period, Canada as recipient country, the plan's territories as locations;
* participating organisations with IATI roles: the plan's organisation is *accountable*
  (2) and *implementing* (4); action partners are implementing, funders *funding* (1);
  a grant program adds its funder and fund (1) and its administering body (*extending*, 3);
  letters of support (« appui ») are not involvement and are left out;
* budgets: one per fiscal year of the grant program's budget, when the plan carries one;
* results: one *output* result per specific objective with indicators, each indicator with
  its measure (unit, percentage, qualitative), its baseline, and per period its target and
  its actual value computed from the measurements, as of the report date.

Codes follow the IATI codelists (OrganisationRole, OrganisationType, ActivityStatus,
ActivityDateType, IndicatorMeasure, ResultType, BudgetType, BudgetStatus, DescriptionType).
The output is deterministic: the report date stands for the generation time.
"""

from __future__ import annotations

import datetime as dt
import xml.etree.ElementTree as ET
from decimal import Decimal

import attrs

from actionplan.api import (
    Period,
    ReportContext,
    ReportFormat,
    ReportOption,
    ScheduleContext,
    fiscal_year_period,
    fold,
    indicator_progress,
    parse_schedule,
    plan_gazetteer,
)

IATI_VERSION = "2.03"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"

#: Our participation roles → IATI OrganisationRole (support letters are not involvement).
ROLE_CODES = {"funder": "1", "lead": "4", "collaborator": "4", "executing": "4", "responsible": "4",
              "participant": "4"}
#: Words of an organisation's ``kind`` → IATI OrganisationType.
TYPE_RULES = (
    (("ministere", "gouvernement", "government", "ministry"), "10"),
    (("mrc", "municipalite", "ville", "prefet", "conseil de mrc", "municipal"), "11"),
    (("fonds", "cisss", "ciusss", "etablissement de sante", "centre de services scolaire", "ecole", "public"), "15"),
    (("fondation", "foundation"), "60"),
    (("universite", "cegep", "college", "recherche", "university"), "80"),
    (("entreprise", "cooperative", "company"), "70"),
    (("organisme", "table de concertation", "corporation de developpement communautaire", "association",
      "regroupement", "reseau", "coalition", "communautaire", "maison", "centre d'action benevole"), "22"),
)
#: Indicator kind → IATI IndicatorMeasure (1 unit, 2 percentage, 5 qualitative).
MEASURES = {"count": "1", "tracked": "1", "minimum": "1", "coverage": "1", "deliverable": "1", "milestone": "1",
            "rate": "2", "qualitative": "5"}


def render_iati(plan, ctx: ReportContext) -> bytes:
    return IatiWriter(plan, ctx).bytes()


class IatiWriter:
    def __init__(self, plan, ctx: ReportContext):
        self.plan = plan
        self.ctx = ctx
        self.lang = plan.language if plan.language in ("fr", "en") else ctx.lang
        # Without a registered identifier the organisation's own id stands in, and the file says so.
        self.org_ref = ctx.options["org-ref"] or plan.organisation or plan.id
        self.generated = dt.datetime.combine(ctx.as_of, dt.time()).isoformat()

    def bytes(self) -> bytes:
        root = ET.Element("iati-activities", {"version": IATI_VERSION, "generated-datetime": self.generated})
        if not self.ctx.options["org-ref"]:
            root.append(ET.Comment(" reporting-org ref: give your registered IATI organisation identifier with "
                                   "-O org-ref=… before publishing "))
        root.append(self.activity())
        ET.indent(root, space="  ")
        return b'<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="utf-8") + b"\n"

    # -- the activity -----------------------------------------------------------------------
    def activity(self) -> ET.Element:
        plan = self.plan
        activity = ET.Element("iati-activity", {"last-updated-datetime": self.generated, XML_LANG: self.lang,
                                                "default-currency": "CAD"})
        _text(activity, "iati-identifier", f"{self.org_ref}-{plan.id}")
        owner = plan.organisation_by_id(plan.organisation) if plan.organisation else None
        reporting = ET.SubElement(activity, "reporting-org", {"ref": self.org_ref, "type": _org_type(owner) or "22"})
        _narrative(reporting, owner.name if owner else plan.title)
        _narrative(ET.SubElement(activity, "title"), plan.title)
        _narrative(ET.SubElement(activity, "description", {"type": "1"}), plan.mission or plan.title)
        objectives = [f"{t.title} : {t.general_objective}" for t in plan.themes if t.general_objective]
        if objectives:
            description = ET.SubElement(activity, "description", {"type": "2"})
            for text in objectives:
                _narrative(description, text)
        for attributes, name in self.participants():
            _narrative(ET.SubElement(activity, "participating-org", attributes), name)
        ET.SubElement(activity, "activity-status", {"code": self.status()})
        ET.SubElement(activity, "activity-date", {"iso-date": plan.period.start.isoformat(), "type": "1"})
        ET.SubElement(activity, "activity-date", {"iso-date": plan.period.end.isoformat(), "type": "3"})
        ET.SubElement(activity, "recipient-country", {"code": "CA", "percentage": "100"})
        for territory in self.territories():
            location = ET.SubElement(activity, "location", {"ref": territory.id})
            _narrative(ET.SubElement(location, "name"), territory.name)
        for start, end, amount in self.budgets():
            budget = ET.SubElement(activity, "budget", {"type": "1", "status": "1"})
            ET.SubElement(budget, "period-start", {"iso-date": start.isoformat()})
            ET.SubElement(budget, "period-end", {"iso-date": end.isoformat()})
            _text(budget, "value", _number(amount), {"currency": "CAD", "value-date": start.isoformat()})
        for result in self.results():
            activity.append(result)
        return activity

    def status(self) -> str:
        """ActivityStatus: 1 pipeline (not begun), 2 implementation, 3 finalisation (ended, not closed)."""
        if self.ctx.as_of < self.plan.period.start:
            return "1"
        return "2" if self.ctx.as_of <= self.plan.period.end else "3"

    def participants(self) -> list[tuple[dict, str]]:
        plan = self.plan
        found: dict[tuple[str, str], dict] = {}

        def add(organisation_id: str | None, role: str) -> None:
            organisation = plan.organisation_by_id(organisation_id) if organisation_id else None
            if organisation is None or (organisation.id, role) in found:
                return
            attributes = {"ref": f"{self.org_ref}-{organisation.id}" if organisation.id != plan.organisation
                          else self.org_ref, "role": role}
            kind = _org_type(organisation)
            if kind:
                attributes["type"] = kind
            found[(organisation.id, role)] = {"attributes": attributes, "name": organisation.name}

        program = getattr(plan, "program", None)
        if program is not None:
            add(program.funder, "1")
            add(program.fund, "1")
        add(plan.organisation, "2")
        if program is not None:
            add(program.administered_by, "3")
        add(plan.organisation, "4")
        for _theme, _objective, action in plan.iter_actions():
            for partner in action.partners:
                if partner.role in ROLE_CODES:
                    add(partner.organisation, ROLE_CODES[partner.role])
        order = {"1": 0, "2": 1, "3": 2, "4": 3}
        items = sorted(found.values(), key=lambda item: order[item["attributes"]["role"]])
        return [(item["attributes"], item["name"]) for item in items]

    def territories(self):
        places = plan_gazetteer(self.plan)
        return [places[t] for t in self.plan.territories if t in places]

    def budgets(self) -> list[tuple[dt.date, dt.date, Decimal]]:
        program = getattr(self.plan, "program", None)
        if program is None:
            return []
        rows = []
        for label, amount in program.budget.items():
            period = fiscal_year_period(label)
            rows.append((period.start, period.end, amount))
        return sorted(rows)

    # -- results ----------------------------------------------------------------------------
    def results(self) -> list[ET.Element]:
        results = []
        for theme, objective in self.plan.iter_objectives():
            indicators = [(action, indicator) for action in objective.actions for indicator in action.indicators]
            if not indicators:
                continue
            result = ET.Element("result", {"type": "1", "aggregation-status": "0"})
            _narrative(ET.SubElement(result, "title"), objective.title)
            _narrative(ET.SubElement(result, "description"), theme.title)
            for action, indicator in indicators:
                result.append(self.indicator(action, indicator))
            results.append(result)
        return results

    def indicator(self, action, indicator) -> ET.Element:
        attributes = {"measure": MEASURES[indicator.kind]}
        if indicator.kind != "qualitative":
            attributes["ascending"] = "0" if indicator.direction == "decrease" else "1"
        element = ET.Element("indicator", attributes)
        _narrative(ET.SubElement(element, "title"), indicator.label)
        _narrative(ET.SubElement(element, "description"), action.title)
        if indicator.baseline is not None and indicator.kind != "qualitative":
            ET.SubElement(element, "baseline", {"year": str(self.plan.period.start.year),
                                                "iso-date": self.plan.period.start.isoformat(),
                                                "value": _number(indicator.baseline)})
        for period, target in self.periods(indicator):
            element.append(self.period(action, indicator, period, target))
        return element

    def periods(self, indicator) -> list[tuple[Period, Decimal | None]]:
        """Per-period targets when the indicator has them, else the plan's whole period."""
        whole = Period(self.plan.period.start, self.plan.period.end)
        labelled = [(self.label_period(t.period), t.value) for t in indicator.targets if t.territory is None and t.period]
        dated = [(period, value) for period, value in labelled if period is not None]
        if dated:
            return sorted(dated, key=lambda item: item[0].start)
        return [(whole, _whole_target(indicator))]

    def label_period(self, label: str) -> Period | None:
        """« 2026 » → the year; « 2025-2026 » → the fiscal year when the plan keeps fiscal years."""
        try:
            schedule = parse_schedule(label)
        except Exception:  # noqa: BLE001 - a free label that names no period: the target is left whole
            return None
        return schedule.bounds(ScheduleContext(self.plan.period.start, self.plan.period.end,
                                               fiscal_years=self.plan.fiscal_years))

    def period(self, action, indicator, period: Period, target: Decimal | None) -> ET.Element:
        element = ET.Element("period")
        ET.SubElement(element, "period-start", {"iso-date": period.start.isoformat()})
        ET.SubElement(element, "period-end", {"iso-date": period.end.isoformat()})
        qualitative = indicator.kind == "qualitative"
        if qualitative and indicator.target_level:
            _comment(ET.SubElement(element, "target"), indicator.target_level)
        elif not qualitative and target is not None:
            ET.SubElement(element, "target", {"value": _number(target)})
        actual = self.actual(action, indicator, period)
        if actual is not None:
            if qualitative:
                _comment(ET.SubElement(element, "actual"), actual)
            else:
                ET.SubElement(element, "actual", {"value": _number(actual)})
        return element

    def actual(self, action, indicator, period: Period):
        """The value reached within ``period``, as of the report date (``None`` before it or unmeasured)."""
        as_of = min(self.ctx.as_of, period.end)
        within = tuple(m for m in indicator.measurements if period.start <= m.date <= as_of)
        if as_of < period.start or not within:
            return None
        context = ScheduleContext(period.start, period.end, fiscal_years=self.plan.fiscal_years)
        progress = indicator_progress(attrs.evolve(indicator, measurements=within), as_of, ctx=context)
        kind = indicator.kind
        if kind == "qualitative":
            return progress.level
        if kind in ("deliverable", "milestone"):
            return Decimal(1) if progress.status == "achieved" else Decimal(0)
        if kind == "rate":
            return None if progress.value is None else (progress.value * 100).quantize(Decimal("0.1"))
        return progress.value


def _whole_target(indicator) -> Decimal | None:
    if indicator.kind in ("count", "minimum"):
        return indicator.target
    if indicator.kind == "coverage":
        return Decimal(len(indicator.target_territories)) if indicator.target_territories else None
    if indicator.kind in ("deliverable", "milestone"):
        return Decimal(1)
    if indicator.kind == "rate" and indicator.target is not None:
        return indicator.target * 100 if indicator.target <= 1 else indicator.target
    return indicator.target


def _org_type(organisation) -> str | None:
    if organisation is None or not organisation.kind:
        return None
    kind = fold(organisation.kind)
    for words, code in TYPE_RULES:
        if any(word in kind for word in words):
            return code
    return None


def _number(value: Decimal) -> str:
    """xsd:decimal text: plain digits, no exponent, no trailing zeros after the point."""
    text = format(Decimal(value).normalize(), "f")
    return text


def _text(parent: ET.Element, tag: str, text: str, attributes: dict | None = None) -> ET.Element:
    element = ET.SubElement(parent, tag, attributes or {})
    element.text = text
    return element


def _narrative(parent: ET.Element, text: str) -> ET.Element:
    return _text(parent, "narrative", _clean(text))


def _comment(parent: ET.Element, text: str) -> None:
    _narrative(ET.SubElement(parent, "comment"), text)


def _clean(text: str) -> str:
    """Text XML 1.0 can hold: control characters (other than tab and newlines) and U+FFFE, U+FFFF are dropped."""
    return "".join(c for c in str(text) if (c in "\t\n\r" or ord(c) >= 0x20) and c not in "\ufffe\uffff")


IATI_FORMAT = ReportFormat(
    name="iati",
    extension=".xml",
    description="IATI activity XML 2.03: the plan as an activity, its organisations, results, indicators and budgets",
    render=render_iati,
    media_type="application/xml",
    options=(
        ReportOption("org-ref", "the reporting organisation's registered IATI identifier (e.g. CA-CRA_ACR-…)",
                     default=""),
    ),
)
