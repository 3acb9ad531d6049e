"""The embedded store: progress.duckdb beside the facts database, a file the pipeline never rebuilds
(the default; store.py says when PostgreSQL is used instead).

DuckDB lets only one process hold a read-write connection, so every write opens the file for just one
transaction and every read uses a short read-only connection. Every opening, from its first read of
the file to the connection's close, holds the store's lock file (progress.duckdb.lock): shared to
read, exclusive to write. DuckDB's own lock is not enough: it reads the file's headers before it
takes that lock, so an opener that raced a writer's closing checkpoint worked from the headers before
it, and its own checkpoint then dropped that writer's last entry (or met blocks the checkpoint had cut
off). A change is told by the file's and its write-ahead log's stat.
"""
from __future__ import annotations

import contextlib
import fcntl
import os
import random
import time
from pathlib import Path
from typing import Sequence

import duckdb
import pandas as pd

from pipeline.ledger import store

LOCK_WAIT_SECONDS = 20.0


class Connection:
    """A DuckDB connection as the ledger uses it (store.Connection)."""

    def __init__(self, con: duckdb.DuckDBPyConnection):
        self.con = con

    def execute(self, sql: str, params: Sequence = ()):
        return self.con.execute(sql, list(params))

    def frame(self, sql: str, params: Sequence = ()) -> pd.DataFrame:
        return self.con.execute(sql, list(params)).df()


def _is_busy(error: duckdb.Error) -> bool:
    """Another process holds the file, or this process has it open with the other read mode."""
    message = str(error)
    return "lock" in message.lower() or "different configuration" in message


def _wait(pause: float) -> float:
    """Sleep a little (jitter: waiting writers don't collide again); the next, longer pause."""
    time.sleep(pause * random.uniform(0.5, 1.5))
    return min(pause * 2, 0.1)


@contextlib.contextmanager
def _store_lock(path: Path, read_only: bool, deadline: float):
    """The store's lock file held for the block (flock: also between threads of one process), shared to
    read, exclusive to write. A reader that cannot make the lock file (a folder it may not write, so no
    writer of its own) reads without it."""
    lock_path = f"{path}.lock"
    try:
        fd = os.open(lock_path, os.O_RDONLY | os.O_CREAT | os.O_CLOEXEC, 0o666)
    except OSError:
        if not read_only:
            raise
        fd = None
    if fd is None:
        yield
        return
    try:
        pause = 0.001
        while True:
            try:
                fcntl.flock(fd, (fcntl.LOCK_SH if read_only else fcntl.LOCK_EX) | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise duckdb.IOException(f'Could not set lock on file "{lock_path}": another process '
                                             f"held it for {LOCK_WAIT_SECONDS:.0f} s") from None
                pause = _wait(pause)
        yield
    finally:
        os.close(fd)  # releases the lock


@contextlib.contextmanager
def connect(path: Path, read_only: bool):
    """A connection held only for the block, opened and closed under the store's lock file; retried
    while the file is busy (DuckDB's own lock: a process that does not take the lock file)."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    with _store_lock(path, read_only, deadline):
        pause = 0.005
        while True:
            try:
                con = duckdb.connect(str(path), read_only=read_only)
                break
            except (duckdb.IOException, duckdb.ConnectionException) as error:
                if not _is_busy(error) or time.monotonic() > deadline:
                    raise
                pause = _wait(pause)
        try:
            yield con
        finally:
            con.close()


class EmbeddedStore:
    def __init__(self, path: Path):
        self.path = Path(path)
        self.key = ("embedded", self.path.resolve())
        self.label = str(self.path)

    @contextlib.contextmanager
    def writing(self, schema: str = "", exclusive: bool = False):
        """The schema is made in its own step (an old file is upgraded by it), then one transaction.
        exclusive needs nothing more: the file has one writer at a time."""
        self.path.parent.mkdir(parents=True, exist_ok=True)
        with connect(self.path, read_only=False) as con:
            if schema:
                con.execute(schema)
            con.begin()
            try:
                yield Connection(con)
            except BaseException:
                con.rollback()
                raise
            con.commit()

    @contextlib.contextmanager
    def reading(self, *needed: str):
        """One read-only connection (each costs milliseconds: checks and reads share it); None when
        the file or a needed table is not there (nothing is created by reading)."""
        if not self.path.exists():
            yield None
            return
        with connect(self.path, read_only=True) as con:
            connection = Connection(con)
            yield connection if set(needed) <= store.table_names(connection) else None

    def tables(self) -> set[str]:
        if not self.path.exists():
            return set()
        with connect(self.path, read_only=True) as con:
            return store.table_names(Connection(con))

    def signature(self) -> tuple:
        marks = []
        for path in (self.path, Path(f"{self.path}.wal")):
            try:
                stat = os.stat(path)
                marks.append((stat.st_mtime_ns, stat.st_size, stat.st_ino))
            except FileNotFoundError:
                marks.append(None)
        return tuple(marks)
