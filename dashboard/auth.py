"""Staff sign-in: one shared password gates editing; everyone else browses read-only.

The password comes from the environment (TRACKER_STAFF_PASSWORD) or .streamlit/secrets.toml
(staff_password). It is compared in constant time and never written to logs or the page.
"""
from __future__ import annotations

import hmac
import os

import streamlit as st

ENV_VAR = "TRACKER_STAFF_PASSWORD"
SECRET_KEY = "staff_password"
HOW_TO_ENABLE = (
    "编辑功能未开启：当前所有人只能浏览。管理员可设置环境变量 "
    f"`{ENV_VAR}`，或在 `.streamlit/secrets.toml` 中写入 `{SECRET_KEY} = \"……\"`，然后重启应用，"
    "即可开启员工登录与编辑。"
)


def staff_password() -> str | None:
    """The configured password, or None when editing is off (unset or empty)."""
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


def signed_in_staff() -> str | None:
    """The signed-in staff member's name in this browser session, if editing is on."""
    if staff_password() is None:
        return None
    return st.session_state.get("staff_name")


def sign_in_panel() -> str | None:
    """Draw the sign-in form (or who is signed in, with a sign-out button); return the staff name."""
    expected = staff_password()
    if expected is None:
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
        st.caption("会员可直接浏览；员工登录后可记录进度。")
        given_name = st.text_input("姓名（记入修改记录）", key="staff_sign_in_name")
        given = st.text_input("员工密码", type="password", key="staff_sign_in_password")
        if st.form_submit_button("登录"):
            if not given_name.strip():
                st.error("请填写姓名。")
            elif password_matches(given, expected):
                st.session_state["staff_name"] = given_name.strip()
                st.rerun()
            else:
                st.error("密码不正确。")
    return None
