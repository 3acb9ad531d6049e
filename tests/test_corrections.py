"""Staff corrections change what every query returns, on the next read and without a rebuild; they
are an append-only log; a rebuild keeps them (by id, else by file and quote) or lists them as
orphans; and a reviewed bulletin exported as labelled facts scores 1.00 against the corrected facts."""
from __future__ import annotations

import contextlib
import json
import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from dashboard import queries
from dashboard import db as handles
from pipeline.ledger import corrections
from e2e_helpers import AS_OF, DOC_A, DOC_B, make_fixture_db
from pipeline.load import write_app_index

pytestmark = pytest.mark.usefixtures("ledger_backend")  # every test against both stores



@pytest.fixture
def db(tmp_path):
    return make_fixture_db(tmp_path / "tracker.duckdb")


def store_of(db: Path) -> Path:
    return corrections.store_path(db)


def edit_due(db: Path, fact_id: str, due: str, actor: str = "张三") -> None:
    fact = queries.fact(db, fact_id)
    corrections.edit(store_of(db), queries.correction_key(db, fact_id), fact, actor,
                     corrections.fields_of(fact) | {"due_date": due, "due_precision": "day"})


def rebuild(db: Path, change) -> None:
    """A new file swapped in, as the build does: `change(con)` alters the rows, the app index is
    remade, and the file replaced (new identity)."""
    fresh = db.with_name("next.duckdb")
    fresh.write_bytes(db.read_bytes())
    with contextlib.closing(duckdb.connect(str(fresh))) as con:
        change(con)
        write_app_index(con)
    os.replace(fresh, db)


def test_an_edit_shows_in_every_query_marked_with_the_original_kept(db):
    assert queries.due_counts(db, AS_OF)["overdue"] == 1  # f-0430, due 2026-04-30
    edit_due(db, "f-0430", "2026-06-10")
    counts = queries.due_counts(db, AS_OF)
    assert counts["overdue"] == 0 and counts["due_30"] == 4
    fact = queries.fact(db, "f-0430")
    assert str(fact["due_date"]) == "2026-06-10" and fact["correction"] == "edited"
    rows = queries.deadline_rows(db, AS_OF).set_index("id")
    assert str(rows.at["f-0430", "due"]) == "2026-06-10" and rows.at["f-0430", "correction"] == "edited"
    assert rows.at["f-0530", "correction"] == ""
    assert str(queries.original_fact(db, "f-0430")["due_date"]) == "2026-04-30"
    entry = corrections.log(store_of(db)).iloc[-1]
    assert entry["actor"] == "张三" and entry["action"] == "edit"
    assert json.loads(entry["before"])["due_date"] == "2026-04-30" and json.loads(entry["after"])["due_date"] == "2026-06-10"


def test_reject_removes_a_fact_everywhere_and_undo_brings_it_back(db):
    corrections.reject(store_of(db), "f-0525", queries.fact(db, "f-0525"), "李四", "not_a_goal", "往年数据")
    assert queries.fact(db, "f-0525") is None
    assert "f-0525" not in set(queries.all_facts(db)["id"])
    assert queries.due_counts(db, AS_OF)["due_7"] == 0
    assert "f-0525" not in set(queries.corrected_facts(db)["id"])
    corrections.undo(store_of(db), "f-0525", "李四")
    assert queries.fact(db, "f-0525") is not None and queries.due_counts(db, AS_OF)["due_7"] == 1
    assert list(corrections.log(store_of(db))["action"]) == ["reject", "undo"]  # nothing deleted


def test_an_added_fact_gets_a_stable_id_and_shows_everywhere(db):
    line = "应在申请受理后的30日内作出批准、修改后再审或不予批准的决定。"
    place = {"source_file": DOC_A, "doc_id": "a000000000000000", "line": 8, "char_start": line.index("修改后再审"),
             "char_end": line.index("修改后再审") + 5, "quote": "修改后再审"}
    new_id = corrections.add(store_of(db), "张三", place, {"kind": "deadline", "due_date": "2026-06-01",
                                                          "agencies": ["国家数据局"]})
    assert new_id == corrections.added_id(DOC_A, 8, place["char_start"], "修改后再审", "deadline")
    fact = queries.fact(db, new_id)
    assert fact["correction"] == "added" and (fact["char_start"], fact["char_end"]) == (place["char_start"], place["char_end"])
    assert fact["article_id"] == "a000000000000000-2" and list(fact["agencies"]) == ["国家数据局"]
    assert new_id in set(queries.document_facts(db, "a000000000000000", 6, 8)["id"])
    assert new_id in set(queries.deadline_rows(db, AS_OF, agencies=["国家数据局"])["id"])
    assert queries.original_fact(db, new_id) is None


