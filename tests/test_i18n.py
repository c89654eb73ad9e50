"""The message catalogues: every code in both languages, compiled files in step, a third language.

See docs/i18n.md. The catalogues are gettext ``.po`` files managed with Babel; these tests run
the documented ``pybabel extract`` and check its template against the French and English
catalogues, so a code used in the code but missing from a catalogue fails here.
"""

from __future__ import annotations

import io
import re
import tomllib
from pathlib import Path

import click
import pytest
from babel.messages.catalog import Catalog
from babel.messages.frontend import CommandLineInterface
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po, write_po
from click.testing import CliRunner

import actionplan
from actionplan import i18n
from actionplan.cli import make_cli
from actionplan.errors import ActionplanError, Issue, ValidationError
from actionplan.i18n import Catalogue, Message, Plural, Verbatim, placeholders, t, tn

ROOT = Path(__file__).resolve().parents[1]

#: Every project (the core and each first-party plugin) whose pyproject.toml configures Babel.
PROJECTS = [path.parent for path in [ROOT / "pyproject.toml", *sorted(ROOT.glob("plugins/*/pyproject.toml"))]
            if "tool" in (data := tomllib.loads(path.read_text(encoding="utf-8")))
            and "extract_messages" in data["tool"].get("babel", {})]


def babel_config(project: Path) -> dict:
    return tomllib.loads((project / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["babel"]


def catalogue_files(project: Path) -> dict[str, Path]:
    """lang → the project's .po file for its domain."""
    update = babel_config(project)["update_catalog"]
    directory = project / update["output_dir"]
    return {po.parent.parent.name: po for po in sorted(directory.glob(f"*/LC_MESSAGES/{update['domain']}.po"))}


def read(path: Path) -> Catalog:
    with path.open("rb") as fileobj:
        return read_po(fileobj)


def ids(catalog: Catalog) -> set[str]:
    return {m.id if isinstance(m.id, str) else m.id[0] for m in catalog if m.id}


def texts(message) -> list[str]:
    return list(message.string) if isinstance(message.string, tuple) else [message.string]


@pytest.fixture(params=PROJECTS, ids=lambda p: p.name)
def project(request) -> Path:
    return request.param


def extracted(project: Path, tmp_path: Path, monkeypatch) -> Catalog:
    """What the documented ``pybabel extract`` (run in the project's folder) finds in the code."""
    monkeypatch.chdir(project)
    out = tmp_path / "extracted.pot"
    CommandLineInterface().run(["pybabel", "-q", "extract", "-o", str(out)])
    return read(out)


def test_the_core_and_plugins_configure_babel():
    assert ROOT in PROJECTS


def test_every_code_in_the_code_is_in_french_and_english(project, tmp_path, monkeypatch):
    template = extracted(project, tmp_path, monkeypatch)
    assert ids(template), f"pybabel extract found no code in {project.name}: check [tool.babel.extract_messages]"
    files = catalogue_files(project)
    assert {"fr", "en"} <= set(files)
    for lang in ("fr", "en"):
        catalog = read(files[lang])
        missing = sorted(ids(template) - ids(catalog))
        assert not missing, f"{files[lang]}: codes used in the code but missing: {missing}"
        plural_codes = {m.id[0] for m in template if isinstance(m.id, tuple)}
        for message in catalog:
            if not message.id:
                continue
            code = message.id if isinstance(message.id, str) else message.id[0]
            assert all(texts(message)), f"{files[lang]}: {code} has no text"
            assert (code in plural_codes) == isinstance(message.id, tuple) or code not in ids(template), \
                f"{files[lang]}: {code} is plural in the code but not in the catalogue (or the reverse)"


def test_the_template_is_up_to_date(project, tmp_path, monkeypatch):
    """The committed .pot is what ``pybabel extract`` writes today (run it after adding a code)."""
    fresh = extracted(project, tmp_path, monkeypatch)
    committed = read(project / babel_config(project)["extract_messages"]["output_file"])
    assert ids(fresh) == ids(committed)


def test_french_and_english_have_the_same_codes_and_placeholders(project):
    files = catalogue_files(project)
    french, english = read(files["fr"]), read(files["en"])
    assert ids(french) == ids(english)
    by_id = {m.id: m for m in english if m.id}
    for message in french:
        if not message.id:
            continue
        other = by_id[message.id]
        expected = set().union(*map(placeholders, texts(message)))
        found = set().union(*map(placeholders, texts(other)))
        assert expected == found, f"{message.id}: fr {sorted(expected)} ≠ en {sorted(found)}"


def test_no_entry_is_fuzzy(project):
    """``pybabel compile`` leaves fuzzy entries out: a code whose text ``pybabel update`` marked
    fuzzy (a code turned plural, a guessed text) would render as the code itself."""
    for po in catalogue_files(project).values():
        fuzzy = sorted(m.id if isinstance(m.id, str) else m.id[0] for m in read(po) if m.id and m.fuzzy)
        assert not fuzzy, f"{po}: fuzzy entries (check their text, then remove the '#, fuzzy' line): {fuzzy}"


def test_committed_mo_files_are_the_compiled_po_files(project):
    """The .mo files are committed; ``pybabel compile`` must be run after each .po change."""
    directory = project / babel_config(project)["compile_catalog"]["directory"]
    domains = babel_config(project)["compile_catalog"]["domain"].split()
    pos = [po for domain in domains for po in directory.glob(f"*/LC_MESSAGES/{domain}.po")]
    assert pos
    for po in pos:
        buffer = io.BytesIO()
        write_mo(buffer, read(po))
        mo = po.with_suffix(".mo")
        assert mo.is_file() and mo.read_bytes() == buffer.getvalue(), f"{mo} is stale: run pybabel compile"


# -- the lookup ------------------------------------------------------------------------------


def test_a_code_in_both_languages_with_named_parameters():
    assert t("cli.valid", "fr", source="plan.yaml") == "plan.yaml : valide"
    assert t("cli.valid", "en", source="plan.yaml") == "plan.yaml: valid"


def test_french_plural_puts_zero_and_one_in_the_singular():
    assert tn("errors.validation.bare", 0, "fr") == "0 erreur"
    assert tn("errors.validation.bare", 1, "fr") == "1 erreur"
    assert tn("errors.validation.bare", 2, "fr") == "2 erreurs"
    assert tn("errors.validation.bare", 0, "en") == "0 errors"
    assert tn("errors.validation.bare", 1, "en") == "1 error"


def test_language_from_argument_then_environment_then_french(monkeypatch):
    monkeypatch.delenv("ACTIONPLAN_LANG", raising=False)
    assert i18n.current_language() == "fr"
    monkeypatch.setenv("ACTIONPLAN_LANG", "en_CA.UTF-8")
    assert i18n.current_language() == "en"
    assert i18n.current_language("fr") == "fr"
    monkeypatch.setenv("ACTIONPLAN_LANG", "tlh")  # no catalogue speaks Klingon
    assert i18n.current_language() == "fr"


def test_messages_render_late_in_the_readers_language():
    message = Message("cli.valid", source=Message("issue.document"))
    assert message.render("fr") == "(document) : valide"
    assert str(message) == "(document): valid"
    assert Plural("errors.validation.bare", 3).render("fr") == "3 erreurs"
    assert Verbatim("as written").render("fr") == "as written"
    assert Message("cli.valid", source="x") == Message("cli.valid", source="x")
    assert hash(Message("cli.valid", source="x")) == hash(Message("cli.valid", source="x"))


def test_an_unknown_code_renders_as_itself():
    assert t("nowhere.to_be_found", "fr") == "nowhere.to_be_found"


def test_errors_carry_a_code_and_parameters():
    error = ActionplanError("cli.valid", source="p.yaml")
    assert error.code == "cli.valid" and error.params == {"source": "p.yaml"}
    assert str(error) == "p.yaml: valid" and error.message("fr") == "p.yaml : valide"
    plain = ActionplanError("a plugin's own sentence")
    assert plain.code is None and plain.message("fr") == "a plugin's own sentence"


def test_issues_carry_a_code_and_render_in_each_language():
    issue = Issue("themes[0]", Message("cli.valid", source="x"), expected="a", found=Message("issue.document"))
    assert issue.code == "cli.valid" and issue.params == {"source": "x"}
    assert issue.message == "x: valid"
    assert issue.render("fr") == "themes[0] : x : valide\u00a0; attendu : a, trouvé : (document)"
    assert str(issue) == "themes[0]: x: valid; expected a, found (document)"
    error = ValidationError([issue, issue], "p.yaml")
    assert error.message("fr").splitlines()[0] == "p.yaml : 2 erreurs"
    assert str(error).splitlines()[0] == "p.yaml: 2 errors"


# -- a third language, without code changes --------------------------------------------------


def compile_catalogue(directory: Path, domain: str, lang: str, entries: dict[str, str]) -> None:
    catalog = Catalog(locale=lang, domain=domain)
    for code, text in entries.items():
        catalog.add(code, text)
    folder = directory / lang / "LC_MESSAGES"
    folder.mkdir(parents=True)
    with (folder / f"{domain}.po").open("wb") as fileobj:
        write_po(fileobj, catalog)
    with (folder / f"{domain}.mo").open("wb") as fileobj:
        write_mo(fileobj, catalog)


class SpanishCatalogue:
    """A plugin that brings a Spanish catalogue of the core's codes (only some of them)."""

    def __init__(self, directory: Path):
        self.directory = directory

    @actionplan.hookimpl
    def actionplan_register_catalogues(self, register):
        register(Catalogue("actionplan_es", self.directory))


@pytest.fixture
def spanish(tmp_path, register_plugin):
    directory = tmp_path / "locale"
    compile_catalogue(directory, "actionplan_es", "es", {
        "cli.valid": "{source}: válido",
        "cli.help": "Planes de acción y programas de subvenciones de las mesas de concertación.",
    })
    register_plugin(SpanishCatalogue(directory), name="spanish")
    yield directory
    i18n.reload()


def test_a_third_catalogue_is_a_language(spanish):
    assert "es" in i18n.languages()
    assert t("cli.valid", "es", source="plan.yaml") == "plan.yaml: válido"
    # a code the Spanish catalogue lacks falls back to French
    assert t("cli.aborted", "es") == t("cli.aborted", "fr")


def test_lang_es_on_the_command_line(spanish, tmp_path, minimal_plan_text):
    path = tmp_path / "plan.yaml"
    path.write_text(minimal_plan_text, encoding="utf-8")
    runner = CliRunner()
    result = runner.invoke(make_cli(), ["--lang", "es", "validate", str(path)])
    assert result.exit_code == 0, result.output
    assert f"{path}: válido" in result.output
    result = runner.invoke(make_cli(), ["--lang", "es", "--help"])
    assert "Planes de acción" in result.output
    assert "Afficher ce message et quitter." in result.output  # click's own: French fallback


# -- the command line ------------------------------------------------------------------------


def invoke(*args: str, env: dict | None = None):
    return CliRunner().invoke(make_cli(), list(args), env=env, prog_name="actionplan")


@pytest.fixture(autouse=False)
def no_env_lang(monkeypatch):
    monkeypatch.delenv("ACTIONPLAN_LANG", raising=False)


@pytest.mark.usefixtures("no_env_lang")
def test_help_is_french_by_default_and_english_on_request():
    french = invoke("--help").output
    assert "Utilisation\u00a0: actionplan [OPTIONS] COMMANDE [ARGUMENTS]..." in french
    assert "\nOptions\u00a0:\n" in french and "\nCommandes\u00a0:\n" in french  # French: a no-break space before « : »
    assert "Afficher ce message et quitter." in french
    assert "Plans d'action et programmes de subvention" in french
    assert "Vérifier des documents" in french  # a command's short help
    assert "Langue des messages et des rapports" in french  # an option's help
    for english in (invoke("--lang", "en", "--help").output, invoke("--help", "--lang=en").output,
                    invoke("--help", env={"ACTIONPLAN_LANG": "en"}).output):
        assert "Usage: actionplan [OPTIONS] COMMAND [ARGS]..." in english
        assert "\nOptions:\n" in english and "\nCommands:\n" in english
        assert "Show this message and exit." in english
        assert "Action plans and grant programs" in english
        assert "Check documents; print every error" in english
        assert "Language of messages and reports" in english
        assert "Utilisation" not in english and "Afficher" not in english


@pytest.mark.usefixtures("no_env_lang")
def test_sub_command_help_in_both_languages():
    french = invoke("grants", "check", "--help").output
    assert "Juger chaque demande" in french and "Texte pour les personnes" in french
    english = invoke("--lang", "en", "grants", "check", "--help").output
    assert "Judge every application" in english and "Text for people" in english


@pytest.mark.usefixtures("no_env_lang")
@pytest.mark.parametrize("args, french, english", [
    (["validate", "--bogus"], "Option inconnue '--bogus'", "No such option '--bogus'"),
    (["validate", "--bogus"], "Essayez « actionplan validate --help » pour l'aide.",
     "Try 'actionplan validate --help' for help."),
    (["validate"], "Argument manquant 'FICHIERS...'", "Missing argument 'FILES...'"),
    (["report"], "Argument manquant 'FICHIER|ID'", "Missing argument 'FILE|ID'"),
    (["report", "x.yaml", "--format"], "L'option '--format' exige un argument", "Option '--format' requires an argument"),
    (["nosuch"], "Commande inconnue 'nosuch'", "No such command 'nosuch'"),
    (["grants", "check", "--format", "pdf", "a", "b"], "Valeur invalide pour '--format'",
     "Invalid value for '--format'"),
])
def test_click_usage_errors_in_both_languages(args, french, english):
    result = invoke(*args)
    assert result.exit_code == 2
    assert french in result.output and "Erreur\u00a0:" in result.output
    result = invoke("--lang", "en", *args)
    assert english in result.output and "Error:" in result.output


def test_french_help_texts_have_their_no_break_spaces():
    """« Options : », « (par défaut : …) », « … ; … »: the spaces French puts before high punctuation."""
    from actionplan.reports.labels import french_spacing

    french = read(catalogue_files(ROOT)["fr"])
    help_texts = {m.id: m.string for m in french if isinstance(m.id, str) and re.search(r"\.help$|\.option\.", m.id)}
    assert len(help_texts) > 50
    assert {code: text for code, text in help_texts.items() if french_spacing(text) != text} == {}
    assert t("cli.help.heading", "fr", heading="Options") == "Options\u00a0:"
    assert t("cli.help.heading", "en", heading="Options") == "Options:"


@pytest.mark.usefixtures("no_env_lang")
def test_a_command_help_has_no_english_placeholder_in_french():
    french = invoke("report", "--help").output
    assert french.startswith("Utilisation\u00a0: actionplan report [OPTIONS] FICHIER|ID\n")
    assert "-o, --output SORTIE" in french and "-O, --option NOM=VALEUR" in french and "--as-of TEXTE" in french
    assert "FILE|ID" not in french and "NAME=VALUE" not in french and " TEXT " not in french
    english = invoke("--lang", "en", "report", "--help").output
    assert english.startswith("Usage: actionplan report [OPTIONS] FILE|ID\n") and "-o, --output OUT" in english
    track = invoke("track", "--help").output
    assert "actionplan track [OPTIONS] ID_PLAN [ID_INDICATEUR] [VALEUR]" in track
    from actionplan.cli import make_lazy_cli  # the console script's group: commands imported when used

    lazy = CliRunner().invoke(make_lazy_cli(), ["track", "--help"], prog_name="actionplan").output
    assert "actionplan track [OPTIONS] ID_PLAN [ID_INDICATEUR] [VALEUR]" in lazy
    lazy_error = CliRunner().invoke(make_lazy_cli(), ["report"], prog_name="actionplan").output
    assert "Argument manquant 'FICHIER|ID'" in lazy_error


@pytest.mark.usefixtures("no_env_lang")
def test_validate_a_bad_file_in_french_then_english(tmp_path, minimal_plan_text):
    path = tmp_path / "plan.yaml"
    path.write_text(minimal_plan_text.replace("title: Tenue des rencontres", "titel: Tenue des rencontres"),
                    encoding="utf-8")
    french = invoke("validate", str(path))
    assert french.exit_code == 2
    assert " : 2 erreurs\n" in french.output and "clé inconnue" in french.output and "vouliez-vous dire" in french.output
    for english in (invoke("--lang", "en", "validate", str(path)),
                    invoke("validate", str(path), env={"ACTIONPLAN_LANG": "en"})):
        assert english.exit_code == 2
        assert ": 2 errors\n" in english.output and "unknown key" in english.output
        assert "did you mean 'title'?" in english.output and "clé" not in english.output


def all_commands(command: click.Command, path=()):
    yield path, command
    for name, sub in getattr(command, "commands", {}).items():
        yield from all_commands(sub, (*path, name))


def test_every_command_and_option_has_its_help_in_both_languages():
    for path, command in all_commands(make_cli()):
        where = " ".join(("actionplan", *path))
        assert command.help and i18n.CODE.fullmatch(command.help), f"{where}: help is not a code"
        options = [p for p in command.params if isinstance(p, click.Option) and p.name not in ("help", "version")]
        for option in options:
            assert option.help and i18n.CODE.fullmatch(option.help), f"{where} {option.opts[0]}: help is not a code"
        for code in [command.help, *(o.help for o in options)]:
            assert i18n.lookup(code, "fr") and i18n.lookup(code, "en"), f"{where}: {code} missing"
            assert i18n.lookup(code, "fr") != i18n.lookup(code, "en") or len(i18n.lookup(code, "fr")) < 12, code
