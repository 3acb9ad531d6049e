"""The tables' hand-kept companions: a list of the characters some patterns can start with must cover
every way each pattern can start (facts.py scans for those characters first)."""
from __future__ import annotations

from re import _constants as sre, _parser

from pipeline.patterns import tables

_DIGITS = "\\d"  # stands for the category: a digit class is covered only by \d itself


def _first(items) -> set[str] | None:
    """The characters a match of parsed items can start with (\\d for any digit), or None if it could
    start with anything or match nothing."""
    for op, av in items:
        if op in (sre.ASSERT, sre.ASSERT_NOT):
            continue  # a lookaround consumes nothing: the next item starts the match
        if op is sre.LITERAL:
            return {chr(av)}
        if op is sre.IN:
            chars: set[str] = set()
            for kind, value in av:
                if kind is sre.LITERAL:
                    chars.add(chr(value))
                elif kind is sre.RANGE:
                    chars.update(chr(c) for c in range(value[0], value[1] + 1))
                elif kind is sre.CATEGORY and value is sre.CATEGORY_DIGIT:
                    chars.add(_DIGITS)
                else:
                    return None
            return chars
        if op is sre.SUBPATTERN:
            return _first(av[3])
        if op is sre.BRANCH:
            chars = set()
            for branch in av[1]:
                found = _first(branch)
                if found is None:
                    return None
                chars |= found
            return chars
        if op in (sre.MAX_REPEAT, sre.MIN_REPEAT) and av[0] >= 1:
            return _first(av[2])
        return None
    return None


def test_past_patterns_start_only_with_the_listed_characters():
    chars = tables.PAST_PATTERNS_FIRST
    listed = set(chars.replace(_DIGITS, "")) | ({_DIGITS} if _DIGITS in chars else set())
    for pattern in tables.PAST_PATTERNS:
        first = _first(_parser.parse(pattern))
        assert first is not None and first <= listed, (pattern, first)


def test_first_characters_reader_sees_lookbehinds_and_branches():
    assert _first(_parser.parse(r"(?<!\d)1[—\-]")) == {"1"}
    assert _first(_parser.parse(r"(?:[一二]|\d{1,2})年")) == {"一", "二", _DIGITS}
    assert _first(_parser.parse(r"a?b")) is None  # an optional start is not understood: the test fails safe
