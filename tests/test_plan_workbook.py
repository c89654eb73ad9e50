"""The plan workbook (actionplan-office): export → import gives the plan back; LibreOffice-edited files
import; bad workbooks are refused cell by cell; ``init --format xlsx``; the CSV of indicators."""

from __future__ import annotations

import datetime as dt
import io
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import attrs
import click
import pytest
from click.testing import CliRunner

openpyxl = pytest.importorskip("openpyxl")
pytest.importorskip("actionplan_office")
pytest.importorskip("actionplan_word")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import actionplan  # noqa: E402
from actionplan.api import ImportContext, ValidationError, render_report  # noqa: E402
from actionplan.cli import main  # noqa: E402
from actionplan.importers import import_file  # noqa: E402
from actionplan_office.plan_workbook import KINDS, read_plan_csv, read_plan_workbook  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
EXAMPLE = EXAMPLES / "concertation-horizon-2026.yaml"
TRACKING = EXAMPLES / "concertation-horizon-2026-suivi.yaml"


def bare(plan):
    """The plan without measurements (the workbook holds the plan, not its tracking)."""
    def action(a):
        return attrs.evolve(a, indicators=tuple(attrs.evolve(i, measurements=()) for i in a.indicators))

    return attrs.evolve(plan, themes=tuple(attrs.evolve(t, objectives=tuple(
        attrs.evolve(o, actions=tuple(map(action, o.actions))) for o in t.objectives)) for t in plan.themes))


def workbook_of(plan) -> bytes:
    return render_report(plan, "xlsx-plan", lang=plan.language)


def read(raw: bytes):
    result = read_plan_workbook(raw, ImportContext(source="plan.xlsx"))
    return actionplan.documents.from_data(result.data, source="plan.xlsx"), result


def run(*args):
    command = click.Command("actionplan", callback=lambda: main(list(args)))
    return CliRunner().invoke(command, [])


@pytest.mark.parametrize("name", ["concertation-horizon-2026.yaml", "alliance-maskoutains-2019-2023.yaml"])
def test_export_then_import_gives_the_same_plan(name):
    plan = bare(actionplan.load(EXAMPLES / name))
    plan = attrs.evolve(plan, program=None)  # a grant program stays in the plan file (not a workbook sheet)
    imported, result = read(workbook_of(plan))
    assert imported == plan
    assert result.warnings == ()


def test_the_workbook_has_the_layout_lists_and_typed_cells():
    plan = actionplan.load(EXAMPLE)
    workbook = openpyxl.load_workbook(io.BytesIO(workbook_of(plan)))
    assert workbook.sheetnames[:2] == ["Plan", "Thèmes"]
    assert {"Indicateurs", "Cibles", "Partenaires", "Organisations", "Territoires"} <= set(workbook.sheetnames)
    transport = workbook["Transport"]
    assert [c.value for c in transport[1]][:4] == ["Objectifs spécifiques", "Moyens / Actions",
                                                   "Indicateurs de mise en œuvre", "Échéancier"]
    assert any(r.min_col == 1 and r.max_row > r.min_row for r in transport.merged_cells.ranges)
    indicators = workbook["Indicateurs"]
    assert any(str(v.sqref).startswith("C2:C") and v.formula1.startswith("Listes!$A$1")
               for v in indicators.data_validations.dataValidation)
    partners = workbook["Partenaires"]
    assert {str(v.sqref)[:4] for v in partners.data_validations.dataValidation} == {"B2:B", "C2:C"}
    count = next(row for row in indicators.iter_rows(min_row=2) if row[0].value == "va-o1-a1-i1")
    assert count[4].data_type == "n" and count[4].value == 4
    assert workbook["Plan"]["A4"].value == "Début" and workbook["Plan"]["B4"].value.date() == plan.period.start
    assert workbook["Plan"]["B8"].value == "non"  # fiscal years: a word, not a boolean
    assert workbook["Listes"].sheet_state == "hidden"
    assert [c.value for c in workbook["Listes"]["A"]][:len(KINDS) + 1] == [*KINDS, None]


