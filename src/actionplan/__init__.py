"""actionplan: action plans and grant programs of Quebec's social-development round tables.

The public API in a few names::

    import actionplan
    plan = actionplan.load("examples/concertation-horizon-2026.yaml")
    actionplan.dump(plan, "copy.json")
"""

from __future__ import annotations

from .documents import dump, dumps, load, loads
from .errors import ActionplanError, Issue, ValidationError
from .hookspecs import hookimpl
from .model import ActionPlan
from .storage import open_store
from .version import __version__

__all__ = [
    "ActionPlan", "ActionplanError", "Issue", "ValidationError", "__version__",
    "dump", "dumps", "hookimpl", "load", "loads", "open_store",
]
