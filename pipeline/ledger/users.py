"""Staff accounts: one per person, so every entry in the logs names who made it.

Accounts live in the app's store (table `accounts` in progress.duckdb beside the database, outside
git), added with `python -m dashboard users add NAME`. Passwords are kept only as argon2id hashes
(argon2-cffi: salted, memory-hard, parameters inside the hash so they can be raised later). After
MAX_FAILURES wrong passwords for one account name within FAILURE_WINDOW seconds, that name is
locked for LOCKOUT_SECONDS (in the server process: a restart forgets it).
"""
from __future__ import annotations

import collections
import datetime as dt
import threading
import time
from pathlib import Path

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from pipeline.ledger import store

MAX_FAILURES = 5
FAILURE_WINDOW = 300.0
LOCKOUT_SECONDS = 300.0
MIN_PASSWORD_LENGTH = 8
SCHEMA = """CREATE TABLE IF NOT EXISTS accounts (
    name VARCHAR PRIMARY KEY, password_hash VARCHAR NOT NULL, created_at TIMESTAMP, changed_at TIMESTAMP)"""

_hasher = PasswordHasher()
_UNKNOWN_HASH = _hasher.hash("an account that does not exist")  # verified against, so both cost the same
_failures: dict[str, collections.deque] = collections.defaultdict(collections.deque)
_failures_lock = threading.Lock()
_clock = time.monotonic  # tests move it


class LockedOut(Exception):
    """Too many wrong passwords for this account name; seconds left in .args[0]."""


def _now_utc() -> dt.datetime:
    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def add(store_db: Path, name: str, password: str) -> None:
    """Create the account, or set a new password for it."""
    name = name.strip()
    if not name:
        raise ValueError("账号名不能为空")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ValueError(f"密码至少 {MIN_PASSWORD_LENGTH} 个字符")
    Path(store_db).parent.mkdir(parents=True, exist_ok=True)
    with store.connect(Path(store_db), read_only=False) as con:
        con.execute(SCHEMA)
        con.execute("""INSERT INTO accounts VALUES (?, ?, ?, ?)
                       ON CONFLICT (name) DO UPDATE SET password_hash = excluded.password_hash,
                                                        changed_at = excluded.changed_at""",
                    [name, _hasher.hash(password), _now_utc(), _now_utc()])


_names: dict[Path, tuple] = {}  # store -> (signature, names): every page asks whether editing is on


def names(store_db: Path) -> list[str]:
    path = Path(store_db).resolve()
    mark = store.signature(path)
    cached = _names.get(path)
    if cached is not None and cached[0] == mark:
        return list(cached[1])
    found = []
    if store.has_table(path, "accounts"):
        with store.connect(path, read_only=True) as con:
            found = [row[0] for row in con.execute("SELECT name FROM accounts ORDER BY name").fetchall()]
    _names[path] = (mark, found)
    return list(found)


def _stored_hash(store_db: Path, name: str) -> str | None:
    if not store.has_table(Path(store_db), "accounts"):
        return None
    with store.connect(Path(store_db), read_only=True) as con:
        row = con.execute("SELECT password_hash FROM accounts WHERE name = ?", [name]).fetchone()
    return row[0] if row else None


def locked_for(name: str) -> float:
    """Seconds this account name stays locked (0: not locked)."""
    with _failures_lock:
        recent = _failures.get(name)
        if not recent or len(recent) < MAX_FAILURES or recent[-1] - recent[0] > FAILURE_WINDOW:
            return 0.0  # fewer than MAX_FAILURES failures within the window
        return max(0.0, recent[-1] + LOCKOUT_SECONDS - _clock())


def _failed(name: str) -> None:
    with _failures_lock:
        recent = _failures[name]
        recent.append(_clock())
        while len(recent) > MAX_FAILURES:  # the last MAX_FAILURES are all locked_for needs
            recent.popleft()


def verify(store_db: Path, name: str, password: str) -> bool:
    """Whether the password is this account's. An unknown name costs the same and counts the same
    as a wrong password; a locked name raises LockedOut without checking anything."""
    name = name.strip()
    wait = locked_for(name)
    if wait > 0:
        raise LockedOut(wait)
    stored = _stored_hash(store_db, name)
    try:
        ok = _hasher.verify(stored or _UNKNOWN_HASH, password) and stored is not None
    except (VerificationError, InvalidHashError):
        ok = False
    if ok:
        with _failures_lock:
            _failures.pop(name, None)
    else:
        _failed(name)
    return ok


def forget_failures(name: str) -> None:
    """The name signed in another way (the shared password): its failures no longer count."""
    with _failures_lock:
        _failures.pop(name.strip(), None)
