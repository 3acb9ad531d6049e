"""Clauses -> facts: deadline, target, milestone, relative, with the due date from context.

Works on one article at a time, line by line (a line is usually a paragraph). Dates and
quantities come from dates.py and numbers.py; this module decides what each one means from the
words around it and where it sits: a goal's date reaches the clauses after it in the paragraph,
and an article's plan period or first goal date reaches the paragraphs with no date of their own.
"""
from __future__ import annotations

import bisect
import copy
import datetime as dt
import functools
import re
from dataclasses import dataclass

from pipeline.extract.dates import (EVENT_AFTER, DateExpr, find_dates, find_relative_dates, horizon_from_relative_years,
                                    yearless_after_dated)
from pipeline.extract import structure
from pipeline.extract.numbers import Quantity, comparator_for, find_quantities
from pipeline.model import Article, Fact
from pipeline.patterns import tables
from pipeline.read import Line

SENTENCE_END = re.compile(r"[。；;！？!?]")
CLAUSE_END = re.compile(r"[，,：。；;！？!?]|(?<!\d):|:(?!\d)")  # 8:30 is a time of day, not a clause break
QUOTE_MAX = 120
QUOTE_MIN = 10

_RELATIVE_BEFORE = re.compile(r"(有效期|期限|筹建期|间隔|周期|提升期|整改期|过渡期|公示期|试用期|保护期)[^，。；]{0,8}$")
_RELATIVE_AFTER = re.compile(r"^(?:内|以内|之内|的?[^，。；星]{0,6}(?<!星)期)")
_EVERY_N = re.compile(r"每$")
_BEFORE_EVENT = re.compile(r"(?:届满|期满|到期|截止|开始|结束|举办|召开|实施|施行|开工|交付)前$")
_TAKES_EFFECT = re.compile(r"[^，。；]{0,3}(?:施行|实施|执行|生效)")
_RECURRENCE_WORDS = sorted(tables.RECURRENCE, key=len, reverse=True)
_PAST = re.compile("(?=[%s%s])(?:%s)" % ("".join(sorted({re.escape(cue[0]) for cue in tables.PAST_CUES})),
                                          tables.PAST_PATTERNS_FIRST,
                                          "|".join(list(map(re.escape, tables.PAST_CUES)) + tables.PAST_PATTERNS)))
_FUTURE = re.compile(r"将|力争|预计|目标|(?<!年)到\d{4}年|要|应|推动|打造|培育")  # 从1979年到1982年 is a span
_PAST_PARAGRAPH = re.compile(r"近年来|以来|截至|目前|过去|(?<![未今此之])(?:[一二三四五六七八九十两多]|\d{1,2})年来")
_FUTURE_STRICT = re.compile(r"将|力争|争取|预计|目标|计划|(?<!年)到\d{4}年|到“十|未来[一二三四五六七八九十两\d]+年|今后")
_SUBMIT = re.compile("|".join(map(re.escape, tables.SUBMIT_VERBS)))
_GOAL_VERB = re.compile("|".join(map(re.escape, tables.GOAL_VERBS)))
_TASK_VERB = re.compile("|".join(map(re.escape, tables.TASK_VERBS)))
_MILESTONE_CUE = re.compile("|".join(map(re.escape, tables.MILESTONE_CUES)))
_MILESTONE_WORD = re.compile("|".join(map(re.escape, tables.MILESTONE_CUES + tables.MILESTONE_VERBS)))
_NOT_REACHED = re.compile(r"未(?:达到|完成|实现)")  # 未达到项目投资额25%的土地: a goal not reached is a condition
_NOT_A_STATE = re.compile(r"可以|可能|可(?:申请|提取|享受|办理|按|展期)|后再|是")  # permissions, conditions, comments
_STATE_CUE = re.compile("|".join(map(re.escape, tables.MILESTONE_CUES + tables.STATE_VERBS)))
HEADING = re.compile(r"^(?:#+\s*)?(?:[一二三四五六七八九十]+、|[一二三四五六七八九十]+是|[（(][一二三四五六七八九十]+[)）]|第[一二三四五六七八九十百]+[章条节]|\d+[.、])")
HEADING_MAX = 120
CARRY_PARAGRAPHS = 2  # how many paragraphs after a goal date's paragraph it still reaches
_EXPLICIT_COMPARATOR = re.compile("|".join(map(re.escape, list(tables.COMPARATOR_SUFFIX) + [
    k for k, v in tables.COMPARATOR_PREFIX.items() if v != "="])))
_COMPARATOR_BEFORE_VERB = re.compile("(%s)[\u4e00-\u9fff]{1,4}$" % "|".join(tables.COMPARATOR_BEFORE_VERB))
_GOAL_VERB_AT = re.compile("(%s)$" % "|".join(map(re.escape, tables.GOAL_VERBS)))
_LEADING_NOISE = re.compile(r"^[\s、，,：:（(）)\-—*#\d.一二三四五六七八九十]*(?:是|要|并|和|及|等)?")
_ACTION = re.compile("|".join(map(re.escape, tables.ACTION_VERBS)))
_FREQUENCY = re.compile("|".join(map(re.escape, sorted(tables.FREQUENCY, key=len, reverse=True))))
_ANNUAL_DUTY = re.compile(tables.ANNUAL_DUTY)
# What can make a fact in a line with no date and no number: a frequency duty, a plan's 一批, 未来五年
_WORDS_WITHOUT_NUMBERS = re.compile("|".join(map(re.escape, list(tables.FREQUENCY) + ["年度", "一批", "未来", "今后", "此后"])))
_DUTY_VERB = re.compile("|".join(map(re.escape, tables.DUTY_VERBS)))
_SCALE_BEFORE = re.compile("(%s)(?:为|约为|约|达到|达|是|共)?$" % "|".join(tables.SCALE_WORDS))
_FORECAST_AFTER = re.compile(r"[^，。；]{0,8}?(?:将|力争|预计)")
# A state reached, qualified (基本建成, 一批, 显著提升): a year end before it dates a milestone; a bare 建成/形成
# of one thing (2018年底前建成…平台) is a task with a deadline
_GOAL_STATE = re.compile("|".join(map(re.escape, [c for c in tables.MILESTONE_CUES if c not in ("建成", "形成")])))
_CONDITION = re.compile("(?:%s)" % "|".join(tables.CONDITION_WORDS))
_ASSURED = re.compile("(?:%s)$" % "|".join(tables.GOAL_ASSURANCE))
_NOT_GOAL_BEFORE = re.compile("(?:%s)$" % "|".join(map(re.escape, tables.NOT_GOAL_BEFORE)))
_NOT_GOAL_AFTER = tuple(tables.NOT_GOAL_AFTER)  # str.startswith takes them all at once
_NAMED_SET = re.compile(r"(?:[新重点基本保障主要]{1,2})?(?:%s)" % "|".join(tables.NAMED_SET_NOUNS))
_REPORTED = re.compile(r"(?<![为除])了")  # 发布了…: a report
# A clause that serves, wishes or encourages (为…打下扎实的基础, …是全体中国人的共同愿望, 鼓励支持…进行…): no goal of
# its own to reach by the date
_NO_GOAL_OF_ITS_OWN = re.compile(r"^为[^，。；]*(?:打下|奠定|创造|提供)[^，。；]{0,8}(?:基础|条件|支撑|保障)|愿望$|^鼓励"
                                 r"|^是[^，。；]*(?:时期|阶段|之年|一年|关键期)$"  # “十五五”时期，是…的关键时期: what a period is
                                 r"|(?:的|以下|如下)(?:意见|通知|方案|办法)$"  # …期间实施…工程的意见: a text's name
                                 r"|^坚持[^，。；]*(?:方针|原则|方向)$")  # 坚持全覆盖、保基本…方针: a principle kept, no state
_DONE = re.compile(r"已经?|" + _REPORTED.pattern)  # 累计 (a cumulative goal) is no sign of the past here
_PUBLISH = re.compile(r"公布|公示|发布|发出|截止|开始|启动|上线|结束|开放")  # a dated publication or opening (于6月5日发出…通知书)
_OPEN_ENDED = ("及以后", "以后", "及以前", "及之后")  # 2027年及以后投产的机组: a condition on a date
_BULLET = re.compile(r"^\s*(?:——|—|·|•|▪|●)")
_DATE_WORDS = re.compile(r"(?:力争)?(?:到|至|于|在|自|从)?(?:19|20)\d{2}年(?:\d{1,2}月)?(?:\d{1,2}[日号])?(?:底|末|年底|年末|年初|初)?(?:前|起|之前|以前)?")


@dataclass
class Span:
    start: int
    end: int

    def text(self, line: str) -> str:
        return line[self.start:self.end]


def spans(text: str, pattern: re.Pattern) -> list[Span]:
    """Split text at the pattern, keeping each piece's offsets (the delimiter stays with the piece)."""
    out, start = [], 0
    for m in pattern.finditer(text):
        out.append(Span(start, m.end()))
        start = m.end()
    if start < len(text):
        out.append(Span(start, len(text)))
    return [s for s in out if text[s.start:s.end].strip()]


@dataclass
class Horizon:
    due: dt.date
    precision: str
    due_from: dt.date | None = None


class ArticleContext:
    """What a paragraph inherits: the article's plan period or its first stated goal date."""

    def __init__(self, article: Article | None, lines: list[Line], document: structure.Reading | None = None):
        self.article = article
        self.horizon: Horizon | None = None
        self.horizon_line = 0  # a goal date stated in the text reaches only the lines from its own on
        self.issued_on = article.issued_on if article else None
        if self.issued_on is None and article and article.doc_number:
            # 粤能电力〔2025〕82号 with no date line: the text was issued in 2025, on 1 January at the earliest
            year = re.search(r"(?:19|20)\d{2}", article.doc_number)
            self.issued_on = dt.date(int(year.group(0)), 1, 1) if year else None
        if self.issued_on is None and document is not None and document.year:
            self.issued_on = dt.date(document.year, 1, 1)  # a report with no date line: delivered early in its year
        self.base_year = self.issued_on.year if self.issued_on else None
        self.is_plan = article is None or article.kind in ("policy", "interpretation")
        self.genre = structure.genre(article.title, [line.text for line in lines[:4]]) if article else "plan"
        if document is not None:
            self.genre = document.genre  # a report cut into articles at its own headings is still one report
        self.role: str | None = None  # the stated part a line is in (structure.Section.role), set by at()
        self.goal_verbs = _GOAL_VERB
        self.completions = False
        if article and article.period_end and article.period_start == article.period_end:
            # a year's work plan (2025年…重点工作安排): its items are that year's tasks (family: document structure)
            self.goal_verbs, self.completions = _TASK_VERB, True
        period = (article.period_start, article.period_end) if article else (None, None)
        if article and period[1] is None and "五" in article.title:
            end, start = structure.heading_year(article.title)  # “十四五”智能制造发展规划: 2021–2025
            period = (start, end) if end and (not self.issued_on or end >= self.issued_on.year) else period
        self.sections = document.sections if document else structure.sections(lines, self.issued_on, self.genre, period)
        self._views: dict[structure.Section, ArticleContext] = {}
        if article and article.period_end:
            self.horizon = Horizon(dt.date(article.period_end, 12, 31), "year",
                                   dt.date(article.period_start, 1, 1) if article.period_start else None)
        else:  # the first goal date stated, not one a clause reports as reached (已由…上升到1952年的…)
            for line in lines:
                first = next((d for d in find_dates(line.text) if d.role == "target" and d.due
                              and not _PAST.search(line.text, _clause_start(line.text, d.start), d.start)), None)
                if first:
                    self.horizon = Horizon(first.due, first.precision, first.due_from)
                    self.horizon_line = line.number
                    break
            if period[1] and article and not re.search(r"[，。；]", article.title):
                # the five-year plan a title names (关于《…“十五五”规划（草案）》征询公众意见的公告) dates the goals from
                # the first goal date stated on (before it: what the plan builds on), or throughout
                self.horizon = Horizon(dt.date(period[1], 12, 31), "year", dt.date(period[0], 1, 1) if period[0] else None)

    def at(self, line_number: int) -> ArticleContext:
        """The context of one line: the article's, read as its stated part says (family: document
        structure). A review reports the past; a goals or tasks part reads as a plan whose horizon is the
        part's year, and takes quantities after any action verb (实施重大项目1900多个) as targets."""
        section = self.sections.get(line_number)
        if section is None:
            return self
        view = self._views.get(section)
        if view is None:
            view = copy.copy(self)
            view.role = section.role
            if section.role not in ("review", "conditions"):
                view.is_plan = True
                view.goal_verbs = _TASK_VERB
                if section.year:
                    view.horizon = Horizon(dt.date(section.year, 12, 31), "year",
                                           dt.date(section.year_from, 1, 1) if section.year_from else None)
                    view.horizon_line = 0
                    view.completions = section.year == (self.base_year or section.year)
            self._views[section] = view
        return view


