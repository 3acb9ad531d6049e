"""Pieces every page uses: the sidebar's settings, provenance links and cards, highlighting,
filters and the timeline figure. Pages hold layout only; data comes from dashboard.queries."""
from __future__ import annotations

import collections
import datetime as dt
import functools
import html
import logging
import re
import threading
import weakref
from pathlib import Path

import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
import streamlit as st

from dashboard import queries

DOCUMENTS_URL = "documents"  # url_path of the 文档 page; ?fact=<id> opens a fact in its article
REJECTED_LIST_LIMIT = 50  # rejected files listed one by one on the 文档 page; more are shown as a table
PLOT_CONFIG = {"displayModeBar": False}  # its buttons are English and zooming a timeline helps no one here
PLOT_FONT = dict(family="WenQuanYi Micro Hei, Noto Sans CJK SC, Microsoft YaHei, sans-serif")
KIND_COLORS = {"截止事项": "#d62728", "目标": "#1f77b4", "里程碑": "#2ca02c", "相对期限": "#9467bd",
               "规划期": "#c7c7c7"}


MEMO_SIZE = 64  # answers kept (display frames, figures): a few per page view in use; a 500-row frame is ~1-2 MB


def db() -> Path:
    return queries.db_path()


def as_of() -> dt.date:
    """The sidebar's 基准日期 (app.py owns the widget)."""
    return st.session_state.get("as_of") or dt.date.today()


def statuses() -> pd.DataFrame | None:
    """Progress statuses when the progress tracker (issue 4) is installed; None otherwise."""
    try:
        from pipeline.ledger import progress
    except ImportError:
        return None
    try:
        return progress.current_state(progress.default_progress_path(db()))
    except Exception:  # a broken progress store must not take the dashboard down (nor show its error)
        logging.getLogger("tracker").exception("progress store unreadable")
        st.caption("进度记录暂时无法读取，下面的数字未计入员工记录的状态。")
        return None


_memo: collections.OrderedDict = collections.OrderedDict()
_memo_lock = threading.Lock()
_memo_computing: dict[tuple, threading.Lock] = {}  # key -> held while one thread computes it
_frame_tokens: dict[int, tuple] = {}  # id of a frame memo() handed out -> its key: such frames hash for free


def memo(function, *args, **kwargs):
    """function(*args, **kwargs) computed once per database version and arguments, and shared by
    every session: the server answers a crowd's identical views without redoing them. Frame
    arguments (statuses, a query's rows) count by their content. The answer is the same object for
    every caller: read it, never change it (copy first)."""
    try:
        key = (getattr(function, "__module__", None), getattr(function, "__qualname__", repr(function)),
               getattr(getattr(function, "__code__", None), "co_filename", None),
               queries.data_version(db()), _token(args), _token(kwargs))
        hash(key)
    except TypeError:  # an argument without a content token: nothing to share
        return function(*args, **kwargs)
    with _memo_lock:
        if key in _memo:
            _memo.move_to_end(key)
            return _memo[key]
        computing = _memo_computing.setdefault(key, threading.Lock())
    try:
        with computing:  # a crowd arriving at once computes it once; the others wait for it
            with _memo_lock:
                if key in _memo:
                    return _memo[key]
            answer = function(*args, **kwargs)
            if isinstance(answer, pd.DataFrame):
                _frame_tokens[id(answer)] = key
                weakref.finalize(answer, _frame_tokens.pop, id(answer), None)
            with _memo_lock:
                _memo[key] = answer
                while len(_memo) > MEMO_SIZE:
                    _memo.popitem(last=False)
            return answer
    finally:
        with _memo_lock:
            _memo_computing.pop(key, None)


def memoized(function):
    """function, answering through memo()."""
    @functools.wraps(function)
    def answer(*args, **kwargs):
        return memo(function, *args, **kwargs)
    return answer


