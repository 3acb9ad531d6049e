"""Nothing is lost while the facts database is rebuilt in a loop and another process logs 300
corrections, reading the corrected facts through the app's handle as it goes."""
from __future__ import annotations

import json
import subprocess
import sys

import pytest

from dashboard import queries
from pipeline.ledger import corrections
from test_progress_concurrency import ROOT, rebuilding

pytestmark = pytest.mark.usefixtures("ledger_backend")  # every test against both stores

BULLETIN = ("各单位于2026年5月30日前报送材料。\n到2027年，培育建设一批零碳工厂。\n"
            "到2026年底，打造300个以上示范性强、显示度高、带动性广的典型应用场景。\n")
CORRECTOR = """
import json, sys, time
from pathlib import Path
from dashboard import queries
from pipeline.ledger import corrections
tracker, count, spread = Path(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
ids, store = sys.argv[4:], corrections.store_path(Path(sys.argv[1]))
entries, started = [], time.perf_counter()
for i in range(count):
    fid = ids[i % len(ids)]
    fact = queries.original_fact(tracker, fid)  # as the extractor wrote it: rejected ones too
    fact = {**fact, "agencies": list(fact["agencies"])}
    action = i // len(ids) % 3  # each fact gets each action in turn
    if action == 0:
        entries.append(corrections.confirm(store, fid, fact, "张三"))
    elif action == 1:
        entries.append(corrections.edit(store, fid, fact, "张三",
                                        corrections.fields_of(fact) | {"metric": f"第{i}次更正"}))
    else:
        entries.append(corrections.reject(store, fid, fact, "张三", "duplicate", f"第{i}次"))
    if i % 25 == 0:
        queries.fact_rows(tracker, heads_only=False, limit=None)
    time.sleep(max(0.0, started + spread * (i + 1) / count - time.perf_counter()))  # at least `spread` s in all
print(json.dumps({"entries": entries, "seconds": time.perf_counter() - started}))
"""


def test_300_corrections_survive_a_rebuild_loop(tmp_path):
    with rebuilding(tmp_path, BULLETIN) as (tracker, ids, rebuilds, build_seconds):
        corrector = subprocess.Popen([sys.executable, "-c", CORRECTOR, str(tracker), "300", str(3 * build_seconds), *ids],
                                     cwd=ROOT,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        out, err = corrector.communicate(timeout=600)
    assert corrector.returncode == 0, err
    result = json.loads(out)
    print(f"\n300 corrections in {result['seconds']:.1f}s while {len(rebuilds)} rebuilds ran")
    assert len(rebuilds) >= 2

    log = corrections.log(corrections.store_path(tracker))
    assert len(log) == 300 and set(log["entry_id"]) == set(result["entries"])
    # the last entry on each fact is what the app shows
    shown = queries.corrected_facts(tracker).set_index("id")
    for n, fid in enumerate(ids):
        last = max(i for i in range(300) if i % len(ids) == n)
        if last // len(ids) % 3 == 2:
            assert fid not in shown.index
        else:
            assert fid in shown.index
    targets = queries.correction_targets(tracker)
    assert targets["fact_id"].notna().all() and set(targets["matched_by"]) == {"id"}
