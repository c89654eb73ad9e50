"""The bilan: two periods of a plan compared, in HTML and Markdown (DOCX with actionplan-office).

A bilan format is a :class:`~actionplan.reports.ReportFormat` whose ``subjects`` is
``("bilan",)``, named ``bilan-<kind>`` (``bilan-html``, ``bilan-markdown``, ``bilan-docx``):
``render(bilan, ctx)`` receives an :class:`~actionplan.snapshots.Bilan` (from
:func:`~actionplan.snapshots.compare_periods`) and a context whose ``as_of`` is the later
period's last day. :class:`BilanView` gives every format the same words and figures: for each
theme and indicator, the value and share done in each period, what moved (the value's change,
in units and in %, and the share's change in percentage points), and whether it was reached or
slipped.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import attrs
from markupsafe import Markup

from ..snapshots import CHANGE_KINDS, Bilan, IndicatorChange, PeriodSide, ThemeChange
from ..version import __version__
from . import ReportContext, ReportFormat, build_context
from .labels import Localizer, localizer
from .safety import markdown_text as md
from .view import PlanView, display_fraction

#: The change kinds a bilan's summary counts, in order (``new`` and ``gone`` only when there are some).
SUMMARY_KINDS = ("reached", "slipped", "moved", "unchanged")


@attrs.frozen
class ChangeRow:
    """One indicator's line of a bilan, in the report's words."""

    change: IndicatorChange
    label: str
    action: str
    before_value: str
    after_value: str
    before_share: str  # empty when the indicator has no share done (qualitative, tracked…)
    after_share: str
    before_status: str | None
    after_status: str | None
    moved: str
    kind: str
    kind_label: str


class BilanView:
    """A bilan ready to be laid out in one language: the same texts in every format."""

    def __init__(self, bilan: Bilan, loc: Localizer):
        self.bilan = bilan
        self.loc = loc
        self.before_view = PlanView(bilan.before.progress.plan, bilan.before.progress, loc)
        self.after_view = PlanView(bilan.after.progress.plan, bilan.after.progress, loc)
        self._actions = {i.id: a.title for plan in (bilan.before.progress.plan, bilan.plan)
                         for _, _, a, i in plan.iter_indicators()}

    # -- headings -------------------------------------------------------------------------
    def title(self) -> str:
        return self.loc("bilan.title", before=self.bilan.before.label, after=self.bilan.after.label)

    def side_text(self, side: PeriodSide) -> str:
        """« 2026-T2 (1er avril 2026 – 30 juin 2026) : période clôturée le 2 juillet 2026 par X, version 1 »."""
        loc = self.loc
        span = loc("bilan.span", label=side.label, start=loc.date(side.bounds.start), end=loc.date(side.bounds.end))
        snapshot = side.snapshot
        if snapshot is None:
            source = loc("bilan.live", date=loc.date(side.bounds.end))
        else:
            source = loc("bilan.frozen", date=loc.date(snapshot.closed_at.date()), by=snapshot.closed_by or "—",
                         version=loc.number(snapshot.version))
        return loc.pair(span, source)

    def summary(self) -> list[tuple[str, str, int]]:
        """(kind, its label, how many) for the summary: reached, slipped, moved, unchanged, then new / gone if any."""
        counts = self.bilan.counts()
        kinds = [k for k in CHANGE_KINDS if k in SUMMARY_KINDS or counts[k]]
        return [(k, self.loc(f"bilan.kind.{k}"), counts[k]) for k in kinds]

    def overall(self) -> tuple[str, str, str]:
        """The plan's share done in each period and its change: (« 40 % », « 55 % », « +15 points »)."""
        before, after = self.bilan.before.progress.rollup.fraction, self.bilan.after.progress.rollup.fraction
        return (self.share(before), self.share(after), self.points(after - before)
                if before is not None and after is not None else self.loc("value.none"))

    # -- numbers --------------------------------------------------------------------------
    def share(self, fraction: Decimal | None) -> str:
        return self.loc.percent(fraction) if fraction is not None else self.loc("value.none")

    def signed(self, value: Decimal) -> str:
        text = self.loc.number(abs(value))
        return ("+" if value > 0 else "\u2212" if value < 0 else "") + text

    def points(self, change: Decimal) -> str:
        """A change of share in percentage points: « +15 points », « −5 points », « 0 point »."""
        n = (change * 100).quantize(Decimal(1))
        return self.loc("bilan.points", n=self.signed(n)) if n else self.loc("bilan.no_points")

    def moved_text(self, change: IndicatorChange) -> str:
        """What moved: « +3 (+75 %) · +25 points », « niveau : partiel → satisfaisant », « — »."""
        loc, parts = self.loc, []
        value = change.value_change
        if value is not None and value != 0:
            relative = change.relative_change
            unit = change.indicator.unit if change.indicator.kind not in ("rate", "coverage") else None
            text = self.signed(value) + (f"\xa0{unit}" if unit else "")
            if relative is not None:
                text += f" ({'+' if relative > 0 else chr(0x2212)}{loc.percent(abs(relative))})"
            parts.append(text)
        fraction = change.fraction_change
        if fraction is not None and (fraction * 100).quantize(Decimal(1)) != 0:
            parts.append(self.points(fraction))
        before, after = change.before, change.after
        if before is not None and after is not None and before.level != after.level and after.level:
            if before.level:
                parts.append(loc("bilan.level_moved", before=loc.level(before.level), after=loc.level(after.level)))
            else:
                parts.append(loc("bilan.level_new", level=loc.level(after.level)))
        if not parts and before is not None and after is not None:
            was, now = self.before_view.value_text(before), self.after_view.value_text(after)
            if was != now:  # a milestone done, a deliverable withdrawn: the values say it
                parts.append(f"{was} → {now}")
            elif before.status != after.status:  # the same value judged later (the period went on)
                parts.append(loc("bilan.status_only"))
        return " · ".join(parts) if parts else loc("bilan.nothing_moved")

    def statuses_text(self, row: ChangeRow) -> str:
        """« À risque → Atteint » (the status in each period), for lists without status columns."""
        none = self.loc("value.none")
        return (f"{self.loc.status(row.before_status) if row.before_status else none} → "
                f"{self.loc.status(row.after_status) if row.after_status else none}")

    # -- rows -----------------------------------------------------------------------------
    def rows(self, theme: ThemeChange) -> list[ChangeRow]:
        rows = []
        for change in theme.indicators:
            before, after = change.before, change.after
            none = self.loc("value.none")
            rows.append(ChangeRow(
                change, change.indicator.label, self._actions.get(change.indicator.id, ""),
                self.before_view.value_text(before) if before else none,
                self.after_view.value_text(after) if after else none,
                self._share_or_nothing(before), self._share_or_nothing(after),
                before.status if before else None, after.status if after else None,
                self.moved_text(change), change.kind, self.loc(f"bilan.row.{change.kind}")))
        return rows

    def _share_or_nothing(self, progress) -> str:
        """The share done (« 75 % »), empty for an indicator without one (qualitative, tracked)."""
        fraction = display_fraction(progress) if progress is not None else None
        return self.share(fraction) if fraction is not None else ""

    def theme_line(self, theme: ThemeChange) -> str:
        """« 40 % → 55 % (+15 points) » for a theme's share done."""
        before = theme.before.fraction if theme.before else None
        after = theme.after.fraction if theme.after else None
        change = theme.fraction_change
        if before is None and after is None:
            return self.loc("bilan.no_share")
        text = f"{self.share(before)} → {self.share(after)}"
        return text + (f" ({self.points(change)})" if change is not None else "")

    def listed(self, kind: str) -> list[ChangeRow]:
        """The rows of one kind of change (reached, slipped), in plan order."""
        return [row for theme in self.bilan.themes for row in self.rows(theme) if row.kind == kind]


