"""The ``dir:PATH`` store: plain files a person can read, diff and keep in git.

Layout::

    PATH/
      actionplan-store.json        what this folder is, and the version of its layout
      documents/<id>.yaml          one YAML document per plan or program (':' in ids is written %3A)
      measurements/<plan>.jsonl    append-only, one JSON line per measurement
      events/<id>.jsonl            append-only, one JSON line per event
      snapshots/<plan>.jsonl       append-only, one JSON line per closed period's snapshot
      .lock                        writers take an exclusive lock on it (``flock``)

Each document file holds the document under ``document:``, its version, who saved it when,
and its history; it is replaced atomically (temp file, fsync, rename), so a reader or a
crash sees the old file or the new one, never a mix. Appending a measurement adds one line
and never rewrites the plan; a line cut short by a crash is ignored and repaired by the next
writer. Queries read the files (no index): for many documents or a busy team, use SQLite.
"""

from __future__ import annotations

import builtins
import contextlib
import os
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote, unquote

import attrs
import orjson

from ..documents import format_for, write_atomic
from ..errors import StoreError, ValidationError
from ..hookspecs import hookimpl
from ..model.base import is_valid_id
from ..model.indicators import Measurement
from ..model.tracking import with_measurements
from ..snapshots import PERIOD_REOPENED_EVENT, PeriodSnapshot
from . import (
    Backup,
    DocumentInfo,
    DocumentRecord,
    Event,
    EventRecord,
    HistoryEntry,
    MeasurementRecord,
    Store,
    StoredDocument,
    url_path,
)
from .backends import (
    PlanCache,
    closed_now,
    new_snapshot,
    reopening,
    snapshot_from_row_data,
    snapshot_row_data,
    check_new_update_ids,
    check_review,
    recording_reviews,
    review_event,
    changed_paths,
    INDICATOR_REMOVED_EVENT,
    check_kept_indicators,
    removal_events,
    removed_indicators,
    check_same_type,
    check_store_id,
    check_text,
    decode_document,
    event_data,
    json_bytes,
    measurement_data,
    next_version,
    not_found,
    now,
    parse_time,
    prepare_document,
    removed_records,
    structure_records,
    time_text,
    validate_events,
    validate_measurements,
)
from .backup import history_data, history_from_data
from ..i18n import Message

MARKER = "actionplan-store.json"
LAYOUT = "actionplan-dir-store"
#: Version of the folder layout; a folder with a higher one is refused.
LAYOUT_VERSION = 1
ENVELOPE = "actionplan-store-document"


def _yaml():
    return format_for(name="yaml")


