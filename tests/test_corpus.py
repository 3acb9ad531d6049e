"""The phrase corpus (tests/corpus/zh.yaml): one test per case, expectations kept as data.

Each case feeds `title + "\\n" + text` to `extract_text` (a neutral notice title unless the case gives
one, e.g. a plan title with its period) and checks the facts against `expected`:

- every expected fact must be matched by a distinct extracted fact of that kind whose given fields
  equal the expected ones (only the fields written in the case are compared);
- `exact: true`: no other fact of the expected kinds may be extracted;
- `absent: [kinds]`: no fact of these kinds at all (e.g. a milestone that must not also be a deadline);
- `expected: []` (a negative): no fact at all, or none of the kinds listed under `kinds`;
- for every extracted fact, its quote is the line's original text[char_start:char_end] and, unless
  it is a milestone clause that takes its date from the clause before, holds the number or date
  it was read from;
- `xfail: "<reason>"` marks a known extractor bug (strict: the test fails once the bug is fixed,
  so the mark gets removed).

Fields of an expected fact: kind, line (1-based in the fed text; default: the first line after the
title), due ('YYYY-MM-DD' or null), precision, due_from ('YYYY-MM-DD' or null), recurrence, value,
value_max, unit, comparator, quote (the quote exactly), quote_contains (a substring the quote must hold).
"""
from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
import yaml

from pipeline.build import extract_text

CORPUS = Path(__file__).parent / "corpus" / "zh.yaml"
DEFAULT_TITLE = "关于开展某项工作的通知"
KINDS = {"deadline", "target", "milestone", "relative"}
FIELDS = {  # expected key -> Fact attribute
    "due": "due_date", "precision": "due_precision", "due_from": "due_from", "recurrence": "recurrence",
    "value": "value", "value_max": "value_max", "unit": "unit", "comparator": "comparator", "line": "line",
    "quote": "quote",
}
CASE_KEYS = {"id", "text", "title", "expected", "exact", "absent", "kinds", "xfail", "note"}
NUMERALS = set("0123456789０１２３４５６７８９零〇一二两三四五六七八九十百千万亿半")
DATE_WORDS = ("年底", "年末", "季度", "月底", "月末", "上半年", "下半年", "年内",
              # a duty given by its frequency (issue 12): the frequency is its date
              "每年", "每月", "每个月", "每半年", "年度", "按月", "按季", "按年", "逐月", "逐季", "逐年")


def load_cases() -> list[dict]:
    cases = yaml.safe_load(CORPUS.read_text(encoding="utf-8"))
    assert isinstance(cases, list)
    return cases


CASES = load_cases()


def _param(case: dict):
    marks = [pytest.mark.xfail(reason=case["xfail"], strict=True)] if case.get("xfail") else []
    return pytest.param(case, id=case["id"], marks=marks)


def _fed_text(case: dict) -> tuple[str, int]:
    """The text given to the extractor and the line number of the phrase's first line."""
    title = case.get("title", DEFAULT_TITLE)
    if title:
        return f"{title}\n{case['text']}", len(title.split("\n")) + 1
    return case["text"], 1


def _as_value(key: str, value):
    if value is None:
        return None
    if key in ("due", "due_from"):
        return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value))
    if key in ("value", "value_max"):
        return float(value)
    return value


def _matches(fact, want: dict, first_line: int) -> bool:
    if fact.kind != want["kind"]:
        return False
    expected_line = want.get("line", first_line)
    if fact.line != expected_line:
        return False
    for key, attr in FIELDS.items():
        if key == "line" or key not in want:
            continue
        if getattr(fact, attr) != _as_value(key, want[key]):
            return False
    if "quote_contains" in want and want["quote_contains"] not in fact.quote:
        return False
    return True


def _assign(wanted: list[dict], facts: list, first_line: int) -> list[int] | None:
    """A distinct extracted fact for each expected one (backtracking: the lists are short)."""
    options = [[i for i, f in enumerate(facts) if _matches(f, w, first_line)] for w in wanted]
    order = sorted(range(len(wanted)), key=lambda k: len(options[k]))
    chosen: dict[int, int] = {}

    def solve(pos: int) -> bool:
        if pos == len(order):
            return True
        k = order[pos]
        for i in options[k]:
            if i not in chosen.values():
                chosen[k] = i
                if solve(pos + 1):
                    return True
                del chosen[k]
        return False

    return [chosen[k] for k in range(len(wanted))] if solve(0) else None


def _describe(fact) -> str:
    return (f"{fact.kind} line={fact.line} due={fact.due_date} prec={fact.due_precision} "
            f"from={fact.due_from} rec={fact.recurrence} value={fact.value} max={fact.value_max} "
            f"unit={fact.unit} cmp={fact.comparator} quote={fact.quote!r}")


def test_corpus_is_well_formed():
    ids = [c["id"] for c in CASES]
    assert len(ids) == len(set(ids)), "duplicate case ids"
    assert len(CASES) >= 220
    for case in CASES:
        assert set(case) <= CASE_KEYS, (case["id"], set(case) - CASE_KEYS)
        assert isinstance(case["text"], str) and case["text"].strip(), case["id"]
        assert isinstance(case["expected"], list), case["id"]
        for want in case["expected"]:
            assert want["kind"] in KINDS, case["id"]
            assert set(want) <= set(FIELDS) | {"kind", "quote_contains"}, (case["id"], want)
        for kind in case.get("kinds", []) + case.get("absent", []):
            assert kind in KINDS, case["id"]
    negatives = [c for c in CASES if not c["expected"]]
    assert len(negatives) >= 40


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_case(case: dict):
    text, first_line = _fed_text(case)
    facts = extract_text(text)
    lines = text.split("\n")
    got = "\n  ".join(_describe(f) for f in facts) or "(none)"

    for fact in facts:  # provenance: the quote is the exact span of its line and holds a number/date
        original = lines[fact.line - 1]
        assert original[fact.char_start:fact.char_end] == fact.quote, _describe(fact)
        # A value or a deadline is read from the quote itself; a milestone clause may take its date
        # from the clause before it (SPEC: "到2030年，A取得进展，B基本形成" is two milestones).
        if fact.kind != "milestone":
            assert any(ch in NUMERALS for ch in fact.quote) or any(w in fact.quote for w in DATE_WORDS), \
                f"quote without a number or date: {_describe(fact)}"

    wanted = case["expected"]
    if not wanted:
        kinds = set(case.get("kinds") or KINDS)
        unwanted = [f for f in facts if f.kind in kinds]
        assert not unwanted, "expected no fact of kinds %s, got:\n  %s" % (sorted(kinds), got)
        return

    assignment = _assign(wanted, facts, first_line)
    assert assignment is not None, f"expected {wanted}\ngot:\n  {got}"
    if case.get("exact"):
        kinds = {w["kind"] for w in wanted}
        extra = [f for i, f in enumerate(facts) if f.kind in kinds and i not in assignment]
        assert not extra, "unexpected facts:\n  %s\nall facts:\n  %s" % (
            "\n  ".join(_describe(f) for f in extra), got)
    absent = set(case.get("absent", []))
    unwanted = [f for f in facts if f.kind in absent]
    assert not unwanted, "expected no fact of kinds %s, got:\n  %s" % (sorted(absent), got)
