"""目标: every numeric target with its value and due date, grouped by plan or agency, and how much
of its period has passed at the as-of date (recorded actuals come from progress tracking).

The groups' tables are built once per database version, filters, as-of date and progress (ui.memo)
and drawn a page of groups at a time, in a fragment: at a million facts the 500 targets fall into
hundreds of groups, and drawing every table on every view sent megabytes."""
from __future__ import annotations

import datetime as dt

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.views import _shared as ui

GROUPS_PER_PAGE = 10
EXPANDED = 3  # groups open on the first page
BY_AGENCY = "按部门"
# what it says and where it stands first: a phone shows the first two columns
COLUMNS = ["quote", "出处", "目标值", "due_date", "elapsed", "actual", "completion", "metric"]

db, as_of = ui.db(), ui.as_of()

st.title("目标")
st.caption(f"时间进度 = 基准日期 {as_of} 时已过去的期间占比（期间从“起”日期、文章或简报发布日期算到到期日）；"
           "完成度 = 最新实际值 ÷ 目标值（在“进度”页记录）。")

filters = ui.fact_filters(queries.filter_options(db), "targets", kinds=())
past = st.toggle("包括已到期的目标", key="targets_past", help="打开后也列出到期日在基准日期之前的目标")
filters["kinds"] = ["target"]
filters["since"] = None if past else as_of  # what is still to reach, unless asked for the past
statuses = ui.statuses()
group_by = st.radio("分组", ["按主题（所在文章）", BY_AGENCY], horizontal=True, key="targets_group")


def target_groups(path, filters: dict, as_of: dt.date, statuses: pd.DataFrame | None, by_agency: bool) -> dict:
    """The targets, their actuals and elapsed share, split into groups: {"groups": [(title, table,
    cards)], "shown": targets listed, "total": targets matching, "has_actuals": any actual recorded}.
    Each table holds only the columns the grid shows (and the fact's id), ready for it; cards is the
    group as a phone shows it (ui.cards_html)."""
    targets = queries.fact_rows(path, **filters)
    total = queries.fact_count(path, **filters)
    targets["目标值"] = [ui.format_value(row) for row in targets.to_dict("records")]
    targets["elapsed"] = [queries.elapsed_share(queries.period_start(row), row["due_date"], as_of)
                          for row in targets.to_dict("records")]
    targets["actual"] = None
    targets["completion"] = None
    if statuses is not None and not statuses.empty and "actual_value" in statuses:
        actual = statuses.dropna(subset=["actual_value"]).set_index("fact_id")
        label = {fid: f"{r.actual_value:g}{'（' + str(pd.Timestamp(r.observed_on).date()) + '）' if pd.notna(r.observed_on) else ''}"
                 for fid, r in actual.iterrows()}
        targets["actual"] = targets["id"].map(label)
        values = targets["id"].map(actual["actual_value"]).astype(float)
        targets["completion"] = (values / targets["value"].where(targets["value"] > 0)).clip(0, 1)
    shown = targets["id"].nunique()
    has_actuals = bool(targets["actual"].notna().any())
    if by_agency:
        targets = targets.explode("agencies")
        targets["group"] = targets["agencies"].fillna("未注明部门")
    else:
        targets["group"] = targets["article_title"].fillna(targets["document_title"])
    targets["时间进度"] = [f"时间已过 {share:.0%}" if share is not None and share == share else ""
                       for share in targets["elapsed"]]
    groups = [(group, ui.with_links(rows)[["id", *COLUMNS]], ui.cards_html(rows, ["目标值", "due_date", "时间进度", "actual"]))
              for group, rows in targets.groupby("group", sort=False)]
    return {"groups": groups, "shown": shown, "total": total, "has_actuals": has_actuals}


found = ui.memo(target_groups, db, filters, as_of, statuses, group_by == BY_AGENCY)
st.caption(ui.shown_caption(found["shown"], found["total"], "个目标"))
if not found["groups"]:
    st.info("筛选条件下没有数值目标。" if past else "筛选条件下没有基准日期之后到期的数值目标；打开“包括已到期的目标”查看以前的。")

COLUMN_CONFIG = {
    "metric": st.column_config.TextColumn("指标", width="medium"), "due_date": "到期",
    "elapsed": st.column_config.ProgressColumn("时间进度", format="percent", min_value=0, max_value=1),
    "actual": "最新实际值",
    "completion": st.column_config.ProgressColumn("完成度", format="percent", min_value=0, max_value=1),
    "quote": ui.QUOTE_COLUMN, "出处": ui.LINK_COLUMN}


@st.fragment
def group_tables(groups: list, has_actuals: bool) -> None:
    """One page of groups, each a table in an expander; turning the page reruns only this part."""
    pages = max(1, -(-len(groups) // GROUPS_PER_PAGE))
    page = 1
    if pages > 1:
        page = st.selectbox(f"共 {len(groups)} 组，每页 {GROUPS_PER_PAGE} 组", range(1, pages + 1), key="targets_page",
                            format_func=lambda n: f"第 {n} / {pages} 页：{_first_title(groups, n)}")
    first = (page - 1) * GROUPS_PER_PAGE
    order = [c for c in COLUMNS if has_actuals or c not in ("actual", "completion")]
    for index, (group, table, cards) in enumerate(groups[first:first + GROUPS_PER_PAGE], start=first):
        with st.expander(f"{group}（{len(table)}）", expanded=index < EXPANDED):
            with st.container(key=f"desk_targets_{index}"):  # a grid on a desk, cards on a phone (ui.fact_table)
                st.dataframe(table, hide_index=True, width="stretch", column_order=order, column_config=COLUMN_CONFIG)
            with st.container(key=f"phone_targets_{index}"):
                st.html(cards)


def _first_title(groups: list, page: int) -> str:
    title = groups[(page - 1) * GROUPS_PER_PAGE][0]
    return title if len(title) <= 24 else title[:23] + "…"


if found["groups"]:
    group_tables(found["groups"], found["has_actuals"])
