"""Stage 2: split a bulletin into its articles.

The table of contents (目录 / 本期要目) names the articles; each is found again as a heading in
the body, even when the heading breaks over two lines. Interpretations (解读) missing from the
table of contents are found by their heading. Without a table of contents, markdown headings of
level 1-2 and the first line stand in.
"""
from __future__ import annotations

import datetime as dt
import re

from pipeline.extract.dates import PLAN_PERIOD, safe_date
from pipeline.extract.numbers import parse_numeral
from pipeline.model import Article
from pipeline.read import Document, Line

TOC_HEADINGS = {"目录", "本期要目", "要目", "本期目录"}
_TOC_ENTRY = re.compile(r"^(?:[-*•]\s*)?(?:(?P<lead>\d{1,3})\s+)?(?P<title>.+?)(?:\s*(?:[.…·]{2,}|\t| {2,})\s*(?P<page>\d{1,3}))?\s*$")
_NOISE = re.compile(r"[\s《》“”\"'()（）|｜·:：\-—_*#.…、，,!！?？\[\]【】]")
DOC_NUMBER = re.compile(r"[\u4e00-\u9fff]{1,12}\s?[〔\[［(（]\s*(?:19|20)\d{2}\s*[〕\]］)）]\s*\d{1,4}\s*号")
# DOC_NUMBER's tail: searching for it first spares the backtracking DOC_NUMBER does at every Chinese character
# of a text that has no document number (most of them)
_DOC_NUMBER_TAIL = re.compile(DOC_NUMBER.pattern.removeprefix(r"[\u4e00-\u9fff]{1,12}"))
# Per-line patterns below are tried only on lines holding a word each needs (日, 来源, 解读): most lines have none
STANDALONE_DATE = re.compile(r"^[(（]?\s*((?:19|20)\d{2})年(\d{1,2})月(\d{1,2})日\s*[)）]?$")
PLAN_YEARS = re.compile(r"(?P<n>[一二三四五六七八九十]|(?<!\d)\d{1,2})年行动(?:计划|方案)")  # not 2026年行动计划's 26
INTERPRETATION_HEADING = re.compile(r"^(?:#+\s*)?(?:政策)?解读\s*[|｜:：丨]")
# A preamble naming the text it opens (…，制定本意见。 …，现提出如下实施意见：), read when it stands as the title
SELF_NAMED = re.compile(r"(?:制定|制订|出台|提出)(?:本|如下|以下)[\u4e00-\u9fff]{0,4}?(?:意见|办法|方案|规划|计划|细则|规定|纲要|要点)[。：:]?$")
POLICY_WORDS = ("意见", "通知", "方案", "办法", "计划", "规划", "措施", "要点", "条例", "规定", "指南", "决定", "纲要", "细则", "政策")
NEWS_WORDS = ("会议", "召开", "主持", "座谈", "讲话", "发布会", "调研", "考察", "论坛", "大会", "下达")
REPORT_WORDS = ("报告", "展望", "白皮书", "蓝皮书", "指数", "研究", "观察", "分析", "综述")


def compact(text: str) -> str:
    return _NOISE.sub("", text)


