"""Errors meant for users.

Every exception raised on purpose by actionplan is an :class:`ActionplanError`.
The CLI turns them into a clean message and exit code 2; anything else is a bug.
Messages carry *where* (a document path such as ``themes[2].actions[0].target``),
*what was expected* and *what was found*, so a person can fix the input.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

import attrs


class ActionplanError(Exception):
    """Base class of every error meant to be shown to a user.

    ``str()`` is English; ``fr=`` gives the French wording the command line shows by default
    (``message(lang)``).
    """

    exit_code = 2

    def __init__(self, *args: object, fr: str | None = None):
        super().__init__(*args)
        self.translations = {"fr": fr} if fr else {}

    def message(self, lang: str = "en") -> str:
        """The message in ``lang`` when it was written in it, else in English."""
        return getattr(self, "translations", {}).get(lang) or str(self)


@attrs.frozen
class Issue:
    """One problem found in a document.

    ``path`` is a document path (``themes[0].objectives[1].actions[0]``; empty for the
    document root), ``expected`` what the format wants there and ``found`` what was
    there. ``hint`` may suggest a fix ("did you mean 'title'?").
    """

    path: str
    message: str
    expected: str | None = None
    found: str | None = None
    hint: str | None = None
    severity: str = "error"  # "error" or "warning"
    #: The message in other languages, when its author wrote them (``{"fr": "…"}``).
    translations: dict[str, str] = attrs.field(factory=dict, hash=False)

    def __str__(self) -> str:
        where = self.path or "(document)"
        text = f"{where}: {self.message}"
        if self.expected is not None:
            text += f"; expected {self.expected}"
        if self.found is not None:
            text += f", found {self.found}"
        if self.hint:
            text += f" ({self.hint})"
        return text


class ValidationError(ActionplanError):
    """A document is invalid; ``issues`` lists every problem found, not just the first."""

    def __init__(self, issues: Sequence[Issue], source: str | None = None):
        self.issues = tuple(issues)
        self.source = source
        head = f"{source}: " if source else ""
        count = len(self.issues)
        lines = [f"{head}{count} error{'s' if count != 1 else ''}"]
        lines += [f"  {issue}" for issue in self.issues]
        super().__init__("\n".join(lines))


class ScheduleError(ActionplanError):
    """A schedule (échéancier) text could not be understood.

    ``accepted`` lists the forms the parser knows, so the message can teach them.
    """

    def __init__(self, text: str, accepted: Iterable[str] = (), reason: str | None = None):
        self.text = text
        self.accepted = tuple(accepted)
        self.reason = reason
        message = f"unrecognised schedule {text!r}"
        if reason:
            message += f": {reason}"
        if self.accepted:
            message += "; accepted forms: " + ", ".join(self.accepted)
        super().__init__(message)


class PluginError(ActionplanError):
    """A plugin is broken: a misspelt hook, a duplicate name, a bad registration."""


class UnknownFormatError(ActionplanError):
    """No installed plugin handles the requested format, scheme or file type."""


class StoreError(ActionplanError):
    """A storage backend could not do what was asked."""


class NotFoundError(StoreError):
    """A document id is not in the store."""


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
    """A grant-program operation was refused (illegal transition, over-commitment…)."""
