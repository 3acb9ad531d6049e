"""Staff accounts: one per person, so every entry in the logs names who made it.

Accounts live in the app's store (table `accounts`; store.py: progress.duckdb beside the database,
outside git, or PostgreSQL), run by an administrator with `python -m dashboard users add | remove | passwd | list`; staff
change their own password in the app. Passwords are kept only as argon2id hashes (argon2-cffi:
salted, memory-hard, parameters inside the hash so they can be raised later).

Every failed sign-in is written to `sign_in_failures` (the name as typed, the time, the client's
address as the app saw it). After MAX_FAILURES failures for one name within FAILURE_WINDOW, counted
since its last successful sign-in or password change, the name is locked for LOCKOUT. Being in the
store, failures and lockouts are shared by every app process and survive restarts. A password
change or the account's removal ends its sessions (sessions.py) in the same transaction.
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pipeline.ledger import sessions, store

MAX_FAILURES = 5
FAILURE_WINDOW = dt.timedelta(minutes=5)
LOCKOUT = dt.timedelta(minutes=5)
MIN_PASSWORD_LENGTH = 8
SCHEMA = """CREATE TABLE IF NOT EXISTS accounts (
    name VARCHAR PRIMARY KEY, password_hash VARCHAR NOT NULL, created_at TIMESTAMP, changed_at TIMESTAMP);
ALTER TABLE accounts ADD COLUMN IF NOT EXISTS last_sign_in_at TIMESTAMP;
CREATE TABLE IF NOT EXISTS sign_in_failures (
    failed_at TIMESTAMP NOT NULL, name VARCHAR NOT NULL, client VARCHAR, locked BOOLEAN NOT NULL)"""

WITH_SESSIONS = f"{SCHEMA};\n{sessions.SCHEMA}"  # a password change or removal also ends sessions

_hasher = PasswordHasher()
_UNKNOWN_HASH = _hasher.hash("an account that does not exist")  # verified against, so both cost the same


class LockedOut(Exception):
    """Too many failed sign-ins for this account name; seconds left in .args[0]."""


class NoSuchAccount(KeyError):
    pass


def _check_new(name: str, password: str) -> str:
    name = name.strip()
    if not name:
        raise ValueError("账号名不能为空")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符")
    return name


def add(store_db: Path, name: str, password: str) -> None:
    """Create an account; raises ValueError when the name is taken (passwd changes a password)."""
    name = _check_new(name, password)
    with store.writing(store_db, SCHEMA) as con:
        if con.execute("SELECT 1 FROM accounts WHERE name = ?", [name]).fetchone():
            raise ValueError(f"账号 {name} 已存在（修改密码请用 passwd）")
        now = store.now()
        con.execute("INSERT INTO accounts (name, password_hash, created_at, changed_at) VALUES (?, ?, ?, ?)",
                    [name, _hasher.hash(password), now, now])


def set_password(store_db: Path, name: str, password: str, keep_session: str | None = None) -> None:
    """A new password for an existing account. Every session of the account ends but keep_session (the
    tab in which its owner changed it); the change also lifts a lockout."""
    name = _check_new(name, password)
    with store.writing(store_db, WITH_SESSIONS) as con:
        changed = con.execute("UPDATE accounts SET password_hash = ?, changed_at = ? WHERE name = ? RETURNING name",
                              [_hasher.hash(password), store.now(), name]).fetchone()
        if not changed:
            raise NoSuchAccount(name)
        sessions.end_all(con, name, sessions.PASSWORD_CHANGED, keep=keep_session)


def remove(store_db: Path, name: str) -> None:
    """Delete the account (someone left); its open sessions end at their next page view. The logs keep
    the name on what they did."""
    with store.writing(store_db, WITH_SESSIONS) as con:
        if not con.execute("DELETE FROM accounts WHERE name = ? RETURNING name", [name.strip()]).fetchone():
            raise NoSuchAccount(name)
        sessions.end_all(con, name.strip(), sessions.ACCOUNT_REMOVED)


_names: dict[tuple, tuple] = {}  # store's key -> (signature, names): every page asks whether editing is on


def names(store_db: Path) -> list[str]:
    opened = store.at(store_db)
    mark = opened.signature()
    cached = _names.get(opened.key)
    if cached is not None and cached[0] == mark:
        return list(cached[1])
    with opened.reading("accounts") as con:
        found = [] if con is None else [row[0] for row in con.execute("SELECT name FROM accounts ORDER BY name")
                                        .fetchall()]
    _names[opened.key] = (mark, found)
    return list(found)


def _locked_until(con, name: str, since: dt.datetime | None) -> dt.datetime | None:
    """When this name's lockout ends, if its last MAX_FAILURES counted failures (since its last sign-in
    or password change) fall within FAILURE_WINDOW; None when they do not."""
    recent = [row[0] for row in con.execute(
        """SELECT failed_at FROM sign_in_failures WHERE name = ? AND NOT locked AND failed_at > ?
           ORDER BY failed_at DESC LIMIT ?""",
        [name, since or dt.datetime.min, MAX_FAILURES]).fetchall()]
    if len(recent) < MAX_FAILURES or recent[0] - recent[-1] > FAILURE_WINDOW:
        return None
    return recent[0] + LOCKOUT


def _last_sign_in(con) -> str:
    """The accounts' last sign-in column, or NULL in a store from before it (read, never upgraded by reading)."""
    return "last_sign_in_at" if "last_sign_in_at" in store.columns(con, "accounts") else "NULL::TIMESTAMP"


