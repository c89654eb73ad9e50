"""The core's document types, registered through the same hook as any plugin's.

Plans (``type: plan``, the default) and tracking logs (``type: tracking``). Grant
applications are registered by :mod:`actionplan.grants.checks`. A program is no document
of its own: a plan carries it (``ActionPlan.program``).
"""

from __future__ import annotations

from collections.abc import Callable

from .checks import check_plan
from .documents import DocumentType
from .hookspecs import hookimpl
from .model.plan import ActionPlan
from .model.tracking import TrackingLog

#: Plans are stored under their ``id`` and checked by :func:`actionplan.checks.check_plan`.
PLAN_TYPE = DocumentType("plan", ActionPlan, checks=check_plan)
#: Tracking logs have no id of their own (a store records their measurements for their ``plan``);
#: they are checked against their plan when attached (:func:`actionplan.checks.check_tracking`).
TRACKING_TYPE = DocumentType("tracking", TrackingLog)


@hookimpl
def actionplan_register_document_types(register: Callable[[DocumentType], None]) -> None:
    register(PLAN_TYPE)
    register(TRACKING_TYPE)
