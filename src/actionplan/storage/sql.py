"""What SQL stores share: the tables, every query (parameterised), schema versions and upgrades.

:class:`SqlStore` holds the logic once; a backend subclass brings a connection, the table
definitions in its dialect and the conversion of a few value types. The SQLite store is one,
the PostgreSQL plugin another. Queries are written with ``?`` placeholders and rewritten for
drivers that use ``%s``; no value is ever formatted into SQL text.

Tables (prefixed ``actionplan_`` so a shared database stays tidy):

* ``meta``: ``schema_version`` of the tables;
* ``documents``: one row per document id (latest content as JSON, version, index columns;
  a deleted document stays as a tombstone so its version numbers and history go on);
* ``document_territories``: territories of each document, indexed, for "plans of this MRC";
* ``history``: one row per create / update / delete, with who, when and the paths changed;
* ``versions``: every saved version of each document (its content as JSON text), so an older
  one can be read back (:meth:`SqlStore.get_version`, ``actionplan diff PLAN@1 PLAN@2``; schema 5);
* ``measurements`` and ``events``: append-only records, indexed by plan, indicator and date.
  A measurement row also keeps its update id and review state (``status``: counted, submitted,
  approved, returned), an index over the review events kept in the same transaction as each
  review, so listing what waits does not read every measurement (schema 2);
* ``measurement_facts``: the groups of a plan's counted measurements that progress reads
  (:mod:`actionplan.storage.facts`): per indicator, day and key, how many, the sums of their
  numbers and the last one recorded, kept in the transaction that records or approves a
  measurement, so :meth:`SqlStore.progress_facts` reads a few thousand rows for a million
  measurements (schema 3; an older store's groups are computed when it is upgraded);
* ``snapshots``: the closed periods' frozen progress, one row per version of a period
  (immutable data; ``reopened_*`` is the index of the ``period-reopened`` event, kept in the
  same transaction), indexed by plan and reopening so the closed-period check costs one
  indexed query (schema 4).
"""

from __future__ import annotations

import abc
import builtins
import contextlib
import datetime as dt
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import Any

import attrs
import orjson

from ..errors import ConflictError, StoreError
from ..model.indicators import Measurement
from ..version import __version__
from . import (
    Backup,
    DocumentInfo,
    DocumentRecord,
    Event,
    EventRecord,
    HistoryEntry,
    MeasurementRecord,
    REVIEW_EVENT_KINDS,
    Store,
    StoredDocument,
    Update,
    redact_url,
)
from ..due import Reported, done_value
from ..model.review import COUNTED_STATES
from .facts import (
    FactGroup,
    Totals,
    facts_for,
    group_measurements,
    indicator_kinds,
    merge_groups,
    rate_kinds_changed,
)
from ..progress import MANUAL_STATUS_CLEAR_EVENT, MANUAL_STATUS_EVENT
from ..snapshots import PeriodSnapshot
from .backends import (
    PlanCache,
    closed_now,
    new_snapshot,
    period_label,
    reopening,
    check_new_update_ids,
    check_review,
    check_status,
    first_reviews,
    is_review_kind,
    make_update,
    recording_reviews,
    review_event,
    review_status,
    changed_paths,
    INDICATOR_REMOVED_EVENT,
    check_kept_indicators,
    check_same_type,
    check_store_id,
    check_text,
    decode_document,
    event_data,
    json_bytes,
    measurement_data,
    next_version,
    not_found,
    version_not_kept,
    now,
    parse_time,
    prepare_document,
    removal_events,
    removed_records,
    structure_records,
    validate_events,
    validate_measurements,
)
from ..i18n import Message

#: Every table of a SQL store, in creation order.
TABLES = (
    "actionplan_meta",
    "actionplan_documents",
    "actionplan_document_territories",
    "actionplan_history",
    "actionplan_measurements",
    "actionplan_events",
    "actionplan_measurement_facts",
    "actionplan_snapshots",
    "actionplan_versions",
)

_INFO_COLUMNS = "id, type, version, updated_at, updated_by, title, organisation, deleted"

#: Statements every SQL dialect here shares: the review columns of schema 2 and their indexes.
REVIEW_INDEXES = (
    "CREATE UNIQUE INDEX actionplan_measurements_update ON actionplan_measurements (plan_id, update_id) "
    "WHERE update_id IS NOT NULL",
    "CREATE INDEX actionplan_measurements_status ON actionplan_measurements (plan_id, status, seq)",
)
#: The table of saved versions (schema 5), in SQL every dialect here reads alike: its content is JSON text.
VERSIONS_TABLE = (
    "CREATE TABLE actionplan_versions (doc_id TEXT NOT NULL, version INTEGER NOT NULL, data TEXT NOT NULL, "
    "PRIMARY KEY (doc_id, version))",
)
#: Upgrading to schema 5: the versions table, holding each document's current version from then on.
_KEEP_CURRENT_VERSIONS = ("INSERT INTO actionplan_versions (doc_id, version, data) SELECT id, version, CAST(data AS TEXT) "
                          "FROM actionplan_documents WHERE data IS NOT NULL AND NOT deleted",)
_REVIEW_COLUMNS = (
    "ALTER TABLE actionplan_measurements ADD COLUMN update_id TEXT",
    "ALTER TABLE actionplan_measurements ADD COLUMN status TEXT NOT NULL DEFAULT 'counted'",
)
#: The closed periods' snapshots (schema 4), written with the column types of a dialect (:func:`snapshot_statements`).
_SNAPSHOT_TABLE = """CREATE TABLE actionplan_snapshots (
        seq {serial},
        plan_id {text} NOT NULL,
        period {text} NOT NULL,
        version integer NOT NULL,
        start_date {date} NOT NULL,
        end_date {date} NOT NULL,
        closed_at {time} NOT NULL,
        closed_by {text},
        reopened_at {time},
        reopened_by {text},
        reopen_reason {text},
        data {json} NOT NULL,
        UNIQUE (plan_id, period, version)
    )"""
#: Column types of the snapshots table in SQLite (PostgreSQL's are in its plugin).
SQLITE_SNAPSHOT_TYPES = {"serial": "INTEGER PRIMARY KEY AUTOINCREMENT", "text": "TEXT", "date": "TEXT",
                         "time": "TEXT", "json": "TEXT"}


def snapshot_statements(serial: str, text: str, date: str, time: str, json: str) -> tuple[str, ...]:
    """The statements creating the snapshots table (schema 4) and its index, in the column types of a dialect.

    ``serial`` is the type of an auto-numbered primary key (``INTEGER PRIMARY KEY AUTOINCREMENT``,
    ``bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY``); the others those of text, dates,
    timestamps and JSON.
    """
    return (_SNAPSHOT_TABLE.format(serial=serial, text=text, date=date, time=time, json=json),
            "CREATE INDEX actionplan_snapshots_closed ON actionplan_snapshots (plan_id, reopened_at)")


#: How many ids one query looks up at once.
_ID_BATCH = 500


