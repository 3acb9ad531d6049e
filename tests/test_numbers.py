"""Quantities in a line: the main pattern and the forms it cannot read (bare magnitudes, unitless
indices, shares in words), each read only where its cue words are."""
from __future__ import annotations

import pytest

from pipeline.extract.numbers import find_quantities


@pytest.mark.parametrize("text, expected", [
    ("实现1亿左右农业转移人口落户", [("实现1亿左右", 1.0, "亿", "~")]),
    ("两化融合发展指数达到125左右，", [("达到125左右", 125.0, "", "~")]),
    ("覆盖三分之一的村庄，八成以上农户", [("三分之一", 33.3, "%", "="), ("八成以上", 80.0, "%", ">=")]),
    ("百分之九十一的学校", [("百分之九十一", 91.0, "%", "=")]),
    ("六亿二千万斤", [("六亿二千万斤", 620000000.0, "斤", "=")]),
    ("第二批10个项目", [("10个", 10.0, "个", "=")]),
    ("80%≤k≤120%", []),
    ("增长3%<T时", []),
    ("十分繁重", []),
    ("到2025年", []),
])
def test_find_quantities_reads_each_form(text, expected):
    assert [(text[q.start:q.end], q.value, q.unit, q.comparator) for q in find_quantities(text)] == expected
