"""The plugin manager: built-ins through the hooks, loud failures, docs in step with the specs."""

from __future__ import annotations

import inspect
import re

import pytest

import actionplan
from actionplan import hookspecs, plugins
from actionplan.errors import PluginError
from actionplan.model import Territory

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def hook_names():
    return sorted(name for name, value in vars(hookspecs).items() if name.startswith("actionplan_") and callable(value))


@pytest.mark.parametrize("name", hook_names())
def test_every_hook_is_documented_with_its_exact_signature(name):
    docs = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    signature = f"{name}({', '.join(inspect.signature(getattr(hookspecs, name)).parameters)})"
    assert f"## {signature}" in docs, f"docs/hooks.md lacks a heading '## {signature}'"


def test_docs_name_no_hook_that_does_not_exist():
    docs = (ROOT / "docs" / "hooks.md").read_text(encoding="utf-8")
    documented = set(re.findall(r"^## (actionplan_\w+)\(", docs, flags=re.M))
    assert documented == set(hook_names())


def test_every_hook_has_a_contract():
    for name in hook_names():
        assert len(inspect.getdoc(getattr(hookspecs, name)) or "") > 80, name


def test_builtins_are_registered_as_plugins():
    pm = plugins.make_plugin_manager(load_entrypoints=False)
    for name in plugins.DEFAULT_PLUGINS:
        assert pm.has_plugin(name)


def test_a_misspelt_hook_fails_loudly():
    class Typo:
        @actionplan.hookimpl
        def actionplan_register_document_fromats(self, register):  # noqa: D401 - deliberate typo
            pass

    with pytest.raises(PluginError, match="document_fromats"):
        plugins.make_plugin_manager(load_entrypoints=False, extra=[Typo()])


def test_a_name_registered_twice_is_refused():
    from actionplan.documents import DocumentFormat

    class Clash:
        @actionplan.hookimpl
        def actionplan_register_document_formats(self, register):
            register(DocumentFormat("yaml", (".yml2",), bytes, bytes))

    pm = plugins.make_plugin_manager(load_entrypoints=False, extra=[Clash()])
    with pytest.raises(PluginError, match="registered twice"):
        plugins.collect("actionplan_register_document_formats", "document format", lambda f: f.name, pm)


def test_a_plugin_adds_territories(register_plugin):
    class Estrie:  # the built-in gazetteer has the Estrie's MRC, not their municipalities
        @actionplan.hookimpl
        def actionplan_register_territories(self, register):
            register(Territory(id="region:estrie", name="Estrie", level="region", code="05"))  # the same: allowed
            register(Territory(id="mun:magog", name="Magog", level="municipality", parent="mrc:memphremagog"))

    register_plugin(Estrie())
    from actionplan.territories import default_gazetteer

    gazetteer = default_gazetteer()
    assert gazetteer.municipalities_reached(["mrc:memphremagog"]) == {"mun:magog"}
    assert "mrc:roussillon" in gazetteer


def test_monteregie_gazetteer():
    from actionplan.territories import default_gazetteer

    gazetteer = default_gazetteer()
    assert len(gazetteer.by_level("mrc")) == 104  # every MRC and equivalent territory of Quebec
    assert len(gazetteer.municipalities_reached(["mrc:les-maskoutains"])) == 17
    assert len(gazetteer.municipalities_reached(["mrc:vaudreuil-soulanges"])) == 23
    assert gazetteer.find("saint-hyacinthe")[0].id == "mun:saint-hyacinthe"
    assert gazetteer.find("Saint-Étienne-de-Beauharnois", level="municipality")
    assert gazetteer.is_within("mun:saint-remi", "region:monteregie")


def test_plan_checks_hook_adds_issues(register_plugin, minimal_plan_text):
    from actionplan.errors import Issue

    class NeedsMission:
        @actionplan.hookimpl
        def actionplan_plan_checks(self, plan):
            if not plan.mission:
                return [Issue("mission", "our federation requires a mission")]

    register_plugin(NeedsMission())
    with pytest.raises(actionplan.ValidationError, match="requires a mission"):
        actionplan.loads(minimal_plan_text)


def test_the_plugin_guide_example_works(register_plugin, minimal_plan_text):
    import types

    guide = (ROOT / "docs" / "plugins.md").read_text(encoding="utf-8")
    source = re.search(r"```python\n(# src/actionplan_estrie/plugin\.py.*?)```", guide, flags=re.S).group(1)
    module = types.ModuleType("actionplan_estrie_plugin")
    exec(compile(source, "docs/plugins.md", "exec"), module.__dict__)  # noqa: S102 - our own documentation
    register_plugin(module)
    from actionplan.territories import default_gazetteer

    assert default_gazetteer().municipalities_reached(["mrc:memphremagog"]) == {"mun:magog", "mun:eastman"}
    with pytest.raises(actionplan.ValidationError, match="requires a mission"):
        actionplan.loads(minimal_plan_text)
    assert actionplan.loads(minimal_plan_text + "mission: Agir ensemble\n").mission == "Agir ensemble"
