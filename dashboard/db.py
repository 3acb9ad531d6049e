"""The app's handle on the facts database: connections, result caches and background work.
Every query lives in dashboard/queries.py and reads through read() / read_row() here.

Connections. The pipeline replaces the database file with os.replace while the app runs. Each
database file identity (path, mtime_ns, size, inode) gets one long-lived handle: an in-memory DuckDB
that ATTACHes the file READ_ONLY. A new identity gets a new handle, and the old one is closed as
soon as no query uses it, so a rebuild shows on the next interaction. ATTACH from an in-memory
database (rather than duckdb.connect(path)) keeps the handle out of DuckDB's per-path instance
cache, so no other connect() in this process is ever handed our stale database, nor we theirs.
Results are also cached on the identity.

Corrections. Staff corrections (pipeline/ledger/corrections.py, in the app's own store beside the file)
are part of the identity: a correction that changes values (an edit, a rejection, an addition)
gives a new handle, in which the facts the index is made from are the file's facts with every
correction applied (an in-memory table `facts` that shadows the file's). So every page reads
corrected rows, on the next page view, without a rebuild. A confirmation only remakes the handle's
`correction_targets` (which facts staff reviewed), and results are cached on every change.

Speed. De-duplicating goals (one row per goal stated in several places) needs the whole facts
table; done per query it costs seconds at a million facts. So the build writes the app's index
into the file, in schema `app` (pipeline/sql/marts/app.sql): `fact_index` (every fact with goal_id,
is_head, goal_size, goal_agencies, article, bulletin and sources, in display order),
`agency_index` (one row per goal and agency, by agency), count tables. A file without it, made
by other SQL than this checkout's (app.version), or read with corrections, gets the same tables
built once in the handle's own memory, in a background thread started when the file is first seen
(build_info, which every page calls); pages that need them wait. Pages then ask for what they
show: filters, order and LIMIT are in SQL, never a million rows in pandas.
"""
from __future__ import annotations

import atexit
import collections
import contextlib
import os
import threading
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.ledger import corrections
from pipeline import load

DEFAULT_DB = Path("data/tracker.duckdb")
BUILD_COMMAND = ".venv/bin/python -m pipeline build --input seeds --db data/tracker.duckdb"
BASE_PATH = "SET search_path = 'memory.main,tracker.main'"
INDEX_PATH = "SET search_path = '{index}.app,memory.main,tracker.main'"  # index: tracker or memory

# what queries read of the corrections when there are none (corrections.TARGETS_SQL makes it otherwise)
NO_CORRECTIONS = """CREATE TABLE correction_targets (key VARCHAR, state VARCHAR, fact_id VARCHAR, matched_by VARCHAR,
                                                     placed_line INTEGER, superseded BOOLEAN)"""

_CACHE_SIZE = 256
_cache: collections.OrderedDict = collections.OrderedDict()
_cache_lock = threading.Lock()


class DatabaseMissing(Exception):
    """The tracker database does not exist (or is not a DuckDB file) at the configured path."""


def db_path() -> Path:
    """The database the app reads: $TRACKER_DB, else data/tracker.duckdb."""
    return Path(os.environ.get("TRACKER_DB") or DEFAULT_DB)


def db_identity(path: Path) -> tuple | None:
    """What changes when the build swaps in a new file; None when there is no file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (str(Path(path).resolve()), st.st_mtime_ns, st.st_size, st.st_ino)


def data_version(path: Path) -> tuple | None:
    """What every answer about the file depends on: its identity and the staff's corrections (the key
    for anything derived from query answers, such as the pages' shared display frames)."""
    return _identity(path)[0]


def _identity(path: Path) -> tuple[tuple | None, corrections.Overlay]:
    """What results are cached on: the file's identity, the version of the corrections' values (the
    handle's identity: identity[:-1]) and the version of all corrections; and the corrections."""
    identity = db_identity(path)
    if identity is None:
        return None, corrections.Overlay("", "", pd.DataFrame())
    overlay = corrections.overlay(corrections.store_path(path))
    return identity + (overlay.values_version, overlay.version), overlay


# ---- one handle per database file ------------------------------------------------------------

_background: set[threading.Thread] = set()  # threads inside DuckDB that exit must wait for
_background_lock = threading.Lock()


def _in_background(target, name: str) -> None:
    def run():
        try:
            target()
        finally:
            with _background_lock:
                _background.discard(threading.current_thread())
    thread = threading.Thread(target=run, name=name, daemon=True)
    with _background_lock:
        _background.add(thread)
    thread.start()


