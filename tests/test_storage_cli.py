"""The store commands as a round table uses them: save, list, track, show ID, history, dump, backup, restore."""

from __future__ import annotations

import shutil

import pytest

from actionplan import open_store
from actionplan.cli import main

PLAN = "concertation-horizon-2026"


@pytest.fixture
def run(capsys, monkeypatch, tmp_path):
    """Run the command line in a fresh folder; return (exit code, stdout, stderr)."""
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("ACTIONPLAN_STORE", raising=False)
    monkeypatch.delenv("ACTIONPLAN_LANG", raising=False)
    monkeypatch.setenv("ACTIONPLAN_USER", "Marie Tremblay")
    monkeypatch.setenv("COLUMNS", "200")

    def run(*args: str) -> tuple[int, str, str]:
        with pytest.raises(SystemExit) as stopped:
            main(list(args))
        out, err = capsys.readouterr()
        assert "Traceback" not in err
        return stopped.value.code, out, err

    return run


@pytest.fixture
def files(tmp_path, examples):
    for name in (f"{PLAN}.yaml", f"{PLAN}-suivi.yaml"):
        shutil.copy(examples / name, tmp_path / name)
    return tmp_path


def test_a_store_session(run, files):
    assert run("save", f"{PLAN}.yaml", "-m", "adoption en AGA")[0] == 0
    code, out, _ = run("save", f"{PLAN}-suivi.yaml")
    assert code == 0 and "134 nouvelles mesures" in out  # 130 that count, 3 waiting for review, 1 returned
    assert "2 nouvelles décisions de révision" in out and "1 nouveau statut fixé à la main" in out
    code, out, _ = run("list")
    assert code == 0 and PLAN in out and "Concertation Horizon" in out and "Marie Tremblay" in out
    code, out, _ = run("track", PLAN, "va-o1-a1-i2", "12/20", "--date", "2026-02-12", "--by", "Jean")
    assert code == 0 and "12/20 (60 %)" in out and "2026-02-12" in out
    code, out, _ = run("history", PLAN, "--limit", "2")
    assert code == 0 and "va-o1-a1-i2 2026-02-12: 12/20" in out and "Jean" in out
    with open_store("sqlite:actionplan.db") as store:
        assert len(store.measurements(PLAN)) == 135
        assert store.version(PLAN) == 1
        assert store.history(PLAN)[0].comment == "adoption en AGA"


def test_show_reads_a_plan_from_the_store_with_its_measurements(run, files):
    run("save", f"{PLAN}.yaml")
    run("save", f"{PLAN}-suivi.yaml")
    code, from_store, _ = run("show", PLAN, "--as-of", "2026-10-01")
    assert code == 0
    code, from_files, _ = run("show", f"{PLAN}.yaml", "--tracking", f"{PLAN}-suivi.yaml", "--as-of", "2026-10-01")
    assert code == 0 and from_store == from_files
    code, without, _ = run("show", f"{PLAN}.yaml", "--as-of", "2026-10-01")
    assert without != from_store


def test_show_of_an_unknown_id_is_a_clear_error_and_creates_no_store(run, tmp_path):
    code, _, err = run("show", "plan-inconnu")
    assert code == 2 and "aucun fichier de ce nom, ni de plan 'plan-inconnu'" in err
    code, _, err = run("--lang", "en", "show", "plan-inconnu")
    assert code == 2 and "no such file, and no plan 'plan-inconnu' in the store sqlite:actionplan.db" in err
    assert not (tmp_path / "actionplan.db").exists()


def test_the_store_url_comes_from_the_option_or_the_environment(run, files, monkeypatch):
    assert run("--store", "dir:plans", "save", f"{PLAN}.yaml")[0] == 0
    assert (files / "plans" / "documents" / f"{PLAN}.yaml").is_file()
    monkeypatch.setenv("ACTIONPLAN_STORE", "dir:plans")
    code, out, _ = run("list")
    assert code == 0 and PLAN in out
    assert not (files / "actionplan.db").exists()


