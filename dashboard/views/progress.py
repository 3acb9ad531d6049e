"""进度跟踪: staff record what was done about each fact; members see the same tables read-only.

Facts come read-only from the pipeline's database; everything staff enter goes to progress.duckdb
through pipeline.ledger.progress, so a rebuild of the facts never touches it. Entries whose fact vanished
in a rebuild are listed for staff to relink or close.
"""
from __future__ import annotations

import datetime as dt
import difflib
import logging

import duckdb
import pandas as pd
import streamlit as st

from dashboard import auth, queries
from dashboard.views import _shared as ui
from pipeline import feeds
from pipeline.ledger import progress

KIND_LABELS = {"deadline": "截止事项", "relative": "相对期限", "target": "量化目标", "milestone": "里程碑"}
LABELS = {
    "due_date": "截止日期", "quote": "原文", "source_file": "来源文件", "line": "行",
    "status": "状态", "owner": "负责人", "note": "备注", "value": "目标值", "unit": "单位",
    "actual_value": "最新实际值", "observed_on": "观测日期", "actual_source": "数据来源",
    "completion": "完成度", "updated_at": "更新时间", "updated_by": "更新人",
    "snapshot_kind": "类型", "snapshot_quote": "原文（记录时）", "snapshot_source_file": "来源文件",
    "snapshot_line": "行", "snapshot_due_date": "截止日期",
}
ACTIONS = {"update": "更新", "close": "关闭孤立记录", "relink_out": "转移到新事项", "relink_in": "自旧事项转入"}


def load_facts(kinds: list[str], needle: str | None = None, ids=None) -> pd.DataFrame:
    """Goals of these kinds (one row per goal, as on the other pages), the first DISPLAY_LIMIT by
    due date, with the progress state recorded for each."""
    facts = queries.fact_rows(TRACKER_DB, kinds=kinds, text=needle or None, ids=ids).rename(columns={"id": "fact_id"})
    return facts.merge(STATE.drop(columns=[c for c in STATE.columns if c.startswith("snapshot_")]),
                       on="fact_id", how="left")


def local_time(column: pd.Series) -> pd.Series:
    """The log stores UTC; staff read Beijing time."""
    stamps = pd.to_datetime(column)
    return stamps.dt.tz_localize("UTC").dt.tz_convert("Asia/Shanghai").dt.strftime("%Y-%m-%d %H:%M")


def text_or_blank(value) -> str:
    return "" if value is None or pd.isna(value) else str(value)


def as_date(value) -> dt.date | None:
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def snapshot_of(row: pd.Series) -> dict:
    """What the fact said when staff acted on it, so the entry stays readable if the fact vanishes."""
    value = row.get("value")
    return {"kind": row["kind"], "quote": row["quote"], "source_file": row["source_file"],
            "line": int(row["line"]), "due_date": as_date(row.get("due_date")),
            "value": None if value is None or pd.isna(value) else float(value)}


def fact_label(row: pd.Series) -> str:
    due = as_date(row.get("due_date"))
    quote = row["quote"] if len(row["quote"]) <= 40 else row["quote"][:40] + "…"
    return f"{due or '无日期'}｜{quote}｜{row['source_file']}:{row['line']}"


def flash(message: str) -> None:
    """After a write: the calendar feeds carry the new status at once (not at the next build), and
    the message shows after the rerun that redraws the tables with the new entry."""
    feeds.refresh(TRACKER_DB)
    st.session_state["progress_flash"] = message
    st.rerun()


def tab_facts(kinds: list[str], key: str) -> pd.DataFrame:
    """The tab's goals, narrowed by the filter box; says how many there are in all."""
    needle = st.text_input("筛选（原文或事项包含）", key=f"filter_{key}").strip()
    frame = load_facts(kinds, needle)
    total = queries.fact_count(TRACKER_DB, kinds=kinds, text=needle or None)
    if total > len(frame):
        st.caption(f"共 {total} 项，下面列出前 {len(frame)} 项（按到期日期）；用筛选找到要更新的事项。")
    return frame


