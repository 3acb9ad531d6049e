"""The staff store, embedded (progress.duckdb) against PostgreSQL (TRACKER_STORE): staff writes per second,
the page views that read them, and crowds on two app processes sharing the store. bench/run.py's
`--store` section (it runs alone: `.venv/bin/python bench/run.py --store`).

PostgreSQL is a server of the benchmark's own (tests/postgres_server.py: Debian's package, initdb in a
temp folder, its default settings, fsync on) on this machine, over TCP on localhost: a store on another
host adds the network's round trips to every write and to every page view's check for a change.

- writes: 300 entries a process (half progress entries, half corrections, as the 进度 and 文档 pages
  write them: pipeline/ledger), one process alone, then two processes at once; per write p50/p95 and
  writes per second over the whole run;
- page views: the pages that read the store (overview, deadlines, progress, review) on the seeds, its
  store holding what the writers wrote: the warm rerun, and a new session right after another process
  wrote (every cached reading of the store is stale then);
- crowds: 100 sessions opening a page at once, spread over two app processes (for PostgreSQL each
  reads its own copy of the facts database, as replicas on two hosts; embedded, both read the one file
  beside which the store lies).
"""
from __future__ import annotations

import asyncio
import contextlib
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import duckdb

import pageviews as pv

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))
from postgres_server import PostgresServer  # noqa: E402

WRITES = 300
CROWD = 100
STORE_PAGES = ["overview", "deadlines", "progress", "review"]
CROWD_PAGES = ["deadlines", "progress"]
STORE_ENV = "TRACKER_STORE"

# One process of staff writing through the ledger as the pages do; prints each write's seconds.
WRITER = """
import json, sys, time
from pathlib import Path
from dashboard import queries
from pipeline.ledger import corrections, progress
tracker, count, tag, ids = Path(sys.argv[1]), int(sys.argv[2]), sys.argv[3], sys.argv[4:]
store_db = corrections.store_path(tracker)
facts = {fid: queries.original_fact(tracker, fid) for fid in ids}
seconds = []
for i in range(count):
    fid = ids[i // 2 % len(ids)]
    started = time.perf_counter()
    if i % 2:
        progress.record(store_db, fid, tag, status=progress.DEADLINE_STATUSES[i % 4], note=f"{tag} {i}")
    else:
        fact = {**facts[fid], "agencies": list(facts[fid]["agencies"])}
        corrections.edit(store_db, fid, fact, tag, corrections.fields_of(fact) | {"metric": f"{tag} {i}"})
    seconds.append(time.perf_counter() - started)
print(json.dumps(seconds))
"""


def deadline_ids(db: Path, limit: int = 40) -> list[str]:
    with contextlib.closing(duckdb.connect(str(db), read_only=True)) as con:
        return [r[0] for r in con.execute("SELECT id FROM facts WHERE kind = 'deadline' ORDER BY id LIMIT ?",
                                          [limit]).fetchall()]


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, int(q * len(ordered) + 0.999999) - 1))]


