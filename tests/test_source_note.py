"""The plan's ``source`` note (where its text was transcribed from) is a working note: the
formats a board reads show it only with ``show-source=yes``."""

from __future__ import annotations

import io

import pytest

from actionplan.reports import get_format, render_report
from test_reports import AS_OF, seed_plan

MARK = "seed 000_a7b77ef02470fb08"  # in the seed plan's source note


@pytest.fixture(scope="module")
def seed():
    plan = seed_plan()
    assert MARK in plan.source
    return plan


def _text(plan, fmt: str, **options) -> str:
    payload = render_report(plan, fmt, as_of=AS_OF, lang="fr", options=options)
    if fmt == "xlsx":
        openpyxl = pytest.importorskip("openpyxl")
        workbook = openpyxl.load_workbook(io.BytesIO(payload))
        return "\n".join(str(c.value) for ws in workbook.worksheets for row in ws.iter_rows() for c in row
                         if c.value is not None)
    if fmt == "docx":
        docx = pytest.importorskip("docx")
        document = docx.Document(io.BytesIO(payload))
        return "\n".join([p.text for p in document.paragraphs]
                         + [c.text for t in document.tables for r in t.rows for c in r.cells])
    return payload.decode("utf-8")


@pytest.mark.parametrize("fmt", ["html", "markdown", "xlsx", "docx"])
def test_the_source_note_is_shown_only_when_asked(seed, fmt):
    assert get_format(fmt).option("show-source").default is False
    hidden = _text(seed, fmt).replace("\\_", "_")  # Markdown escapes the underscore
    assert MARK not in hidden and "Source\u00a0:" not in hidden
    shown = _text(seed, fmt, **{"show-source": "yes"}).replace("\\_", "_")
    assert "Source\u00a0: Concertation Horizon" in shown and MARK in shown


def test_the_markdown_footer_escapes_the_note(seed):
    text = _text(seed, "markdown", **{"show-source": "oui"})
    footer = text.rstrip().splitlines()[-1]
    assert footer.startswith("*Produit avec actionplan.") and MARK.replace("_", "\\_") in footer


def test_the_cli_takes_the_option(tmp_path):
    import subprocess
    import sys

    from test_reports import PLAN

    out = tmp_path / "r.md"
    result = subprocess.run([sys.executable, "-m", "actionplan", "report", str(PLAN), "-f", "markdown", "-o", str(out),
                             "-O", "show-source=yes", "--as-of", "2026-10-01"], capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert "000\\_a7b77ef02470fb08" in out.read_text(encoding="utf-8")
