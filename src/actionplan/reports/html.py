"""The HTML dashboard: one self-contained page a board member opens from an email.

Jinja2 with autoescaping always on renders ``templates/dashboard.html.j2``; the CSS and the
small filtering script are inlined from the same folder, so the file needs no server and no
network (a Content-Security-Policy forbids any request and lets only that exact script run,
by its hash). Filters by theme, partner, territory and status work through ``data-``
attributes; the chosen filters are kept in the address's ``#fragment`` so a filtered view
can be shared as a link.
"""

from __future__ import annotations

import base64
import functools
import gzip
import hashlib
import io
from collections.abc import Iterator
from decimal import Decimal
from importlib import resources

import attrs
import jinja2
from markupsafe import Markup, escape

from ..model.base import fold
from ..version import __version__
from . import SHOW_SOURCE, ReportContext, ReportFormat, ReportOption
from .labels import LABEL_KEYS, STATUS_KEYS
from .safety import printable
from .timeline import theme_rows, timeline_frame
from .view import PlanView, display_fraction, frozen_text, theme_fraction

#: Share of the timeline table taken by the action and schedule columns (percent).
LABEL_COLUMNS = (30.0, 13.0)

_LANG_TAGS = {"fr": "fr-CA", "en": "en-CA"}  # the plan's own words, read by screen readers in their language
_STATUS_ICONS = {"achieved": "✓", "on_track": "➜", "at_risk": "▲", "late": "!", "not_started": "○", "postponed": "↷",
                 "abandoned": "✕"}


@functools.cache
def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("actionplan.reports", "templates"),
        autoescape=True,  # every value is escaped, whatever the template's name
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.finalize = _printable  # a control character in a plan's text is a parse error in HTML
    env.globals["status_icon"] = _STATUS_ICONS.get
    env.filters["fw"] = _fraction_width
    env.filters["pw"] = _percent_width
    return env


@functools.cache
def _asset(name: str) -> str:
    return resources.files("actionplan.reports").joinpath("templates", name).read_text(encoding="utf-8")


def _printable(value: object) -> object:
    """Every value the template prints, without raw control characters (markup stays markup)."""
    if isinstance(value, Markup):
        return Markup(printable(str(value)))
    return printable(value) if isinstance(value, str) else value


def _fraction_width(fraction: Decimal | None) -> str:
    """A CSS width from a fraction 0..1: a plain number with a dot, whatever the locale."""
    return _percent_width(float(fraction or 0) * 100)


def _percent_width(percent: float | None) -> str:
    """A CSS length from a percentage (timeline positions)."""
    return f"{max(0.0, min(float(percent or 0), 100.0)):.3f}%"


#: A dashboard larger than this (UTF-8 bytes) is written packed (option ``pack=auto``).
PACK_ABOVE = 2_000_000
#: The sections whose content is packed: the long lists, not the overview a reader sees first.
PACKED_SECTIONS = ("attention", "timeline", "details")


def render_html(plan, ctx: ReportContext) -> bytes:
    """The dashboard of ``plan`` at ``ctx.as_of`` in ``ctx.lang``, as UTF-8 bytes.

    A large dashboard (above :data:`PACK_ABOVE`, or with ``pack=yes``) keeps its overview as
    it is and carries the content of its long sections compressed: the page opens at once and
    the script unpacks a section when it is opened, filtered, jumped to or printed.
    """
    script = _asset("dashboard.js")
    variables = _variables(plan, ctx)
    pieces = _environment().get_template("dashboard.html.j2").generate(
        **variables,
        css=Markup(_asset("dashboard.css")),
        script=Markup(script),
        script_hash=_sha256(script),
    )
    # Written piece by piece into one buffer: ``render`` would first hold every piece (an escaped ``Markup``,
    # an object the garbage collector tracks, for each text of the page), which at 100 times the seed plan
    # is 170 000 objects walked by every full collection while the page is written.
    buffer = io.StringIO()
    for piece in pieces:
        buffer.write(piece)
    page = buffer.getvalue()
    payload = page.encode("utf-8")
    pack = ctx.options.get("pack", "auto")
    if pack == "yes" or (pack == "auto" and len(payload) > PACK_ABOVE):
        payload = pack_sections(page, ctx.loc).encode("utf-8")
    return payload