def show_table(frame: pd.DataFrame, columns: list[str]) -> None:
    """A read-only table; "出处" is the link to the fact marked in its bulletin (第N行 · 文档)."""
    if "出处" in columns:
        frame = frame.assign(出处=[f"{ui.fact_url(i)}#第{n}行 · {t}"
                                 for i, n, t in zip(frame["fact_id"], frame["line"], frame["document_title"])])
    shown = frame[columns].copy()
    if "updated_at" in shown:
        shown["updated_at"] = local_time(shown["updated_at"])
    shown = ui.for_display(shown)  # dates as text, empty cells instead of "None"
    config = {c: LABELS.get(c, c) for c in columns}
    config.update({"出处": ui.LINK_COLUMN, "quote": ui.QUOTE_COLUMN} if "出处" in columns else {})
    if "completion" in columns:
        config["completion"] = st.column_config.ProgressColumn(LABELS["completion"], min_value=0.0, max_value=1.0,
                                                               format="percent")
    if "出处" not in columns:
        st.dataframe(shown, hide_index=True, width="stretch", column_config=config)
        return
    name = "progress_" + str(st.session_state.get("progress_section", "deadline"))
    with st.container(key=f"desk_{name}"):  # a grid on a desk, cards on a phone (as ui.fact_table)
        st.dataframe(shown, hide_index=True, width="stretch", column_config=config)
    with st.container(key=f"phone_{name}"):
        meta = [c for c in ("due_date", "status", "owner", "note", "actual_value", "observed_on") if c in columns]
        st.html(ui.cards_html(frame.rename(columns={"fact_id": "id"}).assign(
            status=frame["status"].fillna("待办") if "status" in frame else ""), meta))


DRAFTS = "progress_drafts"  # plain session state, not widget keys: it outlives a section not drawn


def drafted(key: str, saved):
    """What a field shows: what staff typed and did not save yet (kept while they switch sections:
    Streamlit forgets a widget's value once a run leaves it out), else the saved value."""
    return st.session_state.setdefault(DRAFTS, {}).get(key, saved)


def keep_draft(key: str) -> None:
    """on_change of a field: remember its value as the draft."""
    st.session_state.setdefault(DRAFTS, {})[key] = st.session_state[key]


def drop_drafts(fid: str) -> None:
    drafts = st.session_state.setdefault(DRAFTS, {})
    for key in [k for k in drafts if k.endswith(f"_{fid}")]:
        del drafts[key]


def field(widget, label: str, key: str, saved, **kwargs):
    """A keyed input showing its draft (see drafted) and keeping it on every change."""
    return widget(label, value=drafted(key, saved), key=key, on_change=keep_draft, args=(key,), **kwargs)


def pick_fact(frame: pd.DataFrame, key: str) -> pd.Series | None:
    ids = list(frame["fact_id"])
    picked = drafted(f"pick_{key}", None)
    choice = st.selectbox("选择要更新的事项", ids, index=ids.index(picked) if picked in ids else None,
                          placeholder="输入关键词搜索…", format_func=dict(zip(ids, frame.apply(fact_label, axis=1))).get,
                          key=f"pick_{key}", on_change=keep_draft, args=(f"pick_{key}",))
    return None if choice is None else frame[frame["fact_id"] == choice].iloc[0]


def changed_text(given: str, current) -> str | None:
    """The new value when the field changed ("" clears it), else None (leave as is)."""
    given = given.strip()
    return given if given != text_or_blank(current) else None


def unsaved_note(changes: dict) -> None:
    if any(value is not None for value in changes.values()):
        st.caption("有未保存的修改（切换页面或分区后仍会保留，点“保存”后写入记录）。")


def status_form(row: pd.Series, staff: str, statuses: tuple[str, ...]) -> None:
    """Status, owner and note of one item. Not an st.form: a form sends what was typed only when it
    is submitted, so a note typed and not saved was lost on switching sections."""
    fid = row["fact_id"]
    current = text_or_blank(row["status"])
    with st.container(border=True):
        status_key = f"status_{fid}"
        status = drafted(status_key, current or None)
        status = st.selectbox("状态", statuses, index=statuses.index(status) if status in statuses else None,
                              placeholder="未设置", key=status_key, on_change=keep_draft, args=(status_key,))
        owner = field(st.text_input, "负责人", f"owner_{fid}", text_or_blank(row["owner"]))
        note = field(st.text_area, "备注", f"note_{fid}", text_or_blank(row["note"]))
        changes = {"status": status if status and status != current else None,
                   "owner": changed_text(owner, row["owner"]), "note": changed_text(note, row["note"])}
        unsaved_note(changes)
        if st.button("保存", key=f"save_{fid}", type="primary"):
            save(row, staff, changes)


