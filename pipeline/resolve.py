"""Stage 4: canonical agencies, stable fact ids and same-goal groups.

Agencies come from an alias table kept as data (patterns/agencies.yaml); a department in brackets
after a ministry (工业和信息化部（科技司）) resolves to the ministry's department with the ministry
as parent; provincial and municipal bodies are also recognised by their shape.
"""
from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from pipeline.model import Article, Fact

AGENCY_FILE = Path(__file__).parent / "patterns" / "agencies.yaml"
MUNICIPALITIES = ("北京市", "上海市", "天津市", "重庆市")
_LOCAL = re.compile(
    r"(?P<place>[\u4e00-\u9fff]{2,8}?(?:省|自治区|市))"
    r"(?P<body>人民政府(?:办公厅)?|[\u4e00-\u9fff]{1,10}?(?:厅|局|委员会|委))"
)
_NOT_A_PLACE = re.compile(r"^(各|直辖|计划单列|地级|县级|所在|省级|市级|本|全|该|城|超大|特大|大|中|小|副省级)")
# "工业和信息化部节能与综合利用司", "…信息通信管理局" as a signature or an addressee: a 司/局 right after the
# ministry, ending the phrase, with no verb or conjunction in it
_BARE_DEPARTMENT = re.compile(r"(?![\u4e00-\u9fff]*?(?:有关|相关|各|其他|将|会同|和|及|等|在|对|向|由|的))"
                              r"(?P<dept>[\u4e00-\u9fff]{2,12}?(?:司|局))(?![\u4e00-\u9fff])")
_SENTENCE_LEAD = re.compile(r".*(?:报送|函送|送|报|向|由|和|与|及|将|在|对|经|请|会同|联合|指导|组织)")
_DEPARTMENT = re.compile(r"[（(](?P<dept>[\u4e00-\u9fff]{2,16}?(?:司|局|厅|中心|办公室))[）)]")


@dataclass(frozen=True)
class Agency:
    name: str
    level: str
    parent: str | None = None

    @property
    def agency_id(self) -> str:
        return hashlib.sha1(self.name.encode()).hexdigest()[:12]


class AgencyResolver:
    def __init__(self, path: Path = AGENCY_FILE):
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
        self.known: dict[str, Agency] = {}
        self.alias: dict[str, str] = {}
        for level in ("central", "provincial", "municipal"):
            for entry in data.get(level, []):
                agency = Agency(entry["name"], level, entry.get("parent"))
                self.known[agency.name] = agency
                for alias in [agency.name] + list(entry.get("aliases") or []):
                    self.alias[alias] = agency.name
        self.prefixes = sorted((data.get("doc_number_prefixes") or {}).items(), key=lambda kv: -len(kv[0]))
        names = sorted(self.alias, key=len, reverse=True)
        self.pattern = re.compile("|".join(map(re.escape, names)))

    def find(self, text: str) -> list[Agency]:
        """Agencies named in text, in order of appearance, without repeats."""
        found: list[tuple[int, Agency]] = []
        taken: list[tuple[int, int]] = []
        for m in self.pattern.finditer(text):
            agency = self.known[self.alias[m.group(0)]]
            dept = _DEPARTMENT.match(text, m.end()) or _BARE_DEPARTMENT.match(text, m.end())
            if dept and self.pattern.search(dept.group("dept")):
                dept = None  # "工业和信息化部与国家数据局": two bodies, not a department
            if dept and agency.level == "central":
                agency = Agency(agency.name + dept.group("dept"), agency.level, agency.name)
            found.append((m.start(), agency))
            taken.append((m.start(), m.end()))
        # _LOCAL's lazy scan is slow; four texts in five name no 省, 自治区 or 市, which its place ends in
        for m in _LOCAL.finditer(text) if "省" in text or "市" in text or "自治区" in text else ():
            lead = _SENTENCE_LEAD.match(m.group("place"))  # "并将名单报送省工信厅": the place starts after 报送
            place = m.group("place")[lead.end():] if lead else m.group("place")
            start = m.start() + (lead.end() if lead else 0)
            if any(s < m.end() and start < e for s, e in taken) or len(place) < 2 or _NOT_A_PLACE.match(place):
                continue
            name = place + m.group("body")
            agency = self.known.get(self.alias.get(name, name)) or Agency(name, self._local_level(place))
            found.append((start, agency))
        seen, ordered = set(), []
        for _, agency in sorted(found, key=lambda pair: pair[0]):
            if agency.name not in seen:
                seen.add(agency.name)
                ordered.append(agency)
        return ordered

    def from_doc_number(self, number: str | None) -> list[Agency]:
        if not number:
            return []
        for prefix, name in self.prefixes:
            if number.startswith(prefix):
                return [self.known[name]]
        return []

    @staticmethod
    def _local_level(place: str) -> str:
        if place.endswith(("省", "自治区")) or place in MUNICIPALITIES:
            return "provincial"
        return "municipal"


