"""The grant model in documents: the Alliance program, applications documents, checks with paths."""

from __future__ import annotations

import datetime as dt
import textwrap
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

import actionplan
from actionplan.checks import check_plan
from actionplan.errors import GrantError, ValidationError
from actionplan.grants.chain import Workflow
from actionplan.grants.checks import check_applications
from actionplan.model.grants import ApplicationsDocument, CallForProjects, Deadline, GrantProgram

D = Decimal
day = dt.date
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
ALLIANCE = EXAMPLES / "alliance-maskoutains-2019-2023.yaml"
DEMANDES = EXAMPLES / "alliance-maskoutains-demandes.yaml"


@pytest.fixture(scope="module")
def plan():
    return actionplan.load(ALLIANCE)


@pytest.fixture(scope="module")
def demandes():
    return actionplan.load(DEMANDES)


def test_the_alliance_plan_carries_its_program(plan):
    program = plan.program
    assert isinstance(program, GrantProgram)
    assert (program.funder, program.fund, program.administered_by) == ("mtess", "fqis", "mrc-des-maskoutains")
    assert program.territories == ("mrc:les-maskoutains",)
    assert program.period.end == day(2023, 3, 31)
    assert program.budget == {"2019-2020": D(0), "2020-2021": D(195007), "2021-2022": D(97503), "2022-2023": D(97503)}
    assert program.budget_total == program.total == D(390013)
    assert [c.criterion for c in program.criteria] == [
        "executing_organisations", "municipalities_in_territory", "multiple_priorities_first"]
    themes = {t.id: t for t in plan.themes}
    assert all(themes[p].kind == "priorite" for p in program.priorities) and len(program.priorities) == 4
    assert [c.schedule.text for c in program.calls] == ["Hiver 2019-2020", "Annuellement Automne"]
    assert [i for i in check_plan(plan) if i.path.startswith("program")] == []


def test_the_final_report_is_due_at_each_projects_end(plan, demandes):
    workflow = Workflow(plan.program)
    requirement = plan.program.reports[0]
    assert requirement.due.text == "À la fin de chaque projet"
    assert workflow.report_due(requirement, demandes.application("d-02")) == day(2022, 3, 31)
    assert workflow.report_due(requirement, demandes.application("d-03")) is None  # no end date given
    later = attrs.evolve(requirement, days_after=30)
    assert workflow.report_due(later, demandes.application("d-02")) == day(2022, 4, 30)


def test_the_illustrative_applications_load_and_check(plan, demandes):
    assert isinstance(demandes, ApplicationsDocument)
    assert demandes.illustrative is True and demandes.program == plan.id
    assert len(demandes.applications) == 8
    assert "fictif" in DEMANDES.read_text(encoding="utf-8") and "MADE UP" in DEMANDES.read_text(encoding="utf-8")
    assert check_applications(demandes, plan) == []
    d01 = demandes.application("d-01")
    assert d01.total_requested == D(120000)
    assert {p.role for p in d01.partners} == {"executing", "support"}


def test_applications_roundtrip_through_yaml_and_json(demandes, tmp_path):
    for name in ("copy.yaml", "copy.json"):
        actionplan.dump(demandes, tmp_path / name)
        again = actionplan.load(tmp_path / name)
        assert again == demandes
    assert actionplan.dumps(demandes).startswith(b"type: applications")


# -- deadlines keep their history -------------------------------------------------------------


def test_a_postponed_deadline_keeps_its_history():
    deadline = Deadline(day(2020, 1, 31), label="dépôt")
    moved = deadline.postpone(day(2020, 2, 14), decided=day(2020, 1, 20), reason="tempête")
    moved = moved.postpone(day(2020, 2, 28))
    assert moved.date == day(2020, 2, 28) and moved.original == day(2020, 1, 31)
    assert moved.history() == (day(2020, 1, 31), day(2020, 2, 14), day(2020, 2, 28))
    assert moved.postponements[0].reason == "tempête"
    with pytest.raises(GrantError, match="moves a deadline later"):
        moved.postpone(day(2020, 2, 1))
    call = CallForProjects("appel", "Appel", deadlines=(moved, Deadline(day(2020, 10, 30))))
    assert call.deadline_for(day(2020, 2, 20)) is moved
    assert call.deadline_for(day(2020, 3, 1)).date == day(2020, 10, 30)
    assert call.deadline_for(day(2020, 11, 1)) is None