def extract_article(lines: list[Line], article: Article | None, ctx: ArticleContext | None = None) -> list[Fact]:
    """Every fact in an article's lines (the heading line itself states no goal).

    A goal date ("到2028年，…") reaches the paragraphs right after its own (the rest of a 目标
    section, or a line broken mid-sentence) until the next numbered heading."""
    ctx = ctx or ArticleContext(article, lines)
    facts: list[Fact] = []
    carried: DateExpr | None = None
    reach = 0
    table: IndicatorTable | None = None
    for index, line in enumerate(lines):
        text = line.text.strip()
        if (article and index == 0 and len(text) <= HEADING_MAX) or not text:
            continue  # the heading names the text; a first line this long is the text itself
        table = IndicatorTable.of(line, ctx) or (table if "\t" in line.text else None)
        if table is not None and table.header_line != line.number:
            facts += table.row_targets(line)
            continue
        if reach <= 0 or HEADING.match(text):
            carried = None
        line_ctx = ctx.at(line.number)
        if line_ctx.role in ("review", "conditions"):
            carried = None
            continue  # a part that reports the past (工作回顾, 发展基础): statistics, not goals; a conditions list: who qualifies
        if carried is not None and not line_ctx.is_plan and not _FUTURE_STRICT.search(text):
            carried = None  # in news a goal date reaches on only where the text still looks ahead
        line_facts, last_goal_date = extract_line(line, line_ctx, carried)
        facts.extend(line_facts)
        if last_goal_date is not None:
            carried, reach = last_goal_date, CARRY_PARAGRAPHS
        elif carried is not None and text[-1:] in "。；;！!？?" and not _BULLET.match(lines[index + 1].text
                                                                             if index + 1 < len(lines) else ""):
            reach -= 1  # a list of "——…" goals under one date is read to its end
    for fact in facts:
        fact.article = article
    return facts


# --- indicator tables (指标\t2020年\t2025年\t属性): the value under the goal year is a target -----------------

_YEAR_CELL = re.compile(r"(?P<y>(?:19|20)\d{2})年?(?:底|末)?(?:目标值?|预期值?|值)?(?:[（(][^）)]{0,6}[)）])?")
_UNIT_IN_NAME = re.compile(r"[（(](?P<unit>[^）)]{1,8})[)）]\s*$")
_CELL_VALUE = re.compile(r"^(?P<pre>[≥≤><]|不低于|不少于|超过|达到)?(?P<num>\d+(?:\.\d+)?)(?:[—\-~～至](?P<num2>\d+(?:\.\d+)?))?"
                         r"(?P<unit>%|(?:(?!以上|以下|左右)[\u4e00-\u9fff]){1,4})?(?P<post>以上|以下|左右)?$")


# A header's goal column with no year (指标名称 单位 属性 目标值): the plan's end dates it; its unit and name
# columns (单位, 指标名称) say what the value counts
_GOAL_COLUMN = re.compile(r"(?:规划)?(?:目标值|目标|预期值|预期目标)(?:[（(][^）)]{0,6}[)）])?")
_UNIT_COLUMN = re.compile(r"(?:计量)?单位")
_NAME_COLUMN = re.compile(r"指标(?:名称)?|主要指标")
# A goal cell that names the quota a higher level sets (完成市下达指标, 完成省下达目标任务): a milestone
_ASSIGNED_QUOTA = re.compile(r"(?:完成|达到)[^\t]{0,4}下达的?(?:指标|目标|任务)[^\t]{0,4}")


@dataclass
class IndicatorTable:
    """A plan's indicator table: a header row of years, the rows below it indicators. Every year column
    ahead of the base holds goals due that year (a schedule: 1996年 1997年 1998年); the base is a year
    before the text was issued, or, with no issue date, the earliest column. A header of years only, under
    a header whose last cell spans them (分年度招生任务), heads the last columns of the rows. A header with a
    goal column and no year (…单位 属性 目标值) in a plan with a period holds goals due at its end; columns
    count from the row's end there, as rows under a merged category cell are a cell short."""
    header_line: int
    columns: tuple[tuple[int, dt.date], ...]  # (column, due); a negative column counts from the row's end
    unit_column: int | None = None  # negative: from the row's end
    name_column: int | None = None
    due_from: dt.date | None = None

    @classmethod
    def of(cls, line: Line, ctx: ArticleContext) -> IndicatorTable | None:
        text = line.text
        if "\t" not in text:
            return None
        if "年" not in text:
            return cls._undated(text, line, ctx)
        cells = [c.strip() for c in text.split("\t")]
        years = [(int(m.group("y")), i) for i, cell in enumerate(cells) if (m := _YEAR_CELL.fullmatch(cell))]
        if not years or (len(years) < 2 and "目标" not in text):
            return None  # a year alone in a row's cell dates that row (a task table), it heads no columns; a row
            # with 目标 and a tab but no year cell (重点任务…	年底前) heads none either
        latest, column = max(years)
        if column == 0 and len(years) < len([c for c in cells if c]):
            return None
        if ctx.issued_on and latest < ctx.issued_on.year:
            return None
        base = None if ctx.issued_on else min(years)[0]
        ahead = [(y, i) for y, i in years if (y >= ctx.issued_on.year if ctx.issued_on else y != base)]
        sub_header = len(years) == len([c for c in cells if c])  # 1996年 1997年 1998年 under 分年度…
        unit = next((i for i, cell in enumerate(cells) if _UNIT_COLUMN.fullmatch(cell)), None)  # (…指标名称 单位 2025年 2030年)
        return cls(line.number, tuple((i - len(cells) if sub_header else i, dt.date(y, 12, 31)) for y, i in ahead), unit)

    @classmethod
    def _undated(cls, text: str, line: Line, ctx: ArticleContext) -> IndicatorTable | None:
        horizon = ctx.horizon if ctx.horizon and line.number >= ctx.horizon_line else None
        cells = [c.strip() for c in text.split("\t")]
        goal = [i for i, cell in enumerate(cells) if _GOAL_COLUMN.fullmatch(cell)]
        names = [i for i, cell in enumerate(cells) if _NAME_COLUMN.fullmatch(cell)]
        if not horizon or len(goal) != 1 or not names or len(cells) < 3:
            return None
        back = lambda i: i - len(cells)  # noqa: E731
        unit = next((back(i) for i, cell in enumerate(cells) if _UNIT_COLUMN.fullmatch(cell)), None)
        return cls(line.number, ((back(goal[0]), horizon.due),), unit, back(names[0]), horizon.due_from)

    def row_targets(self, line: Line) -> list[Fact]:
        cells = line.text.split("\t")
        cell = lambda column: cells[column].strip() if column is not None and -len(cells) <= column < len(cells) else ""  # noqa: E731
        name = cell(self.name_column) or next((c.strip() for c in cells if re.search(r"[\u4e00-\u9fff]", c)), "")
        facts = []
        for column, due in self.columns:
            index = column if column >= 0 else len(cells) + column
            if not name or not 0 <= index < len(cells):
                continue
            start = sum(len(c) + 1 for c in cells[:index])
            first = line.text.find(name)
            if (m := _CELL_VALUE.match(cells[index].strip())) is None:
                if self.name_column is not None and _ASSIGNED_QUOTA.fullmatch(cells[index].strip()):
                    facts.append(_make(line, "milestone", Span(first, start + len(cells[index].rstrip())), due_date=due,
                                       due_precision="year", due_from=self.due_from, due_basis="context",
                                       metric=_metric_text(_UNIT_IN_NAME.sub("", name))))
                continue
            unit = (m.group("unit") or cell(self.unit_column) or ((u := _UNIT_IN_NAME.search(name)) and u.group("unit"))
                    or None)
            comparator = comparator_for(m.group("pre") if m.group("pre") in tables.COMPARATOR_PREFIX else None,
                                        m.group("post"))
            if m.group("pre") in ("<", ">"):
                comparator = m.group("pre")
            value_max = float(m.group("num2")) if m.group("num2") else None
            facts.append(_make(line, "target", Span(first, start + len(cells[index].rstrip())), due_date=due,
                               due_precision="year", due_from=self.due_from,
                               due_basis="explicit" if self.name_column is None else "context", value=float(m.group("num")),
                               value_max=value_max, unit=unit, comparator=comparator,
                               metric=_metric_text(_UNIT_IN_NAME.sub("", name))))
        return facts


@functools.lru_cache(maxsize=8192)
def line_dates(text: str, issued: dt.date | None) -> tuple[DateExpr, ...]:
    """A line's dates: absolute ones, then those counted from the issue date where none overlaps
    (cached: the candidates step asks again; callers must not change what it returns)."""
    dates = find_dates(text)
    relative = yearless_after_dated(text, dates) + find_relative_dates(text, issued)
    if not relative:
        return dates
    kept = list(dates)
    for r in relative:  # the first reading of a span wins: its own sentence's year before the issue year
        if not any(r.start < d.end and d.start < r.end for d in kept):
            kept.append(r)
    return tuple(sorted(kept, key=lambda d: d.start))


# A plan or text named by its date (制定2030年前碳排放达峰行动方案, 《2026年度项目申报指南》): part of a name
_NAMED_BY_DATE = re.compile(r"[^，。；、,;：:“”《》（）()\s]{1,16}?(?:%s)(?!的|中|提出|要求|明确|实施|执行)"
                            % "|".join(sorted(tables.TEXT_NOUNS, key=len, reverse=True)))
_TEXT_VERB = re.compile("(?:%s)$" % "|".join(tables.TEXT_VERBS))


def in_cited_title(text: str, pos: int) -> bool:
    """Whether pos lies inside a cited title 《…》."""
    return text.rfind("《", 0, pos) > text.rfind("》", 0, pos)


def names_a_text(text: str, d: DateExpr) -> bool:
    """Family: a date that is part of a text's name — inside 《…》, or after a verb that makes or carries out a
    text and followed by the text's noun (制定2030年前碳排放达峰行动方案): it dates nothing."""
    if in_cited_title(text, d.start):
        return True
    return bool(_TEXT_VERB.search(text, max(0, d.start - 6), d.start) and _NAMED_BY_DATE.match(text, d.end))


def extract_line(line: Line, ctx: ArticleContext, carried: DateExpr | None = None) -> tuple[list[Fact], DateExpr | None]:
    """Facts in one line, and the goal date it leaves for the lines after it."""
    text = line.text
    if len(text.strip()) < 6:
        return [], None
    dates = line_dates(text, ctx.issued_on)
    if (not dates and carried is None and not find_quantities(text) and not _WORDS_WITHOUT_NUMBERS.search(text)
            and not (ctx.completions and _COMPLETION.search(text))):
        return [], None  # no date, no number, no frequency, no 一批, no 未来五年, no year's completion: nothing to decide
    facts: list[Fact] = []
    facts += _deadlines(line, dates, ctx)
    facts += _recurring_duties(line, dates)
    goal_facts, covered, last_anchor = _dated_goals(line, dates, ctx, carried)
    facts += goal_facts
    facts += _trailing_year_goals(line, dates, covered)
    facts += _relatives(line, dates)
    facts += _goals_named_by_date(line, dates, ctx, covered)
    facts += _context_targets(line, dates, ctx, covered)
    if not goal_facts and not carried:
        facts += _plan_milestones(line, ctx)
        facts += _completions(line, dates, ctx)
    if facts and _CLOSING.search(text):
        facts = [f for f in facts if f.kind != "milestone" or not _CLOSING.search(f.context)]
    return facts, last_anchor


# --- deadlines -----------------------------------------------------------------------------------

def _before_issue(d: DateExpr, ctx: ArticleContext) -> bool:
    """A date before the text was issued is a definition or a past event, never a due date (nor is a
    start in an earlier year: 2022年起，…启动 in a 2025 news item)."""
    if not ctx.issued_on:
        return False
    if d.due:
        return d.due < ctx.issued_on
    return bool(d.due_from and d.due_from.year < ctx.issued_on.year)


def _year_deadline(text: str, d: DateExpr, ctx: ArticleContext) -> bool:
    """'2017年底前，明确…' / '于2026年底前报送': a year end with 前 is a deadline when a submission verb
    follows, or in a plan or notice unless the sentence forecasts (…将全面投运: a milestone)."""
    if d.role != "by" or d.precision != "year" or d.recurrence:
        return False
    clause = _deadline_quote(text, d).text(text)
    first = _clause_of(text, d.end + 1 if text.startswith(("，", ","), d.end) else d.end)
    if text.startswith("把", d.end):
        return True  # 确保1985年前把现有企业整顿一遍: an action done to something (the 把 construction) by a year
    if _ASSURED.search(text, _clause_start(text, d.start), d.start) or _GOAL_STATE.search(text, first.start, first.end):
        return False  # 确保2025年底前实现…, 2026年底前基本建成一批…: a goal to reach (a milestone)
    if _SUBMIT.search(clause):
        return True
    if _goal_reached_by(text, d):
        return False  # 2021年底前，各省份60%以上的县至少有1家…: a level to reach by then dates the goals after it
    return ctx.is_plan and not _FORECAST_AFTER.match(text, d.end)


def _dated_action(text: str, d: DateExpr, ctx: ArticleContext) -> bool:
    """'评审结果将于2026年6月15日在官网公布', '年内完成首批试点申报': a date (with 于/在, or 年内) that an
    action or a publication follows in its clause, not yet past when the text was issued."""
    if d.role not in ("plain", "target") or d.recurrence or not d.due:
        return False
    within = text.endswith(("年内", "年度内"), 0, d.end)
    if not within and (d.role != "plain" or d.precision not in ("day", "month")
                       or not (text[d.start] in "于在" or text.endswith(("于", "在"), 0, d.start))):
        return False
    clause = _clause_of(text, d.start)
    after = text[d.end:clause.end]
    if (_PAST.search(text, clause.start, clause.end) or _REPORTED.search(after) or EVENT_AFTER.match(after)
            or (within and find_quantities(after))):
        return False  # 年内完成100家 is a target
    if ctx.issued_on and d.due < ctx.issued_on:
        return False
    if not ctx.issued_on and not ctx.is_plan and not re.search(r"(?:将|拟)(?:于|在)?$", text[clause.start:d.start + 1]):
        return False  # an undated report's 于2001年12月…: what happened, unless it says 将
    if _PUBLISHED_THING.match(after) or _PUBLISHED_TEXT.match(after):
        return False  # 于2021年8月2日深夜发布的《通知》, 于2020年12月出台《…》: a text's publication, not an action to come
    return bool(_ACTION.search(after) or _PUBLISH.search(after))


