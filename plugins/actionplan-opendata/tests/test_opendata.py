"""IATI 2.03 and 360Giving exports, validated against the standards' published schemas (offline)."""

from __future__ import annotations

import datetime as dt
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from decimal import Decimal
from pathlib import Path

import pytest

import actionplan
from actionplan.api import ActionplanError, TrackingLog, plan_progress, render_report, with_measurements

REPO = Path(__file__).resolve().parents[3]
STANDARDS = REPO.parent / "shared" / "standards"
EXAMPLES = REPO / "examples"
PLAN_000 = EXAMPLES / "concertation-horizon-2026.yaml"
TRACKING_000 = EXAMPLES / "concertation-horizon-2026-suivi.yaml"
ALLIANCE = EXAMPLES / "alliance-maskoutains-2019-2023.yaml"
APPLICATIONS = EXAMPLES / "alliance-maskoutains-demandes.yaml"
IATI_XSD = STANDARDS / "iati-2.03" / "iati-activities-schema.xsd"
GIVING = STANDARDS / "360giving"


@pytest.fixture(scope="module")
def iati_schema():
    if not IATI_XSD.exists():
        pytest.skip(f"the IATI 2.03 schema is not at {IATI_XSD} (CI keeps shared/ beside the clone)")
    xmlschema = pytest.importorskip("xmlschema")
    return xmlschema.XMLSchema(str(IATI_XSD))


@pytest.fixture(scope="module")
def giving_validator():
    if not (GIVING / "360-giving-package-schema.json").exists():
        pytest.skip(f"the 360Giving schemas are not in {GIVING} (CI keeps shared/ beside the clone)")
    jsonschema = pytest.importorskip("jsonschema")
    from referencing import Registry
    from referencing.jsonschema import DRAFT202012

    package = json.loads((GIVING / "360-giving-package-schema.json").read_text(encoding="utf-8"))
    grant = json.loads((GIVING / "360-giving-schema.json").read_text(encoding="utf-8"))
    resource = DRAFT202012.create_resource(grant)
    referenced = package["properties"]["grants"]["items"]["$ref"]  # the public URL: mapped to the local file
    registry = Registry().with_resources([(referenced, resource), (grant["$id"], resource)])
    checker = jsonschema.Draft202012Validator.FORMAT_CHECKER
    # The schema tells dates from date-times with oneOf + "format": without a date-time checker
    # (rfc3339-validator, in the test extra) a plain date matches both branches and fails.
    assert not checker.conforms("2020-03-26", "date-time"), "install rfc3339-validator (the plugin's test extra)"
    return jsonschema.Draft202012Validator(package, registry=registry, format_checker=checker)


def _xml_errors(schema, payload: bytes) -> list[str]:
    return [str(error.reason or error) for error in schema.iter_errors(payload.decode("utf-8"))]


# -- IATI ------------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def tracked_plan():
    return with_measurements(actionplan.load(PLAN_000), actionplan.load(TRACKING_000, TrackingLog).measurements)


def test_a_tracked_plan_is_a_valid_iati_activity(iati_schema, tracked_plan):
    payload = render_report(tracked_plan, "iati", as_of=dt.date(2026, 10, 1), options={"org-ref": "CA-CRA_ACR-1"})
    assert _xml_errors(iati_schema, payload) == []
    root = ET.fromstring(payload)
    activity = root.find("iati-activity")
    assert activity.findtext("iati-identifier") == "CA-CRA_ACR-1-concertation-horizon-2026"
    assert activity.find("activity-status").get("code") == "2"
    assert [d.get("iso-date") for d in activity.findall("activity-date")] == ["2026-01-01", "2026-12-31"]
    roles = {(o.findtext("narrative"), o.get("role")) for o in activity.findall("participating-org")}
    assert {("Concertation Horizon", "2"), ("Concertation Horizon", "4"), ("MESS", "1")} <= roles
    results = activity.findall("result")
    assert len(results) == sum(1 for _, o in tracked_plan.iter_objectives() if any(a.indicators for a in o.actions))
    indicators = {i.findtext("title/narrative"): i for r in results for i in r.findall("indicator")}
    meetings = indicators["4 rencontres"]
    assert meetings.get("measure") == "1"
    assert meetings.find("period/target").get("value") == "4"
    assert meetings.find("period/actual").get("value") == _progress_value(tracked_plan, "va-o1-a1-i1")
    rate = indicators["Taux de participation"]
    assert rate.get("measure") == "2" and Decimal(rate.find("period/actual").get("value")) <= 100
    quality = next(i for i in indicators.values() if i.get("measure") == "5" and i.find("period/actual") is not None)
    assert quality.findtext("period/actual/comment/narrative") in ("insuffisant", "partiel", "satisfaisant", "excellent")
    assert [loc.get("ref") for loc in activity.findall("location")] == list(tracked_plan.territories)


