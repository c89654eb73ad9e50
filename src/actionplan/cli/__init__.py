"""The ``actionplan`` command line.

The root group holds the global options; every command, built-in or not, is added by
a plugin through ``actionplan_register_commands``. User errors
(:class:`~actionplan.errors.ActionplanError`) are printed as clean messages with exit
code 2; a traceback means a bug.

The console script starts fast: :func:`main` builds a :class:`LazyRootGroup`, which imports a
command's module only when that command is invoked (or its own ``--help`` is asked for), and
lists the commands in ``actionplan --help`` from :data:`BUILTIN_COMMANDS` and the plugins'
``actionplan.commands`` entry points, without loading any plugin. :func:`make_cli` builds the
whole command line at once (tests, documentation).
"""

from __future__ import annotations

import os
import re
import sys
import weakref

import attrs
import click

from ..errors import ActionplanError, Issue, ValidationError
from ..i18n import CODE, CORE, DEFAULT_LANGUAGE, ENV_LANG, N_, activate, click_gettext, current_language, deactivate, install_click_translations, languages, lookup, normalize, t, tn
from ..version import __version__


@attrs.define
class CliState:
    """What every command can read from ``ctx.obj``."""

    lang: str = "fr"
    store_url: str | None = None


#: Click's own help texts of the options it adds, translated from click's catalogue.
_CLICK_OPTION_HELP = {"help": "Show this message and exit.", "version": "Show the version and exit."}

#: The placeholders help and usage errors show (``FILE|ID``, an argument's name, a type's
#: name), by their English wording → the code of their wording in the reader's language.
METAVARS = {
    "COMMAND [ARGS]...": N_("cli.metavar.command"), "FILE|ID": N_("cli.metavar.file_or_id"),
    "ID|NAME": N_("cli.metavar.id_or_name"), "OUT": N_("cli.metavar.out"), "NAME=VALUE": N_("cli.metavar.name_value"),
    "FIELD=HEADER,…": N_("cli.metavar.field_header"), "ADDRESS": N_("cli.metavar.address"),
    "PLAN_ID": N_("cli.metavar.plan_id"), "TEXT": N_("cli.metavar.text"), "INTEGER": N_("cli.metavar.integer"),
    "INTEGER RANGE": N_("cli.metavar.integer_range"),
    "FLOAT": N_("cli.metavar.float"), "PROGRAM": N_("cli.metavar.program"),
    "APPLICATIONS": N_("cli.metavar.applications"), "NAME": N_("cli.metavar.name"), "FILE": N_("cli.metavar.file"),
    "FILES": N_("cli.metavar.files"), "OUTPUT": N_("cli.metavar.output"), "INDICATOR_ID": N_("cli.metavar.indicator_id"),
    "VALUE": N_("cli.metavar.value"), "DOC_ID": N_("cli.metavar.doc_id"), "OLD": N_("cli.metavar.old"),
    "NEW": N_("cli.metavar.new"), "PERIOD": N_("cli.metavar.period"), "PERIOD1": N_("cli.metavar.period1"),
    "PERIOD2": N_("cli.metavar.period2"),
}


class _Formatter(click.HelpFormatter):
    """Click's help formatter, its headings punctuated as the language wants (« Options : »)."""

    def write_heading(self, heading: str) -> None:
        text = t("cli.help.heading", heading=heading)
        self.write(f"{'':>{self.current_indent}}{text}\n")


class _Context(click.Context):
    formatter_class = _Formatter


def _shown_metavar(param: click.Parameter) -> str | None:
    """The placeholder click shows for ``param`` before decorations, when it is its own wording."""
    if param.metavar is not None:
        return param.metavar
    if isinstance(param, click.Option) and (param.is_flag or param.count):
        return None
    if type(param.type).get_metavar is not click.ParamType.get_metavar:  # a type's own ([fr|en], date formats)
        return None
    return (param.name or "").upper() if isinstance(param, click.Argument) else param.type.name.upper()


#: The placeholder each localised object had as written (its metavar or sub-command metavar).
_WRITTEN: weakref.WeakKeyDictionary[object, str | None] = weakref.WeakKeyDictionary()