def _token(value):
    """A hashable stand-in for an argument: frames by content, containers by their items."""
    if isinstance(value, pd.DataFrame):
        return _frame_tokens.get(id(value)) or ("frame", tuple(value.columns), value.shape, _frame_hash(value))
    if isinstance(value, (list, tuple)):
        return tuple(_token(v) for v in value)
    if isinstance(value, dict):
        return tuple(sorted((k, _token(v)) for k, v in value.items()))
    return value


def _frame_hash(frame: pd.DataFrame) -> int:
    parts = [hash(tuple(frame.index.tolist()))]
    for _, values in frame.items():
        if values.dtype == object:
            parts.append(hash(tuple(tuple(v) if isinstance(v, list) else v for v in values.tolist())))
        else:
            parts.append(int(pd.util.hash_pandas_object(values, index=False).sum()))
    return hash(tuple(parts))


def fact_url(fact_id: str) -> str:
    return f"{DOCUMENTS_URL}?fact={fact_id}"


def for_display(frame: pd.DataFrame) -> pd.DataFrame:
    """Text the grid shows as is: dates as YYYY-MM-DD and missing values as empty cells (the grid
    would print "None"); numbers and lists stay as they are.

    Built as one new frame, column by column by dtype (text columns filled in one step): assigning
    Python lists column by column into the old frame was a fifth of the server's time under a crowd."""
    columns = {}
    for name, values in frame.items():
        if pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            columns[name] = values
        elif pd.api.types.is_string_dtype(values) and values.dtype != object:
            columns[name] = values.fillna("")
        elif pd.api.types.is_datetime64_any_dtype(values):
            columns[name] = values.dt.strftime("%Y-%m-%d").fillna("")
        else:
            columns[name] = pd.Series([_display_value(v) for v in values.tolist()], index=frame.index, dtype=object)
    return pd.DataFrame(columns, index=frame.index)


def _display_value(value):
    kind = type(value)
    if kind is str or kind is list:  # most cells: returned before any other test
        return value
    if kind is dt.date:
        return value.isoformat()
    if value is None or value is pd.NA or value is pd.NaT or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, (dt.date, pd.Timestamp)):
        return value.isoformat()
    return value


def with_links(frame: pd.DataFrame) -> pd.DataFrame:
    """The rows for a grid, with the 出处 column: a link to the fact marked in its article, whose
    text is the line and bulletin (第N行 · 文档; the line first, so a narrow column still shows it),
    so every row shows where it comes from; rows staff corrected say so first, where a narrow column still
    shows it. Shared once made when `frame` is a memo() answer (hashing another frame to look it up would
    cost about what making it does)."""
    return memo(_with_links, frame) if id(frame) in _frame_tokens else _with_links(frame)


def _with_links(frame: pd.DataFrame) -> pd.DataFrame:
    links = [f"{url}#第{line}行 · {title}" for url, title, line in
             zip(_urls(frame), frame["document_title"].tolist(), frame["line"].tolist())]
    if "correction" in frame:
        links = [link.replace("#", "#✎已更正 · ", 1) if mark in ("edited", "added") else link
                 for link, mark in zip(links, frame["correction"].tolist())]
    return for_display(frame).assign(出处=pd.Series(links, index=frame.index, dtype=object))


# 原文 and 出处 lead every list (on a phone lists are cards: fact_table)
def _urls(frame: pd.DataFrame) -> list[str]:
    """Where each row's 出处 leads: its `url` when the frame has one (a candidate span, which is no
    fact, opens its line), else the fact marked in its article."""
    if "url" in frame:
        return frame["url"].tolist()
    return [fact_url(i) for i in frame["id"].tolist()]


LINK_COLUMN = st.column_config.LinkColumn("出处", display_text=r"#(.+)$", width=230,
                                          help="点击打开原文所在文章（新标签页），事实高亮显示")
QUOTE_COLUMN = st.column_config.TextColumn("原文", width="large", help="抽取出事实的原句；完整原文见出处")
PHONE_CARDS = 100  # cards a phone list shows; the desk's grid holds the rest, the downloads all


