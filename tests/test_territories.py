"""Territories: the built-in gazetteer of Quebec, ``territories list`` and ``territories import``,
and what a table's own territories change for its plans, programs and applications."""

from __future__ import annotations

import csv
import io
import json
import subprocess
import sys
from importlib import resources
from pathlib import Path

import pytest
from test_import_text import run_cli

import actionplan
from actionplan.errors import ValidationError
from actionplan.model import Gazetteer, Territory
from actionplan.territories.quebec import territories as builtin
from actionplan.territories.table import TableOptions, parse_columns, read_table

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
PROGRAM = EXAMPLES / "alliance-maskoutains-2019-2023.yaml"
APPLICATIONS = EXAMPLES / "alliance-maskoutains-demandes.yaml"

#: MRC and equivalent territories of each region, as the sources count them (see the data file's header).
PER_REGION = {
    "region:bas-saint-laurent": 8, "region:saguenay-lac-saint-jean": 5, "region:capitale-nationale": 7,
    "region:mauricie": 6, "region:estrie": 9, "region:montreal": 1, "region:outaouais": 5,
    "region:abitibi-temiscamingue": 5, "region:cote-nord": 6, "region:nord-du-quebec": 3,
    "region:gaspesie-iles-de-la-madeleine": 6, "region:chaudiere-appalaches": 10, "region:laval": 1,
    "region:lanaudiere": 6, "region:laurentides": 8, "region:monteregie": 13, "region:centre-du-quebec": 5,
}

#: The six MRC of the examples and their municipalities, as the project's first releases had them.
EXAMPLE_MRC = {"mrc:les-maskoutains": 17, "mrc:beauharnois-salaberry": 7, "mrc:le-haut-saint-laurent": 13,
               "mrc:les-jardins-de-napierville": 11, "mrc:roussillon": 11, "mrc:vaudreuil-soulanges": 23}


def raw_rows() -> list[dict[str, str]]:
    text = resources.files("actionplan.territories").joinpath("data", "quebec.csv").read_text(encoding="utf-8")
    return list(csv.DictReader(line for line in io.StringIO(text) if not line.startswith("#")))


# -- the built-in data ------------------------------------------------------------------------------


def test_the_data_file_has_unique_ids_and_every_parent_exists():
    rows = raw_rows()
    ids = [row["id"] for row in rows]
    assert len(ids) == len(set(ids)) == 298
    known = set(ids)
    assert all(row["parent"] in known for row in rows if row["parent"]), "a parent is missing"
    assert {row["level"] for row in rows} == {"region", "mrc", "municipality"}
    assert all(not row["parent"] for row in rows if row["level"] == "region")
    assert all(row["parent"].startswith("region:") for row in rows if row["level"] == "mrc")
    assert all(row["parent"].startswith("mrc:") for row in rows if row["level"] == "municipality")


def test_17_regions_with_their_numbers_and_104_mrc_and_equivalent_territories():
    places = Gazetteer(builtin())
    regions = places.by_level("region")
    assert sorted(r.code for r in regions) == [f"{n:02d}" for n in range(1, 18)]
    assert places["region:monteregie"].code == "16" and places["region:bas-saint-laurent"].code == "01"
    assert places["region:centre-du-quebec"].code == "17"
    assert {r.id: len(places.children(r.id)) for r in regions} == PER_REGION
    assert len(places.by_level("mrc")) == sum(PER_REGION.values()) == 104


def test_every_mrc_of_the_monteregie_and_the_two_it_had_until_2021_has_its_municipalities():
    places = Gazetteer(builtin())
    monteregie = {t.id: len(places.children(t.id)) for t in places.children("region:monteregie")}
    assert len(monteregie) == 13 and all(monteregie.values())
    assert monteregie["mrc:agglomeration-de-longueuil"] == 5
    assert {t.name for t in places.children("mrc:agglomeration-de-longueuil")} == {
        "Longueuil", "Boucherville", "Brossard", "Saint-Bruno-de-Montarville", "Saint-Lambert"}
    assert len(places.children("mrc:brome-missisquoi")) == 21 and len(places.children("mrc:la-haute-yamaska")) == 8
    assert len(places.by_level("municipality")) == 177  # the Montérégie's count before 2021
    for mrc, count in EXAMPLE_MRC.items():  # the examples' ids are unchanged
        assert len(places.municipalities_reached([mrc])) == count, mrc


