"""Document types come from plugins: a third-party type loads, dumps and stores like a plan."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import attrs
import pytest

import actionplan
from actionplan.model.committee import CommitteeDocument
from actionplan import plugins
from actionplan.documents import DocumentType, check_document, document_types, to_data
from actionplan.errors import Issue, PluginError, ValidationError
from actionplan.model import ActionPlan, TrackingLog
from actionplan.model.base import check_id
from actionplan.model.grants import ApplicationsDocument


@attrs.frozen
class Minutes:
    """The minutes of a meeting of a round table."""

    meeting: str = attrs.field(validator=check_id)
    held: dt.date
    decisions: tuple[str, ...] = ()
    spent: Decimal = Decimal(0)
    schema_version: int = 1


def minutes_id(minutes: Minutes) -> str:
    return f"{minutes.meeting}.minutes"


def check_minutes(minutes: Minutes, gazetteer=None):
    if not minutes.decisions:
        yield Issue("decisions", "minutes record at least one decision")


MINUTES = DocumentType("minutes", Minutes, store_id=minutes_id, checks=check_minutes)


class MinutesPlugin:
    @actionplan.hookimpl
    def actionplan_register_document_types(self, register):
        register(MINUTES)


SAMPLE = Minutes("tp-2026-02", dt.date(2026, 2, 12), ("Adopter le plan d'action 2026",), Decimal("390013.07"))


def test_the_core_types_are_registered_through_the_hook():
    pm = plugins.make_plugin_manager(load_entrypoints=False)
    types = document_types(pm)
    assert {t.name: t.cls for t in types} == {"plan": ActionPlan, "tracking": TrackingLog,
                                             "applications": ApplicationsDocument, "committee": CommitteeDocument}
    assert types.owner("committee") == "actionplan.grants.committee"
    assert types["committee"].store_id(CommitteeDocument(program="p-1")) == "p-1.committee"
    assert types.owner("plan") == "actionplan.builtin_types"
    assert types.owner("applications") == "actionplan.grants.checks"
    assert types["applications"].store_id(ApplicationsDocument(program="p-1")) == "p-1.applications"
    assert types["tracking"].store_id(TrackingLog(plan="p-1")) is None


def test_a_third_party_type_loads_dumps_and_stores(register_plugin, tmp_path):
    register_plugin(MinutesPlugin(), name="minutes-plugin")
    assert to_data(SAMPLE)["type"] == "minutes"
    for name in ("minutes.yaml", "minutes.json"):
        path = actionplan.dump(SAMPLE, tmp_path / name)
        assert actionplan.load(path) == SAMPLE
    assert actionplan.loads(actionplan.dumps(SAMPLE, "json"), format="json") == SAMPLE
    store = actionplan.open_store(f"sqlite:{tmp_path / 'store.db'}")
    try:
        assert store.save(SAMPLE) == 1
        stored = store.get("tp-2026-02.minutes")
        assert stored.document == SAMPLE
        assert [info.id for info in store.list(type="minutes")] == ["tp-2026-02.minutes"]
    finally:
        store.close()


def test_a_third_party_type_is_checked_on_loading(register_plugin):
    register_plugin(MinutesPlugin(), name="minutes-plugin")
    empty = attrs.evolve(SAMPLE, decisions=())
    assert [i.path for i in check_document(empty)] == ["decisions"]
    with pytest.raises(ValidationError, match="at least one decision"):
        actionplan.loads(actionplan.dumps(empty))


def test_an_unregistered_type_is_unknown():
    with pytest.raises(ValidationError) as caught:
        actionplan.loads("type: minutes\nmeeting: tp\nheld: 2026-02-12\n")
    (issue,) = caught.value.issues
    assert issue.path == "type" and issue.found == "'minutes'"
    assert "plan" in issue.expected and "applications" in issue.expected


def test_a_name_registered_twice_names_both_plugins(register_plugin):
    class Again:
        @actionplan.hookimpl
        def actionplan_register_document_types(self, register):
            register(DocumentType("minutes", Minutes, store_id=lambda m: m.meeting))

    register_plugin(MinutesPlugin(), name="minutes-plugin")
    register_plugin(Again(), name="other-minutes")
    with pytest.raises(PluginError, match="document type 'minutes' is registered twice") as caught:
        document_types()
    assert "by minutes-plugin" in str(caught.value) and "by other-minutes" in str(caught.value)


def test_a_class_registered_under_two_names_names_both_plugins(register_plugin):
    class PlanAgain:
        @actionplan.hookimpl
        def actionplan_register_document_types(self, register):
            register(DocumentType("plan-again", ActionPlan))

    register_plugin(PlanAgain(), name="plan-again-plugin")
    with pytest.raises(PluginError, match="document type class .*ActionPlan.* is registered twice") as caught:
        document_types()
    assert "as 'plan' by actionplan.builtin_types" in str(caught.value)
    assert "as 'plan-again' by plan-again-plugin" in str(caught.value)


@pytest.mark.parametrize("changes, message", [
    ({"cls": dict}, "DocumentType.cls must be an attrs class"),
    ({"store_id": "id"}, "DocumentType.store_id must be callable"),
    ({"checks": None}, "DocumentType.checks must be callable"),
])
def test_a_bad_record_is_refused_at_construction(changes, message):
    with pytest.raises(TypeError, match=message):
        DocumentType(**{"name": "minutes", "cls": Minutes, **changes})
