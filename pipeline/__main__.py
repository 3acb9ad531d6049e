"""Command line: `python -m pipeline build [--input seeds] [--db data/tracker.duckdb]`,
`python -m pipeline snapshot [--db ...] [--as-of YYYY-MM-DD] [--out ...]`,
`python -m pipeline remind [--db ...] [--as-of YYYY-MM-DD] --notify URL [--resend]`, and the extractor's own
checks: `explain FILE[:LINE]`, `audit --input DIR`, `evaluate [--gold eval/...] [--db ...]`,
`precision [--db BUILD]`."""
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

    remind = sub.add_parser("remind", help="post the deadlines due in 7 days, in 1 day and overdue to group chats")
    remind.add_argument("--db", default="data/tracker.duckdb", type=Path)
    remind.add_argument("--as-of", default=None, help="YYYY-MM-DD (default: today)")
    remind.add_argument("--notify", action="append", default=None, metavar="URL",
                        help="an Apprise URL (wecombot://, dingtalk://, feishu://, json://, mailto://); repeatable "
                             "(default: TRACKER_NOTIFY, else [notify] urls in .streamlit/secrets.toml)")
    remind.add_argument("--resend", action="store_true", help="post again what was already announced")

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
    evaluate.add_argument("--raise-floors", action="store_true",
                          help="raise eval/floors.json to the scores now (never lowers a floor; adds new documents)")
    evaluate.add_argument("--first-look", metavar="KIND",
                          help="score --gold's documents before any rule is written for them; append a row each "
                               "(KIND: what kind of document) to eval/FIRST_LOOK.md")

    precision = sub.add_parser("precision", help="draw facts at random from a build for a second reader to judge "
                                                 "(eval/precision/), or report the judged samples' precision")
    precision.add_argument("--db", type=Path, help="draw from this build (else: report eval/precision/*.tsv)")
    precision.add_argument("--n", default=40, type=int, help="facts per kind (default 40)")
    precision.add_argument("--out", default=None, type=Path, help="folder for the samples (default eval/precision)")
    precision.add_argument("--seed", default=42, type=int,
                           help="the draw's seed: a new audit takes a new one, so it judges new facts (default 42)")
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
        if args.first_look:
            from pipeline.evaluate import FIRST_LOOK, first_look

            if args.gold is None:
                print("error: --first-look needs --gold (the newly labelled documents)", file=sys.stderr)
                return 2
            rows = first_look(args.gold, {}, args.first_look)
            with FIRST_LOOK.open("a", encoding="utf-8") as out:
                out.write("\n".join(rows) + "\n")
            print("\n".join(rows))
            return 0
        return evaluate_main(args.gold, args.db, args.show_misses, args.corrected, args.raise_floors,
                             args.write_precision)
    if args.command == "precision":
        from pipeline.evaluate import PRECISION_DIR, judged_precision, sample_facts, write_sample

        folder = args.out or PRECISION_DIR
        if args.db is not None:
            for kind in ("deadline", "target", "milestone"):
                write_sample(sample_facts(args.db, kind, args.n, args.seed), folder / f"{kind}.tsv")
            print(f"samples written to {folder}: fill in verdict (yes | no | unsure) and why")
            return 0
        for path in sorted(folder.glob("*.tsv")):
            n, right, unsure = judged_precision(path)
            print(f"{path.stem:<10} {n:>3} judged  {right:>3} yes  {unsure:>3} unsure  precision {(right + unsure) / n:.2f}"
                  if n else f"{path.stem}: empty")
        return 0
    if args.command == "remind":
        from pipeline.remind import main as remind_main

        return remind_main(args)
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
