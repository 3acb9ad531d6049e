"""Command line: `python -m pipeline build [--input seeds] [--db data/tracker.duckdb]`,
`python -m pipeline snapshot [--db ...] [--as-of YYYY-MM-DD] [--out ...]`."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m pipeline", description="Policy goal tracker pipeline")
    sub = parser.add_subparsers(dest="command", required=True)

    build = sub.add_parser("build", help="read every bulletin under --input and write the database")
    build.add_argument("--input", default="seeds", type=Path, help="folder of bulletins (default: seeds)")
    build.add_argument("--db", default="data/tracker.duckdb", type=Path, help="database to write")
    build.add_argument("--full", action="store_true", help="re-extract every file, even unchanged ones")
    build.add_argument("--quiet", action="store_true", help="no progress bar")

    snapshot = sub.add_parser("snapshot", help="write the weekly PDF snapshot")
    snapshot.add_argument("--db", default="data/tracker.duckdb", type=Path)
    snapshot.add_argument("--as-of", default=None, help="YYYY-MM-DD (default: today)")
    snapshot.add_argument("--out", default=None, type=Path, help="PDF path (default: data/snapshots/<ISO week>.pdf)")
    snapshot.add_argument("--mail-to", default=None, help="mail the PDF to these addresses (comma-separated)")
    snapshot.add_argument("--mail", action="store_true", help="mail the PDF to the list in the settings (see README)")
    snapshot.add_argument("--resend", action="store_true", help="mail again even if this week's PDF was sent")

    args = parser.parse_args(argv)
    if args.command == "build":
        from pipeline.build import run_build

        if not args.input.is_dir():
            print(f"error: input folder not found: {args.input}", file=sys.stderr)
            return 2
        summary = run_build(args.input, args.db, full=args.full, progress=not args.quiet and sys.stderr.isatty())
        print(summary.describe())
        return 0
    from pipeline.snapshot.render import main as snapshot_main

    return snapshot_main(args)


if __name__ == "__main__":
    sys.exit(main())
