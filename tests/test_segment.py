"""Segmentation of each seed: article count, start lines and titles, checked against the gold
articles where they exist and against the table of contents elsewhere."""
from __future__ import annotations

import datetime as dt
import json

import pytest

from pipeline.read import read_document
from pipeline.resolve import resolve_article
from pipeline.segment import segment

from conftest import GOLD, SEEDS

EXPECTED = {
    "000_99cf775f10c83dd8.txt": (10, "中共中央办公厅", "“十五五”新图景"),
    "001_a6d99f30f310d834.txt": (11, "国务院关于推行常住地提供基本公共服务的实施意见", "《人工智能终端智能化分级》"),
    "002_d93f11f449eae9cb.txt": (9, "“数据要素×”三年行动计划", "人工智能知识产权法律问题研究报告"),
    "003_0324ae380340b6c7.txt": (13, "工信部等八部门联合印发", "国家发展改革委关于印发《国家新兴产业创新中心管理办法》"),
    "004_2da2f80224de81e4.txt": (8, "工业和信息化部等十六部门关于促进", "2022—2023"),
}


def articles_of(name: str):
    doc = read_document(SEEDS / name, SEEDS)
    articles = segment(doc)
    for article in articles:
        resolve_article(article)
    return articles


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_article_count_and_titles(name):
    count, first, last = EXPECTED[name]
    articles = articles_of(name)
    assert len(articles) == count
    assert articles[0].title.startswith(first)
    assert last in articles[-1].title
    assert all(a.start_line <= a.end_line for a in articles)
    assert all(b.start_line > a.end_line for a, b in zip(articles, articles[1:]))


def test_table_of_contents_is_not_an_article():
    for name in EXPECTED:
        assert all("目录" not in a.title and "要目" not in a.title for a in articles_of(name))


@pytest.mark.parametrize("gold_file", sorted(GOLD.glob("*.articles.jsonl")), ids=lambda p: p.name[:3])
def test_matches_gold_articles(gold_file):
    gold = [json.loads(line) for line in gold_file.read_text(encoding="utf-8").splitlines() if line.strip()]
    articles = {a.start_line: a for a in articles_of(gold[0]["seed"])}
    assert sorted(articles) == [g["start_line"] for g in gold]
    for g in gold:
        article = articles[g["start_line"]]
        assert article.kind == g["kind"], g["title"]
        assert article.doc_number == g["doc_number"], g["title"]


def test_issuers_from_heading_signature_and_number():
    articles = {a.start_line: a for a in articles_of("003_0324ae380340b6c7.txt")}
    eight = articles[31].issuers
    for name in ("工业和信息化部", "中央网络安全和信息化委员会办公室", "国家发展和改革委员会", "教育部", "商务部",
                 "国务院国有资产监督管理委员会", "国家市场监督管理总局", "国家数据局"):
        assert name in eight
    assert articles[31].issued_on.isoformat() == "2025-12-25"
    assert "财政部" in articles[858].issuers


def test_plan_period_from_title():
    articles = {a.start_line: a for a in articles_of("000_99cf775f10c83dd8.txt")}
    assert (articles[398].period_start, articles[398].period_end) == (2026, 2028)
    assert articles[683].period_end == 2028  # 三年行动计划 issued 2026-03-10


def test_table_of_contents_without_page_numbers():
    """目录 entries with no page numbers still name the articles, and the 目录 is not one of them."""
    from pipeline.build import document_from_text

    text = "\n".join([
        "行业协会政策简报", "", "目录",
        "工业和信息化部办公厅关于组织开展典型场景申报工作的通知",
        "国家发展改革委等部门关于印发《绿色低碳先进技术推广行动方案（2026—2028年）》的通知",
        "解读：推动绿色低碳技术规模化应用", "",
        "工业和信息化部办公厅关于组织开展典型场景申报工作的通知",
        "工信厅装函〔2026〕118号",
        "请于2026年9月15日前报送。",
        "国家发展改革委等部门关于印发《绿色低碳先进技术推广行动方案",
        "（2026—2028年）》的通知",
        "推广先进适用绿色低碳技术200项以上。",
        "解读：推动绿色低碳技术规模化应用",
        "《方案》提出，到2028年，推广先进适用绿色低碳技术200项以上。",
    ])
    articles = segment(document_from_text(text, "plain_toc.txt"))
    assert [a.start_line for a in articles] == [8, 11, 14]
    assert [a.kind for a in articles] == ["policy", "policy", "interpretation"]
    assert (articles[1].period_start, articles[1].period_end) == (2026, 2028)


