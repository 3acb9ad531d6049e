"""The weekly PDF snapshot: what is overdue, what falls due soon, how this year's goals stand, and
what changed since last week, each item with its document, article and line.

The PDF only reads: facts from the tracker database (read-only), statuses from the app's store
(the staff ledger) when anything was recorded, and the previous snapshot's state from a small manifest JSON kept
beside the PDFs. Only the command line (`main`) writes, so a download from the app never moves
the "since last week" baseline.

A list longer than SECTION_ROWS shows the rows that matter most this week (the nearest deadlines,
the most recently overdue, the open goals due first, the changes with the nearest dates) and one
line saying how many more there are and where the app lists them: a 1,000-bulletin database gives
a readable PDF in seconds rather than 200 pages in a minute. The cover counts everything.
"""
from __future__ import annotations

import base64
import calendar
import contextlib
import datetime as dt
import json
import os
import queue
import re
import shutil
import subprocess
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import duckdb
import pandas as pd

from pipeline import load
from pipeline.ledger import corrections
from pipeline.ledger import progress as ledger_progress
from pipeline.ledger import store as ledger_store
from pipeline.recurring import next_rule_date

HERE = Path(__file__).parent
FONT_FAMILY = '"WenQuanYi Micro Hei", "Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", sans-serif'
FONT_HELP = ("未找到中文字体 / no CJK font installed (fc-list :lang=zh is empty). The PDF needs one embedded: "
             "sudo apt-get install fonts-wqy-microhei   (or fonts-noto-cjk)")

DEADLINE_KINDS = ("deadline", "relative")
GOAL_KINDS = ("target", "milestone")
DONE_STATUSES = {"已提交", "已完成", "不适用"}
KIND_LABELS = {"deadline": "截止", "relative": "相对期限", "target": "目标", "milestone": "里程碑"}
COMPARATORS = {">=": "≥", ">": ">", "=": "", "<=": "≤", "<": "<", "~": "约"}  # ≥300个, 约2倍
RECURRENCE_MONTHS = {"monthly": 1, "quarterly": 3, "half-yearly": 6, "yearly": 12}
RECURRENCE_LABELS = {"monthly": "每月", "quarterly": "每季度", "half-yearly": "每半年", "yearly": "每年"}
WINDOW_DAYS = 28
CHART_AGENCIES = 14  # lines in the timeline, so it fits on a page
SECTION_ROWS = 40  # rows a list shows; the rest are counted, with where to see them in the app
CHART_TIMEOUT_SECONDS = 60.0
LOCK_WAIT_SECONDS = 10.0


class MissingFontError(RuntimeError):
    """No CJK font: the PDF would show empty boxes instead of Chinese."""


# ---------------------------------------------------------------- environment

def check_cjk_font() -> None:
    """Fail early with the package to install rather than writing a PDF of tofu boxes."""
    if not shutil.which("fc-list"):
        raise MissingFontError(FONT_HELP)
    listed = subprocess.run(["fc-list", ":lang=zh", "family"], capture_output=True, text=True, check=False)
    if not listed.stdout.strip():
        raise MissingFontError(FONT_HELP)


def find_chromium() -> str | None:
    """The browser kaleido would launch, if it exists (BROWSER_PATH overrides the search)."""
    from choreographer.browsers.chromium import Chromium

    path = Chromium.find_browser(skip_local=False)
    return path if path and os.access(path, os.X_OK) else None


_chart_lock = threading.Lock()
_chart_broken: str | None = None


def start_chart_engine() -> str | None:
    """Start kaleido's shared browser once per process (it warms up while the data is read).

    Returns why charts cannot be drawn, or None when they can."""
    if _chart_broken:
        return _chart_broken
    if not find_chromium():
        return "未找到 Chromium（Debian 软件包 chromium），本期未生成时间轴图。"
    import kaleido

    kaleido.start_sync_server(mathjax=False, timeout=CHART_TIMEOUT_SECONDS, silence_warnings=True)
    return None


class PendingImage:
    """A figure being drawn to PNG by the shared kaleido server in a daemon thread.

    The thread lets the PDF engine load while Chromium starts (~3 s cold), and the deadline in
    `result` keeps a browser that dies at start-up (kaleido would then wait forever) from hanging
    a cron job or an app session. The lock serializes callers: the server is not re-entrant."""

    def __init__(self, fig, width: int, height: int):
        self._result: queue.Queue = queue.Queue(maxsize=1)
        opts = {"format": "png", "width": width, "height": height, "scale": 2}
        threading.Thread(target=self._draw, args=(fig.to_dict(), opts), daemon=True).start()

    def _draw(self, fig: dict, opts: dict) -> None:
        import kaleido

        with _chart_lock:
            try:
                self._result.put(kaleido.calc_fig_sync(fig, opts=opts))
            except Exception as error:  # handed to the caller by result()
                self._result.put(error)

    def result(self) -> bytes:
        global _chart_broken
        try:
            outcome = self._result.get(timeout=CHART_TIMEOUT_SECONDS)
        except queue.Empty:
            _chart_broken = "Chromium 未在时限内响应，本期未生成时间轴图。"
            raise TimeoutError(_chart_broken) from None
        if isinstance(outcome, Exception):
            raise outcome
        return outcome


