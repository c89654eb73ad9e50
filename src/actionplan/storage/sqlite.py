"""The embedded default store: ``sqlite:PATH`` (``sqlite:actionplan.db`` when no URL is given).

One file, no server, safe for several processes at once: WAL journal (readers never wait),
``BEGIN IMMEDIATE`` for every write (writers queue, up to :data:`BUSY_TIMEOUT_SECONDS`), and
``synchronous=FULL`` so a committed save survives a crash. Values keep every digit: amounts
and measurement values are stored as decimal text, documents as JSON text.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from ..errors import StoreError
from ..hookspecs import hookimpl
from . import url_path
from .sql import REVIEW_INDEXES, SQLITE_SNAPSHOT_TYPES, SqlStore, snapshot_statements
from ..i18n import N_, Message

#: How long a writer waits for another one before giving up.
BUSY_TIMEOUT_SECONDS = 60.0

_SCHEMA = (
    "CREATE TABLE actionplan_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)",
    """CREATE TABLE actionplan_documents (
        id TEXT PRIMARY KEY,
        type TEXT NOT NULL,
        version INTEGER NOT NULL CHECK (version > 0),
        deleted INTEGER NOT NULL DEFAULT 0,
        title TEXT,
        organisation TEXT,
        data TEXT,
        updated_at TEXT NOT NULL,
        updated_by TEXT
    )""",
    "CREATE INDEX actionplan_documents_type ON actionplan_documents (type, id)",
    "CREATE INDEX actionplan_documents_organisation ON actionplan_documents (organisation, id)",
    """CREATE TABLE actionplan_document_territories (
        doc_id TEXT NOT NULL REFERENCES actionplan_documents (id),
        territory TEXT NOT NULL,
        PRIMARY KEY (doc_id, territory)
    )""",
    "CREATE INDEX actionplan_document_territories_territory ON actionplan_document_territories (territory, doc_id)",
    """CREATE TABLE actionplan_history (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        doc_id TEXT NOT NULL,
        version INTEGER,
        action TEXT NOT NULL,
        changed_at TEXT NOT NULL,
        author TEXT,
        comment TEXT,
        changes TEXT NOT NULL
    )""",
    "CREATE INDEX actionplan_history_doc ON actionplan_history (doc_id, seq)",
    """CREATE TABLE actionplan_measurements (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        plan_id TEXT NOT NULL,
        indicator_id TEXT NOT NULL,
        date TEXT NOT NULL,
        value TEXT,
        recorded_at TEXT NOT NULL,
        recorded_by TEXT,
        data TEXT NOT NULL,
        update_id TEXT,
        status TEXT NOT NULL DEFAULT 'counted'
    )""",
    "CREATE INDEX actionplan_measurements_plan ON actionplan_measurements (plan_id, indicator_id, date)",
    *REVIEW_INDEXES,
    """CREATE TABLE actionplan_events (
        seq INTEGER PRIMARY KEY AUTOINCREMENT,
        doc_id TEXT NOT NULL,
        kind TEXT NOT NULL,
        date TEXT NOT NULL,
        recorded_at TEXT NOT NULL,
        recorded_by TEXT,
        data TEXT NOT NULL
    )""",
    "CREATE INDEX actionplan_events_doc ON actionplan_events (doc_id, kind, date)",
    *snapshot_statements(**SQLITE_SNAPSHOT_TYPES),
)


class SqliteStore(SqlStore):
    """A store in one SQLite file."""

    def __init__(self, url: str, path: str | Path):
        super().__init__(url)
        self.path = Path(path)
        self._conn: sqlite3.Connection | None = None
        self._open()

    def _connect(self, create: bool) -> sqlite3.Connection | None:
        """The connection; the file is only created by a write (opening or reading creates nothing)."""
        if self._conn is not None:
            return self._conn
        if self.path.is_dir():
            raise StoreError(Message("storage.sqlite.folder_not_sqlite_file_did", url=self.url, path=self.path))
        if not create and not self.path.exists():
            return None
        try:
            if create:
                self.path.parent.mkdir(parents=True, exist_ok=True)
            uri = f"{self.path.absolute().as_uri()}?mode={'rwc' if create else 'rw'}"
            conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_SECONDS, isolation_level=None)
        except (OSError, sqlite3.OperationalError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) else exc
            code = N_("storage.sqlite.cannot_create") if create else N_("storage.sqlite.cannot_open")
            raise StoreError(Message(code, url=self.url, path=str(self.path), reason=str(reason))) from None
        try:
            tables = {name for (name,) in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
            if "actionplan_meta" in tables or not tables:
                # WAL is written into the file: only for our stores, never another application's
                # database, which the schema check then refuses untouched.
                conn.execute("PRAGMA journal_mode=WAL").fetchone()
            conn.execute("PRAGMA synchronous=FULL")
            conn.execute("PRAGMA foreign_keys=ON")
        except sqlite3.DatabaseError as exc:
            conn.close()
            if "not a database" in str(exc):
                raise StoreError(Message("storage.sqlite.not_sqlite_database", url=self.url, path=self.path, exc=exc)) from None
            raise StoreError(Message("storage.sqlite.cannot_open", url=self.url, path=self.path, exc=exc)) from None
        self._conn = conn
        return conn

    @contextlib.contextmanager
    def _transaction(self, write: bool) -> Iterator[sqlite3.Cursor | None]:
        try:
            conn = self._connect(create=write)
            if conn is None:
                yield None
                return
            conn.execute("BEGIN IMMEDIATE" if write else "BEGIN")
            try:
                yield conn.cursor()
            except BaseException:
                if conn.in_transaction:
                    conn.rollback()
                raise
            conn.commit()
        except sqlite3.OperationalError as exc:
            if "locked" in str(exc) or "busy" in str(exc):
                raise StoreError(Message("storage.sqlite.another_process_kept_store_busy", url=self.url,
                                         BUSY_TIMEOUT_SECONDS=BUSY_TIMEOUT_SECONDS)) from exc
            raise StoreError(Message("storage.sqlite.message", url=self.url, exc=exc)) from exc
        except sqlite3.Error as exc:
            raise StoreError(Message("storage.sqlite.message_2", url=self.url, exc=exc)) from exc

    def _schema_statements(self) -> list[str]:
        return list(_SCHEMA)

    def _existing_tables(self, cur) -> set[str]:
        rows = cur.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
        return {name for (name,) in rows if not name.startswith("sqlite_")}

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()
            self._conn = None


@hookimpl
def actionplan_open_store(url):
    path = url_path(url, "sqlite")
    if path is None:
        return None
    return SqliteStore(url, path)
