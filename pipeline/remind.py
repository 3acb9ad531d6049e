"""Deadline reminders in the secretariat's group chat: `python -m pipeline remind --notify URL`.

Staff read their work group (企业微信, 钉钉, 飞书) more than calendars or mail, so a daily cron posts
the deadlines due within 7 days, within 1 day and those overdue, each with its date, what is due,
the agency and a link to the fact in the app. Apprise speaks each service's webhook (DingTalk's
signed ones included); channels are Apprise URLs from --notify, TRACKER_NOTIFY or the [notify] table
of .streamlit/secrets.toml, and are only ever shown masked, since the URL is the robot's password.

Which deadlines are due, and their staff status, come from the weekly PDF's reading of the
database (pipeline/snapshot/render.py: corrections applied, recurring deadlines at their next
date), so the group sees what every page shows. Each fact is announced once per stage and
channel: the reminders log in the staff ledger (pipeline/ledger/reminders.py) says what went out;
a failed post is logged as failed and so tried again at the next run.
"""
from __future__ import annotations

import dataclasses
import datetime as dt
import hashlib
import logging
import os
import re
import sys
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

from pipeline.feeds import app_url, fact_link
from pipeline.ledger import reminders as log
from pipeline.ledger import store
from pipeline.snapshot import render
from pipeline.snapshot.mail import SECRETS

STAGE_ORDER = ("1d", "7d", "overdue")  # the order a message lists them in: the most pressing first
STAGE_SCOPES = {"1d": "due_7", "7d": "due_7", "overdue": "overdue"}  # the 截止事项 page's matching scope
LISTED_PER_STAGE = 6  # a stage lists at most this many deadlines; the rest are counted, by agency
MESSAGE_BYTES = 1800  # a message fits a phone screen or two, and WeCom's 2,048-byte text limit
WHAT_CHARS = 30
GENERIC_SCHEMES = {"json", "jsons", "form", "forms", "xml", "xmls"}  # their path may hold a token
WEEKDAYS = "一二三四五六日"


class NotifySettingsError(RuntimeError):
    """The channels could not be read; the message says where and why."""


# ---------------------------------------------------------------- channels

def configured_urls(cli: list[str] | None = None, environ=os.environ,
                    secrets_path: Path = SECRETS) -> tuple[list[str], str]:
    """The Apprise URLs to post to and where they came from: --notify, else TRACKER_NOTIFY (URLs
    separated by spaces, commas or semicolons), else `urls` in the [notify] table of secrets.toml."""
    from apprise.utils.parse import parse_urls

    if cli:
        return parse_urls(cli), "--notify"
    if environ.get("TRACKER_NOTIFY", "").strip():
        return parse_urls(environ["TRACKER_NOTIFY"]), "TRACKER_NOTIFY"
    if Path(secrets_path).is_file():
        try:
            table = tomllib.loads(Path(secrets_path).read_text(encoding="utf-8")).get("notify", {})
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise NotifySettingsError(f"cannot read {secrets_path}: {error}") from error
        if table.get("urls"):
            return parse_urls(table["urls"]), f"{secrets_path} [notify]"
    return [], ""


@dataclasses.dataclass
class Channel:
    url: str
    key: str  # what the log keeps instead of the URL
    label: str  # the URL masked: safe to print and show
    service: str
    markdown: bool
    plugin: object | None  # None: Apprise does not recognise the URL

    @classmethod
    def of(cls, url: str) -> "Channel":
        import apprise

        with apprise.LogCapture(level=logging.WARNING):  # Apprise's warnings may quote the key
            plugin = apprise.Apprise.instantiate(url)
        key = hashlib.sha256(url.encode()).hexdigest()[:16]
        scheme = urlsplit(url).scheme.lower() if "://" in url else ""
        if plugin is None:
            return cls(url, key, f"{scheme or '?'}://…（无法识别）", scheme or "?", False, None)
        shown = plugin.url(privacy=True).split("?", 1)[0].rstrip("/") + "/"
        if scheme in GENERIC_SCHEMES:
            parts = urlsplit(shown)
            shown = f"{parts.scheme}://{parts.netloc}/" + ("…" if parts.path.strip("/") else "")
        formats = plugin.notify_format if isinstance(plugin.notify_format, (tuple, list)) else (plugin.notify_format,)
        return cls(url, key, shown, str(plugin.service_name), apprise.NotifyFormat.MARKDOWN in formats, plugin)


