"""The documentation site builds from the README's command, every warning an error, with the API reference."""

from __future__ import annotations

import html
import importlib.util
import inspect
import logging
import re
import shlex
import shutil
import subprocess
import sys
from pathlib import Path

import griffe
import pytest

import actionplan
from actionplan import api, errors, hookspecs, testing

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")
ROLE_LEFT = re.compile(r":(?:class|mod|func|meth|attr|data|exc|obj):(?:<code>|`)")


def documented_command() -> list[str]:
    """The build command of the README's "Documentation" section, as arguments."""
    section = README.split("\n## Documentation\n", 1)[1].split("\n## ", 1)[0]
    blocks = re.findall(r"```sh\n(.*?)```", section, flags=re.DOTALL)
    assert len(blocks) == 1, "the README's Documentation section shows one build command"
    return shlex.split(blocks[0], comments=True)


def build(config_dir: Path, site_dir: Path) -> subprocess.CompletedProcess[str]:
    """Run the documented command from ``config_dir``, writing the site into ``site_dir``."""
    command = documented_command()
    assert command[:3] == ["python", "-m", "mkdocs"] and "--strict" in command
    command[0] = sys.executable
    command[command.index("--site-dir") + 1] = str(site_dir)
    return subprocess.run(command, cwd=config_dir, capture_output=True, text=True, timeout=300, check=False)


def text_of(page: Path) -> str:
    """The visible text of an HTML page, whitespace collapsed."""
    body = re.sub(r"<(script|style)\b.*?</\1>", " ", page.read_text(encoding="utf-8"), flags=re.DOTALL)
    return " ".join(html.unescape(re.sub(r"<[^>]+>", "", body)).split())


def summary(obj: object) -> str:
    """The first line of ``obj``'s docstring as the page shows it (``literals`` as plain text)."""
    first = inspect.getdoc(obj).splitlines()[0]  # type: ignore[union-attr]

    def title(match: re.Match[str]) -> str:
        target = match["target"]
        name = target.rsplit(".", 1)[-1] if target.startswith("~") else target.lstrip(".")
        return name + ("()" if match["role"] in ("func", "meth") else "")

    first = re.sub(r":(?P<role>\w+):`(?P<target>~?[^`]+)`", title, first.replace("``", ""))
    return " ".join(first.split())


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    site_dir = tmp_path_factory.mktemp("site")
    result = build(ROOT, site_dir)
    assert result.returncode == 0, f"mkdocs build --strict failed:\n{result.stdout}\n{result.stderr}"
    assert "WARNING" not in result.stderr, result.stderr
    return site_dir


def test_the_docs_describe_the_same_command():
    line = shlex.join(documented_command())
    assert line == "python -m mkdocs build --strict --site-dir build/site"
    assert line in (ROOT / "docs" / "index.md").read_text(encoding="utf-8")


def test_every_guide_is_a_page(site):
    guides = sorted(path.relative_to(ROOT / "docs").with_suffix(".html")
                    for path in (ROOT / "docs").rglob("*.md"))
    missing = [str(page) for page in guides if not (site / page).is_file()]
    assert not missing, missing


def test_the_home_page_links_every_guide():
    home = (ROOT / "docs" / "index.md").read_text(encoding="utf-8")
    guides = sorted(path.name for path in (ROOT / "docs").glob("*.md") if path.name != "index.md")
    missing = [name for name in guides if f"]({name})" not in home]
    assert not missing, f"docs/index.md does not link {missing}"


def test_the_reference_renders_every_hook_contract(site):
    page = site / "reference" / "hookspecs.html"
    source = page.read_text(encoding="utf-8")
    text = text_of(page)
    hooks = [name for name, _ in inspect.getmembers(hookspecs, inspect.isfunction) if name.startswith("actionplan_")]
    assert "actionplan_register_report_formats" in hooks
    for name in hooks:
        assert f'id="actionplan.hookspecs.{name}"' in source, f"no heading for {name}"
        assert summary(getattr(hookspecs, name)) in text, f"the contract of {name} is not shown"
    # A reST role in a docstring became a link to the rendered object, not ":class:" text.
    assert 'href="errors.html#actionplan.errors.ValidationError"' in source


def test_the_reference_renders_the_top_level_and_the_errors(site):
    top = (site / "reference" / "actionplan.html").read_text(encoding="utf-8")
    for name in actionplan.__all__:
        if not name.startswith("_"):
            assert f'id="actionplan.{name}"' in top, f"actionplan.{name} is not in the reference"
    assert summary(actionplan.ValidationError) in text_of(site / "reference" / "actionplan.html")
    page = site / "reference" / "errors.html"
    text = text_of(page)
    defined = [obj for _, obj in inspect.getmembers(errors, inspect.isclass) if obj.__module__ == errors.__name__]
    assert errors.ValidationError in defined and errors.Issue in defined
    for cls in defined:
        assert f'id="actionplan.errors.{cls.__name__}"' in page.read_text(encoding="utf-8"), cls
        assert summary(cls) in text, f"the docstring of {cls.__name__} is not shown"


