"""Helpers every backend uses, so they all behave the same: ids, text, versions, checks, diffs."""

from __future__ import annotations

import builtins
import contextlib
import contextvars
import datetime as dt
import secrets
from collections.abc import Iterable, Iterator, Mapping
from typing import Any

import attrs
import orjson

from ..checks import _unknown, check_measurement, plan_gazetteer
from ..convert import converter, structure, unstructure
from ..documents import document_types, from_data, own_id, registered_type, to_data
from ..errors import ConflictError, Issue, NotFoundError, StoreError, ValidationError
from ..model.base import is_valid_id
from ..model.indicators import Measurement
from ..model.review import REVIEW_DECISIONS, UPDATE_STATES, ManualStatus, review_required, update_state
from ..i18n import N_, Message, Verbatim
from ..progress import MANUAL_STATUS_EVENT, manual_statuses
from ..schedules.periods import PERIOD_LABEL_FORMS
from ..snapshots import (
    PERIOD_CLOSED_EVENT,
    PERIOD_EVENT_KINDS,
    PERIOD_REOPENED_EVENT,
    PeriodSnapshot,
    check_period_label,
    freeze,
    period_bounds,
)
from . import (
    MAX_CHANGES_LISTED,
    REVIEW_EVENT_KINDS,
    Event,
    EventRecord,
    HistoryEntry,
    MeasurementRecord,
    Update,
    redact_url,
)


def now() -> dt.datetime:
    """The current time in UTC, to the microsecond (what every backend keeps)."""
    return dt.datetime.now(dt.timezone.utc)


#: The things the checks below name (``what``) → their code.
_WHAT_CODES = {
    "document id": N_("storage.what.document_id"), "plan id": N_("storage.what.plan_id"),
    "document": N_("storage.what.document"), "plan": N_("storage.what.plan"), "author": N_("storage.what.author"),
    "comment": N_("storage.what.comment"), "history text": N_("storage.what.history_text"),
    "update": N_("storage.what.update"), "note": N_("storage.what.note"),
    "snapshot": N_("storage.what.snapshot"), "reason": N_("storage.what.reason"),
}


def what_message(what: str) -> Message:
    """``what`` in the reader's language (``"plan id"`` → « identifiant de plan »), else as written."""
    if what.startswith("id of the "):
        return Message("storage.what.id_of", thing=what[len("id of the "):])
    return Message(_WHAT_CODES[what]) if what in _WHAT_CODES else Verbatim(what)


def check_store_id(value: object, what: str = "document id") -> str:
    """Refuse an id that could escape a folder or be mistaken for SQL: ids are never trusted."""
    if not is_valid_id(value):
        shown = repr(value) if len(repr(value)) <= 80 else repr(value)[:77] + "..."
        raise StoreError(
            Message("storage.invalid_id", what=what_message(what), shown=shown),
        )
    return value


def not_found(doc_id: str, url: str, what: str = "document") -> NotFoundError:
    """The error for an absent document; carries ``doc_id`` so a caller can word it in its language."""
    error = NotFoundError(Message("storage.not_found", what=what_message(what), doc_id=doc_id, url=redact_url(url)))
    error.doc_id = doc_id
    return error


def version_not_kept(doc_id: str, version: int, current: int, url: str) -> NotFoundError:
    """The error for a version of a document the store does not hold (never saved, or from before it kept versions)."""
    return NotFoundError(Message("storage.version_not_kept", doc_id=doc_id, version=version, current=current,
                                 url=redact_url(url)))


def check_text(value: str | None, what: str | Message, what_in_french: str | None = None) -> str | None:
    """Text a store keeps verbatim: anything but NUL characters and unpaired surrogates."""
    if value is None:
        return None
    name = what if isinstance(what, Message) else what_message(what)
    if not isinstance(value, str):
        raise StoreError(Message("storage.must_be_text", what=name, type=type(value).__name__))
    if "\x00" in value:
        raise StoreError(Message("storage.contains_nul", what=name))
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        raise StoreError(Message("storage.not_unicode", what=name)) from None
    return value


