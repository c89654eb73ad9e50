"""Who owes what: actionplan.due.plan_due (pure) and ``actionplan due`` (text, JSON, errors)."""

from __future__ import annotations

import datetime as dt
import json
import shutil

import attrs
import pytest

from actionplan import open_store
from actionplan.api import (
    Action,
    ActionPlan,
    ActionplanError,
    Indicator,
    Measurement,
    Objective,
    Organisation,
    Participation,
    Period,
    Reporting,
    Theme,
    plan_due,
)
from test_storage_cli import run  # noqa: F401 - the command line in a fresh folder (a fixture)

PLAN = "concertation-horizon-2026"
D = dt.date


def small_plan(*, reporting=Reporting(frequency="quarterly", stale_after=60), schedule=None, partners=(),
               indicators=None) -> ActionPlan:
    indicators = indicators or (
        Indicator("i1", "4 rencontres", kind="count", target=4),
        Indicator("i2", "Site à jour", kind="deliverable"),
    )
    action = Action("a1", "Rencontres", partners=tuple(partners), indicators=tuple(indicators),
                    schedule=schedule)
    theme = Theme("t1", "Vie associative", objectives=(Objective("o1", "Mobiliser", actions=(action,)),))
    return ActionPlan(
        "p", "Plan 2026", Period(D(2026, 1, 1), D(2026, 12, 31)), organisation="table",
        organisations=(Organisation("table", "La table", email="table@example.org"),
                       Organisation("cdp", "La CDP", email="cdp@example.org"),
                       Organisation("sans", "Sans courriel")),
        themes=(theme,), reporting=reporting)


def measured(plan: ActionPlan, *measurements: Measurement) -> ActionPlan:
    from actionplan.api import with_measurements

    return with_measurements(plan, measurements)


@attrs.frozen
class FakeUpdate:
    measurement: Measurement
    status: str
    review_note: str | None = None


def keys(items) -> list[str]:
    return [i.key for i in items]


def test_each_ended_quarter_without_an_update_is_due_then_late():
    plan = measured(small_plan(), Measurement(D(2026, 2, 10), value=1, indicator="i1"))
    report = plan_due(plan, D(2026, 10, 1))
    (org,) = report.organisations
    assert org.organisation == "table" and org.email == "table@example.org"
    # i1 reported in T1; T2 was due on 30 July (late), T3 is due on 30 October; T4 has not ended
    assert keys(org.late) == ["i1/2026-T2", "i2/2026-T1", "i2/2026-T2"]
    assert keys(org.due) == ["i1/2026-T3", "i2/2026-T3"]
    late = org.late[0]
    assert (late.due, late.state, late.days_late, late.period) == (D(2026, 7, 30), "late", 63, "2026-T2")
    assert org.due[0].due == D(2026, 10, 30) and org.due[0].days_late == 0
    assert report.counts() == {"due": 2, "late": 3, "stale": 2}


def test_the_due_day_itself_is_still_in_time_and_the_day_after_is_late():
    plan = small_plan(indicators=(Indicator("i1", "4 rencontres", kind="count", target=4),))
    on_the_day = plan_due(plan, D(2026, 4, 30)).organisations[0]
    assert keys(on_the_day.due) == ["i1/2026-T1"] and on_the_day.late == ()
    after = plan_due(plan, D(2026, 5, 1)).organisations[0]
    assert keys(after.late) == ["i1/2026-T1"] and after.late[0].days_late == 1
    # the running quarter is not owed yet, even on its last day
    assert "i1/2026-T2" not in keys(plan_due(plan, D(2026, 6, 30)).organisations[0].items())


def test_an_update_naming_its_period_counts_for_it_even_recorded_later():
    plan = small_plan(indicators=(Indicator("i1", "4 rencontres", kind="count", target=4),))
    plan = measured(plan, Measurement(D(2026, 4, 3), value=2, period="2026-T1", indicator="i1"))
    org = plan_due(plan, D(2026, 5, 15)).organisations
    assert org == ()  # T1 reported (on 3 April, for T1); T2 still running
    plan = measured(small_plan(indicators=(Indicator("i1", "4 rencontres", kind="count", target=4),)),
                    Measurement(D(2026, 4, 3), value=2, indicator="i1"))  # no period: it is T2's
    assert keys(plan_due(plan, D(2026, 5, 15)).organisations[0].late) == ["i1/2026-T1"]


def test_a_returned_update_is_owed_again_and_a_submitted_one_is_not():
    plan = small_plan(indicators=(Indicator("i1", "4 rencontres", kind="count", target=4),))
    returned = FakeUpdate(Measurement(D(2026, 2, 1), value=1, indicator="i1", id="u1"), "returned", "2 et non 1")
    submitted = FakeUpdate(Measurement(D(2026, 5, 1), value=1, indicator="i1", id="u2"), "submitted")
    org = plan_due(plan, D(2026, 7, 15), updates=[returned, submitted]).organisations[0]
    (item,) = org.late
    assert item.key == "i1/2026-T1" and item.returned == "2 et non 1"
    assert org.due == ()  # T2 has its submitted update


