"""Every user-facing text, through standard gettext catalogues (see ``docs/i18n.md``).

A message is named by a stable **code** (``validation.unknown_key``, ``cli.validate.help``,
``report.title``…) and its parameters by name (``{organisation}``); the catalogues
``locale/<lang>/LC_MESSAGES/actionplan.po`` give the full text in each language, compiled to
``.mo`` files with Babel. The language is ``--lang``, else ``$ACTIONPLAN_LANG``, else French;
the languages are the catalogues present, so adding ``locale/es/…`` adds Spanish without code.

- :func:`t` renders a code now; :func:`tn` a code whose text depends on a count (French puts 0
  and 1 in the singular, the catalogue's ``Plural-Forms`` says so).
- :class:`Message` (and :class:`Plural`) hold a code and its parameters and render later, in
  the reader's language: errors and issues carry them. :class:`Verbatim` is a text that is
  not in a catalogue (a plugin's own English-only wording, a value from the document).
- Plugins ship their own catalogue (their own gettext domain and locale directory) through
  the ``actionplan_register_catalogues`` hook; it is looked up after the core's.

A code missing in the language asked for falls back to French, then to the code itself.
"""

from __future__ import annotations

import contextvars
import functools
import gettext
import os
import re
import string
from collections.abc import Callable, Iterable, Iterator, Mapping
from pathlib import Path
from typing import Any

import attrs

DOMAIN = "actionplan"
LOCALE_DIR = Path(__file__).parent / "locale"
DEFAULT_LANGUAGE = "fr"
ENV_LANG = "ACTIONPLAN_LANG"


@attrs.frozen
class Catalogue:
    """A gettext catalogue: ``directory/<lang>/LC_MESSAGES/<domain>.mo`` for each language."""

    domain: str
    directory: Path = attrs.field(converter=Path)

    def languages(self) -> set[str]:
        if not self.directory.is_dir():
            return set()
        return {entry.name for entry in self.directory.iterdir()
                if (entry / "LC_MESSAGES" / f"{self.domain}.mo").is_file()}


CORE = Catalogue(DOMAIN, LOCALE_DIR)

#: The language the command line is running in (set by the root command, reset after it).
_active: contextvars.ContextVar[str | None] = contextvars.ContextVar("actionplan_lang", default=None)


def N_(code: str) -> str:
    """Marks a code built elsewhere (a table of codes) for extraction; returns it unchanged."""
    return code


# -- catalogues and languages ---------------------------------------------------------------


_gathering = False


def catalogues() -> tuple[Catalogue, ...]:
    """The core's catalogue, then every plugin's, in lookup order.

    While the plugins are being loaded (an error raised then is rendered too), only the core's.
    """
    global _gathering
    if _gathering:
        return (CORE,)
    _gathering = True
    try:
        return (CORE, *(catalogue for source in _sources for catalogue in source()))
    finally:
        _gathering = False


#: Where plugins' catalogues come from: the plugin manager adds its registry here (it sits
#: above this module, which the errors and everything else import).
_sources: list[Callable[[], Iterable[Catalogue]]] = []


def add_catalogue_source(source: Callable[[], Iterable[Catalogue]]) -> None:
    """Look up the catalogues ``source()`` returns after the core's (the plugin manager does)."""
    _sources.append(source)


def catalogue_key(catalogue: Catalogue) -> str:
    """A registered catalogue's name (domain and folder); refuses anything but a :class:`Catalogue`."""
    if not isinstance(catalogue, Catalogue):
        raise TypeError(f"expected an actionplan.i18n.Catalogue, found {catalogue!r}")
    return f"{catalogue.domain}@{catalogue.directory}"


def languages() -> tuple[str, ...]:
    """Every language some catalogue is written in, French first."""
    return _languages(catalogues())


@functools.cache
def _languages(catalogues_: tuple[Catalogue, ...]) -> tuple[str, ...]:
    found = {DEFAULT_LANGUAGE}
    for catalogue in catalogues_:
        found |= catalogue.languages()
    return (DEFAULT_LANGUAGE, *sorted(found - {DEFAULT_LANGUAGE}))