def test_known_facts_and_codes():
    places = Gazetteer(builtin())
    hyacinthe = places["mun:saint-hyacinthe"]
    assert hyacinthe.parent == "mrc:les-maskoutains" and hyacinthe.code == "2454048"
    assert places["mrc:les-maskoutains"].code == "2454"
    assert places["mrc:memphremagog"].parent == "region:estrie"
    assert places["mrc:brome-missisquoi"].parent == "region:estrie"  # since July 2021
    assert places["mrc:laval"].parent == "region:laval" and places["mrc:mirabel"].parent == "region:laurentides"
    assert places["mrc:levis"].parent == "region:chaudiere-appalaches"
    assert places["mrc:beauce-centre"].code == "2427"  # Robert-Cliche until 2022
    assert places["mrc:trois-rivieres"].code is None  # shares a census division with Les Chenaux
    assert places.find("Hemmingford (village)")[0].id == "mun:hemmingford-village"
    assert {places["mun:bedford-ville"].name, places["mun:bedford-canton"].name} == {"Bedford (ville)", "Bedford (canton)"}
    for municipality in places.by_level("municipality"):  # a municipality's code starts with its MRC's
        assert municipality.code.startswith(places[municipality.parent].code), municipality.id


def test_a_command_that_needs_no_territory_does_not_read_the_gazetteer(tmp_path):
    script = (
        "import sys\n"
        "from actionplan.cli import main\n"
        "import actionplan.territories.quebec as q\n"
        "try:\n    main(sys.argv[1:])\nexcept SystemExit:\n    pass\n"
        "print('read', q.territories.cache_info().currsize, file=sys.stderr)\n"
    )
    schema = subprocess.run([sys.executable, "-c", script, "schema", "-o", str(tmp_path / "s.json")],
                            capture_output=True, text=True, check=True)
    assert schema.stderr.strip().endswith("read 0")
    listing = subprocess.run([sys.executable, "-c", script, "territories", "list"], capture_output=True, text=True,
                             check=True)
    assert listing.stderr.strip().endswith("read 1")


# -- territories list -------------------------------------------------------------------------------


def test_list_under_the_monteregie_shows_all_its_mrc(tmp_path):
    result = run_cli("territories", "list", "--under", "region:monteregie", "--depth", "1")
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0] == "Montérégie — région 16 (region:monteregie)"
    mrc = [line.strip() for line in lines if line.startswith("  ") and not line.startswith("    ")]
    assert len(mrc) == 13 and "Les Maskoutains — MRC 2454 (mrc:les-maskoutains)" in mrc
    assert "Agglomération de Longueuil — MRC 2458 (mrc:agglomeration-de-longueuil)" in mrc
    assert lines[-1] == "162 territoires : 1 région, 13 MRC, 148 municipalités"
    full = run_cli("territories", "list", "--under", "Les Maskoutains").output
    assert "  Saint-Hyacinthe — municipalité 2454048 (mun:saint-hyacinthe)" in full.splitlines()


def test_list_in_english_and_the_whole_gazetteer():
    result = run_cli("territories", "list", "--lang", "en")
    assert result.exit_code == 0
    assert "Estrie — region 05 (region:estrie)" in result.output
    assert "  Memphrémagog — RCM 2445 (mrc:memphremagog)" in result.output
    assert result.output.splitlines()[-1] == "298 territories: 17 regions, 104 RCMs, 177 municipalities"


def test_list_refuses_an_unknown_territory_and_suggests_the_closest():
    result = run_cli("territories", "list", "--under", "mrc:memphremagogg")
    assert result.exit_code == 2
    assert "territoire inconnu 'mrc:memphremagogg' (vouliez-vous dire 'mrc:memphremagog' ?)" in result.output
    assert "actionplan territories list" in result.output


# -- init ------------------------------------------------------------------------------------------


def test_init_for_an_mrc_outside_the_monteregie_makes_a_valid_plan(tmp_path):
    target = tmp_path / "plan.yaml"
    result = run_cli("init", str(target), "--territory", "mrc:memphremagog", "--organisation", "Table de l'Estrie",
                     "--no-interactive")
    assert result.exit_code == 0, result.output
    assert actionplan.load(target).territories == ("mrc:memphremagog",)
    validated = run_cli("validate", str(target))
    assert validated.exit_code == 0 and "valide" in validated.output


