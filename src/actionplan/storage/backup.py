"""Backups: a whole store as one JSON or YAML file, checked completely before it is restored."""

from __future__ import annotations

import builtins
from collections.abc import Iterator, Mapping
from typing import Any

import attrs

from ..convert import exception_issues, short_repr, structure
from ..documents import from_data
from ..errors import Issue, StoreError, ValidationError
from ..i18n import Message
from ..model.indicators import Measurement
from ..snapshots import PeriodSnapshot, check_period_label, thaw
from ..version import __version__
from . import (
    BACKUP_FORMAT,
    BACKUP_FORMAT_VERSION,
    Backup,
    DocumentInfo,
    DocumentRecord,
    Event,
    EventRecord,
    HistoryEntry,
    MeasurementRecord,
)
from .backends import (
    INDICATOR_REMOVED_EVENT,
    PlanCache,
    check_store_id,
    check_text,
    event_data,
    measurement_data,
    now,
    parse_time,
    prepare_document,
    snapshot_from_row_data,
    snapshot_row_data,
    time_text,
    validate_measurements,
)


def info_data(info: DocumentInfo) -> dict:
    return {"id": info.id, "type": info.type, "version": info.version, "deleted": info.deleted,
            "updated_at": time_text(info.updated_at), "updated_by": info.updated_by}


def history_data(entry: HistoryEntry) -> dict:
    return {"doc": entry.doc_id, "version": entry.version, "action": entry.action, "at": time_text(entry.at),
            "by": entry.by, "comment": entry.comment, "changes": list(entry.changes)}


def history_from_data(data: Mapping) -> HistoryEntry:
    return HistoryEntry(doc_id=data["doc"], at=parse_time(data["at"]), action=data["action"],
                        version=data.get("version"), by=data.get("by"), comment=data.get("comment"),
                        changes=tuple(data.get("changes") or ()))


def backup_to_data(backup: Backup, source: str | None = None) -> dict:
    return {
        "format": BACKUP_FORMAT,
        "format_version": BACKUP_FORMAT_VERSION,
        "actionplan_version": __version__,
        "created_at": time_text(now()),
        "source": source,
        "documents": [{**info_data(r.info), "data": r.data} for r in backup.documents],
        "history": [history_data(h) for h in backup.history],
        "measurements": [{"plan": r.plan_id, "recorded_at": time_text(r.recorded_at),
                          "measurement": measurement_data(r.measurement)} for r in backup.measurements],
        "events": [{"doc": r.doc_id, "recorded_at": time_text(r.recorded_at), "event": event_data(r.event)}
                   for r in backup.events],
        "snapshots": [snapshot_row_data(s) for s in backup.snapshots],
    }


def backup_from_data(data: Any, source: str | None = None) -> Backup:
    """Check a whole backup before anything is written; every problem is reported at once."""
    issues: list[Issue] = []
    if not isinstance(data, dict) or data.get("format") != BACKUP_FORMAT:
        raise ValidationError([Issue("format", Message("backup.not_a_backup"), expected=repr(BACKUP_FORMAT),
                                     found=short_repr(data.get("format") if isinstance(data, dict) else data))], source)
    version = data.get("format_version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValidationError([Issue("format_version", Message("backup.invalid_format_version"),
                                     expected=Message("expect.positive_whole_number"), found=short_repr(version))],
                              source)
    if version > BACKUP_FORMAT_VERSION:
        raise ValidationError([Issue("format_version", Message("backup.newer_format"),
                                     expected=Message("expect.at_most", limit=BACKUP_FORMAT_VERSION),
                                     found=repr(version))], source)
    documents = _collect(issues, "documents", data.get("documents"), _document_record)
    live = {r.info.id: r for r in documents if not r.info.deleted}
    ids = [r.info.id for r in documents]
    for duplicate in sorted({i for i in ids if ids.count(i) > 1}):
        issues.append(Issue("documents", Message("backup.document_twice"), found=repr(duplicate)))
    history = _collect(issues, "history", data.get("history", []), _history_record)
    measurements = _collect(issues, "measurements", data.get("measurements", []), _measurement_record)
    events = _collect(issues, "events", data.get("events", []), _event_record)
    snapshots = _collect(issues, "snapshots", data.get("snapshots", []), _snapshot_record)
    known = {r.info.id for r in documents}
    issues += [Issue(f"history[{i}].doc", Message("backup.history_of_unknown_document"), found=repr(h.doc_id))
               for i, h in enumerate(history) if h.doc_id not in known]
    issues += _check_backup_measurements(measurements, live, events)
    issues += [Issue(f"events[{i}].doc", Message("backup.event_of_unknown_document"), found=repr(r.doc_id))
               for i, r in enumerate(events) if r.doc_id not in live]
    issues += [Issue(f"snapshots[{i}].plan", Message("backup.snapshot_of_unknown_plan"), found=repr(s.plan_id))
               for i, s in enumerate(snapshots) if s.plan_id not in live or live[s.plan_id].info.type != "plan"]
    if issues:
        raise ValidationError(issues, source)
    return Backup(tuple(documents), tuple(history), tuple(measurements), tuple(events), tuple(snapshots))