def check_plain_text(data: Any, what: str, path: str = "") -> None:
    """Every string in plain data passes :func:`check_text` (the message names its path)."""
    if isinstance(data, str):
        if "\x00" in data or not _encodable(data):  # the message is built only for a text refused
            check_text(data, Message("storage.what.at", what=what_message(what),
                                     path=path or Message("storage.what.root")))
    elif isinstance(data, Mapping):
        for key, value in data.items():
            check_plain_text(key, what, path)
            check_plain_text(value, what, f"{path}.{key}" if path else str(key))
    elif isinstance(data, list | tuple):
        for index, item in enumerate(data):
            check_plain_text(item, what, f"{path}[{index}]")


def _plain_texts(m: Measurement) -> bool:
    """Whether every text of a measurement is one a store keeps (no NUL, valid Unicode): the fast check."""
    texts = [m.level, m.territory, m.period, m.note, m.evidence, m.recorded_by, m.indicator, m.id, *m.territories,
             *m.dimensions, *m.dimensions.values()]
    return all(t is None or (isinstance(t, str) and "\x00" not in t and _encodable(t)) for t in texts)


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def document_type_name(document: Any) -> str:
    """The ``type:`` name of a document's class among the registered document types."""
    doc_type = registered_type(type(document))
    if doc_type is not None:
        return doc_type.name
    known = ", ".join(document_types().names())
    raise StoreError(Message("storage.not_document_type_known_types", name=type(document).__name__, known=known))


@attrs.frozen
class PreparedDocument:
    """A document ready to be written: its index fields and plain data."""

    id: str
    type: str
    title: str | None
    organisation: str | None
    territories: tuple[str, ...]
    data: dict
    document: Any


def store_id(document: Any, type_name: str, given: str | None = None) -> str:
    """The id a document is stored under: ``given``, else the one its document type gives (its ``id``)."""
    doc_type = registered_type(type(document))
    own = doc_type.store_id(document) if doc_type is not None else own_id(document)
    if given is not None and own is not None and given != own:
        raise StoreError(Message("storage.has_id_cannot_saved_as", type_name=type_name, own=own, given=given))
    if given is None and own is None:
        raise StoreError(Message("storage.document_has_no_id_give", type_name=type_name))
    return check_store_id(given if given is not None else own, f"id of the {type_name}")


def prepare_document(document: Any, doc_id: str | None = None) -> PreparedDocument:
    """Check a document can be stored and turn it into plain data (``to_data``)."""
    type_name = document_type_name(document)
    doc_id = store_id(document, type_name, doc_id)
    data = to_data(document)
    check_plain_text(data, f"document {doc_id!r}")
    title = getattr(document, "title", None) or getattr(document, "name", None)
    organisation = getattr(document, "organisation", None)
    territories = getattr(document, "territories", ()) or ()
    return PreparedDocument(
        id=doc_id,
        type=type_name,
        title=title if isinstance(title, str) else None,
        organisation=organisation if isinstance(organisation, str) else None,
        territories=tuple(sorted({t for t in territories if isinstance(t, str)})),
        data=data,
        document=document,
    )


def decode_document(data: Any, source: str):
    """Plain data from a store → model object (checked when it was saved, so not again)."""
    return from_data(data, source=source, check=False)


def next_version(doc_id: str, expected: int | None, current: int | None, live: bool) -> int:
    """The version a save gets, or :class:`ConflictError` when ``expected`` is stale.

    ``current`` is the stored version (of a deleted document too), ``live`` whether it exists.
    """
    if expected is not None and (not isinstance(expected, int) or isinstance(expected, bool) or expected < 1):
        raise StoreError(Message("storage.expected_version_must_positive_whole", expected=expected))
    if expected is None:
        if live:
            raise ConflictError(doc_id, None, current)
        return (current or 0) + 1
    if not live or expected != current:
        raise ConflictError(doc_id, expected, current if live else None)
    return current + 1


def check_same_type(doc_id: str, stored_type: str, new_type: str, live: bool) -> None:
    if live and stored_type != new_type:
        raise StoreError(Message("storage.cannot_replaced", doc_id=doc_id, stored_type=stored_type,
                                 new_type=new_type))


