"""文档: bulletin -> article -> facts, with the article's original lines and every fact marked where
it stands. Opened with ?fact=<id> (or ?doc=<doc_id>&line=<n>) it jumps to that place. Above them, the
files the latest build could not import, with the reason in Chinese (opened by ?rejected=1, the
sidebar's link). Signed-in staff confirm, reject, edit or undo each fact here, and add the facts the
extractor missed (dashboard/views/_corrections.py)."""
from __future__ import annotations

import html

import pandas as pd
import streamlit as st

from dashboard import auth, queries
from dashboard.views import _corrections as corr
from dashboard.views import _shared as ui
from dashboard.reasons import label_zh
from pipeline.ledger import corrections

db = ui.db()

st.title("文档")
corr.show_flash()
staff = auth.sign_in_panel(collapsed=True)  # in place: a fact opened by its link stays open

# Files the latest build rejected: everyone sees them here (the sidebar warns and links here).
rejected = queries.ingest_errors(db)
if not rejected.empty:
    with st.expander(f"未能导入的文件（{len(rejected)}）", icon=":material/warning:",
                     expanded="rejected" in st.query_params):
        st.caption("最近一次构建没有导入这些文件，其中的事项不在本系统中。请修正或替换文件后重新构建（员工也可在“上传”页重新上传）。"
                   "每个文件下方的灰字为构建程序记录的原始说明（英文）。")
        if len(rejected) <= ui.REJECTED_LIST_LIMIT:
            st.markdown("".join(
                f'<div style="margin:.4em 0;line-height:1.6"><b>{html.escape(r.source_file)}</b>：'
                f'{html.escape(label_zh(r.reason) or "其他原因")}'
                f'<br><span style="color:#666;font-size:.9em">{html.escape(r.reason)}</span></div>'
                for r in rejected.itertuples()), unsafe_allow_html=True)
        else:  # a long list reads better as a table that can be sorted and searched
            st.dataframe(rejected.assign(reason_zh=[label_zh(r) or "其他原因" for r in rejected["reason"]]),
                         hide_index=True, width="stretch", column_order=["source_file", "reason_zh", "reason"],
                         column_config={"source_file": "文件", "reason_zh": "原因",
                                        "reason": st.column_config.TextColumn("原始说明（英文）", width="large")})

# A link from another view: select its document and article once, then leave the widgets free; again
# when the widgets were forgotten (Streamlit drops a page's widget state when another page runs), so
# coming back to the link (the browser's back button) shows its fact, not the first bulletin.
params = st.query_params
target = queries.fact(db, params["fact"]) if "fact" in params else None
wanted = (target["doc_id"], int(target["line"])) if target else None
line_link = None
if not wanted and "doc" in params and params.get("line", "").isdigit():
    wanted = line_link = (params["doc"], int(params["line"]))
if "fact" in params and target is None and not corr.rejected_panel(params["fact"], staff):
    st.warning("链接中的事实在当前数据库中不存在（数据可能已重建）。")

# Many bulletins: offer the newest, or those matching a few words of the title or file name.
many = queries.document_count(db) > queries.FILTER_DOCUMENTS
needle = st.text_input("查找简报（标题或文件名）", key="doc_find").strip() if many else ""
docs = queries.documents(db, text=needle or None, limit=queries.FILTER_DOCUMENTS)
keep = {d for d in (wanted[0] if wanted else None, st.session_state.get("doc_pick")) if d}
missing = keep - set(docs["doc_id"])
if missing:
    docs = pd.concat([docs, queries.documents(db, doc_ids=sorted(missing))], ignore_index=True)
if docs.empty:
    st.info("数据库中没有文档。" if not needle else "没有标题或文件名包含这些字的简报。")
    st.stop()

link_key = tuple(params.items())
if (wanted and (st.session_state.get("documents_link") != link_key or "doc_pick" not in st.session_state)
        and wanted[0] in set(docs["doc_id"])):
    st.session_state["documents_link"] = link_key
    st.session_state["doc_pick"] = wanted[0]
    arts = queries.articles(db, wanted[0])
    hit = arts[(arts["start_line"] <= wanted[1]) & (arts["end_line"] >= wanted[1])]
    st.session_state["article_pick"] = hit.iloc[0]["article_id"] if len(hit) else None

titles = dict(zip(docs["doc_id"], docs["title"] + " · " + docs["source_file"]))
doc_id = st.selectbox("简报", docs["doc_id"], format_func=titles.get, key="doc_pick")
doc = docs[docs["doc_id"] == doc_id].iloc[0]
st.caption(f"发布日期 {doc['issued_on'] or '未注明'} · {doc['n_articles'] or 0} 篇文章 · {doc['n_facts'] or 0} 条事实 · "
           f"文件 {doc['source_file']}")

