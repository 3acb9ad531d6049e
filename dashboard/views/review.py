"""待复核: what staff should check, most urgent first (new facts of the latest build, facts whose
date the extractor took from context, and the extractor's rejected candidates near dates), the
corrections whose fact a rebuild took away (orphans), the corrections log, and the export of
reviewed bulletins as labelled facts (the shared SPEC format) for `python -m pipeline evaluate`."""
from __future__ import annotations

import io
import zipfile

import streamlit as st

from dashboard import auth, corrections, queries
from dashboard.views import _corrections as corr
from dashboard.views import _shared as ui

db = ui.db()

st.title("待复核")
corr.show_flash()
staff = auth.sign_in_panel()
if not staff:
    st.caption("复核与更正仅限员工：登录后可在此处理抽取结果。会员浏览的各页面已包含员工的更正。")
    st.stop()

state = corrections.state(corr.store())
dismissed = [key for key, c in state.items() if c.state == "dismissed"]
total = queries.review_count(db, dismissed)
SECTIONS = {"queue": f"待复核（{total}）", "orphans": "孤立的更正", "log": "更正记录", "export": "导出为评测数据"}
section = st.radio("查看", list(SECTIONS), format_func=SECTIONS.get, horizontal=True, key="review_section",
                   label_visibility="collapsed")

if section == "queue":
    queue = queries.review_queue(db, ui.as_of(), dismissed)
    st.caption(ui.shown_caption(len(queue), total) + " 依次为：本次构建新增的事实、日期由上下文推断的事实、"
               "抽取程序未采纳的日期片段。最紧迫的在前：自基准日期起最先到期的，然后是已过期的（最近的在前）、无日期的和未采纳的片段。"
               "确认、驳回或修改后即从队列移除。")
    if queue.empty:
        st.success("没有待复核的事项。")
        st.stop()
    queue["出处"] = [f"{ui.fact_url(i)}#第{n}行 · {f}" if w != "candidate" else f"documents?doc={d}&line={n}#第{n}行 · {f}"
                   for i, n, f, d, w in zip(queue["id"], queue["line"], queue["source_file"], queue["doc_id"], queue["why"])]
    st.dataframe(ui.for_display(queue), hide_index=True, width="stretch",
                 column_order=["due_date", "why_label", "kind_label", "quote", "出处"],
                 column_config={"due_date": "到期", "why_label": "原因", "kind_label": "类型", "quote": ui.QUOTE_COLUMN,
                                "出处": ui.LINK_COLUMN})
    labels = {r.id: f"{r.due_date or '无日期'}｜{r.why_label}｜{r.quote[:40]}" for r in queue.itertuples()}
    picked = st.selectbox("选择要复核的事项", list(labels), index=None, format_func=labels.get, key="queue_pick",
                          placeholder="输入关键词搜索…")
    if picked is not None:
        item = queue[queue["id"] == picked].iloc[0]
        with st.container(border=True):
            if item["why"] != "candidate":
                fact = queries.fact(db, picked)
                ui.fact_card(fact)
                corr.correction_panel(fact, staff)
            else:
                st.markdown(f"**未采纳的片段**：“{item['quote']}”（{item['source_file']} 第{item['line']}行；"
                            f"原因 {item['candidate_reason']}）")
                if st.button("确认不是事实", key=f"dismiss_{picked}"):
                    corrections.dismiss(corr.store(), item.to_dict(), staff)
                    corr.flash("已确认：这个片段不是事实。")
                st.markdown("是漏抽的事实？在这一行添加：")
                corr.add_fact_form(item["doc_id"], item["source_file"],
                                   queries.article_lines(db, item["doc_id"], int(item["line"]), int(item["line"])),
                                   staff, key=f"add_{picked}", line=int(item["line"]), quote=item["quote"])

elif section == "orphans":
    targets = queries.correction_targets(db)
    orphans = [state[k] for k in targets.loc[targets["fact_id"].isna(), "key"] if k in state]
    st.caption("数据库重建后，按编号和“文件＋原文”都找不到对应事实的更正列在这里，不会被悄悄丢弃。"
               "原文已删除或改写时，请在文档页重新更正或添加，然后撤销这条旧更正。")
    if not orphans:
        st.success("没有孤立的更正。")
    for c in orphans:
        with st.container(border=True):
            st.markdown(f"**{corrections.STATES[c.state]}**：“{c.place.get('quote')}”（{c.place.get('source_file')} "
                        f"第{c.place.get('line')}行；{c.actor}，{c.recorded_at:%Y-%m-%d %H:%M} UTC）")
            if st.button("撤销这条更正", key=f"orphan_undo_{c.key}"):
                corrections.undo(corr.store(), c.key, staff)
                corr.flash("已撤销。")

elif section == "log":
    log = corrections.log(corr.store())
    st.caption(f"全部 {len(log)} 条更正记录（只追加，不删除），最新在前；账号为登录的员工账号。")
    if len(log):
        shown = log.iloc[::-1].head(500).assign(action=lambda f: f["action"].map(corrections.ACTIONS),
                                                reason=lambda f: f["reason"].map(corrections.REJECT_REASONS))
        shown["出处"] = [f"{ui.fact_url(k)}#{f} 第{n}行" for k, f, n in zip(shown["fact_id"], shown["source_file"], shown["line"])]
        st.dataframe(ui.for_display(shown), hide_index=True, width="stretch",
                     column_order=["recorded_at", "actor", "action", "reason", "quote", "before", "after", "note", "出处"],
                     column_config={"recorded_at": "时间（UTC）", "actor": "账号", "action": "操作", "reason": "原因",
                                    "quote": ui.QUOTE_COLUMN, "before": "修改前", "after": "修改后", "note": "说明",
                                    "出处": ui.LINK_COLUMN})

else:
    st.caption("把逐行复核过的简报导出为标注数据（与 ../shared/gold 相同的 SPEC 格式，每份简报一个 "
               "<文件名>.facts.jsonl），放进评测目录后即可用 `python -m pipeline evaluate --gold 目录` 给抽取程序打分。")
    reviewed = sorted({c.place.get("source_file") for c in state.values() if c.place.get("source_file")})
    files = {row.source_file: row.title for row in queries.documents(db, limit=None).itertuples()}
    chosen = st.multiselect("简报", list(files), default=[f for f in reviewed if f in files], select_all=False,
                            format_func=lambda f: f"{files[f]} · {f}", key="export_files")
    if chosen:
        exported = corrections.export_jsonl(queries.corrected_facts(db, chosen))
        if len(exported) == 1:
            name, data = next(iter(exported.items()))
            st.download_button(f"下载 {name}", data, file_name=name, mime="application/jsonl")
        elif exported:
            buffer = io.BytesIO()
            with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
                for name, data in exported.items():
                    archive.writestr(name, data)
            st.download_button(f"下载 {len(exported)} 份标注（zip）", buffer.getvalue(), file_name="reviewed-facts.zip",
                               mime="application/zip")
        count = sum(data.count(b"\n") for data in exported.values())
        st.caption(f"共 {count} 条事实。")
