"""Orchestration: read -> segment -> extract -> resolve for each file, then load.

Files are processed in a pool across the cores; a file that fails becomes a row in ingest_errors
and never stops the others. Each worker turns its document into plain columns; the main process
appends them to the new database in batches (as Arrow tables) as they arrive, so memory stays flat.
Unchanged files (same content hash, same rules) are not read again: their rows are copied from the
previous database inside DuckDB (ATTACH + INSERT ... SELECT). Once the new file is in place, the
calendar feeds are rewritten from it (pipeline/feeds.py).
"""
from __future__ import annotations

import datetime as dt
import hashlib
import os
import sys
import time
import uuid
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

from pipeline import feeds, load
from pipeline.extract.candidates import Candidate, article_candidates
from pipeline.extract.facts import ArticleContext, extract_article
from pipeline.extract.structure import document_reading
from pipeline.labels import bulletin_title
from pipeline.model import Article, Fact
from pipeline.read import Document, IngestError, Line, discover, normalize_line, read_document, split_lines
from pipeline.resolve import resolve_article, resolve_facts
from pipeline.segment import segment

PACKAGE = Path(__file__).parent
DOC_TABLES = tuple(load.DOC_TABLES)  # documents, lines, articles, facts, fact_agencies
BATCH_LINES = 100_000  # rows of `lines` (about 12 MB of text) gathered before the main process appends a batch


def rules_version() -> str:
    """A hash of the code and tables that decide what is extracted and of the table layout:
    a change re-extracts everything."""
    digest = hashlib.sha1()
    for path in sorted(list((PACKAGE / "extract").glob("*.py")) + list((PACKAGE / "patterns").glob("*.*"))
                       + [PACKAGE / name for name in ("segment.py", "resolve.py", "read.py", "formats.py", "labels.py")]
                       + [PACKAGE / "sql" / "schema.sql"]):
        digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


@dataclass
class BuildSummary:
    files: int = 0
    documents: int = 0
    facts: int = 0
    errors: int = 0
    reused: int = 0
    seconds: float = 0.0
    error_list: list[tuple[str, str]] = field(default_factory=list)
    feeds: Path | None = None  # the folder the calendar feeds were written to

    def describe(self) -> str:
        return (f"built {self.documents} documents ({self.reused} unchanged), {self.facts} facts, "
                f"{self.errors} rejected files from {self.files} files in {self.seconds:.2f} s"
                + (f"; calendar feeds in {self.feeds}" if self.feeds else ""))


@dataclass
class Extracted:
    """One document's rows as plain columns (table -> column -> values): cheap to pickle between
    processes, and the workers need neither pyarrow nor DuckDB. Agencies as records (a handful)."""
    content_hash: str
    tables: dict[str, dict[str, list]]
    agencies: list[dict]


def extract_document(doc: Document) -> tuple[list[Article], list[Fact], dict, list[Candidate]]:
    """Segment, extract and resolve one decoded document: (articles, facts, {agency name: Agency},
    every date and quantity span with its decision)."""
    articles = segment(doc)
    parts = [(doc.lines[a.start_line - 1:a.end_line], a) for a in articles] or [(doc.lines, None)]
    facts: list[Fact] = []
    agencies = {}
    by_article = []
    reading = document_reading(doc.lines, articles[0].issued_on if articles else None)
    for lines, article in parts:
        if article:
            article.article_id = hashlib.sha1(f"{doc.content_hash}|{article.start_line}".encode()).hexdigest()[:16]
            agencies.update({a.name: a for a in resolve_article(article)})
        ctx = ArticleContext(article, lines, reading)
        found = extract_article(lines, article, ctx)
        by_article.append((lines, ctx, found))
        facts += found
    agencies.update({a.name: a for a in resolve_facts(facts, doc.content_hash)})
    candidates = [c for lines, ctx, found in by_article for c in article_candidates(lines, ctx, found)]
    return articles, facts, agencies, candidates


