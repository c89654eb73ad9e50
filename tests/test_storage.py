"""Stores: URLs and plugins, what the dir: and sqlite: backends write, schema versions, migration.

Behaviour every backend shares is tested once, in the conformance suite
(tests/test_storage_conformance.py); this file tests what is particular to each.
"""

from __future__ import annotations

import datetime as dt
import sqlite3
from decimal import Decimal
from pathlib import Path

import orjson
import pytest

import actionplan
from actionplan.documents import to_data
from actionplan.errors import StoreError, UnknownFormatError
from actionplan.model import Measurement
from actionplan.storage import DEFAULT_URL, Store, open_store, redact_url, url_path
from actionplan.storage.files import DirStore
from actionplan.storage.sqlite import SqliteStore
from actionplan.testing import sample_measurements, sample_plan
from actionplan.testing.store import snapshot


def files_under(folder: Path) -> set[str]:
    return {str(p.relative_to(folder)) for p in folder.rglob("*")}


# -- opening stores by URL --------------------------------------------------------------------


def test_open_store_is_exported_at_the_top():
    assert actionplan.open_store is open_store
    assert "open_store" in actionplan.__all__


def test_the_default_store_is_sqlite_in_the_current_folder_and_opening_creates_nothing(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    assert DEFAULT_URL == "sqlite:actionplan.db"
    with open_store() as store:
        assert isinstance(store, SqliteStore)
        assert store.list() == [] and store.version("x") is None
        assert not (tmp_path / "actionplan.db").exists()
        store.save(sample_plan())
    assert (tmp_path / "actionplan.db").is_file()


def test_opening_a_dir_store_creates_nothing_until_the_first_write(tmp_path):
    with open_store(f"dir:{tmp_path}/plans") as store:
        assert isinstance(store, DirStore)
        assert store.list() == [] and store.export().documents == ()
        assert not (tmp_path / "plans").exists()


def test_an_unknown_scheme_is_a_clear_error():
    with pytest.raises(UnknownFormatError, match="mongodb.*sqlite:PATH, dir:PATH"):
        open_store("mongodb://localhost/plans")
    with pytest.raises(StoreError):
        open_store("sqlite:")
    with pytest.raises(StoreError):
        open_store("sqlite:plans\x00.db")


def test_a_plugin_adds_a_scheme_through_the_hook(register_plugin, tmp_path):
    opened = []

    class MemoScheme:
        @actionplan.hookimpl
        def actionplan_open_store(self, url):
            if url.startswith("memo:"):
                opened.append(url)
                return DirStore(url, tmp_path / url.removeprefix("memo:"))
            return None

    register_plugin(MemoScheme())
    with open_store("memo:notes") as store:
        store.save(sample_plan())
    assert opened == ["memo:notes"]
    assert (tmp_path / "notes" / "documents" / "table-exemple-2026.yaml").is_file()


def test_url_paths():
    assert url_path("sqlite:plans.db", "sqlite") == Path("plans.db")
    assert url_path("sqlite:///var/lib/plans.db", "sqlite") == Path("/var/lib/plans.db")
    assert url_path("dir:~/plans", "dir") == Path("~/plans").expanduser()
    assert url_path("dir:plans", "sqlite") is None


def test_passwords_never_show():
    assert redact_url("postgresql://marie:s3cret@db.example/plans") == "postgresql://marie:***@db.example/plans"
    assert redact_url("sqlite:plans.db") == "sqlite:plans.db"
    with open_store("sqlite:/tmp/x.db") as store:
        assert "sqlite:/tmp/x.db" in repr(store)


def test_a_store_is_refused_where_a_file_of_the_other_kind_is(tmp_path):
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(StoreError, match="is a file"):
        open_store(f"dir:{tmp_path}/a-file")
    with pytest.raises(StoreError, match="is a folder"):
        open_store(f"sqlite:{tmp_path}").save(sample_plan())


# -- dir: what it writes ------------------------------------------------------------------------


@pytest.fixture
def dir_store(tmp_path):
    with open_store(f"dir:{tmp_path}/store") as store:
        yield store


def test_dir_store_keeps_one_readable_yaml_document_per_plan(dir_store, tmp_path):
    plan = sample_plan()
    dir_store.save(plan, author="Marie")
    path = tmp_path / "store" / "documents" / "table-exemple-2026.yaml"
    envelope = actionplan.documents.format_for(name="yaml").loads(path.read_bytes())
    assert envelope["document"] == to_data(plan)
    assert (envelope["id"], envelope["type"], envelope["version"], envelope["updated_by"]) == (
        plan.id, "plan", 1, "Marie")
    assert "Plan d'action 2026 — Table d'exemple en développement social" in path.read_text(encoding="utf-8")
    assert files_under(tmp_path / "store") == {"actionplan-store.json", ".lock", "documents", "measurements",
                                               "events", "snapshots", "documents/table-exemple-2026.yaml"}


def test_dir_store_ids_with_colons_make_portable_file_names(dir_store, tmp_path):
    dir_store.save(sample_plan("plan:2026"))
    assert (tmp_path / "store" / "documents" / "plan%3A2026.yaml").is_file()
    assert [i.id for i in dir_store.list()] == ["plan:2026"]
    assert dir_store.get("plan:2026").document.id == "plan:2026"


def test_dir_store_measurements_are_appended_lines_not_a_rewritten_plan(dir_store, tmp_path):
    plan = sample_plan()
    dir_store.save(plan)
    document = tmp_path / "store" / "documents" / "table-exemple-2026.yaml"
    before = (document.stat().st_mtime_ns, document.read_bytes())
    dir_store.append_measurements(plan.id, sample_measurements()[:2])
    dir_store.append_measurement(plan.id, sample_measurements()[2])
    assert (document.stat().st_mtime_ns, document.read_bytes()) == before
    lines = (tmp_path / "store" / "measurements" / "table-exemple-2026.jsonl").read_bytes().splitlines()
    assert len(lines) == 3
    assert orjson.loads(lines[1])["m"] == {"date": "2026-02-12", "numerator": 12, "denominator": 20,
                                           "indicator": "taux-participation"}


def test_dir_store_ignores_and_repairs_a_line_cut_short_by_a_crash(dir_store, tmp_path):
    plan = sample_plan()
    dir_store.save(plan)
    dir_store.append_measurements(plan.id, sample_measurements()[:2])
    records = tmp_path / "store" / "measurements" / "table-exemple-2026.jsonl"
    with open(records, "ab") as handle:
        handle.write(b'{"at":"2026-01-01T00:00:00+00:00","m":{"date":"2026-0')  # a writer killed mid-line
    assert len(dir_store.measurements(plan.id)) == 2
    dir_store.append_measurement(plan.id, sample_measurements()[2])
    assert dir_store.measurements(plan.id) == sample_measurements()[:3]
    assert all(orjson.loads(line) for line in records.read_bytes().splitlines())


def test_dir_store_reports_a_damaged_file_with_its_name(dir_store, tmp_path):
    plan = sample_plan()
    dir_store.save(plan)
    dir_store.append_measurements(plan.id, sample_measurements()[:2])
    records = tmp_path / "store" / "measurements" / "table-exemple-2026.jsonl"
    records.write_bytes(b"not json\n" + records.read_bytes())
    with pytest.raises(StoreError, match=r"table-exemple-2026\.jsonl, line 1"):
        dir_store.measurements(plan.id)
    (tmp_path / "store" / "documents" / "table-exemple-2026.yaml").write_text("id: [unclosed", encoding="utf-8")
    with pytest.raises(StoreError, match="table-exemple-2026.yaml is damaged"):
        open_store(f"dir:{tmp_path}/store").get(plan.id)


def test_dir_store_sweeps_temporary_files_of_killed_writers(dir_store, tmp_path):
    dir_store.save(sample_plan("a"))
    leftover = tmp_path / "store" / "documents" / ".a.yaml.k3j2.tmp"
    leftover.write_text("half a document")
    assert [i.id for i in dir_store.list()] == ["a"]
    with open_store(f"dir:{tmp_path}/store") as again:
        again.save(sample_plan("b"))
    assert not leftover.exists()


def test_dir_store_never_writes_outside_its_folder(tmp_path):
    root = tmp_path / "inside" / "store"
    with open_store(f"dir:{root}") as store:
        store.save(sample_plan())
        before = files_under(tmp_path)
        for hostile in ("../../escaped", "../outside", "/tmp/escaped", "a/../../b", "..", "x" * 10_000):
            with pytest.raises(StoreError):
                store.append_measurements(hostile, sample_measurements())
            with pytest.raises(StoreError):
                store.get(hostile)
        assert store._path(store.documents_dir, "plan.yaml", ".yaml").parent == store.documents_dir
    assert files_under(tmp_path) == before


def test_dir_store_refuses_a_newer_layout_or_a_foreign_folder(tmp_path):
    with open_store(f"dir:{tmp_path}/store") as store:
        store.save(sample_plan())
    marker = tmp_path / "store" / "actionplan-store.json"
    marker.write_bytes(orjson.dumps({"format": "actionplan-dir-store", "layout_version": 99}))
    with pytest.raises(StoreError, match="newer actionplan"):
        open_store(f"dir:{tmp_path}/store")
    (tmp_path / "foreign" / "documents").mkdir(parents=True)
    with pytest.raises(StoreError, match="not an actionplan store"):
        open_store(f"dir:{tmp_path}/foreign")


# -- sqlite: what it writes, schema versions --------------------------------------------------


@pytest.fixture
def db_path(tmp_path) -> Path:
    return tmp_path / "plans.db"


def raw(db_path: Path, sql: str, params=()):
    with sqlite3.connect(db_path) as conn:
        return conn.execute(sql, params).fetchall()


def test_sqlite_store_uses_wal_and_keeps_values_as_exact_text(db_path):
    plan = sample_plan()
    with open_store(f"sqlite:{db_path}") as store:
        store.save(plan)
        store.append_measurements(plan.id, sample_measurements())
    assert raw(db_path, "PRAGMA journal_mode") == [("wal",)]
    assert raw(db_path, "SELECT typeof(value), value FROM actionplan_measurements WHERE indicator_id = ?",
               ("sommes-engagees",)) == [("text", "12345678901234567.89")]
    [(data,)] = raw(db_path, "SELECT data FROM actionplan_documents")
    target = orjson.loads(data)["themes"][0]["objectives"][0]["actions"][0]["indicators"][8]["target"]
    assert target == "195007.01"


def test_sqlite_queries_use_the_indexes(db_path):
    with open_store(f"sqlite:{db_path}") as store:
        store.save(sample_plan())
    plans = {
        "SELECT data FROM actionplan_measurements WHERE plan_id = ? AND indicator_id = ? AND date >= ? "
        "AND date <= ? ORDER BY seq": ("p", "i", "2026-01-01", "2026-03-31"),
        "SELECT id FROM actionplan_documents WHERE organisation = ?": ("table-exemple",),
        "SELECT doc_id FROM actionplan_document_territories WHERE territory = ?": ("mrc:roussillon",),
        "SELECT changed_at FROM actionplan_history WHERE doc_id = ? ORDER BY seq": ("p",),
        "SELECT data FROM actionplan_events WHERE doc_id = ? AND kind = ?": ("p", "k"),
    }
    for sql, params in plans.items():
        detail = " ".join(row[-1] for row in raw(db_path, f"EXPLAIN QUERY PLAN {sql}", params))
        assert "USING" in detail and "INDEX" in detail, (sql, detail)


def test_sqlite_store_from_a_newer_actionplan_is_refused_untouched(db_path):
    with open_store(f"sqlite:{db_path}") as store:
        store.save(sample_plan())
    raw(db_path, "UPDATE actionplan_meta SET value = '7' WHERE key = 'schema_version'")
    before = db_path.read_bytes()
    with pytest.raises(StoreError, match="newer actionplan.*schema 7.*upgrade actionplan"):
        open_store(f"sqlite:{db_path}")
    assert db_path.read_bytes() == before


def test_an_older_sqlite_store_is_upgraded_in_one_transaction(db_path, monkeypatch):
    with open_store(f"sqlite:{db_path}") as store:
        store.save(sample_plan())
    current = SqliteStore.SCHEMA_VERSION
    monkeypatch.setattr(SqliteStore, "SCHEMA_VERSION", current + 1)
    monkeypatch.setattr(SqliteStore, "MIGRATIONS", {current: ("ALTER TABLE actionplan_documents ADD COLUMN note TEXT",)})
    with open_store(f"sqlite:{db_path}") as store:
        assert store.get("table-exemple-2026").document == sample_plan()
    assert raw(db_path, "SELECT value FROM actionplan_meta WHERE key = 'schema_version'") == [(str(current + 1),)]
    assert "note" in [row[1] for row in raw(db_path, "PRAGMA table_info(actionplan_documents)")]


def test_a_schema_1_sqlite_store_gains_the_review_columns(db_path):
    plan = sample_plan()
    with open_store(f"sqlite:{db_path}") as store:
        store.save(plan)
        store.append_measurement(plan.id, sample_measurements()[0])
    for statement in ("DROP TABLE actionplan_measurement_facts",
                      "DROP INDEX actionplan_measurements_update", "DROP INDEX actionplan_measurements_status",
                      "ALTER TABLE actionplan_measurements DROP COLUMN update_id",
                      "ALTER TABLE actionplan_measurements DROP COLUMN status",
                      "DROP TABLE actionplan_snapshots", "DROP TABLE actionplan_versions", "DROP INDEX actionplan_measurements_period",
                      "UPDATE actionplan_meta SET value = '1' WHERE key = 'schema_version'"):
        raw(db_path, statement)  # as schema 1 left it
    with open_store(f"sqlite:{db_path}") as store:
        assert [u.status for u in store.updates(plan.id)] == ["counted"]
        (update_id,) = store.submit_measurements(plan.id, [sample_measurements()[1]])
        assert store.review_update(plan.id, update_id, "approve", author="coordination").counts
        assert len(store.plan_with_measurements(plan.id).find_indicator("taux-participation").measurements) == 1
    assert raw(db_path, "SELECT value FROM actionplan_meta WHERE key = 'schema_version'") == [("6",)]


def test_a_schema_2_sqlite_store_gets_its_progress_facts_from_its_measurements(db_path):
    plan = sample_plan()
    with open_store(f"sqlite:{db_path}") as store:
        store.save(plan)
        store.append_measurements(plan.id, sample_measurements())
        expected = store.progress_facts(plan.id)
    for statement in ("DROP TABLE actionplan_measurement_facts", "DROP TABLE actionplan_snapshots",
                      "DROP TABLE actionplan_versions", "DROP INDEX actionplan_measurements_period",
                      "UPDATE actionplan_meta SET value = '2' WHERE key = 'schema_version'"):
        raw(db_path, statement)  # as schema 2 left it
    with open_store(f"sqlite:{db_path}") as store:
        assert store.progress_facts(plan.id) == expected
        assert expected.counted == len(sample_measurements()) and expected.groups
    assert raw(db_path, "SELECT value FROM actionplan_meta WHERE key = 'schema_version'") == [("6",)]


def test_a_schema_3_sqlite_store_gains_the_snapshots_table_in_place(db_path):
    plan = sample_plan()
    with open_store(f"sqlite:{db_path}") as store:
        store.save(plan)
        store.append_measurements(plan.id, sample_measurements())
    for statement in ("DROP INDEX actionplan_snapshots_closed", "DROP TABLE actionplan_snapshots",
                      "DROP TABLE actionplan_versions", "DROP INDEX actionplan_measurements_period",
                      "UPDATE actionplan_meta SET value = '3' WHERE key = 'schema_version'"):
        raw(db_path, statement)  # as schema 3 left it
    with open_store(f"sqlite:{db_path}") as store:
        assert raw(db_path, "SELECT value FROM actionplan_meta WHERE key = 'schema_version'") == [("6",)]
        assert store.period_snapshots(plan.id) == []
        snapshot = store.close_period(plan.id, "2026-T1", author="coordination")
        assert snapshot.version == 1 and len(store.measurements(plan.id)) == len(sample_measurements())
        with pytest.raises(StoreError, match="2026-T1"):
            store.append_measurement(plan.id, sample_measurements()[0])
    detail = " ".join(row[-1] for row in raw(
        db_path, "EXPLAIN QUERY PLAN SELECT period FROM actionplan_snapshots WHERE plan_id = ? AND reopened_at IS NULL",
        ("p",)))
    assert "INDEX" in detail  # the closed-period check of every measurement is an indexed lookup


def test_a_schema_5_sqlite_store_gains_the_index_due_reads_periods_through(db_path):
    import attrs

    from actionplan.api import Reporting, plan_due

    plan = attrs.evolve(sample_plan(), reporting=Reporting(frequency="quarterly", due_days=30))
    with open_store(f"sqlite:{db_path}") as store:
        store.save(plan)
        store.append_measurements(plan.id, [attrs.evolve(m, period="2026-T1") for m in sample_measurements()])
    raw(db_path, "DROP INDEX actionplan_measurements_period")
    raw(db_path, "UPDATE actionplan_meta SET value = '5' WHERE key = 'schema_version'")  # as schema 5 left it
    with open_store(f"sqlite:{db_path}") as store:
        as_of = dt.date(2026, 10, 1)
        assert store.due(plan.id, as_of).to_data() == plan_due(plan, as_of, updates=store.updates(plan.id)).to_data()
    assert raw(db_path, "SELECT value FROM actionplan_meta WHERE key = 'schema_version'") == [("6",)]
    detail = " ".join(row[-1] for row in raw(
        db_path, "EXPLAIN QUERY PLAN SELECT 1 FROM actionplan_measurements WHERE plan_id = ? AND indicator_id = ? "
                 "AND json_extract(data, '$.period') = ? AND date <= ?", ("p", "i", "2026-T1", "2026-10-01")))
    assert "actionplan_measurements_period" in detail  # an update naming its period is found by the index


@pytest.mark.parametrize("migrations, message", [
    ({}, "cannot upgrade"),
    ({1: ("ALTER TABLE actionplan_documents ADD COLUMN note TEXT", "THIS IS NOT SQL")}, "upgrading .* failed"),
])
def test_a_failed_upgrade_leaves_the_store_as_it_was(db_path, monkeypatch, migrations, message):
    with open_store(f"sqlite:{db_path}") as store:
        store.save(sample_plan())
    current = SqliteStore.SCHEMA_VERSION
    monkeypatch.setattr(SqliteStore, "SCHEMA_VERSION", current + 1)
    monkeypatch.setattr(SqliteStore, "MIGRATIONS", {current + step - 1: statements
                                                    for step, statements in migrations.items()})
    with pytest.raises(StoreError, match=message):
        open_store(f"sqlite:{db_path}")
    assert raw(db_path, "SELECT value FROM actionplan_meta WHERE key = 'schema_version'") == [(str(current),)]
    assert "note" not in [row[1] for row in raw(db_path, "PRAGMA table_info(actionplan_documents)")]
    monkeypatch.undo()
    with open_store(f"sqlite:{db_path}") as store:
        assert store.get("table-exemple-2026").document == sample_plan()


def test_sqlite_refuses_files_that_are_not_its_stores(tmp_path):
    text = tmp_path / "notes.db"
    text.write_text("these are not the droids" * 100)
    with pytest.raises(StoreError, match="not a SQLite database"):
        open_store(f"sqlite:{text}")
    other = tmp_path / "other.db"
    raw(other, "CREATE TABLE invoices (id INTEGER PRIMARY KEY, total TEXT)")
    with pytest.raises(StoreError, match="another application"):
        open_store(f"sqlite:{other}")
    damaged = tmp_path / "damaged.db"
    raw(damaged, "CREATE TABLE actionplan_documents (id TEXT)")
    with pytest.raises(StoreError, match="damaged or was not made by actionplan"):
        open_store(f"sqlite:{damaged}")


def test_another_applications_sqlite_database_is_refused_untouched(tmp_path):
    # docs/storage.md: refused, never modified; switching it to WAL would change its file format.
    for name, table in (("other.db", "invoices"), ("damaged.db", "actionplan_documents")):
        path = tmp_path / name
        raw(path, f"CREATE TABLE {table} (id TEXT)")
        before = path.read_bytes()
        with pytest.raises(StoreError):
            open_store(f"sqlite:{path}")
        assert path.read_bytes() == before
        assert raw(path, "PRAGMA journal_mode") == [("delete",)]


def test_a_sqlite_write_failure_leaves_nothing_half_written(db_path, monkeypatch):
    plan = sample_plan()
    with open_store(f"sqlite:{db_path}") as store:
        store.save(plan)

        def broken(self, cur, entry):
            raise StoreError("disk full (simulated)")

        monkeypatch.setattr(SqliteStore, "_add_history", broken)
        with pytest.raises(StoreError, match="disk full"):
            store.save(sample_plan(title="Nouveau"), expected_version=1)
        monkeypatch.undo()
        assert store.get(plan.id).document == plan and store.version(plan.id) == 1
        assert [h.action for h in store.history(plan.id)] == ["create"]


# -- moving between backends ------------------------------------------------------------------


def test_a_backup_moves_a_store_between_backends_losslessly(tmp_path):
    with open_store(f"sqlite:{tmp_path}/a.db") as source:
        plan = sample_plan()
        source.save(plan, author="Marie")
        source.save(sample_plan(title="Révisé"), expected_version=1, author="Jean", comment="TP du 12 février")
        source.append_measurements(plan.id, sample_measurements(), author="Léa")
        source.append_measurement(plan.id, Measurement(date=dt.date(2026, 7, 1), value=Decimal(10**20 + 1),
                                                       indicator="sommes-engagees"))
        source.backup(tmp_path / "backup.json")
        expected = snapshot(source)
    data = orjson.loads((tmp_path / "backup.json").read_bytes())
    assert data["format"] == "actionplan-backup" and len(data["measurements"]) == 10
    with open_store(f"dir:{tmp_path}/b") as middle:
        middle.restore(tmp_path / "backup.json")
        assert snapshot(middle) == expected
        middle.backup(tmp_path / "backup.yaml")
    with open_store(f"sqlite:{tmp_path}/c.db") as target:
        target.restore(tmp_path / "backup.yaml")
        assert snapshot(target) == expected
        assert target.measurements(plan.id)[-1].value == Decimal(10**20 + 1)  # beyond 64 bits, below MAX_NUMBER


def test_the_store_interface_is_what_backends_implement():
    abstract = Store.__abstractmethods__
    assert {"save", "get", "list", "delete", "append_measurements", "measurement_records", "append_events",
            "event_records", "document_history", "export", "import_"} == set(abstract)


def test_postgresql_binaries_are_looked_for_where_debian_puts_them(monkeypatch, tmp_path):
    from actionplan.testing import postgres

    monkeypatch.delenv("ACTIONPLAN_PG_BIN", raising=False)
    monkeypatch.setenv("PATH", str(tmp_path / "empty"))
    monkeypatch.setattr(postgres, "PG_BIN_GLOB", str(tmp_path / "lib" / "*" / "bin"))
    assert postgres.find_pg_bin() is None  # the tests are then skipped, saying why
    for version in ("9.6", "15", "16"):
        folder = tmp_path / "lib" / version / "bin"
        folder.mkdir(parents=True)
        for tool in ("initdb", "pg_ctl"):
            (folder / tool).write_text("#!/bin/sh\n")
            (folder / tool).chmod(0o755)
    assert postgres.find_pg_bin() == tmp_path / "lib" / "16" / "bin"