def segment(doc: Document) -> list[Article]:
    """Articles in reading order, each with title, line range, kind, number, date and issuer mentions."""
    lines = doc.lines
    toc_start, toc_end, titles = _table_of_contents(lines)
    if titles and 2 * sum(1 for t in titles if _NUMBERED_PART.match(t)) >= len(titles):
        titles = []  # 目录 一、总体要求 （一）指导思想…: one text's own contents, its parts are no articles
    starts: list[tuple[int, str]] = []
    if titles:
        cursor = toc_end + 1
        for title in titles:
            found = _find_heading(lines, title, cursor)
            if found is not None:
                starts.append((found, title))
                cursor = found + 1
    body_from = toc_end + 1 if titles else 0
    for i in range(body_from, len(lines)):
        text = lines[i].text.strip()
        if "解读" in text and INTERPRETATION_HEADING.match(text) and len(text) < 80 and all(abs(i - s) > 2 for s, _ in starts):
            starts.append((i, text.lstrip("# ").strip()))
    first = _first_content_line(lines)
    if not starts:
        starts = (_dateline_headings(lines) or _markdown_headings(lines) or _plain_headings(lines) or [(first, "")])
    starts.sort()
    if not titles and starts[0][0] > first and _prose_chars(lines[first:starts[0][0]]) >= PREAMBLE_PROSE_CHARS:
        starts.insert(0, (first, ""))  # a notice's own body before its annexes' headings is an article, not lost
    firsts = [_editor_note_before(lines, index, starts[k - 1][0] if k else -1) for k, (index, _) in enumerate(starts)]
    articles = []
    for ordinal, (index, title) in enumerate(starts, start=1):
        end = firsts[ordinal] - 1 if ordinal < len(starts) else len(lines) - 1
        while end > index and not lines[end].text.strip():
            end -= 1
        heading = _heading_text(lines, index, title)
        article = _describe(Article(ordinal, heading, index + 1, end + 1), lines[index:end + 1])
        article.start_line = firsts[ordinal - 1] + 1
        previous = articles[-1] if articles else None
        if article.issued_on is None and previous and previous.issued_on and re.search(r"印发|转发", previous.title):
            # the plan a notice forwards (关于印发…的通知, then the plan) was issued with it
            article.issued_on, article.issued_precision = previous.issued_on, previous.issued_precision
        articles.append(article)
    return articles


# "来源：央视网《新闻联播》2025年11月24日 …": a news item's dateline, under its headline
DATELINE = re.compile(r"^(?:来源|发布时间|发布日期|发表时间|发文日期|印发日期|成文日期|时间)[:：][^。]{0,40}?((?:19|20)\d{2})(?:年|-|/|\.)(\d{1,2})(?:月|-|/|\.)(\d{1,2})")
# A feed's date line as news pages keep it (Tue, 08 Feb 2022 08:00:05 GMT): day, English month, year (reading
# drops the space between the year's digits and the time's)
RFC_DATELINE = re.compile(r"^(?:Mon|Tue|Wed|Thu|Fri|Sat|Sun), ?(\d{1,2}) (Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec) "
                          r"((?:19|20)\d{2}) ?\d{2}:\d{2}(?::\d{2})? ?(?:GMT|UTC|[+-]\d{4})$")
_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def _dateline_date(lines: list[Line]) -> dt.date | None:
    """The date a page's own date line gives (发布时间：2025-09-04, or a feed's Tue, 08 Feb 2022 08:00:05 GMT)."""
    for line in lines[:4]:
        text = line.text.strip()
        if m := DATELINE.match(text):
            return safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
        if m := RFC_DATELINE.match(text):
            return safe_date(int(m.group(3)), _MONTHS.index(m.group(2)) + 1, int(m.group(1)))
    return None


def _dateline_headings(lines: list[Line]) -> list[tuple[int, str]]:
    """A news compilation without a table of contents: each dateline's headline starts an article."""
    found = [(i - 1, lines[i - 1].text.strip()) for i in range(1, len(lines)) if DATELINE.match(lines[i].text.strip())]
    return found if len(found) >= 2 else []


def _editor_note_before(lines: list[Line], heading: int, previous: int) -> int:
    """Where an article begins: at its 编者按 when the editor's note stands right before the heading
    (after the previous article's （来源：…） line), else at the heading."""
    for j in range(heading - 1, max(previous, heading - 20), -1):
        text = lines[j].text.strip()
        if "编" in text and compact(text) in ("编者按", "编者的话"):
            return j
        if _SOURCE_LINE.match(text):
            break
    return heading


def _table_of_contents(lines: list[Line]) -> tuple[int, int, list[str]]:
    """(index of the 目录 line, index of its last entry, titles) or (-1, -1, [])."""
    for i, line in enumerate(lines[:200]):
        if "目" in line.text and compact(line.text) in TOC_HEADINGS:  # each heading has 目: compact only those
            titles: list[str] = []
            last = i
            j = i + 1
            while j < len(lines):
                text = lines[j].original.strip()  # the tab before a page number survives only here
                if not text:
                    j += 1
                    continue
                m = _TOC_ENTRY.match(text)
                is_entry = m and (m.group("page") or m.group("lead")) and len(compact(m.group("title"))) >= 2
                if is_entry:
                    titles.append(m.group("title").strip())
                    last = j
                elif titles and not _is_section_label(lines, j):
                    break
                j += 1
            if titles:
                return i, last, titles
            return _plain_table_of_contents(lines, i)
    return -1, -1, []


