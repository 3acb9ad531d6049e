"""Entry point: `streamlit run dashboard/app.py`. Builds the navigation and the shared sidebar
(基准日期 and the database being read); each page lives in dashboard/views/."""
from __future__ import annotations

import datetime as dt
import logging
import os
import sys
from pathlib import Path

import streamlit as st

# streamlit puts only dashboard/ on sys.path; the pages import dashboard.* and pipeline.*
ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from dashboard import queries  # noqa: E402

# The page files live in views/, not pages/: Streamlit lists a pages/ folder by itself, with English
# file names and without this shell, to the first visitor after the server starts (a deep link).
PAGES = Path(__file__).parent / "views"

st.set_page_config(page_title="政策目标与截止事项跟踪", page_icon=":material/event:", layout="wide")

overview = st.Page("views/overview.py", title="概览", icon=":material/dashboard:", url_path="overview")


def open_overview() -> None:
    """The app's root opens 概览 at its own path. Streamlit serves its default page only at /, so a
    default 概览 would answer /overview with "Page not found"; this way every page has one address."""
    st.switch_page(overview)


pages = [
    st.Page(open_overview, title="首页", url_path="home", default=True, visibility="hidden"),
    overview,
    st.Page("views/timeline.py", title="时间线", icon=":material/timeline:", url_path="timeline"),
    st.Page("views/deadlines.py", title="截止事项", icon=":material/alarm:", url_path="deadlines"),
    st.Page("views/targets.py", title="目标", icon=":material/flag:", url_path="targets"),
    st.Page("views/agencies.py", title="部门", icon=":material/account_balance:", url_path="agencies"),
    st.Page("views/documents.py", title="文档", icon=":material/description:", url_path="documents"),
    st.Page("views/search.py", title="搜索", icon=":material/search:", url_path="search"),
    st.Page("views/calendar.py", title="日历订阅", icon=":material/calendar_month:", url_path="calendar"),
    st.Page("views/reminders.py", title="群聊提醒", icon=":material/forum:", url_path="reminders"),
]
# Pages of the progress tracker (issue 4) and of staff review (issue 13), shown once their files exist.
for name, title, icon in (("progress", "进度", ":material/task_alt:"), ("upload", "上传", ":material/upload_file:"),
                          ("review", "待复核", ":material/fact_check:")):
    if (PAGES / f"{name}.py").exists():
        pages.append(st.Page(f"views/{name}.py", title=title, icon=icon, url_path=name))
page = st.navigation(pages)
# Less empty space above each page (the first screen should hold the answer); on a phone a smaller
# title and margins, and lists as cards instead of grids (ui.fact_table draws both: desk_* and phone_*).
st.html("""<style>
[data-testid="stMainBlockContainer"] { padding-top: 3.5rem; }
@media (max-width: 640px) {
  [data-testid="stMainBlockContainer"] { padding: 3rem .8rem 2rem; }
  [data-testid="stMain"] h1 { font-size: 1.9rem; }
  [class*="st-key-desk_"] { display: none; }
  /* counts three to a row instead of one a screen */
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"]) {
    flex-flow: row wrap; gap: .4rem 1rem; }
  [data-testid="stHorizontalBlock"]:has(> [data-testid="stColumn"] [data-testid="stMetric"]) > [data-testid="stColumn"] {
    flex: 1 1 28% !important; min-width: 28% !important; width: auto !important; }
  [data-testid="stMetricValue"] { font-size: 1.6rem; }
}
@media (min-width: 641px) { [class*="st-key-phone_"] { display: none; } }
.fact-card { border-bottom: 1px solid #e6e6e6; padding: .55rem 0; line-height: 1.6; }
.fact-meta { color: #666; font-size: .85rem; }
.fact-quote { margin: .15rem 0; }
.fact-card a { font-size: .85rem; overflow-wrap: anywhere; }
.fact-more { color: #666; font-size: .85rem; padding: .5rem 0; }
/* the file uploader's own words are English (Drag and drop, Browse files, 200MB per file): the upload
   page says what it takes in Chinese, and its button reads 选择文件 */
[data-testid="stFileUploaderDropzoneInstructions"] { display: none; }
[data-testid="stFileUploaderDropzone"] button [data-testid="stMarkdownContainer"] { display: none; }
[data-testid="stFileUploaderDropzone"] button [data-has-shortcut]::after { content: "选择文件"; }
</style>""")

db = queries.db_path()
with st.sidebar:
    # Kept in plain session state (not a widget key) so every page, and tests, read and set one value.
    st.session_state["as_of"] = st.date_input(
        "基准日期", value=st.session_state.get("as_of", dt.date.today()),
        help="倒计时、逾期和进度都按这一天计算；可选其他日期提前规划。")
    st.caption(f"数据库：{db.name}", help="可用环境变量 TRACKER_DB 指定")  # never its path on the server
    try:
        info = queries.build_info(db)
    except queries.DatabaseMissing:
        info = None
    if info:
        built = info["finished_at"]
        st.caption(f"{info['documents']} 份简报 · {info['articles']} 篇文章 · {info['facts']} 条事实"
                   + (f"<br>构建于 {built:%Y-%m-%d %H:%M}" if built is not None else ""), unsafe_allow_html=True)
        rejected = info["rejected"]
        if rejected:  # everyone should know some bulletins are missing, not only whoever uploaded them
            st.warning(f"最近一次构建有 {rejected} 个文件未能导入。", icon=":material/warning:")
            st.page_link("views/documents.py", label="查看未能导入的文件", icon=":material/description:",
                         query_params={"rejected": "1"})

if info is None:
    st.error(f"找不到数据库 {db.name}（或文件无法读取）。请先在项目根目录运行下面的命令构建数据库，然后刷新本页：")
    st.code(queries.BUILD_COMMAND, language="bash")
    st.caption("也可以设置环境变量 TRACKER_DB 指向已有的数据库文件。")
    st.stop()

try:
    page.run()
except Exception:  # a fault in a page: visitors read a Chinese apology, never an exception's text or a path
    logging.getLogger("tracker").exception("page %s failed", page.url_path)
    st.error("这个页面暂时出错了，请稍后刷新重试。问题已记入服务器日志。", icon=":material/error:")
    if os.environ.get("TRACKER_SHOW_ERRORS"):  # tests/conftest.py: the tests see the exception itself
        raise