def masked(urls: list[str]) -> list[dict]:
    """What the app shows of the configured channels: service and masked address, never the URL."""
    return [{"service": c.service, "address": c.label, "recognised": c.plugin is not None}
            for c in map(Channel.of, urls)]


def _scrubbed(text: str, url: str) -> str:
    """A failure reason without the URL's secret parts (keys and tokens long enough to matter)."""
    parts = set(re.split(r"[/:@?&=#+,]+", url.split("://", 1)[-1]))
    for part in sorted(parts, key=len, reverse=True):  # a host name (with dots) says where, not how to post
        if len(part) >= 6 and "." not in part:
            text = text.replace(part, "****")
    return text


def post(channel: Channel, title: str, body: str) -> str | None:
    """Send one message; None when the service took it, else why not (from Apprise's warnings)."""
    import apprise

    with apprise.LogCapture(level=logging.WARNING, fmt="%(message)s") as captured:
        try:
            notifier = apprise.Apprise()
            notifier.add(channel.plugin)
            body_format = apprise.NotifyFormat.MARKDOWN if channel.markdown else apprise.NotifyFormat.TEXT
            if notifier.notify(body=body, title=title, body_format=body_format):
                return None
        except Exception as error:  # a plugin's bug must not stop the other channels
            return _scrubbed(f"{type(error).__name__}: {error}", channel.url)
        said = " ".join(line.strip() for line in captured.getvalue().splitlines() if line.strip())
    return _scrubbed(said, channel.url) or "Apprise 报告发送失败（未说明原因）"


# ---------------------------------------------------------------- what is due

@dataclasses.dataclass
class Reminder:
    fact_id: str
    due: dt.date
    stage: str
    days: int  # from as_of; negative when overdue
    what: str
    agency: str
    source_file: str
    line: int


def stage_of(days: int) -> str | None:
    """7d from seven days before down to two, 1d the day before and the day itself, then overdue:
    windows rather than exact days, so a cron that missed a morning still sends the stage."""
    if days < 0:
        return "overdue"
    if days <= 1:
        return "1d"
    return "7d" if days <= 7 else None


def _short(text: str, limit: int = WHAT_CHARS) -> str:
    text = re.sub(r"\s+", "", text or "")
    return text if len(text) <= limit else text[:limit - 1] + "…"


def due_reminders(db_path: Path, as_of: dt.date) -> list[Reminder]:
    """The deadlines in a stage at as_of and not closed by staff (已提交/不适用), as the weekly PDF
    reads them (corrections applied, a recurring deadline at its next date)."""
    goals, _, _ = render.load_facts(Path(db_path))
    progress, _ = render.load_progress(Path(db_path))
    found = []
    for row in goals:
        if row["kind"] not in render.DEADLINE_KINDS:
            continue
        item = render.make_item(row, progress, as_of)
        if item.due is None or item.status in render.DONE_STATUSES:
            continue
        days = (item.due - as_of).days
        if stage := stage_of(days):
            found.append(Reminder(item.id, item.due, stage, days, _short(item.metric or item.quote),
                                  item.lead_agency, item.source_file, item.line))
    return found


# ---------------------------------------------------------------- the message

def _day(due: dt.date, as_of: dt.date) -> str:
    year = "" if due.year == as_of.year else f"{due.year}年"
    return f"{year}{due.month}月{due.day}日（周{WEEKDAYS[due.weekday()]}）"


def _when(reminder: Reminder) -> str:
    if reminder.days < 0:
        return f"逾期{-reminder.days}天"
    return {0: "今天截止", 1: "明天截止"}.get(reminder.days, f"还剩{reminder.days}天")


def _stage_items(stage: str, items: list[Reminder]) -> list[Reminder]:
    """Coming deadlines nearest first; overdue ones most recently overdue first (the news)."""
    if stage == "overdue":
        return sorted(items, key=lambda r: (-r.due.toordinal(), r.source_file, r.line))
    return sorted(items, key=lambda r: (r.due, r.source_file, r.line))


def _agencies(items: list[Reminder], shown: int = 3) -> str:
    counts: dict[str, int] = {}
    for item in items:
        counts[item.agency] = counts.get(item.agency, 0) + 1
    ranked = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
    return "、".join(f"{agency}{n}项" for agency, n in ranked[:shown]) + ("等" if len(ranked) > shown else "")


