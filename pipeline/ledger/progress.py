"""The progress store: what staff did about each fact, kept apart from the rebuilt facts database.

The app's store (progress.duckdb, or PostgreSQL: store.py) holds one append-only table,
`progress_log`; the current state is computed from it (the `progress_current` view,
`current_state()`). Entries are linked to facts by the facts' stable ids and carry a snapshot of the
fact, so an entry whose fact vanished after a rebuild is still shown (as orphaned) until staff relink
or close it. Nothing is ever updated or deleted. Which ids the facts hold now is the reader's to say
(the app asks its handle on the corrected facts: dashboard/queries.py progress_state).
"""
from __future__ import annotations

import datetime as dt
import tempfile
import uuid
from pathlib import Path

from typing import Callable, Iterable

import duckdb
import pandas as pd

from pipeline.ledger import store
from pipeline.ledger.store import default_progress_path  # noqa: F401 (pages and tests find it here)

DEADLINE_STATUSES = ("待办", "进行中", "已提交", "不适用")
MILESTONE_STATUSES = ("待办", "进行中", "已完成", "不适用")
STATUSES = tuple(dict.fromkeys(DEADLINE_STATUSES + MILESTONE_STATUSES))

FIELDS = ("status", "owner", "note", "actual_value", "observed_on", "actual_source")
SNAPSHOT_FIELDS = ("kind", "quote", "source_file", "line", "due_date", "value")
# action: update (fields set), close (orphan closed), relink_out (this id moved to linked_fact_id),
# relink_in (state carried over from linked_fact_id)
LOG_COLUMNS = {
    "entry_id": "VARCHAR",
    "fact_id": "VARCHAR",
    "action": "VARCHAR",
    "recorded_at": "TIMESTAMP",  # UTC
    "actor": "VARCHAR",
    "status": "VARCHAR",
    "owner": "VARCHAR",
    "note": "VARCHAR",
    "actual_value": "DOUBLE PRECISION",
    "observed_on": "DATE",
    "actual_source": "VARCHAR",
    "linked_fact_id": "VARCHAR",
    **{f"snapshot_{name}": kind for name, kind in zip(
        SNAPSHOT_FIELDS, ("VARCHAR", "VARCHAR", "VARCHAR", "INTEGER", "DATE", "DOUBLE PRECISION"))},
}


def _last(value: str, where: str = "true") -> str:
    """The latest `value` among a fact's entries where `where` holds, in SQL both stores run."""
    return f"(array_agg({value} ORDER BY recorded_at DESC, entry_id DESC) FILTER (WHERE {where}))[1]"


SCHEMA = f"""
CREATE TABLE IF NOT EXISTS progress_log (
    {", ".join(f"{name} {kind}" for name, kind in LOG_COLUMNS.items())},
    PRIMARY KEY (entry_id)
);
-- Latest non-null value per field wins; an empty string clears a text field.
-- closed: the fact's last lifecycle entry closed it or moved it to another id.
CREATE OR REPLACE VIEW progress_current AS
SELECT
    fact_id,
    {", ".join(
        f"nullif({_last(f, f'{f} IS NOT NULL')}, '') AS {f}" if LOG_COLUMNS[f] == "VARCHAR" else
        f"{_last(f, f'{f} IS NOT NULL')} AS {f}"
        for f in FIELDS)},
    max(recorded_at) AS updated_at,
    {_last("actor")} AS updated_by,
    coalesce({_last("action IN ('close', 'relink_out')", "action <> 'update'")}, false) AS closed,
    {_last("linked_fact_id", "action = 'relink_out'")} AS relinked_to,
    {", ".join(f"{_last(f'snapshot_{f}', f'snapshot_{f} IS NOT NULL')} AS snapshot_{f}" for f in SNAPSHOT_FIELDS)}
FROM progress_log
GROUP BY fact_id;
"""
STATE_COLUMNS = ["fact_id", *FIELDS, "updated_at", "updated_by", "closed", "relinked_to",
                 *(f"snapshot_{f}" for f in SNAPSHOT_FIELDS), "orphaned"]


def _append(progress_db: Path, rows: list[dict]) -> int:
    """Append entries in one transaction (several entries of one relink land together or not at all);
    entries already present (same entry_id) are skipped. Returns how many were added."""
    with store.writing(progress_db, SCHEMA) as con:
        return store.insert(con, "progress_log", list(LOG_COLUMNS),
                            [[row.get(name) for name in LOG_COLUMNS] for row in rows], key="entry_id")


