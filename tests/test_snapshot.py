"""The weekly PDF: read back its text and fonts, the way the secretariat would see it.

The fixture database is built through pipeline/load.py's own SQL files with rows like the seeds'
(the 2026-05-30 submission to 工信部科技司, the 2026-08-30 progress report, the 2027 零碳工厂
milestone, the 300 个 target), so the PDF is tested against the real contract and views.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import json
import re
import subprocess
import sys
from argparse import Namespace
from pathlib import Path

import duckdb
import pytest
from pypdf import PdfReader

from pipeline.ledger import progress
from pipeline.load import sql_files
from pipeline.snapshot import render

DOC_A, DOC_B = "000_99cf775f10c83dd8.txt", "003_0324ae380340b6c7.txt"
ARTICLES = {
    "a1": (DOC_A, "两部门关于联合实施 2026 年“模数共振”行动的通知", 2024, 2026),
    "b1": (DOC_B, "工信部等五部门联合印发《关于开展零碳工厂建设工作的指导意见》", None, None),
}
AGENCIES = {"工业和信息化部": "gxb", "国家数据局": "sjj", "科技司": "gxb-kjs"}
# id, article, line, quote, kind, due_date, precision, recurrence, value, unit, comparator, metric, agencies
FACTS = [
    ("f-0530", "a1", 366, "并于2026年5月30日前函送工业和信息化部（科技司）", "deadline", dt.date(2026, 5, 30), "day",
     None, None, None, None, "报送模数共振行动实施方案", ["科技司", "国家数据局"]),
    ("f-0830", "a1", 372, "2026年8月30日前，各行动实施区域和实施主体梳理行动进展", "deadline", dt.date(2026, 8, 30), "day",
     None, None, None, None, "报送阶段性总结报告", ["工业和信息化部"]),
    ("f-0620", "a1", 374, "请于2026年6月20日前报送典型案例", "deadline", dt.date(2026, 6, 20), "day",
     None, None, None, None, "报送典型案例", ["国家数据局"]),
    ("f-0430", "a1", 375, "请于2026年4月30日前报送联系人", "deadline", dt.date(2026, 4, 30), "day",
     None, None, None, None, "报送联系人", ["国家数据局"]),
    ("f-yearly", "a1", 376, "企业应在每年5月31日前更新企业信息", "deadline", dt.date(2025, 5, 31), "day",
     "yearly", None, None, None, "更新企业信息", ["工业和信息化部"]),
    ("f-300", "a1", 380, "到2026年底，打造300个以上示范性强、显示度高、带动性广的典型应用场景", "target",
     dt.date(2026, 12, 31), "year", None, 300.0, "个", ">=", "典型应用场景", ["国家数据局"]),
    ("f-2027", "b1", 507, "到2027年，在汽车、锂电池、光伏、电子电器等行业领域，培育建设一批零碳工厂", "milestone",
     dt.date(2027, 12, 31), "year", None, None, None, None, "培育建设一批零碳工厂", ["工业和信息化部"]),
]
# a monthly report the bulletin dates only by its rule (due_date NULL, recurrence_rule 每月5日前)
MONTHLY = ("f-monthly", "a1", 377, "每月5日前将上月新发放贷款情况报送对口财政部门", "deadline", None, None, "monthly",
           None, None, None, "报送上月贷款情况", ["国家数据局"], "每月5日前")
NEW_FACT = ("f-new", "b1", 519, "各地区有关部门于2026年6月10日前制定零碳工厂建设具体实施方案", "deadline",
            dt.date(2026, 6, 10), "day", None, None, None, None, "制定零碳工厂实施方案", ["工业和信息化部"])


def make_db(path: Path, facts=FACTS) -> Path:
    """A tracker database holding `facts`, written through the pipeline's schema and views."""
    path.unlink(missing_ok=True)
    with contextlib.closing(duckdb.connect(str(path))) as con:
        for sql in sql_files():
            con.execute(sql.read_text(encoding="utf-8"))
        for doc, issued in ((DOC_A, dt.date(2026, 4, 20)), (DOC_B, dt.date(2026, 1, 10))):
            con.execute("INSERT INTO documents (doc_id, source_file, content_hash, title, issued_on) "
                        "VALUES (?, ?, 'x', '简报', ?)", [doc[:3], doc, issued])
        for article_id, (doc, title, start, end) in ARTICLES.items():
            con.execute("INSERT INTO articles (article_id, doc_id, source_file, ordinal, title, start_line, end_line, "
                        "kind, issued_on, period_start, period_end) VALUES (?, ?, ?, 1, ?, 1, 900, 'policy', ?, ?, ?)",
                        [article_id, doc[:3], doc, title, dt.date(2026, 4, 20), start, end])
        con.execute("INSERT INTO agencies VALUES ('gxb', '工业和信息化部', NULL, 'central', []), "
                    "('sjj', '国家数据局', NULL, 'central', []), ('gxb-kjs', '科技司', '工业和信息化部', 'central', [])")
        for (fact_id, article_id, line, quote, kind, due, precision, recurrence, value, unit, comparator, metric,
             agencies, *rule) in facts:
            doc = ARTICLES[article_id][0]
            con.execute(
                "INSERT INTO facts (id, doc_id, source_file, line, char_start, char_end, quote, kind, due_date, "
                "due_precision, recurrence, recurrence_rule, value, unit, comparator, metric, article_id, group_id, "
                "agencies) VALUES (?, ?, ?, ?, 0, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [fact_id, doc[:3], doc, line, len(quote), quote, kind, due, precision, recurrence,
                 rule[0] if rule else None, value, unit, comparator, metric, article_id, "g-" + fact_id, agencies])
            for name in agencies:
                con.execute("INSERT INTO fact_agencies VALUES (?, ?, 'named')", [fact_id, AGENCIES[name]])
    return path


