"""Dates: find date and period expressions in a normalized line and parse them.

A `DateExpr` carries the last day it covers (到2026年底 -> 2026-12-31), its precision, the start of
a stated period (2026年起), a recurrence (每年2月底前) and the role the surrounding words give it:
'by' (…前: a deadline or a goal's date), 'target' (到/至…: a goal's horizon), 'from' (…起), or
'plain' (a date mentioned, e.g. when a meeting was held).
"""
from __future__ import annotations

import calendar
import functools
import datetime as dt
import re
from dataclasses import dataclass

from pipeline.extract.numbers import parse_numeral
from pipeline.patterns import tables


@dataclass
class DateExpr:
    start: int
    end: int
    due: dt.date | None
    precision: str | None  # day | month | quarter | year
    role: str  # by | target | from | plain
    due_from: dt.date | None = None
    recurrence: str | None = None
    recurrence_rule: str | None = None
    period: tuple[int, int] | None = None  # a span of years (十五五, 2024—2026年)


def month_end(year: int, month: int) -> dt.date:
    return dt.date(year, month, calendar.monthrange(year, month)[1])


def safe_date(year: int, month: int, day: int) -> dt.date | None:
    try:
        return dt.date(year, month, day)
    except ValueError:
        return None


_XUN_FIRST_DAY = {"上旬": 1, "中旬": 11, "下旬": 21}
_QUARTER = {"一": 1, "二": 2, "三": 3, "四": 4, "1": 1, "2": 2, "3": 3, "4": 4}
_Y = r"(?P<y>(?:19|20)\d{2})年"
_BY = (r"(?P<by>(?:[)）](?=以前|之前|前))?"  # （北京时间2019年12月16日16时)前: a bracketed date, then 前
       r"(?:以前|之前|前(?![一二三四五六七八九十两\d]+(?:个月|季度|月|年|天|周)|后)|止))?")  # 2025年前三季度 is a span
_LEAD = r"(?P<lead>力争到|力争在|力争|到|至|截至|截止到|截止于|截止|自|从|于|在)?"
_MONTH = r"1[0-2]|0?[1-9]"
_DAY = r"3[01]|[12]\d|0?[1-9]"
# a day of the month, its 日 or 号 left out right before 前 (于11月20前报送, as hurried notices write it)
_DAY_OF = rf"(?P<d>{_DAY})(?:[日号]|(?=(?:以前|之前|前)(?!后)))"
_WEEKDAY = (r"(?:[（(](?:星期|周)[一二三四五六日天][)）])?"  # 2026年7月31日（星期五）前
            r"(?:(?:上午|下午|中午|晚上)?\d{1,2}(?:[:：]\d{2}|时|点)(?:\d{1,2}分|半)?)?")  # …17:00前, 下午5点前

ABSOLUTE = re.compile(
    r"(?=[力到至截自从于在12])" + _LEAD + _Y +  # the lookahead skips every other character at once
    r"(?:"
    rf"(?P<m>{_MONTH})月(?:{_DAY_OF}|(?P<mend>底|末|份)|(?P<xun>上旬|中旬|下旬))?"
    r"|(?P<yend>年底|年末|底|末)"
    r"|(?P<early>年初|初)(?![级中步赛审稿选])"  # 2019年初开始执行: the year's first quarter (初级, 初中: a word)
    r"|(?P<half>上半年|下半年)"
    r"|第?(?P<q>[一二三四1-4])季度(?P<qend>末|底)?"
    r")?" + _WEEKDAY + r"(?P<from>起|开始|以来)?" + _BY
)

# "申报时间：2026年7月1日—7月31日": a window; under a submission label its end is a deadline
DAY_RANGE = re.compile(  # (its start may be a third of a month: 2025年9月下旬至2025年12月20日)
    rf"(?P<y>(?:19|20)\d{{2}})年(?P<m>{_MONTH})月(?:(?P<d>{_DAY})[日号]|(?P<xun>上旬|中旬|下旬))" + _WEEKDAY +  # 2019年7月10日8:00至8月9日16:00
    rf"(?:—|-|–|~|～|至|到)(?:(?P<y2>(?:19|20)\d{{2}})年)?(?:(?P<m2>{_MONTH})月)?(?P<d2>{_DAY})[日号]" + _WEEKDAY
)
# "2026年5月至6月，组织专家开展评审": a window of months, due at the end of the last
MONTH_RANGE = re.compile(
    rf"(?P<y>(?:19|20)\d{{2}})年(?P<m>{_MONTH})月(?:—|-|–|~|～|至|到)(?:(?P<y2>(?:19|20)\d{{2}})年)?(?P<m2>{_MONTH})月(?!\d|份)"
    r"(?P<mend>底|末)?")
