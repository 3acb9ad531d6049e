"""A bulletin's label: its title as its masthead prints it, with the issue that tells two issues of
one bulletin apart (智慧城市产业网简报 2026年5月6日, 大数据发展动态 第51期), rather than the first
line of the file, which is often a slogan (为数字创新领导者提供更新、更重要、更有用的决策参考信息) or
the publisher's name alone. Read from the masthead: the lines before the first article."""
from __future__ import annotations

import re

MASTHEAD_LINES = 15  # a masthead is the first few lines; past them the body has begun
# what a bulletin's own name ends with (简报, 政策汇编, 大数据发展动态 ...)
_TITLE = re.compile(r"(简报|动态|汇编|周报|月报|旬报|快报|专报|通讯|通报|要闻|要情|资讯|参考|摘编|信息|导读|观察)$")
_PUBLISHER = re.compile(r"(协会|学会|商会|联合会|促进会|研究院|研究会|中心|委员会|联盟|产业网|秘书处)$")
_ISSUE = re.compile(r"(?<!总)第\s*(\d+)\s*期")
_TOTAL_ISSUE = re.compile(r"总第\s*(\d+)\s*期")
_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
_CREDIT = re.compile(r"\s编$|^主办|^编印|^承办")  # 智慧城市产业网秘书处 编


def _clean(text: str) -> str:
    text = re.sub(r"\s+", " ", text.strip().lstrip("#").strip())
    return text[1:-1].strip() if re.fullmatch(r"[(（].*[)）]", text) else text  # (2026年1月)


def _is_slogan(text: str) -> bool:
    """A sentence rather than a name: punctuation inside, or 以…视角 / 为…提供."""
    return bool(re.search(r"[，、；。：,;:!！?？]", text)) or bool(re.match(r"^(以|为|让|做)", text))


def edition(lines: list[str]) -> str:
    """The issue a masthead prints: 第N期, else 总第N期, else its date (2026年5月6日 / 2026年1月); "" if none."""
    text = "\n".join(lines)
    if found := _ISSUE.search(text):
        return f"第{found[1]}期"
    if found := _TOTAL_ISSUE.search(text):
        return f"总第{found[1]}期"
    if found := _DATE.search(text):
        return f"{found[1]}年{int(found[2])}月" + (f"{int(found[3])}日" if found[3] else "")
    return ""


def bulletin_title(lines: list[str], body_start: int | None = None, fallback: str = "") -> str:
    """The label of a file whose lines are `lines` (text, in order) and whose first article starts
    on 1-based line body_start (None: no article found). A file with no masthead title (a notice
    on its own) keeps its first line that is not a slogan."""
    def chinese(part: list[str]) -> list[str]:  # no English names, no blank lines
        return [line for line in map(_clean, part[:MASTHEAD_LINES]) if re.search(r"[\u4e00-\u9fff]", line)]

    # the lines before the first article; a file whose first line starts an article: its first lines
    head = chinese(lines[:body_start - 1]) if body_start else []
    head = head or chinese(lines)
    names = [line for line in head if not _is_slogan(line) and not _CREDIT.search(line) and len(line) <= 30]
    title = next((line for line in names if _TITLE.search(line) and not _DATE.search(line)), None)
    if title is None:  # a notice or a plan on its own: its first line, unless that is a slogan
        return next((line for line in head if not _is_slogan(line)), None) or next(iter(head), fallback) or fallback
    publisher = next((line for line in names if _PUBLISHER.search(line) and line != title), None)
    if len(title) <= 4 and publisher and not title.startswith(publisher):  # 政策汇编: whose?
        title = f"{publisher} {title}"
    return " ".join(part for part in (title, edition(head)) if part)
