"""Stage 1: find input files, decode them, and normalize each line while keeping a map back.

Text files are decoded here; PDF and Word files become text in `formats` (the type is sniffed from the
bytes, never taken from the name). Either way the text is capped in size, stripped of control
characters, and its lines are what the facts point into.

The extractor works on normalized text (half-width digits, no spaces inside numbers and dates,
one kind of dash); every span it finds is mapped back to the original line so a quote is always an
exact substring of what the user's file says.
"""
from __future__ import annotations

import codecs
import hashlib
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from pipeline.formats import MAX_FILE_BYTES, IngestError, document_text, sniff

SUPPORTED_SUFFIXES = (".txt", ".md", ".pdf", ".docx")
MAX_LINE_CHARS = 100_000  # a bulletin paragraph is a few thousand characters; more is not prose
_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
# The control characters (Unicode category Cc) other than \t, \n, \r and \f: one regex counts them
# ten times faster than asking unicodedata character by character
_STRAY_CONTROLS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")


@dataclass
class Line:
    """One line of a document: the original text and its normalized form with an offset map."""

    number: int  # 1-based
    original: str
    text: str  # normalized
    offsets: Sequence[int] = field(repr=False)  # offsets[i] = index in `original` of text[i]

    def span(self, start: int, end: int) -> tuple[int, int]:
        """Map a normalized [start, end) span back to the original line."""
        return self.offsets[start], self.offsets[end - 1] + 1


@dataclass
class Document:
    source_file: str  # relative to the input folder
    content_hash: str
    encoding: str
    lines: list[Line]

    @property
    def doc_id(self) -> str:
        return self.content_hash[:16]


def discover(input_dir: Path, suffixes=SUPPORTED_SUFFIXES) -> list[Path]:
    """Every supported file under the folder, in a stable order; hidden files and Office lock files
    (~$name.docx) are skipped."""
    found = []
    for root, dirs, files in os.walk(input_dir):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if not name.startswith((".", "~$")) and name.lower().endswith(suffixes):
                found.append(Path(root) / name)
    return found


def decode(data: bytes) -> tuple[str, str]:
    """Bytes -> (text, encoding). UTF-8 (BOM or not), UTF-16 (BOM), else GB18030; detected, never
    taken from the file name. Raises IngestError for empty, binary or undecodable content."""
    if not data.strip():
        raise IngestError("empty file")
    text, encoding = _decode_text(data)
    if not _looks_like_text(text):
        raise IngestError("binary file: decodes to mostly control characters")
    return text, encoding


