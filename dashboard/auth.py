"""Staff sign-in: each staff member signs in with their own account (pipeline/ledger/users.py); members
browse read-only without signing in. The signed-in account is what the logs record.

A sign-in lasts (pipeline/ledger/sessions.py): it starts a session in the store and the page trades
a one-time code for an HttpOnly cookie at /api/session (dashboard/asgi.py), so a reload, a new tab
or a link from mail or a calendar is still signed in (read here with st.context.cookies) until
退出登录, a password change, the account's removal or expiry. This tab keeps its session's id, and
every page view checks it is still live, so a session ended in any tab or process ends here too.

Fallback for this release only: the old shared password (TRACKER_STAFF_PASSWORD, or staff_password
in .streamlit/secrets.toml) still signs in, this tab only, with the name typed in the form marked
"（共享密码）" in the logs; README "Staff accounts" says how to move to accounts. Passwords are never
written to logs or the page.
"""
from __future__ import annotations

import hmac
import json
import math
import os

import streamlit as st

from dashboard.db import db_path
from pipeline.ledger import sessions, store, users

ENV_VAR = "TRACKER_STAFF_PASSWORD"
SECRET_KEY = "staff_password"
SHARED_MARK = "（共享密码）"
COOKIE = "tracker_session"
COOKIE_ENDPOINT = "/api/session"
NAME_KEY, SESSION_KEY = "staff_name", "staff_session"  # this tab's account and its session's id
HOW_TO_ENABLE = (
    "编辑功能未开启：当前所有人只能浏览。管理员可在项目目录运行 `python -m dashboard users add 账号名` "
    f"为每位员工建立账号（输入两次密码），即可开启员工登录与编辑。旧的共享密码方式（环境变量 `{ENV_VAR}` 或 "
    f"`.streamlit/secrets.toml` 中的 `{SECRET_KEY}`）本版本仍可使用，下一版本将取消。"
)
WRONG = "账号或密码不正确。"
ENDED = "登录已结束（已退出登录、超时，或密码已更改、账号已删除），请重新登录。"


def store_path():
    return store.default_progress_path(db_path())


def staff_password() -> str | None:
    """The configured shared password (the fallback), or None when unset or empty."""
    password = os.environ.get(ENV_VAR)
    if not password:
        try:
            password = st.secrets.get(SECRET_KEY)
        except Exception:  # no secrets.toml, or one that does not parse: treat as unset
            password = None
    return str(password) if password else None


def password_matches(given: str, expected: str | None) -> bool:
    """Constant-time comparison on bytes (compare_digest refuses non-ASCII str)."""
    if not expected or not given:
        return False
    return hmac.compare_digest(given.encode("utf-8"), expected.encode("utf-8"))


def editing_enabled() -> bool:
    """Staff can sign in: there are accounts, or the shared password is set."""
    return staff_password() is not None or bool(users.names(store_path()))


def _client() -> str | None:
    """The client's address as Streamlit sees it. Streamlit reports none for a connection from this
    machine: then it is nginx's in front (make serve), which names the client last in X-Forwarded-For,
    or a browser here ("localhost")."""
    address = st.context.ip_address
    if address is None:
        forwarded = st.context.headers.get("X-Forwarded-For") or ""
        address = forwarded.split(",")[-1].strip() or "localhost"
    return address if isinstance(address, str) else None  # AppTest's client has none


def _cookie() -> str | None:
    token = st.context.cookies.get(COOKIE)
    return token if isinstance(token, str) else None  # AppTest's client has no cookies


def signed_in_staff() -> str | None:
    """The account signed in in this browser (what the logs record), if any: this tab's session, else
    the session its cookie names. A session that has ended signs this tab out."""
    if not editing_enabled():
        return None
    state = st.session_state
    session_id = state.get(SESSION_KEY)
    if session_id is None and state.get(NAME_KEY):
        return state[NAME_KEY]  # the shared password: this tab only
    if session_id is not None:
        live = sessions.by_id(store_path(), session_id)
        if live is None:
            state.pop(SESSION_KEY, None)
            state.pop(NAME_KEY, None)
            state["staff_session_ended"] = True
            return None
        return live.name
    token = _cookie()
    live = sessions.by_token(store_path(), token) if token else None
    if live is None:
        return None
    state[SESSION_KEY], state[NAME_KEY] = live.session_id, live.name
    return live.name