#: The event a plan's save records for each indicator removed while it had measurements
#: (``allow_removal``); its measurements stay in the store and no longer count.
INDICATOR_REMOVED_EVENT = "indicator-removed"


def removed_indicators(records: Iterable[EventRecord]) -> set[str]:
    """The indicators whose removal (with their measurements kept) ``records`` of a plan record."""
    return {r.event.subject for r in records if r.event.kind == INDICATOR_REMOVED_EVENT and r.event.subject}


def check_kept_indicators(plan_id: str, plan: Any, recorded: Iterable[str], *, removed: Iterable[str] = (),
                          allow_removal: bool = False) -> builtins.list[str]:
    """A plan may not drop an indicator that has recorded measurements, unless ``allow_removal``.

    ``recorded`` are the indicators with measurements in the store, ``removed`` those whose removal
    was already allowed (:func:`removed_indicators`). Returns the indicators this save removes
    (sorted); the backend records an :data:`INDICATOR_REMOVED_EVENT` for each
    (:func:`removal_events`).
    """
    present = {indicator.id for *_, indicator in plan.iter_indicators()}
    missing = sorted(set(recorded) - present - set(removed))
    if missing and not allow_removal:
        raise ValidationError(
            [Issue("themes", Message("storage.indicator_has_measurements"), found=repr(i),
                   hint=Message("storage.indicator_has_measurements.hint")) for i in missing],
            plan_id,
        )
    return missing


def removal_events(removed: Iterable[str], counts: Mapping[str, int], version: int, at: dt.datetime,
                   author: str | None, comment: str | None) -> builtins.list[Event]:
    """One :data:`INDICATOR_REMOVED_EVENT` per removed indicator: how many measurements it keeps, in which version."""
    return [Event(INDICATOR_REMOVED_EVENT, at.date(), note=comment, recorded_by=author, subject=indicator,
                  data={"measurements": str(counts.get(indicator, 0)), "version": str(version)})
            for indicator in removed]


def changed_paths(old: Any, new: Any, path: str = "", limit: int = MAX_CHANGES_LISTED) -> tuple[str, ...]:
    """What differs between two plain-data versions, as short paths (summarised past ``limit``).

    Items of lists that carry ids are matched by id and named by it, so inserting a theme does
    not make every later one look changed: ``indicators[va-o1-a1-i1].target``,
    ``actions[nouvelle-action] added``.
    """
    found: list[str] = []
    _diff(old, new, path, found)
    if len(found) > limit:
        found = found[:limit] + [f"… and {len(found) - limit} more"]
    return tuple(found)


def _diff(old: Any, new: Any, path: str, found: list[str]) -> None:
    if isinstance(old, Mapping) and isinstance(new, Mapping):
        for key in [*old, *(k for k in new if k not in old)]:
            _diff(old.get(key), new.get(key), f"{path}.{key}" if path else str(key), found)
    elif isinstance(old, list) and isinstance(new, list):
        old_ids, new_ids = _ids(old), _ids(new)
        if old_ids is None or new_ids is None:
            for index in range(max(len(old), len(new))):
                _diff(old[index] if index < len(old) else None, new[index] if index < len(new) else None,
                      f"{path}[{index}]", found)
            return
        name = path.rsplit(".", 1)[-1]
        old_by, new_by = dict(zip(old_ids, old, strict=True)), dict(zip(new_ids, new, strict=True))
        for key in old_ids:
            if key in new_by:
                _diff(old_by[key], new_by[key], f"{name}[{key}]", found)
            else:
                found.append(f"{name}[{key}] removed")
        found.extend(f"{name}[{key}] added" for key in new_ids if key not in old_by)
        if [k for k in old_ids if k in new_by] != [k for k in new_ids if k in old_by]:
            found.append(f"{path} reordered")
    elif _leaf(old) != _leaf(new):
        found.append(path or "(document)")