def actual_form(row: pd.Series, staff: str) -> None:
    """An actual value with its date and source, owner and note (drafts kept as in status_form)."""
    fid = row["fact_id"]
    current_value = None if pd.isna(row["actual_value"]) else float(row["actual_value"])
    with st.container(border=True):
        unit = text_or_blank(row["unit"])
        actual = field(st.number_input, f"实际值{f'（{unit}）' if unit else ''}", f"actual_{fid}", current_value,
                       format="%g")
        observed = field(st.date_input, "观测日期", f"observed_{fid}", as_date(row["observed_on"]))
        source = field(st.text_input, "数据来源（文件、网址或报告名）", f"source_{fid}", text_or_blank(row["actual_source"]))
        owner = field(st.text_input, "负责人", f"t_owner_{fid}", text_or_blank(row["owner"]))
        note = field(st.text_area, "备注", f"t_note_{fid}", text_or_blank(row["note"]))
        new_actual = actual is not None and (actual != current_value or observed != as_date(row["observed_on"])
                                             or changed_text(source, row["actual_source"]) is not None)
        changes = {"owner": changed_text(owner, row["owner"]), "note": changed_text(note, row["note"])}
        if new_actual:
            changes |= {"actual_value": actual, "observed_on": observed, "actual_source": source.strip()}
        unsaved_note(changes)
        if not st.button("保存", key=f"save_{fid}", type="primary"):
            return
    if new_actual and (observed is None or not source.strip()):
        st.error("记录实际值时请同时填写观测日期和数据来源。")
        return
    save(row, staff, changes)


def save(row: pd.Series, staff: str, changes: dict) -> None:
    changes = {field: value for field, value in changes.items() if value is not None}
    if not changes:
        st.info("没有改动。")
        return
    progress.record(PROGRESS_DB, row["fact_id"], staff, fact_snapshot=snapshot_of(row), **changes)
    drop_drafts(row["fact_id"])
    flash(f"已保存：{fact_label(row)}")


def status_tab(staff: str | None, kinds: list[str], key: str, statuses: tuple[str, ...], note: str = "") -> None:
    """Deadlines and milestones alike: a status, an owner and a note per item."""
    frame = tab_facts(kinds, key)
    st.caption(f"{len(frame)} 项；状态：{' / '.join(statuses)}。{note}")
    show_table(frame, ["quote", "出处", "due_date", "status", "owner", "note", "updated_at", "updated_by"])
    if staff and len(frame):
        row = pick_fact(frame, key)
        if row is not None:
            status_form(row, staff, statuses)


def target_tab(staff: str | None) -> None:
    frame = tab_facts(["target"], "target")
    frame["completion"] = (frame["actual_value"].astype(float) / frame["value"].where(frame["value"] > 0)).clip(0, 1)
    st.caption(f"{len(frame)} 项；完成度 = 最新实际值 ÷ 目标值。")
    show_table(frame, ["quote", "出处", "due_date", "value", "unit", "actual_value", "completion", "observed_on",
                       "actual_source", "updated_at", "updated_by"])
    if staff and len(frame):
        row = pick_fact(frame, "target")
        if row is not None:
            actual_form(row, staff)


