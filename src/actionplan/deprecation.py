"""Old import paths kept working for one release, with a warning naming the new place."""

from __future__ import annotations

import importlib
import warnings
from collections.abc import Callable
from typing import Any


def moved_module(old: str, new: str) -> Callable[[str], Any]:
    """A module-level ``__getattr__`` for ``old``, whose names now live in the module ``new``.

    ``from old import Name`` keeps working and emits a :class:`DeprecationWarning` that names
    the new module; a name that ``new`` does not have is an ordinary ``AttributeError``.
    """

    def __getattr__(name: str) -> Any:
        if name.startswith("__"):  # the import system probes dunders (__path__, __file__…): no warning
            raise AttributeError(f"module {old!r} has no attribute {name!r}")
        target = importlib.import_module(new)
        try:
            value = getattr(target, name)
        except AttributeError:
            raise AttributeError(f"module {old!r} has no attribute {name!r}") from None
        warnings.warn(f"{old}.{name} has moved to {new}.{name}; import it from {new} "
                      f"(the old path will be removed in the next release)", DeprecationWarning, stacklevel=2)
        return value

    return __getattr__