def compose(due: list[Reminder], as_of: dt.date, markdown: bool, base: str | None = None,
            listed: int = LISTED_PER_STAGE) -> tuple[str, str]:
    """(title, body) in Chinese: a section per stage, each deadline on a line with its date, what
    is due, the agency and its link; past `listed` a stage counts the rest by agency with a link to
    the 截止事项 page. A long run lists fewer per stage until the body fits MESSAGE_BYTES."""
    base = base or app_url()
    title = f"政策截止提醒 · {as_of.month}月{as_of.day}日"
    sections = []
    for stage in STAGE_ORDER:
        items = _stage_items(stage, [r for r in due if r.stage == stage])
        if not items:
            continue
        head = f"{log.STAGES[stage]} {len(items)} 项"
        lines = [f"**{head}**" if markdown else f"【{head}】"]
        for r in items[:listed]:
            link = fact_link(r.fact_id, base)
            if markdown:
                lines.append(f"- {_day(r.due, as_of)} {_when(r)}：{r.what}｜{r.agency} [查看]({link})")
            else:
                lines.append(f"· {_day(r.due, as_of)} {_when(r)}：{r.what}｜{r.agency}\n  {link}")
        rest = items[listed:]
        if rest:
            page = f"{base}/deadlines?scope={STAGE_SCOPES[stage]}"
            more = f"另有 {len(rest)} 项（{_agencies(rest)}）"
            lines.append(f"{more}，见[截止事项]({page})" if markdown else f"{more}，见截止事项页：{page}")
        sections.append("\n".join(lines))
    body = "\n\n".join(sections)
    if len((title + body).encode()) > MESSAGE_BYTES and listed > 0:
        return compose(due, as_of, markdown, base, listed - 1)
    return title, body


# ---------------------------------------------------------------- the command

def run(db_path: Path, as_of: dt.date, urls: list[str], resend: bool = False, out=None, err=None) -> int:
    """Post what is due to each channel that has not had it; 0 when all went (or nothing was due),
    1 when a channel failed (named with the reason; the others are still sent, and it is retried)."""
    out, err = out or sys.stdout, err or sys.stderr
    channels = [Channel.of(url) for url in urls]
    due = due_reminders(db_path, as_of)
    store_db = store.default_progress_path(db_path)
    sent_before = set() if resend else log.announced(store_db, [c.key for c in channels])
    failed = 0
    for channel in channels:
        if channel.plugin is None:
            print(f"error: {channel.label}: not an Apprise URL this version knows (see README, 群聊提醒)", file=err)
            failed += 1
            continue
        todo = [r for r in due if (channel.key, r.fact_id, r.due, r.stage) not in sent_before]
        if not todo:
            print(f"{channel.service} {channel.label}: nothing new to send ({len(due)} due, already sent)", file=out)
            continue
        title, body = compose(todo, as_of, channel.markdown)
        reason = post(channel, title, body)
        run_id, sent_at = log.new_run()
        log.record(store_db, [{"run_id": run_id, "sent_at": sent_at, "as_of": as_of, "channel": channel.key,
                               "channel_label": f"{channel.service} {channel.label}", "fact_id": r.fact_id,
                               "due": r.due, "stage": r.stage, "title": r.what, "sent": reason is None,
                               "reason": reason} for r in todo])
        counts = "、".join(f"{log.STAGES[s]} {n}" for s in STAGE_ORDER if (n := sum(r.stage == s for r in todo)))
        if reason is None:
            print(f"{channel.service} {channel.label}: sent {len(todo)} reminders ({counts})", file=out)
        else:
            print(f"error: {channel.service} {channel.label}: not sent ({len(todo)} reminders, retried at the "
                  f"next run): {reason}", file=err)
            failed += 1
    return 1 if failed else 0


def main(args) -> int:
    """`python -m pipeline remind`: exit 0 sent (or nothing due), 1 a channel failed, 2 a usage error."""
    given = render.database_and_as_of(args)
    if given is None:
        return 2
    db_path, as_of = given
    try:
        urls, source = configured_urls(args.notify)
    except NotifySettingsError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    if not urls:
        print("error: no channel: pass --notify URL, or set TRACKER_NOTIFY, or urls in the [notify] table of "
              f"{SECRETS} (see README, 群聊提醒)", file=sys.stderr)
        return 2
    return run(db_path, as_of, urls, resend=args.resend)
