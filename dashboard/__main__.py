"""`python -m dashboard users add | remove | passwd | list | failures`: staff accounts as an administrator
runs them. add and passwd ask for the password twice; remove and passwd end the account's open sessions;
list shows when each account was made, its last sign-in and until when it is locked; failures the
latest failed sign-ins. The accounts live in the app's store beside the database ($TRACKER_DB, else
data/tracker.duckdb; or --db)."""
from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
from pathlib import Path

from dashboard.db import db_path
from pipeline.ledger import store, users


def _local(moment: dt.datetime | None) -> str:
    """A time the ledger holds (UTC) as this machine's local time."""
    if moment is None:
        return "—"
    return moment.replace(tzinfo=dt.timezone.utc).astimezone().strftime("%Y-%m-%d %H:%M")


def _ask_twice(name: str) -> str | None:
    password = getpass.getpass(f"{name} 的密码：")
    if password != getpass.getpass("再输入一次："):
        print("两次输入的密码不一致，账号未保存。", file=sys.stderr)
        return None
    return password


def _failures(store_db: Path, name: str | None, limit: int = 50) -> str:
    rows = users.failures(store_db, name)[:limit]
    if not rows:
        return "（没有失败的登录）"
    return "\n".join(f"{_local(f['failed_at'])}  {f['name']}  {f['client'] or '—'}" + ("  （锁定期间）" if f["locked"] else "")
                     for f in rows)


def _listing(store_db: Path) -> str:
    rows = [("账号", "创建时间", "最近登录", "锁定至")] + [
        (a["name"], _local(a["created_at"]), _local(a["last_sign_in_at"]), _local(a["locked_until"]))
        for a in users.accounts(store_db)]
    if len(rows) == 1:
        return "（没有账号）"
    width = [max(len(r[i]) for r in rows) for i in range(3)]
    return "\n".join("  ".join([*(r[i].ljust(width[i]) for i in range(3)), r[3]]).rstrip() for r in rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=None, help="the facts database the app reads (default: $TRACKER_DB "
                                                               "or data/tracker.duckdb)")
    commands = parser.add_subparsers(dest="command", required=True)
    accounts = commands.add_parser("users", help="staff accounts").add_subparsers(dest="action", required=True)
    accounts.add_parser("add", help="create an account").add_argument("name")
    accounts.add_parser("passwd", help="set a new password (ends the account's sessions, lifts a lockout)"
                        ).add_argument("name")
    accounts.add_parser("remove", help="delete an account (ends its sessions)").add_argument("name")
    accounts.add_parser("list", help="the accounts: created, last sign-in, locked until (local time)")
    accounts.add_parser("failures", help="the latest 50 failed sign-ins: time, name as typed, client address"
                        ).add_argument("name", nargs="?")
    args = parser.parse_args(argv)

    store_db = store.default_progress_path(args.db or db_path())
    if args.action == "list":
        print(_listing(store_db))
        return 0
    if args.action == "failures":
        print(_failures(store_db, args.name))
        return 0
    name = args.name.strip()
    try:
        if args.action == "remove":
            users.remove(store_db, name)
            print(f"已删除账号 {name}，其登录已全部结束（{store_db}）。")
            return 0
        if args.action == "passwd" and name not in users.names(store_db):
            raise users.NoSuchAccount(name)
        if args.action == "add" and name in users.names(store_db):
            raise ValueError(f"账号 {name} 已存在（修改密码请用 passwd）")
        password = _ask_twice(name)
        if password is None:
            return 1
        if args.action == "add":
            users.add(store_db, name, password)
            print(f"已保存账号 {name}（{store_db}）。")
        else:
            users.set_password(store_db, name, password)
            print(f"已为 {name} 设置新密码，其原有登录已全部结束（{store_db}）。")
    except users.NoSuchAccount:
        print(f"没有账号 {name}（{store_db}）。", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"{exc}，账号未保存。", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