def test_init_says_how_to_add_an_unknown_territory(tmp_path):
    result = run_cli("init", str(tmp_path / "plan.yaml"), "--territory", "Quartier Saint-Roch", "--no-interactive")
    assert result.exit_code == 2
    assert "territoire inconnu 'Quartier Saint-Roch'" in result.output
    assert "actionplan territories import TERRITOIRES.csv --into PLAN" in result.output
    assert "custom_territories" in result.output
    assert not (tmp_path / "plan.yaml").exists()


# -- reading a table --------------------------------------------------------------------------------

EXPORT = ("\ufeffCode géographique;Nom de la municipalité;MRC\n"
          "45072;Magog;Memphrémagog\n45093;Eastman;MRC de Memphrémagog\n45085;Austin;mrc:memphremagog\n"
          "45115;Orford;Memphrémagog\n45030;Potton;Memphrémagog\n")
EXPORT_COLUMNS = "code=Code géographique,name=Nom de la municipalité,parent=MRC"


def places() -> Gazetteer:
    from actionplan.territories import default_gazetteer

    return default_gazetteer()


def test_a_government_export_is_read_with_a_column_mapping():
    options = TableOptions(columns=parse_columns(EXPORT_COLUMNS), level="municipalité")
    found = read_table(EXPORT.encode("utf-8"), "export.csv", places(), options)
    assert [t.id for t in found] == ["mun:magog", "mun:eastman", "mun:austin", "mun:orford", "mun:potton"]
    assert found[0] == Territory(id="mun:magog", name="Magog", level="municipality", parent="mrc:memphremagog",
                                 code="45072")
    assert {t.parent for t in found} == {"mrc:memphremagog"}


def test_a_plain_table_with_commas_and_its_own_parents():
    table = ("id,name,level,parent\nquartier:centre,Centre-ville,quartier,Magog\n"
             "mun:magog,Magog,municipality,mrc:memphremagog\n")
    found = read_table(table.encode("utf-8"), "t.csv", places())
    assert found[0].parent == "mun:magog" and found[0].level == "neighbourhood"


def test_every_bad_row_is_reported_with_its_line_and_nothing_is_kept():
    table = ("nom;niveau;parent\nMagog;municipalité;Memphrémagog\n;municipalité;Memphrémagog\n"
             "Foo;hameau;Memphrémagog\nBar;municipalité;MRC inconnue\nMagog;municipalité;Memphrémagog\n"
             "Saint-Hyacinthe;municipalité;Memphrémagog\n")
    with pytest.raises(ValidationError) as info:
        read_table(table.encode("utf-8"), "bad.csv", places())
    paths = [issue.path for issue in info.value.issues]
    assert paths == ["line 3, name", "line 4, level", "line 5, parent", "line 6, id", "line 7, id"]
    by_path = {issue.path: issue for issue in info.value.issues}
    assert by_path["line 4, level"].found == "'hameau'"
    assert by_path["line 5, parent"].expected == "an id or a name of the gazetteer or of this table"
    assert by_path["line 6, id"].message == "id already used at line 2"
    assert "another territory" in by_path["line 7, id"].message  # mun:saint-hyacinthe is in Les Maskoutains


def test_a_missing_mapped_column_and_a_bad_mapping_are_clear():
    with pytest.raises(ValidationError, match="no column 'NOM_MUN'"):
        read_table(EXPORT.encode("utf-8"), "e.csv", places(), TableOptions(columns={"name": "NOM_MUN"}))
    with pytest.raises(actionplan.ActionplanError, match="FIELD=HEADER"):
        parse_columns("nom=NOM")


def test_a_file_that_is_not_utf8_names_its_line_and_the_encoding_to_try():
    data = "nom,parent\nSainte-Cécile,Memphrémagog\n".encode("cp1252")
    with pytest.raises(actionplan.ActionplanError, match="line 2: not utf-8 text.*--encoding cp1252"):
        read_table(data, "x.csv", places())
    found = read_table(data, "x.csv", places(), TableOptions(level="municipality"), encoding="cp1252")
    assert found[0].name == "Sainte-Cécile"


# -- territories import ----------------------------------------------------------------------------


def init_plan(tmp_path, name="plan.yaml") -> Path:
    target = tmp_path / name
    result = run_cli("init", str(target), "--territory", "mrc:memphremagog", "--organisation", "Table de l'Estrie",
                     "--no-interactive")
    assert result.exit_code == 0, result.output
    return target