def normalize(lang: str | None) -> str | None:
    """``fr_CA.UTF-8`` → ``fr``; ``None`` or empty stays ``None``."""
    if not lang:
        return None
    return lang.split(".")[0].replace("-", "_").split("_")[0].lower() or None


def current_language(explicit: str | None = None) -> str:
    """``explicit``, else the command line's ``--lang``, else ``$ACTIONPLAN_LANG``, else French.

    A language no catalogue is written in counts as French.
    """
    for candidate in (explicit, _active.get(), os.environ.get(ENV_LANG)):
        lang = normalize(candidate)
        if lang:
            return lang if lang in languages() else DEFAULT_LANGUAGE
    return DEFAULT_LANGUAGE


def active_language() -> str | None:
    """The language :func:`activate` made current (the command line's), ``None`` outside a command."""
    lang = _active.get()
    if not lang:
        return None
    return lang if lang in languages() else DEFAULT_LANGUAGE


def activate(lang: str | None) -> contextvars.Token:
    """Make ``lang`` the current language until :func:`deactivate` is called with the token."""
    return _active.set(normalize(lang))


def deactivate(token: contextvars.Token) -> None:
    _active.reset(token)


@functools.cache
def _translations(domain: str, directory: Path, lang: str) -> gettext.NullTranslations | None:
    path = directory / lang / "LC_MESSAGES" / f"{domain}.mo"
    if not path.is_file():
        return None
    with path.open("rb") as fileobj:
        return gettext.GNUTranslations(fileobj)


def reload() -> None:
    """Forget the loaded ``.mo`` files and languages found (after compiling the catalogues again)."""
    _translations.cache_clear()
    _languages.cache_clear()


def _chain(lang: str, domain_catalogues: Iterable[Catalogue]) -> Iterator[gettext.NullTranslations]:
    catalogues_ = tuple(domain_catalogues)
    for language in dict.fromkeys((lang, DEFAULT_LANGUAGE)):
        for catalogue in catalogues_:
            translation = _translations(catalogue.domain, catalogue.directory, language)
            if translation is not None:
                yield translation


def lookup(code: str, lang: str | None = None, count: int | None = None) -> str | None:
    """The raw text of ``code`` (placeholders unfilled), or ``None`` when no catalogue has it."""
    lang = current_language(lang)
    for translation in _chain(lang, catalogues()):
        text = translation.gettext(code) if count is None else translation.ngettext(code, code, count)
        if text != code:
            return text
    return None


def has(code: str, lang: str | None = None) -> bool:
    """Whether some catalogue gives ``code`` (in ``lang`` or, failing that, in French)."""
    return lookup(code, lang) is not None or lookup(code, lang, 1) is not None


# -- rendering ------------------------------------------------------------------------------


def _fill(text: str, lang: str, params: Mapping[str, Any]) -> str:
    values = {name: render(value, lang) for name, value in params.items()}
    try:
        return text.format_map(values)
    except (KeyError, IndexError, ValueError):  # a catalogue typo must not hide the message
        return text


def render(value: Any, lang: str | None = None) -> Any:
    """``value`` in ``lang`` when it is a :class:`Message`; anything else unchanged."""
    return value.render(lang) if isinstance(value, Message) else value


def t(code: str, lang: str | None = None, /, **params: Any) -> str:
    """The text of ``code`` in ``lang`` (default: the current language), parameters filled."""
    lang = current_language(lang)
    text = lookup(code, lang)
    return code if text is None else _fill(text, lang, params)


def tn(code: str, count: int, lang: str | None = None, /, **params: Any) -> str:
    """The text of ``code`` for ``count`` things (``{count}`` is filled too)."""
    lang = current_language(lang)
    text = lookup(code, lang, count)
    return code if text is None else _fill(text, lang, {"count": count, **params})


