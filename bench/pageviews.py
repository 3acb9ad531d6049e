"""Whole page views as a browser has the server run them: over Streamlit's websocket protocol
(/_stcore/stream), no browser. A view sends a BackMsg rerun_script naming the page and reads
ForwardMsgs until script_finished; its time is what the user waits for (server time: the script run,
Streamlit's drawing and the messages, on localhost), its bytes what the browser is sent.

    .venv/bin/python bench/pageviews.py --db data/tracker.duckdb [--crowd 10,50,100] [--processes N]

starts the app as `make run` does (or `make serve` with --processes > 1) on free ports and prints
the first view of a new session and the warm rerun of every page, then the crowds. bench/run.py
uses the same functions for its report.
"""
from __future__ import annotations

import argparse
import asyncio
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

ROOT = Path(__file__).resolve().parent.parent
PAGES = ["overview", "timeline", "deadlines", "targets", "agencies", "documents", "search", "progress", "calendar",
         "review"]
FINISHED = ForwardMsg.ScriptFinishedStatus.Name


class ViewFailed(RuntimeError):
    """A view that did not finish successfully (an exception shown, the socket closed, a timeout)."""


def free_port(start: int = 8811, stop: int = 8839) -> int:
    for port in range(start, stop + 1):
        with socket.socket() as probe:
            if probe.connect_ex(("127.0.0.1", port)) != 0:
                return port
    raise RuntimeError(f"no free port in {start}..{stop}")


