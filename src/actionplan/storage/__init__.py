"""Stores: where plans, programs and their measurements live while people work on them.

A store is opened by URL (:func:`open_store`); the scheme picks the backend through the
``actionplan_open_store`` hook, so a plugin adds a backend by entry point alone. Built in:
``sqlite:PATH`` (the default, ``sqlite:actionplan.db``) and ``dir:PATH`` (one YAML file per
document, git-friendly); ``postgresql://…`` comes with the ``actionplan-postgresql``
distribution.

Every backend offers the same :class:`Store` interface:

* documents (any registered document type, see ``actionplan_register_document_types``)
  are saved with a version number and **optimistic concurrency**: a save names the version
  it was made from and a stale one raises :class:`~actionplan.errors.ConflictError`;
* measurements and events are **append-only** records: adding one never rewrites the plan,
  and a measurement is checked against its indicator before it is written;
* a measurement may be an *update* waiting for review (the plan's ``review`` policy):
  :meth:`Store.review_update` approves or returns it, :meth:`Store.updates` lists them with
  their state, and :meth:`Store.plan_with_measurements` attaches only those that count;
* a period of a plan may be **closed** (:meth:`Store.close_period`): its progress is frozen in
  an immutable, versioned snapshot, and measurements dated inside it are refused until it is
  reopened with a reason (:meth:`Store.reopen_period`);
* a **history** tells who changed what and when;
* :meth:`Store.backup` / :meth:`Store.restore` move a whole store to one JSON or YAML file
  and back, into any backend, losslessly.

Opening a store creates nothing: the first write does. A store object is meant for one
thread; open one per thread or process.
"""

from __future__ import annotations

import abc
import builtins
import datetime as dt
import os
from collections.abc import Iterable
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import attrs

from ..documents import format_for, read_data, write_atomic
from ..errors import NotFoundError, StoreError, UnknownFormatError
from ..model.base import check_id, check_optional_id
from ..model.indicators import Measurement
from ..i18n import Message
from ..model.plan import ActionPlan
from ..model.review import COUNTED_STATES, UPDATE_STATES
from ..model.tracking import with_measurements
from ..snapshots import PeriodSide, PeriodSnapshot, thaw
from ..plugins import get_plugin_manager

#: The store used when no ``--store`` / ``ACTIONPLAN_STORE`` is given.
DEFAULT_URL = "sqlite:actionplan.db"

#: Version of the backup file layout written by :meth:`Store.backup`.
BACKUP_FORMAT = "actionplan-backup"
BACKUP_FORMAT_VERSION = 1

#: How many changed paths a history entry lists before summarising the rest.
MAX_CHANGES_LISTED = 50

HISTORY_ACTIONS = ("create", "update", "delete", "measure", "event")


# -- records ------------------------------------------------------------------------------


@attrs.frozen
class DocumentInfo:
    """What a store knows about a document without loading it."""

    id: str
    type: str
    version: int
    updated_at: dt.datetime
    updated_by: str | None = None
    title: str | None = None
    organisation: str | None = None
    territories: tuple[str, ...] = ()
    deleted: bool = False


@attrs.frozen
class StoredDocument:
    """A document as read from a store, with its version."""

    document: Any
    info: DocumentInfo

    @property
    def id(self) -> str:
        return self.info.id

    @property
    def version(self) -> int:
        return self.info.version


@attrs.frozen
class HistoryEntry:
    """One change: ``action`` is create, update, delete, measure or event."""

    doc_id: str
    at: dt.datetime
    action: str = attrs.field(validator=attrs.validators.in_(HISTORY_ACTIONS))
    version: int | None = None
    by: str | None = None
    comment: str | None = None
    changes: tuple[str, ...] = ()


@attrs.frozen
class MeasurementRecord:
    """A measurement as recorded: for which plan, and when it was entered."""

    plan_id: str
    measurement: Measurement
    recorded_at: dt.datetime


