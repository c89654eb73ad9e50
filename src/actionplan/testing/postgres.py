"""A throwaway PostgreSQL server for tests and benchmarks, from the installed binaries.

:class:`PostgresServer` runs ``initdb`` and ``pg_ctl`` in a temporary folder, on
127.0.0.1 and a free port, with ``fsync=off`` (nothing here must survive) unless it is
made ``durable`` (benchmarks: the settings a production server keeps, ``fsync``,
``synchronous_commit`` and ``full_page_writes`` on), and removes everything when stopped. The server binaries refuse to run as root: as root they are run
as the ``postgres`` user through ``runuser``. Use it from pytest with the session fixture::

    from actionplan.testing.postgres import postgres_server  # noqa: F401  (in conftest.py)

Each test then gets an empty store of its own with :meth:`PostgresServer.new_store_url`
(a schema of its own, chosen through the URL's ``options=-csearch_path=…``).
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path

#: Where Debian and Ubuntu install the server binaries; ``$ACTIONPLAN_PG_BIN`` overrides.
PG_BIN_GLOB = "/usr/lib/postgresql/*/bin"


def find_pg_bin() -> Path | None:
    """The newest folder holding ``initdb`` and ``pg_ctl``, or ``None`` when PostgreSQL is absent."""
    candidates = [os.environ["ACTIONPLAN_PG_BIN"]] if os.environ.get("ACTIONPLAN_PG_BIN") else []
    candidates += sorted(glob.glob(PG_BIN_GLOB), key=lambda p: [int(n) for n in re.findall(r"\d+", p)], reverse=True)
    on_path = shutil.which("pg_ctl")
    if on_path:
        candidates.append(str(Path(on_path).parent))
    for folder in candidates:
        if all(os.access(Path(folder) / tool, os.X_OK) for tool in ("initdb", "pg_ctl")):
            return Path(folder)
    return None


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class PostgresServer:
    """One PostgreSQL cluster in a temporary folder, started and removed on demand."""

    #: What makes a throwaway server fast and unsafe: never for a server whose figures are published.
    UNSAFE_SETTINGS = "-c fsync=off -c synchronous_commit=off -c full_page_writes=off"

    def __init__(self, bindir: Path, *, durable: bool = False):
        self.bindir = Path(bindir)
        #: With ``durable``, a commit reaches the disk before it returns (PostgreSQL's defaults).
        self.durable = durable
        self.folder: Path | None = None
        self.port: int | None = None

    @property
    def dsn(self) -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, *command: str) -> subprocess.CompletedProcess:
        """Run a server binary, as the ``postgres`` user when we are root."""
        prefix = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
        result = subprocess.run([*prefix, *command], capture_output=True, text=True, timeout=120)
        if result.returncode != 0:
            raise RuntimeError(f"{' '.join(command)} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def start(self) -> PostgresServer:
        self.folder = Path(tempfile.mkdtemp(prefix="actionplan-pg-"))
        if os.geteuid() == 0:
            shutil.chown(self.folder, "postgres", "postgres")
        data = self.folder / "data"
        self._run(str(self.bindir / "initdb"), "-D", str(data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        for attempt in range(3):
            self.port = free_port()
            options = (f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c max_connections=100"
                       + ("" if self.durable else f" {self.UNSAFE_SETTINGS}"))
            try:
                self._run(str(self.bindir / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "server.log"), "-w",
                          "-t", "60", "-o", options, "start")
                return self
            except RuntimeError:
                if attempt == 2:
                    log = (self.folder / "server.log").read_text(errors="replace")[-2000:]
                    self.stop()
                    raise RuntimeError(f"PostgreSQL did not start; its log ends with:\n{log}") from None
        return self  # pragma: no cover

    def stop(self) -> None:
        if self.folder is None:
            return
        data = self.folder / "data"
        if (data / "postmaster.pid").exists():
            with contextlib.suppress(RuntimeError, subprocess.TimeoutExpired):
                self._run(str(self.bindir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w", "stop")
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None

    def execute(self, *statements: str) -> None:
        """Run administration statements (no parameters) as the superuser."""
        import psycopg

        with psycopg.connect(self.dsn, autocommit=True) as conn:
            for statement in statements:
                conn.execute(statement)

    def new_store_url(self) -> str:
        """The URL of a new, empty store: a schema of its own in the server's database."""
        schema = f"store_{uuid.uuid4().hex[:16]}"
        self.execute(f'CREATE SCHEMA "{schema}"')  # a name we made: letters, digits and '_'
        return f"{self.dsn}?options=-csearch_path%3D{schema}"

    def __enter__(self) -> PostgresServer:
        return self.start()

    def __exit__(self, *exc_info) -> None:
        self.stop()


try:
    import pytest
except ImportError:  # pragma: no cover - benchmarks may run without pytest
    _with_pytest = False
else:
    _with_pytest = True

if _with_pytest:

    @pytest.fixture(scope="session")
    def postgres_server() -> Iterator[PostgresServer]:
        """A PostgreSQL server for the whole test session; skipped only where PostgreSQL is not installed."""
        bindir = find_pg_bin()
        if bindir is None:
            pytest.skip(f"PostgreSQL server binaries (initdb, pg_ctl) not found in {PG_BIN_GLOB}, "
                        "$ACTIONPLAN_PG_BIN or PATH: install the postgresql package to run these tests")
        with PostgresServer(bindir) as server:
            yield server
