"""Orchestration: read -> segment -> extract -> resolve for each file, then load once.

Files are processed in a pool across the cores; a file that fails becomes a row in ingest_errors
and never stops the others. Unchanged files (same content hash, same rules) are copied from the
previous database instead of extracted again.
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

import pandas as pd

from pipeline import load
from pipeline.extract.facts import extract_article
from pipeline.model import Fact
from pipeline.read import Document, IngestError, Line, discover, normalize_line, read_document, split_lines
from pipeline.resolve import resolve_article, resolve_facts
from pipeline.segment import segment

PACKAGE = Path(__file__).parent
DOC_TABLES = ("documents", "lines", "articles", "facts", "fact_agencies")


def rules_version() -> str:
    """A hash of the code and tables that decide what is extracted: a change re-extracts everything."""
    digest = hashlib.sha1()
    for path in sorted(list((PACKAGE / "extract").glob("*.py")) + list((PACKAGE / "patterns").glob("*.*"))
                       + [PACKAGE / "segment.py", PACKAGE / "resolve.py", PACKAGE / "read.py"]):
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

    def describe(self) -> str:
        return (f"built {self.documents} documents ({self.reused} unchanged), {self.facts} facts, "
                f"{self.errors} rejected files from {self.files} files in {self.seconds:.2f} s")


@dataclass
class Extracted:
    """One document's rows, as plain records so they cross process boundaries cheaply."""
    documents: list[dict]
    lines: list[dict]
    articles: list[dict]
    facts: list[dict]
    fact_agencies: list[dict]
    agencies: list[dict]


def process_document(doc: Document, version: str) -> Extracted:
    """Segment, extract and resolve one decoded document into table rows."""
    articles = segment(doc)
    facts: list[Fact] = []
    agencies = {}
    line_article: dict[int, str] = {}
    for article in articles:
        article.article_id = hashlib.sha1(f"{doc.content_hash}|{article.start_line}".encode()).hexdigest()[:16]
        agencies.update({a.name: a for a in resolve_article(article)})
        for number in range(article.start_line, article.end_line + 1):
            line_article[number] = article.article_id
        facts += extract_article(doc.lines[article.start_line - 1:article.end_line], article)
    covered = {n for a in articles for n in range(a.start_line, a.end_line + 1)}
    loose = [line for line in doc.lines if line.number not in covered]
    facts += extract_article(loose, None) if not articles else []
    agencies.update({a.name: a for a in resolve_facts(facts, doc.content_hash)})
    now = dt.datetime.now()
    title = next((line.text.strip() for line in doc.lines if line.text.strip()), doc.source_file)
    return Extracted(
        documents=[dict(doc_id=doc.doc_id, source_file=doc.source_file, content_hash=doc.content_hash,
                        encoding=doc.encoding, title=title[:200], n_lines=len(doc.lines), n_articles=len(articles),
                        n_facts=len(facts), ingested_at=now, rules_version=version)],
        lines=[dict(doc_id=doc.doc_id, source_file=doc.source_file, line=line.number, text=line.original,
                    article_id=line_article.get(line.number)) for line in doc.lines],
        articles=[dict(article_id=a.article_id, doc_id=doc.doc_id, source_file=doc.source_file, ordinal=a.ordinal,
                       title=a.title, start_line=a.start_line, end_line=a.end_line, kind=a.kind,
                       doc_number=a.doc_number, issued_on=a.issued_on, issued_precision=a.issued_precision,
                       period_start=a.period_start, period_end=a.period_end, issuers=a.issuers) for a in articles],
        facts=[_fact_row(f, doc) for f in facts],
        fact_agencies=[dict(fact_id=f.id, agency_id=agencies[name].agency_id, role=role)
                       for f in facts for name, role in f.agency_roles.items() if name in agencies],
        agencies=[dict(agency_id=a.agency_id, name=a.name, parent=a.parent, level=a.level) for a in agencies.values()],
    )


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
    doc = document_from_text(text, source_file)
    facts: list[Fact] = []
    for article in segment(doc):
        resolve_article(article)
        facts += extract_article(doc.lines[article.start_line - 1:article.end_line], article)
    resolve_facts(facts, doc.content_hash)
    return facts