def _ids(items: list) -> list[str] | None:
    """The ids of a list of mappings that all carry a distinct one, else ``None``."""
    ids = [item_id for item in items if isinstance(item, Mapping) and isinstance(item_id := item.get("id"), str)]
    if len(ids) == len(items) and len(set(ids)) == len(ids):
        return ids
    return None


def _leaf(value: Any) -> Any:
    """A value as every backend gives it back (dates read from JSON are ISO text)."""
    if isinstance(value, dt.date):
        value = value.isoformat()
    return (type(value), value) if isinstance(value, bool | int | str) else value


# -- measurements and events --------------------------------------------------------------


class PlanCache:
    """Plans already checked, by (id, version): validating a measurement costs the same every time."""

    def __init__(self, size: int = 8):
        self._size = size
        self._items: dict[tuple[str, int], tuple[Any, dict, Any]] = {}

    def get(self, plan_id: str, version: int):
        return self._items.get((plan_id, version))

    def put(self, plan_id: str, version: int, plan: Any):
        entry = (plan, {i.id: i for *_, i in plan.iter_indicators()}, plan_gazetteer(plan))
        if len(self._items) >= self._size:
            self._items.pop(next(iter(self._items)))
        self._items[(plan_id, version)] = entry
        return entry


def validate_measurements(plan_id: str, entry, measurements: Iterable[Measurement],
                          author: str | None, closed: Iterable[PeriodSnapshot] = ()) -> builtins.list[Measurement]:
    """Check each measurement against its indicator; return them with ``recorded_by`` filled in.

    Where the plan requires review, each is marked ``submitted``; a submitted update gets an id.
    Ids must differ within the batch (:func:`check_new_update_ids` checks them against the store).
    A measurement of a ``closed`` period (the plan's :meth:`~Store.closed_periods`) is refused.
    """
    plan, indicators, places = entry
    submit = review_required(plan)
    author = check_text(author, "author")
    ready, issues = [], []
    for index, measurement in enumerate(measurements):
        path = f"measurements[{index}]"
        if not isinstance(measurement, Measurement):
            raise StoreError(Message("storage.expected_measurement_found", path=path,
                                     name=type(measurement).__name__))
        indicator = indicators.get(measurement.indicator or "")
        if indicator is None:
            issues.append(_unknown(f"{path}.indicator", "indicator", measurement.indicator, indicators))
            continue
        issues.extend(i for i in check_measurement(indicator, measurement, path, places) if i.severity == "error")
        if measurement.recorded_by is None and author is not None:
            measurement = attrs.evolve(measurement, recorded_by=author)
        if submit and not measurement.submitted:
            measurement = attrs.evolve(measurement, submitted=True)
        if measurement.submitted and measurement.id is None:
            measurement = attrs.evolve(measurement, id=new_update_id())
        ready.append(measurement)
    if issues:
        raise ValidationError(issues, f"measurements for {plan_id}")
    check_open_periods(plan_id, ready, closed)
    check_new_update_ids(plan_id, ready, ())
    for index, measurement in enumerate(ready):
        if not _plain_texts(measurement):  # the slow walk only to name what is refused
            check_plain_text(attrs.asdict(measurement, recurse=False), f"measurements[{index}]")
    return ready


def validate_events(events: Iterable[Event], author: str | None) -> builtins.list[Event]:
    author = check_text(author, "author")
    ready = []
    for index, event in enumerate(events):
        if not isinstance(event, Event):
            raise StoreError(Message("storage.events_expected_event_found", index=index, name=type(event).__name__))
        if event.kind == INDICATOR_REMOVED_EVENT:
            raise StoreError(Message("storage.removed_indicator_reserved_kind", index=index, kind=event.kind))
        if (event.kind in _REVIEW_KINDS or event.kind in PERIOD_EVENT_KINDS) and not _reviewing.get():
            raise StoreError(Message("storage.review.reserved_kind", index=index, kind=event.kind))
        if event.recorded_by is None and author is not None:
            event = attrs.evolve(event, recorded_by=author)
        check_plain_text(attrs.asdict(event, recurse=False), f"events[{index}]")
        ready.append(event)
    return ready


# -- reviewed updates ---------------------------------------------------------------------