def test_libreoffice_booleans_and_dates_typed_as_text_are_read():
    raw = workbook_of(actionplan.load(EXAMPLE))

    def edit(wb):
        wb["Plan"]["B8"].value = "=TRUE()"  # how LibreOffice saves a boolean cell
        wb["Plan"]["B5"].value = "2026-12-31"
    plan, _ = read(_edit(raw, edit))
    assert plan.fiscal_years is True and plan.period.end == dt.date(2026, 12, 31)


def _edit(raw: bytes, edit) -> bytes:
    workbook = openpyxl.load_workbook(io.BytesIO(raw))
    edit(workbook)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _cell_of(ws, value):
    return next(cell for row in ws.iter_rows() for cell in row if cell.value == value)


def _issues(raw: bytes) -> list[str]:
    with pytest.raises(ValidationError) as caught:
        read(raw)
    return [f"{i.path} | {i.message} | {i.expected} | {i.found}" for i in caught.value.issues]


def test_bad_workbooks_are_refused_with_sheet_cell_and_what_was_expected():
    raw = workbook_of(actionplan.load(EXAMPLE))

    def rename(wb):
        wb["Indicateurs"].title = "Mes indicateurs"
    assert any("Indicateurs" in i and "feuille manquante" in i for i in _issues(_edit(raw, rename)))

    def drop_column(wb):
        wb["Indicateurs"]["C1"].value = "Sorte"
    assert any("feuille Indicateurs, ligne 1" in i and "Genre" in i for i in _issues(_edit(raw, drop_column)))

    def bad_kind(wb):
        _cell_of(wb["Indicateurs"], "va-o1-a1-i1").offset(column=2).value = "compte"
    issues = _issues(_edit(raw, bad_kind))
    assert any("valeur hors de la liste" in i and "count | tracked" in i and "'compte'" in i for i in issues)

    def formula(wb):
        _cell_of(wb["Indicateurs"], "va-o1-a1-i1").offset(column=4).value = "=2+2"
    assert any("formule" in i and "cellule E" in i for i in _issues(_edit(raw, formula)))

    def text_target(wb):
        cell = _cell_of(wb["Indicateurs"], "va-o1-a1-i1").offset(column=4)
        cell.value, cell.data_type = "4", "s"
    assert any("nombre attendu" in i and "'4'" in i for i in _issues(_edit(raw, text_target)))

    def merged(wb):
        wb["Transport"].merge_cells("C2:D2")
    assert any("feuille Transport, cellule C2" in i and "fusionnées" in i and "C2:D2" in i
               for i in _issues(_edit(raw, merged)))


def test_the_cli_imports_a_workbook_and_writes_nothing_for_a_bad_one(tmp_path):
    source = tmp_path / "plan.xlsx"
    assert run("report", str(EXAMPLE), "--format", "xlsx-plan", "-o", str(source)).exit_code == 0
    out = tmp_path / "plan.yaml"
    result = run("import", str(source), "-o", str(out))
    assert result.exit_code == 0, result.output
    assert actionplan.load(out) == bare(actionplan.load(EXAMPLE))

    def formula(wb):
        _cell_of(wb["Indicateurs"], "va-o1-a1-i1").offset(column=4).value = "=SUM(1,2)"
    bad = tmp_path / "bad.xlsx"
    bad.write_bytes(_edit(source.read_bytes(), formula))
    refused = run("import", str(bad), "-o", str(tmp_path / "bad.yaml"))
    assert refused.exit_code == 2 and "formule" in refused.output and "Traceback" not in refused.output
    assert not (tmp_path / "bad.yaml").exists()


def test_init_gives_a_workbook_to_fill_in(tmp_path):
    path = tmp_path / "plan.xlsx"
    result = run("init", str(path), "--format", "xlsx", "--organisation", "Table de Roussillon", "--year", "2026",
                 "--no-interactive")
    assert result.exit_code == 0, result.output
    plan, _ = read(path.read_bytes())
    assert plan.title.startswith("Table de Roussillon") and len(list(plan.iter_indicators())) == 1
    assert run("init", str(path), "--format", "xlsx", "--no-interactive").exit_code == 2  # never overwrites


def _edit_like_a_person(raw: bytes) -> bytes:
    """The two edits of the scenario: a target changed (4 → 5), an action added below the last one of a sheet."""
    def edit(wb):
        _cell_of(wb["Indicateurs"], "va-o1-a1-i1").offset(column=4).value = 5
        ws = wb["Vie associative"]
        ws.cell(row=ws.max_row + 1, column=2).value = "Tournée des territoires"
        ws.cell(row=ws.max_row, column=4).value = "En continu"
    return _edit(raw, edit)