def writes(code: Path, trackers: list[Path], ids: list[str]) -> dict:
    """len(trackers) writer processes at once (each on its facts copy), WRITES writes each."""
    started = time.perf_counter()
    procs = [subprocess.Popen([sys.executable, "-c", WRITER, str(db), str(WRITES), f"staff{n}", *ids], cwd=code,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
             for n, db in enumerate(trackers)]
    each = []
    for proc in procs:
        out, err = proc.communicate(timeout=900)
        if proc.returncode != 0:
            raise RuntimeError(f"writer failed: {err[-2000:]}")
        each.append(json.loads(out))
    seconds = [s for process in each for s in process]
    busy = max(sum(process) for process in each)  # the slowest process's time writing (not starting up)
    return {"processes": len(procs), "writes": len(seconds), "p50": statistics.median(seconds),
            "p95": _percentile(seconds, 0.95), "per_second": len(seconds) / busy,
            "wall": time.perf_counter() - started}


async def after_a_write(port: int, page: str, write, runs: int) -> float:
    """Median seconds of a new session's view of `page` right after another process wrote."""
    times = []
    for _ in range(runs):
        write()
        started = time.perf_counter()
        session = await pv.Session.open(pv.stream_url(port))
        await session.view(page)
        times.append(time.perf_counter() - started)
        await session.close()
    return statistics.median(times)


def _write_one(tracker: Path, fid: str):
    """A progress entry written by this process (the ledger of the measured code), as another app would."""
    from pipeline.ledger import progress

    return lambda: progress.record(progress.default_progress_path(tracker), fid, "另一进程", note=str(time.time()))


@contextlib.contextmanager
def _store_env(url: str | None):
    saved = os.environ.pop(STORE_ENV, None)
    if url:
        os.environ[STORE_ENV] = url
    try:
        yield
    finally:
        os.environ.pop(STORE_ENV, None)
        if saved is not None:
            os.environ[STORE_ENV] = saved


def bench_store(code: Path, seeds_db: Path, app_errors, runs: int = 5) -> tuple[list[str], dict]:
    """Lines for the report and the figures the targets table reads; app_errors(log) lists a log's errors."""
    from pipeline.ledger import store

    measured = {"writes": {}, "pages": {}, "crowds": {}, "errors": []}
    with PostgresServer(durable=True) as server, tempfile.TemporaryDirectory() as folder:
        for label, url in (("embedded", None), ("PostgreSQL", server.fresh_url())):
            hosts = []
            for n in (1, 2):  # a copy of the facts for each app process (PostgreSQL: each host has its own)
                (Path(folder) / label / f"host{n}").mkdir(parents=True)
                hosts.append(Path(shutil.copy2(seeds_db, Path(folder) / label / f"host{n}" / "tracker.duckdb")))
            shared = hosts if url else [hosts[0], hosts[0]]  # embedded: the store beside one file
            ids = deadline_ids(hosts[0])
            with _store_env(url):
                measured["writes"][(label, 1)] = writes(code, shared[:1], ids)
                print(f"{label}: one writer {measured['writes'][(label, 1)]}", flush=True)
                measured["writes"][(label, 2)] = writes(code, shared, ids)
                print(f"{label}: two writers {measured['writes'][(label, 2)]}", flush=True)

                port = pv.free_port()
                log = code.parent / f"app-store-{label}.log"
                log.unlink(missing_ok=True)
                app = pv.start_app(shared[0], port, cwd=code, log=log)
                try:
                    for page in STORE_PAGES:
                        r = asyncio.run(pv.first_and_warm(port, page, runs))
                        r["after_write"] = asyncio.run(after_a_write(port, page, _write_one(shared[1], ids[0]), runs))
                        measured["pages"][(label, page)] = r
                        print(f"{label} {page}: {r}", flush=True)
                finally:
                    pv.stop_app(app)
                    store.close_all()
                measured["errors"] += [f"{label}: {e}" for e in app_errors(log)]

                apps, ports, logs = [], [], []
                try:
                    for n, db in enumerate(shared):
                        ports.append(pv.free_port(8811 + 10 * n, 8839 + 10 * n))
                        logs.append(code.parent / f"app-store-crowd-{label}-{n}.log")
                        logs[-1].unlink(missing_ok=True)
                        apps.append(pv.start_app(db, ports[-1], cwd=code, log=logs[-1]))
                    for page in CROWD_PAGES:
                        asyncio.run(pv.warm_up(ports, page))
                        r = asyncio.run(pv.crowd(ports, page, CROWD))
                        r["memory"] = [pv.memory_mb(a.pid)[0] for a in apps]
                        measured["crowds"][(label, page)] = r
                        measured["errors"] += [f"{label} crowd: {e}" for e in r["errors"]]
                        print(f"{label} crowd {page}: {r}", flush=True)
                finally:
                    for a in apps:
                        pv.stop_app(a)
                for log in logs:
                    measured["errors"] += [f"{label}: {e}" for e in app_errors(log)]
    return report(measured, runs), measured


def report(measured: dict, runs: int) -> list[str]:
    lines = [__doc__.split("\n\n", 1)[1].strip(), "",
             f"Staff writes ({WRITES} a process; per_second: writes over the time the processes spent writing):", "",
             "| store | processes at once | writes | p50 ms | p95 ms | writes/s |", "|---|---:|---:|---:|---:|---:|"]
    for (label, n), r in measured["writes"].items():
        lines.append(f"| {label} | {n} | {r['writes']} | {r['p50'] * 1000:.1f} | {r['p95'] * 1000:.1f} | "
                     f"{r['per_second']:.0f} |")
    lines += ["", f"Page views that read the store (one app process, the seeds, medians of {runs}; *after a write*: "
                  "a new session right after another process wrote, every cached reading stale):", "",
              "| store | page | first view ms | warm rerun ms | after a write ms |", "|---|---|---:|---:|---:|"]
    for (label, page), r in measured["pages"].items():
        lines.append(f"| {label} | {page} | {r['first'] * 1000:.0f} | {r['warm'] * 1000:.0f} | "
                     f"{r['after_write'] * 1000:.0f} |")
    lines += ["", f"{CROWD} sessions open a page at once, spread over two app processes (PostgreSQL: each on its "
                  "own copy of the facts; embedded: both on the one file):", "",
              "| store | page | p50 s | p95 s | max s | views/s | failed | app memory after, MB |",
              "|---|---|---:|---:|---:|---:|---:|---:|"]
    for (label, page), r in measured["crowds"].items():
        lines.append(f"| {label} | {page} | {r['p50']:.2f} | {r['p95']:.2f} | {r['max']:.2f} | {r['per_second']:.1f} | "
                     f"{r['failed']} | {' + '.join(f'{m:.0f}' for m in r['memory'])} |")
    if measured["errors"]:
        lines += ["", "Errors: " + "; ".join(sorted(set(measured["errors"])))[:3000]]
    return lines


def targets(measured: dict) -> list[str]:
    """Rows of the targets table."""
    rows = []
    for page in CROWD_PAGES:
        r = measured["crowds"].get(("PostgreSQL", page))
        if r:
            rows.append(f"| {CROWD} sessions open {page} at once, two app processes sharing a PostgreSQL store: "
                        f"p95 < 3 s, none failed | p95 {r['p95']:.2f} s, {r['failed']} failed | "
                        f"{'yes' if r['p95'] < 3 and not r['failed'] else '**no**'} |")
    return rows
