"""What is particular to PostgreSQL: the entry point, column types, locks, schema versions, connections."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from importlib.metadata import entry_points

import attrs
import psycopg
import pytest
from actionplan_postgresql.store import PostgresStore

from actionplan import open_store
from actionplan.api import Measurement, NotFoundError, Store, StoreError, ValidationError
from actionplan.testing import sample_measurements, sample_plan
from actionplan.testing.store import snapshot

pytestmark = pytest.mark.postgres


def query(url: str, sql: str, params=()):
    with psycopg.connect(url) as conn:
        return conn.execute(sql, params).fetchall()


def test_the_plugin_is_found_by_its_entry_point_alone():
    [entry] = [e for e in entry_points(group="actionplan") if e.name == "postgresql"]
    assert entry.value == "actionplan_postgresql.plugin"


def test_postgresql_urls_open_a_postgres_store(make_store_url):
    url = make_store_url()
    with open_store(url) as store:
        assert isinstance(store, PostgresStore)
    with open_store(url.replace("postgresql://", "postgres://", 1)) as store:
        assert isinstance(store, PostgresStore)


def test_money_is_numeric_and_exact(make_store_url):
    url = make_store_url()
    plan = sample_plan()
    with open_store(url) as store:
        store.save(plan)
        store.append_measurements(plan.id, sample_measurements())
    types = dict(query(url, "SELECT column_name, data_type FROM information_schema.columns "
                            "WHERE table_schema = current_schema() AND table_name = 'actionplan_measurements'"))
    assert types["value"] == "numeric" and types["date"] == "date" and types["data"] == "jsonb"
    assert types["recorded_at"] == "timestamp with time zone"
    assert query(url, "SELECT value FROM actionplan_measurements WHERE indicator_id = %s",
                 ("sommes-engagees",)) == [(Decimal("12345678901234567.89"),)]
    assert query(url, "SELECT sum(value) FROM actionplan_measurements WHERE indicator_id = %s",
                 ("participants",)) == [(Decimal(37),)]


def test_queries_can_use_the_indexes(make_store_url):
    url = make_store_url()
    with open_store(url) as store:
        store.save(sample_plan())
    plans = {
        "SELECT data FROM actionplan_measurements WHERE plan_id = %s AND indicator_id = %s AND date >= %s "
        "AND date <= %s": ("p", "i", dt.date(2026, 1, 1), dt.date(2026, 3, 31)),
        "SELECT data FROM actionplan_measurements WHERE plan_id = %s ORDER BY seq": ("p",),
        "SELECT id FROM actionplan_documents WHERE organisation = %s": ("table-exemple",),
        "SELECT doc_id FROM actionplan_document_territories WHERE territory = %s": ("mrc:roussillon",),
    }
    with psycopg.connect(url) as conn:
        conn.execute("SET enable_seqscan = off")  # tiny tables: ask whether an index *can* serve the query
        for sql, params in plans.items():
            detail = " ".join(row[0] for row in conn.execute(f"EXPLAIN {sql}", params).fetchall())
            assert "Index" in detail, (sql, detail)


def test_a_store_from_a_newer_actionplan_is_refused(make_store_url):
    url = make_store_url()
    with open_store(url) as store:
        store.save(sample_plan())
    with psycopg.connect(url) as conn:
        conn.execute("UPDATE actionplan_meta SET value = '9' WHERE key = 'schema_version'")
    with pytest.raises(StoreError, match="newer actionplan.*schema 9"):
        open_store(url)


def test_an_older_store_is_upgraded_or_left_untouched(make_store_url, monkeypatch):
    url = make_store_url()
    with open_store(url) as store:
        store.save(sample_plan())
    current = PostgresStore.SCHEMA_VERSION
    monkeypatch.setattr(PostgresStore, "SCHEMA_VERSION", current + 1)
    monkeypatch.setattr(PostgresStore, "MIGRATIONS", {current: ("ALTER TABLE actionplan_documents ADD COLUMN note text",
                                                                "NOT SQL AT ALL")})
    with pytest.raises(StoreError, match="failed.*left unchanged"):
        open_store(url)
    assert query(url, "SELECT value FROM actionplan_meta") == [(str(current),)]
    monkeypatch.setattr(PostgresStore, "MIGRATIONS", {current: ("ALTER TABLE actionplan_documents ADD COLUMN note text",)})
    with open_store(url) as store:
        assert store.get("table-exemple-2026").document == sample_plan()
    assert query(url, "SELECT value FROM actionplan_meta") == [(str(current + 1),)]


def test_a_schema_1_store_gains_the_review_columns(make_store_url):
    url = make_store_url()
    with open_store(url) as store:
        store.save(sample_plan())
        store.append_measurement(sample_plan().id, sample_measurements()[0])
    with psycopg.connect(url) as conn:  # as schema 1 left it
        conn.execute("DROP TABLE actionplan_measurement_facts")
        conn.execute("DROP INDEX actionplan_measurements_update")
        conn.execute("DROP INDEX actionplan_measurements_status")
        conn.execute("ALTER TABLE actionplan_measurements DROP COLUMN update_id, DROP COLUMN status")
        conn.execute("DROP TABLE actionplan_snapshots")
        conn.execute("DROP TABLE actionplan_versions")
        conn.execute("DROP INDEX actionplan_measurements_period")
        conn.execute("UPDATE actionplan_meta SET value = '1' WHERE key = 'schema_version'")
    with open_store(url) as store:
        assert [u.status for u in store.updates(sample_plan().id)] == ["counted"]
        (update_id,) = store.submit_measurements(sample_plan().id, [sample_measurements()[1]])
        assert store.review_update(sample_plan().id, update_id, "approve", author="coordination").counts
        assert store.progress_facts(sample_plan().id).counted == 2  # the facts table came with schema 3
    assert query(url, "SELECT value FROM actionplan_meta") == [("6",)]


def test_a_schema_3_store_gains_the_snapshots_table_in_place(make_store_url):
    url, plan = make_store_url(), sample_plan()
    with open_store(url) as store:
        store.save(plan)
        store.append_measurements(plan.id, sample_measurements())
    with psycopg.connect(url) as conn:  # as schema 3 left it
        conn.execute("DROP TABLE actionplan_snapshots")
        conn.execute("DROP TABLE actionplan_versions")
        conn.execute("DROP INDEX actionplan_measurements_period")
        conn.execute("UPDATE actionplan_meta SET value = '3' WHERE key = 'schema_version'")
    with open_store(url) as store:
        assert query(url, "SELECT value FROM actionplan_meta") == [("6",)]
        snapshot = store.close_period(plan.id, "2026-T1", author="coordination")
        assert snapshot.version == 1 and store.period_snapshots(plan.id) == [snapshot]
        with pytest.raises(StoreError, match="2026-T1"):
            store.append_measurement(plan.id, sample_measurements()[0])


def test_saved_versions_are_read_back_and_a_schema_4_store_keeps_its_current_one(make_store_url):
    import attrs

    url = make_store_url()
    first = sample_plan()
    second = attrs.evolve(first, title="Plan révisé")
    with open_store(url) as store:
        store.save(first)
        store.save(second, expected_version=1)
        assert store.get_version(first.id, 1).document == first and store.get_version(first.id, 1).version == 1
        assert store.get_version(first.id, 2).document == second
    with psycopg.connect(url) as conn:  # as schema 4 left it
        conn.execute("DROP TABLE actionplan_versions")
        conn.execute("DROP INDEX actionplan_measurements_period")
        conn.execute("UPDATE actionplan_meta SET value = '4' WHERE key = 'schema_version'")
    with open_store(url) as store:
        assert store.get_version(first.id, 2).document == second
        with pytest.raises(NotFoundError, match="has no version 1"):
            store.get_version(first.id, 1)
    assert query(url, "SELECT doc_id, version FROM actionplan_versions") == [(first.id, 2)]


def test_tables_live_beside_other_applications(make_store_url):
    url = make_store_url()
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE invoices (id serial PRIMARY KEY)")
    with open_store(url) as store:
        store.save(sample_plan())
        assert [i.id for i in store.list()] == ["table-exemple-2026"]


def test_connection_problems_are_clear_and_hide_the_password(postgres_server):
    with pytest.raises(StoreError, match="cannot connect") as caught:
        open_store("postgresql://marie:s3cret@127.0.0.1:1/plans?connect_timeout=2")
    assert "s3cret" not in str(caught.value)
    missing = postgres_server.dsn + "?options=-csearch_path%3Dno_such_schema"
    with open_store(missing) as store:
        assert store.list() == []
        with pytest.raises(StoreError):
            store.save(sample_plan())


def test_a_store_moves_from_sqlite_to_postgresql_and_to_a_folder(make_store_url, tmp_path):
    with open_store(f"sqlite:{tmp_path}/a.db") as source:
        plan = sample_plan()
        source.save(plan, author="Marie")
        source.append_measurements(plan.id, sample_measurements(), author="Léa")
        source.append_measurement(plan.id, Measurement(date=dt.date(2026, 7, 1), value=Decimal("0.01"),
                                                       indicator="sommes-engagees"))
        source.save(sample_plan(title="Révisé"), expected_version=1, author="Jean")
        source.backup(tmp_path / "backup.json")
        expected = snapshot(source)
    with open_store(make_store_url()) as pg:
        pg.restore(tmp_path / "backup.json")
        assert snapshot(pg) == expected
        pg.backup(tmp_path / "from-pg.json")
    with open_store(f"dir:{tmp_path}/copy") as folder:
        folder.restore(tmp_path / "from-pg.json")
        assert snapshot(folder) == expected


def test_a_large_batch_is_copied_in_one_transaction_with_its_facts(make_store_url):
    from actionplan.testing.store import StoreConformance

    url = make_store_url()
    many = StoreConformance._many_measurements(PostgresStore.COPY_FROM_ROWS + 500)
    with open_store(url) as store:
        store.save(sample_plan())
        assert store.append_measurements(sample_plan().id, many) == len(many)  # through COPY
        assert store.measurements(sample_plan().id) == many
        facts = store.progress_facts(sample_plan().id)
        assert StoreConformance._comparable(facts) == StoreConformance._comparable(
            Store.progress_facts(store, sample_plan().id))
        bad = [*many[:10], attrs.evolve(many[0], numerator=Decimal(30), denominator=Decimal(20),
                                        indicator="taux-participation", value=None)]
        with pytest.raises(ValidationError):
            store.append_measurements(sample_plan().id, bad * 100)
        assert len(store.measurements(sample_plan().id)) == len(many)  # all or none
