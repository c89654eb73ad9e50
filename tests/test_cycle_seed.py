"""The seed tracking log carries the year's cycle: submitted updates, review decisions, a status set by hand.

A tracking log's ``reviews`` and ``manual_statuses`` are checked with their paths, recorded by
``actionplan save`` through the store's review and event API (idempotently, in every store), and a
progress computed from the files agrees with the one computed from the store.
"""

from __future__ import annotations

import datetime as dt
import shutil

import pytest

import actionplan
from actionplan.api import TrackingLog, manual_statuses, plan_progress, with_measurements
from actionplan.storage import open_store
from actionplan.testing.postgres import postgres_server  # noqa: F401 - the session fixture

from cli_runs import run as run_cli

PLAN = "concertation-horizon-2026"
AS_OF = dt.date(2026, 10, 1)


@pytest.fixture
def run(capsys, monkeypatch, tmp_path):
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ACTIONPLAN_STORE", raising=False)
    monkeypatch.setenv("ACTIONPLAN_AUTHOR", "Marie Tremblay")
    return lambda *args: run_cli(capsys, *args)


@pytest.fixture
def files(tmp_path, examples):
    for name in (f"{PLAN}.yaml", f"{PLAN}-suivi.yaml"):
        shutil.copy(examples / name, tmp_path / name)
    return tmp_path


def seed_log(examples) -> TrackingLog:
    return actionplan.load(examples / f"{PLAN}-suivi.yaml", TrackingLog)


def test_the_seed_log_holds_submitted_returned_and_approved_updates_and_a_manual_status(examples):
    log = seed_log(examples)
    states = {m.id: state for m, state in log.states() if m.id is not None}
    assert states == {"u-ensemble-logement-2026-09": "submitted", "u-ads-2026-09": "submitted",
                      "u-pole-reussite-2026-09": "submitted", "u-cdp-logement-2026-t2": "returned",
                      "u-cdp-logement-2026-09": "approved"}
    assert len(log.measurements) == 134 and len(log.counted()) == 130
    assert [m.id for m in log.pending()] == ["u-pole-reussite-2026-09", "u-ensemble-logement-2026-09", "u-ads-2026-09"]
    (returned,) = [r for r in log.reviews if r.decision == "return"]
    assert returned.note and returned.reviewer == "Coordination"
    (manual,) = log.manual_statuses
    assert (manual.subject, manual.status, manual.author, manual.date) == (
        "va-o2-a1-i1", "postponed", "Coordination", dt.date(2026, 4, 2))


def test_a_pending_update_does_not_move_progress_from_a_file(examples):
    plan = actionplan.load(examples / f"{PLAN}.yaml")
    log = seed_log(examples)
    counted = plan_progress(with_measurements(plan, log.counted()), AS_OF)
    ads = counted.indicator("vt-o5-a1-i3")
    assert ads.value == 0 and ads.status != "achieved"  # its submitted 1 waits for the reviewer
    everything = plan_progress(with_measurements(plan, log.measurements), AS_OF)
    assert everything.indicator("vt-o5-a1-i3").status == "achieved"  # what counting it would wrongly say


