"""French as it is written in Quebec, in every output: « 1er octobre », no-break spaces before
« : ; ! ? » and inside « ».

One plan, whose dates fall on the first of a month (period, report date, a milestone done on
1 October), rendered in every format and read back with the tools of each format's world.
"""

from __future__ import annotations

import datetime as dt
import html as html_module
import io
import re
import subprocess
import sys
from decimal import Decimal
from pathlib import Path

import pytest

from actionplan.model import Measurement, with_measurements
from actionplan.reports import render_report
from actionplan.reports.labels import format_day, french_spacing, localizer
from actionplan.testing import sample_plan

ROOT = Path(__file__).resolve().parent.parent
AS_OF = dt.date(2026, 10, 1)
MONTHS = "janvier|février|mars|avril|mai|juin|juillet|août|septembre|octobre|novembre|décembre"
MONTHS_SHORT = "janv|févr|mars|avr|mai|juin|juil|août|sept|oct|nov|déc"
#: « 1 octobre », « 1 oct. »: the first of a month written without its ordinal.
BARE_FIRST = re.compile(rf"(?<![\d,.])1[ \u00a0](?:{MONTHS}|(?:{MONTHS_SHORT})\.)")
#: An ordinary (breaking) space before a high punctuation mark or a closing guillemet, or after an opening one.
BREAKING = re.compile(r" [:;!?»]|« ")


@pytest.fixture(scope="module")
def plan():
    bilan = {"id": "bilan", "label": "Bilan de mi-parcours déposé", "kind": "milestone", "due": dt.date(2026, 10, 1)}
    plan = sample_plan(extra_indicators=(bilan,))
    done = [Measurement(date=dt.date(2026, 10, 1), done=True, indicator="bilan"),
            Measurement(date=dt.date(2026, 5, 1), value=Decimal(2), indicator="rencontres-tp")]
    return with_measurements(plan, done)


def test_one_function_writes_the_first_of_the_month_with_its_ordinal():
    first, other = dt.date(2026, 10, 1), dt.date(2026, 10, 11)
    assert format_day(first) == "1er octobre 2026" and format_day(other) == "11 octobre 2026"
    assert format_day(first, "fr", "medium") == "1er oct. 2026" and format_day(other, "fr", "medium") == "11 oct. 2026"
    assert format_day(first, "fr", "full") == "jeudi 1er octobre 2026"
    assert format_day(first, "fr", "d MMMM") == "1er octobre"  # a pattern of one's own too
    assert format_day(first, "fr", "short") == "2026-10-01"  # numeric: no ordinal
    assert format_day(first, "en") == "October 1, 2026" and format_day(first, "en", "medium") == "Oct 1, 2026"
    loc = localizer("fr")
    assert loc.date(first) == "1er octobre 2026" and loc.date(first, "medium") == "1er oct. 2026"


def test_french_labels_get_their_no_break_spaces():
    assert french_spacing("Période : {start} au {end}") == "Période\u00a0: {start} au {end}"
    assert french_spacing("Reportée; dates précédentes : {dates}") == "Reportée\u00a0; dates précédentes\u00a0: {dates}"
    assert french_spacing("niveau « {level} »") == "niveau «\u00a0{level}\u00a0»"
    assert french_spacing("«\u00a0déjà\u00a0» : bon") == "«\u00a0déjà\u00a0»\u00a0: bon"  # idempotent
    fr, en = localizer("fr"), localizer("en")
    assert fr.pair("Échéancier", "2026") == "Échéancier\u00a0: 2026"
    assert en.pair("Schedule", "2026") == "Schedule: 2026"
    assert fr("report.period", start="a", end="b") == "Période\u00a0: a au b"


def _check(text: str, where: str) -> None:
    assert not BARE_FIRST.findall(text), f"{where}: {BARE_FIRST.findall(text)}"
    assert not BREAKING.findall(text), f"{where}: {[text[max(0, m.start() - 30):m.end() + 10] for m in BREAKING.finditer(text)]}"
    assert "1er octobre 2026" in text, where


def test_markdown_and_html(plan):
    markdown = render_report(plan, "markdown", as_of=AS_OF, lang="fr").decode("utf-8")
    _check(markdown, "markdown")
    assert "réalisé le 1er octobre 2026" in markdown and "1er janvier 2026" in markdown
    page = render_report(plan, "html", as_of=AS_OF, lang="fr").decode("utf-8")
    visible = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    visible = re.sub(r'<span class="[a-z-]*icon" aria-hidden="true">[^<]*</span>', "", visible)  # « ! » is a glyph
    visible = html_module.unescape(re.sub(r"<[^>]+>", " ", visible))
    _check(visible, "html")
    assert "1er mai 2026" in visible or "1er mai" in visible  # the measurement's date, short style


def test_csv_keeps_iso_dates(plan):
    text = render_report(plan, "csv", as_of=AS_OF, lang="fr").decode("utf-8-sig")
    assert "2026-10-01" in text and not BARE_FIRST.findall(text)


def test_xlsx(plan):
    openpyxl = pytest.importorskip("openpyxl")
    workbook = openpyxl.load_workbook(io.BytesIO(render_report(plan, "xlsx", as_of=AS_OF, lang="fr")))
    texts, first_formats, other_formats = [], set(), set()
    for ws in workbook.worksheets:
        for row in ws.iter_rows():
            for cell in row:
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                elif isinstance(cell.value, dt.datetime):
                    (first_formats if cell.value.day == 1 else other_formats).add(cell.number_format)
    _check("\n".join(texts), "xlsx")
    # date cells are real dates; their display format writes « 1er » on the first of a month
    assert first_formats and all('d"er"' in f for f in first_formats), first_formats
    assert other_formats and not any('"er"' in f for f in other_formats), other_formats


def test_docx(plan):
    docx = pytest.importorskip("docx")
    document = docx.Document(io.BytesIO(render_report(plan, "docx", as_of=AS_OF, lang="fr")))
    texts = [p.text for p in document.paragraphs]
    texts += [cell.text for table in document.tables for row in table.rows for cell in row.cells]
    _check("\n".join(texts), "docx")


def test_ics(plan):
    icalendar = pytest.importorskip("icalendar")
    calendar = icalendar.Calendar.from_ical(render_report(plan, "ics", as_of=AS_OF, lang="fr"))
    texts = [str(c.get(key, "")) for c in calendar.walk() for key in ("summary", "description")]
    _check("\n".join(texts), "ics")


def test_text_show():
    result = subprocess.run([sys.executable, "-m", "actionplan", "show", str(ROOT / "examples" / "concertation-horizon-2026.yaml"),
                             "--as-of", "2026-10-01"], capture_output=True, text=True, timeout=120,
                            env={"ACTIONPLAN_LANG": "fr", "PATH": "/usr/bin:/bin", "COLUMNS": "200"})
    assert result.returncode == 0, result.stderr
    assert "en date du 1er octobre 2026" in result.stdout
    assert "Période\u00a0: 1er janvier 2026 → 31 décembre 2026" in result.stdout
    assert not BARE_FIRST.findall(result.stdout)