def _progress_value(plan, indicator_id: str) -> str:
    value = plan_progress(plan, dt.date(2026, 10, 1)).indicator(indicator_id).value
    return format(value.normalize(), "f")


def test_without_an_org_ref_the_file_says_so_and_stays_valid(iati_schema, tracked_plan):
    payload = render_report(tracked_plan, "iati", as_of=dt.date(2026, 10, 1))
    assert b"give your registered IATI organisation identifier" in payload
    assert _xml_errors(iati_schema, payload) == []
    assert render_report(tracked_plan, "iati", as_of=dt.date(2026, 10, 1)) == payload  # deterministic


def test_the_alliance_program_budget_by_fiscal_year(iati_schema):
    plan = actionplan.load(ALLIANCE)
    payload = render_report(plan, "iati", as_of=dt.date(2021, 1, 1))
    assert _xml_errors(iati_schema, payload) == []
    activity = ET.fromstring(payload).find("iati-activity")
    budgets = [(b.find("period-start").get("iso-date"), b.find("period-end").get("iso-date"), b.findtext("value"))
               for b in activity.findall("budget")]
    assert budgets == [("2019-04-01", "2020-03-31", "0"), ("2020-04-01", "2021-03-31", "195007"),
                       ("2021-04-01", "2022-03-31", "97503"), ("2022-04-01", "2023-03-31", "97503")]
    roles = [(o.findtext("narrative"), o.get("role"), o.get("type")) for o in activity.findall("participating-org")]
    assert roles[:2] == [("Ministère du Travail, de l'Emploi et de la Solidarité sociale", "1", "10"),
                         ("Fonds québécois d'initiatives sociales", "1", "15")]
    assert ("MRC des Maskoutains", "3", "11") in roles


PER_YEAR = """
schema_version: 1
id: table-2025-2027
title: "Table — Plan d'action 2025-2027"
period: {start: 2025-04-01, end: 2027-03-31}
fiscal_years: true
organisation: table
organisations: [{id: table, name: "Table", kind: "table de concertation"}]
themes:
  - id: t
    title: "Thème"
    objectives:
      - id: o
        title: "Objectif"
        actions:
          - id: a
            title: "Action"
            indicators:
              - id: i
                label: "Rencontres"
                kind: count
                target: 8
                baseline: 1
                targets: [{period: "2025-2026", value: 3}, {period: "2026-2027", value: 5}]
                measurements:
                  - {date: 2025-06-01, value: 2}
                  - {date: 2026-05-01, value: 1}
                  - {date: 2026-12-01, value: 9}
"""


def test_targets_and_actuals_per_period(iati_schema):
    plan = actionplan.loads(PER_YEAR)
    payload = render_report(plan, "iati", as_of=dt.date(2026, 9, 30))
    assert _xml_errors(iati_schema, payload) == []
    indicator = ET.fromstring(payload).find("iati-activity/result/indicator")
    assert indicator.find("baseline").get("value") == "1"
    periods = [(p.find("period-start").get("iso-date"), p.find("target").get("value"),
                p.find("actual").get("value") if p.find("actual") is not None else None)
               for p in indicator.findall("period")]
    # the December 2026 measurement is after the report date: not counted yet
    assert periods == [("2025-04-01", "3", "2"), ("2026-04-01", "5", "1")]


# -- 360Giving -------------------------------------------------------------------------------------


def _grants(as_of=dt.date(2023, 3, 31), **options):
    plan = actionplan.load(ALLIANCE)
    payload = render_report(plan, "threesixtygiving", as_of=as_of,
                            options={"applications": str(APPLICATIONS), **options})
    return payload, json.loads(payload)


