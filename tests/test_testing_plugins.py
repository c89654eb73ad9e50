"""``actionplan.testing.plugins.registered``: a plugin for one ``with`` block, then gone."""

from __future__ import annotations

import types

import pytest

from actionplan import plugins
from actionplan.api import PluginError, ReportFormat, UnknownFormatError, hookimpl, render_report
from actionplan.testing import sample_plan
from actionplan.testing.plugins import registered


def _format_plugin() -> types.ModuleType:
    module = types.ModuleType("one_test_format")

    @hookimpl
    def actionplan_register_report_formats(register):
        register(ReportFormat("one-test", ".txt", "a format for one test", lambda plan, ctx: plan.title.encode()))

    module.actionplan_register_report_formats = actionplan_register_report_formats
    return module


def test_the_plugin_is_there_inside_the_block_only():
    plugin, plan = _format_plugin(), sample_plan()
    with registered(plugin, name="one-test") as given:
        assert given is plugin
        assert plugins.get_plugin_manager().get_plugin("one-test") is plugin
        assert render_report(plan, "one-test") == plan.title.encode()
    assert not plugins.get_plugin_manager().is_registered(plugin)
    with pytest.raises(UnknownFormatError, match="one-test"):
        render_report(plan, "one-test")


def test_it_is_removed_when_the_block_fails():
    plugin = _format_plugin()
    with pytest.raises(RuntimeError), registered(plugin):
        raise RuntimeError("the test failed")
    assert not plugins.get_plugin_manager().is_registered(plugin)


def test_an_installed_plugin_is_left_in_place():
    pm = plugins.get_plugin_manager()
    builtin = pm.get_plugin("actionplan.reports.builtin")
    with registered(builtin):
        pass
    assert pm.is_registered(builtin)


def test_a_misspelt_hook_is_refused_and_not_left_registered():
    module = types.ModuleType("misspelt")
    module.actionplan_register_report_format = hookimpl(lambda register: None)
    with pytest.raises(PluginError, match="actionplan_register_report_format"), registered(module):
        pass  # pragma: no cover - never entered
    assert not plugins.get_plugin_manager().is_registered(module)
