"""时间线: when things fall due, on one chart — deadlines as points, plan periods, milestones and
targets as bars, the as-of date as a line."""
from __future__ import annotations

import streamlit as st

from dashboard import queries
from dashboard.views import _shared as ui

TIMELINE_LIMIT = 80  # rows on one chart (one a goal); beyond that it is unreadable: the filters narrow it

db, as_of = ui.db(), ui.as_of()

st.title("时间线")
st.caption("每行一个事项，按到期日期排列：◆ 截止事项；横条为里程碑和目标的期间（从起始或发文日期到到期日），灰色为规划期。"
           "鼠标悬停查看原文和出处。")

filters = ui.fact_filters(queries.filter_options(db), "timeline")
shown = ui.memo(queries.fact_rows, db, limit=TIMELINE_LIMIT, **filters)  # shared: read, never change
total = queries.fact_count(db, **filters)
periods = ui.memo(queries.plan_periods, db, article_ids=list(shown["article_id"].dropna()))
if not st.toggle("显示规划期", value=True, key="timeline_periods"):
    periods = periods.iloc[0:0]

if shown["due_date"].notna().sum() == 0 and periods.empty:
    st.info("筛选条件下没有带日期的事项。")
else:
    if total > len(shown):
        st.caption(ui.shown_caption(len(shown), total))
    st.plotly_chart(ui.timeline_figure(shown, periods, as_of), width="stretch", config=ui.PLOT_CONFIG)
    undated = shown[shown["due_date"].isna()]
    if len(undated):
        with st.expander(f"没有具体日期的事项（{len(undated)} 项，周期性或相对期限）"):
            st.dataframe(ui.with_links(undated), hide_index=True, width="stretch",
                         column_order=["kind_label", "recurrence_rule", "quote", "出处"],
                         column_config={"kind_label": "类型", "recurrence_rule": "周期", "quote": ui.QUOTE_COLUMN,
                                        "出处": ui.LINK_COLUMN})
