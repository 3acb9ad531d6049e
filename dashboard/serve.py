"""Serve the app from several processes behind nginx: `make serve` (N=processes, PORT=address's port);
`make run` is --processes 1: one app process on PORT, no nginx.

One Streamlit process runs every session's pages in one Python interpreter, one page at a time on
one core; a crowd opening the same link queues behind it. This starts N app processes (default:
one a core) on the ports after PORT, all reading the same database (read-only handles; staff's
progress store takes one short write at a time and retries while another process holds it), and
nginx on PORT in front of them:

- sticky sessions: nginx gives each browser a `tracker_route` cookie on its first request and picks
  the process by hashing it, so a tab's websocket, its downloads (/media, kept in the memory of the
  process that ran the page) and its uploads all reach the process holding its session;
- websockets proxied (Upgrade), with no read timeout shorter than a day.

nginx is Debian's package, installed by .ci/system-deps.sh; its configuration, logs and pid file
are written to data/serve/. Ctrl-C (or SIGTERM) stops nginx and every app process; an app process
that dies is started again.
"""
from __future__ import annotations

import argparse
import os
import secrets
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
ROUTE_COOKIE = "tracker_route"
APP = "dashboard/asgi.py"  # the app with its session-cookie endpoint (Streamlit's st.App)

NGINX_CONF = """\
{user}worker_processes 1;
pid {run}/nginx.pid;
error_log {run}/nginx-error.log warn;
events {{ worker_connections 4096; }}
http {{
    log_format routes '$route $upstream_addr $status "$request" $request_time';
    access_log {run}/nginx-access.log routes;
    client_body_temp_path {run}/client_body;
    proxy_temp_path {run}/proxy;
    fastcgi_temp_path {run}/fastcgi;
    uwsgi_temp_path {run}/uwsgi;
    scgi_temp_path {run}/scgi;
    client_max_body_size 200m;  # Streamlit's own upload limit (server.maxUploadSize)

    # A browser without the route cookie gets one: this request's id, which also picks its process.
    map $cookie_{cookie} $route {{ "" $request_id; default $cookie_{cookie}; }}
    map $cookie_{cookie} $route_cookie {{ "" "{cookie}=$request_id; Path=/; HttpOnly; SameSite=Lax"; default ""; }}
    map $http_upgrade $connection_upgrade {{ default upgrade; "" close; }}
    # https when a TLS proxy in front says so: the session cookie is then Secure (dashboard/asgi.py)
    map $http_x_forwarded_proto $forwarded_proto {{ "" $scheme; default $http_x_forwarded_proto; }}

    upstream tracker_app {{
        hash $route consistent;
{servers}
    }}
    server {{
        listen {address}:{port};
        location / {{
            proxy_pass http://tracker_app;
            proxy_http_version 1.1;
            proxy_set_header Host $http_host;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $forwarded_proto;
            proxy_read_timeout 1d;
            proxy_send_timeout 1d;
            proxy_buffering off;
            add_header Set-Cookie $route_cookie;
        }}
    }}
}}
"""


def nginx_binary() -> str:
    found = shutil.which("nginx") or next((p for p in ("/usr/sbin/nginx", "/usr/local/sbin/nginx") if os.access(p, os.X_OK)),
                                          None)
    if not found:
        raise SystemExit("nginx is missing: run `make setup` (it installs the Debian package nginx)")
    return found


def write_nginx_conf(run_dir: Path, address: str, port: int, app_ports: list[int]) -> Path:
    for temp in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi"):
        (run_dir / temp).mkdir(parents=True, exist_ok=True)
    conf = run_dir / "nginx.conf"
    servers = "\n".join(f"        server 127.0.0.1:{p} max_fails=0;" for p in app_ports)
    # started by root, nginx's workers would run as nobody, who cannot write the temp folders here
    user = "user root;\n" if os.geteuid() == 0 else ""
    conf.write_text(NGINX_CONF.format(user=user, run=run_dir, cookie=ROUTE_COOKIE, servers=servers, address=address,
                                      port=port), encoding="utf-8")
    return conf


# `streamlit run`, with TCP_NODELAY on the listening socket (accepted connections inherit it). Streamlit
# binds its socket itself with protocol 0, so asyncio's own TCP_NODELAY (set only when the protocol
# reads IPPROTO_TCP) is skipped: each run's later messages then waited for nginx's delayed
# acknowledgement of the first ones, ~40 ms a page view. Without that private function, plain streamlit run.
STREAMLIT_NODELAY = """
import socket, sys
from streamlit.web.cli import main
try:
    from streamlit.web.server.starlette import starlette_server as server
    bind = server._bind_socket
    def _bind_socket(*args, **kwargs):
        sock = bind(*args, **kwargs)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        return sock
    server._bind_socket = _bind_socket
except (ImportError, AttributeError):
    pass
sys.argv[0] = "streamlit"
sys.exit(main())
"""


def start_app(port: int, env: dict, log: Path) -> subprocess.Popen:
    """One app process as `make run` starts it (see STREAMLIT_NODELAY), on 127.0.0.1:port only (reached
    through nginx)."""
    return subprocess.Popen(
        [sys.executable, "-c", STREAMLIT_NODELAY, "run", APP, "--server.headless", "true",
         "--server.port", str(port), "--server.address", "127.0.0.1"],
        cwd=ROOT, env=env, stdout=open(log, "ab"), stderr=subprocess.STDOUT, start_new_session=True)


