"""Copy one store into another, in practice an embedded file into PostgreSQL
(`python -m dashboard store migrate --to postgresql://…`): every ledger table, each in one transaction
on the target, adding only the rows the target lacks, so running it again adds nothing (and a second
run after the switch picks up what was written in between). A row is the target's by its key where
the table has one (an account, a session, a log entry), else by all its values; a keyed row the target
already holds with other values (a session seen since, a password changed there) is kept as the
target has it and counted as differing.

Per table the counts and an order-free checksum of the source and of the target are returned to be
compared: equal counts and checksums mean the target holds exactly the source's rows.
"""
from __future__ import annotations

import collections
import dataclasses

from pipeline.ledger import corrections, progress, reminders, sessions, store, users

# table, the schema that makes it, its key (None: a row is all its values)
TABLES = (("accounts", users.SCHEMA, "name"), ("sign_in_failures", users.SCHEMA, None),
          ("staff_sessions", sessions.SCHEMA, "session_id"), ("progress_log", progress.SCHEMA, "entry_id"),
          ("corrections_log", corrections.SCHEMA, "entry_id"), ("reminders_log", reminders.SCHEMA, None))


@dataclasses.dataclass
class Copied:
    table: str
    source_rows: int
    source_checksum: str
    target_rows: int
    target_checksum: str
    added: int       # rows this run added to the target
    differing: int   # keyed rows the target holds with other values (kept as the target has them)
    missing: int     # source rows the target still lacks (0 unless something went wrong)

    @property
    def same(self) -> bool:
        return self.source_rows == self.target_rows and self.source_checksum == self.target_checksum


def _rows(opened: store.Store, table: str, names: list[str]) -> list[tuple]:
    """The table's rows with these columns (NULL for a column an older store lacks); none without the table."""
    with opened.reading(table) as con:
        if con is None:
            return []
        present = set(store.columns(con, table))
        listed = ", ".join(name if name in present else f"NULL AS {name}" for name in names)
        return [tuple(row) for row in con.execute(f"SELECT {listed} FROM {table}").fetchall()]


def _compare(names: list[str], key: str | None, source: list[tuple], target: list[tuple]) -> tuple:
    """(rows of the source the target lacks, keyed rows it holds with other values)."""
    if key is not None:
        at = names.index(key)
        held = {row[at]: store.row_digest(row) for row in target}
        lacking = [row for row in source if row[at] not in held]
        differing = sum(1 for row in source if row[at] in held and held[row[at]] != store.row_digest(row))
        return lacking, differing
    held = collections.Counter(store.row_digest(row) for row in target)
    lacking = []
    for row in source:
        digest = store.row_digest(row)
        if held[digest]:
            held[digest] -= 1
        else:
            lacking.append(row)
    return lacking, 0


def migrate(source: store.Store, target: store.Store) -> list[Copied]:
    copied = []
    for table, schema, key in TABLES:
        with target.writing(schema, exclusive=True) as con:  # one migration at a time: no row added twice
            names = store.columns(con, table)
            rows = _rows(source, table, names)
            lacking, _ = _compare(names, key, rows, [tuple(r) for r in con.execute(
                f"SELECT {', '.join(names)} FROM {table}").fetchall()])
            added = store.insert(con, table, names, lacking, key) if lacking else 0
        held = _rows(target, table, names)
        missing, differing = _compare(names, key, rows, held)
        copied.append(Copied(table, len(rows), store.checksum(rows), len(held), store.checksum(held), added,
                             differing, len(missing)))
    return copied
