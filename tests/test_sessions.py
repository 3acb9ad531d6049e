"""Staff sessions in the ledger (pipeline/ledger/sessions.py): a one-time code traded for a token whose
digest alone is stored; idle and absolute expiry; ended by sign-out, a password change or the
account's removal, for every reader of the store."""
from __future__ import annotations

import datetime as dt

import pytest

from pipeline.ledger import sessions, store, users

pytestmark = pytest.mark.usefixtures("ledger_backend")  # every test against both stores

PASSWORD = "会话-2026-pw"


def signed_in(path, name="张三") -> tuple[str, str]:
    """A session started and its cookie token: (session id, token)."""
    session_id, code = sessions.start(path, name, "127.0.0.1")
    token = sessions.redeem(path, code)
    assert token
    return session_id, token


def test_a_code_is_traded_once_and_only_the_tokens_digest_is_kept(ledger):
    path, _ = ledger
    session_id, code = sessions.start(path, "张三", "10.0.0.7")
    token = sessions.redeem(path, code)
    assert token and sessions.redeem(path, code) is None  # once
    assert sessions.redeem(path, "a made-up code") is None
    assert sessions.by_token(path, token).session_id == session_id == sessions.by_id(path, session_id).session_id
    with store.reading(path) as con:
        stored = con.frame("SELECT * FROM staff_sessions")
    assert not stored.isin([token, code]).any().any()
    assert stored.iloc[0]["token_hash"] == sessions.digest(token) and stored.iloc[0]["client"] == "10.0.0.7"


def test_a_code_expires(ledger):
    path, now = ledger
    _, code = sessions.start(path, "张三")
    now[0] += sessions.CODE_LIFETIME + dt.timedelta(seconds=1)
    assert sessions.redeem(path, code) is None


def test_idle_sessions_expire_and_use_keeps_them_alive(ledger):
    path, now = ledger
    start = now[0]
    _, token = signed_in(path)
    while now[0] + dt.timedelta(hours=11) - start < sessions.LIFETIME:  # a page view every 11 hours: alive
        now[0] += dt.timedelta(hours=11)
        assert sessions.by_token(path, token) is not None
    session_id, token = signed_in(path)
    now[0] += sessions.IDLE + dt.timedelta(minutes=1)
    assert sessions.by_token(path, token) is None and sessions.by_id(path, session_id) is None


def test_no_session_outlives_its_lifetime(ledger):
    path, now = ledger
    start = now[0]
    session_id, token = signed_in(path)
    while now[0] - start < sessions.LIFETIME - dt.timedelta(hours=11):  # a page view every 11 hours
        now[0] += dt.timedelta(hours=11)
        assert sessions.by_token(path, token) is not None
    now[0] = start + sessions.LIFETIME + dt.timedelta(minutes=1)
    assert sessions.by_token(path, token) is None and sessions.by_id(path, session_id) is None


def test_last_seen_is_written_at_most_every_few_minutes(ledger):
    path, now = ledger
    session_id, token = signed_in(path)
    mark = store.signature(path)
    now[0] += sessions.TOUCH_EVERY / 2
    assert sessions.by_token(path, token) and store.signature(path) == mark  # a read, nothing written
    now[0] += sessions.TOUCH_EVERY
    assert sessions.by_token(path, token).last_seen_at == now[0]


def test_sign_out_ends_the_session_by_id_or_by_token(ledger):
    path, _ = ledger
    first, first_token = signed_in(path)
    second, second_token = signed_in(path)
    sessions.end(path, session_id=first)
    assert sessions.by_token(path, first_token) is None and sessions.by_id(path, first) is None
    assert sessions.by_id(path, second) is not None
    sessions.end(path, token=second_token)
    assert sessions.by_id(path, second) is None


def test_a_password_change_ends_every_other_session(ledger):
    path, _ = ledger
    here, here_token = signed_in(path)
    there, there_token = signed_in(path)
    other, other_token = signed_in(path)
    users.set_password(path, "张三", "a-new-password", keep_session=here)
    assert sessions.by_token(path, here_token) is not None  # the tab that changed it
    assert sessions.by_token(path, there_token) is None and sessions.by_id(path, other) is None
    users.set_password(path, "张三", "another-password")  # the administrator's passwd: all of them
    assert sessions.by_id(path, here) is None


def test_removing_the_account_ends_its_sessions(ledger):
    path, _ = ledger
    users.add(path, "李四", PASSWORD)
    mine, token = signed_in(path)
    theirs, _ = signed_in(path, "李四")
    users.remove(path, "张三")
    assert sessions.by_token(path, token) is None and sessions.by_id(path, mine) is None
    assert sessions.by_id(path, theirs) is not None
    with store.reading(path) as con:
        assert con.execute("SELECT ended_why FROM staff_sessions WHERE session_id = ?", [mine]).fetchone()[0] == \
            sessions.ACCOUNT_REMOVED


def test_a_session_needs_its_account(ledger):
    """Even a session not marked ended (an account deleted by hand) signs nobody in."""
    path, _ = ledger
    session_id, token = signed_in(path)
    with store.writing(path) as con:
        con.execute("DELETE FROM accounts WHERE name = '张三'")
    assert sessions.by_token(path, token) is None and sessions.by_id(path, session_id) is None