def pack_sections(page: str, loc) -> str:
    """``page`` with the content of :data:`PACKED_SECTIONS` (after each heading) gzipped, base64 in a data block.

    In its place stands a button that unpacks it (« Afficher la section »); the data block is a
    ``<script type="application/octet-stream">``, which no browser runs (the page's
    Content-Security-Policy still lets only the dashboard's own script run).
    """
    pieces = []
    cursor = 0
    for name in PACKED_SECTIONS:
        start = page.find(f'<section id="{name}"', cursor)
        if start < 0:
            continue
        heading_end = page.index("</h2>", start) + len("</h2>")
        end = _section_end(page, start)
        content = page[heading_end:end]
        packed = base64.b64encode(gzip.compress(content.encode("utf-8"), 9, mtime=0)).decode("ascii")
        pieces.append(page[cursor:heading_end])
        pieces.append(
            f'<div class="packed" data-packed="{name}"><button type="button" class="packed-open" data-unpack>'
            f'{escape(loc("report.unpack"))}</button></div>'
            f'<script type="application/octet-stream" id="packed-{name}">{packed}</script>')
        cursor = end
    pieces.append(page[cursor:])
    return "".join(pieces)


def _section_end(page: str, start: int) -> int:
    """Where the ``<section>`` opening at ``start`` closes (the index of its ``</section>``), nested sections counted."""
    depth, index = 0, start
    while True:
        opening = page.find("<section", index)
        closing = page.find("</section>", index)
        if closing < 0:
            raise ValueError("the dashboard's template left a <section> open")
        if opening != -1 and opening < closing:
            depth, index = depth + 1, opening + len("<section")
            continue
        depth -= 1
        if depth == 0:
            return closing
        index = closing + len("</section>")


@attrs.frozen
class DashboardParts:
    """The dashboard's sections, for a site that lays them in a page of its own.

    ``html`` is the markup of the sections (overview, attention, timeline, program, details),
    escaped like the report's; ``css`` the style sheet they need, timeline grid included. They
    carry no script: the filters are the site's to offer (the sections keep their ``data-``
    attributes). Style attributes set bar widths, so a Content-Security-Policy must allow
    them (``style-src-attr 'unsafe-inline'``).
    """

    html: Markup
    css: str


def dashboard_parts(plan, ctx: ReportContext) -> DashboardParts:
    """The sections of the HTML dashboard of ``plan`` at ``ctx.as_of``, and their style sheet."""
    variables = _variables(plan, ctx)
    template = _environment().get_template("dashboard.html.j2")
    macros = template.make_module({**variables, "css": "", "script": "", "script_hash": ""})
    # the template's macros, which the block calls, are defined by rendering its top level once
    defined = {name: value for name, value in vars(macros).items() if isinstance(value, jinja2.runtime.Macro)}
    context = template.new_context({**variables, **defined})
    html = Markup("".join(template.blocks["sections"](context)))
    return DashboardParts(html, _asset("dashboard.css") + "\n" + str(variables["grid_css"]))


def _variables(plan, ctx: ReportContext) -> dict:
    """What the dashboard's template reads (everything but the inlined assets)."""
    view = PlanView(plan, ctx.progress, ctx.loc)
    timeline = timeline_frame(view, ctx.options.get("timeline", "auto"))
    track = 100.0 - sum(LABEL_COLUMNS)
    return dict(
        plan=plan,
        ctx=ctx,
        loc=ctx.loc,
        view=view,
        progress=ctx.progress,
        timeline=timeline,
        timeline_years=_years(timeline),
        timeline_groups=_by_theme(view, timeline),
        facets=_facets(view),
        action_count=sum(len(objective.actions) for theme in ctx.progress.themes for objective in theme.objectives),
        filters=_filter_choices(view),
        statuses=STATUS_KEYS,
        labels=LABEL_KEYS,
        ratio=_ratio,
        display_fraction=display_fraction,
        theme_fraction=theme_fraction,
        label_columns=LABEL_COLUMNS,
        track_share=track / 100.0,
        grid_css=Markup(_grid_css(timeline)),
        version=__version__,
        organisation=view.organisation_name(plan.organisation) if plan.organisation else None,
        show_mission=ctx.options.get("mission", True),
        program=ctx.program,
        funding=_funding(plan, ctx),
        pending=view.pending_rows(ctx.pending),
        frozen=frozen_text(ctx) if ctx.closed is not None else "",
        data_lang=Markup(f' lang="{_LANG_TAGS[plan.language]}"') if plan.language != ctx.lang and plan.language in _LANG_TAGS
        else "",
    )