_WINDOW_LABEL = re.compile(r"(?:申报|报名|受理|征集|提交|报送|推荐|申请)(?:时间|日期|期限|截止时间)[为是：:]?\s*$")
# A window under an event's label (房交会时间：…, 时间：… under 一、时间地点) dates the event, not a duty
_EVENT_LABEL = re.compile(r"(?:^|[\s、.．)）:：])(?:[\u4e00-\u9fff]{0,4}(?:会|展|节|赛|论坛|活动|展示|举办))?时间[为是]?[：:]\s*$")
# A window is a schedule (a deadline at its end) unless it dates an event: 2025年11月3日至5日召开…
EVENT_AFTER = re.compile(r"[^。；]{0,20}?(?:召开|举办|举行|开幕|闭幕|会议|论坛|博览会|展览|调研|访问)")
# "请于6月30日前": a month and day with no year, in the year the text was issued
MONTH_DAY_BY = re.compile(rf"(?<![\d年])(?P<m>{_MONTH})月(?:{_DAY_OF}|(?P<mend>底|末)|(?P<xun>上旬|中旬|下旬))"
                          + _WEEKDAY + r"(?:(?P<by>以前|之前|前|(?<=[底末])(?=完成|报送|出台|印发|启动|上线|建成))|(?P<since>起))")
# "报名时间为9月1日至9月15日", "即日起至8月22日": a window without a year, in the year the text was issued
YEARLESS_WINDOW = re.compile(rf"(?:(?<![\d年])(?P<m>{_MONTH})月(?P<d>{_DAY})[日号]|(?:起|开始))(?:—|-|–|~|～|至|到)"
                             rf"(?:(?P<m2>{_MONTH})月)?(?P<d2>{_DAY})[日号]")
# "上半年，各地完成…": a half-year or quarter of the issue year opening a sentence
PERIOD_OPENING = re.compile(r"(?:^|(?<=[。；;]))(?P<half>上半年|下半年)?(?:第?(?P<q>[一二三四])季度)?(?=，|,)")

RECURRING = re.compile(
    r"(?P<every>每年度|每年|每半年|每个?季度|每个?月|次月)"  # 次月10日前申报: the month after each month, every month
    rf"(?:(?P<m>{_MONTH})月(?:(?P<d>{_DAY})[日号]|(?P<mend>底|末))?"
    rf"|(?P<md>{_DAY})[日号]"
    r"|第?(?P<q>[一二三四1-4])季度"
    r"|(?P<half>上半年|下半年|年底|年末|末|底))?"
    r"(?P<by>以前|之前|前)?"
)

PLAN_PERIOD = re.compile(r"(?P<a>(?:19|20)\d{2})(?:年)?(?:—|-|–|~|～|至|到)(?P<b>(?:19|20)\d{2})年")
# Five-year plans: “十四五”, 十五五期间, “七五” (short names below 十一 only in quotes: 十五 is also fifteen), 第六个五年计划
FIVE_YEAR = re.compile(r"(?:[“\"](?P<quoted>[一二三四五六七八九十]{1,2}五)[”\"]|(?P<plan>十[一二三四五六]五)|第(?P<nth>[一二三四五六七八九十]{1,3})个五年计划)"
                       r"(?P<tail>期间|末|时期|初)?")