def test_a_documents_own_contents_cut_it_into_no_articles():
    """A plan's own 目录 lists its numbered parts (一、总体要求 （一）指导思想): the plan stays one article, so
    its goals under 二、 keep the plan's title, date and kind."""
    from pipeline.build import document_from_text

    text = "\n".join([
        "石化行业智能制造标准体系建设指南", "2022年11月", "目录",
        "一、总体要求........1", "（一）指导思想........1", "（二）建设目标........2", "二、组织实施........3",
        "一、总体要求", "（一）指导思想", "坚持需求牵引。", "（二）建设目标",
        "到2025年，制修订30项以上石化行业智能制造标准。", "二、组织实施", "加强统筹协调。",
    ])
    articles = segment(document_from_text(text, "own_toc.txt"))
    assert len(articles) == 1 and articles[0].title.startswith("石化行业智能制造标准体系建设指南")


def test_headings_without_table_of_contents_or_markdown():
    """Titles after a blank line or a 【section】 label, opening a numbered document or a paragraph."""
    from pipeline.build import document_from_text

    text = "\n".join([
        "【政策速递】", "",
        "江苏省工业和信息化厅关于开展2026年省级专精特新中小企业认定工作的通知",
        "苏工信中小〔2026〕56号", "",
        "一、各设区市工信局于2026年6月10日前完成初审，并将推荐名单报送省工业和信息化厅。",
        "江苏省工业和信息化厅", "2026年4月15日", "",
        "【地方动态】", "",
        "广东省印发制造业数字化转型实施方案",
        "近日，广东省人民政府办公厅印发《广东省制造业数字化转型实施方案（2026—2028年）》。到2028年，打造50个以上数字化转型标杆示范。",
    ])
    articles = segment(document_from_text(text, "no_toc.txt"))
    assert [a.start_line for a in articles] == [3, 12]
    assert articles[0].doc_number == "苏工信中小〔2026〕56号"
    assert [resolve_article(a) and a.issuers for a in articles] == [["江苏省工业和信息化厅"], ["广东省人民政府办公厅"]]


def test_a_notices_body_before_the_first_heading_found_is_an_article():
    """A notice whose annexed forms have headings: its own body, before them, is read, not dropped;
    a bulletin's masthead (no sentences) is not an article."""
    from pipeline.build import document_from_text

    body = "申报主体须于2022年10月28日前完成线上申报，并对申报内容真实性负责。推荐单位应于2022年11月11日前完成线上审核，按推荐项目优先顺序填写推荐汇总表，将纸质版申报书和推荐汇总表各1份报送工业和信息化部（装备工业一司）。"
    text = "\n".join([
        "为贯彻落实规划，四部门联合开展2022年度试点示范行动。有关事项通知如下：", body, "",
        "解决复杂壳体加工效率低、质量不高等突出问题", "",
        "在已有五轴数控机床的基础上，配置上下料机器人、三坐标测量仪和在线检测系统，搭建多台五轴机床与多台机器人组成的柔性产线，实现多台设备协同作业。", "",
        "在该场景进行智能化改造后，整个工厂的产能提升了10%，经济效益明显", "",
        "该场景总计花费了500万元，但每年为公司节省超过200万，并且大幅提高产品质量，使得公司竞争力大幅提升。同时该场景采用的均是通用设备，定制化开发投入小，适合在行业进行推广应用。",
    ])
    articles = segment(document_from_text(text, "notice_with_forms.txt"))
    assert articles[0].start_line == 1
    assert [a.start_line for a in articles[1:]] == [4, 8]
    masthead = "\n".join(["为数字创新领导者提供决策参考", "", "2025年1月14日 第3期", ""]) + "\n" + text[text.index("解决"):]
    assert [a.start_line for a in segment(document_from_text(masthead, "bulletin.txt"))] == [5, 9]


