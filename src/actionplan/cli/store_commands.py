"""Store commands: ``save``, ``list``, ``track``, ``history``, ``dump``, ``delete``, ``backup``, ``restore``.

They work on the store named by ``--store URL`` (or ``$ACTIONPLAN_STORE``), else on
``sqlite:actionplan.db`` in the current folder. ``show ID`` and the other commands that take
a plan find it there too (:func:`actionplan.cli.common.resolve_plan`).

A plan file saved twice never silently replaces someone else's work: ``dump`` writes the
version it comes from on the first line of a YAML file, and ``save`` refuses to replace a
document unless that version (or ``--expect-version N``) is still the store's.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import getpass
import os
import re
from collections import Counter
from decimal import Decimal
from pathlib import Path

import attrs
import click

import actionplan

from ..errors import ActionplanError, ConflictError, NotFoundError, ValidationError
from ..i18n import catalogue
from ..model import DEFAULT_SCALE, ActionPlan, Measurement, TrackingLog
from ..model.base import fold
from ..storage import DEFAULT_URL, open_store, redact_url
from .common import parse_date_option, refuse_overwriting_inputs

MESSAGES: dict[str, dict[str, str]] = {
    "saved": {"fr": "{id} ({type}) enregistré dans {store} : version {version}",
              "en": "{id} ({type}) saved to {store}: version {version}"},
    "unchanged": {"fr": "{id} est identique dans {store} (version {version}) : rien à enregistrer",
                  "en": "{id} is unchanged in {store} (version {version}): nothing to save"},
    "no_id": {"fr": "{path} : un document de type {type} n'a pas d'id; indiquez celui sous lequel l'enregistrer "
                    "avec --id ID", "en": "{path}: a {type} document has no id; give the one to save it under with "
                                          "--id ID"},
    "recorded_new": {"fr": "{count} nouvelle(s) mesure(s) consignée(s) pour {plan} ({known} déjà présente(s))",
                     "en": "{count} new measurement(s) recorded for {plan} ({known} already there)"},
    "exists": {"fr": "{id} existe déjà dans {store} (version {version}). Pour le remplacer, indiquez la version de "
                     "départ de vos modifications : --expect-version {version} (ou enregistrez un fichier produit "
                     "par « actionplan dump », qui la porte)",
               "en": "{id} already exists in {store} (version {version}). To replace it, give the version your "
                     "changes start from: --expect-version {version} (or save a file written by "
                     "« actionplan dump », which carries it)"},
    "conflict": {"fr": "conflit sur {id} : vos modifications partent de la version {expected}, mais le dépôt est à "
                       "la version {current}; rien n'a été écrasé. Récupérez la version actuelle (actionplan dump "
                       "{id} -o FICHIER), reportez-y vos modifications et enregistrez de nouveau",
                 "en": "conflict on {id}: your changes start from version {expected}, but the store holds version "
                       "{current}; nothing was overwritten. Fetch the current version (actionplan dump {id} -o "
                       "FILE), redo your changes there and save again"},
    "conflict_any": {"fr": "conflit sur {id} : version attendue {expected}, mais le dépôt est à la version {current}; "
                           "rien n'a été modifié", "en": "conflict on {id}: expected version {expected}, but the "
                                                         "store holds version {current}; nothing was changed"},
    "not_found": {"fr": "aucun document {id!r} dans {store}", "en": "no document {id!r} in {store}"},
    "none": {"fr": "Aucun document dans {store}.", "en": "No document in {store}."},
    "id": {"fr": "Id", "en": "Id"},
    "type": {"fr": "Type", "en": "Type"},
    "version": {"fr": "Version", "en": "Version"},
    "title": {"fr": "Titre", "en": "Title"},
    "updated": {"fr": "Modifié le", "en": "Updated"},
    "by": {"fr": "Par", "en": "By"},
    "when": {"fr": "Quand", "en": "When"},
    "action": {"fr": "Action", "en": "Action"},
    "what": {"fr": "Quoi", "en": "What"},
    "comment": {"fr": "Commentaire", "en": "Comment"},
    "deleted": {"fr": "supprimé", "en": "deleted"},
    "action.create": {"fr": "création", "en": "created"},
    "action.update": {"fr": "modification", "en": "updated"},
    "action.delete": {"fr": "suppression", "en": "deleted"},
    "action.measure": {"fr": "mesure", "en": "measurement"},
    "action.event": {"fr": "événement", "en": "event"},
    "tracked": {"fr": "Consigné pour « {label} » ({plan}) : {value}, le {date}",
                "en": "Recorded for “{label}” ({plan}): {value}, on {date}"},
    "unknown_indicator": {"fr": "{plan} n'a pas d'indicateur {indicator!r}{hint}; ses indicateurs : {known}",
                          "en": "{plan} has no indicator {indicator!r}{hint}; its indicators: {known}"},
    "hint": {"fr": " (vouliez-vous dire {close!r}?)", "en": " (did you mean {close!r}?)"},
    "not_plan": {"fr": "{id} est un document de type {type}, pas un plan",
                 "en": "{id} is a {type} document, not a plan"},
    "bad_value": {"fr": "valeur {value!r} incomprise pour l'indicateur {indicator} ({kind}); attendu : {expected}",
                  "en": "cannot read {value!r} for indicator {indicator} ({kind}); expected: {expected}"},
    "expect.number": {"fr": "un nombre, p. ex. 4 ou 12,5", "en": "a number, e.g. 4 or 12.5"},
    "expect.rate": {"fr": "numérateur/dénominateur, p. ex. 12/20, ou un taux, p. ex. 72 %",
                    "en": "numerator/denominator, e.g. 12/20, or a rate, e.g. 72 %"},
    "expect.level": {"fr": "un niveau de l'échelle : {levels}", "en": "a level of the scale: {levels}"},
    "expect.done": {"fr": "oui ou non (fait, réalisé, yes, no, done)", "en": "yes or no (done, oui, non, fait)"},
    "expect.territories": {"fr": "des territoires séparés par des virgules, p. ex. mrc:roussillon,mrc:les-maskoutains",
                           "en": "territories separated by commas, e.g. mrc:roussillon,mrc:les-maskoutains"},
    "done": {"fr": "réalisé", "en": "done"},
    "not_done": {"fr": "non réalisé", "en": "not done"},
    "dumped": {"fr": "{id} version {version} écrit dans {path} ({count} mesure(s))",
               "en": "{id} version {version} written to {path} ({count} measurement(s))"},
    "dumped_doc": {"fr": "{id} version {version} écrit dans {path}", "en": "{id} version {version} written to {path}"},
    "deleted_doc": {"fr": "{id} supprimé de {store} (version {version}); son historique est conservé",
                    "en": "{id} deleted from {store} (version {version}); its history is kept"},
    "backed_up": {"fr": "Sauvegarde de {store} écrite dans {path} : {documents} document(s), {measurements} "
                        "mesure(s), {events} événement(s), {history} entrée(s) d'historique",
                  "en": "Backup of {store} written to {path}: {documents} document(s), {measurements} "
                        "measurement(s), {events} event(s), {history} history entries"},
    "restored": {"fr": "{path} restauré dans {store} : {documents} document(s), {measurements} mesure(s), "
                       "{events} événement(s), {history} entrée(s) d'historique",
                 "en": "{path} restored into {store}: {documents} document(s), {measurements} measurement(s), "
                       "{events} event(s), {history} history entries"},
    "no_history": {"fr": "Aucun historique pour {id}.", "en": "No history for {id}."},
}

#: Answers that mean "done" / "not done" for deliverables and milestones (compared accent- and case-free).
YES = frozenset({"oui", "o", "yes", "y", "done", "fait", "realise", "realisee", "true", "vrai", "1", "x"})
NO = frozenset({"non", "n", "no", "not done", "pas fait", "non realise", "false", "faux", "0"})

#: First line of a YAML file written by ``dump``: which document and version it holds.
DUMP_HEADER = re.compile(rb"^# actionplan: (?P<id>\S+) version (?P<version>\d+)\b")


m = catalogue(MESSAGES)


def _change_text(change: str, lang: str) -> str:
    """A history line in the reader's language: the store records ``…: done`` / ``…: not done``."""
    for suffix, key in ((": not done", "not_done"), (": done", "done")):
        if change.endswith(suffix):
            return change[: -len(suffix)] + ": " + m(key, lang)
    return change


