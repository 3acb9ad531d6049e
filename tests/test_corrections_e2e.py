"""One correction end to end in headless Chromium: a staff member signs in with their account,
corrects a fact on the 文档 page, and the deadline list shows it marked as corrected."""
from __future__ import annotations

import os
from pathlib import Path

import pytest

from dashboard import queries
from pipeline.ledger import corrections, users
from e2e_helpers import CHROMIUM, grid_cells, launch_chromium, make_fixture_db, open_page, running_app, settle

sync_api = pytest.importorskip("playwright.sync_api")
PASSWORD = "复核-e2e-pw"
SCREENSHOT_DIR = Path(os.environ.get("PROGRESS_SCREENSHOT_DIR", "data/screenshots"))


def pick(page, label: str, option: str) -> None:
    """Open the visible Streamlit selectbox with this label and choose the option containing `option`."""
    page.locator('[data-testid="stSelectbox"]:visible').filter(has_text=label).click()
    page.get_by_role("option").filter(has_text=option).first.click()
    settle(page)


@pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium")
def test_staff_corrects_a_fact_and_every_list_shows_it(tmp_path):
    tracker = make_fixture_db(tmp_path / "tracker.duckdb")
    users.add(corrections.store_path(tracker), "张三", PASSWORD)
    with running_app(tracker) as url, sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1400, "height": 1100})
            page.goto(url)
            open_page(page, "待复核")
            page.get_by_label("账号").fill("张三")
            page.get_by_label("密码").fill(PASSWORD)
            page.get_by_role("button", name="登录").click()
            page.get_by_text("已登录为员工：张三").wait_for()

            open_page(page, "文档")
            pick(page, "简报", "智慧城市产业网简报")
            pick(page, "复核其中一条事实", "请于2026年4月30日前")
            page.get_by_text("修改字段").click()
            metric = page.get_by_label("事项（简短描述）").first  # the edit form (the add form is below)
            metric.fill("报送联系人名单")
            page.get_by_role("button", name="保存更正").click()
            page.get_by_text("已保存更正").wait_for(timeout=60_000)
            settle(page)
            SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
            page.screenshot(path=str(SCREENSHOT_DIR / "correction-documents.png"), full_page=True)

            open_page(page, "截止事项")
            cells = grid_cells(page)
            page.screenshot(path=str(SCREENSHOT_DIR / "correction-deadlines.png"), full_page=True)
            assert any("✎已更正" in cell and "第5行" in cell for cell in cells), cells
        finally:
            browser.close()

    entry = corrections.log(corrections.store_path(tracker)).iloc[-1]
    assert (entry["action"], entry["actor"], entry["fact_id"]) == ("edit", "张三", "f-0430")
    assert queries.fact(tracker, "f-0430")["metric"] == "报送联系人名单"
