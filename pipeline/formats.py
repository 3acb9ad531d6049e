"""File formats: tell text, PDF and Word apart by content, and turn PDF and .docx into bulletin text.

The type is read from the bytes (magic numbers), never from the file name: a renamed file is either
handled as what it really is or rejected with a reason. PDF text comes from PDFium (pypdfium2): it
keeps Chinese reading order, and it marks the spaces it invents from glyph gaps, so the letter-spaced
lines of official documents lose their spurious spaces. Page numbers and running headers are dropped
and lines the layout broke mid-sentence are joined, so a sentence is one line for the extractor.
"""
from __future__ import annotations

import io
import os
import re
import unicodedata
import zipfile
from collections import Counter


MAX_FILE_BYTES = int(float(os.environ.get("TRACKER_MAX_FILE_MB", "20")) * 1024 * 1024)
MAX_DOCX_XML_BYTES = 100 * 1024 * 1024  # word/document.xml unpacked: a zip bomb stops here
OLE2_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class IngestError(Exception):
    """A file that cannot be read as a bulletin; the message is the reason shown to the user."""


def sniff(data: bytes) -> str:
    """'pdf', 'docx' or 'text', from the bytes alone. Raises IngestError for a zip that is not a Word
    file and for legacy Office files, which need converting first."""
    head = data[:1024].lstrip(b"\xef\xbb\xbf \t\r\n")
    if head.startswith(b"%PDF-"):
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, EOFError) as exc:
            raise IngestError(f"corrupt zip archive (not a readable Word file): {exc}") from None
        if "word/document.xml" not in names:
            raise IngestError("zip archive without word/document.xml: not a Word (.docx) document")
        return "docx"
    if data.startswith(OLE2_MAGIC):
        raise IngestError("legacy Office file (.doc/.xls, OLE2): save it as .docx or PDF first")
    return "text"


def document_text(kind: str, data: bytes) -> str:
    """The bulletin text of a 'pdf' or 'docx' file; IngestError with the reason when there is none."""
    return pdf_text(data) if kind == "pdf" else docx_text(data)


# --- Word ---------------------------------------------------------------------------------------

def docx_text(data: bytes) -> str:
    """Body paragraphs and table rows in document order; one table row is one line, cells tab-separated
    (a 任务分工表 row keeps its task, agency and deadline together). Headers and footers are not body."""
    import docx
    from docx.table import Table

    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        size = archive.getinfo("word/document.xml").file_size
    if size > MAX_DOCX_XML_BYTES:
        raise IngestError(f"Word document body unpacks to {size / 2**20:.0f} MB (limit "
                          f"{MAX_DOCX_XML_BYTES // 2**20} MB): refused as a possible zip bomb")
    try:
        document = docx.Document(io.BytesIO(data))
        lines: list[str] = []
        for block in document.iter_inner_content():
            if isinstance(block, Table):
                lines.extend(_table_rows(block))
            else:
                lines.extend(block.text.split("\n"))
    except IngestError:
        raise
    except Exception as exc:  # python-docx/lxml raise many types on damaged files
        raise IngestError(f"corrupt Word document: {type(exc).__name__}: {exc}") from None
    return "\n".join(lines)


def _table_rows(table) -> list[str]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:  # a merged cell is returned once per grid column it spans
                continue
            seen.add(id(cell._tc))
            cells.append(" ".join(part.strip() for part in cell.text.split("\n") if part.strip()))
        rows.append("\t".join(cells))
    return rows


# --- PDF ----------------------------------------------------------------------------------------

def pdf_text(data: bytes) -> str:
    """Text layer of a PDF, cleaned of page furniture, with broken lines joined."""
    return "\n".join(join_broken_lines(strip_page_furniture(pdf_pages(data))))


def pdf_pages(data: bytes) -> list[list[str]]:
    """Each page's lines as PDFium reads them. Raises IngestError for truncated, encrypted, damaged
    or image-only PDFs."""
    import pypdfium2 as pdfium

    if b"%%EOF" not in data[-1024:]:
        raise IngestError("truncated PDF: the end-of-file marker (%%EOF) is missing")
    try:
        pdf = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as exc:
        if "password" in str(exc).lower():
            raise IngestError("encrypted PDF: it needs a password to open") from None
        raise IngestError(f"damaged PDF: {exc}") from None
    try:
        pages = [_page_text(pdf[i]).splitlines() for i in range(len(pdf))]
    except Exception as exc:  # a damaged page object; PDFium itself reports by return codes
        raise IngestError(f"damaged PDF page: {type(exc).__name__}: {exc}") from None
    finally:
        pdf.close()
    visible = [ch for page in pages for line in page for ch in line if not ch.isspace()]
    if not visible:
        raise IngestError("no text layer: OCR needed")
    unmapped = sum(1 for ch in visible if ch == "\ufffd" or unicodedata.category(ch) in ("Co", "Cc"))
    if unmapped > len(visible) * 0.3:
        raise IngestError("PDF text layer is unreadable (fonts without a Unicode map): OCR needed")
    return pages


