"""``actionplan grants``: check and rank applications, the fiscal-year ledger, what waits on whom.

    actionplan grants check PROGRAM APPLICATIONS [--committee FILE] [--format text|json] [--lang en]
    actionplan grants allocate PROGRAM APPLICATIONS [--committee FILE] [--call ID] [--fiscal-year FY]
                               [--as-of DATE] [--through STEP] [--commit]
    actionplan grants scores PROGRAM APPLICATIONS [--committee FILE] [--call ID] -f html|xlsx -o FILE [--force]
    actionplan grants ledger PROGRAM [APPLICATIONS] [--as-of DATE] [--format text|json]
    actionplan grants pending PROGRAM [APPLICATIONS] [--as-of DATE]
    actionplan grants explain PROGRAM APPLICATIONS ID [--format text|json] [--lang en]
    actionplan grants feed PROGRAM APPLICATIONS [--into PLAN_ID] [--dry-run]   (cli/grant_results.py)

PROGRAM is a plan file carrying a ``program:`` section; APPLICATIONS a ``type: applications``
document. Output is in French unless ``--lang en`` (here or before ``grants``).
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal

import click

import actionplan

from ..errors import ActionplanError, ValidationError
from ..i18n import N_, Message, Plural, t, tn
from .common import lang_option as _lang_option
from .common import parse_date_option, resolve_plan





@contextmanager
def _in_language(lang: str) -> Iterator[None]:
    """A refusal carries a catalogue message: the command line prints it in the language asked for.

    ``lang`` is the language the command was asked for; ``main`` reads the same ``--lang``.
    """
    from ..grants.criteria import GrantRefusal

    try:
        yield
    except GrantRefusal as exc:
        raise exc.with_traceback(None) from None


def load_program(state, ref: str, lang: str):
    """The plan carrying a program (checked), or a clear error."""
    plan = resolve_plan(state, ref)
    if getattr(plan, "program", None) is None:
        raise ActionplanError(Message("cli.grant.no_program", path=ref))
    return plan


def load_applications(path: str, plan, lang: str):
    """An applications document checked against the plan's program; warnings go to stderr."""
    document, errors = load_applications_and_errors(path, plan, lang)
    if errors:
        raise ValidationError(errors, path)
    return document


def load_applications_and_errors(path: str, plan, lang: str):
    """An applications document and its errors against the plan's program; warnings go to stderr.

    Only a file that is not an applications document is refused here: ``ledger`` and
    ``pending`` show what the valid events give, with the errors beside it.
    """
    from ..documents import type_name
    from ..grants.checks import check_applications
    from ..model.grants import ApplicationsDocument

    document = actionplan.load(path)
    if not isinstance(document, ApplicationsDocument):
        found = type_name(type(document))
        raise ActionplanError(Message("cli.grant.not_applications", path=path, found=found))
    issues = check_applications(document, plan)
    for issue in issues:
        if issue.severity != "error":
            click.echo(f"{path}: " + t("cli.grant.warning", lang) + f": {issue.render(lang)}", err=True)
    return document, [i for i in issues if i.severity == "error"]


def load_committee(path: str | None, plan, document, lang: str):
    """The committee's scores (a ``type: committee`` document checked against the program), or ``None``.

    Without a committee file, a program with a grid reads each application's ``scores`` as one
    scorer's marks; a program without a grid has no committee scores.
    """
    from ..documents import type_name
    from ..grants.committee import Committee, check_committee
    from ..model.committee import CommitteeDocument

    if path is None:
        return Committee(plan.program, document.applications) if plan.program.scoring is not None else None
    committee = actionplan.load(path)
    if not isinstance(committee, CommitteeDocument):
        raise ActionplanError(Message("cli.grant.not_committee", path=path, found=type_name(type(committee))))
    issues = check_committee(committee, document, plan)
    errors = [i for i in issues if i.severity == "error"]
    if errors:
        raise ValidationError(errors, path)
    for issue in issues:
        click.echo(f"{path}: " + t("cli.grant.warning", lang) + f": {issue.render(lang)}", err=True)
    return Committee(plan.program, document.applications, committee)


def _committee_option(function):
    return click.option("--committee", "committee_file", type=click.Path(dir_okay=False), default=None,
                        help=N_("cli.grants.option.committee"))(function)