_WINDOW_START = re.compile(r"(?:起|开始|\)|）)$")  # 起至 / 起到: the expression's own lead is 至 or 到
# 从12月15日开始，到2026年3月15日结束: a window's end after a comma, when the clause says it ends there
_WINDOW_START_CLAUSE = re.compile(r"(?:起|开始)[，,]$")
_WINDOW_END = re.compile(r"(?:结束|为止|止)")
_NOT_LATER = re.compile(r"不(?:迟|晚)于?$")
# Family: comparison bases. A date a quantity is measured against (比“十一五”末提高0.55个百分点, 较2020年下降,
# 与2015年相比, 是“十一五”末的5.1倍) is a past reference point, never the date a goal is due.
_COMPARED_BY = re.compile(r"(?:比|较|相对于|相较于?)$")
_COMPARED_WITH = re.compile(r"(?:与|同|和)$")
_COMPARISON_AFTER = re.compile(r"(?:水平)?(?:相比|比较|持平)")
_MULTIPLE_OF = re.compile(r"的[\d.]+倍")
RELATIVE_DATE = re.compile(
    r"(?P<lead>力争到|到|至|于|在)?"
    r"(?:(?P<within>(?:今年|本年度?|当年)内|年内|年底前)"  # first: 今年内 is not 今年 alone
    r"|(?P<rel>今年|本年|当年|明年|次年)"
    rf"(?:(?P<m>{_MONTH})月(?:(?P<d>{_DAY})[日号]|(?P<mend>底|末))?"
    r"|(?P<yend>年底|年末|底)|第?(?P<q>[一二三四1-4])季度(?:末|底)?|(?P<half>上半年|下半年))?"
    rf"|本月(?:(?P<md>{_DAY})[日号]|(?P<mdend>底|末)))"
    r"(?P<by>以前|之前|前)?(?P<since>起)?"
)
# "12月，…将开展…": a month without a year opening a sentence, in a dated text; facts.py decides whether it
# schedules a task
# "于6月5日发出《录取通知书》": a month and day with no year after 于/在, with no 前 or 起 (an act dated to that day;
# facts.py decides whether an action follows)
YEARLESS_AT = re.compile(rf"(?<=[于在])(?P<m>{_MONTH})月(?P<d>{_DAY})[日号](?!前|以前|之前|起|至|到|—|-|－|~|～)")
# "（一）启动部署（4月）。", "（三）现场监管及问题处置（6月—8月）。": a step of a schedule, its months in brackets after its name
STEP_MONTHS = re.compile(rf"^\s*(?:[（(][一二三四五六七八九十]{{1,3}}[)）]|[一二三四五六七八九十]{{1,3}}、|\d{{1,2}}[.、．])[^，。；（()]{{2,20}}"
                         rf"[（(](?P<m>{_MONTH})月(?:(?:—|-|–|~|～|至|到)(?P<m2>{_MONTH})月)?[)）]")
# "截止日期由2025年3月31日调整至6月30日": a date moved to a yearless day is due then
MOVED_TO = re.compile(rf"(?<=(?:调整|延长|推迟|延期|顺延)[至到])(?P<m>{_MONTH})月(?P<d>{_DAY})[日号]")
MONTH_OPENING = re.compile(rf"(?:^|(?<=[。；;]))(?P<m>{_MONTH})月(?:(?P<d>{_DAY})[日号]|(?P<part>上旬|中旬|下旬|底|末))?(?=，|,)")
# Schedule fields of task lists and notices: 完成时限：2026年6月底前, 时间节点：2026年12月
_SCHEDULE_LABEL = re.compile(r"(?:完成时限|时间节点|完成时间|办结时限|完成期限|工作时限|时间要求|进度安排|截止时间|截止日期)[为是：:]?\s*$")
# 到本世纪中叶: the horizon of staged national goals (2050)
MID_CENTURY = re.compile(r"(?P<lead>到|至)?本世纪中叶")
RELATIVE_YEARS = re.compile(r"(?P<lead>未来|今后|此后)(?P<n>[一二三四五六七八九十两]|\d)年")


