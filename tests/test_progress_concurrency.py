"""Nothing is lost while the facts database is rebuilt in a loop and other processes write progress."""
from __future__ import annotations

import contextlib
import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import duckdb
import pytest

from dashboard import queries
from pipeline.ledger import progress

pytestmark = pytest.mark.usefixtures("ledger_backend")  # every test against both stores

ROOT = Path(__file__).resolve().parents[1]
BULLETIN = "各单位于2026年5月30日前报送材料。\n到2027年，培育建设一批零碳工厂。\n"
RECORDER = """
import json, sys, time
from pathlib import Path
from dashboard import queries
from pipeline.ledger import progress
db, tracker, count, tag, spread = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3]), sys.argv[4], float(sys.argv[5])
fact_ids = sys.argv[6:]
ids, started = [], time.perf_counter()
for i in range(count):
    ids.append(progress.record(db, fact_ids[i % len(fact_ids)], tag, note=f"{tag} {i}",
                               status=progress.DEADLINE_STATUSES[i % 4]))
    if i % 25 == 0:
        queries.progress_state(tracker, db)
    time.sleep(max(0.0, started + spread * (i + 1) / count - time.perf_counter()))  # at least `spread` s in all
print(json.dumps({"ids": ids, "seconds": time.perf_counter() - started}))
"""


def build(input_dir: Path, db: Path) -> None:
    subprocess.run([sys.executable, "-m", "pipeline", "build", "--input", str(input_dir), "--db", str(db),
                    "--quiet"], cwd=ROOT, check=True, capture_output=True)


def fact_ids(db: Path) -> list[str]:
    with contextlib.closing(duckdb.connect(str(db), read_only=True)) as con:
        return [row[0] for row in con.execute("SELECT id FROM facts ORDER BY id").fetchall()]


@contextlib.contextmanager
def rebuilding(tmp_path: Path, bulletin: str):
    """The bulletin built into tmp_path/data/tracker.duckdb, then rebuilt in a loop while the block runs:
    yields the database, its fact ids, the list the loop appends to after each rebuild and how long the
    first build took (a writer spread over three of those overlaps at least two rebuilds, however fast
    its store writes)."""
    inputs = tmp_path / "input"
    inputs.mkdir()
    (inputs / "bulletin.txt").write_text(bulletin, encoding="utf-8")
    tracker = tmp_path / "data" / "tracker.duckdb"
    started = time.perf_counter()
    build(inputs, tracker)
    build_seconds = time.perf_counter() - started
    ids = fact_ids(tracker)
    assert ids, "the fixture bulletin should yield facts"
    stop, rebuilds = threading.Event(), []

    def rebuild_loop():
        while not stop.is_set():
            build(inputs, tracker)
            rebuilds.append(time.monotonic())

    rebuilder = threading.Thread(target=rebuild_loop)
    rebuilder.start()
    try:
        yield tracker, ids, rebuilds, build_seconds
    finally:
        stop.set()
        rebuilder.join()


def start_recorder(db: Path, tracker: Path, count: int, tag: str, ids: list[str], spread: float = 0.0) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-c", RECORDER, str(db), str(tracker), str(count), tag, str(spread), *ids],
                            cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def finish(recorder: subprocess.Popen) -> dict:
    out, err = recorder.communicate(timeout=300)
    assert recorder.returncode == 0, err
    return json.loads(out)


def test_500_updates_survive_a_rebuild_loop(tmp_path):
    with rebuilding(tmp_path, BULLETIN) as (tracker, ids, rebuilds, build_seconds):
        db = progress.default_progress_path(tracker)
        result = finish(start_recorder(db, tracker, 500, "staff", ids, spread=3 * build_seconds))

    print(f"\n500 records in {result['seconds']:.1f}s while {len(rebuilds)} rebuilds ran")
    assert len(rebuilds) >= 2
    log = progress.history(db)
    assert len(log) == 500 and set(log["entry_id"]) == set(result["ids"])
    state = queries.progress_state(tracker, db).set_index("fact_id")
    assert not state["orphaned"].any()
    for n, fid in enumerate(ids):
        last = max(i for i in range(500) if i % len(ids) == n)
        assert state.loc[fid, "note"] == f"staff {last}"


def test_two_writer_processes_and_a_reader_lose_nothing(tmp_path):
    db, tracker = tmp_path / "progress.duckdb", tmp_path / "tracker.duckdb"
    writers = [start_recorder(db, tracker, 200, tag, ["f1", "f2"]) for tag in ("甲", "乙")]
    while any(w.poll() is None for w in writers):
        progress.current_state(db)
        time.sleep(0.05)
    results = [finish(w) for w in writers]
    log = progress.history(db)
    assert len(log) == 400
    assert set(log["entry_id"]) == set(results[0]["ids"]) | set(results[1]["ids"])