def write_progress(tracker: Path, rows: list[tuple]) -> None:
    """Progress as the app records it (pipeline/ledger/progress.py), in a store of its own: one entry a fact."""
    path = progress.default_progress_path(tracker)
    path.unlink(missing_ok=True)
    for fact_id, status, actual in rows:
        progress.record(path, fact_id, "秘书处", status=status, actual_value=actual,
                        observed_on=dt.date(2026, 5, 1) if actual is not None else None)


def text_of(pdf: bytes | Path, tmp_path: Path) -> str:
    """The PDF's text via pdftotext, whitespace removed (table cells wrap CJK text anywhere)."""
    path = pdf if isinstance(pdf, Path) else tmp_path / "read.pdf"
    if not isinstance(pdf, Path):
        path.write_bytes(pdf)
    text = subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout
    return re.sub(r"\s+", "", text)


def section(text: str, heading: str, next_heading: str | None) -> str:
    start = text.index(heading)
    return text[start:text.index(next_heading, start)] if next_heading else text[start:]


def snapshot_args(db: Path, as_of: str, out: Path | None = None) -> Namespace:
    return Namespace(db=db, as_of=as_of, out=out)


@pytest.fixture
def db(tmp_path) -> Path:
    return make_db(tmp_path / "tracker.duckdb")


def test_deadlines_fall_in_the_windows_of_the_as_of_date(db, tmp_path):
    text = text_of(render.render_pdf(db, dt.date(2026, 5, 11)), tmp_path)
    overdue = section(text, "一、逾期事项", "二、未来4周截止事项")
    soon = section(text, "二、未来4周截止事项", "三、本季度其余截止事项")
    quarter = section(text, "三、本季度其余截止事项", "四、时间轴")

    assert "2026-04-30" in overdue and "报送联系人" in overdue
    assert "2026-05-30" in soon and "并于2026年5月30日前函送工业和信息化部（科技司）" in soon
    assert "000_99cf775f10c83dd8.txt第366行" in soon and "“模数共振”行动的通知" in soon
    assert "2026-05-31" in soon and "更新企业信息" in soon  # yearly, rolled on from 2025-05-31
    assert "2026-06-20" in quarter and "2026-05-30" not in quarter
    assert "2026-08-30" not in text and "梳理行动进展" not in text  # next quarter: outside every window

    later = text_of(render.render_pdf(db, dt.date(2026, 8, 10)), tmp_path)
    assert "2026-08-30" in section(later, "二、未来4周截止事项", "三、本季度其余截止事项")
    assert "2026-05-30" in section(later, "一、逾期事项", "二、未来4周截止事项")


def test_cover_names_the_iso_week_and_agencies_group_deadlines(db, tmp_path):
    text = text_of(render.render_pdf(db, dt.date(2026, 5, 11)), tmp_path)
    assert "2026年第20周" in text and "2026-W20" in text and "截至2026年5月11日" in text
    soon = section(text, "二、未来4周截止事项", "三、本季度其余截止事项")
    # 科技司 is filed under its ministry
    assert soon.index("工业和信息化部") < soon.index("报送模数共振行动实施方案")