@functools.lru_cache(maxsize=8192)
def find_dates(text: str) -> tuple[DateExpr, ...]:
    """Every date or period expression in a normalized line, left to right, without overlaps.

    Cached: a line is asked several times (its goals, its relatives, its sentences); callers must
    not change what it returns."""
    if ("年" not in text and "每" not in text and "十" not in text and "世纪" not in text and "五”" not in text
            and "次月" not in text):
        return ()  # every expression below has one of these: most lines of a long text have none
    found: list[DateExpr] = []
    taken: list[tuple[int, int]] = []

    def add(expr: DateExpr) -> None:
        if any(expr.start < e and s < expr.end for s, e in taken):
            return
        taken.append((expr.start, expr.end))
        found.append(expr)

    for m in PLAN_PERIOD.finditer(text):
        a, b = int(m.group("a")), int(m.group("b"))
        if a <= b:
            lead = text[max(0, m.start() - 1):m.start()]
            role = "target" if lead in ("到", "至") else "plain"
            add(DateExpr(m.start(), m.end(), dt.date(b, 12, 31), "year", role, due_from=dt.date(a, 1, 1), period=(a, b)))
    for m in DAY_RANGE.finditer(text):
        first = safe_date(int(m.group("y")), int(m.group("m")), int(m.group("d") or _XUN_FIRST_DAY[m.group("xun")]))
        last = safe_date(int(m.group("y2") or m.group("y")), int(m.group("m2") or m.group("m")), int(m.group("d2")))
        if first and last and first <= last:
            labelled = _WINDOW_LABEL.search(text, 0, m.start())
            event = not labelled and _EVENT_LABEL.search(text, 0, m.start())
            role = "by" if labelled or not (EVENT_AFTER.match(text, m.end()) or event) else "plain"
            add(DateExpr(m.start(), m.end(), last, "day", role, due_from=first))
    for m in MONTH_RANGE.finditer(text):
        year2 = int(m.group("y2") or m.group("y"))
        first, last = dt.date(int(m.group("y")), int(m.group("m")), 1), month_end(year2, int(m.group("m2")))
        if first < last:
            role = "plain" if EVENT_AFTER.match(text, m.end()) else "by"
            add(DateExpr(m.start(), m.end(), last, "month", role, due_from=first))
    for m in ABSOLUTE.finditer(text):
        expr = _parse_absolute(m, text)
        if expr:
            add(expr)
    for m in RECURRING.finditer(text):
        expr = _parse_recurring(m)
        if expr:
            add(expr)
    for m in FIVE_YEAR.finditer(text):
        plan = m.group("quoted") or m.group("plan") or m.group("nth") + "五"
        if plan not in tables.FIVE_YEAR_PLANS:
            continue
        a, b = tables.FIVE_YEAR_PLANS[plan]
        lead = text[max(0, m.start() - 1):m.start()]
        # 到"十五五"末 and "十五五"期间 frame a goal; "十五五"时期 only names the period
        role = "target" if lead in ("到", "至") or m.group("tail") in ("末", "期间") else "plain"
        add(DateExpr(m.start(), m.end(), dt.date(b, 12, 31), "year", role, due_from=dt.date(a, 1, 1), period=(a, b)))
    if "本世纪" in text:
        for m in MID_CENTURY.finditer(text):
            add(DateExpr(m.start(), m.end(), dt.date(2050, 12, 31), "year", "target" if m.group("lead") else "plain"))
    for expr in found:
        if expr.role == "plain" and expr.precision and _schedule_field(text, expr):
            expr.role = "by"  # 完成时限：2026年12月, or a date alone in a task table's cell
        elif expr.role == "target" and expr.precision and (
                _WINDOW_START.search(text, 0, expr.start)
                or (_WINDOW_START_CLAUSE.search(text, 0, expr.start) and _WINDOW_END.match(text, expr.end))):
            expr.role = "by"  # 自2024年8月15日起至2024年12月31日, 即日起至…: a window's end
        elif expr.role in ("plain", "target") and expr.precision and _NOT_LATER.search(text, 0, expr.start):
            expr.role = "by"  # 不迟于2026年9月30日
        if expr.role in ("plain", "target") and comparison_base(text, expr):
            expr.role = "past"
    found.sort(key=lambda e: e.start)
    return tuple(found)


def comparison_base(text: str, expr: DateExpr) -> bool:
    """Whether the date is what a quantity is compared with (family: comparison bases)."""
    before = text[max(0, expr.start - 4):expr.start]
    return bool(_COMPARED_BY.search(before)
                or (_COMPARED_WITH.search(before) and _COMPARISON_AFTER.match(text, expr.end))
                or (before.endswith("是") and _MULTIPLE_OF.match(text, expr.end)))


