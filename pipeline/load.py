"""Stage 5: write everything into a new DuckDB file, then swap it in atomically.

A reader never sees a half-built database and a failed run leaves the previous one untouched:
the build goes into `<db>.building-<pid>` and only a finished file replaces the old one (the next build
removes such a file when its process is gone).

Rows arrive in batches (Arrow tables or pandas DataFrames, never row-by-row inserts), and the rows of
unchanged documents are copied from the previous database inside DuckDB (ATTACH, INSERT ... SELECT),
without a round trip through Python.
"""
from __future__ import annotations

import contextlib
import functools
import glob
import hashlib
import os
import re
import shutil
from pathlib import Path

import duckdb

SQL_DIR = Path(__file__).parent / "sql"
APP_INDEX_SQL = SQL_DIR / "marts" / "app.sql"  # schema app: the dashboard's index, remade by every build
# Tables holding one document's rows, with the column that ties a row to its document.
DOC_TABLES = {"documents": "doc_id", "lines": "doc_id", "articles": "doc_id", "facts": "doc_id",
              "candidates": "doc_id", "fact_agencies": None}


def sql_files() -> list[Path]:
    """schema.sql first, then every other .sql file (views), in name order."""
    others = sorted(p for p in SQL_DIR.glob("*.sql") if p.name != "schema.sql")
    return [SQL_DIR / "schema.sql"] + others


def temp_path(db_path: Path) -> Path:
    return db_path.with_name(f"{db_path.name}.building-{os.getpid()}")


def _is_running(pid: int) -> bool:
    try:
        os.kill(pid, 0)  # signal 0: only asks whether the process exists
    except ProcessLookupError:
        return False
    except PermissionError:  # it exists, under another user
        return True
    return True


@functools.cache
def arrow_schemas() -> dict:
    """{table: pyarrow schema} as schema.sql declares it, so every batch has the same column types."""
    with contextlib.closing(duckdb.connect()) as con:
        con.execute((SQL_DIR / "schema.sql").read_text(encoding="utf-8"))
        tables = [row[0] for row in con.execute("SELECT table_name FROM duckdb_tables()").fetchall()]
        return {name: con.sql(f"SELECT * FROM {name} LIMIT 0").to_arrow_table().schema for name in tables}


def arrow_table(name: str, rows: list[dict]):
    """Rows (dicts with some or all of the table's columns) -> a pyarrow Table typed as the schema says."""
    import pyarrow as pa

    schema = arrow_schemas()[name]
    present = set().union(*rows) if rows else set()
    return pa.Table.from_pylist(rows, schema=pa.schema([f for f in schema if f.name in present]))



def arrow_columns(name: str, columns: dict[str, list]):
    """Columns (name -> values) -> a pyarrow Table typed as the schema says."""
    import pyarrow as pa

    schema = arrow_schemas()[name]
    return pa.Table.from_pydict(columns, schema=pa.schema([schema.field(c) for c in columns]))


def previous_state(db_path: Path) -> tuple[list[tuple], bool]:
    """The database being replaced: its documents as (source_file, doc_id, content_hash, rules_version), and
    whether it can be copied whole (its layout is what the current sql files make, and it has no pending WAL).
    ([], False) when there is none or it is unusable."""
    if not db_path.exists():
        return [], False
    try:
        with contextlib.closing(duckdb.connect(str(db_path), read_only=True)) as con:
            rows = con.execute("SELECT source_file, doc_id, content_hash, rules_version FROM documents").fetchall()
            same = tuple(layout(con)) == fresh_layout()
    except duckdb.Error:
        return [], False
    return rows, same and not Path(str(db_path) + ".wal").exists()


def layout(con) -> list[str]:
    """The SQL of every table, view, index, sequence and macro in a connection's database's schema
    main (schema app is derived from main and remade by every build)."""
    here = "database_name = current_database() AND schema_name = 'main'"
    return sorted(row[0] or "" for row in con.execute(f"""
        SELECT sql FROM duckdb_tables() WHERE {here} AND NOT temporary
        UNION ALL SELECT sql FROM duckdb_views() WHERE {here} AND NOT internal AND NOT temporary
        UNION ALL SELECT sql FROM duckdb_indexes() WHERE {here}
        UNION ALL SELECT sql FROM duckdb_sequences() WHERE {here}
        UNION ALL SELECT macro_definition FROM duckdb_functions()
                  WHERE {here} AND NOT internal AND function_type LIKE '%macro'
        """).fetchall())


