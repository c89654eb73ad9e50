"""The diff engine (actionplan.diff), ``actionplan diff`` and ``actionplan import --into``."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import attrs
import click
import pytest
from click.testing import CliRunner

import actionplan
from actionplan.cli import main
from actionplan.diff import Change, adopt_ids, diff_plans, render_html, render_text
from actionplan.model.indicators import Target
from actionplan.model.plan import Action

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "concertation-horizon-2026.yaml"
TRACKING = ROOT / "examples" / "concertation-horizon-2026-suivi.yaml"


@pytest.fixture(scope="module")
def plan():
    return actionplan.load(EXAMPLE)


def _replace_action(plan, action_id, make):
    def objective(o):
        return attrs.evolve(o, actions=tuple(a for old in o.actions for a in make(old) if True)
                            if any(a.id == action_id for a in o.actions) else o.actions)

    return attrs.evolve(plan, themes=tuple(attrs.evolve(t, objectives=tuple(map(objective, t.objectives)))
                                           for t in plan.themes))


def _edit_indicator(plan, indicator_id, **changes):
    def action(a):
        return [attrs.evolve(a, indicators=tuple(attrs.evolve(i, **changes) if i.id == indicator_id else i
                                                 for i in a.indicators))]

    owner = next(a for *_, a, i in plan.iter_indicators() if i.id == indicator_id)
    return _replace_action(plan, owner.id, action)


def _edited(plan):
    """The two edits of the workbook scenario: a target changed, an action added after va-o1-a1."""
    edited = _edit_indicator(plan, "va-o1-a1-i1", target=Decimal(5))
    new_action = Action(id="va-o1-a2", title="Tournée des territoires")
    return _replace_action(edited, "va-o1-a1", lambda a: [a, new_action] if a.id == "va-o1-a1" else [a])


def test_the_same_plan_has_no_change(plan):
    diff = diff_plans(plan, plan, "a", "b")
    assert not diff and diff.changes == ()
    assert render_text(diff) == "Aucun changement de a à b.\n"


def test_a_changed_target_and_an_added_action_are_exactly_two_changes(plan):
    diff = diff_plans(plan, _edited(plan), "v1", "v2")
    target = next(i for *_, i in plan.iter_indicators() if i.id == "va-o1-a1-i1")
    assert diff.changes == (
        Change("changed", "target", "va-o1-a1-i1", target.label, "va-o1-a1", "target", target.target, Decimal(5)),
        Change("added", "action", "va-o1-a2", "Tournée des territoires", "va-o1"),
    )
    text = render_text(diff)
    assert text.splitlines()[0].startswith("De v1 à v2\u00a0: 2 changements (1 ajout, 1 modification")
    assert "~ modifié\u00a0: cible va-o1-a1-i1" in text and f"target\u00a0: {target.target} → 5" in text
    assert "+ ajouté\u00a0: action va-o1-a2 «\u00a0Tournée des territoires\u00a0» (dans va-o1)" in text
    assert "+ added: action va-o1-a2 « Tournée des territoires » (in va-o1)" in render_text(diff, "en")
    data = diff.to_data()
    assert data["counts"] == {"added": 1, "removed": 0, "changed": 1, "moved": 0}
    assert data["changes"][0]["old"] == str(target.target) and data["changes"][0]["new"] == "5"
    json.dumps(data)


def test_removed_moved_and_period_targets(plan):
    theme = plan.themes[0]
    first, second = theme.objectives[0], theme.objectives[1]
    moved = first.actions[-1]
    indicator = second.actions[0].indicators[0]
    themes = (attrs.evolve(theme, objectives=(
        attrs.evolve(first, actions=first.actions[:-1]),
        attrs.evolve(second, actions=(attrs.evolve(second.actions[0], indicators=(
            attrs.evolve(indicator, targets=(Target(3, "2026"),)),) + second.actions[0].indicators[1:]),
            moved) + second.actions[1:]),
        *theme.objectives[2:])),) + plan.themes[1:]
    removed = plan.themes[-1]
    new = attrs.evolve(plan, themes=themes[:-1])
    diff = diff_plans(plan, new)
    kinds = [(c.change, c.what, c.id) for c in diff.changes]
    assert ("moved", "action", moved.id) in kinds
    assert ("changed", "target", indicator.id) in kinds
    assert ("removed", "theme", removed.id) in kinds
    # the theme's objectives, actions and indicators go with it: one line, but every indicator counts
    assert not any(c.change == "removed" and c.what != "theme" for c in diff.changes)
    inside = [i.id for o in removed.objectives for a in o.actions for i in a.indicators]
    assert set(inside) <= set(diff.removed_indicators())
    move = next(c for c in diff.changes if c.change == "moved")
    assert (move.old, move.new) == (first.id, second.id)


def test_an_insertion_keeps_the_ids_of_the_items_that_moved_down(plan):
    """A Word plan imported again with an action inserted: titles find the stored ids back."""
    objective = plan.themes[0].objectives[0]
    inserted = Action(id=objective.actions[0].id, title="Nouvelle action en tête")
    renumbered = tuple(attrs.evolve(a, id=f"{objective.id}-a{n}") for n, a in
                       enumerate(objective.actions, start=2))
    new = attrs.evolve(plan, themes=(attrs.evolve(plan.themes[0], objectives=(
        attrs.evolve(objective, actions=(inserted, *renumbered)), *plan.themes[0].objectives[1:])),
        *plan.themes[1:]))
    diff = diff_plans(plan, new)
    adopted = adopt_ids(new, diff)
    ids = [a.id for a in adopted.themes[0].objectives[0].actions]
    assert ids[1:] == [a.id for a in objective.actions]
    assert ids[0] not in ids[1:] and ids[0].startswith(f"{objective.id}-a")
    again = diff_plans(plan, adopted)
    assert [(c.change, c.what, c.title) for c in again.changes] == [("added", "action", "Nouvelle action en tête")]


def test_the_html_page_escapes_everything(plan):
    new = _replace_action(plan, "va-o1-a1", lambda a: [a, Action(id="x-1", title="<script>alert(1)</script>")]
                          if a.id == "va-o1-a1" else [a])
    page = render_html(diff_plans(plan, new, "<a>", "b"))
    assert "<script>" not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;a&gt;" in page and page.startswith("<!DOCTYPE html>")


def run(*args):
    """The command line as ``actionplan`` runs it (user errors: message, exit code 2)."""
    command = click.Command("actionplan", callback=lambda: main(list(args)))
    return CliRunner().invoke(command, [])


def test_the_diff_command_between_files_and_stored_plans(tmp_path, plan):
    edited = tmp_path / "edited.yaml"
    edited.write_bytes(actionplan.dumps(_edited(plan), "yaml"))
    result = run("diff", str(EXAMPLE), str(edited))
    assert result.exit_code == 0, result.output
    assert "2 changements" in result.output and "va-o1-a2" in result.output
    data = json.loads(run("diff", str(EXAMPLE), str(edited), "--format", "json").output)
    assert [c["change"] for c in data["changes"]] == ["changed", "added"]
    page = tmp_path / "diff.html"
    assert run("diff", str(EXAMPLE), str(edited), "--format", "html", "-o", str(page)).exit_code == 0
    assert "Tournée des territoires" in page.read_text(encoding="utf-8")
    refused = run("diff", str(EXAMPLE), str(edited), "-o", str(page))
    assert refused.exit_code == 2 and "--force" in refused.output
    store = f"sqlite:{tmp_path / 's.db'}"
    assert run("--store", store, "save", str(EXAMPLE)).exit_code == 0
    stored = run("--store", store, "diff", "concertation-horizon-2026@1", str(edited))
    assert stored.exit_code == 0 and "2 changements" in stored.output
    old = run("--store", store, "diff", "concertation-horizon-2026@3", str(edited))
    assert old.exit_code == 2 and "Traceback" not in old.output
    assert "concertation-horizon-2026 n'a pas de version 3 (la version actuelle est la 1" in " ".join(old.output.split())
    unknown = run("--store", store, "diff", "nothing-here", str(edited))
    assert unknown.exit_code == 2 and "nothing-here" in unknown.output


SEED = ROOT.parent / "shared" / "seeds" / "000_a7b77ef02470fb08.txt"
needs_seed = pytest.mark.skipif(not SEED.exists(), reason="the seeds are in ../shared/seeds beside the clone")
COUNT = "4 rencontres de la communauté de pratique"


def _stored_import(tmp_path):
    """A store holding the import of the seed plan and the example's tracking log."""
    store = f"sqlite:{tmp_path / 's.db'}"
    imported = tmp_path / "plan.yaml"
    assert run("import", str(SEED), "-o", str(imported), "--organisation", "Concertation Horizon").exit_code == 0
    assert run("--store", store, "save", str(imported)).exit_code == 0
    assert run("--store", store, "save", str(TRACKING)).exit_code == 0
    return store


