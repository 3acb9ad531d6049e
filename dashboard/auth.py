"""Staff sign-in: each staff member signs in with their own account (pipeline/ledger/users.py); members
browse read-only without signing in. The signed-in account is what the logs record.

Fallback for this release only: the old shared password (TRACKER_STAFF_PASSWORD, or staff_password
in .streamlit/secrets.toml) still signs in, with the name typed in the form marked "（共享密码）" in the
logs; README "Staff accounts" says how to move to accounts. Passwords are never written to logs or
the page.
"""
from __future__ import annotations

import hmac
import math
import os

import streamlit as st

from dashboard.db import db_path
from pipeline.ledger import store, users

ENV_VAR = "TRACKER_STAFF_PASSWORD"
SECRET_KEY = "staff_password"
SHARED_MARK = "（共享密码）"
HOW_TO_ENABLE = (
    "编辑功能未开启：当前所有人只能浏览。管理员可在项目目录运行 `python -m dashboard users add 账号名` "
    f"为每位员工建立账号（输入两次密码），即可开启员工登录与编辑。旧的共享密码方式（环境变量 `{ENV_VAR}` 或 "
    f"`.streamlit/secrets.toml` 中的 `{SECRET_KEY}`）本版本仍可使用，下一版本将取消。"
)
WRONG = "账号或密码不正确。"


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


def signed_in_staff() -> str | None:
    """The account signed in in this browser session (what the logs record), if any."""
    if not editing_enabled():
        return None
    return st.session_state.get("staff_name")


def _sign_in(name: str, password: str) -> str | None:
    """The account these credentials sign in as, or None; raises users.LockedOut."""
    if users.verify(store_path(), name, password):
        return name
    shared = staff_password()
    if shared is not None and password_matches(password, shared):
        users.forget_failures(name)
        return name + SHARED_MARK
    return None


def sign_in_panel() -> str | None:
    """Draw the sign-in form (or who is signed in, with a sign-out button); return the account."""
    if not editing_enabled():
        st.info(HOW_TO_ENABLE)
        return None
    name = signed_in_staff()
    if name:
        left, right = st.columns([4, 1])
        left.success(f"已登录为员工：{name}（可编辑）")
        if right.button("退出登录", key="staff_sign_out"):
            del st.session_state["staff_name"]
            st.rerun()
        return name
    with st.form("staff_sign_in"):
        st.caption("会员可直接浏览；员工登录后可记录进度、复核和更正抽取结果。")
        given_name = st.text_input("账号", key="staff_sign_in_name")
        given = st.text_input("密码", type="password", key="staff_sign_in_password")
        if st.form_submit_button("登录"):
            if not given_name.strip():
                st.error("请填写账号。")
            else:
                try:
                    account = _sign_in(given_name.strip(), given)
                except users.LockedOut as locked:
                    st.error(f"密码错误次数过多，该账号已暂时锁定，请 {math.ceil(locked.args[0] / 60)} 分钟后再试。")
                else:
                    if account:
                        st.session_state["staff_name"] = account
                        st.rerun()
                    st.error(WRONG)
    return None
