"""Errors meant for users.

Every exception raised on purpose by actionplan is an :class:`ActionplanError`.
The CLI turns them into a clean message and exit code 2; anything else is a bug.
Messages carry *where* (a document path such as ``themes[2].actions[0].target``),
*what was expected* and *what was found*, so a person can fix the input.

Every exception class of actionplan is defined here (the old places re-export them)::

    Exception
    ├── ActionplanError                 meant for users: the CLI prints it, exit code 2
    │   ├── ValidationError             a document is invalid: every Issue found
    │   ├── ScheduleError               a schedule's wording is not understood
    │   ├── PluginError                 a broken plugin: misspelt hook, name registered twice
    │   ├── UnknownFormatError          no plugin handles this format, scheme or type
    │   ├── StoreError                  a store cannot do what was asked
    │   │   ├── NotFoundError           no document with this id
    │   │   └── ConflictError           saved against a stale version; nothing overwritten
    │   ├── GrantError                  a grant operation is refused
    │   │   └── GrantRefusal            … with its catalogue message
    │   └── SourceError                 a source document cannot be imported (file and place)
    └── ValueError
        └── FieldValueError             a model value built from Python is refused (names the field)
            └── FieldTypeError          … of the wrong type (also a TypeError)

:class:`Issue` is no exception: one problem found in a document, with its path. Two
modules keep a private exception that never leaves them: the schedule parser's
``_Refusal`` (becomes a :class:`ScheduleError`) and the converter's ``TypeMismatch`` /
``OutOfRange`` (become :class:`Issue` objects of a :class:`ValidationError`).
"""

from __future__ import annotations

import warnings
from collections.abc import Iterable, Sequence
from typing import Any

import attrs

from .i18n import CarriesMessage, Message, Verbatim, active_language, as_message, current_language, optional_message, t, tn


class ActionplanError(CarriesMessage, Exception):
    """Base class of every error meant to be shown to a user.

    ``ActionplanError(code, **params)`` names its message by a catalogue code
    (``docs/i18n.md``); a text that is not a code is shown as written in every language
    (a plugin without a catalogue). ``str()`` is English; ``message(lang)`` is the text in
    ``lang`` (the command line's language by default). ``fr=`` (a French text beside an
    English one) is the older way, deprecated: it warns and goes in the next release.
    """

    exit_code = 2
    #: The message: a catalogue code and its parameters (a :class:`~actionplan.i18n.Message`).
    msg: Message

    def __init__(self, message: str | Message = "", /, *args: object, fr: str | None = None, **params: object):
        self.msg: Message = (Message(message, **params) if params and isinstance(message, str)
                              else as_message(message))
        self.translations = {"fr": fr} if fr else {}
        if fr is not None:
            warnings.warn("ActionplanError(..., fr=...) is deprecated: give a catalogue Message "
                          "(ActionplanError(Message(code, **params)), docs/i18n.md); fr= is removed in the next release",
                          DeprecationWarning, stacklevel=2)
        super().__init__(str(self.msg), *args)

    def _message_value(self) -> Message:
        return self.msg

    def message(self, lang: str | None = None) -> str:
        """The message in ``lang`` (default: the current language)."""
        lang = current_language(lang)
        translations = getattr(self, "translations", {})
        if lang in translations:
            return translations[lang]
        text = getattr(self, "msg", None)
        return text.render(lang) if text is not None else str(self)

    def __str__(self) -> str:
        text = getattr(self, "msg", None)
        return str(text) if text is not None else super().__str__()


@attrs.frozen
class Issue(CarriesMessage):
    """One problem found in a document.

    ``path`` is a document path (``themes[0].objectives[1].actions[0]``; empty for the
    document root); the message is a :class:`~actionplan.i18n.Message` (a catalogue code
    and its parameters: ``issue.code``, ``issue.params``; a plain string that is not a
    code is shown as written). ``expected`` says what the format wants there and ``found``
    what was there, ``hint`` may suggest a fix ("did you mean 'title'?"); each is a message
    or a plain text. ``issue.message`` is the English text, ``issue.render(lang)`` the line
    the command line prints.
    """

    path: str
    text: Message = attrs.field(converter=as_message, alias="message")
    expected_text: Message | None = attrs.field(default=None, converter=optional_message, alias="expected")
    found_text: Message | None = attrs.field(default=None, converter=optional_message, alias="found")
    hint_text: Message | None = attrs.field(default=None, converter=optional_message, alias="hint")
    severity: str = "error"  # "error" or "warning"
    #: Deprecated: the message in other languages, for issues written before the catalogues
    #: (``{"fr": "…"}``); give a catalogue :class:`~actionplan.i18n.Message` instead.
    translations: dict[str, str] = attrs.field(factory=dict, hash=False)

    def __attrs_post_init__(self) -> None:
        if self.translations:
            warnings.warn("Issue(..., translations=...) is deprecated: give a catalogue Message "
                          "(Issue(path, Message(code, **params)), docs/i18n.md); translations= is removed in the "
                          "next release", DeprecationWarning, stacklevel=3)

    @property
    def message(self) -> str:
        """The message in English."""
        return str(self.text)

    @property
    def expected(self) -> str | None:
        """What was expected, in English."""
        return None if self.expected_text is None else str(self.expected_text)

    @property
    def found(self) -> str | None:
        """What was found, in English."""
        return None if self.found_text is None else str(self.found_text)

    @property
    def hint(self) -> str | None:
        """The hint, in English."""
        return None if self.hint_text is None else str(self.hint_text)

    def _message_value(self) -> Message:
        return self.text

    def render(self, lang: str | None = None) -> str:
        """One line: where, what, what was expected and found, the hint, in ``lang``."""
        lang = current_language(lang)
        where = self.path or t("issue.document", lang)
        message = self.translations.get(lang) or self.text.render(lang)
        text = t("issue.line", lang, path=where, message=message)
        if self.expected_text is not None:
            text += t("issue.expected", lang, expected=self.expected_text.render(lang))
        if self.found_text is not None:
            text += t("issue.found", lang, found=self.found_text.render(lang))
        if self.hint_text is not None and self.hint_text.render(lang):
            text += t("issue.hint", lang, hint=self.hint_text.render(lang))
        return text

    def __str__(self) -> str:
        return self.render("en")


