"""时间线: what falls due from the as-of date on (the past one switch away), one row per article
(plan, notice, news item) with a mark on each due date: deadlines at the date in effect (a recurring
rule's next), milestones and targets; the items themselves listed below the chart."""
from __future__ import annotations

import streamlit as st

from dashboard import queries
from dashboard.views import _shared as ui

ROWS_PER_PAGE = 15  # articles on one chart: a phone shows a few at a time, a desk about ten

db, as_of = ui.db(), ui.as_of()
statuses = ui.statuses()

st.title("时间线")
st.caption(f"基准日期 {as_of} 起到期的事项，每行一篇文章：◆ 截止事项 ● 里程碑 ■ 目标，灰条为规划期。"
           "点按标记看原文，事项逐条列在图下。")
filters = ui.fact_filters(queries.filter_options(db), "timeline")
upcoming = not st.toggle("包括已过期的事项", key="timeline_past", help="打开后显示基准日期之前到期的事项")
view = ui.timeline_view(db, as_of, statuses, upcoming, filters, st.session_state.get("timeline_page") or 1,
                        ROWS_PER_PAGE)  # shared: read, never change

if not view["rows"]:
    st.info("筛选条件下没有带日期的事项。" if not upcoming else "基准日期之后没有带日期的事项；打开“包括已过期的事项”查看以前的。")
else:
    if view["total"] > view["shown"]:
        st.caption(ui.shown_caption(view["shown"], view["total"]))
    st.plotly_chart(view["figure"], width="stretch", config=ui.PLOT_CONFIG)
    pages = view["pages"]
    if pages > 1:  # under the chart; the view above read its value from the session
        st.selectbox(f"共 {view['rows']} 篇文章，每页 {ROWS_PER_PAGE} 篇", range(1, pages + 1), key="timeline_page",
                     format_func=lambda n: f"第 {n} / {pages} 页（{view['first'][n - 1]} 起）")
    st.subheader(f"图中的事项（{view['listed']}）")
    ui.grid_and_cards(view["grid"], view["cards"], "timeline", hide_index=True, width="stretch",
                      column_order=ui.TIMELINE_COLUMNS, column_config=ui.TIMELINE_COLUMN_CONFIG)

if view["undated"] is not None:
    with st.expander(f"没有具体日期的事项（{len(view['undated'])} 项，周期性、相对期限或只写明起始）"):
        ui.grid_and_cards(view["undated"], view["undated_cards"], "undated", hide_index=True, width="stretch",
                          column_order=["quote", "出处", "kind_label", "recurrence_rule"],
                          column_config={"kind_label": "类型", "recurrence_rule": "周期", "quote": ui.QUOTE_COLUMN,
                                         "出处": ui.LINK_COLUMN})