def test_import_into_a_plan_keeps_its_comments_and_is_idempotent(tmp_path):
    plan = init_plan(tmp_path)
    before = plan.read_text(encoding="utf-8")
    (tmp_path / "export.csv").write_text(EXPORT, encoding="utf-8")
    args = ("territories", "import", str(tmp_path / "export.csv"), "--columns", EXPORT_COLUMNS, "--level",
            "municipality")
    dry = run_cli(*args)
    assert dry.exit_code == 0 and "Rien n'est écrit" in dry.output
    assert plan.read_text(encoding="utf-8") == before
    result = run_cli(*args, "--into", str(plan))
    assert result.exit_code == 0, result.output
    assert "5 territoires ajoutés aux custom_territories" in result.output
    after = plan.read_text(encoding="utf-8")
    assert after.startswith(before) and "# # yaml-language-server" in after
    assert [t.id for t in actionplan.load(plan).custom_territories][:2] == ["mun:magog", "mun:eastman"]
    again = run_cli(*args, "--into", str(plan))
    assert again.exit_code == 0 and "0 territoire ajouté" in again.output and "5 déjà présents" in again.output
    assert plan.read_text(encoding="utf-8") == after
    listing = run_cli("territories", "list", "--plan", str(plan), "--under", "mrc:memphremagog")
    assert "  Magog — municipalité 45072 (mun:magog)" in listing.output.splitlines()


def test_a_changed_definition_needs_replace_and_a_bad_table_writes_nothing(tmp_path):
    plan = init_plan(tmp_path)
    (tmp_path / "export.csv").write_text(EXPORT, encoding="utf-8")
    run_cli("territories", "import", str(tmp_path / "export.csv"), "--columns", EXPORT_COLUMNS, "--level",
            "municipality", "--into", str(plan))
    written = plan.read_bytes()
    (tmp_path / "changed.csv").write_text("name,parent,code\nMagog,mrc:memphremagog,99\n", encoding="utf-8")
    refused = run_cli("territories", "import", str(tmp_path / "changed.csv"), "--level", "municipality",
                      "--into", str(plan))
    assert refused.exit_code == 2 and "--replace" in refused.output and plan.read_bytes() == written
    (tmp_path / "bad.csv").write_text("name,parent\nNouvelle,Nulle part\n", encoding="utf-8")
    bad = run_cli("territories", "import", str(tmp_path / "bad.csv"), "--into", str(plan))
    assert bad.exit_code == 2 and plan.read_bytes() == written
    assert "ligne 2, parent : territoire parent inconnu" in bad.output
    replaced = run_cli("territories", "import", str(tmp_path / "changed.csv"), "--level", "municipality",
                       "--into", str(plan), "--replace")
    assert replaced.exit_code == 0 and "1 remplacé," in replaced.output
    magog = next(t for t in actionplan.load(plan).custom_territories if t.id == "mun:magog")
    assert magog.code == "99" and len(actionplan.load(plan).custom_territories) == 5


