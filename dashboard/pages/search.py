"""搜索: find facts and article text by any words (the query is passed as a parameter, never
spliced into SQL)."""
from __future__ import annotations

import html

import streamlit as st

from dashboard import queries
from dashboard.pages import _shared as ui

db = ui.db()

st.title("搜索")
text = st.text_input("搜索事实和文章原文", key="search_text", placeholder="例如：零碳工厂、5月30日、“两重”")
if not text.strip():
    st.caption("输入关键词后按回车。匹配事实的原文、事项、部门、文章和文档标题，以及全部文章原文。")
    st.stop()

text = text.strip()
facts = queries.search_facts(db, text)
lines = queries.search_lines(db, text)
st.subheader(f"事实（{len(facts)}）")
if facts.empty:
    st.caption("没有匹配的事实。")
else:
    st.dataframe(ui.with_links(facts), hide_index=True, width="stretch",
                 column_order=["kind_label", "due_date", "metric", "quote", "agencies_text", "document_title", "line",
                               "出处"],
                 column_config={"kind_label": "类型", "due_date": st.column_config.DateColumn("到期", format="YYYY-MM-DD"),
                                "metric": "事项", "quote": "原文", "agencies_text": "部门", "document_title": "文档",
                                "line": "行", "出处": ui.LINK_COLUMN})

st.subheader(f"原文（{len(lines)} 行）")
for row in lines.itertuples():
    spans, start = [], row.text.lower().find(text.lower())
    while start >= 0:
        spans.append((start, start + len(text), text))
        start = row.text.lower().find(text.lower(), start + len(text))
    st.markdown(f'<div style="margin-bottom:.6em;line-height:1.7">{ui.highlight(row.text, spans)}<br>'
                f'<small style="color:#666">{html.escape(row.document_title)} · {html.escape(row.article_title or "")}'
                f' · {html.escape(row.source_file)} 第{row.line}行 · '
                f'<a href="{ui.DOCUMENTS_URL}?doc={html.escape(row.doc_id)}&line={row.line}" target="_self">在文档中查看</a>'
                f'</small></div>', unsafe_allow_html=True)
