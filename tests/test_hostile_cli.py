"""Hostile and broken input, from the loaders to the command line.

Each test is a case found by throwing bad input at the commands: a traceback, an unclear
message, a wrong exit code, a file destroyed or half written. Every command-line test runs
the real entry point (``actionplan.cli.main``): a user error must end in exit code 2 with a
message naming the place, what was expected and what was found, and nothing on disk changes.
"""

from __future__ import annotations

import datetime as dt
import os
import shutil
import subprocess
import sys
import textwrap
from decimal import Decimal

import orjson
import pytest

import actionplan
from actionplan.cli import main
from actionplan.convert import short_repr
from actionplan.documents import MAX_ALIAS_NODES, MAX_DEPTH
from actionplan.errors import ActionplanError, StoreError, ValidationError
from actionplan.model import Measurement
from actionplan.storage import open_store

PLAN = """\
schema_version: 1
id: demo
title: Plan d'action 2026
period: {start: 2026-01-01, end: 2026-12-31}
organisation: ch
organisations:
  - {id: ch, name: Concertation Horizon}
themes:
  - id: t1
    title: Vie associative
    objectives:
      - id: o1
        title: Rencontres
        actions:
          - id: a1
            title: Tenue des rencontres
            schedule: "2026"
            indicators:
              - {id: i1, label: 4 rencontres, kind: count, target: 4, unit: rencontres}
              - {id: i2, label: AGA, kind: milestone, due: 2026-03-31}
"""
TARGET = "themes[0].objectives[0].actions[0].indicators[0].target"


def issues_of(text: str | bytes, format: str = "yaml") -> list[str]:
    with pytest.raises(ValidationError) as info:
        actionplan.loads(text, format=format)
    return [str(issue) for issue in info.value.issues]


def french(error: ValidationError) -> list[str]:
    return [issue.render("fr") for issue in error.issues]


