"""Explained decisions: parameters valid from/until, overridden per call, and `actionplan grants explain`."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest
from cli_runs import run

import actionplan
from actionplan.api import Application, Evaluator, Participation
from actionplan.checks import check_plan
from actionplan.errors import ValidationError
from actionplan.grants.trace import TRACE_VERSION, trace

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PLAN = str(EXAMPLES / "alliance-maskoutains-2019-2023.yaml")
APPS = str(EXAMPLES / "alliance-maskoutains-demandes.yaml")
THRESHOLD = "minimum: {values: [{from: 2019-04-01, value: 5}]}"
CALL = ('    - id: appels-automne\n      title: "Autres appels de projets, si des sommes sont toujours disponibles"\n'
        '      schedule: "Annuellement Automne"\n')
FOUR = ("mun:saint-hyacinthe", "mun:saint-pie", "mun:saint-damase", "mun:la-presentation")



def plan_with(threshold: str | None = None, call_params: str | None = None):
    text = Path(PLAN).read_text(encoding="utf-8")
    assert THRESHOLD in text and CALL in text
    if threshold is not None:
        text = text.replace(THRESHOLD, threshold)
    if call_params is not None:
        text = text.replace(CALL, CALL + call_params)
    return actionplan.loads(text)


def application(territories=FOUR, deposited=dt.date(2020, 2, 1), call=None, app_id="x") -> Application:
    return Application(id=app_id, title="Projet", lead="a", call=call, deposited=deposited, territories=territories,
                       priorities=("priorite-1-securite-alimentaire",), partners=(Participation("b", "executing"),))


# -- valid from / until ----------------------------------------------------------------------------


def test_a_value_valid_until_a_date_then_another():
    plan = plan_with("minimum: {values: [{from: 2019-04-01, until: 2021-03-31, value: 5}, {from: 2021-04-01, value: 4}]}")
    evaluator = Evaluator(plan.program, plan)
    before = evaluator.assess(application(deposited=dt.date(2021, 3, 31)))
    after = evaluator.assess(application(deposited=dt.date(2021, 4, 1)))
    assert not before.verdict("municipalities_in_territory").passed
    assert after.verdict("municipalities_in_territory").passed
    [parameter] = trace(before)["criteria"][1]["parameters"]
    assert parameter == {"name": "minimum", "value": 5, "defined": True, "from": "2019-04-01", "until": "2021-03-31",
                         "source": "program", "path": "program.criteria[1].params.minimum.values[0]"}


def test_after_until_with_nothing_next_the_criterion_fails_and_says_so():
    plan = plan_with("minimum: {values: [{from: 2019-04-01, until: 2020-12-31, value: 5}]}")
    result = Evaluator(plan.program, plan).assess(application(territories=("mrc:les-maskoutains",),
                                                              deposited=dt.date(2021, 2, 1)))
    verdict = result.verdict("municipalities_in_territory")
    assert not verdict.passed and verdict.facts["defined_until"] == dt.date(2020, 12, 31)
    assert result.explain("municipalities_in_territory") == (
        "Le paramètre « minimum » n'est défini que jusqu'au 2020-12-31 (dépôt le 2021-02-01).",
        "définir « minimum » pour le 2021-02-01 dans le programme")
    assert trace(result)["criteria"][1]["parameters"][0]["defined"] is False


@pytest.mark.parametrize("values, path, message", [
    ("[{from: 2020-04-01, until: 2020-03-31, value: 5}]", "values[0].until", "the end (until) comes before the start"),
    ("[{from: 2019-04-01, until: 2021-03-31, value: 5}, {from: 2021-03-31, value: 4}]", "values[1].from",
     "dates must increase"),
    ("[{from: 2019-04-01, until: demain, value: 5}]", "values[0].until", ""),
])
def test_bad_until_is_reported_with_its_path(values, path, message):
    with pytest.raises(ValidationError) as info:
        plan_with("minimum: {values: " + values + "}")
    issues = [str(i) for i in info.value.issues]
    assert any(i.startswith(f"program.criteria[1].params.minimum.{path}") and message in i for i in issues), issues


# -- overridden per call -------------------------------------------------------------------------------


OVERRIDE = "      params:\n        municipalities_in_territory: {minimum: 4}\n"


def test_a_call_overrides_a_parameter_for_its_applications():
    plan = plan_with(call_params=OVERRIDE)
    evaluator = Evaluator(plan.program, plan)
    autumn = evaluator.assess(application(call="appels-automne"))
    winter = evaluator.assess(application(call="appel-hiver-2019-2020"))
    assert autumn.verdict("municipalities_in_territory").passed
    assert not winter.verdict("municipalities_in_territory").passed
    data = trace(autumn)
    assert data["call_overrides"] is True
    assert data["criteria"][1]["parameters"][0] == {
        "name": "minimum", "value": 4, "defined": True, "from": None, "until": None, "source": "call",
        "path": "program.calls[1].params.municipalities_in_territory.minimum"}
    assert data["criteria"][0]["parameters"][0]["source"] == "program"  # only what the call names changes


def test_an_override_can_be_dated_too():
    plan = plan_with(call_params="      params:\n        municipalities_in_territory:\n"
                                 "          minimum: {values: [{from: 2021-09-01, value: 3}]}\n")
    evaluator = Evaluator(plan.program, plan)
    three = FOUR[:3]
    assert evaluator.assess(application(three, dt.date(2021, 10, 1), "appels-automne")).verdict(
        "municipalities_in_territory").passed
    early = evaluator.assess(application(three, dt.date(2021, 8, 1), "appels-automne"))
    assert early.verdict("municipalities_in_territory").facts["undefined_parameter"] == "minimum"


@pytest.mark.parametrize("params, path, found", [
    ("      params:\n        municipalites: {minimum: 4}\n", "program.calls[1].params.municipalites", "'municipalites'"),
    ("      params:\n        municipalities_in_territory: {minimum: 0}\n",
     "program.calls[1].params.municipalities_in_territory.minimum", "0"),
    ("      params:\n        municipalities_in_territory: {maximum: 4}\n",
     "program.calls[1].params.municipalities_in_territory.maximum", "'maximum'"),
    ("      params:\n        municipalities_in_territory: 4\n", "program.calls[1].params.municipalities_in_territory", "4"),
])
def test_a_bad_override_is_an_issue_with_its_path(params, path, found):
    text = Path(PLAN).read_text(encoding="utf-8").replace(CALL, CALL + params)
    with pytest.raises(ValidationError) as info:
        actionplan.loads(text)
    issues = [i for i in info.value.issues if i.path == path]
    assert issues and issues[0].found == found, [str(i) for i in info.value.issues]


def test_the_trace_is_recorded_by_reference():
    plan = plan_with()
    evaluator = Evaluator(plan.program, plan)
    one, two = evaluator.assess(application(app_id="a")), evaluator.assess(application(app_id="b"))
    assert one.binding is two.binding
    assert one.binding.entries[1]["minimum"] is evaluator.criteria[1].params["minimum"].values[0]


def test_check_plan_accepts_a_valid_override():
    assert not [i for i in check_plan(plan_with(call_params=OVERRIDE)) if i.severity == "error"]


# -- actionplan grants explain -------------------------------------------------------------------------


def test_explain_prints_a_verdict_trace_in_french(capsys):
    code, out, err = run(capsys, "grants", "explain", PLAN, APPS, "d-04")
    assert code == 0, err
    lines = out.splitlines()
    assert lines[:3] == [
        "Alliance pour la solidarité 2019-2023 — MRC des Maskoutains",
        "d-04 — Aide aux devoirs en milieu rural (Maison de la famille Les Petits Pas (fictif))",
        "Verdict : non admissible — critère non rempli : Au moins 5 municipalités du territoire"]
    assert "Jugée avec les paramètres en vigueur le 5 février 2020, sa date de dépôt." in lines
    assert ("    paramètre minimum = 5 — en vigueur depuis le 1er avril 2019\u00a0; fixé par le programme "
            "(program.criteria[1].params.minimum.values[0])") in lines
    assert "    faits : municipalities = 3\u00a0; minimum = 5\u00a0; outside_territory = 2\u00a0; reached = mun:saint-barnabe-sud, " \
           "mun:saint-jude, mun:saint-louis" in lines
    assert "    → rejoindre 2 municipalités de plus sur le territoire (Les Maskoutains)" in lines
    assert "  territories = mun:saint-jude, mun:saint-louis, mun:saint-barnabe-sud, mun:beauharnois, mun:candiac" in lines


def test_explain_in_english_and_as_versioned_json(capsys):
    code, out, _ = run(capsys, "grants", "explain", PLAN, APPS, "d-02", "--lang", "en")
    assert code == 0
    assert "Verdict: eligible, rank 4 of 4 eligible applications" in out
    assert "Judged with the parameters in force on February 3, 2020, its deposit date." in out
    assert "    → act on 1 more priority to be ranked first" in out
    code, out, _ = run(capsys, "grants", "explain", PLAN, APPS, "d-02", "--format", "json")
    data = json.loads(out)
    assert data["trace_version"] == TRACE_VERSION == 1
    assert (data["application"], data["eligible"], data["rank"], data["eligible_count"]) == ("d-02", True, 4, 4)
    assert [c["criterion"] for c in data["criteria"]] == [
        "executing_organisations", "municipalities_in_territory", "multiple_priorities_first"]
    assert data["criteria"][2]["facts"] == {"priorities": 1, "minimum": 2}
    assert data["criteria"][2]["advice"] == "agir sur 1 priorité de plus pour être priorisé"
    assert data["application_data"]["partners"] == [{"organisation": "atelier-17", "role": "executing", "note": None}]


def test_explain_an_unknown_id_is_a_clear_error(capsys):
    code, out, err = run(capsys, "grants", "explain", PLAN, APPS, "d-4")
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.strip() == (f"actionplan: {APPS} : aucune demande 'd-4'\u00a0; les demandes sont : d-01, d-02, d-03, d-04, "
                           "d-05, d-06, d-07, d-08 (vouliez-vous dire 'd-04' ?)")
    code, _, err = run(capsys, "--lang", "en", "grants", "explain", PLAN, APPS, "zzz")
    assert code == 2 and err.strip().startswith(f"actionplan: {APPS}: no application 'zzz'; the applications are: d-01")


def test_the_guide_shows_the_real_output(capsys):
    from docblocks import worked_example

    block = worked_example((Path(__file__).resolve().parent.parent / "docs" / "grants.md").read_text(encoding="utf-8"),
                           "explain", "docs/grants.md")
    command, *expected = block.rstrip("\n").split("\n")
    args = command.removeprefix("$ actionplan ").split()
    code, out, _ = run(capsys, *[str(EXAMPLES.parent / a) if a.startswith("examples/") else a for a in args])
    assert code == 0
    assert out.rstrip("\n").split("\n") == expected
