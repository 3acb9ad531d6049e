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
parent_of = {a: p for a, p in zip(ranked["agency"], ranked["parent"]) if isinstance(p, str)}
agency = st.selectbox("选择部门", ranked["agency"], key="agency_pick",
                      format_func=lambda name: f"{name}（待办 {open_count.get(name, 0)}）"
                      + (f" · 属{parent_of[name]}" if name in parent_of else ""))
summary = queries.agency_summary(db, agency, as_of, statuses)
departments = sorted(name for name, parent in parent_of.items() if parent == agency)
if departments:  # one hierarchy everywhere (agency_scope): the ministry's numbers hold its departments'
    st.caption(f"含下属部门：{'、'.join(d.removeprefix(agency) or d for d in departments)}。它们的事项计入{agency}的数字、"
               "列表、筛选和日历订阅。")
elif agency in parent_of:
    st.caption(f"{agency}是{parent_of[agency]}的下属部门，其事项也计入{parent_of[agency]}。")

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
    ui.fact_table(deadlines, "agency_deadlines", ["due", "state", "status"], hide_index=True, width="stretch",
                 column_order=["quote", "出处", "due", "state"] + (["status"] if (deadlines["status"] != "").any() else []),
                 column_config={"due": "截止日期", "state": "倒计时", "status": "进度", "quote": ui.QUOTE_COLUMN,
                                "出处": ui.LINK_COLUMN})
elif section == "目标":
    targets = queries.fact_rows(db, kinds=["target"], agencies=[agency])
    st.caption(ui.shown_caption(len(targets), summary["targets"], "个目标"))
    targets["目标值"] = [ui.format_value(row) for row in targets.to_dict("records")]
    ui.fact_table(targets, "agency_targets", ["目标值", "due_date"], hide_index=True, width="stretch",
                 column_order=["quote", "出处", "目标值", "due_date", "metric"],
                 column_config={"metric": st.column_config.TextColumn("指标", width="medium"), "due_date": "到期",
                                "quote": ui.QUOTE_COLUMN, "出处": ui.LINK_COLUMN})
elif section == "时间线":
    upcoming = not st.toggle("包括已过期的事项", key="agency_timeline_past")
    view = ui.timeline_view(db, as_of, statuses, upcoming, {"agencies": [agency]})  # shared: read, never change
    if view["rows"]:
        st.plotly_chart(view["figure"], width="stretch", key="agency_timeline", config=ui.PLOT_CONFIG)
        ui.grid_and_cards(view["grid"], view["cards"], "agency_timeline", hide_index=True, width="stretch",
                          column_order=ui.TIMELINE_COLUMNS, column_config=ui.TIMELINE_COLUMN_CONFIG)
    else:
        st.info("该部门在基准日期之后没有带日期的事项。" if upcoming else "该部门没有带日期的事项。")
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
                 column_order=["agency", "open_deadlines", "overdue", "goals", "targets", "milestones", "documents",
                               "level", "parent"],
                 column_config={"agency": "部门", "level": "层级", "parent": "上级部门", "open_deadlines": "待办截止事项",
                                "overdue": "已逾期", "goals": "全部目标与事项", "targets": "目标",
                                "milestones": "里程碑", "documents": "涉及文档"})
