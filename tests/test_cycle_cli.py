"""The year's cycle on the command line: review (list, approve, return)."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest

from actionplan import open_store
from actionplan.api import plan_progress
from actionplan.cli import main

PLAN = "concertation-horizon-2026"
INDICATOR = "va-o1-a1-i1"  # « 4 rencontres », a count


from test_storage_cli import run  # noqa: F401 - the store commands' runner (a fresh folder, no store set)


@pytest.fixture(autouse=True)
def _no_author_set(monkeypatch):
    monkeypatch.delenv("ACTIONPLAN_AUTHOR", raising=False)


def reviewed_plan(examples, tmp_path, distinct: bool = True):
    """The seed plan with a review policy (and the reviewer ≠ submitter rule), written beside the store."""
    text = (examples / f"{PLAN}.yaml").read_text(encoding="utf-8")
    policy = "review: {required: true, distinct_reviewer: %s}\n" % ("true" if distinct else "false")
    text = text.replace("fiscal_years: false\n", "fiscal_years: false\n" + policy, 1)
    assert policy in text
    (tmp_path / f"{PLAN}.yaml").write_text(text, encoding="utf-8")
    return tmp_path / f"{PLAN}.yaml"


def value_of(store, indicator_id: str, as_of=dt.date(2026, 12, 31)):
    progress = plan_progress(store.plan_with_measurements(PLAN), as_of)
    return progress.indicator(indicator_id).value


def test_a_submitted_update_moves_progress_only_once_approved(run, examples, tmp_path):
    reviewed_plan(examples, tmp_path)
    assert run("save", f"{PLAN}.yaml")[0] == 0
    code, out, _ = run("track", PLAN, INDICATOR, "3", "--date", "2026-11-20", "--note", "3 rencontres", "--by", "CDP SA")
    assert code == 0
    update_id = re.search(r"mise à jour (u-[0-9a-f]{12}) attend", out).group(1)
    with open_store("sqlite:actionplan.db") as store:
        assert value_of(store, INDICATOR) is None  # submitted: not counted
    code, out, _ = run("review", PLAN)
    assert code == 0
    row = next(line for line in out.splitlines() if update_id in line)  # cells wrap within the table's width
    assert "4 rencontres" in row and "Tenue des" in row and "CDP SA" in row and "20 nov. 2026" in row
    assert "3 rencontres" in row
    code, out, _ = run("review", PLAN, update_id, "--approve", "--by", "Coordination")
    assert code == 0 and f"Mise à jour {update_id} approuvée" in out and "Coordination" in out
    with open_store("sqlite:actionplan.db") as store:
        assert value_of(store, INDICATOR) == 3
        assert store.update(PLAN, update_id).reviewed_by == "Coordination"
    code, out, _ = run("review", PLAN)
    assert code == 0 and "Aucune mise à jour" in out
    code, out, _ = run("history", PLAN, "--limit", "1")
    assert "update-approved" in out and "Coordination" in out


def test_a_returned_update_never_counts_and_keeps_its_note(run, examples, tmp_path, monkeypatch):
    reviewed_plan(examples, tmp_path)
    run("save", f"{PLAN}.yaml")
    _, out, _ = run("track", PLAN, INDICATOR, "2", "--date", "2026-11-20", "--by", "CDP SA")
    update_id = re.search(r"(u-[0-9a-f]{12})", out).group(1)
    monkeypatch.setenv("ACTIONPLAN_AUTHOR", "Coordination")  # the reviewer from the environment
    code, out, _ = run("--lang", "en", "review", PLAN, update_id, "--return", "Date de la 2e rencontre ?")
    assert code == 0 and f"Update {update_id} returned" in out and "Coordination" in out
    with open_store("sqlite:actionplan.db") as store:
        update = store.update(PLAN, update_id)
        assert update.status == "returned" and update.review_note == "Date de la 2e rencontre ?"
        assert value_of(store, INDICATOR) is None


@pytest.mark.parametrize("case", ["unknown", "approved twice", "returned then approved", "self-approval",
                                  "return without note", "blank note"])
def test_bad_reviews_are_clear_errors_and_change_nothing(run, examples, tmp_path, case):
    reviewed_plan(examples, tmp_path)
    run("save", f"{PLAN}.yaml")
    _, out, _ = run("track", PLAN, INDICATOR, "2", "--date", "2026-11-20", "--by", "CDP SA")
    update_id = re.search(r"(u-[0-9a-f]{12})", out).group(1)
    expected = {
        "unknown": "n'a pas de mise à jour 'u-000000000000' : rien n'a été changé",
        "approved twice": "a déjà été approuvée (par Coordination",
        "returned then approved": "a déjà été renvoyée (par Coordination",
        "self-approval": "CDP SA a soumis la mise à jour",
        "return without note": "demande une note",
        "blank note": "demande une note",
    }[case]
    if case == "approved twice":
        assert run("review", PLAN, update_id, "--approve", "--by", "Coordination")[0] == 0
    if case == "returned then approved":
        assert run("review", PLAN, update_id, "--return", "à corriger", "--by", "Coordination")[0] == 0
    with open_store("sqlite:actionplan.db") as store:
        before = (store.export().events, store.updates(PLAN))
    args = {
        "unknown": ("u-000000000000", "--approve", "--by", "Coordination"),
        "approved twice": (update_id, "--approve", "--by", "Luc"),
        "returned then approved": (update_id, "--approve", "--by", "Luc"),
        "self-approval": (update_id, "--approve", "--by", "CDP SA"),
        "return without note": (update_id, "--return", "", "--by", "Coordination"),
        "blank note": (update_id, "--return", "   ", "--by", "Coordination"),
    }[case]
    code, _, err = run("review", PLAN, *args)
    assert code == 2 and expected in err, err
    with open_store("sqlite:actionplan.db") as store:
        assert (store.export().events, store.updates(PLAN)) == before


def test_a_decision_needs_an_id_and_only_one_decision(run, examples, tmp_path):
    reviewed_plan(examples, tmp_path)
    run("save", f"{PLAN}.yaml")
    code, _, err = run("review", PLAN, "--approve")
    assert code == 2 and "donnez son ID" in err
    code, _, err = run("review", PLAN, "u-000000000000")
    assert code == 2 and "--approve, ou --return" in err
    code, _, err = run("review", PLAN, "u-000000000000", "--approve", "--return", "non")
    assert code == 2 and "une seule des deux" in err
    code, _, err = run("review", "plan-inconnu")
    assert code == 2 and "plan-inconnu" in err


def test_without_a_review_policy_track_counts_at_once(run, examples, tmp_path):
    shutil.copy(examples / f"{PLAN}.yaml", tmp_path / f"{PLAN}.yaml")
    run("save", f"{PLAN}.yaml")
    code, out, _ = run("track", PLAN, INDICATOR, "3", "--date", "2026-11-20")
    assert code == 0 and "révision" not in out
    with open_store("sqlite:actionplan.db") as store:
        assert value_of(store, INDICATOR) == 3
    assert "Aucune mise à jour" in run("review", PLAN)[1]


def test_reports_show_the_pending_updates_apart(run, examples, tmp_path):
    reviewed_plan(examples, tmp_path)
    run("save", f"{PLAN}.yaml")
    run("track", PLAN, INDICATOR, "3", "--date", "2026-11-20", "--note", "<b>trois</b>", "--by", "CDP SA")
    code, markdown, _ = run("report", PLAN, "-f", "markdown", "-o", "-", "--as-of", "2026-12-01")
    assert code == 0
    section = markdown.split("## Mises à jour en attente de révision", 1)[1].split("\n## ", 1)[0]
    assert "| 4 rencontres | Tenue des rencontres | 3 rencontres | 20 novembre 2026 | CDP SA |" in section
    assert "<b>" not in section  # plan and partner text is escaped
    assert run("report", PLAN, "-f", "html", "-o", "r.html", "--as-of", "2026-12-01")[0] == 0
    html = (tmp_path / "r.html").read_text(encoding="utf-8")
    assert 'id="pending"' in html and "CDP SA" in html and "&lt;b&gt;trois&lt;/b&gt;" in html
    # the overview counts only what counts: the submitted 3 is not in the indicator's value
    assert "Mises à jour en attente" not in run("report", f"{PLAN}.yaml", "-f", "markdown", "-o", "-")[1]


# -- closing periods, reports of a closed period, the bilan ----------------------------------------


@pytest.fixture
def seeded(run, examples, tmp_path):
    """The README's store: the seed plan and its illustrative tracking log."""
    for name in (f"{PLAN}.yaml", f"{PLAN}-suivi.yaml"):
        shutil.copy(examples / name, tmp_path / name)
    assert run("save", f"{PLAN}.yaml", f"{PLAN}-suivi.yaml")[0] == 0
    return tmp_path