def wait_healthy(port: int, process: subprocess.Popen | None = None, seconds: float = 90) -> None:
    """Until the app on the port answers its health check (or the process, when given, has exited)."""
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process is not None and process.poll() is not None:
            raise RuntimeError(f"the app process for port {port} exited ({process.returncode})")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as answer:
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the app on port {port} did not answer in {seconds:.0f} s")


def stop(process: subprocess.Popen) -> None:
    """SIGTERM to the process's own group, SIGKILL after 20 s."""
    if process.poll() is None:
        with _ignore_missing():
            os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            with _ignore_missing():
                os.killpg(process.pid, signal.SIGKILL)
            process.wait()


class _ignore_missing:
    def __enter__(self):
        return self

    def __exit__(self, kind, value, traceback):
        return kind is ProcessLookupError


class Cluster:
    """N app processes and nginx in front; start() returns once all answer, close() stops them."""

    def __init__(self, processes: int, port: int, address: str = "0.0.0.0", run_dir: Path | None = None,
                 env: dict | None = None):
        self.port, self.address = port, address
        self.app_ports = [port + 1 + i for i in range(processes)]
        self.run_dir = (run_dir or ROOT / "data" / "serve").resolve()
        self.env = dict(env or os.environ)
        # one cookie secret for all: a browser's XSRF cookie stays valid whichever process checks it
        self.env.setdefault("STREAMLIT_SERVER_COOKIE_SECRET", secrets.token_hex(32))
        self.apps: dict[int, subprocess.Popen] = {}
        self.nginx: subprocess.Popen | None = None

    def start(self) -> "Cluster":
        self.run_dir.mkdir(parents=True, exist_ok=True)
        try:
            for port in self.app_ports:
                self.apps[port] = start_app(port, self.env, self.run_dir / f"app-{port}.log")
            for port, process in self.apps.items():
                wait_healthy(port, process)
            conf = write_nginx_conf(self.run_dir, self.address, self.port, self.app_ports)
            self.nginx = subprocess.Popen([nginx_binary(), "-p", str(self.run_dir), "-c", str(conf),
                                           "-g", "daemon off;"], start_new_session=True,
                                          stdout=subprocess.DEVNULL, stderr=open(self.run_dir / "nginx-error.log", "ab"))
            wait_healthy(self.port, self.nginx)
        except BaseException:
            self.close()
            raise
        return self

    def restart_dead(self) -> list[int]:
        """Start again every app process that exited; the ports restarted."""
        dead = [port for port, process in self.apps.items() if process.poll() is not None]
        for port in dead:
            self.apps[port] = start_app(port, self.env, self.run_dir / f"app-{port}.log")
        return dead

    def pids(self) -> list[int]:
        return [process.pid for process in self.apps.values()]

    def close(self) -> None:
        if self.nginx is not None:
            stop(self.nginx)
        for process in self.apps.values():
            stop(process)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.close()


def serve_at(port: int) -> str:
    """Give the app's links the address it is served on (TRACKER_APP_URL, unless set: the calendar
    events, the weekly mail and builds started from the app link there) and rewrite the calendar
    feeds when their links pointed elsewhere. Returns the address."""
    os.environ.setdefault("TRACKER_APP_URL", f"http://localhost:{port}")
    db = Path(os.environ.get("TRACKER_DB") or ROOT / "data" / "tracker.duckdb")
    if db.exists():
        from pipeline import feeds

        feeds.refresh(db)  # nothing is written when the links and deadlines are those of the feeds
    return os.environ["TRACKER_APP_URL"]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2, help="app processes (default: one a core)")
    parser.add_argument("--port", type=int, default=8501, help="nginx's port; the apps take the ports after it")
    parser.add_argument("--address", default="0.0.0.0", help="nginx's address (default: every interface)")
    args = parser.parse_args()
    print(f"应用地址（日历和邮件中的链接）：{serve_at(args.port)}", flush=True)
    if args.processes <= 1:  # make run: this process becomes the app
        os.chdir(ROOT)
        os.execv(sys.executable, [sys.executable, "-c", STREAMLIT_NODELAY, "run", APP,
                                  "--server.port", str(args.port)])
    stopping = []
    signal.signal(signal.SIGTERM, lambda *_: stopping.append(True))
    with Cluster(args.processes, args.port, args.address) as cluster:
        print(f"政策目标跟踪 serving on http://{args.address}:{args.port} — nginx in front of {args.processes} app "
              f"processes (ports {cluster.app_ports[0]}–{cluster.app_ports[-1]}); logs in {cluster.run_dir}. Ctrl-C stops.",
              flush=True)
        try:
            while not stopping:
                time.sleep(1)
                for port in cluster.restart_dead():
                    print(f"app process on port {port} exited; started again", flush=True)
                if cluster.nginx.poll() is not None:
                    raise SystemExit(f"nginx exited ({cluster.nginx.returncode}); see {cluster.run_dir}/nginx-error.log")
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    main()
