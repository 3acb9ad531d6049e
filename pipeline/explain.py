"""`explain FILE[:LINE]` and `audit --input DIR`: the extractor's decisions, read without a database.

explain prints, for every date and quantity span on the asked lines, the fact it became (kind and
normalized values) or the reason code it was rejected with (pipeline/extract/candidates.REASONS).
audit runs the extractor over a folder and groups the lines that hold a date or a goal-like quantity
but gave no fact, by reason code and by the words around the span, most frequent first: the to-do list
of rule families.
"""
from __future__ import annotations

import collections
import os
import re
import sys
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from pipeline.build import extract_document
from pipeline.extract.candidates import REASONS, Candidate
from pipeline.model import Fact
from pipeline.read import IngestError, discover, read_document

_TARGET = re.compile(r"^(?P<path>.+?)(?::(?P<first>\d+)(?:-(?P<last>\d+))?)?$")
_DIGITS = re.compile(r"[0-9０-９一二三四五六七八九十百千万亿两〇零]+")


def fact_values(f: Fact) -> str:
    parts = []
    if f.recurrence:
        parts.append(f"{f.recurrence} ({f.recurrence_rule})" if f.recurrence_rule else f.recurrence)
    if f.due_date:
        parts.append(f"due {f.due_date} ({f.due_precision}, {f.due_basis})")
    if f.due_from:
        parts.append(f"from {f.due_from}")
    if f.value is not None:
        value = f"{f.value:g}" + (f"–{f.value_max:g}" if f.value_max is not None else "")
        parts.append(f"{f.comparator or ''} {value} {f.unit or ''}".strip())
    if f.metric:
        parts.append(f"metric {f.metric}")
    if f.agencies:
        parts.append("agencies " + "、".join(f.agencies))
    return "; ".join(parts)


def explain_main(target: str) -> int:
    m = _TARGET.match(target)
    path = Path(m.group("path"))
    if not path.is_file():
        print(f"error: not a file: {path}", file=sys.stderr)
        return 2
    first = int(m.group("first")) if m.group("first") else None
    last = int(m.group("last") or first) if first else None
    try:
        doc = read_document(path, path.parent)
    except IngestError as exc:
        print(f"error: {path}: {exc}", file=sys.stderr)
        return 1
    _articles, facts, _agencies, candidates = extract_document(doc)
    wanted = (lambda n: first <= n <= last) if first else (lambda n: True)
    by_line: dict[int, list[Candidate]] = collections.defaultdict(list)
    for c in candidates:
        if wanted(c.line):
            by_line[c.line].append(c)
    facts_by_line: dict[int, list[Fact]] = collections.defaultdict(list)
    for f in facts:
        if wanted(f.line):
            facts_by_line[f.line].append(f)
    lines = sorted(set(by_line) | set(facts_by_line)) if first is None else range(first, last + 1)
    for number in lines:
        if number > len(doc.lines):
            break
        print(f"{path}:{number}: {doc.lines[number - 1].original[:160]}")
        for c in by_line.get(number, []):
            verdict = f"fact {c.fact_kind}" if c.decision == "fact" else f"{c.decision} [{c.reason}]"
            print(f"  {c.span_kind:<8} {c.char_start:>4}-{c.char_end:<4} {c.quote!r:<24} {verdict:<34} {c.detail}")
        for f in facts_by_line.get(number, []):
            print(f"  => {f.kind} {f.char_start}-{f.char_end} {f.quote!r}\n     {fact_values(f)}")
        if not by_line.get(number) and not facts_by_line.get(number):
            print("  (no date or quantity span)")
    return 0


def _around(text: str, start: int, end: int, span_kind: str) -> str:
    """The words around a span, numbers blanked: the group a line falls in."""
    before = _DIGITS.sub("#", text[max(0, start - 2):start].strip())
    after = _DIGITS.sub("#", text[end:end + 2].strip())
    return f"{before}<{span_kind}>{after}"


def _audit_file(args: tuple[str, str]) -> tuple[list[tuple], int, str | None]:
    """One file -> (reason, words, 'file:line: text') for each factless line's spans, lines seen, error."""
    path, root = args
    try:
        doc = read_document(Path(path), Path(root))
    except IngestError as exc:
        return [], 0, f"{path}: {exc}"
    _articles, facts, _agencies, candidates = extract_document(doc)
    with_fact = {f.line for f in facts}
    rows = []
    for c in candidates:
        if c.line in with_fact or c.decision != "rejected" or c.reason in ("heading", "article_word"):
            continue
        line = doc.lines[c.line - 1].original
        if c.span_kind == "quantity" and c.reason in ("ordinal_or_structure", "in_title"):
            continue  # not goal-like
        rows.append((c.reason, _around(line, c.char_start, c.char_end, c.span_kind),
                     f"{doc.source_file}:{c.line}: {line[max(0, c.char_start - 30):c.char_end + 30]}"))
    return rows, len(doc.lines), None


def audit_main(input_dir: Path, top: int, examples: int) -> int:
    paths = discover(input_dir)
    tasks = [(str(p), str(input_dir)) for p in paths]
    by_reason: collections.Counter = collections.Counter()
    groups: dict[tuple[str, str], list[str]] = collections.defaultdict(list)
    lines_total = 0
    with ProcessPoolExecutor(max_workers=os.cpu_count() or 1) as pool:
        for rows, n_lines, error in pool.map(_audit_file, tasks, chunksize=8):
            if error:
                print(f"rejected {error}", file=sys.stderr)
            lines_total += n_lines
            for reason, words, example in rows:
                by_reason[reason] += 1
                groups[(reason, words)].append(example)
    spans = sum(by_reason.values())
    print(f"audit of {len(paths)} files, {lines_total} lines: {spans} spans on lines that gave no fact")
    print("by reason code:")
    for reason, n in by_reason.most_common():
        print(f"  {n:>6}  {reason:<22} {REASONS.get(reason, '')}")
    print(f"top {top} groups (reason, words around the span):")
    ranked = sorted(groups.items(), key=lambda item: (-len(item[1]), item[0]))
    for (reason, words), found in ranked[:top]:
        print(f"  {len(found):>5}  {reason:<20} {words}")
        for example in found[:examples]:
            print(f"           {example}")
    return 0
