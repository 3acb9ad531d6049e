"""时间线: when things fall due, on one chart — deadlines as points, plan periods, milestones and
targets as bars, the as-of date as a line."""
from __future__ import annotations

import streamlit as st

from dashboard import queries
from dashboard.pages import _shared as ui

db, as_of = ui.db(), ui.as_of()

st.title("时间线")
st.caption("◆ 截止事项；横条为规划期、里程碑和目标的期间（从起始或发文日期到到期日）。鼠标悬停查看原文和出处。")

facts = queries.all_facts(db)
facts = facts[facts["is_head"]]
shown = ui.fact_filters(facts, "timeline")
periods = queries.plan_periods(db)
periods = periods[periods["article_id"].isin(shown["article_id"])]
if not st.toggle("显示规划期", value=True, key="timeline_periods"):
    periods = periods.iloc[0:0]

if shown["due_date"].notna().sum() == 0 and periods.empty:
    st.info("筛选条件下没有带日期的事项。")
else:
    st.plotly_chart(ui.timeline_figure(shown, periods, as_of), width="stretch")
    undated = shown[shown["due_date"].isna()]
    if len(undated):
        with st.expander(f"没有具体日期的事项（{len(undated)} 项，周期性或相对期限）"):
            st.dataframe(ui.with_links(undated), hide_index=True, width="stretch",
                         column_order=["kind_label", "metric", "recurrence_rule", "quote", "document_title", "line",
                                       "出处"],
                         column_config={"kind_label": "类型", "metric": "事项", "recurrence_rule": "周期",
                                        "quote": "原文", "document_title": "文档", "line": "行",
                                        "出处": ui.LINK_COLUMN})