#: Review event kind → the state it leads to.
_REVIEW_KINDS = {kind: REVIEW_DECISIONS[decision] for decision, kind in REVIEW_EVENT_KINDS.items()}
#: Review event kind → the decision it records (``update-approved`` → ``approve``).
_DECISIONS = {kind: decision for decision, kind in REVIEW_EVENT_KINDS.items()}
_reviewing: contextvars.ContextVar[bool] = contextvars.ContextVar("_reviewing", default=False)

#: An update state → its name in messages.
STATUS_CODES = {"counted": N_("storage.review.status.counted"), "submitted": N_("storage.review.status.submitted"),
                "approved": N_("storage.review.status.approved"), "returned": N_("storage.review.status.returned")}


@contextlib.contextmanager
def recording_reviews() -> Iterator[None]:
    """Inside: review events may be appended (elsewhere their kinds are refused: only reviews write them)."""
    token = _reviewing.set(True)
    try:
        yield
    finally:
        _reviewing.reset(token)


def new_update_id() -> str:
    """A new update id: ``u-`` and 12 random hexadecimal digits (48 bits: no clash in practice; checked)."""
    return "u-" + secrets.token_hex(6)


def check_status(status: str | None) -> None:
    if status is not None and status not in UPDATE_STATES:
        raise StoreError(Message("storage.review.unknown_status", status=status, known=", ".join(UPDATE_STATES)))


def check_new_update_ids(plan_id: str, ready: Iterable[Measurement], taken: Iterable[str]) -> None:
    """Refuse an update id given twice in a batch, or already held by the plan (``taken``)."""
    seen = set(taken)
    for measurement in ready:
        if measurement.id is None:
            continue
        if measurement.id in seen:
            raise StoreError(Message("storage.review.duplicate_id", plan_id=plan_id, id=measurement.id))
        seen.add(measurement.id)


def is_review_kind(kind: str) -> bool:
    return kind in _REVIEW_KINDS


def review_status(kind: str) -> str:
    """The state a review event's kind leads to (``update-approved`` → ``approved``)."""
    return _REVIEW_KINDS[kind]


def make_update(plan_id: str, measurement: Measurement, recorded_at: dt.datetime,
                review: EventRecord | None) -> Update:
    """An update's state from its measurement and its review (the first one recorded, if any)."""
    status = update_state(measurement.submitted, None if review is None else _DECISIONS[review.event.kind])
    if review is None or not measurement.submitted:
        return Update(plan_id, measurement.id, measurement, status, recorded_at)
    event = review.event
    return Update(plan_id, measurement.id, measurement, status, recorded_at, reviewed_at=review.recorded_at,
                  reviewed_by=event.recorded_by, review_note=event.note, review_date=event.date)


def first_reviews(reviews: Iterable[EventRecord]) -> dict[str, EventRecord]:
    """Update id → the review that decided it (the first recorded; later ones are refused when written)."""
    decided: dict[str, EventRecord] = {}
    for record in sorted(reviews, key=lambda r: r.recorded_at):
        if record.event.subject is not None and record.event.kind in _REVIEW_KINDS:
            decided.setdefault(record.event.subject, record)
    return decided


def derive_updates(plan_id: str, records: Iterable[MeasurementRecord],
                   reviews: Iterable[EventRecord]) -> builtins.list[Update]:
    decided = first_reviews(reviews)
    return [make_update(plan_id, r.measurement, r.recorded_at,
                        decided.get(r.measurement.id) if r.measurement.id is not None else None) for r in records]


