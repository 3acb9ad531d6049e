"""Every query the dashboard makes, and the date arithmetic on its rows. They read through the
handle on the facts database (dashboard/db.py: connections, caches, background work), whose index
is made from the facts with staff corrections applied: what these queries return is corrected.
Filters, order and LIMIT are in SQL, never a million rows in pandas (see dashboard/db.py, Speed).
"""
from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import duckdb
import pandas as pd

from dashboard.db import (  # noqa: F401 (pages, tests and bench/ use them here)
    BUILD_COMMAND, DatabaseMissing, close_all, data_version, db_path, forget_results, read, read_row, warm_up)
from dashboard.reasons import candidate_label
from pipeline import evaluate as EVALUATE
from pipeline import recurring, remind
from pipeline.ledger import progress, reminders

CLOSED_STATUSES = frozenset({"已提交", "不适用"})
KIND_LABELS = {"deadline": "截止事项", "target": "目标", "milestone": "里程碑", "relative": "相对期限"}
DEADLINE_KINDS = ("deadline", "relative")
DISPLAY_LIMIT = 500  # rows a table shows; the page says how many matched and the downloads hold all


def _as_list(value) -> list:
    if value is None:
        return []
    if not hasattr(value, "__len__"):
        return [] if pd.isna(value) else [value]
    return list(value)


def _dates(frame: pd.DataFrame, *columns: str) -> pd.DataFrame:
    """DuckDB DATE columns arrive as timestamps; the app compares plain dates (None when missing).
    numpy's day precision turns them into datetime.date and NaT into None in one step."""
    for column in columns:
        if column in frame:
            frame[column] = pd.Series(pd.to_datetime(frame[column]).to_numpy(dtype="datetime64[D]").astype(object),
                                      index=frame.index, dtype=object)
    return frame


# ---- overview of the build -------------------------------------------------------------------

def build_info(path: Path) -> dict:
    """The last run, table sizes and how many files the last run rejected, for the sidebar. Also
    starts preparing the index."""
    counts = read_row(path, """
        SELECT (SELECT count(*) FROM documents) AS documents,
               (SELECT count(*) FROM articles) AS articles,
               (SELECT count(*) FROM facts) AS facts,
               (SELECT max(finished_at) FROM runs) AS finished_at,
               (SELECT arg_max(errors, finished_at) FROM runs) AS errors,
               (SELECT count(*) FROM ingest_errors
                WHERE run_id = (SELECT arg_max(run_id, finished_at) FROM runs)) AS rejected""")
    warm_up(path)
    counts["errors"] = int(counts["errors"] or 0)
    return counts


def ingest_errors(path: Path, source_file: str | None = None) -> pd.DataFrame:
    """The files the latest build rejected (source_file, reason, failed_at), by file name; only
    `source_file` when given. Earlier runs' rejections are not shown: a file fixed since is gone."""
    where, params = "", []
    if source_file is not None:
        where, params = "AND e.source_file = ?", [source_file]
    return read(path, f"""
        SELECT e.source_file, e.reason, e.failed_at FROM ingest_errors e
        WHERE e.run_id = (SELECT arg_max(run_id, finished_at) FROM runs) {where}
        ORDER BY e.source_file, e.reason""", params)


def file_fact_count(path: Path, source_file: str) -> int:
    """How many facts the database holds from one input file."""
    return read_row(path, "SELECT count(*) AS n FROM facts WHERE source_file = ?", [source_file])["n"]


# ---- facts ----------------------------------------------------------------------------------

# Display columns of a fact row, from fact_index rows `fi` (which carry their article, bulletin and
# sources: no join). Only what the pages show or link with: each string column read costs time.
_ROW_COLUMNS = """
    fi.id, fi.doc_id, fi.source_file, fi.line, fi.char_start, fi.char_end, fi.quote, fi.kind, fi.due_date,
    fi.due_from, fi.recurrence, fi.recurrence_rule, fi.value, fi.value_max, fi.unit, fi.comparator, fi.metric,
    fi.article_id, fi.article_title, fi.document_title, fi.document_issued_on, fi.article_issued_on,
    fi.{agencies} AS agencies, fi.goal_id, fi.is_head, fi.goal_size, fi.sources"""
# display order, as the index tables are stored (pipeline/sql/marts/app.sql)
_ORDER = "ORDER BY fi.due_date NULLS LAST, fi.recurrence_rule NULLS LAST, fi.source_file, fi.line, fi.char_start, fi.id"


# a parameter list of agencies with every agency that counts under one of them (views_app.sql's
# agency_scope: 工业和信息化部 -> its 科技司, 办公厅 ...); takes the list twice
_SCOPED = "list_concat(?::VARCHAR[], (SELECT coalesce(list(agency), []) FROM agency_scope WHERE list_contains(?::VARCHAR[], scope)))"


def _filters(kinds=None, agencies=None, doc_ids=None, years=None, text=None, ids=None,
             heads_only: bool = True, deadlines: bool = False, since: dt.date | None = None) -> tuple[str, str, list]:
    """The index table to scan (as `fi`), WHERE conditions on its rows (every value a parameter) and
    their parameters. deadlines: only the goals of the deadline pages (deadline_index's rows).
    since: only goals due on or after that day, or undated (what is still coming).

    Filters only, no joins before the LIMIT, so a scan in stored (display) order stops at the first
    N rows. One agency's goals are read from agency_index, one bulletin's facts from
    document_fact_index (not in display order, so sorted before a LIMIT), each in one stretch."""
    # goals of the deadline kinds only: from the deadline index, where they lie together
    deadlines = deadlines or bool(heads_only and kinds and set(kinds) <= set(DEADLINE_KINDS))
    table = "deadline_index" if deadlines else "fact_index"
    where, params = ["TRUE"], []
    if heads_only and not deadlines:
        where.append("fi.is_head")
    if agencies and len(agencies) == 1 and (heads_only or deadlines):
        table = "agency_deadline_index" if deadlines else "agency_index"
        where.append("fi.agency = ?")
        params.append(str(agencies[0]))
    elif agencies:  # these agencies and every body under them (agency_scope, as agency_index holds them)
        where.append(f"list_has_any(fi.goal_agencies, {_SCOPED})")
        params += [list(agencies)] * 2
    if kinds:
        where.append("list_contains(?::VARCHAR[], fi.kind)")
        params.append(list(kinds))
    if doc_ids and len(doc_ids) == 1 and table == "fact_index":
        table = "document_fact_index"
        where.append("fi.doc_id = ?")
        params.append(str(doc_ids[0]))
    elif doc_ids:
        where.append("list_contains(?::VARCHAR[], fi.doc_id)")
        params.append(list(doc_ids))
    if ids is not None:
        where.append("list_contains(?::VARCHAR[], fi.id)")
        params.append(list(ids))
    if years:
        where.append("(fi.due_date IS NULL OR year(fi.due_date) BETWEEN ? AND ?)")
        params += [int(years[0]), int(years[1])]
    if since is not None:
        where.append("(fi.due_date IS NULL OR fi.due_date >= ?::DATE)")
        params.append(since)
    if text:
        where.append("(contains(fi.quote, ?) OR contains(coalesce(fi.metric, ''), ?))")
        params += [text, text]
    return table, " AND ".join(where), params


