"""Grant programs: the model, criteria as plugins, the approval chain and the fiscal-year ledger.

Modules (imported on demand so the model stays light):

* :mod:`actionplan.model.grants` — the program, calls, applications, decisions, agreements, payments
  (data classes, part of the model; re-exported here);
* :mod:`.criteria` — the criterion contract (:class:`Criterion`, :class:`Verdict`, dated parameters);
* :mod:`.rules` — generic criteria, registered by a default plugin;
* :mod:`.evaluation` — eligibility and ranking of many applications, fast;
* :mod:`.chain` — the approval chain as a state machine, and what waits on whom;
* :mod:`.ledger` — envelopes by fiscal year, commitments, payments, carry-over and lapse;
* :mod:`.checks` — whole-document checks with paths.

See ``docs/grants.md``.
"""

from __future__ import annotations

import importlib

_EXPORTS = {
    "GrantProgram": "..model.grants", "Application": "..model.grants", "ApplicationsDocument": "..model.grants",
    "Decision": "..model.grants",
    "CallForProjects": "..model.grants", "Deadline": "..model.grants", "CriterionConfig": "..model.grants",
    "Criterion": ".criteria", "Verdict": ".criteria", "Text": ".criteria", "Param": ".criteria",
    "ProgramContext": ".criteria", "criteria_registry": ".criteria",
    "Evaluator": ".evaluation", "Assessment": ".evaluation",
    "Workflow": ".chain", "Ledger": ".ledger",
}

__all__ = [
    "Application", "ApplicationsDocument", "Assessment", "CallForProjects", "Criterion", "CriterionConfig",
    "Deadline", "Decision", "Evaluator", "GrantProgram", "Ledger", "Param", "ProgramContext", "Text", "Verdict",
    "Workflow", "criteria_registry",
]


def __getattr__(name: str):
    module = _EXPORTS.get(name)
    if module is None:
        raise AttributeError(f"module 'actionplan.grants' has no attribute {name!r}")
    return getattr(importlib.import_module(module, __name__), name)
