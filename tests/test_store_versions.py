"""Stored versions: a SQL store keeps every saved version of a document, so ``PLAN@N`` reads back."""

from __future__ import annotations

import shutil
import sqlite3

import attrs
import pytest

from actionplan.errors import NotFoundError
from actionplan.storage import open_store
from actionplan.testing import sample_plan
from test_hostile_cli import run  # noqa: F401  (fixture)


def test_every_saved_version_is_read_back(tmp_path):
    first = sample_plan()
    second = attrs.evolve(first, title="Plan révisé")
    with open_store(f"sqlite:{tmp_path}/s.db") as store:
        store.save(first)
        store.save(second, expected_version=1)
        old = store.get_version(first.id, 1)
        assert old.document == first and old.version == 1 and store.get(first.id).version == 2
        assert store.get_version(first.id, 2).document == second
        with pytest.raises(NotFoundError, match="has no version 3 \\(the current one is 2"):
            store.get_version(first.id, 3)


def test_a_schema_4_store_is_upgraded_keeping_its_current_versions(tmp_path):
    plan = sample_plan()
    db = tmp_path / "s.db"
    with open_store(f"sqlite:{db}") as store:
        store.save(plan)
        store.save(attrs.evolve(plan, title="Plan révisé"), expected_version=1)
    with sqlite3.connect(db) as conn:  # as schema 4 left it
        conn.execute("DROP TABLE actionplan_versions")
        conn.execute("DROP INDEX actionplan_measurements_period")
        conn.execute("UPDATE actionplan_meta SET value = '4' WHERE key = 'schema_version'")
    with open_store(f"sqlite:{db}") as store:
        assert store.get_version(plan.id, 2).document.title == "Plan révisé"
        with pytest.raises(NotFoundError, match="has no version 1"):
            store.get_version(plan.id, 1)
        store.save(attrs.evolve(plan, title="Troisième"), expected_version=2)
        assert store.get_version(plan.id, 2).document.title == "Plan révisé"
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT value FROM actionplan_meta").fetchall() == [("6",)]
        assert conn.execute("SELECT version FROM actionplan_versions ORDER BY version").fetchall() == [(2,), (3,)]


def test_a_folder_store_knows_its_current_version_only(tmp_path):
    plan = sample_plan()
    with open_store(f"dir:{tmp_path}/depot") as store:
        store.save(plan)
        store.save(attrs.evolve(plan, title="Plan révisé"), expected_version=1)
        assert store.get_version(plan.id, 2).document.title == "Plan révisé"
        with pytest.raises(NotFoundError, match="has no version 1"):
            store.get_version(plan.id, 1)


def test_diff_between_two_stored_versions(run, examples, tmp_path):  # noqa: F811
    shutil.copy(examples / "concertation-horizon-2026.yaml", tmp_path / "plan.yaml")
    assert run("save", "plan.yaml")[0] == 0
    text = (tmp_path / "plan.yaml").read_text(encoding="utf-8")
    changed = text.replace('{id: va-o1-a1-i1, label: "4 rencontres", kind: count, target: 4,',
                           '{id: va-o1-a1-i1, label: "4 rencontres", kind: count, target: 5,', 1)
    assert changed != text
    (tmp_path / "revu.yaml").write_text(changed, encoding="utf-8")
    assert run("save", "revu.yaml", "--expect-version", "1")[0] == 0
    code, out, err = run("diff", "concertation-horizon-2026@1", "concertation-horizon-2026@2")
    assert code == 0, err
    flat = " ".join(out.split())  # the French text has its no-break spaces
    assert flat.startswith("De concertation-horizon-2026@1 à concertation-horizon-2026@2 : 1 changement (")
    assert "~ modifié : cible va-o1-a1-i1 « 4 rencontres », target : 4 → 5" in flat
    code, _, err = run("diff", "concertation-horizon-2026@1", "concertation-horizon-2026@3")
    assert code == 2 and "concertation-horizon-2026 n'a pas de version 3 (la version actuelle est la 2" in " ".join(err.split())


def test_issue_16_done_means_workbook_edit_import_into_and_diff_of_versions(run, examples, tmp_path):  # noqa: F811
    """The seed plan as a workbook, a target changed and an action added, imported into the store:
    exactly those two changes, version 2 with every measurement, and ``diff PLAN@1 PLAN@2`` shows them."""
    pytest.importorskip("actionplan_office")
    openpyxl = pytest.importorskip("openpyxl")
    for name in ("concertation-horizon-2026.yaml", "concertation-horizon-2026-suivi.yaml"):
        shutil.copy(examples / name, tmp_path / name)
    assert run("save", "concertation-horizon-2026.yaml", "concertation-horizon-2026-suivi.yaml")[0] == 0
    assert run("report", "concertation-horizon-2026", "-f", "xlsx-plan", "-o", "plan.xlsx")[0] == 0
    book = openpyxl.load_workbook(tmp_path / "plan.xlsx")
    (row,) = [r for r in book["Indicateurs"].iter_rows(min_row=2) if r[0].value == "va-o1-a1-i1"]
    row[4].value = 5
    sheet = book["Vie associative"]
    sheet.cell(sheet.max_row + 1, 2, "Tournée des territoires")
    book.save(tmp_path / "plan.xlsx")
    expected = ["~ modifié : cible va-o1-a1-i1 « 4 rencontres », target : 4 → 5",
                "+ ajouté : action va-o8-a3 « Tournée des territoires » (dans va-o8)"]
    code, out, err = run("import", "plan.xlsx", "--into", "concertation-horizon-2026", "--dry-run")
    lines = [" ".join(line.split()) for line in out.splitlines()]
    assert code == 0, err
    assert lines[0].endswith(": 2 changements (1 ajout, 1 modification, 0 déplacement, 0 retrait)")
    assert lines[1:3] == expected
    assert run("import", "plan.xlsx", "--into", "concertation-horizon-2026")[0] == 0
    with open_store(f"sqlite:{tmp_path}/actionplan.db") as store:
        assert store.version("concertation-horizon-2026") == 2
        plan = store.plan_with_measurements("concertation-horizon-2026")
        assert sum(len(i.measurements) for *_, i in plan.iter_indicators()) == 130
    code, out, _ = run("diff", "concertation-horizon-2026@1", "concertation-horizon-2026@2")
    assert code == 0 and [" ".join(line.split()) for line in out.splitlines()][1:] == expected