def _localise_metavars(command: click.Command, lang: str) -> None:
    """Put the placeholders of ``command`` and its sub-commands in ``lang``.

    They stay so until the next run (a usage error is shown after the command returns); each run
    starts again from the placeholders as written.
    """
    if isinstance(command, click.Group):
        written = _WRITTEN.setdefault(command, command.subcommand_metavar)
        if written in METAVARS:
            command.subcommand_metavar = t(METAVARS[written], lang)
    for param in command.params:
        param.metavar = _WRITTEN.setdefault(param, param.metavar)
        shown = _shown_metavar(param)
        if shown not in METAVARS:
            continue
        text = t(METAVARS[shown], lang)
        if param.metavar is None and isinstance(param, click.Argument):  # click's decorations, kept
            text = text if param.required else f"[{text}]"
        if param.metavar is None and param.nargs != 1:
            text += "..."
        param.metavar = text
    for sub in getattr(command, "commands", {}).values():
        _localise_metavars(sub, lang)


class _Translated:
    """Help shown in the reader's language: help texts are codes, rendered when help is shown.

    ``@cli.command(help=N_("cli.validate.help"))`` and ``click.option(…, help=N_("cli.…"))``
    give codes of the catalogue; the language (``--lang``) is only known when help is shown,
    so each code is looked up then. A help that is not a code is shown as written.
    """

    context_class: type[click.Context] = _Context

    def _texts(self, lang: str) -> list[tuple[object, str]]:
        """(object, help in ``lang``) for this command, its options and its sub-commands."""
        # a mixin: ``self`` is the click.Command/Group it is mixed into, which mypy cannot see here
        objects = [self, *self.params, *getattr(self, "commands", {}).values()]  # type: ignore[attr-defined]
        found = []
        for obj in objects:
            help_ = getattr(obj, "help", None)
            text = lookup(help_, lang) if isinstance(help_, str) and CODE.fullmatch(help_) else None
            if text is None and isinstance(obj, click.Option) and obj.name in _CLICK_OPTION_HELP:
                text = click_gettext(_CLICK_OPTION_HELP[obj.name])
            if text is not None:
                found.append((obj, text))
        return found

    def format_help(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        texts = self._texts(current_language())
        # the objects are click.Command/Option/Argument (all have ``help``), typed ``object`` by _texts;
        # super() is the click class this mixin precedes in the MRO
        saved = [(obj, obj.help) for obj, _ in texts]  # type: ignore[attr-defined]
        try:
            for obj, text in texts:
                obj.help = text  # type: ignore[attr-defined]
            super().format_help(ctx, formatter)  # type: ignore[misc]
        finally:
            for obj, text in saved:
                obj.help = text  # type: ignore[attr-defined]


class Command(_Translated, click.Command):
    """A command whose help is shown in the reader's language."""


class Group(_Translated, click.Group):
    """A group whose help, and its commands' help, is shown in the reader's language."""

    command_class = Command
    group_class = type  # sub-groups are of this class too


class RootGroup(Group):
    """The ``actionplan`` group: the language is read from ``--lang`` or the environment first,
    so that help, usage errors and messages are all in it."""

    def main(self, args=None, *pos, **kwargs):
        argv = list(sys.argv[1:] if args is None else args)
        token = activate(current_language(_lang_from_argv(argv)))
        _localise_metavars(self, current_language())
        try:
            return super().main(argv, *pos, **kwargs)
        finally:
            deactivate(token)


install_click_translations()


#: The built-in commands: name → (the module whose ``actionplan_register_commands`` adds it, its
#: help code). ``actionplan --help`` lists them from here without importing the modules; a test
#: checks the table against what the modules register (add a new built-in command here too).
BUILTIN_COMMANDS: dict[str, tuple[str, str]] = {
    "backup": ("actionplan.cli.store_commands", N_("cli.backup.help")),
    "bilan": ("actionplan.cli.cycle_commands", N_("cli.bilan.help")),
    "close": ("actionplan.cli.cycle_commands", N_("cli.close.help")),
    "delete": ("actionplan.cli.store_commands", N_("cli.delete.help")),
    "diff": ("actionplan.cli.diff_commands", N_("cli.diff.help")),
    "due": ("actionplan.cli.due_commands", N_("cli.due.help")),
    "dump": ("actionplan.cli.store_commands", N_("cli.dump.help")),
    "formats": ("actionplan.cli.report_commands", N_("cli.formats.help")),
    "grants": ("actionplan.cli.grant_commands", N_("cli.grants.help")),
    "history": ("actionplan.cli.store_commands", N_("cli.history.help")),
    "import": ("actionplan.cli.import_commands", N_("cli.import.help")),
    "import-measurements": ("actionplan.cli.import_commands", N_("cli.import_measurements.help")),
    "init": ("actionplan.cli.import_commands", N_("cli.init.help")),
    "list": ("actionplan.cli.store_commands", N_("cli.list.help")),
    "remind": ("actionplan.cli.due_commands", N_("cli.remind.help")),
    "reopen": ("actionplan.cli.cycle_commands", N_("cli.reopen.help")),
    "report": ("actionplan.cli.report_commands", N_("cli.report.help")),
    "restore": ("actionplan.cli.store_commands", N_("cli.restore.help")),
    "review": ("actionplan.cli.cycle_commands", N_("cli.review.help")),
    "save": ("actionplan.cli.store_commands", N_("cli.save.help")),
    "schema": ("actionplan.cli.import_commands", N_("cli.schema.help")),
    "show": ("actionplan.cli.plan_commands", N_("cli.show.help")),
    "status": ("actionplan.cli.cycle_commands", N_("cli.manual.help")),
    "territories": ("actionplan.cli.territory_commands", N_("cli.territories.help")),
    "track": ("actionplan.cli.store_commands", N_("cli.track.help")),
    "validate": ("actionplan.cli.plan_commands", N_("cli.validate.help")),
}

#: The entry-point group where a distribution names the commands its plugin adds (``serve =
#: "actionplan_web.plugin"``: the command, the plugin module adding it), so that ``actionplan
#: --help`` lists them without importing the plugin.
COMMANDS_ENTRY_POINTS = "actionplan.commands"


def declared_commands() -> dict[str, str]:
    """Plugin commands declared in the ``actionplan.commands`` entry points: name → distribution.

    The installed distributions' ``entry_points.txt`` files are read directly, as
    ``importlib.metadata.entry_points`` reads them (the folders of ``sys.path`` in order, the
    first distribution of a name found wins), without importing it: with the email parser and
    the zip and temporary-file modules it pulls in, it was the larger part of ``actionplan --help``.
    """
    found: dict[str, str] = {}
    seen: set[str] = set()
    for folder in sys.path:
        try:
            names = sorted(os.listdir(folder or "."))
        except OSError:  # a missing folder, a zip archive: no command of ours is installed there
            continue
        for name in names:
            if not name.endswith((".dist-info", ".egg-info")):
                continue
            key = _normalised_distribution(name.rsplit(".", 1)[0].split("-")[0])
            if key in seen:
                continue
            seen.add(key)
            commands = _entry_points(os.path.join(folder or ".", name, "entry_points.txt"), COMMANDS_ENTRY_POINTS)
            if commands:
                distribution = _distribution_name(os.path.join(folder or ".", name)) or name.split("-")[0]
                for command in commands:
                    found.setdefault(command, distribution)
    return found


def _normalised_distribution(name: str) -> str:
    """A distribution name as package indexes compare them (PEP 503): ``actionplan_web`` → ``actionplan-web``."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _entry_points(path: str, group: str) -> list[str]:
    """The names of the entry points of ``group`` in an ``entry_points.txt`` file (none if it is absent)."""
    try:
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
    except OSError:
        return []
    names, section = [], None
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith(("#", ";")):
            continue
        if line.startswith("[") and line.endswith("]"):
            section = line[1:-1].strip()
        elif section == group and "=" in line:
            names.append(line.split("=", 1)[0].strip())
    return names


def _distribution_name(folder: str) -> str | None:
    """The ``Name:`` of a distribution's metadata (``METADATA``, or ``PKG-INFO`` for an egg)."""
    for file_name in ("METADATA", "PKG-INFO"):
        try:
            with open(os.path.join(folder, file_name), encoding="utf-8") as handle:
                for line in handle:
                    if line.startswith("Name:"):
                        return line[5:].strip()
                    if not line.strip():
                        break  # the headers end at the first blank line
        except OSError:
            continue
    return None


class LazyRootGroup(RootGroup):
    """The root group of the console script: commands are imported when they are used.

    A built-in command is added by its own module (:data:`BUILTIN_COMMANDS`) when it is looked
    up; any other name (a plugin's command, a misspelt one) loads every plugin's commands
    first, as :func:`make_cli` does. ``actionplan --help`` lists the built-in commands and the
    declared plugin commands (:func:`declared_commands`) without importing either.
    """

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._loaded_modules: set[str] = set()
        self._all_loaded = False
        self._declared: dict[str, str] | None = None

    def _declared_commands(self) -> dict[str, str]:
        if self._declared is None:
            self._declared = declared_commands()
        return self._declared

    def _load_module(self, module_name: str) -> None:
        import importlib

        if module_name not in self._loaded_modules:
            self._loaded_modules.add(module_name)
            importlib.import_module(module_name).actionplan_register_commands(cli=self)

    def load_all(self) -> None:
        """Add every command: the built-in ones, then every plugin's (``actionplan_register_commands``)."""
        if self._all_loaded:
            return
        self._all_loaded = True
        from ..plugins import get_plugin_manager

        builtin_modules = dict.fromkeys(module for module, _ in BUILTIN_COMMANDS.values())
        for module_name in builtin_modules:
            self._load_module(module_name)
        pm = get_plugin_manager()
        for impl in reversed(pm.hook.actionplan_register_commands.get_hookimpls()):  # the hook's call order
            if pm.get_name(impl.plugin) not in builtin_modules:
                impl.function(**{arg: self for arg in impl.argnames})

    def list_commands(self, ctx: click.Context) -> list[str]:
        if self._all_loaded:
            return sorted(self.commands)
        return sorted({*BUILTIN_COMMANDS, *self._declared_commands(), *self.commands})

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            builtin = BUILTIN_COMMANDS.get(cmd_name)
            if builtin is not None:
                self._load_module(builtin[0])
            else:
                self.load_all()
        command = self.commands.get(cmd_name)
        if command is not None:  # added now: its placeholders in the reader's language too
            _localise_metavars(command, current_language())
        return command

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        """The commands and their short help, read from the tables for those not imported yet."""
        lang = current_language()
        declared = {} if self._all_loaded else self._declared_commands()
        rows = []
        for name in self.list_commands(ctx):
            command = self.commands.get(name)
            if command is not None:
                if command.hidden:
                    continue
                help_ = command.help
            elif name in BUILTIN_COMMANDS:
                help_ = BUILTIN_COMMANDS[name][1]
            else:
                help_ = t("cli.plugin_command", lang, distribution=declared[name])
            text = lookup(help_, lang) if isinstance(help_, str) and CODE.fullmatch(help_) else help_
            rows.append((name, text or ""))
        if rows:
            limit = formatter.width - 6 - max(len(name) for name, _ in rows)
            rows = [(name, click.Command(name, help=text).get_short_help_str(limit)) for name, text in rows]
            with formatter.section(click_gettext("Commands")):
                formatter.write_dl(rows)


def make_cli(pm=None) -> click.Group:
    """The root group with every plugin's commands added."""
    from ..plugins import get_plugin_manager

    pm = pm or get_plugin_manager()
    cli = _root_group(RootGroup, lambda: pm)
    pm.hook.actionplan_register_commands(cli=cli)
    return cli


def make_lazy_cli() -> LazyRootGroup:
    """The root group of the console script: commands (and plugins) are imported when used."""
    def get_pm():
        from ..plugins import get_plugin_manager

        return get_plugin_manager()

    cli = _root_group(LazyRootGroup, get_pm)
    assert isinstance(cli, LazyRootGroup)
    return cli


def _root_group(cls: type[RootGroup], get_pm) -> click.Group:
    """The ``actionplan`` group of class ``cls`` with its global options; ``get_pm()`` gives the plugin manager."""

    def load_plugins(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
        # eager: runs while the root options are parsed, before the command is looked up,
        # so a local plugin's criteria, formats and commands are all there for it
        from ..plugins import env_plugins, load_local_plugins

        specs = [*env_plugins(), *value]
        if not specs:
            return value
        pm = get_pm()
        for module in load_local_plugins(specs, pm):
            for impl in pm.hook.actionplan_register_commands.get_hookimpls():
                if impl.plugin is module:
                    impl.function(**{arg: ctx.command for arg in impl.argnames})
        return value

    @click.group(cls=cls, context_settings={"help_option_names": ["-h", "--help"]}, help=N_("cli.help"))
    @click.version_option(__version__, "--version", prog_name="actionplan")
    @click.option("--plugin", "plugins", metavar="MODULE", multiple=True, is_eager=True, expose_value=False,
                  callback=load_plugins, help=N_("cli.option.plugins"))
    @click.option("--lang", type=click.Choice(languages()), default=None,
                  help=N_("cli.option.lang"))
    @click.option("--store", "store_url", metavar="URL", envvar="ACTIONPLAN_STORE", default=None,
                  help=N_("cli.option.store_url"))
    @click.pass_context
    def cli(ctx: click.Context, lang: str | None, store_url: str | None) -> None:
        """Plans d'action et programmes de subvention des tables de concertation."""
        ctx.obj = CliState(lang=current_language(lang), store_url=store_url)

    return cli


def echo_issues(title: str, issues, lang: str | None = None) -> None:
    """A title, then one indented line per issue (in ``lang``, default the current one), on stderr."""
    lang = lang or _context_lang() or current_language()
    click.echo(title, err=True)
    for issue in issues:
        click.echo(f"  {issue.render(lang) if isinstance(issue, Issue) else issue}", err=True)


def _context_lang() -> str | None:
    context = click.get_current_context(silent=True)
    state = context.find_object(CliState) if context else None
    return state.lang if state else None


def print_error(exc: ActionplanError, lang: str) -> None:
    if isinstance(exc, ValidationError):
        source = exc.source or "document"
        echo_issues(tn("cli.invalid", len(exc.issues), lang, source=source), exc.issues, lang)
    else:
        click.echo(f"actionplan: {exc.message(lang)}", err=True)


def main(argv: list[str] | None = None) -> None:
    """Console-script entry point: never a traceback for a user error."""
    argv = list(sys.argv[1:] if argv is None else argv)
    requested = _lang_from_argv(argv)
    if _plugin_language(requested or os.environ.get(ENV_LANG)):
        from ..plugins import get_plugin_manager

        get_plugin_manager()  # a language only a plugin's catalogue speaks: the plugins are needed now
    token = activate(current_language(requested))
    try:
        _main(argv)
    finally:
        deactivate(token)


def _main(argv: list[str]) -> None:
    lang = current_language()
    try:
        cli = make_lazy_cli()
        result = cli.main(args=argv, prog_name="actionplan", standalone_mode=False)
    except ActionplanError as exc:
        print_error(exc, lang)
        sys.exit(exc.exit_code)
    except click.exceptions.Abort:
        click.echo(t("cli.aborted", lang), err=True)
        sys.exit(1)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.exceptions.Exit as exc:
        sys.exit(exc.exit_code)
    except OSError as exc:
        click.echo(f"actionplan: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), err=True)
        sys.exit(2)
    except KeyboardInterrupt:
        sys.exit(130)
    # without standalone mode, click returns the code of an ``Exit`` raised by a command
    sys.exit(result if isinstance(result, int) else 0)


def _plugin_language(lang: str | None) -> bool:
    """Whether ``lang`` is asked for but not among the core's languages (a plugin may speak it)."""
    wanted = normalize(lang)
    return wanted is not None and wanted != DEFAULT_LANGUAGE and wanted not in CORE.languages()


def _lang_from_argv(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None