# ---------------------------------------------------------------- reading

@contextlib.contextmanager
def read_only(path: Path):
    """A short read-only connection, retried while another process or connection holds the file."""
    deadline = time.monotonic() + LOCK_WAIT_SECONDS
    while True:
        try:
            con = duckdb.connect(str(path), read_only=True)
            break
        except (duckdb.IOException, duckdb.ConnectionException) as error:
            busy = "lock" in str(error).lower() or "different configuration" in str(error)
            if not busy or time.monotonic() > deadline:
                raise
            time.sleep(0.1)
    try:
        yield con
    finally:
        con.close()


def fetch_rows(con, sql: str) -> list[dict]:
    """Rows as plain dicts, NULL as None (straight from DuckDB: pandas would cost seconds on a big
    database and turn NULL into NaN)."""
    cursor = con.execute(sql)
    names = [column[0] for column in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


def load_facts(db_path: Path) -> tuple[list[dict], list[dict], dict]:
    """(one row a goal for the sections, every fact for the change manifest, run information), with
    the staff's corrections applied as the app applies them (pipeline/ledger/corrections.py)."""
    corrected = not corrections.overlay(corrections.store_path(db_path)).rows.empty
    with (corrections.corrected_database(db_path, load.sql_files()[1:]) if corrected else read_only(db_path)) as con:
        goals = fetch_rows(con, "SELECT * FROM snapshot_facts ORDER BY due_date, source_file, line, char_start, id")
        every = fetch_rows(
            con, "SELECT fd.*, la.lead_agency FROM fact_details fd LEFT JOIN fact_lead_agency la ON la.fact_id = fd.id "
                 "ORDER BY fd.source_file, fd.line, fd.char_start, fd.id")
        run = con.execute(
            "SELECT (SELECT count(*) FROM documents) AS documents, (SELECT count(*) FROM facts) AS facts, "
            "(SELECT max(finished_at) FROM runs) AS built_at").fetchone()
    info = {"documents": run[0], "facts": run[1], "built_at": run[2]}
    return goals, every, info


def load_progress(db_path: Path) -> tuple[dict[str, dict] | None, str | None]:
    """The app's current statuses by fact id (the staff ledger: progress.duckdb beside the database, or
    PostgreSQL with TRACKER_STORE), and a note for the cover when they are incomplete.

    Nothing recorded means every item is 待办 (a store holding accounts but no status yet included); None
    means the store could not be read, so statuses are unknown and no status change is reported."""
    try:
        state = ledger_progress.current_state(ledger_progress.default_progress_path(db_path))
    except ledger_store.ERRORS as error:  # the cover says so in words; the error's own text goes to the log
        print(f"warning: progress store unreadable: {type(error).__name__}: {error}", file=sys.stderr)
        return None, "进度记录暂时无法读取，本期未使用状态。"
    if state.empty:
        return {}, "尚无进度记录，所有事项按“待办”处理。"
    fields = ("status", "actual_value", "observed_on")
    return {row["fact_id"]: {name: row.get(name) for name in fields} for row in records(state)}, None


# ---------------------------------------------------------------- dates

def iso_week_label(day: dt.date) -> str:
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def quarter_end(day: dt.date) -> dt.date:
    month = (day.month - 1) // 3 * 3 + 3
    return dt.date(day.year, month, calendar.monthrange(day.year, month)[1])


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day n months on; a month's last day stays the last day (4月30日 -> 5月31日)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    last = calendar.monthrange(year, month + 1)[1]
    is_month_end = day.day == calendar.monthrange(day.year, day.month)[1]
    return dt.date(year, month + 1, last if is_month_end else min(day.day, last))


def next_occurrence(due: dt.date, recurrence: str | None, as_of: dt.date) -> dt.date:
    """A recurring deadline's first occurrence on or after as_of (others keep their date)."""
    step = RECURRENCE_MONTHS.get(recurrence or "")
    if not step or due >= as_of:
        return due
    months = ((as_of.year - due.year) * 12 + as_of.month - due.month) // step * step
    while (when := add_months(due, months)) < as_of:
        months += step
    return when


def date_text(day: dt.date | None, precision: str | None) -> str:
    """As precise as the bulletin was: 到2027年 reads 2027年, not 2027-12-31."""
    if day is None:
        return "—"
    if precision == "year":
        return f"{day.year}年"
    if precision == "quarter":
        return f"{day.year}年第{(day.month - 1) // 3 + 1}季度"
    if precision == "month":
        return f"{day.year}年{day.month}月"
    return day.isoformat()


def elapsed_share(start: dt.date | None, end: dt.date, as_of: dt.date) -> float | None:
    """How much of the goal's period has passed, 0..1; None when the period has no known start."""
    if start is None or start >= end:
        return None
    return min(1.0, max(0.0, (as_of - start).days / (end - start).days))


# ---------------------------------------------------------------- shaping

def _blank(value) -> bool:
    return value is None or (pd.api.types.is_scalar(value) and pd.isna(value))


def records(frame: pd.DataFrame) -> list[dict]:
    """Rows as dicts with None for missing values (pandas gives NaN, which is truthy)."""
    return [{key: None if _blank(value) else value for key, value in row.items()}
            for row in frame.to_dict("records")]


def _date(value) -> dt.date | None:
    if type(value) is dt.date:
        return value
    return None if value is None or pd.isna(value) else pd.Timestamp(value).date()


def number_text(value) -> str:
    return f"{float(value):g}"


def amount_text(row: dict) -> str:
    """≥300个, 300–500个, 约2倍: the goal's figure as the bulletin put it."""
    if row["value"] is None:
        return ""
    figure = number_text(row["value"])
    if row["value_max"] is not None:
        figure += "–" + number_text(row["value_max"])
    return COMPARATORS.get(row["comparator"] or "", "") + figure + (row["unit"] or "")


@dataclass
class Item:
    """One row of a table in the PDF."""
    id: str
    kind: str
    due: dt.date | None
    when: str
    metric: str
    quote: str
    agencies: str
    lead_agency: str
    status: str
    source_file: str
    line: int
    article_title: str
    recurring: str = ""
    overdue_days: int = 0
    amount: str = ""
    actual: str = ""
    elapsed: float | None = None
    reached: float | None = None


def make_item(row: dict, progress: dict[str, dict] | None, as_of: dt.date) -> Item:
    """A fact (a clean record) as the PDF shows it: dated at its next occurrence, with its status."""
    state = (progress or {}).get(row["id"], {})
    due, precision = _date(row["due_date"]), row["due_precision"]
    if due is not None and row["kind"] in DEADLINE_KINDS:
        due = next_occurrence(due, row["recurrence"], as_of)
    elif due is None and row["kind"] in DEADLINE_KINDS:
        due, precision = next_rule_date(row["recurrence"], row["recurrence_rule"], as_of), "day"
    item = Item(
        id=row["id"], kind=row["kind"], due=due,
        when=date_text(due, precision) if due else (row["recurrence_rule"] or "—"),
        metric="" if row["metric"] == row["quote"] else row["metric"] or "", quote=row["quote"],
        agencies=row["agencies_text"] or "", lead_agency=row["lead_agency"] or "未注明机构",
        status=state.get("status") or "待办", source_file=row["source_file"], line=int(row["line"]),
        article_title=row["article_title"] or "", recurring=RECURRENCE_LABELS.get(row["recurrence"] or "", ""),
        amount=amount_text(row))
    if due is not None and due < as_of:
        item.overdue_days = (as_of - due).days
    if state.get("actual_value") is not None:
        item.actual = number_text(state["actual_value"]) + (row["unit"] or "")
        if observed := _date(state.get("observed_on")):
            item.actual += f"（{observed.isoformat()}）"
        if row["value"]:
            item.reached = float(state["actual_value"]) / float(row["value"])
    return item


def period_start(row: dict) -> dt.date | None:
    """Where a goal's period begins: 2026年起, else the plan period in the title, else the issue date."""
    if (start := _date(row["due_from"])) is not None:
        return start
    if row["article_period_start"] is not None:
        return dt.date(int(row["article_period_start"]), 1, 1)
    return _date(row["issued_on"])


def by_agency(items: list[Item]) -> list[tuple[str, list[Item]]]:
    """Agencies ordered by their most pressing item; items by date within each."""
    groups: dict[str, list[Item]] = {}
    for item in sorted(items, key=lambda i: (i.due or dt.date.max, i.source_file, i.line)):
        groups.setdefault(item.lead_agency, []).append(item)
    return list(groups.items())


@dataclass
class Capped:
    """A list as the PDF shows it: at most SECTION_ROWS rows, the others counted in `note`."""
    rows: list
    hidden: list = field(default_factory=list)
    note: str = ""


def capped(rows: list, priority, limit: int = SECTION_ROWS) -> Capped:
    """The `limit` rows that come first by `priority`, still in the list's own order; the others
    left out (a short list is shown whole and as it was)."""
    if len(rows) <= limit:
        return Capped(list(rows))
    keep = set(sorted(range(len(rows)), key=lambda n: priority(rows[n]))[:limit])
    return Capped([row for n, row in enumerate(rows) if n in keep],
                  [row for n, row in enumerate(rows) if n not in keep])


def urgency(due: dt.date | None, as_of: dt.date) -> tuple[int, int]:
    """The coming dates nearest first, then the past ones latest first, then the undated."""
    if due is None:
        return 2, 0
    return (0, due.toordinal()) if due >= as_of else (1, -due.toordinal())


def date_span(days: list[dt.date]) -> str:
    first, last = min(days), max(days)
    return first.isoformat() if first == last else f"{first.isoformat()} 至 {last.isoformat()}"


def agency_counts(items: list[Item], shown: int = 6) -> str:
    """工业和信息化部 20 项、农业农村部 8 项 … 等 12 个机构: who the left-out items belong to."""
    counts = pd.Series([i.lead_agency for i in items]).value_counts()
    text = "、".join(f"{agency} {n} 项" for agency, n in counts.iloc[:shown].items())
    return text + (f" 等 {len(counts)} 个机构" if len(counts) > shown else "")


def deadline_window(items: list[Item], as_of: dt.date, scope: str) -> dict:
    """A window's deadlines by agency: the nearest SECTION_ROWS, grouped, with each agency's total.
    Where the cut falls inside a day (a monthly report due from every agency on the 5th), each
    agency's first item of that day comes before any agency's second."""
    rows = sorted(items, key=lambda i: (i.due, i.source_file, i.line))
    turn, seen = {}, {}  # item id -> how many of its agency's items that day come before it
    for item in rows:
        turn[item.id] = seen.get((item.lead_agency, item.due), 0)
        seen[(item.lead_agency, item.due)] = turn[item.id] + 1
    cut = capped(rows, lambda i: (urgency(i.due, as_of), turn[i.id]))
    if cut.hidden:
        cut.note = (f"另有 {len(cut.hidden)} 项未列出（截止于 {date_span([i.due for i in cut.hidden])}；"
                    f"{agency_counts(cut.hidden)}），请在应用的“截止事项”页（范围选“{scope}”，可按部门筛选）查看。")
    totals = pd.Series([i.lead_agency for i in items], dtype=object).value_counts().to_dict()
    return {"groups": by_agency(cut.rows), "totals": totals, "note": cut.note, "count": len(items)}


def overdue_list(overdue: list[Item]) -> Capped:
    """Longest overdue first, as always; a long list keeps the most recently overdue (the ones
    still worth chasing) and counts the older ones."""
    rows = sorted(overdue, key=lambda i: (-i.overdue_days, i.source_file, i.line))
    cut = capped(rows, lambda i: (i.overdue_days, i.source_file, i.line))
    if cut.hidden:
        days = [i.overdue_days for i in cut.hidden]
        cut.note = (f"另有 {len(cut.hidden)} 项逾期更久（{min(days)}–{max(days)} 天）的事项未列出，"
                    "请在应用的“截止事项”页（范围选“已逾期”）查看，办结的请在“进度”页标记。")
    return cut


def goals_list(goals: list[Item]) -> Capped:
    """This year's goals by date: a long list keeps the open ones due first."""
    cut = capped(goals, lambda i: (i.status in DONE_STATUSES, i.due, i.kind, i.source_file, i.line))
    if cut.hidden:
        kinds = pd.Series([i.kind for i in cut.hidden]).value_counts()
        parts = "、".join(f"{KIND_LABELS[k]} {n} 项" for k, n in kinds.items())
        cut.note = (f"另有 {len(cut.hidden)} 项未列出（{parts}；期限 {date_span([i.due for i in cut.hidden])}），"
                    "请在应用的“目标”页（量化目标）和“时间线”页（里程碑）查看。")
    return cut


CHANGE_NOTES = {
    "added": "请在应用的“截止事项”“目标”“时间线”页查看（可按文档筛选）。",
    "redated": "请在应用的“截止事项”“目标”“时间线”页查看新的期限。",
    "restatus": "请在应用的“进度”页查看（修改记录）。",
    "removed": "它们已不在任何文件中；上期的完整清单在快照目录的 manifest.json 里，有进度记录的可在应用“进度”页的“孤立记录”中查看。",
}
CHANGE_LABELS = {"added": "新增", "redated": "日期变更", "restatus": "状态变更", "removed": "不再出现"}


def change_lists(changes: "Changes", as_of: dt.date) -> dict:
    """Each kind of change as the PDF lists it (the nearest dates first when it is long), and, when
    one is cut, the counts by fact kind so the whole week still shows."""
    def due_of(row) -> dt.date | None:
        if isinstance(row, dict):
            return dt.date.fromisoformat(row["due_date"]) if row["due_date"] else None
        return (row[0] if isinstance(row, tuple) else row).due

    def kind_of(row) -> str:
        return row["kind"] if isinstance(row, dict) else (row[0] if isinstance(row, tuple) else row).kind

    lists, table = {}, []
    for name in CHANGE_LABELS:
        rows = getattr(changes, name)
        cut = capped(rows, lambda row: urgency(due_of(row), as_of))
        if cut.hidden:
            cut.note = f"另有 {len(cut.hidden)} 项未列出，{CHANGE_NOTES[name]}"
        lists[name] = cut
        kinds = pd.Series([kind_of(row) for row in rows], dtype=object).value_counts()
        table.append((CHANGE_LABELS[name], [int(kinds.get(k, 0)) for k in KIND_LABELS], len(rows)))
    cut_any = any(cut.hidden for cut in lists.values())
    return {**lists, "by_kind": table if cut_any else None}


@dataclass
class Changes:
    previous: dict | None
    added: list[Item] = field(default_factory=list)
    redated: list[tuple[Item, str]] = field(default_factory=list)  # (item, old date)
    restatus: list[tuple[Item, str]] = field(default_factory=list)  # (item, old status)
    removed: list[dict] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.added) + len(self.redated) + len(self.restatus) + len(self.removed)


