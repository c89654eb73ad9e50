"""actionplan: action plans and grant programs of Quebec's social-development round tables.

The public API in a few names::

    import actionplan
    plan = actionplan.load("examples/concertation-horizon-2026.yaml")
    actionplan.dump(plan, "copy.json")

The names are imported when first used (a module ``__getattr__``), so ``import actionplan``
and commands that need little (``actionplan --help``) do not pay for the schedules, grants,
stores and reports they do not use.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from .version import __version__

if TYPE_CHECKING:  # the same names, seen by type checkers and IDEs as ordinary imports
    from .documents import dump, dumps, load, loads
    from .errors import ActionplanError, Issue, ValidationError
    from .hookspecs import hookimpl
    from .model import ActionPlan
    from .storage import open_store

#: Each module → the public names imported from it on first use.
_SOURCES = {
    ".documents": "dump dumps load loads", ".errors": "ActionplanError Issue ValidationError",
    ".hookspecs": "hookimpl", ".model": "ActionPlan", ".storage": "open_store",
}

__all__ = [
    "ActionPlan", "ActionplanError", "Issue", "ValidationError", "__version__",
    "dump", "dumps", "hookimpl", "load", "loads", "open_store",
]


def _lazy_attributes(package: str, sources: dict[str, str], namespace: dict[str, Any]):
    """A module ``__getattr__`` and ``__dir__`` importing each name of ``sources`` on first use.

    ``sources`` maps a module (relative to ``package``) to its names, space-separated; ``NAME=THERE``
    when the module calls it ``THERE``. Once imported, a name is an ordinary attribute of the module
    whose ``namespace`` this is. ``actionplan`` and ``actionplan.api`` both resolve their names so.
    """
    table = {public: (module, there or public) for module, names in sources.items()
             for public, _, there in (word.partition("=") for word in names.split())}

    def __getattr__(name: str) -> Any:
        found = table.get(name)
        if found is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(found[0], "actionplan"), found[1])
        namespace[name] = value
        return value

    def __dir__() -> list[str]:
        return sorted({*namespace, *table})

    return __getattr__, __dir__


__getattr__, __dir__ = _lazy_attributes(__name__, _SOURCES, globals())