class ValidationError(ActionplanError):
    """A document is invalid; ``issues`` lists every problem found, not just the first."""

    def __init__(self, issues: Sequence[Issue], source: str | None = None):
        self.issues = tuple(issues)
        self.source = source
        super().__init__(self.message("en"))

    def message(self, lang: str | None = None) -> str:
        """The count of errors, then one indented line per issue, in ``lang``."""
        lang = current_language(lang)
        count = len(self.issues)
        if self.source:
            head = tn("errors.validation", count, lang, source=self.source)
        else:
            head = tn("errors.validation.bare", count, lang)
        return "\n".join([head, *(f"  {issue.render(lang)}" for issue in self.issues)])

    def __str__(self) -> str:
        return self.message("en")


class ScheduleError(ActionplanError):
    """A schedule (échéancier) text could not be understood.

    ``accepted`` lists the forms the parser knows, so the message can teach them; ``forms`` is
    that list as a message (in the reader's language), ``reason`` why the text was refused.
    """

    def __init__(self, text: str, accepted: Iterable[str] = (), reason: str | Message | None = None,
                 forms: Message | None = None):
        self.text = text
        self.accepted = tuple(accepted)
        self.reason = None if reason is None else str(reason)  # in English, for the API
        message = (Message("schedule.unrecognised_because", text=repr(text), reason=as_message(reason)) if reason
                   else Message("schedule.unrecognised", text=repr(text)))
        if self.accepted:
            # ``forms`` says them in the reader's language (the parser's are in the catalogues)
            forms = forms or Verbatim(", ".join(self.accepted))
            message = Message("schedule.with_forms", message=message, forms=forms)
        super().__init__(message)


class PluginError(ActionplanError):
    """A plugin is broken: a misspelt hook, a duplicate name, a bad registration."""


class UnknownFormatError(ActionplanError):
    """No installed plugin handles the requested format, scheme or file type."""


class StoreError(ActionplanError):
    """A storage backend could not do what was asked."""


class NotFoundError(StoreError):
    """A document id is not in the store."""

    #: The absent document's id, so a caller can word the error in its own language.
    doc_id: str | None = None


class ConflictError(StoreError):
    """A save was made against a stale version; nothing was overwritten."""

    def __init__(self, doc_id: str, expected_version: int | None, current_version: int | None):
        self.doc_id = doc_id
        self.expected_version = expected_version
        self.current_version = current_version
        super().__init__(
            f"conflict on {doc_id!r}: saved against version {expected_version}, "
            f"but the store holds version {current_version}; reload and retry"
        )


class GrantError(ActionplanError):
    """A grant-program operation was refused (illegal transition, over-commitment…).

    ``str()`` is in the command line's language while a command runs (``--lang``, French
    by default: what a plugin's command or a ``--plugin`` script prints is then in the same
    language as the rest of the output), in English elsewhere; ``message(lang)`` in ``lang``.
    """

    def __str__(self) -> str:
        return self.message(active_language() or "en")


class GrantRefusal(GrantError):
    """A refused grant operation; its message is a catalogue :class:`~actionplan.i18n.Message`.

    ``str()`` as :class:`GrantError` says, ``message(lang)`` the text in ``lang``; ``text`` is the message.
    """

    def __init__(self, text: Message):
        super().__init__(text)

    @property
    def text(self) -> Message:
        return self.msg


class SourceError(ActionplanError):
    """A source document cannot be imported: it names the file and the place in it."""

    def __init__(self, source: str, message: str, *, location: str | None = None,
                 expected: str | None = None, found: str | None = None):
        self.source = source
        self.location = location
        self.expected = expected
        self.found = found
        text: Message = (Message("importers.source_location", source=source, location=location, message=message)
                         if location else Message("importers.source", source=source, message=message))
        # importers word ``message``, ``expected`` and ``found`` (messages, or text in their context's
        # language); the connectors follow the command line's (French unless --lang en)
        if expected is not None:
            text = Message("importers.with_expected", text=text, expected=expected)
        if found is not None:
            text = Message("importers.with_found", text=text, found=found)
        super().__init__(text)


class FieldValueError(ValueError):
    """A field's value is refused; names the field, what was expected and what was found.

    Raised by the model's validators when a value is built from Python; the converter turns
    it into an :class:`Issue` at the field's document path.
    """

    def __init__(self, owner: str, field: str, expected: Message, found: object):
        self.field = field
        self.expected = expected
        self.found = found
        super().__init__(f"{owner}.{field} must be {expected}, not {found!r}")


class FieldTypeError(FieldValueError, TypeError):
    """A field was given a value of the wrong type (a float for an exact amount, a bool for a number)."""
