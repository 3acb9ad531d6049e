"""Staff corrections of the extracted facts: an append-only log in the app's own store, and how
the log is applied to the facts the app's index is made from.

The log (`corrections_log` in the app's store, store.py) records who did what, when, with the fact's values
before and after: confirm, reject (with a reason), edit, add (a fact the extractor missed), undo
(of an earlier entry) and dismiss (a rejected candidate staff agree is no fact). Nothing is ever
updated or deleted; the current state of each fact is a fold over its entries (state()).

Every entry keeps the fact's place (file, line, span, quote), so a rebuild keeps the correction:
matched by the fact's stable id, and when the text moved or changed (a changed bulletin gives its
facts new ids), by the file and the quote. A correction that matches no fact is an orphan, listed
on the review page, never dropped. The app's handle on the facts database (dashboard/db.py) applies
them in SQL (apply()) before it builds the app's index, so every page reads corrected rows.
"""
from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import hashlib
import json
import math
import threading
import uuid
from pathlib import Path

import duckdb
import pandas as pd

from pipeline.ledger import store

EDITABLE = ("kind", "due_date", "due_precision", "due_from", "recurrence", "recurrence_rule", "value", "value_max",
            "unit", "comparator", "metric", "agencies")
ANCHOR = ("source_file", "doc_id", "line", "char_start", "char_end", "quote")
KINDS = ("deadline", "target", "milestone", "relative")
PRECISIONS = ("day", "month", "quarter", "year")
RECURRENCES = ("yearly", "half-yearly", "quarterly", "monthly")
COMPARATORS = (">=", ">", "=", "<=", "<", "~")
REJECT_REASONS = {"wrong_kind": "类型错误", "not_a_goal": "不是目标（如过去的统计数据）", "duplicate": "重复",
                  "wrong_span": "原文范围错误", "other": "其他"}
ACTIONS = {"confirm": "确认", "reject": "驳回", "edit": "修改", "add": "添加", "undo": "撤销", "dismiss": "确认非事实"}
STATES = {"confirmed": "已确认", "rejected": "已驳回", "edited": "已更正", "added": "已添加", "dismissed": "确认非事实"}
CANDIDATE_PREFIX = "candidate:"  # the key of a rejected candidate (it has no fact id)

LOG_COLUMNS = {
    "entry_id": "VARCHAR", "fact_id": "VARCHAR", "action": "VARCHAR", "recorded_at": "TIMESTAMP",  # UTC
    "actor": "VARCHAR", "reason": "VARCHAR", "note": "VARCHAR", "undoes": "VARCHAR",
    "source_file": "VARCHAR", "doc_id": "VARCHAR", "line": "INTEGER", "char_start": "INTEGER",
    "char_end": "INTEGER", "quote": "VARCHAR",
    "before": "VARCHAR", "after": "VARCHAR",  # JSON: the editable fields before and after
}
SCHEMA = f"""CREATE TABLE IF NOT EXISTS corrections_log (
    {", ".join(f"{name} {kind}" for name, kind in LOG_COLUMNS.items())}, PRIMARY KEY (entry_id))"""


def store_path(tracker_db: Path) -> Path:
    return store.default_progress_path(tracker_db)


# ---- writing ------------------------------------------------------------------------------------