def store_url(state) -> str:
    return state.store_url or DEFAULT_URL


def author_of(by: str | None) -> str | None:
    """Who is recording: ``--by``, else ``$ACTIONPLAN_USER``, else the login name."""
    if by:
        return by
    if os.environ.get("ACTIONPLAN_USER"):
        return os.environ["ACTIONPLAN_USER"]
    try:
        return getpass.getuser()
    except (KeyError, OSError):  # pragma: no cover - no login name (some containers)
        return None


# -- saving files ------------------------------------------------------------------------------


def measurement_key(measurement: Measurement) -> bytes:
    import orjson

    from ..storage.backends import measurement_data

    data = measurement_data(measurement)
    data.pop("recorded_by", None)  # the store fills it in: the same value recorded by anyone is the same record
    return orjson.dumps(data, option=orjson.OPT_SORT_KEYS)


def split_measurements(plan: ActionPlan) -> tuple[ActionPlan, list[Measurement]]:
    """The plan without measurements, and its measurements each naming its indicator."""
    found: list[Measurement] = []
    for *_, indicator in plan.iter_indicators():
        found += [attrs.evolve(x, indicator=indicator.id) for x in indicator.measurements]
    if not found:
        return plan, []

    def bare(action):
        return attrs.evolve(action, indicators=tuple(attrs.evolve(i, measurements=()) for i in action.indicators))

    themes = tuple(attrs.evolve(t, objectives=tuple(attrs.evolve(o, actions=tuple(bare(a) for a in o.actions))
                                                    for o in t.objectives)) for t in plan.themes)
    return attrs.evolve(plan, themes=themes), found