def test_cjk_font_is_embedded(db):
    reader = PdfReader(__import__("io").BytesIO(render.render_pdf(db, dt.date(2026, 5, 11))))
    embedded = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            for descendant in font.get("/DescendantFonts", [font]):
                descriptor = descendant.get_object().get("/FontDescriptor")
                if descriptor and ({"/FontFile2", "/FontFile3"} & set(descriptor.get_object().keys())):
                    embedded.add(str(descendant.get_object()["/BaseFont"]))
    assert any("WenQuanYi" in name or "CJK" in name for name in embedded), embedded


def test_changes_list_a_fact_added_between_two_runs(db, tmp_path):
    snapshots = tmp_path / "snapshots"
    assert render.main(snapshot_args(db, "2026-05-11")) == 0
    first = snapshots / "2026-W20.pdf"
    assert "没有上一期快照" in section(text_of(first, tmp_path), "六、与上期相比的变化", None)

    make_db(db, FACTS + [NEW_FACT])
    write_progress(db, [("f-0430", "已提交", None)])
    assert render.main(snapshot_args(db, "2026-05-18")) == 0
    changes = section(text_of(snapshots / "2026-W21.pdf", tmp_path), "六、与上期相比的变化", None)
    assert "新增1项，日期变更0项，状态变更1项，不再出现0项" in changes
    added = section(changes, "新增事项", "状态变更")
    assert "制定零碳工厂建设具体实施方案" in added and "003_0324ae380340b6c7.txt第519行" in added
    assert "报送联系人" not in added
    assert "报送联系人" in section(changes, "状态变更", None)
    manifest = json.loads((snapshots / "manifest.json").read_text(encoding="utf-8"))
    assert [s["week"] for s in manifest["snapshots"]] == ["2026-W20", "2026-W21"]

    # re-running the same week still compares with the week before, not with itself
    assert render.main(snapshot_args(db, "2026-05-19")) == 0
    again = section(text_of(snapshots / "2026-W21.pdf", tmp_path), "六、与上期相比的变化", None)
    assert "制定零碳工厂建设具体实施方案" in section(again, "新增事项", "状态变更")


def test_a_recurring_deadline_dated_by_its_rule_falls_in_the_window_of_its_next_occurrence(tmp_path):
    db = make_db(tmp_path / "tracker.duckdb", FACTS + [MONTHLY])
    text = text_of(render.render_pdf(db, dt.date(2026, 5, 11)), tmp_path)
    soon = section(text, "二、未来4周截止事项", "三、本季度其余截止事项")
    assert "2026-06-05每月" in soon and "每月5日前将上月新发放贷款情况报送对口财政部门" in soon
    assert "每月5日前将上月" not in section(text, "三、本季度其余截止事项", "四、时间轴")

    early = text_of(render.render_pdf(db, dt.date(2026, 5, 4)), tmp_path)
    assert "2026-05-05每月" in section(early, "二、未来4周截止事项", "三、本季度其余截止事项")


def test_a_revised_bulletin_shows_its_moved_date_not_every_fact_as_new(db, tmp_path):
    """A revised file hashes differently, so all its fact ids change; the change list still matches
    the statements: one date moved, nothing new, nothing gone."""
    assert render.main(snapshot_args(db, "2026-05-11")) == 0
    revised = [(f"{fact[0]}-v2", *fact[1:]) for fact in FACTS]
    moved = next(i for i, fact in enumerate(revised) if fact[0] == "f-0830-v2")
    revised[moved] = (revised[moved][0], "a1", 372, "2026年9月15日前，各行动实施区域和实施主体梳理行动进展", "deadline",
                      dt.date(2026, 9, 15), "day", None, None, None, None, "报送阶段性总结报告", ["工业和信息化部"])
    make_db(db, revised)
    assert render.main(snapshot_args(db, "2026-05-18")) == 0
    changes = section(text_of(tmp_path / "snapshots" / "2026-W21.pdf", tmp_path), "六、与上期相比的变化", None)
    assert "新增0项，日期变更1项，状态变更0项，不再出现0项" in changes
    redated = section(changes, "日期变更", None)
    assert "2026-09-15" in redated and "2026-08-30" in redated and "000_99cf775f10c83dd8.txt第372行" in redated
    assert "新增事项" not in changes and "不再出现的事项" not in changes

    assert render.main(snapshot_args(db, "2026-05-25")) == 0
    unchanged = section(text_of(tmp_path / "snapshots" / "2026-W22.pdf", tmp_path), "六、与上期相比的变化", None)
    assert "与2026-W21（截至2026-05-18）相比" in unchanged and "与上期相比没有变化" in unchanged


