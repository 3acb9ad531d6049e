"""Command line: `python -m pipeline build [--input seeds] [--db data/tracker.duckdb]`,
`python -m pipeline snapshot [--db ...] [--as-of YYYY-MM-DD] [--out ...]`, and the extractor's own
checks: `explain FILE[:LINE]`, `audit --input DIR`, `evaluate [--gold eval/...] [--db ...]`."""
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

    explain = sub.add_parser("explain", help="every date and quantity span on a file's line(s): fact or rejected, and why")
    explain.add_argument("target", help="FILE, FILE:LINE or FILE:FIRST-LAST")

    audit = sub.add_parser("audit", help="lines with a date or goal-like quantity that gave no fact, grouped by reason")
    audit.add_argument("--input", required=True, type=Path, help="folder of documents")
    audit.add_argument("--top", default=30, type=int, help="groups to print (default 30)")
    audit.add_argument("--examples", default=2, type=int, help="example lines per group (default 2)")

    evaluate = sub.add_parser("evaluate", help="precision, recall and F1 against labelled documents (eval/)")
    evaluate.add_argument("--gold", default=None, type=Path,
                          help="an evaluation set (docs/ + gold/) or a folder of them (default: all of eval/)")
    evaluate.add_argument("--db", default=None, type=Path, help="score this database instead of building docs/")
    evaluate.add_argument("--show-misses", default=0, type=int, help="misses and extras to list per set")
    evaluate.add_argument("--corrected", action="store_true",
                          help="with --db: score the facts as the app shows them, staff corrections applied")
    evaluate.add_argument("--write-precision", action="store_true",
                          help="write each rule family's precision to eval/precision.json (the review queue reads it)")

    args = parser.parse_args(argv)
    if args.command == "explain":
        from pipeline.explain import explain_main

        return explain_main(args.target)
    if args.command == "audit":
        from pipeline.explain import audit_main

        if not args.input.is_dir():
            print(f"error: input folder not found: {args.input}", file=sys.stderr)
            return 2
        return audit_main(args.input, args.top, args.examples)
    if args.command == "evaluate":
        from pipeline.evaluate import main as evaluate_main

        if args.corrected and args.db is None:
            print("error: --corrected needs --db (the database staff corrected)", file=sys.stderr)
            return 2
        return evaluate_main(args.gold, args.db, args.show_misses, args.corrected, args.write_precision)
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