def test_closing_a_period_freezes_it_and_refuses_its_measurements(run, seeded):
    code, out, _ = run("close", PLAN, "2026-T2", "--by", "Coordination")
    assert code == 0
    assert "Période 2026-T2 du plan concertation-horizon-2026 clôturée (version 1, du 1er avril 2026 au 30 juin 2026)" \
        in out and "par Coordination" in out and "105 indicateurs figés" in out
    with open_store("sqlite:actionplan.db") as store:
        before = store.export()
    code, _, err = run("track", PLAN, INDICATOR, "1", "--date", "2026-05-20")
    assert code == 2 and "la période 2026-T2 du plan 'concertation-horizon-2026' est clôturée" in err
    assert "actionplan reopen concertation-horizon-2026 2026-T2" in err
    code, _, err = run("close", PLAN, "2026-T2")
    assert code == 2 and "déjà clôturée (version 1, par Coordination" in err
    code, _, err = run("--lang", "en", "close", PLAN, "2026-T9")
    assert code == 2 and "unreadable period" in err and "2026-T2" in err
    code, _, err = run("reopen", PLAN, "2026-T2", "--reason", " ")
    assert code == 2 and "demande une raison" in err
    code, _, err = run("reopen", PLAN, "2026-T3", "--reason", "rien")
    assert code == 2 and "n'est pas clôturée" in err
    with open_store("sqlite:actionplan.db") as store:
        assert store.export() == before  # every refusal left the store as it was
    assert run("track", PLAN, INDICATOR, "1", "--date", "2026-07-02")[0] == 0  # T3 is open