def _page_text(page) -> str:
    """One page's text, minus the spaces PDFium generated from glyph gaps between Chinese characters
    or inside letter-spaced runs ("2 0 2 6 年"). Spaces that are in the file stay, and so do generated
    ones next to Latin letters (PDFs without space glyphs separate English words by gaps only) or
    between table cells ("指标 2025年")."""
    import pypdfium2.raw as pdfium_c

    textpage = page.get_textpage()
    try:
        count = textpage.count_chars()
        codes = [pdfium_c.FPDFText_GetUnicode(textpage.raw, i) for i in range(count)]
        chars = [chr(c) if 0 < c < 0x110000 and not 0xD800 <= c < 0xE000 else "\ufffd" for c in codes]
        generated = {i for i, ch in enumerate(chars)
                     if ch == " " and pdfium_c.FPDFText_IsGenerated(textpage.raw, i) == 1}
        return "".join(ch for i, ch in enumerate(chars)
                       if i not in generated or not _spurious_space(chars, i, generated))
    finally:
        textpage.close()
        page.close()


def _spurious_space(chars: list[str], i: int, generated: set[int]) -> bool:
    before = chars[i - 1] if i > 0 else " "
    after = chars[i + 1] if i + 1 < len(chars) else " "
    if before.isspace() or after.isspace() or _is_latin(before) or _is_latin(after):
        return False
    if _is_cjk(before) and _is_cjk(after):
        return True
    return i - 2 in generated or i + 2 in generated


def _is_latin(ch: str) -> bool:
    return ch.isascii() and ch.isalpha()


def _is_cjk(ch: str) -> bool:
    return unicodedata.east_asian_width(ch) in ("W", "F")


# --- Page furniture and broken lines -----------------------------------------------------------------

PAGE_NUMBER = re.compile(
    r"^\s*(?:[-—–－~～]?\s*\d{1,4}\s*[-—–－~～]?"
    r"|第\s*\d+\s*页(?:\s*[,，/／]?\s*共\s*\d+\s*页)?"
    r"|共\s*\d+\s*页\s*[,，]?\s*第\s*\d+\s*页"
    r"|\d+\s*[/／]\s*\d+"
    r"|(?:page|PAGE|Page)\s*\d+(?:\s*of\s*\d+)?)\s*$")
EDGE_LINES = 3  # how many lines at the top and at the bottom of a page can be furniture
MAX_FURNITURE_CHARS = 40


def strip_page_furniture(pages: list[list[str]]) -> list[str]:
    """All pages' lines in order, without page numbers and running headers/footers. A running header
    is a short line that recurs (digits aside) in the same place, counted from the top or from the
    bottom of the page, on at least half the pages and on two pages or more."""
    pages = [[line.rstrip() for line in page if line.strip()] for page in pages]
    recurring = Counter()
    for page in pages:
        recurring.update({key for _, key in _edge_keys(page)})
    needed = max(2, (len(pages) + 1) // 2)
    kept = []
    for page in pages:
        furniture = {i for i, key in _edge_keys(page) if recurring[key] >= needed or PAGE_NUMBER.match(page[i])}
        kept.extend(line for i, line in enumerate(page) if i not in furniture)
    return kept


def _edge_keys(page: list[str]):
    """(index, (slot, text with digits masked)) for the lines at the top and bottom of a page that could
    be furniture: short, and not ending a sentence."""
    for slot in [*range(EDGE_LINES), *range(-EDGE_LINES, 0)]:
        if (-len(page) <= slot < len(page) and len(page[slot].strip()) <= MAX_FURNITURE_CHARS
                and page[slot].rstrip()[-1] not in "。！？；"):
            yield slot % len(page), (slot, re.sub(r"\d+", "#", re.sub(r"\s+", "", page[slot])))


SENTENCE_END = "。！？；：!?;:…"
CLOSERS = "”’」』）)】》\"'"
STARTS_BLOCK = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇\d]+[章节条款部分篇]"
    r"|[一二三四五六七八九十百]+、"
    r"|[（(][一二三四五六七八九十百\d]+[）)]"
    r"|\d+[.、．](?!\d)"
    r"|[①-⑳]"
    r"|附件|附表"
    r"|[-•·▪●○■□◆]\s)")
FULL_LINE = 0.85  # a line this close to the usual full width was wrapped by the layout


def join_broken_lines(lines: list[str]) -> list[str]:
    """Join a line that reaches the right margin without ending a sentence to the line that continues
    it. Short lines (headings, signatures) and lines starting a heading or list item stay alone."""
    widths = sorted(_width(line) for line in lines if line.strip())
    if not widths:
        return []
    full = widths[min(len(widths) - 1, int(len(widths) * 0.9))] * FULL_LINE
    joined: list[str] = []
    wrapped = False
    for line in lines:
        if joined and wrapped and not STARTS_BLOCK.match(line):
            joined[-1] = _glue(joined[-1], line.strip())
        else:
            joined.append(line)
        wrapped = _width(line) >= full and not _ends_sentence(line)
    return joined


def _glue(head: str, tail: str) -> str:
    """Chinese joins without a space; two English words get one."""
    latin = head[-1:].isascii() and head[-1:].isalpha() and tail[:1].isascii() and tail[:1].isalpha()
    return head + (" " if latin else "") + tail


def _ends_sentence(line: str) -> bool:
    stripped = line.rstrip().rstrip(CLOSERS)
    return not stripped or stripped[-1] in SENTENCE_END


def _width(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in ("W", "F") else 1 for ch in line.strip())