def _forecast_state(text: str, d: DateExpr) -> bool:
    """'明年6月底前工程将全面投运': a date with 前 that a forecast of a state follows (a milestone)."""
    return d.role == "by" and not d.recurrence and bool(_FORECAST_AFTER.match(text, d.end)) and bool(
        _MILESTONE_CUE.search(text, d.end, _sentence_span(text, d.start).end))


def _scheduled_task(text: str, d: DateExpr, ctx: ArticleContext) -> bool:
    """'2019年上半年，试点城市政府印发实施方案' / '12月，各巡查组还将…开展考核巡查': a month, quarter or
    half-year opening a sentence, still ahead when the text was issued, that dates an action (a
    deadline; a state reached by then is a milestone, see _scheduled)."""
    if d.role != "plain" or d.precision not in ("month", "quarter") or not text.startswith(("，", ","), d.end):
        return False
    sentence = _sentence_span(text, d.start)
    if text[sentence.start:d.start].strip() or (ctx.issued_on and d.due < ctx.issued_on.replace(day=1)):
        return False
    after = text[d.end:sentence.end]
    if _PAST.search(after) or re.search(r"了|成功", after) or _MILESTONE_CUE.search(after):
        return False
    if EVENT_AFTER.match(after):
        return False  # 2025年12月，…召开发布会: an event
    return bool(_ACTION.search(after)) and (ctx.is_plan or "将" in after)


_CONDITION_OPENER = re.compile(r"^[\s\d.、（）()一二三四五六七八九十]*(?:%s)[^，。；]{0,12}$" % "|".join(tables.CONDITION_OPENERS))
_CONDITION_NOUN = re.compile("[^，。；]{0,50}?的[^，。；]{0,8}?(?:%s)|[^，。；]{0,30}?的(?:%s)" % (
    "|".join(tables.CONDITION_NOUNS), "|".join(tables.GRANT_WORDS)))
_CONDITION_ACT = re.compile("(?:%s)" % "|".join(tables.CONDITION_ACTS))
_IN_FORCE = re.compile("|".join(map(re.escape, tables.IN_FORCE_WORDS)))
_EVENT = re.compile("|".join(map(re.escape, tables.EVENT_WORDS)))
_CONDITION_SOON = re.compile(r"[^，。；]{0,20}的[，,]")
_MODIFIER = re.compile(r"(?:前|以前|之前)?(?![将把])[^，。；的]{1,4}的[\u4e00-\u9fff]")  # …前到期的存量融资: what it qualifies
# (…前将本园的…计划报…: 将/把 opens an action done by then, not a qualifier)
_BRACKETED = re.compile(r"[（(][^）)]{0,40}[)）]")
_VALID_UNTIL = re.compile(r"[^，。；]{0,6}有效")
# a window alone in its clause (暂定试行期一年，从2024年7月22日至2025年7月21日止): the clause before names what it is
_BARE_WINDOW = re.compile(r"(?:[\u4e00-\u9fff]{0,4}(?:时间|期限|期间)(?:为|是))?(?:自|从)?(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:起)?"
                          r"(?:至|到|—|-)(?:\d{4}年)?\d{1,2}月\d{1,2}日(?:止)?")  # (实施时间为)2024年4月18日至2024年12月31日
_IN_FORCE_TAIL = re.compile(r"(?:止)?(?:执行|施行|实施|试行)")  # 其他措施自发布之日起至2024年12月31日执行: a window the measure runs in
_TWO_WORDS = re.compile(r"[\u4e00-\u9fff]{2}")
_WINDOW_WORDS = re.compile(r"自|起|止|即日|之日|发文|印发|发布|本通知|本政策|含|当日|期间|为")
_PERMISSION = re.compile(r"(?:可(?:以)?|允许)([^，。；]{0,12})")
_APPLY_ONLY = re.compile(r"[^，。；]{0,8}?(?:申请|申报|报名)(?:材料|手续)?")
_APPLYING_END = re.compile(r"(?:申请|申报|报名)(?:材料|手续|书)?$")
_ACTIVITY = re.compile(r"活动$|活动[，,。]")
# a rule for the time being: 暂缓, 容缺, 认定以…; 执行…收费标准 (a standard applied until the date)
_FOR_NOW = re.compile(r"鼓励|暂(?:停|缓|按|不|免)|缓交|缓缴|容缺|认定以|按[^，。；]{0,12}(?:认定|确定)|执行[^，。；]{0,16}(?:标准|政策|价格)"
                      r"|(?:予以|给予)[^，。；]{0,12}(?:%s)" % "|".join(tables.BENEFITS_GRANTED))  # …前，对…予以退税优惠: a benefit until then
_PUBLISHED_THING = re.compile(r"[^，。；]{0,10}?(?:发布|印发|公布|出台|下发)的")
_PUBLISHED_TEXT = re.compile(r"(?:正式)?(?:发布|印发|公布|出台|下发)(?:了)?《")
_ACT_OF = re.compile(_CONDITION_ACT.pattern + "[^，。；]{0,30}的")
_ACT_THEN_CONDITION = re.compile(_ACT_OF.pattern + "[，,]")
_SELF_REFERENCE = re.compile(tables.SELF_REFERENCE + r"[^，。；]{0,6}$")
_CHANGE_BASE = re.compile(r"(?:由|从)[^，。；到至]{0,6}$")
_COMPARED_VALUE = re.compile(r"(?:比|较|同)[^，。；比较]{0,14}的$")
_TOTAL_STATED = re.compile(r"(?:共有|共计|合计|总共)[^，。；]{0,12}$")
_TOTAL_AHEAD = re.compile(r"将|要|力争|计划|预计|争取|确保|达到")
_PROHIBITION = re.compile(r"不得(?:超过|少于|低于|高于|多于|大于|小于|达到)?$")
_RESTATED_CHANGE = re.compile(r"[增减降提翻]")  # 即增长2.8倍, 即平均每年递增14.7%, 即增产578亿斤: a goal restated
_ADVISED = re.compile(r"建议(?:不少于|不低于|不超过|不高于|不多于|为|在)?$")
_SUBMIT_STRICT = re.compile(r"报送|函送|提交|上报|申报|申请|备案|报告")
# A closing call (为…而努力奋斗！, 为…作出新的贡献！, 努力完成全年经济社会发展目标任务, 完成各项任务) names
# ideals or the whole year's task list, not goals to track.
_CLOSING = re.compile(r"而(?:努力|不懈|团结|继续)?奋斗|作出(?:新的|更大的?)*贡献"
                      r"|完成好?(?:今年|全年|各项|本年度?|年度|新的?|党和人民赋予的)[^，。；]{0,14}(?:任务|目标)"
                      r"|完成祖国统一大业")  # a standing national aim, as a closing states it
_CJK = re.compile(r"[\u4e00-\u9fff]")
_WHOM_THEN_GRANT = re.compile(r"的[，,]|的(?:%s)" % "|".join(tables.GRANT_WORDS))  # …的，可享受…
_QUALIFIER_OF = re.compile(r"(?:[（(]含[)）])?[^，。；的]{0,2}的")
_SIZE_CLASS_OF = re.compile(r"(?:[（(]含[)）])?(?:以[上下])?的[\u4e00-\u9fff]")
_DONE_AFTER = re.compile(r"[，,]?[^，。；]{0,4}?已")
_NO_LIMIT_BEFORE = re.compile(r"(近|未来|今后|连续|(?<!提)前|过去|最近|已|满)$")
_LIMIT_WORDS = ("不得少于", "不少于", "不超过", "不得超过", "最长", "最短", "提前", "延长")
_DAILY = re.compile(r"每[天日周]")


_APPLIES = re.compile(r"提交|提出|报送|申报|递交|申请")
_DUTY_BEFORE = re.compile(r"(?:应|须|需|请)(?:当|要)?(?:在|于)?$")  # 申请人应于…前提交: a duty, whatever it is about
_WINDOW_OPENED = re.compile(r"(?:自|从)[^，。；,;]*$|起$")  # 自2024年7月1日(含当日)至…, 于2024年11月5日起至…: a window's two ends
# When a beneficiary acts, named as a time (缴清契税时间延长到…, 网签日期为…): the date says who qualifies
_ACT_TIME = re.compile("(?:%s)(?:(?!申报|申请|受理|截止)[\u4e00-\u9fff]){0,4}(?:时间|日期)" % "|".join(tables.CONDITION_ACTS))
# (申报购房补贴截止时间为…, 受理购房补贴申请时间截止至…: still the applicants' cut-off)
_BRACKETED_WINDOW = re.compile(r"[（(](?!北京时间)[\u4e00-\u9fff]{1,10}(?:时间|日期)(?:为|是|在)?$")  # 北京时间: a time zone
_BRACKETED_CUTOFF = re.compile(r"[（(](?:截止|截至)(?:时间|日期)?[为是：:]?$")


_STAGE_LABEL = re.compile(r"阶段(?:为|是)?[：:]$")
_JOINED_DATE = re.compile(r"(?:和|及|以及|、)(?=(?:19|20)\d{2}年)")
_PLAIN_CUTOFF = re.compile(r"截止(?:日期|时间)(?:为|是|至|到|[：:])?$")
_ENUMERATOR = re.compile(r"^[\s(（]*[一二三四五六七八九十\d]{1,3}[)）.、．]?")


def _over_brackets(text: str, clause: Span) -> Span:
    """The clause, run on past the commas of a bracket it opens (在…范围内(东至…,西至…)购买…): a bracket's
    commas end no clause of the sentence around it."""
    body = text[clause.start:clause.end]
    if body.count("(") + body.count("（") <= body.count(")") + body.count("）"):
        return clause
    close = min((i for i in (text.find(")", clause.end), text.find("）", clause.end)) if i != -1), default=-1)
    if close == -1:
        return clause
    return Span(clause.start, _clause_of(text, close + 1).end if close + 1 < len(text) else len(text))


