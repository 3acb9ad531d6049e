"""One edit end to end in headless Chromium: sign in, mark a deadline 已提交, find it in progress.duckdb."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from dashboard import queries
from pipeline.ledger import progress, users
from e2e_helpers import make_fixture_db, running_app

sync_api = pytest.importorskip("playwright.sync_api")
CHROMIUM = "/usr/bin/chromium"
PASSWORD = "测试-pw-42"
SCREENSHOT_DIR = Path(os.environ.get("PROGRESS_SCREENSHOT_DIR", "data/screenshots"))


def pick(page, label: str, option: str) -> None:
    """Open the visible Streamlit selectbox with this label and choose the option containing `option`."""
    box = page.locator('[data-testid="stSelectbox"]:visible').filter(has_text=label)
    box.click()
    page.get_by_role("option").filter(has_text=option).first.click()


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium")
def test_staff_marks_a_deadline_submitted(tmp_path, monkeypatch):
    tracker = make_fixture_db(tmp_path / "tracker.duckdb")
    users.add(progress.default_progress_path(tracker), "张三", PASSWORD)  # his own account
    with running_app(tracker) as url, sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            "--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
            "--disable-background-networking"])
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1000})
            page.goto(url)  # through the app's navigation, as a visitor would
            page.get_by_role("link", name="进度").click()
            page.get_by_label("账号").fill("张三")
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.get_by_text("已登录为员工：张三").wait_for()

            pick(page, "选择要更新的事项", "2026年5月30日前函送")
            pick(page, "状态", "已提交")
            page.get_by_label("负责人").first.fill("李四")
            page.get_by_role("button", name="保存").click()
            page.get_by_text("已保存").wait_for()
            page.locator('[data-testid="stDataFrame"]:visible').first.wait_for()
            page.wait_for_timeout(1000)  # the grid paints its canvas after it is attached
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT_DIR / "progress.png"), full_page=True)
        finally:
            browser.close()

    state = queries.progress_state(tracker, progress.default_progress_path(tracker)).set_index("fact_id")
    assert state.loc["f-0530", "status"] == "已提交"
    assert state.loc["f-0530", "owner"] == "李四"
    assert state.loc["f-0530", "updated_by"] == "张三"
    assert state.loc["f-0530", "snapshot_quote"].startswith("并于2026年5月30日前")
    assert not state.loc["f-0530", "orphaned"]