def manifest_entries(every: list[dict], statuses: dict[str, str] | None) -> dict[str, dict]:
    """What the next snapshot compares against: every fact's date, status and provenance."""
    entries = {}
    for row in every:
        due = _date(row["due_date"])
        entries[row["id"]] = {
            "group_id": row["group_id"],
            "kind": row["kind"],
            "due_date": due.isoformat() if due else None,
            "status": None if statuses is None else statuses.get(row["id"], "待办"),
            "quote": row["quote"],
            "metric": row["metric"],
            "source_file": row["source_file"],
            "line": int(row["line"]),
            "article_title": row["article_title"],
        }
    return entries


def _bare(text: str | None) -> str:
    return re.sub(r"\s+", "", text or "")


def _same_text(entry: dict) -> tuple:
    return entry["kind"], _bare(entry["quote"])


def _same_wording(entry: dict) -> tuple:
    """The sentence with its figures masked: 2026年11月30日前 and 2026年12月15日前 match."""
    return entry["source_file"], entry["kind"], re.sub(r"\d+(?:\.\d+)?", "#", _bare(entry["quote"]))


def match_previous(before: dict[str, dict], current: dict[str, dict]) -> dict[str, str]:
    """Current fact id -> the previous snapshot's id of the same statement.

    Fact ids hash the document's content, so a revised or re-saved bulletin gives every fact a new
    id. A statement is the same when its id is, else when its sentence is (in any file: a renamed
    file), else when its sentence in the same file differs only in its figures (a moved date)."""
    matched = {fact_id: fact_id for fact_id in current if fact_id in before}
    used = set(matched)
    for key in (_same_text, _same_wording):
        index: dict[tuple, list[str]] = {}
        for old_id, entry in before.items():
            if old_id not in used:
                index.setdefault(key(entry), []).append(old_id)
        for fact_id, entry in current.items():
            candidates = [o for o in index.get(key(entry), []) if o not in used] if fact_id not in matched else []
            if candidates:
                best = min(candidates, key=lambda o: (before[o]["source_file"] != entry["source_file"],
                                                      abs(before[o]["line"] - entry["line"])))
                matched[fact_id] = best
                used.add(best)
    return matched


