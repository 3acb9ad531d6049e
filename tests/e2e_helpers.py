"""A small, realistic tracker database for the dashboard tests, and a helper to run the app.

The rows mirror what the pipeline writes for the seed bulletins (the 2026-05-30 submission, the
2027 零碳工厂 milestone, the 300 个 target stated in two bulletins), built through pipeline/load.py's
own SQL files so the fixture follows the contract exactly.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

import duckdb

from pipeline.load import sql_files, write_app_index

ROOT = Path(__file__).resolve().parents[1]
AS_OF = dt.date(2026, 5, 20)

DOC_A = "000_fixture.txt"
DOC_B = "003_fixture.txt"

# (source_file, line, text, article ordinal or None)
LINES = [
    (DOC_A, 1, "智慧城市产业网简报", None),
    (DOC_A, 2, "两部门关于联合实施 2026 年“模数共振”行动的通知", 1),
    (DOC_A, 3, "各省、自治区、直辖市及计划单列市工业和信息化主管部门：", 1),
    (DOC_A, 4, "各单位统筹组织相关力量，编制“模数共振”行动实施方案，并于2026年5月30日前函送工业和信息化部（科技司）、国家数据局（数字科技和基础设施建设司）。", 1),
    (DOC_A, 5, "企业应在每年 5 月 31 日前通过培育平台更新企业信息，请于2026年4月30日前报送联系人。", 1),
    (DOC_A, 6, "国家数据局印发《“数据要素×”三年行动计划（2024—2026年）》", 2),
    (DOC_A, 7, "《行动计划》提出，到2026年底，打造300个以上示范性强、显示度高、带动性广的典型应用场景。<script>alert(1)</script>", 2),
    (DOC_A, 8, "应在申请受理后的30日内作出批准、修改后再审或不予批准的决定。", 2),
    (DOC_B, 1, "工业和信息化部简报", None),
    (DOC_B, 2, "工信部等五部门联合印发《关于开展零碳工厂建设工作的指导意见》", 1),
    (DOC_B, 3, "2026年起，遴选一批零碳工厂，做好标杆引领。到2027年，在汽车、锂电池、光伏等行业领域，培育建设一批零碳工厂，初步构建零碳工厂建设产业生态。", 1),
    (DOC_B, 4, "各地工业和信息化主管部门应于2026年5月25日前报送推荐名单，2026年8月1日前完成复核。", 1),
    (DOC_B, 5, "到2026年底，打造300个以上示范性强、显示度高、带动性广的典型应用场景。", 1),
]

ARTICLES = [
    # source_file, ordinal, title, start, end, kind, doc_number, issued_on, period_start, period_end, issuers
    (DOC_A, 1, "两部门关于联合实施 2026 年“模数共振”行动的通知", 2, 5, "policy", "工信厅联科〔2026〕12号",
     dt.date(2026, 4, 20), None, None, ["工业和信息化部", "国家数据局"]),
    (DOC_A, 2, "国家数据局印发《“数据要素×”三年行动计划（2024—2026年）》", 6, 8, "policy", None,
     dt.date(2024, 1, 4), 2024, 2026, ["国家数据局"]),
    (DOC_B, 1, "工信部等五部门联合印发《关于开展零碳工厂建设工作的指导意见》", 2, 5, "policy", "工信部联节〔2026〕3号",
     dt.date(2026, 1, 10), None, None, ["工业和信息化部", "国家发展和改革委员会"]),
]

AGENCIES = [
    ("gxb", "工业和信息化部", None, "central"),
    ("sjj", "国家数据局", None, "central"),
    ("fgw", "国家发展和改革委员会", None, "central"),
]

# (id, source_file, line, quote, kind, due_date, precision, due_from, recurrence, rule, value, value_max,
#  unit, comparator, metric, article ordinal, group_id, agencies)
FACTS = [
    ("f-0530", DOC_A, 4, "并于2026年5月30日前函送工业和信息化部（科技司）", "deadline", dt.date(2026, 5, 30), "day",
     None, None, None, None, None, None, None, "报送“模数共振”行动实施方案", 1, "g-0530",
     ["工业和信息化部", "国家数据局"]),
    ("f-yearly", DOC_A, 5, "企业应在每年 5 月 31 日前通过培育平台更新企业信息", "deadline", None, None,
     None, "yearly", "每年5月31日前", None, None, None, None, "通过培育平台更新企业信息", 1, "g-yearly",
     ["工业和信息化部"]),
    ("f-0430", DOC_A, 5, "请于2026年4月30日前报送联系人", "deadline", dt.date(2026, 4, 30), "day",
     None, None, None, None, None, None, None, "报送联系人", 1, "g-0430", ["国家数据局"]),
    ("f-300a", DOC_A, 7, "到2026年底，打造300个以上示范性强、显示度高、带动性广的典型应用场景", "target",
     dt.date(2026, 12, 31), "year", None, None, None, 300.0, None, "个", ">=", "典型应用场景", 2, "g-300",
     ["国家数据局"]),
    ("f-rel", DOC_A, 8, "应在申请受理后的30日内作出批准", "relative", None, None,
     None, None, None, 30.0, None, "日", "<=", "申请受理后作出审查决定", 2, "g-rel", ["国家数据局"]),
    ("f-2026from", DOC_B, 3, "2026年起，遴选一批零碳工厂", "milestone", dt.date(2026, 12, 31), "year",
     dt.date(2026, 1, 1), None, None, None, None, None, None, "遴选一批零碳工厂", 1, "g-2026from",
     ["工业和信息化部"]),
    ("f-2027", DOC_B, 3, "到2027年，在汽车、锂电池、光伏等行业领域，培育建设一批零碳工厂", "milestone",
     dt.date(2027, 12, 31), "year", None, None, None, None, None, None, None, "培育建设一批零碳工厂", 1, "g-2027",
     ["工业和信息化部", "国家发展和改革委员会"]),
    ("f-0525", DOC_B, 4, "应于2026年5月25日前报送推荐名单", "deadline", dt.date(2026, 5, 25), "day",
     None, None, None, None, None, None, None, "报送零碳工厂推荐名单", 1, "g-0525", ["工业和信息化部"]),
    ("f-0801", DOC_B, 4, "2026年8月1日前完成复核", "deadline", dt.date(2026, 8, 1), "day",
     None, None, None, None, None, None, None, "完成推荐名单复核", 1, "g-0801", ["工业和信息化部"]),
    ("f-300b", DOC_B, 5, "到2026年底，打造300个以上示范性强、显示度高、带动性广的典型应用场景", "target",
     dt.date(2026, 12, 31), "year", None, None, None, 300.0, None, "个", ">=", "典型应用场景", 1, "g-300",
     ["国家数据局"]),
]

AGENCY_IDS = {name: agency_id for agency_id, name, _parent, _level in AGENCIES}


def make_fixture_db(path: Path) -> Path:
    """Write the fixture database at `path` (replacing it) through the pipeline's schema and views."""
    path.unlink(missing_ok=True)
    doc_ids = {DOC_A: "a000000000000000", DOC_B: "b000000000000000"}
    text_of = {(f, n): text for f, n, text, _ in LINES}
    article_ids = {(f, ordinal): f"{doc_ids[f]}-{ordinal}" for f, ordinal, *_ in ARTICLES}
    with contextlib.closing(duckdb.connect(str(path))) as con:
        for sql in sql_files():
            con.execute(sql.read_text(encoding="utf-8"))
        for f, title, issued in ((DOC_A, "智慧城市产业网简报", dt.date(2026, 5, 6)),
                                 (DOC_B, "工业和信息化部简报", dt.date(2026, 5, 12))):
            n_lines = sum(1 for line in LINES if line[0] == f)
            n_facts = sum(1 for fact in FACTS if fact[1] == f)
            con.execute("INSERT INTO documents (doc_id, source_file, content_hash, encoding, title, issued_on, "
                        "n_lines, n_articles, n_facts, ingested_at) VALUES (?, ?, ?, 'utf-8', ?, ?, ?, 2, ?, ?)",
                        [doc_ids[f], f, doc_ids[f] * 4, title, issued, n_lines, n_facts,
                         dt.datetime(2026, 5, 13, 9, 0)])
        for f, n, text, ordinal in LINES:
            con.execute("INSERT INTO lines (doc_id, source_file, line, text, article_id) VALUES (?, ?, ?, ?, ?)",
                        [doc_ids[f], f, n, text, article_ids.get((f, ordinal))])
        for f, ordinal, title, start, end, kind, number, issued, p_start, p_end, issuers in ARTICLES:
            con.execute("INSERT INTO articles (article_id, doc_id, source_file, ordinal, title, start_line, end_line, "
                        "kind, doc_number, issued_on, issued_precision, period_start, period_end, issuers) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'day', ?, ?, ?)",
                        [article_ids[(f, ordinal)], doc_ids[f], f, ordinal, title, start, end, kind, number,
                         issued, p_start, p_end, issuers])
        for agency_id, name, parent, level in AGENCIES:
            con.execute("INSERT INTO agencies (agency_id, name, parent, level, aliases) VALUES (?, ?, ?, ?, ?)", [agency_id, name, parent, level, [name]])
        for (fact_id, f, n, quote, kind, due, precision, due_from, recurrence, rule, value, value_max, unit,
             comparator, metric, ordinal, group_id, agencies) in FACTS:
            start = text_of[(f, n)].index(quote)
            con.execute(
                "INSERT INTO facts (id, doc_id, source_file, line, char_start, char_end, quote, kind, due_date, "
                "due_precision, due_from, due_basis, recurrence, recurrence_rule, value, value_max, unit, comparator, "
                "metric, article_id, group_id, agencies) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 'explicit', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [fact_id, doc_ids[f], f, n, start, start + len(quote), quote, kind, due, precision, due_from,
                 recurrence, rule, value, value_max, unit, comparator, metric, article_ids[(f, ordinal)],
                 group_id, agencies])
            for name in agencies:
                con.execute("INSERT INTO fact_agencies (fact_id, agency_id, role) VALUES (?, ?, 'named')", [fact_id, AGENCY_IDS[name]])
        con.execute("INSERT INTO runs (run_id, started_at, finished_at, input_dir, files, documents, facts, errors, "
                    "reused) VALUES ('run-1', ?, ?, 'seeds', 2, 2, ?, 0, 0)",
                    [dt.datetime(2026, 5, 13, 9, 0), dt.datetime(2026, 5, 13, 9, 1), len(FACTS)])
        write_app_index(con)  # as the build does before it swaps a file in
    return path