def _edited_seed(tmp_path, text=None):
    text = text or SEED.read_text(encoding="utf-8")
    lines = text.splitlines()
    row = next(n for n, line in enumerate(lines) if COUNT in line)
    lines[row] = lines[row].replace(COUNT, COUNT.replace("4", "6"))
    lines.insert(row + 1, "\t→ Tournée des territoires\t→ Nombre de participants\tEn continu")
    path = tmp_path / "edited.txt"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


@needs_seed
def test_import_into_previews_then_saves_a_version_keeping_every_measurement(tmp_path):
    store = _stored_import(tmp_path)
    source = _edited_seed(tmp_path)
    history = run("--store", store, "history", "concertation-horizon-2026").output
    args = ["--store", store, "import", str(source), "--into", "concertation-horizon-2026",
            "--organisation", "Concertation Horizon"]
    dry = run(*args, "--dry-run")
    assert dry.exit_code == 0, dry.output
    changes = [line.strip() for line in dry.output.splitlines() if line[:4] in ("  ~ ", "  + ", "  - ", "  > ")]
    assert changes == [
        "~ modifié\u00a0: plan concertation-horizon-2026 «\u00a0Concertation Horizon — Plan d'action 2026\u00a0», "
        "source\u00a0: Importé de « 000_a7b77ef02470fb08.txt » par actionplan import → "
        "Importé de « edited.txt » par actionplan import",
        "~ modifié\u00a0: indicateur sa-o2-a2-i2 «\u00a0" + COUNT.replace("4", "6") + "\u00a0», label\u00a0: "
        + COUNT + " → " + COUNT.replace("4", "6"),
        "~ modifié\u00a0: cible sa-o2-a2-i2 «\u00a0" + COUNT.replace("4", "6") + "\u00a0», target\u00a0: 4 → 6",
        "+ ajouté\u00a0: action sa-o2-a3 «\u00a0Tournée des territoires\u00a0» (dans sa-o2)",
    ], dry.output
    assert "rien n'est enregistré" in dry.output
    assert run("--store", store, "history", "concertation-horizon-2026").output == history
    applied = run(*args)
    assert applied.exit_code == 0, applied.output
    assert "version 2" in applied.output
    from actionplan.storage import open_store

    with open_store(store) as opened:
        stored = opened.get("concertation-horizon-2026")
        assert stored.version == 2
        ids = {i.id for *_, i in stored.document.iter_indicators()}
        recorded = opened.measurement_records("concertation-horizon-2026")
        assert len(recorded) == 134 and {r.measurement.indicator for r in recorded} <= ids  # the log's 134, waiting ones included
    again = run(*args, "--dry-run")
    assert "Aucun changement" in again.output