def test_progress_from_the_files_and_from_the_store_agree(run, files):
    assert run("save", f"{PLAN}.yaml", f"{PLAN}-suivi.yaml")[0] == 0
    plan = actionplan.load(files / f"{PLAN}.yaml")
    log = actionplan.load(files / f"{PLAN}-suivi.yaml", TrackingLog)
    from_file = with_measurements(plan, log.counted())
    file_progress = plan_progress(from_file, AS_OF, manual=manual_statuses(from_file, log.manual_statuses, as_of=AS_OF))
    with open_store("sqlite:actionplan.db") as store:
        stored = store.plan_with_measurements(PLAN)
        store_progress = plan_progress(stored, AS_OF, manual=manual_statuses(stored, store.events(PLAN), as_of=AS_OF))
    file_items = {i.indicator.id: (i.status, i.value, i.fraction, i.manual) for i in file_progress.iter_indicators()}
    store_items = {i.indicator.id: (i.status, i.value, i.fraction, i.manual) for i in store_progress.iter_indicators()}
    assert file_items == store_items
    assert file_items["va-o2-a1-i1"][0] == "late" and file_items["va-o2-a1-i1"][3].status == "postponed"
    # and the command line says the same from either: show, and a report listing the pending updates apart
    from_store = run("show", PLAN, "--as-of", "2026-10-01")[1]
    assert run("show", f"{PLAN}.yaml", "--tracking", f"{PLAN}-suivi.yaml", "--as-of", "2026-10-01")[1] == from_store
    stored_md = run("report", PLAN, "-f", "markdown", "-o", "-", "--as-of", "2026-10-01")[1]
    file_md = run("report", f"{PLAN}.yaml", "-t", f"{PLAN}-suivi.yaml", "-f", "markdown", "-o", "-",
                  "--as-of", "2026-10-01")[1]
    def figures(text: str) -> list[str]:  # a report from the files also says the log's data is illustrative
        return [line for line in text.splitlines() if line and not line.startswith("> Données illustratives")]

    assert figures(file_md) == figures(stored_md)
    assert "## Mises à jour en attente de révision" in stored_md and "| Pôle Réussite Montérégie |" in stored_md
    assert "En retard · Fixé à la main\xa0: Reporté — «\xa0AGA reportée au 26 novembre 2026" in stored_md


@pytest.mark.parametrize("backend", ["sqlite", "dir", "postgresql"])
def test_saving_the_seed_twice_changes_nothing_in_every_store(run, files, backend, request):
    if backend == "postgresql":
        url = request.getfixturevalue("postgres_server").new_store_url()
    else:
        url = f"{backend}:{files / ('s.db' if backend == 'sqlite' else 'plans')}"
    code, out, err = run("--store", url, "save", f"{PLAN}.yaml", f"{PLAN}-suivi.yaml")
    assert code == 0, err
    assert "134 nouvelles mesures" in out and "2 nouvelles décisions de révision" in out
    assert "1 nouveau statut fixé à la main" in out
    with open_store(url) as store:
        first = store.export()
        assert [u.id for u in store.updates(PLAN, status="submitted")] == [
            "u-pole-reussite-2026-09", "u-ensemble-logement-2026-09", "u-ads-2026-09"]
        returned = store.update(PLAN, "u-cdp-logement-2026-t2")
        assert (returned.status, returned.reviewed_by, returned.review_date) == ("returned", "Coordination",
                                                                               dt.date(2026, 9, 14))
        assert store.update(PLAN, "u-cdp-logement-2026-09").counts
        (event,) = store.events(PLAN, kind="manual-status")
        assert (event.subject, event.data["status"], event.recorded_by) == ("va-o2-a1-i1", "postponed", "Coordination")
    code, out, _ = run("--store", url, "save", f"{PLAN}.yaml", f"{PLAN}-suivi.yaml")
    assert code == 0 and "0 nouvelle mesure" in out and "0 nouvelle décision de révision" in out
    assert "0 nouveau statut fixé à la main consigné pour concertation-horizon-2026 (1 déjà présent)" in out
    with open_store(url) as store:
        assert store.export() == first
    due = run("--store", url, "due", PLAN, "--as-of", "2026-10-01", "--organisation", "cdp-logement-social")[1]
    assert "mise à jour renvoyée : Une seule rencontre de la CDP a eu lieu en juin" in due


def _log_with(files, extra: str) -> str:
    path = files / "cycle.yaml"
    path.write_text(f"type: tracking\nplan: {PLAN}\nmeasurements:\n"
                    "  - {indicator: va-o1-a1-i1, date: 2026-02-12, value: 1, id: u-a, submitted: true, recorded_by: CDP}\n"
                    "  - {indicator: va-o1-a1-i1, date: 2026-05-14, value: 1}\n" + extra, encoding="utf-8")
    return path.name


