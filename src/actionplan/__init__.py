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

#: Each public name → the module it is imported from on first use.
_LAZY = {
    "ActionPlan": ".model", "ActionplanError": ".errors", "Issue": ".errors", "ValidationError": ".errors",
    "dump": ".documents", "dumps": ".documents", "load": ".documents", "loads": ".documents",
    "hookimpl": ".hookspecs", "open_store": ".storage",
}

__all__ = [
    "ActionPlan", "ActionplanError", "Issue", "ValidationError", "__version__",
    "dump", "dumps", "hookimpl", "load", "loads", "open_store",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'actionplan' has no attribute {name!r}")
    value = getattr(importlib.import_module(module, __name__), name)
    globals()[name] = value  # once imported, an ordinary module attribute
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