def start_app(db: Path, port: int, cwd: Path = ROOT, extra: list[str] = (), log: Path | None = None) -> subprocess.Popen:
    """The app as make run starts it (dashboard/serve.py's launcher and app script of cwd's code; the
    project's .streamlit/config.toml read from cwd), headless on `port`, reading `db`; returns once
    the server answers its health check."""
    sys.path.insert(0, str(cwd))
    from dashboard import serve
    from dashboard.serve import STREAMLIT_NODELAY, wait_healthy

    env = dict(os.environ, TRACKER_DB=str(db))
    out = open(log, "ab") if log else subprocess.DEVNULL
    app = subprocess.Popen([sys.executable, "-c", STREAMLIT_NODELAY, "run", getattr(serve, "APP", "dashboard/app.py"),
                            "--server.headless", "true",
                            "--server.port", str(port), "--server.address", "127.0.0.1", *extra],
                           cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    wait_healthy(port, app)
    return app


def stop_app(app: subprocess.Popen) -> None:
    """Stop the app and its children (its own process group, started by start_app)."""
    if app.poll() is None:
        os.killpg(app.pid, signal.SIGTERM)
        try:
            app.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(app.pid, signal.SIGKILL)
            app.wait()


def serve_cluster(db: Path, processes: int, code: Path = ROOT):
    """`make serve`'s nginx and app processes (dashboard/serve.py of `code`), on free ports of ours."""
    sys.path.insert(0, str(code))
    from dashboard.serve import Cluster

    port = free_port()
    if any(free_port(port + 1 + i, port + 1 + i) != port + 1 + i for i in range(processes)):
        raise RuntimeError(f"ports after {port} are taken")
    return Cluster(processes, port, "127.0.0.1", run_dir=code / "data" / f"serve-bench-{port}",
                   env=dict(os.environ, TRACKER_DB=str(db))).start()


def rerun_message(page: str, query: str = "") -> bytes:
    msg = BackMsg()
    msg.rerun_script.page_name = page  # every page answers to its own url_path (the default one only redirects)
    msg.rerun_script.query_string = query
    msg.rerun_script.widget_states.SetInParent()
    return msg.SerializeToString()


class Session:
    """One browser tab's websocket session.

    quick_ack: acknowledge every message at once (TCP_QUICKACK). On this machine a plain client's
    delayed acknowledgement held the rest of every run's messages back ~40 ms after the first ones,
    even for a one-line Streamlit app; with it the time is the server's."""

    def __init__(self, ws, quick_ack: bool):
        self.ws = ws
        self.sock = ws.transport.get_extra_info("socket") if quick_ack and hasattr(socket, "TCP_QUICKACK") else None

    @classmethod
    async def open(cls, url: str, quick_ack: bool = True) -> "Session":
        ws = await websockets.connect(url, subprotocols=["streamlit"], max_size=None, open_timeout=120,
                                      ping_interval=None, compression=None)
        return cls(ws, quick_ack)

    async def view(self, page: str, query: str = "", timeout: float = 300) -> tuple[float, int]:
        """Run `page` and wait for its script_finished: (seconds, bytes received)."""
        started = time.perf_counter()
        await self.ws.send(rerun_message(page, query))
        received, error = 0, None
        async with asyncio.timeout(timeout):
            async for data in self.ws:
                if self.sock is not None:
                    self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
                received += len(data)
                msg = ForwardMsg.FromString(data)
                kind = msg.WhichOneof("type")
                if kind == "delta" and msg.delta.WhichOneof("type") == "new_element" \
                        and msg.delta.new_element.WhichOneof("type") == "exception":
                    error = msg.delta.new_element.exception.message
                elif kind == "page_not_found":
                    error = f"page not found: {page}"
                elif kind == "script_finished":
                    if msg.script_finished in (ForwardMsg.FINISHED_SUCCESSFULLY,) and error is None:
                        return time.perf_counter() - started, received
                    raise ViewFailed(f"{page}: {error or FINISHED(msg.script_finished)}")
        raise ViewFailed(f"{page}: the connection closed before the script finished")

    async def close(self) -> None:
        await self.ws.close()


def stream_url(port: int) -> str:
    return f"ws://127.0.0.1:{port}/_stcore/stream"


async def first_and_warm(port: int, page: str, runs: int) -> dict:
    """`runs` new sessions open `page` (time from connecting to script_finished), each then reruns it
    twice (the second rerun counted: the first may still fill caches); medians and bytes. Then the
    same warm rerun from a plain client (the OS's delayed acknowledgements, as a browser's)."""
    first, warm, first_bytes, warm_bytes, plain = [], [], [], [], []
    session = await Session.open(stream_url(port), quick_ack=False)
    await session.view(page)
    for _ in range(runs):
        plain.append((await session.view(page))[0])
    await session.close()
    for _ in range(runs):
        started = time.perf_counter()
        session = await Session.open(stream_url(port))
        _, received = await session.view(page)
        first.append(time.perf_counter() - started)
        first_bytes.append(received)
        await session.view(page)
        seconds, received = await session.view(page)
        warm.append(seconds)
        warm_bytes.append(received)
        await session.close()
    return dict(first=statistics.median(first), warm=statistics.median(warm), plain=statistics.median(plain),
                first_bytes=max(first_bytes), warm_bytes=max(warm_bytes))


async def crowd(port: int | list[int], page: str, sessions: int, timeout: float = 300) -> dict:
    """`sessions` new sessions open `page` at once (a weekly mail's link): each one's wait from
    connecting to script_finished; p50, p95, max, views per second over the whole burst, failures.
    A list of ports spreads the sessions over them in turn (several processes without the proxy)."""
    ports = port if isinstance(port, list) else [port]

    async def one(i: int) -> float:
        started = time.perf_counter()
        session = await Session.open(stream_url(ports[i % len(ports)]))
        try:
            await session.view(page, timeout=timeout)
        finally:
            await session.close()
        return time.perf_counter() - started

    started = time.perf_counter()
    results = await asyncio.gather(*(one(i) for i in range(sessions)), return_exceptions=True)
    wall = time.perf_counter() - started
    waits = sorted(r for r in results if isinstance(r, float))
    failed = [r for r in results if not isinstance(r, float)]
    pick = lambda q: waits[min(len(waits) - 1, math_ceil(q * len(waits)) - 1)] if waits else float("nan")
    return dict(sessions=sessions, p50=pick(0.5), p95=pick(0.95), max=waits[-1] if waits else float("nan"),
                per_second=len(waits) / wall, failed=len(failed),
                errors=sorted({f"{type(r).__name__}: {r}"[:200] for r in failed}))


def memory_mb(pid: int) -> tuple[float, float]:
    """(resident now, peak resident) of a process, in MB."""
    fields = dict(line.split(":", 1) for line in Path(f"/proc/{pid}/status").read_text().splitlines() if ":" in line)
    return int(fields["VmRSS"].split()[0]) / 1024, int(fields["VmHWM"].split()[0]) / 1024


def math_ceil(x: float) -> int:
    return int(-(-x // 1))


async def warm_up(ports: list[int], page: str) -> None:
    """One view of `page` on each app process: a crowd then meets a server that has served before (its
    modules imported, the database's handle open), as a running server has."""
    for port in ports:
        session = await Session.open(stream_url(port))
        await session.view(page)
        await session.close()


def profiled_crowd(port: int, pid: int, page: str, sessions: int, out: Path, top: int = 15) -> tuple[dict, list[str]]:
    """A crowd while py-spy samples the app process's thread holding the GIL (--gil: one process runs
    Python on one core at a time, so that is what limits a crowd): the crowd's numbers and the top
    frames, by own time and by time including callees, as shares of the samples."""
    raw = out.with_suffix(".folded")
    spy = subprocess.Popen([str(Path(sys.executable).with_name("py-spy")), "record", "--pid", str(pid), "--format", "raw",
                            "--rate", "200", "--gil", "--output", str(raw), "--nonblocking"],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    time.sleep(1.0)  # py-spy attaches
    result = asyncio.run(crowd(port, page, sessions))
    spy.send_signal(signal.SIGINT)
    spy.wait(timeout=60)
    return result, top_frames(raw, top)


def top_frames(folded: Path, top: int) -> list[str]:
    """py-spy's folded stacks ("a;b;c count" a line) as two tables: own time and inclusive time."""
    own, inclusive, total = {}, {}, 0
    for line in folded.read_text(encoding="utf-8", errors="replace").splitlines():
        stack, _, count = line.rpartition(" ")
        if not stack or not count.isdigit():
            continue
        n = int(count)
        frames = [short_frame(f) for f in stack.split(";")]
        frames = [f for f in frames if not f.startswith(("<module>", "process "))] or frames
        total += n
        own[frames[-1]] = own.get(frames[-1], 0) + n
        for frame in set(frames):
            inclusive[frame] = inclusive.get(frame, 0) + n
    if not total:
        return ["(no samples)"]
    lines = [f"{total} samples. Own time (the frame on top of the stack):", "", "| share | frame |", "|---:|---|"]
    lines += [f"| {n / total:.0%} | `{f}` |" for f, n in sorted(own.items(), key=lambda kv: -kv[1])[:top]]
    lines += ["", "Including callees (frames of our code and Streamlit's script runner):", "",
              "| share | frame |", "|---:|---|"]
    chosen = [(f, n) for f, n in sorted(inclusive.items(), key=lambda kv: -kv[1])
              if "dashboard/" in f or "gc.collect" in f or "script_runner" in f or "arrow" in f.lower()
              or "dataframe" in f.lower()]
    lines += [f"| {n / total:.0%} | `{f}` |" for f, n in chosen[:top]]
    return lines


def short_frame(frame: str) -> str:
    """'func (path/to/site-packages/streamlit/x.py:12)' -> 'func (streamlit/x.py)'."""
    name, _, where = frame.partition(" (")
    where = where.rstrip(")").rsplit(":", 1)[0]
    for marker in ("site-packages/", "code/", str(ROOT) + "/"):
        if marker in where:
            where = where.split(marker, 1)[1]
    return f"{name} ({where})" if where else name


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", type=Path, default=ROOT / "data" / "tracker.duckdb")
    parser.add_argument("--pages", default=",".join(PAGES))
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--crowd", default="10,50,100", help="crowd sizes opening --crowd-page at once ('' for none)")
    parser.add_argument("--crowd-page", default="deadlines")
    parser.add_argument("--port", type=int, help="measure an app already serving on this port")
    parser.add_argument("--processes", type=int, default=1, help="app processes behind nginx (make serve); 1: make run")
    parser.add_argument("--profile", type=Path, help="py-spy the app during the largest crowd; top frames to this file")
    parser.add_argument("--set", action="append", default=[], help="a Streamlit option for the app, e.g. runner.postScriptGC=false")
    args = parser.parse_args()
    app = cluster = None
    port = args.port
    if port is None and args.processes > 1:
        cluster = serve_cluster(args.db.resolve(), args.processes)
        port = cluster.port
    elif port is None:
        port = free_port()
        app = start_app(args.db.resolve(), port, extra=[f"--{o.split('=', 1)[0]}={o.split('=', 1)[1]}" for o in args.set])
    try:
        for page in args.pages.split(","):
            r = asyncio.run(first_and_warm(port, page, args.runs))
            print(f"{page:10s} first {r['first'] * 1000:6.0f} ms  warm {r['warm'] * 1000:6.0f} ms  "
                  f"plain client {r['plain'] * 1000:6.0f} ms  "
                  f"first {r['first_bytes'] / 1024:7.0f} KB  warm {r['warm_bytes'] / 1024:7.0f} KB", flush=True)
        sizes = [int(s) for s in args.crowd.split(",") if s]
        for size in sizes:
            if args.profile and size == sizes[-1] and app is not None:
                r, frames = profiled_crowd(port, app.pid, args.crowd_page, size, args.profile)
                args.profile.write_text("\n".join(frames) + "\n", encoding="utf-8")
            else:
                r = asyncio.run(crowd(port, args.crowd_page, size))
            print(f"crowd {size:4d} on {args.crowd_page}: p50 {r['p50']:.2f} s  p95 {r['p95']:.2f} s  max {r['max']:.2f} s"
                  f"  {r['per_second']:.1f} views/s  failed {r['failed']} {r['errors']}", flush=True)
        for pid in ([app.pid] if app is not None else cluster.pids() if cluster is not None else []):
            now, peak = memory_mb(pid)
            print(f"app process {pid}: {now:.0f} MB resident, peak {peak:.0f} MB", flush=True)
    finally:
        if app is not None:
            stop_app(app)
        if cluster is not None:
            cluster.close()


if __name__ == "__main__":
    main()