def record_new(store, plan_id: str, measurements: list[Measurement], author: str | None) -> tuple[int, int]:
    """Append the measurements the store does not hold yet (records are append-only); (new, known)."""
    if not measurements:
        return 0, 0
    held = Counter(measurement_key(x) for x in store.measurements(plan_id))
    new = []
    for measurement in measurements:
        key = measurement_key(measurement)
        if held[key]:
            held[key] -= 1
        else:
            new.append(measurement)
    store.append_measurements(plan_id, new, author=author)
    return len(new), len(measurements) - len(new)


def expected_version_of(path: Path, doc_id: str) -> int | None:
    """The version a ``dump`` file says it came from, when it is that document's."""
    with open(path, "rb") as handle:
        match = DUMP_HEADER.match(handle.readline())
    if match and match["id"].decode() == doc_id:
        return int(match["version"])
    return None


def save_file(store, path: str, expect_version: int | None, author: str | None, comment: str | None,
              lang: str, given_id: str | None = None, document=None) -> None:
    """Save a file (``document``: its content, already loaded): its document (unless unchanged), and
    measurements the store does not hold yet."""
    from ..documents import document_types
    from ..storage.backends import document_type_name, store_id

    if document is None:
        document = actionplan.load(path)
    if isinstance(document, TrackingLog) and given_id is None:
        new, known = record_new(store, document.plan, list(document.measurements), author)
        click.echo(m("recorded_new", lang, count=new, known=known, plan=document.plan))
        return
    measurements: list[Measurement] = []
    if isinstance(document, ActionPlan):
        document, measurements = split_measurements(document)
    type_name = document_type_name(document)
    if given_id is None and document_types()[type_name].store_id(document) is None:
        raise ActionplanError(m("no_id", lang, path=path, type=type_name))
    doc_id = store_id(document, type_name, given_id)
    current = store.version(doc_id)
    if current is not None and store.get(doc_id).document == document:
        click.echo(m("unchanged", lang, id=doc_id, store=redact_url(store.url), version=current))
    else:
        save_document(store, document, doc_id, path, current, expect_version, author, comment, lang)
    if measurements:
        new, known = record_new(store, doc_id, measurements, author)
        click.echo(m("recorded_new", lang, count=new, known=known, plan=doc_id))


def save_document(store, document, doc_id: str, path: str, current: int | None, expect_version: int | None,
                  author: str | None, comment: str | None, lang: str) -> None:
    """Save one document, never over a version the person did not start from."""
    where = redact_url(store.url)
    expected = expect_version if expect_version is not None else expected_version_of(Path(path), doc_id)
    if current is not None and expected is None:
        raise ActionplanError(m("exists", lang, id=doc_id, store=where, version=current))
    try:
        version = store.save(document, expected_version=expected, author=author, comment=comment, doc_id=doc_id)
    except ConflictError as exc:
        raise ActionplanError(m("conflict", lang, id=doc_id, expected=exc.expected_version,
                                current=exc.current_version if exc.current_version is not None else "—")) from None
    click.echo(m("saved", lang, id=doc_id, type=store.info(doc_id).type, store=where, version=version))