def _libreoffice_saved(tmp_path, raw: bytes) -> bytes:
    soffice = shutil.which("soffice")
    if soffice is None:
        pytest.skip("LibreOffice (soffice) is not installed")
    source = tmp_path / "edited.xlsx"
    source.write_bytes(raw)
    out = tmp_path / "lo"
    subprocess.run([soffice, "--headless", f"-env:UserInstallation=file://{tmp_path}/profile", "--convert-to",
                    "xlsx:Calc MS Excel 2007 XML", "--outdir", str(out), str(source)],
                   check=True, capture_output=True, timeout=180)
    return (out / "edited.xlsx").read_bytes()


def test_a_workbook_edited_and_saved_by_libreoffice_updates_the_stored_plan(tmp_path):
    store = f"sqlite:{tmp_path / 's.db'}"
    assert run("--store", store, "save", str(EXAMPLE)).exit_code == 0
    assert run("--store", store, "save", str(TRACKING)).exit_code == 0
    exported = tmp_path / "plan.xlsx"
    assert run("--store", store, "report", "concertation-horizon-2026", "--format", "xlsx-plan",
               "-o", str(exported)).exit_code == 0
    edited = tmp_path / "plan-edited.xlsx"
    edited.write_bytes(_libreoffice_saved(tmp_path, _edit_like_a_person(exported.read_bytes())))
    dry = run("--store", store, "import", str(edited), "--into", "concertation-horizon-2026", "--dry-run")
    assert dry.exit_code == 0, dry.output
    changes = [line.strip() for line in dry.output.splitlines() if line[:4] in ("  ~ ", "  + ", "  - ", "  > ")]
    assert changes == [
        "~ modifié\u00a0: cible va-o1-a1-i1 «\u00a04 rencontres\u00a0», target\u00a0: 4 → 5",
        "+ ajouté\u00a0: action va-o8-a3 «\u00a0Tournée des territoires\u00a0» (dans va-o8)",
    ], dry.output
    applied = run("--store", store, "import", str(edited), "--into", "concertation-horizon-2026")
    assert applied.exit_code == 0 and "version 2" in applied.output, applied.output
    from actionplan.storage import open_store

    with open_store(store) as opened:
        plan = opened.plan_with_measurements("concertation-horizon-2026")
        assert opened.get("concertation-horizon-2026").version == 2
        # every measurement that counts is still there (the ones waiting for review stay apart)
        assert sum(len(i.measurements) for *_, i in plan.iter_indicators()) == len(actionplan.load(TRACKING).counted())
    shown = run("--store", store, "diff", str(EXAMPLE), "concertation-horizon-2026@2")
    assert shown.exit_code == 0 and "2 changements" in shown.output and "va-o8-a3" in shown.output


def test_the_csv_of_indicators_reads_back_with_the_year_given(tmp_path):
    plan = actionplan.load(EXAMPLE)
    raw = render_report(plan, "csv-plan", lang="fr")
    header = raw.decode("utf-8-sig").splitlines()[0]
    assert header.startswith("Id thème,Thème,Objectifs spécifiques,Moyens / Actions,Indicateurs de mise en œuvre")
    result = read_plan_csv(raw, ImportContext(source="plan.csv", options={"year": "2026",
                                                                            "organisation": "Concertation Horizon"}))
    imported = actionplan.documents.from_data(result.data, source="plan.csv")
    assert [i.id for *_, i in imported.iter_indicators()] == [i.id for *_, i in plan.iter_indicators()]
    assert [(i.label, i.kind, i.target) for *_, i in imported.iter_indicators()] == \
        [(i.label, i.kind, i.target) for *_, i in plan.iter_indicators()]
    with pytest.raises(ValidationError) as caught:
        read_plan_csv(raw.replace(b",count,", b",compte,", 1), ImportContext(source="plan.csv",
                                                                            options={"year": "2026"}))
    assert any("hors de la liste" in i.message for i in caught.value.issues)


_text = st.text(st.characters(min_codepoint=32, max_codepoint=0x2FFF, blacklist_categories=("Cs", "Cc")),
                min_size=1, max_size=30).map(str.strip).filter(bool)


