"""部门: one agency's documents, deadlines, targets and timeline; agencies ranked by open deadlines."""
from __future__ import annotations

import streamlit as st

from dashboard import queries
from dashboard.pages import _shared as ui

db, as_of = ui.db(), ui.as_of()
statuses = ui.statuses()

st.title("部门")
ranked = queries.agencies_ranked(db, as_of, statuses)
if ranked.empty:
    st.info("数据库中没有标注部门的事实。")
    st.stop()

agency = st.selectbox("选择部门", ranked["agency"], key="agency_pick",
                      format_func=lambda name: f"{name}（待办 {int(ranked.set_index('agency').at[name, 'open_deadlines'])}）")
facts = queries.all_facts(db)
mine = facts[facts["is_head"] & facts["agencies"].map(lambda names: agency in names)]
deadlines = queries.deadline_rows(db, as_of, statuses)
deadlines = deadlines[deadlines["agencies"].map(lambda names: agency in names)]

columns = st.columns(4)
columns[0].metric("待办截止事项", int((~deadlines["closed"] & (deadlines["days_left"] >= 0).fillna(False)).sum()))
columns[1].metric("已逾期", int(deadlines["overdue"].sum()))
columns[2].metric("目标", int((mine["kind"] == "target").sum()))
columns[3].metric("涉及文档", mine["doc_id"].nunique())

tabs = st.tabs(["截止事项", "目标", "时间线", "文档", "部门排行"])
with tabs[0]:
    st.dataframe(ui.with_links(deadlines), hide_index=True, width="stretch",
                 column_order=["due", "state", "status", "metric", "quote", "document_title", "line", "出处"],
                 column_config={"due": st.column_config.DateColumn("截止日期", format="YYYY-MM-DD"), "state": "倒计时",
                                "status": "进度", "metric": "事项", "quote": "原文", "document_title": "文档",
                                "line": "行", "出处": ui.LINK_COLUMN})
with tabs[1]:
    targets = mine[mine["kind"] == "target"].copy()
    targets["目标值"] = [ui.format_value(row) for _, row in targets.iterrows()]
    st.dataframe(ui.with_links(targets), hide_index=True, width="stretch",
                 column_order=["metric", "目标值", "due_date", "quote", "document_title", "line", "出处"],
                 column_config={"metric": "指标", "due_date": st.column_config.DateColumn("到期", format="YYYY-MM-DD"),
                                "quote": "原文", "document_title": "文档", "line": "行", "出处": ui.LINK_COLUMN})
with tabs[2]:
    periods = queries.plan_periods(db)
    periods = periods[periods["agencies"].map(lambda names: agency in names)]
    if mine["due_date"].notna().any() or len(periods):
        st.plotly_chart(ui.timeline_figure(mine, periods, as_of), width="stretch", key="agency_timeline")
    else:
        st.info("该部门没有带日期的事项。")
with tabs[3]:
    docs = (mine.groupby(["document_title", "article_title"], dropna=False)
            .agg(facts=("id", "count"), first_line=("line", "min")).reset_index())
    st.dataframe(docs, hide_index=True, width="stretch",
                 column_config={"document_title": "文档", "article_title": "文章", "facts": "事实数",
                                "first_line": "首次出现行"})
with tabs[4]:
    st.dataframe(ranked, hide_index=True, width="stretch",
                 column_config={"agency": "部门", "level": "层级", "open_deadlines": "待办截止事项",
                                "overdue": "已逾期", "goals": "全部目标与事项"})