class Message:
    """A code and its parameters, rendered when read, in the reader's language.

    ``str(message)`` is English (logs and the Python API speak one language);
    ``message.render("fr")`` is what the command line shows by default. Parameters may be
    messages themselves (rendered in the same language).
    """

    __slots__ = ("code", "params")
    code: str
    params: tuple[tuple[str, Any], ...]

    def __init__(self, code: str, /, **params: Any):
        object.__setattr__(self, "code", code)
        object.__setattr__(self, "params", tuple(params.items()))

    def __setattr__(self, name: str, value: Any) -> None:
        raise AttributeError(f"{type(self).__name__} is immutable")

    @property
    def values(self) -> dict[str, Any]:
        return dict(self.params)

    def render(self, lang: str | None = None) -> str:
        return t(self.code, lang, **self.values)

    def __str__(self) -> str:
        return self.render("en")

    def __repr__(self) -> str:
        args = "".join(f", {name}={value!r}" for name, value in self.params)
        return f"{type(self).__name__}({self.code!r}{args})"

    def _key(self) -> tuple:
        return (type(self), self.code, self.params)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Message) and self._key() == other._key()

    def __hash__(self) -> int:
        return hash(self._key())


class Plural(Message):
    """A :class:`Message` whose text depends on ``count`` (``ngettext``)."""

    __slots__ = ()

    def __init__(self, code: str, count: int, /, **params: Any):
        super().__init__(code, count=count, **params)

    def render(self, lang: str | None = None) -> str:
        values = self.values
        return tn(self.code, values.pop("count"), lang, **values)


class Verbatim(Message):
    """A text shown as written in every language (not in a catalogue)."""

    __slots__ = ()

    def __init__(self, text: str, /):
        super().__init__("", text=text)

    def render(self, lang: str | None = None) -> str:
        return str(self.values["text"])

    def __repr__(self) -> str:
        return f"Verbatim({self.values['text']!r})"


#: What a code looks like: dotted lower-case words (``validation.unknown_key``).
CODE = re.compile(r"[a-z][a-z0-9_]*(\.[a-z0-9_]+)+")


class CarriesMessage:
    """``code`` and ``params`` of the message an error or an issue carries (``_message_value()``)."""

    __slots__ = ()

    def _message_value(self) -> Message:
        raise NotImplementedError

    @property
    def code(self) -> str | None:
        """The message's catalogue code (``None`` for a text shown as written)."""
        message = self._message_value()
        return None if isinstance(message, Verbatim) else message.code

    @property
    def params(self) -> dict[str, object]:
        """The message's parameters, by name."""
        message = self._message_value()
        return {} if isinstance(message, Verbatim) else message.values


def as_message(value: str | Message) -> Message:
    """A message as is; a string shaped like a code is one, anything else a :class:`Verbatim` text.

    (A code no catalogue has renders as itself, so a text that merely looks like one is
    shown unchanged.)
    """
    if isinstance(value, Message):
        return value
    if isinstance(value, str) and CODE.fullmatch(value):
        return Message(value)
    return Verbatim(str(value))


def optional_message(value: str | Message | None) -> Message | None:
    """:func:`as_message`, keeping ``None``: the converter of optional texts (``Issue.expected``)."""
    return None if value is None else as_message(value)


def placeholders(text: str) -> set[str]:
    """The ``{names}`` a text fills."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


# -- click's own texts ----------------------------------------------------------------------

CLICK = Catalogue("click", LOCALE_DIR)


#: The language click writes its own texts in.
CLICK_SOURCE_LANGUAGE = "en"


def _click_chain() -> Iterator[gettext.NullTranslations]:
    lang = current_language()
    return iter(()) if lang == CLICK_SOURCE_LANGUAGE else _chain(lang, (CLICK,))


def click_gettext(text: str) -> str:
    """Click's own sentence (``Usage:``, ``No such option``…) in the current language."""
    for translation in _click_chain():
        translated = translation.gettext(text)
        if translated != text:
            return translated
    return text


def click_ngettext(singular: str, plural: str, count: int) -> str:
    for translation in _click_chain():
        translated = translation.ngettext(singular, plural, count)
        if translated not in (singular, plural):
            return translated
    return singular if count == 1 else plural


def install_click_translations() -> None:
    """Route click's own texts through the ``click`` catalogue (click asks stdlib gettext)."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.termui
    import click.types
    import click.utils

    for module in (click.core, click.decorators, click.exceptions, click.formatting, click.parser,
                   click.termui, click.types, click.utils):
        # click's modules import gettext's functions as module globals, which their stubs don't declare
        if hasattr(module, "_"):
            module._ = click_gettext  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = click_ngettext  # type: ignore[attr-defined]