def condition_date(text: str, d: DateExpr) -> str | None:
    """Family: dates that qualify a rule. 'condition_date' for a date inside a clause saying whom a rule
    applies to (在2026年6月30日前缴清契税的，给予…; 2023年8月1日至12月31日期间购买…的; 对于…之前供应的…);
    'period_in_force' for the period a measure is in force (有效期至…; 自A至B，…可提取…; …前消费有效), which
    is never a duty. A window applicants apply in (即日起至…，符合条件的企业可提出申请) is neither."""
    clause = _over_brackets(text, _clause_of(text, d.start))
    head = text[clause.start:d.start]
    tail = _BRACKETED.sub("", text[d.end:clause.end]).rstrip()
    sentence = _sentence_span(text, d.start)
    rest = text[clause.end + 1:sentence.end]  # the sentence after the date's clause ("" when it ends there)
    labelled = clause.start >= 2 and text[clause.start - 1] in "：:"  # 政策执行期：发文之日起至…
    named_before = labelled or (clause.start > sentence.start and _BARE_WINDOW.fullmatch(text, clause.start, clause.end))
    if (_IN_FORCE.search(text, clause.start, d.start + 1) or tail.startswith("阶段性") or _VALID_UNTIL.match(tail)
            or (named_before and _IN_FORCE.search(text, _clause_start(text, clause.start - 2), clause.start))
            or (not tail.strip(" 前止") and rest.startswith("有效期"))
            or text.endswith(("期间（", "期间("), 0, d.start)
            or ((d.due_from or (_WINDOW_OPENED.search(head) and text.startswith(("至", "到"), d.start)))
                and ((tail.startswith("期间") and not tail.rstrip("的").endswith(("申请", "申报")))
                     or _IN_FORCE_TAIL.fullmatch(tail)))):
        return "condition_date" if tail.endswith("的") else "period_in_force"  # 自…(含当日)至…(含当日)期间: one window
    joined = _JOINED_DATE.match(text, d.end)
    if joined:  # 2023年8月1日至8月31日和2023年11月1日至12月31日，…购买…的: two windows, one clause
        second = next((e for e in find_dates(text) if e.start == joined.end()), None)
        if second is not None:
            return condition_date(text, second)
    if (not head.strip(" 至到") and (text[d.start:d.end] + tail.strip()).endswith("止")
            and (text[d.start] in "至到" or head.strip() in ("至", "到"))
            and _TAKES_EFFECT.search(text, _clause_start(text, max(0, clause.start - 2)), clause.start)):
        return "period_in_force"  # 补助政策自文件下发之日起施行，至2022年12月31日止: when the measure ends
    if (_PLAIN_CUTOFF.search(head) and not _SUBMIT.search(text, sentence.start, d.start)
            and _RULE_WORDS.search(text, sentence.start, sentence.end)):
        return "period_in_force"  # 最低可享受8万元补贴，截止日期2024年1月3日: when a benefit ends, not an act due
    if (labelled and d.due_from and text[d.end:d.end + 1] in ("；", ";", "。", "")
            and _STAGE_LABEL.search(text, max(0, clause.start - 8), clause.start)):
        return "period_in_force"  # 第一阶段为：2024年7月8日至8月31日；: a measure's stages, each a period, no act in it
    applies_then = head.endswith("于") and _APPLIES.search(tail)  # 符合补助条件的购房家庭于…期间向…提交申请: when to apply
    if ((_CONDITION_OPENER.search(head) and not applies_then) or tail.endswith("的") or _CONDITION_NOUN.match(tail)
            or _CONDITION_SOON.match(text, d.end) or tail.startswith(("后", "之后", "以后"))
            or _MODIFIER.match(tail)):
        return "condition_date"  # …的; 在2023年9月18日后由购房者…: a date after which is a condition
    if _BRACKETED_WINDOW.search(text, max(0, d.start - 16), d.start) or _ACT_TIME.search(head):
        return "condition_date"  # (获得户籍时间为…至…), 缴清契税时间延长到…止: when a beneficiary acts, who qualifies
    if d.role == "by" and not d.due_from and _permits_other_than_applying(tail):
        return "period_in_force"  # 2020年年底前省属重点文化企业可免缴国有资本收益: a permission until a date
    if (_CONDITION_ACT.search(tail) and _NOT_GOAL_CLAUSE.search(text, sentence.start, sentence.end)
            and not (_DUTY_BEFORE.search(head) and _SUBMIT.search(tail))):
        return "condition_date"  # 且在2024年6月30日前缴清契税，…实施消费补贴 (申请人应于…前提交购房补贴申请: a duty)
    if text[d.start - 1:d.start] in "（(" and text.startswith(("截止", "截至"), d.start) and text.startswith(("）", ")"), d.end):
        return "condition_date"  # 子女未满18周岁(截止2022年7月31日): as of a date, in a condition
    if _BRACKETED_CUTOFF.search(text, 0, d.start) and text.startswith(("）", ")"), d.end) and not _SUBMIT.search(head):
        return "period_in_force"  # 贷款最高额度…再提高10万元(截止时间为2022年12月31日止): how long a rule lasts
    if (not tail.strip(" 前内期间止") or tail.endswith("期间")) and _ACT_THEN_CONDITION.search(rest):
        return "condition_date"  # 2024年6月30日前，缴存人家庭…购买自住住房…的，可申请提取…; …和…房交会期间，购买…的
    window = (d.role == "by" and d.due_from) or "至" in text[d.start:d.end]  # 从5月1日起 alone starts, it spans nothing
    if (not window and d.role == "by" and not _ENUMERATOR.sub("", head).strip(" 在于")
            and not tail.strip(" 前之以止") and (_permits_other_than_applying(rest) or _FOR_NOW.search(rest)
                                                 or _level_set(rest))):
        return "period_in_force"  # 2024年10月31日前，新取得的土地可申请分期缴纳…: a permission until a date
    if not window:
        return None
    if _FROM_ISSUE.search(head) and not tail.strip(" 止") and not _APPLIES.search(rest):
        return "period_in_force"  # 自该文件印发之日至2027年12月31日，落实…: how long the text's measures run
    after = "" if tail else re.match(r"[^，。；,;]*", rest).group(0)  # 逾期不再受理: what missing it costs, no rule
    if _SUSPENDED.search(tail) or (_SUSPENDED.search(after) and not after.startswith(("逾期", "过期", "超期", "到期"))):
        return "period_in_force"  # 2023年1月5日至2024年12月31日全市不再新批…: what is not done in the window
    if _RULE_WORDS.search(head) and not _SUBMIT.search(text, clause.start, clause.end):
        return "period_in_force"  # 以上购房补贴比例自文件发布之日起至2022年12月31日止: a rule's period
    if "\t" not in text and not _TWO_WORDS.search(_WINDOW_WORDS.sub("", text[sentence.start:d.start] + tail + rest)):
        return "period_in_force"  # 发文之日起至2024年12月31日 (a line of its own, not a table's cell): a period
    if not tail.strip(" 内期间止") and clause.end >= sentence.end and not _TWO_WORDS.search(_WINDOW_WORDS.sub("", head)):
        if _permits_other_than_applying(text[sentence.start:clause.start]):
            return "period_in_force"  # …，可申请在项目首栋…缴纳配套费，发文之日起至2024年12月31日
    if tail.strip(" 内期间限止") or clause.end >= len(text):
        return None
    # the sentence after a bare window says what it is for
    if rest.startswith(("对", "凡")) or _ACT_OF.search(rest):  # (the window's tail: 期间, 期限内)
        return "period_in_force"  # 自…至…，对出售…的纳税人…予以退税; 即日起至…，凡在我区新购买…的: the condition
    if _permits_other_than_applying(rest):
        return "period_in_force"  # 自…至…，缴存职工可提取…; …可申请在项目首栋…缴纳: a measure's period
    if _ACTIVITY.search(rest) or (_NOT_GOAL_CLAUSE.search(rest) and not _SUBMIT.search(rest)):
        return "period_in_force"  # …开展购房消费月活动; a price or subsidy rule's period
    if not _SUBMIT.search(rest) and _WHOM_THEN_GRANT.search(rest):
        return "period_in_force"  # …的，可享受…: the window says whom, no one applies in it
    return None


_RULE_LEVEL = re.compile(r"(?:限额|比例|额度|标准|上限|下限|利率)[^，。；]{0,8}?(?:调整为|为|提高至|提高到|降低至|降低到|下调至|上调至)")
_DUTY_WORD = re.compile(r"要|应|须|务必|确保|必须|力争")
_SUSPENDED = re.compile(r"不再|不得|暂停|停止|暂缓|禁止")
_FROM_ISSUE = re.compile(r"(?:自|从)[^，。；]{0,10}(?:印发|发布|公布|发文|下发|出台)之日(?:起)?$")


def _level_set(rest: str) -> bool:
    """2024年6月30日前，…租房提取限额为18000元/年; …前，将竞买保证金比例调整为挂牌起始价的20%: a rule's level
    until the date, unless someone is told to set it (各地要将…比例调整为…)."""
    level = _RULE_LEVEL.search(rest)
    return bool(level) and not _DUTY_WORD.search(rest, 0, level.start())


def _permits_other_than_applying(text: str) -> bool:
    """可提取…, 可申请在…缴纳…: a permission the measure grants, not the act of applying (可提出申请)."""
    permission = _PERMISSION.search(text)
    if not permission:
        return False
    clause = re.match(r"[^，。；]*", text[permission.start(1):]).group(0)  # 可向市工信局提出申请: applying
    return not _APPLY_ONLY.fullmatch(permission.group(1)) and not _APPLYING_END.search(clause)


def _deadlines(line: Line, dates: list[DateExpr], ctx: ArticleContext) -> list[Fact]:
    facts = []
    text = line.text
    for d in dates:
        if condition_date(text, d) or names_a_text(text, d):
            continue
        if (_before_issue(d, ctx) or _PAST.search(text, _clause_start(text, d.start), d.start)
                or _DONE_AFTER.match(text, d.end)):
            continue  # 2023年8月31日前金融机构已发放的: what was done by then
        if _EVENT.search(text, d.end, _sentence_span(text, d.start).end) and not _SUBMIT.search(
                text, d.end, _clause_of(text, d.end).end):
            continue  # 8月11日至18日，…连续发生3起事故: an event, not a duty
        if (_SELF_REFERENCE.search(text, _clause_start(text, d.start), d.start)
                and not _FROM_ISSUE.search(text, _clause_start(text, d.start), d.start)):
            continue  # 本文件于2024年6月20日发布执行: the text's own date (自本通知发布之日起至…: a window's end)
        action = d.role != "by" and (_scheduled_task(text, d, ctx) or _dated_action(text, d, ctx))
        if (d.role != "by" and not action) or _forecast_state(text, d):
            continue
        if d.role == "by" and not d.recurrence and _goal_reached_by(text, d):
            continue  # 2025年12月底前完成交付率90%以上, …前全面完成…任务: a goal to reach by then, not a duty
        if _names_goal(text, d):
            continue  # 如期实现2030年前碳达峰目标: a goal known by its date (a milestone), not a duty
        clause = _deadline_quote(text, d)
        if d.recurrence:
            facts.append(_make(line, "deadline", clause, recurrence=d.recurrence, recurrence_rule=d.recurrence_rule,
                               due_basis="explicit"))
        elif d.precision in ("day", "month", "quarter") or action or _year_deadline(text, d, ctx):
            facts.append(_make(line, "deadline", clause, due_date=d.due, due_precision=d.precision, due_from=d.due_from,
                               due_basis="explicit"))
    return facts


# A goal known by its date: 实现 (如期实现, 助力实现) … the date … 目标 in one clause, or 以 the date …为目标
_ACHIEVE_BEFORE = re.compile(r"(?:实现|达成|完成|以)$")
_GOAL_NAME_AFTER = re.compile(r"[^，。；、]{0,20}?目标(?:任务)?(?=[，。；、]|$)")


def _names_goal(text: str, d: DateExpr) -> bool:
    """'如期实现2030年前碳达峰目标', '助力实现2025年初步建成全国统一电力市场目标', '以2030年前实现碳达峰为目标':
    the date is part of the name of a goal to achieve; the goal is a milestone due then (not a plan's name:
    完成“十四五”规划目标任务 sums up a plan, as a closing does)."""
    before = _ACHIEVE_BEFORE.search(text, max(0, d.start - 2), d.start)
    after = _GOAL_NAME_AFTER.match(text, d.end)
    return (not d.recurrence and d.due is not None and not d.period and before is not None and after is not None
            and (before.group(0) == "以") == text.endswith("为目标", 0, after.end()))


def _goals_named_by_date(line: Line, dates: tuple[DateExpr, ...], ctx: ArticleContext, covered: set[int]) -> list[Fact]:
    """Family: goals named by their date (see _names_goal): a milestone each, quoted from the achieving verb;
    not one already past when the text was issued (…实现了2020年…目标)."""
    text = line.text
    facts = []
    for d in dates:
        if (not _names_goal(text, d) or any(d.start <= c < d.end for c in covered) or _before_issue(d, ctx)
                or _PAST.search(text, _clause_start(text, d.start), _clause_of(text, d.start).end)):
            continue
        end = _GOAL_NAME_AFTER.match(text, d.end).end()
        quote = _trim(text, Span(_clause_start(text, d.start), end))
        facts.append(_make(line, "milestone", quote, due_date=d.due, due_precision=d.precision, due_from=d.due_from,
                           due_basis="explicit", metric=_metric_text(text[d.end:end])))
    return facts


_DRAFTS = re.compile(r"[，,\s]*(?:研究)?(?:%s)" % "|".join(tables.DRAFTING_VERBS))


_GOAL_THEN_REACHED = re.compile(r"[^，。；、]{0,20}?目标(?:任务)?(?:如期|全面|顺利|圆满|基本)?(?:实现|完成|达成)")


def _goal_reached_by(text: str, d: DateExpr) -> bool:
    """A state or a quantity reached by a date (…前全面完成…任务, …前完成交付率90%以上): a milestone or a
    target; the clause after the date decides."""
    after = _clause_of(text, d.end + 1 if text.startswith(("，", ","), d.end) else d.end)
    start = max(after.start, d.end)
    body = text[start:after.end]
    if _SUBMIT_STRICT.search(body) or _DRAFTS.match(body):
        return False  # …前完成…报送: still a submission; …前制定…全面推行…的实施方案: a document to deliver
    if _GOAL_THEN_REACHED.match(body):
        return True  # 2030年前碳达峰目标如期实现: a goal named, then reached
    return bool(_GOAL_STATE.search(body)) or any(
        (q.comparator != "=" or (_GOAL_VERB.search(text, start, q.start) and _is_goal_number(text, q)))
        and not _is_duration(q)  # 一九八五年底前建成投产八千万吨: an amount to reach by then (“三项制度”: a name)
        for q in find_quantities(text) if start <= q.start and q.end <= after.end)


def _recurring_duties(line: Line, dates: tuple[DateExpr, ...]) -> list[Fact]:
    """'每月…开展校核', '按季度报送', '每年开展一次评估': a duty given by its frequency (a recurring
    deadline with no date); a frequency that names its date (每年3月31日前) is read in dates.py."""
    text = line.text
    facts = []
    for m in _FREQUENCY.finditer(text):
        if any(d.start <= m.start() < d.end for d in dates if d.recurrence):
            continue
        clause = _clause_of(text, m.start())
        body = text[m.end():clause.end]
        verb = _DUTY_VERB.search(body)
        if verb and (body.startswith("的", verb.end()) or re.search(r"不再|取消|停止|废止", text[clause.start:m.start()])):
            continue  # 每年公布的上下限: a description; 不再执行每月调度: a duty lifted
        if not verb or re.match(r"[\d一二三四五六七八九十两]|增长|递增|下降|减少|结束后|后", body) or _PAST.search(body):
            continue  # 每年增长10% is a rate, 每月结束后5个工作日内 a relative limit: not dated duties
        if any(word in body[:verb.start()] for word in tables.MONEY_WORDS):
            continue  # 每年安排补贴资金…: money, not a duty (每月评估分析…价格水平 is one)
        if any(q.unit not in tables.TIME_UNITS and q.unit not in tables.HOW_OFTEN_UNITS for q in find_quantities(body)):
            continue  # 每年新增200家企业…, 每年募集…岗位100万个: a quota each period, a target, not a dated duty
        recurrence = tables.FREQUENCY[m.group(0)]
        quote = _trim(text, Span(clause.start, clause.end))
        facts.append(_make(line, "deadline", quote, recurrence=recurrence, due_basis="explicit",
                           recurrence_rule=f"{tables.FREQUENCY_RULE[recurrence]}: {m.group(0)}…{verb.group(0)}",
                           metric=_metric_text(_strip_connectives(body))))
    for m in _ANNUAL_DUTY.finditer(text):
        clause = _clause_of(text, m.start())
        if _PAST.search(text, clause.start, clause.end) or any(clause.start < d.end and d.start < clause.end for d in dates):
            continue  # a dated clause (每年12月31日前完成年度评估) is read from its date
        quote = _trim(text, clause)
        facts.append(_make(line, "deadline", quote, recurrence="yearly", due_basis="explicit",
                           recurrence_rule=f"every year: {m.group(0)}", metric=_metric_text(_strip_connectives(quote.text(text)))))
    return facts


