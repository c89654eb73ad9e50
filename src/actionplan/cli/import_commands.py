"""Commands that bring plans in and help people write them: ``import``, ``import-measurements``,
``schema`` and ``init``.

Every command validates what it produces with the core before writing it, writes
atomically, and writes nothing when anything is wrong.
"""

from __future__ import annotations

import datetime as dt
import sys
from pathlib import Path

import click

import actionplan

from ..errors import ActionplanError, ValidationError
from ..i18n import N_, Message, Plural, t, tn
from . import echo_issues
from .common import STDOUT, check_output, load_document_of, output_option, progress_bar, write_output





def resolve_territories(values, lang: str) -> list[str]:
    """Gazetteer ids from ids or names (« Roussillon », « MRC des Maskoutains »)."""
    from ..importers import resolve_territory

    result = []
    for value in values:
        if not value.strip():
            continue
        territory = resolve_territory(value)
        if territory is None:
            from ..territories import default_gazetteer
            from .territory_commands import closest_hint

            hint = closest_hint(default_gazetteer(), value, lang)
            raise click.BadParameter(t("cli.import.unknown_territory", lang, value=value, hint=hint), param_hint="--territory")
        result.append(territory)
    return result


def _plan_counts(plan) -> dict[str, Plural]:
    """An imported plan's counts, each with its noun in the singular or the plural (« 2 thèmes, 1 objectif… »)."""
    return {
        "themes": Plural("cli.count.themes", len(plan.themes)),
        "objectives": Plural("cli.count.objectives", sum(1 for _ in plan.iter_objectives())),
        "actions": Plural("cli.count.actions", sum(1 for _ in plan.iter_actions())),
        "indicators": Plural("cli.count.indicators", sum(1 for _ in plan.iter_indicators())),
        "tasks": Plural("cli.count.tasks", len(plan.tasks)),
    }


def render_import(plan, output: Path, source: str, unplaced: int, warnings: int, lang: str) -> bytes:
    """The imported plan's bytes: YAML (also on standard output, ``-``) gets a comment saying where it came from."""
    from ..documents import format_for, to_data

    fmt = format_for(name="yaml") if str(output) == STDOUT else format_for(output)
    payload = fmt.dumps(to_data(plan))
    if fmt.name == "yaml":
        header = t("cli.import.header", lang, source=Path(source).name, date=dt.date.today().isoformat(),
                    unplaced=Plural("cli.import.unplaced_count", unplaced),
                    warnings=Plural("cli.import.warning_count", warnings),
                    path="plan.yaml" if str(output) == STDOUT else output.name)
        payload = header.encode("utf-8") + payload
    return payload


