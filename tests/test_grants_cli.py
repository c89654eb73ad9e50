"""``actionplan grants``: check, ledger and pending on the Alliance example, in French and English."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from cli_runs import run

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PLAN = str(EXAMPLES / "alliance-maskoutains-2019-2023.yaml")
APPS = str(EXAMPLES / "alliance-maskoutains-demandes.yaml")
NBSP = "\xa0"



def test_check_in_french_gives_verdicts_reasons_advice_and_ranking(capsys):
    code, out, err = run(capsys, "grants", "check", PLAN, APPS)
    assert code == 0, err
    assert out.startswith("Alliance pour la solidarité 2019-2023 — MRC des Maskoutains : 8 demandes, 4 admissibles")
    assert "(données illustratives : organismes et projets fictifs)" in out
    order = [line.split(" — ")[0] for line in out.splitlines() if line[:1].isdigit() or line.startswith("–")]
    assert order == ["1. d-01", "2. d-06", "3. d-08", "4. d-02", "– d-03", "– d-04", "– d-05", "– d-07"]
    assert "→ ajouter 1 organisme impliqué dans l'exécution\u00a0; les lettres d'appui ne comptent pas" in out
    assert "→ rejoindre 2 municipalités de plus sur le territoire (Les Maskoutains)" in out
    assert "2 municipalités hors du territoire ne comptent pas" in out
    assert "1 organisme nommé deux fois compte une fois" in out
    assert "→ agir sur 1 priorité de plus pour être priorisé" in out


def test_check_in_english_and_as_json(capsys):
    code, out, _ = run(capsys, "grants", "check", PLAN, APPS, "--lang", "en")
    assert code == 0
    assert "add 1 organisation involved in carrying out the project; letters of support do not count" in out
    assert "reach 2 more municipalities of the territory (Les Maskoutains)" in out
    code, out, _ = run(capsys, "--lang", "en", "grants", "check", PLAN, APPS, "--format", "json")
    data = json.loads(out)
    assert data["illustrative"] is True and data["lang"] == "en"
    by_id = {a["application"]: a for a in data["applications"]}
    assert by_id["d-02"]["rank"] == 4 and by_id["d-02"]["eligible"] is True
    d04 = by_id["d-04"]
    assert d04["eligible"] is False and d04["rank"] is None
    municipalities = d04["criteria"][1]
    assert municipalities["facts"]["municipalities"] == 3 and municipalities["facts"]["outside_territory"] == 2
    assert municipalities["facts"]["reached"] == ["mun:saint-barnabe-sud", "mun:saint-jude", "mun:saint-louis"]
    assert municipalities["advice"] == "reach 2 more municipalities of the territory (Les Maskoutains)"


def test_ledger_shows_the_seed_numbers_with_carry_over_and_lapse(capsys):
    code, out, err = run(capsys, "grants", "ledger", PLAN, APPS, "--as-of", "2023-06-30")
    assert code == 0, err
    rows = {line.split()[0]: line for line in out.splitlines() if line[:4].isdigit()}
    assert f"195{NBSP}007{NBSP}$" in rows["2020-2021"] and f"45{NBSP}007{NBSP}$" in rows["2020-2021"]
    assert rows["2021-2022"].split("  ")[0] == "2021-2022"
    assert f"30{NBSP}013{NBSP}$" in rows["2022-2023"]
    assert (f"Engagé 360{NBSP}000{NBSP}$ + disponible 0{NBSP}$ + périmé 30{NBSP}013{NBSP}$ = "
            f"total 390{NBSP}013{NBSP}$") in out
    code, out, _ = run(capsys, "grants", "ledger", PLAN, APPS, "--as-of", "2023-06-30", "--format", "json")
    data = json.loads(out)
    assert [r["envelope"] for r in data["rows"]] == ["0", "195007", "97503", "97503"]
    assert [r["carried_in"] for r in data["rows"]] == ["0", "0", "45007", "27510"]
    assert [r["committed"] for r in data["rows"]] == ["0", "150000", "115000", "95000"]
    assert [r["paid"] for r in data["rows"]] == ["0", "150000", "115000", "70000"]
    assert [r["carried_out"] for r in data["rows"]] == ["0", "45007", "27510", "0"]
    assert [r["lapsed"] for r in data["rows"]] == ["0", "0", "0", "30013"]
    assert data["totals"] == {"total": "390013", "committed": "360000", "paid": "335000", "available": "0",
                              "lapsed": "30013"}


def test_ledger_without_applications_and_in_english(capsys):
    code, out, _ = run(capsys, "grants", "ledger", PLAN, "--as-of", "2020-06-01", "--lang", "en")
    assert code == 0
    assert "Committed $0 + available $390,013 + lapsed $0 = total $390,013" in out
    assert "2021-2022     $97,503    $195,007" in out


def test_pending_says_what_waits_on_whom(capsys):
    code, out, _ = run(capsys, "grants", "pending", PLAN, APPS, "--as-of", "2020-03-01")
    assert code == 0
    assert "Conseil de la MRC des Maskoutains (3)" in out
    assert "d-08" not in out  # deposited in 2021
    code, out, _ = run(capsys, "grants", "pending", PLAN, APPS, "--as-of", "2023-06-30")
    assert "Coordonnateur de l'Alliance de la Table des préfets (1)" in out
    assert f"d-06 — Logement et insertion : accompagnement intégré : versement du solde de 25{NBSP}000{NBSP}$" in out
    assert "Suivi et reddition de comptes (dû le 2023-03-31, en retard)" in out
    code, out, _ = run(capsys, "grants", "pending", PLAN, APPS, "--as-of", "2023-06-30", "--format", "json")
    kinds = sorted((w["application"], w["kind"]) for w in json.loads(out)["waiting"])
    assert kinds == [("d-06", "payment"), ("d-06", "report")]


def test_a_plan_without_program_is_a_clean_error(capsys, tmp_path):
    text = Path(PLAN).read_text(encoding="utf-8")
    path = tmp_path / "sans-programme.yaml"
    path.write_text(text[: text.index("\n# -----")], encoding="utf-8")
    code, _, err = run(capsys, "grants", "ledger", str(path))
    assert code == 2
    assert "n'a pas de section « program: »" in err and "Traceback" not in err


def test_a_document_of_another_type_is_a_clean_error(capsys):
    code, _, err = run(capsys, "grants", "check", PLAN, PLAN)
    assert code == 2 and "attendu un document « type: applications », trouvé plan" in err


def test_an_illegal_transition_in_the_document_is_reported_with_its_path(capsys, tmp_path):
    text = Path(APPS).read_text(encoding="utf-8").replace(
        "  - {application: d-01, date: 2020-04-20, amount: 60000}", "  - {application: d-01, date: 2020-04-01, amount: 60000}")
    path = tmp_path / "demandes.yaml"
    path.write_text(text, encoding="utf-8")
    code, _, err = run(capsys, "grants", "check", PLAN, str(path))
    assert code == 2
    assert "payments[0] : d-01\xa0: aucun versement avant la signature de l'entente" in err


def test_end_to_end_through_the_console_script():
    result = subprocess.run([sys.executable, "-m", "actionplan", "grants", "ledger", PLAN, APPS, "--as-of", "2024-01-01"],
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert f"390{NBSP}013{NBSP}$" in result.stdout


def test_a_program_without_budget_has_no_ledger_but_pending_works(capsys, tmp_path):
    text = Path(PLAN).read_text(encoding="utf-8")
    budget = "  budget:\n    2019-2020: 0\n    2020-2021: 195007\n    2021-2022: 97503\n    2022-2023: 97503\n  total: 390013\n"
    assert budget in text
    path = tmp_path / "sans-budget.yaml"
    path.write_text(text.replace(budget, ""), encoding="utf-8")
    code, _, err = run(capsys, "grants", "ledger", str(path))
    assert code == 2 and "le programme n'a pas de budget" in err
    code, out, _ = run(capsys, "grants", "pending", str(path), "--as-of", "2020-01-01")
    assert code == 0 and "Rien n'est en attente." in out


def test_pending_lists_calls_whose_deadline_is_to_come_with_their_postponements(capsys, tmp_path):
    text = Path(PLAN).read_text(encoding="utf-8")
    call = '      schedule: "Hiver 2019-2020"\n'
    assert call in text
    deadline = call + ("      deadlines:\n        - date: 2020-02-14\n"
                       "          postponements: [{previous: 2020-01-31, reason: tempête}]\n")
    path = tmp_path / "avec-echeance.yaml"
    path.write_text(text.replace(call, deadline, 1), encoding="utf-8")
    code, out, _ = run(capsys, "grants", "pending", str(path), "--as-of", "2020-01-15")
    assert code == 0
    assert "Premier appel de projets : dépôt au plus tard le 2020-02-14 (reportée, d'abord le 2020-01-31)" in out
    code, out, _ = run(capsys, "grants", "pending", str(path), "--as-of", "2020-02-15")
    assert "Rien n'est en attente." in out


def _with_a_decision_out_of_order(tmp_path) -> str:
    """The Alliance's document where the table des préfets decides on d-08 before the MRC council."""
    text = Path(APPS).read_text(encoding="utf-8")
    step = "{application: d-08, body: conseil-mrc, date: 2022-01-19"
    assert step in text
    path = tmp_path / "demandes.yaml"
    path.write_text(text.replace(step, "{application: d-08, body: table-prefets, date: 2022-01-19"), encoding="utf-8")
    return str(path)


