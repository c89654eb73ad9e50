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
from ..i18n import N_, Message, Plural, t, tn
from ..model import DEFAULT_SCALE, ActionPlan, Measurement, TrackingLog
from ..model.base import fold
from ..model.review import review_required
from ..storage import DEFAULT_URL, open_store, redact_url
from .common import STDOUT, check_output, output_option, parse_date_option, progress_bar, write_output


#: Answers that mean "done" / "not done" for deliverables and milestones (compared accent- and case-free).
YES = frozenset({"oui", "o", "yes", "y", "done", "fait", "realise", "realisee", "true", "vrai", "1", "x"})
NO = frozenset({"non", "n", "no", "not done", "pas fait", "non realise", "false", "faux", "0"})

#: First line of a YAML file written by ``dump``: which document and version it holds.
DUMP_HEADER = re.compile(rb"^# actionplan: (?P<id>\S+) version (?P<version>\d+)\b")




#: How the store records a deliverable's answer → its code.
_CHANGE_SUFFIXES = ((": not done", N_("cli.store.not_done")),
                    (": done", N_("cli.store.done")))


def _change_text(change: str, lang: str) -> str:
    """A history line in the reader's language: the store records ``…: done`` / ``…: not done``."""
    for suffix, code in _CHANGE_SUFFIXES:
        if change.endswith(suffix):
            return change[: -len(suffix)] + ": " + t(code, lang)
    return change


def store_url(state) -> str:
    return state.store_url or DEFAULT_URL


def author_of(by: str | None) -> str | None:
    """Who is recording: ``--by``, else ``$ACTIONPLAN_AUTHOR``, else ``$ACTIONPLAN_USER``, else the login name."""
    if by:
        return by
    for name in ("ACTIONPLAN_AUTHOR", "ACTIONPLAN_USER"):
        if os.environ.get(name):
            return os.environ[name]
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


def save_log(store, path: str, log: TrackingLog, author: str | None, lang: str) -> None:
    """Record a tracking log in the store: the measurements, the reviews and the manual statuses it does
    not hold yet (running it twice changes nothing). Everything is checked before anything is written:
    the log against the stored plan, and each new review as :meth:`~actionplan.storage.Store.review_update`
    will check it."""
    from ..checks import check_tracking
    from ..storage.backends import manual_status_event

    plan = stored_plan(store, log.plan)
    issues = [i for i in check_tracking(log, plan) if i.severity == "error"]
    if issues:
        raise ValidationError(issues, path)
    reviews = new_reviews(store, plan, log, author)
    held = Counter(_manual_key(e) for e in store.events(log.plan) if _manual_key(e) is not None)
    manual = []
    for entry in log.manual_statuses:
        event = manual_status_event(entry)
        if held[_manual_key(event)]:
            held[_manual_key(event)] -= 1
        else:
            manual.append(event)
    new, known = record_new(store, log.plan, list(log.measurements), author)
    click.echo(tn("cli.store.recorded_new", new, lang, known=Plural("cli.store.known", known), plan=log.plan))
    for review in reviews:
        store.review_update(log.plan, review.update, review.decision, note=review.note, author=review.reviewer,
                            date=review.date)
    if log.reviews:
        click.echo(tn("cli.store.recorded_reviews", len(reviews), lang, plan=log.plan,
                      known=Plural("cli.store.known", len(log.reviews) - len(reviews))))
    if manual:
        store.append_events(log.plan, manual, author=author)
    if log.manual_statuses:
        click.echo(tn("cli.store.recorded_manual", len(manual), lang, plan=log.plan,
                      known=Plural("cli.store.known_masculine", len(log.manual_statuses) - len(manual))))


def new_reviews(store, plan: ActionPlan, log: TrackingLog, author: str | None) -> list:
    """The log's reviews the store has not recorded yet, each checked as the store will check it
    (a review the store holds with another decision, reviewer, date or note is refused, naming who
    decided and when)."""
    from ..model.review import REVIEW_DECISIONS
    from ..storage import Update
    from ..storage.backends import check_review, now

    held = {u.id: u for u in store.updates(log.plan) if u.id is not None}
    closed = store.closed_periods(log.plan)
    updates = {m.id: m for m in log.measurements if m.id is not None}
    todo = []
    for review in log.reviews:
        current = held.get(review.update)
        if current is not None and (current.status, current.reviewed_by, current.review_date, current.review_note) == (
                REVIEW_DECISIONS[review.decision], review.reviewer, review.date, review.note or None):
            continue  # recorded by an earlier save
        if current is None:
            measurement = updates[review.update]
            current = Update(log.plan, review.update, attrs.evolve(measurement, recorded_by=measurement.recorded_by
                                                                   or author), "submitted", now())
        check_review(plan, current, review.decision, review.note, review.reviewer, closed)
        todo.append(review)
    return todo