class SqlStore(Store):
    """A store on a SQL database; subclasses implement the abstract connection methods."""

    #: Version of the tables this code writes; a store with a higher one is refused.
    SCHEMA_VERSION = 6
    #: version n → statements upgrading tables from n to n + 1, run in one transaction. From 2 to 3
    #: the facts table (:meth:`_facts_statements`) is created and filled from the measurements.
    MIGRATIONS: dict[int, tuple[str, ...]] = {1: (*_REVIEW_COLUMNS, *REVIEW_INDEXES), 2: (),
                                              4: (*VERSIONS_TABLE, *_KEEP_CURRENT_VERSIONS)}
    #: Column types of the facts table in the backend's dialect: sums, days, the last measurement.
    NUMBER_TYPE = "TEXT"
    DATE_TYPE = "TEXT"
    JSON_TYPE = "TEXT"
    #: A field of a measurement row's JSON ``data`` as text, in the backend's dialect (``{table}``: ``m.`` or
    #: nothing): the period an update names, indexed (schema 6), and its « done ».
    PERIOD_FIELD = "json_extract({table}data, '$.period')"
    DONE_FIELD = "json_extract({table}data, '$.done')"
    #: Column types of the snapshots table (schema 4; see :func:`snapshot_statements`).
    SNAPSHOT_TYPES: dict[str, str] = SQLITE_SNAPSHOT_TYPES
    #: Suffixes that lock the document row in a write transaction (empty where locks are per database).
    FOR_UPDATE = ""
    FOR_SHARE = ""
    #: How ids are ordered: bytewise, so every backend lists them in the same order.
    ORDER_IDS = "id"
    PLACEHOLDER = "?"

    def __init__(self, url: str):
        self.url = url
        self._plans = PlanCache()
        self._ready = False

    # -- what a backend provides -------------------------------------------------------
    @abc.abstractmethod
    def _transaction(self, write: bool) -> contextlib.AbstractContextManager[Any]:
        """A transaction yielding a DB-API cursor (``None`` when the database does not exist yet).

        Writes must be serialised per document (``BEGIN IMMEDIATE``, row locks…); driver errors
        become :class:`StoreError`.
        """

    @abc.abstractmethod
    def _schema_statements(self) -> builtins.list[str]:
        """``CREATE`` statements of the tables and indexes at :attr:`SCHEMA_VERSION`."""

    @abc.abstractmethod
    def _existing_tables(self, cur) -> set[str]:
        """Names of the tables visible to this store (of any application)."""

    def _lock_schema(self, cur) -> None:
        """Serialise schema creation and upgrades between processes (if the transaction does not)."""

    def _foreign_tables_block(self, tables: set[str]) -> bool:
        """Whether other applications' tables make the database unfit for a new store."""
        return bool(tables)

    def _json_in(self, data: Any) -> Any:
        return json_bytes(data).decode("utf-8")

    def _json_out(self, value: Any) -> Any:
        return orjson.loads(value) if isinstance(value, str | bytes) else value

    def _time_in(self, value: dt.datetime) -> Any:
        return value.isoformat()

    def _time_out(self, value: Any) -> dt.datetime:
        return parse_time(value)

    def _date_in(self, value: dt.date | None) -> Any:
        return value.isoformat() if value is not None else None

    def _decimal_in(self, value: Decimal | None) -> Any:
        return str(value) if value is not None else None

    def _decimal_out(self, value: Any) -> Decimal | None:
        return value if value is None or isinstance(value, Decimal) else Decimal(value)

    def _date_out(self, value: Any) -> dt.date:
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)

    def _facts_statements(self) -> builtins.list[str]:
        """The table of measurement groups (schema 3), in the backend's types."""
        number = self.NUMBER_TYPE
        return [f"""CREATE TABLE actionplan_measurement_facts (
            plan_id TEXT NOT NULL,
            indicator_id TEXT NOT NULL,
            date {self.DATE_TYPE} NOT NULL,
            fact_key TEXT NOT NULL,
            members INTEGER NOT NULL,
            value_sum {number},
            numerator_sum {number},
            denominator_sum {number},
            last_seq BIGINT NOT NULL,
            last_data {self.JSON_TYPE} NOT NULL,
            PRIMARY KEY (plan_id, indicator_id, date, fact_key)
        )"""]

    # -- query helpers -------------------------------------------------------------------
    def _sql(self, sql: str) -> str:
        return sql if self.PLACEHOLDER == "?" else sql.replace("?", self.PLACEHOLDER)

    def _run(self, cur, sql: str, params: tuple | builtins.list = ()):
        cur.execute(self._sql(sql), tuple(params))
        return cur

    def _many(self, cur, sql: str, rows: builtins.list[tuple]) -> None:
        if rows:
            cur.executemany(self._sql(sql), rows)

    def _one(self, cur, sql: str, params: tuple = ()):
        return self._run(cur, sql, params).fetchone()

    # -- schema --------------------------------------------------------------------------
    def _schema_version(self, cur) -> int | None:
        """The stored schema version, ``None`` for an empty database; refuses what it cannot use."""
        tables = self._existing_tables(cur)
        if "actionplan_meta" not in tables:
            ours = tables & set(TABLES)
            if ours:
                raise StoreError(Message("storage.sql.has_actionplan_tables_but_no", value=self._where(),
                                         value2=', '.join(sorted(ours))))
            if self._foreign_tables_block(tables):
                raise StoreError(Message("storage.sql.database_another_application_tables_refusing",
                                         value=self._where(), value2=', '.join(sorted(tables)[:5])))
            return None
        row = self._one(cur, "SELECT value FROM actionplan_meta WHERE key = ?", ("schema_version",))
        try:
            version = int(row[0])
        except (TypeError, ValueError):
            raise StoreError(Message("storage.sql.has_unreadable_schema_version_refusing", value=self._where(),
                                     row=row)) from None
        if version > self.SCHEMA_VERSION:
            raise StoreError(
                Message("storage.sql.was_written_newer_actionplan_store", value=self._where(), version=version,
                        version2=__version__, SCHEMA_VERSION=self.SCHEMA_VERSION),
            )
        return version

    def _prepare(self, cur) -> None:
        """Inside a write transaction: create the tables, or upgrade them to this version."""
        self._lock_schema(cur)
        version = self._schema_version(cur)
        if version is None:
            for statement in [*self._schema_statements(), *self._facts_statements(), *VERSIONS_TABLE,
                              *self._due_statements()]:
                self._run(cur, statement)
            self._run(cur, "INSERT INTO actionplan_meta (key, value) VALUES (?, ?)",
                      ("schema_version", str(self.SCHEMA_VERSION)))
        elif version < self.SCHEMA_VERSION:
            self._upgrade(cur, version)

    def _upgrade(self, cur, version: int) -> None:
        migrations = {3: snapshot_statements(**self.SNAPSHOT_TYPES), 5: tuple(self._due_statements()), **self.MIGRATIONS}
        for step in range(version, self.SCHEMA_VERSION):
            statements = migrations.get(step)
            if statements is None:
                raise StoreError(Message("storage.sql.uses_store_schema_which_this", value=self._where(),
                                         version=version, step=step, value2=step + 1))
            try:
                for statement in statements:
                    self._run(cur, statement)
                if step == 2:  # the facts table, filled from the measurements already recorded
                    for statement in self._facts_statements():
                        self._run(cur, statement)
                    self._rebuild_facts(cur)
            except Exception as exc:  # noqa: BLE001 - any driver error: the transaction is rolled back
                reason = (str(exc).strip().splitlines() or [type(exc).__name__])[0]
                raise StoreError(Message("storage.sql.upgrading_from_schema_failed_store", value=self._where(),
                                         step=step, reason=reason)) from exc
        self._run(cur, "UPDATE actionplan_meta SET value = ? WHERE key = ?",
                  (str(self.SCHEMA_VERSION), "schema_version"))

    def _open(self) -> None:
        """Check the schema when the store is opened, upgrading an older one in one transaction."""
        with self._transaction(write=False) as cur:
            version = None if cur is None else self._schema_version(cur)
        if version is not None and version < self.SCHEMA_VERSION:
            with self._transaction(write=True) as cur:
                self._prepare(cur)
        self._ready = version is not None

    @contextlib.contextmanager
    def _write(self) -> Iterator[Any]:
        with self._transaction(write=True) as cur:
            if not self._ready:
                self._prepare(cur)
            yield cur
        self._ready = True

    @contextlib.contextmanager
    def _read(self) -> Iterator[Any]:
        """A read transaction; yields ``None`` while nothing was ever written."""
        with self._transaction(write=False) as cur:
            if cur is not None and not self._ready:
                version = self._schema_version(cur)
                if version is None:
                    cur = None
                elif version < self.SCHEMA_VERSION:
                    raise StoreError(Message("storage.sql.was_downgraded_another_process_reopen",
                                             value=self._where()))
                else:
                    self._ready = True
            yield cur

    def _where(self) -> str:
        return redact_url(self.url)

    # -- documents -----------------------------------------------------------------------
    def save(self, document, *, expected_version=None, author=None, comment=None, doc_id=None,
             allow_removal=False) -> int:
        prepared = prepare_document(document, doc_id)
        author, comment = check_text(author, "author"), check_text(comment, "comment")
        with self._write() as cur:
            at = now()
            row = self._one(cur, "SELECT version, type, deleted FROM actionplan_documents WHERE id = ?"
                            + self.FOR_UPDATE, (prepared.id,))
            current, live = (row[0], not row[2]) if row else (None, False)
            version = next_version(prepared.id, expected_version, current, live)
            old_data = None
            rebuild = False
            removed: builtins.list[str] = []
            recorded: dict[str, int] = {}
            if live:
                check_same_type(prepared.id, row[1], prepared.type, live)
                old_data = self._json_out(self._one(cur, "SELECT data FROM actionplan_documents WHERE id = ?",
                                                    (prepared.id,))[0])
                if prepared.type == "plan":
                    recorded = self._recorded_indicators(cur, prepared.id)
                    removed = check_kept_indicators(prepared.id, document, recorded,
                                                    removed=self._removed_indicators(cur, prepared.id),
                                                    allow_removal=allow_removal)
                    rebuild = rate_kinds_changed(old_data, document)
            values = (prepared.type, version, prepared.title, prepared.organisation, self._json_in(prepared.data),
                      self._time_in(at), author)
            if row is None:
                inserted = self._run(
                    cur, "INSERT INTO actionplan_documents (type, version, title, organisation, data, updated_at, "
                         "updated_by, deleted, id) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO NOTHING",
                    (*values, False, prepared.id)).rowcount
                if inserted != 1:  # created meanwhile by another writer
                    raise ConflictError(prepared.id, expected_version, self._current_version(cur, prepared.id))
            else:
                self._run(cur, "UPDATE actionplan_documents SET type = ?, version = ?, title = ?, organisation = ?, "
                               "data = ?, updated_at = ?, updated_by = ?, deleted = ? WHERE id = ?",
                          (*values, False, prepared.id))
            self._set_territories(cur, prepared.id, prepared.territories)
            self._run(cur, "INSERT INTO actionplan_versions (doc_id, version, data) VALUES (?, ?, ?)",
                      (prepared.id, version, json_bytes(prepared.data).decode("utf-8")))
            self._add_history(cur, HistoryEntry(prepared.id, at, "update" if live else "create", version, author,
                                                comment, changed_paths(old_data, prepared.data) if live else ()))
            if rebuild:  # an indicator became a rate, or stopped being one: its groups change
                self._rebuild_facts(cur, prepared.id, document)
            if removed:
                self._insert_events(cur, prepared.id, removal_events(removed, recorded, version, at, author, comment),
                                    self._time_in(at))
        return version

    def _current_version(self, cur, doc_id: str) -> int | None:
        row = self._one(cur, "SELECT version, deleted FROM actionplan_documents WHERE id = ?", (doc_id,))
        return row[0] if row and not row[1] else None

    def _recorded_indicators(self, cur, plan_id: str) -> dict[str, int]:
        """The plan's indicators with measurements, and how many each has."""
        rows = self._run(cur, "SELECT indicator_id, COUNT(*) FROM actionplan_measurements WHERE plan_id = ? "
                              "GROUP BY indicator_id", (plan_id,)).fetchall()
        return {r[0]: int(r[1]) for r in rows}

    def _removed_indicators(self, cur, plan_id: str) -> set[str]:
        rows = self._run(cur, "SELECT recorded_at, data FROM actionplan_events WHERE doc_id = ? AND kind = ?",
                         (plan_id, INDICATOR_REMOVED_EVENT)).fetchall()
        events = structure_records([self._json_out(r[1]) for r in rows], Event, f"{self._where()}#{plan_id}")
        return {e.subject for e in events if e.subject}

    def _set_territories(self, cur, doc_id: str, territories: Iterable[str]) -> None:
        self._run(cur, "DELETE FROM actionplan_document_territories WHERE doc_id = ?", (doc_id,))
        self._many(cur, "INSERT INTO actionplan_document_territories (doc_id, territory) VALUES (?, ?)",
                   [(doc_id, t) for t in territories])

    def _add_history(self, cur, entry: HistoryEntry) -> None:
        self._run(cur, "INSERT INTO actionplan_history (doc_id, version, action, changed_at, author, comment, "
                       "changes) VALUES (?, ?, ?, ?, ?, ?, ?)",
                  (entry.doc_id, entry.version, entry.action, self._time_in(entry.at), entry.by, entry.comment,
                   self._json_in(list(entry.changes))))

    def _info(self, row, territories: Iterable[str]) -> DocumentInfo:
        doc_id, type_name, version, updated_at, updated_by, title, organisation, deleted = row[:8]
        return DocumentInfo(id=doc_id, type=type_name, version=version, updated_at=self._time_out(updated_at),
                            updated_by=updated_by, title=title, organisation=organisation,
                            territories=tuple(territories), deleted=bool(deleted))

    def _territories(self, cur, doc_id: str) -> builtins.list[str]:
        rows = self._run(cur, "SELECT territory FROM actionplan_document_territories WHERE doc_id = ? "
                              "ORDER BY territory", (doc_id,)).fetchall()
        return sorted(r[0] for r in rows)

    def _live_row(self, cur, doc_id: str, columns: str):
        row = None if cur is None else self._one(
            cur, f"SELECT {columns} FROM actionplan_documents WHERE id = ?", (doc_id,))
        if row is None or row[7]:
            raise not_found(doc_id, self.url)
        return row

    def get(self, doc_id: str) -> StoredDocument:
        check_store_id(doc_id)
        with self._read() as cur:
            row = self._live_row(cur, doc_id, f"{_INFO_COLUMNS}, data")
            info = self._info(row, self._territories(cur, doc_id))
        document = decode_document(self._json_out(row[8]), f"{self._where()}#{doc_id}")
        return StoredDocument(document, info)

    def get_version(self, doc_id: str, version: int) -> StoredDocument:
        current = self.get(doc_id)
        if version == current.info.version:
            return current
        with self._read() as cur:
            row = self._one(cur, "SELECT data FROM actionplan_versions WHERE doc_id = ? AND version = ?",
                            (doc_id, version))
        if row is None:
            raise version_not_kept(doc_id, version, current.info.version, self.url)
        document = decode_document(orjson.loads(row[0]), f"{self._where()}#{doc_id}@{version}")
        return StoredDocument(document, attrs.evolve(current.info, version=version))

    def info(self, doc_id: str) -> DocumentInfo:
        check_store_id(doc_id)
        with self._read() as cur:
            row = self._live_row(cur, doc_id, _INFO_COLUMNS)
            return self._info(row, self._territories(cur, doc_id))

    def list(self, *, type=None, organisation=None, territory=None, include_deleted=False):
        where, params = [], []
        if type is not None:
            where.append("type = ?")
            params.append(type)
        if organisation is not None:
            where.append("organisation = ?")
            params.append(organisation)
        if territory is not None:
            where.append("id IN (SELECT doc_id FROM actionplan_document_territories WHERE territory = ?)")
            params.append(territory)
        if not include_deleted:
            where.append("deleted = ?")
            params.append(False)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        with self._read() as cur:
            if cur is None:
                return []
            rows = self._run(cur, f"SELECT {_INFO_COLUMNS} FROM actionplan_documents{clause} ORDER BY "
                                  f"{self.ORDER_IDS}", params).fetchall()
            places: dict[str, builtins.list[str]] = {}
            for doc_id, place in self._run(
                    cur, f"SELECT doc_id, territory FROM actionplan_document_territories WHERE doc_id IN "
                         f"(SELECT id FROM actionplan_documents{clause})", params).fetchall():
                places.setdefault(doc_id, []).append(place)
        return [self._info(row, sorted(places.get(row[0], ()))) for row in rows]

    def delete(self, doc_id, *, expected_version, author=None, comment=None) -> int:
        check_store_id(doc_id)
        author, comment = check_text(author, "author"), check_text(comment, "comment")
        with self._write() as cur:
            at = now()
            row = self._one(cur, "SELECT version, deleted FROM actionplan_documents WHERE id = ?" + self.FOR_UPDATE,
                            (doc_id,))
            if row is None or row[1]:
                raise not_found(doc_id, self.url)
            version = next_version(doc_id, expected_version, row[0], True)
            measured = self._run(cur, "DELETE FROM actionplan_measurements WHERE plan_id = ?", (doc_id,)).rowcount
            self._run(cur, "DELETE FROM actionplan_measurement_facts WHERE plan_id = ?", (doc_id,))
            evented = self._run(cur, "DELETE FROM actionplan_events WHERE doc_id = ?", (doc_id,)).rowcount
            self._run(cur, "DELETE FROM actionplan_snapshots WHERE plan_id = ?", (doc_id,))
            self._set_territories(cur, doc_id, ())
            self._run(cur, "UPDATE actionplan_documents SET version = ?, title = ?, organisation = ?, data = ?, "
                           "updated_at = ?, updated_by = ?, deleted = ? WHERE id = ?",
                      (version, None, None, None, self._time_in(at), author, True, doc_id))
            self._plans = PlanCache()
            self._add_history(cur, HistoryEntry(doc_id, at, "delete", version, author, comment,
                                                removed_records(measured, evented)))
        return version

    def document_history(self, doc_id: str) -> builtins.list[HistoryEntry]:
        check_store_id(doc_id)
        with self._read() as cur:
            if cur is None:
                return []
            rows = self._run(cur, "SELECT doc_id, changed_at, action, version, author, comment, changes "
                                  "FROM actionplan_history WHERE doc_id = ? ORDER BY seq", (doc_id,)).fetchall()
        return [self._history(row) for row in rows]

    def _history(self, row) -> HistoryEntry:
        doc_id, at, action, version, author, comment, changes = row
        return HistoryEntry(doc_id, self._time_out(at), action, version, author, comment,
                            tuple(self._json_out(changes)))

    # -- append-only records -------------------------------------------------------------
    def _plan_entry(self, cur, plan_id: str, lock: str | None = None):
        """The plan a measurement is checked against: its row is share-locked (or locked with ``lock``), its
        parse cached by version."""
        row = self._one(cur, "SELECT version, type, deleted FROM actionplan_documents WHERE id = ?"
                        + (self.FOR_SHARE if lock is None else lock), (plan_id,))
        if row is None or row[2]:
            raise not_found(plan_id, self.url, "plan")
        if row[1] != "plan":
            raise StoreError(Message("storage.sql.not_plan_measurements_belong_plans", plan_id=plan_id, value=row[1]))
        entry = self._plans.get(plan_id, row[0])
        if entry is None:
            data = self._one(cur, "SELECT data FROM actionplan_documents WHERE id = ?", (plan_id,))[0]
            plan = decode_document(self._json_out(data), f"{self._where()}#{plan_id}")
            entry = self._plans.put(plan_id, row[0], plan)
        return entry

    def append_measurements(self, plan_id, measurements, *, author=None) -> int:
        check_store_id(plan_id, "plan id")
        measurements = builtins.list(measurements)
        counts_now = any(not (isinstance(m, Measurement) and m.submitted) for m in measurements)
        with self._write() as cur:
            # measurements that count change the plan's facts: one such writer per plan at a time
            entry = self._plan_entry(cur, plan_id, self.FOR_UPDATE if counts_now else None)
            ready = validate_measurements(plan_id, entry, measurements, author, self._closed(cur, plan_id))
            check_new_update_ids(plan_id, ready, self._taken_ids(cur, plan_id, [m.id for m in ready if m.id]))
            self._insert_measurements(cur, plan_id, entry[0], ready, self._time_in(now()))
        return len(ready)

    def _insert_measurements(self, cur, plan_id: str, plan: Any, ready: builtins.list[Measurement], at) -> None:
        """Insert checked measurements of one plan, and add those that count to its facts."""
        counted = [i for i, m in enumerate(ready) if not m.submitted]
        before = self._one(cur, "SELECT COALESCE(MAX(seq), 0) FROM actionplan_measurements")[0] if counted else 0
        self._write_measurement_rows(cur, [(plan_id, m.indicator, self._date_in(m.date), self._decimal_in(m.value), at,
                                            m.recorded_by, self._json_in(measurement_data(m)), m.id,
                                            "submitted" if m.submitted else "counted") for m in ready])
        if counted:
            # by the primary key alone (a range of the newest rows, whatever the history), then this plan's
            seqs = [r[0] for r in self._run(cur, "SELECT seq, plan_id FROM actionplan_measurements WHERE seq > ? "
                                                 "ORDER BY seq", (before,)).fetchall() if r[1] == plan_id]
            if len(seqs) != len(ready):  # pragma: no cover - the plan's row lock rules it out
                raise StoreError(Message("storage.sql.facts_out_of_step", value=self._where(), plan_id=plan_id))
            self._add_facts(cur, plan_id, group_measurements(indicator_kinds(plan),
                                                             [(seqs[i], ready[i]) for i in counted]))

    def _write_measurement_rows(self, cur, rows: builtins.list[tuple]) -> None:
        """Insert measurement rows (plan_id, indicator_id, date, value, recorded_at, recorded_by, data,
        update_id, status); a backend may use its bulk path (PostgreSQL: COPY)."""
        self._many(cur, "INSERT INTO actionplan_measurements (plan_id, indicator_id, date, value, recorded_at, "
                        "recorded_by, data, update_id, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)

    # -- progress facts ------------------------------------------------------------------
    _FACT_COLUMNS = "indicator_id, date, fact_key, members, value_sum, numerator_sum, denominator_sum, last_seq, last_data"

    def _fact_groups(self, cur, plan_id: str, rows) -> builtins.list[FactGroup]:
        lasts = structure_records([self._json_out(r[8]) for r in rows], Measurement, f"{self._where()}#{plan_id}")
        return [FactGroup(r[0], self._date_out(r[1]), r[2], Totals(r[3], self._decimal_out(r[4]),
                                                                    self._decimal_out(r[5]), self._decimal_out(r[6])),
                          last, r[7]) for r, last in zip(rows, lasts, strict=True)]

    def _add_facts(self, cur, plan_id: str, groups: builtins.list[FactGroup]) -> None:
        """Add groups of newly counted measurements to the plan's facts (the plan's row is locked)."""
        for group in groups:
            where = (plan_id, group.indicator, self._date_in(group.date), group.key)
            row = self._one(cur, f"SELECT {self._FACT_COLUMNS} FROM actionplan_measurement_facts WHERE plan_id = ? "
                                 "AND indicator_id = ? AND date = ? AND fact_key = ?", where)
            merged = group if row is None else merge_groups(self._fact_groups(cur, plan_id, [row])[0], group)
            totals = merged.totals
            values = (totals.count, self._decimal_in(totals.value), self._decimal_in(totals.numerator),
                      self._decimal_in(totals.denominator), merged.last_seq,
                      self._json_in(measurement_data(merged.last)))
            if row is None:
                self._run(cur, "INSERT INTO actionplan_measurement_facts (members, value_sum, numerator_sum, "
                               "denominator_sum, last_seq, last_data, plan_id, indicator_id, date, fact_key) "
                               "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (*values, *where))
            else:
                self._run(cur, "UPDATE actionplan_measurement_facts SET members = ?, value_sum = ?, numerator_sum = ?, "
                               "denominator_sum = ?, last_seq = ?, last_data = ? WHERE plan_id = ? AND "
                               "indicator_id = ? AND date = ? AND fact_key = ?", (*values, *where))

    def _rebuild_facts(self, cur, plan_id: str | None = None, plan: Any = None) -> None:
        """Compute the facts of a plan (every plan, when ``plan_id`` is ``None``) from its counted measurements."""
        if plan_id is None:
            ids = [r[0] for r in self._run(cur, "SELECT id FROM actionplan_documents WHERE type = ? AND deleted = ?",
                                           ("plan", False)).fetchall()]
            for each in ids:
                self._rebuild_facts(cur, each)
            return
        if plan is None:
            data = self._one(cur, "SELECT data FROM actionplan_documents WHERE id = ?", (plan_id,))[0]
            plan = decode_document(self._json_out(data), f"{self._where()}#{plan_id}")
        self._run(cur, "DELETE FROM actionplan_measurement_facts WHERE plan_id = ?", (plan_id,))
        marks = ", ".join("?" * len(COUNTED_STATES))
        rows = self._run(cur, "SELECT seq, data FROM actionplan_measurements WHERE plan_id = ? AND status IN "
                              f"({marks}) ORDER BY seq", [plan_id, *COUNTED_STATES]).fetchall()
        found = structure_records([self._json_out(r[1]) for r in rows], Measurement, f"{self._where()}#{plan_id}")
        self._add_facts(cur, plan_id, group_measurements(indicator_kinds(plan),
                                                         [(r[0], m) for r, m in zip(rows, found, strict=True)]))

    def progress_facts(self, plan_id, *, as_of=None):
        check_store_id(plan_id, "plan id")
        with self._read() as cur:
            self._check_exists(cur, plan_id, "plan")
            row = self._one(cur, "SELECT version, type, data FROM actionplan_documents WHERE id = ?", (plan_id,))
            if row[1] != "plan":
                raise StoreError(Message("storage.not_plan", plan_id=plan_id, plan=row[1]))
            entry = self._plans.get(plan_id, row[0])
            if entry is None:
                plan = decode_document(self._json_out(row[2]), f"{self._where()}#{plan_id}")
                entry = self._plans.put(plan_id, row[0], plan)
            return self._facts(cur, plan_id, entry[0], as_of)

    def _facts(self, cur, plan_id: str, plan: Any, as_of: dt.date | None):
        """The plan's facts read from its groups (dated up to ``as_of``) inside a transaction."""
        where, params = ("", []) if as_of is None else (" AND date <= ?", [self._date_in(as_of)])
        rows = self._run(cur, f"SELECT {self._FACT_COLUMNS} FROM actionplan_measurement_facts WHERE plan_id = ?"
                              f"{where} ORDER BY last_seq", [plan_id, *params]).fetchall()
        counted = self._one(cur, "SELECT COALESCE(SUM(members), 0) FROM actionplan_measurement_facts "
                                 "WHERE plan_id = ?", (plan_id,))[0]
        states = dict(self._run(cur, "SELECT status, COUNT(*) FROM actionplan_measurements WHERE plan_id = ? "
                                     "AND status IN (?, ?) GROUP BY status",
                                (plan_id, "submitted", "returned")).fetchall())
        groups = self._fact_groups(cur, plan_id, rows)
        return facts_for(plan, groups, as_of=as_of, counted=int(counted), submitted=int(states.get("submitted", 0)),
                         returned=int(states.get("returned", 0)))

    # -- what due needs ------------------------------------------------------------------
    #: How many asked rows one query carries (four parameters each).
    _DUE_BATCH = 200

    def _due_statements(self) -> builtins.list[str]:
        """The index ``due`` reads the period an update names through (schema 6), in the backend's dialect."""
        period = self.PERIOD_FIELD.format(table="")
        return [f"CREATE INDEX actionplan_measurements_period ON actionplan_measurements (plan_id, indicator_id, "
                f"({period}), date) WHERE ({period}) IS NOT NULL"]

    def _asked(self, cur, columns: str, rows: builtins.list[tuple], select: str, params: builtins.list):
        """Run ``select`` over ``rows`` given as a ``WITH asked(columns) AS (VALUES …)`` table, in batches."""
        found: builtins.list[tuple] = []
        width = len(columns.split(","))
        marks = "(" + ", ".join("?" * width) + ")"
        for start in range(0, len(rows), self._DUE_BATCH):
            batch = rows[start:start + self._DUE_BATCH]
            values = ", ".join([marks] * len(batch))
            found += self._run(cur, f"WITH asked({columns}) AS (VALUES {values}) {select}",
                               [*(v for row in batch for v in row), *params]).fetchall()
        return found

    def due_facts(self, plan_id, query):
        check_store_id(plan_id, "plan id")
        period = self.PERIOD_FIELD.format(table="m.")
        done = self.DONE_FIELD.format(table="m.")
        as_of = self._date_in(query.as_of)
        with self._read() as cur:
            self._check_exists(cur, plan_id, "plan")
            ids = [(i,) for i in query.periods]
            latest = dict(self._asked(cur, "indicator_id", ids, (
                "SELECT a.indicator_id, (SELECT m.date FROM actionplan_measurements m WHERE m.plan_id = ? AND "
                "m.indicator_id = a.indicator_id AND m.date <= ? AND m.status <> 'returned' "
                "ORDER BY m.date DESC LIMIT 1) FROM asked a"), [plan_id, as_of]))
            marks = ", ".join("?" * len(COUNTED_STATES))
            done_rows = self._asked(cur, "indicator_id", [(i,) for i in query.periods if i in query.done], (
                "SELECT a.indicator_id, (SELECT m.data FROM actionplan_measurements m WHERE m.plan_id = ? AND "
                f"m.indicator_id = a.indicator_id AND m.date <= ? AND m.status IN ({marks}) AND "
                f"(({done}) IS NOT NULL OR m.value IS NOT NULL) ORDER BY m.date DESC, m.seq DESC LIMIT 1) "
                "FROM asked a"), [plan_id, as_of, *COUNTED_STATES])
            asked = [(i, label, self._date_in(bounds.start), self._date_in(bounds.end))
                     for i, periods in query.periods.items() for label, bounds in periods]
            covered = self._asked(cur, "indicator_id, label, start_date, end_date", asked, (
                "SELECT a.indicator_id, a.label FROM asked a WHERE EXISTS (SELECT 1 FROM actionplan_measurements m "
                "WHERE m.plan_id = ? AND m.indicator_id = a.indicator_id AND m.date >= a.start_date AND "
                f"m.date <= a.end_date AND m.date <= ? AND m.status <> 'returned' AND ({period}) IS NULL) "
                "OR EXISTS (SELECT 1 FROM actionplan_measurements m WHERE m.plan_id = ? AND "
                f"m.indicator_id = a.indicator_id AND ({period}) = a.label AND m.date <= ? AND "
                "m.status <> 'returned')"), [plan_id, as_of, plan_id, as_of])
            seen = set(covered)
            open_ = [row for row in asked if (row[0], row[1]) not in seen]
            returned: builtins.list[tuple] = []
            if open_ and self._one(cur, "SELECT 1 FROM actionplan_measurements WHERE plan_id = ? AND status = ? "
                                        "LIMIT 1", (plan_id, "returned")) is not None:
                returned = [r for r in self._asked(cur, "indicator_id, label, start_date, end_date", open_, (
                    "SELECT a.indicator_id, a.label, (SELECT m.update_id FROM actionplan_measurements m WHERE "
                    "m.plan_id = ? AND m.indicator_id = a.indicator_id AND m.status = 'returned' AND m.date <= ? AND "
                    f"((({period}) IS NULL AND m.date >= a.start_date AND m.date <= a.end_date) OR "
                    f"({period}) = a.label) ORDER BY m.seq DESC LIMIT 1) FROM asked a"), [plan_id, as_of])
                            if r[2] is not None]
            reviews = (first_reviews(self._review_rows(cur, plan_id, sorted({r[2] for r in returned})))
                       if returned else {})
        lasts = structure_records([self._json_out(r[1]) for r in done_rows if r[1] is not None], Measurement,
                                  f"{self._where()}#{plan_id}")
        done_of = dict(zip([r[0] for r in done_rows if r[1] is not None], lasts, strict=True))
        labels: dict[str, set[str]] = {}
        for indicator_id, label in covered:
            labels.setdefault(indicator_id, set()).add(label)
        notes: dict[str, dict[str, str]] = {}
        for indicator_id, label, update_id in returned:
            review = reviews.get(update_id)
            notes.setdefault(indicator_id, {})[label] = (review.event.note if review is not None else None) or ""
        return {i: Reported(frozenset(labels.get(i, ())), self._date_out(latest[i]) if latest.get(i) else None,
                            done_value(done_of[i]) if i in done_of else None, notes.get(i, {}))
                for i in query.periods}

    def _taken_ids(self, cur, plan_id: str, ids: builtins.list[str]) -> builtins.list[str]:
        """Which of ``ids`` the plan's updates already use."""
        taken: builtins.list[str] = []
        for start in range(0, len(ids), _ID_BATCH):
            batch = ids[start:start + _ID_BATCH]
            marks = ", ".join("?" * len(batch))
            taken += [r[0] for r in self._run(cur, "SELECT update_id FROM actionplan_measurements WHERE plan_id = ? "
                                                   f"AND update_id IN ({marks})", [plan_id, *batch]).fetchall()]
        return taken

    def _record_filters(self, key: str, value: str | None, start, end) -> tuple[str, builtins.list]:
        where, params = "", []
        if value is not None:
            where += f" AND {key} = ?"
            params.append(value)
        if start is not None:
            where += " AND date >= ?"
            params.append(self._date_in(start))
        if end is not None:
            where += " AND date <= ?"
            params.append(self._date_in(end))
        return where, params

    def _check_exists(self, cur, doc_id: str, what: str = "document") -> None:
        if cur is None or self._current_version(cur, doc_id) is None:
            raise not_found(doc_id, self.url, what)

    def _measurement_rows(self, plan_id, columns, indicator, start, end):
        check_store_id(plan_id, "plan id")
        where, params = self._record_filters("indicator_id", indicator, start, end)
        with self._read() as cur:
            self._check_exists(cur, plan_id, "plan")
            return self._run(cur, f"SELECT {columns} FROM actionplan_measurements WHERE plan_id = ?{where} "
                                  "ORDER BY seq", [plan_id, *params]).fetchall()

    def measurement_records(self, plan_id, *, indicator=None, start=None, end=None):
        rows = self._measurement_rows(plan_id, "recorded_at, data", indicator, start, end)
        found = structure_records([self._json_out(r[1]) for r in rows], Measurement, f"{self._where()}#{plan_id}")
        return [MeasurementRecord(plan_id, m, self._time_out(r[0])) for m, r in zip(found, rows, strict=True)]

    def measurements(self, plan_id, *, indicator=None, start=None, end=None):
        rows = self._measurement_rows(plan_id, "data", indicator, start, end)
        return structure_records([self._json_out(r[0]) for r in rows], Measurement, f"{self._where()}#{plan_id}")

    # -- reviewed updates ----------------------------------------------------------------
    def counted_measurements(self, plan_id):
        check_store_id(plan_id, "plan id")
        marks = ", ".join("?" * len(COUNTED_STATES))
        with self._read() as cur:
            self._check_exists(cur, plan_id, "plan")
            rows = self._run(cur, "SELECT data FROM actionplan_measurements WHERE plan_id = ? AND status IN "
                                  f"({marks}) ORDER BY seq", [plan_id, *COUNTED_STATES]).fetchall()
        return structure_records([self._json_out(r[0]) for r in rows], Measurement, f"{self._where()}#{plan_id}")

    def updates(self, plan_id, *, status=None, indicator=None):
        check_store_id(plan_id, "plan id")
        check_status(status)
        where, params = self._record_filters("indicator_id", indicator, None, None)
        if status is not None:
            where += " AND status = ?"
            params.append(status)
        with self._read() as cur:
            self._check_exists(cur, plan_id, "plan")
            rows = self._run(cur, "SELECT recorded_at, data, status, update_id FROM actionplan_measurements "
                                  f"WHERE plan_id = ?{where} ORDER BY seq", [plan_id, *params]).fetchall()
            reviewed = [r[3] for r in rows if r[2] not in ("counted", "submitted")]
            decided = first_reviews(self._review_rows(cur, plan_id, reviewed)) if reviewed else {}
        found = structure_records([self._json_out(r[1]) for r in rows], Measurement, f"{self._where()}#{plan_id}")
        return [make_update(plan_id, m, self._time_out(r[0]), decided.get(r[3]) if r[3] is not None else None)
                for m, r in zip(found, rows, strict=True)]

    def _review_rows(self, cur, plan_id: str, update_ids: builtins.list[str] | None = None):
        """Review events of a plan (of some updates only, when ``update_ids`` is given)."""
        kinds = tuple(REVIEW_EVENT_KINDS.values())
        rows = self._run(cur, "SELECT recorded_at, data FROM actionplan_events WHERE doc_id = ? AND kind IN "
                              f"({', '.join('?' * len(kinds))}) ORDER BY seq", [plan_id, *kinds]).fetchall()
        found = structure_records([self._json_out(r[1]) for r in rows], Event, f"{self._where()}#{plan_id}")
        wanted = None if update_ids is None else set(update_ids)
        return [EventRecord(plan_id, e, self._time_out(r[0])) for e, r in zip(found, rows, strict=True)
                if wanted is None or e.subject in wanted]

    def _update_row(self, cur, plan_id: str, update_id: str, lock: str = ""):
        return self._one(cur, "SELECT recorded_at, data, status FROM actionplan_measurements WHERE plan_id = ? "
                              "AND update_id = ?" + lock, (plan_id, update_id))

    def _update_from_row(self, cur, plan_id: str, update_id: str, row) -> Update:
        measurement = structure_records([self._json_out(row[1])], Measurement, f"{self._where()}#{plan_id}")[0]
        review = None
        if row[2] not in ("counted", "submitted"):
            review = first_reviews(self._review_rows(cur, plan_id, [update_id])).get(update_id)
        return make_update(plan_id, measurement, self._time_out(row[0]), review)

    def update(self, plan_id, update_id):
        check_store_id(plan_id, "plan id")
        check_store_id(update_id, "update")
        with self._read() as cur:
            self._check_exists(cur, plan_id, "plan")
            row = self._update_row(cur, plan_id, update_id)
            if row is None:
                raise not_found(update_id, self.url, "update")
            return self._update_from_row(cur, plan_id, update_id, row)

    def review_update(self, plan_id, update_id, decision, *, note=None, author=None, date=None):
        check_store_id(plan_id, "plan id")
        check_store_id(update_id, "update")
        author, note = check_text(author, "author"), check_text(note, "note")
        with self._write() as cur:
            plan = self._plan_entry(cur, plan_id, self.FOR_UPDATE)[0]  # an approval changes the plan's facts
            row = self._update_row(cur, plan_id, update_id, self.FOR_UPDATE)
            if row is None:
                raise not_found(update_id, self.url, "update")
            check_review(plan, self._update_from_row(cur, plan_id, update_id, row), decision, note, author,
                         self._closed(cur, plan_id))
            with recording_reviews():
                event = validate_events([review_event(update_id, decision, note, author, date)], author)[0]
            self._insert_events(cur, plan_id, [event], self._time_in(now()))
            self._set_status(cur, plan_id, event)
            if review_status(event.kind) in COUNTED_STATES:
                self._add_approved_fact(cur, plan, plan_id, update_id)
            return self._update_from_row(cur, plan_id, update_id, self._update_row(cur, plan_id, update_id))

    def _add_approved_fact(self, cur, plan: Any, plan_id: str, update_id: str) -> None:
        seq, data = self._one(cur, "SELECT seq, data FROM actionplan_measurements WHERE plan_id = ? AND update_id = ?",
                              (plan_id, update_id))
        measurement = structure_records([self._json_out(data)], Measurement, f"{self._where()}#{plan_id}")[0]
        self._add_facts(cur, plan_id, group_measurements(indicator_kinds(plan), [(seq, measurement)]))

    def _set_status(self, cur, plan_id: str, event: Event) -> None:
        """Keep a measurement's ``status`` column in step with a review event (the first review decides)."""
        self._run(cur, "UPDATE actionplan_measurements SET status = ? WHERE plan_id = ? AND update_id = ? "
                       "AND status = ?", (review_status(event.kind), plan_id, event.subject, "submitted"))

    def _insert_events(self, cur, doc_id: str, events: Iterable[Event], at) -> None:
        self._many(cur, "INSERT INTO actionplan_events (doc_id, kind, date, recorded_at, recorded_by, data) "
                        "VALUES (?, ?, ?, ?, ?, ?)",
                   [(doc_id, e.kind, self._date_in(e.date), at, e.recorded_by, self._json_in(event_data(e)))
                    for e in events])

    def append_events(self, doc_id, events, *, author=None) -> int:
        check_store_id(doc_id)
        ready = validate_events(events, author)
        with self._write() as cur:
            self._check_exists(cur, doc_id)
            self._insert_events(cur, doc_id, ready, self._time_in(now()))
        return len(ready)

    def event_records(self, doc_id, *, kind=None, start=None, end=None):
        check_store_id(doc_id)
        where, params = self._record_filters("kind", kind, start, end)
        with self._read() as cur:
            self._check_exists(cur, doc_id)
            rows = self._run(cur, f"SELECT recorded_at, data FROM actionplan_events WHERE doc_id = ?{where} "
                                  "ORDER BY seq", [doc_id, *params]).fetchall()
        found = structure_records([self._json_out(r[1]) for r in rows], Event, f"{self._where()}#{doc_id}")
        return [EventRecord(doc_id, e, self._time_out(r[0])) for e, r in zip(found, rows, strict=True)]

    # -- closed periods ------------------------------------------------------------------
    _SNAPSHOT_COLUMNS = ("plan_id, period, version, start_date, end_date, closed_at, closed_by, reopened_at, "
                         "reopened_by, reopen_reason")

    def _snapshot(self, row, data) -> PeriodSnapshot:
        plan_id, period, version, start, end, closed_at, closed_by, reopened_at, reopened_by, reason = row[:10]
        return PeriodSnapshot(plan_id, period, version, _date_out(start), _date_out(end), self._time_out(closed_at),
                              closed_by, data, self._time_out(reopened_at) if reopened_at is not None else None,
                              reopened_by, reason)

    def _snapshot_rows(self, cur, plan_id: str | None, period: str | None = None, *,
                       with_data: bool = True, closed_only: bool = False) -> builtins.list[PeriodSnapshot]:
        where, params = [], []
        if plan_id is not None:
            where.append("plan_id = ?")
            params.append(plan_id)
        if period is not None:
            where.append("period = ?")
            params.append(period)
        if closed_only:
            where.append("reopened_at IS NULL")
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        columns = self._SNAPSHOT_COLUMNS + (", data" if with_data else "")
        rows = self._run(cur, f"SELECT {columns} FROM actionplan_snapshots{clause} ORDER BY seq", params).fetchall()
        return [self._snapshot(r, self._json_out(r[10]) if with_data else {}) for r in rows]

    def _closed(self, cur, plan_id: str) -> builtins.list[PeriodSnapshot]:
        """The plan's closed periods, without their data: what a measurement is checked against (indexed)."""
        return closed_now(self._snapshot_rows(cur, plan_id, with_data=False, closed_only=True))

    def _insert_snapshot(self, cur, snapshot: PeriodSnapshot) -> None:
        self._run(cur, f"INSERT INTO actionplan_snapshots ({self._SNAPSHOT_COLUMNS}, data) "
                       "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                  (snapshot.plan_id, snapshot.period, snapshot.version, self._date_in(snapshot.start),
                   self._date_in(snapshot.end), self._time_in(snapshot.closed_at), snapshot.closed_by,
                   self._time_in(snapshot.reopened_at) if snapshot.reopened_at else None, snapshot.reopened_by,
                   snapshot.reopen_reason, self._json_in(dict(snapshot.data))))

    def close_period(self, plan_id, period, *, author=None):
        check_store_id(plan_id, "plan id")
        with self._write() as cur:
            plan = self._plan_entry(cur, plan_id, self.FOR_UPDATE)[0]  # appends wait until the period is closed
            end = period_label(plan_id, plan, period)[1].end  # later measurements cannot change progress at the end
            standing = self._facts(cur, plan_id, plan, end).plan  # the groups, not every measurement
            rows = self._run(cur, "SELECT data FROM actionplan_events WHERE doc_id = ? AND kind IN (?, ?) ORDER BY seq",
                             (plan_id, MANUAL_STATUS_EVENT, MANUAL_STATUS_CLEAR_EVENT)).fetchall()
            events = structure_records([self._json_out(r[0]) for r in rows], Event, f"{self._where()}#{plan_id}")
            snapshot, event = new_snapshot(plan_id, standing, period, events,
                                           self._snapshot_rows(cur, plan_id, with_data=False), author)
            self._insert_snapshot(cur, snapshot)
            with recording_reviews():
                ready = validate_events([event], author)
            self._insert_events(cur, plan_id, ready, self._time_in(snapshot.closed_at))
        return snapshot

    def reopen_period(self, plan_id, period, *, reason, author=None, date=None):
        check_store_id(plan_id, "plan id")
        with self._write() as cur:
            self._plan_entry(cur, plan_id, self.FOR_UPDATE)
            reopened, event = reopening(plan_id, period, self._closed(cur, plan_id), reason, author, date)
            self._run(cur, "UPDATE actionplan_snapshots SET reopened_at = ?, reopened_by = ?, reopen_reason = ? "
                           "WHERE plan_id = ? AND period = ? AND version = ?",
                      (self._time_in(reopened.reopened_at), reopened.reopened_by, reopened.reopen_reason, plan_id,
                       reopened.period, reopened.version))
            with recording_reviews():
                ready = validate_events([event], author)
            self._insert_events(cur, plan_id, ready, self._time_in(reopened.reopened_at))
            return self._snapshot_rows(cur, plan_id, reopened.period)[-1]

    def period_snapshots(self, plan_id, period=None):
        check_store_id(plan_id, "plan id")
        with self._read() as cur:
            self._check_exists(cur, plan_id, "plan")
            return self._snapshot_rows(cur, plan_id, period)

    # -- whole store ---------------------------------------------------------------------
    def export(self) -> Backup:
        with self._read() as cur:
            if cur is None:
                return Backup()
            places: dict[str, builtins.list[str]] = {}
            for doc_id, place in self._run(cur, "SELECT doc_id, territory FROM actionplan_document_territories"):
                places.setdefault(doc_id, []).append(place)
            documents = tuple(
                DocumentRecord(self._info(row, sorted(places.get(row[0], ()))), self._json_out(row[8]))
                for row in self._run(cur, f"SELECT {_INFO_COLUMNS}, data FROM actionplan_documents "
                                          f"ORDER BY {self.ORDER_IDS}").fetchall())
            history = tuple(self._history(row) for row in self._run(
                cur, "SELECT doc_id, changed_at, action, version, author, comment, changes FROM actionplan_history "
                     "ORDER BY seq").fetchall())
            rows = self._run(cur, "SELECT plan_id, recorded_at, data FROM actionplan_measurements "
                                  "ORDER BY seq").fetchall()
            measured = structure_records([self._json_out(r[2]) for r in rows], Measurement, self._where())
            measurements = tuple(MeasurementRecord(r[0], m, self._time_out(r[1]))
                                 for r, m in zip(rows, measured, strict=True))
            rows = self._run(cur, "SELECT doc_id, recorded_at, data FROM actionplan_events ORDER BY seq").fetchall()
            evented = structure_records([self._json_out(r[2]) for r in rows], Event, self._where())
            events = tuple(EventRecord(r[0], e, self._time_out(r[1])) for r, e in zip(rows, evented, strict=True))
            snapshots = tuple(self._snapshot_rows(cur, None))
        return Backup(documents, history, measurements, events, snapshots)

    def import_(self, backup: Backup) -> None:
        with self._write() as cur:
            if self._one(cur, "SELECT id FROM actionplan_documents LIMIT 1") is not None:
                raise StoreError(Message("storage.sql.not_empty_restore_into_new", value=self._where()))
            self._many(cur, "INSERT INTO actionplan_documents (id, type, version, title, organisation, data, "
                            "updated_at, updated_by, deleted) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [(r.info.id, r.info.type, r.info.version, r.info.title, r.info.organisation,
                         None if r.data is None else self._json_in(r.data), self._time_in(r.info.updated_at),
                         r.info.updated_by, r.info.deleted) for r in backup.documents])
            self._many(cur, "INSERT INTO actionplan_document_territories (doc_id, territory) VALUES (?, ?)",
                       [(r.info.id, t) for r in backup.documents for t in r.info.territories])
            for entry in backup.history:
                self._add_history(cur, entry)
            self._many(cur, "INSERT INTO actionplan_measurements (plan_id, indicator_id, date, value, recorded_at, "
                            "recorded_by, data, update_id, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       [(r.plan_id, r.measurement.indicator, self._date_in(r.measurement.date),
                         self._decimal_in(r.measurement.value), self._time_in(r.recorded_at),
                         r.measurement.recorded_by, self._json_in(measurement_data(r.measurement)),
                         r.measurement.id, "submitted" if r.measurement.submitted else "counted")
                        for r in backup.measurements])
            self._many(cur, "INSERT INTO actionplan_events (doc_id, kind, date, recorded_at, recorded_by, data) "
                            "VALUES (?, ?, ?, ?, ?, ?)",
                       [(r.doc_id, r.event.kind, self._date_in(r.event.date), self._time_in(r.recorded_at),
                         r.event.recorded_by, self._json_in(event_data(r.event))) for r in backup.events])
            for record in sorted(backup.events, key=lambda r: r.recorded_at):  # the states follow the reviews
                if is_review_kind(record.event.kind) and record.event.subject is not None:
                    self._set_status(cur, record.doc_id, record.event)
            self._rebuild_facts(cur)
            for snapshot in backup.snapshots:
                self._insert_snapshot(cur, snapshot)


def _date_out(value: Any) -> dt.date:
    """A stored date (ISO text or a date) as a date."""
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(value)