def test_progress_marks_deadlines_done_and_shows_target_actuals(db, tmp_path):
    write_progress(db, [("f-0430", "已提交", None), ("f-300", "进行中", 120.0)])
    text = text_of(render.render_pdf(db, dt.date(2026, 5, 11)), tmp_path)
    assert "报送联系人" not in section(text, "一、逾期事项", "二、未来4周截止事项")
    goals = section(text, "五、本年度到期的目标与里程碑", "六、与上期相比的变化")
    assert "≥300个" in goals and "实际120个（2026-05-01），达成40%" in goals
    assert "时间进度79%" in goals  # plan period 2024–2026: 861 of 1095 days
    assert "零碳工厂" not in goals  # due 2027


def test_a_store_with_accounts_but_no_progress_yet_is_nothing_recorded(db, tmp_path):
    """The app's store holds accounts before anyone records a status: the cover says nothing was
    recorded yet, never that the store could not be read (nor an exception's name)."""
    from pipeline.ledger import users

    users.add(db.with_name("progress.duckdb"), "张三", "long-enough-pw")
    progress, note = render.load_progress(db)
    assert progress == {} and note == "尚无进度记录，所有事项按“待办”处理。"
    text = text_of(render.render_pdf(db, dt.date(2026, 5, 11)), tmp_path)
    assert "尚无进度记录" in text and "无法读取" not in text and "Exception" not in text


def test_without_chromium_the_pdf_says_the_chart_is_missing(db, tmp_path, monkeypatch):
    monkeypatch.setenv("BROWSER_PATH", str(tmp_path / "no-such-browser"))
    text = text_of(render.render_pdf(db, dt.date(2026, 5, 11)), tmp_path)
    assert "未找到Chromium" in section(text, "四、时间轴", "五、")


def test_without_a_cjk_font_it_says_which_package_to_install(db, tmp_path, monkeypatch, capsys):
    empty = tmp_path / "fonts.conf"
    empty.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig></fontconfig>')
    monkeypatch.setenv("FONTCONFIG_FILE", str(empty))
    assert render.main(snapshot_args(db, "2026-05-11")) == 1
    assert "fonts-wqy-microhei" in capsys.readouterr().err
    assert not (tmp_path / "snapshots").exists()


def test_usage_errors_exit_2(tmp_path, db, capsys):
    assert render.main(snapshot_args(tmp_path / "missing.duckdb", None)) == 2
    assert "database not found" in capsys.readouterr().err
    assert render.main(snapshot_args(db, "11/05/2026")) == 2


@pytest.mark.parametrize("due, recurrence, as_of, expected", [
    (dt.date(2025, 5, 31), "yearly", dt.date(2026, 5, 11), dt.date(2026, 5, 31)),
    (dt.date(2026, 1, 31), "monthly", dt.date(2026, 3, 1), dt.date(2026, 3, 31)),  # month end stays month end
    (dt.date(2026, 1, 15), "quarterly", dt.date(2026, 4, 15), dt.date(2026, 4, 15)),
    (dt.date(2026, 4, 30), None, dt.date(2026, 5, 11), dt.date(2026, 4, 30)),  # one-off: stays overdue
])
def test_next_occurrence(due, recurrence, as_of, expected):
    assert render.next_occurrence(due, recurrence, as_of) == expected


def test_the_seeds_snapshot_from_the_command_line(seed_db, tmp_path):
    """The real pipeline end to end: build the seeds, then `python -m pipeline snapshot`."""
    root = Path(__file__).resolve().parents[1]
    out = tmp_path / "weekly" / "2026-W20.pdf"
    result = subprocess.run([sys.executable, "-m", "pipeline", "snapshot", "--db", str(seed_db), "--as-of", "2026-05-11",
                             "--out", str(out)], cwd=root, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "weekly" / "manifest.json").exists()
    text = text_of(out, tmp_path)
    overdue = section(text, "一、逾期事项", "二、未来4周截止事项")
    soon = section(text, "二、未来4周截止事项", "三、本季度其余截止事项")
    assert "2026-02-05" in overdue and "2026-05-30" not in overdue
    assert "并于2026年5月30日前函送工业和信息化部（科技司）" in soon
    assert "2026-05-31每年" in soon and "通过培育平台更新企业信息" in soon  # 每年5月31日前
    assert "2026-06-05每月" in soon  # 每月5日前
    assert "2026-07-30" not in section(text, "一、逾期事项", "四、时间轴")  # next quarter
    assert "2026-07-30" not in section(text, "五、本年度到期的目标与里程碑", None)