@actionplan.hookimpl
def actionplan_register_commands(cli):
    @cli.command("import", help=N_("cli.import.help"))
    @click.argument("source", type=click.Path(dir_okay=False))
    @output_option(N_("cli.import.option.output"))
    @click.option("--into", "into", default=None, metavar="PLAN_ID", help=N_("cli.import.option.into"))
    @click.option("--dry-run", is_flag=True, help=N_("cli.import.option.dry_run"))
    @click.option("--allow-removal", is_flag=True, help=N_("cli.import.option.allow_removal"))
    @click.option("--from", "format_name", default=None, metavar="FORMAT",
                  help=N_("cli.import.option.format_name"))
    @click.option("--organisation", default=None, help=N_("cli.import.option.organisation"))
    @click.option("--territory", "territories", multiple=True, metavar="ID|NAME",
                  help=N_("cli.import.option.territories"))
    @click.option("--year", default=None, help=N_("cli.import.option.year"))
    @click.option("--title", default=None, help=N_("cli.import.option.title"))
    @click.option("--id", "plan_id", default=None, help=N_("cli.import.option.plan_id"))
    @click.option("--strict", is_flag=True, help=N_("cli.import.option.strict"))
    @click.pass_obj
    def import_command(state, source, output, force, into, dry_run, allow_removal, format_name, organisation,
                       territories, year, title, plan_id, strict):
        """Import a plan from another document (text extraction, Word table); report what could not be placed."""
        from ..importers import import_file

        lang = state.lang
        if (output is None) == (into is None):
            raise ActionplanError(Message("cli.import.output_or_into"))
        if dry_run and into is None:
            raise ActionplanError(Message("cli.import.into_only"))
        if allow_removal and into is None:
            raise ActionplanError(Message("cli.import.allow_removal_into_only"))
        output_path = Path(output) if output is not None else None
        check_output(output, inputs=[source], state=state, force=force)
        options = {key: value for key, value in {
            "organisation": organisation, "year": year, "title": title, "id": plan_id,
            "territories": resolve_territories(territories, lang) if territories else None,
        }.items() if value}
        with progress_bar(Message("cli.progress.import", source=source)):
            plan, result = import_file(source, format=format_name, options=options, lang=lang)
        if result.unplaced:
            echo_issues(tn("cli.import.unplaced_title", len(result.unplaced), lang), result.unplaced, lang)
        if result.warnings:
            echo_issues(tn("cli.import.warnings_title", len(result.warnings), lang), result.warnings, lang)
        if strict and result.unplaced:
            raise ActionplanError(Plural("cli.import.strict", len(result.unplaced)))
        from ..importers import importer_for

        if into is not None:
            import_into(state, plan, into, source, dry_run=dry_run, allow_removal=allow_removal)
            return
        assert output_path is not None
        payload = render_import(plan, output_path, source, len(result.unplaced), len(result.warnings), lang)
        actionplan.loads(payload, format="json" if output_path.suffix.lower() == ".json" else "yaml")
        where = write_output(payload, output, force=force, inputs=[source], state=state)
        click.echo(t("cli.import.imported", lang, path=where, source=source,
                      importer=importer_for(source, format_name).name, **_plan_counts(plan)), err=where == STDOUT)

    @cli.command("import-measurements", help=N_("cli.import_measurements.help"))
    @click.argument("source", type=click.Path(dir_okay=False))
    @click.option("--plan", "plan_ref", required=True, help=N_("cli.import_measurements.option.plan_ref"))
    @click.option("-o", "--output", default=None, type=click.Path(dir_okay=False),
                  help=N_("cli.import_measurements.option.output"))
    @click.option("--from", "format_name", default=None, metavar="FORMAT", help=N_("cli.import_measurements.option.format_name"))
    @click.option("--sheet", default=None, help=N_("cli.import_measurements.option.sheet"))
    @click.option("--author", default=None, help=N_("cli.import_measurements.option.author"))
    @click.pass_obj
    def import_measurements(state, source, plan_ref, output, format_name, sheet, author):
        """Record measurements from a sheet (indicator, date, value, note): all of them, or none."""
        from .common import resolve_plan

        lang = state.lang
        if output is None and not state.store_url:
            raise ActionplanError(Message("cli.import.no_target"))
        read = [source, plan_ref if Path(plan_ref).exists() else None]
        check_output(output, inputs=read, state=state)
        plan = resolve_plan(state, plan_ref)
        with progress_bar(Message("cli.progress.import", source=source)):
            log = read_measurements(source, plan, format_name, {"sheet": sheet} if sheet else {}, lang)
        click.echo(tn("cli.import.measurements", len(log.measurements), lang, source=source, plan=plan.id),
                   err=output == STDOUT)
        if output == STDOUT:  # the measurements read, as a tracking log
            write_output(actionplan.dumps(log), STDOUT, force=False)
        elif output is not None:
            total = append_to_log(Path(output), log, plan, lang)
            click.echo(tn("cli.import.appended_log", len(log.measurements), lang, path=output, total=total))
        else:
            from ..storage import open_store, redact_url

            with open_store(state.store_url) as store, progress_bar(Plural("cli.progress.record",
                                                                             len(log.measurements))):
                count = store.append_measurements(plan.id, log.measurements, author=author)
            click.echo(tn("cli.import.appended_store", count, lang, store=redact_url(state.store_url)))

    @cli.command("schema", help=N_("cli.schema.help"))
    @output_option(N_("cli.schema.option.output"))
    @click.pass_obj
    def schema_command(state, output, force):
        """The JSON Schema of plan documents, for editors (VS Code YAML: « # yaml-language-server: $schema=… »)."""
        from ..schema import schema_bytes

        where = write_output(schema_bytes(), output or STDOUT, force=force, state=state)
        if where != STDOUT:
            click.echo(t("cli.import.schema_written", state.lang, path=where), err=True)

    @cli.command("init", help=N_("cli.init.help"))
    @click.argument("output", required=False, default=None, type=click.Path(dir_okay=False))
    @click.option("--format", "init_format", type=click.Choice(INIT_FORMATS), default=None,
                  help=N_("cli.init.option.format"))
    @click.option("--organisation", default=None, help=N_("cli.init.option.organisation"))
    @click.option("--territory", "territories", multiple=True, metavar="ID|NAME", help=N_("cli.init.option.territories"))
    @click.option("--year", default=None, help=N_("cli.init.option.year"))
    @click.option("--theme", default=None, help=N_("cli.init.option.theme"))
    @click.option("--interactive/--no-interactive", default=None,
                  help=N_("cli.init.option.interactive"))
    @click.option("--force", is_flag=True, help=N_("cli.common.option.force"))
    @click.pass_obj
    def init_command(state, output, init_format, organisation, territories, year, theme, interactive, force):
        """Create a new plan file for a round table: one theme, objective, action and indicator, valid at once."""
        from ..documents import format_for

        lang = state.lang
        if init_format is None:
            init_format = "xlsx" if output and Path(output).suffix.lower() == ".xlsx" else "yaml"
        to_stdout = output == STDOUT
        path = Path(f"plan.{init_format}" if output is None or to_stdout else output)
        if path.exists() and not force and not to_stdout:  # refused before any question is asked
            raise ActionplanError(Message("cli.common.exists", path=path))
        workbook = init_format == "xlsx"
        if workbook and path.suffix.lower() != ".xlsx":
            raise ActionplanError(Message("cli.init.xlsx_extension", path=path))
        if workbook:
            workbook_format()  # the plan workbook's format is installed: refused before any question
        else:
            fmt = format_for(path)  # plan.txt: refused before any question is asked
        check_output(output or path, state=state)
        ask = sys.stdin.isatty() if interactive is None else interactive
        today = dt.date.today()
        if organisation is None:
            default = t("cli.import.default.organisation", lang)
            organisation = click.prompt(t("cli.import.prompt.organisation", lang), default=default) if ask else default
        if not territories and ask:
            answer = click.prompt(t("cli.import.prompt.territory", lang), default="", show_default=False)
            territories = (answer,) if answer.strip() else ()
        if year is None:
            year = click.prompt(t("cli.import.prompt.year", lang), default=str(today.year)) if ask else str(today.year)
        if theme is None:
            default = t("cli.import.default.theme", lang)
            theme = click.prompt(t("cli.import.prompt.theme", lang), default=default) if ask else default
        data = scaffold(organisation, resolve_territories(territories, lang), year, theme, lang)
        plan = actionplan.documents.from_data(data, source=str(path))
        if workbook:
            from ..reports import render_report

            payload = render_report(plan, workbook_format(), lang=lang)
        else:
            payload = actionplan.dumps(plan, fmt.name)
            if fmt.name == "yaml":  # JSON has no comments
                payload = init_header(path, lang).encode("utf-8") + payload
        where = write_output(payload, STDOUT if to_stdout else path, force=force, binary=workbook, format_name="xlsx",
                             state=state)
        if where != STDOUT:
            click.echo(t("cli.import.init_written", lang, path=where))