def _finish(frame: pd.DataFrame, path: Path) -> pd.DataFrame:
    """Python-side touches on fact rows: lists, labels, dates, and `correction` (the state of a
    corrected row: edited, added, confirmed; "" for the extractor's rows as they are)."""
    agencies = [_as_list(v) for v in frame["agencies"].tolist()]
    frame["agencies"] = pd.Series(agencies, index=frame.index, dtype=object)
    frame["agencies_text"] = pd.Series(["、".join(names) for names in agencies], index=frame.index, dtype=object)
    frame["kind_label"] = pd.Series([KIND_LABELS.get(kind, kind) for kind in frame["kind"].tolist()],
                                    index=frame.index, dtype=object)
    frame["goal_size"] = frame["goal_size"].astype(int)
    frame = _dates(frame, "due_date", "due_from", "document_issued_on", "article_issued_on")
    marks = correction_marks(path)
    frame["correction"] = pd.Series([marks.get(i, "") for i in frame["id"].tolist()], index=frame.index, dtype=object)
    return frame.reset_index(drop=True)


def fact_rows(path: Path, kinds=None, agencies=None, doc_ids=None, years=None, text=None, ids=None,
              heads_only: bool = True, limit: int | None = DISPLAY_LIMIT, since: dt.date | None = None) -> pd.DataFrame:
    """Facts matching the filters, by due date: one row per goal (heads_only) with every agency
    the goal's places name, or every fact with its own. At most `limit` rows (None: all); since:
    only those due on or after that day (or undated)."""
    table, where, params = _filters(kinds, agencies, doc_ids, years, text, ids, heads_only, since=since)
    agencies_column = "goal_agencies" if heads_only else "agencies"
    # the first rows in display order: as stored, but for one bulletin's (a few hundred at most)
    first = f" {_ORDER}" if table == "document_fact_index" and limit is not None else ""
    sql = (f"SELECT {_ROW_COLUMNS.format(agencies=agencies_column)} FROM ("
           f"SELECT * FROM {table} fi WHERE {where}{first}{' LIMIT ?' if limit is not None else ''}) fi {_ORDER}")
    frame = read(path, sql, params + ([int(limit)] if limit is not None else []), prepared=True)
    return _finish(frame, path)


def _count_filters(agencies, kinds, prefix: str) -> tuple[list[str], list]:
    """WHERE terms for a count table (one agency at most, kinds): its columns prefixed with `prefix`."""
    where, params = ["TRUE"], []
    if agencies:
        where.append(f"{prefix}agency = ?")
        params.append(str(agencies[0]))
    if kinds:
        where.append(f"list_contains(?::VARCHAR[], {prefix}kind)")
        params.append(list(kinds))
    return where, params


def fact_count(path: Path, kinds=None, agencies=None, doc_ids=None, years=None, text=None, ids=None,
               heads_only: bool = True, since: dt.date | None = None) -> int:
    """How many facts (goals, with heads_only) match the filters."""
    if heads_only and not (doc_ids or years or text or ids is not None or since) and len(agencies or ()) <= 1:
        # what the count tables hold: goals by kind, or by agency and kind
        where, params = _count_filters(agencies, kinds, "")
        table = "agency_kind_counts" if agencies else "kind_counts"
        return int(read_row(path, f"SELECT coalesce(sum(n), 0) AS n FROM {table} WHERE {' AND '.join(where)}", params,
                            prepared=True)["n"])
    table, where, params = _filters(kinds, agencies, doc_ids, years, text, ids, heads_only, since=since)
    return read_row(path, f"SELECT count(*) AS n FROM {table} fi WHERE {where}", params, prepared=True)["n"]


def all_facts(path: Path) -> pd.DataFrame:
    """Every fact with its article, document and goal group (all rows: for tests and small tools)."""
    return fact_rows(path, heads_only=False, limit=None)


FILTER_DOCUMENTS = 500  # bulletins offered in a filter (newest first); the 文档 page finds any other


def filter_options(path: Path) -> dict:
    """What the filters above a view offer: agencies with goals (most goals first), the newest
    FILTER_DOCUMENTS bulletins (doc_id -> label), the range of due years and the kinds present."""
    options = read_row(path, """
        WITH docs AS (SELECT rowid AS pos, doc_id, title || ' · ' || source_file AS label
                      FROM document_list LIMIT ?)  -- newest first, as stored
        SELECT (SELECT list(agency ORDER BY goals DESC, agency) FROM agency_totals) AS agencies,
               (SELECT list(kind) FROM kind_counts WHERE n > 0) AS kinds,
               (SELECT min(year) FROM year_kind_counts) AS low, (SELECT max(year) FROM year_kind_counts) AS high,
               (SELECT list(doc_id ORDER BY pos) FROM docs) AS doc_ids,
               (SELECT list(label ORDER BY pos) FROM docs) AS doc_labels""", (FILTER_DOCUMENTS,), prepared=True)
    kinds = set(options["kinds"] or ())
    return {
        "agencies": list(options["agencies"] or ()),
        "documents": dict(zip(options["doc_ids"] or (), options["doc_labels"] or ())),
        "years": None if options["low"] is None else (int(options["low"]), int(options["high"])),
        "kinds": [k for k in KIND_LABELS if k in kinds],
    }


def fact(path: Path, fact_id: str) -> dict | None:
    """One fact by id, for links from any view to its source, with its goal's agencies (every place
    the goal is stated), goal_size and sources."""
    rows = read(path, f"SELECT {_ROW_COLUMNS.format(agencies='goal_agencies')} FROM fact_index fi WHERE fi.id = ?",
                (fact_id,), prepared=True)
    return None if rows.empty else _finish(rows, path).iloc[0].to_dict()


def existing_fact_ids(path: Path, ids) -> set[str]:
    """Which of these fact ids the database holds now (for orphaned progress entries)."""
    ids = sorted({str(i) for i in ids})
    if not ids:
        return set()
    found = read(path, "SELECT id FROM facts WHERE id IN (SELECT unnest(?::VARCHAR[]))", (ids,))
    return set(found["id"])


def progress_state(path: Path, progress_db: Path | None = None) -> pd.DataFrame:
    """Staff's progress on each fact (pipeline/ledger/progress.py), orphaned where the facts as the app
    shows them (corrections applied) no longer hold its id; nothing is orphaned while the database
    cannot be read."""
    def existing(ids) -> set[str] | None:
        try:
            return existing_fact_ids(Path(path), ids)
        except (DatabaseMissing, duckdb.Error):
            return None
    return progress.current_state(progress_db or progress.default_progress_path(path), existing)


