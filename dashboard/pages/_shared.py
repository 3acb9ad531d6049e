"""Pieces every page uses: the sidebar's settings, provenance links and cards, highlighting,
filters and the timeline figure. Pages hold layout only; data comes from dashboard.queries."""
from __future__ import annotations

import datetime as dt
import html
from pathlib import Path

import pandas as pd
import plotly.graph_objects as go
import streamlit as st

from dashboard import queries

DOCUMENTS_URL = "documents"  # url_path of the 文档 page; ?fact=<id> opens a fact in its article
KIND_COLORS = {"截止事项": "#d62728", "目标": "#1f77b4", "里程碑": "#2ca02c", "相对期限": "#9467bd",
               "规划期": "#c7c7c7"}


def db() -> Path:
    return queries.db_path()


def as_of() -> dt.date:
    """The sidebar's 基准日期 (app.py owns the widget)."""
    return st.session_state.get("as_of") or dt.date.today()


def statuses() -> pd.DataFrame | None:
    """Progress statuses when the progress tracker (issue 4) is installed; None otherwise."""
    try:
        from dashboard import progress
    except ImportError:
        return None
    try:
        return progress.current_state(progress.default_progress_path(db()))
    except Exception as exc:  # a broken progress store must not take the dashboard down
        st.caption(f"进度记录暂时无法读取：{exc}")
        return None


def fact_url(fact_id: str) -> str:
    return f"{DOCUMENTS_URL}?fact={fact_id}"


def with_links(frame: pd.DataFrame) -> pd.DataFrame:
    """Add the 出处 column: a link from each row to its quote in the article text."""
    frame = frame.copy()
    frame["出处"] = [fact_url(i) for i in frame["id"]]
    return frame


LINK_COLUMN = st.column_config.LinkColumn("出处", display_text="查看原文", help="打开原文所在文章，事实高亮显示")


def source_label(row) -> str:
    return f"{row['document_title']} · {row['source_file']} 第{row['line']}行"


def highlight(text: str, spans: list[tuple[int, int, str]], focus: tuple[int, int] | None = None) -> str:
    """HTML for one line of bulletin text with each (start, end, title) span marked.

    Every piece of the bulletin's text goes through html.escape; only our own <mark> tags are HTML.
    Overlapping spans are merged into the first one."""
    parts, cursor = [], 0
    for start, end, title in sorted(spans):
        if start < cursor or end <= start:
            continue
        style = "background:#ffd54f;outline:2px solid #e65100" if focus == (start, end) else "background:#fff3b0"
        parts.append(html.escape(text[cursor:start]))
        parts.append(f'<mark style="{style}" title="{html.escape(title)}">{html.escape(text[start:end])}</mark>')
        cursor = end
    parts.append(html.escape(text[cursor:]))
    return "".join(parts)


def fact_card(fact: dict) -> None:
    """A fact with everything needed to check it: the quote marked in its line, document, line."""
    due = fact.get("due") or fact.get("due_date")
    st.markdown(f"**{fact['kind_label']}** · {html.escape(str(fact.get('metric') or ''))}")
    meta = [f"截止/到期：{due}" if due else None,
            f"目标值：{format_value(fact)}" if fact.get("value") is not None and not pd.isna(fact["value"]) else None,
            f"周期：{fact['recurrence_rule']}" if fact.get("recurrence_rule") else None,
            f"部门：{fact['agencies_text']}" if fact.get("agencies_text") else None]
    st.caption(" ｜ ".join(m for m in meta if m))
    lines = queries.article_lines(db(), fact["doc_id"], int(fact["line"]), int(fact["line"]))
    text = lines.iloc[0]["text"] if len(lines) else fact["quote"]
    span = (int(fact["char_start"]), int(fact["char_end"]))
    st.markdown(f'<div style="line-height:1.8">{highlight(text, [(*span, fact["quote"])], focus=span)}</div>',
                unsafe_allow_html=True)
    st.caption(f"来源：{html.escape(source_label(fact))} · {html.escape(str(fact.get('article_title') or ''))}")
    if fact.get("goal_size", 1) and int(fact.get("goal_size", 1)) > 1:
        st.caption(f"同一目标出现 {int(fact['goal_size'])} 处：{fact['sources']}")
    st.page_link("pages/documents.py", label="在文档中查看原文", icon="📄", query_params={"fact": fact["id"]})


def format_value(row) -> str:
    """300 个, 10–20 %, with the comparator in words (≥ 300 个)."""
    value, high = row.get("value"), row.get("value_max")
    if value is None or pd.isna(value):
        return ""
    number = f"{value:g}" if high is None or pd.isna(high) else f"{value:g}–{high:g}"
    symbol = {">=": "≥", ">": ">", "=": "", "<=": "≤", "<": "<", "~": "约"}.get(row.get("comparator") or "", "")
    return f"{symbol}{number}{row.get('unit') or ''}".strip()