@attrs.frozen
class Update:
    """A measurement seen as an update in the review cycle, with its derived state.

    ``status`` is one of :data:`~actionplan.model.review.UPDATE_STATES`: ``counted`` (recorded
    where no review is required), ``submitted`` (waits for a reviewer), ``approved`` or
    ``returned``. ``id`` is the measurement's update id (``None`` for a counted measurement
    recorded without one). The review fields are set once a reviewer decided.
    """

    plan_id: str
    id: str | None
    measurement: Measurement
    status: str = attrs.field(validator=attrs.validators.in_(UPDATE_STATES))
    recorded_at: dt.datetime
    reviewed_at: dt.datetime | None = None
    reviewed_by: str | None = None
    review_note: str | None = None
    review_date: dt.date | None = None

    @property
    def submitted_by(self) -> str | None:
        return self.measurement.recorded_by

    @property
    def counts(self) -> bool:
        """Whether the measurement moves progress."""
        return self.status in COUNTED_STATES


#: A review decision → the kind of the event that records it (subject: the update id).
REVIEW_EVENT_KINDS = {"approve": "update-approved", "return": "update-returned"}


@attrs.frozen
class Event:
    """A dated fact about a document (« TP tenue », « fin du projet »), kept append-only.

    ``kind`` is a slug (``tp-tenue``), ``subject`` the id of what inside the document the event
    is about (an application, an action), ``data`` a few named texts.
    """

    kind: str = attrs.field(validator=check_id)
    date: dt.date
    note: str | None = None
    data: dict[str, str] = attrs.field(factory=dict, hash=False)
    recorded_by: str | None = None
    subject: str | None = attrs.field(default=None, validator=check_optional_id)


@attrs.frozen
class EventRecord:
    """An :class:`Event` as a store recorded it: the document it belongs to and when it was recorded (UTC)."""

    doc_id: str
    event: Event
    recorded_at: dt.datetime


@attrs.frozen
class DocumentRecord:
    """A document as backed up: its metadata and plain data (``None`` once deleted)."""

    info: DocumentInfo
    data: dict | None


@attrs.frozen
class Backup:
    """Everything in a store: documents (with tombstones), history, measurements, events, period snapshots."""

    documents: tuple[DocumentRecord, ...] = ()
    history: tuple[HistoryEntry, ...] = ()
    measurements: tuple[MeasurementRecord, ...] = ()
    events: tuple[EventRecord, ...] = ()
    snapshots: tuple[PeriodSnapshot, ...] = ()


# -- the interface ------------------------------------------------------------------------