class DirStore(Store):
    """A store in a folder of YAML and JSON-lines files."""

    def __init__(self, url: str, root: str | Path):
        self.url = url
        self.root = Path(root)
        self.documents_dir = self.root / "documents"
        self.folders = {"measurements": self.root / "measurements", "events": self.root / "events",
                        "snapshots": self.root / "snapshots"}
        self._plans = PlanCache()
        self._envelopes: dict[str, tuple[tuple, dict]] = {}
        self._swept = False
        if self.root.exists() and not self.root.is_dir():
            raise StoreError(Message("storage.files.file_not_folder_did_you", url=url, root=self.root))
        self._check_layout()

    # -- layout and locking --------------------------------------------------------------
    def _check_layout(self) -> bool:
        """Whether the folder is a store already; refuses a newer layout or a foreign folder."""
        marker = self.root / MARKER
        try:
            data = orjson.loads(marker.read_bytes())
        except FileNotFoundError:
            if self.documents_dir.exists():
                raise StoreError(Message("storage.files.has_documents_folder_but_no", url=self.url, root=self.root,
                                         MARKER=MARKER)) from None
            return False
        except orjson.JSONDecodeError as exc:
            raise StoreError(Message("storage.files.unreadable", url=self.url, marker=marker, exc=exc)) from None
        except OSError as exc:  # a part of the path is a file, or a folder that may not be read
            raise StoreError(Message("storage.files.cannot_use_as_store_folder", url=self.url, root=self.root,
                                     value=exc.strerror or exc)) from None
        if not isinstance(data, dict) or data.get("format") != LAYOUT:
            raise StoreError(Message("storage.files.does_not_describe_actionplan_store", url=self.url, marker=marker))
        version = data.get("layout_version")
        if not isinstance(version, int) or version > LAYOUT_VERSION:
            raise StoreError(Message("storage.files.was_written_newer_actionplan_layout", url=self.url,
                                     version=version, LAYOUT_VERSION=LAYOUT_VERSION))
        return True

    @contextlib.contextmanager
    def _lock(self) -> Iterator[None]:
        """The writers' lock: one writer at a time, released by the system if the writer dies."""
        try:
            import fcntl
        except ImportError:  # pragma: no cover - Windows
            raise StoreError(Message("storage.files.dir_stores_need_file_locks")) from None
        try:
            self.root.mkdir(parents=True, exist_ok=True)
            fd = os.open(self.root / ".lock", os.O_RDWR | os.O_CREAT, 0o644)
        except OSError as exc:
            raise StoreError(Message("storage.files.cannot_create_store_s_lock", url=self.url,
                                     value=self.root / '.lock', value2=exc.strerror or exc)) from None
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            if not self._check_layout():
                for folder in (self.documents_dir, *self.folders.values()):
                    folder.mkdir(exist_ok=True)
                write_atomic(self.root / MARKER, orjson.dumps({"format": LAYOUT, "layout_version": LAYOUT_VERSION},
                                                              option=orjson.OPT_APPEND_NEWLINE))
            if not self._swept:
                self._sweep_temporary_files()
            yield
        finally:
            os.close(fd)

    def _sweep_temporary_files(self) -> None:
        """Remove temp files of writers killed mid-save (safe: we hold the writers' lock)."""
        for folder in (self.root, self.documents_dir, *self.folders.values()):
            for leftover in folder.glob(".*.tmp"):
                leftover.unlink(missing_ok=True)
        self._swept = True

    # -- paths ---------------------------------------------------------------------------
    def _path(self, folder: Path, doc_id: str, suffix: str) -> Path:
        """The file of an id inside ``folder``; an id that could leave the folder never gets here."""
        check_store_id(doc_id)
        name = quote(doc_id, safe="") + suffix
        path = folder / name
        if "/" in name or "\\" in name or name.startswith(".") or path.parent != folder:
            raise StoreError(Message("storage.files.refusing_id_does_not_name", doc_id=doc_id, folder=folder))
        return path

    def _doc_path(self, doc_id: str) -> Path:
        return self._path(self.documents_dir, doc_id, ".yaml")

    def _records_path(self, kind: str, doc_id: str) -> Path:
        return self._path(self.folders[kind], doc_id, ".jsonl")

    # -- envelopes -----------------------------------------------------------------------
    def _envelope(self, doc_id: str) -> dict | None:
        """A document file's content (cached while the file is unchanged), ``None`` if absent."""
        path = self._doc_path(doc_id)
        try:
            stat = path.stat()
        except FileNotFoundError:
            return None
        key = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        cached = self._envelopes.get(doc_id)
        if cached is not None and cached[0] == key:
            return cached[1]
        try:
            envelope = _yaml().loads(path.read_bytes())
        except FileNotFoundError:
            return None
        except ValidationError as exc:
            raise StoreError(Message("storage.files.damaged", path=path, value=exc.issues[0])) from None
        if not isinstance(envelope, dict) or envelope.get("format") != ENVELOPE or envelope.get("id") != doc_id:
            raise StoreError(Message("storage.files.not_actionplan_store_document", path=path, doc_id=doc_id))
        self._envelopes[doc_id] = (key, envelope)
        return envelope

    def _info(self, envelope: dict) -> DocumentInfo:
        return DocumentInfo(
            id=envelope["id"], type=envelope["type"], version=envelope["version"],
            updated_at=parse_time(envelope["updated_at"]), updated_by=envelope.get("updated_by"),
            title=envelope.get("title"), organisation=envelope.get("organisation"),
            territories=tuple(envelope.get("territories") or ()), deleted=bool(envelope.get("deleted")),
        )

    def _write_envelope(self, info: DocumentInfo, data: dict | None, history: builtins.list[dict]) -> None:
        envelope = {
            "format": ENVELOPE,
            "id": info.id,
            "type": info.type,
            "version": info.version,
            "deleted": info.deleted,
            "updated_at": time_text(info.updated_at),
            "updated_by": info.updated_by,
            "title": info.title,
            "organisation": info.organisation,
            "territories": list(info.territories),
            "document": data,
            "history": history,
        }
        write_atomic(self._doc_path(info.id), _yaml().dumps(envelope))

    def _live(self, doc_id: str) -> dict:
        envelope = self._envelope(doc_id)
        if envelope is None or envelope.get("deleted"):
            raise not_found(doc_id, self.url)
        return envelope

    # -- documents -----------------------------------------------------------------------
    def save(self, document, *, expected_version=None, author=None, comment=None, doc_id=None,
             allow_removal=False) -> int:
        prepared = prepare_document(document, doc_id)
        author, comment = check_text(author, "author"), check_text(comment, "comment")
        with self._lock():
            at = now()
            envelope = self._envelope(prepared.id)
            current = envelope if envelope is not None and not envelope.get("deleted") else None
            live = current is not None
            version = next_version(prepared.id, expected_version, envelope["version"] if envelope is not None else None, live)
            old_data = None
            removed: builtins.list[str] = []
            recorded: dict[str, int] = {}
            if current is not None:
                check_same_type(prepared.id, current["type"], prepared.type, live)
                old_data = current["document"]
                if prepared.type == "plan":
                    recorded = self._recorded_indicators(prepared.id)
                    removed = check_kept_indicators(
                        prepared.id, document, recorded, allow_removal=allow_removal,
                        removed=removed_indicators(self.event_records(prepared.id, kind=INDICATOR_REMOVED_EVENT)))
            else:
                self._purge_records(prepared.id)  # left by a deletion that a crash interrupted
            entry = HistoryEntry(prepared.id, at, "update" if live else "create", version, author, comment,
                                 changed_paths(old_data, prepared.data) if live else ())
            history = [*(envelope or {}).get("history", []), history_data(entry)]
            info = DocumentInfo(prepared.id, prepared.type, version, at, author, prepared.title,
                                prepared.organisation, prepared.territories)
            self._write_envelope(info, prepared.data, history)
            # after the plan: should this write fail, the next save asks for allow_removal again
            self._append_event_lines(prepared.id, removal_events(removed, recorded, version, at, author, comment))
        return version

    def get(self, doc_id: str) -> StoredDocument:
        envelope = self._live(doc_id)
        document = decode_document(envelope["document"], str(self._doc_path(doc_id)))
        return StoredDocument(document, self._info(envelope))

    def info(self, doc_id: str) -> DocumentInfo:
        return self._info(self._live(doc_id))

    def _ids(self) -> builtins.list[str]:
        if not self.documents_dir.is_dir():
            return []
        ids = (unquote(p.name[:-5]) for p in self.documents_dir.glob("*.yaml") if not p.name.startswith("."))
        return sorted(i for i in ids if is_valid_id(i))

    def list(self, *, type=None, organisation=None, territory=None, include_deleted=False):
        found = []
        for doc_id in self._ids():
            envelope = self._envelope(doc_id)
            if envelope is None:
                continue
            info = self._info(envelope)
            if ((include_deleted or not info.deleted) and (type is None or info.type == type)
                    and (organisation is None or info.organisation == organisation)
                    and (territory is None or territory in info.territories)):
                found.append(info)
        return found

    def delete(self, doc_id, *, expected_version, author=None, comment=None) -> int:
        author, comment = check_text(author, "author"), check_text(comment, "comment")
        with self._lock():
            at = now()
            envelope = self._live(doc_id)
            version = next_version(doc_id, expected_version, envelope["version"], True)
            counts = [len(self._read_lines(self._records_path(kind, doc_id))) for kind in ("measurements", "events")]
            entry = HistoryEntry(doc_id, at, "delete", version, author, comment, removed_records(*counts))
            info = DocumentInfo(doc_id, envelope["type"], version, at, author, deleted=True)
            self._write_envelope(info, None, [*envelope.get("history", []), history_data(entry)])
            self._purge_records(doc_id)
        return version

    def document_history(self, doc_id: str) -> builtins.list[HistoryEntry]:
        envelope = self._envelope(doc_id)
        return [history_from_data(item) for item in (envelope or {}).get("history", [])]

    # -- append-only records -------------------------------------------------------------
    def _read_lines(self, path: Path) -> builtins.list[dict]:
        """The complete lines of a records file; a last line cut short by a crash is ignored."""
        try:
            raw = path.read_bytes()
        except FileNotFoundError:
            return []
        lines = raw.split(b"\n")
        lines.pop()  # after the last newline: empty, or a line still being written or cut short
        try:
            return [orjson.loads(line) for line in lines]
        except orjson.JSONDecodeError:
            for number, line in enumerate(lines, 1):
                try:
                    orjson.loads(line)
                except orjson.JSONDecodeError as exc:
                    raise StoreError(Message("storage.files.line_damaged", path=path, number=number, exc=exc)) from None
            raise

    def _append(self, path: Path, payload: bytes) -> None:
        """Append whole lines and fsync; first cut off a line that a killed writer left unfinished."""
        fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_APPEND, 0o644)
        try:
            size = os.fstat(fd).st_size
            if size and os.pread(fd, 1, size - 1) != b"\n":
                os.ftruncate(fd, self._last_line_end(fd, size))
            view = memoryview(payload)
            while view:
                view = view[os.write(fd, view):]
            os.fsync(fd)
        finally:
            os.close(fd)
        if size == 0:
            _fsync_folder(path.parent)

    @staticmethod
    def _last_line_end(fd: int, size: int) -> int:
        position = size
        while position > 0:
            start = max(0, position - 65536)
            chunk = os.pread(fd, position - start, start)
            newline = chunk.rfind(b"\n")
            if newline >= 0:
                return start + newline + 1
            position = start
        return 0

    def _purge_records(self, doc_id: str) -> None:
        for kind in self.folders:
            self._records_path(kind, doc_id).unlink(missing_ok=True)

    def _recorded_indicators(self, plan_id: str) -> dict[str, int]:
        """The plan's indicators with measurements, and how many each has."""
        return dict(Counter(line["m"].get("indicator")
                            for line in self._read_lines(self._records_path("measurements", plan_id))))

    def _plan_entry(self, plan_id: str):
        envelope = self._envelope(plan_id)
        if envelope is None or envelope.get("deleted"):
            raise not_found(plan_id, self.url, "plan")
        if envelope["type"] != "plan":
            raise StoreError(Message("storage.files.not_plan_measurements_belong_plans", plan_id=plan_id,
                                     value=envelope['type']))
        entry = self._plans.get(plan_id, envelope["version"])
        if entry is None:
            plan = decode_document(envelope["document"], str(self._doc_path(plan_id)))
            entry = self._plans.put(plan_id, envelope["version"], plan)
        return entry

    def append_measurements(self, plan_id, measurements, *, author=None) -> int:
        check_store_id(plan_id, "plan id")
        measurements = builtins.list(measurements)
        with self._lock():
            ready = validate_measurements(plan_id, self._plan_entry(plan_id), measurements, author,
                                          closed_now(self._snapshots(plan_id)))
            if any(m.id for m in ready):
                check_new_update_ids(plan_id, ready, self._update_ids(plan_id))
            at = time_text(now())
            if ready:
                self._append(self._records_path("measurements", plan_id),
                             b"".join(json_bytes({"at": at, "m": measurement_data(m)}) + b"\n" for m in ready))
        return len(ready)

    def _records(self, kind: str, doc_id: str, key: str, field: str, value, start, end) -> builtins.list[tuple]:
        """(recorded_at, data) of the lines matching the filters, compared as ISO text before parsing."""
        lines = self._read_lines(self._records_path(kind, doc_id))
        low, high = start and start.isoformat(), end and end.isoformat()
        return [(line["at"], line[key]) for line in lines
                if (value is None or line[key].get(field) == value)
                and (low is None or str(line[key]["date"]) >= low) and (high is None or str(line[key]["date"]) <= high)]

    def measurement_records(self, plan_id, *, indicator=None, start=None, end=None):
        self._plan_entry(plan_id)
        rows = self._records("measurements", plan_id, "m", "indicator", indicator, start, end)
        found = structure_records([data for _, data in rows], Measurement, f"{self.url}#{plan_id}")
        return [MeasurementRecord(plan_id, m, parse_time(at)) for m, (at, _) in zip(found, rows, strict=True)]

    def _update_ids(self, plan_id: str) -> set[str]:
        lines = self._read_lines(self._records_path("measurements", plan_id))
        return {line["m"]["id"] for line in lines if line["m"].get("id") is not None}

    def append_events(self, doc_id, events, *, author=None) -> int:
        ready = validate_events(events, author)
        with self._lock():
            self._live(doc_id)
            self._append_event_lines(doc_id, ready)
        return len(ready)

    def _append_event_lines(self, doc_id: str, ready: builtins.list[Event]) -> None:
        at = time_text(now())
        if ready:
            self._append(self._records_path("events", doc_id),
                         b"".join(json_bytes({"at": at, "e": event_data(e)}) + b"\n" for e in ready))

    def review_update(self, plan_id, update_id, decision, *, note=None, author=None, date=None):
        check_store_id(update_id, "update")
        author, note = check_text(author, "author"), check_text(note, "note")
        with self._lock():  # the check and the record in one go: a second reviewer sees the first's decision
            plan = self._plan_entry(plan_id)[0]
            check_review(plan, self.update(plan_id, update_id), decision, note, author,
                         closed_now(self._snapshots(plan_id)))
            with recording_reviews():
                event = validate_events([review_event(update_id, decision, note, author, date)], author)[0]
            self._append_event_lines(plan_id, [event])
        return self.update(plan_id, update_id)

    def event_records(self, doc_id, *, kind=None, start=None, end=None):
        self._live(doc_id)
        rows = self._records("events", doc_id, "e", "kind", kind, start, end)
        found = structure_records([data for _, data in rows], Event, f"{self.url}#{doc_id}")
        return [EventRecord(doc_id, e, parse_time(at)) for e, (at, _) in zip(found, rows, strict=True)]

    # -- closed periods ------------------------------------------------------------------
    def _snapshots(self, plan_id: str) -> builtins.list[PeriodSnapshot]:
        """Every snapshot of a plan, its reopening read from the plan's ``period-reopened`` events."""
        lines = self._read_lines(self._records_path("snapshots", plan_id))
        if not lines:
            return []
        reopened: dict[tuple[Any, Any], tuple[str, dict]] = {}
        for at, data in self._records("events", plan_id, "e", "kind", PERIOD_REOPENED_EVENT, None, None):
            key = (data.get("data", {}).get("period"), data.get("data", {}).get("version"))
            reopened.setdefault(key, (at, data))
        found = []
        for line in lines:
            snapshot = snapshot_from_row_data(line["s"])
            reopening_ = reopened.get((snapshot.period, str(snapshot.version)))
            if reopening_ is not None:
                at, data = reopening_
                snapshot = attrs.evolve(snapshot, reopened_at=parse_time(at), reopened_by=data.get("recorded_by"),
                                        reopen_reason=data.get("note"))
            found.append(snapshot)
        return found

    def close_period(self, plan_id, period, *, author=None):
        check_store_id(plan_id, "plan id")
        with self._lock():
            plan = self._plan_entry(plan_id)[0]
            counted = [u.measurement for u in self.updates(plan_id) if u.counts]
            events = self.events(plan_id)
            snapshot, event = new_snapshot(plan_id, with_measurements(plan, counted, skip_unknown=True), period, events,
                                           self._snapshots(plan_id), author)
            line = {"at": time_text(snapshot.closed_at), "s": snapshot_row_data(snapshot)}
            self._append(self._records_path("snapshots", plan_id), json_bytes(line) + b"\n")
            with recording_reviews():
                self._append_event_lines(plan_id, validate_events([event], author))
        return snapshot

    def reopen_period(self, plan_id, period, *, reason, author=None, date=None):
        check_store_id(plan_id, "plan id")
        with self._lock():
            self._plan_entry(plan_id)
            reopened, event = reopening(plan_id, period, closed_now(self._snapshots(plan_id)), reason, author, date)
            with recording_reviews():
                self._append_event_lines(plan_id, validate_events([event], author))
            return next(s for s in self._snapshots(plan_id) if (s.period, s.version) == (reopened.period,
                                                                                          reopened.version))

    def period_snapshots(self, plan_id, period=None):
        check_store_id(plan_id, "plan id")
        self._plan_entry(plan_id)
        return [s for s in self._snapshots(plan_id) if period is None or s.period == period]

    # -- whole store ---------------------------------------------------------------------
    def export(self) -> Backup:
        if not self.root.is_dir():
            return Backup()
        with self._lock():  # writers wait: a consistent snapshot
            documents: builtins.list[DocumentRecord] = []
            history: builtins.list[HistoryEntry] = []
            measurements: builtins.list[MeasurementRecord] = []
            events: builtins.list[EventRecord] = []
            snapshots: builtins.list[PeriodSnapshot] = []
            for doc_id in self._ids():
                envelope = self._envelope(doc_id)
                if envelope is None:
                    continue
                documents.append(DocumentRecord(self._info(envelope), envelope["document"]))
                history += self.document_history(doc_id)
                if not envelope.get("deleted"):
                    measurements += self.measurement_records(doc_id) if envelope["type"] == "plan" else []
                    events += self.event_records(doc_id)
                    snapshots += self._snapshots(doc_id) if envelope["type"] == "plan" else []
        return Backup(tuple(documents), tuple(sorted(history, key=lambda h: h.at)),
                      tuple(sorted(measurements, key=lambda r: r.recorded_at)),
                      tuple(sorted(events, key=lambda r: r.recorded_at)),
                      tuple(sorted(snapshots, key=lambda s: s.closed_at)))

    def import_(self, backup: Backup) -> None:
        written: builtins.list[Path] = []
        with self._lock():
            if self._ids():
                raise StoreError(Message("storage.files.not_empty_restore_into_new", url=self.url))
            histories: dict[str, builtins.list[dict]] = {}
            for entry in backup.history:
                histories.setdefault(entry.doc_id, []).append(history_data(entry))
            try:
                for record in backup.documents:
                    written.append(self._doc_path(record.info.id))
                    self._write_envelope(record.info, record.data, histories.get(record.info.id, []))
                self._import_lines("measurements", "m", [(r.plan_id, r.recorded_at, measurement_data(r.measurement))
                                                         for r in backup.measurements], written)
                self._import_lines("events", "e", [(r.doc_id, r.recorded_at, event_data(r.event))
                                                   for r in backup.events], written)
                self._import_lines("snapshots", "s", [
                    (s.plan_id, s.closed_at, snapshot_row_data(attrs.evolve(s, reopened_at=None, reopened_by=None,
                                                                            reopen_reason=None)))
                    for s in backup.snapshots], written)
            except BaseException:
                for path in written:
                    path.unlink(missing_ok=True)
                self._envelopes.clear()
                raise

    def _import_lines(self, kind: str, key: str, rows: builtins.list[tuple[str, Any, dict]],
                      written: builtins.list[Path]) -> None:
        by_doc: dict[str, builtins.list[bytes]] = {}
        for doc_id, at, data in rows:
            by_doc.setdefault(doc_id, []).append(json_bytes({"at": time_text(at), key: data}) + b"\n")
        for doc_id, lines in by_doc.items():
            path = self._records_path(kind, doc_id)
            written.append(path)
            write_atomic(path, b"".join(lines))


def _fsync_folder(folder: Path) -> None:
    """Make a new file's name durable, not only its content."""
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:  # pragma: no cover
        return
    try:
        os.fsync(fd)
    except OSError:  # pragma: no cover - some file systems refuse fsync on folders
        pass
    finally:
        os.close(fd)


@hookimpl
def actionplan_open_store(url):
    path = url_path(url, "dir")
    if path is None:
        return None
    return DirStore(url, path)
