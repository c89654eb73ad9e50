"""Moved modules keep their old import path for one release, with a warning naming the new one."""

from __future__ import annotations

import importlib

import pytest

import actionplan.model.grants
import actionplan.model.schedules


@pytest.mark.parametrize("old, new, name", [
    ("actionplan.grants.model", actionplan.model.grants, "Application"),
    ("actionplan.grants.model", actionplan.model.grants, "fiscal_year_of"),
    ("actionplan.schedules.model", actionplan.model.schedules, "Period"),
    ("actionplan.schedules.model", actionplan.model.schedules, "SEASONS"),
])
def test_an_old_path_still_works_and_says_where_the_name_went(old, new, name):
    module = importlib.import_module(old)
    with pytest.warns(DeprecationWarning, match=rf"{old}\.{name} has moved to {new.__name__}\.{name}"):
        value = getattr(module, name)
    assert value is getattr(new, name)


def test_a_name_the_new_module_lacks_is_an_attribute_error():
    module = importlib.import_module("actionplan.grants.model")
    with pytest.raises(AttributeError, match="'actionplan.grants.model' has no attribute 'Nothing'"):
        module.Nothing  # noqa: B018


def test_the_package_re_exports_stay_silent(recwarn):
    from actionplan.grants import GrantProgram
    from actionplan.schedules import Period, parse_schedule

    assert GrantProgram is actionplan.model.grants.GrantProgram
    assert Period is actionplan.model.schedules.Period and callable(parse_schedule)
    assert not [w for w in recwarn if issubclass(w.category, DeprecationWarning)]