@pytest.fixture
def run(capsys, monkeypatch, tmp_path):
    """Run the command line in a fresh folder; return (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    for name in ("ACTIONPLAN_STORE", "ACTIONPLAN_LANG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ACTIONPLAN_USER", "Marie Tremblay")

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as stopped:  # any other exception is a bug, and fails the test
            main(list(args))
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return stopped.value.code, out, err

    return run


@pytest.fixture
def plan_file(tmp_path):
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN, encoding="utf-8")
    return path


# -- YAML: aliases, depth, scalars the loader cannot represent --------------------------------


def billion_laughs(levels: int = 9) -> str:
    """The classic alias bomb, aimed at a text field (whose error message shows the value found)."""
    lines = ['l1: &l1 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{n}: &l{n} [{', '.join([f'*l{n - 1}'] * 10)}]" for n in range(2, levels + 1)]
    return PLAN.replace("title: Plan d'action 2026", "title:\n  " + "\n  ".join(lines) + f"\n  bomb: *l{levels}")


def test_an_alias_bomb_is_refused_before_anything_walks_it(tmp_path):
    """10⁹ nodes once expanded: before the guard, a text field holding one took minutes and gigabytes
    (the error message's repr). Run apart, with a memory ceiling and a timeout, so a regression
    fails instead of taking the machine down."""
    path = tmp_path / "bomb.yaml"
    path.write_text(billion_laughs(), encoding="utf-8")
    code = textwrap.dedent(f"""
        import resource, sys
        resource.setrlimit(resource.RLIMIT_AS, (1 << 31, 1 << 31))
        from actionplan.cli import main
        main(["--lang", "en", "validate", {str(path)!r}])
    """)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 2, done.stderr[-2000:]
    assert "aliases (*name) repeat parts of the document" in done.stderr
    assert "line " in done.stderr and "Traceback" not in done.stderr


def test_the_alias_guard_measures_expansion_not_mere_use():
    """Anchors people use (a shared block of partners) load; the budget only stops explosive ones."""
    shared = PLAN.replace("            schedule: \"2026\"\n", "            schedule: \"2026\"\n"
                          "            partners: &lead [{organisation: ch, role: lead}]\n")
    shared += "  - id: t2\n    title: Autre\n    objectives:\n      - id: o2\n        title: O\n        actions:\n"
    shared += "".join(f"          - {{id: b{k}, title: B, partners: *lead}}\n" for k in range(50))
    plan = actionplan.loads(shared)
    assert all(action.partners[0].organisation == "ch" for _, _, action in plan.iter_actions())
    assert MAX_ALIAS_NODES < 10**9
    with pytest.raises(ValidationError) as info:
        actionplan.loads(billion_laughs(levels=7))  # 10⁷ nodes: refused too, at once
    assert "alias bomb" in str(info.value)


def test_an_alias_that_contains_itself_is_refused():
    (issue,) = issues_of(PLAN.replace("title: Plan d'action 2026", "title: &self [*self]"))
    assert "refers to a node that contains it" in issue and "line 3" in issue


def test_deep_nesting_is_refused_with_its_line():
    deep = PLAN + "context: " + "[" * 5000 + "]" * 5000 + "\n"
    (issue,) = issues_of(deep)
    assert f"nested more than {MAX_DEPTH} levels deep" in issue and "line 21" in issue


def test_an_impossible_date_is_text_reported_at_its_path():
    """``2026-02-30`` matched YAML's timestamp pattern and crashed the loader (ValueError)."""
    with pytest.raises(ValidationError) as info:
        actionplan.loads(PLAN.replace("start: 2026-01-01", "start: 2026-02-30"))
    assert french(info.value) == ["period.start : type incorrect\u00a0; attendu : une date (AAAA-MM-JJ), "
                                  "trouvé : le texte '2026-02-30'"]


@pytest.mark.parametrize("written, found", [
    ("1e400", "1E+400"),  # a float overflowing to infinity
    ("9" * 5000, "9999999999999999… (5000 digits)"),  # beyond Python's int conversion limit
    (str(10**30), str(10**30)),
    ("'1e999999999'", "1E+999999999"),  # beyond what decimal arithmetic can add up
])
def test_numbers_too_large_for_the_arithmetic_are_refused_at_their_path(written, found):
    assert issues_of(PLAN.replace("target: 4", f"target: {written}")) == [
        f"{TARGET}: number too large; expected a number smaller than 10**21 (1 000 000 000 000 000 000 000), "
        f"found {found}"]


def test_yaml_numbers_keep_the_digits_their_author_wrote():
    """A float rounds 0.12345678901234567891 and turns 1e-400 into 0: both are kept exactly."""
    plan = actionplan.loads(PLAN.replace("target: 4", "target: 4, baseline: 0.12345678901234567891")
                            .replace("kind: milestone,", "kind: count, target: 1e-400,"))
    first, second = (indicator for *_, indicator in plan.iter_indicators())
    assert first.baseline == Decimal("0.12345678901234567891")
    assert second.target == Decimal("1E-400")


def test_a_target_of_zero_is_a_target():
    """``target: 0`` was reported as « needs target, found nothing »."""
    plan = actionplan.loads(PLAN.replace("target: 4", "target: 0"))
    assert next(plan.iter_indicators())[-1].target == 0
    assert issues_of(PLAN.replace("target: 4", "target: null")) == [
        f"{TARGET}: a 'count' indicator needs target; expected a count with a target: « 4 rencontres », found nothing"]


@pytest.mark.parametrize("key, path", [("1: x", "1"), ("null: x", "None"), ("? [a, b]\n: x", "('a', 'b')")])
def test_keys_that_are_not_text_are_unknown_keys_not_crashes(key, path):
    """A number or null key crashed the did-you-mean suggestion (difflib on an int)."""
    (issue,) = issues_of(PLAN + key + "\n")
    assert issue.startswith(f"{path}: unknown key; expected one of the fields of ActionPlan")


def test_a_key_that_is_a_list_of_mappings_is_a_yaml_error():
    (issue,) = issues_of(PLAN + "? [{a: 1}]\n: x\n")
    assert issue == "(document): YAML error at line 21, column 3: found unhashable key"


def test_text_that_is_not_utf8_or_has_control_characters_says_where():
    latin1 = PLAN.replace("Vie associative", "Sécurité").encode("latin-1")
    (issue,) = issues_of(latin1)
    assert issue.startswith("(document): not UTF-8 text: invalid continuation byte at byte ")
    assert "(line 10, column 13)" in issue
    (issue,) = issues_of(PLAN.replace("Rencontres", "Ren\x01contres"))
    assert issue == "(document): YAML error at line 13, column 19: character U+0001 is not allowed in YAML text"


def test_an_empty_file_is_called_empty(tmp_path):
    path = tmp_path / "vide.yaml"
    path.write_bytes(b"")
    with pytest.raises(ValidationError) as info:
        actionplan.load(path)
    assert french(info.value) == ["(document) : un document doit être un ensemble de champs (clé : valeur), "
                                  "trouvé : un document vide"]


def test_found_values_are_shown_at_a_bounded_cost():
    huge = list(range(10**6))
    nested = [[[[[[["deep"]]]]]]] * 1000
    assert len(short_repr(huge)) <= 60 and len(short_repr(nested)) <= 60
    assert short_repr("x" * 10_000).endswith("...") and short_repr([1, 2]) == "[1, 2]"


# -- JSON: what a JSON reader drops silently -------------------------------------------------


def json_plan(**changes) -> dict:
    plan = actionplan.documents.to_data(actionplan.loads(PLAN))
    plan.update(changes)
    return plan


def test_a_json_file_with_a_key_given_twice_is_refused_with_its_path(tmp_path):
    path = tmp_path / "plan.json"
    text = orjson.dumps(json_plan()).decode()
    path.write_text(text.replace('"kind":"count"', '"kind":"count","kind":"tracked"', 1), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        actionplan.load(path)
    assert [str(i) for i in info.value.issues] == [
        "themes[0].objectives[0].actions[0].indicators[0].kind: key given twice in the same object; a JSON reader "
        "keeps only the last value; expected each key once, found 'kind'"]


def test_a_json_number_with_more_digits_than_a_float_keeps_is_refused_with_its_line(tmp_path):
    path = tmp_path / "plan.json"
    text = orjson.dumps(json_plan(), option=orjson.OPT_INDENT_2).decode()
    path.write_text(text.replace('"target": 4', '"target": 123456789012345678901'), encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        actionplan.load(path)
    (issue,) = info.value.issues
    assert issue.message.startswith("number at line ") and "has more digits than JSON numbers keep" in issue.message
    assert issue.expected == 'the number written as text, in quotes: "123456789012345678901"'
    path.write_text(text.replace('"target": 4', '"target": "123456789012345678901"'), encoding="utf-8")
    assert next(actionplan.load(path).iter_indicators())[-1].target == Decimal(123456789012345678901)


def test_a_json_file_with_a_byte_order_mark_loads_and_bad_bytes_say_where(tmp_path):
    path = tmp_path / "plan.json"
    path.write_bytes(b"\xef\xbb\xbf" + orjson.dumps(json_plan()))
    assert actionplan.load(path).id == "demo"
    path.write_bytes(b'{"id": "d\xe9mo"}')
    with pytest.raises(ValidationError) as info:
        actionplan.load(path)
    assert str(info.value.issues[0]).startswith("(document): not UTF-8 text: invalid continuation byte at byte 9")


def test_a_json_file_nested_deeper_than_the_checking_reader_goes_is_refused(tmp_path):
    """orjson reads 1 024 levels; the duplicate-key reader hit Python's recursion limit before."""
    path = tmp_path / "profond.json"
    path.write_text('{"id": "x", "context": ' + "[" * 1000 + "]" * 1000 + "}", encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        actionplan.load(path)
    assert [str(i) for i in info.value.issues] == ["(document): JSON error: nested too deeply"]


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs named pipes")
def test_devices_and_pipes_are_not_read(tmp_path):
    """``validate zero.yaml`` (a link to /dev/zero) read forever; a pipe blocked."""
    os.mkfifo(tmp_path / "pipe.yaml")
    os.symlink("/dev/zero", tmp_path / "zero.yaml")
    for name in ("pipe.yaml", "zero.yaml"):
        with pytest.raises(ActionplanError, match="not a regular file"):
            actionplan.load(tmp_path / name)


# -- whole-document checks: numbers, dates, periods --------------------------------------------


@pytest.mark.parametrize("change, path, message", [
    (("due: 2026-03-31", "due: 9999-12-31"), "themes[0].objectives[0].actions[0].indicators[1].due",
     "out of range; expected a date (YYYY-MM-DD) in the years 2 to 9998, found 9999-12-31"),
    (("start: 2026-01-01", "start: 0001-01-01"), "period.start",
     "out of range; expected a date (YYYY-MM-DD) in the years 2 to 9998, found 0001-01-01"),
    (("end: 2026-12-31", "end: 2999-12-31"), "period",
     "period too long; expected at most 100 years, found 2026-01-01 to 2999-12-31"),
])
def test_dates_schedules_cannot_enumerate_are_refused(change, path, message):
    """A milestone due 9999-12-31 crashed the calendar, a period to 9999 every schedule, and one
    of 10 000 years with « 366 fois par année » never finished."""
    assert issues_of(PLAN.replace(*change)) == [f"{path}: {message}"]


def test_a_tracking_log_of_another_plan_gets_one_issue_not_one_per_measurement():
    from actionplan.checks import check_tracking
    from actionplan.model import TrackingLog

    log = TrackingLog("autre-plan", tuple(Measurement(dt.date(2026, 3, k), value=Decimal(1), indicator=f"x{k}")
                                          for k in range(1, 20)))
    issues = check_tracking(log, actionplan.loads(PLAN))
    assert [issue.path for issue in issues] == ["plan"]


def test_a_store_refuses_a_measurement_no_report_could_show(tmp_path):
    """``track … 1e999999999`` was stored; then ``show`` and ``report`` of that plan crashed."""
    with open_store(f"sqlite:{tmp_path}/s.db") as store:
        store.save(actionplan.loads(PLAN))
        for bad in (Measurement(dt.date(2026, 3, 1), value=Decimal("1E+999999999"), indicator="i1"),
                    Measurement(dt.date(9999, 12, 31), value=Decimal(1), indicator="i1")):
            with pytest.raises(ValidationError):
                store.append_measurement("demo", bad)
        assert store.measurements("demo") == []


def test_grant_amounts_and_criteria_parameters_too_large_are_refused_at_their_path(examples):
    text = (examples / "alliance-maskoutains-2019-2023.yaml").read_text(encoding="utf-8")
    with pytest.raises(ValidationError) as info:
        actionplan.loads(text.replace("2020-2021: 195007", f"2020-2021: {10**30}"))
    assert "must be an amount below 10**21 $" in str(info.value)  # was « InvalidOperation: [...] »
    from test_grants_criteria import issues_of as criteria_issues

    assert criteria_issues("- {criterion: max_amount, params: {maximum: '1e999999999'}}") == [
        "program.criteria[0].params.maximum: number too large; expected a number smaller than 10**21 "
        "(1 000 000 000 000 000 000 000), found 1e999999999"]  # evaluating it overflowed


# -- the command line --------------------------------------------------------------------------


def test_a_report_never_overwrites_the_files_the_command_reads(run, plan_file, tmp_path):
    """``report plan.yaml -o plan.yaml`` replaced the plan by the report; ``-o actionplan.db`` the store."""
    before = plan_file.read_bytes()
    code, _, err = run("report", "plan.yaml", "-f", "markdown", "-o", "./plan.yaml")
    assert code == 2 and "c'est un fichier que cette commande lit (plan.yaml)" in err
    assert run("save", "plan.yaml")[0] == 0
    store = (tmp_path / "actionplan.db").read_bytes()
    for target in ("actionplan.db", "actionplan.db-wal"):
        code, _, err = run("report", "demo", "-f", "json", "-o", target)
        assert code == 2 and "c'est le dépôt de données" in err
    os.symlink("plan.yaml", tmp_path / "lien.md")
    assert run("report", "plan.yaml", "-f", "markdown", "-o", "lien.md")[0] == 2
    assert plan_file.read_bytes() == before and (tmp_path / "actionplan.db").read_bytes() == store
    assert run("report", "plan.yaml", "-f", "markdown", "-o", "rapport.md")[0] == 0


def test_dump_backup_and_imports_do_not_write_over_their_store_or_inputs(run, plan_file, tmp_path):
    assert run("--store", "dir:depot", "save", "plan.yaml")[0] == 0
    document = (tmp_path / "depot" / "documents" / "demo.yaml").read_bytes()
    code, _, err = run("--store", "dir:depot", "dump", "demo", "-o", "depot/documents/demo.yaml")
    assert code == 2 and "c'est le dépôt de données" in err
    assert (tmp_path / "depot" / "documents" / "demo.yaml").read_bytes() == document
    assert run("--store", "dir:depot", "dump", "demo", "-o", "depot/copie.yaml")[0] == 0  # beside it: fine
    assert run("--store", "sqlite:depot.json", "backup", "-o", "depot.json")[0] == 2
    shutil.copy(plan_file, tmp_path / "plan.txt")
    assert run("import", "plan.txt", "--from", "text", "-o", "plan.txt", "--force")[0] == 2
    assert (tmp_path / "plan.txt").read_text(encoding="utf-8") == PLAN


def test_a_write_that_fails_names_the_file_asked_for_and_leaves_nothing(run, plan_file, tmp_path):
    """The message named the temporary file (``.r.html.x7k2.tmp``): « Read-only file system: … »."""
    (tmp_path / "fichier").write_text("x")
    for target in ("absent/schema.json", "fichier/schema.json"):
        code, _, err = run("schema", "-o", target)
        assert code == 2 and f"{target} : écriture impossible" in err and ".tmp" not in err
    code, _, err = run("init", "absent/plan.yaml", "--no-interactive")
    assert code == 2 and "écriture impossible (le dossier absent n'existe pas) ; rien n'a été écrit" in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["fichier", "plan.yaml"]


def test_a_store_that_cannot_be_created_says_so_with_its_url(run, plan_file, tmp_path):
    (tmp_path / "fichier").write_text("x")
    code, _, err = run("--store", "sqlite:fichier/sous/s.db", "save", "plan.yaml")
    assert code == 2 and "sqlite:fichier/sous/s.db : impossible de créer fichier/sous/s.db" in err
    code, _, err = run("--lang", "en", "--store", "sqlite:fichier/sous/s.db", "save", "plan.yaml")
    assert code == 2 and "sqlite:fichier/sous/s.db: cannot create" in err
    code, _, err = run("--store", "dir:fichier/depot", "save", "plan.yaml")
    assert code == 2 and ("dir:fichier/depot : impossible d'utiliser fichier/depot comme dossier de dépôt "
                          "(Not a directory)") in err
    code, _, err = run("--lang", "en", "--store", "dir:fichier/depot", "save", "plan.yaml")
    assert code == 2 and "dir:fichier/depot: cannot use fichier/depot as a store folder (Not a directory)" in err
    with pytest.raises(StoreError, match="cannot create"), open_store(f"sqlite:{tmp_path}/fichier/s.db") as store:
        store.save(actionplan.loads(PLAN))


@pytest.mark.parametrize("args", [("show", "suivi.yaml"), ("report", "suivi.yaml", "-f", "csv"),
                                  ("show", "plan.yaml", "-t", "plan.yaml"),
                                  ("grants", "check", "suivi.yaml", "suivi.yaml")])
def test_a_document_of_the_wrong_type_is_named_not_a_traceback(run, plan_file, tmp_path, args):
    """``show suivi.yaml`` (a tracking log) crashed on ``plan.period``."""
    (tmp_path / "suivi.yaml").write_text("type: tracking\nplan: demo\nmeasurements: []\n", encoding="utf-8")
    code, _, err = run(*args)
    assert code == 2 and "attendu un document de type « " in err and "trouvé un document de type « " in err


def test_dates_outside_what_schedules_reach_are_refused_on_the_command_line(run, plan_file):
    """``show --as-of 9999-12-31`` crashed computing the quarter after it."""
    code, _, err = run("show", "plan.yaml", "--as-of", "9999-12-31")
    assert code == 2 and "attendu une date des années 2 à 9998, trouvé '9999-12-31'" in err
    assert run("show", "plan.yaml", "--as-of", "9998-12-31")[0] == 0


def test_init_refuses_impossible_years_and_writes_json_for_json(run, tmp_path):
    """``init --year 0000`` crashed; ``init plan.json`` wrote YAML (with comments) into a .json file."""
    code, _, err = run("init", "a.yaml", "--no-interactive", "--year", "0000")
    assert code == 2 and "--year" in err
    assert run("init", "plan.json", "--no-interactive")[0] == 0
    assert orjson.loads((tmp_path / "plan.json").read_bytes())["id"] == actionplan.load(tmp_path / "plan.json").id
    code, _, err = run("init", "plan.txt", "--no-interactive")
    assert code == 2 and not (tmp_path / "plan.txt").exists()


def test_track_names_the_option_that_is_wrong(run, plan_file):
    """A bad ``--territory`` was reported as « valeur '3' incomprise », blaming the value."""
    assert run("save", "plan.yaml")[0] == 0
    code, _, err = run("track", "demo", "i1", "3", "--territory", "../x")
    assert code == 2 and "--territory : valeur invalide" in err and "'../x'" in err
    code, _, err = run("track", "demo", "i1", "1e400")
    assert code == 2 and "value : nombre trop grand" in err
    assert run("--lang", "en", "history", "demo")[1].count("measurement") == 0


def test_a_restore_reports_bad_records_by_field(run, plan_file, tmp_path):
    assert run("save", "plan.yaml")[0] == 0
    assert run("backup", "-o", "b.json")[0] == 0
    data = orjson.loads((tmp_path / "b.json").read_bytes())
    data["history"][0]["action"] = "piratage"
    (tmp_path / "b.json").write_bytes(orjson.dumps(data))
    code, _, err = run("--store", "sqlite:neuf.db", "restore", "b.json")
    assert code == 2 and "history[0].action : valeur non acceptée" in err and "'piratage'" in err
    data["format_version"] = "x"
    (tmp_path / "b.json").write_bytes(orjson.dumps(data))
    code, _, err = run("--store", "sqlite:neuf.db", "restore", "b.json")
    assert code == 2 and "format_version : version de format de sauvegarde invalide" in err
    assert not (tmp_path / "neuf.db").exists()


def test_french_messages_have_french_connectors(run, plan_file, tmp_path):
    (tmp_path / "ancien.txt").write_bytes("Plan d'action 2026\nSÉCURITÉ\n".encode("cp1252"))
    code, _, err = run("import", "ancien.txt", "-o", "p.yaml")
    assert code == 2 and "; attendu : " in err and ", trouvé : " in err and "expected" not in err
    code, _, err = run("report", "plan.yaml", "-f", "csv", "-O", "couleur=rouge")
    assert code == 2 and "le format 'csv' n'a pas d'option 'couleur' ; ses options : " in err


def test_save_checks_every_file_before_saving_any(run, plan_file, tmp_path):
    """``save a.yaml broken.yaml c.yaml`` saved a.yaml, then stopped: half of what was asked."""
    (tmp_path / "casse.yaml").write_text(PLAN.replace("target: 4", "target: quatre"), encoding="utf-8")
    (tmp_path / "autre.yaml").write_text(PLAN.replace("id: demo", "id: autre"), encoding="utf-8")
    code, _, err = run("save", "plan.yaml", "casse.yaml", "autre.yaml")
    assert code == 2 and f"casse.yaml : 1 erreur\n  {TARGET} : type incorrect" in err
    assert not (tmp_path / "actionplan.db").exists()


def test_import_says_which_year_it_could_not_read(run, tmp_path):
    """A bad ``--year`` was reported as the document's title, which the command had not used."""
    from test_import_text import SMALL_PLAN

    (tmp_path / "plan.txt").write_text(SMALL_PLAN, encoding="utf-8")
    code, _, err = run("import", "plan.txt", "-o", "p.yaml", "--year", "l'an prochain")
    assert code == 2 and "trouvé : --year \"l'an prochain\"" in err and not (tmp_path / "p.yaml").exists()