def check_review(plan: Any, update: Update, decision: str, note: str | None, author: str | None,
                 closed: Iterable[PeriodSnapshot] = ()) -> None:
    """Refuse a review that may not be recorded (see :meth:`Store.review_update`).

    Approving an update of a ``closed`` period would change its numbers: refused (returning it is not).
    """
    if decision not in REVIEW_DECISIONS:
        raise StoreError(Message("storage.review.unknown_decision", decision=decision,
                                 known=", ".join(REVIEW_DECISIONS)))
    check_text(author, "author")
    check_text(note, "note")
    if update.status == "counted":
        raise StoreError(Message("storage.review.not_submitted", id=update.id or "—", plan_id=update.plan_id))
    if update.status != "submitted":
        raise StoreError(Message("storage.review.already", id=update.id, status=Message(STATUS_CODES[update.status]),
                                 by=update.reviewed_by or "—",
                                 date=update.review_date.isoformat() if update.review_date else "—"))
    if decision == "return" and not (note or "").strip():
        raise StoreError(Message("storage.review.return_needs_note", id=update.id))
    policy = getattr(plan, "review", None)
    if policy is not None and policy.distinct_reviewer:
        if not author:
            raise StoreError(Message("storage.review.reviewer_unknown", id=update.id, plan_id=update.plan_id))
        if author == update.submitted_by:
            raise StoreError(Message("storage.review.self_review", id=update.id, author=author,
                                     plan_id=update.plan_id))
    if decision == "approve":
        check_open_periods(update.plan_id, [update.measurement], closed)
        indicator = update.measurement.indicator
        if indicator not in {i.id for *_, i in plan.iter_indicators()}:  # removed with allow_removal
            raise StoreError(Message("storage.review.indicator_removed", id=update.id, indicator=indicator,
                                     plan_id=update.plan_id))


def review_event(update_id: str, decision: str, note: str | None, author: str | None,
                 date: dt.date | None = None) -> Event:
    """The event that records a review: kind ``update-approved`` / ``update-returned``, subject the update."""
    return Event(kind=REVIEW_EVENT_KINDS[decision], date=date or dt.date.today(), note=note or None,
                 recorded_by=author, subject=update_id)


def manual_status_event(manual: ManualStatus) -> Event:
    """The event that records a status set by hand: kind ``manual-status``, subject the indicator or action,
    ``data`` its status and reason, ``recorded_by`` its author, dated the day it was set."""
    return Event(kind=MANUAL_STATUS_EVENT, date=manual.date, subject=manual.subject,
                 data={"status": manual.status, "reason": manual.reason}, recorded_by=manual.author or None)


def measurement_data(measurement: Measurement) -> dict:
    return unstructure(measurement)


def event_data(event: Event) -> dict:
    return unstructure(event)


def structure_records(datas: builtins.list[Any], cls: type, source: str) -> builtins.list[Any]:
    """Plain data → model objects, fast; a record that does not fit is reported with its path."""
    hook = converter.get_structure_hook(cls)
    try:
        return [hook(data, cls) for data in datas]
    except Exception:  # noqa: BLE001 - explained below with paths
        for index, data in enumerate(datas):
            try:
                structure(data, cls)
            except ValidationError as exc:
                raise StoreError(Message("storage.record_unreadable", source=source, index=index,
                                         value=exc.issues[0])) from None
        raise


def measurement_summary(measurement: Measurement) -> str:
    """``participation 2026-03-01: 12/20`` — what a history line says about a measurement."""
    m = measurement
    if m.numerator is not None and m.denominator is not None:
        value = f"{m.numerator}/{m.denominator}"
    elif m.value is not None:
        value = str(m.value)
    elif m.level is not None:
        value = m.level
    elif m.done is not None:
        value = "done" if m.done else "not done"
    elif m.territories:
        value = ", ".join(m.territories)
    else:
        value = m.territory or "—"
    submitted = f" (submitted {m.id})" if m.submitted else f" ({m.id})" if m.id else ""
    return f"{m.indicator} {m.date.isoformat()}: {value}{submitted}"


def measurement_history(record: MeasurementRecord) -> HistoryEntry:
    m = record.measurement
    return HistoryEntry(record.plan_id, record.recorded_at, "measure", by=m.recorded_by, comment=m.note,
                        changes=(measurement_summary(m),))