def _schedule_field(text: str, expr: DateExpr) -> bool:
    """A date under a schedule label, or alone in a tab-separated cell of a row that says more; a year
    alone counts only as a year end (2026年底)."""
    if _SCHEDULE_LABEL.search(text, 0, expr.start):
        return True
    cell = (expr.start == 0 or text[expr.start - 1] == "\t") and (expr.end == len(text.rstrip()) or text[expr.end] == "\t")
    return cell and "\t" in text and (expr.precision != "year" or text[expr.start:expr.end].endswith(("底", "末")))


def find_relative_dates(text: str, issued: dt.date | None) -> list[DateExpr]:
    """'今年10月底前', '本月25日前', '年内', '6月30日前': dates counted from the day the text was issued."""
    if issued is None or ("月" not in text and "年" not in text and "季" not in text and "日" not in text):
        return []
    found = []
    for m in MONTH_OPENING.finditer(text):
        month = int(m.group("m"))
        due = safe_date(issued.year, month, int(m.group("d"))) if m.group("d") else month_end(issued.year, month)
        if due and due >= issued.replace(day=1):
            found.append(DateExpr(m.start(), m.end(), due, "day" if m.group("d") else "month", "plain"))
    for m in YEARLESS_WINDOW.finditer(text):
        month2 = int(m.group("m2") or m.group("m") or 0) or (issued.month if not m.group("m") else 0)
        due = safe_date(issued.year, month2, int(m.group("d2"))) if month2 else None
        if due and due < issued:
            later = safe_date(due.year + 1, due.month, due.day)
            due = later if later and (later - issued).days <= 183 else due
        if due:
            first = safe_date(due.year, int(m.group("m")), int(m.group("d"))) if m.group("m") else None
            role = "plain" if EVENT_AFTER.match(text, m.end()) else "by"
            found.append(DateExpr(m.start("m") if m.group("m") else m.start() + 1, m.end(), due, "day", role,
                                  due_from=first if first and first <= due else None))
    for m in MONTH_DAY_BY.finditer(text):
        if any(e.start <= m.start() < e.end for e in found):
            continue
        due, precision = _point_in_year(issued.year, m)
        if due and due < issued:
            later = safe_date(due.year + 1, due.month, due.day)  # 1月15日前 in a November notice
            due = later if later and (later - issued).days <= 183 else due  # 6月1日前 in a September one: past
        if due:
            found.append(_month_day_expr(m, due, precision))  # 自7月1日起施行, 请于6月30日前
    for pattern, role in ((YEARLESS_AT, "plain"), (MOVED_TO, "by")):  # 于6月5日发出…, 由…调整至6月30日
        for m in pattern.finditer(text):
            if any(e.start <= m.start() < e.end for e in found):
                continue
            due = safe_date(issued.year, int(m.group("m")), int(m.group("d")))
            if due and due >= issued:  # in the issue year, still ahead: no guess at a year for one already past
                found.append(DateExpr(m.start(), m.end(), due, "day", role))
    step = STEP_MONTHS.match(text)
    if step:
        first, last = int(step.group("m")), int(step.group("m2") or step.group("m"))
        if first <= last and month_end(issued.year, last) >= issued.replace(day=1):
            found.append(DateExpr(step.start("m") - 1, step.end(), month_end(issued.year, last), "month", "by",
                                  due_from=dt.date(issued.year, first, 1) if first < last else None))
    if "年" in text or "季度" in text:
        for m in PERIOD_OPENING.finditer(text):
            if m.group("q"):
                found.append(DateExpr(m.start(), m.end(), month_end(issued.year, _QUARTER[m.group("q")] * 3), "quarter", "plain"))
            elif m.group("half"):
                found.append(DateExpr(m.start(), m.end(), month_end(issued.year, 6 if m.group("half") == "上半年" else 12),
                                      "month", "plain"))
    if not any(word in text for word in ("今年", "本年", "当年", "明年", "次年", "本月", "年内", "年底前")):
        return found
    for m in RELATIVE_DATE.finditer(text):
        if m.group("within"):
            if text[max(0, m.start("within") - 1):m.start("within")] in set("0123456789一二三四五六七八九十两半几数多"):
                continue  # 2026年底前 is an absolute date, 三年内 a duration
            role = "by" if m.group("within") == "年底前" else "target"  # 年内完成100家: a goal for this year
            found.append(DateExpr(m.start(), m.end(), dt.date(issued.year, 12, 31), "year", role))
            continue
        if m.group("md") or m.group("mdend"):
            due = safe_date(issued.year, issued.month, int(m.group("md"))) if m.group("md") else month_end(issued.year, issued.month)
            precision = "day" if m.group("md") else "month"
        else:
            if not any(m.group(g) for g in ("m", "q", "half", "yend")) and (m.group("rel") not in ("明年", "次年")
                                                                              or m.group("since")):
                continue  # 今年 alone names the year, it sets no date (明年 alone dates a step: 明年扩大到…)
            due, precision = _point_in_year(issued.year + (1 if m.group("rel") in ("明年", "次年") else 0), m)
        if due is None:
            continue
        lead = m.group("lead") or ""
        if m.group("since"):
            found.append(_start_expr(m, due, precision))
            continue
        role = "by" if m.group("by") else "target" if lead in ("到", "至", "力争到") else "plain"
        found.append(DateExpr(m.start(), m.end(), due, precision, role))
    return found


