"""The deadline exports: .ics parses back (with the icalendar library) to all-day events with quote,
source, link and reminders, CSV and Excel carry the same rows with their provenance."""
from __future__ import annotations

import datetime as dt
import io
import icalendar
import openpyxl
import pandas as pd
import pytest

from dashboard import exports, queries
from e2e_helpers import AS_OF, make_fixture_db


@pytest.fixture
def rows(tmp_path):
    return queries.deadline_rows(make_fixture_db(tmp_path / "tracker.duckdb"), AS_OF)


def parse_ics(data: bytes) -> list[icalendar.Event]:
    """The events of an iCalendar file, read by the icalendar library, after checking the wire format
    calendar clients rely on: CRLF line ends and lines folded at 75 octets."""
    text = data.decode("utf-8")
    assert "\n" not in text.replace("\r\n", "")  # CRLF line ends only
    assert all(len(line.encode("utf-8")) <= 75 for line in text.split("\r\n"))
    return icalendar.Calendar.from_ical(data).walk("VEVENT")


def test_ics_one_all_day_event_per_dated_row(rows):
    events = parse_ics(exports.to_ics(rows))
    dated = rows[rows["due"].notna()]
    assert len(events) == len(dated) == 5  # the relative deadline has no date
    by_start = {e.decoded("DTSTART"): e for e in events}
    event = by_start[dt.date(2026, 5, 30)]
    assert event.decoded("DTEND") == dt.date(2026, 5, 31)
    assert "并于2026年5月30日前函送工业和信息化部（科技司）" in event["DESCRIPTION"]
    assert "000_fixture.txt 第4行" in event["DESCRIPTION"] and "智慧城市产业网简报" in event["DESCRIPTION"]
    assert event["SUMMARY"] == "截止：报送“模数共振”行动实施方案"
    assert event["UID"] == "f-0530@policy-goal-tracker" and event["URL"].endswith("/documents?fact=f-0530")
    assert sorted(a.decoded("TRIGGER") for a in event.walk("VALARM")) == [dt.timedelta(days=-7), dt.timedelta(days=-1)]
    yearly = by_start[dt.date(2026, 5, 31)]
    assert "每年5月31日前" in yearly["DESCRIPTION"]
    assert yearly["RRULE"].to_ical() == b"FREQ=YEARLY;BYMONTHDAY=31;BYMONTH=5"
    assert len({e["UID"] for e in events}) == len(events)


def test_ics_escapes_and_folds(rows):
    row = rows[rows["id"] == "f-0530"].copy()
    row["quote"] = "a,b;c\\d\nsecond line " + "长" * 60
    text = exports.to_ics(row)
    assert b"a\\,b\\;c\\\\d\\nsecond line" in text.replace(b"\r\n ", b"")
    event = parse_ics(text)[0]
    assert "原文：a,b;c\\d\nsecond line " + "长" * 60 in event["DESCRIPTION"]


def test_ics_single_item(rows):
    events = parse_ics(exports.to_ics(rows[rows["id"] == "f-0525"]))
    assert [e.decoded("DTSTART") for e in events] == [dt.date(2026, 5, 25)]


def test_ics_marks_submitted_deadlines_done(rows):
    row = rows[rows["id"] == "f-0530"].copy()
    row["status"] = "已提交"
    (event,) = parse_ics(exports.to_ics(row))
    assert event["SUMMARY"].startswith("【已提交】") and "进度：已提交" in event["DESCRIPTION"]
    assert not event.walk("VALARM")  # nothing left to remind anyone of


def test_csv_has_rows_and_provenance(rows):
    data = exports.to_csv(rows)
    assert data.startswith("\ufeff".encode("utf-8"))
    frame = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig")
    assert len(frame) == len(rows)
    first = frame[frame["事实ID"] == "f-0530"].iloc[0]
    assert first["截止日期"] == "2026-05-30" and first["剩余天数"] == 10
    assert first["原文"] == "并于2026年5月30日前函送工业和信息化部（科技司）"
    assert first["文件"] == "000_fixture.txt" and first["行"] == 4


def test_excel_has_rows_and_provenance(rows):
    sheet = openpyxl.load_workbook(io.BytesIO(exports.to_excel(rows)))["截止事项"]
    values = list(sheet.values)
    header, body = values[0], values[1:]
    assert header[:3] == ("截止日期", "剩余天数", "状态") and len(body) == len(rows)
    record = dict(zip(header, next(r for r in body if r[header.index("事实ID")] == "f-0530")))
    assert record["原文"] == "并于2026年5月30日前函送工业和信息化部（科技司）" and record["行"] == 4
    assert pd.Timestamp(record["截止日期"]).date() == dt.date(2026, 5, 30)
