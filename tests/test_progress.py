"""The progress store: latest-per-field state, orphans, relink/close, CSV round trip, the SQL view."""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pandas as pd
import pytest

from dashboard import queries
from pipeline.ledger import progress, store
from pipeline.load import write_database

pytestmark = pytest.mark.usefixtures("ledger_backend")  # every test against both stores

DEADLINE = {"kind": "deadline", "quote": "各单位于2026年5月30日前报送材料", "source_file": "a.txt",
            "line": 1, "due_date": dt.date(2026, 5, 30), "value": None}


def make_facts_db(path: Path, fact_ids: list[str]) -> None:
    """A facts database as the pipeline writes it (same schema, atomic replace), holding these ids."""
    rows = [{"id": fid, "doc_id": "d1", "source_file": "a.txt", "line": n + 1, "char_start": 0, "char_end": 4,
             "quote": f"事实{n}", "kind": "deadline"} for n, fid in enumerate(fact_ids)]
    write_database(path, {"facts": pd.DataFrame(rows)})


def state_of(progress_db: Path, fact_id: str, tracker_db: Path | None = None) -> dict:
    state = queries.progress_state(tracker_db, progress_db) if tracker_db else progress.current_state(progress_db)
    return state[state["fact_id"] == fact_id].iloc[0].to_dict()


def test_default_path_sits_next_to_the_facts_database():
    assert progress.default_progress_path(Path("data/tracker.duckdb")) == Path("data/progress.duckdb")


def test_empty_store_has_the_state_columns(tmp_path):
    state = queries.progress_state(tmp_path / "tracker.duckdb", tmp_path / "progress.duckdb")
    assert state.empty
    assert {"fact_id", "status", "owner", "note", "actual_value", "observed_on", "actual_source",
            "updated_at", "updated_by", "orphaned", "snapshot_quote"} <= set(state.columns)


def test_latest_value_per_field_wins_and_a_note_keeps_the_status(tmp_path):
    db = tmp_path / "progress.duckdb"
    progress.record(db, "f1", "张三", status="进行中", owner="李四", fact_snapshot=DEADLINE)
    progress.record(db, "f1", "王五", note="已联系牵头单位")
    progress.record(db, "f1", "王五", status="已提交")
    row = state_of(db, "f1")
    assert (row["status"], row["owner"], row["note"]) == ("已提交", "李四", "已联系牵头单位")
    assert row["updated_by"] == "王五"
    assert row["snapshot_quote"] == DEADLINE["quote"]
    progress.record(db, "f1", "王五", owner="")  # an empty string clears
    assert pd.isna(state_of(db, "f1")["owner"])
    assert len(progress.history(db, "f1")) == 4


def test_actuals_for_a_target(tmp_path):
    db = tmp_path / "progress.duckdb"
    progress.record(db, "t1", "张三", actual_value=120, observed_on=dt.date(2026, 6, 30), actual_source="工信部通报")
    progress.record(db, "t1", "张三", actual_value=180.5, observed_on=dt.date(2026, 9, 30), actual_source="年报")
    row = state_of(db, "t1")
    assert row["actual_value"] == 180.5
    assert pd.Timestamp(row["observed_on"]).date() == dt.date(2026, 9, 30)
    assert row["actual_source"] == "年报"


def test_unknown_status_is_refused(tmp_path):
    with pytest.raises(ValueError):
        progress.record(tmp_path / "progress.duckdb", "f1", "张三", status="完成了")


def test_orphan_shows_then_relink_and_close(tmp_path):
    tracker, db = tmp_path / "tracker.duckdb", tmp_path / "progress.duckdb"
    make_facts_db(tracker, ["old", "gone"])
    progress.record(db, "old", "张三", status="进行中", owner="李四", note="等材料", fact_snapshot=DEADLINE)
    progress.record(db, "gone", "张三", status="待办", fact_snapshot=DEADLINE)
    assert not queries.progress_state(tracker, db)["orphaned"].any()

    make_facts_db(tracker, ["new"])  # a rebuild: the wording changed, one fact vanished
    state = queries.progress_state(tracker, db).set_index("fact_id")
    assert state.loc["old", "orphaned"] and state.loc["gone", "orphaned"]
    assert state.loc["gone", "snapshot_quote"] == DEADLINE["quote"]  # still showable

    progress.relink(db, "old", "new", "王五")
    progress.close_orphan(db, "gone", "王五")
    state = queries.progress_state(tracker, db).set_index("fact_id")
    assert (state.loc["new", "status"], state.loc["new", "owner"], state.loc["new", "note"]) == ("进行中", "李四", "等材料")
    assert not state.loc["new", "orphaned"]
    assert state.loc["old", "closed"] and state.loc["old", "relinked_to"] == "new"
    assert state.loc["gone", "closed"] and state.loc["gone", "status"] == "待办"  # history kept
    assert len(progress.history(db)) == 5  # relink is two entries; nothing deleted


def test_progress_current_view_matches_current_state(tmp_path):
    db = tmp_path / "progress.duckdb"
    progress.record(db, "f1", "张三", status="已提交", fact_snapshot=DEADLINE)
    progress.record(db, "t1", "张三", actual_value=3.0)
    with store.reading(db) as con:
        view = con.frame("SELECT * FROM progress_current ORDER BY fact_id")
    state = progress.current_state(db)
    assert list(view.columns) == [c for c in state.columns if c != "orphaned"]
    pd.testing.assert_frame_equal(view, state.drop(columns="orphaned"))


def test_import_of_an_export_gives_the_same_state_and_twice_adds_nothing(tmp_path, second_store):
    db, copy = tmp_path / "progress.duckdb", second_store
    progress.record(db, "f1", "张三", status="进行中", note='含逗号,引号"和\n换行', fact_snapshot=DEADLINE)
    progress.record(db, "f1", "张三", owner="")
    progress.record(db, "t1", "李四", actual_value=1 / 3, observed_on=dt.date(2026, 1, 31), actual_source="统计")
    progress.relink(db, "t1", "t2", "李四")
    progress.close_orphan(db, "f1", "李四")
    exported = progress.export_csv(db)

    assert progress.import_csv(copy, exported) == 6
    pd.testing.assert_frame_equal(progress.current_state(copy), progress.current_state(db))
    assert progress.import_csv(copy, exported) == 0
    assert progress.import_csv(db, exported) == 0
    assert progress.export_csv(copy) == exported


def test_import_refuses_a_foreign_csv(tmp_path):
    with pytest.raises(ValueError):
        progress.import_csv(tmp_path / "progress.duckdb", "名称,数量\n甲,1\n".encode())


def test_export_of_an_empty_store_is_a_header_that_imports_as_nothing(tmp_path):
    exported = progress.export_csv(tmp_path / "none.duckdb")
    assert progress.import_csv(tmp_path / "progress.duckdb", exported) == 0
