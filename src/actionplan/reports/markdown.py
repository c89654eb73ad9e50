"""Markdown: the plan's progress as text that reads well raw and renders on any forge or wiki.

Every piece of plan text goes through :func:`~actionplan.reports.safety.markdown_text`:
no viewer can turn it into HTML or break a table with it.
"""

from __future__ import annotations

from . import SHOW_SOURCE, ReportContext, ReportFormat, ReportOption
from .safety import markdown_text as md
from .view import PlanView, frozen_text


def render_markdown(plan, ctx: ReportContext) -> bytes:
    view, loc = PlanView(plan, ctx.progress, ctx.loc), ctx.loc
    progress = ctx.progress
    lines = [f"# {md(plan.title)}", ""]
    lines.append(f"*{md(loc('report.as_of', date=loc.date(ctx.as_of)))}* · "
                 f"{md(loc('report.period', start=loc.date(plan.period.start), end=loc.date(plan.period.end)))}")
    lines.append("")
    if ctx.illustrative:
        lines += [f"> {md(loc('report.illustrative'))}", ""]
    if ctx.closed is not None:
        lines += [f"> {md(frozen_text(ctx))}", ""]
    if plan.mission and ctx.options.get("mission", True):
        lines += [f"## {md(loc('report.mission'))}", "", md(plan.mission), ""]

    lines += [f"## {md(loc('report.overview'))}", ""]
    statuses = [status for status, _ in view.status_counts(progress.rollup)]
    lines.append(_row([loc("col.theme"), loc("col.indicators"), *map(loc.status, statuses), loc("col.progress")]))
    lines.append(_row(["---", "---:", *("---:" for _ in statuses), "---:"]))
    for theme in [*progress.themes, None]:
        rollup = progress.rollup if theme is None else theme.rollup
        name = f"**{loc('total')}**" if theme is None else md(theme.theme.title)
        counts = [loc.number(rollup.counts.get(status, 0)) for status in statuses]
        lines.append(_row([name, loc.number(rollup.total), *counts, loc.percent(rollup.fraction) if rollup.fraction is not None else loc("value.none")], escape=False))
    lines.append("")

    lines += [f"## {md(loc('report.attention'))}", ""]
    attention = view.attention()
    if attention:
        lines.append(_row([loc("col.status"), loc("col.indicator"), loc("col.action"), loc("col.why")]))
        lines.append(_row(["---"] * 4))
        for row in attention:
            lines.append(_row([view.status_text(row.progress), row.indicator.label, row.action.action.title,
                               view.why(row.progress)]))
    else:
        lines.append(md(loc("report.attention_none")))
    lines.append("")

    pending = view.pending_rows(ctx.pending)
    if pending:
        lines += [f"## {md(loc('report.pending'))}", "", md(loc("report.pending_note")), ""]
        lines.append(_row([loc("col.indicator"), loc("col.action"), loc("col.submitted_value"), loc("col.date"),
                           loc("col.submitted_by"), loc("col.note")]))
        lines.append(_row(["---"] * 6))
        for p in pending:
            lines.append(_row([p.indicator.label, p.action.title, p.value, p.date, p.by, p.note]))
        lines.append("")

    if ctx.program is not None:
        lines += _program(ctx.program, loc)
    lines += [f"## {md(loc('report.details'))}", ""]
    for theme in progress.themes:
        lines += [f"### {md(theme.theme.title)}", ""]
        if theme.theme.general_objective:
            lines += [f"**{md(loc('col.general_objective'))}** — {md(theme.theme.general_objective)}", ""]
        lines += [f"{md(loc.status(theme.rollup.status))} · {md(view.status_summary(theme.rollup))}", ""]
        for objective in theme.objectives:
            if objective.objective.subheading:
                lines += [f"*{md(objective.objective.subheading)}*", ""]
            lines += [f"#### {md(objective.objective.title)}", ""]
            for action in objective.actions:
                a = action.action
                schedule = a.schedule.text if a.schedule else loc("timeline.no_schedule")
                lines.append(f"- **{md(a.title)}** — {md(view.status_text(action))} · "
                             f"{md(loc.pair(loc('col.schedule'), schedule))}")
                if a.partners:
                    lines.append(f"  - {md(loc.pair(loc('col.partners'), view.partners_text(a)))}")
            lines.append("")
            indicators = [ip for action in objective.actions for ip in action.indicators]
            if indicators:
                lines.append(_row([loc("col.indicator"), loc("col.target"), loc("col.value"), loc("col.progress"),
                                   loc("col.status")]))
                lines.append(_row(["---", "---", "---", "---:", "---"]))
                for ip in indicators:
                    lines.append(_row([ip.indicator.label, view.target_text(ip), view.value_text(ip),
                                       view.progress_text(ip), view.status_text(ip)]))
                lines.append("")
    footer = md(loc("report.generated", tool="actionplan"))
    if plan.source and ctx.options.get("show-source"):
        footer += " " + md(loc("report.source", source=plan.source))
    lines.append(f"---\n\n*{footer}*")
    return ("\n".join(lines) + "\n").encode("utf-8")


def _program(program, loc) -> list[str]:
    """The grant program: its envelopes by fiscal year (« 195 007 $ ») and its calls."""
    lines = [f"## {md(loc('report.program'))} — {md(program.title)}", "",
             _row([loc("col.fiscal_year"), loc("col.amount")]), _row(["---", "---:"])]
    lines += [_row([year, loc.money(amount)]) for year, amount in program.budget.items()]
    lines += [_row([f"**{loc('total')}**", f"**{loc.money(program.budget_total)}**"], escape=False), ""]
    for call in program.calls:
        deadlines = ", ".join(loc.date(d.date) for d in call.deadlines)
        schedule = call.schedule.text if call.schedule else ""
        lines.append(f"- **{md(call.title)}** {md(schedule)} {md(deadlines)}".rstrip())
    return [*lines, ""]


def _row(cells, escape: bool = True) -> str:
    return "| " + " | ".join(md(str(c)) if escape else str(c) for c in cells) + " |"


MARKDOWN_FORMAT = ReportFormat(
    name="markdown",
    extension=".md",
    description="Markdown: overview, late items and every indicator, for wikis and forges",
    render=render_markdown,
    media_type="text/markdown; charset=utf-8",
    options=(ReportOption("mission", "include the plan's mission", default=True, type="bool"), SHOW_SOURCE),
)
