"""Staff sessions in headless Chromium, against the app as `make run` starts it: signed in once, still
signed in after a reload, in a new tab and on a followed 出处 link (the fact open with its review
tools, also after going back); signed in in place on 文档; 退出登录 in one tab signs out the other; a
removed account's open session ends at its next interaction; five wrong passwords on one app process
lock the account on a second process on the same store (the embedded file, or PostgreSQL with each
process on its own copy of the facts). And the cookie's endpoint itself."""
from __future__ import annotations

import os
import subprocess
import sys
import urllib.error
import urllib.request
from pathlib import Path

import pytest

from dashboard import auth
from dashboard.serve import Cluster, nginx_binary
from pipeline.ledger import corrections, sessions, users
from e2e_helpers import CHROMIUM, ROOT, free_port, grid_cells, launch_chromium, make_fixture_db, running_app, settle

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium")
PASSWORD = "会话-e2e-pw"
SIGNED_IN = "已登录为员工："
SCREENSHOT_DIR = Path(os.environ.get("PROGRESS_SCREENSHOT_DIR", "data/screenshots"))


@pytest.fixture(scope="module")
def tracker(tmp_path_factory):
    db = make_fixture_db(tmp_path_factory.mktemp("sessions") / "tracker.duckdb")
    for name in ("张三", "李四", "王五", "赵六"):
        users.add(corrections.store_path(db), name, PASSWORD)
    return db


@pytest.fixture(scope="module")
def app(tracker):
    with running_app(tracker) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        yield chromium
        chromium.close()


def visit(context, url: str, title: str):
    page = context.new_page()
    page.goto(url)
    page.locator("h1").filter(has_text=title).first.wait_for(timeout=60_000)
    settle(page)
    return page


def sign_in(page, name: str, password: str = PASSWORD) -> None:
    page.get_by_label("账号").fill(name)
    page.get_by_label("密码", exact=True).fill(password)
    page.get_by_role("button", name="登录").click()
    outcome = page.get_by_text(SIGNED_IN).or_(page.get_by_text(auth.WRONG)).or_(page.get_by_text("该账号已暂时锁定"))
    outcome.first.wait_for(timeout=60_000)
    settle(page)


def signed_in_as(page) -> str | None:
    shown = page.get_by_text(SIGNED_IN)
    return shown.first.inner_text().split("：")[1].split("（")[0] if shown.count() else None


def wait_for_cookie(context) -> dict:
    for _ in range(50):
        found = [c for c in context.cookies() if c["name"] == auth.COOKIE]
        if found:
            return found[0]
        context.pages[0].wait_for_timeout(100)
    raise AssertionError("the session cookie was never set")


def test_signed_in_once_stays_signed_in_across_reload_new_tab_and_a_followed_link(app, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    review = visit(context, f"{app}/review", "待复核")
    sign_in(review, "张三")
    assert signed_in_as(review) == "张三"
    cookie = wait_for_cookie(context)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and not cookie["secure"]  # plain http here

    review.reload()
    review.locator("h1").filter(has_text="待复核").wait_for()
    settle(review)
    assert signed_in_as(review) == "张三"
    progress = visit(context, f"{app}/progress", "进度")  # another page, in a new tab
    assert signed_in_as(progress) == "张三"

    # a 出处 link of the queue (what its cell links to, relative to the page), opened in a new tab
    link = next(c for c in grid_cells(review) if c.startswith("documents?fact="))  # the queue's first article
    target = link.split("#")[0]
    fact = visit(context, f"{app}/{target}", "文档")
    assert signed_in_as(fact) == "张三"
    assert fact.get_by_text("链接指向的事实", exact=True).count() == 1 and fact.get_by_role("button", name="确认无误").count() == 1
    fact.locator('[data-testid="stSidebarNav"]').get_by_role("link", name="截止事项").click()
    fact.locator("h1").filter(has_text="截止事项").wait_for()
    settle(fact)
    fact.go_back()  # the fact again, with its tools, not bulletin 1, article 1
    fact.locator("h1").filter(has_text="文档").wait_for()
    settle(fact)
    assert fact.url.endswith(target)
    assert fact.get_by_text("链接指向的事实", exact=True).count() == 1 and fact.get_by_role("button", name="确认无误").count() == 1
    context.close()


def test_staff_sign_in_in_place_on_a_linked_fact(app, browser):
    for width in (1400, 390):
        context = browser.new_context(viewport={"width": width, "height": 1000})
        page = visit(context, f"{app}/documents?fact=f-0525", "文档")
        assert page.get_by_role("button", name="确认无误").count() == 0  # a member: no tools
        SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOT_DIR / f"sessions-documents-member-{width}.png"), full_page=True)
        page.get_by_text("员工登录").first.click()
        sign_in(page, "李四")
        assert signed_in_as(page) == "李四" and page.url.endswith("documents?fact=f-0525")
        assert page.get_by_text("链接指向的事实", exact=True).count() == 1 and page.get_by_role("button", name="确认无误").count() == 1
        page.screenshot(path=str(SCREENSHOT_DIR / f"sessions-documents-staff-{width}.png"), full_page=True)
        wait_for_cookie(context)
        page.reload()
        page.locator("h1").filter(has_text="文档").wait_for()
        settle(page)
        assert signed_in_as(page) == "李四" and page.get_by_role("button", name="确认无误").count() == 1
        context.close()