def _seed_without_relevance(tmp_path):
    """The seed's text without the indicator « Pertinence pour les partenaires » (sa-o2-a2-i1, measured once)."""
    text = SEED.read_text(encoding="utf-8")
    lines = [line.replace("→ Pertinence pour les partenaires → ", "") if COUNT in line else line
             for line in text.splitlines()]
    source = tmp_path / "fewer.txt"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return source


@needs_seed
def test_import_into_refuses_to_drop_a_measured_indicator(tmp_path):
    store = _stored_import(tmp_path)
    source = _seed_without_relevance(tmp_path)
    measured = actionplan.load(TRACKING)
    assert any(m.indicator == "sa-o2-a2-i1" for m in measured.measurements)
    refused = run("--store", store, "import", str(source), "--into", "concertation-horizon-2026",
                  "--organisation", "Concertation Horizon")
    assert refused.exit_code == 2 and "sa-o2-a2-i1" in refused.output and "mesure" in refused.output
    from actionplan.storage import open_store

    with open_store(store) as opened:
        assert opened.get("concertation-horizon-2026").version == 1


@needs_seed
def test_import_into_with_allow_removal_keeps_the_measurements_out_of_progress(tmp_path):
    store = _stored_import(tmp_path)
    source = _seed_without_relevance(tmp_path)
    measured = [m for m in actionplan.load(TRACKING).measurements if m.indicator == "sa-o2-a2-i1"]
    args = ["--store", store, "import", str(source), "--into", "concertation-horizon-2026",
            "--organisation", "Concertation Horizon", "--allow-removal"]
    dry = run(*args, "--dry-run")
    assert len(measured) == 1
    kept = "sa-o2-a2-i1\u00a0: retiré avec sa 1 mesure, gardée dans le magasin (elle ne compte plus)"
    assert dry.exit_code == 0 and kept in dry.output and "rien n'est enregistré" in dry.output, dry.output
    from actionplan.storage import open_store

    with open_store(store) as opened:
        assert opened.get("concertation-horizon-2026").version == 1
    applied = run(*args)
    assert applied.exit_code == 0 and kept in applied.output and "version 2" in applied.output, applied.output
    with open_store(store) as opened:
        assert len(opened.measurement_records("concertation-horizon-2026")) == 134  # none dropped (the log's 134, waiting ones included)
        [event] = opened.events("concertation-horizon-2026", kind="indicator-removed")
        assert (event.subject, event.data["measurements"], event.data["version"]) == (
            "sa-o2-a2-i1", str(len(measured)), "2")
        plan = opened.plan_with_measurements("concertation-horizon-2026")
        assert "sa-o2-a2-i1" not in {i.id for *_, i in plan.iter_indicators()}
    shown = run("--store", store, "show", "concertation-horizon-2026", "--as-of", "2026-10-01")
    assert shown.exit_code == 0, shown.output
    history = run("--store", store, "history", "concertation-horizon-2026", "--limit", "3")
    assert "indicator-removed sa-o2-a2-i1 v2" in history.output
    english = run("--lang", "en", "--store", store, "import", str(source), "--into", "concertation-horizon-2026",
                  "--organisation", "Concertation Horizon")
    assert english.exit_code == 0, english.output  # the removal was recorded once: no --allow-removal needed
    with open_store(store) as opened:
        assert len(opened.events("concertation-horizon-2026", kind="indicator-removed")) == 1