def process_document(doc: Document, version: str) -> Extracted:
    """One decoded document -> its table rows."""
    articles, facts, agencies, candidates = extract_document(doc)
    line_article: dict[int, str] = {}
    for article in articles:
        for number in range(article.start_line, article.end_line + 1):
            line_article[number] = article.article_id
    title = bulletin_title([line.text for line in doc.lines], articles[0].start_line if articles else None,
                           doc.source_file)
    n = len(doc.lines)
    rows = {
        "documents": [dict(doc_id=doc.doc_id, source_file=doc.source_file, content_hash=doc.content_hash,
                           encoding=doc.encoding, title=title[:200], n_lines=n, n_articles=len(articles),
                           n_facts=len(facts), ingested_at=dt.datetime.now(), rules_version=version)],
        "articles": [dict(article_id=a.article_id, doc_id=doc.doc_id, source_file=doc.source_file, ordinal=a.ordinal,
                          title=a.title, start_line=a.start_line, end_line=a.end_line, kind=a.kind,
                          doc_number=a.doc_number, issued_on=a.issued_on, issued_precision=a.issued_precision,
                          period_start=a.period_start, period_end=a.period_end, issuers=a.issuers) for a in articles],
        "facts": [_fact_row(f, doc) for f in facts],
        "fact_agencies": [dict(fact_id=f.id, agency_id=agencies[name].agency_id, role=role)
                          for f in facts for name, role in f.agency_roles.items() if name in agencies],
        "candidates": [dict(doc_id=doc.doc_id, source_file=doc.source_file, line=c.line, char_start=c.char_start,
                            char_end=c.char_end, quote=c.quote, span_kind=c.span_kind, decision=c.decision,
                            fact_kind=c.fact_kind, fact_id=c.fact_id, reason=c.reason, detail=c.detail)
                       for c in candidates],
    }
    tables = {name: _columns(records) for name, records in rows.items() if records}
    tables["lines"] = dict(
        doc_id=[doc.doc_id] * n, source_file=[doc.source_file] * n, line=[line.number for line in doc.lines],
        text=[line.original for line in doc.lines], article_id=[line_article.get(line.number) for line in doc.lines])
    return Extracted(doc.content_hash, tables,
                     [dict(agency_id=a.agency_id, name=a.name, parent=a.parent, level=a.level)
                      for a in agencies.values()])


def _columns(records: list[dict]) -> dict[str, list]:
    """Records with the same keys -> {column: values}."""
    return {key: [record[key] for record in records] for key in records[0]}


def _fact_row(f: Fact, doc: Document) -> dict:
    return dict(
        id=f.id, doc_id=doc.doc_id, source_file=doc.source_file, line=f.line, char_start=f.char_start,
        char_end=f.char_end, quote=f.quote, kind=f.kind, due_date=f.due_date, due_precision=f.due_precision,
        due_from=f.due_from, due_basis=f.due_basis, recurrence=f.recurrence, recurrence_rule=f.recurrence_rule,
        value=f.value, value_max=f.value_max, unit=f.unit, comparator=f.comparator, metric=f.metric,
        article_id=f.article.article_id if f.article else None, group_id=f.group_id, agencies=f.agencies,
    )


def _work(args: tuple[str, str, str]) -> tuple[str, Extracted | None, str | None]:
    """Pool task: one file -> rows, or the reason it was rejected."""
    path, input_dir, version = args
    try:
        doc = read_document(Path(path), Path(input_dir))
        return path, process_document(doc, version), None
    except IngestError as exc:
        return path, None, str(exc)
    except Exception as exc:  # one bad file never stops the others
        return path, None, f"internal error while extracting: {type(exc).__name__}: {exc}"


def document_from_text(text: str, source_file: str = "doc.txt") -> Document:
    """An in-memory document, for the fuzz tests and the benchmark's per-MB comparison."""
    lines = []
    for number, original in enumerate(split_lines(text), start=1):
        normalized, offsets = normalize_line(original)
        lines.append(Line(number, original, normalized, offsets))
    digest = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
    return Document(source_file, digest, "utf-8", lines)


def extract_text(text: str, source_file: str = "doc.txt") -> list[Fact]:
    """The whole read -> segment -> extract -> resolve chain for one text, without a database."""
    return extract_document(document_from_text(text, source_file))[1]


