"""Every date and quantity span the extractor saw, and what it decided about each (the `candidates` table).

The extractor (facts.py) keeps what it takes; this step accounts for the rest, as a linter names its
rule: a span that became a fact names the fact; a date that dated other clauses is `context`; any other
span is `rejected` with the first reason code below that holds, tested with the same tables and
predicates facts.py decides with.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from pipeline.extract import facts as rules
from pipeline.extract.dates import DateExpr, comparison_base
from pipeline.extract.numbers import Quantity, find_quantities
from pipeline.model import Fact
from pipeline.patterns import tables
from pipeline.read import Line

# Reason codes, most specific first; README "Why a span is not a fact" lists them too.
REASONS = {
    "heading": "in the article's title line: names the text, states no goal",
    "in_title": "inside a cited title 《…》 or a plan period (三年行动计划（2024—2026年）)",
    "comparison_base": "the date a quantity is compared with (比“十一五”末提高, 较2020年下降, 与2015年相比): a past reference",
    "past_statistic": "the clause reports the past (已, 累计, 同比, 截至, 1—11月, a dated report)",
    "before_issue": "a date before the document was issued: a definition or a past event, not a due date",
    "condition_date": "a date inside a condition saying whom a rule applies to (在…前购房的，给予…; 对于…之前…的; "
                      "an item of a conditions list: 须同时符合以下条件：…项目需在…前开工)",
    "period_in_force": "the period a measure is in force (有效期至…, 自…至…期间，…可申请): not a duty",
    "review_section": "in a part of the text that reports the past (工作回顾, 发展基础, 过去五年…)",
    "rule_not_goal": "a regulation's number outside any goals part: a rule (不得…两个以上), not a goal",
    "money_rule": "a subsidy, reward, fine, fee or price: money a rule grants or charges, not a goal",
    "threshold": "a threshold saying whom or what a rule applies to (…以上的企业, 对于…; a conditions list's item)",
    "ordinal_or_structure": "an ordinal or a count of the text's own parts (第二批, 三个方面, 若干)",
    "article_word": "一个/一家 used as an article, not a count",
    "duration_no_limit": "a length of time that sets no time limit (近三年, 连续3年, 投产满20年)",
    "plain_date": "a date mentioned with no deadline or goal word (issue date, meeting, event, statistics period)",
    "frequency_only": "a frequency word with no date and no duty",
    "news_no_forecast": "a news item stating what is, with no forward-looking word",
    "no_goal_cue": "a number with no goal verb, comparator or goal date around it",
    "no_goal_clause": "a goal date whose clause states no goal or task",
}

_NOT_GOAL_BEFORE = tuple(tables.NOT_GOAL_BEFORE)  # str.endswith takes them all at once
THRESHOLD = re.compile(r"^[^，。；]{0,12}的|^(?:及)?以[上下]的")
_RULE_OPENER = re.compile(r"(?:对于?|凡)[^，。；]*$")  # 对…, 凡…: whom a rule applies to


@dataclass
class Candidate:
    line: int
    char_start: int  # original-line offsets, as facts
    char_end: int
    quote: str
    span_kind: str  # date | quantity
    decision: str  # fact | context | rejected
    fact_kind: str | None = None
    fact_id: str | None = None
    reason: str | None = None  # a REASONS code, or the fact's kind for a fact
    detail: str = ""  # the normalized value: due and precision, or value, unit and comparator


def _date_detail(d: DateExpr) -> str:
    if d.recurrence:
        return f"{d.recurrence}: {d.recurrence_rule}"
    parts = [f"due {d.due} ({d.precision})" if d.due else "", f"from {d.due_from}" if d.due_from else "",
             f"role {d.role}"]
    return ", ".join(p for p in parts if p)


def _quantity_detail(q: Quantity) -> str:
    value = f"{q.value:g}" + (f"–{q.value_max:g}" if q.value_max is not None else "")
    return f"{q.comparator} {value} {q.unit}"


def date_reason(text: str, d: DateExpr, ctx: rules.ArticleContext, dated_later: bool) -> tuple[str, str]:
    """(decision, reason) for a date span that gave no fact of its own."""
    if rules.names_a_text(text, d) or (d.period and re.match(r"[年)）]", text[d.end:d.end + 1] or "x")
                                       and re.search(r"(?:计划|方案|规划|纲要)[（(]?$", text[:d.start])):
        return "rejected", "in_title"
    sentence = rules._sentence(text, rules.Span(d.start, d.end))
    if ctx.role == "review":
        return "rejected", "review_section"
    if ctx.role == "conditions":
        return "rejected", "condition_date"
    if d.role == "past" and comparison_base(text, d):
        return "rejected", "comparison_base"
    if d.role == "past" or rules._PAST.search(text[rules._clause_start(text, d.start):d.start]):
        return "rejected", "past_statistic"
    condition = rules.condition_date(text, d)
    if condition and d.role in ("by", "plain", "from", "target"):
        return "rejected", condition
    if d.due and ctx.issued_on and d.due < ctx.issued_on and d.role in ("by", "plain", "from"):
        return "rejected", "before_issue"
    if d.role in ("target", "from", "by") and dated_later:
        return "context", "goal_date"
    if d.role == "plain":
        if not ctx.is_plan and not rules._FUTURE_STRICT.search(sentence):
            return "rejected", "news_no_forecast"
        return "rejected", "plain_date"
    return "rejected", "no_goal_clause"


def quantity_reason(text: str, q: Quantity, ctx: rules.ArticleContext, dates: tuple[DateExpr, ...] = ()) -> str:
    """The reason a quantity gave no fact, in REASONS order (the sentence tests last: they cost most)."""
    clause = rules._clause_of(text, q.start)
    before = text[max(0, q.start - 2):q.start]
    if rules.in_cited_title(text, q.start):
        return "in_title"
    if ctx.role == "review":
        return "review_section"
    if ctx.role == "conditions":
        return "threshold"
    if rules._money_rule(text, q, clause):
        return "money_rule"
    sentence = rules._sentence(text, rules.Span(q.start, q.end))
    if rules._PAST.search(sentence):
        return "past_statistic"
    if before.endswith(_NOT_GOAL_BEFORE) or rules.names_structure(text, q):
        return "ordinal_or_structure"
    if text[q.number_start:q.number_start + 1] in "一两" and q.value <= 2:
        return "article_word"
    if q.unit in tables.TIME_UNITS:
        return "duration_no_limit"
    if (THRESHOLD.match(text, q.end, clause.end) or _RULE_OPENER.search(text[clause.start:q.start])
            or rules._inside_condition_chain(text, clause)):
        return "threshold"
    future = rules._FUTURE_STRICT.search(sentence)
    if not future and any(d.role in ("plain", "past") and d.precision and not rules._ahead(d, ctx)
                          and d.start >= q.start - len(sentence) and d.end <= q.end + len(sentence) for d in dates):
        return "past_statistic"  # a dated report (the line's own dates near the sentence, not read again)
    if not ctx.is_plan and not future:
        return "news_no_forecast"
    if ctx.genre == "regulation" and ctx.role is None:
        return "rule_not_goal"
    return "no_goal_cue"


def line_candidates(line: Line, ctx: rules.ArticleContext, line_facts: list[Fact], dated_dues: set,
                    heading: bool) -> list[Candidate]:
    """Every date and quantity span of one line with its decision."""
    text = line.text
    if not text.strip():
        return []
    dates = rules.line_dates(text, ctx.issued_on)
    quantities = [q for q in find_quantities(text) if not any(d.start <= q.start < d.end for d in dates)]
    out = []

    def covering(start: int, end: int, kinds: tuple[str, ...], value: float | None = None) -> Fact | None:
        return next((f for f in line_facts if f.kind in kinds and f.char_start <= start and end <= f.char_end
                     and (value is None or f.value == value)), None)

    for d in dates:
        start, end = line.span(d.start, d.end)
        fact = None if heading else covering(start, end, ("deadline", "milestone", "target"))
        if fact:
            decision, reason = "fact", fact.kind
        elif heading:
            decision, reason = "rejected", "heading"
        elif d.recurrence is None and d.role == "plain" and d.due is None:
            decision, reason = "rejected", "frequency_only"
        else:
            decision, reason = date_reason(text, d, ctx, (d.due, d.due_from) in dated_dues)
        out.append(Candidate(line.number, start, end, line.original[start:end], "date", decision,
                             fact.kind if fact else None, fact.id if fact else None, reason, _date_detail(d)))
    for q in quantities:
        start, end = line.span(q.start, q.end)
        fact = None if heading else covering(start, end, ("target", "relative"), q.value)
        if fact:
            decision, reason = "fact", fact.kind
        else:
            decision, reason = "rejected", "heading" if heading else quantity_reason(text, q, ctx, dates)
        out.append(Candidate(line.number, start, end, line.original[start:end], "quantity", decision,
                             fact.kind if fact else None, fact.id if fact else None, reason, _quantity_detail(q)))
    return out


def article_candidates(lines: list[Line], ctx: rules.ArticleContext, facts: list[Fact]) -> list[Candidate]:
    """The candidates of an article's lines, given the facts the extractor made of them."""
    article = ctx.article
    by_line: dict[int, list[Fact]] = {}
    for fact in facts:
        by_line.setdefault(fact.line, []).append(fact)
    dated_dues = {(f.due_date, f.due_from) for f in facts} | {(f.due_date, None) for f in facts}
    out = []
    for index, line in enumerate(lines):
        heading = bool(article) and index == 0 and len(line.text.strip()) <= rules.HEADING_MAX
        out += line_candidates(line, ctx.at(line.number), by_line.get(line.number, []), dated_dues, heading)
    return out