def fact_filters(frame: pd.DataFrame, key: str, kinds: bool = True, years: bool = True) -> pd.DataFrame:
    """Agency / document / kind / year-range / keyword filters above a view; returns the kept rows."""
    columns = st.columns(4 if kinds else 3)
    agencies = sorted({a for row in frame["agencies"] for a in row})
    chosen_agencies = columns[0].multiselect("部门", agencies, key=f"{key}_agency", placeholder="全部部门")
    chosen_docs = columns[1].multiselect("文档", sorted(frame["document_title"].unique()), key=f"{key}_doc",
                                         placeholder="全部文档")
    chosen_kinds = []
    if kinds:
        chosen_kinds = columns[2].multiselect("类型", list(dict.fromkeys(frame["kind_label"])), key=f"{key}_kind",
                                              placeholder="全部类型")
    keyword = columns[-1].text_input("关键词", key=f"{key}_text", placeholder="原文或事项中的文字")
    kept = frame
    if chosen_agencies:
        kept = kept[kept["agencies"].map(lambda names: bool(set(names) & set(chosen_agencies))).astype(bool)]
    if chosen_docs:
        kept = kept[kept["document_title"].isin(chosen_docs)]
    if chosen_kinds:
        kept = kept[kept["kind_label"].isin(chosen_kinds)]
    if keyword:
        kept = kept[kept["quote"].str.contains(keyword, regex=False)
                    | kept["metric"].fillna("").str.contains(keyword, regex=False)]
    if years:
        due_years = sorted({d.year for d in frame["due_date"] if d is not None})
        if len(due_years) > 1:
            low, high = st.slider("到期年份", due_years[0], due_years[-1], (due_years[0], due_years[-1]),
                                  key=f"{key}_years")
            kept = kept[kept["due_date"].map(lambda d: d is None or low <= d.year <= high).astype(bool)]
    return kept


def _wrap(text: str, width: int = 32) -> str:
    text = html.escape(text)
    return "<br>".join(text[i:i + width] for i in range(0, len(text), width))


def _short(text: str, width: int = 26) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def timeline_figure(facts: pd.DataFrame, periods: pd.DataFrame, as_of_date: dt.date) -> go.Figure:
    """Deadlines as points and plan periods, milestones and targets as bars, one row per article,
    with a line at the as-of date; hovering any mark shows its quote and source."""
    bars, points = [], []
    for _, row in facts[facts["due_date"].notna()].iterrows():
        label = _short(row["article_title"] or row["document_title"])
        hover = (f"<b>{row['kind_label']}</b> {html.escape(str(row['due_date']))}<br>{_wrap(row['quote'])}"
                 f"<br><i>{html.escape(source_label(row))}</i>")
        if row["kind"] in ("deadline", "relative"):
            points.append((label, row["due_date"], row["kind_label"], hover))
        else:
            start = queries.period_start(row) or dt.date(row["due_date"].year, 1, 1)
            start = min(start, row["due_date"])
            bars.append((label, start, row["due_date"] + dt.timedelta(days=1), row["kind_label"], hover))
    for _, row in periods.iterrows():
        hover = (f"<b>规划期</b> {row['period_start']}—{row['period_end']}年<br>{_wrap(row['article_title'])}"
                 f"<br><i>{html.escape(row['document_title'])} · {row['source_file']} 第{row['line']}行</i>")
        bars.append((_short(row["article_title"]), dt.date(int(row["period_start"]), 1, 1),
                     dt.date(int(row["period_end"]) + 1, 1, 1), "规划期", hover))

    fig = go.Figure()
    for kind in ("规划期", "目标", "里程碑"):
        chosen = [b for b in bars if b[3] == kind]
        if chosen:
            fig.add_trace(go.Bar(
                y=[b[0] for b in chosen], base=[b[1].isoformat() for b in chosen],
                x=[(b[2] - b[1]).days * 86_400_000 for b in chosen], orientation="h", name=kind,
                marker_color=KIND_COLORS[kind], opacity=0.55 if kind == "规划期" else 0.8,
                hovertext=[b[4] for b in chosen], hoverinfo="text"))
    for kind in ("截止事项", "相对期限"):
        chosen = [p for p in points if p[2] == kind]
        if chosen:
            fig.add_trace(go.Scatter(
                y=[p[0] for p in chosen], x=[p[1].isoformat() for p in chosen], mode="markers", name=kind,
                marker=dict(symbol="diamond", size=12, color=KIND_COLORS[kind], line=dict(width=1, color="white")),
                hovertext=[p[3] for p in chosen], hoverinfo="text"))
    rows = list(dict.fromkeys([b[0] for b in bars] + [p[0] for p in points]))
    fig.add_shape(type="line", x0=as_of_date.isoformat(), x1=as_of_date.isoformat(), y0=0, y1=1, yref="paper",
                  line=dict(color="#333", width=2, dash="dash"))
    fig.add_annotation(x=as_of_date.isoformat(), y=1, yref="paper", text=f"基准日 {as_of_date}", showarrow=False,
                       yanchor="bottom", font=dict(size=12))
    fig.update_layout(
        barmode="overlay", height=max(260, 90 + 30 * len(rows)), margin=dict(l=10, r=10, t=30, b=10),
        xaxis=dict(type="date", title=None), yaxis=dict(autorange="reversed", title=None, categoryorder="array",
                                                        categoryarray=rows),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0.5, xanchor="center"),
        font=dict(family="WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, sans-serif"),
        hoverlabel=dict(align="left"))
    return fig