def test_reopening_is_recorded_and_closing_again_gives_version_2(run, seeded):
    run("close", PLAN, "2026-T2", "--by", "Coordination")
    code, out, _ = run("reopen", PLAN, "2026-T2", "--reason", "Une TP de mai oubliée", "--by", "Direction")
    assert code == 0 and "rouverte par Direction (version 1 conservée) : « Une TP de mai oubliée »" in out
    assert run("track", PLAN, INDICATOR, "1", "--date", "2026-05-20")[0] == 0
    code, out, _ = run("close", PLAN, "2026-T2", "--by", "Coordination")
    assert code == 0 and "(version 2," in out
    code, out, _ = run("history", PLAN, "--limit", "4")
    assert "period-reopened 2026-T2 v1" in out and "Une TP de mai oubliée" in out and "period-closed 2026-T2 v2" in out
    with open_store("sqlite:actionplan.db") as store:
        first, second = store.period_snapshots(PLAN, "2026-T2")
        assert (first.version, first.reopened_by, second.version, second.closed) == (1, "Direction", 2, True)


def test_a_report_of_a_closed_period_renders_from_its_snapshot(run, seeded):
    run("close", PLAN, "2026-T2", "--by", "Coordination")
    code, frozen, _ = run("report", PLAN, "--period", "2026-T2", "-f", "markdown", "-o", "-")
    assert code == 0 and "Chiffres figés\xa0: période 2026-T2 clôturée le" in frozen and "par Coordination" in frozen
    assert "au 30 juin 2026" in frozen
    _, live, _ = run("report", PLAN, "--as-of", "2026-06-30", "-f", "markdown", "-o", "-")
    frozen_line = next(line for line in frozen.splitlines() if "Chiffres figés" in line)
    assert frozen.replace(frozen_line + "\n\n", "") == live  # the same figures as on the day it closed
    # new measurements of later periods do not change the closed period's report
    run("track", PLAN, "va-o1-a1-i1", "3", "--date", "2026-07-15")
    assert run("report", PLAN, "--period", "2026-T2", "-f", "markdown", "-o", "-")[1] == frozen
    assert run("report", PLAN, "--period", "2026-T2", "-f", "html", "-o", "t2.html")[0] == 0
    assert "Chiffres figés" in (seeded / "t2.html").read_text(encoding="utf-8")
    code, _, err = run("report", PLAN, "--period", "2026-T3", "-f", "markdown", "-o", "-")
    assert code == 2 and "n'est pas clôturée" in err and "--as-of 2026-09-30" in err
    code, _, err = run("report", f"{PLAN}.yaml", "--period", "2026-T2", "-f", "markdown", "-o", "-")
    assert code == 2 and "--period" in err