class Store(abc.ABC):
    """The interface every backend implements (see docs/storage.md and :mod:`actionplan.testing`).

    Backends implement the abstract methods; the others are built on them.
    """

    url: str = ""

    # documents ---------------------------------------------------------------------------
    @abc.abstractmethod
    def save(self, document: Any, *, expected_version: int | None = None, author: str | None = None,
             comment: str | None = None, doc_id: str | None = None, allow_removal: bool = False) -> int:
        """Save ``document``; return its new version.

        ``expected_version`` is the version the change was made from, ``None`` to create a new
        document. Anything else raises :class:`ConflictError`; nothing is overwritten. The
        document is stored under the id its document type gives (its ``id``; ``<program>.applications``
        for an applications file); ``doc_id`` names one for a document type without an id (a tracking log).

        A new version of a plan that drops an indicator with recorded measurements is refused
        (:class:`ValidationError`) unless ``allow_removal``: then the measurements stay in the store
        (history, backups) but no longer count, and an ``indicator-removed`` event records, per
        indicator, how many it keeps, in which version, by whom (see
        :func:`~actionplan.storage.backends.check_kept_indicators`). A later version that brings the
        indicator back (same id) counts them again.
        """

    @abc.abstractmethod
    def get(self, doc_id: str) -> StoredDocument:
        """The latest version of a document, or :class:`NotFoundError`."""

    @abc.abstractmethod
    def list(self, *, type: str | None = None, organisation: str | None = None, territory: str | None = None,
             include_deleted: bool = False) -> builtins.list[DocumentInfo]:
        """Documents matching every given filter, by id."""

    @abc.abstractmethod
    def delete(self, doc_id: str, *, expected_version: int, author: str | None = None,
               comment: str | None = None) -> int:
        """Delete a document and its records (its history stays); return the deletion's version."""

    @abc.abstractmethod
    def document_history(self, doc_id: str) -> builtins.list[HistoryEntry]:
        """Creations, updates and deletions of a document, oldest first."""

    # append-only records -----------------------------------------------------------------
    @abc.abstractmethod
    def append_measurements(self, plan_id: str, measurements: Iterable[Measurement], *,
                            author: str | None = None) -> int:
        """Check measurements against the plan's indicators and append them all, or none."""

    @abc.abstractmethod
    def measurement_records(self, plan_id: str, *, indicator: str | None = None, start: dt.date | None = None,
                            end: dt.date | None = None) -> builtins.list[MeasurementRecord]:
        """A plan's measurements in recording order, filtered by indicator and date (inclusive)."""

    @abc.abstractmethod
    def append_events(self, doc_id: str, events: Iterable[Event], *, author: str | None = None) -> int:
        """Append events to a document's log, all or none."""

    @abc.abstractmethod
    def event_records(self, doc_id: str, *, kind: str | None = None, start: dt.date | None = None,
                      end: dt.date | None = None) -> builtins.list[EventRecord]:
        """A document's events in recording order, filtered by kind and date (inclusive)."""

    # whole store -------------------------------------------------------------------------
    @abc.abstractmethod
    def export(self) -> Backup:
        """A consistent snapshot of the whole store."""

    @abc.abstractmethod
    def import_(self, backup: Backup) -> None:
        """Load a (checked) backup into this store, which must be empty: all of it or nothing."""

    def close(self) -> None:  # noqa: B027 - a store holding nothing open has nothing to release
        """Release connections and locks. The store may not be used afterwards."""

    # built on the above ------------------------------------------------------------------
    def get_version(self, doc_id: str, version: int) -> StoredDocument:
        """The document ``doc_id`` as it was saved at ``version`` (:class:`NotFoundError` when the store
        does not hold that version). This default knows only the current version; stores that keep
        every saved version (the SQL ones) read older ones back.
        """
        from .backends import version_not_kept  # backends builds on this module's types: imported here

        current = self.get(doc_id)
        if version != current.info.version:
            raise version_not_kept(doc_id, version, current.info.version, self.url)
        return current

    def info(self, doc_id: str) -> DocumentInfo:
        return self.get(doc_id).info

    def version(self, doc_id: str) -> int | None:
        """The current version of a document, ``None`` when it does not exist."""
        try:
            return self.info(doc_id).version
        except NotFoundError:
            return None

    def append_measurement(self, plan_id: str, measurement: Measurement, *, author: str | None = None) -> None:
        self.append_measurements(plan_id, [measurement], author=author)

    def measurements(self, plan_id: str, **filters: Any) -> builtins.list[Measurement]:
        return [record.measurement for record in self.measurement_records(plan_id, **filters)]

    def append_event(self, doc_id: str, event: Event, *, author: str | None = None) -> None:
        self.append_events(doc_id, [event], author=author)

    def events(self, doc_id: str, **filters: Any) -> builtins.list[Event]:
        return [record.event for record in self.event_records(doc_id, **filters)]

    def plan_with_measurements(self, plan_id: str):
        """The plan with the measurements that count attached to their indicators.

        Updates still waiting for review, or returned, are left out: list them apart with
        :meth:`updates` (``status="submitted"``).
        """
        from .backends import document_type_name  # backends builds on this module's types: imported here

        plan = self.get(plan_id).document
        if not isinstance(plan, ActionPlan):
            raise StoreError(Message("storage.not_plan", plan_id=plan_id, plan=document_type_name(plan)))
        return with_measurements(plan, self.counted_measurements(plan_id), skip_unknown=True)

    def progress_facts(self, plan_id: str, *, as_of: dt.date | None = None):
        """What progress needs of a plan's counted measurements: a :class:`~actionplan.storage.facts.ProgressFacts`.

        ``facts.plan`` is the plan with at most two measurements per group of alike ones attached
        (:mod:`actionplan.storage.facts`): progress, statuses and reports on it are those of
        :meth:`plan_with_measurements` (measurements dated after ``as_of`` left out, when given).
        The latest value per indicator and territory, counts and sums per period, and how many
        updates are counted, submitted or returned come with it. This version reads every
        measurement; the SQL stores answer from a table of groups kept as they record, so the
        cost does not grow with the history.
        """
        from .backends import document_type_name
        from .facts import facts_for, group_measurements, indicator_kinds

        plan = self.get(plan_id).document
        if not isinstance(plan, ActionPlan):
            raise StoreError(Message("storage.not_plan", plan_id=plan_id, plan=document_type_name(plan)))
        updates = self.updates(plan_id)
        counted = [(seq, u.measurement) for seq, u in enumerate(updates) if u.counts]
        states = [u.status for u in updates]
        return facts_for(plan, group_measurements(indicator_kinds(plan), counted), as_of=as_of, counted=len(counted),
                         submitted=states.count("submitted"), returned=states.count("returned"))

    def due_facts(self, plan_id: str, query) -> dict:
        """What ``actionplan due`` needs of a plan's updates: the answer to a :class:`~actionplan.due.DueQuery`.

        Per indicator asked, a :class:`~actionplan.due.Reported`: which of its ended reporting periods
        an update (not returned) stands for, the date of its latest update, its latest counted « done »,
        and the returned updates' notes of the periods still owed. This version reads every update
        (:func:`~actionplan.due.reported_from_updates`); the SQL stores answer with indexed queries whose
        cost follows the indicators and periods asked, not the history. The conformance kit checks both agree.
        """
        from ..due import reported_from_updates

        return reported_from_updates(query, self.updates(plan_id))

    def due(self, plan_id: str, as_of: dt.date, *, organisation: str | None = None):
        """The :class:`~actionplan.due.DueReport` of a stored plan at ``as_of``, from :meth:`due_facts`."""
        from ..due import due_query, plan_due
        from .backends import document_type_name

        plan = self.get(plan_id).document
        if not isinstance(plan, ActionPlan):
            raise StoreError(Message("storage.not_plan", plan_id=plan_id, plan=document_type_name(plan)))
        query = due_query(plan, as_of, organisation=organisation)
        return plan_due(plan, query.as_of, organisation=organisation, reported=self.due_facts(plan_id, query))

    # reviewed updates ----------------------------------------------------------------------
    def submit_measurements(self, plan_id: str, measurements: Iterable[Measurement], *,
                            author: str | None = None) -> builtins.list[str]:
        """Append measurements as updates waiting for review (whatever the plan's policy); their ids.

        An update without an ``id`` is given a new one; a given id must be new in the plan.
        """
        from .backends import new_update_id

        ready = [attrs.evolve(m, submitted=True, id=m.id or new_update_id()) if isinstance(m, Measurement) else m
                 for m in measurements]
        self.append_measurements(plan_id, ready, author=author)
        return [m.id for m in ready if isinstance(m, Measurement) and m.id is not None]

    def updates(self, plan_id: str, *, status: str | None = None,
                indicator: str | None = None) -> builtins.list[Update]:
        """A plan's measurements as updates with their state, in recording order (filtered by state)."""
        from .backends import check_status, derive_updates

        check_status(status)
        found = derive_updates(plan_id, self.measurement_records(plan_id, indicator=indicator),
                               self._review_records(plan_id))
        return [u for u in found if status is None or u.status == status]

    def update(self, plan_id: str, update_id: str) -> Update:
        """One update by id, or :class:`NotFoundError`."""
        from .backends import not_found

        found = next((u for u in self.updates(plan_id) if u.id == update_id), None)
        if found is None:
            raise not_found(update_id, self.url, "update")
        return found

    def counted_measurements(self, plan_id: str) -> builtins.list[Measurement]:
        """The measurements that move progress: counted at once, or approved."""
        return [u.measurement for u in self.updates(plan_id) if u.counts]

    def review_update(self, plan_id: str, update_id: str, decision: str, *, note: str | None = None,
                      author: str | None = None, date: dt.date | None = None) -> Update:
        """Approve (``decision="approve"``) or return (``"return"``, with a ``note``) a submitted update.

        Refused with :class:`StoreError`, nothing written: an unknown update, one that does not
        wait for review (counted, already approved or returned), a return without a note, and a
        self-review where the plan's policy says ``distinct_reviewer``. Backends override this to
        check and record in one transaction; this version is for backends without one.
        """
        from .backends import check_review, recording_reviews, review_event

        plan = self.get(plan_id).document
        update = self.update(plan_id, update_id)
        check_review(plan, update, decision, note, author)
        with recording_reviews():
            self.append_events(plan_id, [review_event(update_id, decision, note, author, date)], author=author)
        return self.update(plan_id, update_id)

    def _review_records(self, plan_id: str) -> builtins.list[EventRecord]:
        """The review events of a plan, in recording order."""
        return [r for kind in REVIEW_EVENT_KINDS.values() for r in self.event_records(plan_id, kind=kind)]

    # closed periods --------------------------------------------------------------------------
    def close_period(self, plan_id: str, period: str, *, author: str | None = None) -> PeriodSnapshot:
        """Close period ``period`` (``2026``, ``2025-2026``, ``2026-T2``…) of a plan: freeze its progress.

        The snapshot (:func:`actionplan.snapshots.freeze` of the plan with the measurements that
        count, as of the period's last day, with the manual statuses standing then) is kept as the
        period's next version, and an event ``period-closed`` records who closed it. From then on a
        measurement dated inside the period (or reported for it) is refused, and so is the approval
        of an update dated inside it, until :meth:`reopen_period`. Refused with
        :class:`StoreError`, nothing written: an unreadable label, and a period already closed
        (reopen it first: closing again then freezes a new version, the earlier ones stay).
        """
        raise StoreError(Message("storage.periods.unsupported", url=redact_url(self.url)))

    def reopen_period(self, plan_id: str, period: str, *, reason: str, author: str | None = None,
                      date: dt.date | None = None) -> PeriodSnapshot:
        """Reopen a closed period with a ``reason`` (required): event ``period-reopened``; its snapshot stays.

        Refused with :class:`StoreError`, nothing written: a period that is not closed, a blank reason.
        Returns the snapshot version it reopened, with its reopening filled in.
        """
        raise StoreError(Message("storage.periods.unsupported", url=redact_url(self.url)))

    def period_snapshots(self, plan_id: str, period: str | None = None) -> builtins.list[PeriodSnapshot]:
        """Every snapshot of a plan (of one period), every version, in the order they were taken."""
        raise StoreError(Message("storage.periods.unsupported", url=redact_url(self.url)))

    def period_snapshot(self, plan_id: str, period: str, version: int | None = None) -> PeriodSnapshot:
        """One version of a period's snapshot (the latest by default), or :class:`NotFoundError`."""
        from .backends import not_found

        found = [s for s in self.period_snapshots(plan_id, period) if version is None or s.version == version]
        if not found:
            raise not_found(period if version is None else f"{period} v{version}", self.url, "snapshot")
        return found[-1]

    def closed_periods(self, plan_id: str) -> builtins.list[PeriodSnapshot]:
        """The periods of a plan closed now: the latest snapshot of each, when not reopened."""
        latest: dict[str, PeriodSnapshot] = {}
        for snapshot in self.period_snapshots(plan_id):
            latest[snapshot.period] = snapshot
        return [s for s in latest.values() if s.closed]

    def period_progress(self, plan_id: str, period: str) -> PeriodSide:
        """A period's progress: thawed from its snapshot while it is closed, else computed as of its last day.

        Computed, it uses the measurements that count and the manual statuses standing then
        (``snapshot`` is then ``None``). A closed period's figures are the ones on record.
        """
        from ..progress import manual_statuses, plan_progress
        from .backends import period_label

        from .backends import document_type_name

        plan = self.get(plan_id).document  # without its measurements: a closed period needs none
        if not isinstance(plan, ActionPlan):
            raise StoreError(Message("storage.not_plan", plan_id=plan_id, plan=document_type_name(plan)))
        label, bounds = period_label(plan_id, plan, period)
        closed = next((s for s in self.closed_periods(plan_id)
                       if s.period == label or (s.start, s.end) == (bounds.start, bounds.end)), None)
        if closed is not None:
            try:
                return PeriodSide(closed.period, closed.bounds, thaw(closed.data, f"{plan_id} {closed.period}"), closed)
            except (ValueError, KeyError, TypeError) as exc:
                raise StoreError(Message("storage.periods.unreadable_snapshot", plan_id=plan_id, period=closed.period,
                                         version=closed.version, reason=str(exc))) from None
        plan = self.plan_with_measurements(plan_id)
        manual = manual_statuses(plan, self.events(plan_id), as_of=bounds.end)
        return PeriodSide(label, bounds, plan_progress(plan, bounds.end, manual=manual), None)

    def history(self, doc_id: str) -> builtins.list[HistoryEntry]:
        """Everything that happened to a document, oldest first: saves, measurements, events."""
        from .backends import event_history, measurement_history, not_found  # (they build on this module)

        entries = self.document_history(doc_id)
        if not entries:
            raise not_found(doc_id, self.url)
        info = self._info_or_none(doc_id)
        if info is not None and info.type == "plan":
            entries += [measurement_history(r) for r in self.measurement_records(doc_id)]
        if info is not None:
            entries += [event_history(r) for r in self.event_records(doc_id)]
        return sorted(entries, key=lambda e: e.at)  # stable: saves first, then records in their order

    def _info_or_none(self, doc_id: str) -> DocumentInfo | None:
        try:
            return self.info(doc_id)
        except NotFoundError:
            return None

    def is_empty(self) -> bool:
        return not self.list(include_deleted=True)

    def backup(self, target: str | os.PathLike) -> Backup:
        """Write the whole store to one JSON or YAML file (by extension), atomically; return what it holds."""
        payload, snapshot = self.backup_bytes(path=target)
        write_atomic(Path(target), payload)
        return snapshot

    def backup_bytes(self, format: str | None = None, path: str | os.PathLike | None = None) -> tuple[bytes, Backup]:
        """The whole store as the bytes of a backup file in ``format`` (else the one ``path``'s extension
        names, else JSON), and what it holds: what :meth:`backup` writes, for a stream.
        """
        from .backends import big_ints_as_text  # backends and backup build on this module's types
        from .backup import backup_to_data

        fmt = format_for(path, format) if path is not None or format is not None else format_for(name="json")
        snapshot = self.export()
        data = backup_to_data(snapshot, source=redact_url(self.url))
        try:
            payload = fmt.dumps(data)
        except TypeError:  # a whole number beyond 64 bits: JSON keeps it as text, exactly
            payload = fmt.dumps(big_ints_as_text(data))
        return payload, snapshot

    def restore(self, source: str | os.PathLike) -> Backup:
        """Load a backup file into this empty store: checked first, then written all at once."""
        from .backup import backup_from_data  # (it builds on this module's types)

        backup = backup_from_data(read_data(source), source=str(source))
        if not self.is_empty():
            raise StoreError(Message("storage.not_empty_restore_into_new", url=self.url))
        self.import_(backup)
        return backup

    def __enter__(self):
        return self

    def __exit__(self, *exc_info) -> None:
        self.close()

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {redact_url(self.url)}>"


