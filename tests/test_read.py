"""The read stage on text files: encodings by content, normalization with an exact map back, line numbers."""
from __future__ import annotations

import codecs
import sys
import unicodedata

import pytest

from pipeline.read import _STRAY_CONTROLS, IngestError, decode, discover, normalize_line, read_document, split_lines

TEXT = "到2027年，建成10个示范园区。"


@pytest.mark.parametrize("data, encoding", [
    (TEXT.encode("utf-8"), "utf-8"),
    (codecs.BOM_UTF8 + TEXT.encode("utf-8"), "utf-8-sig"),
    (TEXT.encode("utf-16"), "utf-16"),
    (TEXT.encode("utf-16-le"), "utf-16-le"),
    (TEXT.encode("utf-16-be"), "utf-16-be"),
    (TEXT.encode("gb18030"), "gb18030"),
])
def test_decode_detects_the_encoding_from_the_bytes(data, encoding):
    assert decode(data) == (TEXT, encoding)


@pytest.mark.parametrize("data, message", [
    (b"", "empty file"),
    (b" \n\t", "empty file"),
    (b"\x00\x01\x02\xff" * 100, "binary file"),
    (bytes(range(1, 32)) * 10, "binary file"),
])
def test_decode_rejects_what_is_not_text(data, message):
    with pytest.raises(IngestError, match=message):
        decode(data)


def test_stray_controls_are_the_control_characters_other_than_tab_and_line_breaks():
    every = (chr(code) for code in range(sys.maxunicode + 1))
    assert ([ch for ch in every if _STRAY_CONTROLS.match(ch)]
            == [chr(code) for code in range(sys.maxunicode + 1)
                if unicodedata.category(chr(code)) == "Cc" and chr(code) not in "\r\n\t\f"])


def test_decode_accepts_a_few_stray_controls_and_rejects_many():
    text = "到2027年，建成10个示范园区。" * 20  # 340 characters: 8 controls allowed
    assert decode(("\x01" * 8 + text).encode("utf-8"))[0].startswith("\x01")
    with pytest.raises(IngestError, match="binary file"):
        decode(("\x01" * 9 + text).encode("utf-8"))


def test_normalize_line_maps_every_character_back():
    original = "到２０２７年 1 月，规模达到 3.5 万亿元（2024－2026年）"
    text, offsets = normalize_line(original)
    assert text == "到2027年1月，规模达到3.5万亿元（2024—2026年）"
    assert len(offsets) == len(text)
    for i, ch in enumerate(text):
        assert ch == original[offsets[i]] or ord(original[offsets[i]]) - 0xFEE0 == ord(ch) or ch == "—"


@pytest.mark.parametrize("original, text, offsets", [
    # a numeral's last digit points at the numeral's last character, so a quote ending on it keeps 二十九 whole
    ("二〇二五年九月二十九日印发", "2025年9月29日印发", [0, 1, 2, 3, 4, 5, 6, 7, 9, 10, 11, 12]),
    ("每年十二月十五日前报送", "每年12月15日前报送", [0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10]),
    ("三日内 完成", "三日内完成", [0, 1, 2, 4, 5]),  # a duration stays in words; the space between words goes
    ("十二五期间", "十二五期间", [0, 1, 2, 3, 4]),  # no 年, 月, 日 after the numeral: no date
    ("截止2026-06-29前", "截止2026年6月29日前", list(range(13))),  # a date with separators, as 年月日
    ("GB/T 22239-2019", "GB/T 22239-2019", list(range(15))),  # a standard's number is no date
    ("Section 3 of the plan", "Section 3 of the plan", list(range(21))),  # spaces between Latin words stay
    ("高等学校二百○八所", "高等学校二百〇八所", list(range(9))),  # a white circle for zero inside a numeral
    ("一九八○年建成○○公司", "1980年建成○○公司", list(range(11))),  # a date's circle; a placeholder stays
])
def test_normalize_line_writes_dates_in_digits_and_drops_spaces_between_words(original, text, offsets):
    normalized, mapped = normalize_line(original)
    assert (normalized, list(mapped)) == (text, offsets)


def test_split_lines_numbers_lines_like_sed():
    assert split_lines("a\r\nb\rc\n") == ["a", "b", "c", ""]


def test_read_document_keeps_original_lines_and_hashes_the_bytes(tmp_path):
    path = tmp_path / "sub" / "plan.txt"
    path.parent.mkdir()
    path.write_bytes(("标题\r\n" + TEXT.replace("2027", "２０２７")).encode("gb18030"))
    doc = read_document(path, tmp_path)
    assert doc.source_file == "sub/plan.txt"
    assert doc.encoding == "gb18030"
    assert [(line.number, line.original) for line in doc.lines] == [(1, "标题"), (2, TEXT.replace("2027", "２０２７"))]
    assert doc.lines[1].text == TEXT
    assert len(doc.doc_id) == 16 and doc.content_hash.startswith(doc.doc_id)


def test_line_span_maps_to_the_original():
    from pipeline.read import Line

    original = "到 ２０２７ 年底"
    line = Line(1, original, *normalize_line(original))
    start = line.text.index("2027年")
    s, e = line.span(start, start + 5)
    assert original[s:e] == "２０２７ 年"


def test_whitespace_only_file_is_rejected(tmp_path):
    (tmp_path / "blank.md").write_text("\u3000\n\n", encoding="utf-8")
    with pytest.raises(IngestError, match="only whitespace"):
        read_document(tmp_path / "blank.md", tmp_path)


def test_discover_is_sorted_and_skips_hidden_folders(tmp_path):
    for rel in ("b/2.txt", "a/1.md", ".git/x.txt", "c.txt"):
        (tmp_path / rel).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / rel).write_text("x")
    assert [p.relative_to(tmp_path).as_posix() for p in discover(tmp_path)] == ["c.txt", "a/1.md", "b/2.txt"]