def test_the_bilan_between_two_periods(run, seeded):
    run("close", PLAN, "2026-T1", "--by", "Coordination")
    run("close", PLAN, "2026-T2", "--by", "Coordination")
    code, out, _ = run("bilan", PLAN, "2026-T1", "2026-T2", "-f", "markdown", "-o", "bilan.md")
    assert code == 0 and "bilan.md" in out
    text = (seeded / "bilan.md").read_text(encoding="utf-8")
    assert "## Bilan de 2026-T1 à 2026-T2" in text
    assert "2026-T1 (du 1er janvier 2026 au 31 mars 2026)\xa0: période clôturée le" in text
    assert "## Ce qui a été atteint" in text and "## Ce qui a reculé" in text
    assert "\u202f%" in text or "\xa0%" in text  # French percentages: a no-break space before %
    with open_store("sqlite:actionplan.db") as store:
        t1, t2 = store.period_progress(PLAN, "2026-T1"), store.period_progress(PLAN, "2026-T2")
    from actionplan.api import compare_periods

    bilan = compare_periods(t1, t2)
    counts = bilan.counts()
    assert f"| Atteints | {counts['reached']} |" in text and f"| En recul | {counts['slipped']} |" in text
    assert counts["reached"] > 0 and sum(counts.values()) == 105
    reached = bilan.of_kind("reached")[0]
    assert reached.before.status != "achieved" and reached.after.status == "achieved"
    assert reached.indicator.label in text.split("## Ce qui a été atteint")[1].split("## Ce qui a reculé")[0]
    # a period not closed is computed at its end, and says so
    code, out, _ = run("--lang", "en", "bilan", PLAN, "2026-T2", "2026-T3", "-f", "html", "-o", "bilan.html")
    assert code == 0
    html = (seeded / "bilan.html").read_text(encoding="utf-8")
    assert "period not closed, figures computed as of September 30, 2026" in html
    assert "Bilan from 2026-T2 to 2026-T3" in html and "<script" not in html
    code, _, err = run("bilan", PLAN, "2026-T1", "2026-T2", "-f", "pdf")
    assert code == 2 and "format de bilan inconnu : 'pdf'" in err and "html" in err and "markdown" in err


def test_updates_of_a_removed_indicator_are_not_listed_and_cannot_be_approved(run, examples, tmp_path):
    path = reviewed_plan(examples, tmp_path, distinct=False)
    assert run("save", f"{PLAN}.yaml")[0] == 0
    code, out, _ = run("track", PLAN, INDICATOR, "2", "--date", "2026-11-20", "--by", "CDP SA")
    update_id = re.search(r"mise à jour (u-[0-9a-f]{12}) attend", out).group(1)
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    kept = [line for line in lines if f"{{id: {INDICATOR}," not in line]  # the indicator's line taken out
    assert len(kept) == len(lines) - 1
    path.write_text("".join(kept), encoding="utf-8")
    code, out, err = run("save", f"{PLAN}.yaml", "--expect-version", "1", "--allow-removal")
    assert code == 0, err
    code, out, _ = run("review", PLAN)
    assert code == 0
    assert "1 mise à jour en attente porte sur un indicateur retiré du plan" in out and update_id not in out
    code, _, err = run("review", PLAN, update_id, "--approve")
    assert code == 2 and f"l'indicateur {INDICATOR}, retiré du plan" in err
    code, out, _ = run("review", PLAN, update_id, "--return", "Indicateur retiré du plan")
    assert code == 0 and "renvoyée" in out


@pytest.mark.parametrize("backend", ["sqlite", "dir"])
def test_closing_the_seed_plan_from_its_aggregates_freezes_what_every_measurement_gives(run, seeded, backend):
    from actionplan.testing.store import StoreConformance

    url = "sqlite:actionplan.db"
    if backend == "dir":
        with open_store(url) as source:
            source.backup(seeded / "copy.json")
        url = f"dir:{seeded / 'copy'}"
        with open_store(url) as copy:
            copy.restore(seeded / "copy.json")
    for period in ("2026-T1", "2026-T2", "2026"):
        with open_store(url) as store:
            expected = StoreConformance.frozen_from_every_measurement(store, PLAN, period)
        assert run("--store", url, "close", PLAN, period, "--by", "Coordination")[0] == 0
        with open_store(url) as store:
            assert store.period_snapshot(PLAN, period).data == expected
            assert expected["indicators"] and any(i["value"] is not None for i in expected["indicators"].values())
