"""搜索: find facts and article text by any words (the query is passed as a parameter, never
spliced into SQL)."""
from __future__ import annotations

import html
import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.views import _shared as ui

db = ui.db()

st.title("搜索")
text = st.text_input("搜索事实和文章原文", key="search_text", placeholder="例如：零碳工厂、5月30日、“两重”")
if not text.strip():
    st.caption("输入关键词后按回车。匹配事实的原文、事项、部门、文章和文档标题，以及全部文章原文。")
    st.stop()

needle = text.strip()
facts = queries.search_facts(db, needle)
lines = queries.search_lines(db, needle)
st.subheader(f"事实（{len(facts)}）")
if facts.empty:
    st.caption("没有匹配的事实。")
else:
    ui.fact_table(facts, "search", ["kind_label", "due_date", "agencies_text"], hide_index=True, width="stretch",
                 column_order=["quote", "出处", "kind_label", "due_date", "agencies_text"],
                 column_config={"kind_label": "类型", "due_date": "到期", "quote": ui.QUOTE_COLUMN,
                                "agencies_text": st.column_config.TextColumn("部门", width=160),
                                "出处": ui.LINK_COLUMN})

st.subheader(f"原文（{len(lines)} 行）")


def cell(value) -> str:
    """Escaped text of a cell that may be empty (a line outside any article has no article title)."""
    return "" if value is None or pd.isna(value) else html.escape(str(value))


for row in lines.itertuples():
    spans, start = [], row.text.lower().find(needle.lower())
    while start >= 0:
        spans.append((start, start + len(needle), needle))
        start = row.text.lower().find(needle.lower(), start + len(needle))
    place = " · ".join(p for p in (cell(row.document_title), cell(row.article_title),
                                   f"{cell(row.source_file)} 第{row.line}行") if p)
    with st.container(gap="small"):
        st.markdown(f'<div style="line-height:1.7">{ui.highlight(row.text, spans)}<br>'
                    f'<small style="color:#666">{place}</small></div>', unsafe_allow_html=True)
        # a page link (not an <a href>): the visit keeps this session, and its 基准日期
        st.page_link("views/documents.py", label=f"在文档中查看 第{row.line}行", icon=":material/description:",
                     query_params={"doc": str(row.doc_id), "line": str(int(row.line))})