def test_numbered_sub_parts_are_no_articles():
    """（一）新建类项目 after a blank line is a part of the text under way, not another text's title: the
    conditions heading above it still reads its items (项目需在…前开工 is who qualifies, not a duty)."""
    from pipeline.build import document_from_text, extract_document

    item = "项目需在2024年9月30日前开工新建，且在2025年12月31日前竣工并投入交付运营；"
    text = "\n".join([
        "关于做好保障性租赁住房项目补助资金申报工作的通知", "",
        "二、申请项目条件", "",
        "（一）新建类项目", "",
        "1.利用新供应国有建设用地、产业园区配套用地建设的保障性租赁住房项目，须符合国土空间规划要求；", "",
        "2." + item, "",
        "（二）改建类项目", "",
        "1.利用闲置和低效利用的商业办公、厂房等非居住存量房屋改建的保障性租赁住房项目，须依法办理相关手续；", "",
    ])
    articles, facts, _, _ = extract_document(document_from_text(text, "subsidy_notice.txt"))
    assert [a.start_line for a in articles] == [1]
    assert not [f for f in facts if f.kind == "deadline"]


def test_a_plans_numbered_parts_are_no_articles():
    """一、… and 专栏1：… after a blank line are parts of the text above them, as in a table of contents: a
    plan is read as one text, so its goals section dates the targets under it by the plan's period, not
    the base it is compared with (比“十一五”末提高); in a bulletin only its own titles start articles."""
    from pipeline.build import document_from_text, extract_document

    plan = "\n".join([
        "山东省“十三五”科技创新规划", "",
        "一、加快推进创新型省份建设", "",
        "（一）基础与优势。2015年，全社会研究与试验发展经费支出占生产总值的比重达到2.27%，比“十一五”末提高0.55个百分点。", "",
        "（二）发展目标。到“十三五”末，科研实力和创新能力进一步提升。", "",
        "二、全面提升科技创新能力", "",
        "高新技术企业数量达到8000家左右，产值超千亿集群达到20个左右。", "",
        "专栏1：目标导向的基础前沿研究", "",
        "围绕新材料、生命科学等领域，每年实施50项左右重大科技创新项目。",
    ])
    articles, facts, _, _ = extract_document(document_from_text(plan, "plan.txt"))
    assert [a.start_line for a in articles] == [1]
    targets = {(f.value, f.due_date) for f in facts if f.kind == "target"}
    assert (8000, dt.date(2020, 12, 31)) in targets and (20, dt.date(2020, 12, 31)) in targets
    assert not {f for f in facts if f.due_date and f.due_date.year == 2010}
    bulletin = "\n".join([
        "关于印发《推动物联网产业创新发展行动方案（2025—2027年）》的通知", "",
        "各省、自治区、直辖市及计划单列市、新疆生产建设兵团工业和信息化主管部门，有关中央企业：现将《推动物联网产业创新发展行动方案（2025—2027年）》印发给你们，请结合实际认真贯彻落实。", "",
        "二、推动物联网设备创新升级", "",
        "到2027年，培育一批物联网新型终端产品，推动物联网设备智能化水平显著提升，形成一批标杆示范。", "",
        "工信部等十部门联合印发人工智能科技伦理审查与服务办法", "",
        "近日，工业和信息化部等十部门联合印发《人工智能科技伦理审查与服务办法（试行）》，明确审查主体、审查程序和服务保障等内容，自印发之日起施行。",
    ])
    assert [a.start_line for a in segment(document_from_text(bulletin, "bulletin.txt"))] == [1, 9]