def compare(previous: dict | None, current: dict[str, dict], items: dict[str, Item],
            every: list[dict], progress: dict[str, dict] | None, as_of: dt.date) -> Changes:
    """New goals, goals whose date moved (the same statement, or its group restated with a date no
    earlier statement had), status changes, and goals no longer in any bulletin; a group once."""
    changes = Changes(previous)
    if previous is None:
        return changes
    before = previous["facts"]
    matched = match_previous(before, current)
    old_group_dates: dict[str, set] = {}
    for entry in before.values():
        if entry["group_id"]:
            old_group_dates.setdefault(entry["group_id"], set()).add(entry["due_date"])
    rows = {row["id"]: row for row in every}

    def item_of(fact_id: str) -> Item:
        return items.get(fact_id) or make_item(rows[fact_id], progress, as_of)

    listed: set[str] = set()
    for fact_id, entry in current.items():
        group = entry["group_id"]
        old = before[matched[fact_id]] if fact_id in matched else None
        if not (group and group in listed):
            if old is None and group not in old_group_dates:
                changes.added.append(item_of(fact_id))
                listed.add(group)
            else:
                earlier = {old["due_date"]} if old else old_group_dates[group]
                if entry["due_date"] not in earlier:
                    was = " / ".join(sorted(d or "无日期" for d in earlier))
                    changes.redated.append((item_of(fact_id), was))
                    listed.add(group)
        old_status = (old or {}).get("status")
        if old_status and entry["status"] and old_status != entry["status"]:
            changes.restatus.append((item_of(fact_id), old_status))

    kept = set(matched.values())
    current_groups = {entry["group_id"] for entry in current.values() if entry["group_id"]}
    for fact_id, entry in before.items():
        group = entry["group_id"]
        if fact_id in kept or (group and (group in current_groups or group in listed)):
            continue
        changes.removed.append({**entry, "recurring": ""})
        listed.add(group)
    return changes


