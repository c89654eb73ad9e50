"""Explained decisions: what one verdict read — the parameter values in force and where they are
written, the application's data each criterion looked at, the facts it found — as plain data.

The evaluator records nothing per application but a reference to the :class:`Binding` of
the parameters it used (one per set of values in force); this module turns an
:class:`~actionplan.grants.evaluation.Assessment` into the trace when someone asks for it
(``actionplan grants explain``). The trace is versioned: ``trace_version`` is
:data:`TRACE_VERSION`; a change that removes or renames a key raises it.
"""

from __future__ import annotations

from typing import Any

from ..i18n import t, tn
from .evaluation import Assessment, Ranking, _plain, ranking_explanation

#: The version of the trace's layout (the ``trace_version`` key of :func:`trace`).
TRACE_VERSION = 1

#: What the evaluator itself reads of every application.
_ALWAYS_READ = ("deposited", "call")


def trace(assessment: Assessment, ranking: Ranking | None = None, lang: str = "fr") -> dict[str, Any]:
    """The trace of one application's decision, as JSON-ready data, sentences in ``lang``.

    ``ranking`` (the ranking the application was judged in) adds its rank among the
    eligible ones. Each criterion lists the parameters it read (value, the dates it is in
    force between, whether it comes from the program or from the application's call, and
    its place in the program file), the application's fields it reads (``Criterion.reads``),
    its facts, score, reason and advice.
    """
    evaluator = assessment.evaluator
    app = assessment.application
    binding = assessment.binding
    ctx = evaluator.ctx
    criteria = []
    read: list[str] = list(_ALWAYS_READ)
    sentences = assessment.reasons(lang)
    for index, (compiled, verdict, reason, advice) in enumerate(sentences):
        reads = tuple(getattr(compiled.criterion, "reads", ()))
        read += [field for field in reads if field not in read]
        entries = binding.entries[index] if binding is not None else {}
        parameters = []
        for name, entry in entries.items():
            from_call = binding is not None and binding.call is not None and name in evaluator.overrides.get(
                binding.call, {}).get(compiled.key, {})
            parameters.append({
                "name": name,
                "value": _plain(entry.value) if entry is not None else None,
                "defined": entry is not None,
                "from": entry.start.isoformat() if entry is not None and entry.start is not None else None,
                "until": entry.end.isoformat() if entry is not None and entry.end is not None else None,
                "source": "call" if from_call else ("program" if entry is not None and entry.source else "default"),
                "path": entry.source if entry is not None else None,
            })
        criteria.append({
            "criterion": compiled.key,
            "name": compiled.config.criterion,
            "title": compiled.title(lang),
            "role": compiled.role,
            "passed": verdict.passed,
            "score": _plain(verdict.score),
            "parameters": parameters,
            "reads": list(reads),
            "facts": {key: _plain(value) for key, value in verdict.facts.items()},
            "reason": reason,
            "advice": advice,
        })
    rank = ranking.rank_of(app.id) if ranking is not None and assessment.eligible else None
    failed = [c.key for c in assessment.failed()]
    return {
        "trace_version": TRACE_VERSION,
        "lang": lang,
        "program": evaluator.program.id,
        "program_title": evaluator.program.title,
        "application": app.id,
        "title": app.title,
        "lead": app.lead,
        "call": app.call,
        "judged_on": assessment.day.isoformat(),
        "judged_on_is": "deposited" if app.deposited is not None else "as_of",
        "call_overrides": binding.call is not None if binding is not None else False,
        "eligible": assessment.eligible,
        "failed": failed,
        "rank": rank,
        "eligible_count": len(ranking.ranked) if ranking is not None else None,
        "ranking_rule": ranking_explanation(evaluator, lang),
        "context": {
            "territories": list(ctx.territories),
            "territory_name": ctx.territory_name(),
            "territory_municipalities": len(ctx.territory_municipalities),
            "priorities": list(ctx.priorities),
        },
        "application_data": {field: _plain(getattr(app, field, None)) for field in read},
        "criteria": criteria,
        "verdict": _verdict_sentence(assessment, rank, len(ranking.ranked) if ranking is not None else 0, lang),
    }


def _verdict_sentence(assessment: Assessment, rank: int | None, count: int, lang: str) -> str:
    if not assessment.eligible:
        failed = assessment.failed()
        return tn("grants.trace.verdict.ineligible", len(failed), lang, criteria=", ".join(c.title(lang) for c in failed))
    if rank is None:
        return t("grants.trace.verdict.eligible", lang)
    return t("grants.trace.verdict.ranked", lang, rank=rank, count=count)