@pytest.mark.parametrize("indicator, value, stored", [
    ("va-o1-a1-i1", "1", {"value": 1}),
    ("va-o1-a1-i1", "1 200", {"value": 1200}),
    ("va-o1-a1-i2", "12/20", {"numerator": 12, "denominator": 20}),
    ("va-o1-a1-i2", "72 %", {"value": 72}),
    ("va-o1-a1-i2", "72,5%", {"value": "72.5"}),
    ("sa-o2-a1-i1", "Satisfaisant", {"level": "satisfaisant"}),
    ("sa-o1-a1-i1", "oui", {"done": True}),
    ("sa-o1-a1-i1", "Réalisé", {"done": True}),
    ("sa-o1-a1-i1", "no", {"done": False}),
    ("log-o1-a4-i2", "mrc:roussillon, mrc:beauharnois-salaberry",
     {"territories": ["mrc:roussillon", "mrc:beauharnois-salaberry"]}),
])
def test_track_reads_the_value_as_the_indicator_kind_says(run, files, indicator, value, stored):
    from actionplan.convert import unstructure

    run("save", f"{PLAN}.yaml")
    code, _, err = run("track", PLAN, indicator, value, "--date", "2026-03-01", "--note", "TP du 1er mars")
    assert code == 0, err
    with open_store("sqlite:actionplan.db") as store:
        [recorded] = store.measurements(PLAN)
    assert unstructure(recorded) == {"date": recorded.date, **stored, "note": "TP du 1er mars",
                                     "recorded_by": "Marie Tremblay", "indicator": indicator}


@pytest.mark.parametrize("indicator, value, expected", [
    ("va-o1-a1-i1", "quatre", "un nombre"),
    ("va-o1-a1-i2", "soixante", "numérateur/dénominateur"),
    ("va-o1-a1-i2", "30/20", "ne peut dépasser son dénominateur"),
    ("sa-o2-a1-i1", "parfait", "insuffisant < partiel < satisfaisant < excellent"),
    ("sa-o1-a1-i1", "peut-être", "oui ou non"),
    ("log-o1-a4-i2", "mrc:atlantide", "territoire inconnu"),
    ("log-o1-a4-i2", "Roussillon et Beauharnois", "des territoires séparés par des virgules"),
    ("va-o1-a1-i9", "1", "n'a pas d'indicateur 'va-o1-a1-i9' (vouliez-vous dire 'va-o1-a1-i"),
])
def test_track_explains_a_value_it_cannot_use(run, files, indicator, value, expected):
    run("save", f"{PLAN}.yaml")
    code, _, err = run("track", PLAN, indicator, value)
    assert code == 2 and expected in err
    with open_store("sqlite:actionplan.db") as store:
        assert store.measurements(PLAN) == []


def test_saving_never_silently_replaces_someone_elses_work(run, files):
    run("save", f"{PLAN}.yaml")
    assert run("dump", PLAN, "-o", "marie.yaml")[0] == 0
    assert run("dump", PLAN, "-o", "jean.yaml")[0] == 0
    assert (files / "marie.yaml").read_text(encoding="utf-8").startswith(f"# actionplan: {PLAN} version 1 ")
    for name, title in (("marie.yaml", "Plan de Marie"), ("jean.yaml", "Plan de Jean")):
        path = files / name
        path.write_text(path.read_text(encoding="utf-8").replace(
            "title: Concertation Horizon — Plan d'action 2026", f"title: {title}", 1), encoding="utf-8")
    code, out, _ = run("save", "jean.yaml", "--by", "Jean")
    assert code == 0 and "version 2" in out
    code, _, err = run("save", "marie.yaml")
    assert code == 2 and "conflit" in err and "version 1" in err and "version 2" in err
    code, _, err = run("save", f"{PLAN}.yaml")
    assert code == 2 and "--expect-version 2" in err
    code, _, err = run("--lang", "en", "save", f"{PLAN}.yaml", "--expect-version", "1")
    assert code == 2 and "your changes start from version 1, but the store holds version 2" in err
    assert run("save", f"{PLAN}.yaml", "--expect-version", "2")[0] == 0
    with open_store("sqlite:actionplan.db") as store:
        assert [h.by for h in store.history(PLAN)] == ["Marie Tremblay", "Jean", "Marie Tremblay"]
        assert store.get(PLAN).document.title == "Concertation Horizon — Plan d'action 2026"


def test_a_dumped_plan_carries_its_measurements_and_saves_back_unchanged(run, files):
    run("save", f"{PLAN}.yaml")
    run("save", f"{PLAN}-suivi.yaml")
    code, out, _ = run("dump", PLAN, "-o", "copie.yaml")
    assert code == 0 and "130 mesures" in out  # those that count: the 3 waiting and the returned one stay in the store
    code, out, _ = run("save", "copie.yaml")
    assert code == 0 and "identique" in out and "0 nouvelle mesure" in out and "130 déjà" in out
    code, out, _ = run("dump", PLAN, "-o", "copie.json", "--no-measurements")
    assert code == 0 and "(0 mesure)" in out
    with open_store("sqlite:actionplan.db") as store:
        assert store.version(PLAN) == 1 and len(store.measurements(PLAN)) == 134
    code, out, _ = run("save", f"{PLAN}-suivi.yaml")
    assert "0 nouvelle " in out