# -- import into a stored plan ---------------------------------------------------------------------


def import_into(state, imported, plan_id: str, source: str, *, dry_run: bool, allow_removal: bool = False) -> None:
    """Show what ``imported`` changes in the stored plan ``plan_id``; unless ``dry_run``, save it as a new version.

    Matched items keep the stored ids (so their measurements stay attached); an indicator that
    would disappear while it has measurements is refused before the store is asked, naming the
    indicator and its number of measurements, unless ``allow_removal``: then its measurements
    stay in the store and no longer count (the store records the removal as an event).
    """
    import attrs

    from ..diff import adopt_ids, diff_plans, render_text
    from ..errors import Issue, NotFoundError
    from ..model import ActionPlan
    from ..storage import DEFAULT_URL, open_store, redact_url
    from .store_commands import author_of

    lang = state.lang
    url = state.store_url or DEFAULT_URL
    with open_store(url) as store:
        try:
            stored = store.get(plan_id)
        except NotFoundError:
            raise ActionplanError(Message("cli.import.into_unknown", id=plan_id, store=redact_url(url))) from None
        if not isinstance(stored.document, ActionPlan):
            raise ActionplanError(Message("cli.import.into_not_plan", id=plan_id))
        old = stored.document
        first = diff_plans(old, attrs.evolve(imported, id=plan_id), f"{plan_id}@{stored.version}", source)
        new = adopt_ids(attrs.evolve(imported, id=plan_id), first)
        diff = diff_plans(old, new, f"{plan_id}@{stored.version}", source)
        click.echo(render_text(diff, lang), nl=False)
        recorded: dict[str, int] = {}
        for record in store.measurement_records(plan_id):
            key = record.measurement.indicator or ""
            recorded[key] = recorded.get(key, 0) + 1
        lost = [i for i in diff.removed_indicators() if recorded.get(i)]
        if lost and not allow_removal:
            raise ValidationError([Issue(i, Plural("cli.import.into_measured", recorded[i]),
                                         hint=Message("cli.import.into_measured.hint")) for i in lost], plan_id)
        for indicator in lost:
            click.echo(tn("cli.import.into_measurements_kept", recorded[indicator], lang, indicator=indicator))
        if dry_run:
            click.echo(t("cli.import.into_dry_run", lang, id=plan_id))
            return
        if not diff:
            click.echo(t("cli.import.into_unchanged", lang, id=plan_id, version=stored.version))
            return
        # allow_removal is passed only when asked, so a third-party store written before it still saves
        removal = {"allow_removal": True} if lost else {}
        version = store.save(new, expected_version=stored.version, author=author_of(None),
                             comment=t("cli.import.into_comment", lang, source=Path(source).name), **removal)
    click.echo(t("cli.import.into_saved", lang, id=plan_id, version=version, store=redact_url(url)))


