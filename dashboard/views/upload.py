"""上传简报: staff add a bulletin (PDF, Word .docx or text) and rebuild the database.

The file is checked by content with the pipeline's own reader before it is stored, so a file that
would only fail every build never lands in the input folder. It is stored under
<input>/uploads/ with a sanitized name, then the ordinary build runs in a subprocess; its result and
any ingest error for the file are shown.
"""
from __future__ import annotations

import fcntl
import hashlib
import os
import re
import subprocess
import sys
import unicodedata
from pathlib import Path

import streamlit as st

from dashboard import auth, queries
from dashboard.reasons import label_zh, reason_zh
from pipeline.formats import MAX_FILE_BYTES
from pipeline.read import IngestError, text_from_bytes

ROOT = Path(__file__).resolve().parents[2]
UPLOAD_FOLDER = "uploads"
BUILD_TIMEOUT_SECONDS = 600
SUFFIXES = {"pdf": ".pdf", "docx": ".docx"}
FORMAT_LABELS = {"pdf": "PDF", "docx": "Word 文档"}

def input_dir() -> Path:
    """The folder the build reads: $TRACKER_INPUT, else seeds/."""
    return Path(os.environ.get("TRACKER_INPUT") or ROOT / "seeds")


def safe_filename(name: str, encoding: str) -> str:
    """A file name that stays inside the upload folder: no directories, no leading dot, only letters,
    digits (Chinese included), '-', '_' and '.', and a suffix that matches the content."""
    stem = Path(unicodedata.normalize("NFKC", name).replace("\\", "/").split("/")[-1]).stem
    stem = re.sub(r"[^\w.-]+", "_", stem).strip("._-")[:80] or "upload"
    suffix = SUFFIXES.get(encoding) or (".md" if name.lower().endswith(".md") else ".txt")
    return stem + suffix


def store_upload(folder: Path, name: str, data: bytes) -> tuple[Path, bool]:
    """Check the bytes as the build will, then write them under folder/uploads/.
    Returns (path, is_new); the same content already stored is not written twice.
    Raises IngestError when the file is not a readable bulletin."""
    if len(data) > MAX_FILE_BYTES:
        raise IngestError(f"file too large: {len(data) / 2**20:.1f} MB, the limit is {MAX_FILE_BYTES / 2**20:.0f} MB")
    _, encoding = text_from_bytes(data)
    target_dir = (folder / UPLOAD_FOLDER).resolve()
    target_dir.mkdir(parents=True, exist_ok=True)
    filename = safe_filename(name, encoding)
    stem, suffix = filename[: -len(Path(filename).suffix)], Path(filename).suffix
    target, n = target_dir / filename, 1
    while target.exists():
        if target.read_bytes() == data:
            return target, False
        n += 1
        target = target_dir / f"{stem}-{n}{suffix}"
    if target.parent != target_dir:
        raise IngestError("unsafe file name")
    partial = target_dir / f".{target.name}.part"  # hidden: a build running now skips it
    partial.write_bytes(data)
    os.replace(partial, target)
    return target, True


def build(folder: Path, db: Path) -> subprocess.CompletedProcess:
    """The ordinary build, one at a time (a lock file beside the database)."""
    db.parent.mkdir(parents=True, exist_ok=True)
    with open(db.with_name(db.name + ".upload.lock"), "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        return subprocess.run(
            [sys.executable, "-m", "pipeline", "build", "--input", str(folder), "--db", str(db), "--quiet"],
            cwd=ROOT, capture_output=True, text=True, timeout=BUILD_TIMEOUT_SECONDS)


def outcome(db: Path, source_file: str) -> tuple[list[str], int]:
    """The latest run's ingest errors and the number of facts the new database holds for one file."""
    errors = queries.ingest_errors(db, source_file=source_file)
    return list(errors["reason"]), queries.file_fact_count(db, source_file)


def result_messages(db: Path, source_file: str, result: subprocess.CompletedProcess) -> list[tuple[str, str]]:
    """What the page says after the build, in Chinese, as (level, text): the build's own log is
    English and names server paths, so it goes to the server's log, never to the page."""
    if result.returncode != 0:
        print(f"upload build failed ({result.returncode}):\n{result.stderr[-4000:] or result.stdout[-4000:]}",
              file=sys.stderr)
        return [("error", "构建失败，原数据库保持不变。详细原因已记入服务器日志，请联系管理员。")]
    info = queries.build_info(db)
    messages = [("info", f"构建完成：数据库现有 {info['documents']} 份简报、{info['facts']} 条事实。")]
    errors, facts = outcome(db, source_file)
    messages += [("error", f"“{source_file}”未导入：{label_zh(reason) or '其他原因'}。") for reason in errors]
    if not errors:
        messages.append(("success", f"“{source_file}”已导入，提取到 {facts} 条事实。"))
    others = queries.ingest_errors(db)
    others = others[others["source_file"] != source_file]
    if len(others):
        messages.append(("warning", f"本次构建中另有 {len(others)} 个文件未能导入："
                         + "；".join(f"{f}（{label_zh(r) or '其他原因'}）" for f, r in
                                    zip(others["source_file"], others["reason"]))
                         + "。详见“文档”页。"))
    return messages


def main() -> None:
    st.title("上传简报")
    if not auth.sign_in_panel():
        st.warning("仅限员工上传。请先登录。")
        st.stop()
    folder, db = input_dir(), queries.db_path()
    limit_mb = MAX_FILE_BYTES / 2**20
    st.caption(f"支持 PDF（须含文字层，扫描件需先做文字识别）、Word（.docx）和文本文件（.txt、.md），"
               f"单个文件不超过 {limit_mb:.0f} MB。文件类型按内容判断，与扩展名无关。"
               f"文件保存到简报目录下的 {UPLOAD_FOLDER}/ 文件夹，然后重新构建数据库。")
    uploaded = st.file_uploader("选择文件", accept_multiple_files=False)
    if uploaded is None or not st.button("上传并构建", type="primary"):
        return
    if uploaded.size > MAX_FILE_BYTES:
        st.error(f"文件过大：{uploaded.size / 2**20:.1f} MB，上限为 {limit_mb:.0f} MB。")
        return
    data = uploaded.getvalue()
    try:
        path, is_new = store_upload(folder, uploaded.name, data)
    except IngestError as exc:
        st.error(f"无法导入“{uploaded.name}”：{reason_zh(str(exc))}")
        return
    source_file = path.relative_to(folder.resolve()).as_posix()
    if is_new:
        st.success(f"已保存为 `{source_file}`（{FORMAT_LABELS.get(path.suffix[1:], '文本')}，"
                   f"SHA-256 {hashlib.sha256(data).hexdigest()[:12]}）。")
    else:
        st.info(f"相同内容的文件已存在：`{source_file}`，不重复保存。")
    with st.spinner("正在构建数据库……"):
        try:
            result = build(folder, db)
        except subprocess.TimeoutExpired:
            st.error(f"构建超时（超过 {BUILD_TIMEOUT_SECONDS} 秒），原数据库保持不变。")
            return
    for level, text in result_messages(db, source_file, result):
        getattr(st, level)(text)


if __name__ == "__main__":  # Streamlit runs a page as __main__; tests import the helpers alone
    main()