def _plain(value):
    """A field value as JSON holds it: dates as ISO text, numbers as floats, lists as lists."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return None
    if isinstance(value, (dt.date, pd.Timestamp)):
        return pd.Timestamp(value).date().isoformat()
    if hasattr(value, "tolist"):
        value = value.tolist()
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return float(value)
    try:
        if pd.isna(value):
            return None
    except (TypeError, ValueError):
        pass
    return str(value)


def fields_of(fact: dict) -> dict:
    """The editable fields of a fact row, in plain values."""
    return {name: _plain(fact.get(name)) for name in EDITABLE}


def _append(store_db: Path, entries: list[dict]) -> None:
    rows = [[entry.get(name) for name in LOG_COLUMNS] for entry in entries]
    with store.writing(store_db, SCHEMA) as con:
        store.insert(con, "corrections_log", list(LOG_COLUMNS), rows, key="entry_id")
    _forget(store_db)


def _entry(key: str, action: str, actor: str, fact: dict | None = None, **values) -> dict:
    if not key or not actor:
        raise ValueError("a fact and a signed-in account are required")
    place = {name: (None if fact is None else _plain(fact.get(name))) for name in ANCHOR}
    for name in ("line", "char_start", "char_end"):
        place[name] = None if place[name] is None else int(place[name])
    return {"entry_id": uuid.uuid4().hex, "fact_id": key, "action": action,
            "recorded_at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), "actor": actor,
            **place, **values}


def confirm(store_db: Path, key: str, fact: dict, actor: str) -> str:
    """The fact is right as shown."""
    entry = _entry(key, "confirm", actor, fact)
    _append(store_db, [entry])
    return entry["entry_id"]


def confirm_all(store_db: Path, facts: list[tuple[str, dict]], actor: str) -> int:
    """Several facts (key, fact) right as shown, in one write: the rest of an article staff read
    through on the review page. Returns how many."""
    entries = [_entry(key, "confirm", actor, fact) for key, fact in facts]
    if entries:
        _append(store_db, entries)
    return len(entries)


def reject(store_db: Path, key: str, fact: dict, actor: str, reason: str, note: str = "") -> str:
    """The fact is no fact (wrong kind, not a goal, a duplicate ...): it leaves every page."""
    if reason not in REJECT_REASONS:
        raise ValueError(f"unknown reason {reason!r}; expected one of {tuple(REJECT_REASONS)}")
    entry = _entry(key, "reject", actor, fact, reason=reason, note=note or None,
                   before=json.dumps(fields_of(fact), ensure_ascii=False))
    _append(store_db, [entry])
    return entry["entry_id"]


def _checked(fields: dict) -> dict:
    """The edited fields, validated: every page and export reads them."""
    after = {name: _plain(fields.get(name)) for name in EDITABLE}
    if after["kind"] not in KINDS:
        raise ValueError(f"unknown kind {after['kind']!r}")
    for name, allowed in (("due_precision", PRECISIONS), ("recurrence", RECURRENCES), ("comparator", COMPARATORS)):
        if after[name] is not None and after[name] not in allowed:
            raise ValueError(f"unknown {name} {after[name]!r}")
    for name in ("due_date", "due_from"):
        if after[name] is not None:
            dt.date.fromisoformat(after[name])
    if after["due_date"] is not None and after["due_precision"] is None:
        after["due_precision"] = "day"
    after["agencies"] = [a for a in (after["agencies"] or []) if a.strip()]
    return after


def edit(store_db: Path, key: str, fact: dict, actor: str, fields: dict, note: str = "") -> str:
    """New values for the fact's editable fields (every one: a field left out is cleared)."""
    entry = _entry(key, "edit", actor, fact, note=note or None,
                   before=json.dumps(fields_of(fact), ensure_ascii=False),
                   after=json.dumps(_checked(fields), ensure_ascii=False))
    _append(store_db, [entry])
    return entry["entry_id"]


def added_id(source_file: str, line: int, char_start: int, quote: str, kind: str) -> str:
    """A stable id for a fact staff add, made like the extractor's (16 hex digits) from what it is."""
    return hashlib.sha1(f"staff|{source_file}|{line}|{char_start}|{quote}|{kind}".encode()).hexdigest()[:16]


def add(store_db: Path, actor: str, place: dict, fields: dict, note: str = "") -> str:
    """A fact the extractor missed, at `place` (source_file, doc_id, line, char_start, char_end and
    quote: the exact span of the line). Returns its id."""
    if not place.get("quote"):
        raise ValueError("the quote (the marked span of the line) is required")
    after = _checked(fields)
    key = added_id(place["source_file"], int(place["line"]), int(place["char_start"]), place["quote"], after["kind"])
    entry = _entry(key, "add", actor, place, note=note or None, after=json.dumps(after, ensure_ascii=False))
    _append(store_db, [entry])
    return key