def bilan_context(bilan: Bilan, *, lang: str = "fr", fmt: ReportFormat | None = None,
                  options: Any = None) -> ReportContext:
    """The context of a bilan: as of the later period's last day, with the later progress."""
    ctx = build_context(bilan.plan, as_of=bilan.after.bounds.end, lang=lang, options=options, fmt=fmt,
                        progress=bilan.after.progress)
    return ctx


def render_bilan(bilan: Bilan, format: Any, *, lang: str = "fr", options: Any = None) -> bytes:
    """Render ``bilan`` in a bilan format (``"bilan-html"``, a :class:`ReportFormat` whose subjects hold ``bilan``)."""
    from ..errors import ActionplanError
    from ..i18n import Message
    from . import get_format

    fmt = format if isinstance(format, ReportFormat) else get_format(format)
    if "bilan" not in fmt.subjects:
        raise ActionplanError(Message("reports.report_format_does_not_render", name=fmt.name,
                                      value=", ".join(fmt.subjects)))
    payload = fmt.render(bilan, bilan_context(bilan, lang=lang, fmt=fmt, options=options))
    if not isinstance(payload, (bytes, bytearray)):
        raise ActionplanError(Message("reports.report_format_returned_not_bytes", name=fmt.name,
                                      name2=type(payload).__name__))
    return bytes(payload)