def yearless_after_dated(text: str, dates: tuple[DateExpr, ...]) -> list[DateExpr]:
    """'2023年3月上旬前完成报名；4月上旬前完成面试；12月底前办理入职': a month without a year after a dated
    one in the same sentence is in that date's year, and after a yearly one (每年2月底前…，3月底前…) every year
    (family: yearless dates). It holds whether or not the
    text's issue date is known, and before the issue-year reading, which a schedule crossing a new year
    gets wrong."""
    dated = [d for d in dates if (d.due and d.precision in ("day", "month", "quarter", "year") and not d.recurrence)
             or d.recurrence == "yearly"]
    if not dated or "月" not in text:
        return []
    found = []
    for m in MONTH_DAY_BY.finditer(text):
        before = [d for d in dated if d.end <= m.start() and not _SENTENCE_END.search(text, d.end, m.start())]
        if not before or any(d.start <= m.start() < d.end for d in dates):
            continue
        if before[-1].recurrence:  # 每年2月底前…，3月底前…: every year too
            found.append(DateExpr(m.start(), m.end(), None, None, "by", recurrence="yearly", recurrence_rule="每年" + m.group(0)))
            continue
        due, precision = _point_in_year(before[-1].due.year, m)
        if due is None or due < before[-1].due.replace(day=1):
            continue  # 2023年12月…，3月底前: which year is not stated
        found.append(_month_day_expr(m, due, precision))
    return found


_SENTENCE_END = re.compile("[。！？!?]")  # a schedule's steps run on over ；, so it does not end a sentence here


def _start_expr(m: re.Match, due: dt.date, precision: str) -> DateExpr:
    """自7月1日起: a start, dated to the day when its day is named, else from its month's first day."""
    day = precision == "day"
    return DateExpr(m.start(), m.end(), due if day else None, "day" if day else None, "from",
                    due_from=due if day else due.replace(day=1))


def _month_day_expr(m: re.Match, due: dt.date, precision: str) -> DateExpr:
    """A MONTH_DAY_BY match: a start (…起) or a date to act by (…前)."""
    return _start_expr(m, due, precision) if m.group("since") else DateExpr(m.start(), m.end(), due, precision, "by")


def _point_in_year(year: int, m: re.Match) -> tuple[dt.date | None, str]:
    """The last day a match's day, month, half-year or quarter covers in `year`; else the year's end."""
    if m.group("d"):
        return safe_date(year, int(m.group("m")), int(m.group("d"))), "day"
    xun = m.groupdict().get("xun")
    if m.group("m") and xun and xun != "下旬":
        return safe_date(year, int(m.group("m")), 10 if xun == "上旬" else 20), "month"  # 6月中旬: by the 20th
    if m.group("m"):
        return month_end(year, int(m.group("m"))), "month"
    if m.group("half"):
        return (dt.date(year, 6, 30) if m.group("half") == "上半年" else dt.date(year, 12, 31)), "month"
    if m.group("q"):
        return month_end(year, _QUARTER[m.group("q")] * 3), "quarter"
    if m.groupdict().get("early"):
        return dt.date(year, 3, 31), "quarter"
    return dt.date(year, 12, 31), "year"


