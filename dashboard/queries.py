"""Every database read the dashboard makes, and the date arithmetic on its rows.

The pipeline replaces the database file with os.replace while the app runs. So no connection
outlives a query (DuckDB hands a new connect() the old database while another connection to the
same path is open), and results are cached on the file's identity: a rebuilt file has a new
identity, and the next interaction reads the new data.
"""
from __future__ import annotations

import calendar
import collections
import contextlib
import datetime as dt
import os
import re
import threading
from pathlib import Path

import duckdb
import pandas as pd

DEFAULT_DB = Path("data/tracker.duckdb")
BUILD_COMMAND = ".venv/bin/python -m pipeline build --input seeds --db data/tracker.duckdb"
CLOSED_STATUSES = frozenset({"已提交", "不适用"})
KIND_LABELS = {"deadline": "截止事项", "target": "目标", "milestone": "里程碑", "relative": "相对期限"}

_CACHE_SIZE = 256
_cache: collections.OrderedDict = collections.OrderedDict()
_cache_lock = threading.Lock()


class DatabaseMissing(Exception):
    """The tracker database does not exist (or is not a DuckDB file) at the configured path."""


def db_path() -> Path:
    """The database the app reads: $TRACKER_DB, else data/tracker.duckdb."""
    return Path(os.environ.get("TRACKER_DB") or DEFAULT_DB)