# -- reading a value on the command line -------------------------------------------------------


def parse_number(text: str) -> Decimal:
    from ..convert import structure

    value = structure(text, Decimal)
    return value


#: kind → message saying what VALUE should look like (numbers otherwise).
EXPECTED = {"rate": "expect.rate", "qualitative": "expect.level", "deliverable": "expect.done",
            "milestone": "expect.done", "coverage": "expect.territories"}


def parse_measurement(indicator, text: str, day: dt.date, lang: str, **fields) -> Measurement:
    """``VALUE`` as the indicator's kind reads it: 4, 12/20, 72 %, satisfaisant, oui, mrc:a,mrc:b."""
    from ..convert import describe
    from ..errors import Issue
    from ..model.base import FieldValueError

    try:
        return Measurement(date=day, indicator=indicator.id, **_values(indicator, text.strip()), **fields)
    except FieldValueError as exc:
        if exc.field in fields:  # an option (--territory '../x'), not VALUE: say which
            raise ValidationError([Issue(f"--{exc.field}", "invalid value", expected=exc.expected,
                                         found=describe(exc.found))], "track") from None
    except (ValueError, ValidationError):
        pass
    expected = m(EXPECTED.get(indicator.kind, "expect.number"), lang, levels=" < ".join(indicator.scale or DEFAULT_SCALE))
    raise ActionplanError(m("bad_value", lang, value=text, indicator=indicator.id, kind=indicator.kind,
                            expected=expected))


def _values(indicator, raw: str) -> dict:
    kind = indicator.kind
    if kind == "rate":
        if "/" in raw:
            numerator, denominator = raw.split("/", 1)
            return {"numerator": parse_number(numerator), "denominator": parse_number(denominator)}
        return {"value": parse_number(raw.rstrip("%").strip())}
    if kind == "qualitative":
        level = next((x for x in indicator.scale or DEFAULT_SCALE if fold(x) == fold(raw)), None)
        if level is None:
            raise ValueError(raw)
        return {"level": level}
    if kind in ("deliverable", "milestone"):
        answer = fold(raw)
        if answer not in YES | NO:
            raise ValueError(raw)
        return {"done": answer in YES}
    if kind == "coverage":
        territories = tuple(t.strip() for t in raw.split(",") if t.strip())
        if not territories:
            raise ValueError(raw)
        return {"territories": territories}
    return {"value": parse_number(raw)}


def describe_value(measurement: Measurement, lang: str) -> str:
    x = measurement
    if x.numerator is not None and x.denominator is not None:
        share = (x.numerator / x.denominator * 100).quantize(Decimal("1"))
        return f"{x.numerator}/{x.denominator} ({share} %)"
    if x.done is not None:
        return m("done" if x.done else "not_done", lang)
    if x.territories:
        return ", ".join(x.territories)
    return str(x.level if x.level is not None else x.value)


def escape(text: str) -> str:
    """User text shown in a rich table: brackets are text, not markup (``indicators[va-o1-a1-i1]``)."""
    from rich.markup import escape as rich_escape

    return rich_escape(text)


def _console():
    """A rich console; 120 columns when the output is not a terminal (pipes, files, tests)."""
    import sys

    from rich.console import Console

    return Console(highlight=False, soft_wrap=True, width=None if sys.stdout.isatty() else 120)


def _when(at: dt.datetime) -> str:
    return at.astimezone().strftime("%Y-%m-%d %H:%M")


# -- the commands ------------------------------------------------------------------------------


