"""docs/reports.md: the 50-line exporter tutorial runs, and every format and option is documented."""

from __future__ import annotations

import importlib.util
import re
import sys
from pathlib import Path

import pytest
from test_reports import AS_OF, hostile_plan, seed_plan

from actionplan.reports import render_report, report_formats

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "examples" / "orgmode_exporter.py"
DOC = ROOT / "docs" / "reports.md"


@pytest.fixture
def orgmode(register_plugin):
    """The tutorial's file, imported as the module a distribution would ship, registered as a plugin."""
    spec = importlib.util.spec_from_file_location("orgmode_exporter", EXAMPLE)
    module = importlib.util.module_from_spec(spec)
    sys.modules["orgmode_exporter"] = module
    try:
        spec.loader.exec_module(module)
        register_plugin(module, name="orgmode")
        yield module
    finally:
        sys.modules.pop("orgmode_exporter", None)


def test_the_example_is_an_exporter_in_50_lines():
    assert len(EXAMPLE.read_text(encoding="utf-8").splitlines()) <= 50


def test_the_tutorial_shows_the_example_file_verbatim():
    code = EXAMPLE.read_text(encoding="utf-8")
    assert f"```python\n{code}```" in DOC.read_text(encoding="utf-8")


def test_the_example_exporter_registers_and_renders(orgmode):
    assert report_formats().owner("org") == "orgmode"
    text = render_report(seed_plan(), "org", as_of=AS_OF, lang="fr").decode("utf-8")
    lines = text.splitlines()
    assert lines[0] == "#+TITLE: Concertation Horizon — Plan d'action 2026"
    assert lines[1] == "#+SUBTITLE: Situation au 1er octobre 2026"
    assert "* Vie associative — En retard" in lines
    assert "*** LATE Tenue de l'AGA" in lines
    assert "*** TODO Tenue des rencontres" in lines  # on track: still to do
    assert "    | 4 rencontres | 4\xa0rencontres | 3\xa0rencontres | En bonne voie |" in lines
    assert "    Échéancier\u00a0: 2026" in lines
    quiet = render_report(seed_plan(), "org", as_of=AS_OF, lang="en", options={"schedules": "no"}).decode("utf-8")
    assert "Schedule:" not in quiet and "*** DONE " in quiet


def test_the_example_keeps_hostile_text_on_its_line(orgmode):
    text = render_report(hostile_plan(), "org", as_of=AS_OF).decode("utf-8")
    assert all(line.startswith(("#+", "*", "    ")) or not line for line in text.splitlines())


def test_every_first_party_format_and_option_is_documented():
    doc = DOC.read_text(encoding="utf-8")
    registry = report_formats()
    first_party = [registry[name] for name in registry.names()
                   if registry.owner(name) in ("actionplan.reports.builtin", "office")]
    assert {fmt.name for fmt in first_party} >= {"html", "markdown", "csv", "json"}
    for fmt in first_party:
        assert re.search(rf"^### `{fmt.name}`", doc, flags=re.MULTILINE), f"docs/reports.md lacks a section for {fmt.name}"
        for option in fmt.options:
            assert f"`{option.name}`" in doc, f"option {option.name} of {fmt.name} is not documented"
