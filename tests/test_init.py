"""`actionplan init`: a new round table gets a plan file that validates at once."""

from __future__ import annotations

import click
from click.testing import CliRunner
from test_import_text import run_cli

import actionplan
from actionplan.cli import main


def test_init_writes_a_valid_plan_from_options(tmp_path):
    target = tmp_path / "plan.yaml"
    result = run_cli("init", str(target), "--organisation", "Table de développement social du Roussillon",
                     "--territory", "Roussillon", "--year", "2026", "--theme", "Sécurité alimentaire")
    assert result.exit_code == 0, result.output
    assert "plan créé et valide" in result.output
    plan = actionplan.load(target)
    assert plan.id == "table-de-developpement-social-du-roussillon-2026"
    assert plan.title == "Table de développement social du Roussillon — Plan d'action 2026"
    assert (plan.period.start.isoformat(), plan.period.end.isoformat()) == ("2026-01-01", "2026-12-31")
    assert plan.territories == ("mrc:roussillon",)
    assert plan.organisation == plan.organisations[0].id
    assert [t.title for t in plan.themes] == ["Sécurité alimentaire"]
    (_, _, action, indicator), = plan.iter_indicators()
    assert action.schedule.text == "En continu" and indicator.kind == "tracked"
    assert action.partners[0].role == "lead"
    text = target.read_text(encoding="utf-8")
    assert "# # yaml-language-server: $schema=./actionplan.schema.json" in text
    assert run_cli("validate", str(target)).exit_code == 0


def test_init_never_overwrites(tmp_path):
    target = tmp_path / "plan.yaml"
    target.write_text("déjà là", encoding="utf-8")
    result = run_cli("init", str(target), "--organisation", "X", "--year", "2026")
    assert result.exit_code == 2
    assert f"{target} existe déjà\u00a0: rien n'a été remplacé (--force pour le remplacer)" in result.output
    assert target.read_text(encoding="utf-8") == "déjà là"
    assert run_cli("init", str(target), "--organisation", "X", "--year", "2026", "--force").exit_code == 0
    assert actionplan.load(target).organisation == "x"


def test_init_asks_for_what_is_missing_with_defaults(tmp_path):
    target = tmp_path / "plan.yaml"
    command = click.Command("actionplan", callback=lambda: main(["init", str(target), "--interactive"]))
    result = CliRunner().invoke(command, [], input="Table des Maskoutains\nMRC des Maskoutains\n2019-2020\n\n")
    assert result.exit_code == 0, result.output
    assert "Nom de l'organisation [Table de concertation]" in result.output
    plan = actionplan.load(target)
    assert plan.fiscal_years is True
    assert (plan.period.start.isoformat(), plan.period.end.isoformat()) == ("2019-04-01", "2020-03-31")
    assert plan.territories == ("mrc:les-maskoutains",)
    assert plan.themes[0].title == "Premier enjeu"


def test_init_without_a_terminal_uses_the_defaults_in_english(tmp_path):
    target = tmp_path / "plan.yaml"
    result = run_cli("--lang", "en", "init", str(target))
    assert result.exit_code == 0, result.output
    plan = actionplan.load(target)
    assert plan.title.startswith("Round table — Action plan ")
    assert plan.language == "en"


def test_init_refuses_a_bad_year_or_territory(tmp_path):
    target = tmp_path / "plan.yaml"
    assert run_cli("init", str(target), "--year", "2026-2030").exit_code == 2
    result = run_cli("init", str(target), "--territory", "Atlantide")
    assert result.exit_code == 2 and "territoire inconnu" in result.output
    assert not target.exists()
