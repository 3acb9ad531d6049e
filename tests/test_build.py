"""The build command end to end: the database contract, bad inputs, atomic replacement, incremental runs."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipeline import load
from pipeline.build import run_build

from conftest import ROOT, SEEDS

CONTRACT = {
    "facts": {"id", "source_file", "line", "char_start", "char_end", "quote", "kind", "due_date", "due_precision",
              "due_from", "recurrence", "value", "value_max", "unit", "comparator", "metric", "article_id", "group_id"},
    "documents": {"doc_id", "source_file", "content_hash"},
    "articles": {"article_id", "doc_id", "title", "start_line", "end_line", "kind", "doc_number", "issued_on", "issuers"},
    "agencies": {"agency_id", "name", "level", "parent"},
    "fact_agencies": {"fact_id", "agency_id", "role"},
    "ingest_errors": {"source_file", "reason"},
    "runs": {"run_id", "started_at", "files", "facts", "errors"},
}


def query(db: Path, sql: str, params=()):
    with duckdb.connect(str(db), read_only=True) as con:
        return con.execute(sql, params).fetchall()


def columns(db: Path, table: str) -> set[str]:
    return {row[0] for row in query(db, f"DESCRIBE {table}")}


@pytest.mark.parametrize("table", sorted(CONTRACT))
def test_contract_columns(seed_db, table):
    assert CONTRACT[table] <= columns(seed_db, table)


def test_every_quote_is_its_line_span(seed_db):
    bad = query(seed_db, """
        SELECT f.source_file, f.line, f.quote FROM facts f
        JOIN lines l ON l.doc_id = f.doc_id AND l.line = f.line
        WHERE substr(l.text, f.char_start + 1, f.char_end - f.char_start) <> f.quote""")
    assert bad == []
    unmatched = query(seed_db, "SELECT count(*) FROM facts f ANTI JOIN lines l ON l.doc_id = f.doc_id AND l.line = f.line")
    assert unmatched == [(0,)]


def test_line_numbers_are_the_files_own(seed_db):
    (line, quote), = query(seed_db, "SELECT line, quote FROM facts WHERE kind = 'deadline' AND due_date = DATE '2026-05-30'")
    text = (SEEDS / "000_99cf775f10c83dd8.txt").read_text(encoding="utf-8").split("\n")[line - 1]
    assert quote in text and "函送工业和信息化部（科技司）" in quote


def test_known_facts_normalized(seed_db):
    rows = query(seed_db, """SELECT kind, due_date::VARCHAR, due_precision, recurrence, value, value_max, unit, comparator
                             FROM facts WHERE source_file LIKE '003%'""")
    assert ("target", "2027-12-31", "year", None, 3.0, 5.0, "个", "=") in rows  # 推动3—5个通用大模型
    assert ("deadline", None, None, "yearly", None, None, None, None) in rows  # 每年 2 月底前报送
    assert ("deadline", "2027-01-31", "day", None, None, None, None, None) in rows  # 于 2027 年 1 月 31 日前
    due_from = query(seed_db, "SELECT due_from::VARCHAR FROM facts WHERE kind='milestone' AND quote LIKE '2026年起%'")
    assert ("2026-01-01",) in due_from


def test_fact_agencies_are_canonical(seed_db):
    named = query(seed_db, """SELECT ag.name, ag.parent FROM facts f JOIN fact_agencies fa ON fa.fact_id = f.id
                              JOIN agencies ag ON ag.agency_id = fa.agency_id WHERE f.due_date = DATE '2026-05-30'""")
    assert ("工业和信息化部科技司", "工业和信息化部") in named
    names = {row[0] for row in query(seed_db, "SELECT name FROM agencies")}
    assert "国家发展和改革委员会" in names and "国家发展改革委" not in names and "工信部" not in names


def test_same_goal_twice_is_grouped(seed_db):
    groups = query(seed_db, """SELECT group_id, count(*), min(line), max(line) FROM facts
                               WHERE source_file LIKE '003%' AND kind = 'target' AND value = 450 GROUP BY group_id""")
    assert len(groups) == 1 and groups[0][1] == 2 and groups[0][2] != groups[0][3]


def test_ids_are_stable_across_rebuilds(seed_db, tmp_path):
    again = tmp_path / "again.duckdb"
    run_build(SEEDS, again, full=True, workers=1)
    assert query(seed_db, "SELECT id FROM facts ORDER BY id") == query(again, "SELECT id FROM facts ORDER BY id")


def test_bad_files_are_named_and_do_not_stop_the_others(input_copy, tmp_path):
    (input_copy / "empty.txt").write_bytes(b"")
    (input_copy / "binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(4000))
    (input_copy / "broken.md").write_bytes("到2027年，".encode("utf-8") + b"\xff\xfe\xfa\x80\x81" * 3 + "建成".encode("gbk")[:1])
    (input_copy / "gbk.txt").write_bytes("通知\n请于2026年6月30日前报送材料。".encode("gb18030"))
    (input_copy / "utf16.txt").write_bytes("通知\n请于2026年7月31日前报送材料。".encode("utf-16"))
    (input_copy / "bom.md").write_bytes("通知\n请于2026年8月31日前报送材料。".encode("utf-8-sig"))
    db = tmp_path / "t.duckdb"
    result = subprocess.run([sys.executable, "-m", "pipeline", "build", "--input", str(input_copy), "--db", str(db)],
                            cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    errors = dict(query(db, "SELECT source_file, reason FROM ingest_errors"))
    assert set(errors) == {"empty.txt", "binary.txt", "broken.md"}
    assert "empty" in errors["empty.txt"] and "binary" in errors["binary.txt"] and "undecodable" in errors["broken.md"]
    for name in errors:
        assert name in result.stderr
    dues = {row[0] for row in query(db, "SELECT due_date::VARCHAR FROM facts WHERE kind = 'deadline'")}
    assert {"2026-06-30", "2026-07-31", "2026-08-31"} <= dues
    encodings = dict(query(db, "SELECT source_file, encoding FROM documents"))
    assert encodings["gbk.txt"] == "gb18030" and encodings["utf16.txt"].startswith("utf-16")
    (run,) = query(db, "SELECT files, documents, errors FROM runs")
    assert run == (len(list(input_copy.iterdir())), 8, 3)


def test_missing_input_folder_is_a_usage_error(tmp_path):
    result = subprocess.run([sys.executable, "-m", "pipeline", "build", "--input", str(tmp_path / "nope"),
                             "--db", str(tmp_path / "x.duckdb")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 2 and "nope" in result.stderr
    assert not (tmp_path / "x.duckdb").exists()


def test_failed_rebuild_leaves_previous_database_readable(seed_db, tmp_path):
    db = tmp_path / "keep.duckdb"
    db.write_bytes(seed_db.read_bytes())
    before = query(db, "SELECT count(*) FROM facts")
    with pytest.raises(RuntimeError):
        run_build(SEEDS, db, full=True, workers=1, fail_after="facts")
    assert query(db, "SELECT count(*) FROM facts") == before
    assert not list(tmp_path.glob("keep.duckdb.building-*"))


def test_a_killed_builds_temp_files_go_at_the_next_build_a_running_ones_stay(seed_db, tmp_path):
    """A build killed with kill -9 cannot remove its `<db>.building-<pid>` file; the next build does,
    unless that process still runs (a build in progress)."""
    db = tmp_path / "keep.duckdb"
    db.write_bytes(seed_db.read_bytes())
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()  # its pid names no process now
    dead = [tmp_path / f"keep.duckdb.building-{gone.pid}", tmp_path / f"keep.duckdb.building-{gone.pid}.wal"]
    alive = tmp_path / f"keep.duckdb.building-{os.getppid()}"
    other = tmp_path / f"other.duckdb.building-{gone.pid}"  # another database's: not this build's to judge
    for path in dead + [alive, other]:
        path.write_bytes(b"half a database")
    run_build(SEEDS, db, workers=1)
    assert not any(path.exists() for path in dead)
    assert alive.exists() and other.exists()
    assert query(db, "SELECT count(*) FROM documents") == [(5,)]


def test_incremental_rebuild_reuses_unchanged_and_drops_removed(input_copy, tmp_path):
    db = tmp_path / "inc.duckdb"
    first = run_build(input_copy, db, workers=1)
    assert first.reused == 0
    with duckdb.connect(str(db)) as con:  # an app index made by other SQL is remade even when nothing changed
        con.execute("UPDATE app.version SET sql_hash = 'other'")
    second = run_build(input_copy, db, workers=1)
    assert second.reused == 5 and second.facts == first.facts
    assert query(db, "SELECT sql_hash FROM app.version") == [(load.app_index_version(),)]
    assert query(db, "SELECT count(*) FROM app.fact_index") == [(first.facts,)]
    assert query(db, "SELECT count(*) FROM runs") == [(2,)]
    (input_copy / "001_a6d99f30f310d834.txt").unlink()
    third = run_build(input_copy, db, workers=1)
    assert third.reused == 4
    assert query(db, "SELECT count(*) FROM facts WHERE source_file LIKE '001%'") == [(0,)]
    # the app's index is remade from what the file now holds, and says which SQL made it
    assert query(db, "SELECT count(*) FROM app.fact_index WHERE source_file LIKE '001%'") == [(0,)]
    assert query(db, "SELECT count(*) FROM app.fact_index") == query(db, "SELECT count(*) FROM facts")
    assert query(db, "SELECT sql_hash FROM app.version") == [(load.app_index_version(),)]
    (input_copy / "copy.txt").write_bytes((input_copy / "000_99cf775f10c83dd8.txt").read_bytes())
    fourth = run_build(input_copy, db, workers=1)
    assert fourth.documents == 4 and any("same content" in reason for _, reason in fourth.error_list)


def test_bulletins_are_labelled_by_their_masthead_title_and_issue(seed_db):
    """Not the first line (a slogan in two of the seeds, the publisher's name in another), and never
    one label for two files."""
    with duckdb.connect(str(seed_db), read_only=True) as con:
        titles = dict(con.execute("SELECT source_file, title FROM documents").fetchall())
    assert titles["000_99cf775f10c83dd8.txt"] == "智慧城市产业网简报 2026年5月6日"
    assert titles["001_a6d99f30f310d834.txt"] == "智慧城市产业网简报 2026年6月3日"
    assert titles["002_d93f11f449eae9cb.txt"] == "大数据发展动态 第51期"
    assert titles["003_0324ae380340b6c7.txt"] == "中国重型机械工业协会 政策汇编 总第23期"
    assert not any("为数字创新领导者" in title for title in titles.values())
    assert len(set(titles.values())) == len(titles)


def test_two_files_with_one_title_are_told_apart_by_name(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    for name, day in (("a.txt", "5月30日"), ("b.txt", "6月30日")):
        (folder / name).write_text(f"关于报送材料的通知\n请于2026年{day}前报送。\n", encoding="utf-8")
    (folder / "c.txt").write_text("关于开展评估的通知\n请于2026年7月30日前报送。\n", encoding="utf-8")
    db = tmp_path / "t.duckdb"
    run_build(folder, db, full=True)
    with duckdb.connect(str(db), read_only=True) as con:
        titles = dict(con.execute("SELECT source_file, title FROM documents").fetchall())
    assert titles == {"a.txt": "关于报送材料的通知（a.txt）", "b.txt": "关于报送材料的通知（b.txt）",
                      "c.txt": "关于开展评估的通知"}