def _sign_in(name: str, password: str) -> bool:
    """Sign this tab in (and start the lasting session) when the credentials are right; raises
    users.LockedOut. Each failure is written down in the store."""
    client, shared = _client(), staff_password()
    if users.verify(store_path(), name, password, client, write_failure=shared is None):
        session_id, code = sessions.start(store_path(), name, client)
        st.session_state.update({SESSION_KEY: session_id, NAME_KEY: name, "staff_cookie": code})
        return True
    if shared is not None:
        if password_matches(password, shared):
            st.session_state.update({SESSION_KEY: None, NAME_KEY: name + SHARED_MARK})
            return True
        users.record_failure(store_path(), name, client)
    return False


def sign_out() -> None:
    """End this tab's session everywhere and have the browser drop its cookie."""
    session_id = st.session_state.pop(SESSION_KEY, None)
    st.session_state.pop(NAME_KEY, None)
    if session_id is not None:
        sessions.end(store_path(), session_id=session_id)
    st.session_state["staff_cookie"] = ""  # "": clear it (the request also ends the session it names)


def _cookie_request() -> None:
    """After a sign-in or sign-out, the browser's request to /api/session that sets or clears the cookie
    (Streamlit's websocket cannot set one). Runs once; a failure leaves this tab signed in as it is."""
    code = st.session_state.pop("staff_cookie", None)
    if code is None:
        return
    options = {"method": "POST", "body": code} if code else {"method": "DELETE"}
    st.html(f"<script>fetch({json.dumps(COOKIE_ENDPOINT)}, "
            f"Object.assign({json.dumps(options)}, {{credentials: 'same-origin'}}))</script>",
            unsafe_allow_javascript=True)


def _password_form(name: str) -> None:
    with st.form("staff_password_change", clear_on_submit=True):
        current = st.text_input("当前密码", type="password", key="staff_password_current")
        new = st.text_input("新密码", type="password", key="staff_password_new",
                            help=f"至少 {users.MIN_PASSWORD_LENGTH} 个字符")
        again = st.text_input("再输入一次新密码", type="password", key="staff_password_again")
        if not st.form_submit_button("修改密码"):
            return
    if new != again:
        st.error("两次输入的新密码不一致，密码未修改。")
        return
    try:
        if not users.verify(store_path(), name, current, _client()):
            st.error("当前密码不正确，密码未修改。")
            return
        users.set_password(store_path(), name, new, keep_session=st.session_state.get(SESSION_KEY))
    except users.LockedOut as locked:
        st.error(f"密码错误次数过多，该账号已暂时锁定，请 {math.ceil(locked.args[0] / 60)} 分钟后再试。")
    except ValueError as exc:
        st.error(f"{exc}，密码未修改。")
    else:
        st.success("密码已修改；您在其他窗口和设备上的登录已结束。")


def sign_in_panel(collapsed: bool = False) -> str | None:
    """Draw the sign-in form (or who is signed in, with 退出登录 and 修改密码); return the account.
    collapsed: the form folded away (a page members read, where staff also act)."""
    if not editing_enabled():
        if not collapsed:
            st.info(HOW_TO_ENABLE)
        return None
    name = signed_in_staff()
    _cookie_request()
    if name:
        left, right = st.columns([5, 2], vertical_alignment="center")
        left.success(f"已登录为员工：{name}（可编辑）")
        with right.container(horizontal=True, horizontal_alignment="right"):  # one row on phones too
            if st.session_state.get(SESSION_KEY):  # an account (the shared password has none to change)
                with st.popover("修改密码"):
                    _password_form(name)
            if st.button("退出登录", key="staff_sign_out"):
                sign_out()
                st.rerun()
        return name
    if st.session_state.pop("staff_session_ended", False):
        st.warning(ENDED)
    with st.expander("员工登录", icon=":material/login:") if collapsed else st.container():
        _sign_in_form()
    return None


def _sign_in_form() -> None:
    with st.form("staff_sign_in"):
        st.caption("会员可直接浏览；员工登录后可记录进度、复核和更正抽取结果。")
        given_name = st.text_input("账号", key="staff_sign_in_name")
        given = st.text_input("密码", type="password", key="staff_sign_in_password")
        if not st.form_submit_button("登录"):
            return
    if not given_name.strip():
        st.error("请填写账号。")
        return
    try:
        signed_in = _sign_in(given_name.strip(), given)
    except users.LockedOut as locked:
        st.error(f"密码错误次数过多，该账号已暂时锁定，请 {math.ceil(locked.args[0] / 60)} 分钟后再试。")
        return
    if signed_in:
        st.rerun()
    st.error(WRONG)