def fact_table(rows: pd.DataFrame, name: str, card_meta: list[str], **grid):
    """A list of facts (rows with id, quote, line, document_title): on a desk a grid (st.dataframe
    with `grid`'s arguments, its 出处 link added), on a phone cards with the whole quote, what
    card_meta's columns say (a due date, a countdown, agencies) and the 出处 link. A grid cell holds
    one line, so at 390 px it showed a dozen characters of 原文; the page's CSS (app.py) shows the
    one that fits the width (containers keyed desk_<name> and phone_<name>). Returns the grid's
    selection state (when `grid` asks for one)."""
    with st.container(key=f"desk_{name}"):
        table = st.dataframe(with_links(rows), **grid)
    with st.container(key=f"phone_{name}"):
        st.html(memo(cards_html, rows, tuple(card_meta)) if id(rows) in _frame_tokens else cards_html(rows, card_meta))
    return table


def grid_and_cards(grid_rows: pd.DataFrame, cards: str, name: str, **grid):
    """fact_table's two views when both are made already (a memo()ed page part): the grid's rows
    with their 出处 (with_links) and the cards' HTML (cards_html)."""
    with st.container(key=f"desk_{name}"):
        table = st.dataframe(grid_rows, **grid)
    with st.container(key=f"phone_{name}"):
        st.html(cards)
    return table


def cards_html(rows: pd.DataFrame, card_meta) -> str:
    if rows.empty:
        return '<div class="fact-more">没有事项。</div>'
    cards = []
    shown = rows.head(PHONE_CARDS)
    for row, url in zip(shown.to_dict("records"), _urls(shown)):
        meta = " · ".join(html.escape(str(_display_value(row.get(c)))) for c in card_meta
                          if _display_value(row.get(c)) not in ("", None))
        mark = "✎已更正 · " if row.get("correction") in ("edited", "added") else ""
        cards.append(f'<div class="fact-card"><div class="fact-meta">{meta}</div>'
                     f'<div class="fact-quote">{html.escape(str(row["quote"]))}</div>'
                     f'<a href="{html.escape(url)}" target="_self">{mark}第{row["line"]}行 · '
                     f'{html.escape(str(row["document_title"]))}</a></div>')
    more = len(rows) - PHONE_CARDS
    tail = f'<div class="fact-more">另有 {more} 项：请用筛选缩小范围，或下载全部。</div>' if more > 0 else ""
    return "".join(cards) + tail


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


def fact_card(fact: dict, link: bool = True) -> None:
    """A fact with everything needed to check it: the quote marked in its line, document, line."""
    due = _display_value(fact.get("due")) or _display_value(fact.get("due_date"))  # a row's missing values are NaN
    metric = str(_display_value(fact.get("metric")))
    st.markdown(f"**{fact['kind_label']}**" + (f" · {html.escape(metric)}" if metric else ""))
    meta = [f"截止/到期：{due}" if due else None,
            f"目标值：{format_value(fact)}" if _display_value(fact.get("value")) != "" else None,
            f"周期：{fact['recurrence_rule']}" if _display_value(fact.get("recurrence_rule")) else None,
            f"部门：{fact['agencies_text']}" if _display_value(fact.get("agencies_text")) else None]
    st.caption(" ｜ ".join(m for m in meta if m))
    lines = queries.article_lines(db(), fact["doc_id"], int(fact["line"]), int(fact["line"]))
    text = lines.iloc[0]["text"] if len(lines) else fact["quote"]
    span = (int(fact["char_start"]), int(fact["char_end"]))
    st.markdown(f'<div style="line-height:1.8">{highlight(text, [(*span, fact["quote"])], focus=span)}</div>',
                unsafe_allow_html=True)
    st.caption(f"来源：{html.escape(source_label(fact))} · {html.escape(str(fact.get('article_title') or ''))}")
    if fact.get("goal_size", 1) and int(fact.get("goal_size", 1)) > 1:
        st.caption(f"同一目标出现 {int(fact['goal_size'])} 处：{fact['sources']}")
    if link:
        st.page_link("views/documents.py", label="在文档中查看原文", icon=":material/description:",
                     query_params={"fact": fact["id"]})