# ---- deadlines at an as-of date ---------------------------------------------------------------

SCOPES = ("all", "open", "overdue", "due_7", "due_30", "due_90")


def _context(path: Path, as_of: dt.date, statuses: pd.DataFrame | None) -> dict:
    """What the deadline queries take as parameters: the next date of each dated recurring rule
    at as_of, and the statuses staff recorded (closed ones apart)."""
    rules = read(path, "SELECT recurrence, recurrence_rule FROM deadline_rules ORDER BY ALL", prepared=True)
    dated = [(r, rule, recurring.next_rule_date(r, rule, as_of)) for r, rule in zip(rules["recurrence"], rules["recurrence_rule"])]
    dated = [d for d in dated if d[2] is not None]
    ids, states = [], []
    if statuses is not None and len(statuses) and "status" in statuses:
        known = statuses.dropna(subset=["status"])
        known = known[known["status"] != ""]
        ids, states = [str(i) for i in known["fact_id"]], [str(v) for v in known["status"]]
    return {
        "as_of": as_of,
        "rule_keys": [f"{r}|{rule}" for r, rule, _ in dated],
        "rule_dates": [d for _, _, d in dated],
        "status_ids": ids,
        "statuses": states,
        "closed": sorted(i for i, v in zip(ids, states) if v in CLOSED_STATUSES),
    }


_RULE_KEY = "fi.rule_key"
_RULES_CTE = "rules AS (SELECT unnest(?::VARCHAR[]) AS rule_key, unnest(?::DATE[]) AS next_due)"


_WINDOWS = {"all": ("TRUE", 0), "open": ("{due} >= ?::DATE", 1), "overdue": ("{due} < ?::DATE", 1),
            "due_7": ("{due} BETWEEN ?::DATE AND ?::DATE + 7", 2),
            "due_30": ("{due} BETWEEN ?::DATE AND ?::DATE + 30", 2),
            "due_90": ("{due} BETWEEN ?::DATE AND ?::DATE + 90", 2)}


def _window(scope: str, due: str, ctx: dict) -> tuple[str, list]:
    """The scope's dates as a filter on a due date `due`, and its parameters."""
    if scope not in _WINDOWS:
        raise ValueError(f"unknown scope {scope!r}; expected one of {SCOPES}")
    test, n_dates = _WINDOWS[scope]
    return test.format(due=due), [ctx["as_of"]] * n_dates


def _scope(scope: str, due: str, ctx: dict) -> tuple[str, list]:
    """The scope as a filter on a row `fi` with due date `due`: its dates, and (but for "all") not
    closed by staff."""
    window, params = _window(scope, due, ctx)
    if scope == "all":
        return window, params
    return f"NOT list_contains(?::VARCHAR[], fi.id) AND {window}", [ctx["closed"]] + params


def _deadline_parts(ctx: dict, filters: tuple[str, str, list], scope: str, limit: int | None,
                    undated: bool = True, recurring_until: dt.date | None = None) -> tuple[str, list]:
    """SQL (CTEs ending in `picked`) for the deadline rows in scope, each with its `due`:
    dated rows in stored (due) order, recurring rows with the next date of their rule (only rules
    due by `recurring_until`, when given), undated rows last (never in a scope but all; left out
    when not `undated`). Each part stops at `limit` rows; a part that can hold no row is left out
    of the SQL (planning every part costs time). filters: _filters(deadlines=True)."""
    table, where, where_params = filters
    lim = " LIMIT ?" if limit is not None else ""
    lim_params = [int(limit)] if limit is not None else []
    rules = [(key, due) for key, due in zip(ctx["rule_keys"], ctx["rule_dates"])
             if recurring_until is None or due <= recurring_until]
    dated_scope, dated_params = _scope(scope, "fi.due_date", ctx)
    ctes = {"dated": f"""SELECT fi.*, fi.due_date AS due FROM {table} fi
                         WHERE fi.due_date IS NOT NULL AND {where} AND {dated_scope}{lim}"""}
    params = where_params + dated_params + lim_params
    if rules:
        rule_scope, rule_params = _scope(scope, "r.next_due", ctx)
        ctes["recurring"] = f"""SELECT fi.*, r.next_due AS due FROM {table} fi JOIN rules r ON r.rule_key = {_RULE_KEY}
            WHERE fi.due_date IS NULL AND {where} AND {rule_scope}
            ORDER BY r.next_due, fi.source_file, fi.line, fi.char_start, fi.id{lim}"""
        params += where_params + rule_params + lim_params
    if scope == "all" and undated:
        ctes["undated"] = f"""SELECT fi.*, NULL::DATE AS due FROM {table} fi
            WHERE fi.due_date IS NULL AND NOT list_contains(?::VARCHAR[], {_RULE_KEY}) AND {where}{lim}"""
        params += [ctx["rule_keys"]] + where_params + lim_params
    picked = " UNION ALL ".join(f"SELECT * FROM {name}" for name in ctes)
    sql = ",\n        ".join([_RULES_CTE] * bool(rules) + [f"{name} AS ({body})" for name, body in ctes.items()])
    if rules:
        params = [[key for key, _ in rules], [due for _, due in rules]] + params
    return f"WITH {sql},\n        picked AS ({picked})", params


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