def _format_option(function):
    return click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True,
                        help=N_("cli.grants.check.option.fmt"))(function)


def _as_of_option(function):
    return click.option("--as-of", callback=parse_date_option, default=None,
                        help=N_("cli.grants.ledger.option.as_of"))(function)


def _program_report_arguments(function):
    """PROGRAM, an optional APPLICATIONS file, --as-of, --format and --lang: what ledger and pending take."""
    for decorate in reversed((
        click.argument("program", type=click.Path(dir_okay=False)),
        click.argument("applications", required=False, type=click.Path(dir_okay=False)),
        _as_of_option, _format_option, _lang_option, click.pass_obj,
    )):
        function = decorate(function)
    return function


def _echo_json(data) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _plain_amount(value: Decimal) -> str:
    return str(value)


@actionplan.hookimpl
def actionplan_register_commands(cli):
    @cli.group(help=N_("cli.grants.help"))
    def grants():
        """Grant programs: eligibility and ranking, the fiscal-year ledger, what waits on whom."""

    @grants.command("check", help=N_("cli.grants.check.help"))
    @click.argument("program", type=click.Path(dir_okay=False))
    @click.argument("applications", type=click.Path(dir_okay=False))
    @_committee_option
    @_format_option
    @_lang_option
    @click.option("--as-of", callback=parse_date_option, default=None,
                  help=N_("cli.grants.check.option.as_of"))
    @click.pass_obj
    def check(state, program, applications, committee_file, fmt, lang, as_of):
        """Judge every application: verdict per criterion, reasons, what would make it pass, ranking."""
        lang = lang or state.lang
        with _in_language(lang):
            plan = load_program(state, program, lang)
            document = load_applications(applications, plan, lang)
            committee = load_committee(committee_file, plan, document, lang)
            render_check(plan, document, lang, fmt, as_of, committee)

    @grants.command("explain", help=N_("cli.grants.explain.help"))
    @click.argument("program", type=click.Path(dir_okay=False))
    @click.argument("applications", type=click.Path(dir_okay=False))
    @click.argument("application_id", metavar="ID")
    @_format_option
    @_lang_option
    @click.option("--as-of", callback=parse_date_option, default=None,
                  help=N_("cli.grants.check.option.as_of"))
    @click.pass_obj
    def explain(state, program, applications, application_id, fmt, lang, as_of):
        """One application's decision and what it read: parameters in force, data, facts, reasons."""
        lang = lang or state.lang
        with _in_language(lang):
            plan = load_program(state, program, lang)
            document = load_applications(applications, plan, lang)
            render_explain(plan, document, applications, application_id, lang, fmt, as_of)

    @grants.command("allocate", help=N_("cli.grants.allocate.help"))
    @click.argument("program", type=click.Path(dir_okay=False))
    @click.argument("applications", type=click.Path(dir_okay=False))
    @_committee_option
    @click.option("--call", "call_id", default=None, help=N_("cli.grants.allocate.option.call"))
    @click.option("--fiscal-year", "fiscal_year", default=None, help=N_("cli.grants.allocate.option.fiscal_year"))
    @click.option("--as-of", callback=parse_date_option, default=None, help=N_("cli.grants.allocate.option.as_of"))
    @click.option("--through", default=None, help=N_("cli.grants.allocate.option.through"))
    @click.option("--commit", is_flag=True, default=False, help=N_("cli.grants.allocate.option.commit"))
    @_format_option
    @_lang_option
    @click.pass_obj
    def allocate_command(state, program, applications, committee_file, call_id, fiscal_year, as_of, through, commit,
                         fmt, lang):
        """Fund ranked applications in order within what the fiscal year has left; --commit records it."""
        lang = lang or state.lang
        with _in_language(lang):
            plan = load_program(state, program, lang)
            document = load_applications(applications, plan, lang)
            committee = load_committee(committee_file, plan, document, lang)
            run_allocation(plan, document, applications, committee, call_id, fiscal_year, as_of or dt.date.today(),
                           through, commit, lang, fmt)

    @grants.command("scores", help=N_("cli.grants.scores.help"))
    @click.argument("program", type=click.Path(dir_okay=False))
    @click.argument("applications", type=click.Path(dir_okay=False))
    @_committee_option
    @click.option("--call", "call_id", default=None, help=N_("cli.grants.scores.option.call"))
    @click.option("-f", "--format", "fmt", default="html", show_default=True, help=N_("cli.grants.scores.option.format"))
    @click.option("-o", "--output", "output", required=True, type=click.Path(dir_okay=False),
                  help=N_("cli.grants.scores.option.output"))
    @click.option("--force", is_flag=True, default=False, help=N_("cli.grants.scores.option.force"))
    @_lang_option
    @click.pass_obj
    def scores(state, program, applications, committee_file, call_id, fmt, output, force, lang):
        """The score sheet of a call: each member's marks, N/A, recusals, the aggregate and the spread."""
        lang = lang or state.lang
        with _in_language(lang):
            plan = load_program(state, program, lang)
            document = load_applications(applications, plan, lang)
            committee = load_committee(committee_file, plan, document, lang)
            write_score_sheet(plan, document, committee, call_id, fmt, output, force, lang)

    @grants.command("ledger", help=N_("cli.grants.ledger.help"))
    @_program_report_arguments
    def ledger(state, program, applications, as_of, fmt, lang):
        """The fiscal-year table: envelope, carried in, committed, paid, carried out, lapsed."""
        lang = lang or state.lang
        with _in_language(lang):
            plan = load_program(state, program, lang)
            result, errors = _replay(plan, applications, lang)
            if result.ledger is None:
                raise ActionplanError(Message("cli.grant.no_budget", path=program))
            render_ledger(plan, result.ledger, as_of or dt.date.today(), lang, fmt, errors)
            _exit_with_errors(applications, errors, lang)

    @grants.command("pending", help=N_("cli.grants.pending.help"))
    @_program_report_arguments
    def pending(state, program, applications, as_of, fmt, lang):
        """What waits on which body: decisions, agreements, payments, reports, open calls."""
        lang = lang or state.lang
        with _in_language(lang):
            plan = load_program(state, program, lang)
            as_of = as_of or dt.date.today()
            result, errors = _replay(plan, applications, lang, as_of)
            render_pending(plan, result, as_of, lang, fmt, errors)
            _exit_with_errors(applications, errors, lang)

    from .grant_results import register_results_commands

    register_results_commands(grants)