def test_one_bad_decision_does_not_hide_the_ledger(capsys, tmp_path):
    apps = _with_a_decision_out_of_order(tmp_path)
    code, out, err = run(capsys, "grants", "ledger", PLAN, apps, "--as-of", "2023-04-01")
    assert code == 2
    # the table is there, without d-08's 80 000 $ (refused: its later events are refused too)
    assert f"Engagé 280{NBSP}000{NBSP}$ + disponible 0{NBSP}$ + périmé 110{NBSP}013{NBSP}$" in out
    lines = err.splitlines()
    assert lines[0] == f"{apps} : 6 erreurs ; le tableau ci-dessus ne compte que ce qui a été accepté"
    assert lines[1].startswith("  decisions[15] : d-08 attend d'abord la décision de Conseil de la MRC des Maskoutains")
    code, out, err = run(capsys, "grants", "ledger", PLAN, apps, "--as-of", "2023-04-01", "--format", "json", "--lang", "en")
    assert code == 2
    data = json.loads(out)
    assert data["totals"]["committed"] == "280000"
    assert [e["path"] for e in data["errors"]] == ["decisions[15]", "decisions[16]", "agreements[3]", "payments[6]",
                                                   "payments[8]", "reports[2]"]
    assert err.startswith(f"{apps}: 6 errors; the table above counts only what was accepted")