def _funding(plan, ctx: ReportContext) -> dict | None:
    """The money table beside progress: each theme row with its progress, when ``ctx.grants`` is given."""
    table = ctx.grants
    if table is None:
        return None
    progress = {theme.theme.id: theme for theme in ctx.progress.themes}
    titles = {theme.id: theme.title for theme in plan.themes}
    rows = [(row, titles.get(row.theme or "", row.theme), progress.get(row.theme or "")) for row in table.rows]
    return {"table": table, "rows": rows}


def _ratio(part: int, whole: int) -> Decimal | None:
    return Decimal(part) / Decimal(whole) if whole else None


def _sha256(text: str) -> str:
    return base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")


def _facets(view: PlanView) -> dict[str, dict[str, str]]:
    """The ``data-`` attributes the filters read, per action id."""
    facets = {}
    for theme in view.progress.themes:
        for objective in theme.objectives:
            for action in objective.actions:
                statuses = dict.fromkeys(p.status for p in action.indicators)  # none: no status to filter on
                facets[action.action.id] = {
                    "data-theme": theme.theme.id,
                    "data-partners": " ".join(dict.fromkeys(p.organisation for p in action.action.partners)),
                    "data-territories": " ".join(view.territory_keys(view.territories(action.action))),
                    "data-statuses": " ".join(statuses),
                }
    return facets


def _filter_choices(view: PlanView) -> dict[str, list[tuple[str, str]]]:
    """(value, label) of each filter's options: only what the plan actually uses, sorted the French way."""
    partners: dict[str, None] = {}
    territories: dict[str, None] = {}
    for _, _, action in view.plan.iter_actions():
        partners.update(dict.fromkeys(p.organisation for p in action.partners))
        territories.update(dict.fromkeys(view.territories(action)))
    return {
        "themes": [(t.id, t.title) for t in view.plan.themes],
        "partners": sorted(((i, view.organisation_name(i)) for i in partners), key=lambda c: fold(c[1])),
        "territories": sorted(((i, view.territory_name(i)) for i in territories), key=lambda c: fold(c[1])),
    }


def _by_theme(view: PlanView, timeline) -> Iterator[tuple]:
    """(theme progress, its timeline rows) for each theme with actions, in the plan's order, each theme's rows
    made as the page reaches them: a large plan's rows are never all held at once (the garbage collector
    would walk them over and over while the page is written)."""
    for theme in view.progress.themes:
        rows = theme_rows(view, timeline, theme)
        if rows:
            yield theme, rows


def _years(timeline) -> list[tuple[int, int]]:
    """(year, number of columns) for the row of years above the months."""
    years: dict[int, int] = {}
    for column in timeline.columns:
        years[column.start.year] = years.get(column.start.year, 0) + 1
    return list(years.items())


def _grid_css(timeline) -> str:
    """Month (or quarter) lines behind the timeline bars, as one background drawn by CSS."""
    stops, position = [], 0.0
    for column in timeline.columns[:-1]:
        position += column.width
        stops.append(f"transparent {position - 0.12:.3f}%, var(--grid) {position - 0.12:.3f}% "
                     f"{position:.3f}%, transparent {position:.3f}%")
    if not stops:
        return ""
    return ".lane{background-image:linear-gradient(90deg," + ",".join(stops) + ")}"


HTML_FORMAT = ReportFormat(
    name="html",
    extension=".html",
    description="Dashboard: one self-contained HTML page with progress, timeline, late items and filters",
    render=render_html,
    media_type="text/html; charset=utf-8",
    options=(
        ReportOption("timeline", "timeline columns: month, quarter, or auto (months up to 24 months)",
                     default="auto", type="choice", choices=("auto", "month", "quarter")),
        ReportOption("mission", "show the plan's mission under the title", default=True, type="bool"),
        ReportOption("pack", "compress the long sections, unpacked when opened: auto (above 2 MB), yes, no",
                     default="auto", type="choice", choices=("auto", "yes", "no")),
        SHOW_SOURCE,
    ),
)