@pytest.mark.parametrize(("extra", "path", "words"), [
    ("reviews:\n  - {update: u-b, decision: approve, reviewer: Coordination, date: 2026-03-01}\n",
     "reviews[0].update", "mise à jour inconnue du journal"),
    ("reviews:\n  - {update: u-a, decision: return, reviewer: Coordination, date: 2026-03-01}\n",
     "reviews[0].note", "renvoyée sans note"),
    ("reviews:\n  - {update: u-a, decision: approve, reviewer: Coordination, date: 2026-02-01}\n",
     "reviews[0].date", "datée d'avant la mise à jour"),
    ("reviews:\n  - {update: u-a, decision: approve, reviewer: Coordination, date: 2026-03-01}\n"
     "  - {update: u-a, decision: return, reviewer: Direction, date: 2026-03-02, note: non}\n",
     "reviews[1].update", "a déjà sa décision (reviews[0])"),
    ("reviews:\n  - {update: u-a, decision: accept, reviewer: Coordination, date: 2026-03-01}\n",
     "reviews[0].decision", "approve"),
    ("manual_statuses:\n  - {subject: va-o2-a1-i1, status: postponed, reason: ' ', author: Coordination, date: 2026-04-02}\n",
     "manual_statuses[0].reason", "doit donner sa raison"),
    ("manual_statuses:\n  - {subject: va-o2-a1-i1, status: postponed, author: Coordination, date: 2026-04-02}\n",
     "manual_statuses[0].reason", "champ obligatoire manquant"),
    ("manual_statuses:\n  - {subject: va-o2-a1-i1, status: suspendu, reason: x, author: Coordination, date: 2026-04-02}\n",
     "manual_statuses[0].status", "postponed"),
    ("manual_statuses:\n  - {subject: va-o2-a9, status: abandoned, reason: x, author: Coordination, date: 2026-04-02}\n",
     "manual_statuses[0].subject", "indicateur ou action inconnu"),
])
def test_a_bad_cycle_in_a_log_is_refused_with_its_path_and_nothing_is_recorded(run, files, extra, path, words):
    assert run("save", f"{PLAN}.yaml")[0] == 0
    with open_store("sqlite:actionplan.db") as store:
        before = store.export()
    code, out, err = run("save", _log_with(files, extra))
    assert code == 2 and "Traceback" not in err
    assert path in err and words in err, err
    with open_store("sqlite:actionplan.db") as store:
        assert store.export() == before


def test_a_self_review_where_the_plan_forbids_it_is_refused_before_anything_is_written(run, files):
    text = (files / f"{PLAN}.yaml").read_text(encoding="utf-8")
    (files / f"{PLAN}.yaml").write_text(text.replace("\nfiscal_years: false\n",
                                                     "\nfiscal_years: false\nreview: {required: true, distinct_reviewer: true}\n", 1),
                                        encoding="utf-8")
    assert run("save", f"{PLAN}.yaml")[0] == 0
    with open_store("sqlite:actionplan.db") as store:
        before = store.export()
    code, _, err = run("save", _log_with(files, "reviews:\n  - {update: u-a, decision: approve, reviewer: CDP, date: 2026-03-01}\n"))
    assert code == 2 and "reviews[0].reviewer" in err and "réviser sa propre mise à jour (u-a)" in err
    with open_store("sqlite:actionplan.db") as store:
        assert store.export() == before


def test_a_log_deciding_otherwise_than_the_store_is_refused_naming_who_decided(run, files):
    assert run("save", f"{PLAN}.yaml")[0] == 0
    approve = "reviews:\n  - {update: u-a, decision: approve, reviewer: Coordination, date: 2026-03-01}\n"
    assert run("save", _log_with(files, approve))[0] == 0
    with open_store("sqlite:actionplan.db") as store:
        before = store.export()
    code, _, err = run("save", _log_with(files, approve.replace("approve", "return").replace("}", ", note: non}")))
    assert code == 2 and "u-a" in err and "Coordination" in err and "2026-03-01" in err, err
    with open_store("sqlite:actionplan.db") as store:
        assert store.export() == before