# ---------------------------------------------------------------- manifest

def default_out(db_path: Path, as_of: dt.date) -> Path:
    return db_path.parent / "snapshots" / f"{iso_week_label(as_of)}.pdf"


def read_manifest(path: Path) -> dict:
    """{"snapshots": [{"week", "as_of", "pdf", "facts"}, ...]}; an unreadable file counts as empty."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {"snapshots": []}
    return data if isinstance(data.get("snapshots"), list) else {"snapshots": []}


def previous_snapshot(manifest: dict, as_of: dt.date) -> dict | None:
    """The latest snapshot of an earlier week, so re-running a week compares with the week before."""
    week = iso_week_label(as_of)
    earlier = [s for s in manifest["snapshots"] if s.get("week", "") < week]
    return max(earlier, key=lambda s: s["week"]) if earlier else None


def write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def record_snapshot(path: Path, as_of: dt.date, pdf: Path, facts: dict[str, dict]) -> bool:
    """Keep this week and the one before it; an older week than the latest recorded is not kept."""
    manifest = read_manifest(path)
    week = iso_week_label(as_of)
    if any(s.get("week", "") > week for s in manifest["snapshots"]):
        return False
    kept = [s for s in manifest["snapshots"] if s.get("week", "") < week]
    kept = sorted(kept, key=lambda s: s["week"])[-1:]
    kept.append({"week": week, "as_of": as_of.isoformat(), "pdf": pdf.name,
                 "written_at": dt.datetime.now().isoformat(timespec="seconds"), "facts": facts})
    write_atomically(path, json.dumps({"snapshots": kept}, ensure_ascii=False, indent=1).encode("utf-8"))
    return True


# ---------------------------------------------------------------- chart

def month_ticks(start: dt.date, end: dt.date) -> dict:
    """A tick on each month's first day: 5月 … 12月, with the year on the first tick and on January."""
    day, values, labels = add_months(start.replace(day=1), 1) if start.day > 1 else start, [], []
    while day <= end:
        labels.append(f"{day.year}年{day.month}月" if not values or day.month == 1 else f"{day.month}月")
        values.append(day.isoformat())
        day = add_months(day, 1)
    return {"tickvals": values, "ticktext": labels}