def deadline_rows(path: Path, as_of: dt.date, statuses: pd.DataFrame | None = None, agencies=None, doc_ids=None,
                  kinds=None, text=None, scope: str = "all", limit: int | None = DISPLAY_LIMIT) -> pd.DataFrame:
    """Deadlines and relative deadlines, one row per goal, with the due date in effect at as_of,
    soonest first (undated last); at most `limit` rows (None: all).

    `due` is due_date, or the next occurrence of a dated recurring rule; `days_left` counts from
    as_of; `status` comes from progress tracking (a frame with fact_id and status; empty when
    none); a deadline whose status is 已提交 or 不适用 is closed and never overdue. scope: all,
    open (not closed, due today or later), overdue, due_7 / due_30 / due_90 (open and due within
    7, 30, 90 days: the overview's counts)."""
    ctx = _context(path, as_of, statuses)
    filters = _filters(kinds=kinds, agencies=agencies, doc_ids=doc_ids, text=text, deadlines=True)

    recurring_until = None  # with a limit: the date of the limit-th dated row, past which no rule can place a row
    if limit:
        table, where, where_params = filters
        dated_scope, dated_params = _scope(scope, "fi.due_date", ctx)
        recurring_until = read_row(path, f"""SELECT fi.due_date FROM {table} fi
                                   WHERE fi.due_date IS NOT NULL AND {where} AND {dated_scope}
                                   LIMIT 1 OFFSET ?""", where_params + dated_params + [int(limit) - 1],
                                   prepared=True).get("due_date")

    def rows(undated: bool) -> pd.DataFrame:
        parts, params = _deadline_parts(ctx, filters, scope, limit, undated, recurring_until)
        status, join = "''", ""
        if ctx["status_ids"]:
            parts += ",\n        st AS (SELECT unnest(?::VARCHAR[]) AS id, unnest(?::VARCHAR[]) AS status)"
            params += [ctx["status_ids"], ctx["statuses"]]
            status, join = "coalesce(st.status, '')", "LEFT JOIN st ON st.id = fi.id"
        sql = f"""{parts}
            SELECT {_ROW_COLUMNS.format(agencies='goal_agencies')}, fi.due,
                   datediff('day', ?::DATE, fi.due) AS days_left, {status} AS status
            FROM picked fi {join}
            ORDER BY fi.due NULLS LAST, fi.recurrence_rule NULLS LAST, fi.source_file, fi.line, fi.char_start, fi.id
            {'LIMIT ?' if limit is not None else ''}"""
        params += [as_of] + ([int(limit)] if limit is not None else [])
        return read(path, sql, params, prepared=True)

    # undated rows come last: read them only when the dated and recurring ones leave room
    frame = rows(undated=limit is None)
    if scope == "all" and limit is not None and len(frame) < limit:
        frame = rows(undated=True)
    frame = _dates(_finish(frame, path), "due")
    frame["days_left"] = frame["days_left"].astype("Int64")
    frame["status"] = frame["status"].fillna("")
    frame["closed"] = frame["status"].isin(CLOSED_STATUSES).astype(bool)
    frame["overdue"] = ((frame["days_left"] < 0).fillna(False).astype(bool) & ~frame["closed"]).astype(bool)
    columns = ("status", "kind", "due", "recurrence", "days_left")
    frame["state"] = pd.Series([_state(dict(zip(columns, values))) for values in zip(
        frame["status"].tolist(), frame["kind"].tolist(), frame["due"].tolist(), frame["recurrence"].tolist(),
        frame["days_left"].tolist())], index=frame.index, dtype=object)
    return frame


def deadline_count(path: Path, as_of: dt.date, statuses: pd.DataFrame | None = None, agencies=None, doc_ids=None,
                   kinds=None, text=None, scope: str = "all") -> int:
    """How many rows deadline_rows would give without a limit."""
    ctx = _context(path, as_of, statuses)
    if doc_ids or text or len(agencies or ()) > 1:
        filters = _filters(kinds=kinds, agencies=agencies, doc_ids=doc_ids, text=text, deadlines=True)
        parts, params = _deadline_parts(ctx, filters, scope, None)
        return read_row(path, f"{parts} SELECT count(*) AS n FROM picked", params, prepared=True)["n"]
    # what the count tables hold (goals by kind, due date and rule; by agency too), less the closed
    where, params = _count_filters(agencies, kinds, "c.")
    window, window_params = _window(scope, "coalesce(c.due_date, r.next_due)", ctx)
    counted = f"""SELECT coalesce(sum(c.n), 0) FROM {'deadline_agency_due' if agencies else 'deadline_due_counts'} c
                  LEFT JOIN rules r ON c.due_date IS NULL AND r.rule_key = c.rule_key
                  WHERE {' AND '.join(where)} AND {window}"""
    closed, closed_params = "0", []
    if scope != "all" and ctx["closed"]:
        closed = f"""SELECT count(*) FROM {'agency_deadline_index' if agencies else 'deadline_index'} c
                     LEFT JOIN rules r ON c.due_date IS NULL AND r.rule_key = c.rule_key
                     WHERE list_contains(?::VARCHAR[], c.id) AND {' AND '.join(where)} AND {window}"""
        closed_params = [ctx["closed"]] + params + window_params
    return int(read_row(path, f"WITH {_RULES_CTE} SELECT ({counted}) - ({closed}) AS n",
                        [ctx["rule_keys"], ctx["rule_dates"]] + params + window_params + closed_params,
                        prepared=True)["n"])


def timeline_items(path: Path, as_of: dt.date, statuses: pd.DataFrame | None = None, upcoming: bool = True,
                   kinds=None, agencies=None, doc_ids=None, text=None, years=None,
                   limit: int | None = DISPLAY_LIMIT) -> pd.DataFrame:
    """What a timeline draws, by `due` (undated last): the goals (targets, milestones) by due date and
    the deadlines at the date in effect at as_of (a recurring rule's next date), as the deadline
    lists count them. upcoming: only what is due from as_of on (and open, for deadlines) or undated;
    else everything. years: (first, last) due year. At most `limit` rows (None: all)."""
    chosen = list(kinds or KIND_LABELS)
    goal_kinds = [k for k in chosen if k not in DEADLINE_KINDS]
    deadline_kinds = [k for k in chosen if k in DEADLINE_KINDS]
    parts = []
    if goal_kinds:
        goals = fact_rows(path, kinds=goal_kinds, agencies=agencies, doc_ids=doc_ids, text=text, years=years,
                          limit=limit, since=as_of if upcoming else None)
        parts.append(goals.assign(due=goals["due_date"], state="", status=""))
    if deadline_kinds:
        deadlines = deadline_rows(path, as_of, statuses, agencies=agencies, doc_ids=doc_ids, kinds=deadline_kinds,
                                  text=text, scope="open" if upcoming else "all", limit=None if years else limit)
        if years:  # the year the deadline falls due in (a recurring one: its next date)
            deadlines = deadlines[[d is None or years[0] <= d.year <= years[1] for d in deadlines["due"]]]
        parts.append(deadlines[list(parts[0].columns)] if parts else deadlines)
    frame = pd.concat(parts, ignore_index=True) if len(parts) > 1 else parts[0]
    order = frame.assign(_undated=frame["due"].isna(), _due=frame["due"].map(lambda d: d or dt.date.max))
    order = order.sort_values(["_undated", "_due", "source_file", "line", "char_start", "id"], kind="stable")
    return frame.loc[order.index[:limit]].reset_index(drop=True)


def timeline_count(path: Path, as_of: dt.date, statuses: pd.DataFrame | None = None, upcoming: bool = True,
                   kinds=None, agencies=None, doc_ids=None, text=None, years=None) -> int:
    """How many rows timeline_items would give without a limit."""
    chosen = list(kinds or KIND_LABELS)
    goal_kinds = [k for k in chosen if k not in DEADLINE_KINDS]
    deadline_kinds = [k for k in chosen if k in DEADLINE_KINDS]
    total = 0
    if goal_kinds:
        total += fact_count(path, kinds=goal_kinds, agencies=agencies, doc_ids=doc_ids, text=text, years=years,
                            since=as_of if upcoming else None)
    if deadline_kinds and years:
        total += len(timeline_items(path, as_of, statuses, upcoming, deadline_kinds, agencies, doc_ids, text, years,
                                    limit=None))
    elif deadline_kinds:
        total += deadline_count(path, as_of, statuses, agencies=agencies, doc_ids=doc_ids, kinds=deadline_kinds,
                                text=text, scope="open" if upcoming else "all")
    return total


