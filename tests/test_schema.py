"""The JSON Schema of documents: generated from the model, shipped in step, accepted by editors' validators."""

from __future__ import annotations

import datetime as dt
import json
from decimal import Decimal
from pathlib import Path

import attrs
import pytest

from actionplan.documents import read_data
from actionplan.schema import SCHEMA_PATH, dump, generate_schema

jsonschema = pytest.importorskip("jsonschema", reason="jsonschema comes with requirements-dev.txt")

from test_import_text import run_cli

ROOT = Path(__file__).resolve().parent.parent
EXAMPLES = sorted((ROOT / "examples").glob("*.yaml"))


def as_editors_see_it(data):
    """YAML as an editor's JSON Schema validator sees it: dates are text (YAML 1.2 has no date type)."""
    if isinstance(data, dict):
        return {key: as_editors_see_it(value) for key, value in data.items()}
    if isinstance(data, list):
        return [as_editors_see_it(value) for value in data]
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


@pytest.fixture(scope="module")
def validator():
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator(schema, format_checker=jsonschema.Draft202012Validator.FORMAT_CHECKER)


def test_the_shipped_schema_is_the_generated_one():
    """Regenerate with `python -m actionplan.schema` after changing the model."""
    assert SCHEMA_PATH.read_bytes() == dump(generate_schema())


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_every_example_validates(validator, path):
    errors = [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(as_editors_see_it(read_data(path)))]
    assert errors == []


def _plan():
    return as_editors_see_it(read_data(ROOT / "examples" / "concertation-horizon-2026.yaml"))


def _indicator(plan):
    return plan["themes"][0]["objectives"][0]["actions"][0]["indicators"][0]


@pytest.mark.parametrize("break_it, where", [
    (lambda p: p.update(titel="x"), []),  # unknown key at the top
    (lambda p: p.pop("period"), []),  # a required field
    (lambda p: _indicator(p).update(kind="ratio"), ["themes", 0, "objectives", 0, "actions", 0, "indicators", 0, "kind"]),
    (lambda p: _indicator(p).update(id="../etc"), ["themes", 0, "objectives", 0, "actions", 0, "indicators", 0, "id"]),
    (lambda p: _indicator(p).update(target="quatre"), ["themes", 0, "objectives", 0, "actions", 0, "indicators", 0,
                                                       "target"]),
    (lambda p: p["period"].update(start="le 1er janvier"), ["period", "start"]),
    (lambda p: p["organisations"][0].update(name=""), ["organisations", 0, "name"]),
    (lambda p: p.update(type="programme"), ["type"]),
])
def test_a_broken_plan_does_not_validate(validator, break_it, where):
    plan = _plan()
    break_it(plan)
    errors = list(validator.iter_errors(plan))
    assert errors
    assert any(list(e.absolute_path) == where or list(e.absolute_path)[: len(where)] == where for e in errors)


def test_what_the_loader_accepts_the_schema_accepts(validator):
    plan = _plan()
    _indicator(plan).update(target="4")  # a numeric string
    plan["themes"][0]["objectives"][0]["actions"][0]["schedule"] = 2026  # an unquoted year
    assert list(validator.iter_errors(plan)) == []


def test_a_tracking_log_is_checked_as_one(validator):
    log = as_editors_see_it(read_data(ROOT / "examples" / "concertation-horizon-2026-suivi.yaml"))
    log["measurements"][0]["valeur"] = 3
    assert [list(e.absolute_path) for e in validator.iter_errors(log)] == [["measurements", 0]]


def test_descriptions_enums_and_required_fields_come_from_the_model():
    schema = generate_schema()
    indicator = schema["$defs"]["Indicator"]
    assert indicator["required"] == ["id", "label"]
    assert indicator["additionalProperties"] is False
    assert indicator["properties"]["kind"]["enum"][:2] == ["count", "tracked"]
    assert "count: a count with a target" in indicator["properties"]["kind"]["description"]
    assert indicator["properties"]["unit"]["description"].startswith('"rencontres"')
    assert schema["$defs"]["Participation"]["properties"]["role"]["enum"][0] == "lead"
    assert "mrc" in schema["$defs"]["Territory"]["properties"]["level"]["enum"]
    assert schema["$defs"]["Measurement"]["properties"]["date"] == {"type": "string", "format": "date"}
    assert "priorite" in schema["$defs"]["Theme"]["properties"]["kind"]["examples"]


def test_the_schema_follows_new_fields_and_document_types():
    @attrs.frozen
    class Budget:
        """A budget by fiscal year."""

        year: str  # « 2020-2021 »
        amount: Decimal
        signed: dt.date | None = None
        lines: tuple[str, ...] = ()

    schema = generate_schema({"budget": Budget})
    budget = schema["$defs"]["Budget"]
    assert budget["required"] == ["year", "amount"]
    assert budget["properties"]["year"]["description"] == "« 2020-2021 »"
    assert budget["properties"]["signed"]["anyOf"] == [{"type": "string", "format": "date"}, {"type": "null"}]
    assert budget["properties"]["lines"]["type"] == "array"
    validator = jsonschema.Draft202012Validator(schema)
    assert list(validator.iter_errors({"type": "budget", "year": "2020-2021", "amount": "195 007 $"})) == []
    assert list(validator.iter_errors({"type": "budget", "year": "2020-2021", "amount": "beaucoup"}))


def test_the_schema_command_prints_or_writes(tmp_path):
    printed = run_cli("schema")
    assert printed.exit_code == 0
    assert json.loads(printed.output)["$defs"]["ActionPlan"]["type"] == "object"
    target = tmp_path / "actionplan.schema.json"
    written = run_cli("schema", "-o", str(target))
    assert written.exit_code == 0
    assert json.loads(target.read_text(encoding="utf-8"))["$schema"].endswith("2020-12/schema")