def _plain_table_of_contents(lines: list[Line], toc: int) -> tuple[int, int, list[str]]:
    """Entries without page numbers: the title-like lines after 目录 that the body repeats as headings."""
    candidates: list[tuple[int, str]] = []
    seen: set[str] = set()
    for j in range(toc + 1, min(toc + 80, len(lines))):
        text = lines[j].text.strip()
        if not text:
            continue
        key = compact(text)
        if len(key) < 4 or len(key) > 80 or text[-1] in "。；;，," or key in seen:
            break  # a sentence, or the first title again: the body has begun
        candidates.append((j, text))
        seen.add(key)
    titles, last, cursor = [], -1, (candidates[-1][0] + 1 if candidates else toc + 1)
    for j, text in candidates:
        if _find_heading(lines, text, cursor) is not None:
            titles.append(text)
            last = j
    return (toc, last, titles) if len(titles) >= 2 else (-1, -1, [])


def _is_section_label(lines: list[Line], j: int) -> bool:
    """Short group labels between entries (国策要论, 地方新政) keep the table of contents going."""
    text = compact(lines[j].text)
    if len(text) > 8:
        return False
    for k in range(j + 1, min(j + 4, len(lines))):
        nxt = lines[k].original.strip()
        if nxt:
            m = _TOC_ENTRY.match(nxt)
            return bool(m and (m.group("page") or m.group("lead")))
    return False


def _find_heading(lines: list[Line], title: str, cursor: int) -> int | None:
    """First body line at or after cursor that starts the title, possibly broken over lines."""
    target = compact(title)
    if len(target) < 2:
        return None
    for i in range(cursor, len(lines)):
        head = compact(lines[i].text)
        if not head or not target.startswith(head[: len(target)]) and not head.startswith(target):
            continue
        if len(head) < min(4, len(target)):
            continue
        joined, k = head, i + 1
        while len(joined) < len(target) and k < min(i + 4, len(lines)):
            joined += compact(lines[k].text)
            k += 1
        if joined.startswith(target) or head.startswith(target):
            return i
    return None


_MARKDOWN_HEADING = re.compile(r"^(#{1,2})\s+(.+)$")
_NUMBERED = re.compile(r"^[一二三四五六七八九十]+、")


def _markdown_headings(lines: list[Line]) -> list[tuple[int, str]]:
    heads = []
    for i, line in enumerate(lines):
        text = line.text.strip()
        m = _MARKDOWN_HEADING.match(text) if text.startswith("#") else None
        if m and len(m.group(2)) >= 6 and not _NUMBERED.match(m.group(2)):
            heads.append((i, m.group(2).strip()))
    return heads


_PUBLISHED = re.compile(r"(?=[联印发出])(?:联合)?(?:印发|发布|出台)(?:了)?《")  # the lookahead: a faster scan
_PUBLISHER = re.compile(r"[^，。；\n]{2,40}$")
_SOURCE_LINE = re.compile(r"^[（(]\s*来源\s*[:：]\s*(?P<who>[^）)]{2,40})[）)]$")  # （来源：河南省人民政府）
_SECTION_LABEL = re.compile(r"^[【\[［].{1,12}[】\]］]$")
_TITLE_END = re.compile(r"[。；;，,：:！!？?）)]$")
_SUB_PART = re.compile(r"[（(][一二三四五六七八九十]{1,3}[)）]")  # （一）
# A part of one text (一、总体要求, （二）基本原则, 第三章, 专栏2), as against a bulletin's articles (1. 关于…的通知)
_NUMBERED_PART = re.compile(r"^(?:(?:任务)?专栏\s*\d|第[一二三四五六七八九十百]+[章节条部分篇]|[一二三四五六七八九十]+[、．.]|%s)"
                            % _SUB_PART.pattern)