def _deadline_quote(text: str, d: DateExpr) -> Span:
    """From the clause that holds the date to the end of its sentence: who does what by when."""
    sentence = _sentence_span(text, d.start)
    opening = text.rfind("（", 0, d.start)
    if opening > text.rfind("）", 0, d.start) and opening > 0:
        # "完成…模块建设。（1分）（10月底完成，牵头考核单位：…）": the task is what the note follows
        closing = text.find("）", d.end)
        task = _sentence_span(text, text.rfind("。", 0, opening) if "。" in text[:opening] else opening - 1)
        return _trim(text, Span(task.start, closing if closing != -1 else sentence.end))
    if "\t" in text:  # a task table's row whose date is a cell of its own (…\t重点任务\t工作措施\t年底前\t责任单位)
        cell_start, cell_end = text.rfind("\t", 0, d.start) + 1, text.find("\t", d.end)
        cell_end = len(text) if cell_end == -1 else cell_end
        if not (text[cell_start:d.start] + text[d.end:cell_end]).strip():
            number = _ROW_NUMBER.match(text)  # the row's task and measures, then its date (not its 序号)
            return _trim(text, Span(number.end() if number else 0, cell_end))
    return _trim(text, Span(_clause_start(text, d.start), max(sentence.end, d.end)))


# --- dated goals: 到2027年…, 2026年起… --------------------------------------------------------------

def _window_start(d: DateExpr, dates: list[DateExpr]) -> bool:
    """Family: windows. 2024年10月1日起至2025年2月28日 is one period, read by its end (a deadline, a period
    in force or a condition's window); its start alone dates no goal."""
    return d.role == "from" and any(other.start in (d.end, d.end + 1) for other in dates)


def _dated_goals(line: Line, dates: list[DateExpr], ctx: ArticleContext,
                 carried: DateExpr | None) -> tuple[list[Fact], set[int], DateExpr | None]:
    """Milestones and targets in the scope of a goal date (stated in the line, or carried from the
    lines before); returns them, the quantity starts used and the line's last goal date."""
    text = line.text
    facts: list[Fact] = []
    covered: set[int] = set()
    anchors = [d for d in dates if (d.role in ("target", "from") or (d.role == "by" and d.precision == "year" and not d.recurrence)
                                    or (d.role == "by" and not d.recurrence and _goal_reached_by(text, d))
                                    or _forecast_state(text, d)
                                    or _scheduled(text, d, ctx) or _future_year(text, d, ctx))
               and not _past_period(text, d, ctx) and not _year_deadline(text, d, ctx) and not _before_issue(d, ctx)
               and not _scheduled_task(text, d, ctx) and not _dated_action(text, d, ctx)
               and not text.startswith(_OPEN_ENDED, d.end) and not names_a_text(text, d)
               and not _window_start(d, dates)
               and not (condition_date(text, d) and not (d.role == "from" and _TAKES_EFFECT.match(text, d.end))
                        and not re.match(r"将|要", text[d.end:d.end + 1]))]  # 在1957年将达到的…如下: a forecast
    rel = horizon_from_relative_years(text, ctx.issued_on)
    if rel and not any(d.start <= rel.start < d.end for d in dates):
        anchors.append(rel)
        anchors.sort(key=lambda d: d.start)
    # the paragraphs after take a goal date that frames this one (in its first sentence: 到2020年，…) or
    # whose sentence the line break cut (…。到2030年,); one closing a list item (…。到2020年，形成一批….)
    # belongs to that item, not to the next item
    first_sentence_end = _sentence_span(text, 0).end
    last_anchor = next((d for d in reversed(anchors) if d.role == "target" and d is not rel
                        and (d.start <= first_sentence_end or not SENTENCE_END.search(text, d.end))), None)
    if carried is not None and (not anchors or anchors[0].start > 0):
        anchors.insert(0, DateExpr(0, 0, carried.due, carried.precision, "carried", due_from=carried.due_from,
                                   period=carried.period))
    for i, d in enumerate(anchors):
        scope_end = _report_after(text, d, anchors[i + 1].start if i + 1 < len(anchors) else len(text))
        scope_start = _clause_start(text, d.start)
        if _PAST.search(text[scope_start:d.start]):
            continue
        due, precision = (d.due, d.precision) if d.due else (None, None)
        if d.role == "from" and _TAKES_EFFECT.match(text, d.end):
            # "自2026年2月1日起施行": the date a rule takes effect is the milestone, in its own words
            quote = _trim(text, Span(_clause_start(text, d.start), _clause_of(text, d.end).end))
            facts.append(_make(line, "milestone", quote, due_date=due, due_precision=precision, due_from=d.due_from,
                               due_basis="explicit", metric=_metric_text(_strip_connectives(quote.text(text)))))
            continue
        quantities = [q for q in find_quantities(text) if d.end <= q.start and q.end <= scope_end and not _is_duration(q)]
        clauses = spans(text[:scope_end], CLAUSE_END)
        first = True
        for clause in clauses:
            if clause.end <= d.start:
                continue
            body = Span(max(clause.start, d.end), clause.end)
            body_text = body.text(text)
            if d.role == "carried" and _looks_back(text, clause):
                continue
            if _DONE.search(body_text):
                continue  # …已由最初的3363座扩充到6951座: what was done, under a goal date or not
            if _in_duty_note(text, body.start):
                continue  # (责任单位:县住房和城乡建设局): who answers for the item, not a goal of it
            if any(body.start <= e.start < body.end and e.precision in ("day", "month") and e not in anchors
                   and condition_date(text, e) for e in dates):
                continue  # 补贴实施时间为2024年6月1日至2026年5月31日: a clause stating a period or a condition
            in_clause = [q for q in quantities if body.start <= q.start < body.end and _is_goal_number(text, q)]
            if in_clause:
                for q in in_clause:
                    covered.add(q.start)
                    quote = _quantity_quote(text, q)
                    # a carried date does not reach a sentence that names its own year (今年…计划增长百分之八)
                    own = _issue_year_goal(text, q.start, ctx, named_only=True) if d.role == "carried" else None
                    facts.append(_target(line, quote, q, own.due if own else due, own.precision if own else precision,
                                         due_from=None if own else d.due_from))
                first = False
                continue
            core = _strip_connectives(body_text)
            # weak cues (实现, 进入…) count right after a stated date, or opening a "——" list item under a carried one
            weak = first and (d.role != "carried" or (_BULLET.match(text) and clause.start <= 2))
            # a list of end states (family: state verbs); not a permission, a condition or a comment (…是完全可能的)
            states = ((d.role == "target" or ctx.role == "goals") and not core.endswith("的")
                      and not _NOT_A_STATE.search(core))
            cue = _MILESTONE_WORD if weak else _STATE_CUE if states else _MILESTONE_CUE
            if (len(core) < 4 or not cue.search(core) or _PAST.match(core) or _CONDITION.match(core)
                    or _REPORTED.search(core) or _NOT_REACHED.search(core) or _NO_GOAL_OF_ITS_OWN.search(core)):
                continue
            explicit = first and d.role != "carried"
            quote = Span(d.start, body.end) if explicit and body.start - d.end <= 2 else Span(body.start, body.end)
            quote = _trim(text, quote)
            facts.append(_make(line, "milestone", quote, due_date=due, due_precision=precision if due else None,
                               due_from=d.due_from if d.role == "from" or d.period else None,
                               due_basis="explicit" if explicit else "context", metric=_metric_text(core)))
            first = False
    return facts, covered, last_anchor


_DUTY_NOTE = re.compile(r"[（(\[【〔][^（(\[【〔）)\]】〕，。；]{0,6}(?:单位|部门)[:：]")


def _in_duty_note(text: str, pos: int) -> bool:
    """Family: duty notes. Inside a bracket that names who answers for an item ((责任单位:…), 【牵头部门：…】):
    agencies, never a goal, whatever words their names hold (住房和城乡建设局)."""
    if "单位" not in text and "部门" not in text:
        return False  # no note names who answers (one scan a clause instead of ten)
    opened = max(text.rfind(mark, 0, pos) for mark in "（([【〔")
    if opened < 0 or max(text.rfind(mark, opened, pos) for mark in "）)]】〕") >= 0:
        return False
    return bool(_DUTY_NOTE.match(text, opened))


def _looks_back(text: str, clause: Span) -> bool:
    """A sentence that a carried goal date does not reach: '截至2025年底，已完成节能诊断3000余家'."""
    sentence = _sentence_span(text, clause.start)
    body = text[sentence.start:sentence.end]
    return bool(_PAST.search(body) or _dated_report(body)) and not _FUTURE_STRICT.search(body)


# What only a report of the past says: a comparison with last year, a running total, a thing done (了)
_REPORTS_PAST = re.compile(r"同比|比上年|较上年|比去年|上年同期|累计|截至|(?:取得|完成|实现|达到|增长|增加|建成)了")


def _report_after(text: str, d: DateExpr, scope_end: int) -> int:
    """A goal date's reach ends at a later sentence that reports the past ("2025年…同比增长12.5%", "…比上年都有所增加")."""
    pos = _sentence_span(text, d.start).end
    while pos < scope_end:
        sentence = _sentence_span(text, pos + 1)
        body = text[sentence.start:sentence.end]
        if (_dated_report(body) or _REPORTS_PAST.search(body)) and not _FUTURE_STRICT.search(body):
            return sentence.start
        pos = sentence.end
    return scope_end


def _past_period(text: str, d: DateExpr, ctx: ArticleContext) -> bool:
    """'"十四五"期间，…' looks back unless the article is a plan issued before the period's end, news
    written before its last year, or the sentence says what will be (预计, 将, 力争)."""
    if not (d.period and text.endswith("期间", 0, d.end)):
        return False
    if ctx.issued_on and ctx.issued_on.year > d.period[1]:
        return True
    if ctx.article and (ctx.is_plan or (ctx.issued_on and ctx.issued_on.year < d.period[1])):
        return False  # a plan, or news written before the period's last year: what it relays lies ahead
    return not _FUTURE_STRICT.search(text[d.end:_sentence_span(text, d.start).end])  # news: only a forecast


_REACH_NUMBER = re.compile(r"(?:达到|超过|突破|增加到|提高到|增长到|减少到|下降到|控制在)[约近]?[\d一二三四五六七八九十百千]")


def _future_year(text: str, d: DateExpr, ctx: ArticleContext) -> bool:
    """'2035年我国将基本建成…', '预计2030年前后启动…': a year named with a forecast word, ahead of the
    text's issue year, dates the goal that follows as 到2035年 would."""
    if d.role != "plain" or d.precision != "year" or d.period or not d.due:
        return False
    if ctx.issued_on and d.due.year <= ctx.issued_on.year:
        return False
    clause = _clause_of(text, d.start)
    if _PAST.search(text, clause.start, clause.end):
        return False
    before = text[clause.start:d.start]
    if _FORECAST_AFTER.match(text, d.end) or re.search(r"(?:预计|力争|争取|计划|将)$", before):
        return True
    if not ctx.issued_on:
        return False
    # '2035年实现规模化商用部署' in a text dated before 2035
    if _MILESTONE_WORD.match(text, d.end + (2 if text.startswith("前后", d.end) else 0)):
        return True
    # '1997年原煤年产量达到13亿吨左右' in a report or plan of 1993: a year ahead opening a clause whose
    # subject reaches a stated number is that number's goal date
    return ((ctx.is_plan or ctx.genre == "work_report") and not before.strip("，, 要使")
            and bool(_REACH_NUMBER.search(text, d.end, clause.end)))


def _scheduled(text: str, d: DateExpr, ctx: ArticleContext) -> bool:
    """'2026年上半年，建成一批…' in a policy: a bare month, half-year, quarter or later year opening a
    sentence, still ahead when the article was issued, schedules what follows (in a report it dates the past)."""
    if d.role != "plain" or d.precision not in ("month", "quarter", "year") or not text.startswith("，", d.end):
        return False
    if d.precision == "year" and not (ctx.issued_on and d.due.year > ctx.issued_on.year
                                      or ctx.issued_on is None and _staged_years(text)):
        return False  # 2026年，…取得阶段性成果 schedules only in a text issued before 2026
    sentence = _sentence_span(text, d.start)
    if text[sentence.start:d.start].strip():
        return False
    after = text[d.end:sentence.end]
    if re.search(r"了|成功", after) or _PAST.search(after) or not _MILESTONE_WORD.search(after):
        return False  # 2022年2月，成都市成功入选…，成为了…: a report
    return ctx.is_plan and not (ctx.issued_on and d.due <= ctx.issued_on)


# A year opening a sentence or a semicolon's clause: 2020年，…；2021年，…；2022年，…
_STAGE_YEAR = re.compile(r"(?:^|(?<=[。；;]))\s*((?:19|20)\d{2})年[，,]")


def _staged_years(text: str) -> bool:
    """Family: staged schedules. A line that opens clauses with successive years (2020年，制定…；2021年，…；
    2022年，…基本建立) lays out a plan's stages, whether or not the text states when it was issued."""
    years = [int(y) for y in _STAGE_YEAR.findall(text)]
    return len(years) >= 2 and all(0 < b - a <= 5 for a, b in zip(years, years[1:]))


def _trailing_year_goals(line: Line, dates: tuple[DateExpr, ...], covered: set[int]) -> list[Fact]:
    """'建成数据平台 2026年底前' (a task table's row): a year-level date closing its clause dates the
    goal before it."""
    text = line.text
    facts = []
    for d in dates:
        if d.role != "by" or d.precision != "year" or d.recurrence or text[d.end:].strip(" 。；;，,") and not CLAUSE_END.match(text, d.end):
            continue
        clause = Span(_clause_start(text, d.start), d.start)
        body = clause.text(text)
        if len(_strip_connectives(body)) < 4 or _SUBMIT.search(body) or _PAST.search(body):
            continue
        quantities = [q for q in find_quantities(text) if clause.start <= q.start < clause.end and q.start not in covered
                      and not _is_duration(q) and _is_goal_number(text, q)]
        quote, metric = _trim(text, Span(clause.start, d.end)), _metric_text(_strip_connectives(body))
        for q in quantities:
            covered.add(q.start)
            facts.append(_target(line, quote, q, d.due, d.precision, basis="explicit", metric=metric))
        if not quantities and _MILESTONE_WORD.search(body):
            facts.append(_make(line, "milestone", quote, due_date=d.due, due_precision=d.precision,
                               due_basis="explicit", metric=metric))
    return facts