def due_counts(path: Path, as_of: dt.date, statuses: pd.DataFrame | None = None) -> dict:
    """The overview's numbers: open deadlines due within 7/30/90 days, overdue, milestones this year."""
    ctx = _context(path, as_of, statuses)
    # the deadlines counted by due date and rule (a short table), less the ones staff closed
    counts = read_row(path, f"""WITH {_RULES_CTE},
        dl AS (SELECT datediff('day', ?::DATE, coalesce(c.due_date, r.next_due)) AS days, c.n
               FROM deadline_due_counts c LEFT JOIN rules r ON c.due_date IS NULL AND r.rule_key = c.rule_key
               UNION ALL
               SELECT datediff('day', ?::DATE, coalesce(fi.due_date, r.next_due)), -1
               FROM deadline_index fi LEFT JOIN rules r ON fi.due_date IS NULL AND r.rule_key = {_RULE_KEY}
               WHERE {"list_contains(?::VARCHAR[], fi.id)" if ctx["closed"] else "FALSE"})
        SELECT sum(n) FILTER (WHERE days BETWEEN 0 AND 7) AS due_7,
               sum(n) FILTER (WHERE days BETWEEN 0 AND 30) AS due_30,
               sum(n) FILTER (WHERE days BETWEEN 0 AND 90) AS due_90,
               sum(n) FILTER (WHERE days < 0) AS overdue,
               (SELECT sum(n) FROM year_kind_counts WHERE kind = 'milestone' AND year = ?) AS milestones_this_year
        FROM dl""", [ctx["rule_keys"], ctx["rule_dates"], as_of, as_of] + ([ctx["closed"]] if ctx["closed"] else [])
                  + [as_of.year],
                  prepared=True)
    return {key: int(counts[key] or 0) for key in ("due_7", "due_30", "due_90", "overdue", "milestones_this_year")}


def facts_by_year_kind(path: Path) -> pd.DataFrame:
    """Goals per due year and kind (one count per same-goal group)."""
    frame = read(path, "SELECT year, kind, n FROM year_kind_counts ORDER BY year, kind", prepared=True)
    frame["kind_label"] = frame["kind"].map(KIND_LABELS).fillna(frame["kind"])
    return frame


def facts_by_agency(path: Path, limit: int = 20) -> pd.DataFrame:
    """Goals per agency and kind, for the agencies with the most goals."""
    frame = read(path, """
        SELECT agency, kind, n FROM agency_kind_counts
        WHERE list_contains((SELECT list(agency) FROM (SELECT agency FROM agency_totals LIMIT ?)), agency)
        ORDER BY agency, kind""", (limit,), prepared=True)  # a join here costs ~6 ms (DuckDB's join filter)
    frame["kind_label"] = frame["kind"].map(KIND_LABELS).fillna(frame["kind"])
    return frame


def plan_periods(path: Path, article_ids=None, limit: int = 200) -> pd.DataFrame:
    """Articles whose titles state a plan period (行动方案（2024—2026年）), for timeline bars; only
    these articles when given."""
    where, params = ["TRUE"], []
    if article_ids is not None:
        where.append("list_contains(?::VARCHAR[], article_id)")
        params.append(sorted({str(i) for i in article_ids if isinstance(i, str)}))
    frame = read(path, f"""
        SELECT *, array_to_string(agencies, '、') AS agencies_text FROM plan_periods
        WHERE {' AND '.join(where)} LIMIT ?""", params + [limit], prepared=True)
    frame["agencies"] = [_as_list(v) for v in frame["agencies"]]
    return frame


def period_start(row) -> dt.date | None:
    """When a goal's period begins: its own 起 date, else its article's, else its bulletin's date."""
    for key in ("due_from", "article_issued_on", "document_issued_on"):
        value = row.get(key)
        if value is not None and not pd.isna(value):
            return value
    return None


def elapsed_share(start: dt.date | None, due: dt.date | None, as_of: dt.date) -> float | None:
    """Share of the period start..due that has passed at as_of, clipped to 0..1: all of it once the
    due date has passed (whatever the start); None while the start is unknown (or after the due)."""
    if due is None:
        return None
    if as_of >= due:
        return 1.0
    if start is None or due <= start:
        return None
    return min(1.0, max(0.0, (as_of - start).days / (due - start).days))


# ---- agencies -------------------------------------------------------------------------------

def _agency_deadlines_sql(ctx: dict) -> tuple[str, list]:
    """A CTE `per` (agency, open_deadlines, overdue) from the per-agency counts of head deadlines
    by due date and rule, less the deadlines staff closed."""
    closed = "list_contains(?::VARCHAR[], fi.id)" if ctx["closed"] else "FALSE"
    sql = f"""WITH {_RULES_CTE},
        due AS (SELECT c.agency, c.n, coalesce(c.due_date, r.next_due) AS due
                FROM deadline_agency_due c LEFT JOIN rules r ON c.due_date IS NULL AND r.rule_key = c.rule_key),
        closed AS (SELECT unnest(fi.goal_agencies) AS agency, -1 AS n, coalesce(fi.due_date, r.next_due) AS due
                   FROM deadline_index fi LEFT JOIN rules r ON fi.due_date IS NULL AND r.rule_key = {_RULE_KEY}
                   WHERE {closed}),
        per AS (SELECT agency, coalesce(sum(n) FILTER (WHERE due >= ?::DATE), 0) AS open_deadlines,
                       coalesce(sum(n) FILTER (WHERE due < ?::DATE), 0) AS overdue
                FROM (SELECT * FROM due UNION ALL SELECT * FROM closed) GROUP BY agency)"""
    params = [ctx["rule_keys"], ctx["rule_dates"]] + ([ctx["closed"]] if ctx["closed"] else []) + [ctx["as_of"]] * 2
    return sql, params


def agencies_ranked(path: Path, as_of: dt.date, statuses: pd.DataFrame | None = None) -> pd.DataFrame:
    """Agencies by open deadlines (due on or after as_of, not closed), then by overdue and all goals;
    with their level, the body they belong to (parent), targets, milestones and bulletins. A
    ministry's numbers include its departments' (agency_scope)."""
    cte, params = _agency_deadlines_sql(_context(path, as_of, statuses))
    return read(path, f"""{cte}
        SELECT t.agency, t.level, t.parent, coalesce(p.open_deadlines, 0)::INT AS open_deadlines,
               coalesce(p.overdue, 0)::INT AS overdue, t.goals::INT AS goals, t.targets::INT AS targets,
               t.milestones::INT AS milestones, t.documents::INT AS documents
        FROM agency_totals t LEFT JOIN per p USING (agency)
        ORDER BY open_deadlines DESC, overdue DESC, goals DESC, agency""", params, prepared=True)


def _busiest_agency(path: Path) -> str:
    top = read_row(path, "SELECT agency FROM agency_totals LIMIT 1", prepared=True)  # stored most goals first
    return top.get("agency", "")