def test_measurements_after_as_of_do_not_count():
    plan = small_plan(indicators=(Indicator("i1", "4 rencontres", kind="count", target=4),))
    plan = measured(plan, Measurement(D(2026, 3, 1), value=1, indicator="i1"))
    assert plan_due(plan, D(2026, 2, 1)).organisations == ()  # nothing ended yet
    org = plan_due(plan, D(2026, 4, 2)).organisations
    assert org == ()  # T1 reported on 1 March


def test_stale_after_days_without_an_update():
    plan = small_plan(reporting=Reporting(stale_after=60),
                      indicators=(Indicator("i1", "4 rencontres", kind="count", target=4),))
    assert plan_due(plan, D(2026, 3, 2)).organisations == ()  # 60 days since 1 January: not yet
    (stale,) = plan_due(plan, D(2026, 3, 3)).organisations[0].stale
    assert (stale.last_update, stale.since, stale.days) == (None, D(2026, 1, 1), 61)
    plan = measured(plan, Measurement(D(2026, 3, 1), value=1, indicator="i1"))
    assert plan_due(plan, D(2026, 4, 30)).organisations == ()
    (stale,) = plan_due(plan, D(2026, 5, 1)).organisations[0].stale
    assert (stale.last_update, stale.days, stale.key) == (D(2026, 3, 1), 61, "i1/stale/2026-03-01")


def test_a_delivered_deliverable_owes_nothing_more():
    plan = small_plan(indicators=(Indicator("i2", "Site à jour", kind="deliverable"),))
    plan = measured(plan, Measurement(D(2026, 8, 1), done=True, indicator="i2"))
    assert plan_due(plan, D(2026, 10, 1)).organisations == ()
    withdrawn = measured(plan, Measurement(D(2026, 9, 1), done=False, indicator="i2"))
    assert keys(plan_due(withdrawn, D(2026, 10, 1)).organisations[0].late) == ["i2/2026-T1", "i2/2026-T2"]


def test_who_reports_reporter_then_lead_then_responsible_then_the_plan_organisation():
    responsible = small_plan(partners=[Participation("cdp", "responsible"), Participation("sans", "participant")])
    assert [o.organisation for o in plan_due(responsible, D(2026, 5, 1)).organisations] == ["cdp"]
    lead = small_plan(partners=[Participation("cdp", "responsible"), Participation("sans", "lead")])
    assert [o.organisation for o in plan_due(lead, D(2026, 5, 1)).organisations] == ["sans"]
    named = small_plan(reporting=Reporting(frequency="quarterly", reporter="cdp"),
                       partners=[Participation("sans", "lead")])
    assert [o.organisation for o in plan_due(named, D(2026, 5, 1)).organisations] == ["cdp"]
    # an indicator's own reporting overrides the plan's
    own = small_plan(indicators=(Indicator("i1", "4 rencontres", kind="count", target=4,
                                           reporting=Reporting(reporter="sans", frequency="yearly")),))
    (early,) = plan_due(own, D(2026, 5, 1)).organisations  # yearly: 2026 has not ended; stale_after is the plan's
    assert early.organisation == "sans" and early.due == early.late == () and len(early.stale) == 1
    (org,) = plan_due(own, D(2027, 1, 2)).organisations
    assert org.organisation == "sans" and keys(org.due) == ["i1/2026"] and org.due[0].due == D(2027, 1, 30)


def test_the_window_is_the_action_schedule_within_the_plan():
    from actionplan.api import parse_schedule

    plan = small_plan(schedule=parse_schedule("Automne 2026"),
                      indicators=(Indicator("i1", "4 rencontres", kind="count", target=4),))
    assert plan_due(plan, D(2026, 9, 1)).organisations == ()  # autumn has not begun
    org = plan_due(plan, D(2027, 1, 15)).organisations[0]
    # late T3 (autumn from 23 September), due T4, stale since autumn began (the plan's 60 days)
    assert keys(org.items()) == ["i1/2026-T3", "i1/2026-T4", "i1/stale/2026-09-23"]


def test_no_cadence_no_due_items_and_an_unknown_organisation_is_refused():
    assert plan_due(small_plan(reporting=None), D(2026, 10, 1)).organisations == ()
    with pytest.raises(ActionplanError) as refused:
        plan_due(small_plan(), D(2026, 10, 1), organisation="cpd")
    assert "cpd" in str(refused.value) and "cdp" in str(refused.value)
    (org,) = plan_due(small_plan(), D(2026, 10, 1), organisation="sans").organisations
    assert org.organisation == "sans" and org.empty  # asked for: listed, owing nothing


def test_the_json_layout_is_stable_and_versioned():
    data = plan_due(small_plan(), D(2026, 5, 1)).to_data()
    assert (data["format"], data["version"], data["plan"], data["as_of"]) == ("actionplan-due", 1, "p", "2026-05-01")
    (org,) = data["organisations"]
    assert list(org) == ["id", "name", "email", "contact", "late", "due", "stale"]
    first = org["late"][0]
    assert first == {"key": "i1/2026-T1", "period": "2026-T1", "start": "2026-01-01", "end": "2026-03-31",
                     "due": "2026-04-30", "state": "late", "days_late": 1, "returned": None, "indicator": "i1",
                     "label": "4 rencontres", "action": "a1", "action_title": "Rencontres", "theme": "t1",
                     "theme_title": "Vie associative"}


