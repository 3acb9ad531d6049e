"""The dashboard end to end: `streamlit run dashboard/app.py` on the seeds database, driven in
headless Chromium with Playwright. A secretariat user's path: plan from an as-of date, find the
2026-05-30 submission and the 2027 零碳工厂 milestone, follow a fact to its bulletin, line and
quote, put deadlines in a calendar (.ics). Every page is saved as a screenshot
(data/screenshots/*.png, or $DASHBOARD_SCREENSHOT_DIR) for a person to look at."""
from __future__ import annotations

import datetime as dt
import io
import os
import re
from pathlib import Path

import duckdb
import openpyxl
import pandas as pd
import pytest

from dashboard import queries
from e2e_helpers import (CHROMIUM, grid_cells, launch_chromium, metrics, open_page, running_app, set_as_of, settle,
                         type_keyword)
from test_exports import parse_ics

sync_api = pytest.importorskip("playwright.sync_api")
pytestmark = pytest.mark.skipif(not Path(CHROMIUM).exists(), reason="needs Debian chromium")

SCREENSHOTS = Path(os.environ.get("DASHBOARD_SCREENSHOT_DIR", "data/screenshots"))
AS_OF = dt.date(2026, 5, 20)
QUOTE_0530 = "并于2026年5月30日前函送工业和信息化部（科技司）"


@pytest.fixture(scope="module")
def seeds(seed_db) -> dict:
    """The seeds database and the facts the tests look for, read from it (not hard-coded ids)."""
    with duckdb.connect(str(seed_db), read_only=True) as con:
        row = con.execute("SELECT id, source_file, line FROM facts WHERE kind = 'deadline' AND due_date = '2026-05-30'"
                          " AND quote LIKE '%函送工业和信息化部%'").fetchone()
        zero = con.execute("SELECT id, source_file, line, quote FROM facts WHERE kind = 'milestone' "
                           "AND year(due_date) = 2027 AND quote LIKE '%零碳工厂%' ORDER BY line LIMIT 1").fetchone()
        title = con.execute("SELECT title FROM documents WHERE source_file = ?", [row[1]]).fetchone()[0]
    assert row and zero, "the seeds should hold the 2026-05-30 submission and the 2027 零碳工厂 milestone"
    return {"db": seed_db, "id_0530": row[0], "file_0530": row[1], "line_0530": row[2], "title_0530": title,
            "zero_file": zero[1], "zero_line": zero[2], "zero_quote": zero[3]}


@pytest.fixture(scope="module")
def browser_page(seeds):
    """The app on the seeds database in one browser tab, the as-of date set to 2026-05-20."""
    with running_app(seeds["db"], timeout=60) as url, sync_api.sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        try:
            page = browser.new_page(viewport={"width": 1440, "height": 1000}, accept_downloads=True)
            page.goto(url)
            page.get_by_text("7天内到期").wait_for(timeout=60_000)
            set_as_of(page, AS_OF)
            SCREENSHOTS.mkdir(parents=True, exist_ok=True)
            yield page, url
        finally:
            browser.close()


def shoot(page, name: str) -> None:
    """The whole page: Streamlit scrolls inside its main container, so the window is made as tall
    as the content for the picture, then put back."""
    settle(page, 1200)  # grids paint their canvas and plotly lays out after the run
    height = page.evaluate("""() => Math.max(...[...document.querySelectorAll('[data-testid="stMain"], '
                           + '[data-testid="stMain"] *')].map(e => e.scrollHeight))""")
    size = page.viewport_size
    page.set_viewport_size({"width": size["width"], "height": min(max(size["height"], height + 40), 8000)})
    settle(page, 800)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))
    page.set_viewport_size(size)