def start_timeline(items: list[Item], as_of: dt.date) -> tuple[PendingImage | None, str]:
    """Dated items on a line per agency (the busiest CHART_AGENCIES, the rest on one line), from
    four weeks back to the year's end; drawn in the background (None when nothing falls in that
    span), with its caption."""
    import plotly.graph_objects as go

    start = as_of - dt.timedelta(days=WINDOW_DAYS)
    end = max(dt.date(as_of.year, 12, 31), as_of + dt.timedelta(days=182))
    shown = [i for i in items if i.due and start <= i.due <= end]
    caption = f"{start.isoformat()} 至 {end.isoformat()}，共 {len(shown)} 项；竖线为截至日。"
    if not shown:
        return None, "该时间段内没有带日期的事项，未绘制时间轴图。"
    busiest = pd.Series([i.lead_agency for i in shown]).value_counts().index[:CHART_AGENCIES]
    line_of = {i.id: i.lead_agency if i.lead_agency in busiest else "其他机构" for i in shown}
    agencies = sorted(set(line_of.values()), key=lambda a: min(i.due for i in shown if line_of[i.id] == a))
    row_of = {agency: len(agencies) - n for n, agency in enumerate(agencies)}  # first agency on top
    # name, which items, colour, symbol, offset from the agency's line (targets and milestones
    # often share a year-end date, so they sit just above and below it)
    styles = [
        ("逾期", lambda i: i.kind in DEADLINE_KINDS and i.due < as_of and i.status not in DONE_STATUSES,
         "#c0392b", "circle", 0.0),
        ("已办结", lambda i: i.status in DONE_STATUSES, "#95a5a6", "circle-open", 0.0),
        ("截止事项", lambda i: i.kind in DEADLINE_KINDS, "#2e6da4", "circle", 0.0),
        ("目标", lambda i: i.kind == "target", "#27ae60", "diamond", 0.2),
        ("里程碑", lambda i: i.kind == "milestone", "#8e44ad", "star", -0.2),
    ]
    fig = go.Figure()
    placed: set[str] = set()
    for name, test, color, symbol, offset in styles:
        counts: dict[tuple[str, dt.date], int] = {}
        for item in shown:
            if item.id not in placed and test(item):
                placed.add(item.id)
                counts[(line_of[item.id], item.due)] = counts.get((line_of[item.id], item.due), 0) + 1
        if counts:  # items on the same day and line share a dot, labelled with their number
            fig.add_trace(go.Scatter(
                x=[day.isoformat() for _, day in counts], y=[row_of[agency] + offset for agency, _ in counts],
                name=name, mode="markers+text", text=[str(n) if n > 1 else "" for n in counts.values()],
                textposition="middle left", textfont={"size": 10, "color": color},
                marker={"color": color, "symbol": symbol, "size": [10 + 2 * min(n, 6) for n in counts.values()],
                        "line": {"width": 1, "color": color}}))
    fig.add_shape(type="line", x0=as_of.isoformat(), x1=as_of.isoformat(), y0=0, y1=1, yref="paper",
                  line={"color": "#c0392b", "width": 1.5, "dash": "dot"})
    fig.add_annotation(x=as_of.isoformat(), y=1, yref="paper", yanchor="bottom", showarrow=False,
                       text=f"截至{as_of.month}月{as_of.day}日", font={"size": 11, "color": "#c0392b"})
    height = 150 + 34 * len(agencies)
    fig.update_layout(
        font={"family": FONT_FAMILY, "size": 13}, template="plotly_white",
        margin={"l": 10, "r": 10, "t": 24, "b": 40},
        legend={"orientation": "h", "y": -0.12 - 30 / height, "x": 0},
        xaxis={"range": [start.isoformat(), (end + dt.timedelta(days=10)).isoformat()], "showgrid": True,
               **month_ticks(start, end + dt.timedelta(days=10))},
        yaxis={"tickvals": list(row_of.values()), "ticktext": list(row_of), "automargin": True,
               "range": [0.4, len(agencies) + 0.6], "zeroline": False})
    return PendingImage(fig, width=900, height=height), caption