def _collect(issues: builtins.list[Issue], name: str, items: Any, read) -> builtins.list:
    if not isinstance(items, list):
        issues.append(Issue(name, Message("backup.expected_a_list"), found=type(items).__name__))
        return []
    result = []
    for index, item in enumerate(items):
        path = f"{name}[{index}]"
        try:
            if not isinstance(item, dict):
                raise ValueError(Message("backup.expected_a_mapping", found=type(item).__name__))
            result.append(read(item, path))
        except ValidationError as exc:
            issues.extend(attrs.evolve(i, path=f"{path}.{i.path}".rstrip(".")) for i in exc.issues)
        except (ValueError, TypeError) as exc:  # attrs validators: named field, accepted values
            issues.extend(exception_issues(exc, None, path))
        except (KeyError, StoreError) as exc:
            message = Message("backup.missing_field", field=str(exc)) if isinstance(exc, KeyError) else exc.msg
            issues.append(Issue(path, message))
    return result


def _document_record(item: dict, path: str) -> DocumentRecord:
    deleted = item.get("deleted", False)
    if not isinstance(deleted, bool):
        raise ValueError("deleted must be true or false")
    version = item["version"]
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ValueError(f"version must be a positive whole number, not {version!r}")
    doc_id = check_store_id(item["id"])
    data = item.get("data")
    title = organisation = None
    territories: tuple[str, ...] = ()
    type_name = item["type"]
    if deleted:
        if data is not None:
            raise ValueError("a deleted document keeps no data")
    else:
        document = from_data(data, source=path)  # checked like any document being saved
        prepared = prepare_document(document)
        if prepared.id != doc_id or prepared.type != type_name:
            raise ValueError(f"holds {prepared.type} {prepared.id!r}, not {type_name} {doc_id!r}")
        data, title, organisation, territories = prepared.data, prepared.title, prepared.organisation, \
            prepared.territories
    info = DocumentInfo(id=doc_id, type=type_name, version=version, updated_at=parse_time(item["updated_at"]),
                        updated_by=check_text(item.get("updated_by"), "updated_by"), title=title,
                        organisation=organisation, territories=territories, deleted=deleted)
    return DocumentRecord(info, data)


def _history_record(item: dict, path: str) -> HistoryEntry:
    entry = history_from_data(item)
    check_store_id(entry.doc_id)
    for text in (entry.by, entry.comment, *entry.changes):
        check_text(text, "history text")
    return entry


def _measurement_record(item: dict, path: str) -> MeasurementRecord:
    measurement = structure(item["measurement"], Measurement)
    return MeasurementRecord(check_store_id(item["plan"]), measurement, parse_time(item["recorded_at"]))


def _event_record(item: dict, path: str) -> EventRecord:
    event = structure(item["event"], Event)
    return EventRecord(check_store_id(item["doc"]), event, parse_time(item["recorded_at"]))


def _snapshot_record(item: dict, path: str) -> PeriodSnapshot:
    snapshot = snapshot_from_row_data(item)
    check_period_label(snapshot.period)
    thaw(snapshot.data, source=path)  # a snapshot that does not read back is refused whole
    for text in (snapshot.closed_by, snapshot.reopened_by, snapshot.reopen_reason):
        check_text(text, "history text")
    return snapshot


def _check_backup_measurements(records, live: Mapping[str, DocumentRecord], events) -> Iterator[Issue]:
    """Each measurement checked against its plan; those of an indicator the plan removed with
    ``allow_removal`` (an ``indicator-removed`` event in the backup) are kept as they are."""
    entries: dict[str, Any] = {}
    removed = {(r.doc_id, r.event.subject) for r in events if r.event.kind == INDICATOR_REMOVED_EVENT}
    for index, record in enumerate(records):
        path = f"measurements[{index}]"
        doc = live.get(record.plan_id)
        if doc is None or doc.info.type != "plan":
            yield Issue(f"{path}.plan", Message("backup.measurement_of_unknown_plan"), found=repr(record.plan_id))
            continue
        if (record.plan_id, record.measurement.indicator) in removed:
            continue
        if record.plan_id not in entries:
            entries[record.plan_id] = PlanCache().put(record.plan_id, doc.info.version, from_data(doc.data))
        try:
            validate_measurements(record.plan_id, entries[record.plan_id], [record.measurement], None)
        except ValidationError as exc:
            yield from (attrs.evolve(i, path=i.path.replace("measurements[0]", path, 1)) for i in exc.issues)