@st.composite
def plans(draw):
    plan = bare(actionplan.load(EXAMPLE))
    themes = []
    for t_index, theme in enumerate(plan.themes[:draw(st.integers(1, 3))]):
        objectives = []
        for objective in theme.objectives[:draw(st.integers(1, 2))]:
            actions = []
            for action in objective.actions[:draw(st.integers(1, 2))]:
                indicators = tuple(attrs.evolve(i, label=draw(_text), note=draw(st.none() | _text),
                                                baseline=draw(st.none() | st.decimals(0, 1000, places=2)))
                                   for i in action.indicators[:draw(st.integers(0, 2))])
                actions.append(attrs.evolve(action, title=draw(_text), indicators=indicators))
            objectives.append(attrs.evolve(objective, title=draw(_text), actions=tuple(actions)))
        themes.append(attrs.evolve(theme, title=draw(_text) + f" {t_index}", objectives=tuple(objectives)))
    return attrs.evolve(plan, themes=tuple(themes), mission=draw(st.none() | _text))


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(plans())
def test_generated_plans_round_trip(plan):
    imported, _ = read(workbook_of(plan))
    assert imported == plan


@pytest.mark.parametrize("title", ["' 0", "'' x '", " 'Logement' "])
def test_a_theme_title_with_quotes_and_spaces_at_its_ends_finds_its_sheet_again(title):
    """Hypothesis found « ' 0 »: its sheet was named « 0 » with a space left in front, which the reader missed."""
    plan = bare(actionplan.load(EXAMPLE))
    plan = attrs.evolve(plan, themes=(attrs.evolve(plan.themes[0], title=title.strip()),))
    imported, _ = read(workbook_of(plan))
    assert imported == plan


def test_numbers_keep_their_decimals():
    plan = bare(actionplan.load(EXAMPLE))
    first = next(i for *_, i in plan.iter_indicators() if i.kind == "count")
    edited = _replace_target(plan, first.id, Decimal("2.5"))
    imported, _ = read(workbook_of(edited))
    assert imported.find_indicator(first.id).target == Decimal("2.5")


def _replace_target(plan, indicator_id, value):
    return _edit_indicator(plan, indicator_id, target=value)


def test_text_that_looks_like_a_formula_stays_text_both_ways():
    plan = attrs.evolve(bare(actionplan.load(EXAMPLE)), mission='=HYPERLINK("http://evil.example")',
                        title="+cmd|' /C calc'!A0")
    imported, _ = read(workbook_of(plan))
    assert (imported.mission, imported.title) == (plan.mission, plan.title)
    labelled = _replace_label(plan, "va-o1-a1-i1", "=1+1")
    csv_raw = render_report(labelled, "csv-plan", lang="fr")
    assert b",'=1+1," in csv_raw
    data = read_plan_csv(csv_raw, ImportContext(source="p.csv", options={"year": "2026"})).data
    labels = [i["label"] for t in data["themes"] for o in t["objectives"] for a in o["actions"]
              for i in a.get("indicators", [])]
    assert "=1+1" in labels


def _replace_label(plan, indicator_id, label):
    return _edit_indicator(plan, indicator_id, label=label)


def _edit_indicator(plan, indicator_id, **changes):
    def action(a):
        return attrs.evolve(a, indicators=tuple(attrs.evolve(i, **changes) if i.id == indicator_id else i
                                                for i in a.indicators))

    return attrs.evolve(plan, themes=tuple(attrs.evolve(t, objectives=tuple(
        attrs.evolve(o, actions=tuple(map(action, o.actions))) for o in t.objectives)) for t in plan.themes))


def test_a_sheet_name_cut_at_its_limit_keeps_no_trailing_space():
    """A title cut at 31 characters right after a space: the reader trims the name it reads from the
    themes sheet, so the sheet's own name must not end with that space (found by the test above)."""
    from actionplan_office.spreadsheet import _sheet_name

    title = "9" * 30 + " suite"
    assert _sheet_name(title, set()) == "9" * 30
    assert _sheet_name(title, {"9" * 30}) == "9" * 27 + " (2)"
    assert _sheet_name("'" + "a" * 29 + "' b", set()) == "a" * 29