def dismiss(store_db: Path, candidate: dict, actor: str) -> str:
    """A rejected candidate staff agree is no fact: it leaves the review queue."""
    entry = _entry(candidate_key(candidate), "dismiss", actor, candidate)
    _append(store_db, [entry])
    return entry["entry_id"]


def candidate_key(candidate: dict) -> str:
    return (f"{CANDIDATE_PREFIX}{candidate['source_file']}:{int(candidate['line'])}:{int(candidate['char_start'])}:"
            f"{int(candidate['char_end'])}")


def undo(store_db: Path, key: str, actor: str) -> str | None:
    """Take back the latest entry on this fact still in effect; None when there is none."""
    effective = [e for e in _effective(log(store_db)) if e["fact_id"] == key]
    if not effective:
        return None
    last = effective[-1]
    entry = _entry(key, "undo", actor, {name: last.get(name) for name in ANCHOR}, undoes=last["entry_id"])
    _append(store_db, [entry])
    return entry["entry_id"]


# ---- reading ------------------------------------------------------------------------------------

def log(store_db: Path, key: str | None = None) -> pd.DataFrame:
    """Every entry, oldest first (of one fact when key is given): who did what, when, before and after."""
    where, params = ("WHERE fact_id = ?", [key]) if key else ("", [])
    with store.reading(store_db, "corrections_log") as con:
        if con is None:
            return pd.DataFrame(columns=list(LOG_COLUMNS))
        return con.frame(f"SELECT * FROM corrections_log {where} ORDER BY recorded_at, entry_id", params)


def _missing(value) -> bool:
    """None, NaN or NaT (a list or array is never missing, even when empty)."""
    if value is None or isinstance(value, (str, list, tuple)) or hasattr(value, "__len__"):
        return value is None
    return bool(pd.isna(value))


def _records(frame: pd.DataFrame) -> list[dict]:
    return [{k: (None if _missing(v) else v) for k, v in row.items()} for row in frame.to_dict("records")]


def _effective(frame: pd.DataFrame) -> list[dict]:
    """The entries in effect, oldest first: neither an undo nor undone."""
    entries = _records(frame)
    undone = {e["undoes"] for e in entries if e["action"] == "undo"}
    return [e for e in entries if e["action"] != "undo" and e["entry_id"] not in undone]


@dataclasses.dataclass
class Correction:
    """The current state of one fact's corrections (key: its id when corrected, or a candidate's key)."""
    key: str
    state: str                 # confirmed | rejected | edited | added | dismissed
    place: dict                # source_file, doc_id, line, char_start, char_end, quote
    fields: dict | None        # the editable fields as edited or added (None: the extractor's)
    reason: str | None
    note: str | None
    actor: str
    recorded_at: dt.datetime


def _fold(frame: pd.DataFrame) -> dict[str, Correction]:
    current: dict[str, Correction] = {}
    for entry in _effective(frame):
        key = entry["fact_id"]
        before = current.get(key)
        place = {name: entry.get(name) for name in ANCHOR}
        fields = before.fields if before else None
        state, reason = (before.state, before.reason) if before else ("confirmed", None)
        action = entry["action"]
        if action == "add":
            state, fields = "added", json.loads(entry["after"])
        elif action == "edit":
            fields = json.loads(entry["after"])
            state = "added" if before and before.state == "added" else "edited"
        elif action == "reject":
            state, reason = "rejected", entry["reason"]
        elif action == "dismiss":
            state = "dismissed"
        elif action == "confirm" and state in ("rejected", "dismissed"):
            state = "confirmed"
        if before and before.state == "added":
            place = before.place  # an added fact stays where it was marked
        current[key] = Correction(key, state, place, fields, reason, entry.get("note"), entry["actor"],
                                  entry["recorded_at"])
    return current