def run_build(input_dir: Path, db_path: Path, full: bool = False, progress: bool = False,
              workers: int | None = None, fail_after: str | None = None, write_feeds: bool = True) -> BuildSummary:
    """Build the database from every file under input_dir; see the module docstring. write_feeds False:
    a scratch database nobody subscribes to (python -m pipeline evaluate's) gets no calendar feeds."""
    started = time.perf_counter()
    started_at = dt.datetime.now()
    input_dir, db_path = Path(input_dir), Path(db_path)
    version = rules_version()
    paths = discover(input_dir)
    summary = BuildSummary(files=len(paths))
    previous_rows, copyable = ([], False) if full else load.previous_state(db_path)
    previous = {source_file: (doc_id, content_hash)
                for source_file, doc_id, content_hash, rules in previous_rows if rules == version}
    reuse: dict[str, str] = {}  # relative path -> doc_id in the previous database
    todo: list[Path] = []
    for path in paths:
        rel = path.relative_to(input_dir).as_posix()
        known = previous.get(rel)
        if known and _unchanged(path, known[1]):
            reuse[rel] = known[0]
        else:
            todo.append(path)

    # most previous documents unchanged: start from a copy of the previous file rather than copy their rows
    from_previous = copyable and bool(reuse) and 2 * len(reuse) >= len(previous_rows)
    tasks = [(str(p), str(input_dir), version) for p in todo]
    n_workers = min(workers or os.cpu_count() or 1, len(tasks))
    pool = ProcessPoolExecutor(max_workers=n_workers) if n_workers > 1 else None
    try:
        # the pool forks its workers here, before this process opens the new database (no threads to inherit)
        results = (pool.map(_work, tasks, chunksize=max(1, min(4, len(tasks) // (n_workers * 4)))) if pool
                   else map(_work, tasks))
        with load.DatabaseWriter(db_path, fail_after=fail_after, start_from_previous=from_previous) as out:
            if from_previous:
                summary.reused = out.keep_documents(sorted(set(reuse.values())))
            if pool:  # the workers have the cores: appending on one thread keeps them busy
                out.con.execute("SET threads = 1")
            errors = summary.error_list = _write_new(out, results, input_dir, previous, reuse, progress, len(tasks))
            out.con.execute("RESET threads")
            if reuse and not from_previous:
                if not out.attach_previous():
                    raise RuntimeError(f"{db_path} became unreadable during the build; run again")
                summary.reused = out.copy_documents(sorted(set(reuse.values())))["documents"]
            out.unique_titles()
            summary.documents, summary.facts = out.count("documents"), out.count("facts")
            for name in DOC_TABLES + ("agencies",):
                out.done(name)
            for rel, reason in errors:
                print(f"rejected {rel}: {reason}", file=sys.stderr)
            run_id = uuid.uuid4().hex[:12]
            out.insert_rows("ingest_errors", [dict(run_id=run_id, source_file=rel, reason=reason, failed_at=started_at)
                                              for rel, reason in errors])
            out.done("ingest_errors")
            summary.errors = len(errors)
            if from_previous or out.attach_previous():
                out.copy_runs()
            out.insert_rows("runs", [dict(run_id=run_id, started_at=started_at, finished_at=dt.datetime.now(),
                                          input_dir=str(input_dir), files=summary.files, documents=summary.documents,
                                          facts=summary.facts, errors=summary.errors, reused=summary.reused)])
            out.done("runs")
            out.commit()
    finally:
        if pool:
            pool.shutdown(wait=True, cancel_futures=True)
    if write_feeds:
        summary.feeds = feeds.refresh(db_path)  # subscribed calendars follow every build
    summary.seconds = time.perf_counter() - started
    return summary


def _write_new(out: load.DatabaseWriter, results, input_dir: Path, previous: dict, reuse: dict[str, str],
               progress: bool, total: int) -> list[tuple[str, str]]:
    """Append the extracted documents to the new database in batches as they arrive (in path order);
    returns the rejected files with their reasons."""
    errors = []
    agencies: dict[str, dict] = {}
    # the same content under two names is one document: the one kept from the last build wins
    seen_hashes: dict[str, str] = {previous[rel][1]: rel for rel in reuse}
    batch: dict[str, dict[str, list]] = {}
    pending_lines = 0

    def flush() -> None:
        nonlocal pending_lines
        for name, columns in batch.items():
            out.insert(name, load.arrow_columns(name, columns))
        batch.clear()
        pending_lines = 0

    for i, (path, extracted, reason) in enumerate(results):
        _progress(progress, i + 1, total)
        rel = Path(path).relative_to(input_dir).as_posix()
        if extracted is None:
            errors.append((rel, reason))
            continue
        if extracted.content_hash in seen_hashes:
            errors.append((rel, f"same content as {seen_hashes[extracted.content_hash]}: counted once"))
            continue
        seen_hashes[extracted.content_hash] = rel
        for name, columns in extracted.tables.items():
            if name in batch:
                for column, values in columns.items():
                    batch[name][column].extend(values)
            else:
                batch[name] = columns
        for agency in extracted.agencies:
            agencies.setdefault(agency["agency_id"], agency)
        pending_lines += len(extracted.tables["lines"]["line"])
        if pending_lines >= BATCH_LINES:
            flush()
    flush()
    out.insert_rows("agencies", list(agencies.values()), skip_existing=True)  # same rules, same rows
    return errors


def _progress(enabled: bool, done: int, total: int) -> None:
    if not enabled or total < 2:
        return
    width = 30
    filled = width * done // total
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files", end="" if done < total else "\n",
          file=sys.stderr, flush=True)


def _unchanged(path: Path, content_hash: str) -> bool:
    try:
        with path.open("rb") as handle:
            return hashlib.file_digest(handle, "sha256").hexdigest() == content_hash
    except OSError:
        return False
