"""Queries against the fixture database: counts at an as-of date, recurring deadlines, goal
de-duplication, parameterized search, and the cache following a replaced database file."""
from __future__ import annotations

import contextlib
import datetime as dt
import os
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pandas as pd
import pytest

from dashboard import db as handles, queries
from e2e_helpers import AS_OF, DOC_A, delete_facts, make_fixture_db


@pytest.fixture
def db(tmp_path):
    return make_fixture_db(tmp_path / "tracker.duckdb")


def test_counts_at_as_of(db):
    assert queries.due_counts(db, AS_OF) == {
        "due_7": 1,    # 05-25
        "due_30": 3,   # + 05-30, 05-31 (yearly rule)
        "due_90": 4,   # + 08-01
        "overdue": 1,  # 04-30
        "milestones_this_year": 1,
    }


def test_as_of_moves_the_countdown(db):
    later = queries.deadline_rows(db, dt.date(2026, 5, 31)).set_index("id")
    assert later.at["f-0530", "days_left"] == -1
    assert later.at["f-0530", "state"] == "已逾期 1 天"
    assert later.at["f-yearly", "state"] == "今天到期"
    assert queries.due_counts(db, dt.date(2026, 5, 31))["overdue"] == 3


def test_closed_status_is_not_overdue(db):
    statuses = pd.DataFrame({"fact_id": ["f-0430", "f-0525"], "status": ["已提交", "进行中"]})
    rows = queries.deadline_rows(db, AS_OF, statuses).set_index("id")
    assert not rows.at["f-0430", "overdue"] and rows.at["f-0430", "state"] == "已提交"
    assert queries.due_counts(db, AS_OF, statuses)["overdue"] == 0
    empty = pd.DataFrame(columns=["fact_id", "status"])
    assert queries.due_counts(db, AS_OF, empty)["overdue"] == 1


def test_same_goal_shown_once_with_both_sources(db):
    facts = queries.all_facts(db)
    goal = facts[facts["goal_id"] == "g-300"]
    assert len(goal) == 2 and goal["is_head"].sum() == 1
    head = goal[goal["is_head"]].iloc[0]
    assert head["goal_size"] == 2
    assert "智慧城市产业网简报 第7行" in head["sources"] and "工业和信息化部简报 第5行" in head["sources"]


def test_quotes_match_their_lines(db):
    facts = queries.all_facts(db)
    for row in facts.itertuples():
        line = queries.article_lines(db, row.doc_id, row.line, row.line).iloc[0]["text"]
        assert line[row.char_start:row.char_end] == row.quote


@pytest.mark.parametrize("text, expected_ids", [
    ("“模数共振”", {"f-0530", "f-0430", "f-yearly"}),  # metric or article title, “” included
    ("联合实施", {"f-0530", "f-0430", "f-yearly"}),
    ("函送工业和信息化部（科技司）", {"f-0530"}),
    ("300个以上", {"f-300a", "f-300b"}),        # search finds every place a goal is stated
    ("x' OR '1'='1", set()),                    # a quote character is data, not SQL
    ("100%", set()),                            # % and _ match literally
])
def test_search_facts_is_parameterized(db, text, expected_ids):
    assert set(queries.search_facts(db, text)["id"]) == expected_ids


def test_search_lines_with_quote_characters(db):
    hits = queries.search_lines(db, "“模数共振”")
    assert list(hits["line"]) == [2, 4]
    assert queries.search_lines(db, "'; DROP TABLE lines; --").empty
    assert len(queries.search_lines(db, "零碳工厂")) == 2


def test_agencies_ranked_by_open_deadlines(db):
    ranked = queries.agencies_ranked(db, AS_OF)
    assert list(ranked["agency"])[:2] == ["工业和信息化部", "国家数据局"]
    assert ranked.set_index("agency").at["工业和信息化部", "open_deadlines"] == 4