@atexit.register
def _shutdown() -> None:
    """Before the interpreter tears DuckDB down: stop the index being built, wait for the background
    threads and close every handle. A daemon thread still inside DuckDB at exit aborts the process
    (terminate called after throwing), which a script or a stopped server would show as a crash."""
    with _handles_lock:
        for handle in _handles.values():
            handle.interrupt()
    with _background_lock:
        threads = list(_background)
    for thread in threads:
        thread.join(timeout=10)
    close_all()
    with _spare_lock:
        while _spare:
            _spare.pop().close()


_spare: list[duckdb.DuckDBPyConnection] = []  # an in-memory DuckDB opened ahead of need
_spare_lock = threading.Lock()


def _memory_connection() -> duckdb.DuckDBPyConnection:
    """An in-memory DuckDB for a new handle. Opening one takes 15-25 ms, which the first page after
    every rebuild would wait for: so one is kept open ahead, and replaced in the background."""
    with _spare_lock:
        con = _spare.pop() if _spare else None
    _in_background(_open_spare, "tracker-spare")
    return con if con is not None else duckdb.connect(":memory:")


def _open_spare() -> None:
    con = duckdb.connect(":memory:")
    with _spare_lock:
        if not _spare:
            _spare.append(con)
            return
    con.close()


class _Handle:
    """An in-memory DuckDB with the file attached read-only as `tracker`, and its materialized index."""

    def __init__(self, path: Path, identity: tuple, overlay: corrections.Overlay):
        self.identity = identity  # the file's, and the version of the corrections' values
        self._corrected = bool(overlay.values_version)
        self.targets_version = overlay.version  # the corrections correction_targets was made from
        self._targets_lock = threading.Lock()
        self.users = 0          # queries (and the preparing thread) using it now
        self.retired = False    # a newer file replaced it: close when the last user leaves
        self._con = _memory_connection()
        self._search_path = BASE_PATH  # the index's schema joins it once prepared
        try:
            self._con.execute("SET enable_progress_bar = false")
            self._con.execute(f"ATTACH '{str(path).replace(chr(39), chr(39) * 2)}' AS tracker (READ_ONLY)")
            self._con.execute(self._search_path)
            if self._corrected:  # the corrected facts, shadowing the file's, before anything reads them
                corrections.apply(self._con, overlay.rows)
            elif not overlay.rows.empty:  # confirmations only: the file's facts as they are
                corrections.retarget(self._con, overlay.rows)
            else:
                self._con.execute(NO_CORRECTIONS)
        except duckdb.Error as exc:
            self._con.close()
            raise DatabaseMissing(f"{path}: {exc}") from exc
        self._prepare_lock = threading.Lock()
        self._prepared = threading.Event()
        self._prepare_error: Exception | None = None
        self._prepare_started = False
        self._preparing: duckdb.DuckDBPyConnection | None = None  # the cursor building the index

    def retarget(self, overlay: corrections.Overlay) -> None:
        """Remake correction_targets for corrections whose values are this handle's (confirmations
        changed), before a query reads them."""
        with self._targets_lock:
            if self.targets_version != overlay.version:
                with contextlib.closing(self._con.cursor()) as cur:
                    corrections.retarget(cur, overlay.rows)
                self.targets_version = overlay.version

    def cursor(self) -> duckdb.DuckDBPyConnection:
        cursor = self._con.cursor()
        cursor.execute(self._search_path)
        return cursor

    def _prepare(self) -> None:
        """Use the file's index when this checkout's SQL made it and nothing is corrected, else build
        it in memory (from the corrected facts)."""
        try:
            with contextlib.closing(self.cursor()) as cur:
                self._preparing = cur
                if not self._corrected and load.app_index_is_current(cur, "tracker"):
                    self._search_path = INDEX_PATH.format(index="tracker")
                else:  # the app's views over tracker's tables, then the index from them
                    cur.execute((load.SQL_DIR / "views_app.sql").read_text(encoding="utf-8"))
                    cur.execute(load.APP_INDEX_SQL.read_text(encoding="utf-8"))
                    self._search_path = INDEX_PATH.format(index="memory")
        except Exception as exc:  # reported to every query that waits for it
            self._prepare_error = exc
        finally:
            self._preparing = None
            self._prepared.set()
            _release(self)

    def start_prepare(self) -> None:
        """Materialize the index in a background thread (once)."""
        with self._prepare_lock:
            if self._prepare_started:
                return
            self._prepare_started = True
            with _handles_lock:
                self.users += 1  # released by _prepare
        _in_background(self._prepare, "tracker-prepare")

    def wait_prepared(self) -> None:
        self.start_prepare()
        self._prepared.wait()
        if self._prepare_error is not None:
            raise DatabaseMissing(f"数据库结构不完整：{self._prepare_error}") from self._prepare_error

    def interrupt(self) -> None:
        """Stop building the index (the process is exiting)."""
        cursor = self._preparing
        if cursor is not None:
            with contextlib.suppress(duckdb.Error):
                cursor.interrupt()

    def close(self) -> None:
        with contextlib.suppress(duckdb.Error):
            self._con.close()


