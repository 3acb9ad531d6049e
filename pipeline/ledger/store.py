"""The app's own store: what people add to the facts (progress, corrections, accounts with their failed
sign-ins, sessions, the reminders log; the modules of this package), kept apart from the facts
database the pipeline rebuilds.

One interface, two backends:
- embedded (the default): progress.duckdb beside the facts database (embedded.py), right for one
  server;
- PostgreSQL when TRACKER_STORE=postgresql://user@host/db is set (postgres.py): app replicas on
  several hosts, each reading its own copy of the facts database, all writing one store.

The ledger's modules write SQL both run (the portable subset: standard types, `?` parameters,
ON CONFLICT, information_schema); what the two do differently (opening, transactions, making the
schema, telling a change, reading rows into a frame) lives in the backend's own module. Every ledger
function takes `store_db`, the embedded store's path (store_path/default_progress_path), which
TRACKER_STORE overrides, or an open Store.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import json
import os
from pathlib import Path
from typing import Hashable, Iterator, Protocol, Sequence

import duckdb
import pandas as pd
import psycopg

STORE_ENV = "TRACKER_STORE"
ERRORS = (duckdb.Error, psycopg.Error)  # what reading or writing a store may raise, whichever it is
INSERT_BATCH = 200  # rows a statement: one VALUES list each


def now() -> dt.datetime:
    """The time the ledger records (UTC, without a zone: as a TIMESTAMP column holds it); tests move it."""
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def default_progress_path(tracker_db: Path) -> Path:
    """Next to the facts database, but a file the pipeline never rebuilds."""
    return Path(tracker_db).with_name("progress.duckdb")


class Connection(Protocol):
    """A connection of either backend, held for one block: execute() with `?` parameters (a cursor
    with fetchone, fetchall, description), frame() for a query's rows as a DataFrame (the same dtypes
    from both)."""

    def execute(self, sql: str, params: Sequence = ()): ...

    def frame(self, sql: str, params: Sequence = ()) -> pd.DataFrame: ...


class Store(Protocol):
    key: Hashable  # one per store: what the caches of readers are keyed on
    label: str     # for messages: the file, or the URL without its password

    def writing(self, schema: str = "", exclusive: bool = False) -> contextlib.AbstractContextManager[Connection]:
        """One transaction, committed at the end of the block (rolled back if it raises); `schema`
        (CREATE ... IF NOT EXISTS statements) is made first. exclusive: no other exclusive writer runs
        meanwhile (the migration)."""

    def reading(self, *needed: str) -> contextlib.AbstractContextManager[Connection | None]:
        """A connection to read with, or None when a needed table is not there yet (nothing is created
        by reading)."""

    def tables(self) -> set[str]:
        """The tables the store holds (none created by asking)."""

    def signature(self) -> Hashable:
        """What changes whenever anything is written to the store, from any process: a cheap test of
        whether a cached reading is still current. Read it before the data it guards."""


def at(where) -> Store:
    """The store the ledger uses: PostgreSQL at $TRACKER_STORE when it is set, else the embedded file
    at `where` (a path); a Store or a postgresql:// URL is taken as it is."""
    if not isinstance(where, (str, Path)):
        return where
    url = os.environ.get(STORE_ENV, "").strip()
    if isinstance(where, str) and is_url(where):
        url = where
    if url:
        if not is_url(url):
            raise ValueError(f"{STORE_ENV} must be a postgresql:// URL, not {url!r}")
        from pipeline.ledger import postgres
        return postgres.shared(url)
    from pipeline.ledger import embedded
    return embedded.EmbeddedStore(Path(where))


def is_url(text: str) -> bool:
    return text.startswith(("postgresql://", "postgres://"))


def embedded_at(path: Path) -> Store:
    """The embedded store at this path, whatever TRACKER_STORE says (the migration's source)."""
    from pipeline.ledger import embedded
    return embedded.EmbeddedStore(Path(path))


def close_all() -> None:
    """Close every PostgreSQL pool this process opened (tests, commands that end)."""
    from pipeline.ledger import postgres
    postgres.close_all()


def has_table(where, table: str) -> bool:
    """Whether the store holds this table (nothing is created by asking)."""
    return table in at(where).tables()


def signature(where) -> Hashable:
    return at(where).signature()


def reading(where, *needed: str):
    """at(where).reading(*needed): a connection, or None while a needed table is not there."""
    return at(where).reading(*needed)


def writing(where, schema: str = ""):
    """at(where).writing(schema): one transaction."""
    return at(where).writing(schema)


def table_names(con: Connection) -> set[str]:
    """The tables (and views) on this connection's schema (information_schema: both backends have it)."""
    return {row[0] for row in con.execute("SELECT table_name FROM information_schema.tables "
                                          "WHERE table_schema = current_schema()").fetchall()}


def columns(con: Connection, table: str) -> list[str]:
    """The table's columns in order (information_schema: both backends have it)."""
    return [row[0] for row in con.execute(
        """SELECT column_name FROM information_schema.columns
           WHERE table_schema = current_schema() AND table_name = ? ORDER BY ordinal_position""", [table]).fetchall()]


def insert(con: Connection, table: str, names: Sequence[str], rows: Sequence[Sequence], key: str | None = None) -> int:
    """Insert rows (values in the order of `names`) in as few statements as the batch allows. With a
    key, a row whose key is already there is skipped (a retried or repeated write adds nothing).
    Returns how many were added."""
    added = 0
    listed = ", ".join(names)
    one = f"({', '.join('?' * len(names))})"
    for start in range(0, len(rows), INSERT_BATCH):
        batch = rows[start:start + INSERT_BATCH]
        sql = f"INSERT INTO {table} ({listed}) VALUES {', '.join([one] * len(batch))}"
        params = [value for row in batch for value in row]
        if key is None:
            con.execute(sql, params)
            added += len(batch)
        else:
            added += len(con.execute(f"{sql} ON CONFLICT ({key}) DO NOTHING RETURNING {key}", params).fetchall())
    return added


def row_digest(row: Sequence) -> str:
    """A row's digest, the same from either backend (values as text, each kind its own way)."""
    def plain(value):
        if value is None:
            return None
        if isinstance(value, bool):
            return "true" if value else "false"
        if isinstance(value, (dt.datetime, dt.date)):
            return value.isoformat()
        if isinstance(value, float):
            return repr(value)
        return str(value)
    return hashlib.sha256(json.dumps([plain(v) for v in row], ensure_ascii=False).encode()).hexdigest()


def checksum(rows: Iterator[Sequence]) -> str:
    """A table's checksum, whatever the order of its rows: the digest of its rows' sorted digests."""
    return hashlib.sha256("".join(sorted(row_digest(r) for r in rows)).encode()).hexdigest()[:16]
