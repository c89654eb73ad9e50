"""An Org-mode exporter for actionplan in 50 lines: the worked example of docs/reports.md.

Declare it in your distribution's pyproject.toml and it appears in `actionplan formats`:

    [project.entry-points.actionplan]
    orgmode = "orgmode_exporter"
"""

import re

import actionplan
from actionplan.api import PlanView, ReportFormat, ReportOption

KEYWORDS = {"achieved": "DONE", "late": "LATE", "at_risk": "RISK"}  # every other status: TODO


def org(text) -> str:
    """Plan text on one line (a newline could start a heading) with no '|' to break a table."""
    return re.sub(r"\s*\n\s*", " ", str(text)).replace("|", "\\vert{}").strip()


def render_org(plan, ctx) -> bytes:
    view, loc = PlanView(plan, ctx.progress, ctx.loc), ctx.loc
    lines = [f"#+TITLE: {org(plan.title)}", f"#+SUBTITLE: {loc('report.as_of', date=loc.date(ctx.as_of))}",
             f"#+LANGUAGE: {ctx.lang}", "#+TODO: TODO RISK LATE | DONE", ""]
    for theme in ctx.progress.themes:
        lines.append(f"* {org(theme.theme.title)} — {loc.status(theme.rollup.status)}")
        for objective in theme.objectives:
            lines.append(f"** {org(objective.objective.title)}")
            for action in objective.actions:
                a = action.action
                lines.append(f"*** {KEYWORDS.get(action.rollup.status, 'TODO')} {org(a.title)}")
                if a.schedule is not None and ctx.options["schedules"]:
                    lines.append(f"    {loc.pair(loc('col.schedule'), org(a.schedule.text))}")
                for ip in action.indicators:
                    cells = (ip.indicator.label, view.target_text(ip), view.value_text(ip), loc.status(ip.status))
                    lines.append("    | " + " | ".join(org(cell) for cell in cells) + " |")
    return ("\n".join(lines) + "\n").encode("utf-8")


ORG_FORMAT = ReportFormat("org", ".org", "Org-mode outline: themes, objectives, actions as TODO items", render_org,
                          options=(ReportOption("schedules", "show each action's schedule", default=True, type="bool"),))


@actionplan.hookimpl
def actionplan_register_report_formats(register):
    register(ORG_FORMAT)