def test_overview_counts_move_with_the_as_of_date(browser_page, seeds):
    page, _ = browser_page
    open_page(page, "概览")
    expected = queries.due_counts(seeds["db"], AS_OF)
    shown = metrics(page)
    assert shown["7天内到期"] == str(expected["due_7"]) and shown["30天内到期"] == str(expected["due_30"])
    assert shown["已逾期"] == str(expected["overdue"])
    cells = grid_cells(page)
    assert "2026-05-30" in cells and "剩 10 天" in cells  # the next deadlines, with days left
    shoot(page, "overview")

    set_as_of(page, dt.date(2026, 6, 1))
    later = queries.due_counts(seeds["db"], dt.date(2026, 6, 1))
    assert metrics(page)["已逾期"] == str(later["overdue"]) and later["overdue"] > expected["overdue"]
    set_as_of(page, AS_OF)

    # a count leads to its list, each row of which leads to its quote
    page.get_by_role("link", name="查看").nth(3).click()  # under 已逾期
    page.locator("h1").filter(has_text="截止事项").wait_for(timeout=60_000)
    settle(page)
    assert page.get_by_text(f"共 {expected['overdue']} 项").count() == 1
    cells = grid_cells(page)
    assert sum(cell.startswith("已逾期") for cell in cells) == expected["overdue"]
    assert sum(cell.startswith("documents?fact=") for cell in cells) == expected["overdue"]
    # a bar of the year chart lists its goals
    open_page(page, "概览")
    page.locator('[data-testid="stPlotlyChart"]').first.locator(".barlayer .point path").first.click(force=True)
    page.locator("h3").filter(has_text=re.compile("年到期的")).wait_for(timeout=30_000)
    settle(page)
    assert any(cell.startswith("documents?fact=") for cell in grid_cells(page, 1))


def test_find_the_0530_deadline_follow_it_to_its_source_and_export_it(browser_page, seeds, tmp_path):
    page, _ = browser_page
    open_page(page, "截止事项")
    type_keyword(page, "5月30日")
    cells = grid_cells(page)
    assert "2026-05-30" in cells and "剩 10 天" in cells
    assert any(cell.startswith(QUOTE_0530) for cell in cells)
    # the 出处 link: its text is the bulletin and line, its target the fact
    assert any(cell.startswith(f"documents?fact={seeds['id_0530']}#") and
               cell.endswith(f"第{seeds['line_0530']}行 · {seeds['title_0530']}") for cell in cells), cells

    # the whole filtered list as a calendar, a CSV and an Excel file, each with the provenance
    with page.expect_download() as download:
        page.get_by_role("button", name=re.compile("导出日历")).click()
    events = parse_ics(Path(download.value.path()).read_bytes())
    assert [e.decoded("DTSTART") for e in events] == [dt.date(2026, 5, 30)]
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 CSV").click()
    csv = pd.read_csv(download.value.path(), encoding="utf-8-sig")
    assert len(csv) == 1 and csv.iloc[0]["截止日期"] == "2026-05-30" and csv.iloc[0]["行"] == seeds["line_0530"]
    assert csv.iloc[0]["原文"].startswith(QUOTE_0530) and csv.iloc[0]["文件"] == seeds["file_0530"]
    with page.expect_download() as download:
        page.get_by_role("button", name="下载 Excel").click()
    assert download.value.suggested_filename == f"截止事项-{AS_OF}.xlsx"
    sheet = openpyxl.load_workbook(io.BytesIO(Path(download.value.path()).read_bytes()))["截止事项"]
    header, row = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
    assert sheet.max_row == 2 and row[header.index("行")] == seeds["line_0530"]

    # select the row: the fact card shows the quote in its line, the bulletin and the line number
    grid = page.locator('[data-testid="stDataFrame"]:visible').first
    box = grid.bounding_box()
    grid.click(position={"x": 18, "y": 55})  # the row's selection box, under the header
    page.get_by_text("选中的事项").wait_for(timeout=30_000)
    settle(page)
    card = page.locator('[data-testid="stMain"]')
    assert page.locator("mark").filter(has_text="2026年5月30日前函送").count() >= 1
    assert f"{seeds['file_0530']} 第{seeds['line_0530']}行" in card.inner_text()
    shoot(page, "deadlines")

    # one item as an all-day event on the due date, with the quote and the source
    with page.expect_download() as download:
        page.get_by_role("button", name="导出此项到日历 .ics").click()
    target = tmp_path / "one.ics"
    download.value.save_as(target)
    (event,) = parse_ics(target.read_bytes())
    assert event.decoded("DTSTART") == dt.date(2026, 5, 30) and event.decoded("DTEND") == dt.date(2026, 5, 31)
    assert QUOTE_0530 in event["DESCRIPTION"]
    assert f"{seeds['file_0530']} 第{seeds['line_0530']}行" in event["DESCRIPTION"]
    assert seeds["title_0530"] in event["DESCRIPTION"]
    assert box is not None

    # and on to the bulletin: the article's text with the fact marked in place
    page.get_by_role("link", name="在文档中查看原文").click()
    page.locator("h1").filter(has_text="文档").wait_for(timeout=60_000)
    settle(page)
    focus = page.locator('mark[style*="outline"]')
    focus.first.wait_for(timeout=30_000)
    assert "2026年5月30日前函送" in focus.first.inner_text()
    line_row = page.locator("div").filter(has=page.locator("span", has_text=re.compile(f"^{seeds['line_0530']}$")))
    assert line_row.count() >= 1
    assert "链接指向的事实" in page.locator('[data-testid="stMain"]').inner_text()
    shoot(page, "documents")