arts = queries.articles(db, doc_id)
if arts.empty:
    st.caption("这份简报没有切分出文章，下面显示全文。")
    start, end, article_id = 1, int(doc["n_lines"] or 10**6), None
else:
    labels = {r.article_id: f"{r.ordinal}. {r.title}（{r.n_facts} 条事实）" for r in arts.itertuples()}
    if st.session_state.get("article_pick") not in labels:
        st.session_state["article_pick"] = arts.iloc[0]["article_id"]
    article_id = st.selectbox("文章", arts["article_id"], format_func=labels.get, key="article_pick")
    article = arts[arts["article_id"] == article_id].iloc[0]
    start, end = int(article["start_line"]), int(article["end_line"])
    meta = [article["doc_number"], f"发布 {article['issued_on']}" if article["issued_on"] else None,
            article["issuers"] or None, f"第{start}—{end}行"]
    st.caption(" · ".join(str(m) for m in meta if m and not (isinstance(m, float) and pd.isna(m))))  # no "nan"

here = queries.document_facts(db, doc_id, start, end)
focus = (int(target["line"]), int(target["char_start"]), int(target["char_end"])) if target else None
if target is not None and target["doc_id"] == doc_id and start <= target["line"] <= end:
    with st.container(border=True):
        st.markdown("**链接指向的事实**")
        ui.fact_card(target, link=False)
        corr.correction_panel(target, staff)

text_column, facts_column = st.columns([3, 2])
with text_column:
    st.subheader("原文")
    st.caption("黄色标记为抽取出的事实（悬停查看类型和日期），橙框为链接指向的事实，浅蓝底为搜索结果所在行。")
    spans_by_line: dict[int, list] = {}
    for row in here.itertuples():
        title = " ".join(str(v) for v in (row.kind_label, row.due_date, row.metric)
                         if v is not None and not (isinstance(v, float) and v != v) and v != "")
        spans_by_line.setdefault(row.line, []).append((row.char_start, row.char_end, title))
    body = []
    for row in queries.article_lines(db, doc_id, start, end).itertuples():
        line_focus = (focus[1], focus[2]) if focus and focus[0] == row.line and target["doc_id"] == doc_id else None
        marked = ui.highlight(row.text, spans_by_line.get(row.line, []), focus=line_focus)
        linked = line_link is not None and line_link == (doc_id, row.line)  # the line a search result opened
        body.append(f'<div style="display:flex;gap:.8em;line-height:1.8{";background:#eef4ff" if linked else ""}">'
                    f'<span style="color:#999;min-width:3em;text-align:right;user-select:none">{row.line}</span>'
                    f'<span>{marked}</span></div>')
    st.markdown("".join(body) or html.escape("（无原文）"), unsafe_allow_html=True)
with facts_column:
    st.subheader(f"事实（{len(here)}）")
    if here.empty:  # the grid would say "empty" in English
        st.caption("这一部分没有抽取出事实。")
    else:
        shown = here.assign(correction=here["correction"].map(corrections.STATES).fillna(""))
        st.dataframe(ui.for_display(shown.sort_values(["line", "char_start"])), hide_index=True, width="stretch",
                     column_order=["quote", "line", "kind_label", "due_date", "agencies_text", "correction", "sources"],
                     column_config={"line": "行", "kind_label": "类型", "due_date": "到期", "correction": "复核",
                                    "quote": st.column_config.TextColumn("原文", width="medium"), "agencies_text": "部门",
                                    "sources": st.column_config.TextColumn("全部出处", help="同一目标在多处出现时的每一处")})
    if staff and not here.empty:
        labels = {r.id: f"第{r.line}行｜{r.kind_label}｜{r.quote[:30]}" for r in here.sort_values(["line", "char_start"]).itertuples()
                  if target is None or r.id != target["id"]}  # the linked fact has its panel above
        picked = st.selectbox("复核其中一条事实", list(labels), index=None, format_func=labels.get, key="review_pick",
                              placeholder="选择事实：确认、驳回或修改")
        if picked is not None:
            with st.container(border=True):
                corr.correction_panel(here[here["id"] == picked].iloc[0].to_dict(), staff)
if staff:
    with st.expander("添加漏抽的事实", icon=":material/add:"):
        corr.add_fact_form(doc_id, doc["source_file"], queries.article_lines(db, doc_id, start, end), staff)
elif auth.editing_enabled():
    st.caption("员工登录（本页上方“员工登录”）后可在此确认、驳回、修改事实或添加漏抽的事实。")