def _replay(plan, applications: str | None, lang: str, as_of: dt.date | None = None):
    """The replay of the document's valid events, and every error of the document (refused events included)."""
    from ..grants.chain import replay
    from ..model.grants import ApplicationsDocument

    if applications:
        document, errors = load_applications_and_errors(applications, plan, lang)
    else:
        document, errors = ApplicationsDocument(plan.id), []
    result = replay(plan.program, document, as_of=as_of, organisations=plan.organisations)
    # the checks replay the whole document when its references hold; refusals up to ``as_of`` are the same ones
    errors += [issue for issue in result.issues if issue not in errors]
    return result, errors


def _exit_with_errors(source: str | None, errors, lang: str) -> None:
    """After the table: the document's errors on stderr, and exit code 2 (the table counts only what was accepted)."""
    if not errors:
        return
    from . import echo_issues

    echo_issues(tn("cli.grant.errors_beside", len(errors), lang, source=source), errors, lang)
    click.get_current_context().exit(2)


def _errors_data(errors, lang: str) -> list[dict[str, str]]:
    return [{"path": issue.path, "message": issue.render(lang)} for issue in errors]


# -- check --------------------------------------------------------------------------------------


def ranked(plan, document, as_of: dt.date | None, committee=None):
    """The evaluator, its ranking and, with a committee, that ranking reordered by the committee's scores."""
    from ..grants.evaluation import Evaluator, Ranking

    evaluator = Evaluator(plan.program, plan, default_day=as_of)
    ranking = evaluator.rank(document.applications)
    if committee is not None:
        from ..grants.committee import committee_order

        ranking = Ranking(committee_order(ranking, committee, evaluator.ctx.priority_ids), ranking.ineligible)
    return evaluator, ranking