def event_history(record: EventRecord) -> HistoryEntry:
    e = record.event
    if e.kind in _REVIEW_KINDS:
        change = f"{e.kind} {e.subject} {e.date.isoformat()}"
    elif e.kind in PERIOD_EVENT_KINDS:
        change = f"{e.kind} {e.data.get('period', '')} v{e.data.get('version', '')} {e.date.isoformat()}"
    elif e.kind == INDICATOR_REMOVED_EVENT:
        change = f"{e.kind} {e.subject} v{e.data.get('version', '')} ({e.data.get('measurements', '')}) {e.date.isoformat()}"
    else:
        change = f"{e.kind} {e.date.isoformat()}"
    return HistoryEntry(record.doc_id, record.recorded_at, "event", by=e.recorded_by, comment=e.note,
                        changes=(change,))


# -- closed periods -------------------------------------------------------------------------


def period_label(plan_id: str, plan: Any, label: object) -> tuple[str, Any]:
    """A period label checked for ``plan``: (the label as kept, the days it covers); else a clear :class:`StoreError`."""
    try:
        text = check_period_label(label)
        return text, period_bounds(plan, text)
    except ValueError:
        raise StoreError(Message("storage.periods.bad_label", plan_id=plan_id, label=str(label)[:80],
                                 forms=PERIOD_LABEL_FORMS)) from None


def check_open_periods(plan_id: str, measurements: Iterable[Measurement], closed: Iterable[PeriodSnapshot]) -> None:
    """Refuse a measurement dated inside (or reported for) a closed period, naming it and how to reopen it."""
    closed = builtins.list(closed)
    if not closed:
        return
    for index, measurement in enumerate(measurements):
        for snapshot in closed:
            if snapshot.covers(measurement):
                raise StoreError(Message("storage.periods.closed", plan_id=plan_id, index=index,
                                         indicator=measurement.indicator or "—", date=measurement.date.isoformat(),
                                         period=snapshot.period, version=snapshot.version,
                                         by=snapshot.closed_by or "—", on=snapshot.closed_at.date().isoformat()))


def latest_snapshots(snapshots: Iterable[PeriodSnapshot]) -> dict[str, PeriodSnapshot]:
    """Period label → its latest snapshot version."""
    latest: dict[str, PeriodSnapshot] = {}
    for snapshot in snapshots:
        if snapshot.period not in latest or snapshot.version > latest[snapshot.period].version:
            latest[snapshot.period] = snapshot
    return latest


def closed_now(snapshots: Iterable[PeriodSnapshot]) -> builtins.list[PeriodSnapshot]:
    return [s for s in latest_snapshots(snapshots).values() if s.closed]


def new_snapshot(plan_id: str, plan_with_measurements: Any, label: str, events: Iterable[Event],
                 snapshots: Iterable[PeriodSnapshot], author: str | None) -> tuple[PeriodSnapshot, Event]:
    """The next snapshot of period ``label`` and the event recording it; refused while it is closed.

    ``events`` are the plan's events (for the manual statuses standing at the period's end),
    ``snapshots`` the plan's snapshots so far (every version).
    """
    author = check_text(author, "author")
    label, bounds = period_label(plan_id, plan_with_measurements, label)
    snapshots = builtins.list(snapshots)
    for snapshot in closed_now(snapshots):
        if snapshot.period == label or (snapshot.start, snapshot.end) == (bounds.start, bounds.end):
            raise StoreError(Message("storage.periods.already_closed", plan_id=plan_id, period=label,
                                     version=snapshot.version, by=snapshot.closed_by or "—",
                                     on=snapshot.closed_at.date().isoformat()))
    manual = manual_statuses(plan_with_measurements, events, as_of=bounds.end)
    data = orjson.loads(json_bytes(freeze(plan_with_measurements, label, manual=manual)))  # as stored: plain JSON
    version = 1 + max((s.version for s in snapshots if s.period == label), default=0)
    at = now()
    snapshot = PeriodSnapshot(plan_id, label, version, bounds.start, bounds.end, at, author, data)
    event = Event(kind=PERIOD_CLOSED_EVENT, date=at.date(), recorded_by=author,
                  data={"period": label, "version": str(version), "start": bounds.start.isoformat(),
                        "end": bounds.end.isoformat()})
    return snapshot, event