# ---------------------------------------------------------------- assembling

def build_context(db_path: Path, as_of: dt.date, previous: dict | None) -> tuple[dict, dict[str, dict]]:
    """Everything the template shows, and the manifest entries this snapshot would record."""
    chart_problem = start_chart_engine()
    goals, every, info = load_facts(db_path)
    progress, progress_note = load_progress(db_path)
    rows = {row["id"]: row for row in goals}
    items = {fact_id: make_item(row, progress, as_of) for fact_id, row in rows.items()}
    all_items = list(items.values())
    chart, chart_caption = None, ""
    if chart_problem is None:
        chart, chart_caption = start_timeline(all_items, as_of)

    soon_end = as_of + dt.timedelta(days=WINDOW_DAYS - 1)
    q_end = quarter_end(as_of)
    deadlines = [i for i in all_items if i.kind in DEADLINE_KINDS and i.due]
    overdue = [i for i in deadlines if i.due < as_of and i.status not in DONE_STATUSES]
    soon = [i for i in deadlines if as_of <= i.due <= soon_end]
    quarter = [i for i in deadlines if soon_end < i.due <= q_end]
    undated = [i for i in all_items if i.kind in DEADLINE_KINDS and not i.due and i.recurring]

    this_year = []
    for item in sorted((i for i in all_items if i.kind in GOAL_KINDS and i.due and i.due.year == as_of.year),
                       key=lambda i: (i.due, i.kind, i.source_file, i.line)):
        item.elapsed = elapsed_share(period_start(rows[item.id]), item.due, as_of)
        this_year.append(item)

    statuses = None if progress is None else {k: v["status"] for k, v in progress.items() if v["status"]}
    current = manifest_entries(every, statuses)
    changes = compare(previous, current, items, every, progress, as_of)
    year, week, _ = as_of.isocalendar()
    undated_cut = capped(undated, lambda i: 0)  # in the bulletins' order
    if undated_cut.hidden:
        undated_cut.note = (f"另有 {len(undated_cut.hidden)} 项未列出，请在应用的“截止事项”页（范围选“全部”，"
                            "无日期的排在最后）查看。")
    context = {
        "as_of": as_of, "week_label": iso_week_label(as_of), "iso_year": year, "iso_week": week,
        "weekday": "一二三四五六日"[as_of.weekday()],
        "soon_end": soon_end, "quarter_end": q_end, "one_day": dt.timedelta(days=1), "quarter": (as_of.month - 1) // 3 + 1,
        "overdue": overdue_list(overdue), "overdue_count": len(overdue),
        "soon": deadline_window(soon, as_of, "30天内"),
        "quarter_items": deadline_window(quarter, as_of, "90天内"),
        "undated": undated_cut, "undated_count": len(undated),
        "this_year": goals_list(this_year), "this_year_count": len(this_year),
        "changes": changes, "change_lists": change_lists(changes, as_of), "kind_names": list(KIND_LABELS.values()),
        "row_limit": SECTION_ROWS,
        "chart": chart, "chart_caption": chart_caption, "chart_problem": chart_problem,
        "progress_note": progress_note, "info": info, "db_name": db_path.name,
        "kind_labels": KIND_LABELS, "done_statuses": DONE_STATUSES, "font_family": FONT_FAMILY,
        "generated_at": dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
    }
    return context, current


