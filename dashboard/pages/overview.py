"""概览: what is due soon, what is overdue, and where the goals sit by year, kind and agency."""
from __future__ import annotations

import plotly.express as px
import streamlit as st

from dashboard import queries
from dashboard.pages import _shared as ui

db, as_of = ui.db(), ui.as_of()
statuses = ui.statuses()

st.title("概览")
st.caption(f"基准日期 {as_of}。已提交或不适用的事项不计入；同一目标在多处出现只计一次。")

counts = queries.due_counts(db, as_of, statuses)
columns = st.columns(5)
columns[0].metric("7天内到期", counts["due_7"])
columns[1].metric("30天内到期", counts["due_30"])
columns[2].metric("90天内到期", counts["due_90"])
columns[3].metric("已逾期", counts["overdue"])
columns[4].metric(f"{as_of.year}年里程碑", counts["milestones_this_year"])

st.subheader("即将到期")
rows = queries.deadline_rows(db, as_of, statuses)
upcoming = rows[~rows["closed"] & (rows["days_left"] >= 0).fillna(False)].head(10)
if upcoming.empty:
    st.info("基准日期之后没有待办的截止事项。")
else:
    st.dataframe(
        ui.with_links(upcoming), hide_index=True, width="stretch",
        column_order=["due", "state", "metric", "quote", "agencies_text", "document_title", "line", "出处"],
        column_config={"due": "截止日期", "state": "剩余", "metric": "事项", "quote": "原文",
                       "agencies_text": "部门", "document_title": "文档", "line": "行", "出处": ui.LINK_COLUMN})
    st.page_link("pages/deadlines.py", label="全部截止事项", icon="⏰")

left, right = st.columns(2)
with left:
    st.subheader("按到期年份和类型")
    by_year = queries.facts_by_year_kind(db)
    if by_year.empty:
        st.info("没有带日期的事实。")
    else:
        fig = px.bar(by_year, x=by_year["year"].astype(str), y="n", color="kind_label",
                     color_discrete_map=ui.KIND_COLORS, labels={"x": "到期年份", "n": "数量", "kind_label": "类型"})
        fig.update_layout(height=360, margin=dict(l=10, r=10, t=10, b=10), legend_title_text="类型")
        st.plotly_chart(fig, width="stretch")
with right:
    st.subheader("按部门")
    by_agency = queries.facts_by_agency(db, limit=15)
    if by_agency.empty:
        st.info("没有标注部门的事实。")
    else:
        fig = px.bar(by_agency, y="agency", x="n", color="kind_label", orientation="h",
                     color_discrete_map=ui.KIND_COLORS, labels={"agency": "部门", "n": "数量", "kind_label": "类型"})
        fig.update_layout(height=max(360, 28 * by_agency["agency"].nunique()), margin=dict(l=10, r=10, t=10, b=10),
                          yaxis=dict(categoryorder="total ascending"), legend_title_text="类型")
        st.plotly_chart(fig, width="stretch")

st.subheader("本周简报")
if st.button("生成本周简报PDF", help="按基准日期生成 PDF 简报（需要几秒钟）"):
    try:
        from pipeline.snapshot.render import render_pdf
        st.session_state["weekly_pdf"] = (as_of, render_pdf(db, as_of))
    except ImportError:
        st.error("简报生成模块尚未安装（pipeline.snapshot.render），暂时无法生成 PDF。")
    except Exception as exc:  # the renderer is another module; show its failure instead of crashing the page
        st.error(f"生成 PDF 失败：{exc}")
if st.session_state.get("weekly_pdf"):
    pdf_date, pdf = st.session_state["weekly_pdf"]
    st.download_button("下载简报PDF", pdf, file_name=f"简报-{pdf_date}.pdf", mime="application/pdf")
