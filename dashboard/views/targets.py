"""目标: every numeric target with its value and due date, grouped by plan or agency, and how much
of its period has passed at the as-of date (recorded actuals come from progress tracking)."""
from __future__ import annotations

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.views import _shared as ui

db, as_of = ui.db(), ui.as_of()

st.title("目标")
st.caption(f"时间进度 = 基准日期 {as_of} 时已过去的期间占比（期间从“起”日期、文章或简报发布日期算到到期日）；"
           "完成度 = 最新实际值 ÷ 目标值（在“进度”页记录）。")

filters = ui.fact_filters(queries.filter_options(db), "targets", kinds=())
filters["kinds"] = ["target"]
targets = queries.fact_rows(db, **filters)
total = queries.fact_count(db, **filters)
targets["目标值"] = [ui.format_value(row) for row in targets.to_dict("records")]
targets["elapsed"] = [queries.elapsed_share(queries.period_start(row), row["due_date"], as_of)
                      for row in targets.to_dict("records")]

statuses = ui.statuses()
targets["actual"] = None
targets["completion"] = None
if statuses is not None and not statuses.empty and "actual_value" in statuses:
    actual = statuses.dropna(subset=["actual_value"]).set_index("fact_id")
    label = {fid: f"{r.actual_value:g}{'（' + str(pd.Timestamp(r.observed_on).date()) + '）' if pd.notna(r.observed_on) else ''}"
             for fid, r in actual.iterrows()}
    targets["actual"] = targets["id"].map(label)
    values = targets["id"].map(actual["actual_value"]).astype(float)
    targets["completion"] = (values / targets["value"].where(targets["value"] > 0)).clip(0, 1)

has_actuals = targets["actual"].notna().any()
group_by = st.radio("分组", ["按主题（所在文章）", "按部门"], horizontal=True, key="targets_group")
if group_by == "按部门":
    targets = targets.explode("agencies")
    targets["group"] = targets["agencies"].fillna("未注明部门")
else:
    targets["group"] = targets["article_title"].fillna(targets["document_title"])

st.caption(ui.shown_caption(targets["id"].nunique(), total, "个目标"))
if targets.empty:
    st.info("筛选条件下没有数值目标。")
for index, (group, rows) in enumerate(targets.groupby("group", sort=False)):
    with st.expander(f"{group}（{len(rows)}）", expanded=index < 3):
        st.dataframe(
            ui.with_links(rows), hide_index=True, width="stretch",
            column_order=["metric", "目标值", "due_date", "elapsed"] + (["actual", "completion"] if has_actuals else [])
            + ["quote", "出处"],
            column_config={
                "metric": st.column_config.TextColumn("指标", width="medium"), "due_date": "到期",
                "elapsed": st.column_config.ProgressColumn("时间进度", format="percent", min_value=0, max_value=1),
                "actual": "最新实际值",
                "completion": st.column_config.ProgressColumn("完成度", format="percent", min_value=0, max_value=1),
                "quote": ui.QUOTE_COLUMN, "出处": ui.LINK_COLUMN})