def test_a_verb_before_a_province_is_not_part_of_its_name():
    from pipeline.resolve import resolver

    assert [a.name for a in resolver().find("并将推荐名单报送省工业和信息化厅")] == []
    assert [a.name for a in resolver().find("请各地报送成都市经济和信息化局")] == ["成都市经济和信息化局"]


def test_a_department_written_without_brackets_after_its_ministry():
    from pipeline.resolve import resolver

    found = resolver().find("报送工业和信息化部装备工业一司。")
    assert [(a.name, a.parent) for a in found] == [("工业和信息化部装备工业一司", "工业和信息化部")]
    assert [a.name for a in resolver().find("工业和信息化部将会同有关司局")] == ["工业和信息化部"]


def test_source_line_names_the_issuer_when_nothing_else_does():
    from pipeline.build import document_from_text

    text = "\n".join(["河南省加快数字化转型行动计划（2023—2025年）", "到2025年，培育300个绿色工厂。", "（来源：河南省人民政府）"])
    [article] = segment(document_from_text(text, "source_line.txt"))
    resolve_article(article)
    assert article.issuers == ["河南省人民政府"]


def test_an_editors_note_before_a_heading_opens_that_article():
    """编者按 between the previous article's （来源：…） and a heading belongs to the article it introduces."""
    from pipeline.build import document_from_text

    text = "\n".join([
        "# 北京市关于推动科技企业孵化器创新发展的指导意见", "到2027年，培育标杆孵化器50家。", "（来源：北京市人民政府）", "",
        "## 编者按", "河南省政府印发了《行动计划》。到2025年，打造300个中小企业数字化转型标杆。", "",
        "# 河南省加快数字化转型推动制造业发展行动计划（2023—2025年）", "培育300个绿色工厂。", "（来源：河南省人民政府）",
    ])
    first, second = segment(document_from_text(text, "editor_note.txt"))
    assert (first.start_line, first.end_line) == (1, 3)
    assert second.start_line == 5 and second.title.startswith("河南省")
    assert (second.period_start, second.period_end) == (2023, 2025)


def test_a_forwarded_plan_is_dated_by_its_notice_and_a_distribution_block_dates_nothing():
    """关于印发…的通知 then the plan: the plan takes the notice's date (its year-less dates need one); the
    bulletin's closing 呈：/发：/打字： block and its date belong to no article."""
    from pipeline.build import document_from_text

    text = "\n".join([
        "行业协会政策简报", "", "目录",
        "省工业和信息化厅关于印发《数字化转型行动方案》的通知",
        "数字化转型行动方案",
        "行业动态", "",
        "省工业和信息化厅关于印发《数字化转型行动方案》的通知",
        "现将《数字化转型行动方案》印发给你们，请认真贯彻执行。",
        "省工业和信息化厅", "2026年3月2日",
        "数字化转型行动方案",
        "各地于6月30日前报送工作进展。",
        "行业动态",
        "近日，多地召开数字化转型推进会。",
        "呈：会长", "发：各会员单位", "打字：秘书处", "2026年5月6日",
    ])
    articles = segment(document_from_text(text, "forwarded.txt"))
    assert [a.title for a in articles][:2] == ["省工业和信息化厅关于印发《数字化转型行动方案》的通知", "数字化转型行动方案"]
    assert articles[1].issued_on == articles[0].issued_on == dt.date(2026, 3, 2)
    assert articles[2].issued_on is None


@pytest.mark.parametrize("preamble", [
    "为贯彻落实全国工作会议精神，加快推进智慧法院建设，制定本意见。",
    "为贯彻落实省住建厅工作会议精神，结合我市实际，特制定本方案：",
])
def test_a_text_whose_first_line_is_its_preamble_is_the_policy_it_names(preamble):
    """With no title line, the preamble stands as the title; a meeting it cites (会议精神) does not make the
    text news when the preamble names what it opens (制定本意见)."""
    from pipeline.build import document_from_text

    text = preamble + "\n一、加快建设网络基础设施。\n二、到2027年，建成一批应用场景。"
    articles = segment(document_from_text(text, "untitled.txt"))
    assert [a.kind for a in articles] == ["policy"]
