"""The staff store on PostgreSQL (TRACKER_STORE) as replicas on several hosts use it: two writers, each
on its own copy of the facts database, one SIGKILLed mid-write, each copy rebuilt: nothing lost, each
entry once; the embedded store migrated (`python -m dashboard store migrate`), again adding nothing;
a restarted server costs no failed read or write."""
from __future__ import annotations

import datetime as dt
import json
import signal
import subprocess
import sys
import threading
from pathlib import Path

import duckdb
import pandas as pd
import pytest

import dashboard.__main__ as cli
from dashboard import queries
from pipeline.ledger import corrections, migrate, progress, reminders, sessions, store, users
from test_progress_concurrency import ROOT, build, fact_ids

PASSWORD = "迁移-2026-pw"
BULLETIN = ("各单位于2026年5月30日前报送材料。\n到2027年，培育建设一批零碳工厂。\n"
            "到2026年底，打造300个以上示范性强、显示度高、带动性广的典型应用场景。\n")
ENTRIES = 300  # a writer's, half corrections and half progress
KILL_AT = 120  # the second writer is killed inside its 120th write

# One replica's staff at work, through the ledger calls the app's pages make: entries first..last, each
# printed once written (acknowledged). kill_at > 0: SIGKILL inside that write, its rows sent to the
# store and its transaction not yet committed.
WRITER = """
import json, os, signal, sys
from pathlib import Path
from dashboard import queries
from pipeline.ledger import corrections, progress, store
tracker, tag, first, last, kill_at = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5])
ids = sys.argv[6:]
store_db = corrections.store_path(tracker)  # as the app names it: TRACKER_STORE sends it to PostgreSQL
if kill_at:
    insert, writes = store.insert, []
    def insert_then_die(*args, **kwargs):
        added = insert(*args, **kwargs)
        writes.append(1)
        if len(writes) == kill_at:
            os.kill(os.getpid(), signal.SIGKILL)
        return added
    store.insert = insert_then_die
for i in range(first, last):
    fid = ids[i // 2 % len(ids)]  # each fact a correction, then a progress entry
    if i % 2:
        entry = progress.record(store_db, fid, tag, note=f"{tag} {i}", status=progress.DEADLINE_STATUSES[i % 4])
    else:
        fact = queries.original_fact(tracker, fid)
        fact = {**fact, "agencies": list(fact["agencies"])}
        action = i // 2 // len(ids) % 3  # each fact gets each action in turn
        if action == 0:
            entry = corrections.confirm(store_db, fid, fact, tag)
        elif action == 1:
            entry = corrections.edit(store_db, fid, fact, tag, corrections.fields_of(fact) | {"metric": f"{tag}第{i}次"})
        else:
            entry = corrections.reject(store_db, fid, fact, tag, "duplicate", f"{tag}第{i}次")
    print(json.dumps({"i": i, "entry": entry}), flush=True)
    if i % 25 == 0:  # the pages that read them
        queries.fact_rows(tracker, heads_only=False, limit=None)
        queries.progress_state(tracker)
"""


def start_writer(tracker: Path, tag: str, first: int, last: int, ids: list[str], kill_at: int = 0) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", WRITER, str(tracker), tag, str(first), str(last), str(kill_at), *ids],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def acknowledged(writer: subprocess.Popen) -> list[dict]:
    out, err = writer.communicate(timeout=600)
    assert writer.returncode in (0, -signal.SIGKILL), err[-3000:]
    return [json.loads(line) for line in out.splitlines()]


def test_two_replicas_lose_nothing_when_one_is_killed_mid_write_and_each_copy_is_rebuilt(tmp_path, postgres_store):
    inputs = tmp_path / "input"
    inputs.mkdir()
    (inputs / "bulletin.txt").write_text(BULLETIN, encoding="utf-8")
    hosts = [tmp_path / f"host{n}" / "data" / "tracker.duckdb" for n in (1, 2)]
    for copy in hosts:  # each host builds its own copy from the same bulletins
        build(inputs, copy)
    ids = fact_ids(hosts[0])
    assert ids and fact_ids(hosts[1]) == ids  # fact ids are stable

    done, rebuilds = threading.Event(), []

    def rebuild_each_copy():
        while not done.is_set():
            for copy in hosts:
                build(inputs, copy)
                rebuilds.append(copy)

    rebuilder = threading.Thread(target=rebuild_each_copy)
    rebuilder.start()
    try:
        first = start_writer(hosts[0], "甲", 0, ENTRIES, ids)
        killed = start_writer(hosts[1], "乙", 0, ENTRIES, ids, kill_at=KILL_AT)
        before_kill = acknowledged(killed)
        assert killed.returncode == -signal.SIGKILL and len(before_kill) == KILL_AT - 1
        restarted = start_writer(hosts[1], "乙", KILL_AT - 1, ENTRIES, ids)  # the replica back: the rest of its work
        entries = acknowledged(first) + before_kill + acknowledged(restarted)
    finally:
        done.set()
        rebuilder.join()
    assert {hosts[0], hosts[1]} <= set(rebuilds)
    for copy in hosts:
        build(inputs, copy)

    assert len(entries) == 2 * ENTRIES
    store_db = corrections.store_path(hosts[0])
    logged = list(corrections.log(store_db)["entry_id"]) + list(progress.history(store_db)["entry_id"])
    assert sorted(logged) == sorted(e["entry"] for e in entries)  # each once; the killed write left nothing

    state = corrections.state(store_db)
    history = progress.history(store_db)  # newest first
    for copy in hosts:  # both copies, rebuilt, show the one store
        shown = queries.corrected_facts(copy).set_index("id")
        for fid in ids:
            assert (fid in shown.index) == (state[fid].state != "rejected")
        assert set(queries.correction_targets(copy)["matched_by"]) == {"id"}
        current = queries.progress_state(copy).set_index("fact_id")
        for fid in ids:  # a rejected fact's progress is an orphan's; every other is on its fact
            assert current.loc[fid, "orphaned"] == (state[fid].state == "rejected")
            assert current.loc[fid, "note"] == history[history["fact_id"] == fid].iloc[0]["note"]


