"""The approval chain as a state machine: legal paths, refused transitions, what waits on whom."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pytest

import actionplan
from actionplan.errors import GrantError
from actionplan.grants.chain import Workflow, replay
from actionplan.grants.checks import check_applications
from actionplan.grants.ledger import Ledger
from actionplan.model.grants import Agreement, Application, ApplicationsDocument, Decision, Payment, ReportReceipt
from actionplan.model import Organisation

D = Decimal
day = dt.date
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


@pytest.fixture(scope="module")
def plan():
    return actionplan.load(EXAMPLES / "alliance-maskoutains-2019-2023.yaml")


@pytest.fixture
def workflow(plan):
    names = {o.id: o.name for o in plan.organisations}
    names["porteur"] = "Organisme porteur (fictif)"
    return Workflow(plan.program, Ledger.for_program(plan.program), names)


def application(**kw) -> Application:
    values = {"id": "d-1", "title": "Projet", "lead": "porteur", "deposited": day(2020, 1, 20),
              "end": day(2022, 6, 30), "requested": {"2020-2021": D(60000), "2021-2022": D(40000)}}
    values.update(kw)
    return Application(**values)


def decide(workflow, dossier, body, when, outcome="favourable", **kw):
    return workflow.decide(dossier, Decision(dossier.application.id, body, when, outcome, **kw))


def approved(workflow, **kw):
    dossier = workflow.open(application(**kw))
    dossier = decide(workflow, dossier, "comite-selection", day(2020, 2, 20))
    dossier = decide(workflow, dossier, "conseil-mrc", day(2020, 3, 11))
    return decide(workflow, dossier, "table-prefets", day(2020, 3, 26))


def test_the_seed_chain_in_order(plan):
    assert [s.id for s in plan.program.chain.steps] == ["comite-selection", "conseil-mrc", "table-prefets"]
    assert [s.decides for s in plan.program.chain.steps] == ["recommend", "recommend", "approve"]


def test_a_favourable_path_commits_then_signs_pays_and_reports(workflow):
    dossier = workflow.open(application())
    waits = workflow.awaiting(dossier, day(2020, 2, 1))
    assert [(w.kind, w.who, w.what.render("fr")) for w in waits] == [("decision", "comite-selection-alliance", "recommandation")]
    dossier = decide(workflow, dossier, "comite-selection", day(2020, 2, 20))
    assert workflow.awaiting(dossier, day(2020, 3, 1))[0].who_title == "Conseil de la MRC des Maskoutains"
    dossier = decide(workflow, dossier, "conseil-mrc", day(2020, 3, 11), resolution="20-03-081")
    wait = workflow.awaiting(dossier, day(2020, 3, 20))[0]
    assert (wait.who, wait.what.render("en")) == ("table-prefets-monteregie", "approval")
    assert workflow.ledger.commitments == []  # recommendations commit nothing
    dossier = decide(workflow, dossier, "table-prefets", day(2020, 3, 26))
    assert dossier.stage == "approved" and dossier.granted_total == D(100000)
    assert workflow.ledger.committed_to("d-1") == D(100000)
    assert [w.kind for w in workflow.awaiting(dossier, day(2020, 4, 1))] == ["agreement"]
    assert workflow.awaiting(dossier, day(2020, 4, 1))[0].who == "coordination-alliance-table-prefets"
    dossier = workflow.sign(dossier, Agreement("d-1", day(2020, 4, 8)))
    dossier = workflow.pay(dossier, Payment("d-1", day(2020, 4, 20), D(60000)))
    waits = {w.kind: w for w in workflow.awaiting(dossier, day(2022, 7, 15))}
    assert waits["payment"].what.render("fr") == "versement du solde de 40\xa0000\xa0$"
    report = waits["report"]
    assert (report.who, report.due, report.overdue) == ("porteur", day(2022, 6, 30), True)
    assert report.who_title == "Organisme porteur (fictif)"
    dossier = workflow.pay(dossier, Payment("d-1", day(2021, 4, 20), D(40000)))
    dossier = workflow.receive(dossier, ReportReceipt("d-1", "reddition-finale", day(2022, 7, 20)))
    assert workflow.awaiting(dossier, day(2022, 8, 1)) == ()
    assert [d.body for d in dossier.decisions] == ["comite-selection", "conseil-mrc", "table-prefets"]


def test_a_deferred_decision_keeps_waiting_on_the_same_body(workflow):
    dossier = decide(workflow, workflow.open(application()), "comite-selection", day(2020, 2, 20), "deferred")
    assert dossier.stage == "review" and dossier.step == 0 and len(dossier.decisions) == 1
    assert workflow.awaiting(dossier, day(2020, 3, 1))[0].since == day(2020, 2, 20)
    dossier = decide(workflow, dossier, "comite-selection", day(2020, 3, 5))
    assert dossier.step == 1


def test_an_unfavourable_decision_ends_the_file(workflow):
    dossier = decide(workflow, workflow.open(application()), "comite-selection", day(2020, 2, 20), "unfavourable")
    assert dossier.stage == "rejected" and workflow.awaiting(dossier, day(2020, 3, 1)) == ()
    with pytest.raises(GrantError, match="already rejected on 2020-02-20"):
        decide(workflow, dossier, "conseil-mrc", day(2020, 3, 11))


@pytest.mark.parametrize("body, message, fr", [
    ("conseil-mrc", "first awaits the decision of Comité de sélection de l'Alliance solidarité; "
                    "Conseil de la MRC des Maskoutains cannot decide on it yet",
     "attend d'abord la décision de Comité de sélection"),
    ("table-prefets", "cannot decide on it yet", "ne peut pas encore en décider"),
    ("conseil-des-ministres", "'conseil-des-ministres' is not a body of the approval chain", "n'est pas une instance"),
])
def test_a_body_cannot_decide_out_of_turn(workflow, body, message, fr):
    dossier = workflow.open(application())
    with pytest.raises(GrantError, match=message) as info:
        decide(workflow, dossier, body, day(2020, 2, 20))
    assert fr in info.value.message("fr")


def test_a_body_cannot_decide_twice_nor_before_the_previous_step(workflow):
    dossier = decide(workflow, workflow.open(application()), "comite-selection", day(2020, 2, 20))
    with pytest.raises(GrantError, match="has already decided favourably; the file awaits Conseil"):
        decide(workflow, dossier, "comite-selection", day(2020, 2, 21))
    with pytest.raises(GrantError, match="decision dated 2020-02-19, before the previous step"):
        decide(workflow, dossier, "conseil-mrc", day(2020, 2, 19))


def test_an_approved_file_takes_no_more_decisions(workflow):
    dossier = approved(workflow)
    with pytest.raises(GrantError, match="already approved"):
        decide(workflow, dossier, "table-prefets", day(2020, 4, 1))


def test_agreements_payments_and_reports_follow_their_order(workflow):
    dossier = workflow.open(application())
    with pytest.raises(GrantError, match="is not approved"):
        workflow.sign(dossier, Agreement("d-1", day(2020, 4, 8)))
    dossier = approved(workflow)
    with pytest.raises(GrantError, match="no payment before the agreement is signed"):
        workflow.pay(dossier, Payment("d-1", day(2020, 4, 20), D(10)))
    with pytest.raises(GrantError, match="a report follows the signed agreement"):
        workflow.receive(dossier, ReportReceipt("d-1", "reddition-finale", day(2020, 4, 20)))
    with pytest.raises(GrantError, match="agreement dated 2020-03-01, before the previous step"):
        workflow.sign(dossier, Agreement("d-1", day(2020, 3, 1)))
    dossier = workflow.sign(dossier, Agreement("d-1", day(2020, 4, 8)))
    with pytest.raises(GrantError, match="already signed"):
        workflow.sign(dossier, Agreement("d-1", day(2020, 4, 9)))
    with pytest.raises(GrantError, match="before the agreement was signed"):
        workflow.pay(dossier, Payment("d-1", day(2020, 4, 1), D(10)))
    with pytest.raises(GrantError, match=r"payment of \$100,001 refused; \$100,000 remain"):
        workflow.pay(dossier, Payment("d-1", day(2020, 4, 20), D(100001)))
    with pytest.raises(GrantError, match="'rapport-annuel' is not a report the program requires"):
        workflow.receive(dossier, ReportReceipt("d-1", "rapport-annuel", day(2020, 4, 20)))
    dossier = workflow.receive(dossier, ReportReceipt("d-1", "reddition-finale", day(2022, 7, 1)))
    with pytest.raises(GrantError, match="already received"):
        workflow.receive(dossier, ReportReceipt("d-1", "reddition-finale", day(2022, 7, 2)))
    with pytest.raises(GrantError, match="the event is for d-2, not d-1"):
        workflow.pay(dossier, Payment("d-2", day(2020, 4, 20), D(10)))


def test_the_granted_amounts(workflow):
    partial = approved(workflow, id="p")
    assert partial.granted == {"2020-2021": D(60000), "2021-2022": D(40000)}
    dossier = workflow.open(application(id="q"))
    dossier = decide(workflow, dossier, "comite-selection", day(2020, 2, 20), amounts={"2020-2021": D(50000)})
    dossier = decide(workflow, dossier, "conseil-mrc", day(2020, 3, 11))
    dossier = decide(workflow, dossier, "table-prefets", day(2020, 3, 26))
    assert dossier.granted == {"2020-2021": D(50000)}  # the latest recommended amounts
    ambiguous = workflow.open(application(id="r"))
    ambiguous = decide(workflow, ambiguous, "comite-selection", day(2020, 2, 20))
    ambiguous = decide(workflow, ambiguous, "conseil-mrc", day(2020, 3, 11))
    with pytest.raises(GrantError, match="give 'amounts' by fiscal year"):
        decide(workflow, ambiguous, "table-prefets", day(2020, 3, 26), amount=D(70000))
    with pytest.raises(GrantError, match="more than the .*100,000 requested"):
        decide(workflow, ambiguous, "table-prefets", day(2020, 3, 26), amounts={"2020-2021": D(100001)})
    with pytest.raises(GrantError, match="differs from the sum"):
        decide(workflow, ambiguous, "table-prefets", day(2020, 3, 26), amount=D(1), amounts={"2020-2021": D(2)})
    assert ambiguous.stage == "review"  # refusals change nothing


def test_an_approval_beyond_the_money_available_is_refused_and_nothing_changes(workflow):
    big = {"2020-2021": D(195007)}
    approved(workflow, id="a", requested=big)
    dossier = workflow.open(application(id="b", requested={"2020-2021": D(1)}))
    dossier = decide(workflow, dossier, "comite-selection", day(2020, 2, 20))
    dossier = decide(workflow, dossier, "conseil-mrc", day(2020, 3, 11))
    with pytest.raises(GrantError, match="commitment refused"):
        decide(workflow, dossier, "table-prefets", day(2020, 3, 26))
    assert workflow.ledger.committed_to("b") == 0 and dossier.stage == "review"


def _document(**events) -> ApplicationsDocument:
    return ApplicationsDocument(
        "alliance-maskoutains-2019-2023",
        organisations=(Organisation("porteur", "Porteur (fictif)"),),
        applications=(application(), application(id="d-2")),
        **events,
    )


def test_replay_reports_each_refused_event_at_its_path_and_goes_on(plan):
    document = _document(decisions=(
        Decision("d-1", "conseil-mrc", day(2020, 3, 11), "favourable"),  # out of turn
        Decision("d-2", "comite-selection", day(2020, 2, 20), "favourable"),
        Decision("d-2", "conseil-mrc", day(2020, 3, 11), "favourable"),
        Decision("d-2", "table-prefets", day(2020, 3, 26), "favourable"),
    ), payments=(Payment("d-2", day(2020, 4, 1), D(10)),))  # before any agreement
    result = replay(plan.program, document)
    assert [i.path for i in result.issues] == ["decisions[0]", "payments[0]"]
    assert "first awaits the decision of Comité de sélection" in result.issues[0].message
    assert result.dossiers["d-2"].stage == "approved"
    assert result.ledger.committed_to("d-2") == D(100000)
    issues = check_applications(document, plan)
    assert [i.path for i in issues if i.severity == "error"] == ["decisions[0]", "payments[0]"]


def test_same_day_decisions_are_taken_in_chain_order(plan):
    document = _document(decisions=(
        Decision("d-1", "table-prefets", day(2020, 3, 26), "favourable"),
        Decision("d-1", "conseil-mrc", day(2020, 3, 26), "favourable"),
        Decision("d-1", "comite-selection", day(2020, 3, 26), "favourable"),
    ))
    result = replay(plan.program, document)
    assert result.issues == () and result.dossiers["d-1"].stage == "approved"


def test_pending_as_of_a_date_ignores_later_events_and_later_deposits(plan):
    document = _document(decisions=(
        Decision("d-1", "comite-selection", day(2020, 2, 20), "favourable"),
        Decision("d-1", "conseil-mrc", day(2020, 3, 11), "favourable"),
    ))
    early = replay(plan.program, document, as_of=day(2020, 3, 1))
    assert [(w.application, w.who) for w in early.pending(day(2020, 3, 1))] == [
        ("d-1", "conseil-mrc-maskoutains"), ("d-2", "comite-selection-alliance")]
    assert early.pending(day(2020, 1, 1)) == []  # nothing was deposited yet