def format_value(row) -> str:
    """300 个, 10–20 %, with the comparator in words (≥ 300 个)."""
    value, high = row.get("value"), row.get("value_max")
    if value is None or pd.isna(value):
        return ""
    number = f"{value:g}" if high is None or pd.isna(high) else f"{value:g}–{high:g}"
    symbol = {">=": "≥", ">": ">", "=": "", "<=": "≤", "<": "<", "~": "约"}.get(row.get("comparator") or "", "")
    return f"{symbol}{number}{row.get('unit') or ''}".strip()


def fact_filters(options: dict, key: str, kinds=tuple(queries.KIND_LABELS), years: bool = True) -> dict:
    """Agency / bulletin / kind / keyword (and due-year range) filters above a view, offering
    queries.filter_options(), in a 筛选 expander whose label names the filters in effect (a phone's
    first screen is then the view, not four inputs). Returns them as keyword arguments for the
    queries (the filtering happens in SQL). A link may preset them once: ?kind=milestone&year=2026&agency=…
    Choosing a ministry includes its departments (the queries' agency_scope)."""
    preset_from_link(key, options)
    kinds = [k for k in kinds if k in options["kinds"]] if kinds else []
    in_effect = _filters_in_effect(key, options)
    with st.expander("筛选：" + ("；".join(in_effect) if in_effect else "全部（可按部门、文档、类型、关键词筛选）"),
                     expanded=bool(in_effect), icon=":material/filter_list:"):
        columns = st.columns(4 if len(kinds) > 1 else 3)
        # select_all=False: Streamlit's own "Select all" option is English (and means no filter here)
        chosen_agencies = columns[0].multiselect("部门", options["agencies"], key=f"{key}_agency",
                                                 placeholder="全部部门（含下属部门）", select_all=False)
        docs = options["documents"]
        chosen_docs = columns[1].multiselect("文档", list(docs), key=f"{key}_doc", placeholder="全部文档",
                                             format_func=lambda doc_id: docs.get(doc_id, doc_id), select_all=False)
        chosen_kinds = []
        if len(kinds) > 1:
            labels = {queries.KIND_LABELS[k]: k for k in kinds}
            chosen_kinds = [labels[label] for label in columns[2].multiselect(
                "类型", list(labels), key=f"{key}_kind", placeholder="全部类型", select_all=False)]
        keyword = columns[-1].text_input("关键词", key=f"{key}_text", placeholder="原文或事项中的文字").strip()
        chosen_years = None
        if years and options["years"] and options["years"][0] < options["years"][1]:
            low, high = options["years"]
            chosen = st.slider("到期年份", low, high, (low, high), key=f"{key}_years")
            chosen_years = None if chosen == (low, high) else chosen
    return {"agencies": chosen_agencies or None, "doc_ids": chosen_docs or None,
            "kinds": chosen_kinds or None, "text": keyword or None,
            **({"years": chosen_years} if years else {})}


def _filters_in_effect(key: str, options: dict) -> list[str]:
    """The filters set now (before the widgets are drawn: from their state), in words."""
    state = st.session_state
    docs = options["documents"]
    parts = ["、".join(state.get(f"{key}_agency") or []),
             "、".join(_short(docs.get(d, d), 12) for d in state.get(f"{key}_doc") or []),
             "、".join(state.get(f"{key}_kind") or []),
             f"“{state[f'{key}_text'].strip()}”" if (state.get(f"{key}_text") or "").strip() else ""]
    years = state.get(f"{key}_years")
    if years and options["years"] and tuple(years) != tuple(options["years"]):
        parts.append(f"{years[0]}—{years[1]}年")
    return [part for part in parts if part]


