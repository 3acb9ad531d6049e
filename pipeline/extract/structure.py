"""The structure a document states: its genre, and which of its parts look back and which look ahead.

A work report's review (一、2025年工作回顾) holds statistics, its 2026年重点工作 holds that year's
targets; a plan's 发展基础 holds the baseline, its 主要目标 the goals. Read from the text's own
headings and lead-ins (tables.REVIEW_SECTION, GOAL_SECTION, TASK_SECTION), never from one sentence: a
heading's role reaches down to the next heading of its level or above.
"""
from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from pipeline.extract.dates import find_dates, safe_date
from pipeline.patterns import tables
from pipeline.read import Line

# Heading levels: 第一章/一、 (1), （一） (2), 1./1、/（1） (3); a heading is read in its first phrase.
_LEVELS = [
    (1, re.compile(r"^(?:#+\s*)?(?:第[一二三四五六七八九十百]+[章部篇编]|[一二三四五六七八九十]+[、．.])\s*")),
    (2, re.compile(r"^(?:#+\s*)?[（(][一二三四五六七八九十]+[)）]\s*")),
    (3, re.compile(r"^(?:#+\s*)?(?:\d{1,2}[.、．](?!\d)|[（(]\d{1,2}[)）])\s*")),
]
_PHRASE_END = re.compile(r"[。；;！!？?：:]")
HEADING_PHRASE_MAX = 40
_REVIEW = re.compile("|".join(map(re.escape, tables.REVIEW_SECTION)))
_GOALS = re.compile("|".join(map(re.escape, tables.GOAL_SECTION)))
_TASKS = re.compile("|".join(map(re.escape, tables.TASK_SECTION)))
_GOAL_LEAD_IN = re.compile(tables.GOAL_LEAD_IN)
_REVIEW_LEAD_IN = re.compile(tables.REVIEW_LEAD_IN)
_CONDITIONS = re.compile(tables.CONDITIONS_SECTION)
_CONDITIONS_LEAD_IN = re.compile(tables.CONDITIONS_LEAD_IN)
# The items of a list under a lead-in (1. 2. / （1） / ① / 一是): a conditions list reaches as far as they go.
_LIST_ITEM = re.compile(r"^(?:\d{1,2}[.、．](?!\d)|[（(]\d{1,2}[)）]|[①-⑳]|[一二三四五六七八九十]是)")
# A five-year plan a heading names: the longest name first (“十五五” is not 十五, 2001—2005), and a name below
# 十一 only in quotes (十五、加强组织领导 is the fifteenth part)
_PLAN_NAMES = sorted(tables.FIVE_YEAR_PLANS, key=len, reverse=True)
_PERIOD = re.compile("“(%s)”|(%s)" % ("|".join(_PLAN_NAMES), "|".join(p for p in _PLAN_NAMES if len(p) == 3)))
_GENRES = [(name, re.compile(pattern)) for name, pattern in tables.GENRE_WORDS]
_TITLE_MARKS = re.compile(r"[\s《》“”\"]")
_YEAR = re.compile(r"((?:19|20)\d{2})年")  # a year named, its digits as group 1
# What makes a work report's paragraph outside any stated part look ahead; without it, it reports the year.
_AHEAD = re.compile(r"要|将|今年|明年|今后|力争|目标|计划|预期|争取|必须|应当")
# The year a report reviews, named in its opening (刚刚过去的1992年): it is delivered the year after
_YEAR_PAST = re.compile(r"(?:刚刚过去的|刚刚结束的|过去的)((?:19|20)\d{2})年")
# The year a report sets its goals for: 2006年国民经济和社会发展的主要预期目标是; 2002年是…的一年。做好今年…
_YEAR_AIMED = re.compile(r"((?:19|20)\d{2})年[^。；，]{0,16}主要预期目标|((?:19|20)\d{2})年是[^。]{0,40}一年。[^。]{0,8}今年"
                         r"|((?:19|20)\d{2})年是[^。，]{0,16}开局之年")  # 2026年是“十五五”开局之年
# The date a report was delivered, under its title: ——2026年1月27日在福建省第十四届人民代表大会第四次会议上
_DELIVERED = re.compile(r"^[—\-－\s（(]*((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日在[^。]{0,40}会议上")
REPORT_OPENING_LINES = 12


@dataclass(frozen=True)
class Section:
    """A part of an article: 'review' (the past), 'goals' or 'tasks' (ahead, dated by `year`), or
    'conditions' (who qualifies for a rule: no goals, no duties)."""
    role: str
    heading_line: int
    year: int | None = None  # the year the part's goals are due: its heading's, its period's end
    year_from: int | None = None