PLAN = (ALLIANCE.read_text(encoding="utf-8"))


def plan_issues(replace: str, by: str) -> list[str]:
    assert replace in PLAN, replace
    with pytest.raises(ValidationError) as info:
        actionplan.loads(PLAN.replace(replace, by, 1))
    return [str(issue) for issue in info.value.issues]


@pytest.mark.parametrize("replace, by, expected", [
    ("  total: 390013", "  total: 390000",
     "program.total: the total differs from the sum of the envelopes; expected 390013, found 390000"),
    ("    2021-2022: 97503\n", "",
     "program.budget.2022-2023: the fiscal years of a budget follow each other; expected 2021-2022, found 2022-2023"),
    ("    2020-2021: 195007", "    2020-2021: 195 007,505 $",
     "program: GrantProgram.budget has fractions of a cent"),
    ("    - priorite-3-habitation\n", "    - priorite-3-logement\n",
     "program.priorities[2]: unknown priority (a theme of kind 'priorite')"),
    ("decides: approve}", "decides: recommend}", "program.chain.steps[2].decides: the last body of the chain approves"),
    ("  funder: mtess", "  funder: ministere", "program.funder: unknown organisation"),
    ("  territories: [mrc:les-maskoutains]\n  priorities:", "  territories: [mrc:maskoutains]\n  priorities:",
     "program.territories[0]: unknown territory"),
    ("    2019-2020: 0\n", "    2019-2020: 0\n    2018-2019: 5\n",
     "program.budget.2018-2019: fiscal year outside the program's period"),
])
def test_program_errors_carry_their_path(replace, by, expected):
    found = plan_issues(replace, by)
    assert any(issue.startswith(expected) for issue in found), found


def test_a_deadline_history_going_backwards_is_refused():
    found = plan_issues('      schedule: "Hiver 2019-2020"\n', textwrap.indent(textwrap.dedent("""\
        schedule: "Hiver 2019-2020"
        opens: 2020-01-06
        deadlines:
          - date: 2020-02-14
            postponements: [{previous: 2020-01-31}, {previous: 2020-02-21, reason: erreur}]
    """), "      "))
    assert found == ["program.calls[0].deadlines[0].postponements[1]: a postponement moves a deadline later; "
                     "expected a date after 2020-02-21, found 2020-02-14"]


# -- applications documents --------------------------------------------------------------------


DOC = DEMANDES.read_text(encoding="utf-8")


def doc_issues(replace: str, by: str, plan=None) -> list[str]:
    assert replace in DOC, replace
    text = DOC.replace(replace, by, 1)
    if plan is None:
        with pytest.raises(ValidationError) as info:
            actionplan.loads(text)
        return [str(issue) for issue in info.value.issues]
    return [str(issue) for issue in check_applications(actionplan.loads(text), plan)]


@pytest.mark.parametrize("replace, by, expected", [
    ("{organisation: atelier-17, role: executing}", "{organisation: atelier-17, role: lead}",
     "applications[1].partners[0].role: a partner of an application executes or supports; expected executing | support, "
     "found 'lead' (the lead organisation is given by 'lead')"),
    ("    lead: tremplin-emploi", "    lead: tremplin-emplois",
     "applications[1].lead: unknown organisation"),
    ("  - {application: d-07, body", "  - {application: d-70, body", "decisions[6].application: unknown application"),
    ("    deposited: 2020-02-03", "    deposited: 3 février 2020",
     "applications[1].deposited: wrong type; expected a date (YYYY-MM-DD)"),
    ("outcome: unfavourable, note: \"un seul", "outcome: non, note: \"un seul", "decisions[2].outcome: "),
    ("  - {application: d-01, date: 2020-04-20, amount: 60000}", "  - {application: d-01, date: 2020-04-20, amount: -5}",
     "payments[0]: Payment.amount must be an amount of 0 $ or more, not -5"),
])
def test_document_errors_carry_their_path(replace, by, expected):
    found = doc_issues(replace, by)
    assert any(issue.startswith(expected) for issue in found), found


