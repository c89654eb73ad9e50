"""Files never lost: every command that writes a document refuses to replace a file without
``--force``, writes atomically, and writes to standard output with ``-o -``."""

from __future__ import annotations

import json
import os
import pty
import subprocess
import sys

import orjson
import pytest

import actionplan
from actionplan.documents import write_atomic
from test_hostile_cli import PLAN, plan_file, run  # noqa: F401  (fixtures)
from test_import_text import SMALL_PLAN

#: (command line writing OUT, what it needs first) for every command that writes a file.
WRITERS = {
    "report": ("report", "plan.yaml", "-f", "markdown", "-o", "OUT"),
    "report-default-name": ("report", "plan.yaml", "-f", "json"),
    "backup": ("backup", "-o", "OUT"),
    "schema": ("schema", "-o", "OUT"),
    "dump": ("dump", "demo", "-o", "OUT"),
    "import": ("import", "plan.txt", "--from", "text", "-o", "OUT"),
    "diff": ("diff", "plan.yaml", "autre.yaml", "-o", "OUT"),
    "init": ("init", "OUT", "--no-interactive"),
}
NAMES = {"report": "rapport.md", "report-default-name": "demo.json", "backup": "sauvegarde.json",
         "schema": "schema.json", "dump": "copie.yaml", "import": "importe.yaml", "diff": "changements.txt",
         "init": "nouveau.yaml"}


@pytest.fixture
def ready(run, plan_file, tmp_path):  # noqa: F811
    """A folder with a plan file, its text, another version of it, and the plan in the store."""
    (tmp_path / "plan.txt").write_text(SMALL_PLAN, encoding="utf-8")
    (tmp_path / "autre.yaml").write_text(PLAN.replace("target: 4", "target: 6"), encoding="utf-8")
    assert run("save", "plan.yaml")[0] == 0
    return tmp_path


@pytest.mark.parametrize("name", WRITERS)
def test_an_existing_file_is_replaced_only_with_force(run, ready, name):
    target = ready / NAMES[name]
    target.write_text("mes notes\n", encoding="utf-8")
    args = [NAMES[name] if arg == "OUT" else arg for arg in WRITERS[name]]
    code, out, err = run(*args)
    assert code == 2, (out, err)
    assert err == f"actionplan: {NAMES[name]} existe déjà\u00a0: rien n'a été remplacé (--force pour le remplacer)\n"
    assert target.read_text(encoding="utf-8") == "mes notes\n"
    assert sorted(p.name for p in ready.iterdir() if p.name.endswith(".tmp")) == []
    code, _, err = run("--lang", "en", *args)
    assert code == 2 and f"{NAMES[name]} already exists: nothing was replaced (--force to replace it)" in err
    code, out, err = run(*args, "--force")
    assert code == 0, err
    assert target.read_text(encoding="utf-8") != "mes notes\n" and target.stat().st_size > 100


@pytest.mark.parametrize("name", WRITERS)
def test_a_new_file_is_written_and_the_same_bytes_again_are_no_loss(run, ready, name):
    args = [NAMES[name] if arg == "OUT" else arg for arg in WRITERS[name]]
    assert run(*args)[0] == 0
    written = (ready / NAMES[name]).read_bytes()
    assert written
    if name in ("schema", "report", "report-default-name", "diff"):  # the same bytes: nothing to refuse
        assert run(*args)[0] == 0
        assert (ready / NAMES[name]).read_bytes() == written


@pytest.mark.parametrize("args, check", [
    (("report", "plan.yaml", "-f", "json", "-o", "-"), lambda out: json.loads(out)["plan"]["id"] == "demo"),
    (("report", "plan.yaml", "-f", "markdown", "-o", "-"), lambda out: out.startswith("# ")),
    (("backup", "-o", "-"), lambda out: json.loads(out)["format"] == "actionplan-backup"),
    (("schema", "-o", "-"), lambda out: "$schema" in json.loads(out)),
    (("dump", "demo", "-o", "-"), lambda out: actionplan.loads(out).id == "demo"
     and out.startswith("# actionplan: demo version 1 from sqlite:actionplan.db\n")),
    (("import", "plan.txt", "--from", "text", "-o", "-"), lambda out: actionplan.loads(out).themes[0].title),
    (("diff", "plan.yaml", "autre.yaml", "-o", "-"), lambda out: "4" in out and "6" in out),
    (("init", "-", "--no-interactive"), lambda out: actionplan.loads(out).themes),
])
def test_dash_writes_the_document_to_standard_output_and_nothing_else(run, ready, args, check):
    before = sorted(p.name for p in ready.iterdir())
    code, out, err = run(*args)
    assert code == 0, err
    assert check(out)
    assert sorted(p.name for p in ready.iterdir()) == before  # no file named « - », nothing else written