def test_pending_too_shows_what_it_can_beside_the_errors(capsys, tmp_path):
    apps = _with_a_decision_out_of_order(tmp_path)
    code, out, err = run(capsys, "grants", "pending", PLAN, apps, "--as-of", "2022-02-01")
    assert code == 2
    assert "d-08 — Cuisine et réussite scolaire" in out
    assert "6 erreurs" in err.splitlines()[0]


def test_a_refusal_printed_by_a_plugin_command_speaks_the_command_line_language(tmp_path):
    plugin = tmp_path / "refusing.py"
    plugin.write_text(
        "import click\nimport actionplan\nfrom actionplan.api import GrantRefusal, Ledger\n"
        "import datetime as dt\nfrom decimal import Decimal\n\n"
        "@actionplan.hookimpl\ndef actionplan_register_commands(cli):\n"
        "    @cli.command('refuse-demo')\n"
        "    def demo():\n"
        "        ledger = Ledger({'2020-2021': Decimal(10)}, dt.date(2020, 4, 1), dt.date(2021, 3, 31))\n"
        "        try:\n"
        "            ledger.commit('a', {'2020-2021': Decimal(20)}, dt.date(2020, 5, 1))\n"
        "        except GrantRefusal as exc:\n"
        "            click.echo(str(exc))\n", encoding="utf-8")
    outputs = {}
    for lang in ("fr", "en"):
        result = subprocess.run([sys.executable, "-m", "actionplan", "--lang", lang, "--plugin", str(plugin), "refuse-demo"],
                                capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr
        outputs[lang] = result.stdout.strip()
    assert outputs["fr"].startswith(f"a{NBSP}: engagement refusé{NBSP}; 20{NBSP}$ demandés jusqu'à l'exercice 2020-2021")
    assert outputs["en"].startswith("a: commitment refused; $20 asked up to fiscal year 2020-2021")