def queue_ids(db: Path, dismissed=(), **filters) -> list[str]:
    """Every item of the review queue, article by article as the page lists them."""
    articles = queries.review_articles(db, dismissed, limit=10_000, **filters)
    items = queries.review_items(db, articles["group_id"], dismissed, **filters)
    order = {group: n for n, group in enumerate(articles["group_id"])}
    return list(items.assign(_at=items["group_id"].map(order)).sort_values("_at", kind="stable")["id"])


def test_confirm_takes_a_fact_off_the_review_queue_without_changing_it(db):
    queue = queue_ids(db)
    assert "f-0430" in queue and queries.review_count(db) == len(queue) == 10
    before = queries.fact(db, "f-0430")
    handle = handles._handles[str(db.resolve())]
    corrections.confirm(store_of(db), "f-0430", before, "张三")
    assert "f-0430" not in queue_ids(db) and queries.review_count(db) == 9
    after = queries.fact(db, "f-0430")
    assert after["correction"] == "confirmed" and after["due_date"] == before["due_date"]
    assert handles._handles[str(db.resolve())] is handle  # the index is not remade for a confirmation


def test_the_queue_holds_every_unreviewed_fact_by_article_most_doubtful_first(db, monkeypatch):
    """Not "new in this build": every fact no one reviewed, whenever it was built; by article, the
    article with the least reliable rule family first, and within it the most doubtful first."""
    monkeypatch.setattr(queries, "family_precision", lambda: {"relative/explicit": 0.8, "milestone/context": 0.7,
                                                               "milestone/explicit": 0.95, "deadline/explicit": 1.0})
    articles = queries.review_articles(db, limit=10)
    assert list(articles["group_id"]) == ["a000000000000000-2", "b000000000000000-1", "a000000000000000-1"]
    assert queue_ids(db)[:2] == ["f-rel", "f-300a"]  # relative (0.8) before an unmeasured target family

    def old_bulletins_and_a_date_from_context(con):
        con.execute("UPDATE documents SET ingested_at = TIMESTAMP '2026-01-01 00:00:00'")  # kept from a build before
        con.execute("UPDATE facts SET due_basis = 'context' WHERE id = 'f-2027'")
    rebuild(db, old_bulletins_and_a_date_from_context)
    assert queries.review_count(db) == 10  # nothing new in this build, nothing reviewed: all of it left
    articles = queries.review_articles(db, limit=10)
    assert articles.iloc[0]["group_id"] == "b000000000000000-1" and articles.iloc[0]["context"] == 1
    assert queue_ids(db)[0] == "f-2027"
    items = queries.review_items(db, ["b000000000000000-1"]).set_index("id")
    assert items.at["f-2027", "why_label"] == "日期由上下文推断，同类评测准确率 70%"


def test_the_queues_filters(db):
    assert set(queue_ids(db, kinds=["deadline"])) == {"f-0530", "f-yearly", "f-0430", "f-0525", "f-0801"}
    assert set(queue_ids(db, doc_ids=["b000000000000000"])) == {"f-2026from", "f-2027", "f-0525", "f-0801", "f-300b"}
    assert set(queue_ids(db, text="零碳工厂")) == {"f-2026from", "f-2027"}
    assert queue_ids(db, reasons=["context"]) == [] and queries.review_count(db, reasons=["explicit"]) == 10
    assert set(queue_ids(db, agencies=["国家发展和改革委员会"])) == {"f-2027"}
    assert queries.review_count(db, kinds=["target"], doc_ids=["a000000000000000"]) == 1


def test_confirm_the_rest_of_an_article_in_one_write(db):
    items = queries.review_items(db, ["a000000000000000-2"])
    assert set(items["id"]) == {"f-300a", "f-rel"}
    done = corrections.confirm_all(store_of(db), [(queries.correction_key(db, i), row) for i, row in
                                                  zip(items["id"], items.to_dict("records"))], "张三")
    assert done == 2 and queries.review_count(db) == 8
    assert "a000000000000000-2" not in set(queries.review_articles(db, limit=10)["group_id"])
    assert {queries.fact(db, i)["correction"] for i in ("f-300a", "f-rel")} == {"confirmed"}


