"""Every page on the seeds as of 2026-12-07 (the day issue 20 was filed), in headless Chromium at a
desk's width (1400 px) and a phone's (390 px), signed in as staff: screenshots of each for a person to
look at (data/screenshots/desk-*.png and phone-*.png, or $DASHBOARD_SCREENSHOT_DIR; kept out of git),
and what a phone user needs checked: nothing wider than the screen, lists as cards with the whole
quote and its source, long addresses wrapped; the timeline's first screen names the 2027 零碳工厂
milestones; no English Select all."""
from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from pipeline.ledger import corrections, users
from e2e_helpers import CHROMIUM, launch_chromium, open_page, running_app, set_as_of, settle

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium")

SCREENSHOTS = Path(os.environ.get("DASHBOARD_SCREENSHOT_DIR", "data/screenshots"))
AS_OF = dt.date(2026, 12, 7)
DESK, PHONE = {"width": 1400, "height": 900}, {"width": 390, "height": 844}
PASSWORD = "屏幕-2026-pw"
ENGLISH = ["Select all", "Upload", "Drag and drop", "per file", "Browse files", "No results"]  # Streamlit's own words
PAGES = ["概览", "时间线", "截止事项", "目标", "部门", "文档", "搜索", "日历订阅", "群聊提醒", "进度", "上传", "待复核"]
NAMES = {"概览": "overview", "时间线": "timeline", "截止事项": "deadlines", "目标": "targets", "部门": "agencies",
         "文档": "documents", "搜索": "search", "日历订阅": "calendar", "群聊提醒": "reminders", "进度": "progress",
         "上传": "upload",
         "待复核": "review"}


@pytest.fixture(scope="module")
def staff_page(seed_db, tmp_path_factory):
    """The app on a copy of the seeds database (with a staff account), one tab signed in, as of 2026-12-07."""
    db = tmp_path_factory.mktemp("screens") / "tracker.duckdb"
    shutil.copy(seed_db, db)
    users.add(corrections.store_path(db), "张三", PASSWORD)
    with running_app(db, timeout=60) as url, sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport=DESK)
            page.goto(url)
            page.get_by_text("7天内到期").wait_for(timeout=60_000)
            set_as_of(page, AS_OF)
            open_page(page, "待复核")
            page.get_by_label("账号").fill("张三")
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.get_by_text("已登录为员工：张三").wait_for(timeout=30_000)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            yield page
        finally:
            browser.close()


def at_width(page, size: dict) -> None:
    page.set_viewport_size(size)
    settle(page, 1500)  # grids repaint and charts lay out again at the new width


def shoot(page, name: str) -> None:
    """The first screen as the visitor sees it, then the whole page (the window made as tall as the
    content: Streamlit scrolls inside its main container)."""
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    size = page.viewport_size
    height = page.evaluate("""() => Math.max(...[...document.querySelectorAll('[data-testid="stMain"], '
                           + '[data-testid="stMain"] *')].map(e => e.scrollHeight))""")
    page.set_viewport_size({"width": size["width"], "height": min(max(size["height"], height + 40), 8000)})
    settle(page, 800)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-full.png"))
    page.set_viewport_size(size)
    settle(page, 600)


def overflow(page) -> list[str]:
    """What is wider than the phone's screen: the page itself, or a code block that needs a sideways swipe."""
    return page.evaluate("""() => {
        const wide = [];
        if (document.documentElement.scrollWidth > window.innerWidth + 1) wide.push('page');
        const main = document.querySelector('[data-testid="stMain"]');
        if (main && main.scrollWidth > main.clientWidth + 1) wide.push('main');
        document.querySelectorAll('[data-testid="stCode"] pre').forEach(
            e => { if (e.scrollWidth > e.clientWidth + 1) wide.push('code: ' + e.innerText.slice(0, 40)); });
        return wide; }""")


@pytest.mark.parametrize("title", PAGES)
def test_every_page_at_a_desk_and_on_a_phone(staff_page, title):
    page = staff_page
    at_width(page, DESK)
    open_page(page, title)
    main = page.locator('[data-testid="stMain"]')
    assert not page.locator('[data-testid="stException"]').count() and "Traceback" not in main.inner_text()
    shoot(page, f"desk-{NAMES[title]}")
    at_width(page, PHONE)
    assert overflow(page) == [], title
    shoot(page, f"phone-{NAMES[title]}")
    text = main.inner_text()
    assert not [word for word in ENGLISH if word in text] and "Traceback" not in text
    if page.locator(".fact-card").count():  # a list: cards on the phone, never the one-line grid
        assert page.locator(".fact-card").first.is_visible()
        assert not page.locator('[class*="st-key-desk_"] [data-testid="stDataFrame"]').first.is_visible()
    at_width(page, DESK)


@pytest.mark.parametrize("size", [DESK, PHONE], ids=["desk", "phone"])
def test_the_timelines_first_screen_names_the_2027_zero_carbon_factories(staff_page, size):
    page = staff_page
    at_width(page, DESK)
    open_page(page, "时间线")
    at_width(page, size)
    label = page.locator(".annotation-text").filter(has_text="零碳工厂").first
    label.wait_for(timeout=30_000)
    box = label.bounding_box()
    assert box is not None and 0 <= box["y"] and box["y"] + box["height"] <= size["height"], box
    # the chart opens on what is coming: the first mark falls on or after the as-of date
    marks = page.locator(".scatterlayer .point")
    assert marks.count() and "基准日 2026-12-07" in " ".join(page.locator(".annotation-text").all_text_contents())
    page.screenshot(path=str(SCREENSHOTS / f"timeline-first-screen-{size['width']}.png"))
    at_width(page, DESK)


def test_filters_offer_no_english_select_all(staff_page):
    page = staff_page
    at_width(page, DESK)
    open_page(page, "截止事项")
    chooser = page.locator('[data-testid="stMultiSelect"]').first
    if not chooser.is_visible():
        page.locator('[data-testid="stExpander"] summary').filter(has_text="筛选").first.click()
        chooser.wait_for(state="visible", timeout=10_000)
    settle(page)
    listbox = page.locator('[role="listbox"]').first
    for _ in range(3):  # a click while the page still settles may only focus the box
        chooser.locator("input").first.click()
        try:
            listbox.wait_for(timeout=5_000)
            break
        except sync_api.TimeoutError:
            page.keyboard.press("Escape")
    page.wait_for_timeout(500)
    options = listbox.inner_text()
    assert "工业和信息化部" in options and "Select all" not in options and "Select all" not in page.content(), options
    page.keyboard.press("Escape")