def preset_from_link(key: str, options: dict) -> None:
    """Set the filters from the page's query parameters, once per link (the overview's counts open
    their lists this way); afterwards the widgets are the user's."""
    params = {k: v for k, v in st.query_params.items() if k in ("kind", "year", "agency")}
    if not params or st.session_state.get(f"{key}_link") == params:
        return
    st.session_state[f"{key}_link"] = params
    if params.get("kind") in queries.KIND_LABELS:
        st.session_state[f"{key}_kind"] = [queries.KIND_LABELS[params["kind"]]]
    if params.get("agency") in options["agencies"]:
        st.session_state[f"{key}_agency"] = [params["agency"]]
    year = params.get("year", "")
    if year.isdigit() and options["years"] and options["years"][0] <= int(year) <= options["years"][1]:
        st.session_state[f"{key}_years"] = (int(year), int(year))
        st.session_state[f"{key}_past"] = True  # a year's count holds what fell due before the as-of date too


def shown_caption(shown: int, total: int, what: str = "项") -> str:
    """共 N 项, and when the table holds fewer, that filters narrow it and downloads hold all."""
    if total > shown:
        return f"共 {total} {what}，表中显示前 {shown} {what}（按到期日期）；可用上面的条件缩小范围。"
    return f"共 {total} {what}。"


def _wrap(text: str, width: int = 32) -> str:
    text = html.escape(text)
    return "<br>".join(text[i:i + width] for i in range(0, len(text), width))


def _short(text: str, width: int = 26) -> str:
    return text if len(text) <= width else text[:width - 1] + "…"


def short_title(title: str, width: int = 22) -> str:
    """An article's title for a narrow label: the document it announces (《…》) when it names one,
    marked （解读） for an interpretation, else the title; cut at `width` characters."""
    inner = re.search(r"《([^》]{4,})》", title or "")
    text = inner.group(1) if inner else (title or "")
    if inner and re.match(r"^\s*解读", title):
        text += "（解读）"
    return _short(text, width)


def timeline_rows(items: pd.DataFrame) -> list[dict]:
    """The dated items of queries.timeline_items grouped into one row per article (a plan, notice or
    news item: what a member reads), soonest first: {article_id, title, document_title, first, last,
    issued, items (their rows, by due date)}."""
    dated = items[items["due"].notna()]
    rows = []
    for article_id, group in dated.groupby(dated["article_id"].fillna(dated["doc_id"]), sort=False):
        first = group.iloc[0]
        issued = queries.period_start({"article_issued_on": first["article_issued_on"],
                                       "document_issued_on": first["document_issued_on"]})
        rows.append({"article_id": article_id, "title": first["article_title"] or first["document_title"],
                     "document_title": first["document_title"], "first": group["due"].min(),
                     "last": group["due"].max(), "place": (first["source_file"], int(group["line"].min())),
                     "issued": issued, "items": group})
    # among articles whose next item falls on one day (到2027年: the year's last), the newest first
    return sorted(rows, key=lambda row: (row["first"], -(row["issued"] or dt.date.min).toordinal(), row["place"]))


def timeline_list(rows: list[dict]) -> pd.DataFrame:
    """The items of these timeline rows, row by row, for the table under the chart."""
    return pd.concat([row["items"] for row in rows], ignore_index=True) if rows else pd.DataFrame()


