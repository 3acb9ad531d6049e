"""Calendar feeds staff subscribe to (Outlook, Apple Calendar, 钉钉, 企业微信): every dated deadline in
one feed, and one feed per agency, rewritten after every build so a subscribed calendar follows the
bulletins by itself.

Each event is the deadline's goal (one event per goal, its first statement) with the quote, agencies,
file and line, a link to the fact in the app, and reminders 7 days and 1 day before. Its UID is the
fact's id, so a date that changes under the same id moves the event instead of adding a second one.
A recurring deadline whose rule names its date (每年2月底前, 每月5日前) is one event with an RRULE, not
its next date. Staff statuses come from the staff ledger (progress.duckdb beside the database, or
PostgreSQL with TRACKER_STORE): a deadline marked 已提交 (or 不适用) says so in its title and loses its
reminders.

Where: the feeds of the project's database (data/tracker.duckdb) go to dashboard/static/calendar/,
which the app serves at /app/static/calendar/ (server.enableStaticServing; Streamlit sends .ics as
text/calendar). Any other database's go to a calendar/ folder beside it, so a scratch build or a test
never replaces the feeds staff subscribed to; TRACKER_FEEDS names another folder.
"""
from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import os
import sys
from pathlib import Path

import duckdb
import icalendar

from pipeline import recurring
from pipeline.ledger import progress
from pipeline.ledger import store as ledger_store
from pipeline.recurring import next_rule_date, rrule_of

ROOT = Path(__file__).resolve().parents[1]
PROJECT_DB = ROOT / "data" / "tracker.duckdb"
SERVED_DIR = ROOT / "dashboard" / "static" / "calendar"
SERVED_URL_PATH = "app/static/calendar"  # where the app serves SERVED_DIR
DEFAULT_APP_URL = "http://localhost:8501"
ALL_FEED = "all.ics"
INDEX = "index.json"
LOCK = ".write.lock"  # hidden: never served as a feed
REMINDER_DAYS = (7, 1)
TITLE_CHARS = 40  # a calendar cell shows a line or two
DONE_STATUSES = {"已提交", "已完成", "不适用"}  # statuses that close a deadline (as in the weekly PDF)
PRODID = "-//policy-goal-tracker//calendar feeds//ZH"
REFRESH = dt.timedelta(hours=6)  # how often a client should fetch again (REFRESH-INTERVAL, X-PUBLISHED-TTL)


def app_url(out_dir: Path | None = None) -> str:
    """The address staff open the app at, for the links in events and mails: TRACKER_APP_URL (which
    `make run` and `make serve` set to the address they serve on when it is unset), else the address
    the feeds in out_dir were last written with (so a build or mail started by cron, without the
    variable, keeps the links where the app was served), else http://localhost:8501."""
    recorded = (read_index(out_dir) or {}).get("app_url") if out_dir is not None else None
    return (os.environ.get("TRACKER_APP_URL") or recorded or DEFAULT_APP_URL).rstrip("/")


def fact_link(fact_id: str, base: str | None = None) -> str:
    """The fact marked in its article, on the app's 文档 page."""
    return f"{base or app_url()}/documents?fact={fact_id}"


def feeds_dir(db_path: Path) -> Path:
    """Where the build writes db_path's feeds (see the module docstring)."""
    if os.environ.get("TRACKER_FEEDS"):
        return Path(os.environ["TRACKER_FEEDS"])
    if Path(db_path).resolve() == PROJECT_DB.resolve():
        return SERVED_DIR
    return Path(db_path).resolve().parent / "calendar"


def agency_file(agency: str) -> str:
    """A feed's file name: ASCII, so its URL reads the same pasted anywhere, and stable per agency."""
    return f"agency-{hashlib.sha1(agency.encode()).hexdigest()[:10]}.ics"


# ---------------------------------------------------------------- events

