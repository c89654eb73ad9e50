"""docs/testing-plugins.md stays true: its three kit examples run as a plugin's tests would, and every
test of the report and criterion kits is explained."""

from __future__ import annotations

import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from actionplan.testing import CriterionConformance, ReportFormatConformance

ROOT = Path(__file__).resolve().parent.parent
DOC = ROOT / "docs" / "testing-plugins.md"
TEXT = DOC.read_text(encoding="utf-8")


def block(path: Path, name: str) -> str:
    """The fenced block right after ``<!-- worked-example: name -->``."""
    match = re.search(rf"<!-- worked-example: {name} -->\n```\w+\n(.*?)```", path.read_text(encoding="utf-8"),
                      flags=re.S)
    assert match, f"{path.name} has no worked example {name!r}"
    return match.group(1)


CONFTEST = '''
"""The plugins of the docs' tutorials, installed for this run as their entry points would."""
import importlib.util
import io
import pathlib
import types

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from actionplan import plugins

spec = importlib.util.spec_from_file_location("orgmode_exporter", {orgmode!r})
orgmode = importlib.util.module_from_spec(spec)
spec.loader.exec_module(orgmode)
package = pathlib.Path(__file__).parent / "my_program"
for lang, text in {catalogues!r}.items():  # docs/grants.md's catalogue, compiled as pybabel compile does
    folder = package / "locale" / lang / "LC_MESSAGES"
    folder.mkdir(parents=True, exist_ok=True)
    with (folder / "my_program.mo").open("wb") as mo:
        write_mo(mo, read_po(io.StringIO(text), locale=lang))
criteria = types.ModuleType("my_program_criteria")
criteria.__file__ = str(package / "criteria.py")
exec(compile({criteria!r}, "docs/grants.md (plugin)", "exec"), criteria.__dict__)
pm = plugins.get_plugin_manager()
pm.register(orgmode, name="orgmode")
pm.register(criteria, name="my_program")
plugins.refresh()
'''


def test_the_three_examples_run_as_a_plugins_tests(tmp_path):
    (tmp_path / "conftest.py").write_text(textwrap.dedent(CONFTEST).format(
        orgmode=str(ROOT / "docs" / "examples" / "orgmode_exporter.py"),
        criteria=block(ROOT / "docs" / "grants.md", "plugin"),
        catalogues={lang: block(ROOT / "docs" / "grants.md", f"catalogue-{lang}") for lang in ("fr", "en")}),
        encoding="utf-8")
    for name in ("report-kit", "criterion-kit", "store-kit"):
        code = block(DOC, name)
        filename = code.splitlines()[0].removeprefix("# tests/")
        (tmp_path / filename).write_text(code, encoding="utf-8")
    slow = "killed or concurrent or two_writers"  # the store kit's process tests: run by the store suites
    result = subprocess.run([sys.executable, "-m", "pytest", "-v", "-p", "no:cacheprovider", "-k", f"not ({slow})"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=600, check=False)
    assert result.returncode == 0, result.stdout[-4000:] + result.stderr[-2000:]
    for kit, at_least in (("TestOrgMode", 20), ("TestMaxDuration", 10), ("TestMyStore", 20)):
        assert len(re.findall(rf"::{kit}::\S+ PASSED", result.stdout)) >= at_least, kit
    assert "SKIPPED" not in result.stdout


@pytest.mark.parametrize("kit", [ReportFormatConformance, CriterionConformance], ids=lambda k: k.__name__)
def test_every_test_of_the_kit_is_explained(kit):
    for name in dir(kit):
        if name.startswith("test_"):
            assert f"`{name}`" in TEXT, f"docs/testing-plugins.md does not explain {kit.__name__}.{name}"


def test_every_kit_setting_is_documented():
    for name in ("format_name", "option_sets", "language_aware", "needs_program", "options_for", "criterion_name",
                 "valid_params", "invalid_params", "language_dependent", "gives_advice", "applications",
                 "make_store_url", "output_problems", "injection_problems"):
        assert f"`{name}" in TEXT, name