def reopening(plan_id: str, label: object, snapshots: Iterable[PeriodSnapshot], reason: str | None,
              author: str | None, date: dt.date | None) -> tuple[PeriodSnapshot, Event]:
    """The reopened snapshot and the event recording it; refused unless ``label`` is closed and a reason is given."""
    author, reason = check_text(author, "author"), check_text(reason, "reason")
    text = str(label).strip() if isinstance(label, str) else str(label)
    current = next((s for s in closed_now(snapshots) if s.period == text), None)
    if current is None:
        raise StoreError(Message("storage.periods.not_closed", plan_id=plan_id, period=text[:80]))
    if not (reason or "").strip():
        raise StoreError(Message("storage.periods.reopen_needs_reason", plan_id=plan_id, period=text))
    at = now()
    event = Event(kind=PERIOD_REOPENED_EVENT, date=date or at.date(), note=reason, recorded_by=author,
                  data={"period": text, "version": str(current.version)})
    return attrs.evolve(current, reopened_at=at, reopened_by=author, reopen_reason=reason), event


def snapshot_row_data(snapshot: PeriodSnapshot) -> dict:
    """A snapshot as plain data (backups, the ``dir:`` store's lines)."""
    return {"plan": snapshot.plan_id, "period": snapshot.period, "version": snapshot.version,
            "start": snapshot.start.isoformat(), "end": snapshot.end.isoformat(),
            "closed_at": time_text(snapshot.closed_at), "closed_by": snapshot.closed_by,
            "reopened_at": time_text(snapshot.reopened_at) if snapshot.reopened_at else None,
            "reopened_by": snapshot.reopened_by, "reopen_reason": snapshot.reopen_reason, "data": snapshot.data}


def snapshot_from_row_data(data: Mapping[str, Any]) -> PeriodSnapshot:
    """:func:`snapshot_row_data` read back (``KeyError`` / ``ValueError`` / ``TypeError`` when it does not fit)."""
    version = data["version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"version must be a whole number ≥ 1, not {version!r}")
    if not isinstance(data["data"], Mapping) or not isinstance(data["period"], str):
        raise TypeError("a snapshot's period is text and its data a mapping")
    return PeriodSnapshot(
        check_store_id(data["plan"], "plan id"), data["period"], version, dt.date.fromisoformat(data["start"]),
        dt.date.fromisoformat(data["end"]), parse_time(data["closed_at"]), data.get("closed_by"), data["data"],
        parse_time(data["reopened_at"]) if data.get("reopened_at") else None, data.get("reopened_by"),
        data.get("reopen_reason"))


def removed_records(measurements: int, events: int) -> tuple[str, ...]:
    """What a deletion took with it, for its history entry."""
    said = []
    if measurements:
        said.append(f"{measurements} measurement{'s' if measurements != 1 else ''} removed")
    if events:
        said.append(f"{events} event{'s' if events != 1 else ''} removed")
    return tuple(said)


def time_text(value: dt.datetime) -> str:
    return value.astimezone(dt.timezone.utc).isoformat()


def parse_time(value: Any) -> dt.datetime:
    """A stored timestamp (ISO text or datetime) as an aware UTC datetime."""
    if isinstance(value, dt.datetime):
        result = value
    elif isinstance(value, str):
        result = dt.datetime.fromisoformat(value)
    else:
        raise ValueError(f"expected a timestamp, found {value!r}")
    if result.tzinfo is None:
        result = result.replace(tzinfo=dt.timezone.utc)
    return result.astimezone(dt.timezone.utc)


def json_bytes(data: Any) -> bytes:
    """Plain data as compact JSON; whole numbers too big for 64 bits are kept exactly, as text."""
    try:
        return orjson.dumps(data)
    except orjson.JSONEncodeError:
        return orjson.dumps(big_ints_as_text(data))


def big_ints_as_text(data: Any) -> Any:
    if isinstance(data, int) and not isinstance(data, bool) and not -2**63 <= data < 2**64:
        return str(data)
    if isinstance(data, dict):
        return {key: big_ints_as_text(value) for key, value in data.items()}
    if isinstance(data, list | tuple):
        return [big_ints_as_text(item) for item in data]
    return data