def render_check(plan, document, lang: str, fmt: str, as_of: dt.date | None, committee=None) -> None:
    from ..grants import committee as scoring
    from ..grants.evaluation import as_data, ranking_explanation

    evaluator, ranking = ranked(plan, document, as_of, committee)
    rule = scoring.committee_rule(committee.grid, lang) if committee is not None else ranking_explanation(evaluator, lang)
    if fmt == "json":
        rows = as_data(ranking, lang)
        if committee is not None:
            for row in rows:
                row["committee"] = scoring.as_data(committee, row["application"])
        _echo_json({
            "program": plan.id,
            "illustrative": document.illustrative,
            "lang": lang,
            "ranking_rule": rule,
            "applications": rows,
        })
        return
    names = {o.id: o.name for o in (*plan.organisations, *document.organisations)}
    click.echo(tn("cli.grant.summary", len(ranking), lang, title=plan.program.title,
                  eligible=Plural("cli.grant.eligible_count", len(ranking.ranked))))
    if document.illustrative:
        click.echo(t("cli.grant.illustrative", lang))
    if committee is not None and committee.document is not None and committee.document.illustrative:
        click.echo(t("cli.grant.committee_illustrative", lang))
    click.echo(rule)
    for assessment in ranking:
        app = assessment.application
        rank = ranking.rank_of(app.id)
        number = f"{rank}." if rank else "–"
        status = t("cli.grant.eligible", lang) if rank else t("cli.grant.ineligible", lang)
        click.echo("")
        click.echo(f"{number} {app.id} — {app.title} ({names.get(app.lead, app.lead)}) — {status}, "
                   + t("cli.grant.deposited", lang, date=assessment.day.isoformat()))
        for compiled, verdict, reason, advice in assessment.reasons(lang):
            mark = "✓" if verdict.passed else "✗"
            role = " [" + t("cli.grant.ranking_role", lang) + "]" if compiled.role == "ranking" else ""
            click.echo(f"   {mark} {compiled.title(lang)}{role} : {reason}" if lang == "fr"
                       else f"   {mark} {compiled.title(lang)}{role}: {reason}")
            if advice:
                click.echo(f"     → {advice}")
        scored = committee.get(app.id) if committee is not None else None
        if scored is not None and (scored.members or scored.recusals):
            click.echo(f"   ★ {scoring.score_line(committee.grid, scored, lang)}")
            for recusal in scored.recusals:
                click.echo(f"     ⚠ {scoring.recusal_line(recusal, lang)}")


# -- explain ------------------------------------------------------------------------------------


def render_explain(plan, document, path: str, application_id: str, lang: str, fmt: str,
                   as_of: dt.date | None) -> None:
    """The trace of one application's verdicts (``--format json``: the versioned trace itself)."""
    import difflib

    from ..grants.evaluation import Evaluator
    from ..grants.trace import trace

    known = [a.id for a in document.applications]
    if application_id not in known:
        close = difflib.get_close_matches(application_id, known, n=1)
        hint = Message("cli.grant.unknown_application.hint", name=repr(close[0])) if close else ""
        raise ActionplanError(Message("cli.grant.unknown_application", path=path, id=repr(application_id),
                                      known=", ".join(known) or "-", hint=hint))
    evaluator = Evaluator(plan.program, plan, default_day=as_of)
    ranking = evaluator.rank(document.applications)
    assessment = next(a for a in ranking if a.application.id == application_id)
    data = trace(assessment, ranking, lang)
    if fmt == "json":
        _echo_json(data)
        return
    names = {o.id: o.name for o in (*plan.organisations, *document.organisations)}
    calls = {c.id: c.title for c in plan.program.calls}
    click.echo(data["program_title"])
    click.echo(f"{data['application']} — {data['title']} ({names.get(data['lead'], data['lead'])})")
    click.echo(t("cli.grant.trace.verdict", lang, verdict=data["verdict"]))
    judged = _day(data["judged_on"], lang)
    judged_code = N_("cli.grant.trace.judged_deposited") if data["judged_on_is"] == "deposited" else N_(
        "cli.grant.trace.judged_as_of")
    click.echo(t(judged_code, lang, date=judged))
    if data["call"]:
        line = t("cli.grant.trace.call", lang, call=calls.get(data["call"], data["call"]))
        if data["call_overrides"]:
            line += t("cli.grant.trace.call_overrides", lang)
        click.echo(line)
    context = data["context"]
    click.echo(tn("cli.grant.trace.context", context["territory_municipalities"], lang,
                  territory=context["territory_name"] or "-",
                  priorities=", ".join(evaluator.ctx.priority_title(p) for p in context["priorities"]) or "-"))
    click.echo(data["ranking_rule"])
    click.echo("")
    click.echo(t("cli.grant.trace.data", lang))
    for field, value in data["application_data"].items():
        click.echo(f"  {field} = {_shown(value, lang)}")
    for item in data["criteria"]:
        click.echo("")
        mark = "✓" if item["passed"] else "✗"
        role = t(N_("cli.grant.ranking_role") if item["role"] == "ranking" else N_("cli.grant.eligibility_role"), lang)
        click.echo(f"{mark} {item['title']} [{role}] — {item['criterion']}")
        for parameter in item["parameters"]:
            click.echo("    " + _parameter_line(parameter, lang))
        if item["reads"]:
            click.echo("    " + t("cli.grant.trace.reads", lang, fields=", ".join(item["reads"])))
        facts = t("list.semicolon", lang).join(f"{key} = {_shown(value, lang)}" for key, value in item["facts"].items())
        click.echo("    " + t("cli.grant.trace.facts", lang, facts=facts or "-"))
        click.echo("    " + t("cli.grant.trace.reason", lang, reason=item["reason"]))
        if item["advice"]:
            click.echo(f"    → {item['advice']}")


