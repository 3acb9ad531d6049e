"""Links that always open, and the calendar feeds as a calendar client gets them: `streamlit run
dashboard/app.py` on the seeds; every page's own path and every kind of link the app prints (出处 and
the calendar events' fact links, the overview's list links) visited cold, in a fresh browser, each
saved as a screenshot; the feeds a build writes fetched over HTTP from the running app and parsed with
the icalendar library."""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import urllib.request
import uuid
from pathlib import Path

import duckdb
import icalendar
import pytest

from e2e_helpers import CHROMIUM, ROOT, launch_chromium, running_app, settle

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium")

SCREENSHOTS = Path(os.environ.get("DASHBOARD_SCREENSHOT_DIR", "data/screenshots"))


@pytest.fixture(scope="module")
def app(seed_db):
    with running_app(seed_db, timeout=60) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = launch_chromium(playwright)
        try:
            yield chromium
        finally:
            chromium.close()


def visit_cold(browser, url: str, shot: str):
    """Open url in a new browser context (no cookies, no session, no history), as a link pasted
    into a fresh browser or clicked in a calendar would; returns (page, context) once it has run."""
    context = browser.new_context(viewport={"width": 1300, "height": 900})
    page = context.new_page()
    page.goto(url)
    page.locator('[data-testid="stMain"] h1').first.wait_for(timeout=60_000)
    settle(page, 800)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"cold-{shot}.png"))
    assert page.get_by_text("Page not found").count() == 0, url
    return page, context


def focused_quotes(page) -> set[str]:
    """The quotes marked as the fact a link points to (the 文档 page outlines it in its line)."""
    page.get_by_text("链接指向的事实").first.wait_for(timeout=30_000)
    return set(page.locator('mark[style*="outline"]').all_inner_texts())


def test_every_page_answers_at_its_own_path(app, browser):
    page, context = visit_cold(browser, app + "/", "root")  # the root opens 概览 at its own path
    assert page.url == f"{app}/overview" and page.locator("h1").first.inner_text() == "概览"
    links = page.locator('[data-testid="stSidebarNav"] a')
    names = [text.split("\n")[-1].strip() for text in links.all_inner_texts()]  # after the icon's name
    pages = dict(zip(names, (links.nth(i).get_attribute("href") for i in range(links.count()))))
    context.close()
    assert {"概览", "截止事项", "文档", "日历订阅"} <= pages.keys()

    titles = {}
    for name, href in pages.items():  # every page the navigation lists, at the address it links to
        path = href.removeprefix(app).strip("/")
        assert path and "/" not in path, href
        page, context = visit_cold(browser, f"{app}/{path}", path)
        assert page.url == f"{app}/{path}"
        titles[path] = page.locator('[data-testid="stMain"] h1').first.inner_text()
        context.close()
    assert titles["overview"] == "概览" and titles["calendar"] == "日历订阅"
    assert len(set(titles.values())) == len(titles)  # each path its own page, none falling back to another


def test_printed_links_open_cold(app, browser, seed_db):
    with duckdb.connect(str(seed_db), read_only=True) as con:
        fact_id, doc_id, line, quote = con.execute(
            "SELECT id, doc_id, line, quote FROM facts WHERE kind = 'deadline' AND due_date = '2026-05-30'").fetchone()
    # 出处 (documents?fact=…, relative to the page it is printed on) and an event's link
    page, context = visit_cold(browser, f"{app}/documents?fact={fact_id}", "fact-link")
    assert focused_quotes(page) == {quote}
    context.close()
    # a search result's line link, and the overview's count links
    page, context = visit_cold(browser, f"{app}/documents?doc={doc_id}&line={line}", "line-link")
    assert page.get_by_text(quote[:12]).count() >= 1
    context.close()
    page, context = visit_cold(browser, f"{app}/deadlines?scope=overdue", "scope-link")
    assert page.get_by_role("radio", name="已逾期").is_checked()
    context.close()


def fetch(url: str) -> tuple[str, bytes]:
    with urllib.request.urlopen(url, timeout=30) as response:
        assert response.status == 200
        return response.headers["Content-Type"], response.read()


def build(input_dir: Path, db: Path, env: dict, *extra: str) -> None:
    subprocess.run([sys.executable, "-m", "pipeline", "build", "--input", str(input_dir), "--db", str(db),
                    "--quiet", *extra], cwd=ROOT, env=env, check=True, capture_output=True, timeout=300)


def test_feeds_over_http_from_the_running_app(app, browser, input_copy, tmp_path):
    # the build writes into the folder the app serves (a folder of this test's own, not the real feeds)
    served = ROOT / "dashboard" / "static" / f"test-{uuid.uuid4().hex[:8]}"
    env = dict(os.environ, TRACKER_FEEDS=str(served), TRACKER_APP_URL=app)
    db = tmp_path / "tracker.duckdb"
    try:
        build(input_copy, db, env)
        kind, body = fetch(f"{app}/app/static/{served.name}/all.ics")
        assert kind == "text/calendar; charset=utf-8"  # what calendar clients ask for
        events = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(body).walk("VEVENT")}
        with duckdb.connect(str(db), read_only=True) as con:
            dated = {r[0] for r in con.execute(
                "SELECT id FROM snapshot_facts WHERE kind = 'deadline' AND due_date IS NOT NULL").fetchall()}
        assert {f"{i}@policy-goal-tracker" for i in dated} <= events.keys()

        build(input_copy, db, env, "--full")  # a second build: the same events under the same UIDs
        again = {str(e["UID"]): e for e in icalendar.Calendar.from_ical(
            fetch(f"{app}/app/static/{served.name}/all.ics")[1]).walk("VEVENT")}
        assert again.keys() == events.keys()
        assert all(again[uid].decoded("DTSTART") == events[uid].decoded("DTSTART") for uid in events)

        # every agency feed listed in the index answers too
        listing = json.loads(fetch(f"{app}/app/static/{served.name}/index.json")[1])
        for feed in listing["feeds"][1:]:
            kind, body = fetch(f"{app}/app/static/{served.name}/{feed['file']}")
            assert kind.startswith("text/calendar")
            assert len(icalendar.Calendar.from_ical(body).walk("VEVENT")) == feed["events"]

        # an event's link opens its fact in a fresh browser
        event = next(e for e in events.values() if "函送工业和信息化部" in e["DESCRIPTION"])
        assert str(event["URL"]).startswith(f"{app}/documents?fact=")
        page, context = visit_cold(browser, str(event["URL"]), "event-link")
        assert focused_quotes(page) == {event["DESCRIPTION"].split("\n")[0].removeprefix("原文：")}
        context.close()
    finally:
        shutil.rmtree(served, ignore_errors=True)