def agency_summary(path: Path, agency: str | None = None, as_of: dt.date | None = None,
                   statuses: pd.DataFrame | None = None) -> dict:
    """One agency's numbers (None: the agency with the most goals): open and overdue deadlines at
    as_of (default today), targets, milestones, bulletins. Its row of agencies_ranked, which the
    agency page has read already (a cached result)."""
    agency = agency if agency is not None else _busiest_agency(path)
    ranked = agencies_ranked(path, as_of or dt.date.today(), statuses)
    row = ranked[ranked["agency"] == agency]
    keys = ("open_deadlines", "overdue", "targets", "milestones", "documents")
    return {key: int(row.iloc[0][key]) if len(row) else 0 for key in keys}


def agency_documents(path: Path, agency: str | None = None, limit: int = DISPLAY_LIMIT) -> pd.DataFrame:
    """The bulletins and articles where an agency's goals are stated, most goals first (None: the
    agency with the most goals)."""
    agency = agency if agency is not None else _busiest_agency(path)
    return read(path, """
        WITH per AS (SELECT doc_id, article_id, facts, first_line FROM agency_articles WHERE agency = ? LIMIT ?)
        SELECT d.title AS document_title, d.source_file, a.title AS article_title, per.facts, per.first_line,
               per.doc_id
        FROM per LEFT JOIN article_info a ON a.article_id = per.article_id
        LEFT JOIN document_list d ON d.doc_id = per.doc_id
        ORDER BY per.facts DESC, document_title, per.first_line""", (agency, limit), prepared=True)


# ---- documents and text ---------------------------------------------------------------------

def documents(path: Path, text: str | None = None, limit: int | None = FILTER_DOCUMENTS,
              doc_ids=None) -> pd.DataFrame:
    """Bulletins, newest first; those whose title or file name contains `text`, or these doc_ids;
    at most `limit` (None: all)."""
    where, params = "TRUE", []
    if text:
        test, params = _contains("title || ' ' || source_file", text)
        where = test
    if doc_ids is not None:
        where += " AND doc_id IN (SELECT unnest(?::VARCHAR[]))"
        params = params + [list(doc_ids)]
    frame = read(path, f"""
        SELECT doc_id, source_file, title, issued_on, n_articles, n_facts, n_lines
        FROM document_list WHERE {where} {'LIMIT ?' if limit is not None else ''}""",
                 params + ([int(limit)] if limit is not None else []), prepared=True)
    return _dates(frame, "issued_on")


def document_count(path: Path) -> int:
    return read_row(path, "SELECT count(*) AS n FROM document_list", prepared=True)["n"]


def articles(path: Path, doc_id: str) -> pd.DataFrame:
    """A bulletin's articles in order, with how many facts each holds."""
    return _dates(read(path, """
        WITH n AS (SELECT article_id, count(*) AS n_facts FROM document_fact_index WHERE doc_id = ? GROUP BY article_id)
        SELECT a.article_id, a.ordinal, a.title, a.start_line, a.end_line, a.kind, a.doc_number,
               a.issued_on, array_to_string(a.issuers, '、') AS issuers, coalesce(n.n_facts, 0) AS n_facts
        FROM articles a LEFT JOIN n USING (article_id)
        WHERE a.doc_id = ? ORDER BY a.ordinal""", (doc_id, doc_id), prepared=True), "issued_on")


def article_lines(path: Path, doc_id: str, start_line: int, end_line: int) -> pd.DataFrame:
    """The original lines of one article (or any line range) of a bulletin.

    The build writes a bulletin's lines together, so its file name (a constant in the query) lets
    DuckDB skip the blocks of other bulletins by their min/max; doc_id alone is a hash and cannot."""
    found = read(path, "SELECT source_file FROM documents WHERE doc_id = ?", (doc_id,))
    if found.empty:
        return pd.DataFrame({"line": pd.Series(dtype="int64"), "text": pd.Series(dtype=object)})
    return read(path, """
        SELECT line, text FROM lines
        WHERE source_file = ? AND doc_id = ? AND line BETWEEN ? AND ? ORDER BY line""",
                (found.iloc[0]["source_file"], doc_id, start_line, end_line))


def document_facts(path: Path, doc_id: str, start_line: int = 1, end_line: int = 2**31 - 1) -> pd.DataFrame:
    """Every fact (not one per goal: each place is marked) in a line range of one bulletin."""
    return fact_rows(path, doc_ids=[doc_id], heads_only=False, limit=None).pipe(
        lambda f: f[f["line"].between(start_line, end_line)].reset_index(drop=True))


def _contains(column: str, text: str) -> tuple[str, list]:
    """A literal substring test (the text is a parameter and never a pattern: no wildcard or quote
    in it means anything), case-insensitive when the text has case."""
    if text.lower() == text.upper():
        return f"contains(coalesce({column}, ''), ?)", [text]
    return f"regexp_matches(coalesce({column}, ''), ?, 'i')", [re.escape(text)]


def search_facts(path: Path, text: str, limit: int = 200) -> pd.DataFrame:
    """Facts (every place, not one per goal) whose quote, metric, agencies, article or bulletin
    title contains `text`, by due date; at most `limit`.

    One scan of fact_index in stored (display) order that stops at the first `limit` matches. The
    short tables (titles, agency names) are tested first, so the scan tests only what can match."""
    title_test, title_params = _contains("title", text)
    name_test, name_params = _contains("agency", text)
    short = read_row(path, f"""
        SELECT EXISTS (SELECT 1 FROM article_info WHERE {title_test}) AS articles,
               EXISTS (SELECT 1 FROM document_list WHERE {title_test}) AS documents,
               (SELECT list(agency) FROM agency_totals WHERE {name_test}) AS names""",
                     title_params * 2 + name_params, prepared=True)
    names = _as_list(short["names"])
    tests = [_contains("fi.quote", text), _contains("fi.metric", text)]
    if short["articles"]:
        tests.append((f"fi.article_id IN (SELECT article_id FROM article_info WHERE {title_test})", title_params))
    if short["documents"]:
        tests.append((f"fi.doc_id IN (SELECT doc_id FROM document_list WHERE {title_test})", title_params))
    if names:
        tests.append(("list_has_any(fi.agencies, ?::VARCHAR[])", [names]))
    where = " OR ".join(f"({test})" for test, _ in tests)
    params = [value for _, values in tests for value in values]
    hits = read(path, f"SELECT fi.rowid AS pos, fi.id FROM fact_index fi WHERE {where} LIMIT ?",
                params + [limit], prepared=True)
    return _rows_at(path, hits, "agencies")


