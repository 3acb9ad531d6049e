"""Several app processes on one database (make serve): staff saving from two app processes at once
lose nothing (on one embedded store, or on PostgreSQL from two copies of the facts database), and
nginx keeps each browser on one process (its websocket session, downloads and uploads live there)
while spreading browsers over the processes."""
from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import subprocess
import sys
import urllib.request
from pathlib import Path

import duckdb
import pytest

from dashboard.serve import ROUTE_COOKIE, Cluster, nginx_binary
from pipeline.ledger import progress, users
from pipeline.ledger.store import default_progress_path
from e2e_helpers import free_port, make_fixture_db

ROOT = Path(__file__).resolve().parents[1]
APP = str(ROOT / "dashboard" / "app.py")
PASSWORD = "两个进程-password"
SAVES = 8  # per process

# One app process's staff member, through the 进度 page's own widgets (AppTest runs the page script
# in this process as the server runs it): sign in, then save a note on one deadline after another.
STAFF_WRITER = """
import json, sys
from streamlit.testing.v1 import AppTest
app, tag, saves, fact_ids = sys.argv[1], sys.argv[2], int(sys.argv[3]), sys.argv[4:]
at = AppTest.from_file(app, default_timeout=120)
at.run()
at.switch_page("views/progress.py").run()
at.text_input(key="staff_sign_in_name").set_value(tag)
at.text_input(key="staff_sign_in_password").set_value(__import__("os").environ["TRACKER_STAFF_PASSWORD"])
next(b for b in at.button if b.label == "登录").click().run()
notes = []
for i in range(saves):
    fid = fact_ids[i % len(fact_ids)]
    at.selectbox(key="pick_deadline").set_value(fid).run()
    note = f"{tag} 第{i}次"
    at.text_area(key=f"note_{fid}").set_value(note)
    next(b for b in at.button if b.label == "保存").click().run()
    assert not at.exception, at.exception
    assert any("已保存" in s.value for s in at.success), [s.value for s in at.success]
    notes.append(note)
print(json.dumps(notes))
"""


def nginx_available() -> bool:
    try:
        nginx_binary()
        return True
    except SystemExit:
        return False


@pytest.fixture
def tracker(tmp_path, monkeypatch):
    """A database and two staff accounts (甲, 乙) in its app store, as `python -m dashboard users add` makes them."""
    db = make_fixture_db(tmp_path / "tracker.duckdb")
    monkeypatch.setenv("TRACKER_DB", str(db))
    monkeypatch.setenv("TRACKER_STAFF_PASSWORD", PASSWORD)  # the writers' password, read from the environment
    for name in ("甲", "乙"):
        users.add(default_progress_path(db), name, PASSWORD)
    return db


def deadline_ids(db: Path) -> list[str]:
    with contextlib.closing(duckdb.connect(str(db), read_only=True)) as con:
        return [r[0] for r in con.execute("SELECT id FROM facts WHERE kind IN ('deadline', 'relative') ORDER BY id")
                .fetchall()]


def test_staff_saving_from_two_app_processes_at_once_lose_nothing(ledger_backend, tracker, tmp_path):
    """On PostgreSQL the two are replicas as on two hosts: each reads its own copy of the facts database."""
    ids = deadline_ids(tracker)
    replica = tracker
    if ledger_backend != "embedded":
        (tmp_path / "host2").mkdir()
        replica = Path(shutil.copy2(tracker, tmp_path / "host2" / "tracker.duckdb"))
    writers = [subprocess.Popen([sys.executable, "-c", STAFF_WRITER, APP, tag, str(SAVES), *ids], cwd=ROOT,
                                env=dict(os.environ, TRACKER_DB=str(db)),
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
               for tag, db in (("甲", tracker), ("乙", replica))]
    notes = []
    for writer in writers:
        out, err = writer.communicate(timeout=600)
        assert writer.returncode == 0, err[-3000:]
        notes += json.loads(out.strip().splitlines()[-1])
    log = progress.history(progress.default_progress_path(tracker))
    assert sorted(log["note"].dropna()) == sorted(notes) and len(notes) == 2 * SAVES
    assert sorted(log["actor"]) == sorted(["甲"] * SAVES + ["乙"] * SAVES)


def get(url: str, cookie: str | None = None) -> tuple[int, str | None]:
    """Status and the route cookie nginx set (None when it set none)."""
    request = urllib.request.Request(url, headers={"Cookie": f"{ROUTE_COOKIE}={cookie}"} if cookie else {})
    with urllib.request.urlopen(request, timeout=30) as answer:
        set_cookie = answer.headers.get("Set-Cookie") or ""
        found = re.match(rf"{ROUTE_COOKIE}=([^;]+)", set_cookie)
        return answer.status, found.group(1) if found else None


@pytest.mark.skipif(not nginx_available(), reason="needs nginx (make setup installs it)")
def test_nginx_keeps_each_browser_on_one_process_and_spreads_browsers(tracker, tmp_path):
    port = free_port()
    with Cluster(2, port, "127.0.0.1", run_dir=tmp_path / "serve") as cluster:
        url = f"http://127.0.0.1:{port}"
        status, first = get(url + "/")
        assert status == 200 and first  # a new browser gets its route
        assert get(url + "/_stcore/health", first) == (200, None)  # a known browser keeps it
        browsers = [get(url + "/")[1] for _ in range(12)]
        for cookie in [first, *browsers]:
            for _ in range(3):
                get(url + "/_stcore/health", cookie)
        lines = (cluster.run_dir / "nginx-access.log").read_text().splitlines()
        by_cookie: dict[str, set[str]] = {}
        for line in lines:
            route, upstream = line.split(" ")[:2]
            by_cookie.setdefault(route, set()).add(upstream)
        assert all(len(by_cookie[c]) == 1 for c in [first, *browsers])  # each browser: one process
        assert len(set().union(*(by_cookie[c] for c in browsers))) == 2  # 12 browsers: both processes
