"""目标: every numeric target with its value and due date, grouped by plan or agency, and how much
of its period has passed at the as-of date (recorded actuals come from progress tracking)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.pages import _shared as ui

db, as_of = ui.db(), ui.as_of()

st.title("目标")
st.caption(f"时间进度 = 基准日期 {as_of} 时已过去的期间占比（期间从“起”日期、文章或简报发布日期算到到期日）。")

facts = queries.all_facts(db)
targets = facts[(facts["kind"] == "target") & facts["is_head"]].copy()
targets = ui.fact_filters(targets, "targets", kinds=False)
targets["目标值"] = [ui.format_value(row) for _, row in targets.iterrows()]
targets["elapsed"] = [queries.elapsed_share(queries.period_start(row), row["due_date"], as_of)
                      for _, row in targets.iterrows()]

statuses = ui.statuses()
targets["actual"] = None
if statuses is not None and not statuses.empty and "actual_value" in statuses:
    actual = statuses.dropna(subset=["actual_value"])
    label = {r.fact_id: f"{r.actual_value:g}{'（' + str(r.observed_on) + '）' if pd.notna(r.observed_on) else ''}"
             for r in actual.itertuples()}
    targets["actual"] = targets["id"].map(label)

group_by = st.radio("分组", ["按主题（所在文章）", "按部门"], horizontal=True, key="targets_group")
if group_by == "按部门":
    targets = targets.explode("agencies")
    targets["group"] = targets["agencies"].fillna("未注明部门")
else:
    targets["group"] = targets["article_title"].fillna(targets["document_title"])

st.caption(f"共 {targets['id'].nunique()} 个目标。")
if targets.empty:
    st.info("筛选条件下没有数值目标。")
for index, (group, rows) in enumerate(targets.groupby("group", sort=False)):
    with st.expander(f"{group}（{len(rows)}）", expanded=index < 3):
        st.dataframe(
            ui.with_links(rows), hide_index=True, width="stretch",
            column_order=["metric", "目标值", "due_date", "elapsed", "actual", "quote", "agencies_text",
                          "document_title", "line", "出处"],
            column_config={
                "metric": "指标", "due_date": st.column_config.DateColumn("到期", format="YYYY-MM-DD"),
                "elapsed": st.column_config.ProgressColumn("时间进度", format="percent", min_value=0, max_value=1),
                "actual": "最新实际值", "quote": st.column_config.TextColumn("原文", width="large"),
                "agencies_text": "部门", "document_title": "文档", "line": "行", "出处": ui.LINK_COLUMN})
