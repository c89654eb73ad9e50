"""Score-sheet formats: the registry (``actionplan_register_score_sheet_formats``) and the HTML sheet.

A score-sheet format turns a :class:`~actionplan.grants.scoresheet.ScoreSheet` (built by
``actionplan grants scores``) into a file's bytes, in one language. actionplan registers
``html`` here; actionplan-office registers ``xlsx``. The HTML page is self-contained (its
style inline, no script), printable, and every value is escaped by Jinja's autoescape.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import attrs
import jinja2

from ..errors import ActionplanError
from ..hookspecs import hookimpl
from ..i18n import Message
from ..plugins import registry
from .labels import localizer

_LANG_TAGS = {"fr": "fr-CA", "en": "en-CA"}


@attrs.frozen
class ScoreSheetFormat:
    """A score-sheet format, as a plugin registers it.

    ``render(sheet, lang) -> bytes`` lays out a :class:`~actionplan.grants.scoresheet.ScoreSheet`
    with the words of ``sheet.labels(lang)`` (a format adds none of its own), writes nothing
    itself (the command writes the file atomically) and keeps every text inert in its syntax
    (escaped HTML, formula-safe cells).
    """

    name: str
    extension: str
    description: Message | str
    render: Callable[[Any, str], bytes]
    media_type: str = "application/octet-stream"


def score_sheet_formats():
    """The :class:`~actionplan.plugins.Registry` of every installed score-sheet format, by name."""
    return registry("actionplan_register_score_sheet_formats", "score sheet format", _format_name)


def _format_name(fmt: object) -> str:
    if not isinstance(fmt, ScoreSheetFormat):
        raise ActionplanError(Message("scoresheet.not_a_format", fmt=repr(fmt)))
    return fmt.name


_TEMPLATE = """<!DOCTYPE html>
<html lang="{{ lang_tag }}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ L.title }}</title>
<style>
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"Helvetica Neue",Arial,sans-serif;margin:2rem auto;
padding:0 1rem;color:#1b1f24;max-width:75rem;line-height:1.4}
h1{font-size:1.5rem;margin:0 0 .3rem}
h2{font-size:1.15rem;margin:1.6rem 0 .2rem}
.meta{color:#4b5563;margin:.1rem 0}
.illustrative{background:#fff4ce;border:1px solid #e0c36a;padding:.35rem .6rem;display:inline-block;margin:.5rem 0}
table{border-collapse:collapse;margin:.4rem 0 .6rem;width:100%}
th,td{border:1px solid #c9ced6;padding:.3rem .5rem;text-align:left;vertical-align:top}
thead th{background:#1f4e79;color:#fff;font-weight:600}
.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
td.na{color:#4b5563;font-style:italic;text-align:center}
td.recused{background:#eef0f3;color:#4b5563;font-style:italic;text-align:center}
td.none{text-align:center;color:#9ca3af}
tr.total td{font-weight:700;border-top:2px solid #1f4e79}
.recusal{color:#8a3b00;margin:.2rem 0}
p.spread::first-letter{text-transform:uppercase}
section.application{break-inside:avoid}
@media print{body{margin:0;max-width:none}thead th{color:#000;background:#dbe4ee}}
</style>
</head>
<body>
<h1>{{ L.title }}</h1>
{% if L.call %}<p class="meta">{{ L.call }}</p>
{% endif %}
{% if meeting %}<p class="meta">{{ L.meeting }} {{ meeting }}</p>
{% endif %}
<p class="meta">{{ L.scale }}</p>
{% if L.illustrative %}<p class="illustrative">{{ L.illustrative }}</p>
{% endif %}
<h2>{{ L.summary }}</h2>
<table>
<thead><tr><th class="num">{{ L.rank }}</th><th>{{ L.application }}</th><th>{{ L.lead }}</th><th class="num">{{ L.score }}</th><th>{{ L.spread }}</th><th class="num">{{ L.scorers }}</th><th>{{ L.recusals }}</th></tr></thead>
<tbody>
{% for e in entries %}
<tr><td class="num">{{ e.rank }}</td><td><a href="#{{ e.anchor }}">{{ e.id }}</a> — {{ e.title }}</td><td>{{ e.lead }}</td><td class="num">{{ e.score }}</td><td>{{ e.spread }}</td><td class="num">{{ e.scorers }}</td><td>{{ e.recused_names }}</td></tr>
{% endfor %}
</tbody>
</table>
<h2>{{ L.marks }}</h2>
{% for e in entries %}
<section class="application" id="{{ e.anchor }}">
<h2>{{ e.heading }}</h2>
<p class="meta">{{ e.lead }}{% if e.status %} — {{ e.status }}{% endif %}</p>
<table>
<thead><tr><th>{{ L.criterion }}</th><th class="num">{{ L.weight }}</th>{% for name in members %}<th class="num">{{ name }}</th>{% endfor %}<th class="num">{{ L.aggregate }}</th></tr></thead>
<tbody>
{% for row in e.rows %}
<tr><td>{{ row.label }}</td><td class="num">{{ row.weight }}</td>{% for cell in row.cells %}<td class="{{ cell.css }}">{{ cell.text }}</td>{% endfor %}<td class="num">{{ row.aggregate }}</td></tr>
{% endfor %}
<tr class="total"><td>{{ L.total }}</td><td class="num">100</td>{% for cell in e.totals %}<td class="{{ cell.css }}">{{ cell.text }}</td>{% endfor %}<td class="num">{{ e.score }}</td></tr>
</tbody>
</table>
{% if e.spread %}<p class="spread">{{ e.spread }}</p>
{% endif %}
{% for line in e.recusals %}<p class="recusal">{{ line }}</p>
{% endfor %}
</section>
{% endfor %}
</body>
</html>
"""

_CSS = {"mark": "num", "na": "na", "recused": "recused", "none": "none"}


@functools.cache
def _template() -> jinja2.Template:
    env = jinja2.Environment(autoescape=True, undefined=jinja2.StrictUndefined, trim_blocks=True, lstrip_blocks=True)
    return env.from_string(_TEMPLATE)


def _cell(sheet, cell: tuple, labels, lang: str) -> dict[str, str]:
    kind, value = cell
    text = sheet.number(value, lang) if kind == "mark" else labels[kind]
    return {"css": _CSS[kind], "text": text}


def render_html(sheet, lang: str = "fr") -> bytes:
    """The score sheet as one self-contained HTML page."""
    labels = dict(sheet.labels(lang))
    member_ids = [m.id for m in sheet.members]
    entries = []
    for index, entry in enumerate(sheet.entries):
        app = entry.application
        by_criterion = {c.criterion.id: c for c in entry.score.criteria}
        rows = [{"label": criterion.label, "weight": sheet.number(criterion.weight, lang),
                 "cells": [_cell(sheet, entry.cell(member, criterion.id), labels, lang) for member in member_ids],
                 "aggregate": sheet.number(by_criterion[criterion.id].aggregate, lang)
                 if by_criterion[criterion.id].aggregate is not None else labels["na"]}
                for criterion in sheet.grid.items]
        entries.append({
            "anchor": f"a{index}",
            "id": app.id, "title": app.title, "lead": entry.lead,
            "rank": entry.rank if entry.rank is not None else "–",
            "heading": (f"{entry.rank}. " if entry.rank is not None else "") + f"{app.id} — {app.title}",
            "status": "" if entry.rank is not None else labels["not_eligible"],
            "score": sheet.number(entry.score.score, lang) if entry.score.score is not None else labels["not_scored"],
            "spread": sheet.spread(entry, lang),
            "scorers": entry.score.scorers,
            "recused_names": ", ".join(r.name for r in entry.score.recusals),
            "rows": rows,
            "totals": [_cell(sheet, entry.member_score(member), labels, lang) for member in member_ids],
            "recusals": sheet.recusal(entry, lang),
        })
    page = _template().render(
        lang_tag=_LANG_TAGS.get(lang, lang), L=labels, entries=entries, members=[m.name for m in sheet.members],
        meeting=localizer(lang).date(sheet.meeting) if sheet.meeting else "",
    )
    return page.encode("utf-8")


HTML_FORMAT = ScoreSheetFormat("html", ".html", Message("scoresheet.format.html"), render_html, "text/html")


@hookimpl
def actionplan_register_score_sheet_formats(register: Callable[[ScoreSheetFormat], None]) -> None:
    register(HTML_FORMAT)