# -- Markdown ------------------------------------------------------------------------------------


def _row(cells) -> str:
    return "| " + " | ".join(md(str(c)) for c in cells) + " |"


def _side(loc: Localizer, value: str, share: str, status: str | None) -> str:
    """« 2 rencontres (50 %, En bonne voie) »: an indicator in one period, on one line."""
    said = [x for x in (share, loc.status(status) if status else "") if x]
    return f"{value} ({', '.join(said)})" if said else value


def render_bilan_markdown(bilan: Bilan, ctx: ReportContext) -> bytes:
    loc = ctx.loc
    view = BilanView(bilan, loc)
    lines = [f"# {md(bilan.plan.title)}", "", f"## {md(view.title())}", ""]
    for side in (bilan.before, bilan.after):
        lines.append(f"- {md(view.side_text(side))}")
    lines.append("")
    before, after, change = view.overall()
    lines += [md(loc("bilan.overall", before=before, after=after, change=change)), ""]
    lines.append(_row([loc(f"bilan.col.kind"), loc("col.count")]))
    lines.append("| --- | ---: |")
    lines += [_row([label, loc.number(n)]) for _, label, n in view.summary()]
    lines.append("")
    for kind in ("reached", "slipped"):
        rows = view.listed(kind)
        lines += [f"## {md(loc(f'bilan.section.{kind}'))}", ""]
        if rows:
            lines += [f"- **{md(r.label)}** ({md(r.action)}) — {md(view.statuses_text(r))} · {md(r.moved)}"
                      for r in rows]
        else:
            lines.append(md(loc(f"bilan.section.{kind}_none")))
        lines.append("")
    lines += [f"## {md(loc('bilan.section.themes'))}", ""]
    for theme in bilan.themes:
        lines += [f"### {md(theme.theme.title)}", "", md(loc.pair(loc("col.progress"), view.theme_line(theme))), ""]
        lines.append(_row([loc("col.indicator"), bilan.before.label, bilan.after.label, loc("bilan.col.moved"),
                           loc("bilan.col.kind")]))
        lines.append("| --- | --- | --- | --- | --- |")
        for r in view.rows(theme):
            lines.append(_row([r.label, _side(loc, r.before_value, r.before_share, r.before_status),
                               _side(loc, r.after_value, r.after_share, r.after_status), r.moved, r.kind_label]))
        lines.append("")
    lines.append(f"---\n\n*{md(loc('report.generated', tool='actionplan'))}*")
    return ("\n".join(lines) + "\n").encode("utf-8")


# -- HTML ----------------------------------------------------------------------------------------


def render_bilan_html(bilan: Bilan, ctx: ReportContext) -> bytes:
    from .html import _asset, _environment

    view = BilanView(bilan, ctx.loc)
    page = _environment().get_template("bilan.html.j2").render(
        bilan=bilan, view=view, loc=ctx.loc, ctx=ctx, version=__version__, css=Markup(_asset("bilan.css")),
        organisation=view.after_view.organisation_name(bilan.plan.organisation) if bilan.plan.organisation else None,
    )
    return page.encode("utf-8")


BILAN_HTML_FORMAT = ReportFormat(
    name="bilan-html",
    extension=".html",
    description="Bilan between two periods: one self-contained HTML page (actionplan bilan PLAN A B -f html)",
    render=render_bilan_html,
    media_type="text/html; charset=utf-8",
    subjects=("bilan",),
)

BILAN_MARKDOWN_FORMAT = ReportFormat(
    name="bilan-markdown",
    extension=".md",
    description="Bilan between two periods in Markdown (actionplan bilan PLAN A B -f markdown)",
    render=render_bilan_markdown,
    media_type="text/markdown; charset=utf-8",
    subjects=("bilan",),
)

__all__ = ["BILAN_HTML_FORMAT", "BILAN_MARKDOWN_FORMAT", "BilanView", "ChangeRow", "bilan_context", "render_bilan"]