def db_identity(path: Path) -> tuple | None:
    """What changes when the build swaps in a new file; None when there is no file."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (str(Path(path).resolve()), st.st_mtime_ns, st.st_size, st.st_ino)


def read(path: Path, sql: str, params: tuple = ()) -> pd.DataFrame:
    """Run one parameterized query on a short-lived read-only connection, cached on the file identity."""
    identity = db_identity(path)
    if identity is None:
        raise DatabaseMissing(str(path))
    key = (identity, sql, tuple(params))
    with _cache_lock:
        if key in _cache:
            _cache.move_to_end(key)
            return _cache[key].copy()
    try:
        with contextlib.closing(duckdb.connect(str(path), read_only=True)) as con:
            frame = con.execute(sql, list(params)).df()
    except (duckdb.IOException, duckdb.CatalogException, duckdb.SerializationException) as exc:
        raise DatabaseMissing(f"{path}: {exc}") from exc
    with _cache_lock:
        _cache[key] = frame
        while len(_cache) > _CACHE_SIZE:
            _cache.popitem(last=False)
    return frame.copy()


def _as_list(value) -> list:
    return [] if value is None or (not hasattr(value, "__len__") and pd.isna(value)) else list(value)


def _dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """DuckDB DATE columns arrive as timestamps; the app compares plain dates."""
    for column in columns:
        frame[column] = [None if pd.isna(v) else pd.Timestamp(v).date() for v in frame[column]]
    return frame


# ---- overview of the build -------------------------------------------------------------------

def build_info(path: Path) -> dict:
    """The last run and table sizes, for the sidebar."""
    counts = read(path, """
        SELECT (SELECT count(*) FROM documents) AS documents,
               (SELECT count(*) FROM articles) AS articles,
               (SELECT count(*) FROM facts) AS facts""").iloc[0].to_dict()
    runs = read(path, "SELECT finished_at, errors FROM runs ORDER BY finished_at DESC LIMIT 1")
    counts["finished_at"] = None if runs.empty else runs.iloc[0]["finished_at"]
    counts["errors"] = 0 if runs.empty else int(runs.iloc[0]["errors"])
    return counts


# ---- facts ----------------------------------------------------------------------------------

def all_facts(path: Path) -> pd.DataFrame:
    """Every fact with its article, document and goal group; agencies as Python lists."""
    frame = read(path, """
        SELECT id, doc_id, source_file, line, char_start, char_end, quote, kind, due_date, due_precision,
               due_from, recurrence, recurrence_rule, value, value_max, unit, comparator, metric,
               article_id, article_title, article_ordinal, article_period_start, article_period_end,
               article_doc_number, document_title, document_issued_on, article_issued_on,
               agencies, agencies_text, goal_id, is_head, goal_size, sources
        FROM app_facts
        ORDER BY due_date NULLS LAST, source_file, line, char_start""")
    frame["agencies"] = [_as_list(v) for v in frame["agencies"]]
    frame["agencies_text"] = frame["agencies_text"].fillna("")
    frame["document_title"] = frame["document_title"].fillna(frame["source_file"])
    frame["kind_label"] = frame["kind"].map(KIND_LABELS).fillna(frame["kind"])
    return _dates(frame, "due_date", "due_from", "document_issued_on", "article_issued_on")


def fact(path: Path, fact_id: str) -> dict | None:
    """One fact by id (for links from any view to its source)."""
    frame = all_facts(path)
    rows = frame[frame["id"] == fact_id]
    return None if rows.empty else rows.iloc[0].to_dict()


_CN_DIGITS = {"一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9, "十": 10}
_MONTHS_EN = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
_NUM = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"


def _number(text: str) -> int:
    if text.isdigit():
        return int(text)
    if text.startswith("十"):
        return 10 + _CN_DIGITS.get(text[1:], 0)
    if len(text) == 3 and text[1] == "十":
        return _CN_DIGITS[text[0]] * 10 + _CN_DIGITS[text[2]]
    return _CN_DIGITS[text]


def _month_day(rule: str) -> tuple[int, int | None] | None:
    """(month, day) named in a yearly rule: 每年5月31日前, 每年2月底前, every year by May 31."""
    match = re.search(_NUM + r"\s*月\s*(?:" + _NUM + r"\s*日|底|末)?", rule)
    if match:
        return _number(match.group(1)), (_number(match.group(2)) if match.group(2) else None)
    match = re.search(r"(" + "|".join(_MONTHS_EN) + r")\s*(\d{1,2})?", rule.lower())
    if match:
        return _MONTHS_EN[match.group(1)], (int(match.group(2)) if match.group(2) else None)
    return None


def _day_in_month(year: int, month: int, day: int | None) -> dt.date:
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day or last, last))


def next_occurrence(recurrence: str | None, rule: str | None, as_of: dt.date) -> dt.date | None:
    """The next due date (on or after as_of) of a recurring deadline whose rule names the date.

    Only yearly rules with a month and monthly rules with a day are dated; anything vaguer
    (按年度, 每年第二季度) stays None and is shown as 周期性."""
    if not rule:
        return None
    if recurrence == "yearly":
        parsed = _month_day(rule)
        if parsed is None or not 1 <= parsed[0] <= 12:
            return None
        month, day = parsed
        due = _day_in_month(as_of.year, month, day)
        return due if due >= as_of else _day_in_month(as_of.year + 1, month, day)
    if recurrence == "monthly":
        match = re.search(r"每月\s*" + _NUM + r"\s*日", rule) or re.search(r"(\d{1,2})(?:st|nd|rd|th)?\b", rule)
        if not match:
            return None
        day = _number(match.group(1))
        due = _day_in_month(as_of.year, as_of.month, day)
        if due >= as_of:
            return due
        month = as_of.month % 12 + 1
        return _day_in_month(as_of.year + (as_of.month == 12), month, day)
    return None


def _state(row) -> str:
    if row["status"] in CLOSED_STATUSES:
        return row["status"]
    if row["kind"] == "relative":
        return "相对期限"
    if row["due"] is None:
        return "周期性" if row["recurrence"] else "无日期"
    days = row["days_left"]
    if days < 0:
        return f"已逾期 {-days} 天"
    return "今天到期" if days == 0 else f"剩 {days} 天"


def deadline_rows(path: Path, as_of: dt.date, statuses: pd.DataFrame | None = None) -> pd.DataFrame:
    """Deadlines and relative deadlines, one row per goal, with the due date in effect at as_of.

    `due` is due_date, or the next occurrence of a dated recurring rule; `days_left` counts from
    as_of; `status` comes from progress tracking (empty when it is not installed); a deadline whose
    status is 已提交 or 不适用 is closed and never overdue."""
    facts = all_facts(path)
    frame = facts[facts["kind"].isin(["deadline", "relative"]) & facts["is_head"]].copy()
    frame["due"] = [d if d is not None else next_occurrence(r, rule, as_of)
                    for d, r, rule in zip(frame["due_date"], frame["recurrence"], frame["recurrence_rule"])]
    frame["days_left"] = [None if d is None else (d - as_of).days for d in frame["due"]]
    frame["days_left"] = frame["days_left"].astype("Int64")
    frame["status"] = ""
    if statuses is not None and not statuses.empty:
        by_id = dict(zip(statuses["fact_id"], statuses["status"].fillna("")))
        frame["status"] = [by_id.get(i, "") for i in frame["id"]]
    frame["closed"] = frame["status"].isin(CLOSED_STATUSES)
    frame["overdue"] = (frame["days_left"] < 0).fillna(False).astype(bool) & ~frame["closed"]
    frame["state"] = frame.apply(_state, axis=1) if len(frame) else pd.Series(dtype=str)
    return frame.sort_values(["due", "source_file", "line"], na_position="last", key=_sort_key).reset_index(drop=True)


def _sort_key(column: pd.Series) -> pd.Series:
    return column.map(lambda v: v.toordinal() if isinstance(v, dt.date) else v) if column.name == "due" else column


def due_counts(path: Path, as_of: dt.date, statuses: pd.DataFrame | None = None) -> dict:
    """The overview's numbers: open deadlines due within 7/30/90 days, overdue, milestones this year."""
    rows = deadline_rows(path, as_of, statuses)
    open_rows = rows[~rows["closed"] & rows["days_left"].notna()]
    days = open_rows["days_left"].astype(int)
    milestones = read(path, """
        SELECT count(*) AS n FROM app_facts
        WHERE kind = 'milestone' AND is_head AND year(due_date) = ?""", (as_of.year,))
    return {
        "due_7": int(((days >= 0) & (days <= 7)).sum()),
        "due_30": int(((days >= 0) & (days <= 30)).sum()),
        "due_90": int(((days >= 0) & (days <= 90)).sum()),
        "overdue": int(rows["overdue"].sum()),
        "milestones_this_year": int(milestones.iloc[0]["n"]),
    }