@lru_cache(maxsize=1)
def resolver() -> AgencyResolver:
    return AgencyResolver()


def resolve_article(article: Article) -> list[Agency]:
    """The article's issuers: named in its heading (before the document's own title), in its
    signature block, or by the prefix of its document number; else who a report says published it."""
    r = resolver()
    title = article.issuer_mentions[0] if article.issuer_mentions else article.title
    subject = re.split(r"《|关于", title)[0]
    agencies = r.find(subject)
    for mention in article.issuer_mentions[1:]:
        if mention == article.doc_number:
            continue
        agencies += r.find(mention)
    agencies += r.from_doc_number(article.doc_number)
    if not agencies:  # "广东省人民政府办公厅印发《…》", "（来源：河南省人民政府）"
        for mention in article.publisher_mentions:
            agencies += r.find(mention)
    unique = {a.name: a for a in agencies}
    article.issuers = list(unique)
    return list(unique.values())


def resolve_facts(facts: list[Fact], content_hash: str) -> list[Agency]:
    """Fill each fact's agencies (named in its sentence, else its article's issuers), stable id and group."""
    r = resolver()
    used: dict[str, Agency] = {}
    occurrences: dict[str, int] = {}
    for fact in facts:
        named = r.find(fact.context or fact.quote)
        if named:
            fact.agencies = [a.name for a in named]
            fact.agency_roles = {a.name: "named" for a in named}
            used.update({a.name: a for a in named})
        elif fact.article is not None:
            fact.agencies = list(fact.article.issuers)
            fact.agency_roles = {name: "issuer" for name in fact.agencies}
        key = _normal_key(fact)
        n = occurrences.get(key, 0)
        occurrences[key] = n + 1
        fact.id = hashlib.sha1(f"{content_hash}|{key}|{n}".encode()).hexdigest()[:16]
        fact.group_id = hashlib.sha1(f"{content_hash[:16]}|{_group_key(fact)}".encode()).hexdigest()[:12]
    return list(used.values())


def _normal_key(fact: Fact) -> str:
    """The fact's normalized text: what it says, not where it sits (row order never enters)."""
    return "|".join(str(v) for v in (fact.kind, re.sub(r"\s+", "", fact.quote), fact.due_date, fact.due_from,
                                     fact.recurrence, fact.value, fact.value_max, fact.unit))


def _group_key(fact: Fact) -> str:
    """Facts saying the same thing in one bulletin (编者按 and body, 解读 and full text) share a key."""
    if fact.kind in ("target", "relative"):
        return f"{fact.kind}|{fact.value}|{fact.value_max}|{fact.unit}|{fact.due_date}"
    words = re.sub(r"[\s\d年月日底末前到至起，,、。；“”《》()（）]", "", fact.metric or fact.quote)[:12]
    return f"{fact.kind}|{fact.due_date}|{fact.due_from}|{fact.recurrence}|{words}"