@pytest.mark.parametrize("replace, by, expected", [
    ("priorities: [priorite-2-insertion-socioprofessionnelle]\n    requested: {2020-2021: 45000",
     "priorities: [priorite-5-transport]\n    requested: {2020-2021: 45000",
     "applications[1].priorities[0]: unknown priority of the program"),
    ("body: conseil-mrc, date: 2020-03-11, outcome: favourable, resolution: \"20-03-081\"",
     "body: conseil-municipal, date: 2020-03-11, outcome: favourable, resolution: \"20-03-081\"",
     "decisions[7].body: unknown step of the approval chain"),
    ("requested: {2020-2021: 15000}", "requested: {2024-2025: 15000}",
     "applications[4].requested.2024-2025: no envelope for this fiscal year"),
    ("call: appels-automne", "call: appel-printemps", "applications[7].call: unknown call for projects"),
    ("program: alliance-maskoutains-2019-2023", "program: autre-programme",
     "program: applications for another program"),
    ("{application: d-02, report: reddition-finale", "{application: d-02, report: rapport-annuel",
     "reports[0].report: unknown report required by the program"),
    ("  - {application: d-01, date: 2022-04-20, amount: 30000}", "  - {application: d-01, date: 2022-04-20, amount: 30001}",
     "payments[7]: d-01: payment of $30,001 refused; $30,000 remain to be paid"),
    ("  - {application: d-08, body: table-prefets, date: 2022-02-17, outcome: favourable, resolution: \"TPM-2022-007\", amount: 80000}",
     "  - {application: d-08, body: table-prefets, date: 2022-02-17, outcome: favourable, resolution: \"TPM-2022-007\", amounts: {2021-2022: 40000, 2022-2023: 40000}}\n"
     "  - {application: d-08, body: conseil-mrc, date: 2022-02-18, outcome: favourable}",
     "decisions[17]: d-08 is already approved on 2022-02-17; Conseil de la MRC des Maskoutains can no longer decide on it"),
])
def test_documents_are_checked_against_their_program(plan, replace, by, expected):
    found = doc_issues(replace, by, plan)
    assert any(issue.startswith(expected) for issue in found), found


def test_an_over_commitment_in_a_document_is_an_error_at_the_decision(plan):
    text = DOC.replace("requested: {2021-2022: 40000, 2022-2023: 40000}", "requested: {2021-2022: 40000, 2022-2023: 140000}")
    text = text.replace('resolution: "TPM-2022-007", amount: 80000', 'resolution: "TPM-2022-007", amount: 180000')
    found = [str(issue) for issue in check_applications(actionplan.loads(text), plan)]
    found = [i for i in found if i.startswith("decisions[16]")]
    assert len(found) == 1 and "commitment refused" in found[0]


def test_the_package_exports_what_it_lists():
    import actionplan.grants as grants

    assert sorted(grants.__all__) == sorted(grants._EXPORTS)
    assert all(getattr(grants, name) is not None for name in grants.__all__)
    with pytest.raises(AttributeError):
        grants.NotAThing  # noqa: B018


def test_applications_are_stored_beside_their_program(tmp_path):
    import actionplan

    applications = actionplan.load(EXAMPLES / "alliance-maskoutains-demandes.yaml")
    with actionplan.open_store(f"sqlite:{tmp_path / 'store.db'}") as store:
        store.save(applications)
        assert store.get("alliance-maskoutains-2019-2023.applications").version == 1