def test_timeline_finds_the_2027_zero_carbon_factories(browser_page, seeds):
    page, _ = browser_page
    open_page(page, "时间线")
    type_keyword(page, "零碳工厂")
    chart = page.locator('[data-testid="stPlotlyChart"]:visible').first
    chart.wait_for(timeout=60_000)
    labels = chart.locator(".annotation-text").all_text_contents()  # each row's label, above its bar
    assert any("零碳工厂" in label for label in labels), labels
    # hovering a milestone's mark shows its quote and source
    mark = chart.locator(".scatterlayer .point").first
    mark.hover(force=True)
    hover = chart.locator(".hoverlayer")
    page.wait_for_function("() => document.querySelector('.hoverlayer')?.textContent.includes('零碳工厂')", timeout=10_000)
    assert "第" in hover.text_content() and "行" in hover.text_content()
    shoot(page, "timeline")


def test_search_leads_to_the_line_in_its_bulletin(browser_page, seeds):
    page, _ = browser_page
    open_page(page, "搜索")
    page.get_by_label("搜索事实和文章原文").fill("零碳工厂")
    page.get_by_label("搜索事实和文章原文").press("Enter")
    settle(page)
    assert "2027-12-31" in grid_cells(page)
    assert page.locator("mark").filter(has_text="零碳工厂").count() >= 2  # the words marked in the lines found
    shoot(page, "search")
    page.get_by_role("link", name=f"在文档中查看 第{seeds['zero_line']}行").click()
    page.locator("h1").filter(has_text="文档").wait_for(timeout=60_000)
    settle(page)
    text = page.locator('[data-testid="stMain"]').inner_text()
    assert seeds["zero_quote"] in text
    # the line the result came from is marked, and the session (its 基准日期) is still this one
    assert page.locator('div[style*="background"]').filter(has_text=seeds["zero_quote"]).count() >= 1
    month = page.locator('[data-testid="stSidebar"] [role="spinbutton"][data-type="month"]')
    assert month.inner_text() == f"{AS_OF.month:02d}"


def test_every_other_page_renders_in_chinese(browser_page):
    page, _ = browser_page
    open_page(page, "概览")
    set_as_of(page, AS_OF)
    for title, name, words in (("目标", "targets", ["时间进度", "个目标"]),
                               ("部门", "agencies", ["选择部门", "待办截止事项"]),
                               ("进度", "progress-readonly", ["编辑功能未开启", "截止事项"]),
                               ("上传", "upload", ["仅限员工上传"])):
        open_page(page, title)
        text = page.locator('[data-testid="stMain"]').inner_text()
        for word in words:
            assert word in text, (title, word)
        assert "Traceback" not in text and not page.locator('[data-testid="stException"]').count()
        shoot(page, name)


def test_the_first_visitor_on_a_link_sees_the_app_not_a_file_list(browser_page, seeds):
    """A fresh server whose first request is a link to a fact (a bulletin's 出处 shared in a chat):
    the Chinese navigation and the sidebar's 基准日期, never Streamlit's own list of page files."""
    browser = browser_page[0].context.browser
    with running_app(seeds["db"], timeout=60) as url:
        page = browser.new_page(viewport={"width": 1440, "height": 1000})
        try:
            page.goto(f"{url}/documents?fact={seeds['id_0530']}")
            page.get_by_text("基准日期").first.wait_for(timeout=60_000)
            nav = page.locator('[data-testid="stSidebarNav"]').inner_text()
            assert "概览" in nav and "文档" in nav
            assert not re.search(r"\b(app|documents|shared|overview)\b", nav)
            page.get_by_text(QUOTE_0530).first.wait_for(timeout=30_000)
        finally:
            page.close()
