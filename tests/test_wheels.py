"""The wheels ship the compiled catalogues: the core's (with click's) and every first-party plugin's.

An installed actionplan reads ``.mo`` files and has no build step, so a wheel without them
would speak in codes. Each project is built as its documented command builds it
(``pip wheel --no-deps -w DIR PROJECT``) and its wheel must hold every ``.mo`` file of the
source tree, byte for byte, in French and English at least.
"""

from __future__ import annotations

import subprocess
import sys
import tomllib
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PROJECTS = [ROOT, *sorted(path.parent for path in ROOT.glob("plugins/*/pyproject.toml"))]


def compiled_catalogues(project: Path) -> dict[str, bytes]:
    """Path inside the wheel → bytes, for each committed ``.mo`` file of the project."""
    babel = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["babel"]
    directory = project / babel["compile_catalog"]["directory"]
    package_root = directory
    while package_root.parent.name != "src":
        package_root = package_root.parent
    return {mo.relative_to(package_root.parent).as_posix(): mo.read_bytes()
            for mo in sorted(directory.glob("*/LC_MESSAGES/*.mo"))}


@pytest.mark.slow
def test_every_wheel_ships_its_compiled_catalogues(tmp_path):
    built = subprocess.run([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(tmp_path),
                            *map(str, PROJECTS)], check=False, capture_output=True, text=True, timeout=900)
    assert built.returncode == 0, built.stderr[-3000:]
    wheels = sorted(tmp_path.glob("*.whl"))
    assert len(wheels) == len(PROJECTS)
    for project in PROJECTS:
        name = tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["project"]["name"]
        wheel = next(w for w in wheels if w.name.startswith(name.replace("-", "_") + "-"))
        expected = compiled_catalogues(project)
        languages = {path.split("/")[-3] for path in expected}
        assert {"fr", "en"} <= languages, f"{project.name}: no compiled French and English catalogues"
        with zipfile.ZipFile(wheel) as archive:
            for path, data in expected.items():
                assert path in archive.namelist(), f"{wheel.name} lacks {path}"
                assert archive.read(path) == data, f"{wheel.name}: {path} is not the committed one"
    core = compiled_catalogues(ROOT)
    assert "actionplan/locale/fr/LC_MESSAGES/click.mo" in core  # click's own texts in French