def _plain_headings(lines: list[Line]) -> list[tuple[int, str]]:
    """Without a table of contents or markdown: a short line after a blank (or a section label such
    as 【地方动态】) that ends in no punctuation and opens either a document (a number such as
    苏工信中小〔2026〕56号 within two lines) or a paragraph longer than itself."""
    heads = []
    for i, line in enumerate(lines):
        text = line.text.strip()
        if not 8 <= len(text) <= 60 or _TITLE_END.search(text) or _SECTION_LABEL.match(text) or _NUMBERED_PART.match(text):
            continue  # 二、推动…, （一）新建类项目, 专栏1：…: a part of the text under way, never the title of another
        after_break = i == 0 or not (prev := lines[i - 1].text.strip()) or _SECTION_LABEL.match(prev)
        if not after_break or STANDALONE_DATE.match(text):
            continue
        following = [lines[k].text.strip() for k in range(i + 1, min(i + 4, len(lines))) if lines[k].text.strip()]
        if not following:
            continue
        numbered = any(DOC_NUMBER.fullmatch(f) for f in following[:2])
        opens_paragraph = len(following[0]) > 2 * len(text) and following[0][-1] in "。；;！!？?"
        if numbered or opens_paragraph:
            heads.append((i, text))
    return heads if len(heads) >= 2 else []


# Sentences before the first heading found that make a text of their own (a notice before the forms it
# annexes, a report's opening before its first titled part). A text with a table of contents is a
# bulletin: what precedes its first article is its cover and masthead.
PREAMBLE_PROSE_CHARS = 100


def _prose_chars(lines: list[Line]) -> int:
    return sum(len(t) for line in lines if (t := line.text.strip()) and t[-1] in "。；;！!？?")


def _first_content_line(lines: list[Line]) -> int:
    return next((i for i, line in enumerate(lines) if line.text.strip()), 0)


def _heading_text(lines: list[Line], index: int, toc_title: str) -> str:
    """The heading as the body writes it, joined when it breaks over lines; falls back to the TOC."""
    first = lines[index].text.strip().lstrip("#").strip()
    if not toc_title and DOC_NUMBER.fullmatch(first):
        # 丰政办发〔2026〕4号 printed above the title, as a government's own copy sets it: the title is the next line
        first = next((t for line in lines[index + 1:index + 3] if (t := line.text.strip())), first)
    target = compact(toc_title)
    title, k = first, index + 1
    while target and len(compact(title)) < len(target) and k < min(index + 4, len(lines)):
        title += lines[k].text.strip().lstrip("#").strip()
        k += 1
    title = re.sub(r"[.…]{2,}\s*\d*$", "", title).strip()
    return title or toc_title or first


def _describe(article: Article, lines: list[Line]) -> Article:
    """Kind, document number, issue date, plan period and issuer mentions from the article's own text."""
    head_text = "\n".join(line.text for line in lines[:12])
    number = DOC_NUMBER.search(head_text) if _DOC_NUMBER_TAIL.search(head_text) else None
    interpretation = "解读" in article.title[:6]
    article.doc_number = re.sub(r"\s+", "", number.group(0)) if number and not interpretation else None
    issued = _issue_date(lines)
    if issued:
        article.issued_on, article.issued_precision = issued, "day"
    article.kind = _kind(article)  # a dateline dates the text but says nothing of its kind
    if issued is None and (dated := _dateline_date(lines)):
        article.issued_on, article.issued_precision = dated, "day"
    _plan_period(article, lines)
    mentions = [article.title]
    if article.doc_number:
        mentions.append(article.doc_number)
    mentions += _signature_lines(lines)
    article.issuer_mentions = mentions
    article.publisher_mentions = _publishers(head_text) + [
        m.group("who") for line in lines if "来源" in line.text and (m := _SOURCE_LINE.match(line.text.strip()))]
    return article


