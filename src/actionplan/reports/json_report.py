"""JSON: the plan as plain data (:func:`actionplan.documents.to_data`) plus its computed progress.

For scripts and other tools: the plan is exactly what ``actionplan.dump`` would write, and
``progress`` holds, for the plan, each theme, objective, action and indicator, its status
code (one of :data:`actionplan.progress.STATUSES`), its figures and the localised label of
its status. Numbers are JSON numbers when whole and strings otherwise (no digit is lost to
floating point), as in the documents.
"""

from __future__ import annotations

import orjson

from ..convert import unstructure
from ..documents import to_data
from ..version import __version__
from . import ReportContext, ReportFormat

FORMAT_VERSION = 1


def render_json(plan, ctx: ReportContext) -> bytes:
    progress, loc = ctx.progress, ctx.loc
    data = {
        "report": {
            "format": "actionplan-report", "version": FORMAT_VERSION, "generator": f"actionplan {__version__}",
            "as_of": ctx.as_of, "lang": ctx.lang, "illustrative": ctx.illustrative,
        },
        "plan": to_data(plan),
        "progress": {
            "rollup": _rollup(progress.rollup, loc),
            "themes": [
                {
                    "id": theme.theme.id,
                    "rollup": _rollup(theme.rollup, loc),
                    "objectives": [
                        {
                            "id": objective.objective.id,
                            "rollup": _rollup(objective.rollup, loc),
                            "actions": [
                                {
                                    "id": action.action.id,
                                    "rollup": _rollup(action.rollup, loc),
                                    "indicators": [_indicator(ip, loc) for ip in action.indicators],
                                }
                                for action in objective.actions
                            ],
                        }
                        for objective in theme.objectives
                    ],
                }
                for theme in progress.themes
            ],
        },
    }
    return orjson.dumps(unstructure(data), option=orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE)


def _rollup(rollup, loc) -> dict:
    return {
        "status": rollup.status, "status_label": loc.status(rollup.status), "fraction": rollup.fraction,
        "counts": dict(rollup.counts), "levels": dict(rollup.levels), "total": rollup.total,
    }


def _indicator(ip, loc) -> dict:
    return {
        "id": ip.indicator.id, "status": ip.status, "status_label": loc.status(ip.status),
        "value": ip.value, "target": ip.target, "fraction": ip.fraction, "expected": ip.expected,
        "level": ip.level, "latest_date": ip.latest.date if ip.latest is not None else None,
        "bounds": {"start": ip.bounds.start, "end": ip.bounds.end} if ip.bounds is not None else None,
        "by_territory": {
            territory: {"value": part.value, "target": part.target, "fraction": part.fraction, "level": part.level}
            for territory, part in ip.by_territory.items()
        },
    }


JSON_FORMAT = ReportFormat(
    name="json",
    extension=".json",
    description="JSON: the plan as plain data plus its computed progress, for scripts",
    render=render_json,
    media_type="application/json",
)
