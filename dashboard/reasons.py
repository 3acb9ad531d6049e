"""Why the build rejected a file, and why the extractor rejected a span, in Chinese. The pipeline's reasons are English (they are also logged
and stored in ingest_errors); staff read them in Chinese first, with the original kept beside it."""
from __future__ import annotations

# (the start of the pipeline's reason, its Chinese label); the first match wins.
REASONS_ZH = [
    ("file too large", "文件过大"),
    ("truncated PDF", "PDF 文件不完整（被截断）"),
    ("encrypted PDF", "PDF 已加密，需要密码"),
    ("damaged PDF", "PDF 文件已损坏"),
    ("no text layer", "PDF 没有文字层（扫描件），需要先做文字识别（OCR）"),
    ("PDF text layer is unreadable", "PDF 文字层无法识别，需要先做文字识别（OCR）"),
    ("zip archive without word/document.xml", "这是压缩包，不是 Word 文档"),
    ("corrupt zip archive", "压缩文件已损坏，不是可读的 Word 文档"),
    ("corrupt Word document", "Word 文档已损坏"),
    ("Word document body unpacks", "Word 文档解压后过大"),
    ("legacy Office file", "旧版 Office 格式（.doc），请另存为 .docx 或 PDF"),
    ("binary file", "二进制文件，不是文本"),
    ("undecodable bytes", "无法识别的文字编码"),
    ("empty file", "文件为空"),
    ("line ", "单行过长，不像简报正文"),
    ("same content as", "与已有文件内容相同，只计一次"),
    ("file disappeared", "文件在构建过程中被删除"),
]


def label_zh(reason: str) -> str | None:
    """The Chinese label for a pipeline reason; None for a reason not translated yet."""
    for prefix, label in REASONS_ZH:
        if reason.startswith(prefix):
            return label
    return None


def reason_zh(reason: str) -> str:
    """The reason in Chinese, with the pipeline's own words kept for the log."""
    label = label_zh(reason)
    return f"{label}（{reason}）" if label else reason


# the extractor's reason codes for a span that gave no fact (pipeline/extract/candidates.py; README)
CANDIDATE_REASONS_ZH = {
    "heading": "在文章标题中", "in_title": "在引用的文件名或规划期中", "past_statistic": "过去的统计数据",
    "before_issue": "早于发文日期", "money_rule": "补贴、奖励、罚款或价格", "threshold": "适用范围的门槛",
    "ordinal_or_structure": "序数或结构（第二批、若干）", "article_word": "“一个”“一家”之类",
    "duration_no_limit": "不设期限的时长", "plain_date": "没有期限或目标词的日期", "frequency_only": "只有频次，没有任务",
    "news_no_forecast": "新闻陈述现状", "no_goal_cue": "没有目标词", "no_goal_clause": "所在分句没有目标或任务",
}


def candidate_label(code) -> str:
    """A candidate's reason code in Chinese (an unknown code as it is)."""
    return CANDIDATE_REASONS_ZH.get(code, str(code or "其他"))