@memoized
def timeline_view(path: Path, as_of_date: dt.date, statuses_now: pd.DataFrame | None, upcoming: bool,
                  filters: dict, page: int = 1, rows_per_page: int | None = None) -> dict:
    """Everything a timeline shows, made once per database version and inputs and shared (hashing
    the chart's rows to look each part up would cost more than the chart): {"rows": articles in all,
    "pages", "first": each page's first due date, "figure", "grid" (the listed items with 出处),
    "cards" (the same on a phone), "listed": how many, "total": items matching, "shown": items read,
    "undated" (grid rows), "undated_cards"}. page: 1-based, of rows_per_page articles (None: all)."""
    items = queries.timeline_items(path, as_of_date, statuses_now, upcoming, **filters)
    rows = timeline_rows(items)
    size = rows_per_page or max(1, len(rows))
    pages = max(1, -(-len(rows) // size))
    page = min(max(1, page), pages)
    shown = rows[(page - 1) * size:page * size]
    periods = queries.plan_periods(path, article_ids=[str(row["article_id"]) for row in shown])
    listed = timeline_list(shown)
    undated = items[items["due"].isna()].reset_index(drop=True)
    return {"rows": len(rows), "pages": pages, "first": [rows[i * size]["first"] for i in range(pages)] if rows else [],
            "figure": timeline_figure(shown, periods, as_of_date, upcoming) if shown else None,
            "grid": _with_links(listed) if len(listed) else None, "cards": cards_html(listed, TIMELINE_CARD),
            "listed": len(listed), "shown": len(items),
            "total": queries.timeline_count(path, as_of_date, statuses_now, upcoming, **filters),
            "undated": _with_links(undated) if len(undated) else None,
            "undated_cards": cards_html(undated, ["kind_label", "recurrence_rule"])}


# the table under a timeline: what it says and where it stands first (a phone shows two columns)
TIMELINE_COLUMNS = ["quote", "出处", "due", "state", "kind_label", "article_title"]
TIMELINE_CARD = ["due", "state", "kind_label", "article_title"]
TIMELINE_COLUMN_CONFIG = {"quote": QUOTE_COLUMN, "出处": LINK_COLUMN, "due": "到期", "state": "倒计时", "kind_label": "类型",
                          "article_title": st.column_config.TextColumn("文章", width="medium")}


MARKERS = {"截止事项": "diamond", "相对期限": "diamond", "里程碑": "circle", "目标": "square"}


def timeline_figure(rows: list[dict], periods: pd.DataFrame, as_of_date: dt.date, upcoming: bool) -> go.Figure:
    """One row per article (timeline_rows): its label above it (readable at a phone's width), a grey
    bar over its plan period (or from its date to its last goal), and a mark on each due date:
    ◆ deadlines, ● milestones, ■ targets (several on one day: one bigger mark). Hovering (tapping)
    a mark shows the quotes, bulletin, file and line. A dashed line marks the as-of date; upcoming:
    the axis starts a little before it."""
    fig = go.Figure()
    spans = {str(r["article_id"]): (int(r["period_start"]), int(r["period_end"])) for _, r in periods.iterrows()}
    bars, marks = [], {}
    for y, row in enumerate(rows):
        period = spans.get(str(row["article_id"]))
        first = row["items"].iloc[0]
        start = period and dt.date(period[0], 1, 1) or queries.period_start(first) or row["first"]
        end = max(row["last"], dt.date(period[1], 12, 31)) if period else row["last"]
        bars.append((y, min(start, row["first"]), end + dt.timedelta(days=1),
                     f"<b>{html.escape(row['title'])}</b><br><i>{html.escape(row['document_title'])}</i>"
                     + (f"<br>规划期 {period[0]}—{period[1]}年" if period else "")))
        for item in row["items"].to_dict("records"):
            marks.setdefault((item["kind_label"], y, item["due"]), []).append(item)
    fig.add_trace(go.Bar(y=[b[0] for b in bars], base=[b[1].isoformat() for b in bars],
                         x=[(b[2] - b[1]).days * 86_400_000 for b in bars], orientation="h", width=0.22,
                         marker_color=KIND_COLORS["规划期"], opacity=0.7, name="期间", hovertext=[b[3] for b in bars],
                         hoverinfo="text", showlegend=bool(bars)))
    for kind in ("目标", "里程碑", "截止事项", "相对期限"):
        chosen = [(key, found) for key, found in marks.items() if key[0] == kind]
        if not chosen:
            continue
        fig.add_trace(go.Scatter(
            x=[key[2].isoformat() for key, _ in chosen], y=[key[1] for key, _ in chosen], mode="markers", name=kind,
            marker=dict(symbol=MARKERS[kind], color=KIND_COLORS[kind], line=dict(width=1, color="white"),
                        size=[11 + 2 * min(len(found) - 1, 5) for _, found in chosen]),
            hovertext=[_mark_hover(kind, key[2], found) for key, found in chosen], hoverinfo="text"))
    for y, row in enumerate(rows):
        fig.add_annotation(x=0, xref="paper", xanchor="left", y=y, yshift=9, yanchor="bottom", showarrow=False,
                           align="left", font=dict(size=12), bgcolor="rgba(255,255,255,0.8)", borderpad=0,
                           text=f"<b>{html.escape(short_title(row['title']))}</b>"
                                f"<span style='color:#777'> · {len(row['items'])}项</span>")
    fig.add_shape(type="line", x0=as_of_date.isoformat(), x1=as_of_date.isoformat(), y0=0, y1=1, yref="paper",
                  line=dict(color="#333", width=2, dash="dash"))
    fig.add_annotation(x=as_of_date.isoformat(), y=1, yref="paper", yshift=30, text=f"基准日 {as_of_date}",
                       showarrow=False, yanchor="bottom", xanchor="left", font=dict(size=12), bgcolor="white")
    xaxis = dict(type="date", title=None, side="top", tickformat="%Y", nticks=8, fixedrange=True)
    if upcoming and rows:
        xaxis["range"] = [(as_of_date - dt.timedelta(days=60)).isoformat(),
                          (max(r["last"] for r in rows) + dt.timedelta(days=120)).isoformat()]
    fig.update_layout(
        barmode="overlay", height=150 + 40 * len(rows), margin=dict(l=8, r=8, t=80, b=10), dragmode=False,
        xaxis=xaxis, yaxis=dict(range=[len(rows) - 0.5, -0.9], showticklabels=False, showgrid=False, zeroline=False,
                                fixedrange=True),
        legend=dict(orientation="h", yanchor="top", y=-0.01, x=0, xanchor="left"), showlegend=True,
        font=PLOT_FONT, hoverlabel=dict(align="left"))
    return fig


def _mark_hover(kind: str, due: dt.date, items: list[dict], shown: int = 4) -> str:
    """A mark's hover text: its kind and date, then each item's quote and place (the first few)."""
    lines = [f"<b>{kind} {due}</b>（{len(items)}项）" if len(items) > 1 else f"<b>{kind} {due}</b>"]
    for item in items[:shown]:
        state = f"（{item['state']}）" if item.get("state") else ""
        lines.append(f"{_wrap(item['quote'])}{html.escape(state)}<br><i>{html.escape(source_label(item))}</i>")
    if len(items) > shown:
        lines.append(f"……另有 {len(items) - shown} 项，见下方列表")
    return "<br>".join(lines)


@memoized
def by_year_figure(by_year: pd.DataFrame) -> go.Figure:
    """The overview's goals by due year and kind; a bar's customdata is [kind, year]."""
    by_year = by_year.assign(year_text=by_year["year"].astype(int).astype(str))
    fig = px.bar(by_year, x="year_text", y="n", color="kind_label", color_discrete_map=KIND_COLORS,
                 custom_data=["kind", "year_text"], labels={"year_text": "到期年份", "n": "数量", "kind_label": "类型"})
    fig.update_layout(height=360, margin=dict(l=10, r=10, t=10, b=10), legend_title_text="类型",
                      xaxis=dict(type="category", categoryorder="category ascending"), font=PLOT_FONT)
    return fig


@memoized
def by_agency_figure(by_agency: pd.DataFrame) -> go.Figure:
    """The overview's goals by agency and kind; a bar's customdata is [kind, agency]."""
    fig = px.bar(by_agency, y="agency", x="n", color="kind_label", orientation="h",
                 color_discrete_map=KIND_COLORS, custom_data=["kind", "agency"],
                 labels={"agency": "部门", "n": "数量", "kind_label": "类型"})
    fig.update_layout(height=max(360, 28 * by_agency["agency"].nunique()), margin=dict(l=10, r=10, t=10, b=10),
                      yaxis=dict(categoryorder="total ascending", title=None), legend_title_text="类型",
                      font=PLOT_FONT)
    return fig