def _day(iso: str, lang: str) -> str:
    from ..reports.labels import format_day

    return format_day(dt.date.fromisoformat(iso), lang)


def _parameter_line(parameter: dict, lang: str) -> str:
    """« minimum = 5 — en vigueur depuis le 1er avril 2019 (program.criteria[1].params.minimum.values[0]) »."""
    if not parameter["defined"]:
        return t("cli.grant.trace.undefined", lang, name=parameter["name"])
    text = t("cli.grant.trace.parameter", lang, name=parameter["name"], value=_shown(parameter["value"], lang))
    start, end = parameter["from"], parameter["until"]
    if start and end:
        when = t("cli.grant.trace.between", lang, start=_day(start, lang), end=_day(end, lang))
    elif start:
        when = t("cli.grant.trace.since", lang, date=_day(start, lang))
    else:
        when = t("cli.grant.trace.undated", lang)
    origin = {"call": N_("cli.grant.trace.from_call"), "program": N_("cli.grant.trace.from_program"),
              "default": N_("cli.grant.trace.default")}[parameter["source"]]
    text += f" — {when}" + t("list.semicolon", lang) + t(origin, lang)
    if parameter["path"]:
        text += f" ({parameter['path']})"
    return text


def _shown(value, lang: str) -> str:
    """A value of the trace as a line shows it: lists joined, mappings as ``key: value``, nothing as « - »."""
    if value is None:
        return "-"
    if isinstance(value, bool):
        return t(N_("cli.grant.trace.yes") if value else N_("cli.grant.trace.no"), lang)
    if isinstance(value, list):
        return ", ".join(_shown(item, lang) for item in value) if value else "-"
    if isinstance(value, dict):
        shown = ", ".join(f"{key}: {_shown(item, lang)}" for key, item in value.items() if item is not None)
        return f"({shown})"
    return str(value)


# -- allocate -----------------------------------------------------------------------------------

_PROPOSAL_CODES = {"funded": N_("cli.grant.allocation.funded"), "partial": N_("cli.grant.allocation.partial"),
                   "waitlisted": N_("cli.grant.allocation.waitlisted")}
_DECISION_NOTES = {"funded": N_("cli.grant.allocation.note.funded"), "partial": N_("cli.grant.allocation.note.partial"),
                   "waitlisted": N_("cli.grant.allocation.note.waitlisted")}