def event(fact: dict, stamp: dt.datetime, link_base: str | None = None) -> icalendar.Event | None:
    """One all-day event for a deadline, or None when it has no date.

    fact: id, due (the date, or a recurring rule's first date), recurrence, recurrence_rule, metric,
    quote, agencies (text), document_title, article_title, source_file, line, status."""
    due = fact.get("due")
    if due is None or due != due:  # None, NaN, NaT
        return None
    due = due.date() if isinstance(due, dt.datetime) else due
    status = fact.get("status") or ""
    done = status in DONE_STATUSES
    title = fact.get("metric") or fact["quote"]
    title = title if len(title) <= TITLE_CHARS else title[:TITLE_CHARS - 1] + "…"  # the whole quote is below
    rule = rrule_of(fact.get("recurrence"), fact.get("recurrence_rule"))
    link = fact_link(fact["id"], link_base)
    source = " · ".join(part for part in (fact.get("document_title"), fact.get("article_title")) if part)
    lines = [f"原文：{fact['quote']}",
             f"部门：{fact.get('agencies') or '未注明'}",
             f"出处：{source}（{fact['source_file']} 第{fact['line']}行）",
             f"进度：{status or '待办'}"]
    if fact.get("recurrence_rule"):
        lines.append(f"周期：{fact['recurrence_rule']}" + ("" if rule else "（规则未写明日期，此为下一次）"))
    lines.append(f"在应用中查看：{link}")

    item = icalendar.Event()
    item.add("uid", f"{fact['id']}@policy-goal-tracker")
    item.add("dtstamp", stamp)
    item.add("dtstart", due)
    item.add("dtend", due + dt.timedelta(days=1))
    item.add("summary", f"【{status}】{title}" if done else f"截止：{title}")
    item.add("description", "\n".join(lines))
    item.add("url", link)
    item.add("transp", "TRANSPARENT")  # a deadline does not make anyone busy all day
    if fact.get("agencies"):
        item.add("categories", [fact["agencies"]])
    if rule:
        item.add("rrule", rule)
    if not done:
        for days in REMINDER_DAYS:
            alarm = icalendar.Alarm()
            alarm.add("action", "DISPLAY")
            alarm.add("trigger", dt.timedelta(days=-days))
            alarm.add("description", f"{days}天后截止：{title}")
            item.add_component(alarm)
    return item


def calendar(name: str, events: list[icalendar.Event], description: str = "") -> icalendar.Calendar:
    cal = icalendar.Calendar()
    cal.add("prodid", PRODID)
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("name", name)
    cal.add("x-wr-calname", name)  # the name Outlook and Apple Calendar show
    if description:
        cal.add("x-wr-caldesc", description)
    cal.add("refresh-interval", REFRESH, parameters={"VALUE": "DURATION"})
    cal.add("x-published-ttl", icalendar.vDuration(REFRESH))
    for item in events:
        cal.add_component(item)
    return cal


# ---------------------------------------------------------------- the build's feeds

def _first_date(row: dict) -> dt.date | None:
    """A dated deadline's date; a recurring one's first occurrence from its article's issue date
    (or the start of this year), so the series starts where the bulletin does and stays put."""
    if row["due_date"] is not None:
        return row["due_date"]
    if rrule_of(row["recurrence"], row["recurrence_rule"]) is None:
        return None
    start = row["issued_on"] or dt.date(dt.date.today().year, 1, 1)
    return next_rule_date(row["recurrence"], row["recurrence_rule"], start)


# The deadline goals of the app's lists (views_app.sql: one row per goal, its head), each with every
# agency whose feed holds it: the agencies its places name and the bodies they belong to (agency_scope),
# as the app's 部门 page, filters and counts group them.
DEADLINES_SQL = """
    WITH heads AS (
        SELECT id, due_date, recurrence, recurrence_rule, metric, quote, document_title, article_title, source_file,
               line, coalesce(article_issued_on, document_issued_on) AS issued_on, goal_agencies
        FROM app_facts WHERE is_head AND kind IN ('deadline', 'relative')),
    scoped AS (
        SELECT n.id, list(DISTINCT coalesce(s.scope, n.named) ORDER BY coalesce(s.scope, n.named)) AS feed_agencies
        FROM (SELECT id, unnest(goal_agencies) AS named FROM heads) n LEFT JOIN agency_scope s ON s.agency = n.named
        GROUP BY n.id)
    SELECT h.* EXCLUDE (goal_agencies), array_to_string(h.goal_agencies, '、') AS agencies, s.feed_agencies
    FROM heads h LEFT JOIN scoped s USING (id)
    ORDER BY h.due_date NULLS LAST, h.source_file, h.line, h.id"""


def deadline_facts(db_path: Path) -> list[dict]:
    """Every deadline goal with a date or a dated rule, with its agencies (a department under its
    ministry too, so 工业和信息化部's feed holds 科技司's deadlines) and its staff status.

    The file is attached read-only to an in-memory database that holds this checkout's app views
    (views_app.sql), so the goals and the agency hierarchy are the app's, whichever code built the file."""
    with contextlib.closing(duckdb.connect(":memory:")) as con:
        con.execute(f"ATTACH '{str(Path(db_path)).replace(chr(39), chr(39) * 2)}' AS tracker (READ_ONLY)")
        con.execute("SET search_path = 'memory.main,tracker.main'")
        con.execute((ROOT / "pipeline" / "sql" / "views_app.sql").read_text(encoding="utf-8"))
        cursor = con.execute(DEADLINES_SQL)
        names = [column[0] for column in cursor.description]
        rows = [dict(zip(names, row)) for row in cursor.fetchall()]
    statuses = staff_statuses(progress.default_progress_path(Path(db_path)))
    facts = []
    for row in rows:
        row["due"] = _first_date(row)
        if row["due"] is not None:
            row["status"] = statuses.get(row["id"], "")
            facts.append(row)
    return facts


