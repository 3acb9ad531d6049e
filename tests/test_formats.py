"""PDF and Word ingest: type by content, clean Chinese text, page furniture gone, wrapped lines joined."""
from __future__ import annotations

import re

import duckdb
import pytest

from docfixtures import DEADLINE, HEADER, bulletin_pdf, docx_bytes, pdf_bytes, zip_bytes
from pipeline.build import run_build
from pipeline.formats import (IngestError, docx_text, join_broken_lines, pdf_pages, pdf_text, sniff,
                              strip_page_furniture)
from pipeline.read import discover, read_document

CJK_SPACE = re.compile(r"[\u4e00-\u9fff，。、] +[\u4e00-\u9fff，。、]")


@pytest.fixture(scope="module")
def bulletin() -> bytes:
    return bulletin_pdf()


def test_sniff_goes_by_content_not_name(bulletin):
    assert sniff(bulletin) == "pdf"
    assert sniff(docx_bytes(["正文"])) == "docx"
    assert sniff("通知".encode("gb18030")) == "text"
    with pytest.raises(IngestError, match="not a Word"):
        sniff(zip_bytes({"data.csv": b"a,b"}))
    with pytest.raises(IngestError, match="legacy Office"):
        sniff(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(512))


def test_fixture_really_has_furniture_and_a_wrapped_deadline(bulletin):
    """The raw layer has what the cleaning must remove, so the next test proves something."""
    pages = pdf_pages(bulletin)
    raw = [line for page in pages for line in page]
    assert len(pages) >= 3
    assert sum(line == HEADER for line in raw) == len(pages)
    assert "- 2 -" in raw
    assert not any(DEADLINE in line for line in raw)
    assert DEADLINE in "".join(raw)


def test_pdf_text_has_the_sentence_on_one_line_without_page_numbers_or_header(bulletin, tmp_path):
    (tmp_path / "notice.pdf").write_bytes(bulletin)
    doc = read_document(tmp_path / "notice.pdf", tmp_path)
    originals = [line.original for line in doc.lines]
    assert doc.encoding == "pdf"
    assert [line for line in originals if DEADLINE in line] == [
        "各单位要高度重视，认真梳理本单位工作进展情况，请于2026年5月30日前报送材料。逾期未报的视为无意见。"]
    assert HEADER not in originals
    assert not [line for line in originals if re.fullmatch(r"\s*-?\s*\d+\s*-?\s*", line)]
    assert originals[:2] == ["关于做好2026年设备更新工作的通知", "各区县人民政府，市政府各部门："]
    assert originals[-3:] == ["一、工作要求", "1. 加强组织领导。", "2. 抓好督促落实。"]
    assert not any(CJK_SPACE.search(line) for line in originals)


def test_pdf_paragraph_broken_by_a_page_break_is_one_line(bulletin):
    lines = pdf_text(bulletin).splitlines()
    assert all(line.startswith(("（", "关于", "各", "一、", "1.", "2.")) for line in lines)
    assert all(line.endswith(("。", "：", "求")) for line in lines[1:])


def test_letter_spaced_text_loses_its_generated_spaces_but_table_cells_and_english_keep_theirs():
    body = (f'<p style="letter-spacing:0.3em">{DEADLINE}到2027年普及率超过90%。</p>'
            "<p>Version 2.0 and 3 items.</p>"
            '<table><tr><td>指标</td><td>2025年</td><td>2027年目标</td></tr></table>')
    lines = pdf_text(pdf_bytes(body, header=None, page_numbers=False)).splitlines()
    assert lines[0] == f"{DEADLINE}到2027年普及率超过90%。"
    assert "Version 2.0 and 3 items." in lines
    assert "指标 2025年 2027年目标" in lines


def test_scanned_pdf_asks_for_ocr():
    from docfixtures import scanned_pdf

    with pytest.raises(IngestError, match="no text layer: OCR needed"):
        pdf_text(scanned_pdf())


def test_encrypted_pdf_is_reported():
    from docfixtures import encrypted_pdf

    with pytest.raises(IngestError, match="encrypted PDF"):
        pdf_text(encrypted_pdf())


