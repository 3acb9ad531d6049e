"""The weekly PDF by mail: `python -m pipeline snapshot --mail-to a@x.org,b@y.org` (or `--mail`, to
the list in the settings) sends the PDF just written as an attachment, with a short Chinese summary in
the body (overdue, due in 4 weeks, what changed since last week).

SMTP settings come from the environment (TRACKER_SMTP_HOST, TRACKER_SMTP_PORT, TRACKER_SMTP_SECURITY
= starttls | ssl | none, TRACKER_SMTP_USER, TRACKER_SMTP_PASSWORD, TRACKER_MAIL_FROM, TRACKER_MAIL_TO)
or from the [mail] table of .streamlit/secrets.toml (host, port, security, user, password, from, to);
the environment wins. Each week's sends are logged beside the PDFs (mail-log.json), so a cron job that
runs twice sends nothing twice; --resend sends again. A failed send leaves the PDF where it is.
"""
from __future__ import annotations

import datetime as dt
import json
import os
import smtplib
import ssl
import sys
import tomllib
from dataclasses import dataclass, field
from email.message import EmailMessage
from email.utils import formatdate, make_msgid
from pathlib import Path

from pipeline.feeds import SERVED_URL_PATH, app_url

SECRETS = Path(".streamlit/secrets.toml")
SECURITY_PORTS = {"starttls": 587, "ssl": 465, "none": 25}
TIMEOUT_SECONDS = 60


class MailError(RuntimeError):
    """The mail could not be sent; the message says why, for the cron log."""


@dataclass
class MailSettings:
    host: str = ""
    port: int = 0
    security: str = "starttls"
    user: str = ""
    password: str = ""
    sender: str = ""
    recipients: list[str] = field(default_factory=list)


def address_list(value) -> list[str]:
    """'a@x.org, b@y.org' or ['a@x.org', ...] -> ['a@x.org', 'b@y.org']."""
    items = value if isinstance(value, (list, tuple)) else str(value or "").replace(";", ",").split(",")
    return [item.strip() for item in items if str(item).strip()]


def load_settings(secrets_path: Path = SECRETS, environ=os.environ) -> MailSettings:
    """The [mail] table of secrets.toml, overridden by TRACKER_SMTP_* / TRACKER_MAIL_* variables."""
    table = {}
    if Path(secrets_path).is_file():
        try:
            table = tomllib.loads(Path(secrets_path).read_text(encoding="utf-8")).get("mail", {})
        except (OSError, tomllib.TOMLDecodeError) as error:
            raise MailError(f"cannot read {secrets_path}: {error}") from error
    env = {key: environ.get(f"TRACKER_SMTP_{key.upper()}") for key in ("host", "port", "security", "user", "password")}
    env["from"], env["to"] = environ.get("TRACKER_MAIL_FROM"), environ.get("TRACKER_MAIL_TO")
    merged = {**table, **{key: value for key, value in env.items() if value}}
    security = str(merged.get("security") or "starttls").lower()
    if security not in SECURITY_PORTS:
        raise MailError(f"SMTP security must be starttls, ssl or none, not {security!r}")
    try:
        port = int(merged.get("port") or SECURITY_PORTS[security])
    except ValueError:
        raise MailError(f"SMTP port must be a number, not {merged['port']!r}") from None
    user = str(merged.get("user") or "")
    return MailSettings(host=str(merged.get("host") or ""), port=port, security=security, user=user,
                        password=str(merged.get("password") or ""), sender=str(merged.get("from") or user),
                        recipients=address_list(merged.get("to")))


def summary(context: dict, link_base: str) -> tuple[str, str]:
    """(subject, body) in Chinese from the snapshot's context (render.build_context)."""
    week, as_of = context["week_label"], context["as_of"]
    overdue, soon = context["overdue_count"], context["soon"]["count"]
    changes = context["changes"]
    subject = f"政策目标与期限周报 {week}：逾期未办 {overdue} 项，未来4周截止 {soon} 项"
    if changes.previous is None:
        changed = "本期没有上周的简报可比较。"
    else:
        changed = (f"与上周相比：新增 {len(changes.added)} 项，日期变化 {len(changes.redated)} 项，"
                   f"进度变化 {len(changes.restatus)} 项，不再出现 {len(changes.removed)} 项。")
    body = "\n".join([
        "各位好：",
        "",
        f"附件是 {week} 的政策目标与期限周报（基准日期 {as_of:%Y-%m-%d}）。",
        "",
        f"· 逾期未办：{overdue} 项",
        f"· 未来4周截止（至 {context['soon_end']:%Y-%m-%d}）：{soon} 项",
        f"· {changed}",
        "",
        f"每项的原文、文件和行号见附件；全部事项见应用的“截止事项”页：{link_base}/deadlines",
        f"在日历中订阅全部截止事项（自动更新，提前提醒）：{link_base}/{SERVED_URL_PATH}/all.ics",
        "",
        "（本邮件由政策目标追踪系统自动发送）",
    ])
    return subject, body