def html_of(context: dict) -> str:
    import jinja2

    env = jinja2.Environment(loader=jinja2.FileSystemLoader(HERE), autoescape=True,
                             trim_blocks=True, lstrip_blocks=True, undefined=jinja2.StrictUndefined)
    env.filters["pct"] = lambda share: "—" if share is None else f"{share * 100:.0f}%"
    return env.get_template("snapshot.html").render(**context)


def pdf_of(context: dict) -> bytes:
    """Lay the context out as PDF; the chart is collected last, so WeasyPrint loads meanwhile."""
    import weasyprint

    if context["chart"] is not None:
        try:
            context["chart"] = base64.b64encode(context["chart"].result()).decode("ascii")
        except Exception as error:  # a chart must never cost the secretariat its PDF
            context["chart"] = None
            context["chart_problem"] = f"时间轴图生成失败（{type(error).__name__}: {error}），本期从略。"
    css = weasyprint.CSS(string=(HERE / "snapshot.css").read_text(encoding="utf-8"))
    return weasyprint.HTML(string=html_of(context), base_url=str(HERE)).write_pdf(stylesheets=[css])


def render_pdf(db_path: Path, as_of: dt.date, manifest_path: Path | None = None) -> bytes:
    """The snapshot for `as_of` as PDF bytes (the app's download button). Compares with the
    manifest beside the default snapshots folder but never writes it."""
    db_path = Path(db_path)
    check_cjk_font()
    manifest_path = manifest_path or default_out(db_path, as_of).with_name("manifest.json")
    context, _ = build_context(db_path, as_of, previous_snapshot(read_manifest(manifest_path), as_of))
    return pdf_of(context)


def database_and_as_of(args) -> tuple[Path, dt.date] | None:
    """--db and --as-of as the commands that read a build take them (snapshot, remind); None after saying
    why on stderr."""
    db_path = Path(args.db)
    if not db_path.is_file():
        print(f"error: database not found: {db_path} (run `python -m pipeline build` first)", file=sys.stderr)
        return None
    try:
        return db_path, dt.date.fromisoformat(args.as_of) if args.as_of else dt.date.today()
    except ValueError:
        print(f"error: --as-of must be YYYY-MM-DD, got {args.as_of!r}", file=sys.stderr)
        return None


def main(args) -> int:
    """`python -m pipeline snapshot`: write the week's PDF, record it in the manifest, then mail it when
    asked (--mail-to / --mail; pipeline/snapshot/mail.py): exit 1 when the mail failed, the PDF kept."""
    started = time.perf_counter()
    given = database_and_as_of(args)
    if given is None:
        return 2
    db_path, as_of = given
    out = Path(args.out) if args.out else default_out(db_path, as_of)
    manifest_path = out.with_name("manifest.json")
    try:
        check_cjk_font()
    except MissingFontError as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    context, current = build_context(db_path, as_of, previous_snapshot(read_manifest(manifest_path), as_of))
    write_atomically(out, pdf_of(context))  # fills in context["chart_problem"] if the chart failed
    kept = record_snapshot(manifest_path, as_of, out, current)
    note = "" if kept else f" (manifest not updated: it already holds a later week than {iso_week_label(as_of)})"
    if context["chart_problem"]:
        print(f"warning: {context['chart_problem']}", file=sys.stderr)
    print(f"wrote {out} in {time.perf_counter() - started:.1f} s{note}")
    if getattr(args, "mail_to", None) or getattr(args, "mail", False):
        from pipeline.feeds import app_url, feeds_dir
        from pipeline.snapshot.mail import mail_from_args

        # the links where the app was last served (make run / make serve record it with the feeds)
        return mail_from_args(args, out, context, link_base=app_url(feeds_dir(db_path)))
    return 0