# -- opening ------------------------------------------------------------------------------


def open_store(url: str | None = None) -> Store:
    """Open the store at ``url`` (default :data:`DEFAULT_URL`) with the plugin claiming its scheme."""
    url = url or DEFAULT_URL
    if not isinstance(url, str) or "\x00" in url:
        raise StoreError(Message("storage.not_store_url", url=url))
    store = get_plugin_manager().hook.actionplan_open_store(url=url)
    if store is None:
        scheme = url.split(":", 1)[0] if ":" in url else url
        raise UnknownFormatError(
            Message("storage.no_installed_plugin_opens_store", url=redact_url(url), scheme=scheme),
        )
    return store


def url_path(url: str, scheme: str) -> Path | None:
    """The path of a ``scheme:PATH`` URL (``scheme:///abs`` works too), or ``None`` for another scheme."""
    prefix = f"{scheme}:"
    if not url.startswith(prefix):
        return None
    rest = url[len(prefix):]
    if rest.startswith("//"):
        rest = rest[2:]
    if not rest:
        raise StoreError(Message("storage.store_url_names_no_path", url=url, scheme=scheme))
    return Path(rest).expanduser()


def redact_url(url: str) -> str:
    """The URL without its password, for messages and backups."""
    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    if parts.password:
        netloc = parts.netloc.replace(f":{parts.password}@", ":***@", 1)
        return urlunsplit(parts._replace(netloc=netloc))
    return url


__all__ = [
    "DEFAULT_URL", "REVIEW_EVENT_KINDS", "Backup", "DocumentInfo", "DocumentRecord", "Event", "EventRecord",
    "HistoryEntry", "MeasurementRecord", "PeriodSnapshot", "Store", "StoredDocument", "Update", "open_store",
]