def test_json_and_csv_give_the_manual_status_next_to_the_computed_one(run, files):
    import csv
    import io
    import json

    assert run("save", f"{PLAN}.yaml", f"{PLAN}-suivi.yaml")[0] == 0
    data = json.loads(run("report", PLAN, "-f", "json", "-o", "-", "--as-of", "2026-10-01")[1])
    found = [i for t in data["progress"]["themes"] for o in t["objectives"] for a in o["actions"]
             for i in a["indicators"] if i["manual"] is not None]
    assert [(i["id"], i["status"], i["manual"]) for i in found] == [("va-o2-a1-i1", "late", {
        "status": "postponed", "reason": "AGA reportée au 26 novembre 2026 : quorum non atteint le 31 mars",
        "author": "Coordination", "date": "2026-04-02"})]
    text = run("report", PLAN, "-f", "csv", "-o", "-", "--as-of", "2026-10-01")[1].lstrip("\ufeff")
    rows = list(csv.reader(io.StringIO(text), delimiter=";"))
    assert rows[0][-1] == "Statut fixé à la main"
    (aga,) = [r for r in rows[1:] if r[3] == "va-o2-a1-i1"]
    assert aga[rows[0].index("Statut")] == "En retard" and aga[-1].startswith("Fixé à la main\xa0: Reporté")
    assert sum(1 for r in rows[1:] if r[-1]) == 1


def test_the_manual_status_example_of_the_progress_guide_prints_what_it_says(monkeypatch, examples):
    import contextlib
    import io

    from docblocks import DOCS, worked_example

    code = worked_example((DOCS / "progress.md").read_text(encoding="utf-8"), "manual-seed", "docs/progress.md")
    expected = [line[2:] for line in code.splitlines() if line.startswith("# ")]
    monkeypatch.chdir(examples.parent)
    printed = io.StringIO()
    with contextlib.redirect_stdout(printed):
        exec(compile(code, "docs/progress.md", "exec"), {})
    assert printed.getvalue().splitlines() == expected


def test_status_sets_a_status_by_hand_with_its_reason_and_clears_it(run, files):
    assert run("save", f"{PLAN}.yaml", f"{PLAN}-suivi.yaml")[0] == 0
    with open_store("sqlite:actionplan.db") as store:
        before = store.export()
    for args, words in ((("--set", "abandoned"), "demande une raison"),
                        (("--set", "abandoned", "--reason", "  "), "demande une raison"),
                        (("--clear", "--set", "late", "--reason", "x"), "une seule des deux"),
                        ((), "une seule des deux")):
        code, _, err = run("status", PLAN, "com-o3-a1", *args)
        assert code == 2 and words in err and "Traceback" not in err, err
    code, _, err = run("status", PLAN, "com-o3-a9", "--set", "late", "--reason", "x")
    assert code == 2 and "ni indicateur ni action com-o3-a9 (le plus proche : com-o3-a4)" in err
    with open_store("sqlite:actionplan.db") as store:
        assert store.export() == before  # nothing recorded by a refusal
    code, out, _ = run("status", PLAN, "com-o3-a1", "--set", "postponed", "--reason", "Lancement reporté à 2027",
                       "--by", "Coordination", "--date", "2026-09-30")
    assert code == 0 and "statut fixé à la main « reporté » par Coordination le 2026-09-30" in out
    shown = " ".join(run("show", PLAN, "--as-of", "2026-10-01")[1].split())
    assert ("• Lancement du nouveau site web — reporté, fixé à la main (statut calculé : en retard) : « Lancement "
            "reporté à 2027 » — Coordination, 30 septembre 2026") in shown
    assert "Lancement reporté à 2027" not in run("show", PLAN, "--as-of", "2026-09-29")[1]  # not set yet then
    code, out, _ = run("status", PLAN, "com-o3-a1", "--clear", "--by", "Coordination", "--date", "2026-10-01")
    assert code == 0 and "retiré de com-o3-a1" in out
    assert "Lancement reporté à 2027" not in run("show", PLAN, "--as-of", "2026-10-01")[1]
    with open_store("sqlite:actionplan.db") as store:
        kinds = [e.kind for e in store.events(PLAN)]
    assert kinds == ["update-returned", "update-approved", "manual-status", "manual-status", "manual-status-clear"]
