"""The rough edges a new user met (issue 20), each held by a test: no exception text or server path
on a page, no "周期：nan", 出处 beside 原文 on the deadline list (全部出处 after it), an unsaved 备注 on
进度 kept across its sections. (The PDF cover with accounts but no progress: test_snapshot.py; the
upload result: test_upload.py; bulletin labels: test_build.py; Chinese widgets: test_screens_e2e.py.)"""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from dashboard import auth, queries
from pipeline.ledger import progress
from e2e_helpers import AS_OF, make_fixture_db

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
PASSWORD = "粗糙边缘-2026-pw"


@pytest.fixture
def tracker(tmp_path, monkeypatch):
    db = make_fixture_db(tmp_path / "tracker.duckdb")
    monkeypatch.setenv("TRACKER_DB", str(db))
    monkeypatch.setenv(auth.ENV_VAR, PASSWORD)
    return db


def app(page: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.session_state["as_of"] = AS_OF
    if page:
        at.switch_page(f"views/{page}.py")
    return at.run()


def page_text(at: AppTest) -> str:
    kinds = ("markdown", "caption", "info", "success", "error", "warning", "title", "subheader")
    return "\n".join(str(e.value) for kind in kinds for e in getattr(at, kind)) + "\n".join(
        str(e.value) for kind in ("caption", "warning", "markdown") for e in getattr(at.sidebar, kind))


def test_a_failing_page_shows_a_chinese_apology_not_the_exception(tracker, monkeypatch):
    monkeypatch.delenv("TRACKER_SHOW_ERRORS", raising=False)  # as served (the tests set it to see exceptions)

    def broken(*args, **kwargs):
        raise RuntimeError(f"Catalog Error at {tracker}")
    monkeypatch.setattr(queries, "due_counts", broken)
    at = app()
    assert not at.exception
    assert [e.value for e in at.error] == ["这个页面暂时出错了，请稍后刷新重试。问题已记入服务器日志。"]
    assert "Catalog" not in page_text(at) and str(tracker.parent) not in page_text(at)


def test_an_unreadable_progress_store_is_said_in_words(tracker, monkeypatch):
    def unreadable(*args, **kwargs):
        raise OSError(f"IO Error: could not open {tracker.parent}/progress.duckdb")
    monkeypatch.setattr(progress, "current_state", unreadable)
    at = app("deadlines")
    assert not at.exception
    text = page_text(at)
    assert "进度记录暂时无法读取" in text and "IO Error" not in text and str(tracker.parent) not in text


def test_the_sidebar_names_the_database_not_its_path(tracker):
    at = app()
    assert f"数据库：{tracker.name}" in page_text(at)
    assert str(tracker.parent) not in str(at.sidebar)


def test_a_selected_deadline_without_a_rule_shows_no_nan(tracker):
    """The card of a row picked on 截止事项 (a DataFrame row: missing values are NaN, not None)."""
    def card():
        from dashboard import queries as q
        from dashboard.views import _shared as ui
        rows = q.deadline_rows(ui.db(), __import__("datetime").date(2026, 5, 20))
        ui.fact_card(rows[rows["id"] == "f-0530"].iloc[0].to_dict(), link=False)
    at = AppTest.from_function(card).run()
    assert not at.exception, at.exception
    text = " ".join(c.value for c in at.caption)
    assert "截止/到期：2026-05-30" in text and "nan" not in text.lower() and "周期" not in text


def test_the_deadline_list_leads_with_the_quote_and_its_source(seed_db, monkeypatch):
    """On the seeds some deadlines are stated twice: their 全部出处 column comes after 出处 (at 1400 px
    it pushed 出处 off the screen)."""
    monkeypatch.setenv("TRACKER_DB", str(seed_db))
    at = app("deadlines")
    order = list(at.dataframe[0].proto.column_order)
    assert order[:2] == ["quote", "出处"] and order.index("sources") > order.index("出处")


def test_an_unsaved_note_survives_switching_sections(tracker):
    at = app("progress")
    at.text_input(key="staff_sign_in_name").set_value("张三")
    at.text_input(key="staff_sign_in_password").set_value(PASSWORD)
    next(b for b in at.button if b.label == "登录").click().run()
    at.selectbox(key="pick_deadline").set_value("f-0530").run()
    at.text_area(key="note_f-0530").set_value("草稿：等处长签字后报送").run()  # typed, not saved
    assert any("有未保存的修改" in c.value for c in at.caption)
    for section in ("target", "milestone", "log", "deadline"):
        at.radio(key="progress_section").set_value(section).run()
        assert not at.exception, at.exception
    assert at.selectbox(key="pick_deadline").value == "f-0530"
    assert at.text_area(key="note_f-0530").value == "草稿：等处长签字后报送"
    next(b for b in at.button if b.label == "保存").click().run()
    state = progress.current_state(progress.default_progress_path(tracker)).set_index("fact_id")
    assert state.at["f-0530", "note"] == "草稿：等处长签字后报送"
    assert not any("有未保存的修改" in c.value for c in at.caption)