def _rows_at(path: Path, hits: pd.DataFrame, agencies: str) -> pd.DataFrame:
    """The display rows of these fact_index rows (pos: rowid, id), by due date. A wide row costs a
    read of every column's block, so rows are fetched only once found: by id, and within the
    stretch of the table where they lie (few blocks when they lie together)."""
    low, high = (int(hits["pos"].min()), int(hits["pos"].max())) if len(hits) else (0, -1)
    return _finish(path=path, frame=read(path, f"""
        SELECT {_ROW_COLUMNS.format(agencies=agencies)} FROM fact_index fi
        WHERE fi.rowid BETWEEN ? AND ? AND list_contains(?::VARCHAR[], fi.id) {_ORDER}""",
                        (low, high, list(hits["id"])), prepared=True))


def search_lines(path: Path, text: str, limit: int = 200) -> pd.DataFrame:
    """Lines of article text containing `text`, with their article and bulletin: the first `limit`
    as stored (a bulletin's lines together, in order), shown by file and line. A scan in stored
    order stops at the limit; "the first by file name" would read every matching line first."""
    test, params = _contains("l.text", text)
    return read(path, f"""
        SELECT l.doc_id, l.source_file, l.line, l.text, l.article_id,
               a.title AS article_title, coalesce(d.title, l.source_file) AS document_title
        FROM (SELECT * FROM lines l WHERE {test} LIMIT ?) l
        LEFT JOIN article_info a ON a.article_id = l.article_id
        LEFT JOIN document_list d ON d.doc_id = l.doc_id
        ORDER BY l.source_file, l.line""", params + [limit], prepared=True)


# ---- corrections and review -------------------------------------------------------------------
# The handle makes `correction_targets` (one row per correction: the fact it is about now, how it
# was matched, superseded when a later correction is about the same fact) and the corrected `facts`
# (pipeline/ledger/corrections.py: TARGETS_SQL, FACTS_SQL); `tracker.main.facts` is the file's, as the extractor left it.

def correction_marks(path: Path) -> dict[str, str]:
    """fact id -> the state of its correction (edited, added, confirmed), for the facts corrected now."""
    marks = read(path, """SELECT fact_id, state FROM correction_targets
                          WHERE fact_id IS NOT NULL AND NOT superseded AND state <> 'rejected'""")
    return dict(zip(marks["fact_id"], marks["state"]))


def correction_key(path: Path, fact_id: str) -> str:
    """The key under which this fact's correction is logged: the id it had when first corrected
    (a rebuild may have given it a new one), else its own id."""
    found = read_row(path, "SELECT key FROM correction_targets WHERE fact_id = ? AND NOT superseded", (fact_id,))
    return found.get("key") or fact_id


def correction_targets(path: Path) -> pd.DataFrame:
    """Every correction with the fact it is about now (fact_id NULL: an orphan, whose fact is gone)."""
    return read(path, "SELECT key, state, fact_id, matched_by, superseded FROM correction_targets ORDER BY key")


def original_fact(path: Path, fact_id: str) -> dict | None:
    """A fact as the extractor wrote it (before any correction); None for a fact staff added."""
    rows = _dates(read(path, "SELECT * FROM tracker.main.facts WHERE id = ?", (fact_id,)), "due_date", "due_from")
    return None if rows.empty else rows.iloc[0].to_dict()


def fact_fields(path: Path, fact_id: str) -> dict:
    """Every column of one fact as the app shows it (corrections applied), with those the lists leave
    out (due_precision, due_basis): what a correction starts from. {} when there is no such fact."""
    rows = _dates(read(path, "SELECT * FROM facts WHERE id = ?", (fact_id,)), "due_date", "due_from")
    if rows.empty:
        return {}
    fields = rows.iloc[0].to_dict()
    fields["agencies"] = _as_list(fields.get("agencies"))
    return fields


def corrected_facts(path: Path, source_files=None) -> pd.DataFrame:
    """The facts as the app shows them (corrections applied), with every column of the facts table:
    what an export or `python -m pipeline evaluate` scores. Only these files' facts when given."""
    where, params = "TRUE", []
    if source_files is not None:
        where, params = "list_contains(?::VARCHAR[], f.source_file)", [sorted(source_files)]
    return _dates(read(path, f"""SELECT f.*, a.start_line AS article_start_line
                                 FROM facts f LEFT JOIN articles a ON a.article_id = f.article_id
                                 WHERE {where} ORDER BY f.source_file, f.line, f.char_start, f.id""", params),
                  "due_date", "due_from")


def _has_candidates(path: Path) -> bool:
    """Whether the build wrote the extractor's `candidates` (spans it considered, and why it kept
    or rejected each); databases built before it have none."""
    return bool(read_row(path, """SELECT count(*) AS n FROM duckdb_tables()
                                  WHERE database_name = 'tracker' AND schema_name = 'main'
                                  AND table_name = 'candidates'""")["n"])


BASIS_LABELS = {"context": "日期由上下文推断", "explicit": "日期写在原句中"}
REVIEW_REASONS = {**BASIS_LABELS, "candidate": "未采纳的日期片段"}  # what the queue's reason filter offers


def family_precision(table: Path = EVALUATE.PRECISION_FILE) -> dict[str, float]:
    """Each rule family's (kind/due_basis) precision measured on eval/ (`python -m pipeline evaluate
    --write-precision`): how often a fact of that family was right. {} when never measured."""
    try:
        families = json.loads(Path(table).read_text(encoding="utf-8"))["families"]
    except (OSError, ValueError, KeyError):
        return {}
    return {name: float(row["precision"]) for name, row in families.items()}


def _bulletin_and_text_filters(doc_column: str, quote_column: str, doc_ids, text) -> tuple[list[str], list]:
    """The review queue's two filters that facts and candidates share, on each one's own columns."""
    where, params = [], []
    if doc_ids:
        where.append(f"list_contains(?::VARCHAR[], {doc_column})")
        params.append(list(doc_ids))
    if text:
        where.append(f"contains({quote_column}, ?)")
        params.append(text)
    return where, params