def test_an_agencys_numbers_count_its_goals(db):
    """The agency page's numbers (a row of the ranking) against counting the goals themselves."""
    statuses = pd.DataFrame({"fact_id": ["f-0525"], "status": ["已提交"]})
    goals = queries.fact_rows(db, limit=None)
    for agency in queries.agencies_ranked(db, AS_OF)["agency"]:
        mine = goals[[agency in names for names in goals["agencies"]]]
        deadlines = queries.deadline_rows(db, AS_OF, statuses, agencies=[agency], limit=None)
        assert queries.agency_summary(db, agency, AS_OF, statuses) == {
            "open_deadlines": int(((deadlines["days_left"] >= 0) & ~deadlines["closed"]).sum()),
            "overdue": int(deadlines["overdue"].sum()),
            "targets": int((mine["kind"] == "target").sum()),
            "milestones": int((mine["kind"] == "milestone").sum()),
            "documents": mine["doc_id"].nunique()}, agency
    assert queries.agency_summary(db, "没有这个部门", AS_OF) == dict.fromkeys(
        ("open_deadlines", "overdue", "targets", "milestones", "documents"), 0)


def test_elapsed_share():
    assert queries.elapsed_share(dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2026, 7, 2)) == pytest.approx(0.5)
    assert queries.elapsed_share(dt.date(2026, 1, 1), dt.date(2026, 12, 31), dt.date(2030, 1, 1)) == 1.0
    assert queries.elapsed_share(None, dt.date(2026, 12, 31), AS_OF) is None


def test_cache_picks_up_a_replaced_database(db, tmp_path):
    assert len(queries.all_facts(db)) == 10
    replacement = make_fixture_db(tmp_path / "rebuilt.duckdb")
    delete_facts(replacement, "f-0530")
    os.replace(replacement, db)  # what pipeline/load.py does
    facts = queries.all_facts(db)
    assert len(facts) == 9 and "f-0530" not in set(facts["id"])
    assert queries.due_counts(db, AS_OF)["due_30"] == 2


@pytest.mark.parametrize("change", ["no app schema", "app schema from other SQL"])
def test_a_file_without_a_current_app_index_gets_one_in_memory(db, change):
    """A file built before schema app existed, or by another checkout's SQL, answers as a fresh build
    does: the app builds the index from the file's rows and never reads the stale one."""
    expected = (queries.due_counts(db, AS_OF), sorted(queries.all_facts(db)["id"]),
                list(queries.agencies_ranked(db, AS_OF)["agency"]))
    queries.close_all()
    with contextlib.closing(duckdb.connect(str(db))) as con:
        if change == "no app schema":
            con.execute("DROP SCHEMA app CASCADE")
        else:
            con.execute("DELETE FROM app.fact_index")
            con.execute("UPDATE app.version SET sql_hash = 'other'")
    assert (queries.due_counts(db, AS_OF), sorted(queries.all_facts(db)["id"]),
            list(queries.agencies_ranked(db, AS_OF)["agency"])) == expected


def test_the_builds_app_index_is_what_the_app_reads(db):
    with contextlib.closing(duckdb.connect(str(db))) as con:
        con.execute("DELETE FROM app.fact_index WHERE id = 'f-2027'")
    assert "f-2027" not in set(queries.all_facts(db)["id"]) and queries.fact(db, "f-2027") is None
    assert queries.fact(db, "f-0530")["line"] == 4


def test_missing_database(tmp_path):
    with pytest.raises(queries.DatabaseMissing):
        queries.all_facts(tmp_path / "nope.duckdb")
    (tmp_path / "junk.duckdb").write_bytes(b"not a database")
    with pytest.raises(queries.DatabaseMissing):
        queries.build_info(tmp_path / "junk.duckdb")


def test_db_path_from_env(monkeypatch):
    monkeypatch.delenv("TRACKER_DB", raising=False)
    assert queries.db_path().as_posix() == "data/tracker.duckdb"
    monkeypatch.setenv("TRACKER_DB", "/tmp/x.duckdb")
    assert queries.db_path().as_posix() == "/tmp/x.duckdb"