# -- measurements ----------------------------------------------------------------------------------


def read_measurements(source: str, plan, format_name: str | None, options: dict, lang: str):
    """The measurements of ``source`` as a checked :class:`TrackingLog` for ``plan``, or an error listing every row."""
    from ..checks import check_tracking
    from ..importers import import_file
    from ..model import TrackingLog

    log, _result = import_file(source, format=format_name, options=options, lang=lang, plan=plan, produces="tracking")
    if not isinstance(log, TrackingLog):  # pragma: no cover - import_file builds the class asked for
        raise ActionplanError(Message("cli.import.not_measurements", source=source))
    issues = [issue for issue in check_tracking(log, plan) if issue.severity == "error"]
    if issues:
        raise ValidationError(issues, source)
    return log


def append_to_log(path: Path, log, plan, lang: str) -> int:
    """Append ``log``'s measurements to the tracking file at ``path`` (created if absent); total count."""
    import attrs

    from ..checks import check_tracking
    from ..documents import format_for, to_data, write_atomic
    from ..model import TrackingLog

    if path.exists():
        existing = load_document_of(path, TrackingLog)
        if existing.plan != plan.id:
            raise ActionplanError(Message("cli.import.other_plan", path=path, found=existing.plan, expected=plan.id))
        log = attrs.evolve(existing, measurements=existing.measurements + log.measurements)
    issues = [i for i in check_tracking(log, plan) if i.severity == "error"]
    if issues:
        raise ValidationError(issues, str(path))
    payload = format_for(path).dumps(to_data(log))
    actionplan.documents.from_data(format_for(path).loads(payload), TrackingLog, source=str(path))
    write_atomic(path, payload)
    return len(log.measurements)


# -- init ------------------------------------------------------------------------------------------

#: What ``init --format`` writes: a plan file, or the plan workbook (``xlsx-plan``, from actionplan-office).
INIT_FORMATS = ("yaml", "json", "xlsx")
WORKBOOK_FORMAT = "xlsx-plan"