def orphan_tab(orphans: pd.DataFrame, staff: str | None) -> None:
    st.caption("事实数据库重建后，原文改动或删除的事项会失去对应；其进度记录保留在此，"
               "请关联到改动后的事项，或关闭。")
    if orphans.empty:
        st.success("没有待处理的孤立记录。")
        return
    show_table(orphans.assign(snapshot_kind=orphans["snapshot_kind"].map(KIND_LABELS)),
               ["snapshot_kind", "snapshot_due_date", "snapshot_quote", "snapshot_source_file", "snapshot_line",
                "status", "owner", "note", "actual_value", "updated_at", "updated_by"])
    if not staff:
        return
    labels = {r.fact_id: f"{text_or_blank(r.snapshot_quote)[:40]}｜{text_or_blank(r.snapshot_source_file)}"
              for r in orphans.itertuples()}
    old_id = st.selectbox("选择孤立记录", list(labels), format_func=labels.get, key="orphan_pick")
    old = orphans[orphans["fact_id"] == old_id].iloc[0]
    # the closest wording of the same kind in the same bulletin first: usually the same goal after an edit
    kinds = list(KIND_LABELS) if pd.isna(old["snapshot_kind"]) else [old["snapshot_kind"]]
    candidates = load_facts(kinds)
    same_file = candidates[candidates["source_file"] == old["snapshot_source_file"]]
    if len(same_file):
        candidates = same_file
    elif len(candidates) == 0:
        st.caption("当前数据库中没有同类事项可关联。")
    quote = text_or_blank(old["snapshot_quote"])
    ranked = candidates.assign(
        similarity=candidates["quote"].map(lambda q: difflib.SequenceMatcher(None, quote, q).ratio())
    ).sort_values("similarity", ascending=False).head(30)
    left, right = st.columns(2)
    with left:
        new_id = st.selectbox("关联到", ranked["fact_id"], index=None, placeholder="按相似度排列",
                              format_func=dict(zip(ranked["fact_id"], ranked.apply(fact_label, axis=1))).get,
                              key=f"relink_target_{old_id}")
        if st.button("关联并转移进度", disabled=new_id is None, key=f"relink_{old_id}"):
            new_row = candidates[candidates["fact_id"] == new_id].iloc[0]
            progress.relink(PROGRESS_DB, old_id, new_id, staff, fact_snapshot=snapshot_of(new_row))
            flash(f"已关联到：{fact_label(new_row)}")
    with right:
        st.write("该事项已不再适用时：")
        if st.button("关闭（保留历史）", key=f"close_{old_id}"):
            progress.close_orphan(PROGRESS_DB, old_id, staff)
            flash("已关闭该孤立记录，历史仍保留在修改记录中。")


def log_tab(staff: str | None) -> None:
    log = progress.history(PROGRESS_DB)
    st.caption(f"全部 {len(log)} 条修改记录（只追加，不删除），最新在前。")
    if len(log):
        shown = log.head(500).assign(recorded_at=lambda f: local_time(f["recorded_at"]),
                                     action=lambda f: f["action"].map(ACTIONS))
        shown = ui.for_display(shown)
        st.dataframe(shown[["recorded_at", "actor", "action", "fact_id", "status", "owner", "note", "actual_value",
                            "observed_on", "actual_source", "linked_fact_id"]],
                     hide_index=True, width="stretch",
                     column_config={"recorded_at": "时间", "actor": "操作人", "action": "操作", "fact_id": "事项编号",
                                    "linked_fact_id": "关联编号", **{k: LABELS[k] for k in progress.FIELDS}})
    if not staff:
        return
    st.subheader("备份与迁移")
    st.download_button("导出修改记录（CSV）", progress.export_csv(PROGRESS_DB),
                       file_name=f"progress-{dt.date.today():%Y%m%d}.csv", mime="text/csv")
    upload = st.file_uploader("导入之前导出的 CSV（已有的记录会跳过）", type=["csv"], key="progress_import")
    if upload is not None and st.button("导入", key="progress_import_go"):
        try:
            added = progress.import_csv(PROGRESS_DB, upload.getvalue())
        except (ValueError, duckdb.Error) as error:
            logging.getLogger("tracker").warning("progress import refused: %s", error)
            st.error("导入失败：这不是本系统导出的进度记录文件。")
        else:
            flash(f"导入完成：新增 {added} 条记录。")


TRACKER_DB = queries.db_path()
PROGRESS_DB = progress.default_progress_path(TRACKER_DB)

st.title("进度跟踪")
if message := st.session_state.pop("progress_flash", None):
    st.success(message)
staff = auth.sign_in_panel()

STATE = queries.progress_state(TRACKER_DB, PROGRESS_DB)
orphans = STATE[STATE["orphaned"] & ~STATE["closed"].astype(bool)]

# One section at a time (as on the 部门 page): each reads only what it shows.
SECTIONS = {"deadline": "截止事项", "target": "量化目标", "milestone": "里程碑",
            "orphans": f"孤立记录（{len(orphans)}）", "log": "修改记录与备份"}
section = st.radio("查看", list(SECTIONS), format_func=SECTIONS.get, horizontal=True, key="progress_section",
                   label_visibility="collapsed")
if section == "deadline":
    status_tab(staff, ["deadline", "relative"], "deadline", progress.DEADLINE_STATUSES, "已提交的事项不计为逾期。")
elif section == "target":
    target_tab(staff)
elif section == "milestone":
    status_tab(staff, ["milestone"], "milestone", progress.MILESTONE_STATUSES)
elif section == "orphans":
    orphan_tab(orphans, staff)
else:
    log_tab(staff)
