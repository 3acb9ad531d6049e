"""截止事项: every dated obligation with its countdown, filterable, and exportable to CSV, Excel
and staff calendars (.ics)."""
from __future__ import annotations

import streamlit as st

from dashboard import exports, queries
from dashboard.views import _shared as ui

db, as_of = ui.db(), ui.as_of()
statuses = ui.statuses()

st.title("截止事项")
st.caption(f"剩余天数按基准日期 {as_of} 计算；周期性事项若规则写明日期，显示下一次的日期。")

filters = ui.fact_filters(queries.filter_options(db), "deadlines", kinds=queries.DEADLINE_KINDS, years=False)
SCOPES = {"全部": "all", "未到期": "open", "7天内": "due_7", "30天内": "due_30", "90天内": "due_90", "已逾期": "overdue"}
linked = st.query_params.get("scope")  # the overview's counts link here with their scope, once
if linked in SCOPES.values() and st.session_state.get("deadlines_link") != linked:
    st.session_state["deadlines_link"] = linked
    st.session_state["deadlines_scope"] = next(label for label, code in SCOPES.items() if code == linked)
scope = SCOPES[st.radio("范围", list(SCOPES), horizontal=True, key="deadlines_scope")]

shown = ui.memo(queries.deadline_rows, db, as_of, statuses, scope=scope, **filters)  # shared: read, never change
total = queries.deadline_count(db, as_of, statuses, scope=scope, **filters)
st.caption(ui.shown_caption(len(shown), total) + "同一目标在多处出现只列一次。点选一行查看原文或导出该项日历；"
           "“出处”打开原文所在文章。")
# what it says and where it stands first (a phone shows two columns), then when, then the rest
columns = ["quote", "出处", "due", "state"] + (["status"] if (shown["status"] != "").any() else []) + ["agencies_text"]
columns += ["sources"] if (shown["goal_size"] > 1).any() else []
table = ui.fact_table(
    shown, "deadlines", ["due", "state", "status", "agencies_text"], hide_index=True, width="stretch",
    on_select="rerun", selection_mode="single-row", key="deadlines_table", column_order=columns,
    column_config={
        "due": st.column_config.TextColumn("截止日期", help="周期性事项为下一次的日期"),
        "state": st.column_config.TextColumn("倒计时", help="按基准日期计算；已提交或不适用的事项不再倒计时"),
        "status": "进度", "quote": ui.QUOTE_COLUMN, "agencies_text": st.column_config.TextColumn("部门", width=160),
        "sources": st.column_config.TextColumn("全部出处", width="medium", help="同一目标在多处出现时的每一处"),
        "出处": ui.LINK_COLUMN})


def every_row():
    """All rows of the filtered list, not only those in the table (run when a download is clicked)."""
    return shown if total <= len(shown) else queries.deadline_rows(db, as_of, statuses, scope=scope, limit=None,
                                                                    **filters)


with st.container(horizontal=True):
    st.download_button("下载 CSV", lambda: exports.to_csv(every_row()), file_name=f"截止事项-{as_of}.csv",
                       mime="text/csv", on_click="ignore", key="csv_all", icon=":material/download:")
    st.download_button("下载 Excel", lambda: exports.to_excel(every_row()), file_name=f"截止事项-{as_of}.xlsx",
                       mime="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                       on_click="ignore", key="excel_all", icon=":material/download:")
    st.download_button("导出日历 .ics（列表中有日期的事项）", lambda: exports.to_ics(every_row()),
                       file_name=f"截止事项-{as_of}.ics", mime="text/calendar", on_click="ignore",
                       disabled=shown.empty or shown["due"].isna().all(), key="ics_all", icon=":material/event:")

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