def workbook_format() -> str:
    """The name of the plan workbook's report format, or an error saying which distribution brings it."""
    from ..reports import report_formats

    if WORKBOOK_FORMAT not in report_formats():
        raise ActionplanError(Message("cli.init.no_workbook_format", name=WORKBOOK_FORMAT))
    return WORKBOOK_FORMAT


_INIT_TEXT = {
    "fr": {
        "title": "{organisation} — Plan d'action {year}",
        "general": "Objectif général du thème « {theme} » (à écrire)",
        "objective": "Premier objectif spécifique (à écrire)",
        "action": "Première action (à écrire)",
        "indicator": "Nombre de rencontres",
        "unit": "rencontres",
        "schedule": "En continu",
    },
    "en": {
        "title": "{organisation} — Action plan {year}",
        "general": "General objective of theme « {theme} » (to write)",
        "objective": "First specific objective (to write)",
        "action": "First action (to write)",
        "indicator": "Number of meetings",
        "unit": "meetings",
        "schedule": "En continu",
    },
}


def scaffold(organisation: str, territories: list[str], year: str, theme: str, lang: str) -> dict:
    """Plain data of a new plan: the skeleton a round table fills in."""
    import re

    from ..model.base import MAX_YEAR, MIN_YEAR, slugify

    text = _INIT_TEXT[lang]
    match = re.fullmatch(r"\s*(\d{4})(?:\s*-\s*(\d{4}))?\s*", str(year))
    if not match:
        raise click.BadParameter(f"{year!r}: 2026 / 2025-2026", param_hint="--year")
    first, last = int(match.group(1)), int(match.group(2) or match.group(1))
    if last not in (first, first + 1) or not MIN_YEAR <= first <= last <= MAX_YEAR:
        raise click.BadParameter(f"{year!r}: 2026 / 2025-2026", param_hint="--year")
    fiscal = last == first + 1
    period = ({"start": dt.date(first, 4, 1), "end": dt.date(last, 3, 31)} if fiscal
              else {"start": dt.date(first, 1, 1), "end": dt.date(first, 12, 31)})
    label = f"{first}-{last}" if fiscal else str(first)
    organisation_id = slugify(organisation)
    theme_id = slugify(theme, 40)
    data: dict = {
        "schema_version": 1,
        "id": slugify(f"{organisation} {label}", 80),
        "title": text["title"].format(organisation=organisation, year=label),
        "period": period,
        "organisation": organisation_id,
        "language": lang,
    }
    if fiscal:
        data["fiscal_years"] = True
    if territories:
        data["territories"] = territories
    data["organisations"] = [{"id": organisation_id, "name": organisation}]
    data["themes"] = [{
        "id": theme_id,
        "title": theme,
        "kind": "enjeu_federateur",
        "general_objective": text["general"].format(theme=theme),
        "objectives": [{
            "id": f"{theme_id[:20]}-o1",
            "title": text["objective"],
            "actions": [{
                "id": f"{theme_id[:20]}-o1-a1",
                "title": text["action"],
                "schedule": text["schedule"],
                "partners": [{"organisation": organisation_id, "role": "lead"}],
                "indicators": [{"id": f"{theme_id[:20]}-o1-a1-i1", "label": text["indicator"], "kind": "tracked",
                                "unit": text["unit"]}],
            }],
        }],
    }]
    return data


def init_header(path: Path, lang: str) -> str:
    if lang == "en":
        return ("# Action plan created by « actionplan init ». Fill it in, then: actionplan validate "
                f"{path.name}\n# For checking and completion in VS Code (YAML extension): run\n"
                "#   actionplan schema -o actionplan.schema.json\n# then remove the first « # » of the next line:\n"
                "# # yaml-language-server: $schema=./actionplan.schema.json\n")
    return ("# Plan d'action créé par « actionplan init ». Le compléter, puis : actionplan validate "
            f"{path.name}\n# Pour la vérification et la complétion dans VS Code (extension YAML) : lancer\n"
            "#   actionplan schema -o actionplan.schema.json\n# puis enlever le premier « # » de la ligne suivante :\n"
            "# # yaml-language-server: $schema=./actionplan.schema.json\n")


__all__ = ["append_to_log", "import_into", "read_measurements", "render_import", "resolve_territories", "scaffold"]