def run_allocation(plan, document, path: str, committee, call_id: str | None, fiscal_year: str | None, day: dt.date,
                   through: str | None, commit: bool, lang: str, fmt: str) -> None:
    """Propose (and with ``commit`` record) the funding of one fiscal year; the file is written whole or not at all."""
    from ..grants.allocation import allocate, decisions_for, record
    from ..grants.chain import replay
    from ..model.grants import fiscal_year_of

    program = plan.program
    if call_id is not None and program.call(call_id) is None:
        known = ", ".join(c.id for c in program.calls) or "-"
        raise ActionplanError(Message("cli.grant.allocation.unknown_call", call=call_id, known=known))
    year = fiscal_year or fiscal_year_of(day)
    _, ranking = ranked(plan, document, day, committee)
    state = replay(program, document, as_of=day, organisations=plan.organisations)
    scores = {a.application.id: (committee.get(a.application.id).score if committee is not None
                                 and committee.get(a.application.id) is not None else None) for a in ranking.ranked}
    allocation = allocate(program, state, ranking.ranked, year, day, call=call_id, scores=scores)
    decisions = []
    if commit:
        notes = {status: t(code, "fr") for status, code in _DECISION_NOTES.items()}
        decisions = decisions_for(program, state, allocation, through=through, notes=notes)
        updated = record(program, document, decisions, organisations=plan.organisations)
        actionplan.dump(updated, path)
    if fmt == "json":
        _echo_json({
            "program": plan.id,
            "fiscal_year": year,
            "date": day.isoformat(),
            "call": call_id,
            "available": _plain_amount(allocation.available),
            "committed": _plain_amount(allocation.committed()),
            "remainder": _plain_amount(allocation.remainder),
            "carried_to": allocation.next_year,
            "proposals": [{"application": p.application.id, "rank": p.rank,
                           "score": None if p.score is None else str(p.score), "status": p.status,
                           "requested": {y: _plain_amount(a) for y, a in p.requested.items()},
                           "proposed": {y: _plain_amount(a) for y, a in p.proposed.items()}}
                          for p in allocation.proposals],
            "recorded": len(decisions),
        })
        return
    render_allocation(plan, allocation, lang)
    click.echo("")
    if commit:
        bodies = ", ".join(dict.fromkeys(program.step(d.body).title for d in decisions))
        click.echo(tn("cli.grant.allocation.recorded", len(decisions), lang, path=path, bodies=bodies or "-"))
    else:
        click.echo(t("cli.grant.allocation.proposal_only", lang))


def render_allocation(plan, allocation, lang: str) -> None:
    from ..grants.money import format_amount, needs_cents

    year = allocation.fiscal_year
    amounts = [allocation.available, allocation.remainder, *(a for p in allocation.proposals
                                                             for a in (*p.requested.values(), *p.proposed.values()))]
    cents = needs_cents(amounts)
    money = lambda value: format_amount(value, lang, cents=cents)
    click.echo(t("cli.grant.allocation.title", lang, title=plan.program.title, year=year,
                  date=allocation.day.isoformat()))
    click.echo(t("cli.grant.allocation.available", lang, year=year, amount=money(allocation.available)))
    if not allocation.proposals:
        click.echo(t("cli.grant.allocation.nothing", lang, year=year))
        return
    from ..grants.rules import number

    header = [t("cli.grant.allocation.col.rank", lang), t("cli.grant.allocation.col.application", lang),
              t("cli.grant.allocation.col.score", lang), t("cli.grant.allocation.col.requested", lang, year=year),
              t("cli.grant.allocation.col.proposed", lang, year=year), t("cli.grant.allocation.col.total", lang),
              t("cli.grant.allocation.col.outcome", lang)]
    table = [header]
    for p in allocation.proposals:
        table.append([str(p.rank), p.application.id, "–" if p.score is None else number(p.score, lang),
                      money(p.requested.get(year, Decimal(0))), money(p.proposed.get(year, Decimal(0))),
                      money(p.proposed_total), t(_PROPOSAL_CODES[p.status], lang)])
    table.append([t("cli.grant.total", lang), "", "", money(sum((p.requested.get(year, Decimal(0))
                                                                 for p in allocation.proposals), Decimal(0))),
                  money(allocation.committed()), money(sum((p.proposed_total for p in allocation.proposals),
                                                           Decimal(0))), ""])
    click.echo(_table(table, right={0, 2, 3, 4, 5}))
    if allocation.next_year is not None:
        click.echo(t("cli.grant.allocation.remainder", lang, year=year, amount=money(allocation.remainder),
                      next=allocation.next_year))
    else:
        click.echo(t("cli.grant.allocation.remainder_last", lang, year=year, amount=money(allocation.remainder),
                      end=plan.program.period.end.isoformat()))
    if allocation.waitlisted:
        click.echo(t("cli.grant.allocation.waiting_list", lang,
                      ids=", ".join(p.application.id for p in allocation.waitlisted)))


# -- scores -------------------------------------------------------------------------------------


