"""Each page through Streamlit's AppTest against the fixture database: filters change what is
shown, the as-of date moves the countdown, links open the fact in its article."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from e2e_helpers import AS_OF, make_fixture_db

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return make_fixture_db(tmp_path_factory.mktemp("dash") / "tracker.duckdb")


@pytest.fixture
def app(db, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(db))
    at = AppTest.from_file(APP, default_timeout=60)
    at.run()
    at.session_state["as_of"] = AS_OF
    at.run()
    assert not at.exception
    return at


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def open_page(at, name: str) -> AppTest:
    at.switch_page(f"views/{name}.py").run()
    assert not at.exception, at.exception
    return at


def test_overview_counts_follow_the_as_of_date(app):
    assert metrics(app) == {"7天内到期": "1", "30天内到期": "3", "90天内到期": "4", "已逾期": "1", "2026年里程碑": "1"}
    upcoming = app.dataframe[0].value
    assert list(upcoming["due"].astype(str))[:2] == ["2026-05-25", "2026-05-30"]
    app.session_state["as_of"] = dt.date(2026, 5, 31)
    app.run()
    assert metrics(app)["已逾期"] == "3"
    assert metrics(app)["7天内到期"] == "1"  # the yearly 5月31日 rule, due today


def test_missing_database_says_how_to_build(monkeypatch, tmp_path):
    monkeypatch.setenv("TRACKER_DB", str(tmp_path / "missing.duckdb"))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert "找不到数据库" in at.error[0].value
    assert "python -m pipeline build --input seeds" in at.code[0].value


def test_deadline_filters_and_countdown(app):
    open_page(app, "deadlines")
    table = app.dataframe[0].value
    assert len(table) == 6
    assert table.set_index("id").at["f-0530", "days_left"] == 10
    app.multiselect(key="deadlines_agency").set_value(["国家数据局"]).run()
    assert set(app.dataframe[0].value["id"]) == {"f-0530", "f-0430", "f-rel"}
    app.radio(key="deadlines_scope").set_value("已逾期").run()
    assert list(app.dataframe[0].value["id"]) == ["f-0430"]
    app.session_state["as_of"] = dt.date(2026, 6, 1)
    app.run()
    assert set(app.dataframe[0].value["id"]) == {"f-0430", "f-0530"}


def test_timeline_filters(app):
    open_page(app, "timeline")
    assert len(app.get("plotly_chart")) == 1
    app.text_input(key="timeline_text").set_value("零碳工厂").run()
    assert not app.exception and len(app.get("plotly_chart")) == 1
    app.text_input(key="timeline_text").set_value("没有这样的事项").run()
    assert "没有带日期的事项" in app.info[0].value


def test_targets_grouped_with_elapsed_share(app):
    open_page(app, "targets")
    table = app.dataframe[0].value
    assert list(table["id"]) == ["f-300a"] and table.iloc[0]["目标值"] == "≥300个"
    # 2024-01-04 (the plan's article) .. 2026-12-31 at 2026-05-20
    assert table.iloc[0]["elapsed"] == pytest.approx(867 / 1092, abs=0.01)
    app.radio(key="targets_group").set_value("按部门").run()
    assert any("国家数据局" in e.label for e in app.expander)


def test_agency_page(app):
    open_page(app, "agencies")
    assert app.selectbox(key="agency_pick").value == "工业和信息化部"
    assert metrics(app)["待办截止事项"] == "4"
    app.selectbox(key="agency_pick").set_value("国家数据局").run()
    assert metrics(app)["已逾期"] == "1"


def test_document_link_opens_fact_in_its_article(app):
    app.query_params["fact"] = "f-300a"
    open_page(app, "documents")
    assert app.selectbox(key="doc_pick").value == "a000000000000000"
    assert app.selectbox(key="article_pick").value == "a000000000000000-2"
    text = "".join(m.value for m in app.markdown)
    assert "outline:2px solid" in text and ">到2026年底，打造300个以上" in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text and "<script>" not in text


def test_search_with_quote_characters(app):
    open_page(app, "search")
    app.text_input(key="search_text").set_value("“模数共振”").run()
    assert [s.value for s in app.subheader] == ["事实（3）", "原文（2 行）"]
    app.text_input(key="search_text").set_value("x' OR '1'='1").run()
    assert [s.value for s in app.subheader] == ["事实（0）", "原文（0 行）"]


def test_overview_counts_open_their_lists(app):
    app.query_params["scope"] = "due_30"
    open_page(app, "deadlines")
    assert app.radio(key="deadlines_scope").value == "30天内"
    assert set(app.dataframe[0].value["id"]) == {"f-0525", "f-0530", "f-yearly"}  # the overview's 3
    app.query_params.clear()
    app.query_params["kind"] = "milestone"
    app.query_params["year"] = "2026"
    open_page(app, "timeline")
    assert app.multiselect(key="timeline_kind").value == ["里程碑"]
    assert app.slider(key="timeline_years").value == (2026, 2026)


def test_every_row_names_its_source(app):
    for page in ("overview", "deadlines"):
        open_page(app, page)
        table = app.dataframe[0].value
        assert all(link.startswith("documents?fact=") and "行 · " in link for link in table["出处"])
        assert not table.isin(["None"]).any().any()  # empty cells, never the word None
    row = app.dataframe[0].value.set_index("id").loc["f-0530"]
    assert row["出处"] == "documents?fact=f-0530#第4行 · 智慧城市产业网简报"


def test_agency_sections(app):
    open_page(app, "agencies")
    for section in ("截止事项", "目标", "时间线", "文档", "部门排行"):
        app.radio(key="agency_section").set_value(section).run()
        assert not app.exception, (section, app.exception)
    levels = app.dataframe[0].value["level"]
    assert set(levels) <= {"中央", "省级", "市级", "其他"}


# ---- files the build rejected (issue 6): everyone sees them, with the reason in Chinese ----------

BINARY = bytes(range(1, 32)) * 100  # control bytes: the build calls it a binary file


@pytest.fixture(scope="module")
def rejected_db(tmp_path_factory):
    from conftest import SEEDS
    from pipeline.build import run_build

    folder = tmp_path_factory.mktemp("rejected_in")
    seed = sorted(SEEDS.glob("*.txt"))[0]
    (folder / seed.name).write_bytes(seed.read_bytes())
    (folder / "空白通知.txt").write_bytes(b"")
    (folder / "scan<b>.txt").write_bytes(BINARY)  # a name with HTML in it is shown as text
    db = tmp_path_factory.mktemp("rejected_db") / "tracker.duckdb"
    run_build(folder, db, full=True)
    return db


def rejected_section(at):
    return [e for e in at.expander if e.label.startswith("未能导入的文件")]


def test_rejected_files_are_listed_on_the_documents_page(rejected_db, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(rejected_db))
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert not at.exception
    # the sidebar warns on every page and links to the list
    assert [w.value for w in at.sidebar.warning] == ["最近一次构建有 2 个文件未能导入。"]
    open_page(at, "documents")
    [section] = rejected_section(at)
    assert section.label == "未能导入的文件（2）"
    text = "".join(m.value for m in section.markdown)
    assert "<b>空白通知.txt</b>：文件为空" in text and ">empty file<" in text
    assert "<b>scan&lt;b&gt;.txt</b>：二进制文件，不是文本" in text and ">binary file" in text
    assert "<b>scan<b>" not in text
    assert at.selectbox(key="doc_pick").value  # the imported bulletin is still shown below


def test_a_clean_database_shows_no_rejected_files(app):
    assert not app.sidebar.warning
    open_page(app, "documents")
    assert not rejected_section(app)