def _publishers(text: str) -> list[str]:
    """Who "…印发《" names: the words before the verb, back to the clause start (at most 3)."""
    found = []
    for m in _PUBLISHED.finditer(text):
        who = _PUBLISHER.search(text, max(0, m.start() - 40), m.start())
        if who:
            found.append(who.group(0))
        if len(found) == 3:
            break
    return found


# A plan cited as the basis (为贯彻落实《数字山东发展规划（2018-2022年）》，制定本方案): its period is not this text's.
_CITED_BASIS = re.compile(r"(?:贯彻|落实|根据|依据|按照|对照|衔接)[^《]{0,4}《[^》]*》")
# A year's work plan named by its title: 上海市2025年…重点工作安排, 2026年工作要点,
# or a year's action plan (山东省2026年新能源高水平消纳行动方案; not 2030年前碳达峰行动方案, a deadline's plan)
_ANNUAL_PLAN = re.compile(r"((?:19|20)\d{2})年度?(?![前底末])[^《》，。；]{0,30}?"
                          r"(?:工作要点|工作安排|工作计划|任务清单|重点任务|重点工作|行动计划|行动方案)")


def _plan_period(article: Article, lines: list[Line]) -> None:
    """A plan's period from its title or its own heading lines: （2026—2028年）, or 三年行动计划
    counted from the year it was issued."""
    headings = [article.title] + [line.text.strip() for line in lines[1:15]
                                  if 0 < len(line.text.strip()) < 60 and not re.search(r"[。；，]", line.text)]
    for heading in headings:
        period = PLAN_PERIOD.search(_CITED_BASIS.sub("", heading.replace(" ", "")))
        if period:
            article.period_start, article.period_end = int(period.group("a")), int(period.group("b"))
            return
    for heading in headings:
        years = PLAN_YEARS.search(heading)
        if years and article.issued_on:
            span = int(parse_numeral(years.group("n")) or 0)
            if span:
                article.period_start, article.period_end = article.issued_on.year, article.issued_on.year + span - 1
                return
    # a year's work plan by its title (关于印发《上海市2025年…重点工作安排》的通知, 2026年工作要点): that year's tasks
    annual = _ANNUAL_PLAN.search(_CITED_BASIS.sub("", article.title.replace(" ", "")))
    if annual:
        article.period_start = article.period_end = int(annual.group(1))


_DISTRIBUTION = re.compile(r"^(?:呈|发|抄送|抄报|打字|校对|印发|送|主送)[：:]")


def _issue_date(lines: list[Line]) -> dt.date | None:
    """The first standalone date of the head or the tail; a bulletin's distribution block (呈：…/发：…/
    打字：…, then its date) dates the bulletin, not the article it closes."""
    for i in list(range(min(25, len(lines)))) + list(range(max(25, len(lines) - 12), len(lines))):
        m = "日" in lines[i].text and STANDALONE_DATE.match(lines[i].text.strip())
        if m:
            previous = next((c.text.strip() for c in reversed(lines[:i]) if c.text.strip()), "")
            if _DISTRIBUTION.match(previous):
                continue
            return safe_date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    return None


def _signature_lines(lines: list[Line]) -> list[str]:
    """Short lines right above a standalone date: the signing bodies (工业和信息化部 / 中央网信办 ...)."""
    names = []
    for i, line in enumerate(lines):
        if "日" in line.text and STANDALONE_DATE.match(line.text.strip()):
            j = i - 1
            while j >= 0 and len(names) < 20:
                text = lines[j].text.strip()
                if not text:
                    j -= 1
                    continue
                if len(text) > 30 or re.search(r"[。，；：]", text):
                    break
                names.append(text)
                j -= 1
    return names


def _kind(article: Article) -> str:
    title = article.title
    if "解读" in title[:6]:
        return "interpretation"
    if article.doc_number or SELF_NAMED.search(title):
        return "policy"  # …，制定本意见。: a text whose first line is its preamble names its own kind
    if any(word in title for word in NEWS_WORDS):
        return "news"
    if any(word in title for word in REPORT_WORDS) and not any(word in title for word in POLICY_WORDS):
        return "report"
    if any(word in title for word in POLICY_WORDS) or article.issued_on:
        return "policy"
    return "news"