def delete_facts(path: Path, *ids: str) -> None:
    """Remove facts from a fixture database and remake its app index, as a rebuild would."""
    with contextlib.closing(duckdb.connect(str(path))) as con:
        con.execute("DELETE FROM facts WHERE list_contains(?::VARCHAR[], id)", [list(ids)])
        write_app_index(con)


def free_port() -> int:
    with contextlib.closing(socket.socket()) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextlib.contextmanager
def running_app(db_path: Path, timeout: float = 30.0):
    """Start the app as `make run` does (`streamlit run dashboard/asgi.py`: app.py and its session-cookie
    endpoint) on a free port against db_path; yield its base URL."""
    port = free_port()
    env = dict(os.environ, TRACKER_DB=str(db_path), STREAMLIT_BROWSER_GATHER_USAGE_STATS="false")
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "dashboard/asgi.py", "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{url}/_stcore/health", timeout=1) as response:
                    if response.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log.seek(0)
                    raise RuntimeError("streamlit did not start: " + log.read().decode(errors="replace"))
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        log.close()


# ---- driving the app in headless Chromium (Playwright) --------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                 "--disable-background-networking"]


def launch_chromium(playwright):
    """Debian's chromium (never a downloaded one), headless."""
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def settle(page, pause_ms: int = 600) -> None:
    """Wait until Streamlit has finished the current run (its status widget gone), then a moment for
    grids and charts to paint."""
    page.wait_for_timeout(200)
    page.locator('[data-testid="stStatusWidget"]').wait_for(state="detached", timeout=60_000)
    page.wait_for_timeout(pause_ms)