def test_the_queue_lists_rejected_candidates_near_dates_when_the_build_wrote_them(db):
    with contextlib.closing(duckdb.connect(str(db))) as con:
        # the build's own table (pipeline/sql/schema.sql), as it writes rejected spans
        con.execute("INSERT INTO candidates (doc_id, source_file, line, char_start, char_end, quote, span_kind, "
                    "decision, fact_kind, fact_id, reason, detail) VALUES "
                    "('a000000000000000', ?, 8, 5, 10, '受理后的30日', 'date', 'rejected', NULL, NULL, 'plain_date', ''), "
                    "('a000000000000000', ?, 1, 0, 4, '智慧城市', 'quantity', 'rejected', NULL, NULL, 'no_goal_cue', '')",
                    [DOC_A, DOC_A])
    items = queries.review_items(db, ["a000000000000000-2"])
    candidates = items[items["kind"].isna()]
    assert list(candidates["quote"]) == ["受理后的30日"]  # the number on a line without a date is left out
    assert items.iloc[-1]["quote"] == "受理后的30日"  # after the article's facts
    assert candidates.iloc[0]["why_label"] == "未采纳：没有期限或目标词的日期"
    assert queries.review_count(db) == 11
    corrections.dismiss(store_of(db), candidates.iloc[0].to_dict(), "张三")
    dismissed = [k for k, c in corrections.state(store_of(db)).items() if c.state == "dismissed"]
    assert queries.review_count(db, dismissed) == 10
    assert not queries.review_items(db, ["a000000000000000-2"], dismissed)["kind"].isna().any()


def _change_line(con, source_file: str, line: int, text: str) -> None:
    """The bulletin changed: new text on a line, and (as the build gives) new ids for its facts."""
    con.execute("UPDATE lines SET text = ? WHERE source_file = ? AND line = ?", [text, source_file, line])
    con.execute("UPDATE facts SET id = 'new-' || id WHERE source_file = ?", [source_file])


def test_a_rebuild_with_a_changed_line_keeps_the_correction_matched_by_quote(db):
    edit_due(db, "f-0801", "2026-08-15")
    corrections.reject(store_of(db), "f-0525", queries.fact(db, "f-0525"), "张三", "duplicate")
    rebuild(db, lambda con: _change_line(con, DOC_B, 4, "各地工业和信息化主管部门（含计划单列市）应于2026年5月25日前报送推荐名单，"
                                                       "2026年8月1日前完成复核。"))
    assert queries.fact(db, "f-0801") is None
    moved = queries.fact(db, "new-f-0801")
    assert str(moved["due_date"]) == "2026-08-15" and moved["correction"] == "edited"
    assert queries.fact(db, "new-f-0525") is None  # still rejected
    targets = queries.correction_targets(db).set_index("key")
    assert targets.at["f-0801", "matched_by"] == "quote" and targets.at["f-0801", "fact_id"] == "new-f-0801"
    # a later correction of the moved fact is logged under the same key: one history
    assert queries.correction_key(db, "new-f-0801") == "f-0801"


def test_a_correction_whose_line_is_gone_is_listed_as_an_orphan(db):
    edit_due(db, "f-0801", "2026-08-15")
    place = {"source_file": DOC_B, "doc_id": "b000000000000000", "line": 4, "char_start": 0, "char_end": 8,
             "quote": "各地工业和信息化"}
    added = corrections.add(store_of(db), "张三", place, {"kind": "milestone", "due_date": "2026-12-31"})

    def drop_line(con):
        con.execute("DELETE FROM lines WHERE source_file = ? AND line = 4", [DOC_B])
        con.execute("DELETE FROM facts WHERE source_file = ? AND line = 4", [DOC_B])
    rebuild(db, drop_line)
    targets = queries.correction_targets(db).set_index("key")
    assert targets.at["f-0801", "fact_id"] is None or targets["fact_id"].isna()["f-0801"]
    assert targets["fact_id"].isna()[added]
    assert {"f-0801", added} <= set(corrections.state(store_of(db)))  # never dropped
    assert queries.fact(db, added) is None


def test_the_weekly_pdf_reads_the_corrected_facts(db):
    from pipeline.snapshot import render
    edit_due(db, "f-0430", "2026-06-10")
    corrections.reject(store_of(db), "f-0525", queries.fact(db, "f-0525"), "张三", "duplicate")
    goals, every, info = render.load_facts(db)
    by_id = {fact["id"]: fact for fact in every}
    assert str(by_id["f-0430"]["due_date"]) == "2026-06-10" and "f-0525" not in by_id
    assert "f-0525" not in {goal["id"] for goal in goals} and info["facts"] == 9