# The cut-off of an application written as a label (受理购房补贴申请截止日期调整为2025年6月30日): a date to act by
_CUTOFF_LABEL = re.compile(r"(?:申请|受理|申报|报名|提交|报送|征集|递交|结算|兑付|兑现|核销)[^，。；,;]{0,10}截止(?:日期|时间)(?:调整|延长|顺延)?(?:为|是|至|到|[：:])?$")
# 截至 after what applicants or staff do (申请/受理/报名…时间截至…) closes a window; elsewhere it is "as of".
_APPLICATION_CUTOFF = re.compile(r"(?:申请|受理|报名|申报|提交|征集|报送|递交)[^，。；,;]{0,6}$")


_GOALS_OF_YEAR = re.compile(r"的?(?:主要|发展|总体|工作|具体)?(?:预期)?目标(?:任务)?(?:是|为)?[：:]")


def _parse_absolute(m: re.Match, text: str) -> DateExpr | None:
    year = int(m.group("y"))
    lead, by, since = m.group("lead") or "", m.group("by"), m.group("from")
    due, precision = _point_in_year(year, m)
    if due is None:
        return None
    if text[m.end():m.end() + 1] in ("度",) and precision == "year":
        return DateExpr(m.start(), m.end() + 1, due, precision, "plain")  # 2026年度: a fiscal year named
    if since in ("起", "开始") and lead not in ("到", "至"):
        start = _period_start(year, m, precision, due)
        return DateExpr(m.start(), m.end(), due if precision == "day" else None,
                        "day" if precision == "day" else None, "from", due_from=start)
    if lead.startswith("截止") or _CUTOFF_LABEL.search(text, max(0, m.start() - 20), m.start()):
        return DateExpr(m.start(), m.end(), due, precision, "by")  # 申报截止到2026年6月30日 (截至…: as of); 受理…申请截止日期调整为…
    if lead.startswith("截至") and _APPLICATION_CUTOFF.search(text, max(0, m.start() - 10), m.start()):
        return DateExpr(m.start(), m.end(), due, precision, "by")  # 补贴申请受理时间截至2024年3月31日: a cut-off to act by
    if since == "以来" or lead.startswith("截"):
        return DateExpr(m.start(), m.end(), due, precision, "past")
    if by and by != "止" or (by == "止" and lead in ("到", "至")):
        role = "by"
    elif lead in ("到", "至", "力争到", "力争在", "力争") or (precision == "year" and _GOALS_OF_YEAR.match(text, m.end())):
        role = "target"  # 到2027年; 2025年的主要目标是：… (the year a goals lead-in names)
    else:
        role = "plain"
    return DateExpr(m.start(), m.end(), due, precision, role)


def _period_start(year: int, m: re.Match, precision: str, due: dt.date) -> dt.date:
    if precision == "day":
        return due
    if m.group("m"):
        return dt.date(year, int(m.group("m")), 1)
    return dt.date(year, 1, 1)


def _parse_recurring(m: re.Match) -> DateExpr | None:
    every = m.group("every")
    recurrence = tables.RECURRENCE.get(every.replace("年度", "年"), "yearly")
    has_point = any(m.group(g) for g in ("m", "md", "q", "half"))
    if not has_point and not m.group("by"):
        return None  # "每年" alone is a frequency word, not a due date
    if every == "次月" and not (m.group("by") or m.string.startswith("内", m.end())):
        return None  # 投产月的次月1日到…: where a count starts, not a monthly due date
    rule = m.group(0)
    return DateExpr(m.start(), m.end(), None, None, "by", recurrence=recurrence, recurrence_rule=rule)


def horizon_from_relative_years(text: str, issued: dt.date | None) -> DateExpr | None:
    """'未来五年' from the issue date: a text of the year's first half (a work report in March, a plan
    dated only by its year) counts its own year first (2016 -> 2016..2020); a later one starts the next
    year (December 2025 -> 2026..2030)."""
    m = RELATIVE_YEARS.search(text)
    if not m or issued is None:
        return None
    n = parse_numeral(m.group("n"))
    if not n:
        return None
    start = issued.year + (issued.month > 6)
    end = start + int(n) - 1
    return DateExpr(m.start(), m.end(), dt.date(end, 12, 31), "year", "target", due_from=dt.date(start, 1, 1), period=(start, end))
