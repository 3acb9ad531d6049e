"""`python -m dashboard users add NAME`: create a staff account (or set its password), asking for the
password twice; `python -m dashboard users list`. The accounts live in the app's store beside the
database ($TRACKER_DB, else data/tracker.duckdb; or --db)."""
from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

from dashboard.db import db_path
from pipeline.ledger import store, users


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m dashboard", description=__doc__.split("\n")[0])
    parser.add_argument("--db", type=Path, default=None, help="the facts database the app reads (default: $TRACKER_DB "
                                                               "or data/tracker.duckdb)")
    commands = parser.add_subparsers(dest="command", required=True)
    accounts = commands.add_parser("users", help="staff accounts").add_subparsers(dest="action", required=True)
    add = accounts.add_parser("add", help="create an account or set its password")
    add.add_argument("name")
    accounts.add_parser("list", help="the account names")
    args = parser.parse_args(argv)

    store_db = store.default_progress_path(args.db or db_path())
    if args.action == "list":
        print("\n".join(users.names(store_db)) or "（没有账号）")
        return 0
    password = getpass.getpass(f"{args.name} 的密码：")
    if password != getpass.getpass("再输入一次："):
        print("两次输入的密码不一致，账号未保存。", file=sys.stderr)
        return 1
    try:
        users.add(store_db, args.name, password)
    except ValueError as exc:
        print(f"{exc}，账号未保存。", file=sys.stderr)
        return 1
    print(f"已保存账号 {args.name.strip()}（{store_db}）。")
    return 0


if __name__ == "__main__":
    sys.exit(main())
