"""Loading and dumping documents: strict types, every error with its path, nothing written on failure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

import actionplan
from actionplan.errors import ValidationError
from actionplan.model import ActionPlan, TrackingLog

MINIMAL = """
schema_version: 1
id: demo
title: Plan d'action 2026
period: {start: 2026-01-01, end: 2026-12-31}
organisation: ch
organisations:
  - {id: ch, name: Concertation Horizon, short_name: CH}
territories: [mrc:roussillon]
themes:
  - id: vie-associative
    title: Vie associative
    kind: vie_associative
    objectives:
      - id: o1
        title: Organiser et réaliser des rencontres de la Table des partenaires
        actions:
          - id: a1
            title: Tenue des rencontres
            schedule: "2026"
            partners: [{organisation: ch, role: lead}]
            indicators:
              - {id: i1, label: 4 rencontres, kind: count, target: 4, unit: rencontres}
              - {id: i2, label: Taux de participation, kind: rate}
              - {id: i3, label: AGA, kind: milestone, due: 2026-03-31}
"""


def errors_of(text: str) -> list[str]:
    with pytest.raises(ValidationError) as info:
        actionplan.loads(text)
    return [str(issue) for issue in info.value.issues]


def test_minimal_plan_loads_with_types():
    plan = actionplan.loads(MINIMAL)
    assert isinstance(plan, ActionPlan)
    action = plan.themes[0].objectives[0].actions[0]
    assert action.schedule.text == "2026"
    count, rate, milestone = action.indicators
    assert count.target == Decimal(4) and isinstance(count.target, Decimal)
    assert milestone.due == dt.date(2026, 3, 31)
    assert plan.title == "Plan d'action 2026"


@pytest.mark.parametrize("fmt", ["yaml", "json"])
def test_dump_load_is_identity(tmp_path, fmt):
    plan = actionplan.loads(MINIMAL)
    target = tmp_path / f"copy.{fmt}"
    actionplan.dump(plan, target)
    assert actionplan.load(target) == plan
    assert actionplan.loads(actionplan.dumps(plan, fmt), format=fmt) == plan


def test_accents_survive_a_round_trip(tmp_path):
    plan = actionplan.loads(MINIMAL)
    target = tmp_path / "plan.yaml"
    actionplan.dump(plan, target)
    assert "réaliser" in target.read_text(encoding="utf-8")


def test_every_error_is_reported_with_its_path():
    broken = (
        MINIMAL.replace("target: 4", "target: quatre")
        .replace("title: Tenue des rencontres", "titel: Tenue des rencontres")
        .replace("organisation: ch, role: lead", "organisation: nobody, role: lead")
    )
    messages = errors_of(broken)
    joined = "\n".join(messages)
    assert "themes[0].objectives[0].actions[0].indicators[0].target: wrong type; expected a number" in joined
    assert "themes[0].objectives[0].actions[0].titel: unknown key" in joined
    assert "did you mean 'title'?" in joined


def test_reference_errors_are_all_listed():
    broken = MINIMAL.replace("organisation: ch, role: lead", "organisation: nobody, role: lead").replace(
        "territories: [mrc:roussillon]", "territories: [mrc:atlantide]"
    )
    messages = errors_of(broken)
    assert any(m.startswith("territories[0]: unknown territory") for m in messages)
    assert any(m.startswith("themes[0].objectives[0].actions[0].partners[0].organisation: unknown organisation")
               for m in messages)


def test_duplicate_ids_are_refused():
    broken = MINIMAL.replace("{id: i2,", "{id: i1,")
    assert any("duplicate indicator id" in m for m in errors_of(broken))


def test_kind_requirements_are_checked():
    broken = MINIMAL.replace(", due: 2026-03-31", "")
    assert any("indicators[2].due: a 'milestone' indicator needs due" in m for m in errors_of(broken))


def test_bad_schedule_lists_accepted_forms():
    messages = errors_of(MINIMAL.replace('schedule: "2026"', "schedule: bientôt peut-être"))
    assert any(m.startswith("themes[0].objectives[0].actions[0].schedule") for m in messages)


def test_free_text_schedules_are_kept_when_the_plan_opts_in():
    plan = actionplan.loads("free_text_schedules: true\n" + MINIMAL.replace('schedule: "2026"', "schedule: bientôt"))
    assert plan.themes[0].objectives[0].actions[0].schedule.text == "bientôt"


def test_a_schedule_kept_as_free_text_is_a_warning_with_its_path(tmp_path):
    # docs/format.md: kept as free text "with a warning"; validate prints it and still succeeds.
    from click.testing import CliRunner

    from actionplan.checks import check_plan
    from actionplan.cli import make_cli

    text = "free_text_schedules: true\n" + MINIMAL.replace('schedule: "2026"', "schedule: bientôt")
    warnings = [i for i in check_plan(actionplan.loads(text)) if i.severity == "warning"]
    assert [(i.path, i.message) for i in warnings] == [
        ("themes[0].objectives[0].actions[0].schedule", "schedule 'bientôt' kept as free text")]
    (tmp_path / "plan.yaml").write_text(text, encoding="utf-8")
    result = CliRunner().invoke(make_cli(), ["--lang", "en", "validate", str(tmp_path / "plan.yaml")])
    assert result.exit_code == 0
    assert "warning: themes[0].objectives[0].actions[0].schedule: schedule 'bientôt' kept as free text" in result.output


def test_strict_scalars():
    assert any("expected true or false" in m for m in errors_of(MINIMAL + "fiscal_years: 'no'\n"))
    assert any("id" in m for m in errors_of(MINIMAL.replace("id: demo", "id: ../../etc/passwd")))


def test_yaml_pitfalls_are_not_applied():
    # YAML 1.1 would read `on` as true; actionplan reads YAML 1.2, and a title stays text.
    plan = actionplan.loads(MINIMAL.replace("title: Plan d'action 2026", "title: on"))
    assert plan.title == "on"


def test_duplicate_yaml_keys_are_refused():
    assert any("YAML error" in m for m in errors_of(MINIMAL + "title: encore\n"))


def test_newer_schema_version_is_refused():
    assert any("newer version" in m for m in errors_of(MINIMAL.replace("schema_version: 1", "schema_version: 99")))


def test_not_a_mapping():
    assert errors_of("- a\n- b\n")


def test_tracking_log_loads():
    log = actionplan.loads("type: tracking\nplan: demo\nmeasurements:\n  - {indicator: i1, date: 2026-02-01, value: 1}\n")
    assert isinstance(log, TrackingLog)
    assert actionplan.loads(actionplan.dumps(log)) == log


def test_nothing_is_written_when_dump_fails(tmp_path):
    target = tmp_path / "plan.yaml"
    target.write_text("old", encoding="utf-8")
    with pytest.raises(actionplan.ActionplanError):
        actionplan.dump(actionplan.loads(MINIMAL), tmp_path / "plan.unknown")
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["plan.yaml"]


def test_written_files_get_ordinary_permissions(tmp_path):
    import os
    import stat

    target = tmp_path / "plan.yaml"
    actionplan.dump(actionplan.loads(MINIMAL), target)
    umask = os.umask(0)
    os.umask(umask)
    assert stat.S_IMODE(target.stat().st_mode) == 0o666 & ~umask
    target.chmod(0o640)
    actionplan.dump(actionplan.loads(MINIMAL), target)
    assert stat.S_IMODE(target.stat().st_mode) == 0o640


def test_rewriting_a_yaml_file_keeps_its_comments(tmp_path, examples):
    import attrs

    target = tmp_path / "plan.yaml"
    target.write_bytes((examples / "concertation-horizon-2026.yaml").read_bytes())
    before = target.read_text(encoding="utf-8")
    comments = [line.strip() for line in before.splitlines() if line.strip().startswith("#")]
    plan = actionplan.load(target)
    theme = plan.themes[0]
    changed = attrs.evolve(plan, title="Plan d'action 2026 (révisé)",
                           themes=(attrs.evolve(theme, objectives=theme.objectives[::-1]), *plan.themes[1:]))
    actionplan.dump(changed, target)
    after = target.read_text(encoding="utf-8")
    assert actionplan.load(target) == changed
    assert "Plan d'action 2026 (révisé)" in after
    kept = [c for c in comments if c in after]
    assert len(comments) > 5 and kept == comments


def test_rewriting_replaces_a_file_that_is_not_yaml(tmp_path):
    target = tmp_path / "plan.yaml"
    target.write_bytes(b"\xff\xfe not yaml: [")
    plan = actionplan.loads(MINIMAL)
    actionplan.dump(plan, target)
    assert actionplan.load(target) == plan


@pytest.mark.parametrize("name", ["concertation-horizon-2026.yaml", "alliance-maskoutains-2019-2023.yaml",
                                  "concertation-horizon-2026-suivi.yaml", "alliance-maskoutains-demandes.yaml"])
def test_rewriting_an_unchanged_example_changes_no_byte(tmp_path, examples, name):
    target = tmp_path / name
    target.write_bytes((examples / name).read_bytes())
    actionplan.dump(actionplan.load(target), target)
    assert target.read_bytes() == (examples / name).read_bytes()


def test_a_plan_language_is_french_or_english():
    assert any(m.startswith("language: not an accepted value") for m in errors_of(MINIMAL + "language: de\n"))