@functools.cache
def fresh_layout() -> tuple[str, ...]:
    """layout() of a database made by the current sql files."""
    with contextlib.closing(duckdb.connect()) as con:
        for path in sql_files():
            con.execute(path.read_text(encoding="utf-8"))
        return tuple(layout(con))


@functools.cache
def app_index_version() -> str:
    """A hash of the SQL schema app is made from (tables, app views, index): the app reads a file's
    schema app only when its app.version is the hash of the SQL the app itself has."""
    digest = hashlib.sha1()
    for path in (SQL_DIR / "schema.sql", SQL_DIR / "views_app.sql", APP_INDEX_SQL):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def app_index_is_current(con, database: str) -> bool:
    """The database attached as `database` holds schema app, made by the SQL this checkout has."""
    found = con.execute("SELECT count(*) FROM duckdb_tables() WHERE database_name = ? AND schema_name = 'app' "
                        "AND table_name = 'version'", [database]).fetchone()[0]
    return bool(found) and con.execute(f'SELECT any_value(sql_hash) FROM "{database}".app.version').fetchone()[0] \
        == app_index_version()


def current_database(con) -> str:
    return con.execute("SELECT current_database()").fetchone()[0]


def write_app_index(con) -> None:
    """(Re)make schema app from the rows in schema main: the dashboard's de-duplicated, ordered index.

    Its strings are stored without FSST compression: a page reads a few hundred whole rows, and
    FSST decompresses every string of each block it touches (a fifth of the read time). Schema main,
    checkpointed first, keeps the default compression."""
    con.execute("CHECKPOINT")
    con.execute("SET disabled_compression_methods = 'fsst'")
    try:
        con.execute("BEGIN TRANSACTION")  # one commit for the twenty statements, a third faster
        try:
            con.execute(APP_INDEX_SQL.read_text(encoding="utf-8"))
            con.execute("CREATE TABLE app.version AS SELECT ?::VARCHAR AS sql_hash", [app_index_version()])
        except Exception:
            con.execute("ROLLBACK")
            raise
        con.execute("COMMIT")
        con.execute("CHECKPOINT")
    finally:
        con.execute("RESET disabled_compression_methods")


def _quote(value: str) -> str:
    return "'" + value.replace("'", "''") + "'"


