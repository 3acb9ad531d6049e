"""文档: bulletin -> article -> facts, with the article's original lines and every fact marked where
it stands. Opened with ?fact=<id> (or ?doc=<doc_id>&line=<n>) it jumps to that place."""
from __future__ import annotations

import html

import streamlit as st

from dashboard import queries
from dashboard.pages import _shared as ui

db = ui.db()

st.title("文档")
docs = queries.documents(db)
if docs.empty:
    st.info("数据库中没有文档。")
    st.stop()

# A link from another view: select its document and article once, then leave the widgets free.
params = st.query_params
target = queries.fact(db, params["fact"]) if "fact" in params else None
wanted = (target["doc_id"], int(target["line"])) if target else None
if not wanted and "doc" in params and params.get("line", "").isdigit():
    wanted = (params["doc"], int(params["line"]))
if "fact" in params and target is None:
    st.warning("链接中的事实在当前数据库中不存在（数据可能已重建）。")
link_key = tuple(params.items())
if wanted and st.session_state.get("documents_link") != link_key and wanted[0] in set(docs["doc_id"]):
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
    st.caption(" · ".join(str(m) for m in meta if m))

facts = queries.all_facts(db)
here = facts[(facts["doc_id"] == doc_id) & facts["line"].between(start, end)]
focus = (int(target["line"]), int(target["char_start"]), int(target["char_end"])) if target else None
if target is not None and target["doc_id"] == doc_id and start <= target["line"] <= end:
    with st.container(border=True):
        st.markdown("**链接指向的事实**")
        ui.fact_card(target)

text_column, facts_column = st.columns([3, 2])
with text_column:
    st.subheader("原文")
    st.caption("黄色标记为抽取出的事实（悬停查看类型和日期），橙框为链接指向的事实。")
    spans_by_line: dict[int, list] = {}
    for row in here.itertuples():
        title = f"{row.kind_label} {row.due_date or ''} {row.metric or ''}".strip()
        spans_by_line.setdefault(row.line, []).append((row.char_start, row.char_end, title))
    body = []
    for row in queries.article_lines(db, doc_id, start, end).itertuples():
        line_focus = (focus[1], focus[2]) if focus and focus[0] == row.line and target["doc_id"] == doc_id else None
        marked = ui.highlight(row.text, spans_by_line.get(row.line, []), focus=line_focus)
        body.append(f'<div style="display:flex;gap:.8em;line-height:1.8"><span style="color:#999;min-width:3em;'
                    f'text-align:right;user-select:none">{row.line}</span><span>{marked}</span></div>')
    st.markdown("".join(body) or html.escape("（无原文）"), unsafe_allow_html=True)
with facts_column:
    st.subheader(f"事实（{len(here)}）")
    st.dataframe(here, hide_index=True, width="stretch",
                 column_order=["line", "kind_label", "due_date", "metric", "quote", "agencies_text", "sources"],
                 column_config={"line": "行", "kind_label": "类型",
                                "due_date": st.column_config.DateColumn("到期", format="YYYY-MM-DD"),
                                "metric": "事项", "quote": "原文", "agencies_text": "部门", "sources": "全部出处"})
