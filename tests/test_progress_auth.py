"""Editing progress needs the staff password: off (nobody edits, the app says how to turn it on),
wrong (refused), right (signed in, forms shown); from the environment or .streamlit/secrets.toml;
never shown on the page. And the statuses staff record change the overview's counts."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard import auth
from pipeline.ledger import progress
from e2e_helpers import AS_OF

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
PASSWORD = "长城-2026-pw"


def progress_page(secrets: dict | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in (secrets or {}).items():
        at.secrets[key] = value
    at.run()
    at.session_state["as_of"] = AS_OF
    at.switch_page("views/progress.py").run()
    assert not at.exception, at.exception
    return at


def page_text(at: AppTest) -> str:
    parts = [e.value for kind in ("markdown", "caption", "info", "success", "error", "warning")
             for e in getattr(at, kind)]
    return "\n".join(str(p) for p in parts)


def sign_in(at: AppTest, name: str, password: str) -> AppTest:
    at.text_input(key="staff_sign_in_name").set_value(name)
    at.text_input(key="staff_sign_in_password").set_value(password)
    next(b for b in at.button if b.label == "登录").click().run()
    assert not at.exception, at.exception
    return at


def test_password_off_means_read_only_and_says_how_to_turn_it_on(tracker):
    at = progress_page()
    assert auth.ENV_VAR in at.info[0].value and auth.SECRET_KEY in at.info[0].value
    assert not [b for b in at.button if b.label == "登录"]
    assert not [s for s in at.selectbox if s.label == "选择要更新的事项"]


def test_wrong_password_is_refused(tracker, monkeypatch):
    monkeypatch.setenv(auth.ENV_VAR, PASSWORD)
    at = sign_in(progress_page(), "张三", PASSWORD + "x")
    assert [e.value for e in at.error] == [auth.WRONG]
    assert "staff_name" not in at.session_state
    assert not [s for s in at.selectbox if s.label == "选择要更新的事项"]
    assert PASSWORD not in page_text(at)


def test_right_password_signs_in_and_offers_the_forms(tracker, monkeypatch):
    monkeypatch.setenv(auth.ENV_VAR, PASSWORD)
    at = sign_in(progress_page(), "张三", PASSWORD)
    assert any("已登录为员工：张三" in s.value for s in at.success)
    assert [s for s in at.selectbox if s.label == "选择要更新的事项"]
    assert PASSWORD not in page_text(at)


def test_password_from_secrets_toml(tracker):
    at = sign_in(progress_page({auth.SECRET_KEY: PASSWORD}), "李四", PASSWORD)
    assert any("已登录为员工：李四" in s.value for s in at.success)


def test_password_comparison():
    assert auth.password_matches(PASSWORD, PASSWORD)
    assert not auth.password_matches(PASSWORD[:-1], PASSWORD)
    assert not auth.password_matches("", PASSWORD) and not auth.password_matches(PASSWORD, None)


def test_overview_counts_use_the_recorded_statuses(tracker):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.session_state["as_of"] = AS_OF
    at.run()
    before = {m.label: m.value for m in at.metric}
    assert before["已逾期"] == "1" and before["7天内到期"] == "1"
    store = progress.default_progress_path(tracker)
    progress.record(store, "f-0430", "张三", status="已提交")   # the overdue one was sent after all
    progress.record(store, "f-0525", "张三", status="不适用")   # and this one does not concern us
    progress.record(store, "f-0530", "张三", status="进行中")   # still open: still counted
    at.run()
    after = {m.label: m.value for m in at.metric}
    assert after["已逾期"] == "0" and after["7天内到期"] == "0" and after["30天内到期"] == "2"
    at.switch_page("views/deadlines.py").run()
    table = at.dataframe[0].value.set_index("id")
    assert table.at["f-0430", "state"] == "已提交" and table.at["f-0530", "status"] == "进行中"


def test_each_section_of_the_progress_page_shows_its_own_rows(tracker):
    """The page shows one section at a time; each lists its own goals, orphans and log."""
    store = progress.default_progress_path(tracker)
    progress.record(store, "f-gone", "张三", status="进行中")  # an entry whose fact no longer exists
    progress.record(store, "f-0530", "张三", status="进行中")
    at = progress_page()
    sections = {"deadline": "f-0530", "target": "f-300a", "milestone": "f-2027"}
    for section, fact_id in sections.items():
        at.radio(key="progress_section").set_value(section).run()
        assert not at.exception, at.exception
        shown = {link.split("fact=")[1].split("#")[0] for link in at.dataframe[0].value["出处"]}
        assert fact_id in shown and not (set(sections.values()) - {fact_id}) & shown, section
    at.radio(key="progress_section").set_value("orphans").run()
    assert "孤立记录（1）" in at.radio(key="progress_section").options[3]
    assert "f-gone" not in page_text(at) and len(at.dataframe) == 1
    at.radio(key="progress_section").set_value("log").run()
    assert {"f-gone", "f-0530"} <= set(at.dataframe[0].value["fact_id"])