def test_allow_removal_goes_with_into_only(tmp_path):
    result = run("import", str(EXAMPLE), "-o", str(tmp_path / "x.yaml"), "--allow-removal")
    assert result.exit_code == 2 and "--allow-removal ne va qu'avec --into" in result.output


def test_save_with_allow_removal(tmp_path):
    store = f"sqlite:{tmp_path / 'plans.db'}"
    assert run("--store", store, "save", str(EXAMPLE), str(TRACKING)).exit_code == 0
    data = actionplan.load(EXAMPLE)
    fewer = _replace_action(data, "sa-o2-a2", lambda a: [attrs.evolve(
        a, indicators=tuple(i for i in a.indicators if i.id != "sa-o2-a2-i1"))])
    path = tmp_path / "plan.yaml"
    actionplan.dump(fewer, path)
    refused = run("--store", store, "save", str(path), "--expect-version", "1")
    assert refused.exit_code == 2 and "--allow-removal" in refused.output, refused.output
    saved = run("--store", store, "save", str(path), "--expect-version", "1", "--allow-removal")
    assert saved.exit_code == 0 and "version 2" in saved.output, saved.output


def test_import_needs_an_output_or_a_plan_to_update(tmp_path):
    result = run("import", str(EXAMPLE))
    assert result.exit_code == 2 and "--into" in result.output
    result = run("import", str(EXAMPLE), "-o", str(tmp_path / "x.yaml"), "--dry-run")
    assert result.exit_code == 2 and "--into" in result.output