class DatabaseWriter:
    """A new database in a temp file beside db_path: schema and views first, then rows; commit() swaps it in.
    With start_from_previous, the temp file starts as a copy of db_path (same layout, see previous_state)
    holding its documents and run history, but no ingest errors.

    Use as a context manager: leaving it with an exception (or without commit) removes the temp file and
    leaves db_path as it was. `fail_after` names a table after whose rows done(name) raises: the tests use
    it to prove a failed build leaves the previous database readable."""

    def __init__(self, db_path: Path, fail_after: str | None = None, start_from_previous: bool = False):
        self.db_path = Path(db_path)
        self.start_from_previous = start_from_previous
        # a copy of the previous file keeps its app index as long as no document's rows change
        self.rows_changed = not start_from_previous
        self.tmp = temp_path(self.db_path)
        self.fail_after = fail_after
        self.previous: str | None = None
        self.con = None
        self._columns: dict | None = None

    def __enter__(self) -> "DatabaseWriter":
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        self._remove_temp()
        self._remove_dead_builds()
        if self.start_from_previous:
            # most documents are unchanged: copying the file and deleting the rest beats copying their rows
            shutil.copyfile(self.db_path, self.tmp)
            self.con = duckdb.connect(str(self.tmp))
            self.con.execute("DELETE FROM ingest_errors")
        else:
            self.con = duckdb.connect(str(self.tmp))
            for path in sql_files():
                self.con.execute(path.read_text(encoding="utf-8"))
        self.con.execute("SET enable_progress_bar = false")
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        if self.con is not None:
            self.con.close()
            self.con = None
        self._remove_temp()

    def _remove_temp(self) -> None:
        for leftover in (self.tmp, Path(str(self.tmp) + ".wal")):
            leftover.unlink(missing_ok=True)

    def _remove_dead_builds(self) -> None:
        """Temp files of builds whose process is gone (killed, or the machine stopped): nothing else
        would ever remove them. A running build's file is left alone."""
        own = re.compile(re.escape(self.db_path.name) + r"\.building-(\d+)(\.wal)?")
        for leftover in self.db_path.parent.glob(f"{glob.escape(self.db_path.name)}.building-*"):
            found = own.fullmatch(leftover.name)
            if found and not _is_running(int(found[1])):
                leftover.unlink(missing_ok=True)

    def insert(self, name: str, data, skip_existing: bool = False) -> None:
        """Append a pandas DataFrame or pyarrow Table (its columns a subset of the table's).
        skip_existing: rows whose primary key is already there are left out."""
        if data is None or not len(data):
            return
        names = data.column_names if hasattr(data, "column_names") else list(data.columns)
        columns = ", ".join(f'"{c}"' for c in names)
        self.rows_changed = self.rows_changed or name in DOC_TABLES
        self.con.register("incoming", data)
        try:
            self.con.execute(f"INSERT {'OR IGNORE ' if skip_existing else ''}INTO {name} ({columns}) "
                             f"SELECT {columns} FROM incoming")
        finally:
            self.con.unregister("incoming")

    def insert_rows(self, name: str, rows: list[dict], skip_existing: bool = False) -> None:
        """Append records (dicts keyed by column, all with the same keys)."""
        if len(rows) > 50:
            self.insert(name, arrow_table(name, rows), skip_existing)
        elif rows:  # a few rows: no need to load pyarrow
            self.rows_changed = self.rows_changed or name in DOC_TABLES
            columns = list(rows[0])
            self.con.executemany(f"INSERT {'OR IGNORE ' if skip_existing else ''}INTO {name} ({', '.join(columns)}) "
                                 f"VALUES ({', '.join('?' for _ in columns)})", [[row[c] for c in columns] for row in rows])

    def attach_previous(self) -> bool:
        """Attach db_path (the database being replaced) read-only as `previous`; False if absent or unusable."""
        if self.previous is not None:
            return True
        if not self.db_path.exists():
            return False
        try:
            self.con.execute(f"ATTACH {_quote(str(self.db_path))} AS previous (READ_ONLY)")
            self.con.execute("SELECT count(*) FROM previous.documents").fetchall()
        except duckdb.Error:
            with contextlib.suppress(duckdb.Error):
                self.con.execute("DETACH previous")
            return False
        self.previous = "previous"
        return True

    def previous_rows(self, query: str, params=()) -> list[tuple]:
        """Rows of a query over the attached previous database (tables as previous.<name>)."""
        return self.con.execute(query, params).fetchall() if self.previous else []

    def copy_documents(self, doc_ids: list[str]) -> dict[str, int]:
        """Copy every row of these documents from the previous database; {table: rows copied}.

        Agencies are copied too (those not already written), as the previous build had them."""
        counts = {}
        self.con.execute("CREATE TEMP TABLE reused (doc_id VARCHAR PRIMARY KEY)")
        self.con.execute("INSERT INTO reused SELECT DISTINCT unnest(?::VARCHAR[])", [doc_ids])
        for name, key in DOC_TABLES.items():
            columns = self._shared_columns(name)
            if key:
                source = f"SELECT {columns} FROM previous.{name} WHERE {key} IN (SELECT doc_id FROM reused)"
            else:  # fact_agencies: through the facts of those documents
                source = (f"SELECT {columns} FROM previous.fact_agencies WHERE fact_id IN "
                          "(SELECT id FROM previous.facts WHERE doc_id IN (SELECT doc_id FROM reused))")
            counts[name] = self.con.execute(f"INSERT INTO {name} ({columns}) {source}").fetchall()[0][0]
        columns = self._shared_columns("agencies")
        counts["agencies"] = self.con.execute(
            f"INSERT INTO agencies ({columns}) SELECT {columns} FROM previous.agencies "
            "WHERE agency_id NOT IN (SELECT agency_id FROM agencies)").fetchall()[0][0]
        self.con.execute("DROP TABLE reused")
        return counts

    def keep_documents(self, doc_ids: list[str]) -> int:
        """Started from the previous file: delete every document not in doc_ids, with all its rows;
        returns the documents kept."""
        self.con.execute("CREATE TEMP TABLE kept (doc_id VARCHAR PRIMARY KEY)")
        self.con.execute("INSERT INTO kept SELECT DISTINCT unnest(?::VARCHAR[])", [doc_ids])
        gone = "doc_id NOT IN (SELECT doc_id FROM kept)"
        self.con.execute(f"DELETE FROM fact_agencies WHERE fact_id IN (SELECT id FROM facts WHERE {gone})")
        for name, key in DOC_TABLES.items():
            if key and self.con.execute(f"DELETE FROM {name} WHERE {gone}").fetchall()[0][0]:
                self.rows_changed = True
        self.con.execute("DROP TABLE kept")
        return self.count("documents")

    def count(self, name: str) -> int:
        return self.con.execute(f"SELECT count(*) FROM {name}").fetchall()[0][0]

    def copy_runs(self) -> int:
        """The run history of the previous database."""
        if self.start_from_previous:
            return self.count("runs")
        if not self.previous:
            return 0
        try:
            columns = self._shared_columns("runs")
            return self.con.execute(f"INSERT INTO runs ({columns}) SELECT {columns} FROM previous.runs").fetchall()[0][0]
        except duckdb.Error:  # an older database without the history: start a new one
            return 0

    def _shared_columns(self, name: str) -> str:
        """Columns the table has in both databases (a column added since is left NULL)."""
        if self._columns is None:
            self._columns = {}
            for database, table, column in self.con.execute(
                    "SELECT database_name = 'previous', table_name, column_name FROM duckdb_columns() "
                    "WHERE database_name IN ('previous', current_database()) AND schema_name = 'main' "
                    "ORDER BY column_index").fetchall():
                self._columns.setdefault((database, table), []).append(column)
        theirs = set(self._columns.get((True, name), ()))
        return ", ".join(f'"{c}"' for c in self._columns.get((False, name), ()) if c in theirs)

    def unique_titles(self) -> None:
        """Two files with one title (two issues whose masthead gives no issue number or date) are told
        apart by their file names, in every list and 出处 that names a bulletin."""
        changed = self.con.execute("""
            UPDATE documents SET title = title || '（' || source_file || '）'
            WHERE title IN (SELECT title FROM documents GROUP BY title HAVING count(*) > 1)""").fetchone()[0]
        self.rows_changed = self.rows_changed or bool(changed)

    def done(self, name: str) -> None:
        """Every row of `name` is written (raises here when the caller asked to fail after it)."""
        if name == self.fail_after:
            raise RuntimeError(f"build stopped after {name} (requested)")

    def commit(self) -> None:
        """Detach the previous database, make the app's index (checkpointed), close, and replace
        db_path with the new file."""
        if self.previous:
            self.con.execute("DETACH previous")
            self.previous = None
        if self.rows_changed or not app_index_is_current(self.con, current_database(self.con)):
            write_app_index(self.con)  # checkpoints
        else:  # the same documents as the file it started from: its app index still holds
            self.con.execute("CHECKPOINT")
        self.con.close()
        self.con = None
        os.replace(self.tmp, self.db_path)


def write_database(db_path: Path, tables: dict, fail_after: str | None = None) -> None:
    """Create schema and views in a temp file, insert each table (pandas DataFrames or pyarrow Tables),
    then os.replace it over db_path."""
    with DatabaseWriter(db_path, fail_after=fail_after) as out:
        for name, frame in tables.items():
            out.insert(name, frame)
            out.done(name)
        out.commit()