_cache: dict[tuple, tuple] = {}  # store's key -> (signature, state, overlay)
_cache_lock = threading.Lock()


def _forget(store_db: Path) -> None:
    with _cache_lock:
        _cache.pop(store.at(store_db).key, None)


def _reading(store_db: Path) -> tuple[dict[str, Correction], "Overlay"]:
    """The folded state and its overlay, read again only when the store changed."""
    opened = store.at(store_db)
    mark = opened.signature()
    with _cache_lock:
        cached = _cache.get(opened.key)
    if cached is not None and cached[0] == mark:
        return cached[1], cached[2]
    state = _fold(log(opened))
    overlay = Overlay.of(state)
    with _cache_lock:
        _cache[opened.key] = (mark, state, overlay)
    return state, overlay


def state(store_db: Path) -> dict[str, Correction]:
    """The current correction of every fact staff acted on, by key."""
    return _reading(store_db)[0]


# ---- applying -----------------------------------------------------------------------------------

OVERLAY_COLUMNS = ["key", "state", "recorded_at", *ANCHOR, *EDITABLE]


@dataclasses.dataclass(frozen=True)
class Overlay:
    """The corrections as rows for the database handle. version changes whenever they change;
    values_version only when the facts' values change (edits, rejections, additions): a confirmation
    changes which facts are reviewed, not the index, so it never costs a rebuild of the index."""
    version: str
    values_version: str
    rows: pd.DataFrame

    @classmethod
    def of(cls, current: dict[str, Correction]) -> "Overlay":
        rows = []
        for c in current.values():
            if c.key.startswith(CANDIDATE_PREFIX):
                continue
            fields = c.fields or {}
            rows.append({"key": c.key, "state": c.state, "recorded_at": c.recorded_at,
                         **{name: c.place.get(name) for name in ANCHOR},
                         **{name: fields.get(name) for name in EDITABLE if name != "agencies"},
                         "agencies": json.dumps(fields.get("agencies") or [], ensure_ascii=False)})
        frame = pd.DataFrame(rows, columns=OVERLAY_COLUMNS, dtype=object)
        values = frame[frame["state"].isin(VALUE_STATES)].drop(columns=["recorded_at"])
        return cls(_digest(frame) if rows else "", _digest(values) if len(values) else "", frame)


VALUE_STATES = ("edited", "rejected", "added")  # the states that change what the facts say


def _digest(frame: pd.DataFrame) -> str:
    return hashlib.sha1(frame.to_json(orient="values", date_format="iso").encode()).hexdigest()[:16]


def overlay(store_db: Path) -> Overlay:
    return _reading(store_db)[1]


