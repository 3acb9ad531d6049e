"""The upload page: safe names, content checks before storing, the build it runs, staff only."""
from __future__ import annotations

import importlib.util
import re
import subprocess
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from docfixtures import DEADLINE, bulletin_pdf, docx_bytes, zip_bytes
from pipeline.read import IngestError

PAGE = Path(__file__).resolve().parents[1] / "dashboard" / "views" / "upload.py"
spec = importlib.util.spec_from_file_location("upload_page", PAGE)
upload = importlib.util.module_from_spec(spec)
spec.loader.exec_module(upload)


@pytest.mark.parametrize("name, encoding, expected", [
    ("../../etc/passwd", "text", "passwd.txt"),
    ("..\\..\\windows\\evil.pdf", "pdf", "evil.pdf"),
    ("/abs/path/通知（2026）.docx", "docx", "通知_2026.docx"),
    (".bashrc", "text", "bashrc.txt"),
    ("..", "text", "upload.txt"),
    ("plan.md", "text", "plan.md"),
    ("really_a_pdf.txt", "pdf", "really_a_pdf.pdf"),
    ("a" * 300 + ".pdf", "pdf", "a" * 80 + ".pdf"),
])
def test_safe_filename_stays_in_the_folder_and_matches_the_content(name, encoding, expected):
    assert upload.safe_filename(name, encoding) == expected


def test_store_upload_checks_content_and_does_not_store_twice(tmp_path):
    path, is_new = upload.store_upload(tmp_path, "../通知.txt", bulletin_pdf())
    assert path == (tmp_path / "uploads" / "通知.pdf").resolve() and is_new
    assert upload.store_upload(tmp_path, "通知.pdf", bulletin_pdf()) == (path, False)
    other, is_new = upload.store_upload(tmp_path, "通知.pdf", docx_bytes([DEADLINE]))
    assert other.name == "通知.docx" and is_new
    third, _ = upload.store_upload(tmp_path, "通知.txt", DEADLINE.encode("utf-8"))
    fourth, _ = upload.store_upload(tmp_path, "通知.txt", ("新" + DEADLINE).encode("utf-8"))
    assert (third.name, fourth.name) == ("通知.txt", "通知-2.txt")
    assert not list((tmp_path / "uploads").glob(".*"))


@pytest.mark.parametrize("data, reason", [
    (zip_bytes({"a.csv": b"1"}), "not a Word"),
    (b"", "empty file"),
    (bytes(range(1, 32)) * 100, "binary file"),
])
def test_store_upload_refuses_what_the_build_would_reject(tmp_path, data, reason):
    with pytest.raises(IngestError, match=reason):
        upload.store_upload(tmp_path, "x.docx", data)
    assert not (tmp_path / "uploads").exists() or not any((tmp_path / "uploads").iterdir())


def test_store_upload_enforces_the_size_limit(tmp_path, monkeypatch):
    monkeypatch.setattr(upload, "MAX_FILE_BYTES", 100)
    with pytest.raises(IngestError, match="file too large"):
        upload.store_upload(tmp_path, "big.txt", DEADLINE.encode("utf-8") * 10)


def test_build_after_upload_reports_the_file_and_other_rejections(tmp_path):
    folder, db = tmp_path / "in", tmp_path / "data" / "t.duckdb"
    upload.store_upload(folder, "notice.pdf", bulletin_pdf())
    (folder / "cut.pdf").write_bytes(bulletin_pdf()[:5000])  # dropped in by hand, not through the page
    result = upload.build(folder, db)
    assert result.returncode == 0, result.stderr
    assert upload.outcome(db, "uploads/notice.pdf") == ([], 1)
    errors, facts = upload.outcome(db, "cut.pdf")
    assert errors[0].startswith("truncated PDF") and facts == 0
    assert "rejected cut.pdf: truncated PDF" in result.stderr


def test_the_result_is_in_chinese_and_names_no_server_path(tmp_path, capsys):
    folder, db = tmp_path / "in", tmp_path / "data" / "t.duckdb"
    upload.store_upload(folder, "notice.pdf", bulletin_pdf())
    (folder / "cut.pdf").write_bytes(bulletin_pdf()[:5000])
    result = upload.build(folder, db)
    assert str(tmp_path) in result.stdout + result.stderr  # what the build itself says ...
    messages = upload.result_messages(db, "uploads/notice.pdf", result)
    text = "\n".join(message for _, message in messages)
    assert str(tmp_path) not in text and "built" not in text and "rejected" not in text  # ... never reaches the page
    assert [level for level, _ in messages] == ["info", "success", "warning"]
    assert "“uploads/notice.pdf”已导入，提取到 1 条事实。" in text and "cut.pdf（PDF 文件不完整（被截断））" in text
    assert not re.search(r"[A-Za-z]{4,}", text.replace("uploads/notice.pdf", "").replace("cut.pdf", "").replace("PDF", ""))

    failed = subprocess.CompletedProcess([], 1, "", f"Traceback (most recent call last):\n  File \"{tmp_path}/x.py\"")
    (level, message), = upload.result_messages(db, "uploads/notice.pdf", failed)
    assert level == "error" and "构建失败，原数据库保持不变" in message and "Traceback" not in message
    assert "Traceback" in capsys.readouterr().err  # the server's log keeps it


def test_reasons_are_shown_in_chinese_with_the_original():
    from dashboard import reasons
    assert upload.reason_zh is reasons.reason_zh  # one table, shared with the 文档 page
    assert upload.reason_zh("no text layer: OCR needed") == \
        "PDF 没有文字层（扫描件），需要先做文字识别（OCR）（no text layer: OCR needed）"
    assert upload.reason_zh("something new") == "something new"
    assert reasons.label_zh("binary file: undecodable bytes at offset 0") == "二进制文件，不是文本"
    assert reasons.label_zh("something new") is None


def test_page_is_for_staff_only(monkeypatch):
    monkeypatch.setenv("TRACKER_STAFF_PASSWORD", "s3cret")
    at = AppTest.from_file(str(PAGE), default_timeout=30).run()
    assert not at.exception
    assert any("仅限员工上传" in w.value for w in at.warning)
    assert not at.get("file_uploader")
    at.text_input(key="staff_sign_in_name").input("王芳")
    at.text_input(key="staff_sign_in_password").input("s3cret")
    at.button[0].click().run()
    assert not at.warning and at.get("file_uploader")
