"""The dates of a recurring deadline whose rule names them (每年5月31日前, 每年2月底前, 每月5日前,
every year by May 31): one reading of the rules for the app's deadline pages, the weekly PDF and the
calendar feeds, so none of them disagrees on when a deadline falls."""
from __future__ import annotations

import calendar
import datetime as dt
import re

from pipeline.extract.numbers import parse_numeral

_NUM = r"(\d{1,2}|[一二三四五六七八九十]{1,3})"
_MONTHS_EN = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}


def _number(text: str) -> int:
    return int(parse_numeral(text) or 0)


def _month_day(rule: str) -> tuple[int, int | None] | None:
    """(month, day) named in a yearly rule; day None for 月底 or a month alone."""
    match = re.search(_NUM + r"\s*月\s*(?:" + _NUM + r"\s*日|底|末)?", rule)
    if match:
        return _number(match.group(1)), (_number(match.group(2)) if match.group(2) else None)
    match = re.search(r"(" + "|".join(_MONTHS_EN) + r")\s*(\d{1,2})?", rule.lower())
    if match:
        return _MONTHS_EN[match.group(1)], (int(match.group(2)) if match.group(2) else None)
    return None


def _day_in_month(year: int, month: int, day: int | None) -> dt.date:
    """That day of the month, or its last day (月底; 31日 in a shorter month)."""
    last = calendar.monthrange(year, month)[1]
    return dt.date(year, month, min(day or last, last))


def _monthly_day(rule: str) -> int | None:
    """The day of the month a monthly rule names (每月5日前, 次月5日前 -> 5), 1..31."""
    match = re.search(r"[每次]月\s*" + _NUM + r"\s*日", rule) or re.search(r"(\d{1,2})(?:st|nd|rd|th)?\b", rule)
    day = _number(match.group(1)) if match else 0
    return day if 1 <= day <= 31 else None


def _rule_point(recurrence: str | None, rule: str | None) -> tuple[int | None, int | None] | None:
    """(month, day) a dated rule names: a yearly rule's month 1-12 and day (None for 月底 or a month
    alone), a monthly rule's (None, day); None when the rule names no date."""
    if not rule:
        return None
    if recurrence == "yearly":
        parsed = _month_day(rule)
        return parsed if parsed is not None and 1 <= parsed[0] <= 12 else None
    if recurrence == "monthly":
        day = _monthly_day(rule)
        return None if day is None else (None, day)
    return None


def next_rule_date(recurrence: str | None, rule: str | None, as_of: dt.date) -> dt.date | None:
    """The next due date (on or after as_of) of a recurring deadline whose rule names the date.

    Only yearly rules with a month and monthly rules with a day are dated; anything vaguer
    (按年度, 每年第二季度, 每月结束后5个工作日内) stays None."""
    if (point := _rule_point(recurrence, rule)) is None:
        return None
    month, day = point
    if month is not None:
        due = _day_in_month(as_of.year, month, day)
        return due if due >= as_of else _day_in_month(as_of.year + 1, month, day)
    due = _day_in_month(as_of.year, as_of.month, day)
    if due >= as_of:
        return due
    return _day_in_month(as_of.year + as_of.month // 12, as_of.month % 12 + 1, day)


def rrule_of(recurrence: str | None, rule: str | None) -> dict | None:
    """The iCalendar RRULE (as icalendar's dict) that repeats the dates next_rule_date gives, or None
    when the rule names no date. A day past a month's end falls on its last day, as in
    next_rule_date: 每月30日 is BYMONTHDAY=28,29,30 with BYSETPOS=-1 (28 or 29 in February), 每年2月底
    and 每月31日 are BYMONTHDAY=-1."""
    if (point := _rule_point(recurrence, rule)) is None:
        return None
    month, day = point
    if month is not None:
        if day is None or day > calendar.monthrange(2001, month)[1]:  # 月底, or 2月29日 / 4月31日: the last day
            day = -1
        return {"freq": "yearly", "bymonth": month, "bymonthday": day}
    if day == 31:
        return {"freq": "monthly", "bymonthday": -1}
    if day > 28:
        return {"freq": "monthly", "bymonthday": list(range(28, day + 1)), "bysetpos": -1}
    return {"freq": "monthly", "bymonthday": day}
