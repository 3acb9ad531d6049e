"""Staff accounts in the ledger (pipeline/ledger/users.py) and as an administrator runs them
(`python -m dashboard users add | remove | passwd | list`): failed sign-ins written down, lockouts
counted in the store (so shared by processes and kept over restarts), a store from before this
release still read; and the house: the pipeline imports nothing of dashboard/."""
from __future__ import annotations

import ast
import datetime as dt
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

import dashboard.__main__ as cli
from pipeline.ledger import sessions, store, users

pytestmark = pytest.mark.usefixtures("ledger_backend")  # every test against both stores

ROOT = Path(__file__).resolve().parents[1]
PASSWORD = "账号-2026-pw"


def fail(path, now, times: int, name: str = "张三", step=dt.timedelta(seconds=10)) -> None:
    for _ in range(times):
        now[0] += step
        assert not users.verify(path, name, "wrong-password", "10.1.2.3")


def test_each_failure_is_written_down_and_the_fifth_locks(ledger):
    path, now = ledger
    fail(path, now, users.MAX_FAILURES - 1)
    assert users.locked_for(path, "张三") == 0 and users.verify(path, "张三", PASSWORD)  # four: still open
    fail(path, now, users.MAX_FAILURES)  # counted again from that sign-in
    assert users.locked_for(path, "张三") == pytest.approx(users.LOCKOUT.total_seconds())
    now[0] += dt.timedelta(seconds=1)
    with pytest.raises(users.LockedOut):
        users.verify(path, "张三", PASSWORD, "10.9.9.9")  # the right password: still locked
    logged = users.failures(path, "张三")
    assert len(logged) == 2 * users.MAX_FAILURES
    assert logged[0]["locked"] and logged[0]["client"] == "10.9.9.9" and logged[0]["failed_at"] == now[0]
    assert {f["client"] for f in logged[1:]} == {"10.1.2.3"} and not any(f["locked"] for f in logged[1:])
    now[0] += users.LOCKOUT - dt.timedelta(seconds=1)  # tries while locked do not prolong it
    assert users.verify(path, "张三", PASSWORD)


def test_failures_spread_wider_than_the_window_do_not_lock(ledger):
    path, now = ledger
    fail(path, now, 3 * users.MAX_FAILURES, step=users.FAILURE_WINDOW / (users.MAX_FAILURES - 1) * 1.1)
    assert users.locked_for(path, "张三") == 0 and users.verify(path, "张三", PASSWORD)


def test_unknown_names_lock_too_and_a_new_password_unlocks(ledger):
    path, now = ledger
    fail(path, now, users.MAX_FAILURES, name="不存在的人")
    assert users.locked_for(path, "不存在的人") > 0
    fail(path, now, users.MAX_FAILURES)
    assert users.accounts(path)[0]["locked_until"] == now[0] + users.LOCKOUT
    users.set_password(path, "张三", "a-new-password")  # the administrator's passwd
    assert users.accounts(path)[0]["locked_until"] is None and users.verify(path, "张三", "a-new-password")


LOCKER = """
import sys
from pathlib import Path
from pipeline.ledger import users
for _ in range(users.MAX_FAILURES):
    assert not users.verify(Path(sys.argv[1]), "张三", "wrong-password", "another process")
"""


def test_a_lockout_made_by_another_process_holds_here(tmp_path):
    path = tmp_path / "progress.duckdb"
    users.add(path, "张三", PASSWORD)
    subprocess.run([sys.executable, "-c", LOCKER, str(path)], cwd=ROOT, check=True, timeout=120)
    with pytest.raises(users.LockedOut):  # this process never saw a failure, and it was not running then
        users.verify(path, "张三", PASSWORD)
    assert {f["client"] for f in users.failures(path)} == {"another process", None}


def test_a_store_from_before_this_release_is_read_and_upgraded(tmp_path):
    """The accounts table as the previous release made it (no last sign-in, no failures table): an
    embedded file (a PostgreSQL store starts with this release's schema)."""
    path = store.embedded_at(tmp_path / "progress.duckdb")
    with duckdb.connect(str(path.path)) as con:
        con.execute("""CREATE TABLE accounts (name VARCHAR PRIMARY KEY, password_hash VARCHAR NOT NULL,
                       created_at TIMESTAMP, changed_at TIMESTAMP)""")
        con.execute("INSERT INTO accounts VALUES ('老员工', ?, TIMESTAMP '2026-01-05 08:00', NULL)",
                    [users._hasher.hash(PASSWORD)])
    assert users.accounts(path) == [{"name": "老员工", "created_at": dt.datetime(2026, 1, 5, 8, 0),
                                     "last_sign_in_at": None, "locked_until": None}]
    assert users.locked_for(path, "老员工") == 0
    assert users.verify(path, "老员工", PASSWORD)
    assert users.accounts(path)[0]["last_sign_in_at"] is not None


def test_add_passwd_remove_and_list_from_the_command_line(tmp_path, monkeypatch, capsys):
    db = tmp_path / "tracker.duckdb"
    accounts_db = store.default_progress_path(db)
    answers = iter(["first-password", "first-password", "second-password", "second-password"])
    monkeypatch.setattr(cli.getpass, "getpass", lambda prompt="": next(answers))
    run = lambda *args: cli.main(["--db", str(db), "users", *args])  # noqa: E731
    assert run("add", "王五") == 0
    assert run("add", "王五") == 1 and "已存在" in capsys.readouterr().err  # asks for nothing: the name is taken
    session_id, _ = sessions.start(accounts_db, "王五")
    assert run("passwd", "王五") == 0
    assert users.verify(accounts_db, "王五", "second-password") and not users.verify(accounts_db, "王五", "first-password")
    assert sessions.by_id(accounts_db, session_id) is None  # a new password ends the sessions
    assert run("passwd", "没有这个人") == 1 and "没有账号" in capsys.readouterr().err

    for _ in range(users.MAX_FAILURES - 1):  # the wrong first-password above was the first
        users.verify(accounts_db, "王五", "wrong-password")
    capsys.readouterr()
    assert run("list") == 0
    header, row = capsys.readouterr().out.strip().splitlines()
    assert header.split() == ["账号", "创建时间", "最近登录", "锁定至"]
    assert row.split()[0] == "王五" and len(row.split()) == 7  # name, then three dates with their times

    assert run("failures", "王五") == 0
    failed = capsys.readouterr().out.strip().splitlines()
    assert len(failed) == users.MAX_FAILURES and all(line.split()[2:] == ["王五", "—"] for line in failed)
    assert run("failures") == 0 and "没有失败的登录" not in capsys.readouterr().out

    session_id, _ = sessions.start(accounts_db, "王五")
    assert run("remove", "王五") == 0 and users.names(accounts_db) == []
    assert sessions.by_id(accounts_db, session_id) is None
    assert run("remove", "王五") == 1
    assert run("list") == 0 and "没有账号" in capsys.readouterr().out


def test_the_pipeline_imports_nothing_of_the_app():
    """The ledger sits below both sides: no module of pipeline/ imports dashboard, at any depth."""
    reaching_up = []
    for source in (ROOT / "pipeline").rglob("*.py"):
        for node in ast.walk(ast.parse(source.read_text(encoding="utf-8"))):
            names = ([a.name for a in node.names] if isinstance(node, ast.Import)
                     else [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            if any(n == "dashboard" or n.startswith("dashboard.") for n in names):
                reaching_up.append(f"{source.relative_to(ROOT)}:{node.lineno}")
    assert reaching_up == []
