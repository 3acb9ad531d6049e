"""`python -m dashboard users add | remove | passwd | list | failures`: staff accounts as an administrator
runs them. add and passwd ask for the password twice; remove and passwd end the account's open sessions;
list shows when each account was made, its last sign-in and until when it is locked; failures the
latest failed sign-ins. The accounts live in the app's store: beside the database ($TRACKER_DB, else
data/tracker.duckdb; or --db), or PostgreSQL when TRACKER_STORE is set.

`python -m dashboard store migrate --to postgresql://…` copies the embedded store beside the database
(or --from) into PostgreSQL and prints, per table, the counts and checksums of both, compared; run
again, it adds nothing."""
from __future__ import annotations

import argparse
import datetime as dt
import getpass
import sys
import unicodedata
from pathlib import Path

from dashboard.db import db_path
from pipeline.ledger import migrate, store, users


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


def _width(text: str) -> int:
    """Columns the text takes in a terminal (a Chinese character: two)."""
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _verdict(copied: migrate.Copied) -> str:
    """A table's comparison of source and target, in words."""
    if copied.same:
        return "一致"
    if copied.missing:
        return f"缺 {copied.missing} 行"
    notes = []
    if copied.differing:
        notes.append(f"{copied.differing} 行在目标中已改动（保留目标的）")
    if copied.target_rows > copied.source_rows:
        notes.append(f"目标另有 {copied.target_rows - copied.source_rows} 行（在目标中写入的）")
    return "；".join(notes) or "不一致"


def _migrate(source: Path, target: str) -> int:
    if not store.is_url(target):
        print(f"--to 须为 postgresql:// 地址，而非 {target!r}。", file=sys.stderr)
        return 1
    if not source.exists():
        print(f"没有内嵌存储 {source}，无可迁移。", file=sys.stderr)
        return 1
    try:
        opened = store.at(target)
        copied = migrate.migrate(store.embedded_at(source), opened)
    except store.ERRORS as exc:
        print(f"迁移失败（{type(exc).__name__}: {exc}）；每张表一个事务，未完成的表在目标中不变。", file=sys.stderr)
        return 1
    finally:
        store.close_all()
    rows = [("表", "源行数", "源校验和", "目标行数", "目标校验和", "本次新增", "对比")]
    rows += [(c.table, str(c.source_rows), c.source_checksum, str(c.target_rows), c.target_checksum, str(c.added),
              _verdict(c)) for c in copied]
    width = [max(_width(r[i]) for r in rows) for i in range(6)]
    print(f"{source} → {opened.label}")
    for r in rows:
        cells = [r[0] + " " * (width[0] - _width(r[0]))] + [" " * (width[i] - _width(r[i])) + r[i] for i in range(1, 6)]
        print("  ".join([*cells, r[6]]))
    return 1 if any(c.missing for c in copied) else 0


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
    stores = commands.add_parser("store", help="the staff store").add_subparsers(dest="action", required=True)
    migrating = stores.add_parser("migrate", help="copy the embedded store into PostgreSQL (again: adds nothing)")
    migrating.add_argument("--to", required=True, help="postgresql://user@host/db")
    migrating.add_argument("--from", dest="source", type=Path, default=None,
                           help="the embedded store (default: progress.duckdb beside the database)")
    args = parser.parse_args(argv)

    if args.command == "store":
        return _migrate(args.source or store.default_progress_path(args.db or db_path()), args.to)
    store_db = store.default_progress_path(args.db or db_path())
    where = store.at(store_db).label  # the file, or PostgreSQL when TRACKER_STORE is set
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
            print(f"已删除账号 {name}，其登录已全部结束（{where}）。")
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
            print(f"已保存账号 {name}（{where}）。")
        else:
            users.set_password(store_db, name, password)
            print(f"已为 {name} 设置新密码，其原有登录已全部结束（{where}）。")
    except users.NoSuchAccount:
        print(f"没有账号 {name}（{where}）。", file=sys.stderr)
        return 1
    except ValueError as exc:
        print(f"{exc}，账号未保存。", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