def test_signing_out_in_one_tab_signs_out_the_other(app, browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    first = visit(context, f"{app}/progress", "进度")
    sign_in(first, "王五")
    wait_for_cookie(context)
    second = visit(context, f"{app}/review", "待复核")
    assert signed_in_as(second) == "王五"
    first.get_by_role("button", name="退出登录").click()
    settle(first)
    assert signed_in_as(first) is None
    second.locator('[data-testid="stRadio"]').get_by_text("更正记录", exact=True).click()  # its next interaction
    settle(second)
    assert signed_in_as(second) is None and second.get_by_text(auth.ENDED).count() == 1
    assert second.get_by_role("button", name="登录").count() == 1
    for _ in range(50):  # and the browser dropped the cookie: a new tab is signed out too
        if not [c for c in context.cookies() if c["name"] == auth.COOKIE]:
            break
        first.wait_for_timeout(100)
    assert signed_in_as(visit(context, f"{app}/review", "待复核")) is None
    context.close()


def test_a_removed_accounts_open_session_ends_at_its_next_interaction(app, browser, tracker):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    page = visit(context, f"{app}/documents?fact=f-0530", "文档")
    page.get_by_text("员工登录").first.click()
    sign_in(page, "赵六")
    assert page.get_by_role("button", name="确认无误").count() == 1
    subprocess.run([sys.executable, "-m", "dashboard", "--db", str(tracker), "users", "remove", "赵六"], cwd=ROOT,
                   check=True, capture_output=True)
    page.get_by_role("button", name="确认无误").click()  # too late: the account is gone
    settle(page)
    assert signed_in_as(page) is None and page.get_by_text(auth.ENDED).count() == 1
    assert page.get_by_role("button", name="确认无误").count() == 0
    assert "赵六" not in set(corrections.log(corrections.store_path(tracker))["actor"])
    context.close()


def _post(url: str, body: bytes, headers: dict, method: str = "POST"):
    request = urllib.request.Request(url, data=body, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:
            return answer.status, answer.headers.get_all("Set-Cookie") or []
    except urllib.error.HTTPError as refused:
        return refused.code, []


def test_the_cookie_endpoint(app, tracker):
    store_db = corrections.store_path(tracker)
    endpoint, origin = f"{app}{auth.COOKIE_ENDPOINT}", {"Origin": app}
    session_id, code = sessions.start(store_db, "张三")
    assert _post(endpoint, code.encode(), {"Origin": "http://elsewhere.example"})[0] == 403  # another site
    status, cookies = _post(endpoint, code.encode(), {**origin, "X-Forwarded-Proto": "https"})
    assert status == 204 and len(cookies) == 1
    token = cookies[0].split(";")[0].split("=", 1)[1]
    flags = {part.strip().lower() for part in cookies[0].split(";")[1:]}
    assert {"httponly", "secure", "samesite=lax", "path=/", f"max-age={int(sessions.LIFETIME.total_seconds())}"} <= flags
    assert sessions.by_token(store_db, token).session_id == session_id
    assert _post(endpoint, code.encode(), origin)[0] == 403  # the code worked once
    status, cookies = _post(endpoint, b"", {**origin, "Cookie": f"{auth.COOKIE}={token}"}, method="DELETE")
    assert status == 204 and "max-age=0" in cookies[0].lower()
    assert sessions.by_id(store_db, session_id) is None  # signing out ends the session, not only the cookie


def test_two_app_processes_on_one_store(tmp_path, browser, ledger_backend):
    """Five wrong passwords on one process lock the account on the other; a session started on one is
    signed in on the other (cookies are per host, not per port), and signing out there ends it here.
    On PostgreSQL the two are replicas as on two hosts: each reads its own copy of the facts database."""
    tracker = make_fixture_db(tmp_path / "tracker.duckdb")
    replica = tracker
    if ledger_backend != "embedded":
        (tmp_path / "host2").mkdir()
        replica = make_fixture_db(tmp_path / "host2" / "tracker.duckdb")
    store_db = corrections.store_path(tracker)
    users.add(store_db, "钱七", PASSWORD)
    users.add(store_db, "孙八", PASSWORD)
    with running_app(tracker) as one, running_app(replica) as other:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = visit(context, f"{one}/review", "待复核")
        for attempt in range(users.MAX_FAILURES):
            sign_in(page, "钱七", f"wrong-{attempt}")
            assert page.get_by_text(auth.WRONG).count() == 1
        elsewhere = visit(browser.new_context(), f"{other}/review", "待复核")
        sign_in(elsewhere, "钱七")  # the right password, on the other process
        assert elsewhere.get_by_text("该账号已暂时锁定").count() == 1 and signed_in_as(elsewhere) is None

        sign_in(page, "孙八")
        wait_for_cookie(context)
        there = visit(context, f"{other}/progress", "进度")
        assert signed_in_as(there) == "孙八"
        there.get_by_role("button", name="退出登录").click()
        settle(there)
        page.locator('[data-testid="stRadio"]').get_by_text("更正记录", exact=True).click()
        settle(page)
        assert signed_in_as(page) is None and page.get_by_text(auth.ENDED).count() == 1
        context.close()
    failed = users.failures(store_db, "钱七")
    assert [f["locked"] for f in failed] == [True] + [False] * users.MAX_FAILURES  # newest first
    assert {f["client"] for f in failed} == {"localhost"}  # Streamlit saw a browser on this machine
    locked = {a["name"]: a["locked_until"] for a in users.accounts(store_db)}
    assert locked["钱七"] is not None and locked["孙八"] is None  # and it outlives both processes


def _nginx() -> bool:
    try:
        return bool(nginx_binary())
    except SystemExit:
        return False


@pytest.mark.skipif(not _nginx(), reason="needs nginx (make setup installs it)")
def test_behind_make_serves_nginx(tmp_path, browser, monkeypatch):
    """Through nginx, a failure records the address nginx saw, and a TLS proxy in front that says so
    (X-Forwarded-Proto) makes the cookie Secure."""
    tracker = make_fixture_db(tmp_path / "tracker.duckdb")
    store_db = corrections.store_path(tracker)
    users.add(store_db, "周九", PASSWORD)
    monkeypatch.setenv("TRACKER_DB", str(tracker))
    port = free_port()
    with Cluster(1, port, "127.0.0.1", run_dir=tmp_path / "serve"):
        url = f"http://127.0.0.1:{port}"
        context = browser.new_context()
        page = visit(context, f"{url}/review", "待复核")
        sign_in(page, "周九", "wrong-password")
        assert users.failures(store_db, "周九")[0]["client"] == "127.0.0.1"
        sign_in(page, "周九")
        assert signed_in_as(page) == "周九" and not wait_for_cookie(context)["secure"]
        _, code = sessions.start(store_db, "周九")
        status, cookies = _post(f"{url}{auth.COOKIE_ENDPOINT}", code.encode(),
                                {"Origin": url, "X-Forwarded-Proto": "https"})
        assert status == 204 and "secure" in cookies[0].lower()
        context.close()
