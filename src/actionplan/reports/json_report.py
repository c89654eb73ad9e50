"""JSON: the plan as plain data (:func:`actionplan.documents.to_data`) plus its computed progress.

For scripts and other tools: the plan is exactly what ``actionplan.dump`` would write, and
``progress`` holds, for the plan, each theme, objective, action and indicator, its status
code (one of :data:`actionplan.progress.STATUSES`), its figures and the localised label of
its status. Numbers are JSON numbers when whole and strings otherwise (no digit is lost to
floating point), as in the documents.
"""

from __future__ import annotations

import itertools
import uuid
from decimal import Decimal

import cattrs
import orjson

from ..convert import _make_converter, unstructure
from ..documents import to_data
from ..model.plan import Theme
from ..version import __version__
from . import ReportContext, ReportFormat

FORMAT_VERSION = 1


#: How the report is written: indented two spaces, a newline at the end.
JSON_OPTIONS = orjson.OPT_INDENT_2 | orjson.OPT_APPEND_NEWLINE


def render_json(plan, ctx: ReportContext) -> bytes:
    """The report as JSON, written theme by theme.

    The plain data of a whole large plan is a tree of dicts and lists as large as the plan: held at once,
    the garbage collector walks it again and again while it is built (10 times the plan took 12 times
    the time). So the report is written first with a placeholder for each theme (of the plan and of the
    progress), then each theme's data is made plain, written and let go in its place. The bytes are those
    of writing the whole :func:`report_data` at once (``tests/test_reports.py`` compares them).
    """
    skeleton = orjson.dumps(report_data(plan, ctx, placeholders=True), default=_plain, option=JSON_OPTIONS)
    gaps = skeleton.split(_PLACEHOLDER_JSON)
    if len(gaps) != len(plan.themes) + len(ctx.progress.themes) + 1:  # plan text holding it (never): all at once
        return orjson.dumps(report_data(plan, ctx), default=_plain, option=JSON_OPTIONS)
    themes = itertools.chain((to_data(theme) for theme in plan.themes),
                             (_theme_progress(theme, ctx.loc) for theme in ctx.progress.themes))
    pieces = [gaps[0]]
    for data, gap in zip(themes, gaps[1:]):  # each theme's plain data made, written, let go
        indent = b"\n" + b" " * (len(pieces[-1]) - pieces[-1].rfind(b"\n") - 1)  # the placeholder's own
        pieces += [orjson.dumps(data, default=_plain, option=orjson.OPT_INDENT_2).replace(b"\n", indent), gap]
    return b"".join(pieces)


#: Stands for a theme in the report's first pass (see :func:`render_json`); no plan text holds it.
_PLACEHOLDER = f"actionplan-theme-{uuid.uuid4().hex}"
_PLACEHOLDER_JSON = orjson.dumps(_PLACEHOLDER)


def _plain(value):
    """What orjson cannot write itself: the decimals of the progress, written as the documents write them."""
    if isinstance(value, Decimal):
        return unstructure(value)
    raise TypeError(f"{type(value).__name__} is not JSON data")


def report_data(plan, ctx: ReportContext, *, placeholders: bool = False) -> dict:
    """The report's content: ``report`` (what and when), ``plan`` (:func:`~actionplan.documents.to_data`) and
    ``progress`` (decimals and dates as they are; :func:`render_json` writes them). With ``placeholders``,
    :data:`_PLACEHOLDER` stands in the place of each theme's data, in the plan and in the progress."""
    progress, loc = ctx.progress, ctx.loc
    plan_data = _without_themes(plan) if placeholders else to_data(plan)
    return {
        "report": {
            "format": "actionplan-report", "version": FORMAT_VERSION, "generator": f"actionplan {__version__}",
            "as_of": ctx.as_of, "lang": ctx.lang, "illustrative": ctx.illustrative,
        },
        "plan": plan_data,
        "progress": {
            "rollup": _rollup(progress.rollup, loc),
            "themes": [_PLACEHOLDER if placeholders else _theme_progress(theme, loc) for theme in progress.themes],
        },
    }


def _theme_progress(theme, loc) -> dict:
    return {
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
                        "manual": _manual(action.manual),
                        "indicators": [_indicator(ip, loc) for ip in action.indicators],
                    }
                    for action in objective.actions
                ],
            }
            for objective in theme.objectives
        ],
    }


def _without_themes(plan) -> dict:
    """:func:`~actionplan.documents.to_data` of ``plan`` with :data:`_PLACEHOLDER` in the place of each theme."""
    global _skeleton
    if _skeleton is None:
        _skeleton = _make_converter(detailed=False)  # the documents' converter, but for themes
        _skeleton.register_unstructure_hook(Theme, lambda theme: _PLACEHOLDER)
    return _skeleton.unstructure(plan)


_skeleton: cattrs.Converter | None = None


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
        "manual": _manual(ip.manual),
    }


def _manual(manual) -> dict | None:
    """A status set by hand (shown next to the computed ``status``), or ``None``."""
    if manual is None:
        return None
    return {"status": manual.status, "reason": manual.reason, "author": manual.author, "date": manual.date}


JSON_FORMAT = ReportFormat(
    name="json",
    extension=".json",
    description="JSON: the plan as plain data plus its computed progress, for scripts",
    render=render_json,
    media_type="application/json",
)