def facts_by_year_kind(path: Path) -> pd.DataFrame:
    """Goals per due year and kind (one count per same-goal group)."""
    frame = read(path, """
        SELECT year(due_date) AS year, kind, count(*) AS n
        FROM app_facts WHERE is_head AND due_date IS NOT NULL
        GROUP BY ALL ORDER BY year, kind""")
    frame["kind_label"] = frame["kind"].map(KIND_LABELS).fillna(frame["kind"])
    return frame


def facts_by_agency(path: Path, limit: int = 20) -> pd.DataFrame:
    """Goals per agency and kind, for the agencies with the most goals."""
    frame = read(path, """
        WITH per AS (
            SELECT af.agency, f.kind, count(DISTINCT f.goal_id) AS n
            FROM agency_facts af JOIN app_facts f ON f.id = af.id
            GROUP BY ALL),
        top AS (SELECT agency FROM per GROUP BY agency ORDER BY sum(n) DESC, agency LIMIT ?)
        SELECT per.* FROM per JOIN top USING (agency) ORDER BY agency, kind""", (limit,))
    frame["kind_label"] = frame["kind"].map(KIND_LABELS).fillna(frame["kind"])
    return frame


def plan_periods(path: Path) -> pd.DataFrame:
    """Articles whose titles state a plan period (行动方案（2024—2026年）), for timeline bars."""
    return read(path, """
        SELECT a.article_id, a.doc_id, a.source_file, a.start_line AS line, a.title AS article_title,
               a.period_start, a.period_end, coalesce(d.title, a.source_file) AS document_title,
               array_to_string(a.issuers, '、') AS agencies_text, a.issuers AS agencies
        FROM articles a LEFT JOIN documents d ON d.doc_id = a.doc_id
        WHERE a.period_start IS NOT NULL AND a.period_end IS NOT NULL
        ORDER BY a.period_start, a.title""").assign(agencies=lambda f: [_as_list(v) for v in f["agencies"]])


def period_start(row) -> dt.date | None:
    """When a goal's period begins: its own 起 date, else its article's, else its bulletin's date."""
    for key in ("due_from", "article_issued_on", "document_issued_on"):
        value = row.get(key)
        if value is not None and not pd.isna(value):
            return value
    return None


def elapsed_share(start: dt.date | None, due: dt.date | None, as_of: dt.date) -> float | None:
    """Share of the period start..due that has passed at as_of, clipped to 0..1."""
    if start is None or due is None or due <= start:
        return None
    return min(1.0, max(0.0, (as_of - start).days / (due - start).days))


