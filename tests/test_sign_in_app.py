"""Signing in where staff act, through the pages (AppTest): in place on 文档 with the linked fact kept
open and its tools offered; a member of staff changes their own password, which ends their other
sessions and keeps this one; a tab whose session ended elsewhere says so and offers sign-in again."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard import auth
from pipeline.ledger import sessions, store, users
from e2e_helpers import AS_OF

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
PASSWORD = "登录-2026-pw"


def page(name: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.session_state["as_of"] = AS_OF
    for key, value in params.items():  # as a link opens the page
        at.query_params[key] = value
    at.switch_page(f"views/{name}.py").run()
    assert not at.exception, at.exception
    return at


def press(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def sign_in(at: AppTest, name: str = "张三", password: str = PASSWORD) -> AppTest:
    at.text_input(key="staff_sign_in_name").set_value(name)
    at.text_input(key="staff_sign_in_password").set_value(password)
    return press(at, "登录")


def labels(at: AppTest) -> set[str]:
    return {b.label for b in at.button}


def test_documents_offers_sign_in_in_place_and_keeps_the_linked_fact(tracker):
    users.add(store.default_progress_path(tracker), "张三", PASSWORD)
    at = page("documents", fact="f-0430")
    assert "登录" in labels(at) and "确认无误" not in labels(at)
    assert any("链接指向的事实" in m.value for m in at.markdown)
    sign_in(at)
    assert at.query_params["fact"] == "f-0430"
    assert any("链接指向的事实" in m.value for m in at.markdown)
    assert {"确认无误", "驳回", "保存更正", "退出登录"} <= labels(at)
    assert at.selectbox(key="doc_pick").value == "a000000000000000"  # the fact's bulletin, not the first


def test_documents_shows_no_sign_in_while_editing_is_off(tracker):
    at = page("documents", fact="f-0430")
    assert "登录" not in labels(at) and not at.info  # members read; the how-to is on the staff pages


def test_changing_ones_password_ends_the_other_sessions_only(tracker):
    store_db = store.default_progress_path(tracker)
    users.add(store_db, "张三", PASSWORD)
    here, there = sign_in(page("review")), sign_in(page("progress"))
    assert here.session_state[auth.SESSION_KEY] != there.session_state[auth.SESSION_KEY]

    def change(current: str, new: str, again: str) -> AppTest:
        here.text_input(key="staff_password_current").set_value(current)
        here.text_input(key="staff_password_new").set_value(new)
        here.text_input(key="staff_password_again").set_value(again)
        return press(here, "修改密码")

    assert [e.value for e in change(PASSWORD, "new-password-1", "new-password-2").error] == \
        ["两次输入的新密码不一致，密码未修改。"]
    assert [e.value for e in change("not-the-password", "new-password-1", "new-password-1").error] == \
        ["当前密码不正确，密码未修改。"]
    assert "至少" in change(PASSWORD, "short", "short").error[0].value
    assert users.verify(store_db, "张三", PASSWORD)  # none of those changed it
    assert any("密码已修改" in s.value for s in change(PASSWORD, "new-password-1", "new-password-1").success)
    assert users.verify(store_db, "张三", "new-password-1")

    there.run()  # the other session's next interaction
    assert [w.value for w in there.warning] == [auth.ENDED] and "staff_name" not in there.session_state
    assert "登录" in labels(there)
    here.run()  # the tab that changed it stays signed in
    assert any("已登录为员工：张三" in s.value for s in here.success)
    assert sessions.by_id(store_db, here.session_state[auth.SESSION_KEY]) is not None


def test_signing_out_ends_the_session_in_the_store(tracker):
    store_db = store.default_progress_path(tracker)
    users.add(store_db, "张三", PASSWORD)
    at = sign_in(page("progress"))
    session_id = at.session_state[auth.SESSION_KEY]
    press(at, "退出登录")
    assert sessions.by_id(store_db, session_id) is None and "staff_name" not in at.session_state
    assert not at.warning  # signing out oneself is no surprise
