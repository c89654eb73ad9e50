"""The documentation stays in step with the code."""

from __future__ import annotations

from pathlib import Path

import attrs
import pytest

from actionplan import model
from actionplan.model.indicators import INDICATOR_KINDS
from actionplan.model.organisations import ROLES
from actionplan.model.territory import LEVELS

DOCS = Path(__file__).resolve().parent.parent / "docs"
CLASSES = [model.ActionPlan, model.Organisation, model.Participation, model.Territory, model.Theme,
           model.Objective, model.Action, model.Indicator, model.Target, model.Measurement, model.Task,
           model.TrackingLog, model.Section]


@pytest.mark.parametrize("cls", CLASSES, ids=lambda c: c.__name__)
def test_every_field_is_documented(cls):
    text = (DOCS / "format.md").read_text(encoding="utf-8")
    missing = [f.name for f in attrs.fields(cls) if f"`{f.name}`" not in text]
    assert not missing, f"docs/format.md does not mention {cls.__name__} fields {missing}"


def test_every_indicator_kind_role_and_level_is_documented():
    text = (DOCS / "format.md").read_text(encoding="utf-8")
    for name in (*INDICATOR_KINDS, *ROLES, *LEVELS):
        assert f"`{name}`" in text, name


def test_every_schedule_kind_is_documented():
    from actionplan.schedules import PART_TYPES

    text = (DOCS / "schedules.md").read_text(encoding="utf-8")
    for part in PART_TYPES:
        assert part.kind in text, part.kind