def _plan_milestones(line: Line, ctx: ArticleContext) -> list[Fact]:
    """In a plan with a stated period (行动方案（2026—2028年）), "培育一批…" is a goal due at its end."""
    article = ctx.article
    if not article or not article.period_end or not ctx.horizon:
        return []
    text = line.text
    facts = []
    for clause in spans(text, CLAUSE_END):
        body = clause.text(text)
        if "一批" not in body or _PAST.search(body):
            continue
        quote = _trim(text, clause)
        facts.append(_make(line, "milestone", quote, due_date=ctx.horizon.due, due_precision=ctx.horizon.precision,
                           due_basis="context", metric=_metric_text(_strip_connectives(body))))
    return facts


_COMPLETION = re.compile("|".join(list(map(re.escape, tables.COMPLETION_CUES)) + [tables.GOAL_REACHED]))


def _completions(line: Line, dates: tuple[DateExpr, ...], ctx: ArticleContext) -> list[Fact]:
    """Family: completions in a year's tasks (a work report's 2026年重点工作): '建成…平台', '完成…认定',
    '…全覆盖' with no number and no date of its own is a milestone due that year (context)."""
    if not ctx.completions or not ctx.horizon:
        return []
    text = line.text
    facts = []
    for clause in spans(text, CLAUSE_END):
        body = clause.text(text)
        # not a cue inside a quoted name (深化…“全覆盖两提升”行动: the campaign's name, not a completion)
        cue = next((m for m in _COMPLETION.finditer(body) if body.count("“", 0, m.start()) <= body.count("”", 0, m.start())), None)
        own_date = any(clause.start < d.end and d.start < clause.end
                       and not (d.period and d.role == "plain" and d.due == ctx.horizon.due)
                       for d in dates)  # 完成“十二五”…目标任务 in its last year: the plan's end is the year's
        counted = [q for q in find_quantities(body) if not names_structure(body, q)]  # 三年行动任务 is a name
        if (not cue or counted or own_date or _PAST.search(body) or _REPORTED.search(body)
                or _CONDITION.match(body) or _NO_GOAL_OF_ITS_OWN.search(_strip_connectives(body))):
            continue
        quote = _quote_span(text, clause.start, clause.end)
        facts.append(_make(line, "milestone", quote, due_date=ctx.horizon.due, due_precision=ctx.horizon.precision,
                           due_basis="context", metric=_metric_text(_strip_connectives(body))))
    return facts


# --- relative obligations: 3个月内, 有效期3年 -------------------------------------------------------

def _is_duration(q: Quantity) -> bool:
    return q.unit in tables.TIME_UNITS


def _relatives(line: Line, dates: list[DateExpr]) -> list[Fact]:
    text = line.text
    facts = []
    for q in find_quantities(text):
        if not _is_duration(q) or q.value_max is not None or any(d.start <= q.start < d.end for d in dates):
            continue  # "7月31日" inside a date is no duration
        before, after = text[max(0, q.start - 12):q.start], text[q.end:q.end + 8]
        if (_NO_LIMIT_BEFORE.search(before) or before.endswith("第")) and not _BEFORE_EVENT.search(before):
            continue  # 近三年, 连续3年: no limit; 届满前三个月 (before an event) is one
        if q.unit in ("日", "天", "月", "个月") and after.startswith(("起", "前", "底", "末")):
            continue
        within_suffix = text.endswith(("以内", "之内"), 0, q.end)  # 30日以内: the suffix is in the quantity
        is_within = bool(_RELATIVE_AFTER.match(after)) or within_suffix or bool(_BEFORE_EVENT.search(before))
        bounded = (text.endswith(_LIMIT_WORDS, 0, q.number_start)
                   and not _PAST.search(text, _clause_start(text, q.start), q.start)
                   and not _DAILY.search(text[_clause_start(text, q.start):q.start]))
        if not (is_within or bounded or _RELATIVE_BEFORE.search(before) or _EVERY_N.search(before)):
            continue  # a time limit: 3个月内, 有效期3年, 不得少于5年, 最长不超过3年, 提前15个工作日
        if _EVERY_N.search(before) and _FREQUENCY.match(text, q.start - 1) and _DUTY_VERB.search(text, q.end, _clause_of(text, q.start).end):
            continue  # 每6个月向…提交报告: a duty by frequency (a recurring deadline), not a time limit
        recurrence = next((tables.RECURRENCE[w] for w in _RECURRENCE_WORDS if w in before), None)
        unit = tables.DURATION_UNIT.get(q.unit, q.unit)
        # "3个月内" is at most; a period's length ("有效期3年", "公示期为5个工作日") is exact
        within = within_suffix or after.startswith(("内", "以内", "之内"))
        comparator = q.comparator if q.comparator != "=" else ("<=" if within else "=")
        quote = _quote_span(text, q.start, q.end)
        facts.append(_make(line, "relative", quote, value=q.value, unit=unit, comparator=comparator,
                           recurrence=recurrence, due_basis="explicit", metric=_metric_text(
                               _strip_connectives(quote.text(text)))))
        if _TIME_LEVEL.search(text, _clause_start(text, q.start), q.start):
            # family: a level of time to reach (审批平均时限压缩至55个工作日以内) is a target as well as a limit
            facts.append(_make(line, "target", quote, value=q.value, unit=unit, comparator=comparator,
                               due_basis="context", metric=_metric_text(_strip_connectives(quote.text(text)))))
    return facts


# --- targets framed by the article, not the sentence -----------------------------------------------

def _context_targets(line: Line, dates: list[DateExpr], ctx: ArticleContext, covered: set[int]) -> list[Fact]:
    text = line.text
    facts = []
    rules_only = ctx.genre == "regulation" and ctx.role is None
    # a regulation's numbers are its rules (不得同时在两个以上…): goals only where a part states them, or a
    # stated scale or quota (竞价模式规模为20万千瓦)
    if any(d.role in ("plain", "past") and d.precision and not _ahead(d, ctx) for d in dates) and not _FUTURE.search(text):
        return []  # a dated report of what happened
    for q in find_quantities(text):
        if q.start in covered or _is_duration(q):
            continue
        clause = _clause_of(text, q.start)
        how_often = _minimum_frequency(text, q, clause)
        if not how_often and not _is_goal_number(text, q):
            continue  # (每季度至少联系1次: a count of times, not 一次 as an article)
        clause_text = text[clause.start:q.start]
        scale = ctx.is_plan and _SCALE_BEFORE.search(text, clause.start, q.start)
        if rules_only and not scale and not how_often:
            continue
        explicit = (_EXPLICIT_COMPARATOR.search(text[max(clause.start, q.start - 6):q.end + 3]) or scale
                    or _share_reaching(text, q, clause) or _committed(clause_text) or how_often)
        horizon = (_issue_year_goal(text, q.start, ctx) or _year_ahead_opening(text, q.start, dates, ctx)
                   or (ctx.horizon if line.number >= ctx.horizon_line else None))
        # (the verb may be the quantity's own lead: 亩均税收达到37万元)
        if (not explicit and not (horizon and (ctx.goal_verbs.search(text, clause.start, q.number_start)
                                               or _parallel_goal(text, q, ctx.goal_verbs)
                                               or _served(text, q, clause, ctx.goal_verbs)))
                and not _undated_goal(text, q, ctx)):
            continue
        span = _sentence_span(text, q.start)
        opening, sentence = span.start, text[span.start:max(span.end, q.end)]
        if _named_goal(text, q, clause) or _GOALS_LEAD_IN.search(text, opening, min(opening + 16, q.start)):
            # 调控目标定为8%，物价涨幅比去年低一些: the past is the next clause's; a sentence opened as a list of goals
            # (主要预期目标是：…，粮食产量1300亿斤以上、力争比去年实现更多增长): each goal's own clause says so
            sentence = text[clause.start:q.end]
        if _PAST.search(sentence) or (_dated_report(sentence, ctx.issued_on) and not _FUTURE_STRICT.search(sentence)):
            continue
        if (not ctx.is_plan and not _FUTURE_STRICT.search(text, opening, q.start)
                and not _GOAL_NAMED_AFTER.match(text, q.end) and not _RELAYS_PLAN.search(text, opening, q.start)):
            continue  # news describes what is; only its own forecasts are goals (the forecast word comes first,
            # or the number is named a goal: 提出了…比重超45%的目标)
        past_from = _PAST_PARAGRAPH.search(text)
        if past_from and past_from.start() < q.start and not _FUTURE_STRICT.search(sentence):
            continue  # a paragraph that began reporting the past goes on reporting it
        quote = _quantity_quote(text, q)
        if how_often:  # a quota per period holds every period: no due date, a recurrence
            facts.append(_target(line, quote, q, None, None, recurrence=tables.FREQUENCY[how_often.group(1)]))
            continue
        facts.append(_target(line, quote, q, horizon.due if horizon else None, horizon.precision if horizon else None,
                             due_from=horizon.due_from if horizon else None))
    return facts


# Family: a minimum frequency. 每半年不少于一次, 每季度至少主动联系1次, 每年度不少于2次: a count of times each period,
# a quota to meet (a rules text's inspection duty as much as a plan's), not a duration or an article
_MINIMUM_FREQUENCY = re.compile(r"(每年度?|每半年|每个?季度|每个?月)[^，。；]{0,20}?(?P<least>(?:至少|不少于|不低于|最少)[^，。；、\d]{0,6})?$")


def _minimum_frequency(text: str, q: Quantity, clause: Span) -> re.Match | None:
    """(不少于一次: the bound may be the number's own); not inside a condition (未对…每年至少进行一次…的, 对每月通行次数
    在30次及以上的…: whom a rule or a penalty applies to)."""
    m = _MINIMUM_FREQUENCY.search(text, clause.start, q.start) if q.unit == "次" else None
    if not m or not (m.group("least") or q.comparator == ">="):
        return None
    if _QUOTA_IN_CONDITION.search(text, clause.start, q.start) or "的" in text[q.end:clause.end]:
        return None
    return m


_QUOTA_IN_CONDITION = re.compile(r"(?:^|[，,；;。])\s*(?:对于?|凡|未|如|若)|未(?=对|按|每)")


# The year a sentence names by the day it was written: 今年 (not 今年以来, the past), 全年 (the whole of it)
_THIS_YEAR = re.compile(r"今年(?!以来)|全年")


def _issue_year_goal(text: str, pos: int, ctx: ArticleContext, named_only: bool = False) -> Horizon | None:
    """Family: a goal dated by the issue year. '今年国民生产总值计划增长百分之八' in a 1993 report,
    '确保全年新增规上企业40户' in a 2023 package: due the end of the year the text was issued, whatever
    later date the article states elsewhere; 全年 only where the article's own horizon is no later year
    (in a three-year plan 全年 may be any of them), and not at all under a carried goal date (named_only)."""
    if not ctx.issued_on:
        return None
    found = _THIS_YEAR.search(text, _sentence_span(text, pos).start, pos)
    if not found or (found.group(0) == "全年" and (named_only or (ctx.horizon and ctx.horizon.due.year != ctx.issued_on.year))):
        return None
    return Horizon(dt.date(ctx.issued_on.year, 12, 31), "year")


def _year_ahead_opening(text: str, pos: int, dates: tuple[DateExpr, ...], ctx: ArticleContext) -> Horizon | None:
    """Family: a sentence that opens with a year after the text's issue date states that year's figures
    ('2026年广东电力市场规模约6800亿千瓦时' in a notice of late 2025): due that year."""
    opening = _sentence_span(text, pos).start
    d = next((d for d in dates if opening <= d.start <= opening + 1 and d.role == "plain" and d.precision == "year"
              and d.due and _ahead(d, ctx) and d.end <= pos), None)
    return Horizon(d.due, "year") if d else None


# Family: news relaying a plan. A sentence that names the plan it reports (此次方案提出，…; 根据报告，…; 规划明确，…)
# states the plan's goals, as the plan does, with no forecast word of its own
_RELAYS_PLAN = re.compile(r"根据(?:工作)?(?:报告|计划|规划|方案|部署)|(?:报告|计划|规划|方案|意见)(?:提出|明确|指出|要求)")


def _served(text: str, q: Quantity, clause: Span, goal_verbs: re.Pattern) -> bool:
    """Family: goals counted by whom they serve. '为10万名残疾人提供基本康复服务': the number after 为 that opens
    its clause, with the task verb after what it counts."""
    return text.endswith("为", clause.start, q.start) and q.start - clause.start <= 3 and bool(
        goal_verbs.search(text, q.end, clause.end))


def _parallel_goal(text: str, q: Quantity, goal_verbs: re.Pattern) -> bool:
    """Family: enumerated goals, clause by clause. '城镇新增就业21万人，农村劳动力转移就业240万人，高校毕业生留省就业
    17万人': a number closing its clause, after clauses that each close on a number of the same unit, the first
    of them led by a goal verb."""
    clause = _clause_of(text, q.start)
    while q.end == clause.end and clause.start >= 2 and text[clause.start - 1] in "，,":
        previous = _clause_of(text, clause.start - 2)
        last = next((p for p in reversed(find_quantities(text)) if previous.start <= p.start and p.end <= previous.end), None)
        if last is None or last.unit != q.unit or last.end != previous.end:
            return False
        if goal_verbs.search(text, previous.start, last.start):
            return True
        q, clause = last, previous
    return False


