"""Downloads of the deadline table: CSV, Excel and an iCalendar (.ics) file staff import (the same
events as the subscribed feeds, written by the icalendar library).

Each export keeps the provenance columns (quote, document, file, line) so a number taken out of
the app can still be checked against its bulletin.
"""
from __future__ import annotations

import datetime as dt
import io

import pandas as pd

from pipeline import feeds

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


def to_ics(rows: pd.DataFrame, now: dt.datetime | None = None) -> bytes:
    """One all-day event per dated row (rows without a due date are left out), as the calendar feeds
    write them (pipeline/feeds.py): a recurring row from its date shown on, repeating by its rule."""
    stamp = (now or dt.datetime.now(dt.timezone.utc)).replace(microsecond=0)
    events = []
    for row in rows.to_dict("records"):
        fields = {**row, "agencies": row.get("agencies_text"), "status": row.get("status") or ""}
        item = feeds.event({k: (None if _missing(v) else v) for k, v in fields.items()}, stamp)
        if item is not None:
            events.append(item)
    return feeds.calendar("政策截止事项", events).to_ical()


def _missing(value) -> bool:
    return value is None or (not isinstance(value, (list, tuple, dict)) and pd.isna(value))
