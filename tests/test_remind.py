"""Group-chat reminders (pipeline/remind.py) against the seeds: a local HTTP server the test starts
receives Apprise's json:// posts (content, once per stage, staff statuses and corrections applied, a
failing channel named and retried); the DingTalk, WeCom and Feishu payloads are read off Apprise's
own HTTP call, intercepted, so no test reaches the internet."""
from __future__ import annotations

import base64
import datetime as dt
import hashlib
import hmac
import http.server
import json
import shutil
import threading
import urllib.parse
from pathlib import Path

import duckdb
import pytest

from e2e_helpers import free_port
from pipeline import remind
from pipeline.__main__ import main
from pipeline.ledger import corrections, progress, reminders

pytestmark = pytest.mark.usefixtures("ledger_backend")  # every test against both stores

AS_OF = "2026-05-25"


class Hook(http.server.ThreadingHTTPServer):
    """A webhook endpoint: keeps every JSON body posted to it; answers 500 on the paths in `broken`."""

    def __init__(self):
        self.posts: list[tuple[str, dict]] = []
        self.broken: set[str] = set()

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(handler):
                body = json.loads(handler.rfile.read(int(handler.headers["Content-Length"])))
                failing = handler.path in self.broken
                if not failing:
                    self.posts.append((handler.path, body))
                handler.send_response(500 if failing else 200)
                handler.end_headers()

            def log_message(handler, *args):
                pass

        super().__init__(("127.0.0.1", free_port()), Handler)

    def url(self, path: str = "/hook") -> str:
        return f"json://127.0.0.1:{self.server_port}{path}"


@pytest.fixture
def hook():
    server = Hook()
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def db(seed_db, tmp_path, monkeypatch) -> Path:
    """The seeds' database in a folder of its own: the reminders log and statuses go beside it."""
    monkeypatch.chdir(tmp_path)  # no .streamlit/secrets.toml here
    monkeypatch.delenv("TRACKER_NOTIFY", raising=False)
    monkeypatch.delenv("TRACKER_APP_URL", raising=False)
    target = tmp_path / "tracker.duckdb"
    shutil.copy(seed_db, target)
    return target


def deadline_of(db: Path, day: str) -> dict:
    with duckdb.connect(str(db), read_only=True) as con:
        cursor = con.execute("SELECT * FROM fact_details WHERE kind = 'deadline' AND due_date = ?::DATE "
                             "AND (is_group_head OR group_id IS NULL)", [day])
        names = [c[0] for c in cursor.description]
        rows = [dict(zip(names, row)) for row in cursor.fetchall()]
    assert len(rows) == 1, rows
    return rows[0]


def remind_cli(db: Path, as_of: str, *urls: str, resend: bool = False) -> int:
    args = ["remind", "--db", str(db), "--as-of", as_of] + [a for url in urls for a in ("--notify", url)]
    return main(args + (["--resend"] if resend else []))


def test_one_message_names_the_deadline_once_and_a_closed_one_is_not_overdue(db, hook, capsys):
    fact = deadline_of(db, "2026-05-30")
    assert remind_cli(db, AS_OF, hook.url()) == 0
    assert len(hook.posts) == 1
    path, body = hook.posts[0]
    assert path == "/hook" and body["title"] == "政策截止提醒 · 5月25日"
    message = body["message"]
    assert "**7天内截止 2 项**" in message
    line = next(line for line in message.splitlines() if fact["id"] in line)
    assert line.startswith("- 5月30日（周六） 还剩5天：")
    assert "工业和信息化部" in line and f"[查看](http://localhost:8501/documents?fact={fact['id']})" in line
    assert "已过截止日 2 项" in message  # the seeds' two February deadlines nobody marked
    assert len((body["title"] + message).encode()) <= remind.MESSAGE_BYTES

    assert remind_cli(db, AS_OF, hook.url()) == 0  # a cron that runs again sends nothing new
    assert len(hook.posts) == 1
    assert "nothing new to send" in capsys.readouterr().out

    assert remind_cli(db, AS_OF, hook.url(), resend=True) == 0
    assert len(hook.posts) == 2 and hook.posts[1][1]["message"] == message

    assert remind_cli(db, "2026-05-29", hook.url()) == 0  # the next stage: one day before
    tomorrow = hook.posts[2][1]["message"]
    assert tomorrow.startswith("**1天内截止 1 项**") and fact["id"] in tomorrow and "明天截止" in tomorrow
    assert "已过截止日" not in tomorrow  # the February ones were announced already

    progress.record(progress.default_progress_path(db), fact["id"], "秘书处", status="已提交")
    assert remind_cli(db, "2026-05-31", hook.url()) == 0
    assert len(hook.posts) == 4  # the yearly 5月31日 deadline, due today; the submitted one is not overdue
    assert fact["id"] not in hook.posts[3][1]["message"] and "已过截止日" not in hook.posts[3][1]["message"]


