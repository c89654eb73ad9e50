"""The ``dir:PATH`` store: plain files a person can read, diff and keep in git.

Layout::

    PATH/
      actionplan-store.json        what this folder is, and the version of its layout
      documents/<id>.yaml          one YAML document per plan or program (':' in ids is written %3A)
      measurements/<plan>.jsonl    append-only, one JSON line per measurement
      events/<id>.jsonl            append-only, one JSON line per event
      snapshots/<plan>.jsonl       append-only, one JSON line per closed period's snapshot
      facts/<plan>.json            the plan's compact index of progress facts (derived: may be deleted)
      .lock                        writers take an exclusive lock on it (``flock``)

Each document file holds the document under ``document:``, its version, who saved it when,
and its history; it is replaced atomically (temp file, fsync, rename), so a reader or a
crash sees the old file or the new one, never a mix. Appending a measurement adds one line
and never rewrites the plan; a line cut short by a crash is ignored and repaired by the next
writer. Queries read the files; what progress needs of a plan's measurements (the groups of
:mod:`actionplan.storage.facts`, and the updates waiting for review) is kept in a compact index,
``facts/<plan>.json``, rewritten atomically by every write of the plan's records and computed
again from the files when it is missing or no longer theirs (a restore, a hand edit: it records
the identity, size and time of the files it was computed from). For many documents or a busy
team, use SQLite.
"""

from __future__ import annotations

