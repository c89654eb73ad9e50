"""docs/grants.md stays true: its worked example runs, and every model field is documented."""

from __future__ import annotations

import io
import types
from pathlib import Path

import attrs
import pytest
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from docblocks import worked_example

import actionplan
from actionplan.errors import ValidationError
from actionplan.model import committee
from actionplan.model import grants as model

DOC = Path(__file__).resolve().parent.parent / "docs" / "grants.md"
TEXT = DOC.read_text(encoding="utf-8")


def block(name: str) -> str:
    """The fenced block right after ``<!-- worked-example: name -->``."""
    return worked_example(TEXT, name, "docs/grants.md")


@pytest.fixture
def doc_plugin(register_plugin, tmp_path):
    """The guide's criteria module in ``tmp_path/my_program``, with its two catalogues compiled."""
    package = tmp_path / "my_program"
    for lang in ("fr", "en"):
        folder = package / "locale" / lang / "LC_MESSAGES"
        folder.mkdir(parents=True)
        with io.StringIO(block(f"catalogue-{lang}")) as text:
            catalog = read_po(text, locale=lang)
        with (folder / "my_program.mo").open("wb") as mo:
            write_mo(mo, catalog)
    module = types.ModuleType("my_program_criteria")
    module.__file__ = str(package / "criteria.py")
    exec(compile(block("plugin"), "docs/grants.md (plugin)", "exec"), module.__dict__)
    register_plugin(module, name="my_program")
    return module


def test_the_worked_example_runs(doc_plugin):
    plan = actionplan.loads(block("program"))
    namespace = {"plan": plan}
    exec(compile(block("use"), "docs/grants.md (use)", "exec"), namespace)
    assert namespace["ranking"].ranked[0].application.id == "a"


def test_the_documented_weight_error_is_the_real_one(doc_plugin):
    text = block("program").replace("weight: 20}", "weight: 25}")
    with pytest.raises(ValidationError) as info:
        actionplan.loads(text)
    assert [str(i) for i in info.value.issues] == [
        "program.criteria[2].params.items: the weights of a grid must sum to 100; expected 100, found 105"]


def test_without_the_plugin_the_program_loads_but_cannot_judge():
    from actionplan.checks import check_plan
    from actionplan.errors import GrantError
    from actionplan.grants.evaluation import Evaluator

    plan = actionplan.loads(block("program"))
    assert [i.path for i in check_plan(plan) if i.severity == "warning"] == ["program.criteria[1].criterion"]
    with pytest.raises(GrantError, match="max_duration"):
        Evaluator(plan.program, plan)


CLASSES = [model.GrantProgram, model.CriterionConfig, model.ApprovalChain, model.ApprovalStep, model.CallForProjects,
           model.Deadline, model.Postponement, model.ReportRequirement, model.ApplicationsDocument, model.Application,
           model.Decision, model.Agreement, model.Payment, model.ReportReceipt, model.Contribution,
           committee.ScoringGrid, committee.GridCriterion, committee.Scale, committee.CommitteeDocument,
           committee.CommitteeMember, committee.Conflict, committee.MemberScores]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_field_is_documented(cls):
    missing = [f.name for f in attrs.fields(cls) if f"`{f.name}`" not in TEXT]
    assert not missing, f"docs/grants.md does not mention {cls.__name__} fields {missing}"


def test_every_builtin_criterion_and_outcome_is_documented():
    from actionplan.grants.criteria import criteria_registry

    for name in criteria_registry().names():
        assert f"`{name}`" in TEXT, name
    for outcome in (*model.OUTCOMES, *model.STEP_KINDS, *model.APPLICATION_ROLES, *model.CRITERION_ROLES):
        assert f"`{outcome}`" in TEXT, outcome