def test_limits_and_counts_agree_with_the_whole_list(db):
    every = queries.deadline_rows(db, AS_OF, limit=None)
    assert list(queries.deadline_rows(db, AS_OF, limit=3)["id"]) == list(every["id"])[:3]
    assert queries.deadline_count(db, AS_OF) == len(every)
    for scope, expected in (("open", {"f-0525", "f-0530", "f-yearly", "f-0801"}), ("overdue", {"f-0430"}),
                            ("due_7", {"f-0525"}), ("due_30", {"f-0525", "f-0530", "f-yearly"})):
        assert set(queries.deadline_rows(db, AS_OF, scope=scope)["id"]) == expected, scope
        assert queries.deadline_count(db, AS_OF, scope=scope) == len(expected)
        whole = list(queries.deadline_rows(db, AS_OF, scope=scope, limit=None)["id"])
        for limit in (1, 2, 3):  # a limit keeps the first rows, a recurring one among them in its place
            assert list(queries.deadline_rows(db, AS_OF, scope=scope, limit=limit)["id"]) == whole[:limit], scope
    heads = queries.fact_rows(db, limit=None)
    assert len(heads) == queries.fact_count(db) == 9  # ten facts, the 300 个 goal stated twice
    assert list(queries.fact_rows(db, limit=4)["id"]) == list(heads["id"])[:4]
    assert set(queries.fact_rows(db, kinds=["milestone"], agencies=["国家发展和改革委员会"])["id"]) == {"f-2027"}


@pytest.mark.parametrize("agencies", [None, ["工业和信息化部"], ["国家数据局"], ["工业和信息化部", "国家数据局"]])
@pytest.mark.parametrize("kinds", [None, ["target"], ["deadline", "relative"]])
def test_every_filter_path_agrees_with_filtering_the_whole_list(db, agencies, kinds):
    """Counts from the count tables, one agency's goals from agency_index, several agencies' from
    fact_index: the same rows and numbers as filtering every fact in pandas."""
    every = queries.fact_rows(db, limit=None)
    wanted = every[[(not agencies or bool(set(agencies) & set(a))) and (not kinds or k in kinds)
                    for a, k in zip(every["agencies"], every["kind"])]]
    rows = queries.fact_rows(db, kinds=kinds, agencies=agencies)
    assert list(rows["id"]) == list(wanted["id"])
    assert queries.fact_count(db, kinds=kinds, agencies=agencies) == len(wanted)
    if kinds == ["deadline", "relative"]:
        deadlines = queries.deadline_rows(db, AS_OF, agencies=agencies, limit=None)
        assert set(deadlines["id"]) == set(wanted["id"])
        assert queries.deadline_count(db, AS_OF, agencies=agencies) == len(wanted)


def test_a_bulletins_facts_are_every_place_in_it(db):
    every = queries.all_facts(db)
    for doc_id in set(every["doc_id"]):
        mine = every[every["doc_id"] == doc_id]
        assert sorted(queries.document_facts(db, doc_id)["id"]) == sorted(mine["id"])
        heads = list(queries.fact_rows(db, doc_ids=[doc_id], limit=None)["id"])
        assert list(queries.fact_rows(db, doc_ids=[doc_id], limit=2)["id"]) == heads[:2]  # by due date, not line


def test_search_is_literal_and_ignores_case_only_where_text_has_case(db):
    assert list(queries.search_lines(db, "SCRIPT>ALERT(1)")["line"]) == [7]  # parentheses are not a pattern
    assert queries.search_lines(db, "x.*(").empty
    assert queries.search_facts(db, "[").empty


def test_a_rebuild_during_use_is_picked_up_without_errors(db, tmp_path):
    """One thread keeps replacing the file (as pipeline/load.py does) while queries run: every
    answer is one of the two databases, never an error; old handles are closed."""
    import threading

    variants = []
    for name, drop in (("a", None), ("b", "f-0530")):
        path = make_fixture_db(tmp_path / f"{name}.duckdb")
        if drop:
            delete_facts(path, drop)
        variants.append(path.read_bytes())
    stop, errors, swaps = threading.Event(), [], [0]

    def rebuild_loop():
        while not stop.is_set():
            staging = tmp_path / "staging.duckdb"
            staging.write_bytes(variants[swaps[0] % 2])
            os.replace(staging, db)
            swaps[0] += 1
            stop.wait(0.1)

    rebuilder = threading.Thread(target=rebuild_loop)
    rebuilder.start()
    try:
        seen, rounds, give_up = set(), 0, time.monotonic() + 60
        while (rounds < 15 or swaps[0] < 4) and time.monotonic() < give_up:  # queries across several swaps
            rounds += 1
            try:
                seen.add(queries.due_counts(db, AS_OF)["due_30"])
                assert len(queries.deadline_rows(db, AS_OF)) in (5, 6)
                assert queries.fact(db, "f-2027")["line"] == 3
            except queries.DatabaseMissing as exc:  # never: the file is always there, whole
                errors.append(exc)
    finally:
        stop.set()
        rebuilder.join()
    assert not errors and swaps[0] >= 4
    assert seen <= {2, 3}
    # the last file is what the next interaction shows, and only its handle stays open
    final = 3 if swaps[0] % 2 == 1 else 2
    assert queries.due_counts(db, AS_OF)["due_30"] == final
    assert sum(1 for h in handles._handles.values() if not h.retired) == len(handles._handles)