def _manual_key(event) -> tuple | None:
    """What makes two manual-status events the same record (``None`` for another kind of event)."""
    from ..progress import MANUAL_STATUS_EVENT

    if event.kind != MANUAL_STATUS_EVENT:
        return None
    return event.subject, event.date, event.data.get("status"), event.data.get("reason"), event.recorded_by


def expected_version_of(path: Path, doc_id: str) -> int | None:
    """The version a ``dump`` file says it came from, when it is that document's."""
    with open(path, "rb") as handle:
        match = DUMP_HEADER.match(handle.readline())
    if match and match["id"].decode() == doc_id:
        return int(match["version"])
    return None


def save_file(store, path: str, expect_version: int | None, author: str | None, comment: str | None,
              lang: str, given_id: str | None = None, document=None, allow_removal: bool = False) -> None:
    """Save a file (``document``: its content, already loaded): its document (unless unchanged), and
    measurements the store does not hold yet."""
    from ..documents import document_types
    from ..storage.backends import document_type_name, store_id

    if document is None:
        document = actionplan.load(path)
    if isinstance(document, TrackingLog) and given_id is None:
        save_log(store, path, document, author, lang)
        return
    measurements: list[Measurement] = []
    if isinstance(document, ActionPlan):
        document, measurements = split_measurements(document)
    type_name = document_type_name(document)
    if given_id is None and document_types()[type_name].store_id(document) is None:
        raise ActionplanError(Message("cli.store.no_id", path=path, type=type_name))
    doc_id = store_id(document, type_name, given_id)
    current = store.version(doc_id)
    if current is not None and store.get(doc_id).document == document:
        click.echo(t("cli.store.unchanged", lang, id=doc_id, store=redact_url(store.url), version=current))
    else:
        save_document(store, document, doc_id, path, current, expect_version, author, comment, lang,
                      allow_removal)
    if measurements:
        new, known = record_new(store, doc_id, measurements, author)
        click.echo(tn("cli.store.recorded_new", new, lang, known=Plural("cli.store.known", known), plan=doc_id))


def save_document(store, document, doc_id: str, path: str, current: int | None, expect_version: int | None,
                  author: str | None, comment: str | None, lang: str, allow_removal: bool = False) -> None:
    """Save one document, never over a version the person did not start from.

    ``allow_removal``: a plan may drop indicators that have measurements (they stay in the store
    and no longer count); passed to the store only when asked, so older third-party stores still save.
    """
    where = redact_url(store.url)
    expected = expect_version if expect_version is not None else expected_version_of(Path(path), doc_id)
    if current is not None and expected is None:
        raise ActionplanError(Message("cli.store.exists", id=doc_id, store=where, version=current))
    try:
        version = store.save(document, expected_version=expected, author=author, comment=comment, doc_id=doc_id,
                             **({"allow_removal": True} if allow_removal else {}))
    except ConflictError as exc:
        raise ActionplanError(Message("cli.store.conflict", id=doc_id, expected=exc.expected_version,
                                current=exc.current_version if exc.current_version is not None else "—")) from None
    click.echo(t("cli.store.saved", lang, id=doc_id, type=store.info(doc_id).type, store=where, version=version))


# -- reading a value on the command line -------------------------------------------------------


def parse_number(text: str) -> Decimal:
    from ..convert import structure

    value = structure(text, Decimal)
    return value


#: Table columns → their heading's code.
COLUMN_CODES = {
    "id": N_("cli.store.id"), "type": N_("cli.store.type"), "version": N_("cli.store.version"),
    "title": N_("cli.store.title"), "updated": N_("cli.store.updated"), "by": N_("cli.store.by"),
    "when": N_("cli.store.when"), "action": N_("cli.store.action"), "what": N_("cli.store.what"),
    "comment": N_("cli.store.comment"),
}
#: What a history entry did → its code.
HISTORY_ACTION_CODES = {
    "create": N_("cli.store.action.create"), "update": N_("cli.store.action.update"),
    "delete": N_("cli.store.action.delete"), "measure": N_("cli.store.action.measure"),
    "event": N_("cli.store.action.event"),
}