def test_a_binary_document_goes_to_a_pipe_but_is_refused_on_a_terminal(ready):
    pytest.importorskip("actionplan_office")
    command = [sys.executable, "-m", "actionplan", "report", "plan.yaml", "-f", "xlsx", "-o", "-"]
    piped = subprocess.run(command, cwd=ready, capture_output=True, timeout=120)
    assert piped.returncode == 0 and piped.stdout[:2] == b"PK"  # the workbook's bytes, to a pipe
    main, secondary = pty.openpty()
    try:
        on_terminal = subprocess.run(command, cwd=ready, stdout=secondary, stderr=subprocess.PIPE, timeout=120)
    finally:
        os.close(secondary)
        os.close(main)
    assert on_terminal.returncode == 2
    assert "le format xlsx est binaire : donnez un fichier avec -o plutôt que la console" in on_terminal.stderr.decode()


def test_dump_over_an_annotated_file_keeps_its_comments_and_the_new_version_line(run, ready):
    assert run("dump", "demo", "-o", "copie.yaml")[0] == 0
    annotated = (ready / "copie.yaml").read_text(encoding="utf-8").replace(
        "themes:", "# Nos thèmes, revus par le conseil en juin\nthemes:").replace(
        "title: Rencontres", "title: Rencontres  # à renommer ?")
    (ready / "copie.yaml").write_text(annotated, encoding="utf-8")
    changed = PLAN.replace("target: 4", "target: 5")
    (ready / "plan.yaml").write_text(changed, encoding="utf-8")
    assert run("save", "plan.yaml", "--expect-version", "1")[0] == 0  # the store is at version 2
    assert run("track", "demo", "i1", "2", "--date", "2026-05-01")[0] == 0
    code, out, _ = run("dump", "demo", "-o", "copie.yaml", "--force")
    assert code == 0 and "version 2" in out
    text = (ready / "copie.yaml").read_text(encoding="utf-8")
    assert "# Nos thèmes, revus par le conseil en juin\nthemes:" in text
    assert "title: Rencontres  # à renommer ?" in text
    assert text.startswith("# actionplan: demo version 2 from sqlite:actionplan.db\n"
                           "# actionplan save copie.yaml replaces it only if the store is still at version 2.\n")
    assert text.count("# actionplan:") == 1  # the line of version 1 is gone, not kept below
    plan = actionplan.load(ready / "copie.yaml")
    indicator = plan.find_indicator("i1")
    assert indicator.target == 5 and len(indicator.measurements) == 1
    assert run("save", "copie.yaml")[0] == 0  # save reads the version line: the store is still at 2


def test_dump_of_an_unchanged_store_over_its_own_file_is_byte_for_byte_the_same(run, ready, examples):
    assert run("save", str(examples / "concertation-horizon-2026.yaml"))[0] == 0
    assert run("dump", "concertation-horizon-2026", "-o", "ch.yaml")[0] == 0
    first = (ready / "ch.yaml").read_bytes()
    assert max(len(line) for line in first.decode("utf-8").splitlines()) < 140  # long texts folded
    assert run("dump", "concertation-horizon-2026", "-o", "ch.yaml", "--force")[0] == 0
    assert (ready / "ch.yaml").read_bytes() == first


def test_a_hand_written_file_keeps_its_long_lines(tmp_path):
    long_title = "Une action au titre très long " * 8
    path = tmp_path / "plan.yaml"
    path.write_text(PLAN.replace("title: Tenue des rencontres", f"title: {long_title.strip()}"), encoding="utf-8")
    plan = actionplan.load(path)
    actionplan.dump(plan, path)
    assert f"title: {long_title.strip()}\n" in path.read_text(encoding="utf-8")


def test_output_errors_are_named_before_any_work(run, ready):
    (ready / "dossier").mkdir()
    code, _, err = run("report", "plan.yaml", "-f", "markdown", "-o", "dossier")
    assert code == 2
    assert "dossier est un dossier\u00a0: donnez un nom de fichier (ou «\u00a0-\u00a0» pour la sortie standard)" in err
    code, _, err = run("backup", "-o", "absent/b.json")
    assert code == 2 and "absent/b.json : écriture impossible (le dossier absent n'existe pas)" in err
    assert not (ready / "absent").exists()


def test_write_atomic_never_replaces_without_being_asked(tmp_path):
    path = tmp_path / "a.txt"
    write_atomic(path, b"un")
    with pytest.raises(FileExistsError):
        write_atomic(path, b"deux", replace=False)
    assert path.read_bytes() == b"un" and os.listdir(tmp_path) == ["a.txt"]
    write_atomic(path, b"trois")
    assert path.read_bytes() == b"trois"
    write_atomic(tmp_path / "b.txt", b"quatre", replace=False)
    assert (tmp_path / "b.txt").read_bytes() == b"quatre"


def test_import_measurements_dash_prints_the_log_read(run, ready, tmp_path):
    openpyxl = pytest.importorskip("openpyxl")
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["indicateur", "date", "valeur", "note"])
    sheet.append(["i1", "2026-03-02", 1, "première"])
    book.save(tmp_path / "suivi.xlsx")
    code, out, err = run("import-measurements", "suivi.xlsx", "--plan", "plan.yaml", "-o", "-")
    if code != 0 and "importateur" in err:  # pragma: no cover - actionplan-word absent
        pytest.skip("no measurements importer installed")
    assert code == 0, err
    log = orjson.loads(orjson.dumps(actionplan.documents.to_data(actionplan.loads(out))))
    assert log["plan"] == "demo" and len(log["measurements"]) == 1
    assert not (tmp_path / "-").exists()