def numbered_deadlines(count: int, first_due: dt.date, step_days: float, label: str) -> list[tuple]:
    """`count` one-off deadlines, the n-th due first_due + n * step_days (rounded down), agencies
    alternating, each quote naming its number: 请于…前报送第n号{label}."""
    facts = []
    for n in range(count):
        due = first_due + dt.timedelta(days=int(n * step_days))
        quote = f"请于{due.year}年{due.month}月{due.day}日前报送第{n}号{label}"
        facts.append((f"f-{label}-{n}", "a1", 1000 + n, quote, "deadline", due, "day", None, None, None, None,
                      f"报送第{n}号{label}", ["国家数据局" if n % 2 else "工业和信息化部"]))
    return facts


def test_long_sections_list_the_nearest_rows_and_count_the_rest(tmp_path):
    """A big database: each list stops at SECTION_ROWS, keeps the items that matter most this week
    and says in one line how many more there are and where to see them in the app."""
    limit = render.SECTION_ROWS
    soon = numbered_deadlines(limit + 5, dt.date(2026, 5, 12), 0.5, "材料")  # two a day, 5-12 … 6-03
    late = numbered_deadlines(limit + 3, dt.date(2026, 4, 10), -1, "报告")  # overdue 31 … 73 days
    db = make_db(tmp_path / "tracker.duckdb", soon + late)
    text = text_of(render.render_pdf(db, dt.date(2026, 5, 11)), tmp_path)

    assert f"逾期未办{limit + 3}" in text and f"未来4周截止（至2026-06-07）{limit + 5}" in text  # the cover counts all

    window = section(text, "二、未来4周截止事项", "三、本季度其余截止事项")
    assert f"共{limit + 5}项，下列截止最近的{limit}项" in window
    assert f"第{limit - 1}号材料" in window and f"第{limit}号材料" not in window
    assert f"列出{limit // 2}项/共{(limit + 5) // 2 + 1}项" in window  # 工业和信息化部: n even
    assert "另有5项未列出（截止于2026-06-01至2026-06-03；" in window
    assert "请在应用的“截止事项”页（范围选“30天内”，可按部门筛选）查看" in window

    overdue = section(text, "一、逾期事项", "二、未来4周截止事项")
    assert f"共{limit + 3}项，下列最近逾期的{limit}项" in overdue
    assert "第0号报告" in overdue and f"第{limit - 1}号报告" in overdue and f"第{limit}号报告" not in overdue
    assert overdue.index(f"第{limit - 1}号报告") < overdue.index("第0号报告")  # still longest overdue first
    assert "另有3项逾期更久（71–73天）的事项未列出，请在应用的“截止事项”页（范围选“已逾期”）查看" in overdue


def test_a_long_change_list_is_counted_by_kind_and_cut(tmp_path):
    db = make_db(tmp_path / "tracker.duckdb")
    assert render.main(snapshot_args(db, "2026-05-11")) == 0
    make_db(db, FACTS + numbered_deadlines(render.SECTION_ROWS + 5, dt.date(2026, 5, 19), 0.5, "材料"))
    assert render.main(snapshot_args(db, "2026-05-18")) == 0
    changes = section(text_of(tmp_path / "snapshots" / "2026-W21.pdf", tmp_path), "六、与上期相比的变化", None)
    limit = render.SECTION_ROWS
    assert f"新增{limit + 5}项，日期变更0项" in changes
    assert f"变化截止相对期限目标里程碑合计新增{limit + 5}000{limit + 5}" in changes
    added = section(changes, "新增事项", None)
    assert f"列出{limit}项/共{limit + 5}项" in added
    assert f"第{limit - 1}号材料" in added and f"第{limit}号材料" not in added
    assert "另有5项未列出，请在应用的“截止事项”“目标”“时间线”页查看" in added


def test_short_lists_are_shown_whole(db, tmp_path):
    text = text_of(render.render_pdf(db, dt.date(2026, 5, 11)), tmp_path)
    assert "未列出" not in text and "下列" not in text and "变化截止" not in text