def _account(con, name: str) -> tuple[str | None, dt.datetime | None]:
    """(the password hash, the time failures count from) of an account; (None, None) when there is none."""
    last = _last_sign_in(con)
    row = con.execute(f"SELECT password_hash, greatest(changed_at, {last}) FROM accounts WHERE name = ?",
                      [name]).fetchone()
    return (row[0], row[1]) if row else (None, None)


def _read_state(store_db: Path, name: str) -> tuple[str | None, dt.datetime | None]:
    """(the stored hash or None, the time the name is locked until or None)."""
    with store.reading(store_db, "accounts") as con:
        if con is None:
            return None, None
        stored, since = _account(con, name)
        locked = _locked_until(con, name, since) if "sign_in_failures" in store.table_names(con) else None
    return stored, locked


def locked_for(store_db: Path, name: str) -> float:
    """Seconds this account name stays locked (0: not locked)."""
    until = _read_state(store_db, name.strip())[1]
    return max(0.0, (until - store.now()).total_seconds()) if until else 0.0


def record_failure(store_db: Path, name: str, client: str | None, locked: bool = False) -> None:
    """Write down a failed sign-in (locked: tried while locked, which does not prolong the lockout)."""
    with store.writing(store_db, SCHEMA) as con:
        con.execute("INSERT INTO sign_in_failures VALUES (?, ?, ?, ?)", [store.now(), name.strip(), client, locked])


def verify(store_db: Path, name: str, password: str, client: str | None = None, write_failure: bool = True) -> bool:
    """Whether the password is this account's. An unknown name costs the same and counts the same as a
    wrong password; a locked name raises LockedOut without checking the password. Every failure is
    written down with the client's address (unless write_failure is False: the caller has another
    password to try first); a success is the account's last sign-in."""
    name = name.strip()
    stored, locked_until = _read_state(store_db, name)
    now = store.now()
    if locked_until is not None and locked_until > now:
        record_failure(store_db, name, client, locked=True)
        raise LockedOut((locked_until - now).total_seconds())
    try:
        ok = _hasher.verify(stored or _UNKNOWN_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if not ok:
        if write_failure:
            record_failure(store_db, name, client)
        return False
    with store.writing(store_db, SCHEMA) as con:
        con.execute("UPDATE accounts SET last_sign_in_at = ? WHERE name = ?", [store.now(), name])
    return True


def accounts(store_db: Path) -> list[dict]:
    """Every account with when it was made, its last sign-in and until when it is locked (None: not)."""
    listed, now = [], store.now()
    with store.reading(store_db, "accounts") as con:
        if con is None:
            return []
        last = _last_sign_in(con)
        rows = con.execute(f"SELECT name, created_at, {last}, greatest(changed_at, {last}) FROM accounts "
                           "ORDER BY name").fetchall()
        counted = "sign_in_failures" in store.table_names(con)
        for name, created_at, last_sign_in_at, since in rows:
            until = _locked_until(con, name, since) if counted else None
            listed.append({"name": name, "created_at": created_at, "last_sign_in_at": last_sign_in_at,
                           "locked_until": until if until and until > now else None})
    return listed


def failures(store_db: Path, name: str | None = None) -> list[dict]:
    """The failed sign-ins written down, newest first (of one name when given)."""
    where, params = ("WHERE name = ?", [name]) if name else ("", [])
    with store.reading(store_db, "sign_in_failures") as con:
        if con is None:
            return []
        cursor = con.execute(f"SELECT * FROM sign_in_failures {where} ORDER BY failed_at DESC", params)
        columns = [d[0] for d in cursor.description]
        return [dict(zip(columns, row)) for row in cursor.fetchall()]
