"""One agency hierarchy everywhere (views_app.sql's agency_scope, from agencies.parent): a ministry
includes its departments (工业和信息化部 ⊃ 科技司, 办公厅) on 部门, on 时间线 and 截止事项 filtered to it, and in
its calendar feed, so each gives the same number of deadlines for it."""
from __future__ import annotations

import datetime as dt
import re
from pathlib import Path

import icalendar
import pytest
from streamlit.testing.v1 import AppTest

from dashboard import queries
from pipeline import feeds

APP = str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py")
AS_OF = dt.date(2026, 12, 7)  # the seeds' build date in the issue
MIIT = "工业和信息化部"


@pytest.fixture(scope="module")
def feed_counts(seed_db, tmp_path_factory) -> dict[str, int]:
    """Events in each agency's feed, counted in the .ics files themselves."""
    folder = feeds.write_feeds(seed_db, tmp_path_factory.mktemp("feeds"))
    counts = {}
    for feed in feeds.read_index(folder)["feeds"][1:]:
        cal = icalendar.Calendar.from_ical((folder / feed["file"]).read_bytes())
        counts[feed["agency"]] = len(cal.walk("VEVENT"))
    return counts


@pytest.fixture
def app(seed_db, monkeypatch):
    monkeypatch.setenv("TRACKER_DB", str(seed_db))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.session_state["as_of"] = AS_OF
    return at


def ministries(db) -> list[str]:
    ranked = queries.agencies_ranked(db, AS_OF)
    return sorted({p for p in ranked["parent"] if isinstance(p, str)})


def agency_page_count(at: AppTest, agency: str) -> int:
    """部门 → the agency: 待办截止事项 + 已逾期."""
    at.switch_page("views/agencies.py").run()
    at.selectbox(key="agency_pick").set_value(agency).run()
    assert not at.exception, at.exception
    shown = {m.label: int(m.value) for m in at.metric}
    return shown["待办截止事项"] + shown["已逾期"]


def deadlines_page_count(at: AppTest, agency: str) -> int:
    """截止事项 filtered to the agency: 未到期 + 已逾期, as the page says (共 N 项)."""
    at.switch_page("views/deadlines.py").run()
    at.multiselect(key="deadlines_agency").set_value([agency]).run()
    total = 0
    for scope in ("未到期", "已逾期"):
        at.radio(key="deadlines_scope").set_value(scope).run()
        assert not at.exception, at.exception
        total += int(re.search(r"共 (\d+) 项", next(c.value for c in at.caption if "共 " in c.value))[1])
    return total


def timeline_count(at: AppTest, agency: str) -> int:
    """时间线 filtered to the agency, the past included: the deadlines listed under the chart."""
    at.switch_page("views/timeline.py").run()
    at.multiselect(key="timeline_agency").set_value([agency]).run()
    at.toggle(key="timeline_past").set_value(True).run()
    assert not at.exception, at.exception
    listed = at.dataframe[0].value
    return int(listed["kind"].isin(["deadline", "relative"]).sum())


def test_the_seeds_hold_a_ministry_with_departments(seed_db):
    ranked = queries.agencies_ranked(seed_db, AS_OF).set_index("agency")
    departments = set(ranked.index[ranked["parent"] == MIIT])
    assert {"工业和信息化部科技司", "工业和信息化部办公厅"} <= departments
    # the ministry's own numbers hold its departments' deadlines (05-30, 08-30, 11-30: overdue on 12-07)
    assert ranked.at[MIIT, "overdue"] >= 3
    assert ranked.at[MIIT, "overdue"] >= ranked.at["工业和信息化部科技司", "overdue"] + 1


def test_each_ministry_has_one_deadline_count_on_every_page_and_in_its_feed(seed_db, app, feed_counts):
    checked = 0
    for ministry in ministries(seed_db):
        counts = {"部门": agency_page_count(app, ministry), "截止事项": deadlines_page_count(app, ministry),
                  "时间线": timeline_count(app, ministry), "日历订阅": feed_counts.get(ministry, 0)}
        assert len(set(counts.values())) == 1, (ministry, counts)
        checked += counts["部门"] > 0
    assert checked >= 2  # 工业和信息化部 and 国家数据局, each with deadlines of its departments


def test_a_filter_on_several_agencies_includes_their_departments(seed_db):
    one = queries.deadline_rows(seed_db, AS_OF, agencies=[MIIT], limit=None)
    several = queries.deadline_rows(seed_db, AS_OF, agencies=[MIIT, "不存在的部门"], limit=None)
    assert set(one["id"]) == set(several["id"]) and len(one)
    assert queries.deadline_count(seed_db, AS_OF, agencies=[MIIT, "不存在的部门"]) == len(one)
    assert any("工业和信息化部科技司" in names and MIIT not in names for names in one["agencies"])