# Run by the handle on a cursor where `correction_rows` is registered (Overlay.rows) and the file is
# attached as `tracker`: which fact each correction is about now (by id, else by file and quote,
# nearest the old line; one correction per fact, the latest) and where an added fact's quote stands now.
TARGETS_SQL = """
CREATE OR REPLACE TABLE correction_input AS
SELECT key, state, recorded_at::TIMESTAMP AS recorded_at, source_file, doc_id, line::INTEGER AS line,
       char_start::INTEGER AS char_start, char_end::INTEGER AS char_end, quote, kind,
       due_date::DATE AS due_date, due_precision, due_from::DATE AS due_from, recurrence, recurrence_rule,
       value::DOUBLE AS value, value_max::DOUBLE AS value_max, unit, comparator, metric,
       from_json(agencies, '["VARCHAR"]') AS agencies
FROM correction_rows;

CREATE OR REPLACE TABLE correction_targets AS
WITH c AS (SELECT * FROM correction_input WHERE state <> 'added'),
by_id AS (SELECT c.key, f.id FROM c JOIN tracker.main.facts f ON f.id = c.key),
by_quote AS (
    SELECT c.key, arg_min(f.id, abs(f.line - c.line)) AS id
    FROM c JOIN tracker.main.facts f ON f.source_file = c.source_file AND f.quote = c.quote
    WHERE c.key NOT IN (SELECT key FROM by_id) GROUP BY c.key),
found AS (
    SELECT c.key, c.state, c.recorded_at, coalesce(i.id, q.id) AS fact_id,
           CASE WHEN i.id IS NOT NULL THEN 'id' WHEN q.id IS NOT NULL THEN 'quote' END AS matched_by
    FROM c LEFT JOIN by_id i USING (key) LEFT JOIN by_quote q USING (key)),
placed AS (  -- an added fact: the line of its file that holds its quote now, nearest the old line
    SELECT a.key, arg_min(l.line, abs(l.line - a.line)) AS line
    FROM (SELECT * FROM correction_input WHERE state = 'added') a
    JOIN tracker.main.lines l ON l.source_file = a.source_file AND contains(l.text, a.quote)
    GROUP BY a.key),
extracted AS (  -- an added fact the extractor now finds itself (same file, quote and kind): that fact, corrected
    SELECT a.key, arg_min(f.id, abs(f.line - a.line)) AS id
    FROM (SELECT * FROM correction_input WHERE state = 'added') a
    JOIN tracker.main.facts f ON f.source_file = a.source_file AND f.quote = a.quote AND f.kind = a.kind
    GROUP BY a.key),
matched AS (
    SELECT key, state, recorded_at, fact_id, matched_by, NULL::INTEGER AS placed_line FROM found
    UNION ALL
    SELECT a.key, 'added', a.recorded_at, CASE WHEN x.id IS NOT NULL THEN x.id WHEN p.line IS NOT NULL THEN a.key END,
           CASE WHEN x.id IS NOT NULL THEN 'extracted' WHEN p.line = a.line THEN 'id'
                WHEN p.line IS NOT NULL THEN 'quote' END,
           CASE WHEN x.id IS NULL THEN p.line END
    FROM correction_input a LEFT JOIN placed p USING (key) LEFT JOIN extracted x USING (key)
    WHERE a.state = 'added')
SELECT key, state, fact_id, matched_by, placed_line,
       fact_id IS NOT NULL AND row_number() OVER (PARTITION BY fact_id ORDER BY recorded_at DESC, key) > 1 AS superseded
FROM matched;
"""

# Then the corrected facts as a table `facts` in memory, shadowing the file's.
FACTS_SQL = """
CREATE OR REPLACE TABLE facts AS
WITH applied AS (
    SELECT t.fact_id, t.state, c.* EXCLUDE (key, state, recorded_at)
    FROM correction_targets t JOIN correction_input c USING (key)
    WHERE t.fact_id IS NOT NULL AND NOT t.superseded
      AND (t.state IN ('edited', 'rejected') OR t.matched_by = 'extracted'))
SELECT f.* REPLACE ({replaced})
FROM tracker.main.facts f LEFT JOIN applied e ON e.fact_id = f.id AND e.state <> 'rejected'
WHERE f.id NOT IN (SELECT fact_id FROM applied WHERE state = 'rejected')
UNION ALL BY NAME
SELECT a.key AS id, l.doc_id, a.source_file, l.line, s.char_start, s.char_start + length(a.quote) AS char_end,
       a.quote, a.kind, a.due_date, a.due_precision,
       a.due_from, 'explicit' AS due_basis, a.recurrence, a.recurrence_rule, a.value, a.value_max, a.unit,
       a.comparator, a.metric, l.article_id, NULL::VARCHAR AS group_id, a.agencies
FROM correction_input a
JOIN correction_targets t ON t.key = a.key AND t.state = 'added' AND t.placed_line IS NOT NULL
JOIN tracker.main.lines l ON l.source_file = a.source_file AND l.line = t.placed_line,
LATERAL (SELECT CASE WHEN substr(l.text, a.char_start + 1, length(a.quote)) = a.quote THEN a.char_start
                     ELSE instr(l.text, a.quote) - 1 END AS char_start) s;  -- the span marked, while it is there
""".replace("{replaced}", ", ".join(
    f"CASE WHEN e.fact_id IS NULL THEN f.{name} ELSE e.{name} END AS {name}" for name in EDITABLE))