def set_as_of(page, day: dt.date) -> None:
    """Type a date into the sidebar's 基准日期 field (year, month, day segments), then leave it so
    the app reruns with it; waits until the page says it counts from that date (the overview and
    deadline pages do)."""
    year = page.locator('[data-testid="stSidebar"] [data-testid="stDateInput"] [role="spinbutton"][data-type="year"]')
    for attempt in range(3):
        year.click()
        page.keyboard.type(f"{day:%Y%m%d}")
        page.keyboard.press("Tab")
        page.locator('[data-testid="stMain"] h1').first.click()
        settle(page)
        try:
            page.locator('[data-testid="stMain"]').get_by_text(f"基准日期 {day.isoformat()}").first.wait_for(
                timeout=10_000)
            return
        except Exception:  # the change raced a rerun: type it again
            if attempt == 2:
                raise


def open_page(page, title: str) -> None:
    """Follow the sidebar navigation link with this title, as a visitor would."""
    page.locator('[data-testid="stSidebarNav"]').get_by_role("link", name=title).click()
    page.locator("h1").filter(has_text=title).first.wait_for(timeout=60_000)
    settle(page)


def grid_cells(page, index: int = 0) -> list[str]:
    """The texts of the visible cells of the index-th st.dataframe (its accessible grid)."""
    grid = page.locator('[data-testid="stDataFrame"]:visible').nth(index)
    grid.wait_for(timeout=60_000)
    grid.locator('[role="gridcell"]').first.wait_for(state="attached", timeout=30_000)
    return grid.locator('[role="gridcell"]').all_inner_texts()


def metrics(page) -> dict[str, str]:
    texts = page.locator('[data-testid="stMetric"]:visible').all_inner_texts()
    return {label.strip(): value.strip() for label, _, value in (t.partition("\n") for t in texts)}


def type_keyword(page, text: str) -> None:
    """Type into the 关键词 filter (in the 筛选 expander above a list, opened first when closed) and run it."""
    box = page.get_by_label("关键词")
    if not box.is_visible():
        page.locator('[data-testid="stExpander"] summary').filter(has_text="筛选").first.click()
        box.wait_for(state="visible", timeout=10_000)
    box.fill(text)
    box.press("Enter")
    settle(page)
