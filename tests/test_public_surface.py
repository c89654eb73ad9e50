"""Plugins use only the public surface, and the surface is importable, documented and listed.

Public: ``actionplan`` (its ``__all__``), ``actionplan.api`` (its ``__all__``),
``actionplan.hookspecs`` and ``actionplan.testing`` (with its submodules). Everything else is
internal. Run ``python tests/test_public_surface.py --write`` after changing ``api.__all__``
to regenerate the list in docs/plugins.md.
"""

from __future__ import annotations

import ast
import importlib
import inspect
import re
import sys
import warnings
from pathlib import Path

import pytest

import actionplan
from actionplan import api

ROOT = Path(__file__).resolve().parent.parent
PLUGIN_SOURCES = sorted(ROOT.glob("plugins/*/src/**/*.py"))
PLUGIN_TESTS = sorted(ROOT.glob("plugins/*/tests/**/*.py"))
API_SOURCE = Path(api.__file__)
DOC = ROOT / "docs" / "plugins.md"
START, END = "<!-- public-surface:start -->", "<!-- public-surface:end -->"

#: Submodules of ``actionplan`` a plugin may import.
PUBLIC_MODULES = ("api", "hookspecs", "testing")


# -- the checker --------------------------------------------------------------------------------


def _public_module(dotted: str) -> bool:
    parts = dotted.split(".")
    if parts[0] != "actionplan":
        return True  # not ours
    if len(parts) == 1:
        return True
    return parts[1] in PUBLIC_MODULES and (len(parts) == 2 or parts[1] == "testing")


def _public_name(module: str, name: str) -> bool:
    if module == "actionplan":
        return name in actionplan.__all__ or name in PUBLIC_MODULES
    if module == "actionplan.api":
        return name in api.__all__
    if module == "actionplan.hookspecs":
        return not name.startswith("_")
    return True  # actionplan.testing and its submodules: every name


def private_uses(source: str, filename: str) -> list[str]:
    """Every use of a non-public actionplan name in ``source``, as ``file:line: name``."""
    tree = ast.parse(source, filename)
    found: list[str] = []
    aliases: dict[str, str] = {}  # local name -> public actionplan module it is bound to

    def flag(node: ast.AST, name: str) -> None:
        found.append(f"{filename}:{node.lineno}: {name}")

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if not alias.name.startswith("actionplan.") and alias.name != "actionplan":
                    continue
                if not _public_module(alias.name):
                    flag(node, alias.name)
                elif alias.asname:
                    aliases[alias.asname] = alias.name
                else:
                    aliases["actionplan"] = "actionplan"
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            module = node.module
            if module != "actionplan" and not module.startswith("actionplan."):
                continue
            if not _public_module(module):
                flag(node, module)
                continue
            for alias in node.names:
                if alias.name == "*" or not _public_name(module, alias.name):
                    flag(node, f"{module}.{alias.name}")
                elif module == "actionplan" and alias.name in PUBLIC_MODULES:
                    aliases[alias.asname or alias.name] = f"actionplan.{alias.name}"
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            target = node.args[0].value
            if called in ("import_module", "__import__") and isinstance(target, str) and not _public_module(target):
                flag(node, target)
    for node in ast.walk(tree):  # attribute chains: actionplan.reports.view, ap.api.secret
        if not isinstance(node, ast.Attribute) or not isinstance(node.value, ast.Name):
            continue
        module = aliases.get(node.value.id)
        if module is None:
            continue
        dotted = f"{module}.{node.attr}"
        if module == "actionplan" and node.attr in PUBLIC_MODULES:
            continue
        if not _public_name(module, node.attr):
            flag(node, dotted)
    for node in ast.walk(tree):  # actionplan.api.secret: the inner attribute names a public module
        if (isinstance(node, ast.Attribute) and isinstance(node.value, ast.Attribute)
                and isinstance(node.value.value, ast.Name) and aliases.get(node.value.value.id) == "actionplan"
                and node.value.attr in PUBLIC_MODULES
                and not _public_name(f"actionplan.{node.value.attr}", node.attr)):
            flag(node, f"actionplan.{node.value.attr}.{node.attr}")
    return sorted(set(found), key=lambda text: (text.split(":")[0], int(text.split(":")[1])))


# -- plugins ------------------------------------------------------------------------------------


