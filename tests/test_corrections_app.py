"""Staff review through the app (AppTest): correct, reject, add and undo a fact, each shown on the
next run everywhere; accounts (wrong password, unknown user, lockout, sign-out, the CLI); and a
member, not signed in, reaches no write path on any page."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

import dashboard.__main__ as cli
from dashboard import auth, queries
from pipeline.ledger import corrections, store, users
from e2e_helpers import AS_OF, make_fixture_db

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
PASSWORD = "复核-2026-pw"
PAGES = ("overview", "timeline", "deadlines", "targets", "agencies", "documents", "search", "progress", "upload",
         "review")
WRITE_BUTTONS = {"确认无误", "撤销上一次更正", "驳回", "保存更正", "添加事实", "撤销驳回", "确认不是事实", "撤销这条更正",
                 "保存", "关联并转移进度", "关闭（保留历史）", "导入", "退出登录"}


@pytest.fixture
def tracker(tmp_path, monkeypatch):
    db = make_fixture_db(tmp_path / "tracker.duckdb")
    monkeypatch.setenv("TRACKER_DB", str(db))
    monkeypatch.delenv(auth.ENV_VAR, raising=False)
    users.add(corrections.store_path(db), "张三", PASSWORD)
    return db


def page(name: str, **params) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    at.session_state["as_of"] = AS_OF
    at.switch_page(f"views/{name}.py").run()
    assert not at.exception, at.exception
    return at


def sign_in(at: AppTest, name: str = "张三", password: str = PASSWORD) -> AppTest:
    at.text_input(key="staff_sign_in_name").set_value(name)
    at.text_input(key="staff_sign_in_password").set_value(password)
    next(b for b in at.button if b.label == "登录").click().run()
    assert not at.exception, at.exception
    return at


def click(at: AppTest, label: str) -> AppTest:
    next(b for b in at.button if b.label == label).click().run()
    assert not at.exception, at.exception
    return at


def signed_in_on_fact(fact_id: str) -> AppTest:
    """Signed in on the review page, then the link to a fact (as from any list's 出处)."""
    at = sign_in(page("review"))
    at.query_params["fact"] = fact_id
    at.switch_page("views/documents.py").run()
    assert not at.exception, at.exception
    return at


def successes(at: AppTest) -> list[str]:
    return [s.value for s in at.success]


def test_edit_then_undo_through_the_app(tracker):
    at = signed_in_on_fact("f-0430")
    at.date_input(key="edit_f-0430_due").set_value(AS_OF.replace(day=28))
    click(at, "保存更正")
    assert any("已保存更正" in s for s in successes(at))
    assert any("已更正" in c.value for c in at.caption)  # marked, with the original one click away
    assert str(queries.fact(tracker, "f-0430")["due_date"]) == "2026-05-28"
    at.switch_page("views/deadlines.py").run()
    table = at.dataframe[0].value.set_index("id")
    assert str(table.at["f-0430", "due"]) == "2026-05-28" and "#✎已更正 · 第5行" in table.at["f-0430", "出处"]
    at.switch_page("views/overview.py").run()
    assert {m.label: m.value for m in at.metric}["已逾期"] == "0"

    at = signed_in_on_fact("f-0430")  # the link again, as a new tab opens it
    click(at, "撤销上一次更正")
    assert str(queries.fact(tracker, "f-0430")["due_date"]) == "2026-04-30"
    entries = corrections.log(corrections.store_path(tracker))
    assert list(entries["action"]) == ["edit", "undo"] and set(entries["actor"]) == {"张三"}


def test_reject_then_undo_through_the_app(tracker):
    at = signed_in_on_fact("f-0525")
    at.selectbox(key="reject_reason_f-0525").set_value("not_a_goal")
    click(at, "驳回")
    assert queries.fact(tracker, "f-0525") is None
    assert any("已被员工驳回" in i.value for i in at.info)  # the link now says what happened
    click(at, "撤销驳回")
    assert queries.fact(tracker, "f-0525") is not None


def test_confirm_takes_it_off_the_queue_and_the_overview_count(tracker):
    at = signed_in_on_fact("f-0530")
    at.switch_page("views/overview.py").run()
    assert any(link.label == "待复核 10 项" for link in at.get("page_link"))
    at = signed_in_on_fact("f-0530")
    click(at, "确认无误")
    at.switch_page("views/overview.py").run()
    assert any(link.label == "待复核 9 项" for link in at.get("page_link"))


def test_add_a_missed_fact_on_the_documents_page(tracker):
    at = sign_in(page("review"))
    at.switch_page("views/documents.py").run()
    at.selectbox(key="doc_pick").set_value("a000000000000000").run()
    at.selectbox(key="article_pick").set_value("a000000000000000-2").run()
    at.selectbox(key="add_line").set_value(8).run()
    at.text_input(key="add_quote").set_value("不在这一行的字")
    click(at, "添加事实")
    assert [e.value for e in at.error] == ["原文片段须是所选这一行中的原文（一字不差）。"]
    at.text_input(key="add_quote").set_value("修改后再审")
    at.selectbox(key="add_kind").set_value("deadline")
    at.date_input(key="add_due").set_value(AS_OF.replace(month=6, day=1))
    click(at, "添加事实")
    assert any("已添加事实" in s for s in successes(at))
    added = queries.document_facts(tracker, "a000000000000000", 8, 8)
    row = added[added["quote"] == "修改后再审"].iloc[0]
    assert row["correction"] == "added" and str(row["due_date"]) == "2026-06-01"
    assert row["id"] in set(queries.deadline_rows(tracker, AS_OF)["id"])


def test_wrong_password_unknown_user_and_lockout(tracker, monkeypatch):
    now = [store.now()]
    monkeypatch.setattr(store, "now", lambda: now[0])
    at = sign_in(page("review"), "张三", PASSWORD + "x")
    assert [e.value for e in at.error] == [auth.WRONG] and "staff_name" not in at.session_state
    at = sign_in(page("review"), "不存在的人", PASSWORD)
    assert [e.value for e in at.error] == [auth.WRONG]
    for _ in range(users.MAX_FAILURES - 1):  # the wrong sign-in above was the first
        now[0] += dt.timedelta(seconds=1)
        assert not users.verify(corrections.store_path(tracker), "张三", "wrong-password")
    at = sign_in(page("review"), "张三", PASSWORD)  # the right password, but locked
    assert "锁定" in at.error[0].value and "staff_name" not in at.session_state
    now[0] += users.LOCKOUT + dt.timedelta(seconds=1)
    at = sign_in(page("review"), "张三", PASSWORD)
    assert "已登录为员工：张三（可编辑）" in successes(at)
    click(at, "退出登录")
    assert "staff_name" not in at.session_state and at.text_input(key="staff_sign_in_password")


def test_the_shared_password_still_signs_in_for_now_and_the_log_says_so(tracker, monkeypatch):
    monkeypatch.setenv(auth.ENV_VAR, "旧的共享密码")
    at = sign_in(page("review"), "李四", "旧的共享密码")
    assert at.session_state["staff_name"] == "李四" + auth.SHARED_MARK


def test_users_add_asks_twice_and_stores_only_a_hash(tmp_path, monkeypatch, capsys):
    db = tmp_path / "tracker.duckdb"
    answers = iter(["long-enough-1", "long-enough-1", "long-enough-2", "typo"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": next(answers))
    assert cli.main(["--db", str(db), "users", "add", "王五"]) == 0
    assert cli.main(["--db", str(db), "users", "add", "赵六"]) == 1  # the two entries differ: nothing saved
    accounts_db = corrections.store_path(db)
    assert users.names(accounts_db) == ["王五"] and users.verify(accounts_db, "王五", "long-enough-1")
    assert b"long-enough-1" not in accounts_db.read_bytes()
    with store.reading(accounts_db) as con:
        assert con.execute("SELECT password_hash FROM accounts").fetchone()[0].startswith("$argon2id$")


def _buttons_everywhere(signed_in: bool) -> dict[str, set[str]]:
    """The buttons (forms' too) of every page, the 文档 page opened at a fact, the review page's sections."""
    at = page("review")
    if signed_in:
        sign_in(at)
    seen = {}
    for name in PAGES:
        at.query_params.clear()
        if name == "documents":
            at.query_params["fact"] = "f-0530"
        at.switch_page(f"views/{name}.py").run()
        assert not at.exception, (name, at.exception)
        seen[name] = {b.label for b in at.button}
        if name == "documents" and signed_in:
            at.selectbox(key="review_pick").set_value("f-0430").run()
            seen[name] |= {b.label for b in at.button}
        if name == "review" and signed_in:
            for section in ("orphans", "log", "export"):
                at.radio(key="review_section").set_value(section).run()
                seen[name] |= {b.label for b in at.button}
    return seen


def test_a_member_reaches_no_write_path(tracker):
    member = _buttons_everywhere(signed_in=False)
    staff = _buttons_everywhere(signed_in=True)
    for name, labels in member.items():
        assert not labels & WRITE_BUTTONS, (name, labels & WRITE_BUTTONS)
        assert labels <= {"登录", "生成本周简报PDF"}, (name, labels)
    # the same pages signed in offer the write paths this checks for
    assert {"确认无误", "驳回", "保存更正", "添加事实"} <= staff["documents"]
    assert "退出登录" in staff["review"] and "退出登录" in staff["progress"]


def test_an_edit_keeps_the_fields_the_lists_leave_out(tracker):
    """The form starts from the whole fact: changing the metric of a year-precision milestone keeps
    its precision (the lists carry no due_precision)."""
    at = signed_in_on_fact("f-2027")
    assert at.selectbox(key="edit_f-2027_precision").value == "year"
    at.text_input(key="edit_f-2027_metric").set_value("培育建设一批零碳工厂（已核对）")
    click(at, "保存更正")
    fields = queries.fact_fields(tracker, "f-2027")
    assert fields["metric"] == "培育建设一批零碳工厂（已核对）" and fields["due_precision"] == "year"
    assert str(fields["due_date"]) == "2027-12-31"
