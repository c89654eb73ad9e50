"""No code of the core or of a first-party plugin words a message as a French/English pair.

Every user-facing text is a catalogue code (``docs/i18n.md``). The older wordings —
``ActionplanError(…, fr=…)``, ``Issue(…, translations=…)``, ``Text(fr, en)``,
``ctx.say(fr, en)`` — remain only as deprecation shims for plugins written before the
catalogues; this test fails, naming the file and the line, when new code uses one.
"""

from __future__ import annotations

import ast
import warnings
from pathlib import Path

import pytest

import actionplan
from actionplan.api import ImportContext, Issue, Message, Text, plural, refuse
from actionplan.errors import ActionplanError

ROOT = Path(__file__).resolve().parents[1]
SOURCES = sorted([*(ROOT / "src").rglob("*.py"), *(ROOT / "plugins").glob("*/src/**/*.py")])

#: The deprecation shims, by file and enclosing function or class: the only places allowed.
SHIMS = {
    ("src/actionplan/grants/criteria.py", "_Bilingual.__init__"),  # Message params named fr and en
    ("src/actionplan/grants/criteria.py", "refuse"),                # refuse(fr, en) → _Bilingual
}

#: Keyword arguments that pass a French text beside the message.
PAIR_KEYWORDS = {"fr", "en", "translations", "expected_fr", "hint_fr", "message_fr", "message_en"}
#: Calls that take a French and an English text.
PAIR_CALLS = {"say", "Text", "_Bilingual", "plural"}


def _called_name(call: ast.Call) -> str | None:
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def pair_uses(source: str, filename: str) -> list[str]:
    """``file:line: what`` for each call that words a message as a French/English pair."""
    found: list[str] = []

    def visit(node: ast.AST, scope: tuple[str, ...]) -> None:
        for child in ast.iter_child_nodes(node):
            inner = scope
            if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                inner = (*scope, child.name)
            if isinstance(child, ast.Call) and (filename, ".".join(scope)) not in SHIMS:
                name = _called_name(child)
                keywords = sorted(k.arg for k in child.keywords if k.arg in PAIR_KEYWORDS)
                if name in PAIR_CALLS:
                    found.append(f"{filename}:{child.lineno}: {name}(…)")
                if keywords:
                    found.append(f"{filename}:{child.lineno}: {name}(…, {'=…, '.join(keywords)}=…)")
            visit(child, inner)

    visit(ast.parse(source, filename), ())
    return found


def test_no_code_words_a_message_as_a_french_and_english_pair():
    assert len(SOURCES) > 100
    found = [use for path in SOURCES
             for use in pair_uses(path.read_text(encoding="utf-8"), path.relative_to(ROOT).as_posix())]
    assert found == [], "give a catalogue code (docs/i18n.md) instead of a French/English pair:\n" + "\n".join(found)


def test_the_guard_sees_each_older_wording():
    source = ("def f(ctx):\n"
              "    raise ActionplanError('x', fr='y')\n"
              "    Issue('p', 'x', translations={'fr': 'y'})\n"
              "    ctx.say('oui', 'yes')\n"
              "    return Text('oui', 'yes')\n")
    assert pair_uses(source, "plugins/x/src/x.py") == [
        "plugins/x/src/x.py:2: ActionplanError(…, fr=…)", "plugins/x/src/x.py:3: Issue(…, translations=…)",
        "plugins/x/src/x.py:4: say(…)", "plugins/x/src/x.py:5: Text(…)"]


def test_the_older_wordings_still_work_for_one_release_and_warn():
    with pytest.warns(DeprecationWarning, match=r"fr= is removed in the next release"):
        error = ActionplanError("refused", fr="refusé")
    assert (error.message("fr"), error.message("en")) == ("refusé", "refused")
    with pytest.warns(DeprecationWarning, match=r"Issue\(path, Message\(code"):
        issue = Issue("title", "too long", translations={"fr": "trop long"})
    assert issue.render("fr").endswith("trop long") and issue.render("en") == "title: too long"
    with pytest.warns(DeprecationWarning, match=r"ctx\.t\(code"):
        assert ImportContext(lang="en").say("oui", "yes") == "yes"
    with pytest.warns(DeprecationWarning, match=r"actionplan\.api\.Message"):
        text = Text("Titre", "Title")
    assert (text.render("fr"), text.render("en")) == ("Titre", "Title")
    with pytest.warns(DeprecationWarning, match=r"refuse\(Message\(code"):
        refusal = refuse("refusé", "refused")
    assert refusal.message("fr") == "refusé"
    with pytest.warns(DeprecationWarning, match=r"Plural\(code, count\)"):
        assert plural(0, "organisme", "organismes", "fr") == "0 organisme"


def test_the_catalogue_wording_does_not_warn():
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        error = actionplan.ActionplanError(Message("cli.valid", source="plan.yaml"))
        Issue("title", Message("cli.valid", source="plan.yaml"))
        ImportContext(lang="en").t("cli.valid", source="plan.yaml")
        refuse(Message("grants.stage.review"))
    assert error.message("fr") == "plan.yaml : valide"