# -- the command ------------------------------------------------------------------------------


@pytest.fixture
def store(run, tmp_path, examples):
    for name in (f"{PLAN}.yaml", f"{PLAN}-suivi.yaml"):
        shutil.copy(examples / name, tmp_path / name)
    assert run("save", f"{PLAN}.yaml", f"{PLAN}-suivi.yaml")[0] == 0
    return tmp_path


def test_due_from_the_readme_store_lists_per_organisation_what_is_due_and_late(run, store):
    code, out, err = run("due", PLAN, "--as-of", "2026-10-01")
    assert code == 0, err
    assert out.startswith("Concertation Horizon — Plan d'action 2026 — mises à jour dues au 1er octobre 2026\n")
    assert "\nCommunauté de pratique en sécurité alimentaire (cdp-securite-alimentaire) — cdp-sa@" in out
    assert "  En retard (" in out and "  À remettre (" in out
    assert ("2026-T3 · 2 rencontres [va-o4-a1-i1] — Rencontres de la Communauté de pratique en Sécurité "
            "alimentaire (Vie associative) — à remettre au plus tard le 30 octobre 2026") in out
    code, english, _ = run("--lang", "en", "due", PLAN, "--as-of", "2026-10-01")
    assert code == 0 and "updates owed as of October 1, 2026" in english and "due by October 30, 2026" in english


def test_due_json_and_organisation_filter(run, store):
    code, out, _ = run("due", PLAN, "--as-of", "2026-10-01", "--format", "json", "--organisation",
                       "cdp-securite-alimentaire")
    data = json.loads(out)
    assert code == 0 and [o["id"] for o in data["organisations"]] == ["cdp-securite-alimentaire"]
    assert [i["key"] for i in data["organisations"][0]["due"]] == ["va-o4-a1-i1/2026-T3"]


def test_due_reads_a_plan_file_as_well_as_the_store(run, store):
    from_store = run("due", PLAN, "--as-of", "2026-10-01", "-f", "json")[1]
    from_file = run("due", f"{PLAN}.yaml", "--as-of", "2026-10-01", "-f", "json")[1]
    assert json.loads(from_file)["counts"] != json.loads(from_store)["counts"]  # the file has no measurements
    assert json.loads(from_file)["plan"] == PLAN


def test_due_for_an_unknown_organisation_exits_2_naming_it(run, store):
    code, out, err = run("due", PLAN, "--as-of", "2026-10-01", "--organisation", "cdp-sa")
    assert code == 2 and out == ""
    assert "« cdp-sa » n'est pas une organisation du plan concertation-horizon-2026" in err


def test_due_reads_review_states_from_the_store(run, store):
    with open_store("sqlite:actionplan.db") as s:
        ids = s.submit_measurements(PLAN, [Measurement(D(2026, 9, 20), value=1, indicator="va-o4-a1-i1")],
                                    author="CDP")
    assert json.loads(run("due", PLAN, "--as-of", "2026-10-01", "-f", "json", "--organisation",
                          "cdp-securite-alimentaire")[1])["organisations"][0]["due"] == []
    with open_store("sqlite:actionplan.db") as s:
        s.review_update(PLAN, ids[0], "return", note="la date de la rencontre manque", author="Coordination")
    (item,) = json.loads(run("due", PLAN, "--as-of", "2026-10-01", "-f", "json", "--organisation",
                             "cdp-securite-alimentaire")[1])["organisations"][0]["due"]
    assert item["key"] == "va-o4-a1-i1/2026-T3" and item["returned"] == "la date de la rencontre manque"


def test_due_as_ics_comes_from_the_office_plugin(run, store):
    icalendar = pytest.importorskip("icalendar", reason="actionplan-office (icalendar) is not installed")
    pytest.importorskip("actionplan_office", reason="actionplan-office is not installed")
    code, out, err = run("due", PLAN, "--as-of", "2026-10-01", "--format", "ics")
    assert code == 0, err
    calendar = icalendar.Calendar.from_ical(out)
    todos = [c for c in calendar.walk("VTODO")]
    counts = json.loads(run("due", PLAN, "--as-of", "2026-10-01", "-f", "json")[1])["counts"]
    assert len(todos) == counts["due"] + counts["late"] + counts["stale"]
    by_uid = {str(t["uid"]): t for t in todos}
    todo = by_uid["concertation-horizon-2026.due.cdp-securite-alimentaire.va-o4-a1-i1.2026-T3@actionplan"]
    assert todo.decoded("due") == D(2026, 10, 30) and todo.decoded("dtstart") == D(2026, 10, 1)
    assert str(todo["summary"]) == ("Mise à jour 2026-T3 : 2 rencontres — Communauté de pratique en sécurité "
                                    "alimentaire")
    assert run("due", PLAN, "--as-of", "2026-10-01", "--format", "ics")[1] == out  # stable: same bytes, same UIDs
    assert len(by_uid) == len(todos)