def test_the_reference_renders_the_whole_plugin_api(site):
    page = site / "reference" / "api.html"
    source, text = page.read_text(encoding="utf-8"), text_of(page)
    assert "ReportFormat" in api.__all__
    for name in api.__all__:
        assert f'id="actionplan.api.{name}"' in source, f"actionplan.api.{name} is not in the reference"
        obj = getattr(api, name)
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert summary(obj) in text, f"the docstring of actionplan.api.{name} is not shown"
    # The hook contracts link to the classes they name, rendered on the api page.
    hooks = (site / "reference" / "hookspecs.html").read_text(encoding="utf-8")
    assert 'href="api.html#actionplan.api.ReportFormat"' in hooks


def test_the_reference_renders_the_testing_helpers(site):
    page = site / "reference" / "testing.html"
    source, text = page.read_text(encoding="utf-8"), text_of(page)
    for name in testing.__all__:
        obj = getattr(testing, name)
        where = getattr(obj, "__module__", testing.__name__) if inspect.isclass(obj) or inspect.isfunction(obj) \
            else testing.__name__
        assert f'id="{where}.{name}"' in source, f"actionplan.testing.{name} is not in the reference"
        if inspect.isclass(obj) or inspect.isfunction(obj):
            assert summary(obj) in text, f"the docstring of {name} is not shown"
    assert "StoreConformance" in testing.__all__


def test_no_reference_page_shows_a_raw_rest_role(site):
    leftovers = {page.name: ROLE_LEFT.findall(page.read_text(encoding="utf-8"))
                 for page in (site / "reference").glob("*.html")}
    assert not any(leftovers.values()), leftovers


def test_a_broken_link_between_pages_fails_the_build(tmp_path):
    for name in ("mkdocs.yml", "src", "tools"):
        (tmp_path / name).symlink_to(ROOT / name)
    shutil.copytree(ROOT / "docs", tmp_path / "docs")
    for page in (tmp_path / "docs" / "reference").glob("*.md"):  # the reference is not needed here: faster
        page.write_text(f"# {page.stem}\n", encoding="utf-8")
    guide = tmp_path / "docs" / "getting-started.md"
    guide.write_text(guide.read_text(encoding="utf-8") + "\nSee [the old page](no-such-page.md).\n",
                     encoding="utf-8")
    result = build(tmp_path, tmp_path / "site")
    assert result.returncode != 0
    assert "no-such-page.md" in result.stderr


# -- the griffe extension that turns the docstrings' reST roles into cross-references ----------


def load_roles_extension():
    spec = importlib.util.spec_from_file_location("griffe_sphinx_roles", ROOT / "tools" / "griffe_sphinx_roles.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


@pytest.fixture
def load_package(tmp_path):
    roles = load_roles_extension()

    def load(files: dict[str, str]):
        for name, text in files.items():
            path = tmp_path / "pkgdemo" / name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        extensions = griffe.load_extensions(roles.SphinxRoles(checked_packages=["pkgdemo"]))
        return griffe.load("pkgdemo", search_paths=[tmp_path], extensions=extensions)

    return load


def test_roles_become_cross_references_to_canonical_paths(load_package):
    pkg = load_package({
        "__init__.py": '"""Demo.\n\nSee :class:`Thing`, :func:`~pkgdemo.core.make`, :mod:`.core` and'
                       ' :class:`~decimal.Decimal`. Example::\n\n    make()\n"""\nfrom .core import Thing, make\n',
        "core.py": '"""Core."""\n\nclass Thing:\n    """A thing; :meth:`grow` it."""\n\n'
                   '    def grow(self):\n        """Grow."""\n\n\ndef make():\n    """Make a :class:`Thing`."""\n',
    })
    text = pkg.docstring.value
    assert '<autoref identifier="pkgdemo.core.Thing" optional><code>Thing</code></autoref>' in text
    assert '<autoref identifier="pkgdemo.core.make" optional><code>make()</code></autoref>' in text
    assert '<autoref identifier="pkgdemo.core" optional><code>core</code></autoref>' in text
    assert "<code>Decimal</code>" in text and "decimal.Decimal" not in text  # outside the package: code
    assert "Example:\n\n    make()" in text  # a reST literal block stays a code block
    grow = '<autoref identifier="pkgdemo.core.Thing.grow" optional><code>grow()</code></autoref>'
    assert grow in pkg["core.Thing"].docstring.value


def test_a_role_naming_nothing_is_a_warning(load_package, caplog):
    with caplog.at_level(logging.WARNING):
        pkg = load_package({"__init__.py": '"""See :func:`pkgdemo.gone` and :mod:`.missing`."""\n'})
    warnings = [record.getMessage() for record in caplog.records if record.levelno >= logging.WARNING]
    assert any(":func:`pkgdemo.gone` names nothing that exists" in message for message in warnings), warnings
    assert any(":mod:`.missing` names nothing that exists" in message for message in warnings), warnings
    assert "<code>pkgdemo.gone()</code>" in pkg.docstring.value