def _decode_text(data: bytes) -> tuple[str, str]:
    if data.startswith(codecs.BOM_UTF8):
        return _strict(data[3:], "utf-8", "utf-8-sig"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return _strict(data, "utf-16", "utf-16"), "utf-16"
    sample = data[:4096]
    if sample.count(b"\x00") > len(sample) // 8:
        # UTF-16 without BOM: every other byte of ASCII and most CJK is NUL-free, so NULs mean binary
        # unless they sit on one parity, as in BOM-less UTF-16.
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        if odd > 4 * max(even, 1) or even > 4 * max(odd, 1):
            codec = "utf-16-le" if odd > even else "utf-16-be"
            return _strict(data, codec, "utf-16"), codec
        raise IngestError("binary file (NUL bytes): not a text bulletin")
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError as exc:
        binary = sum(1 for byte in sample if byte < 0x20 and byte not in b"\t\n\r\f") > len(sample) // 50
        prefix = "binary file: " if binary else ""
        raise IngestError(f"{prefix}undecodable bytes at offset {exc.start}: neither UTF-8, UTF-16 nor GB18030") from None


def _strict(data: bytes, codec: str, label: str) -> str:
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise IngestError(f"undecodable bytes at offset {exc.start} for {label}") from None


def _looks_like_text(text: str) -> bool:
    sample = text[:4000]
    controls = len(_STRAY_CONTROLS.findall(sample))
    return controls <= max(8, len(sample) // 50)  # a few stray controls are stripped later, not fatal


DASHES = "—–－―‐‑‒〜～~─━"  # ─── (box drawing) is how PDF text writes a —— bullet
_SPACE = re.compile(r"[ \t\u3000\u00a0]+")
_TIGHT = re.compile(r"[0-9.%年月日号个项家亿万千百元倍]|[\u4e00-\u9fff（）()《》“”、，。；：]")


def _width_table() -> dict[int, str]:
    table = {code: chr(code - 0xFEE0) for code in range(0xFF01, 0xFF5F) if chr(code) not in "（）：；，！？"}
    table.update({ord(dash): "—" for dash in DASHES})  # after the full-width rule: "－" is a dash
    table.update({0x3000: " ", 0x00A0: " "})  # a tab stays: it separates a table's cells
    return table


_WIDTH = _width_table()
_NEEDS_WIDTH = re.compile("[%s]" % "".join(re.escape(chr(code)) for code in _WIDTH))  # search is far cheaper than translate
_SPACES = re.compile(r" +")


_CN_DIGIT = {"〇": 0, "零": 0, "○": 0, "一": 1, "二": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
# Dates written in Chinese numerals (二〇二五年九月二十九日, 每年十二月十五日前): a four-digit year, a
# month before 月, a day between 月 and 日/号. Durations (三日内) stay as written: numbers.py reads them.
_CN_DATE = re.compile(
    r"(?P<y>[〇零○一二三四五六七八九]{4})(?=年)"
    r"|(?<![〇零○一二三四五六七八九十百千万两第])(?P<m>十[一二]?|[一二三四五六七八九])(?=月)"
    r"|(?<=月)(?P<d>[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])(?=[日号])")
# A numeral right before 年, 月, 日 or 号, as every _CN_DATE match ends: one cheap search spares the full
# pattern on the few lines in a hundred with a date in Arabic digits or none
_CN_DATE_CUE = re.compile("[〇零○一二三四五六七八九十][年月日号]")


# Dates written with separators (2026-04-30, 2026/4/30, 2026.04.30), as web pages, forms and tables write
# them: written as the text's own 年月日 so every date rule reads them (征求时间 2026-04-30 至 2026-06-29).
# One separator throughout, a month and a day that can be; a standard's number (GB/T 22239-2019) or a
# version (2.0.1) is none.
_SEPARATED_DATE = re.compile(r"(?<![\d.\-/])((?:19|20)\d{2})([-/.])(0?[1-9]|1[0-2])\2(0?[1-9]|[12]\d|3[01])(?![\d.\-/])")


# A white circle written for zero inside a numeral (二百○八所, 一千○五十七万元), as old texts write it: 〇, so
# numbers.py reads the whole numeral; alone (○ as a mark or a placeholder: ○○公司) it stays.
_CIRCLE_ZERO = re.compile(r"(?<=[零〇一二两三四五六七八九十百千万亿])○|○(?=[零〇一二两三四五六七八九十百千万亿])")


def _cn_date_digits(match: re.Match) -> str:
    if match.group("y"):
        return "".join(str(_CN_DIGIT[ch]) for ch in match.group("y"))
    numeral = match.group("m") or match.group("d")
    if "十" not in numeral:
        return str(_CN_DIGIT[numeral])
    tens, _, ones = numeral.partition("十")
    return str((_CN_DIGIT[tens] if tens else 1) * 10 + (_CN_DIGIT[ones] if ones else 0))


def normalize_line(original: str) -> tuple[str, Sequence[int]]:
    """Half-width ASCII, spaces removed between Chinese characters and digits, dashes unified to '—',
    dates in Chinese numerals written in digits (十二月十五日 -> 12月15日), dates with separators in
    年月日 (2026-04-30 -> 2026年4月30日), a white circle for zero inside a numeral as 〇 (二百○八 -> 二百〇八).

    Returns the normalized text and, for each of its characters, the index in the original: dropped
    spaces shift the offsets, and a numeral's digits point into the numeral they replace."""
    text = original.translate(_WIDTH) if _NEEDS_WIDTH.search(original) else original
    edits = [(m.start(), m.end(), "") for m in _SPACES.finditer(text)
             if 0 < m.start() and m.end() < len(text)
             and _TIGHT.match(text[m.start() - 1]) and _TIGHT.match(text[m.end()])] if " " in text else []
    if ("月" in text or "年" in text) and _CN_DATE_CUE.search(text):
        edits += [(m.start(), m.end(), _cn_date_digits(m)) for m in _CN_DATE.finditer(text)]
    if ("-" in text or "/" in text or "." in text) and _SEPARATED_DATE.search(text):
        edits += [(m.start(), m.end(), f"{m.group(1)}年{int(m.group(3))}月{int(m.group(4))}日")
                  for m in _SEPARATED_DATE.finditer(text)]
    if "○" in text:  # a date's circle (一九八○年) is already written in digits
        edits += [(m.start(), m.end(), "〇") for m in _CIRCLE_ZERO.finditer(text)
                  if not any(start <= m.start() < end for start, end, _ in edits)]
    if not edits:
        return text, range(len(text))
    pieces, offsets, cursor = [], [], 0
    for start, end, replacement in sorted(edits):
        pieces.append(text[cursor:start] + replacement)
        offsets.extend(range(cursor, start))
        # the replacement's last character stands for the rest of what it replaces (2026-06-08 -> …8日, 二十五 -> 25),
        # so a span ending on it ends where the original did
        offsets.extend(min(start + i, end - 1) if i < len(replacement) - 1 else end - 1 for i in range(len(replacement)))
        cursor = end
    pieces.append(text[cursor:])
    offsets.extend(range(cursor, len(text)))
    return "".join(pieces), offsets


def split_lines(text: str) -> list[str]:
    """The file's own lines, as `sed -n Np` numbers them (\\n, \\r\\n or \\r)."""
    return text.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def read_bytes_capped(path: Path, limit: int) -> bytes:
    """The file's bytes, refusing more than `limit` without loading them (a huge file stays on disk)."""
    try:
        size = path.stat().st_size
        if size <= limit:
            with path.open("rb") as handle:
                data = handle.read(limit + 1)
            size = len(data)
    except FileNotFoundError:
        raise IngestError("file disappeared during the run") from None
    except OSError as exc:
        raise IngestError(f"cannot read: {exc.strerror or exc}") from None
    if size > limit:
        raise IngestError(f"file too large: {size / 2**20:.1f} MB, the limit is {limit / 2**20:.0f} MB")
    return data


def strip_controls(text: str) -> str:
    """Drop control characters other than tab and line breaks: invisible, and they break quotes."""
    return _CONTROLS.sub("", text)


def text_from_bytes(data: bytes) -> tuple[str, str]:
    """A file's bytes -> (text, encoding), where encoding is 'pdf' or 'docx' for those formats.
    The upload page checks a file with this before storing it. Raises IngestError with the reason."""
    kind = sniff(data)
    if kind == "text":
        text, encoding = decode(data)
    else:
        text, encoding = document_text(kind, data), kind
    text = strip_controls(text.removeprefix("\ufeff"))
    if not text.strip():
        raise IngestError("empty file (only whitespace)")
    for number, line in enumerate(split_lines(text), start=1):
        if len(line) > MAX_LINE_CHARS:
            raise IngestError(f"line {number} is {len(line):,} characters long (limit {MAX_LINE_CHARS:,}): "
                              "not bulletin text")
    return text, encoding


def read_document(path: Path, input_dir: Path) -> Document:
    """Read one file (text, PDF or Word, by content), decode and normalize it.
    Raises IngestError with the reason."""
    data = read_bytes_capped(path, MAX_FILE_BYTES)
    text, encoding = text_from_bytes(data)
    lines = []
    for number, original in enumerate(split_lines(text), start=1):
        normalized, offsets = normalize_line(original)
        lines.append(Line(number, original, normalized, offsets))
    return Document(
        source_file=path.relative_to(input_dir).as_posix(),
        content_hash=hashlib.sha256(data).hexdigest(),
        encoding=encoding,
        lines=lines,
    )