import builtins
import contextlib
import datetime as dt
import os
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal
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
    Update,
    url_path,
)
from .backends import (
    PlanCache,
    closed_now,
    new_snapshot,
    period_label,
    reopening,
    snapshot_from_row_data,
    snapshot_row_data,
    check_new_update_ids,
    check_review,
    derive_updates,
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
from .facts import FactGroup, Totals, facts_for, group_measurements, indicator_kinds, merge_groups
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
        self.facts_dir = self.root / "facts"
        self._plans = PlanCache()
        self._envelopes: dict[str, tuple[tuple, dict]] = {}
        self._swept = False
        self._holding = False
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
        """The writers' lock: one writer at a time, released by the system if the writer dies (re-entrant:
        a write that reads what another one keeps up to date takes it once)."""
        if self._holding:
            yield
            return
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
            self._holding = True
            yield
        finally:
            self._holding = False
            os.close(fd)

    def _sweep_temporary_files(self) -> None:
        """Remove temp files of writers killed mid-save (safe: we hold the writers' lock)."""
        for folder in (self.root, self.documents_dir, *self.folders.values(), self.facts_dir):
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
        self._facts_path(doc_id).unlink(missing_ok=True)

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
                with self._keeping_facts(plan_id) as index:
                    self._append(self._records_path("measurements", plan_id),
                                 b"".join(json_bytes({"at": at, "m": measurement_data(m)}) + b"\n" for m in ready))
                    if index is not None:
                        recorded = parse_time(at)
                        with index.applying():
                            for m in ready:
                                index.add(index.lines, Update(plan_id, m.id, m,
                                                              "submitted" if m.submitted else "counted", recorded))
                                index.lines += 1
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

    def _append_event_lines(self, doc_id: str, ready: builtins.list[Event],
                            decided: tuple[str, str, str | None] | None = None) -> None:
        """Append events (the writers' lock held); ``decided`` is (update id, state, note) for a review."""
        at = time_text(now())
        if ready:
            with self._keeping_facts(doc_id) as index:
                self._append(self._records_path("events", doc_id),
                             b"".join(json_bytes({"at": at, "e": event_data(e)}) + b"\n" for e in ready))
                if index is not None and decided is not None:
                    with index.applying():
                        index.decide(*decided)

    def review_update(self, plan_id, update_id, decision, *, note=None, author=None, date=None):
        check_store_id(update_id, "update")
        author, note = check_text(author, "author"), check_text(note, "note")
        with self._lock():  # the check and the record in one go: a second reviewer sees the first's decision
            plan = self._plan_entry(plan_id)[0]
            check_review(plan, self.update(plan_id, update_id), decision, note, author,
                         closed_now(self._snapshots(plan_id)))
            with recording_reviews():
                event = validate_events([review_event(update_id, decision, note, author, date)], author)[0]
            self._append_event_lines(plan_id, [event],
                                     (update_id, "approved" if decision == "approve" else "returned", event.note))
        return self.update(plan_id, update_id)

    def event_records(self, doc_id, *, kind=None, start=None, end=None):
        self._live(doc_id)
        rows = self._records("events", doc_id, "e", "kind", kind, start, end)
        found = structure_records([data for _, data in rows], Event, f"{self.url}#{doc_id}")
        return [EventRecord(doc_id, e, parse_time(at)) for e, (at, _) in zip(found, rows, strict=True)]

    # -- the compact index of progress facts ----------------------------------------------
    def _facts_path(self, plan_id: str) -> Path:
        return self._path(self.facts_dir, plan_id, ".json")

    def _sources(self, plan_id: str) -> builtins.list[Any]:
        """What the index was computed from: identity, size and time of the plan's measurements and events files."""
        found: builtins.list[Any] = []
        for kind in ("measurements", "events"):
            try:
                stat = self._records_path(kind, plan_id).stat()
            except FileNotFoundError:
                found.append(None)
                continue
            found.append([stat.st_ino, stat.st_size, stat.st_mtime_ns])
        return found

    def _load_facts(self, plan_id: str, plan: Any) -> _FactsIndex | None:
        """The plan's facts index when it is still that of its files and indicators, else ``None`` (stale or missing)."""
        try:
            data = orjson.loads(self._facts_path(plan_id).read_bytes())
        except (FileNotFoundError, NotADirectoryError, orjson.JSONDecodeError):
            return None
        try:
            if (data.get("format") != FACTS_FORMAT or data.get("version") != FACTS_VERSION
                    or data["sources"] != self._sources(plan_id) or data["rates"] != _rate_ids(plan)):
                return None
            return _FactsIndex.from_data(data, f"{self._facts_path(plan_id)}", indicator_kinds(plan))
        except (KeyError, TypeError, ValueError, IndexError, StoreError):
            return None  # written by hand or damaged: computed again

    def _write_facts(self, plan_id: str, plan: Any, index: _FactsIndex) -> None:
        """Write the index (atomically) as that of the plan's files now; the writers' lock is held."""
        self.facts_dir.mkdir(exist_ok=True)
        write_atomic(self._facts_path(plan_id), json_bytes(index.to_data(self._sources(plan_id), _rate_ids(plan))))

    def _rebuilt_facts(self, plan_id: str, plan: Any) -> _FactsIndex:
        """The index computed from every update of the plan."""
        index = _FactsIndex(indicator_kinds(plan), str(self._facts_path(plan_id)))
        records = self.measurement_records(plan_id)
        index.lines = len(records)
        for seq, update in enumerate(derive_updates(plan_id, records, self._review_records(plan_id))):
            index.add(seq, update)
        return index

    def _facts_index(self, plan_id: str) -> tuple[Any, _FactsIndex]:
        """The plan and its up-to-date facts index: read, or rebuilt (and written, when the lock can be taken)."""
        plan = self._plan_entry(plan_id)[0]
        index = self._load_facts(plan_id, plan)
        if index is not None:
            return plan, index
        try:
            with self._lock():
                plan = self._plan_entry(plan_id)[0]
                index = self._load_facts(plan_id, plan)
                if index is None:
                    index = self._rebuilt_facts(plan_id, plan)
                    self._write_facts(plan_id, plan, index)
                return plan, index
        except (StoreError, OSError):  # a folder this process may only read: computed, not kept
            return plan, self._rebuilt_facts(plan_id, plan)

    @contextlib.contextmanager
    def _keeping_facts(self, plan_id: str) -> Iterator[_FactsIndex | None]:
        """Around a write of a plan's records (the writers' lock held): the index before it, to update in
        place (``None``: missing or stale), written afterwards as that of the files then, or rebuilt."""
        try:
            entry = self._plan_entry(plan_id)
        except StoreError:  # not a plan: no index
            yield None
            return
        plan = entry[0]
        index = self._load_facts(plan_id, plan)
        yield index
        if index is None or index.broken:
            index = self._rebuilt_facts(plan_id, plan)
        self._write_facts(plan_id, plan, index)

    def _from_index(self, plan_id: str, answer: Callable[[Any, _FactsIndex], Any]) -> Any:
        """``answer(plan, index)`` from the plan's facts index; an entry damaged by hand (its JSON still
        readable) makes it computed again from the files."""
        check_store_id(plan_id, "plan id")
        plan, index = self._facts_index(plan_id)
        try:
            return answer(plan, index)
        except (KeyError, TypeError, ValueError, IndexError, ArithmeticError, StoreError):
            pass
        try:
            with self._lock():
                index = self._rebuilt_facts(plan_id, plan)
                self._write_facts(plan_id, plan, index)
        except (StoreError, OSError):  # a folder this process may only read: computed, not kept
            index = self._rebuilt_facts(plan_id, plan)
        return answer(plan, index)

    def progress_facts(self, plan_id, *, as_of=None):
        return self._from_index(plan_id, lambda plan, index: facts_for(
            plan, index.fact_groups(), as_of=as_of, counted=index.counted, submitted=len(index.pending),
            returned=len(index.returned)))

    def due_facts(self, plan_id, query):
        from ..due import reported_from_updates

        # the groups stand for the counted updates
        return self._from_index(plan_id, lambda _plan, index: reported_from_updates(query, index.updates()))

    def updates(self, plan_id, *, status=None, indicator=None):
        if status != "submitted":
            return super().updates(plan_id, status=status, indicator=indicator)
        # what waits for review is kept in the index
        return self._from_index(plan_id, lambda _plan, index: [
            u for u in index.waiting(plan_id) if indicator is None or u.measurement.indicator == indicator])

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
            standing = self.progress_facts(plan_id, as_of=period_label(plan_id, plan, period)[1].end).plan
            events = self.events(plan_id)
            snapshot, event = new_snapshot(plan_id, standing, period, events,
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


#: The layout of a plan's facts index (``facts/<plan>.json``).
FACTS_FORMAT = "actionplan-dir-facts"
FACTS_VERSION = 1


def _rate_ids(plan: Any) -> builtins.list[str]:
    """The plan's rate indicators: their bare values are grouped apart, so a change makes the index stale."""
    return sorted(i.id for *_, i in plan.iter_indicators() if i.kind == "rate")


def _number(value: Decimal | None) -> str | None:
    return None if value is None else str(value)


def _decimal(value: str | None) -> Decimal | None:
    return None if value is None else Decimal(value)


@attrs.frozen
class _StandIn:
    """An update as due reads it: its measurement, state and review note."""

    measurement: Measurement
    status: str
    review_note: str | None


class _FactsIndex:
    """A plan's facts kept beside its records in a ``dir:`` store, as plain data (a write changes a few
    entries and writes it back; a read structures it): the groups of its counted measurements
    (:mod:`actionplan.storage.facts`), the updates waiting for review and those returned (whole, with
    their line), how many were counted, and how many measurement lines it covers."""

    def __init__(self, kinds: dict[str, str], source: str):
        self.kinds, self.source = kinds, source
        self.groups: dict[tuple[str, str, str], builtins.list[Any]] = {}  # (indicator, day, key) → its entry
        self.pending: dict[str, builtins.list[Any]] = {}  # update id → [line, recorded at, measurement data]
        self.returned: builtins.list[builtins.list[Any]] = []  # [line, measurement data, note]
        self.counted = 0
        self.lines = 0
        self.broken = False

    @contextlib.contextmanager
    def applying(self) -> Iterator[None]:
        """Around a change: an entry damaged by hand (its JSON still readable) marks the index to be computed again."""
        try:
            yield
        except (KeyError, TypeError, ValueError, IndexError, ArithmeticError, StoreError):
            self.broken = True

    def count(self, seq: int, measurement: Measurement) -> None:
        for g in group_measurements(self.kinds, [(seq, measurement)]):
            where = (g.indicator, g.date.isoformat(), g.key)
            kept = self.groups.get(where)
            if kept is None:
                self.groups[where] = [g.indicator, where[1], g.key, g.totals.count, _number(g.totals.value),
                                      _number(g.totals.numerator), _number(g.totals.denominator), g.last_seq,
                                      measurement_data(g.last)]
                continue
            kept[3] += g.totals.count
            for at, value in ((4, g.totals.value), (5, g.totals.numerator), (6, g.totals.denominator)):
                if value is not None:
                    kept[at] = str(value if kept[at] is None else Decimal(kept[at]) + value)
            if g.last_seq > kept[7]:
                kept[7], kept[8] = g.last_seq, measurement_data(g.last)
        self.counted += 1

    def add(self, seq: int, update: Update) -> None:
        """One more update, at line ``seq`` of the plan's measurements."""
        if update.counts:
            self.count(seq, update.measurement)
        elif update.status == "submitted" and update.id is not None:
            self.pending[update.id] = [seq, time_text(update.recorded_at), measurement_data(update.measurement)]
        elif update.status == "returned":
            self.returned.append([seq, measurement_data(update.measurement), update.review_note])

    def decide(self, update_id: str, status: str, note: str | None) -> None:
        """A reviewer's decision on a waiting update."""
        seq, _at, data = self.pending.pop(update_id)
        if status == "approved":
            self.count(seq, structure_records([data], Measurement, self.source)[0])
        else:
            self.returned.append([seq, data, note])

    def fact_groups(self) -> builtins.list[FactGroup]:
        entries = builtins.list(self.groups.values())
        lasts = structure_records([g[8] for g in entries], Measurement, self.source)
        return [FactGroup(g[0], dt.date.fromisoformat(g[1]), g[2],
                          Totals(int(g[3]), _decimal(g[4]), _decimal(g[5]), _decimal(g[6])), last, int(g[7]))
                for g, last in zip(entries, lasts, strict=True)]

    def waiting(self, plan_id: str) -> builtins.list[Update]:
        found = structure_records([p[2] for p in self.pending.values()], Measurement, self.source)
        return [Update(plan_id, update_id, m, "submitted", parse_time(p[1]))
                for (update_id, p), m in zip(self.pending.items(), found, strict=True)]

    def updates(self) -> builtins.list[_StandIn]:
        """What due reads of the updates, as few as stand for them all, in recording order: two at most per
        group of counted measurements (:meth:`FactGroup.measurements`), the waiting and the returned ones."""
        found = [(g.last_seq, _StandIn(m, "counted", None)) for g in self.fact_groups() for m in g.measurements()]
        pending = builtins.list(self.pending.values())
        found += [(p[0], _StandIn(m, "submitted", None)) for p, m in zip(
            pending, structure_records([p[2] for p in pending], Measurement, self.source), strict=True)]
        found += [(r[0], _StandIn(m, "returned", r[2])) for r, m in zip(
            self.returned, structure_records([r[1] for r in self.returned], Measurement, self.source), strict=True)]
        return [update for _seq, update in sorted(found, key=lambda item: item[0])]  # stable: a group's two in order

    def to_data(self, sources: builtins.list[Any], rates: builtins.list[str]) -> dict:
        return {"format": FACTS_FORMAT, "version": FACTS_VERSION, "sources": sources, "rates": rates,
                "lines": self.lines, "counted": self.counted, "groups": builtins.list(self.groups.values()),
                "pending": [[update_id, *entry] for update_id, entry in self.pending.items()],
                "returned": self.returned}

    @classmethod
    def from_data(cls, data: dict, source: str, kinds: dict[str, str]) -> _FactsIndex:
        index = cls(kinds, source)
        for g in data["groups"]:
            if len(g) != 9:
                raise ValueError("a group of the index is not whole")
            index.groups[(g[0], g[1], g[2])] = g
        index.pending = {p[0]: [int(p[1]), p[2], p[3]] for p in data["pending"]}
        index.returned = [[int(r[0]), r[1], r[2]] for r in data["returned"]]
        index.counted, index.lines = int(data["counted"]), int(data["lines"])
        return index

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
