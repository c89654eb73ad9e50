"""360Giving data package (JSON, standard 1.4): the grants of a program, one per approved application.

The plan carries the grant program (``program``: funder, fund, budget, approval chain);
what happened under it is a ``type: applications`` document, given with
``-O applications=FILE``. Its decisions, agreements and payments are replayed through the
approval chain (:func:`actionplan.grants.chain.replay`), as of the report date; every
application the last body approved is a grant:

* ``amountAwarded`` — what was granted; ``amountAppliedFor`` — what was asked;
  ``amountDisbursed`` — what was paid so far; ``currency`` — CAD;
* ``awardDate`` — the approving decision; ``plannedDates`` — the project's start and end;
* ``recipientOrganization`` — the applicant; ``fundingOrganization`` — the program's funder
  (and fund); ``grantProgramme`` — the program; ``beneficiaryLocation`` — the territories
  the project reaches; ``classifications`` — the program priorities it acts on;
  ``fromOpenCall`` — « Yes » when it answered a call for projects.

Amounts are exact decimals written as JSON numbers (never through binary floats).
"""

from __future__ import annotations

import json
import re
from decimal import Decimal
from pathlib import Path

import actionplan
from actionplan.api import (
    ActionplanError,
    ApplicationsDocument,
    Message,
    ReportContext,
    ReportFormat,
    ReportOption,
    plan_gazetteer,
    replay,
    t,
    total_of,
)

STANDARD_VERSION = "1.4"
_PREFIX = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


def render_360giving(plan, ctx: ReportContext) -> bytes:
    program = getattr(plan, "program", None) or ctx.program
    if program is None:
        raise ActionplanError(Message("opendata.threesixty.no_program", plan=plan.id))
    path = ctx.options["applications"]
    if not path:
        raise ActionplanError(Message("opendata.threesixty.no_applications"))
    prefix = ctx.options["id-prefix"] or f"360G-{plan.organisation or plan.id}"
    if not _PREFIX.match(prefix):
        raise ActionplanError(Message("opendata.threesixty.bad_prefix", prefix=repr(prefix)))
    document = _applications(Path(path), plan, program)
    grants = Grants(plan, program, document, ctx, prefix).grants()
    if not grants:
        raise ActionplanError(Message("opendata.threesixty.nothing_approved", path=path, date=ctx.as_of.isoformat()))
    awarded = t("opendata.threesixty.grants_awarded", ctx.lang)
    package = {
        "title": f"{program.title} — {awarded}",
        "version": STANDARD_VERSION,
        "grants": grants,
    }
    return dumps(package)


def _applications(path: Path, plan, program):
    document = actionplan.load(path, ApplicationsDocument)
    if document.program not in (plan.id, program.id):
        raise ActionplanError(Message("opendata.threesixty.other_program", path=path, program=repr(document.program),
                                      plan=repr(plan.id)))
    return document


class Grants:
    def __init__(self, plan, program, document, ctx: ReportContext, prefix: str):
        self.plan, self.program, self.document, self.ctx, self.prefix = plan, program, document, ctx, prefix
        self.organisations = {o.id: o for o in (*plan.organisations, *document.organisations)}
        self.themes = {t.id: t for t in plan.themes}

    def grants(self) -> list[dict]:
        run = replay(self.program, self.document, as_of=self.ctx.as_of, organisations=self.plan.organisations)
        return [self.grant(dossier) for dossier in run.dossiers.values() if dossier.stage in ("approved", "agreement")]

    def grant(self, dossier) -> dict:
        application = dossier.application
        approval = [d for d in dossier.decisions if d.outcome == "favourable"][-1]
        grant: dict = {
            "id": f"{self.prefix}-{application.id}",
            "title": application.title,
            "description": application.description or application.title,
            "currency": self.program.currency,
            "amountAppliedFor": total_of(application.requested) if application.requested else None,
            "amountAwarded": dossier.granted_total,
            "amountDisbursed": dossier.paid,
            "awardDate": approval.date.isoformat(),
            "recipientOrganization": [self.organisation(application.lead)],
            "fundingOrganization": self.funders(),
            "grantProgramme": [{"code": self.program.id, "title": self.program.title}],
            "fromOpenCall": "Yes" if application.call else "No",
        }
        if grant["amountAppliedFor"] is None:
            del grant["amountAppliedFor"]
        dates = {key: value.isoformat() for key, value in (("startDate", application.start),
                                                            ("endDate", application.end)) if value}
        if dates:
            grant["plannedDates"] = [dates]
        locations = self.locations(application.territories)
        if locations:
            grant["beneficiaryLocation"] = locations
        priorities = [self.priority(p) for p in application.priorities]
        if priorities:
            grant["classifications"] = priorities
        return grant

    def organisation(self, organisation_id: str) -> dict:
        organisation = self.organisations.get(organisation_id)
        entry = {"id": f"{self.prefix}-{organisation_id}", "name": organisation.name if organisation else organisation_id}
        if organisation is not None and organisation.territory:
            place = self.place(organisation.territory)
            if place is not None:
                entry["addressLocality"] = place.name
        entry["addressRegion"] = "Québec"
        entry["addressCountry"] = "CA"
        return entry

    def funders(self) -> list[dict]:
        ids = [i for i in (self.program.funder, self.program.fund) if i] or [self.program.administered_by
                                                                              or self.plan.organisation]
        funders = []
        for organisation_id in ids:
            entry = self.organisation(organisation_id)
            entry.pop("addressLocality", None)
            funders.append(entry)
        return funders

    def place(self, territory_id: str):
        return plan_gazetteer(self.plan).get(territory_id)

    def locations(self, territory_ids) -> list[dict]:
        locations = []
        for territory_id in territory_ids:
            territory = self.place(territory_id)
            entry = {"id": territory_id, "name": territory.name if territory else territory_id, "countryCode": "CA"}
            if territory is not None and territory.code:
                entry["geoCode"] = territory.code
                entry["geoCodeType"] = "MAMH"
            locations.append(entry)
        return locations

    def priority(self, priority_id: str) -> dict:
        theme = self.themes.get(priority_id)
        entry = {"vocabulary": f"{self.program.id}:priorities", "code": priority_id}
        if theme is not None:
            entry["title"] = theme.title
        return entry


def dumps(data) -> bytes:
    """JSON with every Decimal written as the exact number it is."""
    marks: dict[str, str] = {}

    def mark(value):
        if isinstance(value, Decimal):
            key = f"\x00{len(marks)}\x00"
            marks[key] = format(value.normalize(), "f") if value == value.to_integral_value() \
                else format(value, "f")
            return key
        raise TypeError(f"cannot write {type(value).__name__} as JSON")

    text = json.dumps(data, ensure_ascii=False, indent=2, default=mark)
    for key, number in marks.items():
        text = text.replace(json.dumps(key), number)
    return (text + "\n").encode("utf-8")


THREESIXTY_FORMAT = ReportFormat(
    name="threesixtygiving",
    extension=".json",
    description="360Giving JSON data package: one grant per approved application of the plan's grant program",
    render=render_360giving,
    media_type="application/json",
    options=(
        ReportOption("applications", "the applications and decisions document (type: applications)", default=""),
        ReportOption("id-prefix", "the publisher's 360Giving prefix for grant and organisation ids (360G-…)",
                     default=""),
    ),
)
