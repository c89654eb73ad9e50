"""``actionplan grants scores``: the score sheet of a call in HTML (core) and XLSX (actionplan-office)."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import pytest
from cli_runs import run

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
NAMES = ("alliance-maskoutains-2019-2023.yaml", "alliance-maskoutains-appel-2020.yaml",
         "alliance-maskoutains-comite-2020.yaml")


@pytest.fixture
def files(tmp_path):
    for name in NAMES:
        shutil.copy(EXAMPLES / name, tmp_path / name)
    return tuple(str(tmp_path / name) for name in NAMES)



def scores(files, fmt: str, output: Path, *extra: str) -> list[str]:
    plan, apps, committee = files
    return ["grants", "scores", plan, apps, "--committee", committee, "-f", fmt, "-o", str(output), *extra]


def test_the_html_sheet_shows_marks_na_recusal_aggregate_and_spread(capsys, files, tmp_path):
    output = tmp_path / "grille.html"
    code, out, err = run(capsys, *scores(files, "html", output))
    assert code == 0, err
    assert f"{output} : grille d'analyse écrite (6 demandes)" in out
    page = output.read_text(encoding="utf-8")
    assert '<html lang="fr-CA">' in page
    assert "Séance du comité de sélection : 20 février 2020" in page
    assert "Données illustratives" in page
    assert page.count('<td class="recused">récusation</td>') == 6  # a-03: five criteria and the total
    assert page.count('<td class="na">N/A</td>') == 2  # a-05, pérennité
    assert '<td class="num">88,67</td>' in page and "écart de 84 à 88" in page
    assert "Récusation : Luc Bouchard (fictif), conflit d&#39;intérêts déclaré le 2020-02-20" in page
    assert page.index("a-01 — Paniers") < page.index("a-03 — Logement") < page.index("a-06 — Aide")
    assert "a-07" not in page  # not eligible and not scored


def test_the_html_sheet_in_english_escapes_what_it_shows(capsys, files, tmp_path):
    committee = Path(files[2])
    committee.write_text(committee.read_text(encoding="utf-8").replace(
        'name: "Mai Nguyen (fictive)"', 'name: "<script>alert(1)</script>"'), encoding="utf-8")
    output = tmp_path / "sheet.html"
    code, _, err = run(capsys, "--lang", "en", *scores(files, "html", output))
    assert code == 0, err
    page = output.read_text(encoding="utf-8")
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "Score sheet — Alliance" in page and "Recusal: Luc Bouchard (fictif)" in page
    assert '<td class="num">88.67</td>' in page and "range 84 to 88" in page


def test_the_xlsx_sheet_has_numbers_na_recusals_and_inert_text(capsys, files, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    committee = Path(files[2])
    committee.write_text(committee.read_text(encoding="utf-8").replace(
        'name: "Mai Nguyen (fictive)"', 'name: "=HYPERLINK(\\"http://x\\")"'), encoding="utf-8")
    output = tmp_path / "grille.xlsx"
    code, _, err = run(capsys, *scores(files, "xlsx", output))
    assert code == 0, err
    book = openpyxl.load_workbook(io.BytesIO(output.read_bytes()))
    summary, marks = book.worksheets
    assert summary.title == "Synthèse" and marks.title == "Notes des membres"
    rows = [[c.value for c in row] for row in summary.iter_rows()]
    header = next(i for i, row in enumerate(rows) if row[0] == "Rang")
    first = rows[header + 1]
    assert first[0] == 1 and first[1].startswith("a-01") and float(first[3]) == 88.67
    assert rows[header + 2][-1] == "Luc Bouchard (fictif)"
    values = [[c.value for c in row] for row in marks.iter_rows()]
    flat = [v for row in values for v in row]
    assert flat.count("récusation") == 6 and flat.count("N/A") == 2
    names = next(row for row in values if row[0] == "Critère")
    assert names[2:5] == ["Hélène Gagnon (fictive)", "Luc Bouchard (fictif)", '=HYPERLINK("http://x")']
    cell = next(c for row in marks.iter_rows() for c in row if c.value == '=HYPERLINK("http://x")')
    assert cell.data_type == "s" and cell.quotePrefix
    # the same sheet twice is the same file, byte for byte
    again = tmp_path / "again.xlsx"
    run(capsys, *scores(files, "xlsx", again))
    assert again.read_bytes() == output.read_bytes()


def test_an_existing_file_is_kept_without_force_and_bad_requests_exit_2(capsys, files, tmp_path):
    output = tmp_path / "grille.html"
    output.write_text("ancienne grille", encoding="utf-8")
    code, out, err = run(capsys, *scores(files, "html", output))
    assert code == 2 and "existe déjà : --force pour le remplacer" in err
    assert output.read_text(encoding="utf-8") == "ancienne grille"
    code, _, _ = run(capsys, *scores(files, "html", output, "--force"))
    assert code == 0 and "Grille d&#39;analyse" in output.read_text(encoding="utf-8")
    code, _, err = run(capsys, *scores(files, "pdf", tmp_path / "x.pdf"))
    assert code == 2 and "format de grille inconnu : pdf" in err and "html" in err
    code, _, err = run(capsys, *scores(files, "html", tmp_path / "y.html", "--call", "appel-ete"))
    assert code == 2 and "appel de projets inconnu : appel-ete" in err
    assert not (tmp_path / "x.pdf").exists() and not (tmp_path / "y.html").exists()
    assert "Traceback" not in err