_handles: dict[str, _Handle] = {}
_handles_lock = threading.Lock()


def _release(handle: _Handle) -> None:
    with _handles_lock:
        handle.users -= 1
        if handle.retired and handle.users == 0:
            handle.close()


@contextlib.contextmanager
def _using(path: Path):
    """The handle for the file now at `path` (a new one after a rebuild), held for the block."""
    identity, overlay = _identity(path)
    if identity is None:
        raise DatabaseMissing(str(path))
    identity = identity[:-1]  # the handle's: a confirmation keeps it
    with _handles_lock:
        handle = _handles.get(identity[0])
        if handle is None or handle.identity != identity:
            if handle is not None:
                handle.retired = True
                if handle.users == 0:
                    handle.close()
                del _handles[identity[0]]
            handle = _Handle(path, identity, overlay)
            _handles[identity[0]] = handle
        handle.users += 1
    try:
        handle.retarget(overlay)
        yield handle
    finally:
        _release(handle)


def forget_results() -> None:
    """Drop every cached result (benchmarks: a page's queries as run when its filters change)."""
    with _cache_lock:
        _cache.clear()


def close_all() -> None:
    """Close every handle and forget every cached result (benchmarks; a process about to exit)."""
    forget_results()
    with _handles_lock:
        for handle in _handles.values():
            handle.retired = True
            if handle.users == 0:
                handle.close()
        _handles.clear()


def _freeze(value):
    return tuple(_freeze(v) for v in value) if isinstance(value, (list, tuple)) else value


def _fetch_frame(result: duckdb.DuckDBPyConnection) -> pd.DataFrame:
    return result.df()


def _fetch_row(result: duckdb.DuckDBPyConnection) -> dict:
    """The first row as {column: value} (Python values: dates as datetime.date); {} when none.
    For one-row answers (counts, dates): a DataFrame costs more to make than the query to run."""
    row = result.fetchone()
    return {} if row is None else dict(zip((column[0] for column in result.description), row))


def _cached(path: Path, sql: str, params, prepared: bool, fetch):
    """Run one parameterized query on the file's handle and fetch its answer, cached on the file
    identity (a copy is returned: callers may change theirs).

    prepared: the query reads the materialized index (fact_index, agency_index, ...): wait for it."""
    identity, _ = _identity(path)
    if identity is None:
        raise DatabaseMissing(str(path))
    key = (identity, fetch.__name__, sql, _freeze(list(params)))
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key].copy()
    with _using(path) as handle:
        if prepared:
            handle.wait_prepared()
        try:
            with contextlib.closing(handle.cursor()) as cur:
                answer = fetch(cur.execute(sql, list(params)))
        except (duckdb.CatalogException, duckdb.BinderException, duckdb.IOException) as exc:
            raise DatabaseMissing(f"{path}: {exc}") from exc
        key = (handle.identity + (handle.targets_version,),) + key[1:]
    with _cache_lock:
        _cache[key] = answer
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return answer.copy()


def read(path: Path, sql: str, params: tuple | list = (), prepared: bool = False) -> pd.DataFrame:
    """A query's rows as a DataFrame (see _cached)."""
    return _cached(path, sql, params, prepared, _fetch_frame)


def read_row(path: Path, sql: str, params: tuple | list = (), prepared: bool = False) -> dict:
    """A query's first row as a dict (see _cached)."""
    return _cached(path, sql, params, prepared, _fetch_row)


def warm_up(path: Path) -> None:
    """Start materializing the index for the file now at `path`, without waiting."""
    with contextlib.suppress(DatabaseMissing), _using(path) as handle:
        handle.start_prepare()