@dataclass(frozen=True)
class Reading:
    """A whole document's genre and parts, where they belong to the document rather than to one article."""
    genre: str
    sections: dict
    year: int | None = None  # the year a report is delivered in: its tasks part's year (三、2011年的工作)


def document_reading(lines: list[Line], issued: dt.date | None) -> Reading | None:
    """A work report (各位代表：…) is read as one text: its parts reach across the articles its headings cut
    it into. Other documents are read article by article (a bulletin's articles each have their own)."""
    opening = [line.text for line in lines if line.text.strip()][:3]
    if not opening or genre(opening[0], opening[1:]) != "work_report":
        return None
    if issued is None:  # the day it was delivered, under its title
        delivered = next((m for line in lines[:REPORT_OPENING_LINES] if (m := _DELIVERED.match(line.text.strip()))), None)
        issued = safe_date(int(delivered.group(1)), int(delivered.group(2)), int(delivered.group(3))) if delivered else None
    if issued is None:  # the year it is delivered in: the year its goals are set for, or the one after the year reviewed
        aimed = [int(m.group(1) or m.group(2) or m.group(3)) for line in lines for m in _YEAR_AIMED.finditer(line.text)]
        reviewed = [int(m.group(1)) + 1 for line in lines[:REPORT_OPENING_LINES] for m in _YEAR_PAST.finditer(line.text)]
        year = max(aimed or reviewed or [0])
        issued = dt.date(year, 1, 1) if year else None
    parts = sections(lines, issued, "work_report", (None, None))
    years = [s.year for s in parts.values() if s.role == "tasks" and s.year and not s.year_from]
    if not years and issued:
        years = [issued.year]
    return Reading("work_report", parts, max(years) if years else None)


def genre(title: str, first_lines: list[str]) -> str:
    """work_report | interpretation | regulation | plan | notice | news, from the title, else the opening
    lines (各位代表：, 第一条): each has its default reading in facts.ArticleContext."""
    title = _TITLE_MARKS.sub("", title)
    for name, pattern in _GENRES:
        if pattern.search(title):
            return name
    opening = [text.strip() for text in first_lines if text.strip()][:3]
    for name, pattern in _GENRES[:3]:
        if any(pattern.search(text) for text in opening):
            return name
    return "news"


_HEADING_FIRST = set("#第一二三四五六七八九十（(0123456789")
_REVIEW_FIRST = set("过回一二三四五两这0123456789")


def heading_level(text: str) -> tuple[int, str] | None:
    """(level, first phrase) of a numbered heading (一、, （一）, 1.), or None."""
    if not text or text[0] not in _HEADING_FIRST:
        return None
    for level, pattern in _LEVELS:
        m = pattern.match(text)
        if m:
            rest = text[m.end():]
            end = _PHRASE_END.search(rest)
            phrase = rest[:end.start()] if end else rest
            return (level, phrase[:HEADING_PHRASE_MAX]) if phrase else None
    return None


def _role(phrase: str) -> str | None:
    if _CONDITIONS.search(phrase):
        return "conditions"
    if _REVIEW.search(phrase) and not _GOALS.search(phrase):
        return "review"
    if _GOALS.search(phrase):
        return "goals"
    if _TASKS.search(phrase):
        return "tasks"
    return None


def heading_year(phrase: str) -> tuple[int | None, int | None]:
    """The year a part's heading dates it by: 2026年重点工作 -> 2026; “十四五”时期主要目标 -> 2025 from 2021
    (the later plan where it names two); a range (2024—2026年) -> its end."""
    periods = [tables.FIVE_YEAR_PLANS[m.group(1) or m.group(2)] for m in _PERIOD.finditer(phrase)]
    if periods:  # “十三五”时期发展成就和“十四五”时期主要目标任务 looks ahead to 2025
        start, end = max(periods, key=lambda p: p[1])
        return end, start
    years = [d for d in find_dates(phrase) if d.due]
    if years:
        last = max(years, key=lambda d: d.due)
        return last.due.year, last.due_from.year if last.due_from else None
    return None, None


def _names_year_after(text: str, year: int | None) -> bool:
    """A paragraph naming a year after the report's (1997年原煤年产量达到13亿吨 in 1993) looks ahead."""
    return year is not None and any(int(y) > year for y in _YEAR.findall(text))