def test_there_are_six_first_party_plugins_to_check():
    assert {path.relative_to(ROOT).parts[1] for path in PLUGIN_SOURCES} == {
        "actionplan-alliance", "actionplan-office", "actionplan-opendata", "actionplan-postgresql",
        "actionplan-web", "actionplan-word",
    }


@pytest.mark.parametrize("path", PLUGIN_SOURCES, ids=lambda p: str(p.relative_to(ROOT / "plugins")))
def test_a_first_party_plugin_imports_only_public_names(path):
    uses = private_uses(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not uses, "internal actionplan names used by a plugin (use actionplan.api):\n" + "\n".join(uses)


@pytest.mark.parametrize("path", PLUGIN_TESTS, ids=lambda p: str(p.relative_to(ROOT / "plugins")))
def test_a_first_party_plugin_test_imports_only_public_names(path):
    uses = private_uses(path.read_text(encoding="utf-8"), str(path.relative_to(ROOT)))
    assert not uses, ("internal actionplan names used by a plugin's tests (use actionplan.api or "
                      "actionplan.testing):\n" + "\n".join(uses))


GUIDES = sorted(ROOT.glob("docs/*.md")) + [ROOT / "README.md"]


@pytest.mark.parametrize("path", GUIDES, ids=lambda p: p.name)
def test_the_code_of_the_guides_uses_only_public_names(path):
    text = path.read_text(encoding="utf-8")
    uses = []
    for block in re.finditer(r"```python\n(.*?)```", text, flags=re.S):
        first_line = text[:block.start()].count("\n") + 2
        try:
            ast.parse(block.group(1))
        except SyntaxError:  # a fragment with « … » in it, not a program
            continue
        uses += [f"{path.name}:{first_line + int(use.split(':')[1]) - 1}: {use.split(': ', 1)[1]}"
                 for use in private_uses(block.group(1), path.name)]
    assert not uses, "the documentation's code imports internal names:\n" + "\n".join(uses)


OFFENDERS = '''\
import actionplan
import actionplan.reports.view
import actionplan.api as ap
from actionplan.storage.sql import SqlStore
from actionplan import plugins, load
from actionplan import api
from actionplan.api import Criterion, LAYOUT_SECRET
from actionplan.testing.store import snapshot
from actionplan.hookspecs import hookspec
import importlib
importlib.import_module("actionplan.grants.rules")
actionplan.reports.view.PlanView
actionplan.api.SqlStore
actionplan.api.nothing_here
ap.nothing_either
api.Criterion
actionplan.load
'''


def test_the_checker_names_file_line_and_name_of_every_private_use():
    assert private_uses(OFFENDERS, "plugin.py") == [
        "plugin.py:2: actionplan.reports.view",
        "plugin.py:4: actionplan.storage.sql",
        "plugin.py:5: actionplan.plugins",
        "plugin.py:7: actionplan.api.LAYOUT_SECRET",
        "plugin.py:11: actionplan.grants.rules",
        "plugin.py:12: actionplan.reports",
        "plugin.py:14: actionplan.api.nothing_here",
        "plugin.py:15: actionplan.api.nothing_either",
    ]


# -- the surface itself -------------------------------------------------------------------------


def _attribute_docstrings() -> dict[str, str]:
    """``NAME = …`` followed by a string in api.py: the docstring of a constant."""
    body = []
    for node in ast.parse(API_SOURCE.read_text(encoding="utf-8")).body:  # and in ``if TYPE_CHECKING: … else: …``
        body += [*node.body, *node.orelse] if isinstance(node, ast.If) else [node]
    docs = {}
    for node, after in zip(body, body[1:]):
        target = node.target if isinstance(node, ast.AnnAssign) else (
            node.targets[0] if isinstance(node, ast.Assign) else None)
        if (isinstance(target, ast.Name) and isinstance(after, ast.Expr) and isinstance(after.value, ast.Constant)
                and isinstance(after.value.value, str)):
            docs[target.id] = after.value.value
    return docs


def docstring(name: str) -> str | None:
    obj = getattr(api, name)
    if inspect.isclass(obj):
        return obj.__dict__.get("__doc__")
    if inspect.isfunction(obj) or inspect.ismethod(obj) or isinstance(obj, type(len)):
        return obj.__doc__
    return _attribute_docstrings().get(name)


def test_every_exported_name_is_importable_once_and_has_a_docstring():
    assert len(api.__all__) == len(set(api.__all__)), "a name is listed twice in api.__all__"
    namespace: dict = {}
    exec(f"from actionplan.api import {', '.join(api.__all__)}", namespace)  # noqa: S102 - our own names
    undocumented = [name for name in api.__all__ if not (docstring(name) or "").strip()]
    assert not undocumented, f"names of actionplan.api without a docstring: {undocumented}"


def test_the_names_type_checkers_read_are_the_names_resolved_on_first_use():
    """The ``if TYPE_CHECKING:`` imports of api.py and its table of lazy names agree, name by name."""
    (checking,) = [node for node in ast.parse(API_SOURCE.read_text(encoding="utf-8")).body
                   if isinstance(node, ast.If) and getattr(node.test, "id", None) == "TYPE_CHECKING"]
    imported = {alias.asname or alias.name: (f".{node.module}", alias.name)
                for node in checking.body if isinstance(node, ast.ImportFrom) for alias in node.names}
    lazy = {public: (module, there or public) for module, names in api._SOURCES.items()
            for public, _, there in (word.partition("=") for word in names.split())}
    assert imported == lazy
    assert set(lazy) | {"hookimpl"} == set(api.__all__)
    for name, (module, there) in lazy.items():
        assert getattr(api, name) is getattr(importlib.import_module(module, "actionplan"), there), name


def test_the_module_states_the_rule():
    doc = api.__doc__
    for module in ("``actionplan``", "``actionplan.api``", "``actionplan.hookspecs``", "``actionplan.testing``"):
        assert module in doc
    assert "Everything else is internal" in doc


def test_the_top_level_surface_still_works(tmp_path, examples):
    plan = actionplan.load(examples / "concertation-horizon-2026.yaml")
    actionplan.dump(plan, tmp_path / "copy.json")
    assert actionplan.loads(actionplan.dumps(plan)) == plan == api.load(tmp_path / "copy.json")
    assert api.hookimpl is actionplan.hookimpl


def test_a_moved_helper_keeps_its_old_path_for_one_release_with_a_warning():
    from actionplan.grants import rules

    with pytest.warns(DeprecationWarning, match=r"grants\.rules\.plural has moved: import plural from actionplan\.api"):
        from actionplan.grants.rules import plural
    assert plural is api.plural
    assert plural(0, "organisme", "organismes", "fr") == "0 organisme"
    assert plural(0, "organisation", "organisations", "en") == "0 organisations"
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with pytest.raises(AttributeError, match="no attribute 'nothing'"):
            rules.nothing  # noqa: B018


# -- the list in docs/plugins.md ----------------------------------------------------------------


def _groups() -> list[tuple[str, list[str]]]:
    """The banner comments of ``__all__`` in api.py and the names under each."""
    source = API_SOURCE.read_text(encoding="utf-8")
    block = source[source.index("__all__ = ["):]
    groups: list[tuple[str, list[str]]] = []
    for line in block.splitlines()[1:]:
        banner = re.match(r"\s*# -- (.+?) -+$", line)
        if banner:
            groups.append((banner.group(1), []))
        else:
            groups[-1][1].extend(re.findall(r'"(\w+)"', line))
    return groups


def _summary(name: str) -> str:
    first = (docstring(name) or "").strip().split("\n\n")[0]
    first = " ".join(first.split()).replace("``", "`")
    return re.sub(r":\w+:`~?(?:actionplan\.[\w.]*\.)?([^`]+)`", r"`\1`", first)


def surface_markdown() -> str:
    lines = [START]
    for title, names in _groups():
        lines += ["", f"### {title[0].upper()}{title[1:]}", ""]
        lines += [f"- `{name}` — {_summary(name)}" for name in names]
    return "\n".join([*lines, "", END])


def test_the_groups_cover_all_of_it():
    assert [name for _, names in _groups() for name in names] == api.__all__


def test_docs_plugins_lists_exactly_the_public_surface():
    text = DOC.read_text(encoding="utf-8")
    assert START in text and END in text, "docs/plugins.md has no generated list of the public surface"
    shown = text[text.index(START):text.index(END) + len(END)]
    assert shown == surface_markdown(), "docs/plugins.md is out of date: run python tests/test_public_surface.py --write"


if __name__ == "__main__" and sys.argv[1:] == ["--write"]:
    text = DOC.read_text(encoding="utf-8")
    before, rest = text.split(START, 1)
    DOC.write_text(before + surface_markdown() + rest.split(END, 1)[1], encoding="utf-8")