#: kind → message saying what VALUE should look like (numbers otherwise).
EXPECTED = {"rate": N_("cli.store.expect.rate"), "qualitative": N_("cli.store.expect.level"),
            "deliverable": N_("cli.store.expect.done"), "milestone": N_("cli.store.expect.done"),
            "coverage": N_("cli.store.expect.territories")}


def stored_plan(store, plan_id: str) -> ActionPlan:
    """The plan ``plan_id`` of the store; another document type is refused in words."""
    plan = store.get(plan_id).document
    if not isinstance(plan, ActionPlan):
        raise ActionplanError(Message("cli.store.not_plan", id=plan_id, type=store.info(plan_id).type))
    return plan


def find_indicator(plan: ActionPlan, plan_id: str, indicator_id: str, lang: str):
    """The plan's indicator ``indicator_id``; an unknown one is refused with the closest id."""
    import difflib

    indicator = plan.find_indicator(indicator_id)
    if indicator is None:
        known = [i.id for *_, i in plan.iter_indicators()]
        close = difflib.get_close_matches(indicator_id, known, n=1)
        raise ActionplanError(Message("cli.store.unknown_indicator", plan=plan_id, indicator=indicator_id,
                                      hint=t("cli.store.hint", lang, close=close[0]) if close else "",
                                      known=", ".join(known[:12]) + (f" … ({len(known)})" if len(known) > 12
                                                                      else "")))
    return indicator


#: The columns ``track --from`` reads (``indicator`` and ``value`` are required).
TRACK_COLUMNS = ("indicator", "date", "value", "territory", "note", "by")


def track_from(state, plan_id: str, source: str, day: dt.date | None, author: str | None) -> None:
    """``track PLAN --from FILE.csv|-``: every row one measurement, all recorded in one transaction or none.

    A row that cannot be read is refused with its line, what was expected and what was found, and
    nothing is recorded.
    """
    import csv
    import io
    import sys

    lang = state.lang
    shown = "stdin" if source == "-" else source
    try:
        raw = sys.stdin.buffer.read() if source == "-" else Path(source).read_bytes()
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ActionplanError(Message("cli.track.from_not_utf8", source=shown,
                                      line=raw[:exc.start].count(b"\n") + 1)) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [cell.strip().lower() for cell in next(reader, [])]
    missing = [name for name in ("indicator", "value") if name not in header]
    unknown = [name for name in header if name not in TRACK_COLUMNS]
    if missing or unknown:
        raise ActionplanError(Message("cli.track.from_columns", source=shown, expected=", ".join(TRACK_COLUMNS),
                                      found=", ".join(header) or "—"))
    column = {name: header.index(name) for name in header}
    today = day or dt.date.today()
    recorder = author_of(author)
    with worded(state), open_store(store_url(state)) as store:
        plan = stored_plan(store, plan_id)
        indicators = {i.id: i for *_, i in plan.iter_indicators()}
        found, lines = [], []
        for line, row in enumerate(reader, start=2):
            if not any(cell.strip() for cell in row):
                continue
            found.append(_row_measurement(plan, plan_id, indicators, row, column, today, shown, line, lang, recorder))
            lines.append(line)
        try:
            count = store.append_measurements(plan_id, found, author=recorder) if found else 0
        except ValidationError as exc:  # checked against the plan by the store: name the row of the first issue
            first = exc.issues[0]
            index = re.match(r"measurements\[(\d+)\]", first.path)
            where = str(lines[int(index.group(1))]) if index else "?"
            field = attrs.evolve(first, path=first.path[index.end():].lstrip(".")) if index else first
            raise ActionplanError(Message("cli.track.from_row", source=shown, line=where,
                                          error=field.render(lang))) from None
    click.echo(tn("cli.track.from_recorded", count, lang, plan=plan_id, source=shown))


def _row_measurement(plan, plan_id, indicators, row, column, today, source, line, lang, recorder) -> Measurement:
    def cell(name: str) -> str | None:
        index = column.get(name)
        value = row[index].strip() if index is not None and index < len(row) else ""
        return value or None

    try:
        if len(row) > len(column):
            raise ActionplanError(Message("cli.track.from_extra_cells", count=len(row), expected=len(column)))
        indicator_id = cell("indicator")
        indicator = indicators.get(indicator_id or "") or find_indicator(plan, plan_id, indicator_id or "", lang)
        when, written = today, cell("date")
        if written is not None:
            try:
                when = dt.date.fromisoformat(written)
            except ValueError:
                raise ActionplanError(Message("cli.track.from_bad_date", found=written)) from None
        fields = {name: cell(name) for name in ("territory", "note") if cell(name) is not None}
        if cell("by") is not None or recorder is not None:  # set here: the store need not copy each one
            fields["recorded_by"] = cell("by") or recorder
        return parse_measurement(indicator, cell("value") or "", when, lang, **fields)
    except ValidationError as exc:
        raise ActionplanError(Message("cli.track.from_row", source=source, line=line,
                                      error=t("list.semicolon", lang).join(i.render(lang) for i in exc.issues))) from None
    except ActionplanError as exc:
        raise ActionplanError(Message("cli.track.from_row", source=source, line=line,
                                      error=exc.message(lang))) from None