def compose(settings: MailSettings, recipients: list[str], subject: str, body: str, pdf: Path) -> EmailMessage:
    message = EmailMessage()
    message["Subject"] = subject
    message["From"] = settings.sender
    message["To"] = ", ".join(recipients)
    message["Date"] = formatdate(localtime=True)
    message["Message-ID"] = make_msgid(domain=settings.sender.rpartition("@")[2] or None)
    message.set_content(body)  # UTF-8; the subject is RFC 2047-encoded
    # an ASCII file name (2026-W21.pdf): RFC 2231-encoded Chinese names still reach some clients as ATT00001
    message.add_attachment(Path(pdf).read_bytes(), maintype="application", subtype="pdf", filename=Path(pdf).name)
    return message


def send(settings: MailSettings, message: EmailMessage) -> None:
    """Hand the message to the SMTP server; MailError says what went wrong."""
    where = f"{settings.host}:{settings.port}"
    try:
        if settings.security == "ssl":
            server = smtplib.SMTP_SSL(settings.host, settings.port, timeout=TIMEOUT_SECONDS,
                                      context=ssl.create_default_context())
        else:
            server = smtplib.SMTP(settings.host, settings.port, timeout=TIMEOUT_SECONDS)
        with server:
            if settings.security == "starttls":
                server.starttls(context=ssl.create_default_context())
            if settings.user:
                server.login(settings.user, settings.password)
            server.send_message(message)
    except smtplib.SMTPAuthenticationError as error:
        raise MailError(f"{where} refused the login of {settings.user!r}: {error.smtp_code} {_text(error.smtp_error)}") \
            from error
    except smtplib.SMTPRecipientsRefused as error:
        refused = "; ".join(f"{to}: {code} {_text(reply)}" for to, (code, reply) in error.recipients.items())
        raise MailError(f"{where} refused the recipients: {refused}") from error
    except smtplib.SMTPResponseException as error:
        raise MailError(f"{where} answered {error.smtp_code} {_text(error.smtp_error)}") from error
    except (smtplib.SMTPException, ssl.SSLError, OSError) as error:
        raise MailError(f"cannot send through {where}: {type(error).__name__}: {error}") from error


def _text(reply) -> str:
    return reply.decode(errors="replace") if isinstance(reply, bytes) else str(reply)


def mail_log_path(pdf: Path) -> Path:
    return Path(pdf).with_name("mail-log.json")


def read_log(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def send_snapshot(pdf: Path, context: dict, recipients: list[str], settings: MailSettings,
                  resend: bool = False, link_base: str | None = None) -> str:
    """Mail the week's PDF to those recipients it has not yet gone to (all of them with resend);
    returns what was done, for the log. Raises MailError when nothing could be sent."""
    if not settings.host:
        raise MailError("no SMTP host: set TRACKER_SMTP_HOST or host in the [mail] table of .streamlit/secrets.toml")
    if not recipients:
        raise MailError("no recipients: pass --mail-to a@x.org,b@y.org, or set TRACKER_MAIL_TO or to in [mail]")
    if not settings.sender:
        raise MailError("no sender address: set TRACKER_MAIL_FROM or from (or user) in [mail]")
    week = context["week_label"]
    log_path = mail_log_path(pdf)
    log = read_log(log_path)
    already = set(log.get(week, {}).get("to", []))
    todo = recipients if resend else [to for to in recipients if to not in already]
    if not todo:
        return f"{week} was already mailed to {', '.join(recipients)}; nothing sent (--resend sends it again)"
    subject, body = summary(context, link_base or app_url())
    send(settings, compose(settings, todo, subject, body, pdf))
    log[week] = {"to": sorted(already | set(todo)), "sent_at": dt.datetime.now().isoformat(timespec="seconds"),
                 "pdf": Path(pdf).name}
    tmp = log_path.with_name(f".{log_path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(log, ensure_ascii=False, indent=1), encoding="utf-8")
    os.replace(tmp, log_path)
    skipped = [to for to in recipients if to not in todo]
    return f"mailed {Path(pdf).name} to {', '.join(todo)}" + (
        f" (already sent this week to {', '.join(skipped)})" if skipped else "")


def mail_from_args(args, pdf: Path, context: dict, link_base: str | None = None) -> int:
    """The snapshot command's mail step: 0 when sent (or nothing was due), 1 when the send failed.
    link_base: the app's address for the mail's links (default: app_url())."""
    try:
        settings = load_settings()
        recipients = address_list(args.mail_to) if args.mail_to else settings.recipients
        print(send_snapshot(pdf, context, recipients, settings, resend=args.resend, link_base=link_base))
        return 0
    except MailError as error:
        print(f"error: mail not sent: {error}. The PDF is kept at {pdf}.", file=sys.stderr)
        return 1
