"""actionplan: action plans and grant programs of Quebec's social-development round tables.

The public API in a few names::

    import actionplan
    plan = actionplan.load("examples/concertation-horizon-2026.yaml")
    actionplan.dump(plan, "copy.json")
"""

from __future__ import annotations

import pluggy

__version__ = "0.1.0"

#: Decorator for plugin hook implementations: ``@actionplan.hookimpl``.
hookimpl: pluggy.HookimplMarker = pluggy.HookimplMarker("actionplan")

from .documents import dump, dumps, load, loads  # noqa: E402
from .errors import ActionplanError, Issue, ValidationError  # noqa: E402
from .model import ActionPlan  # noqa: E402
from .storage import open_store  # noqa: E402

__all__ = [
    "ActionPlan", "ActionplanError", "Issue", "ValidationError", "__version__",
    "dump", "dumps", "hookimpl", "load", "loads", "open_store",
]