def sections(lines: list[Line], issued: dt.date | None, genre_name: str,
             period: tuple[int | None, int | None]) -> dict[int, Section]:
    """The section each line of an article belongs to, by line number (lines outside any stated part are
    absent, but in a work report a paragraph that does not look ahead is read as review). A goals or tasks
    part with no year of its own takes the article's period, else, in a work report, the year it was
    delivered (今年)."""
    out: dict[int, Section] = {}
    open_parts: list[tuple[int, Section | None]] = []  # (level, section) from the outermost heading in
    report_year = issued.year if issued and genre_name == "work_report" else None
    current: Section | None = None
    tasks_at: dict[int, Section] = {}  # the last tasks part opened at each heading level
    reviewed_at: dict[int, Section] = {}  # the last outermost review part opened at each heading level
    conditions: Section | None = None  # a conditions list opened by a lead-in, while its items go on
    # a work report's year ahead: from the paragraph stating its year's goals (今年…主要预期目标是) on, its parts with
    # no stated role are that year's tasks, until a review part (…一鼓作气勇争先 after the goals: the tasks)
    year_ahead: Section | None = None
    for line in lines:
        text = line.text.strip()
        if not text:
            continue
        if conditions is not None and _LIST_ITEM.match(text):
            out[line.number] = conditions
            continue
        conditions = None
        tail = text[-30:]
        if ("条件" in tail or "资格要求" in tail) and _CONDITIONS_LEAD_IN.search(tail):  # every lead-in says one
            conditions = Section("conditions", line.number)  # family: conditions lists (…须同时符合以下条件：)
        heading = heading_level(text)
        if heading is not None:
            level, phrase = heading
            while open_parts and open_parts[-1][0] >= level:
                open_parts.pop()
            role = _role(phrase)
            enclosing = next((s for _, s in reversed(open_parts) if s is not None), None)
            if role == "tasks" and enclosing is not None and enclosing.role == "review":
                role = None  # （三）聚焦重点领域…深化改革 under 一、过去五年工作回顾: what was done, still review
            if role is None and "工作" in phrase and _YEAR.search(phrase):
                role = "tasks"  # 三、2011年的工作
            sibling = tasks_at.get(level)
            if role is None and genre_name == "work_report" and sibling is not None:
                role = "tasks"  # 三、把改革开放扎实推向纵深, after 二、2015年工作总体部署: this year's work goes on
            after_review = reviewed_at.get(level)
            if role is None and genre_name == "work_report" and sibling is None and after_review is not None:
                role = "tasks"  # 二、坚持实行扩大内需的方针, after 一、1999年国内工作回顾: the next year's work begins
            if role is None and year_ahead is not None:
                role = "tasks"  # （一）壮大实体经济，推动高质量发展, after 今年…主要预期目标是: this year's work
            if role == "review":
                year_ahead = None
            section = None
            if role:
                year, year_from = heading_year(phrase)
                own_year = year
                if role not in ("review", "conditions") and year is None:
                    year, year_from = period[1] or report_year, period[0]
                    parent = next((s for _, s in reversed(open_parts) if s and s.role != "review" and s.year), None)
                    if parent:
                        year, year_from = parent.year, parent.year_from
                if role == "tasks" and year is None and sibling is not None:
                    year, year_from = sibling.year, sibling.year_from
                if (role == "tasks" and sibling is None and after_review is not None and after_review.year
                        and own_year is None):
                    year, year_from = after_review.year + 1, None  # the year after the one reviewed
                section = Section(role, line.number, year, year_from)
                if role == "tasks":
                    tasks_at[level] = section
                if role == "review" and not enclosing:
                    reviewed_at[level] = section
            elif open_parts and open_parts[-1][1] is not None:
                section = open_parts[-1][1]  # an unnamed sub-heading stays in its part
            open_parts.append((level, section))
            current = next((s for _, s in reversed(open_parts) if s is not None), None)
        if text[0] in _REVIEW_FIRST and (current is None or current.role != "review") and _REVIEW_LEAD_IN.match(text):
            out[line.number] = Section("review", line.number)
            continue
        lead_in = "目标" in text[:60] and _GOAL_LEAD_IN.search(text[:60])
        if lead_in and (current is None or current.role == "review"):
            year = (current.year if current and current.role != "review" else None) or period[1] or report_year
            out[line.number] = Section("goals", line.number, year, period[0])
            if genre_name == "work_report" and year and year == report_year:
                year_ahead = Section("tasks", line.number, year)
            continue
        if current is not None:
            out[line.number] = current
        elif year_ahead is not None:
            out[line.number] = year_ahead
        elif genre_name == "work_report" and not _AHEAD.search(text) and not _names_year_after(text, report_year):
            out[line.number] = Section("review", line.number)  # a report's paragraph that does not look ahead
    return out
