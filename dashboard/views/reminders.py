"""群聊提醒: the work-group robots `python -m pipeline remind` posts deadline reminders to (masked:
a robot's URL is its password) and the last messages it sent, so staff can see a channel that fails."""
from __future__ import annotations

from pathlib import Path

import streamlit as st

from dashboard import queries
from dashboard.views import _shared as ui
from pipeline import remind

st.title("群聊提醒")
st.caption("每天早上把 7 天内截止、1 天内截止和已逾期未办（未标记“已提交”或“不适用”）的事项发到工作群"
           "（企业微信、钉钉、飞书群机器人），每项写明日期、事项、部门和在本应用中的链接。"
           "同一事项在每个阶段只提醒一次；发送失败的会在下次运行时重发。")

st.subheader("已配置的群")
try:
    channels, source = queries.notify_channels()
except remind.NotifySettingsError as error:
    st.error(f"无法读取提醒设置：{error}")
    channels, source = None, ""
if channels is not None and channels.empty:
    st.info("还没有配置群机器人。在 .streamlit/secrets.toml 中加入（或设置环境变量 TRACKER_NOTIFY）：")
    st.code('[notify]\nurls = ["wecombot://机器人key", "dingtalk://加签密钥@access_token", "feishu://hook的token"]',
            language="toml", wrap_lines=True)
elif channels is not None:
    st.caption(f"来自 {source}；地址已隐藏关键部分（机器人地址等同密码）。")
    st.dataframe(channels.assign(recognised=channels["recognised"].map({True: "可用", False: "无法识别"})),
                 hide_index=True, width="stretch",
                 column_config={"service": "服务", "address": "地址", "recognised": "状态"})

st.subheader("最近发送")
sends = queries.reminder_sends(ui.db())
if sends.empty:
    st.caption("还没有发送记录。")
else:
    for _, failed in sends.drop_duplicates("channel_label").query("not sent").iterrows():  # each group's latest
        st.warning(f"{failed['channel_label']} 最近一次（{failed['sent_at']}）发送失败，下次运行时重发：{failed['reason']}")
    sends["sent"] = [("已送达" if ok else f"失败：{reason}") for ok, reason in zip(sends["sent"], sends["reason"])]
    st.dataframe(ui.for_display(sends[["sent_at", "channel_label", "sent", "stages", "titles", "as_of"]]),
                 hide_index=True, width="stretch",
                 column_config={"sent_at": "时间", "channel_label": "群", "sent": "结果", "stages": "阶段",
                                "titles": "事项", "as_of": "基准日期"})

st.subheader("每天自动发送")
st.caption("在服务器的 crontab 中加入一行（每天 8:30，在项目目录下运行；详见 README“群聊提醒”）：")
st.code(f"30 8 * * * cd {Path.cwd()} && .venv/bin/python -m pipeline remind --db {ui.db()} >> data/remind.log 2>&1",
        language="bash", wrap_lines=True)
