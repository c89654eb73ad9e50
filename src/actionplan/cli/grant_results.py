"""Funded projects feeding the plan: ``actionplan grants feed``, and the money table of ``report --grants``.

    actionplan grants feed PROGRAM APPLICATIONS [--into PLAN_ID] [--dry-run]

Records the measurements of the projects' reports in the store as updates of the plan their
application contributes to, through that plan's review policy (submitted, then ``actionplan
review PLAN ID --approve``), each named after its source (``d-02.reddition-finale.1``). Run
twice, it records nothing new; a plan's measurements are recorded all together or not at all.
"""

from __future__ import annotations

import click

from ..errors import ActionplanError, NotFoundError, ValidationError
from ..i18n import N_, Message, t, tn
from .common import lang_option, resolve_plan


def register_results_commands(grants) -> None:
    """Add ``feed`` to the ``grants`` group."""

    @grants.command("feed", help=N_("cli.grants.feed.help"))
    @click.argument("program", type=click.Path(dir_okay=False))
    @click.argument("applications", type=click.Path(dir_okay=False))
    @click.option("--into", "into", metavar="PLAN_ID", default=None, help=N_("cli.grants.feed.option.into"))
    @click.option("--dry-run", "dry_run", is_flag=True, default=False, help=N_("cli.grants.feed.option.dry_run"))
    @lang_option
    @click.pass_obj
    def feed(state, program, applications, into, dry_run, lang):
        """Record the measurements funded projects reported as updates of the plan they contribute to."""
        from .grant_commands import _in_language, load_applications, load_program

        lang = lang or state.lang
        with _in_language(lang):
            plan = load_program(state, program, lang)
            document = load_applications(applications, plan, lang)
            feed_plans(state, document, applications, into, dry_run, lang)


def contributed_plans(document) -> list[str]:
    """The ids of the plans the document's applications contribute to, in document order."""
    from ..grants.results import contribution_of

    found = (contribution_of(document, a.id) for a in document.applications)
    return list(dict.fromkeys(c.plan for c in found if c is not None))


def feed_plans(state, document, path: str, into: str | None, dry_run: bool, lang: str) -> None:
    """Check everything first, then record each plan's new measurements in one batch (nothing with ``dry_run``)."""
    from ..grants.results import check_results, plan_feed, reported_measurements
    from ..model.review import review_required
    from ..storage import open_store, redact_url
    from .cycle_commands import stored_plan
    from .store_commands import store_url, worded

    named = contributed_plans(document)
    if into is not None and into not in named:
        raise ActionplanError(Message("cli.grant.feed.not_contributed", plan=into, path=path,
                                      known=", ".join(named) or "—"))
    targets = [into] if into is not None else named
    if not targets:
        raise ActionplanError(Message("cli.grant.feed.nothing_contributes", path=path))
    url = store_url(state)
    with worded(state), open_store(url) as store:
        plans = {}
        for plan_id in named:
            try:
                plans[plan_id] = stored_plan(store, plan_id)
            except NotFoundError:
                if plan_id in targets:
                    raise ActionplanError(Message("cli.grant.feed.plan_not_stored", plan=plan_id, path=path,
                                                  store=redact_url(url))) from None
        issues = [i for i in check_results(document, plans) if i.severity == "error"
                  and (into is None or _about(i, document, into))]
        if issues:
            raise ValidationError(issues, path)
        feeds = [plan_feed(plan_id, reported_measurements(document, plan_id), store.updates(plan_id))
                 for plan_id in targets]
        conflicts = [issue for f in feeds for issue in f.issues]
        if conflicts:
            raise ValidationError(conflicts, path)
        for f in feeds:
            plan = plans[f.plan_id]
            measurements = [r.measurement for r in f.new]
            reviewed = review_required(plan)
            if measurements and not dry_run:
                if reviewed:
                    store.submit_measurements(f.plan_id, measurements)
                else:
                    store.append_measurements(f.plan_id, measurements)
            _report(plan, f, reviewed, dry_run, lang)


def _about(issue, document, plan_id: str) -> bool:
    """Whether an issue of :func:`check_results` concerns an application contributing to ``plan_id``."""
    from ..grants.results import contribution_of

    head = issue.path.split(".", 1)[0]
    kind, _, index = head.partition("[")
    items = {"applications": document.applications, "agreements": document.agreements,
             "reports": document.reports}.get(kind)
    if items is None or not index.rstrip("]").isdigit():
        return True
    item = items[int(index.rstrip("]"))]
    contribution = contribution_of(document, getattr(item, "application", None) or item.id)
    return contribution is None or contribution.plan == plan_id


def _report(plan, fed, reviewed: bool, dry_run: bool, lang: str) -> None:
    from ..reports.labels import localizer
    from ..reports.view import measurement_text, territory_namer

    loc, names = localizer(lang), territory_namer(plan)
    count = len(fed.new)
    if not count and not fed.already:
        click.echo(t("cli.grant.feed.none", lang, plan=plan.id))
    elif not count:
        pass  # only the line of those already recorded, below
    elif dry_run and reviewed:
        click.echo(tn("cli.grant.feed.would_submit", count, lang, plan=plan.id))
    elif dry_run:
        click.echo(tn("cli.grant.feed.would_count", count, lang, plan=plan.id))
    elif reviewed:
        click.echo(tn("cli.grant.feed.submitted", count, lang, plan=plan.id))
    else:
        click.echo(tn("cli.grant.feed.counted", count, lang, plan=plan.id))
    for item in fed.new:
        m = item.measurement
        indicator = plan.find_indicator(m.indicator or "")
        value = measurement_text(indicator, m, loc, names) if indicator is not None else str(m.value)
        where = f" — {names(m.territory)}" if m.territory else ""
        click.echo(t("cli.grant.feed.line", lang, id=m.id, label=indicator.label if indicator else m.indicator,
                     value=value, where=where, date=loc.date(m.date)))
    if fed.already:
        click.echo(tn("cli.grant.feed.already", len(fed.already), lang, plan=plan.id))
    if reviewed and count and not dry_run:
        click.echo(t("cli.grant.feed.how", lang, plan=plan.id))


# -- report --grants ---------------------------------------------------------------------------


def grant_money(state, plan, applications: str, program_ref: str | None, lang: str, as_of):
    """The program and its money by theme of ``plan`` and fiscal year, for ``report --grants``.

    The program is ``--program`` (a plan file or a stored plan id), else the plan the
    applications document names (``program:``): ``plan`` itself when it carries it, else the
    stored plan of that id. Events dated after ``as_of`` are left out.
    """
    import actionplan

    from ..documents import type_name
    from ..grants.chain import replay
    from ..grants.results import money_by_theme
    from ..model.grants import ApplicationsDocument
    from .grant_commands import _in_language, load_applications, load_program

    with _in_language(lang):
        document = actionplan.load(applications)
        if not isinstance(document, ApplicationsDocument):
            raise ActionplanError(Message("cli.grant.not_applications", path=applications,
                                          found=type_name(type(document))))
        if program_ref is None and plan.program is not None and plan.id == document.program:
            carrier = plan
        else:
            carrier = load_program(state, program_ref or document.program, lang)
        document = load_applications(applications, carrier, lang)
        result = replay(carrier.program, document, as_of=as_of, organisations=carrier.organisations)
        return carrier.program, money_by_theme(plan, carrier.program, document, result.dossiers)
