"""截止事项: every dated obligation with its countdown, filterable, and exportable to CSV, Excel
and staff calendars (.ics)."""
from __future__ import annotations

import streamlit as st

from dashboard import exports, queries
from dashboard.pages import _shared as ui

db, as_of = ui.db(), ui.as_of()

st.title("截止事项")
st.caption(f"剩余天数按基准日期 {as_of} 计算；周期性事项若规则写明日期，显示下一次的日期。")

rows = queries.deadline_rows(db, as_of, ui.statuses())
shown = ui.fact_filters(rows, "deadlines", kinds=True, years=False)
scope = st.radio("范围", ["全部", "未到期", "已逾期", "90天内"], horizontal=True, key="deadlines_scope")
if scope == "未到期":
    shown = shown[~shown["closed"] & (shown["days_left"] >= 0).fillna(False)]
elif scope == "已逾期":
    shown = shown[shown["overdue"]]
elif scope == "90天内":
    shown = shown[~shown["closed"] & shown["days_left"].between(0, 90).fillna(False)]

st.caption(f"共 {len(shown)} 项（同一目标在多处出现只列一次，“全部出处”列出每一处）。点选一行查看原文或导出该项日历。")
table = st.dataframe(
    ui.with_links(shown), hide_index=True, width="stretch", on_select="rerun", selection_mode="single-row",
    key="deadlines_table",
    column_order=["due", "days_left", "state", "status", "metric", "quote", "agencies_text", "document_title",
                  "line", "sources", "出处"],
    column_config={
        "due": st.column_config.DateColumn("截止日期", format="YYYY-MM-DD"),
        "days_left": st.column_config.NumberColumn("剩余天数", help="负数表示已逾期"),
        "state": "倒计时", "status": "进度", "metric": "事项", "quote": st.column_config.TextColumn("原文", width="large"),
        "agencies_text": "部门", "document_title": "文档", "line": "行", "sources": "全部出处",
        "出处": ui.LINK_COLUMN})

columns = st.columns(3)
columns[0].download_button("下载 CSV", exports.to_csv(shown), file_name=f"截止事项-{as_of}.csv", mime="text/csv",
                           on_click="ignore")
columns[1].download_button("下载 Excel", exports.to_excel(shown), file_name=f"截止事项-{as_of}.xlsx",
                           mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                           on_click="ignore")
dated = shown[shown["due"].notna()]
columns[2].download_button(f"导出日历 .ics（{len(dated)} 项）", exports.to_ics(dated),
                           file_name=f"截止事项-{as_of}.ics", mime="text/calendar", on_click="ignore",
                           disabled=dated.empty, key="ics_all")

selected = table.selection.rows if table is not None else []
if selected:
    row = shown.iloc[selected[0]]
    st.divider()
    st.subheader("选中的事项")
    ui.fact_card(row.to_dict())
    if row["due"] is not None:
        st.download_button("导出此项到日历 .ics", exports.to_ics(shown.iloc[[selected[0]]]),
                           file_name=f"截止事项-{row['id']}.ics", mime="text/calendar", on_click="ignore",
                           key="ics_one")
    else:
        st.caption("此项没有具体日期（周期性或相对期限），无法导出日历。")