def _entry(fact_id: str, actor: str, action: str, **fields) -> dict:
    if not fact_id or not actor:
        raise ValueError("fact_id and actor are required")
    return {"entry_id": uuid.uuid4().hex, "fact_id": fact_id, "action": action,
            "recorded_at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), "actor": actor, **fields}


def _snapshot_fields(fact_snapshot: dict | None) -> dict:
    return {f"snapshot_{name}": (fact_snapshot or {}).get(name) for name in SNAPSHOT_FIELDS}


def record(progress_db: Path, fact_id: str, actor: str, *, status=None, owner=None, note=None,
           actual_value=None, observed_on=None, actual_source=None,
           fact_snapshot: dict | None = None) -> str:
    """Append one entry setting the given fields (None leaves a field as it was, "" clears it)."""
    if status is not None and status not in STATUSES:
        raise ValueError(f"unknown status {status!r}; expected one of {STATUSES}")
    entry = _entry(fact_id, actor, "update", status=status, owner=owner, note=note,
                   actual_value=None if actual_value is None else float(actual_value),
                   observed_on=observed_on, actual_source=actual_source,
                   **_snapshot_fields(fact_snapshot))
    _append(progress_db, [entry])
    return entry["entry_id"]


def _read(progress_db: Path, query: str, params=()) -> pd.DataFrame | None:
    """Rows from the store, or None when nothing was ever recorded."""
    with store.reading(progress_db, "progress_log") as con:
        return None if con is None else con.frame(query, params)


def current_state(progress_db: Path,
                  existing_ids: Callable[[Iterable[str]], set[str] | None] | None = None) -> pd.DataFrame:
    """One row per fact id ever recorded, with the latest value of each field. existing_ids tells
    which of the recorded ids the facts hold now (None from it, or no existing_ids: nothing counts
    as orphaned)."""
    state = _read(progress_db, "SELECT * FROM progress_current ORDER BY fact_id")
    if state is None:
        return pd.DataFrame({column: pd.Series(dtype=object) for column in STATE_COLUMNS})
    known = existing_ids(state["fact_id"]) if existing_ids is not None else None
    state["orphaned"] = False if known is None else ~state["fact_id"].isin(known)
    return state[STATE_COLUMNS]


def history(progress_db: Path, fact_id: str | None = None) -> pd.DataFrame:
    """Every entry, newest first (of one fact when fact_id is given): who changed what, when."""
    where, params = ("WHERE fact_id = ? OR linked_fact_id = ?", [fact_id, fact_id]) if fact_id else ("", [])
    frame = _read(progress_db, f"SELECT * FROM progress_log {where} ORDER BY recorded_at DESC, entry_id DESC",
                  params)
    return frame if frame is not None else pd.DataFrame(columns=list(LOG_COLUMNS))


def relink(progress_db: Path, old_fact_id: str, new_fact_id: str, actor: str, *,
           fact_snapshot: dict | None = None) -> str:
    """Move an orphan's state to the fact it became: old gets a relink_out entry (closing it),
    new gets a relink_in entry carrying old's current fields. Returns the relink_in entry id."""
    if old_fact_id == new_fact_id:
        raise ValueError("cannot relink a fact to itself")
    old = current_state(progress_db)
    old = old[old["fact_id"] == old_fact_id]
    if old.empty:
        raise KeyError(f"no progress recorded for {old_fact_id}")
    carried = {f: old.iloc[0][f] for f in FIELDS}
    carried = {f: (None if pd.isna(v) else v) for f, v in carried.items()}
    if carried["observed_on"] is not None:
        carried["observed_on"] = pd.Timestamp(carried["observed_on"]).date()
    out = _entry(old_fact_id, actor, "relink_out", linked_fact_id=new_fact_id)
    into = _entry(new_fact_id, actor, "relink_in", linked_fact_id=old_fact_id, **carried,
                  **_snapshot_fields(fact_snapshot))
    _append(progress_db, [out, into])
    return into["entry_id"]


def close_orphan(progress_db: Path, fact_id: str, actor: str) -> str:
    """Mark an orphan as dealt with; its history stays."""
    entry = _entry(fact_id, actor, "close")
    _append(progress_db, [entry])
    return entry["entry_id"]


def export_csv(progress_db: Path) -> bytes:
    """The whole log as CSV, oldest first; DuckDB's writer (in memory, whichever the store) keeps NULL
    apart from "" and full precision."""
    header = (",".join(LOG_COLUMNS) + "\n").encode()
    rows = _read(progress_db, f"SELECT {', '.join(LOG_COLUMNS)} FROM progress_log ORDER BY recorded_at, entry_id")
    if rows is None:
        return header
    with tempfile.TemporaryDirectory() as folder, duckdb.connect(":memory:") as con:
        target = Path(folder) / "progress.csv"
        con.register("log_rows", rows)
        casts = ", ".join(f"CAST({name} AS {kind}) AS {name}" for name, kind in LOG_COLUMNS.items())
        con.execute(f"COPY (SELECT {casts} FROM log_rows) TO '{target}' (HEADER)")
        return target.read_bytes()


def import_csv(progress_db: Path, data: bytes) -> int:
    """Add the entries of an export that the store lacks (matched by entry id); returns how many."""
    data = data.removeprefix(b"\xef\xbb\xbf")
    header = data.split(b"\n", 1)[0].decode("utf-8").strip().split(",")
    if header != list(LOG_COLUMNS):
        raise ValueError(f"not a progress export: header {header[:3]}... expected {list(LOG_COLUMNS)[:3]}...")
    with tempfile.TemporaryDirectory() as folder, duckdb.connect(":memory:") as con:
        source = Path(folder) / "import.csv"
        source.write_bytes(data)
        types = "{" + ", ".join(f"'{name}': '{kind}'" for name, kind in LOG_COLUMNS.items()) + "}"
        rows = con.execute(f"SELECT DISTINCT ON (entry_id) * FROM read_csv('{source}', header=true, "
                           f"allow_quoted_nulls=false, columns={types})").fetchall()
    return _append(progress_db, [dict(zip(LOG_COLUMNS, row)) for row in rows]) if rows else 0