def write_score_sheet(plan, document, committee, call_id: str | None, fmt: str, output: str, force: bool,
                      lang: str) -> None:
    """Write the score sheet in ``fmt`` to ``output``, atomically; an existing file only with ``force``."""
    from pathlib import Path

    from ..documents import write_atomic
    from ..grants.scoresheet import build_score_sheet
    from ..reports.score_sheet import score_sheet_formats

    if committee is None:
        raise ActionplanError(Message("cli.grant.scores.no_grid", program=plan.program.id))
    if call_id is not None and plan.program.call(call_id) is None:
        known = ", ".join(c.id for c in plan.program.calls) or "-"
        raise ActionplanError(Message("cli.grant.allocation.unknown_call", call=call_id, known=known))
    formats = score_sheet_formats()
    if fmt not in formats.names():
        raise ActionplanError(Message("cli.grant.scores.unknown_format", format=fmt,
                                      known=", ".join(formats.names()) or "-"))
    target = Path(output)
    if target.exists() and not force:
        raise ActionplanError(Message("cli.grant.scores.exists", path=output))
    _, ranking = ranked(plan, document, None, committee)
    sheet = build_score_sheet(plan.program, document, committee, ranking.ranked, ranking.ineligible, call=call_id,
                              organisations=plan.organisations)
    write_atomic(target, formats[fmt].render(sheet, lang))
    click.echo(t("cli.grant.scores.written", lang, path=output, count=len(sheet.entries)))


# -- ledger -------------------------------------------------------------------------------------

_COLUMNS = ("envelope", "carried_in", "committed", "paid", "carried_out", "lapsed")
_COLUMN_CODES = {
    "envelope": N_("cli.grant.col.envelope"), "carried_in": N_("cli.grant.col.carried_in"),
    "committed": N_("cli.grant.col.committed"), "paid": N_("cli.grant.col.paid"),
    "carried_out": N_("cli.grant.col.carried_out"), "lapsed": N_("cli.grant.col.lapsed"),
    "transferred": N_("cli.grant.col.transferred"),
}
_YEAR_STATUS_CODES = {"closed": N_("cli.grant.status.closed"), "current": N_("cli.grant.status.current"),
                      "future": N_("cli.grant.status.future")}


def render_ledger(plan, ledger, as_of: dt.date, lang: str, fmt: str, errors=()) -> None:
    from ..grants.money import format_amount, needs_cents

    rows = ledger.rows(as_of)
    totals = ledger.totals(as_of)
    transfers = [m for m in ledger.transfers if m.date <= as_of]
    # a « Viré » column only for a program that moved money out: other tables stay as they were
    columns = _COLUMNS if not transfers else (*_COLUMNS[:3], "transferred", *_COLUMNS[3:])
    if fmt == "json":
        _echo_json({
            "program": plan.id,
            "as_of": as_of.isoformat(),
            "currency": plan.program.currency,
            "rows": [{"fiscal_year": r.fiscal_year, "status": r.status,
                      **{c: _plain_amount(getattr(r, c)) for c in columns}} for r in rows],
            "totals": {k: _plain_amount(getattr(totals, k))
                       for k in ("total", "committed", *(("transferred",) if transfers else ()), "paid", "available",
                                 "lapsed")},
            "transfers": [{"date": m.date.isoformat(), "from": m.fiscal_year, "to": m.to,
                           "amount": _plain_amount(m.amount), "resolution": m.reference} for m in transfers],
            "errors": _errors_data(errors, lang),
        })
        return
    amounts = [getattr(r, c) for r in rows for c in columns]
    cents = needs_cents(amounts)
    money = lambda value: format_amount(value, lang, cents=cents)
    header = [t("cli.grant.col.year", lang), *(t(_COLUMN_CODES[c], lang) for c in columns), t("cli.grant.col.status", lang)]
    table = [header]
    for r in rows:
        table.append([r.fiscal_year, *(money(getattr(r, c)) for c in columns), t(_YEAR_STATUS_CODES[r.status], lang)])
    summed = {"envelope": totals.total, "committed": totals.committed, "transferred": totals.transferred,
              "paid": totals.paid, "lapsed": totals.lapsed}
    table.append([t("cli.grant.total", lang), *(money(summed[c]) if c in summed else "" for c in columns), ""])
    click.echo(t("cli.grant.ledger_title", lang, title=plan.program.title, date=as_of.isoformat()))
    click.echo(_table(table, right=set(range(1, len(columns) + 1))))
    if transfers:
        click.echo(t("cli.grant.invariant_transfers", lang, committed=money(totals.committed),
                      transferred=money(totals.transferred), available=money(totals.available),
                      lapsed=money(totals.lapsed), total=money(totals.total)))
    else:
        click.echo(t("cli.grant.invariant", lang, committed=money(totals.committed), available=money(totals.available),
                      lapsed=money(totals.lapsed), total=money(totals.total)))
    click.echo(t("cli.grant.carry_rule", lang, end=plan.program.period.end.isoformat()))
    if transfers:
        click.echo("")
        click.echo(t("cli.grant.transfers_title", lang))
        for m in transfers:
            reference = t("cli.grant.transfer_resolution", lang, resolution=m.reference) if m.reference else ""
            click.echo("  " + t("cli.grant.transfer_out", lang, date=m.date.isoformat(), year=m.fiscal_year,
                                  amount=money(m.amount), resolution=reference))
            click.echo("  " + t("cli.grant.transfer_in", lang, date=m.date.isoformat(), to=m.to, amount=money(m.amount),
                                  resolution=reference))


