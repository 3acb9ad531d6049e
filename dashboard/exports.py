"""Downloads of the deadline table: CSV, Excel and an iCalendar (.ics) file staff import.

Each export keeps the provenance columns (quote, document, file, line) so a number taken out of
the app can still be checked against its bulletin.
"""
from __future__ import annotations

import datetime as dt
import io

import pandas as pd

# Output column -> source column of queries.deadline_rows.
EXPORT_COLUMNS = {
    "截止日期": "due",
    "剩余天数": "days_left",
    "状态": "state",
    "类型": "kind_label",
    "事项": "metric",
    "原文": "quote",
    "部门": "agencies_text",
    "周期规则": "recurrence_rule",
    "文档": "document_title",
    "文章": "article_title",
    "文件": "source_file",
    "行": "line",
    "同一目标的全部出处": "sources",
    "事实ID": "id",
}


def export_frame(rows: pd.DataFrame) -> pd.DataFrame:
    """The deadline rows with Chinese column names, in a fixed order."""
    return pd.DataFrame({label: rows[column].values for label, column in EXPORT_COLUMNS.items()})


def to_csv(rows: pd.DataFrame) -> bytes:
    """UTF-8 with a BOM, so Excel opens the Chinese text correctly when staff double-click it."""
    return export_frame(rows).to_csv(index=False).encode("utf-8-sig")


def to_excel(rows: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        export_frame(rows).to_excel(writer, index=False, sheet_name="截止事项")
        sheet = writer.sheets["截止事项"]
        for letter, width in zip("ABCDEFGHIJKLMN", (12, 9, 12, 9, 30, 60, 24, 16, 30, 30, 24, 6, 40, 20)):
            sheet.column_dimensions[letter].width = width
    return buffer.getvalue()


def ics_escape(text: str) -> str:
    """RFC 5545 TEXT escaping: backslash, semicolon, comma and newlines."""
    return (text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,")
            .replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n"))


def ics_fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 3.1) without splitting a UTF-8 character."""
    parts, current, size = [], "", 0
    for char in line:
        width = len(char.encode("utf-8"))
        limit = 75 if not parts else 74  # continuation lines start with one space
        if size + width > limit:
            parts.append(current)
            current, size = "", 0
        current += char
        size += width
    parts.append(current)
    return "\r\n ".join(parts)


def _event(row, stamp: str) -> list[str]:
    due: dt.date = row["due"]
    title = row["metric"] or row["quote"]
    source = f"{row['document_title']} · {row['article_title'] or ''} · {row['source_file']} 第{row['line']}行"
    description = f"原文：{row['quote']}\n来源：{source}"
    if row.get("agencies_text"):
        description += f"\n部门：{row['agencies_text']}"
    if row.get("recurrence_rule"):
        description += f"\n周期：{row['recurrence_rule']}（此为下一次）"
    return [
        "BEGIN:VEVENT",
        f"UID:{row['id']}-{due:%Y%m%d}@policy-goal-tracker",
        f"DTSTAMP:{stamp}",
        f"DTSTART;VALUE=DATE:{due:%Y%m%d}",
        f"DTEND;VALUE=DATE:{due + dt.timedelta(days=1):%Y%m%d}",
        f"SUMMARY:{ics_escape('截止：' + title)}",
        f"DESCRIPTION:{ics_escape(description)}",
        "TRANSP:TRANSPARENT",
        "END:VEVENT",
    ]


def to_ics(rows: pd.DataFrame, now: dt.datetime | None = None) -> bytes:
    """One all-day event per dated row (rows without a due date are left out)."""
    stamp = (now or dt.datetime.now(dt.timezone.utc)).strftime("%Y%m%dT%H%M%SZ")
    lines = ["BEGIN:VCALENDAR", "VERSION:2.0", "PRODID:-//policy-goal-tracker//dashboard//ZH",
             "CALSCALE:GREGORIAN", "METHOD:PUBLISH", "X-WR-CALNAME:政策截止事项"]
    for _, row in rows.iterrows():
        if row["due"] is not None and not pd.isna(row["due"]):
            lines += _event(row, stamp)
    lines.append("END:VCALENDAR")
    return ("\r\n".join(ics_fold(line) for line in lines) + "\r\n").encode("utf-8")