def test_an_open_deadline_is_announced_overdue_once(db, hook):
    fact = deadline_of(db, "2026-05-30")
    assert remind_cli(db, "2026-05-31", hook.url()) == 0
    message = hook.posts[-1][1]["message"]
    assert "**已过截止日 3 项**" in message
    assert next(line for line in message.splitlines() if fact["id"] in line).startswith("- 5月30日（周六） 逾期1天：")
    assert remind_cli(db, "2026-06-01", hook.url()) == 0
    assert len(hook.posts) == 1


def test_corrections_apply_as_on_every_page(db, hook):
    fact = deadline_of(db, "2026-05-30")
    store_db = corrections.store_path(db)
    corrections.edit(store_db, fact["id"], fact, "审核员", {**corrections.fields_of(fact), "due_date": "2026-05-26"})
    assert remind_cli(db, AS_OF, hook.url()) == 0
    message = hook.posts[0][1]["message"]
    assert next(line for line in message.splitlines() if fact["id"] in line).startswith("- 5月26日（周二） 明天截止：")

    corrections.reject(store_db, fact["id"], fact, "审核员", "not_a_goal")
    assert remind_cli(db, "2026-05-27", hook.url()) == 0  # rejected: no longer a deadline, never overdue
    assert all(fact["id"] not in body["message"] for _, body in hook.posts[1:])


def test_a_failing_channel_is_named_does_not_stop_the_others_and_is_retried(db, hook, capsys):
    hook.broken.add("/broken")
    assert remind_cli(db, AS_OF, hook.url("/broken"), hook.url("/fine")) == 1
    err = capsys.readouterr().err
    assert f"error: JSON json://127.0.0.1:{hook.server_port}/…: not sent" in err and "500" in err
    assert [path for path, _ in hook.posts] == ["/fine"]

    hook.broken.clear()
    assert remind_cli(db, AS_OF, hook.url("/broken"), hook.url("/fine")) == 0
    assert [path for path, _ in hook.posts] == ["/fine", "/broken"]
    assert hook.posts[1][1]["message"] == hook.posts[0][1]["message"]

    sends = reminders.recent_sends(progress.default_progress_path(db))
    assert list(sends["sent"]) == [True, True, False]
    assert "500" in sends["reason"].iloc[-1] and sends["stages"].iloc[-1] == "7天内截止 2、已过截止日 2"
    assert "hook" not in "".join(sends["channel_label"])  # the path may be a token: masked


def test_urls_are_never_printed_in_full(db, hook, capsys, monkeypatch):
    secret_path = hook.url("/T0SECRET/B0SECRET/xoxSECRETTOKEN")
    wecom = "wecombot://WECOMKEYSECRET0123"  # its post fails (no network): the reason must not quote the key
    monkeypatch.setattr("requests.post", lambda *a, **k: (_ for _ in ()).throw(OSError("network unreachable")))
    assert remind_cli(db, AS_OF, secret_path, wecom, "nosuchservice://KEYSECRET999") == 1
    printed = "".join(capsys.readouterr())
    assert "wecombot://W...3/" in printed and "nosuchservice://…（无法识别）" in printed
    for secret in ("SECRET", "WECOMKEY"):
        assert secret not in printed
    labels = reminders.recent_sends(progress.default_progress_path(db))[["channel_label", "reason"]]
    assert "SECRET" not in labels.to_string()