def test_import_into_a_json_plan_and_into_a_plan_of_the_store(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    plan = init_plan(tmp_path, "plan.json")
    Path("export.csv").write_text(EXPORT, encoding="utf-8")
    args = ("territories", "import", "export.csv", "--columns", EXPORT_COLUMNS, "--level", "municipality")
    assert run_cli(*args, "--into", str(plan)).exit_code == 0
    assert len(json.loads(plan.read_text(encoding="utf-8"))["custom_territories"]) == 5
    store_plan = init_plan(tmp_path, "other.yaml")
    plan_id = actionplan.load(store_plan).id
    with actionplan.open_store("sqlite:actionplan.db") as store:
        store.save(actionplan.load(store_plan))
    result = run_cli(*args, "--into", plan_id)
    assert result.exit_code == 0, result.output
    with actionplan.open_store("sqlite:actionplan.db") as store:
        stored = store.get(plan_id)
    assert stored.info.version == 2 and len(stored.document.custom_territories) == 5


# -- a table's own territories count in its program's criteria --------------------------------------

FIVE = "[mun:magog, mun:eastman, mun:austin, mun:orford, mun:potton]"


def estrie_program(tmp_path) -> tuple[Path, Path]:
    """The Alliance example moved to Memphrémagog, whose municipalities the gazetteer does not hold."""
    program = tmp_path / "programme.yaml"
    program.write_text(PROGRAM.read_text(encoding="utf-8").replace("mrc:les-maskoutains", "mrc:memphremagog"),
                       encoding="utf-8")
    applications = tmp_path / "demandes.yaml"
    applications.write_text(APPLICATIONS.read_text(encoding="utf-8").replace(
        "territories: [mun:saint-hyacinthe, mun:saint-pie, mun:saint-damase, mun:la-presentation, mun:saint-dominique]",
        f"territories: {FIVE}"), encoding="utf-8")
    return program, applications


def test_a_table_imports_its_municipalities_and_a_grant_criterion_counts_them(tmp_path):
    program, applications = estrie_program(tmp_path)
    before = run_cli("grants", "check", str(program), str(applications))
    assert before.exit_code == 0, before.output
    assert "Le projet rejoint 0 municipalité du territoire (Memphrémagog), minimum 5" in before.output
    assert "territoire absent du répertoire" in before.output
    (tmp_path / "export.csv").write_text(EXPORT, encoding="utf-8")
    imported = run_cli("territories", "import", str(tmp_path / "export.csv"), "--columns", EXPORT_COLUMNS,
                       "--level", "municipality", "--into", str(program))
    assert imported.exit_code == 0, imported.output
    after = run_cli("grants", "check", str(program), str(applications))
    assert after.exit_code == 0, after.output
    assert "Le projet rejoint 5 municipalités du territoire (Memphrémagog), minimum 5" in after.output
    d02 = next(line for line in after.output.splitlines() if " d-02 " in line)
    assert "— admissible" in d02
    assert "territoire absent du répertoire" not in after.output


def test_applications_validated_with_their_program_see_its_territories(tmp_path):
    program, applications = estrie_program(tmp_path)
    (tmp_path / "export.csv").write_text(EXPORT, encoding="utf-8")
    run_cli("territories", "import", str(tmp_path / "export.csv"), "--columns", EXPORT_COLUMNS, "--level",
            "municipality", "--into", str(program))
    together = run_cli("validate", str(program), str(applications))
    assert together.exit_code == 0, together.output
    assert "avertissement" not in together.output and together.output.count("valide") == 2
    alone = run_cli("validate", str(applications))
    assert alone.exit_code == 0
    assert "applications[1].territories[0] : territoire absent du répertoire" in alone.output
    assert "actionplan validate PROGRAMME.yaml DEMANDES.yaml" in alone.output


# -- naming MRC in an imported text ---------------------------------------------------------------


@pytest.mark.parametrize(("mission", "expected"), [
    ("Soutenir les acteurs du Roussillon.", ("mrc:roussillon",)),
    ("Soutenir les acteurs du Roussillon, avec les sources de financement et les producteurs de l'érable du "
     "Granit.", ("mrc:roussillon",)),
    ("Soutenir les acteurs de la MRC des Sources et de la MRC de Memphrémagog.", ("mrc:les-sources",
                                                                                 "mrc:memphremagog")),
    ("Soutenir les acteurs de Beauharnois-Salaberry et du Roussillon, et non ceux de Laval.",
     ("mrc:beauharnois-salaberry", "mrc:roussillon")),
])
def test_an_imported_text_names_its_mrc_without_taking_common_words_for_them(mission, expected):
    from test_import_text import SMALL_PLAN, _ctx

    from actionplan.importers.text import read_text

    text = SMALL_PLAN.replace("Soutenir les acteurs du Roussillon.", mission)
    plan = actionplan.documents.from_data(read_text(text.encode(), _ctx()).data)
    assert set(plan.territories) == set(expected)


def test_the_territory_set_plugin_of_the_docs_reads_its_own_table(tmp_path, monkeypatch, register_plugin):
    import importlib
    import re

    guide = (Path(__file__).resolve().parent.parent / "docs" / "territories.md").read_text(encoding="utf-8")
    source = re.search(r"```python\n# src/actionplan_estrie/plugin\.py\n(.*?)```", guide, flags=re.S).group(1)
    package = tmp_path / "actionplan_estrie"
    package.mkdir()
    (package / "__init__.py").write_text("", encoding="utf-8")
    (package / "plugin.py").write_text(source, encoding="utf-8")
    (package / "municipalites.csv").write_text("nom;code\nMagog;45072\nEastman;45093\n", encoding="utf-8")
    monkeypatch.syspath_prepend(str(tmp_path))
    register_plugin(importlib.import_module("actionplan_estrie.plugin"))
    from actionplan.territories import default_gazetteer

    gazetteer = default_gazetteer()
    assert gazetteer.municipalities_reached(["mrc:memphremagog"]) == {"mun:magog", "mun:eastman"}
    assert gazetteer["mun:magog"].code == "45072"
    assert "mun:saint-hyacinthe" in gazetteer