def test_backup_and_restore_between_backends(run, files):
    run("save", f"{PLAN}.yaml")
    run("save", f"{PLAN}-suivi.yaml")
    run("track", PLAN, "va-o1-a1-i1", "1", "--date", "2026-02-12")
    code, out, _ = run("backup", "-o", "sauvegarde.json")
    assert code == 0 and "135 mesures, 3 événements" in out  # the log's 2 review decisions and 1 manual status
    code, out, _ = run("--store", "dir:copie", "restore", "sauvegarde.json")
    assert code == 0 and "1 document, 135 mesures, 3 événements" in out
    code, _, err = run("--store", "dir:copie", "restore", "sauvegarde.json")
    assert code == 2 and "n'est pas vide ; restaurez dans un nouveau dépôt" in err
    code, _, err = run("--lang", "en", "--store", "dir:copie", "restore", "sauvegarde.json")
    assert code == 2 and "not empty" in err
    code, from_copy, _ = run("--store", "dir:copie", "show", PLAN, "--as-of", "2026-10-01")
    code, from_db, _ = run("show", PLAN, "--as-of", "2026-10-01")
    assert from_copy == from_db


def test_delete_names_the_version_and_keeps_the_history(run, files):
    run("save", f"{PLAN}.yaml")
    run("track", PLAN, "va-o1-a1-i1", "1")
    assert run("delete", PLAN)[0] == 2  # --expect-version is required
    code, _, err = run("delete", PLAN, "--expect-version", "3")
    assert code == 2 and "conflit sur concertation-horizon-2026 : version attendue 3" in err and "version 1" in err
    code, _, err = run("--lang", "en", "delete", "plan-inconnu", "--expect-version", "1")
    assert code == 2 and "no document 'plan-inconnu' in sqlite:actionplan.db" in err
    code, out, _ = run("delete", PLAN, "--expect-version", "1", "-m", "plan remplacé")
    assert code == 0 and "version 2" in out
    code, out, _ = run("history", PLAN)
    assert code == 0 and "suppression" in out and "plan remplacé" in out
    code, out, _ = run("list")
    assert "Aucun document" in out
    code, out, _ = run("list", "--deleted")
    assert PLAN in out and "supprimé" in out


def test_a_tracking_log_is_checked_against_the_stored_plan(run, files):
    run("save", f"{PLAN}.yaml")
    bad = files / "mauvais-suivi.yaml"
    bad.write_text(f"type: tracking\nplan: {PLAN}\nmeasurements:\n"
                   "  - {indicator: sa-o2-a1-i1, date: 2026-03-01, level: parfait}\n"
                   "  - {indicator: va-o1-a1-i1, date: 2026-03-01, value: 1}\n", encoding="utf-8")
    code, _, err = run("save", str(bad))
    assert code == 2 and "measurements[0].level" in err
    with open_store("sqlite:actionplan.db") as store:
        assert store.measurements(PLAN) == []


def test_a_document_is_saved_under_its_store_id_and_no_other(run, tmp_path, examples):
    import actionplan

    for name in ("alliance-maskoutains-2019-2023.yaml", "alliance-maskoutains-demandes.yaml"):
        shutil.copy(examples / name, tmp_path / name)
    assert run("save", "alliance-maskoutains-2019-2023.yaml")[0] == 0
    code, out, _ = run("save", "alliance-maskoutains-demandes.yaml")
    assert code == 0 and "alliance-maskoutains-2019-2023.applications (applications)" in out
    code, _, err = run("save", "alliance-maskoutains-demandes.yaml", "--id", "alliance-demandes")
    assert code == 2 and "ne peut pas être enregistré sous 'alliance-demandes'" in err
    code, _, err = run("--lang", "en", "save", "alliance-maskoutains-demandes.yaml", "--id", "alliance-demandes")
    assert code == 2 and "cannot be saved as 'alliance-demandes'" in err
    assert run("dump", "alliance-maskoutains-2019-2023.applications", "-o", "copie.yaml")[0] == 0
    assert actionplan.load(tmp_path / "copie.yaml") == actionplan.load(tmp_path / "alliance-maskoutains-demandes.yaml")
    code, out, _ = run("list", "--type", "applications")
    assert "alliance-maskoutains-2019-2023.applications" in out and "│ plan " not in out