def staff_statuses(progress_db: Path) -> dict[str, str]:
    """fact id -> status recorded in the app (the staff ledger: the embedded store at progress_db, or
    PostgreSQL); none when nothing was recorded or the store cannot be read (the next build writes them)."""
    try:
        state = progress.current_state(progress_db)
    except ledger_store.ERRORS as error:
        print(f"warning: calendar feeds without staff statuses: {error}", file=sys.stderr)
        return {}
    return {fact_id: status for fact_id, status in zip(state["fact_id"], state["status"]) if isinstance(status, str)}


def _write(path: Path, data: bytes) -> None:
    """Replace the file in one step: a client fetching meanwhile gets the old feed or the new one."""
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_bytes(data)
    os.replace(tmp, path)


def write_feeds(db_path: Path, out_dir: Path | None = None, now: dt.datetime | None = None) -> Path:
    """Write all.ics, one agency-*.ics per agency and index.json (what the app's 日历订阅 page lists)
    into out_dir (default: feeds_dir(db_path)); returns out_dir.

    Nothing is rewritten when the deadlines, statuses, links and the code writing them are those the
    feeds were written from (a rebuild with no change costs a query). An agency's feed from an earlier build that has no
    deadline now is rewritten empty rather than left stale or deleted: a calendar subscribed to it
    empties instead of failing."""
    out_dir = Path(out_dir or feeds_dir(db_path))
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / LOCK, "w") as lock:  # a build and the app (a status saved) may write at once
        fcntl.flock(lock, fcntl.LOCK_EX)
        return _write_feeds(db_path, out_dir, now)


def _write_feeds(db_path: Path, out_dir: Path, now: dt.datetime | None) -> Path:
    facts = deadline_facts(db_path)
    base = app_url(out_dir)
    code = b"".join(Path(module.__file__).read_bytes() for module in (sys.modules[__name__], recurring))
    fingerprint = hashlib.sha256(code + json.dumps([base, facts], default=str, ensure_ascii=False).encode()).hexdigest()
    previous = read_index(out_dir)
    if previous and previous.get("fingerprint") == fingerprint and (out_dir / ALL_FEED).exists():
        return out_dir
    stamp = (now or dt.datetime.now(dt.timezone.utc)).astimezone(dt.timezone.utc).replace(microsecond=0)
    events = {fact["id"]: event(fact, stamp, base).to_ical() for fact in facts}  # each serialized once

    by_agency: dict[str, list[str]] = {}
    for fact in facts:
        for agency in fact["feed_agencies"] or []:
            by_agency.setdefault(agency, []).append(fact["id"])
    feeds = [{"file": ALL_FEED, "title": "全部截止事项", "agency": None, "events": len(events)}]
    feeds += [{"file": agency_file(agency), "title": f"{agency} 截止事项", "agency": agency, "events": len(ids)}
              for agency, ids in sorted(by_agency.items(), key=lambda item: (-len(item[1]), item[0]))]

    _write(out_dir / ALL_FEED, _with_events(calendar("政策截止事项", [], "政策简报中的全部截止事项（含周期性事项）"),
                                            events.values()))
    for feed in feeds[1:]:
        cal = calendar(feed["title"], [], f"政策简报中涉及{feed['agency']}的截止事项")
        _write(out_dir / feed["file"], _with_events(cal, (events[i] for i in by_agency[feed["agency"]])))
    current = {feed["file"] for feed in feeds}
    for old in out_dir.glob("agency-*.ics"):
        if old.name not in current:
            _write(old, calendar("政策截止事项（已无事项）", []).to_ical())
    # served to anyone: the database by name and a key, never its path on the server
    index = {"database": Path(db_path).name, "database_key": database_key(db_path), "app_url": base,
             "written_at": stamp.isoformat(), "fingerprint": fingerprint, "feeds": feeds}
    _write(out_dir / INDEX, json.dumps(index, ensure_ascii=False, indent=1).encode("utf-8"))
    return out_dir


def _with_events(cal: icalendar.Calendar, events) -> bytes:
    """The calendar with the already serialized events inside (icalendar would serialize an event
    again for every feed that holds it)."""
    head, end = cal.to_ical().rsplit(b"END:VCALENDAR", 1)
    return head + b"".join(events) + b"END:VCALENDAR" + end


def database_key(db_path: Path) -> str:
    """Which database feeds come from, without naming where it lies on the server (index.json is
    served to anyone): a hash of its full path."""
    return hashlib.sha256(str(Path(db_path).resolve()).encode()).hexdigest()[:16]


def refresh(db_path: Path) -> Path | None:
    """The feeds after a build, a staff status saved in the app, or a new app address: written, or
    a warning on stderr (the database is already in place, and a feed that could not be written must
    not fail the build or the save that changed it)."""
    try:
        return write_feeds(db_path)
    except Exception as error:
        print(f"warning: calendar feeds not written: {type(error).__name__}: {error}", file=sys.stderr)
        return None


def read_index(out_dir: Path = SERVED_DIR) -> dict | None:
    """The feeds a build wrote to out_dir (index.json), or None before the first build."""
    try:
        return json.loads((Path(out_dir) / INDEX).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
