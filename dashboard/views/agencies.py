"""部门: one agency's documents, deadlines, targets and timeline; agencies ranked by open deadlines."""
from __future__ import annotations

import streamlit as st

from dashboard import queries
from dashboard.views import _shared as ui

db, as_of = ui.db(), ui.as_of()
statuses = ui.statuses()

st.title("部门")
ranked = queries.agencies_ranked(db, as_of, statuses)
if ranked.empty:
    st.info("数据库中没有标注部门的事实。")
    st.stop()

open_count = dict(zip(ranked["agency"], ranked["open_deadlines"]))
agency = st.selectbox("选择部门", ranked["agency"], key="agency_pick",
                      format_func=lambda name: f"{name}（待办 {open_count.get(name, 0)}）")
summary = queries.agency_summary(db, agency, as_of, statuses)

columns = st.columns(5)
columns[0].metric("待办截止事项", summary["open_deadlines"])
columns[1].metric("已逾期", summary["overdue"])
columns[2].metric("目标", summary["targets"])
columns[3].metric("里程碑", summary["milestones"])
columns[4].metric("涉及文档", summary["documents"])

# One section at a time: each reads only what it shows.
SECTIONS = ["截止事项", "目标", "时间线", "文档", "部门排行"]
section = st.radio("查看", SECTIONS, horizontal=True, key="agency_section", label_visibility="collapsed")
if section == "截止事项":
    deadlines = queries.deadline_rows(db, as_of, statuses, agencies=[agency])
    st.caption(ui.shown_caption(len(deadlines), queries.deadline_count(db, as_of, statuses, agencies=[agency])))
    st.dataframe(ui.with_links(deadlines), hide_index=True, width="stretch",
                 column_order=["due", "state"] + (["status"] if (deadlines["status"] != "").any() else [])
                 + ["quote", "出处"],
                 column_config={"due": "截止日期", "state": "倒计时", "status": "进度", "quote": ui.QUOTE_COLUMN,
                                "出处": ui.LINK_COLUMN})
elif section == "目标":
    targets = queries.fact_rows(db, kinds=["target"], agencies=[agency])
    st.caption(ui.shown_caption(len(targets), summary["targets"], "个目标"))
    targets["目标值"] = [ui.format_value(row) for row in targets.to_dict("records")]
    st.dataframe(ui.with_links(targets), hide_index=True, width="stretch",
                 column_order=["metric", "目标值", "due_date", "quote", "出处"],
                 column_config={"metric": st.column_config.TextColumn("指标", width="medium"), "due_date": "到期",
                                "quote": ui.QUOTE_COLUMN, "出处": ui.LINK_COLUMN})
elif section == "时间线":
    mine = queries.fact_rows(db, agencies=[agency], limit=300)
    periods = queries.plan_periods(db, agency=agency)
    if mine["due_date"].notna().any() or len(periods):
        st.plotly_chart(ui.timeline_figure(mine, periods, as_of), width="stretch", key="agency_timeline",
                        config=ui.PLOT_CONFIG)
    else:
        st.info("该部门没有带日期的事项。")
elif section == "文档":
    docs = queries.agency_documents(db, agency)
    docs["link"] = [f"{ui.DOCUMENTS_URL}?doc={d}&line={n}#第{n}行" for d, n in zip(docs["doc_id"], docs["first_line"])]
    st.dataframe(ui.for_display(docs), hide_index=True, width="stretch",
                 column_order=["document_title", "article_title", "facts", "link"],
                 column_config={"document_title": "文档", "article_title": st.column_config.TextColumn("文章", width="large"),
                                "facts": "事项数",
                                "link": st.column_config.LinkColumn("首次出现", display_text=r"#(.+)$",
                                                                    help="打开该文章的原文（新标签页）")})
else:
    LEVELS = {"central": "中央", "provincial": "省级", "municipal": "市级", "other": "其他"}
    st.dataframe(ranked.assign(level=ranked["level"].map(LEVELS).fillna(ranked["level"])), hide_index=True, width="stretch",
                 column_config={"agency": "部门", "level": "层级", "open_deadlines": "待办截止事项",
                                "overdue": "已逾期", "goals": "全部目标与事项", "targets": "目标",
                                "milestones": "里程碑", "documents": "涉及文档"})
