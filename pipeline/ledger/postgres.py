"""The PostgreSQL store, when TRACKER_STORE=postgresql://user@host/db is set: app replicas on several
hosts, each reading its own copy of the facts database, all writing this one store.

psycopg 3 with one connection pool a process (psycopg_pool): a page view borrows a connection for a
read or one write's transaction and gives it back. Connections are checked when borrowed, so a
restarted server costs no failed page. Every write is one transaction, so a process killed mid-write
leaves nothing of it; the logs' rows carry random ids, so two processes appending at once never
collide. The schema is made once a process, under an advisory lock (two processes starting at once
do not race to create a table). A change is told by one counter row every write transaction bumps:
every process reads it before a cached reading it guards.

The SQL only PostgreSQL runs is in this module; the ledger's modules write the portable rest with `?`
parameters, turned into psycopg's here.
"""
from __future__ import annotations

import contextlib
import re
import threading
from functools import lru_cache
from typing import Sequence

import numpy as np
import pandas as pd
import psycopg
from psycopg_pool import ConnectionPool

from pipeline.ledger import store

POOL_SIZE = 10         # connections a process at most (PostgreSQL's default max_connections is 100)
POOL_TIMEOUT = 10.0    # seconds a page waits for a connection before it fails

CHANGES_SCHEMA = """
CREATE TABLE IF NOT EXISTS ledger_changes (one BOOLEAN PRIMARY KEY DEFAULT true CHECK (one), n BIGINT NOT NULL);
INSERT INTO ledger_changes VALUES (true, 0) ON CONFLICT DO NOTHING"""
BUMP = "UPDATE ledger_changes SET n = n + 1"
CHANGES = "SELECT n FROM ledger_changes"
LOCK = "SELECT pg_advisory_xact_lock(%s)"
SCHEMA_LOCK, EXCLUSIVE_LOCK = 7_180_001, 7_180_002  # advisory lock keys: making the schema, a migration

# dtypes of a query's columns by PostgreSQL type, as DuckDB's .df() gives them for the same columns:
# integers and booleans nullable only when a value is missing, text as object when every value is
_DTYPES = {
    "timestamp": "datetime64[us]", "date": "datetime64[us]", "float8": "float64", "float4": "float64",
    "int2": "int16", "int4": "int32", "int8": "int64", "bool": "bool", "text": "str", "varchar": "str",
}
_NULLABLE = {"int16": "Int16", "int32": "Int32", "int64": "Int64", "bool": "boolean"}
_TYPE_NAMES = {info.oid: info.name for info in psycopg.postgres.types if info.name in _DTYPES}


@lru_cache(maxsize=512)
def _psycopg_sql(sql: str) -> str:
    """`?` parameters as psycopg's %s (a literal % doubled), outside quoted strings."""
    parts = re.split(r"('(?:[^']|'')*')", sql)
    return "".join(part if n % 2 else part.replace("%", "%%").replace("?", "%s") for n, part in enumerate(parts))


def _value(value):
    """A parameter as psycopg adapts it: numpy scalars as Python's, NaT as NULL."""
    if value is pd.NaT:
        return None
    if isinstance(value, np.generic):
        return value.item()
    return value


class Connection:
    """A pooled psycopg connection as the ledger uses it (store.Connection)."""

    def __init__(self, con: psycopg.Connection):
        self.con = con

    def execute(self, sql: str, params: Sequence = ()):
        if not params:
            return self.con.execute(sql)
        return self.con.execute(_psycopg_sql(sql), [_value(v) for v in params])

    def frame(self, sql: str, params: Sequence = ()) -> pd.DataFrame:
        cursor = self.execute(sql, params)
        names = [column.name for column in cursor.description]
        frame = pd.DataFrame.from_records(cursor.fetchall(), columns=names)
        for name, column in zip(names, cursor.description):
            kind, values = _DTYPES.get(_TYPE_NAMES.get(column.type_code)), frame[name]
            missing = values.isna()
            if kind == "datetime64[us]":
                frame[name] = pd.to_datetime(values.astype(object)).astype(kind)
            elif kind == "str" and missing.all():
                frame[name] = values.astype(object).where(~missing, None)
            elif kind:
                frame[name] = values.astype(_NULLABLE.get(kind, kind) if missing.any() else kind)
        return frame


def redacted(url: str) -> str:
    """The URL without its password, for messages."""
    return re.sub(r"(://[^:/@]+):[^@]*@", r"\1:***@", url)


class PostgresStore:
    def __init__(self, url: str):
        self.url = url
        self.key = ("postgresql", url)
        self.label = redacted(url)
        self.pool = ConnectionPool(url, min_size=1, max_size=POOL_SIZE, timeout=POOL_TIMEOUT, open=True,
                                   kwargs={"autocommit": True}, check=ConnectionPool.check_connection,
                                   name="tracker-ledger")
        self._made: set[str] = set()   # schemas this process made (or found made)
        self._known: set[str] = set()  # tables seen: a ledger table is never dropped
        self._lock = threading.Lock()
        try:
            self._make(CHANGES_SCHEMA)
        except BaseException:
            self.pool.close()
            raise

    def _make(self, schema: str) -> None:
        if schema in self._made:
            return
        with self._lock, self.pool.connection() as con, con.transaction():
            con.execute(LOCK, [SCHEMA_LOCK])
            con.execute(schema)
            self._known |= store.table_names(Connection(con))
            self._made.add(schema)

    @contextlib.contextmanager
    def writing(self, schema: str = "", exclusive: bool = False):
        if schema:
            self._make(schema)
        with self.pool.connection() as con, con.transaction():
            if exclusive:
                con.execute(LOCK, [EXCLUSIVE_LOCK])
            yield Connection(con)
            con.execute(BUMP)  # last, so the counter's row is held only while committing

    @contextlib.contextmanager
    def reading(self, *needed: str):
        with self.pool.connection() as con:
            connection = Connection(con)
            if not set(needed) <= self._known:
                self._known |= store.table_names(connection)
            yield connection if set(needed) <= self._known else None

    def tables(self) -> set[str]:
        with self.pool.connection() as con:
            self._known |= store.table_names(Connection(con))
        return set(self._known)

    def signature(self) -> int:
        with self.pool.connection() as con:
            return con.execute(CHANGES).fetchone()[0]

    def close(self) -> None:
        self.pool.close()


_stores: dict[str, PostgresStore] = {}
_stores_lock = threading.Lock()


def shared(url: str) -> PostgresStore:
    """This process's store (and pool) for the URL, opened on first use."""
    with _stores_lock:
        found = _stores.get(url)
        if found is None:
            found = _stores[url] = PostgresStore(url)
        return found


def close_all() -> None:
    with _stores_lock:
        for opened in _stores.values():
            opened.close()
        _stores.clear()