def _named_goal(text: str, q: Quantity, clause: Span) -> bool:
    """Family: named goals. '经济增长速度的调控目标定为８％', '主要预期目标是…增长6%': the clause names the number a
    goal, so only its own words can make it a report of the past, not the sentence's next clause."""
    return bool(_GOAL_NAMED.search(text, clause.start, q.number_start))


_GOAL_NAMED = re.compile("|".join(tables.GOAL_NAMING))
_GOALS_LEAD_IN = re.compile(r"目标(?:是|为|如下)[：:]")  # 主要预期目标是：…, a list of goals
_GOAL_NAMED_AFTER = re.compile(r"的(?:[\u4e00-\u9fff]{0,4}目标|任务)|(?:为|作为)[\u4e00-\u9fff]{0,4}目标")  # …45%的目标, 以…为目标


def _committed(clause_text: str) -> bool:
    """Family: commitments. '确保全年新增规上企业40户', '力争完成276万亩覆膜任务': a pledge word, then a goal verb,
    before the number in its clause make it a goal, dated or not."""
    pledge = _PLEDGE.search(clause_text)
    return bool(pledge and (_GOAL_VERB.search(clause_text, pledge.end()) or "完成" in clause_text[pledge.end():]))


_PLEDGE = re.compile("|".join(tables.PLEDGE_WORDS))


def _undated_goal(text: str, q: Quantity, ctx: ArticleContext) -> bool:
    """'推动3—5个通用大模型…', '数字化率达到70%' in a policy with no goal date: a goal verb right before the
    number (its own 达到 or 超过 included); and each item of an enumeration under one (培育50个创新实验室、300个创新
    中心和100个创新人才基地: family: enumerated goals)."""
    if not ctx.is_plan:
        return False
    if _goal_verb_before(text, q):
        return True
    if text[q.start - 1:q.start] not in ("、", "和", "及") or q.start == 0:
        return False
    clause = _clause_of(text, q.start)
    first = next((p for p in find_quantities(text) if clause.start <= p.start < q.start), None)
    return first is not None and _goal_verb_before(text, first)


def _goal_verb_before(text: str, q: Quantity) -> bool:
    """A goal verb right before the number, or as its own lead (达到70%: 达到 is in the quantity's span)."""
    return bool(_GOAL_VERB_AT.search(text, 0, q.start) or _GOAL_VERB_AT.search(text, 0, q.number_start))


def _comparator(text: str, q: Quantity) -> str:
    """The quantity's own comparator, or one a short verb before it: 至少选择3个 is >= 3."""
    if q.comparator != "=":
        return q.comparator
    scale = _SCALE_BEFORE.search(text, _clause_start(text, q.start), q.start)
    if scale and scale.group(1) in tables.SCALE_COMPARATOR:
        return tables.SCALE_COMPARATOR[scale.group(1)]  # 上限4200亿千瓦时: at most
    m = _COMPARATOR_BEFORE_VERB.search(text, max(_clause_start(text, q.start), q.start - 7), q.start)
    return tables.COMPARATOR_BEFORE_VERB[m.group(1)] if m else q.comparator


def _ahead(d: DateExpr, ctx: ArticleContext) -> bool:
    """A date after the text was issued names what is planned ("2026年广东电力市场规模约…" in 2025)."""
    return bool(ctx.issued_on and d.due and d.due > ctx.issued_on)


def _dated_report(sentence: str, issued: dt.date | None = None) -> bool:
    """'2025年我国人工智能企业数量超6200家': a sentence about a named year, with no goal date (a year
    after the text's issue date names a plan, not a report)."""
    return any(d.role in ("plain", "past") and d.precision and not (issued and d.due and d.due > issued)
               for d in find_dates(sentence))


def names_structure(text: str, q: Quantity) -> bool:
    """Family: structure words. A count naming the text's own parts (三个方面, 十条措施), or a set known by its
    count and written in words (八项规定, 八项主张, 五项重点工作): a name, not a number to reach."""
    if text.startswith(_NOT_GOAL_AFTER, q.end) or text.endswith(("性指标", "类指标"), 0, q.start):
        return True  # (其中约束性指标3项: how many of its indicators are of a kind)
    return (q.comparator == "=" and text[q.number_start:q.number_start + 1] in "一二两三四五六七八九十"
            and q.value <= 10 and bool(_NAMED_SET.match(text, q.end)))


def _is_goal_number(text: str, q: Quantity) -> bool:
    """A number that can be a goal: not an ordinal, not 若干/每, not a bare 一 (一个/一家 are articles)."""
    before = text[max(0, q.start - 2):q.start]
    if _NOT_GOAL_BEFORE.search(before):
        return False
    numeral = text[q.number_start:q.number_start + 1]
    if numeral in "一两" and q.value <= 2 and q.comparator == "=" and q.unit not in ("倍",):
        if numeral == "一" or not _GOAL_VERB_AT.search(text, 0, q.start):
            return False  # 一个/一家 are articles; 两个 counts only as a goal verb's object (打造两个)
    if q.unit in ("批", "次") and q.comparator == "=":
        return False
    if q.unit == "条" and text.startswith(("及", "政策", "措施", "意见", "举措", "规定"), q.end):
        return False  # 落实金融支持房地产发展16条及其延期政策: a policy named by its count of articles
    if q.unit == "级" and (not _GOAL_VERB_AT.search(text, 0, q.start) or _CJK.match(text, q.end)):
        return False  # 二级以上医疗机构, 开展三级公立医院绩效考核: a grade of what is named, not a count (达到3级 is one)
    if text.endswith("级", 0, q.end) and find_quantities(text[q.end:_clause_of(text, q.start).end]):
        return False  # "培育百亿级企业10家": the level qualifies what is counted
    if q.unit == "%" and before.endswith(("占", "的")) and not (
            q.comparator in (">=", ">", "<=", "<") and _SHARE_OF_NAMED_WHOLE.search(text, 0, q.start)):
        return False  # 按房价的30%, 占…: a part of something (占总投资的45%左右 a share stated); a bound on a share
        # of a whole (资金占本地医保基金月结算资金的80%以上) is one to reach
    if names_structure(text, q) or before.endswith(("“", '"')):
        return False
    opening = text.rfind("“", 0, q.start)
    if opening > text.rfind("”", 0, q.start) and 0 < text.find("”", q.end) - opening <= 16:
        return False  # “四个中心、六个基地”: a short name in quotes, not a count
    clause = _clause_of(text, q.start)
    if _CHANGE_BASE.search(text, clause.start, q.start) and re.search(
            r"(?:增加|提高|提升|扩大|增长|下降|减少|降低|压减|调整)(?:到|至|为)", text[q.end:clause.end]):
        return False  # 由1400万吨增加到2900万吨, 从人均8.7万元提高到12万元: the base the goal starts from
    if _COMPARED_VALUE.search(text, clause.start, q.start):
        return False  # 比一九五八年的三亿八千万吨增长百分之三十六: the value compared with, not the goal
    if _TOTAL_STATED.search(text, clause.start, q.number_start) and not _TOTAL_AHEAD.search(text, clause.start, q.number_start):
        return False  # 全球共有992个超大规模数据中心, 共计浪费六百三十万元: a total stated (我国将共有…: a goal)
    if text.startswith("级", q.end) or (text.endswith("级", 0, q.end) and text.startswith(("的", "别"), q.end)):
        return False  # 千亿级产业规模, 打造千亿级的…基地: a class of size, not a stated number
    if text.endswith("级", 0, q.end) and _CJK.match(text, q.end) and not _SCALE_NAMED.match(text, q.end):
        return False  # 推动…县百亿级产业全覆盖: the class of what is named (形成千亿级产业规模 states a scale)
    if (text.startswith("的", q.end) and (q.unit == "级" or text.endswith(tuple(tables.COMPARATOR_SUFFIX), 0, q.end))
            and not text.endswith(("使", "让"), 0, q.start)
            and (text.endswith("级", 0, q.end) or not _GOAL_VERB_AT.search(text, max(0, q.start - 4), q.start))
            and not _share_reaching(text, q, clause)):
        return False  # "成熟度2级及以上的企业占比超过60%": a qualifier of what is counted (使50%以上的社区…, 建成20个以上的…,
        # 全省80%以上的乡镇实现…: a goal)
    if (_SCALE_BEFORE.search(text, clause.start, q.start) and not q.unit.endswith("元")
            and not text.startswith("对", clause.start)  # 对用电报装容量160千瓦及以下的用户: whom a rule serves
            and not _GRANT_OR_FINANCE.search(text, clause.start, q.start)  # 给予入户指标10个, 贷款利率上限为4.8%: a rule's
            and not _TIER.search(text, clause.start, q.start)):  # 按活动规模1万人以上…分别按…: a tier
        return True  # 采用…补贴价格模式的规模为30万千瓦: the scale is the subject, whatever qualifies it
    if _money_rule(text, q, clause) or _rule_context(text, q, clause):
        return False
    if _PROHIBITION.search(text, max(clause.start, q.start - 6), q.number_start):
        return False  # 合作研究单位不得超过2个: a prohibition's limit is a rule, not a goal
    if _ADVISED.search(text, max(clause.start, q.start - 6), q.number_start) or (
            text.startswith("即", clause.start) and not _GOAL_VERB.search(_COMPARATOR_WORDS.sub("", text[clause.start:q.end]))
            and not _RESTATED_CHANGE.search(text, clause.start, q.end)):
        return False  # 临床试验机构数量建议不少于3家: a guideline's advice; 即…市值不低于1万亿元: a definition (即增长2.8倍 restates a goal)
    if _PERMITTED_CHANGE.search(text, clause.start, q.number_start):
        return False  # 优质房地产企业重点监管资金比例可降低15%: what a rule permits, not a goal
    if _threshold(text, q, clause):
        return False
    return True


_NOT_GOAL_CLAUSE = re.compile("|".join(map(re.escape, tables.NOT_GOAL_CLAUSE)))
_RATE_OF_CHANGE = re.compile("|".join(map(re.escape, tables.RATE_OF_CHANGE)))
_MONEY_MEASURES = frozenset(tables.MONEY_MEASURES)
_ENDS_NOUN = re.compile(r"$|[的，。；、,;）)]")
_SCALE_NAMED = re.compile(r"[^，。；的]{0,4}规模")
_RATIO = re.compile(r"比率|比重")  # 社会物流总费用与GDP比率降低至13.6%: the number measures a ratio, not the money


_PERMITTED_CHANGE = re.compile(r"可(?:以)?(?:%s)(?:至|到)?$" % "|".join(tables.CHANGE_VERBS))
_SHARE_OF_NAMED_WHOLE = re.compile(r"占[^，。；,;占]{1,24}的$")
_SHARE_OF_WHOLE = re.compile(r"占[^，。；,;]{1,20}(?:比重|比例)(?:达到|提高到|提升到|超过)?$")


def _money_rule(text: str, q: Quantity, clause: Span) -> bool:
    """A clause that grants or charges money (给予最高50万元补贴, 处…罚款) or sets eligibility (对于, 是指):
    its numbers are rules, not goals; a rate of change (价格涨幅2%左右) or a head count (开展补贴性技能培训
    3万人) is still a goal."""
    if q.unit.endswith("元") and ("每" in text[clause.start:q.start] or text.startswith(("/", "左右/"), q.end)):
        return True  # 每50公斤提高5到7元, 3.3万元左右/方: a price per unit
    if not any(m.group() not in _MONEY_MEASURES or (m.start() <= q.end + 1 and not _RATIO.search(text, m.end(), q.start))
               or _ENDS_NOUN.match(text, m.end())
               for m in _NOT_GOAL_CLAUSE.finditer(text, clause.start, clause.end)):
        return False  # (18项行政事业性收费的免征范围: the money noun heads what is counted)
    if (q.unit in ("%", "个百分点", "百分点") and _RATE_OF_CHANGE.search(text, clause.start, q.start)
            and not _TO_A_LEVEL.search(text, clause.start, q.start)):
        return False  # 价格涨幅2%左右 is a goal; 保证金比例由5%下降为2% sets a rule's level
    if q.unit == "%" and _SHARE_OF_WHOLE.search(text, clause.start, q.start):
        return False  # 财政性教育经费支出占国内生产总值比重达到4%: a share of a whole to reach, not a finance rule
    return not (q.unit.endswith(("人", "人次")) and not q.unit.endswith("元"))


def _rule_context(text: str, q: Quantity, clause: Span) -> bool:
    """Family: the context that makes a number a rule's parameter, not a goal. A clause that only names
    the next case of a money rule (首付比例不低于20%，二套及以上不低于30%); a requirement for applying
    (申请办理预售许可，…形象进度达三分之一以上; …达到25%以上，即可申请办理…); a note in brackets (团购（5套房屋及以上）活动);
    a goal not reached (未达到项目投资额25%的土地)."""
    head = text[clause.start:q.number_start]
    previous = _clause_of(text, clause.start - 2) if clause.start >= 2 else None
    verbs = _LEVEL_CHANGE.sub("", _COMPARATOR_WORDS.sub("", head))  # 二套及以上不低于30%, 二套房提高至65万元: no action
    sentence = _sentence_span(text, q.start)
    if (previous is not None and len(head) <= 8 and not _GOAL_VERB.search(verbs) and not re.search(r"\d{4}年|将|要", head)
            and sentence.start <= previous.start and _RULE_WORDS.search(text, previous.start, previous.end)):
        return True
    if _APPLYING_FOR.search(text, sentence.start, clause.start) or _PERMITTED_THEN.match(text, clause.end):
        return True  # 投入开发建设的资金达到工程建设总投资25%以上，即可申请办理…: what one must reach to apply
    opened = max(text.rfind("（", 0, q.start), text.rfind("(", 0, q.start))
    if (opened > max(text.rfind("）", 0, q.start), text.rfind(")", 0, q.start)) and not _GOAL_VERB.search(text, opened, q.start)
            and not _QUOTA_BEFORE.search(text, opened, q.number_start)):
        return True  # （每行业梳理不少于5个） is a quota in brackets, a goal
    return bool(_NOT_REACHED.search(head))