@actionplan.hookimpl
def actionplan_register_commands(cli):
    @cli.command()
    @click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
    @click.option("--expect-version", type=click.IntRange(min=1), default=None,
                  help="Replace the document only if the store still holds this version (the one your changes "
                       "start from). Not needed for a new document or a file written by `dump`.")
    @click.option("--by", "author", default=None, help="Who saves (default: $ACTIONPLAN_USER, else your login).")
    @click.option("--comment", "-m", default=None, help="Why, for the history.")
    @click.option("--id", "given_id", default=None, metavar="ID",
                  help="The id to store a document without one under (an applications file); one FILE only.")
    @click.pass_obj
    def save(state, files, expect_version, author, comment, given_id):
        """Save plan or program files to the store; a tracking log's measurements are recorded."""
        if given_id is not None and len(files) > 1:
            raise click.UsageError("--id names one document: give one FILE")
        documents = [actionplan.load(path) for path in files]  # all checked before any is saved
        with worded(state), open_store(store_url(state)) as store:
            for path, document in zip(files, documents):
                save_file(store, path, expect_version, author_of(author), comment, state.lang, given_id, document)

    @cli.command("list")
    @click.option("--type", "type_", default=None, help="Only documents of this type (plan, program…).")
    @click.option("--organisation", default=None, help="Only documents of this organisation id.")
    @click.option("--territory", default=None, help="Only documents covering this territory id (mrc:…).")
    @click.option("--deleted", is_flag=True, help="Include deleted documents.")
    @click.pass_obj
    def list_command(state, type_, organisation, territory, deleted):
        """List the documents of the store."""
        from rich.table import Table

        lang = state.lang
        with worded(state), open_store(store_url(state)) as store:
            infos = store.list(type=type_, organisation=organisation, territory=territory, include_deleted=deleted)
        console = _console()
        if not infos:
            console.print(escape(m("none", lang, store=redact_url(store_url(state)))))
            return
        table = Table()
        for column in ("id", "type", "version", "title", "updated", "by"):
            table.add_column(m(column, lang), no_wrap=column != "title")
        for info in infos:
            title = f"({m('deleted', lang)})" if info.deleted else (info.title or "")
            table.add_row(*map(escape, (info.id, info.type, str(info.version), title, _when(info.updated_at),
                                        info.updated_by or "")))
        console.print(table)

    @cli.command()
    @click.argument("plan_id")
    @click.argument("indicator_id")
    @click.argument("value")
    @click.option("--date", "day", callback=parse_date_option, default=None, help="Date of the measurement "
                  "(default: today).")
    @click.option("--note", default=None, help="A note kept with the measurement.")
    @click.option("--territory", default=None, help="Territory the value is for (mrc:…), when disaggregated.")
    @click.option("--by", "author", default=None, help="Who records (default: $ACTIONPLAN_USER, else your login).")
    @click.pass_obj
    def track(state, plan_id, indicator_id, value, day, note, territory, author):
        """Record one measurement: VALUE is 4, 12/20, 72 %, a level, oui/non, or territories a,b."""
        import difflib

        lang = state.lang
        with worded(state), open_store(store_url(state)) as store:
            plan = store.get(plan_id).document
            if not isinstance(plan, ActionPlan):
                raise ActionplanError(m("not_plan", lang, id=plan_id, type=store.info(plan_id).type))
            indicator = plan.find_indicator(indicator_id)
            if indicator is None:
                known = [i.id for *_, i in plan.iter_indicators()]
                close = difflib.get_close_matches(indicator_id, known, n=1)
                raise ActionplanError(m("unknown_indicator", lang, plan=plan_id, indicator=indicator_id,
                                        hint=m("hint", lang, close=close[0]) if close else "",
                                        known=", ".join(known[:12]) + (f" … ({len(known)})" if len(known) > 12
                                                                        else "")))
            measurement = parse_measurement(indicator, value, day or dt.date.today(), lang, note=note,
                                            territory=territory)
            store.append_measurement(plan_id, measurement, author=author_of(author))
        click.echo(m("tracked", lang, label=indicator.label, plan=plan_id, value=describe_value(measurement, lang),
                     date=measurement.date.isoformat()))

    @cli.command()
    @click.argument("doc_id")
    @click.option("--limit", type=click.IntRange(min=1), default=None, help="Only the most recent entries.")
    @click.pass_obj
    def history(state, doc_id, limit):
        """Who changed what and when: saves, measurements, events."""
        from rich.table import Table

        lang = state.lang
        with worded(state), open_store(store_url(state)) as store:
            entries = store.history(doc_id)
        if limit:
            entries = entries[-limit:]
        table = Table(title=escape(doc_id))
        for column in ("when", "by", "action", "version", "what", "comment"):
            table.add_column(m(column, lang), no_wrap=column in ("when", "version"),
                             overflow="fold" if column == "what" else "ellipsis",
                             min_width=34 if column == "what" else None)
        for entry in entries:
            changes = [_change_text(change, lang) for change in entry.changes[:5]]
            what = "\n".join(changes) + ("\n…" if len(entry.changes) > 5 else "")
            table.add_row(*map(escape, (_when(entry.at), entry.by or "", m(f"action.{entry.action}", lang),
                                        "" if entry.version is None else str(entry.version), what,
                                        entry.comment or "")))
        _console().print(table)

    @cli.command()
    @click.argument("doc_id")
    @click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
                  help="File to write (.yaml or .json).")
    @click.option("--no-measurements", is_flag=True, help="Leave out the recorded measurements.")
    @click.pass_obj
    def dump(state, doc_id, output, no_measurements):
        """Write a document of the store to a file (a plan with its measurements)."""
        from ..documents import format_for, to_data, write_atomic

        lang = state.lang
        refuse_overwriting_inputs(output, (), state)
        with worded(state), open_store(store_url(state)) as store:
            stored = store.get(doc_id)
            document, count = stored.document, 0
            if isinstance(document, ActionPlan) and not no_measurements:
                recorded = store.measurements(doc_id)
                document, count = store.plan_with_measurements(doc_id), len(recorded)
        fmt = format_for(output)
        payload = fmt.dumps(to_data(document))
        if fmt.name == "yaml":
            header = (f"# actionplan: {doc_id} version {stored.version} from {redact_url(store_url(state))}\n"
                      f"# actionplan save {Path(output).name} replaces it only if the store is still at version "
                      f"{stored.version}.\n")
            payload = header.encode("utf-8") + payload
        write_atomic(output, payload)
        if isinstance(stored.document, ActionPlan):
            click.echo(m("dumped", lang, id=doc_id, version=stored.version, path=output, count=count))
        else:
            click.echo(m("dumped_doc", lang, id=doc_id, version=stored.version, path=output))

    @cli.command()
    @click.argument("doc_id")
    @click.option("--expect-version", type=click.IntRange(min=1), required=True,
                  help="The version you mean to delete (see `actionplan list`).")
    @click.option("--by", "author", default=None, help="Who deletes (default: $ACTIONPLAN_USER, else your login).")
    @click.option("--comment", "-m", default=None, help="Why, for the history.")
    @click.pass_obj
    def delete(state, doc_id, expect_version, author, comment):
        """Delete a document and its measurements; its history stays."""
        with worded(state), open_store(store_url(state)) as store:
            version = store.delete(doc_id, expected_version=expect_version, author=author_of(author), comment=comment)
        click.echo(m("deleted_doc", state.lang, id=doc_id, store=redact_url(store_url(state)), version=version))

    @cli.command()
    @click.option("-o", "--output", required=True, type=click.Path(dir_okay=False),
                  help="Backup file (.json or .yaml).")
    @click.pass_obj
    def backup(state, output):
        """Write the whole store (documents, measurements, events, history) to one file."""
        refuse_overwriting_inputs(output, (), state)
        with worded(state), open_store(store_url(state)) as store:
            snapshot = store.backup(output)
        click.echo(m("backed_up", state.lang, store=redact_url(store_url(state)), path=output, **_counts(snapshot)))

    @cli.command()
    @click.argument("file", type=click.Path(dir_okay=False))
    @click.pass_obj
    def restore(state, file):
        """Load a backup into an empty store (any backend): all of it, or nothing."""
        with worded(state), open_store(store_url(state)) as store:
            restored = store.restore(file)
        click.echo(m("restored", state.lang, store=redact_url(store_url(state)), path=file, **_counts(restored)))


@contextlib.contextmanager
def worded(state):
    """The store errors people meet most, in the command line's language."""
    try:
        yield
    except ConflictError as exc:
        raise ActionplanError(m("conflict_any", state.lang, id=exc.doc_id, expected=exc.expected_version or "—",
                                current=exc.current_version or "—")) from None
    except NotFoundError as exc:
        if getattr(exc, "doc_id", None) is None:
            raise
        raise ActionplanError(m("not_found", state.lang, id=exc.doc_id, store=redact_url(store_url(state)))) from None


def _counts(backup) -> dict[str, int]:
    return {"documents": len(backup.documents), "measurements": len(backup.measurements),
            "events": len(backup.events), "history": len(backup.history)}


__all__ = ["MESSAGES", "parse_measurement", "split_measurements"]
