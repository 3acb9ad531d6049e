"""A throwaway PostgreSQL server for the tests and the benchmark: Debian's postgresql package (installed
by .ci/system-deps.sh), initdb into a temp folder, pg_ctl on a free port, stopped and removed at the
end. PostgreSQL refuses to run as root, so as root (CI) initdb and the server run as an unprivileged
user: postgres (the package makes it), else nobody.
"""
from __future__ import annotations

import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from urllib.parse import quote

import psycopg

SUPERUSER = "tracker"


def binaries() -> Path:
    """The folder of initdb and pg_ctl: Debian keeps them in /usr/lib/postgresql/<version>/bin (the
    newest), off the PATH."""
    found = sorted(Path("/usr/lib/postgresql").glob("*/bin/initdb"), key=lambda p: int(p.parts[-3]) if
                   p.parts[-3].isdigit() else 0)
    if found:
        return found[-1].parent
    on_path = shutil.which("initdb")
    if on_path:
        return Path(on_path).parent
    raise RuntimeError("PostgreSQL is not installed (initdb not found): `make setup` installs Debian's postgresql")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class PostgresServer:
    """start() runs initdb and the server; url is its database `tracker`; stop() ends and removes it.
    durable=False turns fsync off (tests: the server is never the one killed); the benchmark keeps
    PostgreSQL's defaults."""

    def __init__(self, durable: bool = True):
        self.durable = durable
        self.folder: Path | None = None
        self.port = 0
        self.user = None
        if os.geteuid() == 0:
            self.user = next((name for name in ("postgres", "nobody") if _exists(name)), None)
            if self.user is None:
                raise RuntimeError("running as root and no unprivileged user (postgres, nobody) to run PostgreSQL as")

    def _run(self, *command: str) -> None:
        prefix = ["runuser", "-u", self.user, "--"] if self.user else []
        result = subprocess.run([*prefix, *command], cwd=self.folder, capture_output=True, text=True)
        if result.returncode != 0:
            log = self.folder / "server.log"
            raise RuntimeError(f"{' '.join(command[:2])} failed: {result.stderr.strip()[-2000:]}"
                               + (f"\n{log.read_text()[-2000:]}" if log.exists() else ""))

    def start(self) -> "PostgresServer":
        # the server's user must reach the folder: /tmp, not a TMPDIR only root may enter
        self.folder = Path(tempfile.mkdtemp(prefix="tracker-postgres-", dir="/tmp" if self.user else None))
        if self.user:
            entry = pwd.getpwnam(self.user)
            os.chown(self.folder, entry.pw_uid, entry.pw_gid)
        bin_dir, data = binaries(), self.folder / "data"
        self._run(str(bin_dir / "initdb"), "-D", str(data), "-U", SUPERUSER, "--auth=trust", "-E", "UTF8",
                  "--no-locale", "--no-sync")
        self.port = free_port()
        settings = [f"-p {self.port}", "-c listen_addresses=127.0.0.1", f"-c unix_socket_directories={self.folder}",
                    "-c max_connections=300"]
        if not self.durable:
            settings += ["-c fsync=off", "-c synchronous_commit=off", "-c full_page_writes=off"]
        self._run(str(bin_dir / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "server.log"), "-w", "-t", "60",
                  "-o", " ".join(settings), "start")
        with psycopg.connect(self.admin_url("postgres"), autocommit=True) as con:
            con.execute("CREATE DATABASE tracker")
        return self

    def admin_url(self, database: str = "tracker") -> str:
        return f"postgresql://{SUPERUSER}@127.0.0.1:{self.port}/{database}"

    @property
    def url(self) -> str:
        return self.admin_url()

    def fresh_url(self) -> str:
        """The URL of a new, empty schema of the database (a store of its own, made in milliseconds)."""
        schema = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(self.url, autocommit=True) as con:
            con.execute(f"CREATE SCHEMA {schema}")
        return f"{self.url}?options={quote(f'-csearch_path={schema}')}"

    def restart(self) -> None:
        """Stop the server and start it again (its clients' connections are cut, as by a failover)."""
        self._run(str(binaries() / "pg_ctl"), "-D", str(self.folder / "data"), "-l", str(self.folder / "server.log"),
                  "-m", "fast", "-w", "-t", "60", "restart")

    def stop(self) -> None:
        if self.folder is None:
            return
        try:
            if (self.folder / "data" / "postmaster.pid").exists():
                self._run(str(binaries() / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)
            self.folder = None

    def __enter__(self) -> "PostgresServer":
        return self.start()

    def __exit__(self, *exc) -> None:
        self.stop()


def _exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
        return True
    except KeyError:
        return False