def run_build(input_dir: Path, db_path: Path, full: bool = False, progress: bool = False,
              workers: int | None = None, fail_after: str | None = None) -> BuildSummary:
    """Build the database from every file under input_dir; see the module docstring."""
    started = time.perf_counter()
    started_at = dt.datetime.now()
    input_dir, db_path = Path(input_dir), Path(db_path)
    version = rules_version()
    paths = discover(input_dir)
    summary = BuildSummary(files=len(paths))
    previous = None if full else _previous_documents(db_path, version)
    reuse: dict[str, str] = {}  # relative path -> doc_id in the previous database
    todo: list[Path] = []
    for path in paths:
        rel = path.relative_to(input_dir).as_posix()
        known = previous.get(rel) if previous else None
        if known and _unchanged(path, known):
            reuse[rel] = known["doc_id"]
        else:
            todo.append(path)

    results: list[tuple[str, Extracted | None, str | None]] = []
    tasks = [(str(p), str(input_dir), version) for p in todo]
    n_workers = workers or min(len(tasks), os.cpu_count() or 1)
    if n_workers > 1 and len(tasks) > 1:
        with ProcessPoolExecutor(max_workers=n_workers) as pool:
            for i, result in enumerate(pool.map(_work, tasks, chunksize=max(1, len(tasks) // (n_workers * 8)))):
                results.append(result)
                _progress(progress, i + 1, len(tasks))
    else:
        for i, task in enumerate(tasks):
            results.append(_work(task))
            _progress(progress, i + 1, len(tasks))

    tables: dict[str, list] = {name: [] for name in DOC_TABLES + ("agencies",)}
    run_id = uuid.uuid4().hex[:12]
    errors = []
    # the same content under two names is one document: the one kept from the last build wins
    seen_hashes: dict[str, str] = {previous[rel]["content_hash"]: rel for rel in reuse}
    for path, extracted, reason in results:
        rel = Path(path).relative_to(input_dir).as_posix()
        if extracted is None:
            errors.append((rel, reason))
            continue
        content_hash = extracted.documents[0]["content_hash"]
        if content_hash in seen_hashes:
            errors.append((rel, f"same content as {seen_hashes[content_hash]}: counted once"))
            continue
        seen_hashes[content_hash] = rel
        for name in tables:
            tables[name].extend(getattr(extracted, name))
    frames = {name: pd.DataFrame(rows) for name, rows in tables.items()}
    if reuse:
        frames = _merge_reused(db_path, reuse, frames)
    frames["agencies"] = frames["agencies"].drop_duplicates("agency_id") if len(frames["agencies"]) else frames["agencies"]
    for rel, reason in errors:
        print(f"rejected {rel}: {reason}", file=sys.stderr)
    frames["ingest_errors"] = pd.DataFrame(
        [dict(run_id=run_id, source_file=rel, reason=reason, failed_at=started_at) for rel, reason in errors])
    summary.documents = len(frames["documents"])
    summary.facts = len(frames["facts"])
    summary.errors = len(errors)
    summary.reused = len(reuse)
    summary.error_list = errors
    old_runs = load.read_previous(db_path, "SELECT * FROM runs")
    summary.seconds = time.perf_counter() - started
    this_run = pd.DataFrame([dict(run_id=run_id, started_at=started_at, finished_at=dt.datetime.now(),
                                  input_dir=str(input_dir), files=summary.files, documents=summary.documents,
                                  facts=summary.facts, errors=summary.errors, reused=summary.reused)])
    frames["runs"] = pd.concat([f for f in (old_runs, this_run) if f is not None and len(f)], ignore_index=True)
    load.write_database(db_path, {name: frames[name] for name in
                                  ("documents", "lines", "articles", "agencies", "facts", "fact_agencies",
                                   "ingest_errors", "runs")}, fail_after=fail_after)
    summary.seconds = time.perf_counter() - started
    return summary


def _progress(enabled: bool, done: int, total: int) -> None:
    if not enabled or total < 2:
        return
    width = 30
    filled = width * done // total
    print(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{total} files", end="" if done < total else "\n",
          file=sys.stderr, flush=True)


def _previous_documents(db_path: Path, version: str) -> dict[str, dict] | None:
    frame = load.read_previous(db_path, "SELECT doc_id, source_file, content_hash, rules_version FROM documents")
    if frame is None:
        return None
    frame = frame[frame["rules_version"] == version]
    return {row.source_file: row._asdict() for row in frame.itertuples(index=False)}


def _unchanged(path: Path, known: dict) -> bool:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest() == known["content_hash"]
    except OSError:
        return False


def _merge_reused(db_path: Path, reuse: dict[str, str], frames: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """Copy the unchanged documents' rows from the previous database."""
    ids = sorted(set(reuse.values()))
    marks = ", ".join("?" for _ in ids)
    for name in DOC_TABLES:
        column = "fact_id" if name == "fact_agencies" else "doc_id"
        if name == "fact_agencies":
            query = f"SELECT fa.* FROM fact_agencies fa JOIN facts f ON f.id = fa.fact_id WHERE f.doc_id IN ({marks})"
        else:
            query = f"SELECT * FROM {name} WHERE {column} IN ({marks})"
        old = load.read_previous(db_path, query, ids)
        if old is not None and len(old):
            frames[name] = pd.concat([f for f in (frames[name], old) if len(f)], ignore_index=True)
    agencies = load.read_previous(db_path, "SELECT agency_id, name, parent, level FROM agencies")
    if agencies is not None and len(agencies):
        frames["agencies"] = pd.concat([f for f in (frames["agencies"], agencies) if len(f)], ignore_index=True)
    return frames
