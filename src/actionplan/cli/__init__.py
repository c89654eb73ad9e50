"""The ``actionplan`` command line.

The root group holds the global options; every command, built-in or not, is added by
a plugin through ``actionplan_register_commands``. User errors
(:class:`~actionplan.errors.ActionplanError`) are printed as clean messages with exit
code 2; a traceback means a bug.
"""

from __future__ import annotations

import sys

import attrs
import click

from ..errors import ActionplanError, Issue, ValidationError
from ..i18n import CODE, N_, activate, click_gettext, current_language, deactivate, install_click_translations, languages, lookup, t, tn
from ..version import __version__


@attrs.define
class CliState:
    """What every command can read from ``ctx.obj``."""

    lang: str = "fr"
    store_url: str | None = None


#: Click's own help texts of the options it adds, translated from click's catalogue.
_CLICK_OPTION_HELP = {"help": "Show this message and exit.", "version": "Show the version and exit."}


class _Translated:
    """Help shown in the reader's language: help texts are codes, rendered when help is shown.

    ``@cli.command(help=N_("cli.validate.help"))`` and ``click.option(…, help=N_("cli.…"))``
    give codes of the catalogue; the language (``--lang``) is only known when help is shown,
    so each code is looked up then. A help that is not a code is shown as written.
    """

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
        try:
            return super().main(argv, *pos, **kwargs)
        finally:
            deactivate(token)


install_click_translations()


def make_cli(pm=None) -> click.Group:
    """The root group with every plugin's commands added."""
    from ..plugins import get_plugin_manager

    pm = pm or get_plugin_manager()

    def load_plugins(ctx: click.Context, param: click.Parameter, value: tuple[str, ...]) -> tuple[str, ...]:
        # eager: runs while the root options are parsed, before the command is looked up,
        # so a local plugin's criteria, formats and commands are all there for it
        from ..plugins import env_plugins, load_local_plugins

        for module in load_local_plugins([*env_plugins(), *value], pm):
            for impl in pm.hook.actionplan_register_commands.get_hookimpls():
                if impl.plugin is module:
                    impl.function(**{arg: ctx.command for arg in impl.argnames})
        return value

    @click.group(cls=RootGroup, context_settings={"help_option_names": ["-h", "--help"]}, help=N_("cli.help"))
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

    pm.hook.actionplan_register_commands(cli=cli)
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
    token = activate(current_language(_lang_from_argv(argv)))
    try:
        _main(argv)
    finally:
        deactivate(token)


def _main(argv: list[str]) -> None:
    lang = current_language()
    try:
        cli = make_cli()
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


def _lang_from_argv(argv: list[str]) -> str | None:
    for i, arg in enumerate(argv):
        if arg == "--lang" and i + 1 < len(argv):
            return argv[i + 1]
        if arg.startswith("--lang="):
            return arg.split("=", 1)[1]
    return None
