"""Frames and figures shared between sessions (views/_shared.memo) follow what they are made of: a
status staff record, a rebuilt database and another as-of date show on the next run of a page that
showed the old ones; and the 目标 page draws its groups a page at a time without losing any."""
from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest
from streamlit.testing.v1 import AppTest

from dashboard.views import _shared as ui
from pipeline.ledger import progress
from e2e_helpers import AS_OF, delete_facts, make_fixture_db

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")


@pytest.fixture
def tracker(tmp_path, monkeypatch):
    db = make_fixture_db(tmp_path / "tracker.duckdb")
    monkeypatch.setenv("TRACKER_DB", str(db))
    return db


def deadlines_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.session_state["as_of"] = AS_OF
    at.switch_page("views/deadlines.py").run()
    assert not at.exception, at.exception
    return at


def rows(at: AppTest) -> pd.DataFrame:
    return at.dataframe[0].value.set_index("id")


def test_a_status_recorded_after_the_page_was_shown_shows_on_its_next_run(tracker):
    at = deadlines_page()
    assert rows(at).at["f-0530", "status"] == ""
    progress.record(progress.default_progress_path(tracker), "f-0530", "张三", status="进行中")
    at.run()
    assert rows(at).at["f-0530", "status"] == "进行中"
    assert rows(deadlines_page()).at["f-0530", "status"] == "进行中"  # a new session too


def test_a_rebuilt_database_shows_on_the_next_run(tracker):
    at = deadlines_page()
    assert "f-0525" in rows(at).index
    rebuilt = tracker.with_name("rebuilt.duckdb")  # a build writes a new file and swaps it in
    shutil.copy(tracker, rebuilt)
    delete_facts(rebuilt, "f-0525")
    os.replace(rebuilt, tracker)
    at.run()
    assert "f-0525" not in rows(at).index


def test_another_as_of_date_moves_the_countdown(tracker):
    at = deadlines_page()
    assert rows(at).at["f-0530", "days_left"] == 10
    at.session_state["as_of"] = dt.date(2026, 5, 25)
    at.run()
    assert rows(at).at["f-0530", "days_left"] == 5


def test_memo_shares_one_answer_per_arguments(tracker):
    calls = []

    def count(frame: pd.DataFrame, n: int) -> int:
        calls.append(n)
        return len(frame) + n

    frame = pd.DataFrame({"a": [1, 2], "b": [["x"], None]})
    assert ui.memo(count, frame, 1) == ui.memo(count, frame.copy(), 1) == 3  # same content: computed once
    assert ui.memo(count, frame.assign(a=[1, 3]), 1) == 3 and ui.memo(count, frame, 2) == 4
    assert calls == [1, 1, 2]


def test_targets_drawn_ten_groups_a_page_and_every_group_reachable(tracker, monkeypatch):
    import duckdb

    from pipeline.load import write_app_index

    with duckdb.connect(str(tracker)) as con:  # before the app opens it: 25 more targets, each in its own article: 26 groups
        con.execute("""
            INSERT INTO articles SELECT articles.* REPLACE (article_id || '-x' || i AS article_id, title || ' 第' || i || '篇' AS title)
            FROM articles, range(25) t(i) WHERE article_id = (SELECT article_id FROM facts WHERE id = 'f-300a')""")
        con.execute("""
            INSERT INTO facts SELECT facts.* REPLACE ('f-x' || i AS id, article_id || '-x' || i AS article_id,
                                                'g-x' || i AS group_id)
            FROM facts, range(25) t(i) WHERE id = 'f-300a'""")
        write_app_index(con)
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.session_state["as_of"] = AS_OF
    at.switch_page("views/targets.py").run()
    assert not at.exception, at.exception
    pages = at.selectbox(key="targets_page")

    def groups():  # the groups' expanders (the filters are in one too)
        return {e.label for e in at.expander if not e.label.startswith("筛选")}

    assert len(pages.options) == 3 and len(groups()) == 10
    seen = groups()
    for page in (2, 3):
        at.selectbox(key="targets_page").set_value(page).run()
        assert not at.exception, at.exception
        seen |= groups()
    assert len(seen) == 26
