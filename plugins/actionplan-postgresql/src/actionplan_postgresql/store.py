"""The PostgreSQL store: actionplan's shared SQL logic on psycopg 3.

Writes run at READ COMMITTED with row locks: a save locks its document row
(``FOR UPDATE``), so two saves from the same version queue and the second sees the new
version and raises a conflict; measurements take a ``FOR SHARE`` lock on their plan, so
any number of people record at once while a change to the plan waits for them. Reads run
in REPEATABLE READ snapshots, so a backup is consistent. Money and values are ``numeric``.
"""

from __future__ import annotations

import contextlib
from collections.abc import Iterator
from typing import Any

import orjson
import psycopg
from psycopg.types.json import Jsonb, set_json_loads

from actionplan.api import (
    REVIEW_INDEXES,
    Message,
    SqlStore,
    StoreError,
    json_bytes,
    parse_time,
    redact_url,
    snapshot_statements,
)

CONNECT_TIMEOUT_SECONDS = 10

_SCHEMA = (
    "CREATE TABLE actionplan_meta (key text PRIMARY KEY, value text NOT NULL)",
    """CREATE TABLE actionplan_documents (
        id text PRIMARY KEY,
        type text NOT NULL,
        version integer NOT NULL CHECK (version > 0),
        deleted boolean NOT NULL DEFAULT false,
        title text,
        organisation text,
        data jsonb,
        updated_at timestamptz NOT NULL,
        updated_by text
    )""",
    "CREATE INDEX actionplan_documents_type ON actionplan_documents (type, id)",
    "CREATE INDEX actionplan_documents_organisation ON actionplan_documents (organisation, id)",
    """CREATE TABLE actionplan_document_territories (
        doc_id text NOT NULL REFERENCES actionplan_documents (id),
        territory text NOT NULL,
        PRIMARY KEY (doc_id, territory)
    )""",
    "CREATE INDEX actionplan_document_territories_territory ON actionplan_document_territories (territory, doc_id)",
    """CREATE TABLE actionplan_history (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        doc_id text NOT NULL,
        version integer,
        action text NOT NULL,
        changed_at timestamptz NOT NULL,
        author text,
        comment text,
        changes jsonb NOT NULL
    )""",
    "CREATE INDEX actionplan_history_doc ON actionplan_history (doc_id, seq)",
    """CREATE TABLE actionplan_measurements (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        plan_id text NOT NULL,
        indicator_id text NOT NULL,
        date date NOT NULL,
        value numeric,
        recorded_at timestamptz NOT NULL,
        recorded_by text,
        data jsonb NOT NULL,
        update_id text,
        status text NOT NULL DEFAULT 'counted'
    )""",
    "CREATE INDEX actionplan_measurements_plan ON actionplan_measurements (plan_id, indicator_id, date)",
    *REVIEW_INDEXES,
    "CREATE INDEX actionplan_measurements_plan_seq ON actionplan_measurements (plan_id, seq)",
    """CREATE TABLE actionplan_events (
        seq bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
        doc_id text NOT NULL,
        kind text NOT NULL,
        date date NOT NULL,
        recorded_at timestamptz NOT NULL,
        recorded_by text,
        data jsonb NOT NULL
    )""",
    "CREATE INDEX actionplan_events_doc ON actionplan_events (doc_id, kind, date)",
)

#: The snapshots table's column types here (schema 3; also what the 2 → 3 upgrade creates).
SNAPSHOT_TYPES = {"serial": "bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY", "text": "text", "date": "date",
                  "time": "timestamptz", "json": "jsonb"}


def _dumps(data: Any) -> str:
    return json_bytes(data).decode("utf-8")


class PostgresStore(SqlStore):
    """A store in a PostgreSQL database (in the first schema of the connection's search_path)."""

    PLACEHOLDER = "%s"
    FOR_UPDATE = " FOR UPDATE"
    FOR_SHARE = " FOR SHARE"
    ORDER_IDS = 'id COLLATE "C"'
    # the facts table (progress facts): exact sums, days and the last measurement in native types
    NUMBER_TYPE = "numeric"
    DATE_TYPE = "date"
    JSON_TYPE = "jsonb"
    PERIOD_FIELD = "{table}data->>'period'"
    DONE_FIELD = "{table}data->>'done'"
    SNAPSHOT_TYPES = SNAPSHOT_TYPES

    def __init__(self, url: str):
        super().__init__(url)
        self._conn: psycopg.Connection | None = None
        self._open()

    def _connection(self) -> psycopg.Connection:
        if self._conn is None or self._conn.closed or self._conn.broken:
            try:
                conn = psycopg.connect(self.url, autocommit=True, connect_timeout=CONNECT_TIMEOUT_SECONDS)
            except psycopg.Error as exc:
                raise StoreError(Message("postgresql.cannot_connect", url=redact_url(self.url),
                                         error=_first_line(exc))) from None
            set_json_loads(orjson.loads, conn)
            self._conn = conn
        return self._conn

    @contextlib.contextmanager
    def _transaction(self, write: bool) -> Iterator[psycopg.Cursor]:
        conn = self._connection()
        try:
            with conn.transaction(), conn.cursor() as cur:
                if not write:
                    cur.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
                yield cur
        except psycopg.Error as exc:
            raise StoreError(Message("postgresql.error", url=redact_url(self.url), error=_first_line(exc))) from exc

    def _schema_statements(self) -> list[str]:
        return [*_SCHEMA, *snapshot_statements(**SNAPSHOT_TYPES)]

    def _existing_tables(self, cur) -> set[str]:
        cur.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema()")
        return {name for (name,) in cur.fetchall()}

    def _foreign_tables_block(self, tables: set[str]) -> bool:
        return False  # our tables are prefixed: they live beside other applications' tables

    def _lock_schema(self, cur) -> None:
        cur.execute("SELECT pg_advisory_xact_lock(hashtext('actionplan:' || coalesce(current_schema(), '')))")

    def _json_in(self, data: Any) -> Any:
        return Jsonb(data, dumps=_dumps)

    def _time_in(self, value):
        return value

    def _time_out(self, value):
        return parse_time(value)

    def _date_in(self, value):
        return value

    def _decimal_in(self, value):
        return value

    #: From this many rows on, measurements are written with ``COPY`` rather than batched inserts.
    COPY_FROM_ROWS = 1000

    def _write_measurement_rows(self, cur, rows: list[tuple]) -> None:
        if len(rows) < self.COPY_FROM_ROWS:
            super()._write_measurement_rows(cur, rows)
            return
        with cur.copy("COPY actionplan_measurements (plan_id, indicator_id, date, value, recorded_at, recorded_by, "
                      "data, update_id, status) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


def _first_line(exc: Exception) -> str:
    return (str(exc).strip().splitlines() or [type(exc).__name__])[0]
