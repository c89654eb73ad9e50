"""Every error meant for users is written in French too (the command line's default language).

A static check: each ``raise SomeError(...)`` of an ``ActionplanError`` class in the library
and its first-party plugins names its message by a catalogue code, ``Message(code, **params)`` (which ``pybabel extract``
finds), so the catalogues give it in every language (docs/i18n.md).
"""

from __future__ import annotations

import ast
import inspect
from pathlib import Path

import actionplan.errors as errors

ROOT = Path(__file__).resolve().parent.parent
SOURCES = [*(ROOT / "src" / "actionplan").rglob("*.py"), *(ROOT / "plugins").glob("*/src/**/*.py")]

#: Error classes whose constructor writes both languages itself, and PluginError, which speaks
#: to plugin developers (in English, like the API). SourceError's message is worded by the
#: importer in its context's language (``ctx.say``) and its constructor adds the connectors.
EXEMPT = {"ValidationError", "ConflictError", "ScheduleError", "GrantRefusal", "PluginError", "SourceError"}

#: Calls that build a message from a catalogue code.
LOCALISED = {"Message", "Plural"}


def user_error_names() -> set[str]:
    names = {name for name, value in vars(errors).items()
             if inspect.isclass(value) and issubclass(value, errors.ActionplanError)}
    return names - EXEMPT


def raises_without_french(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = user_error_names()
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and isinstance(node.exc, ast.Call):
            func = node.exc.func
            name = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
            first = node.exc.args[0] if node.exc.args else None
            localised = (isinstance(first, ast.Call) and isinstance(first.func, ast.Name)
                         and first.func.id in LOCALISED)
            if name in names and not localised and not any(k.arg == "fr" for k in node.exc.keywords):
                found.append(f"{path.relative_to(ROOT)}:{node.lineno} {name}")
    return found


def test_every_user_error_has_its_french_wording():
    missing = [line for path in SOURCES for line in raises_without_french(path)]
    assert not missing, "errors whose message is not a catalogue code:\n" + "\n".join(missing)
