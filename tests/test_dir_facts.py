"""The ``dir:`` store's compact index of progress facts: kept by every write, computed again when stale."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import orjson
import pytest

from actionplan import open_store
from actionplan.model import Measurement
from actionplan.storage import Event, Store
from actionplan.storage.files import DirStore
from actionplan.testing import sample_measurements, sample_plan
from actionplan.testing.store import StoreConformance

PLAN = sample_plan().id


def comparable(facts):
    return StoreConformance._comparable(facts)


@pytest.fixture
def store(tmp_path):
    with open_store(f"dir:{tmp_path}/store") as opened:
        opened.save(sample_plan())
        yield opened


def index_path(store: DirStore):
    return store.root / "facts" / f"{PLAN}.json"


def unread(monkeypatch):
    """Make reading every measurement fail: what answers then comes from the index."""
    def refuse(*args, **kwargs):
        raise AssertionError("read every measurement")

    monkeypatch.setattr(DirStore, "measurement_records", refuse)


def test_every_write_keeps_the_index_and_reads_answer_from_it(store, monkeypatch):
    store.append_measurements(PLAN, sample_measurements(), author="Léa")
    assert index_path(store).exists()
    waiting = store.submit_measurements(PLAN, [Measurement(dt.date(2026, 4, 2), value=Decimal(3),
                                                           indicator="rencontres-tp")] * 3, author="partenaire")
    store.review_update(PLAN, waiting[0], "approve", author="coordination")
    store.review_update(PLAN, waiting[1], "return", note="À corriger", author="coordination")
    store.append_event(PLAN, Event("tp-tenue", dt.date(2026, 5, 1)))  # any event of the plan keeps the index too
    expected = comparable(Store.progress_facts(store, PLAN))
    expected_waiting = Store.updates(store, PLAN, status="submitted")
    unread(monkeypatch)
    facts = store.progress_facts(PLAN)
    assert comparable(facts) == expected and (facts.counted, facts.submitted, facts.returned) == (
        len(sample_measurements()) + 1, 1, 1)
    assert store.updates(PLAN, status="submitted") == expected_waiting and expected_waiting[0].id == waiting[2]
    assert not list(store.root.rglob(".*.tmp"))  # written atomically


def test_a_hand_edit_a_missing_or_damaged_index_and_a_rate_change_are_computed_again(store):
    store.append_measurements(PLAN, sample_measurements())
    line = orjson.dumps({"at": "2026-06-01T12:00:00+00:00",
                         "m": {"date": "2026-06-01", "indicator": "rencontres-tp", "value": "2"}}) + b"\n"
    with open(store.root / "measurements" / f"{PLAN}.jsonl", "ab") as records:  # by hand, behind the store's back
        records.write(line)
    facts = store.progress_facts(PLAN)
    assert comparable(facts) == comparable(Store.progress_facts(store, PLAN))
    assert facts.counted == len(sample_measurements()) + 1
    index_path(store).write_bytes(b"{not json")
    assert comparable(store.progress_facts(PLAN)) == comparable(Store.progress_facts(store, PLAN))
    assert orjson.loads(index_path(store).read_bytes())["format"] == "actionplan-dir-facts"  # rebuilt and kept
    damaged = orjson.loads(index_path(store).read_bytes())
    damaged["groups"][0][1] = "le 3 mars"  # readable JSON, a day that is not one
    damaged["groups"][1][4] = "beaucoup"
    index_path(store).write_bytes(orjson.dumps(damaged))
    assert comparable(store.progress_facts(PLAN)) == comparable(Store.progress_facts(store, PLAN))
    assert "le 3 mars" not in index_path(store).read_text(encoding="utf-8")  # computed again and kept
    store.append_measurements(PLAN, sample_measurements())
    assert comparable(store.progress_facts(PLAN)) == comparable(Store.progress_facts(store, PLAN))
    index_path(store).unlink()
    store.append_measurement(PLAN, sample_measurements()[0])  # a write rebuilds a missing index
    assert index_path(store).exists()
    assert comparable(store.progress_facts(PLAN)) == comparable(Store.progress_facts(store, PLAN))
    plan = sample_plan()
    as_rate = attrs.evolve(plan, themes=tuple(attrs.evolve(t, objectives=tuple(attrs.evolve(o, actions=tuple(
        attrs.evolve(a, indicators=tuple(attrs.evolve(i, kind="rate", unit="%") if i.id == "participants" else i
                                         for i in a.indicators)) for a in o.actions)) for o in t.objectives))
        for t in plan.themes))
    store.save(as_rate, expected_version=1)
    assert comparable(store.progress_facts(PLAN)) == comparable(Store.progress_facts(store, PLAN))


def test_a_restored_store_builds_its_index_and_a_deleted_plan_loses_it(store, tmp_path, monkeypatch):
    store.append_measurements(PLAN, sample_measurements())
    store.backup(tmp_path / "backup.json")
    with open_store(f"dir:{tmp_path}/copy") as copy:
        copy.restore(tmp_path / "backup.json")
        assert not (copy.root / "facts").exists() or not list((copy.root / "facts").iterdir())
        assert comparable(copy.progress_facts(PLAN)) == comparable(store.progress_facts(PLAN))
        assert (copy.root / "facts" / f"{PLAN}.json").exists()
    store.delete(PLAN, expected_version=1)
    assert not index_path(store).exists()


def test_a_write_into_a_damaged_group_computes_the_index_again_and_records_all(store):
    from actionplan.storage.backends import structure_records

    store.append_measurements(PLAN, sample_measurements())
    data = orjson.loads(index_path(store).read_bytes())
    entry = next(g for g in data["groups"] if g[4] is not None and not g[2].startswith("seq:"))
    entry[4] = "beaucoup"
    index_path(store).write_bytes(orjson.dumps(data))
    (again,) = structure_records([entry[8]], Measurement, "test")
    assert store.append_measurements(PLAN, [again]) == 1  # recorded, not refused for the index
    assert "beaucoup" not in index_path(store).read_text(encoding="utf-8")
    assert comparable(store.progress_facts(PLAN)) == comparable(Store.progress_facts(store, PLAN))
    assert store.progress_facts(PLAN).counted == len(sample_measurements()) + 1