def test_approved_applications_are_a_valid_360giving_package(giving_validator):
    _payload, package = _grants(**{"id-prefix": "360G-exemple"})
    assert [f"{list(e.absolute_path)}: {e.message}" for e in giving_validator.iter_errors(package)] == []
    grants = {g["id"]: g for g in package["grants"]}
    assert sorted(grants) == ["360G-exemple-d-01", "360G-exemple-d-02", "360G-exemple-d-06", "360G-exemple-d-08"]
    d02 = grants["360G-exemple-d-02"]
    assert (d02["amountAppliedFor"], d02["amountAwarded"], d02["amountDisbursed"]) == (65000, 60000, 60000)
    assert d02["awardDate"] == "2020-03-26"
    assert d02["fundingOrganization"][0]["name"] == "Ministère du Travail, de l'Emploi et de la Solidarité sociale"
    assert d02["grantProgramme"][0]["code"] == "alliance-solidarite-maskoutains-2019-2023"
    assert {loc["name"] for loc in d02["beneficiaryLocation"]} >= {"Saint-Hyacinthe", "Saint-Pie"}
    assert grants["360G-exemple-d-08"]["awardDate"] == "2022-02-17"
    assert sum(g["amountAwarded"] for g in package["grants"]) == 360000


def test_grants_follow_the_report_date():
    _, package = _grants(as_of=dt.date(2021, 1, 1))
    assert [g["id"].rsplit("-", 2)[-2:] for g in package["grants"]] == [["d", "01"], ["d", "02"], ["d", "06"]]
    with pytest.raises(ActionplanError, match="no approved application as of 2020-03-01") as caught:
        _grants(as_of=dt.date(2020, 3, 1))
    assert "aucune demande approuvée au 2020-03-01" in caught.value.message("fr")


def test_amounts_are_exact_decimals(tmp_path, giving_validator):
    text = APPLICATIONS.read_text(encoding="utf-8").replace(
        "{application: d-08, date: 2022-06-01, amount: 40000}", "{application: d-08, date: 2022-06-01, amount: 39999.99}")
    applications = tmp_path / "demandes.yaml"
    applications.write_text(text, encoding="utf-8")
    payload, package = _grants(applications=str(applications))
    assert b'"amountDisbursed": 79999.99' in payload
    assert list(giving_validator.iter_errors(package)) == []


def test_360giving_needs_a_program_and_its_applications():
    with pytest.raises(ActionplanError, match="-O applications=FILE.yaml") as caught:
        render_report(actionplan.load(ALLIANCE), "threesixtygiving", as_of=dt.date(2023, 3, 31))
    assert "-O applications=FICHIER.yaml" in caught.value.message("fr")
    with pytest.raises(ActionplanError, match="carries no grant program") as caught:
        render_report(actionplan.load(PLAN_000), "threesixtygiving", options={"applications": str(APPLICATIONS)})
    assert "aucun programme de subvention" in caught.value.message("fr")


def test_the_report_command_writes_both(tmp_path):
    def run(*args):
        return subprocess.run([sys.executable, "-m", "actionplan", *args], capture_output=True, text=True, timeout=120,
                              check=False)

    xml_path, json_path = tmp_path / "plan.xml", tmp_path / "grants.json"
    result = run("report", str(PLAN_000), "-f", "iati", "-o", str(xml_path), "-t", str(TRACKING_000),
                 "--as-of", "2026-10-01", "-O", "org-ref=CA-CRA_ACR-1")
    assert result.returncode == 0, result.stderr
    assert xml_path.read_bytes().startswith(b'<?xml version="1.0" encoding="UTF-8"?>')
    result = run("report", str(ALLIANCE), "-f", "threesixtygiving", "-o", str(json_path), "--as-of", "2023-03-31",
                 "-O", f"applications={APPLICATIONS}")
    assert result.returncode == 0, result.stderr
    assert json.loads(json_path.read_text(encoding="utf-8"))["version"] == "1.4"
    result = run("report", str(ALLIANCE), "-f", "threesixtygiving", "-o", str(tmp_path / "x.json"))
    assert result.returncode == 2 and "Traceback" not in result.stderr
    assert not (tmp_path / "x.json").exists()
