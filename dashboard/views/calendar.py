"""日历订阅: the calendar feeds every build writes (pipeline/feeds.py), with the address staff paste
into Outlook, Apple Calendar or another calendar app once; the app serves them as text/calendar."""
from __future__ import annotations

import datetime as dt
from urllib.parse import urlsplit

import pandas as pd
import streamlit as st

from dashboard import queries
from dashboard.views import _shared as ui
from pipeline import feeds

st.title("日历订阅")
index = feeds.read_index(feeds.SERVED_DIR)
if index is None:
    st.info("还没有日历文件。它们在每次构建数据库时生成，构建一次即可：")
    st.code(queries.BUILD_COMMAND, language="bash", wrap_lines=True)
    st.stop()

# The address this browser reached the app at, so what staff copy works from where they are.
page = urlsplit(st.context.url or feeds.app_url(feeds.SERVED_DIR))
opened_at = f"{page.scheme}://{page.netloc}"
base = f"{opened_at}/{feeds.SERVED_URL_PATH}"
written = dt.datetime.fromisoformat(index["written_at"]).astimezone()
st.caption(f"订阅一次，之后每次构建（最近一次 {written:%Y-%m-%d %H:%M}）的新事项、改动和进度都会自动出现在您的日历中。"
           "每项提前 7 天和 1 天提醒；已提交的事项标为【已提交】，不再提醒；周期性事项（如每年2月底前）按规则重复。")
if index.get("database_key") != feeds.database_key(ui.db()):
    other = index.get("database") + ("（另一位置的同名文件）" if index.get("database") == ui.db().name else "")
    st.warning(f"这些日历来自数据库 {other}，而不是本应用正在读取的 {ui.db().name}。"
               "日历只为项目默认数据库（data/tracker.duckdb）发布到这里。")
linked_to = index.get("app_url") or feeds.DEFAULT_APP_URL
if linked_to.rstrip("/") != opened_at:
    st.warning(f"日历事项中的链接指向 `{linked_to}`，而您是从 `{opened_at}` 打开本页的：订阅后点开事项可能打不开。"
               f"请把环境变量 TRACKER_APP_URL 设为 `{opened_at}` 后重新启动应用（make run 和 make serve "
               "会自动设为它们提供服务的地址），日历会随之重写。", icon=":material/link_off:")

every, *by_agency = index["feeds"]
st.subheader(f"全部截止事项（{every['events']} 项）")
# the block's copy button copies the address; wrapped, so a phone shows all of it
st.code(f"{base}/{every['file']}", language=None, wrap_lines=True)

st.subheader("按部门订阅")
if by_agency:
    names = {feed["agency"]: feed for feed in by_agency}
    agency = st.selectbox("部门", list(names), format_func=lambda name: f"{name}（{names[name]['events']} 项）",
                          key="calendar_agency")
    st.code(f"{base}/{names[agency]['file']}", language=None, wrap_lines=True)
    with st.expander(f"全部 {len(by_agency)} 个部门的地址"):
        st.dataframe(pd.DataFrame({"部门": [f["agency"] for f in by_agency], "事项": [f["events"] for f in by_agency],
                                   "订阅地址": [f"{base}/{f['file']}" for f in by_agency]}),
                     hide_index=True, width="stretch")
else:
    st.caption("当前没有注明部门的截止事项。")

st.subheader("如何订阅")
st.markdown(
    "- **Outlook**：日历 → 添加日历 → 从 Internet 订阅，粘贴地址（经典版：文件 → 帐户设置 → Internet 日历 → 新建）。\n"
    "- **Apple 日历**：文件 → 新建日历订阅…，粘贴地址（iPhone：设置 → 日历 → 帐户 → 添加帐户 → 其他 → 添加已订阅的日历）。\n"
    "- **钉钉 / 企业微信**：若日历的“添加日历”中有按网址订阅，粘贴地址；没有时在“截止事项”页下载 .ics 导入"
    "（导入的日程不会随构建更新）。")
st.caption(f"地址里的 {page.netloc} 必须是日历软件能访问到的地址：localhost 只在运行本应用的电脑上有效，"
           "团队使用时请用服务器的地址打开本页再复制（并设置环境变量 TRACKER_APP_URL，事项中的链接才会指向服务器）。"
           "云端日历（如 Outlook 网页版）需要能从互联网访问该地址。")
st.page_link("views/reminders.py", label="在工作群里接收截止提醒（群聊提醒）", icon=":material/forum:")