def retarget(cursor: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> None:
    """Make `correction_targets` (which fact each correction is about now) in the cursor's database."""
    cursor.register("correction_rows", rows)
    try:
        cursor.execute(TARGETS_SQL)
    finally:
        cursor.unregister("correction_rows")


def apply(cursor: duckdb.DuckDBPyConnection, rows: pd.DataFrame) -> None:
    """retarget(), then the corrected `facts` in the cursor's database."""
    retarget(cursor, rows)
    cursor.execute(FACTS_SQL)


@contextlib.contextmanager
def corrected_database(tracker_db: Path, view_files: list[Path]):
    """A connection that reads the facts database as the app shows it, for readers outside the app
    (the weekly PDF): an in-memory DuckDB with the file attached read-only as `tracker`, the corrected
    `facts` shadowing the file's, and these view files (pipeline/sql) made over them."""
    con = duckdb.connect(":memory:")
    try:
        con.execute(f"ATTACH '{str(tracker_db).replace(chr(39), chr(39) * 2)}' AS tracker (READ_ONLY)")
        con.execute("SET search_path = 'memory.main,tracker.main'")
        apply(con, overlay(store_path(tracker_db)).rows)
        for view_file in view_files:
            con.execute(view_file.read_text(encoding="utf-8"))
        yield con
    finally:
        con.close()


# ---- export as labelled facts -------------------------------------------------------------------

def _due_text(due_date, precision) -> str | None:
    """The SPEC's due: YYYY-MM-DD, YYYY-MM (month, quarter) or YYYY by the date's precision."""
    if due_date is None or pd.isna(due_date):
        return None
    text = pd.Timestamp(due_date).date().isoformat()
    return text[:4] if precision == "year" else text[:7] if precision in ("month", "quarter") else text


def spec_facts(facts: pd.DataFrame) -> list[dict]:
    """Fact rows (queries.corrected_facts: the facts as the app shows them) as labelled facts in the
    shared SPEC format (../shared/gold/SPEC.md), which score.py and `python -m pipeline evaluate` read."""
    labelled = []
    for row in _records(facts):
        due_from = row.get("due_from")
        labelled.append({
            "seed": Path(str(row["source_file"])).name, "line": int(row["line"]), "kind": row["kind"],
            "quote": row["quote"], "due": _due_text(row.get("due_date"), row.get("due_precision")),
            "due_from": None if due_from is None else str(pd.Timestamp(due_from).year),
            "recurrence": row.get("recurrence"), "recurrence_rule": row.get("recurrence_rule"),
            "due_basis": row.get("due_basis"), "value": _plain(row.get("value")),
            "value_max": _plain(row.get("value_max")), "unit": row.get("unit"), "comparator": row.get("comparator"),
            "metric": row.get("metric"), "agencies": _plain(row.get("agencies")) or [],
            "article_start_line": None if row.get("article_start_line") is None else int(row["article_start_line"])})
    return labelled


def export_jsonl(facts: pd.DataFrame) -> dict[str, bytes]:
    """One `<file stem>.facts.jsonl` per bulletin (the gold folder's layout), one fact a line."""
    files: dict[str, list[str]] = {}
    for fact in spec_facts(facts):
        files.setdefault(f"{Path(fact['seed']).stem}.facts.jsonl", []).append(json.dumps(fact, ensure_ascii=False))
    return {name: ("\n".join(lines) + "\n").encode("utf-8") for name, lines in files.items()}