def test_channels_come_from_the_option_the_environment_or_the_secrets_file(tmp_path):
    secrets = tmp_path / "secrets.toml"
    secrets.write_text('[notify]\nurls = ["dingtalk://sec@token1", "feishu://hookid"]\n', encoding="utf-8")
    env = {"TRACKER_NOTIFY": "wecombot://k1 json://h/x, json://h/y"}
    assert remind.configured_urls(["json://a/b"], env, secrets) == (["json://a/b"], "--notify")
    assert remind.configured_urls(None, env, secrets) == (["wecombot://k1", "json://h/x", "json://h/y"], "TRACKER_NOTIFY")
    assert remind.configured_urls(None, {}, secrets)[0] == ["dingtalk://sec@token1", "feishu://hookid"]
    assert remind.configured_urls(None, {}, tmp_path / "none.toml") == ([], "")
    secrets.write_text("[notify\n", encoding="utf-8")
    with pytest.raises(remind.NotifySettingsError, match="secrets.toml"):
        remind.configured_urls(None, {}, secrets)


def test_no_channel_is_a_usage_error(db, capsys):
    assert remind_cli(db, AS_OF) == 2
    assert "TRACKER_NOTIFY" in capsys.readouterr().err


class Intercepted:
    """requests.post as Apprise's plugins call it, recorded and answered 200 with errcode 0."""

    def __init__(self):
        self.calls: list[dict] = []

    def __call__(self, url, data=None, headers=None, params=None, **kwargs):
        self.calls.append({"url": url, "params": params, "body": json.loads(data)})

        class Answer:
            status_code = 200
            content = b'{"errcode": 0, "code": 0}'

            def json(self):
                return {"errcode": 0, "code": 0}
        return Answer()


@pytest.fixture
def intercepted(monkeypatch) -> Intercepted:
    calls = Intercepted()
    monkeypatch.setattr("requests.post", calls)
    return calls


def test_dingtalk_posts_signed_markdown(db, intercepted):
    fact = deadline_of(db, "2026-05-30")
    before = int(dt.datetime.now().timestamp() * 1000)
    assert remind_cli(db, AS_OF, "dingtalk://SECabc123@tokenxyz789") == 0
    (call,) = intercepted.calls
    assert call["url"] == "https://oapi.dingtalk.com/robot/send?access_token=tokenxyz789"
    stamp = call["params"]["timestamp"]
    assert before <= int(stamp) <= int(dt.datetime.now().timestamp() * 1000)
    digest = hmac.new(b"SECabc123", f"{stamp}\nSECabc123".encode(), hashlib.sha256).digest()
    assert call["params"]["sign"] == urllib.parse.quote(base64.b64encode(digest), safe="")
    assert call["body"]["msgtype"] == "markdown"
    text = call["body"]["markdown"]["text"]
    assert text.startswith("# 政策截止提醒 · 5月25日\n**7天内截止 2 项**")
    assert f"5月30日（周六） 还剩5天" in text and f"documents?fact={fact['id']})" in text


def test_wecom_posts_plain_text_within_its_limit(db, intercepted):
    """Apprise's WeCom robot posts msgtype text (it has no markdown), so WeCom gets the text form:
    no markdown marks, each link on its own line, under WeCom's 2,048 bytes."""
    fact = deadline_of(db, "2026-05-30")
    assert remind_cli(db, AS_OF, "wecombot://WECOMKEY0123") == 0
    (call,) = intercepted.calls
    assert call["url"] == "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=WECOMKEY0123"
    assert call["body"]["msgtype"] == "text"
    content = call["body"]["text"]["content"]
    assert content.startswith("政策截止提醒 · 5月25日\r\n【7天内截止 2 项】\n· 5月30日（周六） 还剩5天：")
    assert f"\n  http://localhost:8501/documents?fact={fact['id']}\n" in content
    assert "**" not in content and "](" not in content
    assert len(content.encode()) <= 2048