# -- track --from: many measurements, one transaction ----------------------------------------------

TRACKED_CSV = (
    "indicator,date,value,territory,note,by\n"
    "va-o1-a1-i1,2026-02-12,1,,4e TP tenue,Jean Roy\n"
    "va-o1-a1-i2,2026-02-12,18/25,,,\n"
    "\n"
    "log-o1-a4-i2,2026-03-31,\"mrc:roussillon,mrc:beauharnois-salaberry\",,,\n"
    "sa-o2-a1-i1,2026-03-30,satisfaisant,,Sondage,\n"
)


@pytest.mark.parametrize("url", ["sqlite:actionplan.db", "dir:plans"])
def test_track_from_a_csv_file_records_every_row(run, files, url):
    run("--store", url, "save", f"{PLAN}.yaml")
    (files / "suivi.csv").write_text(TRACKED_CSV, encoding="utf-8")
    code, out, err = run("--store", url, "track", PLAN, "--from", "suivi.csv")
    assert (code, err) == (0, "") and f"4 mesures consignées pour {PLAN} depuis suivi.csv" in out
    with open_store(url) as store:
        recorded = store.measurements(PLAN)
    assert [(m.indicator, m.date.isoformat()) for m in recorded] == [
        ("va-o1-a1-i1", "2026-02-12"), ("va-o1-a1-i2", "2026-02-12"), ("log-o1-a4-i2", "2026-03-31"),
        ("sa-o2-a1-i1", "2026-03-30")]
    assert recorded[0].recorded_by == "Jean Roy" and recorded[1].recorded_by == "Marie Tremblay"
    assert (recorded[1].numerator, recorded[1].denominator) == (18, 25)
    assert recorded[2].territories == ("mrc:roussillon", "mrc:beauharnois-salaberry")


def test_track_from_standard_input(run, files, monkeypatch):
    import io

    run("save", f"{PLAN}.yaml")
    monkeypatch.setattr("sys.stdin", io.TextIOWrapper(io.BytesIO(TRACKED_CSV.encode("utf-8"))))
    code, out, _ = run("--lang", "en", "track", PLAN, "--from", "-", "--date", "2026-01-31")
    assert code == 0 and "4 measurements recorded" in out and "from stdin" in out


@pytest.mark.parametrize("content, expected", [
    ("indicator,date,value\nva-o1-a1-i1,2026-02-12,1\nva-o1-a1-i2,2026-02-12,30/25\n",
     "suivi.csv, ligne 3 : numerator : le numérateur d'un taux ne peut dépasser son dénominateur"),
    ("indicator,date,value\nva-o1-a1-i1,2026-02-30,1\n", "suivi.csv, ligne 2 : date attendue AAAA-MM-JJ, trouvé « 2026-02-30 »"),
    ("indicator,date,value\nva-o1-a1-i1,2026-02-12,1\nva-o1-a1-i9,2026-02-12,3\n",
     "suivi.csv, ligne 3 : concertation-horizon-2026 n'a pas d'indicateur 'va-o1-a1-i9'"),
    ("indicator,date,value\nsa-o2-a1-i1,2026-02-12,parfait\n", "suivi.csv, ligne 2 : valeur 'parfait' incomprise"),
    ("indicateur,valeur\nva-o1-a1-i1,1\n", "suivi.csv, ligne 1 : colonnes attendues : indicator, date, value"),
    ("indicator,value\nva-o1-a1-i1,1,en trop\n", "suivi.csv, ligne 2 : 3 cellules, l'en-tête en nomme 2"),
])
def test_track_from_refuses_a_bad_row_and_records_nothing(run, files, content, expected):
    run("save", f"{PLAN}.yaml")
    (files / "suivi.csv").write_text(content, encoding="utf-8")
    code, out, err = run("track", PLAN, "--from", "suivi.csv")
    assert code == 2 and out == ""
    assert expected in err and "rien n'a été consigné" in err
    with open_store("sqlite:actionplan.db") as store:
        assert store.measurements(PLAN) == []


def test_track_from_takes_no_indicator_or_value(run, files):
    run("save", f"{PLAN}.yaml")
    (files / "suivi.csv").write_text(TRACKED_CSV, encoding="utf-8")
    code, _, err = run("track", PLAN, "va-o1-a1-i1", "--from", "suivi.csv")
    assert code == 2 and "--from lit l'indicateur et la valeur de chaque ligne" in err
    code, _, err = run("track", PLAN, "va-o1-a1-i1")
    assert code == 2 and "donnez INDICATEUR et VALEUR, ou --from FICHIER.csv" in err