def fill(where) -> dict:
    """Rows in every table of a store, through the ledger as the app writes them."""
    users.add(where, "张三", PASSWORD)
    users.add(where, "李四", PASSWORD)
    assert not users.verify(where, "李四", "wrong-password", "10.0.0.9")
    session_id, code = sessions.start(where, "张三", "10.0.0.7")
    token = sessions.redeem(where, code)
    fact = {"source_file": "a.txt", "doc_id": "d", "line": 3, "char_start": 0, "char_end": 4, "quote": "2026年",
            "kind": "deadline", "due_date": dt.date(2026, 5, 30)}
    corrections.confirm(where, "f1", fact, "张三")
    corrections.edit(where, "f2", fact, "张三", corrections.fields_of(fact) | {"metric": "报送材料", "agencies": ["国家数据局"]})
    corrections.reject(where, "f3", fact, "李四", "not_a_goal", "过去的统计")
    progress.record(where, "f1", "张三", status="进行中", owner="李四", note='含逗号,引号"和\n换行')
    progress.record(where, "t1", "李四", actual_value=1 / 3, observed_on=dt.date(2026, 1, 31), actual_source="统计")
    progress.relink(where, "t1", "t2", "李四")
    run_id, sent_at = reminders.new_run()
    reminders.record(where, [{"run_id": run_id, "sent_at": sent_at, "as_of": dt.date(2026, 5, 25), "channel": "c1",
                              "channel_label": "钉钉 …abcd", "fact_id": "f1", "due": dt.date(2026, 5, 30), "stage": "7d",
                              "title": "报送材料", "sent": True, "reason": None}])
    return {"token": token}


def readings(where) -> dict:
    """The store as the app reads it."""
    return {"progress": progress.current_state(where), "history": progress.history(where),
            "corrections": corrections.log(where), "accounts": users.accounts(where), "failures": users.failures(where),
            "sends": reminders.recent_sends(where)}


def test_migrate_copies_every_table_compares_them_and_twice_adds_nothing(tmp_path, postgres_store, capsys):
    tracker = tmp_path / "tracker.duckdb"
    embedded = store.embedded_at(store.default_progress_path(tracker))
    token = fill(embedded)["token"]
    assert cli.main(["--db", str(tracker), "store", "migrate", "--to", postgres_store]) == 0
    first = capsys.readouterr().out.splitlines()
    assert first[0].startswith(str(embedded.path)) and len(first) == 2 + len(migrate.TABLES)
    assert all(line.split()[-1] == "一致" and line.split()[1] == line.split()[3] == line.split()[5]
               for line in first[2:])  # every row copied: counts and checksums the same
    assert cli.main(["--db", str(tracker), "store", "migrate", "--to", postgres_store]) == 0
    second = capsys.readouterr().out.splitlines()
    assert [line.split()[5] for line in second[2:]] == ["0"] * len(migrate.TABLES)  # nothing added
    assert [line.split()[:5] for line in second[2:]] == [line.split()[:5] for line in first[2:]]

    app_store = store.default_progress_path(tracker)  # as the app names it, with TRACKER_STORE set
    migrated, source = readings(app_store), readings(embedded)
    for name in ("progress", "history", "corrections", "sends"):
        pd.testing.assert_frame_equal(migrated[name], source[name])
    assert migrated["accounts"] == source["accounts"] and migrated["failures"] == source["failures"]
    assert sessions.by_token(app_store, token).name == "张三"  # signed in still, now on PostgreSQL
    assert users.verify(app_store, "李四", PASSWORD)


def test_a_store_from_before_sign_in_times_migrates(tmp_path, postgres_store):
    path = tmp_path / "progress.duckdb"
    with duckdb.connect(str(path)) as con:  # accounts as the release before last made them
        con.execute("""CREATE TABLE accounts (name VARCHAR PRIMARY KEY, password_hash VARCHAR NOT NULL,
                       created_at TIMESTAMP, changed_at TIMESTAMP)""")
        con.execute("INSERT INTO accounts VALUES ('老员工', ?, TIMESTAMP '2026-01-05 08:00', NULL)",
                    [users._hasher.hash(PASSWORD)])
    copied = {c.table: c for c in migrate.migrate(store.embedded_at(path), store.at(postgres_store))}
    assert copied["accounts"].same and copied["accounts"].added == 1 and copied["progress_log"].source_rows == 0
    assert users.accounts(path)[0]["last_sign_in_at"] is None and users.verify(path, "老员工", PASSWORD)


def test_a_restarted_server_costs_no_failed_read_or_write(tmp_path, postgres_server, postgres_store):
    where = tmp_path / "progress.duckdb"
    progress.record(where, "f1", "张三", status="进行中")
    postgres_server.restart()  # every pooled connection is cut
    assert progress.current_state(where)["status"].tolist() == ["进行中"]
    progress.record(where, "f1", "张三", status="已提交")
    assert progress.current_state(where)["status"].tolist() == ["已提交"]
