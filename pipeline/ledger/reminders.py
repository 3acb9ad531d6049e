"""The reminders log: which deadline reminder went to which group chat, so a daily cron announces
each fact once per stage (7 days before, 1 day before, overdue) and retries what failed.

`reminders_log` in the app's own store (store.py) is append-only like the other
ledger tables: one row per fact, stage and channel each time a message was attempted, with its
outcome. A channel is kept as a hash of its URL and a masked label; the URL itself, which holds the
robot's key, is never written here. The sender is pipeline/remind.py; the app lists the last sends.
"""
from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pandas as pd

from pipeline.ledger import store

STAGES = {"7d": "7天内截止", "1d": "1天内截止", "overdue": "已过截止日"}
LOG_COLUMNS = {
    "run_id": "VARCHAR", "sent_at": "TIMESTAMP",  # UTC
    "as_of": "DATE", "channel": "VARCHAR", "channel_label": "VARCHAR",
    "fact_id": "VARCHAR", "due": "DATE", "stage": "VARCHAR", "title": "VARCHAR",
    "sent": "BOOLEAN", "reason": "VARCHAR",
}
SCHEMA = f"""CREATE TABLE IF NOT EXISTS reminders_log (
    {", ".join(f"{name} {kind}" for name, kind in LOG_COLUMNS.items())})"""


def new_run() -> tuple[str, dt.datetime]:
    """An id and a UTC time shared by every row one command writes."""
    return uuid.uuid4().hex, dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)


def record(store_db: Path, rows: list[dict]) -> None:
    """Append the outcome of one message: a row per fact it carried (run_id, sent_at, as_of, channel,
    channel_label, fact_id, due, stage, title, sent, reason)."""
    if not rows:
        return
    with store.writing(store_db, SCHEMA) as con:
        store.insert(con, "reminders_log", list(LOG_COLUMNS), [[row.get(name) for name in LOG_COLUMNS] for row in rows])


def announced(store_db: Path, channels: list[str]) -> set[tuple[str, str, dt.date, str]]:
    """(channel, fact_id, due, stage) of every reminder these channels received: what not to send
    again. A changed date (a correction, a recurring deadline's next year) is a new reminder."""
    if not channels:
        return set()
    with store.reading(store_db, "reminders_log") as con:
        if con is None:
            return set()
        rows = con.execute("SELECT DISTINCT channel, fact_id, due, stage FROM reminders_log "
                           f"WHERE sent AND channel IN ({', '.join('?' * len(channels))})", channels).fetchall()
    return {tuple(row) for row in rows}


def recent_sends(store_db: Path, limit: int = 20) -> pd.DataFrame:
    """The last `limit` messages, newest first: when, to which channel (masked), as of which day,
    how many deadlines of each stage, what they were, and whether it arrived (and why not)."""
    columns = ["sent_at", "channel_label", "as_of", "stages", "titles", "sent", "reason"]
    with store.reading(store_db, "reminders_log") as con:
        if con is None:
            return pd.DataFrame(columns=columns)
        return con.frame(f"""
            WITH per_stage AS (
                SELECT run_id, channel, stage, count(*) AS n FROM reminders_log GROUP BY run_id, channel, stage)
            SELECT min(r.sent_at) AS sent_at, min(r.channel_label) AS channel_label, min(r.as_of) AS as_of,
                   (SELECT string_agg(CASE p.stage {" ".join(f"WHEN '{k}' THEN '{v}'" for k, v in STAGES.items())}
                                      END || ' ' || p.n, '、' ORDER BY p.stage)
                    FROM per_stage p WHERE p.run_id = r.run_id AND p.channel = r.channel) AS stages,
                   string_agg(r.title, '；' ORDER BY r.due) AS titles,
                   bool_and(r.sent) AS sent, min(r.reason) AS reason
            FROM reminders_log r
            GROUP BY r.run_id, r.channel
            ORDER BY sent_at DESC, channel_label
            LIMIT ?""", [int(limit)])[columns]
