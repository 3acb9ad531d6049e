"""The app's own store: progress.duckdb beside the facts database, a file the pipeline never
rebuilds. It holds what people add to the facts: the progress log (progress.py), the corrections
log (corrections.py), staff accounts with their failed sign-ins (users.py) and the staff's sign-in
sessions (sessions.py), all in this package.

DuckDB lets only one process hold a read-write connection, so every write opens the file for
just one transaction and every read uses a short read-only connection; both retry briefly while
another process or thread holds the file.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import random
import time
from pathlib import Path

import duckdb

LOCK_WAIT_SECONDS = 20.0


def now() -> dt.datetime:
    """The time the ledger records (UTC, without a zone: as DuckDB's TIMESTAMP holds it); tests move it."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def default_progress_path(tracker_db: Path) -> Path:
    """Next to the facts database, but a file the pipeline never rebuilds."""
    return Path(tracker_db).with_name("progress.duckdb")


def signature(store: Path) -> tuple:
    """What changes when anything is written to the store (its file and its write-ahead log): a
    cheap test of whether a cached reading of it is still current."""
    marks = []
    for path in (Path(store), Path(f"{store}.wal")):
        try:
            stat = os.stat(path)
            marks.append((stat.st_mtime_ns, stat.st_size, stat.st_ino))
        except FileNotFoundError:
            marks.append(None)
    return tuple(marks)


def _is_busy(error: duckdb.Error) -> bool:
    """Another process holds the file, or this process has it open with the other read mode."""
    message = str(error)
    return "lock" in message.lower() or "different configuration" in message


@contextlib.contextmanager
def connect(path: Path, read_only: bool):
    """A connection held only for the block, retried while the file is busy."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    pause = 0.005
    while True:
        try:
            con = duckdb.connect(str(path), read_only=read_only)
            break
        except (duckdb.IOException, duckdb.ConnectionException) as error:
            if not _is_busy(error) or time.monotonic() > deadline:
                raise
            time.sleep(pause * random.uniform(0.5, 1.5))  # jitter: waiting writers don't collide again
            pause = min(pause * 2, 0.1)
    try:
        yield con
    finally:
        con.close()


def has_table(path: Path, table: str) -> bool:
    """Whether the store exists and holds this table (nothing is created by reading)."""
    if not Path(path).exists():
        return False
    with connect(Path(path), read_only=True) as con:
        return con.execute("SELECT 1 FROM duckdb_tables() WHERE table_name = ?", [table]).fetchone() is not None