def _review_sql(path: Path, dismissed: list[str], doc_ids=None, kinds=None, reasons=None, agencies=None,
                text=None) -> tuple[str, list]:
    """The review queue as SQL (a CTE `queue`): every fact no staff member has reviewed yet
    (confirmed, edited, rejected or added: correction_targets), whenever it was built, so a rebuild
    or an upload never drops one; and the extractor's rejected candidates near dates (a date span,
    or a number on a line with one) staff have not dismissed. Each row carries its group (the
    article, else the bulletin) and its doubt: the measured precision of its rule family (1.0 when
    unmeasured; NULL for a candidate). Filters: bulletins, kinds (facts), reasons (context,
    explicit, candidate), agencies (and those under them), a text in the quote."""
    families = family_precision()
    facts_where, facts_params = _bulletin_and_text_filters("f.doc_id", "f.quote", doc_ids, text)
    facts_where.append("f.id NOT IN (SELECT fact_id FROM correction_targets WHERE fact_id IS NOT NULL)")
    if kinds:
        facts_where.append("list_contains(?::VARCHAR[], f.kind)")
        facts_params.append(list(kinds))
    if reasons:
        facts_where.append("list_contains(?::VARCHAR[], coalesce(f.due_basis, 'explicit'))")
        facts_params.append([r for r in reasons if r in BASIS_LABELS])
    if agencies:
        facts_where.append(f"list_has_any(f.agencies, {_SCOPED})")
        facts_params += [list(agencies)] * 2
    parts = [f"""SELECT f.id, f.doc_id, f.source_file, f.line, f.char_start, f.char_end, f.quote, f.kind, f.due_date,
                        coalesce(f.due_basis, 'explicit') AS due_basis, NULL::VARCHAR AS candidate_reason,
                        coalesce(f.article_id, f.doc_id) AS group_id, coalesce(fam.precision, 1.0) AS doubt
                 FROM facts f LEFT JOIN fam ON fam.family = f.kind || '/' || coalesce(f.due_basis, 'explicit')
                 WHERE {' AND '.join(facts_where)}"""]
    params: list = [list(families), list(families.values())] + facts_params
    wants_candidates = not (kinds or agencies) and (not reasons or "candidate" in reasons)
    if wants_candidates and _has_candidates(path):
        where, extra = _bulletin_and_text_filters("d.doc_id", "c.quote", doc_ids, text)
        where.append("c.decision = 'rejected'")
        parts.append(f"""SELECT 'candidate:' || c.source_file || ':' || c.line || ':' || c.char_start || ':' || c.char_end,
                                d.doc_id, c.source_file, c.line, c.char_start, c.char_end, c.quote, NULL, NULL::DATE,
                                'candidate', c.reason, coalesce(l.article_id, d.doc_id), NULL::DOUBLE
                         FROM tracker.main.candidates c LEFT JOIN documents d ON d.source_file = c.source_file
                         LEFT JOIN lines l ON l.source_file = c.source_file AND l.line = c.line
                         WHERE {' AND '.join(where)}
                           AND (c.span_kind = 'date' OR EXISTS (
                               SELECT 1 FROM tracker.main.candidates n WHERE n.span_kind = 'date'
                               AND n.source_file = c.source_file AND n.line = c.line))
                           AND NOT list_contains(?::VARCHAR[], 'candidate:' || c.source_file || ':' || c.line || ':'
                                                 || c.char_start || ':' || c.char_end)""")
        params += extra + [dismissed]
    sql = f"""WITH fam AS (SELECT unnest(?::VARCHAR[]) AS family, unnest(?::DOUBLE[]) AS precision),
              queue AS ({' UNION ALL '.join(parts)})"""
    return sql, params


# most doubtful first: the least reliable rule family, a date from context before one in the sentence
_DOUBT_ORDER = "doubt NULLS LAST, due_basis <> 'context', line, char_start"


def review_count(path: Path, dismissed=(), **filters) -> int:
    """How many items the review queue holds (with these filters: see _review_sql)."""
    sql, params = _review_sql(path, sorted(dismissed), **filters)
    return int(read_row(path, f"{sql} SELECT count(*) AS n FROM queue", params)["n"])


def review_articles(path: Path, dismissed=(), limit: int = 10, offset: int = 0, **filters) -> pd.DataFrame:
    """The review queue by article (or bulletin, for text outside any article), most doubtful first:
    the article whose least reliable fact has the lowest measured precision, then the one with more
    dates from context, more items, and by place. Columns: group_id, doc_id, source_file, first_line,
    title, document_title, facts, candidates, context (facts dated from context), doubt, and
    `articles`, how many groups the queue holds in all."""
    sql, params = _review_sql(path, sorted(dismissed), **filters)
    return read(path, f"""{sql},
        grouped AS (SELECT group_id, any_value(doc_id) AS doc_id, any_value(source_file) AS source_file,
                           min(line) AS first_line, count(id) FILTER (WHERE kind IS NOT NULL) AS facts,
                           count(id) FILTER (WHERE kind IS NULL) AS candidates,
                           count(id) FILTER (WHERE due_basis = 'context') AS context, min(doubt) AS doubt
                    FROM queue GROUP BY group_id)
        SELECT g.*, coalesce(a.title, d.title, g.source_file) AS title, coalesce(d.title, g.source_file) AS document_title,
               count(*) OVER () AS articles
        FROM grouped g LEFT JOIN articles a ON a.article_id = g.group_id LEFT JOIN documents d ON d.doc_id = g.doc_id
        ORDER BY g.doubt NULLS LAST, g.context DESC, g.facts + g.candidates DESC, g.source_file, g.first_line
        LIMIT ? OFFSET ?""", params + [int(limit), int(offset)])


def review_items(path: Path, group_ids, dismissed=(), **filters) -> pd.DataFrame:
    """The queue's items of these articles (group_id), most doubtful first within each, with
    kind_label, why_label (what makes it doubtful) and document_title (for its 出处)."""
    sql, params = _review_sql(path, sorted(dismissed), **filters)
    frame = _dates(read(path, f"""{sql}
        SELECT q.*, coalesce(d.title, q.source_file) AS document_title FROM queue q
        LEFT JOIN documents d ON d.doc_id = q.doc_id
        WHERE list_contains(?::VARCHAR[], q.group_id) ORDER BY q.group_id, {_DOUBT_ORDER}""",
                       params + [[str(g) for g in group_ids]]), "due_date")
    frame["kind_label"] = [KIND_LABELS.get(k, "未采纳的片段") if isinstance(k, str) else "未采纳的片段"
                           for k in frame["kind"]]
    frame["why_label"] = [_why(kind, basis, doubt, reason) for kind, basis, doubt, reason in
                          zip(frame["kind"], frame["due_basis"], frame["doubt"], frame["candidate_reason"])]
    return frame


def _why(kind, basis, doubt, candidate_reason) -> str:
    if not isinstance(kind, str):
        return f"未采纳：{candidate_label(candidate_reason)}"
    measured = f"，同类评测准确率 {doubt:.0%}" if doubt is not None and doubt == doubt and doubt < 1 else ""
    return BASIS_LABELS.get(basis, "") + measured


# ---- group-chat reminders (pipeline/remind.py) ------------------------------------------------

def notify_channels() -> tuple[pd.DataFrame, str]:
    """The channels `python -m pipeline remind` posts to without --notify, masked (service, address,
    recognised), and where they are configured; remind.NotifySettingsError when that cannot be read."""
    urls, source = remind.configured_urls()
    return pd.DataFrame(remind.masked(urls), columns=["service", "address", "recognised"]), source


def reminder_sends(path: Path, limit: int = 20) -> pd.DataFrame:
    """The last reminder messages (pipeline/ledger/reminders.py), newest first, sent_at in Beijing time."""
    sends = reminders.recent_sends(progress.default_progress_path(path), limit)
    stamps = pd.to_datetime(sends["sent_at"]).dt.tz_localize("UTC").dt.tz_convert("Asia/Shanghai")
    return sends.assign(sent_at=stamps.dt.strftime("%Y-%m-%d %H:%M"))
