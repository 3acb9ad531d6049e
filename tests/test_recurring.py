"""The next date of a recurring deadline from its rule: the one reading the app's deadline pages and
the weekly PDF share (pipeline/recurring.py)."""
from __future__ import annotations

import datetime as dt

import pytest

from pipeline.recurring import next_rule_date


@pytest.mark.parametrize("recurrence, rule, as_of, expected", [
    ("yearly", "每年5月31日前", dt.date(2026, 5, 11), dt.date(2026, 5, 31)),
    ("yearly", "每年5月31日前", dt.date(2026, 5, 20), dt.date(2026, 5, 31)),
    ("yearly", "每年5月31日前", dt.date(2026, 6, 1), dt.date(2027, 5, 31)),
    ("yearly", "每年2月底前", dt.date(2026, 5, 11), dt.date(2027, 2, 28)),
    ("yearly", "每年二月底前", dt.date(2027, 1, 1), dt.date(2027, 2, 28)),
    ("yearly", "每年十二月十五日前", dt.date(2026, 5, 11), dt.date(2026, 12, 15)),
    ("yearly", "每年十二月二十日前", dt.date(2026, 5, 11), dt.date(2026, 12, 20)),
    ("yearly", "every year by May 31", dt.date(2026, 5, 20), dt.date(2026, 5, 31)),
    ("monthly", "每月5日前", dt.date(2026, 12, 6), dt.date(2027, 1, 5)),
    ("monthly", "每月10日前", dt.date(2026, 12, 11), dt.date(2027, 1, 10)),
    ("monthly", "每月31日前", dt.date(2026, 2, 1), dt.date(2026, 2, 28)),
    # vaguer rules stay undated, in the app and the PDF alike
    ("yearly", "每年第二季度", dt.date(2026, 5, 11), None),
    ("yearly", "按年度", dt.date(2026, 5, 20), None),
    ("yearly", "every year in the second quarter", dt.date(2026, 5, 20), None),
    ("quarterly", "每季度", dt.date(2026, 5, 20), None),
    ("monthly", None, dt.date(2026, 5, 11), None),
])
def test_next_rule_date(recurrence, rule, as_of, expected):
    assert next_rule_date(recurrence, rule, as_of) == expected
