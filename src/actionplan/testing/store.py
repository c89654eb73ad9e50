"""The store conformance suite: one set of tests every store backend runs against itself.

Subclass :class:`StoreConformance` in a test module and override the ``make_store_url``
fixture so that each call returns the URL of a new, empty store of your backend::

    class TestMyStore(StoreConformance):
        @pytest.fixture
        def make_store_url(self, tmp_path):
            numbers = itertools.count()
            return lambda: f"mystore:{tmp_path}/store-{next(numbers)}"

The URL must open through :func:`actionplan.open_store` (your plugin installed by entry
point, or registered for the test), and from other processes too: the concurrency and
crash tests start writers with :mod:`actionplan.testing.workers` and ``os.fork``. Class
attributes tune the heavier tests (``crash_rounds``, ``appenders``, ``appends_each``).
"""

from __future__ import annotations

import datetime as dt
import os
import random
import signal
import subprocess
import sys
import time
from decimal import Decimal

import attrs
import pytest

from .. import open_store
from ..documents import DocumentType
from ..errors import ConflictError, NotFoundError, StoreError, ValidationError
from ..hookspecs import hookimpl
from ..model.base import check_id, check_text
from ..model.indicators import Measurement
from ..model.review import ReviewPolicy
from ..plugins import get_plugin_manager, refresh
from ..progress import plan_progress
from ..snapshots import thaw
from ..storage import REVIEW_EVENT_KINDS, Event, Store
from . import SAMPLE_PLAN_ID, sample_measurements, sample_plan, sample_plan_data

HOSTILE_IDS = ("../../etc/passwd", "'; DROP TABLE actionplan_documents; --", "plan\x00id", "x" * 10_000,
               "/etc/passwd", "..", ".", "", "a/b", "a\\b", "plan id", "é")
HOSTILE_TEXTS = ("'; DROP TABLE actionplan_documents; --", "Robert'); DROP TABLE students;--", "x" * 10_000,
                 "../../etc/passwd", "$(rm -rf /) `id`", "{{ 7*7 }} <script>alert(1)</script>",
                 "Équipe CH — « Table des partenaires »")


@attrs.frozen
class ConformanceNote:
    """A small document type of the suite's own: stores must keep any registered type."""

    id: str = attrs.field(validator=check_id)
    title: str = attrs.field(validator=check_text)
    amount: Decimal = Decimal(0)
    organisation: str | None = None
    territories: tuple[str, ...] = ()
    schema_version: int = 1


class _NoteTypePlugin:
    """Registers :class:`ConformanceNote` as ``type: conformance-note``."""

    @hookimpl
    def actionplan_register_document_types(self, register):
        register(DocumentType("conformance-note", ConformanceNote))


def snapshot(store: Store) -> dict:
    """A store's whole content in comparable form (documents decoded, records per document)."""
    from ..storage.backends import decode_document

    backup = store.export()
    return {
        "documents": {r.info.id: (r.info, None if r.data is None else decode_document(r.data, r.info.id))
                      for r in backup.documents},
        "history": {r.info.id: store.document_history(r.info.id) for r in backup.documents},
        "measurements": {r.info.id: store.measurement_records(r.info.id) for r in backup.documents
                         if r.info.type == "plan" and not r.info.deleted},
        "events": {r.info.id: store.event_records(r.info.id) for r in backup.documents if not r.info.deleted},
        "snapshots": backup.snapshots,
    }


def crash_plan(version: int):
    """A plan whose every part says which version it is, so a mix of two saves shows."""
    marker = f"v{version}"
    return sample_plan(title=f"Plan {marker}", mission=" ".join([marker] * 4000))


def crash_marker(plan) -> int:
    """The version a crash plan says it is; refuses a plan whose parts disagree."""
    title_version = int(plan.title.split("Plan v", 1)[1])
    words = set(plan.mission.split(" "))
    assert words == {f"v{title_version}"}, f"title says v{title_version} but the mission holds {sorted(words)[:3]}"
    return title_version


