"""Shared fixtures: the seeds built once per test session into a temporary database; the app's fixture
database with staff signing in by account (tracker); a ledger with one account and a clock the test moves;
a PostgreSQL server of the tests' own and the two stores the ledger's tests run against (ledger_backend)."""
from __future__ import annotations

import datetime as dt
import os
import shutil
from pathlib import Path

import pytest

from pipeline.build import run_build

# A page that fails shows visitors a Chinese apology (dashboard/app.py); under test it raises as well,
# so AppTest's exceptions and the browser tests still catch it (the apps the tests start inherit this).
os.environ.setdefault("TRACKER_SHOW_ERRORS", "1")

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
GOLD = ROOT.parent / "shared" / "gold"


@pytest.fixture(scope="session")
def seed_db(tmp_path_factory) -> Path:
    """data/tracker.duckdb as `make run` builds it, in a temp folder."""
    folder = tmp_path_factory.mktemp("seed_db")
    db = folder / "tracker.duckdb"
    run_build(SEEDS, db, full=True)
    return db


@pytest.fixture
def tracker(tmp_path, monkeypatch) -> Path:
    """The fixture database the app opens (TRACKER_DB), no shared staff password: staff sign in by account
    (a test module defines its own `tracker` where it needs more)."""
    from dashboard import auth
    from e2e_helpers import make_fixture_db

    db = make_fixture_db(tmp_path / "tracker.duckdb")
    monkeypatch.setenv("TRACKER_DB", str(db))
    monkeypatch.delenv(auth.ENV_VAR, raising=False)
    return db


@pytest.fixture
def ledger(tmp_path, monkeypatch, request):
    """A store with the account 张三 (the test module's PASSWORD), and a clock the test moves (store.now is
    what the ledger reads): (path, [now])."""
    from pipeline.ledger import store, users

    path = tmp_path / "progress.duckdb"
    now = [dt.datetime(2026, 5, 20, 9, 0)]
    monkeypatch.setattr(store, "now", lambda: now[0])
    users.add(path, "张三", request.module.PASSWORD)
    return path, now


@pytest.fixture
def input_copy(tmp_path) -> Path:
    """A writable copy of the seeds, for tests that change the input folder."""
    target = tmp_path / "input"
    shutil.copytree(SEEDS, target)
    return target


@pytest.fixture(scope="session")
def postgres_server():
    """A PostgreSQL server of the tests' own (tests/postgres_server.py), started on first use."""
    from postgres_server import PostgresServer

    with PostgresServer(durable=False) as server:
        yield server


@pytest.fixture
def postgres_store(postgres_server, monkeypatch):
    """TRACKER_STORE set to an empty store of its own on the tests' PostgreSQL (processes the test
    starts inherit it); its pools closed at the end."""
    from pipeline.ledger import store

    url = postgres_server.fresh_url()
    monkeypatch.setenv(store.STORE_ENV, url)
    yield url
    store.close_all()


@pytest.fixture(params=["embedded", "postgresql"])
def ledger_backend(request, monkeypatch):
    """Run the test against each store: the embedded file beside the database (TRACKER_STORE unset),
    then PostgreSQL."""
    from pipeline.ledger import store

    if request.param == "embedded":
        monkeypatch.delenv(store.STORE_ENV, raising=False)
        yield request.param
    else:
        yield request.getfixturevalue("postgres_store")


@pytest.fixture
def second_store(request, ledger_backend, tmp_path):
    """Another store of the same kind as the test's (an export imported elsewhere): a second embedded
    file, or a second empty PostgreSQL store."""
    if ledger_backend == "embedded":
        return tmp_path / "elsewhere" / "progress.duckdb"
    return request.getfixturevalue("postgres_server").fresh_url()