def test_docx_paragraphs_and_table_rows_in_order_without_header_and_footer():
    data = docx_bytes(["关于报送材料的通知", DEADLINE],
                      table=[["序号", "任务", "完成时限"], ["1", "建成数据平台", "2026年底前"]])
    assert docx_text(data).splitlines() == [
        "关于报送材料的通知", DEADLINE, "序号\t任务\t完成时限", "1\t建成数据平台\t2026年底前"]


def test_docx_merged_cells_are_read_once():
    import io

    import docx

    document = docx.Document()
    row = document.add_table(rows=1, cols=3).rows[0]
    row.cells[0].merge(row.cells[1]).text = "牵头单位"
    row.cells[2].text = "2026年底前"
    out = io.BytesIO()
    document.save(out)
    assert docx_text(out.getvalue()) == "牵头单位\t2026年底前"


def test_page_numbers_and_running_headers_only_at_page_edges():
    body = [f"正文第{n}行。" for n in range(1, 4)]
    pages = [["公报 2025年第1期", *body, "3", *body, "1"],  # a lone digit mid-page is a table value
             ["公报 2025年第2期", *body, "第2页 共3页"],
             ["公报 2025年第3期", *body, "- 3 -"]]
    assert strip_page_furniture(pages) == [*body, "3", *body, *body, *body]


def test_a_single_page_keeps_its_first_line():
    assert strip_page_furniture([["通知", "正文。", "第1页"]]) == ["通知", "正文。"]


def test_join_only_full_lines_that_do_not_end_a_sentence():
    full = "各地区各部门要认真贯彻落实本通知要求，加强组织领导"  # wrapped by the layout
    lines = ["关于开展试点工作的通知",  # short heading: stays alone
             full, "完善工作机制。",
             full, "（一）加强组织。",  # a list item never continues the line before
             full + "。", "继续。",  # ended by punctuation
             "English words", "wrap here"]  # short: not joined
    assert join_broken_lines(lines) == [
        "关于开展试点工作的通知", full + "完善工作机制。", full, "（一）加强组织。", full + "。", "继续。",
        "English words", "wrap here"]


def test_join_puts_a_space_between_english_words_only():
    lines = ["x" * 40 + " wrapped", "words go on", "中" * 24, "文继续。"]
    assert join_broken_lines(lines) == ["x" * 40 + " wrapped words go on", "中" * 24 + "文继续。"]


def test_discover_finds_pdf_and_docx_but_not_office_lock_files(tmp_path):
    for name in ("a.txt", "b.md", "c.pdf", "d.DOCX", "~$d.docx", ".hidden.pdf", "e.doc", "f.zip"):
        (tmp_path / name).write_bytes(b"x")
    assert [p.name for p in discover(tmp_path)] == ["a.txt", "b.md", "c.pdf", "d.DOCX"]


def test_renamed_files_are_read_as_what_they_are(tmp_path, bulletin):
    (tmp_path / "really_a_pdf.txt").write_bytes(bulletin)
    (tmp_path / "really_text.pdf").write_text(DEADLINE, encoding="utf-8")
    (tmp_path / "really_word.md").write_bytes(docx_bytes([DEADLINE]))
    assert read_document(tmp_path / "really_a_pdf.txt", tmp_path).encoding == "pdf"
    assert read_document(tmp_path / "really_text.pdf", tmp_path).lines[0].original == DEADLINE
    assert read_document(tmp_path / "really_word.md", tmp_path).encoding == "docx"


def test_build_keeps_the_extracted_text_so_quotes_stay_checkable(tmp_path, bulletin):
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "notice.pdf").write_bytes(bulletin)
    (inbox / "plan.docx").write_bytes(docx_bytes(["关于印发行动方案的通知", "到2027年，建成10个示范园区。"]))
    db = tmp_path / "t.duckdb"
    summary = run_build(inbox, db, workers=1)
    assert summary.errors == 0 and summary.documents == 2
    with duckdb.connect(str(db), read_only=True) as con:
        rows = con.execute("""
            SELECT f.source_file, f.quote, l.text, f.char_start, f.char_end, f.due_date
            FROM facts f JOIN lines l USING (doc_id, line)""").fetchall()
    assert rows
    for source_file, quote, text, start, end, _ in rows:
        assert text[start:end] == quote, source_file
    due = {(source, str(due_date)) for source, *_, due_date in rows}
    assert ("notice.pdf", "2026-05-30") in due
    assert ("plan.docx", "2027-12-31") in due
