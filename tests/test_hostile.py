"""Hostile input: each bad file gets a clear reason, the build goes on, and the previous database survives."""
from __future__ import annotations

import tracemalloc

import duckdb
import pytest

from docfixtures import DEADLINE, bulletin_pdf, scanned_pdf, zip_bytes
from pipeline import build, formats
from pipeline.formats import IngestError
from pipeline.read import MAX_LINE_CHARS, read_document

GOOD = f"关于报送材料的通知\n各单位：\n{DEADLINE}\n"


def reason(tmp_path, name: str, data: bytes) -> str:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(IngestError) as caught:
        read_document(path, tmp_path)
    return str(caught.value)


def test_truncated_pdf(tmp_path):
    pdf = bulletin_pdf()
    assert "truncated PDF" in reason(tmp_path, "cut.pdf", pdf[: len(pdf) // 2])


def test_pdf_with_a_damaged_body(tmp_path):
    assert "damaged PDF" in reason(tmp_path, "bad.pdf", b"%PDF-1.7\n" + b"\x00garbage" * 200 + b"\n%%EOF\n")


def test_huge_text_file_is_refused_without_loading_it(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as handle:
        line = (DEADLINE + "\n").encode("utf-8")
        handle.write(line * (50 * 2**20 // len(line) + 1))
    tracemalloc.start()
    with pytest.raises(IngestError, match=r"file too large: 50\.0 MB, the limit is 20 MB"):
        read_document(path, tmp_path)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 2**20


def test_size_limit_is_a_constant_the_reader_honours(tmp_path, monkeypatch):
    from pipeline import read

    monkeypatch.setattr(read, "MAX_FILE_BYTES", 10)
    assert "file too large" in reason(tmp_path, "small.txt", GOOD.encode("utf-8"))


def test_zip_renamed_docx(tmp_path):
    assert "not a Word (.docx) document" in reason(tmp_path, "report.docx", zip_bytes({"a.csv": b"1,2"}))


def test_corrupt_zip_renamed_docx(tmp_path):
    assert "corrupt zip archive" in reason(tmp_path, "report.docx", b"PK\x03\x04" + b"\x00" * 100)


def test_docx_with_broken_xml(tmp_path):
    data = zip_bytes({"[Content_Types].xml": b"<Types", "word/document.xml": b"<w:document>"})
    assert "corrupt Word document" in reason(tmp_path, "broken.docx", data)


def test_docx_zip_bomb_is_refused(tmp_path, monkeypatch):
    monkeypatch.setattr(formats, "MAX_DOCX_XML_BYTES", 1000)
    data = zip_bytes({"word/document.xml": b"<x>" + b" " * 5000 + b"</x>"})
    assert "possible zip bomb" in reason(tmp_path, "bomb.docx", data)


def test_legacy_doc_file(tmp_path):
    assert "legacy Office file" in reason(tmp_path, "old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(1024))


def test_file_deleted_during_the_run(tmp_path):
    with pytest.raises(IngestError, match="file disappeared during the run"):
        read_document(tmp_path / "gone.txt", tmp_path)


def test_one_megabyte_line(tmp_path):
    text = "很长" * (2**20 // 2)
    message = reason(tmp_path, "long.txt", text.encode("utf-8"))
    assert message.startswith(f"line 1 is 1,048,576 characters long (limit {MAX_LINE_CHARS:,})")


def test_control_characters_are_stripped_but_tabs_and_line_breaks_stay(tmp_path):
    path = tmp_path / "ctl.txt"
    path.write_bytes("通知\x07\r\n各单位：\t\x1b[0m\x0c\n请于2026年5月30日\x00前报送材料。\x7f\n".encode("utf-8"))
    lines = [line.original for line in read_document(path, tmp_path).lines]
    assert lines == ["通知", "各单位：\t[0m", DEADLINE, ""]


def test_binary_stays_rejected(tmp_path):
    assert "binary file" in reason(tmp_path, "blob.txt", bytes(range(1, 32)) * 200)
    assert "undecodable bytes" in reason(tmp_path, "image.txt", b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 20)


def test_build_reports_every_bad_file_and_keeps_the_good_one(tmp_path, monkeypatch, capsys):
    inbox = tmp_path / "in"
    inbox.mkdir()
    (inbox / "good.txt").write_text(GOOD, encoding="utf-8")
    db = tmp_path / "tracker.duckdb"
    build.run_build(inbox, db, workers=1)

    pdf = bulletin_pdf()
    hostile = {"cut.pdf": pdf[: len(pdf) // 3], "fake.docx": zip_bytes({"x": b"y"}),
               "long.txt": b"a" * (MAX_LINE_CHARS + 1), "blob.md": bytes(range(1, 32)) * 100,
               "scan.pdf": scanned_pdf(), "good-copy.txt": GOOD.encode("utf-8")}
    for name, data in hostile.items():
        (inbox / name).write_bytes(data)
    with (inbox / "huge.txt").open("wb") as handle:  # 50 MB, sparse: the size alone refuses it
        handle.truncate(50 * 2**20)
    (inbox / "ctl.txt").write_bytes("通知\x07\n各单位：\x1b\n请于2026年6月\x0030日前报送总结。\x7f\n".encode("utf-8"))
    real_discover = build.discover
    monkeypatch.setattr(build, "discover", lambda folder: real_discover(folder) + [folder / "vanished.txt"])
    summary = build.run_build(inbox, db, workers=2)

    assert summary.documents == 2 and summary.errors == 8
    with duckdb.connect(str(db), read_only=True) as con:
        errors = dict(con.execute("SELECT source_file, reason FROM ingest_errors").fetchall())
        documents = con.execute("SELECT source_file FROM documents ORDER BY 1").fetchall()
        facts = con.execute("SELECT f.source_file, f.quote, l.text, f.char_start, f.char_end, f.due_date "
                            "FROM facts f JOIN lines l USING (doc_id, line) ORDER BY 1").fetchall()
    assert documents == [("ctl.txt",), ("good.txt",)]
    assert errors["cut.pdf"].startswith("truncated PDF")
    assert errors["fake.docx"].startswith("zip archive without word/document.xml")
    assert errors["long.txt"].startswith("line 1 is")
    assert errors["blob.md"].startswith("binary file")
    assert errors["scan.pdf"] == "no text layer: OCR needed"
    assert errors["huge.txt"] == "file too large: 50.0 MB, the limit is 20 MB"
    assert errors["vanished.txt"] == "file disappeared during the run"
    assert errors["good-copy.txt"] == "same content as good.txt: counted once"
    # the control characters are gone from the stored line, so the quote is still its exact slice
    assert [(f[0], f[1], str(f[5])) for f in facts] == [
        ("ctl.txt", "请于2026年6月30日前报送总结", "2026-06-30"), ("good.txt", DEADLINE[:-1], "2026-05-30")]
    assert all(text[start:end] == quote for _, quote, text, start, end, _ in facts)
    stderr = capsys.readouterr().err
    assert all(name in stderr for name in [*hostile, "huge.txt", "vanished.txt"])