_TIME_LEVEL = re.compile(r"(?:平均|时限|用时|周期|时间)[^，。；]{0,6}(?:压缩|缩短|减少|降低|控制)(?:至|到|在)(?:[^，。；\d]{0,2})$"
                         r"|平均[^，。；]{0,8}(?:时间|时长|用时)$")  # 书面作业平均完成时间不超过60分钟: an average to keep under
_TIER = re.compile(r"按(?!时|期|计划|要求|照)[^，。；]{0,8}$")
_TO_A_LEVEL = re.compile(r"(?:下降|降低|提高|调整|上调|下调)(?:为|到|至)$|(?:下降|降低|提高|调整|上调|下调)(?:为|到|至)[^，。；\d]{0,4}$")
_RULE_WORDS = re.compile("|".join(map(re.escape, tables.MONEY_WORDS + tables.FINANCE_RULE_WORDS)))
_GRANT_OR_FINANCE = re.compile("|".join(map(re.escape, tables.FINANCE_RULE_WORDS + ["给予"])))
_COMPARATOR_WORDS = re.compile(r"不少于|不低于|不超过|不高于|超过|达到|至少|低于|高于")
_LEVEL_CHANGE = re.compile(r"(?:下降|降低|提高|调整|上调|下调)(?:为|到|至)")  # the rule's next case changes to a level
_QUOTA_BEFORE = re.compile(r"(?:不少于|至少|不低于|达到|每[^，。；]{0,10})$")
_PERMITTED_THEN = re.compile(r"[，,]\s*(?:即|方|就|均|才)?可(?:以)?(?:申请|办理)")
_APPLYING_FOR = re.compile(r"申请(?:办理)?[^，。；]{0,12}(?:许可|证书?|手续|登记|审批|备案)")
_REACHES = re.compile("|".join(map(re.escape, tables.STATE_VERBS + ["满足", "覆盖", "建成", "开展", "接入", "应用", "使用"])))


def _share_reaching(text: str, q: Quantity, clause: Span) -> bool:
    """Family: a share or a count that is the subject of a goal state (70%的规模以上企业基本实现数字化, 全国90%
    以上地区的宽带…满足…需求, 2—3家标杆企业率先建成…): the share or the number of things to reach the state
    is the target, not a threshold."""
    if (q.unit != "%" and q.unit not in tables.SUBJECT_COUNT_UNITS) or q.start - clause.start > 8 \
            or text[clause.start:clause.end].endswith("的"):
        return False
    rest = text[q.end:clause.end]
    if re.search(r"就能|才能|可以", rest):
        return False  # 有6.5%的增速就能够实现…: a condition for a result, not a share to reach
    # 100%的社区卫生服务中心完成中医馆设置: a share completes a task (12个法院完成建设 may report it done)
    reaches = _REACHES.search(rest) or (q.unit == "%" and "完成" in rest)
    return bool(reaches) and not find_quantities(rest)


_WHEN = re.compile(r"(?:[（(]?[一二三四五六七八九十\d]+[)）.、．]?)?(?:当|如|若|凡)")
_WHEN_END = re.compile(r"时|的时候|之时")


_OPENS_CONDITION = re.compile(r"(?:^|[，,])[\s(（一二三四五六七八九十\d)）、.]*(?:对于?|凡是?)[^，,]*[，,]$")
_CLOSES_CONDITION = re.compile(r"[^。；;]*?的[，,](?:%s)" % "|".join(tables.GRANT_WORDS))


def _inside_condition_chain(text: str, clause: Span) -> bool:
    """Family: a condition over several clauses (对…企业，年度新增服务企业5家以上，业绩总额达到1000万元的，给予…):
    a middle clause, after a clause opened by 对/凡 and before the '…的，给予' that closes the condition,
    says whom the rule rewards, whatever its verb."""
    sentence = _sentence_span(text, clause.start)
    head = text[sentence.start:clause.start]
    return bool(_OPENS_CONDITION.search(head) and not re.search(r"的[，,]", head)
                and _CLOSES_CONDITION.match(text, clause.start, sentence.end))


def _next_tier(text: str, q: Quantity, clause: Span) -> bool:
    """Family: tiers. 按活动规模1万人以上、5000人以上和1000人以上: each number after the first of an enumeration
    that opens with 按 is a tier too."""
    if text[q.start - 1:q.start] not in ("、", "和", "及", "或") or q.start == 0:
        return False
    first = next((p for p in find_quantities(text) if clause.start <= p.start < q.start), None)
    return first is not None and bool(_TIER.search(text, clause.start, first.start))


def _threshold(text: str, q: Quantity, clause: Span) -> bool:
    """'处理超过10万人的个人信息', '两人及两人以上联名举报…的，': a number qualifying whom or what a rule
    applies to — a '的' right after it, or a clause closed by '的' (the conditional of rules) — with no
    goal verb before it."""
    if text[clause.start:clause.end].endswith("的") and text.startswith(("，", ","), clause.end):
        return True  # 年销售收入首次达到5000万元、1亿元的，给予奖励: a condition even with a goal verb
    if _WHEN.match(text, clause.start) and _WHEN_END.search(text, q.end, clause.end):
        return True  # 当个贷率达到85%时，暂停…: the level that triggers a rule, not a goal
    if (text.endswith(("以上", "以下"), 0, q.end) and _CJK.match(text, q.end)
            and (q.unit.endswith(("元", "平方米", "亩", "米", "岁", "级")) or text.endswith("以下", 0, q.end))):
        return True  # 加大144平方米以下改善性住房供应, 推动二级以上医疗机构…, 30万千瓦以下煤电机组: a class, not a count
    if _TIER.search(text, clause.start, q.start) or _next_tier(text, q, clause):
        return True  # 按切位100座以上和40座以上…给予奖补: the tier a rule grants by
    if q.unit in ("岁", "周岁") and _CJK.match(text, q.end):
        return True  # 0—6岁儿童, 60岁以上老人: an age class, not a count
    if q.unit.endswith(("平方米", "亩", "岁", "周岁")) and _SIZE_CLASS_OF.match(text, q.end):
        return True  # 筹集超过70平方米的保障性租赁住房: a size class of what is meant, whatever the verb
    if _inside_condition_chain(text, clause):
        return True  # 对…省级外贸综合服务企业，年度新增服务企业5家以上，…达到1000万元的，给予…: one condition, several clauses
    head = text[clause.start:q.number_start]
    if head.startswith("对") and (not _GOAL_VERB.search(_COMPARATOR_WORDS.sub("", head)) or q.unit.endswith("元")):
        return True  # 对年度财力贡献超过3000万元的…: whom a rule rewards; 对三孩家庭提高10万元: what it grants
    if (_GOAL_VERB.search(text, clause.start, q.start) or text.endswith(("使", "让"), clause.start, q.start)
            or _share_reaching(text, q, clause) or _GOAL_NAMED_AFTER.match(text, q.end)):
        return False  # 使50%以上的社区实现…: a share to reach; …比重超45%的目标: a level named a goal
    return (bool(_QUALIFIER_OF.match(text, q.end, clause.end))
            or text[clause.start:clause.end].endswith("的"))


# --- quotes and metrics ------------------------------------------------------------------------------

@functools.lru_cache(maxsize=4096)
def _breaks(text: str, sentences: bool) -> tuple[tuple[int, ...], tuple[int, ...]]:
    """Where a line's clauses (or sentences) start and end, found once per line: every rule asks for the
    clause or sentence around some position, many times a line. Piece i starts where delimiter i - 1
    ends (the first at 0) and ends where delimiter i starts (the last at the line's end)."""
    found = list((SENTENCE_END if sentences else CLAUSE_END).finditer(text))
    return (0, *(m.end() for m in found)), (*(m.start() for m in found), len(text))


def _span_around(text: str, pos: int, sentences: bool) -> Span:
    """From the end of the last delimiter before pos to the start of the first at or after it."""
    starts, ends = _breaks(text, sentences)
    piece = bisect.bisect_left(ends, pos, 0, len(ends) - 1)  # the delimiters that start before pos
    return Span(starts[piece], ends[piece])


def _clause_start(text: str, pos: int) -> int:
    return _span_around(text, pos, False).start


def _clause_of(text: str, pos: int) -> Span:
    return _span_around(text, pos, False)


def _quote_span(text: str, start: int, end: int) -> Span:
    """The clause around [start, end), grown within its sentence while shorter than QUOTE_MIN or only
    a date: forwards when it opens with a date ("2026年8月30日前，各单位…"), else backwards."""
    clause = _clause_of(text, start)
    sentence = _sentence_span(text, start)
    s, e = clause.start, max(clause.end, end)
    while e - s < QUOTE_MIN or _DATE_WORDS.fullmatch(text[s:e].strip(" ，,")):
        only_date = bool(_DATE_WORDS.fullmatch(text[s:e].strip(" ，,")))
        if not only_date and s > sentence.start:
            s = _clause_start(text, s - 1)
            continue
        m = CLAUSE_END.search(text, e + 1, sentence.end)
        grown = m.start() if m else sentence.end
        if grown <= e:
            break
        e = grown
    return _trim(text, Span(s, e))


def _sentence_span(text: str, pos: int) -> Span:
    return _span_around(text, pos, True)


def _quantity_quote(text: str, q: Quantity) -> Span:
    """The clause around a number; in a list of numbers (A达到85%、B达到54%) just its own item,
    grown backwards to QUOTE_MIN so it names what is counted."""
    clause = _clause_of(text, q.start)
    if sum(1 for other in find_quantities(text[clause.start:clause.end])) < 2:
        return _quote_span(text, q.start, q.end)
    start = text.rfind("、", clause.start, q.start) + 1 or clause.start
    start = max(start, clause.start)
    nxt = text.find("、", q.end, clause.end)
    end = nxt if nxt != -1 else clause.end
    while end - start < QUOTE_MIN and start > clause.start:
        start = max(clause.start, text.rfind("、", clause.start, start - 1) + 1)
    return _trim(text, Span(start, end))


_ARTICLE_NUMBER = re.compile(r"第[一二三四五六七八九十百零〇]+条\s*|[（(]?(?:[一二三四五六七八九十]{1,3}|\d{1,2})[)）、]\s*|\d{1,3}[.．](?!\d)\s*")


_UNOPENED_CLOSE = re.compile(r"[^（(\[【〔）)\]】〕]*[）)\]】〕]")


def _trim(text: str, span: Span) -> Span:
    """Strip list punctuation and a leading 第十六条, （二） or 一、 so the quote starts at its words, and the
    tail of a bracket opened before it (…县住房保障中心)上述政策自2023年9月1日起施行)."""
    s, e = span.start, span.end
    close = _UNOPENED_CLOSE.match(text, s, e)
    if close and e - close.end() >= QUOTE_MIN:
        s = close.end()
    for _ in range(2):  # "**第四十九条** 本办法…": markup, number, markup
        while s < e and text[s] in " 　、，,：:;；。（(）)*#-—":
            s += 1
        numbered = _ARTICLE_NUMBER.match(text, s)
        if numbered and numbered.end() < e:
            s = numbered.end()
    while e > s and text[e - 1] in " 　、，,：:;；。":
        e -= 1
    if e - s > QUOTE_MAX:
        e = s + QUOTE_MAX
    return Span(s, e)


def _strip_connectives(text: str) -> str:
    return _LEADING_NOISE.sub("", _DATE_WORDS.sub("", text)).strip(" ，,。；;")


def _metric_text(text: str) -> str:
    """At most 40 characters, with no bracket left open: '…数据集（每行业梳理' -> '…数据集 每行业梳理'."""
    text = text[:40]
    for opening, closing in (("（", "）"), ("(", ")"), ("《", "》")):
        while text.count(opening) > text.count(closing):
            cut = text.rfind(opening)
            text = (text[:cut] + " " + text[cut + 1:]).strip()
    return text


def _metric(text: str, quote: Span, q: Quantity) -> str:
    """What is counted: the words after the quantity, else the words before it."""
    after = text[q.end:quote.end].lstrip("的").strip(" ，,。")
    after = re.split(r"[，,；;。和及与]", after)[0]
    before = _strip_connectives(text[quote.start:q.start])
    before = re.sub(r"(力争|推动|达到|超过|突破|不少于|不低于|至少|迈上|实现|打造|培育|推出|建设|选树|新增)$", "", before)
    core = after if len(after) >= 2 else before
    return _metric_text(core or quote.text(text))


def _target(line: Line, quote: Span, q: Quantity, due: dt.date | None, precision: str | None,
            due_from: dt.date | None = None, basis: str = "context", metric: str | None = None,
            recurrence: str | None = None) -> Fact:
    return _make(line, "target", quote, due_date=due, due_precision=precision, due_from=due_from, due_basis=basis,
                 value=q.value, value_max=q.value_max, unit=q.unit, comparator=_comparator(line.text, q),
                 recurrence=recurrence, metric=metric or _metric(line.text, quote, q))


_ROW_NUMBER = re.compile(r"\d{1,3}\t+")  # a table row's number cell (_make, _deadline_quote)


def _make(line: Line, kind: str, span: Span, **values) -> Fact:
    start, end = line.span(span.start, span.end)
    row = _ROW_NUMBER.match(line.original, start)  # "2\t完成…": a table row's number cell
    if row and row.end() < end:
        start = row.end()
    return Fact(kind=kind, line=line.number, char_start=start, char_end=end,
                quote=line.original[start:end], context=_sentence(line.text, span), **values)


def _sentence(text: str, span: Span) -> str:
    sentence = _sentence_span(text, span.start)
    return text[sentence.start:max(sentence.end, span.end)]