def agencies_ranked(path: Path, as_of: dt.date, statuses: pd.DataFrame | None = None) -> pd.DataFrame:
    """Agencies by open deadlines (due on or after as_of, not closed), then by overdue and all goals."""
    rows = deadline_rows(path, as_of, statuses)
    names = read(path, "SELECT name AS agency, level FROM agencies ORDER BY name")
    exploded = rows.explode("agencies")
    open_ = exploded[~exploded["closed"] & (exploded["days_left"] >= 0).fillna(False)]
    overdue = exploded[exploded["overdue"]]
    goals = read(path, """
        SELECT af.agency, count(DISTINCT f.goal_id) AS goals
        FROM agency_facts af JOIN app_facts f ON f.id = af.id GROUP BY af.agency""")
    names["open_deadlines"] = names["agency"].map(open_.groupby("agencies").size()).fillna(0).astype(int)
    names["overdue"] = names["agency"].map(overdue.groupby("agencies").size()).fillna(0).astype(int)
    names["goals"] = names["agency"].map(dict(zip(goals["agency"], goals["goals"]))).fillna(0).astype(int)
    names = names[names["goals"] > 0]
    return names.sort_values(["open_deadlines", "overdue", "goals", "agency"],
                             ascending=[False, False, False, True]).reset_index(drop=True)


# ---- documents and text ---------------------------------------------------------------------

def documents(path: Path) -> pd.DataFrame:
    """Bulletins, newest first."""
    return _dates(read(path, """
        SELECT doc_id, source_file, coalesce(title, source_file) AS title, issued_on,
               n_articles, n_facts, n_lines
        FROM documents ORDER BY issued_on DESC NULLS LAST, source_file"""), "issued_on")


def articles(path: Path, doc_id: str) -> pd.DataFrame:
    """A bulletin's articles in order, with how many facts each holds."""
    return _dates(read(path, """
        SELECT a.article_id, a.ordinal, a.title, a.start_line, a.end_line, a.kind, a.doc_number,
               a.issued_on, array_to_string(a.issuers, '、') AS issuers,
               (SELECT count(*) FROM facts f WHERE f.article_id = a.article_id) AS n_facts
        FROM articles a WHERE a.doc_id = ? ORDER BY a.ordinal""", (doc_id,)), "issued_on")


def article_lines(path: Path, doc_id: str, start_line: int, end_line: int) -> pd.DataFrame:
    """The original lines of one article (or any line range) of a bulletin."""
    return read(path, """
        SELECT line, text FROM lines
        WHERE doc_id = ? AND line BETWEEN ? AND ? ORDER BY line""", (doc_id, start_line, end_line))


def _like(text: str) -> str:
    """An ILIKE pattern matching `text` literally anywhere (%, _ and \\ escaped)."""
    return "%" + re.sub(r"([\\%_])", r"\\\1", text) + "%"


def search_facts(path: Path, text: str, limit: int = 200) -> pd.DataFrame:
    """Facts whose quote, metric, agencies, article or bulletin title contains `text`."""
    pattern = _like(text)
    frame = read(path, """
        SELECT id FROM app_facts
        WHERE quote ILIKE ? ESCAPE '\\' OR metric ILIKE ? ESCAPE '\\' OR agencies_text ILIKE ? ESCAPE '\\'
           OR article_title ILIKE ? ESCAPE '\\' OR document_title ILIKE ? ESCAPE '\\'
        ORDER BY source_file, line, char_start LIMIT ?""", (pattern,) * 5 + (limit,))
    facts = all_facts(path)
    return facts[facts["id"].isin(frame["id"])].reset_index(drop=True)


def search_lines(path: Path, text: str, limit: int = 200) -> pd.DataFrame:
    """Lines of article text containing `text`, with their article and bulletin."""
    return read(path, """
        SELECT l.doc_id, l.source_file, l.line, l.text, l.article_id,
               a.title AS article_title, coalesce(d.title, l.source_file) AS document_title
        FROM lines l
        LEFT JOIN articles a ON a.article_id = l.article_id
        LEFT JOIN documents d ON d.doc_id = l.doc_id
        WHERE l.text ILIKE ? ESCAPE '\\'
        ORDER BY l.source_file, l.line LIMIT ?""", (_like(text), limit))