def test_ingest_errors_are_the_latest_runs(db):
    with contextlib.closing(duckdb.connect(str(db))) as con:
        con.execute("INSERT INTO runs (run_id, started_at, finished_at, input_dir, files, documents, facts, errors, "
                    "reused) VALUES ('run-0', ?, ?, 'seeds', 3, 2, 0, 1, 0)",
                    [dt.datetime(2026, 5, 12, 9, 0), dt.datetime(2026, 5, 12, 9, 1)])
        con.execute("INSERT INTO ingest_errors VALUES ('run-0', 'old.txt', 'empty file', ?), "
                    "('run-1', 'b.pdf', 'truncated PDF', ?), ('run-1', 'a.txt', 'binary file', ?)",
                    [dt.datetime(2026, 5, 12, 9, 0)] + [dt.datetime(2026, 5, 13, 9, 0)] * 2)
        n = con.execute("SELECT count(*) FROM facts WHERE source_file = ?", [DOC_A]).fetchone()[0]
    errors = queries.ingest_errors(db)
    assert list(zip(errors["source_file"], errors["reason"])) == [("a.txt", "binary file"), ("b.pdf", "truncated PDF")]
    assert list(queries.ingest_errors(db, source_file="b.pdf")["reason"]) == ["truncated PDF"]
    assert queries.ingest_errors(db, source_file="old.txt").empty
    assert n > 0 and queries.file_fact_count(db, DOC_A) == n
    assert queries.file_fact_count(db, "old.txt") == 0


@pytest.mark.parametrize("index", ["the file's", "built in memory"])
def test_a_process_that_reads_and_exits_at_once_exits_cleanly(db, index):
    """The app's background threads (the index, a spare connection) may still be inside DuckDB when
    a script or a stopped server exits: exit waits for them (or stops them) instead of aborting."""
    script = (f"from pathlib import Path\nfrom dashboard import queries\nfrom pipeline import load\n"
              f"{'load.app_index_is_current = lambda *args: False' if index == 'built in memory' else ''}\n"
              f"queries.build_info(Path({str(db)!r}))\nqueries.forget_results()\n"
              f"queries.build_info(Path({str(db)!r}))\n")
    for _ in range(3):
        done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True,
                              cwd=Path(__file__).resolve().parents[1], timeout=60)
        assert done.returncode == 0, done.stderr[-2000:]
        assert "terminate called" not in done.stderr


@pytest.mark.parametrize("agencies", [None, ["工业和信息化部"], ["国家数据局"], ["工业和信息化部", "国家数据局"]])
@pytest.mark.parametrize("kinds", [None, ["deadline"], ["relative"]])
@pytest.mark.parametrize("closed", [False, True])
def test_deadline_totals_are_the_length_of_the_whole_list(db, agencies, kinds, closed):
    """A list's total, from the count tables (kinds, one agency) or a scan (several agencies), less
    the deadlines staff closed: the length of the list itself, in every scope and at several dates."""
    statuses = pd.DataFrame({"fact_id": ["f-0430", "f-0530", "f-yearly"], "status": ["已提交", "不适用", "进行中"]})
    for as_of in (AS_OF, dt.date(2026, 5, 31), dt.date(2027, 1, 1)):
        for scope in queries.SCOPES:
            kwargs = dict(statuses=statuses if closed else None, agencies=agencies, kinds=kinds, scope=scope)
            every = queries.deadline_rows(db, as_of, limit=None, **kwargs)
            assert queries.deadline_count(db, as_of, **kwargs) == len(every), (as_of, scope)