def test_an_added_fact_the_extractor_later_finds_is_that_fact_corrected_not_a_duplicate(db):
    text = "应在申请受理后的30日内作出批准、修改后再审或不予批准的决定。"
    place = {"source_file": DOC_A, "doc_id": "a000000000000000", "line": 8, "char_start": text.index("修改后再审"),
             "char_end": text.index("修改后再审") + 5, "quote": "修改后再审"}
    added = corrections.add(store_of(db), "张三", place, {"kind": "deadline", "due_date": "2026-06-01"})
    assert queries.fact(db, added)["char_start"] == place["char_start"]

    def the_extractor_finds_it(con):  # a better extractor, with its own date
        con.execute("""INSERT INTO facts (id, doc_id, source_file, line, char_start, char_end, quote, kind, due_date,
                       due_precision, article_id, agencies)
                       SELECT 'found-later', doc_id, source_file, line, ?, ?, '修改后再审', 'deadline',
                              DATE '2026-07-01', 'day', article_id, [] FROM facts WHERE id = 'f-rel'""",
                    [place["char_start"], place["char_end"]])
    rebuild(db, the_extractor_finds_it)
    assert queries.fact(db, added) is None
    found = queries.fact(db, "found-later")
    assert str(found["due_date"]) == "2026-06-01" and found["correction"] == "added"  # the staff's values
    assert list(queries.corrected_facts(db)["quote"]).count("修改后再审") == 1
    assert queries.correction_key(db, "found-later") == added  # a later edit continues its history


def test_the_fold_is_the_log_replayed(tmp_path):
    store = tmp_path / "progress.duckdb"
    fact = {"id": "x", "source_file": "a.txt", "doc_id": "d", "line": 3, "char_start": 0, "char_end": 4,
            "quote": "2026年", "kind": "deadline", "due_date": None}
    corrections.confirm(store, "x", fact, "甲")
    corrections.edit(store, "x", fact, "乙", corrections.fields_of(fact) | {"kind": "milestone"})
    assert corrections.state(store)["x"].state == "edited" and corrections.state(store)["x"].actor == "乙"
    corrections.undo(store, "x", "丙")
    assert corrections.state(store)["x"].state == "confirmed"
    with pytest.raises(ValueError):
        corrections.edit(store, "x", fact, "乙", {"kind": "goal"})
    with pytest.raises(ValueError):
        corrections.reject(store, "x", fact, "乙", "because")


def _evaluate(db: Path, gold: Path, *options: str) -> str:
    result = subprocess.run([sys.executable, "-m", "pipeline", "evaluate", "--gold", str(gold), "--db", str(db), *options],
                            capture_output=True, text=True, check=True, cwd=Path(__file__).resolve().parents[1])
    return next(line for line in result.stdout.splitlines() if line.startswith("score:"))


def test_a_reviewed_bulletin_exported_scores_1_against_the_corrected_database(db, tmp_path):
    store = store_of(db)
    for fact in queries.document_facts(db, "a000000000000000").to_dict("records"):  # line by line
        corrections.confirm(store, fact["id"], fact, "张三")
    edit_due(db, "f-0430", "2026-05-10")
    corrections.reject(store, "f-rel", queries.fact(db, "f-rel"), "张三", "not_a_goal")
    title, period = "国家数据局印发《“数据要素×”三年行动计划（2024—2026年）》", "（2024—2026年）"
    corrections.add(store, "张三", {"source_file": DOC_A, "doc_id": "a000000000000000", "line": 6,
                                   "char_start": title.index(period), "char_end": title.index(period) + len(period),
                                   "quote": period},
                    {"kind": "milestone", "due_date": "2026-12-31", "due_precision": "year"})
    gold = tmp_path / "gold"
    gold.mkdir()
    for name, data in corrections.export_jsonl(queries.corrected_facts(db, [DOC_A])).items():
        (gold / name).write_bytes(data)
    labelled = [json.loads(line) for line in (gold / "000_fixture.facts.jsonl").read_text(encoding="utf-8").splitlines()]
    assert {fact["seed"] for fact in labelled} == {DOC_A} and len(labelled) == 5
    assert {"line": 5, "kind": "deadline", "due": "2026-05-10"}.items() <= next(
        f for f in labelled if f["quote"] == "请于2026年4月30日前报送联系人").items()

    assert _evaluate(db, gold, "--corrected").startswith("score: f1 1.000 recall 1.000 precision 1.000")
    assert not _evaluate(db, gold).startswith("score: f1 1.000")  # the extractor's own facts miss the corrections