def parse_measurement(indicator, text: str, day: dt.date, lang: str, **fields) -> Measurement:
    """``VALUE`` as the indicator's kind reads it: 4, 12/20, 72 %, satisfaisant, oui, mrc:a,mrc:b."""
    from ..convert import describe
    from ..errors import Issue
    from ..errors import FieldValueError

    try:
        return Measurement(date=day, indicator=indicator.id, **_values(indicator, text.strip()), **fields)
    except FieldValueError as exc:
        if exc.field in fields:  # an option (--territory '../x'), not VALUE: say which
            raise ValidationError([Issue(f"--{exc.field}", Message("validation.invalid_value"), expected=exc.expected,
                                         found=describe(exc.found))], "track") from None
    except (ValueError, ValidationError):
        pass
    code = EXPECTED.get(indicator.kind, N_("cli.store.expect.number"))
    expected = t(code, lang, levels=" < ".join(indicator.scale or DEFAULT_SCALE))
    raise ActionplanError(Message("cli.store.bad_value", value=text, indicator=indicator.id, kind=indicator.kind,
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
        return (t("cli.store.done", lang) if x.done else t("cli.store.not_done", lang))
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


def check_evidence(evidence: str | None) -> str | None:
    """``--evidence``: a web address (``https://…``, ``http://…``) or the path of a file or folder that exists."""
    from urllib.parse import urlsplit

    if evidence is None:
        return None
    text = evidence.strip()
    try:
        parts = urlsplit(text)
    except ValueError:
        parts = None
    if parts is not None and parts.scheme in ("http", "https") and parts.netloc:
        return text
    if text and "\x00" not in text and Path(text).exists():
        return text
    raise ActionplanError(Message("cli.track.bad_evidence", evidence=evidence))


# -- the commands ------------------------------------------------------------------------------


@actionplan.hookimpl
def actionplan_register_commands(cli):
    @cli.command(help=N_("cli.save.help"))
    @click.argument("files", nargs=-1, required=True, type=click.Path(dir_okay=False))
    @click.option("--expect-version", type=click.IntRange(min=1), default=None,
                  help=N_("cli.save.option.expect_version"))
    @click.option("--by", "author", default=None, help=N_("cli.save.option.author"))
    @click.option("--comment", "-m", default=None, help=N_("cli.save.option.comment"))
    @click.option("--id", "given_id", default=None, metavar="ID",
                  help=N_("cli.save.option.given_id"))
    @click.option("--allow-removal", is_flag=True, help=N_("cli.save.option.allow_removal"))
    @click.pass_obj
    def save(state, files, expect_version, author, comment, given_id, allow_removal):
        """Save plan or program files to the store; a tracking log's measurements are recorded."""
        if given_id is not None and len(files) > 1:
            raise click.UsageError(t("cli.save.id_one_file", state.lang))
        documents = [actionplan.load(path) for path in files]  # all checked before any is saved
        with worded(state), open_store(store_url(state)) as store:
            for path, document in zip(files, documents):
                save_file(store, path, expect_version, author_of(author), comment, state.lang, given_id, document,
                          allow_removal)

    @cli.command("list", help=N_("cli.list.help"))
    @click.option("--type", "type_", default=None, help=N_("cli.list.option.type_"))
    @click.option("--organisation", default=None, help=N_("cli.list.option.organisation"))
    @click.option("--territory", default=None, help=N_("cli.list.option.territory"))
    @click.option("--deleted", is_flag=True, help=N_("cli.list.option.deleted"))
    @click.pass_obj
    def list_command(state, type_, organisation, territory, deleted):
        """List the documents of the store."""
        from rich.table import Table

        lang = state.lang
        with worded(state), open_store(store_url(state)) as store:
            infos = store.list(type=type_, organisation=organisation, territory=territory, include_deleted=deleted)
        console = _console()
        if not infos:
            console.print(escape(t("cli.store.none", lang, store=redact_url(store_url(state)))))
            return
        table = Table()
        for column in ("id", "type", "version", "title", "updated", "by"):
            table.add_column(t(COLUMN_CODES[column], lang), no_wrap=column != "title")
        for info in infos:
            title = "(" + t("cli.store.deleted", lang) + ")" if info.deleted else (info.title or "")
            table.add_row(*map(escape, (info.id, info.type, str(info.version), title, _when(info.updated_at),
                                        info.updated_by or "")))
        console.print(table)

    @cli.command(help=N_("cli.track.help"))
    @click.argument("plan_id")
    @click.argument("indicator_id", required=False)
    @click.argument("value", required=False)
    @click.option("--date", "day", callback=parse_date_option, default=None, help=N_("cli.track.option.day"))
    @click.option("--note", default=None, help=N_("cli.track.option.note"))
    @click.option("--territory", default=None, help=N_("cli.track.option.territory"))
    @click.option("--by", "author", default=None, help=N_("cli.track.option.author"))
    @click.option("--from", "source", default=None, metavar="FILE.csv|-", help=N_("cli.track.option.source"))
    @click.option("--evidence", default=None, metavar="URL|PATH", help=N_("cli.track.option.evidence"))
    @click.pass_obj
    def track(state, plan_id, indicator_id, value, day, note, territory, author, source, evidence):
        """Record one measurement: VALUE is 4, 12/20, 72 %, a level, oui/non, or territories a,b."""
        lang = state.lang
        if source is not None:
            if (indicator_id is not None or value is not None or note is not None or territory is not None
                    or evidence is not None):
                raise click.UsageError(t("cli.track.from_alone", lang))
            track_from(state, plan_id, source, day, author)
            return
        if indicator_id is None or value is None:
            raise click.UsageError(t("cli.track.needs_value", lang))
        with worded(state), open_store(store_url(state)) as store:
            plan = stored_plan(store, plan_id)
            indicator = find_indicator(plan, plan_id, indicator_id, lang)
            measurement = parse_measurement(indicator, value, day or dt.date.today(), lang, note=note,
                                            territory=territory, evidence=check_evidence(evidence))
            submitted = None
            if review_required(plan):  # the store would mark it submitted anyway: say which update waits
                submitted = store.submit_measurements(plan_id, [measurement], author=author_of(author))[0]
            else:
                store.append_measurement(plan_id, measurement, author=author_of(author))
        click.echo(t("cli.store.tracked", lang, label=indicator.label, plan=plan_id, value=describe_value(measurement, lang),
                     date=measurement.date.isoformat()))
        if submitted is not None:
            click.echo(t("cli.track.submitted", lang, id=submitted, plan=plan_id))

    @cli.command(help=N_("cli.history.help"))
    @click.argument("doc_id")
    @click.option("--limit", type=click.IntRange(min=1), default=None, help=N_("cli.history.option.limit"))
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
            table.add_column(t(COLUMN_CODES[column], lang), no_wrap=column in ("when", "version"),
                             overflow="fold" if column == "what" else "ellipsis",
                             min_width=34 if column == "what" else None)
        for entry in entries:
            changes = [_change_text(change, lang) for change in entry.changes[:5]]
            what = "\n".join(changes) + ("\n…" if len(entry.changes) > 5 else "")
            table.add_row(*map(escape, (_when(entry.at), entry.by or "", t(HISTORY_ACTION_CODES.get(entry.action, entry.action), lang),
                                        "" if entry.version is None else str(entry.version), what,
                                        entry.comment or "")))
        _console().print(table)

    @cli.command(help=N_("cli.dump.help"))
    @click.argument("doc_id")
    @output_option(N_("cli.dump.option.output"), required=True)
    @click.option("--no-measurements", is_flag=True, help=N_("cli.dump.option.no_measurements"))
    @click.pass_obj
    def dump(state, doc_id, output, force, no_measurements):
        """Write a document of the store to a file (a plan with its measurements)."""
        lang = state.lang
        check_output(output, state=state, force=force)
        with worded(state), open_store(store_url(state)) as store:
            stored = store.get(doc_id)
            document, count = stored.document, 0
            if isinstance(document, ActionPlan) and not no_measurements:
                # the measurements that count: updates waiting for a reviewer (or returned) stay in the store
                document = store.plan_with_measurements(doc_id)
                count = sum(len(i.measurements) for *_, i in document.iter_indicators())
        payload = dump_payload(document, output, doc_id, stored.version, redact_url(store_url(state)))
        where = write_output(payload, output, force=force, state=state)
        if isinstance(stored.document, ActionPlan):
            click.echo(tn("cli.store.dumped", count, lang, id=doc_id, version=stored.version, path=where),
                       err=where == STDOUT)
        else:
            click.echo(t("cli.store.dumped_doc", lang, id=doc_id, version=stored.version, path=where),
                       err=where == STDOUT)

    @cli.command(help=N_("cli.delete.help"))
    @click.argument("doc_id")
    @click.option("--expect-version", type=click.IntRange(min=1), required=True,
                  help=N_("cli.delete.option.expect_version"))
    @click.option("--by", "author", default=None, help=N_("cli.delete.option.author"))
    @click.option("--comment", "-m", default=None, help=N_("cli.save.option.comment"))
    @click.pass_obj
    def delete(state, doc_id, expect_version, author, comment):
        """Delete a document and its measurements; its history stays."""
        with worded(state), open_store(store_url(state)) as store:
            version = store.delete(doc_id, expected_version=expect_version, author=author_of(author), comment=comment)
        click.echo(t("cli.store.deleted_doc", state.lang, id=doc_id, store=redact_url(store_url(state)), version=version))

    @cli.command(help=N_("cli.backup.help"))
    @output_option(N_("cli.backup.option.output"), required=True)
    @click.pass_obj
    def backup(state, output, force):
        """Write the whole store (documents, measurements, events, history) to one file."""
        check_output(output, state=state, force=force)
        with worded(state), open_store(store_url(state)) as store, \
                progress_bar(Message("cli.progress.backup", store=redact_url(store_url(state)))):
            payload, snapshot = store.backup_bytes("json" if output == STDOUT else None, output)
        where = write_output(payload, output, force=force, state=state)
        click.echo(t("cli.store.backed_up", state.lang, store=redact_url(store_url(state)), path=where,
                     **_counts(snapshot)), err=where == STDOUT)

    @cli.command(help=N_("cli.restore.help"))
    @click.argument("file", type=click.Path(dir_okay=False))
    @click.pass_obj
    def restore(state, file):
        """Load a backup into an empty store (any backend): all of it, or nothing."""
        with worded(state), open_store(store_url(state)) as store, \
                progress_bar(Message("cli.progress.restore", path=file, store=redact_url(store_url(state)))):
            restored = store.restore(file)
        click.echo(t("cli.store.restored", state.lang, store=redact_url(store_url(state)), path=file, **_counts(restored)))


@contextlib.contextmanager
def worded(state):
    """The store errors people meet most, in the command line's language."""
    try:
        yield
    except ConflictError as exc:
        raise ActionplanError(Message("cli.store.conflict_any", id=exc.doc_id, expected=exc.expected_version or "—",
                                current=exc.current_version or "—")) from None
    except NotFoundError as exc:
        if getattr(exc, "doc_id", None) is None:
            raise
        raise ActionplanError(Message("cli.store.not_found", id=exc.doc_id, store=redact_url(store_url(state)))) from None


def dump_payload(document, output: str, doc_id: str, version: int, url: str) -> bytes:
    """What ``dump`` writes: over an existing YAML file its comments and layout stay (:func:`actionplan.documents.dump_bytes`),
    under a first line naming the version written (the one ``save`` checks), replacing an older such line.
    """
    from ..documents import dump_bytes, format_for

    if output == STDOUT:
        payload, name, fmt = actionplan.dumps(document), f"{doc_id}.yaml", "yaml"
    else:
        payload, name, fmt = dump_bytes(document, output), Path(output).name, format_for(output).name
    if fmt != "yaml":
        return payload
    while DUMP_HEADER.match(payload) or payload.startswith(b"# actionplan save "):
        payload = payload.split(b"\n", 1)[1] if b"\n" in payload else b""
    header = (f"# actionplan: {doc_id} version {version} from {url}\n"
              f"# actionplan save {name} replaces it only if the store is still at version {version}.\n")
    return header.encode("utf-8") + payload


def _counts(backup) -> dict[str, Plural]:
    """A backup's counts, each with its noun in the singular or the plural (« 3 documents, 1 mesure… »)."""
    return {"documents": Plural("cli.count.documents", len(backup.documents)),
            "measurements": Plural("cli.count.measurements", len(backup.measurements)),
            "events": Plural("cli.count.events", len(backup.events)),
            "history": Plural("cli.count.history", len(backup.history))}


__all__ = ["parse_measurement", "split_measurements"]
