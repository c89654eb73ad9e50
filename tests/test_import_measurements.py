"""Measurements from an Excel sheet: every row checked, all recorded or none (actionplan-word)."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

import pytest

pytest.importorskip("actionplan_word", reason="the actionplan-word distribution is not installed")
openpyxl = pytest.importorskip("openpyxl")

from actionplan_word.measurements import read_xlsx_measurements
from test_import_text import EXAMPLE_000, run_cli

import actionplan
from actionplan.errors import ValidationError
from actionplan.importers import ImportContext, SourceError
from actionplan.model import TrackingLog

HEADER = ("Indicateur", "Date", "Valeur", "Note")
GOOD_ROWS = [
    ("va-o1-a1-i1", dt.date(2026, 3, 15), 1, "Première rencontre de la TP"),  # count
    ("va-o1-a1-i2", "2026-03-15", "12/20", None),  # rate, as a fraction
    ("sa-o2-a1-i1", "31 mars 2026", "Satisfaisant", None),  # qualitative, level in any case
    ("sm-o1-a2-i1", dt.datetime(2026, 4, 2, 9, 30), "oui", "Fiche déposée"),  # deliverable
    ("vt-o2-a1-i1", "02/05/2026", "Roussillon, mrc:vaudreuil-soulanges", None),  # coverage, names or ids
    ("mob-o3-a1-i1", dt.date(2026, 5, 10), 3.5, None),  # tracked: decimals kept exactly
]


def workbook(rows, header=HEADER, sheet="Suivi", title=None) -> bytes:
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = sheet
    if title:
        ws.append([title])
    ws.append(list(header))
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture(scope="module")
def plan():
    return actionplan.load(EXAMPLE_000)


def _read(raw: bytes, plan, **options):
    return read_xlsx_measurements(raw, ImportContext(source="suivi.xlsx", options=options, plan=plan))


def test_each_kind_reads_its_own_value(plan):
    data = _read(workbook(GOOD_ROWS), plan).data
    log = actionplan.documents.from_data(data, TrackingLog)
    by_indicator = {m.indicator: m for m in log.measurements}
    assert log.plan == plan.id and len(log.measurements) == 6
    assert by_indicator["va-o1-a1-i1"].value == Decimal(1)
    assert by_indicator["va-o1-a1-i1"].note == "Première rencontre de la TP"
    assert (by_indicator["va-o1-a1-i2"].numerator, by_indicator["va-o1-a1-i2"].denominator) == (12, 20)
    assert by_indicator["sa-o2-a1-i1"].level == "satisfaisant"
    assert by_indicator["sa-o2-a1-i1"].date == dt.date(2026, 3, 31)
    assert by_indicator["sm-o1-a2-i1"].done is True and by_indicator["sm-o1-a2-i1"].date == dt.date(2026, 4, 2)
    assert by_indicator["vt-o2-a1-i1"].territories == ("mrc:roussillon", "mrc:vaudreuil-soulanges")
    assert by_indicator["vt-o2-a1-i1"].date == dt.date(2026, 5, 2)
    assert by_indicator["mob-o3-a1-i1"].value == Decimal("3.5")


def test_a_title_above_the_header_is_skipped(plan):
    data = _read(workbook(GOOD_ROWS[:1], title="Suivi du plan d'action 2026"), plan).data
    assert [m["indicator"] for m in data["measurements"]] == ["va-o1-a1-i1"]


def test_every_bad_row_is_reported_with_its_row_and_column(plan):
    rows = [
        GOOD_ROWS[0],
        ("va-o1-a1-i1x", dt.date(2026, 3, 1), 1, None),  # unknown indicator (row 3)
        ("va-o1-a1-i1", "le 32 mars", 1, None),  # bad date (row 4)
        ("va-o1-a1-i1", dt.date(2026, 3, 1), "quatre", None),  # not a number (row 5)
        ("va-o1-a1-i1", dt.date(2026, 3, 1), -2, None),  # negative count (row 6)
        ("sa-o2-a1-i1", dt.date(2026, 3, 1), "génial", None),  # not a level (row 7)
        ("sm-o1-a2-i1", dt.date(2026, 3, 1), "peut-être", None),  # not yes/no (row 8)
        ("vt-o2-a1-i1", dt.date(2026, 3, 1), "Atlantide", None),  # unknown territory (row 9)
        (None, dt.date(2026, 3, 1), 1, None),  # no indicator (row 10)
    ]
    with pytest.raises(ValidationError) as caught:
        _read(workbook(rows), plan)
    places = [issue.path for issue in caught.value.issues]
    assert places == [
        "feuille Suivi, ligne 3, colonne A", "feuille Suivi, ligne 4, colonne B", "feuille Suivi, ligne 5, colonne C",
        "feuille Suivi, ligne 6, colonne C", "feuille Suivi, ligne 7, colonne C", "feuille Suivi, ligne 8, colonne C",
        "feuille Suivi, ligne 9, colonne C", "feuille Suivi, ligne 10, colonne A",
    ]
    assert "did you mean" not in str(caught.value) and "vouliez-vous dire 'va-o1-a1-i1'" in str(caught.value)
    assert "insuffisant | partiel | satisfaisant | excellent" in str(caught.value)


@pytest.mark.parametrize("header, message", [
    (("Quoi", "Quand", "Combien"), "en-tête incomplet"),
    (("Indicateur", "Valeur"), "manque : date"),
])
def test_a_sheet_without_the_columns_is_refused(plan, header, message):
    with pytest.raises(SourceError, match=message):
        _read(workbook([("va-o1-a1-i1", 1)], header=header), plan)


def test_a_named_sheet_must_exist(plan):
    with pytest.raises(SourceError, match="pas de feuille 'Mars'"):
        _read(workbook(GOOD_ROWS), plan, sheet="Mars")


def test_a_workbook_that_is_not_one_is_refused(plan):
    with pytest.raises(SourceError, match="chiffré"):
        _read(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), plan)
    with pytest.raises(SourceError, match="la partie xl/workbook.xml manque"):
        from test_import_docx import build_docx

        _read(build_docx("Plan d'action 2026\n"), plan)


def test_a_workbook_with_xml_entities_is_refused(plan):
    import zipfile

    raw = workbook(GOOD_ROWS)
    source = zipfile.ZipFile(io.BytesIO(raw))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            content = source.read(info.filename)
            if info.filename == "xl/worksheets/sheet1.xml":
                content = b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">]>' + content
            target.writestr(info.filename, content)
    with pytest.raises(SourceError, match="partie xl/worksheets/sheet1.xml: déclaration XML <!DOCTYPE>"):
        _read(buffer.getvalue(), plan)


def test_the_command_appends_to_a_tracking_log_all_or_nothing(tmp_path):
    sheet = tmp_path / "suivi.xlsx"
    sheet.write_bytes(workbook(GOOD_ROWS))
    log = tmp_path / "suivi.yaml"
    result = run_cli("import-measurements", str(sheet), "--plan", str(EXAMPLE_000), "-o", str(log))
    assert result.exit_code == 0, result.output
    assert "6 mesures ajoutées (6 au total)" in result.output
    again = run_cli("import-measurements", str(sheet), "--plan", str(EXAMPLE_000), "-o", str(log))
    assert "(12 au total)" in again.output
    before = log.read_bytes()
    bad = tmp_path / "mauvais.xlsx"
    bad.write_bytes(workbook([*GOOD_ROWS, ("va-o1-a1-i1", "hier", 1, None)]))
    result = run_cli("import-measurements", str(bad), "--plan", str(EXAMPLE_000), "-o", str(log))
    assert result.exit_code == 2
    assert "feuille Suivi, ligne 8, colonne B : date illisible" in result.output
    assert "Traceback" not in result.output
    assert log.read_bytes() == before  # nothing recorded from a file with a bad row
    logged = actionplan.load(log, TrackingLog)
    assert len(logged.measurements) == 12


def test_the_command_refuses_another_plans_log_and_needs_a_target(tmp_path):
    sheet = tmp_path / "suivi.xlsx"
    sheet.write_bytes(workbook(GOOD_ROWS))
    other = tmp_path / "autre.yaml"
    other.write_text("type: tracking\nplan: autre-plan\nmeasurements: []\n", encoding="utf-8")
    result = run_cli("import-measurements", str(sheet), "--plan", str(EXAMPLE_000), "-o", str(other))
    assert result.exit_code == 2 and "journal du plan autre-plan" in result.output
    result = run_cli("import-measurements", str(sheet), "--plan", str(EXAMPLE_000))
    assert result.exit_code == 2 and "-o JOURNAL.yaml ou --store URL" in result.output


def test_the_command_records_into_a_store(tmp_path):
    from actionplan.storage import open_store

    url = f"sqlite:{tmp_path / 'plans.db'}"
    plan = actionplan.load(EXAMPLE_000)
    with open_store(url) as store:
        store.save(plan)
    sheet = tmp_path / "suivi.xlsx"
    sheet.write_bytes(workbook(GOOD_ROWS))
    result = run_cli("--store", url, "import-measurements", str(sheet), "--plan", str(EXAMPLE_000),
                     "--author", "agente")
    assert result.exit_code == 0, result.output
    with open_store(url) as store:
        recorded = store.measurements(plan.id)
    assert sorted(m.indicator for m in recorded) == sorted(row[0] for row in GOOD_ROWS)
