"""概览: what is due soon, what is overdue, and where the goals sit by year, kind and agency. Every
count opens its list (and every row there its quote, bulletin and line)."""
from __future__ import annotations

import logging

import streamlit as st

from dashboard import auth, queries
from dashboard.views import _shared as ui
from pipeline.ledger import corrections

db, as_of = ui.db(), ui.as_of()
statuses = ui.statuses()

st.title("概览")
st.caption(f"基准日期 {as_of}。已提交或不适用的事项不计入；同一目标在多处出现只计一次。点击数字下的链接查看这些事项。")

counts = queries.due_counts(db, as_of, statuses)
columns = st.columns(5)
for column, (label, value, page, params) in zip(columns, (
        ("7天内到期", counts["due_7"], "views/deadlines.py", {"scope": "due_7"}),
        ("30天内到期", counts["due_30"], "views/deadlines.py", {"scope": "due_30"}),
        ("90天内到期", counts["due_90"], "views/deadlines.py", {"scope": "due_90"}),
        ("已逾期", counts["overdue"], "views/deadlines.py", {"scope": "overdue"}),
        (f"{as_of.year}年里程碑", counts["milestones_this_year"], "views/timeline.py",
         {"kind": "milestone", "year": str(as_of.year)}))):
    column.metric(label, value)
    column.page_link(page, label="查看", icon=":material/list:", query_params=params)

if auth.signed_in_staff():  # staff: how much the review queue holds (members never see it)
    state = corrections.state(corrections.store_path(db))
    waiting = queries.review_count(db, [k for k, c in state.items() if c.state == "dismissed"])
    st.page_link("views/review.py", label=f"待复核 {waiting} 项", icon=":material/fact_check:")

st.subheader("即将到期")
upcoming = ui.memo(queries.deadline_rows, db, as_of, statuses, scope="open", limit=10)
if upcoming.empty:
    st.info("基准日期之后没有待办的截止事项。")
else:
    ui.fact_table(
        upcoming, "upcoming", ["due", "state", "agencies_text"], hide_index=True, width="stretch",
        column_order=["quote", "出处", "due", "state", "agencies_text"],
        column_config={"due": "截止日期", "state": "剩余", "quote": ui.QUOTE_COLUMN,
                       "agencies_text": st.column_config.TextColumn("部门", width=160), "出处": ui.LINK_COLUMN})
    st.page_link("views/deadlines.py", label="全部截止事项", icon=":material/alarm:")


def picked(event) -> dict | None:
    """The bar a user clicked (its customdata: [kind, year or agency]), if any."""
    points = (event or {}).get("selection", {}).get("points", []) if isinstance(event, dict) else \
        getattr(getattr(event, "selection", None), "points", [])
    return points[0] if points else None


left, right = st.columns(2)
chosen = None
with left:
    st.subheader("按到期年份和类型")
    by_year = ui.memo(queries.facts_by_year_kind, db)
    if by_year.empty:
        st.info("没有带日期的事实。")
    else:
        point = picked(st.plotly_chart(ui.by_year_figure(by_year), width="stretch", on_select="rerun", selection_mode="points", config=ui.PLOT_CONFIG,
                                       key="overview_by_year"))
        if point:
            kind, year = point["customdata"][0], int(point["customdata"][1])
            chosen = (f"{year}年到期的{queries.KIND_LABELS.get(kind, kind)}", {"kinds": [kind], "years": (year, year),
                                                                               "due_year": year})
with right:
    st.subheader("按部门")
    by_agency = ui.memo(queries.facts_by_agency, db, limit=15)
    if by_agency.empty:
        st.info("没有标注部门的事实。")
    else:
        point = picked(st.plotly_chart(ui.by_agency_figure(by_agency), width="stretch", on_select="rerun", selection_mode="points", config=ui.PLOT_CONFIG,
                                       key="overview_by_agency"))
        if point:
            kind, agency = point["customdata"]
            chosen = (f"{agency}的{queries.KIND_LABELS.get(kind, kind)}", {"kinds": [kind], "agencies": [agency]})
st.caption("点击柱形列出其中的事项。")

if chosen:
    title, filters = chosen
    due_year = filters.pop("due_year", None)
    rows = queries.fact_rows(db, **filters)
    if due_year is not None:  # the year filter keeps undated rows; this bar counts dated ones only
        rows = rows[rows["due_date"].map(lambda d: d is not None and d.year == due_year)]
    st.subheader(title)
    ui.fact_table(rows, "chosen", ["due_date", "kind_label", "agencies_text"], hide_index=True, width="stretch",
                 column_order=["quote", "出处", "due_date", "metric", "agencies_text"],
                 column_config={"due_date": "到期", "metric": "事项", "quote": ui.QUOTE_COLUMN,
                                "agencies_text": st.column_config.TextColumn("部门", width=160),
                                "出处": ui.LINK_COLUMN})

st.subheader("本周简报")
if st.button("生成本周简报PDF", help="按基准日期生成 PDF 简报（需要几秒钟）"):
    try:
        from pipeline.snapshot.render import render_pdf
        st.session_state["weekly_pdf"] = (as_of, render_pdf(db, as_of))
    except ImportError:
        st.error("简报生成模块尚未安装（pipeline.snapshot.render），暂时无法生成 PDF。")
    except Exception:  # the renderer is another module: say it failed in words, its error to the log
        logging.getLogger("tracker").exception("weekly PDF failed")
        st.error("生成 PDF 失败，问题已记入服务器日志。请稍后重试或联系管理员。")
if st.session_state.get("weekly_pdf"):
    pdf_date, pdf = st.session_state["weekly_pdf"]
    st.download_button("下载简报PDF", pdf, file_name=f"简报-{pdf_date}.pdf", mime="application/pdf")