class StoreConformance:
    """Every behaviour the :class:`~actionplan.storage.Store` interface promises, as tests."""

    #: Rounds of the kill -9 test.
    crash_rounds = 100
    #: Writer processes and appends per process in the concurrent-append test.
    appenders = 4
    appends_each = 500

    # -- fixtures to override ------------------------------------------------------------
    @pytest.fixture
    def make_store_url(self):
        """Override: a callable returning the URL of a new, empty store at each call."""
        pytest.fail("override the make_store_url fixture in your StoreConformance subclass")

    @pytest.fixture
    def store_url(self, make_store_url) -> str:
        return make_store_url()

    @pytest.fixture
    def store(self, store_url):
        store = open_store(store_url)
        yield store
        store.close()

    @pytest.fixture
    def plan(self):
        return sample_plan()

    @pytest.fixture
    def note_type(self):
        """Registers the suite's own document type for one test, as a plugin would."""
        pm = get_plugin_manager()
        plugin = _NoteTypePlugin()
        pm.register(plugin, name=f"actionplan.testing.store.note-type-{id(plugin)}")
        refresh()
        try:
            yield ConformanceNote
        finally:
            pm.unregister(plugin)
            refresh()

    @pytest.fixture
    def documents(self, plan, note_type):
        """Override to add samples of your own document types: each must save and read back equal."""
        return [plan, note_type(id="note-1", title="Note de suivi", amount=Decimal("390013.07"),
                                organisation="table-exemple", territories=("mrc:roussillon",))]

    # -- opening -------------------------------------------------------------------------
    def test_open_store_gives_an_empty_store(self, store):
        assert isinstance(store, Store)
        assert store.list() == []
        assert store.version(SAMPLE_PLAN_ID) is None
        assert store.is_empty()

    def test_getting_an_unknown_document_raises_not_found(self, store):
        with pytest.raises(NotFoundError):
            store.get("absent")
        with pytest.raises(NotFoundError):
            store.history("absent")
        with pytest.raises(NotFoundError):
            store.measurements("absent")

    # -- documents -----------------------------------------------------------------------
    def test_save_and_get_round_trip(self, store, plan):
        before = dt.datetime.now(dt.timezone.utc)
        assert store.save(plan, author="Marie Tremblay") == 1
        stored = store.get(plan.id)
        assert stored.document == plan
        info = stored.info
        assert (info.id, info.type, info.version, info.deleted) == (plan.id, "plan", 1, False)
        assert info.title == plan.title
        assert info.organisation == "table-exemple"
        assert info.territories == ("mrc:les-maskoutains", "mrc:roussillon")
        assert info.updated_by == "Marie Tremblay"
        assert info.updated_at.tzinfo is not None
        assert before - dt.timedelta(seconds=5) <= info.updated_at <= dt.datetime.now(dt.timezone.utc)
        assert store.info(plan.id) == info
        assert store.version(plan.id) == 1

    def test_every_document_type_round_trips(self, store, documents):
        for document in documents:
            store.save(document)
        for document in documents:
            assert store.get(document.id).document == document
        assert [i.id for i in store.list()] == sorted(d.id for d in documents)

    def test_updates_get_increasing_versions(self, store, plan):
        store.save(plan)
        assert store.save(attrs.evolve(plan, title="Deuxième titre"), expected_version=1) == 2
        assert store.save(attrs.evolve(plan, title="Troisième titre"), expected_version=2) == 3
        assert store.get(plan.id).document.title == "Troisième titre"

    def test_a_stale_save_is_a_conflict_naming_both_versions(self, store, plan):
        store.save(plan)
        store.save(attrs.evolve(plan, title="Version de Marie"), expected_version=1)
        with pytest.raises(ConflictError) as caught:
            store.save(attrs.evolve(plan, title="Version de Jean"), expected_version=1)
        assert (caught.value.expected_version, caught.value.current_version) == (1, 2)
        assert "1" in str(caught.value) and "2" in str(caught.value)
        assert store.get(plan.id).document.title == "Version de Marie"
        assert store.version(plan.id) == 2

    def test_creating_an_existing_document_is_a_conflict(self, store, plan):
        store.save(plan)
        with pytest.raises(ConflictError) as caught:
            store.save(attrs.evolve(plan, title="Autre"))
        assert (caught.value.expected_version, caught.value.current_version) == (None, 1)
        assert store.get(plan.id).document == plan

    def test_updating_a_missing_document_is_a_conflict(self, store, plan):
        with pytest.raises(ConflictError) as caught:
            store.save(plan, expected_version=3)
        assert (caught.value.expected_version, caught.value.current_version) == (3, None)
        assert store.list() == []

    def test_a_bad_expected_version_is_refused(self, store, plan):
        store.save(plan)
        for bad in (0, -1, True, "1", 1.0):
            with pytest.raises(StoreError):
                store.save(plan, expected_version=bad)
        assert store.version(plan.id) == 1

    def test_a_document_cannot_become_another_type(self, store, plan, note_type):
        store.save(plan)
        with pytest.raises(StoreError, match="plan"):
            store.save(note_type(id=plan.id, title="Note"), expected_version=1)
        assert store.get(plan.id).document == plan

    def test_a_document_without_an_id_is_stored_under_the_id_given(self, store, plan):
        from ..model import TrackingLog

        log = TrackingLog(plan=plan.id, measurements=tuple(sample_measurements()), note="Suivi du printemps")
        with pytest.raises(StoreError, match="no id"):
            store.save(log)
        assert store.save(log, doc_id="suivi-printemps") == 1
        assert store.get("suivi-printemps").document == log
        assert store.save(log, doc_id="suivi-printemps", expected_version=1) == 2
        with pytest.raises(StoreError, match="cannot be saved as"):
            store.save(plan, doc_id="autre-id")
        with pytest.raises(StoreError):
            store.save(log, doc_id="../suivi")
        with pytest.raises(StoreError):
            store.save({"id": "dict-document"})
        assert [i.id for i in store.list()] == ["suivi-printemps"]

    def test_list_filters_by_type_organisation_and_territory(self, store, note_type):
        store.save(sample_plan("plan-a"))
        other = sample_plan_data("plan-b")
        other.update(organisation="cdc-maskoutains", territories=["mrc:les-maskoutains"])
        from ..documents import from_data

        store.save(from_data(other))
        store.save(note_type(id="note-1", title="Note", organisation="table-exemple", territories=("mrc:roussillon",)))
        ids = lambda infos: [i.id for i in infos]  # noqa: E731
        assert ids(store.list()) == ["note-1", "plan-a", "plan-b"]
        assert ids(store.list(type="plan")) == ["plan-a", "plan-b"]
        assert ids(store.list(type="conformance-note")) == ["note-1"]
        assert ids(store.list(organisation="table-exemple")) == ["note-1", "plan-a"]
        assert ids(store.list(territory="mrc:roussillon")) == ["note-1", "plan-a"]
        assert ids(store.list(territory="mrc:les-maskoutains")) == ["plan-a", "plan-b"]
        assert ids(store.list(type="plan", organisation="table-exemple", territory="mrc:roussillon")) == ["plan-a"]
        assert store.list(territory="mrc:vaudreuil-soulanges") == []

    def test_delete_needs_the_current_version_and_keeps_the_history(self, store, plan):
        store.save(plan)
        store.save(attrs.evolve(plan, title="Deux"), expected_version=1)
        store.append_measurements(plan.id, sample_measurements())
        with pytest.raises(ConflictError):
            store.delete(plan.id, expected_version=1)
        assert store.delete(plan.id, expected_version=2, author="admin", comment="plan abandonné") == 3
        with pytest.raises(NotFoundError):
            store.get(plan.id)
        with pytest.raises(NotFoundError):
            store.delete(plan.id, expected_version=3)
        assert store.list() == []
        [tombstone] = store.list(include_deleted=True)
        assert (tombstone.id, tombstone.version, tombstone.deleted) == (plan.id, 3, True)
        assert store.version(plan.id) is None
        assert [h.action for h in store.history(plan.id)] == ["create", "update", "delete"]
        deletion = store.history(plan.id)[-1]
        assert (deletion.by, deletion.comment, deletion.version) == ("admin", "plan abandonné", 3)
        assert any("9 measurements" in change for change in deletion.changes)
        # created again: versions go on, old measurements do not come back
        with pytest.raises(ConflictError):
            store.save(plan, expected_version=3)
        assert store.save(plan) == 4
        assert store.measurements(plan.id) == []
        assert [h.action for h in store.history(plan.id)] == ["create", "update", "delete", "create"]

    def test_documents_persist_across_openings(self, store_url, plan):
        with open_store(store_url) as first:
            first.save(plan)
            first.append_measurements(plan.id, sample_measurements())
        with open_store(store_url) as second:
            assert second.get(plan.id).document == plan
            assert second.measurements(plan.id) == sample_measurements()

    def test_two_openings_see_each_others_changes(self, store_url, plan):
        with open_store(store_url) as first, open_store(store_url) as second:
            first.save(plan)
            second.append_measurement(plan.id, sample_measurements()[0])
            assert second.get(plan.id).version == 1
            # the plan changes under the second opening: its next measurement is checked against it
            first.save(attrs.evolve(plan, title="Nouveau titre"), expected_version=1)
            assert second.get(plan.id).document.title == "Nouveau titre"
            with pytest.raises(ConflictError):
                second.save(plan, expected_version=1)
            grown = sample_plan(extra_indicators=({"id": "nouvel-indicateur", "label": "Nouvel indicateur",
                                                   "kind": "tracked"},))
            second.append_measurement(plan.id, sample_measurements()[1])
            first.save(grown, expected_version=2)
            second.append_measurement(plan.id, Measurement(date=dt.date(2026, 7, 1), value=Decimal(3),
                                                           indicator="nouvel-indicateur"))
            assert len(first.measurements(plan.id)) == 3

    # -- measurements --------------------------------------------------------------------
    def test_measurements_are_appended_without_a_new_plan_version(self, store, plan):
        store.save(plan)
        recorded = sample_measurements()
        assert store.append_measurements(plan.id, recorded[:4], author="Jean") == 4
        store.append_measurement(plan.id, recorded[4], author="Jean")
        store.append_measurements(plan.id, recorded[5:])
        assert store.version(plan.id) == 1
        stored = store.measurements(plan.id)
        assert [attrs.evolve(m, recorded_by=None) for m in stored] == recorded
        assert [m.recorded_by for m in stored] == ["Jean"] * 5 + [None] * 4
        records = store.measurement_records(plan.id)
        assert [r.measurement for r in records] == stored
        assert all(r.plan_id == plan.id and r.recorded_at.tzinfo is not None for r in records)
        assert [r.recorded_at for r in records] == sorted(r.recorded_at for r in records)

    def test_a_measurement_names_its_recorder(self, store, plan):
        store.save(plan)
        store.append_measurement(plan.id, attrs.evolve(sample_measurements()[0], recorded_by="Léa"), author="admin")
        assert store.measurements(plan.id)[0].recorded_by == "Léa"

    def test_measurements_are_checked_against_their_indicator(self, store, plan):
        store.save(plan)
        bad = [
            Measurement(date=dt.date(2026, 2, 1), value=Decimal(1), indicator="inconnu"),
            Measurement(date=dt.date(2026, 2, 1), numerator=Decimal(30), denominator=Decimal(20),
                        indicator="taux-participation"),
            Measurement(date=dt.date(2026, 2, 1), numerator=Decimal(3), denominator=Decimal(0),
                        indicator="taux-participation"),
            Measurement(date=dt.date(2026, 2, 1), level="parfait", indicator="qualite-collaborations"),
            Measurement(date=dt.date(2026, 2, 1), indicator="fiche-synthese"),
            Measurement(date=dt.date(2026, 2, 1), indicator="couverture-mrc"),
            Measurement(date=dt.date(2026, 2, 1), territories=("mrc:atlantide",), indicator="couverture-mrc"),
            Measurement(date=dt.date(2026, 2, 1), value=Decimal(-2), indicator="participants"),
            Measurement(date=dt.date(2026, 2, 1), indicator="projets"),
            Measurement(date=dt.date(2026, 2, 1), value=Decimal(1)),
        ]
        for measurement in bad:
            with pytest.raises(ValidationError) as caught:
                store.append_measurement(plan.id, measurement)
            assert caught.value.issues, measurement
        assert store.measurements(plan.id) == []

    def test_one_bad_measurement_in_a_batch_writes_none(self, store, plan):
        store.save(plan)
        batch = [*sample_measurements(), Measurement(date=dt.date(2026, 2, 1), level="parfait",
                                                     indicator="qualite-collaborations")]
        with pytest.raises(ValidationError) as caught:
            store.append_measurements(plan.id, batch)
        assert "measurements[9].level" in str(caught.value)
        assert store.measurements(plan.id) == []

    def test_measurements_need_an_existing_plan(self, store, plan, note_type):
        with pytest.raises(NotFoundError):
            store.append_measurements("absent", sample_measurements())
        store.save(note_type(id="note-1", title="Note"))
        with pytest.raises(StoreError, match="not a plan"):
            store.append_measurements("note-1", sample_measurements())
        with pytest.raises(StoreError):
            store.append_measurements(plan.id, ["not a measurement"])

    def test_measurement_queries_by_indicator_and_period(self, store, plan):
        store.save(plan)
        counts = [Measurement(date=dt.date(2026, month, 15), value=Decimal(month), indicator="participants")
                  for month in range(1, 13)]
        store.append_measurements(plan.id, [*counts, *sample_measurements()])
        assert store.measurements(plan.id, indicator="participants")[:12] == counts
        spring = store.measurements(plan.id, indicator="participants", start=dt.date(2026, 3, 15),
                                    end=dt.date(2026, 5, 15))
        assert [m.value for m in spring] == [Decimal(3), Decimal(4), Decimal(5), Decimal(37)]
        assert len(store.measurements(plan.id, start=dt.date(2026, 6, 1))) == 7 + 2
        assert [m.indicator for m in store.measurements(plan.id, end=dt.date(2026, 1, 31))] == ["participants"]
        assert store.measurements(plan.id, indicator="aga") == [sample_measurements()[4]]
        assert store.measurements(plan.id, indicator="inconnu") == []

    def test_plan_with_measurements_attaches_them(self, store, plan):
        store.save(plan)
        store.append_measurements(plan.id, sample_measurements())
        full = store.plan_with_measurements(plan.id)
        attached = [m for *_, indicator in full.iter_indicators() for m in indicator.measurements]
        assert sorted(attached, key=lambda m: m.indicator) == sorted(sample_measurements(), key=lambda m: m.indicator)

    def test_a_measured_indicator_cannot_be_removed(self, store, plan):
        store.save(plan)
        store.append_measurement(plan.id, sample_measurements()[6])  # participants
        data = sample_plan_data()
        indicators = data["themes"][0]["objectives"][0]["actions"][0]["indicators"]
        data["themes"][0]["objectives"][0]["actions"][0]["indicators"] = [
            i for i in indicators if i["id"] != "participants"]
        from ..documents import from_data

        with pytest.raises(ValidationError, match="participants"):
            store.save(from_data(data), expected_version=1)
        without_unmeasured = [i for i in indicators if i["id"] != "aga"]
        data["themes"][0]["objectives"][0]["actions"][0]["indicators"] = without_unmeasured
        assert store.save(from_data(data), expected_version=1) == 2

    def _without_participants(self):
        from ..documents import from_data

        data = sample_plan_data()
        action = data["themes"][0]["objectives"][0]["actions"][0]
        action["indicators"] = [i for i in action["indicators"] if i["id"] != "participants"]
        return from_data(data)

    def test_a_measured_indicator_is_removed_when_allowed_and_its_measurements_kept(self, store, plan):
        store.save(plan)
        store.append_measurements(plan.id, sample_measurements(), author="Marie")
        kept = [m for m in store.measurements(plan.id) if m.indicator == "participants"]
        assert kept
        before = store.measurements(plan.id)
        assert store.save(self._without_participants(), expected_version=1, author="Jean", comment="révision",
                          allow_removal=True) == 2
        assert store.measurements(plan.id) == before  # nothing dropped
        [event] = store.events(plan.id, kind="indicator-removed")
        assert (event.subject, event.data, event.recorded_by, event.note) == (
            "participants", {"measurements": str(len(kept)), "version": "2"}, "Jean", "révision")
        full = store.plan_with_measurements(plan.id)
        attached = [m for *_, indicator in full.iter_indicators() for m in indicator.measurements]
        assert sorted(attached, key=repr) == sorted((m for m in before if m.indicator != "participants"), key=repr)
        facts = store.progress_facts(plan.id)
        assert "participants" not in {g.indicator for g in facts.groups}
        assert plan_progress(facts.plan, dt.date(2026, 12, 31)) == plan_progress(full, dt.date(2026, 12, 31))
        # the removal is recorded once: the next version saves without allow_removal
        assert store.save(self._without_participants(), expected_version=2) == 3
        with pytest.raises(ValidationError, match="participants"):  # not recordable any more
            store.append_measurement(plan.id, kept[0])
        # brought back (same id), the indicator counts its measurements again
        assert store.save(plan, expected_version=3) == 4
        assert store.plan_with_measurements(plan.id) == store.plan_with_measurements(plan.id)
        again = [m for *_, i in store.plan_with_measurements(plan.id).iter_indicators() if i.id == "participants"
                 for m in i.measurements]
        assert sorted(again, key=repr) == sorted(kept, key=repr)

    def test_an_update_of_a_removed_indicator_cannot_be_approved_only_returned(self, store, plan):
        store.save(self._reviewed_plan(plan))
        [one] = [m for m in sample_measurements() if m.indicator == "participants"]
        [first, second] = store.submit_measurements(
            plan.id, [one, attrs.evolve(one, date=one.date + dt.timedelta(days=1))], author="partenaire")
        store.save(self._reviewed_plan(self._without_participants()), expected_version=1, allow_removal=True)
        with pytest.raises(StoreError, match="participants"):
            store.review_update(plan.id, first, "approve", author="coordination")
        assert store.update(plan.id, first).status == "submitted"
        assert store.review_update(plan.id, second, "return", note="indicateur retiré",
                                   author="coordination").status == "returned"

    def test_removal_events_are_written_by_the_store_only(self, store, plan):
        store.save(plan)
        with pytest.raises(StoreError, match="indicator-removed"):
            store.append_event(plan.id, Event(kind="indicator-removed", date=dt.date(2026, 5, 1), subject="participants"))
        assert store.events(plan.id) == []

    def test_backup_and_restore_keep_the_measurements_of_a_removed_indicator(self, store, make_store_url, tmp_path,
                                                                             plan):
        store.save(plan)
        store.append_measurements(plan.id, sample_measurements())
        store.save(self._without_participants(), expected_version=1, allow_removal=True)
        path = tmp_path / "sauvegarde.json"
        store.backup(path)
        with open_store(make_store_url()) as copy:
            copy.restore(path)
            assert copy.measurements(plan.id) == store.measurements(plan.id)
            assert copy.plan_with_measurements(plan.id) == store.plan_with_measurements(plan.id)
            assert copy.events(plan.id) == store.events(plan.id)

    # -- events --------------------------------------------------------------------------
    def test_events_are_appended_and_queried(self, store, plan):
        store.save(plan)
        held = Event(kind="tp-tenue", date=dt.date(2026, 2, 12), note="4e TP", data={"lieu": "Saint-Hyacinthe"})
        ended = Event(kind="fin-projet", date=dt.date(2026, 9, 30), subject="projet-1")
        assert store.append_events(plan.id, [held, ended], author="Jean") == 2
        assert store.events(plan.id) == [attrs.evolve(held, recorded_by="Jean"),
                                         attrs.evolve(ended, recorded_by="Jean")]
        assert [e.kind for e in store.events(plan.id, kind="fin-projet")] == ["fin-projet"]
        assert [e.kind for e in store.events(plan.id, start=dt.date(2026, 3, 1))] == ["fin-projet"]
        assert [e.kind for e in store.events(plan.id, end=dt.date(2026, 3, 1))] == ["tp-tenue"]
        assert store.version(plan.id) == 1
        with pytest.raises(NotFoundError):
            store.append_event("absent", held)

    # -- progress facts ------------------------------------------------------------------
    @staticmethod
    def _many_measurements(count: int = 400, seed: int = 13) -> list[Measurement]:
        """Measurements of every kind of the sample plan, several a day, per territory and dimension."""
        rng = random.Random(seed)
        places = ("mrc:roussillon", "mrc:les-maskoutains")
        found = []
        for i in range(count):
            day = dt.date(2026, 1, 1) + dt.timedelta(days=rng.randrange(0, 70, 7))
            place = rng.choice((None, None, *places))
            kind = i % 9
            if kind == 0:
                found.append(Measurement(date=day, value=Decimal(rng.randint(0, 3)), indicator="rencontres-tp",
                                         territory=place, note=f"mesure {i}"))
            elif kind == 1:
                found.append(Measurement(date=day, numerator=Decimal(rng.randint(0, 20)), denominator=Decimal(20),
                                         indicator="taux-participation", territory=place))
            elif kind == 2:
                found.append(Measurement(date=day, value=Decimal(rng.randint(40, 90)), indicator="taux-participation"))
            elif kind == 3:
                found.append(Measurement(date=day, level=rng.choice(("partiel", "satisfaisant", "excellent")),
                                         indicator="qualite-collaborations", territory=place))
            elif kind == 4:
                found.append(Measurement(date=day, done=rng.random() < 0.5, indicator=rng.choice(("fiche-synthese",
                                                                                                    "aga"))))
            elif kind == 5:
                found.append(Measurement(date=day, territories=(rng.choice(places),), indicator="couverture-mrc"))
            elif kind == 6:
                found.append(Measurement(date=day, value=Decimal(rng.randint(1, 40)), indicator="participants",
                                         territory=place, dimensions={"âge": rng.choice(("jeunes", "aînés"))}
                                         if rng.random() < 0.3 else {}))
            elif kind == 7:
                found.append(Measurement(date=day, value=Decimal(rng.randint(0, 1)), indicator="projets"))
            else:
                found.append(Measurement(date=day, value=Decimal(rng.randint(0, 99999)) / 100,
                                         indicator="sommes-engagees"))
        return found

    @staticmethod
    def _comparable(facts):
        """The groups without what depends on how a store numbers its records."""
        return [(g.indicator, g.date, "alone" if g.key.startswith("seq:") else g.key, g.totals, g.last)
                for g in facts.groups], (facts.counted, facts.submitted, facts.returned)

    @staticmethod
    def _progress(plan, as_of):
        from ..progress import plan_progress

        result = plan_progress(plan, as_of)
        rolled = result.rollup
        return (rolled.status, rolled.fraction, rolled.counts, rolled.levels, [i.indicator.id for i in rolled.late]), [
            (i.indicator.id, i.status, i.value, i.fraction, i.level, i.reason,
                                i.latest.date if i.latest else None, i.by_territory) for i in result.iter_indicators()]

    def test_progress_facts_agree_with_every_measurement(self, store, plan):
        store.save(plan)
        many = self._many_measurements()
        store.append_measurements(plan.id, many[:300], author="Léa")
        for m in many[300:]:  # one at a time, as people record
            store.append_measurement(plan.id, m)
        submitted = store.submit_measurements(plan.id, self._many_measurements(40, seed=5), author="partenaire")
        for update_id in submitted[:15]:
            store.review_update(plan.id, update_id, "approve", author="coordination")
        for update_id in submitted[15:20]:
            store.review_update(plan.id, update_id, "return", note="À corriger", author="coordination")
        full = store.plan_with_measurements(plan.id)
        for as_of in (None, dt.date(2026, 2, 1), dt.date(2026, 12, 31)):
            facts = store.progress_facts(plan.id, as_of=as_of)
            assert self._comparable(facts) == self._comparable(Store.progress_facts(store, plan.id, as_of=as_of))
            day = as_of or dt.date(2026, 12, 31)
            assert self._progress(facts.plan, day) == self._progress(full, day)
            days = {m.date for m in full.find_indicator('sommes-engagees').measurements if as_of is None or m.date <= as_of}
            assert len([g for g in facts.groups if g.indicator == 'sommes-engagees']) == len(days)  # one a day
        facts = store.progress_facts(plan.id)
        assert (facts.counted, facts.submitted, facts.returned) == (415, 20, 5)
        counted = store.counted_measurements(plan.id)
        amounts = [m.value for m in counted if m.indicator == "sommes-engagees"]
        assert facts.totals("sommes-engagees").value == sum(amounts) and facts.totals("sommes-engagees").count == len(amounts)
        latest = max((m for m in counted if m.indicator == "participants"), key=lambda m: m.date)
        assert facts.latest("participants").date == latest.date

    def test_progress_facts_follow_a_plan_change_and_a_deletion(self, store, plan):
        store.save(plan)
        store.append_measurements(plan.id, self._many_measurements(90))
        as_rate = attrs.evolve(plan, themes=tuple(attrs.evolve(t, objectives=tuple(attrs.evolve(o, actions=tuple(
            attrs.evolve(a, indicators=tuple(attrs.evolve(i, kind="rate", unit="%") if i.id == "participants" else i
                                             for i in a.indicators)) for a in o.actions)) for o in t.objectives))
            for t in plan.themes))
        store.save(as_rate, expected_version=1)  # bare values of a rate are averaged: each stands alone now
        facts = store.progress_facts(plan.id)
        assert self._comparable(facts) == self._comparable(Store.progress_facts(store, plan.id))
        day = dt.date(2026, 12, 31)
        assert self._progress(facts.plan, day) == self._progress(store.plan_with_measurements(plan.id), day)
        store.delete(plan.id, expected_version=2)
        store.save(plan)
        assert store.progress_facts(plan.id).groups == () and store.progress_facts(plan.id).counted == 0

    # -- what due reads ------------------------------------------------------------------
    def test_due_facts_agree_with_every_update(self, store, plan):
        from ..due import due_query, plan_due
        from ..model.reporting import Reporting

        plan = attrs.evolve(plan, reporting=Reporting(frequency="monthly", due_days=10, stale_after=20))
        store.save(plan)
        many = self._many_measurements(300, seed=21)
        named = [attrs.evolve(m, period=f"2026-{m.date.month:02d}") for m in many[:40]]  # periods named
        store.append_measurements(plan.id, many[40:200], author="Léa")
        store.append_measurements(plan.id, named, author="Léa")
        submitted = store.submit_measurements(plan.id, many[200:], author="partenaire")
        for update_id in submitted[:30]:
            store.review_update(plan.id, update_id, "approve", author="coordination")
        for n, update_id in enumerate(submitted[30:60]):
            store.review_update(plan.id, update_id, "return", note=f"À corriger {n}",
                                author="coordination")
        sent_back = store.submit_measurements(plan.id, [
            Measurement(dt.date(2026, 3, 9), done=True, indicator="aga"),  # the milestone is not delivered by it
            Measurement(dt.date(2026, 6, 15), value=Decimal(4), indicator="participants"),
            Measurement(dt.date(2026, 6, 20), value=Decimal(5), indicator="participants", period="2026-07")],
            author="partenaire")
        for update_id in sent_back:
            store.review_update(plan.id, update_id, "return", note=f"Pièce manquante {update_id}", author="coordination")
        updates = store.updates(plan.id)
        for as_of in (dt.date(2026, 1, 20), dt.date(2026, 3, 5), dt.date(2026, 4, 2), dt.date(2026, 12, 31)):
            for organisation in (None, "table-exemple", "cdc-maskoutains"):
                query = due_query(plan, as_of, organisation=organisation)
                assert store.due_facts(plan.id, query) == Store.due_facts(store, plan.id, query), (as_of, organisation)
                report = store.due(plan.id, as_of, organisation=organisation)
                assert report.to_data() == plan_due(plan, as_of, updates=updates, organisation=organisation).to_data()
        owed = {i.key: i.returned for i in store.due(plan.id, dt.date(2026, 12, 31)).organisations[0].late}
        assert owed["participants/2026-06"] == f"Pièce manquante {sent_back[1]}"
        assert owed["participants/2026-07"] == f"Pièce manquante {sent_back[2]}"
        assert owed["participants/2026-08"] is None

    # -- reviewed updates ----------------------------------------------------------------
    @staticmethod
    def _reviewed_plan(plan, distinct: bool = False):
        return attrs.evolve(plan, review=ReviewPolicy(required=True, distinct_reviewer=distinct))

    @staticmethod
    def _attached(store, plan_id: str, indicator: str) -> list:
        return list(store.plan_with_measurements(plan_id).find_indicator(indicator).measurements)

    def test_without_review_updates_count_at_once(self, store, plan):
        store.save(plan)
        store.append_measurements(plan.id, sample_measurements()[:2], author="Léa")
        updates = store.updates(plan.id)
        assert [(u.status, u.id, u.counts, u.submitted_by) for u in updates] == [("counted", None, True, "Léa")] * 2
        assert store.updates(plan.id, status="submitted") == []
        assert store.counted_measurements(plan.id) == store.measurements(plan.id)
        assert len(self._attached(store, plan.id, "rencontres-tp")) == 1

    def test_a_submitted_update_counts_only_once_approved(self, store, plan):
        store.save(self._reviewed_plan(plan))
        store.append_measurement(plan.id, sample_measurements()[0], author="partenaire")
        (waiting,) = store.updates(plan.id, status="submitted")
        assert waiting.id and waiting.id.startswith("u-") and waiting.measurement.submitted
        assert waiting.submitted_by == "partenaire" and not waiting.counts and waiting.reviewed_by is None
        assert self._attached(store, plan.id, "rencontres-tp") == []
        assert store.counted_measurements(plan.id) == []
        approved = store.review_update(plan.id, waiting.id, "approve", author="coordination", note="Vérifié",
                                       date=dt.date(2026, 2, 20))
        assert (approved.status, approved.reviewed_by, approved.review_note) == ("approved", "coordination", "Vérifié")
        assert approved.review_date == dt.date(2026, 2, 20) and approved.reviewed_at >= approved.recorded_at
        assert store.update(plan.id, waiting.id) == approved
        assert self._attached(store, plan.id, "rencontres-tp") == [waiting.measurement]
        assert store.updates(plan.id, status="submitted") == []
        assert [u.id for u in store.updates(plan.id, status="approved")] == [waiting.id]
        assert store.version(plan.id) == 1  # a review never rewrites the plan

    def test_a_returned_update_never_counts_and_keeps_its_note(self, store, plan):
        store.save(self._reviewed_plan(plan))
        first, second = store.submit_measurements(plan.id, sample_measurements()[6:8], author="partenaire")
        returned = store.review_update(plan.id, first, "return", note="Le nombre inclut les bénévoles",
                                       author="coordination")
        assert (returned.status, returned.review_note, returned.counts) == ("returned", "Le nombre inclut les "
                                                                            "bénévoles", False)
        assert self._attached(store, plan.id, "participants") == []
        assert [u.id for u in store.updates(plan.id, status="submitted")] == [second]
        assert [u.id for u in store.updates(plan.id, indicator="participants")] == [first]

    def test_submitting_gives_ids_and_keeps_those_given(self, store, plan):
        store.save(plan)  # no review required: submitting still asks for one
        given = attrs.evolve(sample_measurements()[0], id="mise-a-jour-1")
        ids = store.submit_measurements(plan.id, [given, sample_measurements()[1]])
        assert ids[0] == "mise-a-jour-1" and ids[1].startswith("u-") and len(set(ids)) == 2
        assert [u.status for u in store.updates(plan.id)] == ["submitted", "submitted"]
        before = snapshot(store)
        with pytest.raises(StoreError, match="mise-a-jour-1"):
            store.submit_measurements(plan.id, [sample_measurements()[2], given])
        with pytest.raises(StoreError, match="mise-a-jour-2"):
            store.submit_measurements(plan.id, [attrs.evolve(given, id="mise-a-jour-2")] * 2)
        assert snapshot(store) == before

    def test_bad_reviews_are_refused_and_change_nothing(self, store, plan):
        store.save(self._reviewed_plan(plan, distinct=True))
        (update_id,) = store.submit_measurements(plan.id, [sample_measurements()[0]], author="partenaire")
        store.save(plan, expected_version=1)  # the policy is read at review time: drop it, then put it back
        store.append_measurement(plan.id, sample_measurements()[1], author="partenaire")
        counted = store.updates(plan.id)[1]
        store.save(self._reviewed_plan(plan, distinct=True), expected_version=2)
        before = snapshot(store)
        with pytest.raises(NotFoundError, match="u-absent"):
            store.review_update(plan.id, "u-absent", "approve", author="coordination")
        with pytest.raises(StoreError, match="partenaire.*may not review|partenaire.*ne peut pas"):
            store.review_update(plan.id, update_id, "approve", author="partenaire")
        with pytest.raises(StoreError, match="someone other|autre personne"):
            store.review_update(plan.id, update_id, "approve", author=None)
        with pytest.raises(StoreError, match="note"):
            store.review_update(plan.id, update_id, "return", note="  ", author="coordination")
        with pytest.raises(StoreError, match="approve"):
            store.review_update(plan.id, update_id, "accept", author="coordination")
        assert counted.status == "counted"
        with pytest.raises(StoreError):
            store.review_update(plan.id, "x" * 300, "approve", author="coordination")
        assert snapshot(store) == before
        store.review_update(plan.id, update_id, "approve", author="coordination")
        after = snapshot(store)
        with pytest.raises(StoreError, match="already approved.*coordination|déjà été approuvée"):
            store.review_update(plan.id, update_id, "return", note="trop tard", author="direction")
        assert snapshot(store) == after

    def test_review_events_are_written_by_reviews_only(self, store, plan):
        store.save(self._reviewed_plan(plan))
        (update_id,) = store.submit_measurements(plan.id, [sample_measurements()[0]])
        for kind in REVIEW_EVENT_KINDS.values():
            with pytest.raises(StoreError, match=kind):
                store.append_event(plan.id, Event(kind=kind, date=dt.date(2026, 3, 1), subject=update_id))
        assert store.updates(plan.id)[0].status == "submitted"
        assert store.events(plan.id) == []

    def test_history_shows_who_submitted_and_who_reviewed(self, store, plan):
        store.save(self._reviewed_plan(plan), author="coordination")
        (update_id,) = store.submit_measurements(plan.id, [sample_measurements()[1]], author="partenaire")
        store.review_update(plan.id, update_id, "return", note="Dénominateur ?", author="coordination",
                            date=dt.date(2026, 3, 2))
        history = store.history(plan.id)
        assert [(h.action, h.by) for h in history] == [("create", "coordination"), ("measure", "partenaire"),
                                                       ("event", "coordination")]
        assert history[1].changes == (f"taux-participation 2026-02-12: 12/20 (submitted {update_id})",)
        assert history[2].changes == (f"update-returned {update_id} 2026-03-02",)
        assert history[2].comment == "Dénominateur ?"

    def test_backup_and_restore_keep_the_review_states(self, store, make_store_url, tmp_path):
        store.save(self._reviewed_plan(plan := sample_plan()))
        ids = store.submit_measurements(plan.id, sample_measurements()[:3], author="partenaire")
        store.review_update(plan.id, ids[0], "approve", author="coordination")
        store.review_update(plan.id, ids[1], "return", note="À corriger", author="coordination")
        path = tmp_path / "sauvegarde.json"
        store.backup(path)
        with open_store(make_store_url()) as copy:
            copy.restore(path)
            assert copy.updates(plan.id) == store.updates(plan.id)
            assert [u.status for u in copy.updates(plan.id)] == ["approved", "returned", "submitted"]
            assert copy.counted_measurements(plan.id) == store.counted_measurements(plan.id)
            with pytest.raises(StoreError, match="already"):
                copy.review_update(plan.id, ids[0], "approve", author="direction")
            assert copy.review_update(plan.id, ids[2], "approve", author="direction").status == "approved"

    # -- closed periods ------------------------------------------------------------------
    def test_closing_a_period_freezes_its_progress(self, store, plan):
        store.save(plan)
        store.append_measurements(plan.id, sample_measurements(), author="Léa")  # February to June
        snapshot_ = store.close_period(plan.id, "2026-T1", author="coordination")
        assert (snapshot_.period, snapshot_.version, snapshot_.closed_by) == ("2026-T1", 1, "coordination")
        assert (snapshot_.start, snapshot_.end, snapshot_.closed) == (dt.date(2026, 1, 1), dt.date(2026, 3, 31), True)
        frozen = thaw(snapshot_.data)
        live = plan_progress(store.plan_with_measurements(plan.id), dt.date(2026, 3, 31))
        assert [(p.indicator.id, p.status, p.value, p.fraction) for p in frozen.iter_indicators()] == \
            [(p.indicator.id, p.status, p.value, p.fraction) for p in live.iter_indicators()]
        assert frozen.indicator("rencontres-tp").value == 1  # the T2 measurements are not in it
        assert frozen.indicator("projets").value is None
        assert frozen.as_of == dt.date(2026, 3, 31) and frozen.rollup.counts == live.rollup.counts
        assert store.period_snapshots(plan.id) == [snapshot_] == store.closed_periods(plan.id)
        assert store.period_snapshot(plan.id, "2026-T1") == snapshot_
        assert store.version(plan.id) == 1  # closing never rewrites the plan
        with pytest.raises(NotFoundError):
            store.period_snapshot(plan.id, "2026-T2")

    @staticmethod
    def frozen_from_every_measurement(store: Store, plan_id: str, period: str) -> dict:
        """The snapshot data closing ``period`` must hold: frozen from the plan with every measurement that
        counts (what the store's aggregates stand for) and the manual statuses standing at its end."""
        import orjson

        from ..progress import manual_statuses
        from ..snapshots import freeze
        from ..storage.backends import json_bytes, period_label

        full = store.plan_with_measurements(plan_id)
        label, bounds = period_label(plan_id, full, period)
        manual = manual_statuses(full, store.events(plan_id), as_of=bounds.end)
        return orjson.loads(json_bytes(freeze(full, label, manual=manual)))

    def test_closing_a_period_from_aggregates_freezes_what_every_measurement_gives(self, store, plan):
        store.save(plan)
        many = self._many_measurements(400, seed=17)
        store.append_measurements(plan.id, many[:250], author="Léa")
        submitted = store.submit_measurements(plan.id, many[250:], author="partenaire")
        for update_id in submitted[:60]:
            store.review_update(plan.id, update_id, "approve", author="coordination")
        for update_id in submitted[60:80]:
            store.review_update(plan.id, update_id, "return", note="À corriger", author="coordination")
        store.append_events(plan.id, [
            Event("manual-status", dt.date(2026, 1, 20), subject="aga", data={"status": "postponed", "reason": "Report"}),
            Event("manual-status", dt.date(2026, 3, 25), subject="tenir-tp",
                  data={"status": "at_risk", "reason": "Quorum"})], author="coordination")
        for period in ("2026-01", "2026-T1", "2026"):
            expected = self.frozen_from_every_measurement(store, plan.id, period)
            assert store.close_period(plan.id, period, author="coordination").data == expected, period

    def test_a_measurement_in_a_closed_period_is_refused_until_it_is_reopened(self, store, plan):
        store.save(plan)
        store.close_period(plan.id, "2026-T1", author="coordination")
        late = Measurement(date=dt.date(2026, 3, 15), value=Decimal(1), indicator="rencontres-tp")
        reported_for = Measurement(date=dt.date(2026, 4, 2), value=Decimal(1), indicator="rencontres-tp",
                                   period="2026-T1")
        before = snapshot(store)
        for refused in (late, reported_for):
            with pytest.raises(StoreError, match="2026-T1.*(closed|clôturée)"):
                store.append_measurements(plan.id, [sample_measurements()[5], refused])  # all or none
        assert snapshot(store) == before
        store.append_measurement(plan.id, Measurement(date=dt.date(2026, 4, 1), value=Decimal(1),
                                                      indicator="rencontres-tp"))  # T2 is open
        with pytest.raises(StoreError, match="reason|raison"):
            store.reopen_period(plan.id, "2026-T1", reason="  ", author="coordination")
        reopened = store.reopen_period(plan.id, "2026-T1", reason="Une TP de mars oubliée", author="direction")
        assert (reopened.reopened_by, reopened.reopen_reason, reopened.closed) == ("direction",
                                                                                   "Une TP de mars oubliée", False)
        assert store.closed_periods(plan.id) == []
        store.append_measurement(plan.id, late)
        with pytest.raises(StoreError, match="not closed|pas clôturée"):
            store.reopen_period(plan.id, "2026-T1", reason="encore", author="direction")

    def test_closing_again_needs_a_reopening_and_gives_a_new_version(self, store, plan):
        store.save(plan)
        store.append_measurement(plan.id, sample_measurements()[0])
        first = store.close_period(plan.id, "2026-T1", author="coordination")
        before = snapshot(store)
        with pytest.raises(StoreError, match="already closed|déjà clôturée"):
            store.close_period(plan.id, "2026-T1", author="coordination")
        with pytest.raises(StoreError, match="already closed|déjà clôturée"):
            store.close_period(plan.id, "2026-Q1", author="coordination")  # the same days, another label
        assert snapshot(store) == before
        store.reopen_period(plan.id, "2026-T1", reason="Correction", author="coordination")
        store.append_measurement(plan.id, Measurement(date=dt.date(2026, 3, 20), value=Decimal(2),
                                                      indicator="rencontres-tp"))
        second = store.close_period(plan.id, "2026-T1", author="coordination")
        assert second.version == 2 and thaw(second.data).indicator("rencontres-tp").value == 3
        versions = store.period_snapshots(plan.id, "2026-T1")
        assert [s.version for s in versions] == [1, 2] and versions[0].data == first.data  # version 1 unchanged
        assert thaw(versions[0].data).indicator("rencontres-tp").value == 1
        assert store.period_snapshot(plan.id, "2026-T1", version=1).data == first.data
        assert store.period_snapshot(plan.id, "2026-T1") == second

    def test_bad_period_labels_and_plans_are_refused(self, store, plan, note_type):
        store.save(plan)
        store.save(note_type(id="note-1", title="Note"))
        before = snapshot(store)
        for label in ("2026-T5", "printemps", "2026-2028", "../2026", ""):
            with pytest.raises(StoreError, match="2026-T2"):  # the message lists the forms
                store.close_period(plan.id, label)
        with pytest.raises(NotFoundError):
            store.close_period("plan-absent", "2026")
        with pytest.raises(StoreError):
            store.close_period("note-1", "2026")
        for text in HOSTILE_IDS[:3]:
            with pytest.raises(StoreError):
                store.close_period(text, "2026")
        assert snapshot(store) == before

    def test_an_approval_in_a_closed_period_is_refused(self, store, plan):
        store.save(self._reviewed_plan(plan))
        (update_id,) = store.submit_measurements(plan.id, [sample_measurements()[0]], author="partenaire")
        store.close_period(plan.id, "2026-T1", author="coordination")
        with pytest.raises(StoreError, match="2026-T1"):
            store.review_update(plan.id, update_id, "approve", author="coordination")
        assert store.update(plan.id, update_id).status == "submitted"
        returned = store.review_update(plan.id, update_id, "return", note="T1 clôturé", author="coordination")
        assert returned.status == "returned"

    def test_period_events_are_written_by_the_store_only_and_shown_in_history(self, store, plan):
        store.save(plan, author="coordination")
        for kind in ("period-closed", "period-reopened"):
            with pytest.raises(StoreError, match=kind):
                store.append_event(plan.id, Event(kind=kind, date=dt.date(2026, 4, 1), data={"period": "2026-T1"}))
        store.close_period(plan.id, "2026-T1", author="coordination")
        store.reopen_period(plan.id, "2026-T1", reason="Une TP oubliée", author="direction",
                            date=dt.date(2026, 4, 8))
        history = store.history(plan.id)
        assert [(h.action, h.by) for h in history][-2:] == [("event", "coordination"), ("event", "direction")]
        assert history[-2].changes[0].startswith("period-closed 2026-T1 v1 ")
        assert history[-1].changes == ("period-reopened 2026-T1 v1 2026-04-08",)
        assert history[-1].comment == "Une TP oubliée"

    def test_backup_and_restore_keep_the_closed_periods(self, store, make_store_url, tmp_path, plan):
        store.save(plan)
        store.append_measurements(plan.id, sample_measurements())
        store.close_period(plan.id, "2026-T1", author="coordination")
        store.reopen_period(plan.id, "2026-T1", reason="Correction", author="direction")
        store.close_period(plan.id, "2026-T1", author="coordination")
        store.close_period(plan.id, "2026-S1", author="coordination")
        path = tmp_path / "sauvegarde.json"
        store.backup(path)
        with open_store(make_store_url()) as copy:
            copy.restore(path)
            assert copy.period_snapshots(plan.id) == store.period_snapshots(plan.id)
            assert [(s.period, s.version) for s in copy.closed_periods(plan.id)] == [("2026-T1", 2), ("2026-S1", 1)]
            with pytest.raises(StoreError, match="2026-S1"):
                copy.append_measurement(plan.id, Measurement(date=dt.date(2026, 5, 1), value=Decimal(1),
                                                             indicator="rencontres-tp"))

    def test_deleting_a_plan_takes_its_snapshots(self, store, plan):
        store.save(plan)
        store.close_period(plan.id, "2026", author="coordination")
        store.delete(plan.id, expected_version=1)
        store.save(plan)
        assert store.period_snapshots(plan.id) == []
        store.append_measurement(plan.id, sample_measurements()[0])  # nothing closed any more

    # -- history -------------------------------------------------------------------------
    def test_history_tells_who_changed_what_and_when(self, store, plan):
        store.save(plan, author="Marie", comment="adoption en AGA")
        store.save(attrs.evolve(plan, title="Titre révisé"), expected_version=1, author="Jean")
        store.append_measurement(plan.id, sample_measurements()[1], author="Léa")
        store.append_event(plan.id, Event(kind="tp-tenue", date=dt.date(2026, 2, 12)), author="Léa")
        history = store.history(plan.id)
        assert [(h.action, h.version, h.by) for h in history] == [
            ("create", 1, "Marie"), ("update", 2, "Jean"), ("measure", None, "Léa"), ("event", None, "Léa")]
        assert history[0].comment == "adoption en AGA"
        assert history[1].changes == ("title",)
        assert history[2].changes == ("taux-participation 2026-02-12: 12/20",)
        assert [h.at for h in history] == sorted(h.at for h in history)
        assert store.document_history(plan.id) == history[:2]

    def test_history_lists_the_changed_paths(self, store, plan):
        store.save(plan)
        data = sample_plan_data()
        data["themes"][0]["objectives"][0]["actions"][0]["indicators"][0]["target"] = 6
        data["mission"] = "Nouvelle mission"
        from ..documents import from_data

        store.save(from_data(data), expected_version=1)
        changes = store.history(plan.id)[-1].changes
        assert set(changes) == {"mission", "indicators[rencontres-tp].target"}
        data["themes"][0]["objectives"][0]["actions"][0]["indicators"].insert(0, {
            "id": "nouvel-indicateur", "label": "Nouvel indicateur", "kind": "tracked"})
        store.save(from_data(data), expected_version=2)
        assert store.history(plan.id)[-1].changes == ("indicators[nouvel-indicateur] added",)

    # -- money and text ------------------------------------------------------------------
    def test_money_and_values_keep_every_digit(self, store, note_type):
        # 123456789012345678901: a whole number beyond 64 bits, below MAX_NUMBER (the largest a measurement may be)
        amounts = [Decimal("195007.01"), Decimal("0.10"), Decimal("12345678901234567890.12"),
                   Decimal(123456789012345678901), Decimal("-0.01")]
        for index, amount in enumerate(amounts):
            store.save(note_type(id=f"note-{index}", title="Montant", amount=amount))
        assert [store.get(f"note-{i}").document.amount for i in range(len(amounts))] == amounts
        assert all(type(store.get(f"note-{i}").document.amount) is Decimal for i in range(len(amounts)))
        plan = sample_plan()
        store.save(plan)
        store.append_measurements(plan.id, [Measurement(date=dt.date(2026, 1, 1), value=a, indicator="sommes-engagees")
                                            for a in amounts[:4]])
        values = [m.value for m in store.measurements(plan.id)]
        assert values == amounts[:4] and all(type(v) is Decimal for v in values)
        target = store.get(plan.id).document.find_indicator("sommes-engagees").target
        assert target == Decimal("195007.01") and type(target) is Decimal

    def test_french_text_is_kept_verbatim(self, store):
        title = "Sécurité alimentaire — « Système alimentaire territorial » : 1 000 $ d’ici l’été"
        plan = sample_plan(title=title)
        store.save(plan, author="Émilie Bélanger-Côté", comment="Révision de la TP du 12 février")
        info = store.info(plan.id)
        assert (info.title, info.updated_by) == (title, "Émilie Bélanger-Côté")
        assert store.history(plan.id)[0].comment == "Révision de la TP du 12 février"

    # -- hostile input -------------------------------------------------------------------
    def test_hostile_ids_are_refused_and_go_nowhere(self, store, plan):
        store.save(plan)
        before = snapshot(store)
        attempts = (lambda h: store.get(h), lambda h: store.info(h), lambda h: store.delete(h, expected_version=1),
                    lambda h: store.history(h), lambda h: store.measurements(h),
                    lambda h: store.append_measurements(h, sample_measurements()),
                    lambda h: store.append_event(h, Event(kind="x", date=dt.date(2026, 1, 1))),
                    lambda h: store.save(_with_raw_id(plan, h)))
        for hostile in HOSTILE_IDS:
            for attempt in attempts:
                with pytest.raises(StoreError):
                    attempt(hostile)
        assert snapshot(store) == before
        assert store.get(plan.id).document == plan

    def test_hostile_text_is_stored_verbatim_never_run(self, store, plan):
        for index, text in enumerate(HOSTILE_TEXTS):
            document = sample_plan(f"plan-{index}", title=text)
            store.save(document, author=text, comment=text)
            store.append_measurement(document.id, Measurement(date=dt.date(2026, 1, 1), value=Decimal(1),
                                                              indicator="participants", note=text), author=text)
            store.append_event(document.id, Event(kind="note", date=dt.date(2026, 1, 1), note=text,
                                                  data={"texte": text}))
        for index, text in enumerate(HOSTILE_TEXTS):
            doc_id = f"plan-{index}"
            assert store.get(doc_id).document.title == text
            assert store.info(doc_id).updated_by == text
            assert store.history(doc_id)[0].comment == text
            assert store.measurements(doc_id)[0].note == text
            assert store.measurements(doc_id)[0].recorded_by == text
            assert store.events(doc_id)[0].data == {"texte": text}
        assert len(store.list()) == len(HOSTILE_TEXTS)
        assert store.list(organisation="'; DROP TABLE actionplan_documents; --") == []

    def test_nul_characters_are_refused_everywhere(self, store, plan):
        store.save(plan)
        with pytest.raises(StoreError, match="NUL"):
            store.save(sample_plan("plan-nul", title="avant\x00après"))
        with pytest.raises(StoreError, match="NUL"):
            store.save(sample_plan("plan-nul"), author="a\x00b")
        with pytest.raises(StoreError, match="NUL"):
            store.save(plan, expected_version=1, comment="a\x00b")
        with pytest.raises(StoreError, match="NUL"):
            store.append_measurement(plan.id, attrs.evolve(sample_measurements()[0], note="a\x00b"))
        with pytest.raises(StoreError, match="NUL"):
            store.append_event(plan.id, Event(kind="x", date=dt.date(2026, 1, 1), note="\x00"))
        assert [i.id for i in store.list()] == [plan.id]
        assert store.version(plan.id) == 1
        assert store.measurements(plan.id) == [] and store.events(plan.id) == []

    # -- backup and restore --------------------------------------------------------------
    def _fill(self, store, note_type) -> None:
        plan = sample_plan()
        store.save(plan, author="Marie", comment="adoption")
        store.save(attrs.evolve(plan, title="Titre révisé"), expected_version=1, author="Jean")
        store.append_measurements(plan.id, sample_measurements(), author="Léa")
        store.append_event(plan.id, Event(kind="tp-tenue", date=dt.date(2026, 2, 12), data={"lieu": "Beauharnois"}))
        store.save(note_type(id="note-1", title="Note", amount=Decimal(10**30)), author="Jean")
        gone = sample_plan("plan-abandonne")
        store.save(gone)
        store.append_measurement(gone.id, sample_measurements()[0])
        store.delete(gone.id, expected_version=1, author="admin")

    @pytest.mark.parametrize("extension", [".json", ".yaml"])
    def test_backup_and_restore_are_lossless(self, store, make_store_url, note_type, tmp_path, extension):
        self._fill(store, note_type)
        path = tmp_path / f"sauvegarde{extension}"
        assert len(store.backup(path).documents) == 3
        with open_store(make_store_url()) as copy:
            restored = copy.restore(path)
            assert len(restored.documents) == 3 and len(restored.measurements) == 9
            assert snapshot(copy) == snapshot(store)
            # the copy works as a store: versions go on
            assert copy.save(sample_plan(title="Après restauration"), expected_version=2) == 3

    def test_restore_needs_an_empty_store(self, store, make_store_url, note_type, tmp_path):
        self._fill(store, note_type)
        path = tmp_path / "sauvegarde.json"
        store.backup(path)
        with open_store(make_store_url()) as other:
            other.save(sample_plan("autre-plan"))
            with pytest.raises(StoreError, match="not empty"):
                other.restore(path)
            assert [i.id for i in other.list(include_deleted=True)] == ["autre-plan"]

    def test_a_bad_backup_is_refused_whole(self, store, make_store_url, note_type, tmp_path):
        import orjson

        self._fill(store, note_type)
        path = tmp_path / "sauvegarde.json"
        store.backup(path)
        broken = tmp_path / "abimee.json"
        data = orjson.loads(path.read_bytes())
        data["measurements"][2]["measurement"]["level"] = "parfait"
        data["measurements"].append({**data["measurements"][0], "plan": "plan-inconnu"})
        broken.write_bytes(orjson.dumps(data))
        with open_store(make_store_url()) as other:
            with pytest.raises(ValidationError) as caught:
                other.restore(broken)
            assert "measurements[2].level" in str(caught.value) and "plan-inconnu" in str(caught.value)
            assert other.is_empty()
            data = orjson.loads(path.read_bytes())
            plan_data = next(d for d in data["documents"] if d["id"] == SAMPLE_PLAN_ID)["data"]
            plan_data["themes"][0]["objectives"][0]["actions"][0]["partners"][0]["organisation"] = "inconnue"
            broken.write_bytes(orjson.dumps(data))
            with pytest.raises(ValidationError, match=r"partners\[0\]\.organisation"):
                other.restore(broken)
            assert other.is_empty()
            newer = {**orjson.loads(path.read_bytes()), "format_version": 99}
            broken.write_bytes(orjson.dumps(newer))
            with pytest.raises(ValidationError, match="newer"):
                other.restore(broken)
            assert other.is_empty()

    # -- several writers -----------------------------------------------------------------
    def _workers(self, tmp_path, commands: list[list[str]]) -> list[str]:
        """Run writer processes, start them together, and return their result lines."""
        go = tmp_path / f"go-{random.random()}"
        procs = [subprocess.Popen([sys.executable, "-m", "actionplan.testing.workers", *command, str(go)],
                                  stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
                 for command in commands]
        try:
            for proc in procs:
                assert proc.stdout is not None and proc.stderr is not None  # both are pipes (above)
                line = proc.stdout.readline().strip()
                assert line == "ready", f"worker did not start: {line!r} {proc.stderr.read()}"
            go.touch()
            results = []
            for proc in procs:
                out, err = proc.communicate(timeout=300)
                assert proc.returncode == 0, err
                results.append(out.strip())
            return results
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.kill()
                    proc.wait()

    def test_two_writers_from_the_same_version_one_wins(self, store, store_url, plan, tmp_path):
        store.save(plan)
        results = self._workers(tmp_path, [["save", store_url, plan.id, "1", "Titre A"],
                                           ["save", store_url, plan.id, "1", "Titre B"]])
        assert sorted(results) == ["conflict 1 2", "saved 2"], results
        winner = "Titre A" if results[0] == "saved 2" else "Titre B"
        assert store.get(plan.id).document.title == winner
        assert [h.action for h in store.history(plan.id)] == ["create", "update"]

    def test_concurrent_appends_are_all_kept(self, store, store_url, plan, tmp_path):
        store.save(plan)
        results = self._workers(tmp_path, [["append", store_url, plan.id, "participants", str(self.appends_each),
                                            f"w{n}"] for n in range(self.appenders)])
        assert results == [f"appended {self.appends_each}"] * self.appenders
        recorded = store.measurements(plan.id)
        assert len(recorded) == self.appenders * self.appends_each
        assert {m.note for m in recorded} == {f"w{n}-{i}" for n in range(self.appenders)
                                              for i in range(self.appends_each)}
        for n in range(self.appenders):  # each writer's records keep its order
            mine = [int(m.note.split("-")[1]) for m in recorded if m.note.startswith(f"w{n}-")]
            assert mine == sorted(mine)
        assert store.version(plan.id) == 1

    # -- crashes -------------------------------------------------------------------------
    def test_a_writer_killed_mid_save_leaves_the_old_or_the_new_version(self, store_url):
        if not hasattr(os, "fork"):
            pytest.skip("needs os.fork to kill writers quickly")
        with open_store(store_url) as store:
            store.save(crash_plan(1))
        rng = random.Random(20260331)
        last_version, last_count = 1, 0
        for round_number in range(self.crash_rounds):
            pid = os.fork()
            if pid == 0:  # pragma: no cover - the writer, killed below
                _crash_writer(store_url)
            if round_number % 10 == 9:  # on a busy machine too, some rounds let saves complete
                _wait_for_a_new_version(store_url, last_version)
            time.sleep(rng.uniform(0.002, 0.04))
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
            with open_store(store_url) as store:
                stored = store.get(crash_plan(1).id)
                assert crash_marker(stored.document) == stored.version
                assert stored.version >= last_version
                assert store.document_history(stored.id)[-1].version == stored.version
                count = len(store.measurements(stored.id))
                assert count >= last_count
                last_version, last_count = stored.version, count
        with open_store(store_url) as store:  # still writable, records still readable
            store.save(crash_plan(last_version + 1), expected_version=last_version)
            store.append_measurement(crash_plan(1).id, sample_measurements()[0])
            assert len(store.measurements(crash_plan(1).id)) == last_count + 1
        assert last_version > 1, "the writer never saved: the test proved nothing"


def _wait_for_a_new_version(url: str, version: int, timeout: float = 30.0) -> None:
    """Wait until the writer has saved past ``version`` (reading while it writes)."""
    deadline = time.monotonic() + timeout
    with open_store(url) as store:
        while store.version(crash_plan(1).id) <= version and time.monotonic() < deadline:
            time.sleep(0.005)


def _crash_writer(url: str) -> None:  # pragma: no cover - runs in a forked child until killed
    try:
        store = open_store(url)
        plan_id = crash_plan(1).id
        version = store.info(plan_id).version  # the parent saved the plan before forking
        while True:
            store.save(crash_plan(version + 1), expected_version=version)
            version += 1
            store.append_measurement(plan_id, Measurement(date=dt.date(2026, 1, 1), value=Decimal(1),
                                                          indicator="participants"))
    finally:
        os._exit(0)


def _with_raw_id(plan, hostile: str):
    """A plan object carrying an id its own validators would refuse (the store must refuse it too)."""
    clone = attrs.evolve(plan)
    object.__setattr__(clone, "id", hostile)
    return clone


__all__ = ["HOSTILE_IDS", "HOSTILE_TEXTS", "ConformanceNote", "StoreConformance", "crash_marker", "crash_plan",
           "snapshot"]

