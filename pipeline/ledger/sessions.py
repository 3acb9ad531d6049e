"""Staff sign-in sessions that outlast a browser tab: signed in once, a member of staff stays signed in
across reloads, new tabs and links from mail and calendars, until they sign out or the session expires
(IDLE without a page view, LIFETIME at most).

A session is a row of `staff_sessions` in the app's store, shared by every app process. The browser
holds a random token in an HttpOnly cookie (dashboard/asgi.py sets it); the store keeps only the
token's SHA-256 (the token is 256 random bits, so a plain digest is enough: a copy of the store
signs nobody in). Signing in happens over Streamlit's websocket, which cannot set a cookie, so it
starts the session with a one-time code (also kept as a digest, valid CODE_LIFETIME) that the page
trades for the cookie at the endpoint (redeem). Ending a session (sign-out, a password change, the
account's removal) marks its row, so every process refuses it at its next check; a session is also
valid only while its account exists.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import secrets
import threading
from pathlib import Path

from pipeline.ledger import store

IDLE = dt.timedelta(hours=12)
LIFETIME = dt.timedelta(days=7)
CODE_LIFETIME = dt.timedelta(seconds=60)
TOUCH_EVERY = dt.timedelta(minutes=5)  # last_seen_at is written at most this often (a write each time)
KEEP_ENDED = dt.timedelta(days=30)     # ended and expired rows are deleted after this
SCHEMA = """CREATE TABLE IF NOT EXISTS staff_sessions (
    session_id VARCHAR PRIMARY KEY, name VARCHAR NOT NULL, token_hash VARCHAR, code_hash VARCHAR,
    code_expires_at TIMESTAMP, created_at TIMESTAMP NOT NULL, last_seen_at TIMESTAMP NOT NULL,
    ended_at TIMESTAMP, ended_why VARCHAR, client VARCHAR)"""
# why a session ended (ended_why)
SIGNED_OUT, PASSWORD_CHANGED, ACCOUNT_REMOVED = "signed_out", "password_changed", "account_removed"


@dataclasses.dataclass(frozen=True)
class Session:
    session_id: str
    name: str
    created_at: dt.datetime
    last_seen_at: dt.datetime

    def expired(self, now: dt.datetime) -> bool:
        return now - self.last_seen_at > IDLE or now - self.created_at > LIFETIME


def digest(secret: str) -> str:
    return hashlib.sha256(secret.encode("utf-8")).hexdigest()


def start(store_db: Path, name: str, client: str | None = None) -> tuple[str, str]:
    """A session for an account that has just signed in: its id (the tab's server-side state keeps it)
    and a one-time code the browser trades for the cookie within CODE_LIFETIME (redeem)."""
    session_id, code, now = secrets.token_hex(16), secrets.token_urlsafe(32), store.now()
    with store.writing(store_db, SCHEMA) as con:
        con.execute("DELETE FROM staff_sessions WHERE coalesce(ended_at, last_seen_at) < ?", [now - KEEP_ENDED])
        con.execute("INSERT INTO staff_sessions VALUES (?, ?, NULL, ?, ?, ?, ?, NULL, NULL, ?)",
                    [session_id, name, digest(code), now + CODE_LIFETIME, now, now, client])
    return session_id, code


def redeem(store_db: Path, code: str) -> str | None:
    """The cookie's token for the session this code started, once and within CODE_LIFETIME; None for
    any other code."""
    if not code or not store.has_table(store_db, "staff_sessions"):
        return None
    token = secrets.token_urlsafe(32)
    with store.writing(store_db) as con:
        row = con.execute("""UPDATE staff_sessions SET token_hash = ?, code_hash = NULL, code_expires_at = NULL
                             WHERE code_hash = ? AND code_expires_at > ? AND ended_at IS NULL
                             RETURNING session_id""", [digest(token), digest(code), store.now()]).fetchone()
    return token if row else None


_seen: dict[tuple, tuple] = {}  # (store, column, value) -> (store signature, Session | None)
_seen_lock = threading.Lock()


def _lookup(store_db: Path, column: str, value: str) -> Session | None:
    """The session (not ended, its account still there) whose column holds value, read again only
    when the store changed: every page view of every signed-in tab asks."""
    opened = store.at(store_db)
    key, mark = (opened.key, column, value), opened.signature()
    with _seen_lock:
        cached = _seen.get(key)
    if cached is not None and cached[0] == mark:
        return cached[1]
    with opened.reading("staff_sessions", "accounts") as con:
        row = None if con is None else con.execute(f"""SELECT s.session_id, s.name, s.created_at, s.last_seen_at
                                                      FROM staff_sessions s JOIN accounts a USING (name)
                                                      WHERE s.{column} = ? AND s.ended_at IS NULL""",
                                                   [value]).fetchone()
    found = Session(*row) if row else None
    with _seen_lock:
        if len(_seen) > 10_000:
            _seen.clear()
        _seen[key] = (mark, found)
    return found


def _live(store_db: Path, session: Session | None) -> Session | None:
    """The session if it has not expired, its last page view written down when TOUCH_EVERY has passed."""
    now = store.now()
    if session is None or session.expired(now):
        return None
    if now - session.last_seen_at > TOUCH_EVERY:
        with store.writing(store_db) as con:
            con.execute("UPDATE staff_sessions SET last_seen_at = ? WHERE session_id = ?", [now, session.session_id])
        session = dataclasses.replace(session, last_seen_at=now)
    return session


def by_id(store_db: Path, session_id: str) -> Session | None:
    """The live session with this id (a tab that signed in keeps it), or None once it ended or expired."""
    return _live(store_db, _lookup(store_db, "session_id", session_id))


def by_token(store_db: Path, token: str) -> Session | None:
    """The live session this cookie's token belongs to, or None."""
    if not token:
        return None
    return _live(store_db, _lookup(store_db, "token_hash", digest(token)))


def end(store_db: Path, *, session_id: str | None = None, token: str | None = None, why: str = SIGNED_OUT) -> None:
    """End one session, named by its id or its cookie's token (signing out)."""
    column, value = ("session_id", session_id) if session_id else ("token_hash", digest(token or ""))
    if not store.has_table(store_db, "staff_sessions"):
        return
    with store.writing(store_db) as con:
        con.execute(f"UPDATE staff_sessions SET ended_at = ?, ended_why = ? WHERE {column} = ? AND ended_at IS NULL",
                    [store.now(), why, value])


def end_all(con, name: str, why: str, keep: str | None = None) -> None:
    """End every session of this account but `keep`, on a connection writing the store (so it lands
    in the same transaction as the password change or removal that causes it; the writer made SCHEMA)."""
    con.execute("""UPDATE staff_sessions SET ended_at = ?, ended_why = ?
                   WHERE name = ? AND ended_at IS NULL AND session_id IS DISTINCT FROM ?""",
                [store.now(), why, name, keep])