def _table(rows: list[list[str]], right: set[int]) -> str:
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    lines = []
    for index, row in enumerate(rows):
        cells = [cell.rjust(widths[i]) if i in right else cell.ljust(widths[i]) for i, cell in enumerate(row)]
        lines.append("  ".join(cells).rstrip())
        if index == 0 or index == len(rows) - 2:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


# -- pending ------------------------------------------------------------------------------------


def render_pending(plan, result, as_of: dt.date, lang: str, fmt: str, errors=()) -> None:
    program = plan.program
    waiting = result.pending(as_of)
    calls = [(call, deadline) for call in program.calls for deadline in call.deadlines if deadline.date >= as_of]
    titles = {app_id: dossier.application.title for app_id, dossier in result.dossiers.items()}
    if fmt == "json":
        _echo_json({
            "program": plan.id,
            "as_of": as_of.isoformat(),
            "waiting": [{"application": w.application, "kind": w.kind, "who": w.who, "who_title": w.who_title, "what": w.what.render(lang),
                         "since": w.since.isoformat() if w.since else None,
                         "due": w.due.isoformat() if w.due else None, "overdue": w.overdue} for w in waiting],
            "calls": [{"call": c.id, "title": c.title, "deadline": d.date.isoformat(),
                       "postponed_from": [p.previous.isoformat() for p in d.postponements]} for c, d in calls],
            "errors": _errors_data(errors, lang),
        })
        return
    click.echo(t("cli.grant.pending_title", lang, title=program.title, date=as_of.isoformat()))
    if not waiting and not calls:
        click.echo(t("cli.grant.nothing_pending", lang))
        return
    groups: dict[str, list] = {}
    for item in waiting:
        groups.setdefault(item.who_title, []).append(item)
    for who, items in groups.items():
        click.echo("")
        click.echo(f"{who} ({len(items)})")
        for item in items:
            details = []
            if item.kind == "report":
                if item.due is None:
                    details.append(t("cli.grant.due_unknown", lang))
                else:
                    details.append(t("cli.grant.due", lang, date=item.due.isoformat()))
                    if item.overdue:
                        details.append(t("cli.grant.overdue", lang))
            elif item.since is not None:
                details.append(t("cli.grant.since", lang, date=item.since.isoformat()))
            suffix = f" ({', '.join(details)})" if details else ""
            click.echo(f"  • {item.application} — {titles.get(item.application, '')} : {item.what.render(lang)}{suffix}"
                       if lang == "fr" else
                       f"  • {item.application} — {titles.get(item.application, '')}: {item.what.render(lang)}{suffix}")
    if calls:
        click.echo("")
        click.echo(t("cli.grant.applicants", lang) + " — " + t("cli.grant.calls", lang))
        for call, deadline in calls:
            text = t("cli.grant.call_deadline", lang, date=deadline.date.isoformat())
            if deadline.postponements:
                dates = ", ".join(p.previous.isoformat() for p in deadline.postponements)
                text += " (" + t("cli.grant.postponed", lang, dates=dates) + ")"
            click.echo(f"  • {call.title} : {text}" if lang == "fr" else f"  • {call.title}: {text}")
