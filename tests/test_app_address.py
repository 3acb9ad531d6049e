"""Links that work where the app lives: `make run` / `make serve` give TRACKER_APP_URL the address they
serve on (unless set) and the feeds are rewritten when it changes; later builds and mails without the
variable keep that address; 日历订阅 warns when the feeds' links differ from where the page was opened;
the served index names no server path; a status saved on 进度 reaches the feeds at once."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import icalendar
from streamlit.testing.v1 import AppTest

from dashboard import auth
from dashboard.serve import wait_healthy
from e2e_helpers import AS_OF, free_port, make_fixture_db
from pipeline import feeds
from pipeline.build import run_build

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
PASSWORD = "地址-2026-pw"


def event_urls(folder: Path) -> list[str]:
    cal = icalendar.Calendar.from_ical((folder / feeds.ALL_FEED).read_bytes())
    return [str(event["URL"]) for event in cal.walk("VEVENT")]


def test_make_run_gives_the_feeds_the_address_it_serves_on(tmp_path):
    """`PORT=… make run` is `python -m dashboard.serve --processes 1 --port …`: with TRACKER_APP_URL
    unset, the feeds (written earlier with the default address) link to the port it serves on."""
    db = make_fixture_db(tmp_path / "tracker.duckdb")
    served = tmp_path / "served"
    env = {k: v for k, v in os.environ.items() if k != "TRACKER_APP_URL"}
    env.update(TRACKER_DB=str(db), TRACKER_FEEDS=str(served))
    subprocess.run([sys.executable, "-c", "from pipeline import feeds; import sys; feeds.refresh(sys.argv[1])", str(db)],
                   cwd=ROOT, env=env, check=True)
    assert event_urls(served) and all(u.startswith("http://localhost:8501/") for u in event_urls(served))

    port = free_port()
    app = subprocess.Popen([sys.executable, "-m", "dashboard.serve", "--processes", "1", "--port", str(port)],
                           cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                           start_new_session=True)
    try:
        wait_healthy(port, app)
        urls = event_urls(served)
        assert urls and all(u.startswith(f"http://localhost:{port}/documents?fact=") for u in urls), urls
        assert feeds.read_index(served)["app_url"] == f"http://localhost:{port}"
    finally:
        os.killpg(app.pid, signal.SIGTERM)
        app.wait(timeout=20)


def test_a_later_build_without_the_variable_keeps_the_served_address(input_copy, tmp_path, monkeypatch):
    """A cron build (no TRACKER_APP_URL) after `PORT=8611 make run` keeps the feeds' links on 8611."""
    db = tmp_path / "tracker.duckdb"
    monkeypatch.setenv("TRACKER_APP_URL", "http://localhost:8611")
    run_build(input_copy, db, full=True)
    monkeypatch.delenv("TRACKER_APP_URL")
    (input_copy / "new.txt").write_text("关于报送材料的通知\n请于2026年9月30日前报送工业和信息化部。\n", encoding="utf-8")
    run_build(input_copy, db)
    folder = feeds.feeds_dir(db)
    assert all(u.startswith("http://localhost:8611/") for u in event_urls(folder))
    assert feeds.app_url(folder) == "http://localhost:8611"
    monkeypatch.setenv("TRACKER_APP_URL", "https://tracker.example.org/")  # the variable always wins
    feeds.refresh(db)
    assert all(u.startswith("https://tracker.example.org/documents?fact=") for u in event_urls(folder))


def test_the_served_index_names_no_server_path(seed_db, tmp_path):
    folder = feeds.write_feeds(seed_db, tmp_path / "served")
    text = (folder / feeds.INDEX).read_text(encoding="utf-8")
    index = json.loads(text)
    assert str(seed_db.parent) not in text and str(ROOT) not in text and "/tmp" not in text
    assert index["database"] == seed_db.name and index["database_key"] == feeds.database_key(seed_db)


def test_the_calendar_page_warns_when_the_links_lead_elsewhere(seed_db, tmp_path, monkeypatch):
    monkeypatch.setenv("TRACKER_APP_URL", "http://localhost:8501")
    served = feeds.write_feeds(seed_db, tmp_path / "served")
    monkeypatch.setattr(feeds, "SERVED_DIR", served)
    monkeypatch.setenv("TRACKER_DB", str(seed_db))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("views/calendar.py").run()
    assert not at.exception and not at.warning  # opened where the links lead

    monkeypatch.setenv("TRACKER_APP_URL", "http://tracker.example.org:8611")  # the page is opened elsewhere
    at.run()
    (warning,) = at.warning
    assert "http://localhost:8501" in warning.value and "http://tracker.example.org:8611" in warning.value
    assert "TRACKER_APP_URL" in warning.value
    assert [c.value for c in at.code][0].startswith("http://tracker.example.org:8611/app/static/calendar/")


def test_a_status_saved_on_the_progress_page_reaches_the_feeds_at_once(tmp_path, monkeypatch):
    db = make_fixture_db(tmp_path / "tracker.duckdb")
    monkeypatch.setenv("TRACKER_DB", str(db))
    monkeypatch.setenv(auth.ENV_VAR, PASSWORD)
    monkeypatch.delenv("TRACKER_FEEDS", raising=False)
    folder = feeds.refresh(db)

    def summary(fact_id: str) -> str:
        cal = icalendar.Calendar.from_ical((folder / feeds.ALL_FEED).read_bytes())
        return next(str(e["SUMMARY"]) for e in cal.walk("VEVENT") if str(e["UID"]).startswith(fact_id + "@"))

    assert summary("f-0530").startswith("截止：")
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.session_state["as_of"] = AS_OF
    at.switch_page("views/progress.py").run()
    at.text_input(key="staff_sign_in_name").set_value("张三")
    at.text_input(key="staff_sign_in_password").set_value(PASSWORD)
    next(b for b in at.button if b.label == "登录").click().run()
    at.selectbox(key="pick_deadline").set_value("f-0530").run()
    at.selectbox(key="status_f-0530").set_value("已提交")
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception, at.exception
    assert summary("f-0530").startswith("【已提交】")  # no build in between