def test_feishu_posts_a_markdown_card(db, intercepted, monkeypatch):
    monkeypatch.setenv("TRACKER_APP_URL", "https://tracker.assoc.org.cn/")
    assert remind_cli(db, AS_OF, "feishu://hook-id-0123") == 0
    (call,) = intercepted.calls
    assert call["body"]["msg_type"] == "interactive"
    assert call["body"]["card"]["header"]["title"]["content"] == "政策截止提醒 · 5月25日"
    content = call["body"]["card"]["elements"][0]["text"]["content"]
    assert "[查看](https://tracker.assoc.org.cn/documents?fact=" in content


def test_many_deadlines_are_grouped_to_fit_a_phone():
    as_of = dt.date(2026, 5, 25)
    agencies = ["工业和信息化部", "财政部", "国家数据局"]
    due = [remind.Reminder(f"f{n:03d}", as_of + dt.timedelta(days=2 + n % 5), "7d", 2 + n % 5,
                           "编制行动实施方案并函送主管部门备案" + str(n), agencies[n % 3], "a.txt", n) for n in range(40)]
    due += [remind.Reminder(f"o{n:03d}", as_of - dt.timedelta(days=1 + n), "overdue", -1 - n, "报送材料",
                            agencies[0], "b.txt", n) for n in range(15)]
    for markdown in (True, False):
        title, body = remind.compose(due, as_of, markdown)
        assert len((title + body).encode()) <= remind.MESSAGE_BYTES
        assert "7天内截止 40 项" in body and "已过截止日 15 项" in body
        assert "另有" in body and "/deadlines?scope=due_7" in body and "/deadlines?scope=overdue" in body
        listed = [line for line in body.splitlines() if line.startswith(("- ", "· "))]
        assert 2 <= len(listed) <= 2 * remind.LISTED_PER_STAGE
    overdue = body.split("【已过截止日 15 项】\n", 1)[1]
    assert "截止" in remind.compose(due[40:], as_of, True)[1]  # 钉钉/飞书 keyword security: in every body
    assert overdue.startswith("· 5月24日（周日） 逾期1天")  # the most recently overdue first


def test_the_page_shows_channels_masked_and_the_last_sends(db, hook, monkeypatch):
    from streamlit.testing.v1 import AppTest

    hook.broken.add("/broken")
    assert remind_cli(db, AS_OF, hook.url("/fine"), hook.url("/broken")) == 1
    monkeypatch.setenv("TRACKER_DB", str(db))
    monkeypatch.setenv("TRACKER_NOTIFY", "dingtalk://SECabc123@tokenxyz789 wecombot://WECOMKEY0123")
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "dashboard" / "app.py"), default_timeout=60)
    at.run()
    at.switch_page("views/reminders.py").run()
    assert not at.exception, at.exception
    channels, sends = (frame.value for frame in at.dataframe)
    assert list(channels["service"]) == ["DingTalk", "WeCom Bot"]
    assert list(channels["address"]) == ["dingtalk://****@t...9/", "wecombot://W...3/"]
    assert "TRACKER_NOTIFY" in at.caption[1].value
    assert list(sends["stages"]) == ["7天内截止 2、已过截止日 2"] * 2
    assert sorted(sends["sent"].str[:3]) == ["失败：", "已送达"]
    page_text = channels.to_string() + sends.to_string() + "".join(c.value for c in at.caption)
    assert "tokenxyz789" not in page_text and "WECOMKEY0123" not in page_text and "/broken" not in page_text
