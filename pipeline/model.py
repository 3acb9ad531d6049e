"""The records that flow between stages: segment -> Article, extract -> Fact, resolve fills ids."""
from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


@dataclass
class Article:
    ordinal: int
    title: str
    start_line: int
    end_line: int
    kind: str = "other"
    doc_number: str | None = None
    issued_on: dt.date | None = None
    issued_precision: str | None = None
    period_start: int | None = None
    period_end: int | None = None
    issuer_mentions: list[str] = field(default_factory=list)  # agency names as written
    publisher_mentions: list[str] = field(default_factory=list)  # "X印发《…》", "（来源：X）"
    issuers: list[str] = field(default_factory=list)  # canonical, filled by resolve
    article_id: str = ""


@dataclass
class Fact:
    kind: str
    line: int
    char_start: int  # original-line offsets
    char_end: int
    quote: str
    due_date: dt.date | None = None
    due_precision: str | None = None
    due_from: dt.date | None = None
    due_basis: str | None = None
    recurrence: str | None = None
    recurrence_rule: str | None = None
    value: float | None = None
    value_max: float | None = None
    unit: str | None = None
    comparator: str | None = None
    metric: str | None = None
    context: str = ""  # the normalized sentence around the quote: where agencies are looked for
    article: Article | None = None
    # filled by resolve
    id: str = ""
    group_id: str = ""
    agencies: list[str] = field(default_factory=list)
    agency_roles: dict[str, str] = field(default_factory=dict)
