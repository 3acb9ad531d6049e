"""Stage 5: write everything into a new DuckDB file, then swap it in atomically.

A reader never sees a half-built database and a failed run leaves the previous one untouched:
the build goes into `<db>.building-<pid>` and only a finished file replaces the old one.
"""
from __future__ import annotations

import contextlib
import os
from pathlib import Path

import duckdb
import pandas as pd

SQL_DIR = Path(__file__).parent / "sql"


def sql_files() -> list[Path]:
    """schema.sql first, then every other .sql file (views), in name order."""
    others = sorted(p for p in SQL_DIR.glob("*.sql") if p.name != "schema.sql")
    return [SQL_DIR / "schema.sql"] + others


def temp_path(db_path: Path) -> Path:
    return db_path.with_name(f"{db_path.name}.building-{os.getpid()}")


def read_previous(db_path: Path, query: str, params=()) -> pd.DataFrame | None:
    """Rows from the database being replaced (run history, reusable documents); None if unusable."""
    if not db_path.exists():
        return None
    try:
        with contextlib.closing(duckdb.connect(str(db_path), read_only=True)) as con:
            return con.execute(query, params).df()
    except duckdb.Error:
        return None


def write_database(db_path: Path, tables: dict[str, pd.DataFrame], fail_after: str | None = None) -> None:
    """Create schema and views in a temp file, insert each table, then os.replace it over db_path.

    `fail_after` names a table after which to raise: the tests use it to prove a failed build
    leaves the previous database readable."""
    db_path.parent.mkdir(parents=True, exist_ok=True)
    tmp = temp_path(db_path)
    for leftover in (tmp, Path(str(tmp) + ".wal")):
        leftover.unlink(missing_ok=True)
    try:
        con = duckdb.connect(str(tmp))
        try:
            for path in sql_files():
                con.execute(path.read_text(encoding="utf-8"))
            for name, frame in tables.items():
                if frame is not None and len(frame):
                    columns = ", ".join(f'"{c}"' for c in frame.columns)
                    con.register("incoming", frame)
                    con.execute(f"INSERT INTO {name} ({columns}) SELECT {columns} FROM incoming")
                    con.unregister("incoming")
                if name == fail_after:
                    raise RuntimeError(f"build stopped after {name} (requested)")
            con.execute("CHECKPOINT")
        finally:
            con.close()
        os.replace(tmp, db_path)
    finally:
        for leftover in (tmp, Path(str(tmp) + ".wal")):
            leftover.unlink(missing_ok=True)
